//! Letters as people have them (issue 14, item 9): the seed letters' real text with its lists
//! retyped as numbered lists, its address block run into one line, and its bullets joined into
//! one paragraph, as copying from a PDF or retyping leaves them. Every labelled field holds;
//! letter 000 gives its previous judgement (requires improvement, November 2016) with the
//! sentence that says so.

mod common;
mod corpus;

use schoolsight_domain::Judgement;
use schoolsight_letters::parse;

fn seed_documents() -> Vec<(corpus::LabelFile, String)> {
    corpus::label_files()
        .into_iter()
        .filter(|f| f.files[0].starts_with("letters/"))
        .map(|f| {
            let text = common::read(&common::shared().join(&f.files[0]));
            (f, text)
        })
        .collect()
}

fn holds(variant: &str, make: fn(&str) -> String) {
    let documents = seed_documents();
    assert!(documents.iter().any(|(_, t)| make(t) != *t), "{variant} changes some seed");
    for (file, text) in documents {
        let changed = make(&text);
        let found = corpus::found(&parse(&changed));
        let mut table = corpus::Table::new();
        let wrong = corpus::score(&mut table, &file.labels, &found);
        assert!(wrong.is_empty(), "{} {variant}: {wrong:?}\n{found:#?}", file.id);
    }
}

#[test]
fn actions_written_as_a_numbered_list() {
    let text = common::read(&common::seed_path("000"));
    assert!(corpus::numbered(&text).contains("\n1. ensure that pupils' learning in mathematics"));
    for (file, text) in seed_documents() {
        let found = corpus::found(&parse(&corpus::numbered(&text)));
        assert_eq!(found.actions.len(), file.labels.actions.len(), "{}", file.id);
    }
}

#[test]
fn an_address_block_joined_into_one_line() {
    let text = common::read(&common::seed_path("000"));
    assert!(
        corpus::address_joined(&text)
            .contains("Mr Lee Ratcliffe Headteacher Calderstones School Harthill Road Liverpool Merseyside L18 3HS")
    );
    holds("address joined", corpus::address_joined);
}

#[test]
fn bullets_joined_into_a_paragraph() {
    let text = common::read(&common::seed_path("000"));
    assert!(corpus::bullets_joined(&text).contains("• ensure that pupils' learning in mathematics consistently improves • embed"));
    holds("bullets joined", corpus::bullets_joined);
}

#[test]
fn every_field_holds_when_retyped_as_numbered_lists() {
    let changed_some = seed_documents().iter().any(|(_, t)| corpus::numbered(t) != *t);
    assert!(changed_some);
    for (file, text) in seed_documents() {
        let found = corpus::found(&parse(&corpus::numbered(&text)));
        let mut table = corpus::Table::new();
        let wrong = corpus::score(&mut table, &file.labels, &found);
        assert!(wrong.is_empty(), "{} numbered: {wrong:?}", file.id);
    }
}

#[test]
fn letter_000_previous_judgement() {
    let letter = parse(&common::read(&common::seed_path("000")));
    assert_eq!(letter.previous_judgement, Some(Judgement::RequiresImprovement));
    assert_eq!(letter.previous_inspection.as_deref(), Some("November 2016"));
    let source = letter.sources.iter().find(|s| s.field == "previous_judgement").expect("its sentence");
    assert_eq!(
        source.text,
        "The visit was the first monitoring inspection since the school was judged to require improvement following the section 5 inspection in November 2016."
    );
}

#[test]
fn letter_000_fields_keep_their_lines() {
    let letter = parse(&common::read(&common::seed_path("000")));
    let source = |field: &str| letter.sources.iter().find(|s| s.field == field).map(|s| s.text.clone());
    assert_eq!(source("letter_date").as_deref(), Some("7 February 2018"));
    assert_eq!(source("school").as_deref(), Some("Calderstones School"));
    assert!(source("visit_dates").unwrap().starts_with("Following my visit to your school on 24 January 2018"));
    assert_eq!(source("recipient").as_deref(), Some("Mr Lee Ratcliffe"));
}

//! Issue 17 point 3: the draft focused-inspection letter for Staffordshire 11–28 March 2014
//! (letter 003) and Derby 17–23 January 2013 (letter 004), from the real bundled files through
//! the real import path, on both back ends. The expected counts are the letters' own, with the
//! differences `crates/store/tests/letters_figures.rs` explains (schools and earlier judgements
//! no file holds). Then the generated Markdown is read back through the letters' parser.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use schoolsight_app::draft_letter::draft_letter;
use schoolsight_domain::draft_letter::DraftLetter;
use schoolsight_domain::{Judgement, Phase, Thresholds};
use schoolsight_letters::{LetterKind, parse};
use schoolsight_store::testing::{TestBackend, TestDatabase};
use schoolsight_store::{Store, test_each_backend};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The same files, imported the same way, as `crates/store/tests/letters_figures.rs` (a test
/// file cannot be shared across crates, so its setup is repeated here).
async fn import_real_files(store: &Store) {
    let out = tempfile::tempdir().unwrap();
    let mut files = schoolsight_bundle::assemble(&shared(""), out.path()).unwrap();
    files.extend([
        shared("ofsted-inspection-history-2005-2020-scraped/ofsted_ratings_2018.csv"),
        shared("ofsted-inspection-history-2005-2020-scraped/2017-2018_england_spine.xlsx"),
        shared("hampshire-surrey-2017-2022/2021_giaslinks.csv"),
    ]);
    for path in &files {
        let parsed = schoolsight_ingest::parse_file(path, &mut |_, _| {}).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        store.import(&parsed, &mut |_, _| {}).await.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

/// A figure's value, 0 when the letter states none; and its rows must be as many as its value.
fn figure(letter: &DraftLetter, id: &str) -> usize {
    match letter.figures.iter().find(|f| f.id == id) {
        Some(f) => {
            assert_eq!(f.sources.len(), f.value, "{id}: every school counted is listed");
            f.value
        }
        None => 0,
    }
}

fn urns(letter: &DraftLetter, id: &str) -> Vec<i64> {
    letter.figures.iter().find(|f| f.id == id).map(|f| f.sources.iter().map(|r| r.urn).collect()).unwrap_or_default()
}

/// The parser's count for one judgement: (schools, improved, held, declined).
fn parsed(letter: &schoolsight_letters::Letter, j: Judgement) -> (u32, Option<u32>, Option<u32>, Option<u32>) {
    let f = letter.focused.as_ref().expect("read as a focused-inspection letter");
    f.outcomes.iter().find(|o| o.judgement == j).map_or((0, None, None, None), |o| (o.count, o.improved, o.held, o.declined))
}

async fn staffordshire(store: &Store) {
    let letter = draft_letter(store, "Staffordshire", d(2014, 3, 11), d(2014, 3, 28), Some(Phase::Primary), &Thresholds::default()).await.unwrap();
    // Letter 003: eighteen primaries; the files hold 21 (one more held at grade 3, and two with
    // no earlier judgement in any file), as letters_figures.rs explains row by row.
    assert_eq!(figure(&letter, "inspected"), 18 + 1 + 2);
    assert_eq!(figure(&letter, "outstanding.improved"), 2, "both outstanding up from good");
    assert_eq!((figure(&letter, "good.held"), figure(&letter, "good.improved"), figure(&letter, "good.declined")), (5, 1, 1));
    assert_eq!(urns(&letter, "good.no_previous_judgement"), vec![124058], "Thomas Russell: earlier judgement in no file");
    assert_eq!((figure(&letter, "requires_improvement.declined"), figure(&letter, "requires_improvement.held")), (4, 2 + 1));
    assert_eq!(urns(&letter, "requires_improvement.no_previous_judgement"), vec![124362], "St Patrick's");
    assert_eq!(figure(&letter, "inadequate.declined"), 3 - 1);
    assert_eq!(urns(&letter, "inadequate.no_previous_judgement"), vec![124204], "Silkmore");
    let headings: Vec<&str> = letter.sections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(headings, ["Context", "Outline of inspection activities", "Inspection outcomes", "Survey findings", "Strengths", "Areas for improvement"]);
    let md = letter.to_markdown();
    println!("{md}"); // `-- --nocapture` shows the draft
    assert!(md.contains("no headteacher survey responses"), "no survey is invented");

    // Read back through the letters' parser. It reads the inspected count and, per judgement,
    // the schools, improved, held and declined; it has no field for "no earlier judgement", so
    // those (good 1, requires improvement 1, inadequate 1) are checked above from the figures
    // only. No survey count is written, so `surveyed` stays unread.
    let back = parse(&md);
    assert_eq!(back.kind, LetterKind::LaFocusedInspections, "{md}");
    let f = back.focused.as_ref().unwrap();
    assert_eq!(f.inspected, Some(21), "{md}");
    assert_eq!(f.surveyed, None);
    assert_eq!(parsed(&back, Judgement::Outstanding), (2, Some(2), None, None), "{md}");
    assert_eq!(parsed(&back, Judgement::Good), (8, Some(1), Some(5), Some(1)), "{md}");
    assert_eq!(parsed(&back, Judgement::RequiresImprovement), (8, None, Some(3), Some(4)), "{md}");
    assert_eq!(parsed(&back, Judgement::Inadequate), (3, None, None, Some(2)), "{md}");
}

async fn derby(store: &Store) {
    let letter = draft_letter(store, "Derby", d(2013, 1, 17), d(2013, 1, 23), None, &Thresholds::default()).await.unwrap();
    // Letter 004: ten inspected; one (requires improvement, previously satisfactory) is in no file.
    assert_eq!(figure(&letter, "inspected"), 10 - 1);
    assert_eq!((figure(&letter, "good.improved"), figure(&letter, "good.held")), (4, 2));
    assert_eq!(figure(&letter, "requires_improvement.held"), 3 - 1);
    assert_eq!(figure(&letter, "outstanding.held"), 1, "the special school sustained outstanding");
    let back = parse(&letter.to_markdown());
    assert_eq!(back.kind, LetterKind::LaFocusedInspections);
    assert_eq!(back.focused.as_ref().unwrap().inspected, Some(9));
    assert_eq!(parsed(&back, Judgement::Good), (6, Some(4), Some(2), None));
    assert_eq!(parsed(&back, Judgement::RequiresImprovement), (2, None, Some(2), None));
    assert_eq!(parsed(&back, Judgement::Outstanding), (1, None, Some(1), None));
    let html = letter.to_html();
    assert!(html.contains("<h2>Inspection outcomes</h2>") && html.contains("<h2>Figures and their sources</h2>"));
    derby_survey(store, &letter).await;
}

/// A survey round of Derby's, with three schools' answers coded here (two strengths, one area
/// for development, on one question), becomes the survey findings; a round of another LA is refused.
async fn derby_survey(store: &Store, letter: &DraftLetter) {
    use schoolsight_domain::casework::Coding;
    use schoolsight_store::SurveyResponse;
    // One answer per school and question (a second replaces the first), so three schools.
    let schools: Vec<i64> = letter.figures.iter().find(|f| f.id == "inspected").unwrap().sources.iter().map(|r| r.urn).collect();
    let questions = vec!["How well does the local authority know your school?".to_string()];
    let round = store.open_survey_round("Spring 2013", "Derby", d(2013, 1, 17), &questions, "inspector").await.unwrap();
    for (i, (answer, coding)) in [("Knows us well", Coding::Strength), ("Data are good", Coding::Strength), ("Visits are rare", Coding::AreaForDevelopment)].into_iter().enumerate() {
        let r = SurveyResponse { urn: schoolsight_domain::Urn(schools[i]), question: 0, answer: answer.into(), coding: Some(coding), theme: None };
        store.record_survey_response(&round, &r, "inspector").await.unwrap();
    }
    let with = schoolsight_app::draft_letter::draft_letter_with_survey(store, "Derby", d(2013, 1, 17), d(2013, 1, 23), None, &Thresholds::default(), Some(&round)).await.unwrap();
    let survey = with.sections.iter().find(|s| s.heading == "Survey findings").unwrap();
    assert_eq!(survey.bullets, ["How well does the local authority know your school?: two responses coded as strengths, one as an area for development, none left uncoded."]);
    let staffs = store.open_survey_round("Spring 2014", "Staffordshire", d(2014, 3, 11), &questions, "inspector").await.unwrap();
    assert!(schoolsight_app::draft_letter::draft_letter_with_survey(store, "Derby", d(2013, 1, 17), d(2013, 1, 23), None, &Thresholds::default(), Some(&staffs)).await.is_err());
}

async fn the_draft_letters_counts_from_the_real_files(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    import_real_files(&store).await;
    staffordshire(&store).await;
    derby(&store).await;
    db.remove().await;
}

test_each_backend!(the_draft_letters_counts_from_the_real_files, super::the_draft_letters_counts_from_the_real_files);

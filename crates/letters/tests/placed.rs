//! A category of concern only from its place: the report's own placing sentence ("In
//! accordance with section 44(1) of the Education Act 2005, Her Majesty's Chief Inspector is of
//! the opinion that this school requires special measures …"), never from the phrase in a
//! general sentence. Each field found keeps the sentence or line it was read from.

mod common;

use common::*;
use schoolsight_domain::{CategoryOfConcern, Judgement};
use schoolsight_letters::{JudgementArea, parse};

/// Real general sentences about special measures, from letter 003 (Staffordshire, 2014).
const GENERAL: [&str; 2] = [
    "three schools were judged to require special measures; it is of particular concern that each of these schools had declined from a previous good judgement.",
    "However, it is of major concern that eight schools have declined since their previous inspections, six schools have been judged to provide an education for their pupils that is not yet good enough, and three have been made subject to special measures.",
];

#[test]
fn a_good_school_whose_report_mentions_special_measures_is_in_no_category() {
    let text = read(&report_path("139305__5.txt"));
    let at = text.find("Full report").expect("the report's body");
    let mentioned = format!("{}{}\n\n{}\n\n{}", &text[..at], GENERAL[0], GENERAL[1], &text[at..]);
    let letter = parse(&mentioned);
    assert_eq!(letter.overall_effectiveness, Some(Judgement::Good));
    assert_eq!(letter.category_of_concern, None);
}

#[test]
fn special_measures_from_the_placing_sentence_with_its_source() {
    let letter = parse(&read(&report_path("103980__5.txt")));
    assert_eq!(letter.category_of_concern, Some(CategoryOfConcern::SpecialMeasures));
    let source = letter
        .sources
        .iter()
        .find(|s| s.field == "category_of_concern")
        .expect("the sentence kept");
    assert!(source.text.starts_with("In accordance with section 44(1) of the Education Act 2005"), "{}", source.text);
}

#[test]
fn every_report_field_keeps_its_line() {
    let letter = parse(&read(&report_path("139305__5.txt")));
    let source = |field: &str| {
        letter
            .sources
            .iter()
            .find(|s| s.field == field)
            .map(|s| s.text.clone())
            .unwrap_or_else(|| panic!("no source for {field}"))
    };
    assert_eq!(source("urn"), "Unique reference number 139305");
    assert_eq!(source("overall_effectiveness"), "Overall effectiveness Good");
    assert_eq!(source("previous_judgement"), "Overall effectiveness at previous inspection Requires improvement");
    let early = letter.key_judgements.iter().find(|k| k.area == JudgementArea::EarlyYears).expect("early years");
    assert_eq!(early.source, "Early years provision Good");
}

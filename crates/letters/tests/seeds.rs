//! The five seed letters and the two sample school reports, field by field, and the reports'
//! PDFs read to the same key fields.

mod common;

use common::*;
use schoolsight_domain::{CategoryOfConcern, Judgement};
use schoolsight_letters::{Letter, LetterKind, ListItem, parse, read_document};

fn seed(prefix: &str) -> Letter {
    parse(&read(&seed_path(prefix)))
}

fn headings(letter: &Letter) -> Vec<&str> {
    letter.sections.iter().map(|s| s.heading.as_str()).collect()
}

fn texts(items: &[ListItem]) -> Vec<&str> {
    items.iter().map(|i| i.text.as_str()).collect()
}

#[test]
fn every_seed_and_report_has_its_labelled_fields() {
    for (prefix, labels) in seed_labels() {
        assert_eq!(found(&seed(prefix)), labels, "seed {prefix}");
    }
    for (stem, labels) in report_labels() {
        let letter = parse(&read(&report_path(&format!("{stem}.txt"))));
        assert_eq!(found(&letter), labels, "report {stem}");
    }
}

#[test]
fn letter_000_calderstones() {
    let letter = seed("000");
    assert!(
        letter
            .kind_evidence
            .iter()
            .any(|e| e == "Requires improvement: monitoring inspection")
    );
    assert!(
        letter
            .kind_evidence
            .iter()
            .any(|e| e == "also judged to require improvement")
    );
    assert_eq!(
        letter.title.as_deref(),
        Some("Requires improvement: monitoring inspection visit to Calderstones School")
    );
    assert_eq!(
        letter.sender_office,
        ["Ofsted", "Piccadilly Gate", "Store Street", "Manchester", "M1 2WD"]
    );
    let recipient = letter.recipient.as_ref().unwrap();
    assert_eq!(recipient.name, "Mr Lee Ratcliffe");
    assert_eq!(recipient.role.as_deref(), Some("Headteacher"));
    assert_eq!(recipient.organisation.as_deref(), Some("Calderstones School"));
    assert_eq!(
        recipient.address,
        ["Harthill Road", "Liverpool", "Merseyside", "L18 3HS"]
    );
    assert_eq!(letter.salutation.as_deref(), Some("Dear Mr Ratcliffe"));
    let school = letter.school.as_ref().unwrap();
    assert_eq!(
        (school.town.as_deref(), school.postcode.as_deref()),
        (Some("Liverpool"), Some("L18 3HS"))
    );
    assert_eq!(letter.la_name.as_deref(), Some("Liverpool"));
    let judgement = letter.monitoring_judgement.as_ref().unwrap();
    assert_eq!(
        judgement.text,
        "Senior leaders and governors are taking effective action to tackle the areas requiring improvement identified at the recent section 5 inspection in order for the school to become a good school."
    );
    assert!(letter.further_actions.iter().all(|i| i.children.is_empty()));
    assert_eq!(
        headings(&letter),
        ["Evidence", "Context", "Main findings", "External support"]
    );
    // The paragraph broken after "expectations" is one paragraph again.
    let findings = &letter.sections[2].text;
    assert!(findings.contains("Leaders have made expectations clearer by making sure"));
    assert!(
        letter.sections[3]
            .text
            .ends_with("This letter will be published on the Ofsted website.")
    );
}

#[test]
fn letter_001_alsop() {
    let letter = seed("001");
    let school = letter.school.as_ref().unwrap();
    assert_eq!(
        (school.town.as_deref(), school.postcode.as_deref()),
        (Some("Liverpool"), Some("L4 6SH"))
    );
    assert!(
        letter
            .kind_evidence
            .iter()
            .any(|e| e == "two successive judgements of requires improvement")
    );
    assert_eq!(
        letter.monitoring_judgement.as_ref().unwrap().text,
        "Senior leaders and governors are taking effective action to tackle the areas requiring improvement identified at the last section 5 inspection in order for the school to become good."
    );
    assert_eq!(
        headings(&letter),
        ["Evidence", "Context", "Main findings", "External support"]
    );
    assert!(
        letter.sections[2]
            .text
            .contains("evaluate the impact of their work. This is also true")
    );
}

#[test]
fn letter_002_stoke_on_trent() {
    let letter = seed("002");
    assert_eq!(
        letter.sender_office,
        [
            "CfBT Inspection",
            "Services",
            "Suite 22",
            "West Lancs",
            "Investment Centre",
            "Maple View",
            "Skelmersdale",
            "WN8 9TG"
        ]
    );
    let recipient = letter.recipient.as_ref().unwrap();
    assert_eq!(recipient.role.as_deref(), Some("Executive Director of People"));
    assert_eq!(recipient.organisation.as_deref(), Some("Stoke-on-Trent City Council"));
    assert_eq!(letter.school, None);
    assert_eq!(
        headings(&letter),
        [
            "Context",
            "Evidence",
            "Summary findings",
            "Areas for improvement",
            "Corporate leadership and strategic planning",
            "Monitoring, challenge, intervention and support",
            "Support and challenge for leadership and management (including governance)",
            "Use of resources",
        ]
    );
    // The nested list, with the gerunds the conversion set loose put back under "by:", the
    // empty bullets gone and "A\*" unescaped.
    let areas = &letter.areas_for_improvement;
    assert_eq!(areas.len(), 5);
    assert!(areas[0].text.ends_with("at least in line with national averages by:"));
    assert_eq!(
        texts(&areas[0].children)
            .iter()
            .map(|t| t.split(' ').next().unwrap())
            .collect::<Vec<_>>(),
        [
            "sustaining",
            "improving",
            "increasing",
            "narrowing,",
            "accelerating",
            "improving"
        ]
    );
    assert!(areas[0].children[2].text.contains("five GCSE grades A* to C"));
    assert!(areas[1..].iter().all(|i| i.children.is_empty()));
    assert!(
        areas[4]
            .text
            .starts_with("refine the current restructuring of the school forum")
    );
    assert!(
        letter.sections[2]
            .text
            .contains("is not gathering information or intelligence systematically")
    );
}

#[test]
fn letter_003_staffordshire() {
    let letter = seed("003");
    assert_eq!(
        letter.title.as_deref(),
        Some("STAFFORDSHIRE LOCAL AUTHORITY FOCUSED INSPECTIONS 11-28 MARCH 2014")
    );
    assert_eq!(letter.salutation, None);
    assert_eq!(
        letter.sender_office,
        ["Ofsted 4th Floor 5 St Philips Place Colmore Row B'ham", "B3 2PW"]
    );
    let recipient = letter.recipient.as_ref().unwrap();
    assert_eq!(
        recipient.role.as_deref(),
        Some("Commissioner for Education and Wellbeing")
    );
    assert_eq!(recipient.organisation.as_deref(), Some("Staffordshire County Council"));
    assert_eq!(
        recipient.address,
        [
            "First Floor Peel Building (Block C) Tipping Street Stafford",
            "ST16 2DH"
        ]
    );
    assert_eq!(
        headings(&letter),
        [
            "Outline of focused inspection activities",
            "Inspection outcomes",
            "Survey responses",
            "Strengths",
            "Areas for development",
            "Summary"
        ]
    );
    assert_eq!(letter.strengths.len(), 6);
    assert!(
        letter.strengths[2]
            .text
            .contains("are considered to be challenging and robust.")
    );
    assert_eq!(letter.areas_for_improvement.len(), 8);
    // The OCR'd signature is noise, not an inspector.
    assert!(!letter.inspectors.iter().any(|n| n.to_lowercase().contains("horna")));
}

#[test]
fn letter_004_derby() {
    let letter = seed("004");
    assert_eq!(
        letter.title.as_deref(),
        Some("Derby City LA – focused inspections – 17 to 23 January 2013")
    );
    assert_eq!(
        letter.sender_office,
        ["Aviation House", "125 Kingsway", "London", "WC2B 6SE"]
    );
    let recipient = letter.recipient.as_ref().unwrap();
    assert_eq!(
        recipient.role.as_deref(),
        Some("Strategic Director of Children & Young People's Services")
    );
    assert_eq!(recipient.organisation.as_deref(), Some("Derby City Council"));
    assert_eq!(letter.salutation.as_deref(), Some("Dear Andrew"));
    assert_eq!(
        headings(&letter),
        [
            "Outline of inspection activities",
            "Inspection and survey outcomes",
            "Strengths",
            "Areas for improvement"
        ]
    );
    assert_eq!(letter.strengths.len(), 5);
    assert_eq!(letter.areas_for_improvement.len(), 6);
    assert!(letter.areas_for_improvement[3].text.ends_with("Opportunities are also missed to gather evidence about the quality of provision in nursery schools to establish baselines for measuring progress in the longer term."));
}

#[test]
fn report_rounds_green() {
    let letter = parse(&read(&report_path("103980__5.txt")));
    let school = letter.school.as_ref().unwrap();
    assert_eq!(
        (school.town.as_deref(), school.postcode.as_deref()),
        (Some("Oldbury"), Some("B69 2DP"))
    );
    assert_eq!(letter.la_name.as_deref(), Some("Sandwell"));
    assert_eq!(letter.category_of_concern, Some(CategoryOfConcern::SpecialMeasures));
    assert_eq!(letter.previous_judgement, Some(Judgement::RequiresImprovement));
    let areas = &letter.areas_for_improvement;
    assert_eq!(
        areas.iter().map(|i| i.children.len()).collect::<Vec<_>>(),
        [3, 3, 3, 3, 5]
    );
    assert_eq!(
        areas[3].text,
        "Improve personal development, behaviour and welfare, including pupils’ attendance, by:"
    );
    // The last sub-bullet runs on across the page break, and stops before the next paragraph.
    assert_eq!(
        areas[4].children[4].text,
        "ensuring that parents contribute to staff’s knowledge about what children know and can do and keeping parents informed so that they know how to support their children at home."
    );
    assert_eq!(letter.strengths.len(), 4);
    for heading in [
        "Full report",
        "School details",
        "Information about this inspection",
        "Inspection team",
    ] {
        assert!(headings(&letter).contains(&heading), "{heading}");
    }
    assert!(!letter.sections.iter().any(|s| s.text.contains("Page 2 of 13")));
}

#[test]
fn report_rough_hay() {
    let letter = parse(&read(&report_path("139305__5.txt")));
    let school = letter.school.as_ref().unwrap();
    // The post town, not the district: "Rough Hay Road, Darlaston, Wednesbury, West Midlands".
    assert_eq!(
        (school.town.as_deref(), school.postcode.as_deref()),
        (Some("Wednesbury"), Some("WS10 8NQ"))
    );
    assert_eq!(letter.la_name.as_deref(), Some("Walsall"));
    assert_eq!(letter.category_of_concern, None);
    assert_eq!(letter.previous_judgement, Some(Judgement::RequiresImprovement));
    let areas = &letter.areas_for_improvement;
    assert_eq!(areas.len(), 1);
    assert!(areas[0].text.ends_with("by ensuring that:"));
    assert_eq!(areas[0].children.len(), 3);
    assert!(
        letter.strengths.is_empty(),
        "the report's strengths column is lost in its text"
    );
}

#[test]
fn pdfs_read_to_the_same_key_fields_as_their_text() {
    for (stem, labels) in report_labels() {
        let text = parse(&read(&report_path(&format!("{stem}.txt"))));
        let document = read_document(&report_path(&format!("{stem}.PDF"))).unwrap();
        assert_eq!(document.format, schoolsight_letters::Format::Pdf);
        let pdf = parse(&document.text);
        assert_eq!(found(&pdf), labels, "{stem}.PDF");
        assert_eq!(pdf.school, text.school);
        assert_eq!(pdf.la_name, text.la_name);
        assert_eq!(pdf.category_of_concern, text.category_of_concern);
        assert_eq!(pdf.previous_judgement, text.previous_judgement);
        assert_eq!(pdf.areas_for_improvement, text.areas_for_improvement);
        assert_eq!(pdf.strengths, text.strengths);
    }
}

#[test]
fn letters_round_trip_through_json() {
    for prefix in SEEDS {
        let letter = seed(prefix);
        let json = serde_json::to_string(&letter).unwrap();
        assert_eq!(serde_json::from_str::<Letter>(&json).unwrap(), letter);
    }
    let json = serde_json::to_value(seed("000")).unwrap();
    assert_eq!(json["kind"]["kind"], "school_monitoring");
    assert_eq!(json["kind"]["reason"], "requires_improvement_twice");
    assert!(matches!(seed("004").kind, LetterKind::LaFocusedInspections));
}

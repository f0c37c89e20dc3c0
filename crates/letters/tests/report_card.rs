//! The 2025 framework's report card (issue 18 point 1). No real report card is in `shared/`
//! (the 2025–26 data there is Ofsted's management information, grades without the text), so
//! these texts are WRITTEN, NOT REAL: they follow the published report card's layout as far as
//! is known here (school and address, inspection dates, URN, a table of the evaluation areas
//! with a grade in words each and safeguarding met or not met, the grade scale, then prose),
//! with the area names and grade words of Ofsted's management information
//! (`shared/data/ofsted-report-cards-2025-26-derived/SOURCE.md`). Their figures are not in the
//! accuracy table. The expected grades are the ones written into each text.

use chrono::NaiveDate;
use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade};
use schoolsight_letters::{LetterKind, parse};

/// The table as a PDF's text layer gives it when cells stay apart: each area, then its grade.
const CELLS_APART: &str = "School inspection report card

Oakfield Primary School
Oakfield Road, Anytown AB1 2CD

Inspection dates: 18 and 19 November 2025

Unique reference number (URN): 123456

Evaluation areas

Inclusion
Strong standard

Curriculum and teaching
Expected standard

Achievement
Needs attention

Attendance and behaviour
Strong standard

Personal development and well-being
Strong standard

Early years
Expected standard

Leadership and governance
Expected standard

Safeguarding standards
Met

The grades are: exceptional, strong standard, expected standard, needs attention and urgent improvement. Safeguarding standards are met or not met.

What is it like to attend this school?

Pupils are kept safe and are happy at school. In reading, most pupils reach the expected standard by the end of Year 6, but achievement in mathematics needs attention: too few pupils are secure in number. Leaders have not yet checked that the new mathematics curriculum is taught as intended.

This inspection was carried out under section 5 of the Education Act 2005.

Inspection team

Jane Example, lead inspector  His Majesty's Inspector
";

/// A secondary school's card converted with its table rows kept on one line, post-16 graded,
/// no early years, safeguarding not met.
const ROWS: &str = "School inspection report card

Riverside Academy
Canal Street, Exampleton EX1 9ZZ

Inspection dates: 3 and 4 February 2026

Unique reference number (URN): 654321

Evaluation area    Grade
Inclusion    Needs attention
Curriculum and teaching    Needs attention
Achievement    Urgent improvement
Attendance and behaviour    Expected standard
Personal development and well-being    Expected standard
Post-16 provision    Strong standard
Leadership and governance    Urgent improvement
Safeguarding standards    Not met

Leaders say that the school will be exceptional within three years. Safeguarding is not effective: checks on adults are incomplete.

This inspection was carried out under section 5 of the Education Act 2005.

Inspection team

Sam Sample, lead inspector  His Majesty's Inspector
";

fn grades(text: &str) -> Vec<(ReportCardArea, ReportCardGrade)> {
    parse(text)
        .report_card
        .into_iter()
        .map(|e| (e.area, e.grade))
        .collect()
}

#[test]
fn a_report_card_is_a_school_report_with_its_school_urn_and_dates() {
    let letter = parse(CELLS_APART);
    assert_eq!(
        letter.kind,
        LetterKind::SchoolReport,
        "evidence: {:?}",
        letter.kind_evidence
    );
    assert_eq!(
        letter.school.as_ref().map(|s| s.name.as_str()),
        Some("Oakfield Primary School")
    );
    assert_eq!(letter.urn.as_deref(), Some("123456"));
    let visit = letter.visit_dates.expect("visit dates");
    assert_eq!(visit.from, NaiveDate::from_ymd_opt(2025, 11, 18).unwrap());
    assert_eq!(visit.to, NaiveDate::from_ymd_opt(2025, 11, 19).unwrap());
    assert_eq!(letter.lead_inspector.as_deref(), Some("Jane Example"));
    // No overall grade and none of the earlier frameworks' judgements on a report card.
    assert_eq!(letter.overall_effectiveness, None);
    assert_eq!(letter.key_judgements, vec![]);
}

#[test]
fn every_graded_area_of_a_card_with_cells_apart() {
    use ReportCardArea::*;
    use ReportCardGrade::*;
    assert_eq!(
        grades(CELLS_APART),
        vec![
            (Inclusion, Strong),
            (CurriculumAndTeaching, Expected),
            (Achievement, NeedsAttention),
            (AttendanceAndBehaviour, Strong),
            (PersonalDevelopmentAndWellbeing, Strong),
            (EarlyYears, Expected),
            (LeadershipAndGovernance, Expected),
            (Safeguarding, Met),
        ]
    );
}

#[test]
fn every_graded_area_of_a_card_with_rows_on_one_line() {
    use ReportCardArea::*;
    use ReportCardGrade::*;
    let letter = parse(ROWS);
    assert_eq!(
        letter.kind,
        LetterKind::SchoolReport,
        "evidence: {:?}",
        letter.kind_evidence
    );
    assert_eq!(letter.urn.as_deref(), Some("654321"));
    assert_eq!(
        grades(ROWS),
        vec![
            (Inclusion, NeedsAttention),
            (CurriculumAndTeaching, NeedsAttention),
            (Achievement, UrgentImprovement),
            (AttendanceAndBehaviour, Expected),
            (PersonalDevelopmentAndWellbeing, Expected),
            (Post16, Strong),
            (LeadershipAndGovernance, UrgentImprovement),
            (Safeguarding, NotMet),
        ]
    );
}

/// Each grade keeps the line it came from; the prose's "expected standard", "needs attention"
/// and "exceptional" are never read as grades (the cards' own grades differ from them).
#[test]
fn each_grade_keeps_its_table_line() {
    let letter = parse(CELLS_APART);
    let sources: Vec<&str> = letter
        .sources
        .iter()
        .filter(|s| s.field == "report_card")
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(sources.len(), 8);
    assert!(
        sources.contains(&"Achievement Needs attention"),
        "{sources:?}"
    );
    assert!(
        sources.contains(&"Safeguarding standards Met"),
        "{sources:?}"
    );
    assert!(
        sources.iter().all(|s| s.len() < 60),
        "a sentence was read as a grade: {sources:?}"
    );
}

/// A report of an earlier framework has no report card, whatever words its prose uses.
#[test]
fn earlier_reports_have_no_report_card() {
    let text = "School report\n\nHill School\n\nInspection dates 9–10 November 2016\n\nOverall effectiveness\n\nGood\n\nOutcomes for pupils\n\nGood\n\nPupils' achievement is a strength; inclusion is strong.\n\nUnique reference number\n\n103980\n\nThis inspection of the school was carried out under section 5 of the Education Act 2005.";
    let letter = parse(text);
    assert_eq!(
        letter.kind,
        LetterKind::SchoolReport,
        "evidence: {:?}",
        letter.kind_evidence
    );
    assert_eq!(letter.report_card, vec![]);
}

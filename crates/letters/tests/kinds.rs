//! The kinds no real document in `shared/` shows, on letters written in the wording of Ofsted's
//! templates for them (constructed here, not real letters: their figures are not in the
//! accuracy table): a short inspection of a good school and its outcome, an ungraded
//! inspection, a special measures monitoring letter before 2015 with its judgement of progress.

use schoolsight_domain::Judgement;
use schoolsight_letters::{LetterKind, MonitoringReason, parse};

const SHORT: &str = "12 May 2016

Mrs Jane Parry
Headteacher
Hillside Primary School
Mill Lane
Northwich
CW9 5AB

Dear Mrs Parry

Short inspection of Hillside Primary School

Following my visit to the school on 26 April 2016, I write on behalf of Her Majesty's Chief Inspector of Education, Children's Services and Skills to report the inspection findings. The visit was the first short inspection carried out since the school was judged to be good in March 2012.

This school continues to be good.

The leadership team has maintained the good quality of education in the school since the last inspection.

Next steps for the school

Leaders and those responsible for governance should ensure that:

- the most able pupils are challenged in mathematics
- pupils' attendance improves further.

This inspection was carried out under section 8 of the Education Act 2005.

Yours sincerely

Alan Brooke
Her Majesty's Inspector";

#[test]
fn a_short_inspection_with_its_outcome_and_next_steps() {
    let letter = parse(SHORT);
    assert_eq!(letter.kind, LetterKind::ShortInspection, "{:?}", letter.kind_evidence);
    assert_eq!(letter.school.as_ref().map(|s| s.name.as_str()), Some("Hillside Primary School"));
    let outcome = letter.monitoring_judgement.expect("the outcome");
    assert!(outcome.effective);
    assert_eq!(outcome.progress.as_deref(), Some("continues to be good"));
    assert_eq!(outcome.text, "This school continues to be good.");
    assert_eq!(letter.previous_judgement, Some(Judgement::Good));
    assert_eq!(letter.previous_inspection.as_deref(), Some("March 2012"));
    assert_eq!(letter.further_actions.len(), 2);
    assert_eq!(letter.lead_inspector.as_deref(), Some("Alan Brooke"));
}

#[test]
fn an_ungraded_inspection() {
    let text = SHORT
        .replace("Short inspection of", "Inspection of")
        .replace("first short inspection", "first ungraded inspection")
        .replace("12 May 2016", "12 May 2022")
        .replace("26 April 2016", "26 April 2022");
    assert_eq!(parse(&text).kind, LetterKind::UngradedInspection);
}

#[test]
fn a_short_inspection_converted_to_a_full_one_is_a_report() {
    let text = format!(
        "School report\n\nHillside Primary School\n\nMill Lane, Northwich CW9 5AB\n\nInspection dates  26–27 April 2016\n\nOverall effectiveness  Requires improvement\n\nWhat does the school need to do to improve further?\n\n- Improve teaching.\n\nSchool details\n\nUnique reference number  111111\n\n{}",
        "This inspection was carried out under section 8 of the Education Act 2005. The inspection was also deemed a section 5 inspection under the same Act."
    );
    let letter = parse(&text);
    assert_eq!(letter.kind, LetterKind::SchoolReport, "{:?}", letter.kind_evidence);
    assert_eq!(letter.overall_effectiveness, Some(Judgement::RequiresImprovement));
}

#[test]
fn special_measures_monitoring_with_its_progress() {
    let text = "4 March 2011

Mr Peter Kane
Headteacher
Moorside High School
Moor Road
Bolton
BL1 4PQ

Dear Mr Kane

Special measures: monitoring inspection of Moorside High School

Following my visit with Anne Lee, additional inspector, to your school on 1 and 2 March 2011, I write on behalf of Her Majesty's Chief Inspector of Education, Children's Services and Skills to confirm the inspection findings.

Having considered all the evidence I am of the opinion that at this time the school is making reasonable progress towards the removal of special measures.

Yours sincerely

Rita Hale
Her Majesty's Inspector";
    let letter = parse(text);
    assert_eq!(
        letter.kind,
        LetterKind::SchoolMonitoring {
            reason: MonitoringReason::SpecialMeasures
        }
    );
    let verdict = letter.monitoring_judgement.expect("the progress judged");
    assert!(verdict.effective);
    assert_eq!(verdict.progress.as_deref(), Some("reasonable progress"));
    assert_eq!(letter.previous_judgement, Some(Judgement::Inadequate));
    assert_eq!(letter.title.as_deref(), Some("Special measures: monitoring inspection of Moorside High School"));
}

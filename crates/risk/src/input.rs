//! What the model reads: inspections, the register's facts about a school, published measures
//! (with the date each became public), and the LA's own records (letters' actions, casework).
//! Every fact carries the date it became known, so features can be taken as at any day.

use chrono::NaiveDate;
use schoolsight_domain::{AcademicYear, CategoryOfConcern, Governance, Measure, Phase, Urn};
use serde::{Deserialize, Serialize};

/// The renewed framework's evaluation areas and their grades (report cards, from November 2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportCardGrade {
    Exceptional,
    Strong,
    Expected,
    NeedsAttention,
    UrgentImprovement,
    /// Safeguarding is judged met or not met, not on the five-point scale.
    Met,
    NotMet,
}

impl ReportCardGrade {
    /// Ofsted's words as the MI files and the store spell them.
    pub fn parse(text: &str) -> Option<ReportCardGrade> {
        match text.trim().to_ascii_lowercase().as_str() {
            "exceptional" => Some(ReportCardGrade::Exceptional),
            "strong" | "strong standard" => Some(ReportCardGrade::Strong),
            "expected" | "expected standard" => Some(ReportCardGrade::Expected),
            "needs attention" => Some(ReportCardGrade::NeedsAttention),
            "urgent improvement" => Some(ReportCardGrade::UrgentImprovement),
            "met" => Some(ReportCardGrade::Met),
            "not met" => Some(ReportCardGrade::NotMet),
            _ => None,
        }
    }

    /// The grades that make a report card a concern (target T3).
    pub fn is_concern(self) -> bool {
        matches!(
            self,
            ReportCardGrade::NeedsAttention
                | ReportCardGrade::UrgentImprovement
                | ReportCardGrade::NotMet
        )
    }
}

/// One area of a report card, e.g. `("achievement", NeedsAttention)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaGrade {
    pub area: String,
    pub grade: ReportCardGrade,
}

/// The sub-judgements of a graded inspection under the 2019–2024 framework (1..4 each).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubJudgements {
    pub quality_of_education: Option<u8>,
    pub behaviour_and_attitudes: Option<u8>,
    pub personal_development: Option<u8>,
    pub leadership_and_management: Option<u8>,
    pub safeguarding_effective: Option<bool>,
}

impl SubJudgements {
    fn key_grades(&self) -> [Option<u8>; 4] {
        [
            self.quality_of_education,
            self.behaviour_and_attitudes,
            self.personal_development,
            self.leadership_and_management,
        ]
    }

    /// Below good on any key judgement, or safeguarding ineffective; `None` when nothing is graded.
    pub fn below_good(&self) -> Option<bool> {
        let grades: Vec<u8> = self.key_grades().into_iter().flatten().collect();
        if grades.is_empty() && self.safeguarding_effective.is_none() {
            return None;
        }
        Some(grades.iter().any(|g| *g >= 3) || self.safeguarding_effective == Some(false))
    }
}

/// One inspection, graded or not, under the URN the school had at the time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectionEvent {
    pub urn: Urn,
    pub start_date: NaiveDate,
    /// A graded (section 5 / full / report-card) inspection, as against a short or monitoring visit.
    pub graded: bool,
    /// Overall effectiveness 1..4; `None` when not judged (ungraded visits, September 2024 on).
    pub grade: Option<u8>,
    pub category: Option<CategoryOfConcern>,
    pub sub_judgements: SubJudgements,
    /// Report-card areas (renewed framework); empty before November 2025.
    pub report_card: Vec<AreaGrade>,
}

impl InspectionEvent {
    /// A graded inspection with an overall grade only, as the scraped history records it.
    pub fn graded(urn: Urn, start_date: NaiveDate, grade: u8) -> InspectionEvent {
        InspectionEvent {
            urn,
            start_date,
            graded: true,
            grade: Some(grade),
            category: None,
            sub_judgements: SubJudgements::default(),
            report_card: Vec::new(),
        }
    }

    pub fn is_report_card(&self) -> bool {
        !self.report_card.is_empty()
    }

    /// Did the report card have any area at needs attention or urgent improvement, or
    /// safeguarding not met? `None` when it is not a report card.
    pub fn report_card_concern(&self) -> Option<bool> {
        self.is_report_card()
            .then(|| self.report_card.iter().any(|a| a.grade.is_concern()))
    }

    /// The outcome judged below good, whichever framework the inspection followed: the overall
    /// grade (3 or 4); failing that (September 2024 – 2025, no overall grade) any key
    /// sub-judgement below good or safeguarding ineffective; failing that a report-card concern.
    pub fn below_good(&self) -> Option<bool> {
        if !self.graded {
            return None;
        }
        self.grade
            .map(|g| g >= 3)
            .or_else(|| self.sub_judgements.below_good())
            .or_else(|| self.report_card_concern())
    }
}

/// What the register says about a school. Dated facts (opening, closing) are honoured as at a
/// date; the rest (type, trust) describe the register extract and are used only while the
/// school is open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolFacts {
    pub urn: Urn,
    pub name: String,
    pub la_name: Option<String>,
    pub phase: Option<Phase>,
    pub type_name: Option<String>,
    pub governance: Option<Governance>,
    pub trust: Option<String>,
    pub open_date: Option<NaiveDate>,
    pub close_date: Option<NaiveDate>,
    pub pupils: Option<i64>,
    pub fsm_percent: Option<f64>,
    /// Schools this one replaced (an academy's maintained predecessor, amalgamated schools).
    pub predecessors: Vec<Urn>,
}

impl SchoolFacts {
    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        self.open_date.is_none_or(|d| d <= date) && self.close_date.is_none_or(|d| d > date)
    }
}

/// One published figure for a school (all pupils), from the performance tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedMeasure {
    pub urn: Urn,
    pub measure: Measure,
    pub year: AcademicYear,
    pub value: f64,
}

impl PublishedMeasure {
    pub fn published_on(&self) -> NaiveDate {
        publication_date(self.measure, self.year)
    }
}

/// When DfE makes a year's figures public, so a feature at D only sees what an LA could have
/// seen. Conservative (the latest usual date):
/// - KS2 and KS4 results of academic year Y/Y+1 (and their cohort figures): the performance
///   tables of the December after the summer exams, taken as 31 December Y+1;
/// - absence of Y/Y+1: the spring after the year ends, taken as 31 March Y+2;
/// - census (pupils on roll, FSM shares) of January Y+1: the June after, taken as 30 June Y+1.
pub fn publication_date(measure: Measure, year: AcademicYear) -> NaiveDate {
    let (y, m, d) = match measure {
        Measure::OverallAbsence | Measure::PersistentAbsence | Measure::PersistentAbsence15 => {
            (year.0 + 2, 3, 31)
        }
        Measure::PupilsOnRoll | Measure::RollShare => (year.0 + 1, 6, 30),
        _ => (year.0 + 1, 12, 31),
    };
    NaiveDate::from_ymd_opt(y, m, d).expect("valid publication date")
}

/// An action a letter asked of a school, open from `opened` until `closed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterAction {
    pub urn: Urn,
    pub opened: NaiveDate,
    pub closed: Option<NaiveDate>,
}

/// A casework record of concern about a school, open from `opened` until `closed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseworkFlag {
    pub urn: Urn,
    pub opened: NaiveDate,
    pub closed: Option<NaiveDate>,
}

/// Open on `date`: opened on or before it and not yet closed.
pub(crate) fn open_between(opened: NaiveDate, closed: Option<NaiveDate>, date: NaiveDate) -> bool {
    opened <= date && closed.is_none_or(|c| c > date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn results_are_public_the_december_after_absence_the_spring_census_the_june() {
        let year = AcademicYear(2018);
        assert_eq!(
            publication_date(Measure::Ks2RwmExpected, year),
            day("2019-12-31")
        );
        assert_eq!(
            publication_date(Measure::Ks4Progress8, year),
            day("2019-12-31")
        );
        assert_eq!(
            publication_date(Measure::OverallAbsence, year),
            day("2020-03-31")
        );
        assert_eq!(
            publication_date(Measure::RollShare, year),
            day("2019-06-30")
        );
    }

    #[test]
    fn below_good_reads_the_framework_in_force() {
        let mut e = InspectionEvent::graded(Urn(1), day("2019-01-01"), 3);
        assert_eq!(e.below_good(), Some(true));
        e.grade = None;
        assert_eq!(e.below_good(), None);
        e.sub_judgements.quality_of_education = Some(2);
        assert_eq!(e.below_good(), Some(false));
        e.sub_judgements.safeguarding_effective = Some(false);
        assert_eq!(e.below_good(), Some(true));
        let mut card = InspectionEvent::graded(Urn(1), day("2026-01-01"), 2);
        card.grade = None;
        card.report_card = vec![AreaGrade {
            area: "achievement".into(),
            grade: ReportCardGrade::NeedsAttention,
        }];
        assert_eq!(card.report_card_concern(), Some(true));
        assert_eq!(card.below_good(), Some(true));
        card.graded = false;
        assert_eq!(card.below_good(), None);
    }

    #[test]
    fn report_card_words_parse() {
        assert_eq!(
            ReportCardGrade::parse("Needs attention"),
            Some(ReportCardGrade::NeedsAttention)
        );
        assert_eq!(
            ReportCardGrade::parse("Strong standard"),
            Some(ReportCardGrade::Strong)
        );
        assert_eq!(
            ReportCardGrade::parse("Not met"),
            Some(ReportCardGrade::NotMet)
        );
        assert_eq!(ReportCardGrade::parse("9"), None);
    }
}

//! What the model reads: inspections, the register's facts about a school, published measures
//! (with the date each became public), and the LA's own records (letters' actions, casework).
//! Every fact carries the date it became known, so features can be taken as at any day.

use chrono::NaiveDate;
use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade, SubJudgements};
use schoolsight_domain::{
    AcademicYear, CategoryOfConcern, Governance, Inspection, Measure, Phase, School, Urn,
};
use serde::{Deserialize, Serialize};

/// The report-card grades that make a report card a concern (target T3).
pub fn is_concern(grade: ReportCardGrade) -> bool {
    matches!(
        grade,
        ReportCardGrade::NeedsAttention
            | ReportCardGrade::UrgentImprovement
            | ReportCardGrade::NotMet
    )
}

/// Below good on any key judgement (quality of education, behaviour and attitudes, personal
/// development, leadership and management), or safeguarding ineffective; `None` when none of
/// these is graded.
pub fn key_judgements_below_good(sub: &SubJudgements) -> Option<bool> {
    let grades: Vec<u8> = [
        sub.quality_of_education,
        sub.behaviour_and_attitudes,
        sub.personal_development,
        sub.leadership_and_management,
    ]
    .into_iter()
    .flatten()
    .collect();
    if grades.is_empty() && sub.safeguarding_effective.is_none() {
        return None;
    }
    Some(grades.iter().any(|g| *g >= 3) || sub.safeguarding_effective == Some(false))
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
    pub report_card: Vec<(ReportCardArea, ReportCardGrade)>,
    /// The day the file that gave this visit's detail was taken, when that file is a snapshot
    /// (Ofsted's "latest and previous inspection" statistics, a register extract); `None` when
    /// the visit comes from a complete series published as inspections happened.
    ///
    /// Why it matters: a snapshot keeps a school's earlier visit only if nothing has replaced
    /// it since, so whether a 2014 visit's sub-judgements survive in a 2022 file depends on
    /// what happened after 2014. Read as at an earlier date, such detail would leak the future;
    /// see [`InspectionEvent::known_on`].
    #[serde(default)]
    pub detail_known_from: Option<NaiveDate>,
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
            detail_known_from: None,
        }
    }

    /// The model's view of a stored inspection: a visit no file called graded or ungraded
    /// counts as graded when it carries an overall grade (the scraped timeline lists graded
    /// judgements only). `detail_known_from` is the snapshot date of the file that gave it, if
    /// that file is a snapshot.
    pub fn from_inspection(
        inspection: &Inspection,
        detail_known_from: Option<NaiveDate>,
    ) -> InspectionEvent {
        let detail = &inspection.detail;
        let grade = inspection.judgement.map(|j| j.grade());
        InspectionEvent {
            urn: inspection.urn,
            start_date: inspection.start_date,
            graded: detail
                .graded
                .unwrap_or(grade.is_some() || !detail.report_card.is_empty()),
            grade,
            category: inspection.category,
            sub_judgements: detail.sub_judgements,
            report_card: detail.report_card.clone(),
            detail_known_from,
        }
    }

    /// Whether its detail (sub-judgements, category, report-card areas) was published by `day`.
    pub fn detail_known_on(&self, day: NaiveDate) -> bool {
        self.detail_known_from.is_none_or(|from| from <= day)
    }

    /// Whether a user on `day` could know of this visit: it had happened, and either its
    /// source had been published or it is a graded judgement with an overall grade (published
    /// with its report, and listed by the complete timeline whatever a later snapshot keeps).
    /// An ungraded visit known only from a later snapshot is unknown on `day`.
    pub fn known_on(&self, day: NaiveDate) -> bool {
        self.start_date <= day
            && (self.detail_known_on(day) || (self.graded && self.grade.is_some()))
    }

    pub fn is_report_card(&self) -> bool {
        !self.report_card.is_empty()
    }

    /// Did the report card have any area at needs attention or urgent improvement, or
    /// safeguarding not met? `None` when it is not a report card.
    pub fn report_card_concern(&self) -> Option<bool> {
        self.is_report_card()
            .then(|| self.report_card.iter().any(|(_, grade)| is_concern(*grade)))
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
            .or_else(|| key_judgements_below_good(&self.sub_judgements))
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
    /// The day the register extract that gave the trust, pupils and FSM share describes: those
    /// change over a school's life, so they are read only as at that day or later.
    pub recorded_on: Option<NaiveDate>,
    /// Schools this one replaced (an academy's maintained predecessor, amalgamated schools).
    pub predecessors: Vec<Urn>,
}

impl SchoolFacts {
    /// The register's entry as the model reads it, with the schools it replaced.
    pub fn from_school(
        school: &School,
        recorded_on: Option<NaiveDate>,
        predecessors: Vec<Urn>,
    ) -> SchoolFacts {
        SchoolFacts {
            urn: school.urn,
            name: school.name.clone(),
            la_name: Some(school.la_name.clone()),
            phase: Some(school.phase),
            type_name: Some(school.type_name.clone()),
            governance: Some(school.governance),
            trust: school.trust.clone(),
            open_date: school.open_date,
            close_date: school.close_date,
            pupils: school.pupils,
            fsm_percent: school.fsm_percent,
            recorded_on,
            predecessors,
        }
    }

    /// State-funded (maintained, academy, free school), the population an LA answers for;
    /// unknown governance counts as state-funded.
    pub fn is_state_funded(&self) -> bool {
        self.governance.is_none_or(Governance::is_state_funded)
    }

    /// Were the changing facts (trust, pupils, FSM share) recorded by `date`?
    pub fn recorded_by(&self, date: NaiveDate) -> bool {
        self.recorded_on.is_some_and(|r| r <= date)
    }

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
        card.report_card = vec![(ReportCardArea::Achievement, ReportCardGrade::NeedsAttention)];
        assert_eq!(card.report_card_concern(), Some(true));
        assert_eq!(card.below_good(), Some(true));
        card.graded = false;
        assert_eq!(card.below_good(), None);
    }
}

//! Schools as the register knows them, and their inspections.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::judgement::{CategoryOfConcern, Judgement, ReportCardArea, ReportCardGrade, SubJudgements};

/// The unique reference number DfE gives an establishment. A school that converts to an
/// academy or merges gets a new URN; the links file chains them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Urn(pub i64);

impl fmt::Display for Urn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The phase of education, as GIAS and Ofsted name it. Infant and junior schools are primary
/// schools with a narrower age range; they keep their own name because letters count them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Nursery,
    Infant,
    Junior,
    Primary,
    Secondary,
    AllThrough,
    Special,
    PupilReferralUnit,
    SixteenPlus,
    Other,
}

impl Phase {
    pub const ALL: [Phase; 10] = [
        Phase::Nursery,
        Phase::Infant,
        Phase::Junior,
        Phase::Primary,
        Phase::Secondary,
        Phase::AllThrough,
        Phase::Special,
        Phase::PupilReferralUnit,
        Phase::SixteenPlus,
        Phase::Other,
    ];

    /// The phases national statistics report "% good or outstanding" for.
    pub const REPORTED: [Phase; 5] = [
        Phase::Nursery,
        Phase::Primary,
        Phase::Secondary,
        Phase::Special,
        Phase::PupilReferralUnit,
    ];

    /// The group national statistics put a school in: infant, junior and all-through schools
    /// are counted with primary and secondary schools respectively.
    pub fn reporting_group(self) -> Phase {
        match self {
            Phase::Infant | Phase::Junior => Phase::Primary,
            Phase::AllThrough | Phase::SixteenPlus => Phase::Secondary,
            other => other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Phase::Nursery => "nursery",
            Phase::Infant => "infant",
            Phase::Junior => "junior",
            Phase::Primary => "primary",
            Phase::Secondary => "secondary",
            Phase::AllThrough => "all-through",
            Phase::Special => "special",
            Phase::PupilReferralUnit => "pupil referral unit",
            Phase::SixteenPlus => "16 plus",
            Phase::Other => "other",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Phase::Nursery => "nursery",
            Phase::Infant => "infant",
            Phase::Junior => "junior",
            Phase::Primary => "primary",
            Phase::Secondary => "secondary",
            Phase::AllThrough => "all_through",
            Phase::Special => "special",
            Phase::PupilReferralUnit => "pupil_referral_unit",
            Phase::SixteenPlus => "sixteen_plus",
            Phase::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// Who runs a school: the local authority, or an academy trust by one of its routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Governance {
    Maintained,
    AcademyConverter,
    AcademySponsorLed,
    FreeSchool,
    Independent,
    Other,
}

impl Governance {
    pub const ALL: [Governance; 6] = [
        Governance::Maintained,
        Governance::AcademyConverter,
        Governance::AcademySponsorLed,
        Governance::FreeSchool,
        Governance::Independent,
        Governance::Other,
    ];

    /// Publicly funded schools: the population LA and national statistics are about.
    pub fn is_state_funded(self) -> bool {
        matches!(
            self,
            Governance::Maintained
                | Governance::AcademyConverter
                | Governance::AcademySponsorLed
                | Governance::FreeSchool
        )
    }

    pub fn is_academy(self) -> bool {
        matches!(
            self,
            Governance::AcademyConverter | Governance::AcademySponsorLed | Governance::FreeSchool
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            Governance::Maintained => "LA maintained",
            Governance::AcademyConverter => "academy converter",
            Governance::AcademySponsorLed => "sponsor-led academy",
            Governance::FreeSchool => "free school",
            Governance::Independent => "independent",
            Governance::Other => "other",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Governance::Maintained => "maintained",
            Governance::AcademyConverter => "academy_converter",
            Governance::AcademySponsorLed => "academy_sponsor_led",
            Governance::FreeSchool => "free_school",
            Governance::Independent => "independent",
            Governance::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> Option<Governance> {
        Governance::ALL.into_iter().find(|g| g.key() == key)
    }
}

/// Whether the register lists the establishment as open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Closed,
    ProposedToOpen,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
            Status::ProposedToOpen => "proposed_to_open",
        }
    }

    pub fn from_key(key: &str) -> Option<Status> {
        [Status::Open, Status::Closed, Status::ProposedToOpen]
            .into_iter()
            .find(|s| s.key() == key)
    }
}

/// One establishment as the register describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct School {
    pub urn: Urn,
    pub name: String,
    pub la_code: Option<String>,
    pub la_name: String,
    /// `TypeOfEstablishment (name)` exactly as published, e.g. "Voluntary aided school".
    pub type_name: String,
    pub governance: Governance,
    pub phase: Phase,
    pub status: Status,
    pub open_date: Option<NaiveDate>,
    pub close_date: Option<NaiveDate>,
    pub trust: Option<String>,
    pub pupils: Option<i64>,
    pub fsm_percent: Option<f64>,
    pub town: Option<String>,
    pub postcode: Option<String>,
}

impl School {
    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        open_on(self.status, self.open_date, self.close_date, date)
    }
}

/// Was an establishment open on `date`? Dates win over the status flag, which only describes
/// the day of the extract.
pub fn open_on(status: Status, open_date: Option<NaiveDate>, close_date: Option<NaiveDate>, date: NaiveDate) -> bool {
    if open_date.is_some_and(|d| d > date) {
        return false;
    }
    if let Some(closed) = close_date {
        return closed > date;
    }
    match status {
        Status::Open => true,
        Status::Closed => false,
        Status::ProposedToOpen => open_date.is_some_and(|d| d <= date),
    }
}

/// One inspection of a school, graded or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub urn: Urn,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub publication_date: Option<NaiveDate>,
    pub number: Option<String>,
    /// The inspection type as published, e.g. "S5 Inspection".
    pub kind: Option<String>,
    pub judgement: Option<Judgement>,
    pub category: Option<CategoryOfConcern>,
    /// The URN the school had when inspected, where the file says it differs.
    pub urn_at_time: Option<Urn>,
    /// What the history files add: graded or not, ungraded outcome, sub-judgements, report card.
    #[serde(flatten, default)]
    pub detail: InspectionDetail,
}

impl Inspection {
    /// Takes from `other` (the same visit in another record) what `self` leaves blank: a blank
    /// never erases a value. A visit any record calls graded is graded.
    pub fn fill_from(&mut self, other: Inspection) {
        self.end_date = self.end_date.or(other.end_date);
        self.publication_date = self.publication_date.or(other.publication_date);
        self.number = self.number.take().or(other.number);
        self.kind = self.kind.take().or(other.kind);
        if self.judgement.is_none() {
            self.judgement = other.judgement;
            self.category = self.category.or(other.category);
        }
        self.urn_at_time = self.urn_at_time.or(other.urn_at_time);
        let (mine, theirs) = (&mut self.detail, other.detail);
        mine.graded = match (mine.graded, theirs.graded) {
            (Some(a), Some(b)) => Some(a || b),
            (a, b) => a.or(b),
        };
        mine.outcome = mine.outcome.take().or(theirs.outcome);
        mine.sub_judgements = mine.sub_judgements.or(theirs.sub_judgements);
        if mine.report_card.is_empty() {
            mine.report_card = theirs.report_card;
        }
    }
}

/// The parts of an inspection only some files give.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InspectionDetail {
    /// `Some(true)` for a graded (section 5 / full) inspection, `Some(false)` for an ungraded
    /// one (short section 8, monitoring), `None` where the file does not say.
    pub graded: Option<bool>,
    /// An ungraded inspection's outcome as published, e.g. "School remains Good".
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "SubJudgements::is_empty")]
    pub sub_judgements: SubJudgements,
    /// The renewed framework's grades by evaluation area (from November 2025).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub report_card: Vec<(ReportCardArea, ReportCardGrade)>,
}

/// A link between two URNs as GIAS records it: `urn`'s `link_type` (e.g. "Predecessor") is
/// `linked_urn`. An academy's predecessor is (academy, old school, "Predecessor…").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolLink {
    pub urn: Urn,
    pub linked_urn: Urn,
    pub link_type: String,
    pub link_date: Option<NaiveDate>,
}

impl SchoolLink {
    /// The link type for a predecessor an Ofsted file reveals: it gives an inspection's URN at
    /// the time beside the school's current URN.
    pub const URN_AT_INSPECTION: &str = "Predecessor (URN at time of inspection)";

    pub fn is_predecessor(&self) -> bool {
        self.link_type.starts_with("Predecessor")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school(status: Status, open: Option<&str>, close: Option<&str>) -> School {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        School {
            urn: Urn(1),
            name: "Test".into(),
            la_code: None,
            la_name: "Derby".into(),
            type_name: "Community school".into(),
            governance: Governance::Maintained,
            phase: Phase::Primary,
            status,
            open_date: open.map(d),
            close_date: close.map(d),
            trust: None,
            pupils: None,
            fsm_percent: None,
            town: None,
            postcode: None,
        }
    }

    #[test]
    fn open_on_uses_dates_before_status() {
        let day = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
        assert!(school(Status::Closed, None, Some("2016-08-31")).is_open_on(day));
        assert!(!school(Status::Open, Some("2016-09-01"), None).is_open_on(day));
        assert!(!school(Status::Closed, None, None).is_open_on(day));
        assert!(school(Status::Open, None, None).is_open_on(day));
        assert!(!school(Status::ProposedToOpen, None, None).is_open_on(day));
    }

    #[test]
    fn infant_and_junior_report_as_primary() {
        assert_eq!(Phase::Infant.reporting_group(), Phase::Primary);
        assert_eq!(Phase::Junior.reporting_group(), Phase::Primary);
        assert_eq!(Phase::Special.reporting_group(), Phase::Special);
        for p in Phase::ALL {
            assert_eq!(Phase::from_key(p.key()), Some(p));
        }
        for g in Governance::ALL {
            assert_eq!(Governance::from_key(g.key()), Some(g));
        }
    }
}

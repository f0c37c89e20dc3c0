//! The structured record a letter or report becomes. Every field is what the document says;
//! where it doesn't say, the field is empty.

use chrono::NaiveDate;
use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade};
use schoolsight_domain::{CategoryOfConcern, Judgement};
use serde::{Deserialize, Serialize};

use crate::dates::DateRange;
use crate::lists::ListItem;

/// Which kind of document this is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LetterKind {
    /// A section 8 monitoring inspection of a school, and why the school is monitored.
    SchoolMonitoring { reason: MonitoringReason },
    /// A section 5 inspection report on a school.
    SchoolReport,
    /// An inspection of a local authority's arrangements for supporting school improvement.
    LaArrangements,
    /// The outcomes of focused school inspections across a local authority.
    LaFocusedInspections,
    /// A short (section 8) inspection of a good or outstanding school, 2015–2021.
    ShortInspection,
    /// An ungraded (section 8) inspection, 2021–2024.
    UngradedInspection,
    /// A school inspection under a framework before the Education Act 2005 (section 10 of the
    /// School Inspections Act 1996): no grades the current frameworks use.
    EarlierFramework,
    /// An inspection of an independent school against the independent school standards.
    IndependentSchool,
    /// Anything else, or a document whose signals are too weak or disagree.
    #[default]
    Other,
}

/// Why a school receives monitoring inspections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitoringReason {
    /// Judged to require improvement at two successive section 5 inspections.
    RequiresImprovementTwice,
    RequiresImprovement,
    SpecialMeasures,
    SeriousWeaknesses,
    /// A monitoring inspection whose letter doesn't say (or contradicts itself about) why.
    Unstated,
}

/// To whom the letter is addressed, as its address block gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub role: Option<String>,
    pub organisation: Option<String>,
    /// The postal address below the organisation, the postcode last.
    pub address: Vec<String>,
}

/// A school with the place it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedPlace {
    pub name: String,
    pub town: Option<String>,
    pub postcode: Option<String>,
}

/// A monitoring letter's verdict on leaders' action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringJudgement {
    pub effective: bool,
    /// The progress judged, where the letter grades it ("reasonable progress towards the
    /// removal of special measures"); letters since 2015 judge action as effective or not.
    #[serde(default)]
    pub progress: Option<String>,
    /// The sentence that gives the verdict.
    pub text: String,
}

/// A headed part of the letter, its heading without markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub text: String,
}

/// What a focused-inspection letter says about the schools inspected and surveyed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocusedOutcomes {
    pub inspected: Option<u32>,
    pub surveyed: Option<u32>,
    pub outcomes: Vec<OutcomeCount>,
}

/// How many inspected schools got one judgement, and how that compares with their previous
/// inspection where the letter says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCount {
    pub judgement: Judgement,
    pub category: Option<CategoryOfConcern>,
    pub count: u32,
    pub improved: Option<u32>,
    pub held: Option<u32>,
    pub declined: Option<u32>,
}

/// One of a framework's headline judgements below overall effectiveness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyJudgement {
    pub area: JudgementArea,
    pub judgement: Judgement,
    /// The line it was read from, as written.
    pub source: String,
}

/// The areas the frameworks since 2009 judge, by what they judge rather than their wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JudgementArea {
    /// 2009: the school's capacity for sustained improvement.
    CapacityForSustainedImprovement,
    LeadershipAndManagement,
    /// "Quality of teaching" (2009, 2012) and "teaching, learning and assessment" (2015).
    TeachingLearningAndAssessment,
    /// 2019: the quality of education.
    QualityOfEducation,
    /// "Pupils' achievement" (2009, 2012) and "outcomes for pupils" (2015).
    OutcomesForPupils,
    /// 2012: behaviour and safety of pupils.
    BehaviourAndSafety,
    /// 2015: personal development, behaviour and welfare.
    PersonalDevelopmentBehaviourAndWelfare,
    /// 2019: behaviour and attitudes.
    BehaviourAndAttitudes,
    /// 2019: personal development.
    PersonalDevelopment,
    EarlyYears,
    SixthForm,
}

impl JudgementArea {
    /// The area's name for people.
    pub fn label(self) -> &'static str {
        match self {
            JudgementArea::CapacityForSustainedImprovement => "Capacity for sustained improvement",
            JudgementArea::LeadershipAndManagement => "Leadership and management",
            JudgementArea::TeachingLearningAndAssessment => "Teaching, learning and assessment",
            JudgementArea::QualityOfEducation => "Quality of education",
            JudgementArea::OutcomesForPupils => "Outcomes for pupils",
            JudgementArea::BehaviourAndSafety => "Behaviour and safety",
            JudgementArea::PersonalDevelopmentBehaviourAndWelfare => "Personal development, behaviour and welfare",
            JudgementArea::BehaviourAndAttitudes => "Behaviour and attitudes",
            JudgementArea::PersonalDevelopment => "Personal development",
            JudgementArea::EarlyYears => "Early years",
            JudgementArea::SixthForm => "Sixth form",
        }
    }
}

/// One evaluation area's grade on a report card (the renewed framework, from November 2025).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCardEntry {
    pub area: ReportCardArea,
    pub grade: ReportCardGrade,
    /// The line (or the area's line and the grade's) it was read from, as written.
    pub source: String,
}

/// Where a field's value was read: the field's name and the sentence or line, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSource {
    pub field: String,
    pub text: String,
}

/// An Ofsted letter or report as a record. Fields added since the first stored records default
/// to empty, so records stored before them still read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Letter {
    pub kind: LetterKind,
    /// The phrases, exactly as written, that decided `kind`; for `Other`, the phrases found that
    /// were too few or pointed to different kinds (none if nothing pointed anywhere).
    pub kind_evidence: Vec<String>,
    /// The heading at the top of the letter or report.
    pub title: Option<String>,
    pub letter_date: Option<NaiveDate>,
    pub visit_dates: Option<DateRange>,
    /// The sender's address block above the date, without phone, email and web lines.
    pub sender_office: Vec<String>,
    pub recipient: Option<Recipient>,
    pub salutation: Option<String>,
    /// The school a school letter or report is about.
    pub school: Option<NamedPlace>,
    /// The local authority the document is about, or that the school belongs to.
    pub la_name: Option<String>,
    /// The inspectors named, in the order first named.
    pub inspectors: Vec<String>,
    pub monitoring_judgement: Option<MonitoringJudgement>,
    /// The bullets after "The school should take further action to:".
    pub further_actions: Vec<ListItem>,
    pub areas_for_improvement: Vec<ListItem>,
    pub strengths: Vec<ListItem>,
    pub sections: Vec<Section>,
    pub overall_effectiveness: Option<Judgement>,
    pub category_of_concern: Option<CategoryOfConcern>,
    pub previous_judgement: Option<Judgement>,
    /// When the previous judgement was made, as the document words it ("November 2016").
    pub previous_inspection: Option<String>,
    pub focused: Option<FocusedOutcomes>,
    /// The unique reference number the document gives the school.
    pub urn: Option<String>,
    pub inspection_number: Option<String>,
    /// The lead (or reporting) inspector, or the one inspector of a one-inspector visit.
    pub lead_inspector: Option<String>,
    pub key_judgements: Vec<KeyJudgement>,
    /// A report card's evaluation areas and their grades, in the order the card gives them.
    pub report_card: Vec<ReportCardEntry>,
    /// The sentence or line each extracted field was read from.
    pub sources: Vec<FieldSource>,
    /// Why the text can't be read as language (a PDF with a custom font encoding, a scan with
    /// no text layer); the other fields are then left empty.
    pub unreadable: Option<String>,
}

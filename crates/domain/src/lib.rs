//! Schoolsight's domain: schools, judgements, inspections and the pure analyses over them (no I/O).

pub mod analysis;
pub mod as_at;
pub mod casework;
pub mod draft_letter;
pub mod judgement;
pub mod la_names;
pub mod outcome_report;
pub mod outcomes;
pub mod parse;
pub mod school;
pub mod settings;
pub mod words;

pub use analysis::{
    InspectedSchool, JudgementOutcome, LaProfile, LaRanking, Movement, OutcomeSummary, PhaseGroup,
    PhaseShare, ProfileSchool, RankedLa, Share, TimelineEntry, timeline,
};
pub use judgement::{CategoryOfConcern, Judgement};
pub use outcomes::{AcademicYear, Measure, MeasureValue, PupilGroup, Subject, SuppressionCode, Value};
pub use parse::{DayError, ParseError, parse_date, parse_judgement_and_category, parse_query_day};
pub use school::{Governance, Inspection, Phase, School, Status, Urn};
pub use settings::Thresholds;

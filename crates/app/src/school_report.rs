//! The school report for a link officer's visit (issue 17 point 2): one school as at a day, in
//! one serialisable record gathered from what each of the school's pages already shows — the
//! inspection timeline with its predecessors' visits marked (`Store::school`), the latest
//! letter's actions and their status (the letters store), pupil outcomes by group with their
//! lapses (`Store::school_outcomes`), risk over time and its reasons (`Risk::school`), and the
//! casework and support it received with each package's measured impact (`store::casework`).
//! Shared by `schoolsight report school` and the dashboard's `/school/{urn}/report` routes,
//! which render it; who may see casework is the caller's decision (`CaseworkAccess`).

use chrono::NaiveDate;
use schoolsight_domain::outcome_report::MeasureReport;
use schoolsight_domain::{AcademicYear, Measure, School, Thresholds, TimelineEntry, Urn};
use schoolsight_store::{
    CaseAction, CaseSummary, GovernanceReview, LetterAction, SchoolOutcomes, Store, StoredLetter, SupportImpact, SupportPackage,
    WarningNotice,
};
use serde::Serialize;

use crate::AppError;
use crate::risk::{Risk, SchoolRiskHistory};

/// Whether the reader may see the school's casework (cases, notices, support, reviews), which is
/// not published data. The caller decides from the reader's role and reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseworkAccess {
    Shown,
    Withheld,
}

/// A school's casework records as `/api/schools/{urn}/casework` returns them.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolCasework {
    pub cases: Vec<CaseSummary>,
    pub warning_notices: Vec<WarningNotice>,
    pub support: Vec<SupportPackage>,
    pub governance_reviews: Vec<GovernanceReview>,
}

/// Every casework record held on the school.
pub async fn school_casework(store: &Store, urn: Urn) -> Result<SchoolCasework, AppError> {
    Ok(SchoolCasework {
        cases: store.cases().await?.into_iter().filter(|c| c.school.urn == urn).collect(),
        warning_notices: store.warning_notices(urn).await?,
        support: store.support_for(urn).await?,
        governance_reviews: store.governance_reviews(urn).await?,
    })
}

/// A case with its actions and their milestones.
#[derive(Debug, Clone, Serialize)]
pub struct CaseWithActions {
    #[serde(flatten)]
    pub case: CaseSummary,
    pub reason: String,
    pub actions: Vec<CaseAction>,
}

/// The casework begun on or before the report's day, as recorded now.
#[derive(Debug, Clone, Serialize)]
pub struct CaseworkSection {
    pub cases: Vec<CaseWithActions>,
    pub warning_notices: Vec<WarningNotice>,
    /// Each support package with its measured impact (difference in differences on the
    /// headline measure, and the judgements either side).
    pub support: Vec<SupportImpact>,
    pub governance_reviews: Vec<GovernanceReview>,
}

impl CaseworkSection {
    async fn gather(store: &Store, urn: Urn, at: NaiveDate) -> Result<CaseworkSection, AppError> {
        let records = school_casework(store, urn).await?;
        let mut cases = Vec::new();
        for case in records.cases.into_iter().filter(|c| c.opened_on <= at) {
            let detail = store.case(&case.id).await?;
            let (reason, actions) = detail.map_or_else(Default::default, |d| (d.reason, d.actions));
            cases.push(CaseWithActions { case, reason, actions });
        }
        let mut support = Vec::new();
        for package in records.support.iter().filter(|p| p.starts_on <= at) {
            support.extend(store.support_impact(&package.id).await?);
        }
        Ok(CaseworkSection {
            cases,
            warning_notices: records.warning_notices.into_iter().filter(|n| n.issued_on <= at).collect(),
            support,
            governance_reviews: records.governance_reviews.into_iter().filter(|r| r.reviewed_on <= at).collect(),
        })
    }
}

/// The latest letter dated (or whose visit ended) on or before the day, with the actions it asked for.
#[derive(Debug, Clone, Serialize)]
pub struct LatestLetter {
    pub letter: StoredLetter,
    /// Its date, or its visit's last day when it has none.
    pub day: NaiveDate,
    pub actions: Vec<ReportedAction>,
}

/// A letter's action with its status on the report's day: closed only if it was closed by then.
#[derive(Debug, Clone, Serialize)]
pub struct ReportedAction {
    #[serde(flatten)]
    pub action: LetterAction,
    pub status_at: &'static str,
}

impl ReportedAction {
    fn on(action: LetterAction, at: NaiveDate) -> ReportedAction {
        // `closed_at` is the moment it was closed (RFC 3339, UTC): its first ten characters are the day.
        let closed_on = action.closed_at.as_deref().and_then(|t| t.get(..10)).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let closed_by_then = action.status == "closed" && closed_on.is_some_and(|d| d <= at);
        ReportedAction { action, status_at: if closed_by_then { "closed" } else { "open" } }
    }
}

/// The school's pupil outcomes: every year held, as its outcomes page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomesSection {
    #[serde(flatten)]
    pub outcomes: SchoolOutcomes,
    /// Years among them whose figures DfE published after the report's day (the early warning's
    /// publication dates): shown, and said to be later than the day.
    pub published_after: Vec<(Measure, AcademicYear)>,
}

/// Risk over time: the points on or before the report's day.
#[derive(Debug, Clone, Serialize)]
pub struct RiskSection {
    #[serde(flatten)]
    pub history: SchoolRiskHistory,
    /// Why no point is shown, when none is.
    pub not_scored: Option<String>,
}

/// The school report: everything a link officer takes to a visit, as at a day.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolReport {
    pub at: NaiveDate,
    pub school: School,
    /// Whether the register describes the school (else only an inspection file does).
    pub from_register: bool,
    /// Visits started on or before the day, newest first, predecessors' marked.
    pub timeline: Vec<TimelineEntry>,
    pub latest_letter: Option<LatestLetter>,
    pub outcomes: Option<OutcomesSection>,
    pub risk: RiskSection,
    /// `None` when the reader may not see casework (then `casework_withheld` is true).
    pub casework: Option<CaseworkSection>,
    pub casework_withheld: bool,
}

/// Gathers the report on school `urn` as at `at`.
pub async fn school_report(
    store: &Store,
    risk: &Risk,
    urn: Urn,
    at: NaiveDate,
    thresholds: &Thresholds,
    access: CaseworkAccess,
) -> Result<SchoolReport, AppError> {
    let history = store.school(urn).await?.ok_or(AppError::UnknownSchool(urn))?;
    let casework = match access {
        CaseworkAccess::Shown => Some(CaseworkSection::gather(store, urn, at).await?),
        CaseworkAccess::Withheld => None,
    };
    Ok(SchoolReport {
        at,
        from_register: history.from_register,
        timeline: history.timeline.into_iter().filter(|e| e.inspection.start_date <= at).collect(),
        latest_letter: latest_letter(store, urn, at).await?,
        outcomes: store.school_outcomes(urn, thresholds).await?.map(|o| outcomes_section(o, at)),
        risk: risk_section(risk, urn, at).await?,
        casework,
        casework_withheld: access == CaseworkAccess::Withheld,
        school: history.school,
    })
}

async fn latest_letter(store: &Store, urn: Urn, at: NaiveDate) -> Result<Option<LatestLetter>, AppError> {
    let latest = store
        .letters_for_school(urn)
        .await?
        .into_iter()
        .filter_map(|l| Some((letter_day(&l)?, l)))
        .filter(|(day, _)| *day <= at)
        .max_by(|(a, l), (b, m)| a.cmp(b).then(m.id.cmp(&l.id)));
    let Some((day, letter)) = latest else { return Ok(None) };
    let actions = store.actions_for_letter(&letter.id).await?.into_iter().map(|a| ReportedAction::on(a, at)).collect();
    Ok(Some(LatestLetter { letter, day, actions }))
}

/// The day a letter speaks for: its own date, else the last day of the visit it reports (an
/// inspection report carries its visit's dates, not a letter's).
fn letter_day(letter: &StoredLetter) -> Option<NaiveDate> {
    letter.letter_date.or(letter.visit_to).or(letter.visit_from)
}

fn outcomes_section(outcomes: SchoolOutcomes, at: NaiveDate) -> OutcomesSection {
    OutcomesSection { published_after: published_after(&outcomes.measures, at), outcomes }
}

/// The measures' years whose figures DfE published after `at` (the early warning's publication
/// dates): a report as at `at` shows them and says they are later than its day.
pub fn published_after(measures: &[MeasureReport], at: NaiveDate) -> Vec<(Measure, AcademicYear)> {
    measures
        .iter()
        .flat_map(|m| m.years.iter().map(move |y| (m.measure, *y)))
        .filter(|(m, y)| schoolsight_risk::publication_date(*m, *y) > at)
        .collect()
}

/// The school's risk points on or before the day; a school the model cannot score is said so.
async fn risk_section(risk: &Risk, urn: Urn, at: NaiveDate) -> Result<RiskSection, AppError> {
    let unscored = |why: String| RiskSection { history: SchoolRiskHistory { urn, name: String::new(), risk: Vec::new(), judgements: Vec::new() }, not_scored: Some(why) };
    match risk.school(urn, at).await {
        Ok(mut history) => {
            history.risk.retain(|p| p.at <= at);
            let not_scored = history.risk.is_empty().then(|| {
                format!("no risk point on or before {at}: the model scores a school on 31 August of each of the data's last six inspection years in which it was open with a graded judgement on record")
            });
            Ok(RiskSection { history, not_scored })
        }
        Err(AppError::Risk(e)) => Ok(unscored(format!("no risk model: {e}"))),
        Err(AppError::UnknownSchool(_)) => Ok(unscored("the early warning holds no facts on this school".to_string())),
        Err(other) => Err(other),
    }
}

//! The LA report (issue 17 point 1: letter 002's Context and Summary findings, letter 003's
//! Inspection outcomes): everything the LA's pages show, gathered into one serialisable record
//! by the same store and model calls those pages make — the register and routes and the share
//! good or outstanding against England as the LA page (`Store::la_profile`, `Store::series`),
//! the LA's rank on each day of that series as England's league table (`Store::ranking`),
//! pupil outcomes as `/la/{name}/pupil-outcomes` (`Store::la_outcomes`), focused-inspection
//! outcomes as `/la/{name}/outcomes` (`Store::outcomes`), the early warning as
//! `/la/{name}/risk` (`Risk::la_list`), and casework through the casework store functions.
//! Shared by `schoolsight report la` and `/la/{name}/report`; the web crate renders it.

use chrono::NaiveDate;
use schoolsight_domain::analysis::{LaProfile, OutcomeSummary, PhaseGroup};
use schoolsight_domain::as_at::SeriesPoint;
use schoolsight_domain::casework::{ConcernCategory, MilestoneState, Principal, QuestionSummary, Rag, Role};
use schoolsight_domain::{AcademicYear, Measure, Thresholds, Urn};
use schoolsight_store::{CaseSummary, LaOutcomes, Milestone, Store, StoreError, SupportImpact, SurveyRound, WarningNotice};
use serde::Serialize;

use crate::AppError;
use crate::risk::{Risk, RiskList};
use crate::school_report::published_after;

/// Who the report is made for, which decides whether it holds casework.
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    /// The CLI's operator, who holds the whole database.
    Operator,
    /// A signed-in user of the dashboard or the API.
    User(&'a Principal),
}

impl Reader<'_> {
    /// Casework for an LA as a whole goes to those whose reach is the whole LA: administrators,
    /// inspectors and the LA's own officers (the survey route's rule). A trust officer or a
    /// school leader reads their own schools' cases on the casework pages instead.
    pub fn reads_la_casework(&self, la_name: &str) -> bool {
        match self {
            Reader::Operator => true,
            Reader::User(p) => p.reads_everywhere() || (p.role == Role::LaOfficer && p.la_name.as_deref() == Some(la_name)),
        }
    }
}

/// What the report is asked for: the LA, the day, and the period of inspection outcomes.
#[derive(Debug, Clone)]
pub struct LaReportRequest {
    pub la: String,
    pub at: NaiveDate,
    /// The focused-inspection period; by default the twelve months to `at`.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The LA's place in England's league table on one day of the series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearRank {
    pub at: NaiveDate,
    /// 1 is the highest share good or outstanding; `None` when too few judgements are known.
    pub rank: Option<usize>,
    /// How many LAs were ranked that day.
    pub out_of: usize,
    pub not_ranked: Option<String>,
}

/// The early warning, or why there is none on the day (too little history to train on).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RiskSection {
    Scored { list: RiskList },
    NoModel { reason: String },
}

/// An action of an open case with milestones past their date.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueAction {
    pub case_id: String,
    pub urn: Urn,
    pub school_name: String,
    pub text: String,
    pub owner: String,
    /// The officer's rating, beside what the milestones imply (red: one is overdue).
    pub rag: Rag,
    pub implied_rag: Rag,
    pub overdue_milestones: Vec<Milestone>,
}

/// A warning notice with the school it was issued to.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeRecord {
    pub school_name: String,
    pub notice: WarningNotice,
}

/// A support package with the school it went to and its measured impact.
#[derive(Debug, Clone, Serialize)]
pub struct SupportRecord {
    pub school_name: String,
    pub impact: SupportImpact,
}

/// The LA's latest headteacher survey round and its coded summary.
#[derive(Debug, Clone, Serialize)]
pub struct SurveySummary {
    pub round: SurveyRound,
    pub questions: Vec<QuestionSummary>,
}

/// Casework on the LA's schools as recorded on `recorded_on` (casework keeps its present state,
/// not a dated history, so it is not "as at" the report's day).
#[derive(Debug, Clone, Serialize)]
pub struct Casework {
    pub recorded_on: NaiveDate,
    pub open_cases: Vec<CaseSummary>,
    /// Open cases in each category of concern, universal first.
    pub by_category: Vec<(ConcernCategory, usize)>,
    /// Open cases whose next core-group meeting is past its day.
    pub meetings_overdue: usize,
    pub overdue_actions: Vec<OverdueAction>,
    pub warning_notices: Vec<NoticeRecord>,
    pub support: Vec<SupportRecord>,
    pub survey: Option<SurveySummary>,
}

/// Casework, or why this reader's report has none.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CaseworkSection {
    Shown(Casework),
    Withheld { reason: String },
}

/// Everything the LA report says, each part as the LA's own page computes it.
#[derive(Debug, Clone, Serialize)]
pub struct LaReport {
    pub la_name: String,
    pub at: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Register, routes, trusts, share good or outstanding by phase against England with ranks
    /// and coverage, as at `at`.
    pub profile: LaProfile,
    /// England's and the LA's share at the end of each school year to `at` (the LA page's series).
    pub series: Vec<SeriesPoint>,
    /// The LA's rank among all LAs (all schools) on each day of the series.
    pub ranks: Vec<YearRank>,
    /// Every year of pupil outcomes held, as the LA's pupil-outcomes page shows them.
    pub pupil_outcomes: LaOutcomes,
    /// Years among them whose figures DfE published after `at`: shown, and said to be later.
    pub published_after: Vec<(Measure, AcademicYear)>,
    pub inspection_outcomes: OutcomeSummary,
    pub risk: RiskSection,
    pub casework: CaseworkSection,
}

/// The default period: the twelve months to the report's day.
fn default_from(at: NaiveDate) -> NaiveDate {
    at.checked_sub_months(chrono::Months::new(12)).and_then(|d| d.succ_opt()).unwrap_or(at)
}

/// Builds the LA report for `reader`.
pub async fn la_report(store: &Store, risk: &Risk, request: &LaReportRequest, thresholds: &Thresholds, reader: Reader<'_>) -> Result<LaReport, AppError> {
    let la_name = store.resolve_la(&request.la).await?;
    let at = request.at;
    let to = request.to.unwrap_or(at);
    let from = request.from.unwrap_or_else(|| default_from(to));
    if from > to {
        return Err(StoreError::Invalid(format!("from {from} is after to {to}")).into());
    }
    let series = la_series(store, &la_name, at).await?;
    let pupil_outcomes = store.la_outcomes(&la_name, None, thresholds).await?;
    Ok(LaReport {
        profile: store.la_profile(&la_name, at, thresholds).await?,
        ranks: ranks(store, &la_name, &series, thresholds).await?,
        series,
        published_after: published_after(&pupil_outcomes.measures, at),
        pupil_outcomes,
        inspection_outcomes: store.outcomes(&la_name, from, to).await?,
        risk: risk_section(risk, &la_name, at).await?,
        casework: casework_section(store, &la_name, reader).await?,
        la_name,
        at,
        from,
        to,
    })
}

/// The store's yearly series up to the report's day, with only this LA beside England.
async fn la_series(store: &Store, la_name: &str, at: NaiveDate) -> Result<Vec<SeriesPoint>, AppError> {
    Ok(store
        .series()
        .await?
        .iter()
        .filter(|p| p.at <= at)
        .map(|p| SeriesPoint { las: p.las.iter().filter(|(name, _)| *name == la_name).map(|(n, s)| (n.clone(), *s)).collect(), ..p.clone() })
        .collect())
}

/// The LA's place in England's league table on each day of the series.
async fn ranks(store: &Store, la_name: &str, series: &[SeriesPoint], thresholds: &Thresholds) -> Result<Vec<YearRank>, AppError> {
    let mut out = Vec::with_capacity(series.len());
    for point in series {
        let ranking = store.ranking(point.at, PhaseGroup::All, thresholds).await?;
        let out_of = ranking.las.iter().filter(|l| l.rank.is_some()).count();
        let own = ranking.las.into_iter().find(|l| l.la_name == la_name);
        out.push(YearRank {
            at: point.at,
            rank: own.as_ref().and_then(|l| l.rank),
            out_of,
            not_ranked: own.and_then(|l| l.not_ranked),
        });
    }
    Ok(out)
}

async fn risk_section(risk: &Risk, la_name: &str, at: NaiveDate) -> Result<RiskSection, AppError> {
    match risk.la_list(la_name, at).await {
        Ok(list) => Ok(RiskSection::Scored { list }),
        // Too little history before the day is the data's answer, said in the report.
        Err(AppError::Risk(e)) => Ok(RiskSection::NoModel { reason: e.to_string() }),
        Err(other) => Err(other),
    }
}

async fn casework_section(store: &Store, la_name: &str, reader: Reader<'_>) -> Result<CaseworkSection, AppError> {
    if !reader.reads_la_casework(la_name) {
        return Ok(CaseworkSection::Withheld {
            reason: format!(
                "Casework (cases, actions and milestones, warning notices, support and the headteacher survey) is shown only to {la_name}'s officers, inspectors and administrators; your own schools' cases are on the casework pages."
            ),
        });
    }
    Ok(CaseworkSection::Shown(casework(store, la_name, reader).await?))
}

async fn casework(store: &Store, la_name: &str, reader: Reader<'_>) -> Result<Casework, AppError> {
    // The cases page's rule: each case read only where the user may read its school.
    let open_cases: Vec<CaseSummary> = store
        .cases()
        .await?
        .into_iter()
        .filter(|c| c.closed_on.is_none() && c.school.la_name == la_name)
        .filter(|c| match reader {
            Reader::Operator => true,
            Reader::User(p) => p.can_read(&c.school),
        })
        .collect();
    let by_category = ConcernCategory::ALL.into_iter().map(|k| (k, open_cases.iter().filter(|c| c.category == k).count())).collect();
    let (warning_notices, support) = notices_and_support(store, la_name).await?;
    Ok(Casework {
        recorded_on: chrono::Local::now().date_naive(),
        meetings_overdue: open_cases.iter().filter(|c| c.meeting_overdue).count(),
        overdue_actions: overdue_actions(store, &open_cases).await?,
        by_category,
        open_cases,
        warning_notices,
        support,
        survey: survey(store, la_name).await?,
    })
}

/// Actions of the open cases with a milestone past its day, each with those milestones.
async fn overdue_actions(store: &Store, open_cases: &[CaseSummary]) -> Result<Vec<OverdueAction>, AppError> {
    let mut out = Vec::new();
    for case in open_cases.iter().filter(|c| c.overdue_milestones > 0) {
        let Some(detail) = store.case(&case.id).await? else { continue };
        for action in detail.actions {
            let overdue: Vec<Milestone> = action.milestones.into_iter().filter(|m| m.state == MilestoneState::Overdue).collect();
            if !overdue.is_empty() {
                out.push(OverdueAction {
                    case_id: case.id.clone(),
                    urn: case.school.urn,
                    school_name: case.school_name.clone(),
                    text: action.text,
                    owner: action.owner,
                    rag: action.rag,
                    implied_rag: action.implied_rag,
                    overdue_milestones: overdue,
                });
            }
        }
    }
    Ok(out)
}

/// Warning notices and support packages (with their impact) of the LA's schools, read school by
/// school through the casework API's own store calls.
async fn notices_and_support(store: &Store, la_name: &str) -> Result<(Vec<NoticeRecord>, Vec<SupportRecord>), AppError> {
    let (mut notices, mut support) = (Vec::new(), Vec::new());
    for urn in store.schools_with_notices_or_support(la_name).await? {
        let school_name = store.school(urn).await?.map(|h| h.school.name).unwrap_or_default();
        for notice in store.warning_notices(urn).await? {
            notices.push(NoticeRecord { school_name: school_name.clone(), notice });
        }
        for package in store.support_for(urn).await? {
            if let Some(impact) = store.support_impact(&package.id).await? {
                support.push(SupportRecord { school_name: school_name.clone(), impact });
            }
        }
    }
    notices.sort_by(|a, b| b.notice.issued_on.cmp(&a.notice.issued_on));
    support.sort_by(|a, b| b.impact.package.starts_on.cmp(&a.impact.package.starts_on));
    Ok((notices, support))
}

async fn survey(store: &Store, la_name: &str) -> Result<Option<SurveySummary>, AppError> {
    let Some(id) = store.latest_survey_round(la_name).await? else { return Ok(None) };
    Ok(store.survey_summary(&id).await?.map(|(round, questions)| SurveySummary { round, questions }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, la: Option<&str>) -> Principal {
        Principal { user_id: "u".into(), name: "n".into(), role, la_name: la.map(str::to_string), trust: None, urn: None }
    }

    #[test]
    fn an_la_casework_goes_to_those_who_reach_the_whole_la() {
        assert!(Reader::Operator.reads_la_casework("Derby"));
        assert!(Reader::User(&principal(Role::Inspector, None)).reads_la_casework("Derby"));
        assert!(Reader::User(&principal(Role::Administrator, None)).reads_la_casework("Derby"));
        assert!(Reader::User(&principal(Role::LaOfficer, Some("Derby"))).reads_la_casework("Derby"));
        assert!(!Reader::User(&principal(Role::LaOfficer, Some("Derbyshire"))).reads_la_casework("Derby"));
        assert!(!Reader::User(&principal(Role::TrustOfficer, Some("Derby"))).reads_la_casework("Derby"));
        assert!(!Reader::User(&principal(Role::SchoolLeader, None)).reads_la_casework("Derby"));
    }

    #[test]
    fn the_default_period_is_the_twelve_months_to_the_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(default_from(d(2015, 1, 27)), d(2014, 1, 28));
        assert_eq!(default_from(d(2016, 2, 29)), d(2015, 3, 1));
    }
}

//! The early warning in the dashboard and the API: an LA's schools ranked by risk as at a day
//! (sortable, CSV, by category, with "open a case" for users who may), a school's risk over
//! the years with its reasons, and the model page with the back-test and calibration. Public
//! data, read-only; the one reason that comes from casework (an open case) is shown only to a
//! user who may read that school's casework.

use std::sync::Arc;

use askama::Template;
use axum::extract::{FromRef, Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use schoolsight_app::risk::{ListedSchool, Risk, RiskList, SchoolRiskHistory, UnscoredSchool};
use schoolsight_domain::casework::{Change, ConcernCategory, Principal};
use schoolsight_domain::{Judgement, Urn, words};
use schoolsight_risk::{BacktestReport, Reason, Target, WindowReport};
use schoolsight_store::Store;

use crate::api::reply;
use crate::auth::{SignedIn, Viewer};
use crate::pages::render;
use crate::{AppError, AppState, AtQuery, day_or_today, parse_urn, risk_chart};

impl FromRef<AppState> for Risk {
    fn from_ref(state: &AppState) -> Risk {
        state.risk.clone()
    }
}

impl From<schoolsight_app::AppError> for AppError {
    fn from(e: schoolsight_app::AppError) -> AppError {
        match e {
            schoolsight_app::AppError::Store(s) => s.into(),
            schoolsight_app::AppError::UnknownSchool(urn) => AppError::NotFound(format!("no school with URN {urn}")),
            // Too little history to train on is the data's answer, not a server failure.
            schoolsight_app::AppError::Risk(r) => AppError::BadRequest(format!("no risk model: {r}")),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// The API's risk routes, merged under `/api`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/las/{name}/risk", get(api_la))
        .route("/schools/{urn}/risk", get(api_school))
        .route("/model/backtest", get(api_backtest))
}

/// The reason key of the one factor read from casework.
const CASEWORK_FACTOR: &str = "open_casework";

/// Who may see which school's casework and open a case on it.
struct Reach {
    principal: Option<Principal>,
}

impl Reach {
    async fn scope(&self, store: &Store, urn: Urn) -> Result<Option<schoolsight_domain::casework::SchoolScope>, AppError> {
        if self.principal.is_none() {
            return Ok(None);
        }
        Ok(store.school_scope(urn).await?)
    }

    async fn may_read(&self, store: &Store, urn: Urn) -> Result<bool, AppError> {
        let scope = self.scope(store, urn).await?;
        Ok(matches!((&self.principal, scope), (Some(p), Some(s)) if p.can_read(&s)))
    }

    async fn may_open(&self, store: &Store, urn: Urn) -> Result<bool, AppError> {
        let scope = self.scope(store, urn).await?;
        Ok(matches!((&self.principal, scope), (Some(p), Some(s)) if p.can_change(&s, Change::Casework)))
    }
}

/// Reasons as this viewer may see them: without reach, not the casework one.
pub(crate) fn visible(reasons: Vec<Reason>, may_read_casework: bool) -> Vec<Reason> {
    reasons.into_iter().filter(|r| may_read_casework || r.factor != CASEWORK_FACTOR).collect()
}

async fn hide_casework_in_list(store: &Store, reach: &Reach, mut list: RiskList) -> Result<RiskList, AppError> {
    for school in &mut list.schools {
        let may = reach.may_read(store, school.urn).await?;
        school.reasons = visible(std::mem::take(&mut school.reasons), may);
    }
    Ok(list)
}

async fn hide_casework_in_history(store: &Store, reach: &Reach, mut history: SchoolRiskHistory) -> Result<SchoolRiskHistory, AppError> {
    let may = reach.may_read(store, history.urn).await?;
    keep_visible_reasons(&mut history, may);
    Ok(history)
}

/// Drops the casework reason from every point of a school's history unless the reader may
/// read the school's casework.
pub(crate) fn keep_visible_reasons(history: &mut SchoolRiskHistory, may_read_casework: bool) {
    for point in &mut history.risk {
        point.reasons = visible(std::mem::take(&mut point.reasons), may_read_casework);
    }
}

pub(crate) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// `/api/las/{name}/risk?at=DATE`: the LA's schools open on the day, scored ones riskiest
/// first, the others with why not.
async fn api_la(State(store): State<Store>, State(risk): State<Risk>, viewer: Viewer, Path(name): Path<String>, Query(q): Query<AtQuery>) -> Response {
    reply(async {
        let at = day_or_today(q.at.as_deref())?;
        let list = risk.la_list(&name, at).await?;
        hide_casework_in_list(&store, &Reach { principal: viewer.0 }, list).await
    }
    .await)
}

/// `/api/schools/{urn}/risk`: a school's risk over the years beside its judgements.
async fn api_school(State(store): State<Store>, State(risk): State<Risk>, viewer: Viewer, Path(urn): Path<String>) -> Response {
    reply(async {
        let urn = parse_urn(&urn)?;
        let history = risk.school(urn, today()).await?;
        hide_casework_in_history(&store, &Reach { principal: viewer.0 }, history).await
    }
    .await)
}

/// `/api/model/backtest`: the back-test by time (computed once per data version).
async fn api_backtest(State(risk): State<Risk>) -> Response {
    reply(async { Ok::<Arc<BacktestReport>, AppError>(risk.backtest().await?) }.await)
}

pub(crate) fn percent(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

pub(crate) fn grade_label(grade: Option<u8>) -> String {
    grade.and_then(|g| Judgement::from_grade(i64::from(g))).map_or_else(|| "–".to_string(), |j| j.label().to_string())
}

pub(crate) fn category_words(c: ConcernCategory) -> String {
    c.key().replace('_', " ")
}

/// The case a risk row proposes: its category, and a reason from the top reasons.
pub struct CaseProposal {
    pub category: &'static str,
    pub reason: String,
}

pub struct RiskRow {
    pub rank: usize,
    pub urn: Urn,
    pub name: String,
    pub probability: f64,
    pub shown: String,
    pub category: String,
    pub last_judgement: String,
    pub reasons: Vec<Reason>,
    /// Present when the viewer may open a case on the school.
    pub case: Option<CaseProposal>,
}

fn proposal(school: &ListedSchool, at: NaiveDate) -> CaseProposal {
    let top: Vec<&str> = school.reasons.iter().take(3).map(|r| r.text.as_str()).collect();
    CaseProposal {
        category: school.category.key(),
        reason: format!(
            "Early warning as at {at}: {} chance the next graded inspection is below good. {}.",
            percent(school.probability),
            top.join("; ")
        ),
    }
}

#[derive(Template)]
#[template(path = "la_risk.html")]
pub struct LaRiskPage {
    pub la_name: String,
    pub at: NaiveDate,
    pub open_schools: usize,
    pub rows: Vec<RiskRow>,
    pub not_scored: Vec<UnscoredSchool>,
    pub categories: Vec<(String, usize, String)>,
    /// The signed-in user's CSRF token and name, when any row offers "open a case".
    pub csrf: Option<(String, String)>,
}

impl LaRiskPage {
    pub fn scored(&self) -> usize {
        self.rows.len()
    }

    /// "1 school of Derby was open", "47 schools of Derby were open".
    pub fn open_phrase(&self) -> String {
        let n = self.open_schools;
        format!("{} of {} {} open", words::count_digits(n, "school", "schools"), self.la_name, words::verb_digits(n, "was", "were"))
    }

    /// "1 has a graded inspection on record and is scored", "40 have … and are scored".
    pub fn scored_phrase(&self) -> String {
        let n = self.rows.len();
        format!("{n} {} a graded inspection on record and {} scored", words::verb_digits(n, "has", "have"), words::verb_digits(n, "is", "are"))
    }

    /// "1 is not", "3 are not".
    pub fn not_scored_phrase(&self) -> String {
        let n = self.not_scored.len();
        format!("{n} {} not", words::verb_digits(n, "is", "are"))
    }
}

/// The lower bound of each category, in words.
pub(crate) fn category_bounds(list: &RiskList) -> Vec<(String, usize, String)> {
    let t = list.thresholds;
    list.by_category()
        .into_iter()
        .map(|(c, n)| {
            let bound = match c {
                ConcernCategory::Universal => format!("below {}", percent(t.monitor)),
                ConcernCategory::Monitor => format!("{} to {}", percent(t.monitor), percent(t.core_group)),
                ConcernCategory::CoreGroup => format!("{} to {}", percent(t.core_group), percent(t.intensive)),
                ConcernCategory::Intensive => format!("{} or more", percent(t.intensive)),
            };
            (category_words(c), n, bound)
        })
        .collect()
}

/// `/la/{name}/risk?at=DATE`.
pub async fn la(
    State(store): State<Store>,
    State(risk): State<Risk>,
    viewer: Viewer,
    user: Result<SignedIn, Response>,
    Path(name): Path<String>,
    Query(q): Query<AtQuery>,
) -> Response {
    // A signed-out visitor's rejection (a redirect) is dropped here: the page is public.
    let session = user.ok().map(|u| (u.0.csrf_token.clone(), u.principal().name.clone()));
    render(async {
        let at = day_or_today(q.at.as_deref())?;
        let reach = Reach { principal: viewer.0 };
        let list = hide_casework_in_list(&store, &reach, risk.la_list(&name, at).await?).await?;
        let categories = category_bounds(&list);
        let mut rows = Vec::with_capacity(list.schools.len());
        for (i, school) in list.schools.iter().enumerate() {
            let case = if reach.may_open(&store, school.urn).await? { Some(proposal(school, at)) } else { None };
            rows.push(RiskRow {
                rank: i + 1,
                urn: school.urn,
                name: school.name.clone(),
                probability: school.probability,
                shown: percent(school.probability),
                category: category_words(school.category),
                last_judgement: grade_label(school.last_grade),
                reasons: school.reasons.clone(),
                case,
            });
        }
        let csrf = session.filter(|_| rows.iter().any(|r| r.case.is_some()));
        Ok(LaRiskPage { la_name: list.la, at, open_schools: list.open_schools, rows, not_scored: list.not_scored, categories, csrf })
    }
    .await)
}

pub struct PointRow {
    pub at: NaiveDate,
    pub shown: String,
    pub category: String,
}

#[derive(Template)]
#[template(path = "school_risk.html")]
pub struct SchoolRiskPage {
    pub urn: Urn,
    pub name: String,
    pub chart: Option<String>,
    pub points: Vec<PointRow>,
    /// The latest point's reasons and its date.
    pub latest: Option<(NaiveDate, String, Vec<Reason>)>,
    pub judgements: usize,
}

/// A school's risk history as its page and its report show it: the chart, a row per point,
/// and the latest point's reasons.
pub struct RiskView {
    pub chart: Option<String>,
    pub points: Vec<PointRow>,
    /// The latest point's date, chance and reasons.
    pub latest: Option<(NaiveDate, String, Vec<Reason>)>,
}

pub(crate) fn risk_view(history: &SchoolRiskHistory) -> RiskView {
    let series: Vec<(NaiveDate, f64)> = history.risk.iter().map(|p| (p.at, p.probability)).collect();
    RiskView {
        chart: risk_chart::risk_history(&format!("Risk of a below-good next inspection for {} over time", history.name), &series, &history.judgements),
        points: history.risk.iter().map(|p| PointRow { at: p.at, shown: percent(p.probability), category: category_words(p.category) }).collect(),
        latest: history.risk.last().map(|p| (p.at, percent(p.probability), p.reasons.clone())),
    }
}

/// `/school/{urn}/risk`.
pub async fn school(State(store): State<Store>, State(risk): State<Risk>, viewer: Viewer, Path(urn): Path<String>) -> Response {
    render(async {
        let urn = parse_urn(&urn)?;
        let history = risk.school(urn, today()).await?;
        let history = hide_casework_in_history(&store, &Reach { principal: viewer.0 }, history).await?;
        let RiskView { chart, points, latest } = risk_view(&history);
        Ok(SchoolRiskPage { urn, name: history.name, chart, points, latest, judgements: history.judgements.len() })
    }
    .await)
}

pub struct ModelRow {
    pub name: &'static str,
    pub auc: String,
    pub brier: String,
    pub precision_top10: String,
    pub recall_top10: String,
    pub precision_top20: String,
    pub recall_top20: String,
}

pub struct WindowRow {
    pub cutoff: NaiveDate,
    pub test_from: NaiveDate,
    pub test_to: NaiveDate,
    pub target: &'static str,
    pub inspections: usize,
    pub rate: String,
    pub training: usize,
    pub models: Vec<ModelRow>,
}

fn three(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite()).map_or_else(|| "–".to_string(), |v| format!("{v:.3}"))
}

fn target_words(t: Target) -> &'static str {
    match t {
        Target::NextBelowGood => "next graded inspection below good",
        Target::GoodDeclines => "a good or outstanding school declines",
        Target::ReportCardConcern => "first report card with an area of concern",
    }
}

fn window_row(w: &WindowReport) -> WindowRow {
    let m = &w.models;
    let models = [
        ("gradient-boosted trees", &m.gbdt),
        ("logistic regression", &m.logistic),
        ("previous judgement", &m.baseline_previous),
        ("previous judgement and time since", &m.baseline_previous_and_time),
    ]
    .into_iter()
    .map(|(name, s)| ModelRow {
        name,
        auc: three(s.auc),
        brier: three(Some(s.brier)),
        precision_top10: three(Some(s.precision_top10)),
        recall_top10: three(Some(s.recall_top10)),
        precision_top20: three(Some(s.precision_top20)),
        recall_top20: three(Some(s.recall_top20)),
    })
    .collect();
    WindowRow {
        cutoff: w.cutoff,
        test_from: w.test_from,
        test_to: w.test_to,
        target: target_words(w.target),
        inspections: w.inspections,
        rate: percent(w.below_good_rate),
        training: w.training_samples,
        models,
    }
}

pub struct BinRow {
    pub decile: usize,
    pub schools: usize,
    pub predicted: String,
    pub observed: String,
}

#[derive(Template)]
#[template(path = "model.html")]
pub struct ModelPage {
    pub windows: Vec<WindowRow>,
    pub skipped: Vec<(NaiveDate, String)>,
    /// The latest yearly window's calibration: its cut-off, chart and table.
    pub calibration: Option<(NaiveDate, Option<String>, Vec<BinRow>)>,
    pub features: Vec<(String, String)>,
}

/// `/model`.
pub async fn model(State(risk): State<Risk>) -> Response {
    render(async {
        let report = risk.backtest().await?;
        let latest = report.windows.iter().rev().find(|w| w.target == Target::NextBelowGood);
        let calibration = latest.map(|w| {
            let bins: Vec<(f64, f64)> = w.calibration.iter().map(|b| (b.mean_predicted, b.observed_rate)).collect();
            let chart = risk_chart::calibration(&format!("Predicted against observed, schools inspected from {}", w.test_from), &bins);
            let rows = w
                .calibration
                .iter()
                .map(|b| BinRow { decile: b.decile, schools: b.schools, predicted: percent(b.mean_predicted), observed: percent(b.observed_rate) })
                .collect();
            (w.cutoff, chart, rows)
        });
        let features = latest
            .map(|w| w.top_features.iter().map(|f| (f.feature.replace('_', " "), format!("{:.3}", f.mean_abs_contribution))).collect())
            .unwrap_or_default();
        Ok(ModelPage {
            windows: report.windows.iter().map(window_row).collect(),
            skipped: report.skipped.iter().map(|s| (s.cutoff, s.reason.clone())).collect(),
            calibration,
            features,
        })
    }
    .await)
}

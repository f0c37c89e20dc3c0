//! The LA report (issue 17 point 1) in the dashboard and the API: `/la/{name}/report`,
//! `/la/{name}/report.md` and `/api/las/{name}/report?format=json|md|html`, from the shared
//! workflow `schoolsight_app::la_report`. Each section is the view its own page builds (the LA
//! page, `/la/{name}/pupil-outcomes`, `/la/{name}/outcomes`, `/la/{name}/risk`), so a figure
//! reads the same on the report as on its page; Markdown is written from the same views as the
//! HTML. Casework is not public: every route needs a session, and a user whose reach is not
//! the whole LA gets the report without casework, saying so.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use schoolsight_app::draft_letter::LetterFormat;
use schoolsight_app::la_report::{Casework, CaseworkSection, LaReport, LaReportRequest, Reader, RiskSection, la_report};
use schoolsight_app::risk::Risk;
use schoolsight_domain::casework::ConcernCategory;
use schoolsight_domain::Urn;
use schoolsight_store::{Store, SupportImpact};
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::outcome_pages::LaOutcomesPage;
use crate::pages::{LaPage, OutcomesPage, render, series_rows, thresholds};
use crate::{AppError, AppState, data_day, day_or_today, html_error, json_error, risk_pages};

/// The API route, merged under `/api`.
pub fn api_routes() -> Router<AppState> {
    Router::new().route("/las/{name}/report", get(api))
}

/// The report's question: the day, the outcomes period, and (API) the format.
#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    pub at: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub format: Option<String>,
}

fn optional_day(text: Option<&str>, what: &'static str) -> Result<Option<NaiveDate>, AppError> {
    text.filter(|t| !t.trim().is_empty()).map(|t| data_day(t, what)).transpose()
}

/// The report for a signed-in user, the casework reason dropped from the risk list when the
/// user may not read the LA's casework.
async fn report_for(store: &Store, risk: &Risk, user: &SignedIn, name: &str, q: &ReportQuery) -> Result<LaReport, AppError> {
    let request = LaReportRequest {
        la: name.to_string(),
        at: day_or_today(q.at.as_deref())?,
        from: optional_day(q.from.as_deref(), "from")?,
        to: optional_day(q.to.as_deref(), "to")?,
    };
    let reader = Reader::User(user.principal());
    let mut report = la_report(store, risk, &request, &thresholds()?, reader).await?;
    let may_read = reader.reads_la_casework(&report.la_name);
    if let RiskSection::Scored { list } = &mut report.risk {
        for school in &mut list.schools {
            school.reasons = risk_pages::visible(std::mem::take(&mut school.reasons), may_read);
        }
    }
    Ok(report)
}

/// `/la/{name}/report?at=&from=&to=`.
pub async fn page(State(store): State<Store>, State(risk): State<Risk>, user: SignedIn, Path(name): Path<String>, Query(q): Query<ReportQuery>) -> Response {
    render(async { Ok(LaReportPage::of(report_for(&store, &risk, &user, &name, &q).await?)) }.await)
}

/// `/la/{name}/report.md?at=&from=&to=`.
pub async fn markdown_page(State(store): State<Store>, State(risk): State<Risk>, user: SignedIn, Path(name): Path<String>, Query(q): Query<ReportQuery>) -> Response {
    match report_for(&store, &risk, &user, &name, &q).await {
        Ok(report) => ([(header::CONTENT_TYPE, LetterFormat::Markdown.content_type())], markdown(&report)).into_response(),
        Err(e) => html_error(e),
    }
}

/// `/api/las/{name}/report?at=&from=&to=&format=json|md|html` (JSON by default).
async fn api(State(store): State<Store>, State(risk): State<Risk>, user: SignedIn, Path(name): Path<String>, Query(q): Query<ReportQuery>) -> Response {
    let result = async {
        let format = LetterFormat::parse(q.format.as_deref().unwrap_or("json")).map_err(AppError::BadRequest)?;
        let report = report_for(&store, &risk, &user, &name, &q).await?;
        let text = match format {
            LetterFormat::Json => return Ok(axum::Json(report).into_response()),
            LetterFormat::Markdown => markdown(&report),
            LetterFormat::Html => standalone_html(report)?,
        };
        Ok::<_, AppError>(([(header::CONTENT_TYPE, format.content_type())], text).into_response())
    }
    .await;
    result.unwrap_or_else(json_error)
}

/// The report as one self-contained HTML file (the stylesheet inlined, no script), for a
/// download, the CLI, or printing to PDF with no server to fetch the stylesheet from.
pub fn standalone_html(report: LaReport) -> Result<String, askama::Error> {
    Ok(crate::standalone(&LaReportPage::of(report).render()?))
}

/// A row of the trend table: the LA's share and England's on a day, and the LA's rank.
pub struct TrendRow {
    pub at: NaiveDate,
    pub la: String,
    pub england: String,
    pub rank: String,
}

/// A school at risk (any category above universal) with its reasons.
pub struct AtRiskRow {
    pub urn: Urn,
    pub name: String,
    pub chance: String,
    pub category: String,
    pub last_judgement: String,
    pub reasons: Vec<String>,
}

/// The early warning's section: categories with their bounds, the schools at risk, or why
/// there is no model on the day.
pub struct RiskView {
    pub no_model: Option<String>,
    pub open_schools: usize,
    pub scored: usize,
    pub not_scored: usize,
    pub categories: Vec<(String, usize, String)>,
    pub at_risk: Vec<AtRiskRow>,
}

impl RiskView {
    /// "78 open; 70 scored …, 8 … not scored": what the list covers.
    pub fn summary(&self) -> String {
        format!(
            "{} open; {} scored by the chance that the next graded inspection is below good, {} with no graded inspection not scored",
            self.open_schools, self.scored, self.not_scored
        )
    }
}

pub struct CaseRow {
    pub id: String,
    pub urn: Urn,
    pub school: String,
    pub category: String,
    pub link_officer: String,
    pub opened_on: NaiveDate,
    pub next_meeting: String,
    pub overdue_milestones: usize,
}

pub struct OverdueRow {
    pub case_id: String,
    pub school: String,
    pub action: String,
    pub owner: String,
    pub rag: String,
    pub milestones: String,
}

pub struct NoticeRow {
    pub school: String,
    pub issued_on: NaiveDate,
    pub grounds: String,
    pub response_due: NaiveDate,
    pub response: String,
}

pub struct SupportRow {
    pub school: String,
    pub provider: String,
    pub focus: String,
    pub funding: String,
    pub period: String,
    pub impact: String,
}

pub struct QuestionRow {
    pub text: String,
    pub responses: usize,
    pub strengths: usize,
    pub areas: usize,
    pub uncoded: usize,
    pub themes: String,
}

pub struct SurveyView {
    pub name: String,
    pub opened_on: NaiveDate,
    pub questions: Vec<QuestionRow>,
}

pub struct CaseworkView {
    pub recorded_on: NaiveDate,
    pub by_category: Vec<(String, usize)>,
    pub open_cases: Vec<CaseRow>,
    pub meetings_overdue: usize,
    pub overdue: Vec<OverdueRow>,
    pub notices: Vec<NoticeRow>,
    pub support: Vec<SupportRow>,
    pub survey: Option<SurveyView>,
}

#[derive(Template)]
#[template(path = "la_report.html")]
pub struct LaReportPage {
    pub la_name: String,
    pub at: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The LA page's own view: context, phases and routes, shares and ranks, charts, series.
    pub la: LaPage,
    pub trend: Vec<TrendRow>,
    /// The LA's pupil-outcomes page's view.
    pub pupil: LaOutcomesPage,
    /// The LA's outcomes page's view for the period.
    pub outcomes: OutcomesPage,
    pub risk: RiskView,
    /// Casework, or why this reader's report has none.
    pub casework: Result<CaseworkView, String>,
    /// "Published after …: …", the years of outcomes DfE published after the report's day.
    pub published_after: Option<String>,
    /// What the pupil-outcome charts set the LA beside (the shared measure section reads it).
    pub compared_with: String,
    /// `at=…&from=…&to=…`, for the download links.
    pub query: String,
}

impl LaReportPage {
    pub fn of(report: LaReport) -> LaReportPage {
        let LaReport { la_name, at, from, to, profile, series, ranks, pupil_outcomes, published_after, inspection_outcomes, risk, casework } = report;
        let series = series_rows(&series, Some(&la_name), &profile.thresholds);
        let la = crate::pages::la_page(profile, &[], Vec::new(), &series);
        let trend = la.series.iter().zip(&ranks).map(|(row, r)| TrendRow { at: row.at, la: row.la.clone(), england: row.england.clone(), rank: rank_words(r) }).collect();
        LaReportPage {
            query: format!("at={at}&from={from}&to={to}"),
            compared_with: format!("{la_name} and England"),
            published_after: crate::school_report::published_after_note(at, &published_after),
            la,
            trend,
            pupil: crate::outcome_pages::la_page(pupil_outcomes),
            outcomes: crate::pages::outcomes_page(inspection_outcomes),
            risk: risk_view(risk),
            casework: match casework {
                CaseworkSection::Shown(c) => Ok(casework_view(c)),
                CaseworkSection::Withheld { reason } => Err(reason),
            },
            la_name,
            at,
            from,
            to,
        }
    }
}

fn rank_words(r: &schoolsight_app::la_report::YearRank) -> String {
    match (r.rank, &r.not_ranked) {
        (Some(rank), _) => format!("{rank} of {}", r.out_of),
        (None, Some(why)) => format!("not ranked: {why}"),
        (None, None) => "not ranked: no school has a known judgement".to_string(),
    }
}

fn risk_view(risk: RiskSection) -> RiskView {
    let list = match risk {
        RiskSection::Scored { list } => list,
        RiskSection::NoModel { reason } => {
            return RiskView { no_model: Some(reason), open_schools: 0, scored: 0, not_scored: 0, categories: Vec::new(), at_risk: Vec::new() };
        }
    };
    let at_risk = list
        .schools
        .iter()
        .filter(|s| s.category != ConcernCategory::Universal)
        .map(|s| AtRiskRow {
            urn: s.urn,
            name: s.name.clone(),
            chance: risk_pages::percent(s.probability),
            category: risk_pages::category_words(s.category),
            last_judgement: risk_pages::grade_label(s.last_grade),
            reasons: s.reasons.iter().take(3).map(|r| r.text.clone()).collect(),
        })
        .collect();
    RiskView {
        no_model: None,
        open_schools: list.open_schools,
        scored: list.schools.len(),
        not_scored: list.not_scored.len(),
        categories: risk_pages::category_bounds(&list),
        at_risk,
    }
}

fn casework_view(c: Casework) -> CaseworkView {
    CaseworkView {
        recorded_on: c.recorded_on,
        by_category: c.by_category.iter().map(|(k, n)| (risk_pages::category_words(*k), *n)).collect(),
        open_cases: c
            .open_cases
            .iter()
            .map(|s| CaseRow {
                id: s.id.clone(),
                urn: s.school.urn,
                school: s.school_name.clone(),
                category: risk_pages::category_words(s.category),
                link_officer: s.link_officer.clone(),
                opened_on: s.opened_on,
                next_meeting: match s.next_meeting {
                    Some(d) if s.meeting_overdue => format!("{d} (overdue)"),
                    Some(d) => d.to_string(),
                    None => "none scheduled".to_string(),
                },
                overdue_milestones: s.overdue_milestones,
            })
            .collect(),
        meetings_overdue: c.meetings_overdue,
        overdue: c
            .overdue_actions
            .iter()
            .map(|a| OverdueRow {
                case_id: a.case_id.clone(),
                school: a.school_name.clone(),
                action: a.text.clone(),
                owner: a.owner.clone(),
                rag: format!("{} (milestones say {})", a.rag.key(), a.implied_rag.key()),
                milestones: a.overdue_milestones.iter().map(|m| format!("{} (due {})", m.description, m.due_on)).collect::<Vec<_>>().join("; "),
            })
            .collect(),
        notices: c
            .warning_notices
            .iter()
            .map(|n| NoticeRow {
                school: n.school_name.clone(),
                issued_on: n.notice.issued_on,
                grounds: n.notice.grounds.clone(),
                response_due: n.notice.response_due,
                response: match (&n.notice.responded_on, &n.notice.outcome) {
                    (Some(on), Some(outcome)) => format!("{on}: {outcome}"),
                    (Some(on), None) => on.to_string(),
                    _ => "no response recorded".to_string(),
                },
            })
            .collect(),
        support: c.support.iter().map(|s| support_row(&s.school_name, &s.impact)).collect(),
        survey: c.survey.map(|s| SurveyView {
            name: s.round.name,
            opened_on: s.round.opened_on,
            questions: s
                .questions
                .into_iter()
                .map(|q| QuestionRow {
                    text: q.text,
                    responses: q.responses,
                    strengths: q.strengths,
                    areas: q.areas_for_development,
                    uncoded: q.uncoded,
                    themes: q.themes.iter().map(|(t, s, a)| format!("{t} ({s} strength, {a} for development)")).collect::<Vec<_>>().join("; "),
                })
                .collect(),
        }),
    }
}

fn support_row(school: &str, s: &SupportImpact) -> SupportRow {
    let p = &s.package;
    SupportRow {
        school: school.to_string(),
        provider: format!("{} ({})", p.provider_name, p.provider_kind.replace('_', " ")),
        focus: p.focus_area.clone(),
        funding: match p.cost {
            Some(cost) => format!("£{cost:.0}, paid by {}", p.paid_by),
            None => format!("paid by {}", p.paid_by),
        },
        period: match p.ends_on {
            Some(end) => format!("{} to {end}", p.starts_on),
            None => format!("from {}", p.starts_on),
        },
        impact: crate::school_report::impact_words(s),
    }
}

/// A Markdown table (the school report's), or when it has no rows what the page says instead.
fn md_table_or(empty: &str, head: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows.into_iter().collect();
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str(&format!("{empty}\n\n"));
    } else {
        crate::school_report::md_table(&mut out, head, rows);
    }
    out
}

/// The report as Markdown, from the views the HTML is drawn from.
pub fn markdown(report: &LaReport) -> String {
    LaReportPage::of(report.clone()).to_markdown()
}

impl LaReportPage {
    fn to_markdown(&self) -> String {
        let mut out = format!("# {}: LA report as at {}\n\n", self.la_name, self.at);
        out.push_str(&format!("As at {} {}.\n\n## Context\n\n", self.at, self.la.lead));
        for p in &self.la.context {
            out.push_str(&format!("{p}\n\n"));
        }
        self.md_register(&mut out);
        self.md_pupil_outcomes(&mut out);
        self.md_inspection_outcomes(&mut out);
        self.md_risk(&mut out);
        match &self.casework {
            Ok(c) => md_casework(c, &mut out),
            Err(reason) => out.push_str(&format!("## Casework\n\n{reason}\n\n")),
        }
        out
    }

    fn md_register(&self, out: &mut String) {
        out.push_str("## Schools by phase and route\n\n");
        let mut head = vec!["Phase", "Schools"];
        head.extend(self.la.governance_labels.iter().copied());
        let mut rows: Vec<Vec<String>> = self.la.phases.iter().map(|p| [p.label.clone(), p.total.to_string()].into_iter().chain(p.counts.iter().map(ToString::to_string)).collect()).collect();
        rows.push(["All".to_string(), self.la.profile.schools.to_string()].into_iter().chain(self.la.totals.iter().map(ToString::to_string)).collect());
        out.push_str(&md_table_or("None.", &head, rows));
        out.push_str("## Good or outstanding, against England\n\n");
        out.push_str(&md_table_or(
            "None.",
            &["Phase", &self.la_name, "Judgements known", "England", "England: judgements known", "Rank among local authorities"],
            self.la.shares.iter().map(|s| vec![s.label.clone(), format!("{} ({})", s.la, s.la_counts), s.coverage.clone(), s.england.clone(), s.england_coverage.clone(), s.rank.clone()]),
        ));
        for c in &self.la.profile.caveats {
            out.push_str(&format!("- {c}\n"));
        }
        out.push_str(&format!("\n## {} against England over the years\n\n", self.la_name));
        out.push_str(&md_table_or(
            "None.",
            &["As at", &format!("{} (coverage)", self.la_name), "England (coverage)", "Rank among LAs (all schools)"],
            self.trend.iter().map(|t| vec![t.at.to_string(), t.la.clone(), t.england.clone(), t.rank.clone()]),
        ));
    }

    fn md_pupil_outcomes(&self, out: &mut String) {
        out.push_str("## Pupil outcomes and attendance against England\n\n");
        if self.pupil.measures.is_empty() {
            out.push_str(&format!("No LA-level outcome figures have been imported for {}.\n\n", self.la_name));
            return;
        }
        if let Some(note) = &self.published_after {
            out.push_str(&format!("{note}.\n\n"));
        }
        if !self.pupil.ranks.is_empty() {
            out.push_str(&md_table_or(
                "None.",
                &["Measure", "Year", &self.la_name, "Rank among LAs (1 = best)"],
                self.pupil.ranks.iter().map(|r| vec![r.label.clone(), r.year.clone(), r.value.clone(), r.rank.clone()]),
            ));
        }
        for m in &self.pupil.measures {
            out.push_str(&crate::school_report::measure_markdown(m));
        }
    }

    fn md_inspection_outcomes(&self, out: &mut String) {
        let o = &self.outcomes;
        out.push_str(&format!("## Inspection outcomes, {} to {}\n\n", self.from, self.to));
        for p in &o.narrative {
            out.push_str(&format!("{p}\n\n"));
        }
        out.push_str(&md_table_or(
            "None.",
            &["Judgement", "Schools", "Improved", "Held", "Declined", "No previous", "Category"],
            o.rows.iter().map(|r| vec![r.label.clone(), r.count.to_string(), r.improved.to_string(), r.held.to_string(), r.declined.to_string(), r.no_previous.to_string(), r.categories.clone()]),
        ));
    }

    fn md_risk(&self, out: &mut String) {
        let r = &self.risk;
        out.push_str(&format!("## Schools at risk, as at {}\n\n", self.at));
        if let Some(why) = &r.no_model {
            out.push_str(&format!("No early warning on this day: {why}.\n\n"));
            return;
        }
        out.push_str(&format!("{}.\n\n", r.summary()));
        out.push_str(&md_table_or("None.", &["Category", "Schools", "Chance of a below-good next inspection"], r.categories.iter().map(|(c, n, b)| vec![c.clone(), n.to_string(), b.clone()])));
        out.push_str(&md_table_or(
            "No school is above the universal category.",
            &["School", "URN", "Chance", "Category", "Last judgement", "Reasons"],
            r.at_risk.iter().map(|s| vec![s.name.clone(), s.urn.to_string(), s.chance.clone(), s.category.clone(), s.last_judgement.clone(), s.reasons.join("; ")]),
        ));
    }
}

fn md_casework(c: &CaseworkView, out: &mut String) {
    out.push_str(&format!("## Casework, as recorded on {}\n\n### Open cases by category of concern\n\n", c.recorded_on));
    out.push_str(&md_table_or("None.", &["Category", "Open cases"], c.by_category.iter().map(|(k, n)| vec![k.clone(), n.to_string()])));
    out.push_str(&md_table_or(
        "No open case.",
        &["School", "URN", "Category", "Link officer", "Opened", "Next meeting", "Overdue milestones"],
        c.open_cases.iter().map(|r| vec![r.school.clone(), r.urn.to_string(), r.category.clone(), r.link_officer.clone(), r.opened_on.to_string(), r.next_meeting.clone(), r.overdue_milestones.to_string()]),
    ));
    out.push_str(&format!("Core-group meetings overdue: {}.\n\n### Overdue actions and milestones\n\n", c.meetings_overdue));
    out.push_str(&md_table_or("None.", &["School", "Action", "Owner", "RAG", "Overdue milestones"], c.overdue.iter().map(|o| vec![o.school.clone(), o.action.clone(), o.owner.clone(), o.rag.clone(), o.milestones.clone()])));
    out.push_str("### Warning notices\n\n");
    out.push_str(&md_table_or("None.", &["School", "Issued", "Grounds", "Response due", "Response"], c.notices.iter().map(|n| vec![n.school.clone(), n.issued_on.to_string(), n.grounds.clone(), n.response_due.to_string(), n.response.clone()])));
    out.push_str("### Support brokered and its impact\n\n");
    out.push_str(&md_table_or("None.", &["School", "Provider", "Focus", "Funding", "Period", "Impact"], c.support.iter().map(|s| vec![s.school.clone(), s.provider.clone(), s.focus.clone(), s.funding.clone(), s.period.clone(), s.impact.clone()])));
    out.push_str("### Headteacher survey\n\n");
    match &c.survey {
        None => out.push_str("No headteacher survey round is recorded for the LA.\n\n"),
        Some(s) => {
            out.push_str(&format!("{}, opened {}.\n\n", s.name, s.opened_on));
            out.push_str(&md_table_or(
                "None.",
                &["Question", "Responses", "Strengths", "Areas for development", "Uncoded", "Themes"],
                s.questions.iter().map(|q| vec![q.text.clone(), q.responses.to_string(), q.strengths.to_string(), q.areas.to_string(), q.uncoded.to_string(), q.themes.clone()]),
            ));
        }
    }
}

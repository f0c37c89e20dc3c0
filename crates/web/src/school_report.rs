//! The school report for a link officer's visit (issue 17 point 2), gathered by
//! `schoolsight_app::school_report`: the page `/school/{urn}/report?at=`, its Markdown at
//! `/school/{urn}/report.md`, and `/api/schools/{urn}/report?format=json|md|html`. Each part is
//! worded as the school's own pages word it (the timeline's entries, `outcome_pages`' measure
//! sections, `risk_pages`' risk view). Casework, and who closed a letter's action with their
//! note, reach only a reader who may read the school's casework; anyone else is told they are
//! left out. `markdown` and `standalone_html` also serve `schoolsight report school`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use schoolsight_app::draft_letter::LetterFormat;
use schoolsight_app::risk::Risk;
use schoolsight_app::school_report::{CaseworkAccess, CaseworkSection, LatestLetter, SchoolReport, school_report};
use schoolsight_domain::words::count_digits;
use schoolsight_domain::{Judgement, TimelineEntry};
use schoolsight_store::{CaseAction, SupportImpact, Store};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::outcome_pages::{MeasureView, difference, figure, measure_view};
use crate::pages::{judgement_chart, render, thresholds};
use crate::risk_pages::{RiskView, keep_visible_reasons, risk_view};
use crate::{AppError, AppState, AtQuery, day_or_today, html_error, json_error, parse_urn};

/// The API route, merged under `/api`.
pub(crate) fn api_routes() -> Router<AppState> {
    Router::new().route("/schools/{urn}/report", get(api))
}

/// What the reader is told when the casework sections are left out.
pub const CASEWORK_WITHHELD: &str =
    "Casework (cases, warning notices, support and its impact, governance reviews) and who closed a letter's action, with their note, are not shown: sign in as an officer with reach over this school to see them.";

/// The report as `viewer` may read it: casework only with reach over the school.
async fn gather(store: &Store, risk: &Risk, viewer: &Viewer, urn: &str, at: Option<&str>) -> Result<SchoolReport, AppError> {
    let urn = parse_urn(urn)?;
    let at = day_or_today(at)?;
    let may_read = viewer.may_read(store, Some(urn)).await?;
    let access = if may_read { CaseworkAccess::Shown } else { CaseworkAccess::Withheld };
    let mut report = school_report(store, risk, urn, at, &thresholds()?, access).await?;
    keep_visible_reasons(&mut report.risk.history, may_read);
    if let Some(letter) = &mut report.latest_letter {
        let actions = letter.actions.iter().map(|a| a.action.clone()).collect();
        let shown = crate::letter_pages::hide_casework(store, viewer, actions).await?;
        for (reported, action) in letter.actions.iter_mut().zip(shown) {
            reported.action = action;
        }
    }
    Ok(report)
}

/// A row of the inspection timeline, worded as the school page words it.
pub struct TimelineRow {
    pub date: String,
    pub kind: String,
    pub judgement: String,
    /// "under predecessor URN …" for a predecessor's visit.
    pub whose: Option<String>,
    pub details: Option<String>,
    pub movement: String,
    pub published: String,
}

impl TimelineRow {
    fn of(e: &TimelineEntry) -> TimelineRow {
        TimelineRow {
            date: e.inspection.start_date.to_string(),
            kind: e.inspection.kind.clone().unwrap_or_else(|| "inspection".into()),
            judgement: e.judgement_label.clone().unwrap_or_else(|| "no overall judgement".into()),
            whose: e.whose(),
            details: e.details(),
            movement: e.movement.map_or(String::new(), |m| m.label().to_string()),
            published: e.inspection.publication_date.map_or(String::new(), |d| d.to_string()),
        }
    }
}

/// A letter's action with its status on the report's day.
pub struct ActionRow {
    pub text: String,
    pub status: &'static str,
    /// "closed 2024-03-01 by … : note" (who and the note only for a reader who may see them).
    pub closed: String,
}

pub struct LetterView {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub date: String,
    pub actions: Vec<ActionRow>,
    /// "2 of 5 actions open on 2024-09-01".
    pub summary: String,
}

impl LetterView {
    fn of(l: &LatestLetter, at: chrono::NaiveDate) -> LetterView {
        let actions: Vec<ActionRow> = l
            .actions
            .iter()
            .map(|a| {
                let closed = match (a.status_at, &a.action.closed_at) {
                    ("closed", Some(on)) => {
                        let who = a.action.closed_by.as_deref().map_or(String::new(), |b| format!(" by {b}"));
                        let note = a.action.close_note.as_deref().map_or(String::new(), |n| format!(": {n}"));
                        format!("closed {}{who}{note}", on.get(..10).unwrap_or(on))
                    }
                    _ => String::new(),
                };
                ActionRow { text: a.action.text.clone(), status: a.status_at, closed }
            })
            .collect();
        let open = actions.iter().filter(|a| a.status == "open").count();
        let summary = if actions.is_empty() {
            "The letter asks for no actions.".to_string()
        } else {
            format!("{open} of {} open on {at}.", count_digits(actions.len(), "action", "actions"))
        };
        LetterView {
            id: l.letter.id.clone(),
            title: l.letter.title.clone(),
            kind: schoolsight_letters::kind_label(&l.letter.kind).to_string(),
            date: l.day.to_string(),
            actions,
            summary,
        }
    }
}

/// A case with its actions, in words.
pub struct CaseView {
    pub id: String,
    pub heading: String,
    pub reason: String,
    pub attention: String,
    pub actions: Vec<String>,
}

pub struct CaseworkView {
    pub cases: Vec<CaseView>,
    pub notices: Vec<String>,
    /// Each package, and its measured impact.
    pub support: Vec<(String, String)>,
    pub reviews: Vec<String>,
}

fn case_action_words(a: &CaseAction) -> String {
    let implied = if a.implied_rag == a.rag { String::new() } else { format!(" (milestones say {})", a.implied_rag.key()) };
    let overdue = a.milestones.iter().filter(|m| m.state == schoolsight_domain::casework::MilestoneState::Overdue).count();
    let milestones = match a.milestones.len() {
        0 => "no milestones".to_string(),
        n => format!("{}, {overdue} overdue", count_digits(n, "milestone", "milestones")),
    };
    format!("{} — owner {}, RAG {}{implied}, {}; {milestones}", a.text, a.owner, a.rag.key(), a.status)
}

fn judgement_words(j: Option<Judgement>) -> &'static str {
    j.map_or("none on record", Judgement::label)
}

/// A support package's measured impact in words: its school's change on the headline measure
/// beside the LA's unsupported schools of the phase, and its judgements either side.
pub(crate) fn impact_words(i: &SupportImpact) -> String {
    let e = &i.estimate;
    let measured = match (i.measure, i.before_year, i.after_year, e.supported) {
        (Some(m), Some(before), Some(after), Some(own)) => {
            let unit = m.unit();
            let comparison = match (e.comparison, e.difference) {
                (Some(c), Some(d)) => format!(
                    "; {} of the LA and phase without support moved {} on average: a difference in differences of {}",
                    count_digits(e.comparison_schools, "school", "schools"),
                    difference(unit, c.change()),
                    difference(unit, d)
                ),
                _ => "; no school of the LA and phase without support has both figures to compare with".to_string(),
            };
            format!("{}: {} in {before} to {} in {after} ({}){comparison}", m.label(), figure(unit, own.before), figure(unit, own.after), difference(unit, own.change()))
        }
        (Some(m), ..) => format!("not measured: the school has no {} figure both before and after the package", m.label()),
        (None, ..) => "not measured: no headline measure for the school's phase in the package's years".to_string(),
    };
    format!("{measured}. Judgement before the package: {}; after: {}.", judgement_words(i.judgement_before), judgement_words(i.judgement_after))
}

impl CaseworkView {
    fn of(c: &CaseworkSection) -> CaseworkView {
        let cases = c
            .cases
            .iter()
            .map(|k| {
                let s = &k.case;
                let closed = s.closed_on.map_or(String::new(), |d| format!(", closed {d}"));
                let meeting = match (s.next_meeting, s.meeting_overdue) {
                    (Some(d), true) => format!("next core-group meeting {d} (overdue)"),
                    (Some(d), false) => format!("next core-group meeting {d}"),
                    (None, _) => "no meeting scheduled".to_string(),
                };
                CaseView {
                    id: s.id.clone(),
                    heading: format!("{} case, opened {}{closed}; link officer {}", s.category.key().replace('_', " "), s.opened_on, s.link_officer),
                    reason: k.reason.clone(),
                    attention: format!("{meeting}; {} overdue", count_digits(s.overdue_milestones, "milestone", "milestones")),
                    actions: k.actions.iter().map(case_action_words).collect(),
                }
            })
            .collect();
        let notices = c
            .warning_notices
            .iter()
            .map(|n| {
                let answer = match (n.responded_on, &n.outcome) {
                    (Some(d), Some(o)) => format!("; responded {d}: {o}"),
                    _ => "; no response recorded".to_string(),
                };
                format!("Issued {}: {}; response due {}{answer}", n.issued_on, n.grounds, n.response_due)
            })
            .collect();
        let support = c
            .support
            .iter()
            .map(|i| {
                let p = &i.package;
                let until = p.ends_on.map_or("ongoing".to_string(), |d| format!("to {d}"));
                let cost = p.cost.map_or(String::new(), |c| format!(", £{c:.0}"));
                (format!("{} ({}): {}, from {} {until}{cost} paid by {}", p.provider_name, p.provider_kind.replace('_', " "), p.focus_area, p.starts_on, p.paid_by), impact_words(i))
            })
            .collect();
        let reviews = c
            .governance_reviews
            .iter()
            .map(|r| {
                let follow = match (r.follow_up_on, &r.follow_up) {
                    (Some(d), Some(f)) => format!("; followed up {d}: {f}"),
                    (Some(d), None) => format!("; follow-up due {d}"),
                    _ => String::new(),
                };
                format!("{} by {}: {}; {}{follow}", r.reviewed_on, r.reviewer, r.rating, r.recommendations)
            })
            .collect();
        CaseworkView { cases, notices, support, reviews }
    }
}

/// The report as its page, its Markdown and its printed form show it.
#[derive(Template)]
#[template(path = "school_report.html")]
pub(crate) struct ReportPage {
    pub urn: String,
    pub name: String,
    pub la_name: String,
    pub at: String,
    pub facts: Vec<(&'static str, String)>,
    pub register_note: Option<&'static str>,
    pub timeline: Vec<TimelineRow>,
    pub timeline_chart: Option<String>,
    pub letter: Option<LetterView>,
    /// What the measure charts set the school beside.
    pub compared_with: String,
    pub measures: Vec<MeasureView>,
    pub published_after: Option<String>,
    pub risk: RiskView,
    pub risk_note: Option<String>,
    pub casework: Option<CaseworkView>,
    pub casework_withheld: Option<&'static str>,
}

impl ReportPage {
    pub fn of(r: &SchoolReport) -> ReportPage {
        let s = &r.school;
        let mut facts = vec![
            ("URN", s.urn.to_string()),
            ("Local authority", s.la_name.clone()),
            ("Phase", s.phase.label().to_string()),
            ("Type", format!("{} ({})", s.type_name, s.governance.label())),
            ("Status", s.close_date.map_or(s.status.key().to_string(), |d| format!("{}, closed {d}", s.status.key()))),
        ];
        facts.extend(s.trust.clone().map(|t| ("Trust", t)));
        facts.extend(s.pupils.map(|p| ("Pupils", p.to_string())));
        facts.extend(s.fsm_percent.map(|f| ("Free school meals", format!("{f:.1}%"))));
        let measures = r.outcomes.as_ref().map_or_else(Vec::new, |o| o.outcomes.measures.iter().map(|m| measure_view(m, &o.outcomes.la_name)).collect());
        let published_after = r.outcomes.as_ref().and_then(|o| published_after_note(r.at, &o.published_after));
        ReportPage {
            urn: s.urn.to_string(),
            name: s.name.clone(),
            la_name: s.la_name.clone(),
            at: r.at.to_string(),
            facts,
            register_note: (!r.from_register).then_some("Only an inspection file describes this school; its register entry is not held."),
            timeline_chart: judgement_chart(&s.name, &r.timeline),
            timeline: r.timeline.iter().map(TimelineRow::of).collect(),
            letter: r.latest_letter.as_ref().map(|l| LetterView::of(l, r.at)),
            compared_with: "this school, its LA and England".into(),
            measures,
            published_after,
            risk: risk_view(&r.risk.history),
            risk_note: r.risk.not_scored.clone(),
            casework: r.casework.as_ref().map(CaseworkView::of),
            casework_withheld: r.casework_withheld.then_some(CASEWORK_WITHHELD),
        }
    }
}

/// "Published after 2016-01-01: KS2 … 2015/16; …", or nothing when every year was out by the day.
pub(crate) fn published_after_note(at: chrono::NaiveDate, years: &[(schoolsight_domain::Measure, schoolsight_domain::AcademicYear)]) -> Option<String> {
    let years: Vec<String> = years.iter().map(|(m, y)| format!("{} {y}", m.label())).collect();
    (!years.is_empty()).then(|| format!("Published after {at}: {}", years.join("; ")))
}

/// A Markdown table cell: no pipe or line break may end it early.
fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

pub(crate) fn md_table(out: &mut String, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    out.push_str(&format!("| {} |\n|{}\n", header.join(" | "), "---|".repeat(header.len())));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out.push('\n');
}

/// The report as Markdown, from the same words as its page.
pub fn markdown(report: &SchoolReport) -> String {
    let p = ReportPage::of(report);
    let mut out = format!("# {}: school report as at {}\n\n", p.name, p.at);
    for (name, value) in &p.facts {
        out.push_str(&format!("- {name}: {value}\n"));
    }
    out.push('\n');
    if let Some(note) = p.register_note {
        out.push_str(&format!("{note}\n\n"));
    }
    out.push_str("## Inspection history\n\n");
    if p.timeline.is_empty() {
        out.push_str("No inspections recorded by this date.\n\n");
    } else {
        let rows = p.timeline.iter().map(|t| {
            let judgement = [Some(t.judgement.clone()), t.whose.as_ref().map(|w| format!("({w})")), t.details.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
            vec![t.date.clone(), t.kind.clone(), judgement, t.movement.clone(), t.published.clone()]
        });
        md_table(&mut out, &["Start date", "Inspection", "Judgement", "Movement", "Published"], rows);
    }
    out.push_str("## Latest letter and its actions\n\n");
    match &p.letter {
        None => out.push_str(&format!("No letter dated on or before {} is stored for this school.\n\n", p.at)),
        Some(l) => {
            out.push_str(&format!("{} ({}, {}, letter {}). {}\n\n", l.title, l.kind, l.date, l.id, l.summary));
            if !l.actions.is_empty() {
                md_table(&mut out, &["Action", "Status", "Closed"], l.actions.iter().map(|a| vec![a.text.clone(), a.status.to_string(), a.closed.clone()]));
            }
        }
    }
    markdown_outcomes(&mut out, &p);
    markdown_risk(&mut out, &p);
    markdown_casework(&mut out, &p);
    out
}

fn markdown_outcomes(out: &mut String, p: &ReportPage) {
    out.push_str("## Pupil outcomes by group\n\n");
    if p.measures.is_empty() {
        out.push_str("No outcome figures have been imported for this school.\n\n");
    }
    if let Some(note) = &p.published_after {
        out.push_str(&format!("{note}.\n\n"));
    }
    for m in &p.measures {
        out.push_str(&measure_markdown(m));
    }
}

/// One measure's section in Markdown, as `measure_section.html` draws it: its table by group
/// with the gap, the trends, coverage, missing years and lapses.
pub(crate) fn measure_markdown(m: &MeasureView) -> String {
    let mut out = format!("### {}\n\n", m.label);
    let header: Vec<&str> = std::iter::once("Pupils").chain(m.years.iter().map(String::as_str)).collect();
    let mut rows: Vec<Vec<String>> = m.rows.iter().map(|r| std::iter::once(r.label.clone()).chain(r.cells.iter().map(|c| c.text.clone())).collect()).collect();
    if let Some(gap) = &m.gap {
        rows.push(std::iter::once("gap: disadvantaged − other".to_string()).chain(gap.iter().map(|c| c.text.clone())).collect());
    }
    md_table(&mut out, &header, rows);
    out.push_str(&format!("Trend: {}.", m.trend));
    if m.gap.is_some() {
        out.push_str(&format!(" Disadvantage gap: {}.", m.gap_trend));
    }
    out.push_str("\n\n");
    for line in m.coverage.iter().chain(&m.missing) {
        out.push_str(&format!("- {line}.\n"));
    }
    for l in &m.lapses {
        out.push_str(&format!("- Lapse — {l}\n"));
    }
    out.push('\n');
    out
}

fn markdown_risk(out: &mut String, p: &ReportPage) {
    out.push_str("## Risk over time and its reasons\n\n");
    if let Some(note) = &p.risk_note {
        out.push_str(&format!("Not scored: {note}.\n\n"));
    }
    if !p.risk.points.is_empty() {
        md_table(out, &["As at", "Chance below good", "Category"], p.risk.points.iter().map(|r| vec![r.at.to_string(), r.shown.clone(), r.category.clone()]));
    }
    if let Some((at, shown, reasons)) = &p.risk.latest {
        out.push_str(&format!("Why {shown} as at {at}:\n\n"));
        if reasons.is_empty() {
            out.push_str("- No single factor moved the score noticeably.\n");
        }
        for r in reasons {
            out.push_str(&format!("- {}\n", r.text));
        }
        out.push('\n');
    }
}

fn markdown_casework(out: &mut String, p: &ReportPage) {
    out.push_str("## Casework and support\n\n");
    if let Some(note) = p.casework_withheld {
        out.push_str(&format!("{note}\n"));
        return;
    }
    let Some(c) = &p.casework else { return };
    let list = |out: &mut String, title: &str, items: &[String], none: &str| {
        out.push_str(&format!("### {title}\n\n"));
        if items.is_empty() {
            out.push_str(&format!("{none}\n"));
        }
        for item in items {
            out.push_str(&format!("- {item}\n"));
        }
        out.push('\n');
    };
    out.push_str("### Cases\n\n");
    if c.cases.is_empty() {
        out.push_str(&format!("No case opened on or before {}.\n\n", p.at));
    }
    for k in &c.cases {
        out.push_str(&format!("- {} (case {}). Reason: {}. {}.\n", k.heading, k.id, k.reason, k.attention));
        for a in &k.actions {
            out.push_str(&format!("  - {a}\n"));
        }
    }
    if !c.cases.is_empty() {
        out.push('\n');
    }
    let support: Vec<String> = c.support.iter().map(|(package, impact)| format!("{package}. Impact: {impact}")).collect();
    list(out, "Support received and its measured impact", &support, "No support package recorded.");
    list(out, "Warning notices", &c.notices, "No warning notice recorded.");
    list(out, "Governance reviews", &c.reviews, "No governance review recorded.");
}

/// The page as a file that stands alone (the API's and the CLI's HTML, and the PDF printed
/// from it), through `crate::standalone`.
pub fn standalone_html(report: &SchoolReport) -> Result<String, askama::Error> {
    Ok(crate::standalone(&ReportPage::of(report).render()?))
}

#[derive(Deserialize)]
struct ReportQuery {
    at: Option<String>,
    format: Option<String>,
}

/// `/school/{urn}/report?at=`.
pub(crate) async fn page(State(store): State<Store>, State(risk): State<Risk>, viewer: Viewer, Path(urn): Path<String>, Query(q): Query<AtQuery>) -> Response {
    render(async { Ok(ReportPage::of(&gather(&store, &risk, &viewer, &urn, q.at.as_deref()).await?)) }.await)
}

/// `/school/{urn}/report.md?at=`.
pub(crate) async fn markdown_file(State(store): State<Store>, State(risk): State<Risk>, viewer: Viewer, Path(urn): Path<String>, Query(q): Query<AtQuery>) -> Response {
    match gather(&store, &risk, &viewer, &urn, q.at.as_deref()).await {
        Ok(report) => text(LetterFormat::Markdown, markdown(&report)),
        Err(e) => html_error(e),
    }
}

fn text(format: LetterFormat, body: String) -> Response {
    ([(header::CONTENT_TYPE, format.content_type())], body).into_response()
}

/// `/api/schools/{urn}/report?at=&format=json|md|html`.
async fn api(State(store): State<Store>, State(risk): State<Risk>, viewer: Viewer, Path(urn): Path<String>, Query(q): Query<ReportQuery>) -> Response {
    let result = async {
        let format = LetterFormat::parse(q.format.as_deref().unwrap_or("json")).map_err(AppError::BadRequest)?;
        let report = gather(&store, &risk, &viewer, &urn, q.at.as_deref()).await?;
        Ok::<_, AppError>(match format {
            LetterFormat::Json => axum::Json(report).into_response(),
            LetterFormat::Markdown => text(format, markdown(&report)),
            LetterFormat::Html => text(format, standalone_html(&report)?),
        })
    }
    .await;
    result.unwrap_or_else(json_error)
}

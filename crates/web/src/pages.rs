//! The dashboard's pages: England's LA league table, an LA, its inspection outcomes, a school.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use schoolsight_domain::analysis::{LaProfile, Movement, OutcomeSummary, PhaseGroup};
use schoolsight_domain::{CategoryOfConcern, Governance, Judgement, Urn};
use schoolsight_store::{LaSchool, LetterAction, SchoolHistory, Store, StoredLetter};

use crate::chart::{self, Bar};
use crate::{AppError, AtQuery, PeriodQuery, day_or_today, html_error, parse_urn, period};

pub(crate) fn render<T: Template>(page: Result<T, AppError>) -> Response {
    match page.and_then(|p| Ok(p.render()?)) {
        Ok(body) => Html(body).into_response(),
        Err(e) => html_error(e),
    }
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "–".to_string(), |p| format!("{p:.1}%"))
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub message: String,
}

pub struct RankRow {
    pub rank: usize,
    pub la_name: String,
    pub schools: usize,
    pub inspected: usize,
    pub percent: String,
    pub bar: f64,
}

#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage {
    pub at: NaiveDate,
    pub england: String,
    pub schools: usize,
    pub rows: Vec<RankRow>,
}

pub async fn index(State(store): State<Store>, Query(q): Query<AtQuery>) -> Response {
    render(async {
        let at = day_or_today(q.at.as_deref())?;
        let ranking = store.ranking(at, PhaseGroup::All).await?;
        let rows = ranking
            .las
            .iter()
            .map(|l| RankRow {
                rank: l.rank,
                la_name: l.la_name.clone(),
                schools: l.share.schools,
                inspected: l.share.inspected,
                percent: percent(l.percent),
                bar: l.percent.unwrap_or(0.0),
            })
            .collect();
        Ok(IndexPage { at, england: percent(ranking.england_percent), schools: ranking.england.schools, rows })
    }
    .await)
}

pub struct ShareRow {
    pub label: String,
    pub la: String,
    pub la_counts: String,
    pub england: String,
    pub rank: String,
}

pub struct PhaseRow {
    pub label: String,
    pub total: usize,
    pub counts: Vec<usize>,
}

pub struct SchoolRow {
    pub urn: Urn,
    pub name: String,
    pub phase: String,
    pub kind: String,
    pub judgement: String,
    pub judgement_key: String,
    pub inspected: String,
}

impl From<&LaSchool> for SchoolRow {
    fn from(s: &LaSchool) -> SchoolRow {
        SchoolRow {
            urn: s.urn,
            name: s.name.clone(),
            phase: s.phase.label().to_string(),
            kind: s.type_name.clone(),
            judgement: s.latest.zip(s.inspected).map_or("not inspected".into(), |(j, d)| j.label_at(d).to_string()),
            judgement_key: s.latest.map_or("none", Judgement::key).to_string(),
            inspected: s.inspected.map_or(String::new(), |d| d.to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "la.html")]
pub struct LaPage {
    pub la_name: String,
    pub at: NaiveDate,
    pub profile: LaProfile,
    pub governance_labels: Vec<&'static str>,
    pub phases: Vec<PhaseRow>,
    pub totals: Vec<usize>,
    pub shares: Vec<ShareRow>,
    pub judgement_chart: String,
    pub share_chart: String,
    pub schools: Vec<SchoolRow>,
    pub default_from: String,
    pub default_to: String,
    pub letters: Vec<StoredLetter>,
    /// Letter 002's "Context" paragraph, from the data.
    pub context: Vec<String>,
}

const COLUMNS: [Governance; 4] =
    [Governance::Maintained, Governance::AcademyConverter, Governance::AcademySponsorLed, Governance::FreeSchool];

pub async fn la(State(store): State<Store>, Path(name): Path<String>, Query(q): Query<AtQuery>) -> Response {
    render(async {
        let at = day_or_today(q.at.as_deref())?;
        let profile = store.la_profile(&name, at).await?;
        let schools = store.la_schools(&profile.la_name, at).await?;
        let letters = store.letters_for_la(&profile.la_name).await?;
        Ok(la_page(profile, &schools, letters))
    }
    .await)
}

fn la_page(profile: LaProfile, schools: &[LaSchool], letters: Vec<StoredLetter>) -> LaPage {
    let phases = profile
        .phases
        .iter()
        .map(|p| PhaseRow {
            label: p.label.clone(),
            total: p.total,
            counts: COLUMNS.iter().map(|g| p.by_governance.get(g).copied().unwrap_or(0)).collect(),
        })
        .collect();
    let totals = COLUMNS.iter().map(|g| profile.by_governance.get(g).copied().unwrap_or(0)).collect();
    let shares = profile
        .shares
        .iter()
        .map(|s| ShareRow {
            label: s.label.clone(),
            la: percent(s.la_percent),
            la_counts: format!("{} of {} inspected", s.la.good_or_outstanding, s.la.inspected),
            england: percent(s.england_percent),
            rank: match (s.rank, &s.standing) {
                (Some(r), Some(words)) => format!("{r} of {}: {words}", s.out_of),
                _ => "not ranked".to_string(),
            },
        })
        .collect();
    let judgement_bars: Vec<Bar> = Judgement::ALL
        .iter()
        .map(|j| {
            let n = profile.judgements.get(j).copied().unwrap_or(0);
            Bar { label: j.label().to_string(), value: n as f64, class: chart::judgement_class(*j), shown: n.to_string() }
        })
        .collect();
    let share_bars: Vec<Bar> = profile
        .shares
        .iter()
        .flat_map(|s| {
            [
                Bar {
                    label: format!("{}: {}", s.label, profile.la_name),
                    value: s.la_percent.unwrap_or(0.0),
                    class: "la",
                    shown: percent(s.la_percent),
                },
                Bar {
                    label: format!("{}: England", s.label),
                    value: s.england_percent.unwrap_or(0.0),
                    class: "england",
                    shown: percent(s.england_percent),
                },
            ]
        })
        .collect();
    let year_start = NaiveDate::from_ymd_opt(chrono::Datelike::year(&profile.at) - 1, 9, 1).unwrap_or(profile.at);
    LaPage {
        la_name: profile.la_name.clone(),
        at: profile.at,
        governance_labels: COLUMNS.iter().map(|g| g.label()).collect(),
        phases,
        totals,
        shares,
        judgement_chart: chart::bars(&format!("Latest judgements of {}'s schools", profile.la_name), &judgement_bars, None),
        share_chart: chart::bars("Percentage good or outstanding, LA and England", &share_bars, Some(100.0)),
        schools: schools.iter().map(SchoolRow::from).collect(),
        default_from: year_start.to_string(),
        default_to: profile.at.to_string(),
        letters,
        context: schoolsight_domain::analysis::describe_context(&profile),
        profile,
    }
}

pub struct OutcomeRow {
    pub label: String,
    pub key: String,
    pub count: usize,
    pub improved: usize,
    pub held: usize,
    pub declined: usize,
    pub no_previous: usize,
    pub categories: String,
}

pub struct InspectedRow {
    pub urn: Urn,
    pub name: String,
    pub phase: String,
    pub date: NaiveDate,
    pub judgement: String,
    pub judgement_key: String,
    pub previous: String,
    pub movement: String,
}

#[derive(Template)]
#[template(path = "outcomes.html")]
pub struct OutcomesPage {
    pub la_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub inspected: usize,
    pub phases: String,
    pub rows: Vec<OutcomeRow>,
    pub schools: Vec<InspectedRow>,
    pub chart: String,
    /// The letters' "Inspection outcomes" paragraph, written from the data.
    pub narrative: Vec<String>,
}

pub async fn outcomes(State(store): State<Store>, Path(name): Path<String>, Query(q): Query<PeriodQuery>) -> Response {
    render(async {
        let (from, to) = period(&q)?;
        Ok(outcomes_page(store.outcomes(&name, from, to).await?))
    }
    .await)
}

fn outcomes_page(s: OutcomeSummary) -> OutcomesPage {
    let narrative = schoolsight_domain::analysis::narrate(&s);
    let count = |m: &std::collections::BTreeMap<Movement, usize>, k| m.get(&k).copied().unwrap_or(0);
    let rows = s
        .judgements
        .iter()
        .map(|j| OutcomeRow {
            label: j.label.clone(),
            key: j.judgement.key().to_string(),
            count: j.count,
            improved: count(&j.movements, Movement::Improved),
            held: count(&j.movements, Movement::Held),
            declined: count(&j.movements, Movement::Declined),
            no_previous: count(&j.movements, Movement::NoPrevious),
            categories: [CategoryOfConcern::SpecialMeasures, CategoryOfConcern::SeriousWeaknesses]
                .iter()
                .filter_map(|c| j.categories.get(c).map(|n| format!("{n} {}", c.label())))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let bars: Vec<Bar> = s
        .judgements
        .iter()
        .map(|j| Bar {
            label: j.label.clone(),
            value: j.count as f64,
            class: chart::judgement_class(j.judgement),
            shown: j.count.to_string(),
        })
        .collect();
    let schools = s
        .schools
        .iter()
        .map(|i| InspectedRow {
            urn: i.urn,
            name: i.name.clone(),
            phase: i.phase.label().to_string(),
            date: i.start_date,
            judgement: match i.category {
                Some(c) => format!("{} ({})", i.judgement.label_at(i.start_date), c.label()),
                None => i.judgement.label_at(i.start_date).to_string(),
            },
            judgement_key: i.judgement.key().to_string(),
            previous: i
                .previous
                .zip(i.previous_date)
                .map_or("none".to_string(), |(p, d)| format!("{} ({d})", p.label_at(d))),
            movement: i.movement.label().to_string(),
        })
        .collect();
    OutcomesPage {
        chart: chart::bars(&format!("Judgements of inspections in {}", s.la_name), &bars, None),
        la_name: s.la_name,
        from: s.from,
        to: s.to,
        inspected: s.inspected,
        phases: s.by_phase.iter().map(|(p, n)| format!("{n} {}", p.label())).collect::<Vec<_>>().join(", "),
        rows,
        schools,
        narrative,
    }
}

/// `/la/{name}/outcomes.md`: the outcomes as a Markdown report to paste into a letter.
pub async fn outcomes_markdown(State(store): State<Store>, Path(name): Path<String>, Query(q): Query<PeriodQuery>) -> Response {
    let result = async {
        let (from, to) = period(&q)?;
        Ok::<_, AppError>(outcomes_report_markdown(&store.outcomes(&name, from, to).await?))
    }
    .await;
    match result {
        Ok(text) => ([(axum::http::header::CONTENT_TYPE, "text/markdown; charset=utf-8")], text).into_response(),
        Err(e) => html_error(e),
    }
}

fn outcomes_report_markdown(s: &OutcomeSummary) -> String {
    let mut out = format!("# {}: inspection outcomes, {} to {}\n\n## Inspection outcomes\n\n", s.la_name, s.from, s.to);
    for line in schoolsight_domain::analysis::narrate(s) {
        out.push_str(&line);
        out.push_str("\n\n");
    }
    out.push_str("| School | Phase | Inspected | Judgement | Previous | Movement |\n|---|---|---|---|---|---|\n");
    for i in &s.schools {
        let previous = i.previous.zip(i.previous_date).map_or("none".to_string(), |(p, d)| format!("{} ({d})", p.label_at(d)));
        let name = i.name.replace('|', "\\|");
        out.push_str(&format!("| {name} | {} | {} | {} | {previous} | {} |\n", i.phase.label(), i.start_date, i.judgement.label_at(i.start_date), i.movement.label()));
    }
    out
}

#[derive(Template)]
#[template(path = "school.html")]
pub struct SchoolPage {
    pub history: SchoolHistory,
    pub chart: Option<String>,
    pub letters: Vec<StoredLetter>,
    pub actions: Vec<LetterAction>,
}

pub async fn school(State(store): State<Store>, viewer: crate::auth::Viewer, Path(urn): Path<String>) -> Response {
    render(async {
        let urn = parse_urn(&urn)?;
        let history = store
            .school(urn)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no school with URN {urn}")))?;
        let points: Vec<(NaiveDate, Judgement)> = history
            .timeline
            .iter()
            .filter_map(|e| e.inspection.judgement.map(|j| (e.inspection.start_date, j)))
            .collect();
        let chart = chart::judgement_timeline(&format!("Judgements of {} over time", history.school.name), &points);
        let letters = store.letters_for_school(urn).await?;
        let actions = crate::letter_pages::hide_casework(&store, &viewer, store.actions_for_school(urn).await?).await?;
        Ok(SchoolPage { history, chart, letters, actions })
    }
    .await)
}

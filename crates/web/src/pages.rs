//! The dashboard's pages: England's LA league table, an LA, its inspection outcomes, a school.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use schoolsight_domain::analysis::{LaProfile, Movement, OutcomeSummary, PhaseGroup, Share};
use schoolsight_domain::as_at::SeriesPoint;
use schoolsight_domain::words::{count_digits, verb_digits};
use schoolsight_domain::{CategoryOfConcern, Governance, Judgement, Thresholds, Urn};
use schoolsight_store::{LaSchool, LetterAction, SchoolHistory, Store, StoredLetter};
use serde::{Deserialize, Serialize};

use crate::chart::{self, Bar, LineSeries};
use crate::{AppError, AtQuery, PeriodQuery, day_or_today, html_error, parse_urn, period};

/// The coverage threshold from configuration (`SCHOOLSIGHT_MIN_COVERAGE`, default 80%).
pub(crate) fn thresholds() -> Result<Thresholds, AppError> {
    Thresholds::from_env().map_err(|e| AppError::Internal(e.to_string()))
}

/// One LA's (or England's) share on a day of the time series, with its coverage.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesShare {
    pub schools: usize,
    pub inspected: usize,
    pub good_or_outstanding: usize,
    pub percent: Option<f64>,
    pub coverage_percent: Option<f64>,
    /// Whether coverage reaches the threshold: below it the chart leaves a gap.
    pub enough_coverage: bool,
}

impl SeriesShare {
    fn of(share: &Share, thresholds: &Thresholds) -> SeriesShare {
        SeriesShare {
            schools: share.schools,
            inspected: share.inspected,
            good_or_outstanding: share.good_or_outstanding,
            percent: share.percent(),
            coverage_percent: share.coverage_percent(),
            enough_coverage: thresholds.enough(share.inspected, share.schools),
        }
    }

    /// The value the chart draws: none where too little is known.
    fn charted(&self) -> Option<f64> {
        self.percent.filter(|_| self.enough_coverage)
    }
}

/// A day of the time series: England, and the LAs asked for (one, or all).
#[derive(Debug, Clone, Serialize)]
pub struct SeriesRow {
    pub at: NaiveDate,
    pub england: SeriesShare,
    pub las: std::collections::BTreeMap<String, SeriesShare>,
}

pub(crate) fn series_rows(series: &[SeriesPoint], la: Option<&str>, thresholds: &Thresholds) -> Vec<SeriesRow> {
    series
        .iter()
        .map(|p| SeriesRow {
            at: p.at,
            england: SeriesShare::of(&p.england, thresholds),
            las: p
                .las
                .iter()
                .filter(|(name, _)| la.is_none_or(|wanted| wanted == name.as_str()))
                .map(|(name, share)| (name.clone(), SeriesShare::of(share, thresholds)))
                .collect(),
        })
        .collect()
}

/// The series as a line chart of England and (when given) one LA; the last point is labelled
/// with its day, the others with the year whose end (31 August) they stand at.
fn series_chart(rows: &[SeriesRow], la: Option<&str>) -> Option<String> {
    let last = rows.len().saturating_sub(1);
    let labels: Vec<String> =
        rows.iter().enumerate().map(|(i, r)| if i == last { r.at.format("%b %Y").to_string() } else { r.at.format("%Y").to_string() }).collect();
    let mut lines = vec![LineSeries { label: "England".into(), class: "s3", values: rows.iter().map(|r| r.england.charted()).collect() }];
    if let Some(la) = la {
        lines.push(LineSeries {
            label: la.to_string(),
            class: "s1",
            values: rows.iter().map(|r| r.las.get(la).and_then(SeriesShare::charted)).collect(),
        });
    }
    chart::lines(&format!("Percentage good or outstanding, {} and England, by year", la.unwrap_or("England")), &labels, &lines)
}

/// A row of the series table beneath the chart: each figure with its coverage.
pub struct SeriesTableRow {
    pub at: NaiveDate,
    pub england: String,
    pub la: String,
}

fn series_table(rows: &[SeriesRow], la: Option<&str>) -> Vec<SeriesTableRow> {
    let shown = |s: Option<&SeriesShare>| match s {
        Some(s) => format!("{} (known for {}){}", percent(s.percent), percent(s.coverage_percent), if s.enough_coverage { "" } else { ": too few known" }),
        None => "–".to_string(),
    };
    rows.iter()
        .map(|r| SeriesTableRow { at: r.at, england: shown(Some(&r.england)), la: la.map_or(String::new(), |la| shown(r.las.get(la))) })
        .collect()
}

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
    pub rank: String,
    pub la_name: String,
    pub schools: usize,
    pub inspected: usize,
    pub coverage: String,
    pub percent: String,
    pub bar: f64,
    pub not_ranked: String,
}

#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage {
    pub at: NaiveDate,
    pub england: String,
    pub england_coverage: String,
    pub schools: usize,
    pub threshold: String,
    pub unranked: usize,
    pub rows: Vec<RankRow>,
    pub la: String,
    pub series_chart: Option<String>,
    pub series: Vec<SeriesTableRow>,
}

/// The ranking page's query: the day, and the LA whose series to draw beside England's.
#[derive(Debug, Default, Deserialize)]
pub struct RankingQuery {
    pub at: Option<String>,
    pub la: Option<String>,
}

pub async fn index(State(store): State<Store>, Query(q): Query<RankingQuery>) -> Response {
    render(async {
        let at = day_or_today(q.at.as_deref())?;
        let thresholds = thresholds()?;
        let ranking = store.ranking(at, PhaseGroup::All, &thresholds).await?;
        let la = match q.la.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            Some(name) => Some(store.resolve_la(name).await?),
            None => None,
        };
        let series = series_rows(&store.series().await?, la.as_deref(), &thresholds);
        let rows: Vec<RankRow> = ranking
            .las
            .iter()
            .map(|l| RankRow {
                rank: l.rank.map_or("–".to_string(), |r| r.to_string()),
                la_name: l.la_name.clone(),
                schools: l.share.schools,
                inspected: l.share.inspected,
                coverage: percent(l.coverage_percent),
                percent: percent(l.percent),
                bar: l.percent.unwrap_or(0.0),
                not_ranked: l.not_ranked.clone().unwrap_or_default(),
            })
            .collect();
        Ok(IndexPage {
            at,
            england: percent(ranking.england_percent),
            england_coverage: ranking.england.coverage_words(),
            schools: ranking.england.schools,
            threshold: format!("{:.0}%", thresholds.min_coverage_percent),
            unranked: ranking.las.iter().filter(|l| l.rank.is_none()).count(),
            series_chart: series_chart(&series, la.as_deref()),
            series: series_table(&series, la.as_deref()),
            la: la.unwrap_or_default(),
            rows,
        })
    }
    .await)
}

pub struct ShareRow {
    pub label: String,
    pub la: String,
    pub la_counts: String,
    pub coverage: String,
    pub england: String,
    pub england_coverage: String,
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
            judgement: match (s.latest.zip(s.inspected), s.no_overall_grade_since) {
                (Some((j, d)), _) if s.carried_from.is_some() => format!("{} (its predecessor's)", j.label_at(d)),
                (Some((j, d)), _) => j.label_at(d).to_string(),
                (None, Some(_)) => "no overall grade (framework since September 2024)".to_string(),
                (None, None) => "not inspected".to_string(),
            },
            judgement_key: s.latest.map_or("none", Judgement::key).to_string(),
            inspected: s.inspected.or(s.no_overall_grade_since).map_or(String::new(), |d| d.to_string()),
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
    pub series_chart: Option<String>,
    pub series: Vec<SeriesTableRow>,
    pub threshold: String,
    /// "there are 78 open state-funded schools; 12 trusts run at least one of them".
    pub lead: String,
}

const COLUMNS: [Governance; 4] =
    [Governance::Maintained, Governance::AcademyConverter, Governance::AcademySponsorLed, Governance::FreeSchool];

pub async fn la(State(store): State<Store>, Path(name): Path<String>, Query(q): Query<AtQuery>) -> Response {
    render(async {
        let at = day_or_today(q.at.as_deref())?;
        let thresholds = thresholds()?;
        let profile = store.la_profile(&name, at, &thresholds).await?;
        let schools = store.la_schools(&profile.la_name, at).await?;
        let letters = store.letters_for_la(&profile.la_name).await?;
        let series = series_rows(&store.series().await?, Some(&profile.la_name), &thresholds);
        Ok(la_page(profile, &schools, letters, &series))
    }
    .await)
}

pub(crate) fn la_page(profile: LaProfile, schools: &[LaSchool], letters: Vec<StoredLetter>, series: &[SeriesRow]) -> LaPage {
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
            la_counts: format!("{} of {} with a known judgement", s.la.good_or_outstanding, s.la.inspected),
            coverage: s.la.coverage_words(),
            england: percent(s.england_percent),
            england_coverage: s.england.coverage_words(),
            rank: match (s.rank, &s.standing, &s.not_ranked) {
                (Some(r), Some(words), _) => format!("{r} of {}: {words}", s.out_of),
                (_, _, Some(why)) => format!("not ranked: {why}"),
                _ => "not ranked: no school has a known judgement".to_string(),
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
    let lead = format!(
        "there {} {}; {} {} at least one of them",
        verb_digits(profile.schools, "is", "are"),
        count_digits(profile.schools, "open state-funded school", "open state-funded schools"),
        count_digits(profile.trusts, "trust", "trusts"),
        verb_digits(profile.trusts, "runs", "run")
    );
    LaPage {
        lead,
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
        series_chart: series_chart(series, Some(&profile.la_name)),
        series: series_table(series, Some(&profile.la_name)),
        threshold: format!("{:.0}%", profile.thresholds.min_coverage_percent),
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
    /// "1 school", "47 schools": the count as the lead sentence says it.
    pub inspected_words: String,
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

pub(crate) fn outcomes_page(s: OutcomeSummary) -> OutcomesPage {
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
            previous: previous_words(i),
            movement: i.movement.label().to_string(),
        })
        .collect();
    OutcomesPage {
        chart: chart::bars(&format!("Judgements of inspections in {}", s.la_name), &bars, None),
        la_name: s.la_name,
        from: s.from,
        to: s.to,
        inspected_words: count_digits(s.inspected, "school", "schools"),
        phases: s.by_phase.iter().map(|(p, n)| format!("{n} {}", p.label())).collect::<Vec<_>>().join(", "),
        rows,
        schools,
        narrative,
    }
}

/// The previous judgement as named on its day, marked when it was the predecessor school's.
fn previous_words(i: &schoolsight_domain::InspectedSchool) -> String {
    let carried = i.previous_urn.map_or(String::new(), |p| format!(", predecessor URN {p}"));
    i.previous.zip(i.previous_date).map_or("none".to_string(), |(p, d)| format!("{} ({d}{carried})", p.label_at(d)))
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
        let previous = previous_words(i);
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
        let chart = judgement_chart(&history.school.name, &history.timeline);
        let letters = store.letters_for_school(urn).await?;
        let actions = crate::letter_pages::hide_casework(&store, &viewer, store.actions_for_school(urn).await?).await?;
        Ok(SchoolPage { history, chart, letters, actions })
    }
    .await)
}

/// The school's graded judgements over time as a chart (none when it has none).
pub(crate) fn judgement_chart(name: &str, timeline: &[schoolsight_domain::TimelineEntry]) -> Option<String> {
    let points: Vec<(NaiveDate, Judgement)> = timeline.iter().filter_map(|e| e.inspection.judgement.map(|j| (e.inspection.start_date, j))).collect();
    chart::judgement_timeline(&format!("Judgements of {name} over time"), &points)
}

//! Pupil outcomes pages: a school's measures by group with trends, gaps, lapses and similar
//! schools; an LA's measures against England with its rank among LAs.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use schoolsight_domain::outcome_report::MeasureReport;
use schoolsight_domain::outcomes::{Direction, Lapse, Trend, Unit, Value};
use schoolsight_domain::{PupilGroup, Urn};
use schoolsight_store::{LaOutcomes, SchoolOutcomes, Store};

use crate::chart::{self, LineSeries};
use crate::pages::render;
use crate::{AppError, parse_urn};

pub(crate) fn figure(unit: Unit, n: f64) -> String {
    match unit {
        Unit::Percent => format!("{n:.0}%"),
        Unit::ProgressScore => format!("{n:+.2}"),
        Unit::Pupils => format!("{n:.0}"),
        Unit::Points | Unit::ScaledScore => format!("{n:.1}"),
    }
}

/// A table cell: the figure, or the published suppression code with its meaning.
pub struct Cell {
    pub text: String,
    pub note: Option<String>,
}

/// A difference between two figures: percentages differ by percentage points.
pub(crate) fn difference(unit: Unit, n: f64) -> String {
    match unit {
        Unit::Percent => format!("{n:+.0} pts"),
        _ => figure(unit, n),
    }
}

fn cell(unit: Unit, value: Option<Value>) -> Cell {
    cell_with(unit, value, figure)
}

fn gap_cell(unit: Unit, value: Option<Value>) -> Cell {
    cell_with(unit, value, difference)
}

fn cell_with(unit: Unit, value: Option<Value>, show: fn(Unit, f64) -> String) -> Cell {
    match value {
        None => Cell { text: String::new(), note: None },
        Some(Value::Number(n)) => Cell { text: show(unit, n), note: None },
        Some(Value::Suppressed(code)) => Cell { text: code.code().to_string(), note: Some(code.meaning().to_string()) },
    }
}

fn trend_text(unit: Unit, trend: &Option<Trend>) -> String {
    let Some(t) = trend else { return "fewer than three years published: no trend".into() };
    let per_year = difference(unit, t.slope_per_year.abs()).trim_start_matches('+').to_string();
    match t.direction {
        Direction::Stable => format!("stable from {} to {}", t.from, t.to),
        Direction::Improving => format!("improving by {per_year} a year from {} to {}", t.from, t.to),
        Direction::Declining => format!("declining by {per_year} a year from {} to {}", t.from, t.to),
        Direction::Rising => format!("rising by {per_year} a year from {} to {}", t.from, t.to),
        Direction::Falling => format!("falling by {per_year} a year from {} to {}", t.from, t.to),
    }
}

fn lapse_text(unit: Unit, what: &str, l: &Lapse) -> String {
    format!(
        "{}: {what} moved from {} ({}) to {}, a change of {} — beyond the normal year-to-year change ({} is 2.5 × the typical change)",
        l.year,
        figure(unit, l.previous),
        l.previous_year,
        figure(unit, l.value),
        difference(unit, l.change),
        difference(unit, l.threshold).trim_start_matches('+')
    )
}

pub struct LineRow {
    pub label: String,
    pub cells: Vec<Cell>,
}

pub struct MeasureView {
    pub key: String,
    pub label: String,
    pub years: Vec<String>,
    pub rows: Vec<LineRow>,
    pub gap: Option<Vec<Cell>>,
    pub trend: String,
    pub gap_trend: String,
    pub lapses: Vec<String>,
    /// Years with no figure, each with why ("no data for 2019/20: …"): gaps, not zeros.
    pub missing: Vec<String>,
    /// On an LA's page, per year: how many of its schools the year's school figures cover.
    pub coverage: Vec<String>,
    pub chart: Option<String>,
}

/// `la_name` names the LA line, which the report knows only by its code.
pub(crate) fn measure_view(r: &MeasureReport, la_name: &str) -> MeasureView {
    let years: Vec<String> = r.years.iter().map(ToString::to_string).collect();
    let rows = r
        .lines
        .iter()
        .map(|l| LineRow { label: line_label(l, la_name), cells: l.values.iter().map(|v| cell(r.unit, *v)).collect() })
        .collect();
    let gap = r.gap.iter().any(Option::is_some).then(|| r.gap.iter().map(|v| gap_cell(r.unit, *v)).collect());
    let classes = ["s1", "s2", "s3"];
    let chart_series: Vec<LineSeries> = r
        .lines
        .iter()
        .filter(|l| l.group == PupilGroup::All)
        .zip(classes)
        .map(|(l, class)| LineSeries {
            label: if l.subject.starts_with("school:") { "this school".into() } else { line_label(l, la_name) },
            class,
            values: l.values.iter().map(|v| v.and_then(Value::number)).collect(),
        })
        .collect();
    let lapses = r
        .lapses
        .iter()
        .map(|l| lapse_text(r.unit, "all pupils", l))
        .chain(r.gap_lapses.iter().map(|l| lapse_text(r.unit, "the disadvantage gap", l)))
        .collect();
    MeasureView {
        key: r.measure.key().to_string(),
        label: r.label.clone(),
        chart: chart::lines(&r.label, &years, &chart_series),
        years,
        rows,
        gap,
        trend: trend_text(r.unit, &r.trend),
        gap_trend: trend_text(r.unit, &r.gap_trend),
        lapses,
        missing: r.missing_years.iter().map(|m| sentence_case(&m.reason)).collect(),
        coverage: Vec::new(),
    }
}

/// "2018/19: school figures held for 290 of the LA's 301 schools of the phase (96%)".
fn coverage_lines(outcomes: &LaOutcomes, measure: schoolsight_domain::Measure) -> Vec<String> {
    outcomes
        .coverage
        .iter()
        .filter(|c| c.measure == measure)
        .map(|c| match c.schools.percent() {
            Some(p) => format!("{}: school figures held for {} of the LA's {} schools taking the measure ({p:.0}%)", c.year, c.schools.with_figure, c.schools.of),
            None => format!("{}: the register holds none of the LA's schools taking the measure that year", c.year),
        })
        .collect()
}

fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn line_label(line: &schoolsight_domain::outcome_report::Line, la_name: &str) -> String {
    if line.subject.starts_with("la:") { format!("{la_name}, {}", line.group.label()) } else { line.label.clone() }
}

pub struct SimilarRow {
    pub urn: Urn,
    pub name: String,
    pub headline: String,
    pub distance: String,
    pub is_target: bool,
}

#[derive(Template)]
#[template(path = "school_outcomes.html")]
pub struct SchoolOutcomesPage {
    /// What each chart sets the school beside.
    pub compared_with: String,
    pub outcomes: SchoolOutcomes,
    pub measures: Vec<MeasureView>,
    pub similar_title: String,
    pub similar_summary: String,
    pub similar: Vec<SimilarRow>,
}

fn school_page(outcomes: SchoolOutcomes) -> SchoolOutcomesPage {
    let measures = outcomes.measures.iter().map(|m| measure_view(m, &outcomes.la_name)).collect();
    let (similar_title, similar_summary, similar) = match &outcomes.similar {
        None => (String::new(), String::new(), Vec::new()),
        // Not compared: the title says so and the summary says why.
        Some(s) if s.comparison.is_none() => (
            format!("{} in {}: no comparison with similar schools", s.measure.label(), s.year),
            s.not_compared.clone().unwrap_or_default(),
            Vec::new(),
        ),
        Some(s) => {
            let c = s.comparison.as_ref().expect("compared");
            let unit = c.measure.unit();
            let name = |u: Urn| s.names.get(&u.0).cloned().unwrap_or_default();
            let mut rows: Vec<SimilarRow> = c
                .similar
                .iter()
                .map(|x| SimilarRow {
                    urn: x.urn,
                    name: name(x.urn),
                    headline: x.headline.map_or(String::new(), |h| figure(unit, h)),
                    distance: format!("{:.2}", x.distance),
                    is_target: false,
                })
                .collect();
            let own = outcomes.measures.iter().find(|m| m.measure == c.measure).and_then(|m| {
                let all = m.lines.iter().find(|l| l.group == PupilGroup::All && l.subject.starts_with("school:"))?;
                let i = m.years.iter().position(|y| *y == s.year)?;
                all.values[i].and_then(Value::number)
            });
            rows.insert(0, SimilarRow { urn: c.target, name: name(c.target), headline: own.map_or(String::new(), |h| figure(unit, h)), distance: "—".into(), is_target: true });
            let summary = match (c.rank, c.percentile) {
                (Some(rank), Some(p)) => format!("ranked {rank} of {} on this measure; better than {p:.0}% of the similar schools", c.out_of),
                _ => "no comparison: the school has no published figure".to_string(),
            };
            (format!("{} in {}: the schools most like this one", c.measure.label(), s.year), summary, rows)
        }
    };
    SchoolOutcomesPage { compared_with: "this school, its LA and England".into(), outcomes, measures, similar_title, similar_summary, similar }
}

pub async fn school(State(store): State<Store>, Path(urn): Path<String>) -> Response {
    render(async {
        let urn = parse_urn(&urn)?;
        let outcomes = store.school_outcomes(urn, &crate::pages::thresholds()?).await?.ok_or_else(|| AppError::NotFound(format!("no school with URN {urn}")))?;
        Ok(school_page(outcomes))
    }
    .await)
}

pub struct RankRow {
    pub label: String,
    pub year: String,
    pub value: String,
    pub rank: String,
}

#[derive(Template)]
#[template(path = "la_outcomes.html")]
pub struct LaOutcomesPage {
    pub compared_with: String,
    pub outcomes: LaOutcomes,
    pub ranks: Vec<RankRow>,
    pub measures: Vec<MeasureView>,
}

pub async fn la(State(store): State<Store>, Path(name): Path<String>) -> Response {
    render(async { Ok(la_page(store.la_outcomes(&name, None, &crate::pages::thresholds()?).await?)) }.await)
}

/// An LA's outcomes as its page shows them (and the LA report reuses): ranks and measures.
pub(crate) fn la_page(outcomes: LaOutcomes) -> LaOutcomesPage {
    let ranks = outcomes
        .ranks
        .iter()
        .map(|r| RankRow {
            label: r.measure.label().to_string(),
            year: r.year.to_string(),
            value: r.value.map_or_else(|| "no data".to_string(), |v| figure(r.measure.unit(), v)),
            // Not ranked: the reason in words instead of a rank.
            rank: match (r.rank, &r.not_ranked) {
                (Some(rank), _) => format!("{rank} of {} (figures for {} of {} LAs)", r.out_of, r.coverage.with_figure, r.coverage.of),
                (None, Some(why)) => why.clone(),
                (None, None) => String::new(),
            },
        })
        .collect();
    let measures = outcomes
        .measures
        .iter()
        .map(|m| {
            let mut view = measure_view(m, &outcomes.la_name);
            view.coverage = coverage_lines(&outcomes, m.measure);
            view
        })
        .collect();
    LaOutcomesPage { compared_with: format!("{} and England", outcomes.la_name), outcomes, ranks, measures }
}

//! `schoolsight pupil-outcomes`: an LA's published pupil outcomes in words, year by year, with
//! the years that have no figure said as such, the share of its schools each year's figures
//! cover, and its rank among LAs only where enough LAs have a figure (issue 13 point 3).

use std::fmt::Write;

use schoolsight_domain::outcome_report::{MeasureReport, YearFigure};
use schoolsight_domain::outcomes::{AcademicYear, Unit, Value};
use schoolsight_store::LaOutcomes;

fn figure(unit: Unit, value: Value) -> String {
    match value {
        Value::Number(n) => match unit {
            Unit::Percent => format!("{n:.1}%"),
            Unit::ProgressScore => format!("{n:+.2}"),
            Unit::Pupils => format!("{n:.0}"),
            Unit::Points | Unit::ScaledScore => format!("{n:.1}"),
        },
        Value::Suppressed(code) => format!("{} ({})", code.code(), code.meaning()),
    }
}

/// The LA's own line of a report: its all-pupil figures, by year.
fn own_line(r: &MeasureReport) -> Option<&[Option<Value>]> {
    r.lines.iter().find(|l| l.subject.starts_with("la:") && l.group == schoolsight_domain::PupilGroup::All).map(|l| l.values.as_slice())
}

pub fn text(o: &LaOutcomes) -> String {
    let mut out = String::new();
    if o.measures.is_empty() {
        let _ = writeln!(out, "{}: no LA-level pupil outcome figures are held.", o.la_name);
        return out;
    }
    if let Some(year) = o.year {
        let _ = writeln!(out, "{} in {year}:", o.la_name);
        for m in &o.in_year {
            let unit = m.measure.unit();
            let said = match &m.figure {
                YearFigure::Figure { value, .. } => figure(unit, *value),
                YearFigure::NoData { statement, .. } => statement.clone(),
            };
            let _ = writeln!(out, "  {}: {said}", m.measure.label());
        }
    }
    let _ = writeln!(out, "{}: pupil outcomes (DfE's figures for the LA)", o.la_name);
    for r in &o.measures {
        let _ = writeln!(out, "{}", r.label);
        // Years held and years missing, in year order: a gap is a line of its own, not skipped.
        let mut lines: Vec<(AcademicYear, String)> = r.missing_years.iter().map(|m| (m.year, m.reason.clone())).collect();
        if let Some(values) = own_line(r) {
            for (year, value) in r.years.iter().zip(values) {
                let shown = value.map_or_else(|| "no figure for the LA".to_string(), |v| figure(r.unit, v));
                let covered = o
                    .coverage
                    .iter()
                    .find(|c| c.measure == r.measure && c.year == *year)
                    .map(|c| format!("; school figures held for {} of its {} schools taking it", c.schools.with_figure, c.schools.of))
                    .unwrap_or_default();
                lines.push((*year, format!("{shown}{covered}")));
            }
        }
        lines.sort_by_key(|(year, _)| *year);
        for (year, said) in lines {
            let _ = writeln!(out, "  {year}: {said}");
        }
        if let Some(rank) = o.ranks.iter().find(|k| k.measure == r.measure) {
            let said = match (rank.rank, &rank.not_ranked) {
                (Some(n), _) => format!("{n} of {} (1 = best; figures for {} of {} LAs)", rank.out_of, rank.coverage.with_figure, rank.coverage.of),
                (None, Some(why)) => why.clone(),
                (None, None) => "not ranked".to_string(),
            };
            let _ = writeln!(out, "  rank among LAs, {}: {said}", rank.year);
        }
    }
    out
}

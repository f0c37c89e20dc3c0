//! The early warning's two charts, as inline SVG like the others: a school's risk over time
//! with its judgements as markers, and predicted against observed by decile with the diagonal.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use schoolsight_domain::Judgement;

use crate::chart::{escape, judgement_class};

const SVG_OPEN: &str = r#"<svg class="chart" role="img" viewBox="0 0 660 260" width="660" height="260" xmlns="http://www.w3.org/2000/svg">"#;
const X0: f64 = 60.0;
const X1: f64 = 620.0;
const Y0: f64 = 16.0;
const Y1: f64 = 216.0;

/// A vertical axis from 0% to 100% with gridlines every 25 points.
fn percent_axis(svg: &mut String, y: impl Fn(f64) -> f64) {
    for p in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            svg,
            r#"<line x1="{X0}" x2="{X1}" y1="{yy:.1}" y2="{yy:.1}" class="grid"/><text x="{}" y="{:.1}" text-anchor="end" class="label">{:.0}%</text>"#,
            X0 - 6.0,
            y(p) + 4.0,
            100.0 * p,
            yy = y(p)
        );
    }
}

/// A school's chance of a below-good next inspection at each date, with its graded judgements
/// marked (coloured by grade) on the same time axis. None without a point to draw.
pub fn risk_history(title: &str, risk: &[(NaiveDate, f64)], judgements: &[(NaiveDate, u8)]) -> Option<String> {
    let dates = risk.iter().map(|r| r.0).chain(judgements.iter().map(|j| j.0));
    let first = dates.clone().min()?.year();
    let last = dates.max()?.year() + 1;
    if risk.is_empty() {
        return None;
    }
    let span = f64::from((last - first).max(1));
    let x = |d: NaiveDate| X0 + (X1 - X0) * (f64::from(d.year() - first) + f64::from(d.ordinal0()) / 366.0) / span;
    let y = |p: f64| Y1 - p * (Y1 - Y0);
    let mut svg = format!("{SVG_OPEN}<title>{}</title>", escape(title));
    percent_axis(&mut svg, y);
    for year in (first..=last).step_by(((last - first) / 8).max(1) as usize) {
        let d = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January exists");
        let _ = write!(svg, r#"<text x="{:.1}" y="240" text-anchor="middle" class="label">{year}</text>"#, x(d));
    }
    for (d, grade) in judgements {
        let Some(j) = Judgement::from_grade(i64::from(*grade)) else { continue };
        let _ = write!(
            svg,
            r#"<line x1="{xx:.1}" x2="{xx:.1}" y1="{Y0}" y2="{Y1}" class="grid"/><rect class="judgement {}" x="{:.1}" y="{:.1}" width="10" height="10"><title>{d}: judged {}</title></rect>"#,
            judgement_class(j),
            x(*d) - 5.0,
            Y1 + 2.0,
            j.label(),
            xx = x(*d)
        );
    }
    let points: Vec<String> = risk.iter().map(|(d, p)| format!("{:.1},{:.1}", x(*d), y(*p))).collect();
    let _ = write!(svg, r#"<polyline points="{}" class="series s1"/>"#, points.join(" "));
    for (d, p) in risk {
        let _ = write!(
            svg,
            r#"<circle class="dot s1 risk-point" cx="{:.1}" cy="{:.1}" r="4"><title>as at {d}: {:.1}%</title></circle>"#,
            x(*d),
            y(*p),
            100.0 * p
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// Mean predicted probability against the observed rate for each decile (0..1 both), with the
/// diagonal a perfectly calibrated model would follow.
pub fn calibration(title: &str, bins: &[(f64, f64)]) -> Option<String> {
    if bins.is_empty() {
        return None;
    }
    let x = |p: f64| X0 + p * (X1 - X0);
    let y = |p: f64| Y1 - p * (Y1 - Y0);
    let mut svg = format!("{SVG_OPEN}<title>{}</title>", escape(title));
    percent_axis(&mut svg, y);
    for p in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(svg, r#"<text x="{:.1}" y="234" text-anchor="middle" class="label">{:.0}%</text>"#, x(p), 100.0 * p);
    }
    let _ = write!(svg, r#"<text x="{:.1}" y="254" text-anchor="middle" class="label">predicted</text>"#, x(0.5));
    let _ = write!(svg, r#"<line class="diagonal trend" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#, x(0.0), y(0.0), x(1.0), y(1.0));
    let points: Vec<String> = bins.iter().map(|(p, o)| format!("{:.1},{:.1}", x(*p), y(*o))).collect();
    let _ = write!(svg, r#"<polyline points="{}" class="series s1"/>"#, points.join(" "));
    for (i, (p, o)) in bins.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<circle class="dot s1 decile" cx="{:.1}" cy="{:.1}" r="4"><title>decile {}: predicted {:.1}%, observed {:.1}%</title></circle>"#,
            x(*p),
            y(*o),
            i + 1,
            100.0 * p,
            100.0 * o
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn risk_history_marks_each_judgement_and_each_point() {
        let svg = risk_history(
            "<b>",
            &[(day("2019-08-31"), 0.2), (day("2020-08-31"), 0.6)],
            &[(day("2015-03-01"), 2), (day("2019-11-01"), 4)],
        )
        .unwrap();
        assert_eq!(svg.matches("risk-point").count(), 2);
        assert!(svg.contains("j-good") && svg.contains("j-inadequate"));
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert!(risk_history("t", &[], &[(day("2015-03-01"), 2)]).is_none());
    }

    #[test]
    fn calibration_draws_the_diagonal_and_a_point_per_decile() {
        let bins: Vec<(f64, f64)> = (0..10).map(|i| (f64::from(i) / 10.0, f64::from(i) / 12.0)).collect();
        let svg = calibration("t", &bins).unwrap();
        assert_eq!(svg.matches("class=\"dot s1 decile\"").count(), 10);
        assert!(svg.contains("diagonal"));
        assert!(calibration("t", &[]).is_none());
    }
}

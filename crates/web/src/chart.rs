//! Charts drawn as inline SVG on the server: no script, no CDN, and they print.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use schoolsight_domain::Judgement;

/// Escapes text for SVG/HTML; every label passes through here.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// One bar: its label, value, and the CSS class that colours it.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub class: &'static str,
    /// Text shown after the bar, e.g. "12" or "85.0%".
    pub shown: String,
}

const LABEL_WIDTH: f64 = 230.0;
const BAR_AREA: f64 = 330.0;
const ROW: f64 = 26.0;

/// Horizontal bars scaled to `max` (or the largest value), with an accessible title.
pub fn bars(title: &str, bars: &[Bar], max: Option<f64>) -> String {
    let max = max.unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max)).max(f64::EPSILON);
    let height = ROW * bars.len() as f64 + 8.0;
    let width = LABEL_WIDTH + BAR_AREA + 70.0;
    let mut svg = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let length = (bar.value / max * BAR_AREA).max(0.0);
        let _ = write!(
            svg,
            r#"<text x="{lx}" y="{ty}" text-anchor="end" class="label">{label}</text><rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1}" height="{h}" class="{class}"/><text x="{vx:.1}" y="{ty}" class="value">{shown}</text>"#,
            lx = LABEL_WIDTH - 8.0,
            ty = y + ROW * 0.62,
            label = escape(&bar.label),
            h = ROW - 6.0,
            class = bar.class,
            vx = LABEL_WIDTH + length + 6.0,
            shown = escape(&bar.shown),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The CSS class a judgement is drawn in.
pub fn judgement_class(j: Judgement) -> &'static str {
    match j {
        Judgement::Outstanding => "j-outstanding",
        Judgement::Good => "j-good",
        Judgement::RequiresImprovement => "j-ri",
        Judgement::Inadequate => "j-inadequate",
    }
}

/// A school's graded judgements over time: outstanding at the top, inadequate at the bottom.
pub fn judgement_timeline(title: &str, points: &[(NaiveDate, Judgement)]) -> Option<String> {
    let first = points.iter().map(|p| p.0).min()?;
    let last = points.iter().map(|p| p.0).max()?;
    let (x0, x1, top, step) = (150.0, 620.0, 16.0, 34.0);
    let start_year = first.year();
    let end_year = last.year() + 1;
    let span = f64::from((end_year - start_year).max(1));
    let x = |d: NaiveDate| x0 + (x1 - x0) * (f64::from(d.year() - start_year) + f64::from(d.ordinal0()) / 366.0) / span;
    let y = |j: Judgement| top + step * f64::from(j.grade() - 1);
    let mut svg = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 660 170" width="660" height="170" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    for j in Judgement::ALL {
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text><line x1="{x0}" x2="{x1}" y1="{yy}" y2="{yy}" class="grid"/>"#,
            x0 - 8.0,
            y(j) + 4.0,
            j.label(),
            yy = y(j)
        );
    }
    for year in (start_year..=end_year).step_by(((end_year - start_year) / 8).max(1) as usize) {
        let d = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January exists");
        let _ = write!(svg, r#"<text x="{:.1}" y="160" text-anchor="middle" class="label">{year}</text>"#, x(d));
    }
    let mut sorted = points.to_vec();
    sorted.sort_by_key(|p| p.0);
    let path: Vec<String> = sorted.iter().map(|(d, j)| format!("{:.1},{:.1}", x(*d), y(*j))).collect();
    let _ = write!(svg, r#"<polyline points="{}" class="trend"/>"#, path.join(" "));
    for (d, j) in &sorted {
        let _ = write!(
            svg,
            r#"<circle cx="{:.1}" cy="{:.1}" r="6" class="{}"><title>{d}: {}</title></circle>"#,
            x(*d),
            y(*j),
            judgement_class(*j),
            j.label()
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// One line of a line chart: its label, CSS class, and a value per x position (gaps allowed).
pub struct LineSeries {
    pub label: String,
    pub class: &'static str,
    pub values: Vec<Option<f64>>,
}

/// A small line chart over labelled x positions (years), with a legend; missing values break
/// the line rather than dropping to zero.
pub fn lines(title: &str, x_labels: &[String], series: &[LineSeries]) -> Option<String> {
    let all: Vec<f64> = series.iter().flat_map(|s| s.values.iter().flatten().copied()).collect();
    let (lo, hi) = (all.iter().copied().fold(f64::INFINITY, f64::min), all.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    if all.is_empty() || x_labels.is_empty() {
        return None;
    }
    let pad = ((hi - lo) * 0.1).max(1.0);
    let (lo, hi) = (lo - pad, hi + pad);
    let (x0, x1, y0, y1) = (60.0, 420.0, 20.0, 180.0);
    let step = if x_labels.len() > 1 { (x1 - x0) / (x_labels.len() - 1) as f64 } else { 0.0 };
    let x = |i: usize| x0 + step * i as f64;
    let y = |v: f64| y1 - (v - lo) / (hi - lo) * (y1 - y0);
    let mut svg = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 760 210" width="760" height="210" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    for v in [lo + pad, (lo + hi) / 2.0, hi - pad] {
        let _ = write!(svg, r#"<line x1="{x0}" x2="{x1}" y1="{yy:.1}" y2="{yy:.1}" class="grid"/><text x="{}" y="{:.1}" text-anchor="end" class="label">{v:.1}</text>"#, x0 - 6.0, y(v) + 4.0, yy = y(v));
    }
    for (i, label) in x_labels.iter().enumerate() {
        let _ = write!(svg, r#"<text x="{:.1}" y="200" text-anchor="middle" class="label">{}</text>"#, x(i), escape(label));
    }
    for (n, s) in series.iter().enumerate() {
        let runs = s.values.iter().enumerate().fold(vec![Vec::new()], |mut runs: Vec<Vec<String>>, (i, v)| {
            match v {
                Some(v) => runs.last_mut().expect("one run").push(format!("{:.1},{:.1}", x(i), y(*v))),
                None => runs.push(Vec::new()),
            }
            runs
        });
        for run in runs.iter().filter(|r| !r.is_empty()) {
            let _ = write!(svg, r#"<polyline points="{}" class="series {}"/>"#, run.join(" "), s.class);
        }
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(svg, r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" class="dot {}"><title>{}: {v:.1}</title></circle>"#, x(i), y(*v), s.class, escape(&format!("{} {}", s.label, x_labels[i])));
            }
        }
        let ly = 30.0 + 18.0 * n as f64;
        let _ = write!(svg, r#"<rect x="440" y="{:.1}" width="14" height="4" class="key {}"/><text x="460" y="{:.1}" class="label">{}</text>"#, ly - 4.0, s.class, ly, escape(&s.label));
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        let svg = bars(
            "<script>",
            &[Bar { label: "A & <b>".into(), value: 1.0, class: "x", shown: "1".into() }],
            None,
        );
        assert!(svg.contains("A &amp; &lt;b&gt;"));
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<b>"));
    }

    #[test]
    fn lines_break_at_missing_years_and_escape_labels() {
        let years = vec!["2016/17".to_string(), "2017/18".to_string(), "2018/19".to_string()];
        let svg = lines(
            "t",
            &years,
            &[LineSeries { label: "<b>".into(), class: "s1", values: vec![Some(60.0), None, Some(70.0)] }],
        )
        .unwrap();
        assert_eq!(svg.matches("<polyline").count(), 2, "a missing year breaks the line");
        assert!(svg.contains("&lt;b&gt;"));
        assert!(lines("t", &years, &[]).is_none());
    }

    #[test]
    fn timeline_needs_points() {
        assert!(judgement_timeline("t", &[]).is_none());
        let d = NaiveDate::from_ymd_opt(2016, 11, 9).unwrap();
        let svg = judgement_timeline("t", &[(d, Judgement::Inadequate)]).unwrap();
        assert!(svg.contains("j-inadequate"));
    }
}

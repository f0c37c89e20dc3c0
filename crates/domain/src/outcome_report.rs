//! A school's or an LA's published outcomes arranged as a reader wants them: each measure year
//! by year for each pupil group, beside its LA and England, with the disadvantage gap, the
//! trend, and the years that fell beyond normal variation (letter 002: "accurate and timely
//! assessments of trends, gaps or lapses in the achievement of different groups").

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::outcomes::{
    AcademicYear, Lapse, Measure, MeasureValue, PupilGroup, Series, Subject, Trend, Unit, Value, Variation, disadvantage_gap,
    lapses, no_results_published, trend,
};
use crate::settings::Thresholds;

/// How many times the typical year-on-year change a fall must exceed to be flagged.
pub const LAPSE_K: f64 = 2.5;

/// One line of a measure's table: a group of one subject, a value per year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub label: String,
    pub subject: String,
    pub group: PupilGroup,
    pub values: Vec<Option<Value>>,
}

/// One measure over the years, for the subject, its comparators and its groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureReport {
    pub measure: Measure,
    pub label: String,
    pub unit: Unit,
    pub years: Vec<AcademicYear>,
    pub lines: Vec<Line>,
    /// Disadvantaged minus other pupils, per year.
    pub gap: Vec<Option<Value>>,
    pub trend: Option<Trend>,
    pub gap_trend: Option<Trend>,
    pub lapses: Vec<Lapse>,
    pub gap_lapses: Vec<Lapse>,
    /// Years the measure was in force, up to the latest with a figure, for which no figure of
    /// the subject is held: shown as gaps, never joined across, never read as zero.
    #[serde(default)]
    pub missing_years: Vec<MissingYear>,
}

/// A year with no figure, and why, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingYear {
    pub year: AcademicYear,
    pub reason: String,
}

/// The years from the measure's first year in force (or the first held, when its start is not
/// bounded) to the latest held that have no figure in `years`, each with its reason.
pub fn missing_years(measure: Measure, years: &[AcademicYear]) -> Vec<MissingYear> {
    let (Some(first_held), Some(last)) = (years.iter().min(), years.iter().max()) else { return Vec::new() };
    let first = measure.years_in_force().0.map_or(*first_held, |f| f.min(*first_held));
    (first.0..=last.0)
        .map(AcademicYear)
        .filter(|y| !years.contains(y))
        .map(|year| MissingYear { year, reason: no_figure_reason(measure, year) })
        .collect()
}

/// Why `measure` has no figure for `year`: not yet (or no longer) published with this meaning,
/// no results that summer, or simply no file held gives it.
pub fn no_figure_reason(measure: Measure, year: AcademicYear) -> String {
    let (from, until) = measure.years_in_force();
    if let Some(from) = from.filter(|f| year < *f) {
        return format!("{} was first published for {from}: there is no figure for {year}", measure.label());
    }
    if let Some(until) = until.filter(|u| year > *u) {
        return format!("{} was last published for {until}: there is no figure for {year}", measure.label());
    }
    let outcome = measure.higher_is_better().is_some() && (measure.key().starts_with("ks2") || measure.key().starts_with("ks4"));
    match no_results_published(year).filter(|_| outcome) {
        Some(why) => format!("no data for {year}: {why}"),
        None => format!("no data for {year}: no file held gives {} for that year", measure.label()),
    }
}

/// A subject's figure for one year, or why there is none: a question about a year is answered
/// with a number only where a file gives one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum YearFigure {
    Figure { year: AcademicYear, value: Value },
    NoData { year: AcademicYear, statement: String },
}

/// `measure` for `group` of `subject` in `year`, from `values`.
pub fn figure_in_year(values: &[MeasureValue], subject: &Subject, measure: Measure, group: PupilGroup, year: AcademicYear) -> YearFigure {
    match Series::of(values, subject, measure, group).value_in(year) {
        Some(value) => YearFigure::Figure { year, value },
        None => YearFigure::NoData { year, statement: no_figure_reason(measure, year) },
    }
}

/// How many of the subjects a figure speaks of have one (schools of an LA, LAs of England).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub with_figure: usize,
    pub of: usize,
}

impl Coverage {
    pub fn percent(&self) -> Option<f64> {
        (self.of > 0).then(|| 100.0 * self.with_figure as f64 / self.of as f64)
    }
}

/// Where an LA stands among LAs on a measure in a year, or why it is not ranked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaRank {
    pub measure: Measure,
    pub year: AcademicYear,
    pub value: Option<f64>,
    /// 1 = best (by the measure's direction); `None` when not ranked.
    pub rank: Option<usize>,
    /// LAs with a figure that year (the ones ranked among).
    pub out_of: usize,
    /// LAs with a figure that year, of all LAs.
    pub coverage: Coverage,
    /// Why the LA is not ranked, in words.
    pub not_ranked: Option<String>,
}

/// `subject` (an LA) among `every_la` on `measure` in `year` (the latest year any LA has a
/// figure when `None`). `las` is how many LAs there are. Refused, with the reason, when the
/// LA has no figure that year (an older year is not put in its place), or when fewer LAs have a
/// figure than the coverage threshold asks.
pub fn rank_la(
    subject: &Subject,
    la_name: &str,
    measure: Measure,
    year: Option<AcademicYear>,
    every_la: &[MeasureValue],
    las: usize,
    thresholds: &Thresholds,
) -> Option<LaRank> {
    let higher_is_better = measure.higher_is_better()?;
    let all: Vec<&MeasureValue> = every_la.iter().filter(|v| v.measure == measure && v.group == PupilGroup::All).collect();
    let year = year.or_else(|| all.iter().map(|v| v.year).max())?;
    let figures: Vec<(&Subject, f64)> =
        all.iter().filter(|v| v.year == year).filter_map(|v| v.value.number().map(|n| (&v.subject, n))).collect();
    let mine = figures.iter().find(|(s, _)| *s == subject).map(|(_, n)| *n);
    let coverage = Coverage { with_figure: figures.len(), of: las.max(figures.len()) };
    let not_ranked = if mine.is_none() {
        Some(format!("{la_name} is not ranked on {} for {year}: {}", measure.label(), no_figure_reason(measure, year)))
    } else if !thresholds.enough(coverage.with_figure, coverage.of) {
        Some(format!(
            "{} for {year} are held for {} of {} local authorities ({:.0}%): not enough to rank {la_name} (the threshold is {:.0}%)",
            measure.label(),
            coverage.with_figure,
            coverage.of,
            coverage.percent().unwrap_or(0.0),
            thresholds.min_coverage_percent
        ))
    } else {
        None
    };
    let rank = mine.filter(|_| not_ranked.is_none()).map(|m| {
        1 + figures.iter().filter(|(_, o)| if higher_is_better { *o > m } else { *o < m }).count()
    });
    Some(LaRank { measure, year, value: mine, rank, out_of: figures.len(), coverage, not_ranked })
}

/// The groups a report shows, in order, where the data has them.
const GROUPS: [PupilGroup; 5] = [
    PupilGroup::All,
    PupilGroup::Disadvantaged,
    PupilGroup::NotDisadvantaged,
    PupilGroup::Sen,
    PupilGroup::HighPriorAttainment,
];

/// The subjects a report is read against: its LA, and England (all state-funded, or its phase).
pub struct Comparators<'a> {
    pub la: Option<&'a Subject>,
    pub england: &'a [Subject],
}

/// Norms of year-to-year change for a measure, for the measure itself and for its gap.
pub struct Norms {
    pub measure: Option<Variation>,
    pub gap: Option<Variation>,
}

/// Norms for `measure` from every comparable subject's values (`peers`: e.g. all schools of the
/// LA): the typical change of the all-pupil figure and of the disadvantage gap.
pub fn norms(measure: Measure, peers: &[MeasureValue]) -> Norms {
    // Grouped by subject first: each series is then built from its own few figures.
    let mut by_subject: BTreeMap<String, Vec<MeasureValue>> = BTreeMap::new();
    for v in peers.iter().filter(|v| v.measure == measure) {
        by_subject.entry(v.subject.key()).or_default().push(v.clone());
    }
    let series = |f: &dyn Fn(&[MeasureValue], &Subject) -> Series| -> Vec<Series> {
        by_subject.values().map(|values| f(values, &values[0].subject)).collect()
    };
    let all = series(&|values, subject| Series::of(values, subject, measure, PupilGroup::All));
    let gaps = series(&|values, subject| disadvantage_gap(values, subject, measure));
    Norms { measure: Variation::from_series(measure, &all), gap: Variation::from_series(measure, &gaps) }
}

/// The report of `measure` for `subject` from `values` (the subject's and its comparators').
pub fn measure_report(
    subject: &Subject,
    measure: Measure,
    values: &[MeasureValue],
    comparators: &Comparators<'_>,
    norms: &Norms,
) -> Option<MeasureReport> {
    let own: Vec<&MeasureValue> = values.iter().filter(|v| v.measure == measure && &v.subject == subject).collect();
    if own.is_empty() {
        return None;
    }
    let years: Vec<AcademicYear> = own.iter().map(|v| v.year).collect::<BTreeSet<_>>().into_iter().collect();
    let row = |series: &Series| years.iter().map(|y| series.value_in(*y)).collect::<Vec<_>>();
    let mut lines: Vec<Line> = GROUPS
        .iter()
        .map(|&group| (group, Series::of(values, subject, measure, group)))
        .filter(|(_, s)| !s.points.is_empty())
        .map(|(group, s)| Line { label: group.label().to_string(), subject: subject.key(), group, values: row(&s) })
        .collect();
    let others = comparators.la.into_iter().chain(comparators.england.iter());
    for other in others {
        let s = Series::of(values, other, measure, PupilGroup::All);
        if !s.points.is_empty() {
            lines.push(Line { label: comparator_label(other), subject: other.key(), group: PupilGroup::All, values: row(&s) });
        }
    }
    let all = Series::of(values, subject, measure, PupilGroup::All);
    let gap = disadvantage_gap(values, subject, measure);
    Some(MeasureReport {
        measure,
        label: measure.label().to_string(),
        unit: measure.unit(),
        gap: row(&gap),
        trend: trend(&all),
        gap_trend: trend(&gap),
        lapses: norms.measure.as_ref().map_or_else(Vec::new, |n| lapses(&all, n, LAPSE_K)),
        gap_lapses: norms.gap.as_ref().map_or_else(Vec::new, |n| lapses(&gap, n, LAPSE_K)),
        missing_years: missing_years(measure, &years),
        years,
        lines,
    })
}

fn comparator_label(subject: &Subject) -> String {
    match subject {
        Subject::School(urn) => format!("school {urn}"),
        Subject::La(code) => format!("local authority ({code}), all pupils"),
        Subject::England => "England, all pupils".to_string(),
        Subject::EnglandPhase(phase) => format!("England {} schools, all pupils", phase.label()),
    }
}

/// The measures a subject has figures for, in the order `Measure::ALL` lists them.
pub fn measures_present(subject: &Subject, values: &[MeasureValue]) -> Vec<Measure> {
    let present: BTreeSet<&str> = values.iter().filter(|v| &v.subject == subject).map(|v| v.measure.key()).collect();
    Measure::ALL.into_iter().filter(|m| present.contains(m.key())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::school::Urn;

    fn v(subject: &Subject, year: i32, group: PupilGroup, value: f64) -> MeasureValue {
        MeasureValue {
            subject: subject.clone(),
            year: AcademicYear(year),
            measure: Measure::Ks2RwmExpected,
            group,
            value: Value::Number(value),
        }
    }

    #[test]
    fn a_missing_year_is_said_and_never_given_a_number() {
        let y = AcademicYear;
        let held = [y(2016), y(2017), y(2018), y(2023)];
        let missing = missing_years(Measure::Ks4Attainment8, &held);
        assert_eq!(missing.iter().map(|m| m.year).collect::<Vec<_>>(), vec![y(2019), y(2020), y(2021), y(2022)]);
        assert_eq!(missing[0].reason, "no data for 2019/20: no tests or exams were sat that summer (COVID-19), so DfE published no school results");
        assert_eq!(missing[2].reason, "no data for 2021/22: no file held gives Attainment 8 for that year".replace("Attainment 8", Measure::Ks4Attainment8.label()));
        // KS2's expected standard began in 2015/16: a series held from 2016/17 lacks 2015/16.
        assert_eq!(missing_years(Measure::Ks2RwmExpected, &[y(2016), y(2018)]).iter().map(|m| m.year).collect::<Vec<_>>(), vec![y(2015), y(2017)]);
        let school = Subject::School(Urn(1));
        let values = vec![v(&school, 2015, PupilGroup::All, 70.0)];
        assert_eq!(
            figure_in_year(&values, &school, Measure::Ks2RwmExpected, PupilGroup::All, y(2014)),
            YearFigure::NoData { year: y(2014), statement: format!("{} was first published for 2015/16: there is no figure for 2014/15", Measure::Ks2RwmExpected.label()) }
        );
        assert_eq!(figure_in_year(&values, &school, Measure::Ks2RwmExpected, PupilGroup::All, y(2015)), YearFigure::Figure { year: y(2015), value: Value::Number(70.0) });
    }

    #[test]
    fn an_la_is_ranked_only_on_its_own_year_with_enough_las_covered() {
        let las: Vec<Subject> = (0..10).map(|i| Subject::La(format!("{}", 800 + i))).collect();
        let mut values: Vec<MeasureValue> = las.iter().enumerate().map(|(i, la)| v(la, 2018, PupilGroup::All, 60.0 + i as f64)).collect();
        values.push(v(&las[0], 2017, PupilGroup::All, 50.0));
        let t = Thresholds::default();
        let r = rank_la(&las[9], "Top", Measure::Ks2RwmExpected, None, &values, 10, &t).unwrap();
        assert_eq!((r.year, r.rank, r.out_of, r.not_ranked.as_deref()), (AcademicYear(2018), Some(1), 10, None));
        // Ten LAs with a figure of 152: not enough to rank.
        let r = rank_la(&las[9], "Top", Measure::Ks2RwmExpected, None, &values, 152, &t).unwrap();
        assert_eq!(r.rank, None);
        assert_eq!(
            r.not_ranked.as_deref(),
            Some(format!("{} for 2018/19 are held for 10 of 152 local authorities (7%): not enough to rank Top (the threshold is 80%)", Measure::Ks2RwmExpected.label()).as_str())
        );
        // A year the LA has no figure for is not answered with another year's.
        let r = rank_la(&las[1], "Other", Measure::Ks2RwmExpected, Some(AcademicYear(2017)), &values, 10, &t).unwrap();
        assert_eq!((r.rank, r.value), (None, None));
        let label = Measure::Ks2RwmExpected.label();
        assert_eq!(r.not_ranked, Some(format!("Other is not ranked on {label} for 2017/18: no data for 2017/18: no file held gives {label} for that year")));
    }

    #[test]
    fn a_report_lines_up_groups_comparators_gap_and_lapses() {
        let school = Subject::School(Urn(1));
        let la = Subject::La("850".into());
        let mut values = vec![];
        for (year, all, dis, other) in [(2016, 70.0, 60.0, 75.0), (2017, 72.0, 62.0, 76.0), (2018, 50.0, 30.0, 60.0)] {
            values.push(v(&school, year, PupilGroup::All, all));
            values.push(v(&school, year, PupilGroup::Disadvantaged, dis));
            values.push(v(&school, year, PupilGroup::NotDisadvantaged, other));
            values.push(v(&la, year, PupilGroup::All, 65.0));
        }
        values.push(MeasureValue { value: Value::Suppressed(crate::SuppressionCode::Supp), ..v(&school, 2018, PupilGroup::Sen, 0.0) });
        // Peers move by 2 points a year; the school's 22-point fall is beyond 2.5 × 2.
        let peer = Subject::School(Urn(2));
        for (year, all) in [(2016, 60.0), (2017, 62.0), (2018, 64.0)] {
            values.push(v(&peer, year, PupilGroup::All, all));
        }
        let norms = norms(Measure::Ks2RwmExpected, &values);
        assert_eq!(norms.measure.as_ref().unwrap().typical_change, 2.0);
        let comparators = Comparators { la: Some(&la), england: &[] };
        let r = measure_report(&school, Measure::Ks2RwmExpected, &values, &comparators, &norms).unwrap();
        assert_eq!(r.years, vec![AcademicYear(2016), AcademicYear(2017), AcademicYear(2018)]);
        let labels: Vec<&str> = r.lines.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels[..4], ["all pupils", "disadvantaged pupils", "other pupils (not disadvantaged)", "pupils with SEN"]);
        assert_eq!(r.lines[3].values[2], Some(Value::Suppressed(crate::SuppressionCode::Supp)), "suppressed stays suppressed");
        assert_eq!(r.lines[3].values[0], None, "no figure is not a zero either");
        assert_eq!(r.gap, vec![Some(Value::Number(-15.0)), Some(Value::Number(-14.0)), Some(Value::Number(-30.0))]);
        assert_eq!(r.lapses.len(), 1);
        assert_eq!(r.lapses[0].year, AcademicYear(2018));
        assert!(r.lines.iter().any(|l| l.subject == "la:850"));
        assert!(measure_report(&school, Measure::Ks4Attainment8, &values, &comparators, &norms).is_none());
        assert_eq!(measures_present(&school, &values), vec![Measure::Ks2RwmExpected]);
    }
}

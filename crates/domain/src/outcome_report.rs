//! A school's or an LA's published outcomes arranged as a reader wants them: each measure year
//! by year for each pupil group, beside its LA and England, with the disadvantage gap, the
//! trend, and the years that fell beyond normal variation (letter 002: "accurate and timely
//! assessments of trends, gaps or lapses in the achievement of different groups").

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::outcomes::{
    AcademicYear, Lapse, Measure, MeasureValue, PupilGroup, Series, Subject, Trend, Unit, Value, Variation, disadvantage_gap,
    lapses, trend,
};

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

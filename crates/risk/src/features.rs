//! Features of a school as at a date D, each read only from facts dated on or before D: its
//! judgements (its predecessors' too, through the links, and marked as such), the register's
//! facts while it is open, the measures published by D, and the LA's open letter actions and
//! casework. Missing facts are `NaN`, never a guess.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use schoolsight_domain::judgement::requires_improvement_introduced;
use schoolsight_domain::{Governance, Measure, Phase, Urn};

use crate::input::{
    CaseworkFlag, InspectionEvent, LetterAction, PublishedMeasure, SchoolFacts,
    key_judgements_below_good, open_between,
};

/// The measures read as features (latest value published by D). Old and new headlines stay
/// apart, as the performance tables keep them.
pub const MEASURES: [Measure; 9] = [
    Measure::Ks2RwmExpected,
    Measure::Ks2RwmLevel4,
    Measure::Ks2ReadingProgress,
    Measure::Ks2MathsProgress,
    Measure::Ks4Progress8,
    Measure::Ks4Attainment8,
    Measure::Ks4FiveAtoCEnglishMaths,
    Measure::OverallAbsence,
    Measure::PersistentAbsence,
];

/// Measures whose change from the year before is a feature too (a dip is what letter 003 says
/// the LA noticed too late).
pub const TRENDED: [Measure; 4] = [
    Measure::Ks2RwmExpected,
    Measure::Ks4Progress8,
    Measure::Ks4Attainment8,
    Measure::OverallAbsence,
];

/// One column of the feature matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feature {
    LastGrade,
    PreviousGrade,
    GradeBeforeThat,
    YearsSinceLast,
    YearsBetweenLastTwo,
    GradedInspections,
    BelowGoodJudgements,
    EverInadequate,
    BestGrade,
    TwiceBelowGood,
    SatisfactoryThenRequiresImprovement,
    DeclinedLastTime,
    ImprovedLastTime,
    LastInCategory,
    LastFramework,
    CurrentFramework,
    LastSubJudgementBelowGood,
    UngradedVisitsSinceLast,
    PredecessorHistory,
    /// Filled by the models, not read from the facts: the risk the inspectorate's schedule
    /// alone gives (the previous judgement and the years since it).
    InspectionSchedule,
    Phase(Phase),
    Governance(Governance),
    TrustSize,
    SchoolAgeYears,
    Pupils,
    FsmPercent,
    LaGoodShare,
    MeasureValue(Measure),
    MeasureChange(Measure),
    OpenLetterActions,
    OpenCasework,
}

impl Feature {
    /// Every column, in matrix order.
    pub fn columns() -> Vec<Feature> {
        let mut columns = vec![
            Feature::LastGrade,
            Feature::PreviousGrade,
            Feature::GradeBeforeThat,
            Feature::YearsSinceLast,
            Feature::YearsBetweenLastTwo,
            Feature::GradedInspections,
            Feature::BelowGoodJudgements,
            Feature::EverInadequate,
            Feature::BestGrade,
            Feature::TwiceBelowGood,
            Feature::SatisfactoryThenRequiresImprovement,
            Feature::DeclinedLastTime,
            Feature::ImprovedLastTime,
            Feature::LastInCategory,
            Feature::LastFramework,
            Feature::CurrentFramework,
            Feature::LastSubJudgementBelowGood,
            Feature::UngradedVisitsSinceLast,
            Feature::PredecessorHistory,
            Feature::InspectionSchedule,
        ];
        columns.extend(Phase::ALL.map(Feature::Phase));
        columns.extend(Governance::ALL.map(Feature::Governance));
        columns.extend([
            Feature::TrustSize,
            Feature::SchoolAgeYears,
            Feature::Pupils,
            Feature::FsmPercent,
            Feature::LaGoodShare,
        ]);
        columns.extend(MEASURES.map(Feature::MeasureValue));
        columns.extend(TRENDED.map(Feature::MeasureChange));
        columns.extend([Feature::OpenLetterActions, Feature::OpenCasework]);
        columns
    }

    /// A stable name for CSV headers and JSON.
    pub fn key(self) -> String {
        match self {
            Feature::Phase(p) => format!("phase_{}", p.key()),
            Feature::Governance(g) => format!("governance_{}", g.key()),
            Feature::MeasureValue(m) => format!("measure_{}", m.key()),
            Feature::MeasureChange(m) => format!("change_{}", m.key()),
            other => format!("{other:?}")
                .chars()
                .fold(String::new(), |mut s, c| {
                    if c.is_uppercase() && !s.is_empty() {
                        s.push('_');
                    }
                    s.push(c.to_ascii_lowercase());
                    s
                }),
        }
    }

    /// Whether the feature comes from the inspection history alone (as against the register,
    /// published measures and the LA's records), for reporting which features carry the gain.
    pub fn is_history(self) -> bool {
        matches!(
            self,
            Feature::LastGrade
                | Feature::PreviousGrade
                | Feature::GradeBeforeThat
                | Feature::YearsSinceLast
                | Feature::YearsBetweenLastTwo
                | Feature::GradedInspections
                | Feature::BelowGoodJudgements
                | Feature::EverInadequate
                | Feature::BestGrade
                | Feature::TwiceBelowGood
                | Feature::SatisfactoryThenRequiresImprovement
                | Feature::DeclinedLastTime
                | Feature::ImprovedLastTime
                | Feature::LastInCategory
                | Feature::LastFramework
                | Feature::CurrentFramework
                | Feature::LastSubJudgementBelowGood
                | Feature::UngradedVisitsSinceLast
                | Feature::PredecessorHistory
                | Feature::InspectionSchedule
        )
    }
}

/// Everything known about every school, each fact dated. Letters and casework are optional:
/// `None` means the source is absent (features `NaN`), an empty list means nothing was open.
#[derive(Debug, Clone, Default)]
pub struct History {
    events: HashMap<Urn, Vec<InspectionEvent>>,
    schools: HashMap<Urn, SchoolFacts>,
    measures: HashMap<Urn, Vec<PublishedMeasure>>,
    letter_actions: Option<HashMap<Urn, Vec<LetterAction>>>,
    casework: Option<HashMap<Urn, Vec<CaseworkFlag>>>,
}

fn group_by_urn<T>(items: Vec<T>, urn: impl Fn(&T) -> Urn) -> HashMap<Urn, Vec<T>> {
    let mut map: HashMap<Urn, Vec<T>> = HashMap::new();
    for item in items {
        map.entry(urn(&item)).or_default().push(item);
    }
    map
}

impl History {
    pub fn new(mut events: Vec<InspectionEvent>) -> History {
        events.sort_by_key(|e| (e.urn, e.start_date));
        History {
            events: group_by_urn(events, |e| e.urn),
            ..History::default()
        }
    }

    pub fn with_schools(mut self, schools: Vec<SchoolFacts>) -> History {
        self.schools = schools.into_iter().map(|s| (s.urn, s)).collect();
        self
    }

    pub fn with_measures(mut self, measures: Vec<PublishedMeasure>) -> History {
        self.measures = group_by_urn(measures, |m| m.urn);
        self
    }

    pub fn with_letter_actions(mut self, actions: Vec<LetterAction>) -> History {
        self.letter_actions = Some(group_by_urn(actions, |a| a.urn));
        self
    }

    pub fn with_casework(mut self, flags: Vec<CaseworkFlag>) -> History {
        self.casework = Some(group_by_urn(flags, |f| f.urn));
        self
    }

    pub fn school(&self, urn: Urn) -> Option<&SchoolFacts> {
        self.schools.get(&urn)
    }

    /// Every URN with an inspection or a register entry, in order.
    pub fn urns(&self) -> Vec<Urn> {
        let mut urns: Vec<Urn> = self
            .events
            .keys()
            .chain(self.schools.keys())
            .copied()
            .collect();
        urns.sort();
        urns.dedup();
        urns
    }

    /// The date of the first inspection on record.
    pub fn earliest_event(&self) -> Option<NaiveDate> {
        self.events
            .values()
            .filter_map(|e| e.first())
            .map(|e| e.start_date)
            .min()
    }

    /// The school's own inspections, oldest first.
    pub fn events_of(&self, urn: Urn) -> &[InspectionEvent] {
        self.events.get(&urn).map_or(&[], Vec::as_slice)
    }

    /// Open on `date` by the register's dates; a school the register lacks is taken as open
    /// while it has inspections.
    pub fn is_open_on(&self, urn: Urn, date: NaiveDate) -> bool {
        self.schools.get(&urn).is_none_or(|s| s.is_open_on(date))
    }

    /// A state-funded school open on `date`: the population samples and LA shares are about
    /// (independent schools' inspections follow another framework with other rates).
    pub fn is_state_funded_open_on(&self, urn: Urn, date: NaiveDate) -> bool {
        self.schools
            .get(&urn)
            .is_none_or(|s| s.is_state_funded() && s.is_open_on(date))
    }

    /// The school's inspections and its predecessors' (through the links, any depth, from the
    /// day the successor opened), dated on or before `as_at`, oldest first; each marked whether
    /// it was a predecessor's.
    fn timeline(&self, urn: Urn, as_at: NaiveDate) -> Vec<(&InspectionEvent, bool)> {
        let mut seen = HashSet::from([urn]);
        let mut queue = vec![urn];
        let mut events = Vec::new();
        while let Some(current) = queue.pop() {
            let inherited = current != urn;
            events.extend(
                self.events_of(current)
                    .iter()
                    .filter(|e| e.known_on(as_at))
                    .map(|e| (e, inherited)),
            );
            // A link dates from the successor's opening: before it, nothing is inherited.
            let linked = self
                .schools
                .get(&current)
                .filter(|s| s.open_date.is_none_or(|o| o <= as_at));
            for predecessor in linked.map_or(&[][..], |s| s.predecessors.as_slice()) {
                if seen.insert(*predecessor) {
                    queue.push(*predecessor);
                }
            }
        }
        events.sort_by_key(|(e, _)| e.start_date);
        events
    }

    /// The date of the latest inspection on record.
    pub fn latest_event(&self) -> Option<NaiveDate> {
        self.events
            .values()
            .filter_map(|e| e.last())
            .map(|e| e.start_date)
            .max()
    }

    /// The overall grades on or before `as_at` (the school's and its predecessors'), oldest first.
    pub fn graded_timeline(&self, urn: Urn, as_at: NaiveDate) -> Vec<(NaiveDate, u8)> {
        self.timeline(urn, as_at)
            .iter()
            .filter(|(e, _)| e.graded)
            .filter_map(|(e, _)| e.grade.map(|g| (e.start_date, g)))
            .collect()
    }

    /// The latest overall grade on or before `as_at` (the school's or a predecessor's).
    pub fn last_grade(&self, urn: Urn, as_at: NaiveDate) -> Option<u8> {
        self.timeline(urn, as_at)
            .iter()
            .rev()
            .find_map(|(e, _)| e.grade.filter(|_| e.graded))
    }
}

/// Facts about all schools at D that single schools' features read: the LA's share of good
/// schools, trust sizes. Worked out once per date (a pass over every school's timeline), and
/// owned, so a service can keep them beside the date's models.
#[derive(Debug, Clone)]
pub struct DateFacts {
    date: NaiveDate,
    la_good_share: HashMap<String, f64>,
    trust_size: HashMap<String, usize>,
}

impl DateFacts {
    pub fn new(history: &History, date: NaiveDate) -> DateFacts {
        let mut la_counts: HashMap<&str, (usize, usize)> = HashMap::new();
        let mut trust_size: HashMap<String, usize> = HashMap::new();
        for school in history
            .schools
            .values()
            .filter(|s| s.is_state_funded() && s.is_open_on(date))
        {
            if let Some(trust) = school.trust.as_deref().filter(|_| school.recorded_by(date)) {
                *trust_size.entry(trust.to_string()).or_default() += 1;
            }
            let (Some(la), Some(grade)) = (
                school.la_name.as_deref(),
                history.last_grade(school.urn, date),
            ) else {
                continue;
            };
            let counts = la_counts.entry(la).or_default();
            counts.1 += 1;
            if grade <= 2 {
                counts.0 += 1;
            }
        }
        let la_good_share = la_counts
            .into_iter()
            .map(|(la, (good, judged))| (la.to_string(), good as f64 / judged as f64))
            .collect();
        DateFacts { date, la_good_share, trust_size }
    }
}

/// A history read as at one date: each school's features from facts dated on or before it.
pub struct AsAt<'a> {
    history: &'a History,
    date: NaiveDate,
    facts: Cow<'a, DateFacts>,
}

impl<'a> AsAt<'a> {
    pub fn new(history: &'a History, date: NaiveDate) -> AsAt<'a> {
        AsAt { history, date, facts: Cow::Owned(DateFacts::new(history, date)) }
    }

    /// The history as at the date `facts` were worked out for.
    pub fn with_facts(history: &'a History, facts: &'a DateFacts) -> AsAt<'a> {
        AsAt { history, date: facts.date, facts: Cow::Borrowed(facts) }
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn history(&self) -> &'a History {
        self.history
    }

    /// The school's feature row, in [`Feature::columns`] order.
    pub fn features(&self, urn: Urn) -> Vec<f64> {
        let judgements = JudgementFacts::of(self.history, urn, self.date);
        let school = self.history.school(urn).filter(|s| s.is_open_on(self.date));
        let measures = self
            .history
            .measures
            .get(&urn)
            .map_or(&[][..], Vec::as_slice);
        Feature::columns()
            .into_iter()
            .map(|feature| {
                judgements
                    .value(feature)
                    .or_else(|| self.register_value(feature, school))
                    .or_else(|| measure_value(feature, measures, self.date))
                    .or_else(|| self.records_value(feature, urn))
                    .unwrap_or(f64::NAN)
            })
            .collect()
    }

    fn register_value(&self, feature: Feature, school: Option<&SchoolFacts>) -> Option<f64> {
        let school = school?;
        let flag = |on: bool| f64::from(u8::from(on));
        match feature {
            Feature::Phase(p) => school.phase.map(|phase| flag(phase == p)),
            Feature::Governance(g) => school.governance.map(|governance| flag(governance == g)),
            Feature::TrustSize | Feature::Pupils | Feature::FsmPercent
                if !school.recorded_by(self.date) =>
            {
                None
            }
            Feature::TrustSize => Some(
                school
                    .trust
                    .as_deref()
                    .map_or(0.0, |t| self.facts.trust_size.get(t).copied().unwrap_or(0) as f64),
            ),
            Feature::SchoolAgeYears => school.open_date.map(|open| years_between(open, self.date)),
            Feature::Pupils => school.pupils.map(|p| p as f64),
            Feature::FsmPercent => school.fsm_percent,
            Feature::LaGoodShare => school
                .la_name
                .as_deref()
                .and_then(|la| self.facts.la_good_share.get(la).copied()),
            _ => None,
        }
    }

    fn records_value(&self, feature: Feature, urn: Urn) -> Option<f64> {
        match feature {
            Feature::OpenLetterActions => {
                open_records(self.history.letter_actions.as_ref(), urn, self.date, |a| {
                    (a.opened, a.closed)
                })
                .map(|n| n as f64)
            }
            Feature::OpenCasework => {
                open_records(self.history.casework.as_ref(), urn, self.date, |c| {
                    (c.opened, c.closed)
                })
                .map(|n| f64::from(u8::from(n > 0)))
            }
            _ => None,
        }
    }
}

/// How many of a school's records were open on `date`; `None` when the source is absent.
fn open_records<T>(
    records: Option<&HashMap<Urn, Vec<T>>>,
    urn: Urn,
    date: NaiveDate,
    span: impl Fn(&T) -> (NaiveDate, Option<NaiveDate>),
) -> Option<usize> {
    let all = records?;
    Some(all.get(&urn).map_or(0, |list| {
        list.iter()
            .filter(|r| {
                let (opened, closed) = span(r);
                open_between(opened, closed, date)
            })
            .count()
    }))
}

fn years_between(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64 / 365.25
}

/// The latest published value of a measure by D, or its change from the year before.
fn measure_value(feature: Feature, measures: &[PublishedMeasure], as_at: NaiveDate) -> Option<f64> {
    let published = |measure: Measure| {
        let mut values: Vec<&PublishedMeasure> = measures
            .iter()
            .filter(|m| m.measure == measure && m.published_on() <= as_at)
            .collect();
        values.sort_by_key(|m| m.year);
        values
    };
    match feature {
        Feature::MeasureValue(measure) => published(measure).last().map(|m| m.value),
        Feature::MeasureChange(measure) => match published(measure).as_slice() {
            [.., before, latest] if latest.year.0 == before.year.0 + 1 => {
                Some(latest.value - before.value)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The September each inspection framework for schools came into force: 2005 (section 5),
/// 2009, 2012 ("requires improvement"; outstanding schools exempt), 2015 (common framework,
/// short inspections of good schools), 2019 (education inspection framework), 2024 (no overall
/// grade), 2025 (report cards, from November).
pub const FRAMEWORKS: [i32; 7] = [2005, 2009, 2012, 2015, 2019, 2024, 2025];

/// The framework an inspection on `date` was judged under. A grade means different things
/// under each (satisfactory before 2012 is not requires improvement after: the latter brings
/// monitoring and a return within two years), so the model is told which.
pub fn framework_of(date: NaiveDate) -> i32 {
    let started = |year: i32| {
        let month = if year == 2025 { 11 } else { 9 };
        NaiveDate::from_ymd_opt(year, month, 1).expect("valid date") <= date
    };
    FRAMEWORKS
        .into_iter()
        .rev()
        .find(|y| started(*y))
        .unwrap_or(FRAMEWORKS[0])
}

/// What the judgement history says at D.
struct JudgementFacts {
    as_at: NaiveDate,
    /// Overall grades of graded inspections, oldest first, with their dates.
    grades: Vec<(NaiveDate, u8)>,
    last_graded: Option<(NaiveDate, Option<bool>, bool)>,
    ungraded_since_last: usize,
    inherited: bool,
}

impl JudgementFacts {
    fn of(history: &History, urn: Urn, as_at: NaiveDate) -> JudgementFacts {
        let timeline = history.timeline(urn, as_at);
        let graded: Vec<&InspectionEvent> = timeline
            .iter()
            .filter(|(e, _)| e.graded)
            .map(|(e, _)| *e)
            .collect();
        let last = graded.last();
        JudgementFacts {
            as_at,
            grades: graded
                .iter()
                .filter_map(|e| e.grade.map(|g| (e.start_date, g)))
                .collect(),
            // A later snapshot's detail of the last visit is not known at D (see
            // `InspectionEvent::detail_known_from`): read as the timeline alone records it.
            last_graded: last.map(|e| {
                let known = e.detail_known_on(as_at);
                (
                    e.start_date,
                    key_judgements_below_good(&e.sub_judgements).filter(|_| known),
                    known && e.category.is_some(),
                )
            }),
            ungraded_since_last: timeline
                .iter()
                .filter(|(e, _)| !e.graded && last.is_none_or(|l| e.start_date > l.start_date))
                .count(),
            inherited: timeline.iter().any(|(_, inherited)| *inherited),
        }
    }

    fn nth_last(&self, n: usize) -> Option<(NaiveDate, u8)> {
        self.grades.len().checked_sub(n + 1).map(|i| self.grades[i])
    }

    fn value(&self, feature: Feature) -> Option<f64> {
        let flag = |on: bool| f64::from(u8::from(on));
        let grade = |n: usize| self.nth_last(n).map(|(_, g)| f64::from(g));
        let last_two = self.nth_last(0).zip(self.nth_last(1));
        match feature {
            Feature::LastGrade => grade(0),
            Feature::PreviousGrade => grade(1),
            Feature::GradeBeforeThat => grade(2),
            Feature::YearsSinceLast
            | Feature::LastSubJudgementBelowGood
            | Feature::LastInCategory
            | Feature::LastFramework => self.last_graded_value(feature),
            Feature::YearsBetweenLastTwo => {
                last_two.map(|((last, _), (previous, _))| years_between(previous, last))
            }
            Feature::GradedInspections => Some(self.grades.len() as f64),
            Feature::BelowGoodJudgements => {
                Some(self.grades.iter().filter(|(_, g)| *g >= 3).count() as f64)
            }
            Feature::EverInadequate => Some(flag(self.grades.iter().any(|(_, g)| *g == 4))),
            Feature::BestGrade => self
                .grades
                .iter()
                .map(|(_, g)| f64::from(*g))
                .reduce(f64::min),
            Feature::TwiceBelowGood => last_two.map(|((_, a), (_, b))| flag(a >= 3 && b >= 3)),
            Feature::SatisfactoryThenRequiresImprovement => {
                last_two.map(|((last, a), (previous, b))| {
                    let cut = requires_improvement_introduced();
                    flag(a == 3 && b == 3 && previous < cut && last >= cut)
                })
            }
            Feature::DeclinedLastTime => last_two.map(|((_, a), (_, b))| flag(a > b)),
            Feature::ImprovedLastTime => last_two.map(|((_, a), (_, b))| flag(a < b)),
            Feature::UngradedVisitsSinceLast => Some(self.ungraded_since_last as f64),
            Feature::CurrentFramework => Some(f64::from(framework_of(self.as_at))),
            Feature::PredecessorHistory => Some(flag(self.inherited)),
            _ => None,
        }
    }

    fn last_graded_value(&self, feature: Feature) -> Option<f64> {
        let (date, sub_below_good, in_category) = self.last_graded?;
        let flag = |on: bool| f64::from(u8::from(on));
        match feature {
            Feature::YearsSinceLast => Some(years_between(date, self.as_at)),
            Feature::LastSubJudgementBelowGood => sub_below_good.map(flag),
            Feature::LastInCategory => Some(flag(in_category)),
            Feature::LastFramework => Some(f64::from(framework_of(date))),
            _ => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::Days;
    use proptest::prelude::*;

    use super::*;
    use crate::input::{CaseworkFlag, LetterAction};
    use schoolsight_domain::judgement::SubJudgements;
    use schoolsight_domain::{AcademicYear, CategoryOfConcern};

    pub(crate) fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Everything dated on or before `as_at`, as a database holding nothing later would have it.
    pub(crate) fn truncated(
        events: &[InspectionEvent],
        schools: &[SchoolFacts],
        measures: &[PublishedMeasure],
        actions: &[LetterAction],
        cases: &[CaseworkFlag],
        as_at: NaiveDate,
    ) -> History {
        let known = |closed: Option<NaiveDate>| closed.filter(|c| *c <= as_at);
        // A snapshot taken after D is not in such a database: its visits are there only as
        // the complete timeline lists them (graded, with an overall grade, and no detail).
        let as_known = |e: &InspectionEvent| match e.detail_known_from {
            Some(from) if from > as_at => (e.graded && e.grade.is_some()).then(|| InspectionEvent {
                sub_judgements: SubJudgements::default(),
                category: None,
                report_card: Vec::new(),
                detail_known_from: None,
                ..e.clone()
            }),
            _ => Some(e.clone()),
        };
        History::new(
            events
                .iter()
                .filter(|e| e.start_date <= as_at)
                .filter_map(as_known)
                .collect(),
        )
        .with_schools(
            schools
                .iter()
                .filter(|s| s.open_date.is_none_or(|o| o <= as_at))
                .map(|s| SchoolFacts {
                    close_date: known(s.close_date),
                    ..s.clone()
                })
                .collect(),
        )
        .with_measures(
            measures
                .iter()
                .filter(|m| m.published_on() <= as_at)
                .cloned()
                .collect(),
        )
        .with_letter_actions(
            actions
                .iter()
                .filter(|a| a.opened <= as_at)
                .map(|a| LetterAction {
                    closed: known(a.closed),
                    ..a.clone()
                })
                .collect(),
        )
        .with_casework(
            cases
                .iter()
                .filter(|c| c.opened <= as_at)
                .map(|c| CaseworkFlag {
                    closed: known(c.closed),
                    ..c.clone()
                })
                .collect(),
        )
    }

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
    }

    fn facts(
        urn: i64,
        la: &str,
        open: Option<NaiveDate>,
        close: Option<NaiveDate>,
        predecessors: Vec<Urn>,
    ) -> SchoolFacts {
        SchoolFacts {
            urn: Urn(urn),
            name: format!("School {urn}"),
            la_name: Some(la.to_string()),
            phase: Some(if urn % 2 == 0 {
                Phase::Primary
            } else {
                Phase::Secondary
            }),
            type_name: None,
            governance: Some(if predecessors.is_empty() {
                Governance::Maintained
            } else {
                Governance::AcademyConverter
            }),
            trust: (!predecessors.is_empty()).then(|| "Trust".to_string()),
            open_date: open,
            close_date: close,
            pupils: Some(200 + urn),
            fsm_percent: Some(12.5),
            recorded_on: open,
            predecessors,
        }
    }

    fn base() -> NaiveDate {
        day("2005-09-01")
    }

    prop_compose! {
        fn event()(urn in 1i64..8, offset in 0u64..6000, grade in 1u8..5, graded in prop::bool::weighted(0.8),
                   sub in prop::option::of(1u8..5), snapshot_after in prop::option::of(0u64..4000)) -> InspectionEvent {
            let mut e = InspectionEvent::graded(Urn(urn), base() + Days::new(offset), grade);
            e.graded = graded;
            e.sub_judgements = SubJudgements { quality_of_education: sub, ..SubJudgements::default() };
            e.category = (grade == 4).then_some(CategoryOfConcern::SpecialMeasures);
            e.detail_known_from = snapshot_after.map(|days| e.start_date + Days::new(days));
            e
        }
    }

    proptest! {
        #[test]
        fn features_at_d_ignore_everything_after_d(
            events in prop::collection::vec(event(), 0..60),
            measure_years in prop::collection::vec((1i64..8, 2005i32..2022, 0.0f64..100.0), 0..30),
            spans in prop::collection::vec((1i64..8, 0u64..6000, prop::option::of(0u64..2000)), 0..10),
            opens in prop::collection::vec(prop::option::of(0u64..6000), 7),
            d_offset in 0u64..6000,
        ) {
            let as_at = base() + Days::new(d_offset);
            let at = |o: u64| base() + Days::new(o);
            // School 7 is an academy that replaced school 6 (closing the day it opened).
            let schools: Vec<SchoolFacts> = (1..=7)
                .map(|u| {
                    let open = opens[(u - 1) as usize].map(at);
                    match u {
                        6 => facts(6, "Derby", None, opens[6].map(at), vec![]),
                        7 => facts(7, "Derby", opens[6].map(at), None, vec![Urn(6)]),
                        _ => facts(u, if u < 4 { "Derby" } else { "Surrey" }, open, None, vec![]),
                    }
                })
                .collect();
            let measures: Vec<PublishedMeasure> = measure_years
                .iter()
                .map(|(u, y, v)| PublishedMeasure {
                    urn: Urn(*u),
                    measure: if y % 2 == 0 { Measure::Ks2RwmExpected } else { Measure::OverallAbsence },
                    year: AcademicYear(*y),
                    value: *v,
                })
                .collect();
            let actions: Vec<LetterAction> = spans
                .iter()
                .map(|(u, o, c)| LetterAction { urn: Urn(*u), opened: at(*o), closed: c.map(|c| at(*o + c)) })
                .collect();
            let cases: Vec<CaseworkFlag> = actions.iter().map(|a| CaseworkFlag { urn: a.urn, opened: a.opened, closed: a.closed }).collect();
            let full = History::new(events.clone())
                .with_schools(schools.clone())
                .with_measures(measures.clone())
                .with_letter_actions(actions.clone())
                .with_casework(cases.clone());
            let cut = truncated(&events, &schools, &measures, &actions, &cases, as_at);
            let (a, b) = (AsAt::new(&full, as_at), AsAt::new(&cut, as_at));
            for urn in 1..=7 {
                prop_assert!(same(&a.features(Urn(urn)), &b.features(Urn(urn))), "school {urn} at {as_at}");
            }
        }
    }

    #[test]
    fn a_later_snapshots_detail_is_unknown_before_it_was_taken() {
        // A 2014 visit whose sub-judgements survive only in a February 2022 snapshot: in 2016
        // nobody could know them from that file (it keeps a visit only while nothing replaced
        // it), so they are missing then and read from 2022; its overall grade, listed by the
        // complete timeline, is known throughout. An ungraded visit known only from the same
        // snapshot does not exist for 2016.
        let mut graded = InspectionEvent::graded(Urn(1), day("2014-03-01"), 2);
        graded.sub_judgements = SubJudgements {
            quality_of_education: Some(3),
            ..SubJudgements::default()
        };
        graded.detail_known_from = Some(day("2022-02-28"));
        let mut short = InspectionEvent::graded(Urn(1), day("2015-06-01"), 2);
        short.graded = false;
        short.grade = None;
        short.detail_known_from = Some(day("2022-02-28"));
        let history = History::new(vec![graded, short])
            .with_schools(vec![facts(1, "Derby", None, None, vec![])]);
        let columns = Feature::columns();
        let value = |at: &str, f: Feature| {
            AsAt::new(&history, day(at)).features(Urn(1))[columns.iter().position(|c| *c == f).unwrap()]
        };
        assert_eq!(value("2016-01-01", Feature::LastGrade), 2.0);
        assert!(value("2016-01-01", Feature::LastSubJudgementBelowGood).is_nan());
        assert_eq!(value("2016-01-01", Feature::UngradedVisitsSinceLast), 0.0);
        assert_eq!(value("2022-03-01", Feature::LastSubJudgementBelowGood), 1.0);
        assert_eq!(value("2022-03-01", Feature::UngradedVisitsSinceLast), 1.0);
    }

    #[test]
    fn history_reads_trajectory_and_predecessors() {
        let history = History::new(vec![
            InspectionEvent::graded(Urn(1), day("2010-03-01"), 3),
            InspectionEvent::graded(Urn(2), day("2013-03-01"), 3),
            InspectionEvent::graded(Urn(2), day("2016-03-01"), 4),
        ])
        .with_schools(vec![
            facts(1, "Derby", None, Some(day("2012-09-01")), vec![]),
            facts(2, "Derby", Some(day("2012-09-01")), None, vec![Urn(1)]),
        ]);
        let columns = Feature::columns();
        let row = AsAt::new(&history, day("2014-01-01")).features(Urn(2));
        let value = |f: Feature| row[columns.iter().position(|c| *c == f).unwrap()];
        assert_eq!(value(Feature::LastGrade), 3.0);
        assert_eq!(
            value(Feature::PreviousGrade),
            3.0,
            "the predecessor's judgement counts"
        );
        assert_eq!(value(Feature::PredecessorHistory), 1.0);
        assert_eq!(value(Feature::SatisfactoryThenRequiresImprovement), 1.0);
        assert_eq!(value(Feature::TwiceBelowGood), 1.0);
        assert_eq!(
            value(Feature::EverInadequate),
            0.0,
            "the 2016 inadequate is after D"
        );
        assert_eq!(value(Feature::LaGoodShare), 0.0);
        assert!(
            value(Feature::OpenLetterActions).is_nan(),
            "no letters source: unknown, not zero"
        );
        assert!((value(Feature::YearsSinceLast) - 306.0 / 365.25).abs() < 1e-9);
        assert_eq!(value(Feature::LastFramework), 2012.0);
        assert_eq!(framework_of(day("2025-10-31")), 2024);
        assert_eq!(framework_of(day("2025-11-01")), 2025);
    }
}

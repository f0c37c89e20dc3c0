//! What the model predicts, and the labelled samples it learns and is tested on: each sample is
//! a school's features as at D and what its next inspection in the following window found.

use chrono::{Days, Months, NaiveDate};
use schoolsight_domain::Urn;
use serde::{Deserialize, Serialize};

use crate::features::{AsAt, History};
use crate::input::InspectionEvent;

/// The three questions the model answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// T1: the next graded inspection after D is below good (grade 3 or 4; for September 2024 –
    /// 2025 inspections, which have no overall grade, a key sub-judgement below good or
    /// safeguarding ineffective).
    NextBelowGood,
    /// T2: a school good or outstanding at D is judged lower at its next graded inspection.
    GoodDeclines,
    /// T3: a school's first report card (renewed framework) has an area at needs attention or
    /// urgent improvement, or safeguarding not met.
    ReportCardConcern,
}

impl Target {
    /// What the model learns from on past windows. Report cards have no past, so T3's model
    /// learns T1 from the history before them (the question an LA asks today).
    pub fn trained_on(self) -> Target {
        match self {
            Target::ReportCardConcern => Target::NextBelowGood,
            other => other,
        }
    }

    /// The school's outcome in `(as_at, until]`: the date and whether it counts as a positive.
    /// `None` when the school had no such inspection, or is not in the target's population.
    pub fn outcome(
        self,
        history: &History,
        urn: Urn,
        as_at: NaiveDate,
        until: NaiveDate,
    ) -> Option<(NaiveDate, bool)> {
        let in_window = |e: &&InspectionEvent| e.start_date > as_at && e.start_date <= until;
        let mut upcoming = history.events_of(urn).iter().filter(in_window);
        match self {
            Target::NextBelowGood => {
                upcoming.find_map(|e| e.below_good().map(|b| (e.start_date, b)))
            }
            Target::GoodDeclines => {
                let last = history.last_grade(urn, as_at).filter(|g| *g <= 2)?;
                upcoming.find_map(|e| {
                    let declined = e.grade.map(|g| g > last).or_else(|| e.below_good())?;
                    Some((e.start_date, declined))
                })
            }
            Target::ReportCardConcern => {
                let had_card_before = history
                    .events_of(urn)
                    .iter()
                    .any(|e| e.start_date <= as_at && e.is_report_card());
                if had_card_before {
                    return None;
                }
                upcoming.find_map(|e| e.report_card_concern().map(|c| (e.start_date, c)))
            }
        }
    }
}

/// One school at one date: its features and, where known, what happened next.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub urn: Urn,
    pub as_at: NaiveDate,
    pub inspected_on: NaiveDate,
    pub features: Vec<f64>,
    pub label: bool,
}

/// A window of time: features as at the day before `from`, outcomes from `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Window {
    /// Twelve months from `from`.
    pub fn year_from(from: NaiveDate) -> Window {
        let to = from + Months::new(12) - Days::new(1);
        Window { from, to }
    }

    /// The day features are taken at: the last day before the window.
    pub fn as_at(&self) -> NaiveDate {
        self.from - Days::new(1)
    }

    /// The twelve months before this window.
    pub fn year_before(&self) -> Window {
        Window::year_from(self.from - Months::new(12))
    }

    /// Every state-funded school open at D with an outcome in the window, with its features as
    /// at D.
    pub fn samples(&self, history: &History, target: Target) -> Vec<Sample> {
        let as_at = self.as_at();
        let facts = AsAt::new(history, as_at);
        history
            .urns()
            .into_iter()
            .filter(|urn| history.is_state_funded_open_on(*urn, as_at))
            .filter_map(|urn| {
                let (inspected_on, label) = target.outcome(history, urn, as_at, self.to)?;
                Some(Sample {
                    urn,
                    as_at,
                    inspected_on,
                    features: facts.features(urn),
                    label,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn history() -> History {
        let mut card = InspectionEvent::graded(Urn(3), day("2025-12-01"), 2);
        card.grade = None;
        card.report_card = vec![(ReportCardArea::Safeguarding, ReportCardGrade::NotMet)];
        History::new(vec![
            InspectionEvent::graded(Urn(1), day("2010-01-01"), 2),
            InspectionEvent::graded(Urn(1), day("2013-10-01"), 3),
            InspectionEvent::graded(Urn(1), day("2014-02-01"), 2),
            InspectionEvent::graded(Urn(2), day("2009-01-01"), 1),
            InspectionEvent::graded(Urn(2), day("2014-01-01"), 2),
            InspectionEvent::graded(Urn(3), day("2022-01-01"), 2),
            card,
        ])
    }

    #[test]
    fn the_next_graded_inspection_in_the_window_is_the_outcome() {
        let h = history();
        let w = Window::year_from(day("2013-09-01"));
        assert_eq!(w.as_at(), day("2013-08-31"));
        assert_eq!(w.to, day("2014-08-31"));
        assert_eq!(
            Target::NextBelowGood.outcome(&h, Urn(1), w.as_at(), w.to),
            Some((day("2013-10-01"), true))
        );
        // Outstanding to good is a decline for T2, but not below good for T1.
        assert_eq!(
            Target::GoodDeclines.outcome(&h, Urn(2), w.as_at(), w.to),
            Some((day("2014-01-01"), true))
        );
        assert_eq!(
            Target::NextBelowGood.outcome(&h, Urn(2), w.as_at(), w.to),
            Some((day("2014-01-01"), false))
        );
        let samples = w.samples(&h, Target::NextBelowGood);
        assert_eq!(samples.len(), 2);
        assert_eq!(w.year_before().from, day("2012-09-01"));
    }

    #[test]
    fn a_first_report_card_with_safeguarding_not_met_is_a_concern() {
        let h = history();
        let w = Window::year_from(day("2025-09-01"));
        assert_eq!(
            Target::ReportCardConcern.outcome(&h, Urn(3), w.as_at(), w.to),
            Some((day("2025-12-01"), true))
        );
        assert_eq!(
            Target::ReportCardConcern.outcome(&h, Urn(1), w.as_at(), w.to),
            None
        );
        assert_eq!(
            Target::ReportCardConcern.trained_on(),
            Target::NextBelowGood
        );
    }
}

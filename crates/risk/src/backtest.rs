//! Back-tests by time, and risk as at a date. For a cut-off C the models learn only from
//! windows of twelve months that end before C (features as at the day before each window,
//! outcomes within it), the most recent slice kept back to calibrate them; they are then
//! tested on the schools inspected in the window that starts at C.

use chrono::NaiveDate;
use schoolsight_domain::Urn;
use schoolsight_domain::casework::ConcernCategory;
use serde::Serialize;

use crate::RiskError;
use crate::category::CategoryThresholds;
use crate::features::{AsAt, Feature, History};
use crate::metrics::{CalibrationBin, auc, brier, calibration_table, top_share};
use crate::models::{ModelKind, ModelSet};
use crate::reasons::Reason;
use crate::target::{Sample, Target, Window};

/// The calibration slice holds the most recent training windows until it has this many samples.
const CALIBRATION_SAMPLES: usize = 500;
/// Fewer training samples than this and a model would be a guess.
const MIN_TRAINING_SAMPLES: usize = 200;

/// One back-test: a cut-off, what is predicted, and the test window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowSpec {
    pub target: Target,
    pub test: Window,
}

impl WindowSpec {
    pub fn cutoff(&self) -> NaiveDate {
        self.test.from
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The standard windows: cut-offs on 1 September 2012 … 2018 and 2021 … 2023 (T1, twelve
/// months each), and the report-card window (T3: trained on history to October 2025, tested on
/// first report cards from November 2025 to June 2026).
pub fn standard_windows() -> Vec<WindowSpec> {
    let yearly = (2012..=2018).chain(2021..=2023).map(|year| WindowSpec {
        target: Target::NextBelowGood,
        test: Window::year_from(day(year, 9, 1)),
    });
    let report_cards = WindowSpec {
        target: Target::ReportCardConcern,
        test: Window {
            from: day(2025, 11, 1),
            to: day(2026, 6, 30),
        },
    };
    yearly.chain([report_cards]).collect()
}

/// How one model did in one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelScores {
    pub auc: Option<f64>,
    pub brier: f64,
    pub precision_top10: f64,
    pub recall_top10: f64,
    pub precision_top20: f64,
    pub recall_top20: f64,
}

impl ModelScores {
    fn of(probabilities: &[f64], labels: &[bool]) -> ModelScores {
        let top10 = top_share(probabilities, labels, 0.1);
        let top20 = top_share(probabilities, labels, 0.2);
        ModelScores {
            auc: auc(probabilities, labels),
            brier: brier(probabilities, labels),
            precision_top10: top10.precision,
            recall_top10: top10.recall,
            precision_top20: top20.precision,
            recall_top20: top20.recall,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowModels {
    pub gbdt: ModelScores,
    pub logistic: ModelScores,
    pub baseline_previous: ModelScores,
    pub baseline_previous_and_time: ModelScores,
    /// The same trees retrained on the inspection history's features alone (every register,
    /// published-measure and LA-record column missing): the difference from `gbdt` is what
    /// those sources add. Only when asked for ([`Backtest::with_history_only`]): it trains the
    /// models a second time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gbdt_history_only: Option<ModelScores>,
}

/// What a back-test runs: the windows, the seed, and whether to measure what the features
/// beyond the inspection history add.
#[derive(Debug, Clone)]
pub struct Backtest {
    pub windows: Vec<WindowSpec>,
    pub seed: u64,
    pub history_only: bool,
}

impl Backtest {
    pub fn new(windows: Vec<WindowSpec>, seed: u64) -> Backtest {
        Backtest { windows, seed, history_only: false }
    }

    pub fn with_history_only(mut self) -> Backtest {
        self.history_only = true;
        self
    }
}

/// Samples with every column that does not come from the inspection history made missing.
fn history_only(samples: &[Sample]) -> Vec<Sample> {
    let keep: Vec<bool> = Feature::columns().into_iter().map(Feature::is_history).collect();
    samples
        .iter()
        .map(|s| Sample {
            features: s
                .features
                .iter()
                .zip(&keep)
                .map(|(value, kept)| if *kept { *value } else { f64::NAN })
                .collect(),
            ..s.clone()
        })
        .collect()
}

/// The trees' scores in the window when they learn from the inspection history alone.
fn history_only_scores(
    history: &History,
    spec: &WindowSpec,
    test: &[Sample],
    seed: u64,
) -> Result<ModelScores, RiskError> {
    let (training, calibration) = samples_before(history, spec.cutoff(), spec.target)?;
    let models = ModelSet::train(&history_only(&training), &history_only(&calibration), seed)?;
    let test = history_only(test);
    let rows: Vec<Vec<f64>> = test.iter().map(|s| s.features.clone()).collect();
    let labels: Vec<bool> = test.iter().map(|s| s.label).collect();
    Ok(ModelScores::of(&models.probabilities(ModelKind::Gbdt, &rows), &labels))
}

/// A feature and its mean absolute Shapley contribution (log-odds) over the test schools.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureWeight {
    pub feature: String,
    pub mean_abs_contribution: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowReport {
    pub cutoff: NaiveDate,
    pub test_from: NaiveDate,
    pub test_to: NaiveDate,
    pub target: Target,
    /// Schools inspected in the window (each school's first inspection in it).
    pub inspections: usize,
    /// Share of them below good (for the report-card window: with a report-card concern).
    pub below_good_rate: f64,
    pub training_samples: usize,
    pub models: WindowModels,
    /// The gradient-boosted model's calibration by decile of predicted probability.
    pub calibration: Vec<CalibrationBin>,
    /// The features that carried the gradient-boosted model in this window, largest first.
    pub top_features: Vec<FeatureWeight>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedWindow {
    pub cutoff: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestReport {
    pub windows: Vec<WindowReport>,
    /// Windows the data could not test (no inspections in it, or too little history before).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedWindow>,
}

/// Models trained for a cut-off, with how many samples taught them.
pub struct Trained {
    pub models: ModelSet,
    pub training_samples: usize,
}

/// The samples of the twelve-month windows before `cutoff`, back to the earliest inspection,
/// for `target` (T3 learns T1: see [`Target::trained_on`]): the most recent (and more, until
/// there are enough) to calibrate, the rest to train.
pub fn samples_before(
    history: &History,
    cutoff: NaiveDate,
    target: Target,
) -> Result<(Vec<Sample>, Vec<Sample>), RiskError> {
    let earliest = history.earliest_event().ok_or(RiskError::NoTrainingData)?;
    let learned = target.trained_on();
    let mut slices: Vec<Vec<Sample>> = Vec::new();
    let mut window = Window::year_from(cutoff).year_before();
    while window.to >= earliest {
        slices.push(window.samples(history, learned));
        window = window.year_before();
    }
    let mut calibration = Vec::new();
    let mut rest = slices.into_iter().peekable();
    while calibration.len() < CALIBRATION_SAMPLES && rest.peek().is_some() {
        calibration.extend(rest.next().expect("peeked"));
    }
    let training: Vec<Sample> = rest.flatten().collect();
    if training.len() < MIN_TRAINING_SAMPLES || calibration.is_empty() {
        return Err(RiskError::NotEnoughHistory {
            cutoff,
            samples: training.len(),
        });
    }
    Ok((training, calibration))
}

/// Trains the models for `cutoff` on [`samples_before`] it.
pub fn train_before(
    history: &History,
    cutoff: NaiveDate,
    target: Target,
    seed: u64,
) -> Result<Trained, RiskError> {
    let (training, calibration) = samples_before(history, cutoff, target)?;
    let models = ModelSet::train(&training, &calibration, seed)?;
    Ok(Trained {
        models,
        training_samples: training.len() + calibration.len(),
    })
}

/// One window: train before the cut-off, score the schools inspected in the window.
pub fn run_window(
    history: &History,
    spec: &WindowSpec,
    seed: u64,
    with_history_only: bool,
) -> Result<WindowReport, RiskError> {
    let test = spec.test.samples(history, spec.target);
    if test.is_empty() {
        return Err(RiskError::NoTestData {
            cutoff: spec.cutoff(),
        });
    }
    let trained = train_before(history, spec.cutoff(), spec.target, seed)?;
    let rows: Vec<Vec<f64>> = test.iter().map(|s| s.features.clone()).collect();
    let labels: Vec<bool> = test.iter().map(|s| s.label).collect();
    let scores = |kind| ModelScores::of(&trained.models.probabilities(kind, &rows), &labels);
    let gbdt_probabilities = trained.models.probabilities(ModelKind::Gbdt, &rows);
    Ok(WindowReport {
        cutoff: spec.cutoff(),
        test_from: spec.test.from,
        test_to: spec.test.to,
        target: spec.target,
        inspections: test.len(),
        below_good_rate: labels.iter().filter(|l| **l).count() as f64 / labels.len() as f64,
        training_samples: trained.training_samples,
        models: WindowModels {
            gbdt: scores(ModelKind::Gbdt),
            logistic: scores(ModelKind::Logistic),
            baseline_previous: scores(ModelKind::BaselinePrevious),
            baseline_previous_and_time: scores(ModelKind::BaselinePreviousAndTime),
            gbdt_history_only: with_history_only
                .then(|| history_only_scores(history, spec, &test, seed))
                .transpose()?,
        },
        calibration: calibration_table(&gbdt_probabilities, &labels),
        top_features: trained
            .models
            .importance(&rows)
            .into_iter()
            .take(8)
            .map(|(f, w)| FeatureWeight {
                feature: f.key(),
                mean_abs_contribution: w,
            })
            .collect(),
    })
}

/// Every window the data can test; the others are listed with the reason.
pub fn backtest(history: &History, specs: &[WindowSpec], seed: u64) -> BacktestReport {
    run(history, &Backtest::new(specs.to_vec(), seed))
}

/// Runs a back-test as configured.
pub fn run(history: &History, backtest: &Backtest) -> BacktestReport {
    let mut report = BacktestReport {
        windows: Vec::new(),
        skipped: Vec::new(),
    };
    for spec in &backtest.windows {
        match run_window(history, spec, backtest.seed, backtest.history_only) {
            Ok(window) => report.windows.push(window),
            Err(e) => report.skipped.push(SkippedWindow {
                cutoff: spec.cutoff(),
                reason: e.to_string(),
            }),
        }
    }
    report
}

/// A school's risk as at a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchoolRisk {
    pub urn: Urn,
    /// Calibrated probability that its next graded inspection is below good.
    pub probability: f64,
    pub category: ConcernCategory,
    pub reasons: Vec<Reason>,
}

/// The risk of each of `urns` as at `as_at`, from models trained only on outcomes known by
/// then (windows ending on or before `as_at`) and features read only from facts dated on or
/// before it. Riskiest first; ties by URN.
pub fn assess(
    history: &History,
    as_at: NaiveDate,
    urns: &[Urn],
    thresholds: &CategoryThresholds,
    seed: u64,
) -> Result<Vec<SchoolRisk>, RiskError> {
    let cutoff = as_at.succ_opt().expect("a date with a next day");
    let trained = train_before(history, cutoff, Target::NextBelowGood, seed)?;
    Ok(assess_with(&trained, &AsAt::new(history, as_at), urns, thresholds))
}

/// How many reasons each assessed school carries.
pub const REASONS: usize = 5;

/// [`assess`] with models already trained for the date of `facts` (see [`train_before`]), as
/// a service that keeps both does.
pub fn assess_with(
    trained: &Trained,
    facts: &AsAt,
    urns: &[Urn],
    thresholds: &CategoryThresholds,
) -> Vec<SchoolRisk> {
    let rows: Vec<Vec<f64>> = urns.iter().map(|u| facts.features(*u)).collect();
    let probabilities = trained.models.probabilities(ModelKind::Gbdt, &rows);
    let reasons = trained.models.reasons(&rows, REASONS);
    let mut risks: Vec<SchoolRisk> = urns
        .iter()
        .zip(probabilities)
        .zip(reasons)
        .map(|((urn, probability), reasons)| SchoolRisk {
            urn: *urn,
            probability,
            category: thresholds.category(probability),
            reasons,
        })
        .collect();
    risks.sort_by(|a, b| {
        b.probability
            .total_cmp(&a.probability)
            .then(a.urn.cmp(&b.urn))
    });
    risks
}

#[cfg(test)]
mod tests {
    use chrono::Days;

    use super::*;
    use crate::features::tests::{day, truncated};
    use crate::input::InspectionEvent;
    use crate::models::DEFAULT_SEED;

    /// 400 schools inspected every two to four years from 2005 to 2020; a school below good
    /// is likelier to stay there, and a good one inspected after a long gap likelier to slip
    /// (a fixed pseudo-random sequence, so the data are the same every run).
    fn synthetic_events() -> Vec<InspectionEvent> {
        let mut state: u64 = 42;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as f64 / f64::from(1u32 << 31)
        };
        let mut events = Vec::new();
        for urn in 1..=400 {
            let mut date = day("2005-09-01") + Days::new((next() * 1000.0) as u64);
            let mut grade = 2u8;
            while date < day("2020-03-01") {
                let gap = 2.0 + 2.0 * next();
                let slip = if grade >= 3 { 0.6 } else { 0.15 + 0.05 * gap };
                grade = if next() < slip {
                    3 + u8::from(next() < 0.2)
                } else {
                    1 + u8::from(next() < 0.8)
                };
                events.push(InspectionEvent::graded(Urn(urn), date, grade));
                date = date + Days::new((gap * 365.0) as u64);
            }
        }
        events
    }

    #[test]
    fn risk_at_d_is_the_same_without_anything_dated_after_d_and_the_same_every_run() {
        let events = synthetic_events();
        let as_at = day("2016-08-31");
        let urns: Vec<Urn> = (1..=400).map(Urn).collect();
        let thresholds = CategoryThresholds::default();
        let full = History::new(events.clone());
        let cut = truncated(&events, &[], &[], &[], &[], as_at);
        let a = assess(&full, as_at, &urns, &thresholds, DEFAULT_SEED).unwrap();
        let b = assess(&cut, as_at, &urns, &thresholds, DEFAULT_SEED).unwrap();
        let again = assess(&full, as_at, &urns, &thresholds, DEFAULT_SEED).unwrap();
        assert_eq!(a, b, "later records changed the risk at D");
        assert_eq!(a, again, "same data, same seed, different probabilities");
        assert!(
            a.windows(2).all(|w| w[0].probability >= w[1].probability),
            "riskiest first"
        );
        assert!(a.iter().all(|r| (0.0..=1.0).contains(&r.probability)));
        assert!(a.iter().any(|r| !r.reasons.is_empty()));
    }

    #[test]
    fn a_backtest_window_trains_before_the_cutoff_and_tests_the_year_after() {
        let history = History::new(synthetic_events());
        let spec = WindowSpec {
            target: Target::NextBelowGood,
            test: Window::year_from(day("2015-09-01")),
        };
        let report = run_window(&history, &spec, DEFAULT_SEED, false).unwrap();
        let expected = spec.test.samples(&history, Target::NextBelowGood).len();
        assert_eq!(report.inspections, expected);
        assert_eq!(report.test_to, day("2016-08-31"));
        assert_eq!(
            report.calibration.iter().map(|b| b.schools).sum::<usize>(),
            expected
        );
        // The synthetic grades depend on the previous one, so every model ranks better than chance.
        for scores in [
            &report.models.gbdt,
            &report.models.logistic,
            &report.models.baseline_previous,
        ] {
            assert!(scores.auc.unwrap() > 0.55, "{scores:?}");
        }
        let json = serde_json::to_value(&BacktestReport {
            windows: vec![report],
            skipped: vec![],
        })
        .unwrap();
        let window = &json["windows"][0];
        for key in [
            "cutoff",
            "test_from",
            "test_to",
            "inspections",
            "below_good_rate",
        ] {
            assert!(window.get(key).is_some(), "{key}");
        }
        for model in [
            "gbdt",
            "logistic",
            "baseline_previous",
            "baseline_previous_and_time",
        ] {
            for metric in [
                "auc",
                "brier",
                "precision_top10",
                "recall_top10",
                "precision_top20",
                "recall_top20",
            ] {
                assert!(
                    window["models"][model][metric].is_number(),
                    "{model}.{metric}"
                );
            }
        }
        assert_eq!(window["cutoff"], "2015-09-01");
    }

    #[test]
    fn standard_windows_are_the_issues() {
        let cutoffs: Vec<String> = standard_windows()
            .iter()
            .map(|w| w.cutoff().to_string())
            .collect();
        assert_eq!(cutoffs.len(), 11);
        assert_eq!(cutoffs[0], "2012-09-01");
        assert_eq!(cutoffs[9], "2023-09-01");
        let cards = standard_windows()[10];
        assert_eq!(cards.target, Target::ReportCardConcern);
        assert_eq!(cards.test.to, day("2026-06-30"));
    }
}

//! The four models a back-test compares: gradient-boosted trees and a logistic regression on
//! every feature (each calibrated on the most recent slice before the cut-off), and two
//! baselines — the previous judgement alone, and the previous judgement with the years since
//! it (the inspectorate's own rule for when to go back).

use serde::Serialize;

use crate::RiskError;
use crate::calibration::Calibrator;
use crate::features::Feature;
use crate::gbdt::Gbdt;
use crate::logistic::Logistic;
use crate::reasons::{Reason, reasons};
use crate::target::Sample;

/// The seed every model is trained with unless told otherwise (letter 003's date).
pub const DEFAULT_SEED: u64 = 20_140_530;

/// The ridge penalty of the full logistic regression, per sample on standardised features.
const LOGISTIC_PENALTY: f64 = 0.01;

/// How much a year-older training sample counts for the trees: inspection policy changes
/// (2012, 2015, 2019), so the latest years say most about the next.
const RECENCY_DECAY: f64 = 0.7;

/// A sample's weight for the trees: [`RECENCY_DECAY`] to the power of its age in years before
/// `newest`.
pub fn recency_weight(sample: &Sample, newest: chrono::NaiveDate) -> f64 {
    RECENCY_DECAY.powf((newest - sample.as_at).num_days() as f64 / 365.25)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    Gbdt,
    Logistic,
    BaselinePrevious,
    BaselinePreviousAndTime,
}

impl ModelKind {
    pub const ALL: [ModelKind; 4] = [
        ModelKind::Gbdt,
        ModelKind::Logistic,
        ModelKind::BaselinePrevious,
        ModelKind::BaselinePreviousAndTime,
    ];
}

/// The below-good rate after each previous judgement (none, 1..4) in the training years,
/// smoothed by one success and one failure so a rare grade does not get 0 or 1.
struct PreviousRates([f64; 5]);

impl PreviousRates {
    fn fit(grades: &[usize], labels: &[bool]) -> PreviousRates {
        let mut counts = [(0.0, 0.0); 5];
        for (grade, label) in grades.iter().zip(labels) {
            counts[*grade].0 += f64::from(u8::from(*label));
            counts[*grade].1 += 1.0;
        }
        PreviousRates(counts.map(|(positives, n)| (positives + 1.0) / (n + 2.0)))
    }
}

/// Where the two features the baselines read sit in a row.
#[derive(Clone, Copy)]
struct BaselineColumns {
    last_grade: usize,
    years_since: usize,
}

impl BaselineColumns {
    fn new(columns: &[Feature]) -> BaselineColumns {
        let at = |f: Feature| {
            columns
                .iter()
                .position(|c| *c == f)
                .expect("baseline feature in the columns")
        };
        BaselineColumns {
            last_grade: at(Feature::LastGrade),
            years_since: at(Feature::YearsSinceLast),
        }
    }

    /// 0 when there is no previous judgement, else its grade.
    fn grade(&self, row: &[f64]) -> usize {
        let g = row[self.last_grade];
        if g.is_finite() { g as usize } else { 0 }
    }

    /// The previous grade as indicators, the years since, and the years since for each grade
    /// (a good school is due about four years on; an outstanding one was exempt).
    fn with_time(&self, row: &[f64]) -> Vec<f64> {
        let grade = self.grade(row);
        let years = row[self.years_since];
        let years = if years.is_finite() { years } else { 0.0 };
        let mut x: Vec<f64> = (1..=4).map(|g| f64::from(u8::from(grade == g))).collect();
        x.extend((1..=4).map(|g| if grade == g { years } else { 0.0 }));
        x
    }
}

/// Trained models for one cut-off.
pub struct ModelSet {
    columns: Vec<Feature>,
    full: FullModels,
    gbdt_calibration: Calibrator,
    logistic_calibration: Calibrator,
    previous: PreviousRates,
}

/// The schedule baseline (the previous judgement and the years since it, in a logistic
/// regression) and the column of a row its log-odds fill, [`Feature::InspectionSchedule`]:
/// trees cut a smooth curve into steps, and the years since the last judgement, which the
/// inspectorate's schedule turns into risk smoothly, reach them already smoothed.
pub struct Schedule {
    baseline: BaselineColumns,
    model: Logistic,
    column: usize,
}

impl Schedule {
    pub fn fit(columns: &[Feature], rows: &[Vec<f64>], labels: &[bool]) -> Result<Schedule, RiskError> {
        let baseline = BaselineColumns::new(columns);
        let timed: Vec<Vec<f64>> = rows.iter().map(|r| baseline.with_time(r)).collect();
        let column = columns
            .iter()
            .position(|c| *c == Feature::InspectionSchedule)
            .expect("the schedule column");
        Ok(Schedule { baseline, model: Logistic::fit(&timed, labels, 1e-4)?, column })
    }

    pub fn column(&self) -> usize {
        self.column
    }

    /// The rows with the baseline's log-odds in the schedule column.
    pub fn fill(&self, rows: &[Vec<f64>]) -> Vec<Vec<f64>> {
        rows.iter()
            .map(|row| {
                let mut row = row.clone();
                row[self.column] = self.model.log_odds(&self.baseline.with_time(&row));
                row
            })
            .collect()
    }

    fn probability(&self, row: &[f64]) -> f64 {
        self.model.probability(&self.baseline.with_time(row))
    }
}

/// The schedule baseline and the two models on every feature, which read the baseline's score
/// in its column; the trees boost from it, so where they find nothing to add they keep its
/// ranking (on history alone in 2013, the first year of the 2012 framework, trees that
/// started from the base rate learnt the old framework's patterns and fell 0.04 AUC behind it).
struct FullModels {
    schedule: Schedule,
    gbdt: Gbdt,
    logistic: Logistic,
}

impl FullModels {
    fn fit(
        columns: &[Feature],
        rows: &[Vec<f64>],
        labels: &[bool],
        weights: &[f64],
        seed: u64,
    ) -> Result<FullModels, RiskError> {
        let schedule = Schedule::fit(columns, rows, labels)?;
        let rows = schedule.fill(rows);
        Ok(FullModels {
            gbdt: Gbdt::fit(&rows, labels, Some(weights), Some(schedule.column()), seed)?,
            logistic: Logistic::fit(&rows, labels, LOGISTIC_PENALTY)?,
            schedule,
        })
    }

    fn complete(&self, rows: &[Vec<f64>]) -> Vec<Vec<f64>> {
        self.schedule.fill(rows)
    }

    /// Uncalibrated log-odds of the trees and of the logistic regression.
    fn log_odds(&self, rows: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
        let rows = self.complete(rows);
        let logistic = rows.iter().map(|r| self.logistic.log_odds(r)).collect();
        (self.gbdt.log_odds(&rows), logistic)
    }
}

fn rows_and_labels(samples: &[Sample]) -> (Vec<Vec<f64>>, Vec<bool>) {
    samples
        .iter()
        .map(|s| (s.features.clone(), s.label))
        .unzip()
}

impl ModelSet {
    /// Trains on `training`, calibrates the two full models on `calibration` (later in time,
    /// unseen by them), then refits them and fits the baselines on both: the calibrators map
    /// held-out scores to outcomes, and the most recent year, the likeliest to resemble the
    /// next, is not lost to calibration.
    pub fn train(
        training: &[Sample],
        calibration: &[Sample],
        seed: u64,
    ) -> Result<ModelSet, RiskError> {
        let columns = Feature::columns();
        let (rows, labels) = rows_and_labels(training);
        let (cal_rows, cal_labels) = rows_and_labels(calibration);
        let newest = calibration
            .iter()
            .map(|s| s.as_at)
            .max()
            .ok_or(RiskError::NoTrainingData)?;
        let recency = |s: &Sample| recency_weight(s, newest);

        let training_weights: Vec<f64> = training.iter().map(recency).collect();
        let held_out = FullModels::fit(&columns, &rows, &labels, &training_weights, seed)?;
        let (gbdt_scores, logistic_scores) = held_out.log_odds(&cal_rows);
        let gbdt_calibration = Calibrator::platt(&gbdt_scores, &cal_labels)?;
        let logistic_calibration = Calibrator::platt(&logistic_scores, &cal_labels)?;

        let all_rows: Vec<Vec<f64>> = rows.into_iter().chain(cal_rows).collect();
        let all_labels: Vec<bool> = labels.into_iter().chain(cal_labels).collect();
        let weights: Vec<f64> = training.iter().chain(calibration).map(recency).collect();
        let full = FullModels::fit(&columns, &all_rows, &all_labels, &weights, seed)?;
        let grades: Vec<usize> = all_rows.iter().map(|r| full.schedule.baseline.grade(r)).collect();
        let previous = PreviousRates::fit(&grades, &all_labels);
        Ok(ModelSet {
            columns,
            full,
            gbdt_calibration,
            logistic_calibration,
            previous,
        })
    }

    pub fn columns(&self) -> &[Feature] {
        &self.columns
    }

    /// Calibrated probabilities of each row from one model.
    pub fn probabilities(&self, kind: ModelKind, rows: &[Vec<f64>]) -> Vec<f64> {
        let baseline = &self.full.schedule.baseline;
        match kind {
            ModelKind::Gbdt => self
                .full
                .log_odds(rows)
                .0
                .into_iter()
                .map(|s| self.gbdt_calibration.probability(s))
                .collect(),
            ModelKind::Logistic => self
                .full
                .log_odds(rows)
                .1
                .into_iter()
                .map(|s| self.logistic_calibration.probability(s))
                .collect(),
            ModelKind::BaselinePrevious => rows
                .iter()
                .map(|r| self.previous.0[baseline.grade(r)])
                .collect(),
            ModelKind::BaselinePreviousAndTime => rows
                .iter()
                .map(|r| self.full.schedule.probability(r))
                .collect(),
        }
    }

    /// The factors behind each row's gradient-boosted score, from Shapley contributions.
    pub fn reasons(&self, rows: &[Vec<f64>], limit: usize) -> Vec<Vec<Reason>> {
        let rows = self.full.complete(rows);
        self.full
            .gbdt
            .contributions(&rows)
            .iter()
            .zip(&rows)
            .map(|(contributions, row)| reasons(&self.columns, row, contributions, limit))
            .collect()
    }

    /// Mean absolute Shapley contribution of each feature over `rows`, largest first: which
    /// features carry the model.
    pub fn importance(&self, rows: &[Vec<f64>]) -> Vec<(Feature, f64)> {
        let contributions = self.full.gbdt.contributions(&self.full.complete(rows));
        let n = contributions.len().max(1) as f64;
        let mut importance: Vec<(Feature, f64)> = self
            .columns
            .iter()
            .enumerate()
            .map(|(j, f)| {
                (
                    *f,
                    contributions.iter().map(|c| c[j].abs()).sum::<f64>() / n,
                )
            })
            .collect();
        importance.sort_by(|a, b| b.1.total_cmp(&a.1));
        importance
    }
}

//! Turning a model's scores into probabilities that mean what they say, fitted on a slice of
//! time before the cut-off the model did not learn from: Platt scaling (a logistic curve on
//! the score, which keeps the ranking) or isotonic regression (a step function).

use serde::{Deserialize, Serialize};

use crate::RiskError;
use crate::logistic::Logistic;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Calibrator {
    Platt(Logistic),
    /// Ascending score thresholds and the probability from each one up.
    Isotonic {
        thresholds: Vec<f64>,
        probabilities: Vec<f64>,
    },
}

impl Calibrator {
    pub fn platt(scores: &[f64], labels: &[bool]) -> Result<Calibrator, RiskError> {
        let rows: Vec<Vec<f64>> = scores.iter().map(|s| vec![*s]).collect();
        Ok(Calibrator::Platt(Logistic::fit(&rows, labels, 1e-6)?))
    }

    /// Pool-adjacent-violators: the non-decreasing step function closest to the outcomes.
    pub fn isotonic(scores: &[f64], labels: &[bool]) -> Result<Calibrator, RiskError> {
        if scores.is_empty() {
            return Err(RiskError::NoTrainingData);
        }
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|a, b| scores[*a].total_cmp(&scores[*b]));
        // Blocks of (first score, sum of outcomes, count), merged while they decrease.
        let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
        for i in order {
            blocks.push((scores[i], f64::from(u8::from(labels[i])), 1.0));
            while let [.., before, last] = blocks[..] {
                if before.1 / before.2 <= last.1 / last.2 {
                    break;
                }
                blocks.pop();
                let merged = blocks.last_mut().expect("the block before");
                merged.1 += last.1;
                merged.2 += last.2;
            }
        }
        Ok(Calibrator::Isotonic {
            thresholds: blocks.iter().map(|b| b.0).collect(),
            probabilities: blocks.iter().map(|b| b.1 / b.2).collect(),
        })
    }

    pub fn probability(&self, score: f64) -> f64 {
        match self {
            Calibrator::Platt(model) => model.probability(&[score]),
            Calibrator::Isotonic {
                thresholds,
                probabilities,
            } => {
                let step = thresholds.partition_point(|t| *t <= score);
                probabilities[step.saturating_sub(1)]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_pools_violators_into_a_non_decreasing_step() {
        // Outcomes by score: 0, 1, 0, 1 → the middle pair pools to 0.5.
        let cal = Calibrator::isotonic(&[1.0, 2.0, 3.0, 4.0], &[false, true, false, true]).unwrap();
        assert_eq!(cal.probability(1.0), 0.0);
        assert_eq!(cal.probability(2.5), 0.5);
        assert_eq!(cal.probability(3.0), 0.5);
        assert_eq!(cal.probability(9.0), 1.0);
        assert_eq!(cal.probability(0.0), 0.0);
    }

    #[test]
    fn platt_recovers_the_rate_of_an_overconfident_score() {
        // Scores say ±4 log-odds but the outcomes are 3 in 4 above and 1 in 4 below: the
        // calibrated probabilities are 0.75 and 0.25, in the same order.
        let scores: Vec<f64> = (0..400).map(|i| if i < 200 { 4.0 } else { -4.0 }).collect();
        let labels: Vec<bool> = (0..400)
            .map(|i| if i < 200 { i % 4 != 0 } else { i % 4 == 0 })
            .collect();
        let cal = Calibrator::platt(&scores, &labels).unwrap();
        assert!((cal.probability(4.0) - 0.75).abs() < 1e-3);
        assert!((cal.probability(-4.0) - 0.25).abs() < 1e-3);
    }
}

//! L2-penalised logistic regression on standardised features, fitted by Newton's method
//! (iteratively reweighted least squares). Missing values take the training mean.

use serde::{Deserialize, Serialize};

use crate::RiskError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    means: Vec<f64>,
    scales: Vec<f64>,
    /// Weights on the standardised features; the intercept is last.
    weights: Vec<f64>,
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Logistic {
    /// Fits `rows` (each of the same width) to `labels`, penalising the weights (not the
    /// intercept) by `lambda / 2 * |w|^2` per sample.
    pub fn fit(rows: &[Vec<f64>], labels: &[bool], lambda: f64) -> Result<Logistic, RiskError> {
        let width = rows.first().map_or(0, Vec::len);
        if rows.is_empty() || rows.len() != labels.len() {
            return Err(RiskError::NoTrainingData);
        }
        let (means, scales) = standardisation(rows, width);
        let design: Vec<Vec<f64>> = rows
            .iter()
            .map(|r| standardise(r, &means, &scales))
            .collect();
        let mut weights = vec![0.0; width + 1];
        for _ in 0..50 {
            let step = newton_step(&design, labels, &weights, lambda)?;
            let size = step.iter().map(|s| s.abs()).fold(0.0, f64::max);
            weights.iter_mut().zip(&step).for_each(|(w, s)| *w -= s);
            if size < 1e-8 {
                break;
            }
        }
        Ok(Logistic {
            means,
            scales,
            weights,
        })
    }

    /// The log-odds for one row.
    pub fn log_odds(&self, row: &[f64]) -> f64 {
        linear(&standardise(row, &self.means, &self.scales), &self.weights)
    }

    pub fn probability(&self, row: &[f64]) -> f64 {
        sigmoid(self.log_odds(row))
    }

    /// Each feature's share of the log-odds against the average school (weight × standardised
    /// value; a missing value, taken as the mean, contributes nothing).
    pub fn contributions(&self, row: &[f64]) -> Vec<f64> {
        standardise(row, &self.means, &self.scales)
            .iter()
            .zip(&self.weights)
            .map(|(x, w)| x * w)
            .collect()
    }
}

/// Mean and standard deviation of each column over its present values (scale 1 for constant
/// or empty columns, so they standardise to zero).
fn standardisation(rows: &[Vec<f64>], width: usize) -> (Vec<f64>, Vec<f64>) {
    (0..width)
        .map(|j| {
            let present: Vec<f64> = rows
                .iter()
                .map(|r| r[j])
                .filter(|v| v.is_finite())
                .collect();
            if present.is_empty() {
                return (0.0, 1.0);
            }
            let n = present.len() as f64;
            let mean = present.iter().sum::<f64>() / n;
            let sd = (present.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
            (mean, if sd > 1e-12 { sd } else { 1.0 })
        })
        .unzip()
}

fn standardise(row: &[f64], means: &[f64], scales: &[f64]) -> Vec<f64> {
    row.iter()
        .zip(means.iter().zip(scales))
        .map(|(v, (m, s))| if v.is_finite() { (v - m) / s } else { 0.0 })
        .collect()
}

/// `w·x + intercept`, the intercept being the last weight.
fn linear(x: &[f64], weights: &[f64]) -> f64 {
    let (intercept, w) = weights.split_last().expect("an intercept");
    x.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() + intercept
}

/// The Newton step H⁻¹g of the penalised mean log-loss at `weights`.
fn newton_step(
    design: &[Vec<f64>],
    labels: &[bool],
    weights: &[f64],
    lambda: f64,
) -> Result<Vec<f64>, RiskError> {
    let k = weights.len();
    let n = design.len() as f64;
    let mut gradient = vec![0.0; k];
    let mut hessian = vec![vec![0.0; k]; k];
    for (x, label) in design.iter().zip(labels) {
        let p = sigmoid(linear(x, weights));
        let residual = p - f64::from(u8::from(*label));
        let curvature = (p * (1.0 - p)).max(1e-10);
        let value = |i: usize| if i + 1 == k { 1.0 } else { x[i] };
        for (i, (g, hessian_row)) in gradient.iter_mut().zip(hessian.iter_mut()).enumerate() {
            *g += residual * value(i) / n;
            for (j, h) in hessian_row.iter_mut().enumerate().take(i + 1) {
                *h += curvature * value(i) * value(j) / n;
            }
        }
    }
    for i in 0..k - 1 {
        gradient[i] += lambda * weights[i];
        hessian[i][i] += lambda;
    }
    hessian[k - 1][k - 1] += 1e-9;
    solve_symmetric(hessian, gradient)
}

/// Solves A x = b for a symmetric positive definite A given by its lower triangle (Cholesky).
fn solve_symmetric(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Result<Vec<f64>, RiskError> {
    let k = b.len();
    for j in 0..k {
        let diagonal = a[j][j] - (0..j).map(|m| a[j][m] * a[j][m]).sum::<f64>();
        if diagonal <= 0.0 || !diagonal.is_finite() {
            return Err(RiskError::Numerical(
                "the logistic regression's Hessian is not positive definite",
            ));
        }
        a[j][j] = diagonal.sqrt();
        for i in j + 1..k {
            a[i][j] = (a[i][j] - (0..j).map(|m| a[i][m] * a[j][m]).sum::<f64>()) / a[j][j];
        }
    }
    for i in 0..k {
        b[i] = (b[i] - (0..i).map(|m| a[i][m] * b[m]).sum::<f64>()) / a[i][i];
    }
    for i in (0..k).rev() {
        b[i] = (b[i] - (i + 1..k).map(|m| a[m][i] * b[m]).sum::<f64>()) / a[i][i];
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_a_separable_toy_set() {
        // Label is x0 > 5; x1 is noise. Every training point is classified right, the weight
        // on x0 is positive and dwarfs the one on the noise column.
        let rows: Vec<Vec<f64>> = (0..20)
            .map(|i| vec![f64::from(i) / 2.0, f64::from(i % 3)])
            .collect();
        let labels: Vec<bool> = rows.iter().map(|r| r[0] > 5.0).collect();
        let model = Logistic::fit(&rows, &labels, 0.01).unwrap();
        for (row, label) in rows.iter().zip(&labels) {
            assert_eq!(model.probability(row) > 0.5, *label, "{row:?}");
        }
        assert!(model.weights[0] > 1.0);
        assert!(model.weights[0] > 10.0 * model.weights[1].abs());
    }

    #[test]
    fn without_signal_it_predicts_the_base_rate() {
        // One feature unrelated to the label, three positives in twelve: p = 0.25 everywhere.
        let rows: Vec<Vec<f64>> = (0..12).map(|i| vec![f64::from(i % 2)]).collect();
        let labels: Vec<bool> = (0..12).map(|i| i % 4 == 0).collect();
        let model = Logistic::fit(&rows, &labels, 1.0).unwrap();
        let p = model.probability(&[0.0]);
        assert!((p - 0.25).abs() < 0.05, "{p}");
    }

    #[test]
    fn missing_values_take_the_mean_and_contribute_nothing() {
        let rows = vec![vec![0.0], vec![1.0], vec![2.0], vec![3.0]];
        let labels = [false, false, true, true];
        let model = Logistic::fit(&rows, &labels, 0.1).unwrap();
        assert_eq!(model.contributions(&[f64::NAN]), vec![0.0]);
        assert!((model.probability(&[f64::NAN]) - model.probability(&[1.5])).abs() < 1e-12);
    }

    #[test]
    fn cholesky_solves_a_small_system() {
        // [[4,2],[2,3]] x = [2, 1] → x = [0.5, 0].
        let x = solve_symmetric(vec![vec![4.0, 0.0], vec![2.0, 3.0]], vec![2.0, 1.0]).unwrap();
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12);
    }
}

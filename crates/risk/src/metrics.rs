//! How good a ranking and its probabilities are: AUC, Brier score, precision and recall among
//! the riskiest tenth or fifth, and a calibration table by decile.

use serde::Serialize;

/// Area under the ROC curve: the chance a school that went below good was ranked above one
/// that did not (ties count half). `None` when the outcomes are all one way.
pub fn auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let ranks = average_ranks(scores);
    let positives = labels.iter().filter(|l| **l).count();
    let negatives = labels.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let positive_rank_sum: f64 = ranks
        .iter()
        .zip(labels)
        .filter(|(_, l)| **l)
        .map(|(r, _)| r)
        .sum();
    let p = positives as f64;
    Some((positive_rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64))
}

/// 1-based ranks by ascending score, tied scores sharing their average rank.
fn average_ranks(scores: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|a, b| scores[*a].total_cmp(&scores[*b]));
    let mut ranks = vec![0.0; scores.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        let average = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = average;
        }
        start = end;
    }
    ranks
}

/// Mean squared gap between the probability and what happened (0 perfect, 0.25 a coin).
pub fn brier(probabilities: &[f64], labels: &[bool]) -> f64 {
    if probabilities.is_empty() {
        return f64::NAN;
    }
    let sum: f64 = probabilities
        .iter()
        .zip(labels)
        .map(|(p, l)| (p - f64::from(u8::from(*l))).powi(2))
        .sum();
    sum / probabilities.len() as f64
}

/// Precision and recall when the riskiest `share` of the schools (rounded up) are flagged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TopShare {
    pub precision: f64,
    pub recall: f64,
}

/// Flags the `share` with the highest scores (ties kept in input order, so the result is
/// deterministic) and measures how many flagged schools went below good, and how many of
/// those that did were flagged.
pub fn top_share(scores: &[f64], labels: &[bool], share: f64) -> TopShare {
    let flagged_count = ((scores.len() as f64) * share).ceil() as usize;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
    let hits = order[..flagged_count]
        .iter()
        .filter(|i| labels[**i])
        .count();
    let positives = labels.iter().filter(|l| **l).count();
    TopShare {
        precision: ratio(hits, flagged_count),
        recall: ratio(hits, positives),
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        f64::NAN
    } else {
        part as f64 / whole as f64
    }
}

/// One tenth of the schools by predicted probability: what was predicted and what happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationBin {
    pub decile: usize,
    pub schools: usize,
    pub mean_predicted: f64,
    pub observed_rate: f64,
}

/// Schools sorted by probability and cut into ten groups of (near) equal size.
pub fn calibration_table(probabilities: &[f64], labels: &[bool]) -> Vec<CalibrationBin> {
    let mut order: Vec<usize> = (0..probabilities.len()).collect();
    order.sort_by(|a, b| probabilities[*a].total_cmp(&probabilities[*b]));
    let n = order.len();
    (0..10)
        .filter_map(|decile| {
            let members = &order[decile * n / 10..(decile + 1) * n / 10];
            if members.is_empty() {
                return None;
            }
            let mean_predicted =
                members.iter().map(|i| probabilities[*i]).sum::<f64>() / members.len() as f64;
            let positives = members.iter().filter(|i| labels[**i]).count();
            Some(CalibrationBin {
                decile: decile + 1,
                schools: members.len(),
                mean_predicted,
                observed_rate: ratio(positives, members.len()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_matches_a_hand_counted_example() {
        // Positives scored 0.9, 0.4, 0.35; negatives 0.8, 0.4, 0.1. Of the 9 positive-negative
        // pairs the positive wins 0.9>0.8, 0.9>0.4, 0.9>0.1, 0.4>0.1, 0.35>0.1 (5), ties 0.4=0.4
        // (half), loses the rest: AUC = 5.5 / 9.
        let scores = [0.9, 0.8, 0.4, 0.4, 0.35, 0.1];
        let labels = [true, false, true, false, true, false];
        let got = auc(&scores, &labels).unwrap();
        assert!((got - 5.5 / 9.0).abs() < 1e-12, "{got}");
        assert_eq!(auc(&[0.1, 0.2], &[true, true]), None);
        assert_eq!(auc(&[0.1, 0.2], &[false, true]), Some(1.0));
        assert_eq!(auc(&[0.3, 0.3], &[false, true]), Some(0.5));
    }

    #[test]
    fn brier_is_the_mean_squared_error() {
        // (0.8-1)^2 + (0.3-0)^2 = 0.04 + 0.09 = 0.13, over two.
        assert!((brier(&[0.8, 0.3], &[true, false]) - 0.065).abs() < 1e-12);
        assert_eq!(brier(&[1.0, 0.0], &[true, false]), 0.0);
    }

    #[test]
    fn top_share_flags_the_riskiest_rounded_up() {
        // Ten schools; the top 20% are the two highest scores (indices 9 and 8); one of them
        // (index 9) went below good, of three that did.
        let scores: Vec<f64> = (0..10).map(f64::from).collect();
        let mut labels = [false; 10];
        labels[9] = true;
        labels[0] = true;
        labels[1] = true;
        let top = top_share(&scores, &labels, 0.2);
        assert_eq!(top.precision, 0.5);
        assert!((top.recall - 1.0 / 3.0).abs() < 1e-12);
        // 10% of 11 schools rounds up to 2.
        let top = top_share(&[0.0; 11], &[false; 11], 0.1);
        assert_eq!(top.precision, 0.0);
        assert!(top.recall.is_nan());
    }

    #[test]
    fn calibration_table_cuts_deciles_in_probability_order() {
        let probabilities: Vec<f64> = (0..20).map(|i| f64::from(i) / 20.0).collect();
        let labels: Vec<bool> = (0..20).map(|i| i >= 18).collect();
        let table = calibration_table(&probabilities, &labels);
        assert_eq!(table.len(), 10);
        assert!(table.iter().all(|b| b.schools == 2));
        assert_eq!(table[9].observed_rate, 1.0);
        assert_eq!(table[0].observed_rate, 0.0);
        assert!((table[0].mean_predicted - 0.025).abs() < 1e-12);
    }
}

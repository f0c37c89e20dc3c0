//! Exact Shapley contributions of the boosted trees' log-odds (path-dependent TreeSHAP,
//! Lundberg et al. 2018, Algorithm 2), in `f64`: each split's children are weighed by their
//! training cover (hessian sums), so the contributions always add up to the model's log-odds.

use crate::gbdt::{Node, Tree, goes_left};

/// One feature on the path from the root, with the share of the training cover that reaches
/// the current node when the feature is absent (`zero`) or present (`one`), and the weight of
/// the subsets of the path's features of each size.
#[derive(Debug, Clone, Copy)]
struct PathElement {
    /// `None` for the root's placeholder.
    feature: Option<usize>,
    zero: f64,
    one: f64,
    weight: f64,
}

/// The trees of one model, to explain many rows.
pub struct Explainer<'a> {
    trees: &'a [Tree],
}

impl<'a> Explainer<'a> {
    pub fn new(trees: &'a [Tree]) -> Explainer<'a> {
        Explainer { trees }
    }

    /// The trees' value expected over their training cover: the same for every row.
    pub fn expected(&self) -> f64 {
        self.trees.iter().map(|t| expected_value(t, 0)).sum()
    }

    /// A row's contribution of every feature to the trees' value:
    /// `expected() + Σ contributions == Σ tree values`.
    pub fn contributions(&self, row: &[f64]) -> Vec<f64> {
        let mut phi = vec![0.0; row.len()];
        let mut walker = Walker { row, phi: &mut phi, scratch: Vec::new() };
        for tree in self.trees {
            walker.walk(tree, 0, &[], 1.0, 1.0, None);
        }
        phi
    }
}

/// A split's children with their shares of its cover.
fn children(tree: &Tree, left: usize, right: usize) -> [(usize, f64); 2] {
    let (l, r) = (tree.nodes[left].cover(), tree.nodes[right].cover());
    let total = l + r;
    let share = |c: f64| if total > 0.0 { c / total } else { 0.5 };
    [(left, share(l)), (right, share(r))]
}

/// One row's walk down the trees, with a path buffer per depth reused from node to node (a
/// fresh path for every node was a sixth of the time in allocation).
struct Walker<'r> {
    row: &'r [f64],
    phi: &'r mut [f64],
    scratch: Vec<Vec<PathElement>>,
}

impl Walker<'_> {
    fn walk(&mut self, tree: &Tree, index: usize, parent: &[PathElement], zero: f64, one: f64, feature: Option<usize>) {
        let depth = parent.len();
        if self.scratch.len() <= depth {
            self.scratch.resize_with(depth + 1, Vec::new);
        }
        let mut path = std::mem::take(&mut self.scratch[depth]);
        path.clear();
        path.extend_from_slice(parent);
        extend(&mut path, zero, one, feature);
        match tree.nodes[index] {
            Node::Leaf { value, .. } => self.credit_leaf(&path, value),
            Node::Split { feature, threshold, missing_left, left, right, .. } => {
                let hot = if goes_left(self.row[feature], threshold, missing_left) { left } else { right };
                self.split(tree, feature, hot, children(tree, left, right), &mut path);
            }
        }
        self.scratch[depth] = path;
    }

    /// At a leaf, each feature on the path gets its weighted share of the leaf's value.
    fn credit_leaf(&mut self, path: &[PathElement], value: f64) {
        for (i, element) in path.iter().enumerate().skip(1) {
            if let Some(f) = element.feature {
                self.phi[f] += unwound_sum(path, i) * (element.one - element.zero) * value;
            }
        }
    }

    fn split(&mut self, tree: &Tree, split: usize, hot: usize, kids: [(usize, f64); 2], path: &mut Vec<PathElement>) {
        let (mut incoming_zero, mut incoming_one) = (1.0, 1.0);
        // A feature met again on the path is one player: undo its earlier step and carry its shares.
        if let Some(seen) = path.iter().position(|e| e.feature == Some(split)) {
            incoming_zero = path[seen].zero;
            incoming_one = path[seen].one;
            unwind(path, seen);
        }
        for (child, share) in kids {
            let is_hot = child == hot;
            // A cold child nobody reached in training adds nothing to any expectation.
            if !is_hot && share == 0.0 {
                continue;
            }
            let one = if is_hot { incoming_one } else { 0.0 };
            self.walk(tree, child, path, share * incoming_zero, one, Some(split));
        }
    }
}

/// The leaf value expected over the training cover below `index`.
fn expected_value(tree: &Tree, index: usize) -> f64 {
    match tree.nodes[index] {
        Node::Leaf { value, .. } => value,
        Node::Split { left, right, .. } => children(tree, left, right)
            .iter()
            .map(|(child, share)| share * expected_value(tree, *child))
            .sum(),
    }
}

fn extend(path: &mut Vec<PathElement>, zero: f64, one: f64, feature: Option<usize>) {
    let depth = path.len();
    path.push(PathElement {
        feature,
        zero,
        one,
        weight: if depth == 0 { 1.0 } else { 0.0 },
    });
    let scale = (depth + 1) as f64;
    for i in (0..depth).rev() {
        path[i + 1].weight += one * path[i].weight * (i + 1) as f64 / scale;
        path[i].weight = zero * path[i].weight * (depth - i) as f64 / scale;
    }
}

/// Removes the element at `index` from the path, undoing its [`extend`].
fn unwind(path: &mut Vec<PathElement>, index: usize) {
    let depth = path.len() - 1;
    let PathElement { zero, one, .. } = path[index];
    let scale = (depth + 1) as f64;
    let mut next = path[depth].weight;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let kept = path[i].weight;
            path[i].weight = next * scale / ((i + 1) as f64 * one);
            next = kept - path[i].weight * zero * (depth - i) as f64 / scale;
        } else {
            path[i].weight = path[i].weight * scale / (zero * (depth - i) as f64);
        }
    }
    // The weights just computed belong to positions 0..depth; only the features move down.
    for i in index..depth {
        let PathElement { feature, zero, one, .. } = path[i + 1];
        path[i] = PathElement { feature, zero, one, ..path[i] };
    }
    path.pop();
}

/// The total weight of the path's subsets with the element at `index` taken out.
fn unwound_sum(path: &[PathElement], index: usize) -> f64 {
    let depth = path.len() - 1;
    let PathElement { zero, one, .. } = path[index];
    let scale = (depth + 1) as f64;
    let mut next = path[depth].weight;
    let mut total = 0.0;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let share = next * scale / ((i + 1) as f64 * one);
            total += share;
            next = path[i].weight - share * zero * (depth - i) as f64 / scale;
        } else if zero != 0.0 {
            total += path[i].weight * scale / (zero * (depth - i) as f64);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gbdt::Gbdt;

    /// Shapley values by their definition: every subset of the other features, the model's
    /// expectation given a subset taken down the trees (a split on a known feature follows the
    /// row, any other is averaged over the children by cover).
    fn brute_force(trees: &[Tree], row: &[f64]) -> Vec<f64> {
        let n = row.len();
        let value_given = |known: u32| -> f64 {
            fn down(tree: &Tree, i: usize, row: &[f64], known: u32) -> f64 {
                match tree.nodes[i] {
                    Node::Leaf { value, .. } => value,
                    Node::Split { feature, threshold, missing_left, left, right, .. } => {
                        if known & (1 << feature) != 0 {
                            let next = if goes_left(row[feature], threshold, missing_left) { left } else { right };
                            return down(tree, next, row, known);
                        }
                        children(tree, left, right).iter().map(|(c, share)| share * down(tree, *c, row, known)).sum()
                    }
                }
            }
            trees.iter().map(|t| down(t, 0, row, known)).sum()
        };
        let factorial = |k: usize| (1..=k).map(|x| x as f64).product::<f64>();
        (0..n)
            .map(|j| {
                (0u32..1 << n)
                    .filter(|s| s & (1 << j) == 0)
                    .map(|s| {
                        let size = s.count_ones() as usize;
                        let weight = factorial(size) * factorial(n - size - 1) / factorial(n);
                        weight * (value_given(s | 1 << j) - value_given(s))
                    })
                    .sum()
            })
            .collect()
    }

    /// Four features, one missing in training and at prediction, a feature used by more
    /// than one split on a path, and a fifth column of prior log-odds to boost from.
    fn toy() -> (Vec<Vec<f64>>, Vec<bool>) {
        let rows: Vec<Vec<f64>> = (0..800)
            .map(|i| {
                let missing_third = if i % 5 == 0 { f64::NAN } else { f64::from(i % 3) };
                let first = f64::from(1 + i % 4);
                vec![first, f64::from(i % 7), missing_third, f64::from(i % 11), 0.8 * (first - 2.5)]
            })
            .collect();
        let labels = rows
            .iter()
            .map(|r| r[0] >= 3.0 || (r[1] >= 5.0 && r[2].is_nan()) || r[3] == 10.0)
            .collect();
        (rows, labels)
    }

    #[test]
    fn contributions_add_up_to_the_log_odds_and_match_the_definition() {
        let (rows, labels) = toy();
        let probes = [
            vec![4.0, 6.0, f64::NAN, 10.0, 1.2],
            vec![1.0, 0.0, 2.0, 0.0, -1.2],
            vec![f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN],
            vec![2.0, 5.0, 1.0, 3.0, -0.4],
        ];
        for prior in [None, Some(4)] {
            let model = Gbdt::fit(&rows, &labels, None, prior, 3).unwrap();
            let log_odds = model.log_odds(&probes);
            let explainer = Explainer::new(model.trees());
            for ((row, target), phi) in probes.iter().zip(log_odds).zip(model.contributions(&probes)) {
                let sum = model.expected_log_odds() + phi.iter().sum::<f64>();
                assert!((sum - target).abs() < 1e-6, "{prior:?} {row:?}: {sum} against {target}");
                let tree_phi = explainer.contributions(row);
                let exact = brute_force(model.trees(), row);
                for (a, b) in tree_phi.iter().zip(&exact) {
                    assert!((a - b).abs() < 1e-6, "{row:?}: {tree_phi:?} against {exact:?}");
                }
            }
        }
    }
}

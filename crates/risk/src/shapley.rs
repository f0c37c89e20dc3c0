//! Exact Shapley contributions of a perpetual model's log-odds (path-dependent TreeSHAP,
//! Lundberg et al. 2018, Algorithm 2), in `f64`, plus its linear head.
//!
//! Why not perpetual's own `predict_contributions(Shapley)`: its trees carry a third, "missing"
//! child whose training cover is often zero, and its TreeSHAP (in `f32`) divides by that cover
//! when unwinding a path, so some schools' contributions came out at 1e4–1e10 log-odds and the
//! reasons read nonsense. Here a child with no cover is never followed when the row does not
//! go there (it weighs nothing in any expectation), and each node's children are weighed by
//! their own covers, so the contributions always add up to the model's log-odds.

use perpetual::PerpetualBooster;
use perpetual::node::Node;
use perpetual::tree::core::Tree;

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

/// A booster's trees laid out for explaining many rows: nodes in a vector (perpetual keeps them
/// in a hash map, and the lookups were a sixth of the time), each node's children with their
/// shares of its cover, and each tree's expected value, all worked out once per batch of rows.
pub struct Explainer<'a> {
    booster: &'a PerpetualBooster,
    trees: Vec<FlatTree<'a>>,
    /// The trees' expected log-odds summed: the same for every row.
    expected: f64,
}

struct FlatTree<'a> {
    /// The root first.
    nodes: Vec<FlatNode<'a>>,
}

struct FlatNode<'a> {
    rule: &'a Node,
    /// Left, right and, when it has one, missing: (perpetual's index, index in `nodes`, share
    /// of this node's training cover).
    kids: Vec<(usize, usize, f64)>,
}

impl<'a> Explainer<'a> {
    pub fn new(booster: &'a PerpetualBooster) -> Explainer<'a> {
        let tree_list = booster.get_prediction_trees();
        let expected = tree_list.iter().map(|t| expected_value(t, 0)).sum();
        Explainer { booster, trees: tree_list.iter().map(FlatTree::new).collect(), expected }
    }

    /// A row's contribution of every feature to its log-odds, and the model's expected
    /// log-odds (the same for every row): `expected + Σ contributions == log-odds`.
    pub fn contributions(&self, row: &[f64]) -> (Vec<f64>, f64) {
        let mut phi = vec![0.0; row.len()];
        let expected = self.booster.base_score + self.trees(row, &mut phi) + linear_head(self.booster, row, &mut phi);
        (phi, expected)
    }

    /// Adds the trees' contributions to `phi`; returns their expected log-odds.
    fn trees(&self, row: &[f64], phi: &mut [f64]) -> f64 {
        let mut walker = Walker { row, missing: self.booster.cfg.missing, phi, scratch: Vec::new() };
        for tree in &self.trees {
            walker.walk(tree, 0, &[], 1.0, 1.0, None);
        }
        self.expected
    }
}

impl<'a> FlatTree<'a> {
    fn new(tree: &'a Tree) -> FlatTree<'a> {
        let mut flat = FlatTree { nodes: Vec::with_capacity(tree.nodes.len()) };
        flat.push(tree, 0);
        flat
    }

    /// Lays out the subtree under perpetual's node `index`; returns its place in `nodes`.
    fn push(&mut self, tree: &'a Tree, index: usize) -> usize {
        let place = self.nodes.len();
        let rule = node(tree, index);
        self.nodes.push(FlatNode { rule, kids: Vec::new() });
        if rule.is_leaf {
            return place;
        }
        let kids = children(tree, rule);
        let total: f64 = kids.iter().map(|(_, cover)| cover).sum();
        let laid_out = kids
            .into_iter()
            .map(|(child, cover)| {
                let share = if total > 0.0 { cover / total } else { 0.0 };
                (child, self.push(tree, child), share)
            })
            .collect();
        self.nodes[place].kids = laid_out;
        place
    }
}

/// One row's walk down the trees, with a path buffer per depth reused from node to node (a
/// fresh path for every node was another sixth of the time in allocation).
struct Walker<'r> {
    row: &'r [f64],
    missing: f64,
    phi: &'r mut [f64],
    scratch: Vec<Vec<PathElement>>,
}

impl Walker<'_> {
    fn walk(&mut self, tree: &FlatTree, index: usize, parent: &[PathElement], zero: f64, one: f64, feature: Option<usize>) {
        let depth = parent.len();
        if self.scratch.len() <= depth {
            self.scratch.resize_with(depth + 1, Vec::new);
        }
        let mut path = std::mem::take(&mut self.scratch[depth]);
        path.clear();
        path.extend_from_slice(parent);
        extend(&mut path, zero, one, feature);
        let here = &tree.nodes[index];
        if here.rule.is_leaf {
            self.credit_leaf(&path, f64::from(here.rule.weight_value));
        } else {
            self.split(tree, here, &mut path);
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

    fn split(&mut self, tree: &FlatTree, here: &FlatNode, path: &mut Vec<PathElement>) {
        let split = here.rule.split_feature;
        let hot = here.rule.get_child_idx(&self.row[split], &self.missing);
        let (mut incoming_zero, mut incoming_one) = (1.0, 1.0);
        // A feature met again on the path is one player: undo its earlier step and carry its shares.
        if let Some(seen) = path.iter().position(|e| e.feature == Some(split)) {
            incoming_zero = path[seen].zero;
            incoming_one = path[seen].one;
            unwind(path, seen);
        }
        for &(child, place, share) in &here.kids {
            let is_hot = child == hot;
            // A cold child nobody reached in training adds nothing to any expectation.
            if !is_hot && share == 0.0 {
                continue;
            }
            let one = if is_hot { incoming_one } else { 0.0 };
            self.walk(tree, place, path, share * incoming_zero, one, Some(split));
        }
    }
}

/// Adds the linear head's contributions (perpetual may blend one in; features standardised,
/// a missing value at the mean): each feature's share is its own term.
fn linear_head(booster: &PerpetualBooster, row: &[f64], phi: &mut [f64]) -> f64 {
    let Some(head) = booster.regression_head.as_ref() else {
        return 0.0;
    };
    for (j, value) in row.iter().enumerate() {
        if value.is_finite() {
            let standardised = (value - head.feature_means[j]) / head.feature_scales[j];
            phi[j] += head.blend_weight * head.coefficients[j] * standardised;
        }
    }
    head.blend_weight * head.intercept
}

fn node(tree: &Tree, index: usize) -> &Node {
    &tree.nodes[&index]
}

/// A node's children (left, right and, when it has one, missing) with their covers.
fn children(tree: &Tree, parent: &Node) -> Vec<(usize, f64)> {
    let mut list = vec![parent.left_child, parent.right_child];
    if parent.has_missing_branch() {
        list.push(parent.missing_node);
    }
    list.into_iter()
        .map(|c| (c, f64::from(node(tree, c).hessian_sum).max(0.0)))
        .collect()
}

/// The leaf value expected over the training cover below `index`.
fn expected_value(tree: &Tree, index: usize) -> f64 {
    let here = node(tree, index);
    if here.is_leaf {
        return f64::from(here.weight_value);
    }
    let kids = children(tree, here);
    let total: f64 = kids.iter().map(|(_, cover)| cover).sum();
    if total <= 0.0 {
        return kids.iter().map(|(c, _)| expected_value(tree, *c)).sum::<f64>() / kids.len() as f64;
    }
    kids.iter()
        .map(|(c, cover)| cover / total * expected_value(tree, *c))
        .sum()
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
    fn brute_force(booster: &PerpetualBooster, row: &[f64]) -> Vec<f64> {
        let n = row.len();
        let value_given = |known: u32| -> f64 {
            fn down(tree: &Tree, i: usize, row: &[f64], known: u32, missing: f64) -> f64 {
                let here = node(tree, i);
                if here.is_leaf {
                    return f64::from(here.weight_value);
                }
                if known & (1 << here.split_feature) != 0 {
                    let next = here.get_child_idx(&row[here.split_feature], &missing);
                    return down(tree, next, row, known, missing);
                }
                let kids = children(tree, here);
                let total: f64 = kids.iter().map(|(_, c)| c).sum();
                kids.iter().map(|(c, cover)| cover / total * down(tree, *c, row, known, missing)).sum()
            }
            booster
                .get_prediction_trees()
                .iter()
                .map(|t| down(t, 0, row, known, booster.cfg.missing))
                .sum()
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

    /// Four features, some missing in training and at prediction, so trees grow missing
    /// branches: the case perpetual's own TreeSHAP got wrong.
    fn toy() -> (Vec<Vec<f64>>, Vec<bool>) {
        let rows: Vec<Vec<f64>> = (0..800)
            .map(|i| {
                let missing_third = if i % 5 == 0 { f64::NAN } else { f64::from(i % 3) };
                vec![f64::from(1 + i % 4), f64::from(i % 7), missing_third, f64::from(i % 11)]
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
        let model = Gbdt::fit(&rows, &labels, None, 3).unwrap();
        let probes = [
            vec![4.0, 6.0, f64::NAN, 10.0],
            vec![1.0, 0.0, 2.0, 0.0],
            vec![f64::NAN, f64::NAN, f64::NAN, f64::NAN],
            vec![2.0, 5.0, 1.0, 3.0],
        ];
        let log_odds = model.log_odds(&probes);
        let explainer = Explainer::new(model.booster());
        for (row, target) in probes.iter().zip(log_odds) {
            let (phi, expected) = explainer.contributions(row);
            let sum = expected + phi.iter().sum::<f64>();
            assert!((sum - target).abs() < 1e-6, "{row:?}: {sum} against {target}");
            assert!(phi.iter().all(|p| p.abs() < 20.0), "{row:?}: {phi:?}");
            let mut tree_phi = vec![0.0; row.len()];
            explainer.trees(row, &mut tree_phi);
            let exact = brute_force(model.booster(), row);
            for (a, b) in tree_phi.iter().zip(&exact) {
                assert!((a - b).abs() < 1e-6, "{row:?}: {tree_phi:?} against {exact:?}");
            }
        }
    }
}

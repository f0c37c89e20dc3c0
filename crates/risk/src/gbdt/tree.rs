//! One regression tree on gradient histograms, grown leaf by leaf (best gain first, as
//! LightGBM grows them; Ke et al. 2017): each leaf sums its rows' gradients and hessians per
//! feature and bin, a split is read off the running sums, and of two new leaves only the
//! smaller is summed again: the larger is its parent's histogram minus the smaller's.

use std::ops::Range;

use super::bins::{Binned, Cuts};

/// How a tree may grow.
#[derive(Debug, Clone, Copy)]
pub struct Growth {
    pub max_leaves: usize,
    /// Neither side of a split may weigh less than this (sum of hessians).
    pub min_child_hessian: f64,
    /// L2 penalty on leaf values (XGBoost's lambda).
    pub lambda: f64,
    /// Each leaf's value is scaled by this (the boosting's learning rate).
    pub shrinkage: f64,
}

#[derive(Debug, Clone)]
pub enum Node {
    Leaf {
        value: f64,
        /// The training rows' hessian sum: the weight TreeSHAP gives the node.
        cover: f64,
    },
    Split {
        feature: usize,
        /// Rows whose bin is at most this go left...
        bin: u8,
        /// ...as do raw values up to this (the bin's upper end).
        threshold: f64,
        missing_left: bool,
        left: usize,
        right: usize,
        cover: f64,
    },
}

impl Node {
    pub fn cover(&self) -> f64 {
        match self {
            Node::Leaf { cover, .. } | Node::Split { cover, .. } => *cover,
        }
    }
}

/// The root is `nodes[0]`.
#[derive(Debug, Clone)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

/// Which child a raw value goes to.
pub fn goes_left(value: f64, threshold: f64, missing_left: bool) -> bool {
    if value.is_nan() { missing_left } else { value <= threshold }
}

impl Tree {
    /// The leaf value a raw row reaches.
    pub fn value(&self, row: &[f64]) -> f64 {
        self.walk(|feature, threshold, missing_left, _| goes_left(row[feature], threshold, missing_left))
    }

    /// The leaf value a binned row reaches (the same leaf as its raw values).
    pub fn value_binned(&self, row: &[u8]) -> f64 {
        self.walk(|feature, _, missing_left, bin| match row[feature] {
            0 => missing_left,
            b => b <= bin,
        })
    }

    fn walk(&self, left: impl Fn(usize, f64, bool, u8) -> bool) -> f64 {
        let mut at = 0;
        loop {
            match &self.nodes[at] {
                Node::Leaf { value, .. } => return *value,
                Node::Split { feature, bin, threshold, missing_left, left: l, right: r, .. } => {
                    at = if left(*feature, *threshold, *missing_left, *bin) { *l } else { *r };
                }
            }
        }
    }
}

/// Gradient and hessian, summed.
type Sums = [f64; 2];

fn add(a: Sums, b: Sums) -> Sums {
    [a[0] + b[0], a[1] + b[1]]
}

fn sub(a: Sums, b: Sums) -> Sums {
    [a[0] - b[0], a[1] - b[1]]
}

/// The best split of a leaf found in its histogram.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    gain: f64,
    feature: usize,
    bin: u8,
    missing_left: bool,
}

/// A leaf still growing: its node, its rows (a range of the shared row order), their sums per
/// feature and bin, and its best split.
struct Open {
    node: usize,
    start: usize,
    end: usize,
    histogram: Vec<Sums>,
    total: Sums,
    best: Option<Candidate>,
}

/// What every leaf of one tree reads.
struct Grower<'a> {
    binned: &'a Binned,
    gradients: &'a [Sums],
    cuts: &'a Cuts,
    growth: Growth,
    slots: usize,
}

impl Tree {
    /// Grows a tree on the rows listed in `rows`, whose gradients and hessians are `gradients`
    /// (indexed by row). `rows` comes back reordered, each leaf's rows together: the tree and
    /// each leaf's range of `rows` with its value.
    pub fn grow(binned: &Binned, gradients: &[Sums], rows: &mut [u32], cuts: &Cuts, growth: Growth) -> (Tree, Vec<(Range<usize>, f64)>) {
        let grower = Grower { binned, gradients, cuts, growth, slots: binned.slots };
        let mut tree = Tree { nodes: vec![Node::Leaf { value: 0.0, cover: 0.0 }] };
        let (histogram, total) = grower.histogram(rows);
        let mut open = vec![grower.open(0, 0, rows.len(), histogram, total)];
        while open.len() < growth.max_leaves {
            let Some(pick) = best_open(&open) else { break };
            let leaf = open.swap_remove(pick);
            let (left, right) = grower.split(&mut tree, leaf, rows);
            open.push(left);
            open.push(right);
        }
        let leaves = open
            .into_iter()
            .map(|leaf| {
                let value = grower.leaf_value(leaf.total);
                tree.nodes[leaf.node] = Node::Leaf { value, cover: leaf.total[1] };
                (leaf.start..leaf.end, value)
            })
            .collect();
        (tree, leaves)
    }
}

/// The open leaf with the largest gain, if any leaf can still split.
fn best_open(open: &[Open]) -> Option<usize> {
    open.iter()
        .enumerate()
        .filter_map(|(i, leaf)| leaf.best.map(|c| (i, c.gain)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)
}

impl Grower<'_> {
    /// The rows' sums per feature and bin, and in all.
    fn histogram(&self, rows: &[u32]) -> (Vec<Sums>, Sums) {
        let mut histogram = vec![[0.0; 2]; self.binned.columns * self.slots];
        let mut total = [0.0; 2];
        for &i in rows {
            let i = i as usize;
            let [g, h] = self.gradients[i];
            total = add(total, [g, h]);
            for &cell in self.binned.uncommon(i) {
                let cell = &mut histogram[usize::from(cell)];
                cell[0] += g;
                cell[1] += h;
            }
        }
        for (cells, commonest) in histogram.chunks_exact_mut(self.slots).zip(&self.binned.commonest) {
            let elsewhere = cells.iter().fold([0.0; 2], |a, c| add(a, *c));
            cells[usize::from(*commonest)] = sub(total, elsewhere);
        }
        (histogram, total)
    }

    fn open(&self, node: usize, start: usize, end: usize, histogram: Vec<Sums>, total: Sums) -> Open {
        let best = self.best_split(&histogram, total);
        Open { node, start, end, histogram, total, best }
    }

    fn score(&self, sums: Sums) -> f64 {
        sums[0] * sums[0] / (sums[1] + self.growth.lambda)
    }

    fn leaf_value(&self, sums: Sums) -> f64 {
        -sums[0] / (sums[1] + self.growth.lambda) * self.growth.shrinkage
    }

    /// Every feature, every cut between its value bins, the missing values sent either way.
    fn best_split(&self, histogram: &[Sums], total: Sums) -> Option<Candidate> {
        let parent = self.score(total);
        let min = self.growth.min_child_hessian;
        let mut best: Option<Candidate> = None;
        for (feature, cells) in histogram.chunks_exact(self.slots).enumerate() {
            let missing = cells[0];
            let mut below = [0.0; 2];
            for (bin, cell) in cells.iter().enumerate().take(self.slots - 1).skip(1) {
                below = add(below, *cell);
                for missing_left in [false, true] {
                    let left = if missing_left { add(below, missing) } else { below };
                    let right = sub(total, left);
                    if left[1] < min || right[1] < min {
                        continue;
                    }
                    let gain = self.score(left) + self.score(right) - parent;
                    if gain > best.map_or(0.0, |c| c.gain) {
                        let bin = u8::try_from(bin).expect("bins fit a byte");
                        best = Some(Candidate { gain, feature, bin, missing_left });
                    }
                }
            }
        }
        best
    }

    /// Splits `leaf` by its best candidate: its rows partitioned in place, the smaller side
    /// summed, the larger side's histogram the difference.
    fn split(&self, tree: &mut Tree, leaf: Open, rows: &mut [u32]) -> (Open, Open) {
        let c = leaf.best.expect("only leaves with a split are split");
        let goes_left = |i: &u32| match self.binned.row(*i as usize)[c.feature] {
            0 => c.missing_left,
            b => b <= c.bin,
        };
        let middle = leaf.start + partition(&mut rows[leaf.start..leaf.end], goes_left);
        let (left_node, right_node) = (tree.nodes.len(), tree.nodes.len() + 1);
        tree.nodes.push(Node::Leaf { value: 0.0, cover: 0.0 });
        tree.nodes.push(Node::Leaf { value: 0.0, cover: 0.0 });
        tree.nodes[leaf.node] = Node::Split {
            feature: c.feature,
            bin: c.bin,
            threshold: self.cuts.upper(c.feature, c.bin),
            missing_left: c.missing_left,
            left: left_node,
            right: right_node,
            cover: leaf.total[1],
        };
        let left_is_smaller = middle - leaf.start <= leaf.end - middle;
        let (small_range, large_range) = if left_is_smaller {
            (leaf.start..middle, middle..leaf.end)
        } else {
            (middle..leaf.end, leaf.start..middle)
        };
        let (small, small_total) = self.histogram(&rows[small_range.clone()]);
        let mut large = leaf.histogram;
        for (cell, part) in large.iter_mut().zip(&small) {
            *cell = sub(*cell, *part);
        }
        let (small_node, large_node) = if left_is_smaller { (left_node, right_node) } else { (right_node, left_node) };
        let large_total = sub(leaf.total, small_total);
        let small = self.open(small_node, small_range.start, small_range.end, small, small_total);
        let large = self.open(large_node, large_range.start, large_range.end, large, large_total);
        if left_is_smaller { (small, large) } else { (large, small) }
    }
}

/// Moves the rows for which `left` holds to the front; returns how many there are.
fn partition(rows: &mut [u32], left: impl Fn(&u32) -> bool) -> usize {
    let mut boundary = 0;
    for i in 0..rows.len() {
        if left(&rows[i]) {
            rows.swap(boundary, i);
            boundary += 1;
        }
    }
    boundary
}

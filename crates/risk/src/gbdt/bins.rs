//! Features cut into a few ordered bins, so a tree's split search sums a short histogram per
//! feature instead of sorting values: bin 0 holds the missing values, bins 1.. the values in
//! order, each up to and including its cut.

/// At most this many rows a feature are sorted to place its cuts: quantiles of an even
/// sample are as good as the whole column's, at a fraction of the sorting.
const SAMPLE: usize = 8192;

/// Each feature's cuts: a value `v` falls in bin `1 + (number of cuts below v)`, so bin `b`
/// (from 1) holds the values up to and including `cuts[b - 1]`.
#[derive(Debug, Clone)]
pub struct Cuts {
    per_feature: Vec<Vec<f64>>,
}

/// Rows as bin numbers, row after row (`columns` to a row), for following a split; and each
/// row's cells other than its feature's commonest bin, for the histograms. Most rows sit in a
/// feature's commonest bin (a school is in one phase of ten; a primary has no GCSE results),
/// and that bin's sums are the leaf's total less the other bins' (LightGBM's sparse trick).
pub struct Binned {
    bins: Vec<u8>,
    pub columns: usize,
    /// Histogram cells a feature: the missing bin and the value bins.
    pub slots: usize,
    /// Each feature's commonest bin.
    pub commonest: Vec<u8>,
    /// Row `i`'s uncommon cells (`feature * slots + bin`) are `cells[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    cells: Vec<u16>,
}

impl Cuts {
    /// Up to `max_bins` value bins a feature, at the quantiles of its non-missing values
    /// (fewer where it takes fewer values).
    pub fn fit(rows: &[Vec<f64>], columns: usize, max_bins: usize) -> Cuts {
        let stride = rows.len().div_ceil(SAMPLE).max(1);
        let per_feature = (0..columns)
            .map(|j| {
                let mut values: Vec<f64> = rows
                    .iter()
                    .step_by(stride)
                    .map(|r| r[j])
                    .filter(|v| !v.is_nan())
                    .collect();
                values.sort_unstable_by(f64::total_cmp);
                quantile_cuts(&values, max_bins)
            })
            .collect();
        Cuts { per_feature }
    }

    /// The bin of `value` in feature `j`.
    pub fn bin(&self, j: usize, value: f64) -> u8 {
        if value.is_nan() {
            return 0;
        }
        let below = self.per_feature[j].partition_point(|cut| *cut < value);
        u8::try_from(below + 1).expect("fewer than 255 bins")
    }

    /// The largest value of bin `bin` (from 1) in feature `j`; the last bin has no upper end.
    pub fn upper(&self, j: usize, bin: u8) -> f64 {
        self.per_feature[j]
            .get(usize::from(bin) - 1)
            .copied()
            .unwrap_or(f64::INFINITY)
    }

    /// Histogram cells a feature: the missing bin and as many value bins as the feature
    /// with the most.
    pub fn slots(&self) -> usize {
        self.per_feature.iter().map(|c| c.len() + 2).max().unwrap_or(1)
    }

    pub fn bin_rows(&self, rows: &[Vec<f64>]) -> Binned {
        let columns = self.per_feature.len();
        let slots = self.slots();
        let bins: Vec<u8> = rows
            .iter()
            .flat_map(|row| (0..columns).map(move |j| self.bin(j, row[j])))
            .collect();
        let mut counts = vec![0usize; columns * slots];
        for row in bins.chunks_exact(columns.max(1)) {
            for (j, bin) in row.iter().enumerate() {
                counts[j * slots + usize::from(*bin)] += 1;
            }
        }
        let commonest: Vec<u8> = counts
            .chunks_exact(slots)
            .map(|c| {
                let most = (0..slots).max_by_key(|b| (c[*b], std::cmp::Reverse(*b))).unwrap_or(0);
                u8::try_from(most).expect("bins fit a byte")
            })
            .collect();
        let mut starts = Vec::with_capacity(rows.len() + 1);
        let mut cells = Vec::new();
        starts.push(0);
        for row in bins.chunks_exact(columns.max(1)) {
            for (j, bin) in row.iter().enumerate() {
                if *bin != commonest[j] {
                    cells.push(u16::try_from(j * slots + usize::from(*bin)).expect("cells fit 16 bits"));
                }
            }
            starts.push(u32::try_from(cells.len()).expect("fewer than 4e9 cells"));
        }
        Binned { bins, columns, slots, commonest, starts, cells }
    }
}

/// Cuts between distinct values at (about) equal counts: every distinct value its own bin
/// when there are few, else the values at each `1 / max_bins` quantile.
fn quantile_cuts(sorted: &[f64], max_bins: usize) -> Vec<f64> {
    let mut distinct = sorted.to_vec();
    distinct.dedup();
    let mut cuts = if distinct.len() <= max_bins {
        distinct
    } else {
        (1..max_bins)
            .map(|q| sorted[q * sorted.len() / max_bins - 1])
            .collect()
    };
    cuts.dedup();
    // The largest value needs no cut: the last bin is open above.
    if cuts.last() == sorted.last() {
        cuts.pop();
    }
    cuts
}

impl Binned {
    pub fn row(&self, i: usize) -> &[u8] {
        &self.bins[i * self.columns..(i + 1) * self.columns]
    }

    /// Row `i`'s cells outside each feature's commonest bin.
    pub fn uncommon(&self, i: usize) -> &[u16] {
        &self.cells[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_values_get_a_bin_each_and_missing_gets_bin_zero() {
        let rows: Vec<Vec<f64>> = [1.0, 2.0, 2.0, 3.0, f64::NAN].iter().map(|v| vec![*v]).collect();
        let cuts = Cuts::fit(&rows, 1, 16);
        let bins: Vec<u8> = rows.iter().map(|r| cuts.bin(0, r[0])).collect();
        assert_eq!(bins, vec![1, 2, 2, 3, 0]);
        assert_eq!(cuts.upper(0, 1), 1.0);
        assert_eq!(cuts.upper(0, 2), 2.0);
        assert_eq!(cuts.upper(0, 3), f64::INFINITY);
        // Values never seen in training fall where their order puts them.
        assert_eq!(cuts.bin(0, 1.5), 2);
        assert_eq!(cuts.bin(0, 99.0), 3);
    }

    #[test]
    fn many_values_are_cut_at_quantiles_into_at_most_max_bins() {
        let rows: Vec<Vec<f64>> = (0..1000).map(|i| vec![f64::from(i)]).collect();
        let cuts = Cuts::fit(&rows, 1, 4);
        let binned = cuts.bin_rows(&rows);
        let mut counts = [0usize; 5];
        for b in &binned.bins {
            counts[usize::from(*b)] += 1;
        }
        assert_eq!(counts, [0, 250, 250, 250, 250]);
    }

    #[test]
    fn only_cells_outside_a_features_commonest_bin_are_listed() {
        let rows = vec![vec![0.0, f64::NAN], vec![0.0, 5.0], vec![1.0, f64::NAN]];
        let binned = Cuts::fit(&rows, 2, 16).bin_rows(&rows);
        assert_eq!(binned.slots, 3);
        assert_eq!(binned.commonest, vec![1, 0]);
        assert_eq!(binned.uncommon(0), &[] as &[u16]);
        assert_eq!(binned.uncommon(1), &[3 + 1]);
        assert_eq!(binned.uncommon(2), &[2]);
    }
}

//! Lays the bundled public data sets out in the published GIAS and Ofsted formats, for first runs, tests and benchmarks.
//!
//! The whole-England GIAS extract and Ofsted's management information are too large to ship, so
//! [`assemble`] rebuilds a national register and a national "latest inspections" file from the
//! real national data that is bundled, written exactly as those publications are (headers,
//! Windows-1252, dates, blank cells), so the application's importers take the same path as with
//! a real download. [`mi`] and [`gias`] write small files of the same formats for tests.

mod day;
mod error;
pub mod gias;
pub mod mi;
mod national;
mod sources;
mod table;

use std::path::{Path, PathBuf};

pub use day::Day;
pub use error::BundleError;
pub use table::Encoding;

/// The generated GIAS register, named as GIAS names its extracts so the importer reads its date.
pub const REGISTER_FILE: &str = "edubasealldata20190601.csv";
/// The generated Ofsted file, named as Ofsted names its releases.
pub const INSPECTIONS_FILE: &str =
    "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Mar_2021.csv";
/// Real GIAS extracts that are bundled whole; they are imported as they are, after the
/// generated files, so their later dates win.
const REAL_EXTRACTS: [&str; 2] =
    ["hampshire-surrey-2017-2022/2021_936_gias.csv", "hampshire-surrey-2017-2022/20220420_gias.csv"];
/// Real DfE performance-table files, imported as they are after the register: pupil outcomes by
/// group (KS2, KS4), attendance and pupil characteristics, oldest year first.
pub const REAL_PERFORMANCE: [&str; 15] = [
    "hampshire-surrey-2017-2022/2016-2017_850_ks2final.csv",
    "hampshire-surrey-2017-2022/2016-2017_936_ks2final.csv",
    "hampshire-surrey-2017-2022/2016-2017_850_ks4final.csv",
    "hampshire-surrey-2017-2022/2016-2017_936_ks4final.csv",
    "hampshire-surrey-2017-2022/2017-2018_850_ks2final.csv",
    "hampshire-surrey-2017-2022/2017-2018_936_ks2final.csv",
    "hampshire-surrey-2017-2022/2017-2018_850_ks4final.csv",
    "hampshire-surrey-2017-2022/2017-2018_936_ks4final.csv",
    "hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv",
    "hampshire-surrey-2017-2022/2018-2019_936_ks2final.csv",
    "hampshire-surrey-2017-2022/2018-2019_936_ks4final.csv",
    "dfe-performance-tables-2018-19/england_census.csv",
    "dfe-performance-tables-2018-19/england_abs.csv",
    "dfe-performance-tables-2018-19/england_ks4provisional.csv",
    "ees-ks4-school-info-2023-24-and-gias-links-2025/ks4_school_info_2024.csv",
];

/// The inspection history and what chains it, imported as published (workbooks, parquet and
/// JSON read as they are) after the register and the outcomes, in this order: DfE's 2017/18
/// school list (fills the schools the register lacks), the GIAS links files, the twelve monthly
/// GIAS group-links snapshots of 2018–19 (which date trust membership), the scraped
/// timelines (older scrape first), Ofsted's 2022 MI for academies, the official statistics of
/// August 2025, then the 2025/26 report cards. Ofsted's files outrank the scrape whatever the
/// order (`source_rank` in the store); the order only makes each step's figures read naturally.
pub const HISTORY: [&str; 24] = [
    "ofsted-inspection-history-2005-2020-scraped/2017-2018_england_spine.xlsx",
    "hampshire-surrey-2017-2022/2021_giaslinks.csv",
    "ees-ks4-school-info-2023-24-and-gias-links-2025/links_edubasealldata.csv",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20180501.csv.gz",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20180601.csv.gz",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20180701.csv.gz",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20180801.csv.gz",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20180902.csv.gz",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20181001.csv.gz",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20181101.csv.gz",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20181201.csv.gz",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20190101.csv.gz",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20190301.csv.gz",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20190501.csv.gz",
    "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20190601.csv.gz",
    "ofsted-inspection-history-2005-2020-scraped/ofsted_ratings_2018_v2020-03-10.csv.gz",
    "ofsted-inspection-history-2005-2020-scraped/ofsted_ratings_2018.csv",
    "ofsted-mi-feb2022-two-inspections-academies/maintained_to_mat.xlsx",
    "ofsted-mi-feb2022-two-inspections-academies/maintained_to_sat.xlsx",
    "ofsted-mi-feb2022-two-inspections-academies/multi_academy_trusts.xlsx",
    "ofsted-mi-feb2022-two-inspections-academies/sat_and_mat_to_new_mat.xlsx",
    "ofsted-mi-feb2022-two-inspections-academies/single_academy_trusts.xlsx",
    "ofsted-official-stats-state-funded-schools-aug2025/ofsted.parquet",
    "ofsted-report-cards-2025-26-derived/ofsted_latest.json",
];

/// Writes the national files into `out_dir` (created if needed) and returns every file the app
/// should import, in import order: the generated register, the generated inspections file,
/// then the two real GIAS extracts, the real performance-table files and the [`HISTORY`] files
/// (as their paths under `shared_data`, not copied).
///
/// The output depends only on the inputs: rows are in URN order, so every run writes the same
/// bytes.
pub fn assemble(shared_data: &Path, out_dir: &Path) -> Result<Vec<PathBuf>, BundleError> {
    let real: Vec<PathBuf> =
        REAL_EXTRACTS.iter().chain(&REAL_PERFORMANCE).chain(&HISTORY).map(|p| shared_data.join(p)).collect();
    if let Some(absent) = real.iter().find(|p| !p.is_file()) {
        return Err(BundleError::Missing { path: absent.clone() });
    }
    let sources = sources::Sources::load(shared_data)?;
    let register = national::register(&sources);
    let inspections = national::latest_inspections(&register, &sources);

    std::fs::create_dir_all(out_dir).map_err(|source| BundleError::io(out_dir, source))?;
    let register_path = out_dir.join(REGISTER_FILE);
    let rows: Vec<gias::GiasRow> = register.into_iter().map(|entry| entry.row).collect();
    gias::write(&register_path, &rows, Encoding::Windows1252)?;
    let inspections_path = out_dir.join(INSPECTIONS_FILE);
    mi::write(&inspections_path, mi::Vintage::Latest2021, &inspections, Encoding::Windows1252)?;

    Ok([register_path, inspections_path].into_iter().chain(real).collect())
}

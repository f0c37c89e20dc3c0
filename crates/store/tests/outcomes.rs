//! Pupil outcomes stored and read back on both back ends: real Hampshire KS2 results for three
//! years, suppressed cells kept as codes, a change of measure kept apart, gaps, trends, lapses,
//! similar schools and LA ranks.

use std::path::{Path, PathBuf};

use schoolsight_domain::outcome_report::YearFigure;
use schoolsight_domain::outcomes::{AcademicYear, Measure, Subject, SuppressionCode, Value};
use schoolsight_domain::{PupilGroup, Thresholds, Urn};
use schoolsight_ingest::{SourceText, parse_file, parse_source};
use schoolsight_store::testing::{TestBackend, TestDatabase};
use schoolsight_store::{Store, test_each_backend};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

async fn import(store: &Store, rel: &str) {
    let parsed = parse_file(&shared(rel), &mut |_, _| {}).unwrap();
    store.import(&parsed, &mut |_, _| {}).await.unwrap();
}

/// Hampshire's register and its KS2 results for 2016/17 to 2018/19, as published.
async fn hampshire(store: &Store) {
    import(store, "hampshire-surrey-2017-2022/20220420_gias.csv").await;
    for year in ["2016-2017", "2017-2018", "2018-2019"] {
        import(store, &format!("hampshire-surrey-2017-2022/{year}_850_ks2final.csv")).await;
    }
}

const ANSTEY: Urn = Urn(115851);

test_each_backend!(a_schools_groups_gap_and_comparators_come_back, super::a_schools_groups_gap_and_comparators_come_back);
async fn a_schools_groups_gap_and_comparators_come_back(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    hampshire(&store).await;
    // The register holds Hampshire's and Surrey's schools; with Hampshire's results only, too
    // few of those primaries have a figure to call a match national.
    let alone = store.school_outcomes(ANSTEY, &Thresholds::default()).await.unwrap().unwrap().similar.unwrap();
    assert!(alone.comparison.is_none());
    assert!(100 * alone.coverage.with_figure < 80 * alone.coverage.of, "{:?}", alone.coverage);
    let why = alone.not_compared.unwrap();
    assert!(why.contains("for 2018/19 is held for ") && why.ends_with("not enough to find the schools most like this one nationally (the threshold is 80%)"), "{why}");
    import(&store, "hampshire-surrey-2017-2022/2018-2019_936_ks2final.csv").await;
    let o = store.school_outcomes(ANSTEY, &Thresholds::default()).await.unwrap().unwrap();
    assert_eq!(o.name, "Anstey Junior School");
    let rwm = o.measures.iter().find(|m| m.measure == Measure::Ks2RwmExpected).unwrap();
    assert_eq!(rwm.years, vec![AcademicYear(2016), AcademicYear(2017), AcademicYear(2018)]);
    let line = |subject: &str, group: PupilGroup| {
        rwm.lines.iter().find(|l| l.subject == subject && l.group == group).unwrap().values.clone()
    };
    // As published for 2018/19: 63% of all pupils, 61% of disadvantaged, 64% of the others.
    assert_eq!(line("school:115851", PupilGroup::All)[2], Some(Value::Number(63.0)));
    assert_eq!(line("school:115851", PupilGroup::Disadvantaged)[2], Some(Value::Number(61.0)));
    assert_eq!(rwm.gap, vec![Some(Value::Number(-29.0)), Some(Value::Number(-29.0)), Some(Value::Number(-3.0))]);
    assert_eq!(line("la:850", PupilGroup::All)[2], Some(Value::Number(68.0)), "Hampshire's own row");
    assert_eq!(line("england", PupilGroup::All)[2], Some(Value::Number(65.0)));
    assert!(rwm.trend.is_some(), "three years give a trend");
    let similar = o.similar.expect("similar schools among Hampshire's and Surrey's juniors and primaries");
    assert_eq!(similar.year, AcademicYear(2018));
    assert!(similar.not_compared.is_none(), "{:?}", similar.not_compared);
    let comparison = similar.comparison.unwrap();
    assert_eq!(comparison.similar.len(), 10);
    assert!(comparison.rank.is_some());
    db.remove().await;
}

test_each_backend!(suppressed_figures_stay_suppressed, super::suppressed_figures_stay_suppressed);
async fn suppressed_figures_stay_suppressed(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    hampshire(&store).await;
    // Awbridge Primary School had 3 disadvantaged pupils in 2018/19: published as SUPP.
    let o = store.school_outcomes(Urn(115856), &Thresholds::default()).await.unwrap().unwrap();
    let rwm = o.measures.iter().find(|m| m.measure == Measure::Ks2RwmExpected).unwrap();
    let disadvantaged = rwm.lines.iter().find(|l| l.group == PupilGroup::Disadvantaged).unwrap();
    let year = rwm.years.iter().position(|y| *y == AcademicYear(2018)).unwrap();
    assert_eq!(disadvantaged.values[year], Some(Value::Suppressed(SuppressionCode::Supp)));
    assert_eq!(rwm.gap[year], Some(Value::Suppressed(SuppressionCode::Supp)), "a gap with a suppressed side is suppressed");
    db.remove().await;
}

/// KS2 2014/15 in the levels era, with the columns DfE used then (figures made up).
const KS2_2014_15: &str = "\
RECTYPE,LEA,ESTAB,URN,SCHNAME,TOTPUPS,TELIG,PTFSM6CLA1A,PTNOTFSM6CLA1A,PKS1EXP_H,PTREADWRITTAMATX,PTREADWRITTAMATX_FSM6CLA1A,PTREADWRITTAMATX_NOTFSM6CLA1A,PTREADWRITTAMATAX,PSENELSE
1,850,2000,115851,Anstey Junior School,250,61,26%,74%,33%,82%,SUPP,85%,21%,2%
";

test_each_backend!(a_change_of_measure_stays_two_measures, super::a_change_of_measure_stays_two_measures);
async fn a_change_of_measure_stays_two_measures(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    hampshire(&store).await;
    let old = parse_source(&SourceText::from_bytes("2014-2015_850_ks2final.csv", KS2_2014_15.as_bytes()).unwrap(), &mut |_, _| {}).unwrap();
    store.import(&old, &mut |_, _| {}).await.unwrap();
    let o = store.school_outcomes(ANSTEY, &Thresholds::default()).await.unwrap().unwrap();
    let level4 = o.measures.iter().find(|m| m.measure == Measure::Ks2RwmLevel4).unwrap();
    assert_eq!(level4.years, vec![AcademicYear(2014)]);
    assert_eq!(level4.lines[0].values, vec![Some(Value::Number(82.0))]);
    let expected = o.measures.iter().find(|m| m.measure == Measure::Ks2RwmExpected).unwrap();
    assert!(!expected.years.contains(&AcademicYear(2014)), "levels are not joined to the new standard");
    db.remove().await;
}

test_each_backend!(las_are_ranked_and_reimporting_changes_nothing, super::las_are_ranked_and_reimporting_changes_nothing);
async fn las_are_ranked_and_reimporting_changes_nothing(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    hampshire(&store).await;
    let t = Thresholds::default();
    // The register knows two LAs (Hampshire, Surrey); with only Hampshire's results, one of two
    // has a figure: not ranked, and said why.
    let alone = store.la_outcomes("Hampshire", None, &t).await.unwrap();
    let rank = alone.ranks.iter().find(|r| r.measure == Measure::Ks2RwmExpected).unwrap();
    assert_eq!((rank.year, rank.value, rank.rank), (AcademicYear(2018), Some(68.0), None));
    let label = Measure::Ks2RwmExpected.label();
    assert_eq!(rank.not_ranked, Some(format!("{label} for 2018/19 are held for 1 of 2 local authorities (50%): not enough to rank Hampshire (the threshold is 80%)")));
    import(&store, "hampshire-surrey-2017-2022/2018-2019_936_ks2final.csv").await;
    let la = store.la_outcomes("Hampshire", None, &t).await.unwrap();
    assert_eq!(la.la_code.as_deref(), Some("850"));
    let rank = la.ranks.iter().find(|r| r.measure == Measure::Ks2RwmExpected).unwrap();
    assert_eq!((rank.year, rank.value, rank.out_of, rank.not_ranked.as_deref()), (AcademicYear(2018), Some(68.0), 2, None));
    // Surrey's 2017/18 results are not imported: asked for that year, Hampshire is not ranked
    // on one LA of two, and 2016/17 (Surrey's not held either) likewise.
    let asked = store.la_outcomes("Hampshire", Some(AcademicYear(2017)), &t).await.unwrap();
    let rank = asked.ranks.iter().find(|r| r.measure == Measure::Ks2RwmExpected).unwrap();
    assert_eq!((rank.year, rank.rank, rank.coverage.with_figure, rank.coverage.of), (AcademicYear(2017), None, 1, 2));
    let before = store.school_outcomes(ANSTEY, &Thresholds::default()).await.unwrap().unwrap().measures;
    import(&store, "hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv").await;
    assert_eq!(store.school_outcomes(ANSTEY, &Thresholds::default()).await.unwrap().unwrap().measures, before);
    db.remove().await;
}

/// Hampshire's register, its KS2 results for 2016/17 to 2018/19, and school absence for 2012/13
/// and 2018/19: the years the bundled files hold, with 2013/14 to 2017/18 absent.
async fn hampshire_with_absence(store: &Store) {
    hampshire(store).await;
    import(store, "dfe-performance-tables-2012-13-ks2-subset-absence/england_abs_2012-13.csv").await;
    import(store, "dfe-performance-tables-2018-19/england_abs.csv").await;
}

test_each_backend!(a_missing_year_is_said_not_filled, super::a_missing_year_is_said_not_filled);
async fn a_missing_year_is_said_not_filled(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    hampshire_with_absence(&store).await;
    let school = Subject::School(ANSTEY);
    let absence = Measure::OverallAbsence;
    let label = absence.label();
    // As published: PERCTOT 4 for 2012/13 (england_abs_2012-13.csv), 3.3 for 2018/19.
    let asked = |year| store.outcome_in_year(&school, absence, PupilGroup::All, AcademicYear(year));
    assert_eq!(asked(2012).await.unwrap(), YearFigure::Figure { year: AcademicYear(2012), value: Value::Number(4.0) });
    assert_eq!(asked(2018).await.unwrap(), YearFigure::Figure { year: AcademicYear(2018), value: Value::Number(3.3) });
    for year in [2013, 2014] {
        assert_eq!(
            asked(year).await.unwrap(),
            YearFigure::NoData {
                year: AcademicYear(year),
                statement: format!("no data for {}: no file held gives {label} for that year", AcademicYear(year)),
            }
        );
    }
    // KS2's expected standard did not exist then: said so, not a number.
    let ks2 = store.outcome_in_year(&school, Measure::Ks2RwmExpected, PupilGroup::All, AcademicYear(2014)).await.unwrap();
    assert_eq!(ks2, YearFigure::NoData { year: AcademicYear(2014), statement: format!("{} was first published for 2015/16: there is no figure for 2014/15", Measure::Ks2RwmExpected.label()) });

    let o = store.school_outcomes(ANSTEY, &Thresholds::default()).await.unwrap().unwrap();
    let report = o.measures.iter().find(|m| m.measure == absence).unwrap();
    assert_eq!(report.years, vec![AcademicYear(2012), AcademicYear(2018)], "the years held, no year filled in");
    let missing: Vec<i32> = report.missing_years.iter().map(|m| m.year.0).collect();
    assert_eq!(missing, vec![2013, 2014, 2015, 2016, 2017]);
    assert!(report.lapses.is_empty(), "2012/13 and 2018/19 are not compared as if adjacent");
    assert!(report.trend.is_none(), "two years are no trend");
    // The LA's figures say what share of its schools they cover, year by year.
    let la = store.la_outcomes("Hampshire", Some(AcademicYear(2013)), &Thresholds::default()).await.unwrap();
    assert!(la.in_year.iter().all(|m| matches!(m.figure, YearFigure::NoData { .. })), "nothing held for 2013/14: {:?}", la.in_year);
    let cohort = la.in_year.iter().find(|m| m.measure == Measure::Ks2Cohort).unwrap();
    assert_eq!(cohort.figure, YearFigure::NoData { year: AcademicYear(2013), statement: format!("no data for 2013/14: no file held gives {} for that year", Measure::Ks2Cohort.label()) });
    let covered = la.coverage.iter().find(|c| c.measure == Measure::Ks2RwmExpected && c.year == AcademicYear(2018)).unwrap();
    assert!(covered.schools.of > 0 && covered.schools.with_figure <= covered.schools.of, "{covered:?}");
    db.remove().await;
}

//! Pupil outcomes stored and read back on both back ends: real Hampshire KS2 results for three
//! years, suppressed cells kept as codes, a change of measure kept apart, gaps, trends, lapses,
//! similar schools and LA ranks.

use std::path::{Path, PathBuf};

use schoolsight_domain::outcomes::{AcademicYear, Measure, SuppressionCode, Value};
use schoolsight_domain::{PupilGroup, Urn};
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
    let o = store.school_outcomes(ANSTEY).await.unwrap().unwrap();
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
    let similar = o.similar.expect("similar schools among Hampshire's juniors and primaries");
    assert_eq!(similar.year, AcademicYear(2018));
    assert_eq!(similar.comparison.similar.len(), 10);
    assert!(similar.comparison.rank.is_some());
    db.remove().await;
}

test_each_backend!(suppressed_figures_stay_suppressed, super::suppressed_figures_stay_suppressed);
async fn suppressed_figures_stay_suppressed(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    hampshire(&store).await;
    // Awbridge Primary School had 3 disadvantaged pupils in 2018/19: published as SUPP.
    let o = store.school_outcomes(Urn(115856)).await.unwrap().unwrap();
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
    let o = store.school_outcomes(ANSTEY).await.unwrap().unwrap();
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
    import(&store, "hampshire-surrey-2017-2022/2018-2019_936_ks2final.csv").await;
    let la = store.la_outcomes("Hampshire").await.unwrap();
    assert_eq!(la.la_code.as_deref(), Some("850"));
    let rank = la.ranks.iter().find(|r| r.measure == Measure::Ks2RwmExpected).unwrap();
    assert_eq!((rank.year, rank.value, rank.out_of), (AcademicYear(2018), 68.0, 2));
    let before = store.school_outcomes(ANSTEY).await.unwrap().unwrap().measures;
    import(&store, "hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv").await;
    assert_eq!(store.school_outcomes(ANSTEY).await.unwrap().unwrap().measures, before);
    db.remove().await;
}

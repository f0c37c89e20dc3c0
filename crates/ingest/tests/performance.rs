//! The performance-file reader on real DfE downloads from ../shared/data, on fixtures with the
//! published headers of the years before 2016 (which are not bundled), and on malformed copies.

use std::path::{Path, PathBuf};

use schoolsight_domain::outcomes::{
    Direction, SchoolProfile, Series, Variation, disadvantage_gap, lapses, similar_schools, trend,
};
use schoolsight_domain::{
    AcademicYear, Measure, MeasureValue, Phase, PupilGroup, Subject, SuppressionCode, Urn, Value,
};
use schoolsight_ingest::{FileKind, IngestError, ParsedFile, SourceText, parse_file, parse_source};

use Measure::*;
use PupilGroup::*;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

fn real(rel: &str) -> ParsedFile {
    parse_file(&shared(rel), &mut |_, _| {}).unwrap()
}

fn hampshire_ks2(year: &str) -> ParsedFile {
    real(&format!("hampshire-surrey-2017-2022/{year}_850_ks2final.csv"))
}

/// A real file's bytes read under another name, as when it sits in a folder named by year.
fn real_as(rel: &str, name: &str) -> Result<ParsedFile, IngestError> {
    let bytes = std::fs::read(shared(rel)).unwrap();
    parse(name, &bytes)
}

fn parse(name: &str, bytes: &[u8]) -> Result<ParsedFile, IngestError> {
    parse_source(&SourceText::from_bytes(name, bytes).unwrap(), &mut |_, _| {})
}

fn school(urn: i64) -> Subject {
    Subject::School(Urn(urn))
}

fn value_in(
    values: &[MeasureValue],
    subject: &Subject,
    measure: Measure,
    group: PupilGroup,
) -> Option<Value> {
    let found: Vec<Value> = values
        .iter()
        .filter(|v| &v.subject == subject && v.measure == measure && v.group == group)
        .map(|v| v.value)
        .collect();
    assert!(found.len() <= 1, "{subject:?} {measure:?} {group:?} given {} times", found.len());
    found.first().copied()
}

fn value(parsed: &ParsedFile, subject: &Subject, measure: Measure, group: PupilGroup) -> Option<Value> {
    value_in(&parsed.extract.measures, subject, measure, group)
}

fn number(v: f64) -> Option<Value> {
    Some(Value::Number(v))
}

fn code(c: SuppressionCode) -> Option<Value> {
    Some(Value::Suppressed(c))
}

const ANSTEY: i64 = 115851;

#[test]
fn hampshire_ks2_2018_19_reads_schools_la_and_england() {
    let p = hampshire_ks2("2018-2019");
    assert_eq!(p.kind, FileKind::PerformanceTables);
    assert_eq!(p.kind.key(), "performance_tables");
    assert_eq!(p.rows, 334);
    assert_eq!(p.extract.measures.len(), 27_550);
    assert!(p.extract.measures.iter().all(|v| v.year == AcademicYear(2018)));
    // Anstey Junior School: "63%" of all pupils, 61% of its 18 disadvantaged pupils (30% of
    // the cohort) and 64% of the others met the expected standard.
    let anstey = school(ANSTEY);
    assert_eq!(value(&p, &anstey, Ks2RwmExpected, All), number(63.0));
    assert_eq!(value(&p, &anstey, Ks2RwmExpected, Disadvantaged), number(61.0));
    assert_eq!(value(&p, &anstey, Ks2RwmExpected, NotDisadvantaged), number(64.0));
    assert_eq!(value(&p, &anstey, Ks2RwmExpected, HighPriorAttainment), number(90.0));
    assert_eq!(value(&p, &anstey, Ks2CohortShare, Disadvantaged), number(30.0));
    assert_eq!(value(&p, &anstey, Ks2Cohort, Disadvantaged), number(18.0));
    assert_eq!(value(&p, &anstey, Ks2Cohort, All), number(60.0));
    assert_eq!(value(&p, &anstey, Ks2ReadingProgress, All), number(-1.9));
    assert_eq!(value(&p, &anstey, PupilsOnRoll, All), number(240.0));
    // RECTYPE 3 is the LA, 5 England's state-funded schools; 4 (all schools) is passed over.
    assert_eq!(value(&p, &Subject::La("850".into()), Ks2RwmExpected, All), number(68.0));
    assert_eq!(value(&p, &Subject::England, Ks2RwmExpected, All), number(65.0));
    assert_eq!(value(&p, &Subject::England, PupilsOnRoll, All), number(4_602_440.0));
}

#[test]
fn suppressed_cells_stay_suppressed() {
    let p = hampshire_ks2("2018-2019");
    // Awbridge Primary School: 3 disadvantaged pupils, so their result is SUPP, not 0.
    let awbridge = school(115856);
    assert_eq!(value(&p, &awbridge, Ks2RwmExpected, Disadvantaged), code(SuppressionCode::Supp));
    assert_eq!(value(&p, &awbridge, Ks2Cohort, Disadvantaged), number(3.0));
    // The Waterloo School's 2017/18 reading progress: low coverage.
    let p = hampshire_ks2("2017-2018");
    assert_eq!(value(&p, &school(116633), Ks2ReadingProgress, All), code(SuppressionCode::LowCoverage));
    // KS4: Progress 8 not published for independent schools, no entries at a special school.
    let p = real("hampshire-surrey-2017-2022/2018-2019_936_ks4final.csv");
    assert_eq!(value(&p, &school(125320), Ks4Progress8, All), code(SuppressionCode::NotPublished));
    assert_eq!(value(&p, &school(125320), Ks4Attainment8, All), number(8.9));
    assert_eq!(value(&p, &school(125452), Ks4Attainment8, All), code(SuppressionCode::NoEntries));
    // EES symbols: c (suppressed) and z (not applicable).
    let p = real("ees-ks4-school-info-2023-24-and-gias-links-2025/ks4_school_info_2024.csv");
    assert_eq!(value(&p, &school(147199), Ks4Cohort, Boys), code(SuppressionCode::Confidential));
    assert_eq!(
        value(&p, &school(100544), Ks4Cohort, LowPriorAttainment),
        code(SuppressionCode::NotApplicableEes)
    );
    // Census cells written NA by the file's last editor.
    let p = real("dfe-performance-tables-2018-19/england_census.csv");
    assert_eq!(value(&p, &school(100001), PupilsOnRoll, Eal), code(SuppressionCode::NotApplicable));
}

#[test]
fn surrey_ks4_2018_19_reads_attainment_8_era_measures() {
    let p = real("hampshire-surrey-2017-2022/2018-2019_936_ks4final.csv");
    assert_eq!((p.rows, p.extract.measures.len()), (133, 9_778));
    let jubilee = school(139948);
    assert_eq!(value(&p, &jubilee, Ks4Attainment8, All), number(46.0));
    assert_eq!(value(&p, &jubilee, Ks4Attainment8, Disadvantaged), number(37.5));
    assert_eq!(value(&p, &jubilee, Ks4Attainment8, NotDisadvantaged), number(48.6));
    assert_eq!(value(&p, &jubilee, Ks4Progress8, All), number(0.22));
    assert_eq!(value(&p, &jubilee, Ks4Progress8, HighPriorAttainment), number(0.17));
    assert_eq!(value(&p, &jubilee, Ks4EnglishMathsGrade5, All), number(34.0));
    assert_eq!(value(&p, &jubilee, Ks4EnglishMathsGrade4, All), number(63.0));
    assert_eq!(value(&p, &jubilee, Ks4EbaccAps, All), number(3.81));
    assert_eq!(value(&p, &jubilee, Ks4CohortShare, Sen), number(15.0));
    assert_eq!(value(&p, &jubilee, Ks4CohortShare, Ehcp), number(6.0));
    assert_eq!(value(&p, &jubilee, Ks4CohortShare, SenSupport), number(9.0));
    // KS4 numbers its rows differently from KS2: 4 is the LA, 7 state-funded England.
    assert_eq!(value(&p, &Subject::La("936".into()), Ks4Attainment8, All), number(50.3));
    assert_eq!(value(&p, &Subject::England, Ks4Attainment8, All), number(46.7));
}

#[test]
fn renamed_columns_across_2016_17_and_2018_19() {
    let anstey = school(ANSTEY);
    // 2016/17 gives "statement or EHC plan" (PSENELSE) and no all-SEN column; 2018/19, after
    // statements, gives EHC plans (PSENELE) and all SEN (PSENELEK).
    let old = hampshire_ks2("2016-2017");
    let new = hampshire_ks2("2018-2019");
    assert_eq!(value(&old, &anstey, Ks2CohortShare, Ehcp), number(0.0));
    assert_eq!(value(&new, &anstey, Ks2CohortShare, Ehcp), number(2.0));
    assert_eq!(value(&old, &anstey, Ks2CohortShare, SenSupport), number(24.0));
    assert_eq!(value(&old, &anstey, Ks2CohortShare, Sen), None);
    assert_eq!(value(&new, &anstey, Ks2CohortShare, Sen), number(17.0));
    // KS4: the EBacc average point score starts in 2017/18, all-SEN in 2018/19.
    let k16 = real("hampshire-surrey-2017-2022/2016-2017_936_ks4final.csv");
    let k17 = real("hampshire-surrey-2017-2022/2017-2018_936_ks4final.csv");
    let k18 = real("hampshire-surrey-2017-2022/2018-2019_936_ks4final.csv");
    let has = |p: &ParsedFile, m: Measure, g: PupilGroup| {
        p.extract.measures.iter().any(|v| v.measure == m && v.group == g)
    };
    assert!(!has(&k16, Ks4EbaccAps, All) && has(&k17, Ks4EbaccAps, All));
    assert!(!has(&k17, Ks4CohortShare, Sen) && has(&k18, Ks4CohortShare, Sen));
    assert_eq!(k16.extract.measures[0].year, AcademicYear(2016));
}

/// KS2 2014/15, the last levels year: columns as DfE named them (`PTREADWRITTAMATX`, …).
/// The figures are made up for the test.
const KS2_2014_15: &str = "\
RECTYPE,LEA,ESTAB,URN,SCHNAME,TOTPUPS,TELIG,PTFSM6CLA1A,PTNOTFSM6CLA1A,PKS1EXP_H,PTREADWRITTAMATX,PTREADWRITTAMATX_FSM6CLA1A,PTREADWRITTAMATX_NOTFSM6CLA1A,PTREADWRITTAMATAX,PSENELSE
1,850,2000,115851,Anstey Junior School,250,61,26%,74%,33%,82%,SUPP,85%,21%,2%
3,850,,,Hampshire,80000,13500,21%,79%,32%,83%,68%,87%,26%,2%
4,,,,,4450000,585000,33%,67%,28%,80%,70%,85%,24%,3%
5,,,,,4400000,580000,33%,67%,28%,80%,70%,85%,24%,3%
";

/// KS4 2013/14: the names of DfE's 2013/14 `ks4_meta.csv` (`PTAC5EM_PTQ`, `PTAC5EMFSM_PTQ`,
/// …; RECTYPE 4 LA, 5 all schools, 7 maintained). Figures made up.
const KS4_2013_14: &str = "\
RECTYPE,ALPHAIND,LEA,ESTAB,URN,SCHNAME,TOTPUPS,TPUP,KS2APS,PTFSMCLA,PTNOTFSMCLA,PSENST4,PTAC5EM_PTQ,PTAC5EMFSM_PTQ,PTAC5EMNFSM_PTQ,PTAC5EMHI_PTQ,PTL2BASICS_PTQ,PTFSMBASICS_PTQ,PTNOTFSMBASICS_PTQ,PTEBACC_E_PTQ
1,1,850,4000,116440,The Vyne Community School,700,140,27.1,30%,70%,3%,48%,26%,57%,89%,52%,31%,61%,20%
4,,850,,,,,13000,28.0,22%,78%,2%,58%,33%,65%,92%,60%,38%,67%,35%
5,,,,,,,640000,27.9,27%,73%,2%,53%,34%,61%,91%,56%,37%,64%,36%
7,,,,,,,600000,27.8,28%,72%,2%,56%,35%,63%,92%,59%,39%,66%,39%
";

/// KS4 2014/15 (`_PTQ_EE` names) and 2015/16, whose `ATT8SCR` is on the old point scale and
/// must not join the 9–1 Attainment 8 series. Figures made up.
const KS4_2014_15: &str = "\
RECTYPE,LEA,ESTAB,URN,SCHNAME,TPUP,KS2APS,PTFSM6CLA1A,PTAC5EM_PTQ_EE,PTL2BASICS_PTQ_EE,PTFSM6CLA1ABASICS_PTQ_EE,PTNOTFSM6CLA1ABASICS_PTQ_EE,PTEBACC_E_PTQ_EE
1,850,4000,116440,The Vyne Community School,138,27.0,32%,50%,53%,35%,61%,22%
";
const KS4_2015_16: &str = "\
RECTYPE,LEA,ESTAB,URN,SCHNAME,TPUP,ATT8SCR,P8MEA,PTAC5EM_PTQ_EE,PTL2BASICS_PTQ_EE
1,850,4000,116440,The Vyne Community School,135,47.2,-0.31,51%,55%
";

/// School absence before the 10% threshold: `PPERSABS15`. Figures made up.
const ABSENCE_2014_15: &str = "LA,ESTAB,URN,PERCTOT,PPERSABS15\n850,2000,115851,3.9,2.8\n";

#[test]
fn a_change_of_measure_is_never_joined_into_one_trend() {
    let levels = parse("2014-2015_850_ks2final.csv", KS2_2014_15.as_bytes()).unwrap();
    assert_eq!(levels.kind, FileKind::PerformanceTables);
    let anstey = school(ANSTEY);
    assert_eq!(value(&levels, &anstey, Ks2RwmLevel4, All), number(82.0));
    assert_eq!(value(&levels, &anstey, Ks2RwmLevel4, Disadvantaged), code(SuppressionCode::Supp));
    assert_eq!(value(&levels, &anstey, Ks2RwmLevel5, All), number(21.0));
    assert_eq!(value(&levels, &anstey, Ks2CohortShare, HighPriorAttainment), number(33.0));
    assert_eq!(value(&levels, &Subject::England, Ks2RwmLevel4, All), number(80.0));
    assert_eq!(value(&levels, &anstey, Ks2RwmExpected, All), None);

    let mut all: Vec<MeasureValue> = levels.extract.measures.clone();
    for year in ["2016-2017", "2017-2018", "2018-2019"] {
        all.extend(hampshire_ks2(year).extract.measures);
    }
    let expected = Series::of(&all, &anstey, Ks2RwmExpected, All);
    let level4 = Series::of(&all, &anstey, Ks2RwmLevel4, All);
    assert_eq!(
        expected.numbers().map(|(y, v)| (y.0, v)).collect::<Vec<_>>(),
        vec![(2016, 68.0), (2017, 57.0), (2018, 63.0)]
    );
    assert_eq!(level4.numbers().count(), 1);
    assert_eq!(Ks2RwmExpected.succeeds(), Some(Ks2RwmLevel4));
    assert_eq!(Measure::headline(Phase::Junior, AcademicYear(2014)), Some(Ks2RwmLevel4));
    assert_eq!(Measure::headline(Phase::Junior, AcademicYear(2018)), Some(Ks2RwmExpected));

    let vyne = school(116440);
    let k13 = parse("2013-2014_england_ks4final.csv", KS4_2013_14.as_bytes()).unwrap();
    assert_eq!(value(&k13, &vyne, Ks4FiveAtoCEnglishMaths, All), number(48.0));
    assert_eq!(value(&k13, &vyne, Ks4FiveAtoCEnglishMaths, Disadvantaged), number(26.0));
    assert_eq!(value(&k13, &vyne, Ks4FiveAtoCEnglishMaths, HighPriorAttainment), number(89.0));
    assert_eq!(value(&k13, &vyne, Ks4EnglishMathsAtoC, NotDisadvantaged), number(61.0));
    assert_eq!(value(&k13, &vyne, Ks4CohortShare, Disadvantaged), number(30.0));
    assert_eq!(value(&k13, &vyne, Ks4CohortShare, Ehcp), number(3.0));
    assert_eq!(value(&k13, &Subject::La("850".into()), Ks4FiveAtoCEnglishMaths, All), number(58.0));
    assert_eq!(value(&k13, &Subject::England, Ks4FiveAtoCEnglishMaths, All), number(56.0));
    let k14 = parse("2014-2015_england_ks4final.csv", KS4_2014_15.as_bytes()).unwrap();
    assert_eq!(value(&k14, &vyne, Ks4FiveAtoCEnglishMaths, All), number(50.0));
    assert_eq!(value(&k14, &vyne, Ks4EnglishMathsAtoC, Disadvantaged), number(35.0));
    let k15 = parse("2015-2016_england_ks4final.csv", KS4_2015_16.as_bytes()).unwrap();
    assert_eq!(value(&k15, &vyne, Ks4Progress8, All), number(-0.31));
    assert_eq!(value(&k15, &vyne, Ks4FiveAtoCEnglishMaths, All), number(51.0));
    assert_eq!(value(&k15, &vyne, Ks4Attainment8, All), None, "2015/16 Attainment 8 is on another scale");

    let absence = parse("2014-2015/england_abs.csv", ABSENCE_2014_15.as_bytes()).unwrap();
    assert_eq!(value(&absence, &anstey, PersistentAbsence15, All), number(2.8));
    assert_eq!(value(&absence, &anstey, PersistentAbsence, All), None);
    assert_eq!(value(&absence, &anstey, OverallAbsence, All), number(3.9));
    assert_eq!(absence.extract.measures[0].year, AcademicYear(2014));
}

#[test]
fn trends_gaps_lapses_and_similar_schools_on_three_real_years() {
    let mut all: Vec<MeasureValue> = Vec::new();
    for year in ["2016-2017", "2017-2018", "2018-2019"] {
        all.extend(hampshire_ks2(year).extract.measures);
    }
    let anstey = school(ANSTEY);
    let hampshire = Subject::La("850".into());
    // Hampshire 66, 68, 68: slope 1 a year against a standard error of √(2/3 / 2) ≈ 0.58.
    let la = trend(&Series::of(&all, &hampshire, Ks2RwmExpected, All)).unwrap();
    assert!((la.slope_per_year - 1.0).abs() < 1e-9);
    assert_eq!(la.direction, Direction::Improving);
    // Anstey 68, 57, 63: slope −2.5, but the years scatter more than that.
    let own = trend(&Series::of(&all, &anstey, Ks2RwmExpected, All)).unwrap();
    assert!((own.slope_per_year + 2.5).abs() < 1e-9);
    assert_eq!(own.direction, Direction::Stable);
    // Disadvantaged minus others: 47 − 76, 38 − 67, 61 − 64.
    let gap = disadvantage_gap(&all, &anstey, Ks2RwmExpected);
    assert_eq!(gap.numbers().map(|(_, v)| v).collect::<Vec<_>>(), vec![-29.0, -29.0, -3.0]);

    let schools: Vec<Series> = schools_in(&all)
        .into_iter()
        .map(|urn| Series::of(&all, &school(urn.0), Ks2RwmExpected, All))
        .collect();
    let variation = Variation::from_series(Ks2RwmExpected, &schools).unwrap();
    assert_eq!(variation.typical_change, 7.0);
    let series = Series::of(&all, &anstey, Ks2RwmExpected, All);
    // The 11-point fall of 2017/18 exceeds 1.5 × 7 but not 2.5 × 7.
    let found = lapses(&series, &variation, 1.5);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].year, found[0].change), (AcademicYear(2017), -11.0));
    assert!(lapses(&series, &variation, 2.5).is_empty());

    let year = AcademicYear(2018);
    let in_year: Vec<MeasureValue> = all.iter().filter(|v| v.year == year).cloned().collect();
    let profiles: Vec<SchoolProfile> =
        schools_in(&in_year).into_iter().map(|urn| profile(&in_year, urn)).collect();
    let target = profile(&in_year, Urn(ANSTEY));
    let c = similar_schools(&target, &profiles, 5, Ks2RwmExpected);
    assert_eq!(c.similar.len(), 5);
    assert!(c.similar.windows(2).all(|w| w[0].distance <= w[1].distance));
    // Nearest: 238 pupils, 27% disadvantaged, 37% high prior attainers (Anstey: 240, 30%, 35%).
    assert_eq!(c.similar[0].urn, Urn(116394));
    // 63% against 50, 85, 78, 64 and 55: fourth of six, ahead of two of the five.
    assert_eq!((c.rank, c.out_of, c.percentile), (Some(4), 6, Some(40.0)));
}

fn schools_in(values: &[MeasureValue]) -> Vec<Urn> {
    let mut urns: Vec<Urn> = values
        .iter()
        .filter_map(|v| match v.subject {
            Subject::School(urn) => Some(urn),
            _ => None,
        })
        .collect();
    urns.sort();
    urns.dedup();
    urns
}

fn profile(values: &[MeasureValue], urn: Urn) -> SchoolProfile {
    let get = |m, g| value_in(values, &Subject::School(urn), m, g).and_then(Value::number);
    SchoolProfile {
        urn,
        phase: Phase::Primary,
        pupils: get(PupilsOnRoll, All),
        disadvantaged_percent: get(Ks2CohortShare, Disadvantaged),
        high_prior_percent: get(Ks2CohortShare, HighPriorAttainment),
        headline: get(Ks2RwmExpected, All),
    }
}

#[test]
fn national_absence_census_and_provisional_ks4_files() {
    let abs = real("dfe-performance-tables-2018-19/england_abs.csv");
    assert_eq!((abs.rows, abs.extract.measures.len()), (21_217, 42_434));
    assert_eq!(value(&abs, &school(100000), OverallAbsence, All), number(2.6));
    assert_eq!(value(&abs, &school(100000), PersistentAbsence, All), number(3.4));
    let primary = Subject::EnglandPhase(Phase::Primary);
    assert_eq!(value(&abs, &primary, OverallAbsence, All), number(4.0));
    assert_eq!(value(&abs, &primary, PersistentAbsence, All), number(8.2));
    // The year comes from the folder the file sits in.
    assert_eq!(abs.extract.measures[0].year, AcademicYear(2018));

    let census = real("dfe-performance-tables-2018-19/england_census.csv");
    assert_eq!(census.rows, 23_942);
    let c = school(100000);
    assert_eq!(value(&census, &c, PupilsOnRoll, All), number(285.0));
    assert_eq!(value(&census, &c, RollShare, FsmEver6), number(16.2));
    assert_eq!(value(&census, &c, RollShare, SenSupport), number(17.5));
    assert_eq!(value(&census, &c, RollShare, Ehcp), number(1.8));
    assert_eq!(value(&census, &c, PupilsOnRoll, Fsm), number(32.0));
    assert_eq!(value(&census, &Subject::EnglandPhase(Phase::Special), RollShare, Ehcp), number(98.3));

    let provisional = real("dfe-performance-tables-2018-19/england_ks4provisional.csv");
    assert_eq!(provisional.rows, 5_652);
    assert_eq!(value(&provisional, &Subject::England, Ks4Attainment8, All), number(46.5));
    assert_eq!(value(&provisional, &Subject::La("938".into()), Ks4Progress8, All), number(0.06));
    assert_eq!(value(&provisional, &school(139948), Ks4Attainment8, All), number(46.0));
}

#[test]
fn derived_subsets_read_once_their_year_is_given() {
    let rel = "schools-perf-2019-ofsted-2021-derived/england_ks4final.csv.gz";
    let e = parse_file(&shared(rel), &mut |_, _| {}).unwrap_err();
    assert!(
        matches!(e, IngestError::MissingColumn { ref column, .. } if column.starts_with("academic year")),
        "{e}"
    );
    let ks4 = real_as(rel, "2018-2019/england_ks4final.csv.gz").unwrap();
    assert_eq!((ks4.rows, ks4.extract.measures.len()), (5_516, 26_620));
    assert_eq!(value(&ks4, &school(100001), Ks4Attainment8, All), number(57.9));
    assert_eq!(value(&ks4, &school(100001), Ks4Progress8, All), code(SuppressionCode::NotPublished));
    assert_eq!(value(&ks4, &school(139948), Ks4Progress8, All), number(0.22));
    let ks2 = real_as(
        "schools-perf-2019-ofsted-2021-derived/england_ks2final.csv.gz",
        "2018-2019/england_ks2final.csv.gz",
    )
    .unwrap();
    assert_eq!((ks2.rows, ks2.extract.measures.len()), (16_355, 47_518));
    assert_eq!(value(&ks2, &school(ANSTEY), Ks2ReadingProgress, All), number(-1.9));
}

#[test]
fn ees_school_information_reads_its_year_from_each_row() {
    let p = real("ees-ks4-school-info-2023-24-and-gias-links-2025/ks4_school_info_2024.csv");
    assert_eq!((p.rows, p.extract.measures.len()), (5_709, 148_434));
    assert!(p.extract.measures.iter().all(|v| v.year == AcademicYear(2023)));
    let vyne = school(116440);
    assert_eq!(value(&p, &vyne, Ks4Cohort, All), number(138.0));
    assert_eq!(value(&p, &vyne, Ks4CohortShare, Disadvantaged), number(31.9));
    assert_eq!(value(&p, &vyne, Ks4CohortShare, HighPriorAttainment), number(18.1));
    assert_eq!(value(&p, &vyne, Ks4CohortShare, Ehcp), number(9.4));
    assert_eq!(value(&p, &vyne, PupilsOnRoll, All), number(742.0));
}

/// The real 2018/19 Hampshire KS2 file as text, with `edit` applied to it.
fn edited_ks2(edit: impl Fn(&str) -> String) -> Vec<u8> {
    let bytes = std::fs::read(shared("hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv")).unwrap();
    edit(&SourceText::from_bytes("x", &bytes).unwrap().text).into_bytes()
}

/// Sets the cell of data row `row` (1-based) under `header`.
fn set_cell(text: &str, row: usize, header: &str, value: &str) -> String {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == header).unwrap();
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    writer.write_record(&headers).unwrap();
    for (i, record) in reader.records().enumerate() {
        let mut cells: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if i + 1 == row {
            cells[col] = value.to_string();
        }
        writer.write_record(&cells).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

const KS2_NAME: &str = "2018-2019_850_ks2final.csv";

#[test]
fn a_bad_number_names_file_row_and_column() {
    let bytes = edited_ks2(|t| set_cell(t, 3, "PTRWM_EXP", "5two%"));
    let e = parse(KS2_NAME, &bytes).unwrap_err();
    assert_eq!((e.row(), e.column()), (Some(4), Some("PTRWM_EXP")));
    assert_eq!(
        e.to_string(),
        "2018-2019_850_ks2final.csv: row 4, column 'PTRWM_EXP': '5two%' is not a number"
    );
    let bytes = edited_ks2(|t| set_cell(t, 1, "RECTYPE", "one"));
    let e = parse(KS2_NAME, &bytes).unwrap_err();
    assert_eq!((e.row(), e.column()), (Some(2), Some("RECTYPE")));
    let bytes = edited_ks2(|t| set_cell(t, 2, "URN", ""));
    let e = parse(KS2_NAME, &bytes).unwrap_err();
    assert!(matches!(e, IngestError::Required { row: 3, ref column, .. } if column == "URN"), "{e}");
}

#[test]
fn a_missing_key_column_is_named() {
    let bytes = edited_ks2(|t| t.replacen(",URN,", ",UNIQUE_REF,", 1));
    let e = parse(KS2_NAME, &bytes).unwrap_err();
    assert!(matches!(e, IngestError::MissingColumn { ref column, .. } if column == "URN"), "{e}");
    // Without LEA, the LA row cannot say which LA it is.
    let bytes = edited_ks2(|t| t.replacen(",LEA,", ",LA_NUMBER,", 1));
    let e = parse(KS2_NAME, &bytes).unwrap_err();
    assert!(matches!(e, IngestError::MissingColumn { ref column, .. } if column == "LEA"), "{e}");
    assert!(e.to_string().starts_with("2018-2019_850_ks2final.csv: "), "{e}");
}

#[test]
fn the_row_of_a_late_error_is_counted_through_the_bom_and_crlf() {
    let bytes = edited_ks2(|t| t.replace("\n", "\r\n"));
    let text = String::from_utf8(bytes).unwrap();
    let bad = set_cell(&text, 333, "PTRWM_EXP", "?");
    let e = parse(KS2_NAME, bad.as_bytes()).unwrap_err();
    assert_eq!(e.row(), Some(334));
}

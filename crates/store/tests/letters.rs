//! The store answering the seed letters' questions on fixtures with known answers.
//!
//! Letter 004 (Derby, focused inspections 17–23 January 2013) reports: ten schools inspected —
//! one nursery, five primary, two junior, one secondary, one special; seven previously
//! satisfactory, two good (including the nursery), the special school outstanding; six were
//! judged good (four improved, two sustained good), three require improvement (all previously
//! satisfactory, including the secondary), and the special school sustained outstanding. The
//! fixture below is that week written as Ofsted's files, so the counts must come back exactly.

use chrono::NaiveDate;
use schoolsight_bundle::gias::{self, GiasRow};
use schoolsight_bundle::mi::{self, MiRow, Vintage};
use schoolsight_bundle::{Day, Encoding};
use schoolsight_domain::analysis::{Movement, PhaseGroup};
use schoolsight_domain::{Judgement, Phase, Thresholds, Urn};
use schoolsight_ingest::{SourceText, parse_source};
use schoolsight_store::testing::{TestBackend, TestDatabase};
use schoolsight_store::{ImportOutcome, Store, test_each_backend};

struct FocusedSchool {
    urn: i64,
    la: &'static str,
    phase: &'static str,
    kind: &'static str,
    ages: (i64, i64),
    previous: &'static str,
    now: &'static str,
    day: u32,
}

const fn school(urn: i64, phase: &'static str, kind: &'static str, ages: (i64, i64), previous: &'static str, now: &'static str, day: u32) -> FocusedSchool {
    FocusedSchool { urn, la: "Derby", phase, kind, ages, previous, now, day }
}

/// Derby's focused week, plus two Leicester schools inspected the same week (to be left out of
/// Derby's outcomes, and to give England and the ranking a second LA).
const WEEK: [FocusedSchool; 12] = [
    school(112001, "Nursery", "Local authority nursery school", (2, 5), "2", "2", 17),
    school(112002, "Primary", "Community school", (4, 11), "2", "2", 17),
    school(112003, "Primary", "Community school", (4, 11), "3", "2", 17),
    school(112004, "Primary", "Voluntary aided school", (4, 11), "3", "2", 18),
    school(112005, "Primary", "Community school", (4, 11), "3", "2", 21),
    school(112006, "Primary", "Foundation school", (4, 11), "3", "3", 22),
    school(112007, "Primary", "Community school", (7, 11), "3", "2", 22),
    school(112008, "Primary", "Community school", (7, 11), "3", "3", 23),
    school(112009, "Secondary", "Community school", (11, 16), "3", "3", 23),
    school(112010, "Not applicable", "Community special school", (2, 19), "1", "1", 23),
    FocusedSchool { urn: 120001, la: "Leicester", phase: "Primary", kind: "Community school", ages: (4, 11), previous: "2", now: "2", day: 18 },
    FocusedSchool { urn: 120002, la: "Leicester", phase: "Primary", kind: "Community school", ages: (4, 11), previous: "3", now: "4", day: 21 },
];

fn day(y: i32, m: u32, d: u32) -> Day {
    Day::new(y, m, d).unwrap()
}

fn register(name_suffix: &str) -> Vec<GiasRow> {
    WEEK.iter()
        .map(|s| GiasRow {
            urn: s.urn,
            la_code: if s.la == "Derby" { "831" } else { "856" }.into(),
            la_name: s.la.into(),
            name: format!("{} school {}{name_suffix}", s.la, s.urn),
            type_name: s.kind.into(),
            status: "Open".into(),
            phase: s.phase.into(),
            statutory_low_age: Some(s.ages.0),
            statutory_high_age: Some(s.ages.1),
            ..GiasRow::default()
        })
        .collect()
}

fn base_row(s: &FocusedSchool) -> MiRow {
    MiRow {
        urn: s.urn,
        school_name: format!("{} school {}", s.la, s.urn),
        local_authority: s.la.into(),
        ofsted_phase: s.phase.into(),
        type_of_education: s.kind.into(),
        ..MiRow::default()
    }
}

/// One row a school: the January 2013 visit with the previous one beside it.
fn latest_rows() -> Vec<MiRow> {
    WEEK.iter()
        .map(|s| MiRow {
            inspection_number: Some(format!("4{}", s.urn)),
            start_date: Some(day(2013, 1, s.day)),
            end_date: Some(day(2013, 1, s.day + 1)),
            overall: s.now.into(),
            previous_start_date: Some(day(2010, 3, 9)),
            previous_overall: s.previous.into(),
            ..base_row(s)
        })
        .collect()
}

/// One row an inspection, as the 2005–2015 file has it: the earlier visit has its own row, and
/// the later row names it again by its end date.
fn all_inspection_rows() -> Vec<MiRow> {
    WEEK.iter()
        .flat_map(|s| {
            let earlier = MiRow {
                inspection_number: Some(format!("3{}", s.urn)),
                start_date: Some(day(2010, 3, 9)),
                end_date: Some(day(2010, 3, 10)),
                overall: s.previous.into(),
                ..base_row(s)
            };
            let later = MiRow {
                inspection_number: Some(format!("4{}", s.urn)),
                start_date: Some(day(2013, 1, s.day)),
                end_date: Some(day(2013, 1, s.day + 1)),
                overall: s.now.into(),
                previous_start_date: Some(day(2010, 3, 10)),
                previous_overall: s.previous.into(),
                ..base_row(s)
            };
            [later, earlier]
        })
        .collect()
}

async fn import(store: &Store, name: &str, bytes: Vec<u8>) -> ImportOutcome {
    let parsed = parse_source(&SourceText::from_bytes(name, &bytes).unwrap(), &mut |_, _| {}).unwrap();
    store.import(&parsed, &mut |_, _| {}).await.unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

async fn assert_derby_week(store: &Store) {
    let s = store.outcomes("derby", d(2013, 1, 17), d(2013, 1, 23)).await.unwrap();
    assert_eq!(s.la_name, "Derby");
    assert_eq!(s.inspected, 10);
    let phases: Vec<(Phase, usize)> = s.by_phase.iter().map(|(p, n)| (*p, *n)).collect();
    assert_eq!(
        phases,
        vec![(Phase::Nursery, 1), (Phase::Junior, 2), (Phase::Primary, 5), (Phase::Secondary, 1), (Phase::Special, 1)]
    );
    let count = |j: Judgement, m: Movement| s.judgements[j.grade() as usize - 1].movements.get(&m).copied().unwrap_or(0);
    assert_eq!(s.judgements[1].count, 6, "six were graded good");
    assert_eq!((count(Judgement::Good, Movement::Improved), count(Judgement::Good, Movement::Held)), (4, 2));
    assert_eq!(s.judgements[2].count, 3, "three require improvement");
    assert_eq!(count(Judgement::RequiresImprovement, Movement::Held), 3);
    assert_eq!(s.judgements[0].count, 1);
    assert_eq!(count(Judgement::Outstanding, Movement::Held), 1, "the special school sustained outstanding");
    assert_eq!(s.judgements[3].count, 0);
    // The letter's own words, written from the database.
    let text = schoolsight_domain::analysis::narrate(&s);
    assert_eq!(text[0], "Ten schools in Derby had a graded inspection between 2013-01-17 and 2013-01-23: one nursery school; two junior schools; five primary schools; one secondary school; and one special school.");
    assert!(text.contains(&"Six schools were graded good: four had improved from a previous satisfactory judgement and two had stayed at good.".to_string()), "{text:?}");
    assert!(text.contains(&"Three schools were judged to require improvement: all three had stayed at satisfactory.".to_string()), "{text:?}");
    assert!(text.contains(&"One school was graded outstanding: it had stayed at outstanding.".to_string()), "{text:?}");
    let secondary = s.schools.iter().find(|i| i.phase == Phase::Secondary).unwrap();
    assert_eq!((secondary.judgement, secondary.previous), (Judgement::RequiresImprovement, Some(Judgement::RequiresImprovement)));
}

test_each_backend!(letter_004_outcomes_from_the_latest_inspections_file, super::letter_004_outcomes_from_the_latest_inspections_file);
async fn letter_004_outcomes_from_the_latest_inspections_file(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    import(&store, "edubasealldata20130101.csv", gias::to_bytes(&register(""), Encoding::Windows1252)).await;
    import(&store, "latest_inspections_as_at_31_Jan_2013.csv", mi::to_bytes(Vintage::Latest2021, &latest_rows(), Encoding::Windows1252)).await;
    assert_derby_week(&store).await;
    assert_eq!(store.totals().await.unwrap().inspections, 24);
    db.remove().await;
}

test_each_backend!(letter_004_outcomes_from_the_old_all_inspections_file, super::letter_004_outcomes_from_the_old_all_inspections_file);
async fn letter_004_outcomes_from_the_old_all_inspections_file(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    import(&store, "edubasealldata20130101.csv", gias::to_bytes(&register(""), Encoding::Utf8Bom)).await;
    import(&store, "all_inspections_2005_2015.csv", mi::to_bytes(Vintage::All2005To2015, &all_inspection_rows(), Encoding::Utf8Bom)).await;
    assert_derby_week(&store).await;
    // Each visit once, though the later row names the earlier one again by its end date.
    assert_eq!(store.totals().await.unwrap().inspections, 24);
    db.remove().await;
}

test_each_backend!(every_vintage_of_the_ofsted_file_gives_the_same_answer, super::every_vintage_of_the_ofsted_file_gives_the_same_answer);
async fn every_vintage_of_the_ofsted_file_gives_the_same_answer(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    import(&store, "edubasealldata20130101.csv", gias::to_bytes(&register(""), Encoding::Windows1252)).await;
    import(&store, "outcomes_2016.csv", mi::to_bytes(Vintage::Outcomes2016, &latest_rows(), Encoding::Windows1252)).await;
    assert_derby_week(&store).await;
    // The same facts in a newer layout change nothing.
    import(&store, "latest_2021.csv", mi::to_bytes(Vintage::Latest2021, &latest_rows(), Encoding::Windows1252)).await;
    assert_eq!(store.totals().await.unwrap().inspections, 24);
    assert_derby_week(&store).await;
    db.remove().await;
}

test_each_backend!(profile_compares_derby_with_england_and_ranks_it, super::profile_compares_derby_with_england_and_ranks_it);
async fn profile_compares_derby_with_england_and_ranks_it(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    import(&store, "edubasealldata20130101.csv", gias::to_bytes(&register(""), Encoding::Windows1252)).await;
    import(&store, "latest.csv", mi::to_bytes(Vintage::Latest2021, &latest_rows(), Encoding::Windows1252)).await;
    let p = store.la_profile("Derby", d(2013, 2, 1), &Thresholds::default()).await.unwrap();
    assert_eq!(p.schools, 10);
    let all = &p.shares[0];
    assert_eq!(all.group, PhaseGroup::All);
    assert_eq!((all.la.inspected, all.la.good_or_outstanding), (10, 7));
    assert_eq!((all.england.inspected, all.england.good_or_outstanding), (12, 8));
    assert_eq!((all.rank, all.out_of), (Some(1), 2));
    let primary = p.shares.iter().find(|s| s.group == PhaseGroup::Phase(Phase::Primary)).unwrap();
    assert_eq!((primary.la.inspected, primary.la.good_or_outstanding), (7, 5), "junior schools count as primary");
    // Before the focused week, the 2010 judgements stand: three good or outstanding of ten.
    let before = store.la_profile("Derby", d(2013, 1, 1), &Thresholds::default()).await.unwrap();
    assert_eq!(before.shares[0].la.good_or_outstanding, 3);
    let ranking = store.ranking(d(2013, 2, 1), PhaseGroup::All, &Thresholds::default()).await.unwrap();
    assert_eq!(ranking.las.iter().map(|l| l.la_name.as_str()).collect::<Vec<_>>(), vec!["Derby", "Leicester"]);
    db.remove().await;
}

test_each_backend!(imports_are_idempotent_and_the_newest_extract_wins, super::imports_are_idempotent_and_the_newest_extract_wins);
async fn imports_are_idempotent_and_the_newest_extract_wins(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let first = gias::to_bytes(&register(""), Encoding::Windows1252);
    assert!(matches!(import(&store, "edubasealldata20130101.csv", first.clone()).await, ImportOutcome::Imported(_)));
    let totals = store.totals().await.unwrap();
    assert!(matches!(import(&store, "copy-of-the-same-download.csv", first).await, ImportOutcome::AlreadyImported { .. }));
    assert_eq!(store.totals().await.unwrap().files, totals.files);

    import(&store, "edubasealldata20140101.csv", gias::to_bytes(&register(" (renamed 2014)"), Encoding::Windows1252)).await;
    import(&store, "edubasealldata20120101.csv", gias::to_bytes(&register(" (old 2012 name)"), Encoding::Windows1252)).await;
    let school = store.school(Urn(112001)).await.unwrap().unwrap().school;
    assert_eq!(school.name, "Derby school 112001 (renamed 2014)");

    // An inspection file names schools in passing; the register keeps its own names.
    import(&store, "latest.csv", mi::to_bytes(Vintage::Latest2021, &latest_rows(), Encoding::Windows1252)).await;
    let school = store.school(Urn(112001)).await.unwrap().unwrap();
    assert_eq!(school.school.name, "Derby school 112001 (renamed 2014)");
    assert!(school.from_register);
    assert_eq!(school.timeline.len(), 2);
    db.remove().await;
}

//! The inspection history imported from the real published files: a visit published by the
//! scrape and by Ofsted is stored once with Ofsted's values, dates a day apart are one visit,
//! imports are idempotent, a school's timeline carries its predecessor's visits and its report
//! card, and DfE's school list fills what the register lacks. Expected figures were counted
//! with Python (csv, openpyxl, pyarrow, json) over the same files.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade};
use schoolsight_domain::{Judgement, Urn};
use schoolsight_ingest::{ParsedFile, parse_bytes};
use schoolsight_store::testing::{TestBackend, TestDatabase};
use schoolsight_store::{ImportOutcome, ImportedFile, Store, test_each_backend};
use sqlx::{AnyPool, Row};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

const SCRAPE: &str = "ofsted-inspection-history-2005-2020-scraped/ofsted_ratings_2018.csv";
const MI_SAT: &str = "ofsted-mi-feb2022-two-inspections-academies/single_academy_trusts.xlsx";
const STATS: &str = "ofsted-official-stats-state-funded-schools-aug2025/ofsted.parquet";
const CARDS: &str = "ofsted-report-cards-2025-26-derived/ofsted_latest.json";
const LINKS_2025: &str = "ees-ks4-school-info-2023-24-and-gias-links-2025/links_edubasealldata.csv";
const SPINE: &str = "ofsted-inspection-history-2005-2020-scraped/2017-2018_england_spine.xlsx";
const GIAS_2022: &str = "hampshire-surrey-2017-2022/20220420_gias.csv";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn parse(name: &str, bytes: &[u8]) -> ParsedFile {
    parse_bytes(name, bytes, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"))
}

async fn import_bytes(store: &Store, name: &str, bytes: &[u8]) -> ImportOutcome {
    store.import(&parse(name, bytes), &mut |_, _| {}).await.unwrap()
}

async fn import(store: &Store, rel: &str) -> ImportedFile {
    match import_bytes(store, rel, &std::fs::read(shared(rel)).unwrap()).await {
        ImportOutcome::Imported(f) => f,
        other => panic!("{rel}: {other:?}"),
    }
}

/// The real scrape's header and the rows of the URNs `keep` accepts, byte for byte.
fn scrape_rows(keep: impl Fn(i64) -> bool) -> Vec<u8> {
    let text = std::fs::read_to_string(shared(SCRAPE)).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for line in lines.filter(|l| keep(l.split(',').next().unwrap().parse().unwrap())) {
        out.push_str(line);
        out.push('\n');
    }
    out.into_bytes()
}

async fn pool(db: &TestDatabase) -> AnyPool {
    sqlx::any::install_default_drivers();
    AnyPool::connect(&db.url).await.unwrap()
}

async fn count(pool: &AnyPool, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(pool).await.unwrap().try_get(0).unwrap()
}

/// Every stored visit and grade as text, without the file each came from.
async fn snapshot(pool: &AnyPool) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT urn, start_date, end_date, publication_date, number, kind, grade, category, graded, outcome, \
         quality_of_education, leadership_and_management, safeguarding_effective, source_rank FROM inspections \
         ORDER BY urn, start_date",
        "SELECT urn, start_date, area, grade, '', '', '', '', '', '', '', '', '', 0 FROM report_card_grades \
         ORDER BY urn, start_date, area",
    ] {
        for row in sqlx::query(sql).fetch_all(pool).await.unwrap() {
            let text: Vec<String> = (0..13)
                .map(|i| {
                    row.try_get::<Option<String>, _>(i)
                        .ok()
                        .flatten()
                        .or_else(|| row.try_get::<Option<i64>, _>(i).ok().flatten().map(|v| v.to_string()))
                        .unwrap_or_default()
                })
                .collect();
            rows.push(text.join("|"));
        }
    }
    rows
}

/// No URN has two stored visits within a week of each other.
async fn assert_no_visit_twice(pool: &AnyPool) {
    let rows = sqlx::query("SELECT urn, start_date FROM inspections ORDER BY urn, start_date").fetch_all(pool).await.unwrap();
    let visits: Vec<(i64, NaiveDate)> =
        rows.iter().map(|r| (r.try_get(0).unwrap(), day(&r.try_get::<String, _>(1).unwrap()))).collect();
    for pair in visits.windows(2) {
        assert!(pair[0].0 != pair[1].0 || (pair[1].1 - pair[0].1).num_days() > 7, "{pair:?}");
    }
}

test_each_backend!(a_visit_in_the_scrape_and_the_mi_is_stored_once_with_the_mi_values, super::scrape_and_mi);
async fn scrape_and_mi(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let pool = pool(&db).await;
    // The scrape's rows for the schools of the academies MI file (python: 1,292 rows).
    let mi = parse(MI_SAT, &std::fs::read(shared(MI_SAT)).unwrap());
    let urns: std::collections::HashSet<i64> = mi.extract.inspections.iter().map(|i| i.urn.0).collect();
    let scrape = scrape_rows(|u| urns.contains(&u));
    let ImportOutcome::Imported(first) = import_bytes(&store, "scrape.csv", &scrape).await else { panic!() };
    assert_eq!(first.inspections_written, 1_292);
    let ImportOutcome::Imported(second) = store.import(&mi, &mut |_, _| {}).await.unwrap() else { panic!() };
    // python: 1,203 MI visits, 1,013 of them on a scraped (URN, date): 1,292 + 1,203 − 1,013 rows.
    assert_eq!(second.visits_matched, 1_013);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM inspections").await, 1_482);
    assert_no_visit_twice(&pool).await;
    // URN 105135 (St Paul's Academy), 23/01/2013: scraped 'Good'; the MI adds its number and
    // leadership grade and ranks above the scrape.
    let row = sqlx::query(
        "SELECT grade, number, leadership_and_management, source_rank, graded FROM inspections \
         WHERE urn = 105135 AND start_date = '2013-01-23'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(row.len(), 1);
    let r = &row[0];
    assert_eq!(r.try_get::<i64, _>(0).unwrap(), 2);
    assert_eq!(r.try_get::<String, _>(1).unwrap(), "ITS402966");
    assert_eq!(r.try_get::<i64, _>(2).unwrap(), 2);
    assert_eq!(r.try_get::<i64, _>(3).unwrap(), 2);
    assert_eq!(r.try_get::<i64, _>(4).unwrap(), 1);
    pool.close().await;
    db.remove().await;
}

test_each_backend!(dates_a_day_apart_are_one_visit_dated_by_ofsted, super::dates_a_day_apart);
async fn dates_a_day_apart(backend: TestBackend) {
    // URN 113638: the scrape dates a visit 11/12/2013, Ofsted's statistics 10/12/2013.
    let scrape = scrape_rows(|u| u == 113638 || u == 100032);
    for scrape_first in [true, false] {
        let db = TestDatabase::new(backend).await;
        let store = db.store().await;
        let pool = pool(&db).await;
        if scrape_first {
            import_bytes(&store, "scrape.csv", &scrape).await;
            let stats = import(&store, STATS).await;
            assert_eq!(stats.visits_redated, 1, "only this visit's dates differ");
        } else {
            import(&store, STATS).await;
            import_bytes(&store, "scrape.csv", &scrape).await;
        }
        let dates: Vec<String> = sqlx::query("SELECT start_date FROM inspections WHERE urn = 113638 AND start_date LIKE '2013-12%'")
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get(0).unwrap())
            .collect();
        assert_eq!(dates, ["2013-12-10"], "scrape first: {scrape_first}");
        assert_no_visit_twice(&pool).await;
        // A graded visit since September 2024 has no overall grade, only sub-judgements.
        let history = store.school(Urn(100032)).await.unwrap().unwrap();
        let latest = &history.timeline[0];
        assert_eq!(latest.inspection.start_date, day("2024-11-19"));
        assert_eq!(latest.judgement_label.as_deref(), Some("no overall grade (sub-judgements only)"));
        assert_eq!(latest.inspection.detail.sub_judgements.quality_of_education, Some(1));
        pool.close().await;
        db.remove().await;
    }
}

test_each_backend!(the_same_bytes_or_the_same_facts_change_nothing, super::idempotent);
async fn idempotent(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let pool = pool(&db).await;
    let scrape = scrape_rows(|u| (100000..101000).contains(&u));
    import(&store, CARDS).await;
    import_bytes(&store, "scrape.csv", &scrape).await;
    let before = snapshot(&pool).await;
    assert!(matches!(import_bytes(&store, "again.csv", &scrape).await, ImportOutcome::AlreadyImported { .. }));
    assert!(matches!(import_bytes(&store, "cards.json", &std::fs::read(shared(CARDS)).unwrap()).await, ImportOutcome::AlreadyImported { .. }));
    // The same facts in other bytes: the scrape gzipped, the report cards re-indented.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&scrape).unwrap();
    let ImportOutcome::Imported(f) = import_bytes(&store, "scrape.csv.gz", &gz.finish().unwrap()).await else { panic!() };
    let scraped = count(&pool, "SELECT COUNT(*) FROM inspections WHERE urn BETWEEN 100000 AND 100999 AND start_date < '2021-01-01'").await;
    assert_eq!(f.visits_matched as i64, scraped, "every visit found stored");
    let cards: serde_json::Value = serde_json::from_slice(&std::fs::read(shared(CARDS)).unwrap()).unwrap();
    let ImportOutcome::Imported(c) = import_bytes(&store, "cards.json", serde_json::to_string_pretty(&cards).unwrap().as_bytes()).await else {
        panic!()
    };
    assert_eq!(c.report_card_grades_written, 0);
    assert_eq!(snapshot(&pool).await, before);
    pool.close().await;
    db.remove().await;
}

test_each_backend!(an_academy_timeline_shows_its_predecessor_and_its_report_card, super::predecessor_and_report_card);
async fn predecessor_and_report_card(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    // URN 142821 succeeded 123597 on 19/04/2016 (GIAS links 2025); the scrape has 123597's four
    // visits (Good 2006, Good 2009, Good 2011, Inadequate 2015); its report card is of 21/04/2026.
    import(&store, GIAS_2022).await;
    let links = import(&store, LINKS_2025).await;
    assert_eq!(links.links_written, 34_565);
    import_bytes(&store, "scrape.csv", &scrape_rows(|u| u == 123597 || u == 142821)).await;
    let cards = import(&store, CARDS).await;
    // python: 15,655 grades on the 2,045 dated entries.
    assert_eq!(cards.report_card_grades_written, 15_655);
    let timeline = store.timeline(Urn(142821)).await.unwrap();
    let newest = &timeline[0];
    assert_eq!(newest.inspection.start_date, day("2026-04-21"));
    assert_eq!(newest.predecessor, None);
    assert_eq!(newest.judgement_label.as_deref(), Some("report card (no overall grade)"));
    assert!(newest.inspection.detail.report_card.contains(&(ReportCardArea::Inclusion, ReportCardGrade::NeedsAttention)));
    let predecessor: Vec<_> = timeline[1..].iter().map(|e| (e.predecessor, e.inspection.start_date, e.inspection.judgement)).collect();
    assert_eq!(
        predecessor,
        vec![
            (Some(Urn(123597)), day("2015-05-12"), Some(Judgement::Inadequate)),
            (Some(Urn(123597)), day("2011-10-12"), Some(Judgement::Good)),
            (Some(Urn(123597)), day("2009-03-11"), Some(Judgement::Good)),
            (Some(Urn(123597)), day("2006-02-15"), Some(Judgement::Good)),
        ]
    );
    db.remove().await;
}

test_each_backend!(the_school_list_fills_what_the_register_lacks, super::spine_fills);
async fn spine_fills(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    import(&store, GIAS_2022).await;
    let spine = import(&store, SPINE).await;
    // openpyxl: 3,596 OTHERURN predecessors.
    assert_eq!(spine.links_written, 3_596);
    // In the register: its name stays (the spine's 2017/18 name was "Poulner Infant School").
    let poulner = store.school(Urn(116031)).await.unwrap().unwrap();
    assert_eq!(poulner.school.name, "Poulner Infant School and Nursery");
    // Not in the 2022 extract: added from the spine, its LA named from the register's code 850.
    let hanson = store.school(Urn(116405)).await.unwrap().unwrap();
    assert_eq!(hanson.school.name, "John Hanson Community School");
    assert_eq!(hanson.school.la_name, "Hampshire");
    db.remove().await;
}

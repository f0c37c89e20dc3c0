//! The `schoolsight` binary as a user runs it, on a fresh SQLite database per test.

use std::path::{Path, PathBuf};

mod common;

use common::Sandbox;
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::TestBackend;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

/// A working folder and a fresh database on one back end.
fn gias_2022() -> String {
    shared("hampshire-surrey-2017-2022/20220420_gias.csv").display().to_string()
}

test_each_backend!(a_bad_file_among_good_ones_writes_nothing, super::a_bad_file_among_good_ones_writes_nothing);
async fn a_bad_file_among_good_ones_writes_nothing(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    let good = gias_2022();
    let text = std::fs::read_to_string(&good).unwrap();
    let broken = text.replacen("\"17-03-2022\"", "\"17/13/2022\"", 1);
    let bad = s.write("edubasealldata20220501.csv", &broken);
    let out = s.run(&["import", &good, &bad]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("edubasealldata20220501.csv: row 2, column 'LastChangedDate'"), "{err}");
    // The good file was checked but not written either.
    let missing = s.run(&["school", "115850"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no school with URN 115850"));
    s.remove().await;
}

/// Ofsted management information with the 2021 headers it reads (grades as numbers).
const MI: &str = "\"URN\",\"School name\",\"Local authority\",\"Ofsted phase\",\"Type of education\",\"Inspection start date\",\"Overall effectiveness\",\"Category of concern\"\r\n\
103980,\"Rounds Green Primary School\",\"Sandwell\",\"Primary\",\"Community school\",09/11/2016,4,\"SM\"\r\n\
139305,\"Rough Hay Primary School\",\"Walsall\",\"Primary\",\"Academy sponsor led\",08/11/2016,2,\"\"\r\n";

/// Each malformation: the file's bytes and what the error must say.
fn malformations() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let gias = std::fs::read_to_string(gias_2022()).unwrap();
    let header = gias.lines().next().unwrap().to_string();
    vec![
        ("bad-date.csv", gias.replacen("\"17-03-2022\"", "\"17/13/2022\"", 1).into_bytes(), "bad-date.csv: row 2, column 'LastChangedDate': '17/13/2022' is not a date"),
        ("bad-urn.csv", gias.replacen("115851,", "1158X1,", 1).into_bytes(), "bad-urn.csv: row 3, column 'URN': '1158X1' is not a whole number"),
        ("no-la.csv", gias.replacen("\"LA (name)\"", "\"Authority\"", 1).into_bytes(), "no-la.csv: column 'LA (name)' is missing"),
        ("bad-rating.csv", gias.replacen("\"Good\"", "\"Excellent\"", 1).into_bytes(), "column 'OfstedRating (name)': 'Excellent' is not a judgement"),
        ("bad-grade.csv", MI.replacen(",2,", ",7,", 1).into_bytes(), "bad-grade.csv: row 3, column 'Overall effectiveness': '7' is not a judgement"),
        ("bad-category.csv", MI.replacen("\"SM\"", "\"XX\"", 1).into_bytes(), "bad-category.csv: row 2, column 'Category of concern': 'XX' is not a category of concern"),
        ("header-only.csv", format!("{header}\r\n").into_bytes(), "header-only.csv: has no data rows"),
        ("junk.csv", (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(), "junk.csv: "),
        ("bad-timeline.csv", b"URN,Rating,Inspection Date\n100000,Outstanding,20130418\n100000,Excellent,20080926\n".to_vec(), "bad-timeline.csv: row 3, column 'Rating': 'Excellent' is not a judgement"),
        ("bad-links.csv", b"\"URN\",\"LinkURN\",\"LinkName\",\"LinkType\",\"LinkEstablishedDate\"\n100012,10002X,\"A\",\"Successor\",\"31-08-2021\"\n".to_vec(), "bad-links.csv: row 2, column 'LinkURN': '10002X' is not a whole number"),
        ("bad-cards.json", br#"{"138409":{"inspection_date":"11/11/2025","sub_judgements":{"inclusion":"Brilliant"}}}"#.to_vec(), "bad-cards.json: row 2, column 'sub_judgements.inclusion': 'Brilliant' is not a report-card grade"),
        ("cut.parquet", std::fs::read(shared("ofsted-official-stats-state-funded-schools-aug2025/ofsted.parquet")).unwrap()[..4096].to_vec(), "cut.parquet: cannot read"),
        ("empty.csv", Vec::new(), "empty.csv: "),
    ]
}

test_each_backend!(every_malformation_is_named_and_nothing_is_written, super::every_malformation_is_named_and_nothing_is_written);
async fn every_malformation_is_named_and_nothing_is_written(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    let good = s.write("good-mi.csv", MI);
    for (name, bytes, expected) in malformations() {
        let path = s.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = s.run(&["import", &gias_2022(), &good, &path.display().to_string()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} was accepted");
        assert!(err.contains(expected), "{name}: expected '{expected}' in: {err}");
        let totals = s.db.store().await.totals().await.unwrap();
        assert_eq!((totals.schools, totals.inspections, totals.files), (0, 0, 0), "{name} left data behind");
    }
    s.remove().await;
}

test_each_backend!(importing_is_idempotent_and_newer_extracts_win, super::importing_is_idempotent_and_newer_extracts_win);
async fn importing_is_idempotent_and_newer_extracts_win(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    let first = s.ok(&["import", &gias_2022()]);
    assert!(first.contains("imported 20220420_gias.csv"), "{first}");
    assert!(first.contains("1096 rows; 1096 register entries, 762 inspections written"), "{first}");
    let again = s.ok(&["import", &gias_2022()]);
    assert!(again.contains("skipped 20220420_gias.csv"), "{again}");

    // Surrey's 2021 extract is older: it adds history but does not overwrite the 2022 entries.
    s.ok(&["import", &shared("hampshire-surrey-2017-2022/2021_936_gias.csv").display().to_string()]);
    let school = s.json(&["school", "124955", "--json"]);
    assert_eq!(school["school"]["pupils"], 449, "the April 2022 count stands");
    let declined = s.json(&["school", "124939", "--json"]);
    let timeline = declined["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 2);
    assert_eq!(timeline[0]["judgement_label"], "good");
    assert_eq!(timeline[0]["movement"], "declined");
    assert_eq!(timeline[1]["judgement_label"], "outstanding");
    s.remove().await;
}

test_each_backend!(query_commands_answer_in_text_and_json, super::query_commands_answer_in_text_and_json);
async fn query_commands_answer_in_text_and_json(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    s.ok(&["import", &gias_2022()]);
    let profile = s.json(&["la-profile", "--la", "surrey", "--at", "20/04/2022", "--json"]);
    assert_eq!(profile["la_name"], "Surrey");
    assert_eq!(profile["at"], "2022-04-20");
    let text = s.ok(&["la-profile", "--la", "Surrey", "--at", "2022-04-20"]);
    assert!(text.contains("Surrey — state-funded schools open on 2022-04-20"), "{text}");
    assert!(text.contains("Good or outstanding"), "{text}");

    let outcomes = s.json(&["outcomes", "--la", "Hampshire", "--from", "2021-09-01", "--to", "2022-04-20", "--json"]);
    let total: u64 = outcomes["judgements"].as_array().unwrap().iter().map(|j| j["count"].as_u64().unwrap()).sum();
    assert_eq!(total, outcomes["inspected"].as_u64().unwrap());
    assert!(total > 0, "Hampshire had inspections that year");

    let text = s.ok(&["school", "115850"]);
    assert!(text.contains("Alton Infant School (URN 115850)"), "{text}");
    assert!(text.contains("2019-01-23  good"), "{text}");

    let wrong = s.run(&["outcomes", "--la", "Surrey", "--from", "2022-01-01", "--to", "2021-01-01"]);
    assert!(!wrong.status.success());
    let unknown = s.run(&["la-profile", "--la", "Atlantis"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no local authority matches 'Atlantis'"));
    s.remove().await;
}

test_each_backend!(users_are_added_with_a_password_from_standard_input, super::users_are_added_with_a_password_from_standard_input);
async fn users_are_added_with_a_password_from_standard_input(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    s.ok(&["import", &gias_2022()]);
    let added = s.run_with_input(&["user", "add", "--name", "ann", "--role", "la_officer", "--la", "hampshire"], "a long passphrase\n");
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert!(String::from_utf8_lossy(&added.stdout).contains("added user ann (la_officer)"));
    let store = s.db.store().await;
    let session = store.sign_in("ann", "a long passphrase").await.unwrap().expect("the password from stdin signs in").1;
    assert_eq!(session.principal.la_name.as_deref(), Some("Hampshire"), "the LA is resolved to its register name");
    assert!(store.sign_in("ann", "a long passphrasf").await.unwrap().is_none());
    let refusals = [
        (vec!["user", "add", "--name", "bob", "--role", "la_officer"], "x".repeat(12), "needs --la"),
        (vec!["user", "add", "--name", "bob", "--role", "inspector"], "short".to_string(), "at least 10 characters"),
        (vec!["user", "add", "--name", "ann", "--role", "inspector"], "another long one".to_string(), "a user named 'ann' exists"),
        (vec!["user", "add", "--name", "bob", "--role", "king"], "another long one".to_string(), "is not a role"),
    ];
    for (args, input, expected) in refusals {
        let out = s.run_with_input(&args, &format!("{input}\n"));
        assert!(!out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(expected), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    s.remove().await;
}

test_each_backend!(a_school_timeline_shows_its_predecessor_and_report_card, super::a_school_timeline_shows_its_predecessor_and_report_card);
async fn a_school_timeline_shows_its_predecessor_and_report_card(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    // URN 142821 succeeded 123597 (GIAS links 2025), whose visits are in the scrape; its first
    // report card is of 21/04/2026.
    let text = std::fs::read_to_string(shared("ofsted-inspection-history-2005-2020-scraped/ofsted_ratings_2018.csv")).unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("URN,") || l.starts_with("123597,")).collect();
    let scrape = s.write("ofsted_ratings_123597.csv", &(rows.join("\n") + "\n"));
    let links = shared("ees-ks4-school-info-2023-24-and-gias-links-2025/links_edubasealldata.csv").display().to_string();
    let cards = shared("ofsted-report-cards-2025-26-derived/ofsted_latest.json").display().to_string();
    let spine = shared("ofsted-inspection-history-2005-2020-scraped/2017-2018_england_spine.xlsx").display().to_string();
    let imported = s.ok(&["import", &spine, &links, &scrape, &cards]);
    assert!(imported.contains("(gias_links): 34565 rows"), "{imported}");
    assert!(imported.contains("15655 report-card grades"), "{imported}");
    let shown = s.ok(&["school", "142821"]);
    assert!(shown.contains("2026-04-21  report card (no overall grade)"), "{shown}");
    assert!(shown.contains("inclusion: needs attention"), "{shown}");
    assert!(shown.contains("2015-05-12  inadequate"), "{shown}");
    assert!(shown.contains("under predecessor URN 123597"), "{shown}");
    s.remove().await;
}

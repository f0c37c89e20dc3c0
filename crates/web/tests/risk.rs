//! The early warning over HTTP (issue 12, points 6-7): an LA's risk list as at a day, a
//! school's risk over the years, the back-test; what a signed-out visitor sees and what an
//! officer of the LA may do (open a case from a row). Figures are checked against the
//! published timeline file itself, read here row by row.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use common::{Client, call, raw_request, send, shared, sign_in};
use schoolsight_domain::casework::Role;
use schoolsight_ingest::parse_file;
use schoolsight_search::SearchIndex;
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::{TestBackend, TestDatabase};

const AS_AT: &str = "2016-08-31";
/// The spine names an LA by its code; 860 is Staffordshire, letter 003's LA.
const LA: &str = "LA 860";
const SPINE: &str = "ofsted-inspection-history-2005-2020-scraped/2017-2018_england_spine.xlsx";
const TIMELINE: &str = "ofsted-inspection-history-2005-2020-scraped/ofsted_ratings_2018.csv";

/// A tenth of the scraped timeline as published (the schools whose URN ends in 3), and those
/// rows by URN: (date, grade 1..4), oldest first.
fn timeline(folder: &std::path::Path) -> (std::path::PathBuf, BTreeMap<i64, Vec<(NaiveDate, u8)>>) {
    let text = std::fs::read_to_string(shared(TIMELINE)).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.filter(|l| l.split(',').next().unwrap().ends_with('3')).collect();
    let file = folder.join("timeline.csv");
    std::fs::write(&file, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    let mut by_urn: BTreeMap<i64, Vec<(NaiveDate, u8)>> = BTreeMap::new();
    for row in rows {
        let fields: Vec<&str> = row.split(',').collect();
        let grade = match fields[1] {
            "Outstanding" => 1,
            "Good" => 2,
            "Satisfactory" | "Requires improvement" | "Requires Improvement" => 3,
            "Inadequate" => 4,
            other => panic!("rating {other}"),
        };
        let date = NaiveDate::parse_from_str(fields[2], "%Y%m%d").unwrap();
        by_urn.entry(fields[0].parse().unwrap()).or_default().push((date, grade));
    }
    for visits in by_urn.values_mut() {
        visits.sort();
        visits.dedup();
    }
    (file, by_urn)
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn form_encode(fields: &[(&str, &str)]) -> String {
    let encode = |t: &str| t.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect::<String>();
    fields.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
}

async fn world(backend: TestBackend) -> (Router, TestDatabase, BTreeMap<i64, Vec<(NaiveDate, u8)>>) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let folder = tempfile::tempdir().unwrap();
    let (file, rows) = timeline(folder.path());
    for path in [shared(SPINE), file] {
        let parsed = parse_file(&path, &mut |_, _| {}).unwrap();
        store.import(&parsed, &mut |_, _| {}).await.unwrap();
    }
    let officer = common::user("staffs", Role::LaOfficer, Some(LA), None, None);
    store.add_user(&officer, "test").await.unwrap();
    let app = schoolsight_web::router(store, Arc::new(SearchIndex::in_memory().unwrap()));
    (app, db, rows)
}

test_each_backend!(an_las_risk_list_scores_the_schools_with_a_graded_inspection_and_says_which_are_not, super::risk_list);
async fn risk_list(backend: TestBackend) {
    let (app, db, rows) = world(backend).await;
    let at = day(AS_AT);
    let nobody = Client::default();
    let reply = call(&app, &nobody, Method::GET, &format!("/api/las/{}/risk?at={AS_AT}", LA.replace(' ', "%20")), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let list = &reply.json;
    let scored = list["schools"].as_array().unwrap();
    let not_scored = list["not_scored"].as_array().unwrap();
    assert!(scored.len() > 20, "{} scored", scored.len());
    assert_eq!(list["open_schools"].as_u64().unwrap() as usize, scored.len() + not_scored.len());

    let known = |urn: i64| -> Vec<(NaiveDate, u8)> { rows.get(&urn).map(|v| v.iter().copied().filter(|(d, _)| *d <= at).collect()).unwrap_or_default() };
    for school in not_scored {
        let urn = school["urn"].as_i64().unwrap();
        assert!(known(urn).is_empty(), "{urn} has a graded inspection by {AS_AT} yet is not scored");
        assert_eq!(school["reason"], "no graded inspection on record");
    }
    let mut previous = f64::INFINITY;
    for school in scored {
        let urn = school["urn"].as_i64().unwrap();
        let p = school["probability"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p) && p <= previous, "riskiest first, within 0..1");
        previous = p;
        let expected_category = match p {
            p if p >= 0.60 => "intensive",
            p if p >= 0.45 => "core_group",
            p if p >= 0.30 => "monitor",
            _ => "universal",
        };
        assert_eq!(school["category"], expected_category, "{urn} at {p}");
        let last = known(urn).last().map(|(_, g)| *g);
        assert_eq!(school["last_grade"].as_u64().map(|g| g as u8), last, "{urn}: the file's latest rating by {AS_AT}");
        assert!(school["reasons"].as_array().unwrap().iter().all(|r| r["factor"] != "open_casework"));
    }

    // The page says what the figures cover and offers no casework to a signed-out visitor.
    let page = call(&app, &nobody, Method::GET, &format!("/la/{}/risk?at={AS_AT}", LA.replace(' ', "%20")), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let coverage = format!("<strong>{} have a graded inspection on record and are scored</strong>, {} are not", scored.len(), not_scored.len());
    assert!(page.text.contains(&coverage), "coverage sentence missing");
    assert_eq!(page.text.matches("not scored: no graded inspection on record").count(), not_scored.len());
    assert_eq!(page.text.matches("<tr data-urn=").count(), scored.len());
    assert!(!page.text.contains("Open a case"));

    // An officer of the LA may open a case from a row: the form carries the school, the
    // session's CSRF token and the proposed category.
    let officer = sign_in(&app, "staffs").await;
    let cookie_only = Client { cookie: officer.cookie.clone(), csrf: None };
    let page = call(&app, &cookie_only, Method::GET, &format!("/la/{}/risk?at={AS_AT}", LA.replace(' ', "%20")), None).await;
    assert_eq!(page.text.matches("Open a case").count(), scored.len());
    let top = &scored[0];
    let urn = top["urn"].as_i64().unwrap().to_string();
    let csrf = officer.csrf.clone().unwrap();
    assert!(page.text.contains(&format!(r#"name="csrf" value="{csrf}""#)));
    assert!(page.text.contains(&format!(r#"name="urn" value="{urn}""#)));
    let category = top["category"].as_str().unwrap();
    let body = form_encode(&[("csrf", &csrf), ("urn", &urn), ("category", category), ("link_officer", "staffs"), ("reason", "early warning")]);
    let opened = send(&app, raw_request(&cookie_only, Method::POST, "/cases", Some("application/x-www-form-urlencoded"), body)).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    db.remove().await;
}

test_each_backend!(a_schools_risk_history_sits_beside_its_judgements_from_the_file, super::school_history);
async fn school_history(backend: TestBackend) {
    let (app, db, rows) = world(backend).await;
    let nobody = Client::default();
    let list = call(&app, &nobody, Method::GET, &format!("/api/las/{}/risk?at={AS_AT}", LA.replace(' ', "%20")), None).await;
    let urn = list.json["schools"][0]["urn"].as_i64().unwrap();
    let reply = call(&app, &nobody, Method::GET, &format!("/api/schools/{urn}/risk"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let judgements: Vec<(NaiveDate, u8)> = reply.json["judgements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| (day(j[0].as_str().unwrap()), j[1].as_u64().unwrap() as u8))
        .collect();
    assert_eq!(judgements, rows[&urn], "the school's judgements are the file's rows");
    let risk = reply.json["risk"].as_array().unwrap();
    assert!(!risk.is_empty());
    for point in risk {
        assert!(point["at"].as_str().unwrap().ends_with("-08-31"));
        assert!((0.0..=1.0).contains(&point["probability"].as_f64().unwrap()));
    }
    let page = call(&app, &nobody, Method::GET, &format!("/school/{urn}/risk"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text.matches(r#"class="dot s1 risk-point""#).count(), risk.len());
    assert!(page.text.contains(r#"<ul class="reasons">"#) || page.text.contains("No single factor"));
    let unknown = call(&app, &nobody, Method::GET, "/api/schools/999999999/risk", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.json["error"].is_string());
    db.remove().await;
}

test_each_backend!(the_backtest_tests_the_windows_the_file_covers, super::backtest);
async fn backtest(backend: TestBackend) {
    let (app, db, rows) = world(backend).await;
    let reply = call(&app, &Client::default(), Method::GET, "/api/model/backtest", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let latest = rows.values().flatten().map(|(d, _)| *d).max().unwrap();
    let windows = reply.json["windows"].as_array().unwrap();
    assert!(!windows.is_empty());
    for w in windows {
        let (from, to) = (day(w["test_from"].as_str().unwrap()), day(w["test_to"].as_str().unwrap()));
        assert!(from <= latest, "a window after the file's last inspection ({latest}) was tested: {from}");
        // Each school's first visit in the window, counted from the file.
        let inspected = rows.values().filter(|v| v.iter().any(|(d, _)| *d >= from && *d <= to)).count();
        assert!(w["inspections"].as_u64().unwrap() as usize <= inspected);
        for model in ["gbdt", "logistic", "baseline_previous", "baseline_previous_and_time"] {
            assert!(w["models"][model]["brier"].is_number(), "{model}");
        }
    }
    let skipped = reply.json["skipped"].as_array().unwrap();
    assert!(skipped.iter().any(|s| s["cutoff"] == "2021-09-01"), "the file ends in {latest}: 2021 cannot be tested");
    let page = call(&app, &Client::default(), Method::GET, "/model", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text.matches("<tr data-cutoff=").count(), 4 * windows.len());
    assert!(page.text.contains("class=\"dot s1 decile\""), "the calibration chart");
    db.remove().await;
}

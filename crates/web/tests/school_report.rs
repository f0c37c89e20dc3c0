//! The school report for a link officer's visit (issue 17 point 2) over HTTP, on both back ends,
//! from the real published files: Hampshire's and Surrey's register of April 2022, the national
//! links file, the scraped inspection history of their schools and Hampshire's KS2 results for
//! 2016/17 to 2018/19. The figures are checked against those files, read here row by row:
//! Wallop Primary School's five inspections and its fall in reading, writing and maths (86% to
//! 39% in 2018/19), Rowner Junior's history under its predecessor's URN. A letter, a case and
//! a support package are stored by the test, so their counts are the test's own; the support's
//! comparison group is counted from the KS2 files. Casework reaches only an officer of the LA.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::Router;
use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use common::{Client, call, import, shared, sign_in};
use schoolsight_domain::Urn;
use schoolsight_domain::casework::{ConcernCategory, Role};
use schoolsight_search::SearchIndex;
use schoolsight_store::testing::{TestBackend, TestDatabase, csv_fields};
use schoolsight_store::{NewCase, NewLetter, Store, SupportPackage, test_each_backend};
use serde_json::Value;

const WALLOP: i64 = 115957;
const ROWNER: i64 = 146244;
const GIAS: &str = "hampshire-surrey-2017-2022/20220420_gias.csv";
const LINKS: &str = "hampshire-surrey-2017-2022/2021_giaslinks.csv";
const RATINGS: &str = "ofsted-inspection-history-2005-2020-scraped/ofsted_ratings_2018.csv";
const KS2: [&str; 3] = [
    "hampshire-surrey-2017-2022/2016-2017_850_ks2final.csv",
    "hampshire-surrey-2017-2022/2017-2018_850_ks2final.csv",
    "hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv",
];

/// A published CSV's rows as fields (double quotes honoured; the BOM and any byte outside
/// UTF-8 dropped: only URNs, dates and figures are read here).
fn csv(rel: &str) -> Vec<Vec<String>> {
    let text = String::from_utf8_lossy(&std::fs::read(shared(rel)).unwrap()).trim_start_matches('\u{feff}').to_string();
    text.lines().map(csv_fields).collect()
}

/// The column named `name` of a CSV's header.
fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

/// The scraped history's rows of `urn`: (date, grade 1..4), oldest first.
fn ratings(urn: i64) -> Vec<(NaiveDate, u8)> {
    let mut rows: Vec<(NaiveDate, u8)> = csv(RATINGS)
        .into_iter()
        .filter(|r| r[0] == urn.to_string())
        .map(|r| {
            let grade = match r[1].as_str() {
                "Outstanding" => 1,
                "Good" => 2,
                "Satisfactory" | "Requires Improvement" | "Requires improvement" => 3,
                "Inadequate" => 4,
                other => panic!("rating {other}"),
            };
            (NaiveDate::parse_from_str(&r[2], "%Y%m%d").unwrap(), grade)
        })
        .collect();
    rows.sort();
    rows.dedup();
    rows
}

/// Each school's % meeting the expected standard in reading, writing and maths in the KS2 file
/// of `file` (school rows only; a suppressed or missing figure is left out).
fn rwm_expected(file: &str) -> BTreeMap<i64, f64> {
    let rows = csv(file);
    let (rectype, urn, value) = (column(&rows, "RECTYPE"), column(&rows, "URN"), column(&rows, "PTRWM_EXP"));
    rows[1..]
        .iter()
        .filter(|r| r.get(rectype).is_some_and(|t| t == "1"))
        .filter_map(|r| Some((r.get(urn)?.parse().ok()?, r.get(value)?.trim_end_matches('%').parse().ok()?)))
        .collect()
}

/// The scraped history of the register's schools and of the schools they succeeded, as a file.
fn history_of_the_register(folder: &std::path::Path) -> std::path::PathBuf {
    let mut urns: BTreeSet<String> = csv(GIAS)[1..].iter().map(|r| r[0].clone()).collect();
    let links = csv(LINKS);
    let linked: Vec<String> = links[1..].iter().filter(|r| urns.contains(&r[0])).map(|r| r[1].clone()).collect();
    urns.extend(linked);
    let text = std::fs::read_to_string(shared(RATINGS)).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.filter(|l| l.split(',').next().is_some_and(|u| urns.contains(u))).collect();
    let file = folder.join("ratings.csv");
    std::fs::write(&file, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    file
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// The records a link officer keeps on Wallop: a letter with three actions (the first closed),
/// a case, and a package of reading support in 2017/18. Returns the letter's id.
async fn casework(store: &Store) -> String {
    let letter = NewLetter {
        sha256: "5e".repeat(32),
        name: "wallop-monitoring.txt".into(),
        format: "text".into(),
        kind: "school_monitoring".into(),
        title: "Monitoring visit to Wallop Primary School".into(),
        letter_date: Some(day("2018-03-15")),
        visit: None,
        urn: Some(Urn(WALLOP)),
        la_name: None,
        link_note: "linked by the test".into(),
        body: "Wallop Primary School".into(),
        record_json: serde_json::to_string(&schoolsight_letters::parse("Wallop Primary School")).unwrap(),
        actions: vec!["raise attainment in writing".into(), "check the accuracy of assessment".into(), "secure governors' challenge | <b>now</b>".into()],
    };
    store.save_letter(&letter).await.unwrap();
    // The inspection report before it: undated, as reports are, with the register's visit.
    let report = NewLetter {
        sha256: "4d".repeat(32),
        name: "wallop-report.txt".into(),
        kind: "school_report".into(),
        title: "Wallop Primary School inspection report".into(),
        letter_date: None,
        visit: Some((day("2018-02-20"), day("2018-02-21"))),
        actions: vec!["improve the teaching of writing".into()],
        ..letter.clone()
    };
    store.save_letter(&report).await.unwrap();
    assert!(store.close_action(&format!("{}-1", letter.id()), "hants", "writing moderated with the cluster").await.unwrap());
    let case = NewCase {
        urn: Urn(WALLOP),
        category: ConcernCategory::Monitor,
        link_officer: "hants".into(),
        reason: "attainment fell".into(),
        opened_on: day("2019-12-02"),
        meeting_interval_days: None,
    };
    store.open_case(&case, "hants").await.unwrap();
    let package = SupportPackage {
        id: String::new(),
        urn: Urn(WALLOP),
        provider_kind: "local_authority".into(),
        provider_name: "Hampshire reading support".into(),
        provider_urn: None,
        focus_area: "reading".into(),
        cost: Some(4500.0),
        paid_by: "LA".into(),
        starts_on: day("2018-01-08"),
        ends_on: Some(day("2018-07-20")),
    };
    store.add_support(&package, "hants").await.unwrap();
    letter.id()
}

async fn world(backend: TestBackend) -> (Router, TestDatabase, String) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let folder = tempfile::tempdir().unwrap();
    import(&store, &[GIAS, LINKS]).await;
    let history = history_of_the_register(folder.path());
    let parsed = schoolsight_ingest::parse_file(&history, &mut |_, _| {}).unwrap();
    store.import(&parsed, &mut |_, _| {}).await.unwrap();
    import(&store, &KS2).await;
    store.add_user(&common::user("hants", Role::LaOfficer, Some("Hampshire"), None, None), "test").await.unwrap();
    store.add_user(&common::user("surrey", Role::LaOfficer, Some("Surrey"), None, None), "test").await.unwrap();
    let letter = casework(&store).await;
    (schoolsight_web::router(store, Arc::new(SearchIndex::in_memory().unwrap())), db, letter)
}

async fn report(app: &Router, who: &Client, urn: i64, query: &str) -> Value {
    let reply = call(app, who, Method::GET, &format!("/api/schools/{urn}/report?{query}"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json
}

/// The timeline's (date, grade, predecessor URN) entries, oldest first.
fn timeline(report: &Value) -> Vec<(NaiveDate, Option<u8>, Option<i64>)> {
    let mut entries: Vec<_> = report["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (day(e["start_date"].as_str().unwrap()), e["judgement"].as_str().map(grade_of), e["predecessor"].as_i64()))
        .collect();
    entries.sort();
    entries
}

fn grade_of(key: &str) -> u8 {
    match key {
        "outstanding" => 1,
        "good" => 2,
        "requires_improvement" => 3,
        "inadequate" => 4,
        other => panic!("judgement {other}"),
    }
}

/// The school's own line of a measure: academic year (by its first calendar year) → figure.
fn school_line(report: &Value, measure: &str, urn: i64) -> BTreeMap<i64, f64> {
    let m = report["outcomes"]["measures"].as_array().unwrap().iter().find(|m| m["measure"] == measure).unwrap_or_else(|| panic!("no {measure}"));
    let line = m["lines"].as_array().unwrap().iter().find(|l| l["subject"] == format!("school:{urn}") && l["group"] == "all").unwrap();
    m["years"]
        .as_array()
        .unwrap()
        .iter()
        .zip(line["values"].as_array().unwrap())
        .filter_map(|(y, v)| Some((y.as_i64()?, v["number"].as_f64()?)))
        .collect()
}

test_each_backend!(the_school_report, super::the_school_report);
async fn the_school_report(backend: TestBackend) {
    let (app, db, letter_id) = world(backend).await;
    let officer = sign_in(&app, "hants").await;
    let wallop = report(&app, &officer, WALLOP, "format=json").await;

    // The timeline is the scraped history's five visits (2007 good … 2014 inadequate … 2018
    // good), all Wallop's own; the register's latest (21 February 2018) is the same visit.
    let expected = ratings(WALLOP);
    assert_eq!(expected.len(), 5);
    let got = timeline(&wallop);
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for ((date, grade), (got_date, got_grade, predecessor)) in expected.iter().zip(&got) {
        assert!((*got_date - *date).num_days().abs() <= 7, "{date} in the file, {got_date} in the report");
        assert_eq!(*got_grade, Some(*grade), "{date}");
        assert_eq!(*predecessor, None);
    }

    // The letter's three actions, one closed by the officer, whose name and note they see.
    let letter = &wallop["latest_letter"];
    assert_eq!(letter["letter"]["id"], letter_id.as_str());
    let actions = letter["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 3);
    assert_eq!(actions.iter().filter(|a| a["status_at"] == "closed").count(), 1);
    assert_eq!(actions[0]["closed_by"], "hants");
    assert_eq!(actions[0]["close_note"], "writing moderated with the cluster");

    // Reading, writing and maths as the KS2 files publish them, and the fall of 2018/19 flagged.
    let files: Vec<BTreeMap<i64, f64>> = KS2.iter().map(|f| rwm_expected(f)).collect();
    let line = school_line(&wallop, "ks2_rwm_expected", WALLOP);
    for (year, file) in [2016, 2017, 2018].iter().zip(&files) {
        assert_eq!(line.get(year), file.get(&WALLOP), "{year}");
    }
    let rwm = wallop["outcomes"]["measures"].as_array().unwrap().iter().find(|m| m["measure"] == "ks2_rwm_expected").unwrap();
    let lapse = rwm["lapses"].as_array().unwrap().iter().find(|l| l["year"] == 2018).expect("the fall of 2018/19 is a lapse");
    assert_eq!(lapse["previous"].as_f64(), files[1].get(&WALLOP).copied());
    assert_eq!(lapse["value"].as_f64(), files[2].get(&WALLOP).copied());

    // The support of 2017/18 measured from 2016/17 to 2018/19 beside Hampshire's other schools
    // with both figures (none of them supported).
    let casework = &wallop["casework"];
    assert_eq!(casework["cases"].as_array().unwrap().len(), 1);
    let impact = &casework["support"][0];
    assert_eq!(impact["measure"], "ks2_rwm_expected");
    let (before, after) = (files[0][&WALLOP], files[2][&WALLOP]);
    assert_eq!(impact["estimate"]["supported"]["before"].as_f64(), Some(before));
    assert_eq!(impact["estimate"]["supported"]["after"].as_f64(), Some(after));
    let others: Vec<(f64, f64)> = files[0].iter().filter(|(u, _)| **u != WALLOP).filter_map(|(u, b)| Some((*b, *files[2].get(u)?))).collect();
    let mean_change = others.iter().map(|(b, a)| a - b).sum::<f64>() / others.len() as f64;
    assert_eq!(impact["estimate"]["comparison_schools"].as_u64(), Some(others.len() as u64));
    let difference = impact["estimate"]["difference"].as_f64().unwrap();
    assert!((difference - ((after - before) - mean_change)).abs() < 1e-9, "{difference}");

    // Risk over time is the school's early-warning history up to the day.
    let risk = call(&app, &officer, Method::GET, &format!("/api/schools/{WALLOP}/risk"), None).await.json;
    let points = |v: &Value| v.as_array().unwrap().iter().map(|p| (p["at"].clone(), p["probability"].clone())).collect::<Vec<_>>();
    assert!(!points(&wallop["risk"]["risk"]).is_empty(), "{}", wallop["risk"]);
    assert_eq!(points(&wallop["risk"]["risk"]), points(&risk["risk"]));

    // Markdown and HTML carry the same figures, escaped where they must be.
    let md = call(&app, &officer, Method::GET, &format!("/api/schools/{WALLOP}/report?format=md"), None).await.text;
    assert!(md.starts_with("# Wallop Primary School: school report as at "), "{md}");
    assert!(md.contains("| secure governors' challenge \\| <b>now</b> | open |"), "{md}");
    assert!(md.contains("Lapse — 2018/19: all pupils moved from 86% (2017/18) to 39%"), "{md}");
    assert!(md.contains("Hampshire reading support"));
    let html = call(&app, &officer, Method::GET, &format!("/api/schools/{WALLOP}/report?format=html"), None).await.text;
    assert!(html.contains("<style>") && html.contains("@page"), "the HTML stands alone with its print styles");
    let at = html.find("secure governors").unwrap();
    assert!(html.contains("secure governors&#39; challenge | &#60;b&#62;now&#60;/b&#62;") && !html.contains("<b>now</b>"), "{}", &html[at..at + 80]);

    // Between the inspection and the monitoring letter, the latest is the (undated) report,
    // by its visit's last day.
    let between = report(&app, &officer, WALLOP, "at=2018-03-01").await;
    assert_eq!((between["latest_letter"]["letter"]["title"].as_str(), between["latest_letter"]["day"].as_str()), (Some("Wallop Primary School inspection report"), Some("2018-02-21")));

    // Before the letters and the case, as at 1 January 2017: four visits, no letter, no case.
    let earlier = report(&app, &officer, WALLOP, "at=2017-01-01").await;
    assert_eq!(timeline(&earlier).len(), expected.iter().filter(|(d, _)| *d <= day("2017-01-01")).count());
    assert!(earlier["latest_letter"].is_null());
    assert!(earlier["casework"]["cases"].as_array().unwrap().is_empty());
    assert!(earlier["risk"]["risk"].as_array().unwrap().iter().all(|p| p["at"].as_str().unwrap() <= "2017-01-01"));

    // A visitor, and an officer of another LA, get the published parts only, and are told so.
    let surrey = sign_in(&app, "surrey").await;
    for who in [Client::default(), surrey] {
        let public = report(&app, &who, WALLOP, "format=json").await;
        assert!(public["casework"].is_null() && public["casework_withheld"] == true);
        let action = &public["latest_letter"]["actions"][0];
        assert_eq!(action["status_at"], "closed");
        assert!(action["closed_by"].is_null() && action["close_note"].is_null());
        let reasons = public["risk"]["risk"].as_array().unwrap().iter().flat_map(|p| p["reasons"].as_array().unwrap().iter());
        assert!(reasons.clone().all(|r| r["factor"] != "open_casework"));
        let page = call(&app, &who, Method::GET, &format!("/school/{WALLOP}/report"), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("are not shown: sign in as an officer with reach over this school"));
        assert!(!page.text.contains("writing moderated") && !page.text.contains("Hampshire reading support"));
        let md = call(&app, &who, Method::GET, &format!("/school/{WALLOP}/report.md"), None).await.text;
        assert!(md.contains("are not shown") && !md.contains("hants"), "{md}");
    }

    // Rowner Junior (an academy since September 2018) shows its predecessor's visits, marked:
    // the national links file names 116167 as its predecessor.
    let links = csv(LINKS);
    let predecessor: i64 = links.iter().find(|r| r[0] == ROWNER.to_string() && r[3] == "Predecessor").unwrap()[1].parse().unwrap();
    let rowner = report(&app, &Client::default(), ROWNER, "format=json").await;
    let got = timeline(&rowner);
    let expected = ratings(predecessor);
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for ((date, grade), (got_date, got_grade, whose)) in expected.iter().zip(&got) {
        assert!((*got_date - *date).num_days().abs() <= 7, "{date}");
        assert_eq!((*got_grade, *whose), (Some(*grade), Some(predecessor)), "{date}");
    }
    let page = call(&app, &Client::default(), Method::GET, &format!("/school/{ROWNER}/report"), None).await.text;
    assert_eq!(page.matches(&format!("under predecessor URN {predecessor}")).count(), expected.len());
    assert_eq!(page.matches(">satisfactory").count(), 3, "the file's three 'Satisfactory' visits before September 2012");

    // The school page links to its report; an unknown school is a clear 404; a bad format a 400.
    let school = call(&app, &Client::default(), Method::GET, &format!("/school/{WALLOP}"), None).await.text;
    assert!(school.contains(&format!(r#"href="/school/{WALLOP}/report""#)));
    let missing = call(&app, &Client::default(), Method::GET, "/api/schools/999999/report", None).await;
    assert_eq!((missing.status, missing.json["error"].as_str()), (StatusCode::NOT_FOUND, Some("no school with URN 999999")));
    let page = call(&app, &Client::default(), Method::GET, "/school/999999/report", None).await;
    assert!(page.status == StatusCode::NOT_FOUND && page.text.contains("no school with URN 999999"));
    let bad = call(&app, &Client::default(), Method::GET, &format!("/api/schools/{WALLOP}/report?format=pdf"), None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    db.remove().await;
}

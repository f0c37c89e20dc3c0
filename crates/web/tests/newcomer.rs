//! A newcomer's first hour (issue 14) through the API and the pages: LA names as people write
//! them, days out of the data's range, a school that does not exist, search results in words.

mod common;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use chrono::NaiveDate;
use schoolsight_domain::Urn;
use schoolsight_search::SearchIndex;
use schoolsight_store::NewLetter;
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::{TestBackend, TestDatabase};

use common::{get, get_json as json, shared};

/// The Hampshire and Surrey extract of 20 April 2022, and one letter stored for Alton Infant
/// School (115850), its text with a converted PDF bullet. The search index starts empty: the
/// server brings it in step with the database, as it does for letters another process stored.
async fn app(db: &TestDatabase) -> Router {
    let store = db.store().await;
    let parsed = schoolsight_ingest::parse_file(&shared("hampshire-surrey-2017-2022/20220420_gias.csv"), &mut |_, _| {}).unwrap();
    store.import(&parsed, &mut |_, _| {}).await.unwrap();
    let body = "Leaders should:\n\u{f06e} improve the quality of governance";
    store
        .save_letter(&NewLetter {
            sha256: "a1".repeat(32),
            name: "alton.txt".into(),
            format: "text".into(),
            kind: "school_report".into(),
            title: "School report".into(),
            letter_date: NaiveDate::from_ymd_opt(2016, 11, 10),
            visit: None,
            urn: Some(Urn(115850)),
            la_name: None,
            link_note: "school found by name".into(),
            body: body.into(),
            record_json: serde_json::to_string(&schoolsight_letters::parse(body)).unwrap(),
            actions: vec!["improve the quality of governance".into()],
        })
        .await
        .unwrap();
    schoolsight_web::router(store, Arc::new(SearchIndex::in_memory().unwrap()))
}

test_each_backend!(las_answer_to_the_names_people_use, super::las_answer_to_the_names_people_use);
async fn las_answer_to_the_names_people_use(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let app = app(&db).await;
    // Surrey is 936 and E10000030, Hampshire 850 and E10000014 (DfE's KS4 school information
    // 2023/24: old_la_code, new_la_code).
    for (name, la) in [
        ("Surrey%20County%20Council", "Surrey"),
        ("936", "Surrey"),
        ("E10000030", "Surrey"),
        ("Hampshire%20County%20Council", "Hampshire"),
        ("E10000014", "Hampshire"),
    ] {
        let (status, body) = json(&app, &format!("/api/las/{name}/profile?at=2022-04-20")).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        assert_eq!(body["la_name"], la, "{name}");
    }
    let (status, body) = json(&app, "/api/las/Surey/profile?at=2022-04-20").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "no local authority matches 'Surey'; did you mean Surrey or Hampshire?");
    let (status, page) = get(&app, "/la/Hampshire%20County%20Council?at=2022-04-20").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>Hampshire</h1>"), "the page names the LA as the register does");
    let (status, page) = get(&app, "/la/Surey").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("did you mean Surrey"), "{page}");
    db.remove().await;
}

test_each_backend!(refusals_say_what_is_wrong, super::refusals_say_what_is_wrong);
async fn refusals_say_what_is_wrong(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let app = app(&db).await;
    let cases = [
        ("/api/las/Surrey/profile?at=1850-01-01", StatusCode::BAD_REQUEST, "date: 1850-01-01 is out of range (data from 2005)"),
        ("/api/las/Surrey/outcomes?from=1850-01-01&to=2022-01-01", StatusCode::BAD_REQUEST, "from: 1850-01-01 is out of range (data from 2005)"),
        ("/api/las?at=2200-01-01", StatusCode::BAD_REQUEST, "date: 2200-01-01 is out of range (dates up to 2100)"),
        ("/api/schools/999999/letters", StatusCode::NOT_FOUND, "no school with URN 999999"),
    ];
    for (uri, expected, words) in cases {
        let (status, body) = json(&app, uri).await;
        assert_eq!(status, expected, "{uri}");
        assert_eq!(body["error"], words, "{uri}");
    }
    // Anstey Junior School (115851) is in the extract: it has no letters, and says so.
    let (status, body) = json(&app, "/api/schools/115851/letters").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["letters"].as_array().unwrap().len(), 0);
    db.remove().await;
}

test_each_backend!(search_results_read_as_a_reader_would, super::search_results_read_as_a_reader_would);
async fn search_results_read_as_a_reader_would(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let app = app(&db).await;
    let (status, hits) = json(&app, "/api/search?q=governance").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hits[0]["kind"], "school_report");
    assert_eq!(hits[0]["kind_label"], "School inspection report");
    assert_eq!(hits[0]["about"], "Alton Infant School");
    assert!(!hits[0]["snippet_html"].as_str().unwrap().contains('\u{f06e}'));
    let (status, page) = get(&app, "/search?q=governance").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("School inspection report") && !page.contains("school_report"), "{page}");
    assert!(page.contains("Alton Infant School") && !page.contains('\u{f06e}'));
    db.remove().await;
}

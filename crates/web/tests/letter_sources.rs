//! A letter's page shows what the parser read from a report (key judgements, previous
//! judgement, URN, lead inspector) and, for each field, the document's own words it came from.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use schoolsight_search::SearchIndex;
use schoolsight_store::testing::{TestBackend, TestDatabase};
use schoolsight_store::{NewLetter, test_each_backend};
use tower::ServiceExt;

test_each_backend!(a_report_page_shows_each_field_with_its_source, super::a_report_page_shows_each_field_with_its_source);
async fn a_report_page_shows_each_field_with_its_source(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ofsted-school-reports-sample/139305__5.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let record = schoolsight_letters::parse(&text);
    let letter = NewLetter {
        sha256: "cd".repeat(32),
        name: "139305__5.txt".into(),
        format: "text".into(),
        kind: "school_report".into(),
        title: "School report".into(),
        letter_date: None,
        visit: None,
        urn: None,
        la_name: None,
        link_note: "not linked".into(),
        body: text.clone(),
        record_json: serde_json::to_string(&record).unwrap(),
        actions: Vec::new(),
    };
    store.save_letter(&letter).await.unwrap();
    let app = schoolsight_web::router(store.clone(), Arc::new(SearchIndex::in_memory().unwrap()));
    let response = app.oneshot(Request::get(format!("/letters/{}", letter.id())).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    // The values as Rough Hay's report gives them (8–9 November 2016).
    assert!(page.contains("Early years: good"), "key judgements shown");
    assert!(page.contains("Previous judgement</dt><dd>requires improvement"), "previous judgement shown");
    assert!(page.contains("Lead inspector</dt><dd>Bogusia Matusiak-Varley"), "lead inspector shown");
    assert!(page.contains("Where each field was read"));
    assert!(page.contains("Unique reference number 139305"), "the URN's line");
    assert!(page.contains("Overall effectiveness at previous inspection Requires improvement"), "the previous judgement's line");
    db.remove().await;
}

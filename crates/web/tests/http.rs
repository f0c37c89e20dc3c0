//! The dashboard and JSON API over a real SQLite database loaded from the real GIAS extracts.

mod common;

use axum::Router;
use axum::http::StatusCode;
use schoolsight_ingest::{SourceText, parse_file, parse_source};
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::{TestBackend, TestDatabase};

use common::{get, get_json as json, shared};

/// A store holding Surrey's 2021 extract and the Hampshire + Surrey 2022 extract, plus one
/// school whose name is an attempt at script injection.
async fn app(db: &TestDatabase) -> Router {
    let store = db.store().await;
    for file in ["hampshire-surrey-2017-2022/2021_936_gias.csv", "hampshire-surrey-2017-2022/20220420_gias.csv"] {
        let parsed = parse_file(&shared(file), &mut |_, _| {}).unwrap();
        store.import(&parsed, &mut |_, _| {}).await.unwrap();
    }
    let text = std::fs::read_to_string(shared("hampshire-surrey-2017-2022/20220420_gias.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let row = lines.next().unwrap().replacen("115850", "999001", 1).replacen(
        "Alton Infant School",
        "<script>alert('x')</script> & Co",
        1,
    );
    let hostile = parse_source(
        &SourceText::from_bytes("edubasealldata20220421.csv", format!("{header}\n{row}\n").as_bytes()).unwrap(),
        &mut |_, _| {},
    )
    .unwrap();
    store.import(&hostile, &mut |_, _| {}).await.unwrap();
    schoolsight_web::router(store, std::sync::Arc::new(schoolsight_search::SearchIndex::in_memory().unwrap()))
}

test_each_backend!(api_answers_the_letters_questions, super::api_answers_the_letters_questions);
async fn api_answers_the_letters_questions(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let app = app(&db).await;

    let (status, totals) = json(&app, "/api/status").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(totals["local_authorities"], 2);

    let (status, ranking) = json(&app, "/api/las?at=2022-04-20").await;
    assert_eq!(status, StatusCode::OK);
    let las = ranking["las"].as_array().unwrap();
    assert_eq!(las.len(), 2);
    assert_eq!(las[0]["rank"], 1);

    let (status, profile) = json(&app, "/api/las/hampshire/profile?at=2022-04-20").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["la_name"], "Hampshire");
    let phases_total: u64 = profile["phases"].as_array().unwrap().iter().map(|p| p["total"].as_u64().unwrap()).sum();
    assert_eq!(phases_total, profile["schools"].as_u64().unwrap());
    let all = &profile["shares"][0];
    assert_eq!(all["group"], "all");
    assert_eq!(all["out_of"], 2);

    // Surrey school 124939 was outstanding in 2007 and good in September 2021.
    let (status, outcomes) = json(&app, "/api/las/Surrey/outcomes?from=2021-09-01&to=2021-09-30").await;
    assert_eq!(status, StatusCode::OK);
    let school = outcomes["schools"].as_array().unwrap().iter().find(|s| s["urn"] == 124939).unwrap();
    assert_eq!(school["judgement"], "good");
    assert_eq!(school["previous"], "outstanding");
    assert_eq!(school["movement"], "declined");

    let (status, history) = json(&app, "/api/schools/124939").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(history["school"]["la_name"], "Surrey");
    assert_eq!(history["timeline"].as_array().unwrap().len(), 2);

    let (status, hits) = json(&app, "/api/schools?q=alton%20infant").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hits[0]["urn"], 115850);
    db.remove().await;
}

test_each_backend!(api_refuses_bad_questions_clearly, super::api_refuses_bad_questions_clearly);
async fn api_refuses_bad_questions_clearly(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let app = app(&db).await;
    let cases = [
        ("/api/las/Atlantis/profile", StatusCode::NOT_FOUND, "no local authority matches 'Atlantis'"),
        ("/api/las/Surrey/profile?at=31/02/2020", StatusCode::BAD_REQUEST, "not a date"),
        ("/api/las/Surrey/outcomes?from=2022-01-01", StatusCode::BAD_REQUEST, "to is required"),
        ("/api/las/Surrey/outcomes?from=2022-01-01&to=2021-01-01", StatusCode::BAD_REQUEST, "is after"),
        ("/api/schools/abc", StatusCode::BAD_REQUEST, "not a URN"),
        ("/api/schools/1", StatusCode::NOT_FOUND, "no school with URN 1"),
        ("/api/schools", StatusCode::BAD_REQUEST, "q is required"),
    ];
    for (uri, expected, words) in cases {
        let (status, body) = json(&app, uri).await;
        assert_eq!(status, expected, "{uri}");
        assert!(body["error"].as_str().unwrap().contains(words), "{uri}: {body}");
    }
    db.remove().await;
}

test_each_backend!(pages_render_and_escape_user_text, super::pages_render_and_escape_user_text);
async fn pages_render_and_escape_user_text(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let app = app(&db).await;
    for uri in [
        "/",
        "/la/Hampshire",
        "/la/Surrey/outcomes?from=2021-09-01&to=2022-04-20",
        "/school/124939",
        "/search?q=infant",
        "/static/app.css",
    ] {
        let (status, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    }
    let (_, la) = get(&app, "/la/Hampshire?at=2022-04-21").await;
    assert!(la.contains("<svg"), "the LA page draws its charts");
    // askama writes numeric entities: &#60; for <, &#38; for &.
    assert!(la.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#38; Co"), "the name is escaped");
    assert!(!la.contains("<script>alert"), "no raw script reaches the page");
    let (_, school) = get(&app, "/school/999001").await;
    assert!(!school.contains("<script>alert"));
    let (_, outcomes) = get(&app, "/la/Surrey/outcomes?from=2021-09-01&to=2021-09-30").await;
    assert!(outcomes.contains("Walton-on-the-Hill"), "the inspected school is listed");
    assert!(outcomes.contains("had declined from a previous outstanding judgement"), "the narrative speaks like the letters");
    let (status, markdown) = get(&app, "/la/Surrey/outcomes.md?from=2021-09-01&to=2021-09-30").await;
    assert_eq!(status, StatusCode::OK);
    assert!(markdown.starts_with("# Surrey: inspection outcomes, 2021-09-01 to 2021-09-30"), "{markdown}");
    assert!(markdown.contains("| Walton-on-the-Hill Primary School | primary | 2021-09-15 | good | outstanding (2007-03-14) | declined |"), "{markdown}");
    let (status, _) = get(&app, "/letters/unknown").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, missing) = get(&app, "/school/42").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("no school with URN 42"));
    db.remove().await;
}

test_each_backend!(outcome_pages_show_groups_gaps_and_suppression, super::outcome_pages_show_groups_gaps_and_suppression);
async fn outcome_pages_show_groups_gaps_and_suppression(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let app = app(&db).await;
    let store = db.store().await;
    for year in ["2017-2018", "2018-2019"] {
        let file = format!("hampshire-surrey-2017-2022/{year}_850_ks2final.csv");
        let parsed = parse_file(&shared(&file), &mut |_, _| {}).unwrap();
        store.import(&parsed, &mut |_, _| {}).await.unwrap();
    }
    let (status, page) = get(&app, "/school/115856/outcomes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("KS2 % meeting the expected standard in reading, writing and maths"));
    assert!(page.contains(r#"<abbr class="suppressed""#), "SUPP is shown as a code with its meaning");
    assert!(page.contains("gap: disadvantaged − other"));
    assert!(page.contains("Hampshire, all pupils"));
    let (status, body) = json(&app, "/api/schools/115851/outcomes").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["measures"][0]["measure"], "ks2_rwm_expected");
    assert_eq!(body["measures"][0]["gap"][1]["number"], -3.0);
    let (status, la) = get(&app, "/la/Hampshire/pupil-outcomes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(la.contains("Rank among LAs"));
    let (status, _) = json(&app, "/api/schools/1/outcomes").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    db.remove().await;
}

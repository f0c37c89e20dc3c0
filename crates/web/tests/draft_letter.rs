//! `GET /api/las/{name}/draft-letter`: the draft focused-inspection letter over the real GIAS
//! extracts of Surrey (2021) and Hampshire + Surrey (2022), as JSON, Markdown and HTML.

mod common;

use axum::http::StatusCode;
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::{TestBackend, TestDatabase};

use common::{get, get_json, import};

test_each_backend!(the_draft_letter_route, super::the_draft_letter_route);
async fn the_draft_letter_route(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    import(&store, &["hampshire-surrey-2017-2022/2021_936_gias.csv", "hampshire-surrey-2017-2022/20220420_gias.csv"]).await;
    let app = schoolsight_web::router(store, std::sync::Arc::new(schoolsight_search::SearchIndex::in_memory().unwrap()));
    let period = "from=2021-09-01&to=2021-09-30";

    // Surrey school 124939 was outstanding in 2007 and good in September 2021 (the extracts'
    // previous and last inspection columns): it is among the "good, declined" rows.
    let (status, letter) = get_json(&app, &format!("/api/las/Surrey/draft-letter?{period}&format=json")).await;
    assert_eq!(status, StatusCode::OK, "{letter}");
    let declined = letter["figures"].as_array().unwrap().iter().find(|f| f["id"] == "good.declined").unwrap();
    assert_eq!(declined["value"].as_u64().unwrap() as usize, declined["sources"].as_array().unwrap().len());
    assert!(declined["sources"].as_array().unwrap().iter().any(|r| r["urn"] == 124939 && r["inspected"].as_str().unwrap().starts_with("2021-09")));
    let survey = letter["sections"].as_array().unwrap().iter().find(|s| s["heading"] == "Survey findings").unwrap();
    assert!(survey["paragraphs"][0].as_str().unwrap().contains("no headteacher survey responses"), "nothing invented");

    let (status, md) = get(&app, &format!("/api/las/Surrey/draft-letter?{period}&format=md")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(md.starts_with("# Surrey local authority – focused inspections – 1 September 2021 to 30 September 2021"), "{md}");
    assert!(md.contains("124939"));
    let (status, html) = get(&app, &format!("/api/las/Surrey/draft-letter?{period}&format=html")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h2>Inspection outcomes</h2>") && !html.contains("<script>"));

    for (uri, want, says) in [
        (format!("/api/las/Surrey/draft-letter?{period}&format=pdf"), StatusCode::BAD_REQUEST, "expected md, html or json"),
        (format!("/api/las/Surrey/draft-letter?{period}&phase=tertiary"), StatusCode::BAD_REQUEST, "phase"),
        ("/api/las/Surrey/draft-letter?from=2021-09-01".to_string(), StatusCode::BAD_REQUEST, "to is required"),
        (format!("/api/las/Nowhere/draft-letter?{period}"), StatusCode::NOT_FOUND, "Nowhere"),
    ] {
        let (status, body) = get_json(&app, &uri).await;
        assert_eq!(status, want, "{uri}: {body}");
        assert!(body["error"].as_str().unwrap().contains(says), "{uri}: {body}");
    }
    db.remove().await;
}

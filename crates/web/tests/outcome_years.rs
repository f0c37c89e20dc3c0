//! Pupil outcomes in the API and pages where a year is missing or too few schools or LAs have
//! a figure (issue 13 point 3), on the real Hampshire and Surrey files, both back ends.

mod common;

use axum::http::{Method, StatusCode};
use common::{ANSTEY, Client, GIAS_2022, call, import};
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::{TestBackend, TestDatabase};

test_each_backend!(a_missing_year_is_said_and_refusals_are_explained, super::a_missing_year_is_said_and_refusals_are_explained);
async fn a_missing_year_is_said_and_refusals_are_explained(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    // Hampshire's KS2 results only (Surrey's are not imported), and absence for 2012/13 and 2018/19.
    import(
        &store,
        &[
            GIAS_2022,
            "hampshire-surrey-2017-2022/2016-2017_850_ks2final.csv",
            "hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv",
            "dfe-performance-tables-2012-13-ks2-subset-absence/england_abs_2012-13.csv",
            "dfe-performance-tables-2018-19/england_abs.csv",
        ],
    )
    .await;
    let app = schoolsight_web::router(store, std::sync::Arc::new(schoolsight_search::SearchIndex::in_memory().unwrap()));
    let nobody = Client::default();

    let asked = call(&app, &nobody, Method::GET, "/api/las/Hampshire/pupil-outcomes?year=2014/15", None).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
    let figures = asked.json["in_year"].as_array().unwrap();
    assert!(!figures.is_empty());
    for f in figures {
        assert_eq!(f["figure"]["answer"], "no_data", "{f}");
        assert!(f["figure"].get("value").is_none(), "no number for a year with none: {f}");
    }
    let cohort = figures.iter().find(|f| f["measure"] == "ks2_cohort").unwrap();
    assert!(cohort["figure"]["statement"].as_str().unwrap().starts_with("no data for 2014/15: no file held gives"), "{cohort}");
    // 2017/18 is not held either: the KS2 report says so instead of joining 2016/17 to 2018/19.
    let whole = call(&app, &nobody, Method::GET, "/api/las/Hampshire/pupil-outcomes", None).await;
    let rwm = whole.json["measures"].as_array().unwrap().iter().find(|m| m["measure"] == "ks2_rwm_expected").unwrap();
    let missing: Vec<&str> = rwm["missing_years"].as_array().unwrap().iter().map(|m| m["reason"].as_str().unwrap()).collect();
    assert!(missing.iter().any(|r| r.starts_with("no data for 2017/18")), "{missing:?}");
    // One LA of the register's two has a figure: not ranked, and why.
    let rank = whole.json["ranks"].as_array().unwrap().iter().find(|r| r["measure"] == "ks2_rwm_expected").unwrap();
    assert!(rank["rank"].is_null());
    assert!(rank["not_ranked"].as_str().unwrap().contains("held for 1 of 2 local authorities (50%): not enough to rank Hampshire"), "{rank}");
    let bad = call(&app, &nobody, Method::GET, "/api/las/Hampshire/pupil-outcomes?year=2014", None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let page = call(&app, &nobody, Method::GET, "/la/Hampshire/pupil-outcomes", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("not enough to rank Hampshire"), "the rank cell gives the reason");
    assert!(page.text.contains("No data for 2017/18"), "missing years are written under the measure");
    assert!(page.text.contains("school figures held for "), "coverage beside the LA's figures");
    // Anstey Junior: absence in 2012/13 and 2018/19 only; Surrey's primaries have no KS2 figure,
    // so no national match of similar schools.
    let school = call(&app, &nobody, Method::GET, &format!("/school/{ANSTEY}/outcomes"), None).await;
    assert_eq!(school.status, StatusCode::OK);
    assert!(school.text.contains("No data for 2013/14"), "absence's missing years");
    assert!(school.text.contains("no comparison with similar schools"));
    assert!(school.text.contains("not enough to find the schools most like this one nationally"));
    db.remove().await;
}

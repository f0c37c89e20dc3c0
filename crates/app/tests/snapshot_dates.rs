//! A snapshot's detail reaches the model only from the day the snapshot was taken, through the
//! whole path: the published file, the store, the model's facts. Ofsted's MI of February 2022
//! (single-academy trusts, as at 28 February 2022 by its SOURCE.md) keeps a school's latest and
//! previous full inspections and its latest short one; read as known in 2019, it would tell the
//! model what only survived to 2022.

use std::path::Path;

use chrono::NaiveDate;
use schoolsight_app::risk::history;
use schoolsight_domain::Urn;
use schoolsight_ingest::parse_file;
use schoolsight_risk::{AsAt, Feature};
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::{TestBackend, TestDatabase};

const MI_SAT: &str = "ofsted-mi-feb2022-two-inspections-academies/single_academy_trusts.xlsx";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

test_each_backend!(snapshot_detail_is_known_from_its_day, super::snapshot_detail_is_known_from_its_day);
async fn snapshot_detail_is_known_from_its_day(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(MI_SAT);
    let parsed = parse_file(&path, &mut |_, _| {}).unwrap();
    store.import(&parsed, &mut |_, _| {}).await.unwrap();
    let facts = history(store.risk_records().await.unwrap());

    // The workbook's row for URN 105135 (read with openpyxl): latest full inspection 23/01/2013,
    // overall 2, leadership and management 2 (the other key judgements 9, not applicable), and
    // a short inspection on 06/06/2017.
    let columns = Feature::columns();
    let value = |at: &str, feature: Feature| {
        AsAt::new(&facts, day(at)).features(Urn(105135))[columns.iter().position(|c| *c == feature).unwrap()]
    };
    // In 2019 the grade is known (it was published in 2013, and the complete timeline lists
    // it); the leadership judgement and the short visit are known only from this file.
    assert_eq!(value("2019-09-01", Feature::LastGrade), 2.0);
    assert!(value("2019-09-01", Feature::LastSubJudgementBelowGood).is_nan());
    assert_eq!(value("2019-09-01", Feature::UngradedVisitsSinceLast), 0.0);
    // After 28 February 2022 the file is known, and all it says with it.
    assert_eq!(value("2022-03-01", Feature::LastGrade), 2.0);
    assert_eq!(value("2022-03-01", Feature::LastSubJudgementBelowGood), 0.0);
    assert_eq!(value("2022-03-01", Feature::UngradedVisitsSinceLast), 1.0);
    store.close().await;
    db.remove().await;
}

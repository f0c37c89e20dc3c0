//! `schoolsight risk`: an LA's risk list as at a date is the same whether or not the database
//! also holds what happened after that date (issue 12, point 5).

use std::path::{Path, PathBuf};

mod common;

use common::Sandbox;
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::TestBackend;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

const AS_AT: &str = "2016-08-31";

/// A tenth of the scraped national timeline (the schools whose URN ends in 3, every row of
/// theirs as published), and the same with only the rows dated on or before `AS_AT`: the
/// second is what a database would hold on that day.
fn timelines(sandbox: &Sandbox) -> (String, String) {
    let text = std::fs::read_to_string(shared("ofsted-inspection-history-2005-2020-scraped/ofsted_ratings_2018.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.filter(|l| l.split(',').next().unwrap().ends_with('3')).collect();
    let cutoff = AS_AT.replace('-', "");
    let known: Vec<&str> = rows.iter().copied().filter(|l| l.rsplit(',').next().unwrap() <= cutoff.as_str()).collect();
    assert!(known.len() < rows.len() && known.len() > 3000, "{} of {}", known.len(), rows.len());
    let file = |name: &str, rows: &[&str]| sandbox.write(name, &format!("{header}\n{}\n", rows.join("\n")));
    (file("timeline_all.csv", &rows), file("timeline_known.csv", &known))
}

test_each_backend!(the_risk_list_ignores_records_dated_after_its_date, super::the_risk_list_ignores_records_dated_after_its_date);
async fn the_risk_list_ignores_records_dated_after_its_date(backend: TestBackend) {
    let spine = shared("ofsted-inspection-history-2005-2020-scraped/2017-2018_england_spine.xlsx").display().to_string();
    let later = Sandbox::new(backend).await;
    let known = Sandbox::new(backend).await;
    let (all_rows, known_rows) = timelines(&later);
    later.ok(&["import", &spine, &all_rows]);
    known.ok(&["import", &spine, &known_rows]);
    // The spine names an LA by its code; 860 is Staffordshire, letter 003's LA.
    let list = ["risk", "list", "--la", "LA 860", "--at", AS_AT, "--json"];
    let with_later = later.json(&list);
    let without = known.json(&list);
    assert_eq!(with_later, without, "records after {AS_AT} changed the list");

    let schools = with_later["schools"].as_array().unwrap();
    assert!(schools.len() > 20, "{} schools", schools.len());
    let probabilities: Vec<f64> = schools.iter().map(|s| s["probability"].as_f64().unwrap()).collect();
    assert!(probabilities.windows(2).all(|w| w[0] >= w[1]), "riskiest first");
    assert!(probabilities.iter().all(|p| (0.0..=1.0).contains(p)));
    for school in schools {
        for key in ["urn", "name", "probability", "category", "reasons"] {
            assert!(school.get(key).is_some(), "{key} missing from {school}");
        }
        assert!(["universal", "monitor", "core_group", "intensive"].contains(&school["category"].as_str().unwrap()));
    }
    let reasons: Vec<&str> = schools
        .iter()
        .flat_map(|s| s["reasons"].as_array().unwrap())
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert!(reasons.iter().any(|r| r.ends_with("raised the risk")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.ends_with("lowered it")), "{reasons:?}");

    let text = later.ok(&["risk", "list", "--la", "LA 860", "--at", AS_AT]);
    assert!(text.starts_with("LA 860: "), "{text}");
    later.remove().await;
    known.remove().await;
}

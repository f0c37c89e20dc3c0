//! `schoolsight pupil-outcomes` on the real Hampshire files, both back ends: a year with no data
//! is said in words, never given a number, and an LA is not ranked on one LA of two.

mod common;

use common::Sandbox;
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::TestBackend;

fn shared(rel: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel).display().to_string()
}

test_each_backend!(a_year_with_no_data_is_said_not_numbered, super::a_year_with_no_data_is_said_not_numbered);
async fn a_year_with_no_data_is_said_not_numbered(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    s.ok(&[
        "import".to_string(),
        shared("hampshire-surrey-2017-2022/20220420_gias.csv"),
        shared("hampshire-surrey-2017-2022/2016-2017_850_ks2final.csv"),
        shared("hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv"),
    ]);
    let asked = s.ok(&["pupil-outcomes", "--la", "Hampshire", "--year", "2013/14"]);
    assert!(asked.starts_with("Hampshire in 2013/14:\n"), "{asked}");
    let answers: Vec<&str> = asked.lines().skip(1).take_while(|l| l.starts_with("  ")).collect();
    assert!(!answers.is_empty());
    for line in &answers {
        assert!(line.contains("no data for 2013/14") || line.contains("was first published for 2015/16"), "{line}");
    }
    let rwm = "KS2 % meeting the expected standard in reading, writing and maths";
    assert!(asked.contains(&format!("  {rwm}: {rwm} was first published for 2015/16: there is no figure for 2013/14")), "{asked}");
    // Hampshire's own figures as its LA row (RECTYPE 3) prints PTRWM_EXP: 66% for 2016/17, 68% for
    // 2018/19 (checked with Python's csv module); the year between is said missing.
    assert!(asked.contains("  2018/19: 68.0%; school figures held for "), "{asked}");
    assert!(asked.contains(&format!("  2017/18: no data for 2017/18: no file held gives {rwm} for that year")), "{asked}");
    assert!(asked.contains(&format!("  rank among LAs, 2013/14: Hampshire is not ranked on {rwm} for 2013/14: ")), "{asked}");
    // Its latest year: one LA of the register's two has a figure, so no rank.
    let latest = s.ok(&["pupil-outcomes", "--la", "Hampshire"]);
    assert!(latest.contains(&format!("  rank among LAs, 2018/19: {rwm} for 2018/19 are held for 1 of 2 local authorities (50%): not enough to rank Hampshire (the threshold is 80%)")), "{latest}");
    assert!(latest.contains("  2016/17: 66.0%; school figures held for ") && latest.contains("  2017/18: no data for 2017/18"), "{latest}");
    let json = s.json(&["pupil-outcomes", "--la", "Hampshire", "--year", "2014-15", "--json"]);
    assert!(json["in_year"].as_array().unwrap().iter().all(|m| m["figure"]["answer"] == "no_data"), "{json}");
    let wrong = s.fails(&["pupil-outcomes", "--la", "Hampshire", "--year", "2014"]);
    assert!(wrong.contains("--year '2014' is not an academic year such as 2018/19"), "{wrong}");
    s.remove().await;
}

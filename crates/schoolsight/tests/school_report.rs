//! `schoolsight report school` (issue 17 points 2 and 4) as a user runs it, on both back ends:
//! the school report on Wallop Primary School from Hampshire's and Surrey's register of April
//! 2022, as JSON, Markdown, self-contained HTML and an A4 PDF printed by headless Chromium.

use std::path::{Path, PathBuf};

mod common;

use common::{Sandbox, chromium_installed};
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::{TestBackend, csv_fields as fields};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

const GIAS: &str = "hampshire-surrey-2017-2022/20220420_gias.csv";

/// The register's row for `urn`: (name, OfstedLastInsp as yyyy-mm-dd, OfstedRating).
fn register_row(urn: &str) -> (String, String, String) {
    let text = String::from_utf8_lossy(&std::fs::read(shared(GIAS)).unwrap()).into_owned();
    let mut lines = text.lines();
    let header = fields(lines.next().unwrap().trim_start_matches('\u{feff}'));
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = lines.map(fields).find(|r| r[0] == urn).unwrap();
    let day = &row[at("OfstedLastInsp")];
    let iso = format!("{}-{}-{}", &day[6..10], &day[3..5], &day[0..2]);
    (row[at("EstablishmentName")].clone(), iso, row[at("OfstedRating (name)")].clone())
}

test_each_backend!(the_school_report_in_every_format, super::the_school_report_in_every_format);
async fn the_school_report_in_every_format(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    s.ok(&["import", &shared(GIAS).display().to_string()]);
    let (name, inspected, rating) = register_row("115957");

    let json = s.json(&["report", "school", "--urn", "115957", "--at", "2022-04-20", "--format", "json"]);
    assert_eq!(json["school"]["name"], name.as_str());
    assert_eq!(json["at"], "2022-04-20");
    let latest = &json["timeline"][0];
    assert_eq!((latest["start_date"].as_str(), latest["judgement_label"].as_str()), (Some(inspected.as_str()), Some(rating.to_lowercase().as_str())));
    assert_eq!(json["casework_withheld"], false, "the operator reads casework");
    assert!(json["casework"]["cases"].as_array().unwrap().is_empty());

    let md = s.ok(&["report", "school", "--urn", "115957", "--at", "2022-04-20"]);
    assert!(md.starts_with(&format!("# {name}: school report as at 2022-04-20\n")), "{md}");
    assert!(md.contains(&format!("| {inspected} |")) && md.contains("## Casework and support") && !md.contains("are not shown"), "{md}");

    let html = s.dir.path().join("report.html");
    s.ok(&["report", "school", "--urn", "115957", "--format", "html", "--out", &html.display().to_string()]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<style>") && page.contains("@page") && !page.contains("/static/app.css"), "self-contained");

    let pdf = s.dir.path().join("report.pdf");
    let printed = s.run(&["report", "school", "--urn", "115957", "--format", "pdf", "--out", &pdf.display().to_string()]);
    if chromium_installed() {
        assert!(printed.status.success(), "{}", String::from_utf8_lossy(&printed.stderr));
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    } else {
        assert!(String::from_utf8_lossy(&printed.stderr).contains("scripts/install-browser"));
    }

    assert!(s.fails(&["report", "school", "--urn", "999999"]).contains("no school with URN 999999"));
    assert!(s.fails(&["report", "school", "--urn", "115957", "--format", "docx"]).contains("expected md, html, json or pdf"));
    s.remove().await;
}

//! `schoolsight report la` (issue 17 points 1 and 4) on both back ends, over Hampshire's register
//! of 20 April 2022 as published: the JSON's register is the LA profile's, Markdown and HTML
//! are written, and `--format pdf` prints an A4 PDF through headless Chromium (the draft letter
//! too), or says how to install it.

mod common;

use std::path::{Path, PathBuf};

use common::{Sandbox, chromium_installed};
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::TestBackend;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

const GIAS_2022: &str = "hampshire-surrey-2017-2022/20220420_gias.csv";
const KS2_2019: &str = "hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv";

/// The MediaBox (width, height in points) of every page of a PDF Chromium wrote.
fn media_boxes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox")
        .filter_map(|(i, _)| {
            let rest = &text[i..];
            let inside = &rest[rest.find('[')? + 1..rest.find(']')?];
            let n: Vec<f64> = inside.split_whitespace().filter_map(|t| t.parse().ok()).collect();
            (n.len() == 4).then(|| (n[2] - n[0], n[3] - n[1]))
        })
        .collect()
}

/// A4, 210 × 297 mm, in points, within a point.
fn is_a4((w, h): (f64, f64)) -> bool {
    (w - 595.28).abs() < 1.0 && (h - 841.89).abs() < 1.0
}

/// The report's arguments and more.
fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(more).copied().collect()
}

test_each_backend!(report_la_writes_every_format, super::every_format);
async fn every_format(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    s.ok(&["import", &shared(GIAS_2022).display().to_string(), &shared(KS2_2019).display().to_string()]);
    let la = ["report", "la", "--la", "Hampshire", "--at", "2022-04-20"];
    let report = s.json(&with(&la, &["--format", "json"]));
    let profile = s.json(&["la-profile", "--la", "Hampshire", "--at", "2022-04-20", "--json"]);
    assert_eq!(report["profile"]["schools"], profile["schools"], "the report's register is the LA profile's");
    assert_eq!(report["profile"]["shares"], profile["shares"], "and so are its shares, ranks and coverage");
    assert_eq!((report["from"].as_str(), report["to"].as_str()), (Some("2021-04-21"), Some("2022-04-20")), "twelve months to the day");
    assert_eq!(report["casework"]["state"], "shown", "the operator reads the whole database");

    let md = s.ok(&with(&la, &["--format", "md"]));
    assert!(md.starts_with("# Hampshire: LA report as at 2022-04-20\n"), "{md}");
    assert!(md.contains(&format!("| All | {} |", profile["schools"])));
    let out = s.file("hampshire.html");
    s.ok(&with(&la, &["--format", "html", "--out", &out.display().to_string()]));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("<style>") && !html.contains("/static/app.css"), "a self-contained page");

    assert!(s.fails(&with(&la, &["--format", "pdf"])).contains("--format pdf needs --out FILE.pdf"));
    assert!(s.fails(&with(&la, &["--format", "docx"])).contains("expected md, html, json or pdf"));
    let pdf = s.file("hampshire.pdf");
    let missing = s.command(&with(&la, &["--format", "pdf", "--out", &pdf.display().to_string()])).env("SCHOOLSIGHT_CHROMIUM", "/nonexistent/chromium").output().unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("scripts/install-browser"), "the error says how to install Chromium");

    if chromium_installed() {
        s.ok(&with(&la, &["--format", "pdf", "--out", &pdf.display().to_string()]));
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let boxes = media_boxes(&bytes);
        assert!(boxes.len() >= 2 && boxes.iter().copied().all(is_a4), "several A4 pages: {boxes:?}");
        let letter = s.file("letter.pdf");
        s.ok(&["report", "letter", "--la", "Hampshire", "--from", "2021-09-01", "--to", "2021-09-30", "--format", "pdf", "--out", &letter.display().to_string()]);
        let boxes = media_boxes(&std::fs::read(&letter).unwrap());
        assert!(!boxes.is_empty() && boxes.iter().copied().all(is_a4), "the draft letter on A4: {boxes:?}");
    } else {
        eprintln!("chromium is not installed (scripts/install-browser): the PDFs were not printed");
    }
    s.remove().await;
}

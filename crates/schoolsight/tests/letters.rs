//! Letters through the binary: ingest the seed letters and the sample reports, link each to its
//! school or LA in the register, track actions, search, and refuse bad input cleanly.

use std::path::{Path, PathBuf};
use std::process::Command;

use schoolsight_bundle::gias::{self, GiasRow};
use schoolsight_bundle::Encoding;
mod common;

use common::Sandbox;
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::TestBackend;
use serde_json::Value;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared").join(rel)
}

/// Register entries for the schools and LAs the letters name, as the bundled national register
/// has them (Rough Hay Primary has since become Woods Bank Academy, at the same postcode).
fn register() -> Vec<GiasRow> {
    let row = |urn: i64, la: &str, name: &str, town: &str, postcode: &str| GiasRow {
        urn,
        la_name: la.into(),
        name: name.into(),
        type_name: "Community school".into(),
        status: "Open".into(),
        phase: "Secondary".into(),
        town: town.into(),
        postcode: postcode.into(),
        ..GiasRow::default()
    };
    vec![
        row(104698, "Liverpool", "Calderstones School", "Liverpool", "L18 3HS"),
        row(104693, "Liverpool", "Alsop High School Technology & Applied Learning Specialist College", "Liverpool", "L4 6SH"),
        row(103980, "Sandwell", "Rounds Green Primary School", "Oldbury", "B69 2DP"),
        row(139305, "Walsall", "Woods Bank Academy", "Wednesbury", "WS10 8NQ"),
        row(123970, "Stoke-on-Trent", "A Stoke school", "Stoke-on-Trent", "ST1 1AA"),
        row(123962, "Staffordshire", "A Staffordshire school", "Stafford", "ST16 1AA"),
        row(112471, "Derby", "A Derby school", "Derby", "DE1 1AA"),
    ]
}

/// A sandbox whose register holds the schools and LAs the letters name.
async fn sandbox(backend: TestBackend) -> Sandbox {
    let s = Sandbox::new(backend).await;
    let file = s.file("edubasealldata20190601.csv");
    gias::write(&file, &register(), Encoding::Windows1252).unwrap();
    s.ok(&["import", &file.display().to_string()]);
    s
}

fn ingest_seeds(s: &Sandbox) -> String {
    let letters = shared("letters").display().to_string();
    let reports = shared("data/ofsted-school-reports-sample").display().to_string();
    s.ok(&["letters", "ingest", &letters, &reports])
}

fn letter_id_of(s: &Sandbox, file: &str) -> String {
    let hits = s.json(&["search", file, "--json"]);
    hits[0]["id"].as_str().unwrap().to_string()
}

test_each_backend!(seed_letters_are_linked_and_their_actions_tracked, super::seed_letters_are_linked_and_their_actions_tracked);
async fn seed_letters_are_linked_and_their_actions_tracked(backend: TestBackend) {
    let s = sandbox(backend).await;
    let first = ingest_seeds(&s);
    // Five letters and their README; eight report files (two reports as PDF and text, four
    // reports as PDF only) and their SOURCE.md: 15 files in ../shared, 11 documents. The
    // README and SOURCE are not letters; each text copy of a PDF report is held once (issue 14).
    assert!(
        first.contains("11 letters stored, 0 already stored, 2 already in another format, 2 skipped (not letters), 0 refused; 11 searchable"),
        "{first}"
    );
    assert!(first.contains("skipped README.md: not a letter (a folder's notes, README)"), "{first}");
    assert!(first.contains("skipped SOURCE.md: not a letter (a folder's notes, SOURCE)"), "{first}");
    assert!(first.contains("skipped 103980__5.txt: already held in another format (the same document as 103980__5.PDF)"), "{first}");
    assert!(first.contains("skipped 139305__5.txt: already held in another format (the same document as 139305__5.PDF)"), "{first}");
    let again = ingest_seeds(&s);
    assert!(again.contains("0 letters stored, 11 already stored, 2 already in another format"), "{again}");

    let store = s.db.store().await;
    let calderstones = store.letters_for_school(schoolsight_domain::Urn(104698)).await.unwrap();
    assert_eq!(calderstones.len(), 1);
    assert_eq!(calderstones[0].kind, "school_monitoring");
    assert_eq!(calderstones[0].letter_date.unwrap().to_string(), "2018-02-07");
    assert_eq!(store.letters_for_school(schoolsight_domain::Urn(104693)).await.unwrap().len(), 1, "Alsop");
    // Its report as PDF and as text, held once; the renamed school found by postcode.
    assert_eq!(store.letters_for_school(schoolsight_domain::Urn(139305)).await.unwrap().len(), 1, "renamed school found by postcode");
    for (la, kind) in [("Stoke-on-Trent", "la_arrangements"), ("Staffordshire", "la_focused_inspections"), ("Derby", "la_focused_inspections")] {
        let letters = store.letters_for_la(la).await.unwrap();
        assert_eq!(letters.len(), 1, "{la}");
        assert_eq!(letters[0].kind, kind, "{la}");
    }

    let actions = s.json(&["actions", "list", "104698", "--json"]);
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 3);
    assert!(actions.iter().all(|a| a["status"] == "open"));
    assert_eq!(actions[0]["text"], "ensure that pupils' learning in mathematics consistently improves");
    let id = actions[0]["id"].as_str().unwrap();
    s.ok(&["actions", "close", id, "--by", "Link officer", "--note", "maths results up"]);
    let closed = s.json(&["actions", "list", "104698", "--json"]);
    assert_eq!(closed.as_array().unwrap().iter().filter(|a| a["status"] == "closed").count(), 1);
    assert!(!s.run(&["actions", "close", id, "--by", "x"]).status.success(), "closed once only");

    let shown = s.json(&["letters", "show", &calderstones[0].id, "--json"]);
    assert_eq!(shown["record"]["kind"]["kind"], "school_monitoring");
    assert_eq!(shown["record"]["monitoring_judgement"]["effective"], true);
    assert_eq!(shown["actions"].as_array().unwrap().len(), 3);
    s.db.remove().await;
}

test_each_backend!(search_ranks_highlights_and_survives_a_lost_index, super::search_ranks_highlights_and_survives_a_lost_index);
async fn search_ranks_highlights_and_survives_a_lost_index(backend: TestBackend) {
    let s = sandbox(backend).await;
    ingest_seeds(&s);
    let hits = s.json(&["search", "core group meetings every six weeks", "--json"]);
    let staffordshire = s.db.store().await.letters_for_la("Staffordshire").await.unwrap()[0].id.clone();
    assert_eq!(hits[0]["id"], staffordshire.as_str());
    assert!(hits[0]["snippet_html"].as_str().unwrap().contains("<b>"));
    // The index is derived: deleting it loses nothing.
    std::fs::remove_dir_all(s.dir.path().join("index")).unwrap();
    assert_eq!(letter_id_of(&s, "core group meetings every six weeks"), staffordshire);
    assert!(s.json(&["search", "zzzzqqqq", "--json"]).as_array().unwrap().is_empty());
    s.db.remove().await;
}

test_each_backend!(bad_files_are_refused_by_name_and_nothing_half_stored, super::bad_files_are_refused_by_name_and_nothing_half_stored);
async fn bad_files_are_refused_by_name_and_nothing_half_stored(backend: TestBackend) {
    let s = sandbox(backend).await;
    let empty = s.dir.path().join("empty.txt");
    std::fs::write(&empty, "  \n").unwrap();
    let junk = s.dir.path().join("junk.pdf");
    std::fs::write(&junk, b"%PDF-1.4\n\x00\x01\x02 not really a pdf \xff\xfe").unwrap();
    let good = shared("letters/000_46fd30e43f8dfc73.txt");
    let out = s.run(&["letters", "ingest", &empty.display().to_string(), &junk.display().to_string(), &good.display().to_string()]);
    assert!(!out.status.success(), "refusals make the command fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("empty.txt"), "{err}");
    assert!(err.contains("junk.pdf"), "{err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 letter stored, 0 already stored, 0 already in another format, 0 skipped (not letters), 2 refused"), "{stdout}");
    assert_eq!(s.db.store().await.letter_count().await.unwrap(), 1);
    s.db.remove().await;
}

test_each_backend!(search_results_read_as_a_reader_would, super::search_results_read_as_a_reader_would);
async fn search_results_read_as_a_reader_would(backend: TestBackend) {
    let s = sandbox(backend).await;
    ingest_seeds(&s);
    // Letter 000 is to Calderstones School, URN 104698 in the register.
    let hits = s.json(&["search", "Calderstones mathematics", "--json"]);
    let calderstones = &hits[0];
    assert_eq!(calderstones["kind"], "school_monitoring", "the key stays for scripts");
    assert_eq!(calderstones["about"], "Calderstones School", "the school's name, not 'URN 104698'");
    let text = s.ok(&["search", "Calderstones mathematics"]);
    let first = text.lines().next().unwrap();
    assert!(first.contains("(Monitoring inspection of a school, Calderstones School, 2018-02-07)"), "{first}");
    assert!(!text.contains("school_monitoring") && !text.contains("school_report") && !text.contains("URN 104698"), "{text}");
    // The seed letters' converted bullets (U+F06E) never reach a snippet.
    let bullets = s.json(&["search", "leaders governors pupils", "--json", "--limit", "50"]);
    for hit in bullets.as_array().unwrap() {
        let snippet = hit["snippet_html"].as_str().unwrap();
        assert!(!snippet.chars().any(|c| ('\u{e000}'..='\u{f8ff}').contains(&c)), "{snippet}");
    }
    s.db.remove().await;
}

test_each_backend!(serve_takes_in_the_bundled_letters, super::serve_takes_in_the_bundled_letters);
async fn serve_takes_in_the_bundled_letters(backend: TestBackend) {
    use std::io::{BufRead, BufReader};
    let s = sandbox(backend).await;
    assert_eq!(s.db.store().await.letter_count().await.unwrap(), 0);
    let data = shared("data").display().to_string();
    let mut server = s
        .command(&["serve", "--addr", "127.0.0.1:0", "--data", &data])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The letters are taken in before the dashboard line is printed.
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let said: Vec<String> = lines.by_ref().map(|l| l.unwrap()).take_while(|l| !l.contains("Dashboard on")).collect();
    server.kill().unwrap();
    server.wait().unwrap();
    // The 15 files of ../shared/letters and the sample reports are 11 documents (see above).
    assert!(said.iter().any(|l| l.starts_with("11 letters stored")), "{said:?}");
    let store = s.db.store().await;
    assert_eq!(store.letter_count().await.unwrap(), 11);
    assert_eq!(store.letters_for_school(schoolsight_domain::Urn(104698)).await.unwrap().len(), 1, "Calderstones");
    s.db.remove().await;
}

#[test]
fn parsing_stores_nothing_and_creates_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_schoolsight"))
        .args(["letters", "parse", &shared("letters/004_fcec75c6a4a25a79.txt").display().to_string(), "--json"])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success());
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["la_name"], "Derby");
    assert_eq!(record["focused"]["inspected"], 10);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no database or index was created");
}

//! The `schoolsight` binary as a user runs it, on a fresh SQLite database per test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use schoolsight_store::test_each_backend;
use schoolsight_store::testing::{TestBackend, TestDatabase};
use serde_json::Value;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

/// A working folder and a fresh database on one back end.
struct Sandbox {
    dir: tempfile::TempDir,
    db: TestDatabase,
}

impl Sandbox {
    async fn new(backend: TestBackend) -> Sandbox {
        Sandbox { dir: tempfile::tempdir().unwrap(), db: TestDatabase::new(backend).await }
    }

    async fn remove(self) {
        self.db.remove().await;
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_schoolsight"))
            .args(args)
            .current_dir(self.dir.path())
            .env("DATABASE_URL", &self.db.url)
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

fn gias_2022() -> String {
    shared("hampshire-surrey-2017-2022/20220420_gias.csv").display().to_string()
}

test_each_backend!(a_bad_file_among_good_ones_writes_nothing, super::a_bad_file_among_good_ones_writes_nothing);
async fn a_bad_file_among_good_ones_writes_nothing(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    let good = gias_2022();
    let text = std::fs::read_to_string(&good).unwrap();
    let broken = text.replacen("\"17-03-2022\"", "\"17/13/2022\"", 1);
    let bad = s.write("edubasealldata20220501.csv", &broken);
    let out = s.run(&["import", &good, &bad]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("edubasealldata20220501.csv: row 2, column 'LastChangedDate'"), "{err}");
    // The good file was checked but not written either.
    let missing = s.run(&["school", "115850"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no school with URN 115850"));
    s.remove().await;
}

test_each_backend!(importing_is_idempotent_and_newer_extracts_win, super::importing_is_idempotent_and_newer_extracts_win);
async fn importing_is_idempotent_and_newer_extracts_win(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    let first = s.ok(&["import", &gias_2022()]);
    assert!(first.contains("imported 20220420_gias.csv"), "{first}");
    assert!(first.contains("1096 register entries written"), "{first}");
    let again = s.ok(&["import", &gias_2022()]);
    assert!(again.contains("skipped 20220420_gias.csv"), "{again}");

    // Surrey's 2021 extract is older: it adds history but does not overwrite the 2022 entries.
    s.ok(&["import", &shared("hampshire-surrey-2017-2022/2021_936_gias.csv").display().to_string()]);
    let school = s.json(&["school", "124955", "--json"]);
    assert_eq!(school["school"]["pupils"], 449, "the April 2022 count stands");
    let declined = s.json(&["school", "124939", "--json"]);
    let timeline = declined["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 2);
    assert_eq!(timeline[0]["judgement_label"], "good");
    assert_eq!(timeline[0]["movement"], "declined");
    assert_eq!(timeline[1]["judgement_label"], "outstanding");
    s.remove().await;
}

test_each_backend!(query_commands_answer_in_text_and_json, super::query_commands_answer_in_text_and_json);
async fn query_commands_answer_in_text_and_json(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    s.ok(&["import", &gias_2022()]);
    let profile = s.json(&["la-profile", "--la", "surrey", "--at", "20/04/2022", "--json"]);
    assert_eq!(profile["la_name"], "Surrey");
    assert_eq!(profile["at"], "2022-04-20");
    let text = s.ok(&["la-profile", "--la", "Surrey", "--at", "2022-04-20"]);
    assert!(text.contains("Surrey — state-funded schools open on 2022-04-20"), "{text}");
    assert!(text.contains("Good or outstanding"), "{text}");

    let outcomes = s.json(&["outcomes", "--la", "Hampshire", "--from", "2021-09-01", "--to", "2022-04-20", "--json"]);
    let total: u64 = outcomes["judgements"].as_array().unwrap().iter().map(|j| j["count"].as_u64().unwrap()).sum();
    assert_eq!(total, outcomes["inspected"].as_u64().unwrap());
    assert!(total > 0, "Hampshire had inspections that year");

    let text = s.ok(&["school", "115850"]);
    assert!(text.contains("Alton Infant School (URN 115850)"), "{text}");
    assert!(text.contains("2019-01-23  good"), "{text}");

    let wrong = s.run(&["outcomes", "--la", "Surrey", "--from", "2022-01-01", "--to", "2021-01-01"]);
    assert!(!wrong.status.success());
    let unknown = s.run(&["la-profile", "--la", "Atlantis"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no local authority matches 'Atlantis'"));
    s.remove().await;
}

//! A newcomer's first hour (issue 14) through the binary: LA names as people write them, errors
//! as a user meets them (no stack trace, clear refusals, non-zero exits), help for every flag,
//! and how old the data behind "today" is.

use std::path::{Path, PathBuf};

use schoolsight_bundle::Encoding;
use schoolsight_bundle::gias::{self, GiasRow};
mod common;

use common::Sandbox;
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::TestBackend;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

/// The LAs of DfE's code lookup (la_and_region_codes_meta.csv), code → name, for the four the
/// letters and the issue name.
fn lookup(code: &str) -> String {
    let text = std::fs::read_to_string(shared("dfe-performance-tables-2018-19/la_and_region_codes_meta.csv")).unwrap();
    let line = text.lines().find(|l| l.starts_with(&format!("{code},"))).unwrap();
    line.split(',').nth(1).unwrap().trim_matches('"').to_string()
}

/// One open school in each of Derby (831), Derbyshire (830), Stoke-on-Trent (861) and County
/// Durham (840), named and coded as the lookup names and codes them.
async fn sandbox(backend: TestBackend) -> Sandbox {
    let s = Sandbox::new(backend).await;
    let rows: Vec<GiasRow> = [(1, "831"), (2, "830"), (3, "861"), (4, "840")]
        .into_iter()
        .map(|(urn, code)| GiasRow {
            urn: 900_000 + urn,
            la_code: code.into(),
            la_name: lookup(code),
            name: format!("School {urn}"),
            type_name: "Community school".into(),
            status: "Open".into(),
            phase: "Primary".into(),
            ..GiasRow::default()
        })
        .collect();
    let file = s.file("edubasealldata20190601.csv");
    gias::write(&file, &rows, Encoding::Windows1252).unwrap();
    s.ok(&["import", &file.display().to_string()]);
    s
}

fn profile_la(s: &Sandbox, la: &str) -> String {
    let profile = s.json(&["la-profile", "--la", la, "--at", "2019-06-01", "--json"]);
    profile["la_name"].as_str().unwrap().to_string()
}

test_each_backend!(las_are_found_as_people_write_them, super::las_are_found_as_people_write_them);
async fn las_are_found_as_people_write_them(backend: TestBackend) {
    let s = sandbox(backend).await;
    assert_eq!(lookup("831"), "Derby");
    assert_eq!(lookup("840"), "County Durham");
    // Letter 004's own words, the council's name, the other order, and both codes (E06000015
    // beside 831 in DfE's KS4 school information 2023/24).
    for query in ["Derby City", "Derby City Council", "City of Derby", "derby", "831", "E06000015"] {
        assert_eq!(profile_la(&s, query), "Derby", "{query}");
    }
    assert_eq!(profile_la(&s, "Stoke-on-Trent City Council"), "Stoke-on-Trent");
    assert_eq!(profile_la(&s, "Durham"), "County Durham");
    assert_eq!(profile_la(&s, "Durham County Council"), "County Durham");
    assert_eq!(profile_la(&s, "Derbyshire County Council"), "Derbyshire");
    let outcomes = s.json(&["outcomes", "--la", "Derby City Council", "--from", "2018-01-01", "--to", "2019-01-01", "--json"]);
    assert_eq!(outcomes["la_name"], "Derby");

    let miss = s.fails(&["la-profile", "--la", "Darby", "--at", "2019-06-01"]);
    assert!(miss.contains("no local authority matches 'Darby'; did you mean Derby"), "{miss}");
    let both = s.fails(&["la-profile", "--la", "Der", "--at", "2019-06-01"]);
    assert!(both.contains("'Der' matches several local authorities: Derby, Derbyshire"), "{both}");
    s.remove().await;
}

test_each_backend!(errors_are_one_clear_line_and_fail, super::errors_are_one_clear_line_and_fail);
async fn errors_are_one_clear_line_and_fail(backend: TestBackend) {
    let s = sandbox(backend).await;
    // Some machines set RUST_BACKTRACE: an ordinary mistake must still not print a stack trace.
    let out = s.command(&["la-profile", "--la", "Atlantis", "--at", "2019-06-01"]).env("RUST_BACKTRACE", "1").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: no local authority matches 'Atlantis'"), "{err}");
    assert!(!err.to_lowercase().contains("backtrace"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");

    // A real date before the data is out of range, not "not a date".
    let early = s.fails(&["la-profile", "--la", "Derby", "--at", "1850-01-01"]);
    assert!(early.contains("1850-01-01 is out of range (data from 2005)"), "{early}");
    let early = s.fails(&["outcomes", "--la", "Derby", "--from", "1850-01-01", "--to", "2019-01-01"]);
    assert!(early.contains("1850-01-01 is out of range (data from 2005)"), "{early}");
    let wrong = s.fails(&["la-profile", "--la", "Derby", "--at", "31/02/2019"]);
    assert!(wrong.contains("'31/02/2019' is not a date"), "{wrong}");

    // A school that does not exist has no actions list.
    let missing = s.fails(&["actions", "list", "999999"]);
    assert!(missing.contains("no school with URN 999999"), "{missing}");
    assert!(s.ok(&["actions", "list", "900001"]).contains("no actions recorded"));

    // An empty folder given to letters ingest says so and fails.
    let empty = s.file("empty");
    std::fs::create_dir(&empty).unwrap();
    let nothing = s.fails(&["letters", "ingest", &empty.display().to_string()]);
    assert!(nothing.contains("no letters in") && nothing.contains("expected .md, .markdown, .txt or .pdf files"), "{nothing}");
    s.remove().await;
}

test_each_backend!(a_profile_of_today_says_how_old_the_data_is, super::a_profile_of_today_says_how_old_the_data_is);
async fn a_profile_of_today_says_how_old_the_data_is(backend: TestBackend) {
    let s = Sandbox::new(backend).await;
    // The extract's date is in its name: 20 April 2022.
    s.ok(&["import", &shared("hampshire-surrey-2017-2022/20220420_gias.csv").display().to_string()]);
    let out = s.run(&["la-profile", "--la", "Surrey County Council"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("latest data: inspections to "), "{err}");
    assert!(err.contains("register extract of 20 April 2022"), "{err}");
    assert!(String::from_utf8(out.stdout).unwrap().contains("Surrey — state-funded schools open on"));
    // With --at there is no note: the day was chosen.
    let out = s.run(&["la-profile", "--la", "Surrey", "--at", "2022-04-20"]);
    assert!(!String::from_utf8(out.stderr).unwrap().contains("latest data"));
    s.remove().await;
}

/// Every option and argument of every command explains itself in `--help`.
#[test]
fn every_flag_has_help() {
    let commands: &[&[&str]] = &[
        &["serve"],
        &["import"],
        &["import-bundled"],
        &["bundle"],
        &["la-profile"],
        &["outcomes"],
        &["school"],
        &["search"],
        &["backup"],
        &["restore"],
        &["letters", "ingest"],
        &["letters", "parse"],
        &["letters", "show"],
        &["user", "add"],
        &["actions", "list"],
        &["actions", "close"],
    ];
    for command in commands {
        let mut args: Vec<&str> = command.to_vec();
        args.push("--help");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_schoolsight")).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        for line in help.lines().filter(|l| l.starts_with("  ") && !l.starts_with("   ")) {
            // "  --la <LA>  The local authority…" or "  <URN>  The school's…": text after the name.
            let spec = line.trim_start();
            let named = spec.starts_with('-') || spec.starts_with('<') || spec.starts_with('[');
            if !named {
                continue;
            }
            let described = spec.split("  ").filter(|part| !part.trim().is_empty()).count() > 1;
            assert!(described, "{args:?}: no help for '{spec}'\n{help}");
        }
    }
    let profile = String::from_utf8(std::process::Command::new(env!("CARGO_BIN_EXE_schoolsight")).args(["la-profile", "--help"]).output().unwrap().stdout).unwrap();
    for flag in ["--la <LA>", "--at <AT>", "--json", "--min-coverage"] {
        assert!(profile.contains(flag), "{flag}: {profile}");
    }
    assert!(profile.contains("Derby City Council"), "{profile}");
}

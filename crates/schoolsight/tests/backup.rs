//! `schoolsight backup` and `schoolsight restore` through the binary: real data round-trips
//! with nothing lost, on each back end and from each back end to the other; a damaged, cut or
//! foreign file is refused with a clear error and the target is left exactly as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};


use chrono::NaiveDate;
use schoolsight_domain::Urn;
use schoolsight_domain::casework::{ConcernCategory, Role};
mod common;

use common::Sandbox;
use schoolsight_store::backup::PageCursor;
use schoolsight_store::testing::TestBackend;
use schoolsight_store::{NewCase, NewUser, Store, test_each_backend};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared").join(rel)
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// Every table's rows, each row rendered exactly (floats by their bits' debug form), sorted:
/// two databases hold the same data when their dumps are equal, whatever the back end.
async fn dump(store: &Store) -> BTreeMap<String, Vec<String>> {
    let mut snapshot = store.snapshot().await.unwrap();
    let tables: Vec<String> = snapshot.schema().tables.iter().map(|t| t.name.clone()).collect();
    let mut out = BTreeMap::new();
    for table in tables {
        let mut cursor = PageCursor::default();
        let mut rows = Vec::new();
        loop {
            let page = snapshot.page(&table, &mut cursor, 500).await.unwrap();
            if page.is_empty() {
                break;
            }
            rows.extend(page.iter().map(|row| format!("{row:?}")));
        }
        rows.sort();
        out.insert(table, rows);
    }
    snapshot.close().await.unwrap();
    out
}

fn counts(dump: &BTreeMap<String, Vec<String>>) -> BTreeMap<&str, usize> {
    dump.iter().map(|(t, rows)| (t.as_str(), rows.len())).collect()
}

/// Real data in every kind of table: a GIAS extract, a KS2 performance file, the seed letters
/// (one action closed), a user and a case with its events, meeting and audit entries.
async fn fill(place: &Sandbox) {
    let gias = shared("data/hampshire-surrey-2017-2022/20220420_gias.csv");
    let ks2 = shared("data/hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv");
    place.ok(&["import", &path(&gias), &path(&ks2)]);
    place.ok(&["letters", "ingest", &path(&shared("letters"))]);
    let store = place.db.store().await;
    let mut closed = false;
    for (letter, _) in store.letters_with_text().await.unwrap() {
        if let Some(action) = store.actions_for_letter(&letter.id).await.unwrap().first() {
            closed = store.close_action(&action.id, "A. Officer", "done — “quoted” note").await.unwrap();
            break;
        }
    }
    assert!(closed, "a seed letter has an action to close");
    let user = NewUser {
        name: "officer".into(),
        password: "correct horse battery staple".into(),
        role: Role::LaOfficer,
        la_name: Some("Hampshire".into()),
        trust: None,
        urn: None,
    };
    store.add_user(&user, "admin").await.unwrap();
    let case = NewCase {
        urn: Urn(115850),
        category: ConcernCategory::CoreGroup,
        link_officer: "officer".into(),
        reason: "Results fell two years running".into(),
        opened_on: NaiveDate::from_ymd_opt(2022, 5, 3).unwrap(),
        meeting_interval_days: None,
    };
    store.open_case(&case, "officer").await.unwrap();
    store.close().await;
}

fn other(backend: TestBackend) -> TestBackend {
    match backend {
        TestBackend::Sqlite => TestBackend::Postgres,
        TestBackend::Postgres => TestBackend::Sqlite,
    }
}

test_each_backend!(a_backup_restores_everything_on_both_back_ends, super::a_backup_restores_everything_on_both_back_ends);
async fn a_backup_restores_everything_on_both_back_ends(backend: TestBackend) {
    let source = Sandbox::new(backend).await;
    fill(&source).await;
    let before = dump(&source.db.store().await).await;
    for table in ["import_files", "schools", "inspections", "measures", "letters", "letter_actions", "users", "cases", "audit_log"] {
        assert!(!before[table].is_empty(), "the test data fills {table}");
    }
    let file = source.file("whole.backup");
    let said = source.ok(&["backup", &path(&file)]);
    let total: usize = before.values().map(Vec::len).sum();
    assert!(said.contains(&format!("backed up {total} rows in {} tables", before.len())), "{said}");
    let searched = source.ok(&["search", "monitoring", "--json"]);

    for target_backend in [backend, other(backend)] {
        let target = Sandbox::new(target_backend).await;
        let said = target.ok(&["restore", &path(&file)]);
        assert!(said.contains(&format!("restored {total} rows")), "{said}");
        let after = dump(&target.db.store().await).await;
        assert_eq!(counts(&before), counts(&after), "{backend:?} → {target_backend:?}");
        assert!(before == after, "{backend:?} → {target_backend:?}: the restored rows differ");
        // The search index is rebuilt from the restored letters.
        assert_eq!(target.ok(&["search", "monitoring", "--json"]), searched);
        // And the same again from the restored copy: a backup of a restore is the same data.
        let again = target.file("again.backup");
        target.ok(&["backup", &path(&again)]);
        let third = Sandbox::new(backend).await;
        third.ok(&["restore", &path(&again)]);
        assert!(dump(&third.db.store().await).await == before, "{backend:?} → {target_backend:?} → {backend:?}");
        third.remove().await;
        target.remove().await;
    }
    source.remove().await;
}

test_each_backend!(restore_refuses_a_database_with_data_unless_told_to_replace_it, super::restore_refuses_a_database_with_data_unless_told_to_replace_it);
async fn restore_refuses_a_database_with_data_unless_told_to_replace_it(backend: TestBackend) {
    let source = Sandbox::new(backend).await;
    source.ok(&["import", &path(&shared("data/hampshire-surrey-2017-2022/20220420_gias.csv"))]);
    let file = source.file("gias.backup");
    source.ok(&["backup", &path(&file)]);
    let wanted = dump(&source.db.store().await).await;

    let target = Sandbox::new(backend).await;
    target.ok(&["import", &path(&shared("data/hampshire-surrey-2017-2022/2021_936_gias.csv"))]);
    let held = dump(&target.db.store().await).await;
    let err = target.fails(&["restore", &path(&file)]);
    assert!(err.contains("the database is not empty (import_files: 1 row"), "{err}");
    assert!(err.contains("pass --replace"), "{err}");
    assert!(dump(&target.db.store().await).await == held, "a refused restore changed the database");
    target.ok(&["restore", "--replace", &path(&file)]);
    assert!(dump(&target.db.store().await).await == wanted, "--replace holds exactly the backup");
    target.remove().await;
    source.remove().await;
}

/// Ways a backup file can be wrong, and what the refusal must say.
fn spoiled(good_gz: &[u8], plain: &str) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let lines: Vec<&str> = plain.lines().collect();
    let row_line = lines.iter().position(|l| l.starts_with('[')).unwrap();
    let cut_at_line: String = lines[..lines.len() / 2].iter().map(|l| format!("{l}\n")).collect();
    let mut flipped = good_gz.to_vec();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    let mut wrong_type = lines.clone();
    let first_value_ends = wrong_type[row_line].find(',').unwrap();
    let bad_row = format!("[{{\"not\":\"a value\"}}{}", &wrong_type[row_line][first_value_ends..]);
    wrong_type[row_line] = &bad_row;
    let newer_schema = plain.replacen(
        "\"migrations\":[",
        "\"migrations\":[{\"version\":99,\"name\":\"from the future\"},",
        1,
    );
    let newer_schema = newer_schema.replacen(
        &format!("\"schema_version\":{}", schema_version(plain)),
        "\"schema_version\":99",
        1,
    );
    let extra_row = {
        let mut l = lines.clone();
        l.insert(row_line, lines[row_line]);
        l.join("\n") + "\n"
    };
    vec![
        ("truncated.backup", good_gz[..good_gz.len() * 2 / 3].to_vec(), "is damaged or incomplete"),
        ("tail-cut.backup", good_gz[..good_gz.len() - 4].to_vec(), "is damaged or incomplete"),
        ("flipped.backup", flipped, "is damaged|ends early"),
        ("cut-at-a-line.backup", cut_at_line.into_bytes(), "ends early"),
        ("no-end.backup", (lines[..lines.len() - 1].join("\n") + "\n").into_bytes(), "ends early: the end-of-backup line is missing"),
        ("wrong-type.backup", (wrong_type.join("\n") + "\n").into_bytes(), "where a Text value belongs"),
        ("extra-row.backup", extra_row.into_bytes(), "is damaged"),
        ("newer-schema.backup", newer_schema.into_bytes(), "the backup is of schema version 99"),
        ("a-csv.backup", b"URN,Name\n1,School\n".to_vec(), "is not a Schoolsight backup"),
        ("empty.backup", Vec::new(), "is empty: it is not a Schoolsight backup"),
        ("other-version.backup", b"{\"format\":\"schoolsight-backup\",\"version\":7}\n".to_vec(), "format version 7"),
    ]
}

fn schema_version(plain: &str) -> i64 {
    let header: serde_json::Value = serde_json::from_str(plain.lines().next().unwrap()).unwrap();
    header["schema_version"].as_i64().unwrap()
}

test_each_backend!(a_damaged_backup_is_refused_and_leaves_the_target_untouched, super::a_damaged_backup_is_refused_and_leaves_the_target_untouched);
async fn a_damaged_backup_is_refused_and_leaves_the_target_untouched(backend: TestBackend) {
    let source = Sandbox::new(backend).await;
    source.ok(&["import", &path(&shared("data/hampshire-surrey-2017-2022/20220420_gias.csv"))]);
    source.ok(&["letters", "ingest", &path(&shared("letters"))]);
    let file = source.file("good.backup");
    source.ok(&["backup", &path(&file)]);
    let good = std::fs::read(&file).unwrap();
    // The same backup uncompressed: restore reads plain JSON Lines too.
    let plain = {
        use std::io::Read;
        let mut text = String::new();
        flate2::read::GzDecoder::new(&good[..]).read_to_string(&mut text).unwrap();
        text
    };
    let plain_file = source.file("plain.backup");
    std::fs::write(&plain_file, &plain).unwrap();

    // An empty target and one with data: both stay exactly as they were.
    let empty = Sandbox::new(backend).await;
    let held = Sandbox::new(backend).await;
    held.ok(&["import", &path(&shared("data/hampshire-surrey-2017-2022/2021_936_gias.csv"))]);
    for target in [&empty, &held] {
        let before = dump(&target.db.store().await).await;
        for (name, bytes, expected) in spoiled(&good, &plain) {
            let bad = target.file(name);
            std::fs::write(&bad, bytes).unwrap();
            let err = target.fails(&["restore", "--replace", &path(&bad)]);
            assert!(expected.split('|').any(|e| err.contains(e)), "{name}: expected '{expected}' in: {err}");
            assert!(dump(&target.db.store().await).await == before, "{name} changed the database");
        }
    }
    // The intact plain copy restores.
    empty.ok(&["restore", &path(&plain_file)]);
    assert!(dump(&empty.db.store().await).await == dump(&source.db.store().await).await);
    for place in [empty, held, source] {
        place.remove().await;
    }
}

// The backup covers every table the migrations create: the tables are found in the database's
// catalogue, and this checks that the catalogue and the migration files agree, so a new
// migration's tables are in every backup without anyone listing them.
test_each_backend!(every_table_the_migrations_create_is_backed_up, super::every_table_the_migrations_create_is_backed_up);
async fn every_table_the_migrations_create_is_backed_up(backend: TestBackend) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/migrations");
    let mut created = BTreeSet::new();
    let mut migrations = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let file = entry.unwrap().path();
        if file.extension().is_none_or(|e| e != "sql") {
            continue;
        }
        let sql = std::fs::read_to_string(file).unwrap();
        migrations += 1;
        let code: String = sql.lines().map(|l| l.split("--").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
        for statement in code.split(';') {
            let words: Vec<String> = statement
                .split_whitespace()
                .map(|w| w.trim_matches(|c| c == '(' || c == '"').to_string())
                .collect();
            if let [create, table, rest @ ..] = words.as_slice()
                && create.eq_ignore_ascii_case("create")
                && table.eq_ignore_ascii_case("table")
            {
                let name = match rest {
                    [i, n, e, name, ..] if i.eq_ignore_ascii_case("if") && n.eq_ignore_ascii_case("not") && e.eq_ignore_ascii_case("exists") => name,
                    [name, ..] => name,
                    [] => continue,
                };
                created.insert(name.to_lowercase());
            }
        }
    }
    assert!(created.contains("schools") && created.contains("letters"), "{created:?}");

    let place = Sandbox::new(backend).await;
    let store = place.db.store().await;
    let schema = store.database_schema().await.unwrap();
    let found: BTreeSet<String> = schema.tables.iter().map(|t| t.name.clone()).collect();
    assert_eq!(found, created, "tables the backup finds vs tables the migrations create");
    assert_eq!(schema.migrations.len(), migrations, "every migration file is applied and recorded");
    // Parents before children, so foreign keys hold at every insert of a restore.
    for (i, table) in schema.tables.iter().enumerate() {
        for parent in table.references.iter().filter(|p| **p != table.name) {
            let at = schema.tables.iter().position(|t| &t.name == parent).unwrap();
            assert!(at < i, "{} comes before {parent}, which it references", table.name);
        }
    }
    let file = place.file("empty.backup");
    place.ok(&["backup", &path(&file)]);
    let plain = {
        use std::io::Read;
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&file).unwrap()).read_to_string(&mut text).unwrap();
        text
    };
    let header: serde_json::Value = serde_json::from_str(plain.lines().next().unwrap()).unwrap();
    let in_file: BTreeSet<String> =
        header["tables"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(in_file, created);
    store.close().await;
    place.remove().await;
}

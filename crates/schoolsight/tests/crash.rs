//! Crash safety: the binary is killed with SIGKILL (`Child::kill`) at random moments while it
//! writes, many times, on both back ends; after every kill the database must hold each unit of
//! work entirely or not at all, and running the same command again must finish the job, after
//! which a further run changes nothing.
//!
//! The delays come from a fixed-seed generator, so a failure replays; `CRASH_SEED` picks
//! another sequence and `CRASH_KILLS` another number of kills. Each scenario also stops killing
//! once its time budget is spent, so the suite stays quick on a slow machine.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use schoolsight_store::backup::{PageCursor, Snapshot};
use schoolsight_store::testing::TestBackend;
use schoolsight_store::{Store, test_each_backend};

mod common;

// The sandbox a command is run in, and killed in.
use common::Sandbox as Target;

const DEFAULT_KILLS: u64 = 20;
/// Per scenario and back end, for the killing part (the final runs come on top).
const BUDGET: Duration = Duration::from_secs(20);

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared").join(rel)
}

/// SplitMix64: tiny, and the same numbers everywhere.
struct Rng(u64);

impl Rng {
    fn new(salt: u64) -> Rng {
        let seed = std::env::var("CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5c4_0015_u64);
        Rng(seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [low, high).
    fn between(&mut self, low: Duration, high: Duration) -> Duration {
        let span = high.saturating_sub(low).as_micros().max(1) as u64;
        low + Duration::from_micros(self.next() % span)
    }
}

fn kills() -> u64 {
    std::env::var("CRASH_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_KILLS)
}

/// The whole-England register, laid out once per test run by `schoolsight bundle`.
fn national_register() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let out = Command::new(env!("CARGO_BIN_EXE_schoolsight"))
            .args(["bundle", "--data", &shared("data").display().to_string(), "--out", &dir.display().to_string()])
            .current_dir(&dir)
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap();
        assert!(out.status.success(), "bundle: {}", String::from_utf8_lossy(&out.stderr));
        let file = dir.join("edubasealldata20190601.csv");
        assert!(file.is_file(), "bundle wrote {}", file.display());
        file
    })
}

/// A sample of the LA children's-services reports (every tenth, about 86 texts; all 861 with
/// `CRASH_ALL_LETTERS=1`), copied to a folder of their own.
fn letters_folder() -> &'static Path {
    static FOLDER: OnceLock<PathBuf> = OnceLock::new();
    FOLDER.get_or_init(|| {
        let all = std::env::var("CRASH_ALL_LETTERS").is_ok_and(|v| v == "1");
        let dir = tempfile::tempdir().unwrap().keep();
        let mut files: Vec<PathBuf> = Vec::new();
        let root = shared("data/ofsted-la-childrens-services-reports-text");
        for sub in ["area_send", "focused_visit", "ilacs"] {
            for entry in std::fs::read_dir(root.join(sub)).unwrap() {
                files.push(entry.unwrap().path());
            }
        }
        files.sort();
        assert!(files.len() >= 850, "the reports are there: {}", files.len());
        for (i, file) in files.iter().enumerate().filter(|(i, _)| all || i % 10 == 0) {
            std::fs::copy(file, dir.join(format!("{i:04}_{}", file.file_name().unwrap().to_string_lossy()))).unwrap();
        }
        // The seed letters: monitoring letters whose further actions are stored with them.
        for entry in std::fs::read_dir(shared("letters")).unwrap() {
            let file = entry.unwrap().path();
            if file.extension().is_some_and(|e| e == "txt") {
                std::fs::copy(&file, dir.join(format!("seed_{}", file.file_name().unwrap().to_string_lossy()))).unwrap();
            }
        }
        dir
    })
}

/// A database and working folder the binary runs in.
/// Starts `args` in `target` and SIGKILLs it after `delay`; true when it had already finished.
fn kill_after(target: &Target, args: &[String], delay: Duration) -> bool {
    let mut child = target.command(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    while started.elapsed() < delay {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5).min(delay - started.elapsed().min(delay)));
    }
    let _ = child.kill();
    child.wait().unwrap().success()
}

/// Rows per table (every table the database has).
async fn counts(store: &Store) -> BTreeMap<String, i64> {
    let mut snapshot = store.snapshot().await.unwrap();
    let names: Vec<String> = snapshot.schema().tables.iter().map(|t| t.name.clone()).collect();
    let mut out = BTreeMap::new();
    for name in names {
        let n = snapshot.count(&name).await.unwrap();
        out.insert(name, n);
    }
    snapshot.close().await.unwrap();
    out
}

/// The first column of every row of `table` (its key, for the tables used here), as `snapshot`
/// sees it: every check reads all its tables from one snapshot, so a commit that lands while
/// the check runs (a killed client's last COMMIT, still on its way to PostgreSQL) is seen
/// whole or not at all.
async fn first_column(snapshot: &mut Snapshot, table: &str) -> Vec<String> {
    let mut cursor = PageCursor::default();
    let mut out = Vec::new();
    loop {
        let page = snapshot.page(table, &mut cursor, 1000).await.unwrap();
        if page.is_empty() {
            break;
        }
        out.extend(page.into_iter().map(|row| format!("{:?}", row[0])));
    }
    out
}

/// Letters and the number of actions each has, from one snapshot.
async fn letters_and_actions(store: &Store) -> BTreeMap<String, usize> {
    let mut snapshot = store.snapshot().await.unwrap();
    let mut actions: BTreeMap<String, usize> =
        first_column(&mut snapshot, "letters").await.into_iter().map(|id| (id, 0)).collect();
    for letter in first_column(&mut snapshot, "letter_actions").await {
        *actions.get_mut(&letter).unwrap_or_else(|| panic!("an action of letter {letter}, which is not stored")) += 1;
    }
    snapshot.close().await.unwrap();
    actions
}

fn salt(backend: TestBackend, scenario: u64) -> u64 {
    scenario * 2 + u64::from(backend == TestBackend::Postgres)
}

test_each_backend!(an_import_killed_at_any_moment_is_all_or_nothing, super::an_import_killed_at_any_moment_is_all_or_nothing);
async fn an_import_killed_at_any_moment_is_all_or_nothing(backend: TestBackend) {
    let file = national_register().display().to_string();
    let args = vec!["import".to_string(), file.clone()];

    // An uninterrupted run: how long it takes, and what a complete import holds; and a run
    // with nothing to do: how long reading and checking the file takes before any writing.
    let reference = Target::new(backend).await;
    let started = Instant::now();
    let said = reference.ok(&args);
    let full = started.elapsed();
    assert!(said.contains("24181 rows; 24181 register entries"), "{said}");
    let started = Instant::now();
    reference.ok(&args);
    let reading = started.elapsed().min(full / 2);
    let complete = counts(&reference.db.store().await).await;
    assert_eq!(complete["import_files"], 1);
    assert_eq!(complete["schools"], 24181, "one school per row of the file");
    reference.remove().await;
    let empty: BTreeMap<String, i64> = complete.keys().map(|k| (k.clone(), 0)).collect();

    let mut rng = Rng::new(salt(backend, 1));
    let mut target = Target::new(backend).await;
    let begun = Instant::now();
    let (mut killed, mut in_write, mut finished_first) = (0, 0, 0);
    while killed < kills() && begun.elapsed() < BUDGET {
        // Most of a debug run is reading the file; aim the kills at the writing that follows.
        let delay = rng.between(reading * 9 / 10, full);
        let finished = kill_after(&target, &args, delay);
        killed += 1;
        let store = target.db.store().await;
        let now = counts(&store).await;
        store.close().await;
        if now == complete {
            // It got there (or had finished): the same file again must be a no-op.
            finished_first += u32::from(finished);
            let again = target.ok(&args);
            assert!(again.contains("skipped edubasealldata20190601.csv"), "{again}");
            let store = target.db.store().await;
            assert_eq!(counts(&store).await, complete);
            store.close().await;
            target.remove().await;
            target = Target::new(backend).await;
        } else {
            assert!(!finished, "a run that exited cleanly left {now:?}");
            assert_eq!(now, empty, "kill {killed} after {delay:?} left a partial import");
            in_write += u32::from(delay > reading);
        }
    }
    eprintln!(
        "{backend:?}: {killed} kills in {:?} ({finished_first} after the import finished, ~{in_write} while it wrote); a full run takes {full:?}, reading {reading:?}",
        begun.elapsed()
    );
    assert!(killed >= 5, "at least a few kills within the budget");
    // Finishing the job, then nothing more to do.
    let said = target.ok(&args);
    assert!(said.contains("imported edubasealldata20190601.csv") || said.contains("skipped"), "{said}");
    let store = target.db.store().await;
    assert_eq!(counts(&store).await, complete);
    store.close().await;
    let again = target.ok(&args);
    assert!(again.contains("skipped edubasealldata20190601.csv"), "{again}");
    target.remove().await;
}

test_each_backend!(letters_ingest_killed_at_any_moment_keeps_each_letter_whole, super::letters_ingest_killed_at_any_moment_keeps_each_letter_whole);
async fn letters_ingest_killed_at_any_moment_keeps_each_letter_whole(backend: TestBackend) {
    let folder = letters_folder().display().to_string();
    let args = vec!["letters".to_string(), "ingest".to_string(), folder];

    let reference = Target::new(backend).await;
    let started = Instant::now();
    reference.ok(&args);
    let full = started.elapsed();
    let store = reference.db.store().await;
    let actions_of = letters_and_actions(&store).await;
    store.close().await;
    reference.remove().await;
    assert!(actions_of.len() > 80, "{} letters", actions_of.len());
    assert!(actions_of.values().any(|&n| n > 0), "some letters ask for actions");

    let mut rng = Rng::new(salt(backend, 2));
    let mut target = Target::new(backend).await;
    let begun = Instant::now();
    let mut killed = 0;
    let mut stored_so_far = Vec::new();
    // A kill waits up to a full run, so the budget grows with the run: a loaded machine slows
    // the run, and the kills must still be a few.
    let budget = BUDGET.max(full * 8);
    while killed < kills() && begun.elapsed() < budget {
        // Each run reads every file again and stores those not yet stored, so later runs reach
        // new letters later.
        let delay = rng.between(full / 4, full);
        kill_after(&target, &args, delay);
        killed += 1;
        let store = target.db.store().await;
        let actions = letters_and_actions(&store).await;
        store.close().await;
        for (id, n) in &actions {
            let want = actions_of.get(id).unwrap_or_else(|| panic!("letter {id} is not one of the folder's"));
            assert_eq!(n, want, "kill {killed}: letter {id} has {n} of its {want} actions");
        }
        stored_so_far.push(actions.len());
        if actions.len() == actions_of.len() {
            // All there: a further run stores nothing, and the next kills start afresh.
            let again = target.ok(&args);
            let n = actions.len();
            assert!(again.starts_with(&format!("0 letters stored, {n} already stored, 0 already in another format, 0 skipped (not letters), 0 refused; {n} searchable")), "{again}");
            target.remove().await;
            target = Target::new(backend).await;
        }
    }
    eprintln!("{backend:?}: {killed} kills in {:?}; letters stored after each: {stored_so_far:?}; a full run takes {full:?}", begun.elapsed());
    assert!(killed >= 5, "at least a few kills within the budget");

    // Finishing the job (the search index, maybe cut short too, is brought back in step), then
    // nothing more to do.
    target.ok(&args);
    let again = target.ok(&args);
    let n = actions_of.len();
    assert!(again.starts_with(&format!("0 letters stored, {n} already stored, 0 already in another format, 0 skipped (not letters), 0 refused; {n} searchable")), "{again}");
    let store = target.db.store().await;
    assert_eq!(letters_and_actions(&store).await, actions_of);
    store.close().await;
    target.remove().await;
}

/// Casework has no command of its own yet: the writer is this test binary run again as a child
/// (`casework_writer`, ignored unless asked for), opening cases (case, "opened" event, first
/// core-group meeting and audit line in one transaction), adding actions and milestones (each
/// with its audit line), and closing cases, until it is killed.
const WRITER_URL: &str = "SCHOOLSIGHT_CRASH_CASEWORK_URL";
const WRITER_ROUNDS: &str = "SCHOOLSIGHT_CRASH_CASEWORK_ROUNDS";

#[tokio::test]
#[ignore = "the child process of casework_killed_at_any_moment_keeps_its_audit_trail"]
async fn casework_writer() {
    use schoolsight_domain::casework::{ConcernCategory, Rag};
    let Ok(url) = std::env::var(WRITER_URL) else { return };
    let rounds: u64 = std::env::var(WRITER_ROUNDS).ok().and_then(|r| r.parse().ok()).unwrap_or(u64::MAX);
    let store = Store::connect(&url).await.unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2022, 5, 3).unwrap();
    for round in 0..rounds {
        let case = schoolsight_store::NewCase {
            urn: schoolsight_domain::Urn(115850),
            category: ConcernCategory::CoreGroup,
            link_officer: "officer".into(),
            reason: format!("round {round}"),
            opened_on: day,
            meeting_interval_days: None,
        };
        let id = store.open_case(&case, "officer").await.unwrap();
        let action = store.add_case_action(&id, "Raise attendance", "head", Rag::Amber, None, "officer").await.unwrap();
        store.add_milestone(&action, "Plan agreed", day, "officer").await.unwrap();
        if round % 2 == 0 {
            store.close_case(&id, day, "officer").await.unwrap();
        }
    }
    store.close().await;
}

/// Every row of `table` as column → value.
async fn rows(snapshot: &mut Snapshot, table: &str) -> Vec<BTreeMap<String, String>> {
    let columns: Vec<String> =
        snapshot.schema().table(table).unwrap().columns.iter().map(|c| c.name.clone()).collect();
    let mut cursor = PageCursor::default();
    let mut out = Vec::new();
    loop {
        let page = snapshot.page(table, &mut cursor, 1000).await.unwrap();
        if page.is_empty() {
            break;
        }
        for row in page {
            out.push(
                columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| {
                        let text = match v {
                            schoolsight_store::backup::Cell::Text(t) => t,
                            other => format!("{other:?}"),
                        };
                        (c.clone(), text)
                    })
                    .collect(),
            );
        }
    }
    out
}

/// Each change and its audit line are there together or not at all; returns the cases stored.
async fn casework_is_whole(store: &Store, after: &str) -> usize {
    let mut snapshot = store.snapshot().await.unwrap();
    let audit = rows(&mut snapshot, "audit_log").await;
    let cases = rows(&mut snapshot, "cases").await;
    let events = rows(&mut snapshot, "case_events").await;
    let meetings = rows(&mut snapshot, "meetings").await;
    let actions = rows(&mut snapshot, "case_actions").await;
    let milestones = rows(&mut snapshot, "milestones").await;
    snapshot.close().await.unwrap();
    let tally = |list: &[BTreeMap<String, String>], fields: &[&str]| {
        let mut n: BTreeMap<Vec<String>, usize> = BTreeMap::new();
        for row in list {
            *n.entry(fields.iter().map(|f| row[*f].clone()).collect()).or_default() += 1;
        }
        n
    };
    let audited = tally(&audit, &["action", "entity", "entity_id"]);
    let audit_of = |action: &str, entity: &str, id: &str| {
        audited.get(&vec![action.to_string(), entity.to_string(), id.to_string()]).copied().unwrap_or(0)
    };
    let events_of = tally(&events, &["case_id", "kind"]);
    let meetings_of = tally(&meetings, &["case_id"]);
    for case in &cases {
        let id = &case["id"];
        let event = |kind: &str| events_of.get(&vec![id.clone(), kind.to_string()]).copied().unwrap_or(0);
        assert_eq!(event("opened"), 1, "{after}: case {id} and its 'opened' event");
        assert_eq!(meetings_of.get(&vec![id.clone()]).copied().unwrap_or(0), 1, "{after}: case {id} and its first meeting");
        assert_eq!(audit_of("open", "case", id), 1, "{after}: case {id} and its audit line");
        let closed = case["closed_on"] != "Null";
        assert_eq!(event("closed"), usize::from(closed), "{after}: case {id} closed and its event");
        assert_eq!(audit_of("close", "case", id), usize::from(closed), "{after}: case {id} closed and its audit line");
    }
    for action in &actions {
        assert_eq!(audit_of("add", "case_action", &action["id"]), 1, "{after}: action {} and its audit line", action["id"]);
    }
    for milestone in &milestones {
        assert_eq!(audit_of("add", "milestone", &milestone["id"]), 1, "{after}: milestone {} and its audit line", milestone["id"]);
    }
    // And no audit line for a change that is not there.
    let lines = |action: &str, entity: &str| audit.iter().filter(|a| a["action"] == action && a["entity"] == entity).count();
    assert_eq!(lines("add", "case_action"), actions.len(), "{after}: audit lines without their action");
    assert_eq!(lines("add", "milestone"), milestones.len(), "{after}: audit lines without their milestone");
    assert_eq!(lines("open", "case"), cases.len(), "{after}: audit lines without their case");
    assert_eq!(events.len(), cases.len() + lines("close", "case"), "{after}: events without their change");
    cases.len()
}

test_each_backend!(casework_killed_at_any_moment_keeps_its_audit_trail, super::casework_killed_at_any_moment_keeps_its_audit_trail);
async fn casework_killed_at_any_moment_keeps_its_audit_trail(backend: TestBackend) {
    let target = Target::new(backend).await;
    let gias = shared("data/hampshire-surrey-2017-2022/20220420_gias.csv").display().to_string();
    target.ok(&["import".to_string(), gias]);
    let writer = |rounds: Option<u64>| {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "casework_writer", "--ignored", "--test-threads=1"])
            .env(WRITER_URL, &target.db.url)
            .env("RUST_BACKTRACE", "0")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(n) = rounds {
            command.env(WRITER_ROUNDS, n.to_string());
        }
        command
    };
    let mut rng = Rng::new(salt(backend, 3));
    let begun = Instant::now();
    let mut killed = 0;
    let mut cases_after = Vec::new();
    while killed < kills() && begun.elapsed() < BUDGET {
        let mut child = writer(None).spawn().unwrap();
        std::thread::sleep(rng.between(Duration::from_millis(150), Duration::from_millis(700)));
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            panic!("the casework writer stopped by itself ({status}): {err}");
        }
        child.kill().unwrap();
        child.wait().unwrap();
        killed += 1;
        let store = target.db.store().await;
        cases_after.push(casework_is_whole(&store, &format!("kill {killed}")).await);
        store.close().await;
    }
    eprintln!("{backend:?}: {killed} kills in {:?}; cases stored after each: {cases_after:?}", begun.elapsed());
    assert!(killed >= 5, "at least a few kills within the budget");
    assert!(cases_after.last().is_some_and(|&n| n > 0), "the writer got some work done between kills");
    // Work goes on normally after all that.
    let out = writer(Some(3)).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let store = target.db.store().await;
    assert_eq!(casework_is_whole(&store, "the last run").await, cases_after.last().unwrap() + 3);
    store.close().await;
    target.remove().await;
}

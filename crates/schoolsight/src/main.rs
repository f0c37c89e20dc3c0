//! The `schoolsight` command: import the published files, ask the letters' questions, serve
//! the dashboard.

mod backup;
mod letters;
mod present;
mod print;
mod pupil_outcomes;
mod report;
mod risk;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use schoolsight_domain::words::count_digits;
use schoolsight_domain::{Urn, parse_query_day};
use schoolsight_ingest::ParsedFile;
use schoolsight_search::SearchIndex;
use schoolsight_domain::casework::Role;
use schoolsight_store::{DEFAULT_URL, ImportOutcome, ImportedFile, NewUser, Store};

#[derive(Parser)]
#[command(name = "schoolsight", version, about = "School-improvement intelligence for local authorities, trusts and inspectors")]
struct Cli {
    /// Database URL: sqlite:… (default: schoolsight.db in the working folder) or postgres://…
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_URL, global = true)]
    database_url: String,
    /// Folder of the letters' search index (derived from the database, rebuilt when missing).
    #[arg(long, env = "SCHOOLSIGHT_INDEX", default_value = "schoolsight-index", global = true)]
    index: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the dashboard and JSON API; on an empty database, first import the bundled data.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Folder of the bundled public data sets (its ../letters and ofsted-school-reports-sample
        /// hold the bundled letters and reports).
        #[arg(long, env = "SCHOOLSIGHT_DATA", default_value = "../shared/data")]
        data: PathBuf,
        /// Mark the session cookie Secure (for users reaching the server over HTTPS, e.g.
        /// behind a reverse proxy that ends TLS).
        #[arg(long, env = "SCHOOLSIGHT_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Import GIAS establishment extracts and Ofsted inspection files (files or folders).
    Import {
        /// Published files, or folders of them (.csv, .csv.gz, .xlsx, .parquet, .json).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Lay the bundled data out in the published formats and import it, with the bundled letters.
    ImportBundled {
        /// Folder of the bundled public data sets.
        #[arg(long, env = "SCHOOLSIGHT_DATA", default_value = "../shared/data")]
        data: PathBuf,
    },
    /// Write the bundled data in the published formats to a folder, and list the files.
    Bundle {
        /// Folder of the bundled public data sets.
        #[arg(long, env = "SCHOOLSIGHT_DATA", default_value = "../shared/data")]
        data: PathBuf,
        /// Folder to write the published-format files to.
        #[arg(long, default_value = "data/bundled")]
        out: PathBuf,
    },
    /// An LA's schools by phase and type, trusts, and % good or outstanding against England.
    LaProfile {
        /// The local authority, as people write it: "Derby", "Derby City Council", "City of
        /// Derby", its DfE code (831) or ONS code (E06000015).
        #[arg(long)]
        la: String,
        /// The day to describe (yyyy-mm-dd or dd/mm/yyyy, 2005 onwards); default today, with a
        /// note of how recent the data is.
        #[arg(long, value_parser = day)]
        at: Option<NaiveDate>,
        /// Rank only when judgements are known for at least this percentage of the schools
        /// (default 80, or SCHOOLSIGHT_MIN_COVERAGE).
        #[arg(long)]
        min_coverage: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Judgements of an LA's inspections in a period, and how each moved from the previous one.
    Outcomes {
        /// The local authority, as people write it: "Derby", "Derby City Council", "City of
        /// Derby", its DfE code (831) or ONS code (E06000015).
        #[arg(long)]
        la: String,
        /// First day of the period (yyyy-mm-dd or dd/mm/yyyy, 2005 onwards), inclusive.
        #[arg(long, value_parser = day)]
        from: NaiveDate,
        /// Last day of the period, inclusive.
        #[arg(long, value_parser = day)]
        to: NaiveDate,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// An LA's pupil outcomes (KS2, KS4, absence) year by year against England: years with no
    /// figure said as such, the share of its schools the figures cover, its rank among LAs only
    /// where enough LAs have a figure.
    PupilOutcomes {
        /// The local authority, as people write it ("Hampshire", its DfE code 850, …).
        #[arg(long)]
        la: String,
        /// One academic year to answer for (2018/19, 2018-19): each measure's figure, or why
        /// there is none.
        #[arg(long)]
        year: Option<String>,
        /// Rank only when at least this percentage of LAs have a figure (default 80, or
        /// SCHOOLSIGHT_MIN_COVERAGE).
        #[arg(long)]
        min_coverage: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// A school's details and inspection timeline.
    School {
        /// The school's unique reference number (URN), e.g. 104698.
        urn: i64,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Inspection letters and reports: ingest, parse, show.
    Letters {
        #[command(subcommand)]
        command: LettersCommand,
    },
    /// Full-text search over every stored letter, best first, with highlighted extracts.
    Search {
        /// Words to find ("core group"), AND/OR, -word to leave out.
        query: String,
        /// At most this many letters.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Users of the dashboard and API.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The actions letters asked schools to take.
    Actions {
        #[command(subcommand)]
        command: ActionsCommand,
    },
    /// Early warning: back-tests, an LA's schools by risk as at a date, a school's risk over time.
    Risk {
        #[command(subcommand)]
        command: risk::RiskCommand,
    },
    /// Reports: `report letter`, a draft focused-inspection letter for an LA and a period;
    /// `report la`, the LA report; `report school`, the school report for a visit; each as md,
    /// html, json or an A4 pdf.
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Write the whole database to FILE (gzip'd JSON Lines any back end can restore).
    Backup {
        /// The backup file to write (gzip'd JSON Lines).
        file: PathBuf,
    },
    /// Load a backup into this database in one transaction; it must be empty unless --replace.
    Restore {
        /// A file written by `schoolsight backup`.
        file: PathBuf,
        /// Delete what the database holds (in the same transaction) and restore the backup.
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand)]
enum LettersCommand {
    /// Parse, link and store letters (Markdown, text, PDF files, or folders of them).
    Ingest {
        /// Letter files (.md, .markdown, .txt, .pdf) or folders of them, searched recursively.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Parse one file and print its record; nothing is stored.
    Parse {
        /// A letter or report (.md, .markdown, .txt, .pdf).
        file: PathBuf,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// A stored letter, its link and its actions.
    Show {
        /// The letter's id, as `letters ingest`, `search` and the dashboard show it.
        id: String,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input (first line).
    Add {
        /// The name the user signs in with.
        #[arg(long)]
        name: String,
        /// administrator, la_officer, trust_officer, school_leader or inspector.
        #[arg(long, value_parser = role)]
        role: Role,
        /// The LA an LA officer works for (any common form of its name, or its code).
        #[arg(long)]
        la: Option<String>,
        /// The trust a trust officer works for.
        #[arg(long)]
        trust: Option<String>,
        /// The school a headteacher or governor leads.
        #[arg(long)]
        urn: Option<i64>,
    },
}

fn role(text: &str) -> Result<Role, String> {
    Role::from_key(text).ok_or_else(|| format!("'{text}' is not a role (administrator, la_officer, trust_officer, school_leader, inspector)"))
}

#[derive(Subcommand)]
enum ActionsCommand {
    /// A school's actions, open ones first.
    List {
        /// The school's URN.
        urn: i64,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Mark an action done (its id is `<letter id>-<number>`).
    Close {
        /// The action's id, as `actions list` shows it.
        id: String,
        /// Who closed it (recorded with the time).
        #[arg(long)]
        by: String,
        /// What was done, in a few words.
        #[arg(long, default_value = "")]
        note: String,
    },
}

/// A day asked about: a date in the years the data covers ("1850-01-01 is out of range (data
/// from 2005)", not "not a date").
fn day(text: &str) -> Result<NaiveDate, String> {
    parse_query_day(text).map_err(|e| e.to_string())
}

/// Logs to standard error (standard output carries answers and `--json`), at the level
/// `RUST_LOG` sets: warnings and errors by default, `RUST_LOG=tower_http=debug` for each request.
fn start_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

/// Runs the command; an error is printed as one line of causes ("error: opening …: …"), never
/// with a stack trace, even where RUST_BACKTRACE is set: a user's mistake is not a crash.
#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    start_logging();
    let cli = Cli::parse();
    // Parsing a letter touches no database: it must not create one either.
    if let Command::Letters { command: LettersCommand::Parse { file, json } } = &cli.command {
        let document = schoolsight_letters::read_document(file)?;
        let letter = schoolsight_letters::parse(&document.text);
        return present::emit(*json, &letter, present::letter);
    }
    let store = Store::connect(&cli.database_url)
        .await
        .with_context(|| format!("opening the database {}", cli.database_url))?;
    match cli.command {
        Command::Serve { addr, data, secure_cookies } => {
            if store.totals().await?.schools == 0 {
                eprintln!("The database is empty: importing the bundled data from {}", data.display());
                import_bundled(&store, &data).await?;
            }
            if store.letter_count().await? == 0 {
                ingest_bundled_letters(&store, &cli.index, &data).await?;
            }
            let totals = store.totals().await?;
            println!(
                "Schoolsight: {}, {}, {}. Dashboard on http://{addr}",
                count_digits(totals.schools as usize, "school", "schools"),
                count_digits(totals.inspections as usize, "inspection", "inspections"),
                count_digits(totals.local_authorities as usize, "local authority", "local authorities")
            );
            let index = open_index(&cli.index, &store).await?;
            let config = schoolsight_web::ServeConfig { thresholds: schoolsight_risk::CategoryThresholds::from_env()?, secure_cookies };
            schoolsight_web::serve(store.clone(), index, addr, config).await.context("serving")?;
        }
        Command::Import { paths } => import(&store, &expand(&paths)?).await?,
        Command::ImportBundled { data } => {
            import_bundled(&store, &data).await?;
            ingest_bundled_letters(&store, &cli.index, &data).await?;
        }
        Command::Bundle { data, out } => {
            for file in schoolsight_bundle::assemble(&data, &out)? {
                println!("{}", file.display());
            }
        }
        Command::LaProfile { la, at, min_coverage, json } => {
            let at = match at {
                Some(at) => at,
                None => {
                    let today = chrono::Local::now().date_naive();
                    eprintln!("{}", present::latest_data(&store.latest_data().await?, today));
                    today
                }
            };
            let thresholds = match min_coverage {
                Some(value) => schoolsight_domain::Thresholds::with_min_coverage("--min-coverage", &value)?,
                None => schoolsight_domain::Thresholds::from_env()?,
            };
            let profile = store.la_profile(&la, at, &thresholds).await?;
            present::emit(json, &profile, present::la_profile)?;
        }
        Command::Outcomes { la, from, to, json } => {
            if from > to {
                bail!("--from {from} is after --to {to}");
            }
            let summary = store.outcomes(&la, from, to).await?;
            present::emit(json, &summary, present::outcomes)?;
        }
        Command::PupilOutcomes { la, year, min_coverage, json } => {
            let thresholds = match min_coverage {
                Some(value) => schoolsight_domain::Thresholds::with_min_coverage("--min-coverage", &value)?,
                None => schoolsight_domain::Thresholds::from_env()?,
            };
            let year = year
                .map(|y| schoolsight_domain::AcademicYear::from_label(&y).with_context(|| format!("--year '{y}' is not an academic year such as 2018/19")))
                .transpose()?;
            let outcomes = store.la_outcomes(&la, year, &thresholds).await?;
            present::emit(json, &outcomes, pupil_outcomes::text)?;
        }
        Command::School { urn, json } => {
            let history = store
                .school(Urn(urn))
                .await?
                .with_context(|| format!("no school with URN {urn}"))?;
            present::emit(json, &history, present::school)?;
        }
        Command::Letters { command } => letters_command(&store, &cli.index, command).await?,
        Command::Search { query, limit, json } => {
            let index = open_index(&cli.index, &store).await?;
            let hits = index.search(&query, limit)?;
            present::emit(json, &hits, present::hits)?;
        }
        Command::User { command: UserCommand::Add { name, role, la, trust, urn } } => {
            add_user(&store, name, role, la, trust, urn.map(Urn)).await?;
        }
        Command::Actions { command: ActionsCommand::List { urn, json } } => {
            if store.school(Urn(urn)).await?.is_none() {
                bail!("no school with URN {urn}");
            }
            let actions = store.actions_for_school(Urn(urn)).await?;
            present::emit(json, &actions, present::actions)?;
        }
        Command::Actions { command: ActionsCommand::Close { id, by, note } } => {
            if !store.close_action(&id, &by, &note).await? {
                bail!("no open action {id}");
            }
            println!("closed {id}");
        }
        Command::Risk { command } => risk::command(&store, command).await?,
        Command::Report { command } => report::command(&store, command).await?,
        Command::Backup { file } => backup::backup_command(&store, &file).await?,
        Command::Restore { file, replace } => backup::restore_command(&store, &cli.index, &file, replace).await?,
    }
    store.close().await;
    Ok(())
}

/// Adds a user whose reach fits their role: an LA officer needs an LA, a trust officer a
/// trust, a school leader a school.
async fn add_user(store: &Store, name: String, role: Role, la: Option<String>, trust: Option<String>, urn: Option<Urn>) -> Result<()> {
    let la = match la {
        Some(la) => Some(store.resolve_la(&la).await?),
        None => None,
    };
    match role {
        Role::LaOfficer if la.is_none() => bail!("an LA officer needs --la"),
        Role::TrustOfficer if trust.is_none() => bail!("a trust officer needs --trust"),
        Role::SchoolLeader if urn.is_none() => bail!("a headteacher or governor needs --urn"),
        _ => {}
    }
    let mut password = String::new();
    std::io::stdin().read_line(&mut password).context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    if password.chars().count() < 10 {
        bail!("the password must be at least 10 characters");
    }
    let user = NewUser { name: name.clone(), password, role, la_name: la, trust, urn };
    let id = store.add_user(&user, "command line").await?;
    println!("added user {name} ({}) as {id}", role.key());
    Ok(())
}

/// The search index, brought in step with the database.
async fn open_index(folder: &Path, store: &Store) -> Result<Arc<SearchIndex>> {
    let index = SearchIndex::open(folder).with_context(|| format!("opening the search index in {}", folder.display()))?;
    letters::sync_index(store, &index).await?;
    Ok(Arc::new(index))
}

async fn letters_command(store: &Store, index_folder: &Path, command: LettersCommand) -> Result<()> {
    match command {
        LettersCommand::Ingest { paths } => {
            let files = letters::expand(&paths)?;
            if files.is_empty() {
                let named: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                bail!("no letters in {}: expected .md, .markdown, .txt or .pdf files", named.join(", "));
            }
            let report = ingest_letters(store, index_folder, &files).await?;
            if !report.refused.is_empty() {
                bail!("{} could not be read as letters", schoolsight_domain::words::count_digits(report.refused.len(), "file", "files"));
            }
        }
        LettersCommand::Show { id, json } => {
            let letter = store.letter(&id).await?.with_context(|| format!("no letter {id}"))?;
            let (record, _) = store.letter_record(&id).await?.with_context(|| format!("no letter {id}"))?;
            let shown = present::ShownLetter {
                letter,
                record: serde_json::from_str(&record)?,
                actions: store.actions_for_letter(&id).await?,
            };
            present::emit(json, &shown, present::shown_letter)?;
        }
        LettersCommand::Parse { .. } => unreachable!("parsed before the database is opened"),
    }
    Ok(())
}

/// Reads, links and stores letter files, printing what became of each that was not stored and
/// a line of counts.
async fn ingest_letters(store: &Store, index_folder: &Path, files: &[PathBuf]) -> Result<letters::IngestReport> {
    let index = open_index(index_folder, store).await?;
    let progress = bar(files.len() as u64, "letters".to_string());
    let report = letters::ingest(store, &index, files, &|done| progress.set_position(done)).await?;
    progress.finish_and_clear();
    for note in report.skipped.iter().chain(&report.other_format) {
        println!("skipped {note}");
    }
    for refusal in &report.refused {
        eprintln!("refused {refusal}");
    }
    println!("{}", present::ingest_counts(&report, index.len()));
    Ok(report)
}

/// The bundled letters and reports (the seed letters beside the data folder, and the sample
/// school reports in it), so a first run's Letters sections are not empty.
async fn ingest_bundled_letters(store: &Store, index_folder: &Path, data: &Path) -> Result<()> {
    let folders: Vec<PathBuf> = [data.join("../letters"), data.join("ofsted-school-reports-sample")]
        .into_iter()
        .filter(|f| f.is_dir())
        .collect();
    if folders.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = folders.iter().map(|f| f.display().to_string()).collect();
    eprintln!("Taking in the bundled letters and reports from {}", names.join(" and "));
    ingest_letters(store, index_folder, &letters::expand(&folders)?).await?;
    Ok(())
}

/// Files named, and the data files in folders named (CSV plain or gzipped, Excel workbooks,
/// parquet, report-card JSON), in name order.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("reading folder {}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let name = p.to_string_lossy().to_lowercase();
                    [".csv", ".csv.gz", ".xlsx", ".parquet", ".json"].iter().any(|ext| name.ends_with(ext))
                })
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

async fn import_bundled(store: &Store, data: &Path) -> Result<()> {
    let out = PathBuf::from("data/bundled");
    let files = schoolsight_bundle::assemble(data, &out)
        .with_context(|| format!("laying out the bundled data from {}", data.display()))?;
    import(store, &files).await
}

fn bar(len: u64, message: String) -> ProgressBar {
    let bar = ProgressBar::new(len).with_message(message);
    bar.set_style(
        ProgressStyle::with_template("{msg:40!} [{bar:30}] {percent:>3}% {elapsed}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}

/// Checks every file before writing any, so one bad file leaves the database as it was;
/// then writes each file in its own transaction.
async fn import(store: &Store, files: &[PathBuf]) -> Result<()> {
    let mut parsed: Vec<ParsedFile> = Vec::with_capacity(files.len());
    for path in files {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let progress = bar(1, format!("reading {name}"));
        let file = schoolsight_ingest::parse_file(path, &mut |done, total| {
            progress.set_length(total.max(1));
            progress.set_position(done);
        });
        progress.finish_and_clear();
        parsed.push(file?);
    }
    for file in &parsed {
        let progress = bar(1, format!("writing {}", short(&file.name)));
        let outcome = store
            .import(file, &mut |done, total| {
                progress.set_length(total.max(1));
                progress.set_position(done);
            })
            .await
            .with_context(|| format!("importing {}", file.name))?;
        progress.finish_and_clear();
        match outcome {
            ImportOutcome::Imported(f) => println!("imported {} ({}): {}", short(&f.name), f.kind.key(), written(&f)),
            ImportOutcome::AlreadyImported { name, imported_at } => {
                println!("skipped {}: the same file was imported at {imported_at}", short(&name))
            }
        }
    }
    Ok(())
}

/// What an import wrote, naming only what it did write.
fn written(f: &ImportedFile) -> String {
    let counts = [
        (f.schools_written, "register entry", "register entries"),
        (f.schools_added_from_inspections, "school added from inspections", "schools added from inspections"),
        (f.inspections_written, "inspection", "inspections"),
        (f.measures_written, "outcome figure", "outcome figures"),
        (f.report_card_grades_written, "report-card grade", "report-card grades"),
        (f.links_written, "school link", "school links"),
        (f.trust_links_written, "trust membership", "trust memberships"),
        (f.visits_matched, "visit already stored from another file (merged)", "visits already stored from another file (merged)"),
    ];
    let parts: Vec<String> =
        counts.iter().filter(|(n, _, _)| *n > 0).map(|(n, one, many)| count_digits(*n as usize, one, many)).collect();
    let parts = if parts.is_empty() { "nothing new".to_string() } else { parts.join(", ") };
    format!("{}; {parts} written", count_digits(f.rows as usize, "row", "rows"))
}

fn short(name: &str) -> String {
    Path::new(name).file_name().map_or_else(|| name.to_string(), |n| n.to_string_lossy().into_owned())
}

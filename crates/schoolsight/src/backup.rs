//! `schoolsight backup FILE` and `schoolsight restore FILE`: the whole database as one portable
//! file that either back end can read back.
//!
//! The file is gzip'd JSON Lines (`zcat FILE | head` shows what it holds):
//!
//! ```text
//! {"format":"schoolsight-backup","version":1,"schema_version":4,"migrations":[…],"created_at":"…","source":"sqlite","tables":[{"name":"import_files","columns":[{"name":"sha256","kind":"text"},…],"key":["sha256"],"references":[],"rows":12},…]}
//! {"table":"import_files","rows":12}
//! ["0f3a…","edubasealldata20190601.csv",…]          one JSON array per row, in column order
//! …
//! {"end":true,"tables":19,"rows":512345}
//! ```
//!
//! Tables come parents first (as foreign keys require), each with its row count before its
//! rows, so a file cut short anywhere is noticed; gzip's checksum catches damage inside. A
//! restore writes everything in one transaction and commits only after the last line has been
//! read and checked: a bad file leaves the database exactly as it was.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use schoolsight_search::SearchIndex;
use schoolsight_store::backup::{Cell, ColumnKind, DatabaseSchema, Migration, PageCursor, TableSchema};
use schoolsight_store::{Backend, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const FORMAT: &str = "schoolsight-backup";
pub const VERSION: u32 = 1;

/// Rows read from the database per query while backing up.
const PAGE_ROWS: usize = 1000;
/// Rows handed to the database per call while restoring (fewer when they are large).
const BATCH_ROWS: usize = 2000;
const BATCH_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    schema_version: i64,
    migrations: Vec<Migration>,
    created_at: String,
    /// The back end the backup was made from (informative: any back end can restore it).
    source: String,
    tables: Vec<TableHeader>,
}

#[derive(Debug, Serialize, Deserialize)]
struct TableHeader {
    #[serde(flatten)]
    schema: TableSchema,
    rows: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct SectionLine {
    table: String,
    rows: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct EndLine {
    end: bool,
    tables: u64,
    rows: u64,
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

fn cell_json(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Integer(v) => Value::from(*v),
        // JSON has no NaN or infinities; they travel as strings (no column holds one today).
        Cell::Real(v) => serde_json::Number::from_f64(*v).map_or_else(|| Value::String(v.to_string()), Value::Number),
        Cell::Text(v) => Value::String(v.clone()),
    }
}

fn json_cell(value: &Value, kind: ColumnKind) -> Option<Cell> {
    Some(match (value, kind) {
        (Value::Null, _) => Cell::Null,
        (Value::Number(n), ColumnKind::Integer) => Cell::Integer(n.as_i64()?),
        (Value::Number(n), ColumnKind::Real) => Cell::Real(n.as_f64()?),
        (Value::String(s), ColumnKind::Real) => Cell::Real(s.parse::<f64>().ok().filter(|v| !v.is_finite())?),
        (Value::String(s), ColumnKind::Text) => Cell::Text(s.clone()),
        _ => return None,
    })
}

/// What a backup wrote.
pub struct BackupSummary {
    pub tables: usize,
    pub rows: u64,
    pub schema_version: i64,
}

/// Writes the whole database to `file` (through a temporary file beside it, renamed into place
/// only when complete, so an interrupted backup never leaves a file that looks finished).
pub async fn backup(store: &Store, file: &Path) -> Result<BackupSummary> {
    let mut snapshot = store.snapshot().await.context("reading the database")?;
    let schema = snapshot.schema().clone();
    let mut tables = Vec::with_capacity(schema.tables.len());
    for table in &schema.tables {
        let rows = snapshot.count(&table.name).await?;
        tables.push(TableHeader { schema: table.clone(), rows: rows as u64 });
    }
    let header = Header {
        format: FORMAT.to_string(),
        version: VERSION,
        schema_version: schema.version(),
        migrations: schema.migrations.clone(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source: backend_name(store.backend()).to_string(),
        tables,
    };
    let partial = partial_path(file);
    let written = write_backup(&mut snapshot, &header, &partial).await;
    snapshot.close().await?;
    match written {
        Ok(rows) => {
            std::fs::rename(&partial, file)
                .with_context(|| format!("moving {} to {}", partial.display(), file.display()))?;
            Ok(BackupSummary { tables: header.tables.len(), rows, schema_version: header.schema_version })
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    file.with_file_name(name)
}

/// A new file only its owner can read: a backup holds password hashes and sessions.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

async fn write_backup(snapshot: &mut schoolsight_store::backup::Snapshot, header: &Header, path: &Path) -> Result<u64> {
    let out = create_private(path).with_context(|| format!("creating {}", path.display()))?;
    let mut gz = GzEncoder::new(BufWriter::new(out), Compression::default());
    let line = |gz: &mut GzEncoder<BufWriter<File>>, value: &dyn erased::Line| -> Result<()> {
        value.write_to(gz)?;
        gz.write_all(b"\n")?;
        Ok(())
    };
    line(&mut gz, header)?;
    let mut total = 0u64;
    for table in &header.tables {
        line(&mut gz, &SectionLine { table: table.schema.name.clone(), rows: table.rows })?;
        let mut cursor = PageCursor::default();
        let mut count = 0u64;
        loop {
            let page = snapshot.page(&table.schema.name, &mut cursor, PAGE_ROWS).await?;
            if page.is_empty() {
                break;
            }
            for row in &page {
                let values: Vec<Value> = row.iter().map(cell_json).collect();
                line(&mut gz, &values)?;
            }
            count += page.len() as u64;
        }
        if count != table.rows {
            bail!("table {} changed while it was read ({} rows counted, {count} read)", table.schema.name, table.rows);
        }
        total += count;
    }
    line(&mut gz, &EndLine { end: true, tables: header.tables.len() as u64, rows: total })?;
    let file = gz.finish()?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all().with_context(|| format!("writing {}", path.display()))?;
    Ok(total)
}

/// Serialising different line types through one closure.
mod erased {
    pub trait Line {
        fn write_to(&self, out: &mut dyn std::io::Write) -> serde_json::Result<()>;
    }
    impl<T: serde::Serialize> Line for T {
        fn write_to(&self, out: &mut dyn std::io::Write) -> serde_json::Result<()> {
            serde_json::to_writer(out, self)
        }
    }
}

/// What a restore wrote.
pub struct RestoreSummary {
    pub tables: usize,
    pub rows: u64,
    pub schema_version: i64,
    pub source: String,
    pub created_at: String,
}

/// The lines of a backup file, numbered, with damage reported as such.
struct Lines {
    reader: Box<dyn BufRead>,
    number: u64,
    name: String,
}

impl Lines {
    fn open(file: &Path) -> Result<Lines> {
        let name = file.display().to_string();
        let mut raw = BufReader::new(File::open(file).with_context(|| format!("opening {name}"))?);
        let gzipped = raw.fill_buf().with_context(|| format!("reading {name}"))?.starts_with(&[0x1f, 0x8b]);
        let reader: Box<dyn BufRead> =
            if gzipped { Box::new(BufReader::new(MultiGzDecoder::new(raw))) } else { Box::new(raw) };
        Ok(Lines { reader, number: 0, name })
    }

    /// The next line, `None` at the end of the file.
    fn next(&mut self) -> Result<Option<String>> {
        let mut bytes = Vec::new();
        let n = self.reader.read_until(b'\n', &mut bytes).map_err(|e| {
            anyhow!("{} is damaged or incomplete after line {}: {e}; nothing was restored", self.name, self.number)
        })?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        if bytes.last() != Some(&b'\n') {
            bail!("{} ends in the middle of line {} (the file is incomplete); nothing was restored", self.name, self.number);
        }
        bytes.pop();
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| anyhow!("{} is damaged: line {} is not UTF-8; nothing was restored", self.name, self.number))
    }

    fn expect<T: serde::de::DeserializeOwned>(&mut self, what: &str) -> Result<T> {
        let line = self.next()?.ok_or_else(|| {
            anyhow!("{} ends early: {what} is missing after line {} (the file is incomplete); nothing was restored", self.name, self.number)
        })?;
        serde_json::from_str(&line).map_err(|e| {
            anyhow!("{} is damaged: line {} should be {what} ({e}); nothing was restored", self.name, self.number)
        })
    }
}

/// Reads and checks the first line of a backup.
fn read_header(lines: &mut Lines) -> Result<Header> {
    let first = lines.next()?.ok_or_else(|| anyhow!("{} is empty: it is not a Schoolsight backup", lines.name))?;
    let value: Value = serde_json::from_str(&first)
        .map_err(|_| anyhow!("{} is not a Schoolsight backup (its first line is not a backup header)", lines.name))?;
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        bail!("{} is not a Schoolsight backup (its first line is not a backup header)", lines.name);
    }
    let version = value.get("version").and_then(Value::as_u64).unwrap_or(0);
    if version != u64::from(VERSION) {
        bail!("{} is a backup in format version {version}; this Schoolsight reads version {VERSION}", lines.name);
    }
    serde_json::from_value(value).map_err(|e| anyhow!("{} has a damaged header: {e}", lines.name))
}

/// Loads `file` into the database in one transaction. The database must be empty, unless
/// `replace`, when what it holds is deleted in the same transaction.
pub async fn restore(store: &Store, file: &Path, replace: bool) -> Result<RestoreSummary> {
    let mut lines = Lines::open(file)?;
    let header = read_header(&mut lines)?;
    let schema = DatabaseSchema {
        migrations: header.migrations.clone(),
        tables: header.tables.iter().map(|t| t.schema.clone()).collect(),
    };
    if schema.version() != header.schema_version {
        bail!("{} has a damaged header: schema version {} but migrations up to {}", lines.name, header.schema_version, schema.version());
    }
    let mut restore = store.begin_restore(&schema, replace).await.with_context(|| format!("restoring {}", file.display()))?;
    let mut total = 0u64;
    for table in &header.tables {
        let name = &table.schema.name;
        let section: SectionLine = lines.expect(&format!("the start of table {name}"))?;
        if &section.table != name || section.rows != table.rows {
            bail!(
                "{} is damaged: line {} starts table {} ({} rows) where the header promises {name} ({} rows); nothing was restored",
                lines.name,
                lines.number,
                section.table,
                section.rows,
                table.rows
            );
        }
        let kinds: Vec<ColumnKind> = table.schema.columns.iter().map(|c| c.kind).collect();
        let mut batch: Vec<Vec<Cell>> = Vec::new();
        let mut batch_bytes = 0usize;
        for read in 0..table.rows {
            let line = lines.next()?.ok_or_else(|| {
                anyhow!(
                    "{} ends early: table {name} has {read} of its {} rows (the file is incomplete); nothing was restored",
                    lines.name,
                    table.rows
                )
            })?;
            batch_bytes += line.len();
            batch.push(row_from(&line, &kinds).map_err(|why| {
                anyhow!("{} is damaged: line {} (a row of {name}) {why}; nothing was restored", lines.name, lines.number)
            })?);
            if batch.len() >= BATCH_ROWS || batch_bytes >= BATCH_BYTES {
                restore.insert(name, &batch).await.with_context(|| format!("restoring table {name}"))?;
                batch.clear();
                batch_bytes = 0;
            }
        }
        restore.insert(name, &batch).await.with_context(|| format!("restoring table {name}"))?;
        total += table.rows;
    }
    let end: EndLine = lines.expect("the end-of-backup line")?;
    if !end.end || end.tables != header.tables.len() as u64 || end.rows != total {
        bail!("{} is damaged: its last line does not match its contents; nothing was restored", lines.name);
    }
    // Reading on to the end makes gzip check its CRC and length over the whole file.
    let mut rest = Vec::new();
    lines
        .reader
        .read_to_end(&mut rest)
        .map_err(|e| anyhow!("{} is damaged or incomplete at its end: {e}; nothing was restored", lines.name))?;
    if rest.iter().any(|b| !b.is_ascii_whitespace()) {
        bail!("{} has data after its end-of-backup line; nothing was restored", lines.name);
    }
    restore.finish().await.context("committing the restore")?;
    Ok(RestoreSummary {
        tables: header.tables.len(),
        rows: total,
        schema_version: header.schema_version,
        source: header.source,
        created_at: header.created_at,
    })
}

fn row_from(line: &str, kinds: &[ColumnKind]) -> std::result::Result<Vec<Cell>, String> {
    let values: Vec<Value> = serde_json::from_str(line).map_err(|e| format!("is not a JSON array ({e})"))?;
    if values.len() != kinds.len() {
        return Err(format!("has {} values for {} columns", values.len(), kinds.len()));
    }
    values
        .iter()
        .zip(kinds)
        .enumerate()
        .map(|(i, (v, k))| json_cell(v, *k).ok_or_else(|| format!("has {v} in column {} where a {k:?} value belongs", i + 1)))
        .collect()
}

/// `schoolsight backup FILE`.
pub async fn backup_command(store: &Store, file: &Path) -> Result<()> {
    let summary = backup(store, file).await.with_context(|| format!("backing up to {}", file.display()))?;
    println!(
        "backed up {} rows in {} tables (schema version {}) to {}",
        summary.rows,
        summary.tables,
        summary.schema_version,
        file.display()
    );
    Ok(())
}

/// `schoolsight restore FILE [--replace]`; then the search index is rebuilt from the restored
/// letters (it is derived from the database).
pub async fn restore_command(store: &Store, index_folder: &Path, file: &Path, replace: bool) -> Result<()> {
    let summary = restore(store, file, replace).await?;
    let index = SearchIndex::open(index_folder)
        .with_context(|| format!("opening the search index in {}", index_folder.display()))?;
    index.replace_all(&[]).context("clearing the search index")?;
    crate::letters::sync_index(store, &index).await?;
    println!(
        "restored {} rows in {} tables (schema version {}) from {}, a backup of a {} database made at {}",
        summary.rows,
        summary.tables,
        summary.schema_version,
        file.display(),
        summary.source,
        summary.created_at
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip_through_json_exactly() {
        let cells = [
            (Cell::Null, ColumnKind::Integer),
            (Cell::Integer(i64::MIN), ColumnKind::Integer),
            (Cell::Integer(9_007_199_254_740_993), ColumnKind::Integer),
            (Cell::Real(0.1 + 0.2), ColumnKind::Real),
            (Cell::Real(-0.0), ColumnKind::Real),
            (Cell::Real(5.0), ColumnKind::Real),
            (Cell::Real(f64::INFINITY), ColumnKind::Real),
            (Cell::Text("\"quoted\"\n\u{2019}".into()), ColumnKind::Text),
        ];
        for (cell, kind) in cells {
            let text = serde_json::to_string(&cell_json(&cell)).unwrap();
            let back = json_cell(&serde_json::from_str(&text).unwrap(), kind).unwrap();
            match (&cell, &back) {
                (Cell::Real(a), Cell::Real(b)) => assert_eq!(a.to_bits(), b.to_bits(), "{text}"),
                _ => assert_eq!(cell, back, "{text}"),
            }
        }
    }

    #[test]
    fn rows_of_the_wrong_shape_are_refused() {
        let kinds = [ColumnKind::Integer, ColumnKind::Text];
        assert_eq!(row_from("[1,\"a\"]", &kinds).unwrap(), vec![Cell::Integer(1), Cell::Text("a".into())]);
        assert!(row_from("[1]", &kinds).unwrap_err().contains("1 values for 2 columns"));
        assert!(row_from("[\"1\",\"a\"]", &kinds).unwrap_err().contains("column 1"));
        assert!(row_from("[1.5,\"a\"]", &kinds).is_err());
        assert!(row_from("{\"a\":1}", &kinds).is_err());
        assert!(row_from("[\"NaN-ish\",\"a\"]", &[ColumnKind::Real, ColumnKind::Text]).is_err());
    }

    #[test]
    fn partial_files_sit_beside_the_target() {
        assert_eq!(partial_path(Path::new("/tmp/x/db.backup")), Path::new("/tmp/x/db.backup.partial"));
    }
}

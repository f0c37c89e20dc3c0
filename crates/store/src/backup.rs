//! Whole-database copies that do not depend on the back end: every table the migrations made,
//! found in the database's own catalogue (so a table added by a later migration is copied
//! without anyone listing it), read from one consistent snapshot, and written back in one
//! transaction after checking that both databases are at the same schema version.
//!
//! This module moves rows; the file format (the binary's `backup`/`restore`) is built on it.
//! Values are kept exactly: integers as `i64`, doubles as `f64` (bit for bit), text as text,
//! NULL as NULL, so a copy from SQLite to PostgreSQL and back is the same data.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sqlx::{Any, Row, Transaction};
use thiserror::Error;

use crate::{Backend, Store};

/// The table the migration runner keeps; its rows describe the schema, not data, and travel in
/// a backup's header rather than as a table.
pub const MIGRATIONS_TABLE: &str = "schema_migrations";

/// How a column's values are carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Integer,
    Real,
    Text,
}

impl ColumnKind {
    /// The kind of a declared SQL type, as SQLite (`BIGINT`, `DOUBLE PRECISION`, `TEXT`) or
    /// PostgreSQL (`bigint`, `double precision`, `text`) reports it. Types whose values could
    /// not be carried exactly (`NUMERIC`, `BLOB`, `BOOLEAN`, timestamps, …) are refused rather
    /// than silently approximated.
    pub fn of_declared(declared: &str) -> Option<ColumnKind> {
        let t = declared.trim().to_ascii_uppercase();
        if t.contains("INT") {
            Some(ColumnKind::Integer)
        } else if t.contains("DOUBLE") || t.contains("REAL") || t.contains("FLOAT") {
            Some(ColumnKind::Real)
        } else if t.contains("TEXT") || t.contains("CHAR") || t.contains("CLOB") {
            Some(ColumnKind::Text)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSchema {
    pub name: String,
    pub kind: ColumnKind,
}

/// A table as the catalogue describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSchema {
    pub name: String,
    /// In the table's own order.
    pub columns: Vec<ColumnSchema>,
    /// The primary key's columns, in key order (empty when the table has none).
    pub key: Vec<String>,
    /// Tables this one's foreign keys point at (it is written after them).
    pub references: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migration {
    pub version: i64,
    pub name: String,
}

/// Every data table of a database, parents before children, and the migrations applied to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseSchema {
    pub migrations: Vec<Migration>,
    pub tables: Vec<TableSchema>,
}

impl DatabaseSchema {
    /// The newest migration applied (0 for a database no migration has touched).
    pub fn version(&self) -> i64 {
        self.migrations.iter().map(|m| m.version).max().unwrap_or(0)
    }

    pub fn table(&self, name: &str) -> Option<&TableSchema> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Why a backup of `self` cannot be restored into a database of schema `target`, if it
    /// cannot: different migrations, or (same migrations, hand-altered database) different
    /// tables or columns.
    pub fn incompatibility(&self, target: &DatabaseSchema) -> Option<String> {
        if self.migrations != target.migrations {
            let list = |s: &DatabaseSchema| {
                s.migrations.iter().map(|m| format!("{} {}", m.version, m.name)).collect::<Vec<_>>().join(", ")
            };
            return Some(format!(
                "the backup is of schema version {} (migrations: {}) but this database is at version {} \
                 (migrations: {}); restore it with the Schoolsight release that wrote it",
                self.version(),
                list(self),
                target.version(),
                list(target)
            ));
        }
        let names = |s: &DatabaseSchema| s.tables.iter().map(|t| t.name.clone()).collect::<BTreeSet<_>>();
        let (ours, theirs) = (names(self), names(target));
        if ours != theirs {
            let only_backup: Vec<_> = ours.difference(&theirs).cloned().collect();
            let only_target: Vec<_> = theirs.difference(&ours).cloned().collect();
            return Some(format!(
                "the backup and this database have different tables (only in the backup: [{}]; only in the \
                 database: [{}])",
                only_backup.join(", "),
                only_target.join(", ")
            ));
        }
        for table in &self.tables {
            let other = target.table(&table.name).expect("same table names");
            if table.columns != other.columns {
                let cols = |t: &TableSchema| {
                    t.columns.iter().map(|c| format!("{} {:?}", c.name, c.kind)).collect::<Vec<_>>().join(", ")
                };
                return Some(format!(
                    "table {} differs: the backup has columns ({}), this database ({})",
                    table.name,
                    cols(table),
                    cols(other)
                ));
            }
        }
        None
    }
}

/// One value of one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    /// Whether the value can stand in a column of `kind` (NULL can stand anywhere: the
    /// database's own constraints decide whether it may).
    pub fn fits(&self, kind: ColumnKind) -> bool {
        matches!(
            (self, kind),
            (Cell::Null, _)
                | (Cell::Integer(_), ColumnKind::Integer)
                | (Cell::Real(_), ColumnKind::Real)
                | (Cell::Text(_), ColumnKind::Text)
        )
    }
}

#[derive(Debug, Error)]
pub enum BackupError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Incompatible(String),
    #[error(
        "the database is not empty ({0}); restore into a new database, or pass --replace to discard what it holds"
    )]
    NotEmpty(String),
    #[error("{0}")]
    BadRow(String),
}

/// `"name"` with any `"` doubled: identifiers come from the catalogue, never from input, and
/// are quoted all the same.
fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// The `n`th placeholder (1-based) of a statement for `backend`: SQLite gets anonymous `?`
/// (bound in order; numbered ones make large batches quadratic, see `import`).
fn placeholder(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${n}"),
    }
}

fn bind_cell<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    cell: &Cell,
    kind: ColumnKind,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    // NULLs are bound with their column's type, so PostgreSQL sees the type it expects.
    match (cell, kind) {
        (Cell::Integer(v), _) => query.bind(*v),
        (Cell::Real(v), _) => query.bind(*v),
        (Cell::Text(v), _) => query.bind(v.clone()),
        (Cell::Null, ColumnKind::Integer) => query.bind(None::<i64>),
        (Cell::Null, ColumnKind::Real) => query.bind(None::<f64>),
        (Cell::Null, ColumnKind::Text) => query.bind(None::<String>),
    }
}

/// Orders tables so that every table comes after the tables it references; ties (and any
/// tables caught in a cycle, which no migration here makes) in name order.
fn parents_first(mut tables: Vec<TableSchema>) -> Vec<TableSchema> {
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    let names: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    let mut ordered = Vec::with_capacity(tables.len());
    while !tables.is_empty() {
        let ready = tables.iter().position(|t| {
            t.references.iter().all(|r| r == &t.name || placed.contains(r) || !names.contains(r))
        });
        let next = tables.remove(ready.unwrap_or(0));
        placed.insert(next.name.clone());
        ordered.push(next);
    }
    ordered
}

async fn strings(tx: &mut Transaction<'static, Any>, sql: &str, bind: Option<&str>) -> Result<Vec<String>, sqlx::Error> {
    let mut query = sqlx::query::<Any>(sql);
    if let Some(value) = bind {
        query = query.bind(value.to_string());
    }
    query.fetch_all(&mut **tx).await?.iter().map(|r| r.try_get::<String, _>(0)).collect()
}

/// Reads the catalogue: every base table but the migration runner's, with columns, primary
/// key and foreign keys.
async fn read_schema(tx: &mut Transaction<'static, Any>, backend: Backend) -> Result<DatabaseSchema, BackupError> {
    let migrations = sqlx::query::<Any>(&format!("SELECT version, name FROM {MIGRATIONS_TABLE} ORDER BY version"))
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| Ok(Migration { version: r.try_get(0)?, name: r.try_get(1)? }))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let table_names = match backend {
        Backend::Sqlite => {
            strings(tx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", None)
                .await?
        }
        Backend::Postgres => {
            strings(
                tx,
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                None,
            )
            .await?
        }
    };
    let mut tables = Vec::new();
    for name in table_names.into_iter().filter(|n| n != MIGRATIONS_TABLE) {
        let (declared, key, references) = match backend {
            Backend::Sqlite => {
                let rows = sqlx::query::<Any>("SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid")
                    .bind(name.clone())
                    .fetch_all(&mut **tx)
                    .await?;
                let mut declared = Vec::new();
                let mut key: Vec<(i64, String)> = Vec::new();
                for r in &rows {
                    let column: String = r.try_get(0)?;
                    declared.push((column.clone(), r.try_get::<String, _>(1)?));
                    let position: i64 = r.try_get(2)?;
                    if position > 0 {
                        key.push((position, column));
                    }
                }
                key.sort();
                let references =
                    strings(tx, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)", Some(&name)).await?;
                (declared, key.into_iter().map(|(_, c)| c).collect::<Vec<_>>(), references)
            }
            Backend::Postgres => {
                let rows = sqlx::query::<Any>(
                    "SELECT column_name::text, data_type::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(name.clone())
                .fetch_all(&mut **tx)
                .await?;
                let declared = rows
                    .iter()
                    .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
                    .collect::<Result<Vec<_>, sqlx::Error>>()?;
                let key = strings(
                    tx,
                    "SELECT a.attname::text FROM pg_constraint c \
                     CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) \
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
                     WHERE c.contype = 'p' AND c.conrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass \
                     ORDER BY k.n",
                    Some(&name),
                )
                .await?;
                let references = strings(
                    tx,
                    "SELECT DISTINCT r.relname::text FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid \
                     WHERE c.contype = 'f' AND c.conrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass",
                    Some(&name),
                )
                .await?;
                (declared, key, references)
            }
        };
        let columns = declared
            .into_iter()
            .map(|(column, declared)| {
                ColumnKind::of_declared(&declared).map(|kind| ColumnSchema { name: column.clone(), kind }).ok_or_else(|| {
                    BackupError::Unsupported(format!(
                        "column {name}.{column} has type '{declared}', which backups cannot carry exactly \
                         (integer, double and text columns only)"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        tables.push(TableSchema { name, columns, key, references });
    }
    Ok(DatabaseSchema { migrations, tables: parents_first(tables) })
}

/// Reads one row into cells, by the column kinds.
fn cells(row: &sqlx::any::AnyRow, table: &TableSchema) -> Result<Vec<Cell>, BackupError> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let cell = match column.kind {
                ColumnKind::Integer => row.try_get::<Option<i64>, _>(i).map(|v| v.map_or(Cell::Null, Cell::Integer)),
                ColumnKind::Real => row.try_get::<Option<f64>, _>(i).map(|v| v.map_or(Cell::Null, Cell::Real)),
                ColumnKind::Text => row.try_get::<Option<String>, _>(i).map(|v| v.map_or(Cell::Null, Cell::Text)),
            };
            cell.map_err(|e| BackupError::BadRow(format!("{}.{}: {e}", table.name, column.name)))
        })
        .collect()
}

/// A read-only, consistent view of the whole database, for as long as it is held.
pub struct Snapshot {
    tx: Transaction<'static, Any>,
    backend: Backend,
    schema: DatabaseSchema,
}

/// Where the previous page of a table ended.
#[derive(Debug, Clone, Default)]
pub struct PageCursor {
    /// The key of the last row read (key-ordered tables).
    last_key: Option<Vec<Cell>>,
    /// Rows read so far (tables without a primary key are paged by offset).
    read: i64,
}

impl Snapshot {
    pub fn schema(&self) -> &DatabaseSchema {
        &self.schema
    }

    pub async fn count(&mut self, table: &str) -> Result<i64, BackupError> {
        let sql = format!("SELECT COUNT(*) FROM {}", quoted(table));
        Ok(sqlx::query::<Any>(&sql).fetch_one(&mut *self.tx).await?.try_get(0)?)
    }

    /// The next at most `limit` rows of `table` in primary-key order (all columns' order for a
    /// table without one), after where `cursor` stands; empty at the end.
    pub async fn page(&mut self, table: &str, cursor: &mut PageCursor, limit: usize) -> Result<Vec<Vec<Cell>>, BackupError> {
        let schema = self
            .schema
            .table(table)
            .ok_or_else(|| BackupError::Unsupported(format!("no table {table}")))?
            .clone();
        let columns = schema.columns.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ");
        let key_columns: Vec<&ColumnSchema> =
            schema.key.iter().filter_map(|k| schema.columns.iter().find(|c| &c.name == k)).collect();
        let rows = if key_columns.is_empty() {
            let sql = format!(
                "SELECT {columns} FROM {} ORDER BY {} LIMIT {limit} OFFSET {}",
                quoted(table),
                (1..=schema.columns.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(", "),
                cursor.read
            );
            sqlx::query::<Any>(&sql).fetch_all(&mut *self.tx).await?
        } else {
            let key_list = key_columns.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ");
            let mut sql = format!("SELECT {columns} FROM {}", quoted(table));
            if cursor.last_key.is_some() {
                let marks = (1..=key_columns.len()).map(|n| placeholder(self.backend, n)).collect::<Vec<_>>().join(", ");
                sql.push_str(&format!(" WHERE ({key_list}) > ({marks})"));
            }
            sql.push_str(&format!(" ORDER BY {key_list} LIMIT {limit}"));
            let mut query = sqlx::query::<Any>(&sql);
            if let Some(last) = &cursor.last_key {
                for (cell, column) in last.iter().zip(&key_columns) {
                    if *cell == Cell::Null {
                        return Err(BackupError::Unsupported(format!(
                            "table {table} has a NULL in its primary key column {}",
                            column.name
                        )));
                    }
                    query = bind_cell(query, cell, column.kind);
                }
            }
            query.fetch_all(&mut *self.tx).await?
        };
        let page = rows.iter().map(|r| cells(r, &schema)).collect::<Result<Vec<_>, _>>()?;
        if let Some(last) = page.last() {
            let positions: Vec<usize> = key_columns
                .iter()
                .map(|k| schema.columns.iter().position(|c| c.name == k.name).expect("key column"))
                .collect();
            cursor.last_key = Some(positions.iter().map(|&i| last[i].clone()).collect());
        }
        cursor.read += page.len() as i64;
        Ok(page)
    }

    /// Ends the read transaction.
    pub async fn close(self) -> Result<(), BackupError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// A restore in progress: one transaction that commits only in [`Restore::finish`]; dropped
/// unfinished (an error, a damaged file), it rolls back and the database is as it was.
pub struct Restore {
    tx: Transaction<'static, Any>,
    backend: Backend,
    schema: DatabaseSchema,
    written: BTreeMap<String, u64>,
}

/// Statement parameter limits differ (SQLite 32766, PostgreSQL 65535); this stays under both.
const MAX_PARAMETERS: usize = 30_000;

impl Restore {
    /// The database's schema (the same as the backup's, or the restore would not have begun).
    pub fn schema(&self) -> &DatabaseSchema {
        &self.schema
    }

    /// Inserts rows of `table`; each row has one cell per column, in the table's order.
    pub async fn insert(&mut self, table: &str, rows: &[Vec<Cell>]) -> Result<(), BackupError> {
        let schema = self
            .schema
            .table(table)
            .ok_or_else(|| BackupError::BadRow(format!("the database has no table {table}")))?
            .clone();
        let kinds: Vec<ColumnKind> = schema.columns.iter().map(|c| c.kind).collect();
        for row in rows {
            if row.len() != kinds.len() {
                return Err(BackupError::BadRow(format!(
                    "a row of {table} has {} values for {} columns",
                    row.len(),
                    kinds.len()
                )));
            }
            if let Some((cell, column)) = row.iter().zip(&schema.columns).find(|(cell, c)| !cell.fits(c.kind)) {
                return Err(BackupError::BadRow(format!(
                    "{table}.{}: {cell:?} is not a {:?} value",
                    column.name, column.kind
                )));
            }
        }
        let columns = schema.columns.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ");
        let per_statement = (MAX_PARAMETERS / kinds.len().max(1)).max(1);
        for chunk in rows.chunks(per_statement) {
            let values = (0..chunk.len())
                .map(|r| {
                    let marks: Vec<String> =
                        (1..=kinds.len()).map(|c| placeholder(self.backend, r * kinds.len() + c)).collect();
                    format!("({})", marks.join(","))
                })
                .collect::<Vec<_>>()
                .join(",");
            let sql = format!("INSERT INTO {} ({columns}) VALUES {values}", quoted(table));
            let mut query = sqlx::query::<Any>(&sql);
            for row in chunk {
                for (cell, kind) in row.iter().zip(&kinds) {
                    query = bind_cell(query, cell, *kind);
                }
            }
            query.execute(&mut *self.tx).await?;
        }
        *self.written.entry(table.to_string()).or_default() += rows.len() as u64;
        Ok(())
    }

    /// Rows inserted so far, by table.
    pub fn written(&self) -> &BTreeMap<String, u64> {
        &self.written
    }

    /// Commits: the restored data becomes visible all at once.
    pub async fn finish(mut self) -> Result<BTreeMap<String, u64>, BackupError> {
        if self.backend == Backend::Postgres {
            // Natural keys need no sequence; should a later table use one, move it past the
            // restored values so the next insert does not collide.
            for table in self.schema.tables.clone() {
                for column in table.columns.iter().filter(|c| c.kind == ColumnKind::Integer) {
                    let sequence: Option<String> = sqlx::query::<Any>("SELECT pg_get_serial_sequence($1, $2)::text")
                        .bind(quoted(&table.name))
                        .bind(column.name.clone())
                        .fetch_one(&mut *self.tx)
                        .await?
                        .try_get(0)?;
                    if let Some(sequence) = sequence {
                        let sql = format!(
                            "SELECT setval($1::regclass, COALESCE(MAX({c}), 1), MAX({c}) IS NOT NULL)::bigint FROM {t}",
                            c = quoted(&column.name),
                            t = quoted(&table.name)
                        );
                        sqlx::query::<Any>(&sql).bind(sequence).fetch_one(&mut *self.tx).await?;
                    }
                }
            }
        }
        self.tx.commit().await?;
        Ok(self.written)
    }
}

impl Store {
    /// The data tables and migrations of this database, read from its catalogue.
    pub async fn database_schema(&self) -> Result<DatabaseSchema, BackupError> {
        let mut tx = self.pool.begin().await?;
        let schema = read_schema(&mut tx, self.backend).await?;
        tx.rollback().await?;
        Ok(schema)
    }

    /// A consistent read of the whole database (PostgreSQL: a repeatable-read, read-only
    /// transaction; SQLite: one read transaction, which WAL keeps at its starting point while
    /// writers go on).
    pub async fn snapshot(&self) -> Result<Snapshot, BackupError> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::raw_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
        }
        let schema = read_schema(&mut tx, self.backend).await?;
        Ok(Snapshot { tx, backend: self.backend, schema })
    }

    /// Begins restoring a backup of `backup` schema: checks that this database has the same
    /// schema and that it holds nothing (or, with `replace`, deletes what it holds), all in the
    /// transaction the rows will be written in.
    pub async fn begin_restore(&self, backup: &DatabaseSchema, replace: bool) -> Result<Restore, BackupError> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Sqlite {
            // Take the write lock now, not at the first insert, so that the emptiness check
            // and the writes see the same database.
            sqlx::raw_sql("DELETE FROM schema_migrations WHERE 0 = 1").execute(&mut *tx).await?;
        }
        let schema = read_schema(&mut tx, self.backend).await?;
        if let Some(why) = backup.incompatibility(&schema) {
            return Err(BackupError::Incompatible(why));
        }
        if self.backend == Backend::Postgres && !schema.tables.is_empty() {
            // No one else writes these tables until the restore commits or rolls back.
            let names = schema.tables.iter().map(|t| quoted(&t.name)).collect::<Vec<_>>().join(", ");
            sqlx::raw_sql(&format!("LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")).execute(&mut *tx).await?;
        }
        let mut held = Vec::new();
        for table in &schema.tables {
            let n: i64 = sqlx::query::<Any>(&format!("SELECT COUNT(*) FROM {}", quoted(&table.name)))
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            if n > 0 {
                held.push(format!("{}: {}", table.name, schoolsight_domain::words::count_digits(n as usize, "row", "rows")));
            }
        }
        if !held.is_empty() {
            if !replace {
                return Err(BackupError::NotEmpty(held.join(", ")));
            }
            for table in schema.tables.iter().rev() {
                sqlx::query::<Any>(&format!("DELETE FROM {}", quoted(&table.name))).execute(&mut *tx).await?;
            }
        }
        Ok(Restore { tx, backend: self.backend, schema, written: BTreeMap::new() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, references: &[&str]) -> TableSchema {
        TableSchema {
            name: name.into(),
            columns: vec![],
            key: vec![],
            references: references.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn parents_come_before_children() {
        let ordered = parents_first(vec![
            table("letter_actions", &["letters"]),
            table("schools", &["import_files"]),
            table("letters", &[]),
            table("import_files", &[]),
            table("tree", &["tree"]),
        ]);
        let names: Vec<&str> = ordered.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["import_files", "letters", "letter_actions", "schools", "tree"]);
    }

    #[test]
    fn declared_types_map_to_kinds_or_are_refused() {
        assert_eq!(ColumnKind::of_declared("BIGINT"), Some(ColumnKind::Integer));
        assert_eq!(ColumnKind::of_declared("bigint"), Some(ColumnKind::Integer));
        assert_eq!(ColumnKind::of_declared("DOUBLE PRECISION"), Some(ColumnKind::Real));
        assert_eq!(ColumnKind::of_declared("double precision"), Some(ColumnKind::Real));
        assert_eq!(ColumnKind::of_declared("TEXT"), Some(ColumnKind::Text));
        assert_eq!(ColumnKind::of_declared("character varying"), Some(ColumnKind::Text));
        assert_eq!(ColumnKind::of_declared("NUMERIC(10,2)"), None);
        assert_eq!(ColumnKind::of_declared("bytea"), None);
        assert_eq!(ColumnKind::of_declared("BLOB"), None);
    }

    #[test]
    fn schemas_explain_how_they_differ() {
        let column = |name: &str, kind| ColumnSchema { name: name.into(), kind };
        let schema = |version: i64, cols: Vec<ColumnSchema>| DatabaseSchema {
            migrations: (1..=version).map(|v| Migration { version: v, name: format!("m{v}") }).collect(),
            tables: vec![TableSchema { name: "t".into(), columns: cols, key: vec![], references: vec![] }],
        };
        let a = schema(3, vec![column("a", ColumnKind::Integer)]);
        assert_eq!(a.incompatibility(&a.clone()), None);
        let newer = schema(4, vec![column("a", ColumnKind::Integer)]);
        assert!(a.incompatibility(&newer).unwrap().contains("schema version 3"));
        let altered = schema(3, vec![column("a", ColumnKind::Text)]);
        assert!(a.incompatibility(&altered).unwrap().contains("table t differs"));
        assert!(Cell::Null.fits(ColumnKind::Integer));
        assert!(!Cell::Text("1".into()).fits(ColumnKind::Integer));
    }
}

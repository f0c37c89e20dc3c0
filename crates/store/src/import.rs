//! Writing a parsed file: one transaction, batched upserts, recorded by content hash so the
//! same download is never applied twice.

use std::collections::HashMap;

use schoolsight_domain::outcomes::{MeasureValue, Subject, Value as MeasureFigure};
use schoolsight_domain::{Inspection, School};
use schoolsight_ingest::{FileKind, ParsedFile};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

use crate::{Backend, Store, StoreError, history};

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportOutcome {
    Imported(ImportedFile),
    /// The same bytes were imported before; nothing was written.
    AlreadyImported { name: String, imported_at: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedFile {
    pub name: String,
    pub kind: FileKind,
    pub rows: usize,
    /// Register rows inserted or updated (an older extract does not overwrite a newer one).
    pub schools_written: u64,
    /// Schools an inspection file introduced that the register did not have.
    pub schools_added_from_inspections: u64,
    pub inspections_written: u64,
    /// Visits in the file already stored from another file (same URN, start within 7 days).
    pub visits_matched: u64,
    /// Of those, visits stored under a start date a few days off, now kept under one date.
    pub visits_redated: u64,
    pub report_card_grades_written: u64,
    pub links_written: u64,
    /// Trust, sponsor and federation memberships written (GIAS group-links snapshots).
    pub trust_links_written: u64,
    /// Outcome and attendance figures written (performance-table files).
    pub measures_written: u64,
}

/// A value bound into a batched statement.
pub(crate) enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
}

pub(crate) fn date(d: Option<chrono::NaiveDate>) -> Value {
    Value::Text(d.map(|d| d.format("%Y-%m-%d").to_string()))
}

/// Statement limits differ (SQLite 32766 parameters, PostgreSQL 65535); this stays under both.
const MAX_PARAMETERS: usize = 30_000;

/// `($1,$2,…),($k,…)` for `rows` rows of `cols` values. SQLite gets anonymous `?`: it looks up
/// a named or numbered parameter by walking a list, which made binding thousands of them
/// quadratic (57 s for the national register; under 1 s with `?`).
fn placeholders(backend: Backend, rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=cols)
                .map(|c| match backend {
                    Backend::Sqlite => "?".to_string(),
                    Backend::Postgres => format!("${}", r * cols + c),
                })
                .collect();
            format!("({})", row.join(","))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Runs `INSERT INTO … VALUES <rows> <conflict>` over `rows` in batches; returns rows affected.
pub(crate) async fn insert_batched(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    insert: &str,
    conflict: &str,
    rows: Vec<Vec<Value>>,
    progress: &mut dyn FnMut(usize),
) -> Result<u64, sqlx::Error> {
    let Some(cols) = rows.first().map(Vec::len) else { return Ok(0) };
    let per_batch = (MAX_PARAMETERS / cols).max(1);
    let mut affected = 0;
    for chunk in rows.chunks(per_batch) {
        let sql = format!("{insert} VALUES {} {conflict}", placeholders(backend, chunk.len(), cols));
        let mut query = sqlx::query::<Any>(&sql);
        for value in chunk.iter().flatten() {
            query = match value {
                Value::Int(v) => query.bind(*v),
                Value::Real(v) => query.bind(*v),
                Value::Text(v) => query.bind(v.clone()),
            };
        }
        affected += query.execute(&mut **tx).await?.rows_affected();
        progress(chunk.len());
    }
    Ok(affected)
}

const SCHOOL_INSERT: &str = "INSERT INTO schools (urn, name, la_code, la_name, type_name, governance, phase, \
     status, open_date, close_date, trust, pupils, fsm_percent, town, postcode, from_register, \
     extract_date, source_sha256)";

/// A register row replaces what is stored unless what is stored came from a newer extract.
const SCHOOL_FROM_REGISTER: &str = "ON CONFLICT (urn) DO UPDATE SET name = excluded.name, \
     la_code = excluded.la_code, la_name = excluded.la_name, type_name = excluded.type_name, \
     governance = excluded.governance, phase = excluded.phase, status = excluded.status, \
     open_date = excluded.open_date, close_date = excluded.close_date, trust = excluded.trust, \
     pupils = excluded.pupils, fsm_percent = excluded.fsm_percent, town = excluded.town, \
     postcode = excluded.postcode, from_register = 1, extract_date = excluded.extract_date, \
     source_sha256 = excluded.source_sha256 \
     WHERE schools.from_register = 0 OR schools.extract_date IS NULL \
        OR excluded.extract_date IS NULL OR excluded.extract_date >= schools.extract_date";

const SCHOOL_MENTIONED: &str = "ON CONFLICT (urn) DO NOTHING";

/// DfE's school list (the 2017/18 spine) fills what the register lacks: schools only an
/// inspection file mentioned, and the bundled register's schools no bundled source named
/// (`crates/bundle` writes "URN … (name not in bundled data)"). It never replaces a register
/// extract's entry, and a newer extract replaces it (its extract date is unknown, NULL).
const SCHOOL_FROM_LIST: &str = "ON CONFLICT (urn) DO UPDATE SET name = excluded.name, \
     la_code = COALESCE(schools.la_code, excluded.la_code), \
     type_name = CASE WHEN schools.from_register = 0 THEN excluded.type_name ELSE schools.type_name END, \
     governance = CASE WHEN schools.from_register = 0 THEN excluded.governance ELSE schools.governance END, \
     phase = CASE WHEN schools.from_register = 0 THEN excluded.phase ELSE schools.phase END, \
     open_date = COALESCE(schools.open_date, excluded.open_date), \
     close_date = COALESCE(schools.close_date, excluded.close_date), \
     town = COALESCE(schools.town, excluded.town), postcode = COALESCE(schools.postcode, excluded.postcode), \
     from_register = 1, source_sha256 = excluded.source_sha256 \
     WHERE schools.from_register = 0 OR schools.name LIKE 'URN % (name not in bundled data)'";

/// Only the opening day, and only where the stored row has none (every listed school is
/// stored by the statement before this one, so nothing new is inserted).
const OPEN_DATE_FROM_LIST: &str = "ON CONFLICT (urn) DO UPDATE SET open_date = excluded.open_date \
     WHERE schools.open_date IS NULL AND excluded.open_date IS NOT NULL";

fn copy_row(row: &[Value]) -> Vec<Value> {
    row.iter()
        .map(|v| match v {
            Value::Int(x) => Value::Int(*x),
            Value::Real(x) => Value::Real(*x),
            Value::Text(x) => Value::Text(x.clone()),
        })
        .collect()
}

const INSPECTION_INSERT: &str = "INSERT INTO inspections (urn, start_date, end_date, publication_date, \
     number, kind, grade, category, urn_at_time, graded, outcome, quality_of_education, \
     behaviour_and_attitudes, personal_development, leadership_and_management, early_years, sixth_form, \
     safeguarding_effective, source_rank, source_sha256)";

/// The better-ranked source wins a visit's record; a blank in the newer record never erases a
/// value the older one had.
const INSPECTION_UPSERT: &str = "ON CONFLICT (urn, start_date) DO UPDATE SET \
     end_date = COALESCE(excluded.end_date, inspections.end_date), \
     publication_date = COALESCE(excluded.publication_date, inspections.publication_date), \
     number = COALESCE(excluded.number, inspections.number), \
     kind = COALESCE(excluded.kind, inspections.kind), \
     grade = COALESCE(excluded.grade, inspections.grade), \
     category = CASE WHEN excluded.grade IS NULL THEN inspections.category ELSE excluded.category END, \
     urn_at_time = COALESCE(excluded.urn_at_time, inspections.urn_at_time), \
     graded = CASE WHEN inspections.graded = 1 THEN 1 ELSE COALESCE(excluded.graded, inspections.graded) END, \
     outcome = COALESCE(excluded.outcome, inspections.outcome), \
     quality_of_education = COALESCE(excluded.quality_of_education, inspections.quality_of_education), \
     behaviour_and_attitudes = COALESCE(excluded.behaviour_and_attitudes, inspections.behaviour_and_attitudes), \
     personal_development = COALESCE(excluded.personal_development, inspections.personal_development), \
     leadership_and_management = COALESCE(excluded.leadership_and_management, inspections.leadership_and_management), \
     early_years = COALESCE(excluded.early_years, inspections.early_years), \
     sixth_form = COALESCE(excluded.sixth_form, inspections.sixth_form), \
     safeguarding_effective = COALESCE(excluded.safeguarding_effective, inspections.safeguarding_effective), \
     source_rank = excluded.source_rank, source_sha256 = excluded.source_sha256 \
     WHERE excluded.source_rank >= inspections.source_rank";

fn school_values(s: &School, from_register: bool, file: &ParsedFile) -> Vec<Value> {
    vec![
        Value::Int(Some(s.urn.0)),
        Value::Text(Some(s.name.clone())),
        Value::Text(s.la_code.clone()),
        Value::Text(Some(s.la_name.clone())),
        Value::Text(Some(s.type_name.clone())),
        Value::Text(Some(s.governance.key().to_string())),
        Value::Text(Some(s.phase.key().to_string())),
        Value::Text(Some(s.status.key().to_string())),
        date(s.open_date),
        date(s.close_date),
        Value::Text(s.trust.clone()),
        Value::Int(s.pupils),
        Value::Real(s.fsm_percent),
        Value::Text(s.town.clone()),
        Value::Text(s.postcode.clone()),
        Value::Int(Some(from_register as i64)),
        date(file.extract_date),
        Value::Text(Some(file.sha256.clone())),
    ]
}

/// How far a file is trusted on a visit: Ofsted's own files (MI, official statistics, report
/// cards) outrank the copies GIAS and the third-party scrape made of them.
pub(crate) fn source_rank(kind: FileKind) -> i64 {
    match kind {
        FileKind::OfstedInspections | FileKind::ReportCards => 2,
        FileKind::GiasEstablishments
        | FileKind::PerformanceTables
        | FileKind::InspectionHistory
        | FileKind::SchoolList
        | FileKind::GiasLinks
        | FileKind::GiasGroupLinks => 1,
    }
}

fn inspection_values(i: &Inspection, file: &ParsedFile) -> Vec<Value> {
    let sub = &i.detail.sub_judgements;
    let grade = |g: Option<u8>| Value::Int(g.map(i64::from));
    vec![
        Value::Int(Some(i.urn.0)),
        date(Some(i.start_date)),
        date(i.end_date),
        date(i.publication_date),
        Value::Text(i.number.clone()),
        Value::Text(i.kind.clone()),
        Value::Int(i.judgement.map(|j| j.grade() as i64)),
        Value::Text(i.category.map(|c| c.key().to_string())),
        Value::Int(i.urn_at_time.map(|u| u.0)),
        Value::Int(i.detail.graded.map(i64::from)),
        Value::Text(i.detail.outcome.clone()),
        grade(sub.quality_of_education),
        grade(sub.behaviour_and_attitudes),
        grade(sub.personal_development),
        grade(sub.leadership_and_management),
        grade(sub.early_years),
        grade(sub.sixth_form),
        Value::Text(sub.safeguarding_effective.map(|yes| if yes { "Yes" } else { "No" }.to_string())),
        Value::Int(Some(source_rank(file.kind))),
        Value::Text(Some(file.sha256.clone())),
    ]
}

const MEASURE_INSERT: &str =
    "INSERT INTO measures (subject, urn, year, measure, pupil_group, value, suppressed, source_sha256)";

/// A later import of the same figure replaces it (DfE revises provisional figures as final).
const MEASURE_UPSERT: &str = "ON CONFLICT (subject, year, measure, pupil_group) DO UPDATE SET \
     value = excluded.value, suppressed = excluded.suppressed, source_sha256 = excluded.source_sha256";

fn measure_values(m: &MeasureValue, file: &ParsedFile) -> Vec<Value> {
    let (value, suppressed) = match m.value {
        MeasureFigure::Number(n) => (Some(n), None),
        MeasureFigure::Suppressed(code) => (None, Some(code.code().to_string())),
    };
    vec![
        Value::Text(Some(m.subject.key())),
        Value::Int(match &m.subject {
            Subject::School(urn) => Some(urn.0),
            _ => None,
        }),
        Value::Int(Some(i64::from(m.year.0))),
        Value::Text(Some(m.measure.key().to_string())),
        Value::Text(Some(m.group.key().to_string())),
        Value::Real(value),
        Value::Text(suppressed),
        Value::Text(Some(file.sha256.clone())),
    ]
}

/// Keeps the last row for each key: PostgreSQL refuses an upsert that touches a row twice.
pub(crate) fn last_per_key<T, K: std::hash::Hash + Eq>(items: &[T], key: impl Fn(&T) -> K) -> Vec<&T> {
    let mut position: HashMap<K, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        position.insert(key(item), i);
    }
    let mut keep: Vec<usize> = position.into_values().collect();
    keep.sort_unstable();
    keep.into_iter().map(|i| &items[i]).collect()
}

impl Store {
    /// Writes a parsed file in one transaction. Importing the same bytes again does nothing.
    /// `progress` receives (rows written, rows in all).
    pub async fn import(
        &self,
        file: &ParsedFile,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        let earlier = sqlx::query("SELECT imported_at FROM import_files WHERE sha256 = $1")
            .bind(&file.sha256)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = earlier {
            return Ok(ImportOutcome::AlreadyImported {
                name: file.name.clone(),
                imported_at: row.try_get(0)?,
            });
        }
        sqlx::query(
            "INSERT INTO import_files (sha256, name, kind, extract_date, rows, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&file.sha256)
        .bind(&file.name)
        .bind(file.kind.key())
        .bind(file.extract_date.map(|d| d.to_string()))
        .bind(file.rows as i64)
        .bind(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .execute(&mut *tx)
        .await?;

        let e = &file.extract;
        let total = (e.schools.len() + e.mentioned_schools.len() + e.inspections.len() + e.measures.len()) as u64;
        let mut done = 0u64;
        let mut tick = |n: usize| {
            done += n as u64;
            progress(done, total);
        };
        let (listed, conflict) = match file.kind {
            FileKind::SchoolList => (history::name_las(&mut tx, &e.schools).await?, SCHOOL_FROM_LIST),
            _ => (e.schools.clone(), SCHOOL_FROM_REGISTER),
        };
        let register: Vec<Vec<Value>> = last_per_key(&listed, |s| s.urn).into_iter().map(|s| school_values(s, true, file)).collect();
        let opened = if file.kind == FileKind::SchoolList { register.iter().map(|r| copy_row(r)).collect() } else { Vec::new() };
        let schools_written = insert_batched(&mut tx, self.backend, SCHOOL_INSERT, conflict, register, &mut tick).await?;
        // The school list's opening day fills one no register extract gave (an academy is
        // otherwise placed in time only by other evidence: `domain::as_at`).
        insert_batched(&mut tx, self.backend, SCHOOL_INSERT, OPEN_DATE_FROM_LIST, opened, &mut |_| {}).await?;
        let mentioned = last_per_key(&e.mentioned_schools, |s| s.urn)
            .into_iter()
            .map(|s| school_values(s, false, file))
            .collect();
        let schools_added_from_inspections =
            insert_batched(&mut tx, self.backend, SCHOOL_INSERT, SCHOOL_MENTIONED, mentioned, &mut tick).await?;
        let visits = history::reconcile(&mut tx, &e.inspections, source_rank(file.kind)).await?;
        let inspections = last_per_key(&visits.inspections, |i| (i.urn, i.start_date))
            .into_iter()
            .map(|i| inspection_values(i, file))
            .collect();
        let inspections_written =
            insert_batched(&mut tx, self.backend, INSPECTION_INSERT, INSPECTION_UPSERT, inspections, &mut tick).await?;
        let report_card_grades_written = history::write_report_cards(&mut tx, self.backend, &visits.inspections, file).await?;
        let links_written = history::write_links(&mut tx, self.backend, &e.links, file).await?;
        let trust_links_written = crate::as_at::write_trust_links(&mut tx, self.backend, &e.trust_links, file).await?;
        let measures = last_per_key(&e.measures, |m| (m.subject.key(), m.year, m.measure, m.group))
            .into_iter()
            .map(|m| measure_values(m, file))
            .collect();
        let measures_written = insert_batched(&mut tx, self.backend, MEASURE_INSERT, MEASURE_UPSERT, measures, &mut tick).await?;
        tx.commit().await?;
        Ok(ImportOutcome::Imported(ImportedFile {
            measures_written,
            name: file.name.clone(),
            kind: file.kind,
            rows: file.rows,
            schools_written,
            schools_added_from_inspections,
            inspections_written,
            visits_matched: visits.matched,
            visits_redated: visits.redated,
            report_card_grades_written,
            links_written,
            trust_links_written,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_in_order() {
        assert_eq!(placeholders(Backend::Postgres, 2, 3), "($1,$2,$3),($4,$5,$6)");
        assert_eq!(placeholders(Backend::Sqlite, 2, 2), "(?,?),(?,?)");
    }

    #[test]
    fn last_row_per_key_wins_in_file_order() {
        let rows = [(1, "a"), (2, "b"), (1, "c")];
        let kept: Vec<_> = last_per_key(&rows, |r| r.0).into_iter().map(|r| r.1).collect();
        assert_eq!(kept, vec!["b", "c"]);
    }
}

//! The inspection history across files: one visit published by several sources is one row
//! (same URN, start dates within a week; the better-ranked source's date wins), report-card
//! grades beside their visit, and the links that chain a school across URN changes.

use std::collections::HashMap;

use chrono::NaiveDate;
use schoolsight_domain::school::SchoolLink;
use schoolsight_domain::{Inspection, School, Urn};
use schoolsight_ingest::ParsedFile;
use sqlx::{Any, Row, Transaction};

use crate::import::{Value, date, insert_batched, last_per_key};
use crate::{Backend, StoreError};

/// Sources date the same visit a day or a few apart (start or end day, the scrape's page date).
/// Two visits to one school within a week of each other do not happen.
pub const SAME_VISIT_DAYS: i64 = 7;

/// A file's inspections dated as the store will keep them, and what matched stored visits.
pub struct Visits {
    pub inspections: Vec<Inspection>,
    /// Incoming visits already stored from another file.
    pub matched: u64,
    /// Of those, the ones whose dates differed by a few days and were brought to one date.
    pub redated: u64,
}

/// Stored visits by URN: (start date, source rank).
type Stored = HashMap<i64, Vec<(NaiveDate, i64)>>;

async fn stored_visits(tx: &mut Transaction<'static, Any>) -> Result<Stored, StoreError> {
    let mut stored: Stored = HashMap::new();
    for row in sqlx::query("SELECT urn, start_date, source_rank FROM inspections").fetch_all(&mut **tx).await? {
        let day: String = row.try_get("start_date")?;
        let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("date '{day}'")))?;
        stored.entry(row.try_get("urn")?).or_default().push((day, row.try_get("source_rank")?));
    }
    Ok(stored)
}

/// The stored visit nearest `day` within a week, if any, with its rank.
fn nearest(stored: &Stored, urn: Urn, day: NaiveDate) -> Option<(NaiveDate, i64)> {
    stored
        .get(&urn.0)?
        .iter()
        .map(|&(d, rank)| ((d - day).num_days().abs(), d, rank))
        .filter(|&(gap, _, _)| gap <= SAME_VISIT_DAYS)
        .min()
        .map(|(_, d, rank)| (d, rank))
}

/// Matches a file's visits with stored ones. Where the dates differ by a few days, the better
/// source's date is kept: a stored row from a lower rank is moved to the incoming date (its
/// values stay until the upsert replaces them, so a blank never erases one); an incoming visit
/// from a lower rank takes the stored date and the upsert leaves the better row alone. Visits a
/// week apart within one file are merged the same way, the first one's date kept.
pub async fn reconcile(
    tx: &mut Transaction<'static, Any>,
    incoming: &[Inspection],
    rank: i64,
) -> Result<Visits, StoreError> {
    let mut stored = stored_visits(tx).await?;
    let mut kept: Vec<Inspection> = Vec::with_capacity(incoming.len());
    let mut in_file: Stored = HashMap::new();
    let mut position: HashMap<(Urn, NaiveDate), usize> = HashMap::new();
    let (mut matched, mut redated) = (0, 0);
    for visit in incoming {
        let mut visit = visit.clone();
        if let Some((day, _)) = nearest(&in_file, visit.urn, visit.start_date) {
            kept[position[&(visit.urn, day)]].fill_from(visit);
            continue;
        }
        if let Some((day, stored_rank)) = nearest(&stored, visit.urn, visit.start_date) {
            matched += 1;
            if day != visit.start_date {
                redated += 1;
                if stored_rank > rank {
                    visit.start_date = day;
                } else {
                    move_visit(tx, visit.urn, day, visit.start_date).await?;
                    let dates = stored.get_mut(&visit.urn.0).expect("found above");
                    dates.retain(|(d, _)| *d != day);
                    dates.push((visit.start_date, stored_rank));
                }
            }
        }
        in_file.entry(visit.urn.0).or_default().push((visit.start_date, rank));
        position.insert((visit.urn, visit.start_date), kept.len());
        kept.push(visit);
    }
    Ok(Visits { inspections: kept, matched, redated })
}

/// Re-dates a stored visit (and its report-card grades) to the better source's day.
async fn move_visit(tx: &mut Transaction<'static, Any>, urn: Urn, from: NaiveDate, to: NaiveDate) -> Result<(), StoreError> {
    for table in [
        "UPDATE inspections SET start_date = $1 WHERE urn = $2 AND start_date = $3",
        "UPDATE report_card_grades SET start_date = $1 WHERE urn = $2 AND start_date = $3",
    ] {
        sqlx::query(table).bind(iso(to)).bind(urn.0).bind(iso(from)).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Schools of a list that gives LA codes only, named by the LA name the stored register gives
/// the same code (kept as the list's placeholder where no stored school has the code).
pub async fn name_las(tx: &mut Transaction<'static, Any>, schools: &[School]) -> Result<Vec<School>, StoreError> {
    let mut names: HashMap<String, String> = HashMap::new();
    for row in sqlx::query(
        "SELECT la_code, MIN(la_name) AS la_name FROM schools \
         WHERE la_code IS NOT NULL AND from_register = 1 AND la_name NOT LIKE '%(name not in bundled data)' \
         GROUP BY la_code",
    )
    .fetch_all(&mut **tx)
    .await?
    {
        names.insert(row.try_get("la_code")?, row.try_get("la_name")?);
    }
    Ok(schools
        .iter()
        .map(|s| {
            let mut s = s.clone();
            if let Some(name) = s.la_code.as_ref().and_then(|code| names.get(code)) {
                s.la_name = name.clone();
            }
            s
        })
        .collect())
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

const GRADE_INSERT: &str = "INSERT INTO report_card_grades (urn, start_date, area, grade, source_sha256)";
/// The same grade from another file changes nothing; a different one (a correction) replaces it.
const GRADE_UPSERT: &str = "ON CONFLICT (urn, start_date, area) DO UPDATE SET grade = excluded.grade, \
     source_sha256 = excluded.source_sha256 WHERE report_card_grades.grade <> excluded.grade";

pub async fn write_report_cards(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    visits: &[Inspection],
    file: &ParsedFile,
) -> Result<u64, StoreError> {
    let grades: Vec<(Urn, NaiveDate, &str, &str)> = visits
        .iter()
        .flat_map(|v| v.detail.report_card.iter().map(|(area, grade)| (v.urn, v.start_date, area.key(), grade.label())))
        .collect();
    let rows = last_per_key(&grades, |g| (g.0, g.1, g.2))
        .into_iter()
        .map(|&(urn, day, area, grade)| {
            vec![
                Value::Int(Some(urn.0)),
                date(Some(day)),
                Value::Text(Some(area.to_string())),
                Value::Text(Some(grade.to_string())),
                Value::Text(Some(file.sha256.clone())),
            ]
        })
        .collect();
    Ok(insert_batched(tx, backend, GRADE_INSERT, GRADE_UPSERT, rows, &mut |_| {}).await?)
}

const LINK_INSERT: &str = "INSERT INTO school_links (urn, linked_urn, link_type, link_date, source_sha256)";
/// A link is a fact of the register: stored once; a later file only adds a date it lacked.
const LINK_UPSERT: &str = "ON CONFLICT (urn, linked_urn, link_type) DO UPDATE SET link_date = excluded.link_date, \
     source_sha256 = excluded.source_sha256 \
     WHERE school_links.link_date IS NULL AND excluded.link_date IS NOT NULL";

pub async fn write_links(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    links: &[SchoolLink],
    file: &ParsedFile,
) -> Result<u64, StoreError> {
    let rows = last_per_key(links, |l| (l.urn, l.linked_urn, l.link_type.clone()))
        .into_iter()
        .map(|l| {
            vec![
                Value::Int(Some(l.urn.0)),
                Value::Int(Some(l.linked_urn.0)),
                Value::Text(Some(l.link_type.clone())),
                date(l.link_date),
                Value::Text(Some(file.sha256.clone())),
            ]
        })
        .collect();
    Ok(insert_batched(tx, backend, LINK_INSERT, LINK_UPSERT, rows, &mut |_| {}).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_visit_within_a_week() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let stored: Stored = HashMap::from([(1, vec![(d("2013-04-18"), 1), (d("2008-09-26"), 2)])]);
        assert_eq!(nearest(&stored, Urn(1), d("2013-04-17")), Some((d("2013-04-18"), 1)));
        assert_eq!(nearest(&stored, Urn(1), d("2008-10-03")), Some((d("2008-09-26"), 2)));
        assert_eq!(nearest(&stored, Urn(1), d("2008-10-04")), None);
        assert_eq!(nearest(&stored, Urn(2), d("2013-04-18")), None);
    }
}

//! What the risk model reads, in one pass over the database: the register, every inspection with
//! its sub-judgements and report card, the predecessor links, each school's published figures
//! for all pupils, and the LA's own records (letters' actions, casework) with the days they were
//! open. Everything dated; the model decides what was known when.

use std::collections::HashMap;

use chrono::NaiveDate;
use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade};
use schoolsight_domain::{AcademicYear, Inspection, Measure, School, Urn};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::queries::{SCHOOL_COLUMNS, school_from, text_date};
use crate::timeline::visit_from;
use crate::{Store, StoreError};

/// A record of concern about a school, open from `opened` until `closed`.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenSpan {
    pub urn: Urn,
    pub opened: NaiveDate,
    pub closed: Option<NaiveDate>,
}

/// One published figure of a school, for all its pupils.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolFigure {
    pub urn: Urn,
    pub measure: Measure,
    pub year: AcademicYear,
    pub value: f64,
}

/// A register entry and the day its extract describes (`None` for schools only inspection files
/// mention).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedSchool {
    pub school: School,
    pub recorded_on: Option<NaiveDate>,
}

/// A stored visit and, when the file that last wrote it is a snapshot of schools' latest
/// inspections (Ofsted's MI and statistics, a register extract) rather than a complete series
/// (the scraped timeline, the report cards), the day that snapshot was taken.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedVisit {
    pub visit: Inspection,
    pub snapshot_of: Option<NaiveDate>,
}

/// The file kinds that list every inspection as it happened; any other file keeps only each
/// school's latest visits as at its date.
const COMPLETE_SERIES: [&str; 2] = ["inspection_history", "report_cards"];

#[derive(Debug, Clone, Default)]
pub struct RiskRecords {
    pub schools: Vec<RecordedSchool>,
    pub inspections: Vec<RecordedVisit>,
    /// (successor, predecessor): an academy and the school it replaced, from either side's link.
    pub predecessors: Vec<(Urn, Urn)>,
    pub figures: Vec<SchoolFigure>,
    /// Letters' actions with the letter's date; an action whose letter is undated is left out
    /// (it cannot be placed in time).
    pub letter_actions: Vec<OpenSpan>,
    pub cases: Vec<OpenSpan>,
}

/// The day part of a stored date or timestamp (`2026-11-23` or `2026-11-23T10:00:00Z`).
fn day_of(text: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    text_date(text.map(|t| t.chars().take(10).collect()))
}

impl Store {
    pub async fn risk_records(&self) -> Result<RiskRecords, StoreError> {
        Ok(RiskRecords {
            schools: self.all_schools().await?,
            inspections: self.all_visits().await?,
            predecessors: self.predecessor_links().await?,
            figures: self.school_figures().await?,
            letter_actions: self.letter_action_spans().await?,
            cases: self.case_spans().await?,
        })
    }

    async fn all_schools(&self) -> Result<Vec<RecordedSchool>, StoreError> {
        let sql = format!("SELECT {SCHOOL_COLUMNS}, extract_date FROM schools ORDER BY urn");
        sqlx::query(&sql)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                Ok(RecordedSchool {
                    school: school_from(row)?,
                    recorded_on: day_of(row.try_get("extract_date")?)?,
                })
            })
            .collect()
    }

    async fn all_visits(&self) -> Result<Vec<RecordedVisit>, StoreError> {
        let mut cards: HashMap<(i64, String), Vec<(ReportCardArea, ReportCardGrade)>> =
            HashMap::new();
        let rows = sqlx::query("SELECT urn, start_date, area, grade FROM report_card_grades ORDER BY urn, start_date, area")
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let area: String = row.try_get("area")?;
            let word: String = row.try_get("grade")?;
            let area = ReportCardArea::from_key(&area).ok_or(StoreError::Corrupt(area))?;
            let word = ReportCardGrade::from_label(&word).ok_or(StoreError::Corrupt(word))?;
            cards
                .entry((row.try_get("urn")?, row.try_get("start_date")?))
                .or_default()
                .push((area, word));
        }
        let rows = sqlx::query(
            "SELECT i.urn, i.start_date, i.end_date, i.publication_date, i.number, i.kind, i.grade, i.category, \
             i.urn_at_time, i.graded, i.outcome, i.quality_of_education, i.behaviour_and_attitudes, \
             i.personal_development, i.leadership_and_management, i.early_years, i.sixth_form, \
             i.safeguarding_effective, f.kind AS source_kind, f.extract_date AS source_date \
             FROM inspections i LEFT JOIN import_files f ON f.sha256 = i.source_sha256 \
             ORDER BY i.urn, i.start_date",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let mut visit = visit_from(row)?;
                let key = (row.try_get("urn")?, row.try_get("start_date")?);
                visit.detail.report_card = cards.remove(&key).unwrap_or_default();
                let kind: Option<String> = row.try_get("source_kind")?;
                let snapshot = kind.is_some_and(|k| !COMPLETE_SERIES.contains(&k.as_str()));
                // A snapshot with no date of its own is known from no earlier than the visit.
                let taken = day_of(row.try_get("source_date")?)?.unwrap_or(visit.start_date);
                Ok(RecordedVisit { snapshot_of: snapshot.then_some(taken.max(visit.start_date)), visit })
            })
            .collect()
    }

    async fn predecessor_links(&self) -> Result<Vec<(Urn, Urn)>, StoreError> {
        let rows = sqlx::query(
            "SELECT urn AS newer, linked_urn AS older FROM school_links WHERE link_type LIKE 'Predecessor%' \
             UNION SELECT linked_urn AS newer, urn AS older FROM school_links WHERE link_type LIKE 'Successor%' \
             ORDER BY newer, older",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((Urn(r.try_get("newer")?), Urn(r.try_get("older")?))))
            .collect()
    }

    async fn school_figures(&self) -> Result<Vec<SchoolFigure>, StoreError> {
        let rows = sqlx::query(
            "SELECT urn, year, measure, value FROM measures \
             WHERE urn IS NOT NULL AND pupil_group = $1 AND value IS NOT NULL ORDER BY urn, measure, year",
        )
        .bind("all")
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let measure: String = r.try_get("measure")?;
                let year: i64 = r.try_get("year")?;
                Ok(SchoolFigure {
                    urn: Urn(r.try_get("urn")?),
                    measure: Measure::from_key(&measure).ok_or(StoreError::Corrupt(measure))?,
                    year: AcademicYear(
                        i32::try_from(year).map_err(|_| StoreError::Corrupt(year.to_string()))?,
                    ),
                    value: r.try_get("value")?,
                })
            })
            .collect()
    }

    async fn letter_action_spans(&self) -> Result<Vec<OpenSpan>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.urn, l.letter_date, a.closed_at FROM letter_actions a JOIN letters l ON l.id = a.letter_id \
             WHERE a.urn IS NOT NULL AND l.letter_date IS NOT NULL ORDER BY a.urn, l.letter_date",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| span(r, "letter_date", "closed_at"))
            .collect()
    }

    async fn case_spans(&self) -> Result<Vec<OpenSpan>, StoreError> {
        let rows =
            sqlx::query("SELECT urn, opened_on, closed_on FROM cases ORDER BY urn, opened_on")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| span(r, "opened_on", "closed_on"))
            .collect()
    }
}

fn span(row: &AnyRow, opened: &str, closed: &str) -> Result<OpenSpan, StoreError> {
    Ok(OpenSpan {
        urn: Urn(row.try_get("urn")?),
        opened: day_of(row.try_get(opened)?)?
            .ok_or(StoreError::Corrupt(format!("{opened} is blank")))?,
        closed: day_of(row.try_get(closed)?)?,
    })
}

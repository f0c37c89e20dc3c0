//! Reading back: the register, histories, and the inputs of the domain's analyses.

use std::sync::Arc;

use chrono::NaiveDate;
use schoolsight_domain::analysis::{LaProfile, LaRanking, OutcomeSummary, PhaseGroup};
use schoolsight_domain::la_names::{self, LaEntry, LaMatch};
use schoolsight_domain::{CategoryOfConcern, Governance, Inspection, Judgement, Phase, School, Status, Thresholds, TimelineEntry, Urn};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError};

/// A school with its whole inspection history.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolHistory {
    pub school: School,
    pub from_register: bool,
    pub timeline: Vec<TimelineEntry>,
}

/// What the database holds, for a status line.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub schools: i64,
    pub inspections: i64,
    pub local_authorities: i64,
    pub files: i64,
}

/// How recent the data is: the newest inspection and the newest register extract held.
#[derive(Debug, Clone, Serialize)]
pub struct LatestData {
    pub newest_inspection: Option<NaiveDate>,
    pub register_extract: Option<NaiveDate>,
}

/// A school in an LA's list as it stood on a day, with its latest graded judgement then.
#[derive(Debug, Clone, Serialize)]
pub struct LaSchool {
    pub urn: Urn,
    pub name: String,
    pub phase: Phase,
    pub governance: Governance,
    pub type_name: String,
    pub latest: Option<Judgement>,
    pub inspected: Option<NaiveDate>,
    /// The predecessor the judgement was carried from, before an academy conversion.
    pub carried_from: Option<Urn>,
    /// The latest graded inspection gave no overall grade (since September 2024): its day.
    pub no_overall_grade_since: Option<NaiveDate>,
}

/// A school found by name or URN.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolHit {
    pub urn: Urn,
    pub name: String,
    pub la_name: String,
    pub town: Option<String>,
    pub phase: Phase,
}

pub(crate) fn text_date(value: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    value
        .map(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("date '{v}'"))))
        .transpose()
}

pub(crate) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn enum_value<T>(value: String, parse: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
    parse(&value).ok_or(StoreError::Corrupt(value))
}

fn judgement_of(grade: Option<i64>) -> Option<Judgement> {
    grade.and_then(Judgement::from_grade)
}

pub(crate) const SCHOOL_COLUMNS: &str = "urn, name, la_code, la_name, type_name, governance, phase, status, \
     open_date, close_date, trust, pupils, fsm_percent, town, postcode, from_register";

pub(crate) fn school_from(row: &AnyRow) -> Result<School, StoreError> {
    Ok(School {
        urn: Urn(row.try_get("urn")?),
        name: row.try_get("name")?,
        la_code: row.try_get("la_code")?,
        la_name: row.try_get("la_name")?,
        type_name: row.try_get("type_name")?,
        governance: enum_value(row.try_get("governance")?, Governance::from_key)?,
        phase: enum_value(row.try_get("phase")?, Phase::from_key)?,
        status: enum_value(row.try_get("status")?, Status::from_key)?,
        open_date: text_date(row.try_get("open_date")?)?,
        close_date: text_date(row.try_get("close_date")?)?,
        trust: row.try_get("trust")?,
        pupils: row.try_get("pupils")?,
        fsm_percent: row.try_get("fsm_percent")?,
        town: row.try_get("town")?,
        postcode: row.try_get("postcode")?,
    })
}

pub(crate) fn inspection_from(row: &AnyRow) -> Result<Inspection, StoreError> {
    let category: Option<String> = row.try_get("category")?;
    Ok(Inspection {
        urn: Urn(row.try_get("urn")?),
        start_date: text_date(Some(row.try_get("start_date")?))?.expect("present"),
        end_date: text_date(row.try_get("end_date")?)?,
        publication_date: text_date(row.try_get("publication_date")?)?,
        number: row.try_get("number")?,
        kind: row.try_get("kind")?,
        judgement: judgement_of(row.try_get("grade")?),
        category: category.map(|c| enum_value(c, CategoryOfConcern::from_key)).transpose()?,
        urn_at_time: row.try_get::<Option<i64>, _>("urn_at_time")?.map(Urn),
        // Sub-judgements and report cards are the history import's part of the timeline.
        detail: Default::default(),
    })
}

/// The state-funded governance keys, bound as parameters rather than spliced into SQL.
pub(crate) fn state_funded_keys() -> Vec<&'static str> {
    Governance::ALL.into_iter().filter(|g| g.is_state_funded()).map(Governance::key).collect()
}

impl Store {
    pub async fn totals(&self) -> Result<Totals, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM schools) AS schools, \
                    (SELECT COUNT(*) FROM inspections) AS inspections, \
                    (SELECT COUNT(DISTINCT la_name) FROM schools) AS las, \
                    (SELECT COUNT(*) FROM import_files) AS files",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Totals {
            schools: row.try_get("schools")?,
            inspections: row.try_get("inspections")?,
            local_authorities: row.try_get("las")?,
            files: row.try_get("files")?,
        })
    }

    /// The newest inspection and register extract held, so a question about today can say how
    /// old its answer's data is.
    pub async fn latest_data(&self) -> Result<LatestData, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT MAX(start_date) FROM inspections) AS inspected, \
                    (SELECT MAX(extract_date) FROM schools WHERE from_register = 1) AS extract",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(LatestData { newest_inspection: text_date(row.try_get("inspected")?)?, register_extract: text_date(row.try_get("extract")?)? })
    }

    pub async fn la_names(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT la_name FROM schools ORDER BY la_name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// The register's LAs with their DfE codes (an LA may appear under more than one code in
    /// old files; each pairing is kept), read once per data version: every LA route resolves
    /// its name against them, and the query scans every school (13 ms on the bundled data).
    pub async fn la_entries(&self) -> Result<Arc<Vec<LaEntry>>, StoreError> {
        self.once_per_version(
            |c| &mut c.las,
            |_| async {
                let rows = sqlx::query("SELECT DISTINCT la_name, la_code FROM schools ORDER BY la_name")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|r| Ok(LaEntry { name: r.try_get(0)?, code: r.try_get(1)? })).collect()
            },
        )
        .await
    }

    /// The LA a user means, written as people write it (`domain::la_names`: "Derby City
    /// Council", "City of Derby", 831, E06000015, the one name that starts with or contains
    /// what they typed); a miss names the nearest LAs.
    pub async fn resolve_la(&self, query: &str) -> Result<String, StoreError> {
        match la_names::resolve(query, &self.la_entries().await?) {
            LaMatch::Found(name) => Ok(name),
            LaMatch::Ambiguous(names) => Err(StoreError::AmbiguousLa { query: query.to_string(), candidates: names.join(", ") }),
            LaMatch::Missing { nearest } => Err(StoreError::UnknownLa { query: query.to_string(), nearest }),
        }
    }

    pub async fn la_profile(&self, la: &str, at: NaiveDate, thresholds: &Thresholds) -> Result<LaProfile, StoreError> {
        let la = self.resolve_la(la).await?;
        let history = self.register_history().await?;
        let mut profile = LaProfile::build(&la, at, &self.schools_at(at).await?, thresholds);
        profile.caveats.extend(history.register_caveats(&la, at));
        Ok(profile)
    }

    pub async fn ranking(&self, at: NaiveDate, group: PhaseGroup, thresholds: &Thresholds) -> Result<LaRanking, StoreError> {
        Ok(LaRanking::build(at, group, &self.schools_at(at).await?, thresholds))
    }

    /// Graded inspections of an LA's schools that started between `from` and `to` inclusive,
    /// each with the school's graded judgement before it (its predecessor's, marked, when it
    /// had none of its own).
    pub async fn outcomes(&self, la: &str, from: NaiveDate, to: NaiveDate) -> Result<OutcomeSummary, StoreError> {
        let la = self.resolve_la(la).await?;
        Ok(self.register_history().await?.outcomes(&la, from, to))
    }

    pub async fn school(&self, urn: Urn) -> Result<Option<SchoolHistory>, StoreError> {
        let Some(row) = sqlx::query(&format!("SELECT {SCHOOL_COLUMNS} FROM schools WHERE urn = $1"))
            .bind(urn.0)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let school = school_from(&row)?;
        let from_register = row.try_get::<i64, _>("from_register")? == 1;
        Ok(Some(SchoolHistory { school, from_register, timeline: self.timeline(urn).await? }))
    }

    /// An LA's schools open on `at` (as the register then stood), by name, each with its
    /// latest graded judgement by then.
    pub async fn la_schools(&self, la: &str, at: NaiveDate) -> Result<Vec<LaSchool>, StoreError> {
        let history = self.register_history().await?;
        let mut schools: Vec<LaSchool> = history
            .la_schools_at(la, at)
            .into_iter()
            .map(|(life, p)| LaSchool {
                urn: p.urn,
                name: life.name.clone(),
                phase: p.phase,
                governance: p.governance,
                type_name: life.type_name.clone(),
                latest: p.latest,
                inspected: p.judged_on,
                carried_from: p.carried_from,
                no_overall_grade_since: p.no_overall_grade_since,
            })
            .collect();
        schools.sort_by(|a, b| a.name.cmp(&b.name).then(a.urn.cmp(&b.urn)));
        Ok(schools)
    }

    /// Schools whose name contains `text` (any case), or whose URN it is.
    pub async fn find_schools(&self, text: &str, limit: i64) -> Result<Vec<SchoolHit>, StoreError> {
        let pattern = format!("%{}%", text.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let urn = text.trim().parse::<i64>().unwrap_or(-1);
        let rows = sqlx::query(
            "SELECT urn, name, la_name, town, phase FROM schools \
             WHERE urn = $1 OR LOWER(name) LIKE $2 ESCAPE '\\' ORDER BY name LIMIT $3",
        )
        .bind(urn)
        .bind(pattern)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SchoolHit {
                    urn: Urn(r.try_get("urn")?),
                    name: r.try_get("name")?,
                    la_name: r.try_get("la_name")?,
                    town: r.try_get("town")?,
                    phase: enum_value(r.try_get("phase")?, Phase::from_key)?,
                })
            })
            .collect()
    }
}

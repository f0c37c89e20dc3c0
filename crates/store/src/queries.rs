//! Reading back: the register, histories, and the inputs of the domain's analyses.

use std::sync::Arc;

use chrono::NaiveDate;
use schoolsight_domain::analysis::{InspectedSchool, LaProfile, LaRanking, Movement, OutcomeSummary, PhaseGroup, ProfileSchool};
use schoolsight_domain::school::open_on;
use schoolsight_domain::{CategoryOfConcern, Governance, Inspection, Judgement, Phase, School, Status, TimelineEntry, Urn, timeline};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError};

/// The last national profile built, with the date and data version it was built for.
pub(crate) struct ProfileCache {
    at: NaiveDate,
    version: (i64, Option<String>),
    schools: Arc<Vec<ProfileSchool>>,
}

impl ProfileCache {
    fn get(&self, at: NaiveDate, version: &(i64, Option<String>)) -> Option<Arc<Vec<ProfileSchool>>> {
        (self.at == at && &self.version == version).then(|| self.schools.clone())
    }
}

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

/// A school in an LA's list, with its latest graded judgement.
#[derive(Debug, Clone, Serialize)]
pub struct LaSchool {
    pub urn: Urn,
    pub name: String,
    pub phase: Phase,
    pub governance: Governance,
    pub type_name: String,
    pub latest: Option<Judgement>,
    pub inspected: Option<NaiveDate>,
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

fn text_date(value: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    value
        .map(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("date '{v}'"))))
        .transpose()
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn enum_value<T>(value: String, parse: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
    parse(&value).ok_or(StoreError::Corrupt(value))
}

fn judgement_of(grade: Option<i64>) -> Option<Judgement> {
    grade.and_then(Judgement::from_grade)
}

const SCHOOL_COLUMNS: &str = "urn, name, la_code, la_name, type_name, governance, phase, status, \
     open_date, close_date, trust, pupils, fsm_percent, town, postcode, from_register";

fn school_from(row: &AnyRow) -> Result<School, StoreError> {
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

fn inspection_from(row: &AnyRow) -> Result<Inspection, StoreError> {
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
fn state_funded_keys() -> Vec<&'static str> {
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

    pub async fn la_names(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT la_name FROM schools ORDER BY la_name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// The LA a user means: an exact name (any case), else the one name that starts with or
    /// contains what they typed.
    pub async fn resolve_la(&self, query: &str) -> Result<String, StoreError> {
        let wanted = query.trim().to_lowercase();
        let names = self.la_names().await?;
        if let Some(exact) = names.iter().find(|n| n.to_lowercase() == wanted) {
            return Ok(exact.clone());
        }
        let starts: Vec<&String> = names.iter().filter(|n| n.to_lowercase().starts_with(&wanted)).collect();
        let candidates = if starts.is_empty() {
            names.iter().filter(|n| n.to_lowercase().contains(&wanted)).collect()
        } else {
            starts
        };
        match candidates.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(StoreError::UnknownLa(query.to_string())),
            many => Err(StoreError::AmbiguousLa {
                query: query.to_string(),
                candidates: many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
            }),
        }
    }

    /// What identifies the data's state: every import adds a file. Casework does not change
    /// profiles, so it need not be counted.
    async fn data_version(&self) -> Result<(i64, Option<String>), StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS files, MAX(imported_at) AS latest FROM import_files").fetch_one(&self.pool).await?;
        Ok((row.try_get("files")?, row.try_get("latest")?))
    }

    /// Every state-funded school open on `at`, with its latest graded judgement by then;
    /// answered from memory while the data has not changed since the last answer for `at`.
    pub async fn profile_schools(&self, at: NaiveDate) -> Result<Arc<Vec<ProfileSchool>>, StoreError> {
        let version = self.data_version().await?;
        let cached = self.profiles.lock().unwrap_or_else(|p| p.into_inner()).as_ref().and_then(|c| c.get(at, &version));
        if let Some(schools) = cached {
            return Ok(schools);
        }
        let schools = Arc::new(self.load_profile_schools(at).await?);
        *self.profiles.lock().unwrap_or_else(|p| p.into_inner()) = Some(ProfileCache { at, version, schools: schools.clone() });
        Ok(schools)
    }

    async fn load_profile_schools(&self, at: NaiveDate) -> Result<Vec<ProfileSchool>, StoreError> {
        let keys = state_funded_keys();
        let rows = sqlx::query(
            "SELECT s.urn, s.la_name, s.phase, s.governance, s.trust, s.status, s.open_date, s.close_date, \
               (SELECT i.grade FROM inspections i \
                 WHERE i.urn = s.urn AND i.grade IS NOT NULL AND i.start_date <= $1 \
                 ORDER BY i.start_date DESC LIMIT 1) AS latest \
             FROM schools s WHERE s.governance IN ($2, $3, $4, $5)",
        )
        .bind(iso(at))
        .bind(keys[0])
        .bind(keys[1])
        .bind(keys[2])
        .bind(keys[3])
        .fetch_all(&self.pool)
        .await?;
        let mut schools = Vec::with_capacity(rows.len());
        for row in &rows {
            let status = enum_value(row.try_get("status")?, Status::from_key)?;
            let open = text_date(row.try_get("open_date")?)?;
            let close = text_date(row.try_get("close_date")?)?;
            if !open_on(status, open, close, at) {
                continue;
            }
            schools.push(ProfileSchool {
                urn: Urn(row.try_get("urn")?),
                la_name: row.try_get("la_name")?,
                phase: enum_value(row.try_get("phase")?, Phase::from_key)?,
                governance: enum_value(row.try_get("governance")?, Governance::from_key)?,
                trust: row.try_get("trust")?,
                latest: judgement_of(row.try_get("latest")?),
            });
        }
        Ok(schools)
    }

    pub async fn la_profile(&self, la: &str, at: NaiveDate) -> Result<LaProfile, StoreError> {
        let la = self.resolve_la(la).await?;
        let schools = self.profile_schools(at).await?;
        Ok(LaProfile::build(&la, at, &schools))
    }

    pub async fn ranking(&self, at: NaiveDate, group: PhaseGroup) -> Result<LaRanking, StoreError> {
        Ok(LaRanking::build(at, group, &self.profile_schools(at).await?))
    }

    /// Graded inspections of an LA's schools that started between `from` and `to` inclusive,
    /// each with the school's graded judgement before it.
    pub async fn outcomes(&self, la: &str, from: NaiveDate, to: NaiveDate) -> Result<OutcomeSummary, StoreError> {
        let la = self.resolve_la(la).await?;
        let rows = sqlx::query(
            "SELECT i.urn, s.name, s.phase, i.start_date, i.grade, i.category, \
               (SELECT p.grade FROM inspections p WHERE p.urn = i.urn AND p.grade IS NOT NULL \
                  AND p.start_date < i.start_date ORDER BY p.start_date DESC LIMIT 1) AS previous, \
               (SELECT p.start_date FROM inspections p WHERE p.urn = i.urn AND p.grade IS NOT NULL \
                  AND p.start_date < i.start_date ORDER BY p.start_date DESC LIMIT 1) AS previous_date \
             FROM inspections i JOIN schools s ON s.urn = i.urn \
             WHERE s.la_name = $1 AND i.start_date >= $2 AND i.start_date <= $3 AND i.grade IS NOT NULL",
        )
        .bind(&la)
        .bind(iso(from))
        .bind(iso(to))
        .fetch_all(&self.pool)
        .await?;
        let mut inspected = Vec::with_capacity(rows.len());
        for row in &rows {
            let grade: i64 = row.try_get("grade")?;
            let judgement = Judgement::from_grade(grade).ok_or_else(|| StoreError::Corrupt(format!("grade {grade}")))?;
            let previous = judgement_of(row.try_get("previous")?);
            let category: Option<String> = row.try_get("category")?;
            inspected.push(InspectedSchool {
                urn: Urn(row.try_get("urn")?),
                name: row.try_get("name")?,
                phase: enum_value(row.try_get("phase")?, Phase::from_key)?,
                start_date: text_date(Some(row.try_get("start_date")?))?.expect("present"),
                judgement,
                category: category.map(|c| enum_value(c, CategoryOfConcern::from_key)).transpose()?,
                previous,
                previous_date: text_date(row.try_get("previous_date")?)?,
                movement: Movement::between(previous, judgement),
            });
        }
        Ok(OutcomeSummary::build(&la, from, to, inspected))
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
        let inspections = sqlx::query(
            "SELECT urn, start_date, end_date, publication_date, number, kind, grade, category, urn_at_time \
             FROM inspections WHERE urn = $1 ORDER BY start_date",
        )
        .bind(urn.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(inspection_from)
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(SchoolHistory { school, from_register, timeline: timeline(inspections) }))
    }

    /// An LA's schools open on `at`, by name, each with its latest graded judgement by then.
    pub async fn la_schools(&self, la: &str, at: NaiveDate) -> Result<Vec<LaSchool>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.urn, s.name, s.phase, s.governance, s.type_name, s.status, s.open_date, s.close_date, \
               l.grade, l.start_date AS inspected \
             FROM schools s LEFT JOIN inspections l ON l.urn = s.urn AND l.start_date = \
               (SELECT MAX(i.start_date) FROM inspections i \
                 WHERE i.urn = s.urn AND i.grade IS NOT NULL AND i.start_date <= $1) \
             WHERE s.la_name = $2 ORDER BY s.name",
        )
        .bind(iso(at))
        .bind(la)
        .fetch_all(&self.pool)
        .await?;
        let mut schools = Vec::with_capacity(rows.len());
        for row in &rows {
            let status = enum_value(row.try_get("status")?, Status::from_key)?;
            if !open_on(status, text_date(row.try_get("open_date")?)?, text_date(row.try_get("close_date")?)?, at) {
                continue;
            }
            schools.push(LaSchool {
                urn: Urn(row.try_get("urn")?),
                name: row.try_get("name")?,
                phase: enum_value(row.try_get("phase")?, Phase::from_key)?,
                governance: enum_value(row.try_get("governance")?, Governance::from_key)?,
                type_name: row.try_get("type_name")?,
                latest: judgement_of(row.try_get("grade")?),
                inspected: text_date(row.try_get("inspected")?)?,
            });
        }
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

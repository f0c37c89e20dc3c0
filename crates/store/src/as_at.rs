//! The register and the judgements as they stood on any day: every school's life, its
//! predecessor links and its graded inspections, read once per data version and kept in
//! memory with the yearly series of England and every LA (the dashboard asks for them on
//! every page).

use std::sync::Arc;

use schoolsight_domain::as_at::{GradedVisit, PredecessorLink, RegisterHistory, SchoolLife, SeriesPoint, overall_grade_removed, series_days};
use schoolsight_domain::{CategoryOfConcern, Governance, Judgement, Phase, Status, Urn};
use sqlx::Row;

use crate::queries::{enum_value, iso, state_funded_keys, text_date};
use crate::{Store, StoreError};

/// The history read for one data version, and its series once asked for.
pub(crate) struct ProfileCache {
    version: (i64, Option<String>),
    history: Arc<RegisterHistory>,
    series: Option<Arc<Vec<SeriesPoint>>>,
}

impl Store {
    /// Every school's life and graded inspections, read again only when the data has changed.
    pub async fn register_history(&self) -> Result<Arc<RegisterHistory>, StoreError> {
        let version = self.data_version().await?;
        if let Some(history) = self.cached(|c| (c.version == version).then(|| c.history.clone())) {
            return Ok(history);
        }
        let history = Arc::new(self.load_history().await?);
        *self.profiles.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(ProfileCache { version, history: history.clone(), series: None });
        Ok(history)
    }

    /// England's and every LA's share good or outstanding at the end of each school year since
    /// 2006 and on the newest inspection's day, computed once per data version.
    pub async fn series(&self) -> Result<Arc<Vec<SeriesPoint>>, StoreError> {
        let history = self.register_history().await?;
        if let Some(series) = self.cached(|c| if Arc::ptr_eq(&c.history, &history) { c.series.clone() } else { None }) {
            return Ok(series);
        }
        let series = Arc::new(history.series(&series_days(history.latest_visit())));
        if let Some(cache) = self.profiles.lock().unwrap_or_else(|p| p.into_inner()).as_mut().filter(|c| Arc::ptr_eq(&c.history, &history)) {
            cache.series = Some(series.clone());
        }
        Ok(series)
    }

    fn cached<T>(&self, take: impl FnOnce(&ProfileCache) -> Option<T>) -> Option<T> {
        self.profiles.lock().unwrap_or_else(|p| p.into_inner()).as_ref().and_then(take)
    }

    async fn load_history(&self) -> Result<RegisterHistory, StoreError> {
        Ok(RegisterHistory::build(self.school_lives().await?, self.conversion_links().await?, self.graded_visits().await?))
    }

    async fn school_lives(&self) -> Result<Vec<SchoolLife>, StoreError> {
        let keys = state_funded_keys();
        let rows = sqlx::query(
            "SELECT urn, name, la_name, type_name, phase, governance, trust, status, open_date, close_date \
             FROM schools WHERE governance IN ($1, $2, $3, $4)",
        )
        .bind(keys[0])
        .bind(keys[1])
        .bind(keys[2])
        .bind(keys[3])
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SchoolLife {
                    urn: Urn(row.try_get("urn")?),
                    name: row.try_get("name")?,
                    la_name: row.try_get("la_name")?,
                    type_name: row.try_get("type_name")?,
                    phase: enum_value(row.try_get("phase")?, Phase::from_key)?,
                    governance: enum_value(row.try_get("governance")?, Governance::from_key)?,
                    trust: row.try_get("trust")?,
                    status: enum_value(row.try_get("status")?, Status::from_key)?,
                    open_date: text_date(row.try_get("open_date")?)?,
                    close_date: text_date(row.try_get("close_date")?)?,
                })
            })
            .collect()
    }

    /// Predecessor links in both spellings GIAS uses: the successor's "Predecessor…" row and
    /// the old school's "Successor…" row.
    async fn conversion_links(&self) -> Result<Vec<PredecessorLink>, StoreError> {
        let rows = sqlx::query(
            "SELECT urn AS school, linked_urn AS predecessor, link_date, link_type FROM school_links WHERE link_type LIKE $1 \
             UNION SELECT linked_urn AS school, urn AS predecessor, link_date, link_type FROM school_links WHERE link_type LIKE $2",
        )
        .bind("Predecessor%")
        .bind("Successor%")
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PredecessorLink {
                    school: Urn(row.try_get("school")?),
                    predecessor: Urn(row.try_get("predecessor")?),
                    date: text_date(row.try_get("link_date")?)?,
                    // "… - merged": the school it merged into already existed.
                    successor_opened: !row.try_get::<String, _>("link_type")?.to_lowercase().contains("merged"),
                })
            })
            .collect()
    }

    /// Graded inspections: those a file calls graded, and legacy rows (no `graded` flag) with
    /// a grade. A graded inspection without an overall grade is kept only from September 2024,
    /// when the framework stopped giving one; before then a blank grade is just unknown.
    async fn graded_visits(&self) -> Result<Vec<GradedVisit>, StoreError> {
        let rows = sqlx::query(
            "SELECT urn, start_date, grade, category FROM inspections \
             WHERE (graded IS NULL AND grade IS NOT NULL) OR (graded = 1 AND (grade IS NOT NULL OR start_date >= $1))",
        )
        .bind(iso(overall_grade_removed()))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let category: Option<String> = row.try_get("category")?;
                Ok(GradedVisit {
                    urn: Urn(row.try_get("urn")?),
                    start_date: text_date(Some(row.try_get("start_date")?))?.expect("present"),
                    judgement: row.try_get::<Option<i64>, _>("grade")?.and_then(Judgement::from_grade),
                    category: category.map(|c| enum_value(c, CategoryOfConcern::from_key)).transpose()?,
                })
            })
            .collect()
    }

    /// What identifies the data's state: every import adds a file. Casework does not change
    /// profiles, so it need not be counted.
    pub(crate) async fn data_version(&self) -> Result<(i64, Option<String>), StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS files, MAX(imported_at) AS latest FROM import_files").fetch_one(&self.pool).await?;
        Ok((row.try_get("files")?, row.try_get("latest")?))
    }
}

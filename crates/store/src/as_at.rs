//! The register and the judgements as they stood on any day: every school's life, its
//! predecessor links and its graded inspections, read once per data version and kept in
//! memory with the yearly series of England and every LA (the dashboard asks for them on
//! every page).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use chrono::NaiveDate;
use schoolsight_domain::analysis::ProfileSchool;
use schoolsight_domain::as_at::{
    GradedVisit, PredecessorLink, RegisterHistory, SchoolLife, SeriesPoint, TrustLink, overall_grade_removed, series_days,
};
use schoolsight_domain::la_names::LaEntry;
use schoolsight_domain::outcome_report::Norms;
use schoolsight_domain::outcomes::{Measure, MeasureValue};
use schoolsight_domain::{CategoryOfConcern, Governance, Judgement, Phase, Status, Urn};
use schoolsight_ingest::ParsedFile;
use sqlx::{Any, Row, Transaction};

use crate::import::{Value, date, insert_batched};
use crate::outcomes::{SchoolCoverage, SimilarPool};
use crate::queries::{enum_value, iso, state_funded_keys, text_date};
use crate::{Backend, Store, StoreError};

const TRUST_LINK_INSERT: &str =
    "INSERT INTO trust_links (urn, group_uid, snapshot_date, group_name, group_type, joined_date, source_sha256)";
/// A snapshot's rows are what GIAS said that day: the same snapshot again changes nothing.
const TRUST_LINK_UPSERT: &str = "ON CONFLICT (urn, group_uid, snapshot_date) DO UPDATE SET group_name = excluded.group_name, \
     group_type = excluded.group_type, joined_date = excluded.joined_date, source_sha256 = excluded.source_sha256";

/// Writes a group-links snapshot's memberships inside the file's import transaction.
pub(crate) async fn write_trust_links(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    links: &[TrustLink],
    file: &ParsedFile,
) -> Result<u64, StoreError> {
    // A school listed twice in one group on one day (it happens) is one membership: the last row.
    let mut last: std::collections::HashMap<(i64, i64, chrono::NaiveDate), &TrustLink> = std::collections::HashMap::new();
    let mut order = Vec::new();
    for l in links {
        if last.insert((l.urn.0, l.group_uid, l.snapshot), l).is_none() {
            order.push((l.urn.0, l.group_uid, l.snapshot));
        }
    }
    let rows = order
        .iter()
        .map(|key| {
            let l = last[key];
            vec![
                Value::Int(Some(l.urn.0)),
                Value::Int(Some(l.group_uid)),
                date(Some(l.snapshot)),
                Value::Text(Some(l.group_name.clone())),
                Value::Text(Some(l.group_type.clone())),
                date(l.joined),
                Value::Text(Some(file.sha256.clone())),
            ]
        })
        .collect();
    Ok(insert_batched(tx, backend, TRUST_LINK_INSERT, TRUST_LINK_UPSERT, rows, &mut |_| {}).await?)
}

/// The history read for one data version, and what is worked out from it once asked for.
pub(crate) struct ProfileCache {
    version: (i64, Option<String>),
    history: Arc<RegisterHistory>,
    series: Option<Arc<Vec<SeriesPoint>>>,
    /// The LAs and their codes, which every LA route resolves a name against.
    pub(crate) las: Option<Arc<Vec<LaEntry>>>,
    /// How many LAs the register knows by code.
    pub(crate) la_count: Option<Arc<usize>>,
    /// Every LA's own figures (all pupils, disadvantaged, others): LAs' norms and ranks.
    pub(crate) la_values: Option<Arc<Vec<MeasureValue>>>,
    /// Per LA: the norms of year-to-year change among its schools, measure by measure.
    pub(crate) school_norms: HashMap<String, Option<Arc<HashMap<Measure, Norms>>>>,
    /// Per LA: what share of its schools each of its reports' figures covers.
    pub(crate) coverage: HashMap<String, Option<Arc<Vec<SchoolCoverage>>>>,
    /// Per (year, headline measure): the schools similar schools are drawn from.
    pub(crate) similar_pools: HashMap<(i32, Measure), Option<Arc<SimilarPool>>>,
    /// Per date (at most [`DATES_KEPT`]): every school open then, as profiles read it.
    schools_at: HashMap<NaiveDate, Option<Arc<Vec<ProfileSchool>>>>,
}

/// How many dates' schools one data version keeps: the dates users look at are few (today, the
/// end of a few school years), and a client asking for every day of a decade must not make the
/// server keep them all.
const DATES_KEPT: usize = 32;

/// `slot` of the cache when it holds `history`'s version.
fn slot_of<'c, T>(
    cache: &'c mut Option<ProfileCache>,
    history: &Arc<RegisterHistory>,
    slot: &impl Fn(&mut ProfileCache) -> &mut Option<Arc<T>>,
) -> Option<&'c mut Option<Arc<T>>> {
    cache.as_mut().filter(|c| Arc::ptr_eq(&c.history, history)).map(slot)
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
            Some(ProfileCache {
                version,
                history: history.clone(),
                series: None,
                las: None,
                la_count: None,
                la_values: None,
                school_norms: HashMap::new(),
                coverage: HashMap::new(),
                similar_pools: HashMap::new(),
                schools_at: HashMap::new(),
            });
        Ok(history)
    }

    /// England's and every LA's share good or outstanding at the end of each school year since
    /// 2006 and on the newest inspection's day, computed once per data version.
    pub async fn series(&self) -> Result<Arc<Vec<SeriesPoint>>, StoreError> {
        self.once_per_version(|c| &mut c.series, |history| async move { Ok(history.series(&series_days(history.latest_visit()))) })
            .await
    }

    /// Every school open on `at` with its judgement and trust then (what LA profiles and
    /// rankings count), worked out once per date and data version: a pass over every school's
    /// life, 20 ms on the bundled data.
    pub async fn schools_at(&self, at: NaiveDate) -> Result<Arc<Vec<ProfileSchool>>, StoreError> {
        self.once_per_version(
            |c| {
                if c.schools_at.len() >= DATES_KEPT && !c.schools_at.contains_key(&at) {
                    c.schools_at.clear();
                }
                c.schools_at.entry(at).or_default()
            },
            |history| async move { Ok(history.schools_at(at)) },
        )
        .await
    }

    /// A value worked out from the current data version once, kept in `slot` of the cache
    /// until the data changes.
    pub(crate) async fn once_per_version<T, Slot, Work, Done>(&self, slot: Slot, work: Work) -> Result<Arc<T>, StoreError>
    where
        Slot: Fn(&mut ProfileCache) -> &mut Option<Arc<T>>,
        Work: FnOnce(Arc<RegisterHistory>) -> Done,
        Done: Future<Output = Result<T, StoreError>>,
    {
        let history = self.register_history().await?;
        let held = slot_of(&mut self.profiles.lock().unwrap_or_else(|p| p.into_inner()), &history, &slot).and_then(|s| s.clone());
        if let Some(value) = held {
            return Ok(value);
        }
        let value = Arc::new(work(history.clone()).await?);
        if let Some(s) = slot_of(&mut self.profiles.lock().unwrap_or_else(|p| p.into_inner()), &history, &slot) {
            *s = Some(value.clone());
        }
        Ok(value)
    }

    fn cached<T>(&self, take: impl FnOnce(&ProfileCache) -> Option<T>) -> Option<T> {
        self.profiles.lock().unwrap_or_else(|p| p.into_inner()).as_ref().and_then(take)
    }

    async fn load_history(&self) -> Result<RegisterHistory, StoreError> {
        Ok(RegisterHistory::build(self.school_lives().await?, self.conversion_links().await?, self.graded_visits().await?)
            .with_trust_links(self.trust_links().await?))
    }

    /// Every group-links row of every snapshot imported.
    async fn trust_links(&self) -> Result<Vec<TrustLink>, StoreError> {
        let rows = sqlx::query("SELECT urn, group_uid, snapshot_date, group_name, group_type, joined_date FROM trust_links")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(TrustLink {
                    urn: Urn(row.try_get("urn")?),
                    group_uid: row.try_get("group_uid")?,
                    group_name: row.try_get("group_name")?,
                    group_type: row.try_get("group_type")?,
                    joined: text_date(row.try_get("joined_date")?)?,
                    snapshot: text_date(Some(row.try_get("snapshot_date")?))?.expect("present"),
                })
            })
            .collect()
    }

    /// What the register on `at` cannot say of `la` (academies left out for want of an opening
    /// day, trusts not known on the day), in words for a profile's caveats.
    pub async fn register_caveats(&self, la: &str, at: chrono::NaiveDate) -> Result<Vec<String>, StoreError> {
        Ok(self.register_history().await?.register_caveats(la, at))
    }

    async fn school_lives(&self) -> Result<Vec<SchoolLife>, StoreError> {
        let keys = state_funded_keys();
        let rows = sqlx::query(
            "SELECT urn, name, la_name, type_name, phase, governance, trust, status, open_date, close_date, extract_date \
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
                    register_date: text_date(row.try_get("extract_date")?)?,
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

//! The early warning over the database: the records read as the model's dated facts, an LA's
//! schools ranked as at a date, one school's risk over the years, and the back-test. Models are
//! trained once per (as-at date, data version) and kept, so the dashboard does not retrain on
//! every request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Datelike, NaiveDate};
use schoolsight_domain::Urn;
use schoolsight_domain::as_at::RegisterHistory;
use schoolsight_domain::casework::ConcernCategory;
use schoolsight_risk::backtest::{Trained, assess_with, train_before};
use schoolsight_risk::{
    AsAt, BacktestReport, CaseworkFlag, CategoryThresholds, DEFAULT_SEED, DateFacts, History, InspectionEvent,
    LetterAction, PublishedMeasure, Reason, SchoolFacts, SchoolRisk, Target, backtest,
    standard_windows,
};
use schoolsight_store::{RiskRecords, Store};
use serde::Serialize;
use tokio::sync::OnceCell;

use crate::AppError;

/// The database's records as the model's dated facts.
pub fn history(records: RiskRecords) -> History {
    let mut predecessors: HashMap<Urn, Vec<Urn>> = HashMap::new();
    for (newer, older) in records.predecessors {
        predecessors.entry(newer).or_default().push(older);
    }
    let schools = records
        .schools
        .iter()
        .map(|r| {
            let links = predecessors.remove(&r.school.urn).unwrap_or_default();
            SchoolFacts::from_school(&r.school, r.recorded_on, links)
        })
        .collect();
    let measures = records
        .figures
        .into_iter()
        .map(|f| PublishedMeasure {
            urn: f.urn,
            measure: f.measure,
            year: f.year,
            value: f.value,
        })
        .collect();
    let events = records
        .inspections
        .iter()
        .map(|r| InspectionEvent::from_inspection(&r.visit, r.snapshot_of))
        .collect();
    History::new(events)
        .with_schools(schools)
        .with_measures(measures)
        .with_letter_actions(
            records
                .letter_actions
                .into_iter()
                .map(|s| LetterAction { urn: s.urn, opened: s.opened, closed: s.closed })
                .collect(),
        )
        .with_casework(
            records
                .cases
                .into_iter()
                .map(|s| CaseworkFlag { urn: s.urn, opened: s.opened, closed: s.closed })
                .collect(),
        )
}

/// One scored school of an LA's risk list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListedSchool {
    pub urn: Urn,
    pub name: String,
    /// Calibrated chance that its next graded inspection is below good.
    pub probability: f64,
    pub category: ConcernCategory,
    /// Its last overall grade on record by the date (1 outstanding … 4 inadequate).
    pub last_grade: Option<u8>,
    pub reasons: Vec<Reason>,
}

/// A school of the LA the model does not score, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnscoredSchool {
    pub urn: Urn,
    pub name: String,
    pub reason: &'static str,
}

/// Why a school open on the date is not scored: with no graded judgement the model would give
/// it the average risk, a number that says nothing about the school.
pub const NO_GRADED_INSPECTION: &str = "no graded inspection on record";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskList {
    pub la: String,
    pub at: NaiveDate,
    /// Schools of the LA open on the date.
    pub open_schools: usize,
    /// Scored schools, riskiest first.
    pub schools: Vec<ListedSchool>,
    pub not_scored: Vec<UnscoredSchool>,
    pub thresholds: CategoryThresholds,
}

impl RiskList {
    /// How many scored schools fall in each category, universal first.
    pub fn by_category(&self) -> Vec<(ConcernCategory, usize)> {
        [
            ConcernCategory::Universal,
            ConcernCategory::Monitor,
            ConcernCategory::CoreGroup,
            ConcernCategory::Intensive,
        ]
        .into_iter()
        .map(|c| (c, self.schools.iter().filter(|s| s.category == c).count()))
        .collect()
    }
}

/// One point of a school's risk history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskPoint {
    pub at: NaiveDate,
    pub probability: f64,
    pub category: ConcernCategory,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchoolRiskHistory {
    pub urn: Urn,
    pub name: String,
    /// Its risk on the eve of each recent inspection year it was open and had a graded
    /// judgement; a year the history cannot train for is left out, not guessed.
    pub risk: Vec<RiskPoint>,
    /// Its graded judgements (its predecessors' too), oldest first: date and grade 1..4.
    pub judgements: Vec<(NaiveDate, u8)>,
}

/// The facts and the models of one data version.
struct Loaded {
    /// The register history the store keeps per data version: a new one means new data.
    version: Arc<RegisterHistory>,
    history: Arc<History>,
    models: HashMap<NaiveDate, Arc<OnceCell<Arc<Trained>>>>,
    /// Each date's facts about all schools (the LA's share of good schools, trust sizes): a
    /// pass over every school's timeline, which a school's risk page needs for six dates.
    facts: HashMap<NaiveDate, Arc<OnceCell<Arc<DateFacts>>>>,
    /// Each LA's list as at a date, worked out once: explaining every school of an LA takes
    /// about a second, and the list cannot change until the data does.
    lists: HashMap<(String, NaiveDate), Arc<OnceCell<RiskList>>>,
    backtest: Arc<OnceCell<Arc<BacktestReport>>>,
}

/// How many as-at dates (or LA lists) one data version keeps: the dates users look at are few
/// (today, the start of a few school years), and a client asking for every day of a decade must
/// not make the server keep a model for each.
const CACHED_PER_VERSION: usize = 32;

/// The cell for `key`, made when missing; a full cache is emptied first (cells already handed
/// out stay valid for their holders).
fn bounded_cell<K: std::hash::Hash + Eq, V>(cache: &mut HashMap<K, Arc<OnceCell<V>>>, key: K) -> Arc<OnceCell<V>> {
    if cache.len() >= CACHED_PER_VERSION && !cache.contains_key(&key) {
        cache.clear();
    }
    cache.entry(key).or_default().clone()
}

/// The early warning over one store, with its trained models kept per (as-at date, data
/// version). Clones share the cache.
#[derive(Clone)]
pub struct Risk {
    store: Store,
    thresholds: CategoryThresholds,
    loaded: Arc<Mutex<Option<Loaded>>>,
}

impl Risk {
    pub fn new(store: Store, thresholds: CategoryThresholds) -> Risk {
        Risk { store, thresholds, loaded: Arc::default() }
    }

    pub fn thresholds(&self) -> CategoryThresholds {
        self.thresholds
    }

    /// The facts of the current data version, read again only when the data has changed.
    /// Casework opened since is seen at the next import (the store's data version counts
    /// imports).
    pub async fn history(&self) -> Result<Arc<History>, AppError> {
        let version = self.store.register_history().await?;
        if let Some(history) = self.with_loaded(&version, |l| l.history.clone()) {
            return Ok(history);
        }
        let history = Arc::new(history(self.store.risk_records().await?));
        let mut guard = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        *guard = Some(Loaded {
            version,
            history: history.clone(),
            models: HashMap::new(),
            facts: HashMap::new(),
            lists: HashMap::new(),
            backtest: Arc::default(),
        });
        Ok(history)
    }

    fn with_loaded<T>(&self, version: &Arc<RegisterHistory>, read: impl FnOnce(&mut Loaded) -> T) -> Option<T> {
        let mut guard = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        guard.as_mut().filter(|l| Arc::ptr_eq(&l.version, version)).map(read)
    }

    /// The models for risk as at `at` (trained on outcomes known by then), trained once.
    async fn models(&self, history: &Arc<History>, at: NaiveDate) -> Result<Arc<Trained>, AppError> {
        let history = history.clone();
        let cutoff = at.succ_opt().expect("a date with a next day");
        self.once_per_date(at, |l| &mut l.models, move || train_before(&history, cutoff, Target::NextBelowGood, DEFAULT_SEED))
            .await
    }

    /// The facts about all schools as at `at`, worked out once.
    async fn facts(&self, history: &Arc<History>, at: NaiveDate) -> Result<Arc<DateFacts>, AppError> {
        let history = history.clone();
        self.once_per_date(at, |l| &mut l.facts, move || Ok(DateFacts::new(&history, at))).await
    }

    /// What `work` gives for `at`, worked out once per data version on a blocking thread and
    /// kept in the cache `slot` picks.
    async fn once_per_date<T: Send + Sync + 'static>(
        &self,
        at: NaiveDate,
        slot: impl FnOnce(&mut Loaded) -> &mut HashMap<NaiveDate, Arc<OnceCell<Arc<T>>>>,
        work: impl FnOnce() -> Result<T, schoolsight_risk::RiskError> + Send + 'static,
    ) -> Result<Arc<T>, AppError> {
        let version = self.store.register_history().await?;
        let cell = self.with_loaded(&version, |l| bounded_cell(slot(l), at)).unwrap_or_default();
        cell.get_or_try_init(|| async move { blocking(work).await.map(Arc::new) }).await.cloned()
    }

    /// `urns` scored as at `at`, riskiest first (ties by URN).
    async fn score(&self, at: NaiveDate, urns: &[Urn]) -> Result<Vec<SchoolRisk>, AppError> {
        let history = self.history().await?;
        let trained = self.models(&history, at).await?;
        let facts = self.facts(&history, at).await?;
        let urns = urns.to_vec();
        let thresholds = self.thresholds;
        blocking(move || Ok(assess_with(&trained, &AsAt::with_facts(&history, &facts), &urns, &thresholds))).await
    }

    /// Trains today's model in the background, then those of the eves of the last six
    /// inspection years (a school's risk page reads all six), so the first pages a user opens
    /// after the server starts (or after an import) do not wait for them.
    pub fn warm(&self, today: NaiveDate) {
        let risk = self.clone();
        tokio::spawn(async move {
            let warmed = async {
                let history = risk.history().await?;
                for at in std::iter::once(today).chain(year_ends(&history)) {
                    risk.models(&history, at).await?;
                    risk.facts(&history, at).await?;
                }
                Ok::<_, AppError>(())
            };
            if let Err(e) = warmed.await {
                tracing::warn!(error = %e, "could not train the early-warning models at start");
            }
        });
    }

    /// The LA's schools open on `at`, those with a graded judgement by then ranked by risk from
    /// a model trained only on outcomes known by `at`; the others listed as not scored.
    pub async fn la_list(&self, la: &str, at: NaiveDate) -> Result<RiskList, AppError> {
        let la = self.store.resolve_la(la).await?;
        let version = self.store.register_history().await?;
        let cell = self
            .with_loaded(&version, |l| bounded_cell(&mut l.lists, (la.clone(), at)))
            .unwrap_or_default();
        cell.get_or_try_init(|| self.rank_la(la, at)).await.cloned()
    }

    async fn rank_la(&self, la: String, at: NaiveDate) -> Result<RiskList, AppError> {
        let history = self.history().await?;
        let open: Vec<Urn> = history
            .urns()
            .into_iter()
            // State-funded schools only, as the model is trained: an FE college or an independent
            // school is inspected under another framework.
            .filter(|u| {
                history
                    .school(*u)
                    .is_some_and(|s| s.la_name.as_deref() == Some(la.as_str()) && s.is_state_funded() && s.is_open_on(at))
            })
            .collect();
        let name = |u: Urn| history.school(u).map(|s| s.name.clone()).unwrap_or_default();
        let (graded, ungraded): (Vec<Urn>, Vec<Urn>) = open.iter().partition(|u| history.last_grade(**u, at).is_some());
        let scored = if graded.is_empty() { Vec::new() } else { self.score(at, &graded).await? };
        let schools = scored
            .into_iter()
            .map(|SchoolRisk { urn, probability, category, reasons }| ListedSchool {
                urn,
                name: name(urn),
                probability,
                category,
                last_grade: history.last_grade(urn, at),
                reasons,
            })
            .collect();
        let not_scored = ungraded
            .into_iter()
            .map(|urn| UnscoredSchool { urn, name: name(urn), reason: NO_GRADED_INSPECTION })
            .collect();
        Ok(RiskList { la, at, open_schools: open.len(), schools, not_scored, thresholds: self.thresholds })
    }

    /// A school's risk on the eve of each of the last six inspection years beside its
    /// judgements to `today`.
    pub async fn school(&self, urn: Urn, today: NaiveDate) -> Result<SchoolRiskHistory, AppError> {
        let history = self.history().await?;
        let name = history.school(urn).map(|s| s.name.clone()).ok_or(AppError::UnknownSchool(urn))?;
        let mut risk = Vec::new();
        for at in yearly_points(&history, urn) {
            match self.score(at, &[urn]).await {
                Ok(mut scored) => {
                    let SchoolRisk { probability, category, reasons, .. } = scored.remove(0);
                    risk.push(RiskPoint { at, probability, category, reasons });
                }
                Err(AppError::Risk(_)) => {} // too little history to train for that year
                Err(other) => return Err(other),
            }
        }
        Ok(SchoolRiskHistory { urn, name, risk, judgements: history.graded_timeline(urn, today) })
    }

    /// The back-test over the standard windows, run once per data version.
    pub async fn backtest(&self) -> Result<Arc<BacktestReport>, AppError> {
        let history = self.history().await?;
        let version = self.store.register_history().await?;
        let cell = self.with_loaded(&version, |l| l.backtest.clone()).unwrap_or_default();
        cell.get_or_try_init(|| async move {
            blocking(move || Ok(backtest(&history, &standard_windows(), DEFAULT_SEED))).await.map(Arc::new)
        })
        .await
        .cloned()
    }
}

/// Runs model arithmetic on a blocking thread: training takes seconds of CPU that must not hold
/// up the threads serving other requests.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, schoolsight_risk::RiskError> + Send + 'static,
) -> Result<T, AppError> {
    let result = tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Worker(e.to_string()))?;
    Ok(result?)
}

/// The eve of each of the last six inspection years (31 August) on which the school was open
/// and had a graded judgement on record.
fn yearly_points(history: &History, urn: Urn) -> Vec<NaiveDate> {
    let mut points: Vec<NaiveDate> = year_ends(history)
        .into_iter()
        .filter(|d| history.is_open_on(urn, *d) && history.last_grade(urn, *d).is_some())
        .collect();
    points.reverse();
    points
}

/// The eve (31 August) of each of the last six inspection years, newest first.
fn year_ends(history: &History) -> Vec<NaiveDate> {
    let Some(last) = history.latest_event() else {
        return Vec::new();
    };
    (0..6).filter_map(|back| NaiveDate::from_ymd_opt(last.year() - back, 8, 31)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_cache_is_emptied_before_a_new_date_and_kept_for_a_known_one() {
        let mut cache: HashMap<u32, Arc<OnceCell<u32>>> = HashMap::new();
        for day in 0..CACHED_PER_VERSION as u32 {
            bounded_cell(&mut cache, day);
        }
        assert_eq!(cache.len(), CACHED_PER_VERSION);
        let known = bounded_cell(&mut cache, 3);
        assert_eq!(cache.len(), CACHED_PER_VERSION, "a date already held is not a new one");
        assert!(Arc::ptr_eq(&known, &cache[&3]));
        bounded_cell(&mut cache, 1_000);
        assert_eq!(cache.len(), 1, "the cache never holds more than its bound");
        assert!(cache.contains_key(&1_000));
    }
}

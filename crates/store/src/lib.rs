//! Schoolsight's database: migrations, transactional imports and queries, over SQLite (the
//! embedded default) or PostgreSQL, chosen by URL at run time.

mod as_at;
mod auth;
pub mod backup;
mod casework;
mod history;
mod import;
mod letters;
mod migrate;
mod outcomes;
mod queries;
mod risk;
mod timeline;
#[cfg(feature = "testing")]
pub mod testing;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use thiserror::Error;

pub use auth::{AuditEntry, FailedSignIns, NewUser, SESSION_HOURS, Session, random_hex};
pub use casework::{
    CaseAction, CaseDetail, CaseEvent, CaseSummary, GovernanceReview, Meeting, MeetingRecord, Milestone, NewCase, PROVIDER_KINDS,
    SupportImpact, SupportPackage, SurveyResponse, SurveyRound, WarningNotice,
};
pub use import::{ImportOutcome, ImportedFile};
pub use letters::{LetterAction, LetterOutcome, NewLetter, SchoolLink, StoredLetter, letter_id, normalise_postcode};
pub use outcomes::{LaOutcomes, LaRank, SchoolOutcomes, SimilarSchools};
pub use risk::{OpenSpan, RecordedSchool, RecordedVisit, RiskRecords, SchoolFigure};
pub use queries::{LaSchool, LatestData, SchoolHistory, SchoolHit, Totals};

/// The database an application instance works on.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Every school's life and graded inspections (and the yearly series built from them),
    /// kept until the data changes: every LA page and ranking needs all of them.
    profiles: std::sync::Arc<std::sync::Mutex<Option<as_at::ProfileCache>>>,
}

/// Which server the URL named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("unsupported database URL '{0}' (expected sqlite:… or postgres://…)")]
    UnsupportedUrl(String),
    #[error("the database holds a value it cannot read: {0}")]
    Corrupt(String),
    #[error("no local authority matches '{query}'{}", schoolsight_domain::la_names::did_you_mean(.nearest))]
    UnknownLa { query: String, nearest: Vec<String> },
    #[error("'{query}' matches several local authorities: {candidates}")]
    AmbiguousLa { query: String, candidates: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("password hashing: {0}")]
    Hashing(String),
}

/// The URL sqlx is given. Through the `Any` driver a NULL is bound to PostgreSQL with a
/// placeholder type, and a cached prepared statement keeps that type: the next execution that
/// binds a real `f64` there fails with "incorrect binary data format". PostgreSQL statements
/// are therefore not cached (each is parsed afresh with the types of its own arguments).
fn connect_url(url: &str, backend: Backend) -> String {
    if backend != Backend::Postgres || url.contains("statement-cache-capacity") {
        return url.to_string();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}statement-cache-capacity=0")
}

/// SQLite's default file in the working folder.
pub const DEFAULT_URL: &str = "sqlite://schoolsight.db?mode=rwc";

impl Store {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // In WAL mode NORMAL still never corrupts the file; it only lets the
                        // last commits before a power cut be lost, for far fewer fsyncs.
                        sqlx::Executor::execute(&mut *connection, "PRAGMA synchronous = NORMAL").await?;
                        // perf on the pupil-outcomes page: a third of its time was the kernel
                        // copying pages SQLite's 2 MB default cache had let go. Reads through a
                        // map of the file, and a 64 MB cache, keep the bundled data in memory.
                        sqlx::Executor::execute(&mut *connection, "PRAGMA mmap_size = 1073741824").await?;
                        sqlx::Executor::execute(connection, "PRAGMA cache_size = -65536").await?;
                    }
                    Ok(())
                })
            })
            .connect(&connect_url(url, backend))
            .await?;
        if backend == Backend::Sqlite {
            // WAL lets the dashboard read while an import writes.
            sqlx::raw_sql("PRAGMA journal_mode = WAL").execute(&pool).await?;
        }
        let store = Store { pool, backend, profiles: Default::default() };
        migrate::run(&store.pool).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a transaction that will write. SQLite's default transaction takes the write lock
    /// only at its first write, and one that read first then fails at once with "database is
    /// locked" if another connection wrote meanwhile; `BEGIN IMMEDIATE` takes the lock at the
    /// start, waiting for it up to the busy timeout (5 s). PostgreSQL locks rows as it writes.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

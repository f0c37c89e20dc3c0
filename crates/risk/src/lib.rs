//! Schoolsight's early warning: which schools are likely to be judged below good next, why, and how well that would have worked in past years (pure: no I/O, no database).

pub mod backtest;
pub mod calibration;
pub mod category;
pub mod features;
pub mod gbdt;
pub mod input;
pub mod logistic;
pub mod metrics;
pub mod models;
pub mod reasons;
pub mod shapley;
pub mod target;

use chrono::NaiveDate;

pub use backtest::{
    Backtest, BacktestReport, SchoolRisk, WindowReport, WindowSpec, assess, backtest, standard_windows,
};
pub use category::CategoryThresholds;
pub use features::{AsAt, DateFacts, Feature, History};
pub use input::{
    CaseworkFlag, InspectionEvent, LetterAction, PublishedMeasure, SchoolFacts, is_concern,
    key_judgements_below_good, publication_date,
};
pub use models::{DEFAULT_SEED, ModelKind, ModelSet};
pub use reasons::Reason;
pub use target::{Sample, Target, Window};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RiskError {
    #[error("no training data")]
    NoTrainingData,
    #[error("too little history before {cutoff} to train on ({samples} samples)")]
    NotEnoughHistory { cutoff: NaiveDate, samples: usize },
    #[error("no school was inspected in the window from {cutoff}")]
    NoTestData { cutoff: NaiveDate },
    #[error("numerical failure: {0}")]
    Numerical(&'static str),
    #[error("model: {0}")]
    Model(String),
}

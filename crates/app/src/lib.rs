//! The workflows the CLI and the dashboard share.

pub mod draft_letter;
pub mod la_report;
pub mod letters;
pub mod risk;
pub mod school_report;

use schoolsight_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Risk(#[from] schoolsight_risk::RiskError),
    #[error("no school with URN {0}")]
    UnknownSchool(schoolsight_domain::Urn),
    #[error("the model's worker stopped: {0}")]
    Worker(String),
    #[error(transparent)]
    Search(#[from] schoolsight_search::SearchError),
}

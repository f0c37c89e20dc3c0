use std::path::{Path, PathBuf};

use thiserror::Error;

/// Why the bundled files could not be read or written. Every variant names the file.
#[derive(Debug, Error)]
pub enum BundleError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A row (the line a spreadsheet shows, header being row 1) that cannot be used.
    #[error("{}: row {row}: {message}", path.display())]
    Csv { path: PathBuf, row: u64, message: String },
    /// A shared data file the bundle is built from is absent.
    #[error("{}: required shared data file is missing", path.display())]
    Missing { path: PathBuf },
    #[error("{}: column '{column}' is missing", path.display())]
    MissingColumn { path: PathBuf, column: String },
}

impl BundleError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> BundleError {
        BundleError::Io { path: path.to_path_buf(), source }
    }

    pub(crate) fn csv(path: &Path, row: u64, message: impl Into<String>) -> BundleError {
        BundleError::Csv { path: path.to_path_buf(), row, message: message.into() }
    }
}

use schoolsight_domain::ParseError;
use thiserror::Error;

/// Why a file could not be read. Every variant names the file; row-level ones name the row
/// (the line a spreadsheet shows, header being row 1) and the column.
#[derive(Debug, Error)]
pub enum IngestError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: not a recognised file (expected a GIAS establishment extract, Ofsted inspection data or a DfE performance-table file; the header starts: {headers})")]
    UnknownFormat { file: String, headers: String },
    #[error("{file}: a GIAS group-links snapshot is dated by its name (grouplinks_edubaseallacademiesandfree<yyyymmdd>.csv), and this name holds no date")]
    UndatedSnapshot { file: String },
    #[error("{file}: has no data rows")]
    NoRows { file: String },
    #[error("{file}: column '{column}' is missing")]
    MissingColumn { file: String, column: String },
    #[error("{file}: row {row}: not valid CSV: {message}")]
    Csv { file: String, row: u64, message: String },
    #[error("{file}: row {row}, column '{column}': {reason}")]
    Cell { file: String, row: u64, column: String, reason: ParseError },
    #[error("{file}: row {row}, column '{column}': a value is required")]
    Required { file: String, row: u64, column: String },
    #[error("{file}: row {row}, column '{column}': contains the control character U+{code:04X}, which no published value holds")]
    ControlCharacter { file: String, row: u64, column: String, code: u32 },
}

impl IngestError {
    pub(crate) fn csv(file: &str, row: u64, e: csv::Error) -> IngestError {
        IngestError::Csv { file: file.to_string(), row, message: e.to_string() }
    }

    /// The row an error is about, where it is about one.
    pub fn row(&self) -> Option<u64> {
        match self {
            IngestError::Csv { row, .. }
            | IngestError::Cell { row, .. }
            | IngestError::Required { row, .. }
            | IngestError::ControlCharacter { row, .. } => Some(*row),
            _ => None,
        }
    }

    /// The column an error is about, where it is about one.
    pub fn column(&self) -> Option<&str> {
        match self {
            IngestError::Cell { column, .. }
            | IngestError::Required { column, .. }
            | IngestError::MissingColumn { column, .. } => Some(column),
            _ => None,
        }
    }
}

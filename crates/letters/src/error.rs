//! Why a file could not be read as a letter. Every error names the file.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum LetterError {
    #[error("{file}: cannot be read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: has no text")]
    Empty { file: String },
    #[error("{file}: is not text (binary content)")]
    NotText { file: String },
    #[error("{file}: is {bytes} bytes, more than the {limit} a letter may have")]
    TooLarge { file: String, bytes: u64, limit: u64 },
    #[error("{file}: is not a readable PDF: {message}")]
    Pdf { file: String, message: String },
    /// Text that is there but is not language, or a PDF with no text layer.
    #[error("{file}: unreadable: {reason}")]
    Unreadable { file: String, reason: String },
}

impl LetterError {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            LetterError::Io { file, .. }
            | LetterError::Empty { file }
            | LetterError::NotText { file }
            | LetterError::TooLarge { file, .. }
            | LetterError::Pdf { file, .. }
            | LetterError::Unreadable { file, .. } => file,
        }
    }
}

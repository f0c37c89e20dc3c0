//! Files to text: Markdown and plain text decoded (UTF-8, or Windows-1252 when it isn't
//! valid UTF-8), PDFs through their text layer; empty, binary and oversized files refused.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::LetterError;
use crate::pdf::pdf_text;

/// The largest file read: letters and reports are well under a megabyte.
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;

/// How the document was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Markdown,
    Text,
    Pdf,
}

/// A document's text with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub name: String,
    /// SHA-256 of the bytes as read, in lower-case hex.
    pub sha256: String,
    pub format: Format,
    pub text: String,
}

/// Reads a `.md`, `.markdown`, `.txt` or `.pdf` file (other names are sniffed).
pub fn read_document(path: &Path) -> Result<Document, LetterError> {
    let file = path.display().to_string();
    let io = |source| LetterError::Io {
        file: file.clone(),
        source,
    };
    let bytes = fs::metadata(path).map_err(io)?.len();
    if bytes > MAX_BYTES {
        return Err(LetterError::TooLarge {
            file,
            bytes,
            limit: MAX_BYTES,
        });
    }
    document_from_bytes(&file, &fs::read(path).map_err(io)?)
}

/// A document from bytes; `name` gives the format by its extension and names the file in errors.
pub fn document_from_bytes(name: &str, bytes: &[u8]) -> Result<Document, LetterError> {
    let file = || name.to_string();
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > MAX_BYTES {
        return Err(LetterError::TooLarge {
            file: file(),
            bytes: size,
            limit: MAX_BYTES,
        });
    }
    let format = format_of(name, bytes);
    let text = match format {
        Format::Pdf => pdf_text(name, bytes)?,
        Format::Markdown | Format::Text => decode(name, bytes)?,
    };
    if text.trim().is_empty() && format == Format::Pdf {
        return Err(LetterError::Unreadable {
            file: file(),
            reason: "the PDF has no text layer (a scanned document?): OCR would be needed".to_string(),
        });
    }
    if text.trim().is_empty() {
        return Err(LetterError::Empty { file: file() });
    }
    if let Some(reason) = crate::readable::unreadable(&text).filter(|_| format == Format::Pdf) {
        return Err(LetterError::Unreadable { file: file(), reason });
    }
    if looks_binary(&text) {
        return Err(LetterError::NotText { file: file() });
    }
    Ok(Document {
        name: file(),
        sha256: format!("{:x}", Sha256::digest(bytes)),
        format,
        text,
    })
}

/// The format the extension names, or else what the bytes look like.
fn format_of(name: &str, bytes: &[u8]) -> Format {
    let extension = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    match extension.as_deref() {
        Some("md" | "markdown") => Format::Markdown,
        Some("txt" | "text") => Format::Text,
        Some("pdf") => Format::Pdf,
        _ if bytes.trim_ascii_start().starts_with(b"%PDF-") => Format::Pdf,
        _ if looks_like_markdown(bytes) => Format::Markdown,
        _ => Format::Text,
    }
}

/// Headings with `#` or bold with `**`, which plain text doesn't have.
fn looks_like_markdown(bytes: &[u8]) -> bool {
    bytes.starts_with(b"#") || bytes.windows(2).any(|w| w == b"\n#" || w == b"**")
}

/// UTF-8 (a BOM dropped), else Windows-1252, the other encoding Windows tools save text in.
/// NUL bytes mean the file is not text at all.
fn decode(name: &str, bytes: &[u8]) -> Result<String, LetterError> {
    if bytes.contains(&0) {
        return Err(LetterError::NotText { file: name.to_string() });
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    Ok(match std::str::from_utf8(body) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(body)
            .0
            .into_owned(),
    })
}

/// Text with more than one character in twenty a control or replacement character is binary:
/// letters have none (tabs, line and page breaks aside), and random bytes have about one in
/// eight.
fn looks_binary(text: &str) -> bool {
    let total = text.chars().count();
    let junk = text
        .chars()
        .filter(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) || *c == '\u{FFFD}')
        .count();
    junk * 20 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension_then_content() {
        assert_eq!(format_of("a.MD", b"x"), Format::Markdown);
        assert_eq!(format_of("a.txt", b"# x"), Format::Text);
        assert_eq!(format_of("a", b"  %PDF-1.7"), Format::Pdf);
        assert_eq!(format_of("a", b"## Evidence"), Format::Markdown);
        assert_eq!(format_of("a", b"Evidence"), Format::Text);
    }

    #[test]
    fn windows_1252_is_decoded_and_hashes_are_of_bytes() {
        let doc = document_from_bytes("l.txt", b"Mary\x92s caf\xE9").unwrap();
        assert_eq!(doc.text, "Mary\u{2019}s café");
        assert_eq!(doc.sha256.len(), 64);
    }

    #[test]
    fn refuses_empty_and_binary() {
        assert!(matches!(
            document_from_bytes("e.txt", b" \n\t"),
            Err(LetterError::Empty { .. })
        ));
        assert!(matches!(
            document_from_bytes("n.txt", b"ab\0cd"),
            Err(LetterError::NotText { .. })
        ));
        assert!(matches!(
            document_from_bytes("c.txt", b"\x01\x02\x03\x04abc"),
            Err(LetterError::NotText { .. })
        ));
    }
}

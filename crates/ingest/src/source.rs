//! Bytes on disk to text: gzip undone, UTF-8 (with or without BOM) or Windows-1252 decoded.

use std::io::Read;
use std::path::Path;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::IngestError;

/// A file's decoded text with what identifies it.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The file name as the user gave it, for messages.
    pub name: String,
    /// SHA-256 of the bytes as published (before un-gzipping), so the same download is
    /// recognised however it is renamed.
    pub sha256: String,
    pub text: String,
}

impl SourceText {
    /// Text from bytes as they would be on disk; `name` is used in messages.
    pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<SourceText, IngestError> {
        let sha256 = sha256(bytes);
        let plain = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(bytes)
                .read_to_end(&mut out)
                .map_err(|source| IngestError::Io { file: name.to_string(), source })?;
            out
        } else {
            bytes.to_vec()
        };
        Ok(SourceText { name: name.to_string(), sha256, text: decode(plain) })
    }
}

/// The SHA-256 of a file's bytes as published, in hex: how an import is recognised.
pub fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

pub fn read_source(path: &Path) -> Result<SourceText, IngestError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io { file: name.clone(), source })?;
    SourceText::from_bytes(&name, &bytes)
}

/// GIAS and Ofsted serve Windows-1252; re-saved files are UTF-8, often with a BOM. Text that is
/// valid UTF-8 is taken as such (Windows-1252 text with accents almost never is).
fn decode(bytes: Vec<u8>) -> String {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(body) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(body).0.into_owned(),
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The date a published file's name gives, e.g. `edubasealldata20220420.csv` or
/// `Management_information_..._as_at_31_August_2019.csv`.
pub fn date_in_name(name: &str) -> Option<NaiveDate> {
    let base = Path::new(name).file_name()?.to_string_lossy().to_ascii_lowercase();
    compact_date(&base).or_else(|| worded_date(&base))
}

fn compact_date(base: &str) -> Option<NaiveDate> {
    let bytes = base.as_bytes();
    // Work on bytes: a name may hold multi-byte characters, and slicing the text at an
    // arbitrary byte would split one (a fuzzer found that).
    (0..bytes.len().saturating_sub(7)).find_map(|i| {
        let run = &bytes[i..i + 8];
        let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 8).is_none_or(|b| !b.is_ascii_digit());
        (bounded && run.iter().all(u8::is_ascii_digit))
            .then(|| std::str::from_utf8(run).ok().and_then(|r| NaiveDate::parse_from_str(r, "%Y%m%d").ok()))
            .flatten()
            .filter(|d| (1990..2100).contains(&chrono::Datelike::year(d)))
    })
}

fn worded_date(base: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = base
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(3).find_map(|w| {
        let day: u32 = w[0].parse().ok()?;
        let month = MONTHS.iter().position(|m| w[1].starts_with(m))? as u32 + 1;
        let year: i32 = w[2].parse().ok()?;
        NaiveDate::from_ymd_opt(year, month, day)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_bom_utf8_and_windows_1252() {
        let bom = SourceText::from_bytes("a.csv", b"\xEF\xBB\xBFURN,Name\n1,Caf\xC3\xA9\n").unwrap();
        assert_eq!(bom.text, "URN,Name\n1,Café\n");
        let cp1252 = SourceText::from_bytes("b.csv", b"URN,Name\n1,St Mary\x92s Caf\xE9\n").unwrap();
        assert_eq!(cp1252.text, "URN,Name\n1,St Mary\u{2019}s Café\n");
    }

    #[test]
    fn undoes_gzip_and_hashes_the_published_bytes() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"URN\n1\n").unwrap();
        let bytes = gz.finish().unwrap();
        let s = SourceText::from_bytes("c.csv.gz", &bytes).unwrap();
        assert_eq!(s.text, "URN\n1\n");
        assert_eq!(s.sha256.len(), 64);
        assert_ne!(s.sha256, SourceText::from_bytes("c.csv", b"URN\n1\n").unwrap().sha256);
    }

    #[test]
    fn dates_from_published_names() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(date_in_name("data/edubasealldata20220420.csv"), d(2022, 4, 20));
        assert_eq!(
            date_in_name("Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Aug_2019.csv"),
            d(2019, 8, 31)
        );
        assert_eq!(date_in_name("state funded schools as at 31 December 2024.csv"), d(2024, 12, 31));
        assert_eq!(date_in_name("2018-2019_850_ks2final.csv"), None);
        assert_eq!(date_in_name("123456789.csv"), None);
        // Regression (fuzzer): multi-byte characters before eight bytes must not split.
        assert_eq!(date_in_name("éȤȤȤȤ20220420.csv"), d(2022, 4, 20));
        assert_eq!(date_in_name("ȤȤȤȤȤȤȤȤȤ"), None);
    }
}

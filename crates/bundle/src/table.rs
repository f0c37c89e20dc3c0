//! Writing a published table: a header, rows of cells, the publisher's text encoding.

use std::path::Path;

use encoding_rs::{EncoderResult, WINDOWS_1252};

use crate::BundleError;

/// The text encoding a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// What GIAS and Ofsted serve.
    Windows1252,
    /// What a spreadsheet re-save ("CSV UTF-8") gives.
    Utf8Bom,
}

/// How a cell is filled from a row.
type Fill<R> = fn(&R) -> String;

/// A column and how it is filled. Columns a table does not list stay blank, as the published
/// files leave unknown cells blank.
pub(crate) type Filler<R> = (&'static str, Fill<R>);

/// The bytes of a CSV file under `header`, every cell quoted as GIAS quotes them, CRLF line ends.
pub(crate) fn to_bytes<R>(header: &[&str], fillers: &[Filler<R>], rows: &[R], encoding: Encoding) -> Vec<u8> {
    // Located once per file: the header is a hundred columns and the rows are tens of thousands.
    let columns: Vec<Option<Fill<R>>> =
        header.iter().map(|name| fillers.iter().find(|(filled, _)| filled == name).map(|(_, fill)| *fill)).collect();
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    const IN_MEMORY: &str = "writing CSV to memory cannot fail";
    writer.write_record(header).expect(IN_MEMORY);
    for row in rows {
        let cells = columns.iter().map(|fill| fill.map_or_else(String::new, |f| f(row)));
        writer.write_record(cells).expect(IN_MEMORY);
    }
    let utf8 = writer.into_inner().expect(IN_MEMORY);
    match encoding {
        Encoding::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), &utf8].concat(),
        // The cells are all `&str`, so what the writer produced is UTF-8.
        Encoding::Windows1252 => to_windows_1252(std::str::from_utf8(&utf8).expect("cells are UTF-8")),
    }
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), BundleError> {
    std::fs::write(path, bytes).map_err(|source| BundleError::io(path, source))
}

/// Windows-1252 bytes for `text`. A character the code page lacks becomes `?`, as Windows
/// itself writes it, rather than encoding_rs's default of an HTML character reference that
/// would read as part of a school's name.
fn to_windows_1252(text: &str) -> Vec<u8> {
    let mut encoder = WINDOWS_1252.new_encoder();
    // A single-byte encoding never needs more bytes than the UTF-8 it comes from.
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    loop {
        let (result, read) = encoder.encode_from_utf8_to_vec_without_replacement(rest, &mut out, true);
        rest = &rest[read..];
        match result {
            EncoderResult::InputEmpty => return out,
            EncoderResult::Unmappable(_) => out.push(b'?'),
            EncoderResult::OutputFull => out.reserve(rest.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_keeps_what_it_can_and_marks_the_rest() {
        assert_eq!(to_windows_1252("St Mary\u{2019}s Caf\u{e9}"), b"St Mary\x92s Caf\xE9");
        assert_eq!(to_windows_1252("Ysgol \u{175}y"), b"Ysgol ?y");
    }

    #[test]
    fn blank_where_no_filler_and_quoted_like_gias() {
        let fillers: [Filler<u32>; 1] = [("B", |n| n.to_string())];
        let bytes = to_bytes(&["A", "B"], &fillers, &[7], Encoding::Utf8Bom);
        assert_eq!(bytes, b"\xEF\xBB\xBF\"A\",\"B\"\r\n\"\",\"7\"\r\n");
    }
}

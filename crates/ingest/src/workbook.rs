//! Excel workbooks (`.xlsx`) read with calamine and handed on as the CSV text the rest of the
//! crate reads, so a workbook takes the same column-finding and cell checks as the CSV it was
//! saved from. Row numbers stay the sheet's (header = row 1): cells' line breaks become spaces.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;

use crate::{IngestError, SourceText};

/// The sheets that hold data in the bundled workbooks: Ofsted's MI copies keep theirs in
/// `Data`, DfE's performance-tables list in `england`. Other workbooks: the first sheet.
const DATA_SHEETS: [&str; 2] = ["Data", "england"];

pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The data sheet of the workbook in `bytes` as CSV text; `sha256` is of the bytes as published.
pub fn to_source(name: &str, bytes: &[u8], sha256: String) -> Result<SourceText, IngestError> {
    let unreadable = |e: calamine::XlsxError| IngestError::Io {
        file: name.to_string(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
    };
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let sheets = book.sheet_names();
    let sheet = DATA_SHEETS
        .iter()
        .find_map(|want| sheets.iter().find(|s| s.as_str() == *want))
        .or(sheets.first())
        .cloned()
        .ok_or_else(|| IngestError::NoRows { file: name.to_string() })?;
    let range = book.worksheet_range(&sheet).map_err(unreadable)?;
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in range.rows() {
        out.write_record(row.iter().map(cell_text)).map_err(|e| IngestError::csv(name, 1, e))?;
    }
    let text = String::from_utf8(out.into_inner().map_err(|e| IngestError::Io { file: name.to_string(), source: e.into_error() })?)
        .expect("cells are UTF-8");
    Ok(SourceText { name: name.to_string(), sha256, text })
}

/// A cell as the CSV export of the sheet would write it: whole numbers without a decimal
/// point, dates as dd/mm/yyyy, errors blank.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.replace(['\r', '\n'], " "),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_serial_date(d.as_f64()).map_or_else(|| number_text(d.as_f64()), |d| d.format("%d/%m/%Y").to_string()),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// Whole numbers as integers (spreadsheets and pandas store codes such as URNs and grades as
/// floats); other numbers as they are.
pub fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { f.to_string() }
}

/// The day an Excel date serial stands for (1900 date system: day 1 = 1 January 1900, with
/// Excel's phantom 29 February 1900, so serials count from 30 December 1899).
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    let days = serial.floor() as i64;
    (1..2_958_466).contains(&days).then(|| NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid") + chrono::Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_are_days_since_1899_12_30() {
        assert_eq!(excel_serial_date(41297.0), NaiveDate::from_ymd_opt(2013, 1, 23));
        assert_eq!(excel_serial_date(45658.5), NaiveDate::from_ymd_opt(2025, 1, 1));
        assert_eq!(excel_serial_date(-3.0), None);
    }

    #[test]
    fn whole_floats_lose_their_point() {
        assert_eq!(number_text(100000.0), "100000");
        assert_eq!(number_text(2.5), "2.5");
    }
}

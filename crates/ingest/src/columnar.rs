//! Parquet files (as pandas writes them: one row group or more, snappy) read row by row with
//! the `parquet` crate and handed on as CSV text, so they take the same column mapping as the
//! CSV they were made from. Row numbers are the CSV's: header row 1, first record row 2.

use bytes::Bytes;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use crate::workbook::number_text;
use crate::{IngestError, SourceText};

pub fn is_parquet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PAR1")
}

pub fn to_source(name: &str, bytes: &[u8], sha256: String) -> Result<SourceText, IngestError> {
    let unreadable = |e: parquet::errors::ParquetError| IngestError::Io {
        file: name.to_string(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
    };
    let reader = SerializedFileReader::new(Bytes::copy_from_slice(bytes)).map_err(unreadable)?;
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let header: Vec<String> = schema.root_schema().get_fields().iter().map(|f| f.name().to_string()).collect();
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    out.write_record(&header).map_err(|e| IngestError::csv(name, 1, e))?;
    for (i, row) in reader.get_row_iter(None).map_err(unreadable)?.enumerate() {
        let row = row.map_err(unreadable)?;
        out.write_record(row.get_column_iter().map(|(_, field)| field_text(field)))
            .map_err(|e| IngestError::csv(name, i as u64 + 2, e))?;
    }
    let text = String::from_utf8(out.into_inner().map_err(|e| IngestError::Io { file: name.to_string(), source: e.into_error() })?)
        .expect("fields are UTF-8");
    Ok(SourceText { name: name.to_string(), sha256, text })
}

/// A value as the CSV pandas read would have held it: pandas turned codes (URN, grades) into
/// floats and blanks into NaN; both go back to the published text.
fn field_text(field: &Field) -> String {
    match field {
        Field::Null => String::new(),
        Field::Str(s) => s.replace(['\r', '\n'], " "),
        Field::Double(f) if f.is_nan() => String::new(),
        Field::Double(f) => number_text(*f),
        Field::Float(f) if f.is_nan() => String::new(),
        Field::Float(f) => number_text(f64::from(*f)),
        other => other.to_string(),
    }
}

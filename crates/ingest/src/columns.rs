//! Header lookup that tolerates the renames between years of the same publication.

use std::collections::HashMap;

use csv::StringRecord;
use schoolsight_domain::ParseError;

use crate::IngestError;

fn key(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// The header row of one file.
pub struct Columns {
    file: String,
    index: HashMap<String, (usize, String)>,
}

/// A located column: where it is and the name the file gives it (for messages).
#[derive(Clone)]
pub struct Column {
    pub index: usize,
    pub name: String,
}

impl Columns {
    pub fn new(file: &str, headers: &StringRecord) -> Columns {
        let mut index = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            // The first of two same-named columns wins, as in a spreadsheet lookup.
            index.entry(key(h)).or_insert((i, h.trim().to_string()));
        }
        Columns { file: file.to_string(), index }
    }

    /// How many distinct column names the file has.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// The first of `names` (newest first) that the file has.
    pub fn find(&self, names: &[&str]) -> Option<Column> {
        names.iter().find_map(|n| {
            self.index
                .get(&key(n))
                .map(|(index, name)| Column { index: *index, name: name.clone() })
        })
    }

    pub fn has(&self, names: &[&str]) -> bool {
        self.find(names).is_some()
    }

    pub fn require(&self, names: &[&str]) -> Result<Column, IngestError> {
        self.find(names).ok_or_else(|| IngestError::MissingColumn {
            file: self.file.clone(),
            column: names[0].to_string(),
        })
    }
}

/// One data row with the file and line it came from, for errors that point at a cell.
pub struct Row<'a> {
    pub file: &'a str,
    pub line: u64,
    pub record: &'a StringRecord,
}

impl Row<'_> {
    pub fn text(&self, col: &Column) -> &str {
        self.record.get(col.index).unwrap_or("").trim()
    }

    pub fn opt_text(&self, col: Option<&Column>) -> Option<String> {
        col.map(|c| self.text(c))
            .filter(|t| !schoolsight_domain::parse::is_blank(t))
            .map(str::to_string)
    }

    pub fn required(&self, col: &Column) -> Result<String, IngestError> {
        self.opt_text(Some(col)).ok_or_else(|| IngestError::Required {
            file: self.file.to_string(),
            row: self.line,
            column: col.name.clone(),
        })
    }

    /// Applies a cell parser, turning its error into one that names row and column.
    pub fn parse<T>(
        &self,
        col: Option<&Column>,
        parser: impl Fn(&str) -> Result<Option<T>, ParseError>,
    ) -> Result<Option<T>, IngestError> {
        let Some(col) = col else { return Ok(None) };
        parser(self.text(col)).map_err(|source| self.cell_error(col, source))
    }

    /// Like [`Row::parse`] for a cell that must not be blank.
    pub fn parse_required<T>(
        &self,
        col: &Column,
        parser: impl Fn(&str) -> Result<Option<T>, ParseError>,
    ) -> Result<T, IngestError> {
        self.parse(Some(col), parser)?.ok_or_else(|| IngestError::Required {
            file: self.file.to_string(),
            row: self.line,
            column: col.name.clone(),
        })
    }

    pub fn cell_error(&self, col: &Column, reason: ParseError) -> IngestError {
        IngestError::Cell {
            file: self.file.to_string(),
            row: self.line,
            column: col.name.clone(),
            reason,
        }
    }
}

/// Line numbers by counting newlines up to a record's first byte. The csv crate's own line
/// count lags by one after a CRLF line end (GIAS and Ofsted files use CRLF), because the LF is
/// consumed as the next record begins.
struct LineCounter<'t> {
    text: &'t [u8],
    byte: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: usize) -> u64 {
        let mut start = byte.min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.byte {
            self.line += self.text[self.byte..start].iter().filter(|&&b| b == b'\n').count() as u64;
            self.byte = start;
        }
        self.line
    }
}

/// The first cell holding an ASCII control character other than a tab or line break (a NUL,
/// an escape): the column's index and the character. (C1 controls are left: published files
/// carry them where a Windows-1252 dash was decoded as Latin-1.) Such a value is a damaged file, and stored
/// it would be printed into pages, terminals and exports.
fn control_character(record: &StringRecord) -> Option<(usize, char)> {
    record.iter().enumerate().find_map(|(i, cell)| cell.chars().find(|c| c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r')).map(|c| (i, c)))
}

/// Walks the data rows of `text`, reporting progress now and then.
pub fn for_each_row(
    file: &str,
    text: &str,
    reader: &mut csv::Reader<&[u8]>,
    progress: crate::Progress<'_>,
    mut each: impl FnMut(&Row<'_>) -> Result<(), IngestError>,
) -> Result<usize, IngestError> {
    let total_bytes = text.len() as u64;
    let mut lines = LineCounter { text: text.as_bytes(), byte: 0, line: 1 };
    let mut record = StringRecord::new();
    let mut rows = 0usize;
    loop {
        let before = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(IngestError::csv(file, lines.line_at(before), e)),
        }
        // A line of nothing but commas is a spreadsheet's trailing blank row.
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = lines.line_at(record.position().map_or(before, |p| p.byte() as usize));
        if let Some((index, c)) = control_character(&record) {
            let column = reader.headers().ok().and_then(|h| h.get(index)).unwrap_or("?").trim().to_string();
            return Err(IngestError::ControlCharacter { file: file.to_string(), row: line, column, code: u32::from(c) });
        }
        each(&Row { file, line, record: &record })?;
        rows += 1;
        if rows.is_multiple_of(2048) {
            progress(reader.position().byte(), total_bytes);
        }
    }
    progress(total_bytes, total_bytes);
    Ok(rows)
}

//! A real published header (GIAS extract, Ofsted management information, KS2 performance
//! table) with its first real row, then that row's cells replaced by anything, rows repeated
//! and junk appended, under the published name or any other (users rename downloads):
//! `parse_source` returns records or an error naming row and column, and never panics.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use schoolsight_ingest::{SourceText, parse_source};

const TEMPLATES: [(&str, &[u8]); 3] = [
    ("edubasealldata20220420.csv", include_bytes!("../templates/gias.csv")),
    (
        "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Mar_2021.csv",
        include_bytes!("../templates/ofsted_mi.csv"),
    ),
    ("2018-2019_850_ks2final.csv", include_bytes!("../templates/ks2.csv")),
];

#[derive(Debug, Arbitrary)]
struct Input {
    template: u8,
    /// The file's name, when not the published one.
    rename: Option<String>,
    /// (column, new text) for the data row.
    edits: Vec<(u16, String)>,
    /// How many more copies of the edited row follow it.
    copies: u8,
    /// Cells dropped from the end of the row (ragged rows).
    drop_cells: u8,
    tail: Vec<u8>,
}

fn cells(line: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
    reader.records().next().and_then(Result::ok).map(|r| r.iter().map(str::to_string).collect()).unwrap_or_default()
}

fuzz_target!(|input: Input| {
    let (name, bytes) = TEMPLATES[input.template as usize % TEMPLATES.len()];
    let text = std::str::from_utf8(bytes).expect("templates are UTF-8");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    let mut row = cells(lines.next().expect("a row"));
    for (column, value) in input.edits {
        if !row.is_empty() {
            let at = column as usize % row.len();
            row[at] = value;
        }
    }
    row.truncate(row.len().saturating_sub(input.drop_cells as usize % 4));
    let mut out = csv::Writer::from_writer(Vec::new());
    for _ in 0..=(input.copies % 4) {
        out.write_record(&row).expect("in memory");
    }
    let mut file = format!("{header}\r\n").into_bytes();
    file.extend(out.into_inner().expect("in memory"));
    file.extend(input.tail);
    let name = input.rename.as_deref().unwrap_or(name);
    if let Ok(source) = SourceText::from_bytes(name, &file) {
        let _ = parse_source(&source, &mut |_, _| {});
    }
});

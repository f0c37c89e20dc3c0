//! Any bytes as a letter file under each extension (text, Markdown, PDF, none):
//! `document_from_bytes` returns a document or an error (pdf-extract's own panics are caught
//! inside), and whatever text it returns parses.
#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 5] = ["letter.txt", "letter.md", "report.pdf", "letter", "LETTER.PDF"];

fuzz_target!(|input: (u8, &[u8])| {
    let (name, bytes) = input;
    let name = NAMES[name as usize % NAMES.len()];
    if let Ok(document) = schoolsight_letters::document_from_bytes(name, bytes) {
        let _ = schoolsight_letters::parse(&document.text);
    }
});

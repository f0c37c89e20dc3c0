//! Any text as a letter: `schoolsight_letters::parse` returns a record (fields it cannot find
//! left empty) and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = schoolsight_letters::parse(text);
    }
});

//! Any bytes as a published CSV file (gzip, BOM, Windows-1252 and all), under a published
//! name or any name at all: `parse_source` returns records or an error, and never panics.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use schoolsight_ingest::{SourceText, parse_source};

const NAMES: [&str; 4] = [
    "edubasealldata20220420.csv",
    "Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Mar_2021.csv",
    "2018-2019_850_ks2final.csv",
    "upload.csv.gz",
];

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    name: u8,
    /// Used as the file's name when `name` picks none of the published ones.
    own_name: &'a str,
    bytes: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let name = NAMES.get(input.name as usize).copied().unwrap_or(input.own_name);
    if let Ok(source) = SourceText::from_bytes(name, input.bytes) {
        let _ = parse_source(&source, &mut |_, _| {});
    }
});

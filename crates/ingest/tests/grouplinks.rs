//! GIAS group-links snapshots: the real June 2019 file read whole, and malformed copies refused
//! with the file, row and column named.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use schoolsight_domain::Urn;
use schoolsight_ingest::{FileKind, IngestError, SourceText, parse_file, parse_source};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

const JUNE_2019: &str = "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20190601.csv.gz";

#[test]
fn a_snapshot_is_read_whole_and_dated_by_its_name() {
    let parsed = parse_file(&shared(JUNE_2019), &mut |_, _| {}).unwrap();
    assert_eq!(parsed.kind, FileKind::GiasGroupLinks);
    // Python's csv reader counts 14,621 rows besides the header (SOURCE.md's table says 14,620:
    // `wc -l` on a file whose last line has no line break is one short).
    assert_eq!(parsed.extract.trust_links.len(), 14_621);
    assert!(parsed.extract.schools.is_empty(), "memberships, not a register");
    let june = NaiveDate::from_ymd_opt(2019, 6, 1).unwrap();
    // zcat …20190601.csv.gz | grep '^140929,': 140929,17103,"THE NEWARK TRUST",…,"Multi-academy trust",…,"06-09-2018",…
    let newark = parsed.extract.trust_links.iter().find(|l| l.urn == Urn(140929) && l.group_uid == 17103).unwrap();
    assert_eq!(
        (newark.group_name.as_str(), newark.group_type.as_str(), newark.joined, newark.snapshot),
        ("THE NEWARK TRUST", "Multi-academy trust", NaiveDate::from_ymd_opt(2018, 9, 6), june)
    );
}

fn june_text() -> String {
    let mut text = String::new();
    let bytes = std::fs::read(shared(JUNE_2019)).unwrap();
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut raw).unwrap();
    // The file is Windows-1252 ("’" is 0x92); its first rows are ASCII.
    text.push_str(&String::from_utf8_lossy(&raw).lines().take(4).collect::<Vec<_>>().join("\n"));
    text
}

#[test]
fn a_bad_joined_date_names_file_row_and_column() {
    let text = june_text();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Row 3 (the header is row 1): its joined date made impossible.
    let cells: Vec<&str> = lines[2].split(',').collect();
    let joined = cells.iter().position(|c| c.len() == 12 && c.starts_with('"') && c.chars().nth(3) == Some('-')).unwrap();
    let mut broken: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
    broken[joined] = "\"31-02-2018\"".to_string();
    lines[2] = broken.join(",");
    let name = "grouplinks_edubaseallacademiesandfree20190601.csv";
    let err = parse_source(&SourceText::from_bytes(name, lines.join("\n").as_bytes()).unwrap(), &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, IngestError::Cell { .. }), "{err}");
    assert_eq!((err.row(), err.column()), (Some(3), Some("Joined date")));
    assert!(err.to_string().starts_with(name), "{err}");
}

#[test]
fn a_snapshot_whose_name_gives_no_day_is_refused() {
    let err = parse_source(&SourceText::from_bytes("grouplinks.csv", june_text().as_bytes()).unwrap(), &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, IngestError::UndatedSnapshot { .. }), "{err}");
    assert!(err.to_string().contains("dated by its name"), "{err}");
}

//! The history readers on the real published files in ../shared/data (every figure counted
//! independently with Python's csv/gzip/json/openpyxl/pyarrow over the same files), and on
//! malformed copies of each format.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade};
use schoolsight_domain::{Governance, Judgement, Urn};
use schoolsight_ingest::{FileKind, IngestError, ParsedFile, parse_bytes, parse_file};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

fn read(rel: &str) -> ParsedFile {
    parse_file(&shared(rel), &mut |_, _| {}).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn urns(parsed: &ParsedFile) -> usize {
    parsed.extract.inspections.iter().map(|i| i.urn).collect::<HashSet<_>>().len()
}

const SCRAPE: &str = "ofsted-inspection-history-2005-2020-scraped/ofsted_ratings_2018.csv";
const SCRAPE_OLD: &str = "ofsted-inspection-history-2005-2020-scraped/ofsted_ratings_2018_v2020-03-10.csv.gz";
const SPINE: &str = "ofsted-inspection-history-2005-2020-scraped/2017-2018_england_spine.xlsx";
const MI_SAT: &str = "ofsted-mi-feb2022-two-inspections-academies/single_academy_trusts.xlsx";
const STATS: &str = "ofsted-official-stats-state-funded-schools-aug2025/ofsted.parquet";
const CARDS: &str = "ofsted-report-cards-2025-26-derived/ofsted_latest.json";
const LINKS_2021: &str = "hampshire-surrey-2017-2022/2021_giaslinks.csv";
const LINKS_2025: &str = "ees-ks4-school-info-2023-24-and-gias-links-2025/links_edubasealldata.csv";

#[test]
fn scraped_timeline_reads_every_judgement() {
    let parsed = read(SCRAPE);
    assert_eq!(parsed.kind, FileKind::InspectionHistory);
    // python: 60,134 rows, 20,614 URNs.
    assert_eq!(parsed.rows, 60_134);
    assert_eq!(urns(&parsed), 20_614);
    // Rows 2–4: 100000 Outstanding 20130418, Outstanding 20080926, Good 20050921.
    let first: Vec<_> = parsed.extract.inspections[..3].iter().map(|i| (i.urn, i.start_date, i.judgement)).collect();
    assert_eq!(
        first,
        vec![
            (Urn(100000), day("2013-04-18"), Some(Judgement::Outstanding)),
            (Urn(100000), day("2008-09-26"), Some(Judgement::Outstanding)),
            (Urn(100000), day("2005-09-21"), Some(Judgement::Good)),
        ]
    );
    assert!(parsed.extract.inspections.iter().all(|i| i.detail.graded == Some(true)));
    // python: 9,798 grade-3 rows dated before September 2012 (the file also calls 47 later
    // ones 'Satisfactory'; the grade is the same rung).
    let satisfactory = parsed
        .extract
        .inspections
        .iter()
        .filter(|i| i.judgement == Some(Judgement::RequiresImprovement) && i.start_date < day("2012-09-01"))
        .count();
    assert_eq!(satisfactory, 9_798);
}

#[test]
fn older_scrape_with_midnight_times_reads_too() {
    let parsed = read(SCRAPE_OLD);
    // python (gzip): 59,564 rows, 20,472 URNs; row 2 is 100000,Outstanding,2013-04-18 00:00:00.
    assert_eq!(parsed.rows, 59_564);
    assert_eq!(urns(&parsed), 20_472);
    assert_eq!(parsed.extract.inspections[0].start_date, day("2013-04-18"));
}

#[test]
fn spine_workbook_lists_every_school_with_its_predecessor() {
    let parsed = read(SPINE);
    assert_eq!(parsed.kind, FileKind::SchoolList);
    // openpyxl: 26,078 rows on sheet 'england'; 3,596 with OTHERURN.
    assert_eq!(parsed.rows, 26_078);
    assert_eq!(parsed.extract.schools.len(), 26_078);
    assert_eq!(parsed.extract.links.len(), 3_596);
    let cass = &parsed.extract.schools[0];
    assert_eq!((cass.urn, cass.name.as_str()), (Urn(100000), "Sir John Cass's Foundation Primary School"));
    assert_eq!(cass.la_code.as_deref(), Some("201"));
    assert_eq!(cass.type_name, "Voluntary aided school");
    assert_eq!(cass.governance, Governance::Maintained);
    let linked = &parsed.extract.links[0];
    assert_eq!(linked.linked_urn, Urn(145210));
    assert!(linked.is_predecessor());
    // Spine dates are Excel dates: 2,182 schools with an OPENDATE.
    assert_eq!(parsed.extract.schools.iter().filter(|s| s.open_date.is_some()).count(), 2_182);
}

#[test]
fn academies_mi_workbook_gives_both_inspections_with_sub_judgements() {
    let parsed = read(MI_SAT);
    assert_eq!(parsed.kind, FileKind::OfstedInspections);
    // openpyxl: 541 rows; 1,235 distinct (URN at the time, start date) over the latest full,
    // previous full and latest section 8 inspections, of which 32 are a section 8 visit that
    // shares its inspection number with the full one it converted to (one visit); every visit
    // under its own URN.
    assert_eq!(parsed.rows, 541);
    assert_eq!(parsed.extract.inspections.len(), 1_235 - 32);
    assert!(parsed.extract.links.is_empty());
    // Row 2: URN 105135, latest 23/01/2013 grade 2 with leadership 2; previous 28/11/2007 grade 2.
    let at = |d: &str| parsed.extract.inspections.iter().find(|i| i.urn == Urn(105135) && i.start_date == day(d)).unwrap();
    let latest = at("2013-01-23");
    assert_eq!(latest.judgement, Some(Judgement::Good));
    assert_eq!(latest.end_date, Some(day("2013-01-24")), "text date '2013-01-24 00:00:00'");
    assert_eq!(latest.detail.sub_judgements.leadership_and_management, Some(2));
    assert_eq!(latest.detail.sub_judgements.quality_of_education, None, "9 = not applicable");
    assert_eq!(at("2007-11-28").judgement, Some(Judgement::Good));
    let s8 = at("2017-06-06");
    assert_eq!(s8.detail.graded, Some(false));
}

#[test]
fn official_statistics_parquet_maps_like_the_published_csv() {
    let parsed = read(STATS);
    assert_eq!(parsed.kind, FileKind::OfstedInspections);
    // The name gives no date: the file is dated by its newest visit, published 29/09/2025
    // (pandas over `Publication date` and `Ungraded inspection publication date`).
    assert_eq!(parsed.extract_date, Some(day("2025-09-29")));
    // pyarrow: 22,005 rows of which 15 all-empty; 52,594 distinct (URN at the time, date) over
    // latest graded, previous graded and latest ungraded, of which 63 ungraded visits share
    // their inspection number with the graded one they converted to; 7,427 (URN, URN then)
    // pairs differ.
    assert_eq!(parsed.rows, 21_990);
    assert_eq!(parsed.extract.inspections.len(), 52_594 - 63);
    assert_eq!(parsed.extract.links.len(), 7_427);
    // 3,269 graded inspections with 'Not judged' overall; URN 100032's of 19/11/2024 all 1s.
    let not_judged = parsed
        .extract
        .inspections
        .iter()
        .filter(|i| i.detail.graded == Some(true) && i.judgement.is_none() && i.start_date >= day("2024-09-01"))
        .count();
    assert_eq!(not_judged, 3_269);
    let v = parsed.extract.inspections.iter().find(|i| i.urn == Urn(100032) && i.start_date == day("2024-11-19")).unwrap();
    let s = v.detail.sub_judgements;
    assert_eq!((s.quality_of_education, s.behaviour_and_attitudes, s.early_years, s.sixth_form), (Some(1), Some(1), Some(1), None));
    assert_eq!(s.safeguarding_effective, Some(true));
    let aldgate = parsed.extract.inspections.iter().find(|i| i.urn == Urn(100000) && i.start_date == day("2013-04-18")).unwrap();
    assert_eq!(aldgate.judgement, Some(Judgement::Outstanding), "previous grade 1.0 read as 1");
}

#[test]
fn report_card_json_gives_grades_by_area() {
    let parsed = read(CARDS);
    assert_eq!(parsed.kind, FileKind::ReportCards);
    // python json: 2,046 entries, 1 without a date; 15,655 area grades other than '9' on dated ones.
    assert_eq!(parsed.rows, 2_046);
    assert_eq!(parsed.extract.inspections.len(), 2_045);
    let grades: usize = parsed.extract.inspections.iter().map(|i| i.detail.report_card.len()).sum();
    assert_eq!(grades, 15_655);
    let first = parsed.extract.inspections.iter().find(|i| i.urn == Urn(138409)).unwrap();
    assert_eq!(first.start_date, day("2025-11-11"));
    assert!(first.detail.report_card.contains(&(ReportCardArea::Safeguarding, ReportCardGrade::Met)));
    assert!(first.detail.report_card.contains(&(ReportCardArea::Inclusion, ReportCardGrade::Strong)));
    assert_eq!(first.judgement, None);
}

#[test]
fn gias_links_files_read_both_vintages() {
    // python csv (cp1252): 29,817 and 34,565 records; 21,501 and 26,292 with a date.
    for (file, rows, dated) in [(LINKS_2021, 29_817, 21_501), (LINKS_2025, 34_565, 26_292)] {
        let parsed = read(file);
        assert_eq!(parsed.kind, FileKind::GiasLinks, "{file}");
        assert_eq!(parsed.extract.links.len(), rows, "{file}");
        assert_eq!(parsed.extract.links.iter().filter(|l| l.link_date.is_some()).count(), dated, "{file}");
    }
    let parsed = read(LINKS_2025);
    let first = &parsed.extract.links[0];
    assert_eq!((first.urn, first.linked_urn, first.link_type.as_str()), (Urn(100006), Urn(134643), "Predecessor - merged"));
    assert_eq!(first.link_date, Some(day("2022-01-01")));
}

/// Bad input names file, row and column.
fn fails_at(name: &str, bytes: &[u8], row: u64, column: &str) {
    let err = parse_bytes(name, bytes, &mut |_, _| {}).unwrap_err();
    assert_eq!(err.row(), Some(row), "{name}: {err}");
    assert_eq!(err.column(), Some(column), "{name}: {err}");
    assert!(err.to_string().contains(name), "{err}");
}

#[test]
fn malformed_timeline_and_links_name_row_and_column() {
    fails_at("t.csv", b"URN,Rating,Inspection Date\n100000,Good,20130418\n100001,Grand,20130418\n", 3, "Rating");
    fails_at("t.csv", b"URN,Rating,Inspection Date\n100000,Good,2013-13-45\n", 2, "Inspection Date");
    fails_at("l.csv", b"URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n1,x,A,Successor,\n", 2, "LinkURN");
}

#[test]
fn malformed_report_card_names_entry_and_field() {
    let json = br#"{"100001":{"inspection_date":"11/11/2025","sub_judgements":{"inclusion":"Strong standard"}},
                    "100002":{"inspection_date":"12/11/2025","sub_judgements":{"achievement":"Good"}}}"#;
    fails_at("cards.json", json, 3, "sub_judgements.achievement");
}

/// A workbook in memory: one sheet `name` with `rows` (inline strings), as Excel would zip it.
fn workbook(sheet: &str, rows: &[&[&str]]) -> Vec<u8> {
    let cell = |c: &str| format!("<c t=\"inlineStr\"><is><t>{c}</t></is></c>");
    let data: String = rows
        .iter()
        .enumerate()
        .map(|(i, r)| format!("<row r=\"{}\">{}</row>", i + 1, r.iter().map(|c| cell(c)).collect::<String>()))
        .collect();
    let files = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#)),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#)),
    ];
    zip_stored(&files)
}

/// A zip of `files`, uncompressed ("stored"), enough for a test workbook.
fn zip_stored(files: &[(&str, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, body) in files {
        let crc = crc32(body.as_bytes());
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.write_all(&sig.to_le_bytes()).unwrap();
            if central {
                h.write_all(&20u16.to_le_bytes()).unwrap();
            }
            for v in [20u16, 0, 0, 0, 0] {
                h.write_all(&v.to_le_bytes()).unwrap();
            }
            for v in [crc, body.len() as u32, body.len() as u32] {
                h.write_all(&v.to_le_bytes()).unwrap();
            }
            h.write_all(&(name.len() as u16).to_le_bytes()).unwrap();
            h.write_all(&0u16.to_le_bytes()).unwrap();
            if central {
                for v in [0u16, 0, 0] {
                    h.write_all(&v.to_le_bytes()).unwrap();
                }
                h.write_all(&0u32.to_le_bytes()).unwrap();
                h.write_all(&offset.to_le_bytes()).unwrap();
            }
            h.write_all(name.as_bytes()).unwrap();
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(body.as_bytes());
        central.extend(header(0x0201_4b50, true));
    }
    let start = out.len() as u32;
    out.extend(&central);
    out.write_all(&0x0605_4b50u32.to_le_bytes()).unwrap();
    for v in [0u16, 0, files.len() as u16, files.len() as u16] {
        out.write_all(&v.to_le_bytes()).unwrap();
    }
    out.write_all(&(central.len() as u32).to_le_bytes()).unwrap();
    out.write_all(&start.to_le_bytes()).unwrap();
    out.write_all(&0u16.to_le_bytes()).unwrap();
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn malformed_workbook_names_sheet_row_and_column() {
    let good = workbook("england", &[&["URN", "LA", "SCHNAME", "OTHERURN"], &["100000", "201", "A School", ""]]);
    let parsed = parse_bytes("spine.xlsx", &good, &mut |_, _| {}).unwrap();
    assert_eq!(parsed.extract.schools[0].name, "A School");
    let bad = workbook("england", &[&["URN", "LA", "SCHNAME", "OTHERURN"], &["100000", "201", "A School", ""], &["100001", "201", "B", "x1"]]);
    fails_at("spine.xlsx", &bad, 3, "OTHERURN");
    let mi = workbook("Data", &[&["URN at time of latest full inspection", "Inspection start date", "Overall effectiveness"], &["105135", "23/01/2013", "7"]]);
    fails_at("mi.xlsx", &mi, 2, "Overall effectiveness");
}

#[test]
fn truncated_parquet_is_refused_by_name() {
    let bytes = std::fs::read(shared(STATS)).unwrap();
    let err = parse_bytes("ofsted.parquet", &bytes[..bytes.len() / 2], &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, IngestError::Io { .. }), "{err}");
    assert!(err.to_string().contains("ofsted.parquet"), "{err}");
}

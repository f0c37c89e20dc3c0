//! The readers on real published files from ../shared/data, and on malformed copies of them.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use schoolsight_domain::{Governance, Judgement, Phase, Status, Urn};
use schoolsight_ingest::{FileKind, IngestError, ParsedFile, SourceText, parse_file, parse_source};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

const GIAS_2022: &str = "hampshire-surrey-2017-2022/20220420_gias.csv";

fn parse(name: &str, bytes: &[u8]) -> Result<ParsedFile, IngestError> {
    parse_source(&SourceText::from_bytes(name, bytes).unwrap(), &mut |_, _| {})
}

/// The real GIAS extract's header and its first `rows` data rows, as text.
fn gias_sample(rows: usize) -> String {
    let text = std::fs::read_to_string(shared(GIAS_2022)).unwrap();
    text.lines().take(rows + 1).collect::<Vec<_>>().join("\n") + "\n"
}

#[test]
fn real_gias_extract_reads_every_row() {
    let mut calls = 0;
    let parsed = parse_file(&shared(GIAS_2022), &mut |_, _| calls += 1).unwrap();
    assert_eq!(parsed.kind, FileKind::GiasEstablishments);
    assert_eq!(parsed.rows, 1096);
    assert_eq!(parsed.extract.schools.len(), 1096);
    assert_eq!(parsed.extract_date, NaiveDate::from_ymd_opt(2022, 4, 20));
    assert!(calls > 0, "progress was reported");
    let alton = parsed.extract.schools.iter().find(|s| s.urn == Urn(115850)).unwrap();
    assert_eq!(alton.name, "Alton Infant School");
    assert_eq!(alton.la_name, "Hampshire");
    assert_eq!((alton.governance, alton.phase), (Governance::Maintained, Phase::Infant));
    assert_eq!(alton.pupils, Some(138));
    assert_eq!(alton.fsm_percent, Some(21.7));
    let visit = parsed.extract.inspections.iter().find(|i| i.urn == Urn(115850)).unwrap();
    assert_eq!(visit.start_date, NaiveDate::from_ymd_opt(2019, 1, 23).unwrap());
    assert_eq!(visit.judgement, Some(Judgement::Good));
    let closed = parsed.extract.schools.iter().filter(|s| s.status == Status::Closed).count();
    assert_eq!(closed, 368, "SOURCE.md counts 368 closed establishments");
}

#[test]
fn undated_extract_takes_its_date_from_last_changed() {
    let parsed = parse_file(&shared("hampshire-surrey-2017-2022/2021_936_gias.csv"), &mut |_, _| {}).unwrap();
    assert_eq!(parsed.rows, 590);
    let date = parsed.extract_date.expect("LastChangedDate gives a date");
    assert_eq!(chrono::Datelike::year(&date), 2021);
}

#[test]
fn windows_1252_and_bom_files_read_alike() {
    let text = gias_sample(3).replace("Alton Infant School", "St Mary’s École");
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let a = parse("edubasealldata20220420.csv", &cp1252).unwrap();
    let b = parse("edubasealldata20220420.csv", &bom).unwrap();
    assert_eq!(a.extract.schools[0].name, "St Mary’s École");
    assert_eq!(a.extract.schools, b.extract.schools);
}

#[test]
fn gzipped_files_are_read_as_published() {
    let parsed = parse_file(&shared("gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20180501.csv.gz"), &mut |_, _| {}).unwrap();
    // Group links are not a register extract: read as trust memberships (11,871 rows besides the
    // header, as Python's csv module counts them), never as schools.
    assert_eq!(parsed.kind, schoolsight_ingest::FileKind::GiasGroupLinks);
    assert_eq!(parsed.extract.trust_links.len(), 11_871);
    assert!(parsed.extract.schools.is_empty());
}

/// Replaces the `column`th cell of data row `row` (1-based, header excluded).
fn with_cell(text: &str, row: usize, header: &str, value: &str) -> String {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == header).unwrap();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).unwrap();
    for (i, record) in reader.records().enumerate() {
        let mut cells: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if i + 1 == row {
            cells[col] = value.to_string();
        }
        writer.write_record(&cells).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

fn error_of(text: &str) -> IngestError {
    parse("bad.csv", text.as_bytes()).unwrap_err()
}

#[test]
fn a_bad_date_names_file_row_and_column() {
    let e = error_of(&with_cell(&gias_sample(5), 3, "OpenDate", "31/02/2019"));
    assert_eq!(e.row(), Some(4), "row 3 of data is line 4");
    assert_eq!(e.column(), Some("OpenDate"));
    assert_eq!(e.to_string(), "bad.csv: row 4, column 'OpenDate': '31/02/2019' is not a date (expected dd/mm/yyyy, dd-mm-yyyy, yyyy-mm-dd or yyyymmdd)");
}

#[test]
fn the_first_data_row_is_row_2() {
    let e = error_of(&with_cell(&gias_sample(3), 1, "OpenDate", "yesterday"));
    assert_eq!(e.row(), Some(2));
    // GIAS ends lines with CRLF; the row count must not slip by one.
    let raw = std::fs::read_to_string(shared(GIAS_2022)).unwrap();
    assert!(raw.contains("\r\n"));
    assert_eq!(error_of(&raw.replacen("\"17-03-2022\"", "\"17/13/2022\"", 1)).row(), Some(2));
    // Anstey Junior School, the second data row, was last changed on 23-03-2022.
    assert_eq!(error_of(&raw.replacen("\"23-03-2022\"", "\"23/13/2022\"", 1)).row(), Some(3));
}

#[test]
fn a_bad_urn_or_blank_name_is_refused() {
    let e = error_of(&with_cell(&gias_sample(5), 2, "URN", "12A"));
    assert_eq!((e.row(), e.column()), (Some(3), Some("URN")));
    let e = error_of(&with_cell(&gias_sample(5), 5, "EstablishmentName", "  "));
    assert_eq!((e.row(), e.column()), (Some(6), Some("EstablishmentName")));
    assert!(e.to_string().contains("a value is required"));
}

#[test]
fn a_bad_rating_or_count_is_refused() {
    let e = error_of(&with_cell(&gias_sample(5), 1, "OfstedRating (name)", "Excellent"));
    assert_eq!((e.row(), e.column()), (Some(2), Some("OfstedRating (name)")));
    let e = error_of(&with_cell(&gias_sample(5), 4, "NumberOfPupils", "lots"));
    assert_eq!((e.row(), e.column()), (Some(5), Some("NumberOfPupils")));
}

#[test]
fn blank_and_null_cells_are_missing_values() {
    let text = with_cell(&with_cell(&gias_sample(2), 1, "NumberOfPupils", "NULL"), 1, "PercentageFSM", "");
    let parsed = parse("ok.csv", text.as_bytes()).unwrap();
    assert_eq!(parsed.extract.schools[0].pupils, None);
    assert_eq!(parsed.extract.schools[0].fsm_percent, None);
}

#[test]
fn a_missing_required_column_is_named() {
    let text = gias_sample(2).replacen("\"LA (name)\"", "\"Local authority name\"", 1);
    let e = error_of(&text);
    assert!(matches!(e, IngestError::MissingColumn { ref column, .. } if column == "LA (name)"), "{e}");
}

#[test]
fn junk_empty_and_header_only_files_are_refused() {
    assert!(matches!(error_of(""), IngestError::Csv { .. } | IngestError::UnknownFormat { .. }));
    let junk: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert!(parse("junk.bin", &junk).is_err());
    let header_only = gias_sample(0);
    assert!(matches!(error_of(&header_only), IngestError::NoRows { .. }));
    assert!(matches!(error_of("a,b,c\n1,2,3\n"), IngestError::UnknownFormat { .. }));
}

/// Ofsted management information as a user downloads it: URN, dates dd/mm/yyyy, grades as
/// numbers, a category column, and the previous inspection beside the latest.
const MI_LATEST: &str = "\"URN\",\"School name\",\"Local authority\",\"Ofsted phase\",\"Type of education\",\"Inspection start date\",\"Overall effectiveness\",\"Category of concern\",\"Previous inspection start date\",\"Previous graded inspection overall effectiveness\",\"Previous category of concern\"\n\
103980,\"Rounds Green Primary School\",\"Sandwell\",\"Primary\",\"Community school\",09/11/2016,4,\"SM\",12/03/2014,3,\"\"\n\
139305,\"Rough Hay Primary School\",\"Walsall\",\"Primary\",\"Academy sponsor led\",08/11/2016,2,\"\",NULL,NULL,NULL\n";

#[test]
fn ofsted_files_give_latest_and_previous_inspections() {
    let parsed = parse("latest.csv", MI_LATEST.as_bytes()).unwrap();
    assert_eq!(parsed.kind, FileKind::OfstedInspections);
    assert_eq!(parsed.rows, 2);
    assert_eq!(parsed.extract.inspections.len(), 3);
    let rounds: Vec<_> = parsed.extract.inspections.iter().filter(|i| i.urn == Urn(103980)).collect();
    assert_eq!(rounds[0].judgement, Some(Judgement::Inadequate));
    assert_eq!(rounds[0].category, Some(schoolsight_domain::CategoryOfConcern::SpecialMeasures));
    assert_eq!(rounds[1].judgement, Some(Judgement::RequiresImprovement));
    assert_eq!(parsed.extract.mentioned_schools.len(), 2);
    assert_eq!(parsed.extract.mentioned_schools[1].governance, Governance::AcademySponsorLed);
}

#[test]
fn a_bad_category_names_the_category_column() {
    let text = MI_LATEST.replace("\"SM\"", "\"Very bad\"");
    let e = error_of(&text);
    assert_eq!((e.row(), e.column()), (Some(2), Some("Category of concern")));
}

#[test]
fn a_bad_grade_names_the_grade_column() {
    let text = MI_LATEST.replace(",08/11/2016,2,", ",08/11/2016,7,");
    let e = error_of(&text);
    assert_eq!((e.row(), e.column()), (Some(3), Some("Overall effectiveness")));
}


#[test]
fn a_control_character_in_a_name_is_refused_with_its_row_and_column() {
    // The second data row (row 3) of the real extract, its school name carrying a NUL byte.
    let sample = gias_sample(3);
    let mut lines: Vec<String> = sample.lines().map(String::from).collect();
    lines[2] = lines[2].replacen("School", "Sch\0ool", 1);
    let e = parse("edubasealldata20220420.csv", (lines.join("\n") + "\n").as_bytes()).unwrap_err();
    assert_eq!(e.row(), Some(3));
    assert!(e.to_string().starts_with("edubasealldata20220420.csv: row 3, column 'EstablishmentName': contains the control character U+0000"), "{e}");
}

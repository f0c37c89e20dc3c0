//! Readers for the published files (GIAS establishment extracts, Ofsted management information,
//! DfE performance tables) that turn them into domain records, or a clear error naming file,
//! row and column.
//!
//! Reading is all-or-nothing: a file is decoded and every row checked before anything is
//! returned, so a caller never writes half a file.

mod columnar;
mod columns;
mod error;
mod gias;
mod grouplinks;
mod links;
mod ofsted;
mod performance;
mod report_cards;
mod source;
mod spine;
mod timeline;
mod workbook;

use std::path::Path;

use chrono::NaiveDate;
use schoolsight_domain::as_at::TrustLink;
use schoolsight_domain::school::SchoolLink;
use schoolsight_domain::{Inspection, MeasureValue, School};
use serde::Serialize;

pub use error::IngestError;
pub use source::{SourceText, read_source};
pub use spine::la_placeholder;

/// Which published format a file is in, told from its header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Get Information about Schools "all establishment data" extract.
    GiasEstablishments,
    /// Ofsted management information: one row per school ("latest inspections") or per
    /// inspection ("all inspections", "inspections and outcomes").
    OfstedInspections,
    /// DfE performance tables and their companions: KS2 and KS4 results, school absence, the
    /// school census, and Explore Education Statistics' KS4 school information.
    PerformanceTables,
    /// A third-party scrape of schools' Ofsted timelines: `URN,Rating,Inspection Date`.
    InspectionHistory,
    /// DfE's performance-tables school list (the 2017/18 "spine"): a register with predecessor URNs.
    SchoolList,
    /// GIAS links: which URN succeeded which, and how.
    GiasLinks,
    /// Report-card inspections of the renewed framework, grades by evaluation area (JSON).
    ReportCards,
    /// GIAS group links: on the snapshot's day, each academy's trusts, sponsors and
    /// federations, with the day it joined each.
    GiasGroupLinks,
}

impl FileKind {
    pub fn key(self) -> &'static str {
        match self {
            FileKind::GiasEstablishments => "gias_establishments",
            FileKind::OfstedInspections => "ofsted_inspections",
            FileKind::PerformanceTables => "performance_tables",
            FileKind::InspectionHistory => "inspection_history",
            FileKind::SchoolList => "school_list",
            FileKind::GiasLinks => "gias_links",
            FileKind::ReportCards => "report_cards",
            FileKind::GiasGroupLinks => "gias_group_links",
        }
    }
}

/// Everything one file says, checked and ready to store.
#[derive(Debug, Clone, Default)]
pub struct Extract {
    /// Register entries: these replace what is stored when the extract is newer.
    pub schools: Vec<School>,
    /// Schools an inspection file describes in passing: stored only where the register has no
    /// entry for the URN, so the register stays the authority on names, types and phases.
    pub mentioned_schools: Vec<School>,
    pub inspections: Vec<Inspection>,
    /// Links between URNs (GIAS links files, the spine's predecessor URN, Ofsted's URN at the
    /// time of an inspection).
    pub links: Vec<SchoolLink>,
    /// Published outcome, attendance and context figures, suppressed ones as their codes.
    pub measures: Vec<MeasureValue>,
    /// Trust, sponsor and federation memberships on a group-links snapshot's day.
    pub trust_links: Vec<TrustLink>,
    /// The newest date the content vouches for (GIAS `LastChangedDate`), for files whose name
    /// gives none.
    pub content_date: Option<NaiveDate>,
}

/// A parsed file with what identifies it.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub name: String,
    pub sha256: String,
    pub kind: FileKind,
    /// The day the extract describes, from its name (`edubasealldata20220420.csv`,
    /// `…_as_at_31_August_2019.csv`) where it says.
    pub extract_date: Option<NaiveDate>,
    pub rows: usize,
    pub extract: Extract,
}

/// Reports how far a parse has gone: (bytes read, bytes in all).
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// Reads, decodes, recognises and checks one file.
pub fn parse_file(path: &Path, progress: Progress<'_>) -> Result<ParsedFile, IngestError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io { file: name.clone(), source })?;
    parse_bytes(&name, &bytes, progress)
}

/// Reads a file's bytes as published: an Excel workbook or a parquet file is read into the
/// rows of its CSV form, a JSON object is a report-card collection, anything else is CSV text
/// (gzip, UTF-8 or Windows-1252). The SHA-256 is always of the bytes as given.
pub fn parse_bytes(name: &str, bytes: &[u8], progress: Progress<'_>) -> Result<ParsedFile, IngestError> {
    let sha256 = source::sha256(bytes);
    let source = if workbook::is_workbook(bytes) {
        workbook::to_source(name, bytes, sha256)?
    } else if columnar::is_parquet(bytes) {
        columnar::to_source(name, bytes, sha256)?
    } else {
        SourceText::from_bytes(name, bytes)?
    };
    if report_cards::looks_like(&source) {
        let (extract, rows, _undated) = report_cards::parse(&source)?;
        return parsed(&source, FileKind::ReportCards, extract, rows);
    }
    parse_source(&source, progress)
}

/// Parses text already read (used by [`parse_file`] and by tests that build files in memory).
pub fn parse_source(source: &SourceText, progress: Progress<'_>) -> Result<ParsedFile, IngestError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(source.text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| IngestError::csv(&source.name, 1, e))?
        .clone();
    let cols = columns::Columns::new(&source.name, &headers);
    let (kind, extract, rows) = if timeline::recognises(&cols) {
        let (e, r) = timeline::parse(&cols, &mut reader, source, progress)?;
        (FileKind::InspectionHistory, e, r)
    } else if links::recognises(&cols) {
        let (e, r) = links::parse(&cols, &mut reader, source, progress)?;
        (FileKind::GiasLinks, e, r)
    } else if grouplinks::recognises(&cols) {
        let (e, r) = grouplinks::parse(&cols, &mut reader, source, progress)?;
        (FileKind::GiasGroupLinks, e, r)
    } else if spine::recognises(&cols) {
        let (e, r) = spine::parse(&cols, &mut reader, source, progress)?;
        (FileKind::SchoolList, e, r)
    } else if gias::recognises(&cols) {
        let (e, r) = gias::parse(&cols, &mut reader, source, progress)?;
        (FileKind::GiasEstablishments, e, r)
    } else if ofsted::recognises(&cols) {
        let (e, r) = ofsted::parse(&cols, &mut reader, source, progress)?;
        (FileKind::OfstedInspections, e, r)
    } else if let Some(layout) = performance::recognise(&cols) {
        let (e, r) = performance::parse(layout, &cols, &mut reader, source, progress)?;
        (FileKind::PerformanceTables, e, r)
    } else {
        return Err(IngestError::UnknownFormat {
            file: source.name.clone(),
            headers: headers.iter().take(8).collect::<Vec<_>>().join(", "),
        });
    };
    parsed(source, kind, extract, rows)
}

fn parsed(source: &SourceText, kind: FileKind, extract: Extract, rows: usize) -> Result<ParsedFile, IngestError> {
    if rows == 0 {
        return Err(IngestError::NoRows { file: source.name.clone() });
    }
    Ok(ParsedFile {
        name: source.name.clone(),
        sha256: source.sha256.clone(),
        kind,
        extract_date: source::date_in_name(&source.name)
            .or(extract.content_date)
            .or_else(|| newest_visit(&extract)),
        rows,
        extract,
    })
}

/// A file that names no date of its own was taken no earlier than the newest visit it
/// records (published, or else ended or started). What it says of earlier visits is known
/// only from then: Ofsted's "latest inspections" files keep a school's older visit only while
/// nothing has replaced it, so the early-warning model must not read them as at an earlier day.
fn newest_visit(extract: &Extract) -> Option<NaiveDate> {
    extract
        .inspections
        .iter()
        .map(|i| i.publication_date.or(i.end_date).unwrap_or(i.start_date))
        .max()
}

//! Report-card inspections (renewed framework, from November 2025) as the JSON the
//! `ofsted_latest.json` collection publishes: an object keyed by URN, each entry with its
//! inspection date, type, publication date and `sub_judgements` by evaluation area.
//!
//! Errors name the entry as a row: entries counted from 2 in the file's URN order (the
//! "header" being row 1, as in the CSV files), and the field as the column.

use std::collections::BTreeMap;

use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade};
use schoolsight_domain::parse::parse_date;
use schoolsight_domain::school::InspectionDetail;
use schoolsight_domain::{Inspection, ParseError, Urn};
use serde::Deserialize;

use crate::{Extract, IngestError, SourceText};

#[derive(Deserialize)]
struct Entry {
    inspection_date: Option<String>,
    publication_date: Option<String>,
    inspection_type: Option<String>,
    #[serde(default)]
    sub_judgements: BTreeMap<String, String>,
}

/// The JSON's area keys (Ofsted's column names, snake-cased by the collector).
fn area(key: &str) -> Option<ReportCardArea> {
    match key {
        "safeguarding_standards" => Some(ReportCardArea::Safeguarding),
        "post-16_provision" | "post_16_provision" => Some(ReportCardArea::Post16),
        other => ReportCardArea::from_key(other),
    }
}

pub fn looks_like(source: &SourceText) -> bool {
    source.text.trim_start().starts_with('{')
}

/// Entries without an inspection date cannot be placed in a history and are left out (the
/// 2026 file has one); `skipped` counts them.
pub fn parse(source: &SourceText) -> Result<(Extract, usize, usize), IngestError> {
    let file = source.name.as_str();
    let entries: BTreeMap<String, Entry> = serde_json::from_str(&source.text)
        .map_err(|e| IngestError::Csv { file: file.to_string(), row: e.line() as u64, message: e.to_string() })?;
    let mut extract = Extract::default();
    let mut skipped = 0;
    for (i, (key, entry)) in entries.iter().enumerate() {
        let row = i as u64 + 2;
        let cell = |column: &str, reason: ParseError| IngestError::Cell { file: file.to_string(), row, column: column.to_string(), reason };
        let urn = key.trim().parse::<i64>().map_err(|_| cell("URN", ParseError::Integer(key.clone())))?;
        let date = |column: &str, value: &Option<String>| parse_date(value.as_deref().unwrap_or("")).map_err(|e| cell(column, e));
        let publication_date = date("publication_date", &entry.publication_date)?;
        let Some(start_date) = date("inspection_date", &entry.inspection_date)? else {
            skipped += 1;
            continue;
        };
        let mut report_card = Vec::new();
        for (key, word) in &entry.sub_judgements {
            let column = format!("sub_judgements.{key}");
            let area = area(key).ok_or_else(|| cell(&column, ParseError::ReportCardGrade(key.clone())))?;
            if let Some(grade) = ReportCardGrade::parse(word).map_err(|e| cell(&column, e))? {
                report_card.push((area, grade));
            }
        }
        extract.inspections.push(Inspection {
            urn: Urn(urn),
            start_date,
            end_date: None,
            publication_date,
            number: None,
            kind: entry.inspection_type.clone(),
            judgement: None,
            category: None,
            urn_at_time: None,
            // Monitoring visits carry no grades ('9' in every area): they are ungraded visits.
            detail: InspectionDetail { graded: Some(!report_card.is_empty()), report_card, ..Default::default() },
        });
    }
    Ok((extract, entries.len(), skipped))
}

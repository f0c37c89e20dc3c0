//! A third-party scrape of each school's Ofsted timeline (`URN,Rating,Inspection Date`): one
//! row per dated overall-effectiveness judgement of a graded inspection, 2005–2020.
//!
//! Dates come as `YYYYMMDD` (newer scrape) or `YYYY-MM-DD 00:00:00` (older); ratings as words,
//! "Satisfactory" being grade 3 before September 2012.

use schoolsight_domain::parse::{parse_date, parse_integer, parse_judgement_and_category};
use schoolsight_domain::school::InspectionDetail;
use schoolsight_domain::{Inspection, Urn};

use crate::columns::{Columns, for_each_row};
use crate::{Extract, IngestError, Progress, SourceText};

const URN: &[&str] = &["URN"];
const RATING: &[&str] = &["Rating"];
const DATE: &[&str] = &["Inspection Date"];

/// Exactly the scrape's three columns: Ofsted's own files have many more.
pub fn recognises(cols: &Columns) -> bool {
    cols.has(URN) && cols.has(RATING) && cols.has(DATE) && cols.len() == 3
}

pub fn parse(
    cols: &Columns,
    reader: &mut csv::Reader<&[u8]>,
    source: &SourceText,
    progress: Progress<'_>,
) -> Result<(Extract, usize), IngestError> {
    let (urn, rating, date) = (cols.require(URN)?, cols.require(RATING)?, cols.require(DATE)?);
    let mut extract = Extract::default();
    let rows = for_each_row(&source.name, &source.text, reader, progress, |row| {
        let (judgement, category) =
            parse_judgement_and_category(&row.required(&rating)?, None).map_err(|e| row.cell_error(&rating, e))?;
        extract.inspections.push(Inspection {
            urn: Urn(row.parse_required(&urn, parse_integer)?),
            start_date: row.parse_required(&date, parse_date)?,
            end_date: None,
            publication_date: None,
            number: None,
            kind: None,
            judgement,
            category,
            urn_at_time: None,
            // The timeline lists only graded (section 5) inspections.
            detail: InspectionDetail { graded: Some(true), ..Default::default() },
        });
        Ok(())
    })?;
    Ok((extract, rows))
}

//! GIAS links files (`links_edubasealldata*.csv`): `URN`'s link of `LinkType` (Predecessor,
//! Successor, "- merged", "- amalgamated", …) to `LinkURN`, dated `LinkEstablishedDate`.

use schoolsight_domain::Urn;
use schoolsight_domain::parse::{parse_date, parse_integer};
use schoolsight_domain::school::SchoolLink;

use crate::columns::{Columns, for_each_row};
use crate::{Extract, IngestError, Progress, SourceText};

const URN: &[&str] = &["URN"];
const LINK_URN: &[&str] = &["LinkURN"];
const LINK_TYPE: &[&str] = &["LinkType"];

pub fn recognises(cols: &Columns) -> bool {
    cols.has(URN) && cols.has(LINK_URN) && cols.has(LINK_TYPE)
}

pub fn parse(
    cols: &Columns,
    reader: &mut csv::Reader<&[u8]>,
    source: &SourceText,
    progress: Progress<'_>,
) -> Result<(Extract, usize), IngestError> {
    let (urn, link_urn, link_type) = (cols.require(URN)?, cols.require(LINK_URN)?, cols.require(LINK_TYPE)?);
    let date = cols.find(&["LinkEstablishedDate"]);
    let mut extract = Extract::default();
    let rows = for_each_row(&source.name, &source.text, reader, progress, |row| {
        extract.links.push(SchoolLink {
            urn: Urn(row.parse_required(&urn, parse_integer)?),
            linked_urn: Urn(row.parse_required(&link_urn, parse_integer)?),
            link_type: row.required(&link_type)?,
            link_date: row.parse(date.as_ref(), parse_date)?,
        });
        Ok(())
    })?;
    Ok((extract, rows))
}

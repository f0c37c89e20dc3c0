//! GIAS group links (`grouplinks_edubaseallacademiesandfree<yyyymmdd>.csv`): on the day in the
//! file's name, each academy or free school (`URN`) and every group it belonged to (`Linked
//! UID`, `Group Name`, `Group Type`: multi- or single-academy trust, sponsor, federation), with
//! the day it joined (`Joined date`, dd-mm-yyyy). A series of monthly snapshots dates trust
//! membership: who was in which trust, from when, and still on which day.

use schoolsight_domain::Urn;
use schoolsight_domain::as_at::TrustLink;
use schoolsight_domain::parse::{parse_date, parse_integer};

use crate::columns::{Columns, for_each_row};
use crate::{Extract, IngestError, Progress, SourceText};

const URN: &[&str] = &["URN"];
const UID: &[&str] = &["Linked UID"];
const GROUP_TYPE: &[&str] = &["Group Type"];
const GROUP_NAME: &[&str] = &["Group Name"];
const JOINED: &[&str] = &["Joined date"];

pub fn recognises(cols: &Columns) -> bool {
    cols.has(URN) && cols.has(UID) && cols.has(GROUP_TYPE) && cols.has(JOINED)
}

pub fn parse(
    cols: &Columns,
    reader: &mut csv::Reader<&[u8]>,
    source: &SourceText,
    progress: Progress<'_>,
) -> Result<(Extract, usize), IngestError> {
    // A snapshot says what held on its day, and only its name gives the day.
    let snapshot = crate::source::date_in_name(&source.name).ok_or_else(|| IngestError::UndatedSnapshot { file: source.name.clone() })?;
    let (urn, uid, group_type, name, joined) =
        (cols.require(URN)?, cols.require(UID)?, cols.require(GROUP_TYPE)?, cols.require(GROUP_NAME)?, cols.require(JOINED)?);
    let mut extract = Extract::default();
    let rows = for_each_row(&source.name, &source.text, reader, progress, |row| {
        extract.trust_links.push(TrustLink {
            urn: Urn(row.parse_required(&urn, parse_integer)?),
            group_uid: row.parse_required(&uid, parse_integer)?,
            group_name: row.required(&name)?,
            group_type: row.required(&group_type)?,
            joined: row.parse(Some(&joined), parse_date)?,
            snapshot,
        });
        Ok(())
    })?;
    extract.content_date = Some(snapshot);
    Ok((extract, rows))
}

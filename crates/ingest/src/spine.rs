//! DfE's performance-tables school list (the 2017/18 "spine", sheet `england`): every school
//! in the tables with LA code, name, type, open and close dates and the URN it succeeded
//! (`OTHERURN`). It names no LA: the store takes the name from the register's schools with the
//! same LA code.

use schoolsight_domain::parse::{classify_establishment, parse_date, parse_integer};
use schoolsight_domain::school::SchoolLink;
use schoolsight_domain::{School, Status, Urn};

use crate::columns::{Column, Columns, Row, for_each_row};
use crate::{Extract, IngestError, Progress, SourceText};

const URN: &[&str] = &["URN"];
const NAME: &[&str] = &["SCHNAME"];
const PREDECESSOR: &[&str] = &["OTHERURN"];

pub fn recognises(cols: &Columns) -> bool {
    cols.has(URN) && cols.has(NAME) && cols.has(PREDECESSOR)
}

/// The LA an LA code names until the store finds its name.
pub fn la_placeholder(code: &str) -> String {
    format!("LA {code}")
}

struct SpineColumns {
    urn: Column,
    name: Column,
    la: Column,
    type_name: Option<Column>,
    primary: Option<Column>,
    secondary: Option<Column>,
    post16: Option<Column>,
    low_age: Option<Column>,
    high_age: Option<Column>,
    open: Option<Column>,
    close: Option<Column>,
    predecessor: Column,
    town: Option<Column>,
    postcode: Option<Column>,
}

pub fn parse(
    cols: &Columns,
    reader: &mut csv::Reader<&[u8]>,
    source: &SourceText,
    progress: Progress<'_>,
) -> Result<(Extract, usize), IngestError> {
    let c = SpineColumns {
        urn: cols.require(URN)?,
        name: cols.require(NAME)?,
        la: cols.require(&["LA"])?,
        type_name: cols.find(&["NFTYPE"]),
        primary: cols.find(&["ISPRIMARY"]),
        secondary: cols.find(&["ISSECONDARY"]),
        post16: cols.find(&["ISPOST16"]),
        low_age: cols.find(&["AGEL"]),
        high_age: cols.find(&["AGEH"]),
        open: cols.find(&["OPENDATE"]),
        close: cols.find(&["CLOSEDATE"]),
        predecessor: cols.require(PREDECESSOR)?,
        town: cols.find(&["TOWN"]),
        postcode: cols.find(&["POSTCODE"]),
    };
    let mut extract = Extract::default();
    let rows = for_each_row(&source.name, &source.text, reader, progress, |row| {
        let school = school(&c, row)?;
        if let Some(old) = row.parse(Some(&c.predecessor), parse_integer)? {
            extract.links.push(SchoolLink {
                urn: school.urn,
                linked_urn: Urn(old),
                link_type: "Predecessor".to_string(),
                link_date: school.open_date,
            });
        }
        extract.schools.push(school);
        Ok(())
    })?;
    Ok((extract, rows))
}

/// The phase the spine's three flags describe, in GIAS's words.
fn phase_name(c: &SpineColumns, row: &Row<'_>) -> Result<&'static str, IngestError> {
    let flag = |col: &Option<Column>| Ok::<_, IngestError>(row.parse(col.as_ref(), parse_integer)? == Some(1));
    Ok(match (flag(&c.primary)?, flag(&c.secondary)?, flag(&c.post16)?) {
        (true, true, _) => "All-through",
        (true, false, _) => "Primary",
        (false, true, _) => "Secondary",
        (false, false, true) => "16 plus",
        (false, false, false) => "Not applicable",
    })
}

fn school(c: &SpineColumns, row: &Row<'_>) -> Result<School, IngestError> {
    let type_name = row.opt_text(c.type_name.as_ref()).unwrap_or_default();
    let ages = (row.parse(c.low_age.as_ref(), parse_integer)?, row.parse(c.high_age.as_ref(), parse_integer)?);
    let (governance, phase) = classify_establishment(&type_name, phase_name(c, row)?, ages);
    let close_date = row.parse(c.close.as_ref(), parse_date)?;
    let la_code = row.required(&c.la)?;
    Ok(School {
        urn: Urn(row.parse_required(&c.urn, parse_integer)?),
        name: row.required(&c.name)?,
        la_name: la_placeholder(&la_code),
        la_code: Some(la_code),
        type_name,
        governance,
        phase,
        status: if close_date.is_some() { Status::Closed } else { Status::Open },
        open_date: row.parse(c.open.as_ref(), parse_date)?,
        close_date,
        trust: None,
        pupils: None,
        fsm_percent: None,
        town: row.opt_text(c.town.as_ref()),
        postcode: row.opt_text(c.postcode.as_ref()),
    })
}

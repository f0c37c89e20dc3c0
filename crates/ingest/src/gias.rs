//! Get Information about Schools establishment extracts (`edubasealldata*.csv`).

use schoolsight_domain::parse::{
    classify_establishment, parse_date, parse_integer, parse_judgement_and_category, parse_number,
};
use schoolsight_domain::{Inspection, School, Status, Urn};

use crate::columns::{Column, Columns, Row, for_each_row};
use crate::{Extract, IngestError, Progress, SourceText};

const URN: &[&str] = &["URN"];
const NAME: &[&str] = &["EstablishmentName"];
const TYPE: &[&str] = &["TypeOfEstablishment (name)", "TypeOfEstablishment"];
const STATUS: &[&str] = &["EstablishmentStatus (name)", "EstablishmentStatus"];

/// A register extract has a status per establishment; GIAS's group-links files share its
/// other columns but list memberships, not establishments, and are not read as a register.
pub fn recognises(cols: &Columns) -> bool {
    cols.has(URN) && cols.has(NAME) && cols.has(TYPE) && cols.has(STATUS)
}

/// The columns this reader uses, located once per file.
struct GiasColumns {
    urn: Column,
    name: Column,
    la_name: Column,
    type_name: Column,
    phase: Column,
    la_code: Option<Column>,
    status: Column,
    open_date: Option<Column>,
    close_date: Option<Column>,
    low_age: Option<Column>,
    high_age: Option<Column>,
    trust: Option<Column>,
    pupils: Option<Column>,
    fsm: Option<Column>,
    town: Option<Column>,
    postcode: Option<Column>,
    last_inspection: Option<Column>,
    rating: Option<Column>,
    last_changed: Option<Column>,
}

impl GiasColumns {
    fn locate(cols: &Columns) -> Result<GiasColumns, IngestError> {
        Ok(GiasColumns {
            urn: cols.require(URN)?,
            name: cols.require(NAME)?,
            la_name: cols.require(&["LA (name)", "LA"])?,
            type_name: cols.require(TYPE)?,
            phase: cols.require(&["PhaseOfEducation (name)", "PhaseOfEducation"])?,
            la_code: cols.find(&["LA (code)"]),
            status: cols.require(STATUS)?,
            open_date: cols.find(&["OpenDate"]),
            close_date: cols.find(&["CloseDate"]),
            low_age: cols.find(&["StatutoryLowAge"]),
            high_age: cols.find(&["StatutoryHighAge"]),
            trust: cols.find(&["Trusts (name)", "Trusts"]),
            pupils: cols.find(&["NumberOfPupils"]),
            fsm: cols.find(&["PercentageFSM"]),
            town: cols.find(&["Town"]),
            postcode: cols.find(&["Postcode"]),
            last_inspection: cols.find(&["OfstedLastInsp"]),
            rating: cols.find(&["OfstedRating (name)", "OfstedRating"]),
            last_changed: cols.find(&["LastChangedDate"]),
        })
    }
}

fn parse_status(cell: &str) -> Status {
    let lower = cell.trim().to_ascii_lowercase();
    if lower.starts_with("closed") {
        Status::Closed
    } else if lower.starts_with("proposed to open") {
        Status::ProposedToOpen
    } else {
        // "Open" and "Open, but proposed to close" are both open today.
        Status::Open
    }
}

pub fn parse(
    cols: &Columns,
    reader: &mut csv::Reader<&[u8]>,
    source: &SourceText,
    progress: Progress<'_>,
) -> Result<(Extract, usize), IngestError> {
    let c = GiasColumns::locate(cols)?;
    let mut extract = Extract::default();
    let rows = for_each_row(&source.name, &source.text, reader, progress, |row| {
        let school = school_from(&c, row)?;
        let changed = row.parse(c.last_changed.as_ref(), parse_date)?;
        extract.content_date = extract.content_date.max(changed);
        if let Some(inspection) = recorded_inspection(&c, row, school.urn)? {
            extract.inspections.push(inspection);
        }
        extract.schools.push(school);
        Ok(())
    })?;
    Ok((extract, rows))
}

fn school_from(c: &GiasColumns, row: &Row<'_>) -> Result<School, IngestError> {
    let urn = row.parse_required(&c.urn, parse_integer)?;
    let ages = (row.parse(c.low_age.as_ref(), parse_integer)?, row.parse(c.high_age.as_ref(), parse_integer)?);
    let type_name = row.required(&c.type_name)?;
    let (governance, phase) = classify_establishment(&type_name, row.text(&c.phase), ages);
    Ok(School {
        urn: Urn(urn),
        name: row.required(&c.name)?,
        la_code: row.opt_text(c.la_code.as_ref()),
        la_name: row.required(&c.la_name)?,
        type_name,
        governance,
        phase,
        status: parse_status(row.text(&c.status)),
        open_date: row.parse(c.open_date.as_ref(), parse_date)?,
        close_date: row.parse(c.close_date.as_ref(), parse_date)?,
        trust: row.opt_text(c.trust.as_ref()),
        pupils: row.parse(c.pupils.as_ref(), parse_integer)?,
        fsm_percent: row.parse(c.fsm.as_ref(), parse_number)?,
        town: row.opt_text(c.town.as_ref()),
        postcode: row.opt_text(c.postcode.as_ref()),
    })
}

/// GIAS carries the latest Ofsted rating and its date; kept as an inspection so that a
/// register alone gives every school a judgement.
fn recorded_inspection(c: &GiasColumns, row: &Row<'_>, urn: Urn) -> Result<Option<Inspection>, IngestError> {
    let Some(start_date) = row.parse(c.last_inspection.as_ref(), parse_date)? else {
        return Ok(None);
    };
    let (judgement, category) = match &c.rating {
        Some(col) => parse_judgement_and_category(row.text(col), None)
            .map_err(|e| row.cell_error(col, e))?,
        None => (None, None),
    };
    Ok(Some(Inspection {
        urn,
        start_date,
        end_date: None,
        publication_date: None,
        number: None,
        kind: Some("Latest inspection as recorded in GIAS".to_string()),
        judgement,
        category,
        urn_at_time: None,
        detail: Default::default(),
    }))
}

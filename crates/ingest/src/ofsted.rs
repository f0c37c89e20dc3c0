//! Ofsted's management information on state-funded schools: the "latest inspections" files
//! (one row a school, with the previous graded inspection beside the latest) and the "all
//! inspections" / "inspections and outcomes" files (one row an inspection). Column names changed
//! across the years; each field lists its names newest first.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use schoolsight_domain::parse::{classify_establishment, parse_date, parse_integer, parse_judgement_and_category};
use schoolsight_domain::{Inspection, School, Status, Urn};

use crate::columns::{Column, Columns, Row, for_each_row};
use crate::{Extract, IngestError, Progress, SourceText};

const URN: &[&str] = &["URN"];
const OVERALL: &[&str] = &["Overall effectiveness"];
const START: &[&str] = &["Inspection start date", "Inspection date", "Start date"];

pub fn recognises(cols: &Columns) -> bool {
    cols.has(URN) && cols.has(OVERALL) && cols.has(START)
}

/// Where one inspection's fields are: the latest one, or the previous one beside it.
struct InspectionColumns {
    start: Column,
    /// The 2005–2015 files give the previous visit's end date only; it stands in for the start.
    dated_by_end: bool,
    end: Option<Column>,
    publication: Option<Column>,
    number: Option<Column>,
    kind: Option<Column>,
    overall: Column,
    category: Option<Column>,
    urn_at_time: Option<Column>,
}

struct OfstedColumns {
    urn: Column,
    latest: InspectionColumns,
    previous: Option<InspectionColumns>,
    name: Option<Column>,
    la_name: Option<Column>,
    laestab: Option<Column>,
    phase: Option<Column>,
    type_name: Option<Column>,
    pupils: Option<Column>,
    postcode: Option<Column>,
}

impl OfstedColumns {
    fn locate(cols: &Columns) -> Result<OfstedColumns, IngestError> {
        let latest = InspectionColumns {
            start: cols.require(START)?,
            dated_by_end: false,
            end: cols.find(&["Inspection end date"]),
            publication: cols.find(&["Publication date", "First published date"]),
            number: cols.find(&[
                "Inspection number of latest graded inspection",
                "Inspection number of latest full inspection",
                "Inspection number",
            ]),
            kind: cols.find(&["Inspection type"]),
            overall: cols.require(OVERALL)?,
            category: cols.find(&["Category of concern"]),
            urn_at_time: cols.find(&[
                "URN at time of latest graded inspection",
                "URN at time of latest full inspection",
            ]),
        };
        const PREVIOUS_END: &str = "Inspection end date of the previous inspection";
        let previous = cols
            .find(&["Previous inspection start date", PREVIOUS_END])
            .zip(cols.find(&[
                "Previous graded inspection overall effectiveness",
                "Previous full inspection overall effectiveness",
                "Previous overall effectiveness",
                "Previous inspection - Overall effectiveness",
            ]))
            .map(|(start, overall)| InspectionColumns {
                dated_by_end: start.name.eq_ignore_ascii_case(PREVIOUS_END),
                start,
                end: cols.find(&["Previous inspection end date"]),
                publication: cols.find(&["Previous publication date"]),
                number: cols.find(&[
                    "Previous graded inspection number",
                    "Previous full inspection number",
                    "Previous inspection number",
                    "Inspection number of the previous inspection",
                ]),
                kind: None,
                overall,
                category: cols.find(&["Previous category of concern", "Previous inspection - Category"]),
                urn_at_time: cols.find(&[
                    "URN at time of previous graded inspection",
                    "URN at time of previous full inspection",
                    "URN at time of previous inspection",
                ]),
            });
        Ok(OfstedColumns {
            urn: cols.require(URN)?,
            latest,
            previous,
            name: cols.find(&["School name"]),
            la_name: cols.find(&["Local authority"]),
            laestab: cols.find(&["LAESTAB"]),
            phase: cols.find(&["Ofsted phase"]),
            type_name: cols.find(&["Type of education"]),
            pupils: cols.find(&["Total number of pupils"]),
            postcode: cols.find(&["Postcode"]),
        })
    }
}

pub fn parse(
    cols: &Columns,
    reader: &mut csv::Reader<&[u8]>,
    source: &SourceText,
    progress: Progress<'_>,
) -> Result<(Extract, usize), IngestError> {
    let c = OfstedColumns::locate(cols)?;
    let mut extract = Extract::default();
    let mut found = Found::default();
    let mut described: HashSet<Urn> = HashSet::new();
    let rows = for_each_row(&source.name, &source.text, reader, progress, |row| {
        let urn = Urn(row.parse_required(&c.urn, parse_integer)?);
        if let Some(latest) = inspection_from(&c.latest, row, urn)? {
            found.keep(latest, false);
        }
        if let Some(previous) = &c.previous
            && let Some(inspection) = inspection_from(previous, row, urn)?
        {
            found.keep(inspection, previous.dated_by_end);
        }
        if described.insert(urn)
            && let Some(school) = mentioned_school(&c, row, urn)?
        {
            extract.mentioned_schools.push(school);
        }
        Ok(())
    })?;
    extract.inspections = found.inspections;
    Ok((extract, rows))
}

/// The inspections a file describes, each once. One visit can appear twice: as the latest of
/// its own row and as the previous of a later row. It is matched by inspection number where both
/// give one, else by start day, else by end day: the 2005–2015 file names the previous visit by
/// its end date only. The fuller record wins, and a visit dated by its own start beats one dated
/// by an end date.
#[derive(Default)]
struct Found {
    inspections: Vec<Inspection>,
    dated_by_end: Vec<bool>,
    by_number: HashMap<(Urn, String), usize>,
    by_day: HashMap<(Urn, NaiveDate), usize>,
    by_end: HashMap<(Urn, NaiveDate), usize>,
}

impl Found {
    fn keep(&mut self, new: Inspection, dated_by_end: bool) {
        let Some(i) = self.existing(&new, dated_by_end) else {
            self.index(self.inspections.len(), &new, dated_by_end);
            self.inspections.push(new);
            self.dated_by_end.push(dated_by_end);
            return;
        };
        let better_date = self.dated_by_end[i] && !dated_by_end;
        let fuller = self.inspections[i].judgement.is_none() && new.judgement.is_some();
        if better_date || (fuller && self.dated_by_end[i] == dated_by_end) {
            self.index(i, &new, dated_by_end);
            self.inspections[i] = new;
            self.dated_by_end[i] = dated_by_end;
        }
    }

    fn existing(&self, new: &Inspection, dated_by_end: bool) -> Option<usize> {
        let by_number = new.number.as_ref().and_then(|n| self.by_number.get(&(new.urn, n.clone())));
        let end = if dated_by_end { Some(new.start_date) } else { new.end_date };
        let by_end = end.and_then(|e| self.by_end.get(&(new.urn, e))).filter(|&&i| dated_by_end || self.dated_by_end[i]);
        by_number.or_else(|| self.by_day.get(&(new.urn, new.start_date))).or(by_end).copied()
    }

    fn index(&mut self, i: usize, inspection: &Inspection, dated_by_end: bool) {
        self.by_day.insert((inspection.urn, inspection.start_date), i);
        let end = if dated_by_end { Some(inspection.start_date) } else { inspection.end_date };
        if let Some(e) = end {
            self.by_end.insert((inspection.urn, e), i);
        }
        if let Some(n) = &inspection.number {
            self.by_number.insert((inspection.urn, n.clone()), i);
        }
    }
}

fn inspection_from(c: &InspectionColumns, row: &Row<'_>, urn: Urn) -> Result<Option<Inspection>, IngestError> {
    // A school never inspected has a row with blank dates; so does one with no previous.
    let Some(start_date) = row.parse(Some(&c.start), parse_date)? else {
        return Ok(None);
    };
    let category_cell = c.category.as_ref().map(|col| row.text(col));
    let (judgement, category) = parse_judgement_and_category(row.text(&c.overall), category_cell)
        .map_err(|e| {
            // The category column is the culprit when the grade itself is fine.
            let culprit = match (&e, &c.category) {
                (schoolsight_domain::ParseError::Category(_), Some(col)) => col,
                _ => &c.overall,
            };
            row.cell_error(culprit, e)
        })?;
    let urn_at_time = row
        .parse(c.urn_at_time.as_ref(), parse_integer)?
        .map(Urn)
        .filter(|u| *u != urn);
    Ok(Some(Inspection {
        urn,
        start_date,
        end_date: row.parse(c.end.as_ref(), parse_date)?,
        publication_date: row.parse(c.publication.as_ref(), parse_date)?,
        number: row.opt_text(c.number.as_ref()),
        kind: row.opt_text(c.kind.as_ref()),
        judgement,
        category,
        urn_at_time,
    }))
}

fn mentioned_school(c: &OfstedColumns, row: &Row<'_>, urn: Urn) -> Result<Option<School>, IngestError> {
    let (Some(name), Some(la_name)) = (row.opt_text(c.name.as_ref()), row.opt_text(c.la_name.as_ref())) else {
        return Ok(None);
    };
    let type_name = row.opt_text(c.type_name.as_ref()).unwrap_or_default();
    let phase_name = row.opt_text(c.phase.as_ref()).unwrap_or_default();
    let (governance, phase) = classify_establishment(&type_name, &phase_name, (None, None));
    Ok(Some(School {
        urn,
        name,
        la_code: row.opt_text(c.laestab.as_ref()).filter(|l| l.len() == 7).map(|l| l[..3].to_string()),
        la_name,
        type_name,
        governance,
        phase,
        status: Status::Open,
        open_date: None,
        close_date: None,
        trust: None,
        pupils: row.parse(c.pupils.as_ref(), parse_integer)?,
        fsm_percent: None,
        town: None,
        postcode: row.opt_text(c.postcode.as_ref()),
    }))
}

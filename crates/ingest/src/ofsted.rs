//! Ofsted's management information on state-funded schools: the "latest inspections" files
//! (one row a school, with the previous graded inspection beside the latest) and the "all
//! inspections" / "inspections and outcomes" files (one row an inspection). Column names changed
//! across the years; each field lists its names newest first.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade, SubJudgements};
use schoolsight_domain::parse::{classify_establishment, parse_date, parse_integer, parse_judgement_and_category};
use schoolsight_domain::school::{InspectionDetail, SchoolLink};
use schoolsight_domain::{Inspection, ParseError, School, Status, Urn};

use crate::columns::{Column, Columns, Row, for_each_row};
use crate::{Extract, IngestError, Progress, SourceText};

const URN: &[&str] = &["URN"];
const OVERALL: &[&str] = &["Overall effectiveness"];
const START: &[&str] = &["Inspection start date", "Inspection date", "Start date"];
/// The URN of the latest full inspection: the only URN some files (the 2022 academies MI) give.
const LATEST_URN_AT_TIME: &[&str] = &[
    "URN at time of latest graded inspection",
    "URN at time of latest full inspection",
];
/// Since 2025/26 the latest full inspection is a report card; the last old-framework ("OEIF")
/// graded inspection sits beside it.
const OEIF_OVERALL: &[&str] = &["Latest OEIF overall effectiveness"];

pub fn recognises(cols: &Columns) -> bool {
    (cols.has(URN) || cols.has(LATEST_URN_AT_TIME))
        && cols.has(START)
        && (cols.has(OVERALL) || cols.has(OEIF_OVERALL) || report_card_columns(cols, "").len() > 1)
}

/// Where one inspection's key judgements are; `prefix` is "", "Previous " or "Latest OEIF ".
#[derive(Default)]
struct SubColumns {
    quality_of_education: Option<Column>,
    behaviour_and_attitudes: Option<Column>,
    personal_development: Option<Column>,
    leadership_and_management: Option<Column>,
    early_years: Option<Column>,
    sixth_form: Option<Column>,
    safeguarding: Option<Column>,
}

impl SubColumns {
    fn locate(cols: &Columns, prefix: &str) -> SubColumns {
        let find = |names: &[&str]| {
            let named: Vec<String> = names.iter().map(|n| format!("{prefix}{n}")).collect();
            cols.find(&named.iter().map(String::as_str).collect::<Vec<_>>())
        };
        SubColumns {
            quality_of_education: find(&["quality of education"]),
            behaviour_and_attitudes: find(&["behaviour and attitudes"]),
            personal_development: find(&["personal development"]),
            leadership_and_management: find(&["effectiveness of leadership and management"]),
            early_years: find(&["early years provision (where applicable)"]),
            sixth_form: find(&["sixth form provision (where applicable)"]),
            safeguarding: find(&["safeguarding is effective?", "safeguarding is effective", "is safeguarding effective?"]),
        }
    }

    fn read(&self, row: &Row<'_>) -> Result<SubJudgements, IngestError> {
        let grade = |col: &Option<Column>| row.parse(col.as_ref(), parse_key_judgement);
        Ok(SubJudgements {
            quality_of_education: grade(&self.quality_of_education)?,
            behaviour_and_attitudes: grade(&self.behaviour_and_attitudes)?,
            personal_development: grade(&self.personal_development)?,
            leadership_and_management: grade(&self.leadership_and_management)?,
            early_years: grade(&self.early_years)?,
            sixth_form: grade(&self.sixth_form)?,
            safeguarding_effective: row.parse(self.safeguarding.as_ref(), parse_yes_no)?,
        })
    }
}

/// A key judgement: 1–4. Ofsted codes 9 (not applicable), 8 (early years: none on roll then)
/// and 0, and the words "Not judged", mean no judgement.
fn parse_key_judgement(cell: &str) -> Result<Option<u8>, ParseError> {
    let text = cell.trim();
    if schoolsight_domain::parse::is_blank(text) {
        return Ok(None);
    }
    match text.to_ascii_lowercase().as_str() {
        "1" => Ok(Some(1)),
        "2" => Ok(Some(2)),
        "3" => Ok(Some(3)),
        "4" => Ok(Some(4)),
        "9" | "8" | "0" | "not judged" | "not applicable" | "does not apply" => Ok(None),
        _ => Err(ParseError::Judgement(cell.trim().to_string())),
    }
}

/// `Safeguarding is effective?`: Yes / No; 9 (not judged then) and blanks are unknown.
fn parse_yes_no(cell: &str) -> Result<Option<bool>, ParseError> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "yes" => Ok(Some(true)),
        "no" => Ok(Some(false)),
        t if schoolsight_domain::parse::is_blank(t) || t == "9" || t == "0" || t == "not applicable" => Ok(None),
        _ => Err(ParseError::Judgement(cell.trim().to_string())),
    }
}

/// The report-card area columns under their published names (`prefix` is always "" today).
fn report_card_columns(cols: &Columns, prefix: &str) -> Vec<(ReportCardArea, Column)> {
    const NAMES: [(ReportCardArea, &[&str]); 9] = [
        (ReportCardArea::Safeguarding, &["Safeguarding standards"]),
        (ReportCardArea::Inclusion, &["Inclusion"]),
        (ReportCardArea::CurriculumAndTeaching, &["Curriculum and teaching"]),
        (ReportCardArea::Achievement, &["Achievement"]),
        (ReportCardArea::AttendanceAndBehaviour, &["Attendance and behaviour"]),
        (ReportCardArea::PersonalDevelopmentAndWellbeing, &["Personal development and wellbeing"]),
        (ReportCardArea::EarlyYears, &["Early years (where applicable)"]),
        (ReportCardArea::Post16, &["Post-16 provision (where applicable)"]),
        (ReportCardArea::LeadershipAndGovernance, &["Leadership and governance"]),
    ];
    NAMES
        .iter()
        .filter_map(|(area, names)| {
            let named: Vec<String> = names.iter().map(|n| format!("{prefix}{n}")).collect();
            cols.find(&named.iter().map(String::as_str).collect::<Vec<_>>()).map(|c| (*area, c))
        })
        .collect()
}

/// Where one inspection's fields are: the latest one, the previous one beside it, the last
/// old-framework one beside a report card, or the latest ungraded one.
struct InspectionColumns {
    start: Column,
    /// The 2005–2015 files give the previous visit's end date only; it stands in for the start.
    dated_by_end: bool,
    end: Option<Column>,
    publication: Option<Column>,
    number: Option<Column>,
    kind: Option<Column>,
    overall: Option<Column>,
    category: Option<Column>,
    urn_at_time: Option<Column>,
    /// What kind of visit the block describes: graded (`true`) or ungraded.
    graded: bool,
    outcome: Option<Column>,
    sub: SubColumns,
    report_card: Vec<(ReportCardArea, Column)>,
}

struct OfstedColumns {
    /// The school's current URN; absent from the 2022 academies MI, where the latest full
    /// inspection's URN stands in.
    urn: Column,
    blocks: Vec<InspectionColumns>,
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
        let blocks = [latest_block(cols)?, previous_block(cols), oeif_block(cols), ungraded_block(cols)];
        Ok(OfstedColumns {
            urn: cols.find(URN).or_else(|| cols.find(LATEST_URN_AT_TIME)).map_or_else(|| cols.require(URN), Ok)?,
            blocks: blocks.into_iter().flatten().collect(),
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

fn latest_block(cols: &Columns) -> Result<Option<InspectionColumns>, IngestError> {
    Ok(Some(InspectionColumns {
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
        overall: cols.find(OVERALL),
        category: cols.find(&["Category of concern"]),
        urn_at_time: cols.find(LATEST_URN_AT_TIME),
        graded: true,
        outcome: None,
        sub: SubColumns::locate(cols, ""),
        report_card: report_card_columns(cols, ""),
    }))
}

fn previous_block(cols: &Columns) -> Option<InspectionColumns> {
    const PREVIOUS_END: &str = "Inspection end date of the previous inspection";
    let (start, overall) = cols.find(&["Previous inspection start date", PREVIOUS_END]).zip(cols.find(&[
        "Previous graded inspection overall effectiveness",
        "Previous full inspection overall effectiveness",
        "Previous overall effectiveness",
        "Previous inspection - Overall effectiveness",
    ]))?;
    Some(InspectionColumns {
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
        overall: Some(overall),
        category: cols.find(&["Previous category of concern", "Previous inspection - Category"]),
        urn_at_time: cols.find(&[
            "URN at time of previous graded inspection",
            "URN at time of previous full inspection",
            "URN at time of previous inspection",
        ]),
        graded: true,
        outcome: None,
        sub: SubColumns::locate(cols, "Previous "),
        report_card: Vec::new(),
    })
}

fn oeif_block(cols: &Columns) -> Option<InspectionColumns> {
    const OF: &str = " of latest OEIF graded inspection";
    let named = |field: &str| cols.find(&[&format!("{field}{OF}")]);
    Some(InspectionColumns {
        start: named("Inspection start date")?,
        dated_by_end: false,
        end: None,
        publication: named("Publication date"),
        number: named("Inspection number"),
        kind: named("Inspection type"),
        overall: cols.find(OEIF_OVERALL),
        category: cols.find(&["Latest OEIF category of concern"]),
        urn_at_time: cols.find(&["URN at time of latest OEIF graded inspection"]),
        graded: true,
        outcome: None,
        sub: SubColumns::locate(cols, "Latest OEIF "),
        report_card: Vec::new(),
    })
}

fn ungraded_block(cols: &Columns) -> Option<InspectionColumns> {
    Some(InspectionColumns {
        start: cols.find(&[
            "Date of latest ungraded inspection",
            "Date of latest section 8 inspection of a good and outstanding school",
        ])?,
        dated_by_end: false,
        end: None,
        publication: cols.find(&[
            "Ungraded inspection publication date",
            "Section 8 inspection of a good and outstanding school publication date",
        ]),
        number: cols.find(&[
            "Latest ungraded inspection number since last graded inspection",
            "Latest ungraded inspection number",
            "Latest section 8 inspection of a good and outstanding school number since last full inspection",
        ]),
        kind: None,
        overall: None,
        category: None,
        urn_at_time: cols.find(&[
            "URN at time of the ungraded inspection",
            "URN at time of the section 8 inspection of a good and outstanding school",
        ]),
        graded: false,
        outcome: cols.find(&[
            "Ungraded inspection overall outcome",
            "Section 8 inspection of a good and outstanding school overall outcome",
        ]),
        sub: SubColumns::default(),
        report_card: Vec::new(),
    })
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
    let mut linked: HashSet<(Urn, Urn)> = HashSet::new();
    let rows = for_each_row(&source.name, &source.text, reader, progress, |row| {
        let urn = Urn(row.parse_required(&c.urn, parse_integer)?);
        for block in &c.blocks {
            let Some(inspection) = inspection_from(block, row, urn)? else { continue };
            // The visit is filed under the URN it had then; the school's current URN is linked
            // to it as its predecessor, so its timeline still shows the visit.
            if inspection.urn != urn && linked.insert((urn, inspection.urn)) {
                extract.links.push(SchoolLink {
                    urn,
                    linked_urn: inspection.urn,
                    link_type: SchoolLink::URN_AT_INSPECTION.to_string(),
                    link_date: None,
                });
            }
            found.keep(inspection, block.dated_by_end);
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
/// its own row and as the previous of a later row, or as a school's latest ungraded visit that
/// converted to its latest graded one. It is matched by inspection number where both give one,
/// else by start day, else by end day: the 2005–2015 file names the previous visit by its end
/// date only. The fuller record wins and takes what only the other says; a visit dated by its
/// own start beats one dated by an end date.
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
            let old = std::mem::replace(&mut self.inspections[i], new);
            self.inspections[i].fill_from(old);
            self.index(i, &self.inspections[i].clone(), dated_by_end);
            self.dated_by_end[i] = dated_by_end;
        } else {
            self.inspections[i].fill_from(new);
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
    let overall_cell = c.overall.as_ref().map_or("", |col| row.text(col));
    let category_cell = c.category.as_ref().map(|col| row.text(col));
    let (judgement, category) = parse_judgement_and_category(overall_cell, category_cell)
        .map_err(|e| {
            // The category column is the culprit when the grade itself is fine.
            let culprit = match (&e, &c.category, &c.overall) {
                (ParseError::Category(_), Some(col), _) => col,
                (_, _, Some(col)) => col,
                (_, Some(col), None) => col,
                (_, None, None) => &c.start,
            };
            row.cell_error(culprit, e)
        })?;
    let mut report_card = Vec::new();
    for (area, col) in &c.report_card {
        if let Some(grade) = row.parse(Some(col), ReportCardGrade::parse)? {
            report_card.push((*area, grade));
        }
    }
    let urn_then = row.parse(c.urn_at_time.as_ref(), parse_integer)?.map_or(urn, Urn);
    Ok(Some(Inspection {
        urn: urn_then,
        start_date,
        end_date: row.parse(c.end.as_ref(), parse_date)?,
        publication_date: row.parse(c.publication.as_ref(), parse_date)?,
        number: row.opt_text(c.number.as_ref()),
        kind: row.opt_text(c.kind.as_ref()),
        judgement,
        category,
        urn_at_time: None,
        detail: InspectionDetail {
            graded: Some(c.graded),
            outcome: row.opt_text(c.outcome.as_ref()),
            sub_judgements: c.sub.read(row)?,
            report_card,
        },
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

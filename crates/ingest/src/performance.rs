//! DfE's school performance files as a user downloads them: KS2 and KS4 results (any year,
//! levels and 5 A*–C before 2016, scaled scores and Attainment 8 since, and the column subsets
//! others republish), school absence, the school census, and Explore Education Statistics' KS4
//! school information. Every measure is located by the names its column has had, newest
//! first; suppression codes are kept as codes.

use std::path::Path;

use csv::StringRecord;
use schoolsight_domain::outcomes::{AcademicYear, Measure, MeasureValue, PupilGroup, Subject, Value};
use schoolsight_domain::parse::parse_integer;
use schoolsight_domain::{ParseError, Phase, Urn};

use crate::columns::{Column, Columns, Row, for_each_row};
use crate::{Extract, IngestError, Progress, SourceText};

use Measure::*;
use PupilGroup::*;

/// Which file it is, told from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Ks2,
    Ks4,
    Absence,
    Census,
    /// EES tidy data (`time_period`, `geographic_level`, `school_urn`, …).
    EesSchoolInfo,
}

const RECTYPE: &[&str] = &["RECTYPE"];
const KS2_MARKERS: &[&str] = &["PTRWM_EXP", "PTREADWRITTAMATX", "READPROG", "TELIG"];
const KS4_MARKERS: &[&str] = &["ATT8SCR", "P8MEA", "TPUP", "PTAC5EM_PTQ_EE", "PTAC5EM_PTQ", "PTAC5EM"];
const ABSENCE_MARKERS: &[&str] = &["PERCTOT", "PPERSABS10", "PPERSABS15"];
const CENSUS_MARKERS: &[&str] = &["PNUMFSMEVER", "PNUMEAL", "PSENELK"];

/// The layout of a performance file, if it is one.
pub fn recognise(cols: &Columns) -> Option<Layout> {
    let by_record_type = cols.has(RECTYPE);
    if cols.has(&["time_period"]) && cols.has(&["geographic_level"]) && cols.has(&["school_urn"]) {
        Some(Layout::EesSchoolInfo)
    } else if by_record_type && cols.has(KS4_MARKERS) {
        Some(Layout::Ks4)
    } else if by_record_type && cols.has(KS2_MARKERS) {
        Some(Layout::Ks2)
    } else if cols.has(ABSENCE_MARKERS) {
        Some(Layout::Absence)
    } else if cols.has(&["NOR"]) && cols.has(CENSUS_MARKERS) {
        Some(Layout::Census)
    } else {
        None
    }
}

pub fn parse(
    layout: Layout,
    cols: &Columns,
    reader: &mut csv::Reader<&[u8]>,
    source: &SourceText,
    progress: Progress<'_>,
) -> Result<(Extract, usize), IngestError> {
    let headers = reader.headers().map_err(|e| IngestError::csv(&source.name, 1, e))?.clone();
    let keys = Keys::locate(layout, cols)?;
    let year = match layout {
        Layout::EesSchoolInfo => Year::PerRow(cols.require(&["time_period"])?),
        _ => Year::Whole(year_of_file(&source.name, &headers)?),
    };
    let fields = located(cols, specs(layout));
    let mut extract = Extract::default();
    let rows = for_each_row(&source.name, &source.text, reader, progress, |row| {
        let subject = keys.subject(&source.name, row)?;
        let year = year.of(row)?;
        // Every cell is checked, even on rows passed over, so a file is accepted whole or not.
        for field in &fields {
            let value = row.parse(Some(&field.column), Value::parse)?;
            let (Some(subject), Some(value)) = (&subject, value) else { continue };
            if field.measure.in_force(year) {
                let (measure, group) = (field.measure, field.group);
                extract.measures.push(MeasureValue { subject: subject.clone(), year, measure, group, value });
            }
        }
        Ok(())
    })?;
    Ok((extract, rows))
}

/// Where the academic year comes from.
enum Year {
    Whole(AcademicYear),
    /// EES files carry a `time_period` (`201819`) on every row.
    PerRow(Column),
}

impl Year {
    fn of(&self, row: &Row<'_>) -> Result<AcademicYear, IngestError> {
        match self {
            Year::Whole(year) => Ok(*year),
            Year::PerRow(col) => {
                let text = row.required(col)?;
                AcademicYear::from_label(&text).ok_or_else(|| row.cell_error(col, ParseError::Integer(text)))
            }
        }
    }
}

/// The year of a whole file: from its name (`2017-2018_850_ks2final.csv`), else from its
/// content, else from the folder it sits in (DfE's download zips hold `2018-2019/england_abs.csv`).
fn year_of_file(name: &str, headers: &StringRecord) -> Result<AcademicYear, IngestError> {
    let path = Path::new(name);
    let components: Vec<String> = path.iter().rev().map(|c| c.to_string_lossy().into_owned()).collect();
    components
        .first()
        .and_then(|base| year_in(base))
        .or_else(|| year_from_history(headers))
        .or_else(|| components.iter().skip(1).find_map(|folder| year_in(folder)))
        .ok_or_else(|| IngestError::MissingColumn {
            file: name.to_string(),
            column: "academic year: name the file or its folder by year, e.g. 2018-2019/england_ks2final.csv"
                .to_string(),
        })
}

/// The first academic year written in `text`: `2018-2019`, `2018-19`, `2018_19` or `201819`.
fn year_in(text: &str) -> Option<AcademicYear> {
    let bytes = text.as_bytes();
    let runs: Vec<(usize, usize)> = digit_runs(bytes);
    runs.iter().enumerate().find_map(|(i, &(start, end))| match end - start {
        6 => AcademicYear::from_label(&text[start..end]),
        4 => {
            let &(next_start, next_end) = runs.get(i + 1)?;
            let joined = next_start == end + 1 && matches!(bytes[end], b'-' | b'_');
            joined.then(|| AcademicYear::from_label(&text[start..next_end])).flatten()
        }
        _ => None,
    })
}

fn digit_runs(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, b) in bytes.iter().chain(std::iter::once(&b' ')).enumerate() {
        match (b.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// DfE's KS2 and KS4 files repeat headline measures for earlier years under the two-digit
/// year of the summer they were sat (`PTRWM_EXP_17` and `_18` in the 2018/19 file,
/// `ATT8SCR_15` and `_16` in 2016/17): the file's own year starts in the latest of them.
fn year_from_history(headers: &StringRecord) -> Option<AcademicYear> {
    const STEMS: [&str; 3] = ["PTRWM_EXP_", "ATT8SCR_", "P8MEA_"];
    headers
        .iter()
        .filter_map(|h| {
            let h = h.trim().trim_start_matches('\u{feff}').to_ascii_uppercase();
            STEMS.iter().find_map(|stem| {
                let suffix = h.strip_prefix(stem)?;
                (suffix.len() == 2).then(|| suffix.parse::<i32>().ok()).flatten()
            })
        })
        .max()
        .map(|yy| AcademicYear(2000 + yy))
}

/// Where a row says whom it is about.
enum Keys {
    /// KS2 and KS4 files: `RECTYPE` tells a school, an LA or England.
    RecordType { layout: Layout, rectype: Column, urn: Column, lea: Option<Column> },
    /// Absence and census files: a school's URN, or a national row (`NAT`) per phase.
    Urn { urn: Column, la: Option<Column>, estab: Option<Column> },
    /// EES files: `geographic_level` (School, Local authority, National).
    Level { level: Column, urn: Column, la: Option<Column> },
}

/// What a `RECTYPE` says a row is about.
enum Record {
    School,
    La,
    England,
    /// England including independent schools: Schoolsight's England is state-funded
    /// schools, as DfE's headline figures are.
    AllSchoolsEngland,
    /// A code the metadata does not list (none appears in the published files).
    Unknown,
}

impl Keys {
    fn locate(layout: Layout, cols: &Columns) -> Result<Keys, IngestError> {
        Ok(match layout {
            Layout::Ks2 | Layout::Ks4 => Keys::RecordType {
                layout,
                rectype: cols.require(RECTYPE)?,
                urn: cols.require(&["URN"])?,
                lea: cols.find(&["LEA"]),
            },
            Layout::Absence | Layout::Census => Keys::Urn {
                urn: cols.require(&["URN"])?,
                la: cols.find(&["LA"]),
                estab: cols.find(&["ESTAB"]),
            },
            Layout::EesSchoolInfo => Keys::Level {
                level: cols.require(&["geographic_level"])?,
                urn: cols.require(&["school_urn"])?,
                la: cols.find(&["old_la_code"]),
            },
        })
    }

    /// The subject of a row, or `None` for a row this reader passes over.
    fn subject(&self, file: &str, row: &Row<'_>) -> Result<Option<Subject>, IngestError> {
        match self {
            Keys::RecordType { layout, rectype, urn, lea } => {
                let record = record(*layout, row.parse_required(rectype, parse_integer)?);
                Ok(match record {
                    Record::School => Some(school(row, urn)?),
                    Record::La => Some(la(file, row, lea.as_ref(), "LEA")?),
                    Record::England => Some(Subject::England),
                    Record::AllSchoolsEngland | Record::Unknown => None,
                })
            }
            Keys::Urn { urn, la: la_col, estab } => {
                let urn_text = row.text(urn);
                let la_text = la_col.as_ref().map_or("", |c| row.text(c));
                if urn_text.eq_ignore_ascii_case("NAT") || la_text.eq_ignore_ascii_case("NAT") {
                    Ok(Some(national(estab.as_ref().map_or("", |c| row.text(c)))))
                } else if urn_text.is_empty() && !la_text.is_empty() {
                    Ok(Some(la(file, row, la_col.as_ref(), "LA")?))
                } else {
                    Ok(Some(school(row, urn)?))
                }
            }
            Keys::Level { level, urn, la: la_col } => {
                Ok(match row.text(level).to_ascii_lowercase().as_str() {
                    "school" => Some(school(row, urn)?),
                    "local authority" => Some(la(file, row, la_col.as_ref(), "old_la_code")?),
                    "national" => Some(Subject::England),
                    _ => None,
                })
            }
        }
    }
}

/// RECTYPE codes from DfE's metadata. KS2: 1 mainstream school, 2 special school, 3 local
/// authority, 4 England (all schools), 5 England (state-funded). KS4: 1 mainstream school,
/// 2 special school, 4 local authority, 5 England (all schools), 7 England (maintained).
fn record(layout: Layout, rectype: i64) -> Record {
    match (layout, rectype) {
        (_, 1 | 2) => Record::School,
        (Layout::Ks2, 3) | (Layout::Ks4, 4) => Record::La,
        (Layout::Ks2, 5) | (Layout::Ks4, 7) => Record::England,
        (Layout::Ks2, 4) | (Layout::Ks4, 5) => Record::AllSchoolsEngland,
        _ => Record::Unknown,
    }
}

fn school(row: &Row<'_>, urn: &Column) -> Result<Subject, IngestError> {
    Ok(Subject::School(Urn(row.parse_required(urn, parse_integer)?)))
}

fn la(file: &str, row: &Row<'_>, col: Option<&Column>, name: &str) -> Result<Subject, IngestError> {
    let col =
        col.ok_or_else(|| IngestError::MissingColumn { file: file.to_string(), column: name.to_string() })?;
    Ok(Subject::La(row.required(col)?))
}

/// A national row of the absence or census file, by the phase in its `ESTAB` cell.
fn national(phase: &str) -> Subject {
    match phase.to_ascii_uppercase().as_str() {
        "PRI" => Subject::EnglandPhase(Phase::Primary),
        "SEC" => Subject::EnglandPhase(Phase::Secondary),
        "SPE" => Subject::EnglandPhase(Phase::Special),
        _ => Subject::England,
    }
}

/// A measure for a group, and the names its column has had (newest first).
struct Spec {
    measure: Measure,
    group: PupilGroup,
    names: Vec<String>,
}

/// A spec's column as this file names it.
struct Field {
    measure: Measure,
    group: PupilGroup,
    column: Column,
}

fn located(cols: &Columns, specs: Vec<Spec>) -> Vec<Field> {
    specs
        .into_iter()
        .filter_map(|spec| {
            let names: Vec<&str> = spec.names.iter().map(String::as_str).collect();
            cols.find(&names).map(|column| Field { measure: spec.measure, group: spec.group, column })
        })
        .collect()
}

/// A measure whose column for each group is listed by hand.
fn per_group(measure: Measure, columns: &[(PupilGroup, &[&str])]) -> Vec<Spec> {
    columns
        .iter()
        .map(|(group, names)| Spec {
            measure,
            group: *group,
            names: names.iter().map(|n| n.to_string()).collect(),
        })
        .collect()
}

/// A measure whose column for each group is a stem and the group's suffix (`PTRWM_EXP_H`).
fn suffixed(measure: Measure, stem: &str, suffixes: &[(PupilGroup, &str)]) -> Vec<Spec> {
    suffixes
        .iter()
        .map(|(group, suffix)| Spec { measure, group: *group, names: vec![format!("{stem}{suffix}")] })
        .collect()
}

fn specs(layout: Layout) -> Vec<Spec> {
    match layout {
        Layout::Ks2 => ks2_specs(),
        Layout::Ks4 => ks4_specs(),
        Layout::Absence => absence_specs(),
        Layout::Census => census_specs(),
        Layout::EesSchoolInfo => ees_specs(),
    }
}

const KS2_GROUPS: &[(PupilGroup, &str)] = &[
    (All, ""),
    (Boys, "_B"),
    (Girls, "_G"),
    (LowPriorAttainment, "_L"),
    (MiddlePriorAttainment, "_M"),
    (HighPriorAttainment, "_H"),
    (Disadvantaged, "_FSM6CLA1A"),
    (NotDisadvantaged, "_NotFSM6CLA1A"),
    (Eal, "_EAL"),
];

/// KS2 since 2015/16 (scaled scores) and before (levels; the level-era names are those of
/// DfE's 2010/11–2014/15 files).
fn ks2_specs() -> Vec<Spec> {
    let mut specs: Vec<Spec> = [
        (Ks2RwmExpected, "PTRWM_EXP"),
        (Ks2RwmHigher, "PTRWM_HIGH"),
        (Ks2ReadingProgress, "READPROG"),
        (Ks2WritingProgress, "WRITPROG"),
        (Ks2MathsProgress, "MATPROG"),
        (Ks2ReadingScaledScore, "READ_AVERAGE"),
        (Ks2MathsScaledScore, "MAT_AVERAGE"),
    ]
    .into_iter()
    .flat_map(|(measure, stem)| suffixed(measure, stem, KS2_GROUPS))
    .collect();
    specs.extend(per_group(
        Ks2RwmLevel4,
        &[
            (All, &["PTREADWRITTAMATX"]),
            (Boys, &["PBREADWRITTAMATX"]),
            (Girls, &["PGREADWRITTAMATX"]),
            (LowPriorAttainment, &["PTREADWRITTAMATX_L"]),
            (MiddlePriorAttainment, &["PTREADWRITTAMATX_M"]),
            (HighPriorAttainment, &["PTREADWRITTAMATX_H"]),
            (Disadvantaged, &["PTREADWRITTAMATX_FSM6CLA1A", "PTREADWRITTAMATX_FSMCLA"]),
            (NotDisadvantaged, &["PTREADWRITTAMATX_NOTFSM6CLA1A", "PTREADWRITTAMATX_NOTFSMCLA"]),
            (Eal, &["PTREADWRITTAMATX_EALY"]),
        ],
    ));
    specs.extend(per_group(
        Ks2RwmLevel5,
        &[
            (All, &["PTREADWRITTAMATAX"]),
            (Boys, &["PBREADWRITTAMATAX"]),
            (Girls, &["PGREADWRITTAMATAX"]),
            (LowPriorAttainment, &["PTREADWRITTAMATAX_L"]),
            (MiddlePriorAttainment, &["PTREADWRITTAMATAX_M"]),
            (HighPriorAttainment, &["PTREADWRITTAMATAX_H"]),
            (Disadvantaged, &["PTREADWRITTAMATAX_FSMCLA"]),
            (NotDisadvantaged, &["PTREADWRITTAMATAX_NOTFSMCLA"]),
        ],
    ));
    specs.extend(per_group(
        Ks2Cohort,
        &[
            (All, &["TELIG"]),
            (Boys, &["BELIG"]),
            (Girls, &["GELIG"]),
            (Disadvantaged, &["TFSM6CLA1A", "TFSMCLA"]),
            (NotDisadvantaged, &["TNotFSM6CLA1A", "TNOTFSMCLA"]),
            (LowPriorAttainment, &["TKS1GROUP_L", "TKS1EXP_L"]),
            (MiddlePriorAttainment, &["TKS1GROUP_M", "TKS1EXP_M"]),
            (HighPriorAttainment, &["TKS1GROUP_H", "TKS1EXP_H"]),
            (Eal, &["TEALGRP2"]),
            (Sen, &["TSENELEK"]),
            (SenSupport, &["TSENELK"]),
            // A statement or EHC plan (2014/15–2017/18), an EHC plan once statements had gone.
            (Ehcp, &["TSENELSE", "TSENELE", "TSENELST"]),
        ],
    ));
    specs.extend(per_group(
        Ks2CohortShare,
        &[
            (Boys, &["PBELIG"]),
            (Girls, &["PGELIG"]),
            (Disadvantaged, &["PTFSM6CLA1A", "PTFSMCLA"]),
            (NotDisadvantaged, &["PTNotFSM6CLA1A", "PTNOTFSMCLA"]),
            (LowPriorAttainment, &["PTKS1GROUP_L", "PKS1EXP_L"]),
            (MiddlePriorAttainment, &["PTKS1GROUP_M", "PKS1EXP_M"]),
            (HighPriorAttainment, &["PTKS1GROUP_H", "PKS1EXP_H"]),
            (Eal, &["PTEALGRP2"]),
            (Sen, &["PSENELEK"]),
            (SenSupport, &["PSENELK"]),
            (Ehcp, &["PSENELSE", "PSENELE", "PSENELST"]),
        ],
    ));
    specs.extend(per_group(PupilsOnRoll, &[(All, &["TOTPUPS"])]));
    specs
}

const KS4_GROUPS: &[(PupilGroup, &str)] = &[
    (All, ""),
    (Disadvantaged, "_FSM6CLA1A"),
    (NotDisadvantaged, "_NFSM6CLA1A"),
    (LowPriorAttainment, "_LO"),
    (MiddlePriorAttainment, "_AV"),
    (HighPriorAttainment, "_HI"),
    (Eal, "_EAL"),
    (Girls, "_GIRLS"),
    (Boys, "_BOYS"),
];

/// English and maths at a grade (`94` or `95`): DfE names each group's column differently.
fn english_maths(measure: Measure, grade: &str) -> Vec<Spec> {
    [
        (All, "PTL2BASICS_"),
        (Disadvantaged, "PTFSM6CLA1ABASICS_"),
        (NotDisadvantaged, "PTNOTFSM6CLA1ABASICS_"),
        (LowPriorAttainment, "PTBASICSLO_"),
        (MiddlePriorAttainment, "PTBASICSAV_"),
        (HighPriorAttainment, "PTBASICSHI_"),
        (Boys, "PBL2BASICS_"),
        (Girls, "PGL2BASICS_"),
        (Eal, "PTL2BASICSEAL_"),
    ]
    .into_iter()
    .map(|(group, stem)| Spec { measure, group, names: vec![format!("{stem}{grade}")] })
    .collect()
}

/// KS4 since 2016/17 (Attainment 8, grades 9–1) and before (5 A*–C; `_PTQ` from 2013/14,
/// `_PTQ_EE` from 2014/15).
fn ks4_specs() -> Vec<Spec> {
    let mut specs: Vec<Spec> =
        [(Ks4Attainment8, "ATT8SCR"), (Ks4Progress8, "P8MEA"), (Ks4EbaccAps, "EBACCAPS")]
            .into_iter()
            .flat_map(|(measure, stem)| suffixed(measure, stem, KS4_GROUPS))
            .collect();
    specs.extend(english_maths(Ks4EnglishMathsGrade5, "95"));
    specs.extend(english_maths(Ks4EnglishMathsGrade4, "94"));
    specs.extend(per_group(
        Ks4EnglishMathsAtoC,
        &[
            (All, &["PTL2BASICS_PTQ_EE", "PTL2BASICS_PTQ", "PTL2BASICS"]),
            (Disadvantaged, &["PTFSM6CLA1ABASICS_PTQ_EE", "PTFSMBASICS_PTQ"]),
            (NotDisadvantaged, &["PTNOTFSM6CLA1ABASICS_PTQ_EE", "PTNOTFSMBASICS_PTQ"]),
            (LowPriorAttainment, &["PTBASICSLO_PTQ"]),
            (MiddlePriorAttainment, &["PTBASICSAV_PTQ"]),
            (HighPriorAttainment, &["PTBASICSHI_PTQ"]),
        ],
    ));
    specs.extend(per_group(
        Ks4FiveAtoCEnglishMaths,
        &[
            (All, &["PTAC5EM_PTQ_EE", "PTAC5EM_PTQ", "PTAC5EM"]),
            (Disadvantaged, &["PTAC5EMFSM_PTQ"]),
            (NotDisadvantaged, &["PTAC5EMNFSM_PTQ"]),
            (LowPriorAttainment, &["PTAC5EMLO_PTQ"]),
            (MiddlePriorAttainment, &["PTAC5EMAV_PTQ"]),
            (HighPriorAttainment, &["PTAC5EMHI_PTQ"]),
        ],
    ));
    specs.extend(per_group(
        Ks4EbaccEntry,
        &[
            (All, &["PTEBACC_E_PTQ_EE", "PTEBACC_E_PTQ"]),
            (Disadvantaged, &["PTEBACC_EFSM6CLA1A_PTQ_EE", "PTEBACC_EFSM_PTQ"]),
            (NotDisadvantaged, &["PTEBACC_ENFSM6CLA1A_PTQ_EE", "PTEBACC_ENFSM_PTQ"]),
            (LowPriorAttainment, &["PTEBACC_ELO_PTQ_EE", "PTEBACC_ELO_PTQ"]),
            (MiddlePriorAttainment, &["PTEBACC_EAV_PTQ_EE", "PTEBACC_EAV_PTQ"]),
            (HighPriorAttainment, &["PTEBACC_EHI_PTQ_EE", "PTEBACC_EHI_PTQ"]),
            (Boys, &["PBEBACC_E_PTQ_EE"]),
            (Girls, &["PGEBACC_E_PTQ_EE"]),
            (Eal, &["PTEBACC_EEAL_PTQ_EE"]),
        ],
    ));
    specs.extend(per_group(
        Ks4Cohort,
        &[
            (All, &["TPUP"]),
            (Boys, &["BPUP"]),
            (Girls, &["GPUP"]),
            (Disadvantaged, &["TFSM6CLA1A", "TFSMCLA"]),
            (NotDisadvantaged, &["TNOTFSM6CLA1A", "TNOTFSMCLA"]),
            (LowPriorAttainment, &["TPRIORLO"]),
            (MiddlePriorAttainment, &["TPRIORAV"]),
            (HighPriorAttainment, &["TPRIORHI"]),
            (Eal, &["TEALGRP2"]),
            (Sen, &["SEN_ALL"]),
            (SenSupport, &["SENAPK4"]),
            // A statement or EHC plan; before EHC plans (2013/14), a statement.
            (Ehcp, &["SENSE4", "SENST4"]),
        ],
    ));
    specs.extend(per_group(
        Ks4CohortShare,
        &[
            (Boys, &["PBPUP"]),
            (Girls, &["PGPUP"]),
            (Disadvantaged, &["PTFSM6CLA1A", "PTFSMCLA"]),
            (NotDisadvantaged, &["PTNOTFSM6CLA1A", "PTNOTFSMCLA"]),
            (LowPriorAttainment, &["PTPRIORLO"]),
            (MiddlePriorAttainment, &["PTPRIORAV"]),
            (HighPriorAttainment, &["PTPRIORHI"]),
            (Eal, &["PTEALGRP2"]),
            (Sen, &["PSEN_ALL"]),
            (SenSupport, &["PSENAPK4"]),
            (Ehcp, &["PSENSE4", "PSENST4"]),
        ],
    ));
    specs.extend(per_group(PupilsOnRoll, &[(All, &["TOTPUPS"])]));
    specs
}

fn absence_specs() -> Vec<Spec> {
    let mut specs = per_group(OverallAbsence, &[(All, &["PERCTOT"])]);
    specs.extend(per_group(PersistentAbsence, &[(All, &["PPERSABS10"])]));
    specs.extend(per_group(PersistentAbsence15, &[(All, &["PPERSABS15"])]));
    specs
}

/// The January census of the academic year (`england_census.csv`): the whole roll.
fn census_specs() -> Vec<Spec> {
    let mut specs = per_group(
        PupilsOnRoll,
        &[
            (All, &["NOR"]),
            (Girls, &["NORG"]),
            (Boys, &["NORB"]),
            (Ehcp, &["TSENELSE"]),
            (SenSupport, &["TSENELK"]),
            (Eal, &["NUMEAL"]),
            (Fsm, &["NUMFSM"]),
            (FsmEver6, &["NUMFSMEVER"]),
        ],
    );
    specs.extend(per_group(
        RollShare,
        &[
            (Girls, &["PNORG"]),
            (Boys, &["PNORB"]),
            (Ehcp, &["PSENELSE"]),
            (SenSupport, &["PSENELK"]),
            (Eal, &["PNUMEAL"]),
            (FsmEver6, &["PNUMFSMEVER"]),
        ],
    ));
    specs
}

/// EES "KS4 school information" (`t_` counts, `pt_` percentages).
fn ees_specs() -> Vec<Spec> {
    const GROUPS: [(PupilGroup, &str); 12] = [
        (All, "pupils"),
        (Boys, "boys"),
        (Girls, "girls"),
        (LowPriorAttainment, "prior_lo"),
        (MiddlePriorAttainment, "prior_av"),
        (HighPriorAttainment, "prior_hi"),
        (Disadvantaged, "disadvantaged"),
        (NotDisadvantaged, "not_disadvantaged"),
        (Eal, "language_not_english"),
        (Sen, "sen"),
        (SenSupport, "sen_no_ehcp"),
        (Ehcp, "sen_with_ehcp"),
    ];
    let mut specs: Vec<Spec> = GROUPS
        .iter()
        .map(|(group, name)| Spec { measure: Ks4Cohort, group: *group, names: vec![format!("t_{name}")] })
        .collect();
    specs.extend(GROUPS.iter().filter(|(group, _)| *group != All).map(|(group, name)| Spec {
        measure: Ks4CohortShare,
        group: *group,
        names: vec![format!("pt_{name}")],
    }));
    specs.extend(per_group(
        PupilsOnRoll,
        &[(All, &["t_allks_pupils"]), (Boys, &["t_allks_boys"]), (Girls, &["t_allks_girls"])],
    ));
    specs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> StringRecord {
        StringRecord::from(names.to_vec())
    }

    #[test]
    fn years_from_names_content_and_folders() {
        let none = headers(&["URN"]);
        let year = |name: &str, h: &StringRecord| year_of_file(name, h).ok().map(|y| y.0);
        assert_eq!(year("data/2017-2018_850_ks2final.csv", &none), Some(2017));
        assert_eq!(year("2014-15_england_ks4final.csv", &none), Some(2014));
        assert_eq!(year("../dfe-performance-tables-2018-19/england_abs.csv", &none), Some(2018));
        assert_eq!(year("Performancetables_130242/2022-2023/england_ks4final.csv", &none), Some(2022));
        // The name beats the content, the content beats the folder.
        let history =
            headers(&["RECTYPE", "PTRWM_EXP", "PTRWM_EXP_16", "PTRWM_EXP_17", "ATT8SCR_FSM6CLA1A_17"]);
        assert_eq!(year("2019-2020/england_ks2final.csv", &history), Some(2017));
        assert_eq!(year("2020-2021_england_ks2final.csv", &history), Some(2020));
        // Neither a range of years nor a date is an academic year.
        let e = year_of_file("hampshire-surrey-2017-2022/2021-05-07_ks2.csv", &none).unwrap_err();
        assert!(e.to_string().contains("academic year"), "{e}");
    }
}

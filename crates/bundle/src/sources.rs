//! The bundled national data sets (under `shared/data`), read into what the register and the
//! inspections file are built from. Each file is checked as it is read: a value that cannot be
//! used is an error naming file and row, never a guess.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use csv::StringRecord;

use crate::{BundleError, Day};

const CENSUS: &str = "dfe-performance-tables-2018-19/england_census.csv";
const LA_CODES: &str = "dfe-performance-tables-2018-19/la_and_region_codes_meta.csv";
const GROUP_LINKS: &str = "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20190601.csv.gz";
/// Name, town and postcode of every school with results, and the latest Ofsted rating and its
/// date as scraped in spring 2021; in the order a school's details are taken from.
const PERFORMANCE: [&str; 3] = [
    "schools-perf-2019-ofsted-2021-derived/england_ks2final.csv.gz",
    "schools-perf-2019-ofsted-2021-derived/england_ks4final.csv.gz",
    "schools-perf-2019-ofsted-2021-derived/england_ks5final.csv.gz",
];
const KS4_INFO: &str = "ees-ks4-school-info-2023-24-and-gias-links-2025/ks4_school_info_2024.csv";
const LINKS: &str = "hampshire-surrey-2017-2022/2021_giaslinks.csv";

/// The January 2019 school census's kinds of school (its SCHOOLTYPE column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CensusType {
    Nursery,
    Primary,
    Secondary,
    Special,
    PupilReferralUnit,
    NonMaintainedSpecial,
    Independent,
}

impl CensusType {
    fn from_label(label: &str) -> Option<CensusType> {
        Some(match label {
            "State-funded nursery" => CensusType::Nursery,
            "State-funded primary" => CensusType::Primary,
            "State-funded secondary" => CensusType::Secondary,
            "State-funded special school" => CensusType::Special,
            "Pupil referral unit" => CensusType::PupilReferralUnit,
            "Non-maintained special school" => CensusType::NonMaintainedSpecial,
            "Independent school" => CensusType::Independent,
            _ => return None,
        })
    }
}

/// One school in the census.
#[derive(Debug, Clone)]
pub(crate) struct CensusSchool {
    pub la_code: String,
    pub establishment_number: Option<u32>,
    pub kind: CensusType,
    pub pupils: Option<i64>,
    pub fsm_pupils: Option<i64>,
}

/// One academy or free school in the June 2019 group links, as GIAS describes it.
#[derive(Debug, Clone)]
pub(crate) struct Academy {
    pub la_code: String,
    pub la_name: String,
    pub name: String,
    pub type_name: String,
    pub phase: String,
    /// The multi- or single-academy trust it belongs to (sponsors and federations are not trusts).
    pub trust: Option<String>,
}

/// A graded inspection: its date and the overall grade as the MI writes it ("1" to "4").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rated {
    pub date: Day,
    pub grade: &'static str,
}

/// What the performance-table extracts say of one school.
#[derive(Debug, Clone, Default)]
pub(crate) struct Performance {
    pub name: Option<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    pub latest: Option<Rated>,
}

/// One row of the GIAS links file: `urn`'s link of `link_type` to `link_urn`.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub urn: i64,
    pub link_urn: i64,
    pub link_name: Option<String>,
    pub link_type: String,
    pub established: Option<Day>,
}

/// Everything read from the shared data.
pub(crate) struct Sources {
    pub census: BTreeMap<i64, CensusSchool>,
    /// LA code → LA name.
    pub la_names: HashMap<String, String>,
    pub academies: BTreeMap<i64, Academy>,
    pub performance: HashMap<i64, Performance>,
    /// Names from the 2023/24 KS4 school information.
    pub ks4_names: HashMap<i64, String>,
    pub links: Vec<Link>,
}

impl Sources {
    pub fn load(shared: &Path) -> Result<Sources, BundleError> {
        let mut performance = HashMap::new();
        for file in PERFORMANCE {
            read_performance(&Table::read(&shared.join(file))?, &mut performance)?;
        }
        Ok(Sources {
            census: read_census(&Table::read(&shared.join(CENSUS))?)?,
            la_names: read_la_names(&Table::read(&shared.join(LA_CODES))?)?,
            academies: read_academies(&Table::read(&shared.join(GROUP_LINKS))?)?,
            performance,
            ks4_names: read_ks4_names(&Table::read(&shared.join(KS4_INFO))?)?,
            links: read_links(&Table::read(&shared.join(LINKS))?)?,
        })
    }
}

fn read_census(table: &Table) -> Result<BTreeMap<i64, CensusSchool>, BundleError> {
    let [urn, la, estab, kind, nor, fsm] = table.columns(["URN", "LA", "ESTAB", "SCHOOLTYPE", "NOR", "NUMFSM"])?;
    let mut schools = BTreeMap::new();
    for row in table.rows() {
        // LA and national totals share the file; their URN cell holds a code such as "NAT".
        let Some(Ok(urn)) = row.get(urn).map(str::parse::<i64>) else {
            continue;
        };
        let label = row.required(kind)?;
        let kind = CensusType::from_label(label).ok_or_else(|| row.error(format!("unknown SCHOOLTYPE '{label}'")))?;
        let school = CensusSchool {
            la_code: row.required(la)?.to_string(),
            establishment_number: row.number(estab)?,
            kind,
            pupils: row.number(nor)?,
            fsm_pupils: row.number(fsm)?,
        };
        schools.insert(urn, school);
    }
    Ok(schools)
}

fn read_la_names(table: &Table) -> Result<HashMap<String, String>, BundleError> {
    let [code, name] = table.columns(["LEA", "LA Name"])?;
    table.rows().map(|row| Ok((row.required(code)?.to_string(), row.required(name)?.to_string()))).collect()
}

fn read_academies(table: &Table) -> Result<BTreeMap<i64, Academy>, BundleError> {
    let [urn, group, group_type, name, type_name, phase, la_code, la_name] = table.columns([
        "URN",
        "Group Name",
        "Group Type",
        "EstablishmentName",
        "TypeOfEstablishment (name)",
        "PhaseOfEducation (name)",
        "LA (code)",
        "LA (name)",
    ])?;
    let mut academies: BTreeMap<i64, Academy> = BTreeMap::new();
    // One row per group an academy belongs to: the school's own columns repeat on each.
    for row in table.rows() {
        let academy = match academies.entry(row.required_integer(urn)?) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => new.insert(Academy {
                la_code: row.required(la_code)?.to_string(),
                la_name: row.required(la_name)?.to_string(),
                name: row.required(name)?.to_string(),
                type_name: row.required(type_name)?.to_string(),
                phase: row.get(phase).unwrap_or_default().to_string(),
                trust: None,
            }),
        };
        let is_trust = matches!(row.get(group_type), Some("Multi-academy trust" | "Single-academy trust"));
        if is_trust && academy.trust.is_none() {
            academy.trust = row.get(group).map(str::to_string);
        }
    }
    Ok(academies)
}

/// The MI's number for an Ofsted grade word.
fn grade_number(word: &str) -> Option<&'static str> {
    match word.to_ascii_lowercase().as_str() {
        "outstanding" => Some("1"),
        "good" => Some("2"),
        "requires improvement" | "satisfactory" => Some("3"),
        "inadequate" => Some("4"),
        _ => None,
    }
}

/// Adds one extract's schools to `found`: details from the first extract naming a school, and
/// the latest inspection of any.
fn read_performance(table: &Table, found: &mut HashMap<i64, Performance>) -> Result<(), BundleError> {
    let [urn, name, town, postcode, rating, date] =
        table.columns(["URN", "SCHNAME", "TOWN", "PCODE", "OFSTEDRATING", "INSPECTIONDT"])?;
    for row in table.rows() {
        // Every row with a URN is a school (RECTYPE 1 mainstream, 2 special); totals have none.
        let Some(urn) = row.number(urn)? else { continue };
        let rated = match (row.get(rating), row.get(date)) {
            (Some(word), Some(day)) => Some(Rated {
                grade: grade_number(word).ok_or_else(|| row.error(format!("unknown OFSTEDRATING '{word}'")))?,
                date: Day::parse(day).ok_or_else(|| row.error(format!("INSPECTIONDT '{day}' is not yyyymmdd")))?,
            }),
            // A grade without its date (or the reverse) cannot be placed in time: left out.
            _ => None,
        };
        let school = found.entry(urn).or_default();
        let text = |col| row.get(col).map(str::to_string);
        school.name = school.name.take().or_else(|| text(name));
        school.town = school.town.take().or_else(|| text(town));
        school.postcode = school.postcode.take().or_else(|| text(postcode));
        school.latest = school.latest.into_iter().chain(rated).max_by_key(|r| r.date);
    }
    Ok(())
}

fn read_ks4_names(table: &Table) -> Result<HashMap<i64, String>, BundleError> {
    let [urn, name] = table.columns(["school_urn", "school_name"])?;
    table.rows().filter_map(|row| row.get(name).map(|n| Ok((row.required_integer(urn)?, n.to_string())))).collect()
}

fn read_links(table: &Table) -> Result<Vec<Link>, BundleError> {
    let [urn, link_urn, link_name, link_type, established] =
        table.columns(["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"])?;
    table
        .rows()
        .map(|row| {
            Ok(Link {
                urn: row.required_integer(urn)?,
                link_urn: row.required_integer(link_urn)?,
                link_name: row.get(link_name).map(str::to_string),
                link_type: row.required(link_type)?.to_string(),
                established: row.date(established)?,
            })
        })
        .collect()
}

/// A CSV file's rows, decoded and held with the file's path for messages.
struct Table {
    path: PathBuf,
    header: StringRecord,
    rows: Vec<StringRecord>,
}

impl Table {
    /// Reads a file that may be gzipped, in UTF-8 (with or without BOM) or Windows-1252.
    fn read(path: &Path) -> Result<Table, BundleError> {
        if !path.is_file() {
            return Err(BundleError::Missing { path: path.to_path_buf() });
        }
        let io = |source| BundleError::io(path, source);
        let bytes = std::fs::read(path).map_err(io)?;
        let plain = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(bytes.as_slice()).read_to_end(&mut out).map_err(io)?;
            out
        } else {
            bytes
        };
        let text = decode(&plain);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let csv_error = |e: csv::Error| {
            let row = e.position().map_or(0, csv::Position::line);
            BundleError::csv(path, row, e.to_string())
        };
        let header = reader.headers().map_err(csv_error)?.clone();
        let rows = reader.records().collect::<Result<Vec<_>, _>>().map_err(csv_error)?;
        Ok(Table { path: path.to_path_buf(), header, rows })
    }

    /// Where the named columns are; all must be present.
    fn columns<const N: usize>(&self, names: [&str; N]) -> Result<[usize; N], BundleError> {
        let mut found = [0; N];
        for (slot, name) in found.iter_mut().zip(names) {
            *slot = self
                .header
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
                .ok_or_else(|| BundleError::MissingColumn { path: self.path.clone(), column: name.to_string() })?;
        }
        Ok(found)
    }

    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|record| Row { table: self, record })
    }
}

/// Re-saved files are UTF-8, often with a BOM; GIAS serves Windows-1252. Text that is valid
/// UTF-8 is taken as such (Windows-1252 text with accents almost never is).
fn decode(bytes: &[u8]) -> String {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(body).0.into_owned(),
    }
}

/// One data row, able to name itself in an error.
struct Row<'t> {
    table: &'t Table,
    record: &'t StringRecord,
}

impl Row<'_> {
    /// The cell's text; `None` when blank or `NA` (how the R re-saves write a missing value).
    fn get(&self, col: usize) -> Option<&str> {
        self.record.get(col).map(str::trim).filter(|t| !t.is_empty() && *t != "NA")
    }

    fn required(&self, col: usize) -> Result<&str, BundleError> {
        self.get(col).ok_or_else(|| self.blank(col))
    }

    fn number<T: FromStr>(&self, col: usize) -> Result<Option<T>, BundleError> {
        self.get(col).map(|t| t.parse().map_err(|_| self.error(format!("'{t}' is not a whole number")))).transpose()
    }

    fn required_integer(&self, col: usize) -> Result<i64, BundleError> {
        self.number(col)?.ok_or_else(|| self.blank(col))
    }

    fn date(&self, col: usize) -> Result<Option<Day>, BundleError> {
        self.get(col).map(|t| Day::parse(t).ok_or_else(|| self.error(format!("'{t}' is not a date")))).transpose()
    }

    fn blank(&self, col: usize) -> BundleError {
        self.error(format!("'{}' is blank", self.table.header.get(col).unwrap_or_default()))
    }

    fn error(&self, message: String) -> BundleError {
        let row = self.record.position().map_or(0, csv::Position::line);
        BundleError::csv(&self.table.path, row, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_as_the_mi_numbers_them() {
        assert_eq!(grade_number("Requires Improvement"), Some("3"));
        assert_eq!(grade_number("Satisfactory"), Some("3"));
        assert_eq!(grade_number("Outstanding"), Some("1"));
        assert_eq!(grade_number("Brilliant"), None);
    }
}

//! The national register as at June 2019 and Ofsted's latest inspections as at March 2021,
//! built from the bundled sources. Nothing is made up: a value no source gives is left blank,
//! and a school no source names says so in its name.

use std::collections::{BTreeSet, HashMap};

use crate::Day;
use crate::gias::GiasRow;
use crate::mi::MiRow;
use crate::sources::{Academy, CensusSchool, CensusType, Link, Sources};

/// The day the register describes (the date of the group links snapshot).
const AS_AT: Day = Day { year: 2019, month: 6, day: 1 };
/// The January 2019 school census day.
const CENSUS_DAY: Day = Day { year: 2019, month: 1, day: 17 };
const OPEN: &str = "Open";
const CLOSED: &str = "Closed";

/// LA codes retired on 1 April 2019, when Dorset (838) and Bournemouth, Christchurch and Poole
/// (839) councils were formed: the January 2019 census still uses them, but the code lookup
/// shipped with the tables knows only the new ones.
const RETIRED_LAS: [(&str, &str); 3] = [("835", "Dorset"), ("836", "Poole"), ("837", "Bournemouth")];

/// One register row, with what the inspections file needs to know beyond it.
pub(crate) struct Entry {
    pub row: GiasRow,
    /// "Ofsted phase" as the MI names it; empty where Ofsted has none (independent schools).
    ofsted_phase: &'static str,
    state_funded: bool,
}

/// How GIAS would class a school.
struct Establishment {
    type_name: String,
    group: &'static str,
    phase: String,
    ofsted_phase: &'static str,
    state_funded: bool,
}

impl Establishment {
    fn of_census(kind: CensusType) -> Establishment {
        const MAINTAINED: &str = "Local authority maintained schools";
        // The census does not say whether a maintained school is community, voluntary or
        // foundation, so its type is named only as far as is known.
        let (type_name, group, phase, ofsted_phase, state_funded) = match kind {
            CensusType::Nursery => ("Local authority nursery school", MAINTAINED, "Nursery", "Nursery", true),
            CensusType::Primary => ("Local authority maintained school", MAINTAINED, "Primary", "Primary", true),
            CensusType::Secondary => ("Local authority maintained school", MAINTAINED, "Secondary", "Secondary", true),
            CensusType::Special => {
                ("Local authority maintained special school", "Special schools", "Not applicable", "Special", true)
            }
            CensusType::PupilReferralUnit => {
                ("Pupil referral unit", MAINTAINED, "Not applicable", "Pupil referral unit", true)
            }
            CensusType::NonMaintainedSpecial => {
                ("Non-maintained special school", "Special schools", "Not applicable", "", false)
            }
            CensusType::Independent => ("Other independent school", "Independent schools", "Not applicable", "", false),
        };
        Establishment { type_name: type_name.into(), group, phase: phase.into(), ofsted_phase, state_funded }
    }

    fn of_academy(academy: &Academy) -> Establishment {
        // GIAS groups university technical colleges and studio schools with free schools.
        let group = if academy.type_name.starts_with("Academy") { "Academies" } else { "Free Schools" };
        Establishment {
            type_name: academy.type_name.clone(),
            group,
            phase: academy.phase.clone(),
            ofsted_phase: academy_ofsted_phase(&academy.type_name, &academy.phase),
            state_funded: true,
        }
    }
}

/// Ofsted phases by the establishment's type first (special and alternative-provision
/// academies carry GIAS phase "Not applicable"), then by its GIAS phase. Ofsted counts 16–19
/// academies and middle schools deemed secondary among secondaries.
fn academy_ofsted_phase(type_name: &str, phase: &str) -> &'static str {
    let kind = type_name.to_ascii_lowercase();
    if kind.contains("special") {
        return "Special";
    }
    if kind.contains("alternative provision") {
        return "Pupil referral unit";
    }
    match phase {
        "Primary" | "Middle deemed primary" => "Primary",
        "Secondary" | "Middle deemed secondary" | "16 plus" => "Secondary",
        "All through" => "All-through",
        "Nursery" => "Nursery",
        _ => "",
    }
}

/// Every school in the January 2019 census or the June 2019 group links, in URN order.
pub(crate) fn register(s: &Sources) -> Vec<Entry> {
    let urns: BTreeSet<i64> = s.census.keys().chain(s.academies.keys()).copied().collect();
    let builder = RegisterBuilder {
        s,
        closed: closures(&s.links, &urns),
        link_names: s.links.iter().filter_map(|l| Some((l.link_urn, l.link_name.as_deref()?))).collect(),
    };
    urns.iter().map(|&urn| builder.entry(urn)).collect()
}

/// The sources, with what is worked out from them once for all schools.
struct RegisterBuilder<'s> {
    s: &'s Sources,
    /// Schools closed by the register's date, and when.
    closed: HashMap<i64, Day>,
    /// The names the links file gives the schools it links to.
    link_names: HashMap<i64, &'s str>,
}

impl RegisterBuilder<'_> {
    fn entry(&self, urn: i64) -> Entry {
        let census = self.s.census.get(&urn);
        let academy = self.s.academies.get(&urn);
        // GIAS's own type names for academies are better than the census's broad kinds.
        let establishment = academy
            .map(Establishment::of_academy)
            .or_else(|| census.map(|c| Establishment::of_census(c.kind)))
            .expect("every URN comes from the census or the group links");
        let la_code = census.map(|c| &c.la_code).or(academy.map(|a| &a.la_code)).cloned().unwrap_or_default();
        let close_date = self.closed.get(&urn).copied();
        let performance = self.s.performance.get(&urn);
        let row = GiasRow {
            urn,
            la_name: self.la_name(&la_code, academy),
            la_code,
            establishment_number: census
                .and_then(|c| c.establishment_number)
                .map(|n| format!("{n:04}"))
                .unwrap_or_default(),
            name: self.school_name(urn),
            type_name: establishment.type_name,
            type_group: establishment.group.to_string(),
            status: if close_date.is_some() { CLOSED } else { OPEN }.to_string(),
            close_date,
            phase: establishment.phase,
            census_date: census.map(|_| CENSUS_DAY),
            pupils: census.and_then(|c| c.pupils),
            percentage_fsm: census.and_then(fsm_percent),
            trust: academy.and_then(|a| a.trust.clone()).unwrap_or_default(),
            town: performance.and_then(|p| p.town.clone()).unwrap_or_default(),
            postcode: performance.and_then(|p| p.postcode.clone()).unwrap_or_default(),
            ..GiasRow::default()
        };
        Entry { row, ofsted_phase: establishment.ofsted_phase, state_funded: establishment.state_funded }
    }

    fn la_name(&self, code: &str, academy: Option<&Academy>) -> String {
        let retired = || RETIRED_LAS.iter().find(|(c, _)| *c == code).map(|(_, name)| name.to_string());
        self.s
            .la_names
            .get(code)
            .cloned()
            .or_else(retired)
            .or_else(|| academy.map(|a| a.la_name.clone()))
            .unwrap_or_else(|| format!("LA {code} (name not in bundled data)"))
    }

    /// The school's name from the first source that gives one: the 2019 performance tables,
    /// the June 2019 group links, the 2023/24 KS4 information, then the 2021 links file.
    fn school_name(&self, urn: i64) -> String {
        let s = self.s;
        s.performance
            .get(&urn)
            .and_then(|p| p.name.clone())
            .or_else(|| s.academies.get(&urn).map(|a| a.name.clone()))
            .or_else(|| s.ks4_names.get(&urn).cloned())
            .or_else(|| self.link_names.get(&urn).map(|n| n.to_string()))
            .unwrap_or_else(|| format!("URN {urn} (name not in bundled data)"))
    }
}

fn fsm_percent(c: &CensusSchool) -> Option<f64> {
    match (c.fsm_pupils, c.pupils) {
        (Some(fsm), Some(pupils)) if pupils > 0 => Some(100.0 * fsm as f64 / pupils as f64),
        _ => None,
    }
}

/// Schools that had become another register school by the register's date, with the day they
/// did: a converted school and its academy both appear in the sources, and only one is open.
fn closures(links: &[Link], register: &BTreeSet<i64>) -> HashMap<i64, Day> {
    let mut closed: HashMap<i64, Day> = HashMap::new();
    for link in links {
        let Some(day) = link.established.filter(|d| *d <= AS_AT) else {
            continue;
        };
        if link.link_type.starts_with("Successor")
            && link.urn != link.link_urn
            && register.contains(&link.urn)
            && register.contains(&link.link_urn)
        {
            closed.entry(link.urn).and_modify(|d| *d = (*d).min(day)).or_insert(day);
        }
    }
    closed
}

/// One row a state-funded school open on the register, with its latest graded inspection
/// where the performance extracts record one.
pub(crate) fn latest_inspections(register: &[Entry], s: &Sources) -> Vec<MiRow> {
    register
        .iter()
        .filter(|e| e.state_funded && e.row.close_date.is_none())
        .map(|e| {
            let r = &e.row;
            let latest = s.performance.get(&r.urn).and_then(|p| p.latest);
            MiRow {
                urn: r.urn,
                laestab: (!r.la_code.is_empty() && !r.establishment_number.is_empty())
                    .then(|| format!("{}{}", r.la_code, r.establishment_number)),
                school_name: r.name.clone(),
                local_authority: r.la_name.clone(),
                ofsted_phase: e.ofsted_phase.to_string(),
                type_of_education: r.type_name.clone(),
                postcode: Some(r.postcode.clone()).filter(|p| !p.is_empty()),
                pupils: r.pupils,
                start_date: latest.map(|l| l.date),
                overall: latest.map(|l| l.grade.to_string()).unwrap_or_default(),
                ..MiRow::default()
            }
        })
        .collect()
}

//! The register and the judgements as they stood on a day, rebuilt from each school's life
//! (open and close dates, predecessor links) and every graded inspection.
//!
//! A school that converted to an academy after the day counts as the school it then was,
//! under its old URN; one not yet open, or already closed, does not count. A school's
//! judgement on the day is its latest graded judgement on or before it; an academy not yet
//! inspected carries its predecessor's, marked as carried.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::analysis::{InspectedSchool, Movement, OutcomeSummary, ProfileSchool, Share, day_words, number_words};
use crate::judgement::{CategoryOfConcern, Judgement};
use crate::school::{Governance, Phase, Status, Urn, open_on};

/// A school as the register describes it, with the dates it opened and closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolLife {
    pub urn: Urn,
    pub name: String,
    pub la_name: String,
    /// The type as the register names it, e.g. "Academy converter".
    pub type_name: String,
    pub phase: Phase,
    pub governance: Governance,
    pub trust: Option<String>,
    pub status: Status,
    pub open_date: Option<NaiveDate>,
    pub close_date: Option<NaiveDate>,
    /// The day of the register extract that describes the school (`None` when no dated
    /// extract does): it was as described, trust and all, on that day.
    pub register_date: Option<NaiveDate>,
}

/// One row of a GIAS group-links snapshot: on `snapshot` (the file's date), `urn` belonged to
/// the group `group_uid` of `group_type`, which it joined on `joined`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustLink {
    pub urn: Urn,
    pub group_uid: i64,
    pub group_name: String,
    /// As GIAS writes it: "Multi-academy trust", "Single-academy trust", "School sponsor", …
    pub group_type: String,
    pub joined: Option<NaiveDate>,
    pub snapshot: NaiveDate,
}

impl TrustLink {
    /// Sponsors and federations are groups, not the trust that runs an academy.
    pub fn is_trust(&self) -> bool {
        matches!(self.group_type.as_str(), "Multi-academy trust" | "Single-academy trust")
    }
}

/// A school's trust on a day, as far as dated files show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TrustAt {
    /// Not an academy or free school that day: no trust runs it.
    None,
    /// A dated file shows the school in this trust on the day: it had joined by then
    /// (`since`, GIAS's joined date) and a snapshot or register extract on or after the day
    /// still lists it there.
    Known { trust: String, since: Option<NaiveDate> },
    /// No dated file places the school in a trust on the day; not guessed from a later one.
    Unknown,
}

/// One school's membership of one trust, from every snapshot that lists it.
#[derive(Debug, Clone, PartialEq)]
struct Membership {
    trust: String,
    /// GIAS's joined date as the newest snapshot gives it (GIAS corrects them), else the first
    /// snapshot that lists the membership.
    start: NaiveDate,
    joined: Option<NaiveDate>,
    /// The newest snapshot (or register extract) that lists it.
    last_seen: NaiveDate,
}

/// `school` (an academy, or any successor) took over from `predecessor`, on `date` when known.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PredecessorLink {
    pub school: Urn,
    pub predecessor: Urn,
    pub date: Option<NaiveDate>,
    /// The successor opened with this link (a conversion, an amalgamation); `false` when the
    /// predecessor merged into a school that already existed.
    pub successor_opened: bool,
}

/// A graded inspection; `judgement` is `None` when it gave no overall grade (the framework of
/// September 2024 and the report cards of November 2025).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GradedVisit {
    pub urn: Urn,
    pub start_date: NaiveDate,
    pub judgement: Option<Judgement>,
    pub category: Option<CategoryOfConcern>,
}

/// The first day graded inspections gave no overall-effectiveness grade.
pub fn overall_grade_removed() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 9, 1).expect("valid date")
}

/// The first day of report-card inspections, which grade evaluation areas on five points.
pub fn report_cards_introduced() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 11, 10).expect("valid date")
}

/// A school's judgement as it stood on a day.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct JudgementAt {
    judgement: Option<Judgement>,
    date: Option<NaiveDate>,
    category: Option<CategoryOfConcern>,
    /// The predecessor whose judgement this is, when the school had none of its own.
    carried_from: Option<Urn>,
    /// The latest graded inspection gave no overall grade (its date).
    no_overall_grade: Option<NaiveDate>,
}

/// How a school's register entry was found: from the register, or made from its successor
/// because no file describes it any more.
#[derive(Debug, Clone, PartialEq)]
struct Life {
    school: SchoolLife,
    made_from_successor: bool,
}

/// Every school's life and graded inspections, ready to answer "as at a day" for any day.
#[derive(Debug, Clone, Default)]
pub struct RegisterHistory {
    lives: Vec<Life>,
    index: HashMap<Urn, usize>,
    predecessors: HashMap<Urn, Vec<Urn>>,
    visits: HashMap<Urn, Vec<GradedVisit>>,
    latest_visit: Option<NaiveDate>,
    memberships: HashMap<Urn, Vec<Membership>>,
    /// The first day a file shows an academy with no opening day open: its first graded
    /// inspection, its joining a trust, or the register extract listing it open.
    first_seen_open: HashMap<Urn, NaiveDate>,
}

/// England and every LA on one day: the series point of the time chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub at: NaiveDate,
    pub england: Share,
    pub england_percent: Option<f64>,
    pub las: BTreeMap<String, Share>,
}

impl RegisterHistory {
    /// `schools` are the state-funded schools the register holds, open or closed; `links` their
    /// predecessors; `visits` every graded inspection. A predecessor no file describes is made
    /// from its successor (same LA and phase, maintained, closed on the conversion day), so the
    /// school it was still counts before the conversion.
    pub fn build(schools: Vec<SchoolLife>, links: Vec<PredecessorLink>, visits: Vec<GradedVisit>) -> RegisterHistory {
        let mut lives: Vec<Life> = schools.into_iter().map(|school| Life { school, made_from_successor: false }).collect();
        let mut index: HashMap<Urn, usize> = lives.iter().enumerate().map(|(i, l)| (l.school.urn, i)).collect();
        let mut predecessors: HashMap<Urn, Vec<Urn>> = HashMap::new();
        for link in links.iter().filter(|l| l.school != l.predecessor) {
            let list = predecessors.entry(link.school).or_default();
            if !list.contains(&link.predecessor) {
                list.push(link.predecessor);
            }
        }
        let converted = conversion_days(&lives, &links);
        for (successor, day) in &converted {
            // The successor opened on its conversion day when the register does not say.
            if let Some(&i) = index.get(successor) {
                lives[i].school.open_date.get_or_insert(*day);
            }
        }
        for link in links.iter().filter(|l| l.school != l.predecessor) {
            let ended = if link.successor_opened { converted.get(&link.school).copied() } else { link.date };
            let (Some(day), Some(&successor)) = (ended, index.get(&link.school)) else { continue };
            // A 16–19 academy's predecessor was a sixth-form college, not a school.
            let made_would_be_a_school = lives[successor].school.phase != Phase::SixteenPlus;
            match index.get(&link.predecessor) {
                // A predecessor the register still shows open closed when its successor took over.
                Some(&p) if lives[p].school.close_date.is_none() => lives[p].school.close_date = Some(day),
                Some(_) => {}
                None if made_would_be_a_school => {
                    let made = made_predecessor(&lives[successor].school, link.predecessor, day);
                    index.insert(link.predecessor, lives.len());
                    lives.push(Life { school: made, made_from_successor: true });
                }
                None => {}
            }
        }
        let latest_visit = visits.iter().map(|v| v.start_date).max();
        let mut by_urn: HashMap<Urn, Vec<GradedVisit>> = HashMap::new();
        for v in visits {
            by_urn.entry(v.urn).or_default().push(v);
        }
        by_urn.values_mut().for_each(|v| v.sort_by_key(|v| v.start_date));
        RegisterHistory {
            lives,
            index,
            predecessors,
            visits: by_urn,
            latest_visit,
            memberships: HashMap::new(),
            first_seen_open: HashMap::new(),
        }
        .with_trust_links(Vec::new())
    }

    /// Adds the GIAS group-links snapshots: each school's trust is then known on the days they
    /// (and the register extracts) date it, and an academy no file gives an opening day for is
    /// counted from the first day a file shows it open.
    pub fn with_trust_links(mut self, links: Vec<TrustLink>) -> RegisterHistory {
        self.memberships = memberships(&self.lives, links);
        self.first_seen_open = self
            .lives
            .iter()
            .map(|l| &l.school)
            .filter(|s| s.governance.is_academy() && s.open_date.is_none())
            .filter_map(|s| {
                let inspected = self.visits.get(&s.urn).and_then(|v| v.first()).map(|v| v.start_date);
                let joined = self.memberships.get(&s.urn).and_then(|m| m.iter().map(|m| m.start).min());
                let listed = s.register_date.filter(|_| s.status == Status::Open);
                [inspected, joined, listed].into_iter().flatten().min().map(|day| (s.urn, day))
            })
            .collect();
        self
    }

    /// The school's trust on `at`: known where a dated file shows it, unknown otherwise.
    pub fn trust_at(&self, urn: Urn, at: NaiveDate) -> TrustAt {
        let Some(life) = self.life(urn) else { return TrustAt::Unknown };
        // Before it opened as an academy it was not one (a converter's predecessor had no trust).
        if !life.school.governance.is_academy() || life.school.open_date.is_some_and(|d| d > at) {
            return TrustAt::None;
        }
        // The membership most recently joined by the day, if a file still lists it then.
        let current = self.memberships.get(&urn).into_iter().flatten().filter(|m| m.start <= at).max_by_key(|m| m.start);
        match current {
            Some(m) if at <= m.last_seen => TrustAt::Known { trust: m.trust.clone(), since: m.joined },
            _ => TrustAt::Unknown,
        }
    }

    /// Academies and free schools of `la` (all LAs when `None`) that no file gives an opening
    /// day for and that no file shows open by `at`: left out of the day's figures, and said.
    pub fn opening_unknown_left_out(&self, la: Option<&str>, at: NaiveDate) -> usize {
        self.lives
            .iter()
            .map(|l| &l.school)
            .filter(|s| la.is_none_or(|la| s.la_name == la) && s.governance.is_state_funded())
            .filter(|s| s.governance.is_academy() && s.open_date.is_none())
            .filter(|s| open_on(s.status, s.open_date, s.close_date, at))
            .filter(|s| self.first_seen_open.get(&s.urn).is_none_or(|d| *d > at))
            .count()
    }

    /// The newest graded inspection held: the end of any time series.
    pub fn latest_visit(&self) -> Option<NaiveDate> {
        self.latest_visit
    }

    /// Every state-funded school open on `at`, with its judgement as it stood then.
    pub fn schools_at(&self, at: NaiveDate) -> Vec<ProfileSchool> {
        self.lives_at(at, |_| true).map(|(_, p)| p).collect()
    }

    /// One LA's schools open on `at`, each with its register entry and its judgement then.
    pub fn la_schools_at<'a>(&'a self, la: &'a str, at: NaiveDate) -> Vec<(&'a SchoolLife, ProfileSchool)> {
        self.lives_at(at, move |s| s.la_name == la).collect()
    }

    fn lives_at<'a>(&'a self, at: NaiveDate, wanted: impl Fn(&SchoolLife) -> bool + 'a) -> impl Iterator<Item = (&'a SchoolLife, ProfileSchool)> + 'a {
        self.lives
            .iter()
            .map(|l| &l.school)
            .filter(move |s| wanted(s) && s.governance.is_state_funded() && open_on(s.status, s.open_date, s.close_date, at))
            .filter(move |s| self.placed_by(s, at))
            .map(move |s| {
                let j = self.judgement_at(s.urn, at, false);
                let trust = self.trust_at(s.urn, at);
                let profile = ProfileSchool {
                    urn: s.urn,
                    la_name: s.la_name.clone(),
                    phase: s.phase,
                    governance: s.governance,
                    // A school before its conversion had no trust; an academy's is known only
                    // where a dated file shows it.
                    trust_unknown: trust == TrustAt::Unknown,
                    trust: match trust {
                        TrustAt::Known { trust, .. } => Some(trust),
                        _ => None,
                    },
                    latest: j.judgement,
                    judged_on: j.date,
                    carried_from: j.carried_from,
                    no_overall_grade_since: j.no_overall_grade,
                    opening_unknown: s.governance.is_academy() && s.open_date.is_none(),
                };
                (s, profile)
            })
    }

    /// An academy with no opening day counts only from the first day a file shows it open;
    /// before then it is left out (and counted by [`Self::opening_unknown_left_out`]).
    fn placed_by(&self, s: &SchoolLife, at: NaiveDate) -> bool {
        !(s.governance.is_academy() && s.open_date.is_none()) || self.first_seen_open.get(&s.urn).is_some_and(|d| *d <= at)
    }

    /// What the day's register cannot say of `la`, in words: academies left out because no
    /// file gives their opening day or shows them open by then, and academies whose trust on
    /// the day no dated file shows.
    pub fn register_caveats(&self, la: &str, at: NaiveDate) -> Vec<String> {
        let mut out = Vec::new();
        let left_out = self.opening_unknown_left_out(Some(la), at);
        if left_out > 0 {
            out.push(format!(
                "{} left out: no file gives the day {} opened, and none shows {} open by {} (an inspection, joining a trust, a register extract).",
                sentence_start(&counted(left_out, "academy or free school is", "academies or free schools are")),
                if left_out == 1 { "it" } else { "they" },
                if left_out == 1 { "it" } else { "them" },
                day_words(at)
            ));
        }
        let academies: Vec<Urn> = self.la_schools_at(la, at).into_iter().filter(|(s, _)| s.governance.is_academy()).map(|(s, _)| s.urn).collect();
        let unknown = academies.iter().filter(|u| self.trust_at(**u, at) == TrustAt::Unknown).count();
        if unknown > 0 {
            out.push(format!(
                "On {} the trust of {} of {la}'s {} is not known: no dated file (a GIAS group-links snapshot, a register extract) lists {} then, and none is guessed from a later one.",
                day_words(at),
                number_words(unknown),
                counted(academies.len(), "academy and free school", "academies and free schools"),
                if unknown == 1 { "it" } else { "them" }
            ));
        }
        out
    }

    /// The school's latest graded judgement on (or, with `before`, strictly before) `at`;
    /// when it has none, its predecessors' latest, marked as carried.
    fn judgement_at(&self, urn: Urn, at: NaiveDate, before: bool) -> JudgementAt {
        let own = self.own_judgement(urn, at, before);
        if own.judgement.is_some() || own.no_overall_grade.is_some() {
            return own;
        }
        let mut seen = HashSet::from([urn]);
        let mut frontier: Vec<Urn> = self.predecessors.get(&urn).cloned().unwrap_or_default();
        while !frontier.is_empty() {
            let carried = frontier
                .iter()
                .map(|p| JudgementAt { carried_from: Some(*p), ..self.own_judgement(*p, at, before) })
                .filter(|j| j.judgement.is_some())
                .max_by_key(|j| j.date);
            if let Some(found) = carried {
                return found;
            }
            // Further back: the predecessors' own predecessors (a school re-brokered twice).
            seen.extend(frontier.iter().copied());
            frontier = frontier
                .iter()
                .flat_map(|p| self.predecessors.get(p).into_iter().flatten().copied())
                .filter(|p| !seen.contains(p))
                .collect();
        }
        own
    }

    fn own_judgement(&self, urn: Urn, at: NaiveDate, before: bool) -> JudgementAt {
        let visits = self.visits.get(&urn).map_or(&[][..], Vec::as_slice);
        let count = visits.partition_point(|v| if before { v.start_date < at } else { v.start_date <= at });
        match visits[..count].last() {
            Some(v) if v.judgement.is_none() => JudgementAt { no_overall_grade: Some(v.start_date), ..Default::default() },
            Some(v) => JudgementAt { judgement: v.judgement, date: Some(v.start_date), category: v.category, ..Default::default() },
            None => JudgementAt::default(),
        }
    }

    /// The LA a URN belongs to, its name and phase, if the register (or a successor) says.
    fn life(&self, urn: Urn) -> Option<&Life> {
        self.index.get(&urn).map(|&i| &self.lives[i])
    }

    /// Graded inspections of `la`'s schools that started from `from` to `to`, each with the
    /// school's judgement before it (carried from its predecessor when it had none of its own),
    /// and how many gave no overall grade.
    pub fn outcomes(&self, la: &str, from: NaiveDate, to: NaiveDate) -> OutcomeSummary {
        let mut inspected = Vec::new();
        let mut without_overall_grade = 0;
        for (urn, visits) in &self.visits {
            let Some(life) = self.life(*urn).filter(|l| l.school.la_name == la) else { continue };
            for v in visits.iter().filter(|v| v.start_date >= from && v.start_date <= to) {
                let Some(judgement) = v.judgement else {
                    without_overall_grade += 1;
                    continue;
                };
                let previous = self.judgement_at(*urn, v.start_date, true);
                inspected.push(InspectedSchool {
                    urn: *urn,
                    name: life.school.name.clone(),
                    phase: life.school.phase,
                    start_date: v.start_date,
                    judgement,
                    category: v.category,
                    previous: previous.judgement,
                    previous_date: previous.date,
                    previous_urn: previous.carried_from,
                    movement: Movement::between(previous.judgement, judgement),
                });
            }
        }
        let mut summary = OutcomeSummary::build(la, from, to, inspected);
        summary.without_overall_grade = without_overall_grade;
        summary
    }

    /// England's and every LA's share good or outstanding on each of `days`.
    pub fn series(&self, days: &[NaiveDate]) -> Vec<SeriesPoint> {
        days.iter()
            .map(|&at| {
                let schools = self.schools_at(at);
                let mut england = Share::default();
                let mut las: BTreeMap<String, Share> = BTreeMap::new();
                for s in &schools {
                    england.add(s);
                    las.entry(s.la_name.clone()).or_default().add(s);
                }
                SeriesPoint { at, england, england_percent: england.percent(), las }
            })
            .collect()
    }

    /// How many schools counted on `at` were made from their successor (no file describes
    /// them): the register's own gap, stated beside the figures.
    pub fn made_from_successor_at(&self, la: Option<&str>, at: NaiveDate) -> usize {
        self.lives
            .iter()
            .filter(|l| l.made_from_successor && la.is_none_or(|la| l.school.la_name == la))
            .filter(|l| open_on(l.school.status, l.school.open_date, l.school.close_date, at))
            .count()
    }
}

/// A count and its noun ("one academy", "two academies"), the number in words as
/// `analysis` writes it.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", number_words(n), if n == 1 { one } else { many })
}

fn sentence_start(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The days the time series is drawn at: 31 August (the end of each school year) from 2006 to
/// the last year the data reaches, then the newest inspection's day.
pub fn series_days(latest: Option<NaiveDate>) -> Vec<NaiveDate> {
    let Some(latest) = latest else { return Vec::new() };
    let mut days: Vec<NaiveDate> =
        (2006..=latest.year()).filter_map(|y| NaiveDate::from_ymd_opt(y, 8, 31)).filter(|d| *d <= latest).collect();
    if days.last() != Some(&latest) {
        days.push(latest);
    }
    days
}

/// Each successor's conversion day: its opening date, else the earliest date of the links it
/// opened with. A successor with neither cannot be placed and keeps its register dates.
fn conversion_days(lives: &[Life], links: &[PredecessorLink]) -> HashMap<Urn, NaiveDate> {
    let opened: HashMap<Urn, Option<NaiveDate>> = lives.iter().map(|l| (l.school.urn, l.school.open_date)).collect();
    let mut days: HashMap<Urn, NaiveDate> = HashMap::new();
    for link in links.iter().filter(|l| l.school != l.predecessor && l.successor_opened) {
        let Some(day) = opened.get(&link.school).copied().flatten().or(link.date) else { continue };
        days.entry(link.school).and_modify(|d| *d = (*d).min(day)).or_insert(day);
    }
    days
}

/// Each school's trust memberships: one per (school, group) over the snapshots, named as the
/// newest snapshot names it, dated by its joined date; a membership the register extract
/// also names (the same trust) is seen until that extract's day.
fn memberships(lives: &[Life], links: Vec<TrustLink>) -> HashMap<Urn, Vec<Membership>> {
    let mut by_group: HashMap<(Urn, i64), (TrustLink, NaiveDate)> = HashMap::new();
    for link in links.into_iter().filter(TrustLink::is_trust) {
        let first = link.snapshot;
        by_group
            .entry((link.urn, link.group_uid))
            .and_modify(|(newest, first_seen)| {
                *first_seen = (*first_seen).min(first);
                if link.snapshot > newest.snapshot {
                    *newest = link.clone();
                }
            })
            .or_insert((link, first));
    }
    let mut out: HashMap<Urn, Vec<Membership>> = HashMap::new();
    for ((urn, _), (newest, first_seen)) in by_group {
        out.entry(urn).or_default().push(Membership {
            trust: newest.group_name,
            start: newest.joined.unwrap_or(first_seen),
            joined: newest.joined,
            last_seen: newest.snapshot,
        });
    }
    for life in lives.iter().map(|l| &l.school).filter(|s| s.governance.is_academy()) {
        let (Some(trust), Some(day)) = (&life.trust, life.register_date) else { continue };
        let list = out.entry(life.urn).or_default();
        match list.iter_mut().find(|m| m.trust.eq_ignore_ascii_case(trust)) {
            Some(m) => m.last_seen = m.last_seen.max(day),
            // Only the extract's own day is dated: when the school joined is not known.
            None => list.push(Membership { trust: trust.clone(), start: day, joined: None, last_seen: day }),
        }
    }
    out
}

/// The school a predecessor was, as far as its successor tells: same LA and phase, run by the
/// LA (the usual case: converters and most sponsored academies replaced maintained schools),
/// closed the day its successor opened.
fn made_predecessor(successor: &SchoolLife, urn: Urn, converted: NaiveDate) -> SchoolLife {
    SchoolLife {
        urn,
        name: format!("{} (predecessor, URN {urn})", successor.name),
        la_name: successor.la_name.clone(),
        type_name: "School before conversion (described by its successor)".to_string(),
        phase: successor.phase,
        governance: Governance::Maintained,
        trust: None,
        status: Status::Closed,
        open_date: None,
        close_date: Some(converted),
        register_date: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Judgement::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn life(urn: i64, governance: Governance, open: Option<NaiveDate>, close: Option<NaiveDate>) -> SchoolLife {
        SchoolLife {
            urn: Urn(urn),
            name: format!("School {urn}"),
            la_name: "Stoke-on-Trent".into(),
            type_name: String::new(),
            phase: Phase::Primary,
            governance,
            trust: governance.is_academy().then(|| "Trust".to_string()),
            status: if close.is_some() { Status::Closed } else { Status::Open },
            open_date: open,
            close_date: close,
            register_date: None,
        }
    }

    fn visit(urn: i64, date: NaiveDate, j: Option<Judgement>) -> GradedVisit {
        GradedVisit { urn: Urn(urn), start_date: date, judgement: j, category: None }
    }

    fn link(school: i64, predecessor: i64, date: Option<NaiveDate>) -> PredecessorLink {
        PredecessorLink { school: Urn(school), predecessor: Urn(predecessor), date, successor_opened: true }
    }

    /// Academy 2 converted from school 1 (absent from the register) on 1 April 2016; school 3
    /// opened in 2016; school 4 closed in 2013; school 5 is maintained throughout.
    fn history() -> RegisterHistory {
        RegisterHistory::build(
            vec![
                life(2, Governance::AcademyConverter, None, None),
                life(3, Governance::FreeSchool, Some(d(2016, 9, 1)), None),
                life(4, Governance::Maintained, None, Some(d(2013, 8, 31))),
                life(5, Governance::Maintained, None, None),
            ],
            vec![link(2, 1, Some(d(2016, 4, 1)))],
            vec![
                visit(1, d(2010, 5, 1), Some(RequiresImprovement)),
                visit(1, d(2013, 5, 1), Some(Good)),
                visit(2, d(2018, 1, 10), Some(Outstanding)),
                visit(5, d(2014, 1, 1), Some(Inadequate)),
                visit(5, d(2025, 1, 1), None),
            ],
        )
    }

    fn urns(schools: &[ProfileSchool]) -> Vec<i64> {
        let mut u: Vec<i64> = schools.iter().map(|s| s.urn.0).collect();
        u.sort();
        u
    }

    fn trust_link(urn: i64, joined: NaiveDate, snapshot: NaiveDate) -> TrustLink {
        TrustLink { urn: Urn(urn), group_uid: 1, group_name: "Trust".into(), group_type: "Multi-academy trust".into(), joined: Some(joined), snapshot }
    }

    #[test]
    fn before_conversion_the_school_counts_as_it_then_was() {
        let h = history().with_trust_links(vec![trust_link(2, d(2016, 4, 1), d(2019, 6, 1))]);
        let in_2015 = h.schools_at(d(2015, 1, 27));
        assert_eq!(urns(&in_2015), vec![1, 5], "the predecessor, not the academy; 3 not open, 4 closed");
        let old = in_2015.iter().find(|s| s.urn == Urn(1)).unwrap();
        assert_eq!((old.governance, old.latest, old.trust.as_deref()), (Governance::Maintained, Some(Good), None));
        assert_eq!(h.made_from_successor_at(Some("Stoke-on-Trent"), d(2015, 1, 27)), 1);
        let in_2017 = h.schools_at(d(2017, 1, 1));
        assert_eq!(urns(&in_2017), vec![2, 3, 5]);
        let academy = in_2017.iter().find(|s| s.urn == Urn(2)).unwrap();
        assert_eq!((academy.latest, academy.carried_from), (Some(Good), Some(Urn(1))), "carried and marked");
        assert_eq!(academy.trust.as_deref(), Some("Trust"));
        let in_2019 = h.schools_at(d(2019, 1, 1));
        let academy = in_2019.iter().find(|s| s.urn == Urn(2)).unwrap();
        assert_eq!((academy.latest, academy.carried_from), (Some(Outstanding), None), "its own judgement");
        assert_eq!(h.made_from_successor_at(None, d(2019, 1, 1)), 0);
    }

    #[test]
    fn an_academy_with_no_opening_day_counts_from_the_first_file_showing_it_open() {
        // Academy 7: no opening day, no predecessor link; first inspected in 2018.
        let h = RegisterHistory::build(
            vec![life(7, Governance::AcademySponsorLed, None, None)],
            vec![],
            vec![visit(7, d(2018, 3, 1), Some(Good))],
        );
        assert!(h.schools_at(d(2015, 1, 27)).is_empty(), "not counted as open on every day");
        assert_eq!(h.opening_unknown_left_out(Some("Stoke-on-Trent"), d(2015, 1, 27)), 1);
        assert_eq!(
            h.register_caveats("Stoke-on-Trent", d(2015, 1, 27))[0],
            "One academy or free school is left out: no file gives the day it opened, and none shows it open by 27 January 2015 (an inspection, joining a trust, a register extract)."
        );
        assert_eq!(urns(&h.schools_at(d(2018, 3, 1))), vec![7]);
        assert_eq!(h.opening_unknown_left_out(None, d(2018, 3, 1)), 0);
        // Joining a trust earlier shows it open earlier.
        let h = h.with_trust_links(vec![trust_link(7, d(2016, 9, 1), d(2018, 5, 1))]);
        assert_eq!(urns(&h.schools_at(d(2016, 9, 1))), vec![7]);
        assert_eq!(h.trust_at(Urn(7), d(2017, 1, 1)), TrustAt::Known { trust: "Trust".into(), since: Some(d(2016, 9, 1)) });
        assert_eq!(h.trust_at(Urn(7), d(2018, 6, 1)), TrustAt::Unknown, "after the last snapshot listing it");
    }

    #[test]
    fn an_inspection_without_an_overall_grade_is_counted_not_graded() {
        let h = history();
        let school = h.schools_at(d(2025, 6, 1)).into_iter().find(|s| s.urn == Urn(5)).unwrap();
        assert_eq!((school.latest, school.no_overall_grade_since), (None, Some(d(2025, 1, 1))));
        let mut share = Share::default();
        share.add(&school);
        assert_eq!((share.schools, share.inspected, share.no_overall_grade), (1, 0, 1));
    }

    #[test]
    fn outcomes_carry_the_previous_judgement_across_a_conversion() {
        let h = history();
        let s = h.outcomes("Stoke-on-Trent", d(2018, 1, 1), d(2018, 1, 31));
        assert_eq!(s.inspected, 1);
        let only = &s.schools[0];
        assert_eq!((only.previous, only.previous_urn, only.movement), (Some(Good), Some(Urn(1)), Movement::Improved));
        assert_eq!((s.previous_known, s.previous_carried), (1, 1));
        let later = h.outcomes("Stoke-on-Trent", d(2024, 9, 1), d(2025, 12, 31));
        assert_eq!((later.inspected, later.without_overall_grade), (0, 1));
        let early = h.outcomes("Stoke-on-Trent", d(2013, 1, 1), d(2013, 12, 31));
        assert_eq!(early.schools[0].movement, Movement::Improved, "satisfactory to good under the predecessor's URN");
    }

    #[test]
    fn series_runs_yearly_to_the_newest_inspection() {
        let days = series_days(Some(d(2008, 3, 1)));
        assert_eq!(days, vec![d(2006, 8, 31), d(2007, 8, 31), d(2008, 3, 1)]);
        assert!(series_days(None).is_empty());
        let h = history();
        let points = h.series(&[d(2015, 1, 27)]);
        assert_eq!((points[0].england.schools, points[0].england.inspected, points[0].england.good_or_outstanding), (2, 2, 1));
        assert_eq!(points[0].las["Stoke-on-Trent"].percent(), Some(50.0));
    }

    #[test]
    fn a_predecessor_the_register_still_shows_open_closes_at_conversion() {
        let h = RegisterHistory::build(
            vec![life(1, Governance::Maintained, None, None), life(2, Governance::AcademySponsorLed, Some(d(2014, 9, 1)), None)],
            vec![link(2, 1, None)],
            vec![],
        );
        assert_eq!(urns(&h.schools_at(d(2014, 8, 31))), vec![1]);
        assert_eq!(urns(&h.schools_at(d(2014, 9, 1))), vec![2], "never both");
    }

    #[test]
    fn a_merger_into_an_existing_school_does_not_reopen_it() {
        let merged = PredecessorLink { successor_opened: false, ..link(5, 6, Some(d(2021, 8, 31))) };
        let h = RegisterHistory::build(vec![life(5, Governance::Maintained, None, None)], vec![merged], vec![]);
        assert_eq!(urns(&h.schools_at(d(2015, 1, 1))), vec![5, 6], "both schools existed before the merger");
        assert_eq!(urns(&h.schools_at(d(2021, 9, 1))), vec![5]);
    }
}

//! The questions the seed letters answer, computed from plain rows: an LA's profile against
//! England and every other LA (letter 002), and the outcomes of inspections in a period with
//! their movement from the previous judgement (letters 003, 004).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::judgement::{CategoryOfConcern, Judgement};
use crate::school::{Governance, Inspection, Phase, Urn};
use crate::settings::Thresholds;
pub use crate::words::number_words;
use crate::words::{and_list, capitalised, count, pronoun, semicolon_list, verb};

/// An open, state-funded school as it stood on the profile date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileSchool {
    pub urn: Urn,
    pub la_name: String,
    pub phase: Phase,
    pub governance: Governance,
    pub trust: Option<String>,
    /// An academy or free school whose trust on the profile date no dated file shows
    /// (`as_at::TrustAt::Unknown`): not counted among the trusts, and said.
    #[serde(default)]
    pub trust_unknown: bool,
    /// The latest graded judgement made on or before the profile date.
    pub latest: Option<Judgement>,
    /// The day of that judgement.
    pub judged_on: Option<NaiveDate>,
    /// The predecessor (before an academy conversion) whose judgement `latest` is, when the
    /// school had none of its own yet.
    pub carried_from: Option<Urn>,
    /// The school's latest graded inspection gave no overall grade (since September 2024):
    /// its day. `latest` is then `None`: no grade is invented.
    pub no_overall_grade_since: Option<NaiveDate>,
    /// An academy or free school no file gives an opening day for: counted as open, and said.
    pub opening_unknown: bool,
}

/// How many schools of a group there are, how many have a known judgement (`inspected`: the
/// coverage), and how many of those are good or outstanding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub schools: usize,
    pub inspected: usize,
    pub good_or_outstanding: usize,
    /// Of `inspected`, judgements carried from the school's predecessor.
    pub carried: usize,
    /// Schools whose latest graded inspection gave no overall grade (not in `inspected`).
    pub no_overall_grade: usize,
}

impl Share {
    pub(crate) fn add(&mut self, school: &ProfileSchool) {
        self.schools += 1;
        if school.no_overall_grade_since.is_some() {
            self.no_overall_grade += 1;
        }
        if let Some(j) = school.latest {
            self.inspected += 1;
            if school.carried_from.is_some() {
                self.carried += 1;
            }
            if j.is_good_or_better() {
                self.good_or_outstanding += 1;
            }
        }
    }

    /// Percentage of the schools with a known judgement; `None` when there are no schools.
    pub fn coverage_percent(&self) -> Option<f64> {
        (self.schools > 0).then(|| 100.0 * self.inspected as f64 / self.schools as f64)
    }

    /// "38 of 101 (38%)": the coverage as the pages and the CLI show it.
    pub fn coverage_words(&self) -> String {
        match self.coverage_percent() {
            Some(p) => format!("{} of {} ({p:.0}%)", self.inspected, self.schools),
            None => "no schools".to_string(),
        }
    }

    /// Percentage good or outstanding among the inspected; `None` when none were inspected.
    pub fn percent(&self) -> Option<f64> {
        (self.inspected > 0)
            .then(|| 100.0 * self.good_or_outstanding as f64 / self.inspected as f64)
    }
}

/// The phase groups a share is reported for: each reported phase, and every school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseGroup {
    All,
    Phase(Phase),
}

impl PhaseGroup {
    pub fn label(self) -> &'static str {
        match self {
            PhaseGroup::All => "all schools",
            PhaseGroup::Phase(p) => p.label(),
        }
    }

    fn groups() -> impl Iterator<Item = PhaseGroup> {
        std::iter::once(PhaseGroup::All).chain(Phase::REPORTED.into_iter().map(PhaseGroup::Phase))
    }

    pub(crate) fn contains(self, phase: Phase) -> bool {
        match self {
            PhaseGroup::All => true,
            PhaseGroup::Phase(p) => phase.reporting_group() == p,
        }
    }
}

/// An LA's share for one phase group beside England's, with its rank among all LAs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseShare {
    pub group: PhaseGroup,
    pub label: String,
    pub la: Share,
    pub la_percent: Option<f64>,
    pub england: Share,
    pub england_percent: Option<f64>,
    /// Percentage of the LA's schools in the group with a known judgement.
    pub coverage_percent: Option<f64>,
    /// 1 is the highest percentage; ties share a rank. `None` when the LA's coverage is below
    /// the threshold (see `not_ranked`).
    pub rank: Option<usize>,
    /// How many LAs are ranked in the group (those with enough coverage).
    pub out_of: usize,
    /// The rank in the letters' words, e.g. "one of the 10 worst in England".
    pub standing: Option<String>,
    /// Why the LA is not ranked, in words.
    pub not_ranked: Option<String>,
}

/// Schools of one phase in an LA by who runs them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseBreakdown {
    pub phase: Phase,
    pub label: String,
    pub total: usize,
    pub by_governance: BTreeMap<Governance, usize>,
}

/// An LA as at a date (letter 002's "Context" paragraph and its national comparison).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaProfile {
    pub la_name: String,
    pub at: NaiveDate,
    pub schools: usize,
    pub phases: Vec<PhaseBreakdown>,
    pub by_governance: BTreeMap<Governance, usize>,
    /// Distinct trusts that run at least one of the LA's schools, where a dated file shows it.
    pub trusts: usize,
    /// Academies and free schools whose trust on the day is not known.
    #[serde(default)]
    pub trusts_unknown: usize,
    pub shares: Vec<PhaseShare>,
    /// Graded judgements of the LA's schools, for the chart.
    pub judgements: BTreeMap<Judgement, usize>,
    /// The threshold the ranks were decided with.
    pub thresholds: Thresholds,
    /// What the figures cannot say: coverage below the threshold, judgements carried across
    /// conversions, inspections without an overall grade, grade 3's name on the day.
    pub caveats: Vec<String>,
}

/// One LA in the national league table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedLa {
    /// `None` when too few of its schools have a known judgement to rank it.
    pub rank: Option<usize>,
    pub la_name: String,
    pub share: Share,
    pub percent: Option<f64>,
    pub coverage_percent: Option<f64>,
    pub not_ranked: Option<String>,
}

/// All LAs ranked by percentage of schools good or outstanding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaRanking {
    pub at: NaiveDate,
    pub group: PhaseGroup,
    pub england: Share,
    pub england_percent: Option<f64>,
    pub england_coverage_percent: Option<f64>,
    pub thresholds: Thresholds,
    pub las: Vec<RankedLa>,
}

fn shares_by_la(schools: &[ProfileSchool], group: PhaseGroup) -> HashMap<&str, Share> {
    let mut by_la: HashMap<&str, Share> = HashMap::new();
    for s in schools.iter().filter(|s| group.contains(s.phase)) {
        by_la.entry(s.la_name.as_str()).or_default().add(s);
    }
    by_la
}

pub(crate) fn england_share(schools: &[ProfileSchool], group: PhaseGroup) -> Share {
    let mut share = Share::default();
    schools.iter().filter(|s| group.contains(s.phase)).for_each(|s| share.add(s));
    share
}

/// Rank with ties: one more than the number of LAs strictly ahead.
fn rank_of(percent: f64, all: &[f64], ahead: impl Fn(f64, f64) -> bool) -> usize {
    1 + all.iter().filter(|&&p| ahead(p, percent)).count()
}

/// The letters' way of saying where an LA stands (002: "one of the 10 worst in England …
/// in the bottom 20% of authorities").
pub fn standing(rank: usize, out_of: usize, from_bottom: usize) -> String {
    let fifth = (out_of as f64 * 0.2).floor() as usize;
    if from_bottom <= 10 && from_bottom < rank {
        "one of the 10 worst in England".to_string()
    } else if from_bottom <= fifth && from_bottom < rank {
        "in the bottom 20% of local authorities".to_string()
    } else if rank <= 10 {
        "one of the 10 best in England".to_string()
    } else if rank <= fifth {
        "in the top 20% of local authorities".to_string()
    } else {
        format!("ranked {rank} of {out_of} local authorities")
    }
}

/// The day as the letters write it: "27 January 2015".
pub fn day_words(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// Why an LA is not ranked: "judgements known for 38% of Stoke-on-Trent's schools on 27
/// January 2015: not enough to rank".
fn not_enough_to_rank(la_name: &str, group: PhaseGroup, share: &Share, at: NaiveDate, thresholds: &Thresholds) -> Option<String> {
    if thresholds.enough(share.inspected, share.schools) {
        return None;
    }
    let what = group_noun(group, 2);
    Some(format!(
        "judgements known for {:.0}% of {la_name}'s {what} on {}: not enough to rank (the threshold is {:.0}%)",
        share.coverage_percent().unwrap_or(0.0),
        day_words(at),
        thresholds.min_coverage_percent
    ))
}

/// The percentages of the LAs with enough coverage to be ranked: the field every rank is
/// taken in.
fn rankable_percents(by_la: &HashMap<&str, Share>, thresholds: &Thresholds) -> Vec<f64> {
    by_la.values().filter(|s| thresholds.enough(s.inspected, s.schools)).filter_map(Share::percent).collect()
}

impl LaRanking {
    pub fn build(at: NaiveDate, group: PhaseGroup, schools: &[ProfileSchool], thresholds: &Thresholds) -> LaRanking {
        let england = england_share(schools, group);
        let by_la = shares_by_la(schools, group);
        let percents = rankable_percents(&by_la, thresholds);
        let mut las: Vec<RankedLa> = by_la
            .iter()
            .map(|(la, share)| {
                let not_ranked = not_enough_to_rank(la, group, share, at, thresholds);
                RankedLa {
                    rank: share.percent().filter(|_| not_ranked.is_none()).map(|p| rank_of(p, &percents, |a, b| a > b)),
                    la_name: la.to_string(),
                    share: *share,
                    percent: share.percent(),
                    coverage_percent: share.coverage_percent(),
                    not_ranked,
                }
            })
            .collect();
        // Ranked LAs first by rank, then the unranked by name.
        las.sort_by(|a, b| a.rank.unwrap_or(usize::MAX).cmp(&b.rank.unwrap_or(usize::MAX)).then_with(|| a.la_name.cmp(&b.la_name)));
        LaRanking {
            at,
            group,
            england,
            england_percent: england.percent(),
            england_coverage_percent: england.coverage_percent(),
            thresholds: *thresholds,
            las,
        }
    }
}

impl LaProfile {
    /// The profile of `la_name` among `schools`, which must be every open state-funded school
    /// in England on `at` (the comparison and the ranks need them all).
    pub fn build(la_name: &str, at: NaiveDate, schools: &[ProfileSchool], thresholds: &Thresholds) -> LaProfile {
        let own: Vec<&ProfileSchool> = schools.iter().filter(|s| s.la_name == la_name).collect();
        let mut phases: BTreeMap<Phase, PhaseBreakdown> = BTreeMap::new();
        let mut by_governance = BTreeMap::new();
        let mut judgements = BTreeMap::new();
        for s in &own {
            let entry = phases.entry(s.phase).or_insert_with(|| PhaseBreakdown {
                phase: s.phase,
                label: s.phase.label().to_string(),
                total: 0,
                by_governance: BTreeMap::new(),
            });
            entry.total += 1;
            *entry.by_governance.entry(s.governance).or_insert(0) += 1;
            *by_governance.entry(s.governance).or_insert(0) += 1;
            if let Some(j) = s.latest {
                *judgements.entry(j).or_insert(0) += 1;
            }
        }
        let trusts: BTreeSet<&str> = own.iter().filter_map(|s| s.trust.as_deref()).collect();
        let shares = PhaseGroup::groups()
            .map(|group| phase_share(la_name, at, group, schools, thresholds))
            .filter(|share| share.la.schools > 0)
            .collect();
        let caveats = caveats(la_name, at, &own);
        LaProfile {
            la_name: la_name.to_string(),
            at,
            schools: own.len(),
            phases: phases.into_values().collect(),
            by_governance,
            trusts: trusts.len(),
            trusts_unknown: own.iter().filter(|s| s.trust_unknown).count(),
            shares,
            judgements,
            thresholds: *thresholds,
            caveats,
        }
    }
}

/// What a profile's figures cannot say, counted: judgements carried from predecessors,
/// schools whose latest inspection gave no overall grade (by framework), and grade 3's name.
fn caveats(la_name: &str, at: NaiveDate, own: &[&ProfileSchool]) -> Vec<String> {
    let mut out = Vec::new();
    let carried = own.iter().filter(|s| s.latest.is_some() && s.carried_from.is_some()).count();
    if carried > 0 {
        out.push(format!(
            "{} carried from the school before it became an academy (the academy had not been inspected by {}).",
            capitalised(&format!("{} {}", count(carried, "judgement", "judgements"), verb(carried, "is", "are"))),
            day_words(at)
        ));
    }
    let ungraded: Vec<NaiveDate> = own.iter().filter_map(|s| s.no_overall_grade_since).collect();
    if !ungraded.is_empty() {
        let cards = ungraded.iter().filter(|d| **d >= crate::as_at::report_cards_introduced()).count();
        out.push(format!(
            "{} of {la_name}'s schools {} last inspected on or after 1 September 2024, when graded inspections stopped giving an overall-effectiveness grade{}: {} counted among the schools without a known judgement, not given one.",
            capitalised(&pronoun(ungraded.len())),
            verb(ungraded.len(), "was", "were"),
            if cards > 0 { format!(" ({} of them under the report cards of November 2025, which grade each evaluation area instead)", pronoun(cards)) } else { String::new() },
            verb(ungraded.len(), "it is", "they are")
        ));
    }
    let unplaced = own.iter().filter(|s| s.opening_unknown).count();
    if unplaced > 0 {
        out.push(format!(
            "{} counted as open although no file gives the day {} opened.",
            capitalised(&format!("{} {}", count(unplaced, "academy or free school", "academies or free schools"), verb(unplaced, "is", "are"))),
            verb(unplaced, "it", "they")
        ));
    }
    if at < crate::judgement::requires_improvement_introduced() {
        out.push(format!("On {} grade 3 was called 'satisfactory'; it has been 'requires improvement' since 1 September 2012.", day_words(at)));
    }
    out
}

fn phase_share(la_name: &str, at: NaiveDate, group: PhaseGroup, schools: &[ProfileSchool], thresholds: &Thresholds) -> PhaseShare {
    let by_la = shares_by_la(schools, group);
    let la = by_la.get(la_name).copied().unwrap_or_default();
    let england = england_share(schools, group);
    let percents = rankable_percents(&by_la, thresholds);
    let out_of = percents.len();
    let not_ranked = not_enough_to_rank(la_name, group, &la, at, thresholds);
    let rankable = la.percent().filter(|_| not_ranked.is_none());
    let rank = rankable.map(|p| rank_of(p, &percents, |a, b| a > b));
    let from_bottom = rankable.map(|p| rank_of(p, &percents, |a, b| a < b));
    PhaseShare {
        group,
        label: group.label().to_string(),
        la,
        la_percent: la.percent(),
        coverage_percent: la.coverage_percent(),
        england,
        england_percent: england.percent(),
        rank,
        out_of,
        standing: rank.zip(from_bottom).map(|(r, b)| standing(r, out_of, b)),
        not_ranked,
    }
}

/// How a judgement compares with the school's previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    Improved,
    Held,
    Declined,
    NoPrevious,
}

impl Movement {
    pub fn between(previous: Option<Judgement>, new: Judgement) -> Movement {
        match previous {
            None => Movement::NoPrevious,
            Some(p) if new < p => Movement::Improved,
            Some(p) if new == p => Movement::Held,
            Some(_) => Movement::Declined,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Movement::Improved => "improved",
            Movement::Held => "held",
            Movement::Declined => "declined",
            Movement::NoPrevious => "no previous judgement",
        }
    }
}

/// A graded inspection in the period, with the judgement before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectedSchool {
    pub urn: Urn,
    pub name: String,
    pub phase: Phase,
    pub start_date: NaiveDate,
    pub judgement: Judgement,
    pub category: Option<CategoryOfConcern>,
    pub previous: Option<Judgement>,
    pub previous_date: Option<NaiveDate>,
    /// The predecessor the previous judgement was carried from, across a conversion.
    pub previous_urn: Option<Urn>,
    pub movement: Movement,
}

/// One judgement's count in a period, split by movement (and, for inadequate, by category).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JudgementOutcome {
    pub judgement: Judgement,
    pub label: String,
    pub count: usize,
    pub movements: BTreeMap<Movement, usize>,
    pub categories: BTreeMap<CategoryOfConcern, usize>,
}

/// The outcomes of inspections in an LA over a period (letters 003, 004).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeSummary {
    pub la_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub inspected: usize,
    pub by_phase: BTreeMap<Phase, usize>,
    pub judgements: Vec<JudgementOutcome>,
    pub movements: BTreeMap<Movement, usize>,
    /// How many of the inspected have a known previous judgement (the coverage of movements),
    /// and how many of those were carried from a predecessor school.
    pub previous_known: usize,
    pub previous_carried: usize,
    /// Graded inspections in the period that gave no overall grade (since September 2024):
    /// counted here, not among the judgements.
    pub without_overall_grade: usize,
    pub schools: Vec<InspectedSchool>,
}

impl OutcomeSummary {
    pub fn build(
        la_name: &str,
        from: NaiveDate,
        to: NaiveDate,
        mut schools: Vec<InspectedSchool>,
    ) -> OutcomeSummary {
        schools.sort_by(|a, b| a.start_date.cmp(&b.start_date).then(a.urn.cmp(&b.urn)));
        let mut by_phase = BTreeMap::new();
        let mut movements = BTreeMap::new();
        let mut judgements: Vec<JudgementOutcome> = Judgement::ALL
            .into_iter()
            .map(|j| JudgementOutcome {
                judgement: j,
                label: j.label().to_string(),
                count: 0,
                movements: BTreeMap::new(),
                categories: BTreeMap::new(),
            })
            .collect();
        for s in &schools {
            *by_phase.entry(s.phase).or_insert(0) += 1;
            *movements.entry(s.movement).or_insert(0) += 1;
            let outcome = &mut judgements[s.judgement.grade() as usize - 1];
            outcome.count += 1;
            *outcome.movements.entry(s.movement).or_insert(0) += 1;
            if let Some(c) = s.category {
                *outcome.categories.entry(c).or_insert(0) += 1;
            }
        }
        OutcomeSummary {
            la_name: la_name.to_string(),
            from,
            to,
            inspected: schools.len(),
            by_phase,
            judgements,
            movements,
            previous_known: schools.iter().filter(|s| s.previous.is_some()).count(),
            previous_carried: schools.iter().filter(|s| s.previous.is_some() && s.previous_urn.is_some()).count(),
            without_overall_grade: 0,
            schools,
        }
    }
}

/// An inspection as a school's timeline shows it: its judgement named as on the day, and its
/// movement from the graded inspection before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    #[serde(flatten)]
    pub inspection: Inspection,
    /// e.g. "satisfactory" (before September 2012), "inadequate (special measures)", or for a
    /// graded visit without an overall grade "no overall grade (sub-judgements only)".
    pub judgement_label: Option<String>,
    pub movement: Option<Movement>,
    /// The URN the visit was filed under when it is a predecessor's (before a conversion or
    /// merger), so the page can say whose judgement it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predecessor: Option<Urn>,
}

/// A school's inspections, newest first, each compared with the graded one before it.
pub fn timeline(inspections: Vec<Inspection>) -> Vec<TimelineEntry> {
    entries_newest_first(None, inspections)
}

/// The timeline of the school with URN `urn` from its own visits and its predecessors':
/// visits under another URN are marked as that predecessor's. Movements run across the
/// conversion, as an LA sees the school.
pub fn timeline_across(urn: Urn, inspections: Vec<Inspection>) -> Vec<TimelineEntry> {
    entries_newest_first(Some(urn), inspections)
}

fn entries_newest_first(own: Option<Urn>, mut inspections: Vec<Inspection>) -> Vec<TimelineEntry> {
    inspections.sort_by_key(|i| i.start_date);
    let mut previous: Option<Judgement> = None;
    let mut entries: Vec<TimelineEntry> = inspections
        .into_iter()
        .map(|inspection| {
            let movement = inspection.judgement.map(|j| Movement::between(previous, j));
            previous = inspection.judgement.or(previous);
            let judgement_label = judgement_label(&inspection);
            let predecessor = own.filter(|u| *u != inspection.urn).map(|_| inspection.urn);
            TimelineEntry { inspection, judgement_label, movement, predecessor }
        })
        .collect();
    entries.reverse();
    entries
}

impl TimelineEntry {
    /// What the visit said beyond its overall grade, in words: an ungraded visit's outcome, the
    /// key judgements (grade 3 named as on the day), safeguarding, report-card grades.
    pub fn details(&self) -> Option<String> {
        let detail = &self.inspection.detail;
        let day = self.inspection.start_date;
        let mut parts: Vec<String> = detail.outcome.iter().cloned().collect();
        for (name, grade) in detail.sub_judgements.named() {
            let word = Judgement::from_grade(i64::from(grade)).map_or("?", |j| j.label_at(day));
            parts.push(format!("{name} {word}"));
        }
        match detail.sub_judgements.safeguarding_effective {
            Some(true) => parts.push("safeguarding effective".to_string()),
            Some(false) => parts.push("safeguarding not effective".to_string()),
            None => {}
        }
        for (area, grade) in &detail.report_card {
            parts.push(format!("{}: {}", area.label(), grade.label().to_lowercase()));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// "under predecessor URN 123597" for a visit before a conversion or merger.
    pub fn whose(&self) -> Option<String> {
        self.predecessor.map(|u| format!("under predecessor URN {u}"))
    }
}

/// The judgement as named on the day; a graded visit with no overall grade says why.
fn judgement_label(inspection: &Inspection) -> Option<String> {
    let Some(j) = inspection.judgement else {
        let detail = &inspection.detail;
        return if !detail.report_card.is_empty() {
            Some("report card (no overall grade)".to_string())
        } else if detail.graded == Some(true) && inspection.start_date >= crate::judgement::overall_grade_withdrawn() {
            Some("no overall grade (sub-judgements only)".to_string())
        } else {
            None
        };
    };
    let name = j.label_at(inspection.start_date);
    Some(match inspection.category {
        Some(c) => format!("{name} ({})", c.label()),
        None => name.to_string(),
    })
}

fn schools(n: usize) -> String {
    count(n, "school", "schools")
}

/// How many an inadequate judgement placed in a category: "one placed in special measures",
/// "two with serious weaknesses" (never "one special measures").
fn placed(category: CategoryOfConcern, n: usize) -> String {
    let how = match category {
        CategoryOfConcern::SpecialMeasures => "placed in special measures",
        CategoryOfConcern::SeriousWeaknesses => "with serious weaknesses",
        CategoryOfConcern::NoticeToImprove => "given a notice to improve",
    };
    format!("{} {how}", pronoun(n))
}

/// One judgement's sentence: how many, and where they came from.
fn judgement_sentence(outcome: &JudgementOutcome, inspected: &[&InspectedSchool]) -> String {
    let n = outcome.count;
    let judged = match outcome.judgement {
        Judgement::RequiresImprovement => "judged to require improvement".to_string(),
        Judgement::Inadequate => {
            let categories: Vec<String> =
                outcome.categories.iter().map(|(c, k)| placed(*c, *k)).collect();
            if categories.is_empty() { "judged inadequate".to_string() } else { format!("judged inadequate ({})", categories.join(", ")) }
        }
        j => format!("graded {}", j.label()),
    };
    // Group by where each came from: improved from good, held at good, and so on.
    // The previous judgement is named as it was then: grade 3 before September 2012 was
    // "satisfactory".
    let mut origins: BTreeMap<(Movement, String), usize> = BTreeMap::new();
    for s in inspected.iter().filter(|s| s.judgement == outcome.judgement) {
        let previous = match (s.previous, s.previous_date) {
            (Some(p), Some(d)) => p.label_at(d).to_string(),
            (Some(p), None) => p.label().to_string(),
            (None, _) => String::new(),
        };
        *origins.entry((s.movement, previous)).or_insert(0) += 1;
    }
    let parts: Vec<String> = origins
        .iter()
        .map(|((movement, previous), k)| {
            let who = if n == 1 { "it".to_string() } else if *k == n && n == 2 { "both".to_string() } else if *k == n && n > 2 { format!("all {}", number_words(n)) } else { number_words(*k) };
            match movement {
                Movement::Improved => format!("{who} had improved from a previous {previous} judgement"),
                Movement::Held => format!("{who} had stayed at {previous}"),
                Movement::Declined => format!("{who} had declined from a previous {previous} judgement"),
                Movement::NoPrevious => format!("{who} had no previous judgement"),
            }
        })
        .collect();
    let was = verb(n, "was", "were");
    match parts.as_slice() {
        [] => format!("{} {was} {judged}", schools(n)),
        many => format!("{} {was} {judged}: {}", schools(n), and_list(many)),
    }
}

/// The "Inspection outcomes" section of a focused-inspection letter, written from the data:
/// how many schools were inspected and of which phases, then each judgement with where its
/// schools came from ("two were graded outstanding: both had improved from a previous good
/// judgement"), then how many improved, held and declined.
pub fn narrate(summary: &OutcomeSummary) -> Vec<String> {
    if summary.inspected == 0 {
        return vec![format!("No schools in {} had a graded inspection between {} and {}.", summary.la_name, summary.from, summary.to)];
    }
    let phases: Vec<String> = summary
        .by_phase
        .iter()
        .map(|(p, n)| count(*n, &format!("{} school", p.label()), &format!("{} schools", p.label())))
        .collect();
    let phase_list = semicolon_list(&phases);
    let mut lines = vec![format!(
        "{} in {} had a graded inspection between {} and {}: {phase_list}.",
        capitalised(&schools(summary.inspected)),
        summary.la_name,
        summary.from,
        summary.to
    )];
    let inspected: Vec<&InspectedSchool> = summary.schools.iter().collect();
    for outcome in summary.judgements.iter().filter(|o| o.count > 0) {
        lines.push(format!("{}.", capitalised(&judgement_sentence(outcome, &inspected))));
    }
    let moved = |m: Movement| summary.movements.get(&m).copied().unwrap_or(0);
    lines.push(format!(
        "In all, {} improved, {} stayed the same and {} declined since their previous inspection{}.",
        schools(moved(Movement::Improved)),
        pronoun(moved(Movement::Held)),
        pronoun(moved(Movement::Declined)),
        match moved(Movement::NoPrevious) {
            0 => String::new(),
            k => format!("; {} had no previous judgement", number_words(k)),
        }
    ));
    lines.push(previous_coverage(summary));
    if summary.without_overall_grade > 0 {
        lines.push(format!(
            "{} in the period gave no overall-effectiveness grade (the framework since September 2024) and {} not counted above.",
            capitalised(&count(summary.without_overall_grade, "graded inspection", "graded inspections")),
            verb(summary.without_overall_grade, "is", "are")
        ));
    }
    lines
}

/// How far the movements can be trusted: how many inspected schools have a known previous
/// judgement, and how many of those come from the school before its conversion.
fn previous_coverage(s: &OutcomeSummary) -> String {
    let carried = match s.previous_carried {
        0 => String::new(),
        k => format!(", {} carried from the school before it became an academy", number_words(k)),
    };
    format!(
        "The previous judgement is known for {} of the {} ({:.0}%){carried}.",
        pronoun(s.previous_known),
        number_words(s.inspected),
        100.0 * s.previous_known as f64 / s.inspected.max(1) as f64
    )
}

/// Letter 002's "Context" paragraph, written from a profile: the schools by phase, then for the
/// primary and secondary phases how many the LA maintains and how many are academies of each
/// route, then the trusts.
pub fn describe_context(p: &LaProfile) -> Vec<String> {
    let group_total = |group: Phase| -> BTreeMap<Governance, usize> {
        let mut by = BTreeMap::new();
        for phase in p.phases.iter().filter(|b| b.phase.reporting_group() == group) {
            for (g, n) in &phase.by_governance {
                *by.entry(*g).or_insert(0) += n;
            }
        }
        by
    };
    let phase_words = |phase: Phase, one: &str, many: &str| -> Option<(usize, String)> {
        let n: usize = group_total(phase).values().sum();
        (n > 0).then(|| (n, count(n, one, many)))
    };
    let listed: Vec<(usize, String)> = [
        phase_words(Phase::Primary, "primary school", "primary schools"),
        phase_words(Phase::Secondary, "secondary school", "secondary schools"),
        phase_words(Phase::Special, "special school", "special schools"),
        phase_words(Phase::PupilReferralUnit, "pupil referral unit", "pupil referral units"),
        phase_words(Phase::Nursery, "nursery school", "nursery schools"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let Some((first, _)) = listed.first() else {
        return vec![format!("There are no open state-funded schools in {} on {}.", p.la_name, day_words(p.at))];
    };
    // "there is one primary school and …": the verb agrees with the count that follows it.
    let there = verb(*first, "is", "are");
    let listed: Vec<String> = listed.iter().map(|(_, words)| words.clone()).collect();
    let mut lines = vec![format!("On {} there {there} {} in {}.", day_words(p.at), and_list(&listed), p.la_name)];
    for (phase, name) in [(Phase::Primary, "primary"), (Phase::Secondary, "secondary")] {
        let by = group_total(phase);
        let total: usize = by.values().sum();
        if total == 0 {
            continue;
        }
        lines.push(capitalised(&routes_sentence(&by, total, name)));
    }
    // A trust no dated file shows is not known, so "no trust" is said only when none is unknown.
    let unknown = format!("the trust of {} is not known on that day", count(p.trusts_unknown, "academy", "academies"));
    lines.push(match (p.trusts, p.trusts_unknown) {
        (0, 0) => "No trust runs any of its schools.".to_string(),
        (0, _) => format!("No trust is known to run any of its schools: {unknown}."),
        (n, 0) => format!("{} {} at least one of its schools.", capitalised(&count(n, "trust", "trusts")), verb(n, "runs", "run")),
        (n, _) => format!("{} {} at least one of its schools; {unknown}.", capitalised(&count(n, "trust", "trusts")), verb(n, "runs", "run")),
    });
    for share in &p.shares {
        lines.push(share_sentence(share, &p.la_name));
    }
    lines.extend(p.caveats.iter().cloned());
    lines
}

/// Letter 002's way: "Of the 16 secondary schools, three are maintained by the local
/// authority, five are academy converters and eight are sponsor-led academies." Routes with no
/// school are left out.
fn routes_sentence(by: &BTreeMap<Governance, usize>, total: usize, phase: &str) -> String {
    let parts: Vec<String> = [
        (Governance::Maintained, "maintained by the local authority", "maintained by the local authority"),
        (Governance::AcademyConverter, "an academy converter", "academy converters"),
        (Governance::AcademySponsorLed, "a sponsor-led academy", "sponsor-led academies"),
        (Governance::FreeSchool, "a free school", "free schools"),
    ]
    .iter()
    .filter_map(|(g, one, many)| {
        let n = by.get(g).copied().unwrap_or(0);
        // "all three are maintained", not "three are" when there are three.
        let who = if n == total && n > 1 { format!("all {}", number_words(n)) } else { pronoun(n) };
        (n > 0).then(|| if total == 1 { one.to_string() } else { format!("{who} {} {}", verb(n, "is", "are"), if n == 1 { one } else { many }) })
    })
    .collect();
    if total == 1 {
        // "The one primary school is an academy converter", never "Of the one primary schools".
        return match parts.as_slice() {
            [] => format!("The one {phase} school is not state-funded."),
            _ => format!("The one {phase} school is {}.", and_list(&parts)),
        };
    }
    if parts.is_empty() {
        return format!("Of the {} {phase} schools, none is state-funded.", number_words(total));
    }
    format!("Of the {} {phase} schools, {}.", number_words(total), and_list(&parts))
}

/// "primary schools", "a pupil referral unit": the schools of a group as the letters name them.
fn group_noun(group: PhaseGroup, n: usize) -> String {
    let (one, many) = match group {
        PhaseGroup::All => ("school".to_string(), "schools".to_string()),
        PhaseGroup::Phase(Phase::PupilReferralUnit) => ("pupil referral unit".to_string(), "pupil referral units".to_string()),
        PhaseGroup::Phase(p) => (format!("{} school", p.label()), format!("{} schools", p.label())),
    };
    if n == 1 { one } else { many }
}

/// One group's share against England, with its coverage, and its standing or why it has none.
fn share_sentence(share: &PhaseShare, la_name: &str) -> String {
    let what = group_noun(share.group, 2);
    let known = format!("judgements known for {} of its {} {}, {:.0}%", share.la.inspected, share.la.schools, group_noun(share.group, share.la.schools), share.coverage_percent.unwrap_or(0.0));
    let Some(la) = share.la_percent else {
        return match share.la.schools {
            1 => format!("The judgement of {la_name}'s one {} is not known.", group_noun(share.group, 1)),
            n => format!("None of {la_name}'s {n} {what} has a known judgement."),
        };
    };
    let england = share.england_percent.map_or("unknown".to_string(), |e| format!("{e:.0}%"));
    let verdict = match (&share.standing, &share.not_ranked) {
        (Some(standing), _) => format!("{la_name} is {standing}"),
        (None, Some(why)) => why.clone(),
        (None, None) => "not ranked".to_string(),
    };
    format!("{la:.0}% of its {what} with a known judgement are good or outstanding, against {england} in England ({known}): {verdict}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Judgement::*;

    fn school(urn: i64, la: &str, phase: Phase, latest: Option<Judgement>) -> ProfileSchool {
        ProfileSchool {
            urn: Urn(urn),
            la_name: la.to_string(),
            phase,
            governance: Governance::Maintained,
            trust: None,
            latest,
            judged_on: None,
            carried_from: None,
            no_overall_grade_since: None,
            opening_unknown: false,
            trust_unknown: false,
        }
    }

    #[test]
    fn timeline_marks_predecessors_and_says_what_has_no_overall_grade() {
        use crate::judgement::{ReportCardArea, ReportCardGrade, SubJudgements};
        use crate::school::InspectionDetail;
        let visit = |urn, date: &str, judgement, detail| Inspection {
            urn: Urn(urn),
            start_date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            end_date: None,
            publication_date: None,
            number: None,
            kind: None,
            judgement,
            category: None,
            urn_at_time: None,
            detail,
        };
        let sub = SubJudgements { quality_of_education: Some(3), safeguarding_effective: Some(true), ..Default::default() };
        let t = timeline_across(
            Urn(2),
            vec![
                visit(1, "2010-05-04", Some(Judgement::RequiresImprovement), InspectionDetail::default()),
                visit(2, "2024-10-01", None, InspectionDetail { graded: Some(true), sub_judgements: sub, ..Default::default() }),
                visit(2, "2026-01-13", None, InspectionDetail {
                    graded: Some(true),
                    report_card: vec![(ReportCardArea::Inclusion, ReportCardGrade::NeedsAttention)],
                    ..Default::default()
                }),
            ],
        );
        assert_eq!(t[0].judgement_label.as_deref(), Some("report card (no overall grade)"));
        assert_eq!(t[0].details().as_deref(), Some("inclusion: needs attention"));
        assert_eq!(t[1].judgement_label.as_deref(), Some("no overall grade (sub-judgements only)"));
        assert_eq!(t[1].details().as_deref(), Some("quality of education requires improvement; safeguarding effective"));
        assert_eq!(t[2].judgement_label.as_deref(), Some("satisfactory"));
        assert_eq!(t[2].whose().as_deref(), Some("under predecessor URN 1"));
        assert_eq!(t[1].whose(), None);
    }

    #[test]
    fn timeline_names_and_compares_each_judgement() {
        let visit = |y, j, c| Inspection {
            urn: Urn(1),
            start_date: NaiveDate::from_ymd_opt(y, 3, 1).unwrap(),
            end_date: None,
            publication_date: None,
            number: None,
            kind: None,
            judgement: j,
            category: c,
            urn_at_time: None,
            detail: Default::default(),
        };
        let t = timeline(vec![
            visit(2016, Some(Inadequate), Some(CategoryOfConcern::SpecialMeasures)),
            visit(2010, Some(RequiresImprovement), None),
            visit(2014, None, None),
        ]);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].judgement_label.as_deref(), Some("inadequate (special measures)"));
        assert_eq!(t[0].movement, Some(Movement::Declined));
        assert_eq!(t[1].movement, None);
        assert_eq!(t[2].judgement_label.as_deref(), Some("satisfactory"));
        assert_eq!(t[2].movement, Some(Movement::NoPrevious));
    }

    #[test]
    fn movement_compares_grades() {
        assert_eq!(Movement::between(Some(RequiresImprovement), Good), Movement::Improved);
        assert_eq!(Movement::between(Some(Good), Good), Movement::Held);
        assert_eq!(Movement::between(Some(Good), Inadequate), Movement::Declined);
        assert_eq!(Movement::between(None, Good), Movement::NoPrevious);
    }

    #[test]
    fn profile_compares_with_england_and_ranks() {
        let mut all = vec![
            school(1, "A", Phase::Primary, Some(Good)),
            school(2, "A", Phase::Infant, Some(Inadequate)),
            school(3, "A", Phase::Secondary, None),
            school(4, "B", Phase::Primary, Some(Outstanding)),
            school(5, "C", Phase::Primary, Some(RequiresImprovement)),
        ];
        all[0].trust = Some("T1".into());
        all[1].trust = Some("T1".into());
        let p = LaProfile::build("A", NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(), &all, &Thresholds::default());
        assert_eq!(p.schools, 3);
        assert_eq!(p.trusts, 1);
        let primary = p.shares.iter().find(|s| s.group == PhaseGroup::Phase(Phase::Primary)).unwrap();
        assert_eq!(primary.la, Share { schools: 2, inspected: 2, good_or_outstanding: 1, ..Share::default() });
        assert_eq!(primary.la_percent, Some(50.0));
        assert_eq!(primary.england.inspected, 4);
        assert_eq!(primary.england_percent, Some(50.0));
        assert_eq!((primary.rank, primary.out_of), (Some(2), 3));
        let secondary = p.shares.iter().find(|s| s.group == PhaseGroup::Phase(Phase::Secondary)).unwrap();
        assert_eq!(secondary.la_percent, None);
        assert_eq!(secondary.rank, None);
        assert_eq!(p.judgements.get(&Inadequate), Some(&1));
    }

    #[test]
    fn context_reads_like_letter_002() {
        let mut all = Vec::new();
        let mut urn = 0;
        let mut add = |la: &str, phase, governance, n, latest| {
            for _ in 0..n {
                urn += 1;
                all.push(ProfileSchool { governance, ..school(urn, la, phase, latest) });
            }
        };
        add("Stoke-on-Trent", Phase::Primary, Governance::Maintained, 45, Some(Good));
        add("Stoke-on-Trent", Phase::Primary, Governance::AcademyConverter, 21, Some(RequiresImprovement));
        add("Stoke-on-Trent", Phase::Primary, Governance::AcademySponsorLed, 5, Some(Inadequate));
        add("Stoke-on-Trent", Phase::Secondary, Governance::Maintained, 3, Some(Good));
        add("Stoke-on-Trent", Phase::Special, Governance::Maintained, 4, Some(Outstanding));
        add("Elsewhere", Phase::Primary, Governance::Maintained, 10, Some(Good));
        let p = LaProfile::build("Stoke-on-Trent", NaiveDate::from_ymd_opt(2015, 1, 27).unwrap(), &all, &Thresholds::default());
        let text = describe_context(&p);
        assert_eq!(text[0], "On 27 January 2015 there are 71 primary schools, three secondary schools and four special schools in Stoke-on-Trent.");
        assert_eq!(text[1], "Of the 71 primary schools, 45 are maintained by the local authority, 21 are academy converters and five are sponsor-led academies.");
        assert_eq!(text[2], "Of the three secondary schools, all three are maintained by the local authority.");
        assert!(text.iter().any(|l| l == "No trust runs any of its schools."), "{text:?}");
        assert!(
            text.contains(&"67% of its schools with a known judgement are good or outstanding, against 70% in England (judgements known for 78 of its 78 schools, 100%): Stoke-on-Trent is one of the 10 worst in England.".to_string()),
            "{text:?}"
        );
    }

    #[test]
    fn too_little_coverage_is_not_ranked_and_says_why() {
        let mut all: Vec<ProfileSchool> = (0..8).map(|u| school(u, "Stoke-on-Trent", Phase::Primary, None)).collect();
        all.extend((8..13).map(|u| school(u, "Stoke-on-Trent", Phase::Primary, Some(Good))));
        all.extend((20..30).map(|u| school(u, "B", Phase::Primary, Some(Good))));
        all.extend((30..40).map(|u| school(u, "C", Phase::Primary, Some(Inadequate))));
        let at = NaiveDate::from_ymd_opt(2015, 1, 27).unwrap();
        let p = LaProfile::build("Stoke-on-Trent", at, &all, &Thresholds::default());
        let share = &p.shares[0];
        assert_eq!((share.rank, share.standing.as_deref(), share.out_of), (None, None, 2), "100% good of 38% known is no ranking");
        assert_eq!(
            share.not_ranked.as_deref(),
            Some("judgements known for 38% of Stoke-on-Trent's schools on 27 January 2015: not enough to rank (the threshold is 80%)")
        );
        let text = describe_context(&p).join(" ");
        assert!(!text.contains("best") && !text.contains("worst"), "{text}");
        assert!(text.contains("(judgements known for 5 of its 13 schools, 38%): judgements known for 38% of Stoke-on-Trent's schools on 27 January 2015: not enough to rank"), "{text}");
        let r = LaRanking::build(at, PhaseGroup::All, &all, &Thresholds::default());
        let ranks: Vec<(&str, Option<usize>)> = r.las.iter().map(|l| (l.la_name.as_str(), l.rank)).collect();
        assert_eq!(ranks, vec![("B", Some(1)), ("C", Some(2)), ("Stoke-on-Trent", None)]);
        let lenient = LaProfile::build("Stoke-on-Trent", at, &all, &Thresholds { min_coverage_percent: 30.0 });
        assert_eq!(lenient.shares[0].rank, Some(1));
    }

    #[test]
    fn caveats_count_carried_and_ungraded_judgements() {
        let at = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
        let mut carried = school(1, "A", Phase::Primary, Some(Good));
        carried.carried_from = Some(Urn(100));
        let mut card = school(2, "A", Phase::Primary, None);
        card.no_overall_grade_since = NaiveDate::from_ymd_opt(2025, 11, 20);
        let mut ungraded = school(3, "A", Phase::Primary, None);
        ungraded.no_overall_grade_since = NaiveDate::from_ymd_opt(2024, 10, 1);
        let p = LaProfile::build("A", at, &[carried, card, ungraded], &Thresholds::default());
        assert_eq!((p.shares[0].la.inspected, p.shares[0].la.carried, p.shares[0].la.no_overall_grade), (1, 1, 2));
        assert_eq!(p.caveats[0], "One judgement is carried from the school before it became an academy (the academy had not been inspected by 1 December 2025).");
        assert!(p.caveats[1].starts_with("Two of A's schools were last inspected on or after 1 September 2024"), "{:?}", p.caveats);
        assert!(p.caveats[1].contains("one of them under the report cards"), "{:?}", p.caveats);
        let old = LaProfile::build("A", NaiveDate::from_ymd_opt(2011, 1, 1).unwrap(), &[], &Thresholds::default());
        assert_eq!(old.caveats, vec!["On 1 January 2011 grade 3 was called 'satisfactory'; it has been 'requires improvement' since 1 September 2012.".to_string()]);
    }

    #[test]
    fn ranking_orders_las_with_ties() {
        let all = vec![
            school(1, "A", Phase::Primary, Some(Good)),
            school(2, "B", Phase::Primary, Some(Good)),
            school(3, "C", Phase::Primary, Some(Inadequate)),
            school(4, "D", Phase::Primary, None),
        ];
        let r = LaRanking::build(NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(), PhaseGroup::All, &all, &Thresholds { min_coverage_percent: 0.0 });
        let ranks: Vec<(String, Option<usize>)> = r.las.iter().map(|l| (l.la_name.clone(), l.rank)).collect();
        assert_eq!(
            ranks,
            vec![("A".into(), Some(1)), ("B".into(), Some(1)), ("C".into(), Some(3)), ("D".into(), None)],
            "an LA with no known judgement has no rank"
        );
        assert_eq!(r.england_percent, Some(200.0 / 3.0));
    }

    #[test]
    fn standing_speaks_like_the_letters() {
        assert_eq!(standing(145, 150, 6), "one of the 10 worst in England");
        assert_eq!(standing(125, 150, 26), "in the bottom 20% of local authorities");
        assert_eq!(standing(3, 150, 148), "one of the 10 best in England");
        assert_eq!(standing(70, 150, 81), "ranked 70 of 150 local authorities");
    }

    #[test]
    fn narration_speaks_like_letter_003() {
        let day = NaiveDate::from_ymd_opt(2014, 1, 20).unwrap();
        let row = |urn, phase, j, prev| InspectedSchool {
            urn: Urn(urn),
            name: String::new(),
            phase,
            start_date: day,
            judgement: j,
            category: None,
            previous: prev,
            previous_date: None,
            previous_urn: None,
            movement: Movement::between(prev, j),
        };
        let s = OutcomeSummary::build(
            "Staffordshire",
            day,
            day,
            vec![
                row(1, Phase::Primary, Outstanding, Some(Good)),
                row(2, Phase::Secondary, Outstanding, Some(Good)),
                row(3, Phase::Primary, RequiresImprovement, Some(Good)),
                row(4, Phase::Primary, RequiresImprovement, Some(RequiresImprovement)),
            ],
        );
        let text = narrate(&s);
        assert_eq!(text[0], "Four schools in Staffordshire had a graded inspection between 2014-01-20 and 2014-01-20: three primary schools; and one secondary school.");
        assert_eq!(text[1], "Two schools were graded outstanding: both had improved from a previous good judgement.");
        assert_eq!(text[2], "Two schools were judged to require improvement: one had stayed at requires improvement and one had declined from a previous good judgement.");
        assert_eq!(text[3], "In all, two schools improved, one stayed the same and one declined since their previous inspection.");
        assert_eq!(number_words(21), "21");
    }

    /// The slips issue 14 found in generated English, each pinned so it cannot come back.
    #[test]
    fn no_slips_with_one_and_none() {
        let day = NaiveDate::from_ymd_opt(2014, 1, 20).unwrap();
        let one_school = |urn| InspectedSchool {
            urn: Urn(urn),
            name: String::new(),
            phase: Phase::Primary,
            start_date: day,
            judgement: Good,
            category: None,
            previous: None,
            previous_date: None,
            previous_urn: None,
            movement: Movement::NoPrevious,
        };
        let text = narrate(&OutcomeSummary::build("Derby", day, day, vec![one_school(1)]));
        assert_eq!(text[0], "One school in Derby had a graded inspection between 2014-01-20 and 2014-01-20: one primary school.");
        assert_eq!(text[1], "One school was graded good: it had no previous judgement.");
        // Not "no stayed the same".
        assert_eq!(text[2], "In all, no school improved, none stayed the same and none declined since their previous inspection; one had no previous judgement.");
        assert_eq!(text[3], "The previous judgement is known for none of the one (0%).");
        let inadequate = |urn, category| InspectedSchool {
            urn: Urn(urn),
            judgement: Inadequate,
            category: Some(category),
            previous: Some(Good),
            movement: Movement::Declined,
            ..one_school(urn)
        };
        let text = narrate(&OutcomeSummary::build(
            "Derby",
            day,
            day,
            vec![inadequate(2, CategoryOfConcern::SpecialMeasures), inadequate(3, CategoryOfConcern::SeriousWeaknesses), inadequate(4, CategoryOfConcern::SeriousWeaknesses)],
        ));
        // Not "judged inadequate (one special measures, two serious weaknesses)".
        assert!(text[1].starts_with("Three schools were judged inadequate (one placed in special measures, two with serious weaknesses): all three had declined"), "{text:?}");

        let at = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let mut all = vec![
            ProfileSchool { governance: Governance::FreeSchool, ..school(1, "Derby", Phase::Primary, Some(Good)) },
            ProfileSchool { no_overall_grade_since: Some(NaiveDate::from_ymd_opt(2024, 11, 5).unwrap()), ..school(2, "Derby", Phase::Primary, None) },
            ProfileSchool { governance: Governance::AcademyConverter, ..school(3, "Derby", Phase::Secondary, Some(Good)) },
        ];
        all.extend((4..51).map(|u| ProfileSchool { governance: Governance::AcademyConverter, ..school(u, "Derby", Phase::Primary, Some(Good)) }));
        let p = LaProfile::build("Derby", at, &all, &Thresholds::default());
        let text = describe_context(&p);
        // "one free school", not "one free schools"; "47 are academy converters", not "of which 47 academy converters".
        assert_eq!(text[1], "Of the 49 primary schools, one is maintained by the local authority, 47 are academy converters and one is a free school.");
        // Not "Of the one secondary schools".
        assert_eq!(text[2], "The one secondary school is an academy converter.");
        // "One of Derby's schools was", not "One … were".
        assert!(p.caveats[0].starts_with("One of Derby's schools was last inspected on or after 1 September 2024"), "{:?}", p.caveats);
        assert!(p.caveats[0].ends_with(": it is counted among the schools without a known judgement, not given one."), "{:?}", p.caveats);
    }

    #[test]
    fn outcomes_count_judgements_and_movements() {
        let day = |d| NaiveDate::from_ymd_opt(2014, 1, d).unwrap();
        let row = |urn, j, prev, cat| InspectedSchool {
            urn: Urn(urn),
            name: format!("School {urn}"),
            phase: Phase::Primary,
            start_date: day(urn as u32),
            judgement: j,
            category: cat,
            previous: prev,
            previous_date: None,
            previous_urn: None,
            movement: Movement::between(prev, j),
        };
        let s = OutcomeSummary::build(
            "Staffordshire",
            day(1),
            day(31),
            vec![
                row(1, Outstanding, Some(Good), None),
                row(2, Good, Some(Good), None),
                row(3, Inadequate, Some(Good), Some(CategoryOfConcern::SpecialMeasures)),
                row(4, RequiresImprovement, None, None),
            ],
        );
        assert_eq!(s.inspected, 4);
        assert_eq!(s.judgements[0].movements.get(&Movement::Improved), Some(&1));
        assert_eq!(s.judgements[1].movements.get(&Movement::Held), Some(&1));
        assert_eq!(s.judgements[3].categories.get(&CategoryOfConcern::SpecialMeasures), Some(&1));
        assert_eq!(s.movements.get(&Movement::Declined), Some(&1));
        assert_eq!(s.movements.get(&Movement::NoPrevious), Some(&1));
    }
}

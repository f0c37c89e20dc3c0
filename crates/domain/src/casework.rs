//! Casework's rules, no I/O: who may see and change what, when a core group meets next, which
//! milestones are overdue or slipping, what a survey round says, and whether support worked.
//! The letters describe the practice (003: core groups "every six weeks"; 002: "evaluate success
//! against targets at key points during the year", "no consistent or objective evaluation of the
//! impact"; 003/004: the headteacher survey's key questions).

use std::collections::BTreeMap;

use std::ops::RangeInclusive;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::school::Urn;

/// What a user is, which sets what they may see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    /// An LA school-improvement officer: their LA's schools.
    LaOfficer,
    /// A trust's officer: their trust's schools.
    TrustOfficer,
    /// A headteacher or governor: their own school, read-mostly.
    SchoolLeader,
    /// An inspector: reads everything, changes nothing.
    Inspector,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Administrator, Role::LaOfficer, Role::TrustOfficer, Role::SchoolLeader, Role::Inspector];

    pub fn key(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::LaOfficer => "la_officer",
            Role::TrustOfficer => "trust_officer",
            Role::SchoolLeader => "school_leader",
            Role::Inspector => "inspector",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// A signed-in user's identity and reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: String,
    pub name: String,
    pub role: Role,
    pub la_name: Option<String>,
    pub trust: Option<String>,
    pub urn: Option<Urn>,
}

/// What casework is about: a school, with what places it in an LA and a trust.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolScope {
    pub urn: Urn,
    pub la_name: String,
    pub trust: Option<String>,
}

/// Kinds of change a user may make to a school's casework.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Cases, meetings, actions, notices, support, reviews.
    Casework,
    /// A response to a survey round, which a school's own leaders give.
    SurveyResponse,
}

impl Principal {
    fn reaches(&self, school: &SchoolScope) -> bool {
        match self.role {
            Role::Administrator | Role::Inspector => true,
            Role::LaOfficer => self.la_name.as_deref() == Some(school.la_name.as_str()),
            Role::TrustOfficer => self.trust.is_some() && self.trust == school.trust,
            Role::SchoolLeader => self.urn == Some(school.urn),
        }
    }

    /// May this user read the school's casework?
    pub fn can_read(&self, school: &SchoolScope) -> bool {
        self.reaches(school)
    }

    /// May this user make this kind of change to the school's casework?
    pub fn can_change(&self, school: &SchoolScope, change: Change) -> bool {
        match (self.role, change) {
            (Role::Inspector, _) => false,
            (Role::SchoolLeader, Change::Casework) => false,
            _ => self.reaches(school),
        }
    }

    pub fn is_administrator(&self) -> bool {
        self.role == Role::Administrator
    }

    /// Whether the user reads every school's casework (and so casework tied to no school).
    pub fn reads_everywhere(&self) -> bool {
        matches!(self.role, Role::Administrator | Role::Inspector)
    }
}

/// Categories of concern, which set the level of intervention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcernCategory {
    Universal,
    Monitor,
    CoreGroup,
    Intensive,
}

impl ConcernCategory {
    pub const ALL: [ConcernCategory; 4] =
        [ConcernCategory::Universal, ConcernCategory::Monitor, ConcernCategory::CoreGroup, ConcernCategory::Intensive];

    pub fn key(self) -> &'static str {
        match self {
            ConcernCategory::Universal => "universal",
            ConcernCategory::Monitor => "monitor",
            ConcernCategory::CoreGroup => "core_group",
            ConcernCategory::Intensive => "intensive",
        }
    }

    pub fn from_key(key: &str) -> Option<ConcernCategory> {
        ConcernCategory::ALL.into_iter().find(|c| c.key() == key)
    }

    /// Whether the category meets in a core group (so meetings are scheduled).
    pub fn meets(self) -> bool {
        matches!(self, ConcernCategory::CoreGroup | ConcernCategory::Intensive)
    }
}

/// Core groups meet every six weeks unless a case says otherwise (letter 003).
pub const DEFAULT_MEETING_INTERVAL_DAYS: i64 = 42;

/// The intervals a case may set between core-group meetings: at most a year.
pub const MEETING_INTERVAL_DAYS: RangeInclusive<i64> = 1..=365;

/// The next meeting after one held on `held`. The interval is held to
/// [`MEETING_INTERVAL_DAYS`], and a date past the calendar's end stays on the last day, so no
/// stored value can make this panic.
pub fn next_meeting(held: NaiveDate, interval_days: i64) -> NaiveDate {
    let days = interval_days.clamp(*MEETING_INTERVAL_DAYS.start(), *MEETING_INTERVAL_DAYS.end());
    held.checked_add_signed(Duration::days(days)).unwrap_or(NaiveDate::MAX)
}

/// A meeting still to be held is overdue once its day has passed.
pub fn meeting_overdue(scheduled: NaiveDate, held: Option<NaiveDate>, today: NaiveDate) -> bool {
    held.is_none() && scheduled < today
}

/// How a milestone stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneState {
    Done,
    /// Its date has passed and it is not done.
    Overdue,
    /// Not yet due, but moved later than first planned.
    Slipping,
    OnTrack,
}

pub fn milestone_state(planned: NaiveDate, due: NaiveDate, done: Option<NaiveDate>, today: NaiveDate) -> MilestoneState {
    match done {
        Some(_) => MilestoneState::Done,
        None if due < today => MilestoneState::Overdue,
        None if due > planned => MilestoneState::Slipping,
        None => MilestoneState::OnTrack,
    }
}

/// Red, amber, green: an officer's rating of an action, or what its milestones imply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    Green,
    Amber,
    Red,
}

impl Rag {
    pub fn key(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
        }
    }

    pub fn from_key(key: &str) -> Option<Rag> {
        [Rag::Green, Rag::Amber, Rag::Red].into_iter().find(|r| r.key() == key)
    }

    /// What the milestones say: red if any is overdue, amber if any is slipping.
    pub fn implied_by(states: &[MilestoneState]) -> Rag {
        if states.contains(&MilestoneState::Overdue) {
            Rag::Red
        } else if states.contains(&MilestoneState::Slipping) {
            Rag::Amber
        } else {
            Rag::Green
        }
    }
}

/// The key questions of a headteacher survey (letters 003, 004); the fourth is asked of good
/// and outstanding schools.
pub const SURVEY_QUESTIONS: [&str; 4] = [
    "How well does the local authority know your school, your performance and the standards your pupils achieve?",
    "What measures are in place to support and challenge your school and how do these meet the needs of your school?",
    "What is the impact of the local authority support and challenge over time to help your school improve?",
    "How well is the local authority making use of your school's strengths to help others improve?",
];

/// How a response is coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coding {
    Strength,
    AreaForDevelopment,
}

impl Coding {
    pub fn key(self) -> &'static str {
        match self {
            Coding::Strength => "strength",
            Coding::AreaForDevelopment => "area_for_development",
        }
    }

    pub fn from_key(key: &str) -> Option<Coding> {
        [Coding::Strength, Coding::AreaForDevelopment].into_iter().find(|c| c.key() == key)
    }
}

/// One coded answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodedResponse {
    pub urn: Urn,
    pub question: usize,
    pub coding: Option<Coding>,
    pub theme: Option<String>,
}

/// A round's answers counted per question: strengths and areas for development, by theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionSummary {
    pub question: usize,
    pub text: String,
    pub responses: usize,
    pub strengths: usize,
    pub areas_for_development: usize,
    pub uncoded: usize,
    /// (theme, strengths, areas for development), most mentioned first.
    pub themes: Vec<(String, usize, usize)>,
}

pub fn summarise(questions: &[String], responses: &[CodedResponse]) -> Vec<QuestionSummary> {
    questions
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let answers: Vec<&CodedResponse> = responses.iter().filter(|r| r.question == i).collect();
            let count = |c: Option<Coding>| answers.iter().filter(|r| r.coding == c).count();
            let mut themes: BTreeMap<String, (usize, usize)> = BTreeMap::new();
            for r in &answers {
                if let (Some(theme), Some(coding)) = (&r.theme, r.coding) {
                    let entry = themes.entry(theme.clone()).or_default();
                    match coding {
                        Coding::Strength => entry.0 += 1,
                        Coding::AreaForDevelopment => entry.1 += 1,
                    }
                }
            }
            let mut themes: Vec<(String, usize, usize)> = themes.into_iter().map(|(t, (s, a))| (t, s, a)).collect();
            themes.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then(a.0.cmp(&b.0)));
            QuestionSummary {
                question: i,
                text: text.clone(),
                responses: answers.len(),
                strengths: count(Some(Coding::Strength)),
                areas_for_development: count(Some(Coding::AreaForDevelopment)),
                uncoded: count(None),
                themes,
            }
        })
        .collect()
}

/// A figure before and after a period, for a supported school or the mean of a comparison group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BeforeAfter {
    pub before: f64,
    pub after: f64,
}

impl BeforeAfter {
    pub fn change(&self) -> f64 {
        self.after - self.before
    }
}

/// What a support package did: the school's change beside similar unsupported schools' change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactEstimate {
    pub supported: Option<BeforeAfter>,
    /// Mean change of comparison schools, and how many there were.
    pub comparison: Option<BeforeAfter>,
    pub comparison_schools: usize,
    /// The supported school's change minus the comparison group's ("difference in differences").
    pub difference: Option<f64>,
}

/// Difference in differences: how much more the supported school changed than comparable
/// schools without support over the same years. Needs the school's own before and after.
pub fn impact(supported: Option<BeforeAfter>, comparison: &[BeforeAfter]) -> ImpactEstimate {
    let n = comparison.len();
    let mean = (n > 0).then(|| BeforeAfter {
        before: comparison.iter().map(|c| c.before).sum::<f64>() / n as f64,
        after: comparison.iter().map(|c| c.after).sum::<f64>() / n as f64,
    });
    let difference = supported.zip(mean).map(|(s, m)| s.change() - m.change());
    ImpactEstimate { supported, comparison: mean, comparison_schools: n, difference }
}

/// A school that could support others in a focus area, with why it was suggested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrokerCandidate {
    pub urn: Urn,
    pub name: String,
    pub la_name: String,
    pub postcode: Option<String>,
    pub latest_grade: u8,
    /// How many of its letters name the focus area as a strength.
    pub strength_mentions: usize,
}

/// The postcode district ("L18" of "L18 3HS"): the nearest the register says schools are.
pub fn postcode_district(postcode: &str) -> Option<String> {
    postcode.split_whitespace().next().filter(|d| d.len() >= 2).map(str::to_uppercase)
}

/// Orders candidates nearest first — same postcode district, then same LA, then the rest —
/// and within each, outstanding before good and letters naming the strength first.
pub fn rank_brokers(for_la: &str, for_postcode: Option<&str>, mut candidates: Vec<BrokerCandidate>) -> Vec<BrokerCandidate> {
    let district = for_postcode.and_then(postcode_district);
    let nearness = |c: &BrokerCandidate| {
        let same_district = district.is_some() && c.postcode.as_deref().and_then(postcode_district) == district;
        if same_district {
            0
        } else if c.la_name == for_la {
            1
        } else {
            2
        }
    };
    candidates.sort_by(|a, b| {
        nearness(a)
            .cmp(&nearness(b))
            .then(a.latest_grade.cmp(&b.latest_grade))
            .then(b.strength_mentions.cmp(&a.strength_mentions))
            .then(a.name.cmp(&b.name))
    });
    candidates
}

/// A casework input that breaks a rule: the field at fault and why. One type for every rule,
/// so every refusal reads the same way ("closed_on: …") and is answered as a bad request.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {reason}")]
pub struct Invalid {
    pub field: &'static str,
    pub reason: String,
}

fn invalid(field: &'static str, reason: impl Into<String>) -> Invalid {
    Invalid { field, reason: reason.into() }
}

/// The years casework dates may fall in: Ofsted began in 1992, and nothing is planned past 2100.
pub const YEARS: RangeInclusive<i32> = 1990..=2100;

/// The longest text a casework field holds (a page of notes).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// The largest cost a support package may record, in pounds.
pub const MAX_COST: f64 = 100_000_000.0;

/// A date inside [`YEARS`].
pub fn check_day(field: &'static str, day: NaiveDate) -> Result<NaiveDate, Invalid> {
    if YEARS.contains(&day.year()) {
        Ok(day)
    } else {
        Err(invalid(field, format!("{day} is outside the years {} to {}", YEARS.start(), YEARS.end())))
    }
}

/// `later` (named `field`) is on or after `earlier` (named `earlier_field`).
pub fn check_order(field: &'static str, later: NaiveDate, earlier_field: &str, earlier: NaiveDate) -> Result<(), Invalid> {
    if later >= earlier { Ok(()) } else { Err(invalid(field, format!("{later} is before {earlier_field} {earlier}"))) }
}

/// Text a person wrote: within [`MAX_TEXT_CHARS`], and no control characters but line
/// breaks and tabs (a NUL or an escape sequence is never meant, and breaks what prints it).
pub fn check_text(field: &'static str, text: &str) -> Result<(), Invalid> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(invalid(field, format!("longer than {MAX_TEXT_CHARS} characters")));
    }
    match text.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        Some(c) => Err(invalid(field, format!("contains the control character U+{:04X}", u32::from(c)))),
        None => Ok(()),
    }
}

/// Text that must say something: [`check_text`], and not blank.
pub fn check_required(field: &'static str, text: &str) -> Result<(), Invalid> {
    check_text(field, text)?;
    if text.trim().is_empty() { Err(invalid(field, "is required")) } else { Ok(()) }
}

/// A case's meeting interval, or the six-weekly default.
pub fn check_meeting_interval(days: Option<i64>) -> Result<i64, Invalid> {
    match days {
        None => Ok(DEFAULT_MEETING_INTERVAL_DAYS),
        Some(d) if MEETING_INTERVAL_DAYS.contains(&d) => Ok(d),
        Some(d) => Err(invalid(
            "meeting_interval_days",
            format!("{d} is not between {} and {} days", MEETING_INTERVAL_DAYS.start(), MEETING_INTERVAL_DAYS.end()),
        )),
    }
}

/// A cost, when given, is a positive sum no larger than [`MAX_COST`].
pub fn check_cost(cost: Option<f64>) -> Result<(), Invalid> {
    match cost {
        Some(c) if !(c > 0.0 && c <= MAX_COST) => Err(invalid("cost", format!("{c} is not a positive sum up to {MAX_COST}"))),
        _ => Ok(()),
    }
}

/// Only an open case takes changes; a closed one is a record.
pub fn check_case_open(closed_on: Option<NaiveDate>) -> Result<(), Invalid> {
    match closed_on {
        Some(on) => Err(invalid("case", format!("the case was closed on {on} and takes no more changes"))),
        None => Ok(()),
    }
}

/// A new case: a bounded opening day, an officer and a reason, a meeting interval (the
/// six-weekly default when none is given) that date arithmetic can always take.
pub fn check_new_case(opened_on: NaiveDate, link_officer: &str, reason: &str, interval_days: Option<i64>) -> Result<i64, Invalid> {
    check_day("opened_on", opened_on)?;
    check_required("link_officer", link_officer)?;
    check_required("reason", reason)?;
    check_meeting_interval(interval_days)
}

/// A warning notice: issued on a bounded day, its response due no earlier, on stated grounds.
pub fn check_notice(issued_on: NaiveDate, response_due: NaiveDate, grounds: &str) -> Result<(), Invalid> {
    check_day("issued_on", issued_on)?;
    check_day("response_due", response_due)?;
    check_order("response_due", response_due, "issued_on", issued_on)?;
    check_required("grounds", grounds)
}

/// A school's answer to a warning notice: no earlier than the notice, with its outcome.
pub fn check_notice_outcome(issued_on: NaiveDate, responded_on: NaiveDate, outcome: &str) -> Result<(), Invalid> {
    check_day("responded_on", responded_on)?;
    check_order("responded_on", responded_on, "issued_on", issued_on)?;
    check_required("outcome", outcome)
}

/// A support package: who provides it, what for and who pays, a positive cost if any, and an
/// end no earlier than its start.
pub fn check_support(provider_name: &str, focus_area: &str, paid_by: &str, cost: Option<f64>, starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> Result<(), Invalid> {
    check_required("provider_name", provider_name)?;
    check_required("focus_area", focus_area)?;
    check_required("paid_by", paid_by)?;
    check_cost(cost)?;
    check_day("starts_on", starts_on)?;
    if let Some(end) = ends_on {
        check_day("ends_on", end)?;
        check_order("ends_on", end, "starts_on", starts_on)?;
    }
    Ok(())
}

/// A governance review: its day, reviewer and rating, and a follow-up no earlier than it.
pub fn check_review(reviewed_on: NaiveDate, reviewer: &str, rating: &str, recommendations: &str, follow_up_on: Option<NaiveDate>) -> Result<(), Invalid> {
    check_day("reviewed_on", reviewed_on)?;
    check_required("reviewer", reviewer)?;
    check_required("rating", rating)?;
    check_text("recommendations", recommendations)?;
    if let Some(on) = follow_up_on {
        check_follow_up(reviewed_on, on)?;
    }
    Ok(())
}

/// A review's follow-up comes on or after the review.
pub fn check_follow_up(reviewed_on: NaiveDate, on: NaiveDate) -> Result<(), Invalid> {
    check_day("follow_up_on", on)?;
    check_order("follow_up_on", on, "reviewed_on", reviewed_on)
}

/// The most questions a survey round asks.
pub const MAX_SURVEY_QUESTIONS: usize = 20;

/// A survey round: a name, a bounded opening day, and one to [`MAX_SURVEY_QUESTIONS`] questions.
pub fn check_round(name: &str, opened_on: NaiveDate, questions: &[String]) -> Result<(), Invalid> {
    check_required("name", name)?;
    check_day("opened_on", opened_on)?;
    if questions.is_empty() || questions.len() > MAX_SURVEY_QUESTIONS {
        return Err(invalid("questions", format!("a round asks 1 to {MAX_SURVEY_QUESTIONS} questions, not {}", questions.len())));
    }
    questions.iter().try_for_each(|q| check_required("questions", q))
}

/// A survey round asks one LA's schools: a response must come from a school of that LA.
pub fn check_school_in_round(school: &SchoolScope, round_la: &str) -> Result<(), Invalid> {
    if school.la_name == round_la {
        Ok(())
    } else {
        Err(invalid("urn", format!("school {} is in {}, and this survey round asks {}'s schools", school.urn, school.la_name, round_la)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn principal(role: Role) -> Principal {
        Principal {
            user_id: "u".into(),
            name: "n".into(),
            role,
            la_name: Some("Derby".into()),
            trust: Some("Trust A".into()),
            urn: Some(Urn(1)),
        }
    }

    #[test]
    fn each_role_reaches_its_own_schools() {
        let own = SchoolScope { urn: Urn(1), la_name: "Derby".into(), trust: Some("Trust A".into()) };
        let other = SchoolScope { urn: Urn(2), la_name: "Leicester".into(), trust: None };
        let cases = [
            (Role::Administrator, true, true, true),
            (Role::LaOfficer, true, false, true),
            (Role::TrustOfficer, true, false, true),
            (Role::SchoolLeader, true, false, false),
            (Role::Inspector, true, true, false),
        ];
        for (role, read_own, read_other, change_own) in cases {
            let p = principal(role);
            assert_eq!(p.can_read(&own), read_own, "{role:?}");
            assert_eq!(p.can_read(&other), read_other, "{role:?}");
            assert_eq!(p.can_change(&own, Change::Casework), change_own, "{role:?}");
            assert!(!p.can_change(&other, Change::Casework) || role == Role::Administrator, "{role:?}");
        }
        assert!(principal(Role::SchoolLeader).can_change(&own, Change::SurveyResponse));
        assert!(!principal(Role::Inspector).can_change(&own, Change::SurveyResponse));
        let trustless = SchoolScope { trust: None, ..own };
        let mut no_trust = principal(Role::TrustOfficer);
        no_trust.trust = None;
        assert!(!no_trust.can_read(&trustless), "no trust matches no trust");
    }

    #[test]
    fn meetings_follow_six_weeks_and_fall_overdue() {
        assert_eq!(next_meeting(d(2024, 1, 10), DEFAULT_MEETING_INTERVAL_DAYS), d(2024, 2, 21));
        assert!(meeting_overdue(d(2024, 2, 21), None, d(2024, 2, 22)));
        assert!(!meeting_overdue(d(2024, 2, 21), Some(d(2024, 2, 21)), d(2024, 3, 1)));
    }

    #[test]
    fn next_meeting_never_overflows() {
        assert_eq!(next_meeting(d(2024, 1, 10), 1_000_000_000), d(2025, 1, 9), "held to a year");
        assert_eq!(next_meeting(d(2024, 1, 10), -5), d(2024, 1, 11));
        assert_eq!(next_meeting(NaiveDate::MAX, 42), NaiveDate::MAX);
    }

    #[test]
    fn rules_name_the_field_at_fault() {
        assert_eq!(check_day("opened_on", d(-1, 1, 1)).unwrap_err().to_string(), "opened_on: -0001-01-01 is outside the years 1990 to 2100");
        assert!(check_day("opened_on", d(9999, 1, 1)).is_err());
        assert!(check_day("opened_on", d(1990, 1, 1)).is_ok() && check_day("opened_on", d(2100, 12, 31)).is_ok());
        assert_eq!(check_order("closed_on", d(2024, 1, 1), "opened_on", d(2024, 1, 10)).unwrap_err().field, "closed_on");
        assert!(check_order("closed_on", d(2024, 1, 10), "opened_on", d(2024, 1, 10)).is_ok());
        assert_eq!(check_required("reason", "  \t ").unwrap_err().to_string(), "reason: is required");
        assert_eq!(check_required("name", "a\0b").unwrap_err().to_string(), "name: contains the control character U+0000");
        assert!(check_required("notes", "line one\nline two\ttabbed").is_ok());
        assert!(check_text("notes", &"x".repeat(MAX_TEXT_CHARS + 1)).is_err());
        assert_eq!(check_meeting_interval(None), Ok(DEFAULT_MEETING_INTERVAL_DAYS));
        assert_eq!(check_meeting_interval(Some(1_000_000_000)).unwrap_err().field, "meeting_interval_days");
        assert!(check_meeting_interval(Some(0)).is_err() && check_meeting_interval(Some(365)).is_ok());
        for bad in [-1.0, 0.0, MAX_COST * 2.0] {
            assert_eq!(check_cost(Some(bad)).unwrap_err().field, "cost", "{bad}");
        }
        assert!(check_cost(None).is_ok() && check_cost(Some(1500.0)).is_ok());
        assert_eq!(check_case_open(Some(d(2024, 3, 1))).unwrap_err().field, "case");
        assert_eq!(check_notice(d(2024, 2, 1), d(2024, 1, 16), "standards").unwrap_err().field, "response_due");
        assert_eq!(check_notice_outcome(d(2024, 2, 1), d(2024, 1, 31), "accepted").unwrap_err().field, "responded_on");
        assert_eq!(check_support("NLE", "reading", "LA", Some(-5.0), d(2017, 9, 1), None).unwrap_err().field, "cost");
        assert_eq!(check_support("NLE", "reading", "LA", None, d(2017, 9, 1), Some(d(2017, 8, 1))).unwrap_err().field, "ends_on");
        assert_eq!(check_support("  ", "reading", "LA", None, d(2017, 9, 1), None).unwrap_err().field, "provider_name");
        assert_eq!(check_review(d(2024, 3, 1), "NLG", "good", "", Some(d(2024, 2, 1))).unwrap_err().field, "follow_up_on");
        assert_eq!(check_round("Autumn", d(2024, 9, 1), &[]).unwrap_err().field, "questions");
        assert!(check_round("Autumn", d(2024, 9, 1), &["How well?".to_string()]).is_ok());
        assert_eq!(check_new_case(d(2024, 1, 1), "", "reason", None).unwrap_err().field, "link_officer");
        let surrey = SchoolScope { urn: Urn(124937), la_name: "Surrey".into(), trust: None };
        assert_eq!(check_school_in_round(&surrey, "Hampshire").unwrap_err().field, "urn");
        assert!(check_school_in_round(&surrey, "Surrey").is_ok());
    }

    #[test]
    fn milestones_and_rag() {
        let today = d(2024, 5, 1);
        assert_eq!(milestone_state(d(2024, 4, 1), d(2024, 4, 1), None, today), MilestoneState::Overdue);
        assert_eq!(milestone_state(d(2024, 5, 10), d(2024, 6, 10), None, today), MilestoneState::Slipping);
        assert_eq!(milestone_state(d(2024, 6, 1), d(2024, 6, 1), None, today), MilestoneState::OnTrack);
        assert_eq!(milestone_state(d(2024, 4, 1), d(2024, 4, 1), Some(d(2024, 4, 2)), today), MilestoneState::Done);
        assert_eq!(Rag::implied_by(&[MilestoneState::OnTrack, MilestoneState::Slipping]), Rag::Amber);
        assert_eq!(Rag::implied_by(&[MilestoneState::Overdue, MilestoneState::Slipping]), Rag::Red);
        assert_eq!(Rag::implied_by(&[]), Rag::Green);
    }

    #[test]
    fn survey_rounds_summarise_by_question_and_theme() {
        let questions: Vec<String> = SURVEY_QUESTIONS[..2].iter().map(|q| q.to_string()).collect();
        let r = |urn, question, coding, theme: Option<&str>| CodedResponse { urn: Urn(urn), question, coding, theme: theme.map(String::from) };
        let s = summarise(
            &questions,
            &[
                r(1, 0, Some(Coding::Strength), Some("data")),
                r(2, 0, Some(Coding::AreaForDevelopment), Some("data")),
                r(3, 0, Some(Coding::AreaForDevelopment), Some("officer turnover")),
                r(1, 1, None, None),
            ],
        );
        assert_eq!((s[0].responses, s[0].strengths, s[0].areas_for_development), (3, 1, 2));
        assert_eq!(s[0].themes[0], ("data".to_string(), 1, 1));
        assert_eq!((s[1].responses, s[1].uncoded), (1, 1));
    }

    #[test]
    fn impact_is_the_difference_in_differences() {
        let e = impact(Some(BeforeAfter { before: 50.0, after: 65.0 }), &[BeforeAfter { before: 60.0, after: 62.0 }, BeforeAfter { before: 40.0, after: 44.0 }]);
        assert_eq!(e.comparison, Some(BeforeAfter { before: 50.0, after: 53.0 }));
        assert_eq!(e.difference, Some(12.0));
        assert_eq!(impact(None, &[]).difference, None);
    }

    #[test]
    fn brokers_nearest_first_then_strongest() {
        let c = |urn, la: &str, pc: &str, grade, mentions| BrokerCandidate {
            urn: Urn(urn),
            name: format!("S{urn}"),
            la_name: la.into(),
            postcode: Some(pc.into()),
            latest_grade: grade,
            strength_mentions: mentions,
        };
        let ranked = rank_brokers(
            "Liverpool",
            Some("L18 3HS"),
            vec![c(1, "Sefton", "L18 9ZZ", 2, 0), c(2, "Liverpool", "L4 6SH", 1, 0), c(3, "Wirral", "CH1 1AA", 1, 3), c(4, "Liverpool", "L18 1AA", 1, 1)],
        );
        let order: Vec<i64> = ranked.iter().map(|b| b.urn.0).collect();
        assert_eq!(order, vec![4, 1, 2, 3]);
        assert_eq!(postcode_district("l18 3hs"), Some("L18".into()));
    }
}

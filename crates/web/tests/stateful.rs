//! The suite looks for the next hole itself (issue 11): random sequences of API calls — every
//! casework change, every read, sign-in and sign-out, forged and garbled requests — made by
//! random users of every role over schools of two LAs, with invariants checked after each step:
//!
//! 1. no answer is a 5xx, and no request goes unanswered (a panicking handler);
//! 2. nobody reads or changes anything outside their reach, judged by the small model of reach
//!    below (role + the LA, trust or URN of the school concerned), kept apart from the product's
//!    own `Principal` so that a mistake there shows here;
//! 3. every change answered 2xx adds a line by its author to the audit log (read as an
//!    administrator through `GET /api/audit`);
//! 4. public routes never show casework to a caller without reach over the school: no sign-in
//!    name, no casework text (all of which carry the marker [`MARKER`]), no `closed_by` or
//!    `close_note` value;
//! 5. every refusal on the API is a JSON `{"error": …}`.
//!
//! One world per back end (the bundled GIAS extract of Hampshire and Surrey, Hampshire's KS2
//! results, three real Ofsted letters linked to schools of both LAs, a user of every role); the
//! cases of a run follow each other on it, as days of use would, and the model keeps track of
//! everything they create. A failure names the invariant and replays the shrunk sequence's
//! requests. More cases: `STATEFUL_CASES=200 cargo test -p schoolsight-web --test stateful`.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::Router;
use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use common::{ANSTEY, Client, GIAS_2022, HAMPSHIRE_KS2, KINGSWOOD, PRIORY, PRIORY_TRUST, Reply, ST_MARYS, import, raw_request, request, send, sign_in, user};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use schoolsight_domain::casework::Role;
use schoolsight_search::{IndexedLetter, SearchIndex};
use schoolsight_store::testing::{TestBackend, TestDatabase};
use schoolsight_store::{NewLetter, Store, test_each_backend};
use serde_json::{Value, json};

/// Every sign-in name and every casework text carries it; public answers must not.
const MARKER: &str = "qxz";
const STEPS: usize = 30;

fn cases() -> u32 {
    std::env::var("STATEFUL_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(16)
}

// ---------------------------------------------------------------------------------------------
// The model: who the callers are, the schools, and who reaches what.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Who {
    Admin,
    HampshireOfficer,
    SurreyOfficer,
    TrustOfficer,
    /// Headteacher of Anstey.
    Head,
    Inspector,
    /// No session at all.
    Nobody,
}

const USERS: [Who; 6] = [Who::Admin, Who::HampshireOfficer, Who::SurreyOfficer, Who::TrustOfficer, Who::Head, Who::Inspector];
const AUDITOR: &str = "qxzauditor";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum La {
    Hampshire,
    Surrey,
}

impl La {
    fn name(self) -> &'static str {
        match self {
            La::Hampshire => "Hampshire",
            La::Surrey => "Surrey",
        }
    }
}

/// A school as the published register places it.
struct School {
    urn: i64,
    la: La,
    in_priory_trust: bool,
}

const SCHOOLS: [School; 4] = [
    School { urn: ANSTEY, la: La::Hampshire, in_priory_trust: false },
    School { urn: ST_MARYS, la: La::Hampshire, in_priory_trust: false },
    School { urn: PRIORY, la: La::Hampshire, in_priory_trust: true },
    School { urn: KINGSWOOD, la: La::Surrey, in_priory_trust: false },
];

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Admin => "qxzadmin",
            Who::HampshireOfficer => "qxzhants",
            Who::SurreyOfficer => "qxzsurrey",
            Who::TrustOfficer => "qxztrust",
            Who::Head => "qxzhead",
            Who::Inspector => "qxzhmi",
            Who::Nobody => "",
        }
    }

    fn officer_of(self) -> Option<La> {
        match self {
            Who::HampshireOfficer => Some(La::Hampshire),
            Who::SurreyOfficer => Some(La::Surrey),
            _ => None,
        }
    }

    fn reaches(self, school: &School) -> bool {
        match self {
            Who::Admin | Who::Inspector => true,
            Who::HampshireOfficer | Who::SurreyOfficer => self.officer_of() == Some(school.la),
            Who::TrustOfficer => school.in_priory_trust,
            Who::Head => school.urn == ANSTEY,
            Who::Nobody => false,
        }
    }

    /// Cases, actions, meetings, notices, support, reviews, letters' actions.
    fn changes_casework(self, school: &School) -> bool {
        !matches!(self, Who::Inspector | Who::Head) && self.reaches(school)
    }

    /// A school's own leaders answer surveys too; only for a round of the school's own LA.
    fn answers_survey(self, school: &School, round: La) -> bool {
        self != Who::Inspector && self.reaches(school) && school.la == round
    }

    fn runs_survey(self, la: La) -> bool {
        self == Who::Admin || self.officer_of() == Some(la)
    }

    fn reads_survey(self, la: La) -> bool {
        matches!(self, Who::Admin | Who::Inspector) || self.officer_of() == Some(la)
    }
}

/// Something the run created (or the world was seeded with), and the school it concerns.
#[derive(Clone, Debug)]
struct Known {
    id: String,
    school: usize,
    /// The case it belongs to, for actions, milestones and meetings.
    case: Option<String>,
}

/// What the run knows: sessions, and every id it may aim at.
#[derive(Default)]
struct Model {
    clients: HashMap<Who, Client>,
    signed_in: HashSet<Who>,
    cases: Vec<Known>,
    actions: Vec<Known>,
    milestones: Vec<Known>,
    meetings: Vec<Known>,
    notices: Vec<Known>,
    support: Vec<Known>,
    reviews: Vec<Known>,
    letters: Vec<Known>,
    letter_actions: Vec<Known>,
    surveys: Vec<(String, La)>,
    /// The audit log as last read, as a multiset of its lines.
    audit: HashMap<String, usize>,
}

impl Model {
    fn client(&self, who: Who) -> Client {
        self.clients.get(&who).cloned().unwrap_or_default()
    }

    fn signed_in(&self, who: Who) -> bool {
        self.signed_in.contains(&who)
    }
}

/// An id the run never created.
const MISSING: &str = "qxzmissing";

fn pick<'a>(list: &'a [Known], i: &Index) -> Option<&'a Known> {
    (!list.is_empty()).then(|| &list[i.index(list.len())])
}

fn school(i: &Index) -> usize {
    i.index(SCHOOLS.len())
}

// ---------------------------------------------------------------------------------------------
// The operations, as proptest generates them.

#[derive(Clone, Debug)]
enum Day {
    /// Days after 1 January 2024.
    Offset(i64),
    /// A date at or past the edge of what anyone means.
    Text(&'static str),
}

impl Day {
    fn json(&self) -> Value {
        match self {
            Day::Offset(n) => json!((NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date") + chrono::Duration::days(*n)).to_string()),
            Day::Text(t) => json!(t),
        }
    }
}

fn day() -> impl Strategy<Value = Day> {
    prop_oneof![
        8 => (-800i64..800).prop_map(Day::Offset),
        1 => select(vec!["-0001-06-01", "9999-12-31", "0000-01-01", "+10000-01-01", "2024-02-30"]).prop_map(Day::Text),
    ]
}

/// Casework text: ordinary, empty, markup, a NUL byte, long. Every one carries [`MARKER`].
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "qxz [a-z ]{0,12}",
        1 => Just(String::new()),
        1 => Just("qxz <b>bold</b> & 'quoted' \"twice\"".to_string()),
        1 => Just("qxz nul\u{0}byte".to_string()),
        1 => Just(format!("qxz {}", "long ".repeat(2000))),
    ]
}

/// Any caller, those who may change most casework more often (so that changes get made).
fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        3 => Just(Who::Admin),
        3 => Just(Who::HampshireOfficer),
        2 => Just(Who::SurreyOfficer),
        2 => Just(Who::TrustOfficer),
        1 => Just(Who::Head),
        1 => Just(Who::Inspector),
        1 => Just(Who::Nobody),
    ]
}

fn user_who() -> impl Strategy<Value = Who> {
    select(USERS.to_vec())
}

fn la() -> impl Strategy<Value = La> {
    prop_oneof![Just(La::Hampshire), Just(La::Surrey)]
}

/// Mostly the categories that meet (and so schedule meetings), sometimes one that does not exist.
fn category() -> impl Strategy<Value = &'static str> {
    prop_oneof![1 => Just("universal"), 1 => Just("monitor"), 3 => Just("core_group"), 3 => Just("intensive"), 1 => Just("emergency")]
}

fn rag() -> impl Strategy<Value = &'static str> {
    select(vec!["green", "amber", "red", "purple"])
}

/// Whole numbers a form would send, and those only an attacker would.
fn interval() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        2 => Just(None),
        2 => (1i64..120).prop_map(Some),
        2 => select(vec![0, -42, 1_000_000_000, i64::MAX, i64::MIN]).prop_map(Some),
    ]
}

fn cost() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![Just(None), (0.0f64..50_000.0).prop_map(Some), select(vec![-100.0, 0.0, 1e308, f64::MIN_POSITIVE]).prop_map(Some)]
}

/// A casework change: its route, its body, and whom the model allows to make it.
#[derive(Clone, Debug)]
enum Write {
    OpenCase { school: Index, category: &'static str, interval: Option<i64>, opened: Day, officer: Who, reason: String },
    HandOver { case: Index, to: Who },
    Recategorise { case: Index, category: &'static str },
    CloseCase { case: Index, on: Day },
    AddAction { case: Index, text: String, rag: Option<&'static str>, letter_action: Option<Index> },
    SetRag { action: Index, rag: &'static str },
    AddMilestone { action: Index, description: String, due: Day },
    MoveMilestone { milestone: Index, due: Day },
    CompleteMilestone { milestone: Index, on: Day },
    RecordMeeting { meeting: Index, held: Day, notes: String },
    IssueNotice { school: Index, issued: Day, due: Day, grounds: String },
    NoticeOutcome { notice: Index, on: Day, outcome: String },
    AddSupport { school: Index, kind: &'static str, cost: Option<f64>, starts: Day, ends: Option<Day> },
    OpenSurvey { la: La, lower_case: bool, name: String },
    Respond { round: Index, school: Index, question: usize, answer: String },
    AddReview { school: Index, on: Day, recommendations: String },
    FollowUp { review: Index, on: Day, notes: String },
    CloseLetterAction { action: Index, note: Option<String> },
}

fn write() -> impl Strategy<Value = Write> {
    let i = any::<Index>;
    prop_oneof![
        3 => (i(), category(), interval(), day(), select(USERS.to_vec()), text())
            .prop_map(|(school, category, interval, opened, officer, reason)| Write::OpenCase { school, category, interval, opened, officer, reason }),
        1 => (i(), user_who()).prop_map(|(case, to)| Write::HandOver { case, to }),
        1 => (i(), category()).prop_map(|(case, category)| Write::Recategorise { case, category }),
        1 => (i(), day()).prop_map(|(case, on)| Write::CloseCase { case, on }),
        2 => (i(), text(), proptest::option::of(rag()), proptest::option::of(i()))
            .prop_map(|(case, text, rag, letter_action)| Write::AddAction { case, text, rag, letter_action }),
        1 => (i(), rag()).prop_map(|(action, rag)| Write::SetRag { action, rag }),
        2 => (i(), text(), day()).prop_map(|(action, description, due)| Write::AddMilestone { action, description, due }),
        1 => (i(), day()).prop_map(|(milestone, due)| Write::MoveMilestone { milestone, due }),
        1 => (i(), day()).prop_map(|(milestone, on)| Write::CompleteMilestone { milestone, on }),
        1 => (i(), day(), text()).prop_map(|(meeting, held, notes)| Write::RecordMeeting { meeting, held, notes }),
        1 => (i(), day(), day(), text()).prop_map(|(school, issued, due, grounds)| Write::IssueNotice { school, issued, due, grounds }),
        1 => (i(), day(), text()).prop_map(|(notice, on, outcome)| Write::NoticeOutcome { notice, on, outcome }),
        1 => (i(), select(vec!["local_authority", "teaching_school", "school", "magic"]), cost(), day(), proptest::option::of(day()))
            .prop_map(|(school, kind, cost, starts, ends)| Write::AddSupport { school, kind, cost, starts, ends }),
        1 => (la(), any::<bool>(), text()).prop_map(|(la, lower_case, name)| Write::OpenSurvey { la, lower_case, name }),
        2 => (i(), i(), 0usize..6, text()).prop_map(|(round, school, question, answer)| Write::Respond { round, school, question, answer }),
        1 => (i(), day(), text()).prop_map(|(school, on, recommendations)| Write::AddReview { school, on, recommendations }),
        1 => (i(), day(), text()).prop_map(|(review, on, notes)| Write::FollowUp { review, on, notes }),
        1 => (i(), proptest::option::of(text())).prop_map(|(action, note)| Write::CloseLetterAction { action, note }),
    ]
}

/// Where a created thing is remembered.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Case,
    Action,
    Milestone,
    Notice,
    Support,
    Review,
}

/// A write resolved against the model: what to send and what to expect.
struct Planned {
    uri: String,
    body: Value,
    allowed: bool,
    /// Remember the answer's `id` as one of these, about this school (and case).
    creates: Option<(Kind, usize, Option<String>)>,
    /// A survey round opened for this LA.
    opens_round: Option<La>,
    /// Meetings of this case may have changed.
    touches_case: Option<String>,
    /// What the model knows of the target that the route does not show.
    about: String,
}

impl Planned {
    fn new(uri: String, body: Value, allowed: bool) -> Planned {
        Planned { uri, body, allowed, creates: None, opens_round: None, touches_case: None, about: String::new() }
    }
}

/// The id in a route and whether `who` may change what it names (nobody may change a thing
/// that does not exist).
fn target<'a>(list: &'a [Known], i: &Index, who: Who) -> (String, bool, Option<&'a Known>) {
    match pick(list, i) {
        Some(k) => (k.id.clone(), who.changes_casework(&SCHOOLS[k.school]), Some(k)),
        None => (MISSING.into(), false, None),
    }
}

impl Write {
    fn plan(&self, model: &Model, who: Who) -> Planned {
        match self {
            Write::OpenCase { school: s, category, interval, opened, officer, reason } => {
                let s = school(s);
                let body = json!({ "urn": SCHOOLS[s].urn, "category": category, "link_officer": officer.name(), "reason": reason, "opened_on": opened.json(), "meeting_interval_days": interval });
                Planned { creates: Some((Kind::Case, s, None)), ..Planned::new("/api/cases".into(), body, who.changes_casework(&SCHOOLS[s])) }
            }
            Write::HandOver { case, to } => {
                let (id, allowed, _) = target(&model.cases, case, who);
                Planned::new(format!("/api/cases/{id}/handover"), json!({ "to": to.name() }), allowed)
            }
            Write::Recategorise { case, category } => {
                let (id, allowed, _) = target(&model.cases, case, who);
                Planned { touches_case: Some(id.clone()), ..Planned::new(format!("/api/cases/{id}/category"), json!({ "category": category }), allowed) }
            }
            Write::CloseCase { case, on } => {
                let (id, allowed, _) = target(&model.cases, case, who);
                Planned::new(format!("/api/cases/{id}/close"), json!({ "on": on.json() }), allowed)
            }
            Write::AddAction { case, text, rag, letter_action } => {
                let (id, allowed, known) = target(&model.cases, case, who);
                let letter_action = letter_action.as_ref().map(|i| pick(&model.letter_actions, i).map_or(MISSING.to_string(), |k| k.id.clone()));
                let body = json!({ "text": text, "owner": Who::Head.name(), "rag": rag, "letter_action_id": letter_action });
                let creates = known.map(|k| (Kind::Action, k.school, Some(id.clone())));
                Planned { creates, ..Planned::new(format!("/api/cases/{id}/actions"), body, allowed) }
            }
            Write::SetRag { action, rag } => {
                let (id, allowed, _) = target(&model.actions, action, who);
                Planned::new(format!("/api/case-actions/{id}/rag"), json!({ "rag": rag }), allowed)
            }
            Write::AddMilestone { action, description, due } => {
                let (id, allowed, known) = target(&model.actions, action, who);
                let creates = known.map(|k| (Kind::Milestone, k.school, k.case.clone()));
                Planned { creates, ..Planned::new(format!("/api/case-actions/{id}/milestones"), json!({ "description": description, "due": due.json() }), allowed) }
            }
            Write::MoveMilestone { milestone, due } => {
                let (id, allowed, _) = target(&model.milestones, milestone, who);
                Planned::new(format!("/api/milestones/{id}/move"), json!({ "due": due.json() }), allowed)
            }
            Write::CompleteMilestone { milestone, on } => {
                let (id, allowed, _) = target(&model.milestones, milestone, who);
                Planned::new(format!("/api/milestones/{id}/complete"), json!({ "on": on.json() }), allowed)
            }
            Write::RecordMeeting { meeting, held, notes } => {
                let (id, allowed, known) = target(&model.meetings, meeting, who);
                let body = json!({ "held_on": held.json(), "attendees": Who::Head.name(), "notes": notes, "decisions": notes });
                Planned { touches_case: known.and_then(|k| k.case.clone()), ..Planned::new(format!("/api/meetings/{id}"), body, allowed) }
            }
            Write::IssueNotice { school: s, issued, due, grounds } => {
                let s = school(s);
                let body = json!({ "urn": SCHOOLS[s].urn, "issued_on": issued.json(), "grounds": grounds, "response_due": due.json() });
                Planned { creates: Some((Kind::Notice, s, None)), ..Planned::new("/api/warning-notices".into(), body, who.changes_casework(&SCHOOLS[s])) }
            }
            Write::NoticeOutcome { notice, on, outcome } => {
                let (id, allowed, _) = target(&model.notices, notice, who);
                Planned::new(format!("/api/warning-notices/{id}/outcome"), json!({ "responded_on": on.json(), "outcome": outcome }), allowed)
            }
            Write::AddSupport { school: s, kind, cost, starts, ends } => {
                let s = school(s);
                let body = json!({ "urn": SCHOOLS[s].urn, "provider_kind": kind, "provider_name": "qxz provider", "provider_urn": null, "focus_area": "reading",
                    "cost": cost, "paid_by": "LA", "starts_on": starts.json(), "ends_on": ends.as_ref().map(Day::json) });
                Planned { creates: Some((Kind::Support, s, None)), ..Planned::new("/api/support".into(), body, who.changes_casework(&SCHOOLS[s])) }
            }
            Write::OpenSurvey { la, lower_case, name } => {
                let la_name = if *lower_case { la.name().to_lowercase() } else { la.name().to_string() };
                let body = json!({ "name": name, "la_name": la_name, "opened_on": "2024-09-01" });
                Planned { opens_round: Some(*la), ..Planned::new("/api/surveys".into(), body, who.runs_survey(*la)) }
            }
            Write::Respond { round, school: s, question, answer } => {
                let s = school(s);
                let (id, allowed, about) = match (!model.surveys.is_empty()).then(|| &model.surveys[round.index(model.surveys.len())]) {
                    Some((id, la)) => (id.clone(), who.answers_survey(&SCHOOLS[s], *la), format!("a round of {la:?}, a school of {:?}", SCHOOLS[s].la)),
                    None => (MISSING.to_string(), false, String::new()),
                };
                let body = json!({ "urn": SCHOOLS[s].urn, "question": question, "answer": answer, "coding": "strength", "theme": "qxz theme" });
                Planned { about, ..Planned::new(format!("/api/surveys/{id}/responses"), body, allowed) }
            }
            Write::AddReview { school: s, on, recommendations } => {
                let s = school(s);
                let body = json!({ "urn": SCHOOLS[s].urn, "reviewed_on": on.json(), "reviewer": "qxz reviewer", "rating": "requires improvement", "recommendations": recommendations });
                Planned { creates: Some((Kind::Review, s, None)), ..Planned::new("/api/governance-reviews".into(), body, who.changes_casework(&SCHOOLS[s])) }
            }
            Write::FollowUp { review, on, notes } => {
                let (id, allowed, _) = target(&model.reviews, review, who);
                Planned::new(format!("/api/governance-reviews/{id}/follow-up"), json!({ "on": on.json(), "notes": notes }), allowed)
            }
            Write::CloseLetterAction { action, note } => {
                let (id, allowed, _) = target(&model.letter_actions, action, who);
                Planned::new(format!("/api/actions/{id}/close"), json!({ "note": note }), allowed)
            }
        }
    }
}

/// How a careless client spoils a body.
#[derive(Clone, Copy, Debug)]
enum Garble {
    /// The JSON cut short.
    Truncated,
    /// JSON of the wrong shape.
    WrongShape,
    /// Good JSON sent as text/plain.
    PlainText,
    Empty,
}

/// A read: published data (public) or casework (signed in, within reach).
#[derive(Clone, Debug)]
enum Read {
    Published(&'static str),
    PublishedForLa(&'static str, La),
    /// A school's public page or API answer: `{urn}` is replaced.
    PublishedForSchool(&'static str, Index),
    Letter { letter: Index, page: bool },
    CaseList { page: bool },
    Case { case: Index, page: bool },
    SchoolCasework { school: Index, brokers: bool },
    Impact(Index),
    Survey(Index),
    Audit { page: bool },
}

fn read() -> impl Strategy<Value = Read> {
    let i = any::<Index>;
    prop_oneof![
        1 => select(vec!["/api/status", "/api/las?at=2022-06-01", "/api/schools?q=Anstey", "/api/search?q=school", "/", "/search?q=governance", "/login"]).prop_map(Read::Published),
        1 => (select(vec!["/api/las/{la}/profile?at=2022-06-01", "/api/las/{la}/outcomes?from=2015-01-01&to=2022-01-01", "/api/las/{la}/pupil-outcomes", "/la/{la}"]), la())
            .prop_map(|(route, la)| Read::PublishedForLa(route, la)),
        2 => (select(vec!["/api/schools/{urn}", "/api/schools/{urn}/outcomes", "/api/schools/{urn}/letters", "/school/{urn}", "/school/{urn}/outcomes"]), i())
            .prop_map(|(route, school)| Read::PublishedForSchool(route, school)),
        2 => (i(), any::<bool>()).prop_map(|(letter, page)| Read::Letter { letter, page }),
        1 => any::<bool>().prop_map(|page| Read::CaseList { page }),
        2 => (i(), any::<bool>()).prop_map(|(case, page)| Read::Case { case, page }),
        1 => (i(), any::<bool>()).prop_map(|(school, brokers)| Read::SchoolCasework { school, brokers }),
        1 => i().prop_map(Read::Impact),
        1 => i().prop_map(Read::Survey),
        1 => any::<bool>().prop_map(|page| Read::Audit { page }),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    SignIn(Who),
    SignOut(Who),
    Read(Who, Read),
    Write(Who, Write),
    /// A change sent with the session cookie but without its CSRF token.
    Forged(Who, Write),
    Garbled(Who, Write, Garble),
}

fn op() -> impl Strategy<Value = Op> {
    let garble = select(vec![Garble::Truncated, Garble::WrongShape, Garble::PlainText, Garble::Empty]);
    prop_oneof![
        1 => user_who().prop_map(Op::SignIn),
        1 => user_who().prop_map(Op::SignOut),
        8 => (who(), read()).prop_map(|(w, r)| Op::Read(w, r)),
        12 => (who(), write()).prop_map(|(w, c)| Op::Write(w, c)),
        1 => (user_who(), write()).prop_map(|(w, c)| Op::Forged(w, c)),
        1 => (who(), write(), garble).prop_map(|(w, c, g)| Op::Garbled(w, c, g)),
    ]
}

// ---------------------------------------------------------------------------------------------
// The world and the replay.

struct World {
    app: Router,
    db: TestDatabase,
    /// An administrator outside the random users, who reads the audit log and case details
    /// for the model's bookkeeping.
    auditor: Client,
}

/// Real letters (`../shared/letters`) filed against schools of both LAs, their actions open.
const LETTERS: [(&str, i64); 3] = [("000_46fd30e43f8dfc73.txt", ANSTEY), ("001_1233ec7129d85558.txt", KINGSWOOD), ("000_46fd30e43f8dfc73.txt", PRIORY)];

async fn seed_letters(store: &Store, index: &SearchIndex, model: &mut Model) {
    for (n, (file, urn)) in LETTERS.iter().enumerate() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/letters").join(file);
        let body = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let record = schoolsight_letters::parse(&body);
        let letter = NewLetter {
            // Distinct ids for the same letter filed twice.
            sha256: format!("{:02x}", 0xa0 + n).repeat(32),
            name: file.to_string(),
            format: "text".into(),
            kind: "school_monitoring".into(),
            title: record.title.clone().unwrap_or_default(),
            letter_date: record.letter_date,
            visit: None,
            urn: Some(schoolsight_domain::Urn(*urn)),
            la_name: None,
            link_note: "filed for the test".into(),
            body: body.clone(),
            record_json: serde_json::to_string(&record).expect("a letter serialises"),
            actions: record.further_actions.iter().map(|a| a.text.clone()).collect(),
        };
        assert!(!letter.actions.is_empty(), "{file} asks for further action");
        store.save_letter(&letter).await.expect("letter stored");
        index
            .upsert(&[IndexedLetter { id: letter.id(), title: letter.title.clone(), kind: letter.kind.clone(), date: None, about: None, body }])
            .expect("letter indexed");
        let school = SCHOOLS.iter().position(|s| s.urn == *urn).expect("a modelled school");
        model.letters.push(Known { id: letter.id(), school, case: None });
        for action in store.actions_for_letter(&letter.id()).await.expect("its actions") {
            model.letter_actions.push(Known { id: action.id, school, case: None });
        }
    }
}

impl World {
    async fn new(backend: TestBackend) -> (World, Model) {
        let db = TestDatabase::new(backend).await;
        let store = db.store().await;
        import(&store, &[GIAS_2022]).await;
        import(&store, &HAMPSHIRE_KS2).await;
        for u in [
            user(Who::Admin.name(), Role::Administrator, None, None, None),
            user(AUDITOR, Role::Administrator, None, None, None),
            user(Who::HampshireOfficer.name(), Role::LaOfficer, Some("Hampshire"), None, None),
            user(Who::SurreyOfficer.name(), Role::LaOfficer, Some("Surrey"), None, None),
            user(Who::TrustOfficer.name(), Role::TrustOfficer, None, Some(PRIORY_TRUST), None),
            user(Who::Head.name(), Role::SchoolLeader, None, None, Some(ANSTEY)),
            user(Who::Inspector.name(), Role::Inspector, None, None, None),
        ] {
            store.add_user(&u, "test").await.expect("user added");
        }
        let index = Arc::new(SearchIndex::in_memory().expect("an index"));
        let mut model = Model::default();
        seed_letters(&store, &index, &mut model).await;
        let app = schoolsight_web::router(store, index);
        for who in USERS {
            model.clients.insert(who, sign_in(&app, who.name()).await);
            model.signed_in.insert(who);
        }
        let auditor = sign_in(&app, AUDITOR).await;
        let world = World { app, db, auditor };
        model.audit = world.audit_lines().await;
        (world, model)
    }

    /// Sends a request on its own task, so that a handler's panic is seen as the client sees
    /// it (no answer) instead of unwinding through the test.
    async fn send(&self, request: axum::http::Request<axum::body::Body>) -> Result<Reply, String> {
        let app = self.app.clone();
        tokio::spawn(async move { send(&app, request).await }).await.map_err(|e| format!("no answer: the handler panicked ({e})"))
    }

    async fn bookkeeping_get(&self, uri: &str) -> Value {
        let reply = send(&self.app, request(&self.auditor, Method::GET, uri, None)).await;
        assert!(reply.status.is_success(), "bookkeeping GET {uri}: {} {}", reply.status, reply.text);
        reply.json
    }

    async fn audit_lines(&self) -> HashMap<String, usize> {
        let mut lines = HashMap::new();
        for line in self.bookkeeping_get("/api/audit").await.as_array().expect("audit lines") {
            *lines.entry(line.to_string()).or_default() += 1;
        }
        lines
    }

    /// Remembers the meetings a case has now (opening and each meeting held schedule one).
    async fn learn_meetings(&self, model: &mut Model, case_id: &str) {
        let Some(school) = model.cases.iter().find(|c| c.id == case_id).map(|c| c.school) else { return };
        let detail = self.bookkeeping_get(&format!("/api/cases/{case_id}")).await;
        for meeting in detail["meetings"].as_array().into_iter().flatten() {
            let id = meeting["id"].as_str().unwrap_or_default().to_string();
            if !model.meetings.iter().any(|m| m.id == id) {
                model.meetings.push(Known { id, school, case: Some(case_id.to_string()) });
            }
        }
    }
}

/// One step's record, for the failure message.
struct Transcript(Vec<String>);

impl Transcript {
    fn note(&mut self, model: &Model, who: Who, method: &Method, uri: &str, reply: &Reply) {
        let who = if model.signed_in(who) { who.name().to_string() } else { format!("{} (signed out)", who.name()) };
        let body: String = reply.text.chars().take(160).collect();
        self.0.push(format!("{who} {method} {uri} -> {} {body}", reply.status.as_u16()));
    }

    fn fail(&self, invariant: &str) -> String {
        format!("{invariant}\nrequests of the shrunk sequence:\n  {}", self.0.join("\n  "))
    }
}

/// Invariants 1 and 5, for every answer.
fn answered_well(uri: &str, reply: &Reply) -> Result<(), String> {
    if reply.status.is_server_error() {
        return Err(format!("invariant 1 (no 5xx): {uri} answered {}", reply.status));
    }
    let api_refusal = uri.starts_with("/api/") && (reply.status.is_client_error());
    if api_refusal && !reply.json["error"].is_string() {
        return Err(format!("invariant 5 (API refusals are JSON): {uri} answered {} with {:?}", reply.status, reply.text));
    }
    Ok(())
}

/// Invariant 4: casework in a public answer.
fn casework_in(reply: &Reply) -> Option<String> {
    if let Some(at) = reply.text.find(MARKER) {
        let before: String = reply.text[..at].chars().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
        let after: String = reply.text[at..].chars().take(60).collect();
        return Some(format!("casework text or a sign-in name: …{before}{after}…"));
    }
    let mut stack = vec![&reply.json];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, value) in map {
                    if (k == "closed_by" || k == "close_note") && !value.is_null() {
                        return Some(format!("{k} = {value}"));
                    }
                    stack.push(value);
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    None
}

impl World {
    /// Runs one generated sequence, every user signed in at its start.
    async fn replay(&self, model: &mut Model, ops: &[Op]) -> Result<(), String> {
        for who in USERS {
            if !model.signed_in(who) {
                model.clients.insert(who, sign_in(&self.app, who.name()).await);
                model.signed_in.insert(who);
            }
        }
        model.audit = self.audit_lines().await;
        let mut transcript = Transcript(Vec::new());
        for op in ops {
            self.step(model, op, &mut transcript).await.map_err(|invariant| transcript.fail(&invariant))?;
        }
        Ok(())
    }

    async fn step(&self, model: &mut Model, op: &Op, transcript: &mut Transcript) -> Result<(), String> {
        match op {
            Op::SignIn(who) => self.sign_in(model, *who, transcript).await,
            Op::SignOut(who) => self.sign_out(model, *who, transcript).await,
            Op::Read(who, read) => self.read(model, *who, read, transcript).await,
            Op::Write(who, write) => self.write(model, *who, write, transcript).await,
            Op::Forged(who, write) => {
                let plan = write.plan(model, *who);
                let client = Client { csrf: None, ..model.client(*who) };
                let reply = self.send(request(&client, Method::POST, &plan.uri, Some(plan.body))).await?;
                transcript.note(model, *who, &Method::POST, &plan.uri, &reply);
                answered_well(&plan.uri, &reply)?;
                if reply.status.is_success() {
                    return Err(format!("invariant 2 (no change outside reach): a change without its CSRF token was accepted: {}", plan.uri));
                }
                self.refresh_audit(model).await
            }
            Op::Garbled(who, write, garble) => {
                let plan = write.plan(model, *who);
                let mut json = plan.body.to_string();
                let (content_type, body) = match garble {
                    Garble::Truncated => ("application/json", {
                        json.pop();
                        json
                    }),
                    Garble::WrongShape => ("application/json", "[1, 2]".to_string()),
                    Garble::PlainText => ("text/plain", json),
                    Garble::Empty => ("application/json", String::new()),
                };
                let reply = self.send(raw_request(&model.client(*who), Method::POST, &plan.uri, Some(content_type), body)).await?;
                transcript.note(model, *who, &Method::POST, &plan.uri, &reply);
                answered_well(&plan.uri, &reply)?;
                if reply.status.is_success() {
                    return Err(format!("a garbled body ({garble:?}) was accepted: {}", plan.uri));
                }
                self.refresh_audit(model).await
            }
        }
    }

    /// After a refused request the model re-reads the audit log (a refusal may be logged).
    async fn refresh_audit(&self, model: &mut Model) -> Result<(), String> {
        model.audit = self.audit_lines().await;
        Ok(())
    }

    async fn sign_in(&self, model: &mut Model, who: Who, transcript: &mut Transcript) -> Result<(), String> {
        let body = json!({ "name": who.name(), "password": common::PASSWORD });
        let reply = self.send(request(&Client::default(), Method::POST, "/api/login", Some(body))).await?;
        transcript.note(model, who, &Method::POST, "/api/login", &reply);
        answered_well("/api/login", &reply)?;
        if reply.status != StatusCode::OK {
            return Err(format!("a user with the right password was refused: {}", reply.status));
        }
        let cookie = reply.set_cookie.as_deref().and_then(|c| c.split(';').next()).map(String::from);
        model.clients.insert(who, Client { cookie, csrf: reply.json["csrf_token"].as_str().map(String::from) });
        model.signed_in.insert(who);
        model.audit = self.audit_lines().await;
        Ok(())
    }

    /// Signs out, keeping the old cookie: later requests with it must count as signed out.
    async fn sign_out(&self, model: &mut Model, who: Who, transcript: &mut Transcript) -> Result<(), String> {
        let reply = self.send(request(&model.client(who), Method::POST, "/api/logout", None)).await?;
        transcript.note(model, who, &Method::POST, "/api/logout", &reply);
        answered_well("/api/logout", &reply)?;
        if model.signed_in(who) != reply.status.is_success() {
            return Err(format!("sign-out answered {} to a user {}", reply.status, if model.signed_in(who) { "signed in" } else { "already signed out" }));
        }
        model.signed_in.remove(&who);
        model.audit = self.audit_lines().await;
        Ok(())
    }

    async fn write(&self, model: &mut Model, who: Who, write: &Write, transcript: &mut Transcript) -> Result<(), String> {
        let plan = write.plan(model, who);
        let allowed = plan.allowed && model.signed_in(who);
        let reply = self.send(request(&model.client(who), Method::POST, &plan.uri, Some(plan.body.clone()))).await?;
        transcript.note(model, who, &Method::POST, &plan.uri, &reply);
        answered_well(&plan.uri, &reply)?;
        if !reply.status.is_success() {
            return self.refresh_audit(model).await;
        }
        if !allowed {
            return Err(format!("invariant 2 (no change outside reach): {} changed {} ({}) with {}", who.name(), plan.uri, plan.about, plan.body));
        }
        let audit = self.audit_lines().await;
        let new_by_author = audit.iter().any(|(line, n)| *n > model.audit.get(line).copied().unwrap_or(0) && line.contains(&format!("\"user_name\":\"{}\"", who.name())));
        model.audit = audit;
        if !new_by_author {
            return Err(format!("invariant 3 (every change audited): POST {} answered {} but the audit log has no new line by {}", plan.uri, reply.status, who.name()));
        }
        self.remember(model, &plan, &reply).await;
        Ok(())
    }

    /// Adds what a change created to the model.
    async fn remember(&self, model: &mut Model, plan: &Planned, reply: &Reply) {
        let id = reply.json["id"].as_str().unwrap_or_default().to_string();
        if let Some((kind, school, case)) = &plan.creates {
            let known = Known { id: id.clone(), school: *school, case: case.clone() };
            match kind {
                Kind::Case => model.cases.push(known),
                Kind::Action => model.actions.push(known),
                Kind::Milestone => model.milestones.push(known),
                Kind::Notice => model.notices.push(known),
                Kind::Support => model.support.push(known),
                Kind::Review => model.reviews.push(known),
            }
            if matches!(kind, Kind::Case) {
                self.learn_meetings(model, &id).await;
            }
        }
        if let Some(la) = plan.opens_round {
            model.surveys.push((id, la));
        }
        if let Some(case) = &plan.touches_case {
            self.learn_meetings(model, case).await;
        }
    }
}

/// What a read is about, for the model.
enum Concern {
    /// Published data about one school (or none): public, but no casework without reach.
    Published(Option<usize>),
    /// Casework that these callers may read.
    Casework(bool),
    /// A list of cases, each of which the caller must reach.
    CaseList,
}

fn scoped(list: &[Known], i: &Index, who: Who) -> (String, Concern) {
    match pick(list, i) {
        Some(k) => (k.id.clone(), Concern::Casework(who.reaches(&SCHOOLS[k.school]))),
        None => (MISSING.into(), Concern::Casework(false)),
    }
}

impl Read {
    fn plan(&self, model: &Model, who: Who) -> (String, Concern) {
        match self {
            Read::Published(uri) => (uri.to_string(), Concern::Published(None)),
            Read::PublishedForLa(route, la) => (route.replace("{la}", la.name()), Concern::Published(None)),
            Read::PublishedForSchool(route, s) => (route.replace("{urn}", &SCHOOLS[school(s)].urn.to_string()), Concern::Published(Some(school(s)))),
            Read::Letter { letter, page } => {
                let k = pick(&model.letters, letter).expect("letters are seeded");
                let uri = if *page { format!("/letters/{}", k.id) } else { format!("/api/letters/{}", k.id) };
                (uri, Concern::Published(Some(k.school)))
            }
            Read::CaseList { page } => ((if *page { "/cases" } else { "/api/cases" }).into(), Concern::CaseList),
            Read::Case { case, page } => {
                let (id, concern) = scoped(&model.cases, case, who);
                (if *page { format!("/cases/{id}") } else { format!("/api/cases/{id}") }, concern)
            }
            Read::SchoolCasework { school: s, brokers } => {
                let s = school(s);
                let urn = SCHOOLS[s].urn;
                let uri = if *brokers { format!("/api/schools/{urn}/brokers?focus=reading") } else { format!("/api/schools/{urn}/casework") };
                (uri, Concern::Casework(who.reaches(&SCHOOLS[s])))
            }
            Read::Impact(i) => {
                let (id, concern) = scoped(&model.support, i, who);
                (format!("/api/support/{id}/impact"), concern)
            }
            Read::Survey(i) => match (!model.surveys.is_empty()).then(|| &model.surveys[i.index(model.surveys.len())]) {
                Some((id, la)) => (format!("/api/surveys/{id}"), Concern::Casework(who.reads_survey(*la))),
                None => (format!("/api/surveys/{MISSING}"), Concern::Casework(false)),
            },
            Read::Audit { page } => ((if *page { "/admin/audit" } else { "/api/audit" }).into(), Concern::Casework(who == Who::Admin)),
        }
    }
}

impl World {
    async fn read(&self, model: &mut Model, who: Who, read: &Read, transcript: &mut Transcript) -> Result<(), String> {
        let (uri, concern) = read.plan(model, who);
        let reply = self.send(request(&model.client(who), Method::GET, &uri, None)).await?;
        transcript.note(model, who, &Method::GET, &uri, &reply);
        answered_well(&uri, &reply)?;
        let signed_in = model.signed_in(who);
        let outside = |what: &str| Err(format!("invariant 2 (no read outside reach): {} read {uri}: {what}", if signed_in { who.name() } else { "a signed-out caller" }));
        match concern {
            Concern::Published(school) => {
                let reaches = signed_in && school.is_some_and(|s| who.reaches(&SCHOOLS[s]));
                match casework_in(&reply) {
                    Some(found) if !reaches => Err(format!("invariant 4 (public routes free of casework): GET {uri} without reach shows {found}")),
                    _ => Ok(()),
                }
            }
            Concern::Casework(allowed) => match (allowed && signed_in, reply.status.is_success()) {
                (false, true) => outside(&format!("answered {}", reply.status)),
                (true, false) => Err(format!("a reader within reach was refused: GET {uri} answered {} {}", reply.status, reply.text)),
                _ => Ok(()),
            },
            Concern::CaseList => {
                if !signed_in {
                    return if reply.status.is_success() { outside("the case list") } else { Ok(()) };
                }
                match model.cases.iter().find(|c| !who.reaches(&SCHOOLS[c.school]) && reply.text.contains(&c.id)) {
                    Some(c) => outside(&format!("case {} of URN {}", c.id, SCHOOLS[c.school].urn)),
                    None if reply.status.is_success() => Ok(()),
                    None => Err(format!("a signed-in user was refused the case list: {}", reply.status)),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The property, on each back end.

fn explore(runtime: &tokio::runtime::Runtime, backend: TestBackend) {
    let (world, model) = runtime.block_on(World::new(backend));
    let model = std::sync::Mutex::new(model);
    let config = Config { cases: cases(), max_shrink_iters: 200, failure_persistence: None, ..Config::default() };
    let result = TestRunner::new(config).run(&proptest::collection::vec(op(), 1..=STEPS), |ops| {
        let mut model = model.lock().unwrap_or_else(|p| p.into_inner());
        runtime.block_on(world.replay(&mut model, &ops)).map_err(TestCaseError::fail)
    });
    runtime.block_on(world.db.remove());
    if let Err(e) = result {
        panic!("{backend:?}: {e}");
    }
}

test_each_backend!(random_api_sequences_keep_every_invariant, super::random_api_sequences_keep_every_invariant);
async fn random_api_sequences_keep_every_invariant(backend: TestBackend) {
    // proptest drives a synchronous closure; the world lives in a runtime of its own.
    common::on_own_runtime(move |runtime| explore(runtime, backend)).await;
}

//! Casework on schools causing concern: cases and their history, core-group meetings, actions
//! with milestones, warning notices, support packages and their impact, surveys, governance
//! reviews. Every change is one transaction with its audit line. Who may do what is decided
//! by the caller with `Principal`; these functions record who did it.

use chrono::NaiveDate;
use schoolsight_domain::casework::{
    BeforeAfter, BrokerCandidate, CodedResponse, Coding, ConcernCategory, ImpactEstimate, Invalid, MilestoneState, QuestionSummary,
    Rag, SchoolScope, check_case_open, check_day, check_follow_up, check_new_case, check_notice, check_notice_outcome, check_order,
    check_required, check_review, check_round, check_school_in_round, check_support, check_text, impact, meeting_overdue, milestone_state, next_meeting, rank_brokers, summarise,
};
use schoolsight_domain::outcomes::{AcademicYear, Measure};
use schoolsight_domain::{Judgement, Phase, Urn};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::auth::{audit, random_hex};
use crate::{Store, StoreError};

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn day(value: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    value
        .map(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("date '{v}'"))))
        .transpose()
}

fn required_day(row: &AnyRow, column: &str) -> Result<NaiveDate, StoreError> {
    day(Some(row.try_get(column)?))?.ok_or_else(|| StoreError::Corrupt(column.to_string()))
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A case as listed: the school, its category and officer, and what needs attention.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    pub id: String,
    pub school: SchoolScope,
    pub school_name: String,
    pub category: ConcernCategory,
    pub link_officer: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub next_meeting: Option<NaiveDate>,
    pub meeting_overdue: bool,
    pub overdue_milestones: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseEvent {
    pub at: String,
    pub by_user: String,
    pub kind: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    pub id: String,
    pub scheduled_for: NaiveDate,
    pub held_on: Option<NaiveDate>,
    pub attendees: String,
    pub notes: String,
    pub decisions: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Milestone {
    pub id: String,
    pub description: String,
    pub planned_for: NaiveDate,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub state: MilestoneState,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseAction {
    pub id: String,
    pub text: String,
    pub owner: String,
    /// The officer's rating.
    pub rag: Rag,
    /// What the milestones say.
    pub implied_rag: Rag,
    pub letter_action_id: Option<String>,
    pub status: String,
    pub milestones: Vec<Milestone>,
}

/// A case with everything recorded on it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub reason: String,
    pub meeting_interval_days: i64,
    pub events: Vec<CaseEvent>,
    pub meetings: Vec<Meeting>,
    pub actions: Vec<CaseAction>,
}

/// A new case.
#[derive(Debug, Clone, Deserialize)]
pub struct NewCase {
    pub urn: Urn,
    pub category: ConcernCategory,
    pub link_officer: String,
    pub reason: String,
    pub opened_on: NaiveDate,
    pub meeting_interval_days: Option<i64>,
}

/// A meeting as held.
#[derive(Debug, Clone, Deserialize)]
pub struct MeetingRecord {
    pub held_on: NaiveDate,
    pub attendees: String,
    pub notes: String,
    pub decisions: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WarningNotice {
    #[serde(default)]
    pub id: String,
    pub urn: Urn,
    pub issued_on: NaiveDate,
    pub grounds: String,
    pub response_due: NaiveDate,
    #[serde(default)]
    pub responded_on: Option<NaiveDate>,
    #[serde(default)]
    pub outcome: Option<String>,
}

/// Who provides support, as the letters name them.
pub const PROVIDER_KINDS: [&str; 7] = [
    "local_authority",
    "commissioned_provider",
    "teaching_school",
    "national_leader_of_education",
    "local_leader_of_education",
    "national_leader_of_governance",
    "school",
];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SupportPackage {
    #[serde(default)]
    pub id: String,
    pub urn: Urn,
    pub provider_kind: String,
    pub provider_name: String,
    pub provider_urn: Option<Urn>,
    pub focus_area: String,
    pub cost: Option<f64>,
    pub paid_by: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// What a package did, on the school's headline measure and its judgement.
#[derive(Debug, Clone, Serialize)]
pub struct SupportImpact {
    pub package: SupportPackage,
    pub measure: Option<Measure>,
    pub before_year: Option<AcademicYear>,
    pub after_year: Option<AcademicYear>,
    pub estimate: ImpactEstimate,
    pub judgement_before: Option<Judgement>,
    pub judgement_after: Option<Judgement>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SurveyRound {
    pub id: String,
    pub name: String,
    pub la_name: String,
    pub opened_on: NaiveDate,
    pub questions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SurveyResponse {
    pub urn: Urn,
    pub question: usize,
    pub answer: String,
    pub coding: Option<Coding>,
    pub theme: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GovernanceReview {
    #[serde(default)]
    pub id: String,
    pub urn: Urn,
    pub reviewed_on: NaiveDate,
    pub reviewer: String,
    pub rating: String,
    pub recommendations: String,
    #[serde(default)]
    pub follow_up_on: Option<NaiveDate>,
    #[serde(default)]
    pub follow_up: Option<String>,
}

async fn event(tx: &mut Transaction<'static, Any>, case_id: &str, by: &str, kind: &str, detail: &str) -> Result<(), StoreError> {
    // Writes are serialised (`Store::begin_write`), so the next place in the history is free.
    sqlx::query(
        "INSERT INTO case_events (id, case_id, at, by_user, kind, detail, seq) \
         VALUES ($1, $2, $3, $4, $5, $6, (SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = $2))",
    )
        .bind(random_hex(8))
        .bind(case_id)
        .bind(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .bind(by)
        .bind(kind)
        .bind(detail)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn schedule(tx: &mut Transaction<'static, Any>, case_id: &str, on: NaiveDate) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO meetings (id, case_id, scheduled_for, attendees, notes, decisions) VALUES ($1, $2, $3, '', '', '')")
        .bind(random_hex(8))
        .bind(case_id)
        .bind(iso(on))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A broken casework rule is a bad request, worded by the domain.
impl From<Invalid> for StoreError {
    fn from(e: Invalid) -> StoreError {
        StoreError::Invalid(e.to_string())
    }
}

/// SQL finding the case an action, milestone or meeting belongs to.
fn case_of_sql(entity: &str) -> Option<&'static str> {
    match entity {
        "case_action" => Some("SELECT case_id FROM case_actions WHERE id = $1"),
        "milestone" => Some("SELECT a.case_id FROM milestones m JOIN case_actions a ON a.id = m.action_id WHERE m.id = $1"),
        "meeting" => Some("SELECT case_id FROM meetings WHERE id = $1"),
        _ => None,
    }
}

/// Inside a change: the case an action, milestone or meeting belongs to.
async fn case_in(tx: &mut Transaction<'static, Any>, entity: &str, id: &str) -> Result<String, StoreError> {
    let sql = case_of_sql(entity).ok_or_else(|| not_found(entity, id))?;
    let row = sqlx::query(sql).bind(id).fetch_optional(&mut **tx).await?;
    Ok(row.ok_or_else(|| not_found(entity, id))?.try_get(0)?)
}

/// Inside a change: the case as it stands (its opening day and school), refused if closed.
async fn open_case_in(tx: &mut Transaction<'static, Any>, case_id: &str) -> Result<(NaiveDate, Urn), StoreError> {
    let row = sqlx::query("SELECT opened_on, closed_on, urn FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| not_found("case", case_id))?;
    check_case_open(day(row.try_get("closed_on")?)?)?;
    Ok((required_day(&row, "opened_on")?, Urn(row.try_get("urn")?)))
}

/// A letter's action a case action follows up: it must exist, and be about the case's school.
async fn letter_action_of_school(tx: &mut Transaction<'static, Any>, action_id: &str, urn: Urn) -> Result<(), StoreError> {
    let (letter_id, position) = crate::letters::split_action_id(action_id).unwrap_or((action_id, -1));
    let row = sqlx::query("SELECT urn FROM letter_actions WHERE letter_id = $1 AND position = $2")
        .bind(letter_id)
        .bind(position)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("letter_action_id: no letter action {action_id}")))?;
    if row.try_get::<Option<i64>, _>("urn")? == Some(urn.0) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!("letter_action_id: letter action {action_id} is not about this case's school")))
    }
}

fn not_found(what: &str, id: &str) -> StoreError {
    StoreError::NotFound(format!("no {what} {id}"))
}

impl Store {
    /// The school a piece of casework is about, with its LA and trust.
    pub async fn school_scope(&self, urn: Urn) -> Result<Option<SchoolScope>, StoreError> {
        let row = sqlx::query("SELECT urn, la_name, trust FROM schools WHERE urn = $1").bind(urn.0).fetch_optional(&self.pool).await?;
        row.map(|r| Ok(SchoolScope { urn: Urn(r.try_get("urn")?), la_name: r.try_get("la_name")?, trust: r.try_get("trust")? }))
            .transpose()
    }

    /// The school a case is about.
    pub async fn case_scope(&self, case_id: &str) -> Result<Option<SchoolScope>, StoreError> {
        let urn = sqlx::query("SELECT urn FROM cases WHERE id = $1").bind(case_id).fetch_optional(&self.pool).await?;
        match urn {
            Some(r) => self.school_scope(Urn(r.try_get("urn")?)).await,
            None => Ok(None),
        }
    }

    pub async fn open_case(&self, case: &NewCase, by: &str) -> Result<String, StoreError> {
        let interval = check_new_case(case.opened_on, &case.link_officer, &case.reason, case.meeting_interval_days)?;
        self.school_scope(case.urn).await?.ok_or_else(|| not_found("school", &case.urn.to_string()))?;
        let id = random_hex(8);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO cases (id, urn, category, link_officer, reason, meeting_interval_days, opened_on) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(case.urn.0)
        .bind(case.category.key())
        .bind(&case.link_officer)
        .bind(&case.reason)
        .bind(interval)
        .bind(iso(case.opened_on))
        .execute(&mut *tx)
        .await?;
        event(&mut tx, &id, by, "opened", &format!("category {}, link officer {}", case.category.key(), case.link_officer)).await?;
        if case.category.meets() {
            schedule(&mut tx, &id, next_meeting(case.opened_on, interval)).await?;
        }
        audit(&mut tx, by, "open", "case", &id, &json!({ "urn": case.urn, "category": case.category.key(), "link_officer": case.link_officer })).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Hands a case to another officer; its history goes with it.
    pub async fn hand_over(&self, case_id: &str, to: &str, by: &str) -> Result<(), StoreError> {
        check_required("to", to)?;
        let mut tx = self.begin_write().await?;
        open_case_in(&mut tx, case_id).await?;
        let row = sqlx::query("SELECT link_officer FROM cases WHERE id = $1").bind(case_id).fetch_optional(&mut *tx).await?;
        let from: String = row.ok_or_else(|| not_found("case", case_id))?.try_get(0)?;
        sqlx::query("UPDATE cases SET link_officer = $1 WHERE id = $2").bind(to).bind(case_id).execute(&mut *tx).await?;
        event(&mut tx, case_id, by, "handed_over", &format!("from {from} to {to}")).await?;
        audit(&mut tx, by, "hand_over", "case", case_id, &json!({ "from": from, "to": to })).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn recategorise(&self, case_id: &str, category: ConcernCategory, by: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        open_case_in(&mut tx, case_id).await?;
        let done = sqlx::query("UPDATE cases SET category = $1 WHERE id = $2").bind(category.key()).bind(case_id).execute(&mut *tx).await?;
        if done.rows_affected() == 0 {
            return Err(not_found("case", case_id));
        }
        event(&mut tx, case_id, by, "recategorised", category.key()).await?;
        audit(&mut tx, by, "recategorise", "case", case_id, &json!({ "category": category.key() })).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn close_case(&self, case_id: &str, on: NaiveDate, by: &str) -> Result<(), StoreError> {
        check_day("on", on)?;
        let mut tx = self.begin_write().await?;
        let (opened_on, _) = open_case_in(&mut tx, case_id).await?;
        check_order("on", on, "opened_on", opened_on)?;
        let done = sqlx::query("UPDATE cases SET closed_on = $1 WHERE id = $2 AND closed_on IS NULL")
            .bind(iso(on))
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(not_found("open case", case_id));
        }
        event(&mut tx, case_id, by, "closed", &iso(on)).await?;
        audit(&mut tx, by, "close", "case", case_id, &json!({ "on": on })).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a scheduled meeting as held and schedules the next while the case is open and
    /// its category meets.
    pub async fn record_meeting(&self, meeting_id: &str, record: &MeetingRecord, by: &str) -> Result<(), StoreError> {
        check_day("held_on", record.held_on)?;
        check_text("attendees", &record.attendees)?;
        check_text("notes", &record.notes)?;
        check_text("decisions", &record.decisions)?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT m.case_id, c.category, c.meeting_interval_days FROM meetings m JOIN cases c ON c.id = m.case_id \
             WHERE m.id = $1 AND m.held_on IS NULL",
        )
        .bind(meeting_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| not_found("meeting still to be held", meeting_id))?;
        let case_id: String = row.try_get("case_id")?;
        let category: String = row.try_get("category")?;
        let interval: i64 = row.try_get("meeting_interval_days")?;
        let (opened_on, _) = open_case_in(&mut tx, &case_id).await?;
        check_order("held_on", record.held_on, "the case's opened_on", opened_on)?;
        sqlx::query("UPDATE meetings SET held_on = $1, attendees = $2, notes = $3, decisions = $4 WHERE id = $5")
            .bind(iso(record.held_on))
            .bind(&record.attendees)
            .bind(&record.notes)
            .bind(&record.decisions)
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?;
        if ConcernCategory::from_key(&category).is_some_and(ConcernCategory::meets) {
            schedule(&mut tx, &case_id, next_meeting(record.held_on, interval)).await?;
        }
        event(&mut tx, &case_id, by, "meeting_held", &iso(record.held_on)).await?;
        audit(&mut tx, by, "record", "meeting", meeting_id, &json!({ "held_on": record.held_on, "attendees": record.attendees })).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_case_action(&self, case_id: &str, text: &str, owner: &str, rag: Rag, letter_action_id: Option<&str>, by: &str) -> Result<String, StoreError> {
        check_required("text", text)?;
        check_required("owner", owner)?;
        let id = random_hex(8);
        let mut tx = self.begin_write().await?;
        let (_, urn) = open_case_in(&mut tx, case_id).await?;
        if let Some(letter_action) = letter_action_id {
            letter_action_of_school(&mut tx, letter_action, urn).await?;
        }
        sqlx::query(
            "INSERT INTO case_actions (id, case_id, text, owner, rag, letter_action_id, status, created_on) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)",
        )
        .bind(&id)
        .bind(case_id)
        .bind(text)
        .bind(owner)
        .bind(rag.key())
        .bind(letter_action_id.map(str::to_string))
        .bind(iso(today()))
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, by, "add", "case_action", &id, &json!({ "case": case_id, "text": text, "owner": owner })).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn set_rag(&self, action_id: &str, rag: Rag, by: &str) -> Result<(), StoreError> {
        self.ensure_case_open("case_action", action_id).await?;
        self.update_one("UPDATE case_actions SET rag = $1 WHERE id = $2", &[rag.key(), action_id], by, "rate", "case_action", action_id).await
    }

    pub async fn add_milestone(&self, action_id: &str, description: &str, due: NaiveDate, by: &str) -> Result<String, StoreError> {
        check_required("description", description)?;
        check_day("due", due)?;
        let id = random_hex(8);
        let mut tx = self.begin_write().await?;
        let case_id = case_in(&mut tx, "case_action", action_id).await?;
        open_case_in(&mut tx, &case_id).await?;
        sqlx::query("INSERT INTO milestones (id, action_id, description, planned_for, due_on) VALUES ($1, $2, $3, $4, $4)")
            .bind(&id)
            .bind(action_id)
            .bind(description)
            .bind(iso(due))
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, by, "add", "milestone", &id, &json!({ "action": action_id, "due": due })).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves a milestone's date; the first planned date is kept, so slipping shows.
    pub async fn move_milestone(&self, id: &str, due: NaiveDate, by: &str) -> Result<(), StoreError> {
        check_day("due", due)?;
        self.ensure_case_open("milestone", id).await?;
        self.update_one("UPDATE milestones SET due_on = $1 WHERE id = $2 AND done_on IS NULL", &[&iso(due), id], by, "move", "milestone", id).await
    }

    pub async fn complete_milestone(&self, id: &str, on: NaiveDate, by: &str) -> Result<(), StoreError> {
        check_day("on", on)?;
        self.ensure_case_open("milestone", id).await?;
        self.update_one("UPDATE milestones SET done_on = $1 WHERE id = $2 AND done_on IS NULL", &[&iso(on), id], by, "complete", "milestone", id).await
    }

    /// One `UPDATE` of one row with its audit line; no row changed is "not found".
    #[allow(clippy::too_many_arguments)]
    async fn update_one(&self, sql: &str, binds: &[&str], by: &str, action: &str, entity: &str, id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let mut query = sqlx::query(sql);
        for b in binds {
            query = query.bind(b.to_string());
        }
        if query.execute(&mut *tx).await?.rows_affected() != 1 {
            return Err(not_found(entity, id));
        }
        let detail: Vec<&str> = binds[..binds.len() - 1].to_vec();
        audit(&mut tx, by, action, entity, id, &json!({ "values": detail })).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The case an action or a milestone or a meeting belongs to.
    pub async fn case_of(&self, entity: &str, id: &str) -> Result<Option<String>, StoreError> {
        let Some(sql) = case_of_sql(entity) else { return Ok(None) };
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(|r| Ok(r.try_get(0)?)).transpose()
    }

    /// Refuses a change to an action or milestone of a closed case.
    async fn ensure_case_open(&self, entity: &str, id: &str) -> Result<(), StoreError> {
        let case_id = self.case_of(entity, id).await?.ok_or_else(|| not_found(entity, id))?;
        let row = sqlx::query("SELECT closed_on FROM cases WHERE id = $1").bind(&case_id).fetch_one(&self.pool).await?;
        Ok(check_case_open(day(row.try_get("closed_on")?)?)?)
    }

    /// Every case (open first, then newest), with what needs attention today.
    pub async fn cases(&self) -> Result<Vec<CaseSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.id, c.urn, c.category, c.link_officer, c.opened_on, c.closed_on, s.name, s.la_name, s.trust, \
               (SELECT MIN(m.scheduled_for) FROM meetings m WHERE m.case_id = c.id AND m.held_on IS NULL) AS next_meeting, \
               (SELECT COUNT(*) FROM milestones ms JOIN case_actions a ON a.id = ms.action_id \
                 WHERE a.case_id = c.id AND ms.done_on IS NULL AND ms.due_on < $1) AS overdue \
             FROM cases c JOIN schools s ON s.urn = c.urn ORDER BY c.closed_on IS NOT NULL, c.opened_on DESC, c.id",
        )
        .bind(iso(today()))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(case_summary).collect()
    }

    pub async fn case(&self, id: &str) -> Result<Option<CaseDetail>, StoreError> {
        let Some(summary) = self.cases().await?.into_iter().find(|c| c.id == id) else { return Ok(None) };
        let head = sqlx::query("SELECT reason, meeting_interval_days FROM cases WHERE id = $1").bind(id).fetch_one(&self.pool).await?;
        let events = sqlx::query("SELECT at, by_user, kind, detail FROM case_events WHERE case_id = $1 ORDER BY seq, at, id")
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok(CaseEvent { at: r.try_get("at")?, by_user: r.try_get("by_user")?, kind: r.try_get("kind")?, detail: r.try_get("detail")? }))
            .collect::<Result<_, StoreError>>()?;
        let meetings = sqlx::query("SELECT id, scheduled_for, held_on, attendees, notes, decisions FROM meetings WHERE case_id = $1 ORDER BY scheduled_for")
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let scheduled_for = required_day(r, "scheduled_for")?;
                let held_on = day(r.try_get("held_on")?)?;
                Ok(Meeting {
                    id: r.try_get("id")?,
                    scheduled_for,
                    held_on,
                    attendees: r.try_get("attendees")?,
                    notes: r.try_get("notes")?,
                    decisions: r.try_get("decisions")?,
                    overdue: meeting_overdue(scheduled_for, held_on, today()),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(CaseDetail {
            summary,
            reason: head.try_get("reason")?,
            meeting_interval_days: head.try_get("meeting_interval_days")?,
            events,
            meetings,
            actions: self.case_actions(id).await?,
        }))
    }

    async fn case_actions(&self, case_id: &str) -> Result<Vec<CaseAction>, StoreError> {
        let actions = sqlx::query("SELECT id, text, owner, rag, letter_action_id, status FROM case_actions WHERE case_id = $1 ORDER BY created_on, id")
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(actions.len());
        for a in &actions {
            let id: String = a.try_get("id")?;
            let milestones: Vec<Milestone> = sqlx::query("SELECT id, description, planned_for, due_on, done_on FROM milestones WHERE action_id = $1 ORDER BY due_on, id")
                .bind(&id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|m| {
                    let (planned, due, done) = (required_day(m, "planned_for")?, required_day(m, "due_on")?, day(m.try_get("done_on")?)?);
                    Ok(Milestone {
                        id: m.try_get("id")?,
                        description: m.try_get("description")?,
                        planned_for: planned,
                        due_on: due,
                        done_on: done,
                        state: milestone_state(planned, due, done, today()),
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            let rag: String = a.try_get("rag")?;
            let states: Vec<MilestoneState> = milestones.iter().map(|m| m.state).collect();
            out.push(CaseAction {
                id,
                text: a.try_get("text")?,
                owner: a.try_get("owner")?,
                rag: Rag::from_key(&rag).ok_or(StoreError::Corrupt(rag))?,
                implied_rag: Rag::implied_by(&states),
                letter_action_id: a.try_get("letter_action_id")?,
                status: a.try_get("status")?,
                milestones,
            });
        }
        Ok(out)
    }

    pub async fn issue_warning_notice(&self, notice: &WarningNotice, by: &str) -> Result<String, StoreError> {
        check_notice(notice.issued_on, notice.response_due, &notice.grounds)?;
        let id = random_hex(8);
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO warning_notices (id, urn, issued_on, grounds, response_due) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(notice.urn.0)
            .bind(iso(notice.issued_on))
            .bind(&notice.grounds)
            .bind(iso(notice.response_due))
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, by, "issue", "warning_notice", &id, &json!({ "urn": notice.urn, "grounds": notice.grounds })).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn record_notice_outcome(&self, id: &str, responded_on: NaiveDate, outcome: &str, by: &str) -> Result<(), StoreError> {
        let row = sqlx::query("SELECT issued_on FROM warning_notices WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        let issued_on = required_day(&row.ok_or_else(|| not_found("warning_notice", id))?, "issued_on")?;
        check_notice_outcome(issued_on, responded_on, outcome)?;
        self.update_one("UPDATE warning_notices SET responded_on = $1, outcome = $2 WHERE id = $3", &[&iso(responded_on), outcome, id], by, "respond", "warning_notice", id)
            .await
    }

    pub async fn warning_notices(&self, urn: Urn) -> Result<Vec<WarningNotice>, StoreError> {
        let rows = sqlx::query("SELECT id, urn, issued_on, grounds, response_due, responded_on, outcome FROM warning_notices WHERE urn = $1 ORDER BY issued_on")
            .bind(urn.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(WarningNotice {
                    id: r.try_get("id")?,
                    urn: Urn(r.try_get("urn")?),
                    issued_on: required_day(r, "issued_on")?,
                    grounds: r.try_get("grounds")?,
                    response_due: required_day(r, "response_due")?,
                    responded_on: day(r.try_get("responded_on")?)?,
                    outcome: r.try_get("outcome")?,
                })
            })
            .collect()
    }

    /// The entity's school, for notices, packages and reviews.
    pub async fn urn_of(&self, table_entity: &str, id: &str) -> Result<Option<Urn>, StoreError> {
        let sql = match table_entity {
            "warning_notice" => "SELECT urn FROM warning_notices WHERE id = $1",
            "support_package" => "SELECT urn FROM support_packages WHERE id = $1",
            "governance_review" => "SELECT urn FROM governance_reviews WHERE id = $1",
            _ => return Ok(None),
        };
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(|r| Ok(Urn(r.try_get(0)?))).transpose()
    }

    pub async fn add_support(&self, p: &SupportPackage, by: &str) -> Result<String, StoreError> {
        check_support(&p.provider_name, &p.focus_area, &p.paid_by, p.cost, p.starts_on, p.ends_on)?;
        if let Some(provider) = p.provider_urn {
            self.school_scope(provider).await?.ok_or_else(|| StoreError::Invalid(format!("provider_urn: no school with URN {provider}")))?;
        }
        if !PROVIDER_KINDS.contains(&p.provider_kind.as_str()) {
            return Err(StoreError::Invalid(format!("provider_kind: provider kind '{}' is not one of {}", p.provider_kind, PROVIDER_KINDS.join(", "))));
        }
        let id = random_hex(8);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO support_packages (id, urn, provider_kind, provider_name, provider_urn, focus_area, cost, paid_by, starts_on, ends_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(p.urn.0)
        .bind(&p.provider_kind)
        .bind(&p.provider_name)
        .bind(p.provider_urn.map(|u| u.0))
        .bind(&p.focus_area)
        .bind(p.cost)
        .bind(&p.paid_by)
        .bind(iso(p.starts_on))
        .bind(p.ends_on.map(iso))
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, by, "add", "support_package", &id, &json!({ "urn": p.urn, "provider": p.provider_name, "paid_by": p.paid_by, "cost": p.cost })).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn support_for(&self, urn: Urn) -> Result<Vec<SupportPackage>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, urn, provider_kind, provider_name, provider_urn, focus_area, cost, paid_by, starts_on, ends_on FROM support_packages WHERE urn = $1 ORDER BY starts_on",
        )
        .bind(urn.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(package_from).collect()
    }

    /// The package's effect on the school's headline measure, beside schools of the same LA and
    /// phase that had no support (difference in differences), and its judgement before and after.
    pub async fn support_impact(&self, id: &str) -> Result<Option<SupportImpact>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT id, urn, provider_kind, provider_name, provider_urn, focus_area, cost, paid_by, starts_on, ends_on FROM support_packages WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let package = package_from(&row)?;
        let Some(history) = self.school(package.urn).await? else { return Ok(None) };
        let school = history.school;
        let start_year = academic_year(package.starts_on);
        let end_year = academic_year(package.ends_on.unwrap_or(package.starts_on));
        let measure = Measure::headline(school.phase, end_year);
        let series = |urn: Urn, m: Measure| self.headline_series(urn, m);
        let (mut estimate, mut before_year, mut after_year) = (impact(None, &[]), None, None);
        if let Some(m) = measure {
            let own = series(package.urn, m).await?;
            let before = own.iter().filter(|(y, _)| *y < start_year).max_by_key(|(y, _)| *y).copied();
            let after = own.iter().filter(|(y, _)| *y > end_year).min_by_key(|(y, _)| *y).copied();
            if let (Some(b), Some(a)) = (before, after) {
                before_year = Some(b.0);
                after_year = Some(a.0);
                let comparison = self.comparison_changes(&school.la_name, school.phase, m, b.0, a.0).await?;
                estimate = impact(Some(BeforeAfter { before: b.1, after: a.1 }), &comparison);
            }
        }
        let graded: Vec<(NaiveDate, Judgement)> =
            history.timeline.iter().filter_map(|e| e.inspection.judgement.map(|j| (e.inspection.start_date, j))).collect();
        let judgement_before = graded.iter().filter(|(d, _)| *d < package.starts_on).max_by_key(|(d, _)| *d).map(|g| g.1);
        let judgement_after = graded.iter().filter(|(d, _)| *d > package.starts_on).min_by_key(|(d, _)| *d).map(|g| g.1);
        Ok(Some(SupportImpact { package, measure, before_year, after_year, estimate, judgement_before, judgement_after }))
    }

    async fn headline_series(&self, urn: Urn, measure: Measure) -> Result<Vec<(AcademicYear, f64)>, StoreError> {
        let rows = sqlx::query("SELECT year, value FROM measures WHERE urn = $1 AND measure = $2 AND pupil_group = 'all' AND value IS NOT NULL")
            .bind(urn.0)
            .bind(measure.key())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((AcademicYear(r.try_get::<i64, _>("year")? as i32), r.try_get("value")?))).collect()
    }

    /// Before and after figures of the LA's schools of the same phase with no support package.
    async fn comparison_changes(&self, la: &str, phase: Phase, m: Measure, before: AcademicYear, after: AcademicYear) -> Result<Vec<BeforeAfter>, StoreError> {
        let rows = sqlx::query(
            "SELECT b.value AS before_value, a.value AS after_value, s.phase FROM schools s \
             JOIN measures b ON b.urn = s.urn AND b.measure = $1 AND b.pupil_group = 'all' AND b.year = $2 AND b.value IS NOT NULL \
             JOIN measures a ON a.urn = s.urn AND a.measure = $1 AND a.pupil_group = 'all' AND a.year = $3 AND a.value IS NOT NULL \
             WHERE s.la_name = $4 AND NOT EXISTS (SELECT 1 FROM support_packages p WHERE p.urn = s.urn)",
        )
        .bind(m.key())
        .bind(i64::from(before.0))
        .bind(i64::from(after.0))
        .bind(la)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let p: String = r.try_get("phase")?;
            if Phase::from_key(&p).is_some_and(|p| p.reporting_group() == phase.reporting_group()) {
                out.push(BeforeAfter { before: r.try_get("before_value")?, after: r.try_get("after_value")? });
            }
        }
        Ok(out)
    }

    /// Schools judged good or outstanding that could support `for_urn` in `focus_area`,
    /// nearest first; letters naming the focus among their strengths count in their favour.
    pub async fn broker(&self, for_urn: Urn, focus_area: &str, limit: usize) -> Result<Vec<BrokerCandidate>, StoreError> {
        let target = self.school(for_urn).await?.ok_or_else(|| not_found("school", &for_urn.to_string()))?.school;
        let rows = sqlx::query(
            "SELECT s.urn, s.name, s.la_name, s.postcode, s.phase, \
               (SELECT i.grade FROM inspections i WHERE i.urn = s.urn AND i.grade IS NOT NULL ORDER BY i.start_date DESC LIMIT 1) AS grade, \
               (SELECT COUNT(*) FROM letters l WHERE l.urn = s.urn AND LOWER(l.record) LIKE $1) AS mentions \
             FROM schools s WHERE s.status = 'open' AND s.urn <> $2",
        )
        .bind(format!("%{}%", focus_area.to_lowercase().replace('%', "")))
        .bind(for_urn.0)
        .fetch_all(&self.pool)
        .await?;
        let mut candidates = Vec::new();
        for r in &rows {
            let grade: Option<i64> = r.try_get("grade")?;
            let phase: String = r.try_get("phase")?;
            let same_phase = Phase::from_key(&phase).is_some_and(|p| p.reporting_group() == target.phase.reporting_group());
            if let (Some(g @ 1..=2), true) = (grade, same_phase) {
                candidates.push(BrokerCandidate {
                    urn: Urn(r.try_get("urn")?),
                    name: r.try_get("name")?,
                    la_name: r.try_get("la_name")?,
                    postcode: r.try_get("postcode")?,
                    latest_grade: g as u8,
                    strength_mentions: r.try_get::<i64, _>("mentions")? as usize,
                });
            }
        }
        let mut ranked = rank_brokers(&target.la_name, target.postcode.as_deref(), candidates);
        ranked.truncate(limit);
        Ok(ranked)
    }

    pub async fn open_survey_round(&self, name: &str, la_name: &str, opened_on: NaiveDate, questions: &[String], by: &str) -> Result<String, StoreError> {
        check_round(name, opened_on, questions)?;
        let id = random_hex(8);
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO survey_rounds (id, name, la_name, opened_on, questions) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(name)
            .bind(la_name)
            .bind(iso(opened_on))
            .bind(serde_json::to_string(questions).map_err(|e| StoreError::Invalid(e.to_string()))?)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, by, "open", "survey_round", &id, &json!({ "name": name, "la": la_name })).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn survey_round(&self, id: &str) -> Result<Option<SurveyRound>, StoreError> {
        let row = sqlx::query("SELECT id, name, la_name, opened_on, questions FROM survey_rounds WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        row.map(|r| {
            let questions: String = r.try_get("questions")?;
            Ok(SurveyRound {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                la_name: r.try_get("la_name")?,
                opened_on: required_day(&r, "opened_on")?,
                questions: serde_json::from_str(&questions).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            })
        })
        .transpose()
    }

    /// Records (or replaces) a school's answer to one question of a round; the school must be
    /// one of the round's LA.
    pub async fn record_survey_response(&self, round_id: &str, r: &SurveyResponse, by: &str) -> Result<(), StoreError> {
        let round = self.survey_round(round_id).await?.ok_or_else(|| not_found("survey round", round_id))?;
        if r.question >= round.questions.len() {
            return Err(StoreError::Invalid(format!("question: the round has {} questions", round.questions.len())));
        }
        let school = self.school_scope(r.urn).await?.ok_or_else(|| not_found("school", &r.urn.to_string()))?;
        check_school_in_round(&school, &round.la_name)?;
        check_text("answer", &r.answer)?;
        check_text("theme", r.theme.as_deref().unwrap_or_default())?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO survey_responses (round_id, urn, question, answer, coding, theme) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (round_id, urn, question) DO UPDATE SET answer = excluded.answer, coding = excluded.coding, theme = excluded.theme",
        )
        .bind(round_id)
        .bind(r.urn.0)
        .bind(r.question as i64)
        .bind(&r.answer)
        .bind(r.coding.map(|c| c.key().to_string()))
        .bind(r.theme.clone())
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, by, "respond", "survey", round_id, &json!({ "urn": r.urn, "question": r.question })).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn survey_summary(&self, round_id: &str) -> Result<Option<(SurveyRound, Vec<QuestionSummary>)>, StoreError> {
        let Some(round) = self.survey_round(round_id).await? else { return Ok(None) };
        let rows = sqlx::query("SELECT urn, question, coding, theme FROM survey_responses WHERE round_id = $1").bind(round_id).fetch_all(&self.pool).await?;
        let responses: Vec<CodedResponse> = rows
            .iter()
            .map(|r| {
                let coding: Option<String> = r.try_get("coding")?;
                Ok(CodedResponse {
                    urn: Urn(r.try_get("urn")?),
                    question: r.try_get::<i64, _>("question")? as usize,
                    coding: coding.as_deref().and_then(Coding::from_key),
                    theme: r.try_get("theme")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let summary = summarise(&round.questions, &responses);
        Ok(Some((round, summary)))
    }

    /// The LA's newest headteacher survey round (its id), for the LA report's survey summary.
    pub async fn latest_survey_round(&self, la_name: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT id FROM survey_rounds WHERE la_name = $1 ORDER BY opened_on DESC, id LIMIT 1")
            .bind(la_name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(r.try_get("id")?)).transpose()
    }

    /// The LA's schools with a warning notice or a support package on record (any status,
    /// open or closed), so the LA report reads them school by school as the casework API does.
    pub async fn schools_with_notices_or_support(&self, la_name: &str) -> Result<Vec<Urn>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.urn FROM schools s WHERE s.la_name = $1 AND (EXISTS (SELECT 1 FROM warning_notices w WHERE w.urn = s.urn) \
             OR EXISTS (SELECT 1 FROM support_packages p WHERE p.urn = s.urn)) ORDER BY s.urn",
        )
        .bind(la_name)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(Urn(r.try_get("urn")?))).collect()
    }

    pub async fn add_governance_review(&self, review: &GovernanceReview, by: &str) -> Result<String, StoreError> {
        check_review(review.reviewed_on, &review.reviewer, &review.rating, &review.recommendations, review.follow_up_on)?;
        let id = random_hex(8);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO governance_reviews (id, urn, reviewed_on, reviewer, rating, recommendations, follow_up_on) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(review.urn.0)
        .bind(iso(review.reviewed_on))
        .bind(&review.reviewer)
        .bind(&review.rating)
        .bind(&review.recommendations)
        .bind(review.follow_up_on.map(iso))
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, by, "add", "governance_review", &id, &json!({ "urn": review.urn, "rating": review.rating })).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn follow_up_review(&self, id: &str, on: NaiveDate, notes: &str, by: &str) -> Result<(), StoreError> {
        let row = sqlx::query("SELECT reviewed_on FROM governance_reviews WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        check_follow_up(required_day(&row.ok_or_else(|| not_found("governance_review", id))?, "reviewed_on")?, on)?;
        check_required("notes", notes)?;
        self.update_one("UPDATE governance_reviews SET follow_up_on = $1, follow_up = $2 WHERE id = $3", &[&iso(on), notes, id], by, "follow_up", "governance_review", id)
            .await
    }

    pub async fn governance_reviews(&self, urn: Urn) -> Result<Vec<GovernanceReview>, StoreError> {
        let rows = sqlx::query("SELECT id, urn, reviewed_on, reviewer, rating, recommendations, follow_up_on, follow_up FROM governance_reviews WHERE urn = $1 ORDER BY reviewed_on")
            .bind(urn.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(GovernanceReview {
                    id: r.try_get("id")?,
                    urn: Urn(r.try_get("urn")?),
                    reviewed_on: required_day(r, "reviewed_on")?,
                    reviewer: r.try_get("reviewer")?,
                    rating: r.try_get("rating")?,
                    recommendations: r.try_get("recommendations")?,
                    follow_up_on: day(r.try_get("follow_up_on")?)?,
                    follow_up: r.try_get("follow_up")?,
                })
            })
            .collect()
    }
}

/// The academic year a day falls in (September to August).
fn academic_year(d: NaiveDate) -> AcademicYear {
    use chrono::Datelike;
    AcademicYear(if d.month() >= 9 { d.year() } else { d.year() - 1 })
}

fn package_from(r: &AnyRow) -> Result<SupportPackage, StoreError> {
    Ok(SupportPackage {
        id: r.try_get("id")?,
        urn: Urn(r.try_get("urn")?),
        provider_kind: r.try_get("provider_kind")?,
        provider_name: r.try_get("provider_name")?,
        provider_urn: r.try_get::<Option<i64>, _>("provider_urn")?.map(Urn),
        focus_area: r.try_get("focus_area")?,
        cost: r.try_get("cost")?,
        paid_by: r.try_get("paid_by")?,
        starts_on: required_day(r, "starts_on")?,
        ends_on: day(r.try_get("ends_on")?)?,
    })
}

fn case_summary(r: &AnyRow) -> Result<CaseSummary, StoreError> {
    let category: String = r.try_get("category")?;
    let next = day(r.try_get("next_meeting")?)?;
    Ok(CaseSummary {
        id: r.try_get("id")?,
        school: SchoolScope { urn: Urn(r.try_get("urn")?), la_name: r.try_get("la_name")?, trust: r.try_get("trust")? },
        school_name: r.try_get("name")?,
        category: ConcernCategory::from_key(&category).ok_or(StoreError::Corrupt(category))?,
        link_officer: r.try_get("link_officer")?,
        opened_on: required_day(r, "opened_on")?,
        closed_on: day(r.try_get("closed_on")?)?,
        next_meeting: next,
        meeting_overdue: next.is_some_and(|n| meeting_overdue(n, None, today())),
        overdue_milestones: r.try_get::<i64, _>("overdue")? as usize,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn academic_years_turn_in_september() {
        assert_eq!(academic_year(NaiveDate::from_ymd_opt(2018, 8, 31).unwrap()), AcademicYear(2017));
        assert_eq!(academic_year(NaiveDate::from_ymd_opt(2018, 9, 1).unwrap()), AcademicYear(2018));
    }
}

//! Casework in the dashboard: the cases a user may see, a case with its history, core-group
//! meetings and actions (forms to record a meeting, hand over, add an action), and the audit
//! log for administrators. Every form carries the session's CSRF token.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use schoolsight_domain::Urn;
use schoolsight_domain::casework::{Change, ConcernCategory, Rag};
use schoolsight_store::{AuditEntry, CaseDetail, CaseSummary, MeetingRecord, NewCase, Store};
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::pages::render;
use crate::{AppError, html_error};

#[derive(Template)]
#[template(path = "cases.html")]
pub struct CasesPage {
    pub user: String,
    pub role: String,
    pub csrf: String,
    pub cases: Vec<CaseSummary>,
    pub categories: Vec<&'static str>,
    pub can_open: bool,
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub async fn cases(State(store): State<Store>, user: SignedIn) -> Response {
    render(async {
        let p = user.principal();
        let cases = store.cases().await?.into_iter().filter(|c| p.can_read(&c.school)).collect();
        let can_open = matches!(p.role, schoolsight_domain::casework::Role::Administrator | schoolsight_domain::casework::Role::LaOfficer | schoolsight_domain::casework::Role::TrustOfficer);
        Ok(CasesPage {
            user: p.name.clone(),
            role: p.role.key().replace('_', " "),
            csrf: user.0.csrf_token.clone(),
            cases,
            categories: ConcernCategory::ALL.iter().map(|c| c.key()).collect(),
            can_open,
        })
    }
    .await)
}

/// After a form's change: back to the case, or the error as a page.
fn done(result: Result<String, AppError>) -> Response {
    match result {
        Ok(case_id) => Redirect::to(&format!("/cases/{case_id}")).into_response(),
        Err(e) => html_error(e),
    }
}

#[derive(Deserialize)]
pub struct OpenCaseForm {
    csrf: Option<String>,
    urn: String,
    category: String,
    link_officer: String,
    reason: String,
}

pub async fn open_case(State(store): State<Store>, user: SignedIn, Form(form): Form<OpenCaseForm>) -> Response {
    done(async {
        user.check_csrf(form.csrf.as_deref())?;
        let urn = crate::parse_urn(form.urn.trim())?;
        let scope = store.school_scope(urn).await?.ok_or_else(|| AppError::NotFound(format!("no school with URN {urn}")))?;
        user.may_change(&scope, Change::Casework)?;
        let category = ConcernCategory::from_key(&form.category).ok_or_else(|| AppError::BadRequest(format!("'{}' is not a category", form.category)))?;
        let case = NewCase { urn: Urn(urn.0), category, link_officer: form.link_officer, reason: form.reason, opened_on: today(), meeting_interval_days: None };
        Ok(store.open_case(&case, &user.principal().name).await?)
    }
    .await)
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub detail: CaseDetail,
    pub csrf: String,
    pub can_change: bool,
    pub next_meeting_id: Option<String>,
    pub today: NaiveDate,
}

pub async fn case(State(store): State<Store>, user: SignedIn, Path(id): Path<String>) -> Response {
    render(async {
        let detail = store.case(&id).await?.ok_or_else(|| AppError::NotFound(format!("no case {id}")))?;
        user.may_read(&detail.summary.school)?;
        let can_change = user.principal().can_change(&detail.summary.school, Change::Casework);
        let next_meeting_id = detail.meetings.iter().find(|m| m.held_on.is_none()).map(|m| m.id.clone());
        Ok(CasePage { detail, csrf: user.0.csrf_token.clone(), can_change, next_meeting_id, today: today() })
    }
    .await)
}

/// Checks CSRF and the user's reach over the case's school before a form changes it.
async fn may_change_case(store: &Store, user: &SignedIn, csrf: Option<&str>, case_id: &str) -> Result<(), AppError> {
    user.check_csrf(csrf)?;
    let scope = store.case_scope(case_id).await?.ok_or_else(|| AppError::NotFound(format!("no case {case_id}")))?;
    user.may_change(&scope, Change::Casework)
}

#[derive(Deserialize)]
pub struct HandOverForm {
    csrf: Option<String>,
    to: String,
}

pub async fn hand_over(State(store): State<Store>, user: SignedIn, Path(id): Path<String>, Form(form): Form<HandOverForm>) -> Response {
    done(async {
        may_change_case(&store, &user, form.csrf.as_deref(), &id).await?;
        store.hand_over(&id, form.to.trim(), &user.principal().name).await?;
        Ok(id)
    }
    .await)
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: Option<String>,
    text: String,
    owner: String,
    milestone: Option<String>,
    due: Option<String>,
}

pub async fn add_action(State(store): State<Store>, user: SignedIn, Path(id): Path<String>, Form(form): Form<ActionForm>) -> Response {
    done(async {
        may_change_case(&store, &user, form.csrf.as_deref(), &id).await?;
        let by = user.principal().name.clone();
        let action = store.add_case_action(&id, &form.text, &form.owner, Rag::Green, None, &by).await?;
        if let (Some(what), Some(due)) = (form.milestone.filter(|m| !m.trim().is_empty()), form.due.filter(|d| !d.is_empty())) {
            let due = crate::required_day(&due, "milestone date")?;
            store.add_milestone(&action, &what, due, &by).await?;
        }
        Ok(id)
    }
    .await)
}

#[derive(Deserialize)]
pub struct MeetingForm {
    csrf: Option<String>,
    held_on: String,
    attendees: String,
    notes: String,
    decisions: String,
}

pub async fn record_meeting(State(store): State<Store>, user: SignedIn, Path(id): Path<String>, Form(form): Form<MeetingForm>) -> Response {
    done(async {
        let case_id = store.case_of("meeting", &id).await?.ok_or_else(|| AppError::NotFound(format!("no meeting {id}")))?;
        may_change_case(&store, &user, form.csrf.as_deref(), &case_id).await?;
        let record = MeetingRecord {
            held_on: crate::required_day(&form.held_on, "meeting date")?,
            attendees: form.attendees,
            notes: form.notes,
            decisions: form.decisions,
        };
        store.record_meeting(&id, &record, &user.principal().name).await?;
        Ok(case_id)
    }
    .await)
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
}

pub async fn audit(State(store): State<Store>, user: SignedIn) -> Response {
    render(async {
        user.must_administer()?;
        Ok(AuditPage { entries: store.audit_log(500).await? })
    }
    .await)
}

//! The casework JSON API. Every route needs a session; every change needs the session's CSRF
//! token in `X-CSRF-Token`; and every route checks the user's reach over the school concerned.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use schoolsight_domain::Urn;
use schoolsight_domain::casework::{Change, ConcernCategory, Rag, SURVEY_QUESTIONS, SchoolScope};
use schoolsight_store::{GovernanceReview, MeetingRecord, NewCase, Store, SupportPackage, SurveyResponse, WarningNotice};
use serde::{Deserialize, Serialize};

use crate::api::reply;
use crate::auth::{SignedIn, header_token};
use crate::{AppError, AppState, parse_urn};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", post(crate::auth::api_login))
        .route("/logout", post(crate::auth::api_logout))
        .route("/cases", get(list_cases).post(open_case))
        .route("/cases/{id}", get(case))
        .route("/cases/{id}/handover", post(hand_over))
        .route("/cases/{id}/category", post(recategorise))
        .route("/cases/{id}/close", post(close_case))
        .route("/cases/{id}/actions", post(add_action))
        .route("/case-actions/{id}/rag", post(set_rag))
        .route("/case-actions/{id}/milestones", post(add_milestone))
        .route("/milestones/{id}/move", post(move_milestone))
        .route("/milestones/{id}/complete", post(complete_milestone))
        .route("/meetings/{id}", post(record_meeting))
        .route("/schools/{urn}/casework", get(school_casework))
        .route("/schools/{urn}/brokers", get(brokers))
        .route("/warning-notices", post(issue_notice))
        .route("/warning-notices/{id}/outcome", post(notice_outcome))
        .route("/support", post(add_support))
        .route("/support/{id}/impact", get(support_impact))
        .route("/surveys", post(open_survey))
        .route("/surveys/{id}", get(survey))
        .route("/surveys/{id}/responses", post(respond))
        .route("/governance-reviews", post(add_review))
        .route("/governance-reviews/{id}/follow-up", post(follow_up))
        .route("/actions/{id}/close", post(close_letter_action))
        .route("/audit", get(audit))
}

async fn scope_of(store: &Store, urn: Urn) -> Result<SchoolScope, AppError> {
    store.school_scope(urn).await?.ok_or_else(|| AppError::NotFound(format!("no school with URN {urn}")))
}

async fn case_scope(store: &Store, case_id: &str) -> Result<SchoolScope, AppError> {
    store.case_scope(case_id).await?.ok_or_else(|| AppError::NotFound(format!("no case {case_id}")))
}

/// The scope of the case an action, milestone or meeting belongs to.
async fn scope_via_case(store: &Store, entity: &str, id: &str) -> Result<SchoolScope, AppError> {
    let case = store.case_of(entity, id).await?.ok_or_else(|| AppError::NotFound(format!("no {entity} {id}")))?;
    case_scope(store, &case).await
}

async fn scope_via_urn_of(store: &Store, entity: &str, id: &str) -> Result<SchoolScope, AppError> {
    let urn = store.urn_of(entity, id).await?.ok_or_else(|| AppError::NotFound(format!("no {entity} {id}")))?;
    scope_of(store, urn).await
}

/// The common shape of a change: CSRF first, then reach over the school, then the write.
async fn change<T: Serialize>(
    user: &SignedIn,
    headers: &HeaderMap,
    scope: Result<SchoolScope, AppError>,
    kind: Change,
    write: impl std::future::Future<Output = Result<T, AppError>>,
) -> Response {
    reply(async {
        user.check_csrf(header_token(headers))?;
        user.may_change(&scope?, kind)?;
        write.await
    }
    .await)
}

#[derive(Serialize)]
struct Created {
    id: String,
}

#[derive(Serialize)]
struct Done {
    done: bool,
}

const DONE: Done = Done { done: true };

async fn list_cases(State(store): State<Store>, user: SignedIn) -> Response {
    reply(async {
        let cases = store.cases().await?;
        Ok(cases.into_iter().filter(|c| user.principal().can_read(&c.school)).collect::<Vec<_>>())
    }
    .await)
}

async fn open_case(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Json(body): Json<NewCase>) -> Response {
    let scope = scope_of(&store, body.urn).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(Created { id: store.open_case(&body, &by).await? }) }).await
}

async fn case(State(store): State<Store>, user: SignedIn, Path(id): Path<String>) -> Response {
    reply(async {
        let detail = store.case(&id).await?.ok_or_else(|| AppError::NotFound(format!("no case {id}")))?;
        user.may_read(&detail.summary.school)?;
        Ok(detail)
    }
    .await)
}

#[derive(Deserialize)]
struct HandOver {
    to: String,
}

async fn hand_over(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<HandOver>) -> Response {
    let scope = case_scope(&store, &id).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(store.hand_over(&id, &body.to, &by).await.map(|_| DONE)?) }).await
}

#[derive(Deserialize)]
struct Category {
    category: ConcernCategory,
}

async fn recategorise(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<Category>) -> Response {
    let scope = case_scope(&store, &id).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(store.recategorise(&id, body.category, &by).await.map(|_| DONE)?) }).await
}

#[derive(Deserialize)]
struct On {
    on: NaiveDate,
}

async fn close_case(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<On>) -> Response {
    let scope = case_scope(&store, &id).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(store.close_case(&id, body.on, &by).await.map(|_| DONE)?) }).await
}

#[derive(Deserialize)]
struct NewAction {
    text: String,
    owner: String,
    rag: Option<Rag>,
    letter_action_id: Option<String>,
}

async fn add_action(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<NewAction>) -> Response {
    let scope = case_scope(&store, &id).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async {
        let rag = body.rag.unwrap_or(Rag::Green);
        Ok(Created { id: store.add_case_action(&id, &body.text, &body.owner, rag, body.letter_action_id.as_deref(), &by).await? })
    })
    .await
}

#[derive(Deserialize)]
struct RagBody {
    rag: Rag,
}

async fn set_rag(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<RagBody>) -> Response {
    let scope = scope_via_case(&store, "case_action", &id).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(store.set_rag(&id, body.rag, &by).await.map(|_| DONE)?) }).await
}

#[derive(Deserialize)]
struct NewMilestone {
    description: String,
    due: NaiveDate,
}

async fn add_milestone(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<NewMilestone>) -> Response {
    let scope = scope_via_case(&store, "case_action", &id).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(Created { id: store.add_milestone(&id, &body.description, body.due, &by).await? }) }).await
}

#[derive(Deserialize)]
struct Due {
    due: NaiveDate,
}

async fn move_milestone(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<Due>) -> Response {
    let scope = scope_via_case(&store, "milestone", &id).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(store.move_milestone(&id, body.due, &by).await.map(|_| DONE)?) }).await
}

async fn complete_milestone(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<On>) -> Response {
    let scope = scope_via_case(&store, "milestone", &id).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(store.complete_milestone(&id, body.on, &by).await.map(|_| DONE)?) }).await
}

async fn record_meeting(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<MeetingRecord>) -> Response {
    let scope = scope_via_case(&store, "meeting", &id).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(store.record_meeting(&id, &body, &by).await.map(|_| DONE)?) }).await
}

async fn school_casework(State(store): State<Store>, user: SignedIn, Path(urn): Path<String>) -> Response {
    reply(async {
        let urn = parse_urn(&urn)?;
        user.may_read(&scope_of(&store, urn).await?)?;
        Ok::<_, AppError>(schoolsight_app::school_report::school_casework(&store, urn).await?)
    }
    .await)
}

#[derive(Deserialize)]
struct Focus {
    focus: Option<String>,
}

async fn brokers(State(store): State<Store>, user: SignedIn, Path(urn): Path<String>, Query(q): Query<Focus>) -> Response {
    reply(async {
        let urn = parse_urn(&urn)?;
        user.may_read(&scope_of(&store, urn).await?)?;
        let focus = q.focus.filter(|f| !f.trim().is_empty()).ok_or_else(|| AppError::BadRequest("focus is required".into()))?;
        Ok(store.broker(urn, &focus, 20).await?)
    }
    .await)
}

async fn issue_notice(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Json(body): Json<WarningNotice>) -> Response {
    let scope = scope_of(&store, body.urn).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(Created { id: store.issue_warning_notice(&body, &by).await? }) }).await
}

#[derive(Deserialize)]
struct NoticeOutcome {
    responded_on: NaiveDate,
    outcome: String,
}

async fn notice_outcome(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<NoticeOutcome>) -> Response {
    let scope = scope_via_urn_of(&store, "warning_notice", &id).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(store.record_notice_outcome(&id, body.responded_on, &body.outcome, &by).await.map(|_| DONE)?) }).await
}

async fn add_support(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Json(body): Json<SupportPackage>) -> Response {
    let scope = scope_of(&store, body.urn).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(Created { id: store.add_support(&body, &by).await? }) }).await
}

async fn support_impact(State(store): State<Store>, user: SignedIn, Path(id): Path<String>) -> Response {
    reply(async {
        user.may_read(&scope_via_urn_of(&store, "support_package", &id).await?)?;
        store.support_impact(&id).await?.ok_or_else(|| AppError::NotFound(format!("no support package {id}")))
    }
    .await)
}

#[derive(Deserialize)]
struct NewRound {
    name: String,
    la_name: String,
    opened_on: NaiveDate,
    /// The round's key questions; the letters' four by default.
    questions: Option<Vec<String>>,
}

/// A survey round belongs to an LA: its officers (and administrators) run it.
fn may_run_survey(user: &SignedIn, la_name: &str) -> Result<(), AppError> {
    let p = user.principal();
    let ok = p.is_administrator() || (p.role == schoolsight_domain::casework::Role::LaOfficer && p.la_name.as_deref() == Some(la_name));
    if ok { Ok(()) } else { Err(AppError::Forbidden("only the LA's officers run its surveys".into())) }
}

async fn open_survey(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Json(body): Json<NewRound>) -> Response {
    reply(async {
        user.check_csrf(header_token(&headers))?;
        let la = store.resolve_la(&body.la_name).await?;
        may_run_survey(&user, &la)?;
        let questions = body.questions.unwrap_or_else(|| SURVEY_QUESTIONS.iter().map(|q| q.to_string()).collect());
        Ok(Created { id: store.open_survey_round(&body.name, &la, body.opened_on, &questions, &user.principal().name).await? })
    }
    .await)
}

async fn survey(State(store): State<Store>, user: SignedIn, Path(id): Path<String>) -> Response {
    reply(async {
        let (round, summary) = store.survey_summary(&id).await?.ok_or_else(|| AppError::NotFound(format!("no survey round {id}")))?;
        let p = user.principal();
        let reaches = p.is_administrator() || p.role == schoolsight_domain::casework::Role::Inspector || p.la_name.as_deref() == Some(round.la_name.as_str());
        if !reaches {
            return Err(AppError::Forbidden("your role does not allow this".into()));
        }
        Ok(serde_json::json!({ "round": round, "summary": summary }))
    }
    .await)
}

async fn respond(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<SurveyResponse>) -> Response {
    let scope = scope_of(&store, body.urn).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::SurveyResponse, async { Ok(store.record_survey_response(&id, &body, &by).await.map(|_| DONE)?) }).await
}

async fn add_review(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Json(body): Json<GovernanceReview>) -> Response {
    let scope = scope_of(&store, body.urn).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(Created { id: store.add_governance_review(&body, &by).await? }) }).await
}

#[derive(Deserialize)]
struct FollowUp {
    on: NaiveDate,
    notes: String,
}

async fn follow_up(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<FollowUp>) -> Response {
    let scope = scope_via_urn_of(&store, "governance_review", &id).await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async { Ok(store.follow_up_review(&id, body.on, &body.notes, &by).await.map(|_| DONE)?) }).await
}

#[derive(Deserialize)]
struct CloseNote {
    note: Option<String>,
}

/// Closes an action a letter asked for.
async fn close_letter_action(State(store): State<Store>, user: SignedIn, headers: HeaderMap, Path(id): Path<String>, Json(body): Json<CloseNote>) -> Response {
    let scope = async {
        let urn = store.letter_action_urn(&id).await?.ok_or_else(|| AppError::NotFound(format!("no action {id} linked to a school")))?;
        scope_of(&store, urn).await
    }
    .await;
    let by = user.principal().name.clone();
    change(&user, &headers, scope, Change::Casework, async {
        if store.close_action(&id, &by, body.note.as_deref().unwrap_or("")).await? {
            Ok(DONE)
        } else {
            Err(AppError::NotFound(format!("no open action {id}")))
        }
    })
    .await
}

async fn audit(State(store): State<Store>, user: SignedIn) -> Response {
    reply(async {
        user.must_administer()?;
        Ok(store.audit_log(500).await?)
    }
    .await)
}

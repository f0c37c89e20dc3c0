//! Schoolsight's dashboard (server-rendered askama pages with SVG charts) and its JSON API.

mod api;
mod auth;
mod casework_api;
mod casework_pages;
mod chart;
mod draft_letter_api;
pub mod la_report;
mod letter_pages;
mod outcome_pages;
mod pages;
mod risk_chart;
mod risk_pages;
pub mod school_report;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use schoolsight_search::SearchIndex;
use schoolsight_store::{Store, StoreError};

/// What every handler can reach: the database and the letters' search index.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub search: Arc<SearchIndex>,
    /// Mark the session cookie `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// The early warning, with its trained models kept per data version.
    pub risk: schoolsight_app::risk::Risk,
}

impl FromRef<AppState> for Store {
    fn from_ref(state: &AppState) -> Store {
        state.store.clone()
    }
}

impl FromRef<AppState> for Arc<SearchIndex> {
    fn from_ref(state: &AppState) -> Arc<SearchIndex> {
        state.search.clone()
    }
}
use serde::Deserialize;

impl AppState {
    pub fn new(store: Store, search: Arc<SearchIndex>, thresholds: schoolsight_risk::CategoryThresholds) -> AppState {
        AppState {
            risk: schoolsight_app::risk::Risk::new(store.clone(), thresholds),
            store,
            search,
            secure_cookies: false,
        }
    }
}

/// Every route of the dashboard and the API over one store and its search index.
pub fn router(store: Store, search: Arc<SearchIndex>) -> Router {
    app(AppState::new(store, search, schoolsight_risk::CategoryThresholds::default()))
}

fn app(state: AppState) -> Router {
    let app = Router::new()
        .route("/", get(pages::index))
        .route("/la/{name}", get(pages::la))
        .route("/la/{name}/outcomes", get(pages::outcomes))
        .route("/la/{name}/outcomes.md", get(pages::outcomes_markdown))
        .route("/school/{urn}", get(pages::school))
        .route("/school/{urn}/outcomes", get(outcome_pages::school))
        .route("/la/{name}/pupil-outcomes", get(outcome_pages::la))
        .route("/la/{name}/report", get(la_report::page))
        .route("/la/{name}/report.md", get(la_report::markdown_page))
        .route("/la/{name}/draft-letter", get(draft_letter_api::page))
        .route("/search", get(letter_pages::search))
        .route("/letters/{id}", get(letter_pages::letter))
        .route("/static/{file}", get(static_file))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", axum::routing::post(auth::logout))
        .route("/cases", get(casework_pages::cases).post(casework_pages::open_case))
        .route("/cases/{id}", get(casework_pages::case))
        .route("/cases/{id}/handover", axum::routing::post(casework_pages::hand_over))
        .route("/cases/{id}/actions", axum::routing::post(casework_pages::add_action))
        .route("/meetings/{id}", axum::routing::post(casework_pages::record_meeting))
        .route("/admin/audit", get(casework_pages::audit))
        .route("/la/{name}/risk", get(risk_pages::la))
        .route("/school/{urn}/risk", get(risk_pages::school))
        .route("/school/{urn}/report", get(school_report::page))
        .route("/school/{urn}/report.md", get(school_report::markdown_file))
        .route("/model", get(risk_pages::model))
        .nest("/api", api_routes())
        .with_state(state);
    harden(app)
}

/// The API: published data, casework, and JSON for every refusal.
fn api_routes() -> Router<AppState> {
    api::routes()
        .merge(casework_api::routes())
        .merge(risk_pages::api_routes())
        .merge(draft_letter_api::routes())
        .merge(la_report::api_routes())
        .merge(school_report::api_routes())
        .fallback(|| async { json_error(AppError::NotFound("no such API route".into())) })
        .layer(axum::middleware::map_response(json_refusal))
}

/// Every refusal on the API is JSON `{"error": …}` with its status, whatever produced it: the
/// body extractors (415, 413, 422, 400), path and query parsing (400), a method the route
/// lacks (405). Their plain-text reason becomes the message; headers such as `Allow` and
/// `Retry-After` stay.
async fn json_refusal(response: Response) -> Response {
    let status = response.status();
    let is_json = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024).await.map(|b| String::from_utf8_lossy(&b).trim().to_string()).unwrap_or_default();
    let message = if text.is_empty() { status.canonical_reason().unwrap_or("refused").to_lowercase() } else { text };
    let mut answer = (status, axum::Json(serde_json::json!({ "error": message }))).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    answer
}

/// The layers around every route: a panic answers a neutral 500 (and is logged) instead of
/// dropping the connection, and each request is traced.
fn harden(app: Router) -> Router {
    app.layer(CatchPanicLayer::custom(panic_response)).layer(TraceLayer::new_for_http())
}

/// What a client gets when a handler panics: a neutral 500; the cause goes to the log.
fn panic_response(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let text = cause.downcast_ref::<String>().map(String::as_str).or_else(|| cause.downcast_ref::<&str>().copied()).unwrap_or("(no message)");
    json_error(AppError::Internal(format!("a request handler panicked: {text}")))
}

/// How a server is configured beyond its store and index.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServeConfig {
    /// The risk categories' thresholds.
    pub thresholds: schoolsight_risk::CategoryThresholds,
    /// Mark the session cookie `Secure`: set it when users reach the server over HTTPS (behind
    /// a reverse proxy that ends TLS), so the browser never sends the cookie in clear.
    pub secure_cookies: bool,
}

/// Serves until Ctrl-C.
pub async fn serve(store: Store, search: Arc<SearchIndex>, addr: SocketAddr, config: ServeConfig) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let mut state = AppState::new(store, search, config.thresholds);
    state.secure_cookies = config.secure_cookies;
    state.risk.warm(risk_pages::today());
    // The client's address feeds the sign-in throttle.
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// The dashboard's own static files, compiled into the binary: name, content type, contents.
const STATIC_FILES: [(&str, &str, &str); 2] = [
    ("app.css", "text/css; charset=utf-8", include_str!("../static/app.css")),
    ("tables.js", "text/javascript; charset=utf-8", include_str!("../static/tables.js")),
];

/// A page as one self-contained file: the stylesheet inlined and the script left out, for a
/// download or a print to PDF with no server to fetch them from.
pub fn standalone(page: &str) -> String {
    let css = STATIC_FILES.iter().find(|(name, _, _)| *name == "app.css").map_or("", |f| f.2);
    page.replace(r#"<link rel="stylesheet" href="/static/app.css">"#, &format!("<style>\n{css}</style>"))
        .replace(r#"<script src="/static/tables.js" defer></script>"#, "")
}

/// `/static/{file}`: one of [`STATIC_FILES`], else 404.
async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    match STATIC_FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, body)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::X_CONTENT_TYPE_OPTIONS, "nosniff")], *body).into_response()
        }
        None => html_error(AppError::NotFound(format!("no static file '{file}'"))),
    }
}

/// Query parameters naming a day, as the dashboard's forms send them.
#[derive(Debug, Default, Deserialize)]
pub struct AtQuery {
    pub at: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Why a request failed, answered as a page or as JSON by the caller's kind.
#[derive(Debug)]
pub enum AppError {
    NotFound(String),
    BadRequest(String),
    /// No session: sign in first.
    Unauthorized,
    /// A sign-in with a wrong name or password.
    SignInFailed,
    /// Signed in, but the role or its reach does not allow it.
    Forbidden(String),
    TooManyRequests(String),
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::UnknownLa { .. } => AppError::NotFound(e.to_string()),
            StoreError::AmbiguousLa { .. } | StoreError::Invalid(_) => AppError::BadRequest(e.to_string()),
            StoreError::NotFound(m) => AppError::NotFound(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<schoolsight_search::SearchError> for AppError {
    fn from(e: schoolsight_search::SearchError) -> AppError {
        AppError::Internal(e.to_string())
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> AppError {
        AppError::Internal(e.to_string())
    }
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized | AppError::SignInFailed => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the client is told. A server-side failure is described in the log, never to the
    /// client: database and library messages name tables, files and internals.
    fn message(&self) -> &str {
        match self {
            AppError::NotFound(m) | AppError::BadRequest(m) | AppError::Forbidden(m) | AppError::TooManyRequests(m) => m,
            AppError::Unauthorized => "sign in first",
            AppError::SignInFailed => "wrong name or password",
            AppError::Internal(_) => INTERNAL_MESSAGE,
        }
    }

    /// Logs a server-side failure with its cause, before the neutral answer goes out.
    fn log(&self) {
        if let AppError::Internal(cause) = self {
            tracing::error!(%cause, "request failed");
        }
    }
}

pub(crate) const INTERNAL_MESSAGE: &str = "the server could not answer this request; the cause has been logged";

/// A day from a query parameter; absent means today.
fn day_or_today(text: Option<&str>) -> Result<NaiveDate, AppError> {
    match text.filter(|t| !t.trim().is_empty()) {
        None => Ok(chrono::Local::now().date_naive()),
        Some(t) => data_day(t, "date"),
    }
}

/// A day the published data is asked about: a date (else "not a date") within the years the
/// data covers (else "out of range (data from 2005)").
fn data_day(text: &str, what: &'static str) -> Result<NaiveDate, AppError> {
    if text.trim().is_empty() {
        return Err(AppError::BadRequest(format!("{what} is required")));
    }
    schoolsight_domain::parse_query_day(text).map_err(|e| AppError::BadRequest(format!("{what}: {e}")))
}

/// A day a request names, inside the years casework and the published data cover.
fn required_day(text: &str, what: &'static str) -> Result<NaiveDate, AppError> {
    let day = schoolsight_domain::parse_date(text)
        .map_err(|e| AppError::BadRequest(format!("{what}: {e}")))?
        .ok_or_else(|| AppError::BadRequest(format!("{what} is required")))?;
    schoolsight_domain::casework::check_day(what, day).map_err(|e| AppError::BadRequest(e.to_string()))
}

/// Searches letters on a blocking thread: ranking and snippets take real CPU time, which must
/// not hold up the few threads that serve every other request.
/// Letters matching `query`, from an index first brought in step with the database: letters
/// stored by another process (the CLI, another server on the same database) are found at once.
/// When it cannot be brought in step (another process holds its writer), the search answers
/// from the index as it is, and the next search tries again.
pub(crate) async fn search_letters(store: &Store, index: Arc<SearchIndex>, query: String) -> Result<Vec<schoolsight_search::SearchHit>, AppError> {
    if let Err(e) = schoolsight_app::letters::sync_index(store, &index).await {
        tracing::warn!(error = %e, "search answered from an index not yet in step with the database");
    }
    tokio::task::spawn_blocking(move || index.search(&query, 50))
        .await
        .map_err(|e| AppError::Internal(format!("search: {e}")))?
        .map_err(AppError::from)
}

/// A URN from a path segment.
fn parse_urn(text: &str) -> Result<schoolsight_domain::Urn, AppError> {
    text.parse().map(schoolsight_domain::Urn).map_err(|_| AppError::BadRequest(format!("'{text}' is not a URN")))
}

/// The period of an outcomes question: both ends required, in order.
fn period(q: &PeriodQuery) -> Result<(NaiveDate, NaiveDate), AppError> {
    let from = data_day(q.from.as_deref().unwrap_or(""), "from")?;
    let to = data_day(q.to.as_deref().unwrap_or(""), "to")?;
    if from > to {
        return Err(AppError::BadRequest(format!("from {from} is after to {to}")));
    }
    Ok((from, to))
}

pub(crate) fn html_error(e: AppError) -> Response {
    e.log();
    let page = pages::ErrorPage { status: e.status().as_u16(), message: e.message().to_string() };
    let body = askama::Template::render(&page).unwrap_or_else(|_| e.message().to_string());
    (e.status(), axum::response::Html(body)).into_response()
}

/// An error as the caller expects it: JSON for the API, a page otherwise.
pub(crate) fn reply_error(api: bool, e: AppError) -> Response {
    if api { json_error(e) } else { html_error(e) }
}

pub(crate) fn json_error(e: AppError) -> Response {
    e.log();
    (e.status(), axum::Json(serde_json::json!({ "error": e.message() }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn boom() -> String {
        panic!("secret internals at /var/lib/db")
    }

    #[tokio::test]
    async fn a_panic_answers_a_neutral_json_500() {
        let app = harden(Router::new().route("/boom", get(boom)));
        let request = axum::http::Request::builder().uri("/boom").body(axum::body::Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["error"], INTERNAL_MESSAGE, "the cause is logged, not sent");
    }
}

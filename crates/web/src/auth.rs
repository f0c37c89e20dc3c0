//! Sign-in, sessions and their checks: the session cookie (HttpOnly, SameSite=Strict), a CSRF
//! token per session that every change must echo, and a limit on failed sign-ins per name.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use schoolsight_domain::casework::{Change, Principal, SchoolScope};
use schoolsight_store::{SESSION_HOURS, Session, Store};
use serde::Deserialize;

use crate::pages::render;
use crate::{AppError, AppState};

pub const COOKIE: &str = "schoolsight_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Failed sign-ins allowed per name in [`LOCKOUT`] before further tries are refused.
pub const MAX_FAILURES: usize = 5;
pub const LOCKOUT: Duration = Duration::from_secs(15 * 60);

/// Remembers recent failed sign-ins by (lower-cased) name.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    fn recent(&self, name: &str) -> usize {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let list = failures.entry(name.to_lowercase()).or_default();
        list.retain(|t| t.elapsed() < LOCKOUT);
        list.len()
    }

    fn fail(&self, name: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.entry(name.to_lowercase()).or_default().push(Instant::now());
    }

    fn clear(&self, name: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(&name.to_lowercase());
    }
}

fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// A signed-in user, as a handler's argument. Without a live session a page is redirected
/// to the sign-in page and an API call answers 401.
pub struct SignedIn(pub Session);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<SignedIn, Response> {
        // Inside `nest("/api", …)` the path has lost its prefix; the original still has it.
        let uri = parts.extensions.get::<axum::extract::OriginalUri>().map_or(&parts.uri, |o| &o.0);
        let api = uri.path().starts_with("/api/");
        let session = match token_from(&parts.headers) {
            Some(token) => state.store.session(&token).await.map_err(|e| crate::reply_error(api, e.into()))?,
            None => None,
        };
        match session {
            Some(s) => Ok(SignedIn(s)),
            None if api => Err(crate::json_error(AppError::Unauthorized)),
            None => {
                let next = uri.path_and_query().map_or("/", |p| p.as_str());
                let target = format!("/login?next={}", encode(next));
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// Whoever asks a public route: a signed-in user, or nobody. Public routes answer everyone,
/// but show casework (who closed a letter's action, and their note) only to a user who may
/// read that school's casework.
pub struct Viewer(pub Option<Principal>);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, Self::Rejection> {
        let Some(token) = token_from(&parts.headers) else { return Ok(Viewer(None)) };
        match state.store.session(&token).await {
            Ok(session) => Ok(Viewer(session.map(|s| s.principal))),
            Err(e) => {
                // A public page still answers; the visitor is treated as signed out.
                tracing::warn!("session lookup for a public route failed: {e}");
                Ok(Viewer(None))
            }
        }
    }
}

impl Viewer {
    /// May this visitor read the casework of the school `urn` (or, with no school, of all)?
    pub async fn may_read(&self, store: &Store, urn: Option<schoolsight_domain::Urn>) -> Result<bool, AppError> {
        let Some(p) = &self.0 else { return Ok(false) };
        if p.reads_everywhere() {
            return Ok(true);
        }
        Ok(match urn {
            Some(urn) => store.school_scope(urn).await?.is_some_and(|scope| p.can_read(&scope)),
            None => false,
        })
    }
}

/// Percent-encodes a query value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

impl SignedIn {
    pub fn principal(&self) -> &Principal {
        &self.0.principal
    }

    /// A change must carry the session's CSRF token (form field or `X-CSRF-Token` header).
    pub fn check_csrf(&self, provided: Option<&str>) -> Result<(), AppError> {
        match provided {
            Some(t) if constant_time_eq(t.as_bytes(), self.0.csrf_token.as_bytes()) => Ok(()),
            _ => Err(AppError::Forbidden("the form or request is missing its CSRF token; reload the page and try again".into())),
        }
    }

    pub fn may_read(&self, school: &SchoolScope) -> Result<(), AppError> {
        if self.principal().can_read(school) { Ok(()) } else { Err(forbidden()) }
    }

    pub fn may_change(&self, school: &SchoolScope, change: Change) -> Result<(), AppError> {
        if self.principal().can_change(school, change) { Ok(()) } else { Err(forbidden()) }
    }

    pub fn must_administer(&self) -> Result<(), AppError> {
        if self.principal().is_administrator() { Ok(()) } else { Err(forbidden()) }
    }
}

fn forbidden() -> AppError {
    AppError::Forbidden("your role does not allow this".into())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The CSRF token a JSON request carries.
pub fn header_token(headers: &HeaderMap) -> Option<&str> {
    headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok())
}

fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}", SESSION_HOURS * 3600);
    HeaderValue::from_str(&cookie).expect("a token is hex")
}

fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static("schoolsight_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

/// Checks the name and password under the rate limit; a new session on success.
async fn attempt(state: &AppState, name: &str, password: &str) -> Result<(String, Session), AppError> {
    if state.limiter.recent(name) >= MAX_FAILURES {
        return Err(AppError::TooManyRequests("too many failed sign-ins for this name; try again in 15 minutes".into()));
    }
    match state.store.sign_in(name, password).await? {
        Some(ok) => {
            state.limiter.clear(name);
            Ok(ok)
        }
        None => {
            state.limiter.fail(name);
            Err(AppError::Unauthorized)
        }
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub next: String,
    pub error: Option<String>,
}

/// Only a path on this site may be a redirect target.
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\')).unwrap_or_else(|| "/cases".into())
}

pub async fn login_page(Query(q): Query<NextQuery>) -> Response {
    render(Ok(LoginPage { next: safe_next(q.next), error: None }))
}

pub async fn login(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<LoginForm>) -> Response {
    let next = safe_next(form.next);
    match attempt(&state, &form.name, &form.password).await {
        Ok((token, _)) => {
            end_old_session(&state.store, &headers).await;
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().insert(header::SET_COOKIE, session_cookie(&token, state.secure_cookies));
            response
        }
        Err(e) => {
            let status = match e {
                AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            let message = match e {
                AppError::TooManyRequests(m) => m,
                _ => "That name and password do not match.".into(),
            };
            (status, render(Ok(LoginPage { next, error: Some(message) }))).into_response()
        }
    }
}

/// A sign-in replaces whatever session the browser had: the old one is ended, never reused.
async fn end_old_session(store: &Store, headers: &HeaderMap) {
    if let Some(old) = token_from(headers) {
        let _ = store.sign_out(&old).await;
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

pub async fn logout(State(state): State<AppState>, user: SignedIn, headers: HeaderMap, Form(form): Form<CsrfForm>) -> Response {
    if let Err(e) = user.check_csrf(form.csrf.as_deref()) {
        return crate::html_error(e);
    }
    end_old_session(&state.store, &headers).await;
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cleared_cookie());
    response
}

#[derive(Deserialize)]
pub struct ApiLogin {
    name: String,
    password: String,
}

/// `POST /api/login`: a session cookie, and the CSRF token to send with changes.
pub async fn api_login(State(state): State<AppState>, headers: HeaderMap, Json(body): Json<ApiLogin>) -> Response {
    match attempt(&state, &body.name, &body.password).await {
        Ok((token, session)) => {
            end_old_session(&state.store, &headers).await;
            let body = serde_json::json!({ "name": session.principal.name, "role": session.principal.role, "csrf_token": session.csrf_token });
            let mut response = Json(body).into_response();
            response.headers_mut().insert(header::SET_COOKIE, session_cookie(&token, state.secure_cookies));
            response
        }
        Err(e) => crate::json_error(e),
    }
}

pub async fn api_logout(State(state): State<AppState>, user: SignedIn, headers: HeaderMap) -> Response {
    if let Err(e) = user.check_csrf(header_token(&headers)) {
        return crate::json_error(e);
    }
    end_old_session(&state.store, &headers).await;
    let mut response = Json(serde_json::json!({ "signed_out": true })).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cleared_cookie());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_this_site() {
        assert_eq!(safe_next(Some("/cases/1".into())), "/cases/1");
        assert_eq!(safe_next(Some("//evil.example".into())), "/cases");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/cases");
        assert_eq!(safe_next(None), "/cases");
    }

    #[test]
    fn cookies_are_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; schoolsight_session=abc; b=2"));
        assert_eq!(token_from(&headers).as_deref(), Some("abc"));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert_eq!(encode("/cases?x=1&y"), "/cases%3Fx%3D1%26y");
    }

    #[test]
    fn the_limiter_counts_failures_per_name() {
        let limiter = LoginLimiter::default();
        for _ in 0..MAX_FAILURES {
            limiter.fail("Ann");
        }
        assert_eq!(limiter.recent("ann"), MAX_FAILURES);
        limiter.clear("ANN");
        assert_eq!(limiter.recent("ann"), 0);
    }
}

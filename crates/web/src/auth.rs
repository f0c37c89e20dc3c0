//! Sign-in, sessions and their checks: the session cookie (HttpOnly, SameSite=Strict), a CSRF
//! token per session that every change must echo, and a growing delay after failed sign-ins
//! per client address and name, per address, and per name.

use std::net::SocketAddr;
use std::time::Duration;

use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
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

/// How failed sign-ins slow further tries for one kind of subject: `free` failures cost
/// nothing, then each wait doubles from `first_wait`, never past `longest_wait`.
struct Throttle {
    scope: &'static str,
    free: i64,
    first_wait: Duration,
    longest_wait: Duration,
}

/// One address guessing one name: the attacker. The real user at another address is untouched.
const PER_ADDRESS_AND_NAME: Throttle = Throttle { scope: "pair", free: 5, first_wait: Duration::from_secs(15), longest_wait: Duration::from_secs(15 * 60) };
/// One address trying many names (spraying one password across users).
const PER_ADDRESS: Throttle = Throttle { scope: "address", free: 20, first_wait: Duration::from_secs(15), longest_wait: Duration::from_secs(15 * 60) };
/// One name tried from many addresses: slowed, but never by more than a minute, so an attacker
/// cannot lock its owner out.
const PER_NAME: Throttle = Throttle { scope: "name", free: 30, first_wait: Duration::from_secs(5), longest_wait: Duration::from_secs(60) };
const THROTTLES: [Throttle; 3] = [PER_ADDRESS_AND_NAME, PER_ADDRESS, PER_NAME];

/// Failures older than this are forgotten.
const FORGET_AFTER: chrono::TimeDelta = chrono::TimeDelta::days(1);

impl Throttle {
    /// How long the next try must still wait, given the failures counted so far.
    fn wait(&self, counted: Option<schoolsight_store::FailedSignIns>, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
        let counted = counted.filter(|c| now - c.last_failure < FORGET_AFTER)?;
        let beyond = counted.failures.checked_sub(self.free).filter(|b| *b >= 0)?;
        let doubled = self.first_wait.saturating_mul(1 << beyond.min(16) as u32).min(self.longest_wait);
        let elapsed = (now - counted.last_failure).to_std().unwrap_or_default();
        doubled.checked_sub(elapsed).filter(|w| !w.is_zero())
    }
}

/// The client's address as the connection gave it ("unknown" when served without one, as in
/// tests that call the router directly). Proxies' forwarding headers are not trusted.
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<ClientAddress, Self::Rejection> {
        let address = parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string());
        Ok(ClientAddress(address))
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

/// Checks the name and password unless recent failures ask the client to wait (checked before
/// any hashing, so waiting costs the server nothing); a new session on success.
async fn attempt(state: &AppState, address: &ClientAddress, name: &str, password: &str) -> Result<(String, Session), AppError> {
    // A name no user can have (a NUL or another control character) fails at once: PostgreSQL
    // refuses a NUL in text, and there is nothing to count it against.
    if name.chars().any(char::is_control) {
        return Err(AppError::SignInFailed);
    }
    let name_key = name.trim().to_lowercase();
    let pair = format!("{} {name_key}", address.0);
    let subjects = [(PER_ADDRESS_AND_NAME.scope, pair.as_str()), (PER_ADDRESS.scope, address.0.as_str()), (PER_NAME.scope, name_key.as_str())];
    let now = chrono::Utc::now();
    let counted = state.store.failed_sign_ins(&subjects).await?;
    if let Some(wait) = THROTTLES.iter().zip(counted).filter_map(|(t, c)| t.wait(c, now)).max() {
        return Err(AppError::TooManyRequests(format!("too many failed sign-ins; try again in {} seconds", wait.as_secs().max(1))));
    }
    match state.store.sign_in(name, password).await? {
        Some(ok) => {
            state.store.clear_failed_sign_ins(&subjects).await?;
            Ok(ok)
        }
        None => {
            state.store.record_failed_sign_in(&subjects, now - FORGET_AFTER).await?;
            Err(AppError::SignInFailed)
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

pub async fn login(State(state): State<AppState>, address: ClientAddress, headers: HeaderMap, Form(form): Form<LoginForm>) -> Response {
    let next = safe_next(form.next);
    match attempt(&state, &address, &form.name, &form.password).await {
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
pub async fn api_login(State(state): State<AppState>, address: ClientAddress, headers: HeaderMap, Json(body): Json<ApiLogin>) -> Response {
    match attempt(&state, &address, &body.name, &body.password).await {
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
    fn waits_double_after_the_free_tries_and_are_capped() {
        let now = chrono::Utc::now();
        let counted = |failures, seconds_ago| Some(schoolsight_store::FailedSignIns { failures, last_failure: now - chrono::TimeDelta::seconds(seconds_ago) });
        let t = &PER_ADDRESS_AND_NAME;
        assert_eq!(t.wait(None, now), None);
        assert_eq!(t.wait(counted(4, 0), now), None, "four free tries");
        assert_eq!(t.wait(counted(5, 0), now), Some(Duration::from_secs(15)));
        assert_eq!(t.wait(counted(6, 10), now), Some(Duration::from_secs(20)), "30 s, 10 already waited");
        assert_eq!(t.wait(counted(5, 15), now), None, "waited out");
        assert_eq!(t.wait(counted(60, 0), now), Some(Duration::from_secs(15 * 60)), "capped");
        assert_eq!(t.wait(counted(60, 2 * 86_400), now), None, "a day later it is forgotten");
        assert_eq!(PER_NAME.wait(counted(1_000, 0), now), Some(Duration::from_secs(60)), "a name is never locked for long");
    }
}

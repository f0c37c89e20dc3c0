//! Hostile input on both back ends: SQL injection through every text a request carries, and
//! stored script through every text field that reaches a page.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use schoolsight_domain::Urn;
use schoolsight_domain::casework::Role;
use schoolsight_ingest::{SourceText, parse_file, parse_source};
use schoolsight_search::{IndexedLetter, SearchIndex};
use schoolsight_store::testing::{TestBackend, TestDatabase};
use schoolsight_store::{NewLetter, NewUser, Store, test_each_backend};
use serde_json::{Value, json};
use tower::ServiceExt;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

const SQL: [&str; 5] = ["' OR '1'='1", "'; DROP TABLE schools; --", "\" OR 1=1 --", "%' OR 1=1 --", "1; DELETE FROM inspections"];
const SCRIPT: &str = "<script>alert('xss')</script>";
const PASSWORD: &str = "correct horse battery";
const ANSTEY: i64 = 115851;

struct World {
    app: Router,
    store: Store,
    db: TestDatabase,
    cookie: String,
    csrf: String,
}

async fn world(backend: TestBackend) -> World {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let parsed = parse_file(&shared("hampshire-surrey-2017-2022/20220420_gias.csv"), &mut |_, _| {}).unwrap();
    store.import(&parsed, &mut |_, _| {}).await.unwrap();
    let admin = NewUser { name: "admin".into(), password: PASSWORD.into(), role: Role::Administrator, la_name: None, trust: None, urn: None };
    store.add_user(&admin, "test").await.unwrap();
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let app = schoolsight_web::router(store.clone(), index.clone());
    let mut w = World { app, store, db, cookie: String::new(), csrf: String::new() };
    let (_, body, cookie) = w.call(Method::POST, "/api/login", Some(json!({ "name": "admin", "password": PASSWORD }))).await;
    w.cookie = cookie.split(';').next().unwrap().to_string();
    w.csrf = body["csrf_token"].as_str().unwrap().to_string();
    seed_hostile_letter(&w.store, &index).await;
    w
}

/// A letter whose every field is a script, linked to Anstey, stored and indexed.
async fn seed_hostile_letter(store: &Store, index: &SearchIndex) {
    let letter = NewLetter {
        sha256: "ab".repeat(32),
        name: format!("{SCRIPT}.txt"),
        format: "text".into(),
        kind: "school_monitoring".into(),
        title: format!("Monitoring {SCRIPT}"),
        letter_date: None,
        visit: None,
        urn: Some(Urn(ANSTEY)),
        la_name: None,
        link_note: SCRIPT.into(),
        body: format!("governance {SCRIPT} governance"),
        record_json: serde_json::to_string(&schoolsight_letters::parse(&format!("Dear Sir\n\nThe school should take further action to:\n- {SCRIPT}\n"))).unwrap(),
        actions: vec![SCRIPT.into()],
    };
    store.save_letter(&letter).await.unwrap();
    let id = letter.id();
    index.upsert(&[IndexedLetter { id, title: letter.title, kind: letter.kind, date: None, about: Some(SCRIPT.into()), body: letter.body }]).unwrap();
}

impl World {
    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value, String) {
        let mut request = Request::builder().method(method).uri(uri).header(header::COOKIE, &self.cookie).header("x-csrf-token", &self.csrf);
        request = if body.is_some() { request.header(header::CONTENT_TYPE, "application/json") } else { request };
        let request = request.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let cookie = response.headers().get(header::SET_COOKIE).map(|c| c.to_str().unwrap().to_string());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null), cookie.unwrap_or(text))
    }

    /// Signs `name` in (adding them with `role` over `la`) and returns their session cookie.
    async fn user_cookie(&self, name: &str, role: Role, la: Option<&str>) -> String {
        let user = NewUser { name: name.into(), password: PASSWORD.into(), role, la_name: la.map(String::from), trust: None, urn: None };
        self.store.add_user(&user, "test").await.unwrap();
        // Signed in apart from the admin: a sign-in ends the session the request carried.
        let body = json!({ "name": name, "password": PASSWORD }).to_string();
        let request = Request::post("/api/login").header(header::CONTENT_TYPE, "application/json").body(Body::from(body)).unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{name} signs in");
        let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
        cookie.split(';').next().unwrap().to_string()
    }

    /// A GET with the session `cookie` ("" for a visitor who is not signed in): status and body.
    async fn get_as(&self, cookie: &str, uri: &str) -> (StatusCode, String) {
        let request = Request::builder().uri(uri).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    async fn created(&self, uri: &str, body: Value) -> String {
        let (status, value, text) = self.call(Method::POST, uri, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {text}");
        value["id"].as_str().unwrap_or_default().to_string()
    }
}

fn encode(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

test_each_backend!(sql_injection_is_inert_everywhere, super::sql_injection_is_inert_everywhere);
async fn sql_injection_is_inert_everywhere(backend: TestBackend) {
    let w = world(backend).await;
    let before = w.store.totals().await.unwrap();
    for payload in SQL {
        let p = encode(payload);
        for uri in [
            format!("/api/schools?q={p}"),
            format!("/api/search?q={p}"),
            format!("/search?q={p}"),
            format!("/api/las/{p}/profile"),
            format!("/api/las/{p}/outcomes?from=2020-01-01&to=2021-01-01"),
            format!("/la/{p}"),
            format!("/api/schools/{p}"),
            format!("/api/cases/{p}"),
            format!("/letters/{p}"),
            format!("/api/schools/{ANSTEY}/brokers?focus={p}"),
        ] {
            let (status, body, _) = w.call(Method::GET, &uri, None).await;
            assert!(status != StatusCode::INTERNAL_SERVER_ERROR, "{uri}: {body}");
            if uri.starts_with("/api/schools?q=") {
                assert_eq!(body.as_array().map(Vec::len), Some(0), "{payload} matched schools: {body}");
            }
        }
        // Text stored through every casework field, then read back as it was written.
        let case = w.created("/api/cases", json!({ "urn": ANSTEY, "category": "monitor", "link_officer": payload, "reason": payload, "opened_on": "2024-01-01" })).await;
        let (_, detail, _) = w.call(Method::GET, &format!("/api/cases/{case}"), None).await;
        assert_eq!(detail["reason"], payload);
        w.created(&format!("/api/cases/{case}/actions"), json!({ "text": payload, "owner": payload })).await;
        let (_, found, _) = w.call(Method::GET, &format!("/api/schools?q={}", encode("Alton Infant")), None).await;
        assert_eq!(found.as_array().unwrap().len(), 1, "the register is intact after {payload}");
    }
    let after = w.store.totals().await.unwrap();
    assert_eq!((after.schools, after.inspections), (before.schools, before.inspections));
    w.db.remove().await;
}

test_each_backend!(stored_script_is_escaped_on_every_page, super::stored_script_is_escaped_on_every_page);
async fn stored_script_is_escaped_on_every_page(backend: TestBackend) {
    let w = world(backend).await;
    // A school whose register entry is hostile, by way of a real import.
    let text = std::fs::read_to_string(shared("hampshire-surrey-2017-2022/20220420_gias.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let row = lines.next().unwrap().replacen("115850", "999002", 1).replacen("Alton Infant School", SCRIPT, 1).replacen("\"Alton\"", "\"<b>Alton</b>\"", 1);
    let hostile = parse_source(&SourceText::from_bytes("edubasealldata20220422.csv", format!("{header}\n{row}\n").as_bytes()).unwrap(), &mut |_, _| {}).unwrap();
    w.store.import(&hostile, &mut |_, _| {}).await.unwrap();
    let case = w.created("/api/cases", json!({ "urn": ANSTEY, "category": "core_group", "link_officer": SCRIPT, "reason": SCRIPT, "opened_on": "2024-01-01" })).await;
    let action = w.created(&format!("/api/cases/{case}/actions"), json!({ "text": SCRIPT, "owner": SCRIPT })).await;
    w.created(&format!("/api/case-actions/{action}/milestones"), json!({ "description": SCRIPT, "due": "2030-01-01" })).await;
    let (_, detail, _) = w.call(Method::GET, &format!("/api/cases/{case}"), None).await;
    let meeting = detail["meetings"][0]["id"].as_str().unwrap().to_string();
    w.call(Method::POST, &format!("/api/meetings/{meeting}"), Some(json!({ "held_on": "2024-02-01", "attendees": SCRIPT, "notes": SCRIPT, "decisions": SCRIPT }))).await;
    w.call(Method::POST, &format!("/api/cases/{case}/handover"), Some(json!({ "to": SCRIPT }))).await;
    let letter = w.store.letters_for_school(Urn(ANSTEY)).await.unwrap()[0].id.clone();
    for uri in [
        "/".to_string(),
        "/la/Hampshire".into(),
        "/school/999002".into(),
        format!("/school/{ANSTEY}"),
        "/search?q=governance".into(),
        "/search?q=script".into(),
        format!("/letters/{letter}"),
        "/cases".into(),
        format!("/cases/{case}"),
        "/admin/audit".into(),
    ] {
        let (status, _, page) = w.call(Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(!page.contains("<script>alert"), "{uri} carries a live script");
        assert!(!page.contains("<b>Alton</b>"), "{uri} carries live markup");
    }
    w.db.remove().await;
}

test_each_backend!(casework_stays_off_public_routes, super::casework_stays_off_public_routes);
async fn casework_stays_off_public_routes(backend: TestBackend) {
    const NOTE: &str = "Head reports the reading plan is a term late";
    let w = world(backend).await;
    let letter = w.store.letters_for_school(Urn(ANSTEY)).await.unwrap()[0].id.clone();
    let (status, _, text) = w.call(Method::POST, &format!("/api/actions/{letter}-1/close"), Some(json!({ "note": NOTE }))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let hants = w.user_cookie("hants officer", Role::LaOfficer, Some("Hampshire")).await;
    let surrey = w.user_cookie("surrey officer", Role::LaOfficer, Some("Surrey")).await;
    let routes = [format!("/api/schools/{ANSTEY}/letters"), format!("/api/letters/{letter}"), format!("/school/{ANSTEY}"), format!("/letters/{letter}")];
    // Signed out, or signed in without reach over the school: the action shows as closed, but
    // neither who closed it nor their note.
    for (who, cookie) in [("nobody", ""), ("a Surrey officer", surrey.as_str())] {
        for uri in &routes {
            let (status, body) = w.get_as(cookie, uri).await;
            assert_eq!(status, StatusCode::OK, "{who} {uri}");
            assert!(!body.contains(NOTE) && !body.contains("\"admin\""), "{who} sees casework on {uri}: {body}");
            if uri.starts_with("/api/") {
                let value: Value = serde_json::from_str(&body).unwrap();
                let action = &value["actions"][0];
                assert_eq!((action["status"].as_str(), action["closed_by"].as_str()), (Some("closed"), None), "{who} {uri}");
            }
        }
    }
    // Those who may read Anstey's casework see both.
    for (who, cookie) in [("the admin", w.cookie.as_str()), ("a Hampshire officer", hants.as_str())] {
        for uri in &routes[..2] {
            let (_, body) = w.get_as(cookie, uri).await;
            let value: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(value["actions"][0]["closed_by"], "admin", "{who} {uri}");
            assert_eq!(value["actions"][0]["close_note"], NOTE, "{who} {uri}");
        }
    }
    w.db.remove().await;
}

test_each_backend!(numbers_and_dates_from_requests_are_bounded, super::numbers_and_dates_from_requests_are_bounded);
async fn numbers_and_dates_from_requests_are_bounded(backend: TestBackend) {
    let w = world(backend).await;
    let case = |field: &str, value: Value| {
        let mut body = json!({ "urn": ANSTEY, "category": "core_group", "link_officer": "hants", "reason": "results fell", "opened_on": "2024-01-10" });
        body[field] = value;
        body
    };
    // Each once panicked in date arithmetic, or stored a date no one meant.
    for (field, value) in [("meeting_interval_days", json!(1_000_000_000)), ("meeting_interval_days", json!(-5)), ("opened_on", json!("9999-01-01")), ("opened_on", json!("-0001-01-01"))] {
        let (status, body, text) = w.call(Method::POST, "/api/cases", Some(case(field, value.clone()))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field} {value}: {text}");
        assert!(body["error"].as_str().unwrap().starts_with(&format!("{field}:")), "{body}");
    }
    let (status, body, _) = w.call(Method::GET, "/api/las?at=9999-01-01", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _, text) = w.call(Method::POST, "/api/cases", Some(case("meeting_interval_days", json!(365)))).await;
    assert_eq!(status, StatusCode::OK, "a year between meetings is allowed: {text}");
    w.db.remove().await;
}

/// A request with a raw body and content type, as the admin: status and parsed JSON body.
async fn raw(w: &World, method: Method, uri: &str, content_type: &str, body: &str) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, &w.cookie)
        .header("x-csrf-token", &w.csrf)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = w.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned())))
}

test_each_backend!(every_api_refusal_is_json, super::every_api_refusal_is_json);
async fn every_api_refusal_is_json(backend: TestBackend) {
    let w = world(backend).await;
    let json = "application/json";
    for (method, uri, content_type, body, status) in [
        (Method::POST, "/api/cases", "text/plain", "{}", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (Method::POST, "/api/cases", json, "{not json", StatusCode::BAD_REQUEST),
        (Method::POST, "/api/cases", json, r#"{"urn": 115851}"#, StatusCode::UNPROCESSABLE_ENTITY),
        (Method::POST, "/api/cases", json, r#"{"urn": "x", "category": "monitor", "link_officer": "a", "reason": "b", "opened_on": "2024-13-45"}"#, StatusCode::UNPROCESSABLE_ENTITY),
        (Method::POST, "/api/login", json, r#"{"name": 1}"#, StatusCode::UNPROCESSABLE_ENTITY),
        (Method::GET, "/api/las?at=2020-01-01&at=2021-01-01", json, "", StatusCode::BAD_REQUEST),
        (Method::GET, "/api/no-such-route", json, "", StatusCode::NOT_FOUND),
        (Method::DELETE, "/api/cases", json, "", StatusCode::METHOD_NOT_ALLOWED),
    ] {
        let (got, value) = raw(&w, method.clone(), uri, content_type, body).await;
        assert_eq!(got, status, "{method} {uri} {body}: {value}");
        assert!(value["error"].as_str().is_some_and(|e| !e.is_empty()), "{method} {uri} {body}: {value}");
    }
    w.db.remove().await;
}

//! Any bytes as the JSON body of every API route that takes one (issue 11), sent through the
//! whole router in-process: extraction, CSRF and reach checks, the domain's validation and the
//! store. The first byte picks the route (`ROUTES[byte % len]`; 128 and above: without a
//! session), the rest is the body. The answer is never a 5xx, and no panic escapes (a
//! panicking handler without the catching layer crashes the target).
//!
//! The world is built once per process: a fresh SQLite file holding Hampshire's and Surrey's
//! schools from the published GIAS extract, an administrator signed in, and one of everything a
//! route can name (case, action, milestone, meeting, warning notice, survey round, governance
//! review, a letter's action). Seeds: `fuzz/seeds/api_bodies`, one valid body per route.
#![no_main]

use std::path::Path;
use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use libfuzzer_sys::fuzz_target;
use schoolsight_domain::Urn;
use schoolsight_domain::casework::Role;
use schoolsight_search::SearchIndex;
use schoolsight_store::{NewLetter, NewUser, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery";
/// Anstey Junior School, Hampshire (GIAS extract of 20 April 2022).
const ANSTEY: i64 = 115851;

/// Every API route with a JSON body; `{case}` and the like are replaced by the seeded ids.
const ROUTES: [&str; 19] = [
    "/api/login",
    "/api/cases",
    "/api/cases/{case}/handover",
    "/api/cases/{case}/category",
    "/api/cases/{case}/close",
    "/api/cases/{case}/actions",
    "/api/case-actions/{action}/rag",
    "/api/case-actions/{action}/milestones",
    "/api/milestones/{milestone}/move",
    "/api/milestones/{milestone}/complete",
    "/api/meetings/{meeting}",
    "/api/warning-notices",
    "/api/warning-notices/{notice}/outcome",
    "/api/support",
    "/api/surveys",
    "/api/surveys/{round}/responses",
    "/api/governance-reviews",
    "/api/governance-reviews/{review}/follow-up",
    "/api/actions/{letter_action}/close",
];

struct World {
    runtime: tokio::runtime::Runtime,
    app: Router,
    cookie: String,
    csrf: String,
    routes: Vec<String>,
    _folder: tempfile::TempDir,
}

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let folder = tempfile::tempdir().expect("a temporary folder");
    let (app, cookie, csrf, routes) = runtime.block_on(build(&folder.path().join("fuzz.db")));
    World { runtime, app, cookie, csrf, routes, _folder: folder }
});

async fn call(app: &Router, method: Method, uri: &str, session: Option<(&str, &str)>, body: Vec<u8>) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some((cookie, csrf)) = session {
        request = request.header(header::COOKIE, cookie).header("x-csrf-token", csrf);
    }
    let response = app.clone().oneshot(request.body(Body::from(body)).expect("a request")).await.expect("the router answers");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("a body");
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The seeded world: the router, the administrator's session, and the routes with real ids.
async fn build(db: &Path) -> (Router, String, String, Vec<String>) {
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", db.display())).await.expect("a store");
    let gias = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/hampshire-surrey-2017-2022/20220420_gias.csv");
    let parsed = schoolsight_ingest::parse_file(&gias, &mut |_, _| {}).expect("the GIAS extract");
    store.import(&parsed, &mut |_, _| {}).await.expect("imported");
    let admin = NewUser { name: "admin".into(), password: PASSWORD.into(), role: Role::Administrator, la_name: None, trust: None, urn: None };
    store.add_user(&admin, "fuzz").await.expect("a user");
    let letter_action = seed_letter(&store).await;
    let app = schoolsight_web::router(store, Arc::new(SearchIndex::in_memory().expect("an index")));

    let login = json!({ "name": "admin", "password": PASSWORD }).to_string().into_bytes();
    let response = app.clone().oneshot(Request::post("/api/login").header(header::CONTENT_TYPE, "application/json").body(Body::from(login)).expect("a request")).await.expect("an answer");
    let cookie = response.headers().get(header::SET_COOKIE).and_then(|c| c.to_str().ok()).and_then(|c| c.split(';').next()).expect("a cookie").to_string();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("a body");
    let csrf = serde_json::from_slice::<Value>(&bytes).expect("JSON")["csrf_token"].as_str().expect("a token").to_string();
    let session = Some((cookie.as_str(), csrf.as_str()));
    let case = create(&app, session, "/api/cases", json!({ "urn": ANSTEY, "category": "core_group", "link_officer": "admin", "reason": "fuzz", "opened_on": "2024-01-10" })).await;
    let action = create(&app, session, &format!("/api/cases/{case}/actions"), json!({ "text": "reading", "owner": "head" })).await;
    let milestone = create(&app, session, &format!("/api/case-actions/{action}/milestones"), json!({ "description": "audit", "due": "2030-01-01" })).await;
    let notice = create(&app, session, "/api/warning-notices", json!({ "urn": ANSTEY, "issued_on": "2024-02-01", "grounds": "standards", "response_due": "2024-02-16" })).await;
    let round = create(&app, session, "/api/surveys", json!({ "name": "Autumn", "la_name": "Hampshire", "opened_on": "2024-09-01" })).await;
    let review = create(&app, session, "/api/governance-reviews", json!({ "urn": ANSTEY, "reviewed_on": "2024-03-01", "reviewer": "NLG", "rating": "good", "recommendations": "audit" })).await;
    let (_, detail) = call(&app, Method::GET, &format!("/api/cases/{case}"), session, Vec::new()).await;
    let meeting = detail["meetings"][0]["id"].as_str().expect("a meeting").to_string();
    let ids = [("{case}", case), ("{action}", action), ("{milestone}", milestone), ("{meeting}", meeting), ("{notice}", notice), ("{round}", round), ("{review}", review), ("{letter_action}", letter_action)];
    let routes = ROUTES.iter().map(|r| ids.iter().fold(r.to_string(), |uri, (name, id)| uri.replace(name, id))).collect();
    (app, cookie, csrf, routes)
}

/// Seeds one thing through the API; its id.
async fn create(app: &Router, session: Option<(&str, &str)>, uri: &str, body: Value) -> String {
    let (status, answer) = call(app, Method::POST, uri, session, body.to_string().into_bytes()).await;
    assert!(status.is_success(), "seeding {uri}: {status} {answer}");
    answer["id"].as_str().expect("an id").to_string()
}

/// A letter filed against Anstey with one open action; its action's id.
async fn seed_letter(store: &Store) -> String {
    let letter = NewLetter {
        sha256: "ab".repeat(32),
        name: "letter.txt".into(),
        format: "text".into(),
        kind: "school_monitoring".into(),
        title: "Monitoring".into(),
        letter_date: None,
        visit: None,
        urn: Some(Urn(ANSTEY)),
        la_name: None,
        link_note: "fuzz".into(),
        body: "The school should take further action to: improve reading".into(),
        record_json: "{}".into(),
        actions: vec!["improve reading".into()],
    };
    store.save_letter(&letter).await.expect("a letter");
    store.actions_for_letter(&letter.id()).await.expect("its actions")[0].id.clone()
}

fuzz_target!(|data: &[u8]| {
    let Some((&route, body)) = data.split_first() else { return };
    let world = &*WORLD;
    let uri = &world.routes[route as usize % world.routes.len()];
    let session = (route < 128).then_some((world.cookie.as_str(), world.csrf.as_str()));
    let (status, answer) = world.runtime.block_on(call(&world.app, Method::POST, uri, session, body.to_vec()));
    assert!(!status.is_server_error(), "POST {uri} answered {status}: {answer}");
});

//! Casework under concurrent load (issue 11): a real server on 127.0.0.1, and 200 requests at
//! once on one case — hand-overs, new actions, new milestones, milestone moves, reads — from
//! four signed-in users, each over its own connection through a real HTTP client (hyper). Every
//! request must be answered 2xx (no 5xx such as SQLite's `database is locked`, no transport
//! error), and every acknowledged write must be there afterwards: in the case's actions, its
//! milestones and its history, and in the audit log. On both back ends; SQLite on a file, as
//! in production.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{Method, StatusCode, header};
use axum::body::Body;
use axum::http::Request;
use common::{Client, GIAS_2022, PRIORY, PRIORY_TRUST, import, request, user};
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use schoolsight_domain::casework::Role;
use schoolsight_search::SearchIndex;
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::{TestBackend, TestDatabase};
use serde_json::{Value, json};

const REQUESTS: usize = 200;

/// The users who share the case: all reach The Priory Primary School (Hampshire, in its trust).
const USERS: [(&str, Role, Option<&str>, Option<&str>); 4] = [
    ("admin", Role::Administrator, None, None),
    ("hants-1", Role::LaOfficer, Some("Hampshire"), None),
    ("hants-2", Role::LaOfficer, Some("Hampshire"), None),
    ("priory-trust", Role::TrustOfficer, None, Some(PRIORY_TRUST)),
];

/// One request over a new loopback connection: status, the cookie set, the JSON body; a
/// transport failure is an `Err`.
async fn exchange(addr: SocketAddr, mut request: Request<Body>) -> Result<(StatusCode, Option<String>, Value), String> {
    let stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| format!("connect: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(connection);
    request.headers_mut().insert(header::HOST, addr.to_string().parse().expect("a host header"));
    let response = sender.send_request(request).await.map_err(|e| format!("send: {e}"))?;
    let status = response.status();
    let cookie = response.headers().get(header::SET_COOKIE).and_then(|c| c.to_str().ok()).and_then(|c| c.split(';').next()).map(String::from);
    let bytes = response.into_body().collect().await.map_err(|e| format!("body: {e}"))?.to_bytes();
    Ok((status, cookie, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
}

async fn over_http(addr: SocketAddr, who: &Client, method: Method, path: &str, body: Option<Value>) -> Result<(StatusCode, Value), String> {
    exchange(addr, request(who, method, path, body)).await.map(|(status, _, json)| (status, json))
}

/// Signs in over the socket, as a browser would, keeping the cookie and the CSRF token.
async fn sign_in_over_http(addr: SocketAddr, name: &str) -> Client {
    let body = json!({ "name": name, "password": common::PASSWORD });
    let (status, cookie, json) = exchange(addr, request(&Client::default(), Method::POST, "/api/login", Some(body))).await.expect("sign-in answered");
    assert_eq!(status, StatusCode::OK, "{name} signs in: {json}");
    Client { cookie, csrf: json["csrf_token"].as_str().map(String::from) }
}

/// The n-th request of the mix, by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    HandOver,
    NewAction,
    NewMilestone,
    MoveMilestone,
    ReadCase,
    ListCases,
}

const MIX: [Kind; 6] = [Kind::HandOver, Kind::NewAction, Kind::NewMilestone, Kind::MoveMilestone, Kind::ReadCase, Kind::ListCases];

fn planned(n: usize, case: &str, action: &str, milestone: &str) -> (Kind, Method, String, Option<Value>) {
    let kind = MIX[n % MIX.len()];
    let (method, path, body) = match kind {
        Kind::HandOver => (Method::POST, format!("/api/cases/{case}/handover"), Some(json!({ "to": format!("officer {n}") }))),
        Kind::NewAction => (Method::POST, format!("/api/cases/{case}/actions"), Some(json!({ "text": format!("load action {n}"), "owner": "head" }))),
        Kind::NewMilestone => (Method::POST, format!("/api/case-actions/{action}/milestones"), Some(json!({ "description": format!("load milestone {n}"), "due": "2030-01-01" }))),
        Kind::MoveMilestone => (Method::POST, format!("/api/milestones/{milestone}/move"), Some(json!({ "due": format!("2031-01-{:02}", n % 28 + 1) }))),
        Kind::ReadCase => (Method::GET, format!("/api/cases/{case}"), None),
        Kind::ListCases => (Method::GET, "/api/cases".into(), None),
    };
    (kind, method, path, body)
}

/// What came back for each request: its number, kind and answer.
type Outcomes = Vec<(usize, Kind, Result<(StatusCode, Value), String>)>;

async fn fire(addr: SocketAddr, clients: &[Client], case: &str, action: &str, milestone: &str) -> Outcomes {
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..REQUESTS {
        let (kind, method, path, body) = planned(n, case, action, milestone);
        let who = clients[n % clients.len()].clone();
        tasks.spawn(async move { (n, kind, over_http(addr, &who, method, &path, body).await) });
    }
    let mut outcomes = tasks.join_all().await;
    outcomes.sort_by_key(|(n, _, _)| *n);
    outcomes
}

test_each_backend!(concurrent_casework_on_one_case_loses_nothing, super::concurrent_casework_on_one_case_loses_nothing);
async fn concurrent_casework_on_one_case_loses_nothing(backend: TestBackend) {
    common::on_own_runtime(move |runtime| runtime.block_on(load(backend))).await;
}

async fn load(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    import(&store, &[GIAS_2022]).await;
    for (name, role, la, trust) in USERS {
        store.add_user(&user(name, role, la, trust, None), "test").await.expect("user added");
    }
    let app = schoolsight_web::router(store, Arc::new(SearchIndex::in_memory().expect("an index")));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let mut clients = Vec::new();
    for (name, ..) in USERS {
        clients.push(sign_in_over_http(addr, name).await);
    }
    let admin = &clients[0];
    let created = |reply: Result<(StatusCode, Value), String>| reply.expect("set-up request answered").1["id"].as_str().expect("an id").to_string();
    let case = created(over_http(addr, admin, Method::POST, "/api/cases", Some(json!({ "urn": PRIORY, "category": "core_group", "link_officer": "admin", "reason": "load", "opened_on": "2024-01-10" }))).await);
    let action = created(over_http(addr, admin, Method::POST, &format!("/api/cases/{case}/actions"), Some(json!({ "text": "first action", "owner": "head" }))).await);
    let milestone = created(over_http(addr, admin, Method::POST, &format!("/api/case-actions/{action}/milestones"), Some(json!({ "description": "first", "due": "2030-01-01" }))).await);

    let outcomes = fire(addr, &clients, &case, &action, &milestone).await;
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|(_, _, r)| !matches!(r, Ok((status, _)) if status.is_success()))
        .map(|(n, kind, r)| format!("#{n} {kind:?}: {}", r.as_ref().map_or_else(|e| e.clone(), |(s, body)| format!("{s} {body}"))))
        .collect();
    let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for (_, kind, _) in &outcomes {
        *by_kind.entry(*kind).or_default() += 1;
    }
    assert!(failures.is_empty(), "{backend:?}: {} of {REQUESTS} requests failed ({by_kind:?}):\n{}", failures.len(), failures.join("\n"));

    every_acknowledged_write_is_there(addr, admin, &case, &outcomes).await;
    server.abort();
    db.remove().await;
}

/// Each acknowledged action, milestone and hand-over is in the case afterwards, and in the
/// audit log.
async fn every_acknowledged_write_is_there(addr: SocketAddr, admin: &Client, case: &str, outcomes: &Outcomes) {
    let (_, detail) = over_http(addr, admin, Method::GET, &format!("/api/cases/{case}"), None).await.expect("the case");
    let (_, audit) = over_http(addr, admin, Method::GET, "/api/audit", None).await.expect("the audit log");
    let texts = |list: &Value, field: &str| -> Vec<String> { list.as_array().into_iter().flatten().filter_map(|v| v[field].as_str().map(String::from)).collect() };
    let actions = texts(&detail["actions"], "text");
    let milestone_ids: Vec<String> = detail["actions"].as_array().into_iter().flatten().flat_map(|a| texts(&a["milestones"], "id")).collect();
    let history = texts(&detail["events"], "detail");
    let audited = texts(&audit, "entity_id");
    for (n, kind, reply) in outcomes {
        let Ok((_, body)) = reply else { continue };
        match kind {
            Kind::NewAction => {
                assert!(actions.contains(&format!("load action {n}")), "acknowledged action {n} is missing");
                assert!(audited.iter().any(|id| Some(id.as_str()) == body["id"].as_str()), "action {n} is not in the audit log");
            }
            Kind::NewMilestone => {
                let id = body["id"].as_str().expect("a milestone id").to_string();
                assert!(milestone_ids.contains(&id), "acknowledged milestone {n} ({id}) is missing");
                assert!(audited.contains(&id), "milestone {n} is not in the audit log");
            }
            Kind::HandOver => {
                assert!(history.iter().any(|h| h.ends_with(&format!("to officer {n}"))), "acknowledged hand-over {n} is not in the case's history");
            }
            Kind::MoveMilestone | Kind::ReadCase | Kind::ListCases => {}
        }
    }
    // One audit line per acknowledged hand-over and milestone move (the actions and
    // milestones are checked one by one above).
    let acknowledged = |kind: Kind| outcomes.iter().filter(|(_, k, r)| *k == kind && r.is_ok()).count();
    let lines = |action: &str| audit.as_array().into_iter().flatten().filter(|l| l["action"] == action).count();
    assert_eq!(lines("hand_over"), acknowledged(Kind::HandOver), "hand-overs in the audit log");
    assert_eq!(lines("move"), acknowledged(Kind::MoveMilestone), "milestone moves in the audit log");
}

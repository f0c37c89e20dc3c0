//! Casework behind sign-in, on both back ends: every route called as every role (and as nobody),
//! each workflow end to end, and the protections around sessions (CSRF, fixation, lockout).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use schoolsight_domain::Urn;
use schoolsight_domain::casework::Role;
use schoolsight_ingest::parse_file;
use schoolsight_search::SearchIndex;
use schoolsight_store::testing::{TestBackend, TestDatabase};
use schoolsight_store::{NewUser, test_each_backend};
use serde_json::{Value, json};
use tower::ServiceExt;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

/// Hampshire's Anstey Junior School (maintained), The Priory Primary School (an academy of
/// THE PRIORY PRIMARY ACADEMY TRUST), and Surrey's Kingswood Primary School.
const ANSTEY: i64 = 115851;
const PRIORY: i64 = 136447;
const KINGSWOOD: i64 = 124937;
const PASSWORD: &str = "correct horse battery";

struct World {
    app: Router,
    db: TestDatabase,
}

async fn world(backend: TestBackend) -> World {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    for file in ["hampshire-surrey-2017-2022/20220420_gias.csv", "hampshire-surrey-2017-2022/2016-2017_850_ks2final.csv", "hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv"] {
        let parsed = parse_file(&shared(file), &mut |_, _| {}).unwrap();
        store.import(&parsed, &mut |_, _| {}).await.unwrap();
    }
    let user = |name: &str, role, la: Option<&str>, trust: Option<&str>, urn: Option<i64>| NewUser {
        name: name.into(),
        password: PASSWORD.into(),
        role,
        la_name: la.map(String::from),
        trust: trust.map(String::from),
        urn: urn.map(Urn),
    };
    for u in [
        user("admin", Role::Administrator, None, None, None),
        user("hants", Role::LaOfficer, Some("Hampshire"), None, None),
        user("surrey", Role::LaOfficer, Some("Surrey"), None, None),
        user("trust", Role::TrustOfficer, None, Some("THE PRIORY PRIMARY ACADEMY TRUST"), None),
        user("head", Role::SchoolLeader, None, None, Some(ANSTEY)),
        user("hmi", Role::Inspector, None, None, None),
    ] {
        store.add_user(&u, "test").await.unwrap();
    }
    let app = schoolsight_web::router(store, Arc::new(SearchIndex::in_memory().unwrap()));
    World { app, db }
}

/// A signed-in client: its session cookie and CSRF token.
#[derive(Clone, Default)]
struct Client {
    cookie: Option<String>,
    csrf: Option<String>,
}

/// One request as `who`: status, JSON body, and the Set-Cookie header (else the raw text).
async fn call(app: &Router, who: &Client, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value, String) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(c) = &who.cookie {
        request = request.header(header::COOKIE, c);
    }
    if let Some(t) = &who.csrf {
        request = request.header("x-csrf-token", t);
    }
    let request = match body {
        Some(b) => request.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let cookie = response.headers().get(header::SET_COOKIE).map(|c| c.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null), if cookie.is_empty() { text } else { cookie })
}

impl World {
    async fn call(&self, who: &Client, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value, String) {
        call(&self.app, who, method, uri, body).await
    }

    async fn sign_in(&self, name: &str) -> Client {
        let (status, body, cookie) = self.call(&Client::default(), Method::POST, "/api/login", Some(json!({ "name": name, "password": PASSWORD }))).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        let pair = cookie.split(';').next().unwrap().to_string();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
        Client { cookie: Some(pair), csrf: body["csrf_token"].as_str().map(String::from) }
    }

    async fn post(&self, who: &Client, uri: &str, body: Value) -> Value {
        let (status, value, text) = self.call(who, Method::POST, uri, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "POST {uri}: {text}");
        value
    }
}

fn case_body(urn: i64) -> Value {
    json!({ "urn": urn, "category": "core_group", "link_officer": "hants", "reason": "KS2 results fell", "opened_on": "2024-01-10" })
}

test_each_backend!(every_route_as_every_role, super::every_route_as_every_role);
async fn every_route_as_every_role(backend: TestBackend) {
    let w = world(backend).await;
    let admin = w.sign_in("admin").await;
    let anstey_case = w.post(&admin, "/api/cases", case_body(ANSTEY)).await["id"].as_str().unwrap().to_string();
    let priory_case = w.post(&admin, "/api/cases", case_body(PRIORY)).await["id"].as_str().unwrap().to_string();
    let round = w.post(&admin, "/api/surveys", json!({ "name": "Autumn", "la_name": "Hampshire", "opened_on": "2024-09-01" })).await["id"].as_str().unwrap().to_string();

    let mut clients = vec![("nobody", Client::default())];
    for name in ["admin", "hants", "surrey", "trust", "head", "hmi"] {
        clients.push((name, w.sign_in(name).await));
    }
    // (method, route, body, the users allowed). Everyone else gets 403; nobody gets 401
    // (or, for a page, a redirect to the sign-in page).
    let all_signed_in = &["admin", "hants", "surrey", "trust", "head", "hmi"][..];
    let routes: Vec<(Method, String, Option<Value>, &[&str])> = vec![
        (Method::GET, "/api/cases".into(), None, all_signed_in),
        (Method::POST, "/api/cases".into(), Some(case_body(ANSTEY)), &["admin", "hants"]),
        (Method::POST, "/api/cases".into(), Some(case_body(PRIORY)), &["admin", "hants", "trust"]),
        (Method::POST, "/api/cases".into(), Some(case_body(KINGSWOOD)), &["admin", "surrey"]),
        (Method::GET, format!("/api/cases/{anstey_case}"), None, &["admin", "hants", "head", "hmi"]),
        (Method::GET, format!("/api/cases/{priory_case}"), None, &["admin", "hants", "trust", "hmi"]),
        (Method::POST, format!("/api/cases/{anstey_case}/handover"), Some(json!({ "to": "hants" })), &["admin", "hants"]),
        (Method::POST, format!("/api/cases/{anstey_case}/actions"), Some(json!({ "text": "Raise reading", "owner": "head" })), &["admin", "hants"]),
        (Method::GET, format!("/api/schools/{ANSTEY}/casework"), None, &["admin", "hants", "head", "hmi"]),
        (Method::GET, format!("/api/schools/{ANSTEY}/brokers?focus=reading"), None, &["admin", "hants", "head", "hmi"]),
        (Method::POST, "/api/warning-notices".into(), Some(json!({ "urn": ANSTEY, "issued_on": "2024-02-01", "grounds": "standards", "response_due": "2024-02-16" })), &["admin", "hants"]),
        (Method::POST, "/api/support".into(), Some(json!({ "urn": ANSTEY, "provider_kind": "school", "provider_name": "A strong school", "provider_urn": null, "focus_area": "reading", "cost": 1500.0, "paid_by": "LA", "starts_on": "2017-09-01", "ends_on": "2018-07-31" })), &["admin", "hants"]),
        (Method::POST, "/api/governance-reviews".into(), Some(json!({ "urn": ANSTEY, "reviewed_on": "2024-03-01", "reviewer": "NLG", "rating": "requires improvement", "recommendations": "skills audit" })), &["admin", "hants"]),
        (Method::POST, "/api/surveys".into(), Some(json!({ "name": "Spring", "la_name": "Hampshire", "opened_on": "2025-01-01" })), &["admin", "hants"]),
        (Method::GET, format!("/api/surveys/{round}"), None, &["admin", "hants", "hmi"]),
        (Method::POST, format!("/api/surveys/{round}/responses"), Some(json!({ "urn": ANSTEY, "question": 0, "answer": "Well", "coding": "strength", "theme": "data" })), &["admin", "hants", "head"]),
        (Method::GET, "/api/audit".into(), None, &["admin"]),
        (Method::GET, "/cases".into(), None, all_signed_in),
        (Method::GET, format!("/cases/{anstey_case}"), None, &["admin", "hants", "head", "hmi"]),
        (Method::GET, "/admin/audit".into(), None, &["admin"]),
    ];
    for (method, uri, body, allowed) in &routes {
        for (name, client) in &clients {
            let (status, _, text) = w.call(client, method.clone(), uri, body.clone()).await;
            let expected_ok = allowed.contains(name);
            if expected_ok {
                assert!(status.is_success(), "{name} {method} {uri}: {status} {text}");
            } else if *name == "nobody" {
                let api = uri.starts_with("/api/");
                let refused = if api { status == StatusCode::UNAUTHORIZED } else { status == StatusCode::SEE_OTHER };
                assert!(refused, "nobody {method} {uri}: {status}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{name} {method} {uri}: {text}");
            }
        }
    }
    // Public, published data needs no session.
    let (status, _, _) = w.call(&Client::default(), Method::GET, "/api/las", None).await;
    assert_eq!(status, StatusCode::OK);
    w.db.remove().await;
}

test_each_backend!(casework_workflows_end_to_end, super::casework_workflows_end_to_end);
async fn casework_workflows_end_to_end(backend: TestBackend) {
    let w = world(backend).await;
    let hants = w.sign_in("hants").await;
    let id = w.post(&hants, "/api/cases", case_body(ANSTEY)).await["id"].as_str().unwrap().to_string();
    let case = w.post(&hants, &format!("/api/cases/{id}/handover"), json!({ "to": "second officer" })).await;
    assert_eq!(case["done"], true);
    let (_, detail, _) = w.call(&hants, Method::GET, &format!("/api/cases/{id}"), None).await;
    assert_eq!(detail["summary"]["link_officer"], "second officer");
    let kinds: Vec<&str> = detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["opened", "handed_over"], "the history moves with the case");
    // Core groups: the first six weeks after opening, the next six weeks after each meeting.
    let meeting = &detail["meetings"][0];
    assert_eq!(meeting["scheduled_for"], "2024-02-21");
    let meeting_id = meeting["id"].as_str().unwrap();
    w.post(&hants, &format!("/api/meetings/{meeting_id}"), json!({ "held_on": "2024-02-22", "attendees": "headteacher, chair of governors", "notes": "n", "decisions": "d" })).await;
    let (_, detail, _) = w.call(&hants, Method::GET, &format!("/api/cases/{id}"), None).await;
    let meetings = detail["meetings"].as_array().unwrap();
    assert_eq!(meetings.len(), 2);
    assert_eq!(meetings[1]["scheduled_for"], "2024-04-04");
    assert_eq!(meetings[1]["overdue"], true, "a meeting in the past not held is overdue");

    // Actions and milestones: moved later is slipping (amber); past due is overdue (red).
    let action = w.post(&hants, &format!("/api/cases/{id}/actions"), json!({ "text": "Improve reading", "owner": "head", "rag": "green" })).await["id"].as_str().unwrap().to_string();
    let future = (chrono::Local::now().date_naive() + chrono::Duration::days(30)).to_string();
    let later = (chrono::Local::now().date_naive() + chrono::Duration::days(60)).to_string();
    let milestone = w.post(&hants, &format!("/api/case-actions/{action}/milestones"), json!({ "description": "phonics audit", "due": future })).await["id"].as_str().unwrap().to_string();
    w.post(&hants, &format!("/api/milestones/{milestone}/move"), json!({ "due": later })).await;
    let (_, detail, _) = w.call(&hants, Method::GET, &format!("/api/cases/{id}"), None).await;
    assert_eq!(detail["actions"][0]["milestones"][0]["state"], "slipping");
    assert_eq!(detail["actions"][0]["implied_rag"], "amber");
    w.post(&hants, &format!("/api/case-actions/{action}/milestones"), json!({ "description": "old", "due": "2024-01-01" })).await;
    let (_, detail, _) = w.call(&hants, Method::GET, &format!("/api/cases/{id}"), None).await;
    assert_eq!(detail["actions"][0]["implied_rag"], "red");
    assert_eq!(detail["summary"]["overdue_milestones"], 1);

    // Warning notice: issued, answered.
    let notice = w.post(&hants, "/api/warning-notices", json!({ "urn": ANSTEY, "issued_on": "2024-02-01", "grounds": "standards", "response_due": "2024-02-16" })).await["id"].as_str().unwrap().to_string();
    w.post(&hants, &format!("/api/warning-notices/{notice}/outcome"), json!({ "responded_on": "2024-02-14", "outcome": "plan accepted" })).await;

    // Support and its impact: Anstey's KS2 RWM 68% (2016/17) -> 63% (2018/19) against other
    // unsupported Hampshire primaries over the same years.
    let package = w.post(&hants, "/api/support", json!({ "urn": ANSTEY, "provider_kind": "national_leader_of_education", "provider_name": "NLE", "provider_urn": null, "focus_area": "reading", "cost": 2400.0, "paid_by": "LA", "starts_on": "2017-09-01", "ends_on": "2018-07-31" })).await["id"].as_str().unwrap().to_string();
    let (_, impact, _) = w.call(&hants, Method::GET, &format!("/api/support/{package}/impact"), None).await;
    assert_eq!(impact["before_year"], 2016);
    assert_eq!(impact["after_year"], 2018);
    assert_eq!(impact["estimate"]["supported"]["before"], 68.0);
    assert_eq!(impact["estimate"]["supported"]["after"], 63.0);
    assert!(impact["estimate"]["comparison_schools"].as_u64().unwrap() > 100);
    assert!(impact["estimate"]["difference"].is_number());
    let (status, _, _) = w.call(&hants, Method::POST, "/api/support", Some(json!({ "urn": ANSTEY, "provider_kind": "magic", "provider_name": "x", "provider_urn": null, "focus_area": "x", "cost": null, "paid_by": "x", "starts_on": "2017-09-01", "ends_on": null }))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an unknown provider kind is refused");

    // Brokering: good or outstanding primaries, nearest first.
    let (_, brokers, _) = w.call(&hants, Method::GET, &format!("/api/schools/{ANSTEY}/brokers?focus=reading"), None).await;
    let brokers = brokers.as_array().unwrap();
    assert!(!brokers.is_empty());
    assert!(brokers.iter().all(|b| b["latest_grade"].as_u64().unwrap() <= 2));
    assert_eq!(brokers[0]["la_name"], "Hampshire");

    // Survey: the letters' four questions by default, coded answers summarised.
    let round = w.post(&hants, "/api/surveys", json!({ "name": "Autumn", "la_name": "hampshire", "opened_on": "2024-09-01" })).await["id"].as_str().unwrap().to_string();
    for (urn, coding, theme) in [(ANSTEY, "strength", "data"), (PRIORY, "area_for_development", "data"), (116394, "area_for_development", "officer turnover")] {
        w.post(&hants, &format!("/api/surveys/{round}/responses"), json!({ "urn": urn, "question": 0, "answer": "…", "coding": coding, "theme": theme })).await;
    }
    let (_, survey, _) = w.call(&hants, Method::GET, &format!("/api/surveys/{round}"), None).await;
    assert_eq!(survey["round"]["questions"].as_array().unwrap().len(), 4);
    assert_eq!(survey["summary"][0]["responses"], 3);
    assert_eq!(survey["summary"][0]["areas_for_development"], 2);
    assert_eq!(survey["summary"][0]["themes"][0][0], "data");

    // Governance review and its follow-up.
    let review = w.post(&hants, "/api/governance-reviews", json!({ "urn": ANSTEY, "reviewed_on": "2024-03-01", "reviewer": "NLG", "rating": "requires improvement", "recommendations": "skills audit" })).await["id"].as_str().unwrap().to_string();
    w.post(&hants, &format!("/api/governance-reviews/{review}/follow-up"), json!({ "on": "2024-06-01", "notes": "audit done" })).await;
    let (_, casework, _) = w.call(&hants, Method::GET, &format!("/api/schools/{ANSTEY}/casework"), None).await;
    assert_eq!(casework["warning_notices"][0]["outcome"], "plan accepted");
    assert_eq!(casework["governance_reviews"][0]["follow_up"], "audit done");
    assert_eq!(casework["support"][0]["paid_by"], "LA");

    // Every change is in the audit log, with who made it.
    let admin = w.sign_in("admin").await;
    let (_, log, _) = w.call(&admin, Method::GET, "/api/audit", None).await;
    let log = log.as_array().unwrap();
    for (action, entity) in [("open", "case"), ("hand_over", "case"), ("record", "meeting"), ("move", "milestone"), ("issue", "warning_notice"), ("add", "support_package"), ("respond", "survey"), ("follow_up", "governance_review")] {
        assert!(log.iter().any(|e| e["action"] == action && e["entity"] == entity && e["user_name"] == "hants"), "audit has {action} {entity}");
    }
    w.db.remove().await;
}

test_each_backend!(sessions_are_guarded, super::sessions_are_guarded);
async fn sessions_are_guarded(backend: TestBackend) {
    let w = world(backend).await;
    let hants = w.sign_in("hants").await;
    // CSRF: a change without the token, or with another session's, is refused.
    let no_token = Client { csrf: None, ..hants.clone() };
    let (status, _, _) = w.call(&no_token, Method::POST, "/api/cases", Some(case_body(ANSTEY))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other = w.sign_in("hants").await;
    let crossed = Client { csrf: other.csrf.clone(), ..hants.clone() };
    let (status, _, _) = w.call(&crossed, Method::POST, "/api/cases", Some(case_body(ANSTEY))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Fixation: a session id chosen before sign-in is never the one issued.
    let planted = Client { cookie: Some("schoolsight_session=attacker-chosen".into()), csrf: None };
    let (_, _, cookie) = w.call(&planted, Method::POST, "/api/login", Some(json!({ "name": "hants", "password": PASSWORD }))).await;
    assert!(!cookie.contains("attacker-chosen"));
    let (status, _, _) = w.call(&planted, Method::GET, "/api/cases", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Signing out ends the session.
    w.post(&hants, "/api/logout", json!({})).await;
    let (status, _, _) = w.call(&hants, Method::GET, "/api/cases", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Lockout: five wrong passwords, then even the right one is refused for a while.
    for _ in 0..5 {
        let (status, _, _) = w.call(&Client::default(), Method::POST, "/api/login", Some(json!({ "name": "surrey", "password": "wrong" }))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, _) = w.call(&Client::default(), Method::POST, "/api/login", Some(json!({ "name": "surrey", "password": PASSWORD }))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Passwords are stored as argon2 hashes only.
    let admin = w.sign_in("admin").await;
    let (_, log, _) = w.call(&admin, Method::GET, "/api/audit", None).await;
    assert!(!log.to_string().contains(PASSWORD));
    w.db.remove().await;
}

test_each_backend!(user_text_is_escaped_on_casework_pages, super::user_text_is_escaped_on_casework_pages);
async fn user_text_is_escaped_on_casework_pages(backend: TestBackend) {
    let w = world(backend).await;
    let hants = w.sign_in("hants").await;
    let mut body = case_body(ANSTEY);
    body["reason"] = json!("<script>alert('x')</script>");
    body["link_officer"] = json!("<img src=x onerror=alert(1)>");
    let id = w.post(&hants, "/api/cases", body).await["id"].as_str().unwrap().to_string();
    let (status, _, page) = w.call(&hants, Method::GET, &format!("/cases/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<script>alert") && !page.contains("<img src=x"), "user text reaches the page escaped");
    assert!(page.contains("&#60;script&#62;"));
    w.db.remove().await;
}

test_each_backend!(survey_answers_stay_in_the_rounds_la, super::survey_answers_stay_in_the_rounds_la);
async fn survey_answers_stay_in_the_rounds_la(backend: TestBackend) {
    let w = world(backend).await;
    let admin = w.sign_in("admin").await;
    let round = w.post(&admin, "/api/surveys", json!({ "name": "Autumn", "la_name": "Hampshire", "opened_on": "2024-09-01" })).await["id"].as_str().unwrap().to_string();
    let kingswood_answer = json!({ "urn": KINGSWOOD, "question": 0, "answer": "Well", "coding": "strength", "theme": "data" });
    // Surrey's officer reaches Kingswood, and an administrator reaches every school, but
    // Kingswood is a Surrey school: it has no place in Hampshire's round.
    for who in [w.sign_in("surrey").await, admin.clone()] {
        let (status, body, _) = w.call(&who, Method::POST, &format!("/api/surveys/{round}/responses"), Some(kingswood_answer.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"].as_str().unwrap().starts_with("urn: school 124937 is in Surrey"), "{body}");
    }
    let (_, survey, _) = w.call(&admin, Method::GET, &format!("/api/surveys/{round}"), None).await;
    assert_eq!(survey["summary"][0]["responses"], 0, "nothing was counted");
    w.db.remove().await;
}

test_each_backend!(concurrent_writes_on_one_case_all_land, super::concurrent_writes_on_one_case_all_land);
async fn concurrent_writes_on_one_case_all_land(backend: TestBackend) {
    let w = world(backend).await;
    let hants = w.sign_in("hants").await;
    let id = w.post(&hants, "/api/cases", case_body(ANSTEY)).await["id"].as_str().unwrap().to_string();
    // Hand-overs (read, then write), new actions and reads of the case, all at once.
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..90 {
        let (app, who, id) = (w.app.clone(), hants.clone(), id.clone());
        requests.spawn(async move {
            let (method, uri, body) = match i % 3 {
                0 => (Method::POST, format!("/api/cases/{id}/handover"), Some(json!({ "to": format!("officer {i}") }))),
                1 => (Method::POST, format!("/api/cases/{id}/actions"), Some(json!({ "text": format!("action {i}"), "owner": "head" }))),
                _ => (Method::GET, format!("/api/cases/{id}"), None),
            };
            let (status, _, text) = call(&app, &who, method.clone(), &uri, body).await;
            (status, format!("{method} {uri}: {text}"))
        });
    }
    while let Some(done) = requests.join_next().await {
        let (status, what) = done.unwrap();
        assert_eq!(status, StatusCode::OK, "{what}");
    }
    // Every acknowledged write is there.
    let (_, detail, _) = w.call(&hants, Method::GET, &format!("/api/cases/{id}"), None).await;
    assert_eq!(detail["actions"].as_array().unwrap().len(), 30);
    let handovers = detail["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "handed_over").count();
    assert_eq!(handovers, 30);
    w.db.remove().await;
}

test_each_backend!(casework_rules_refuse_what_cannot_be, super::casework_rules_refuse_what_cannot_be);
async fn casework_rules_refuse_what_cannot_be(backend: TestBackend) {
    let w = world(backend).await;
    let hants = w.sign_in("hants").await;
    let id = w.post(&hants, "/api/cases", case_body(ANSTEY)).await["id"].as_str().unwrap().to_string();
    let action = w.post(&hants, &format!("/api/cases/{id}/actions"), json!({ "text": "Improve reading", "owner": "head" })).await["id"].as_str().unwrap().to_string();
    let notice = w.post(&hants, "/api/warning-notices", json!({ "urn": ANSTEY, "issued_on": "2024-02-01", "grounds": "standards", "response_due": "2024-02-16" })).await["id"].as_str().unwrap().to_string();
    let review = w.post(&hants, "/api/governance-reviews", json!({ "urn": ANSTEY, "reviewed_on": "2024-03-01", "reviewer": "NLG", "rating": "requires improvement", "recommendations": "skills audit" })).await["id"].as_str().unwrap().to_string();
    let support = |field: &str, value: Value| {
        let mut body = json!({ "urn": ANSTEY, "provider_kind": "school", "provider_name": "A strong school", "provider_urn": null, "focus_area": "reading", "cost": 1500.0, "paid_by": "LA", "starts_on": "2017-09-01", "ends_on": "2018-07-31" });
        body[field] = value;
        body
    };
    let case_with = |field: &str, value: Value| {
        let mut body = case_body(ANSTEY);
        body[field] = value;
        body
    };
    // (route, body, status, the field the error names), each refused before anything is written.
    let refused: Vec<(String, Value, StatusCode, &str)> = vec![
        ("/api/cases".into(), case_with("link_officer", json!("   ")), StatusCode::BAD_REQUEST, "link_officer"),
        ("/api/cases".into(), case_with("reason", json!("")), StatusCode::BAD_REQUEST, "reason"),
        ("/api/cases".into(), case_with("opened_on", json!("1066-10-14")), StatusCode::BAD_REQUEST, "opened_on"),
        (format!("/api/cases/{id}/close"), json!({ "on": "2024-01-01" }), StatusCode::BAD_REQUEST, "on"),
        (format!("/api/cases/{id}/handover"), json!({ "to": "" }), StatusCode::BAD_REQUEST, "to"),
        (format!("/api/cases/{id}/actions"), json!({ "text": "x", "owner": " " }), StatusCode::BAD_REQUEST, "owner"),
        (format!("/api/cases/{id}/actions"), json!({ "text": "x", "owner": "head", "letter_action_id": "000000000000-1" }), StatusCode::NOT_FOUND, "letter_action_id"),
        (format!("/api/case-actions/{action}/milestones"), json!({ "description": "audit", "due": "9999-01-01" }), StatusCode::BAD_REQUEST, "due"),
        ("/api/warning-notices".into(), json!({ "urn": ANSTEY, "issued_on": "2024-02-01", "grounds": "standards", "response_due": "2024-01-16" }), StatusCode::BAD_REQUEST, "response_due"),
        (format!("/api/warning-notices/{notice}/outcome"), json!({ "responded_on": "2024-01-20", "outcome": "accepted" }), StatusCode::BAD_REQUEST, "responded_on"),
        ("/api/support".into(), support("cost", json!(-2400.0)), StatusCode::BAD_REQUEST, "cost"),
        ("/api/support".into(), support("ends_on", json!("2017-08-01")), StatusCode::BAD_REQUEST, "ends_on"),
        ("/api/support".into(), support("provider_urn", json!(999999999)), StatusCode::BAD_REQUEST, "provider_urn"),
        (format!("/api/governance-reviews/{review}/follow-up"), json!({ "on": "2024-02-01", "notes": "done" }), StatusCode::BAD_REQUEST, "follow_up_on"),
        ("/api/surveys".into(), json!({ "name": "Autumn", "la_name": "Hampshire", "opened_on": "2024-09-01", "questions": [] }), StatusCode::BAD_REQUEST, "questions"),
    ];
    for (uri, body, status, field) in refused {
        let (got, answer, text) = w.call(&hants, Method::POST, &uri, Some(body.clone())).await;
        assert_eq!(got, status, "{uri} {body}: {text}");
        assert!(answer["error"].as_str().unwrap().starts_with(&format!("{field}:")), "{uri}: {answer}");
    }
    // A closed case is a record: no more actions, hand-overs or milestones.
    w.post(&hants, &format!("/api/cases/{id}/close"), json!({ "on": "2024-06-01" })).await;
    for (uri, body) in [
        (format!("/api/cases/{id}/actions"), json!({ "text": "late", "owner": "head" })),
        (format!("/api/cases/{id}/handover"), json!({ "to": "someone" })),
        (format!("/api/cases/{id}/close"), json!({ "on": "2024-07-01" })),
        (format!("/api/case-actions/{action}/milestones"), json!({ "description": "late", "due": "2024-09-01" })),
        (format!("/api/case-actions/{action}/rag"), json!({ "rag": "red" })),
    ] {
        let (got, answer, _) = w.call(&hants, Method::POST, &uri, Some(body)).await;
        assert_eq!(got, StatusCode::BAD_REQUEST, "{uri}: {answer}");
        assert!(answer["error"].as_str().unwrap().starts_with("case: the case was closed on 2024-06-01"), "{uri}: {answer}");
    }
    let (_, detail, _) = w.call(&hants, Method::GET, &format!("/api/cases/{id}"), None).await;
    assert_eq!(detail["actions"].as_array().unwrap().len(), 1, "nothing refused was written");
    w.db.remove().await;
}

/// A sign-in from the client address `ip`, as the server's connection info gives it.
async fn sign_in_from(w: &World, ip: &str, name: &str, password: &str) -> (StatusCode, Value) {
    let body = json!({ "name": name, "password": password }).to_string();
    let mut request = Request::post("/api/login").header(header::CONTENT_TYPE, "application/json").body(Body::from(body)).unwrap();
    let address: std::net::SocketAddr = format!("{ip}:40000").parse().unwrap();
    request.extensions_mut().insert(axum::extract::ConnectInfo(address));
    let response = w.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

test_each_backend!(failed_sign_ins_slow_the_attacker_not_the_user, super::failed_sign_ins_slow_the_attacker_not_the_user);
async fn failed_sign_ins_slow_the_attacker_not_the_user(backend: TestBackend) {
    let w = world(backend).await;
    // One address guessing one name: five tries, then it must wait.
    for _ in 0..5 {
        let (status, body) = sign_in_from(&w, "203.0.113.7", "surrey", "wrong").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("wrong name or password")));
    }
    let (status, body) = sign_in_from(&w, "203.0.113.7", "surrey", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // The real user, elsewhere, is not locked out.
    let (status, body) = sign_in_from(&w, "198.51.100.1", "surrey", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // One address spraying names: twenty failures across names, then every name waits there.
    for i in 0..20 {
        let (status, _) = sign_in_from(&w, "203.0.113.8", &format!("user{i}"), "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = sign_in_from(&w, "203.0.113.8", "hmi", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, _) = sign_in_from(&w, "198.51.100.2", "hmi", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    // One name from thirty addresses: that name waits (at most a minute), wherever from.
    for i in 0..30 {
        let (status, _) = sign_in_from(&w, &format!("192.0.2.{i}"), "trust", "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = sign_in_from(&w, "198.51.100.3", "trust", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    w.db.remove().await;
}

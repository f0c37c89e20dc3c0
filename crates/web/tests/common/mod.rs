//! What the web crate's integration tests share: the bundled public files, the schools and
//! users casework is tried on, and a client that calls the router as a browser or script would.
//!
//! Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use schoolsight_domain::Urn;
use schoolsight_domain::casework::Role;
use schoolsight_ingest::parse_file;
use schoolsight_store::{NewUser, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

/// A file of the project's shared, published data.
pub fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

/// The register of Hampshire's and Surrey's schools on 20 April 2022, as GIAS published it.
pub const GIAS_2022: &str = "hampshire-surrey-2017-2022/20220420_gias.csv";
/// Hampshire's KS2 results before and after a support package of 2017/18.
pub const HAMPSHIRE_KS2: [&str; 2] = ["hampshire-surrey-2017-2022/2016-2017_850_ks2final.csv", "hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv"];

/// Schools of [`GIAS_2022`] (checked against the file with a Python one-liner): Hampshire's
/// Anstey Junior School and St Mary's Catholic Primary School (maintained, no trust), The Priory
/// Primary School (an academy of [`PRIORY_TRUST`]), and Surrey's Kingswood Primary School.
pub const ANSTEY: i64 = 115851;
pub const ST_MARYS: i64 = 116394;
pub const PRIORY: i64 = 136447;
pub const KINGSWOOD: i64 = 124937;
pub const PRIORY_TRUST: &str = "THE PRIORY PRIMARY ACADEMY TRUST";

pub const PASSWORD: &str = "correct horse battery";

/// Imports published files, in order, into the store.
pub async fn import(store: &Store, files: &[&str]) {
    for file in files {
        let parsed = parse_file(&shared(file), &mut |_, _| {}).unwrap_or_else(|e| panic!("{file}: {e}"));
        store.import(&parsed, &mut |_, _| {}).await.unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

/// A user with [`PASSWORD`] and the reach its role needs.
pub fn user(name: &str, role: Role, la: Option<&str>, trust: Option<&str>, urn: Option<i64>) -> NewUser {
    NewUser { name: name.into(), password: PASSWORD.into(), role, la_name: la.map(String::from), trust: trust.map(String::from), urn: urn.map(Urn) }
}

/// A caller: a session cookie and its CSRF token once signed in, nothing before.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

/// What the router answered.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    /// The body as JSON (`Null` when it is not JSON).
    pub json: Value,
    pub text: String,
    pub set_cookie: Option<String>,
}

/// A request as `who` sends it: cookie and CSRF header when signed in, a JSON body if any.
pub fn request(who: &Client, method: Method, uri: &str, body: Option<Value>) -> Request<Body> {
    match body {
        Some(b) => raw_request(who, method, uri, Some("application/json"), b.to_string()),
        None => raw_request(who, method, uri, None, String::new()),
    }
}

/// A request with any body and content type, as a careless or hostile client sends it.
pub fn raw_request(who: &Client, method: Method, uri: &str, content_type: Option<&str>, body: String) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(c) = &who.cookie {
        request = request.header(header::COOKIE, c);
    }
    if let Some(t) = &who.csrf {
        request = request.header("x-csrf-token", t);
    }
    if let Some(t) = content_type {
        request = request.header(header::CONTENT_TYPE, t);
    }
    request.body(Body::from(body)).expect("a well-formed request")
}

/// Sends one request through the router and reads the whole answer.
pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.expect("the router answers");
    let status = response.status();
    let set_cookie = response.headers().get(header::SET_COOKIE).and_then(|c| c.to_str().ok()).map(String::from);
    let bytes = response.into_body().collect().await.expect("a whole body").to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Reply { status, json: serde_json::from_str(&text).unwrap_or(Value::Null), text, set_cookie }
}

pub async fn call(app: &Router, who: &Client, method: Method, uri: &str, body: Option<Value>) -> Reply {
    send(app, request(who, method, uri, body)).await
}

/// Signs `name` in through `POST /api/login`.
pub async fn sign_in(app: &Router, name: &str) -> Client {
    let reply = call(app, &Client::default(), Method::POST, "/api/login", Some(json!({ "name": name, "password": PASSWORD }))).await;
    assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.text);
    let cookie = reply.set_cookie.expect("a session cookie");
    Client { cookie: cookie.split(';').next().map(String::from), csrf: reply.json["csrf_token"].as_str().map(String::from) }
}

/// Runs `work` on a multi-threaded runtime of its own, from a blocking thread of the caller's
/// (`test_each_backend!` tests run on a current-thread runtime; servers under load and
/// proptest's synchronous closures need one that runs tasks in parallel). A panic in `work`
/// fails the caller.
pub async fn on_own_runtime<T: Send + 'static>(work: impl FnOnce(&tokio::runtime::Runtime) -> T + Send + 'static) -> T {
    let job = tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
        work(&runtime)
    });
    job.await.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// A GET as a browser sends it, with no session: the status and the body as text.
pub async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
    let response = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// A GET of JSON with no session: the status and the parsed body (naming the URI if it is not JSON).
pub async fn get_json(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, body) = get(app, uri).await;
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{uri}: {e}: {body}")))
}

//! Two `schoolsight serve` processes on one PostgreSQL database, each with its own search
//! index folder, behave as one service: a session signed in on one works on the other, a case
//! opened on one is read on the other at once, concurrent writes through both are all kept, and
//! a letter the CLI stores after both started is found by the other's search (its index notices
//! that the database moved on). A server told its users come over HTTPS marks its cookie Secure.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;
use schoolsight_store::testing::TestBackend;
use serde_json::{Value, json};

const PASSWORD: &str = "a long passphrase";

fn shared(rel: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared").join(rel).display().to_string()
}

/// A port free at the moment of asking.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// `serve` with its own index folder (and `--secure-cookies` when asked), once it listens.
    fn start(s: &Sandbox, index: &str, secure: bool) -> Server {
        let port = free_port();
        let mut child = s
            .command(&["serve", "--addr", &format!("127.0.0.1:{port}")])
            .env("SCHOOLSIGHT_INDEX", s.dir.path().join(index))
            .env("SCHOOLSIGHT_SECURE_COOKIES", if secure { "true" } else { "false" })
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert!(lines.any(|l| l.unwrap().contains("Dashboard on")), "{index}: serve did not start");
        let begun = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(begun.elapsed() < Duration::from_secs(60), "{index}: not listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port }
    }

    /// One HTTP/1.1 exchange: status, the `Set-Cookie` header (if any), and the body as JSON.
    fn call(&self, method: &str, path: &str, cookie: Option<&str>, csrf: Option<&str>, body: Option<Value>) -> (u16, Option<String>, Value) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
        if !body.is_empty() {
            request.push_str("Content-Type: application/json\r\n");
        }
        if let Some(cookie) = cookie {
            request.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        if let Some(token) = csrf {
            request.push_str(&format!("x-csrf-token: {token}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(&body);
        stream.write_all(request.as_bytes()).unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        let (head, text) = reply.split_once("\r\n\r\n").unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let cookie = head
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
            .map(String::from);
        let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
        let text = if chunked { unchunk(text) } else { text.to_string() };
        (status, cookie, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A chunked HTTP body put back together.
fn unchunk(mut text: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = text.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        text = &rest[size..].trim_start_matches("\r\n");
    }
    out
}

#[tokio::test]
async fn two_servers_on_one_postgres_database_are_one_service() {
    let s = Sandbox::new(TestBackend::Postgres).await;
    s.ok(&["import", &shared("data/hampshire-surrey-2017-2022/20220420_gias.csv")]);
    s.ok(&["letters", "ingest", &shared("letters/000_46fd30e43f8dfc73.txt")]);
    let added = s.run_with_input(&["user", "add", "--name", "ann", "--role", "la_officer", "--la", "Hampshire"], &format!("{PASSWORD}\n"));
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let (a, b) = (Server::start(&s, "index-a", false), Server::start(&s, "index-b", true));
    let login = json!({ "name": "ann", "password": PASSWORD });

    // B was told its users come over HTTPS; A was not.
    let (_, set_by_b, _) = b.call("POST", "/api/login", None, None, Some(login.clone()));
    assert!(set_by_b.unwrap().contains("; Secure"), "B marks its cookie Secure");

    // Signed in on A, the session works on B.
    let (status, set_cookie, signed) = a.call("POST", "/api/login", None, None, Some(login));
    assert_eq!(status, 200, "{signed}");
    let set_cookie = set_cookie.expect("a session cookie");
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let csrf = signed["csrf_token"].as_str().unwrap().to_string();
    let (status, _, _) = b.call("GET", "/api/cases", Some(&cookie), None, None);
    assert_eq!(status, 200, "B knows A's session");

    // A case opened on A (Anstey Junior, Hampshire, URN 115851) is read on B at once.
    let case = json!({ "urn": 115851, "category": "core_group", "link_officer": "ann", "reason": "KS2 results fell", "opened_on": "2024-01-10" });
    let (status, _, opened) = a.call("POST", "/api/cases", Some(&cookie), Some(&csrf), Some(case));
    assert_eq!(status, 200, "{opened}");
    let id = opened["id"].as_str().unwrap();
    let (status, _, read) = b.call("GET", &format!("/api/cases/{id}"), Some(&cookie), None, None);
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["summary"]["link_officer"], "ann");

    // 120 actions added at once, 8 clients, alternating servers: every one answered 200 and kept.
    let servers = [&a, &b];
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|worker| {
                let (cookie, csrf) = (&cookie, &csrf);
                scope.spawn(move || {
                    (0..15)
                        .map(|n| {
                            let server = servers[(worker + n) % 2];
                            let action = json!({ "text": format!("action {worker}-{n}"), "owner": "head", "rag": "green" });
                            server.call("POST", &format!("/api/cases/{id}/actions"), Some(cookie), Some(csrf), Some(action)).0
                        })
                        .collect::<Vec<u16>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    for server in servers {
        let (_, _, case) = server.call("GET", &format!("/api/cases/{id}"), Some(&cookie), None, None);
        assert_eq!(case["actions"].as_array().map(Vec::len), Some(120), "every write kept, seen from both");
    }

    // Letter 001 (Alsop High School, Liverpool) stored by the CLI through A's index folder after
    // both started: B's search finds it ("persistently" is in 001, not in 000).
    let (_, _, before) = b.call("GET", "/api/search?q=persistently", None, None, None);
    assert_eq!(before.as_array().map(Vec::len), Some(0), "{before}");
    let mut ingest = s.command(&["letters", "ingest", &shared("letters/001_1233ec7129d85558.txt")]);
    ingest.env("SCHOOLSIGHT_INDEX", s.dir.path().join("index-a"));
    assert!(ingest.output().unwrap().status.success());
    let (status, _, hits) = b.call("GET", "/api/search?q=persistently", None, None, None);
    assert_eq!(status, 200, "{hits}");
    let titles: Vec<&str> = hits.as_array().unwrap().iter().filter_map(|h| h["title"].as_str()).collect();
    assert_eq!(titles.len(), 1, "{hits}");
    drop((a, b));
    s.remove().await;
}

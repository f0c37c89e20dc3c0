//! The LA report (issue 17 point 1) over HTTP, on both back ends: Hampshire's register of 20
//! April 2022 and its KS2 results as published, with casework recorded through the casework
//! API. Every figure is checked against an independent source — a count written here in SQL
//! over the same database, or the published file's own LA row — and casework is shown only to
//! those whose reach is the whole LA.

mod common;

use std::sync::Arc;

use axum::Router;
use axum::http::{Method, StatusCode};
use common::{ANSTEY, Client, GIAS_2022, KINGSWOOD, PRIORY, PRIORY_TRUST, ST_MARYS, call, import, shared, sign_in, user};
use schoolsight_domain::casework::Role;
use schoolsight_search::SearchIndex;
use schoolsight_store::test_each_backend;
use schoolsight_store::testing::{TestBackend, TestDatabase, csv_fields};
use serde_json::{Value, json};
use sqlx::Row;

const KS2: [&str; 3] = [
    "hampshire-surrey-2017-2022/2016-2017_850_ks2final.csv",
    "hampshire-surrey-2017-2022/2017-2018_850_ks2final.csv",
    "hampshire-surrey-2017-2022/2018-2019_850_ks2final.csv",
];
const AT: &str = "2022-04-20";
const PERIOD: &str = "from=2021-04-21&to=2022-04-20";
/// A link officer's name as a careless or hostile user types it.
const HOSTILE: &str = "<script>alert(1)</script>";

struct World {
    app: Router,
    db: TestDatabase,
}

async fn world(backend: TestBackend) -> World {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let mut files = vec![GIAS_2022];
    files.extend(KS2);
    import(&store, &files).await;
    for u in [
        user("hants", Role::LaOfficer, Some("Hampshire"), None, None),
        user("surrey", Role::LaOfficer, Some("Surrey"), None, None),
        user("trust", Role::TrustOfficer, None, Some(PRIORY_TRUST), None),
        user("hmi", Role::Inspector, None, None, None),
    ] {
        store.add_user(&u, "test").await.unwrap();
    }
    let app = schoolsight_web::router(store, Arc::new(SearchIndex::in_memory().unwrap()));
    World { app, db }
}

async fn post(app: &Router, who: &Client, uri: &str, body: Value) -> String {
    let reply = call(app, who, Method::POST, uri, Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "POST {uri}: {}", reply.text);
    reply.json["id"].as_str().map(String::from).unwrap_or_default()
}

/// Hampshire's casework through the API: two open cases and a closed one, an overdue
/// milestone, a warning notice, a support package, a survey round; and a Surrey case.
async fn record_casework(app: &Router) {
    let hants = sign_in(app, "hants").await;
    let case = |urn: i64, category: &str, officer: &str| json!({ "urn": urn, "category": category, "link_officer": officer, "reason": "KS2 results fell", "opened_on": "2024-01-10" });
    let anstey = post(app, &hants, "/api/cases", case(ANSTEY, "core_group", HOSTILE)).await;
    post(app, &hants, "/api/cases", case(ST_MARYS, "monitor", "hants")).await;
    let closed = post(app, &hants, "/api/cases", case(PRIORY, "intensive", "hants")).await;
    post(app, &hants, &format!("/api/cases/{closed}/close"), json!({ "on": "2024-03-01" })).await;
    let action = post(app, &hants, &format!("/api/cases/{anstey}/actions"), json!({ "text": "Improve reading", "owner": "head", "rag": "green" })).await;
    post(app, &hants, &format!("/api/case-actions/{action}/milestones"), json!({ "description": "phonics audit", "due": "2024-02-01" })).await;
    post(app, &hants, "/api/warning-notices", json!({ "urn": ANSTEY, "issued_on": "2024-02-01", "grounds": "weak leadership of reading", "response_due": "2024-02-16" })).await;
    post(app, &hants, "/api/support", json!({ "urn": ANSTEY, "provider_kind": "national_leader_of_education", "provider_name": "NLE", "provider_urn": null, "focus_area": "reading", "cost": 2400.0, "paid_by": "LA", "starts_on": "2017-09-01", "ends_on": "2018-07-31" })).await;
    let round = post(app, &hants, "/api/surveys", json!({ "name": "Autumn", "la_name": "Hampshire", "opened_on": "2024-09-01" })).await;
    for (urn, coding) in [(ANSTEY, "strength"), (PRIORY, "area_for_development"), (ST_MARYS, "area_for_development")] {
        post(app, &hants, &format!("/api/surveys/{round}/responses"), json!({ "urn": urn, "question": 0, "answer": "…", "coding": coding, "theme": "data" })).await;
    }
    let surrey = sign_in(app, "surrey").await;
    post(app, &surrey, "/api/cases", json!({ "urn": KINGSWOOD, "category": "intensive", "link_officer": "surrey", "reason": "a Surrey matter", "opened_on": "2024-01-10" })).await;
}

/// A count written by hand over the test's database; `?` stands for Hampshire.
async fn count(db: &TestDatabase, sql: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let row = sqlx::query(&sql.replace('?', "'Hampshire'")).fetch_one(&pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let n = row.try_get::<i64, _>(0).unwrap_or_else(|e| panic!("{sql}: {e}"));
    pool.close().await;
    n
}

async fn report(app: &Router, who: &Client, query: &str) -> Value {
    let reply = call(app, who, Method::GET, &format!("/api/las/Hampshire/report?{query}"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json
}

/// The published file's LA row (RECTYPE 3, LEA 850): the % meeting the expected standard in reading,
/// writing and maths, for all pupils and as the disadvantaged − other gap.
fn published_la_row(file: &str) -> (f64, f64) {
    let text = String::from_utf8_lossy(&std::fs::read(shared(file)).unwrap()).into_owned();
    let mut lines = text.lines();
    let headers = csv_fields(lines.next().unwrap().trim_start_matches('\u{feff}'));
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (rectype, all, dis, other) = (column("RECTYPE"), column("PTRWM_EXP"), column("PTRWM_EXP_FSM6CLA1A"), column("PTRWM_EXP_NotFSM6CLA1A"));
    let percent = |t: &str| t.trim_end_matches('%').parse::<f64>().unwrap();
    let row = lines.map(csv_fields).find(|r| r[rectype] == "3").unwrap();
    (percent(&row[all]), percent(&row[dis]) - percent(&row[other]))
}

fn number(v: &Value) -> f64 {
    v["number"].as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

test_each_backend!(the_la_report_figures_match_the_database_and_the_files, super::figures);
async fn figures(backend: TestBackend) {
    let w = world(backend).await;
    record_casework(&w.app).await;
    let hants = sign_in(&w.app, "hants").await;
    let r = report(&w.app, &hants, &format!("at={AT}&{PERIOD}")).await;
    assert_eq!(r["la_name"], "Hampshire");

    // The register on the extract's own day: its open state-funded schools, by route.
    let open = "FROM schools WHERE la_name = ? AND status = 'open' AND governance IN ('maintained', 'academy_converter', 'academy_sponsor_led', 'free_school')";
    assert_eq!(r["profile"]["schools"].as_i64().unwrap(), count(&w.db, &format!("SELECT COUNT(*) {open}")).await);
    for route in ["maintained", "academy_converter", "academy_sponsor_led", "free_school"] {
        let expected = count(&w.db, &format!("SELECT COUNT(*) {open} AND governance = '{route}'")).await;
        assert_eq!(r["profile"]["by_governance"][route].as_i64().unwrap_or(0), expected, "{route}");
    }
    // Good or outstanding: each open school's latest graded inspection on or before the day.
    let latest = format!(
        "SELECT COUNT(*) FROM schools s JOIN inspections i ON i.urn = s.urn AND i.grade IS NOT NULL AND i.start_date <= '{AT}' \
         AND i.start_date = (SELECT MAX(j.start_date) FROM inspections j WHERE j.urn = s.urn AND j.grade IS NOT NULL AND j.start_date <= '{AT}') \
         WHERE s.la_name = ? AND s.status = 'open' AND s.governance IN ('maintained', 'academy_converter', 'academy_sponsor_led', 'free_school')"
    );
    let all = r["profile"]["shares"].as_array().unwrap().iter().find(|s| s["group"] == "all").unwrap();
    assert_eq!(all["la"]["carried"], 0, "no links file: nothing is carried from a predecessor");
    assert_eq!(all["la"]["inspected"].as_i64().unwrap(), count(&w.db, &latest).await);
    assert_eq!(all["la"]["good_or_outstanding"].as_i64().unwrap(), count(&w.db, &format!("{latest} AND i.grade <= 2")).await);
    assert!(all["rank"].is_u64() || all["not_ranked"].is_string(), "a rank, or why not: {all}");
    let ranks = r["ranks"].as_array().unwrap();
    assert_eq!(ranks.len(), r["series"].as_array().unwrap().len(), "a rank (or why not) for each day of the trend");

    // Focused-inspection outcomes: the graded inspections of the LA's schools in the period.
    let inspected = count(&w.db, "SELECT COUNT(*) FROM inspections i JOIN schools s ON s.urn = i.urn WHERE s.la_name = ? AND i.grade IS NOT NULL AND i.start_date >= '2021-04-21' AND i.start_date <= '2022-04-20'").await;
    assert_eq!(r["inspection_outcomes"]["inspected"].as_i64().unwrap(), inspected);
    assert!(inspected > 0, "the extract has inspections in the period");

    // Pupil outcomes: the LA's line and its disadvantage gap are the published LA rows.
    let rwm = r["pupil_outcomes"]["measures"].as_array().unwrap().iter().find(|m| m["measure"] == "ks2_rwm_expected").unwrap();
    let la_line = rwm["lines"].as_array().unwrap().iter().find(|l| l["subject"].as_str().unwrap().starts_with("la:") && l["group"] == "all").unwrap();
    for (i, file) in KS2.iter().enumerate() {
        let (all, gap) = published_la_row(file);
        assert_eq!(number(&la_line["values"][i]), all, "{file}");
        assert_eq!(number(&rwm["gap"][i]), gap, "{file}");
    }

    // Casework, as a hand count of the tables.
    let c = &r["casework"];
    assert_eq!(c["state"], "shown");
    let open_cases = "FROM cases c JOIN schools s ON s.urn = c.urn WHERE s.la_name = ? AND c.closed_on IS NULL";
    assert_eq!(c["open_cases"].as_array().unwrap().len() as i64, count(&w.db, &format!("SELECT COUNT(*) {open_cases}")).await);
    for pair in c["by_category"].as_array().unwrap() {
        let category = pair[0].as_str().unwrap();
        assert_eq!(pair[1].as_i64().unwrap(), count(&w.db, &format!("SELECT COUNT(*) {open_cases} AND c.category = '{category}'")).await, "{category}");
    }
    let today = chrono::Local::now().date_naive();
    let overdue = count(&w.db, &format!("SELECT COUNT(*) FROM milestones m JOIN case_actions a ON a.id = m.action_id JOIN cases c ON c.id = a.case_id JOIN schools s ON s.urn = c.urn WHERE s.la_name = ? AND c.closed_on IS NULL AND m.done_on IS NULL AND m.due_on < '{today}'")).await;
    let listed: usize = c["overdue_actions"].as_array().unwrap().iter().map(|a| a["overdue_milestones"].as_array().unwrap().len()).sum();
    assert_eq!(listed as i64, overdue);
    assert_eq!(c["warning_notices"].as_array().unwrap().len() as i64, count(&w.db, "SELECT COUNT(*) FROM warning_notices w JOIN schools s ON s.urn = w.urn WHERE s.la_name = ?").await);
    assert_eq!(c["support"].as_array().unwrap().len() as i64, count(&w.db, "SELECT COUNT(*) FROM support_packages p JOIN schools s ON s.urn = p.urn WHERE s.la_name = ?").await);
    // Anstey's KS2 RWM as its own rows say, before (2016/17) and after (2018/19) the package.
    let before = count(&w.db, &format!("SELECT CAST(value AS BIGINT) FROM measures WHERE urn = {ANSTEY} AND measure = 'ks2_rwm_expected' AND pupil_group = 'all' AND year = 2016")).await;
    let after = count(&w.db, &format!("SELECT CAST(value AS BIGINT) FROM measures WHERE urn = {ANSTEY} AND measure = 'ks2_rwm_expected' AND pupil_group = 'all' AND year = 2018")).await;
    let estimate = &c["support"][0]["impact"]["estimate"];
    assert_eq!((estimate["supported"]["before"].as_f64().unwrap() as i64, estimate["supported"]["after"].as_f64().unwrap() as i64), (before, after));
    assert!(estimate["difference"].is_number() && estimate["comparison_schools"].as_u64().unwrap() > 100);
    let q0 = &c["survey"]["questions"][0];
    assert_eq!(q0["responses"].as_i64().unwrap(), count(&w.db, "SELECT COUNT(*) FROM survey_responses r JOIN survey_rounds o ON o.id = r.round_id WHERE o.la_name = ? AND r.question = 0").await);
    assert_eq!(q0["areas_for_development"], 2);
    assert!(!r.to_string().contains("a Surrey matter"), "no other LA's case");

    // The early warning: the same list the risk page shows, or why there is none.
    let risk = call(&w.app, &hants, Method::GET, &format!("/api/las/Hampshire/risk?at={AT}"), None).await;
    match r["risk"]["state"].as_str().unwrap() {
        "scored" => assert_eq!(r["risk"]["list"]["schools"], risk.json["schools"]),
        "no_model" => assert!(risk.status == StatusCode::BAD_REQUEST && r["risk"]["reason"].is_string()),
        other => panic!("risk state {other}"),
    }

    // As at a day before DfE published 2018/19's KS2 results (December 2019): the trend stops
    // at the day, and 2018/19's figures are said to be later than it.
    let early = report(&w.app, &hants, "at=2019-06-01").await;
    assert!(early["series"].as_array().unwrap().iter().all(|p| p["at"].as_str().unwrap() <= "2019-06-01"));
    let later: Vec<(String, i64)> = early["published_after"].as_array().unwrap().iter().map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_i64().unwrap())).collect();
    assert!(later.contains(&("ks2_rwm_expected".to_string(), 2018)) && !later.iter().any(|(_, y)| *y < 2018), "{later:?}");
    w.db.remove().await;
}

test_each_backend!(casework_stays_with_those_who_reach_the_whole_la, super::reach);
async fn reach(backend: TestBackend) {
    let w = world(backend).await;
    record_casework(&w.app).await;
    let query = format!("at={AT}&{PERIOD}");
    let nobody = Client::default();
    let refused = call(&w.app, &nobody, Method::GET, &format!("/api/las/Hampshire/report?{query}"), None).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let page = call(&w.app, &nobody, Method::GET, &format!("/la/Hampshire/report?{query}"), None).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "the page sends a visitor to sign in");

    for (name, shown) in [("hants", true), ("hmi", true), ("surrey", false), ("trust", false)] {
        let who = sign_in(&w.app, name).await;
        let r = report(&w.app, &who, &query).await;
        assert_eq!(r["casework"]["state"], if shown { "shown" } else { "withheld" }, "{name}");
        assert_eq!(r.to_string().contains("KS2 results fell"), false, "case reasons are not in the report");
        if !shown {
            assert!(r["casework"]["reason"].as_str().unwrap().contains("Hampshire's officers, inspectors and administrators"));
            assert!(!r.to_string().contains("phonics audit") && !r.to_string().contains("weak leadership of reading"), "{name} sees no casework");
            let md = call(&w.app, &who, Method::GET, &format!("/la/Hampshire/report.md?{query}"), None).await;
            assert!(md.text.contains("## Casework\n\nCasework (cases, actions and milestones"), "{name}: the Markdown says why");
            assert!(!md.text.contains("phonics audit"));
        }
    }
    w.db.remove().await;
}

test_each_backend!(the_la_report_in_every_format_escaped_and_linked, super::formats);
async fn formats(backend: TestBackend) {
    let w = world(backend).await;
    record_casework(&w.app).await;
    let hants = sign_in(&w.app, "hants").await;
    let query = format!("at={AT}&{PERIOD}");
    let r = report(&w.app, &hants, &query).await;
    let schools = r["profile"]["schools"].as_u64().unwrap();

    let page = call(&w.app, &hants, Method::GET, &format!("/la/Hampshire/report?{query}"), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains(&format!(r#"<tfoot><tr><th scope="row">All</th><td class="num">{schools}</td>"#)));
    assert!(page.text.contains("&#60;script&#62;alert(1)&#60;/script&#62;") && !page.text.contains(HOSTILE), "user text is escaped (askama writes numeric entities)");
    for id in ["context", "register", "good-or-outstanding", "trend", "pupil-outcomes", "inspection-outcomes", "risk", "casework"] {
        assert!(page.text.contains(&format!(r#"<section id="{id}">"#)), "section {id}");
    }
    assert!(page.text.contains("phonics audit (due 2024-02-01)"));
    assert!(page.text.contains("<td>Hampshire, disadvantaged pupils</td>"), "each group's row named by its group");

    let md = call(&w.app, &hants, Method::GET, &format!("/la/Hampshire/report.md?{query}"), None).await;
    assert_eq!(md.status, StatusCode::OK);
    assert!(md.text.starts_with(&format!("# Hampshire: LA report as at {AT}\n")));
    assert!(md.text.contains(&format!("| All | {schools} |")));
    let api_md = call(&w.app, &hants, Method::GET, &format!("/api/las/Hampshire/report?{query}&format=md"), None).await;
    assert_eq!(api_md.text, md.text, "the page's Markdown and the API's are one");

    let html = call(&w.app, &hants, Method::GET, &format!("/api/las/Hampshire/report?{query}&format=html"), None).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.text.contains("<style>") && html.text.contains("@page { size: A4"), "the stylesheet inlined with its A4 rule");
    assert!(!html.text.contains("/static/app.css") && !html.text.contains("<script"), "self-contained, no script");

    for (uri, want, says) in [
        (format!("/api/las/Hampshire/report?{query}&format=docx"), StatusCode::BAD_REQUEST, "expected md, html or json"),
        ("/api/las/Hampshire/report?from=2022-01-01&to=2021-01-01".to_string(), StatusCode::BAD_REQUEST, "after"),
        ("/api/las/Nowhere/report".to_string(), StatusCode::NOT_FOUND, "Nowhere"),
    ] {
        let reply = call(&w.app, &hants, Method::GET, &uri, None).await;
        assert_eq!(reply.status, want, "{uri}: {}", reply.text);
        assert!(reply.json["error"].as_str().unwrap().contains(says), "{uri}: {}", reply.text);
    }
    let la_page = call(&w.app, &Client::default(), Method::GET, &format!("/la/Hampshire?at={AT}"), None).await;
    assert!(la_page.text.contains(&format!("/la/Hampshire/report?at={AT}")), "the LA page links to its report");
    w.db.remove().await;
}

//! Fresh, empty databases for integration tests, on every back end the suite covers: an SQLite
//! file in a temporary folder, and a new database on the PostgreSQL server named by
//! `SCHOOLSIGHT_TEST_POSTGRES` (default: the local server, `postgres://postgres@127.0.0.1:5432/postgres`).
//! Nothing is mocked: each test talks to a real server over a real connection.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::AnyPool;

use crate::Store;

/// The back ends every storage test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

/// A database made for one test; `remove` drops it (PostgreSQL) and the folder goes with the
/// value (SQLite). Databases left by a test that panicked are dropped by `scripts/test` before
/// the next run (they share the `schoolsight_test_` prefix).
pub struct TestDatabase {
    pub url: String,
    pub backend: TestBackend,
    _folder: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

pub const POSTGRES_ENV: &str = "SCHOOLSIGHT_TEST_POSTGRES";
const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn admin_url() -> String {
    std::env::var(POSTGRES_ENV).unwrap_or_else(|_| DEFAULT_POSTGRES.to_string())
}

/// A name no other test of this run or a concurrent run uses.
fn unique_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("schoolsight_test_{}_{}_{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// `postgres://host/admin_db?x` with its database replaced by `name`.
fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = admin.split_once('?').map_or((admin, None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

async fn admin_pool(admin: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    AnyPool::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {admin} (set {POSTGRES_ENV}): {e}; scripts/test starts it"))
}

impl TestDatabase {
    pub async fn new(backend: TestBackend) -> TestDatabase {
        match backend {
            TestBackend::Sqlite => {
                let folder = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}?mode=rwc", folder.path().join("test.db").display());
                TestDatabase { url, backend, _folder: Some(folder), postgres: None }
            }
            TestBackend::Postgres => {
                let admin = admin_url();
                let name = unique_name();
                // The name is generated above from digits and underscores only.
                sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                    .execute(&admin_pool(&admin).await)
                    .await
                    .expect("create test database");
                TestDatabase { url: with_database(&admin, &name), backend, _folder: None, postgres: Some((admin, name)) }
            }
        }
    }

    /// A connected, migrated store on this database.
    pub async fn store(&self) -> Store {
        Store::connect(&self.url).await.expect("connect to the test database")
    }

    /// Drops a PostgreSQL test database (SQLite's folder is removed with the value).
    pub async fn remove(self) {
        if let Some((admin, name)) = &self.postgres {
            let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin_pool(admin).await)
                .await;
        }
    }
}

/// A line of a published CSV as its fields (double quotes honoured; no field in these files
/// holds a line break). Tests read the files themselves to know what the program must answer.
pub fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Defines `mod $name { sqlite, postgres }`: the async function `$body(TestBackend)` run once
/// per back end, each as its own test.
#[macro_export]
macro_rules! test_each_backend {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                $body($crate::testing::TestBackend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                $body($crate::testing::TestBackend::Postgres).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_replaces_the_admin_one() {
        assert_eq!(with_database("postgres://u@h:5432/postgres", "t1"), "postgres://u@h:5432/t1");
        assert_eq!(with_database("postgres://u@h/postgres?sslmode=disable", "t1"), "postgres://u@h/t1?sslmode=disable");
        assert!(unique_name().starts_with("schoolsight_test_"));
        assert_ne!(unique_name(), unique_name());
    }

    #[test]
    fn csv_fields_keep_quoted_commas() {
        assert_eq!(csv_fields(r#"115957,"850","Wallop, Primary",,"""#), ["115957", "850", "Wallop, Primary", "", ""]);
    }
}

//! A small, ordered migration list applied in transactions, the same files for both back ends.

use sqlx::{AnyPool, Row};

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "register", include_str!("../migrations/0001_register.sql")),
    (2, "letters", include_str!("../migrations/0002_letters.sql")),
    (3, "outcomes", include_str!("../migrations/0003_outcomes.sql")),
    (4, "casework", include_str!("../migrations/0004_casework.sql")),
    (5, "sign_in_throttle", include_str!("../migrations/0005_sign_in_throttle.sql")),
    (6, "history", include_str!("../migrations/0006_history.sql")),
    (7, "case_event_order", include_str!("../migrations/0007_case_event_order.sql")),
    (8, "trust_links", include_str!("../migrations/0008_trust_links.sql")),
];

pub async fn run(pool: &AnyPool) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
    )
    .execute(pool)
    .await?;
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    for (version, name, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        let mut tx = pool.begin().await?;
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
            .bind(*version)
            .bind(*name)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}

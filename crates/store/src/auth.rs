//! Users with argon2-hashed passwords, sessions known only by their token's hash, and the
//! audit log every change writes to in its own transaction.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use schoolsight_domain::Urn;
use schoolsight_domain::casework::{Principal, Role};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{Store, StoreError};

/// How long a session lasts without a new sign-in.
pub const SESSION_HOURS: i64 = 12;

/// Argon2 spends tens of milliseconds of CPU and 19 MiB on each hash: hashes run on the
/// blocking pool, at most this many at once, so a flood of sign-ins cannot starve the threads
/// that serve every other request.
const CONCURRENT_HASHES: usize = 2;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);

/// Runs password hashing off the async workers, under [`HASHING`]'s bound.
async fn hash_work<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, StoreError> {
    let _permit = HASHING.acquire().await.map_err(|e| StoreError::Hashing(e.to_string()))?;
    tokio::task::spawn_blocking(work).await.map_err(|e| StoreError::Hashing(e.to_string()))
}

fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    Ok(Argon2::default().hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))?.to_string())
}

/// Whether `password` matches the stored hash; with no user, the same effort is spent on a
/// throwaway hash so timing does not tell names apart.
fn password_matches(stored: Option<&str>, password: &str) -> Result<bool, StoreError> {
    let Some(stored) = stored else {
        let _ = hash_password(password);
        return Ok(false);
    };
    let parsed = PasswordHash::new(stored).map_err(|e| StoreError::Corrupt(format!("password hash: {e}")))?;
    Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Failed sign-ins counted for one subject (see migration 0005), and when the last was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailedSignIns {
    pub failures: i64,
    pub last_failure: chrono::DateTime<chrono::Utc>,
}

/// `bytes` random bytes as lower-case hex, from the operating system's generator.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash_token(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A new user's details.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub password: String,
    pub role: Role,
    pub la_name: Option<String>,
    pub trust: Option<String>,
    pub urn: Option<Urn>,
}

/// A signed-in session: who, and the token forms must echo back.
#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    pub csrf_token: String,
}

/// One line of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub user_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
}

/// Writes an audit line inside the transaction that makes the change it describes.
pub async fn audit(
    tx: &mut Transaction<'static, Any>,
    who: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_log (id, at, user_name, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(random_hex(12))
        .bind(stamp(now()))
        .bind(who)
        .bind(action)
        .bind(entity)
        .bind(entity_id)
        .bind(detail.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn failed_from(row: &AnyRow) -> Result<FailedSignIns, StoreError> {
    let last: String = row.try_get("last_failure")?;
    let last_failure = chrono::DateTime::parse_from_rfc3339(&last).map_err(|_| StoreError::Corrupt(format!("sign-in time '{last}'")))?.to_utc();
    Ok(FailedSignIns { failures: row.try_get("failures")?, last_failure })
}

fn principal_from(row: &AnyRow) -> Result<Principal, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(Principal {
        user_id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: Role::from_key(&role).ok_or(StoreError::Corrupt(role))?,
        la_name: row.try_get("la_name")?,
        trust: row.try_get("trust")?,
        urn: row.try_get::<Option<i64>, _>("urn")?.map(Urn),
    })
}

impl Store {
    /// Adds a user; the password is stored only as an argon2 hash.
    pub async fn add_user(&self, user: &NewUser, by: &str) -> Result<String, StoreError> {
        let password = user.password.clone();
        let hash = hash_work(move || hash_password(&password)).await?.map_err(|e| StoreError::Invalid(format!("password: {e}")))?;
        let id = random_hex(8);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO users (id, name, password_hash, role, la_name, trust, urn, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&user.name)
        .bind(hash)
        .bind(user.role.key())
        .bind(user.la_name.clone())
        .bind(user.trust.clone())
        .bind(user.urn.map(|u| u.0))
        .bind(stamp(now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Invalid(format!("a user named '{}' exists", user.name)),
            other => other.into(),
        })?;
        let detail = serde_json::json!({ "name": user.name, "role": user.role.key(), "la": user.la_name, "trust": user.trust, "urn": user.urn });
        audit(&mut tx, by, "add", "user", &id, &detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Checks a name and password; on success starts a new session and returns its token.
    /// A fresh token every time: a session id known before sign-in is never promoted.
    pub async fn sign_in(&self, name: &str, password: &str) -> Result<Option<(String, Session)>, StoreError> {
        let row = sqlx::query("SELECT id, name, password_hash, role, la_name, trust, urn FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        let stored: Option<String> = row.as_ref().map(|r| r.try_get("password_hash")).transpose()?;
        let password = password.to_string();
        let (Some(row), true) = (row, hash_work(move || password_matches(stored.as_deref(), &password)).await??) else {
            return Ok(None);
        };
        let principal = principal_from(&row)?;
        let token = random_hex(32);
        let csrf_token = random_hex(16);
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(hash_token(&token))
            .bind(&principal.user_id)
            .bind(&csrf_token)
            .bind(stamp(now()))
            .bind(stamp(now() + chrono::Duration::hours(SESSION_HOURS)))
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, &principal.name, "sign_in", "session", &principal.user_id, &serde_json::json!({})).await?;
        tx.commit().await?;
        Ok(Some((token, Session { principal, csrf_token })))
    }

    /// Failed sign-ins counted for each `(scope, subject)`, in order; none counted is `None`.
    pub async fn failed_sign_ins(&self, subjects: &[(&str, &str)]) -> Result<Vec<Option<FailedSignIns>>, StoreError> {
        let mut counts = Vec::with_capacity(subjects.len());
        for (scope, subject) in subjects {
            let row = sqlx::query("SELECT failures, last_failure FROM sign_in_failures WHERE scope = $1 AND subject = $2")
                .bind(*scope)
                .bind(*subject)
                .fetch_optional(&self.pool)
                .await?;
            counts.push(row.map(|r| failed_from(&r)).transpose()?);
        }
        Ok(counts)
    }

    /// Counts a failed sign-in against each subject; a count last touched before `forget_before`
    /// starts again at one.
    pub async fn record_failed_sign_in(&self, subjects: &[(&str, &str)], forget_before: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for (scope, subject) in subjects {
            sqlx::query(
                "INSERT INTO sign_in_failures (scope, subject, failures, last_failure) VALUES ($1, $2, 1, $3) \
                 ON CONFLICT (scope, subject) DO UPDATE SET \
                 failures = CASE WHEN sign_in_failures.last_failure < $4 THEN 1 ELSE sign_in_failures.failures + 1 END, last_failure = $3",
            )
            .bind(*scope)
            .bind(*subject)
            .bind(stamp(now()))
            .bind(stamp(forget_before))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the failures counted against these subjects (after a successful sign-in).
    pub async fn clear_failed_sign_ins(&self, subjects: &[(&str, &str)]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for (scope, subject) in subjects {
            sqlx::query("DELETE FROM sign_in_failures WHERE scope = $1 AND subject = $2").bind(*scope).bind(*subject).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The live session a cookie's token names, if any.
    pub async fn session(&self, token: &str) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.name, u.role, u.la_name, u.trust, u.urn, s.csrf_token FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(hash_token(token))
        .bind(stamp(now()))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok(Session { principal: principal_from(&r)?, csrf_token: r.try_get("csrf_token")? })).transpose()
    }

    pub async fn sign_out(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(hash_token(token)).execute(&self.pool).await?;
        Ok(())
    }

    /// The newest audit lines first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query("SELECT at, user_name, action, entity, entity_id, detail FROM audit_log ORDER BY at DESC, id LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: r.try_get("at")?,
                    user_name: r.try_get("user_name")?,
                    action: r.try_get("action")?,
                    entity: r.try_get("entity")?,
                    entity_id: r.try_get("entity_id")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    /// Users who could be a case's link officer (for hand-over lists).
    pub async fn user_names(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT name FROM users ORDER BY name").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let a = random_hex(32);
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_hex(32));
        assert_ne!(hash_token(&a), a);
        assert_eq!(hash_token(&a), hash_token(&a));
    }
}

//! Letters and reports as stored: their summary columns, the parsed record as JSON, the school
//! or LA they are linked to, and the actions they ask for, tracked until someone closes them.

use chrono::NaiveDate;
use schoolsight_domain::Urn;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError};

/// A parsed letter ready to store (the application builds it from the parser's record).
#[derive(Debug, Clone, PartialEq)]
pub struct NewLetter {
    pub sha256: String,
    pub name: String,
    pub format: String,
    pub kind: String,
    pub title: String,
    pub letter_date: Option<NaiveDate>,
    pub visit: Option<(NaiveDate, NaiveDate)>,
    pub urn: Option<Urn>,
    pub la_name: Option<String>,
    pub link_note: String,
    pub body: String,
    pub record_json: String,
    /// The actions the letter asks of the school, in its order.
    pub actions: Vec<String>,
}

impl NewLetter {
    /// The id a letter is known by: the first 12 hex digits of its SHA-256.
    pub fn id(&self) -> String {
        letter_id(&self.sha256)
    }
}

pub fn letter_id(sha256: &str) -> String {
    sha256.chars().take(12).collect()
}

/// A stored letter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredLetter {
    pub id: String,
    pub name: String,
    pub format: String,
    pub kind: String,
    pub title: String,
    pub letter_date: Option<NaiveDate>,
    pub visit_from: Option<NaiveDate>,
    pub visit_to: Option<NaiveDate>,
    pub urn: Option<Urn>,
    pub la_name: Option<String>,
    pub link_note: String,
    pub ingested_at: String,
}

/// An action a letter asked for, and whether it is done.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetterAction {
    /// `<letter id>-<position>`, e.g. `3f2a9c0d1b7e-2`.
    pub id: String,
    pub letter_id: String,
    pub position: i64,
    pub urn: Option<Urn>,
    pub text: String,
    pub status: String,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub close_note: Option<String>,
}

/// What storing a letter did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum LetterOutcome {
    Stored { id: String, actions: usize },
    /// The same bytes were ingested before.
    AlreadyStored { id: String },
}

/// How a letter's school was found in the register.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "link", rename_all = "snake_case")]
pub enum SchoolLink {
    Linked { urn: Urn, by: String },
    Ambiguous { candidates: Vec<Urn> },
    NotFound,
}

fn date(value: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    value
        .map(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("date '{v}'"))))
        .transpose()
}

fn iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

const LETTER_COLUMNS: &str =
    "id, name, format, kind, title, letter_date, visit_from, visit_to, urn, la_name, link_note, ingested_at";

fn letter_from(row: &AnyRow) -> Result<StoredLetter, StoreError> {
    Ok(StoredLetter {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        format: row.try_get("format")?,
        kind: row.try_get("kind")?,
        title: row.try_get("title")?,
        letter_date: date(row.try_get("letter_date")?)?,
        visit_from: date(row.try_get("visit_from")?)?,
        visit_to: date(row.try_get("visit_to")?)?,
        urn: row.try_get::<Option<i64>, _>("urn")?.map(Urn),
        la_name: row.try_get("la_name")?,
        link_note: row.try_get("link_note")?,
        ingested_at: row.try_get("ingested_at")?,
    })
}

const ACTION_COLUMNS: &str = "letter_id, position, urn, text, status, closed_at, closed_by, close_note";

fn action_from(row: &AnyRow) -> Result<LetterAction, StoreError> {
    let letter_id: String = row.try_get("letter_id")?;
    let position: i64 = row.try_get("position")?;
    Ok(LetterAction {
        id: format!("{letter_id}-{position}"),
        letter_id,
        position,
        urn: row.try_get::<Option<i64>, _>("urn")?.map(Urn),
        text: row.try_get("text")?,
        status: row.try_get("status")?,
        closed_at: row.try_get("closed_at")?,
        closed_by: row.try_get("closed_by")?,
        close_note: row.try_get("close_note")?,
    })
}

/// Postcodes compare without spaces or case ("l18 3hs" is "L18 3HS").
pub fn normalise_postcode(postcode: &str) -> String {
    postcode.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Store {
    /// Stores a letter and its actions in one transaction; the same bytes twice store nothing.
    pub async fn save_letter(&self, letter: &NewLetter) -> Result<LetterOutcome, StoreError> {
        let mut outcomes = self.save_letters(std::slice::from_ref(letter)).await?;
        Ok(outcomes.remove(0))
    }

    /// Stores letters, each with its actions, in one transaction: all of them or none.
    pub async fn save_letters(&self, letters: &[NewLetter]) -> Result<Vec<LetterOutcome>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut outcomes = Vec::with_capacity(letters.len());
        for letter in letters {
            outcomes.push(insert_letter(&mut tx, letter).await?);
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    /// A school's name in the register, for saying what a letter is about.
    pub async fn school_name(&self, urn: Urn) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT name FROM schools WHERE urn = $1").bind(urn.0).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.try_get("name")).transpose()?)
    }

    pub async fn letter(&self, id: &str) -> Result<Option<StoredLetter>, StoreError> {
        sqlx::query(&format!("SELECT {LETTER_COLUMNS} FROM letters WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(letter_from)
            .transpose()
    }

    /// The parsed record and full text of a letter.
    pub async fn letter_record(&self, id: &str) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query("SELECT record, body FROM letters WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("record")?, r.try_get("body")?))).transpose()
    }

    pub async fn letters_for_school(&self, urn: Urn) -> Result<Vec<StoredLetter>, StoreError> {
        sqlx::query(&format!("SELECT {LETTER_COLUMNS} FROM letters WHERE urn = $1 ORDER BY letter_date DESC, id"))
            .bind(urn.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(letter_from)
            .collect()
    }

    pub async fn letters_for_la(&self, la_name: &str) -> Result<Vec<StoredLetter>, StoreError> {
        sqlx::query(&format!("SELECT {LETTER_COLUMNS} FROM letters WHERE la_name = $1 ORDER BY letter_date DESC, id"))
            .bind(la_name)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(letter_from)
            .collect()
    }

    /// Every letter with its text, to rebuild the search index from.
    pub async fn letters_with_text(&self) -> Result<Vec<(StoredLetter, String)>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {LETTER_COLUMNS}, body FROM letters ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((letter_from(r)?, r.try_get("body")?))).collect()
    }

    pub async fn letter_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM letters").fetch_one(&self.pool).await?.try_get(0)?)
    }

    pub async fn actions_for_letter(&self, letter_id: &str) -> Result<Vec<LetterAction>, StoreError> {
        sqlx::query(&format!("SELECT {ACTION_COLUMNS} FROM letter_actions WHERE letter_id = $1 ORDER BY position"))
            .bind(letter_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(action_from)
            .collect()
    }

    pub async fn actions_for_school(&self, urn: Urn) -> Result<Vec<LetterAction>, StoreError> {
        sqlx::query(&format!(
            "SELECT {ACTION_COLUMNS} FROM letter_actions WHERE urn = $1 ORDER BY status DESC, letter_id, position"
        ))
        .bind(urn.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(action_from)
        .collect()
    }

    /// The school a letter's action is about, if the letter was linked to one.
    pub async fn letter_action_urn(&self, action_id: &str) -> Result<Option<Urn>, StoreError> {
        let Some((letter_id, position)) = split_action_id(action_id) else { return Ok(None) };
        let row = sqlx::query("SELECT urn FROM letter_actions WHERE letter_id = $1 AND position = $2")
            .bind(letter_id)
            .bind(position)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get::<Option<i64>, _>("urn")).transpose()?.flatten().map(Urn))
    }

    /// Closes an open action; `Ok(false)` when there is no such open action.
    pub async fn close_action(&self, action_id: &str, by: &str, note: &str) -> Result<bool, StoreError> {
        let Some((letter_id, position)) = split_action_id(action_id) else {
            return Ok(false);
        };
        schoolsight_domain::casework::check_text("note", note)?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE letter_actions SET status = 'closed', closed_at = $1, closed_by = $2, close_note = $3 \
             WHERE letter_id = $4 AND position = $5 AND status = 'open'",
        )
        .bind(now())
        .bind(by)
        .bind(note)
        .bind(letter_id)
        .bind(position)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        crate::auth::audit(&mut tx, by, "close", "letter_action", action_id, &serde_json::json!({ "note": note })).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Finds the school a letter names: by postcode first (then name among those sharing it),
    /// else by name and town. More than one candidate is reported, never guessed between.
    pub async fn link_school(&self, name: &str, town: Option<&str>, postcode: Option<&str>) -> Result<SchoolLink, StoreError> {
        let wanted = simplify(name);
        if let Some(code) = postcode.map(normalise_postcode).filter(|c| !c.is_empty()) {
            let rows = sqlx::query("SELECT urn, name FROM schools WHERE REPLACE(UPPER(postcode), ' ', '') = $1")
                .bind(&code)
                .fetch_all(&self.pool)
                .await?;
            let at_postcode: Vec<&AnyRow> = rows.iter().collect();
            let named: Vec<&AnyRow> =
                at_postcode.iter().copied().filter(|r| r.try_get::<String, _>("name").is_ok_and(|n| simplify(&n) == wanted)).collect();
            match (named.as_slice(), at_postcode.as_slice()) {
                ([one], _) => return Ok(SchoolLink::Linked { urn: Urn(one.try_get("urn")?), by: "name and postcode".into() }),
                ([], [one]) => return Ok(SchoolLink::Linked { urn: Urn(one.try_get("urn")?), by: "postcode".into() }),
                _ => {}
            }
        }
        let rows = sqlx::query("SELECT urn, name, town, status FROM schools WHERE LOWER(name) = LOWER($1)")
            .bind(name.trim())
            .fetch_all(&self.pool)
            .await?;
        let in_town: Vec<&AnyRow> = rows
            .iter()
            .filter(|r| match town {
                Some(t) => r.try_get::<Option<String>, _>("town").ok().flatten().is_some_and(|rt| rt.eq_ignore_ascii_case(t.trim())),
                None => true,
            })
            .collect();
        let open: Vec<&AnyRow> = in_town.iter().copied().filter(|r| r.try_get::<String, _>("status").is_ok_and(|s| s == "open")).collect();
        let pick = if open.len() == 1 { &open } else { &in_town };
        match pick.as_slice() {
            [] => Ok(SchoolLink::NotFound),
            [one] => Ok(SchoolLink::Linked { urn: Urn(one.try_get("urn")?), by: if town.is_some() { "name and town" } else { "name" }.into() }),
            many => Ok(SchoolLink::Ambiguous {
                candidates: many.iter().map(|r| r.try_get::<i64, _>("urn").map(Urn)).collect::<Result<_, _>>()?,
            }),
        }
    }
}

async fn insert_letter(tx: &mut sqlx::Transaction<'static, sqlx::Any>, letter: &NewLetter) -> Result<LetterOutcome, StoreError> {
    let id = letter.id();
    let exists = sqlx::query("SELECT id FROM letters WHERE sha256 = $1").bind(&letter.sha256).fetch_optional(&mut **tx).await?;
    if exists.is_some() {
        return Ok(LetterOutcome::AlreadyStored { id });
    }
    sqlx::query(
        "INSERT INTO letters (id, sha256, name, format, kind, title, letter_date, visit_from, visit_to, \
         urn, la_name, link_note, body, record, ingested_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&id)
    .bind(&letter.sha256)
    .bind(&letter.name)
    .bind(&letter.format)
    .bind(&letter.kind)
    .bind(&letter.title)
    .bind(iso(letter.letter_date))
    .bind(iso(letter.visit.map(|v| v.0)))
    .bind(iso(letter.visit.map(|v| v.1)))
    .bind(letter.urn.map(|u| u.0))
    .bind(letter.la_name.clone())
    .bind(&letter.link_note)
    .bind(&letter.body)
    .bind(&letter.record_json)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    for (position, text) in letter.actions.iter().enumerate() {
        sqlx::query("INSERT INTO letter_actions (letter_id, position, urn, text, status) VALUES ($1, $2, $3, $4, 'open')")
            .bind(&id)
            .bind(position as i64 + 1)
            .bind(letter.urn.map(|u| u.0))
            .bind(text)
            .execute(&mut **tx)
            .await?;
    }
    Ok(LetterOutcome::Stored { id, actions: letter.actions.len() })
}

/// `<letter id>-<position>` split into its parts.
pub(crate) fn split_action_id(action_id: &str) -> Option<(&str, i64)> {
    action_id.rsplit_once('-').and_then(|(l, p)| Some((l, p.parse::<i64>().ok()?)))
}

/// Names compare on letters and digits only, any case ("St Mary's C.E." is "st marys ce").
fn simplify(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric() || c.is_whitespace()).collect::<String>().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_and_names_compare_loosely() {
        assert_eq!(normalise_postcode(" l18 3hs "), "L18 3HS".replace(' ', ""));
        assert_eq!(simplify("St Mary's  C.E. School"), "st marys ce school");
        assert_eq!(letter_id("3f2a9c0d1b7e99aa"), "3f2a9c0d1b7e");
    }
}

//! The search index as a copy of the database's letters: rebuilt from the database whenever the
//! two disagree, so a letter stored by any process (the CLI, another server on the same
//! PostgreSQL database) is found by every server's search.

use schoolsight_search::{IndexedLetter, SearchIndex};
use schoolsight_store::{Store, StoredLetter};

use crate::AppError;

/// What a letter is about, as search shows it: its LA, or its school's name (its URN when the
/// register lacks the school).
async fn about(store: &Store, letter: &StoredLetter) -> Result<Option<String>, AppError> {
    if let Some(la) = &letter.la_name {
        return Ok(Some(la.clone()));
    }
    let Some(urn) = letter.urn else { return Ok(None) };
    Ok(Some(store.school_name(urn).await?.unwrap_or_else(|| format!("URN {urn}"))))
}

/// A stored letter as the index holds it.
pub async fn indexed(store: &Store, letter: &StoredLetter, body: String) -> Result<IndexedLetter, AppError> {
    Ok(IndexedLetter {
        id: letter.id.clone(),
        title: letter.title.clone(),
        kind: letter.kind.clone(),
        date: letter.letter_date.map(|d| d.to_string()),
        about: about(store, letter).await?,
        body,
    })
}

/// Rebuilds the index from the database when they disagree on how many letters there are (a
/// new database, a restored backup, an index folder deleted, letters stored by another process),
/// or when it was built an older way. Returns whether it rebuilt.
pub async fn sync_index(store: &Store, index: &SearchIndex) -> Result<bool, AppError> {
    index.refresh()?;
    // An index built an older way (a URN where the school's name now goes) is rebuilt too.
    if index.len() == store.letter_count().await? as u64 && !index.outdated() {
        return Ok(false);
    }
    let mut letters = Vec::new();
    for (letter, body) in store.letters_with_text().await? {
        letters.push(indexed(store, &letter, body).await?);
    }
    index.replace_all(&letters)?;
    Ok(true)
}

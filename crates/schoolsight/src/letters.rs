//! Letters end to end: read and parse each document, link it to its school or LA in the
//! register, store it with its actions, and keep the search index in step with the database.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
pub use schoolsight_letters::kind_key;
use schoolsight_letters::{Document, Fingerprint, HeldDocuments, Letter, ListItem, not_a_letter, read_document};
use schoolsight_search::SearchIndex;
use schoolsight_store::{LetterOutcome, NewLetter, SchoolLink, Store, letter_id};

/// The files named, and the letter files in folders named (recursively), in name order.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside = Vec::new();
            for entry in std::fs::read_dir(path).with_context(|| format!("reading folder {}", path.display()))? {
                inside.push(entry?.path());
            }
            inside.sort();
            let (folders, plain): (Vec<PathBuf>, Vec<PathBuf>) = inside.into_iter().partition(|p| p.is_dir());
            files.extend(plain.into_iter().filter(|p| is_letter_file(p)));
            files.extend(expand(&folders)?);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn is_letter_file(path: &Path) -> bool {
    let name = path.to_string_lossy().to_lowercase();
    [".md", ".markdown", ".txt", ".pdf"].iter().any(|ext| name.ends_with(ext))
}

/// An action's text with its sub-points, as one line a person can tick off.
fn action_text(item: &ListItem) -> String {
    if item.children.is_empty() {
        return item.text.clone();
    }
    let parts: Vec<String> = item.children.iter().map(action_text).collect();
    format!("{} {}", item.text, parts.join("; "))
}

/// Where in the register the letter belongs, and a note of how that was decided.
async fn link(store: &Store, letter: &Letter) -> Result<(Option<schoolsight_domain::Urn>, Option<String>, String)> {
    if let Some(school) = &letter.school {
        let found = store.link_school(&school.name, school.town.as_deref(), school.postcode.as_deref()).await?;
        return Ok(match found {
            SchoolLink::Linked { urn, by } => (Some(urn), None, format!("school found by {by}")),
            SchoolLink::Ambiguous { candidates } => {
                let urns: Vec<String> = candidates.iter().map(ToString::to_string).collect();
                (None, None, format!("'{}' matches several schools: URNs {}", school.name, urns.join(", ")))
            }
            SchoolLink::NotFound => (None, None, format!("no school '{}' in the register", school.name)),
        });
    }
    if let Some(la) = &letter.la_name {
        return Ok(match store.resolve_la(la).await {
            Ok(name) => (None, Some(name.clone()), format!("local authority {name}")),
            Err(e) => (None, None, e.to_string()),
        });
    }
    Ok((None, None, "names no school or local authority".to_string()))
}

/// "already held in another format" for a PDF and its text; "already held" for the same words
/// in two files of one format.
fn held_how(name: &str, holder: &str) -> &'static str {
    let extension = |n: &str| Path::new(n).extension().map(|e| e.to_string_lossy().to_lowercase());
    if extension(name) == extension(holder) { "already held" } else { "already held in another format" }
}

fn file_name(path: &str) -> String {
    Path::new(path).file_name().map_or(path.to_string(), |n| n.to_string_lossy().into_owned())
}

async fn new_letter(store: &Store, document: &Document, letter: &Letter) -> Result<NewLetter> {
    let (urn, la_name, link_note) = link(store, letter).await?;
    let name = file_name(&document.name);
    Ok(NewLetter {
        sha256: document.sha256.clone(),
        name: name.clone(),
        format: format!("{:?}", document.format).to_lowercase(),
        kind: kind_key(&letter.kind).to_string(),
        title: letter.title.clone().unwrap_or(name),
        letter_date: letter.letter_date,
        visit: letter.visit_dates.as_ref().map(|v| (v.from, v.to)),
        urn,
        la_name,
        link_note,
        body: document.text.clone(),
        record_json: serde_json::to_string(letter)?,
        actions: letter.further_actions.iter().map(action_text).collect(),
    })
}

/// What one ingest run did.
#[derive(Debug, Default)]
pub struct IngestReport {
    pub stored: usize,
    pub already: usize,
    /// Documents held already in another format (a report's PDF and its text): each with the
    /// file that holds it.
    pub other_format: Vec<String>,
    /// Files that are not letters (a folder's README.md), each with the reason.
    pub skipped: Vec<String>,
    pub refused: Vec<String>,
}

/// The documents already held, by their words, with the name each was stored under.
async fn held_documents(store: &Store) -> Result<HeldDocuments> {
    let mut held = HeldDocuments::default();
    for (letter, body) in store.letters_with_text().await? {
        held.add(letter.name, &Fingerprint::of(&body));
    }
    Ok(held)
}

/// Reads, parses and links each file, then stores them all in one transaction; a file that
/// cannot be read is refused with its reason and the rest carry on, a file that is not a letter
/// is skipped with its reason, and a document held already in another format (the same report
/// as PDF and as text) is stored once. The search index is updated once, at the end.
pub async fn ingest(store: &Store, index: &SearchIndex, files: &[PathBuf], progress: &dyn Fn(u64)) -> Result<IngestReport> {
    let mut report = IngestReport::default();
    let mut ready = Vec::with_capacity(files.len());
    let mut held = held_documents(store).await?;
    for (done, path) in files.iter().enumerate() {
        progress(done as u64);
        let document = match read_document(path) {
            Ok(document) => document,
            Err(e) => {
                report.refused.push(e.to_string());
                continue;
            }
        };
        let name = file_name(&document.name);
        let letter = schoolsight_letters::parse(&document.text);
        if let Some(reason) = not_a_letter(&name, &letter) {
            report.skipped.push(format!("{name}: not a letter ({reason})"));
            continue;
        }
        let words = Fingerprint::of(&document.text);
        // The same bytes are "already stored" by the store; the same words in another file are
        // the same document in another format.
        if store.letter(&letter_id(&document.sha256)).await?.is_none() {
            if let Some(holder) = held.same_as(&words) {
                report.other_format.push(format!("{name}: {} (the same document as {holder})", held_how(&name, holder)));
                continue;
            }
        }
        held.add(name, &words);
        ready.push(new_letter(store, &document, &letter).await?);
    }
    progress(files.len() as u64);
    for outcome in store.save_letters(&ready).await? {
        match outcome {
            LetterOutcome::Stored { .. } => report.stored += 1,
            LetterOutcome::AlreadyStored { .. } => report.already += 1,
        }
    }
    sync_index(store, index).await?;
    Ok(report)
}

/// Rebuilds the index from the database when they disagree (see `schoolsight_app::letters`).
pub async fn sync_index(store: &Store, index: &SearchIndex) -> Result<()> {
    schoolsight_app::letters::sync_index(store, index).await.context("bringing the search index in step")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_keep_their_sub_points() {
        let item = ListItem {
            text: "raise standards by:".into(),
            children: vec![
                ListItem { text: "improving reading".into(), children: vec![] },
                ListItem { text: "closing gaps".into(), children: vec![] },
            ],
        };
        assert_eq!(action_text(&item), "raise standards by: improving reading; closing gaps");
    }

    #[test]
    fn only_letter_files_are_taken_from_folders() {
        assert!(is_letter_file(Path::new("a/Letter.PDF")));
        assert!(is_letter_file(Path::new("b.md")));
        assert!(!is_letter_file(Path::new("index.csv")));
    }
}

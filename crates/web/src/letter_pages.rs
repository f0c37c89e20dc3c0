//! Letters in the dashboard: a letter's page (its record, link and tracked actions), and the
//! search page that finds schools by name and letters by their words.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use schoolsight_domain::Urn;
use schoolsight_letters::Letter;
use schoolsight_search::{SearchHit, SearchIndex};
use schoolsight_store::{LetterAction, SchoolHit, Store, StoredLetter};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::auth::Viewer;
use crate::pages::render;

/// A stored letter with its parsed record and its actions.
#[derive(Serialize)]
pub struct LetterView {
    pub letter: StoredLetter,
    pub record: Letter,
    pub actions: Vec<LetterAction>,
}

/// A letter as `viewer` may see it: its actions' casework only for those who may read it.
pub async fn load(store: &Store, viewer: &Viewer, id: &str) -> Result<LetterView, AppError> {
    let missing = || AppError::NotFound(format!("no letter {id}"));
    let letter = store.letter(id).await?.ok_or_else(missing)?;
    let (record, _) = store.letter_record(id).await?.ok_or_else(missing)?;
    let record = serde_json::from_str(&record).map_err(|e| AppError::Internal(format!("letter {id}: {e}")))?;
    let actions = store.actions_for_letter(id).await?;
    Ok(LetterView { letter, record, actions: hide_casework(store, viewer, actions).await? })
}

/// Letters' actions with who closed them and their note removed wherever `viewer` may not
/// read the school's casework: a sign-in name and an officer's note are not published data.
pub async fn hide_casework(store: &Store, viewer: &Viewer, mut actions: Vec<LetterAction>) -> Result<Vec<LetterAction>, AppError> {
    let mut reach: HashMap<Option<Urn>, bool> = HashMap::new();
    for action in &mut actions {
        let readable = match reach.get(&action.urn) {
            Some(known) => *known,
            None => {
                let readable = viewer.may_read(store, action.urn).await?;
                reach.insert(action.urn, readable);
                readable
            }
        };
        if !readable {
            action.closed_by = None;
            action.close_note = None;
        }
    }
    Ok(actions)
}

/// A focused-inspection outcome line, in words.
pub struct OutcomeLine {
    pub text: String,
}

#[derive(Template)]
#[template(path = "letter.html")]
pub struct LetterPage {
    pub view: LetterView,
    pub kind: String,
    pub outcomes: Vec<OutcomeLine>,
}

pub async fn letter(State(store): State<Store>, viewer: Viewer, Path(id): Path<String>) -> Response {
    render(async {
        let view = load(&store, &viewer, &id).await?;
        let outcomes = view
            .record
            .focused
            .iter()
            .flat_map(|f| &f.outcomes)
            .map(|o| {
                let moved: Vec<String> = [("improved", o.improved), ("held", o.held), ("declined", o.declined)]
                    .iter()
                    .filter_map(|(w, n)| n.map(|n| format!("{n} {w}")))
                    .collect();
                let category = o.category.map_or(String::new(), |c| format!(" ({})", c.label()));
                OutcomeLine { text: format!("{} {}{category}: {}", o.count, o.judgement.label(), moved.join(", ")) }
            })
            .collect();
        Ok(LetterPage { kind: schoolsight_letters::kind_label(&view.letter.kind).to_string(), view, outcomes })
    }
    .await)
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub query: String,
    pub schools: Vec<SchoolHit>,
    pub letters: Vec<SearchHit>,
}

pub async fn search(State(store): State<Store>, State(index): State<Arc<SearchIndex>>, Query(q): Query<SearchQuery>) -> Response {
    render(async {
        let query = q.q.unwrap_or_default();
        if query.trim().is_empty() {
            return Ok(SearchPage { query, schools: Vec::new(), letters: Vec::new() });
        }
        let schools = store.find_schools(&query, 50).await?;
        let mut letters = crate::search_letters(&store, index, query.clone()).await?;
        // The page names kinds as people do ("School inspection report", not "school_report").
        for hit in &mut letters {
            hit.kind = schoolsight_letters::kind_label(&hit.kind).to_string();
        }
        Ok(SearchPage { query, schools, letters })
    }
    .await)
}

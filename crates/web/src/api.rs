//! The JSON API: the same questions as the CLI's `--json`, under `/api/`.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use schoolsight_domain::analysis::{LaRanking, PhaseGroup};
use std::sync::Arc;

use schoolsight_search::SearchIndex;
use schoolsight_store::Store;
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::letter_pages::hide_casework;
use crate::pages::{RankingQuery, SeriesRow, series_rows, thresholds};
use crate::{AppError, AppState, AtQuery, PeriodQuery, day_or_today, json_error, parse_urn, period};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/status", get(status))
        .route("/las", get(las))
        .route("/las/{name}/profile", get(profile))
        .route("/las/{name}/outcomes", get(outcomes))
        .route("/schools", get(find))
        .route("/schools/{urn}", get(school))
        .route("/schools/{urn}/outcomes", get(school_outcomes))
        .route("/schools/{urn}/letters", get(school_letters))
        .route("/letters/{id}", get(letter))
        .route("/search", get(search))
        .route("/las/{name}/pupil-outcomes", get(la_outcomes))
}

pub(crate) fn reply<T: Serialize>(result: Result<T, AppError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(e) => json_error(e),
    }
}

async fn status(State(store): State<Store>) -> Response {
    reply(store.totals().await.map_err(AppError::from))
}

/// `/api/las`: the ranking on the day, and the yearly series since 2006 of England and every
/// LA (or only `la`), each figure with its coverage.
#[derive(Serialize)]
struct LasAnswer {
    #[serde(flatten)]
    ranking: LaRanking,
    series: Vec<SeriesRow>,
}

async fn las(State(store): State<Store>, Query(q): Query<RankingQuery>) -> Response {
    reply(async {
        let at = day_or_today(q.at.as_deref())?;
        let thresholds = thresholds()?;
        let la = match q.la.as_deref() {
            Some(name) => Some(store.resolve_la(name).await?),
            None => None,
        };
        let series = series_rows(&store.series().await?, la.as_deref(), &thresholds);
        Ok(LasAnswer { ranking: store.ranking(at, PhaseGroup::All, &thresholds).await?, series })
    }
    .await)
}

async fn profile(State(store): State<Store>, Path(name): Path<String>, Query(q): Query<AtQuery>) -> Response {
    reply(async {
        let at = day_or_today(q.at.as_deref())?;
        Ok(store.la_profile(&name, at, &thresholds()?).await?)
    }
    .await)
}

async fn outcomes(State(store): State<Store>, Path(name): Path<String>, Query(q): Query<PeriodQuery>) -> Response {
    reply(async {
        let (from, to) = period(&q)?;
        Ok(store.outcomes(&name, from, to).await?)
    }
    .await)
}

#[derive(Deserialize)]
struct FindQuery {
    q: Option<String>,
}

async fn find(State(store): State<Store>, Query(q): Query<FindQuery>) -> Response {
    reply(async {
        let text = q.q.filter(|t| !t.trim().is_empty()).ok_or_else(|| AppError::BadRequest("q is required".into()))?;
        Ok(store.find_schools(&text, 50).await?)
    }
    .await)
}

async fn school(State(store): State<Store>, Path(urn): Path<String>) -> Response {
    reply(async {
        let urn = parse_urn(&urn)?;
        store
            .school(urn)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no school with URN {urn}")))
    }
    .await)
}

async fn school_outcomes(State(store): State<Store>, Path(urn): Path<String>) -> Response {
    reply(async {
        let urn = parse_urn(&urn)?;
        store.school_outcomes(urn, &thresholds()?).await?.ok_or_else(|| AppError::NotFound(format!("no school with URN {urn}")))
    }
    .await)
}

/// `?year=2013/14` asks for one academic year: each measure's figure, or why there is none.
#[derive(Deserialize)]
struct YearQuery {
    year: Option<String>,
}

async fn la_outcomes(State(store): State<Store>, Path(name): Path<String>, Query(q): Query<YearQuery>) -> Response {
    reply(
        async {
            let year = q
                .year
                .map(|y| {
                    schoolsight_domain::AcademicYear::from_label(&y)
                        .ok_or_else(|| AppError::BadRequest(format!("year '{y}' is not an academic year such as 2018/19")))
                })
                .transpose()?;
            Ok(store.la_outcomes(&name, year, &thresholds()?).await?)
        }
        .await,
    )
}

#[derive(Serialize)]
struct SchoolLetters {
    letters: Vec<schoolsight_store::StoredLetter>,
    actions: Vec<schoolsight_store::LetterAction>,
}

async fn school_letters(State(store): State<Store>, viewer: Viewer, Path(urn): Path<String>) -> Response {
    reply(async {
        let urn = parse_urn(&urn)?;
        // An empty list would say "no letters" of a school that does not exist.
        if store.school_name(urn).await?.is_none() {
            return Err(AppError::NotFound(format!("no school with URN {urn}")));
        }
        let actions = hide_casework(&store, &viewer, store.actions_for_school(urn).await?).await?;
        Ok(SchoolLetters { letters: store.letters_for_school(urn).await?, actions })
    }
    .await)
}

async fn letter(State(store): State<Store>, viewer: Viewer, Path(id): Path<String>) -> Response {
    reply(crate::letter_pages::load(&store, &viewer, &id).await)
}

async fn search(State(store): State<Store>, State(index): State<Arc<SearchIndex>>, Query(q): Query<FindQuery>) -> Response {
    reply(async {
        let text = q.q.filter(|t| !t.trim().is_empty()).ok_or_else(|| AppError::BadRequest("q is required".into()))?;
        let hits = crate::search_letters(&store, index, text).await?;
        Ok(hits.into_iter().map(|hit| ApiHit { kind_label: schoolsight_letters::kind_label(&hit.kind), hit }).collect::<Vec<_>>())
    }
    .await)
}

/// A search hit with its kind's name for people beside the stable key.
#[derive(Serialize)]
struct ApiHit {
    #[serde(flatten)]
    hit: schoolsight_search::SearchHit,
    kind_label: &'static str,
}

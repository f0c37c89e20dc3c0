//! `GET /api/las/{name}/draft-letter?from=&to=&format=md|html|json[&phase=]`: the draft
//! focused-inspection letter (issue 17 point 3) from the shared workflow in
//! `schoolsight_app::draft_letter`. Public and read-only: it shows published data only (no
//! survey responses, which are casework).

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use schoolsight_app::draft_letter::{LetterFormat, draft_letter, parse_phase, render};
use schoolsight_store::Store;
use serde::Deserialize;

use crate::pages::thresholds;
use crate::{AppError, AppState, PeriodQuery, json_error, period};

pub fn routes() -> Router<AppState> {
    Router::new().route("/las/{name}/draft-letter", get(letter))
}

#[derive(Deserialize)]
struct LetterQuery {
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
    phase: Option<String>,
}

async fn letter(State(store): State<Store>, Path(name): Path<String>, Query(q): Query<LetterQuery>) -> Response {
    let result = async {
        let (from, to) = period(&PeriodQuery { from: q.from.clone(), to: q.to.clone() })?;
        let format = LetterFormat::parse(q.format.as_deref().unwrap_or("json")).map_err(AppError::BadRequest)?;
        let phase = q.phase.as_deref().map(parse_phase).transpose().map_err(AppError::BadRequest)?;
        let letter = draft_letter(&store, &name, from, to, phase, &thresholds()?).await?;
        Ok::<_, AppError>((format, letter))
    }
    .await;
    match result {
        Ok((format, letter)) => match render(&letter, format) {
            Some(text) => ([(header::CONTENT_TYPE, format.content_type())], text).into_response(),
            None => axum::Json(letter).into_response(),
        },
        Err(e) => json_error(e),
    }
}

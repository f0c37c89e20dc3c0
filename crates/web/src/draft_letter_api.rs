//! The draft focused-inspection letter (issue 17 points 3 and 4) from the shared workflow in
//! `schoolsight_app::draft_letter`: `GET /api/las/{name}/draft-letter?from=&to=&format=md|html|json[&phase=]`
//! and its page `GET /la/{name}/draft-letter?from=&to=[&phase=]`. Public and read-only: they
//! show published data only (no survey responses, which are casework).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use schoolsight_app::draft_letter::{LetterFormat, draft_letter, parse_phase, render};
use schoolsight_domain::Phase;
use schoolsight_domain::draft_letter::DraftLetter;
use schoolsight_store::Store;
use serde::Deserialize;

use crate::pages::thresholds;
use crate::{AppError, AppState, PeriodQuery, json_error, period};

pub fn routes() -> Router<AppState> {
    Router::new().route("/las/{name}/draft-letter", get(letter))
}

#[derive(Deserialize)]
pub struct LetterQuery {
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
    phase: Option<String>,
}

/// The letter the query asks for. An empty phase (the page's "all phases") means none.
async fn letter_for(store: &Store, name: &str, q: &LetterQuery) -> Result<DraftLetter, AppError> {
    let (from, to) = period(&PeriodQuery { from: q.from.clone(), to: q.to.clone() })?;
    let phase = q.phase.as_deref().filter(|p| !p.is_empty()).map(parse_phase).transpose().map_err(AppError::BadRequest)?;
    Ok(draft_letter(store, name, from, to, phase, &thresholds()?).await?)
}

async fn letter(State(store): State<Store>, Path(name): Path<String>, Query(q): Query<LetterQuery>) -> Response {
    let result = async {
        let format = LetterFormat::parse(q.format.as_deref().unwrap_or("json")).map_err(AppError::BadRequest)?;
        Ok::<_, AppError>((format, letter_for(&store, &name, &q).await?))
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

#[derive(Template)]
#[template(path = "draft_letter.html")]
pub struct DraftLetterPage {
    la_name: String,
    from: NaiveDate,
    to: NaiveDate,
    /// Every phase the form offers, the letter's marked; none marked is all phases.
    phases: Vec<PhaseOption>,
    /// `from=…&to=…[&phase=…]`, for the download links.
    query: String,
    /// The letter as the domain writes it in HTML (escaped there), its body only.
    letter_html: String,
}

pub struct PhaseOption {
    key: &'static str,
    label: &'static str,
    selected: bool,
}

/// `/la/{name}/draft-letter?from=&to=[&phase=]`.
pub async fn page(State(store): State<Store>, Path(name): Path<String>, Query(q): Query<LetterQuery>) -> Response {
    crate::pages::render(
        async {
            let letter = letter_for(&store, &name, &q).await?;
            let document = render(&letter, LetterFormat::Html).unwrap_or_default();
            let phase_param = letter.phase.map_or(String::new(), |p| format!("&phase={}", p.key()));
            let phases = Phase::REPORTED.into_iter().map(|p| PhaseOption { key: p.key(), label: p.label(), selected: letter.phase == Some(p) }).collect();
            Ok(DraftLetterPage {
                query: format!("from={}&to={}{phase_param}", letter.from, letter.to),
                la_name: letter.la_name,
                from: letter.from,
                to: letter.to,
                phases,
                letter_html: body_of(&document).to_string(),
            })
        }
        .await,
    )
}

/// What lies between a document's body tags. `DraftLetter::to_html` writes a whole document,
/// for the download; the page embeds its body in the site's layout. Every text in it is
/// escaped, so the tags found are the renderer's own.
fn body_of(document: &str) -> &str {
    let start = document.find("<body>").map_or(0, |i| i + "<body>".len());
    let end = document.rfind("</body>").unwrap_or(document.len());
    &document[start..end.max(start)]
}

//! The draft letter's workflow (issue 17 point 3): the LA's outcomes for the period and its
//! context as at the period's end, from the store, into `domain::draft_letter`. Shared by
//! `schoolsight report letter` and `GET /api/las/{name}/draft-letter`.

use chrono::NaiveDate;
use schoolsight_domain::analysis::describe_context;
use schoolsight_domain::draft_letter::{DraftLetter, SurveyInput};
use schoolsight_domain::{Phase, Thresholds};
use schoolsight_store::{Store, StoreError};

use crate::AppError;

/// The formats a draft letter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterFormat {
    Markdown,
    Html,
    Json,
}

impl LetterFormat {
    /// "md", "html" or "json"; anything else is refused with the formats named.
    pub fn parse(text: &str) -> Result<LetterFormat, String> {
        match text {
            "md" | "markdown" => Ok(LetterFormat::Markdown),
            "html" => Ok(LetterFormat::Html),
            "json" => Ok(LetterFormat::Json),
            other => Err(format!("format {other:?}: expected md, html or json")),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            LetterFormat::Markdown => "text/markdown; charset=utf-8",
            LetterFormat::Html => "text/html; charset=utf-8",
            LetterFormat::Json => "application/json",
        }
    }
}

/// A reporting phase named as people write it ("primary", "secondary" …), for a letter about
/// one phase as letter 003 is.
pub fn parse_phase(text: &str) -> Result<Phase, String> {
    Phase::REPORTED
        .into_iter()
        .find(|p| p.key() == text || p.label() == text)
        .ok_or_else(|| format!("phase {text:?}: expected nursery, primary, secondary, special or pupil_referral_unit"))
}

/// Builds the draft letter for an LA and a period. No survey round is passed: survey responses
/// are casework, and this letter is served on a public route, so its survey section says the
/// data hold none for it rather than showing them.
pub async fn draft_letter(store: &Store, la: &str, from: NaiveDate, to: NaiveDate, phase: Option<Phase>, thresholds: &Thresholds) -> Result<DraftLetter, AppError> {
    draft_letter_with_survey(store, la, from, to, phase, thresholds, None).await
}

/// The draft letter with a headteacher survey round's coded summary as its survey findings,
/// for the CLI's operator, who holds the whole database. The round must be the LA's own.
pub async fn draft_letter_with_survey(
    store: &Store,
    la: &str,
    from: NaiveDate,
    to: NaiveDate,
    phase: Option<Phase>,
    thresholds: &Thresholds,
    survey_round: Option<&str>,
) -> Result<DraftLetter, AppError> {
    let outcomes = store.outcomes(la, from, to).await?;
    let profile = store.la_profile(la, to, thresholds).await?;
    let survey = match survey_round {
        None => None,
        Some(id) => {
            let (round, questions) = store.survey_summary(id).await?.ok_or_else(|| StoreError::NotFound(format!("no survey round {id}")))?;
            if round.la_name != outcomes.la_name {
                return Err(StoreError::Invalid(format!("survey round {id} is {}'s, not {}'s", round.la_name, outcomes.la_name)).into());
            }
            Some(SurveyInput { round: round.name, opened_on: round.opened_on, questions })
        }
    };
    Ok(DraftLetter::build(&outcomes, phase, describe_context(&profile), survey.as_ref()))
}

/// The letter as text: Markdown or HTML (`None` for JSON, which the caller serialises with
/// its own encoder).
pub fn render(letter: &DraftLetter, format: LetterFormat) -> Option<String> {
    match format {
        LetterFormat::Markdown => Some(letter.to_markdown()),
        LetterFormat::Html => Some(letter.to_html()),
        LetterFormat::Json => None,
    }
}

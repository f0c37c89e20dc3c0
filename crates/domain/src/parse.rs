//! The published vocabularies turned into domain values: dates as the files write them,
//! grades as numbers or words, and establishment types as phases and governance.

use chrono::NaiveDate;
use thiserror::Error;

use crate::judgement::{CategoryOfConcern, Judgement};
use crate::school::{Governance, Phase};

/// Why a cell's text is not a value of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("'{0}' is not a date (expected dd/mm/yyyy, dd-mm-yyyy, yyyy-mm-dd or yyyymmdd)")]
    Date(String),
    #[error("'{0}' is not a judgement (expected 1-4, 9 or a grade name)")]
    Judgement(String),
    #[error("'{0}' is not a category of concern")]
    Category(String),
    #[error("'{0}' is not a whole number")]
    Integer(String),
    #[error("'{0}' is not a number")]
    Number(String),
    #[error("'{0}' is not a report-card grade (expected Exceptional, Strong standard, Expected standard, Needs attention, Urgent improvement, Met or Not met)")]
    ReportCardGrade(String),
}

/// Cells that mean "no value" in the published files.
pub fn is_blank(cell: &str) -> bool {
    matches!(
        cell.trim().to_ascii_uppercase().as_str(),
        "" | "NULL" | "NA" | "N/A" | "#N/A" | "NONE"
    )
}

/// The first year the published data covers: Ofsted's inspection history begins in 2005.
pub const DATA_FROM_YEAR: i32 = 2005;
/// The last year a question may be asked about (the register looks ahead to openings).
pub const DATA_TO_YEAR: i32 = 2100;

/// Why a day a user asks about cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DayError {
    #[error("'{0}' is not a date (expected yyyy-mm-dd or dd/mm/yyyy)")]
    NotADate(String),
    #[error("{0} is out of range (data from {DATA_FROM_YEAR})")]
    TooEarly(NaiveDate),
    #[error("{0} is out of range (dates up to {DATA_TO_YEAR})")]
    TooLate(NaiveDate),
}

/// A calendar day in any of the published files' forms, with no check of its year.
fn calendar_day(text: &str) -> Option<NaiveDate> {
    // Excel exports sometimes append a midnight time to dates.
    let day_part = text.split_whitespace().next().unwrap_or(text);
    const FORMATS: [&str; 4] = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%Y%m%d"];
    FORMATS.iter().find_map(|f| NaiveDate::parse_from_str(day_part, f).ok())
}

/// A day a user asks the published data about (`--at`, `--from`, `?at=`): a real date (else
/// "not a date") within the years the data covers (else "out of range", saying which).
pub fn parse_query_day(text: &str) -> Result<NaiveDate, DayError> {
    let day = calendar_day(text.trim()).ok_or_else(|| DayError::NotADate(text.trim().to_string()))?;
    match chrono::Datelike::year(&day) {
        y if y < DATA_FROM_YEAR => Err(DayError::TooEarly(day)),
        y if y > DATA_TO_YEAR => Err(DayError::TooLate(day)),
        _ => Ok(day),
    }
}

/// A date as any of the published files writes it; blank cells are `None`.
pub fn parse_date(cell: &str) -> Result<Option<NaiveDate>, ParseError> {
    let text = cell.trim();
    if is_blank(text) {
        return Ok(None);
    }
    calendar_day(text)
        .filter(|d| (1900..2100).contains(&chrono::Datelike::year(d)))
        .map(Some)
        .ok_or_else(|| ParseError::Date(text.to_string()))
}

pub fn parse_integer(cell: &str) -> Result<Option<i64>, ParseError> {
    let text = cell.trim();
    if is_blank(text) {
        return Ok(None);
    }
    text.replace(',', "")
        .parse::<i64>()
        .map(Some)
        .map_err(|_| ParseError::Integer(text.to_string()))
}

/// A decimal such as a percentage; a trailing `%` is allowed.
pub fn parse_number(cell: &str) -> Result<Option<f64>, ParseError> {
    let text = cell.trim();
    if is_blank(text) {
        return Ok(None);
    }
    text.trim_end_matches('%')
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| ParseError::Number(text.to_string()))
}

fn normalise(text: &str) -> String {
    text.trim().to_ascii_lowercase().replace(['_', '-'], " ")
}

/// A category-of-concern cell: codes (`SM`, `SWK`, `NTI`) or words.
pub fn parse_category(cell: &str) -> Result<Option<CategoryOfConcern>, ParseError> {
    if is_blank(cell) {
        return Ok(None);
    }
    match normalise(cell).as_str() {
        "sm" | "special measures" => Ok(Some(CategoryOfConcern::SpecialMeasures)),
        "swk" | "sw" | "serious weaknesses" | "serious weakness" => {
            Ok(Some(CategoryOfConcern::SeriousWeaknesses))
        }
        "nti" | "notice to improve" => Ok(Some(CategoryOfConcern::NoticeToImprove)),
        "not applicable" | "does not apply" | "0" => Ok(None),
        _ => Err(ParseError::Category(cell.trim().to_string())),
    }
}

/// An overall-effectiveness cell, with the category-of-concern cell beside it where the file
/// has one. Grades come as numbers (`1`–`4`, `9` for none) or as words; the words "special
/// measures" and "serious weaknesses" stand for an inadequate grade in that category.
pub fn parse_judgement_and_category(
    overall: &str,
    category: Option<&str>,
) -> Result<(Option<Judgement>, Option<CategoryOfConcern>), ParseError> {
    let category = category.map(parse_category).transpose()?.flatten();
    if is_blank(overall) {
        return Ok((None, category));
    }
    let word = normalise(overall);
    let judgement = match word.as_str() {
        "1" | "outstanding" => Some(Judgement::Outstanding),
        "2" | "good" => Some(Judgement::Good),
        "3" | "requires improvement" | "satisfactory" => Some(Judgement::RequiresImprovement),
        "4" | "inadequate" => Some(Judgement::Inadequate),
        "9" | "not judged" | "not applicable" | "does not apply" | "no judgement"
        | "insufficient evidence" => None,
        _ => match parse_category(overall) {
            Ok(Some(words_category)) => {
                return Ok((Some(Judgement::Inadequate), Some(category.unwrap_or(words_category))));
            }
            _ => return Err(ParseError::Judgement(overall.trim().to_string())),
        },
    };
    // A category only ever attaches to an inadequate grade.
    let category = category.filter(|_| judgement == Some(Judgement::Inadequate));
    Ok((judgement, category))
}

/// Governance and phase from GIAS/Ofsted names of establishment type and phase, refined by the
/// statutory age range (which tells infant and junior schools from primaries).
pub fn classify_establishment(
    type_name: &str,
    phase_name: &str,
    ages: (Option<i64>, Option<i64>),
) -> (Governance, Phase) {
    let kind = normalise(type_name);
    let governance = governance_of(&kind);
    let phase = phase_of(&kind, &normalise(phase_name), ages);
    (governance, phase)
}

fn governance_of(kind: &str) -> Governance {
    if kind.contains("converter") {
        Governance::AcademyConverter
    } else if kind.contains("sponsor led") || kind.contains("city technology") {
        Governance::AcademySponsorLed
    } else if kind.contains("free school")
        || kind.contains("university technical")
        || kind.contains("studio school")
    {
        Governance::FreeSchool
    } else if kind.contains("independent") || kind.contains("non maintained") {
        Governance::Independent
    } else if kind.contains("academy") {
        // "Academy" without a route (a few files say only that) is an academy converter by
        // volume: four in five academies converted.
        Governance::AcademyConverter
    } else if [
        "community",
        "foundation",
        "voluntary",
        "pupil referral",
        "local authority nursery",
        "la nursery",
        "maintained",
        "state funded",
    ]
    .iter()
    .any(|k| kind.contains(k))
    {
        Governance::Maintained
    } else {
        Governance::Other
    }
}

fn phase_of(kind: &str, phase: &str, ages: (Option<i64>, Option<i64>)) -> Phase {
    if kind.contains("special") {
        return Phase::Special;
    }
    if kind.contains("pupil referral") || kind.contains("alternative provision") {
        return Phase::PupilReferralUnit;
    }
    if kind.contains("nursery") {
        return Phase::Nursery;
    }
    match phase {
        "nursery" => Phase::Nursery,
        "primary" | "middle deemed primary" => match ages {
            (_, Some(high)) if high <= 7 => Phase::Infant,
            (Some(low), _) if low >= 7 => Phase::Junior,
            _ => Phase::Primary,
        },
        "secondary" | "middle deemed secondary" => Phase::Secondary,
        "all through" => Phase::AllThrough,
        "16 plus" | "post16" | "16 19" => Phase::SixteenPlus,
        "special" => Phase::Special,
        "pupil referral unit" | "alternative provision" => Phase::PupilReferralUnit,
        _ => Phase::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn days_asked_about_are_dates_in_the_data_years() {
        assert_eq!(parse_query_day("2015-01-27"), Ok(d(2015, 1, 27)));
        assert_eq!(parse_query_day("27/01/2015"), Ok(d(2015, 1, 27)));
        // A real date before the data is out of range, not "not a date" (issue 14).
        let early = parse_query_day("1850-01-01").unwrap_err();
        assert_eq!(early, DayError::TooEarly(d(1850, 1, 1)));
        assert_eq!(early.to_string(), "1850-01-01 is out of range (data from 2005)");
        assert_eq!(parse_query_day("2200-01-01").unwrap_err().to_string(), "2200-01-01 is out of range (dates up to 2100)");
        assert_eq!(parse_query_day("31/02/2018"), Err(DayError::NotADate("31/02/2018".into())));
        assert_eq!(parse_query_day("soon").unwrap_err().to_string(), "'soon' is not a date (expected yyyy-mm-dd or dd/mm/yyyy)");
    }

    #[test]
    fn dates_in_every_published_form() {
        assert_eq!(parse_date("24/01/2018"), Ok(Some(d(2018, 1, 24))));
        assert_eq!(parse_date("23-01-2019"), Ok(Some(d(2019, 1, 23))));
        assert_eq!(parse_date("2014-02-04"), Ok(Some(d(2014, 2, 4))));
        assert_eq!(parse_date("20140204"), Ok(Some(d(2014, 2, 4))));
        assert_eq!(parse_date("01/09/2012 00:00"), Ok(Some(d(2012, 9, 1))));
        assert_eq!(parse_date(" NULL "), Ok(None));
        assert_eq!(parse_date(""), Ok(None));
        assert!(parse_date("31/02/2018").is_err());
        assert!(parse_date("soon").is_err());
    }

    #[test]
    fn judgements_as_numbers_or_words() {
        use CategoryOfConcern::*;
        use Judgement::*;
        assert_eq!(parse_judgement_and_category("2", None), Ok((Some(Good), None)));
        assert_eq!(
            parse_judgement_and_category("Requires Improvement", None),
            Ok((Some(RequiresImprovement), None))
        );
        assert_eq!(
            parse_judgement_and_category("Satisfactory", None),
            Ok((Some(RequiresImprovement), None))
        );
        assert_eq!(
            parse_judgement_and_category("4", Some("SM")),
            Ok((Some(Inadequate), Some(SpecialMeasures)))
        );
        assert_eq!(
            parse_judgement_and_category("Serious Weaknesses", Some("")),
            Ok((Some(Inadequate), Some(SeriousWeaknesses)))
        );
        assert_eq!(parse_judgement_and_category("9", None), Ok((None, None)));
        assert_eq!(parse_judgement_and_category("NULL", Some("NULL")), Ok((None, None)));
        // A category beside a good grade is noise, not a second judgement.
        assert_eq!(parse_judgement_and_category("2", Some("SWK")), Ok((Some(Good), None)));
        assert!(parse_judgement_and_category("5", None).is_err());
        assert!(parse_judgement_and_category("Brilliant", None).is_err());
        assert!(parse_judgement_and_category("2", Some("XYZ")).is_err());
    }

    #[test]
    fn establishment_types_map_to_governance_and_phase() {
        let c = |t, p, ages| classify_establishment(t, p, ages);
        assert_eq!(
            c("Community school", "Primary", (Some(4), Some(7))),
            (Governance::Maintained, Phase::Infant)
        );
        assert_eq!(
            c("Voluntary aided school", "Primary", (Some(7), Some(11))),
            (Governance::Maintained, Phase::Junior)
        );
        assert_eq!(
            c("Academy converter", "Secondary", (Some(11), Some(18))),
            (Governance::AcademyConverter, Phase::Secondary)
        );
        assert_eq!(
            c("Academy sponsor led", "Primary", (Some(3), Some(11))),
            (Governance::AcademySponsorLed, Phase::Primary)
        );
        assert_eq!(
            c("Academy special converter", "Not applicable", (None, None)),
            (Governance::AcademyConverter, Phase::Special)
        );
        assert_eq!(
            c("Pupil referral unit", "Not applicable", (None, None)),
            (Governance::Maintained, Phase::PupilReferralUnit)
        );
        assert_eq!(
            c("Free schools", "All-through", (Some(4), Some(18))),
            (Governance::FreeSchool, Phase::AllThrough)
        );
        assert_eq!(
            c("Local authority nursery school", "Nursery", (None, None)),
            (Governance::Maintained, Phase::Nursery)
        );
        assert_eq!(
            c("Other independent school", "Not applicable", (None, None)),
            (Governance::Independent, Phase::Other)
        );
    }
}

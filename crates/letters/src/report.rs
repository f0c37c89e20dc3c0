//! The fields a school inspection report states in its tables: URN, inspection number, the lead
//! inspector, overall effectiveness and the framework's key judgements (in words, or as the
//! grades 1–4 that the 2005–2012 frameworks print beside each judgement), the previous
//! judgement, and a category of concern only where the report's own sentence places the
//! school in one. Each value comes with the line or sentence it was read from.
//!
//! PDF text layers break words apart ("Inspect ion number", "Local Author ity"), so labels are
//! matched with a space allowed inside any word.

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};
use schoolsight_domain::{CategoryOfConcern, Judgement};

use crate::layout::Line;
use crate::model::{JudgementArea, KeyJudgement};
use crate::words::{head, is_person_name, squash_spaces};

/// A value and where it was read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sourced<T> {
    pub value: T,
    pub source: String,
}

/// `label` as a pattern allowing a stray space inside words and any run of spaces between
/// them; `'` matches either apostrophe.
pub(crate) fn loose(label: &str) -> String {
    let mut out = String::new();
    for (i, word) in label.split(' ').enumerate() {
        if i > 0 {
            out.push_str(r"\s+");
        }
        for (j, c) in word.chars().enumerate() {
            if j > 0 {
                out.push_str(" ?");
            }
            match c {
                '\'' => out.push_str("['’]"),
                c if c.is_alphanumeric() => out.push(c),
                c => out.push_str(&regex::escape(&c.to_string())),
            }
        }
    }
    out
}

fn line_pattern(labels: &[&str], value: &str) -> Regex {
    let alternatives: Vec<String> = labels.iter().map(|l| loose(l)).collect();
    RegexBuilder::new(&format!(
        r"^(?:the\s+)?(?:{})\s*:?\s*{value}",
        alternatives.join("|")
    ))
    .case_insensitive(true)
    .build()
    .expect("valid label pattern")
}

/// "Unique reference number (URN): 123456" is the report card's label.
static URN: LazyLock<Regex> = LazyLock::new(|| {
    line_pattern(&["unique reference number (URN)", "unique reference number", "URN"], r"(.*)$")
});

static INSPECTION_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| line_pattern(&["inspection number"], r"(.*)$"));

/// "Reporting inspector  Kay (Kathleen) Charlton", "Lead inspector: Mrs A Name".
static LEAD_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    line_pattern(
        &[
            "lead inspector",
            "reporting inspector",
            "registered inspector",
        ],
        r"(.+)$",
    )
});

/// "Seamus Murphy, lead inspector  Her Majesty's Inspector" in an inspection team.
static LEAD_IN_TEAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^([^,]{3,60}),\s*lead\s+inspector\b").expect("valid lead-in-team pattern")
});

/// The legend of the frameworks that print grades as numbers.
static NUMERIC_LEGEND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b1\s+is\s+outstanding\b").expect("valid legend pattern"));

/// A grade alone: a judgement in words, perhaps followed by its number, or a number alone
/// where the report's legend says what the numbers mean.
static GRADE_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:this inspection:\s*)?(outstanding|good|requires\s+improvement|satisfactory|inadequate|[1-4])(?:\s+[1-4])?\s*$")
        .expect("valid grade pattern")
});

/// The areas, by the labels each framework prints for them.
static AREAS: LazyLock<Vec<(JudgementArea, Regex)>> = LazyLock::new(|| {
    use JudgementArea::*;
    let areas: [(JudgementArea, &[&str]); 11] = [
        (
            CapacityForSustainedImprovement,
            &["school's capacity for sustained improvement"],
        ),
        (
            LeadershipAndManagement,
            &[
                "effectiveness of leadership and management in embedding ambition and driving improvement",
                "effectiveness of leadership and management",
                "leadership and management",
            ],
        ),
        (
            TeachingLearningAndAssessment,
            &[
                "quality of teaching, learning and assessment",
                "quality of teaching",
            ],
        ),
        (QualityOfEducation, &["quality of education"]),
        (
            OutcomesForPupils,
            &[
                "outcomes for pupils",
                "outcomes for individuals and groups of pupils",
                "achievement of pupils",
            ],
        ),
        (BehaviourAndSafety, &["behaviour and safety of pupils"]),
        (
            PersonalDevelopmentBehaviourAndWelfare,
            &["personal development, behaviour and welfare"],
        ),
        (BehaviourAndAttitudes, &["behaviour and attitudes"]),
        (PersonalDevelopment, &["personal development"]),
        (
            EarlyYears,
            &[
                "early years provision",
                "effectiveness of the early years provision",
            ],
        ),
        (
            SixthForm,
            &[
                "sixth form provision",
                "sixth-form provision",
                "16 to 19 study programmes",
            ],
        ),
    ];
    areas
        .into_iter()
        .map(|(area, labels)| (area, line_pattern(labels, r"(.*)$")))
        .collect()
});

static OVERALL: LazyLock<Regex> = LazyLock::new(|| {
    line_pattern(
        &[
            "overall effectiveness: how good is the school?",
            "overall effectiveness",
        ],
        r"(.*)$",
    )
});

static PREVIOUS: LazyLock<Regex> = LazyLock::new(|| {
    line_pattern(
        &[
            "overall effectiveness at previous inspection",
            "previous inspection grade",
            "previous inspection",
        ],
        r"(.*)$",
    )
});

/// The sentence by which a report places a school in a category: "In accordance with section
/// 44(1) of the Education Act 2005, Her Majesty's Chief Inspector is of the opinion that this
/// school requires special measures …". Nowhere else does a report decide one.
static PLACING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)is\s+of\s+the\s+opinion\s+that\s+th(?:is|e)\s+school\s+requires\s+(special\s+measures|significant\s+improvement)")
        .expect("valid placing pattern")
});

static NOTICE_TO_IMPROVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bthe school is therefore given a notice to improve\b")
        .expect("valid notice pattern")
});

/// The school named by a report's running header: "Inspection report: Agincourt House, 9–10
/// March 2011".
static RUNNING_HEADER_SCHOOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^\s*inspection report:\s*([^,\n]{3,120}?),\s*\d{1,2}(?:st|nd|rd|th)?\b")
        .expect("valid header pattern")
});

/// "Local authority  Sandwell", "LEA area: Wigan": the value after a colon or a wide gap, so
/// that a sentence starting "Local authority officers …" is not read as one.
static LOCAL_AUTHORITY: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(&format!(
        r"^(?:{}|{})(?:\s*:\s*|\s{{2,}}|\t\s*)(\S.*)$",
        loose("local authority"),
        loose("LEA area")
    ))
    .case_insensitive(true)
    .build()
    .expect("valid local authority pattern")
});

/// The "Local authority" (or before 2005 "LEA area") a report's table gives.
pub(crate) fn local_authority(lines: &[Line]) -> Option<String> {
    first_capture(lines, &LOCAL_AUTHORITY)
        .map(|found| found.value)
        .or_else(|| {
            labelled(lines, &LOCAL_AUTHORITY_ALONE, |v| Some(v.to_string())).map(|f| f.value)
        })
}

/// The label alone on its line, its value on the next.
static LOCAL_AUTHORITY_ALONE: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(&format!(
        r"^(?:{}|{})\s*:?()$",
        loose("local authority"),
        loose("LEA area")
    ))
    .case_insensitive(true)
    .build()
    .expect("valid local authority pattern")
});

/// "Inspect ion dates  9–10 March 2011", the label broken by a PDF's text layer.
static INSPECTION_DATES: LazyLock<Regex> =
    LazyLock::new(|| line_pattern(&["inspection dates", "inspection date"], r"(\d.*)$"));

pub(crate) fn inspection_dates(lines: &[Line]) -> Option<String> {
    first_capture(lines, &INSPECTION_DATES).map(|found| found.value)
}

fn first_capture(lines: &[Line], pattern: &Regex) -> Option<Sourced<String>> {
    lines.iter().find_map(|line| {
        let caps = pattern.captures(&line.text)?;
        Some(Sourced {
            value: caps.get(1)?.as_str().trim().to_string(),
            source: squash_spaces(&line.text),
        })
    })
}

/// The first value `accept` takes from a line labelled by `label` (a pattern capturing the
/// rest of the line): on the label's line, or on the next line when the label stands alone, as
/// text converters that keep table cells apart leave it ("Unique reference number" / "139305").
fn labelled<T>(
    lines: &[Line],
    label: &Regex,
    accept: impl Fn(&str) -> Option<T>,
) -> Option<Sourced<T>> {
    lines.iter().enumerate().find_map(|(i, line)| {
        let rest = label.captures(&line.text)?.get(1)?.as_str().trim();
        let rest = rest.strip_prefix(':').unwrap_or(rest).trim();
        if !rest.is_empty() {
            return Some(Sourced {
                value: accept(rest)?,
                source: squash_spaces(&line.text),
            });
        }
        let next = lines.get(i + 1)?;
        Some(Sourced {
            value: accept(next.text.trim())?,
            source: squash_spaces(&format!("{} {}", line.text, next.text)),
        })
    })
}

static DIGITS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{5,8})\b").expect("valid digits pattern"));

fn number(value: &str) -> Option<String> {
    DIGITS.captures(value).map(|c| c[1].to_string())
}

pub(crate) fn urn(lines: &[Line]) -> Option<Sourced<String>> {
    labelled(lines, &URN, |v| number(v).filter(|n| n.len() <= 7))
}

pub(crate) fn inspection_number(lines: &[Line]) -> Option<Sourced<String>> {
    labelled(lines, &INSPECTION_NUMBER, number)
}

/// The lead inspector's name, without a title or a name in brackets ("Kay (Kathleen)
/// Charlton" is Kay Charlton).
pub(crate) fn lead_inspector(lines: &[Line]) -> Option<Sourced<String>> {
    let from_label = first_capture(lines, &LEAD_LABEL);
    let from_team = || first_capture(lines, &LEAD_IN_TEAM);
    from_label.into_iter().chain(from_team()).find_map(|found| {
        let name = person(&found.value)?;
        Some(Sourced {
            value: name,
            source: found.source,
        })
    })
}

static BRACKETED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\([^)]*\)").expect("valid bracket pattern"));
static TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:Mr|Mrs|Ms|Miss|Dr|Mx)\.?\s+").expect("valid title pattern"));

fn person(text: &str) -> Option<String> {
    let text = BRACKETED.replace_all(text, "");
    let text = TITLE.replace(text.trim(), "");
    // A role after the name in a wide gap ("Sandy Hayes  Her Majesty's Inspector").
    let name = text.split("  ").next().unwrap_or_default().trim();
    is_person_name(name).then(|| name.to_string())
}

/// A grade in a value cell, numbers read only where the legend gives their meaning.
fn grade(value: &str, numeric: bool) -> Option<Judgement> {
    let caps = GRADE_VALUE.captures(value.trim())?;
    let word = caps.get(1)?.as_str().to_lowercase();
    match word
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .as_str()
    {
        "outstanding" => Some(Judgement::Outstanding),
        "good" => Some(Judgement::Good),
        "requires improvement" | "satisfactory" => Some(Judgement::RequiresImprovement),
        "inadequate" => Some(Judgement::Inadequate),
        "1" if numeric => Some(Judgement::Outstanding),
        "2" if numeric => Some(Judgement::Good),
        "3" if numeric => Some(Judgement::RequiresImprovement),
        "4" if numeric => Some(Judgement::Inadequate),
        _ => None,
    }
}

/// The first line labelled by `pattern` whose value is a grade; a label whose value was
/// pushed onto the next line by a long label ("… driving" / "improvement   2") takes that
/// line's trailing grade.
fn graded(lines: &[Line], pattern: &Regex, numeric: bool) -> Option<Sourced<Judgement>> {
    lines.iter().enumerate().find_map(|(i, line)| {
        let rest = pattern.captures(&line.text)?.get(1)?.as_str();
        if rest.trim().is_empty() {
            let next = lines.get(i + 1)?;
            return Some(Sourced {
                value: grade(&next.text, false)?,
                source: squash_spaces(&format!("{} {}", line.text, next.text)),
            });
        }
        if let Some(judgement) = grade(rest, numeric) {
            return Some(Sourced {
                value: judgement,
                source: squash_spaces(&line.text),
            });
        }
        let next = lines.get(i + 1)?;
        let (words, value) = next.text.trim().rsplit_once("  ")?;
        let short_tail = words.split_whitespace().count() <= 2 && !words.trim().is_empty();
        let judgement =
            grade(value, numeric).filter(|_| short_tail && rest.split_whitespace().count() <= 8)?;
        Some(Sourced {
            value: judgement,
            source: squash_spaces(&format!("{} {}", line.text, next.text)),
        })
    })
}

/// Whether the report prints grades as numbers, by its legend. The legend repeats on every
/// page, so the raw text is searched: cleaning drops it as a running header.
pub(crate) fn uses_numbers(raw: &str) -> bool {
    NUMERIC_LEGEND.is_match(raw)
}

pub(crate) fn overall_effectiveness(lines: &[Line], numeric: bool) -> Option<Sourced<Judgement>> {
    graded(lines, &OVERALL, numeric)
}

pub(crate) fn previous_judgement(lines: &[Line], numeric: bool) -> Option<Sourced<Judgement>> {
    graded(lines, &PREVIOUS, numeric)
}

/// Each area's first graded line.
pub(crate) fn key_judgements(lines: &[Line], numeric: bool) -> Vec<KeyJudgement> {
    AREAS
        .iter()
        .filter_map(|(area, pattern)| {
            let found = graded(lines, pattern, numeric)?;
            Some(KeyJudgement {
                area: *area,
                judgement: found.value,
                source: found.source,
            })
        })
        .collect()
}

/// The category the report's placing sentence gives, with that sentence.
pub(crate) fn category_of_concern(flat: &str) -> Option<Sourced<CategoryOfConcern>> {
    if let Some(m) = NOTICE_TO_IMPROVE.find(flat) {
        return Some(Sourced {
            value: CategoryOfConcern::NoticeToImprove,
            source: sentence(flat, m.start(), m.end()),
        });
    }
    let caps = PLACING.captures(flat)?;
    let whole = caps.get(0)?;
    let value = if caps.get(1)?.as_str().to_lowercase().starts_with("special") {
        CategoryOfConcern::SpecialMeasures
    } else {
        CategoryOfConcern::SeriousWeaknesses
    };
    Some(Sourced {
        value,
        source: sentence(flat, whole.start(), whole.end()),
    })
}

/// The sentence around `start..end`, bounded so long texts stay linear.
fn sentence(text: &str, start: usize, end: usize) -> String {
    let before = &text[..start];
    let from = before
        .rfind(". ")
        .map_or(0, |i| i + 2)
        .max(start.saturating_sub(400));
    let mut from = from;
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let after = head(&text[end..], 600);
    let to = after.find(". ").map_or(end + after.len(), |i| end + i + 1);
    text[from..to].trim().to_string()
}

/// The school a report's running header names.
pub(crate) fn school_from_running_header(raw: &str) -> Option<Sourced<String>> {
    let caps = RUNNING_HEADER_SCHOOL.captures(raw)?;
    let name = squash_spaces(caps.get(1)?.as_str());
    Some(Sourced {
        value: name,
        source: squash_spaces(caps.get(0)?.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::clean_lines;

    #[test]
    fn labels_broken_by_the_pdf_text_layer() {
        let lines = clean_lines(
            "Unique Reference Number   100006\nInspect ion number  354787\nReport ing inspector   Kay (Kathleen) Charlton",
        );
        assert_eq!(urn(&lines).unwrap().value, "100006");
        assert_eq!(inspection_number(&lines).unwrap().value, "354787");
        assert_eq!(lead_inspector(&lines).unwrap().value, "Kay Charlton");
    }

    #[test]
    fn numbers_are_grades_only_under_their_legend() {
        let plain = clean_lines("Overall effectiveness: how good is the school?  2");
        assert_eq!(overall_effectiveness(&plain, false), None);
        let legend = "Inspection grades: 1 is outstanding, 2 is good, 3 is satisfactory, and 4 is inadequate";
        assert!(uses_numbers(legend));
        assert_eq!(
            overall_effectiveness(&plain, true).unwrap().value,
            Judgement::Good
        );
    }

    #[test]
    fn previous_judgement_is_not_overall_effectiveness() {
        let lines = clean_lines(
            "Overall effectiveness at previous inspection   Good\nOverall effectiveness  Requires improvement",
        );
        assert_eq!(
            overall_effectiveness(&lines, false).unwrap().value,
            Judgement::RequiresImprovement
        );
        assert_eq!(
            previous_judgement(&lines, false).unwrap().value,
            Judgement::Good
        );
    }

    /// The headline tables as the 2012 and 2019 frameworks print them (no such report is in
    /// `shared/`: the layouts are the frameworks' own, the values made up).
    #[test]
    fn headline_tables_of_the_2012_and_2019_frameworks() {
        let t2012 = clean_lines(
            "Overall effectiveness  This inspection:  Good  2\nPrevious inspection:  Satisfactory  3\nAchievement of pupils  Good  2\nQuality of teaching  Good  2\nBehaviour and safety of pupils  Outstanding  1\nLeadership and management  Good  2",
        );
        assert_eq!(
            overall_effectiveness(&t2012, false).unwrap().value,
            Judgement::Good
        );
        assert_eq!(
            previous_judgement(&t2012, false).unwrap().value,
            Judgement::RequiresImprovement
        );
        let areas: Vec<(JudgementArea, Judgement)> = key_judgements(&t2012, false)
            .iter()
            .map(|k| (k.area, k.judgement))
            .collect();
        assert_eq!(
            areas,
            [
                (JudgementArea::LeadershipAndManagement, Judgement::Good),
                (
                    JudgementArea::TeachingLearningAndAssessment,
                    Judgement::Good
                ),
                (JudgementArea::OutcomesForPupils, Judgement::Good),
                (JudgementArea::BehaviourAndSafety, Judgement::Outstanding),
            ]
        );
        let t2019 = clean_lines(
            "Overall effectiveness  Requires improvement\nThe quality of education  Requires improvement\nBehaviour and attitudes  Good\nPersonal development  Good\nLeadership and management  Requires improvement\nSixth-form provision  Good\nPrevious inspection grade  Good",
        );
        assert_eq!(
            overall_effectiveness(&t2019, false).unwrap().value,
            Judgement::RequiresImprovement
        );
        assert_eq!(
            previous_judgement(&t2019, false).unwrap().value,
            Judgement::Good
        );
        let areas: Vec<JudgementArea> = key_judgements(&t2019, false)
            .iter()
            .map(|k| k.area)
            .collect();
        assert_eq!(
            areas,
            [
                JudgementArea::LeadershipAndManagement,
                JudgementArea::QualityOfEducation,
                JudgementArea::BehaviourAndAttitudes,
                JudgementArea::PersonalDevelopment,
                JudgementArea::SixthForm,
            ]
        );
    }

    /// Since September 2024 a graded report has no overall effectiveness: none is made up.
    #[test]
    fn no_overall_grade_since_2024() {
        let lines = clean_lines(
            "The quality of education  Good\nBehaviour and attitudes  Outstanding\nLeadership and management  Good",
        );
        assert_eq!(overall_effectiveness(&lines, false), None);
        assert_eq!(key_judgements(&lines, false).len(), 3);
    }
}

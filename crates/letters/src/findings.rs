//! The findings a letter or report states: the monitoring verdict, the lists of actions,
//! improvements and strengths, a report's grades and school, and the dates of the visit.

use std::sync::LazyLock;

use regex::Regex;
use schoolsight_domain::Judgement;

use crate::dates::{DateRange, first_date_range};
use crate::layout::{Block, Line, Part, leading_bullets};
use crate::lists::{ListItem, build_list};
use crate::model::{MonitoringJudgement, MonitoringReason, NamedPlace};
use crate::places::{split_postcode, town_of};
use crate::words::{head, phrase, tail};

static EFFECTIVE_ACTION: LazyLock<Regex> =
    LazyLock::new(|| phrase(r"\b(?:are|is)\s+(not\s+)?taking\s+effective\s+action\b"));

static FURTHER_ACTION_LEAD_IN: LazyLock<Regex> = LazyLock::new(|| phrase(r"further action to:$"));

static AREAS_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    phrase(
        r"^areas for (?:improvement|development)|need to do to improve|what needs to improve|priorities for (?:further )?improvement",
    )
});

static STRENGTHS_HEADING: LazyLock<Regex> = LazyLock::new(|| phrase(r"^strengths$|following strengths"));

static VISIT_CUE: LazyLock<Regex> = LazyLock::new(|| {
    phrase(
        r"\b(?:visit|visited|inspection dates?|during the period|in the period|focused inspection week|were inspected)\b",
    )
});

const SCHOOL_WORDS: &[&str] = &["school", "academy", "college"];

/// The longest a sentence is taken to be: text without full stops still reads in linear time.
const MAX_SENTENCE: usize = 1000;

/// The sentence of `text` around the bytes `start..end`.
fn sentence_around(text: &str, start: usize, end: usize) -> &str {
    let before = tail(&text[..start], MAX_SENTENCE);
    let after = head(&text[end..], MAX_SENTENCE);
    let window_start = start - before.len();
    let from = before.rfind(". ").map_or(window_start, |i| window_start + i + 2);
    let to = after.find(". ").map_or(end + after.len(), |i| end + i + 1);
    text[from..to].trim()
}

/// "Senior leaders and governors are (not) taking effective action …": the verdict and its
/// sentence.
pub(crate) fn monitoring_judgement(blocks: &[Block]) -> Option<MonitoringJudgement> {
    blocks.iter().find_map(|block| {
        let text = block.text();
        let caps = EFFECTIVE_ACTION.captures(text)?;
        let whole = caps.get(0)?;
        Some(MonitoringJudgement {
            effective: caps.get(1).is_none(),
            progress: None,
            text: sentence_around(text, whole.start(), whole.end()).to_string(),
        })
    })
    .or_else(|| blocks.iter().find_map(|block| progress_judgement(block.text())))
}

/// Special measures and serious weaknesses monitoring letters before 2015 judge progress:
/// "The school is making reasonable progress towards the removal of special measures."
static PROGRESS: LazyLock<Regex> = LazyLock::new(|| {
    phrase(r"\b(?:is|are|has|have)\s+(?:made|making)\s+(good|reasonable|satisfactory|inadequate|limited|insufficient)\s+progress\s+(?:towards|in)\b")
});

fn progress_judgement(text: &str) -> Option<MonitoringJudgement> {
    let caps = PROGRESS.captures(text)?;
    let whole = caps.get(0)?;
    let grade = caps.get(1)?.as_str().to_lowercase();
    let sentence = sentence_around(text, whole.start(), whole.end()).to_string();
    Some(MonitoringJudgement {
        effective: matches!(grade.as_str(), "good" | "reasonable" | "satisfactory"),
        progress: Some(format!("{grade} progress")),
        text: sentence,
    })
}

/// A short or ungraded inspection's outcome: "This school continues to be good." and, where
/// evidence suggests a full inspection, "… may not be as strong as …" or "… may be judged
/// outstanding …"; and the judgement it was made since ("… since the school was judged to be
/// good in March 2012").
static CONTINUES: LazyLock<Regex> = LazyLock::new(|| {
    phrase(r"\bcontinues\s+to\s+be\s+(?:an?\s+)?(good|outstanding)\b|\bmay\s+not\s+be\s+as\s+strong\b|\bmay\s+be\s+(?:judged\s+)?outstanding\b")
});

static JUDGED_SINCE: LazyLock<Regex> = LazyLock::new(|| {
    phrase(r"since\s+the\s+(?:school|academy|predecessor school)\s+was\s+judged\s+to\s+be\s+(good|outstanding)\s+in\s+((?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4})")
});

/// The outcome of a short or ungraded inspection as its verdict: the school stays as it was
/// judged, or the inspector thinks a graded inspection would find otherwise.
pub(crate) fn short_inspection_outcome(blocks: &[Block]) -> Option<MonitoringJudgement> {
    blocks.iter().find_map(|block| {
        let text = block.text();
        let caps = CONTINUES.captures(text)?;
        let whole = caps.get(0)?;
        let stays = caps.get(1).map(|m| m.as_str().to_lowercase());
        Some(MonitoringJudgement {
            effective: stays.is_some(),
            progress: Some(match &stays {
                Some(grade) => format!("continues to be {grade}"),
                None => whole.as_str().to_lowercase(),
            }),
            text: sentence_around(text, whole.start(), whole.end()).to_string(),
        })
    })
}

/// The judgement a short or ungraded inspection follows, its month, and the sentence.
pub(crate) fn judged_since(flat: &str) -> Option<crate::report::Sourced<(Judgement, Option<String>)>> {
    let caps = JUDGED_SINCE.captures(flat)?;
    let whole = caps.get(0)?;
    let judgement = if caps.get(1)?.as_str().eq_ignore_ascii_case("good") {
        Judgement::Good
    } else {
        Judgement::Outstanding
    };
    Some(crate::report::Sourced {
        value: (judgement, caps.get(2).map(|m| m.as_str().to_string())),
        source: sentence_around(flat, whole.start(), whole.end()).to_string(),
    })
}

/// "… judged to require improvement following the section 5 inspection in November 2016":
/// the month of the judgement that a monitoring letter's reason names.
static JUDGED_IN: LazyLock<Regex> = LazyLock::new(|| {
    phrase(r"judged\s+to\s+(?:require\s+improvement|have\s+serious\s+weaknesses|require\s+special\s+measures)[^.]{0,80}?\binspection\s+(?:in|on)\s+((?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4})")
});

static REASON_SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
    phrase(r"judged to require improvement|two successive judgements of requires improvement|special measures|serious weaknesses")
});

/// The previous judgement a monitoring letter's reason implies (a school monitored for
/// requiring improvement was last judged so; one in a category, inadequate), with the month
/// where the letter gives it, and the sentence that says so.
pub(crate) fn previous_from_reason(
    flat: &str,
    reason: MonitoringReason,
) -> Option<crate::report::Sourced<(Judgement, Option<String>)>> {
    let judgement = match reason {
        MonitoringReason::RequiresImprovement | MonitoringReason::RequiresImprovementTwice => Judgement::RequiresImprovement,
        MonitoringReason::SpecialMeasures | MonitoringReason::SeriousWeaknesses => Judgement::Inadequate,
        MonitoringReason::Unstated => return None,
    };
    if let Some(caps) = JUDGED_IN.captures(flat) {
        let whole = caps.get(0)?;
        return Some(crate::report::Sourced {
            value: (judgement, caps.get(1).map(|m| m.as_str().to_string())),
            source: sentence_around(flat, whole.start(), whole.end()).to_string(),
        });
    }
    let m = REASON_SENTENCE.find(flat)?;
    Some(crate::report::Sourced {
        value: (judgement, None),
        source: sentence_around(flat, m.start(), m.end()).to_string(),
    })
}

/// The bullets after "The school should take further action to:".
pub(crate) fn further_actions(blocks: &[Block]) -> Vec<ListItem> {
    blocks
        .iter()
        .position(|b| matches!(b, Block::Paragraph(t) if FURTHER_ACTION_LEAD_IN.is_match(t.trim())))
        .map(|at| build_list(&leading_bullets(&blocks[at + 1..])))
        .unwrap_or_default()
}

/// A short inspection's "Next steps for the school": the bullets after "Leaders and those
/// responsible for governance should ensure that:".
static NEXT_STEPS_LEAD_IN: LazyLock<Regex> = LazyLock::new(|| phrase(r"should ensure that:$"));

pub(crate) fn next_steps(blocks: &[Block]) -> Vec<ListItem> {
    blocks
        .iter()
        .position(|b| matches!(b, Block::Paragraph(t) if NEXT_STEPS_LEAD_IN.is_match(t.trim())))
        .map(|at| build_list(&leading_bullets(&blocks[at + 1..])))
        .unwrap_or_default()
}

/// The first list in the first part whose heading matches.
fn list_under(parts: &[Part<'_>], heading: &Regex) -> Vec<ListItem> {
    parts
        .iter()
        .filter(|p| p.heading.is_some_and(|h| heading.is_match(h)))
        .find_map(|p| {
            let first_bullet = p.blocks.iter().position(|b| matches!(b, Block::Bullet { .. }))?;
            Some(build_list(&leading_bullets(&p.blocks[first_bullet..])))
        })
        .unwrap_or_default()
}

pub(crate) fn areas_for_improvement(parts: &[Part<'_>]) -> Vec<ListItem> {
    list_under(parts, &AREAS_HEADING)
}

pub(crate) fn strengths(parts: &[Part<'_>]) -> Vec<ListItem> {
    list_under(parts, &STRENGTHS_HEADING)
}

/// The value of a labelled field: on the label's line after a colon or a wide gap ("Local
/// authority  Sandwell", as PDF tables come out), or on the next line ("Inspection dates" then
/// "9–10 November 2016").
pub(crate) fn labelled_value(lines: &[Line], label: &str) -> Option<String> {
    lines.iter().enumerate().find_map(|(i, line)| {
        let head = line.text.get(..label.len())?;
        let rest = line.text.get(label.len()..)?;
        if !head.eq_ignore_ascii_case(label) {
            return None;
        }
        if rest.trim().is_empty() || rest.trim() == ":" {
            return lines.get(i + 1).map(|next| next.text.clone());
        }
        let separated = rest.starts_with(':') || rest.starts_with("  ") || rest.starts_with('\t');
        separated.then(|| rest.trim_start_matches(':').trim().to_string())
    })
}

fn names_a_school(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower
        .split_whitespace()
        .any(|w| SCHOOL_WORDS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())))
}

/// A school named by an organisation line, with the town and postcode of its address.
pub(crate) fn school_at(name: &str, address: &[String]) -> Option<NamedPlace> {
    names_a_school(name).then(|| NamedPlace {
        name: name.to_string(),
        town: town_of(address),
        postcode: address
            .iter()
            .rev()
            .find_map(|l| split_postcode(l).1)
            .map(str::to_string),
    })
}

/// The school a report opens with: its name, then its address on one line.
pub(crate) fn report_school(lines: &[Line]) -> Option<NamedPlace> {
    let name = lines.first()?;
    let address = lines
        .get(1)
        .map(|l| l.text.clone())
        .filter(|a| split_postcode(a).1.is_some());
    school_at(&name.text, &address.into_iter().collect::<Vec<_>>())
}

/// The dates of the visit: in the title ("… – 17 to 23 January 2013"), a report's "Inspection
/// dates", or the first sentence that speaks of the visit and gives a date.
pub(crate) fn visit_dates(title: Option<&str>, lines: &[Line], blocks: &[Block]) -> Option<DateRange> {
    title
        .and_then(first_date_range)
        .or_else(|| labelled_value(lines, "Inspection dates").and_then(|v| first_date_range(&v)))
        .or_else(|| labelled_value(lines, "Inspection date").and_then(|v| first_date_range(&v)))
        .or_else(|| crate::report::inspection_dates(lines).and_then(|v| first_date_range(&v)))
        .or_else(|| blocks.iter().find_map(|b| dated_visit_sentence(b.text())))
}

fn dated_visit_sentence(text: &str) -> Option<DateRange> {
    VISIT_CUE
        .find_iter(text)
        .find_map(|cue| first_date_range(sentence_around(text, cue.start(), cue.end())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{blocks, clean_lines};

    #[test]
    fn verdicts_of_monitoring_letters() {
        let b = blocks(&clean_lines(
            "Thanks. Senior leaders and governors are taking effective action to tackle the areas. However, pace.",
        ));
        let j = monitoring_judgement(&b).unwrap();
        assert!(j.effective);
        assert_eq!(
            j.text,
            "Senior leaders and governors are taking effective action to tackle the areas."
        );
        let b = blocks(&clean_lines(
            "Leaders and managers are not taking effective action to improve",
        ));
        assert!(!monitoring_judgement(&b).unwrap().effective);
    }

    #[test]
    fn labelled_values_on_the_line_or_the_next() {
        let lines = clean_lines(
            "Local authority  Sandwell\nInspection dates\n\n9–10 November 2016\nLocal authority officers met us.",
        );
        assert_eq!(labelled_value(&lines, "Local authority").as_deref(), Some("Sandwell"));
        assert_eq!(
            labelled_value(&lines, "Inspection dates").as_deref(),
            Some("9–10 November 2016")
        );
        assert_eq!(labelled_value(&lines, "Overall effectiveness"), None);
    }

    #[test]
    fn visit_dates_from_the_visit_sentence() {
        let b = blocks(&clean_lines(
            "Thank you for our meeting on 16 January 2013. Following my visit to your school on 24 January 2018, I write.",
        ));
        let range = visit_dates(None, &[], &b).unwrap();
        assert_eq!(range.from.to_string(), "2018-01-24");
    }

    #[test]
    fn schools_from_address_lines() {
        let address: Vec<String> = ["Harthill Road", "Liverpool", "Merseyside", "L18 3HS"]
            .map(String::from)
            .to_vec();
        let school = school_at("Calderstones School", &address).unwrap();
        assert_eq!(school.town.as_deref(), Some("Liverpool"));
        assert_eq!(school.postcode.as_deref(), Some("L18 3HS"));
        assert_eq!(school_at("Derby City Council", &address), None);
    }
}

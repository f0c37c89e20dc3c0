//! What a focused-inspection letter reports: how many schools were inspected and surveyed, and
//! the outcome list after "Of the … schools inspected …:" ("seven were graded good: five of
//! these schools had maintained the good judgement …; one had improved … and the seventh had
//! declined …"), counted exactly as written and left empty where the letter doesn't say.

use std::sync::LazyLock;

use regex::Regex;
use schoolsight_domain::{CategoryOfConcern, Judgement};

use crate::layout::{Block, leading_bullets};
use crate::model::{FocusedOutcomes, OutcomeCount};
use crate::numbers::numbers_in;
use crate::words::{phrase, squash_spaces};

/// Counts larger than this are years or totals, not schools in a focused week.
const MAX_SCHOOLS: u32 = 999;

/// "Ten schools were inspected" (number before), "We inspected eighteen primary schools" and
/// "Of the eighteen schools inspected" (number after the lead word).
static INSPECTED: LazyLock<[(Regex, Side); 3]> = LazyLock::new(|| {
    [
        (phrase(r"((?:[\w-]+\s+){1,3})schools?\s+were\s+inspected"), Side::Last),
        (phrase(r"\binspected\s+((?:[\w-]+\s+){1,4})schools\b"), Side::First),
        (
            phrase(r"\bof\s+the\s+((?:[\w-]+\s+){1,3})schools\s+inspected"),
            Side::First,
        ),
    ]
});

static SURVEYED: LazyLock<[(Regex, Side); 2]> = LazyLock::new(|| {
    [
        (phrase(r"((?:[\w-]+\s+){1,3})schools?\s+were\s+surveyed"), Side::Last),
        (phrase(r"\bsurveyed\s+((?:[\w-]+\s+){1,4})schools\b"), Side::First),
    ]
});

static OUTCOMES_LEAD_IN: LazyLock<Regex> = LazyLock::new(|| phrase(r"^of\s+the\b.*\binspected\b.*:$"));

static JUDGEMENT: LazyLock<Regex> = LazyLock::new(|| {
    phrase(
        r"\b(outstanding|good|requires?\s+improvement|inadequate|satisfactory|special\s+measures|serious\s+weaknesses)\b",
    )
});

static MOVEMENT: LazyLock<Regex> =
    LazyLock::new(|| phrase(r"\b(improv(?:ed|ing)|maintained|sustained|remained|held|declined)\b"));

/// "All were graded as satisfactory at the previous inspection".
static PREVIOUS_GRADE: LazyLock<Regex> = LazyLock::new(|| {
    phrase(
        r"\b(?:graded|judged)\s+(?:as\s+|to\s+be\s+)?(outstanding|good|requires?\s+improvement|inadequate|satisfactory)\s+at\s+(?:the|their|its)\s+(?:previous|last)\s+inspection",
    )
});

/// Where in the captured words the number sits.
#[derive(Debug, Clone, Copy)]
enum Side {
    First,
    Last,
}

fn count_from(flat: &str, patterns: &[(Regex, Side)]) -> Option<u32> {
    patterns.iter().find_map(|(re, side)| {
        re.captures_iter(flat).find_map(|caps| {
            let words: Vec<&str> = caps.get(1)?.as_str().split_whitespace().collect();
            let mut numbers = numbers_in(&words).into_iter().filter(|n| *n <= MAX_SCHOOLS);
            match side {
                Side::First => numbers.next(),
                Side::Last => numbers.next_back(),
            }
        })
    })
}

/// The focused-inspection figures from the letter's body (flattened) and blocks.
pub(crate) fn focused_outcomes(flat: &str, blocks: &[Block]) -> FocusedOutcomes {
    FocusedOutcomes {
        inspected: count_from(flat, &*INSPECTED),
        surveyed: count_from(flat, &*SURVEYED),
        outcomes: outcome_list(blocks)
            .iter()
            .filter_map(|item| outcome_of(item))
            .collect(),
    }
}

/// The bullets after the paragraph "Of the … schools inspected …:".
fn outcome_list(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .position(|b| matches!(b, Block::Paragraph(t) if OUTCOMES_LEAD_IN.is_match(t.trim())))
        .map(|at| {
            leading_bullets(&blocks[at + 1..])
                .into_iter()
                .map(|(_, text)| text)
                .collect()
        })
        .unwrap_or_default()
}

/// Judgement and category a judgement phrase names ("special measures" is an inadequate grade).
fn judgement_of(phrase: &str) -> Option<(Judgement, Option<CategoryOfConcern>)> {
    let words = squash_spaces(&phrase.to_lowercase()).replace("require improvement", "requires improvement");
    let (judgement, category) = schoolsight_domain::parse_judgement_and_category(&words, None).ok()?;
    Some((judgement?, category))
}

/// The parts of an outcome sentence that each say one thing.
fn clauses(text: &str) -> Vec<&str> {
    static SPLIT: LazyLock<Regex> = LazyLock::new(|| phrase(r"[;:.]\s*|,\s*(?:so|but)\s+|\s+and\s+"));
    SPLIT.split(text).map(str::trim).filter(|c| !c.is_empty()).collect()
}

/// The number of schools a word stands for, where `count` is the schools of the outcome.
fn quantity(word: &str, count: u32) -> Option<u32> {
    const ORDINALS: &[&str] = &[
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "last",
    ];
    let lower = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    match lower.as_str() {
        "both" => Some(2),
        "all" | "each" | "every" => Some(count),
        "none" | "neither" => Some(0),
        w if ORDINALS.contains(&w) => Some(1),
        _ => numbers_in(&[word]).first().copied(),
    }
}

/// The schools a clause's subject stands for: the last quantity word among `words`, or one if
/// they name a single school ("the special school").
fn subject_quantity(words: &[&str], count: u32) -> Option<u32> {
    words
        .iter()
        .rev()
        .find_map(|w| quantity(w, count))
        .or_else(|| words.iter().any(|w| w.eq_ignore_ascii_case("school")).then_some(1))
}

#[derive(Debug, Default)]
struct Movements {
    improved: Option<u32>,
    held: Option<u32>,
    declined: Option<u32>,
}

impl Movements {
    fn add(&mut self, verb: &str, schools: u32) {
        let slot = match verb.to_lowercase().as_str() {
            v if v.starts_with("improv") => &mut self.improved,
            "declined" => &mut self.declined,
            _ => &mut self.held,
        };
        *slot = Some(slot.unwrap_or(0) + schools);
    }

    /// A clause giving the previous grade of all the schools: same grade held, a better one
    /// declined, a worse one improved.
    fn add_from_previous_grade(&mut self, previous: Judgement, now: Judgement, schools: u32) {
        let verb = match previous.grade().cmp(&now.grade()) {
            std::cmp::Ordering::Equal => "held",
            std::cmp::Ordering::Less => "declined",
            std::cmp::Ordering::Greater => "improved",
        };
        self.add(verb, schools);
    }
}

/// One outcome bullet ("six were judged to require improvement: four had declined …").
fn outcome_of(text: &str) -> Option<OutcomeCount> {
    let parts = clauses(text);
    let first = *parts.first()?;
    // The subject opens the sentence: "three schools were …", "the special school …".
    let head: Vec<&str> = first.split_whitespace().take(4).collect();
    let count = head
        .iter()
        .take(3)
        .find_map(|w| quantity(w, 0))
        .or_else(|| head.iter().any(|w| w.eq_ignore_ascii_case("school")).then_some(1))?;
    let (judgement, category) = judgement_of(JUDGEMENT.find(first)?.as_str())?;
    let mut movements = Movements::default();
    for clause in &parts {
        if let Some(verb) = MOVEMENT.find(clause) {
            let before: Vec<&str> = clause[..verb.start()].split_whitespace().collect();
            if let Some(schools) = subject_quantity(&before, count) {
                movements.add(verb.as_str(), schools);
            }
        } else if let Some(previous) = PREVIOUS_GRADE
            .captures(clause)
            .and_then(|c| judgement_of(c.get(1)?.as_str()))
        {
            let before: Vec<&str> = clause.split_whitespace().take(3).collect();
            movements.add_from_previous_grade(previous.0, judgement, subject_quantity(&before, count).unwrap_or(count));
        }
    }
    Some(OutcomeCount {
        judgement,
        category,
        count,
        improved: movements.improved,
        held: movements.held,
        declined: movements.declined,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(
        text: &str,
    ) -> (
        Judgement,
        Option<CategoryOfConcern>,
        u32,
        Option<u32>,
        Option<u32>,
        Option<u32>,
    ) {
        let o = outcome_of(text).unwrap();
        (o.judgement, o.category, o.count, o.improved, o.held, o.declined)
    }

    #[test]
    fn counts_from_outcome_sentences() {
        use Judgement::*;
        assert_eq!(
            outcome(
                "seven were graded good: five of these schools had maintained the good judgement from their previous inspection; one had improved from a previous satisfactory grade and the seventh had declined from outstanding"
            ),
            (Good, None, 7, Some(1), Some(5), Some(1))
        );
        assert_eq!(
            outcome(
                "six were judged to require improvement: four had declined from previous good judgements and two had remained at grade 3, not improving from their previous satisfactory judgements"
            ),
            (RequiresImprovement, None, 6, None, Some(2), Some(4))
        );
        assert_eq!(
            outcome(
                "three schools were judged to require special measures; it is of particular concern that each of these schools had declined from a previous good judgement."
            ),
            (
                Inadequate,
                Some(CategoryOfConcern::SpecialMeasures),
                3,
                None,
                None,
                Some(3)
            )
        );
        assert_eq!(
            outcome(
                "three were judged to require improvement. All were graded as satisfactory at the previous inspection, so none of these schools have improved significantly, including the secondary school"
            ),
            (RequiresImprovement, None, 3, Some(0), Some(3), None)
        );
        assert_eq!(
            outcome("the special school sustained the outstanding judgement awarded at its previous inspection."),
            (Outstanding, None, 1, None, Some(1), None)
        );
        assert_eq!(outcome_of("some text without a count"), None);
    }

    #[test]
    fn inspected_and_surveyed_counts() {
        let flat = "Ten schools were inspected during the week. A further 12 schools were surveyed by telephone.";
        assert_eq!(count_from(flat, &*INSPECTED), Some(10));
        assert_eq!(count_from(flat, &*SURVEYED), Some(12));
        let flat = "There are two hundred and ninety five primary schools. We inspected eighteen primary schools as part of it. We surveyed a further 22 schools by telephone.";
        assert_eq!(count_from(flat, &*INSPECTED), Some(18));
        assert_eq!(count_from(flat, &*SURVEYED), Some(22));
        assert_eq!(count_from("no numbers here", &*SURVEYED), None);
    }
}

//! What kind of document a letter is, decided by phrases and shown by them. Each kind has
//! defining phrases (only that kind of document says them) and corroborating ones. A kind is
//! chosen when a defining phrase and at least one more of its phrases occur and no other kind's
//! defining phrase does; anything weaker or contradictory is `Other`, so that no guess is
//! presented as certain.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{LetterKind, MonitoringReason};
use crate::words::phrase;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Candidate {
    SchoolMonitoring,
    SchoolReport,
    LaArrangements,
    LaFocusedInspections,
}

struct Signal {
    candidate: Candidate,
    defining: bool,
    pattern: Regex,
}

static SIGNALS: LazyLock<Vec<Signal>> = LazyLock::new(|| {
    use Candidate::*;
    [
        (
            SchoolMonitoring,
            true,
            r"monitoring inspection (?:visit )?(?:to|of|at)\b",
        ),
        (
            SchoolMonitoring,
            true,
            r"carried out under section 8 of the Education Act 2005",
        ),
        (SchoolMonitoring, false, r"\byour school\b"),
        (SchoolMonitoring, false, r"\bsection 5 inspection\b"),
        (SchoolMonitoring, false, r"taking effective action"),
        (SchoolMonitoring, false, r"should take further action"),
        (SchoolReport, true, r"^School report\b"),
        (
            SchoolReport,
            true,
            r"carried out under section 5 of the Education Act 2005",
        ),
        (SchoolReport, true, r"Summary of key findings for parents and pupils"),
        (SchoolReport, false, r"\bOverall effectiveness\b"),
        (SchoolReport, false, r"\bInspection dates?\b"),
        (
            SchoolReport,
            false,
            r"What does the school need to do to improve further",
        ),
        (
            LaArrangements,
            true,
            r"inspection of local authority arrangements for supporting school improvement",
        ),
        (LaArrangements, false, r"section 136\s*\(1\)"),
        (
            LaArrangements,
            false,
            r"local authority['’]s arrangements for (?:sustained |supporting )?school improvement",
        ),
        (
            LaFocusedInspections,
            true,
            r"\b(?:LA|local authority)\W+focused inspections?\b",
        ),
        (
            LaFocusedInspections,
            true,
            r"focused inspection (?:week|activity|period)",
        ),
        (
            LaFocusedInspections,
            false,
            r"telephone survey|surveyed by telephone|surveyed a further",
        ),
        (
            LaFocusedInspections,
            false,
            r"schools were inspected|\binspected \w+ (?:\w+ )?schools",
        ),
    ]
    .into_iter()
    .map(|(candidate, defining, text)| Signal {
        candidate,
        defining,
        pattern: phrase(text),
    })
    .collect()
});

/// The phrases that show why a school is monitored, strongest reason first.
static REASONS: LazyLock<Vec<(MonitoringReason, Regex)>> = LazyLock::new(|| {
    use MonitoringReason::*;
    [
        (SpecialMeasures, r"special measures monitoring inspection|removal of special measures|(?:requires|placed in|subject to) special measures"),
        (SeriousWeaknesses, r"serious weaknesses"),
        (RequiresImprovementTwice, r"two successive judgements of requires improvement|(?:also|previously|twice) (?:been )?judged to require improvement|second (?:successive|consecutive) judgement of requires improvement"),
        (RequiresImprovement, r"requires improvement: monitoring inspection|judged to require improvement|judged as requires improvement"),
    ]
    .into_iter()
    .map(|(reason, text)| (reason, phrase(text)))
    .collect()
});

/// Every section 5 report carries its school details table, with the URN. A document that only
/// quotes a report's headings (a catalogue describing reports, say) lacks it, and is not
/// presented as a report.
static REPORT_ANCHOR: LazyLock<Regex> = LazyLock::new(|| phrase(r"\bunique reference number\b"));

/// Kinds named by the act, standards or programme a document is made under, each needing both
/// of its phrases; weighed before the kinds above, whose phrases they may share ("section 8").
static NAMED_KINDS: LazyLock<Vec<(LetterKind, Regex, Regex)>> = LazyLock::new(|| {
    [
        (
            LetterKind::EarlierFramework,
            r"section 10 of the School Inspections Act 1996|section 9 of the Education \(Schools\) Act 1992",
            r"\b(?:registered|reporting) inspector\b|unique reference number|inspection number",
        ),
        (
            LetterKind::IndependentSchool,
            r"independent school standards",
            r"Education and Skills Act 2008|section 162A of the Education Act 2002|DfE registration number",
        ),
        (
            LetterKind::ShortInspection,
            r"^short inspection of\b|(?:this|the)(?: visit)? (?:was|is) the (?:first|second|third) short inspection",
            r"section 8 of the Education Act 2005",
        ),
        (
            LetterKind::UngradedInspection,
            r"(?:this|the)(?: visit)? (?:was|is) the (?:first|second|third) ungraded inspection|\bungraded inspection (?:carried out )?under section 8",
            r"section 8 of the Education Act 2005",
        ),
    ]
    .into_iter()
    .map(|(kind, defining, second)| (kind, phrase(defining), phrase(second)))
    .collect()
});

/// A section 8 inspection that became a full one: its report is a section 5 report.
static DEEMED_SECTION_5: LazyLock<Regex> = LazyLock::new(|| phrase(r"deemed (?:to be )?a section 5 inspection"));

fn named_kind(title: &str, flat: &str) -> Option<(LetterKind, Vec<String>)> {
    if DEEMED_SECTION_5.is_match(flat) {
        return None;
    }
    NAMED_KINDS.iter().find_map(|(kind, defining, second)| {
        let first = defining.find(title).or_else(|| defining.find(flat))?;
        let other = second.find(flat)?;
        Some((*kind, vec![first.as_str().to_string(), other.as_str().to_string()]))
    })
}

/// The kind of the document whose title and body (flattened to one line) are given, with the
/// phrases that decided it.
pub(crate) fn classify(title: &str, flat: &str) -> (LetterKind, Vec<String>) {
    if let Some(named) = named_kind(title, flat) {
        return named;
    }
    let deemed = DEEMED_SECTION_5.find(flat).map(|m| m.as_str().to_string());
    let found: Vec<(&Signal, &str)> = SIGNALS
        .iter()
        .filter_map(|s| s.pattern.find(flat).map(|m| (s, m.as_str())))
        .filter(|(s, _)| deemed.is_none() || s.candidate != Candidate::SchoolMonitoring)
        .collect();
    let defined: Vec<Candidate> = found
        .iter()
        .filter(|(s, _)| s.defining)
        .map(|(s, _)| s.candidate)
        .collect();
    let Some(&candidate) = defined.first() else {
        return (LetterKind::Other, Vec::new());
    };
    if defined.iter().any(|c| *c != candidate) {
        let conflict = found
            .iter()
            .filter(|(s, _)| s.defining)
            .map(|(_, m)| m.to_string())
            .collect();
        return (LetterKind::Other, conflict);
    }
    let mut evidence: Vec<String> = found
        .iter()
        .filter(|(s, _)| s.candidate == candidate)
        .map(|(_, m)| m.to_string())
        .collect();
    if evidence.len() < 2 {
        return (LetterKind::Other, evidence);
    }
    if candidate == Candidate::SchoolReport {
        match REPORT_ANCHOR.find(flat) {
            Some(m) => evidence.push(m.as_str().to_string()),
            None => return (LetterKind::Other, evidence),
        }
    }
    let kind = match candidate {
        Candidate::SchoolMonitoring => {
            let (reason, phrases) = monitoring_reason(title, flat);
            evidence.extend(phrases);
            LetterKind::SchoolMonitoring { reason }
        }
        Candidate::SchoolReport => LetterKind::SchoolReport,
        Candidate::LaArrangements => LetterKind::LaArrangements,
        Candidate::LaFocusedInspections => LetterKind::LaFocusedInspections,
    };
    (kind, evidence)
}

/// The first phrase for each reason found in `text`.
fn reasons_in(text: &str) -> Vec<(MonitoringReason, String)> {
    REASONS
        .iter()
        .filter_map(|(reason, re)| re.find(text).map(|m| (*reason, m.as_str().to_string())))
        .collect()
}

fn is_requires_improvement(reason: MonitoringReason) -> bool {
    matches!(
        reason,
        MonitoringReason::RequiresImprovement | MonitoringReason::RequiresImprovementTwice
    )
}

/// Why the school is monitored. A reason in the title decides (a school monitored for requiring
/// improvement is so twice if the body says so); otherwise the body must name one reason only.
fn monitoring_reason(title: &str, flat: &str) -> (MonitoringReason, Vec<String>) {
    let in_body = reasons_in(flat);
    let twice = in_body
        .iter()
        .find(|(r, _)| *r == MonitoringReason::RequiresImprovementTwice);
    let decided = match reasons_in(title).into_iter().next() {
        Some((reason, phrase)) if is_requires_improvement(reason) => match twice {
            Some((twice, twice_phrase)) => Some((*twice, vec![phrase, twice_phrase.clone()])),
            None => Some((reason, vec![phrase])),
        },
        Some((reason, phrase)) => Some((reason, vec![phrase])),
        None => single_body_reason(&in_body),
    };
    decided.unwrap_or((MonitoringReason::Unstated, Vec::new()))
}

/// The one reason the body gives; requiring improvement twice and once count as one reason.
fn single_body_reason(found: &[(MonitoringReason, String)]) -> Option<(MonitoringReason, Vec<String>)> {
    let (first, phrase) = found.first()?;
    let all_same = found
        .iter()
        .all(|(r, _)| r == first || (is_requires_improvement(*r) && is_requires_improvement(*first)));
    all_same.then(|| (*first, vec![phrase.clone()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_a_defining_and_a_second_phrase() {
        let (kind, evidence) = classify(
            "",
            "a monitoring inspection of Hill School was carried out under section 8 of the Education Act 2005",
        );
        assert_eq!(
            kind,
            LetterKind::SchoolMonitoring {
                reason: MonitoringReason::Unstated
            }
        );
        assert_eq!(evidence.len(), 2);
        assert_eq!(
            classify("", "the monitoring inspection of Hill School").0,
            LetterKind::Other
        );
        assert_eq!(
            classify("", "your school had a section 5 inspection").0,
            LetterKind::Other
        );
    }

    #[test]
    fn two_kinds_conflict_into_other() {
        let flat = "Derby City LA – focused inspections. The inspection of local authority arrangements for supporting school improvement. A telephone survey.";
        let (kind, evidence) = classify("", flat);
        assert_eq!(kind, LetterKind::Other);
        assert_eq!(evidence.len(), 2);
    }

    #[test]
    fn reasons_from_title_then_body() {
        let title = "Requires improvement: monitoring inspection visit to X School";
        let twice = "the school was also judged to require improvement";
        assert_eq!(
            monitoring_reason(title, twice).0,
            MonitoringReason::RequiresImprovementTwice
        );
        assert_eq!(monitoring_reason(title, "").0, MonitoringReason::RequiresImprovement);
        assert_eq!(
            monitoring_reason("Special measures monitoring inspection of X", twice).0,
            MonitoringReason::SpecialMeasures
        );
        assert_eq!(
            monitoring_reason(
                "",
                "towards the removal of special measures; judged to require improvement"
            )
            .0,
            MonitoringReason::Unstated
        );
        assert_eq!(monitoring_reason("", "nothing").0, MonitoringReason::Unstated);
    }
}

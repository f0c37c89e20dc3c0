//! Each kind of letter's stable key (as stored, searched and sent in JSON) and its name for
//! people (as pages and the terminal show it): "school_report" is never shown to a reader.

use crate::model::LetterKind;

/// Every kind's key and label, in the order a reader meets them.
pub const KINDS: &[(&str, &str)] = &[
    ("school_monitoring", "Monitoring inspection of a school"),
    ("school_report", "School inspection report"),
    ("short_inspection", "Short inspection of a good school"),
    ("ungraded_inspection", "Ungraded inspection of a school"),
    ("earlier_framework", "School inspection report (before 2005)"),
    ("independent_school", "Independent school inspection"),
    ("la_arrangements", "Inspection of LA arrangements for supporting school improvement"),
    ("la_focused_inspections", "LA focused inspections"),
    ("other", "Other document"),
];

/// A kind's stable key.
pub fn kind_key(kind: &LetterKind) -> &'static str {
    match kind {
        LetterKind::SchoolMonitoring { .. } => "school_monitoring",
        LetterKind::SchoolReport => "school_report",
        LetterKind::ShortInspection => "short_inspection",
        LetterKind::UngradedInspection => "ungraded_inspection",
        LetterKind::EarlierFramework => "earlier_framework",
        LetterKind::IndependentSchool => "independent_school",
        LetterKind::LaArrangements => "la_arrangements",
        LetterKind::LaFocusedInspections => "la_focused_inspections",
        LetterKind::Other => "other",
    }
}

/// A stored kind's name for people; an unknown key reads as "Other document".
pub fn kind_label(key: &str) -> &'static str {
    KINDS.iter().find(|(k, _)| *k == key).map_or("Other document", |(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MonitoringReason;

    #[test]
    fn every_kind_has_a_key_and_a_label_for_people() {
        let kinds = [
            LetterKind::SchoolMonitoring { reason: MonitoringReason::Unstated },
            LetterKind::SchoolReport,
            LetterKind::ShortInspection,
            LetterKind::UngradedInspection,
            LetterKind::EarlierFramework,
            LetterKind::IndependentSchool,
            LetterKind::LaArrangements,
            LetterKind::LaFocusedInspections,
            LetterKind::Other,
        ];
        assert_eq!(kinds.len(), KINDS.len());
        for kind in kinds {
            let label = kind_label(kind_key(&kind));
            assert!(!label.contains('_'), "{label}");
            assert!(label.chars().next().unwrap().is_uppercase(), "{label}");
        }
        assert_eq!(kind_label("school_report"), "School inspection report");
        assert_eq!(kind_label("no_such_kind"), "Other document");
    }
}

//! A report card's grades (the renewed framework, from November 2025): each evaluation area
//! graded in words on a five-point scale (exceptional, strong standard, expected standard,
//! needs attention, urgent improvement) and safeguarding as met or not met.
//!
//! A grade is read only from its place in the card's table: a line that is the area's name and
//! its grade ("Inclusion   Strong standard", "Safeguarding standards: Met"), or the area's name
//! alone with the grade alone on the next line, as converters that keep table cells apart leave
//! it. The same words in a sentence ("most pupils reach the expected standard") never set one.

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};
use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade};

use crate::layout::Line;
use crate::model::ReportCardEntry;
use crate::report::loose;
use crate::words::squash_spaces;

/// Each area by the names report cards and Ofsted's management information give it, longest
/// first so "early years (where applicable)" is not read as "early years" and a stray rest.
static AREAS: LazyLock<Vec<(ReportCardArea, Regex)>> = LazyLock::new(|| {
    use ReportCardArea::*;
    let areas: [(ReportCardArea, &[&str]); 9] = [
        (Safeguarding, &["safeguarding standards", "safeguarding"]),
        (Inclusion, &["inclusion"]),
        (CurriculumAndTeaching, &["curriculum and teaching"]),
        (Achievement, &["achievement"]),
        (AttendanceAndBehaviour, &["attendance and behaviour"]),
        (
            PersonalDevelopmentAndWellbeing,
            &[
                "personal development and well-being",
                "personal development and wellbeing",
            ],
        ),
        (
            EarlyYears,
            &["early years (where applicable)", "early years"],
        ),
        (
            Post16,
            &[
                "post-16 provision (where applicable)",
                "post-16 provision",
                "post-16",
            ],
        ),
        (LeadershipAndGovernance, &["leadership and governance"]),
    ];
    areas
        .into_iter()
        .map(|(area, names)| {
            let names: Vec<String> = names.iter().map(|n| loose(n)).collect();
            let pattern = format!(r"^(?:{})(?:\s*[:–-]\s*|\s+|$)(.*)$", names.join("|"));
            let regex = RegexBuilder::new(&pattern)
                .case_insensitive(true)
                .build()
                .expect("valid report-card area pattern");
            (area, regex)
        })
        .collect()
});

/// The grade a cell holds, if the whole cell is one the area can take: met / not met for
/// safeguarding, the five-point scale for every other area.
fn grade(area: ReportCardArea, cell: &str) -> Option<ReportCardGrade> {
    let cell = squash_spaces(cell.trim().trim_end_matches('.'));
    if cell.is_empty() {
        return None;
    }
    let grade = ReportCardGrade::parse(&cell).ok()??;
    let safeguarding = matches!(grade, ReportCardGrade::Met | ReportCardGrade::NotMet);
    (safeguarding == (area == ReportCardArea::Safeguarding)).then_some(grade)
}

/// The report card's areas and grades in the order the card gives them, each area once (its
/// first graded line).
pub(crate) fn report_card(lines: &[Line]) -> Vec<ReportCardEntry> {
    let mut found: Vec<(usize, ReportCardEntry)> = AREAS
        .iter()
        .filter_map(|(area, pattern)| {
            lines.iter().enumerate().find_map(|(i, line)| {
                let rest = pattern.captures(line.text.trim())?.get(1)?.as_str().trim();
                let (grade, source) = if rest.is_empty() {
                    let next = lines.get(i + 1)?;
                    (
                        grade(*area, &next.text)?,
                        format!("{} {}", line.text.trim(), next.text.trim()),
                    )
                } else {
                    (grade(*area, rest)?, line.text.clone())
                };
                let source = squash_spaces(&source);
                Some((
                    i,
                    ReportCardEntry {
                        area: *area,
                        grade,
                        source,
                    },
                ))
            })
        })
        .collect();
    found.sort_by_key(|(i, _)| *i);
    found.into_iter().map(|(_, entry)| entry).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::clean_lines;

    #[test]
    fn grades_only_from_the_table_never_from_a_sentence() {
        let lines = clean_lines(
            "Achievement is an area where pupils reach the expected standard.\n\
             Inclusion   Strong standard\n\
             Safeguarding standards: Met\n\
             Achievement\n\
             Needs attention\n\
             Curriculum and teaching   Met\n\
             Leadership and governance\n\
             Leaders have made changes.",
        );
        let read: Vec<(ReportCardArea, ReportCardGrade)> = report_card(&lines)
            .into_iter()
            .map(|e| (e.area, e.grade))
            .collect();
        // Curriculum and teaching can't be "met", and leadership's next line is prose.
        assert_eq!(
            read,
            vec![
                (ReportCardArea::Inclusion, ReportCardGrade::Strong),
                (ReportCardArea::Safeguarding, ReportCardGrade::Met),
                (ReportCardArea::Achievement, ReportCardGrade::NeedsAttention),
            ]
        );
    }
}

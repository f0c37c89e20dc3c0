//! What is not a letter, and what is a letter already held in another format.
//!
//! A folder of letters often carries a README.md or SOURCE.md describing it, and a report is
//! often kept both as the published PDF and as the text taken from it. Neither should become a
//! second letter: the first is refused with its reason, the second is known by its words.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use crate::model::{Letter, LetterKind};

/// File names that describe a folder rather than hold a letter.
const FOLDER_NOTES: &[&str] = &["readme", "source", "sources", "license", "licence", "changelog", "contributing", "notes", "index"];

/// Why a document is not a letter or report, or `None` when it may be one: a folder's notes by
/// name (README.md, SOURCE.md), or a document in which nothing marks an Ofsted letter or report
/// (no kind, no date, no school or authority, no inspector).
pub fn not_a_letter(file_name: &str, letter: &Letter) -> Option<String> {
    let stem = Path::new(file_name).file_stem().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_default();
    if FOLDER_NOTES.contains(&stem.as_str()) {
        return Some(format!("a folder's notes, {}", stem.to_uppercase()));
    }
    // Text that could not be read (a PDF's private font encoding) is not judged here.
    let unmarked = letter.unreadable.is_none()
        && letter.kind == LetterKind::Other
        && letter.letter_date.is_none()
        && letter.visit_dates.is_none()
        && letter.school.is_none()
        && letter.la_name.is_none()
        && letter.inspectors.is_empty();
    unmarked.then(|| "nothing marks an Ofsted letter or report: no kind, date, school, local authority or inspector".to_string())
}

/// A document's words for comparison across formats: runs of eight words, hashed. A PDF and the
/// text taken from it share nearly all of them, whatever the line breaks, hyphens, bullets and
/// page furniture the conversion changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(HashSet<u64>);

const RUN: usize = 8;
/// The share of runs two formats of one document have in common, at least.
const SAME: f64 = 0.8;
/// Runs a document needs before it is compared at all.
const MIN_RUNS: usize = 50;

impl Fingerprint {
    pub fn of(text: &str) -> Fingerprint {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let runs = words.windows(RUN).map(|run| {
            let mut hasher = DefaultHasher::new();
            run.hash(&mut hasher);
            hasher.finish()
        });
        Fingerprint(runs.collect())
    }

    /// The share of the smaller document's runs found in the other (0 to 1).
    pub fn overlap(&self, other: &Fingerprint) -> f64 {
        let smaller = self.0.len().min(other.0.len());
        if smaller == 0 {
            return 0.0;
        }
        self.0.intersection(&other.0).count() as f64 / smaller as f64
    }

    /// The same document in another format: at least 80% of the smaller one's runs of words
    /// are the other's (a different report by the same author shares far fewer: each report's
    /// findings are its own), and both hold enough words to judge (50 runs).
    pub fn same_document(&self, other: &Fingerprint) -> bool {
        self.0.len().min(other.0.len()) >= MIN_RUNS && self.overlap(other) >= SAME
    }
}

/// The documents held, found by their runs of words: a document is compared only with those
/// that share a run with it, so taking in hundreds of letters stays linear rather than comparing
/// every pair.
#[derive(Debug, Default)]
pub struct HeldDocuments {
    names: Vec<String>,
    sizes: Vec<usize>,
    by_run: HashMap<u64, Vec<usize>>,
}

impl HeldDocuments {
    pub fn add(&mut self, name: String, words: &Fingerprint) {
        let at = self.names.len();
        self.names.push(name);
        self.sizes.push(words.0.len());
        for run in &words.0 {
            self.by_run.entry(*run).or_default().push(at);
        }
    }

    /// The name of a held document that is `words` in another format (`Fingerprint::same_document`).
    pub fn same_as(&self, words: &Fingerprint) -> Option<&str> {
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for run in &words.0 {
            for at in self.by_run.get(run).into_iter().flatten() {
                *shared.entry(*at).or_insert(0) += 1;
            }
        }
        let mut found: Vec<usize> = shared
            .into_iter()
            .filter(|(at, n)| {
                let smaller = self.sizes[*at].min(words.0.len());
                smaller >= MIN_RUNS && *n as f64 / smaller as f64 >= SAME
            })
            .map(|(at, _)| at)
            .collect();
        found.sort();
        found.first().map(|at| self.names[*at].as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Rounds Green Primary School is a good school. Leaders and governors have \
        improved the quality of teaching since the previous inspection. Pupils make strong progress \
        in reading, writing and mathematics. The headteacher has high expectations of staff and \
        pupils. Governors hold leaders to account for the progress of disadvantaged pupils. The \
        school's work to keep pupils safe is effective. Pupils behave well in lessons and around the \
        school. Attendance has improved and is now in line with the national average. Teachers plan \
        lessons that meet the needs of most pupils, although the most able are not always \
        challenged. Children in the early years get off to a good start.";

    #[test]
    fn the_same_words_in_another_layout_are_the_same_document() {
        // As a PDF's text comes out: other line breaks, a hyphenated word, bullets, a page number.
        let converted = REPORT.replace(". ", ".\n\u{f0b7} ").replace("expectations", "expecta-\ntions") + "\nPage 2 of 10";
        let (a, b) = (Fingerprint::of(REPORT), Fingerprint::of(&converted));
        assert!(a.overlap(&b) >= 0.8, "{}", a.overlap(&b));
        assert!(a.same_document(&b));
        let mut held = HeldDocuments::default();
        held.add("103980__5.PDF".into(), &a);
        assert_eq!(held.same_as(&b), Some("103980__5.PDF"));
    }

    #[test]
    fn another_report_is_not_the_same_document() {
        let other = "Woods Bank Academy requires improvement. Leaders have not yet secured good \
            teaching across the school. Pupils' progress in mathematics is too slow in key stage 2. \
            Governors do not check the impact of the pupil premium closely enough. Behaviour in some \
            lessons slows learning. The early years provision is good and children are well cared \
            for. Safeguarding is effective and staff are well trained. Attendance remains below the \
            national average for disadvantaged pupils and those who have special educational needs.";
        assert!(!Fingerprint::of(REPORT).same_document(&Fingerprint::of(other)));
        let mut held = HeldDocuments::default();
        held.add("report.pdf".into(), &Fingerprint::of(REPORT));
        assert_eq!(held.same_as(&Fingerprint::of(other)), None);
        // Too short to judge.
        assert!(!Fingerprint::of("a b c d e f g h i j").same_document(&Fingerprint::of("a b c d e f g h i j")));
    }

    #[test]
    fn a_folders_notes_are_not_letters() {
        let empty = Letter::default();
        assert_eq!(not_a_letter("README.md", &empty).unwrap(), "a folder's notes, README");
        assert_eq!(not_a_letter("a/SOURCE.md", &empty).unwrap(), "a folder's notes, SOURCE");
        assert!(not_a_letter("shopping.txt", &empty).unwrap().starts_with("nothing marks an Ofsted letter or report"));
        let unread = Letter { unreadable: Some("glyph codes".into()), ..Letter::default() };
        assert_eq!(not_a_letter("scan.pdf", &unread), None, "unreadable text is not judged here");
        let dated = Letter { letter_date: chrono::NaiveDate::from_ymd_opt(2018, 2, 7), ..Letter::default() };
        assert_eq!(not_a_letter("000.txt", &dated), None);
    }
}

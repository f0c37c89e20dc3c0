//! Shared by the integration tests: where the real documents are, what each of them says (the
//! labels), and the variants made from them (re-wrapped, paginated, cut, re-encoded, plain).

#![allow(dead_code)] // each test binary uses its own part of this module

use std::path::PathBuf;

use chrono::NaiveDate;
use regex::Regex;
use schoolsight_domain::{CategoryOfConcern, Judgement};
use schoolsight_letters::{Letter, LetterKind, MonitoringReason};

/// `shared/` beside the repository.
pub fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// The seed letter whose file name starts with `prefix` ("000").
pub fn seed_path(prefix: &str) -> PathBuf {
    let dir = shared().join("letters");
    std::fs::read_dir(&dir)
        .expect("shared/letters")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".txt"))
        })
        .unwrap_or_else(|| panic!("no seed {prefix} in {}", dir.display()))
}

pub fn report_path(file: &str) -> PathBuf {
    shared().join("data/ofsted-school-reports-sample").join(file)
}

pub fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// An outcome line as (judgement, category, count, improved, held, declined).
pub type Outcome = (
    Judgement,
    Option<CategoryOfConcern>,
    u32,
    Option<u32>,
    Option<u32>,
    Option<u32>,
);

/// What a labelled document says, field by field; `None` and empty mean "says nothing".
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    pub kind: LetterKind,
    pub letter_date: Option<NaiveDate>,
    pub visit: Option<(NaiveDate, NaiveDate)>,
    /// The school's name for school documents, the authority's for LA letters.
    pub place: Option<String>,
    pub recipient: Option<String>,
    pub inspectors: Vec<String>,
    pub further_actions: Vec<String>,
    pub effective: Option<bool>,
    pub overall: Option<Judgement>,
    /// Inspected and surveyed counts and the outcome lines, as text items.
    pub focused: Vec<String>,
}

/// The same fields as the parser found them.
pub fn found(letter: &Letter) -> Labels {
    let school_document = matches!(
        letter.kind,
        LetterKind::SchoolMonitoring { .. } | LetterKind::SchoolReport
    );
    Labels {
        kind: letter.kind,
        letter_date: letter.letter_date,
        visit: letter.visit_dates.map(|r| (r.from, r.to)),
        place: if school_document {
            letter.school.as_ref().map(|s| s.name.clone())
        } else {
            letter.la_name.clone()
        },
        recipient: letter.recipient.as_ref().map(|r| r.name.clone()),
        inspectors: letter.inspectors.clone(),
        further_actions: letter.further_actions.iter().map(|i| i.text.clone()).collect(),
        effective: letter.monitoring_judgement.as_ref().map(|j| j.effective),
        overall: letter.overall_effectiveness,
        focused: letter
            .focused
            .as_ref()
            .map(|f| {
                let outcomes = f
                    .outcomes
                    .iter()
                    .map(|o| outcome_item(&(o.judgement, o.category, o.count, o.improved, o.held, o.declined)));
                [
                    format!("inspected {:?}", f.inspected),
                    format!("surveyed {:?}", f.surveyed),
                ]
                .into_iter()
                .chain(outcomes)
                .collect()
            })
            .unwrap_or_default(),
    }
}

pub fn outcome_item(o: &Outcome) -> String {
    format!(
        "{:?} {:?} {} improved {:?} held {:?} declined {:?}",
        o.0, o.1, o.2, o.3, o.4, o.5
    )
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

fn focused(inspected: u32, surveyed: u32, outcomes: &[Outcome]) -> Vec<String> {
    [
        format!("inspected {:?}", Some(inspected)),
        format!("surveyed {:?}", Some(surveyed)),
    ]
    .into_iter()
    .chain(outcomes.iter().map(outcome_item))
    .collect()
}

pub const FURTHER_ACTIONS_000: [&str; 3] = [
    "ensure that pupils' learning in mathematics consistently improves",
    "embed the recent development of leadership at all levels throughout the school, including responding to the recent changes in staffing to fully establish the planned, revised senior leadership structure",
    "sharpen the precision of improvement plan targets, to make it easier to identify that the impact of planned actions is as great as possible.",
];

pub const FURTHER_ACTIONS_001: [&str; 4] = [
    "give high-ability pupils and those who have special educational needs (SEN) and/or disabilities the same focus as the disadvantaged pupils",
    "review the manner in which pupils are identified and placed on the SEN register",
    "reduce the proportion of pupils who are disadvantaged or have SEN and/or disabilities who are persistently absent",
    "ensure that the development plan is more precise.",
];

/// The five seed letters, by file prefix, as read by hand.
pub fn seed_labels() -> Vec<(&'static str, Labels)> {
    use Judgement::*;
    let twice = LetterKind::SchoolMonitoring {
        reason: MonitoringReason::RequiresImprovementTwice,
    };
    vec![
        (
            "000",
            Labels {
                kind: twice,
                letter_date: Some(day(2018, 2, 7)),
                visit: Some((day(2018, 1, 24), day(2018, 1, 24))),
                place: Some("Calderstones School".into()),
                recipient: Some("Mr Lee Ratcliffe".into()),
                inspectors: strings(&["David Selby"]),
                further_actions: strings(&FURTHER_ACTIONS_000),
                effective: Some(true),
                overall: None,
                focused: Vec::new(),
            },
        ),
        (
            "001",
            Labels {
                kind: twice,
                letter_date: Some(day(2018, 6, 8)),
                visit: Some((day(2018, 5, 17), day(2018, 5, 17))),
                place: Some("Alsop High School Technology and Applied Learning Specialist College".into()),
                recipient: Some("Mr Joe Mangan".into()),
                inspectors: strings(&["Jonathan Jones"]),
                further_actions: strings(&FURTHER_ACTIONS_001),
                effective: Some(true),
                overall: None,
                focused: Vec::new(),
            },
        ),
        (
            "002",
            Labels {
                kind: LetterKind::LaArrangements,
                letter_date: Some(day(2015, 1, 27)),
                visit: Some((day(2015, 1, 19), day(2015, 1, 23))),
                place: Some("Stoke-on-Trent".into()),
                recipient: Some("Tony Oakman".into()),
                inspectors: strings(&["Charalambos Loizou", "Linda McGill", "Jean Olsson-Law", "Ian McNeilly"]),
                further_actions: Vec::new(),
                effective: None,
                overall: None,
                focused: Vec::new(),
            },
        ),
        (
            "003",
            Labels {
                kind: LetterKind::LaFocusedInspections,
                letter_date: Some(day(2014, 5, 30)),
                visit: Some((day(2014, 3, 11), day(2014, 3, 28))),
                place: Some("Staffordshire".into()),
                recipient: Some("Anna Halliday".into()),
                inspectors: strings(&["Lorna Fitzjohn"]),
                further_actions: Vec::new(),
                effective: None,
                overall: None,
                focused: focused(
                    18,
                    22,
                    &[
                        (Outstanding, None, 2, Some(2), None, None),
                        (Good, None, 7, Some(1), Some(5), Some(1)),
                        (RequiresImprovement, None, 6, None, Some(2), Some(4)),
                        (
                            Inadequate,
                            Some(CategoryOfConcern::SpecialMeasures),
                            3,
                            None,
                            None,
                            Some(3),
                        ),
                    ],
                ),
            },
        ),
        (
            "004",
            Labels {
                kind: LetterKind::LaFocusedInspections,
                letter_date: Some(day(2013, 2, 19)),
                visit: Some((day(2013, 1, 17), day(2013, 1, 23))),
                place: Some("Derby".into()),
                recipient: Some("Mr Andrew Bunyan".into()),
                inspectors: strings(&["Sean Harford"]),
                further_actions: Vec::new(),
                effective: None,
                overall: None,
                focused: focused(
                    10,
                    12,
                    &[
                        (Good, None, 6, Some(4), Some(2), None),
                        // "none of these schools have improved": said, so zero.
                        (RequiresImprovement, None, 3, Some(0), Some(3), None),
                        (Outstanding, None, 1, None, Some(1), None),
                    ],
                ),
            },
        ),
    ]
}

/// The two sample school reports, by file stem, as read by hand. Their further actions are
/// the top-level points of "What does the school need to do to improve further?".
pub fn report_labels() -> Vec<(&'static str, Labels)> {
    let report = |visit, place: &str, inspectors: &[&str], overall, actions: &[&str]| Labels {
        kind: LetterKind::SchoolReport,
        letter_date: None,
        visit: Some(visit),
        place: Some(place.to_string()),
        recipient: None,
        inspectors: strings(inspectors),
        further_actions: strings(actions),
        effective: None,
        overall: Some(overall),
        focused: Vec::new(),
    };
    vec![
        (
            "103980__5",
            report(
                (day(2016, 11, 9), day(2016, 11, 10)),
                "Rounds Green Primary School",
                &["Lorraine Lord", "Khalid Din", "Elizabeth Ellis-Martin"],
                Judgement::Inadequate,
                &[
                    "As a matter of urgency, ensure that all aspects of safeguarding are effective by:",
                    "Improve leadership and management by:",
                    "Improve the quality of teaching by:",
                    "Improve personal development, behaviour and welfare, including pupils’ attendance, by:",
                    "Improve the provision in early years by:",
                ],
            ),
        ),
        (
            "139305__5",
            report(
                (day(2016, 11, 8), day(2016, 11, 9)),
                "Rough Hay Primary School",
                &["Bogusia Matusiak-Varley", "Michael Appleby", "Linda Brown"],
                Judgement::Good,
                &["Further improve the quality of teaching and raise the achievement of pupils by ensuring that:"],
            ),
        ),
    ]
}

/// Twenty children's-services letters and reports spread over the three folders: none is a
/// school-improvement document.
pub fn childrens_services_sample() -> Vec<PathBuf> {
    let root = shared().join("data/ofsted-la-childrens-services-reports-text");
    let index = read(&root.join("index.csv"));
    let files: Vec<PathBuf> = index
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').nth(1))
        .map(|file| root.join(file))
        .collect();
    files.iter().step_by(files.len() / 20).take(20).cloned().collect()
}

// ---- Variants of a letter, as other conversions or editors would have left it ----

/// Every line longer than `width` hard-wrapped at word boundaries. A dash standing alone as a
/// word stays at the end of its line: at the start of one it would make a bullet.
pub fn rewrapped(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut current = String::new();
        for word in line.split(' ') {
            let fits = current.chars().count() + 1 + word.chars().count() <= width;
            let dash = matches!(word, "-" | "–" | "—");
            if !current.is_empty() && !fits && !dash {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out.join("\n")
}

/// Page furniture every fifteen lines (a footer with the page number, a page break, a running
/// header) and doubled blank lines.
pub fn paginated(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let pages = lines.len() / 15 + 1;
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 && i % 15 == 0 {
            let page = i / 15;
            out.push(String::new());
            out.push(format!("Page {page} of {pages}"));
            out.push("www.gov.uk/ofsted".to_string());
            out.push("\u{c}Ofsted letter, published 1 March 2019".to_string());
            out.push(String::new());
        }
        out.push((*line).to_string());
        if line.trim().is_empty() {
            out.push(String::new());
        }
    }
    out.join("\n")
}

/// The text without the section from the line `heading` to the line `next`.
pub fn without_section(text: &str, heading: &str, next: &str) -> String {
    let bare = |line: &str| line.replace(['#', '*'], "").trim().to_string();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| bare(l) == heading)
        .unwrap_or_else(|| panic!("no heading {heading}"));
    let end = lines
        .iter()
        .skip(start + 1)
        .position(|l| bare(l) == next)
        .map(|i| start + 1 + i)
        .unwrap_or_else(|| panic!("no heading {next}"));
    lines[..start]
        .iter()
        .chain(&lines[end..])
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

/// The heading and the one after it to cut from each seed for `without_section`.
pub fn section_to_cut(prefix: &str) -> (&'static str, &'static str) {
    match prefix {
        "000" => ("Context", "Main findings"),
        "001" => ("Evidence", "Context"),
        "002" => ("Evidence", "Summary findings"),
        "003" => ("Survey responses", "Strengths"),
        _ => ("Strengths", "Areas for improvement"),
    }
}

/// The text as Windows-1252 bytes.
pub fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable, "the seed has characters Windows-1252 lacks");
    bytes.into_owned()
}

/// The text as plain text from a word processor: no Markdown, bullets as • and sub-bullets as –.
pub fn plain(text: &str) -> String {
    let link = Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("valid pattern");
    text.lines()
        .map(|raw| {
            let indented = raw.starts_with(' ');
            let line = link.replace_all(raw, "$1").replace("**", "").replace("\\*", "*");
            let line = line.trim_start().trim_start_matches('#').trim_start();
            match line.strip_prefix("- ") {
                Some(rest) if indented => format!("    – {rest}"),
                Some(rest) => format!("• {rest}"),
                None => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub const SEEDS: [&str; 5] = ["000", "001", "002", "003", "004"];

/// A one-page PDF with `content` as its page's content stream.
pub fn pdf(content: &str, resources: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources {resources} >>"),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{object}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for offset in offsets {
        out.push_str(&format!("{offset:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

/// A page resource dictionary with Helvetica as font F1.
pub const HELVETICA: &str = "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>";

//! The labelled corpus (`tests/labels/*.json`): every real school document in `shared/`, split
//! by document into a development half and a test half by the SHA-256 of its id, and the
//! shapes its text takes after copying, retyping and converting. Scores the parser field by
//! field. Used by `tests/accuracy.rs` and `examples/accuracy.rs`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::common::{plain, rewrapped, shared};
use schoolsight_letters::{Letter, LetterKind, MonitoringReason, parse, read_document};

#[derive(Debug, Clone, Deserialize)]
pub struct LabelFile {
    pub id: String,
    pub files: Vec<String>,
    pub labels: Labels,
}

/// What a document says, as read by hand; `None` means it does not say.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Labels {
    pub kind: String,
    pub letter_date: Option<String>,
    pub visit: Option<(String, String)>,
    pub school: Option<String>,
    pub urn: Option<String>,
    pub inspection_number: Option<String>,
    pub la: Option<String>,
    pub recipient: Option<String>,
    pub recipient_role: Option<String>,
    pub lead_inspector: Option<String>,
    pub overall_effectiveness: Option<String>,
    pub previous_judgement: Option<String>,
    pub category_of_concern: Option<String>,
    pub monitoring_verdict: Option<String>,
    pub key_judgements: BTreeMap<String, String>,
    pub actions: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    Development,
    Test,
}

pub fn labels_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/labels")
}

/// Every labelled document, in file-name order.
pub fn label_files() -> Vec<LabelFile> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(labels_dir())
        .expect("tests/labels")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect()
}

fn hash(id: &str) -> String {
    Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Documents sorted by the hash of their id: the first half (rounded up) develops, the rest
/// tests. Adding a document can move others across, so the split is recorded in the README
/// with the figures it produced.
pub fn split(files: &[LabelFile]) -> BTreeMap<String, Half> {
    let mut ids: Vec<&str> = files.iter().map(|f| f.id.as_str()).collect();
    ids.sort_by_key(|id| hash(id));
    let development = ids.len().div_ceil(2);
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            let half = if i < development {
                Half::Development
            } else {
                Half::Test
            };
            ((*id).to_string(), half)
        })
        .collect()
}

/// One text to parse: a document's file, or a variant made from it.
pub struct Sample {
    pub document: String,
    pub name: String,
    pub text: Result<String, String>,
}

/// The seed letters' text as copying, retyping and converting leave it: re-wrapped, plain
/// text, lists retyped as numbered lists, the address block joined into one line, and each
/// list's bullets run together into one paragraph.
pub fn variants(text: &str) -> Vec<(&'static str, String)> {
    vec![
        ("rewrapped", rewrapped(text, 60)),
        ("plain", plain(text)),
        ("numbered", numbered(text)),
        ("address joined", address_joined(text)),
        ("bullets joined", bullets_joined(text)),
    ]
}

fn bullet_text(line: &str) -> Option<&str> {
    let t = line.trim_start();
    ["- ", "* ", "• ", "· "]
        .iter()
        .find_map(|b| t.strip_prefix(b))
}

/// Each top-level bullet list retyped as "1. …", "2. …".
pub fn numbered(text: &str) -> String {
    let mut n = 0;
    text.lines()
        .map(|line| match bullet_text(line) {
            Some(item) if !line.starts_with(' ') => {
                n += 1;
                format!("{n}. {item}")
            }
            _ => {
                if !line.trim().is_empty() {
                    n = 0;
                }
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lines between the date line and the salutation joined into one, as a paste from a PDF
/// leaves an address block.
pub fn address_joined(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(dear) = lines
        .iter()
        .position(|l| l.trim_start().starts_with("Dear "))
    else {
        return text.to_string();
    };
    let Some(date) = lines[..dear].iter().rposition(|l| {
        let t = l.trim();
        t.len() < 20
            && t.split(' ').count() == 3
            && t.chars().next().is_some_and(|c| c.is_ascii_digit())
    }) else {
        return text.to_string();
    };
    let block: Vec<&str> = lines[date + 1..dear]
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let mut out: Vec<String> = lines[..=date].iter().map(|l| (*l).to_string()).collect();
    out.push(String::new());
    out.push(block.join(" "));
    out.push(String::new());
    out.extend(lines[dear..].iter().map(|l| (*l).to_string()));
    out.join("\n")
}

/// Each run of top-level bullets joined into one paragraph, the bullet marks kept as "•".
pub fn bullets_joined(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut Vec<String>| {
        if !run.is_empty() {
            out.push(
                run.iter()
                    .map(|i| format!("• {i}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            run.clear();
        }
    };
    for line in text.lines() {
        match bullet_text(line) {
            Some(item) if !line.starts_with(' ') => run.push(item.trim().to_string()),
            _ if line.trim().is_empty() && !run.is_empty() => {}
            _ => {
                flush(&mut run, &mut out);
                out.push(line.to_string());
            }
        }
    }
    flush(&mut run, &mut out);
    out.join("\n")
}

/// Every text of every labelled document: each file, and for text letters their variants.
pub fn samples(file: &LabelFile) -> Vec<Sample> {
    let mut out = Vec::new();
    for name in &file.files {
        let path: PathBuf = shared().join(name);
        let text = read_document(&path)
            .map(|d| d.text)
            .map_err(|e| e.to_string());
        if let (Ok(t), true) = (&text, name.starts_with("letters/")) {
            for (variant, v) in variants(t) {
                out.push(Sample {
                    document: file.id.clone(),
                    name: format!("{name} ({variant})"),
                    text: Ok(v),
                });
            }
        }
        out.push(Sample {
            document: file.id.clone(),
            name: name.clone(),
            text,
        });
    }
    out
}

pub fn kind_key(kind: LetterKind) -> String {
    let reason = |r: MonitoringReason| match r {
        MonitoringReason::RequiresImprovementTwice => "requires_improvement_twice",
        MonitoringReason::RequiresImprovement => "requires_improvement",
        MonitoringReason::SpecialMeasures => "special_measures",
        MonitoringReason::SeriousWeaknesses => "serious_weaknesses",
        MonitoringReason::Unstated => "unstated",
    };
    match kind {
        LetterKind::SchoolMonitoring { reason: r } => format!("school_monitoring/{}", reason(r)),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v["kind"].as_str().map(str::to_string))
            .unwrap_or_default(),
    }
}

fn snake<T: serde::Serialize>(value: T) -> Option<String> {
    serde_json::to_value(value)
        .ok()?
        .as_str()
        .map(str::to_string)
}

/// The same fields as the parser found them.
pub fn found(letter: &Letter) -> Labels {
    Labels {
        kind: kind_key(letter.kind),
        letter_date: letter.letter_date.map(|d| d.to_string()),
        visit: letter
            .visit_dates
            .map(|r| (r.from.to_string(), r.to.to_string())),
        school: letter.school.as_ref().map(|s| s.name.clone()),
        urn: letter.urn.clone(),
        inspection_number: letter.inspection_number.clone(),
        la: letter.la_name.clone(),
        recipient: letter.recipient.as_ref().map(|r| r.name.clone()),
        recipient_role: letter.recipient.as_ref().and_then(|r| r.role.clone()),
        lead_inspector: letter.lead_inspector.clone(),
        overall_effectiveness: letter.overall_effectiveness.and_then(snake),
        previous_judgement: letter.previous_judgement.and_then(snake),
        category_of_concern: letter.category_of_concern.and_then(snake),
        monitoring_verdict: letter.monitoring_judgement.as_ref().map(|j| {
            if j.effective {
                "effective"
            } else {
                "not_effective"
            }
            .to_string()
        }),
        key_judgements: letter
            .key_judgements
            .iter()
            .filter_map(|k| Some((snake(k.area)?, snake(k.judgement)?)))
            .collect(),
        actions: letter
            .further_actions
            .iter()
            .map(|i| i.text.clone())
            .collect(),
    }
}

/// Lower case, letters and digits only, typographic apostrophes and spacing ignored.
pub fn normal(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Count {
    pub true_positive: u32,
    pub false_positive: u32,
    pub false_negative: u32,
}

impl Count {
    /// One value: right, wrong (a false positive and a false negative), missed or invented.
    fn value(&mut self, expected: Option<&str>, found: Option<&str>) -> bool {
        match (expected.map(normal), found.map(normal)) {
            (Some(e), Some(f)) if e == f => self.true_positive += 1,
            (Some(_), Some(_)) => {
                self.false_positive += 1;
                self.false_negative += 1;
                return false;
            }
            (Some(_), None) => {
                self.false_negative += 1;
                return false;
            }
            (None, Some(_)) => {
                self.false_positive += 1;
                return false;
            }
            (None, None) => {}
        }
        true
    }

    /// Items: a found item is right when it matches an expected one not yet matched.
    fn items(
        &mut self,
        expected: &[String],
        found: &[String],
        same: impl Fn(&str, &str) -> bool,
    ) -> bool {
        let mut unmatched: Vec<&String> = expected.iter().collect();
        let mut exact = true;
        for f in found {
            if let Some(at) = unmatched.iter().position(|e| same(e, f)) {
                unmatched.remove(at);
                self.true_positive += 1;
            } else {
                self.false_positive += 1;
                exact = false;
            }
        }
        self.false_negative += u32::try_from(unmatched.len()).unwrap_or(u32::MAX);
        exact && unmatched.is_empty()
    }

    pub fn precision(self) -> Option<f64> {
        ratio(self.true_positive, self.true_positive + self.false_positive)
    }

    pub fn recall(self) -> Option<f64> {
        ratio(self.true_positive, self.true_positive + self.false_negative)
    }
}

fn ratio(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

pub type Table = BTreeMap<&'static str, Count>;

/// Scores one parse against its labels into `table`; returns the fields that were wrong.
pub fn score(table: &mut Table, l: &Labels, f: &Labels) -> Vec<&'static str> {
    let mut wrong = Vec::new();
    let mut value = |field: &'static str, e: Option<&str>, g: Option<&str>| {
        if !table.entry(field).or_default().value(e, g) {
            wrong.push(field);
        }
    };
    let kind = |k: &str| (k != "other").then(|| k.to_string());
    value("kind", kind(&l.kind).as_deref(), kind(&f.kind).as_deref());
    value(
        "letter_date",
        l.letter_date.as_deref(),
        f.letter_date.as_deref(),
    );
    let visit = |v: &Option<(String, String)>| v.as_ref().map(|(a, b)| format!("{a} {b}"));
    value(
        "visit_dates",
        visit(&l.visit).as_deref(),
        visit(&f.visit).as_deref(),
    );
    value("school", l.school.as_deref(), f.school.as_deref());
    value("urn", l.urn.as_deref(), f.urn.as_deref());
    value(
        "inspection_number",
        l.inspection_number.as_deref(),
        f.inspection_number.as_deref(),
    );
    value("la", l.la.as_deref(), f.la.as_deref());
    value("recipient", l.recipient.as_deref(), f.recipient.as_deref());
    value(
        "recipient_role",
        l.recipient_role.as_deref(),
        f.recipient_role.as_deref(),
    );
    value(
        "lead_inspector",
        l.lead_inspector.as_deref(),
        f.lead_inspector.as_deref(),
    );
    value(
        "overall_effectiveness",
        l.overall_effectiveness.as_deref(),
        f.overall_effectiveness.as_deref(),
    );
    value(
        "previous_judgement",
        l.previous_judgement.as_deref(),
        f.previous_judgement.as_deref(),
    );
    value(
        "category_of_concern",
        l.category_of_concern.as_deref(),
        f.category_of_concern.as_deref(),
    );
    value(
        "monitoring_verdict",
        l.monitoring_verdict.as_deref(),
        f.monitoring_verdict.as_deref(),
    );
    let pairs = |m: &BTreeMap<String, String>| {
        m.iter()
            .map(|(a, j)| format!("{a}={j}"))
            .collect::<Vec<_>>()
    };
    if !table.entry("key_judgements").or_default().items(
        &pairs(&l.key_judgements),
        &pairs(&f.key_judgements),
        |e, f| e == f,
    ) {
        wrong.push("key_judgements");
    }
    if !table
        .entry("actions")
        .or_default()
        .items(&l.actions, &f.actions, |e, f| {
            normal(f).starts_with(&normal(e))
        })
    {
        wrong.push("actions");
    }
    wrong
}

/// A parse of one sample and what it got wrong.
pub struct Outcome {
    pub sample: String,
    pub wrong: Vec<&'static str>,
    pub unreadable: Option<String>,
}

/// Parses every sample of the documents in `half` and scores them.
pub fn measure(half: Option<Half>) -> (Table, Vec<Outcome>, usize) {
    let files = label_files();
    let halves = split(&files);
    let mut table = Table::new();
    let mut outcomes = Vec::new();
    let mut documents = 0;
    for file in files
        .iter()
        .filter(|f| half.is_none_or(|h| halves[&f.id] == h))
    {
        documents += 1;
        for sample in samples(file) {
            let (found, unreadable) = match &sample.text {
                Ok(text) => {
                    let letter = parse(text);
                    (found(&letter), letter.unreadable.clone())
                }
                Err(e) => (
                    Labels {
                        kind: "other".into(),
                        ..Labels::default()
                    },
                    Some(e.clone()),
                ),
            };
            let wrong = score(&mut table, &file.labels, &found);
            outcomes.push(Outcome {
                sample: sample.name,
                wrong,
                unreadable,
            });
        }
    }
    (table, outcomes, documents)
}

/// The table as the README shows it.
pub fn render(table: &Table) -> String {
    let show = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2}"));
    let mut out = String::from(
        "| field | right | wrong or invented | missed | precision | recall |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for (field, c) in table {
        out.push_str(&format!(
            "| {field} | {} | {} | {} | {} | {} |\n",
            c.true_positive,
            c.false_positive,
            c.false_negative,
            show(c.precision()),
            show(c.recall())
        ));
    }
    out
}

pub fn path_of(file: &str) -> PathBuf {
    Path::new(file).to_path_buf()
}

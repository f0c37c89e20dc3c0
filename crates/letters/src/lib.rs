//! Reads Ofsted inspection letters and reports (Markdown, text, PDF) into structured records.
//!
//! [`read_document`] turns a file into text; [`parse`] turns any text into a [`Letter`]: its
//! kind (with the phrases that decided it), dates, addresses, inspectors, findings, lists and
//! sections. Extraction never guesses past what the document says: a field it can't find stays
//! empty, and a document whose kind is unclear is [`LetterKind::Other`].

mod dates;
mod document;
mod error;
mod findings;
mod focused;
mod header;
mod kind;
mod layout;
mod lists;
mod model;
mod numbers;
mod pdf;
mod people;
mod places;
mod readable;
mod recognise;
mod vocabulary;
mod report;
mod report_card;
mod words;

pub use dates::DateRange;
pub use document::{Document, Format, MAX_BYTES, document_from_bytes, read_document};
pub use error::LetterError;
pub use recognise::{Fingerprint, HeldDocuments, not_a_letter};
pub use vocabulary::{KINDS, kind_key, kind_label};
pub use lists::ListItem;
pub use model::{
    FieldSource, FocusedOutcomes, JudgementArea, KeyJudgement, Letter, LetterKind, MonitoringJudgement, MonitoringReason, NamedPlace, OutcomeCount, Recipient,
    ReportCardEntry, Section,
};

use layout::{Block, Line, Part};
use words::squash_spaces;

/// A document read into its layout, ready for the field readers.
struct Reading<'a> {
    header: header::Header,
    title: Option<String>,
    /// The body's lines after the title.
    body: &'a [Line],
    blocks: Vec<Block>,
    /// Title and body on one line, for phrase searches that must survive line breaks.
    flat: String,
}

impl<'a> Reading<'a> {
    fn new(lines: &'a [Line]) -> Reading<'a> {
        let header = header::read_header(lines);
        let body = lines.get(header.body.clone()).unwrap_or_default();
        let (title, title_lines) = layout::split_title(body);
        let body = &body[title_lines..];
        let blocks = layout::blocks(body);
        let texts = title.iter().map(String::as_str).chain(blocks.iter().map(Block::text));
        let flat = squash_spaces(&texts.collect::<Vec<_>>().join(" "));
        Reading {
            header,
            title,
            body,
            blocks,
            flat,
        }
    }

    /// Whether the body mentions `phrase` (in any case).
    fn mentions(&self, phrase: &str) -> bool {
        self.flat.to_lowercase().contains(&phrase.to_lowercase())
    }
}

/// Reads a letter or report from its text. Never panics, whatever the text. Text that is not
/// language (a PDF's custom font encoding, glyph codes) gives a letter with only `unreadable`.
pub fn parse(text: &str) -> Letter {
    if let Some(reason) = readable::unreadable(text) {
        return Letter {
            unreadable: Some(reason),
            ..Letter::default()
        };
    }
    let lines = layout::clean_lines(text);
    let reading = Reading::new(&lines);
    let parts = layout::parts(&reading.blocks);
    let (kind, kind_evidence) = kind::classify(reading.title.as_deref().unwrap_or(""), &reading.flat);
    let recipient = people::recipient_from(&reading.header.recipient_lines, |p| reading.mentions(p));
    let mut letter = Letter {
        kind,
        kind_evidence,
        letter_date: reading.header.letter_date,
        visit_dates: findings::visit_dates(reading.title.as_deref(), reading.body, &reading.blocks),
        sender_office: reading.header.sender_office.clone(),
        salutation: reading.header.salutation.clone(),
        la_name: la_name(&reading, recipient.as_ref()),
        inspectors: inspectors(&reading, &parts),
        areas_for_improvement: findings::areas_for_improvement(&parts),
        strengths: findings::strengths(&parts),
        sections: sections(&parts),
        ..Letter::default()
    };
    match kind {
        LetterKind::SchoolMonitoring { reason } => {
            letter.school = recipient_school(recipient.as_ref());
            letter.monitoring_judgement = findings::monitoring_judgement(&reading.blocks);
            letter.further_actions = findings::further_actions(&reading.blocks);
            monitoring_fields(&mut letter, &reading, reason);
        }
        LetterKind::ShortInspection | LetterKind::UngradedInspection => {
            letter.school = recipient_school(recipient.as_ref());
            letter.further_actions = findings::next_steps(&reading.blocks);
            letter.monitoring_judgement = findings::short_inspection_outcome(&reading.blocks);
            if let Some(j) = &letter.monitoring_judgement {
                letter.sources.push(source("monitoring_judgement", &j.text));
            }
            if let Some(found) = findings::judged_since(&reading.flat) {
                letter.sources.push(source("previous_judgement", &found.source));
                letter.previous_judgement = Some(found.value.0);
                letter.previous_inspection = found.value.1;
            }
            sole_inspector(&mut letter, &reading);
        }
        LetterKind::SchoolReport => {
            report_fields(&mut letter, text, &lines, &reading);
            let numeric = report::uses_numbers(text);
            let grades = report::key_judgements(&lines, numeric);
            if let Some(found) = report::overall_effectiveness(&lines, numeric) {
                letter.sources.push(source("overall_effectiveness", &found.source));
                letter.overall_effectiveness = Some(found.value);
            }
            for k in &grades {
                letter.sources.push(source("key_judgements", &k.source));
            }
            letter.key_judgements = grades;
            // A report card (from November 2025) grades its evaluation areas in words instead.
            letter.report_card = report_card::report_card(&lines);
            for entry in &letter.report_card {
                letter.sources.push(source("report_card", &entry.source));
            }
            if let Some(found) = report::previous_judgement(&lines, numeric) {
                letter.sources.push(source("previous_judgement", &found.source));
                letter.previous_judgement = Some(found.value);
            }
            if let Some(found) = reading.blocks.iter().find_map(|b| report::category_of_concern(b.text())) {
                letter.sources.push(source("category_of_concern", &found.source));
                letter.category_of_concern = Some(found.value);
            }
            // What the school must do to improve is tracked as a monitoring letter's actions are.
            letter.further_actions = letter.areas_for_improvement.clone();
        }
        LetterKind::EarlierFramework | LetterKind::IndependentSchool => {
            report_fields(&mut letter, text, &lines, &reading);
        }
        LetterKind::LaFocusedInspections => {
            letter.focused = Some(focused::focused_outcomes(&reading.flat, &reading.blocks));
        }
        LetterKind::LaArrangements | LetterKind::Other => {}
    }
    letter.title = reading.title;
    letter.recipient = recipient;
    locate_sources(&mut letter, &lines);
    letter
}

/// For the fields read from the header and the opening (dates, school, authority, recipient),
/// the first line that gives the value, where no reader recorded one.
fn locate_sources(letter: &mut Letter, lines: &[Line]) {
    let day = |d: chrono::NaiveDate| d.format("%-d %B %Y").to_string();
    let month = |d: chrono::NaiveDate| d.format("%B %Y").to_string();
    let wanted: Vec<(&str, Vec<String>)> = vec![
        ("letter_date", letter.letter_date.map(day).into_iter().collect()),
        (
            "visit_dates",
            letter.visit_dates.iter().flat_map(|v| [day(v.from), day(v.to), month(v.to)]).collect(),
        ),
        ("school", letter.school.iter().map(|s| s.name.clone()).collect()),
        ("la_name", letter.la_name.iter().cloned().collect()),
        ("recipient", letter.recipient.iter().map(|r| r.name.clone()).collect()),
    ];
    for (field, needles) in wanted {
        if letter.sources.iter().any(|s| s.field == field) {
            continue;
        }
        let found = needles.iter().find_map(|needle| {
            let needle = needle.to_lowercase();
            lines.iter().find(|l| l.text.to_lowercase().contains(&needle))
        });
        if let Some(line) = found {
            letter.sources.push(source(field, &squash_spaces(&line.text)));
        }
    }
}

fn source(field: &str, text: &str) -> FieldSource {
    FieldSource {
        field: field.to_string(),
        text: text.to_string(),
    }
}

/// What any school report's tables give: school, URN, inspection number, lead inspector.
fn report_fields(letter: &mut Letter, raw: &str, lines: &[Line], reading: &Reading<'_>) {
    letter.school = findings::report_school(reading.body).or_else(|| {
        let found = report::school_from_running_header(raw)?;
        letter.sources.push(source("school", &found.source));
        Some(NamedPlace {
            name: found.value,
            town: None,
            postcode: None,
        })
    });
    if let Some(found) = report::urn(lines) {
        letter.sources.push(source("urn", &found.source));
        letter.urn = Some(found.value);
    }
    if let Some(found) = report::inspection_number(lines) {
        letter.sources.push(source("inspection_number", &found.source));
        letter.inspection_number = Some(found.value);
    }
    if let Some(found) = report::lead_inspector(lines) {
        letter.sources.push(source("lead_inspector", &found.source));
        letter.lead_inspector = Some(found.value);
    }
}

/// A monitoring letter's previous judgement follows from why the school is monitored, and the
/// sentence saying so gives its month; its one inspector ("my visit") leads.
fn monitoring_fields(letter: &mut Letter, reading: &Reading<'_>, reason: MonitoringReason) {
    if let Some(found) = findings::previous_from_reason(&reading.flat, reason) {
        letter.sources.push(source("previous_judgement", &found.source));
        letter.previous_judgement = Some(found.value.0);
        letter.previous_inspection = found.value.1;
    }
    if let Some(j) = &letter.monitoring_judgement {
        letter.sources.push(source("monitoring_judgement", &j.text));
    }
    sole_inspector(letter, reading);
}

/// The inspector of a visit the signatory writes of as "my visit".
fn sole_inspector(letter: &mut Letter, reading: &Reading<'_>) {
    if letter.inspectors.len() == 1 && reading.mentions("my visit") {
        letter.lead_inspector = letter.inspectors.first().cloned();
        if let Some(name) = &letter.lead_inspector {
            letter.sources.push(source("lead_inspector", name));
        }
    }
}

fn recipient_school(recipient: Option<&Recipient>) -> Option<NamedPlace> {
    let recipient = recipient?;
    findings::school_at(recipient.organisation.as_deref()?, &recipient.address)
}

/// The authority named by the title, the recipient's council, the copy list of a school
/// letter, or a report's "Local authority" field, in that order: the title names the authority
/// the letter is about, where a council's formal name may join others ("Slough Children First
/// and Slough Borough Council").
fn la_name(reading: &Reading<'_>, recipient: Option<&Recipient>) -> Option<String> {
    reading
        .title
        .as_deref()
        .and_then(places::la_from_title)
        .or_else(|| {
            recipient
                .and_then(|r| r.organisation.as_deref())
                .and_then(places::la_from_council)
        })
        .or_else(|| places::la_from_copy_list(&reading.flat))
        .or_else(|| {
            report::local_authority(reading.body)
                .filter(|v| words::word_count(v) <= 4)
                .and_then(|v| places::place(&v))
        })
}

/// Inspectors named in the body, in a report's inspection team, then the signatory; each once.
fn inspectors(reading: &Reading<'_>, parts: &[Part<'_>]) -> Vec<String> {
    let team = parts
        .iter()
        .filter(|p| p.heading.is_some_and(|h| h.eq_ignore_ascii_case("inspection team")))
        .flat_map(|p| people::inspection_team(&squash_spaces(&layout::render(p.blocks))));
    let mut names: Vec<String> = Vec::new();
    for name in people::named_inspectors(&reading.flat)
        .into_iter()
        .chain(team)
        .chain(people::signatory(&reading.header.signature))
    {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn sections(parts: &[Part<'_>]) -> Vec<Section> {
    parts
        .iter()
        .filter_map(|p| {
            Some(Section {
                heading: p.heading?.to_string(),
                text: layout::render(p.blocks),
            })
        })
        .collect()
}

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
mod words;

pub use dates::DateRange;
pub use document::{Document, Format, MAX_BYTES, document_from_bytes, read_document};
pub use error::LetterError;
pub use lists::ListItem;
pub use model::{
    FieldSource, FocusedOutcomes, JudgementArea, KeyJudgement, Letter, LetterKind, MonitoringJudgement, MonitoringReason, NamedPlace, OutcomeCount, Recipient,
    Section,
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

/// Reads a letter or report from its text. Never panics, whatever the text.
pub fn parse(text: &str) -> Letter {
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
        LetterKind::SchoolMonitoring { .. } => {
            letter.school = recipient_school(recipient.as_ref());
            letter.monitoring_judgement = findings::monitoring_judgement(&reading.blocks);
            letter.further_actions = findings::further_actions(&reading.blocks);
        }
        LetterKind::SchoolReport => {
            letter.school = findings::report_school(reading.body);
            letter.overall_effectiveness = report_grade(&reading, "Overall effectiveness");
            letter.previous_judgement = report_grade(&reading, "Overall effectiveness at previous inspection");
            letter.category_of_concern = findings::category_of_concern(&reading.flat);
        }
        LetterKind::LaFocusedInspections => {
            letter.focused = Some(focused::focused_outcomes(&reading.flat, &reading.blocks));
        }
        _ => {}
    }
    letter.title = reading.title;
    letter.recipient = recipient;
    letter
}

fn report_grade(reading: &Reading<'_>, label: &str) -> Option<schoolsight_domain::Judgement> {
    findings::labelled_value(reading.body, label).and_then(|v| findings::judgement_named(&v))
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
            findings::labelled_value(reading.body, "Local authority")
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

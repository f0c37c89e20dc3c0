//! The seed letters as other conversions and editors would leave them: re-wrapped at 60
//! columns, with page furniture and extra blank lines, with a section cut, as Windows-1252
//! bytes, and as plain text without Markdown. The key fields must survive every one.

mod common;

use common::*;
use schoolsight_letters::{Format, document_from_bytes, parse};

fn seeds() -> impl Iterator<Item = (&'static str, String, Labels)> {
    seed_labels()
        .into_iter()
        .map(|(prefix, labels)| (prefix, read(&seed_path(prefix)), labels))
}

#[test]
fn rewrapped_at_60_columns() {
    for (prefix, text, labels) in seeds() {
        let variant = rewrapped(&text, 60);
        assert!(
            variant
                .lines()
                .all(|l| l.chars().count() <= 60 || !l.trim().contains(' ')),
            "{prefix} wraps"
        );
        assert_eq!(found(&parse(&variant)), labels, "seed {prefix} re-wrapped");
    }
}

#[test]
fn with_page_furniture_and_blank_lines() {
    for (prefix, text, labels) in seeds() {
        let variant = paginated(&text);
        assert!(variant.contains("Page 2 of"));
        let letter = parse(&variant);
        assert_eq!(found(&letter), labels, "seed {prefix} paginated");
        let all_text: String = letter.sections.iter().map(|s| s.text.as_str()).collect();
        assert!(
            !all_text.contains("Page 2 of") && !all_text.contains("published 1 March 2019"),
            "{prefix}: furniture left in"
        );
    }
}

#[test]
fn with_a_section_removed() {
    for (prefix, text, labels) in seeds() {
        let (heading, next) = section_to_cut(prefix);
        let letter = parse(&without_section(&text, heading, next));
        assert_eq!(found(&letter), labels, "seed {prefix} without {heading}");
        assert!(
            !letter.sections.iter().any(|s| s.heading == heading),
            "{prefix}: {heading} still there"
        );
        assert!(
            letter.sections.iter().any(|s| s.heading == next),
            "{prefix}: {next} lost"
        );
    }
}

#[test]
fn as_windows_1252_bytes() {
    for (prefix, text, labels) in seeds() {
        let document = document_from_bytes(&format!("{prefix}.txt"), &windows_1252(&text)).unwrap();
        assert_eq!(document.format, Format::Text);
        assert_eq!(document.text, text, "{prefix} decodes back");
        assert_eq!(found(&parse(&document.text)), labels, "seed {prefix} from Windows-1252");
    }
    // The letters with typographic characters are the ones this matters for.
    let stoke = read(&seed_path("004"));
    assert!(windows_1252(&stoke).contains(&0x96), "an en dash in Windows-1252");
}

#[test]
fn as_plain_text_without_markup() {
    for (prefix, text, labels) in seeds() {
        let variant = plain(&text);
        assert!(!variant.contains("**") && !variant.contains("##"));
        let letter = parse(&variant);
        assert_eq!(found(&letter), labels, "seed {prefix} as plain text");
        let document = document_from_bytes("letter", variant.as_bytes()).unwrap();
        assert_eq!(document.format, Format::Text, "{prefix}: sniffed as plain text");
    }
    let markdown = parse(&read(&seed_path("002")));
    let plain = parse(&plain(&read(&seed_path("002"))));
    assert_eq!(
        plain.areas_for_improvement, markdown.areas_for_improvement,
        "bullets • and – nest like Markdown's"
    );
    assert_eq!(plain.sections.len(), markdown.sections.len());
}

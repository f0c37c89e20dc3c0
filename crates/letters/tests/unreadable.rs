//! Text that is not language is reported as unreadable with its reason and parsed into no
//! field: a real letter's text as a PDF font with its own encoding leaves it (every letter
//! shifted, "Wkh vfkrro" for "The school", or glyph codes with no letter behind them), and a
//! PDF with no text layer at all, which needs OCR.

mod common;

use common::*;
use schoolsight_letters::{LetterError, LetterKind, document_from_bytes, parse};

/// Letters shifted by three places, as a subset font's own encoding reads through a standard one.
fn shifted(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'a'..='z' => char::from(b'a' + (c as u8 - b'a' + 3) % 26),
            'A'..='Z' => char::from(b'A' + (c as u8 - b'A' + 3) % 26),
            c => c,
        })
        .collect()
}

/// Every letter as a glyph code in Unicode's private use area.
fn glyph_codes(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_alphabetic() { char::from_u32(0xF000 + c as u32 % 0x100).unwrap_or(c) } else { c })
        .collect()
}

#[test]
fn every_seed_is_readable() {
    for prefix in ["000", "001", "002", "003", "004"] {
        assert_eq!(parse(&read(&seed_path(prefix))).unreadable, None, "seed {prefix}");
    }
}

#[test]
fn a_seed_through_a_custom_font_encoding_is_unreadable_and_has_no_fields() {
    let text = read(&seed_path("000"));
    for garbled in [shifted(&text), glyph_codes(&text)] {
        let letter = parse(&garbled);
        let reason = letter.unreadable.clone().expect("reported unreadable");
        assert!(reason.contains("OCR"), "{reason}");
        assert_eq!(letter.kind, LetterKind::Other);
        assert_eq!(letter.school, None);
        assert_eq!(letter.letter_date, None, "dates are digits and would survive: not read");
        assert!(letter.further_actions.is_empty());
    }
}

#[test]
fn a_pdf_whose_text_layer_is_not_language_is_refused_with_the_reason() {
    let sentence = shifted(
        "Following my visit to your school on 24 January 2018, I write on behalf of Her Majesty's Chief Inspector of Education, Children's Services and Skills to report the inspection findings. Thank you for the help you gave me and for the time you made available to discuss the actions you are taking to improve the school since the most recent section 5 inspection.",
    );
    let bytes = pdf(&format!("BT /F1 10 Tf 20 700 Td ({sentence}) Tj ET"), HELVETICA);
    match document_from_bytes("garbled.pdf", &bytes) {
        Err(LetterError::Unreadable { file, reason }) => {
            assert_eq!(file, "garbled.pdf");
            assert!(reason.starts_with("not language"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_pdf_with_no_text_layer_needs_ocr() {
    match document_from_bytes("scan.pdf", &pdf("", HELVETICA)) {
        Err(LetterError::Unreadable { reason, .. }) => assert!(reason.contains("OCR would be needed"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

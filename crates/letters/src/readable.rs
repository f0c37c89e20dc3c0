//! Whether a text is language at all. A PDF whose fonts use their own encoding gives a text
//! layer of letters in the wrong places ("Wkh vfkrro" for "The school") or of glyph codes; a
//! scan gives none. Such text is reported as unreadable with the reason, never parsed into
//! fields.

/// Words so common that any English prose of a few dozen words has many of them (about one
/// word in four in Ofsted's letters and reports), in any case. A `match` on the lower-cased
/// bytes, not a search of a list: it runs for every word of every document.
fn is_common(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.len() > 6 {
        return false;
    }
    let mut lower = [0u8; 6];
    for (l, b) in lower.iter_mut().zip(bytes) {
        *l = b.to_ascii_lowercase();
    }
    matches!(
        &lower[..bytes.len()],
        b"the" | b"of" | b"and" | b"to" | b"a" | b"in" | b"is" | b"that" | b"for" | b"are" | b"on"
            | b"with" | b"as" | b"be" | b"by" | b"this" | b"it" | b"have" | b"has" | b"their"
            | b"at" | b"not" | b"or" | b"from" | b"was" | b"were" | b"school" | b"pupils" | b"an"
            | b"they"
    )
}

/// Below this many words a text is too short to judge.
const MIN_WORDS: usize = 40;

/// Why `text` can't be read as language, or `None` when it can (or is too short to tell).
pub(crate) fn unreadable(text: &str) -> Option<String> {
    // Private-use characters and U+FFFD are encoded from byte 0xEE up: a text without such a
    // byte has no glyph codes, and its characters need not be counted.
    let (mut visible, mut glyph_codes) = (0, 0);
    if text.bytes().any(|b| b >= 0xEE) {
        for c in text.chars().filter(|c| !c.is_whitespace()) {
            visible += 1;
            glyph_codes += usize::from(('\u{E000}'..='\u{F8FF}').contains(&c) || c == '\u{FFFD}');
        }
    }
    if visible >= MIN_WORDS && glyph_codes * 5 > visible {
        return Some(format!(
            "{} of every 100 characters are glyph codes with no letter behind them (a PDF font with its own encoding): OCR would be needed",
            glyph_codes * 100 / visible
        ));
    }
    // Counted without copying a word: this runs over every document, before anything else.
    let mut words = 0;
    let mut common = 0;
    for word in text.split_whitespace() {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        if word.chars().any(char::is_alphabetic) {
            words += 1;
            common += usize::from(is_common(word));
        }
    }
    if words < MIN_WORDS {
        return None;
    }
    // English prose has one common word in four; a shifted or substituted alphabet has none.
    (common * 25 < words).then(|| {
        format!(
            "not language: {common} of its {words} words are common English words (a PDF font with its own encoding, or a damaged text layer); OCR would be needed"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_readable_and_short_text_is_not_judged() {
        let prose = "Following my visit to your school on 24 January 2018, I write on behalf of Her Majesty's Chief Inspector of Education, Children's Services and Skills to report the inspection findings. Thank you for the help you gave me and for the time you made available to discuss the actions you are taking to improve the school since the most recent section 5 inspection.";
        assert_eq!(unreadable(prose), None);
        assert_eq!(unreadable("Wkh vfkrro"), None);
    }
}

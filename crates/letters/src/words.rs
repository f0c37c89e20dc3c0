//! Small judgements about words and short texts shared by the readers: sentence ends, names,
//! capitalisation, and the patterns phrases are found with.

use regex::{Regex, RegexBuilder};

/// A case-insensitive pattern for a phrase as the letters word it. Word boundaries are ASCII
/// ones: a Unicode `\b` stops the regex crate's fast engines at the first non-ASCII character
/// (every curly apostrophe), leaving the slowest engine to search whole documents.
pub(crate) fn phrase(pattern: &str) -> Regex {
    RegexBuilder::new(&pattern.replace(r"\b", r"(?-u:\b)"))
        .case_insensitive(true)
        .build()
        .expect("valid phrase pattern")
}

pub(crate) fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

pub(crate) fn starts_lowercase(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_lowercase)
}

/// Whether the text ends a sentence (or a lead-in such as "… by:"), looking past closing
/// quotes and brackets.
pub(crate) fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['\'', '"', '’', '”', ')', ']'])
        .ends_with(['.', '!', '?', ':', ';'])
}

/// At most the first `max_bytes` of `text`, cut at a character boundary.
pub(crate) fn head(text: &str, max_bytes: usize) -> &str {
    let mut end = max_bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// At most the last `max_bytes` of `text`, cut at a character boundary.
pub(crate) fn tail(text: &str, max_bytes: usize) -> &str {
    let mut start = text.len().saturating_sub(max_bytes);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// Whitespace runs as single spaces.
pub(crate) fn squash_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Words of a name that stay lower case inside it ("Stoke-on-Trent", "Kingston upon Hull").
const NAME_PARTICLES: &[&str] = &["on", "upon", "and", "of", "the", "le", "de", "under", "in"];

/// A name written in capitals ("STAFFORDSHIRE") as it is normally written; other text unchanged.
pub(crate) fn name_case(text: &str) -> String {
    if text.chars().any(char::is_lowercase) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let mut first_word = true;
    let mut flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let lower = word.to_lowercase();
        if !first_word && NAME_PARTICLES.contains(&lower.as_str()) {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            out.extend(chars.next().into_iter().flat_map(char::to_uppercase));
            out.push_str(chars.as_str());
        }
        first_word = false;
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() || c == '\'' || c == '’' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A person's name as letters print them: two to four capitalised words ("Lee Ratcliffe",
/// "Jean Olsson-Law", "Linda McGill"), optionally after a title ("Mr", "Dr").
pub(crate) fn is_person_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().skip_while(|w| is_title(w)).collect();
    (2..=4).contains(&words.len())
        && text.chars().count() <= 48
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
        })
}

/// Forms of address that come before a name.
pub(crate) fn is_title(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.'),
        "Mr" | "Mrs" | "Ms" | "Miss" | "Mx" | "Dr" | "Prof" | "Professor" | "Sir" | "Dame" | "Rev" | "Cllr"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_ends() {
        assert!(ends_sentence("It improved."));
        assert!(ends_sentence("further action to:"));
        assert!(ends_sentence("‘at risk.’"));
        assert!(!ends_sentence("Leaders have made expectations"));
    }

    #[test]
    fn heads_and_tails_cut_at_character_boundaries() {
        assert_eq!(head("café au lait", 4), "caf");
        assert_eq!(head("abc", 10), "abc");
        assert_eq!(tail("naïve", 3), "ve");
        assert_eq!(tail("abc", 10), "abc");
    }

    #[test]
    fn capitals_become_name_case() {
        assert_eq!(name_case("STAFFORDSHIRE"), "Staffordshire");
        assert_eq!(name_case("STOKE-ON-TRENT"), "Stoke-on-Trent");
        assert_eq!(name_case("Derby"), "Derby");
    }

    #[test]
    fn person_names() {
        assert!(is_person_name("Lee Ratcliffe"));
        assert!(is_person_name("Mr Lee Ratcliffe"));
        assert!(is_person_name("Jean Olsson-Law"));
        assert!(!is_person_name("horna fitzjohn"));
        assert!(!is_person_name("Headteacher"));
        assert!(!is_person_name("Any complaints about the inspection should be made"));
    }
}

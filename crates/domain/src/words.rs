//! Numbers and plurals as the letters write them: every sentence the product generates takes
//! its counts through here, so "1 graded inspections", "one free schools", "no stayed the same"
//! and "one of them were" cannot be written.
//!
//! The rules, from the seed letters: numbers are words up to twenty and digits beyond; a count
//! before a noun makes the noun singular for one, and zero is "no" with a singular noun ("no
//! school improved"); a count standing alone is "none" for zero ("none stayed the same"); the
//! verb agrees with the count (one, or no, school *was*; two schools *were*).

/// A number before a noun: "no", "one" … "twenty", then digits ("21", "147").
pub fn number_words(n: usize) -> String {
    const WORDS: [&str; 21] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
        "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    ];
    WORDS.get(n).map_or_else(|| n.to_string(), |w| w.to_string())
}

/// A number standing for its noun: "none", "one", "two" … ("none stayed the same").
pub fn pronoun(n: usize) -> String {
    if n == 0 { "none".to_string() } else { number_words(n) }
}

/// Whether a count takes the singular: one, and "no" with its singular noun.
pub fn is_singular(n: usize) -> bool {
    n <= 1
}

/// The noun for a count: `one` for zero or one, `many` otherwise.
pub fn noun<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if is_singular(n) { one } else { many }
}

/// A count and its noun in words: "no school", "one school", "two schools", "47 schools".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", number_words(n), noun(n, one, many))
}

/// A count and its noun in digits, for tables and status lines: "0 schools", "1 graded
/// inspection", "47 schools".
pub fn count_digits(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The verb that agrees with a count: "was"/"were", "is"/"are", "runs"/"run".
pub fn verb<'a>(n: usize, singular: &'a str, plural: &'a str) -> &'a str {
    if is_singular(n) { singular } else { plural }
}

/// The verb that agrees with a count in digits (`count_digits`): only 1 is singular ("0
/// schools are", "1 trust runs").
pub fn verb_digits<'a>(n: usize, singular: &'a str, plural: &'a str) -> &'a str {
    if n == 1 { singular } else { plural }
}

/// The first letter in capitals, for a sentence that opens with a number.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Items joined as a sentence lists them: "a", "a and b", "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Items joined when each already holds commas: "a; b; and c".
pub fn semicolon_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}; and {last}", rest.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_words_to_twenty_then_digits() {
        assert_eq!(number_words(0), "no");
        assert_eq!(number_words(1), "one");
        assert_eq!(number_words(20), "twenty");
        assert_eq!(number_words(21), "21");
        assert_eq!(number_words(147), "147");
    }

    #[test]
    fn nouns_agree_with_their_count() {
        // "one free schools" and "1 graded inspections" were written before this module.
        assert_eq!(count(1, "free school", "free schools"), "one free school");
        assert_eq!(count(2, "free school", "free schools"), "two free schools");
        assert_eq!(count(0, "school", "schools"), "no school");
        assert_eq!(count(47, "academy converter", "academy converters"), "47 academy converters");
        assert_eq!(count_digits(1, "graded inspection", "graded inspections"), "1 graded inspection");
        assert_eq!(count_digits(0, "graded inspection", "graded inspections"), "0 graded inspections");
        assert_eq!(count_digits(12, "graded inspection", "graded inspections"), "12 graded inspections");
    }

    #[test]
    fn a_count_alone_says_none_for_zero() {
        // "no stayed the same" was written before this module.
        assert_eq!(format!("{} stayed the same", pronoun(0)), "none stayed the same");
        assert_eq!(pronoun(3), "three");
    }

    #[test]
    fn verbs_agree_with_their_count() {
        // "One of Derby's schools were …" was written before this module.
        assert_eq!(format!("{} {}", capitalised(&pronoun(1)), verb(1, "was", "were")), "One was");
        assert_eq!(verb(0, "was", "were"), "was", "no school was");
        assert_eq!(verb(2, "was", "were"), "were");
        assert_eq!(format!("{} {}", count(1, "trust", "trusts"), verb(1, "runs", "run")), "one trust runs");
        assert_eq!(format!("{} {}", count(5, "trust", "trusts"), verb(5, "runs", "run")), "five trusts run");
        assert_eq!(format!("{} {}", count_digits(0, "trust", "trusts"), verb_digits(0, "runs", "run")), "0 trusts run");
        assert_eq!(format!("{} {}", count_digits(1, "trust", "trusts"), verb_digits(1, "runs", "run")), "1 trust runs");
    }

    #[test]
    fn lists_read_as_sentences() {
        let items = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(&items(&[])), "");
        assert_eq!(and_list(&items(&["a"])), "a");
        assert_eq!(and_list(&items(&["a", "b"])), "a and b");
        assert_eq!(and_list(&items(&["a", "b", "c"])), "a, b and c");
        assert_eq!(semicolon_list(&items(&["a, x", "b", "c"])), "a, x; b; and c");
        assert_eq!(capitalised("two schools"), "Two schools");
        assert_eq!(capitalised(""), "");
    }
}

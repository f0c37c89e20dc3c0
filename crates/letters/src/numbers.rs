//! Numbers as the letters write them: digits ("22") or words ("Ten", "eighteen",
//! "two hundred and ninety five", "twenty-two").

/// The value of a single number word, or `None` if the word is not one.
fn word_value(word: &str) -> Option<u32> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(unit) = UNITS.iter().position(|u| *u == word) {
        return u32::try_from(unit).ok();
    }
    TENS.iter()
        .position(|t| *t == word)
        .and_then(|i| u32::try_from(i).ok())
        .map(|i| (i + 2) * 10)
}

/// One word of a number phrase as the parser sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Value(u32),
    Hundred,
    Thousand,
    /// "and", which only joins number words ("two hundred and ninety five").
    And,
}

/// Words lower-cased, trimmed of punctuation and split at hyphens ("twenty-two").
fn tokens_of(word: &str) -> Vec<Option<Token>> {
    let cleaned = word
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
        .to_lowercase();
    if cleaned.is_empty() {
        return vec![None];
    }
    if cleaned.chars().all(|c| c.is_ascii_digit()) {
        return vec![cleaned.parse().ok().map(Token::Value)];
    }
    cleaned
        .split('-')
        .map(|part| match part {
            "hundred" => Some(Token::Hundred),
            "thousand" => Some(Token::Thousand),
            "and" => Some(Token::And),
            _ => word_value(part).map(Token::Value),
        })
        .collect()
}

/// The value of a run of number tokens, or `None` if they don't form a number
/// (an "and" at either end, or nothing but "and").
fn value_of(run: &[Token]) -> Option<u32> {
    if matches!(run.first(), None | Some(Token::And)) || matches!(run.last(), Some(Token::And)) {
        return None;
    }
    let (mut total, mut current) = (0u32, 0u32);
    for token in run {
        match token {
            Token::Value(v) => current = current.checked_add(*v)?,
            Token::Hundred => current = current.max(1).checked_mul(100)?,
            Token::Thousand => {
                total = total.checked_add(current.max(1).checked_mul(1000)?)?;
                current = 0;
            }
            Token::And => {}
        }
    }
    total.checked_add(current)
}

/// Every number phrase among `words`, in order. A phrase is a maximal run of number words;
/// "and" belongs to a phrase only between number words, so "four and two" is two phrases
/// unless a "hundred" or "thousand" came before it.
pub(crate) fn numbers_in(words: &[&str]) -> Vec<u32> {
    let mut found = Vec::new();
    let mut run: Vec<Token> = Vec::new();
    let mut flush = |run: &mut Vec<Token>| {
        while matches!(run.last(), Some(Token::And)) {
            run.pop();
        }
        if let Some(v) = value_of(run) {
            found.push(v);
        }
        run.clear();
    };
    for word in words {
        for token in tokens_of(word) {
            match token {
                Some(Token::And) if run_has_scale(&run) => run.push(Token::And),
                Some(Token::And) | None => flush(&mut run),
                Some(t) => run.push(t),
            }
        }
    }
    flush(&mut run);
    found
}

fn run_has_scale(run: &[Token]) -> bool {
    run.iter().any(|t| matches!(t, Token::Hundred | Token::Thousand))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(phrase: &str) -> Vec<u32> {
        numbers_in(&phrase.split_whitespace().collect::<Vec<_>>())
    }

    #[test]
    fn reads_digits_and_words() {
        assert_eq!(numbers("22"), vec![22]);
        assert_eq!(numbers("Ten"), vec![10]);
        assert_eq!(numbers("eighteen,"), vec![18]);
        assert_eq!(numbers("twenty-two"), vec![22]);
        assert_eq!(numbers("two hundred and ninety five"), vec![295]);
        assert_eq!(numbers("one thousand two hundred"), vec![1200]);
        assert_eq!(numbers("schools"), Vec::<u32>::new());
        assert_eq!(numbers("and"), Vec::<u32>::new());
        assert_eq!(numbers(""), Vec::<u32>::new());
    }

    #[test]
    fn finds_number_phrases_among_words() {
        let words: Vec<&str> = "There are two hundred and ninety five primary schools"
            .split(' ')
            .collect();
        assert_eq!(numbers_in(&words), vec![295]);
        let words: Vec<&str> = "Four of these had improved and two had sustained".split(' ').collect();
        assert_eq!(numbers_in(&words), vec![4, 2]);
        let words: Vec<&str> = "We surveyed a further 22 schools".split(' ').collect();
        assert_eq!(numbers_in(&words), vec![22]);
    }

    #[test]
    fn never_overflows() {
        assert_eq!(numbers("99999999999999999999"), Vec::<u32>::new());
        assert_eq!(
            numbers("ninety hundred hundred hundred hundred hundred"),
            Vec::<u32>::new()
        );
    }
}

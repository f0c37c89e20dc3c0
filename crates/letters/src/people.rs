//! People in letters: the recipient's address block (name, role, organisation, address) and
//! the inspectors, named in the opening ("Her Majesty's Inspectors (HMI) A, B and C"), under a
//! report's "Inspection team", or in the signature.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Recipient;
use crate::places::split_postcode;
use crate::words::{head, is_person_name, is_title, starts_lowercase, word_count};

/// Words that make a line (or the words after a name) a job title.
static ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:headteacher|head\s+teacher|headmaster|headmistress|principal|director|executive|chief|regional|senior|national|commissioner|manager|officer|head\s+of|chair|chairman|chairperson|leader|president|secretary|cabinet|interim|acting|deputy|assistant|strategic|corporate|HMI|her\s+majesty['’]s|his\s+majesty['’]s|inspector)\b")
        .expect("valid role pattern")
});

/// Words that make a line an organisation.
static ORGANISATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:council|school|academy|college|trust|federation|partnership|borough\s+of)\b")
        .expect("valid organisation pattern")
});

/// "… County Council" inside a line whose breaks the conversion lost.
static COUNCIL_IN_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:City\s+|County\s+|Borough\s+|Metropolitan\s+Borough\s+|District\s+)?Council\b")
        .expect("valid council pattern")
});

/// The lead-ins to a list of inspectors' names.
static NAMES_LEAD_IN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?:Her|His) Majesty['’]s Inspectors \(HMI\)|(?:Her|His) Majesty['’]s Inspectors for this (?:visit|inspection) were|[Tt]he inspectors were)\s+")
        .expect("valid inspectors pattern")
});

/// Job titles written after a name in a list of names.
static ROLE_AFTER_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r",?\s*(?:(?:Her|His) Majesty['’]s Inspectors?|HMI|Ofsted Inspectors?|lead inspector)\b")
        .expect("valid role-after-name pattern")
});

fn is_role(text: &str) -> bool {
    ROLE.is_match(text)
}

fn is_organisation(text: &str) -> bool {
    ORGANISATION.is_match(text) && !is_role(text)
}

/// The recipient from the lines of the address block. `mentioned` tells whether a phrase
/// appears elsewhere in the letter, which settles where a council's name starts when the
/// block's line breaks were lost.
pub(crate) fn recipient_from(lines: &[String], mentioned: impl Fn(&str) -> bool) -> Option<Recipient> {
    let unflattened;
    let lines = match lines.first() {
        Some(first) if role_after_name(first).is_some() => {
            unflattened = unflatten(&lines.join(" "), mentioned);
            &unflattened[..]
        }
        _ => lines,
    };
    let (name, rest) = lines.split_first()?;
    let organisation_at = rest.iter().position(|l| is_organisation(l));
    let role_lines = match organisation_at {
        Some(at) => &rest[..at],
        None => &rest[..rest.iter().take_while(|l| is_role(l)).count()],
    };
    let organisation_lines = organisation_at.map_or(0, |at| organisation_length(&rest[at..]));
    let address_start = organisation_at.map_or(role_lines.len(), |at| at + organisation_lines);
    let organisation = organisation_at.map(|at| rest[at..at + organisation_lines].join(" "));
    Some(Recipient {
        name: name.trim_end_matches(',').to_string(),
        role: (!role_lines.is_empty()).then(|| role_lines.join(" ")),
        organisation: organisation.map(|o| o.trim_end_matches(',').to_string()),
        address: address_lines(&rest[address_start..]),
    })
}

/// How many lines the organisation's name takes: it runs on after a joining word ("… and") or
/// into a lower-case line, or to a lone last word ("College").
fn organisation_length(lines: &[String]) -> usize {
    let runs_on = |name: &str, next: &str| {
        let last = name.split_whitespace().last().unwrap_or("").to_lowercase();
        matches!(last.as_str(), "and" | "of" | "&" | "for" | "the" | "in")
            || starts_lowercase(next)
            || (word_count(next) == 1 && is_organisation(next))
    };
    1 + lines.windows(2).take_while(|pair| runs_on(&pair[0], &pair[1])).count()
}

/// Address lines without trailing commas, the postcode on a line of its own.
fn address_lines(lines: &[String]) -> Vec<String> {
    let mut address = Vec::new();
    for line in lines {
        let (rest, postcode) = split_postcode(line);
        let rest = rest.trim_end_matches(',').trim();
        if !rest.is_empty() {
            address.push(rest.to_string());
        }
        address.extend(postcode.map(str::to_string));
    }
    address
}

/// Where a job title starts after a name on the same line ("Anna Halliday Commissioner …"):
/// the sign that the block's line breaks were lost.
fn role_after_name(line: &str) -> Option<usize> {
    line.split_whitespace()
        .position(is_role)
        .filter(|at| (2..=5).contains(at))
}

/// An address block run into one line ("Anna Halliday Commissioner for Education and Wellbeing
/// Staffordshire County Council First Floor … ST16 2DH") split into its lines: the name is the
/// words before the first job-title word, the council the words before "County Council" that
/// the letter also mentions elsewhere, the job title what lies between.
fn unflatten(line: &str, mentioned: impl Fn(&str) -> bool) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some(role_at) = role_after_name(line) else {
        return vec![line.to_string()];
    };
    let mut lines = vec![words[..role_at].join(" ")];
    let after_name = words[role_at..].join(" ");
    let Some(council) = COUNCIL_IN_LINE.find(&after_name) else {
        lines.extend(role_school_address(&words[role_at..], &mentioned));
        return lines;
    };
    let before: Vec<&str> = after_name[..council.start()].split_whitespace().collect();
    let name_words = council_name_length(&before, &mentioned);
    let (role, place) = before.split_at(before.len() - name_words);
    lines.push(role.join(" "));
    lines.push(format!("{} {}", place.join(" "), council.as_str()).trim().to_string());
    let address = after_name[council.end()..].trim();
    if !address.is_empty() {
        lines.push(address.to_string());
    }
    lines.retain(|l| !l.trim().is_empty());
    lines
}

fn is_joiner(word: &str) -> bool {
    matches!(word.to_lowercase().as_str(), "of" | "and" | "&" | "for" | "the")
}

/// "Headteacher Calderstones School Harthill Road Liverpool L18 3HS" as its job title, school
/// and address lines. The title is the run of job-title words; the school ends at a word
/// such as "School" or "College": the furthest such end whose name the letter also uses
/// elsewhere (its title names the school), else the first.
fn role_school_address(words: &[&str], mentioned: &impl Fn(&str) -> bool) -> Vec<String> {
    let mut role_len = words.iter().take_while(|w| is_role(w) || is_joiner(w)).count();
    while role_len > 1 && is_joiner(words[role_len - 1]) {
        role_len -= 1;
    }
    let (role, rest) = words.split_at(role_len.max(1));
    let ends: Vec<usize> = rest
        .iter()
        .enumerate()
        .filter(|(_, w)| is_organisation(w))
        .map(|(i, _)| i + 1)
        .collect();
    let Some(&first) = ends.first() else {
        return vec![words.join(" ")];
    };
    let end = ends
        .iter()
        .rev()
        .copied()
        .find(|&e| mentioned(&rest[..e].join(" ")))
        .unwrap_or(first);
    let mut lines = vec![role.join(" "), rest[..end].join(" ")];
    if end < rest.len() {
        lines.push(rest[end..].join(" "));
    }
    lines
}

/// How many of the words before "Council" are the council's place name: the most (up to three)
/// that the letter mentions elsewhere, else one.
fn council_name_length(before: &[&str], mentioned: &impl Fn(&str) -> bool) -> usize {
    let longest = before.len().saturating_sub(1).min(3);
    (1..=longest)
        .rev()
        .find(|&n| mentioned(&before[before.len() - n..].join(" ")))
        .unwrap_or(longest.min(1))
}

/// A signature line's name ("Sean Harford HMI", "Lorna Fitzjohn Regional Director, West
/// Midlands"): the words before the first job-title word, if they make a name.
fn name_before_role(line: &str) -> Option<String> {
    let before_role = ROLE.find(line).map_or(line, |role| &line[..role.start()]);
    let name = before_role.split(',').next().unwrap_or("").trim();
    is_person_name(name).then(|| name.to_string())
}

/// The signatory: the first line under the closing that is a name. A line in lower case is an
/// OCR misreading of the handwritten signature (letter 003's "horna fitzjohn") and is skipped;
/// the typed name follows it.
pub(crate) fn signatory(signature: &[String]) -> Option<String> {
    signature
        .iter()
        .filter(|line| !starts_lowercase(line))
        .take(2)
        .find_map(|line| name_before_role(line))
}

/// Names listed after a lead-in such as "Her Majesty's Inspectors (HMI)".
pub(crate) fn named_inspectors(flat: &str) -> Vec<String> {
    NAMES_LEAD_IN
        .find_iter(flat)
        .flat_map(|lead_in| names_in_clause(clause_after(&flat[lead_in.end()..])))
        .collect()
}

/// The words up to the end of the sentence, or to " to " (the place visited); a list of names
/// is short, so only the next few hundred bytes are looked at.
fn clause_after(text: &str) -> &str {
    let text = head(text, 400);
    let sentence_end = text.find(". ").or_else(|| text.find('.')).unwrap_or(text.len());
    let clause = &text[..sentence_end];
    clause.find(" to ").map_or(clause, |to| &clause[..to])
}

/// "A, B, Her Majesty's Inspector, and C" → [A, B, C].
fn names_in_clause(clause: &str) -> Vec<String> {
    let without_roles = ROLE_AFTER_NAME.replace_all(clause, ",");
    without_roles
        .split(',')
        .flat_map(|part| part.split(" and "))
        .map(|part| part.trim().trim_start_matches("and ").trim())
        .filter(|part| is_person_name(part))
        .map(strip_title)
        .collect()
}

fn strip_title(name: &str) -> String {
    name.split_whitespace()
        .skip_while(|w| is_title(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The names in a report's "Inspection team" section ("Lorraine Lord, lead inspector Ofsted
/// Inspector Khalid Din Ofsted Inspector …"), up to the first piece that is not a name.
pub(crate) fn inspection_team(section_text: &str) -> Vec<String> {
    ROLE_AFTER_NAME
        .split(section_text)
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map_while(|piece| is_person_name(piece).then(|| strip_title(piece)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| (*l).to_string()).collect()
    }

    #[test]
    fn recipient_blocks() {
        let block = strings(&[
            "Mr Andrew Bunyan",
            "Strategic Director of Children & Young",
            "People's Services",
            "Derby City Council",
            "The Council House",
            "Derby",
            "DE1 2FS",
        ]);
        let r = recipient_from(&block, |_| false).unwrap();
        assert_eq!(r.name, "Mr Andrew Bunyan");
        assert_eq!(
            r.role.as_deref(),
            Some("Strategic Director of Children & Young People's Services")
        );
        assert_eq!(r.organisation.as_deref(), Some("Derby City Council"));
        assert_eq!(r.address, strings(&["The Council House", "Derby", "DE1 2FS"]));

        let block = strings(&[
            "Mr Joe Mangan",
            "Headteacher",
            "Alsop High School Technology and Applied Learning Specialist",
            "College",
            "Queens Drive",
        ]);
        let r = recipient_from(&block, |_| false).unwrap();
        assert_eq!(
            r.organisation.as_deref(),
            Some("Alsop High School Technology and Applied Learning Specialist College")
        );
        assert_eq!(r.address, strings(&["Queens Drive"]));

        let block = strings(&[
            "Theresa Leavy",
            "Executive Director of People",
            "County Hall",
            "Dorchester",
            "DT1 1XJ",
        ]);
        let r = recipient_from(&block, |_| false).unwrap();
        assert_eq!(r.role.as_deref(), Some("Executive Director of People"));
        assert_eq!(r.organisation, None);
        assert_eq!(r.address, strings(&["County Hall", "Dorchester", "DT1 1XJ"]));
        assert_eq!(recipient_from(&[], |_| true), None);
    }

    #[test]
    fn a_block_run_into_one_line_is_split() {
        let block = strings(&[
            "Anna Halliday Commissioner for Education and Wellbeing Staffordshire County Council First Floor Peel Building (Block C) Tipping Street Stafford ST16 2DH",
        ]);
        let r = recipient_from(&block, |p| p == "Staffordshire").unwrap();
        assert_eq!(r.name, "Anna Halliday");
        assert_eq!(r.role.as_deref(), Some("Commissioner for Education and Wellbeing"));
        assert_eq!(r.organisation.as_deref(), Some("Staffordshire County Council"));
        assert_eq!(
            r.address,
            strings(&[
                "First Floor Peel Building (Block C) Tipping Street Stafford",
                "ST16 2DH"
            ])
        );
    }

    #[test]
    fn inspectors_from_lists_and_signatures() {
        let flat = "Following the visit by Her Majesty's Inspectors (HMI) Charalambos Loizou, Linda McGill, Jean Olsson-Law and Ian McNeilly to Stoke-on-Trent City Council, I am writing";
        assert_eq!(
            named_inspectors(flat),
            strings(&["Charalambos Loizou", "Linda McGill", "Jean Olsson-Law", "Ian McNeilly"])
        );
        let flat = "The inspectors were Peter McEntee, Her Majesty’s Inspector, and Neil Penswick, Her Majesty’s Inspector. Inspectors looked";
        assert_eq!(named_inspectors(flat), strings(&["Peter McEntee", "Neil Penswick"]));
        assert_eq!(
            signatory(&strings(&[
                "horna fitzjohn",
                "Lorna Fitzjohn Regional Director, West Midlands"
            ]))
            .as_deref(),
            Some("Lorna Fitzjohn")
        );
        assert_eq!(
            signatory(&strings(&["Sean Harford HMI", "Interim Regional Director"])).as_deref(),
            Some("Sean Harford")
        );
        assert_eq!(signatory(&strings(&["Her Majesty's Inspector"])), None);
        let team = "Lorraine Lord, lead inspector Ofsted Inspector Khalid Din Ofsted Inspector Elizabeth Ellis-Martin Ofsted Inspector Any complaints about the inspection";
        assert_eq!(
            inspection_team(team),
            strings(&["Lorraine Lord", "Khalid Din", "Elizabeth Ellis-Martin"])
        );
    }
}

//! The parts of a letter around its body: the sender's address, the date, the recipient's
//! address block, the salutation, and the closing with the signature below it. Reports have
//! none of these, and then the whole document is body.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::dates::whole_line_date;
use crate::layout::Line;
use crate::places::split_postcode;
use crate::words::word_count;

/// How far down a salutation or date is looked for.
const HEADER_LINES: usize = 80;
/// How many lines an address block may take when no salutation ends it.
const ADDRESS_LINES: usize = 12;

/// Where a letter's parts are, by line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    pub letter_date: Option<NaiveDate>,
    pub sender_office: Vec<String>,
    pub recipient_lines: Vec<String>,
    pub salutation: Option<String>,
    pub body: Range<usize>,
    /// The lines after "Yours sincerely".
    pub signature: Vec<String>,
}

static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:t|f|e|w|tel|telephone|textphone|fax|email|e-mail|web|direct\s+(?:t|f|line|email|e-mail))\b\s*:?\s*\S|@|www\.|https?://")
        .expect("valid contact pattern")
});

static CLOSING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^yours\s+(?:sincerely|faithfully|truly)\b").expect("valid closing pattern"));

/// Phone, fax, email and web lines, and the digits of a phone number broken onto a line of
/// their own ("8524").
fn is_contact_line(text: &str) -> bool {
    if split_postcode(text).1.is_some() {
        return false;
    }
    let visible: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = visible.iter().filter(|c| c.is_ascii_digit()).count();
    CONTACT.is_match(text) || (!visible.is_empty() && digits * 10 >= visible.len() * 6)
}

fn is_salutation(line: &Line) -> bool {
    line.bullet.is_none() && line.text.starts_with("Dear ") && word_count(&line.text) <= 8
}

/// Finds the letter's parts in its cleaned lines.
pub(crate) fn read_header(lines: &[Line]) -> Header {
    let top = &lines[..lines.len().min(HEADER_LINES)];
    let salutation_at = top.iter().position(is_salutation);
    let date_search = salutation_at.unwrap_or(top.len().min(40));
    let date_at = lines[..date_search]
        .iter()
        .position(|l| l.bullet.is_none() && whole_line_date(&l.text).is_some());
    let recipient = date_at.and_then(|d| recipient_range(lines, d + 1, salutation_at));
    // A date with neither salutation nor address after it is not a letter's date.
    let date_at = date_at.filter(|_| salutation_at.is_some() || recipient.is_some());
    let body_start = salutation_at
        .map(|s| s + 1)
        .or_else(|| recipient.as_ref().map(|r| r.end))
        .unwrap_or(0);
    let closing_at = lines[body_start..]
        .iter()
        .rposition(|l| CLOSING.is_match(&l.text))
        .map(|i| body_start + i);
    let body_end = closing_at.unwrap_or(lines.len());
    Header {
        letter_date: date_at.and_then(|d| whole_line_date(&lines[d].text)),
        sender_office: date_at.map(|d| office_lines(&lines[..d])).unwrap_or_default(),
        recipient_lines: recipient
            .map(|r| texts(&lines[r]).into_iter().filter(|t| !is_contact_line(t)).collect())
            .unwrap_or_default(),
        salutation: salutation_at.map(|s| lines[s].text.clone()),
        body: body_start..body_end,
        signature: closing_at.map(|c| texts(&lines[c + 1..])).unwrap_or_default(),
    }
}

fn texts(lines: &[Line]) -> Vec<String> {
    lines.iter().map(|l| l.text.clone()).collect()
}

/// The recipient's lines: from after the date to the salutation, or without one, to the end of
/// the address (the line with the postcode).
fn recipient_range(lines: &[Line], start: usize, salutation_at: Option<usize>) -> Option<Range<usize>> {
    if let Some(s) = salutation_at {
        return (start < s).then_some(start..s);
    }
    lines
        .iter()
        .enumerate()
        .skip(start)
        .take(ADDRESS_LINES)
        .find(|(_, l)| split_postcode(&l.text).1.is_some())
        .map(|(end, _)| start..end + 1)
}

/// The sender's address: the lines above the date that are not phone, email or web lines, up
/// to the postcode, with a postcode sharing a line put on its own ("Manchester M1 2WD").
fn office_lines(lines: &[Line]) -> Vec<String> {
    let mut office = Vec::new();
    for line in lines.iter().filter(|l| !is_contact_line(&l.text)) {
        let (rest, postcode) = split_postcode(&line.text);
        if !rest.is_empty() {
            office.push(rest.to_string());
        }
        if let Some(postcode) = postcode {
            office.push(postcode.to_string());
            break;
        }
    }
    office
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::clean_lines;

    #[test]
    fn contact_lines() {
        assert!(is_contact_line("T 0300 123 4234"));
        assert!(is_contact_line("Textphone 0161 618"));
        assert!(is_contact_line("8524"));
        assert!(is_contact_line("Direct email: jsimmons@cfbt.com"));
        assert!(is_contact_line("www.gov.uk/ofsted"));
        assert!(!is_contact_line("M1 2WD"));
        assert!(!is_contact_line("Tipping Street"));
        assert!(!is_contact_line("West Lancs"));
    }

    #[test]
    fn reads_a_letter_head() {
        let text = "Ofsted\nPiccadilly Gate\nManchester M1 2WD\nT 0300 123 4234\n\n7 February 2018\n\nMr Lee Ratcliffe\nHeadteacher\nL18 3HS\n\nDear Mr Ratcliffe\n\nBody text.\n\nYours sincerely\n\nDavid Selby";
        let lines = clean_lines(text);
        let header = read_header(&lines);
        assert_eq!(header.letter_date, NaiveDate::from_ymd_opt(2018, 2, 7));
        assert_eq!(
            header.sender_office,
            vec!["Ofsted", "Piccadilly Gate", "Manchester", "M1 2WD"]
        );
        assert_eq!(
            header.recipient_lines,
            vec!["Mr Lee Ratcliffe", "Headteacher", "L18 3HS"]
        );
        assert_eq!(header.salutation.as_deref(), Some("Dear Mr Ratcliffe"));
        assert_eq!(texts(&lines[header.body]), vec!["Body text."]);
        assert_eq!(header.signature, vec!["David Selby"]);
    }

    #[test]
    fn without_a_salutation_the_address_ends_at_the_postcode() {
        let text = "30 May 2014\n\nAnna Halliday Commissioner Stafford ST16 2DH\n\nTITLE\n\nBody.";
        let lines = clean_lines(text);
        let header = read_header(&lines);
        assert_eq!(header.recipient_lines.len(), 1);
        assert_eq!(texts(&lines[header.body]), vec!["TITLE", "Body."]);
    }

    #[test]
    fn a_lone_date_in_a_report_is_not_a_letter_date() {
        let lines = clean_lines("School report\n\n9 November 2016\n\nOverall effectiveness\n\nGood");
        let header = read_header(&lines);
        assert_eq!(header.letter_date, None);
        assert_eq!(header.body, 0..lines.len());
    }
}

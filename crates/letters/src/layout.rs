//! The layout of a converted document recovered: Markdown markup and page furniture removed,
//! bullets and headings recognised, and lines broken mid-sentence (by the PDF's line wrapping,
//! a page break or the converter) joined back into paragraphs.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::dates::whole_line_date;
use crate::words::{ends_sentence, starts_lowercase, word_count};

/// What separates a line from the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Gap {
    None,
    /// One or more blank lines: a paragraph break in text that has them.
    Blank,
    /// A page footer, header or form feed: the sentence may run on across it.
    PageBreak,
}

/// A line of the document with its markup read and removed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    /// The words of the line, trimmed, without markup or bullet marker.
    pub text: String,
    /// Nesting level when the line starts a bullet.
    pub bullet: Option<usize>,
    /// Marked as a heading by `#` or by bold around the whole line.
    pub marked_heading: bool,
    pub gap: Gap,
}

/// A paragraph, heading or bullet with its broken lines joined.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Heading(String),
    Paragraph(String),
    Bullet { level: usize, text: String },
}

impl Block {
    pub fn text(&self) -> &str {
        match self {
            Block::Heading(t) | Block::Paragraph(t) | Block::Bullet { text: t, .. } => t,
        }
    }
}

/// Headings of Ofsted's letters and reports, recognised even where nothing else marks them
/// (text from PDFs has no markup and few blank lines).
const KNOWN_HEADINGS: &[&str] = &[
    "evidence",
    "context",
    "main findings",
    "external support",
    "summary findings",
    "summary",
    "strengths",
    "areas for improvement",
    "areas for development",
    "outline of inspection activities",
    "outline of focused inspection activities",
    "inspection outcomes",
    "inspection and survey outcomes",
    "survey responses",
    "priorities for further improvement",
    "headline findings",
    "summary of key findings for parents and pupils",
    "the school has the following strengths",
    "full report",
    "what does the school need to do to improve further?",
    "inspection judgements",
    "effectiveness of leadership and management",
    "governance of the school",
    "safeguarding",
    "quality of teaching, learning and assessment",
    "personal development, behaviour and welfare",
    "personal development and welfare",
    "behaviour",
    "outcomes for pupils",
    "early years provision",
    "16 to 19 study programmes",
    "school details",
    "information about this school",
    "information about this inspection",
    "inspection team",
];

const JUDGEMENT_WORDS: &[&str] = &[
    "outstanding",
    "good",
    "requires improvement",
    "inadequate",
    "satisfactory",
];

static MARKDOWN_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("valid link pattern"));

/// "Page 2 of 13", alone or closing a running footer.
static PAGE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:^|\s)page\s+\d+(?:\s+of\s+\d+)?$").expect("valid page pattern"));

static URL_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:https?://|www\.)\S+$").expect("valid url pattern"));

/// The document's lines with markup, page furniture and blank lines read and removed.
pub(crate) fn clean_lines(text: &str) -> Vec<Line> {
    let normalised = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\u{c}', "\n\u{c}\n");
    let raw: Vec<&str> = normalised.split('\n').flat_map(split_inline_bullets).collect();
    let running = running_headers(&raw);
    let mut lines = Vec::new();
    let mut gap = Gap::Blank;
    for raw_line in raw {
        let trimmed = raw_line.trim();
        if trimmed == "\u{c}" || is_furniture(trimmed, &running) {
            gap = Gap::PageBreak;
            continue;
        }
        match read_line(raw_line) {
            Some((text, bullet, marked_heading)) => {
                lines.push(Line {
                    text,
                    bullet,
                    marked_heading,
                    gap,
                });
                gap = Gap::None;
            }
            None => gap = gap.max(Gap::Blank),
        }
    }
    lines
}

/// Lines repeated on three or more pages that carry a date or name the report: running headers
/// and footers ("Inspection report: Rounds Green Primary School, 9–10 November 2016").
fn running_headers<'a>(raw: &[&'a str]) -> Vec<&'a str> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for line in raw {
        let trimmed = line.trim();
        let dated = trimmed.contains(|c: char| c.is_ascii_digit());
        let names_report = trimmed
            .get(..17)
            .is_some_and(|head| head.eq_ignore_ascii_case("inspection report"));
        if word_count(trimmed) >= 3 && (dated || names_report) {
            *counts.entry(trimmed).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= 3)
        .map(|(line, _)| line)
        .collect()
}

fn is_furniture(trimmed: &str, running: &[&str]) -> bool {
    (PAGE_NUMBER.is_match(trimmed) && trimmed.chars().count() < 160)
        || URL_ONLY.is_match(trimmed)
        || running.contains(&trimmed)
}

/// A raw line's text, bullet level and heading mark; `None` for a line with no words (blank,
/// markup only, or an empty bullet left by the conversion).
fn read_line(raw: &str) -> Option<(String, Option<usize>, bool)> {
    let (bullet, rest) = split_bullet(raw);
    let trimmed = rest.trim();
    let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
    let unhashed = trimmed.trim_start_matches('#').trim();
    let bold_line = unhashed.len() > 4 && unhashed.starts_with("**") && unhashed.ends_with("**");
    let text = strip_markup(unhashed);
    if text.is_empty() {
        return None;
    }
    let marked_heading = bullet.is_none() && (hashes > 0 || bold_line);
    Some((text, bullet, marked_heading))
}

/// Markdown links as their text, `**` removed, backslash escapes undone (`A\*` is "A*").
fn strip_markup(text: &str) -> String {
    let unlinked = MARKDOWN_LINK.replace_all(text, "$1");
    let mut out = String::with_capacity(unlinked.len());
    let mut chars = unlinked.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(next)) if next.is_ascii_punctuation() => {
                out.push(*next);
                chars.next();
            }
            ('*', Some('*')) => {
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out.trim().to_string()
}

/// Glyph bullets a list keeps when its lines are run together into one paragraph.
const INLINE_BULLETS: &[char] = &['•', '▪', '●', '■', '◼'];

/// A line holding several glyph bullets ("• ensure that … • embed the … • sharpen …", a list
/// pasted as one paragraph) as one line per bullet, any words before the first kept as their
/// own line. A single glyph inside a line is left alone: it may be a separator.
fn split_inline_bullets(line: &str) -> Vec<&str> {
    // Most lines are plain ASCII and hold no glyph at all.
    if line.is_ascii() {
        return vec![line];
    }
    let marks = line
        .char_indices()
        .filter(|(i, c)| {
            INLINE_BULLETS.contains(c) && line[*i + c.len_utf8()..].starts_with(' ') && (*i == 0 || line[..*i].ends_with(' '))
        })
        .map(|(i, _)| i)
        .collect::<Vec<_>>();
    if marks.len() < 2 {
        return vec![line];
    }
    let mut out = Vec::new();
    let mut from = 0;
    for &at in &marks {
        if !line[from..at].trim().is_empty() {
            out.push(line[from..at].trim_end());
        }
        from = at;
    }
    out.push(&line[from..]);
    out
}

fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// The bullet level a line starts with, and the line after its marker. Markdown's `-`, `*`
/// and `+` nest by indentation (two spaces a level); the glyph bullets of PDFs (•, ◼, and the
/// Symbol-font characters that land in Unicode's private use area) are top level, and dashes
/// (–, —) are the sub-bullets under them. A PDF's own indentation is layout, not nesting.
fn split_bullet(raw: &str) -> (Option<usize>, &str) {
    let indent: usize = raw
        .chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum();
    let body = raw.trim_start();
    let mut chars = body.chars();
    let Some(marker) = chars.next() else {
        return (None, body);
    };
    let rest = chars.as_str();
    let spaced = rest.is_empty() || rest.starts_with(char::is_whitespace);
    let level = match marker {
        '-' | '*' | '+' if spaced => indent / 2,
        '–' | '—' if spaced => 1,
        '•' | '◼' | '▪' | '■' | '●' => 0,
        c if is_private_use(c) => 0,
        c if c.is_ascii_digit() => return numbered(body),
        _ => return (None, body),
    };
    (Some(level), rest)
}

/// "1. …" or "2) …": an item of a list retyped with numbers, a top-level bullet.
fn numbered(body: &str) -> (Option<usize>, &str) {
    let digits = body.chars().take_while(char::is_ascii_digit).count();
    let rest = &body[digits..];
    match rest.strip_prefix(['.', ')']) {
        Some(after) if digits <= 2 && after.starts_with(' ') && after.trim_start().starts_with(char::is_alphabetic) => {
            (Some(0), after)
        }
        _ => (None, body),
    }
}

/// The length most lines reach: the wrap width of text wrapped into lines (the 90th
/// percentile, so that short last lines don't count).
fn wrap_width(lines: &[Line]) -> usize {
    let mut lengths: Vec<usize> = lines.iter().map(|l| l.text.chars().count()).collect();
    lengths.sort_unstable();
    lengths.get(lengths.len() * 9 / 10).copied().unwrap_or(0)
}

/// Whether `line` carries on the paragraph or bullet that `previous` ended. A lower-case start
/// always does (a sentence broken at a page or a blank line the converter put in). Otherwise a
/// blank line ends the paragraph; a page break ends it only after a finished sentence; and a
/// plain line break ends it only after a finished sentence on a short line.
fn continues(previous: &Line, line: &Line, width: usize) -> bool {
    if starts_lowercase(&line.text) {
        return true;
    }
    let finished = ends_sentence(&previous.text);
    match line.gap {
        Gap::Blank => false,
        Gap::PageBreak => !finished,
        Gap::None => !finished || previous.text.chars().count() * 4 >= width * 3,
    }
}

fn is_known_heading(text: &str) -> bool {
    let key = text.trim().trim_end_matches(':').trim().to_lowercase();
    KNOWN_HEADINGS.contains(&key.as_str())
}

/// Short, capitalised, unpunctuated: the shape of a heading, and not a date, a grade or a row
/// of a table (a wide gap between label and value, as PDF tables come out).
fn heading_shaped(text: &str, max_words: usize) -> bool {
    let words = word_count(text);
    let starts_capital = text.chars().next().is_some_and(char::is_uppercase);
    let lower = text.to_lowercase();
    (1..=max_words).contains(&words)
        && starts_capital
        && !text.ends_with(['.', ',', ';', ':', '!', '?'])
        && !text.contains('@')
        && !text.contains("  ")
        && whole_line_date(text).is_none()
        && !JUDGEMENT_WORDS.contains(&lower.as_str())
}

/// A line standing alone between blank lines, heading-shaped, with content after it: a list, or
/// a paragraph that is not itself heading-shaped (in a table of labels and values, neither
/// is a heading).
fn is_standalone_heading(lines: &[Line], i: usize) -> bool {
    let Some(line) = lines.get(i) else { return false };
    let next = lines.get(i + 1);
    // A page break after the line is no sign of a heading: text runs on across pages.
    let alone = (i == 0 || line.gap != Gap::None) && next.is_none_or(|n| n.gap == Gap::Blank);
    let content_follows = || {
        next.is_some_and(|n| {
            let paragraph = paragraph_from(&lines[i + 1..]);
            n.bullet.is_some()
                || (word_count(&paragraph) >= 6 && !starts_lowercase(&paragraph) && !heading_shaped(&paragraph, 10))
        })
    };
    alone && heading_shaped(&line.text, 10) && content_follows()
}

/// How many lines, from the first, follow each other without a gap or a bullet.
fn run_length(lines: &[Line]) -> usize {
    1 + lines
        .iter()
        .skip(1)
        .take_while(|l| l.gap == Gap::None && l.bullet.is_none())
        .count()
}

/// The text of the lines that run on from the first without a gap.
fn paragraph_from(lines: &[Line]) -> String {
    join_texts(lines.iter().take(run_length(lines)).map(|l| l.text.as_str()))
}

/// A table row whose label is a known heading ("Outcomes for pupils  Inadequate"): the heading
/// and its value.
fn heading_with_value(text: &str) -> Option<(&str, &str)> {
    let (label, value) = text.split_once("  ")?;
    is_known_heading(label).then_some((label.trim(), value.trim()))
}

fn is_heading(lines: &[Line], i: usize) -> bool {
    lines.get(i).is_some_and(|line| {
        line.bullet.is_none()
            && (line.marked_heading || is_known_heading(&line.text) || is_standalone_heading(lines, i))
    })
}

/// The title at the top of a letter's body ("Requires improvement: monitoring inspection visit
/// to …") and how many lines it takes: the first run of lines if short and unpunctuated, else
/// the first line if it is marked as a heading, else the first line with the lower-case lines
/// it wraps onto if a capitalised line follows.
pub(crate) fn split_title(lines: &[Line]) -> (Option<String>, usize) {
    let Some(first) = lines.first().filter(|l| l.bullet.is_none()) else {
        return (None, 0);
    };
    let run = run_length(lines);
    let joined = join_texts(lines.iter().take(run).map(|l| l.text.as_str()));
    if heading_shaped(&joined, 25) {
        return (Some(joined), run);
    }
    if first.marked_heading {
        return (Some(first.text.clone()), 1);
    }
    // Text from PDFs runs the title into the first paragraph: the title is the first line and
    // any lower-case lines it wraps onto ("… children's" / "services"), up to a capital.
    let wrapped = 1 + lines[1..run].iter().take_while(|l| starts_lowercase(&l.text)).count();
    let title = join_texts(lines.iter().take(wrapped).map(|l| l.text.as_str()));
    let next_capitalised = lines.get(wrapped).is_none_or(|l| !starts_lowercase(&l.text));
    if heading_shaped(&title, 25) && next_capitalised {
        return (Some(title), wrapped);
    }
    (None, 0)
}

fn join_texts<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    texts.collect::<Vec<_>>().join(" ")
}

/// The lines as headings, paragraphs and bullets, broken lines joined.
pub(crate) fn blocks(lines: &[Line]) -> Vec<Block> {
    let width = wrap_width(lines);
    let mut blocks: Vec<Block> = Vec::new();
    let mut previous: Option<&Line> = None;
    for (i, line) in lines.iter().enumerate() {
        if let Some(level) = line.bullet {
            blocks.push(Block::Bullet {
                level,
                text: line.text.clone(),
            });
        } else if is_heading(lines, i) {
            blocks.push(Block::Heading(line.text.clone()));
        } else if let Some((heading, value)) = heading_with_value(&line.text) {
            blocks.push(Block::Heading(heading.to_string()));
            blocks.push(Block::Paragraph(value.to_string()));
        } else if let Some(open) = open_block(&mut blocks, previous, line, width) {
            open.push(' ');
            open.push_str(&line.text);
        } else {
            blocks.push(Block::Paragraph(line.text.clone()));
        }
        previous = Some(line);
    }
    blocks
}

/// The text of the last block if `line` carries it on.
fn open_block<'b>(
    blocks: &'b mut [Block],
    previous: Option<&Line>,
    line: &Line,
    width: usize,
) -> Option<&'b mut String> {
    let previous = previous?;
    match blocks.last_mut()? {
        Block::Paragraph(text) | Block::Bullet { text, .. } if continues(previous, line, width) => Some(text),
        _ => None,
    }
}

/// A run of blocks under one heading (none for what comes before the first heading).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Part<'a> {
    pub heading: Option<&'a str>,
    pub blocks: &'a [Block],
}

/// The blocks divided at their headings.
pub(crate) fn parts(blocks: &[Block]) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut heading = None;
    for (i, block) in blocks.iter().enumerate() {
        if let Block::Heading(text) = block {
            parts.push(Part {
                heading,
                blocks: &blocks[start..i],
            });
            heading = Some(text.as_str());
            start = i + 1;
        }
    }
    parts.push(Part {
        heading,
        blocks: &blocks[start..],
    });
    parts
}

/// Blocks as plain text: paragraphs apart, bullets as "- " lines indented two spaces a level.
pub(crate) fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut after_bullet = false;
    for block in blocks {
        let bullet = matches!(block, Block::Bullet { .. });
        if !out.is_empty() {
            out.push_str(if bullet && after_bullet { "\n" } else { "\n\n" });
        }
        match block {
            Block::Bullet { level, text } => {
                out.push_str(&"  ".repeat(*level));
                out.push_str("- ");
                out.push_str(text);
            }
            other => out.push_str(other.text()),
        }
        after_bullet = bullet;
    }
    out
}

/// The bullets that open `blocks`, as (level, text) pairs.
pub(crate) fn leading_bullets(blocks: &[Block]) -> Vec<(usize, String)> {
    blocks
        .iter()
        .map_while(|b| match b {
            Block::Bullet { level, text } => Some((*level, text.clone())),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Heading(t) => format!("# {t}"),
                Block::Paragraph(t) => t.clone(),
                Block::Bullet { level, text } => format!("{}- {text}", "  ".repeat(*level)),
            })
            .collect()
    }

    #[test]
    fn strips_markup_and_reads_headings() {
        let lines = clean_lines("## **Evidence**\n\nGrades A\\* to C and [www.gov.uk](http://www.gov.uk) text.\n");
        assert_eq!(lines[0].text, "Evidence");
        assert!(lines[0].marked_heading);
        assert_eq!(lines[1].text, "Grades A* to C and www.gov.uk text.");
    }

    #[test]
    fn nests_markdown_and_pdf_bullets() {
        let lines = clean_lines("- top\n  - child\n- \n\u{f06e} glyph\n– dash\n-5 degrees");
        let got: Vec<(Option<usize>, &str)> = lines.iter().map(|l| (l.bullet, l.text.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (Some(0), "top"),
                (Some(1), "child"),
                (Some(0), "glyph"),
                (Some(1), "dash"),
                (None, "-5 degrees")
            ]
        );
    }

    #[test]
    fn drops_page_furniture_and_joins_across_it() {
        let text = "Leaders have helped to tackle\n\nPage 2 of 9\n\u{c}\nweaknesses in teaching.\nwww.gov.uk/ofsted\nNew point here.";
        let blocks = blocks(&clean_lines(text));
        assert_eq!(
            texts(&blocks),
            vec![
                "Leaders have helped to tackle weaknesses in teaching.",
                "New point here."
            ]
        );
    }

    #[test]
    fn joins_lines_broken_mid_sentence_and_keeps_paragraphs() {
        let text = "Leaders have made expectations\n\nclearer by acting.\n\nA new paragraph starts here and it is long enough.\n\n- a bullet that is\nbroken\n- and another";
        let blocks = blocks(&clean_lines(text));
        assert_eq!(
            texts(&blocks),
            vec![
                "Leaders have made expectations clearer by acting.",
                "A new paragraph starts here and it is long enough.",
                "- a bullet that is broken",
                "- and another"
            ]
        );
    }

    #[test]
    fn standalone_short_lines_before_content_are_headings() {
        let text = "Intro line that ends.\n\nSurvey responses\n\nResponses to the key survey questions were analysed in detail.\n\nInadequate\n\n- a point";
        let got = texts(&blocks(&clean_lines(text)));
        assert_eq!(got[1], "# Survey responses");
        assert_eq!(got[3], "Inadequate");
    }

    #[test]
    fn running_headers_are_furniture() {
        let header = "Inspection report: Some School, 1 May 2016";
        let text =
            format!("{header}\nFirst page.\n{header}\nSecond page.\n{header}\nThird page.\nThird page.\nThird page.");
        let got: Vec<String> = clean_lines(&text).into_iter().map(|l| l.text).collect();
        assert_eq!(
            got,
            vec![
                "First page.",
                "Second page.",
                "Third page.",
                "Third page.",
                "Third page."
            ]
        );
    }

    #[test]
    fn title_is_the_first_short_run() {
        let lines = clean_lines(
            "Requires improvement: monitoring inspection visit to\nCalderstones School\n\nFollowing my visit.",
        );
        assert_eq!(
            split_title(&lines),
            (
                Some("Requires improvement: monitoring inspection visit to Calderstones School".into()),
                2
            )
        );
        let lines = clean_lines(
            "Focused visit to Dorset children’s services\nThis letter summarises the findings of the visit.",
        );
        assert_eq!(
            split_title(&lines).0.as_deref(),
            Some("Focused visit to Dorset children’s services")
        );
        let lines = clean_lines(
            "Focused visit to Reading Borough Council children’s\nservices\nThis letter summarises the findings.",
        );
        assert_eq!(
            split_title(&lines),
            (
                Some("Focused visit to Reading Borough Council children’s services".into()),
                2
            )
        );
        let lines = clean_lines("Following my visit to your school, I write.");
        assert_eq!(split_title(&lines), (None, 0));
    }

    #[test]
    fn renders_and_divides_at_headings() {
        let blocks = blocks(&clean_lines(
            "Preamble text.\n\n## Strengths\n\n- one\n  - two\n\nClosing paragraph.",
        ));
        let parts = parts(&blocks);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].heading, Some("Strengths"));
        assert_eq!(render(parts[1].blocks), "- one\n  - two\n\nClosing paragraph.");
        assert_eq!(leading_bullets(parts[1].blocks).len(), 2);
    }
}

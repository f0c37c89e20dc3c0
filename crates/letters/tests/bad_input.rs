//! Input that is not a letter: empty, binary, oversized or broken files are errors naming the
//! file; text that is not a school-improvement letter is `Other`; and `parse` survives anything.

mod common;

use std::io::Write;

use common::*;
use schoolsight_letters::{LetterError, LetterKind, MAX_BYTES, document_from_bytes, parse, read_document};

/// A tiny xorshift generator: reproducible noise without a crate.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next().to_le_bytes()[0]).collect()
    }
}

fn file_with(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
    (dir, path)
}

#[test]
fn empty_and_whitespace_files_are_empty() {
    for (name, bytes) in [
        ("empty.txt", &b""[..]),
        ("blank.md", b"  \n\r\n\t \n"),
        ("bom.txt", b"\xEF\xBB\xBF \n"),
    ] {
        let (_dir, path) = file_with(name, bytes);
        match read_document(&path) {
            Err(LetterError::Empty { file }) => assert!(file.ends_with(name)),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn binary_junk_is_not_text() {
    let mut noise = Noise(0x5eed);
    let cases = [
        ("nul.txt", vec![0u8; 4096]),
        ("random.txt", noise.bytes(4096)),
        ("random", noise.bytes(4096)),
    ];
    for (name, bytes) in cases {
        let err = document_from_bytes(name, &bytes).unwrap_err();
        assert!(matches!(err, LetterError::NotText { .. }), "{name}: {err:?}");
        assert_eq!(err.file(), name);
        assert!(err.to_string().contains(name));
    }
    // Random bytes without a single NUL are still junk.
    let no_nul: Vec<u8> = noise.bytes(4096).into_iter().map(|b| b.max(1)).collect();
    assert!(matches!(
        document_from_bytes("x.txt", &no_nul),
        Err(LetterError::NotText { .. })
    ));
}

#[test]
fn files_over_20_mib_are_too_large() {
    let big = vec![b'a'; 21 * 1024 * 1024];
    let (_dir, path) = file_with("big.txt", &big);
    match read_document(&path) {
        Err(LetterError::TooLarge { file, bytes, limit }) => {
            assert!(file.ends_with("big.txt"));
            assert_eq!((bytes, limit), (21 * 1024 * 1024, MAX_BYTES));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        document_from_bytes("big.txt", &big),
        Err(LetterError::TooLarge { .. })
    ));
}

#[test]
fn broken_pdfs_are_errors_not_panics() {
    let mut noise = Noise(42);
    let mut garbage = b"%PDF-1.7\n".to_vec();
    garbage.extend(noise.bytes(2048));
    let truncated = std::fs::read(report_path("103980__5.PDF")).unwrap()[..5000].to_vec();
    for (name, bytes) in [
        ("garbage.pdf", garbage.clone()),
        ("garbage", garbage),
        ("truncated.pdf", truncated),
        ("header.pdf", b"%PDF-".to_vec()),
    ] {
        let (_dir, path) = file_with(name, &bytes);
        match read_document(&path) {
            Err(LetterError::Pdf { file, message }) => {
                assert!(file.ends_with(name));
                assert!(!message.is_empty());
            }
            Err(LetterError::Empty { file }) => assert!(file.ends_with(name), "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn missing_files_are_io_errors() {
    let err = read_document(std::path::Path::new("/no/such/letter.txt")).unwrap_err();
    assert!(matches!(err, LetterError::Io { .. }));
    assert!(err.to_string().contains("/no/such/letter.txt"));
}

#[test]
fn non_letters_are_other() {
    let cargo_toml = read_document(&std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let letter = parse(&cargo_toml.text);
    assert_eq!(letter.kind, LetterKind::Other);
    assert_eq!(letter.letter_date, None);
    for path in childrens_services_sample() {
        let Ok(document) = read_document(&path) else { continue };
        let letter = parse(&document.text);
        assert_eq!(
            letter.kind,
            LetterKind::Other,
            "{}: {:?}",
            path.display(),
            letter.kind_evidence
        );
    }
}

#[test]
fn childrens_services_letters_still_give_their_date_recipient_and_authority() {
    let dir = shared().join("data/ofsted-la-childrens-services-reports-text/focused_visit");
    let path = dir.join("2532283_dorset_children_s_services_focused_visit_22_june_2023.txt");
    let letter = parse(&read(&path));
    assert_eq!(letter.kind, LetterKind::Other);
    assert_eq!(letter.letter_date, Some(day(2023, 6, 22)));
    assert_eq!(
        letter.visit_dates.map(|r| (r.from, r.to)),
        Some((day(2023, 5, 17), day(2023, 5, 18)))
    );
    assert_eq!(
        letter.recipient.as_ref().map(|r| r.name.as_str()),
        Some("Theresa Leavy")
    );
    assert_eq!(letter.la_name.as_deref(), Some("Dorset"));
    assert_eq!(letter.inspectors, ["Tracey Ledder", "Joy Howick"]);
}

/// Characters that exercise the parser's paths: markup, bullets, page breaks, digits and month
/// names, letter words, multi-byte and case-changing characters.
const PALETTE: &[&str] = &[
    "\n",
    "\n\n",
    " ",
    "  ",
    "\t",
    "\u{c}",
    "\r",
    "#",
    "##",
    "**",
    "\\*",
    "- ",
    "  - ",
    "• ",
    "– ",
    "\u{f06e} ",
    ":",
    ".",
    ",",
    "1",
    "17",
    "2014",
    "-",
    "to",
    "and",
    "between",
    "January",
    "MARCH",
    "Sept",
    "Dear ",
    "Yours sincerely",
    "Page 2 of 9",
    "School report",
    "Council",
    "County Council",
    "LA",
    "focused inspections",
    "monitoring inspection visit to",
    "section 8 of the Education Act 2005",
    "Her Majesty's Inspectors (HMI) ",
    "Ann Lee",
    "Of the ten schools inspected:",
    "two were graded good: both had improved",
    "M1 2WD",
    "Headteacher",
    "by:",
    "further action to:",
    "Strengths",
    "Areas for improvement",
    "Inspection team",
    "é",
    "’",
    "İ",
    "ß",
    "😀",
    "\u{301}",
    "\u{FFFD}",
    "\0",
    "[x](y)",
    "(",
    "Ǆ",
];

fn random_text(noise: &mut Noise, pieces: usize) -> String {
    (0..pieces).map(|_| PALETTE[noise.below(PALETTE.len())]).collect()
}

#[test]
fn parse_never_panics_on_random_text() {
    let mut noise = Noise(0x1e77e75);
    for round in 0..3000 {
        let pieces = noise.below(200);
        let text = random_text(&mut noise, pieces);
        let letter = std::panic::catch_unwind(|| parse(&text));
        assert!(letter.is_ok(), "round {round} panicked on {text:?}");
    }
}

#[test]
fn parse_never_panics_on_random_characters_or_cut_letters() {
    let mut noise = Noise(7);
    for _ in 0..500 {
        let len = noise.below(400);
        let text: String = (0..len)
            .filter_map(|_| char::from_u32(u32::try_from(noise.next() % 0x3_0000).unwrap_or(0)))
            .collect();
        parse(&text);
    }
    for prefix in SEEDS {
        let seed = read(&seed_path(prefix));
        let chars: Vec<char> = seed.chars().collect();
        for _ in 0..40 {
            let from = noise.below(chars.len());
            let to = from + noise.below(chars.len() - from);
            parse(&chars[from..to].iter().collect::<String>());
            let mut lines: Vec<&str> = seed.lines().collect();
            let n = lines.len();
            lines.swap(noise.below(n), noise.below(n));
            parse(&lines.join("\n"));
        }
    }
}

/// Text that repeats a phrase the readers look around (a list of inspectors, a visit, a
/// lead-in) with no full stop to end the search: reading it must stay linear. Before the
/// searches were bounded, the first of these took minutes.
#[test]
fn run_on_text_reads_in_linear_time() {
    for unit in [
        "The inspectors were Ann Lee and ",
        "visit on your school ",
        "taking effective action and ",
    ] {
        let text = unit.repeat(500_000 / unit.len());
        let started = std::time::Instant::now();
        parse(&text);
        let elapsed = started.elapsed();
        assert!(elapsed.as_secs() < 20, "{unit:?} took {elapsed:?}");
    }
}

/// A catalogue that describes reports, quoting their headings, is not itself a report.
#[test]
fn a_description_of_reports_is_not_a_report() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ofsted-school-reports-sample/SOURCE.md");
    let text = std::fs::read_to_string(path).unwrap();
    let letter = schoolsight_letters::parse(&text);
    assert_eq!(letter.kind, schoolsight_letters::LetterKind::Other, "{:?}", letter.kind_evidence);
}

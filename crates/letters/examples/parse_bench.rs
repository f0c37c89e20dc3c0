//! Parse-only timings for `bench/run-letters-parse` (issue 18 point 6). Two modes:
//!
//! * `parse_bench files FILE...`: reads every file as UTF-8 text (before the clock starts),
//!   parses them all once, and prints one line `docs=N seconds=S` and how many documents gave
//!   each field, so the Python extractor's counts can be set beside it;
//! * `parse_bench linear FILE`: the document repeated 1, 8 and 64 times, each parsed until at
//!   least half a second has passed (best of three such rounds), printing microseconds per KB;
//!   equal figures mean the work grows linearly with the text. (Repeated, a dated line shows on
//!   three or more "pages" and is dropped as a running header, so the longer texts do a little
//!   less work per KB: the figures show no faster-than-linear growth, not exact proportion.)
//! * `parse_bench sizes FILE...`: the real documents by length, in four groups of equal count,
//!   each group's parse time per KB (each document parsed alone): linear work gives the same
//!   figure for short and long documents.
//!
//! Timings are printed, never asserted: the project's tests do not depend on the clock.

use std::time::{Duration, Instant};

use schoolsight_letters::{Letter, LetterKind, parse};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        Some((mode, files)) if mode == "files" => parse_files(files),
        Some((mode, [file])) if mode == "linear" => linear(file),
        Some((mode, files)) if mode == "sizes" => sizes(files),
        _ => {
            eprintln!(
                "usage: parse_bench files FILE... | parse_bench linear FILE | parse_bench sizes FILE..."
            );
            std::process::exit(2);
        }
    }
}

fn read(path: &str) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn parse_files(files: &[String]) {
    let texts: Vec<String> = files.iter().map(|f| read(f)).collect();
    let started = Instant::now();
    let letters: Vec<Letter> = texts.iter().map(|t| parse(t)).collect();
    let seconds = started.elapsed().as_secs_f64();
    println!("docs={} seconds={seconds:.6}", letters.len());
    for (field, n) in field_counts(&letters) {
        println!("field {field}={n}");
    }
}

/// How many documents gave each field: a check that both sides did comparable work.
fn field_counts(letters: &[Letter]) -> Vec<(&'static str, usize)> {
    let count = |f: &dyn Fn(&Letter) -> bool| letters.iter().filter(|l| f(l)).count();
    vec![
        ("kind", count(&|l| l.kind != LetterKind::Other)),
        ("letter_date", count(&|l| l.letter_date.is_some())),
        ("visit_dates", count(&|l| l.visit_dates.is_some())),
        ("school", count(&|l| l.school.is_some())),
        ("urn", count(&|l| l.urn.is_some())),
        (
            "inspection_number",
            count(&|l| l.inspection_number.is_some()),
        ),
        ("lead_inspector", count(&|l| l.lead_inspector.is_some())),
        (
            "overall_effectiveness",
            count(&|l| l.overall_effectiveness.is_some()),
        ),
        ("key_judgements", count(&|l| !l.key_judgements.is_empty())),
        (
            "monitoring_judgement",
            count(&|l| l.monitoring_judgement.is_some()),
        ),
        ("actions", count(&|l| !l.further_actions.is_empty())),
    ]
}

fn linear(file: &str) {
    let text = read(file);
    println!("document: {file} ({:.1} KB)", text.len() as f64 / 1024.0);
    println!(
        "{:>7} {:>10} {:>10} {:>8}",
        "copies", "KB", "us/KB", "vs 1x"
    );
    parse(&text); // Compiles the patterns, which would otherwise count against the first size.
    let mut first = None;
    for copies in [1usize, 8, 64] {
        let long = vec![text.as_str(); copies].join("\n\n");
        let kb = long.len() as f64 / 1024.0;
        let per_kb = (0..3)
            .map(|_| seconds_per_parse(&long))
            .fold(f64::INFINITY, f64::min)
            * 1e6
            / kb;
        let base = *first.get_or_insert(per_kb);
        println!(
            "{copies:>7} {kb:>10.1} {per_kb:>10.2} {:>7.2}x",
            per_kb / base
        );
    }
}

/// The mean time of one parse, over as many parses as fill half a second.
fn seconds_per_parse(text: &str) -> f64 {
    let started = Instant::now();
    let mut runs = 0u32;
    while started.elapsed() < Duration::from_millis(500) {
        std::hint::black_box(parse(std::hint::black_box(text)));
        runs += 1;
    }
    started.elapsed().as_secs_f64() / f64::from(runs)
}

fn sizes(files: &[String]) {
    let mut texts: Vec<String> = files.iter().map(|f| read(f)).collect();
    texts.sort_by_key(String::len);
    parse(&texts[0]);
    println!("{:>9} {:>18} {:>10}", "documents", "KB each", "us/KB");
    let group = texts.len().div_ceil(4);
    for chunk in texts.chunks(group) {
        let kb: f64 = chunk.iter().map(|t| t.len() as f64 / 1024.0).sum();
        let seconds = (0..3)
            .map(|_| {
                let started = Instant::now();
                for text in chunk {
                    std::hint::black_box(parse(std::hint::black_box(text)));
                }
                started.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        let (small, large) = (
            chunk[0].len() as f64 / 1024.0,
            chunk[chunk.len() - 1].len() as f64 / 1024.0,
        );
        let range = format!("{small:.1}-{large:.1}");
        println!(
            "{:>9} {range:>18} {:>10.2}",
            chunk.len(),
            seconds * 1e6 / kb
        );
    }
}

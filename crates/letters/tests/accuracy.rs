//! The labelled corpus: its split is fixed by document, every variant keeps its document's
//! half, and on the development half (the only half rules are tuned on) every field reaches
//! 0.95 precision. The test half is measured by `examples/accuracy.rs`, never asserted here.

mod common;
mod corpus;

use corpus::Half;

#[test]
fn the_split_is_by_document_and_balanced() {
    let files = corpus::label_files();
    assert_eq!(files.len(), 11, "five seed letters and six sample reports");
    let split = corpus::split(&files);
    let test = split.values().filter(|h| **h == Half::Test).count();
    assert_eq!(test, 5);
    assert_eq!(split, corpus::split(&files), "deterministic");
}

#[test]
fn development_half_precision() {
    let (table, outcomes, _) = corpus::measure(Some(Half::Development));
    println!("{}", corpus::render(&table));
    for o in outcomes.iter().filter(|o| !o.wrong.is_empty()) {
        println!("fails: {} — {}", o.sample, o.wrong.join(", "));
    }
    for (field, count) in &table {
        let precision = count.precision().unwrap_or(1.0);
        assert!(precision >= 0.95, "{field}: precision {precision:.2} on the development half");
    }
}

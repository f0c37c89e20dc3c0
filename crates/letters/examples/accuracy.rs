//! Per-field precision and recall of the parser on the labelled corpus (`tests/labels`).
//!
//! `cargo run -p schoolsight-letters --example accuracy [-- dev|test|all]` (default: the test
//! half). Prints the split, the table in Markdown (as the README carries it) and every sample
//! with the fields it got wrong.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/corpus/mod.rs"]
mod corpus;

use corpus::Half;

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "test".to_string());
    let half = match which.as_str() {
        "dev" => Some(Half::Development),
        "test" => Some(Half::Test),
        "all" => None,
        other => {
            eprintln!("unknown half '{other}': dev, test or all");
            std::process::exit(2);
        }
    };
    let files = corpus::label_files();
    let split = corpus::split(&files);
    for (id, h) in &split {
        println!("{:<12} {id}", if *h == Half::Development { "development" } else { "test" });
    }
    let (table, outcomes, documents) = corpus::measure(half);
    println!(
        "\n{which}: {documents} documents, {} texts (files and their copied/retyped variants)\n",
        outcomes.len()
    );
    print!("{}", corpus::render(&table));
    println!();
    for o in &outcomes {
        if !o.wrong.is_empty() {
            let unreadable = o.unreadable.as_deref().map(|r| format!(" [unreadable: {r}]")).unwrap_or_default();
            println!("fails: {} — {}{unreadable}", o.sample, o.wrong.join(", "));
        }
    }
}

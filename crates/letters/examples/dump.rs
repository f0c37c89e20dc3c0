//! Prints a document's extracted text or its parsed record as JSON.
//!
//! `cargo run -p schoolsight-letters --example dump -- [--text] FILE...`
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text_only = args.iter().any(|a| a == "--text");
    for file in args.iter().filter(|a| *a != "--text") {
        match schoolsight_letters::read_document(std::path::Path::new(file)) {
            Ok(d) if text_only => println!("{}", d.text),
            Ok(d) => println!(
                "{}",
                serde_json::to_string_pretty(&schoolsight_letters::parse(&d.text))
                    .unwrap_or_default()
            ),
            Err(e) => println!("{file}: {e}"),
        }
    }
}

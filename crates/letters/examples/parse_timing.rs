//! Times `parse` over text documents (not the reading of them) and counts the kinds found.
//!
//! `cargo run --release -p schoolsight-letters --example parse_timing -- DIR_OR_FILE...`
//! (directories are searched for `.txt` files).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn text_files(path: &Path, found: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for entry in entries {
            text_files(&entry, found);
        }
    } else if path.extension().is_some_and(|e| e == "txt") {
        found.push(path.to_path_buf());
    }
}

fn main() {
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        text_files(Path::new(&arg), &mut files);
    }
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter_map(|f| schoolsight_letters::read_document(&f).ok().map(|d| (f, d.text)))
        .collect();
    let started = Instant::now();
    let letters: Vec<_> = texts.iter().map(|(_, text)| schoolsight_letters::parse(text)).collect();
    let elapsed = started.elapsed();
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for ((path, _), letter) in texts.iter().zip(&letters) {
        let kind = match &letter.unreadable {
            Some(_) => "unreadable".to_string(),
            None => format!("{:?}", letter.kind),
        };
        if std::env::var_os("SHOW_KINDS").is_some() {
            println!("{kind}\t{}", path.display());
        }
        *kinds.entry(kind).or_default() += 1;
    }
    println!(
        "parsed {} documents ({:.1} MB) in {:.3} s",
        letters.len(),
        bytes as f64 / 1e6,
        elapsed.as_secs_f64()
    );
    for (kind, n) in kinds {
        println!("{n:5}  {kind}");
    }
}

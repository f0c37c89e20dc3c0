//! Full-text search over letters and reports: one tantivy index that serves either database.
//!
//! The database is the record; the index is derived from it and can always be rebuilt
//! (`replace_all`). Documents are keyed by the letter's id, so indexing one again replaces it.

use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("search index: {0}")]
    Open(#[from] tantivy::directory::error::OpenDirectoryError),
}

/// What is indexed of one letter.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedLetter {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub date: Option<String>,
    /// The school or LA the letter is about, as linked.
    pub about: Option<String>,
    pub body: String,
}

/// One ranked result with a highlighted extract (HTML: text escaped, matches in `<b>`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub date: Option<String>,
    pub about: Option<String>,
    pub score: f32,
    pub snippet_html: String,
}

struct Fields {
    id: Field,
    title: Field,
    kind: Field,
    date: Field,
    about: Field,
    body: Field,
}

/// English words reduced to their stems ("inspected" finds "inspection"), lower-cased.
const ANALYZER: &str = "english_stem";

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        title: builder.add_text_field("title", text.clone()),
        kind: builder.add_text_field("kind", STRING | STORED),
        date: builder.add_text_field("date", STRING | STORED),
        about: builder.add_text_field("about", text.clone()),
        body: builder.add_text_field("body", text),
    };
    (builder.build(), fields)
}

/// The letters' full-text index. Its writer (tantivy's lock on the folder) is taken only for
/// the length of a write, so a server and the CLI can share one folder: `letters ingest` while
/// `serve` runs no longer fails with LockBusy, and each reads the other's commits.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// Serialises this process's writes; the folder's lock serialises processes.
    writing: Mutex<()>,
    fields: Fields,
    /// The file recording which way of indexing built the folder's contents (none in memory).
    marker: Option<std::path::PathBuf>,
}

/// The way letters are indexed; raised when what is indexed of a letter changes (2: the school's
/// name, not its URN, as what a letter is about), so an index built the old way is rebuilt.
pub const INDEX_VERSION: u32 = 2;
const MARKER: &str = "schoolsight-index-version";

/// Memory for the writer's buffer: enough for thousands of letters a commit.
const WRITER_MEMORY: usize = 50_000_000;

impl SearchIndex {
    /// Opens the index in `folder`, creating it (and the folder) if needed.
    pub fn open(folder: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(folder)
            .map_err(|source| SearchError::Folder { path: folder.display().to_string(), source })?;
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(folder)?;
        let index = Index::open_or_create(directory, schema)?;
        let mut opened = SearchIndex::with(index, fields)?;
        opened.marker = Some(folder.join(MARKER));
        Ok(opened)
    }

    /// Whether the folder's letters were indexed an older way (or by a version before the
    /// marker), and should be rebuilt from the database.
    pub fn outdated(&self) -> bool {
        let Some(marker) = &self.marker else { return false };
        std::fs::read_to_string(marker).ok().and_then(|v| v.trim().parse::<u32>().ok()) != Some(INDEX_VERSION)
    }

    /// An index that lives only in memory (for tests and one-off parses).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        SearchIndex::with(Index::create_in_ram(schema), fields)
    }

    fn with(index: Index, fields: Fields) -> Result<SearchIndex, SearchError> {
        let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        index.tokenizers().register(ANALYZER, analyzer);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, writing: Mutex::new(()), fields, marker: None })
    }

    /// A writer for one write, released when dropped.
    fn writer(&self) -> Result<IndexWriter, SearchError> {
        Ok(self.index.writer(WRITER_MEMORY)?)
    }

    /// Sees what has been committed since, by this process or another.
    pub fn refresh(&self) -> Result<(), SearchError> {
        Ok(self.reader.reload()?)
    }

    /// Adds or replaces letters, and makes them searchable.
    pub fn upsert(&self, letters: &[IndexedLetter]) -> Result<(), SearchError> {
        let _one_at_a_time = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let mut writer = self.writer()?;
        for letter in letters {
            writer.delete_term(Term::from_field_text(self.fields.id, &letter.id));
            writer.add_document(self.document(letter))?;
        }
        writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Replaces the whole index with `letters` (a rebuild from the database).
    pub fn replace_all(&self, letters: &[IndexedLetter]) -> Result<(), SearchError> {
        {
            let _one_at_a_time = self.writing.lock().unwrap_or_else(|p| p.into_inner());
            let mut writer = self.writer()?;
            writer.delete_all_documents()?;
            writer.commit()?;
        }
        self.upsert(letters)?;
        if let Some(marker) = &self.marker {
            std::fs::write(marker, INDEX_VERSION.to_string())
                .map_err(|source| SearchError::Folder { path: marker.display().to_string(), source })?;
        }
        Ok(())
    }

    fn document(&self, l: &IndexedLetter) -> TantivyDocument {
        let f = &self.fields;
        doc!(
            f.id => l.id.clone(),
            f.title => l.title.clone(),
            f.kind => l.kind.clone(),
            f.date => l.date.clone().unwrap_or_default(),
            f.about => l.about.clone().unwrap_or_default(),
            f.body => l.body.clone(),
        )
    }

    /// How many letters are searchable.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Letters matching `query` (words, "phrases", AND/OR/-word; a malformed query is read
    /// leniently rather than refused), best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, SearchError> {
        let f = &self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.about, f.body]);
        parser.set_field_boost(f.title, 2.0);
        parser.set_field_boost(f.about, 2.0);
        let (parsed, _errors) = parser.parse_query_lenient(query);
        // Another process (the CLI beside a server) may have committed letters since.
        self.refresh()?;
        let searcher = self.reader.searcher();
        let top = searcher.search(&parsed, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut snippets = SnippetGenerator::create(&searcher, &parsed, f.body)?;
        snippets.set_max_num_chars(240);
        top.into_iter()
            .map(|(score, address)| {
                let found: TantivyDocument = searcher.doc(address)?;
                let text = |field: Field| found.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
                let optional = |field: Field| Some(text(field)).filter(|t| !t.is_empty());
                Ok(SearchHit {
                    id: text(f.id),
                    title: text(f.title),
                    kind: text(f.kind),
                    date: optional(f.date),
                    about: optional(f.about),
                    score,
                    snippet_html: readable_snippet(&snippet_of(&snippets, &text(f.body)).to_html()),
                })
            })
            .collect()
    }
}

/// Whether a character is a converted PDF's furniture rather than text: bullets from symbol
/// fonts (the private use area, e.g. U+F06E, U+F0B7), box and block glyphs, geometric shapes
/// and bullets, the replacement character.
fn is_glyph(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0x2500..=0x25FF | 0x2022 | 0x2023 | 0x2043 | 0x2219 | 0xFFFD)
}

/// How much of a letter the extract is looked for in first: tokenizing a whole 100 KB report
/// for each of fifty hits was most of a search's time (bench/PROFILES.md).
const SNIPPET_SCAN: usize = 16_000;

/// The best passage among a letter's first [`SNIPPET_SCAN`] characters, or in the whole letter
/// when none of the query's words occurs there.
fn snippet_of(snippets: &SnippetGenerator, body: &str) -> Snippet {
    let head = &body[..body.floor_char_boundary(SNIPPET_SCAN)];
    let snippet = snippets.snippet(head);
    if snippet.is_empty() && head.len() < body.len() { snippets.snippet(body) } else { snippet }
}

/// A snippet as a reader should see it: glyphs out, whitespace single.
fn readable_snippet(html: &str) -> String {
    let text: String = html.chars().map(|c| if is_glyph(c) { ' ' } else { c }).collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(id: &str, title: &str, body: &str) -> IndexedLetter {
        IndexedLetter {
            id: id.into(),
            title: title.into(),
            kind: "school_monitoring".into(),
            date: Some("2018-02-07".into()),
            about: Some("Calderstones School".into()),
            body: body.into(),
        }
    }

    #[test]
    fn finds_ranks_and_highlights() {
        let index = SearchIndex::in_memory().unwrap();
        index
            .upsert(&[
                letter("a", "Monitoring visit", "Leaders must improve mathematics. Mathematics results fell."),
                letter("b", "Focused inspections", "The local authority brokered support in mathematics."),
                letter("c", "Other", "Nothing relevant here."),
            ])
            .unwrap();
        let hits = index.search("mathematics", 10).unwrap();
        assert_eq!(hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), vec!["a", "b"]);
        assert!(hits[0].snippet_html.contains("<b>"), "{}", hits[0].snippet_html);
        // Stemming: "inspected" finds "inspections".
        assert_eq!(index.search("inspected", 10).unwrap()[0].id, "b");
    }

    #[test]
    fn a_word_only_deep_in_a_long_letter_still_gets_its_extract() {
        let index = SearchIndex::in_memory().unwrap();
        // 38,000 characters before the only mention: past the first look.
        let long = format!("{} The council appointed a new ombudsman in March.", "Pupils learn well. ".repeat(2_000));
        index.upsert(&[letter("deep", "Report", &long)]).unwrap();
        let hit = &index.search("ombudsman", 10).unwrap()[0];
        assert!(hit.snippet_html.contains("<b>ombudsman</b>"), "{}", hit.snippet_html);
    }

    #[test]
    fn snippets_carry_no_pdf_bullets_or_box_glyphs() {
        let index = SearchIndex::in_memory().unwrap();
        // U+F06E is the Wingdings bullet the seed letters' conversion left, U+F0B7 Symbol's.
        index.upsert(&[letter("a", "t", "Leaders should:\n\u{f06e} improve governance\n\u{f0b7} raise \u{25a0} attendance \u{2022} now")]).unwrap();
        let hit = &index.search("governance", 5).unwrap()[0];
        assert!(!hit.snippet_html.chars().any(is_glyph), "{}", hit.snippet_html);
        assert!(hit.snippet_html.contains("Leaders should: improve <b>governance</b> raise attendance now"), "{}", hit.snippet_html);
    }

    #[test]
    fn indexing_again_replaces_and_snippets_are_escaped() {
        let index = SearchIndex::in_memory().unwrap();
        index.upsert(&[letter("a", "t", "governance <script>alert(1)</script> governance")]).unwrap();
        index.upsert(&[letter("a", "t", "governance <script>alert(1)</script> review")]).unwrap();
        assert_eq!(index.len(), 1);
        let hit = &index.search("governance", 5).unwrap()[0];
        assert!(!hit.snippet_html.contains("<script>"), "{}", hit.snippet_html);
        assert!(hit.snippet_html.contains("&lt;script&gt;"), "{}", hit.snippet_html);
        // A malformed query is read leniently, not refused.
        assert!(index.search("governance AND (", 5).is_ok());
    }

    #[test]
    fn two_processes_share_one_folder_without_lock_busy() {
        let dir = tempfile::tempdir().unwrap();
        let server = SearchIndex::open(dir.path()).unwrap();
        server.upsert(&[letter("a", "t", "warning notice")]).unwrap();
        // The CLI opens the folder the server holds, and writes to it.
        let cli = SearchIndex::open(dir.path()).unwrap();
        cli.upsert(&[letter("b", "t", "core group warning")]).unwrap();
        assert_eq!(server.search("warning", 5).unwrap().len(), 2, "the server reads the CLI's commit");
        server.upsert(&[letter("c", "t", "warning again")]).unwrap();
        cli.refresh().unwrap();
        assert_eq!(cli.len(), 3);
    }

    #[test]
    fn an_index_built_the_old_way_is_outdated_until_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        assert!(index.outdated(), "a folder without the marker (made before it) is outdated");
        index.replace_all(&[letter("a", "t", "warning notice")]).unwrap();
        assert!(!index.outdated());
        std::fs::write(dir.path().join(MARKER), "1").unwrap();
        assert!(SearchIndex::open(dir.path()).unwrap().outdated());
        assert!(!SearchIndex::in_memory().unwrap().outdated());
    }

    #[test]
    fn the_index_persists_in_its_folder_and_can_be_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        {
            let index = SearchIndex::open(dir.path()).unwrap();
            index.upsert(&[letter("a", "t", "warning notice")]).unwrap();
        }
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.search("warning", 5).unwrap().len(), 1);
        index.replace_all(&[letter("b", "t", "core group")]).unwrap();
        assert!(index.search("warning", 5).unwrap().is_empty());
        assert_eq!(index.len(), 1);
    }
}

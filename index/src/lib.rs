//! `savoirs-index`: the full-text index of Savoirs, built on tantivy.
//!
//! The index is *derived*: the application's store is the truth, and this crate only
//! ever receives plain [`IndexDoc`] values and change batches tagged with the store's
//! change-log sequence number. The last applied sequence is written in the tantivy
//! commit payload, so after a crash the application asks [`SearchIndex::applied_seq`]
//! and replays what is missing.
//!
//! - [`analysis`]: per-language analyzers (French, English, Spanish).
//! - [`schema`]: the fields, and how much each weighs.
//! - [`query`]: the forgiving query syntax and the query builder.
//! - [`snippet`]: highlighted, escaped excerpts.
//! - [`doc`]: the values exchanged with the application.

pub mod analysis;
pub mod doc;
pub mod facets;
pub mod query;
pub mod reading;
pub mod schema;
pub mod snippet;
pub mod typo;

use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, Query};
use tantivy::schema::{Facet, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    Term,
};

pub use analysis::Lang;
pub use doc::{
    Completion, FacetCount, Facets, FileMatch, FilePage, Hit, IndexDoc, Period, SearchRequest,
    SearchResults, Sort,
};
pub use schema::SCHEMA_VERSION;

use crate::query::{Match, ParsedQuery, Piece};
use crate::reading::Reading;
use crate::schema::{Fields, Role};

/// The least each writer thread may be given (tantivy's own floor, with room).
pub const WRITER_THREAD_MEMORY: usize = 16 * 1024 * 1024;

/// How the index writer works: what it may buffer before it writes a segment,
/// split among its threads, and how many threads it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Writing {
    /// Bytes, [`WRITER_THREAD_MEMORY`] per thread at least.
    pub memory: usize,
    /// The most threads; fewer on a machine with fewer cores (and 4 at most).
    pub threads: usize,
}

impl Default for Writing {
    fn default() -> Writing {
        Writing {
            memory: 64 * 1024 * 1024,
            threads: 4,
        }
    }
}
const SNIPPET_CHARS: usize = 220;
/// Most values returned per facet.
const FACET_VALUES: usize = 20;
/// The only status whose words enter the shared spelling vocabulary: it is
/// offered to every reader, so it must hold nothing a reader may not see.
const PUBLISHED: &str = "published";
/// Queries with more meaningful words than this match any of them (ranked).
const LONG_QUERY_WORDS: usize = 4;
/// How many of the best candidates get their words' proximity scored.
const RESCORED: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index I/O error on {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, IndexError>;

/// One change to apply to the index.
#[derive(Debug, Clone)]
pub enum Change {
    /// A record new or changed: any older copy of it is replaced.
    Upsert(Box<IndexDoc>),
    /// A record the index cannot hold yet (created since the index last caught
    /// up, or after it was cleared): added without looking for an older copy,
    /// which spares a delete that every segment would otherwise have to apply.
    Add(Box<IndexDoc>),
    Delete(String),
}

/// What opening an index found.
#[derive(Debug)]
pub struct Opened {
    pub index: SearchIndex,
    /// Why the existing index was thrown away and recreated empty, if it was; the
    /// caller must then replay the whole store.
    pub recreated: Option<String>,
}

/// The search index of one data directory. One per process: it holds the only
/// writer, and a reader whose searchers are cheap to take per request.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    facet_cache: std::sync::Arc<facets::Cache>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

fn payload(seq: u64) -> String {
    format!("savoirs-index schema={SCHEMA_VERSION} seq={seq}")
}

/// Reads `(schema, seq)` back from a commit payload.
fn parse_payload(payload: &str) -> Option<(u32, u64)> {
    let rest = payload.strip_prefix("savoirs-index schema=")?;
    let (schema, seq) = rest.split_once(" seq=")?;
    Some((schema.parse().ok()?, seq.parse().ok()?))
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it if needed. An index that cannot be
    /// opened, or that was built with another schema version, is deleted and
    /// recreated empty; [`Opened::recreated`] says why.
    pub fn open(dir: &Path) -> Result<Opened> {
        Self::open_with(dir, Writing::default())
    }

    /// [`open`](Self::open), the writer working as `writing` says.
    pub fn open_with(dir: &Path, writing: Writing) -> Result<Opened> {
        let io = |source| IndexError::Io {
            path: dir.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let fields = Fields::build();
        let mut recreated = None;
        let index = if dir.join("meta.json").exists() {
            match Self::open_existing(dir, &fields) {
                Ok(index) => index,
                Err(reason) => {
                    recreated = Some(reason);
                    std::fs::remove_dir_all(dir).map_err(io)?;
                    std::fs::create_dir_all(dir).map_err(io)?;
                    Index::create_in_dir(dir, fields.schema.clone())?
                }
            }
        } else {
            let has_files = std::fs::read_dir(dir).map_err(io)?.next().is_some();
            if has_files {
                recreated = Some("the index has no meta.json".to_owned());
                std::fs::remove_dir_all(dir).map_err(io)?;
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            Index::create_in_dir(dir, fields.schema.clone())?
        };
        Ok(Opened {
            index: Self::from_index(index, fields, writing)?,
            recreated,
        })
    }

    /// An index held in memory, for tests and tools.
    pub fn in_memory() -> Result<SearchIndex> {
        let fields = Fields::build();
        let index = Index::create_in_ram(fields.schema.clone());
        Self::from_index(index, fields, Writing::default())
    }

    fn open_existing(dir: &Path, fields: &Fields) -> std::result::Result<Index, String> {
        let index = Index::open_in_dir(dir).map_err(|e| format!("it could not be opened: {e}"))?;
        // Field numbers are positions in the schema: an index with other fields,
        // whatever its version says, would be read wrong.
        if index.schema() != fields.schema {
            return Err("its fields are not those of this version".to_owned());
        }
        let metas = index
            .load_metas()
            .map_err(|e| format!("its metadata could not be read: {e}"))?;
        match metas.payload.as_deref().and_then(parse_payload) {
            Some((SCHEMA_VERSION, _)) => {}
            Some((other, _)) => {
                return Err(format!(
                    "it was built with schema {other}, this version uses schema {SCHEMA_VERSION}"
                ));
            }
            None if metas.segments.is_empty() => {}
            None => return Err("its commit carries no Savoirs payload".to_owned()),
        }
        // Every segment's files must be there: searching a missing one would fail
        // later, in the middle of a request.
        let reader = index
            .reader()
            .map_err(|e| format!("it could not be read: {e}"))?;
        let searcher = reader.searcher();
        searcher
            .search(&AllQuery, &Count)
            .map_err(|e| format!("it could not be searched: {e}"))?;
        Ok(index)
    }

    fn from_index(index: Index, fields: Fields, writing: Writing) -> Result<SearchIndex> {
        analysis::register(index.tokenizers());
        // Each writer thread needs a buffer of its own, of 15 MB at least.
        let memory = writing.memory.max(WRITER_THREAD_MEMORY);
        let threads = std::thread::available_parallelism()
            .map(|n| n.get().clamp(1, 4))
            .unwrap_or(1)
            .min(writing.threads.max(1))
            .min(memory / WRITER_THREAD_MEMORY);
        let writer = index.writer_with_num_threads(threads, memory)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            facet_cache: Default::default(),
        })
    }

    /// The last change-log sequence number whose changes are committed in the index,
    /// or 0 for an empty index.
    pub fn applied_seq(&self) -> Result<u64> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(parse_payload)
            .map_or(0, |(_, seq)| seq))
    }

    /// Applies a batch of changes and commits them together with `seq`, the store's
    /// change-log position they bring the index up to. Searchers taken after this
    /// returns see the changes.
    pub fn apply(&self, changes: Vec<Change>, seq: u64) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        self.stage_with(&writer, changes)?;
        self.commit(&mut writer, seq)
    }

    /// Applies changes without committing them: a bulk load stages many batches
    /// and commits once, with [`commit_at`](Self::commit_at). Until then readers
    /// see none of them, and a crash loses them all (the store still has them).
    pub fn stage(&self, changes: Vec<Change>) -> Result<()> {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        self.stage_with(&writer, changes)
    }

    /// Commits what was staged, recording that the index now holds every change
    /// of the store up to `seq`.
    pub fn commit_at(&self, seq: u64) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        self.commit(&mut writer, seq)
    }

    fn stage_with(&self, writer: &IndexWriter, changes: Vec<Change>) -> Result<()> {
        for change in changes {
            match change {
                Change::Upsert(doc) => {
                    writer.delete_term(Term::from_field_text(self.fields.id, &doc.id));
                    writer.add_document(self.to_document(&doc))?;
                }
                Change::Add(doc) => {
                    writer.add_document(self.to_document(&doc))?;
                }
                Change::Delete(id) => {
                    writer.delete_term(Term::from_field_text(self.fields.id, &id));
                }
            }
        }
        Ok(())
    }

    /// Empties the index (kept uncommitted until the next commit, so a rebuild is
    /// atomic for readers).
    pub fn clear(&self) -> Result<()> {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        writer.delete_all_documents()?;
        Ok(())
    }

    /// During a bulk load, segments are left unmerged until [`merge_segments`]
    /// (Self::merge_segments) merges them all once at the end: merging them as
    /// they come would merge the same documents several times.
    pub fn set_bulk(&self, bulk: bool) {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if bulk {
            writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        } else {
            writer.set_merge_policy(Box::<tantivy::indexer::LogMergePolicy>::default());
        }
    }

    /// Merges every segment into one, after a bulk load: each query pays a fixed
    /// cost per segment (its terms looked up, its scorers built, its spelling
    /// vocabulary walked), and a bulk load leaves a dozen. Readers see the merged
    /// segment when this returns.
    pub fn merge_segments(&self) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        // The writer's own merges may be running on some of the segments, and a
        // merge of a segment already merged away is refused: ask again, with the
        // segments of then, until these merges are done.
        let mut attempts = 0;
        loop {
            let ids = self.index.searchable_segment_ids()?;
            if ids.len() < 2 {
                break;
            }
            match writer.merge(&ids).wait() {
                Ok(_) => break,
                Err(tantivy::TantivyError::InvalidArgument(_)) if attempts < 50 => {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(e) => return Err(e.into()),
            }
        }
        self.reload()
    }

    /// Lets new searches see the latest segments, and forgets the facet values
    /// of the segments gone.
    fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        let live: Vec<tantivy::index::SegmentId> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        self.facet_cache.retain(&live);
        Ok(())
    }

    fn commit(&self, writer: &mut IndexWriter, seq: u64) -> Result<()> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload(seq));
        prepared.commit()?;
        self.reload()
    }

    fn to_document(&self, d: &IndexDoc) -> TantivyDocument {
        let f = &self.fields;
        let lang = Lang::from_code(&d.lang);
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &d.id);
        doc.add_text(f.kind, &d.kind);
        doc.add_text(f.lang, &d.lang);
        doc.add_text(f.status, &d.status);
        doc.add_text(f.url, &d.url);
        doc.add_u64(f.revision, d.revision);
        doc.add_text(f.text(lang, Role::Title), &d.title);
        doc.add_text(f.text(lang, Role::Summary), &d.summary);
        doc.add_text(f.text(lang, Role::Body), &d.body);
        for text in [&d.title, &d.summary, &d.body] {
            doc.add_text(f.words(lang), text);
        }
        // Spelling suggestions are chosen from one vocabulary shared by every
        // reader, so only published records give it words; drafts, proposals and
        // archived records are still searchable by those allowed to see them.
        let spell = d.status == PUBLISHED;
        // Labels whose language is known are analysed in it (the English label
        // of a concept is English words in a French record) and teach the index
        // that language's words; the others are in the record's language.
        let labels = d.labels.iter().map(|l| (None, l));
        let lang_labels = d.lang_labels.iter().map(|(c, l)| (Lang::known(c), l));
        for (label_lang, label) in labels.chain(lang_labels) {
            doc.add_text(f.text(label_lang.unwrap_or(lang), Role::Labels), label);
            if let Some(label_lang) = label_lang {
                doc.add_text(f.words(label_lang), label);
            }
            doc.add_text(f.label_text, label);
            if spell {
                doc.add_text(f.spell, label);
            }
            doc.add_text(f.complete, label);
        }
        if spell {
            doc.add_text(f.spell, &d.title);
            doc.add_text(f.spell, &d.summary);
        }
        doc.add_text(f.complete, &d.title);
        doc.add_facet(f.facets, query::facet("kind", &d.kind));
        doc.add_facet(f.facets, query::facet("lang", &d.lang));
        let mut count = |dimension: &str, value: &str| {
            if let Some(field) = f.facet_value(dimension) {
                doc.add_text(field, value);
            }
        };
        count("kind", &d.kind);
        count("lang", &d.lang);
        for p in &d.partners {
            count("partner", p);
        }
        for k in &d.keywords {
            count("keyword", k);
        }
        for p in &d.places {
            count("place", p);
        }
        if let Some(p) = d.period {
            for year in p.start..=p.end.min(p.start + 50) {
                count("year", &year.to_string());
            }
        }
        doc.add_facet(f.facets, query::facet("status", &d.status));
        if !d.owner.is_empty() {
            doc.add_facet(f.facets, query::facet("owner", &d.owner));
        }
        for p in &d.partners {
            doc.add_text(f.partners, p);
            doc.add_facet(f.facets, query::facet("partner", p));
        }
        for k in &d.keywords {
            doc.add_text(f.keywords, k);
            doc.add_facet(f.facets, query::facet("keyword", k));
        }
        for p in &d.places {
            doc.add_facet(f.facets, query::facet("place", p));
        }
        if let Some(p) = d.period {
            doc.add_i64(f.period_start, p.start);
            doc.add_i64(f.period_end, p.end);
            // A period counts for every year it covers (bounded, in case of bad data).
            for year in p.start..=p.end.min(p.start + 50) {
                doc.add_facet(f.facets, query::facet("year", &year.to_string()));
            }
        }
        doc.add_i64(f.updated, d.updated);
        if let Some(a) = d.amount {
            doc.add_i64(f.amount, a);
        }
        // Each language's pages in its own field, and where each page comes
        // from in the same order, so that a hit can say "dans rapport.pdf, p. 12".
        for l in Lang::ALL {
            for page in d.files.iter().filter(|p| Lang::from_code(&p.lang) == l) {
                doc.add_text(f.text(l, Role::Files), &page.text);
                let place = format!("{}\u{1f}{}\u{1f}{}", l.code(), page.page, page.file);
                doc.add_text(f.file_where, place);
            }
        }
        for format in &d.formats {
            doc.add_facet(f.facets, query::facet("format", format));
            if let Some(field) = f.facet_value("format") {
                doc.add_text(field, format);
            }
        }
        doc.add_text(f.title_sort, sort_key(&d.title));
        doc.add_text(f.title_key, analysis::key(lang, &d.title));
        doc
    }

    /// Number of documents in the committed index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Number of documents with this status in the committed index: a count that
    /// can be given to anyone for `published`, unlike [`num_docs`](Self::num_docs).
    pub fn count_status(&self, status: &str) -> Result<u64> {
        let searcher = self.reader.searcher();
        let q = query::facet_term(&self.fields, "status", status);
        Ok(searcher.search(q.as_ref(), &Count)? as u64)
    }

    /// Every indexed record as `(id, revision)`, for consistency checks.
    pub fn revisions(&self) -> Result<Vec<(String, u64)>> {
        let searcher = self.reader.searcher();
        let addresses = searcher.search(&AllQuery, &tantivy::collector::DocSetCollector)?;
        let mut out = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            out.push((
                text_value(&doc, self.fields.id),
                doc.get_first(self.fields.revision)
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0),
            ));
        }
        out.sort();
        Ok(out)
    }

    /// Gives `each` the id of every record the words and filters of a search
    /// find, in no particular order: what the maps and the dashboard count. The words
    /// are taken as typed (all of them, or any for a long question), without
    /// the corrections and partial matches a results page may fall back to.
    pub fn matching_ids(&self, req: &SearchRequest, mut each: impl FnMut(&str)) -> Result<()> {
        let searcher = self.reader.searcher();
        let mut parsed = query::parse(&req.text);
        self.resolve_filters(&searcher, req, &mut parsed)?;
        let pieces = parsed.groups.iter().flatten().chain(&parsed.excluded);
        let reading = Reading::of(&searcher, &self.fields, pieces.map(Piece::text))?;
        let mode = if parsed.meaningful_groups(&reading) > LONG_QUERY_WORDS {
            Match::Ranked
        } else {
            Match::All
        };
        let q = query::build(&self.fields, &parsed, req, mode, &reading);
        let addresses = searcher.search(q.as_ref(), &tantivy::collector::DocSetCollector)?;
        // Term ordinals by segment, then each segment's ids read in one pass
        // over its dictionary: looking ids up one by one costs a block of the
        // dictionary each, which at 100 000 matches takes a second.
        let mut ords: Vec<Vec<u64>> = vec![Vec::new(); searcher.segment_readers().len()];
        let mut columns = Vec::with_capacity(ords.len());
        for reader in searcher.segment_readers() {
            columns.push(reader.fast_fields().str("id")?);
        }
        for address in addresses {
            let segment = address.segment_ord as usize;
            if let (Some(Some(column)), Some(found)) = (columns.get(segment), ords.get_mut(segment))
            {
                found.extend(column.term_ords(address.doc_id));
            }
        }
        for (column, mut found) in columns.iter().zip(ords) {
            let Some(column) = column else { continue };
            found.sort_unstable();
            found.dedup();
            column
                .dictionary()
                .sorted_ords_to_term_cb(&found, |bytes| {
                    if let Ok(id) = std::str::from_utf8(bytes) {
                        each(id);
                    }
                })
                .map_err(tantivy::TantivyError::from)?;
        }
        Ok(())
    }

    /// Runs a search. Odd syntax never fails: see [`query::parse`].
    ///
    /// The records that hold every word come first. When some words look
    /// misspelt and records hold every word of the corrected query, those are
    /// returned (`corrected`); when no record holds every word, the records that
    /// hold the most of them (`partial`). A correction is offered whenever a word
    /// is unknown and close to a known one, however many records the others
    /// find: a typo beside a common word is still a typo.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let suggestion = if req.text.trim().is_empty() {
            None
        } else {
            self.correction(&searcher, req, &req.text)?
        };
        // A correction replaces words that no record the reader may see holds:
        // as typed, the query can at best find records holding some of its
        // words. So the corrected query is tried first, and kept when records
        // hold every one of its words.
        if let Some(corrected) = &suggestion {
            let mut again = self.search_text(&searcher, req, corrected, false)?;
            if again.total > 0 && !again.partial {
                again.corrected = true;
                again.suggestion = suggestion;
                return Ok(again);
            }
        }
        let mut results = self.search_text(&searcher, req, &req.text, false)?;
        if results.total == 0 {
            let text = suggestion.as_deref().unwrap_or(&req.text);
            let mut some = self.search_text(&searcher, req, text, true)?;
            if some.total > 0 {
                some.notice = results.notice.take();
                some.notices = std::mem::take(&mut results.notices);
                some.corrected = suggestion.is_some();
                results = some;
            }
        }
        results.suggestion = suggestion;
        Ok(results)
    }

    /// The hits of `text`: records holding every meaningful word, or with `any`,
    /// records holding the most of them that any record holds.
    fn search_text(
        &self,
        searcher: &Searcher,
        req: &SearchRequest,
        text: &str,
        any: bool,
    ) -> Result<SearchResults> {
        let mut parsed = query::parse(text);
        self.resolve_filters(searcher, req, &mut parsed)?;
        let pieces = parsed.groups.iter().flatten().chain(&parsed.excluded);
        let reading = Reading::of(searcher, &self.fields, pieces.map(Piece::text))?;
        let limit = req.limit.clamp(1, 100);
        let words = parsed.meaningful_groups(&reading);
        // A long question is not a list of words that must all appear: any may,
        // and the records with the most of them, best placed, rank first.
        let long = words > LONG_QUERY_WORDS;
        if any && (long || words < 2) {
            // Already searched for any word, or there is only one.
            return Ok(SearchResults::default());
        }
        let mut matched = None;
        let mut partial = any;
        let mode = if long {
            // Said to be partial when no record holds every word.
            let every = query::build(&self.fields, &parsed, req, Match::All, &reading);
            partial = !exists(searcher, every.as_ref())?;
            Match::Ranked
        } else if any {
            match self.most_words(searcher, req, &parsed, &reading, words)? {
                Some(k) => {
                    matched = Some((k, words));
                    Match::AtLeast(k)
                }
                None => return Ok(SearchResults::default()),
            }
        } else {
            Match::All
        };
        let q = query::build(&self.fields, &parsed, req, mode, &reading);
        let close = query::proximity(&self.fields, &parsed, &reading);
        let page = Page {
            sort: req.sort,
            offset: req.offset,
            limit,
        };
        let found = self.collect(searcher, q.as_ref(), close.as_deref(), page)?;
        let (total, addresses, facets) = found;
        let hits = self.hits(searcher, q.as_ref(), &parsed, addresses)?;
        Ok(SearchResults {
            total,
            hits,
            facets,
            partial,
            matched,
            notice: parsed.notice.clone(),
            notices: parsed.notices.clone(),
            suggestion: None,
            corrected: false,
        })
    }

    /// The most of a short query's `words` meaningful words that a record the
    /// reader may see holds, below all of them; `None` when none holds any.
    fn most_words(
        &self,
        searcher: &Searcher,
        req: &SearchRequest,
        parsed: &ParsedQuery,
        reading: &Reading,
        words: usize,
    ) -> Result<Option<usize>> {
        for k in (1..words).rev() {
            let q = query::build(&self.fields, parsed, req, Match::AtLeast(k), reading);
            if exists(searcher, q.as_ref())? {
                return Ok(Some(k));
            }
        }
        Ok(None)
    }

    /// Partner and keyword filters typed in a query match their values loosely
    /// (`partner:ritimo` is `RITIMO`), among the values of records the reader may
    /// see: the spelling of a hidden record's value is not given away.
    fn resolve_filters(
        &self,
        searcher: &Searcher,
        req: &SearchRequest,
        parsed: &mut ParsedQuery,
    ) -> Result<()> {
        for (dimension, wanted) in [
            ("partner", &mut parsed.filters.partners),
            ("keyword", &mut parsed.filters.keywords),
            ("place", &mut parsed.filters.places),
        ] {
            if wanted.is_empty() {
                continue;
            }
            let known = self.facet_values(searcher, dimension)?;
            for value in wanted.iter_mut() {
                let key = analysis::terms_plain(value);
                for found in known.iter().filter(|k| analysis::terms_plain(k) == key) {
                    let term = query::facet_term(&self.fields, dimension, found);
                    if self.any_visible(searcher, req, term)? {
                        value.clone_from(found);
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// Every value of a facet dimension present in the index.
    fn facet_values(&self, searcher: &Searcher, dimension: &str) -> Result<Vec<String>> {
        let prefix = Facet::from_path([dimension]);
        let mut values = std::collections::BTreeSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.facets)?;
            let mut stream = inverted
                .terms()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                if let Ok(facet) = Facet::from_encoded(stream.key().to_vec())
                    && prefix.is_prefix_of(&facet)
                    && let Some(last) = facet.to_path().last()
                {
                    values.insert((*last).to_owned());
                }
            }
        }
        Ok(values.into_iter().collect())
    }

    /// Whether any live record the request's reader may see matches `q`.
    fn any_visible(
        &self,
        searcher: &Searcher,
        req: &SearchRequest,
        q: Box<dyn Query>,
    ) -> Result<bool> {
        let mut clauses = vec![(tantivy::query::Occur::Must, q)];
        if let Some(visible) = query::visibility(&self.fields, req) {
            clauses.push((tantivy::query::Occur::Must, visible));
        }
        let q = tantivy::query::BooleanQuery::new(clauses);
        exists(searcher, &q)
    }

    /// A corrected query, if some words are unknown to the records the reader may
    /// see and close to a word of the published vocabulary: one edit allowed from
    /// five letters, two from nine.
    fn correction(
        &self,
        searcher: &Searcher,
        req: &SearchRequest,
        text: &str,
    ) -> Result<Option<String>> {
        let parsed = query::parse(text);
        let mut corrected = text.to_owned();
        let mut changed = false;
        for word in parsed.words() {
            // Each part of a word is corrected on its own: `get_absooute_file_path`
            // is four words to the index.
            let mut better_word = word.clone();
            for (range, folded) in analysis::label_tokens(&word).into_iter().rev() {
                let length = folded.chars().count();
                // A stop word (`elles`, `avoir`) is not a typo, known or not.
                let stop = Lang::ALL
                    .iter()
                    .any(|l| analysis::terms(*l, &folded).is_empty());
                if length < 5 || stop || self.is_known(searcher, req, &folded)? {
                    continue;
                }
                let max = if length >= 9 { 2 } else { 1 };
                if let Some(better) = self.closest_word(searcher, &folded, max)? {
                    better_word.replace_range(range, &better);
                }
            }
            if better_word != word {
                corrected = ParsedQuery::replace_word(&corrected, &word, &better_word);
                changed = true;
            }
        }
        Ok(changed.then_some(corrected))
    }

    /// Whether a record the reader may see holds the word, in any language's
    /// analysis. Asking the whole index would tell, by the absence of a
    /// correction, that a hidden record holds it.
    fn is_known(&self, searcher: &Searcher, req: &SearchRequest, word: &str) -> Result<bool> {
        let mut terms: Vec<(tantivy::query::Occur, Box<dyn Query>)> = Vec::new();
        for lang in Lang::ALL {
            for term in analysis::terms(lang, word) {
                for role in Role::ALL {
                    let t = Term::from_field_text(self.fields.text(lang, role), &term);
                    terms.push((
                        tantivy::query::Occur::Should,
                        Box::new(tantivy::query::TermQuery::new(
                            t,
                            tantivy::schema::IndexRecordOption::Basic,
                        )),
                    ));
                }
            }
        }
        if terms.is_empty() {
            return Ok(false);
        }
        let any = Box::new(tantivy::query::BooleanQuery::new(terms));
        self.any_visible(searcher, req, any)
    }

    /// The vocabulary word closest to `folded` within `max` edits; ties go to the
    /// most frequent.
    fn closest_word(
        &self,
        searcher: &Searcher,
        folded: &str,
        max: usize,
    ) -> Result<Option<String>> {
        let automaton = typo::Folded::new(folded, max.min(2) as u8);
        let mut best: Option<(u8, u32, String)> = None;
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.spell)?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                let Some(distance) = automaton.distance(stream.key()) else {
                    continue;
                };
                let Ok(word) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if distance == 0 {
                    continue;
                }
                // The term dictionary keeps the words of deleted documents until
                // their segment is merged: a record that left the published state
                // must not go on lending its words.
                let info = stream.value();
                if !any_live(segment, &inverted, info)? {
                    continue;
                }
                let freq = info.doc_freq;
                let better = match &best {
                    None => true,
                    Some((d, f, _)) => distance < *d || (distance == *d && freq > *f),
                };
                if better {
                    best = Some((distance, freq, word.to_owned()));
                }
            }
        }
        Ok(best.map(|(_, _, w)| w))
    }

    /// Completions for what is being typed: records whose title or labels have a
    /// word starting with the last word typed (and containing the ones before), and
    /// keywords of the records that match. Visibility as in `req`.
    pub fn complete(
        &self,
        text: &str,
        req: &SearchRequest,
        limit: usize,
    ) -> Result<Vec<Completion>> {
        let words = analysis::label_terms(text);
        let Some((last, before)) = words.split_last() else {
            return Ok(Vec::new());
        };
        let prefix: String = last.chars().filter(|c| c.is_alphanumeric()).collect();
        if prefix.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let mut clauses: Vec<(tantivy::query::Occur, Box<dyn Query>)> = Vec::new();
        let regex =
            tantivy::query::RegexQuery::from_pattern(&format!("{prefix}.*"), self.fields.complete)?;
        clauses.push((tantivy::query::Occur::Must, Box::new(regex)));
        for word in before {
            let term = Term::from_field_text(self.fields.complete, word);
            clauses.push((
                tantivy::query::Occur::Must,
                Box::new(tantivy::query::TermQuery::new(
                    term,
                    tantivy::schema::IndexRecordOption::Basic,
                )),
            ));
        }
        let visibility = query::build(
            &self.fields,
            &ParsedQuery::default(),
            req,
            Match::All,
            &Reading::default(),
        );
        clauses.push((tantivy::query::Occur::Must, visibility));
        let q = tantivy::query::BooleanQuery::new(clauses);
        let facets = facets::FacetCounter::new(self.facet_cache.clone(), &searcher, &["keyword"])?;
        let (top, facet_counts) = searcher.search(
            &q,
            &(
                TopDocs::with_limit(limit.max(1))
                    .order_by_string_fast_field("title_sort", Order::Asc),
                facets,
            ),
        )?;
        let mut out = Vec::new();
        // Partners first: their names are what people most often type.
        let mut records = Vec::new();
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let lang = Lang::from_code(&text_value(&doc, self.fields.lang));
            records.push(Completion {
                label: text_value(&doc, self.fields.text(lang, Role::Title)),
                kind: text_value(&doc, self.fields.kind),
                url: text_value(&doc, self.fields.url),
            });
        }
        records.sort_by_key(|c| c.kind != "partner");
        let words_before = before.len();
        let mut keywords: Vec<(String, u64)> = facet_counts
            .all(0)
            .into_iter()
            .filter(|(k, _)| {
                let terms = analysis::label_terms(k);
                terms.iter().any(|t| t.starts_with(&prefix))
                    && terms.len() > words_before.saturating_sub(1)
            })
            .collect();
        keywords.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (k, _) in keywords.into_iter().take(limit / 2) {
            out.push(Completion {
                label: k,
                kind: "keyword".to_owned(),
                url: String::new(),
            });
        }
        let room = limit.saturating_sub(out.len());
        let mut all: Vec<Completion> = records.into_iter().take(room).collect();
        all.extend(out);
        Ok(all)
    }

    #[allow(clippy::type_complexity)]
    /// The total, one page of hits and the facet counts of `q`. By relevance,
    /// the best [`RESCORED`] candidates also get the score of `close`, the
    /// proximity of their words, before the page is cut from them.
    fn collect(
        &self,
        searcher: &Searcher,
        q: &dyn Query,
        close: Option<&dyn Query>,
        page: Page,
    ) -> Result<(usize, Vec<(f32, DocAddress)>, Facets)> {
        let Page {
            sort,
            offset,
            limit,
        } = page;
        let facet_collector =
            facets::FacetCounter::new(self.facet_cache.clone(), searcher, &facets::DIMENSIONS)?;
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (total, addresses, facet_counts) = match (sort, close) {
            (Sort::Relevance, None) => {
                searcher.search(q, &(Count, top.order_by_score(), facet_collector))?
            }
            (Sort::Relevance, Some(close)) => {
                let candidates = TopDocs::with_limit((offset + limit).max(RESCORED));
                let (total, best, facets) =
                    searcher.search(q, &(Count, candidates.order_by_score(), facet_collector))?;
                let mut best = rescore(searcher, close, best)?;
                best.drain(..offset.min(best.len()));
                best.truncate(limit);
                (total, best, facets)
            }
            (Sort::Newest | Sort::Oldest | Sort::Amount, _) => {
                let (field, order) = match sort {
                    Sort::Newest => ("updated", Order::Desc),
                    Sort::Oldest => ("updated", Order::Asc),
                    _ => ("amount", Order::Desc),
                };
                let (total, docs, facets) = searcher.search(
                    q,
                    &(
                        Count,
                        top.order_by_fast_field::<i64>(field, order),
                        facet_collector,
                    ),
                )?;
                (
                    total,
                    docs.into_iter().map(|(_, a)| (0.0, a)).collect(),
                    facets,
                )
            }
            (Sort::Title, _) => {
                let (total, docs, facets) = searcher.search(
                    q,
                    &(
                        Count,
                        top.order_by_string_fast_field("title_sort", Order::Asc),
                        facet_collector,
                    ),
                )?;
                (
                    total,
                    docs.into_iter().map(|(_, a)| (0.0, a)).collect(),
                    facets,
                )
            }
        };
        let counts = |dimension: &str| -> Vec<FacetCount> {
            let position = facets::DIMENSIONS.iter().position(|d| *d == dimension);
            position
                .map(|p| facet_counts.top(p, FACET_VALUES))
                .unwrap_or_default()
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect()
        };
        let mut year = counts("year");
        year.sort_by(|a, b| b.value.cmp(&a.value));
        let facets = Facets {
            kind: counts("kind"),
            partner: counts("partner"),
            keyword: counts("keyword"),
            year,
            lang: counts("lang"),
            format: counts("format"),
            place: counts("place"),
        };
        Ok((total, addresses, facets))
    }

    fn hits(
        &self,
        searcher: &Searcher,
        q: &dyn Query,
        parsed: &ParsedQuery,
        addresses: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<Hit>> {
        let f = &self.fields;
        // Generators are made once per search and language, not once per hit.
        let mut generators: Vec<(Lang, Role, SnippetGenerator)> = Vec::new();
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let lang = Lang::from_code(&text_value(&doc, f.lang));
            let title = text_value(&doc, f.text(lang, Role::Title));
            let summary = text_value(&doc, f.text(lang, Role::Summary));
            let body = text_value(&doc, f.text(lang, Role::Body));
            // (number of highlighted matches, HTML) of the best fragment of a field.
            let mut snippet_in =
                |lang: Lang, role: Role, text: &str, max: usize| -> Result<(usize, String)> {
                    if parsed.is_empty() || text.is_empty() {
                        return Ok((0, String::new()));
                    }
                    let position = generators
                        .iter()
                        .position(|(l, r, _)| *l == lang && *r == role);
                    let index = match position {
                        Some(i) => i,
                        None => {
                            let g = snippet::generator(searcher, q, f.text(lang, role), lang, max)?;
                            generators.push((lang, role, g));
                            generators.len() - 1
                        }
                    };
                    let snippet = generators[index].2.snippet(text);
                    Ok(match snippet.highlighted().len() {
                        0 => (0, String::new()),
                        n => (n, snippet::to_marked_html(&snippet, text.len())),
                    })
                };
            let mut snippet_for =
                |role: Role, text: &str, max: usize| snippet_in(lang, role, text, max);
            let title_html = match snippet_for(Role::Title, &title, 10_000)? {
                (0, _) => snippet::leading_excerpt(&title, 10_000),
                (_, s) => s,
            };
            // The excerpt comes from the field whose best fragment holds the most
            // matches; the summary on a tie.
            let in_summary = snippet_for(Role::Summary, &summary, SNIPPET_CHARS)?;
            let in_body = snippet_for(Role::Body, &body, SNIPPET_CHARS)?;
            let mut excerpt = if in_body.0 > in_summary.0 {
                in_body.1
            } else {
                in_summary.1
            };
            // Matched in none of its own texts: the record was found by its
            // files, and the excerpt says which file and page.
            let mut file = None;
            if excerpt.is_empty() && !parsed.is_empty() {
                let places = text_values(&doc, f.file_where);
                let mut places = places.iter();
                'files: for l in Lang::ALL {
                    for page in doc.get_all(f.text(l, Role::Files)) {
                        let Some(place) = places.next() else {
                            break 'files;
                        };
                        let text = page.as_str().unwrap_or_default();
                        let (n, html) = snippet_in(l, Role::Files, text, SNIPPET_CHARS)?;
                        if n > 0 {
                            let mut parts = place.splitn(3, '\u{1f}').skip(1);
                            let number = parts.next().and_then(|p| p.parse().ok());
                            file = Some(FileMatch {
                                page: number.filter(|n| *n > 0),
                                file: parts.next().unwrap_or_default().to_owned(),
                            });
                            excerpt = html;
                            break 'files;
                        }
                    }
                }
            }
            if excerpt.is_empty() {
                let lead = if summary.is_empty() { &body } else { &summary };
                excerpt = snippet::leading_excerpt(lead, SNIPPET_CHARS);
            }
            let period = match (
                doc.get_first(f.period_start).and_then(|v| v.as_i64()),
                doc.get_first(f.period_end).and_then(|v| v.as_i64()),
            ) {
                (Some(start), Some(end)) => Some(Period { start, end }),
                _ => None,
            };
            hits.push(Hit {
                id: text_value(&doc, f.id),
                kind: text_value(&doc, f.kind),
                lang: lang.code().to_owned(),
                status: text_value(&doc, f.status),
                url: text_value(&doc, f.url),
                title,
                title_html,
                snippet: excerpt,
                score,
                revision: doc
                    .get_first(f.revision)
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0),
                partners: text_values(&doc, f.partners),
                keywords: text_values(&doc, f.keywords),
                period,
                file,
            });
        }
        Ok(hits)
    }
}

/// Which page of hits, in which order.
#[derive(Debug, Clone, Copy)]
struct Page {
    sort: Sort,
    offset: usize,
    limit: usize,
}

/// `hits` with the score of `close` added where it matches, best first.
fn rescore(
    searcher: &Searcher,
    close: &dyn Query,
    mut hits: Vec<(f32, DocAddress)>,
) -> Result<Vec<(f32, DocAddress)>> {
    use tantivy::DocSet;
    let weight = close.weight(tantivy::query::EnableScoring::enabled_from_searcher(
        searcher,
    ))?;
    // Scorers only move forward: visit the hits segment by segment, in order.
    let mut order: Vec<usize> = (0..hits.len()).collect();
    order.sort_by_key(|i| (hits[*i].1.segment_ord, hits[*i].1.doc_id));
    let mut current: Option<(u32, Box<dyn tantivy::query::Scorer>)> = None;
    for i in order {
        let address = hits[i].1;
        let scorer = match &mut current {
            Some((segment, scorer)) if *segment == address.segment_ord => scorer,
            _ => {
                let reader = searcher.segment_reader(address.segment_ord);
                let scorer = weight.scorer(reader, 1.0)?;
                &mut current.insert((address.segment_ord, scorer)).1
            }
        };
        if scorer.doc() < address.doc_id {
            scorer.seek(address.doc_id);
        }
        if scorer.doc() == address.doc_id {
            hits[i].0 += scorer.score();
        }
    }
    hits.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(hits)
}

/// Whether any live document matches `q`: stops at the first, where counting
/// would go through every match.
fn exists(searcher: &Searcher, q: &dyn Query) -> Result<bool> {
    use tantivy::{DocSet, TERMINATED};
    let weight = q.weight(tantivy::query::EnableScoring::disabled_from_searcher(
        searcher,
    ))?;
    for segment in searcher.segment_readers() {
        let mut scorer = weight.scorer(segment, 1.0)?;
        let alive = segment.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                return Ok(true);
            }
            doc = scorer.advance();
        }
    }
    Ok(false)
}

/// Whether a term's postings in a segment hold a live (not deleted) document:
/// stops at the first, and reads none when the segment has no deletions.
fn any_live(
    segment: &tantivy::SegmentReader,
    inverted: &tantivy::InvertedIndexReader,
    info: &tantivy::postings::TermInfo,
) -> Result<bool> {
    use tantivy::{DocSet, TERMINATED};
    let Some(alive) = segment.alive_bitset() else {
        return Ok(info.doc_freq > 0);
    };
    let mut postings = inverted
        .read_postings_from_terminfo(info, tantivy::schema::IndexRecordOption::Basic)
        .map_err(tantivy::TantivyError::from)?;
    let mut doc = postings.doc();
    while doc != TERMINATED {
        if alive.is_alive(doc) {
            return Ok(true);
        }
        doc = postings.advance();
    }
    Ok(false)
}

fn text_value(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned()
}

fn text_values(doc: &TantivyDocument, field: tantivy::schema::Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Key for sorting by title: case- and accent-insensitive.
fn sort_key(title: &str) -> String {
    analysis::terms_plain(title)
}

#[cfg(test)]
mod tests;

//! Glue between the store and the index: what a record looks like to the index,
//! and how the index follows the store's change log.
//!
//! The index records, in its commit payload, the last change-log sequence number it
//! has applied. [`catch_up`] applies everything after it; it runs at start-up (so a
//! crash between a store commit and an index commit heals by itself), after every
//! import, and in the server's background indexer after every write.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use savoirs_index::{Change, IndexDoc, IndexError, Period, SearchIndex};

use crate::group_commit::GroupCommit;
use crate::model::{Body, Record, Status};
use crate::store::{Reader, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// Changes applied per index commit while catching up.
const BATCH: usize = 2_000;
/// Catching up with this many changes or more is a bulk load (an import, a
/// restore): the index's segments are then merged into one.
const BULK: usize = 10_000;

/// Looks up the partners and concepts that index documents show, remembering them:
/// a batch of documents names the same few partners and concepts over and over.
pub struct Lookups<'r> {
    reader: &'r Reader,
    records: HashMap<String, Option<Record>>,
    labels: HashMap<String, Option<String>>,
}

impl<'r> Lookups<'r> {
    pub fn new(reader: &'r Reader) -> Lookups<'r> {
        Lookups {
            reader,
            records: HashMap::new(),
            labels: HashMap::new(),
        }
    }

    fn get(&mut self, id: &str) -> Result<Option<&Record>, StoreError> {
        if !self.records.contains_key(id) {
            let found = self.reader.get(id)?;
            self.records.insert(id.to_owned(), found);
        }
        Ok(self.records.get(id).and_then(Option::as_ref))
    }

    fn file_text(
        &self,
        hash: &str,
    ) -> Result<Option<crate::files::extract::Extraction>, StoreError> {
        self.reader.file_text(hash)
    }

    fn concept_by_label(&mut self, label: &str) -> Result<Option<String>, StoreError> {
        if let Some(found) = self.labels.get(label) {
            return Ok(found.clone());
        }
        let found = self.reader.concept_by_label(label)?;
        self.labels.insert(label.to_owned(), found.clone());
        Ok(found)
    }
}

/// The index document for a record; `lookups` resolves partner links and keywords.
///
/// An entry is shown to whoever may see its record, so it carries only what that
/// record makes public: the names of linked partners and the labels of thesaurus
/// concepts only while those are published. When one of them changes status, the
/// store logs its dependents (see `reindex_dependents`) and they are redone here.
pub fn index_doc(record: &Record, lookups: &mut Lookups<'_>) -> Result<IndexDoc, StoreError> {
    let mut doc = IndexDoc {
        id: record.meta.id.clone(),
        kind: record.kind().as_str().to_owned(),
        lang: record.meta.lang.clone(),
        status: record.meta.status.as_str().to_owned(),
        owner: record.meta.owner.clone(),
        url: record.url(),
        revision: record.meta.revision,
        title: record.title().to_owned(),
        updated: record.meta.updated.timestamp(),
        ..IndexDoc::default()
    };
    add_keywords(&mut doc, record.keywords(), lookups)?;
    for link in record.partner_refs() {
        if let Some(Record {
            body: Body::Partner(p),
            meta,
        }) = lookups.get(&link.id)?
            && meta.status == Status::Published
        {
            doc.partners.push(p.label().to_owned());
            doc.labels.extend(p.names().map(str::to_owned));
        }
    }
    match &record.body {
        Body::Action(a) => {
            doc.summary = plain_text(&a.summary);
            doc.body = [&a.synthesis, &a.strategy, &a.history, &a.presentation]
                .map(|s| plain_text(s))
                .join("\n\n");
            doc.labels
                .extend([&a.referent, &a.pilot, &a.archive].map(String::clone));
            doc.period = a.period.map(|p| Period {
                start: p.start.into(),
                end: p.end.into(),
            });
            doc.amount = a.amount.as_ref().map(|a| a.minor);
        }
        Body::Method(m) => {
            doc.summary = plain_text(&m.summary);
            doc.body = plain_text(&m.body);
            doc.labels.extend(m.authors.iter().cloned());
            doc.labels.push(m.source.clone());
        }
        Body::Resource(r) => {
            doc.summary = plain_text(&r.description);
            doc.labels.push(r.resource_type.clone());
        }
        Body::Concept(c) => {
            doc.summary = plain_text(&c.scope_note);
            for (lang, label) in c.all_labels(&record.meta.lang) {
                doc.lang_labels.push((lang.to_owned(), label.to_owned()));
            }
        }
        Body::Partner(p) => {
            // The acronym in the title: `RITIMO` finds the partner before the
            // records that merely name it.
            if !p.acronym.is_empty() {
                doc.title = format!("{} ({})", p.name, p.acronym);
            }
            doc.summary = plain_text(&p.description);
            doc.labels.extend(p.names().map(str::to_owned));
            doc.labels.push(p.country.clone());
            doc.partners.push(p.label().to_owned());
        }
    }
    add_files(&mut doc, record, lookups)?;
    for place in record.places() {
        if !doc.places.contains(&place.name) {
            doc.places.push(place.name.clone());
            doc.labels.push(place.name.clone());
        }
    }
    doc.labels.retain(|l| !l.trim().is_empty());
    Ok(doc)
}

/// The text of the record's attached files, each in its language, page by
/// page where the file has pages (a PDF, a presentation); and their types.
fn add_files(
    doc: &mut IndexDoc,
    record: &Record,
    lookups: &mut Lookups<'_>,
) -> Result<(), StoreError> {
    for a in &record.meta.attachments {
        doc.formats.push(a.format().to_owned());
        let Some(text) = lookups.file_text(&a.file)? else {
            continue;
        };
        let lang = match a.lang.as_str() {
            "" => record.meta.lang.clone(),
            l => l.to_owned(),
        };
        for (i, page) in text.pages.into_iter().enumerate() {
            doc.files.push(savoirs_index::FilePage {
                lang: lang.clone(),
                file: a.name.clone(),
                page: if a.pages.is_some() { i as u32 + 1 } else { 0 },
                text: page,
            });
        }
    }
    doc.formats.sort();
    doc.formats.dedup();
    Ok(())
}

/// How deep a concept's broader chain is followed (and a guard against cycles).
const MAX_DEPTH: usize = 16;

/// Keywords: a keyword that is a label of a thesaurus concept counts in the facet
/// under the concept's preferred label and under every broader concept's, so that
/// a broad keyword finds the records of its narrower ones; and every label of the
/// concept, in every language, is searchable in the record (`ESS` finds a record
/// tagged "économie sociale et solidaire", `social economy` a French one).
/// Only published concepts lend their labels: a keyword naming an unpublished
/// concept stays the record's own word, and the broader chain stops at the first
/// unpublished concept.
fn add_keywords(
    doc: &mut IndexDoc,
    keywords: &[String],
    lookups: &mut Lookups<'_>,
) -> Result<(), StoreError> {
    for keyword in keywords {
        let published = match lookups.concept_by_label(keyword)? {
            Some(id) => match lookups.get(&id)? {
                Some(r) if r.meta.status == Status::Published => Some(id),
                _ => None,
            },
            None => None,
        };
        let Some(mut id) = published else {
            doc.keywords.push(keyword.clone());
            doc.labels.push(keyword.clone());
            continue;
        };
        let mut first = true;
        for _ in 0..MAX_DEPTH {
            let Some(Record {
                body: Body::Concept(c),
                meta,
            }) = lookups.get(&id)?
            else {
                break;
            };
            if meta.status != Status::Published {
                break;
            }
            if !doc.keywords.contains(&c.label) {
                doc.keywords.push(c.label.clone());
            }
            if first {
                doc.lang_labels.extend(
                    c.all_labels(&meta.lang)
                        .into_iter()
                        .map(|(l, v)| (l.to_owned(), v.to_owned())),
                );
                first = false;
            }
            match c.broader.first() {
                Some(broader) => id = broader.clone(),
                None => break,
            }
        }
    }
    Ok(())
}

/// The words of a Markdown text without its markup, so that excerpts read well.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

/// Applies every change the index has not seen yet. Returns how many records were
/// (re)indexed.
pub fn catch_up(store: &Store, index: &SearchIndex) -> Result<usize, SyncError> {
    catch_up_with(store, index, |_, _| {})
}

/// [`catch_up`], calling `progress(changes applied, changes to apply)` after each
/// batch. A long catch-up (a restore, a start after a crash during a load)
/// commits rarely: each commit writes and syncs a new segment.
pub fn catch_up_with(
    store: &Store,
    index: &SearchIndex,
    mut progress: impl FnMut(u64, u64),
) -> Result<usize, SyncError> {
    let mut applied = index.applied_seq()?;
    let start = applied;
    let target = store.read()?.last_seq()?;
    let mut total = 0;
    let mut staged = 0;
    loop {
        let reader = store.read()?;
        let changes = reader.changes_after(applied, BATCH)?;
        let Some(&(last, _)) = changes.last() else {
            if staged > 0 {
                index.commit_at(applied)?;
            }
            if total >= BULK {
                index.merge_segments()?;
            }
            return Ok(total);
        };
        let mut ids: Vec<String> = changes.into_iter().map(|(_, id)| id).collect();
        ids.sort();
        ids.dedup();
        let mut batch = Vec::with_capacity(ids.len());
        let mut lookups = Lookups::new(&reader);
        for id in ids {
            batch.push(match reader.get(&id)? {
                Some(record) => Change::Upsert(Box::new(index_doc(&record, &mut lookups)?)),
                None => Change::Delete(id),
            });
        }
        total += batch.len();
        staged += batch.len();
        if staged >= COMMIT_EVERY || changes_left(&reader, last)? == 0 {
            index.apply(batch, last)?;
            staged = 0;
        } else {
            index.stage(batch)?;
        }
        applied = last;
        progress(applied - start, target.saturating_sub(start));
    }
}

/// Whether the store's log holds changes after `seq`, as 0 or 1.
fn changes_left(reader: &Reader, seq: u64) -> Result<usize, StoreError> {
    Ok(reader.changes_after(seq, 1)?.len())
}

/// A long load commits the index at least this often, so that a crash does not
/// lose all of its indexing.
const COMMIT_EVERY: usize = 200_000;

/// What an import tells [`follow`].
#[derive(Debug)]
pub enum Follow {
    /// A batch committed to the store, not durably yet.
    Batch(crate::import::Batch),
    /// Every change up to this sequence number is durable in the store: the
    /// index may commit up to there.
    Durable(u64),
}

/// Feeds the index while an import writes the store, on a thread of its own:
/// each batch is indexed from the records the import saved (the others it
/// changed are read back), and the index commits only where the store is
/// durable, so that its sequence number never runs ahead of the store's.
/// Records the batch created skip the search for an older copy.
///
/// The last commit, which writes the segment, comes after `read_all()` is
/// called: the store is not read any more, and may be compacted meanwhile.
/// Returns the number of records indexed.
pub fn follow(
    store: &Store,
    index: &SearchIndex,
    messages: std::sync::mpsc::Receiver<Follow>,
    read_all: impl FnOnce(),
) -> Result<usize, SyncError> {
    let mut covered = index.applied_seq()?;
    let mut committed = covered;
    // Durable in the store, and to be committed before the next batch.
    let mut durable = committed;
    let mut total = 0;
    for message in messages {
        match message {
            Follow::Batch(batch) => {
                if durable > committed {
                    index.commit_at(durable)?;
                    committed = durable;
                }
                total += index_range(store, index, covered, batch.seq, batch.saved)?;
                covered = covered.max(batch.seq);
            }
            Follow::Durable(seq) => {
                if seq > covered {
                    total += index_range(store, index, covered, seq, Vec::new())?;
                    covered = seq;
                }
                durable = durable.max(seq);
            }
        }
    }
    read_all();
    if durable > committed {
        index.commit_at(durable)?;
    }
    Ok(total)
}

/// Stages the changes of the log after `from` up to `to`, taking records from
/// `saved` when they are there.
fn index_range(
    store: &Store,
    index: &SearchIndex,
    from: u64,
    to: u64,
    saved: Vec<Record>,
) -> Result<usize, SyncError> {
    let reader = store.read()?;
    let mut ids = Vec::new();
    let mut after = from;
    while after < to {
        let changes = reader.changes_after(after, BATCH)?;
        let Some(&(last, _)) = changes.last() else {
            break;
        };
        ids.extend(
            changes
                .into_iter()
                .take_while(|(seq, _)| *seq <= to)
                .map(|(_, id)| id),
        );
        after = last;
    }
    ids.sort();
    ids.dedup();
    // A first revision saved in this batch is not in the index yet (the index
    // had every earlier change); the last record saved under an id is current.
    let created: std::collections::HashSet<String> = saved
        .iter()
        .filter(|r| r.meta.revision == 1)
        .map(|r| r.meta.id.clone())
        .collect();
    let mut saved: HashMap<String, Record> =
        saved.into_iter().map(|r| (r.meta.id.clone(), r)).collect();
    let mut lookups = Lookups::new(&reader);
    let mut changes = Vec::with_capacity(ids.len());
    for id in ids {
        let record = match saved.remove(&id) {
            Some(record) => Some(record),
            None => reader.get(&id)?,
        };
        changes.push(match record {
            Some(record) => {
                let doc = Box::new(index_doc(&record, &mut lookups)?);
                if created.contains(&id) {
                    Change::Add(doc)
                } else {
                    Change::Upsert(doc)
                }
            }
            None => Change::Delete(id),
        });
    }
    let n = changes.len();
    index.stage(changes)?;
    Ok(n)
}

/// Rebuilds the whole index from the store. `progress(done, total)` is called as
/// records are indexed. Readers keep seeing the old index until the final commit.
pub fn rebuild(
    store: &Store,
    index: &SearchIndex,
    mut progress: impl FnMut(u64, u64),
) -> Result<u64, SyncError> {
    let reader = store.read()?;
    let total = reader.count()?;
    let last = reader.last_seq()?;
    index.clear()?;
    let mut done = 0;
    let mut chunk = Vec::with_capacity(BATCH);
    let mut lookups = Lookups::new(&reader);
    let index_error = |e: IndexError| StoreError::Corrupt {
        what: "search index".into(),
        message: e.to_string(),
    };
    reader.for_each(|record| {
        // The index was cleared: every record is new to it.
        chunk.push(Change::Add(Box::new(index_doc(&record, &mut lookups)?)));
        if chunk.len() == BATCH {
            done += chunk.len() as u64;
            index
                .stage(std::mem::take(&mut chunk))
                .map_err(index_error)?;
            progress(done, total);
        }
        Ok(())
    })?;
    done += chunk.len() as u64;
    index.apply(chunk, last)?;
    progress(done, total);
    index.merge_segments()?;
    Ok(done)
}

/// Opens the index of a data directory and brings it up to date with the store,
/// rebuilding it when it had to be recreated. `progress(done, total)` reports on
/// long work.
pub fn open_index(
    store: &Store,
    mut progress: impl FnMut(u64, u64),
) -> Result<SearchIndex, SyncError> {
    let opened =
        SearchIndex::open_with(&store.dir().join("index"), crate::memory::get().writing())?;
    let index = opened.index;
    if let Some(reason) = opened.recreated {
        tracing::warn!("search index rebuilt from the store: {reason}");
        rebuild(store, &index, &mut progress)?;
    } else {
        let replayed = catch_up_with(store, &index, &mut progress)?;
        if replayed > 0 {
            tracing::info!("search index caught up with {replayed} change(s) from the store");
        }
    }
    Ok(index)
}

/// The server's indexer: writers make their saves searchable through it, one
/// index commit for the saves that arrive together ([`GroupCommit`]), and a
/// background task catches up with anything left (a failed commit, a write by
/// another path) when woken and every few seconds.
#[derive(Clone)]
pub struct Indexer {
    wake: Arc<tokio::sync::Notify>,
    group: Arc<GroupCommit>,
}

impl std::fmt::Debug for Indexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexer").finish_non_exhaustive()
    }
}

impl Indexer {
    pub fn spawn(store: Arc<Store>, index: Arc<SearchIndex>) -> Indexer {
        let wake = Arc::new(tokio::sync::Notify::new());
        let group = Arc::new(GroupCommit::new(store, index));
        let notified = wake.clone();
        let background = group.clone();
        tokio::spawn(async move {
            loop {
                let _ = tokio::time::timeout(Duration::from_secs(5), notified.notified()).await;
                let group = background.clone();
                match tokio::task::spawn_blocking(move || group.make_searchable()).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => tracing::error!("indexing failed, will retry: {e}"),
                    Err(e) => tracing::error!("indexer task failed, will retry: {e}"),
                }
            }
        });
        Indexer { wake, group }
    }

    /// Returns once every write committed to the store so far is searchable;
    /// from a blocking thread.
    pub fn make_searchable(&self) -> Result<(), SyncError> {
        self.group.make_searchable()
    }

    /// Number of index commits made for writers so far.
    pub fn commits(&self) -> u64 {
        self.group.commits()
    }

    /// Tells the background indexer that the store changed.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

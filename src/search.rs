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
    doc.labels.retain(|l| !l.trim().is_empty());
    Ok(doc)
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
/// committed batch.
pub fn catch_up_with(
    store: &Store,
    index: &SearchIndex,
    mut progress: impl FnMut(u64, u64),
) -> Result<usize, SyncError> {
    let mut applied = index.applied_seq()?;
    let start = applied;
    let target = store.read()?.last_seq()?;
    let mut total = 0;
    loop {
        let reader = store.read()?;
        let changes = reader.changes_after(applied, BATCH)?;
        let Some(&(last, _)) = changes.last() else {
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
        index.apply(batch, last)?;
        applied = last;
        progress(applied - start, target.saturating_sub(start));
    }
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
    reader.for_each(|record| {
        chunk.push(index_doc(&record, &mut lookups)?);
        if chunk.len() == BATCH {
            index
                .add_uncommitted(&chunk)
                .map_err(|e| StoreError::Corrupt {
                    what: "search index".into(),
                    message: e.to_string(),
                })?;
            done += chunk.len() as u64;
            chunk.clear();
            progress(done, total);
        }
        Ok(())
    })?;
    index.add_uncommitted(&chunk)?;
    done += chunk.len() as u64;
    progress(done, total);
    index.apply(Vec::new(), last)?;
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
    let memory = crate::memory::get().index_writer;
    let opened = SearchIndex::open_with(&store.dir().join("index"), memory)?;
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

/// The server's background indexer: wakes when told a write committed (and every
/// few seconds in any case), and applies the change log to the index.
#[derive(Debug, Clone)]
pub struct Indexer {
    wake: Arc<tokio::sync::Notify>,
}

impl Indexer {
    pub fn spawn(store: Arc<Store>, index: Arc<SearchIndex>) -> Indexer {
        let wake = Arc::new(tokio::sync::Notify::new());
        let notified = wake.clone();
        tokio::spawn(async move {
            loop {
                let _ = tokio::time::timeout(Duration::from_secs(5), notified.notified()).await;
                let (store, index) = (store.clone(), index.clone());
                match tokio::task::spawn_blocking(move || catch_up(&store, &index)).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::error!("indexing failed, will retry: {e}"),
                    Err(e) => tracing::error!("indexer task failed, will retry: {e}"),
                }
            }
        });
        Indexer { wake }
    }

    /// Tells the indexer that the store changed.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

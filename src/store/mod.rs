//! The store: redb holds every record, every revision and the change log, and is
//! the source of truth. A write is acknowledged only once its transaction has
//! committed durably; the search index is derived from the change log afterwards.
//!
//! All writes go through [`Store::write`], which runs a closure on a [`Writer`]
//! inside one transaction: everything it saves commits together or not at all.

pub mod backup;
pub mod discussion;
mod lock;
mod packing;
pub mod proposals;
pub mod resets;
mod tables;
pub mod tokens;
pub mod users;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, RwLock};

use chrono::{DateTime, Utc};
use redb::{
    Database, ReadTransaction, ReadableDatabase, ReadableMultimapTable, ReadableTable,
    ReadableTableMetadata, WriteTransaction,
};
use serde::{Deserialize, Serialize};

use crate::model::{self, FieldError, Kind, Record};
use lock::DirLock;
use tables::*;

/// Version of the on-disk layout. Bump it with every incompatible change, and
/// teach [`Store::open`] (and [`upgrade_record`], for backups) to upgrade older
/// stores.
///
/// - 1: the first layout.
/// - 2: a resource's web address is `web_address`, no longer `url` (see
///   [`model::legacy`]). A version that reads format 1 only would refuse such a
///   resource as an unknown field; it is refused the whole store instead, clearly.
/// - 3: revisions are compressed (see [`packing`]), and a record is stored once,
///   as its latest revision: the records table holds its revision number.
/// - 4: values may be compressed with a dictionary trained on the store's
///   records, kept in its own table. Nothing of format 3 is rewritten; a
///   version that reads format 3 only could not read such values, so it is
///   refused the store, clearly.
pub const FORMAT: u32 = 4;
/// Key of the META entry that marks an import under way.
const IMPORT_NOTE: &str = "import";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the data directory {dir} is in use by another Savoirs process ({holder}); stop it first, or choose another directory with --data"
    )]
    Locked { dir: String, holder: String },
    #[error(
        "the store in {dir} was written by a newer version of Savoirs (format {found}); this version reads format {FORMAT} at most: upgrade Savoirs to open it"
    )]
    NewerFormat { dir: String, found: u32 },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("storage error: {0}")]
    Db(#[from] redb::Error),
    #[error("stored data could not be read ({what}): {message}")]
    Corrupt { what: String, message: String },
    #[error("invalid record: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("the record was changed meanwhile: it is now at revision {current}")]
    Conflict { current: u64 },
}

fn io_disk_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
}

impl StoreError {
    /// True when the error comes from a full disk (or quota).
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::Io { source, .. } => io_disk_full(source),
            StoreError::Db(redb::Error::Io(e)) => io_disk_full(e),
            _ => false,
        }
    }

    /// True when redb must be closed and reopened before further use.
    fn needs_reopen(&self) -> bool {
        matches!(
            self,
            StoreError::Db(redb::Error::PreviousIo | redb::Error::Io(_))
        )
    }

    pub fn io(path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

pub type Result<T> = std::result::Result<T, StoreError>;

/// One saved version of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    pub number: u64,
    pub author: String,
    pub time: DateTime<Utc>,
    pub message: String,
    /// The whole record as it was saved, in its interchange JSON form.
    pub record: serde_json::Map<String, serde_json::Value>,
}

/// When a record was deleted, and which of its revisions was the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deletion {
    pub deleted: DateTime<Utc>,
    pub revision: u64,
}

/// Who saves, and why: written into the revision.
#[derive(Debug, Clone)]
pub struct Author<'a> {
    pub name: &'a str,
    pub message: &'a str,
}

#[derive(Debug)]
pub struct Store {
    /// After an I/O failure (a full disk) redb must be closed and reopened before
    /// it is used again: the next transaction does so, which is why the database
    /// sits behind a lock that is only ever taken for writing to reopen it.
    db: RwLock<Option<Database>>,
    reopen: AtomicBool,
    path: PathBuf,
    dir: PathBuf,
    _lock: DirLock,
    slug_hints: SlugHints,
    /// The compression dictionary new values are packed with, 0 for none.
    dictionary: AtomicU32,
}

/// The number last added to a slug that several records wanted ("kind/slug"
/// → n): the next record with that title tries n + 1 first. A hint is only a
/// first guess, checked like any other, so a stale one costs a lookup.
type SlugHints = Mutex<HashMap<String, u64>>;

/// Hints kept at most; past that they are forgotten and learnt again.
const SLUG_HINTS: usize = 100_000;

impl Store {
    /// Opens (or creates) the store of a data directory, taking its lock.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        let lock = DirLock::acquire(dir)?;
        let path = dir.join("savoirs.redb");
        let db = Self::create(&path)?;
        let store = Store {
            db: RwLock::new(Some(db)),
            reopen: AtomicBool::new(false),
            path,
            dir: dir.to_owned(),
            _lock: lock,
            slug_hints: Mutex::default(),
            dictionary: AtomicU32::new(0),
        };
        store.check_format()?;
        store.load_dictionaries()?;
        Ok(store)
    }

    /// Opens the database file with the cache size of [`crate::memory`].
    fn create(path: &Path) -> Result<Database> {
        Ok(Database::builder()
            .set_cache_size(crate::memory::get().store_cache)
            .create(path)?)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reopens the database if an I/O failure left it unusable.
    fn reopen_if_needed(&self) -> Result<()> {
        if !self.reopen.load(Ordering::Acquire) {
            return Ok(());
        }
        let mut db = self.db.write().unwrap_or_else(|e| e.into_inner());
        if self.reopen.load(Ordering::Acquire) {
            // The old handle must be gone before the file can be opened again.
            *db = None;
            *db = Some(Self::create(&self.path)?);
            self.reopen.store(false, Ordering::Release);
            // A dictionary committed without waiting for the disk may be gone:
            // values are packed without one until the store says which it holds.
            self.dictionary.store(0, Ordering::Release);
            drop(db);
            self.load_dictionaries()?;
            tracing::warn!("the store was reopened after an I/O failure");
        }
        Ok(())
    }

    /// Remembers that an error calls for reopening the database.
    fn note(&self, e: &StoreError) {
        if e.is_disk_full() || e.needs_reopen() {
            self.reopen.store(true, Ordering::Release);
        }
    }

    fn with_db<T>(&self, f: impl FnOnce(&Database) -> Result<T>) -> Result<T> {
        self.reopen_if_needed()?;
        let db = self.db.read().unwrap_or_else(|e| e.into_inner());
        let result = match db.as_ref() {
            Some(db) => f(db),
            None => Err(StoreError::Db(redb::Error::DatabaseClosed)),
        };
        if let Err(e) = &result {
            self.note(e);
        }
        result
    }

    fn begin_read(&self) -> Result<ReadTransaction> {
        self.with_db(|db| Ok(db.begin_read()?))
    }

    fn begin_write(&self) -> Result<WriteTransaction> {
        self.with_db(|db| Ok(db.begin_write()?))
    }

    fn check_format(&self) -> Result<()> {
        let txn = self.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            let found = meta.get("format")?.map(|v| read_u32(v.value()));
            match found {
                Some(found) if found > FORMAT => {
                    return Err(StoreError::NewerFormat {
                        dir: self.dir.display().to_string(),
                        found,
                    });
                }
                Some(found) if found < FORMAT => {
                    // A copy of the file as it was comes first: the previous
                    // version of Savoirs can still open it.
                    let copy = self.path.with_extension(format!("redb.format-{found}"));
                    tracing::info!(
                        "upgrading the store from format {found} to {FORMAT}; the file as it was is kept as {}",
                        copy.display()
                    );
                    std::fs::copy(&self.path, &copy).map_err(|e| StoreError::io(&copy, e))?;
                    // Upgraded in the same transaction that records the new
                    // format: a crash leaves the store wholly old or wholly new.
                    let changed = if found < 3 {
                        upgrade_tables(&txn, found)?
                    } else {
                        0
                    };
                    meta.insert("format", FORMAT.to_le_bytes().as_slice())?;
                    tracing::info!(
                        "store upgraded from format {found} to {FORMAT} ({changed} entries rewritten)"
                    );
                }
                Some(_) => {}
                None => {
                    meta.insert("format", FORMAT.to_le_bytes().as_slice())?;
                }
            }
            // Create every table so that readers never meet a missing one.
            txn.open_table(RECORDS)?;
            txn.open_table(SLUGS)?;
            txn.open_table(REVISIONS)?;
            txn.open_table(CHANGES)?;
            txn.open_table(PARTNER_NAMES)?;
            txn.open_multimap_table(BACKLINKS)?;
            txn.open_table(USERS)?;
            txn.open_table(SESSIONS)?;
            txn.open_table(API_TOKENS)?;
            txn.open_table(RESETS)?;
            txn.open_table(LINK_PROPOSALS)?;
            txn.open_table(CONCEPT_LABELS)?;
            txn.open_multimap_table(KEYWORD_USES)?;
            txn.open_table(MOVED)?;
            txn.open_table(COMMENTS)?;
            txn.open_multimap_table(FOLLOWERS)?;
            txn.open_table(NOTIFICATIONS)?;
            txn.open_table(FILE_TEXTS)?;
            txn.open_table(DELETIONS)?;
            txn.open_table(DICTIONARIES)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Makes the store's compression dictionaries known, and takes up the one
    /// new values are packed with.
    fn load_dictionaries(&self) -> Result<()> {
        let txn = self.begin_read()?;
        let mut held = Vec::new();
        for entry in txn.open_table(DICTIONARIES)?.iter()? {
            let (id, bytes) = entry?;
            if packing::register(bytes.value()) != Some(id.value()) {
                return Err(StoreError::Corrupt {
                    what: format!("compression dictionary {}", id.value()),
                    message: "not a zstd dictionary of that id".into(),
                });
            }
            held.push(id.value());
        }
        let current = txn
            .open_table(META)?
            .get("dictionary")?
            .map(|v| read_u32(v.value()));
        // Never pack with a dictionary the store does not hold.
        let current = current.filter(|id| held.contains(id)).unwrap_or(0);
        self.dictionary.store(current, Ordering::Release);
        Ok(())
    }

    /// The compression dictionary new values are packed with, if any.
    fn dictionary(&self) -> Option<u32> {
        Some(self.dictionary.load(Ordering::Acquire)).filter(|id| *id != 0)
    }

    /// True when `records` records saved together would teach the store a
    /// compression dictionary: it has none, and they are enough to learn from.
    pub fn would_train_dictionary(&self, records: usize) -> bool {
        self.dictionary().is_none() && records >= packing::TRAINING_RECORDS
    }

    /// Trains a compression dictionary on some records about to be saved by
    /// `author`, when the store has none and it pays (see [`packing::train`]);
    /// values saved from then on are packed with it. True when one was adopted.
    ///
    /// It is saved in a transaction of its own, committed before any value is
    /// packed with it, and without waiting for the disk, like the batches of an
    /// import: the import's own last commit makes them durable together. A
    /// crash before that loses the dictionary and every value packed with it,
    /// which were committed after it; and an import killed midway loses all its
    /// batches, as it did before, so importing the same files again gives the
    /// same base. Whatever happens (a crash, a full disk and the store
    /// reopened), no value can need a dictionary the store does not hold.
    pub fn train_dictionary<'r>(
        &self,
        records: impl ExactSizeIterator<Item = &'r Record>,
        author: &Author<'_>,
    ) -> Result<bool> {
        if !self.would_train_dictionary(records.len()) {
            return Ok(false);
        }
        // The revisions these records will be stored as.
        let time = model::now();
        let samples: Vec<Vec<u8>> = records
            .map(|record| {
                encode(&Revision {
                    number: record.meta.revision.max(1),
                    author: author.name.to_owned(),
                    time,
                    message: author.message.to_owned(),
                    record: record.to_json(),
                })
            })
            .collect();
        let Some(dictionary) = packing::train(&samples) else {
            return Ok(false);
        };
        let Some(id) = packing::register(&dictionary) else {
            return Ok(false);
        };
        self.write_batch(|w| {
            w.txn
                .open_table(DICTIONARIES)?
                .insert(id, dictionary.as_slice())?;
            w.txn
                .open_table(META)?
                .insert("dictionary", id.to_le_bytes().as_slice())?;
            Ok(())
        })?;
        self.dictionary.store(id, Ordering::Release);
        Ok(true)
    }

    /// Runs `f` in one write transaction and commits durably if it succeeds; if it
    /// fails, nothing it did is kept.
    pub fn write<T>(&self, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_with(redb::Durability::Immediate, f)
    }

    /// [`write`](Self::write), committed without waiting for the disk: a bulk load
    /// writes its batches this way and makes them durable all at once with
    /// [`sync`](Self::sync), instead of paying for a flush per batch. Readers see
    /// the batch at once; a crash before the next durable commit loses it whole,
    /// never half of it.
    pub fn write_batch<T>(&self, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_with(redb::Durability::None, f)
    }

    /// Makes every batch written so far durable.
    pub fn sync(&self) -> Result<()> {
        self.write(|_| Ok(()))
    }

    fn write_with<T>(
        &self,
        durability: redb::Durability,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        let result = self.begin_write().and_then(|mut txn| {
            txn.set_durability(durability)?;
            let mut writer = Writer {
                txn: &txn,
                slug_hints: &self.slug_hints,
                dictionary: self.dictionary(),
                logged: None,
                deletions: None,
            };
            let out = f(&mut writer)?;
            txn.commit()?;
            Ok(out)
        });
        if let Err(e) = &result {
            self.note(e);
            if e.is_disk_full() {
                tracing::error!("a write failed, the disk is full: {e}");
            }
        }
        result
    }

    /// Notes durably that an import of `what` begins, until [`end_import`]
    /// (Self::end_import): if the process dies in between, the next start says so.
    pub fn begin_import(&self, what: &str) -> Result<()> {
        let note = serde_json::json!({ "what": what, "started": model::now() });
        self.write(|w| {
            w.txn
                .open_table(META)?
                .insert(IMPORT_NOTE, note.to_string().as_bytes())?;
            Ok(())
        })
    }

    /// Ends an import begun with [`begin_import`](Self::begin_import), in a
    /// durable commit that also makes all its batches durable.
    pub fn end_import(&self) -> Result<()> {
        self.write(|w| {
            w.txn.open_table(META)?.remove(IMPORT_NOTE)?;
            Ok(())
        })
    }

    /// An import that began and never ended, as "FILES, begun at TIME".
    pub fn interrupted_import(&self) -> Result<Option<String>> {
        let txn = self.begin_read()?;
        let meta = txn.open_table(META)?;
        let Some(note) = meta.get(IMPORT_NOTE)? else {
            return Ok(None);
        };
        let note: serde_json::Value =
            serde_json::from_slice(note.value()).unwrap_or(serde_json::Value::Null);
        Ok(Some(format!(
            "{}, begun at {}",
            note["what"].as_str().unwrap_or("?"),
            note["started"].as_str().unwrap_or("?")
        )))
    }

    /// A consistent snapshot to read from.
    pub fn read(&self) -> Result<Reader> {
        Ok(Reader {
            txn: self.begin_read()?,
        })
    }

    /// Gives the file system back the pages that earlier writes freed, which a
    /// bulk load leaves many of; returns the file's size before and after, in
    /// bytes. Needs the store to itself: for the command line, not a running
    /// server.
    pub fn compact(&self) -> Result<(u64, u64)> {
        self.reopen_if_needed()?;
        let size = || {
            std::fs::metadata(&self.path)
                .map(|m| m.len())
                .map_err(|e| StoreError::io(&self.path, e))
        };
        let before = size()?;
        let mut db = self.db.write().unwrap_or_else(|e| e.into_inner());
        if let Some(db) = db.as_mut() {
            while db.compact().map_err(redb::Error::from)? {}
        }
        drop(db);
        Ok((before, size()?))
    }

    /// Verifies redb's own checksums; true when the file is intact.
    pub fn check_integrity(&mut self) -> Result<bool> {
        self.reopen_if_needed()?;
        let db = self.db.get_mut().unwrap_or_else(|e| e.into_inner());
        match db.as_mut() {
            Some(db) => Ok(db.check_integrity()?),
            None => Err(StoreError::Db(redb::Error::DatabaseClosed)),
        }
    }
}

/// Brings a stored record (its JSON object) written in format `from` up to
/// [`FORMAT`]; true if it changed.
pub(crate) fn upgrade_record(
    object: &mut serde_json::Map<String, serde_json::Value>,
    from: u32,
) -> bool {
    from < 2 && model::legacy::upgrade_stored(object)
}

/// Like [`upgrade_record`], for a stored revision, which holds a whole record.
pub(crate) fn upgrade_revision(revision: &mut serde_json::Value, from: u32) -> bool {
    revision
        .get_mut("record")
        .and_then(serde_json::Value::as_object_mut)
        .is_some_and(|record| upgrade_record(record, from))
}

/// Upgrades every record and revision of a store written in format `from`;
/// returns how many entries were rewritten. Before format 3, revisions were
/// plain JSON and the records table held each record again, whole: revisions
/// are rewritten compressed, and the records table keeps only the number of each
/// record's latest revision (writing that revision from the record if it is
/// missing).
fn upgrade_tables(txn: &WriteTransaction, from: u32) -> Result<usize> {
    let mut revisions = txn.open_table(REVISIONS)?;
    let mut changed = Vec::new();
    for entry in revisions.iter()? {
        let (k, v) = entry?;
        let (id, number) = k.value();
        let what = format!("revision {number} of {id}");
        let mut revision: serde_json::Value = decode_json(&what, v.value())?;
        upgrade_revision(&mut revision, from);
        changed.push((
            id.to_owned(),
            number,
            packing::pack(&encode(&revision), None)?,
        ));
    }
    for (id, number, bytes) in &changed {
        revisions.insert((id.as_str(), *number), bytes.as_slice())?;
    }
    let mut count = changed.len();
    let mut records = txn.open_table(RECORDS)?;
    let mut numbers = Vec::new();
    for entry in records.iter()? {
        let (k, v) = entry?;
        let id = k.value();
        let mut object: serde_json::Map<String, serde_json::Value> =
            decode_json(&format!("record {id}"), v.value())?;
        upgrade_record(&mut object, from);
        let number = object
            .get("revision")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(1);
        if revisions.get((id, number))?.is_none() {
            let revision = Revision {
                number,
                author: "savoirs".into(),
                time: model::now(),
                message: format!("stored again when the store went from format {from} to {FORMAT}"),
                record: object,
            };
            let packed = packing::pack(&encode(&revision), None)?;
            revisions.insert((id, number), packed.as_slice())?;
        }
        numbers.push((id.to_owned(), number));
    }
    for (id, number) in &numbers {
        records.insert(id.as_str(), number.to_le_bytes().as_slice())?;
    }
    count += numbers.len();
    Ok(count)
}

/// True when `new` would store nothing that `stored` does not hold already: the
/// same body and the same metadata, times and revision number aside.
fn same_content(stored: &Record, new: &Record) -> bool {
    let (a, b) = (&stored.meta, &new.meta);
    stored.body == new.body
        && a.slug == b.slug
        && a.lang == b.lang
        && a.status == b.status
        && a.owner == b.owner
        && a.attachments == b.attachments
}

fn read_u32(bytes: &[u8]) -> u32 {
    bytes.try_into().map(u32::from_le_bytes).unwrap_or(u32::MAX)
}

fn decode_json<T: serde::de::DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        what: what.to_owned(),
        message: e.to_string(),
    })
}

/// The record `id` as its revision `number` holds it: its current state.
fn current(
    revisions: &impl ReadableTable<(&'static str, u64), &'static [u8]>,
    id: &str,
    number: u64,
) -> Result<Record> {
    let corrupt = |message: String| StoreError::Corrupt {
        what: format!("record {id}"),
        message,
    };
    let found = revisions.get((id, number))?;
    let bytes = found.ok_or_else(|| corrupt(format!("its revision {number} is missing")))?;
    let json = packing::unpack(&format!("record {id}"), bytes.value())?;
    Record::from_json(record_of(&json).map_err(corrupt)?).map_err(corrupt)
}

/// The record a stored revision holds, read without the rest of the revision.
fn record_of(
    json: &[u8],
) -> std::result::Result<serde_json::Map<String, serde_json::Value>, String> {
    #[derive(Deserialize)]
    struct Holding {
        record: serde_json::Map<String, serde_json::Value>,
    }
    serde_json::from_slice::<Holding>(json)
        .map(|h| h.record)
        .map_err(|e| e.to_string())
}

fn read_u64(bytes: &[u8]) -> u64 {
    bytes.try_into().map(u64::from_le_bytes).unwrap_or(u64::MAX)
}

fn encode(value: &impl Serialize) -> Vec<u8> {
    // Serializing our own plain structs to JSON cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

const ID_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";

fn new_id() -> String {
    (0..8)
        .map(|_| char::from(ID_ALPHABET[fastrand::usize(..ID_ALPHABET.len())]))
        .collect()
}

/// Ids are short and URL-safe; imported ids must be too.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Reads shared by [`Reader`] and [`Writer`]: both transactions can open tables.
macro_rules! reads {
    () => {
        /// The text extracted from the attached file of this hash, once read.
        pub fn file_text(&self, hash: &str) -> Result<Option<crate::files::extract::Extraction>> {
            let table = self.txn.open_table(FILE_TEXTS)?;
            let Some(value) = table.get(hash)? else {
                return Ok(None);
            };
            let what = format!("text of file {hash}");
            let json = packing::unpack(&what, value.value())?;
            serde_json::from_slice(&json)
                .map(Some)
                .map_err(|e| StoreError::Corrupt {
                    what,
                    message: e.to_string(),
                })
        }

        /// The record with this id.
        pub fn get(&self, id: &str) -> Result<Option<Record>> {
            let table = self.txn.open_table(RECORDS)?;
            let Some(number) = table.get(id)?.map(|v| read_u64(v.value())) else {
                return Ok(None);
            };
            let revisions = self.txn.open_table(REVISIONS)?;
            current(&revisions, id, number).map(Some)
        }

        /// The id of the record of `kind` that has, or once had, this slug.
        pub fn id_by_slug(&self, kind: Kind, slug: &str) -> Result<Option<String>> {
            let table = self.txn.open_table(SLUGS)?;
            let found = table.get(format!("{kind}/{slug}").as_str())?;
            Ok(found.map(|v| v.value().to_owned()))
        }

        /// The partner known by this name, acronym or alias.
        pub fn partner_by_name(&self, name: &str) -> Result<Option<String>> {
            let table = self.txn.open_table(PARTNER_NAMES)?;
            let found = table.get(model::name_key(name).as_str())?;
            Ok(found.map(|v| v.value().to_owned()))
        }

        /// The concept known by this label, preferred or alternative, in any language.
        pub fn concept_by_label(&self, label: &str) -> Result<Option<String>> {
            let table = self.txn.open_table(CONCEPT_LABELS)?;
            let found = table.get(model::name_key(label).as_str())?;
            Ok(found.map(|v| v.value().to_owned()))
        }

        /// Ids of the records that carry this keyword.
        pub fn keyword_uses(&self, keyword: &str) -> Result<Vec<String>> {
            let table = self.txn.open_multimap_table(KEYWORD_USES)?;
            let mut out = Vec::new();
            for id in table.get(model::name_key(keyword).as_str())? {
                out.push(id?.value().to_owned());
            }
            Ok(out)
        }

        /// Ids of the records that link to `id`.
        pub fn backlink_ids(&self, id: &str) -> Result<Vec<String>> {
            let table = self.txn.open_multimap_table(BACKLINKS)?;
            let mut out = Vec::new();
            for source in table.get(id)? {
                out.push(source?.value().to_owned());
            }
            Ok(out)
        }

        /// Where a record merged into another now lives.
        pub fn moved_to(&self, id: &str) -> Result<Option<String>> {
            let table = self.txn.open_table(MOVED)?;
            let found = table.get(id)?;
            Ok(found.map(|v| v.value().to_owned()))
        }

        /// Records that carry one of a concept's labels as a keyword.
        pub fn concept_uses(&self, concept: &model::Concept, lang: &str) -> Result<Vec<String>> {
            let mut out = std::collections::BTreeSet::new();
            for (_, label) in concept.all_labels(lang) {
                out.extend(self.keyword_uses(label)?);
            }
            Ok(out.into_iter().collect())
        }

        /// Records deleted since deletions were recorded, with the time of
        /// their deletion and the record as it last was.
        pub fn deletions(&self) -> Result<Vec<(Deletion, Record)>> {
            let table = self.txn.open_table(DELETIONS)?;
            let revisions = self.txn.open_table(REVISIONS)?;
            let mut out = Vec::new();
            for entry in table.iter()? {
                let (k, v) = entry?;
                let id = k.value();
                let deletion: Deletion = decode_json(&format!("deletion of {id}"), v.value())?;
                let record = current(&revisions, id, deletion.revision)?;
                out.push((deletion, record));
            }
            Ok(out)
        }

        /// The last change-log sequence number (0 for an empty store).
        pub fn last_seq(&self) -> Result<u64> {
            let table = self.txn.open_table(CHANGES)?;
            let last = table.last()?;
            Ok(last.map_or(0, |(k, _)| k.value()))
        }
    };
}

/// A read-only snapshot of the store.
pub struct Reader {
    txn: ReadTransaction,
}

impl Reader {
    reads!();

    /// Every record of a kind (or of all kinds), in id order.
    pub fn all(&self, kind: Option<Kind>) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        self.for_each(|record| {
            if kind.is_none_or(|k| record.kind() == k) {
                out.push(record);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` on every record, in id order, without holding them all in memory.
    pub fn for_each(&self, mut f: impl FnMut(Record) -> Result<()>) -> Result<()> {
        let table = self.txn.open_table(RECORDS)?;
        let revisions = self.txn.open_table(REVISIONS)?;
        for entry in table.iter()? {
            let (k, v) = entry?;
            f(current(&revisions, k.value(), read_u64(v.value()))?)?;
        }
        Ok(())
    }

    pub fn count(&self) -> Result<u64> {
        Ok(self.txn.open_table(RECORDS)?.len()?)
    }

    /// Records that link to `id` (as a partner, a related record, a broader or
    /// related concept).
    pub fn backlinks(&self, id: &str) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        for source in self.backlink_ids(id)? {
            if let Some(record) = self.get(&source)? {
                out.push(record);
            }
        }
        Ok(out)
    }

    /// Every revision of a record, oldest first.
    pub fn revisions(&self, id: &str) -> Result<Vec<Revision>> {
        let table = self.txn.open_table(REVISIONS)?;
        let mut out = Vec::new();
        for entry in table.range((id, 0)..=(id, u64::MAX))? {
            let (_, v) = entry?;
            let what = format!("revision of {id}");
            out.push(decode_json(&what, &packing::unpack(&what, v.value())?)?);
        }
        Ok(out)
    }

    /// Change-log entries after `seq`, at most `limit`, in order.
    pub fn changes_after(&self, seq: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        let table = self.txn.open_table(CHANGES)?;
        let mut out = Vec::new();
        for entry in table.range(seq.saturating_add(1)..)?.take(limit) {
            let (k, v) = entry?;
            out.push((k.value(), v.value().to_owned()));
        }
        Ok(out)
    }

    /// Ids of the most recently changed records, newest first, each once.
    pub fn recently_changed(&self, limit: usize) -> Result<Vec<String>> {
        let table = self.txn.open_table(CHANGES)?;
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for entry in table.iter()?.rev() {
            let (_, v) = entry?;
            if seen.insert(v.value().to_owned()) {
                out.push(v.value().to_owned());
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }
}

/// Writes inside one transaction of [`Store::write`].
pub struct Writer<'t> {
    txn: &'t WriteTransaction,
    slug_hints: &'t SlugHints,
    /// The compression dictionary values are packed with.
    dictionary: Option<u32>,
    /// The sequence number this transaction logged last, once it logged one.
    logged: Option<u64>,
    /// Whether the deletions table may hold something, once looked at: a bulk
    /// import of new records then looks at it once, not once a record.
    deletions: Option<bool>,
}

impl Writer<'_> {
    reads!();

    /// Keeps the text extracted from the attached file of this hash.
    pub fn put_file_text(
        &mut self,
        hash: &str,
        text: &crate::files::extract::Extraction,
    ) -> Result<()> {
        let json = serde_json::to_vec(text).map_err(|e| StoreError::Corrupt {
            what: format!("text of file {hash}"),
            message: e.to_string(),
        })?;
        let packed = packing::pack(&json, self.dictionary)?;
        self.txn
            .open_table(FILE_TEXTS)?
            .insert(hash, packed.as_slice())?;
        Ok(())
    }

    /// Saves a record: gives it an id and a slug if it has none, validates it,
    /// writes it with a new revision, updates name and link tables and appends to
    /// the change log. Returns the record as stored.
    pub fn save(&mut self, mut record: Record, author: &Author<'_>) -> Result<Record> {
        let errors = model::validate(&record);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        if record.meta.id.is_empty() {
            record.meta.id = loop {
                let id = new_id();
                if self.get(&id)?.is_none() {
                    break id;
                }
            };
        } else if !valid_id(&record.meta.id) {
            return Err(StoreError::Invalid(vec![FieldError {
                field: "id".into(),
                message: format!(
                    "{:?} is not a valid id (letters, digits, - and _ only, at most 64)",
                    record.meta.id
                ),
            }]));
        }
        let previous = self.get(&record.meta.id)?;
        if let Some(prev) = &previous {
            if prev.kind() != record.kind() {
                return Err(StoreError::Invalid(vec![FieldError {
                    field: "id".into(),
                    message: format!(
                        "{} already belongs to a record of kind {}",
                        record.meta.id,
                        prev.kind()
                    ),
                }]));
            }
            record.meta.created = prev.meta.created;
        }
        record.meta.revision = previous.as_ref().map_or(0, |p| p.meta.revision) + 1;
        record.meta.slug = self.free_slug(&record)?;
        for p in record.partner_refs_mut().into_iter().flatten() {
            // Links are by id; names are looked up again when shown or exported.
            p.name.clear();
        }
        for r in record.relations_mut().into_iter().flatten() {
            r.title.clear();
        }
        if let Some(prev) = &previous
            && same_content(prev, &record)
        {
            // Saving what is stored changes nothing: no revision, no change to
            // index. Importing a file again leaves the base as it was.
            return Ok(prev.clone());
        }
        self.index_names(&record, previous.as_ref())?;
        self.index_links(&record, previous.as_ref())?;
        self.index_keywords(&record, previous.as_ref())?;

        let id = record.meta.id.clone();
        let json = record.to_json();
        self.txn
            .open_table(RECORDS)?
            .insert(id.as_str(), record.meta.revision.to_le_bytes().as_slice())?;
        if previous.is_none() && self.may_hold_deletions()? {
            // A deleted record brought back (restored, imported again).
            self.txn.open_table(DELETIONS)?.remove(id.as_str())?;
        }
        let revision = Revision {
            number: record.meta.revision,
            author: author.name.to_owned(),
            time: model::now(),
            message: author.message.to_owned(),
            record: json,
        };
        self.txn.open_table(REVISIONS)?.insert(
            (id.as_str(), revision.number),
            packing::pack(&encode(&revision), self.dictionary)?.as_slice(),
        )?;
        self.log_change(&id)?;
        self.reindex_dependents(&record, previous.as_ref())?;
        Ok(record)
    }

    /// Records whose index entries show something of `record` are reindexed with
    /// it: the documents naming a partner; the documents tagged with a concept or
    /// with one of its narrower concepts (their keyword facets and search labels
    /// come from it).
    fn reindex_dependents(&mut self, record: &Record, previous: Option<&Record>) -> Result<()> {
        let mut dependents = std::collections::BTreeSet::new();
        match (&record.body, previous) {
            (model::Body::Partner(_), Some(_)) => {
                dependents.extend(self.backlink_ids(&record.meta.id)?);
            }
            (model::Body::Concept(_), _) => {
                let mut concepts = vec![record.clone()];
                concepts.extend(previous.cloned());
                let mut seen = std::collections::BTreeSet::new();
                while let Some(c) = concepts.pop() {
                    if !seen.insert((c.meta.id.clone(), c.meta.revision)) || seen.len() > 10_000 {
                        continue;
                    }
                    if let model::Body::Concept(concept) = &c.body {
                        dependents.extend(self.concept_uses(concept, &c.meta.lang)?);
                    }
                    // Narrower concepts name this one as broader.
                    for source in self.backlink_ids(&c.meta.id)? {
                        if let Some(narrower) = self.get(&source)?
                            && let model::Body::Concept(n) = &narrower.body
                            && n.broader.contains(&c.meta.id)
                        {
                            concepts.push(narrower);
                        }
                    }
                }
            }
            _ => {}
        }
        dependents.remove(&record.meta.id);
        for id in dependents {
            self.log_change(&id)?;
        }
        Ok(())
    }

    /// Deletes a record. Its revisions stay; its names, labels, links and keyword
    /// uses go; the index drops it.
    pub fn delete(&mut self, id: &str) -> Result<Record> {
        let Some(record) = self.get(id)? else {
            return Err(StoreError::Invalid(vec![FieldError {
                field: "id".into(),
                message: format!("no record has the id {id:?}"),
            }]));
        };
        let mut empty = record.clone();
        empty.body = match &record.body {
            model::Body::Partner(_) => model::Body::Partner(model::Partner::default()),
            model::Body::Concept(_) => model::Body::Concept(model::Concept::default()),
            model::Body::Action(_) => model::Body::Action(model::Action::default()),
            model::Body::Method(_) => model::Body::Method(model::Method::default()),
            model::Body::Resource(_) => model::Body::Resource(model::Resource::default()),
        };
        // Unindex names, labels, links and keywords by "saving" an empty body over
        // the old one in the side tables, without writing the record itself.
        self.index_names(&empty, Some(&record))?;
        self.index_links(&empty, Some(&record))?;
        self.index_keywords(&empty, Some(&record))?;
        self.txn.open_table(RECORDS)?.remove(id)?;
        let deletion = Deletion {
            deleted: model::now(),
            revision: record.meta.revision,
        };
        let json = serde_json::to_vec(&deletion).map_err(|e| StoreError::Corrupt {
            what: format!("deletion of {id}"),
            message: e.to_string(),
        })?;
        self.txn
            .open_table(DELETIONS)?
            .insert(id, json.as_slice())?;
        self.deletions = Some(true);
        {
            let mut slugs = self.txn.open_table(SLUGS)?;
            let prefix = format!("{}/", record.kind());
            let mine: Vec<String> = slugs
                .range(prefix.as_str()..)?
                .filter_map(|e| e.ok())
                .take_while(|(k, _)| k.value().starts_with(&prefix))
                .filter(|(_, v)| v.value() == id)
                .map(|(k, _)| k.value().to_owned())
                .collect();
            for slug in mine {
                slugs.remove(slug.as_str())?;
            }
            // A freed slug is given again: no hint may skip over it.
            self.slug_hints
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clear();
        }
        self.log_change(id)?;
        self.reindex_dependents(&record, None)?;
        Ok(record)
    }

    /// Merges partner `from` into partner `into`: every record naming `from` names
    /// `into` instead (in the same role), `from`'s names become aliases of `into`,
    /// and `from`'s addresses and id lead to `into`.
    pub fn merge_partner(&mut self, from: &str, into: &str, author: &Author<'_>) -> Result<Record> {
        self.merge_partner_keeping(from, into, author, &|_| true)
    }

    /// [`merge_partner`](Self::merge_partner), keeping as aliases only the old
    /// partner's names that `keep` accepts (a duplicate's name may be junk:
    /// "GéoPartagées (doublon)").
    pub fn merge_partner_keeping(
        &mut self,
        from: &str,
        into: &str,
        author: &Author<'_>,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<Record> {
        let (Some(source), Some(mut target)) = (self.get(from)?, self.get(into)?) else {
            return Err(StoreError::Invalid(vec![FieldError {
                field: "into".into(),
                message: "both partners must exist".into(),
            }]));
        };
        let (model::Body::Partner(old), model::Body::Partner(_)) = (&source.body, &target.body)
        else {
            return Err(StoreError::Invalid(vec![FieldError {
                field: "into".into(),
                message: "only partners can be merged".into(),
            }]));
        };
        if from == into {
            return Err(StoreError::Invalid(vec![FieldError {
                field: "into".into(),
                message: "a partner cannot be merged into itself".into(),
            }]));
        }
        for doc_id in self.backlink_ids(from)? {
            let Some(mut doc) = self.get(&doc_id)? else {
                continue;
            };
            if let Some(refs) = doc.partner_refs_mut() {
                let already = refs.iter().any(|r| r.id == into);
                refs.retain(|r| !(already && r.id == from));
                for r in refs.iter_mut().filter(|r| r.id == from) {
                    r.id = into.to_owned();
                }
            }
            doc.meta.updated = model::now();
            self.save(doc, author)?;
        }
        let old = old.clone();
        self.delete(from)?;
        if let model::Body::Partner(p) = &mut target.body {
            let known: Vec<String> = p.names().map(model::name_key).collect();
            for name in old.names() {
                if keep(name)
                    && !known.contains(&model::name_key(name))
                    && !p.aliases.iter().any(|a| a == name)
                {
                    p.aliases.push(name.to_owned());
                }
            }
            for (mine, theirs) in [
                (&mut p.description, &old.description),
                (&mut p.website, &old.website),
                (&mut p.country, &old.country),
                (&mut p.partner_type, &old.partner_type),
            ] {
                if mine.is_empty() {
                    mine.clone_from(theirs);
                }
            }
        }
        target.meta.updated = model::now();
        let target = self.save(target, author)?;
        // The old addresses lead to the survivor.
        self.txn
            .open_table(SLUGS)?
            .insert(format!("partner/{}", source.meta.slug).as_str(), into)?;
        self.txn.open_table(MOVED)?.insert(from, into)?;
        Ok(target)
    }

    /// The record stored under `record`'s title, if it holds just what `record`
    /// would store.
    pub fn stored_under_title(&self, record: &Record) -> Result<Option<Record>> {
        let slug = model::slugify(record.title());
        let Some(id) = self.id_by_slug(record.kind(), &slug)? else {
            return Ok(None);
        };
        let Some(stored) = self.get(&id)? else {
            return Ok(None);
        };
        let mut new = record.clone();
        for p in new.partner_refs_mut().into_iter().flatten() {
            p.name.clear();
        }
        for r in new.relations_mut().into_iter().flatten() {
            r.title.clear();
        }
        if new.meta.slug.is_empty() {
            new.meta.slug.clone_from(&stored.meta.slug);
        }
        Ok(same_content(&stored, &new).then_some(stored))
    }

    /// Saves `record` only if the stored one is still at revision `base`: an edit
    /// begun from an older revision must not overwrite what others saved since.
    pub fn save_if_current(
        &mut self,
        record: Record,
        base: u64,
        author: &Author<'_>,
    ) -> Result<Record> {
        let current = self.get(&record.meta.id)?.map_or(0, |r| r.meta.revision);
        if current != base {
            return Err(StoreError::Conflict { current });
        }
        self.save(record, author)
    }

    fn may_hold_deletions(&mut self) -> Result<bool> {
        if let Some(known) = self.deletions {
            return Ok(known);
        }
        let any = !self.txn.open_table(DELETIONS)?.is_empty()?;
        self.deletions = Some(any);
        Ok(any)
    }

    fn log_change(&mut self, id: &str) -> Result<()> {
        // Only this transaction writes the log while it lasts.
        let seq = match self.logged {
            Some(seq) => seq + 1,
            None => self.last_seq()? + 1,
        };
        self.txn.open_table(CHANGES)?.insert(seq, id)?;
        self.logged = Some(seq);
        Ok(())
    }

    /// The record's own slug if it is free (or already its own), else one derived
    /// from its title, made unique with a number.
    fn free_slug(&self, record: &Record) -> Result<String> {
        let kind = record.kind();
        let id = &record.meta.id;
        let wanted = if record.meta.slug.is_empty() {
            let title = match &record.body {
                model::Body::Partner(p) => p.label(),
                _ => record.title(),
            };
            model::slugify(title)
        } else {
            model::slugify(&record.meta.slug)
        };
        let mut slugs = self.txn.open_table(SLUGS)?;
        let candidate = |n: u64| match n {
            1 => wanted.clone(),
            n => format!("{wanted}-{n}"),
        };
        // Whose the n-th candidate is: nobody's, this record's, another's.
        let owner = |slugs: &redb::Table<&str, &str>, n: u64| -> Result<Option<bool>> {
            Ok(slugs
                .get(format!("{kind}/{}", candidate(n)).as_str())?
                .map(|v| v.value() == id.as_str()))
        };
        // Many records may share a title (minutes of meetings, a form's name):
        // the number given last is tried first, then taken suffixes are looked
        // for by doubling and halving, so the thousandth "compte-rendu" costs
        // two lookups, twenty at worst, not a thousand. Any free suffix will
        // do: slugs need only be unique.
        let hint_key = format!("{kind}/{wanted}");
        let (mut taken, mut free) = match owner(&slugs, 1)? {
            Some(true) => return Ok(candidate(1)),
            // Below the hint, suffixes are taken (or were): only what is above
            // it is searched.
            Some(false) => {
                let hints = self.slug_hints.lock().unwrap_or_else(|e| e.into_inner());
                let given = hints.get(&hint_key).copied().unwrap_or(1).max(1);
                (given, given + 1)
            }
            None => (0, 1),
        };
        while taken > 0 {
            match owner(&slugs, free)? {
                Some(true) => return Ok(candidate(free)),
                Some(false) => {
                    taken = free;
                    free *= 2;
                }
                None => break,
            }
        }
        while free - taken > 1 && taken > 0 {
            let mid = taken + (free - taken) / 2;
            match owner(&slugs, mid)? {
                Some(true) => return Ok(candidate(mid)),
                Some(false) => taken = mid,
                None => free = mid,
            }
        }
        if free > 1 {
            let mut hints = self.slug_hints.lock().unwrap_or_else(|e| e.into_inner());
            if hints.len() >= SLUG_HINTS {
                hints.clear();
            }
            hints.insert(hint_key, free);
        }
        let slug = candidate(free);
        slugs.insert(format!("{kind}/{slug}").as_str(), id.as_str())?;
        Ok(slug)
    }

    fn index_names(&mut self, record: &Record, previous: Option<&Record>) -> Result<()> {
        if let model::Body::Concept(concept) = &record.body {
            return self.index_concept_labels(record, concept, previous);
        }
        let model::Body::Partner(partner) = &record.body else {
            return Ok(());
        };
        let mut names = self.txn.open_table(PARTNER_NAMES)?;
        if let Some(model::Body::Partner(old)) = previous.map(|p| &p.body) {
            for name in old.names() {
                let key = model::name_key(name);
                let owner = names.get(key.as_str())?.map(|v| v.value().to_owned());
                if owner.as_deref() == Some(record.meta.id.as_str()) {
                    names.remove(key.as_str())?;
                }
            }
        }
        for name in partner.names() {
            let key = model::name_key(name);
            if key.is_empty() {
                continue;
            }
            let owner = names.get(key.as_str())?.map(|v| v.value().to_owned());
            match owner {
                Some(owner) if owner != record.meta.id => {
                    return Err(StoreError::Invalid(vec![FieldError {
                        field: "name".into(),
                        message: format!("{name:?} is already the name of partner {owner}"),
                    }]));
                }
                _ => {
                    names.insert(key.as_str(), record.meta.id.as_str())?;
                }
            }
        }
        Ok(())
    }

    fn index_concept_labels(
        &mut self,
        record: &Record,
        concept: &model::Concept,
        previous: Option<&Record>,
    ) -> Result<()> {
        let id = record.meta.id.as_str();
        let mut labels = self.txn.open_table(CONCEPT_LABELS)?;
        if let Some(model::Body::Concept(old)) = previous.map(|p| &p.body) {
            let lang = previous.map_or("fr", |p| p.meta.lang.as_str());
            for (_, label) in old.all_labels(lang) {
                let key = model::name_key(label);
                let owner = labels.get(key.as_str())?.map(|v| v.value().to_owned());
                if owner.as_deref() == Some(id) {
                    labels.remove(key.as_str())?;
                }
            }
        }
        for (_, label) in concept.all_labels(&record.meta.lang) {
            let key = model::name_key(label);
            if key.is_empty() {
                continue;
            }
            let owner = labels.get(key.as_str())?.map(|v| v.value().to_owned());
            match owner {
                Some(owner) if owner != id => {
                    return Err(StoreError::Invalid(vec![FieldError {
                        field: "label".into(),
                        message: format!("{label:?} is already a label of concept {owner}"),
                    }]));
                }
                _ => {
                    labels.insert(key.as_str(), id)?;
                }
            }
        }
        Ok(())
    }

    fn index_keywords(&mut self, record: &Record, previous: Option<&Record>) -> Result<()> {
        let id = record.meta.id.as_str();
        let mut uses = self.txn.open_multimap_table(KEYWORD_USES)?;
        for keyword in previous.map(Record::keywords).unwrap_or_default() {
            uses.remove(model::name_key(keyword).as_str(), id)?;
        }
        for keyword in record.keywords() {
            uses.insert(model::name_key(keyword).as_str(), id)?;
        }
        Ok(())
    }

    fn index_links(&mut self, record: &Record, previous: Option<&Record>) -> Result<()> {
        let targets = |r: &Record| -> BTreeSet<String> {
            r.partner_refs()
                .iter()
                .map(|p| p.id.clone())
                .chain(r.linked_ids())
                .collect()
        };
        let id = record.meta.id.as_str();
        let mut links = self.txn.open_multimap_table(BACKLINKS)?;
        if let Some(prev) = previous {
            for target in targets(prev) {
                links.remove(target.as_str(), id)?;
            }
        }
        for target in targets(record) {
            if target.is_empty() {
                return Err(StoreError::Invalid(vec![FieldError {
                    field: "partners".into(),
                    message: "a partner link has no id".into(),
                }]));
            }
            links.insert(target.as_str(), id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

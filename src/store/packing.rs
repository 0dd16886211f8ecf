//! How records and revisions lie on disk (formats 3 and 4): their JSON,
//! compressed with zstd. Real text takes a third of its room or less, and
//! reading a record costs a few microseconds more; accounts, sessions and tokens
//! stay plain JSON, being small and few.
//!
//! Since format 4, a store may hold a zstd dictionary trained on its own records
//! ([`train`]): a record is a few hundred bytes to a few kilobytes, too little
//! for zstd to learn its words and the interchange format's keys from, so each
//! compressed without one carries its own tables. With one, records take about
//! two thirds of the room and compress in about half the time. A compressed
//! value names the dictionary it needs in its frame header; values compressed
//! without one (all of format 3) read as before.

use std::cell::RefCell;
use std::sync::{Arc, RwLock};

use super::{Result, StoreError};

/// zstd's default level: most of the gain of the higher ones, at a fraction of
/// their time.
const LEVEL: i32 = 3;

/// Records larger than this are read as a stream rather than into one buffer
/// sized from their header: a corrupt header must not make us allocate gigabytes.
const MAX_DIRECT: usize = 64 * 1024 * 1024;

/// Size of a trained dictionary: larger ones measured barely better on records
/// of real French text, and each thread loads it once.
const DICTIONARY_BYTES: usize = 32 * 1024;

/// Fewest records a dictionary is trained on: below that it learns too little
/// to pay for itself.
pub const TRAINING_RECORDS: usize = 1_000;

thread_local! {
    // A compression context costs more to make than a small record costs to
    // compress: each thread keeps one of each, with the dictionary (by id, 0 for
    // none) last loaded into it.
    static COMPRESSOR: RefCell<Option<(u32, zstd::bulk::Compressor<'static>)>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<(u32, zstd::bulk::Decompressor<'static>)>> = const { RefCell::new(None) };
}

/// Every dictionary this process has read from a store or trained, by its id.
/// The id is a hash of the dictionary's content (zstd's own), written in every
/// frame compressed with it, so one table serves every store a process opens.
static DICTIONARIES: RwLock<Vec<(u32, Arc<[u8]>)>> = RwLock::new(Vec::new());

/// Makes a dictionary known to [`pack`] and [`unpack`]; returns its id, or
/// `None` if these bytes are not a zstd dictionary.
pub fn register(dictionary: &[u8]) -> Option<u32> {
    let id = zstd::zstd_safe::get_dict_id_from_dict(dictionary)?.get();
    let mut known = DICTIONARIES.write().unwrap_or_else(|e| e.into_inner());
    if !known.iter().any(|(k, _)| *k == id) {
        known.push((id, Arc::from(dictionary)));
    }
    Some(id)
}

fn registered(id: u32) -> Option<Arc<[u8]>> {
    let known = DICTIONARIES.read().unwrap_or_else(|e| e.into_inner());
    known.iter().find(|(k, _)| *k == id).map(|(_, d)| d.clone())
}

/// Trains a dictionary on the JSON of some records; `None` when there are too
/// few, or when it would not pay: the samples compressed with it, plus the
/// dictionary itself, must take less room than the samples compressed alone.
pub fn train(samples: &[Vec<u8>]) -> Option<Vec<u8>> {
    if samples.len() < TRAINING_RECORDS {
        return None;
    }
    let dictionary = zstd::dict::from_samples(samples, DICTIONARY_BYTES).ok()?;
    let mut alone = zstd::bulk::Compressor::new(LEVEL).ok()?;
    let mut with = zstd::bulk::Compressor::with_dictionary(LEVEL, &dictionary).ok()?;
    let (mut plain, mut trained) = (0, dictionary.len());
    for sample in samples {
        plain += alone.compress(sample).ok()?.len();
        trained += with.compress(sample).ok()?.len();
    }
    (trained < plain).then_some(dictionary)
}

fn io_error(source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: "record compression".into(),
        source,
    }
}

/// The bytes stored for a record or revision whose JSON is `json`, compressed
/// with the dictionary of that id (registered first) if one is given.
pub fn pack(json: &[u8], dictionary: Option<u32>) -> Result<Vec<u8>> {
    let id = dictionary.unwrap_or(0);
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let (loaded, compressor) = match slot.as_mut() {
            Some(c) => c,
            None => slot.insert((0, zstd::bulk::Compressor::new(LEVEL).map_err(io_error)?)),
        };
        if *loaded != id {
            let bytes = dictionary_bytes(id, "a value to store")?;
            compressor
                .set_dictionary(LEVEL, bytes.as_deref().unwrap_or_default())
                .map_err(io_error)?;
            *loaded = id;
        }
        compressor.compress(json).map_err(io_error)
    })
}

/// The dictionary of an id (none for 0), which `what` needs.
fn dictionary_bytes(id: u32, what: &str) -> Result<Option<Arc<[u8]>>> {
    match id {
        0 => Ok(None),
        id => registered(id).map(Some).ok_or_else(|| StoreError::Corrupt {
            what: what.to_owned(),
            message: format!("it needs compression dictionary {id}, which the store does not hold"),
        }),
    }
}

/// The JSON of a stored record or revision (`what` names it in an error).
pub fn unpack(what: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    let corrupt = |e: std::io::Error| StoreError::Corrupt {
        what: what.to_owned(),
        message: format!("not a compressed record: {e}"),
    };
    let id = zstd::zstd_safe::get_dict_id_from_frame(bytes).map_or(0, |id| id.get());
    match zstd::bulk::Decompressor::upper_bound(bytes) {
        Some(size) if size <= MAX_DIRECT => DECOMPRESSOR.with(|cell| {
            let mut slot = cell.borrow_mut();
            let (loaded, decompressor) = match slot.as_mut() {
                Some(d) => d,
                None => slot.insert((0, zstd::bulk::Decompressor::new().map_err(io_error)?)),
            };
            // The dictionary is looked up only when this thread's context
            // does not hold it already: reads are a hot path.
            if *loaded != id {
                let dictionary = dictionary_bytes(id, what)?;
                decompressor
                    .set_dictionary(dictionary.as_deref().unwrap_or_default())
                    .map_err(io_error)?;
                *loaded = id;
            }
            decompressor.decompress(bytes, size).map_err(corrupt)
        }),
        _ => {
            let mut out = Vec::new();
            let dictionary = dictionary_bytes(id, what)?;
            let dictionary = dictionary.as_deref().unwrap_or_default();
            let mut decoder =
                zstd::stream::read::Decoder::with_dictionary(bytes, dictionary).map_err(corrupt)?;
            std::io::copy(&mut decoder, &mut out).map_err(corrupt)?;
            Ok(out)
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[test]
    fn packing_round_trips_and_refuses_plain_json() {
        let json = br#"{"kind":"method","title":"Animer un forum"}"#;
        let packed = pack(json, None).expect("pack");
        assert_eq!(unpack("a record", &packed).expect("unpack"), json);
        let err = unpack("record x", json).expect_err("plain JSON is not packed");
        assert!(err.to_string().contains("record x"), "{err}");
    }

    fn register_id(dictionary: &[u8]) -> u32 {
        zstd::zstd_safe::get_dict_id_from_dict(dictionary).map_or(0, |id| id.get())
    }

    /// The summary of the `i`-th of many records alike enough for a dictionary
    /// to pay, as a large import brings: French words in varying orders.
    pub(in crate::store) fn summary(i: usize) -> String {
        let words = [
            "animation",
            "territoire",
            "habitants",
            "collectif",
            "projet",
            "quartier",
            "association",
            "accompagnement",
            "démarche",
            "participation",
            "jeunes",
        ];
        let summary: Vec<&str> = (0..40)
            .map(|j| words[(i * 7 + j * 3) % words.len()])
            .collect();
        summary.join(" ")
    }

    /// Revisions of such records, in the interchange format.
    fn samples(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| {
                format!(
                    r#"{{"number":1,"author":"import","message":"import","record":{{"kind":"method","id":"m{i}","lang":"fr","status":"published","title":"Méthode {i}","summary":"{}"}}}}"#,
                    summary(i)
                )
                .into_bytes()
            })
            .collect()
    }

    #[test]
    fn a_trained_dictionary_is_named_by_what_it_packed() {
        assert!(
            train(&samples(TRAINING_RECORDS - 1)).is_none(),
            "too few to learn from"
        );
        let samples = samples(TRAINING_RECORDS + 1);
        let dictionary = train(&samples[..TRAINING_RECORDS]).expect("it pays on records alike");
        let id = register(&dictionary).expect("a dictionary");
        let packed = pack(&samples[7], Some(id)).expect("pack");
        assert!(packed.len() < pack(&samples[7], None).expect("pack").len());
        assert_eq!(unpack("a record", &packed).expect("unpack"), samples[7]);
        // Values packed with and without it read alike, one after the other.
        let plain = pack(&samples[8], None).expect("pack");
        assert_eq!(unpack("a record", &plain).expect("unpack"), samples[8]);
        assert_eq!(unpack("a record", &packed).expect("unpack"), samples[7]);
        // A value that needs a dictionary this process never saw says so.
        let other = train(&samples[1..]).expect("another dictionary");
        assert_ne!(register_id(&other), id);
        let foreign = zstd::bulk::Compressor::with_dictionary(LEVEL, &other)
            .and_then(|mut c| c.compress(&samples[7]))
            .expect("compress");
        let err = unpack("record m7", &foreign).expect_err("unknown dictionary");
        assert!(err.to_string().contains("record m7"), "{err}");
        assert!(err.to_string().contains("dictionary"), "{err}");
    }
}

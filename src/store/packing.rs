//! How records and revisions lie on disk (format 3): their JSON, compressed with
//! zstd. Real text takes a third of its room or less, and reading a record costs
//! a few microseconds more; accounts, sessions and tokens stay plain JSON, being
//! small and few.

use std::cell::RefCell;

use super::{Result, StoreError};

/// zstd's default level: most of the gain of the higher ones, at a fraction of
/// their time.
const LEVEL: i32 = 3;

/// Records larger than this are read as a stream rather than into one buffer
/// sized from their header: a corrupt header must not make us allocate gigabytes.
const MAX_DIRECT: usize = 64 * 1024 * 1024;

thread_local! {
    // A compression context costs more to make than a small record costs to
    // compress: each thread keeps one of each.
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

fn io_error(source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: "record compression".into(),
        source,
    }
}

/// The bytes stored for a record or revision whose JSON is `json`.
pub fn pack(json: &[u8]) -> Result<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let compressor = match slot.as_mut() {
            Some(c) => c,
            None => slot.insert(zstd::bulk::Compressor::new(LEVEL).map_err(io_error)?),
        };
        compressor.compress(json).map_err(io_error)
    })
}

/// The JSON of a stored record or revision (`what` names it in an error).
pub fn unpack(what: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    let corrupt = |e: std::io::Error| StoreError::Corrupt {
        what: what.to_owned(),
        message: format!("not a compressed record: {e}"),
    };
    match zstd::bulk::Decompressor::upper_bound(bytes) {
        Some(size) if size <= MAX_DIRECT => DECOMPRESSOR.with(|cell| {
            let mut slot = cell.borrow_mut();
            let decompressor = match slot.as_mut() {
                Some(d) => d,
                None => slot.insert(zstd::bulk::Decompressor::new().map_err(io_error)?),
            };
            decompressor.decompress(bytes, size).map_err(corrupt)
        }),
        _ => zstd::stream::decode_all(bytes).map_err(corrupt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips_and_refuses_plain_json() {
        let json = br#"{"kind":"method","title":"Animer un forum"}"#;
        let packed = pack(json).expect("pack");
        assert_eq!(unpack("a record", &packed).expect("unpack"), json);
        let err = unpack("record x", json).expect_err("plain JSON is not packed");
        assert!(err.to_string().contains("record x"), "{err}");
    }
}

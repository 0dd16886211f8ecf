//! How records and revisions lie on disk (format 3): their JSON, compressed with
//! zstd. Real text takes a third of its room or less, and reading a record costs
//! a few microseconds more; accounts, sessions and tokens stay plain JSON, being
//! small and few.

use super::{Result, StoreError};

/// zstd's default level: most of the gain of the higher ones, at a fraction of
/// their time.
const LEVEL: i32 = 3;

/// The bytes stored for a record or revision whose JSON is `json`.
pub fn pack(json: &[u8]) -> Result<Vec<u8>> {
    zstd::bulk::compress(json, LEVEL).map_err(|source| StoreError::Io {
        path: "record compression".into(),
        source,
    })
}

/// The JSON of a stored record or revision (`what` names it in an error).
pub fn unpack(what: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    zstd::stream::decode_all(bytes).map_err(|e| StoreError::Corrupt {
        what: what.to_owned(),
        message: format!("not a compressed record: {e}"),
    })
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

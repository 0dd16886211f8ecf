//! Consistent snapshots of a store, taken from one read transaction while the
//! server keeps writing, and their restoration into an empty data directory.
//!
//! A snapshot is JSON Lines: a header line with the format and the counts, then
//! one line per table entry (`{"t": table, "k": key, "v": value}`), every table
//! but the sessions (a restored server starts with everyone logged out); then
//! the attached files, each in lines of base64 (`{"t": "file", "k": hash,
//! "v": chunk}`), checked against their hash when restored.

use std::io::{BufRead, Write};

use redb::{ReadableMultimapTable, ReadableTable, ReadableTableMetadata};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::tables::*;
use super::{
    FORMAT, Result, Store, StoreError, current, packing, read_u64, upgrade_record, upgrade_revision,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub savoirs_backup: u32,
    pub format: u32,
    pub created: String,
    pub records: u64,
    pub revisions: u64,
    /// Attached files (absent from backups made before there were any).
    #[serde(default)]
    pub files: u64,
}

/// Bytes of a file per backup line (4 MiB once in base64).
const FILE_CHUNK: usize = 3 * 1024 * 1024;

fn corrupt(message: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        what: "backup".into(),
        message: message.into(),
    }
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Io {
        path: "backup".into(),
        source: e,
    }
}

/// Fills `buffer` as far as the file goes; returns how much it holds.
fn read_full(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn json_bytes(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

/// Keeps a file restored from a backup, if its content has the hash it was
/// backed up under; returns how many files were kept.
fn keep_file(
    files: &crate::files::Files,
    receiving: Option<(String, crate::files::Incoming)>,
) -> Result<u64> {
    let Some((hash, incoming)) = receiving else {
        return Ok(0);
    };
    let kept = files.keep(incoming).map_err(io)?;
    if kept != hash {
        return Err(corrupt(format!(
            "the file backed up as {hash} has another content ({kept})"
        )));
    }
    Ok(1)
}

impl Store {
    /// Writes a snapshot of the whole store; returns its header.
    pub fn backup(&self, out: &mut dyn Write) -> Result<Header> {
        let txn = self.begin_read()?;
        let files = crate::files::Files::new(&self.dir);
        let stored = files.stored().map_err(io)?;
        let header = Header {
            savoirs_backup: 1,
            format: FORMAT,
            created: crate::model::now().to_rfc3339(),
            records: txn.open_table(RECORDS)?.len()?,
            revisions: txn.open_table(REVISIONS)?.len()?,
            files: stored.len() as u64,
        };
        let mut line = |v: Value| -> Result<()> {
            serde_json::to_writer(&mut *out, &v).map_err(|e| io(e.into()))?;
            out.write_all(b"\n").map_err(io)
        };
        line(serde_json::to_value(&header).map_err(|e| corrupt(e.to_string()))?)?;
        macro_rules! text_table {
            ($name:literal, $table:expr) => {
                for entry in txn.open_table($table)?.iter()? {
                    let (k, v) = entry?;
                    line(json!({"t": $name, "k": k.value(), "v": v.value()}))?;
                }
            };
        }
        macro_rules! json_table {
            ($name:literal, $table:expr) => {
                for entry in txn.open_table($table)?.iter()? {
                    let (k, v) = entry?;
                    line(json!({"t": $name, "k": k.value(), "v": json_bytes(v.value())}))?;
                }
            };
        }
        macro_rules! multimap {
            ($name:literal, $table:expr) => {
                for entry in txn.open_multimap_table($table)?.iter()? {
                    let (k, values) = entry?;
                    for v in values {
                        line(json!({"t": $name, "k": k.value(), "v": v?.value()}))?;
                    }
                }
            };
        }
        // A record is written whole, as its latest revision holds it: a backup
        // reads the same whatever the store's layout.
        let revisions = txn.open_table(REVISIONS)?;
        for entry in txn.open_table(RECORDS)?.iter()? {
            let (k, v) = entry?;
            let id = k.value();
            let record = current(&revisions, id, read_u64(v.value()))?;
            line(json!({"t": "records", "k": id, "v": record.to_json()}))?;
        }
        text_table!("slugs", SLUGS);
        for entry in txn.open_table(REVISIONS)?.iter()? {
            let (k, v) = entry?;
            let (id, n) = k.value();
            let revision = packing::unpack(&format!("revision {n} of {id}"), v.value())?;
            line(json!({"t": "revisions", "k": [id, n], "v": json_bytes(&revision)}))?;
        }
        text_table!("changes", CHANGES);
        text_table!("partner_names", PARTNER_NAMES);
        text_table!("concept_labels", CONCEPT_LABELS);
        text_table!("moved", MOVED);
        json_table!("users", USERS);
        json_table!("api_tokens", API_TOKENS);
        json_table!("link_proposals", LINK_PROPOSALS);
        json_table!("deletions", DELETIONS);
        multimap!("backlinks", BACKLINKS);
        multimap!("keyword_uses", KEYWORD_USES);
        multimap!("followers", FOLLOWERS);
        for (name, table) in [("comments", COMMENTS), ("notifications", NOTIFICATIONS)] {
            for entry in txn.open_table(table)?.iter()? {
                let (k, v) = entry?;
                let (key, n) = k.value();
                line(json!({"t": name, "k": [key, n], "v": json_bytes(v.value())}))?;
            }
        }
        for entry in txn.open_table(FILE_TEXTS)?.iter()? {
            let (k, v) = entry?;
            let hash = k.value();
            let text = packing::unpack(&format!("text of file {hash}"), v.value())?;
            line(json!({"t": "file_texts", "k": hash, "v": json_bytes(&text)}))?;
        }
        // Files are written once and never change: those listed are whole.
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        for hash in &stored {
            let Some(path) = files.path(hash) else {
                continue;
            };
            let mut file = std::fs::File::open(&path).map_err(io)?;
            let mut chunk = vec![0u8; FILE_CHUNK];
            loop {
                let n = read_full(&mut file, &mut chunk).map_err(io)?;
                if n == 0 {
                    break;
                }
                line(json!({"t": "file", "k": hash, "v": engine.encode(&chunk[..n])}))?;
                if n < FILE_CHUNK {
                    break;
                }
            }
        }
        Ok(header)
    }

    /// Loads a snapshot into this store, which must be empty. Returns its header.
    pub fn restore(&self, input: &mut dyn BufRead) -> Result<Header> {
        let mut lines = input.lines();
        let first = lines
            .next()
            .ok_or_else(|| corrupt("the file is empty"))?
            .map_err(io)?;
        let header: Header = serde_json::from_str(&first)
            .map_err(|e| corrupt(format!("line 1 is not a Savoirs backup header: {e}")))?;
        if header.format > FORMAT {
            return Err(StoreError::NewerFormat {
                dir: self.dir.display().to_string(),
                found: header.format,
            });
        }
        let txn = self.begin_write()?;
        {
            if txn.open_table(RECORDS)?.len()? > 0 {
                return Err(corrupt(
                    "the data directory is not empty: restore into a new one",
                ));
            }
            let mut records = txn.open_table(RECORDS)?;
            let mut slugs = txn.open_table(SLUGS)?;
            let mut revisions = txn.open_table(REVISIONS)?;
            let mut changes = txn.open_table(CHANGES)?;
            let mut partner_names = txn.open_table(PARTNER_NAMES)?;
            let mut concept_labels = txn.open_table(CONCEPT_LABELS)?;
            let mut moved = txn.open_table(MOVED)?;
            let mut users = txn.open_table(USERS)?;
            let mut api_tokens = txn.open_table(API_TOKENS)?;
            let mut link_proposals = txn.open_table(LINK_PROPOSALS)?;
            let mut deletions = txn.open_table(DELETIONS)?;
            let mut backlinks = txn.open_multimap_table(BACKLINKS)?;
            let mut keyword_uses = txn.open_multimap_table(KEYWORD_USES)?;
            let mut followers = txn.open_multimap_table(FOLLOWERS)?;
            let mut comments = txn.open_table(COMMENTS)?;
            let mut notifications = txn.open_table(NOTIFICATIONS)?;
            let mut file_texts = txn.open_table(FILE_TEXTS)?;
            let files = crate::files::Files::new(&self.dir);
            // The file being received, and its hash.
            let mut receiving: Option<(String, crate::files::Incoming)> = None;
            let mut restored_files = 0u64;
            use base64::Engine;
            let engine = base64::engine::general_purpose::STANDARD;
            for (i, line) in lines.enumerate() {
                let n = i + 2;
                let line = line.map_err(io)?;
                if line.trim().is_empty() {
                    continue;
                }
                let mut entry: Value =
                    serde_json::from_str(&line).map_err(|e| corrupt(format!("line {n}: {e}")))?;
                let bad = || corrupt(format!("line {n}: unexpected entry"));
                let mut take =
                    |name: &str| entry.get_mut(name).map(Value::take).unwrap_or_default();
                let (key, value) = (&take("k"), &mut take("v"));
                let table = entry["t"].as_str().ok_or_else(bad)?;
                let text = |v: &Value| v.as_str().map(str::to_owned).ok_or_else(bad);
                let bytes = |v: &Value| serde_json::to_vec(v).map_err(|_| bad());
                match table {
                    "records" => {
                        if let Some(object) = value.as_object_mut() {
                            upgrade_record(object, header.format);
                        }
                        // The record itself comes with its revisions; the
                        // records table says which one is current.
                        let number = value.get("revision").and_then(Value::as_u64);
                        let number = number.ok_or_else(bad)?;
                        records.insert(text(key)?.as_str(), number.to_le_bytes().as_slice())?;
                    }
                    "users" => {
                        users.insert(text(key)?.as_str(), bytes(value)?.as_slice())?;
                    }
                    "api_tokens" => {
                        api_tokens.insert(text(key)?.as_str(), bytes(value)?.as_slice())?;
                    }
                    "link_proposals" => {
                        link_proposals.insert(text(key)?.as_str(), bytes(value)?.as_slice())?;
                    }
                    "deletions" => {
                        deletions.insert(text(key)?.as_str(), bytes(value)?.as_slice())?;
                    }
                    "revisions" => {
                        let id = key[0].as_str().ok_or_else(bad)?;
                        let number = key[1].as_u64().ok_or_else(bad)?;
                        upgrade_revision(value, header.format);
                        let packed = packing::pack(&bytes(value)?, None)?;
                        revisions.insert((id, number), packed.as_slice())?;
                    }
                    "changes" => {
                        changes.insert(key.as_u64().ok_or_else(bad)?, text(value)?.as_str())?;
                    }
                    "slugs" => {
                        slugs.insert(text(key)?.as_str(), text(value)?.as_str())?;
                    }
                    "partner_names" => {
                        partner_names.insert(text(key)?.as_str(), text(value)?.as_str())?;
                    }
                    "concept_labels" => {
                        concept_labels.insert(text(key)?.as_str(), text(value)?.as_str())?;
                    }
                    "moved" => {
                        moved.insert(text(key)?.as_str(), text(value)?.as_str())?;
                    }
                    "backlinks" => {
                        backlinks.insert(text(key)?.as_str(), text(value)?.as_str())?;
                    }
                    "keyword_uses" => {
                        keyword_uses.insert(text(key)?.as_str(), text(value)?.as_str())?;
                    }
                    "followers" => {
                        followers.insert(text(key)?.as_str(), text(value)?.as_str())?;
                    }
                    "comments" | "notifications" => {
                        let owner = key[0].as_str().ok_or_else(bad)?;
                        let number = key[1].as_u64().ok_or_else(bad)?;
                        let target = match table {
                            "comments" => &mut comments,
                            _ => &mut notifications,
                        };
                        target.insert((owner, number), bytes(value)?.as_slice())?;
                    }
                    "file_texts" => {
                        let packed = packing::pack(&bytes(value)?, None)?;
                        file_texts.insert(text(key)?.as_str(), packed.as_slice())?;
                    }
                    "file" => {
                        let hash = text(key)?;
                        if receiving.as_ref().is_some_and(|(h, _)| *h != hash) {
                            restored_files += keep_file(&files, receiving.take())?;
                        }
                        if receiving.is_none() {
                            let incoming = files.receive(u64::MAX).map_err(io)?;
                            receiving = Some((hash, incoming));
                        }
                        let chunk = engine
                            .decode(value.as_str().ok_or_else(bad)?)
                            .map_err(|e| corrupt(format!("line {n}: {e}")))?;
                        if let Some((_, incoming)) = receiving.as_mut() {
                            incoming.write(&chunk).map_err(io)?.map_err(|_| bad())?;
                        }
                    }
                    other => return Err(corrupt(format!("line {n}: unknown table {other:?}"))),
                }
            }
            restored_files += keep_file(&files, receiving.take())?;
            if restored_files != header.files {
                return Err(corrupt(format!(
                    "the backup is incomplete: {restored_files} files, its header says {}",
                    header.files
                )));
            }
            let (got_records, got_revisions) = (records.len()?, revisions.len()?);
            if (got_records, got_revisions) != (header.records, header.revisions) {
                return Err(corrupt(format!(
                    "the backup is incomplete: {got_records} records and {got_revisions} revisions, its header says {} and {}",
                    header.records, header.revisions
                )));
            }
        }
        txn.commit()?;
        Ok(header)
    }
}

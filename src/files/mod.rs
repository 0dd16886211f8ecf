//! Attached files: stored once under the data directory by their SHA-256
//! (`files/ab/abcdef…`), their type read from their content ([`detect`]), their
//! text extracted in a child process that may fail but never takes the server
//! down ([`extract`]).
//!
//! A file is written and made durable before the record that names it is
//! saved, so a record never names a file that is not there; a file that no
//! record names (an upload whose save failed) is harmless and is reported by
//! `check`.

pub mod detect;
pub mod extract;

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Largest file accepted unless `serve --max-upload` says otherwise: 50 MiB.
pub const DEFAULT_MAX_UPLOAD: u64 = 50 * 1024 * 1024;

/// The folder of attached files in a data directory.
#[derive(Debug, Clone)]
pub struct Files {
    dir: PathBuf,
}

/// What [`Files::check`] found of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    Sound,
    Missing,
    /// Its content no longer has the hash it is stored under.
    Corrupt,
}

/// A file being received: written to a temporary file while its hash is
/// computed, then kept under that hash ([`Files::keep`]) or dropped.
pub struct Incoming {
    file: File,
    path: PathBuf,
    hasher: Sha256,
    size: u64,
    limit: u64,
}

/// The upload is larger than the limit.
#[derive(Debug)]
pub struct TooLarge {
    pub limit: u64,
}

impl Incoming {
    /// Appends bytes; refuses once the file would pass the limit.
    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<Result<(), TooLarge>> {
        self.size += bytes.len() as u64;
        if self.size > self.limit {
            return Ok(Err(TooLarge { limit: self.limit }));
        }
        self.hasher.update(bytes);
        self.file.write_all(bytes)?;
        Ok(Ok(()))
    }

    /// Copies everything `reader` gives.
    pub fn copy_from(&mut self, reader: &mut dyn Read) -> std::io::Result<Result<(), TooLarge>> {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = reader.read(&mut buffer)?;
            if n == 0 {
                return Ok(Ok(()));
            }
            if let Err(e) = self.write(&buffer[..n])? {
                return Ok(Err(e));
            }
        }
    }

    /// Where the bytes received so far lie, to read their type and text.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn size(&self) -> u64 {
        self.size
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        // Kept files were renamed away: this only removes abandoned ones.
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Files {
    pub fn new(data_dir: &Path) -> Files {
        Files {
            dir: data_dir.join("files"),
        }
    }

    /// Where the file of this hash is kept, if the hash is well formed.
    pub fn path(&self, hash: &str) -> Option<PathBuf> {
        let well_formed =
            hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        well_formed.then(|| self.dir.join(&hash[..2]).join(hash))
    }

    /// Starts receiving a file of at most `limit` bytes.
    pub fn receive(&self, limit: u64) -> std::io::Result<Incoming> {
        let incoming = self.dir.join("incoming");
        std::fs::create_dir_all(&incoming)?;
        let mut name = [0u8; 12];
        getrandom::fill(&mut name).map_err(std::io::Error::other)?;
        let name: String = name.iter().map(|b| format!("{b:02x}")).collect();
        let path = incoming.join(name);
        let file = File::create_new(&path)?;
        Ok(Incoming {
            file,
            path,
            hasher: Sha256::new(),
            size: 0,
            limit,
        })
    }

    /// Makes the received file durable under its hash, and returns the hash.
    /// A file already stored under that hash is kept as it is.
    pub fn keep(&self, mut incoming: Incoming) -> std::io::Result<String> {
        incoming.file.flush()?;
        incoming.file.sync_all()?;
        let hash = hex(&std::mem::take(&mut incoming.hasher).finalize());
        let path = self
            .path(&hash)
            .ok_or_else(|| std::io::Error::other("bad hash"))?;
        if path.exists() {
            return Ok(hash);
        }
        let folder = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(folder)?;
        std::fs::rename(&incoming.path, &path)?;
        File::open(folder)?.sync_all()?;
        Ok(hash)
    }

    /// Whether the file of `hash` is there and still has that hash.
    pub fn check(&self, hash: &str) -> std::io::Result<FileState> {
        let Some(path) = self.path(hash) else {
            return Ok(FileState::Missing);
        };
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
            Err(e) => return Err(e),
        };
        let mut hasher = Sha256::new();
        std::io::copy(&mut file, &mut hasher)?;
        Ok(match hex(&hasher.finalize()) == hash {
            true => FileState::Sound,
            false => FileState::Corrupt,
        })
    }

    /// Every hash stored, for `check` to tell files no record names.
    pub fn stored(&self) -> std::io::Result<Vec<String>> {
        let mut out = Vec::new();
        let Ok(folders) = std::fs::read_dir(&self.dir) else {
            return Ok(out);
        };
        for folder in folders {
            let folder = folder?;
            if folder.file_name() == "incoming" || !folder.file_type()?.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(folder.path())? {
                if let Some(name) = file?.file_name().to_str() {
                    out.push(name.to_owned());
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_files_are_kept_once_and_damage_is_seen() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = Files::new(dir.path());
        let keep = |bytes: &[u8]| {
            let mut incoming = files.receive(100).expect("receive");
            incoming.write(bytes).expect("write").expect("small");
            files.keep(incoming).expect("keep")
        };
        let a = keep(b"rapport");
        let b = keep(b"rapport");
        assert_eq!(a, b);
        assert_eq!(files.stored().expect("list"), vec![a.clone()]);
        assert_eq!(files.check(&a).expect("check"), FileState::Sound);
        let path = files.path(&a).expect("path");
        std::fs::write(&path, "abîmé").expect("damage");
        assert_eq!(files.check(&a).expect("check"), FileState::Corrupt);
        std::fs::remove_file(&path).expect("remove");
        assert_eq!(files.check(&a).expect("check"), FileState::Missing);
        assert!(files.path("../../etc/passwd").is_none());
        let mut big = files.receive(4).expect("receive");
        assert!(big.write(b"12345").expect("write").is_err());
        drop(big);
        assert_eq!(
            std::fs::read_dir(dir.path().join("files/incoming"))
                .expect("dir")
                .count(),
            0
        );
    }
}

/// How files are taken in: where they go, how large they may be, and which
/// program reads their text (this binary, as `savoirs extract-text`).
#[derive(Debug, Clone)]
pub struct Intake {
    pub files: Files,
    pub max_upload: u64,
    pub extractor: PathBuf,
}

/// A file taken in: stored, its type known, its text read.
#[derive(Debug, Clone)]
pub struct Received {
    pub hash: String,
    pub size: u64,
    pub media_type: &'static str,
    pub text: extract::Extraction,
}

impl Received {
    /// The pages a reader counts: a PDF's, a presentation's slides. A
    /// workbook's sheets and a text's single part are not pages.
    pub fn pages(&self) -> Option<u32> {
        let paged = matches!(
            self.media_type,
            "application/pdf"
                | "application/vnd.oasis.opendocument.presentation"
                | "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        );
        let count = u32::try_from(self.text.pages.len()).unwrap_or(u32::MAX);
        (paged && count > 0).then_some(count)
    }
}

impl Intake {
    /// The intake of a data directory, extracting with the running binary.
    pub fn new(data_dir: &Path, max_upload: u64) -> std::io::Result<Intake> {
        Ok(Intake {
            files: Files::new(data_dir),
            max_upload,
            extractor: std::env::current_exe()?,
        })
    }

    /// Reads the type of a received file named `name`, keeps it, and reads its
    /// text, unless `known` gives the text of a file already stored with the
    /// same content. Blocks (the extraction runs in a child process): call it
    /// from a blocking thread.
    pub fn take(
        &self,
        incoming: Incoming,
        name: &str,
        known: impl FnOnce(&str) -> Option<extract::Extraction>,
    ) -> std::io::Result<Result<Received, detect::Refused>> {
        let media_type = match detect::detect(incoming.path(), name)? {
            Ok(t) => t,
            Err(refused) => return Ok(Err(refused)),
        };
        let size = incoming.size();
        let hash = self.files.keep(incoming)?;
        let text = match known(&hash) {
            Some(text) => text,
            None => match self.files.path(&hash) {
                Some(path) => extract::in_child(&self.extractor, &path, media_type),
                None => extract::Extraction::failed("fichier introuvable"),
            },
        };
        Ok(Ok(Received {
            hash,
            size,
            media_type,
            text,
        }))
    }
}

/// A size in the units people read: `830 o`, `12 Kio`, `1,2 Mio`.
pub fn human_size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KIB {
        format!("{bytes} o")
    } else if b < KIB * KIB {
        format!("{:.0} Kio", b / KIB)
    } else {
        let mib = b / (KIB * KIB);
        let text = if mib < 10.0 {
            format!("{mib:.1}")
        } else {
            format!("{mib:.0}")
        };
        let text = text.strip_suffix(".0").unwrap_or(&text);
        format!("{} Mio", text.replace('.', ","))
    }
}

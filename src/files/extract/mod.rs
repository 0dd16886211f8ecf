//! Text extraction from attached files.
//!
//! Parsing a file someone uploaded is the riskiest thing the server does: a
//! malformed PDF can send a parser into a loop, a zip bomb can ask for
//! gigabytes. So extraction runs in a child process of the same binary
//! (`savoirs extract-text`), which limits its own memory and CPU time before it
//! reads anything, and which the server kills when it takes too long. Whatever
//! happens to the child, the server gets an [`Extraction`]: the text page by
//! page, or the reason there is none ("texte non extrait"), which editors see.

mod office;
mod pdf;
mod text;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// At most this much text is kept of one file (characters of UTF-8, roughly):
/// past that, the rest is dropped and the extraction says so.
pub const MAX_TEXT: usize = 8 * 1024 * 1024;
/// Address space the child may use.
const MEMORY_LIMIT: u64 = 1024 * 1024 * 1024;
/// CPU seconds the child may use; the wall-clock limit is a little longer.
const CPU_SECONDS: u64 = 60;
const WALL_CLOCK: Duration = Duration::from_secs(CPU_SECONDS + 15);

/// What extraction gave for one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extraction {
    /// The text, page by page (a PDF's pages, a presentation's slides, a
    /// workbook's sheets; one page for the rest). Empty when nothing was read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<String>,
    /// Why there is no text, or why it is incomplete, in French.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

impl Extraction {
    pub fn failed(reason: impl Into<String>) -> Extraction {
        Extraction {
            pages: Vec::new(),
            failure: Some(reason.into()),
        }
    }

    /// Whether any text was read.
    pub fn has_text(&self) -> bool {
        self.pages.iter().any(|p| !p.trim().is_empty())
    }

    /// Cuts the text to [`MAX_TEXT`] in all, saying so.
    fn bounded(mut self) -> Extraction {
        let mut total = 0;
        let mut cut = false;
        for page in &mut self.pages {
            if total + page.len() > MAX_TEXT {
                let mut end = MAX_TEXT.saturating_sub(total);
                while !page.is_char_boundary(end) {
                    end -= 1;
                }
                page.truncate(end);
                cut = true;
            }
            total += page.len();
        }
        if cut && self.failure.is_none() {
            self.failure = Some(format!(
                "texte tronqué : seuls les {} premiers Mio sont indexés",
                MAX_TEXT / (1024 * 1024)
            ));
        }
        self
    }
}

/// Decodes text that should be UTF-8; bytes that are not are read as
/// Windows-1252 (Latin-1 for what matters here), the other encoding of French text.
pub fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        // Only the last character is cut: a prefix of a longer UTF-8 file (a
        // short Latin-1 text can end like that too, hence the length).
        Err(e) if e.error_len().is_none() && e.valid_up_to() >= 1024 => {
            String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned()
        }
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Extracts the text of `bytes` of type `media_type`, in this process. Only the
/// child process calls this on uploaded files (and fuzz targets, tests).
pub fn extract_bytes(bytes: &[u8], media_type: &str) -> Extraction {
    let extraction = match media_type {
        "application/pdf" => pdf::extract(bytes),
        "text/plain" | "text/csv" => text::plain(bytes),
        "text/markdown" => text::markdown(bytes),
        "text/html" => text::html(bytes),
        t if t.starts_with("image/") => Extraction::default(),
        t => match office::Format::of(t) {
            Some(format) => office::extract(bytes, format),
            None => Extraction::failed(format!("type {t} inconnu de l'extraction")),
        },
    };
    extraction.bounded()
}

/// The child's side: limits itself, extracts, prints the result as JSON.
/// Exits non-zero only when it cannot even write its answer.
pub fn run_child(path: &Path, media_type: &str) -> std::process::ExitCode {
    limit_self();
    let extraction = match std::fs::read(path) {
        Ok(bytes) => extract_bytes(&bytes, media_type),
        Err(e) => Extraction::failed(format!("fichier illisible : {e}")),
    };
    let stdout = std::io::stdout();
    match serde_json::to_writer(stdout.lock(), &extraction) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::FAILURE,
    }
}

/// Memory and CPU limits for this process, set before any file is read.
fn limit_self() {
    use rlimit::Resource;
    // A limit the system refuses (an already lower hard limit) is not an error:
    // the lower limit holds anyway.
    let _ = Resource::AS.set(MEMORY_LIMIT, MEMORY_LIMIT);
    let _ = Resource::CPU.set(CPU_SECONDS, CPU_SECONDS + 1);
    let _ = Resource::CORE.set(0, 0);
}

/// Runs `program extract-text PATH MEDIA_TYPE` and reads its answer, killing it
/// past the time limit. Blocks: call it from a blocking thread.
pub fn in_child(program: &Path, path: &Path, media_type: &str) -> Extraction {
    let child = Command::new(program)
        .arg("extract-text")
        .arg(path)
        .arg(media_type)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return Extraction::failed(format!("extraction impossible à lancer : {e}")),
    };
    // The answer is read on its own thread, so that a child writing more than a
    // pipe holds is not stuck while we wait for it to end.
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s
                .take(4 * MAX_TEXT as u64 + 1024 * 1024)
                .read_to_end(&mut out);
        }
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > WALL_CLOCK => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => break None,
        }
    };
    let out = reader.join().unwrap_or_default();
    match status {
        None => Extraction::failed(format!(
            "l'extraction a dépassé {} secondes et a été arrêtée",
            WALL_CLOCK.as_secs()
        )),
        Some(s) if s.success() => serde_json::from_slice(&out)
            .unwrap_or_else(|_| Extraction::failed("l'extraction a rendu une réponse illisible")),
        Some(s) => Extraction::failed(match signal_of(&s) {
            Some(9) | Some(24) => {
                "l'extraction a dépassé son temps de calcul et a été arrêtée".to_owned()
            }
            Some(_) | None => {
                "l'extraction s'est arrêtée (fichier malformé ou trop gourmand en mémoire)"
                    .to_owned()
            }
        }),
    }
}

#[cfg(unix)]
fn signal_of(status: &std::process::ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(status)
}

#[cfg(not(unix))]
fn signal_of(_: &std::process::ExitStatus) -> Option<i32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_past_the_limit_is_cut_and_said_to_be() {
        let long = Extraction {
            pages: vec!["é".repeat(MAX_TEXT / 2 + 1), "b".repeat(MAX_TEXT)],
            failure: None,
        }
        .bounded();
        assert!(long.pages.iter().map(String::len).sum::<usize>() <= MAX_TEXT);
        assert!(long.failure.expect("said").contains("tronqué"));
    }

    #[test]
    fn latin1_text_reads_as_such() {
        assert_eq!(decode_text(b"caf\xe9"), "café");
        assert_eq!(decode_text("café".as_bytes()), "café");
    }
}

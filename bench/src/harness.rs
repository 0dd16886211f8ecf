//! The machinery the harnesses share, so that every corpus is measured the same
//! way: an in-process import for relevance, percentiles, the bulk import through
//! the `savoirs import` command line, the SQLite FTS5 table beside it, a
//! `savoirs serve` process, and HTTP clients with a bounded run time.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use savoirs::import::{self, Format};
use savoirs::search;
use savoirs::store::{Author, Store};
use savoirs_index::{SearchIndex, SearchRequest};

const AUTHOR: Author<'static> = Author {
    name: "bench",
    message: "relevance evaluation",
};

/// A fresh data directory holding `text` (in `format`), imported the way
/// `savoirs import` does it, in this process.
pub fn load(dir: &Path, name: &str, format: Format, text: &str) -> Result<(Store, SearchIndex)> {
    let store = Store::open(dir)?;
    let (items, rejected) = import::parse(name, format, text);
    anyhow::ensure!(rejected.is_empty(), "{name}: {rejected:?}");
    let report = import::save(&store, name, items, &AUTHOR, |_| {}, |_| {})?;
    anyhow::ensure!(report.rejected.is_empty(), "{name}: {:?}", report.rejected);
    let index = search::open_index(&store, |_, _| {})?;
    Ok((store, index))
}

/// The ids of the first `limit` results of a query, as Savoirs ranks them.
pub fn top_ids(index: &SearchIndex, text: &str, limit: usize) -> Result<Vec<String>> {
    let results = index.search(&SearchRequest {
        text: text.to_owned(),
        limit,
        ..SearchRequest::default()
    })?;
    Ok(results.hits.into_iter().map(|h| h.id).collect())
}

/// The value at rank `p` (0 to 1) of sorted values; NaN when there are none.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

pub fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Bytes a file or directory takes on disk (as `du` counts them: a sparse
/// file's holes, which redb leaves when it grows its file, take none).
pub fn dir_bytes(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path)
            .map(|m| m.blocks() * 512)
            .unwrap_or(0);
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_bytes(&p)
            } else {
                e.metadata().map(|m| m.blocks() * 512).unwrap_or(0)
            }
        })
        .sum()
}

/// Resident memory of a process, in MB: in all, then split into anonymous
/// memory (what the process allocated) and file pages (the index and store
/// files it maps, which the kernel can drop and read again).
#[derive(Debug, Clone, Copy, Default)]
pub struct Rss {
    pub total: f64,
    pub anonymous: f64,
    pub files: f64,
}

impl std::fmt::Display for Rss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.0} ({:.0} + {:.0})",
            self.total, self.anonymous, self.files
        )
    }
}

/// The resident memory of a process (NaN where it cannot be read).
pub fn rss(pid: u32) -> Rss {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let mb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    Rss {
        total: mb("VmRSS:"),
        anonymous: mb("RssAnon:"),
        files: mb("RssFile:"),
    }
}

/// The `savoirs` binary built beside the running harness, or the one
/// `$SAVOIRS_BIN` names (a previous build, to compare).
pub fn savoirs_binary() -> Result<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("SAVOIRS_BIN") {
        return Ok(path.into());
    }
    let savoirs = std::env::current_exe()?
        .parent()
        .context("exe dir")?
        .join("savoirs");
    anyhow::ensure!(
        savoirs.exists(),
        "{} is missing: build it first (cargo build --release -p savoirs)",
        savoirs.display()
    );
    Ok(savoirs)
}

/// Imports a JSON Lines file into a fresh data directory with `savoirs import`
/// (store and index), as a person would; returns the time it took.
pub fn import_cli(savoirs: &Path, data: &Path, files: &[&Path]) -> Result<Duration> {
    let t = Instant::now();
    let output = Command::new(savoirs)
        .arg("--data")
        .arg(data)
        .arg("import")
        .args(files)
        .env("RUST_LOG", "error")
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .take(5)
            .collect::<Vec<_>>()
            .join("\n")
    );
    Ok(t.elapsed())
}

/// The FTS5 ranking every harness uses: title 10, summary 2, body 1 (the four
/// unindexed columns first).
pub const FTS_ORDER: &str = "bm25(docs, 0.0, 0.0, 0.0, 0.0, 10.0, 2.0, 1.0)";

/// Builds an SQLite FTS5 table `docs` of the records of a JSON Lines file in the
/// interchange format (accents folded, as `unicode61 remove_diacritics 2` does);
/// returns the open connection and the time the build took.
pub fn sqlite_from_jsonl(path: &Path, files: &[&Path]) -> Result<(rusqlite::Connection, Duration)> {
    let db = rusqlite::Connection::open(path)?;
    db.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
         CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, kind UNINDEXED, start UNINDEXED, end UNINDEXED,
             title, summary, body, tokenize = 'unicode61 remove_diacritics 2');",
    )?;
    let t = Instant::now();
    {
        let tx = db.unchecked_transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO docs (id, kind, start, end, title, summary, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let lines = files
                .iter()
                .map(|f| Ok(BufReader::new(std::fs::File::open(f)?).lines()))
                .collect::<Result<Vec<_>>>()?;
            for line in lines.into_iter().flatten() {
                let v: serde_json::Value = serde_json::from_str(&line?)?;
                let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
                let title = if v["kind"] == "partner" {
                    s("name")
                } else {
                    s("title")
                };
                let summary = if v["kind"] == "resource" || v["kind"] == "partner" {
                    s("description")
                } else {
                    s("summary")
                };
                let body = [
                    s("synthesis"),
                    s("strategy"),
                    s("history"),
                    s("presentation"),
                    s("body"),
                ]
                .join("\n");
                insert.execute(rusqlite::params![
                    s("id"),
                    s("kind"),
                    v["period"]["start"].as_i64(),
                    v["period"]["end"].as_i64(),
                    title,
                    summary,
                    body
                ])?;
            }
        }
        tx.commit()?;
    }
    Ok((db, t.elapsed()))
}

/// The FTS5 query for some words: each quoted, so that no word is read as
/// syntax, and ANDed as FTS5 does by default; or all of them as one phrase.
pub fn fts_query(words: &[String], phrase: bool) -> String {
    if phrase {
        format!("\"{}\"", words.join(" ").replace('"', ""))
    } else {
        words
            .iter()
            .map(|w| format!("\"{}\"", w.replace('"', "")))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A `savoirs serve` process on a port of the loopback interface.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Starts the server and waits for its first line (the address it listens
    /// on); returns it with the time until that line.
    pub fn start(savoirs: &Path, data: &Path) -> Result<(Server, Duration)> {
        let started = Instant::now();
        let mut child = Command::new(savoirs)
            .arg("--data")
            .arg(data)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start savoirs serve")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
        let elapsed = started.elapsed();
        let base = line
            .trim()
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_owned();
        anyhow::ensure!(
            base.starts_with("http://"),
            "unexpected first line {line:?}"
        );
        Ok((Server { child, base }, elapsed))
    }

    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// What a bounded HTTP load measured.
pub struct Load {
    /// Latencies in ms, sorted.
    pub latencies: Vec<f64>,
    pub per_second: f64,
    pub errors: u64,
}

/// `clients` concurrent clients sending the queries in turn to `path` (as its
/// `q` parameter) for `seconds`, then stopping by themselves.
pub async fn http_load(
    base: &str,
    path: &str,
    queries: &[String],
    clients: usize,
    seconds: u64,
) -> Load {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let running = Arc::new(AtomicBool::new(true));
    let errors = Arc::new(AtomicU64::new(0));
    let queries: Arc<Vec<String>> = Arc::new(queries.to_vec());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, running, errors, queries) = (
            client.clone(),
            running.clone(),
            errors.clone(),
            queries.clone(),
        );
        let url = format!("{base}{path}");
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = c * 7;
            while running.load(Ordering::Relaxed) {
                let q = &queries[i % queries.len()];
                i += 1;
                let at = Instant::now();
                match client.get(&url).query(&[("q", q.as_str())]).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies.push(at.elapsed().as_secs_f64() * 1000.0);
            }
            latencies
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    running.store(false, Ordering::Relaxed);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    let per_second = all.len() as f64 / started.elapsed().as_secs_f64();
    Load {
        latencies: sorted(all),
        per_second,
        errors: errors.load(Ordering::Relaxed),
    }
}

/// An editor account and its API token, made through the command line before
/// the server starts.
pub fn editor_token(savoirs: &Path, data: &Path) -> Result<String> {
    let run = |args: &[&str]| -> Result<String> {
        let out = Command::new(savoirs)
            .arg("--data")
            .arg(data)
            .args(args)
            .env("SAVOIRS_PASSWORD", "un mot de passe pour la charge")
            .env("RUST_LOG", "error")
            .output()?;
        anyhow::ensure!(out.status.success(), "savoirs {args:?} failed");
        Ok(String::from_utf8(out.stdout)?.trim().to_owned())
    };
    run(&["user", "add", "charge", "--role", "editor"])?;
    run(&["user", "token", "charge", "--label", "charge"])
}

/// What a load of readers and writers together measured.
pub struct Mixed {
    pub reads: Load,
    /// Milliseconds from sending a save to its answer, sorted: the server answers
    /// once the record is durable and searchable.
    pub saves: Vec<f64>,
    pub save_errors: u64,
    /// Saves that a search right after the answer did not find.
    pub not_found: u64,
}

/// `readers` clients searching as [`http_load`] does, beside `writers` clients
/// creating published records through the API, each then searching for the
/// word that only its new record holds.
pub async fn mixed_load(
    base: &str,
    queries: &[String],
    readers: usize,
    writers: usize,
    token: &str,
    seconds: u64,
) -> Mixed {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let running = Arc::new(AtomicBool::new(true));
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (client, running) = (client.clone(), running.clone());
        let (base, auth) = (base.to_owned(), format!("Bearer {token}"));
        tasks.push(tokio::spawn(async move {
            let (mut saves, mut errors, mut not_found) = (Vec::new(), 0, 0);
            let mut n = 0;
            while running.load(Ordering::Relaxed) {
                n += 1;
                let word = format!("chargex{w}x{n}");
                let record = serde_json::json!({
                    "kind": "method", "lang": "fr", "status": "published",
                    "title": format!("Fiche de charge {word}"),
                    "summary": "Une fiche écrite pendant que d'autres cherchent.",
                });
                let at = Instant::now();
                let sent = client
                    .post(format!("{base}/api/v1/records"))
                    .header("authorization", &auth)
                    .json(&record)
                    .send()
                    .await;
                saves.push(at.elapsed().as_secs_f64() * 1000.0);
                if !sent.is_ok_and(|r| r.status().is_success()) {
                    errors += 1;
                    continue;
                }
                let found: serde_json::Value = match client
                    .get(format!("{base}/api/v1/search"))
                    .query(&[("q", word.as_str())])
                    .send()
                    .await
                {
                    Ok(r) => r.json().await.unwrap_or_default(),
                    Err(_) => serde_json::Value::Null,
                };
                not_found += u64::from(found["total"].as_u64() != Some(1));
            }
            (saves, errors, not_found)
        }));
    }
    let reads = http_load(base, "/api/v1/search", queries, readers, seconds).await;
    running.store(false, Ordering::Relaxed);
    let mut mixed = Mixed {
        reads,
        saves: Vec::new(),
        save_errors: 0,
        not_found: 0,
    };
    for t in tasks {
        let (saves, errors, not_found) = t.await.unwrap_or_default();
        mixed.saves.extend(saves);
        mixed.save_errors += errors;
        mixed.not_found += not_found;
    }
    mixed.saves = sorted(mixed.saves);
    mixed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_fts_queries() {
        let v = sorted(vec![3.0, 1.0, 2.0, 4.0, 5.0]);
        assert_eq!(percentile(&v, 0.5), 3.0);
        assert_eq!(percentile(&v, 0.99), 5.0);
        assert!(percentile(&[], 0.5).is_nan());
        let words = vec!["réseau".to_owned(), "dé\"jà".to_owned()];
        assert_eq!(fts_query(&words, false), "\"réseau\" \"déjà\"");
        assert_eq!(fts_query(&words, true), "\"réseau déjà\"");
    }
}

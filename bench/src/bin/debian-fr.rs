//! French known-item search on real documents, side by side with SQLite FTS5:
//! the sections of French Debian documentation packages are the records, and
//! for a seeded sample of them, six classes of queries (see `query_classes`)
//! should find them again. Prints MRR@10 and success@1 per class for both
//! engines, and Savoirs' failures to stderr. Given a size, it then measures speed
//! at that many records made from the same real text: latency per query class
//! in-process and over HTTP against `savoirs serve` (one client), and the mixed
//! classes with 1 and 16 clients.
//!
//! Usage: `cargo build --release -p savoirs -p savoirs-bench --bins`, then
//! `target/release/debian-fr [SIZE]` (for example 100000);
//! `target/release/debian-fr records` writes the records (JSON Lines, for
//! `savoirs import`) to standard output instead. The packages are
//! fetched with `apt-get download` into `target/bench-data/debian-fr/` the first
//! time and read from there afterwards.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use savoirs::import::Format;
use savoirs_bench::debian_fr::{self, Doc};
use savoirs_bench::harness::{
    FTS_ORDER, Load, Server, dir_bytes, editor_token, fts_query, http_load, import_cli, load,
    mixed_load, percentile, savoirs_binary, sorted, sqlite_from_jsonl, top_ids,
};
use savoirs_bench::known_item::unaccent;
use savoirs_bench::query_classes::{Class, Rarity, body_query, title_query};
use savoirs_index::{SearchIndex, SearchRequest};

const SEED: u64 = 2026;
/// Queries per class: a seeded sample of the records.
const PER_CLASS: usize = 1000;
/// Failures printed per class.
const FAILURES: usize = 12;

struct Query {
    class: Class,
    text: String,
    /// Index of the record in the collection.
    target: usize,
}

/// The query words as FTS5 takes them: each quoted, all required.
fn sqlite_words(query: &str) -> String {
    let words: Vec<String> = query
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(str::to_owned)
        .collect();
    fts_query(&words, false)
}

/// A title as its classes see it: lowercased and unaccented.
fn title_key(title: &str) -> String {
    unaccent(&title.to_lowercase())
}

/// Up to [`PER_CLASS`] queries of each class, from a seeded sample of records.
/// Title classes use only records whose title (lowercased, unaccented) no other
/// record has, so that the query points to one record.
fn queries(docs: &[Doc]) -> Vec<Query> {
    let mut titles: HashMap<String, usize> = HashMap::new();
    for d in docs {
        *titles.entry(title_key(&d.title)).or_default() += 1;
    }
    let texts: Vec<String> = docs
        .iter()
        .map(|d| format!("{}\n{}", d.title, d.text()))
        .collect();
    let rarity = Rarity::new(texts.iter().map(String::as_str));
    let mut out = Vec::new();
    for (n, class) in Class::ALL.into_iter().enumerate() {
        let mut rng = fastrand::Rng::with_seed(SEED + n as u64);
        let mut order: Vec<usize> = (0..docs.len())
            .filter(|i| !class.from_title() || titles[&title_key(&docs[*i].title)] == 1)
            .collect();
        rng.shuffle(&mut order);
        let mut made = 0;
        for i in order {
            if made == PER_CLASS {
                break;
            }
            let d = &docs[i];
            let text = if class.from_title() {
                title_query(class, &d.title, &mut rng)
            } else {
                body_query(&d.title, &d.text(), &rarity, &mut rng)
            };
            if let Some(text) = text {
                out.push(Query {
                    class,
                    text,
                    target: i,
                });
                made += 1;
            }
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    queries: usize,
    reciprocal_ranks: f64,
    first: usize,
}

impl Tally {
    fn add(&mut self, rank: Option<usize>) {
        self.queries += 1;
        if let Some(r) = rank {
            self.reciprocal_ranks += 1.0 / (r as f64 + 1.0);
            self.first += usize::from(r == 0);
        }
    }

    fn mrr(&self) -> f64 {
        self.reciprocal_ranks / self.queries.max(1) as f64
    }

    fn at1(&self) -> f64 {
        self.first as f64 / self.queries.max(1) as f64
    }
}

/// The first ten ids FTS5 ranks for a query (none if FTS5 refuses it).
fn sqlite_top(stmt: &mut rusqlite::Statement, query: &str) -> Vec<String> {
    stmt.query_map([sqlite_words(query)], |r| r.get(0))
        .map(|rows| rows.filter_map(|r| r.ok()).collect())
        .unwrap_or_default()
}

const SQLITE_SEARCH: &str = "SELECT id FROM docs WHERE docs MATCH ?1 ORDER BY";

fn relevance(docs: &[Doc], queries: &[Query], corpus: &Path, work: &Path) -> Result<()> {
    let text = std::fs::read_to_string(corpus)?;
    let t = Instant::now();
    let (_store, index) = load(
        &work.join("relevance"),
        "debian-fr.jsonl",
        Format::JsonLines,
        &text,
    )?;
    eprintln!("Savoirs: imported in {:.1} s", t.elapsed().as_secs_f64());
    let (db, _) = sqlite_from_jsonl(&work.join("relevance.sqlite"), &[corpus])?;
    let mut stmt = db.prepare(&format!("{SQLITE_SEARCH} {FTS_ORDER} LIMIT 10"))?;
    let position: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let title_of = |id: &str| position.get(id).map_or("?", |i| docs[*i].title.as_str());
    let mut ours: HashMap<Class, Tally> = HashMap::new();
    let mut theirs: HashMap<Class, Tally> = HashMap::new();
    let (mut all_ours, mut all_theirs) = (Tally::default(), Tally::default());
    let mut failures: HashMap<Class, Vec<String>> = HashMap::new();
    for q in queries {
        let target = docs[q.target].id.as_str();
        let hits = top_ids(&index, &q.text, 10)?;
        let rank = hits.iter().position(|id| id == target);
        ours.entry(q.class).or_default().add(rank);
        all_ours.add(rank);
        if rank != Some(0) {
            let list = failures.entry(q.class).or_default();
            if list.len() < FAILURES {
                list.push(format!(
                    "  {:?} → target {:?} {}; first: {}",
                    q.text,
                    docs[q.target].title,
                    rank.map_or("not in the top 10".to_owned(), |r| format!(
                        "at rank {}",
                        r + 1
                    )),
                    hits.first()
                        .map_or("nothing".to_owned(), |id| format!("{:?}", title_of(id)))
                ));
            }
        }
        let hits = sqlite_top(&mut stmt, &q.text);
        let rank = hits.iter().position(|id| id == target);
        theirs.entry(q.class).or_default().add(rank);
        all_theirs.add(rank);
    }
    for class in Class::ALL {
        eprintln!("Savoirs failures, {}:", class.label());
        for f in failures.get(&class).into_iter().flatten() {
            eprintln!("{f}");
        }
    }
    println!(
        "French known items: {} records, {} queries; target = the record the query was made from; \
         title classes only on records whose title (lowercased, unaccented) is unique",
        docs.len(),
        queries.len()
    );
    println!();
    println!(
        "| class | queries | Savoirs MRR@10 | SQLite FTS5 MRR@10 | Savoirs success@1 | SQLite FTS5 success@1 |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    let row = |label: &str, a: &Tally, b: &Tally| {
        println!(
            "| {label} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            a.queries,
            a.mrr(),
            b.mrr(),
            a.at1(),
            b.at1()
        );
    };
    for class in Class::ALL {
        row(class.label(), &ours[&class], &theirs[&class]);
    }
    row("overall", &all_ours, &all_theirs);
    Ok(())
}

/// `size` records made of the real sections: each section once, then records
/// with a real title and real paragraphs drawn from other sections (seeded).
/// Records per file of the large corpus: `savoirs import` takes files of
/// 512 MiB at most, and 200 000 of these records take about 140 MB.
const RECORDS_PER_FILE: usize = 200_000;

/// Writes `size` records into files `large-N.jsonl` of `dir`; returns them.
fn write_large_corpus(docs: &[Doc], size: usize, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut out: Option<std::io::BufWriter<std::fs::File>> = None;
    let mut line = |i: usize, text: String| -> Result<()> {
        if i.is_multiple_of(RECORDS_PER_FILE) {
            if let Some(mut done) = out.take() {
                done.flush()?;
            }
            let file = dir.join(format!("large-{}.jsonl", i / RECORDS_PER_FILE));
            out = Some(std::io::BufWriter::new(std::fs::File::create(&file)?));
            files.push(file);
        }
        if let Some(out) = out.as_mut() {
            writeln!(out, "{text}")?;
        }
        Ok(())
    };
    for (i, d) in docs.iter().take(size).enumerate() {
        line(i, d.json().to_string())?;
    }
    let paragraphs: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.paragraphs.iter().map(String::as_str))
        .collect();
    let mut rng = fastrand::Rng::with_seed(SEED);
    for i in docs.len()..size {
        let title = &docs[rng.usize(..docs.len())].title;
        let summary = paragraphs[rng.usize(..paragraphs.len())];
        let body: Vec<&str> = (0..rng.usize(2..=6))
            .map(|_| paragraphs[rng.usize(..paragraphs.len())])
            .collect();
        let record = serde_json::json!({
            "kind": "method", "id": format!("dfr-v{i:06}"), "lang": "fr", "status": "published",
            "title": title, "summary": summary, "body": body.join("\n\n"),
        });
        line(i, record.to_string())?;
    }
    if let Some(mut last) = out {
        last.flush()?;
    }
    Ok(files)
}

/// Milliseconds of each run of `search` over the queries.
fn timed(queries: &[&Query], mut search: impl FnMut(&str) -> Result<()>) -> Result<Vec<f64>> {
    let mut out = Vec::with_capacity(queries.len());
    for q in queries {
        let t = Instant::now();
        search(&q.text)?;
        out.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(sorted(out))
}

fn three(v: &[f64]) -> String {
    format!(
        "{:.2} / {:.2} / {:.2}",
        percentile(v, 0.5),
        percentile(v, 0.95),
        percentile(v, 0.99)
    )
}

fn speed(docs: &[Doc], queries: &[Query], size: usize, work: &Path) -> Result<()> {
    let savoirs = savoirs_binary()?;
    let files = write_large_corpus(docs, size, work)?;
    let files: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let data = work.join("large");
    let import = import_cli(&savoirs, &data, &files)?;
    let (db, sqlite_build) = sqlite_from_jsonl(&work.join("large.sqlite"), &files)?;
    // 200 queries of each class, first over HTTP, then in process (each run once
    // untimed first, so that both engines start warm); the server goes first
    // because it needs the index to itself.
    let per_class: Vec<(Class, Vec<&Query>)> = Class::ALL
        .into_iter()
        .map(|c| {
            (
                c,
                queries.iter().filter(|q| q.class == c).take(200).collect(),
            )
        })
        .collect();
    // `savoirs check` on the imported base: its time, and whether it is clean.
    let t = Instant::now();
    let check = std::process::Command::new(&savoirs)
        .arg("--data")
        .arg(&data)
        .arg("check")
        .env("RUST_LOG", "error")
        .output()?;
    let check = (t.elapsed(), check.status.success());
    let token = editor_token(&savoirs, &data)?;
    let (server, startup) = Server::start(&savoirs, &data)?;
    let base = server.base.clone();
    let texts: Vec<String> = per_class
        .iter()
        .flat_map(|(_, qs)| qs.iter().map(|q| q.text.clone()))
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (one, sixteen, by_class, mixed) = runtime.block_on(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let one = http_load(&base, "/api/v1/search", &texts, 1, 10).await;
        let sixteen = http_load(&base, "/api/v1/search", &texts, 16, 10).await;
        // Then each class alone, one client, 3 s each.
        let mut by_class = Vec::new();
        for (class, qs) in &per_class {
            let texts: Vec<String> = qs.iter().map(|q| q.text.clone()).collect();
            let load = http_load(&base, "/api/v1/search", &texts, 1, 3).await;
            by_class.push((class.label(), load));
        }
        // Last, 16 readers beside 2 writers.
        let mixed = mixed_load(&base, &texts, 16, 2, &token, 10).await;
        (one, sixteen, by_class, mixed)
    });
    let memory = savoirs_bench::harness::rss(server.child.id());
    server.stop();
    let index = SearchIndex::open(&data.join("index"))?.index;
    let mut stmt = db.prepare(&format!("{SQLITE_SEARCH} {FTS_ORDER} LIMIT 10"))?;
    let savoirs_search = |text: &str| -> Result<()> {
        index.search(&SearchRequest {
            text: text.to_owned(),
            statuses: vec!["published".into()],
            limit: 10,
            ..SearchRequest::default()
        })?;
        Ok(())
    };
    let mut rows = Vec::new();
    for (class, qs) in &per_class {
        timed(qs, savoirs_search)?;
        let ours = timed(qs, savoirs_search)?;
        let mut sqlite_search = |text: &str| -> Result<()> {
            let _ = sqlite_top(&mut stmt, text);
            Ok(())
        };
        timed(qs, &mut sqlite_search)?;
        let theirs = timed(qs, &mut sqlite_search)?;
        rows.push((class.label(), qs.len(), ours, theirs));
    }
    drop(stmt);

    println!();
    println!(
        "Speed at {size} records ({} real sections, the rest real paragraphs under real titles): \
         Savoirs import {:.1} s ({:.0} records/s, store {:.0} MB + index {:.0} MB), \
         SQLite FTS5 build {:.1} s ({:.0} records/s, {:.0} MB); import rate {:.2} × SQLite's, \
         data directory {:.2} × SQLite's",
        docs.len().min(size),
        import.as_secs_f64(),
        size as f64 / import.as_secs_f64(),
        dir_bytes(&data.join("savoirs.redb")) as f64 / 1e6,
        dir_bytes(&data.join("index")) as f64 / 1e6,
        sqlite_build.as_secs_f64(),
        size as f64 / sqlite_build.as_secs_f64(),
        dir_bytes(&work.join("large.sqlite")) as f64 / 1e6,
        sqlite_build.as_secs_f64() / import.as_secs_f64(),
        (dir_bytes(&data.join("savoirs.redb")) + dir_bytes(&data.join("index"))) as f64
            / dir_bytes(&work.join("large.sqlite")) as f64,
    );
    println!();
    println!(
        "| query class | queries | Savoirs in-process p50 / p95 / p99 (ms) | SQLite FTS5 p50 / p95 / p99 (ms) |"
    );
    println!("| --- | --- | --- | --- |");
    for (label, n, ours, theirs) in &rows {
        println!("| {label} | {n} | {} | {} |", three(ours), three(theirs));
    }
    // Every class together: what a stream of real queries would see.
    let ours = sorted(rows.iter().flat_map(|r| r.2.iter().copied()).collect());
    let theirs = sorted(rows.iter().flat_map(|r| r.3.iter().copied()).collect());
    println!(
        "| mixed (all classes) | {} | {} | {} |",
        rows.iter().map(|r| r.1).sum::<usize>(),
        three(&ours),
        three(&theirs)
    );
    println!();
    println!(
        "| Savoirs over HTTP, one class at a time (JSON API, 1 client, 3 s) | p50 / p95 / p99 (ms) | requests/s | errors |"
    );
    println!("| --- | --- | --- | --- |");
    for (label, load) in &by_class {
        println!(
            "| {label} | {} | {:.0} | {} |",
            three(&load.latencies),
            load.per_second,
            load.errors
        );
    }
    println!();
    println!(
        "Server's resident memory after the HTTP loads (MB: anonymous + files): {memory}; \
         start-up until listening {:.0} ms; `savoirs check` {:.1} s, {}",
        startup.as_secs_f64() * 1000.0,
        check.0.as_secs_f64(),
        if check.1 { "clean" } else { "NOT CLEAN" }
    );
    println!();
    println!(
        "| Savoirs over HTTP (JSON API, the same queries in turn, 10 s) | p50 (ms) | p99 (ms) | requests/s | errors |"
    );
    println!("| --- | --- | --- | --- | --- |");
    let alone_p99 = percentile(&sixteen.latencies, 0.99);
    for (
        label,
        Load {
            latencies,
            per_second,
            errors,
        },
    ) in [("1 client", one), ("16 clients", sixteen)]
    {
        println!(
            "| {label} | {:.2} | {:.2} | {per_second:.0} | {errors} |",
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99)
        );
    }
    println!();
    println!(
        "16 readers and 2 writers, 10 s (each save through the JSON API, answered once \
         durable and searchable, then searched for): saves {} p50 / p95 / p99 {} ms, \
         {} errors, {} not found right after; searches {:.0}/s, p50 {:.2} ms, p99 {:.2} ms \
         ({:.2} × the p99 of 16 readers alone), {} errors",
        mixed.saves.len(),
        three(&mixed.saves),
        mixed.save_errors,
        mixed.not_found,
        mixed.reads.per_second,
        percentile(&mixed.reads.latencies, 0.5),
        percentile(&mixed.reads.latencies, 0.99),
        percentile(&mixed.reads.latencies, 0.99) / alone_p99,
        mixed.reads.errors,
    );
    Ok(())
}

fn main() -> Result<()> {
    let arg = std::env::args().nth(1);
    let size: Option<usize> = arg.as_deref().and_then(|a| a.parse().ok());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cache = root.join("target/bench-data/debian-fr");
    let packages = debian_fr::fetch(&cache)?;
    let docs = debian_fr::collection(&packages)?;
    if arg.as_deref() == Some("records") {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for d in &docs {
            writeln!(out, "{}", d.json())?;
        }
        return Ok(out.flush()?);
    }
    if arg.as_deref() == Some("large") {
        // `debian-fr large SIZE DIR`: only write the large corpus, to import by hand.
        let mut rest = std::env::args().skip(2);
        let size: usize = rest.next().unwrap_or_default().parse()?;
        let dir = PathBuf::from(rest.next().unwrap_or_else(|| ".".into()));
        for file in write_large_corpus(&docs, size, &dir)? {
            println!("{}", file.display());
        }
        return Ok(());
    }
    println!("Records: French sections of Debian documentation packages");
    println!();
    println!("| package | version | records |");
    println!("| --- | --- | --- |");
    for p in &packages {
        let n = docs.iter().filter(|d| d.package == p.name).count();
        println!("| {} | {} | {n} |", p.name, p.version);
    }
    println!("| total | | {} |", docs.len());
    println!();
    anyhow::ensure!(docs.len() >= 4000, "only {} records", docs.len());
    let work = tempfile::tempdir()?;
    let corpus = work.path().join("debian-fr.jsonl");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&corpus)?);
        for d in &docs {
            writeln!(out, "{}", d.json())?;
        }
        out.flush()?;
    }
    let queries = queries(&docs);
    relevance(&docs, &queries, &corpus, work.path())?;
    if let Some(size) = size {
        speed(&docs, &queries, size, work.path())?;
    }
    Ok(())
}

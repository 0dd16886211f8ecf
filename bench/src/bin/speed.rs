//! Speed, side by side with SQLite FTS5: one command runs a chosen corpus size end
//! to end and prints a table of medians and percentiles beside the targets.
//!
//! Usage: `bench/run SIZE` (builds, then runs `target/release/speed SIZE`), SIZE
//! one of 10000, 100000, 1000000. Needs `target/release/savoirs`.
//!
//! What it does, in order: generates the corpus (seeded); imports it with
//! `savoirs import` (store and index); builds an SQLite FTS5 table of the same
//! records; starts `savoirs serve` five times for the start-up time; measures
//! saves over HTTP until durable and until searchable; runs the mixed query set
//! over HTTP (JSON API and results page) with 1, 4 and 16 clients; measures
//! resident memory at rest and under load and the bytes on disk; times the maps
//! and the dashboard; then runs the
//! query set in-process on the index alone and on SQLite, and compares their top
//! results.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Result;
use savoirs_bench::corpus::{self, QueryKind};
use savoirs_bench::harness::{
    FTS_ORDER, Load, Rss, Server, dir_bytes, fts_query, http_load, import_cli, percentile, rss,
    savoirs_binary, sorted, sqlite_from_jsonl,
};
use savoirs_index::{SearchIndex, SearchRequest};

use corpus::SEED;
const PASSWORD: &str = "un mot de passe pour mesurer";

/// The maps and the dashboard, anonymously: each page once (the first
/// request reads every record's facts), then twenty times. Returns (path,
/// first time, sorted times) in milliseconds.
async fn maps_and_dashboard(client: &reqwest::Client, base: &str) -> Vec<(String, f64, Vec<f64>)> {
    // One of the demo's concepts, which the corpus's records carry.
    let concept = "cartographie+participative";
    let paths = [
        format!("/carte?keyword={concept}"),
        "/carte".to_owned(),
        format!("/tableau-de-bord?keyword={concept}"),
        "/tableau-de-bord".to_owned(),
        "/carte/lieux".to_owned(),
    ];
    let mut out = Vec::new();
    for path in paths {
        let mut times = Vec::new();
        for _ in 0..21 {
            let t = Instant::now();
            let response = client
                .get(format!("{base}{path}"))
                .send()
                .await
                .expect("map page");
            assert!(
                response.status().is_success(),
                "{path}: {}",
                response.status()
            );
            let _ = response.bytes().await.expect("body");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let first = times.remove(0);
        out.push((path, first, sorted(times)));
    }
    out
}

fn main() -> Result<()> {
    let size: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let savoirs = savoirs_binary()?;
    let work = tempfile::tempdir()?;
    let sheet = std::fs::read_to_string(root.join("../shared/examples/fiche-action-2006-2007.txt"))
        .unwrap_or_default();
    let vocabulary = corpus::Vocabulary::from_texts(&[&sheet, savoirs::cli::DEMO]);
    let keywords = corpus::demo_keywords();
    let queries = corpus::queries(&vocabulary, SEED + 1);
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    let mut row = |metric: &str, ours: String, theirs: String, target: &str| {
        rows.push((metric.to_owned(), ours, theirs, target.to_owned()));
    };
    eprintln!(
        "vocabulary: {} words from real French text",
        vocabulary.len()
    );

    // The corpus.
    let file = work.path().join("corpus.jsonl");
    let t = Instant::now();
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&file)?);
        corpus::generate(&vocabulary, &keywords, size, SEED, &mut out)?;
        out.flush()?;
    }
    eprintln!(
        "generated {size} records in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // Bulk import through the command line, store and index included.
    let data = work.path().join("data");
    let import_s = import_cli(&savoirs, &data, &[&file])?.as_secs_f64();
    let import_rate = size as f64 / import_s;

    // SQLite FTS5, the same records.
    let sqlite_path = work.path().join("fts.sqlite");
    let (db, sqlite_build) = sqlite_from_jsonl(&sqlite_path, &[&file])?;
    let sqlite_build_s = sqlite_build.as_secs_f64();
    row(
        "bulk import (records/s)",
        format!("{import_rate:.0} ({import_s:.1} s)"),
        format!(
            "{:.0} ({sqlite_build_s:.1} s)",
            size as f64 / sqlite_build_s
        ),
        "≥ 5 000/s",
    );

    // Start-up, five times.
    let mut startups = Vec::new();
    for _ in 0..5 {
        let (server, elapsed) = Server::start(&savoirs, &data)?;
        startups.push(elapsed.as_secs_f64() * 1000.0);
        server.stop();
    }
    let startups = sorted(startups);
    row(
        "start-up, median of 5 (ms)",
        format!("{:.0}", percentile(&startups, 0.5)),
        "—".into(),
        "≤ 1 000 ms",
    );

    // An editor for the saves.
    let status = Command::new(&savoirs)
        .arg("--data")
        .arg(&data)
        .args(["user", "add", "mesure", "--role", "editor"])
        .env("SAVOIRS_PASSWORD", PASSWORD)
        .stderr(Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "user add failed");

    let (server, _) = Server::start(&savoirs, &data)?;
    let pid = server.child.id();
    std::thread::sleep(Duration::from_millis(500));
    let rss_rest = rss(pid);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let base = server.base.clone();
    let (durable, searchable, http_rows, rss_load, map_rows, rss_maps) = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let login = client
            .post(format!("{base}/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "name=mesure&password={}",
                PASSWORD.replace(' ', "+")
            ))
            .send()
            .await
            .expect("login");
        let cookie = login.headers()["set-cookie"]
            .to_str()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .to_owned();
        // Saves: until the response (durable), and until a search finds it.
        let (mut durable, mut searchable) = (Vec::new(), Vec::new());
        for n in 0..40 {
            let word = format!("mesurezq{n}");
            let at = Instant::now();
            let r = client
                .post(format!("{base}/new/method"))
                .header("cookie", &cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "title=Mesure+{word}&summary=Texte&lang=fr&intent=publish"
                ))
                .send()
                .await
                .expect("save");
            assert_eq!(r.status().as_u16(), 303, "save answered {}", r.status());
            durable.push(at.elapsed().as_secs_f64() * 1000.0);
            loop {
                let found: serde_json::Value = client
                    .get(format!("{base}/api/v1/search"))
                    .query(&[("q", word.as_str())])
                    .send()
                    .await
                    .expect("search")
                    .json()
                    .await
                    .expect("json");
                if found["total"].as_u64() == Some(1) || at.elapsed() > Duration::from_secs(5) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            searchable.push(at.elapsed().as_secs_f64() * 1000.0);
        }
        let mut http_rows = Vec::new();
        let mut rss_load = Rss::default();
        for (label, path) in [("JSON API", "/api/v1/search"), ("results page", "/search")] {
            for clients in [1, 4, 16] {
                let texts: Vec<String> = queries.iter().map(|q| q.text.clone()).collect();
                let Load {
                    latencies,
                    per_second,
                    errors,
                } = http_load(&base, path, &texts, clients, 8).await;
                let now = rss(pid);
                if now.total > rss_load.total {
                    rss_load = now;
                }
                http_rows.push((label, clients, latencies, per_second, errors));
            }
        }
        let map_rows = maps_and_dashboard(&client, &base).await;
        let rss_maps = rss(pid);
        (
            sorted(durable),
            sorted(searchable),
            http_rows,
            rss_load,
            map_rows,
            rss_maps,
        )
    });
    server.stop();
    row(
        "save until durable, p50 / p99 (ms)",
        format!(
            "{:.1} / {:.1}",
            percentile(&durable, 0.5),
            percentile(&durable, 0.99)
        ),
        "—".into(),
        "",
    );
    row(
        "save until searchable, p50 / p99 (ms)",
        format!(
            "{:.1} / {:.1}",
            percentile(&searchable, 0.5),
            percentile(&searchable, 0.99)
        ),
        "—".into(),
        "≤ 1 000 ms",
    );
    for (label, clients, lat, qps, errors) in &http_rows {
        let target = if *label == "JSON API" && *clients == 16 {
            "p50 ≤ 2 ms, p99 ≤ 10 ms"
        } else {
            ""
        };
        row(
            &format!("HTTP search, {label}, {clients} client(s): p50 / p95 / p99 (ms), QPS"),
            format!(
                "{:.2} / {:.2} / {:.2}, {qps:.0}{}",
                percentile(lat, 0.5),
                percentile(lat, 0.95),
                percentile(lat, 0.99),
                if *errors > 0 {
                    format!(" ({errors} errors)")
                } else {
                    String::new()
                }
            ),
            "—".into(),
            target,
        );
    }
    for (path, first, lat) in &map_rows {
        row(
            &format!("{path}: first / p50 / p95 (ms)"),
            format!(
                "{first:.0} / {:.0} / {:.0}",
                percentile(lat, 0.5),
                percentile(lat, 0.95)
            ),
            "—".into(),
            "p95 < 1 000 ms",
        );
    }
    row(
        "resident memory after the maps (MB: anonymous + files)",
        format!("{rss_maps}"),
        "—".into(),
        "",
    );
    row(
        "resident memory at rest / under load (MB: anonymous + files)",
        format!("{rss_rest} / {rss_load}"),
        "—".into(),
        "≤ 200 MB",
    );
    let store_bytes = dir_bytes(&data.join("savoirs.redb"));
    let index_bytes = dir_bytes(&data.join("index"));
    db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    row(
        "bytes on disk: total (store + index) (MB)",
        format!(
            "{:.0} ({:.0} + {:.0})",
            (store_bytes + index_bytes) as f64 / 1e6,
            store_bytes as f64 / 1e6,
            index_bytes as f64 / 1e6
        ),
        format!("{:.0}", dir_bytes(&sqlite_path) as f64 / 1e6),
        "",
    );

    // In-process: the index crate alone, and SQLite FTS5, on the same queries.
    let index = SearchIndex::open(&data.join("index"))?.index;
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut overlaps = Vec::new();
    let mut per_kind: Vec<(QueryKind, f64)> = Vec::new();
    let mut stmt = db.prepare(&format!(
        "SELECT id FROM docs WHERE docs MATCH ?1
           AND (?2 IS NULL OR kind = ?2)
           AND (?3 IS NULL OR (start <= ?4 AND end >= ?3))
         ORDER BY {FTS_ORDER} LIMIT 10"
    ))?;
    for round in 0..5 {
        for q in &queries {
            let t = Instant::now();
            let hits: Vec<String> = index
                .search(&SearchRequest {
                    text: q.text.clone(),
                    statuses: vec!["published".into()],
                    limit: 10,
                    ..SearchRequest::default()
                })?
                .hits
                .into_iter()
                .map(|h| h.id)
                .collect();
            ours.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            let (start, end) = q
                .filter_years
                .map_or((None, None), |(a, b)| (Some(a), Some(b)));
            let sqlite_hits: Vec<String> = stmt
                .query_map(
                    rusqlite::params![fts_query(&q.words, q.phrase), q.filter_kind, start, end],
                    |r| r.get(0),
                )?
                .filter_map(|r| r.ok())
                .collect();
            theirs.push(t.elapsed().as_secs_f64() * 1000.0);
            if round == 0 && !sqlite_hits.is_empty() {
                let common = sqlite_hits.iter().filter(|id| hits.contains(id)).count();
                let overlap = common as f64 / sqlite_hits.len() as f64;
                overlaps.push(overlap);
                per_kind.push((q.kind, overlap));
            }
        }
    }
    let (ours, theirs) = (sorted(ours), sorted(theirs));
    row(
        "in-process search, p50 / p99 (ms)",
        format!(
            "{:.3} / {:.3}",
            percentile(&ours, 0.5),
            percentile(&ours, 0.99)
        ),
        format!(
            "{:.3} / {:.3}",
            percentile(&theirs, 0.5),
            percentile(&theirs, 0.99)
        ),
        "faster than SQLite FTS5",
    );
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    row(
        "top-10 overlap with SQLite (share of its hits Savoirs also returns)",
        format!("{:.2}", mean(&overlaps)),
        "1.00".into(),
        "",
    );

    println!(
        "Savoirs speed, {size} records ({} queries in the mixed set), side by side with SQLite FTS5",
        queries.len()
    );
    println!();
    println!("| measure | Savoirs | SQLite FTS5 | Savoirs / SQLite | target |");
    println!("| --- | --- | --- | --- | --- |");
    let first = |s: &str| -> Option<f64> { s.split([' ', '/']).find_map(|p| p.parse().ok()) };
    for (metric, a, b, target) in &rows {
        let ratio = match (first(a), first(b)) {
            (Some(x), Some(y)) if y > 0.0 => format!("{:.2}", x / y),
            _ => "—".into(),
        };
        println!("| {metric} | {a} | {b} | {ratio} | {target} |");
    }
    println!();
    println!("Top-10 overlap by query kind (over the queries SQLite answers at all):");
    for kind in [
        QueryKind::Word,
        QueryKind::Words,
        QueryKind::Phrase,
        QueryKind::Filter,
        QueryKind::Typo,
    ] {
        let v: Vec<f64> = per_kind
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, o)| *o)
            .collect();
        if v.is_empty() {
            println!("- {kind:?}: SQLite FTS5 finds nothing for these queries");
        } else {
            println!("- {kind:?}: {:.2} over {} queries", mean(&v), v.len());
        }
    }
    Ok(())
}

//! Load: concurrent readers (search API and results page) and writers (the web
//! form) against a real server on the loopback interface, for a bounded time.
//! Prints throughput, latency percentiles and the error count.
//!
//! Usage: `cargo run --release -p savoirs-bench --bin load [SECONDS] [READERS] [WRITERS]`
//! (default 20 s, 16 readers, 2 writers). The server runs in this process, on
//! 127.0.0.1 with a port chosen by the system, over a fresh data directory holding
//! the demo content; nothing leaves the machine.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use savoirs::http::{self, AppState};
use savoirs::import::{self, Format};
use savoirs::search::{self, Indexer};
use savoirs::store::users::Role;
use savoirs::store::{Author, Store};

const QUERIES: &[&str] = &[
    "intelligence collective",
    "cartographie",
    "forum electronique",
    "methodes participatives",
    "thesaurus",
    "financement",
    "\"forum ouvert\"",
    "kind:action year:2010..2020",
    "participatve",
    "partner:RECIDOC",
];

#[derive(Default)]
struct Tally {
    latencies_ms: Vec<f64>,
    errors: u64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut t: Tally, seconds: f64) {
    t.latencies_ms.sort_by(f64::total_cmp);
    let n = t.latencies_ms.len();
    println!(
        "| {name} | {n} | {:.0} | {:.2} | {:.2} | {:.2} | {} |",
        n as f64 / seconds,
        percentile(&t.latencies_ms, 0.5),
        percentile(&t.latencies_ms, 0.95),
        percentile(&t.latencies_ms, 0.99),
        t.errors
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let seconds = args.first().copied().unwrap_or(20).clamp(1, 600);
    let readers = args.get(1).copied().unwrap_or(16).clamp(1, 256);
    let writers = args.get(2).copied().unwrap_or(2).clamp(0, 64);

    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let (items, _) = import::parse("demo.jsonl", Format::JsonLines, savoirs::cli::DEMO);
    let author = Author {
        name: "load",
        message: "load test",
    };
    import::save(&store, "demo.jsonl", items, &author, |_| {}, |_| {})?;
    store.add_user("charge", Role::Editor, "un mot de passe pour la charge")?;
    let cookie = format!("savoirs_session={}", store.open_session("charge")?);
    let index = search::open_index(&store, |_, _| {})?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let intake = savoirs::files::Intake::new(store.dir(), savoirs::files::DEFAULT_MAX_UPLOAD)?;
    let store = Arc::new(store);
    let index = Arc::new(index);
    let state = AppState {
        indexer: Indexer::spawn(store.clone(), index.clone()),
        store,
        index,
        throttle: Default::default(),
        public_url: None,
        trusted_proxies: Vec::new().into(),
        searches: Arc::new(savoirs::search_threads::SearchThreads::per_core()?),
        setup: Default::default(),
        mailer: None,
        intake: Arc::new(intake),
        admin_email: None,
        oai: Default::default(),
        facts: Default::default(),
        tiles_url: Arc::from(savoirs::cli::DEFAULT_TILES),
    };
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(http::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(512)
        .build()?;
    let running = Arc::new(AtomicBool::new(true));
    let started = Instant::now();
    let mut reader_tasks = Vec::new();
    for r in 0..readers {
        let (client, base, running) = (client.clone(), base.clone(), running.clone());
        reader_tasks.push(tokio::spawn(async move {
            let mut t = Tally::default();
            let mut i = r as usize;
            while running.load(Ordering::Relaxed) {
                let q = QUERIES[i % QUERIES.len()];
                // One request in four is the HTML results page, the rest the API.
                let path = if i.is_multiple_of(4) {
                    "/search"
                } else {
                    "/api/v1/search"
                };
                i += 1;
                let at = Instant::now();
                let ok = client
                    .get(format!("{base}{path}"))
                    .query(&[("q", q)])
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                t.latencies_ms.push(at.elapsed().as_secs_f64() * 1000.0);
                t.errors += u64::from(!ok);
            }
            t
        }));
    }
    let mut writer_tasks = Vec::new();
    for w in 0..writers {
        let (client, base, running, cookie) = (
            client.clone(),
            base.clone(),
            running.clone(),
            cookie.clone(),
        );
        writer_tasks.push(tokio::spawn(async move {
            let mut t = Tally::default();
            let mut n = 0;
            while running.load(Ordering::Relaxed) {
                n += 1;
                let title = format!("Fiche de charge {w}-{n}");
                let at = Instant::now();
                let ok = client
                    .post(format!("{base}/new/method"))
                    .header("cookie", &cookie)
                    .header("origin", &base)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(format!(
                        "title={}&summary=Charge&lang=fr&intent=publish",
                        title.replace(' ', "+")
                    ))
                    .send()
                    .await
                    .map(|r| r.status().as_u16() == 303)
                    .unwrap_or(false);
                t.latencies_ms.push(at.elapsed().as_secs_f64() * 1000.0);
                t.errors += u64::from(!ok);
            }
            t
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    running.store(false, Ordering::Relaxed);
    let mut reads = Tally::default();
    for task in reader_tasks {
        let t = task.await?;
        reads.latencies_ms.extend(t.latencies_ms);
        reads.errors += t.errors;
    }
    let mut writes = Tally::default();
    for task in writer_tasks {
        let t = task.await?;
        writes.latencies_ms.extend(t.latencies_ms);
        writes.errors += t.errors;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let _ = stop_server.send(());
    server.await??;
    println!("Load for {seconds} s: {readers} readers, {writers} writers, loopback");
    println!("| requests | count | per second | p50 ms | p95 ms | p99 ms | errors |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    report("search (API and page)", reads, elapsed);
    report("save (web form)", writes, elapsed);
    Ok(())
}

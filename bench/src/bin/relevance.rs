//! Relevance evaluation: Cranfield 1400 (nDCG@10, MAP@100) for Savoirs and for a
//! plain BM25 baseline, then French known-item search (success@1, success@3, MRR).
//!
//! Usage: `cargo run --release -p savoirs-bench --bin relevance [SHARED_DIR]`
//! (default `../shared`, next to the repository).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use savoirs::import::{self, Format};
use savoirs::search;
use savoirs::store::{Author, Store};
use savoirs_bench::harness::{load, top_ids as ids};
use savoirs_bench::{baseline, cranfield, known_item, metrics};

const AUTHOR: Author<'static> = Author {
    name: "bench",
    message: "relevance evaluation",
};

fn main() -> anyhow::Result<()> {
    let shared = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));

    // Cranfield, through the interchange format.
    let collection = cranfield::load(&shared.join("data/cranfield"))
        .context("the Cranfield collection (pass the shared directory as argument)")?;
    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    let (_store, index) = load(
        dir.path(),
        "cranfield.jsonl",
        Format::JsonLines,
        &collection.jsonl(),
    )?;
    let import_time = started.elapsed();
    let bm25 = baseline::Bm25::build(
        collection
            .documents
            .iter()
            .map(|d| (u64::from(d.id), d.title.as_str(), d.text.as_str())),
    )?;
    let (mut ours, mut theirs) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
    let mut latencies = Vec::new();
    for q in &collection.queries {
        let gains = &collection.judgements[&q.number];
        let t = Instant::now();
        let ranking: Vec<u32> = ids(&index, &q.text, 100)?
            .iter()
            .filter_map(|id| id.strip_prefix("cran-")?.parse().ok())
            .collect();
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        ours.0.push(metrics::ndcg_at(10, &ranking, gains));
        ours.1.push(metrics::average_precision(&ranking, gains));
        let ranking: Vec<u32> = bm25
            .search(&q.text, 100)?
            .into_iter()
            .filter_map(|n| u32::try_from(n).ok())
            .collect();
        theirs.0.push(metrics::ndcg_at(10, &ranking, gains));
        theirs.1.push(metrics::average_precision(&ranking, gains));
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "Cranfield 1400: {} documents, {} judged queries (imported in {:.2} s; median query {:.2} ms)",
        collection.documents.len(),
        collection.queries.len(),
        import_time.as_secs_f64(),
        latencies[latencies.len() / 2]
    );
    println!("| engine | nDCG@10 | MAP@100 |");
    println!("| --- | --- | --- |");
    println!(
        "| Savoirs | {:.4} | {:.4} |",
        metrics::mean(&ours.0),
        metrics::mean(&ours.1)
    );
    println!(
        "| plain BM25 (baseline) | {:.4} | {:.4} |",
        metrics::mean(&theirs.0),
        metrics::mean(&theirs.1)
    );

    // French known items: the example sheet (real text) and the demo content.
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let sheet = std::fs::read_to_string(shared.join("examples/fiche-action-2006-2007.txt"))?;
    for (name, format, text) in [
        ("fiche-action-2006-2007.txt", Format::Sheet, sheet.as_str()),
        ("demo.jsonl", Format::JsonLines, savoirs::cli::DEMO),
    ] {
        let (items, _) = import::parse(name, format, text);
        import::save(&store, name, items, &AUTHOR, |_| {}, |_| {})?;
    }
    let index = search::open_index(&store, |_, _| {})?;
    let records = store.read()?.all(None)?;
    let titles: Vec<(String, String)> = records
        .iter()
        .map(|r| (r.meta.id.clone(), r.title().to_owned()))
        .collect();
    let items = known_item::queries(titles.iter().map(|(id, t)| (id.as_str(), t.as_str())));
    println!();
    println!(
        "French known items: {} records, {} queries",
        records.len(),
        items.len()
    );
    println!("| variant | queries | success@1 | success@3 | MRR |");
    println!("| --- | --- | --- | --- | --- |");
    for variant in ["sans accents", "pluriel changé", "une faute de frappe"] {
        let (mut at1, mut at3, mut rr, mut n) = (0.0, 0.0, 0.0, 0.0);
        for item in items.iter().filter(|i| i.variant == variant) {
            let ranking = ids(&index, &item.query, 10)?;
            let rank = ranking.iter().position(|id| *id == item.target);
            n += 1.0;
            if let Some(r) = rank {
                at1 += f64::from(u8::from(r == 0));
                at3 += f64::from(u8::from(r < 3));
                rr += 1.0 / (r as f64 + 1.0);
            } else {
                eprintln!("  not found in the top 10: {:?} ({variant})", item.query);
            }
        }
        println!(
            "| {variant} | {n} | {:.2} | {:.2} | {:.3} |",
            at1 / n,
            at3 / n,
            rr / n
        );
    }
    Ok(())
}

//! Writes the generated corpus in the interchange format, for `savoirs import`.
//!
//! Usage: `cargo run --release -p savoirs-bench --bin corpus -- SIZE > corpus.jsonl`

use std::io::Write;

use savoirs_bench::corpus;

fn main() -> anyhow::Result<()> {
    let size: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let sheet = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/examples/fiche-action-2006-2007.txt"),
    )
    .unwrap_or_default();
    let vocabulary = corpus::Vocabulary::from_texts(&[&sheet, savoirs::cli::DEMO]);
    let keywords = corpus::demo_keywords();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    corpus::generate(&vocabulary, &keywords, size, corpus::SEED, &mut out)?;
    out.flush()?;
    Ok(())
}

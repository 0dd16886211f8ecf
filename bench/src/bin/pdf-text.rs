//! How closely Savoirs reads the text of French PDF files, against poppler's
//! `pdftotext` (Debian's `poppler-utils`), and how fast. For each PDF of a few
//! French Debian documentation packages: the Jaccard index of the two sets of
//! folded words (lower case, no accents, split on what is not a letter or a
//! digit, two characters or more), and pages per second of each. Savoirs reads
//! each file as the server does: `savoirs extract-text` in a child process.
//!
//! Usage: `cargo build --release -p savoirs -p savoirs-bench --bins`, then
//! `target/release/pdf-text`. The packages are fetched with `apt-get download`
//! into `target/bench-data/pdf-fr/` the first time; `pdftotext` must be
//! installed (`apt-get install poppler-utils`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

/// French documentation in PDF, none of it from the packages kept for an
/// independent check (LibreOffice, GIMP, the Debian Reference, manual pages).
const PACKAGES: [&str; 9] = [
    "lilypond-doc-pdf-fr",
    "debian-edu-doc-fr",
    "debian-edu-doc-legacy-fr",
    "developers-reference-fr",
    "maint-guide-fr",
    "ubuntu-packaging-guide-pdf-fr",
    "expeyes-doc-fr",
    "eyes17-manuals-fr",
    "linuxcnc-doc-fr",
];

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-data/pdf-fr");
    let pdfs = fetch(&root)?;
    let savoirs = savoirs_bench::harness::savoirs_binary()?;
    println!("| PDF | pages | words (pdftotext) | Jaccard | Savoirs pages/s | pdftotext pages/s |");
    println!("|---|---:|---:|---:|---:|---:|");
    let (mut scores, mut pages_all, mut ours_all, mut theirs_all) =
        (Vec::new(), 0usize, 0f64, 0f64);
    for pdf in &pdfs {
        let started = Instant::now();
        let reference = Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(pdf)
            .arg("-")
            .output()
            .context("pdftotext (apt-get install poppler-utils)")?;
        let theirs = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let ours = Command::new(&savoirs)
            .arg("extract-text")
            .arg(pdf)
            .arg("application/pdf")
            .output()?;
        let ours_time = started.elapsed().as_secs_f64();
        let got: serde_json::Value = serde_json::from_slice(&ours.stdout).unwrap_or_default();
        let pages: Vec<&str> = got["pages"]
            .as_array()
            .map(|p| p.iter().filter_map(|t| t.as_str()).collect())
            .unwrap_or_default();
        let a = folded(&String::from_utf8_lossy(&reference.stdout));
        let b = folded(&pages.join("\n"));
        let union = a.union(&b).count().max(1);
        let score = a.intersection(&b).count() as f64 / union as f64;
        let n = pages.len();
        let name = pdf.file_name().unwrap_or_default().to_string_lossy();
        println!(
            "| {name} | {n} | {} | {score:.3} | {:.0} | {:.0} |",
            a.len(),
            n as f64 / ours_time,
            n as f64 / theirs
        );
        if let Some(failure) = got["failure"].as_str() {
            eprintln!("{name}: {failure}");
        }
        scores.push(score);
        pages_all += n;
        ours_all += ours_time;
        theirs_all += theirs;
    }
    let mean = scores.iter().sum::<f64>() / scores.len().max(1) as f64;
    let min = scores.iter().copied().fold(1.0, f64::min);
    let below = scores.iter().filter(|s| **s < 0.95).count();
    println!();
    println!(
        "{} PDFs, {pages_all} pages: Jaccard mean {mean:.3}, min {min:.3}, {below} below 0.95; \
         Savoirs {:.0} pages/s, pdftotext {:.0} pages/s",
        scores.len(),
        pages_all as f64 / ours_all,
        pages_all as f64 / theirs_all
    );
    Ok(())
}

/// Lower case, compatibility forms unfolded (ligatures), accents off, split
/// on what is not a letter or digit; words of two characters or more.
fn folded(text: &str) -> HashSet<String> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let plain: String = text
        .to_lowercase()
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .collect();
    plain
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_owned)
        .collect()
}

/// Every French PDF of the packages, fetched and unpacked once; gzipped ones
/// unpacked too.
fn fetch(root: &Path) -> Result<Vec<PathBuf>> {
    let debs = root.join("debs");
    let unpacked = root.join("unpacked");
    std::fs::create_dir_all(&debs)?;
    for package in PACKAGES {
        let have = std::fs::read_dir(&debs)?.filter_map(|e| e.ok()).any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{package}_"))
        });
        if !have {
            let status = Command::new("apt-get")
                .args(["download", package])
                .current_dir(&debs)
                .status()
                .context("apt-get download")?;
            anyhow::ensure!(status.success(), "apt-get download {package} failed");
        }
    }
    if !unpacked.join(".done").exists() {
        for deb in std::fs::read_dir(&debs)? {
            let status = Command::new("dpkg-deb")
                .arg("-x")
                .arg(deb?.path())
                .arg(&unpacked)
                .status()?;
            anyhow::ensure!(status.success(), "dpkg-deb -x failed");
        }
        std::fs::write(unpacked.join(".done"), "")?;
    }
    let mut found = Vec::new();
    walk(&unpacked, &mut found)?;
    let mut pdfs = Vec::new();
    for path in found {
        let name = path.to_string_lossy().into_owned();
        if let Some(plain) = name.strip_suffix(".gz").filter(|n| n.ends_with(".pdf")) {
            let plain = PathBuf::from(plain);
            if !plain.exists() {
                let out = Command::new("gunzip").arg("-c").arg(&path).output()?;
                std::fs::write(&plain, out.stdout)?;
            }
            pdfs.push(plain);
        } else if name.ends_with(".pdf") {
            pdfs.push(path);
        }
    }
    pdfs.sort();
    pdfs.dedup();
    Ok(pdfs)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            walk(&entry.path(), out)?;
        } else {
            out.push(entry.path());
        }
    }
    Ok(())
}

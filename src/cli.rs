//! The `savoirs` command: argument parsing and the commands themselves.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::export;
use crate::http::{self, AppState};
use crate::import::{self, Format};
use crate::search::{self, Indexer};
use crate::store::users::Role;
use crate::store::{Author, Store, StoreError};

/// OpenStreetMap's standard tiles, the default of the map of places.
pub const DEFAULT_TILES: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

/// Demo content shipped with the binary, loaded by `serve --demo` into an empty
/// data directory.
pub const DEMO: &str = include_str!("../demo/demo.jsonl");

/// A methodology document of the demo written as a Markdown file with front
/// matter, the example of that format; loaded after [`DEMO`], whose partners
/// and keywords it names.
pub const DEMO_MARKDOWN: (&str, &str) =
    ("six-chapeaux.md", include_str!("../demo/six-chapeaux.md"));

#[derive(Debug, Parser)]
#[command(
    name = "savoirs",
    version,
    about = "A collaborative knowledge base with full-text search"
)]
pub struct Cli {
    /// Data directory (store and index).
    #[arg(long, global = true, default_value = "./data", env = "SAVOIRS_DATA")]
    pub data: PathBuf,
    /// Memory for the store's cache of pages, in MiB.
    #[arg(
        long,
        global = true,
        default_value_t = 64,
        env = "SAVOIRS_CACHE_MB",
        value_parser = clap::value_parser!(u32).range(4..=65_536)
    )]
    pub cache_mb: u32,
    /// Memory the search index may buffer while indexing, in MiB (16 per
    /// indexing thread at least) [default: 16 for `serve`, whose saves index a
    /// few records at a time, 256 for `import`, 64 for the other commands].
    #[arg(
        long,
        global = true,
        env = "SAVOIRS_INDEX_MEMORY_MB",
        value_parser = clap::value_parser!(u32).range(16..=4_096)
    )]
    pub index_memory_mb: Option<u32>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
        /// Load the demo content first if the data directory is empty.
        #[arg(long)]
        demo: bool,
        /// The address the public reaches the site at (`https://savoirs.example.org`),
        /// for the absolute links of feeds, the sitemap and page heads; without it,
        /// only requests for the listening address (or localhost) are answered.
        #[arg(long, env = "SAVOIRS_PUBLIC_URL", value_parser = http::parse_public_url)]
        public_url: Option<String>,
        /// The address of a reverse proxy in front of the server, whose
        /// X-Forwarded-For and X-Forwarded-Proto headers are believed (repeat for
        /// several). Without it, those headers are ignored.
        #[arg(
            long = "trusted-proxy",
            env = "SAVOIRS_TRUSTED_PROXY",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// The SMTP server that notifications and password-reset links are
        /// mailed through: `smtps://user:password@host`, or
        /// `smtp://user:password@host:587?tls=required`, or `smtp://localhost:25`
        /// for a local relay. Without it, no mail is sent.
        #[arg(long, env = "SAVOIRS_SMTP_URL")]
        smtp_url: Option<String>,
        /// The sender of that mail.
        #[arg(
            long,
            env = "SAVOIRS_MAIL_FROM",
            default_value = "Savoirs <savoirs@localhost>"
        )]
        mail_from: String,
        /// Largest file that may be attached, in MiB.
        #[arg(long, default_value_t = 50, env = "SAVOIRS_MAX_UPLOAD_MB", value_parser = clap::value_parser!(u64).range(1..=4096))]
        max_upload: u64,
        /// The address OAI-PMH harvesters are given to write to about the
        /// repository (by default, webmaster@ the site's host).
        #[arg(long, env = "SAVOIRS_ADMIN_EMAIL")]
        admin_email: Option<String>,
        /// The tile server of the map of places, as an address template with
        /// {z}, {x} and {y} ({s} for subdomains). Without one reachable, the
        /// map draws the places on a world outline.
        #[arg(long, env = "SAVOIRS_TILES_URL", default_value = DEFAULT_TILES, value_parser = crate::http::check_tiles_url)]
        tiles_url: String,
    },
    /// Import JSON Lines (.jsonl), plain-text action sheets (.txt), SKOS
    /// thesauri in Turtle (.ttl), spreadsheets (.csv), Markdown files with
    /// front matter (.md), and folders (with a metadata.csv or metadata.jsonl,
    /// or of Markdown files). Importing the same files again changes nothing.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Read and check everything, and say line by line what the import
        /// would create, update, match or reject, without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export every record to standard output (or --output).
    Export {
        #[arg(long, value_enum, default_value = "jsonl")]
        format: export::Format,
        /// Write to this file instead of standard output. With `--format
        /// markdown`, a folder: one file per record, and the attached files.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// With `--format jsonl`: copy the attached files into this folder,
        /// and name each by its `path` (relative to the output file's folder),
        /// so that importing the export into another base brings them too.
        #[arg(long)]
        files: Option<PathBuf>,
    },
    /// Rebuild the search index from the store.
    Reindex,
    /// Verify the store and compare it with the search index.
    Check,
    /// Give back the disk space that earlier writes freed in the store.
    Compact,
    /// Write a consistent snapshot of the store (records, revisions, accounts).
    Backup {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Load a snapshot into an empty data directory, then build its index.
    Restore { file: PathBuf },
    /// Read the text of an attached file and print it as JSON. The server
    /// runs this in a child process, under limits, for every file it is sent.
    #[command(hide = true)]
    ExtractText { file: PathBuf, media_type: String },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from $SAVOIRS_PASSWORD if set, else
    /// from the first line of standard input — never from the command line, where
    /// other users of the machine could read it.
    Add {
        name: String,
        /// contributor, editor or admin
        #[arg(long)]
        role: String,
    },
    /// Create a personal API token for an account and print it (once: only its
    /// hash is kept). Tokens are also created and revoked on the account page.
    Token {
        name: String,
        /// What the token is for, shown on the account page.
        #[arg(long)]
        label: String,
    },
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    // A server's writer indexes a few records per commit: one thread and a
    // small buffer do, and each thread's buffer is memory held for good. An
    // import already keeps both cores busy (one saves, one indexes), so its
    // writer takes one thread, and a buffer large enough that 100 000 records
    // make one segment: a second thread would only leave segments to merge.
    let (index_memory, index_threads) = match cli.command {
        Command::Serve { .. } => (cli.index_memory_mb.unwrap_or(16), 1),
        Command::Import { .. } => (cli.index_memory_mb.unwrap_or(256), 1),
        _ => (cli.index_memory_mb.unwrap_or(64), 4),
    };
    if let Command::ExtractText { file, media_type } = &cli.command {
        // Before anything else: the child must not open the store or the index.
        return crate::files::extract::run_child(file, media_type);
    }
    crate::memory::set(crate::memory::Memory::from_mib(
        cli.cache_mb as usize,
        index_memory as usize,
        index_threads,
    ));
    let result = match cli.command {
        Command::Serve {
            addr,
            demo,
            public_url,
            trusted_proxies,
            smtp_url,
            mail_from,
            max_upload,
            admin_email,
            tiles_url,
        } => serve(
            &cli.data,
            addr,
            demo,
            Site {
                public_url,
                trusted_proxies,
                admin_email,
                tiles_url,
            },
            smtp_url.map(|url| (url, mail_from)),
            max_upload * 1024 * 1024,
        ),
        Command::Import {
            files,
            dry_run: false,
        } => import_files(&cli.data, &files),
        Command::Import {
            files,
            dry_run: true,
        } => import_dry_run(&cli.data, &files),
        Command::Export {
            format,
            output,
            files,
        } => export_to(&cli.data, format, output.as_deref(), files.as_deref()),
        Command::Reindex => reindex(&cli.data),
        Command::Check => check(&cli.data),
        Command::Compact => compact(&cli.data),
        Command::Backup { output } => backup(&cli.data, output.as_deref()),
        Command::Restore { file } => restore(&cli.data, &file),
        Command::ExtractText { .. } => Ok(ExitCode::SUCCESS),
        Command::User {
            command: UserCommand::Add { name, role },
        } => add_user(&cli.data, &name, &role),
        Command::User {
            command: UserCommand::Token { name, label },
        } => add_token(&cli.data, &name, &label),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn open_store(data: &Path) -> Result<Store> {
    Ok(Store::open(data)?)
}

fn progress_bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

const IMPORT_AUTHOR: Author<'static> = Author {
    name: "import",
    message: "Imported",
};

/// How the site presents itself: `serve`'s options of that name.
struct Site {
    public_url: Option<String>,
    trusted_proxies: Vec<std::net::IpAddr>,
    admin_email: Option<String>,
    tiles_url: String,
}

fn serve(
    data: &Path,
    addr: SocketAddr,
    demo: bool,
    site: Site,
    // The SMTP server's address and the sender, when mail is sent.
    smtp: Option<(String, String)>,
    max_upload: u64,
) -> Result<ExitCode> {
    let Site {
        public_url,
        trusted_proxies,
        admin_email,
        tiles_url,
    } = site;
    let store = open_store(data)?;
    if demo && store.read()?.count()? == 0 {
        let (items, rejected) = import::parse("demo.jsonl", Format::JsonLines, DEMO);
        let author = Author {
            name: "demo",
            message: "Demo content",
        };
        let report = import::save(&store, "demo.jsonl", items, &author, |_| {}, |_| {})?;
        let (name, text) = DEMO_MARKDOWN;
        let (more, bad) = import::parse(name, Format::Markdown, text);
        let more = import::save(&store, name, more, &author, |_| {}, |_| {})?;
        let rejected = rejected.iter().chain(&report.rejected).chain(&bad);
        for r in rejected.chain(&more.rejected) {
            tracing::warn!("demo content: {r}");
        }
        tracing::info!("loaded {} demo records", report.imported + more.imported);
    }
    if let Some(import) = store.interrupted_import()? {
        tracing::warn!(
            "an import did not finish ({import}); importing the same files again completes it"
        );
    }
    let started = std::time::Instant::now();
    let index = search::open_index(&store, |_, _| {})?;
    tracing::info!(
        "search index ready: {} documents in {:?}",
        index.num_docs(),
        started.elapsed()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        let setup = Arc::new(http::Setup::for_store(&store)?);
        let store = Arc::new(store);
        let index = Arc::new(index);
        let indexer = Indexer::spawn(store.clone(), index.clone());
        let site = public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"));
        let mailer = match smtp {
            Some((url, from)) => {
                let mailer = Arc::new(crate::mail::Mailer::start(&url, &from, &site)?);
                let (store, daily) = (store.clone(), mailer.clone());
                std::thread::Builder::new()
                    .name("digests".into())
                    .spawn(move || crate::mail::send_digests_forever(store, daily))?;
                tracing::info!("mail goes out through the SMTP server given, as {from}");
                Some(mailer)
            }
            None => None,
        };
        let state = AppState {
            store,
            index,
            indexer,
            throttle: Default::default(),
            public_url: public_url.map(Arc::from),
            trusted_proxies: trusted_proxies.into(),
            searches: Arc::new(crate::search_threads::SearchThreads::per_core()?),
            setup: setup.clone(),
            mailer,
            intake: Arc::new(crate::files::Intake::new(data, max_upload)?),
            admin_email: admin_email.map(Arc::from),
            oai: Default::default(),
            facts: Default::default(),
            tiles_url: Arc::from(tiles_url),
        };
        // Scripts and tests read this line to learn the port.
        println!("Savoirs listening on http://{local}");
        if let Some(path) = setup.path() {
            let origin = state
                .public_url
                .as_deref()
                .map_or_else(|| format!("http://{local}"), str::to_owned);
            // Not println!: whoever started the server may have stopped reading.
            let _ = writeln!(
                std::io::stdout(),
                "No account yet: create the first administrator at {origin}{path}"
            );
            tracing::info!("no account yet: create the first administrator at {origin}{path}");
        }
        let _ = std::io::stdout().flush();
        http::serve(listener, state, shutdown_signal()).await?;
        tracing::info!("server stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// Completes on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Imports of this many records or more end with the store compacted.
const BULK_IMPORT: usize = 10_000;

/// The nice value of an import's threads but the index writer's and its
/// follower's: the lowest. Nice 5 made no difference, 10 some; 19 made imports
/// a sixth faster (BENCHMARKS.md). Linux shares the processor between sessions
/// first: beside other work of the same session only, the import yields to it.
const IMPORT_NICE: i32 = 19;

fn compact(data: &Path) -> Result<ExitCode> {
    let store = open_store(data)?;
    report_compaction(&store)?;
    Ok(ExitCode::SUCCESS)
}

fn report_compaction(store: &Store) -> Result<()> {
    print_compaction(store.compact()?);
    Ok(())
}

fn print_compaction((before, after): (u64, u64)) {
    let mb = |bytes: u64| bytes as f64 / 1e6;
    println!(
        "compacted the store: {:.1} MB → {:.1} MB",
        mb(before),
        mb(after)
    );
}

fn import_files(data: &Path, paths: &[PathBuf]) -> Result<ExitCode> {
    // A folder is read through the metadata file it holds, or as a folder of
    // Markdown files; a folder with neither is refused before the store opens.
    let sources: Vec<Source> = paths.iter().map(|p| source(p)).collect::<Result<_>>()?;
    let store = open_store(data)?;
    if let Some(import) = store.interrupted_import()? {
        eprintln!(
            "note: an earlier import did not finish ({import}); records it saved are kept, \
             and importing the same files again completes it without duplicates"
        );
    }
    // The index starts level with the store, then follows the import on a thread
    // of its own while the store writes.
    let index = search::open_index(&store, |_, _| {})?;
    let intake = crate::files::Intake::new(data, crate::files::DEFAULT_MAX_UPLOAD)?;
    let files_bar = progress_bar(0, "files");
    files_bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    let mut taken_files = 0;
    let mut read_files = 0;
    let names: Vec<String> = sources
        .iter()
        .map(|s| s.path().display().to_string())
        .collect();
    store.begin_import(&names.join(", "))?;
    index.set_bulk(true);
    let mut imported = 0;
    let mut rejected = Vec::new();
    // The follower indexes what the store saved. Once it has read the store
    // for the last time, the store is compacted while the index writes its
    // last segment; then segments are merged, if the load left several.
    let (read_all, store_read) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| -> Result<()> {
        let (to_index, messages) = std::sync::mpsc::sync_channel(4);
        let follower = scope.spawn(|| {
            search::follow(&store, &index, messages, move || {
                let _ = read_all.send(());
            })
        });
        // The index writer is the slowest of the import's threads, and the
        // last to finish: the threads that feed it give it a core first. This
        // one saves the store, and the parser (with the text extraction of
        // attached files), the dictionary's training and the compaction start
        // from it. The follower keeps its priority, as the writer's threads
        // start again from it at each commit. Leaving the parser at its
        // priority made the gain a third smaller.
        if let Err(e) = crate::priority::lower_this_thread(IMPORT_NICE) {
            tracing::debug!("the import keeps its priority: {e}");
        }
        let result = (|| -> Result<()> {
            for (source, name) in sources.iter().zip(&names) {
                let path = match source {
                    Source::File(path) => path,
                    Source::Markdown(_, files) => {
                        read_files += files.len();
                        let folder = import::markdown::read_folder(files, |file, base, items| {
                            let named = import::files::count(items);
                            if named > 0 && files_bar.is_hidden() {
                                files_bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                            }
                            files_bar.inc_length(named as u64);
                            taken_files += named;
                            let each = || files_bar.inc(1);
                            import::files::take_in(&intake, &store, file, base, items, each)
                        });
                        rejected.extend(folder.rejected);
                        let report = import::save_from(
                            &store,
                            import::Origin::Files(&folder.places),
                            folder.items,
                            &IMPORT_AUTHOR,
                            |_| {},
                            |batch| drop(to_index.send(search::Follow::Batch(batch))),
                        )?;
                        imported += report.imported;
                        rejected.extend(report.rejected);
                        let _ = to_index.send(search::Follow::Durable(store.read()?.last_seq()?));
                        continue;
                    }
                };
                read_files += 1;
                let text = match import::read_file(path) {
                    Ok(text) => text,
                    Err(reason) => {
                        rejected.push(import::Rejection {
                            file: name.clone(),
                            line: None,
                            reason,
                        });
                        continue;
                    }
                };
                let format = Format::detect(path, &text);
                // The bar grows as the parser reads; small files show none.
                let bar = progress_bar(0, "import");
                bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
                // Saving begins with the first batch parsed, while a thread of
                // its own parses the rest of the file.
                let (chunks, parsed) = std::sync::mpsc::sync_channel(4);
                let base = path.parent().unwrap_or(Path::new("."));
                let mut bad_files = Vec::new();
                let (report, bad) = std::thread::scope(|scope| {
                    let parser = scope.spawn(|| {
                        // Dropped when parsing ends: the saving loop then stops.
                        let chunks = chunks;
                        import::parse_in_chunks(name, format, &text, import::BATCH, |mut chunk| {
                            // A thesaurus's concepts update those the base has
                            // (by IRI, else by label) rather than doubling them.
                            if format == Format::Skos {
                                let matched = store
                                    .read()
                                    .and_then(|r| import::skos::plan(&r, &mut chunk, None));
                                if let Err(e) = matched {
                                    tracing::error!("matching the thesaurus's concepts: {e}");
                                }
                            }
                            // Files are taken in before their records are saved,
                            // so that the index finds their text.
                            let named = import::files::count(&chunk);
                            if named > 0 {
                                if files_bar.is_hidden() {
                                    files_bar
                                        .set_draw_target(indicatif::ProgressDrawTarget::stderr());
                                }
                                files_bar.inc_length(named as u64);
                                taken_files += named;
                                let each = || files_bar.inc(1);
                                bad_files.extend(import::files::take_in(
                                    &intake, &store, name, base, &mut chunk, each,
                                ));
                            }
                            bar.inc_length(chunk.len() as u64);
                            if bar.length() >= Some(1_000) && bar.is_hidden() {
                                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                            }
                            chunks.send(chunk).is_ok()
                        })
                    });
                    let report = import::save(
                        &store,
                        name,
                        parsed.into_iter().flatten(),
                        &IMPORT_AUTHOR,
                        |n| bar.inc(n as u64),
                        // A follower that stopped has an error to tell, below.
                        |batch| drop(to_index.send(search::Follow::Batch(batch))),
                    );
                    let bad = parser.join();
                    (report, bad)
                });
                drop(text);
                rejected.extend(bad.map_err(|_| anyhow::anyhow!("the parsing thread panicked"))?);
                rejected.extend(bad_files);
                let report = report?;
                bar.finish_and_clear();
                imported += report.imported;
                rejected.extend(report.rejected);
                // `save` made the file's records durable: the index may commit.
                let _ = to_index.send(search::Follow::Durable(store.read()?.last_seq()?));
            }
            // Every record is saved: the import is complete in the store.
            store.end_import()?;
            Ok(())
        })();
        drop(to_index);
        // Ok once the follower is done reading, Err if it stopped before.
        let compaction = (result.is_ok() && imported >= BULK_IMPORT && store_read.recv().is_ok())
            .then(|| scope.spawn(|| store.compact()));
        let followed = follower
            .join()
            .map_err(|_| anyhow::anyhow!("the indexing thread panicked"));
        result?;
        // The follower indexed every change up to the store's last: a bulk load
        // ends with the index in one segment.
        if followed?? >= BULK_IMPORT {
            index.merge_segments()?;
        }
        index.set_bulk(false);
        if let Some(compaction) = compaction {
            let sizes = compaction
                .join()
                .map_err(|_| anyhow::anyhow!("the compaction thread panicked"))??;
            print_compaction(sizes);
        }
        Ok(())
    })?;
    drop(index);
    files_bar.finish_and_clear();
    if taken_files > 0 {
        eprintln!("took in {taken_files} attached file(s)");
    }
    for r in &rejected {
        eprintln!("rejected: {r}");
    }
    eprintln!(
        "imported {imported} record(s) from {read_files} file(s); {} rejected",
        rejected.len()
    );
    Ok(if rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Opens the store for a command that only reads, pointing to the running
/// server's own way of giving the same thing when a server holds the store.
/// Writes the export, with copies of the attached files when `files` says
/// where; `folder` is the output file's, which file paths are relative to.
fn export_into(
    reader: &crate::store::Reader,
    format: export::Format,
    out: &mut dyn Write,
    data: &Path,
    files: Option<&Path>,
    folder: Option<&Path>,
) -> Result<usize> {
    let Some(dir) = files else {
        return Ok(export::write(reader, format, out)?);
    };
    let here = std::env::current_dir()?;
    let folder = match folder {
        Some(f) if !f.as_os_str().is_empty() => std::path::absolute(f)?,
        _ => here,
    };
    let dir = std::path::absolute(dir)?;
    let stored = crate::files::Files::new(data);
    let copies = export::FileCopies {
        files: &stored,
        dir: &dir,
        relative_to: &folder,
    };
    let (n, copied) = export::write_jsonl_with_files(reader, out, &copies)?;
    eprintln!("copied {copied} attached file(s) into {}", dir.display());
    Ok(n)
}

/// What an argument of `import` names.
enum Source {
    /// A file: the one named, or the metadata file of a folder of files.
    File(PathBuf),
    /// A folder of Markdown files, as `export --format markdown` writes it,
    /// read as one import, and its files.
    Markdown(PathBuf, Vec<PathBuf>),
}

impl Source {
    fn path(&self) -> &Path {
        match self {
            Source::File(path) | Source::Markdown(path, _) => path,
        }
    }
}

/// What to import for `path`: itself, or for a folder the metadata file that
/// names its files and their records, else its Markdown files.
fn source(path: &Path) -> Result<Source> {
    if !path.is_dir() {
        return Ok(Source::File(path.to_owned()));
    }
    for name in ["metadata.csv", "metadata.jsonl", "metadata.ndjson"] {
        let candidate = path.join(name);
        if candidate.is_file() {
            return Ok(Source::File(candidate));
        }
    }
    let files = import::markdown::folder_files(path)
        .with_context(|| format!("cannot read the folder {}", path.display()))?;
    if files.is_empty() {
        anyhow::bail!(
            "{} is a folder without metadata.csv or metadata.jsonl, and without Markdown files \
             (.md): a metadata file must name each file and its record",
            path.display()
        );
    }
    Ok(Source::Markdown(path.to_owned(), files))
}

/// A folder of this process's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let dir =
            std::env::temp_dir().join(format!("savoirs-dry-run-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir)
            .with_context(|| format!("cannot create the scratch folder {}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Holds the data directory's lock without writing to it, so that no server
/// or import writes the store while a dry run copies it; `None` when the
/// directory has no lock file (no store either).
fn hold_still(data: &Path) -> Result<Option<std::fs::File>> {
    let path = data.join("LOCK");
    let Ok(file) = std::fs::File::open(&path) else {
        return Ok(None);
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            anyhow::bail!(
                "the data directory {} is in use by another process ({}): a dry run reads a \
                 copy of the store taken while nothing writes it; stop that process first",
                data.display(),
                holder.trim()
            )
        }
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

/// `import --dry-run`: the import itself, run against a copy of the store in
/// a scratch folder, files taken in there too, so that everything is checked
/// as an import checks it; the data directory is only read (it is not even
/// created), and its store file stays byte for byte as it was. Prints one line
/// per record and per partner named: what would be created, updated, matched
/// or rejected, and why.
fn import_dry_run(data: &Path, paths: &[PathBuf]) -> Result<ExitCode> {
    use import::{Effect, Origin, Outcome};
    let sources: Vec<Source> = paths.iter().map(|p| source(p)).collect::<Result<_>>()?;
    let scratch = Scratch::new()?;
    let _held = hold_still(data)?;
    let original = data.join("savoirs.redb");
    if original.is_file() {
        std::fs::copy(&original, scratch.0.join("savoirs.redb"))
            .with_context(|| format!("cannot copy {}", original.display()))?;
    }
    let store = Store::open(&scratch.0)?;
    let intake = crate::files::Intake::new(&scratch.0, crate::files::DEFAULT_MAX_UPLOAD)?;
    let stored = crate::files::Files::new(data);
    // (file, line, what): sorted by file and line within each argument.
    let mut report: Vec<(String, Option<usize>, Effect, String)> = Vec::new();
    let rejection = |r: import::Rejection| {
        (
            r.file,
            r.line,
            Effect::Rejected,
            format!("rejected: {}", r.reason),
        )
    };
    let say = |origin: Origin<'_>, outcomes: Vec<Outcome>| {
        outcomes
            .into_iter()
            .map(|o| {
                let (file, line) = origin.place(o.at);
                (file, line, o.effect, o.message)
            })
            .collect::<Vec<_>>()
    };
    for source in &sources {
        let mut lines = Vec::new();
        match source {
            Source::Markdown(_, files) => {
                let folder = import::markdown::read_folder(files, |file, base, items| {
                    import::files::take_in_beside(
                        &intake,
                        &stored,
                        &store,
                        file,
                        base,
                        items,
                        || {},
                    )
                });
                lines.extend(folder.rejected.into_iter().map(rejection));
                let origin = Origin::Files(&folder.places);
                let outcomes = import::dry_run(&store, origin, folder.items, &IMPORT_AUTHOR)?;
                lines.extend(say(origin, outcomes));
            }
            Source::File(path) => {
                let name = path.display().to_string();
                match import::read_file(path) {
                    Err(reason) => lines.push(rejection(import::Rejection {
                        file: name,
                        line: None,
                        reason,
                    })),
                    Ok(text) => {
                        let format = Format::detect(path, &text);
                        let (mut items, bad) = import::parse(&name, format, &text);
                        lines.extend(bad.into_iter().map(rejection));
                        if format == Format::Skos {
                            import::skos::plan(&store.read()?, &mut items, None)?;
                        }
                        let base = path.parent().unwrap_or(Path::new("."));
                        let bad = import::files::take_in_beside(
                            &intake,
                            &stored,
                            &store,
                            &name,
                            base,
                            &mut items,
                            || {},
                        );
                        lines.extend(bad.into_iter().map(rejection));
                        let origin = Origin::File(&name);
                        let outcomes = import::dry_run(&store, origin, items, &IMPORT_AUTHOR)?;
                        lines.extend(say(origin, outcomes));
                    }
                }
            }
        }
        lines.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        report.extend(lines);
    }
    let count = |effect: Effect| report.iter().filter(|l| l.2 == effect).count();
    for (file, line, _, message) in &report {
        match line {
            Some(line) => println!("{file}:{line}: {message}"),
            None => println!("{file}: {message}"),
        }
    }
    let rejected = count(Effect::Rejected);
    println!(
        "dry run: {} would be created, {} updated, {} unchanged, {} partner(s) matched, \
         {rejected} rejected; nothing was written",
        count(Effect::Create),
        count(Effect::Update),
        count(Effect::Unchanged),
        count(Effect::Matched),
    );
    Ok(if rejected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn open_store_to_read(data: &Path, on_the_server: &str) -> Result<Store> {
    match Store::open(data) {
        Err(e @ crate::store::StoreError::Locked { .. }) => Err(anyhow::anyhow!(
            "{e}\nhint: while it runs, the server gives {on_the_server}"
        )),
        other => Ok(other?),
    }
}

fn export_to(
    data: &Path,
    format: export::Format,
    output: Option<&Path>,
    files: Option<&Path>,
) -> Result<ExitCode> {
    if files.is_some() && format == export::Format::Markdown {
        anyhow::bail!(
            "--files goes with --format jsonl: `--format markdown --output DIR` copies the \
             attached files into DIR/files by itself"
        );
    }
    if files.is_some() && format != export::Format::Jsonl {
        anyhow::bail!("--files goes with --format jsonl, whose lines can name files");
    }
    let store = open_store_to_read(
        data,
        "the same exports at /export/records.jsonl and /export/actions.csv, and a \
         backup at /admin/backup (admins)",
    )?;
    let reader = store.read()?;
    let n = match output {
        // A folder: one file per record, as `import` reads them back.
        Some(dir) if format == export::Format::Markdown => {
            let stored = crate::files::Files::new(data);
            let (n, copied) = export::write_markdown_folder(&reader, &stored, dir)?;
            if copied > 0 {
                eprintln!(
                    "copied {copied} attached file(s) into {}",
                    dir.join(export::MARKDOWN_FILES).display()
                );
            }
            n
        }
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            let n = export_into(&reader, format, &mut out, data, files, path.parent())?;
            out.flush()?;
            n
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let n = export_into(&reader, format, &mut out, data, files, None)?;
            out.flush()?;
            n
        }
    };
    eprintln!("exported {n} record(s)");
    Ok(ExitCode::SUCCESS)
}

fn reindex(data: &Path) -> Result<ExitCode> {
    let store = open_store(data)?;
    let opened =
        savoirs_index::SearchIndex::open_with(&data.join("index"), crate::memory::get().writing())?;
    if let Some(reason) = &opened.recreated {
        eprintln!("the previous index was discarded: {reason}");
    }
    let total = store.read()?.count()?;
    let bar = progress_bar(total, "reindex");
    let n = search::rebuild(&store, &opened.index, |done, _| bar.set_position(done))?;
    bar.finish_and_clear();
    eprintln!("reindexed {n} record(s)");
    Ok(ExitCode::SUCCESS)
}

fn backup(data: &Path, output: Option<&Path>) -> Result<ExitCode> {
    let store = open_store_to_read(data, "a backup at /admin/backup (admins)")?;
    let header = match output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            let header = store.backup(&mut out)?;
            out.flush()?;
            out.get_ref().sync_all()?;
            header
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let header = store.backup(&mut out)?;
            out.flush()?;
            header
        }
    };
    eprintln!(
        "backed up {} record(s) and {} revision(s)",
        header.records, header.revisions
    );
    Ok(ExitCode::SUCCESS)
}

fn restore(data: &Path, file: &Path) -> Result<ExitCode> {
    let input =
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let store = open_store(data)?;
    let header = store.restore(&mut std::io::BufReader::new(input))?;
    let opened =
        savoirs_index::SearchIndex::open_with(&data.join("index"), crate::memory::get().writing())?;
    let bar = progress_bar(header.records, "index");
    search::rebuild(&store, &opened.index, |done, _| bar.set_position(done))?;
    bar.finish_and_clear();
    eprintln!(
        "restored {} record(s) and {} revision(s) from a backup of {}",
        header.records, header.revisions, header.created
    );
    Ok(ExitCode::SUCCESS)
}

fn add_user(data: &Path, name: &str, role: &str) -> Result<ExitCode> {
    let Some(role) = Role::parse(role) else {
        anyhow::bail!("unknown role {role:?}: expected contributor, editor or admin");
    };
    let password = match std::env::var("SAVOIRS_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            if std::io::stdin().is_terminal() {
                eprint!("Password for {name} (at least 10 characters): ");
            }
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let store = open_store(data)?;
    let created = store.add_user(name, role, &password);
    report_refusal(created.map(|user| {
        eprintln!("created the account {} ({})", user.name, user.role.as_str());
    }))
}

/// Exit code 0 when `result` is a success, 1 with each refused field named when
/// the store refused the input; other errors stop the command.
fn report_refusal(result: std::result::Result<(), StoreError>) -> Result<ExitCode> {
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(StoreError::Invalid(problems)) => {
            for p in problems {
                eprintln!("error: {}: {}", p.field, p.message);
            }
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

fn add_token(data: &Path, name: &str, label: &str) -> Result<ExitCode> {
    let store = open_store(data)?;
    if store.user(name)?.is_none() {
        anyhow::bail!("no account is named {name:?}");
    }
    let created = store.create_token(name, label);
    report_refusal(created.map(|(token, secret)| {
        eprintln!("created the API token {} for {name}", token.id);
        println!("{secret}");
    }))
}

fn check(data: &Path) -> Result<ExitCode> {
    let mut store = open_store(data)?;
    let mut problems = Vec::new();
    if !store.check_integrity()? {
        problems.push("the store file failed its integrity check and was repaired".to_owned());
    }
    let opened =
        savoirs_index::SearchIndex::open_with(&data.join("index"), crate::memory::get().writing())?;
    if let Some(reason) = &opened.recreated {
        problems.push(format!("the search index was unusable: {reason}"));
    }
    let reader = store.read()?;
    let mut expected = Vec::new();
    // Attached files, with the first record that names each.
    let mut attached: std::collections::BTreeMap<String, (String, String)> = Default::default();
    reader.for_each(|r| {
        for a in &r.meta.attachments {
            attached
                .entry(a.file.clone())
                .or_insert_with(|| (r.url(), a.name.clone()));
        }
        expected.push((r.meta.id, r.meta.revision));
        Ok(())
    })?;
    let files = crate::files::Files::new(data);
    let bar = progress_bar(attached.len() as u64, "files");
    for (hash, (url, name)) in &attached {
        match files.check(hash)? {
            crate::files::FileState::Sound => {}
            crate::files::FileState::Missing => {
                problems.push(format!("the file {name} of {url} is missing ({hash})"))
            }
            crate::files::FileState::Corrupt => problems.push(format!(
                "the file {name} of {url} is damaged: its content no longer has its hash {hash}"
            )),
        }
        if reader.file_text(hash)?.is_none() {
            problems.push(format!(
                "the text of the file {name} of {url} was never read"
            ));
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let unnamed = files
        .stored()?
        .into_iter()
        .filter(|h| !attached.contains_key(h))
        .count();
    if unnamed > 0 {
        // Kept on purpose: earlier revisions name them, and restoring one
        // brings its files back.
        println!(
            "note: {unnamed} stored file(s) are attached to no current revision (earlier revisions, or an upload whose save failed)"
        );
    }
    let indexed = opened.index.revisions()?;
    let mut duplicates = indexed.clone();
    duplicates.dedup_by(|a, b| a.0 == b.0);
    if duplicates.len() != indexed.len() {
        problems.push(format!(
            "{} record(s) are indexed more than once",
            indexed.len() - duplicates.len()
        ));
    }
    let want: std::collections::BTreeMap<_, _> = expected.into_iter().collect();
    let have: std::collections::BTreeMap<_, _> = indexed.into_iter().collect();
    for (id, rev) in &want {
        match have.get(id) {
            None => problems.push(format!("record {id} is missing from the index")),
            Some(r) if r != rev => problems.push(format!(
                "record {id} is at revision {rev} in the store but {r} in the index"
            )),
            Some(_) => {}
        }
    }
    for id in have.keys().filter(|id| !want.contains_key(*id)) {
        problems.push(format!("the index holds {id}, which is not in the store"));
    }
    if let Some(import) = store.interrupted_import()? {
        // Not a fault of the store: what the import saved is whole and indexed.
        println!(
            "note: an import did not finish ({import}); importing the same files again completes it"
        );
    }
    if problems.is_empty() {
        println!("ok: {} record(s), store and index agree", want.len());
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &problems {
            println!("problem: {p}");
        }
        println!(
            "{} problem(s) found; `savoirs reindex` rebuilds the index from the store",
            problems.len()
        );
        Ok(ExitCode::from(1))
    }
}

//! Importing files into the store.
//!
//! Each file is read whole and parsed into items before anything is written, so a
//! bad line is reported with its file, line number and reason while the good ones
//! are imported. Items are saved in batches, one transaction each; a batch in which
//! one record fails is retried record by record, so no record is ever half-written
//! and no good record is lost because of a bad neighbour.

pub mod csv;
pub mod files;
pub mod jsonl;
pub mod markdown;
pub mod sheet;
pub mod skos;

use std::path::Path;

use crate::model::{self, Body, Record};
use crate::ops::access::Actor;
use crate::ops::names::Names;
use crate::ops::{OpError, Ops, Saving};
use crate::store::{Author, Store, StoreError, Writer};

/// Largest file accepted, so that a wrong path (a disk image, a video) fails fast.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
/// Records saved per transaction of an import.
pub const BATCH: usize = 2_000;

/// One record to import.
#[derive(Debug, Clone)]
pub struct Item {
    pub record: Record,
    /// A partner described inside a document (as in an action sheet): if an
    /// organisation by that name exists, it is completed rather than duplicated.
    pub merge_partner: bool,
}

/// A record that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub file: String,
    /// 1-based line number, when the format has lines.
    pub line: Option<usize>,
    pub reason: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub imported: usize,
    pub rejected: Vec<Rejection>,
}

/// Formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonLines,
    Sheet,
    /// A SKOS thesaurus in Turtle.
    Skos,
    /// A spreadsheet whose header row names JSON Lines fields (`metadata.csv`
    /// of a folder of files).
    Csv,
    /// A Markdown file with YAML front matter: one record.
    Markdown,
}

impl Format {
    /// By extension, else by content: Markdown front matter starts with a
    /// `---` line, JSON Lines with `{`. A `.txt` file is always a sheet, and
    /// a `.md` file without front matter is read as one too, as before
    /// front matter was read.
    pub fn detect(path: &Path, text: &str) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
            Some("txt") => Format::Sheet,
            Some("ttl") => Format::Skos,
            Some("csv") => Format::Csv,
            _ if markdown::has_front_matter(text) => Format::Markdown,
            _ if text.trim_start().starts_with('{') => Format::JsonLines,
            _ => Format::Sheet,
        }
    }
}

/// Where the items given to [`save_from`] or [`dry_run`] come from, so that a
/// rejection names the file and line.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    /// One file: an item's number is its line.
    File(&'a str),
    /// Several files imported as one (a folder of Markdown files), so that
    /// links between them are made whatever their order on disk: an item's
    /// number is its place in this list of files and lines.
    Files(&'a [(String, Option<usize>)]),
}

impl Origin<'_> {
    /// The file and line of the item numbered `at`.
    pub fn place(&self, at: Option<usize>) -> (String, Option<usize>) {
        match self {
            Origin::File(file) => ((*file).to_owned(), at),
            Origin::Files(places) => at.and_then(|i| places.get(i)).cloned().unwrap_or_default(),
        }
    }

    fn rejection(&self, at: Option<usize>, reason: String) -> Rejection {
        let (file, line) = self.place(at);
        Rejection { file, line, reason }
    }
}

/// Orders items so that what others link to comes first, as the export
/// writes them: partners, then concepts (broader ones first), then action
/// sheets, methods and resources. The sort is stable: within a kind, items
/// keep their order.
pub fn in_link_order(items: &mut Items) {
    use std::collections::HashMap;
    // A concept's first broader concept, by the id or label naming it.
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, (_, item)) in items.iter().enumerate() {
        if let Body::Concept(c) = &item.record.body {
            index.entry(c.label.as_str()).or_insert(i);
            if !item.record.meta.id.is_empty() {
                index.entry(item.record.meta.id.as_str()).or_insert(i);
            }
        }
    }
    let depth = |mut i: usize| -> usize {
        let mut depth = 0;
        while let Body::Concept(c) = &items[i].1.record.body {
            match c.broader.first().and_then(|b| index.get(b.as_str())) {
                // Bounded: a cycle of broader concepts must not loop.
                Some(&parent) if depth < 16 => {
                    depth += 1;
                    i = parent;
                }
                _ => break,
            }
        }
        depth
    };
    let keys: Vec<(model::Kind, usize)> = (0..items.len())
        .map(|i| (items[i].1.record.kind(), depth(i)))
        .collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| keys[i]);
    let mut taken: Vec<Option<(Option<usize>, Item)>> =
        std::mem::take(items).into_iter().map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| taken[i].take()));
}

/// Parses a file's text into items with their line numbers, and the lines that
/// could not be read.
pub fn parse(
    file: &str,
    format: Format,
    text: &str,
) -> (Vec<(Option<usize>, Item)>, Vec<Rejection>) {
    let mut items = Vec::new();
    let rejected = parse_in_chunks(file, format, text, usize::MAX, |chunk| {
        items.extend(chunk);
        true
    });
    (items, rejected)
}

/// Items, with the line they come from when the format has lines.
pub type Items = Vec<(Option<usize>, Item)>;

/// [`parse`], handing the items to `each` as soon as `size` of them are read
/// (JSON Lines; the other formats are read whole), so that saving can begin
/// while the rest of a large file is parsed. Stops early when `each` says
/// false. Returns the lines that could not be read.
pub fn parse_in_chunks(
    file: &str,
    format: Format,
    text: &str,
    size: usize,
    mut each: impl FnMut(Items) -> bool,
) -> Vec<Rejection> {
    let mut rejected = Vec::new();
    match format {
        Format::JsonLines => {
            let mut chunk = Vec::new();
            for (i, line) in text.lines().enumerate() {
                let line_no = i + 1;
                let line = line.trim_start_matches('\u{feff}').trim();
                if line.is_empty() {
                    continue;
                }
                match jsonl::parse_line(line) {
                    Ok(item) => chunk.push((Some(line_no), item)),
                    Err(reason) => rejected.push(Rejection {
                        file: file.to_owned(),
                        line: Some(line_no),
                        reason,
                    }),
                }
                if chunk.len() >= size && !each(std::mem::take(&mut chunk)) {
                    return rejected;
                }
            }
            if !chunk.is_empty() {
                each(chunk);
            }
        }
        Format::Csv => {
            let (parsed, bad) = csv::parse(file, text);
            each(parsed);
            rejected.extend(bad);
        }
        Format::Markdown => {
            let (parsed, bad) = markdown::parse(file, text);
            each(parsed);
            rejected.extend(bad);
        }
        Format::Skos => {
            let (parsed, bad) = skos::parse(file, text);
            each(parsed.into_iter().map(|item| (None, item)).collect());
            rejected.extend(bad);
        }
        Format::Sheet => match sheet::parse(text) {
            Ok(parsed) => {
                each(parsed.into_iter().map(|item| (None, item)).collect());
            }
            Err(reason) => rejected.push(Rejection {
                file: file.to_owned(),
                line: None,
                reason,
            }),
        },
    }
    rejected
}

/// Reads a file, refusing what is too large or not UTF-8.
pub fn read_file(path: &Path) -> Result<String, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "file is {size} bytes, more than the {MAX_FILE_BYTES} bytes accepted"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// What one committed batch of an import wrote: every change of the store's log
/// up to `seq`, and the records the batch saved, so that the index can follow
/// the import without reading them back.
#[derive(Debug, Default)]
pub struct Batch {
    pub seq: u64,
    pub saved: Vec<Record>,
}

/// Saves parsed items, in batches committed without waiting for the disk, then
/// makes them durable together at the end: a crash in between loses batches of
/// this call (those not yet made durable by another commit, such as a
/// dictionary's), never part of one, and importing again redoes them.
/// `progress(n)` is called after each committed batch with the number of items
/// it held, and `batches` with what it wrote.
pub fn save(
    store: &Store,
    file: &str,
    items: impl IntoIterator<Item = (Option<usize>, Item)>,
    author: &Author<'_>,
    progress: impl FnMut(usize),
    batches: impl FnMut(Batch),
) -> Result<Report, StoreError> {
    save_from(store, Origin::File(file), items, author, progress, batches)
}

/// [`save`], for items whose numbers `origin` turns into files and lines.
pub fn save_from(
    store: &Store,
    origin: Origin<'_>,
    items: impl IntoIterator<Item = (Option<usize>, Item)>,
    author: &Author<'_>,
    mut progress: impl FnMut(usize),
    mut batches: impl FnMut(Batch),
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    // Imported records meet the rules of every change, as the person at the
    // command line, an administrator: they keep the status and owner the file
    // gives. Their batches are indexed by the caller.
    let operator = crate::store::users::User::operator(author.name);
    let rules = Ops::for_bulk(store, Actor::new(Some(&operator)));
    // Links to records further down the file are made once everything is saved.
    let mut deferred: Vec<Deferred> = Vec::new();
    let mut items = items.into_iter().peekable();
    // A large import teaches a store without a compression dictionary one, from
    // its first batch, on a thread of its own: the batches saved meanwhile are
    // packed without it, and every later one with it.
    std::thread::scope(|scope| {
        let mut training = None;
        while items.peek().is_some() {
            let batch: Items = items.by_ref().take(BATCH).collect();
            if training.is_none() && store.would_train_dictionary(batch.len()) {
                let records: Vec<Record> =
                    batch.iter().map(|(_, item)| item.record.clone()).collect();
                training =
                    Some(scope.spawn(move || store.train_dictionary(records.iter(), author)));
            }
            let (saved, mut later) =
                save_batch(store, origin, &batch, &rules, author, &mut batches)?;
            report.imported += saved.imported;
            report.rejected.extend(saved.rejected);
            deferred.append(&mut later);
            progress(batch.len());
        }
        match training {
            Some(t) => t
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                .map(drop),
            None => Ok(()),
        }
    })?;
    for link in deferred {
        let result = store.write_batch(|w| complete_link(w, &rules, &link, author));
        match result {
            Ok(()) => {}
            Err(e @ (StoreError::Invalid(_) | StoreError::Corrupt { .. })) => {
                report.rejected.push(origin.rejection(
                    link.line,
                    format!("{e} (the record itself was imported without this link)"),
                ));
            }
            Err(e) => return Err(e),
        }
    }
    store.sync()?;
    Ok(report)
}

/// Saves one batch of an import in one transaction; if a record of it is
/// refused, saves its records one by one so that only the culprits are
/// rejected, each with its reason.
/// Returns what was imported and rejected, and the links left for the end.
fn save_batch(
    store: &Store,
    origin: Origin<'_>,
    batch: &[(Option<usize>, Item)],
    rules: &Ops<'_>,
    author: &Author<'_>,
    batches: &mut impl FnMut(Batch),
) -> Result<(Report, Vec<Deferred>), StoreError> {
    let mut report = Report::default();
    let mut deferred = Vec::new();
    let mut later = Vec::new();
    let whole = store.write_batch(|w| {
        let mut saved = Vec::with_capacity(batch.len());
        for (line, item) in batch {
            saved.push(save_item(
                w,
                rules,
                item.clone(),
                author,
                *line,
                &mut later,
            )?);
        }
        Ok(Batch {
            seq: w.last_seq()?,
            saved,
        })
    });
    match whole {
        Ok(done) => {
            report.imported += batch.len();
            deferred.append(&mut later);
            batches(done);
        }
        Err(StoreError::Invalid(_) | StoreError::Corrupt { .. }) => {
            // Find the culprits: one transaction per record.
            for (line, item) in batch {
                let mut later = Vec::new();
                let one = store.write_batch(|w| {
                    let saved = save_item(w, rules, item.clone(), author, *line, &mut later)?;
                    Ok(Batch {
                        seq: w.last_seq()?,
                        saved: vec![saved],
                    })
                });
                match one {
                    Ok(done) => {
                        report.imported += 1;
                        deferred.append(&mut later);
                        batches(done);
                    }
                    Err(e @ (StoreError::Invalid(_) | StoreError::Corrupt { .. })) => {
                        report.rejected.push(origin.rejection(*line, e.to_string()));
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Err(e) => return Err(e),
    }
    Ok((report, deferred))
}

/// What importing an item would do, as a dry run says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Create,
    Update,
    /// Already in the base as it is given.
    Unchanged,
    /// A partner named or given matched to one the base (or the import) has.
    Matched,
    Rejected,
}

/// One line of a dry run's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The item's number (see [`Origin`]).
    pub at: Option<usize>,
    pub effect: Effect,
    pub message: String,
}

/// Says what importing `items` would do, item by item: which records would be
/// created or updated, which partners a name matches, what would be refused
/// and why. It is the import itself, run against `store`, which must be a
/// copy made for the purpose (see `savoirs import --dry-run`): the same
/// checks, the same matching, so the report cannot drift from what an import
/// does. Each item is saved in a transaction of its own so that a refusal
/// names its own reason.
pub fn dry_run(
    store: &Store,
    origin: Origin<'_>,
    items: impl IntoIterator<Item = (Option<usize>, Item)>,
    author: &Author<'_>,
) -> Result<Vec<Outcome>, StoreError> {
    use std::collections::HashMap;
    let operator = crate::store::users::User::operator(author.name);
    let rules = Ops::for_bulk(store, Actor::new(Some(&operator)));
    // Records this run created, by id: the item that created each.
    let mut created: HashMap<String, Option<usize>> = HashMap::new();
    let mut deferred: Vec<Deferred> = Vec::new();
    let mut out = Vec::new();
    let place = |at: Option<usize>| match origin.place(at) {
        (file, Some(line)) => format!("{file}:{line}"),
        (file, None) => file,
    };
    let label = |record: &Record| match &record.body {
        Body::Partner(p) => p.label().to_owned(),
        _ => record.title().to_owned(),
    };
    for (at, item) in items {
        let before = store.read()?;
        let kind = item.record.kind();
        let title = item.record.title().to_owned();
        let by_name = kind == model::Kind::Partner && item.record.meta.id.is_empty();
        // The partners named without an id, by their place in the list.
        let named: Vec<(usize, String)> = item
            .record
            .partner_refs()
            .iter()
            .enumerate()
            .filter(|(_, l)| l.id.is_empty())
            .map(|(i, l)| (i, l.name.trim().to_owned()))
            .collect();
        let mut later = Vec::new();
        let saved = store.write_batch(|w| save_item(w, &rules, item, author, at, &mut later));
        let saved = match saved {
            Ok(saved) => saved,
            Err(e @ (StoreError::Invalid(_) | StoreError::Corrupt { .. })) => {
                out.push(Outcome {
                    at,
                    effect: Effect::Rejected,
                    message: format!("rejected: {e}"),
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        deferred.append(&mut later);
        let id = saved.meta.id.clone();
        let (effect, message) = match before.get(&id)? {
            None => {
                created.insert(id.clone(), at);
                (Effect::Create, format!("would create {kind} {title:?}"))
            }
            Some(previous) => {
                let changed = previous.meta.revision != saved.meta.revision;
                let whose = match created.get(&id) {
                    Some(by) => format!("that {} would create", place(*by)),
                    None => format!("({id})"),
                };
                match (by_name, changed) {
                    (true, _) => (
                        Effect::Matched,
                        format!(
                            "partner {title:?} matched to {} partner {:?} {whose}{}",
                            if created.contains_key(&id) {
                                "the"
                            } else {
                                "existing"
                            },
                            label(&previous),
                            if changed {
                                ", whose empty fields it would fill"
                            } else {
                                ""
                            }
                        ),
                    ),
                    (false, true) => (
                        Effect::Update,
                        format!("would update {kind} {title:?} {whose}"),
                    ),
                    (false, false) => (
                        Effect::Unchanged,
                        format!("{kind} {title:?} is already in the base {whose}: unchanged"),
                    ),
                }
            }
        };
        out.push(Outcome {
            at,
            effect,
            message,
        });
        let links = saved.partner_refs();
        let mut told: Vec<&str> = Vec::new();
        for (i, name) in &named {
            let Some(link) = links.get(*i) else { continue };
            if link.id.is_empty() || told.contains(&link.id.as_str()) {
                continue;
            }
            told.push(&link.id);
            let (effect, message) = match (before.get(&link.id)?, created.get(&link.id)) {
                (None, _) => {
                    created.insert(link.id.clone(), at);
                    (Effect::Create, format!("would create partner {name:?}"))
                }
                (Some(partner), Some(by)) => (
                    Effect::Matched,
                    format!(
                        "partner {name:?} matched to the partner {:?} that {} would create",
                        label(&partner),
                        place(*by)
                    ),
                ),
                (Some(partner), None) => (
                    Effect::Matched,
                    format!(
                        "partner {name:?} matched to existing partner {:?} ({})",
                        label(&partner),
                        link.id
                    ),
                ),
            };
            out.push(Outcome {
                at,
                effect,
                message,
            });
        }
    }
    for link in deferred {
        match store.write_batch(|w| complete_link(w, &rules, &link, author)) {
            Ok(()) => {}
            Err(e @ (StoreError::Invalid(_) | StoreError::Corrupt { .. })) => out.push(Outcome {
                at: link.line,
                effect: Effect::Rejected,
                message: format!(
                    "rejected: {e} (the record itself would be imported without this link)"
                ),
            }),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// A link whose target was not found when its record was saved.
#[derive(Debug, Clone)]
struct Deferred {
    id: String,
    line: Option<usize>,
    target: String,
    /// The relation, for a document; `None` for a concept's related concept.
    relation: Option<String>,
}

fn complete_link(
    w: &mut Writer<'_>,
    rules: &Ops<'_>,
    link: &Deferred,
    author: &Author<'_>,
) -> Result<(), StoreError> {
    let Some(mut record) = w.get(&link.id)? else {
        return Ok(());
    };
    match &link.relation {
        Some(relation) => {
            let mut r = model::Relation {
                id: String::new(),
                title: link.target.clone(),
                relation: relation.clone(),
            };
            resolve_relation(w, &mut r, 0)?;
            if let Some(relations) = record.relations_mut() {
                relations.push(r);
            }
        }
        None => {
            let id = resolve_concept(w, &link.target, "related", 0)?;
            if let Body::Concept(c) = &mut record.body
                && !c.related.contains(&id)
            {
                c.related.push(id);
            }
        }
    }
    admit(rules, w, &mut record, author)?;
    w.save(record, author)?;
    Ok(())
}

/// Checks an imported record against the rules of every change
/// ([`Ops::admit_new`], [`Ops::admit_change`]), keeping the status and owner
/// it was given; a refusal is reported on its line.
fn admit(
    rules: &Ops<'_>,
    w: &Writer<'_>,
    record: &mut Record,
    author: &Author<'_>,
) -> Result<(), StoreError> {
    let owner = record.meta.owner.clone();
    // A line that names files replaces the record's; one that names none
    // keeps those it has (see `Ops::admit_change`).
    let attachments = std::mem::take(&mut record.meta.attachments);
    let saving = Saving {
        status: Some(record.meta.status),
        message: author.message,
        owner: Some(&owner),
    };
    let previous = match record.meta.id.is_empty() {
        true => None,
        false => w.get(&record.meta.id)?,
    };
    let admitted = match &previous {
        Some(stored) => rules.admit_change(stored, record, &saving),
        None => rules.admit_new(record, &saving),
    };
    if !attachments.is_empty() {
        record.meta.attachments = attachments;
    }
    match admitted {
        Ok(_) => Ok(()),
        Err(OpError::Store(e)) => Err(e),
        Err(OpError::Refused(why)) => Err(invalid(
            "status",
            savoirs_templates::i18n::t(savoirs_templates::Lang::En, why.key()).to_owned(),
        )),
        Err(other) => Err(invalid("status", other.to_string())),
    }
}

pub(crate) fn resolve_concept(
    w: &Writer<'_>,
    target: &str,
    field: &str,
    i: usize,
) -> Result<String, StoreError> {
    resolve_concept_among(w, target, field, i, &|_| true)
}

/// [`resolve_concept`] among the concepts `visible` lets through: the others
/// answer as if they did not exist.
pub(crate) fn resolve_concept_among(
    w: &Writer<'_>,
    target: &str,
    field: &str,
    i: usize,
    visible: &dyn Fn(&Record) -> bool,
) -> Result<String, StoreError> {
    let found = Names::new(w, visible).concept(target)?;
    found.ok_or_else(|| {
        invalid(
            &format!("{field}[{i}]"),
            format!("no concept has the id or label {target:?}"),
        )
    })
}

fn invalid(field: &str, message: String) -> StoreError {
    StoreError::Invalid(vec![model::FieldError {
        field: field.to_owned(),
        message,
    }])
}

/// Resolves an item's links, then saves it.
fn save_item(
    w: &mut Writer<'_>,
    rules: &Ops<'_>,
    item: Item,
    author: &Author<'_>,
    line: Option<usize>,
    deferred: &mut Vec<Deferred>,
) -> Result<Record, StoreError> {
    let mut record = item.record;
    if let Body::Partner(p) = &record.body
        && record.meta.id.is_empty()
    {
        // One record per organisation: a partner already known by one of its names
        // is completed, not duplicated.
        let mut existing = None;
        let all = |_: &Record| true;
        for name in p.names() {
            if let Some(id) = Names::new(&*w, &all).partner(name)? {
                existing = Some(id);
                break;
            }
        }
        if let Some(id) = existing {
            let Some(mut current) = w.get(&id)? else {
                return Err(invalid("name", format!("partner {id} is missing")));
            };
            if let (Body::Partner(cur), Body::Partner(new)) = (&mut current.body, &record.body) {
                let before = cur.clone();
                fill(&mut cur.acronym, &new.acronym);
                fill(&mut cur.description, &new.description);
                fill(&mut cur.website, &new.website);
                fill(&mut cur.country, &new.country);
                fill(&mut cur.partner_type, &new.partner_type);
                if !item.merge_partner {
                    for alias in &new.aliases {
                        if !cur.aliases.contains(alias) {
                            cur.aliases.push(alias.clone());
                        }
                    }
                }
                if *cur == before {
                    return Ok(current);
                }
            }
            current.meta.updated = model::now();
            admit(rules, w, &mut current, author)?;
            return w.save(current, author);
        }
    }
    let mut created_partners = Vec::new();
    if let Some(refs) = record.partner_refs_mut() {
        for (i, link) in refs.iter_mut().enumerate() {
            if !link.id.is_empty() {
                match w.get(&link.id)? {
                    Some(r) if r.kind() == model::Kind::Partner => continue,
                    _ => {
                        return Err(invalid(
                            &format!("partners[{i}].id"),
                            format!("no partner has the id {:?}", link.id),
                        ));
                    }
                }
            }
            let name = link.name.trim();
            if name.is_empty() {
                return Err(invalid(
                    &format!("partners[{i}]"),
                    "needs a name or an id".into(),
                ));
            }
            let all = |_: &Record| true;
            link.id = match Names::new(&*w, &all).partner(name)? {
                Some(id) => id,
                None => {
                    if !created_partners.iter().any(|n| n == name) {
                        created_partners.push(name.to_owned());
                    }
                    String::new()
                }
            };
        }
    }
    for name in created_partners {
        let partner = Record::new(Body::Partner(model::Partner {
            name: name.clone(),
            ..model::Partner::default()
        }));
        let mut partner = partner;
        admit(rules, w, &mut partner, author)?;
        let saved = w.save(partner, author)?;
        if let Some(refs) = record.partner_refs_mut() {
            for link in refs
                .iter_mut()
                .filter(|l| l.id.is_empty() && l.name.trim() == name)
            {
                link.id = saved.meta.id.clone();
            }
        }
    }
    let mut later = Vec::new();
    if let Some(relations) = record.relations_mut() {
        let mut kept = Vec::new();
        for (i, mut relation) in relations.drain(..).enumerate() {
            match resolve_relation(w, &mut relation, i) {
                Ok(()) => kept.push(relation),
                // A title or id not found yet may be further down the file: links
                // run both ways between records of one kind (translations), so
                // no export order puts every target first.
                Err(_) if relation.id.is_empty() => {
                    later.push((relation.title, Some(relation.relation)))
                }
                Err(_) => later.push((relation.id, Some(relation.relation))),
            }
        }
        *relations = kept;
    }
    if let Body::Concept(c) = &mut record.body {
        let mut broader = Vec::new();
        for (i, target) in c.broader.iter().enumerate() {
            broader.push(resolve_concept(w, target, "broader", i)?);
        }
        c.broader = broader;
        let mut related = Vec::new();
        for target in c.related.drain(..) {
            match resolve_concept(w, &target, "related", 0) {
                Ok(id) => related.push(id),
                Err(_) => later.push((target, None)),
            }
        }
        c.related = related;
    }
    // The same record given again without its id, as when a file is imported a
    // second time, is the one already stored.
    let stored = match record.meta.id.is_empty() {
        true => w.stored_under_title(&record)?,
        false => None,
    };
    let saved = match stored {
        Some(stored) => stored,
        None => {
            admit(rules, w, &mut record, author)?;
            w.save(record, author)?
        }
    };
    deferred.extend(later.into_iter().map(|(target, relation)| Deferred {
        id: saved.meta.id.clone(),
        line,
        target,
        relation,
    }));
    Ok(saved)
}

/// A relation names its target by id, or by exact title (`title`, or a plain
/// string that is not an id).
pub(crate) fn resolve_relation(
    w: &Writer<'_>,
    relation: &mut model::Relation,
    i: usize,
) -> Result<(), StoreError> {
    resolve_relation_among(w, relation, i, &|_| true)
}

/// [`resolve_relation`] among the records `visible` lets through: the others
/// answer as if they did not exist.
pub(crate) fn resolve_relation_among(
    w: &Writer<'_>,
    relation: &mut model::Relation,
    i: usize,
    visible: &dyn Fn(&Record) -> bool,
) -> Result<(), StoreError> {
    let names = Names::new(w, visible);
    if !relation.id.is_empty() {
        if names.get(&relation.id)?.is_none() {
            return Err(invalid(
                &format!("related[{i}].id"),
                format!("no record has the id {:?}", relation.id),
            ));
        }
        return Ok(());
    }
    if let Some(id) = names.record(&relation.title, &model::Kind::DOCUMENTS)? {
        relation.id = id;
        relation.title.clear();
        return Ok(());
    }
    Err(invalid(
        &format!("related[{i}]"),
        format!("no record has the id or title {:?}", relation.title),
    ))
}

fn fill(target: &mut String, value: &str) {
    if target.is_empty() && !value.is_empty() {
        value.clone_into(target);
    }
}

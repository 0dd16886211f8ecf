//! Exports: JSON Lines (exactly what `import` reads back), CSV of action sheets,
//! Markdown files with front matter (also read back by `import`, one file per
//! record in a folder); Atom feeds of what changed.

pub mod atom;
pub mod dc;
pub mod skos;
pub mod xml;

use std::io::Write;

use crate::model::{Body, Kind, Record};
use crate::store::{Reader, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing the CSV failed: {0}")]
    Csv(#[from] csv::Error),
    /// The export was not begun, for the reason given.
    #[error("{0}")]
    Refused(String),
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Jsonl,
    Csv,
    Markdown,
    /// The thesaurus as SKOS in Turtle.
    Skos,
}

/// Records in export order: partners first (documents name them), then action
/// sheets, methodology documents and resources; within a kind, by id.
fn ordered(reader: &Reader) -> Result<Vec<Record>, StoreError> {
    let mut records = reader.all(None)?;
    // Concepts come broader first, so that every `broader` finds its target.
    let depth = |r: &Record| -> usize {
        let mut depth = 0;
        let mut current = r.clone();
        while let Body::Concept(c) = &current.body {
            match c.broader.first().and_then(|b| reader.get(b).ok().flatten()) {
                Some(parent) if depth < 16 => {
                    depth += 1;
                    current = parent;
                }
                _ => break,
            }
        }
        depth
    };
    let mut keyed: Vec<(Kind, usize, Record)> = records
        .drain(..)
        .map(|r| (r.kind(), depth(&r), r))
        .collect();
    keyed.sort_by(|a, b| (a.0, a.1, &a.2.meta.id).cmp(&(b.0, b.1, &b.2.meta.id)));
    Ok(keyed.into_iter().map(|(_, _, r)| r).collect())
}

/// Which records an export holds: all of them on the command line; over HTTP,
/// those the viewer may see. Links to partners it leaves out are left out too.
pub type Keep<'a> = &'a dyn Fn(&Record) -> bool;

/// A record in its interchange form: partner links carry the partner's current
/// name beside its id, and store bookkeeping (the revision number) is left out.
pub fn interchange(record: &Record, reader: &Reader) -> Result<serde_json::Value, StoreError> {
    interchange_kept(record, reader, &|_| true)
}

/// Keeps the items whose linked record (named by `id`) is not hidden.
fn retain_shown<T>(
    items: &mut Vec<T>,
    id: impl Fn(&T) -> &str,
    reader: &Reader,
    keep: Keep<'_>,
) -> Result<(), StoreError> {
    let mut kept = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        if reader.get(id(&item))?.is_none_or(|target| keep(&target)) {
            kept.push(item);
        }
    }
    *items = kept;
    Ok(())
}

/// Drops the record's links to records `keep` refuses (partners, related
/// documents, broader and related concepts): what a reader may not see must not
/// show, not even as an id.
pub fn drop_hidden_links(
    record: &mut Record,
    reader: &Reader,
    keep: Keep<'_>,
) -> Result<(), StoreError> {
    if let Some(refs) = record.partner_refs_mut() {
        retain_shown(refs, |l| &l.id, reader, keep)?;
    }
    if let Some(relations) = record.relations_mut() {
        retain_shown(relations, |r| &r.id, reader, keep)?;
    }
    if let Body::Concept(c) = &mut record.body {
        retain_shown(&mut c.broader, |id| id, reader, keep)?;
        retain_shown(&mut c.related, |id| id, reader, keep)?;
    }
    Ok(())
}

fn interchange_kept(
    record: &Record,
    reader: &Reader,
    keep: Keep<'_>,
) -> Result<serde_json::Value, StoreError> {
    Ok(serde_json::Value::Object(interchange_object(
        record, reader, keep,
    )?))
}

fn interchange_object(
    record: &Record,
    reader: &Reader,
    keep: Keep<'_>,
) -> Result<serde_json::Map<String, serde_json::Value>, StoreError> {
    let mut record = record.clone();
    drop_hidden_links(&mut record, reader, keep)?;
    for link in record.partner_refs_mut().into_iter().flatten() {
        if let Some(Record {
            body: Body::Partner(p),
            ..
        }) = reader.get(&link.id)?
        {
            link.name = p.label().to_owned();
        }
    }
    let mut object = record.to_json();
    object.shift_remove("revision");
    Ok(object)
}

pub fn write(reader: &Reader, format: Format, out: &mut dyn Write) -> Result<usize, ExportError> {
    write_kept(reader, format, out, &|_| true)
}

/// Like [`write`], with only the records `keep` accepts.
pub fn write_kept(
    reader: &Reader,
    format: Format,
    out: &mut dyn Write,
    keep: Keep<'_>,
) -> Result<usize, ExportError> {
    let mut records = ordered(reader)?;
    records.retain(|r| keep(r));
    match format {
        Format::Jsonl => {
            for record in &records {
                serde_json::to_writer(&mut *out, &interchange_kept(record, reader, keep)?)
                    .map_err(std::io::Error::other)?;
                out.write_all(b"\n")?;
            }
            Ok(records.len())
        }
        Format::Csv => write_csv(reader, &records, out, keep),
        Format::Skos => Ok(skos::write(&records, None, out)?),
        // One stream, for reading or a download: the files that
        // `write_markdown_folder` writes, one after the other.
        Format::Markdown => {
            for (i, record) in records.iter().enumerate() {
                if i > 0 {
                    out.write_all(b"\n")?;
                }
                out.write_all(markdown_file(record, reader, keep)?.as_bytes())?;
            }
            Ok(records.len())
        }
    }
}

/// Where `export --files` puts the attached files, and how the JSON Lines
/// name them.
pub struct FileCopies<'a> {
    pub files: &'a crate::files::Files,
    /// The folder the files are copied into.
    pub dir: &'a std::path::Path,
    /// What `path` values are relative to: the folder of the JSON Lines file.
    pub relative_to: &'a std::path::Path,
}

/// Copies attached files into a folder, each file once, under its cleaned
/// name; a second file with the same name (ignoring case, for the file
/// systems that do) gets the start of its hash in front.
struct Copier<'a> {
    files: &'a crate::files::Files,
    dir: &'a std::path::Path,
    /// Hash → the name of its copy.
    copied: std::collections::HashMap<String, String>,
    taken: std::collections::HashSet<String>,
}

impl<'a> Copier<'a> {
    fn new(files: &'a crate::files::Files, dir: &'a std::path::Path) -> Copier<'a> {
        Copier {
            files,
            dir,
            copied: Default::default(),
            taken: Default::default(),
        }
    }

    /// The name of the copy of the file `hash`, copying it the first time;
    /// true when this call made the copy.
    fn copy(&mut self, hash: &str, name: &str) -> std::io::Result<(String, bool)> {
        if let Some(copy) = self.copied.get(hash) {
            return Ok((copy.clone(), false));
        }
        let mut file_name = crate::model::clean_file_name(name);
        if !self.taken.insert(file_name.to_lowercase()) {
            file_name = format!("{}-{file_name}", &hash[..hash.len().min(12)]);
            self.taken.insert(file_name.to_lowercase());
        }
        let source = self
            .files
            .path(hash)
            .ok_or_else(|| std::io::Error::other(format!("bad file hash {hash:?}")))?;
        std::fs::create_dir_all(self.dir)?;
        let target = self.dir.join(&file_name);
        std::fs::copy(&source, &target)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", source.display())))?;
        self.copied.insert(hash.to_owned(), file_name.clone());
        Ok((file_name, true))
    }
}

/// Gives each attachment of an interchange object a `path` made by `path`
/// from the name of its copy, which `copier` makes (and whether this
/// attachment's copy is a new one).
fn copy_attachments(
    object: &mut serde_json::Map<String, serde_json::Value>,
    copier: &mut Copier<'_>,
    mut path: impl FnMut(&str, bool) -> std::io::Result<String>,
) -> std::io::Result<()> {
    let Some(list) = object.get_mut("attachments").and_then(|a| a.as_array_mut()) else {
        return Ok(());
    };
    for a in list.iter_mut() {
        let hash = a["file"].as_str().unwrap_or_default().to_owned();
        let name = a["name"].as_str().unwrap_or("fichier").to_owned();
        let (copy, fresh) = copier.copy(&hash, &name)?;
        a["path"] = serde_json::Value::String(path(&copy, fresh)?);
    }
    Ok(())
}

/// JSON Lines whose attachments carry a `path` to a copy of their file, so
/// that importing them into another base brings the files too.
pub fn write_jsonl_with_files(
    reader: &Reader,
    out: &mut dyn Write,
    copies: &FileCopies<'_>,
) -> Result<(usize, usize), ExportError> {
    std::fs::create_dir_all(copies.dir)?;
    let mut copier = Copier::new(copies.files, copies.dir);
    let records = ordered(reader)?;
    for record in &records {
        let mut line = interchange_object(record, reader, &|_| true)?;
        copy_attachments(&mut line, &mut copier, |copy, _| {
            let target = copies.dir.join(copy);
            let shown = match target.strip_prefix(copies.relative_to) {
                Ok(relative) => relative.to_path_buf(),
                Err(_) => std::path::absolute(&target)?,
            };
            Ok(shown.to_string_lossy().replace('\\', "/"))
        })?;
        serde_json::to_writer(&mut *out, &line).map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
    }
    Ok((records.len(), copier.copied.len()))
}

/// The file that marks a folder written by [`write_markdown_folder`], and
/// lists what it wrote: a later export into the folder removes those files,
/// and only those, so that a record deleted since does not linger (and come
/// back with the next import), while nothing else in the folder is touched.
pub const MARKDOWN_MARK: &str = ".savoirs-export";

/// Where attached files go in a Markdown export.
pub const MARKDOWN_FILES: &str = "files";

/// Writes every record as a Markdown file with front matter into `dir`:
/// `{kind}/{slug}.md`, in export order, and the attached files into
/// `files/`, each attachment naming its copy by a `path` relative to the
/// record's file (`../files/…`), so that `savoirs import DIR` brings back
/// everything. `dir` is created if missing; a file, or a folder that holds
/// files and was not written by this export, is refused. Returns how many
/// records and files were written.
pub fn write_markdown_folder(
    reader: &Reader,
    files: &crate::files::Files,
    dir: &std::path::Path,
) -> Result<(usize, usize), ExportError> {
    clear_markdown_folder(dir)?;
    // Marked before the first record is written: a folder that an export
    // left half-written is still known as an export's.
    let mark = "Written by `savoirs export --format markdown`. Another export into this folder\n\
                first removes the files listed below; anything else in it is left alone.\n";
    std::fs::write(dir.join(MARKDOWN_MARK), mark)?;
    let files_dir = dir.join(MARKDOWN_FILES);
    let mut copier = Copier::new(files, &files_dir);
    let mut written: Vec<String> = Vec::new();
    let mut names: std::collections::HashSet<String> = Default::default();
    let records = ordered(reader)?;
    for record in &records {
        let kind = record.kind().as_str();
        let mut object = interchange_object(record, reader, &|_| true)?;
        copy_attachments(&mut object, &mut copier, |copy, fresh| {
            if fresh {
                written.push(format!("{MARKDOWN_FILES}/{copy}"));
            }
            Ok(format!("../{MARKDOWN_FILES}/{copy}"))
        })?;
        let name = file_name(record, &mut names);
        std::fs::create_dir_all(dir.join(kind))?;
        let path = format!("{kind}/{name}.md");
        std::fs::write(dir.join(&path), crate::import::markdown::write(&object))?;
        written.push(path);
    }
    let mut list = String::from(mark);
    for path in &written {
        list.push_str(path);
        list.push('\n');
    }
    std::fs::write(dir.join(MARKDOWN_MARK), list)?;
    Ok((records.len(), copier.copied.len()))
}

/// A record's file name, without `.md`: its slug, readable and stable; its id
/// when the slug could not be a file name (or is taken, ignoring case).
fn file_name(record: &Record, taken: &mut std::collections::HashSet<String>) -> String {
    let kind = record.kind().as_str();
    let slug = &record.meta.slug;
    let safe = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && !s.starts_with(['.', '-'])
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
    };
    let mut candidates = vec![slug.clone(), record.meta.id.clone()];
    candidates.push(format!("{slug}-{}", record.meta.id));
    for name in candidates {
        if safe(&name) && taken.insert(format!("{kind}/{}", name.to_lowercase())) {
            return name;
        }
    }
    // Ids are unique and safe, so this is never reached; a number is safe too.
    let n = taken.len();
    taken.insert(format!("{kind}/record-{n}"));
    format!("record-{n}")
}

/// Makes `dir` ready for a Markdown export: created if missing, emptied of
/// what an earlier export wrote there, refused if it is a file or a folder
/// with other things in it.
fn clear_markdown_folder(dir: &std::path::Path) -> Result<(), ExportError> {
    if dir.exists() && !dir.is_dir() {
        return Err(ExportError::Refused(format!(
            "{} is a file: `--format markdown` writes one file per record into a folder; \
             give the path of a new or empty folder",
            dir.display()
        )));
    }
    if !dir.exists() {
        std::fs::create_dir_all(dir)?;
        return Ok(());
    }
    let mark = dir.join(MARKDOWN_MARK);
    if !mark.is_file() {
        if std::fs::read_dir(dir)?.next().is_some() {
            return Err(ExportError::Refused(format!(
                "{} holds files that `savoirs export --format markdown` did not write: \
                 give the path of a new or empty folder",
                dir.display()
            )));
        }
        return Ok(());
    }
    let listed = std::fs::read_to_string(&mark)?;
    let mut folders = std::collections::BTreeSet::new();
    for line in listed.lines() {
        let path = std::path::Path::new(line);
        // Only what an export writes: `kind/name.md` and `files/name`.
        let inside = path.components().count() == 2
            && path
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            continue;
        }
        match std::fs::remove_file(dir.join(path)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        if let Some(parent) = path.parent() {
            folders.insert(dir.join(parent));
        }
    }
    for folder in folders {
        // Left if something else is in it.
        let _ = std::fs::remove_dir(folder);
    }
    Ok(())
}

fn partner_names(
    record: &Record,
    reader: &Reader,
    keep: Keep<'_>,
) -> Result<Vec<String>, StoreError> {
    let mut names = Vec::new();
    for link in record.partner_refs() {
        if let Some(
            partner @ Record {
                body: Body::Partner(p),
                ..
            },
        ) = &reader.get(&link.id)?
            && keep(partner)
        {
            names.push(format!("{} ({})", p.label(), link.role));
        }
    }
    Ok(names)
}

/// A cell that no spreadsheet reads as a formula. A cell beginning with `=`,
/// `+`, `-` or `@` (or a tab or carriage return before one) is a formula to
/// Excel and LibreOffice, which can run commands or send data away; as OWASP
/// recommends, such a cell starts with `'` instead, which spreadsheets show
/// as text and do not evaluate.
pub fn spreadsheet_safe(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// Action sheets, one row each, with the columns of the sheet; amounts as numbers.
/// Text cells go through [`spreadsheet_safe`].
fn write_csv(
    reader: &Reader,
    records: &[Record],
    out: &mut dyn Write,
    keep: Keep<'_>,
) -> Result<usize, ExportError> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record([
        "id",
        "title",
        "period_start",
        "period_end",
        "archive",
        "referent",
        "pilot",
        "amount",
        "currency",
        "partners",
        "places",
        "keywords",
        "summary",
        "synthesis",
        "strategy",
        "history",
        "presentation",
        "lang",
        "status",
        "updated",
    ])?;
    let mut n = 0;
    for record in records {
        let Body::Action(a) = &record.body else {
            continue;
        };
        let amount = a.amount.as_ref();
        let row = [
            record.meta.id.clone(),
            a.title.clone(),
            a.period.map(|p| p.start.to_string()).unwrap_or_default(),
            a.period.map(|p| p.end.to_string()).unwrap_or_default(),
            a.archive.clone(),
            a.referent.clone(),
            a.pilot.clone(),
            amount
                .map(|m| format!("{}.{:02}", m.minor / 100, m.minor % 100))
                .unwrap_or_default(),
            amount.map(|m| m.currency.clone()).unwrap_or_default(),
            partner_names(record, reader, keep)?.join("; "),
            a.places
                .iter()
                .map(crate::places::to_line)
                .collect::<Vec<_>>()
                .join(" | "),
            a.keywords.join("; "),
            a.summary.clone(),
            a.synthesis.clone(),
            a.strategy.clone(),
            a.history.clone(),
            a.presentation.clone(),
            record.meta.lang.clone(),
            record.meta.status.as_str().to_owned(),
            record.meta.updated.to_rfc3339(),
        ];
        csv.write_record(row.map(spreadsheet_safe))?;
        n += 1;
    }
    csv.flush()?;
    Ok(n)
}

/// A record as a Markdown file with YAML front matter, the form `import`
/// reads back ([`crate::import::markdown`]): its JSON Lines fields in the
/// same order, its main text after the front matter. Links to records `keep`
/// refuses are left out.
pub fn markdown_file(
    record: &Record,
    reader: &Reader,
    keep: Keep<'_>,
) -> Result<String, StoreError> {
    let object = interchange_object(record, reader, keep)?;
    Ok(crate::import::markdown::write(&object))
}

/// A record as a Markdown document to read, as a page shows it: its title and
/// its sections under their French headings, after a short header (kind, id,
/// language, partners, keywords). The site offers it as the record's
/// download; it is not an import format, which [`markdown_file`] is.
pub fn markdown(record: &Record, reader: &Reader) -> Result<String, StoreError> {
    markdown_kept(record, reader, &|_| true)
}

/// Like [`markdown`], naming only the partners `keep` accepts.
pub fn markdown_kept(
    record: &Record,
    reader: &Reader,
    keep: Keep<'_>,
) -> Result<String, StoreError> {
    let mut md = String::new();
    md.push_str("---\n");
    md.push_str(&format!(
        "kind: {}\nid: {}\nlang: {}\n",
        record.kind(),
        record.meta.id,
        record.meta.lang
    ));
    let partners = partner_names(record, reader, keep)?;
    if !partners.is_empty() {
        md.push_str(&format!("partners: {}\n", partners.join("; ")));
    }
    if !record.keywords().is_empty() {
        md.push_str(&format!("keywords: {}\n", record.keywords().join("; ")));
    }
    if let Body::Resource(r) = &record.body
        && !r.web_address.is_empty()
    {
        md.push_str(&format!("web_address: {}\n", r.web_address));
    }
    md.push_str("---\n\n");
    md.push_str(&format!("# {}\n\n", record.title()));
    let sections: Vec<(&str, &str)> = match &record.body {
        Body::Action(a) => vec![
            ("Résumé", &a.summary),
            ("Synthèse", &a.synthesis),
            ("Inscription dans la stratégie d'ensemble", &a.strategy),
            ("Historique", &a.history),
            ("Présentation", &a.presentation),
        ],
        Body::Method(m) => vec![("Résumé", &m.summary), ("", &m.body)],
        Body::Resource(r) => vec![("", &r.description)],
        Body::Partner(p) => vec![("", &p.description)],
        Body::Concept(c) => vec![("Note d'application", &c.scope_note)],
    };
    for (heading, text) in sections {
        if text.trim().is_empty() {
            continue;
        }
        if !heading.is_empty() {
            md.push_str(&format!("## {heading}\n\n"));
        }
        md.push_str(text.trim());
        md.push_str("\n\n");
    }
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_are_exported_as_text() {
        for formula in [
            "=1+1",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1+1",
            "\r=1+1",
        ] {
            assert_eq!(spreadsheet_safe(formula.into()), format!("'{formula}"));
        }
        for plain in ["Forum", "2006", "", "a=b", "520000.00"] {
            assert_eq!(spreadsheet_safe(plain.into()), plain);
        }
    }
}

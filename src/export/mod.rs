//! Exports: JSON Lines (exactly what `import` reads back), CSV of action sheets,
//! and Markdown; Atom feeds of what changed.

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
    object.remove("revision");
    Ok(serde_json::Value::Object(object))
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
        Format::Skos => Ok(skos::write(&records, out)?),
        Format::Markdown => {
            for record in &records {
                out.write_all(markdown_kept(record, reader, keep)?.as_bytes())?;
                out.write_all(b"\n")?;
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

/// JSON Lines whose attachments carry a `path` to a copy of their file, so
/// that importing them into another base brings the files too.
pub fn write_jsonl_with_files(
    reader: &Reader,
    out: &mut dyn Write,
    copies: &FileCopies<'_>,
) -> Result<(usize, usize), ExportError> {
    std::fs::create_dir_all(copies.dir)?;
    let mut copied: std::collections::HashMap<String, String> = Default::default();
    let mut taken_names: std::collections::HashSet<String> = Default::default();
    let records = ordered(reader)?;
    for record in &records {
        let mut line = interchange_kept(record, reader, &|_| true)?;
        if let Some(list) = line.get_mut("attachments").and_then(|a| a.as_array_mut()) {
            for a in list.iter_mut() {
                let hash = a["file"].as_str().unwrap_or_default().to_owned();
                let name = a["name"].as_str().unwrap_or("fichier").to_owned();
                let path = match copied.get(&hash) {
                    Some(p) => p.clone(),
                    None => {
                        // The same name for two different files gets the
                        // start of the hash in front.
                        let mut file_name = crate::model::clean_file_name(&name);
                        if !taken_names.insert(file_name.clone()) {
                            file_name = format!("{}-{file_name}", &hash[..hash.len().min(12)]);
                            taken_names.insert(file_name.clone());
                        }
                        let source = copies.files.path(&hash).ok_or_else(|| {
                            std::io::Error::other(format!("bad file hash {hash:?}"))
                        })?;
                        let target = copies.dir.join(&file_name);
                        std::fs::copy(&source, &target).map_err(|e| {
                            std::io::Error::other(format!("{}: {e}", source.display()))
                        })?;
                        let shown = match target.strip_prefix(copies.relative_to) {
                            Ok(relative) => relative.to_path_buf(),
                            Err(_) => std::path::absolute(&target)?,
                        };
                        let shown = shown.to_string_lossy().replace('\\', "/");
                        copied.insert(hash.clone(), shown.clone());
                        shown
                    }
                };
                a["path"] = serde_json::Value::String(path);
            }
        }
        serde_json::to_writer(&mut *out, &line).map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
    }
    Ok((records.len(), copied.len()))
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

/// A record as a Markdown document with YAML-style front matter.
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

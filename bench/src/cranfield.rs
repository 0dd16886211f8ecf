//! Reading the Cranfield 1400 collection (`../shared/data/cranfield/`).
//!
//! Records start with `.I N`, fields with `.T`, `.A`, `.B`, `.W`. Judgements number
//! queries by their position in `cran.qry` (1..225), not by their `.I`. This copy
//! of `cran.qry` ends with a 226th entry that is not a Cranfield query (and has no
//! judgements); only queries with judgements are evaluated.

use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub id: u32,
    pub title: String,
    pub authors: String,
    pub source: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Query {
    /// Position in the file, 1-based: the number the judgements use.
    pub number: u32,
    pub text: String,
}

/// Graded judgements: query number → (document id → gain). Cleverdon's codes 1
/// (complete answer) to 4 (minimum interest) become gains 4 to 1; -1 (not
/// relevant) is left out.
pub type Judgements = HashMap<u32, HashMap<u32, u32>>;

pub struct Collection {
    pub documents: Vec<Document>,
    pub queries: Vec<Query>,
    pub judgements: Judgements,
}

fn clean(text: &str) -> String {
    // The collection spaces its punctuation (" ."): join the words back.
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" .", ".")
        .replace(" ,", ",")
}

/// Splits a file into records: (the `.I` value, [(field letter, text)]).
fn records(text: &str) -> Vec<(String, Vec<(char, String)>)> {
    let mut out: Vec<(String, Vec<(char, String)>)> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(id) = line.strip_prefix(".I ") {
            out.push((id.trim().to_owned(), Vec::new()));
        } else if let Some(field) = line
            .strip_prefix('.')
            .and_then(|f| f.chars().next())
            .filter(|_| line.len() == 2)
        {
            if let Some((_, fields)) = out.last_mut() {
                fields.push((field, String::new()));
            }
        } else if let Some((_, fields)) = out.last_mut()
            && let Some((_, value)) = fields.last_mut()
        {
            value.push_str(line);
            value.push('\n');
        }
    }
    out
}

pub fn load(dir: &Path) -> anyhow::Result<Collection> {
    let read = |name: &str| -> anyhow::Result<String> {
        std::fs::read_to_string(dir.join(name))
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.join(name).display()))
    };
    let mut documents = Vec::new();
    for (id, fields) in records(&read("cran.all.1400")?) {
        let mut d = Document {
            id: id.parse()?,
            ..Document::default()
        };
        for (field, value) in fields {
            let value = clean(&value);
            match field {
                'T' => d.title = value,
                'A' => d.authors = value,
                'B' => d.source = value,
                'W' => d.text = value,
                _ => {}
            }
        }
        documents.push(d);
    }
    let queries: Vec<Query> = records(&read("cran.qry")?)
        .into_iter()
        .enumerate()
        .map(|(i, (_, fields))| Query {
            number: u32::try_from(i + 1).unwrap_or(u32::MAX),
            text: fields
                .into_iter()
                .map(|(_, v)| clean(&v))
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect();
    let mut judgements: Judgements = HashMap::new();
    for line in read("cranqrel")?.lines() {
        let parts: Vec<i64> = line
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect();
        if let [q, d, code] = parts[..]
            && (1..=4).contains(&code)
        {
            judgements
                .entry(u32::try_from(q)?)
                .or_default()
                .insert(u32::try_from(d)?, u32::try_from(5 - code)?);
        }
    }
    let queries = queries
        .into_iter()
        .filter(|q| judgements.contains_key(&q.number))
        .collect();
    Ok(Collection {
        documents,
        queries,
        judgements,
    })
}

impl Collection {
    /// The documents in the interchange format, as methodology documents in English
    /// (title, abstract as summary, authors, source).
    pub fn jsonl(&self) -> String {
        let mut out = String::new();
        for d in &self.documents {
            let line = serde_json::json!({
                "kind": "method",
                "id": format!("cran-{}", d.id),
                "lang": "en",
                "title": if d.title.is_empty() { format!("Cranfield {}", d.id) } else { d.title.clone() },
                "summary": d.text,
                "authors": d.authors.split(" and ").map(str::trim).filter(|a| !a.is_empty()).collect::<Vec<_>>(),
                "source": d.source,
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
        out
    }
}

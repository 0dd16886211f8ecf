//! Spreadsheets: a header row naming JSON Lines fields, then one record per
//! row (the `metadata.csv` of a folder of files). Lists (`keywords`, `authors`,
//! `aliases`, `broader`, `related`) are separated by `;`, partners are
//! `Name` or `Name (role)`, a period is `2006-2007`, and a cell starting with
//! `{` or `[` is read as JSON. A `file` column names attached files (several
//! separated by `;`), relative to the spreadsheet; `file_title`,
//! `file_description` and `file_lang` describe the first. Rows with the same
//! kind and title (or id) are one record with the files of all of them.

use serde_json::{Map, Value, json};

use super::{Items, Rejection, jsonl};

const LISTS: [&str; 5] = ["keywords", "authors", "aliases", "broader", "related"];

pub fn parse(file: &str, text: &str) -> (Items, Vec<Rejection>) {
    let mut items: Items = Vec::new();
    let mut rejected = Vec::new();
    let reject = |line: Option<usize>, reason: String| Rejection {
        file: file.to_owned(),
        line,
        reason,
    };
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_owned()).collect(),
        Err(e) => {
            rejected.push(reject(Some(1), format!("unreadable header row: {e}")));
            return (items, rejected);
        }
    };
    if !headers.iter().any(|h| h == "kind") {
        rejected.push(reject(
            Some(1),
            "the header row must name a `kind` column (and `title`, or `name` for partners)".into(),
        ));
        return (items, rejected);
    }
    // (kind, id or title) → position in `items`.
    let mut seen: Vec<(String, usize)> = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                rejected.push(reject(line, format!("unreadable row: {e}")));
                continue;
            }
        };
        let line = row.position().map(|p| p.line() as usize);
        let object = match row_object(&headers, &row) {
            Ok(o) => o,
            Err(reason) => {
                rejected.push(reject(line, reason));
                continue;
            }
        };
        let key = format!(
            "{}\u{1f}{}",
            object
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            ["id", "title", "name", "label"]
                .iter()
                .find_map(|k| object.get(*k).and_then(Value::as_str))
                .unwrap_or_default()
        );
        match jsonl::parse_object(object) {
            Ok(item) => match seen.iter().find(|(k, _)| *k == key) {
                Some((_, at)) => {
                    let more = item.record.meta.attachments;
                    items[*at].1.record.meta.attachments.extend(more);
                }
                None => {
                    seen.push((key, items.len()));
                    items.push((line, item));
                }
            },
            Err(reason) => rejected.push(reject(line, reason)),
        }
    }
    (items, rejected)
}

/// One row as a JSON Lines object.
fn row_object(headers: &[String], row: &::csv::StringRecord) -> Result<Map<String, Value>, String> {
    let mut object = Map::new();
    let mut files: Vec<Value> = Vec::new();
    let mut described = Map::new();
    for (header, cell) in headers.iter().zip(row.iter()) {
        let cell = cell.trim();
        if cell.is_empty() || header.is_empty() {
            continue;
        }
        let value = match header.as_str() {
            "file" | "files" => {
                files.extend(list(cell).map(|p| json!({ "path": p })));
                continue;
            }
            "file_title" | "file_description" | "file_lang" => {
                let field = header.trim_start_matches("file_");
                described.insert(field.to_owned(), Value::String(cell.to_owned()));
                continue;
            }
            _ if cell.starts_with(['{', '[']) => {
                serde_json::from_str(cell).map_err(|e| format!("{header}: not valid JSON: {e}"))?
            }
            h if LISTS.contains(&h) => Value::Array(list(cell).map(Value::from).collect()),
            "partners" => Value::Array(list(cell).map(partner).collect()),
            // `Lyon (FR) | Quartier des Tanneurs (FR) ; 45.76, 4.83`.
            "places" => Value::Array(
                cell.split('|')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|line| {
                        let place = crate::places::read_line(line)
                            .map_err(|_| format!("places: {line:?} has unreadable coordinates"))?;
                        serde_json::to_value(place).map_err(|e| e.to_string())
                    })
                    .collect::<Result<_, String>>()?,
            ),
            "period" => period(cell).ok_or_else(|| {
                format!("period: {cell:?} is not a year or two years (2006-2007)")
            })?,
            "amount" => match cell.replace([' ', '\u{a0}', '\u{202f}'], "").parse::<f64>() {
                Ok(v) => json!({ "value": v }),
                Err(_) => return Err(format!("amount: {cell:?} is not a number")),
            },
            _ => Value::String(cell.to_owned()),
        };
        object.insert(header.clone(), value);
    }
    if let Some(Value::Object(first)) = files.first_mut() {
        first.extend(described);
    } else if !described.is_empty() {
        return Err("file_title, file_description or file_lang without a file".into());
    }
    if !files.is_empty() {
        object.insert("attachments".into(), Value::Array(files));
    }
    Ok(object)
}

fn list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// `RITIMO` or `RITIMO (pilot)`.
fn partner(cell: &str) -> Value {
    match cell.strip_suffix(')').and_then(|c| c.rsplit_once('(')) {
        Some((name, role)) => json!({ "name": name.trim(), "role": role.trim() }),
        None => json!({ "name": cell }),
    }
}

fn period(cell: &str) -> Option<Value> {
    let year = |s: &str| s.trim().parse::<i64>().ok();
    let (start, end) = match cell.split_once(['-', '–']) {
        Some((a, b)) => (year(a)?, year(b)?),
        None => (year(cell)?, year(cell)?),
    };
    Some(json!({ "start": start, "end": end }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_records_and_repeated_rows_share_one() {
        let text = "kind,title,keywords,partners,period,file,file_title\n\
            action,Forum,démocratie; ville,RITIMO (pilot); Cités,2006-2007,a.pdf,Rapport\n\
            action,Forum,,,,b.odt,\n\
            method,Carte,,,,c.pdf;d.pdf,\n";
        let (items, bad) = parse("metadata.csv", text);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(items.len(), 2);
        let forum = &items[0].1.record;
        let files: Vec<_> = forum
            .meta
            .attachments
            .iter()
            .map(|a| a.path.clone())
            .collect();
        assert_eq!(files, vec![Some("a.pdf".into()), Some("b.odt".into())]);
        assert_eq!(forum.meta.attachments[0].title, "Rapport");
        assert_eq!(forum.keywords(), ["démocratie", "ville"]);
        assert_eq!(forum.partner_refs()[0].role, "pilot");
        assert_eq!(items[1].1.record.meta.attachments.len(), 2);
    }

    #[test]
    fn places_read_as_the_actions_export_writes_them() {
        let text = "kind,title,places\n\
            action,Forum,\"Lyon (FR) | Friche (FR) ; 45.76, 4.83\"\n\
            action,Autre,Ici ; nord\n";
        let (items, bad) = parse("m.csv", text);
        assert_eq!(bad.len(), 1, "{bad:?}");
        let places = items[0].1.record.places();
        assert_eq!(places.len(), 2);
        assert_eq!(
            (places[0].name.as_str(), places[0].coordinates()),
            ("Lyon", None)
        );
        assert_eq!(places[1].coordinates(), Some((45.76, 4.83)));
    }

    #[test]
    fn bad_rows_are_named_by_line() {
        let (items, bad) = parse("m.csv", "kind,title,period\naction,A,deux mille\npoem,B,\n");
        assert!(items.is_empty());
        assert_eq!(bad.len(), 2);
        assert_eq!(bad[0].line, Some(2));
        assert!(bad[0].reason.contains("period"));
        assert!(bad[1].reason.contains("unknown kind"));
        let (_, bad) = parse("m.csv", "title\nA\n");
        assert!(bad[0].reason.contains("kind"));
    }
}

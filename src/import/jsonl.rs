//! The interchange format: JSON Lines, one record per line, tagged by `"kind"`.
//! Only `kind` and `title` (`name` for partners) are required; the rest takes
//! defaults: a new id and slug, `fr`, `published`, now.

use crate::model::{self, Meta, Record, Status};

use super::Item;

/// Reads one line into an import item, or says what is wrong with it.
pub fn parse_line(line: &str) -> Result<Item, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let serde_json::Value::Object(object) = value else {
        return Err("a line must hold one JSON object".into());
    };
    parse_object(object)
}

/// Reads one interchange object into an import item: the same reading for a
/// JSON Lines line, a spreadsheet row and a Markdown file's front matter.
pub fn parse_object(
    mut object: serde_json::Map<String, serde_json::Value>,
) -> Result<Item, String> {
    match object.get("kind") {
        None => return Err("missing field `kind`".into()),
        Some(serde_json::Value::String(k)) if model::Kind::parse(k).is_some() => {}
        Some(other) => {
            return Err(format!(
                "unknown kind {other} (expected one of partner, action, method, resource)"
            ));
        }
    }
    // Files written before the resource's address was `web_address` say `url`.
    model::legacy::take_resource_url(&mut object).map_err(|e| e.to_string())?;
    let (meta, body) = model::split_meta(object);
    let body: model::Body = serde_json::from_value(body.into()).map_err(|e| e.to_string())?;
    let mut record = Record::new(body);
    apply_meta(&mut record.meta, meta)?;
    Ok(Item {
        record,
        merge_partner: false,
    })
}

/// Optional common fields of an interchange line.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MetaLine {
    id: Option<String>,
    slug: Option<String>,
    lang: Option<String>,
    status: Option<Status>,
    created: Option<chrono::DateTime<chrono::Utc>>,
    updated: Option<chrono::DateTime<chrono::Utc>>,
    owner: Option<String>,
    /// Written by older exports; the store numbers revisions itself.
    #[allow(dead_code)]
    revision: Option<u64>,
    /// Files, each by `path` (relative to the JSON Lines file) or by the
    /// `file` hash of a file this base already holds.
    attachments: Option<Vec<model::Attachment>>,
}

fn apply_meta(
    meta: &mut Meta,
    fields: serde_json::Map<String, serde_json::Value>,
) -> Result<(), String> {
    let line: MetaLine = serde_json::from_value(fields.into()).map_err(|e| e.to_string())?;
    if let Some(id) = line.id {
        meta.id = id;
    }
    if let Some(slug) = line.slug {
        meta.slug = slug;
    }
    if let Some(lang) = line.lang {
        meta.lang = lang;
    }
    if let Some(status) = line.status {
        meta.status = status;
    }
    if let Some(created) = line.created {
        meta.created = created;
        meta.updated = created;
    }
    if let Some(updated) = line.updated {
        meta.updated = updated;
    }
    if let Some(owner) = line.owner {
        meta.owner = owner;
    }
    if let Some(attachments) = line.attachments {
        meta.attachments = attachments;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_what_is_wrong() {
        let err = |line: &str| parse_line(line).err().unwrap_or_default();
        assert!(err("{not json").starts_with("invalid JSON"));
        assert!(err("[1]").contains("one JSON object"));
        assert!(err(r#"{"title":"x"}"#).contains("missing field `kind`"));
        assert!(err(r#"{"kind":"poem","title":"x"}"#).contains("unknown kind"));
        assert!(err(r#"{"kind":"action"}"#).contains("missing field `title`"));
        assert!(err(r#"{"kind":"action","title":"x","sumary":"y"}"#).contains("sumary"));
        assert!(err(r#"{"kind":"action","title":"x","status":"done"}"#).contains("done"));
    }

    #[test]
    fn an_older_file_naming_a_resource_address_url_is_read() {
        let item = parse_line(
            r#"{"kind":"resource","title":"Carto-Commune","url":"https://cartocommune.example.org/"}"#,
        )
        .expect("line");
        let model::Body::Resource(r) = &item.record.body else {
            panic!("a resource");
        };
        assert_eq!(r.web_address, "https://cartocommune.example.org/");
        let err = parse_line(r#"{"kind":"resource","title":"T","url":"carto.example.org"}"#)
            .expect_err("not an address");
        assert!(err.starts_with("url: "), "{err}");
        assert!(
            parse_line(r#"{"kind":"method","title":"T","url":"https://a.org"}"#)
                .expect_err("no such field")
                .contains("url")
        );
    }

    #[test]
    fn defaults_fill_the_rest() {
        let item = parse_line(r#"{"kind":"partner","name":"RITIMO"}"#).expect("line");
        assert_eq!(item.record.meta.lang, "fr");
        assert_eq!(item.record.meta.status, Status::Published);
        assert!(item.record.meta.id.is_empty());
    }
}

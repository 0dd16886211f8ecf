//! Reading data written before a resource's web address had a name of its own.
//!
//! Up to store format 1 a resource kept its web address under `url`, the very
//! name the JSON API gave to the path of a record's page. The two overwrote each
//! other: an address sent to the API was dropped as a server field, and a record
//! read from the API and sent back lost its address. The address is now
//! `web_address` and the page path `page_path`, but stores, JSON Lines files and
//! scripts from before still say `url`: this module reads them.

use serde_json::{Map, Value};

use super::{FieldError, is_web_address};

/// The older name of a resource's web address.
pub const OLD_NAME: &str = "url";
/// Its name now.
pub const NAME: &str = "web_address";

fn is_resource(object: &Map<String, Value>) -> bool {
    object.get("kind").and_then(Value::as_str) == Some("resource")
}

/// Renames a stored resource's `url` to `web_address`; true if it changed.
///
/// A store only ever kept a resource's own address under `url`, so the value
/// moves whatever it holds. Should a record somehow carry both names, it is left
/// as it is: decoding it then fails with a message naming the record, rather
/// than one of the two values being dropped without a word.
pub fn upgrade_stored(object: &mut Map<String, Value>) -> bool {
    if !is_resource(object) || object.contains_key(NAME) {
        return false;
    }
    match object.remove(OLD_NAME) {
        Some(value) => {
            object.insert(NAME.to_owned(), value);
            true
        }
        None => false,
    }
}

/// Reads the `url` of a resource that comes from outside (a JSON Lines line, an
/// API request body) and removes it from `object`.
///
/// An absolute http(s) address is the resource's web address, as older files and
/// scripts wrote it. A path starting with `/` is the page path older versions of
/// the API wrote beside every record, sent back unchanged: it is ignored, as the
/// API always ignored it. Anything else is refused, naming the field, rather than
/// guessed at. Other kinds are left alone.
pub fn take_resource_url(object: &mut Map<String, Value>) -> Result<(), FieldError> {
    if !is_resource(object) {
        return Ok(());
    }
    let refuse = |message: String| FieldError {
        field: OLD_NAME.to_owned(),
        message,
    };
    let url = match object.remove(OLD_NAME) {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::String(url)) => url,
        Some(other) => {
            return Err(refuse(format!(
                "{other} is not a string; a resource's web address goes in `{NAME}`"
            )));
        }
    };
    if url.trim().is_empty() || (url.starts_with('/') && !url.starts_with("//")) {
        return Ok(());
    }
    if !is_web_address(&url) {
        return Err(refuse(format!(
            "{url:?} is neither a web address (http:// or https://) nor a page path; a resource's web address goes in `{NAME}`"
        )));
    }
    match object.get(NAME) {
        None | Some(Value::Null) => {
            object.insert(NAME.to_owned(), Value::String(url));
        }
        Some(Value::String(current)) if current.is_empty() => {
            object.insert(NAME.to_owned(), Value::String(url));
        }
        Some(Value::String(current)) if *current == url => {}
        Some(current) => {
            return Err(refuse(format!(
                "{url:?} differs from `{NAME}` {current}: send the address once, as `{NAME}`"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).expect("object")
    }

    #[test]
    fn a_stored_resource_keeps_its_address_under_the_new_name() {
        let mut old =
            object(r#"{"kind":"resource","title":"Carto","url":"https://c.example.org/"}"#);
        assert!(upgrade_stored(&mut old));
        assert_eq!(old[NAME], "https://c.example.org/");
        assert!(!old.contains_key(OLD_NAME));
        assert!(!upgrade_stored(&mut old), "upgrading twice changes nothing");

        let mut partner = object(r#"{"kind":"partner","name":"P","url":"x"}"#);
        assert!(!upgrade_stored(&mut partner));
        assert!(partner.contains_key(OLD_NAME));

        let mut both = object(r#"{"kind":"resource","title":"T","url":"a","web_address":"b"}"#);
        assert!(!upgrade_stored(&mut both), "never drops one of two values");
    }

    #[test]
    fn an_old_url_from_outside_is_read_or_refused_by_name() {
        let read = |json: &str| {
            let mut o = object(json);
            take_resource_url(&mut o).map(|()| o)
        };
        let web = read(r#"{"kind":"resource","title":"T","url":"https://c.example.org/"}"#)
            .expect("an address");
        assert_eq!(web[NAME], "https://c.example.org/");
        assert!(!web.contains_key(OLD_NAME));

        let same = read(
            r#"{"kind":"resource","title":"T","url":"http://a.org","web_address":"http://a.org"}"#,
        )
        .expect("the same address twice");
        assert_eq!(same[NAME], "http://a.org");

        let page = read(
            r#"{"kind":"resource","title":"T","url":"/resource/t","web_address":"https://a.org"}"#,
        )
        .expect("a page path");
        assert_eq!(page[NAME], "https://a.org");
        assert!(!page.contains_key(OLD_NAME));

        for bad in [
            r#"{"kind":"resource","title":"T","url":"www.example.org"}"#,
            r#"{"kind":"resource","title":"T","url":"//example.org"}"#,
            r#"{"kind":"resource","title":"T","url":3}"#,
            r#"{"kind":"resource","title":"T","url":"https://a.org","web_address":"https://b.org"}"#,
        ] {
            let err = read(bad).expect_err(bad);
            assert_eq!(err.field, OLD_NAME, "{bad}");
            assert!(err.message.contains(NAME), "{}", err.message);
        }

        let other =
            read(r#"{"kind":"method","title":"T","url":"https://a.org"}"#).expect("other kinds");
        assert!(other.contains_key(OLD_NAME), "left to the kind's own rules");
    }
}

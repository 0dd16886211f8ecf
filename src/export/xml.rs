//! Small helpers for the XML documents Savoirs writes (Atom feeds, the sitemap,
//! the OpenSearch description) with quick-xml, which escapes markup but leaves
//! alone characters that XML 1.0 forbids outright.

use std::borrow::Cow;
use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

/// `text` without the characters XML 1.0 does not allow anywhere (control
/// characters other than tab and line breaks, U+FFFE, U+FFFF): a record holding
/// one would otherwise make the whole document unreadable to a strict parser.
pub fn clean(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|c| allowed(*c)).collect())
    }
}

/// A writer with the XML declaration already written.
pub fn document() -> std::io::Result<Writer<Vec<u8>>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    Ok(w)
}

/// `<name>text</name>`, the text escaped.
pub fn text_element<W: Write>(w: &mut Writer<W>, name: &str, text: &str) -> std::io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&clean(text)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_dropped_and_markup_escaped() {
        assert_eq!(clean("a\u{0}b\u{1b}c\td\u{FFFF}"), "abc\td");
        let mut w = document().expect("declaration");
        text_element(&mut w, "title", "<b> & \"x\"\u{8}").expect("element");
        let xml = String::from_utf8(w.into_inner()).expect("utf-8");
        assert!(
            xml.contains("<title>&lt;b&gt; &amp; &quot;x&quot;</title>"),
            "{xml}"
        );
    }
}

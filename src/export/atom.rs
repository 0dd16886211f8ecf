//! Atom feeds (RFC 4287): the feed and its entries as plain values, written as XML
//! with quick-xml. Every URL given here must already be absolute; texts are
//! written as `type="text"`, escaped.

use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::Writer;

use super::xml::{clean, document, text_element};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

pub struct Feed {
    /// A permanent, absolute IRI naming the feed.
    pub id: String,
    pub title: String,
    /// When the feed last changed: its newest entry.
    pub updated: DateTime<Utc>,
    /// The feed's own address (`rel="self"`).
    pub self_url: String,
    /// The page the feed follows (`rel="alternate"`).
    pub page_url: String,
    /// Who the feed is by, for entries that name nobody.
    pub author: String,
    /// The feed's language (`fr` …).
    pub lang: String,
    pub entries: Vec<Entry>,
}

pub struct Entry {
    /// A permanent, absolute IRI naming the entry.
    pub id: String,
    pub title: String,
    pub updated: DateTime<Utc>,
    pub published: Option<DateTime<Utc>>,
    /// The page the entry is about.
    pub url: String,
    pub author: Option<String>,
    /// Plain text.
    pub summary: String,
    pub categories: Vec<String>,
    /// Language of the entry's text (the record's), when it may differ from the
    /// feed's.
    pub lang: Option<String>,
}

fn date(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn link<W: std::io::Write>(
    w: &mut Writer<W>,
    rel: &str,
    kind: &str,
    href: &str,
) -> std::io::Result<()> {
    w.create_element("link")
        .with_attribute(("rel", rel))
        .with_attribute(("type", kind))
        .with_attribute(("href", clean(href).as_ref()))
        .write_empty()?;
    Ok(())
}

fn author<W: std::io::Write>(w: &mut Writer<W>, name: &str) -> std::io::Result<()> {
    w.create_element("author")
        .write_inner_content(|w| text_element(w, "name", name))?;
    Ok(())
}

/// The feed as an XML document.
pub fn write(feed: &Feed) -> std::io::Result<Vec<u8>> {
    let mut w = document()?;
    w.create_element("feed")
        .with_attribute(("xmlns", ATOM_NS))
        .with_attribute(("xml:lang", feed.lang.as_str()))
        .write_inner_content(|w| {
            text_element(w, "id", &feed.id)?;
            text_element(w, "title", &feed.title)?;
            text_element(w, "updated", &date(&feed.updated))?;
            link(w, "self", "application/atom+xml", &feed.self_url)?;
            link(w, "alternate", "text/html", &feed.page_url)?;
            author(w, &feed.author)?;
            text_element(w, "generator", "Savoirs")?;
            for entry in &feed.entries {
                let mut element = w.create_element("entry");
                if let Some(lang) = &entry.lang {
                    element = element.with_attribute(("xml:lang", lang.as_str()));
                }
                element.write_inner_content(|w| {
                    text_element(w, "id", &entry.id)?;
                    text_element(w, "title", &entry.title)?;
                    text_element(w, "updated", &date(&entry.updated))?;
                    if let Some(published) = &entry.published {
                        text_element(w, "published", &date(published))?;
                    }
                    link(w, "alternate", "text/html", &entry.url)?;
                    if let Some(name) = &entry.author {
                        author(w, name)?;
                    }
                    for term in &entry.categories {
                        w.create_element("category")
                            .with_attribute(("term", clean(term).as_ref()))
                            .write_empty()?;
                    }
                    if !entry.summary.is_empty() {
                        w.create_element("summary")
                            .with_attribute(("type", "text"))
                            .write_text_content(quick_xml::events::BytesText::new(&clean(
                                &entry.summary,
                            )))?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

//! Atom feeds: the site's recent changes, a partner's records, a concept's records
//! and any search's newest matches. Feed readers come without a session, so every
//! feed shows what an anonymous reader may see — published records — whoever asks.
//! Entries are named by the record's id (`…/action/ID`, which redirects to its
//! current address), so a renamed record stays the same entry.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use savoirs_index::{SearchRequest, Sort};
use savoirs_templates::i18n::{t, tf};
use savoirs_templates::{Lang, routes};

use super::params::SearchParams;
use super::public::Address;
use super::records::find;
use super::{AppError, AppState, Routes, Viewer};
use crate::export::atom::{self, Entry, Feed};
use crate::model::{Body, Kind, Record};
use crate::store::Reader;

pub fn routes(r: &mut Routes) {
    r.get(routes::CHANGES_FEED, changes);
    r.get(routes::SEARCH_FEED, search);
    r.get("/{kind}/{slug}/feed", record_feed);
}

/// Entries per feed: readers poll often, so the newest few are enough.
const ENTRIES: usize = 50;
/// A summary longer than this is cut at a word.
const SUMMARY_CHARS: usize = 600;

// Feed titles, shown by feed readers and in the `<link>` of the pages that have a
// feed; kept together so that they read alike.

/// The recent changes feed, as (path, title).
pub fn changes_link(lang: Lang) -> (String, String) {
    (
        routes::CHANGES_FEED.to_owned(),
        t(lang, "feed.changes").to_owned(),
    )
}

/// A partner's or a concept's feed, as (path, title); other records have none.
pub fn record_link(record: &Record, lang: Lang) -> Option<(String, String)> {
    // Feeds show what anonymous readers see: an unpublished partner or concept
    // has no feed to offer.
    if record.meta.status != crate::model::Status::Published {
        return None;
    }
    let title = match &record.body {
        Body::Partner(p) => tf(lang, "feed.partner", &[("name", &p.label())]),
        Body::Concept(c) => tf(lang, "feed.concept", &[("label", &c.label)]),
        _ => return None,
    };
    let path = routes::record_page(record.kind().as_str(), &record.meta.slug, "feed");
    Some((path, title))
}

/// A search's words and filters: what its feed and its canonical address keep.
pub fn search_params(params: &SearchParams) -> Vec<(String, String)> {
    let mut out = vec![("q".to_owned(), params.q.clone())];
    out.extend(params.filters());
    out
}

fn pairs(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// A search's feed, as (path, title).
pub fn search_link(params: &SearchParams, lang: Lang) -> (String, String) {
    let all = search_params(params);
    let path = routes::search_like(routes::SEARCH_FEED, &pairs(&all));
    let words = params.q.trim();
    let title = if words.is_empty() {
        t(lang, "feed.new").to_owned()
    } else {
        tf(lang, "feed.search", &[("words", &words)])
    };
    (path, title)
}

/// The feed as a response.
fn respond(feed: &Feed) -> Result<Response, AppError> {
    let body = atom::write(feed).map_err(|e| AppError::Internal(format!("writing a feed: {e}")))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}

/// A feed is as new as its newest entry; an empty one, as the moment it is read.
fn newest(entries: &[Entry]) -> DateTime<Utc> {
    entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(crate::model::now)
}

/// A feed around `entries`, named by `self_path`.
fn feed(
    lang: Lang,
    address: &Address,
    title: String,
    self_path: &str,
    page_path: &str,
    entries: Vec<Entry>,
) -> Feed {
    Feed {
        id: address.url(self_path),
        title,
        updated: newest(&entries),
        self_url: address.url(self_path),
        page_url: address.url(page_path),
        author: "Savoirs".to_owned(),
        lang: lang.code().to_owned(),
        entries,
    }
}

/// The Markdown a record would be summed up by, as plain text, cut at a word.
fn summary(record: &Record) -> String {
    let markdown = match &record.body {
        Body::Action(a) => &a.summary,
        Body::Method(m) if !m.summary.trim().is_empty() => &m.summary,
        Body::Method(m) => &m.body,
        Body::Resource(r) => &r.description,
        Body::Partner(p) => &p.description,
        Body::Concept(c) => &c.scope_note,
    };
    let text = plain_text(markdown);
    if text.chars().count() <= SUMMARY_CHARS {
        return text;
    }
    let cut: String = text.chars().take(SUMMARY_CHARS).collect();
    let cut = cut
        .rsplit_once(char::is_whitespace)
        .map_or(cut.as_str(), |(head, _)| head);
    format!("{} …", cut.trim_end())
}

/// Markdown as plain text: the words, paragraphs separated by a blank line, no
/// markup (a feed's `type="text"` summary shows it as is).
fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                out.push_str("\n\n")
            }
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// A record as an entry: named by its id, dated by its last change.
fn record_entry(record: &Record, address: &Address) -> Entry {
    Entry {
        id: address.url(&routes::record(record.kind().as_str(), &record.meta.id)),
        title: record.title().to_owned(),
        updated: record.meta.updated,
        published: Some(record.meta.created),
        url: address.url(&record.url()),
        author: None,
        summary: summary(record),
        categories: record.keywords().to_vec(),
        lang: Some(record.meta.lang.clone()),
    }
}

/// The records of `ids`, as the store has them, if an anonymous reader may see
/// them (the index already filtered; the store is the truth).
fn visible_records(reader: &Reader, ids: &[String]) -> Result<Vec<Record>, AppError> {
    let anonymous = Viewer::default();
    let mut out = Vec::new();
    for id in ids {
        if let Some(record) = reader.get(id)?
            && anonymous.can_view(&record)
        {
            out.push(record);
        }
    }
    Ok(out)
}

/// Recent changes, site-wide: one entry per changed record, named by its
/// revision, so that each change is new to a feed reader.
async fn changes(State(state): State<AppState>, address: Address) -> Result<Response, AppError> {
    // Feed readers ask in their own language too: titles follow it.
    let lang = super::lang::current();
    let feed = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let anonymous = Viewer::default();
            let mut entries = Vec::new();
            for id in reader.recently_changed(ENTRIES * 3)? {
                let Some(record) = reader.get(&id)? else {
                    continue;
                };
                if !anonymous.can_view(&record) {
                    continue;
                }
                let Some(last) = reader.revisions(&id)?.pop() else {
                    continue;
                };
                let (kind, slug) = (record.kind().as_str(), record.meta.slug.as_str());
                let n = last.number;
                // The first revision is the record itself; a later one, its change.
                let url = if n <= 1 {
                    record.url()
                } else {
                    format!(
                        "{}?from={}&to={n}",
                        routes::record_page(kind, slug, "diff"),
                        n - 1
                    )
                };
                let mut what = tf(lang, "feed.revision", &[("n", &n)]);
                if !last.message.trim().is_empty() {
                    what.push_str(" : ");
                    what.push_str(last.message.trim());
                }
                let text = summary(&record);
                let mut entry = record_entry(&record, &address);
                entry.id = address.url(&format!(
                    "{}?to={n}",
                    routes::record_page(kind, &record.meta.id, "diff")
                ));
                entry.updated = last.time;
                entry.url = address.url(&url);
                entry.author = Some(last.author).filter(|a| !a.trim().is_empty());
                entry.summary = if text.is_empty() {
                    what
                } else {
                    format!("{what}\n\n{text}")
                };
                entries.push(entry);
                if entries.len() == ENTRIES {
                    break;
                }
            }
            let (path, title) = changes_link(lang);
            Ok(feed(lang, &address, title, &path, routes::CHANGES, entries))
        })
        .await?;
    respond(&feed)
}

/// A partner's records (those that name it) or a concept's (those tagged with it
/// or a narrower concept), newest first.
async fn record_feed(
    State(state): State<AppState>,
    address: Address,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if !matches!(Kind::parse(&kind), Some(Kind::Partner | Kind::Concept)) {
        return Err(AppError::NotFound);
    }
    let lang = super::lang::current();
    let feed = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let (record, _) =
                find(&reader, &Viewer::default(), &kind, &slug)?.ok_or(AppError::NotFound)?;
            let mut records = match &record.body {
                Body::Partner(_) => {
                    let id = &record.meta.id;
                    let anonymous = Viewer::default();
                    reader
                        .backlinks(id)?
                        .into_iter()
                        .filter(|r| {
                            anonymous.can_view(r) && r.partner_refs().iter().any(|l| &l.id == id)
                        })
                        .collect()
                }
                Body::Concept(c) => {
                    // The index knows which records carry the concept or a narrower
                    // one, as the concept's page lists them.
                    let tagged = s.index.search(&SearchRequest {
                        keywords: vec![c.label.clone()],
                        statuses: Viewer::default().visibility().0,
                        sort: Sort::Newest,
                        limit: ENTRIES,
                        ..SearchRequest::default()
                    })?;
                    let ids: Vec<String> = tagged.hits.into_iter().map(|h| h.id).collect();
                    visible_records(&reader, &ids)?
                }
                _ => Vec::new(),
            };
            records.sort_by_key(|r: &Record| std::cmp::Reverse(r.meta.updated));
            records.truncate(ENTRIES);
            let entries = records.iter().map(|r| record_entry(r, &address)).collect();
            let (path, title) = record_link(&record, lang).ok_or(AppError::NotFound)?;
            let mut feed = feed(lang, &address, title, &path, &record.url(), entries);
            // Named by the record's id, which outlives its slug.
            feed.id = address.url(&routes::record_page(
                record.kind().as_str(),
                &record.meta.id,
                "feed",
            ));
            Ok(feed)
        })
        .await?;
    respond(&feed)
}

/// A search's newest matches: the same words and filters as the results page,
/// sorted by date rather than relevance. Odd syntax is searched as plain words, as
/// on the results page.
async fn search(
    State(state): State<AppState>,
    address: Address,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let params = SearchParams::parse(query.as_deref())?;
    let mut request = params.request(&Viewer::default());
    request.sort = Sort::Newest;
    request.offset = 0;
    request.limit = ENTRIES;
    let lang = super::lang::current();
    let (path, title) = search_link(&params, lang);
    let page = routes::search(&pairs(&search_params(&params)));
    let feed = state
        .blocking(move |s| {
            let results = s.index.search(&request)?;
            let ids: Vec<String> = results.hits.into_iter().map(|h| h.id).collect();
            let reader = s.store.read()?;
            let entries = visible_records(&reader, &ids)?
                .iter()
                .map(|r| record_entry(r, &address))
                .collect();
            Ok(feed(lang, &address, title, &path, &page, entries))
        })
        .await?;
    respond(&feed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_plain_text_cut_at_a_word() {
        assert_eq!(
            plain_text("## Étapes\n\n- **un** [lien](https://example.org)\n- deux"),
            "Étapes\n\nun lien\n\ndeux"
        );
        let mut record = Record::new(Body::Method(crate::model::Method {
            title: "M".into(),
            summary: "mot ".repeat(400),
            ..Default::default()
        }));
        record.meta.id = "m1".into();
        let s = summary(&record);
        assert!(s.ends_with("mot …"), "{s}");
        assert!(s.chars().count() <= SUMMARY_CHARS + 2);
    }
}

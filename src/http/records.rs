//! Record pages (`/action/…`, `/method/…`, `/resource/…`, `/partner/…`) and the
//! helpful 404 page.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use savoirs_index::SearchIndex;
use savoirs_index::SearchRequest;
use savoirs_templates::i18n::t;
use savoirs_templates::views::{
    ConceptBlock, DocumentView, LinkedPartner, NotFoundView, PartnerTools, RecordLink, RecordTools,
    Section,
};
use savoirs_templates::{format, routes};

use super::auth::chrome;
use super::{AppError, AppState, Routes, Viewer};
use crate::model::{Body, Kind, Record, Status, TRANSLATION};
use crate::store::{Reader, StoreError};
use savoirs_templates::Lang;
use std::collections::BTreeMap;

pub fn routes(r: &mut Routes) {
    r.get("/{kind}/{slug}", record);
}

/// The record a `/{kind}/{slug}` address names, by current or former slug or by
/// id, if the viewer may see it. The second value is true when the address is not
/// the record's current one.
pub fn find(
    reader: &Reader,
    viewer: &Viewer,
    kind: &str,
    slug: &str,
) -> Result<Option<(Record, bool)>, AppError> {
    let Some(kind) = Kind::parse(kind) else {
        return Ok(None);
    };
    let mut id = match reader.id_by_slug(kind, slug)? {
        Some(id) => id,
        None => slug.to_owned(),
    };
    // A record merged into another answers with the survivor.
    for _ in 0..8 {
        match reader.moved_to(&id)? {
            Some(next) if reader.get(&id)?.is_none() => id = next,
            _ => break,
        }
    }
    Ok(reader
        .get(&id)?
        .filter(|r| r.kind() == kind && viewer.can_view(r))
        .map(|r| {
            let moved = r.meta.slug != slug;
            (r, moved)
        }))
}

enum Found {
    /// The page, rendered.
    Page(String),
    Moved(String),
    /// A concept as RDF, for a program that asked for it.
    Data(Response),
}

async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let rdf_capable = kind == "concept";
    let rdf = super::thesaurus::negotiated(&headers).filter(|_| rdf_capable);
    // `?linked=ID` after a link was made: the page offers to undo it.
    let linked = super::forms::FormData::parse(query.unwrap_or_default().as_bytes())
        .get("linked")
        .to_owned();
    let missing = format!("{kind} {slug}");
    let mut chrome = chrome(&viewer);
    let who = viewer.clone();
    let found = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            // Anything but the current slug answers with a permanent redirect to it.
            Ok(match (find(&reader, &who, &kind, &slug)?, rdf) {
                (None, _) => None,
                // A concept's IRI (`/concept/ID`) answers programs itself.
                (Some((record, _)), Some(syntax)) => {
                    let origin = chrome.head.origin.clone();
                    Some(Found::Data(super::thesaurus::concept(
                        s, &who, &record, &origin, syntax,
                    )?))
                }
                (Some((record, true)), None) => Some(Found::Moved(record.url())),
                (Some((record, false)), None) => {
                    chrome.head.canonical = record.url();
                    chrome.head.feed = super::feeds::record_link(&record, who.lang);
                    // Rendered here too, off the async threads: Markdown sections
                    // are the longest work a page does.
                    let described =
                        crate::export::dc::describe(&record, &reader, &|r| who.can_view(r))?;
                    let url = format!("{}{}", chrome.head.origin, record.url());
                    chrome.head.meta = crate::export::dc::meta_tags(&described, &url);
                    let json_ld =
                        crate::export::dc::json_ld(&record, &described, &chrome.head.origin);
                    chrome.head.json_ld = Some(json_ld.to_string());
                    let mut view = document_view(&record, &reader, &s.index, &who)?;
                    view.discussion = Some(super::discussion::discussion_view(s, &record, &who)?);
                    if who.flash == Some("flash.linked") && !linked.is_empty() {
                        view.undo_link = reader
                            .get(&linked)?
                            .filter(|r| who.can_edit(r))
                            .map(|r| (format!("{}/unlink", record.url()), r.meta.id));
                    }
                    let page = view.render(&chrome).into_string();
                    Some(Found::Page(page))
                }
            })
        })
        .await?;
    let mut response = match found {
        Some(Found::Page(page)) => Html(page).into_response(),
        Some(Found::Data(response)) => response,
        // 301 rather than 308: this is a GET, and every client knows 301.
        Some(Found::Moved(url)) => {
            (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, url)]).into_response()
        }
        None => return Ok(not_found_for(&state, &viewer, &missing).await),
    };
    if rdf_capable {
        // A concept's address answers RDF to programs that ask for it.
        response
            .headers_mut()
            .insert(header::VARY, header::HeaderValue::from_static("Accept"));
    }
    Ok(response)
}

/// Keywords as `lang` says them, for those the thesaurus has a label for in
/// that language: the interface shows them so, and searches by the keyword as
/// stored. Keywords without a concept, or without that label, are left out.
pub(super) fn keyword_labels<'k>(
    reader: &Reader,
    lang: Lang,
    keywords: impl IntoIterator<Item = &'k str>,
) -> Result<BTreeMap<String, String>, StoreError> {
    let mut labels = BTreeMap::new();
    for keyword in keywords {
        if labels.contains_key(keyword) {
            continue;
        }
        let Some(id) = reader.concept_by_label(keyword)? else {
            continue;
        };
        let Some(concept) = reader.get(&id)? else {
            continue;
        };
        // A draft concept's labels are not public.
        if concept.meta.status != Status::Published {
            continue;
        }
        if let Body::Concept(c) = &concept.body {
            let label = if concept.meta.lang == lang.code() {
                Some(&c.label)
            } else {
                c.labels.get(lang.code())
            };
            if let Some(label) = label.filter(|l| !l.trim().is_empty() && *l != keyword) {
                labels.insert(keyword.to_owned(), label.clone());
            }
        }
    }
    Ok(labels)
}

/// What the viewer may do with a record, as the page shows it.
fn tools(record: &Record, viewer: &Viewer) -> RecordTools {
    let (kind, slug) = (record.kind().as_str(), record.meta.slug.as_str());
    let lang = viewer.lang;
    let transitions = [
        (Status::Proposed, t(lang, "transition.propose")),
        (Status::Published, t(lang, "transition.publish")),
        (Status::Draft, t(lang, "transition.draft")),
        (Status::Archived, t(lang, "transition.archive")),
    ]
    .into_iter()
    .filter(|(to, _)| viewer.can_move(record, *to))
    .map(|(to, label)| (to.as_str().to_owned(), label.to_owned()))
    .collect();
    RecordTools {
        edit_url: viewer
            .can_edit(record)
            .then(|| routes::record_page(kind, slug, "edit")),
        history_url: routes::record_page(kind, slug, "history"),
        status_url: routes::record_page(kind, slug, "status"),
        markdown_url: routes::record_page(kind, slug, "markdown"),
        feed_url: super::feeds::record_link(record, viewer.lang).map(|(path, _)| path),
        transitions,
        restore_url: viewer
            .can_edit(record)
            .then(|| routes::record_page(kind, slug, "restore")),
    }
}

fn link(record: &Record) -> RecordLink {
    RecordLink {
        kind: record.kind().as_str().to_owned(),
        title: record.title().to_owned(),
        url: record.url(),
    }
}

fn section(heading: &str, markdown: &str) -> Section {
    Section {
        heading: heading.to_owned(),
        markdown: markdown.to_owned(),
    }
}

/// A record's page, rendered: its content and its discussion, with a comment
/// the viewer wrote shown again with what was wrong with it (`draft`).
pub(super) fn record_page(
    s: &AppState,
    reader: &Reader,
    record: &Record,
    viewer: &Viewer,
    chrome: &savoirs_templates::Chrome,
    draft: Option<(String, String)>,
) -> Result<String, AppError> {
    let mut view = document_view(record, reader, &s.index, viewer)?;
    let mut discussion = super::discussion::discussion_view(s, record, viewer)?;
    if let Some((text, error)) = draft {
        discussion.draft = text;
        discussion.error = Some(error);
    }
    view.discussion = Some(discussion);
    Ok(view.render(chrome).into_string())
}

/// Builds a record's page from the store.
fn document_view(
    record: &Record,
    reader: &Reader,
    index: &SearchIndex,
    viewer: &Viewer,
) -> Result<DocumentView, AppError> {
    let mut partners = Vec::new();
    for link in record.partner_refs() {
        if let Some(p) = reader.get(&link.id)?
            && let Body::Partner(body) = &p.body
            && viewer.can_view(&p)
        {
            partners.push(LinkedPartner {
                label: body.label().to_owned(),
                name: body.name.clone(),
                url: p.url(),
                role: link.role.clone(),
                description: body.description.clone(),
            });
        }
    }
    // Typed links, shown on both ends: forward under the relation's name,
    // backward under its inverse. Translations, a symmetric link, are listed
    // apart, each with its language.
    let lang = viewer.lang;
    let mut groups: Vec<(String, Vec<RecordLink>)> = Vec::new();
    let mut translations: Vec<(String, RecordLink)> = Vec::new();
    let mut translated: Vec<String> = vec![record.meta.id.clone()];
    let mut add = |relation: &str, backward: bool, r: &Record| {
        if relation == TRANSLATION {
            if !translated.contains(&r.meta.id) {
                translated.push(r.meta.id.clone());
                translations.push((r.meta.lang.clone(), link(r)));
            }
            return;
        }
        let label = format::relation_label(lang, relation, backward);
        match groups.iter_mut().find(|(l, _)| l == label) {
            Some((_, links)) => links.push(link(r)),
            None => groups.push((label.to_owned(), vec![link(r)])),
        }
    };
    for relation in record.relations() {
        if let Some(r) = reader.get(&relation.id)?.filter(|r| viewer.can_view(r)) {
            add(&relation.relation, false, &r);
        }
    }
    let mut backlinks = Vec::new();
    for source in reader.backlinks(&record.meta.id)? {
        if !viewer.can_view(&source) {
            continue;
        }
        if let Some(l) = source
            .partner_refs()
            .iter()
            .find(|l| l.id == record.meta.id)
        {
            backlinks.push((link(&source), l.role.clone()));
        }
        if let Some(rel) = source.relations().iter().find(|r| r.id == record.meta.id) {
            add(&rel.relation, true, &source);
        }
    }
    backlinks.sort_by(|a, b| a.0.title.cmp(&b.0.title));
    let related = groups;
    // Translations of a translation are translations too: an English and a
    // Spanish version that both name the French original find each other.
    let direct: Vec<String> = translated[1..].to_vec();
    for id in direct {
        for other in translations_of(reader, &id)? {
            if !translated.contains(&other.meta.id) && viewer.can_view(&other) {
                translated.push(other.meta.id.clone());
                translations.push((other.meta.lang.clone(), link(&other)));
            }
        }
    }
    translations.sort_by(|a, b| a.0.cmp(&b.0));

    let mut view = DocumentView {
        kind: record.kind().as_str().to_owned(),
        title: record.title().to_owned(),
        lang: record.meta.lang.clone(),
        status: record.meta.status.as_str().to_owned(),
        archive: String::new(),
        period: None,
        facts: Vec::new(),
        link: None,
        partners,
        sections: Vec::new(),
        keywords: record.keywords().to_vec(),
        keyword_labels: keyword_labels(
            reader,
            viewer.lang,
            record.keywords().iter().map(String::as_str),
        )?,
        related,
        translations,
        backlinks,
        revision: record.meta.revision,
        updated: record.meta.updated.format("%d/%m/%Y").to_string(),
        search_within: None,
        tools: tools(record, viewer),
        partner_tools: None,
        concept: None,
        discussion: None,
        undo_link: None,
        attachments: super::files::rows(reader, record, viewer)?,
        places: record.places().iter().map(|p| p.name.clone()).collect(),
        attachments_url: viewer
            .can_edit(record)
            .then(|| format!("{}/attachments", record.url())),
    };
    match &record.body {
        Body::Action(a) => {
            view.archive = a.archive.clone();
            view.period = a.period.map(|p| (p.start.into(), p.end.into()));
            view.facts = vec![
                (t(lang, "field.referent").into(), a.referent.clone()),
                (t(lang, "field.pilot").into(), a.pilot.clone()),
                (
                    t(lang, "field.amount").into(),
                    a.amount
                        .as_ref()
                        .map(|m| format::amount_in(lang, m.minor, &m.currency))
                        .unwrap_or_default(),
                ),
            ];
            view.sections = vec![
                section(t(lang, "field.summary"), &a.summary),
                section(t(lang, "field.synthesis"), &a.synthesis),
                section(t(lang, "field.strategy"), &a.strategy),
                section(t(lang, "field.history"), &a.history),
                section(t(lang, "field.presentation"), &a.presentation),
            ];
        }
        Body::Method(m) => {
            view.facts = vec![
                (t(lang, "field.authors").into(), m.authors.join(", ")),
                (t(lang, "field.source").into(), m.source.clone()),
                (t(lang, "field.date").into(), m.date.clone()),
            ];
            view.facts.retain(|(_, v)| !v.is_empty());
            view.sections = vec![
                section(t(lang, "field.summary"), &m.summary),
                section("", &m.body),
            ];
        }
        Body::Resource(r) => {
            if !r.resource_type.is_empty() {
                view.facts.push((
                    t(lang, "field.type").into(),
                    format::resource_type_label(lang, &r.resource_type).into(),
                ));
            }
            if !r.web_address.is_empty() {
                view.link = Some((t(lang, "field.web_address").into(), r.web_address.clone()));
            }
            view.sections = vec![section(t(lang, "field.description"), &r.description)];
        }
        Body::Partner(p) => {
            if !p.acronym.is_empty() {
                view.title = format!("{} ({})", p.name, p.acronym);
                view.facts
                    .push((t(lang, "field.acronym").into(), p.acronym.clone()));
            }
            if !p.aliases.is_empty() {
                view.facts
                    .push((t(lang, "field.aliases").into(), p.aliases.join(" ; ")));
            }
            if !p.partner_type.is_empty() {
                view.facts.push((
                    t(lang, "field.type").into(),
                    format::partner_type_label(lang, &p.partner_type).into(),
                ));
            }
            if !p.country.is_empty() {
                view.facts
                    .push((t(lang, "field.country").into(), p.country.clone()));
            }
            if !p.website.is_empty() {
                view.link = Some((t(lang, "field.website").into(), p.website.clone()));
            }
            view.sections = vec![section(t(lang, "field.presentation"), &p.description)];
            view.search_within = Some(p.label().to_owned());
            if viewer.user.is_some() {
                let (mut resources, mut partners) = (Vec::new(), Vec::new());
                for r in reader.all(None)? {
                    match &r.body {
                        Body::Resource(res) if viewer.can_edit(&r) => {
                            resources.push(res.title.clone())
                        }
                        Body::Partner(other)
                            if r.meta.id != record.meta.id && viewer.can_view(&r) =>
                        {
                            partners.push(other.label().to_owned());
                        }
                        _ => {}
                    }
                }
                resources.sort();
                partners.sort();
                let slug = &record.meta.slug;
                view.partner_tools = Some(PartnerTools {
                    link_url: routes::record_page("partner", slug, "link"),
                    resource_titles: resources,
                    new_resource_url: routes::search_like(
                        &routes::new_record("resource"),
                        &[("partner", p.label()), ("role", "user")],
                    ),
                    merge_url: viewer
                        .is_editor()
                        .then(|| routes::record_page("partner", slug, "merge")),
                    partner_names: partners,
                });
            }
        }
        Body::Concept(c) => {
            view.sections = vec![section(t(lang, "field.scope_note"), &c.scope_note)];
            view.concept = Some(concept_block(record, c, reader, index, viewer)?);
        }
    }
    Ok(view)
}

/// Labels, broader, narrower and related concepts, and the records tagged with
/// the concept or a narrower one (through the keyword facet, which counts them).
fn concept_block(
    record: &Record,
    c: &crate::model::Concept,
    reader: &Reader,
    index: &SearchIndex,
    viewer: &Viewer,
) -> Result<ConceptBlock, AppError> {
    let mut labels = Vec::new();
    for lang in crate::model::LANGS {
        let pref = if lang == record.meta.lang {
            c.label.clone()
        } else {
            c.labels.get(lang).cloned().unwrap_or_default()
        };
        let alts = c.alt_labels.get(lang).cloned().unwrap_or_default();
        if !pref.is_empty() || !alts.is_empty() {
            labels.push((lang.to_owned(), pref, alts));
        }
    }
    // Concepts the viewer may not see are left out, as if they did not exist.
    let concepts = |ids: &[String]| -> Result<Vec<RecordLink>, AppError> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(r) = reader.get(id)?.filter(|r| viewer.can_view(r)) {
                out.push(link(&r));
            }
        }
        Ok(out)
    };
    let (mut narrower, mut related) = (Vec::new(), concepts(&c.related)?);
    for source in reader.backlinks(&record.meta.id)? {
        if !viewer.can_view(&source) {
            continue;
        }
        if let Body::Concept(other) = &source.body {
            if other.broader.contains(&record.meta.id) {
                narrower.push(link(&source));
            } else if other.related.contains(&record.meta.id)
                && !c.related.contains(&source.meta.id)
            {
                related.push(link(&source));
            }
        }
    }
    narrower.sort_by(|a, b| a.title.cmp(&b.title));
    let (statuses, owner) = viewer.visibility();
    let tagged = index.search(&SearchRequest {
        keywords: vec![c.label.clone()],
        statuses,
        owner,
        sort: savoirs_index::Sort::Title,
        limit: 20,
        ..SearchRequest::default()
    })?;
    Ok(ConceptBlock {
        labels,
        broader: concepts(&c.broader)?,
        narrower,
        related,
        tagged_total: tagged.total,
        tagged: tagged
            .hits
            .into_iter()
            .map(|h| RecordLink {
                kind: h.kind,
                title: h.title,
                url: h.url,
            })
            .collect(),
        tagged_url: routes::search(&[("keyword", &c.label)]),
        delete_url: viewer
            .is_editor()
            .then(|| routes::record_page("concept", &record.meta.slug, "delete")),
    })
}

/// The records `id` names as its translations, or that name it as theirs.
fn translations_of(reader: &Reader, id: &str) -> Result<Vec<Record>, AppError> {
    let mut out = Vec::new();
    if let Some(record) = reader.get(id)? {
        for r in record
            .relations()
            .iter()
            .filter(|r| r.relation == TRANSLATION)
        {
            out.extend(reader.get(&r.id)?);
        }
    }
    for source in reader.backlinks(id)? {
        if source
            .relations()
            .iter()
            .any(|r| r.id == id && r.relation == TRANSLATION)
        {
            out.push(source);
        }
    }
    Ok(out)
}

/// Fallback for every unknown path.
pub async fn not_found(State(state): State<AppState>, viewer: Viewer, uri: Uri) -> Response {
    not_found_for(&state, &viewer, uri.path()).await
}

/// A 404 page that offers a search built from the words of the missing address,
/// and the titles that match them best.
pub async fn not_found_for(state: &AppState, viewer: &Viewer, path: &str) -> Response {
    let words: String = path
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 2 && Kind::parse(w).is_none())
        .take(12)
        .collect::<Vec<_>>()
        .join(" ");
    let query = words.clone();
    let (statuses, owner) = viewer.visibility();
    let similar = state
        .blocking(move |s| {
            if query.is_empty() {
                return Ok(Vec::new());
            }
            let results = s.index.search(&SearchRequest {
                text: query,
                statuses,
                owner,
                limit: 5,
                ..SearchRequest::default()
            })?;
            Ok(results
                .hits
                .into_iter()
                .map(|h| RecordLink {
                    kind: h.kind,
                    title: h.title,
                    url: h.url,
                })
                .collect())
        })
        .await
        .unwrap_or_default();
    let view = NotFoundView { words, similar };
    // A missing page has no canonical address.
    let mut chrome = chrome(viewer);
    chrome.head.canonical.clear();
    (
        StatusCode::NOT_FOUND,
        Html(view.render(&chrome).into_string()),
    )
        .into_response()
}

//! The thesaurus on the web as SKOS: `/thesaurus.ttl` and `/thesaurus.rdf`
//! publish the concept scheme; a concept's page answers Turtle or RDF/XML to a
//! program whose `Accept` header prefers them; editors import a SKOS file from
//! the thesaurus page, after a preview of what it would add and change.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use savoirs_templates::i18n::t;
use savoirs_templates::routes;
use savoirs_templates::views::RecordLink;
use savoirs_templates::views::thesaurus::SkosPreviewView;

use super::auth::{chrome, require_login};
use super::flash::{Flash, redirect};
use super::public::Address;
use super::{AppError, AppState, Routes, Viewer};
use crate::export::skos::{self, Syntax};
use crate::import::skos::Plan;
use crate::model::{Kind, Record};
use crate::store::Author;

pub fn routes(r: &mut Routes) {
    r.get(routes::THESAURUS_TURTLE, turtle);
    r.get(routes::THESAURUS_RDF_XML, rdf_xml);
    r.upload(routes::THESAURUS_IMPORT, import);
}

/// The syntax the `Accept` header prefers to HTML, if it prefers one: the
/// offer with the highest `q`, HTML winning ties (browsers list many types).
pub fn negotiated(headers: &HeaderMap) -> Option<Syntax> {
    let accept = headers.get(header::ACCEPT)?.to_str().ok()?;
    let mut best: Option<(f32, Option<Syntax>)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let offer = match media.as_str() {
            "text/turtle" | "application/x-turtle" => Some(Syntax::Turtle),
            "application/rdf+xml" => Some(Syntax::RdfXml),
            "text/html" | "application/xhtml+xml" => None,
            _ => continue,
        };
        let better = match &best {
            None => true,
            Some((b, held)) => q > *b || (q == *b && held.is_some() && offer.is_none()),
        };
        if q > 0.0 && better {
            best = Some((q, offer));
        }
    }
    best.and_then(|(_, offer)| offer)
}

fn rdf(syntax: Syntax, body: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(syntax.media_type()),
            ),
            // The same address answers HTML to browsers.
            (header::VARY, HeaderValue::from_static("Accept")),
        ],
        body,
    )
        .into_response()
}

/// The concepts the viewer may see.
pub(super) fn concepts(state: &AppState, viewer: &Viewer) -> Result<Vec<Record>, AppError> {
    Ok(state
        .store
        .read()?
        .all(Some(Kind::Concept))?
        .into_iter()
        .filter(|r| viewer.can_view(r))
        .collect())
}

fn written(triples: &[oxrdf::Triple], syntax: Syntax) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::new();
    skos::write_triples(triples, syntax, &mut out)
        .map_err(|e| AppError::Internal(format!("writing SKOS: {e}")))?;
    Ok(out)
}

async fn scheme(
    state: AppState,
    viewer: Viewer,
    address: Address,
    syntax: Syntax,
) -> Result<Response, AppError> {
    let body = state
        .blocking(move |s| {
            let triples = skos::triples(&concepts(s, &viewer)?, Some(&address.origin));
            written(&triples, syntax)
        })
        .await?;
    Ok(rdf(syntax, body))
}

async fn turtle(
    State(state): State<AppState>,
    viewer: Viewer,
    address: Address,
) -> Result<Response, AppError> {
    scheme(state, viewer, address, Syntax::Turtle).await
}

async fn rdf_xml(
    State(state): State<AppState>,
    viewer: Viewer,
    address: Address,
) -> Result<Response, AppError> {
    scheme(state, viewer, address, Syntax::RdfXml).await
}

/// One concept as RDF: the triples whose subject it is.
pub fn concept(
    state: &AppState,
    viewer: &Viewer,
    record: &Record,
    origin: &str,
    syntax: Syntax,
) -> Result<Response, AppError> {
    let iri = skos::iri(record, Some(origin));
    let triples: Vec<oxrdf::Triple> = skos::triples(&concepts(state, viewer)?, Some(origin))
        .into_iter()
        .filter(
            |t| matches!(&t.subject, oxrdf::NamedOrBlankNode::NamedNode(n) if n.as_str() == iri),
        )
        .collect();
    Ok(rdf(syntax, written(&triples, syntax)?))
}

/// Largest thesaurus imported from the web page, in bytes.
const MAX_WEB_THESAURUS: usize = 8 * 1024 * 1024;

/// What the import form sent: a file, or (to confirm) the text previewed.
#[derive(Default)]
struct Sent {
    name: String,
    bytes: Vec<u8>,
    confirm: bool,
}

async fn read_form(multipart: Result<Multipart, MultipartRejection>) -> Result<Sent, AppError> {
    let mut multipart = multipart.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let bad = |e: axum::extract::multipart::MultipartError| AppError::BadRequest(e.body_text());
    let mut sent = Sent::default();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => {
                if let Some(name) = field.file_name() {
                    sent.name = crate::model::clean_file_name(name);
                }
                sent.bytes = field.bytes().await.map_err(bad)?.to_vec();
            }
            "text" => sent.bytes = field.bytes().await.map_err(bad)?.to_vec(),
            "name" => sent.name = crate::model::clean_file_name(&field.text().await.map_err(bad)?),
            "confirm" => sent.confirm = field.text().await.map_err(bad)? == "yes",
            _ => {}
        }
    }
    if sent.name.is_empty() {
        sent.name = "thesaurus.ttl".into();
    }
    Ok(sent)
}

/// Previews a SKOS file (what it would add, change and leave alone), or, once
/// confirmed, imports it. Editors only.
async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    address: Address,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    require_login(&viewer, routes::THESAURUS)?;
    let lang = viewer.lang;
    if !viewer.is_editor() {
        return Err(AppError::Forbidden(
            t(lang, "links.thesaurus_editors_only").into(),
        ));
    }
    let sent = read_form(multipart).await?;
    let preview = |error: &str| SkosPreviewView {
        file_name: sent.name.clone(),
        text: String::new(),
        added: Vec::new(),
        changed: Vec::new(),
        kept: Vec::new(),
        rejected: Vec::new(),
        error: Some(error.to_owned()),
    };
    let refused = |view: SkosPreviewView| {
        let page = view.render(&chrome(&viewer)).into_string();
        Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response())
    };
    if sent.bytes.is_empty() {
        return refused(preview(t(lang, "skos.no_file")));
    }
    // The preview sends the file back with the confirmation, inside the page:
    // a thesaurus larger than this is imported from the command line.
    if sent.bytes.len() > MAX_WEB_THESAURUS {
        return refused(preview(t(lang, "skos.too_large")));
    }
    let Ok(text) = String::from_utf8(sent.bytes.clone()) else {
        return refused(preview(t(lang, "skos.bad_file")));
    };
    let who = viewer.clone();
    let name = sent.name.clone();
    let confirm = sent.confirm;
    let outcome = state
        .blocking(move |s| {
            let (parsed, rejected) = crate::import::skos::parse(&name, &text);
            let mut items: Vec<_> = parsed.into_iter().map(|item| (None, item)).collect();
            let reader = s.store.read()?;
            let plans = crate::import::skos::plan(&reader, &mut items, Some(&address.origin))?;
            let mut view = SkosPreviewView {
                file_name: name.clone(),
                text: String::new(),
                added: Vec::new(),
                changed: Vec::new(),
                kept: Vec::new(),
                rejected: rejected.iter().map(ToString::to_string).collect(),
                error: None,
            };
            let link = |item: &crate::import::Item| RecordLink {
                title: item.record.title().to_owned(),
                url: format!("/concept/{}", item.record.meta.slug),
                kind: "concept".into(),
            };
            for ((_, item), plan) in items.iter().zip(&plans) {
                match plan {
                    Plan::Add => view.added.push(item.record.title().to_owned()),
                    Plan::Change(what) => view.changed.push((link(item), what.clone())),
                    Plan::Keep => view.kept.push(link(item)),
                }
            }
            if !confirm {
                view.text = text;
                return Ok(Some(view));
            }
            let changing = items
                .into_iter()
                .zip(&plans)
                .filter(|(_, plan)| **plan != Plan::Keep)
                .map(|(item, _)| item);
            let author = Author {
                name: who.name().unwrap_or("editor"),
                message: "Import SKOS",
            };
            let report = crate::import::save(&s.store, &name, changing, &author, |_| {}, |_| {})?;
            if let Err(e) = s.indexer.make_searchable() {
                // Saved in the store; the background indexer retries.
                tracing::error!("indexing the imported thesaurus failed, will retry: {e}");
                s.indexer.wake();
            }
            if report.rejected.is_empty() {
                return Ok(None);
            }
            // Some concepts were refused: say which, on a page that shows
            // what the file would still change.
            view.rejected
                .extend(report.rejected.iter().map(ToString::to_string));
            view.error = Some(t(who.lang, "skos.partly").to_owned());
            Ok(Some(view))
        })
        .await?;
    match outcome {
        None => Ok(redirect(routes::THESAURUS, Flash::SkosImported)),
        Some(view) => Ok(Html(view.render(&chrome(&viewer)).into_string()).into_response()),
    }
}

//! How browsers and crawlers find their way: the OpenSearch description (so a
//! browser can add Savoirs as a search engine), completions in the OpenSearch
//! suggestions format for its search bar, and the sitemap of published records.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use savoirs_templates::i18n::t;
use savoirs_templates::routes;

use super::params::SearchParams;
use super::public::Address;
use super::{AppError, AppState, Routes, Viewer};
use crate::export::xml::{document, text_element};

pub fn routes(r: &mut Routes) {
    r.get(routes::OPENSEARCH, opensearch);
    r.get(routes::OPENSEARCH_SUGGEST, suggest);
    r.get(routes::SITEMAP, sitemap);
}

/// A sitemap file may list at most this many addresses; past it, the most recently
/// changed records are listed.
const SITEMAP_URLS: usize = 50_000;

fn xml(content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

fn written(result: std::io::Result<Vec<u8>>) -> Result<Vec<u8>, AppError> {
    result.map_err(|e| AppError::Internal(format!("writing XML: {e}")))
}

/// The OpenSearch 1.1 description: results as HTML, completions, and the search
/// feed, each as a URL template.
async fn opensearch(address: Address) -> Result<Response, AppError> {
    let lang = super::lang::current();
    let template = |path: &str| address.url(&format!("{path}?q={{searchTerms}}"));
    let body = written((|| -> std::io::Result<Vec<u8>> {
        let mut w = document()?;
        w.create_element("OpenSearchDescription")
            .with_attribute(("xmlns", "http://a9.com/-/spec/opensearch/1.1/"))
            .write_inner_content(|w| {
                text_element(w, "ShortName", "Savoirs")?;
                text_element(w, "Description", t(lang, "opensearch.description"))?;
                text_element(w, "InputEncoding", "UTF-8")?;
                // Records are in French, English or Spanish.
                text_element(w, "Language", "*")?;
                for (kind, path) in [
                    ("text/html", routes::SEARCH),
                    ("application/x-suggestions+json", routes::OPENSEARCH_SUGGEST),
                    ("application/atom+xml", routes::SEARCH_FEED),
                ] {
                    w.create_element("Url")
                        .with_attribute(("type", kind))
                        .with_attribute(("method", "get"))
                        .with_attribute(("template", template(path).as_str()))
                        .write_empty()?;
                }
                w.create_element("Url")
                    .with_attribute(("type", "application/opensearchdescription+xml"))
                    .with_attribute(("rel", "self"))
                    .with_attribute(("template", address.url(routes::OPENSEARCH).as_str()))
                    .write_empty()?;
                Ok(())
            })?;
        Ok(w.into_inner())
    })())?;
    Ok(xml(
        "application/opensearchdescription+xml; charset=utf-8",
        body,
    ))
}

/// Completions as OpenSearch suggestions, `["rit", ["Réseau … (RITIMO)", …]]`: the
/// same as `/api/v1/suggest`, in the shape browsers read.
async fn suggest(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let params = SearchParams::parse(query.as_deref())?;
    let request = params.request(&viewer);
    let text = params.q.clone();
    let completions = state
        .blocking(move |s| Ok(s.index.complete(&text, &request, 8)?))
        .await?;
    let labels: Vec<String> = completions.into_iter().map(|c| c.label).collect();
    let body = serde_json::to_vec(&serde_json::json!([params.q, labels]))
        .map_err(|e| AppError::Internal(format!("writing suggestions: {e}")))?;
    Ok(xml("application/x-suggestions+json; charset=utf-8", body))
}

/// The home page and every published record, with when it last changed.
async fn sitemap(State(state): State<AppState>, address: Address) -> Result<Response, AppError> {
    let body = state
        .blocking(move |s| {
            let anonymous = Viewer::default();
            let mut pages = Vec::new();
            s.store.read()?.for_each(|record| {
                if anonymous.can_view(&record) {
                    pages.push((record.meta.updated, record.url()));
                }
                Ok(())
            })?;
            pages.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            pages.truncate(SITEMAP_URLS - 1);
            let newest = pages.first().map(|(t, _)| *t);
            written((|| -> std::io::Result<Vec<u8>> {
                let mut w = document()?;
                w.create_element("urlset")
                    .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
                    .write_inner_content(|w| {
                        let home = newest.map(|t| (t, routes::HOME.to_owned()));
                        for (time, path) in home.iter().chain(&pages) {
                            w.create_element("url").write_inner_content(|w| {
                                text_element(w, "loc", &address.url(path))?;
                                text_element(
                                    w,
                                    "lastmod",
                                    &time.to_rfc3339_opts(SecondsFormat::Secs, true),
                                )
                            })?;
                        }
                        if newest.is_none() {
                            w.create_element("url").write_inner_content(|w| {
                                text_element(w, "loc", &address.url(routes::HOME))
                            })?;
                        }
                        Ok(())
                    })?;
                Ok(w.into_inner())
            })())
        })
        .await?;
    Ok(xml("application/xml; charset=utf-8", body))
}

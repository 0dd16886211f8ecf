//! The JSON API under `/api/v1`: the contract scripts rely on (see the README).

use axum::Json;
use axum::extract::{RawQuery, State};
use savoirs_index::{Facets, Period};
use savoirs_templates::routes;
use serde::Serialize;

use super::params::SearchParams;
use super::{ApiError, AppState, Routes, Viewer};

pub fn routes(r: &mut Routes) {
    r.get(routes::API_SEARCH, search);
    r.get(routes::API_SUGGEST, suggest);
    r.get("/api/v1/health", health);
}

#[derive(Serialize)]
struct SearchResponse {
    query: String,
    total: usize,
    page: usize,
    per_page: usize,
    hits: Vec<ApiHit>,
    facets: Facets,
    suggestion: Option<String>,
    /// Set when the query's syntax was not read as written (see `notice`).
    #[serde(skip_serializing_if = "Option::is_none")]
    notice: Option<String>,
    /// True when no record matched every word and the hits match only some.
    partial: bool,
    /// True when the query found nothing and the hits are those of `suggestion`.
    corrected: bool,
}

#[derive(Serialize)]
struct ApiHit {
    id: String,
    kind: String,
    title: String,
    url: String,
    snippet: String,
    score: f32,
    partners: Vec<String>,
    keywords: Vec<String>,
    period: Option<Period>,
    lang: String,
}

async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let params = SearchParams::parse(query.as_deref())?;
    let request = params.request(&viewer);
    let results = state
        .blocking(move |s| Ok(s.index.search(&request)?))
        .await?;
    Ok(Json(SearchResponse {
        query: params.q,
        total: results.total,
        page: params.page,
        per_page: params.per_page,
        hits: results
            .hits
            .into_iter()
            .map(|h| ApiHit {
                id: h.id,
                kind: h.kind,
                title: h.title,
                url: h.url,
                snippet: h.snippet,
                score: h.score,
                partners: h.partners,
                keywords: h.keywords,
                period: h.period,
                lang: h.lang,
            })
            .collect(),
        facets: results.facets,
        suggestion: results.suggestion,
        notice: results.notice,
        partial: results.partial,
        corrected: results.corrected,
    }))
}

#[derive(Serialize)]
struct SuggestResponse {
    query: String,
    suggestions: Vec<savoirs_index::Completion>,
}

/// Completions while typing: titles, partners and keywords by prefix.
async fn suggest(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> Result<Json<SuggestResponse>, ApiError> {
    let params = SearchParams::parse(query.as_deref())?;
    let request = params.request(&viewer);
    let text = params.q.clone();
    let mut suggestions = state
        .blocking(move |s| Ok(s.index.complete(&text, &request, 8)?))
        .await?;
    for s in &mut suggestions {
        if s.kind == "keyword" {
            s.url = routes::search(&[("keyword", &s.label)]);
        }
    }
    Ok(Json(SuggestResponse {
        query: params.q,
        suggestions,
    }))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    records: u64,
    indexed: u64,
}

/// Liveness and a glance at the data, for monitoring.
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let (records, indexed) = state
        .blocking(|s| Ok((s.store.read()?.count()?, s.index.num_docs())))
        .await?;
    Ok(Json(Health {
        status: "ok",
        records,
        indexed,
    }))
}

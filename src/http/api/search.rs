//! Searching through the API: results with facets, completions while typing, and a
//! health check for monitoring.

use axum::Json;
use axum::extract::{RawQuery, State};
use savoirs_templates::{Lang, routes};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::ApiViewer;
use crate::http::params::SearchParams;
use crate::http::{ApiError, AppState};
use crate::model::Status;

/// The parameters of `/api/v1/search` and `/api/v1/suggest`, as the OpenAPI
/// description shows them; [`SearchParams::parse`] reads them.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SearchQuery {
    /// Query text: words, "phrases", -excluded, OR, and filters such as
    /// `kind:action`, `partner:RITIMO`, `keyword:…`, `lang:fr`, `year:2005..2007`.
    q: Option<String>,
    /// Record kind; repeat to select several.
    #[param(inline, pattern = "^(partner|concept|action|method|resource)?$")]
    kind: Option<String>,
    /// Partner name or acronym; repeat to select several.
    partner: Option<String>,
    /// Thesaurus keyword (its narrower concepts included); repeat to select several.
    keyword: Option<String>,
    /// Record language.
    #[param(pattern = "^(fr|en|es)?$")]
    lang: Option<String>,
    /// A year, or a period such as `2005..2007` (at most 200 years).
    #[param(pattern = "^([0-9]{4}(\\.\\.[0-9]{4})?)?$")]
    year: Option<String>,
    /// Type of an attached file; repeat to select several.
    #[param(pattern = "^(pdf|odt|ods|odp|docx|xlsx|pptx|txt|md|html|csv|png|jpeg|webp)?$")]
    format: Option<String>,
    /// Name of a place (a city, a region); repeat to select several.
    place: Option<String>,
    /// Result order.
    #[param(pattern = "^(relevance|newest|oldest|title|amount)$")]
    sort: Option<String>,
    /// Page number, from 1 to 1000.
    #[param(minimum = 1, maximum = 1000)]
    page: Option<u32>,
    /// Hits per page, from 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    query: String,
    total: u64,
    page: u32,
    per_page: u32,
    hits: Vec<ApiHit>,
    facets: ApiFacets,
    /// A corrected query, when the words look misspelt.
    suggestion: Option<String>,
    /// Set when the query's syntax was not read as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    notice: Option<String>,
    /// True when no record matched every word and the hits match only some.
    partial: bool,
    /// With `partial`, for a short query: how many of its meaningful words the
    /// hits hold, the most any record holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    matched: Option<ApiMatched>,
    /// True when the query found nothing and the hits are those of `suggestion`.
    corrected: bool,
}

/// How many of the query's meaningful words the hits of a partial search hold.
#[derive(Serialize, ToSchema)]
pub struct ApiMatched {
    words: u32,
    of: u32,
}

#[derive(Serialize, ToSchema)]
pub struct ApiHit {
    id: String,
    kind: String,
    title: String,
    /// Path of the record's page.
    url: String,
    /// An excerpt in HTML: matches in `<mark>`, everything else escaped.
    snippet: String,
    score: f32,
    partners: Vec<String>,
    keywords: Vec<String>,
    period: Option<ApiPeriod>,
    lang: String,
    /// Set when the snippet comes from an attached file: its name, and the
    /// page when it has pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<ApiFileMatch>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiFileMatch {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiPeriod {
    start: i64,
    end: i64,
}

/// Counts per value of each facet, for the current query.
#[derive(Serialize, ToSchema)]
pub struct ApiFacets {
    kind: Vec<ApiFacetCount>,
    partner: Vec<ApiFacetCount>,
    keyword: Vec<ApiFacetCount>,
    year: Vec<ApiFacetCount>,
    lang: Vec<ApiFacetCount>,
    /// Types of attached files.
    format: Vec<ApiFacetCount>,
    /// Places of partners and actions.
    place: Vec<ApiFacetCount>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiFacetCount {
    value: String,
    count: u64,
}

fn counts(values: Vec<savoirs_index::FacetCount>) -> Vec<ApiFacetCount> {
    values
        .into_iter()
        .map(|c| ApiFacetCount {
            value: c.value,
            count: c.count,
        })
        .collect()
}

/// Full-text search with facets, over what the caller may see.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchQuery),
    security((), ("token" = [])),
    responses(
        (status = 200, description = "Hits, facets and suggestions", body = SearchResponse),
        (status = 400, description = "A parameter has a bad value", body = super::ErrorBody),
        (status = 401, description = "The API token is unknown or revoked", body = super::ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    // The API speaks English, whatever the caller's browser prefers.
    let params = SearchParams::parse_in(query.as_deref(), Lang::En)?;
    let request = params.request(&viewer);
    let results = state.search(request).await?;
    let f = results.facets;
    Ok(Json(SearchResponse {
        query: params.q,
        total: results.total as u64,
        page: params.page as u32,
        per_page: params.per_page as u32,
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
                period: h.period.map(|p| ApiPeriod {
                    start: p.start,
                    end: p.end,
                }),
                lang: h.lang,
                file: h.file.map(|f| ApiFileMatch {
                    file: f.file,
                    page: f.page,
                }),
            })
            .collect(),
        facets: ApiFacets {
            kind: counts(f.kind),
            partner: counts(f.partner),
            keyword: counts(f.keyword),
            year: counts(f.year),
            lang: counts(f.lang),
            format: counts(f.format),
            place: counts(f.place),
        },
        suggestion: results.suggestion,
        notice: results.notice,
        partial: results.partial,
        matched: results.matched.map(|(words, of)| ApiMatched {
            words: words as u32,
            of: of as u32,
        }),
        corrected: results.corrected,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct SuggestResponse {
    query: String,
    suggestions: Vec<ApiCompletion>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiCompletion {
    label: String,
    /// A record kind, or `keyword`.
    kind: String,
    /// Where choosing it leads: a record page, or a search by keyword.
    url: String,
}

/// Completions while typing: titles, partners and keywords by prefix.
#[utoipa::path(
    get,
    path = "/api/v1/suggest",
    tag = "search",
    params(SearchQuery),
    security((), ("token" = [])),
    responses(
        (status = 200, description = "Up to 8 completions", body = SuggestResponse),
        (status = 400, description = "A parameter has a bad value", body = super::ErrorBody),
        (status = 401, description = "The API token is unknown or revoked", body = super::ErrorBody),
    )
)]
pub async fn suggest(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    RawQuery(query): RawQuery,
) -> Result<Json<SuggestResponse>, ApiError> {
    // The API speaks English, whatever the caller's browser prefers.
    let params = SearchParams::parse_in(query.as_deref(), Lang::En)?;
    let request = params.request(&viewer);
    let text = params.q.clone();
    let found = state
        .blocking(move |s| Ok(s.index.complete(&text, &request, 8)?))
        .await?;
    let suggestions = found
        .into_iter()
        .map(|s| ApiCompletion {
            url: if s.kind == "keyword" {
                routes::search(&[("keyword", &s.label)])
            } else {
                s.url
            },
            label: s.label,
            kind: s.kind,
        })
        .collect();
    Ok(Json(SuggestResponse {
        query: params.q,
        suggestions,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    status: String,
    /// Published records (in the search index).
    published: u64,
    /// Records in the store, whatever their status; for editors only, since the
    /// difference with `published` counts the unpublished ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    records: Option<u64>,
    /// Documents in the search index; for editors only.
    #[serde(skip_serializing_if = "Option::is_none")]
    indexed: Option<u64>,
}

/// Liveness and a glance at the data, for monitoring.
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "server",
    responses((status = 200, description = "The server is up", body = Health))
)]
pub async fn health(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> Result<Json<Health>, ApiError> {
    let editor = viewer.is_editor();
    let health = state
        .blocking(move |s| {
            let published = s.index.count_status(Status::Published.as_str())?;
            let (records, indexed) = if editor {
                (Some(s.store.read()?.count()?), Some(s.index.num_docs()))
            } else {
                (None, None)
            };
            Ok(Health {
                status: "ok".into(),
                published,
                records,
                indexed,
            })
        })
        .await?;
    Ok(Json(health))
}

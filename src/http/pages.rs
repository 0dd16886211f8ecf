//! The home page and the results page.

use axum::extract::{RawQuery, State};
use axum::response::Html;
use savoirs_index::SearchRequest;
use savoirs_templates::routes;
use savoirs_templates::views::help::SearchHelpView;
use savoirs_templates::views::{FacetGroup, HomeView, RecordLink, ResultItem, SearchView};

use super::auth::chrome;
use super::params::SearchParams;
use super::{AppError, AppState, Routes, Viewer};
use crate::model::Kind;

pub fn routes(r: &mut Routes) {
    r.get(routes::HOME, home);
    r.get(routes::SEARCH, search);
    r.get(routes::SEARCH_HELP, search_help);
}

async fn search_help(viewer: Viewer) -> Html<String> {
    Html(SearchHelpView.render(&chrome(&viewer)).into_string())
}

const RECENT: usize = 8;

async fn home(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    let mut chrome = chrome(&viewer);
    chrome.head.feed = Some(super::feeds::changes_link());
    let view = state
        .blocking(move |s| {
            // Counts come from the index's kind facet, computed with the viewer's
            // visibility.
            let (statuses, owner) = viewer.visibility();
            let all = s.index.search(&SearchRequest {
                statuses,
                owner,
                limit: 1,
                ..SearchRequest::default()
            })?;
            let counts = Kind::ALL
                .iter()
                .map(|k| {
                    let n = all
                        .facets
                        .kind
                        .iter()
                        .find(|f| f.value == k.as_str())
                        .map_or(0, |f| f.count);
                    (k.as_str().to_owned(), n)
                })
                .collect();
            let reader = s.store.read()?;
            let mut recent = Vec::new();
            for id in reader.recently_changed(RECENT * 4)? {
                if let Some(r) = reader.get(&id)?
                    && viewer.can_view(&r)
                    && r.kind() != Kind::Partner
                {
                    recent.push(RecordLink {
                        kind: r.kind().as_str().to_owned(),
                        title: r.title().to_owned(),
                        url: r.url(),
                    });
                }
                if recent.len() == RECENT {
                    break;
                }
            }
            Ok(HomeView { counts, recent })
        })
        .await?;
    Ok(Html(view.render(&chrome).into_string()))
}

async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, AppError> {
    let params = SearchParams::parse(query.as_deref())?;
    let request = params.request(&viewer);
    let mut chrome = chrome(&viewer);
    chrome.head.canonical = canonical_search(&params);
    chrome.head.feed = Some(super::feeds::search_link(&params));
    let results = state
        .blocking(move |s| Ok(s.index.search(&request)?))
        .await?;
    let facet = |param, label, values: &[savoirs_index::FacetCount]| FacetGroup {
        param,
        label,
        values: values.iter().map(|f| (f.value.clone(), f.count)).collect(),
    };
    let f = &results.facets;
    let view = SearchView {
        query: params.q.clone(),
        filters: params.filters(),
        sort: params.sort.as_str().to_owned(),
        total: results.total,
        page: params.page,
        per_page: params.per_page,
        items: results
            .hits
            .iter()
            .map(|h| ResultItem {
                kind: h.kind.clone(),
                url: h.url.clone(),
                title_html: h.title_html.clone(),
                snippet_html: h.snippet.clone(),
                partners: h.partners.clone(),
                keywords: h.keywords.clone(),
                period: h.period.map(|p| (p.start, p.end)),
            })
            .collect(),
        facets: vec![
            facet("kind", "Type", &f.kind),
            facet("partner", "Partenaires", &f.partner),
            facet("keyword", "Mots-clés", &f.keyword),
            facet("year", "Années", &f.year),
            facet("lang", "Langue", &f.lang),
        ],
        partial: results.partial,
        notice: results.notice,
        suggestion: results.suggestion,
        corrected: results.corrected,
    };
    Ok(Html(view.render(&chrome).into_string()))
}

/// The results page's address with its parameters in one order, defaults left
/// out, so that one search has one canonical address.
fn canonical_search(params: &SearchParams) -> String {
    let mut all = super::feeds::search_params(params);
    if params.sort != savoirs_index::Sort::default() {
        all.push(("sort".into(), params.sort.as_str().into()));
    }
    if params.page > 1 {
        all.push(("page".into(), params.page.to_string()));
    }
    if params.per_page != super::params::DEFAULT_PER_PAGE {
        all.push(("per_page".into(), params.per_page.to_string()));
    }
    let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    routes::search(&pairs)
}

//! The home page and the results page.

use axum::extract::{RawQuery, State};
use axum::response::Html;
use savoirs_index::SearchRequest;
use savoirs_index::query::QueryNotice;
use savoirs_templates::i18n::{t, tf};
use savoirs_templates::views::help::SearchHelpView;
use savoirs_templates::views::{FacetGroup, HomeView, RecordLink, ResultItem, SearchView};
use savoirs_templates::{Lang, routes};

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
    chrome.head.feed = Some(super::feeds::changes_link(viewer.lang));
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
    let params = SearchParams::parse_in(query.as_deref(), viewer.lang)?;
    let request = params.request(&viewer);
    let mut chrome = chrome(&viewer);
    chrome.head.canonical = canonical_search(&params);
    chrome.head.feed = Some(super::feeds::search_link(&params, viewer.lang));
    let results = state.search(request).await?;
    let words: Vec<String> = results
        .hits
        .iter()
        .flat_map(|h| h.keywords.iter().cloned())
        .chain(results.facets.keyword.iter().map(|f| f.value.clone()))
        .collect();
    let lang = viewer.lang;
    let keyword_labels = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            Ok(super::records::keyword_labels(
                &reader,
                lang,
                words.iter().map(String::as_str),
            )?)
        })
        .await?;
    let facet = |param, values: &[savoirs_index::FacetCount]| FacetGroup {
        param,
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
                lang: h.lang.clone(),
                file: h.file.as_ref().map(|f| (f.file.clone(), f.page)),
            })
            .collect(),
        facets: vec![
            facet("kind", &f.kind),
            facet("partner", &f.partner),
            facet("keyword", &f.keyword),
            facet("year", &f.year),
            facet("lang", &f.lang),
            facet("format", &f.format),
            facet("place", &f.place),
        ],
        partial: results.partial,
        matched: results.matched,
        notice: notice_in(viewer.lang, &results.notices),
        keyword_labels,
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

/// What the query parser did with odd input, as one sentence in `lang`.
fn notice_in(lang: Lang, notices: &[QueryNotice]) -> Option<String> {
    if notices.is_empty() {
        return None;
    }
    let parts: Vec<String> = notices
        .iter()
        .map(|n| match n {
            QueryNotice::ControlCharacters => t(lang, "notice.control").to_owned(),
            QueryNotice::Truncated { max } => tf(lang, "notice.truncated", &[("max", max)]),
            QueryNotice::UnclosedQuote => t(lang, "notice.unclosed_quote").to_owned(),
            QueryNotice::LoneOr => t(lang, "notice.lone_or").to_owned(),
            QueryNotice::ExcludedFilter { field } => {
                tf(lang, "notice.excluded_filter", &[("field", field)])
            }
            QueryNotice::EmptyFilter { field } => {
                tf(lang, "notice.empty_filter", &[("field", field)])
            }
            QueryNotice::BadYear { value } => tf(lang, "notice.bad_year", &[("value", value)]),
            QueryNotice::LoneMinus => t(lang, "notice.lone_minus").to_owned(),
        })
        .collect();
    // French sets a space before a semicolon; English and Spanish do not.
    let separator = if lang == Lang::Fr { " ; " } else { "; " };
    let sentence = parts.join(separator);
    let mut chars = sentence.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().collect::<String>() + chars.as_str() + ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_notices_read_as_before_in_french() {
        let parsed = savoirs_index::query::parse("\"forum OR -");
        assert_eq!(notice_in(Lang::Fr, &parsed.notices), parsed.notice);
        let english = notice_in(Lang::En, &parsed.notices).unwrap_or_default();
        assert!(english.starts_with("A quote was not closed"), "{english}");
    }
}

//! The results page: hits with highlighted excerpts, facets beside them, pages.

use maud::{Markup, PreEscaped, html};

use crate::i18n::{Lang, split_at_placeholder, t, tf};
use crate::layout::{Chrome, Page};
use crate::{format, routes};

/// One hit, ready to show. `title_html` and `snippet_html` are HTML produced by the
/// index: escaped text with `<mark>` around matches.
pub struct ResultItem {
    pub kind: String,
    pub url: String,
    pub title_html: String,
    pub snippet_html: String,
    pub partners: Vec<String>,
    pub keywords: Vec<String>,
    pub period: Option<(i64, i64)>,
    /// The record's language (`fr`, `en`, `es`).
    pub lang: String,
    /// When the excerpt comes from an attached file: its name, and its page.
    pub file: Option<(String, Option<u32>)>,
}

/// One facet: its parameter name (which gives its heading) and values with
/// counts.
pub struct FacetGroup {
    pub param: &'static str,
    pub values: Vec<(String, u64)>,
}

pub struct SearchView {
    pub query: String,
    /// The current filters as (parameter, value), kept in every link.
    pub filters: Vec<(String, String)>,
    pub sort: String,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub items: Vec<ResultItem>,
    pub facets: Vec<FacetGroup>,
    pub partial: bool,
    /// With `partial`: the hits hold `k` of the query's `n` meaningful words.
    pub matched: Option<(usize, usize)>,
    pub notice: Option<String>,
    /// A corrected query to offer ("did you mean").
    pub suggestion: Option<String>,
    /// The hits are those of `suggestion`: the query itself found nothing.
    pub corrected: bool,
    /// Keywords (thesaurus labels) as the interface's language says them, where
    /// the thesaurus has that label; the others are shown as they are.
    pub keyword_labels: std::collections::BTreeMap<String, String>,
}

impl SearchView {
    /// A facet value as shown: keywords in the interface's language.
    fn value_label(&self, lang: Lang, param: &str, value: &str) -> String {
        match self.keyword_labels.get(value) {
            Some(label) if param == "keyword" => label.clone(),
            _ => facet_value_label(lang, param, value),
        }
    }

    fn url_with(&self, extra: &[(&str, &str)], page: Option<usize>) -> String {
        let mut params: Vec<(&str, &str)> = vec![("q", self.query.as_str())];
        for (k, v) in &self.filters {
            params.push((k, v));
        }
        if self.sort != "relevance" {
            params.push(("sort", &self.sort));
        }
        params.extend_from_slice(extra);
        let page_s = page.map(|p| p.to_string());
        if let Some(p) = &page_s {
            params.push(("page", p));
        }
        routes::search(&params)
    }

    /// The Atom feed of this search: same words and filters, newest first.
    fn feed_url(&self) -> String {
        let mut params: Vec<(&str, &str)> = vec![("q", self.query.as_str())];
        for (k, v) in &self.filters {
            params.push((k, v));
        }
        routes::search_like(routes::SEARCH_FEED, &params)
    }

    fn url_with_query(&self, q: &str) -> String {
        let mut params: Vec<(&str, &str)> = vec![("q", q)];
        for (k, v) in &self.filters {
            params.push((k, v));
        }
        routes::search(&params)
    }

    fn selected(&self, param: &str, value: &str) -> bool {
        self.filters.iter().any(|(k, v)| k == param && v == value)
    }

    /// The address of this search without the filter `param=value`: the query
    /// and every other filter, from pieces encoded once per page.
    fn without_filter(&self, encoded: &EncodedFilters, param: &str, value: &str) -> String {
        let mut url = encoded.base.clone();
        for ((k, v), piece) in self.filters.iter().zip(&encoded.pieces) {
            if !(k == param && v == value) {
                url.push_str(piece);
            }
        }
        url
    }

    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let encoded = EncodedFilters::new(self);
        let pages = self.total.div_ceil(self.per_page.max(1));
        let heading = if self.query.trim().is_empty() {
            t(lang, "search.all").to_owned()
        } else {
            tf(lang, "search.results_for", &[("query", &self.query.trim())])
        };
        let body = html! {
            h1 { (heading) }
            @if let Some(notice) = &self.notice {
                p.notice role="status" { (notice) " " a href=(routes::SEARCH_HELP) { (t(lang, "search_box.help")) } }
            }
            @if let Some(s) = &self.suggestion {
                p.suggestion role="status" {
                    @if self.corrected {
                        @let (before, after) = split_at_placeholder(t(lang, "search.corrected_results"), "suggestion");
                        (tf(lang, "search.corrected", &[("query", &self.query.trim())])) " "
                        (before) strong { (s) } (after)
                    } @else {
                        @let (before, after) = split_at_placeholder(t(lang, "search.did_you_mean"), "suggestion");
                        (before) a href=(self.url_with_query(s)) { (s) } (after)
                    }
                }
            }
            @if !self.filters.is_empty() {
                ul.active-filters aria-label=(t(lang, "search.active_filters")) {
                    @for (k, v) in &self.filters {
                        li { a href=(self.without_filter(&encoded, k, v)) title=(t(lang, "search.remove_filter")) { (filter_label(lang, k, v)) " ×" } }
                    }
                }
            }
            div.results-layout {
                section.results aria-label=(t(lang, "search.results")) {
                    p.total {
                        @match self.total {
                            0 => { (t(lang, "search.none")) }
                            1 => { (t(lang, "search.one")) }
                            n => { (tf(lang, "search.many", &[("count", &n)])) }
                        }
                        @if let Some((k, n)) = self.matched {
                            " — " (tf(lang, "search.partial_count", &[("matched", &k), ("words", &n)]))
                        } @else if self.partial {
                            " — " (t(lang, "search.partial"))
                        }
                    }
                    @if self.total == 0 {
                        p { (t(lang, "search.try_other")) }
                    }
                    p.alternates {
                        a href=(self.feed_url()) type="application/atom+xml" { (t(lang, "search.follow")) }
                        " (" (t(lang, "search.follow_note")) ")"
                    }
                    ol.hits start=(((self.page - 1) * self.per_page) + 1) {
                        @for item in &self.items {
                            li.hit {
                                @let item_lang = (!item.lang.is_empty() && item.lang != lang.code()).then_some(item.lang.as_str());
                                span.kind { (format::kind_label(lang, &item.kind)) }
                                @if let Some(other) = item_lang {
                                    " " span.record-lang { (format::lang_label(lang, other)) }
                                }
                                h2 lang=[item_lang] { a href=(item.url) hreflang=[item_lang] { (PreEscaped(&item.title_html)) } }
                                @if let Some((file, page)) = &item.file {
                                    p.in-file {
                                        @match page {
                                            Some(page) => (tf(lang, "search.in_file_page", &[("name", file), ("page", page)])),
                                            None => (tf(lang, "search.in_file", &[("name", file)])),
                                        }
                                    }
                                }
                                @if !item.snippet_html.is_empty() {
                                    p.snippet lang=[item_lang] { (PreEscaped(&item.snippet_html)) }
                                }
                                p.meta {
                                    @if let Some((s, e)) = item.period {
                                        span.period { (format::period(s, e)) }
                                    }
                                    @for p in &item.partners {
                                        " " a.partner href=(routes::search(&[("partner", p)])) { (p) }
                                    }
                                    @for k in &item.keywords {
                                        " " a.keyword href=(routes::search(&[("keyword", k)])) { (self.keyword_labels.get(k).unwrap_or(k)) }
                                    }
                                }
                            }
                        }
                    }
                    @if pages > 1 {
                        nav.pagination aria-label=(t(lang, "search.pages")) {
                            @if self.page > 1 {
                                a rel="prev" href=(self.url_with(&[], Some(self.page - 1))) { "← " (t(lang, "search.previous")) }
                            }
                            span { (tf(lang, "search.page_of", &[("page", &self.page), ("pages", &pages)])) }
                            @if self.page < pages {
                                a rel="next" href=(self.url_with(&[], Some(self.page + 1))) { (t(lang, "search.next")) " →" }
                            }
                        }
                    }
                }
                aside.facets aria-label=(t(lang, "search.refine")) {
                    form.sort action=(routes::SEARCH) method="get" {
                        input type="hidden" name="q" value=(self.query);
                        @for (k, v) in &self.filters {
                            input type="hidden" name=(k) value=(v);
                        }
                        label for="sort" { (t(lang, "search.sort_by")) }
                        select #sort name="sort" {
                            @for (value, label) in [
                                ("relevance", t(lang, "sort.relevance")),
                                ("newest", t(lang, "sort.newest")),
                                ("oldest", t(lang, "sort.oldest")),
                                ("title", t(lang, "sort.title")),
                                ("amount", t(lang, "sort.amount")),
                            ] {
                                option value=(value) selected[self.sort == value] { (label) }
                            }
                        }
                        button type="submit" { (t(lang, "search.sort")) }
                    }
                    // On a phone the filters sit above the results, folded by
                    // the script (open without it), a tap away.
                    details.refine open {
                        summary { (t(lang, "search.refine")) }
                        @for group in &self.facets {
                            @if !group.values.is_empty() {
                                section.facet {
                                    h2 { (facet_heading(lang, group.param)) }
                                    ul {
                                        @for (value, count) in &group.values {
                                            li {
                                                @if self.selected(group.param, value) {
                                                    a.selected href=(self.without_filter(&encoded, group.param, value)) aria-current="true" title=(t(lang, "search.remove_filter")) {
                                                        "✓ " (self.value_label(lang, group.param, value))
                                                    }
                                                } @else {
                                                    a href=(self.url_with(&[(group.param, value)], None)) {
                                                        (self.value_label(lang, group.param, value))
                                                    }
                                                }
                                                " " span.count { (count) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        };
        let title = if self.query.trim().is_empty() {
            t(lang, "search.title")
        } else {
            self.query.trim()
        };
        Page {
            title,
            query: &self.query,
            body,
        }
        .render(chrome)
    }
}

/// The search's address cut into pieces: the query, then one `&name=value` per
/// filter, each percent-encoded once.
struct EncodedFilters {
    base: String,
    pieces: Vec<String>,
}

impl EncodedFilters {
    fn new(view: &SearchView) -> Self {
        EncodedFilters {
            base: routes::search(&[("q", view.query.as_str())]),
            pieces: view
                .filters
                .iter()
                .map(|(k, v)| format!("&{k}={}", routes::encode(v)))
                .collect(),
        }
    }
}

fn facet_heading(lang: Lang, param: &str) -> &str {
    match param {
        "kind" => t(lang, "facet.kind"),
        "partner" => t(lang, "facet.partner"),
        "keyword" => t(lang, "facet.keyword"),
        "year" => t(lang, "facet.year"),
        "lang" => t(lang, "facet.lang"),
        "format" => t(lang, "facet.format"),
        "place" => t(lang, "facet.place"),
        other => other,
    }
}

fn facet_value_label(lang: Lang, param: &str, value: &str) -> String {
    match param {
        "kind" => format::kind_plural(lang, value).to_owned(),
        "lang" => format::lang_label(lang, value).to_owned(),
        "format" => value.to_uppercase(),
        _ => value.to_owned(),
    }
}

fn filter_label(lang: Lang, param: &str, value: &str) -> String {
    let name = match param {
        "kind" => t(lang, "filter.kind"),
        "partner" => t(lang, "filter.partner"),
        "keyword" => t(lang, "filter.keyword"),
        "lang" => t(lang, "filter.lang"),
        "year" => t(lang, "filter.year"),
        "format" => t(lang, "facet.format"),
        "place" => t(lang, "facet.place"),
        other => other,
    };
    tf(
        lang,
        "filter.label",
        &[
            ("name", &name),
            ("value", &facet_value_label(lang, param, value)),
        ],
    )
}

//! The results page: hits with highlighted excerpts, facets beside them, pages.

use maud::{Markup, PreEscaped, html};

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
}

/// One facet: its parameter name, heading and values with counts.
pub struct FacetGroup {
    pub param: &'static str,
    pub label: &'static str,
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
    pub notice: Option<String>,
    /// A corrected query to offer ("did you mean").
    pub suggestion: Option<String>,
    /// The hits are those of `suggestion`: the query itself found nothing.
    pub corrected: bool,
}

impl SearchView {
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

    fn without_filter(&self, param: &str, value: &str) -> String {
        let mut params: Vec<(&str, &str)> = vec![("q", self.query.as_str())];
        for (k, v) in &self.filters {
            if !(k == param && v == value) {
                params.push((k, v));
            }
        }
        routes::search(&params)
    }

    pub fn render(&self, chrome: &Chrome) -> Markup {
        let pages = self.total.div_ceil(self.per_page.max(1));
        let heading = if self.query.trim().is_empty() {
            "Tous les documents".to_owned()
        } else {
            format!("Résultats pour « {} »", self.query.trim())
        };
        let body = html! {
            h1 { (heading) }
            @if let Some(notice) = &self.notice {
                p.notice role="status" { (notice) " " a href=(routes::SEARCH_HELP) { "Aide à la recherche" } }
            }
            @if let Some(s) = &self.suggestion {
                p.suggestion role="status" {
                    @if self.corrected {
                        "Aucun résultat pour « " (self.query.trim()) " ». Résultats pour « " strong { (s) } " »."
                    } @else {
                        "Vouliez-vous dire : " a href=(self.url_with_query(s)) { (s) } " ?"
                    }
                }
            }
            @if !self.filters.is_empty() {
                ul.active-filters aria-label="Filtres actifs" {
                    @for (k, v) in &self.filters {
                        li { a href=(self.without_filter(k, v)) title="Retirer ce filtre" { (filter_label(k, v)) " ×" } }
                    }
                }
            }
            div.results-layout {
                section.results aria-label="Résultats" {
                    p.total {
                        @match self.total {
                            0 => { "Aucun résultat." }
                            1 => { "1 résultat" }
                            n => { (n) " résultats" }
                        }
                        @if self.partial { " — aucun document ne contient tous les mots ; voici ceux qui en contiennent une partie." }
                    }
                    @if self.total == 0 {
                        p { "Essayez d'autres mots, moins de mots, ou retirez un filtre." }
                    }
                    p.alternates {
                        a href=(self.feed_url()) type="application/atom+xml" { "Suivre cette recherche" }
                        " (flux Atom des nouveaux résultats)"
                    }
                    ol.hits start=(((self.page - 1) * self.per_page) + 1) {
                        @for item in &self.items {
                            li.hit {
                                span.kind { (format::kind_label(&item.kind)) }
                                h2 { a href=(item.url) { (PreEscaped(&item.title_html)) } }
                                @if !item.snippet_html.is_empty() {
                                    p.snippet { (PreEscaped(&item.snippet_html)) }
                                }
                                p.meta {
                                    @if let Some((s, e)) = item.period {
                                        span.period { (format::period(s, e)) }
                                    }
                                    @for p in &item.partners {
                                        " " a.partner href=(routes::search(&[("partner", p)])) { (p) }
                                    }
                                    @for k in &item.keywords {
                                        " " a.keyword href=(routes::search(&[("keyword", k)])) { (k) }
                                    }
                                }
                            }
                        }
                    }
                    @if pages > 1 {
                        nav.pagination aria-label="Pages de résultats" {
                            @if self.page > 1 {
                                a rel="prev" href=(self.url_with(&[], Some(self.page - 1))) { "← Précédente" }
                            }
                            span { "Page " (self.page) " sur " (pages) }
                            @if self.page < pages {
                                a rel="next" href=(self.url_with(&[], Some(self.page + 1))) { "Suivante →" }
                            }
                        }
                    }
                }
                aside.facets aria-label="Affiner" {
                    form.sort action=(routes::SEARCH) method="get" {
                        input type="hidden" name="q" value=(self.query);
                        @for (k, v) in &self.filters {
                            input type="hidden" name=(k) value=(v);
                        }
                        label for="sort" { "Trier par" }
                        select #sort name="sort" {
                            @for (value, label) in [("relevance", "pertinence"), ("newest", "plus récents"), ("oldest", "plus anciens"), ("title", "titre"), ("amount", "montant")] {
                                option value=(value) selected[self.sort == value] { (label) }
                            }
                        }
                        button type="submit" { "Trier" }
                    }
                    @for group in &self.facets {
                        @if !group.values.is_empty() {
                            section.facet {
                                h2 { (group.label) }
                                ul {
                                    @for (value, count) in &group.values {
                                        li {
                                            @if self.selected(group.param, value) {
                                                a.selected href=(self.without_filter(group.param, value)) aria-current="true" title="Retirer ce filtre" {
                                                    "✓ " (facet_value_label(group.param, value))
                                                }
                                            } @else {
                                                a href=(self.url_with(&[(group.param, value)], None)) {
                                                    (facet_value_label(group.param, value))
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
        };
        let title = if self.query.trim().is_empty() {
            "Recherche"
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

fn facet_value_label(param: &str, value: &str) -> String {
    match param {
        "kind" => format::kind_plural(value).to_owned(),
        "lang" => format::lang_label(value).to_owned(),
        _ => value.to_owned(),
    }
}

fn filter_label(param: &str, value: &str) -> String {
    let name = match param {
        "kind" => "type",
        "partner" => "partenaire",
        "keyword" => "mot-clé",
        "lang" => "langue",
        "year" => "année",
        other => other,
    };
    format!("{name} : {}", facet_value_label(param, value))
}

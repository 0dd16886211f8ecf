//! The map of actors (a network drawn on the server), the map of places, and
//! what they share with the dashboard: the filters of a search, kept in the
//! address so that a map can be shared, and the links between the three views.

use maud::{Markup, PreEscaped, html};

use crate::i18n::{Lang, t, tf};
use crate::layout::{Chrome, Page};
use crate::{format, routes};

/// The filters of a search, as the maps and the dashboard show them.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub q: String,
    /// `(parameter, value)` pairs: `kind`, `partner`, `keyword`, `lang`,
    /// `year`, `place`, `format`.
    pub values: Vec<(String, String)>,
}

impl Filters {
    fn first(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The filters as `(parameter, value)` pairs, the words first.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        let words = (!self.q.is_empty()).then_some(("q", self.q.as_str()));
        words
            .into_iter()
            .chain(self.values.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .collect()
    }

    /// `path` with the filters.
    pub fn on(&self, path: &str) -> String {
        routes::search_like(path, &self.pairs())
    }
}

/// Filters that the form below does not show keep their values in hidden fields.
const SHOWN: [&str; 5] = ["keyword", "partner", "kind", "year", "place"];

/// The filters as a form that reloads `action` with them.
pub fn filter_form(lang: Lang, action: &str, filters: &Filters, kinds: &[&str]) -> Markup {
    let text = |name: &'static str, label: &'static str, hint: &'static str| {
        let id = format!("filtre-{name}");
        html! {
            div.field {
                label for=(id) { (t(lang, label)) }
                input id=(id) type="text" name=(name) value=(filters.first(name)) aria-describedby=[(!hint.is_empty()).then(|| format!("{id}-aide"))];
                @if !hint.is_empty() { small.hint id=(format!("{id}-aide")) { (t(lang, hint)) } }
            }
        }
    };
    html! {
        form.filters action=(action) method="get" role="search" aria-label=(t(lang, "maps.filters")) {
            div.field {
                label for="filtre-q" { (t(lang, "maps.words")) }
                input #filtre-q type="search" name="q" value=(filters.q);
            }
            (text("keyword", "filter.keyword_field", "maps.keyword_hint"))
            (text("partner", "filter.partner_field", ""))
            div.field {
                label for="filtre-kind" { (t(lang, "filter.kind_field")) }
                select #filtre-kind name="kind" {
                    option value="" { (t(lang, "maps.all_kinds")) }
                    @for k in kinds {
                        option value=(k) selected[filters.first("kind") == *k] { (format::kind_plural(lang, k)) }
                    }
                }
            }
            (text("year", "filter.year_field", "maps.year_hint"))
            (text("place", "field.places", ""))
            @for (k, v) in filters.values.iter().filter(|(k, _)| !SHOWN.contains(&k.as_str())) {
                input type="hidden" name=(k) value=(v);
            }
            @for (k, v) in repeated(filters) {
                input type="hidden" name=(k) value=(v);
            }
            button type="submit" { (t(lang, "maps.apply")) }
        }
    }
}

/// Second and further values of a shown filter (`keyword=a&keyword=b`): kept,
/// since the form shows one value per filter.
fn repeated(filters: &Filters) -> Vec<(&str, &str)> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for (k, v) in &filters.values {
        if !SHOWN.contains(&k.as_str()) {
            continue;
        }
        if seen.contains(&k.as_str()) {
            out.push((k.as_str(), v.as_str()));
        } else {
            seen.push(k);
        }
    }
    out
}

/// Links to the other views of the same filters; `here` is the current one.
pub fn views_nav(lang: Lang, filters: &Filters, here: &str) -> Markup {
    let views = [
        (routes::ACTORS_MAP, "maps.actors_title"),
        (routes::PLACES_MAP, "maps.places_title"),
        (routes::DASHBOARD, "dashboard.title"),
        (routes::SEARCH, "maps.results"),
    ];
    html! {
        nav.views aria-label=(t(lang, "maps.views")) {
            ul {
                @for (path, key) in views {
                    li {
                        @if path == here {
                            a href=(filters.on(path)) aria-current="page" { (t(lang, key)) }
                        } @else {
                            a href=(filters.on(path)) { (t(lang, key)) }
                        }
                    }
                }
            }
        }
    }
}

/// One node of the map of actors, as its list shows it.
pub struct NodeItem {
    pub kind: String,
    pub title: String,
    pub url: String,
    pub links: usize,
}

pub struct ActorsMapView {
    pub filters: Filters,
    /// The network, already drawn (SVG, escaped when it was written).
    pub svg: String,
    pub nodes: Vec<NodeItem>,
    /// Nodes the filters found, before the most linked were kept.
    pub found: usize,
    pub edges: usize,
}

impl ActorsMapView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let f = &self.filters;
        let shown = self.nodes.len();
        let body = html! {
            h1 { (t(lang, "maps.actors_title")) }
            p { (t(lang, "maps.actors_intro")) }
            (views_nav(lang, f, routes::ACTORS_MAP))
            (filter_form(lang, routes::ACTORS_MAP, f, &["action", "method", "resource"]))
            p.summary role="status" {
                @if shown == 0 {
                    (t(lang, "maps.nothing"))
                } @else if shown < self.found {
                    (tf(lang, "maps.top_shown", &[("shown", &shown), ("found", &self.found), ("edges", &self.edges)]))
                } @else {
                    (tf(lang, "maps.all_shown", &[("shown", &shown), ("edges", &self.edges)]))
                }
            }
            @if shown > 0 {
                figure.graph-view {
                    div.graph-tools hidden {
                        button type="button" data-zoom="in" aria-label=(t(lang, "maps.zoom_in")) { "+" }
                        button type="button" data-zoom="out" aria-label=(t(lang, "maps.zoom_out")) { "−" }
                        button type="button" data-zoom="reset" { (t(lang, "maps.zoom_reset")) }
                        label for="graph-find" { (t(lang, "maps.find")) }
                        input #graph-find type="search" list="graph-labels";
                        datalist #graph-labels {
                            @for n in &self.nodes { option value=(n.title) {} }
                        }
                        button type="button" data-png="carte.png" { (t(lang, "maps.png")) }
                    }
                    (PreEscaped(&self.svg))
                    figcaption { (legend(lang)) }
                }
                p.downloads {
                    (t(lang, "maps.download")) " "
                    a href=(f.on(routes::ACTORS_MAP_GEXF)) download { "GEXF" }
                    " · " a href=(f.on(routes::ACTORS_MAP_GRAPHML)) download { "GraphML" }
                    " · " a href=(f.on(routes::ACTORS_MAP_SVG)) download { "SVG" }
                    " — " (t(lang, "maps.gephi"))
                }
                details.node-list {
                    summary { (t(lang, "maps.node_list")) }
                    table {
                        caption { (t(lang, "maps.node_list")) }
                        thead { tr { th scope="col" { (t(lang, "maps.node")) } th scope="col" { (t(lang, "filter.kind_field")) } th scope="col" { (t(lang, "maps.links")) } } }
                        tbody {
                            @for n in &self.nodes {
                                tr { td { a href=(n.url) { (n.title) } } td { (format::kind_label(lang, &n.kind)) } td.number { (n.links) } }
                            }
                        }
                    }
                }
            }
            script src="/static/carte.js" defer {}
        };
        Page {
            title: t(lang, "maps.actors_title"),
            query: &f.q,
            body,
        }
        .render(chrome)
    }
}

fn legend(lang: Lang) -> Markup {
    html! {
        ul.legend {
            @for k in ["partner", "action", "method", "resource"] {
                li { span class=(format!("swatch node-{k}")) aria-hidden="true" {} (format::kind_plural(lang, k)) }
            }
        }
        p { (t(lang, "maps.size_note")) }
    }
}

/// One place on the map, with the number of records there.
pub struct PlaceItem {
    pub name: String,
    pub country: String,
    pub records: usize,
}

pub struct PlacesMapView {
    pub filters: Filters,
    /// The tile server's address template (`…/{z}/{x}/{y}.png`).
    pub tiles_url: String,
    /// The places as JSON for the script (escaped for a script element).
    pub places_json: String,
    /// The places drawn on the world outline (SVG).
    pub outline_svg: String,
    pub places: Vec<PlaceItem>,
    /// Records of the search that have no place with coordinates.
    pub unplaced: usize,
}

impl PlacesMapView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let f = &self.filters;
        let body = html! {
            link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css";
            h1 { (t(lang, "maps.places_title")) }
            p { (t(lang, "maps.places_intro")) }
            (views_nav(lang, f, routes::PLACES_MAP))
            (filter_form(lang, routes::PLACES_MAP, f, &["partner", "action"]))
            p.summary role="status" {
                (tf(lang, "maps.places_count", &[("places", &self.places.len()), ("unplaced", &self.unplaced)]))
            }
            div.places-map #places-map data-tiles=(self.tiles_url) data-attribution=(t(lang, "maps.tiles_attribution"))
                data-attribution-url="https://www.openstreetmap.org/copyright" hidden {}
            script #places-data type="application/json" { (PreEscaped(&self.places_json)) }
            figure.places-outline {
                (PreEscaped(&self.outline_svg))
                figcaption { (t(lang, "maps.outline_caption")) " " (t(lang, "maps.gazetteer_credit")) }
            }
            @if !self.places.is_empty() {
                table.places-table {
                    caption { (t(lang, "maps.places_table")) }
                    thead { tr { th scope="col" { (t(lang, "maps.place")) } th scope="col" { (t(lang, "maps.country")) } th scope="col" { (t(lang, "maps.records")) } } }
                    tbody {
                        @for p in &self.places {
                            tr {
                                td { a href=(routes::search(&[("place", p.name.as_str())])) { (p.name) } }
                                td { (p.country) }
                                td.number { (p.records) }
                            }
                        }
                    }
                }
            }
            script src="/static/vendor/leaflet/leaflet.js" defer {}
            script src="/static/lieux.js" defer {}
        };
        Page {
            title: t(lang, "maps.places_title"),
            query: &f.q,
            body,
        }
        .render(chrome)
    }
}

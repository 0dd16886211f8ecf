//! The dashboard: charts drawn on the server, each with its figures as a
//! table and a CSV download, under the filters of a search.

use maud::{Markup, PreEscaped, html};

use super::maps::{Filters, filter_form, views_nav};
use crate::i18n::{t, tf};
use crate::layout::{Chrome, Page};
use crate::routes;

/// A cell of a chart's table: its text, and where it leads.
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

/// One chart, its figures and its download.
pub struct Chart {
    /// Its name in the CSV address (`chart=…`) and its anchor.
    pub id: &'static str,
    pub title: String,
    /// How the figures are computed, in a sentence.
    pub note: String,
    /// The chart, already drawn (SVG).
    pub svg: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

pub struct DashboardView {
    pub filters: Filters,
    /// Records the filters found.
    pub found: usize,
    pub charts: Vec<Chart>,
    /// `by=partner` when the amounts are stacked by partner.
    pub by_partner: bool,
}

impl DashboardView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let f = &self.filters;
        let by = |partner: bool| {
            let mut pairs = f.pairs();
            pairs.retain(|(k, _)| *k != "by");
            if partner {
                pairs.push(("by", "partner"));
            }
            routes::search_like(routes::DASHBOARD, &pairs)
        };
        let body = html! {
            h1 { (t(lang, "dashboard.title")) }
            p { (t(lang, "dashboard.intro")) }
            (views_nav(lang, f, routes::DASHBOARD))
            (filter_form(lang, routes::DASHBOARD, f, &["action", "method", "resource", "partner", "concept"]))
            p.summary role="status" { (tf(lang, "dashboard.found", &[("n", &self.found)])) }
            nav.chart-index aria-label=(t(lang, "dashboard.charts")) {
                ul { @for c in &self.charts { li { a href=(format!("#{}", c.id)) { (c.title) } } } }
            }
            @for c in &self.charts {
                section.chart-block aria-labelledby=(format!("{}-titre", c.id)) #(c.id) {
                    h2 #(format!("{}-titre", c.id)) { (c.title) }
                    @if c.id == "montants" {
                        p.stack-by {
                            (t(lang, "dashboard.stack_by")) " "
                            @if self.by_partner {
                                a href=(by(false)) { (t(lang, "dashboard.by_concept")) } " · " strong { (t(lang, "dashboard.by_partner")) }
                            } @else {
                                strong { (t(lang, "dashboard.by_concept")) } " · " a href=(by(true)) { (t(lang, "dashboard.by_partner")) }
                            }
                        }
                    }
                    p.note { (c.note) }
                    @if c.rows.is_empty() {
                        p { (t(lang, "dashboard.empty")) }
                    } @else {
                        div.chart-figure { (PreEscaped(&c.svg)) }
                        details.chart-data {
                            summary { (t(lang, "dashboard.table")) }
                            div.table-scroll {
                                table {
                                    caption { (c.title) }
                                    thead { tr { @for h in &c.headers { th scope="col" { (h) } } } }
                                    tbody {
                                        @for row in &c.rows {
                                            tr {
                                                @for (i, cell) in row.iter().enumerate() {
                                                    @let content = html! {
                                                        @if let Some(href) = &cell.href { a href=(href) { (cell.text) } } @else { (cell.text) }
                                                    };
                                                    @if i == 0 { th scope="row" { (content) } } @else { td.number { (content) } }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    p.downloads {
                        a href=(csv_link(f, c.id, self.by_partner)) download { (t(lang, "dashboard.csv")) }
                    }
                }
            }
        };
        Page {
            title: t(lang, "dashboard.title"),
            query: &f.q,
            body,
        }
        .render(chrome)
    }
}

fn csv_link(filters: &Filters, chart: &str, by_partner: bool) -> String {
    let mut pairs = filters.pairs();
    pairs.retain(|(k, _)| *k != "by");
    pairs.insert(0, ("chart", chart));
    if by_partner {
        pairs.push(("by", "partner"));
    }
    routes::search_like(routes::DASHBOARD_CSV, &pairs)
}

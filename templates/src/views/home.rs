//! The home page: search first, then ways to browse and what is new.

use maud::{Markup, html};

use super::RecordLink;
use crate::i18n::t;
use crate::layout::{Chrome, Page, search_box};
use crate::{format, routes};

pub struct HomeView {
    /// (kind, number of visible records of that kind)
    pub counts: Vec<(String, u64)>,
    pub recent: Vec<RecordLink>,
}

impl HomeView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            section.hero {
                h1 { (t(lang, "home.heading")) }
                p.lead { (t(lang, "home.lead")) }
                (search_box(lang, "", true))
            }
            section.browse aria-labelledby="parcourir" {
                h2 #parcourir { (t(lang, "home.browse")) }
                ul.kinds {
                    @for (kind, count) in &self.counts {
                        li {
                            a href=(routes::search(&[("kind", kind)])) {
                                span.count { (count) }
                                " " (format::kind_plural(lang, kind))
                            }
                        }
                    }
                }
            }
            @if !self.recent.is_empty() {
                section.recent aria-labelledby="recents" {
                    h2 #recents { (t(lang, "home.recent")) }
                    ul {
                        @for r in &self.recent {
                            li {
                                span.kind { (format::kind_label(lang, &r.kind)) }
                                " "
                                a href=(r.url) { (r.title) }
                            }
                        }
                    }
                }
            }
            p.alternates {
                a href=(routes::CHANGES_FEED) type="application/atom+xml" { (t(lang, "home.follow_changes")) }
                " · " (t(lang, "home.export")) " "
                a href=(routes::EXPORT_ACTIONS_CSV) type="text/csv" { (t(lang, "home.export_csv")) }
                ", "
                a href=(routes::EXPORT_JSONL) type="application/jsonl" { "JSON Lines" }
            }
        };
        Page {
            title: t(lang, "home.title"),
            query: "",
            body,
        }
        .render(chrome)
    }
}

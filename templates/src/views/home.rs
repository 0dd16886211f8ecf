//! The home page: search first, then ways to browse and what is new.

use maud::{Markup, html};

use super::RecordLink;
use crate::layout::{Chrome, Page, search_box};
use crate::{format, routes};

pub struct HomeView {
    /// (kind, number of visible records of that kind)
    pub counts: Vec<(String, u64)>,
    pub recent: Vec<RecordLink>,
}

impl HomeView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let body = html! {
            section.hero {
                h1 { "Chercher dans les savoirs partagés" }
                p.lead { "Fiches d'expérience, méthodes d'action et d'intelligence collectives, partenaires et ressources." }
                (search_box("", true))
            }
            section.browse aria-labelledby="parcourir" {
                h2 #parcourir { "Parcourir" }
                ul.kinds {
                    @for (kind, count) in &self.counts {
                        li {
                            a href=(routes::search(&[("kind", kind)])) {
                                span.count { (count) }
                                " " (format::kind_plural(kind))
                            }
                        }
                    }
                }
            }
            @if !self.recent.is_empty() {
                section.recent aria-labelledby="recents" {
                    h2 #recents { "Ajouts et modifications récents" }
                    ul {
                        @for r in &self.recent {
                            li {
                                span.kind { (format::kind_label(&r.kind)) }
                                " "
                                a href=(r.url) { (r.title) }
                            }
                        }
                    }
                }
            }
            p.alternates {
                a href=(routes::CHANGES_FEED) type="application/atom+xml" { "Suivre les modifications (Atom)" }
                " · Exporter : "
                a href=(routes::EXPORT_ACTIONS_CSV) type="text/csv" { "CSV des fiches" }
                ", "
                a href=(routes::EXPORT_JSONL) type="application/jsonl" { "JSON Lines" }
            }
        };
        Page {
            title: "Accueil",
            query: "",
            body,
        }
        .render(chrome)
    }
}

//! Error pages that help: a search box and, for a missing page, titles that look
//! like what was asked for.

use maud::{Markup, html};

use super::RecordLink;
use crate::format;
use crate::layout::{Chrome, Page, search_box};

pub struct NotFoundView {
    /// Words taken from the missing URL, offered as a search.
    pub words: String,
    pub similar: Vec<RecordLink>,
}

impl NotFoundView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let body = html! {
            h1 { "Page introuvable" }
            p { "Cette adresse ne correspond à aucune page. Le document a peut-être changé d'adresse, ou n'est pas (encore) publié." }
            (search_box(&self.words, true))
            @if !self.similar.is_empty() {
                h2 { "Vouliez-vous dire ?" }
                ul.similar {
                    @for r in &self.similar {
                        li { span.kind { (format::kind_label(&r.kind)) } " " a href=(r.url) { (r.title) } }
                    }
                }
            }
        };
        Page {
            title: "Page introuvable",
            query: &self.words,
            body,
        }
        .render(chrome)
    }
}

pub struct ErrorView {
    pub status: u16,
    pub title: String,
    pub message: String,
    /// Quoted to the administrator to find the log line.
    pub error_id: Option<String>,
}

impl ErrorView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let body = html! {
            h1 { (self.title) }
            p { (self.message) }
            @if let Some(id) = &self.error_id {
                p.error-id { "Référence de l'erreur : " code { (id) } }
            }
            // The large box: the small one is the header's, and ids are unique.
            (search_box("", true))
        };
        Page {
            title: &self.title,
            query: "",
            body,
        }
        .render(chrome)
    }
}

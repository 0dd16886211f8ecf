//! Error pages that help: a search box and, for a missing page, titles that look
//! like what was asked for.

use maud::{Markup, html};

use super::RecordLink;
use crate::format;
use crate::i18n::t;
use crate::layout::{Chrome, Page, search_box};

pub struct NotFoundView {
    /// Words taken from the missing URL, offered as a search.
    pub words: String,
    pub similar: Vec<RecordLink>,
}

impl NotFoundView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            h1 { (t(lang, "not_found.title")) }
            p { (t(lang, "not_found.text")) }
            (search_box(lang, &self.words, true))
            @if !self.similar.is_empty() {
                h2 { (t(lang, "not_found.similar")) }
                ul.similar {
                    @for r in &self.similar {
                        li { span.kind { (format::kind_label(lang, &r.kind)) } " " a href=(r.url) { (r.title) } }
                    }
                }
            }
        };
        Page {
            title: t(lang, "not_found.title"),
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
        let lang = chrome.lang;
        let body = html! {
            h1 { (self.title) }
            p { (self.message) }
            @if let Some(id) = &self.error_id {
                p.error-id { (t(lang, "error.reference")) " " code { (id) } }
            }
            // The large box: the small one is the header's, and ids are unique.
            (search_box(lang, "", true))
        };
        Page {
            title: &self.title,
            query: "",
            body,
        }
        .render(chrome)
    }
}

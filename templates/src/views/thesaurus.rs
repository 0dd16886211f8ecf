//! The thesaurus as a tree, and the page that stops the deletion of a concept in
//! use.

use maud::{Markup, html};

use super::RecordLink;
use crate::i18n::{t, tf};
use crate::layout::{Chrome, Page};
use crate::{format, routes};

/// One concept and its narrower concepts.
pub struct ConceptNode {
    pub link: RecordLink,
    /// Other labels, shown after the preferred one.
    pub also: Vec<String>,
    pub children: Vec<ConceptNode>,
}

pub struct ThesaurusView {
    pub roots: Vec<ConceptNode>,
    pub can_add: bool,
}

fn tree(nodes: &[ConceptNode]) -> Markup {
    html! {
        ul.tree {
            @for n in nodes {
                li {
                    a href=(n.link.url) { (n.link.title) }
                    @if !n.also.is_empty() { " " span.also { "(" (n.also.join(", ")) ")" } }
                    @if !n.children.is_empty() { (tree(&n.children)) }
                }
            }
        }
    }
}

impl ThesaurusView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            h1 { (t(lang, "thesaurus.title")) }
            p { (t(lang, "thesaurus.intro")) }
            @if self.can_add { p { a.button href=(routes::new_record("concept")) { (t(lang, "thesaurus.add")) } } }
            @if self.roots.is_empty() { p { (t(lang, "thesaurus.empty")) } } @else { (tree(&self.roots)) }
        };
        Page {
            title: t(lang, "thesaurus.title"),
            query: "",
            body,
        }
        .render(chrome)
    }
}

pub struct ConceptInUseView {
    pub title: String,
    pub url: String,
    pub action: String,
    pub uses: Vec<RecordLink>,
    pub narrower: Vec<RecordLink>,
    pub concept_labels: Vec<String>,
    pub error: Option<String>,
}

impl ConceptInUseView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            p { a href=(self.url) { "← " (self.title) } }
            h1 { (t(lang, "in_use.heading")) }
            @if let Some(e) = &self.error { p.error role="alert" { (e) } }
            p { (tf(lang, "in_use.text", &[("term", &self.title)])) }
            @if !self.uses.is_empty() {
                h2 { (tf(lang, "in_use.documents", &[("count", &self.uses.len())])) }
                ul { @for r in &self.uses { li { span.kind { (format::kind_label(lang, &r.kind)) } " " a href=(r.url) { (r.title) } } } }
            }
            @if !self.narrower.is_empty() {
                h2 { (tf(lang, "in_use.narrower", &[("count", &self.narrower.len())])) }
                ul { @for r in &self.narrower { li { a href=(r.url) { (r.title) } } } }
            }
            h2 { (t(lang, "in_use.replace")) }
            form.inline action=(self.action) method="post" {
                label for="move-to" { (t(lang, "in_use.move_to")) }
                input #move-to type="text" name="move_to" list="concept-labels" required;
                datalist #concept-labels { @for l in &self.concept_labels { option value=(l) {} } }
                button type="submit" { (t(lang, "in_use.submit")) }
            }
        };
        Page {
            title: t(lang, "in_use.title"),
            query: "",
            body,
        }
        .render(chrome)
    }
}

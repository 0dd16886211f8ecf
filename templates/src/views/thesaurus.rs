//! The thesaurus as a tree, and the page that stops the deletion of a concept in
//! use.

use maud::{Markup, html};

use super::RecordLink;
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
        let body = html! {
            h1 { "Thésaurus" }
            p { "Les termes qui décrivent les documents, du plus général au plus spécifique. Chercher un terme, un synonyme ou sa traduction trouve les documents indexés avec lui ou avec un terme plus spécifique." }
            @if self.can_add { p { a.button href=(routes::new_record("concept")) { "Ajouter un terme" } } }
            @if self.roots.is_empty() { p { "Le thésaurus est vide." } } @else { (tree(&self.roots)) }
        };
        Page {
            title: "Thésaurus",
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
        let body = html! {
            p { a href=(self.url) { "← " (self.title) } }
            h1 { "Ce terme est utilisé" }
            @if let Some(e) = &self.error { p.error role="alert" { (e) } }
            p { "Le terme « " (self.title) " » n'a pas été supprimé : des documents ou des termes plus spécifiques en dépendent." }
            @if !self.uses.is_empty() {
                h2 { "Documents indexés avec ce terme (" (self.uses.len()) ")" }
                ul { @for r in &self.uses { li { span.kind { (format::kind_label(&r.kind)) } " " a href=(r.url) { (r.title) } } } }
            }
            @if !self.narrower.is_empty() {
                h2 { "Termes plus spécifiques (" (self.narrower.len()) ")" }
                ul { @for r in &self.narrower { li { a href=(r.url) { (r.title) } } } }
            }
            h2 { "Remplacer puis supprimer" }
            form.inline action=(self.action) method="post" {
                label for="move-to" { "Reporter ces documents et termes sur" }
                input #move-to type="text" name="move_to" list="concept-labels" required;
                datalist #concept-labels { @for l in &self.concept_labels { option value=(l) {} } }
                button type="submit" { "Remplacer et supprimer" }
            }
        };
        Page {
            title: "Terme utilisé",
            query: "",
            body,
        }
        .render(chrome)
    }
}

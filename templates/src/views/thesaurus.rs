//! The thesaurus as a tree, the preview of a SKOS import, and the page that
//! stops the deletion of a concept in use.

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
    /// Editors may import a SKOS file.
    pub can_import: bool,
}

/// The form that sends a SKOS file to be previewed.
fn import_form(lang: crate::i18n::Lang) -> Markup {
    html! {
        form.stacked.skos-import action=(routes::THESAURUS_IMPORT) method="post" enctype="multipart/form-data" {
            label for="skos-file" { (t(lang, "skos.file")) }
            input #skos-file type="file" name="file" accept=".ttl,text/turtle" required;
            button type="submit" { (t(lang, "skos.preview")) }
        }
    }
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
            section.skos aria-labelledby="skos" {
                h2 #skos { (t(lang, "skos.heading")) }
                p {
                    (t(lang, "skos.download")) " "
                    a href=(routes::THESAURUS_TURTLE) type="text/turtle" { "Turtle" }
                    " · "
                    a href=(routes::THESAURUS_RDF_XML) type="application/rdf+xml" { "RDF/XML" }
                }
                @if self.can_import {
                    p { (t(lang, "skos.import_intro")) }
                    (import_form(lang))
                }
            }
        };
        Page {
            title: t(lang, "thesaurus.title"),
            query: "",
            body,
        }
        .render(chrome)
    }
}

/// What importing a SKOS file would do, before anything changes.
pub struct SkosPreviewView {
    pub file_name: String,
    /// The file's text, sent again with the confirmation.
    pub text: String,
    pub added: Vec<String>,
    /// Concepts the file changes, with the text keys of what changes.
    pub changed: Vec<(RecordLink, Vec<&'static str>)>,
    pub kept: Vec<RecordLink>,
    /// What could not be read, as `file:line: reason`.
    pub rejected: Vec<String>,
    /// Why the file could not be read at all.
    pub error: Option<String>,
}

impl SkosPreviewView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let nothing = self.added.is_empty() && self.changed.is_empty();
        let body = html! {
            p { a href=(routes::THESAURUS) { "← " (t(lang, "thesaurus.title")) } }
            h1 { (t(lang, "skos.preview_title")) }
            @if let Some(e) = &self.error {
                p.error role="alert" { (e) }
            }
            @if self.error.is_none() {
                p { (tf(lang, "skos.summary", &[
                    ("file", &self.file_name),
                    ("added", &self.added.len()),
                    ("changed", &self.changed.len()),
                    ("kept", &self.kept.len()),
                ])) }
            }
            @if !self.rejected.is_empty() {
                h2 { (tf(lang, "skos.rejected", &[("count", &self.rejected.len())])) }
                ul.rejected { @for r in &self.rejected { li { (r) } } }
            }
            @if self.error.is_none() {
                @if !self.added.is_empty() {
                    h2 { (tf(lang, "skos.added", &[("count", &self.added.len())])) }
                    ul.added { @for label in &self.added { li { (label) } } }
                }
                @if !self.changed.is_empty() {
                    h2 { (tf(lang, "skos.changed", &[("count", &self.changed.len())])) }
                    ul.changed {
                        @for (link, what) in &self.changed {
                            li {
                                a href=(link.url) { (link.title) }
                                " — "
                                (what.iter().map(|k| t(lang, k)).collect::<Vec<_>>().join(", "))
                            }
                        }
                    }
                }
                @if !self.kept.is_empty() {
                    details.kept {
                        summary { (tf(lang, "skos.kept", &[("count", &self.kept.len())])) }
                        ul { @for link in &self.kept { li { a href=(link.url) { (link.title) } } } }
                    }
                }
                @if nothing {
                    p { (t(lang, "skos.nothing")) }
                } @else {
                    form.confirm action=(routes::THESAURUS_IMPORT) method="post" enctype="multipart/form-data" {
                        input type="hidden" name="name" value=(self.file_name);
                        input type="hidden" name="text" value=(self.text);
                        input type="hidden" name="confirm" value="yes";
                        button type="submit" { (t(lang, "skos.confirm")) }
                        " "
                        a href=(routes::THESAURUS) { (t(lang, "skos.cancel")) }
                    }
                }
            }
            h2 { (t(lang, "skos.another")) }
            (import_form(lang))
        };
        Page {
            title: t(lang, "skos.preview_title"),
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

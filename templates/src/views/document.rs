//! A record's page, laid out like the sheet it represents: the facts first
//! (Référent, Pilote, Montant …), the partners with their descriptions, then the
//! long sections. Partner pages use the same view, with the records that link to
//! the partner.

use maud::{Markup, html};

use super::RecordLink;
use crate::layout::{Chrome, Page};
use crate::{format, markdown, routes};

/// A partner as shown on a document: linked to its page, with its description.
pub struct LinkedPartner {
    pub label: String,
    pub name: String,
    pub url: String,
    pub role: String,
    /// Markdown.
    pub description: String,
}

/// A long section: heading and Markdown text.
pub struct Section {
    pub heading: String,
    pub markdown: String,
}

pub struct DocumentView {
    pub kind: String,
    pub title: String,
    /// Line above the title, e.g. "Fiche action — Archive 2006-2007".
    pub lang: String,
    pub status: String,
    pub archive: String,
    pub period: Option<(i64, i64)>,
    /// Labelled facts in sheet order; an empty value shows as "non renseigné".
    pub facts: Vec<(String, String)>,
    /// An external link (a partner's website, a resource's URL).
    pub link: Option<(String, String)>,
    pub partners: Vec<LinkedPartner>,
    pub sections: Vec<Section>,
    pub keywords: Vec<String>,
    pub related: Vec<RecordLink>,
    /// Records that link here, with the role in which they name this record.
    pub backlinks: Vec<(RecordLink, String)>,
    pub revision: u64,
    pub updated: String,
    /// For a partner page: search within its documents.
    pub search_within: Option<String>,
    pub tools: RecordTools,
}

/// What the viewer may do with the record, as links and buttons.
#[derive(Default)]
pub struct RecordTools {
    pub edit_url: Option<String>,
    pub history_url: String,
    pub status_url: String,
    /// (target status, button label) the viewer may move the record to.
    pub transitions: Vec<(String, String)>,
}

impl DocumentView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let body = html! {
            article.document.(self.kind) {
                header {
                    p.kind {
                        (format::kind_label(&self.kind))
                        @if !self.archive.is_empty() { " — " (self.archive) }
                        @if self.status != "published" { " " span.status { (format::status_label(&self.status)) } }
                    }
                    h1 {
                        @if let Some((s, e)) = self.period { span.period { "(" (format::period(s, e)) ") " } }
                        (self.title)
                    }
                }
                @if !self.facts.is_empty() || self.link.is_some() {
                    dl.facts {
                        @for (label, value) in &self.facts {
                            dt { (label) }
                            dd.nowrap[label == "Montant"] {
                                @if value.is_empty() { span.empty { "non renseigné" } } @else { (value) }
                            }
                        }
                        @if let Some((label, url)) = &self.link {
                            dt { (label) }
                            dd { a href=(url) rel="noopener noreferrer nofollow" { (url) } }
                        }
                    }
                }
                @if !self.partners.is_empty() {
                    section.partners aria-labelledby="partenaires" {
                        h2 #partenaires { "Partenaires" }
                        @for p in &self.partners {
                            div.partner {
                                h3 {
                                    a href=(p.url) { (p.label) }
                                    @if p.name != p.label { " : " (p.name) }
                                    @if p.role != "partner" { " " span.role { "(" (format::role_label(&p.role)) ")" } }
                                }
                                @if !p.description.is_empty() { (markdown::render(&p.description)) }
                            }
                        }
                    }
                }
                @for (i, s) in self.sections.iter().enumerate() {
                    @if !s.markdown.trim().is_empty() {
                        section.text aria-labelledby=(format!("s{i}")) {
                            @if !s.heading.is_empty() { h2 #(format!("s{i}")) { (s.heading) } }
                            (markdown::render(&s.markdown))
                        }
                    }
                }
                @if !self.keywords.is_empty() {
                    section.keywords aria-labelledby="motscles" {
                        h2 #motscles { "Mots-clés" }
                        ul.tags {
                            @for k in &self.keywords {
                                li { a href=(routes::search(&[("keyword", k)])) { (k) } }
                            }
                        }
                    }
                }
                @if !self.related.is_empty() {
                    section.related aria-labelledby="voiraussi" {
                        h2 #voiraussi { "Voir aussi" }
                        ul { @for r in &self.related { li { span.kind { (format::kind_label(&r.kind)) } " " a href=(r.url) { (r.title) } } } }
                    }
                }
                @if let Some(label) = &self.search_within {
                    section.backlinks aria-labelledby="documents" {
                        h2 #documents { "Documents liés (" (self.backlinks.len()) ")" }
                        form.search role="search" action=(routes::SEARCH) method="get" {
                            input type="hidden" name="partner" value=(label);
                            label for="q-within" { "Chercher dans ces documents" }
                            input #q-within type="search" name="q";
                            button type="submit" { "Rechercher" }
                        }
                        @for kind in ["action", "method", "resource"] {
                            @let group: Vec<&(RecordLink, String)> = self.backlinks.iter().filter(|(r, _)| r.kind == kind).collect();
                            @if !group.is_empty() {
                                h3 { (format::kind_plural(kind)) " (" (group.len()) ")" }
                                ul {
                                    @for (r, role) in group {
                                        li { a href=(r.url) { (r.title) } " " span.role { "(" (format::role_label(role)) ")" } }
                                    }
                                }
                            }
                        }
                        @if self.backlinks.is_empty() { p { "Aucun document ne mentionne encore ce partenaire." } }
                    }
                }
                @if self.tools.edit_url.is_some() || !self.tools.transitions.is_empty() {
                    section.tools aria-label="Actions" {
                        @if let Some(url) = &self.tools.edit_url { a.button href=(url) { "Modifier" } }
                        @if !self.tools.transitions.is_empty() {
                            form.status action=(self.tools.status_url) method="post" {
                                input type="hidden" name="revision" value=(self.revision);
                                label for="comment" { "Commentaire (facultatif)" }
                                input #comment type="text" name="comment" maxlength="500";
                                @for (status, label) in &self.tools.transitions {
                                    button type="submit" name="status" value=(status) { (label) }
                                }
                            }
                        }
                    }
                }
                footer.record-meta {
                    p {
                        "Langue : " (format::lang_label(&self.lang))
                        " · Révision " (self.revision)
                        " · Mis à jour le " (self.updated)
                        " · " a href=(self.tools.history_url) { "Historique" }
                    }
                }
            }
        };
        Page {
            title: &self.title,
            query: "",
            body,
        }
        .render(chrome)
    }
}

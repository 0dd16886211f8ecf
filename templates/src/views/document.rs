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
    /// Linked documents, by kind of link, both directions: ("Utilise la méthode",
    /// [...]), ("Voir aussi", [...]) …
    pub related: Vec<(String, Vec<RecordLink>)>,
    /// Records that link here, with the role in which they name this record.
    pub backlinks: Vec<(RecordLink, String)>,
    pub revision: u64,
    pub updated: String,
    /// For a partner page: search within its documents.
    pub search_within: Option<String>,
    pub tools: RecordTools,
    /// On a partner page, for those who may: link a resource, add one, merge.
    pub partner_tools: Option<PartnerTools>,
    /// On a concept page.
    pub concept: Option<ConceptBlock>,
}

pub struct PartnerTools {
    pub link_url: String,
    /// Resource titles offered in the link form.
    pub resource_titles: Vec<String>,
    pub new_resource_url: String,
    /// For editors: merge this partner into another.
    pub merge_url: Option<String>,
    pub partner_names: Vec<String>,
}

/// What a concept page shows beyond the common parts.
pub struct ConceptBlock {
    /// (language, preferred label, alternative labels)
    pub labels: Vec<(String, String, Vec<String>)>,
    pub broader: Vec<RecordLink>,
    pub narrower: Vec<RecordLink>,
    pub related: Vec<RecordLink>,
    /// Records tagged with the concept or a narrower one, and how many in all.
    pub tagged: Vec<RecordLink>,
    pub tagged_total: usize,
    pub tagged_url: String,
    /// For editors: delete the concept.
    pub delete_url: Option<String>,
}

/// What the viewer may do with the record, as links and buttons.
#[derive(Default)]
pub struct RecordTools {
    pub edit_url: Option<String>,
    pub history_url: String,
    pub status_url: String,
    /// The record as a Markdown file.
    pub markdown_url: String,
    /// The Atom feed of a partner's or a concept's records.
    pub feed_url: Option<String>,
    /// (target status, button label) the viewer may move the record to.
    pub transitions: Vec<(String, String)>,
}

/// The roles present, in a stable order.
fn roles_in(links: &[(RecordLink, String)]) -> Vec<String> {
    let mut roles: Vec<String> = links.iter().map(|(_, r)| r.clone()).collect();
    roles.sort_by_key(|r| (r != "pilot", r != "partner", r.clone()));
    roles.dedup();
    roles
}

fn link_list(links: &[RecordLink]) -> Markup {
    html! {
        ul { @for r in links { li { a href=(r.url) { (r.title) } } } }
    }
}

fn concept_block(c: &ConceptBlock) -> Markup {
    html! {
        section.concept aria-labelledby="termes" {
            h2 #termes { "Termes" }
            dl.facts {
                @for (lang, pref, alts) in &c.labels {
                    dt { (format::lang_label(lang)) }
                    dd {
                        strong { (pref) }
                        @if !alts.is_empty() { " — aussi : " (alts.join(", ")) }
                    }
                }
            }
            @if !c.broader.is_empty() { h3 { "Termes génériques" } (link_list(&c.broader)) }
            @if !c.narrower.is_empty() { h3 { "Termes spécifiques" } (link_list(&c.narrower)) }
            @if !c.related.is_empty() { h3 { "Termes associés" } (link_list(&c.related)) }
        }
        section.tagged aria-labelledby="indexes" {
            h2 #indexes { "Documents indexés (" (c.tagged_total) ")" }
            p.hint { "Avec ce terme ou un terme plus spécifique." }
            @if c.tagged.is_empty() { p { "Aucun document n'est encore indexé avec ce terme." } }
            ul { @for r in &c.tagged { li { span.kind { (format::kind_label(&r.kind)) } " " a href=(r.url) { (r.title) } } } }
            @if c.tagged_total > c.tagged.len() { p { a href=(c.tagged_url) { "Voir les " (c.tagged_total) " documents" } } }
            @if let Some(url) = &c.delete_url {
                form.inline action=(url) method="post" {
                    button type="submit" { "Supprimer ce terme" }
                }
            }
        }
    }
}

fn partner_tools(t: &PartnerTools) -> Markup {
    html! {
        section.partner-tools aria-labelledby="lier" {
            h2 #lier { "Lier à ce partenaire" }
            form.inline action=(t.link_url) method="post" {
                label for="link-resource" { "Ressource existante" }
                input #link-resource type="text" name="resource" list="resource-titles" required;
                datalist #resource-titles { @for title in &t.resource_titles { option value=(title) {} } }
                label for="link-role" { "rôle" }
                select #link-role name="role" {
                    @for (value, label) in crate::views::form::ROLES { option value=(value) selected[*value == "user"] { (label) } }
                }
                button type="submit" { "Lier" }
            }
            p { a href=(t.new_resource_url) { "Créer une ressource liée à ce partenaire" } }
            @if let Some(url) = &t.merge_url {
                form.inline action=(url) method="post" {
                    label for="merge-into" { "Fusionner ce partenaire dans" }
                    input #merge-into type="text" name="into" list="partner-names" required;
                    datalist #partner-names { @for n in &t.partner_names { option value=(n) {} } }
                    button type="submit" { "Fusionner" }
                }
            }
        }
    }
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
                    h1 lang=(self.lang) {
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
                            // The record's language, for screen readers' voices;
                            // the heading is the interface's.
                            div lang=(self.lang) { (markdown::render(&s.markdown)) }
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
                @if let Some(c) = &self.concept { (concept_block(c)) }
                @for (i, (label, links)) in self.related.iter().enumerate() {
                    section.related aria-labelledby=(format!("rel{i}")) {
                        h2 id=(format!("rel{i}")) { (label) }
                        ul { @for r in links { li { span.kind { (format::kind_label(&r.kind)) } " " a href=(r.url) { (r.title) } } } }
                    }
                }
                @if let Some(label) = &self.search_within {
                    section.backlinks aria-labelledby="documents" {
                        h2 #documents { "Documents liés (" (self.backlinks.len()) ")" }
                        form.search role="search" aria-labelledby="documents" action=(routes::SEARCH) method="get" {
                            input type="hidden" name="partner" value=(label);
                            label for="q-within" { "Chercher dans ces documents" }
                            input #q-within type="search" name="q";
                            button type="submit" { "Rechercher" }
                        }
                        @for role in roles_in(&self.backlinks) {
                            @let group: Vec<&RecordLink> = self.backlinks.iter().filter(|(_, r)| *r == role).map(|(l, _)| l).collect();
                            h3 { "Comme " (format::role_label(&role)) " (" (group.len()) ")" }
                            ul {
                                @for r in group {
                                    li { span.kind { (format::kind_label(&r.kind)) } " " a href=(r.url) { (r.title) } }
                                }
                            }
                        }
                        @if self.backlinks.is_empty() { p { "Aucun document ne mentionne encore ce partenaire." } }
                    }
                }
                @if let Some(t) = &self.partner_tools { (partner_tools(t)) }
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
                        span.alternates {
                            " · " a href=(self.tools.markdown_url) type="text/markdown" { "Markdown" }
                            @if let Some(url) = &self.tools.feed_url {
                                " · " a href=(url) type="application/atom+xml" { "Suivre ces documents (Atom)" }
                            }
                        }
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

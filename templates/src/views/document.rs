//! A record's page, laid out like the sheet it represents: the facts first
//! (Référent, Pilote, Montant …), the partners with their descriptions, then the
//! long sections. Partner pages use the same view, with the records that link to
//! the partner.

use maud::{Markup, html};

use super::RecordLink;
use crate::i18n::{Lang, t, tf};
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
    /// The record's language (`fr`, `en`, `es`): its content is marked with it,
    /// and a badge names it when it is not the interface's.
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
    /// Names of the record's places (each links to the search of that place).
    pub places: Vec<String>,
    /// Keywords as the interface's language says them, where the thesaurus has
    /// that label.
    pub keyword_labels: std::collections::BTreeMap<String, String>,
    /// Linked documents, by kind of link, both directions: ("Utilise la méthode",
    /// [...]), ("Voir aussi", [...]) …
    pub related: Vec<(String, Vec<RecordLink>)>,
    /// The same document in other languages, as (language, link).
    pub translations: Vec<(String, RecordLink)>,
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
    /// What people said about the record, and following it.
    pub discussion: Option<super::discussion::Discussion>,
    /// On a partner's page, just after a resource was linked to it: where to
    /// undo that, and the resource's id.
    pub undo_link: Option<(String, String)>,
    pub attachments: Vec<super::attachments::AttachmentRow>,
    /// Where those who may edit the record manage its attachments.
    pub attachments_url: Option<String>,
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
    /// Where a revision is restored, for those who may.
    pub restore_url: Option<String>,
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

fn concept_block(lang: Lang, c: &ConceptBlock) -> Markup {
    html! {
        section.concept aria-labelledby="termes" {
            h2 #termes { (t(lang, "concept.labels")) }
            dl.facts {
                @for (label_lang, pref, alts) in &c.labels {
                    dt { (format::lang_label(lang, label_lang)) }
                    dd lang=(label_lang) {
                        strong { (pref) }
                        @if !alts.is_empty() { " — " span lang=(lang.code()) { (t(lang, "concept.also")) } " " (alts.join(", ")) }
                    }
                }
            }
            @if !c.broader.is_empty() { h3 { (t(lang, "concept.broader")) } (link_list(&c.broader)) }
            @if !c.narrower.is_empty() { h3 { (t(lang, "concept.narrower")) } (link_list(&c.narrower)) }
            @if !c.related.is_empty() { h3 { (t(lang, "concept.related")) } (link_list(&c.related)) }
        }
        section.tagged aria-labelledby="indexes" {
            h2 #indexes { (tf(lang, "concept.tagged", &[("count", &c.tagged_total)])) }
            p.hint { (t(lang, "concept.tagged_hint")) }
            @if c.tagged.is_empty() { p { (t(lang, "concept.tagged_none")) } }
            ul { @for r in &c.tagged { li { span.kind { (format::kind_label(lang, &r.kind)) } " " a href=(r.url) { (r.title) } } } }
            @if c.tagged_total > c.tagged.len() { p { a href=(c.tagged_url) { (tf(lang, "concept.tagged_all", &[("count", &c.tagged_total)])) } } }
            @if let Some(url) = &c.delete_url {
                form.inline action=(url) method="post" {
                    button type="submit" { (t(lang, "concept.delete")) }
                }
            }
        }
    }
}

fn partner_tools(lang: Lang, tools: &PartnerTools) -> Markup {
    html! {
        section.partner-tools aria-labelledby="lier" {
            h2 #lier { (t(lang, "partner_tools.heading")) }
            form.inline action=(tools.link_url) method="post" {
                label for="link-resource" { (t(lang, "partner_tools.resource")) }
                input #link-resource type="text" name="resource" list="resource-titles" required;
                datalist #resource-titles { @for title in &tools.resource_titles { option value=(title) {} } }
                label for="link-role" { (t(lang, "partner_tools.role")) }
                select #link-role name="role" {
                    @for value in crate::views::form::ROLES { option value=(value) selected[*value == "user"] { (format::role_label(lang, value)) } }
                }
                button type="submit" { (t(lang, "partner_tools.link")) }
            }
            p { a href=(tools.new_resource_url) { (t(lang, "partner_tools.new_resource")) } }
            @if let Some(url) = &tools.merge_url {
                form.inline action=(url) method="post" {
                    label for="merge-into" { (t(lang, "partner_tools.merge_into")) }
                    input #merge-into type="text" name="into" list="partner-names" required;
                    datalist #partner-names { @for n in &tools.partner_names { option value=(n) {} } }
                    button type="submit" { (t(lang, "partner_tools.merge")) }
                }
            }
        }
    }
}

impl DocumentView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        // The content is in the record's language, the labels around it in the
        // interface's: mark the content when they differ.
        let content_lang = (self.lang != lang.code()).then_some(self.lang.as_str());
        let body = html! {
            article.document.(self.kind) {
                header {
                    p.kind {
                        (format::kind_label(lang, &self.kind))
                        @if !self.archive.is_empty() { " — " span lang=[content_lang] { (self.archive) } }
                        @if self.status != "published" { " " span.status { (format::status_label(lang, &self.status)) } }
                        @if content_lang.is_some() {
                            " " span.record-lang title=(t(lang, "document.language")) { (format::lang_label(lang, &self.lang)) }
                        }
                    }
                    h1 lang=(self.lang) {
                        @if let Some((s, e)) = self.period { span.period { "(" (format::period(s, e)) ") " } }
                        (self.title)
                    }
                }
                @if let Some((url, resource)) = &self.undo_link {
                    form.undo action=(url) method="post" {
                        input type="hidden" name="resource" value=(resource);
                        button type="submit" { (t(lang, "document.undo_link")) }
                    }
                }
                // Just restored: the previous revision is one click away.
                @if chrome.flash == Some("flash.restored") && self.revision > 1 {
                    @if let Some(url) = &self.tools.restore_url {
                        form.undo action=(url) method="post" {
                            input type="hidden" name="revision" value=(self.revision - 1);
                            input type="hidden" name="current" value=(self.revision);
                            input type="hidden" name="confirm" value="yes";
                            button type="submit" { (t(lang, "document.undo_restore")) }
                        }
                    }
                }
                @if self.tools.edit_url.is_some() || !self.tools.transitions.is_empty() {
                    section.tools aria-label=(t(lang, "document.tools")) {
                        @if let Some(url) = &self.tools.edit_url { a.button href=(url) { (t(lang, "document.edit")) } }
                        @if !self.tools.transitions.is_empty() {
                            form.status action=(self.tools.status_url) method="post" {
                                input type="hidden" name="revision" value=(self.revision);
                                label for="comment" { (t(lang, "document.comment")) }
                                input #comment type="text" name="comment" maxlength="500";
                                @for (status, label) in &self.tools.transitions {
                                    button type="submit" name="status" value=(status) { (label) }
                                }
                            }
                        }
                    }
                }
                // The text first; beside it on a wide screen (above it on a
                // phone), the facts, partners and keywords.
                div.record-layout {
                    div.record-main {
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
                        @if let Some(c) = &self.concept { (concept_block(lang, c)) }
                        @if !self.translations.is_empty() {
                            section.translations aria-labelledby="traductions" {
                                h2 #traductions { (t(lang, "relation.translation")) }
                                ul {
                                    @for (other, r) in &self.translations {
                                        li {
                                            span.record-lang { (format::lang_label(lang, other)) }
                                            " — "
                                            a href=(r.url) hreflang=(other) lang=(other) { (r.title) }
                                        }
                                    }
                                }
                            }
                        }
                        @for (i, (label, links)) in self.related.iter().enumerate() {
                            section.related aria-labelledby=(format!("rel{i}")) {
                                h2 id=(format!("rel{i}")) { (label) }
                                ul { @for r in links { li { span.kind { (format::kind_label(lang, &r.kind)) } " " a href=(r.url) { (r.title) } } } }
                            }
                        }
                        @if let Some(label) = &self.search_within {
                            section.backlinks aria-labelledby="documents" {
                                h2 #documents { (tf(lang, "document.backlinks", &[("count", &self.backlinks.len())])) }
                                form.search role="search" aria-labelledby="documents" action=(routes::SEARCH) method="get" {
                                    input type="hidden" name="partner" value=(label);
                                    label for="q-within" { (t(lang, "document.search_within")) }
                                    input #q-within type="search" name="q";
                                    button type="submit" { (t(lang, "search_box.button")) }
                                }
                                @for role in roles_in(&self.backlinks) {
                                    @let group: Vec<&RecordLink> = self.backlinks.iter().filter(|(_, r)| *r == role).map(|(l, _)| l).collect();
                                    h3 { (tf(lang, "document.as_role", &[("role", &format::role_label(lang, &role)), ("count", &group.len())])) }
                                    ul {
                                        @for r in group {
                                            li { span.kind { (format::kind_label(lang, &r.kind)) } " " a href=(r.url) { (r.title) } }
                                        }
                                    }
                                }
                                @if self.backlinks.is_empty() { p { (t(lang, "document.no_backlinks")) } }
                            }
                        }
                    }
                    aside.record-side aria-label=(t(lang, "document.facts")) {
                        @if !self.facts.is_empty() || self.link.is_some() {
                            dl.facts {
                                @for (label, value) in &self.facts {
                                    dt { (label) }
                                    dd.nowrap[label == t(lang, "field.amount")] {
                                        @if value.is_empty() { span.empty { (t(lang, "document.empty")) } } @else { (value) }
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
                                h2 #partenaires { (t(lang, "document.partners")) }
                                @for p in &self.partners {
                                    div.partner {
                                        h3 {
                                            a href=(p.url) { (p.label) }
                                            @if p.name != p.label { " : " (p.name) }
                                            @if p.role != "partner" { " " span.role { "(" (format::role_label(lang, &p.role)) ")" } }
                                        }
                                        @if !p.description.is_empty() {
                                            details.about {
                                                summary { (t(lang, "document.partner_about")) }
                                                (markdown::render(&p.description))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        @if !self.places.is_empty() {
                            section.places aria-labelledby="lieux" {
                                h2 #lieux { (t(lang, "field.places")) }
                                ul.tags {
                                    @for p in &self.places {
                                        li { a href=(routes::search(&[("place", p)])) { (p) } }
                                    }
                                }
                                @let on_map: Vec<(&str, &str)> = self.places.iter().map(|p| ("place", p.as_str())).collect();
                                p { a href=(routes::places_map(&on_map)) { (t(lang, "document.places_map")) } }
                            }
                        }
                        @if !self.keywords.is_empty() {
                            section.keywords aria-labelledby="motscles" {
                                h2 #motscles { (t(lang, "document.keywords")) }
                                ul.tags {
                                    @for k in &self.keywords {
                                        li { a href=(routes::search(&[("keyword", k)])) { (self.keyword_labels.get(k).unwrap_or(k)) } }
                                    }
                                }
                            }
                        }
                    }
                }
                (super::attachments::section(lang, &self.attachments, self.attachments_url.as_deref()))
                @if let Some(tools) = &self.partner_tools { (partner_tools(lang, tools)) }
                @if let Some(d) = &self.discussion { (d.render(lang)) }
                footer.record-meta {
                    p {
                        (tf(lang, "document.meta_lang", &[("lang", &format::lang_label(lang, &self.lang))]))
                        " · " (tf(lang, "document.meta_revision", &[("revision", &self.revision)]))
                        " · " (tf(lang, "document.meta_updated", &[("date", &self.updated)]))
                        " · " a href=(self.tools.history_url) { (t(lang, "history.title")) }
                        span.alternates {
                            " · " a href=(self.tools.markdown_url) type="text/markdown" { "Markdown" }
                            @if let Some(url) = &self.tools.feed_url {
                                " · " a href=(url) type="application/atom+xml" { (t(lang, "document.feed")) }
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

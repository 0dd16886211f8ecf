//! Revision history of a record, differences between two revisions, and the
//! site-wide list of recent changes.

use maud::{Markup, html};

use crate::format;
use crate::i18n::{Lang, t, tf};
use crate::layout::{Chrome, Page};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffOp {
    Same,
    Added,
    Removed,
}

/// How one field changed, word by word.
#[derive(Debug, Clone)]
pub struct FieldDiff {
    pub field: String,
    pub segments: Vec<(DiffOp, String)>,
}

/// The changed fields, with removed words struck through and added ones marked.
pub fn render_diffs(lang: Lang, diffs: &[FieldDiff]) -> Markup {
    html! {
        @if diffs.is_empty() { p { (t(lang, "history.no_difference")) } }
        @for d in diffs {
            section.diff {
                h3 { (d.field) }
                p.diff-text {
                    @for (op, text) in &d.segments {
                        @match op {
                            DiffOp::Same => { (text) }
                            DiffOp::Added => { ins { (text) } }
                            DiffOp::Removed => { del { (text) } }
                        }
                    }
                }
            }
        }
    }
}

pub struct RevisionRow {
    pub number: u64,
    pub author: String,
    pub time: String,
    pub message: String,
    pub status: String,
}

pub struct HistoryView {
    pub title: String,
    pub record_url: String,
    pub diff_url: String,
    pub restore_url: Option<String>,
    pub current: u64,
    pub rows: Vec<RevisionRow>,
}

impl HistoryView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            p { a href=(self.record_url) { "← " (self.title) } }
            h1 { (t(lang, "history.title")) }
            @if self.rows.len() > 1 {
                form.inline action=(self.diff_url) method="get" {
                    label for="from" { (t(lang, "history.compare_from")) }
                    select #from name="from" { @for r in &self.rows { option value=(r.number) selected[r.number + 1 == self.current] { (r.number) } } }
                    label for="to" { (t(lang, "history.compare_to")) }
                    select #to name="to" { @for r in &self.rows { option value=(r.number) selected[r.number == self.current] { (r.number) } } }
                    button type="submit" { (t(lang, "history.compare")) }
                }
            }
            table.history {
                thead { tr { th { (t(lang, "history.revision")) } th { (t(lang, "history.date")) } th { (t(lang, "history.author")) } th { (t(lang, "history.status")) } th { (t(lang, "history.message")) } th { span.visually-hidden { (t(lang, "history.actions")) } } } }
                tbody {
                    @for r in self.rows.iter().rev() {
                        tr {
                            td { (r.number) }
                            td { (r.time) }
                            td { (r.author) }
                            td { (format::status_label(lang, &r.status)) }
                            td { (r.message) }
                            td {
                                @if r.number > 1 {
                                    a href=(format!("{}?from={}&to={}", self.diff_url, r.number - 1, r.number)) { (t(lang, "history.changes_link")) }
                                }
                                @if let Some(url) = &self.restore_url {
                                    @if r.number != self.current {
                                        form.inline action=(url) method="post" {
                                            input type="hidden" name="revision" value=(r.number);
                                            input type="hidden" name="current" value=(self.current);
                                            button.link type="submit" { (t(lang, "history.restore")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        };
        let title = tf(lang, "history.page_title", &[("title", &self.title)]);
        Page {
            title: &title,
            query: "",
            body,
        }
        .render(chrome)
    }
}

pub struct DiffView {
    pub title: String,
    pub record_url: String,
    pub history_url: String,
    pub from: u64,
    pub to: u64,
    pub diffs: Vec<FieldDiff>,
}

impl DiffView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            p { a href=(self.record_url) { "← " (self.title) } " · " a href=(self.history_url) { (t(lang, "history.title")) } }
            h1 { (tf(lang, "diff.heading", &[("from", &self.from), ("to", &self.to)])) }
            (render_diffs(lang, &self.diffs))
        };
        let title = tf(lang, "diff.page_title", &[("title", &self.title)]);
        Page {
            title: &title,
            query: "",
            body,
        }
        .render(chrome)
    }
}

pub struct ChangeRow {
    pub time: String,
    pub author: String,
    pub message: String,
    pub kind: String,
    pub title: String,
    pub url: String,
    pub revision: u64,
    pub status: String,
}

/// "Mon travail": a writer's own records, in the order they need attention.
#[derive(Default)]
pub struct MyWorkView {
    /// Drafts an editor sent back, with the editor's comment as the message.
    pub sent_back: Vec<ChangeRow>,
    pub proposed: Vec<ChangeRow>,
    pub drafts: Vec<ChangeRow>,
    pub published: Vec<ChangeRow>,
    /// The records the writer follows.
    pub followed: Vec<super::RecordLink>,
}

impl MyWorkView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let groups = [
            ("sent-back", "my_work.sent_back", &self.sent_back),
            ("proposed", "my_work.proposed", &self.proposed),
            ("drafts", "my_work.drafts", &self.drafts),
            ("published", "my_work.published", &self.published),
        ];
        let title = t(lang, "my_work.title");
        let body = html! {
            h1 { (title) }
            p { (t(lang, "my_work.intro")) }
            @for (id, heading, rows) in groups {
                section.my-work id=(id) aria-labelledby=(format!("{id}-h")) {
                    h2 id=(format!("{id}-h")) { (t(lang, heading)) " (" (rows.len()) ")" }
                    @if rows.is_empty() {
                        p { (t(lang, "my_work.none")) }
                    } @else {
                        ul.changes {
                            @for r in rows.iter() {
                                li {
                                    span.kind { (format::kind_label(lang, &r.kind)) } " "
                                    a href=(r.url) { (r.title) }
                                    " — " span.time { (r.time) }
                                    @if id == "sent-back" && !r.message.is_empty() {
                                        " — " (tf(lang, "my_work.said", &[("author", &r.author)])) " "
                                        q.message { (r.message) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.my-work #followed aria-labelledby="followed-h" {
                h2 #followed-h { (t(lang, "my_work.followed")) " (" (self.followed.len()) ")" }
                @if self.followed.is_empty() {
                    p { (t(lang, "my_work.none")) }
                } @else {
                    ul.changes {
                        @for r in &self.followed {
                            li { span.kind { (format::kind_label(lang, &r.kind)) } " " a href=(r.url) { (r.title) } }
                        }
                    }
                }
            }
        };
        Page {
            title,
            query: "",
            body,
        }
        .render(chrome)
    }
}

pub struct ChangesView {
    pub heading: String,
    pub intro: String,
    pub rows: Vec<ChangeRow>,
    /// For the review queue: links contributors proposed.
    pub proposals: Vec<ProposalRow>,
}

/// A link a contributor proposed, as the review queue lists it.
pub struct ProposalRow {
    pub resource: String,
    pub resource_url: String,
    pub partner: String,
    pub partner_url: String,
    pub role: String,
    pub by: String,
    pub time: String,
    pub accept_url: String,
    pub refuse_url: String,
}

impl ChangesView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            h1 { (self.heading) }
            p { (self.intro) }
            @if self.rows.is_empty() { p { (t(lang, "changes.nothing")) } }
            ol.changes {
                @for r in &self.rows {
                    li {
                        span.time { (r.time) } " "
                        span.kind { (format::kind_label(lang, &r.kind)) } " "
                        a href=(r.url) { (r.title) }
                        " — " (tf(lang, "changes.revision_by", &[("revision", &r.revision), ("author", &r.author)]))
                        @if r.status != "published" { " " span.status { "(" (format::status_label(lang, &r.status)) ")" } }
                        @if !r.message.is_empty() { " : " span.message { (r.message) } }
                    }
                }
            }
            @if !self.proposals.is_empty() {
                h2 #liens { (t(lang, "review.links")) }
                ul.proposals {
                    @for p in &self.proposals {
                        li {
                            span.time { (p.time) } " "
                            (tf(lang, "review.link_by", &[("by", &p.by)])) " "
                            a href=(p.resource_url) { (p.resource) } " → "
                            a href=(p.partner_url) { (p.partner) }
                            " (" (format::role_label(lang, &p.role)) ") "
                            form.inline action=(p.accept_url) method="post" {
                                button type="submit" { (t(lang, "review.accept")) }
                            }
                            " "
                            form.inline action=(p.refuse_url) method="post" {
                                button.secondary type="submit" { (t(lang, "review.refuse")) }
                            }
                        }
                    }
                }
            }
        };
        Page {
            title: &self.heading,
            query: "",
            body,
        }
        .render(chrome)
    }
}

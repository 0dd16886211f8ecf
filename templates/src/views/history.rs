//! Revision history of a record, differences between two revisions, and the
//! site-wide list of recent changes.

use maud::{Markup, html};

use crate::format;
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
pub fn render_diffs(diffs: &[FieldDiff]) -> Markup {
    html! {
        @if diffs.is_empty() { p { "Aucune différence." } }
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
        let body = html! {
            p { a href=(self.record_url) { "← " (self.title) } }
            h1 { "Historique" }
            @if self.rows.len() > 1 {
                form.inline action=(self.diff_url) method="get" {
                    label for="from" { "Comparer la révision" }
                    select #from name="from" { @for r in &self.rows { option value=(r.number) selected[r.number + 1 == self.current] { (r.number) } } }
                    label for="to" { "avec" }
                    select #to name="to" { @for r in &self.rows { option value=(r.number) selected[r.number == self.current] { (r.number) } } }
                    button type="submit" { "Comparer" }
                }
            }
            table.history {
                thead { tr { th { "Révision" } th { "Date" } th { "Auteur" } th { "Statut" } th { "Message" } th { span.visually-hidden { "Actions" } } } }
                tbody {
                    @for r in self.rows.iter().rev() {
                        tr {
                            td { (r.number) }
                            td { (r.time) }
                            td { (r.author) }
                            td { (format::status_label(&r.status)) }
                            td { (r.message) }
                            td {
                                @if r.number > 1 {
                                    a href=(format!("{}?from={}&to={}", self.diff_url, r.number - 1, r.number)) { "changements" }
                                }
                                @if let Some(url) = &self.restore_url {
                                    @if r.number != self.current {
                                        form.inline action=(url) method="post" {
                                            input type="hidden" name="revision" value=(r.number);
                                            input type="hidden" name="current" value=(self.current);
                                            button.link type="submit" { "restaurer" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        };
        let title = format!("Historique — {}", self.title);
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
        let body = html! {
            p { a href=(self.record_url) { "← " (self.title) } " · " a href=(self.history_url) { "Historique" } }
            h1 { "Révision " (self.from) " → révision " (self.to) }
            (render_diffs(&self.diffs))
        };
        let title = format!("Changements — {}", self.title);
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

pub struct ChangesView {
    pub heading: String,
    pub intro: String,
    pub rows: Vec<ChangeRow>,
}

impl ChangesView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let body = html! {
            h1 { (self.heading) }
            p { (self.intro) }
            @if self.rows.is_empty() { p { "Rien pour le moment." } }
            ol.changes {
                @for r in &self.rows {
                    li {
                        span.time { (r.time) } " "
                        span.kind { (format::kind_label(&r.kind)) } " "
                        a href=(r.url) { (r.title) }
                        " — révision " (r.revision) " par " (r.author)
                        @if r.status != "published" { " " span.status { "(" (format::status_label(&r.status)) ")" } }
                        @if !r.message.is_empty() { " : " span.message { (r.message) } }
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

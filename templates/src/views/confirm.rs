//! The step before a change that cannot simply be undone (merging partners,
//! restoring a revision, deleting a concept): what will happen, and a button to
//! do it or a link back.

use maud::{Markup, html};

use crate::i18n::t;
use crate::layout::{Chrome, Page};

pub struct ConfirmView {
    /// The question: "Fusionner « A » dans « B » ?".
    pub heading: String,
    /// What will happen, one sentence each.
    pub consequences: Vec<String>,
    /// Where the confirmed form goes, and what it sends again.
    pub action: String,
    pub fields: Vec<(String, String)>,
    /// The button's label, naming the change.
    pub confirm: String,
    /// Where "Annuler" goes: the page the request came from.
    pub cancel: String,
    /// Values to keep or leave out, each a checkbox checked at first: (legend,
    /// field name, values).
    pub options: Option<(String, String, Vec<String>)>,
}

impl ConfirmView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            h1 { (self.heading) }
            ul.consequences { @for c in &self.consequences { li { (c) } } }
            form.confirm action=(self.action) method="post" {
                @for (name, value) in &self.fields {
                    input type="hidden" name=(name) value=(value);
                }
                input type="hidden" name="confirm" value="yes";
                @if let Some((legend, name, values)) = &self.options {
                    fieldset.options {
                        legend { (legend) }
                        @for (i, value) in values.iter().enumerate() {
                            div {
                                input type="checkbox" id=(format!("option-{i}")) name=(name) value=(value) checked;
                                " " label for=(format!("option-{i}")) { (value) }
                            }
                        }
                    }
                }
                button type="submit" { (self.confirm) }
                " " a.cancel href=(self.cancel) { (t(lang, "confirm.cancel")) }
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

/// A form's answer when what was typed names no record exactly: the records it
/// may mean, each a button that sends the form again with it; the text, to
/// correct; and a way on. Never a dead end.
pub struct ChoiceView {
    pub heading: String,
    pub message: String,
    pub action: String,
    /// The field that names the record, its label, and what was typed in it.
    pub field: String,
    pub field_label: String,
    pub typed: String,
    /// The form's other fields, sent again as they were.
    pub fields: Vec<(String, String)>,
    /// The records it may mean: (title, what to send in `field`).
    pub choices: Vec<(String, String)>,
    /// Another way on: (label, address), such as creating the record.
    pub other: Option<(String, String)>,
    pub cancel: String,
}

impl ChoiceView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let hidden = html! {
            @for (name, value) in &self.fields {
                input type="hidden" name=(name) value=(value);
            }
        };
        let body = html! {
            h1 { (self.heading) }
            p.error role="alert" { (self.message) }
            @if !self.choices.is_empty() {
                h2 { (t(lang, "choice.maybe")) }
                ul.choices {
                    @for (title, value) in &self.choices {
                        li {
                            form.inline action=(self.action) method="post" {
                                (hidden)
                                input type="hidden" name=(self.field) value=(value);
                                button type="submit" { (title) }
                            }
                        }
                    }
                }
            }
            form.stacked action=(self.action) method="post" {
                (hidden)
                label for="choice-typed" { (self.field_label) }
                input #choice-typed type="text" name=(self.field) value=(self.typed) required;
                button type="submit" { (t(lang, "choice.again")) }
            }
            p {
                @if let Some((label, url)) = &self.other { a href=(url) { (label) } " · " }
                a.cancel href=(self.cancel) { (t(lang, "confirm.cancel")) }
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

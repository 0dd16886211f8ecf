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

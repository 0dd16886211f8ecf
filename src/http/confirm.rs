//! Changes that cannot simply be undone ask first: the form's first answer is a
//! page saying what will happen, whose button sends the same form again with
//! `confirm=yes`.

use axum::response::{Html, IntoResponse, Response};
use savoirs_templates::views::confirm::ConfirmView;

use super::Viewer;
use super::auth::chrome;
use super::flash::{self, Flash};
use super::forms::FormData;

/// What a form that asks first answers.
pub enum Answer {
    /// Done: go there and say so.
    Done(String, Flash),
    /// Not confirmed yet: this page asks.
    Ask(Box<ConfirmView>),
}

/// Whether the form was sent from the confirmation page.
pub fn confirmed(form: &FormData) -> bool {
    form.get("confirm") == "yes"
}

impl Answer {
    pub fn respond(self, viewer: &Viewer) -> Response {
        match self {
            Answer::Done(url, said) => flash::redirect(&url, said),
            Answer::Ask(view) => Html(view.render(&chrome(viewer)).into_string()).into_response(),
        }
    }
}

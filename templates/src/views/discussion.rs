//! A record's discussion, shown under its content, and an account's
//! notifications.

use maud::{Markup, html};

use crate::i18n::{Lang, t, tf};
use crate::layout::{Chrome, Page};
use crate::markdown;

/// A comment as shown.
pub struct CommentRow {
    pub number: u64,
    pub author: String,
    pub time: String,
    /// Markdown, rendered sanitized.
    pub text: String,
    /// When it was last changed, if it was.
    pub edited: Option<String>,
    /// Earlier versions, oldest first, as (time, text).
    pub earlier: Vec<(String, String)>,
    /// Where its author sends a new version; `None` for others.
    pub edit_url: Option<String>,
}

/// The discussion block of a record's page.
pub struct Discussion {
    pub comments: Vec<CommentRow>,
    /// Where a new comment goes; `None` for anonymous readers.
    pub post_url: Option<String>,
    /// Anonymous readers are offered to log in and come back.
    pub login_url: String,
    /// Whether the viewer follows the record (`None`: anonymous), and where
    /// to change that.
    pub following: Option<bool>,
    pub follow_url: String,
    /// A comment sent back to its writer, with what was wrong with it.
    pub draft: String,
    pub error: Option<String>,
}

impl Discussion {
    pub fn render(&self, lang: Lang) -> Markup {
        html! {
            section.discussion aria-labelledby="discussion" {
                h2 #discussion { (tf(lang, "discussion.title", &[("count", &self.comments.len())])) }
                @if let Some(following) = self.following {
                    form.follow action=(self.follow_url) method="post" {
                        input type="hidden" name="follow" value=(if following { "0" } else { "1" });
                        button type="submit" {
                            (t(lang, if following { "discussion.unfollow" } else { "discussion.follow" }))
                        }
                        " " span.hint { (t(lang, "discussion.follow_hint")) }
                    }
                }
                @if self.comments.is_empty() { p { (t(lang, "discussion.none")) } }
                @for c in &self.comments {
                    article.comment id=(format!("c{}", c.number)) {
                        p.comment-meta {
                            strong { (c.author) } " — " span.time { (c.time) }
                            @if let Some(when) = &c.edited { " (" (tf(lang, "discussion.edited", &[("date", when)])) ")" }
                        }
                        div.comment-text { (markdown::render(&c.text)) }
                        @if !c.earlier.is_empty() {
                            details.earlier {
                                summary { (tf(lang, "discussion.earlier", &[("count", &c.earlier.len())])) }
                                @for (time, text) in &c.earlier {
                                    div.version { p.time { (time) } (markdown::render(text)) }
                                }
                            }
                        }
                        @if let Some(url) = &c.edit_url {
                            details.edit-comment {
                                summary { (t(lang, "discussion.edit")) }
                                form action=(url) method="post" {
                                    @let id = format!("edit-c{}", c.number);
                                    label for=(id) { (t(lang, "discussion.text")) }
                                    textarea id=(id) name="text" rows="4" required maxlength="10000" { (c.text) }
                                    button type="submit" { (t(lang, "discussion.save")) }
                                }
                            }
                        }
                    }
                }
                @if let Some(url) = &self.post_url {
                    form.comment-form action=(url) method="post" {
                        label for="comment-text" { (t(lang, "discussion.add")) }
                        p.hint #comment-hint { (t(lang, "hint.markdown")) }
                        @if let Some(error) = &self.error { p.error role="alert" { (error) } }
                        textarea #comment-text name="text" rows="4" required maxlength="10000" aria-describedby="comment-hint" { (self.draft) }
                        button type="submit" { (t(lang, "discussion.submit")) }
                    }
                } @else {
                    p { a href=(self.login_url) { (t(lang, "discussion.login")) } }
                }
            }
        }
    }
}

/// A notification as listed.
pub struct NotificationRow {
    /// Its text key (`notify.comment` …).
    pub what: String,
    pub by: String,
    pub title: String,
    pub url: String,
    pub time: String,
    /// The comment, or the reason given for sending back.
    pub text: String,
    pub read: bool,
}

pub struct NotificationsView {
    pub rows: Vec<NotificationRow>,
    pub mark_read_url: String,
}

impl NotificationsView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let title = t(lang, "notify.title");
        let unread = self.rows.iter().any(|r| !r.read);
        let body = html! {
            h1 { (title) }
            p { (t(lang, "notify.intro")) }
            @if unread {
                form action=(self.mark_read_url) method="post" {
                    button type="submit" { (t(lang, "notify.mark_read")) }
                }
            }
            @if self.rows.is_empty() { p { (t(lang, "notify.none")) } }
            ul.notifications {
                @for r in &self.rows {
                    li.unread[!r.read] {
                        @if !r.read { span.badge { (t(lang, "notify.unread")) } " " }
                        (tf(lang, &r.what, &[("by", &r.by)])) " "
                        a href=(r.url) { (r.title) }
                        " — " span.time { (r.time) }
                        @if !r.text.is_empty() { " " q.message { (r.text) } }
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

//! A record's discussion (comments, and following the record) and the
//! notifications page. Every change goes through [`crate::ops`].

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use savoirs_templates::routes;
use savoirs_templates::views::RecordLink;
use savoirs_templates::views::discussion::{
    CommentRow, Discussion, NotificationRow, NotificationsView,
};

use super::auth::{chrome, require_login};
use super::flash::{self, Flash};
use super::forms::{self, FormData};
use super::records::{find, record_page};
use super::{AppError, AppState, Routes, Viewer};
use crate::model::Record;
use crate::ops::OpError;
use crate::store::StoreError;
use crate::store::discussion::Comment;

pub fn routes(r: &mut Routes) {
    r.post("/{kind}/{slug}/comments", add_comment);
    r.post("/{kind}/{slug}/comments/{number}", edit_comment);
    r.post("/{kind}/{slug}/follow", follow);
    r.get(routes::NOTIFICATIONS, notifications);
    r.post(routes::NOTIFICATIONS_READ, mark_read);
}

fn time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

/// The discussion block of `record`'s page, as `viewer` sees it.
pub(super) fn discussion_view(
    s: &AppState,
    record: &Record,
    viewer: &Viewer,
) -> Result<Discussion, AppError> {
    let base = record.url();
    let mine = viewer.name();
    let comments = s
        .store
        .comments(&record.meta.id)?
        .into_iter()
        .map(|c| {
            let versions = &c.versions;
            let last = versions.last();
            CommentRow {
                number: c.number,
                author: c.author.clone(),
                time: versions.first().map(|v| time(&v.time)).unwrap_or_default(),
                text: c.text().to_owned(),
                edited: (versions.len() > 1)
                    .then(|| last.map(|v| time(&v.time)))
                    .flatten(),
                earlier: versions[..versions.len().saturating_sub(1)]
                    .iter()
                    .map(|v| (time(&v.time), v.text.clone()))
                    .collect(),
                edit_url: (mine == Some(c.author.as_str()))
                    .then(|| format!("{base}/comments/{}", c.number)),
            }
        })
        .collect();
    let following = match mine {
        Some(name) => Some(
            s.store
                .followers(&record.meta.id)?
                .iter()
                .any(|f| f == name),
        ),
        None => None,
    };
    Ok(Discussion {
        comments,
        post_url: mine.map(|_| format!("{base}/comments")),
        login_url: format!("{}?next={}", routes::LOGIN, routes::encode(&base)),
        following,
        follow_url: format!("{base}/follow"),
        draft: String::new(),
        error: None,
    })
}

/// The record at `/{kind}/{slug}` that the viewer may see, for a change made
/// from its page.
fn seen(s: &AppState, viewer: &Viewer, kind: &str, slug: &str) -> Result<Record, AppError> {
    let reader = s.store.read()?;
    let (record, _) = find(&reader, viewer, kind, slug)?.ok_or(AppError::NotFound)?;
    require_login(viewer, record.url())?;
    Ok(record)
}

/// A comment refused (empty, too long): the record's page again, with the
/// text kept and the reason said beside it.
fn refused(
    s: &AppState,
    viewer: &Viewer,
    record: &Record,
    text: &str,
    problems: &[crate::model::FieldError],
) -> Result<Response, AppError> {
    let message = forms::problems_message(viewer.lang, problems);
    let reader = s.store.read()?;
    let page = record_page(
        s,
        &reader,
        record,
        viewer,
        &chrome(viewer),
        Some((text.to_owned(), message)),
    )?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response())
}

/// The answer to a comment sent: the comment on the record's page, saying
/// `said`; or, refused, the page again with the text and the reason.
fn comment_answer(
    s: &AppState,
    who: &Viewer,
    record: &Record,
    text: &str,
    done: Result<Comment, OpError>,
    said: Flash,
) -> Result<Response, AppError> {
    match done {
        Ok(c) => Ok(flash::redirect(
            &format!("{}#c{}", record.url(), c.number),
            said,
        )),
        Err(OpError::Store(StoreError::Invalid(problems))) => {
            refused(s, who, record, text, &problems)
        }
        Err(e) => Err(e.into()),
    }
}

async fn add_comment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let who = viewer.clone();
    state
        .blocking(move |s| {
            let record = seen(s, &who, &kind, &slug)?;
            let text = form.get("text");
            let done = s.ops(&who).comment(&record, text);
            comment_answer(s, &who, &record, text, done, Flash::Commented)
        })
        .await
}

async fn edit_comment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug, number)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let number: u64 = number.parse().map_err(|_| AppError::NotFound)?;
    let who = viewer.clone();
    state
        .blocking(move |s| {
            let record = seen(s, &who, &kind, &slug)?;
            let text = form.get("text");
            let done = s.ops(&who).edit_comment(&record, number, text);
            comment_answer(s, &who, &record, text, done, Flash::CommentEdited)
        })
        .await
}

async fn follow(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let follow = form.get("follow") != "0";
    let who = viewer.clone();
    let url = state
        .blocking(move |s| {
            let record = seen(s, &who, &kind, &slug)?;
            s.ops(&who).follow(&record, follow)?;
            Ok(record.url())
        })
        .await?;
    let said = if follow {
        Flash::Followed
    } else {
        Flash::Unfollowed
    };
    Ok(flash::redirect(&format!("{url}#discussion"), said))
}

async fn notifications(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let Some(name) = viewer.name().map(str::to_owned) else {
        return Err(AppError::LoginRequired(routes::NOTIFICATIONS.into()));
    };
    let who = viewer.clone();
    let view = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let mut rows = Vec::new();
            for n in s.store.notifications(&name)? {
                // A record deleted, or no longer visible, since.
                let Some(record) = reader.get(&n.record)?.filter(|r| who.can_view(r)) else {
                    continue;
                };
                let link = RecordLink {
                    kind: record.kind().as_str().to_owned(),
                    title: record.title().to_owned(),
                    url: record.url(),
                };
                rows.push(NotificationRow {
                    what: format!("notify.{}", n.what),
                    by: n.by,
                    title: link.title,
                    url: link.url,
                    time: time(&n.time),
                    text: n.text,
                    read: n.read,
                });
            }
            Ok(NotificationsView {
                rows,
                mark_read_url: routes::NOTIFICATIONS_READ.into(),
            })
        })
        .await?;
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

async fn mark_read(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    require_login(&viewer, routes::NOTIFICATIONS)?;
    let who = viewer.clone();
    state
        .blocking(move |s| Ok(s.ops(&who).mark_notifications_read()?))
        .await?;
    Ok(flash::redirect(
        routes::NOTIFICATIONS,
        Flash::NotificationsRead,
    ))
}

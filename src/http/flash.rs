//! The message shown once after a change ("Document enregistré", "Lien ajouté"):
//! a form's answer redirects with a short-lived cookie naming the message, the
//! next page shows it at the top, and that page's answer deletes the cookie.
//!
//! The cookie carries only the name of a message this module knows, never text:
//! a forged cookie shows nothing.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

const COOKIE: &str = "savoirs_flash";
/// Long enough for the redirect to be followed, short enough not to reappear
/// on a later page if it was not.
const MAX_AGE: i64 = 120;

/// What just happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flash {
    Saved,
    Proposed,
    Published,
    BackToDraft,
    Archived,
    Restored,
    Linked,
    Merged,
    TokenRevoked,
    ConceptDeleted,
    AccountSaved,
    PasswordChanged,
    AdminCreated,
    LinkProposed,
    LinkRefused,
    Commented,
    CommentEdited,
    Followed,
    Unfollowed,
    NotificationsRead,
    MailSaved,
    Unlinked,
    Attached,
    AttachedNoText,
    AttachmentReplaced,
    AttachmentRemoved,
    AttachmentDescribed,
    SkosImported,
}

impl Flash {
    const ALL: [Flash; 28] = [
        Flash::Saved,
        Flash::Proposed,
        Flash::Published,
        Flash::BackToDraft,
        Flash::Archived,
        Flash::Restored,
        Flash::Linked,
        Flash::Merged,
        Flash::TokenRevoked,
        Flash::ConceptDeleted,
        Flash::AccountSaved,
        Flash::PasswordChanged,
        Flash::AdminCreated,
        Flash::LinkProposed,
        Flash::LinkRefused,
        Flash::Commented,
        Flash::CommentEdited,
        Flash::Followed,
        Flash::Unfollowed,
        Flash::NotificationsRead,
        Flash::MailSaved,
        Flash::Unlinked,
        Flash::Attached,
        Flash::AttachedNoText,
        Flash::AttachmentReplaced,
        Flash::AttachmentRemoved,
        Flash::AttachmentDescribed,
        Flash::SkosImported,
    ];

    /// Its message's key in the interface texts, also what the cookie holds.
    pub fn key(self) -> &'static str {
        match self {
            Flash::Saved => "flash.saved",
            Flash::Proposed => "flash.proposed",
            Flash::Published => "flash.published",
            Flash::BackToDraft => "flash.back_to_draft",
            Flash::Archived => "flash.archived",
            Flash::Restored => "flash.restored",
            Flash::Linked => "flash.linked",
            Flash::Merged => "flash.merged",
            Flash::TokenRevoked => "flash.token_revoked",
            Flash::ConceptDeleted => "flash.concept_deleted",
            Flash::AccountSaved => "flash.account_saved",
            Flash::PasswordChanged => "flash.password_changed",
            Flash::AdminCreated => "flash.admin_created",
            Flash::LinkProposed => "flash.link_proposed",
            Flash::LinkRefused => "flash.link_refused",
            Flash::Commented => "flash.commented",
            Flash::CommentEdited => "flash.comment_edited",
            Flash::Followed => "flash.followed",
            Flash::Unfollowed => "flash.unfollowed",
            Flash::NotificationsRead => "flash.notifications_read",
            Flash::MailSaved => "account.mail_saved",
            Flash::Unlinked => "flash.unlinked",
            Flash::Attached => "flash.attached",
            Flash::AttachedNoText => "flash.attached_no_text",
            Flash::AttachmentReplaced => "flash.attachment_replaced",
            Flash::AttachmentRemoved => "flash.attachment_removed",
            Flash::AttachmentDescribed => "flash.attachment_described",
            Flash::SkosImported => "flash.skos_imported",
        }
    }

    /// The message a record's new status calls for.
    pub fn for_status(status: crate::model::Status) -> Flash {
        use crate::model::Status;
        match status {
            Status::Draft => Flash::BackToDraft,
            Status::Proposed => Flash::Proposed,
            Status::Published => Flash::Published,
            Status::Archived => Flash::Archived,
        }
    }

    fn parse(key: &str) -> Option<Flash> {
        Flash::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// A 303 to `to` that shows `flash` on the page it leads to.
pub fn redirect(to: &str, flash: Flash) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={MAX_AGE}",
        flash.key()
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The answer to a form sent by script (an upload with its progress bar):
/// where to go next, as JSON, with the same message waiting there.
pub fn json_redirect(to: &str, flash: Flash) -> Response {
    let mut response = axum::Json(serde_json::json!({ "location": to })).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={MAX_AGE}",
        flash.key()
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The message this request should show, as its text key.
pub fn pending(headers: &axum::http::HeaderMap) -> Option<&'static str> {
    super::auth::cookie_value(headers, COOKIE)
        .and_then(|v| Flash::parse(&v))
        .map(Flash::key)
}

/// Deletes the cookie once a page (anything but a redirect) has been answered
/// to a request that carried it: the message is shown once.
pub async fn shown_once(request: Request, next: Next) -> Response {
    let carried = pending(request.headers()).is_some();
    let mut response = next.run(request).await;
    if carried && !response.status().is_redirection() {
        response.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static("savoirs_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_messages_are_read_back() {
        for flash in Flash::ALL {
            assert_eq!(Flash::parse(flash.key()), Some(flash));
        }
        assert_eq!(Flash::parse("<script>"), None);
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("savoirs_flash=flash.saved"),
        );
        assert_eq!(pending(&headers), Some("flash.saved"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("savoirs_flash=Bonjour"),
        );
        assert_eq!(pending(&headers), None);
    }
}

//! One error type for every handler. Users get a plain message (an HTML page or a
//! JSON object, depending on the route); internal errors are logged with an id that
//! the page shows, so a report can be matched to its log line.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use savoirs_templates::i18n::t;
use savoirs_templates::routes;
use savoirs_templates::views::ErrorView;

use crate::ops::{OpError, Refusal};
use crate::search::SyncError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// The page needs an account: anonymous readers are sent to log in, then back
    /// to this path.
    #[error("login required")]
    LoginRequired(String),
    /// An `Authorization: Bearer` token that is unknown, revoked, or whose
    /// account is suspended.
    #[error("invalid API token")]
    BadToken,
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// An operation refused: its message is said in the reader's language.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error("{0}")]
    BadRequest(String),
    /// A body over a limit, with the message that says which.
    #[error("{0}")]
    TooLarge(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Index(#[from] savoirs_index::IndexError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Store(e) => AppError::Store(e),
            SyncError::Index(e) => AppError::Index(e),
        }
    }
}

impl From<OpError> for AppError {
    fn from(e: OpError) -> Self {
        match e {
            OpError::Refused(why) => AppError::Refused(why),
            OpError::LoginRequired => AppError::LoginRequired(String::new()),
            OpError::NotFound => AppError::NotFound,
            OpError::Store(e) => AppError::Store(e),
        }
    }
}

impl AppError {
    pub fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::LoginRequired(_) | AppError::BadToken => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Refused(why) if why.is_bad_request() => StatusCode::BAD_REQUEST,
            AppError::Refused(_) => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Store(StoreError::Conflict { .. }) => StatusCode::CONFLICT,
            AppError::Store(e) if e.is_disk_full() => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(StoreError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Store(_) | AppError::Index(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The message shown to the user, in the request's language, and for
    /// internal errors the id of the log line.
    fn public(&self) -> (String, Option<String>) {
        let lang = super::lang::current();
        match self {
            AppError::NotFound => (t(lang, "error.not_found").into(), None),
            AppError::LoginRequired(_) => (t(lang, "error.login_required").into(), None),
            AppError::BadToken => (t(lang, "error.bad_token").into(), None),
            AppError::Forbidden(m) => (m.clone(), None),
            AppError::Refused(why) => (t(lang, why.key()).into(), None),
            AppError::BadRequest(m) | AppError::TooLarge(m) => (m.clone(), None),
            AppError::Store(e @ (StoreError::Conflict { .. } | StoreError::Invalid(_))) => {
                (e.to_string(), None)
            }
            AppError::Store(e) if e.is_disk_full() => (t(lang, "error.disk_full").into(), None),
            internal => {
                let id = format!("{:08x}", fastrand::u32(..));
                tracing::error!(error_id = %id, "{internal}");
                (t(lang, "error.internal").into(), Some(id))
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::LoginRequired(path) = &self {
            let to = format!("{}?next={}", routes::LOGIN, routes::encode(path));
            return Redirect::to(&to).into_response();
        }
        let status = self.status_code();
        let (message, error_id) = self.public();
        let lang = super::lang::current();
        let title = match status {
            StatusCode::NOT_FOUND => t(lang, "not_found.title"),
            StatusCode::BAD_REQUEST => t(lang, "error.bad_request"),
            StatusCode::FORBIDDEN => t(lang, "error.forbidden"),
            StatusCode::UNAUTHORIZED => t(lang, "error.unauthorized"),
            StatusCode::SERVICE_UNAVAILABLE => t(lang, "error.unavailable"),
            _ => t(lang, "error.internal_title"),
        };
        error_page(status, title, message, error_id)
    }
}

/// An error page in the request's language, for errors met inside handlers and
/// in the layers around them (refusals, limits, panics) alike.
pub fn error_page(
    status: StatusCode,
    title: &str,
    message: String,
    error_id: Option<String>,
) -> Response {
    let view = ErrorView {
        status: status.as_u16(),
        title: title.to_owned(),
        message,
        error_id,
    };
    let chrome = super::lang::error_chrome();
    (status, Html(view.render(&chrome).into_string())).into_response()
}

/// The same errors, answered as JSON: `{"error": "…", "error_id": "…"}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status_code();
        let (message, error_id) = match &self.0 {
            AppError::NotFound => ("not found".to_owned(), None),
            AppError::LoginRequired(_) => ("authentication required".to_owned(), None),
            AppError::BadToken => ("invalid or revoked API token".to_owned(), None),
            AppError::Forbidden(m) => (m.clone(), None),
            AppError::Refused(why) => (t(savoirs_templates::Lang::En, why.key()).into(), None),
            AppError::BadRequest(m) | AppError::TooLarge(m) => (m.clone(), None),
            AppError::Store(e @ (StoreError::Conflict { .. } | StoreError::Invalid(_))) => {
                (e.to_string(), None)
            }
            AppError::Store(e) if e.is_disk_full() => {
                ("disk full: nothing was saved; retry later".to_owned(), None)
            }
            _ => {
                let (_, id) = self.0.public();
                ("internal error".to_owned(), id)
            }
        };
        let fields = match &self.0 {
            AppError::Store(StoreError::Invalid(problems)) => Some(
                problems
                    .iter()
                    .map(|p| (p.field.clone(), p.message.clone()))
                    .collect(),
            ),
            _ => None,
        };
        super::api::error_response(status, message, error_id, fields)
    }
}

//! What protects the server from oversized requests and from its own bugs: bodies
//! over the limit are refused before they are read, and a panic in a handler
//! becomes a 500 page with an error id (logged) instead of a dropped connection.

use std::any::Any;

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use savoirs_templates::i18n::{t, tf};

use super::MAX_BODY;
use super::error::error_page;

/// Refuses a request whose declared body is over [`MAX_BODY`] with 413. Bodies
/// without a declared length are cut at the same size when read.
pub async fn refuse_large_bodies(request: Request, next: Next) -> Response {
    refuse_over(MAX_BODY, request, next).await
}

/// Refuses a request whose declared body is over `max` bytes with 413.
pub async fn refuse_over(max: usize, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        let lang = super::lang::current();
        let message = if max >= 1024 * 1024 {
            tf(
                lang,
                "error.too_large",
                &[("megabytes", &(max / (1024 * 1024)))],
            )
        } else {
            tf(
                lang,
                "error.too_large_form",
                &[("kilobytes", &(max / 1024))],
            )
        };
        return error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            t(lang, "error.too_large_title"),
            message,
            None,
        );
    }
    next.run(request).await
}

/// The response to a panic in a handler.
pub fn panic_page(panic: Box<dyn Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    let id = format!("{:08x}", fastrand::u32(..));
    tracing::error!(error_id = %id, "a request handler panicked: {what}");
    let lang = super::lang::current();
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        t(lang, "error.internal_title"),
        t(lang, "error.internal").into(),
        Some(id),
    )
}

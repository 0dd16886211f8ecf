//! Cross-site request refusal, for every route at once: a request that changes
//! state (any method but GET, HEAD, OPTIONS) must come from a page of this site.
//! Browsers say where a request comes from in `Sec-Fetch-Site` and `Origin`; a
//! request that says it comes from elsewhere is refused with 403. Session cookies
//! are also `SameSite=Lax`, so a cross-site form never carries them anyway.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use savoirs_templates::i18n::t;

use super::AppState;

pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || same_site(&request, state.public_url.as_deref())
    {
        return next.run(request).await;
    }
    tracing::warn!(
        "refused a cross-site {} {}",
        request.method(),
        request.uri().path()
    );
    let lang = super::lang::current();
    super::error::error_page(
        StatusCode::FORBIDDEN,
        t(lang, "error.cross_site_title"),
        t(lang, "error.cross_site").into(),
        None,
    )
}

/// Whether the request says it comes from this site: from the address the
/// browser used (`Host`), or from the public address (behind a proxy that sends
/// its own `Host`).
fn same_site(request: &Request, public_url: Option<&str>) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none" is a request the user typed or bookmarked.
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return false;
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin = origin.to_str().ok();
        let from_host = match (origin, host) {
            (Some(origin), Some(host)) => origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                .is_some_and(|rest| rest == host),
            _ => false,
        };
        let matches = from_host || (origin.is_some() && origin == public_url);
        if !matches {
            return false;
        }
    }
    true
}

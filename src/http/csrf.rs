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

/// Whether the request says it comes from this site: its `Origin`, if it sends
/// one, must be the site's own, scheme, host and port alike (a page served over
/// `https` is another origin than the same host over `http`). The site is the
/// public address when there is one, else the address the browser used
/// (`Host`, which [`super::public::admit`] has checked), with the scheme the
/// request came by.
fn same_site(request: &Request, public_url: Option<&str>) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none" is a request the user typed or bookmarked.
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return false;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim().to_ascii_lowercase();
    let https = request
        .extensions()
        .get::<super::public::Site>()
        .is_some_and(|s| s.https);
    let scheme = if https { "https" } else { "http" };
    let from_host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| origin == format!("{scheme}://{}", host.trim().to_ascii_lowercase()));
    from_host || public_url.is_some_and(|url| origin == url.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(host: &str, origin: &str, https: bool) -> Request {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri("/login")
            .header(header::HOST, host)
            .header(header::ORIGIN, origin)
            .body(axum::body::Body::empty())
            .expect("request");
        request.extensions_mut().insert(super::super::public::Site {
            origin: String::new(),
            client: std::net::IpAddr::from([127, 0, 0, 1]),
            https,
        });
        request
    }

    #[test]
    fn the_origin_must_match_scheme_host_and_port() {
        let host = "127.0.0.1:3000";
        assert!(same_site(
            &request(host, "http://127.0.0.1:3000", false),
            None
        ));
        assert!(!same_site(
            &request(host, "https://127.0.0.1:3000", false),
            None
        ));
        assert!(!same_site(
            &request(host, "http://127.0.0.1:3001", false),
            None
        ));
        assert!(!same_site(
            &request(host, "http://evil.example", false),
            None
        ));
        assert!(!same_site(&request(host, "null", false), None));
        assert!(same_site(
            &request(host, "https://127.0.0.1:3000", true),
            None
        ));
        let public = Some("https://savoirs.example.org");
        assert!(same_site(
            &request("backend:3000", "https://savoirs.example.org", false),
            public
        ));
        assert!(!same_site(
            &request("backend:3000", "http://savoirs.example.org", false),
            public
        ));
    }
}

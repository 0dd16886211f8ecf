//! The interface language of each request: an explicit choice (the `savoirs_lang`
//! cookie, set by the switch at `/lang`) wins, then the browser's
//! `Accept-Language`, then French. The choice is made once per request by a
//! middleware, which hands it to the [`Viewer`](super::Viewer) extractor and also
//! keeps it for the duration of the request, so that error pages rendered far
//! from any handler (404s, refusals, panics) speak the same language.

use axum::extract::Query;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use savoirs_templates::{Chrome, Lang, routes};
use serde::Deserialize;

use super::Routes;
use super::auth::safe_next;

pub const COOKIE: &str = "savoirs_lang";
/// A language choice is kept for a year.
const COOKIE_MAX_AGE: i64 = 365 * 24 * 3600;

/// What pages built without a handler's help (error pages) need to know of the
/// request being served.
#[derive(Clone)]
struct Current {
    lang: Lang,
    /// Path and query, for the language switcher.
    here: String,
    /// Who is logged in, once a handler has asked: an error page then shows the
    /// same header as the page it replaces.
    user: std::sync::Arc<std::sync::Mutex<Option<savoirs_templates::UserBadge>>>,
}

tokio::task_local! {
    static CURRENT: Current;
}

pub fn routes(r: &mut Routes) {
    r.get(routes::LANGUAGE, switch);
}

/// The language of the request being served; French outside of a request.
pub fn current() -> Lang {
    CURRENT.try_with(|r| r.lang).unwrap_or_default()
}

/// The page frame for an error page: the request's language, a switcher back to
/// the same address, and the account if the request got as far as knowing it.
pub fn error_chrome() -> Chrome {
    CURRENT
        .try_with(|r| Chrome {
            lang: r.lang,
            here: r.here.clone(),
            user: r.user.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            ..Chrome::default()
        })
        .unwrap_or_default()
}

/// Remembers who the request is from, for its error page if it gets one.
pub fn remember_user(user: savoirs_templates::UserBadge) {
    let _ = CURRENT.try_with(|r| {
        *r.user.lock().unwrap_or_else(|e| e.into_inner()) = Some(user);
    });
}

/// The language a request asks for. Bad or unknown values are ignored.
pub fn negotiate(headers: &HeaderMap) -> Lang {
    let chosen = super::auth::cookie_value(headers, COOKIE).and_then(|v| Lang::parse(&v));
    chosen
        .or_else(|| {
            headers
                .get_all(header::ACCEPT_LANGUAGE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// Picks the request's language, makes it available to extractors and error
/// pages, and marks HTML responses as depending on what it was picked from.
pub async fn choose(mut request: axum::extract::Request, next: Next) -> Response {
    let lang = negotiate(request.headers());
    request.extensions_mut().insert(lang);
    let here = super::auth::here_of(request.method(), request.uri(), request.headers());
    let mut response = CURRENT
        .scope(
            Current {
                lang,
                here,
                user: Default::default(),
            },
            next.run(request),
        )
        .await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html {
        response.headers_mut().append(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    response
}

#[derive(Deserialize)]
struct SwitchQuery {
    #[serde(default)]
    set: String,
    #[serde(default)]
    back: String,
}

/// `GET /lang?set=en&back=/search?q=…`: remembers the choice and goes back to the
/// page it was made on (a local path only: anything else goes home). A GET, so
/// that the switch is a plain link that works without JavaScript; a language
/// preference is harmless to set from a link.
async fn switch(site: super::public::Site, Query(q): Query<SwitchQuery>) -> Response {
    let back = safe_next(&q.back).to_owned();
    let mut response = (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, back),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response();
    if let Some(lang) = Lang::parse(&q.set).filter(|l| l.code() == q.set.trim()) {
        let secure = if site.https { "; Secure" } else { "" };
        let cookie = format!(
            "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={COOKIE_MAX_AGE}{secure}",
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn the_cookie_wins_then_the_browser_then_french() {
        assert_eq!(negotiate(&headers(&[])), Lang::Fr);
        assert_eq!(
            negotiate(&headers(&[("accept-language", "es-ES,es;q=0.9")])),
            Lang::Es
        );
        assert_eq!(
            negotiate(&headers(&[
                ("accept-language", "es"),
                ("cookie", "savoirs_session=x; savoirs_lang=en")
            ])),
            Lang::En
        );
        assert_eq!(
            negotiate(&headers(&[
                ("accept-language", "de"),
                ("cookie", "savoirs_lang=klingon")
            ])),
            Lang::Fr
        );
    }

    /// Every key the server asks for exists in the French messages (the
    /// templates crate checks that every language has every French key).
    #[test]
    fn every_key_used_by_the_server_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let used = savoirs_templates::i18n::keys_used_under(&dir);
        assert!(used.len() > 20, "the scan found too few keys: {used:?}");
        let missing: Vec<&String> = used
            .iter()
            .filter(|k| !savoirs_templates::i18n::has(k))
            .collect();
        assert!(
            missing.is_empty(),
            "keys used but not in fr.txt: {missing:?}"
        );
    }
}

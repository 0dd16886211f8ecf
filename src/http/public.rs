//! The address the public reaches the site at. Feeds, the sitemap, the OpenSearch
//! description and the canonical links of pages need absolute URLs; they come from
//! `serve --public-url` when the server was given one (behind a proxy, the only
//! reliable source), else from the request's `Host` header. That header is whatever
//! the client sent, so it is checked before it is written into any document: a
//! value that is not a plain host name or address (with an optional port) is
//! replaced by `localhost` rather than echoed.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::AppState;

/// Checks a `--public-url` value and returns it without its trailing slash:
/// `http` or `https`, a valid host and an optional port; no path, query,
/// fragment or credentials.
pub fn parse_public_url(value: &str) -> Result<String, String> {
    let trimmed = value.trim().trim_end_matches('/');
    let (scheme, rest) = trimmed
        .split_once("://")
        .ok_or_else(|| format!("{value:?} should start with http:// or https://"))?;
    if !matches!(scheme, "http" | "https") {
        return Err(format!("{value:?} should start with http:// or https://"));
    }
    let (host, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if !valid_host(host) {
        return Err(format!("{value:?} does not name a valid host"));
    }
    // Pages link to their own paths from the root: a site under a sub-path
    // would have working feeds and broken pages.
    if !path.is_empty() {
        return Err(format!(
            "{value:?}: Savoirs is served at the root of its address; give no path"
        ));
    }
    Ok(format!("{scheme}://{host}"))
}

/// A host name, an IPv4 address or a bracketed IPv6 address, with an optional
/// port: nothing that could end an attribute, start a path or carry a user name.
fn valid_host(host: &str) -> bool {
    if host.is_empty() || host.len() > 261 {
        return false;
    }
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return false;
        };
        if inside.is_empty() || !inside.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return false;
        }
        match after {
            "" => return true,
            _ => match after.strip_prefix(':') {
                Some(port) => ("[ipv6]", Some(port)),
                None => return false,
            },
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = name == "[ipv6]"
        || (!name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }));
    port_ok && name_ok
}

/// Scheme and host of the site for this request: the configured public URL, else
/// `http://` (or `https://` when the proxy says `X-Forwarded-Proto: https`) and the
/// `Host` header if it is valid.
pub fn origin(public_url: Option<&str>, headers: &HeaderMap) -> String {
    if let Some(url) = public_url {
        return url.to_owned();
    }
    let https = headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|h| valid_host(h))
        .unwrap_or("localhost");
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// Where a request was made, as the page head and the feeds name it.
#[derive(Debug, Clone, Default)]
pub struct Address {
    /// Scheme and host (and the public URL's path, if any), without a trailing
    /// slash.
    pub origin: String,
    /// The path asked for, without its query.
    pub path: String,
}

impl Address {
    pub fn of(parts: &Parts, state: &AppState) -> Address {
        Address {
            origin: origin(state.public_url.as_deref(), &parts.headers),
            path: parts.uri.path().to_owned(),
        }
    }

    /// An absolute URL for a local path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

impl FromRequestParts<AppState> for Address {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Address::of(parts, state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_checked() {
        assert_eq!(
            parse_public_url("https://savoirs.example.org/").as_deref(),
            Ok("https://savoirs.example.org")
        );
        assert_eq!(
            parse_public_url("http://127.0.0.1:8080").as_deref(),
            Ok("http://127.0.0.1:8080")
        );
        for bad in [
            "http://127.0.0.1:8080/savoirs",
            "savoirs.example.org",
            "ftp://savoirs.example.org",
            "https://user@savoirs.example.org",
            "https://savoirs.example.org/?q=1",
            "https://savoirs.example.org/\"><script>",
            "https://",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn host_headers_are_checked() {
        let with_host = |host: &str, https: bool| {
            let mut headers = HeaderMap::new();
            if let Ok(v) = host.parse() {
                headers.insert(axum::http::header::HOST, v);
            }
            if https {
                headers.insert(
                    "x-forwarded-proto",
                    axum::http::HeaderValue::from_static("https"),
                );
            }
            origin(None, &headers)
        };
        assert_eq!(
            with_host("savoirs.example.org", false),
            "http://savoirs.example.org"
        );
        assert_eq!(with_host("127.0.0.1:3000", true), "https://127.0.0.1:3000");
        assert_eq!(with_host("[::1]:3000", false), "http://[::1]:3000");
        for bad in [
            "evil.example/path",
            "a\"b",
            "user@evil.example",
            "evil.example:80:80",
            "evil.example:port",
            "",
            "-bad.example",
        ] {
            assert_eq!(with_host(bad, false), "http://localhost", "{bad}");
        }
        assert_eq!(
            origin(Some("https://savoirs.example.org"), &HeaderMap::new()),
            "https://savoirs.example.org"
        );
    }
}

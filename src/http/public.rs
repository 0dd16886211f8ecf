//! Where a request comes from and which site it is for.
//!
//! Feeds, the sitemap, the OpenSearch description and the canonical links of
//! pages need absolute URLs. They come from `serve --public-url` when the server
//! was given one (behind a proxy, the only reliable source). Without it, the
//! `Host` header is believed only when it names the address the connection was
//! made to (or `localhost` on its port): any other is answered 400, with a log
//! line that says to set `--public-url`, so that no page, feed or cache ever holds
//! a link to a host a client made up.
//!
//! The client's address (which the login throttle counts by) and whether it used
//! HTTPS come from the connection, or from `X-Forwarded-For` and
//! `X-Forwarded-Proto` when the connection comes from a proxy named by
//! `--trusted-proxy`; anyone else can write those headers.

use std::net::{IpAddr, SocketAddr};

use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::serve::IncomingStream;
use savoirs_templates::i18n::t;
use tokio::net::TcpListener;

use super::AppState;

/// Both ends of a connection, recorded when it is accepted.
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    pub remote: SocketAddr,
    /// The address the client connected to (one of ours).
    pub local: Option<SocketAddr>,
}

impl Connected<IncomingStream<'_, TcpListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Self {
        Peer {
            remote: *stream.remote_addr(),
            local: stream.io().local_addr().ok(),
        }
    }
}

/// What [`admit`] learnt of a request, for the handlers.
#[derive(Debug, Clone)]
pub struct Site {
    /// Scheme and host of the site, without a trailing slash.
    pub origin: String,
    /// The client's address (behind a trusted proxy, the one it reports).
    pub client: IpAddr,
    /// Whether the client reached us over HTTPS.
    pub https: bool,
}

impl Site {
    /// What a request carries; a router used without [`admit`] (in tests) gets
    /// a local, plain-HTTP site.
    pub fn of(parts: &Parts) -> Site {
        parts.extensions.get::<Site>().cloned().unwrap_or(Site {
            origin: "http://localhost".into(),
            client: IpAddr::from([127, 0, 0, 1]),
            https: false,
        })
    }
}

/// The client's address and scheme: from the connection, or, when it comes from
/// a trusted proxy, from the last address in `X-Forwarded-For` that is not a
/// trusted proxy itself (the ones before it are whatever the client wrote).
pub fn client(remote: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> (IpAddr, bool) {
    if !trusted.contains(&remote) {
        return (remote, false);
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|a| a.trim().parse::<IpAddr>())
        .collect::<Vec<_>>();
    let mut ip = remote;
    for address in forwarded.into_iter().rev() {
        match address {
            Ok(a) if trusted.contains(&a) => continue,
            Ok(a) => {
                ip = a;
                break;
            }
            // An entry that is not an address: stop at the proxy.
            Err(_) => break,
        }
    }
    let https = headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    (ip, https)
}

/// Whether `host` (a `Host` header) names the connection's local address or
/// `localhost`, on the same port.
fn known_host(host: &str, local: SocketAddr) -> bool {
    let host = host.to_ascii_lowercase();
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(':') && !port.contains(']') => {
            (name.to_owned(), port.parse::<u16>().ok())
        }
        _ => (host.clone(), Some(80)),
    };
    if port != Some(local.port()) {
        return false;
    }
    let ours = match local.ip() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => format!("[{v6}]"),
        },
    };
    name == ours || name == "localhost"
}

/// Admits a request for this site, or answers 400 to one for another host when
/// the server has no public address, and records what handlers need to know
/// about where it comes from.
pub async fn admit(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<Peer>>()
        .map(|ConnectInfo(p)| *p);
    let Some(peer) = peer else {
        // Served without connection information: nothing to check against.
        return next.run(request).await;
    };
    let headers = request.headers();
    let (client, https) = client(peer.remote.ip(), headers, &state.trusted_proxies);
    let host = headers
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("").trim().to_owned());
    let scheme = if https { "https" } else { "http" };
    let origin = match (state.public_url.as_deref(), host, peer.local) {
        (Some(url), _, _) => url.to_owned(),
        (None, None, Some(local)) => format!("{scheme}://{local}"),
        (None, Some(host), Some(local)) if valid_host(&host) && known_host(&host, local) => {
            format!("{scheme}://{host}")
        }
        (None, host, local) => {
            tracing::warn!(
                "refused a request for host {host:?} on {local:?}: without --public-url this \
                 server answers only for the address it listens on and localhost; to serve it \
                 under a name, start it with --public-url https://that.name"
            );
            let lang = super::lang::current();
            return super::error::error_page(
                StatusCode::BAD_REQUEST,
                t(lang, "error.unknown_host_title"),
                t(lang, "error.unknown_host").to_owned(),
                None,
            );
        }
    };
    request.extensions_mut().insert(Site {
        origin,
        client,
        https,
    });
    next.run(request).await
}

impl<S: Send + Sync> FromRequestParts<S> for Site {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Site::of(parts))
    }
}

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
    pub fn of(parts: &Parts) -> Address {
        Address {
            origin: Site::of(parts).origin,
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
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Address::of(parts))
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
    fn only_our_own_address_or_localhost_is_a_known_host() {
        let v4: SocketAddr = "127.0.0.1:3000".parse().expect("v4");
        let v6: SocketAddr = "[::1]:3000".parse().expect("v6");
        let http: SocketAddr = "192.0.2.1:80".parse().expect("port 80");
        assert!(known_host("127.0.0.1:3000", v4));
        assert!(known_host("LOCALHOST:3000", v4));
        assert!(known_host("[::1]:3000", v6));
        assert!(known_host("localhost:3000", v6));
        assert!(known_host("192.0.2.1", http));
        for bad in [
            "evil.example:3000",
            "evil.example",
            "127.0.0.1:3001",
            "127.0.0.1",
            "127.0.0.2:3000",
            "localhost.evil.example:3000",
        ] {
            assert!(!known_host(bad, v4), "{bad}");
        }
        assert!(!known_host("[::2]:3000", v6));
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.2".parse().expect("proxy");
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "198.51.100.9, 203.0.113.5".parse().expect("header"),
        );
        headers.insert("x-forwarded-proto", "https".parse().expect("header"));
        // Anyone may write the headers: a direct client is its own address.
        let stranger: IpAddr = "192.0.2.4".parse().expect("stranger");
        assert_eq!(client(stranger, &headers, &[proxy]), (stranger, false));
        // Behind the proxy, the address the proxy saw (the last one).
        let seen: IpAddr = "203.0.113.5".parse().expect("seen");
        assert_eq!(client(proxy, &headers, &[proxy]), (seen, true));
        // Nothing forwarded: the proxy itself.
        assert_eq!(client(proxy, &HeaderMap::new(), &[proxy]).0, proxy);
    }
}

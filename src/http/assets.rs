//! Static assets, embedded in the binary: the server works offline.

use axum::http::header;
use axum::response::IntoResponse;
use savoirs_templates::{SCRIPT, STYLESHEET, routes};

use super::Routes;

pub fn routes(r: &mut Routes) {
    r.get(routes::STYLESHEET, stylesheet);
    r.get(routes::SCRIPT, script);
    r.get(routes::PRINT_STYLESHEET, print_stylesheet);
    for &(path, content_type, body) in savoirs_templates::FILES {
        r.get(path, move || async move {
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::CACHE_CONTROL, "public, max-age=3600"),
                ],
                body,
            )
        });
    }
}

/// A printed page shows where each link leads. Links inside the site are paths
/// (`/partner/…`), useless on paper: this sheet prints them after the site's
/// address, which only the request knows (a stylesheet cannot add it, and the
/// content security policy allows no inline style).
async fn print_stylesheet(viewer: super::Viewer) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            (header::VARY, "host"),
        ],
        print_rules(&viewer.address.origin),
    )
}

fn print_rules(origin: &str) -> String {
    // A CSS string: quotes and backslashes escaped, no line breaks.
    let quoted: String = origin
        .chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!(
        "@media print {{\n  main a[href^=\"/\"]::after {{ content: \" (\" \"{quoted}\" attr(href) \")\"; }}\n}}\n"
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_rules_quote_the_origin() {
        let rules = print_rules("https://savoirs.example.org");
        assert!(
            rules.contains(r#"content: " (" "https://savoirs.example.org" attr(href) ")""#),
            "{rules}"
        );
        let odd = print_rules("http://a\"b\\c\nd");
        assert!(odd.contains(r#""http://a\"b\\cd""#), "{odd}");
    }
}

//! Markdown sections, rendered with pulldown-cmark and sanitized with ammonia: no
//! script, no event handler, no `javascript:` URL, no style, svg, math, iframe or
//! form survive, whatever a contributor typed.

use std::collections::HashSet;
use std::sync::OnceLock;

use maud::{Markup, PreEscaped};
use pulldown_cmark::{Options, Parser, html};

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let tags: HashSet<&str> = [
            "p",
            "br",
            "hr",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "ul",
            "ol",
            "li",
            "blockquote",
            "pre",
            "code",
            "em",
            "strong",
            "del",
            "a",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "sup",
            "sub",
        ]
        .into_iter()
        .collect();
        let mut builder = ammonia::Builder::default();
        builder
            .tags(tags)
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("noopener noreferrer nofollow"));
        builder
    })
}

/// Renders Markdown to safe HTML.
pub fn render(text: &str) -> Markup {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(text.len() * 5 / 4);
    html::push_html(&mut raw, Parser::new_ext(text, options));
    PreEscaped(cleaner().clean(&raw).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_lists_and_emphasis() {
        let html = render("Des outils :\n\n- **cartes**\n- forums").into_string();
        assert!(html.contains("<ul>"));
        assert!(html.contains("<strong>cartes</strong>"));
    }

    #[test]
    fn strips_everything_dangerous() {
        let html = render(
            "<script>alert(1)</script><img src=x onerror=alert(1)>\
             <iframe src=x></iframe><svg><circle/></svg><style>p{}</style><form></form>\n\n\
             [a](javascript:alert(1)) <a href=\"javascript:alert(1)\">b</a>",
        )
        .into_string();
        assert!(html.contains("<p>"), "the text around is kept: {html}");
        for bad in [
            "<script",
            "onerror",
            "javascript:",
            "<iframe",
            "<svg",
            "<style",
            "<form",
            "<img",
        ] {
            assert!(!html.contains(bad), "{bad} survived in {html}");
        }
    }
}

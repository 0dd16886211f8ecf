//! Markdown sections, rendered with pulldown-cmark and sanitized with ammonia: no
//! script, no event handler, no `javascript:` URL, no style, svg, math, iframe or
//! form survive, whatever a contributor typed.
//!
//! Both libraries take time that grows faster than the input with the depth of
//! nesting (thousands of `>` or of `<div>`), so [`check`] bounds the depth, in one
//! pass over the text, before anything is stored; [`render`] checks again and
//! shows text over the bounds as plain text, so that nothing stored earlier can
//! hold a page up either.

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

/// Deepest nesting accepted: block quotes and list items within each other on
/// one line, or HTML elements within each other. Real documents stay under 10.
pub const MAX_DEPTH: usize = 32;

/// Why a Markdown text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Block quotes or lists nested deeper than [`MAX_DEPTH`] on this line (from 1).
    DeepQuotes { line: usize },
    /// HTML elements nested deeper than [`MAX_DEPTH`], on this line (from 1).
    DeepHtml { line: usize },
}

/// Checks that a text's nesting stays within [`MAX_DEPTH`]. The measure is an
/// upper bound computed without parsing: each `>` or list marker at the start
/// of a line counts one level, and so does each HTML start tag not yet closed
/// (but for void elements and for those whose end tag is optional, which
/// browsers close by themselves).
pub fn check(text: &str) -> Result<(), Refusal> {
    let mut html_depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        if line_depth(line) > MAX_DEPTH {
            return Err(Refusal::DeepQuotes { line: n + 1 });
        }
        let mut rest = line;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let closing = rest.starts_with('/');
            let after_slash = rest.strip_prefix('/').unwrap_or(rest);
            let len = after_slash
                .bytes()
                .take_while(u8::is_ascii_alphanumeric)
                .count();
            let name = after_slash[..len].to_ascii_lowercase();
            // A tag name ends the tag or is followed by its attributes; `<https:`
            // is an autolink and `a <b` a comparison.
            let ends = after_slash[len..]
                .chars()
                .next()
                .is_none_or(|c| c == '>' || c == '/' || c.is_ascii_whitespace());
            if !name.starts_with(|c: char| c.is_ascii_alphabetic()) || !ends || self_closing(&name)
            {
                continue;
            }
            if closing {
                html_depth = html_depth.saturating_sub(1);
            } else if !tag_closes_itself(rest) {
                html_depth += 1;
                if html_depth > MAX_DEPTH {
                    return Err(Refusal::DeepHtml { line: n + 1 });
                }
            }
        }
    }
    Ok(())
}

/// Levels opened at the start of a line: `>`, `-`, `*`, `+` or `1.` followed by
/// a space, with the indentation between them (two columns a level) when there
/// is at least one marker.
fn line_depth(line: &str) -> usize {
    let bytes = line.as_bytes();
    let (mut markers, mut columns, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b' ' => columns += 1,
            b'\t' => columns += 4,
            b'>' => markers += 1,
            b'-' | b'*' | b'+' if bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t') => {
                markers += 1
            }
            b'0'..=b'9' => {
                let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                let after = bytes.get(i + digits);
                let spaced = bytes
                    .get(i + digits + 1)
                    .is_none_or(|b| *b == b' ' || *b == b'\t');
                if digits <= 9 && matches!(after, Some(b'.' | b')')) && spaced {
                    markers += 1;
                    i += digits;
                } else {
                    break;
                }
            }
            _ => break,
        }
        i += 1;
    }
    if markers == 0 {
        0
    } else {
        markers + columns / 2
    }
}

/// Elements that never hold others, or that the HTML parser closes when the
/// next one of their kind starts: they add no depth.
fn self_closing(name: &str) -> bool {
    matches!(
        name,
        "br" | "hr"
            | "img"
            | "input"
            | "meta"
            | "link"
            | "wbr"
            | "area"
            | "base"
            | "col"
            | "embed"
            | "source"
            | "track"
            | "param"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "option"
            | "optgroup"
            | "rt"
            | "rp"
    )
}

/// Whether the tag that starts `rest` ends with `/>` on the same line. The
/// look stops at the next `<`, so that a line of many tags is read once, not
/// once per tag.
fn tag_closes_itself(rest: &str) -> bool {
    match rest.find(['<', '>']) {
        Some(end) => rest.as_bytes()[end] == b'>' && rest[..end].ends_with('/'),
        None => false,
    }
}

/// Renders Markdown to safe HTML.
pub fn render(text: &str) -> Markup {
    if check(text).is_err() {
        // Text over the bounds (stored before they existed): shown as it was
        // typed, escaped, which costs nothing to render.
        return maud::html! { div.plain-text { (text) } };
    }
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
    fn deep_nesting_is_refused_and_shown_as_plain_text() {
        let quotes = ">".repeat(50_000);
        assert_eq!(check(&quotes), Err(Refusal::DeepQuotes { line: 1 }));
        let divs = "<div>".repeat(50_000);
        assert_eq!(check(&divs), Err(Refusal::DeepHtml { line: 1 }));
        let lists: String = (0..40)
            .map(|i| format!("{}- niveau {i}\n", "  ".repeat(i)))
            .collect();
        assert_eq!(check(&lists), Err(Refusal::DeepQuotes { line: 33 }));
        let html = render(&quotes).into_string();
        assert!(
            html.starts_with("<div class=\"plain-text\">&gt;&gt;"),
            "{}",
            &html[..40]
        );
        assert!(!html.contains("<blockquote"));
    }

    #[test]
    fn ordinary_documents_pass_the_check() {
        let text = "# Titre\n\n> Une citation\n> > et sa réponse\n\n1. un\n   - deux\n     - trois\n\n\
                    <div><p>un<p>deux<br><img src=x/></div>\n\n\
                    a < b et 3 > 2, <https://example.org> <!-- note -->\n\n- - -\n";
        assert_eq!(check(text), Ok(()));
        let many_paragraphs = "<p>paragraphe\n".repeat(1000);
        assert_eq!(check(&many_paragraphs), Ok(()));
        let siblings = "<div>bloc</div>\n".repeat(1000);
        assert_eq!(check(&siblings), Ok(()));
        let closed_late = format!("{}/>", "<a ".repeat(30_000));
        assert_eq!(check(&closed_late), Err(Refusal::DeepHtml { line: 1 }));
        let self_closed = "<x/>".repeat(100_000);
        assert_eq!(check(&self_closed), Ok(()));
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

//! Text of the text formats: plain text and CSV as they are, Markdown without
//! its markup, HTML without its tags, scripts and styles.

use super::{Extraction, decode_text};

fn one_page(text: String) -> Extraction {
    Extraction {
        pages: vec![text],
        failure: None,
    }
}

pub fn plain(bytes: &[u8]) -> Extraction {
    one_page(decode_text(bytes))
}

pub fn markdown(bytes: &[u8]) -> Extraction {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let source = decode_text(bytes);
    let mut out = String::with_capacity(source.len());
    for event in Parser::new(&source) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    one_page(out)
}

/// Elements whose content is not text a reader sees.
const HIDDEN: [&str; 5] = ["script", "style", "template", "noscript", "head"];
/// Elements that end a line.
const BLOCKS: [&str; 14] = [
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "td",
];

/// A forgiving reading of HTML: tags are dropped (a line break after block
/// elements), the content of scripts and styles too, entities decoded.
pub fn html(bytes: &[u8]) -> Extraction {
    let source = decode_text(bytes);
    let mut out = String::with_capacity(source.len() / 2);
    let mut rest = source.as_str();
    let mut hidden: Option<String> = None;
    while !rest.is_empty() {
        match rest.find('<') {
            None => {
                if hidden.is_none() {
                    push_decoded(&mut out, rest);
                }
                break;
            }
            Some(start) => {
                if hidden.is_none() {
                    push_decoded(&mut out, &rest[..start]);
                }
                let tag = &rest[start + 1..];
                let end = match tag.strip_prefix("!--") {
                    Some(comment) => comment.find("-->").map(|i| i + 3 + 3),
                    None => tag.find('>').map(|i| i + 1),
                };
                let Some(end) = end else { break };
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let closing = tag.starts_with('/');
                match &hidden {
                    Some(h) if closing && *h == name => hidden = None,
                    Some(_) => {}
                    None if !closing && HIDDEN.contains(&name.as_str()) => hidden = Some(name),
                    None if BLOCKS.contains(&name.as_str()) => out.push('\n'),
                    None => out.push(' '),
                }
                rest = &tag[end.min(tag.len())..];
            }
        }
    }
    one_page(out)
}

/// Appends text with its character references decoded (the named ones French
/// text uses, and every numeric one).
fn push_decoded(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| entity(&after[..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "laquo" => '«',
        "raquo" => '»',
        "eacute" => 'é',
        "egrave" => 'è',
        "ecirc" => 'ê',
        "euml" => 'ë',
        "agrave" => 'à',
        "acirc" => 'â',
        "ccedil" => 'ç',
        "icirc" => 'î',
        "iuml" => 'ï',
        "ocirc" => 'ô',
        "ugrave" => 'ù',
        "ucirc" => 'û',
        "oelig" => 'œ',
        "Eacute" => 'É',
        "Agrave" => 'À',
        "Ccedil" => 'Ç',
        "rsquo" => '’',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "euro" => '€',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_keeps_what_a_reader_sees() {
        let page = b"<html><head><title>T</title><style>p{}</style></head><body><h1>Cartographie</h1><script>alert('x')</script><p>Acteurs&nbsp;&amp; lieux, l&eacute;t&#233; &#x20AC; &bogus; a&b</p><!-- <p>cach\xc3\xa9</p> --></body></html>";
        let text = html(page).pages.concat();
        assert!(text.contains("Cartographie"));
        assert!(
            text.contains("Acteurs\u{a0}& lieux, lété € &bogus; a&b"),
            "{text}"
        );
        assert!(!text.contains("alert") && !text.contains("p{}") && !text.contains("caché"));
    }

    #[test]
    fn markdown_loses_its_markup() {
        let text = markdown("# Titre\n\nDu **gras** et `du code`.\n".as_bytes())
            .pages
            .concat();
        assert_eq!(text, "Titre\nDu gras et du code.\n");
    }
}

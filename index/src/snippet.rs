//! Highlighted excerpts: tantivy picks the best fragment, this module turns it into
//! HTML where only `<mark>` is markup and every other character is escaped.

use tantivy::snippet::Snippet;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Renders a snippet's fragment with its highlighted ranges in `<mark>`, with an
/// ellipsis where the fragment cuts into the text (`text_len` is the length of the
/// text it was cut from).
pub fn to_marked_html(snippet: &Snippet, text_len: usize) -> String {
    let fragment = snippet.fragment();
    let range = snippet.fragment_range();
    let mut out = String::with_capacity(fragment.len() + 32);
    if range.start > 0 {
        out.push_str("… ");
    }
    let mut at = 0;
    for range in snippet.highlighted() {
        if range.start < at || range.end > fragment.len() {
            continue;
        }
        escape_html(&fragment[at..range.start], &mut out);
        out.push_str("<mark>");
        escape_html(&fragment[range.clone()], &mut out);
        out.push_str("</mark>");
        at = range.end;
    }
    escape_html(&fragment[at..], &mut out);
    if range.end < text_len {
        out.push_str(" …");
    }
    out
}

/// The first `max_chars` characters of `text`, cut at a word boundary, escaped; used
/// when no field holds a match (a filter-only search, a title-only match).
pub fn leading_excerpt(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let trimmed = text.trim();
    if trimmed.chars().count() <= max_chars {
        escape_html(trimmed, &mut out);
        return out;
    }
    let cut: String = trimmed.chars().take(max_chars).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max_chars / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    escape_html(cut.trim_end(), &mut out);
    out.push_str(" …");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_but_marks() {
        let mut s = String::new();
        escape_html("<script>a & 'b' \"c\"</script>", &mut s);
        assert_eq!(
            s,
            "&lt;script&gt;a &amp; &#39;b&#39; &quot;c&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn leading_excerpt_cuts_at_a_word() {
        let text = "Une méthode pour animer des réunions <vraiment> participatives";
        let e = leading_excerpt(text, 40);
        assert!(e.ends_with(" …"));
        assert!(e.contains("&lt;vraiment&gt;") || !e.contains('<'));
        assert_eq!(leading_excerpt("court", 40), "court");
    }
}

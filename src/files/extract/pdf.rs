//! Text of PDF files, page by page, with pdf-extract. A page it cannot read
//! (a font map it chokes on, even a panic in the parser) is left empty and
//! the others are kept; an encrypted file says so.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::Extraction;

/// Pages read at most: the time limit stops a larger file anyway.
const MAX_PAGES: usize = 5_000;

pub fn extract(bytes: &[u8]) -> Extraction {
    let loaded = catch_unwind(|| pdf_extract::Document::load_mem(bytes));
    let doc = match loaded {
        Ok(Ok(doc)) => doc,
        Ok(Err(e)) if e.to_string().to_lowercase().contains("decrypt") => {
            return Extraction::failed(
                "PDF chiffré : son texte ne peut être lu sans son mot de passe",
            );
        }
        Ok(Err(e)) => return Extraction::failed(format!("PDF illisible ({e})")),
        Err(_) => return Extraction::failed("PDF illisible (structure invalide)"),
    };
    if doc.is_encrypted() {
        return Extraction::failed("PDF chiffré : son texte ne peut être lu sans son mot de passe");
    }
    let count = doc.get_pages().len();
    let mut pages = Vec::with_capacity(count.min(MAX_PAGES));
    let mut unread = 0;
    for number in 1..=count.min(MAX_PAGES) as u32 {
        let page = catch_unwind(AssertUnwindSafe(|| {
            let mut text = String::new();
            let mut out = pdf_extract::PlainTextOutput::new(&mut text);
            pdf_extract::output_doc_page(&doc, &mut out, number).map(|()| text)
        }));
        match page {
            Ok(Ok(text)) => pages.push(clean(&text)),
            _ => {
                unread += 1;
                pages.push(String::new());
            }
        }
    }
    let failure = match unread {
        0 if count > MAX_PAGES => Some(format!("seules les {MAX_PAGES} premières pages sont lues")),
        0 => None,
        n if n == count => Some("PDF illisible : aucune page n'a pu être lue".to_owned()),
        n => Some(format!("{n} page(s) sur {count} n'ont pas pu être lues")),
    };
    if count == 0 {
        return Extraction::failed("PDF sans page");
    }
    Extraction { pages, failure }
}

/// PDF text as `pdftotext` gives it: accents that TeX draws as a character
/// of their own put back on their letter (`d´etails` is `détails`), then
/// compatibility forms unfolded (the ligature `ﬁ` is `fi`), soft hyphens
/// dropped, and words cut by a hyphen at the end of a line joined again.
/// Measured on French PDFs, the accents were most of the difference.
fn clean(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let composed: String = accents_on_letters(text).nfkc().collect();
    let mut out = String::with_capacity(composed.len());
    let mut chars = composed.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{ad}' => {}
            '-' | '\u{2010}' if out.chars().last().is_some_and(char::is_alphabetic) => {
                // Over the line break and the indentation after it.
                let mut ahead = chars.clone();
                while ahead.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
                if ahead.next_if(|c| *c == '\n' || *c == '\r').is_some() {
                    while ahead.next_if(|c| c.is_whitespace()).is_some() {}
                    if ahead.peek().is_some_and(|c| c.is_lowercase()) {
                        chars = ahead;
                        continue;
                    }
                }
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The combining mark of a spacing accent, as TeX fonts draw it before its
/// letter. `^` and `` ` `` are ordinary characters too: they only count
/// before a vowel.
fn combining(accent: char, letter: char) -> Option<char> {
    let vowel = "aeiouyAEIOUY\u{131}".contains(letter);
    Some(match accent {
        '\u{b4}' | '\u{2ca}' => '\u{301}',
        '\u{2cb}' => '\u{300}',
        '`' if vowel => '\u{300}',
        '\u{2c6}' => '\u{302}',
        '^' if vowel => '\u{302}',
        '\u{a8}' => '\u{308}',
        '\u{2dc}' => '\u{303}',
        '\u{2c7}' => '\u{30c}',
        '\u{2da}' => '\u{30a}',
        _ => return None,
    })
}

fn accents_on_letters(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().filter(|n| n.is_alphabetic());
        if let Some(mark) = next.and_then(|n| combining(c, n)) {
            // The dotless ı of `ˆı` is an i under its accent.
            let letter = chars.next().map(|l| if l == '\u{131}' { 'i' } else { l });
            out.extend(letter);
            out.push(mark);
        } else if c == '\u{b8}' && out.chars().last().is_some_and(char::is_alphabetic) {
            // A cedilla comes after its letter.
            out.push('\u{327}');
        } else {
            out.push(c);
        }
    }
    out.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_and_hyphenated_line_ends_read_as_words() {
        assert_eq!(
            clean("e\u{fb03}cace, exem-\n  ple, Jean-\nPierre, re-dire"),
            "efficace, exemple, Jean-\nPierre, re-dire"
        );
        assert_eq!(
            clean("d\u{b4}etails, para\u{2c6}\u{131}tre, `a c\u{b8}a, no\u{a8}el, 2^3"),
            "détails, paraître, à ça, noël, 2^3"
        );
    }

    #[test]
    fn garbage_is_a_reason_not_a_crash() {
        assert!(extract(b"%PDF-1.7\n garbage").failure.is_some());
        assert!(extract(b"").failure.is_some());
    }
}

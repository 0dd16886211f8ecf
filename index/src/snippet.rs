//! Highlighted excerpts: tantivy picks the best fragment, this module turns it into
//! HTML where only `<mark>` is markup and every other character is escaped.
//!
//! Finding the matches of a text means analysing all of it as the index did, and
//! stemming is most of that cost: for ten hits of a few kilobytes each it was a
//! sixth of a search. So the text is read by an analyzer that stems only the words
//! that could stem to a term of the query, those that begin as one does
//! ([`Gate`]); Snowball stemmers change the ends of words, never their first
//! letters.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tantivy::schema::Field;
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};
use tantivy::{Searcher, Term};

use crate::analysis::{self, Lang};

/// A snippet generator for `field`, analysed in `lang`, highlighting the terms
/// of `query` in that field, rarer terms weighing more (as tantivy's own does).
pub fn generator(
    searcher: &Searcher,
    query: &dyn tantivy::query::Query,
    field: Field,
    lang: Lang,
    max_chars: usize,
) -> tantivy::Result<SnippetGenerator> {
    let mut terms: BTreeSet<&Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term);
        }
    });
    let mut weights = BTreeMap::new();
    for term in terms {
        let value = term.value();
        let Some(text) = value.as_str() else {
            continue;
        };
        let frequency = searcher.doc_freq(term)?;
        if frequency > 0 {
            weights.insert(text.to_owned(), 1.0 / (1.0 + frequency as f32));
        }
    }
    let gate = Gate {
        lang,
        starts: Arc::new(
            weights
                .keys()
                .map(|t| t.chars().take(3).collect())
                .collect(),
        ),
    };
    let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(gate)
        .build();
    Ok(SnippetGenerator::new(weights, analyzer, field, max_chars))
}

/// Stems, in its language, each word that begins as a query term does; turns the
/// others into a term no query holds.
#[derive(Clone)]
struct Gate {
    lang: Lang,
    /// The first three letters of each query term.
    starts: Arc<Vec<String>>,
}

impl TokenFilter for Gate {
    type Tokenizer<T: Tokenizer> = Gated<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> Gated<T> {
        Gated { inner, gate: self }
    }
}

#[derive(Clone)]
pub struct Gated<T> {
    inner: T,
    gate: Gate,
}

impl<T: Tokenizer> Tokenizer for Gated<T> {
    type TokenStream<'a> = GatedStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        GatedStream {
            inner: self.inner.token_stream(text),
            gate: &self.gate,
        }
    }
}

pub struct GatedStream<'a, S> {
    inner: S,
    gate: &'a Gate,
}

impl<S: TokenStream> TokenStream for GatedStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let token = self.inner.token_mut();
        let wanted = self.gate.starts.iter().any(|s| token.text.starts_with(s));
        let stem = if wanted {
            analysis::terms(self.gate.lang, &token.text)
                .into_iter()
                .next()
        } else {
            None
        };
        // An empty text matches no term: the word is not highlighted.
        token.text = stem.unwrap_or_default();
        true
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

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

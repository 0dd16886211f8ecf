//! From what a person types to a tantivy query.
//!
//! The syntax is small and forgiving: words (all must match), `"exact phrases"` and
//! `-excluded` words. Anything that cannot be read that way (an unbalanced quote, a
//! lone `-`, control characters, an overly long query) is searched as plain words,
//! and [`ParsedQuery::notice`] says so: a search never fails on its syntax.
//!
//! Each word is analysed with every language's analyzer and looked up in every
//! language's fields, so a French query finds French records by their stems and an
//! English one English records, whatever the reader's interface language.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption};

use crate::analysis::{self, Lang};
use crate::doc::SearchRequest;
use crate::schema::{Fields, Role};

/// Longest query text that is read; the rest is ignored (and said so).
pub const MAX_QUERY_CHARS: usize = 500;

/// Extra weight given to records where the words appear close together.
const PROXIMITY_BOOST: f32 = 1.5;
const PROXIMITY_SLOP: u32 = 3;
/// Weight of an exact, unstemmed label match (a partner's acronym, a keyword).
const LABEL_BOOST: f32 = 3.0;

/// A query split into its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub words: Vec<String>,
    pub phrases: Vec<String>,
    pub excluded: Vec<String>,
    /// Set when the input could not be read as written.
    pub notice: Option<String>,
}

impl ParsedQuery {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty()
    }
}

/// Splits a query into words, phrases and exclusions. Never fails.
pub fn parse(input: &str) -> ParsedQuery {
    let mut notices = Vec::new();
    let mut text: String = input
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.len() != input.len() || text.chars().zip(input.chars()).any(|(a, b)| a != b) {
        notices.push("les caractères de contrôle ont été ignorés");
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        text = text.chars().take(MAX_QUERY_CHARS).collect();
        notices.push("la requête a été tronquée à 500 caractères");
    }
    let quotes = text.chars().filter(|c| *c == '"').count();
    if quotes % 2 == 1 {
        text = text.replace('"', " ");
        notices.push("un guillemet n'était pas refermé : la recherche porte sur les mots");
    }

    let mut parsed = ParsedQuery::default();
    let mut rest = text.as_str();
    while let Some(start) = rest.find('"') {
        split_words(&rest[..start], &mut parsed, &mut notices);
        let after = &rest[start + 1..];
        let end = after.find('"').unwrap_or(after.len());
        let phrase = after[..end].trim();
        if !phrase.is_empty() {
            parsed.phrases.push(phrase.to_owned());
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    split_words(rest, &mut parsed, &mut notices);
    if !notices.is_empty() {
        notices.dedup();
        let mut notice = notices.join(" ; ");
        if let Some(first) = notice.get(..1) {
            notice = first.to_uppercase() + &notice[1..];
        }
        parsed.notice = Some(notice + ".");
    }
    parsed
}

fn split_words(text: &str, parsed: &mut ParsedQuery, notices: &mut Vec<&'static str>) {
    for word in text.split_whitespace() {
        if let Some(excluded) = word.strip_prefix('-') {
            if excluded.chars().any(char::is_alphanumeric) {
                parsed.excluded.push(excluded.to_owned());
            } else {
                notices.push("un « - » isolé a été ignoré");
            }
        } else if word.chars().any(char::is_alphanumeric) {
            parsed.words.push(word.to_owned());
        }
    }
}

/// How the words of a query combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Every word must match (the default).
    All,
    /// Any word may match; used as a fallback when all of them find nothing.
    Any,
}

/// Builds the full query for a request: text, filters and visibility.
pub fn build(
    fields: &Fields,
    parsed: &ParsedQuery,
    req: &SearchRequest,
    mode: Match,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let word_occur = match mode {
        Match::All => Occur::Must,
        Match::Any => Occur::Should,
    };
    let mut any_text = false;
    for word in &parsed.words {
        if let Some(q) = text_query(fields, word) {
            clauses.push((word_occur, q));
            any_text = true;
        }
    }
    for phrase in &parsed.phrases {
        if let Some(q) = text_query(fields, phrase) {
            clauses.push((Occur::Must, q));
            any_text = true;
        }
    }
    if mode == Match::All
        && let Some(q) = proximity_query(fields, &parsed.words)
    {
        clauses.push((Occur::Should, q));
    }
    for word in &parsed.excluded {
        if let Some(q) = text_query(fields, word) {
            clauses.push((Occur::MustNot, q));
        }
    }
    if !any_text {
        // Nothing searchable in the text (empty, or only stop words): list everything
        // the filters let through.
        clauses.push((Occur::Must, Box::new(tantivy::query::AllQuery)));
    }
    add_facet_filter(&mut clauses, fields, "kind", &req.kinds);
    add_facet_filter(&mut clauses, fields, "partner", &req.partners);
    add_facet_filter(&mut clauses, fields, "keyword", &req.keywords);
    add_facet_filter(&mut clauses, fields, "lang", &req.langs);
    let years: Vec<String> = req.years.iter().map(i64::to_string).collect();
    add_facet_filter(&mut clauses, fields, "year", &years);
    if !req.statuses.is_empty() {
        // Visible: a status the reader may see, or a record of the reader's own.
        let mut visible: Vec<(Occur, Box<dyn Query>)> = req
            .statuses
            .iter()
            .map(|s| (Occur::Should, facet_term(fields, "status", s)))
            .collect();
        if let Some(owner) = &req.owner {
            visible.push((Occur::Should, facet_term(fields, "owner", owner)));
        }
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(visible))));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// A facet path such as `/partner/RITIMO`.
pub fn facet(dimension: &str, value: &str) -> Facet {
    Facet::from_path([dimension, value])
}

fn add_facet_filter(
    clauses: &mut Vec<(Occur, Box<dyn Query>)>,
    fields: &Fields,
    dimension: &str,
    values: &[String],
) {
    if values.is_empty() {
        return;
    }
    let alternatives: Vec<(Occur, Box<dyn Query>)> = values
        .iter()
        .map(|v| (Occur::Should, facet_term(fields, dimension, v)))
        .collect();
    clauses.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
}

fn facet_term(fields: &Fields, dimension: &str, value: &str) -> Box<dyn Query> {
    let term = Term::from_facet(fields.facets, &facet(dimension, value));
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// The query for one word or phrase: it matches in any language's fields and in
/// the exact labels; the best-matching field gives the score (with a little credit
/// for the others), so a word repeated across fields does not swamp the ranking.
fn text_query(fields: &Fields, text: &str) -> Option<Box<dyn Query>> {
    let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
    for lang in Lang::ALL {
        let terms = analysis::terms(lang, text);
        if terms.is_empty() {
            continue;
        }
        for role in Role::ALL {
            let field = fields.text(lang, role);
            if let Some(q) = terms_query(field, &terms, 0) {
                alternatives.push(Box::new(BoostQuery::new(q, role.boost())));
            }
        }
    }
    if alternatives.is_empty() {
        return None;
    }
    let label_terms = analysis::label_terms(text);
    if let Some(q) = terms_query(fields.label_text, &label_terms, 0) {
        alternatives.push(Box::new(BoostQuery::new(q, LABEL_BOOST)));
    }
    Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
        alternatives,
        0.2,
    )))
}

/// One term, or a phrase of several terms in `field`.
fn terms_query(
    field: tantivy::schema::Field,
    terms: &[String],
    slop: u32,
) -> Option<Box<dyn Query>> {
    match terms {
        [] => None,
        [one] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, one),
            IndexRecordOption::WithFreqs,
        ))),
        many => {
            let terms: Vec<Term> = many
                .iter()
                .map(|t| Term::from_field_text(field, t))
                .collect();
            let mut q = PhraseQuery::new(terms);
            q.set_slop(slop);
            Some(Box::new(q))
        }
    }
}

/// Rewards records where the query's words stand close together, in order.
fn proximity_query(fields: &Fields, words: &[String]) -> Option<Box<dyn Query>> {
    if words.len() < 2 {
        return None;
    }
    let joined = words.join(" ");
    let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
    for lang in Lang::ALL {
        let terms = analysis::terms(lang, &joined);
        if terms.len() < 2 {
            continue;
        }
        for role in [Role::Title, Role::Summary, Role::Body] {
            if let Some(q) = terms_query(fields.text(lang, role), &terms, PROXIMITY_SLOP) {
                alternatives.push(Box::new(BoostQuery::new(q, role.boost() * PROXIMITY_BOOST)));
            }
        }
    }
    if alternatives.is_empty() {
        return None;
    }
    Some(Box::new(DisjunctionMaxQuery::new(alternatives)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_and_exclusions() {
        let p = parse(r#"cartographie "forum électronique" -financement"#);
        assert_eq!(p.words, vec!["cartographie"]);
        assert_eq!(p.phrases, vec!["forum électronique"]);
        assert_eq!(p.excluded, vec!["financement"]);
        assert_eq!(p.notice, None);
    }

    #[test]
    fn odd_syntax_degrades_to_words_with_a_notice() {
        let p = parse("\"forum électronique");
        assert_eq!(p.words, vec!["forum", "électronique"]);
        assert!(p.notice.is_some());

        let p = parse("a\u{0}b - c");
        assert_eq!(p.words, vec!["a", "b", "c"]);
        assert!(p.notice.as_deref().unwrap_or("").contains("contrôle"));

        let long = "mot ".repeat(2000);
        let p = parse(&long);
        assert!(p.words.len() <= 125);
        assert!(p.notice.is_some());
    }
}

//! From what a person types to a tantivy query.
//!
//! The syntax is small and forgiving:
//!
//! - words: all must match (`cartographie participative`);
//! - `"exact phrases"`;
//! - `-word` or `-"phrase"` excludes;
//! - `a OR b`: either (binds the words on each side of it);
//! - filters: `kind:action`, `partner:RITIMO`, `keyword:"forum électronique"`,
//!   `lang:fr`, `year:2006`, `year:2005..2007`.
//!
//! Anything that cannot be read that way (an unbalanced quote, a lone `-` or `OR`,
//! an empty or bad filter, control characters, an overly long query) is searched as
//! plain words or left out, and [`ParsedQuery::notice`] says what was done: a search
//! never fails on its syntax.
//!
//! Each word is analysed in the languages it belongs to (see [`crate::reading`])
//! and looked up in those languages' fields, so a French query finds French records
//! by their stems and an English one English records, whatever the reader's
//! interface language, and `fair` does not find `faire`.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption};

use crate::analysis;
use crate::doc::SearchRequest;
use crate::reading::Reading;
use crate::schema::{Fields, Role};

/// Longest query text that is read; the rest is ignored (and said so).
pub const MAX_QUERY_CHARS: usize = 500;
/// Widest year range a filter may span.
const MAX_YEAR_SPAN: i64 = 200;

/// Extra weight given to records where the words appear close together.
const PROXIMITY_BOOST: f32 = 1.5;
const PROXIMITY_SLOP: u32 = 3;
/// Weight of an exact, unstemmed label match (a partner's acronym, a keyword).
const LABEL_BOOST: f32 = 3.0;
/// Weight of a word found as typed, unstemmed, anywhere in a record's text.
const EXACT_WORD_BOOST: f32 = 4.0;
/// Added to the score of a record whose whole title the query says: above what
/// the words themselves weigh, so that "Environnement" comes before
/// "Environnements de bureau".
const EXACT_TITLE_BONUS: f32 = 100.0;
/// Added, in a long question, to the records that hold every word: they come
/// before those that hold fewer, whatever the weight of these.
const ALL_WORDS_BONUS: f32 = 1000.0;

/// A word or a quoted phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Word(String),
    Phrase(String),
}

impl Piece {
    pub fn text(&self) -> &str {
        match self {
            Piece::Word(t) | Piece::Phrase(t) => t,
        }
    }
}

/// Filters written in the query text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub kinds: Vec<String>,
    pub partners: Vec<String>,
    pub keywords: Vec<String>,
    pub langs: Vec<String>,
    pub years: Vec<i64>,
    pub places: Vec<String>,
}

/// One thing the parser could not read as written, and what it did instead. The
/// interface words these in its own language; [`QueryNotice::french`] gives the
/// text of [`ParsedQuery::notice`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryNotice {
    ControlCharacters,
    Truncated { max: usize },
    UnclosedQuote,
    LoneOr,
    ExcludedFilter { field: String },
    EmptyFilter { field: String },
    BadYear { value: String },
    LoneMinus,
}

impl QueryNotice {
    pub fn french(&self) -> String {
        match self {
            QueryNotice::ControlCharacters => "les caractères de contrôle ont été ignorés".into(),
            QueryNotice::Truncated { max } => {
                format!("la requête a été tronquée à {max} caractères")
            }
            QueryNotice::UnclosedQuote => {
                "un guillemet n'était pas refermé : la recherche porte sur les mots".into()
            }
            QueryNotice::LoneOr => "un « OR » isolé a été ignoré".into(),
            QueryNotice::ExcludedFilter { field } => {
                format!("le filtre exclu « -{field}: » a été ignoré")
            }
            QueryNotice::EmptyFilter { field } => {
                format!("le filtre « {field}: » sans valeur a été ignoré")
            }
            QueryNotice::BadYear { value } => format!(
                "« year:{value} » n'est ni une année ni une période comme 2005..2007 : filtre ignoré"
            ),
            QueryNotice::LoneMinus => "un « - » isolé a été ignoré".into(),
        }
    }
}

/// A query split into its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Every group must match; a group matches when any of its pieces does.
    pub groups: Vec<Vec<Piece>>,
    pub excluded: Vec<Piece>,
    pub filters: Filters,
    /// Set when the input could not be read as written: the [`notices`]
    /// (Self::notices) in French, as one sentence.
    pub notice: Option<String>,
    pub notices: Vec<QueryNotice>,
}

impl ParsedQuery {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Groups that hold more than stop words, read as `reading` says.
    pub fn meaningful_groups(&self, reading: &Reading) -> usize {
        self.groups
            .iter()
            .filter(|g| g.iter().any(|p| reading.meaningful(p.text())))
            .count()
    }

    /// The plain words that stand alone (not in an OR, not in a phrase).
    pub fn words(&self) -> Vec<String> {
        self.groups
            .iter()
            .filter(|g| g.len() == 1)
            .filter_map(|g| match &g[0] {
                Piece::Word(w) => Some(w.clone()),
                Piece::Phrase(_) => None,
            })
            .collect()
    }

    /// The query text with `from` replaced by `to`, for "did you mean".
    pub fn replace_word(text: &str, from: &str, to: &str) -> String {
        text.split(' ')
            .map(|w| if w == from { to } else { w })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One token of the query text.
struct Token {
    negated: bool,
    field: Option<String>,
    text: String,
    quoted: bool,
}

const FILTERS: [&str; 6] = ["kind", "partner", "keyword", "lang", "year", "place"];

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        if chars[i] == '-' {
            negated = true;
            i += 1;
        }
        let mut field = None;
        // `name:` prefix, for known filter names only.
        let rest: String = chars[i..].iter().collect();
        if let Some((name, _)) = rest.split_once(':')
            && FILTERS.contains(&name)
        {
            field = Some(name.to_owned());
            i += name.chars().count() + 1;
        }
        let (value, quoted) = if chars.get(i) == Some(&'"') {
            let end = chars[i + 1..]
                .iter()
                .position(|c| *c == '"')
                .map_or(chars.len(), |p| i + 1 + p);
            let v: String = chars[i + 1..end].iter().collect();
            i = (end + 1).min(chars.len());
            (v, true)
        } else {
            let end = chars[i..]
                .iter()
                .position(|c| c.is_whitespace())
                .map_or(chars.len(), |p| i + p);
            let v: String = chars[i..end].iter().collect();
            i = end;
            (v, false)
        };
        tokens.push(Token {
            negated,
            field,
            text: value.trim().to_owned(),
            quoted,
        });
    }
    tokens
}

/// `2006` or `2005..2007` → the years.
fn years(value: &str) -> Option<Vec<i64>> {
    let year = |s: &str| s.parse::<i64>().ok().filter(|y| (1000..=9999).contains(y));
    match value.split_once("..") {
        None => year(value).map(|y| vec![y]),
        Some((a, b)) => {
            let (a, b) = (year(a)?, year(b)?);
            (a <= b && b - a <= MAX_YEAR_SPAN).then(|| (a..=b).collect())
        }
    }
}

/// Splits a query into its parts. Never fails.
pub fn parse(input: &str) -> ParsedQuery {
    let mut notices: Vec<QueryNotice> = Vec::new();
    let mut text: String = input
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text != input {
        notices.push(QueryNotice::ControlCharacters);
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        text = text.chars().take(MAX_QUERY_CHARS).collect();
        notices.push(QueryNotice::Truncated {
            max: MAX_QUERY_CHARS,
        });
    }
    if text.chars().filter(|c| *c == '"').count() % 2 == 1 {
        text = text.replace('"', " ");
        notices.push(QueryNotice::UnclosedQuote);
    }

    let mut parsed = ParsedQuery::default();
    let mut join_next = false;
    let tokens = tokenize(&text);
    let last = tokens.len().saturating_sub(1);
    for (i, token) in tokens.into_iter().enumerate() {
        if token.field.is_none() && !token.quoted && !token.negated && token.text == "OR" {
            if parsed.groups.is_empty() || i == last || join_next {
                notices.push(QueryNotice::LoneOr);
            } else {
                join_next = true;
            }
            continue;
        }
        if let Some(field) = &token.field {
            join_next = false;
            if token.negated {
                notices.push(QueryNotice::ExcludedFilter {
                    field: field.clone(),
                });
                continue;
            }
            if token.text.is_empty() {
                notices.push(QueryNotice::EmptyFilter {
                    field: field.clone(),
                });
                continue;
            }
            let f = &mut parsed.filters;
            let value = token.text.clone();
            match field.as_str() {
                "kind" => f.kinds.push(value),
                "partner" => f.partners.push(value),
                "keyword" => f.keywords.push(value),
                "lang" => f.langs.push(value),
                "place" => f.places.push(value),
                _ => match years(&value) {
                    Some(ys) => f.years.extend(ys),
                    None => notices.push(QueryNotice::BadYear { value }),
                },
            }
            continue;
        }
        if !token.text.chars().any(char::is_alphanumeric) {
            if token.negated && token.text.is_empty() {
                notices.push(QueryNotice::LoneMinus);
            }
            continue;
        }
        let piece = if token.quoted {
            Piece::Phrase(token.text)
        } else {
            Piece::Word(token.text)
        };
        if token.negated {
            join_next = false;
            parsed.excluded.push(piece);
        } else if join_next {
            join_next = false;
            if let Some(group) = parsed.groups.last_mut() {
                group.push(piece);
            }
        } else {
            parsed.groups.push(vec![piece]);
        }
    }
    if !notices.is_empty() {
        notices.dedup();
        let mut notice = notices
            .iter()
            .map(QueryNotice::french)
            .collect::<Vec<_>>()
            .join(" ; ");
        if let Some(first) = notice.chars().next() {
            notice = first.to_uppercase().collect::<String>() + &notice[first.len_utf8()..];
        }
        parsed.notice = Some(notice + ".");
        parsed.notices = notices;
    }
    parsed
}

/// How the words of a query combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Every word must match (the default).
    All,
    /// At least this many of the meaningful words must match: the most any
    /// record holds when none holds them all.
    AtLeast(usize),
    /// Long questions: any word may match, but the records that hold them all
    /// come first, then the others by the weight of the words they hold.
    Ranked,
}

/// Builds the full query for a request: text, filters and visibility.
pub fn build(
    fields: &Fields,
    parsed: &ParsedQuery,
    req: &SearchRequest,
    mode: Match,
    reading: &Reading,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut words: Vec<Box<dyn Query>> = Vec::new();
    let mut any_text = false;
    for group in &parsed.groups {
        let alternatives: Vec<Box<dyn Query>> = group
            .iter()
            .filter(|piece| reading.meaningful(piece.text()))
            .filter_map(|piece| text_query(fields, piece.text(), reading))
            .collect();
        let q: Box<dyn Query> = match alternatives.len() {
            0 => continue,
            1 => alternatives.into_iter().next().expect("one alternative"),
            _ => Box::new(BooleanQuery::new(
                alternatives
                    .into_iter()
                    .map(|q| (Occur::Should, q))
                    .collect(),
            )),
        };
        any_text = true;
        words.push(q);
    }
    if let Some(q) = exact_title(fields, parsed, reading) {
        clauses.push((Occur::Should, q));
    }
    let least = match mode {
        Match::AtLeast(k) => k,
        Match::Ranked => 1,
        Match::All => words.len(),
    };
    if least < words.len() {
        if mode == Match::Ranked {
            let every = words.iter().map(|q| (Occur::Must, q.box_clone())).collect();
            let every = ConstScoreQuery::new(Box::new(BooleanQuery::new(every)), ALL_WORDS_BONUS);
            clauses.push((Occur::Should, Box::new(every)));
        }
        // The words as one required clause that enough of them satisfy: beside
        // the filters' and the visibility's required clauses, optional clauses
        // would match every record.
        let some_of = words.into_iter().map(|q| (Occur::Should, q)).collect();
        clauses.push((
            Occur::Must,
            Box::new(BooleanQuery::with_minimum_required_clauses(
                some_of,
                least.max(1),
            )),
        ));
    } else {
        clauses.extend(words.into_iter().map(|q| (Occur::Must, q)));
    }
    for piece in &parsed.excluded {
        if let Some(q) = text_query(fields, piece.text(), reading) {
            clauses.push((Occur::MustNot, q));
        }
    }
    if !any_text {
        // Nothing searchable in the text (empty, or only stop words): list everything
        // the filters let through.
        clauses.push((Occur::Must, Box::new(tantivy::query::AllQuery)));
    }
    let f = &parsed.filters;
    let merged =
        |a: &[String], b: &[String]| -> Vec<String> { a.iter().chain(b).cloned().collect() };
    add_facet_filter(&mut clauses, fields, "kind", &merged(&req.kinds, &f.kinds));
    add_facet_filter(
        &mut clauses,
        fields,
        "partner",
        &merged(&req.partners, &f.partners),
    );
    add_facet_filter(
        &mut clauses,
        fields,
        "keyword",
        &merged(&req.keywords, &f.keywords),
    );
    add_facet_filter(&mut clauses, fields, "lang", &merged(&req.langs, &f.langs));
    add_facet_filter(&mut clauses, fields, "format", &req.formats);
    add_facet_filter(
        &mut clauses,
        fields,
        "place",
        &merged(&req.places, &f.places),
    );
    let years: Vec<String> = req
        .years
        .iter()
        .chain(&f.years)
        .map(i64::to_string)
        .collect();
    add_facet_filter(&mut clauses, fields, "year", &years);
    if let Some(visible) = visibility(fields, req) {
        clauses.push((Occur::Must, visible));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The records the request's reader may see: a status they may see, or a record
/// of their own; `None` when they may see everything.
pub fn visibility(fields: &Fields, req: &SearchRequest) -> Option<Box<dyn Query>> {
    if req.statuses.is_empty() {
        return None;
    }
    let mut visible: Vec<(Occur, Box<dyn Query>)> = req
        .statuses
        .iter()
        .map(|s| (Occur::Should, facet_term(fields, "status", s)))
        .collect();
    if let Some(owner) = &req.owner {
        visible.push((Occur::Should, facet_term(fields, "owner", owner)));
    }
    Some(Box::new(BooleanQuery::new(visible)))
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

pub(crate) fn facet_term(fields: &Fields, dimension: &str, value: &str) -> Box<dyn Query> {
    let term = Term::from_facet(fields.facets, &facet(dimension, value));
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// The query for one word or phrase: it matches in the fields of the languages
/// it is read in (see [`Reading`]), in the exact labels, and, for a word, as
/// typed in the record's vocabulary; the weighted scores of the fields it matches add up (a
/// disjunction with a full tie-breaker: summing measured better than taking the
/// best field alone, on Cranfield and on the French known items).
fn text_query(fields: &Fields, text: &str, reading: &Reading) -> Option<Box<dyn Query>> {
    let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
    let label_terms = analysis::label_terms(text);
    for lang in reading.langs(text) {
        let terms = analysis::positioned_terms(lang, text);
        if terms.is_empty() {
            continue;
        }
        for role in Role::ALL {
            let field = fields.text(lang, role);
            if let Some(q) = positioned_query(field, &terms) {
                alternatives.push(Box::new(BoostQuery::new(q, role.boost())));
            }
        }
        // The word as typed (case and accents aside) weighs more than its
        // inflections: `nuances` finds "Nuances" before "Nuance".
        if let [word] = label_terms.as_slice() {
            let term = Term::from_field_text(fields.words(lang), word);
            let q = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            alternatives.push(Box::new(BoostQuery::new(q, EXACT_WORD_BOOST)));
        }
    }
    if let Some(q) = terms_query(fields.label_text, &label_terms, 0) {
        alternatives.push(Box::new(BoostQuery::new(q, LABEL_BOOST)));
    }
    if alternatives.is_empty() {
        return None;
    }
    Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
        alternatives,
        1.0,
    )))
}

/// Matches the records whose title is the query, word for word, whatever the
/// case, accents and inflections (see [`analysis::key`]), with a fixed bonus.
fn exact_title(fields: &Fields, parsed: &ParsedQuery, reading: &Reading) -> Option<Box<dyn Query>> {
    if parsed.groups.is_empty() || parsed.groups.iter().any(|g| g.len() != 1) {
        return None;
    }
    let text = parsed
        .groups
        .iter()
        .map(|g| g[0].text())
        .collect::<Vec<_>>()
        .join(" ");
    let keys: Vec<(Occur, Box<dyn Query>)> = reading
        .langs(&text)
        .into_iter()
        .map(|lang| {
            let term = Term::from_field_text(fields.title_key, &analysis::key(lang, &text));
            let q: Box<dyn Query> = Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                EXACT_TITLE_BONUS,
            ));
            (Occur::Should, q)
        })
        .collect();
    Some(Box::new(BooleanQuery::new(keys)))
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

/// One term, or a phrase whose terms keep their distances (the gaps that stop
/// words leave).
fn positioned_query(
    field: tantivy::schema::Field,
    terms: &[(usize, String)],
) -> Option<Box<dyn Query>> {
    match terms {
        [] => None,
        [(_, one)] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, one),
            IndexRecordOption::WithFreqs,
        ))),
        many => {
            let first = many[0].0;
            let terms = many
                .iter()
                .map(|(at, t)| (at - first, Term::from_field_text(field, t)))
                .collect();
            Some(Box::new(PhraseQuery::new_with_offset(terms)))
        }
    }
}

/// Rewards records where the query's words stand close together, in order, in
/// the languages every one of them is read in. Checking positions costs more
/// than matching words, so this is scored apart, on the best candidates only.
pub fn proximity(
    fields: &Fields,
    parsed: &ParsedQuery,
    reading: &Reading,
) -> Option<Box<dyn Query>> {
    let words = parsed.words();
    if words.len() < 2 {
        return None;
    }
    let joined = words.join(" ");
    let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
    for lang in reading.langs(&joined) {
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

    fn words(p: &ParsedQuery) -> Vec<&str> {
        p.groups.iter().flatten().map(Piece::text).collect()
    }

    #[test]
    fn words_phrases_exclusions_or_and_filters() {
        let p = parse(r#"cartographie "forum électronique" -financement -"appel à projets""#);
        assert_eq!(words(&p), vec!["cartographie", "forum électronique"]);
        assert_eq!(
            p.groups[1],
            vec![Piece::Phrase("forum électronique".into())]
        );
        assert_eq!(p.excluded.len(), 2);
        assert_eq!(p.notice, None);

        let p = parse("forum OR cartographie budget");
        assert_eq!(p.groups.len(), 2);
        assert_eq!(p.groups[0].len(), 2);

        let p = parse(
            r#"kind:action partner:"Réseau des forums" keyword:thésaurus lang:fr year:2005..2007 carte"#,
        );
        assert_eq!(p.filters.kinds, vec!["action"]);
        assert_eq!(p.filters.partners, vec!["Réseau des forums"]);
        assert_eq!(p.filters.keywords, vec!["thésaurus"]);
        assert_eq!(p.filters.langs, vec!["fr"]);
        assert_eq!(p.filters.years, vec![2005, 2006, 2007]);
        assert_eq!(words(&p), vec!["carte"]);
        assert_eq!(p.notice, None);
    }

    #[test]
    fn odd_syntax_degrades_to_words_with_a_notice() {
        let p = parse("\"forum électronique");
        assert_eq!(words(&p), vec!["forum", "électronique"]);
        assert!(p.notice.is_some());

        let p = parse("a\u{0}b - c");
        assert_eq!(words(&p), vec!["a", "b", "c"]);
        assert!(p.notice.as_deref().unwrap_or("").contains("contrôle"));

        for odd in [
            "OR",
            "forum OR",
            "OR OR forum",
            "year:",
            "year:20x6",
            "year:2007..2005",
            "-kind:action",
            "kind:",
        ] {
            let p = parse(odd);
            assert!(p.notice.is_some(), "{odd}: {p:?}");
        }
        assert_eq!(
            words(&parse("http://exemple.org")),
            vec!["http://exemple.org"]
        );

        let long = "mot ".repeat(2000);
        let p = parse(&long);
        assert!(p.groups.len() <= 125);
        assert!(p.notice.is_some());
    }
}

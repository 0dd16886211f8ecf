//! Which languages a query's words are read in.
//!
//! A query has no language of its own, and a word can be a different word in each:
//! the French stemmer reads the English `fair` as the stem of `faire`. So each
//! word is looked up in the vocabularies of the languages present in the index
//! (the words of their records as written, and the labels of thesaurus concepts in
//! each language): a word known in some languages is read in those only; a word
//! known in none (a new inflection, a typo) is read in all of them. A concept's
//! labels are indexed in their own languages on every record it tags, so the
//! thesaurus still bridges languages: `fair trade`, read as English, finds a
//! French record tagged "commerce équitable" by that concept's English label.

use std::collections::HashMap;

use tantivy::{Searcher, Term};

use crate::Result;
use crate::analysis::{self, Lang};
use crate::schema::Fields;

/// The languages each word of a query is read in.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// Languages with at least one record (or concept label) in the index.
    present: Vec<Lang>,
    /// For each folded word looked up: the present languages that know it.
    known: HashMap<String, Vec<Lang>>,
}

impl Reading {
    /// Looks the words of `texts` up in the index's vocabularies.
    pub fn of<'a>(
        searcher: &Searcher,
        fields: &Fields,
        texts: impl IntoIterator<Item = &'a str>,
    ) -> Result<Reading> {
        let mut present = Vec::new();
        for lang in Lang::ALL {
            let field = fields.words(lang);
            for segment in searcher.segment_readers() {
                if segment.inverted_index(field)?.terms().num_terms() > 0 {
                    present.push(lang);
                    break;
                }
            }
        }
        let mut known = HashMap::new();
        for text in texts {
            for word in analysis::label_terms(text) {
                if known.contains_key(&word) {
                    continue;
                }
                let mut langs = Vec::new();
                for lang in &present {
                    let term = Term::from_field_text(fields.words(*lang), &word);
                    if searcher.doc_freq(&term)? > 0 {
                        langs.push(*lang);
                    }
                }
                known.insert(word, langs);
            }
        }
        Ok(Reading { present, known })
    }

    /// Languages with records; every language when nothing was looked up.
    pub fn present(&self) -> &[Lang] {
        if self.present.is_empty() {
            &Lang::ALL
        } else {
            &self.present
        }
    }

    /// The languages `text` (a word or a phrase) is analysed in: those that know
    /// every one of its words; all present ones when no language knows them all.
    pub fn langs(&self, text: &str) -> Vec<Lang> {
        let mut langs = self.present().to_vec();
        for word in analysis::label_terms(text) {
            match self.known.get(&word) {
                Some(known) if !known.is_empty() => langs.retain(|l| known.contains(l)),
                _ => {}
            }
        }
        if langs.is_empty() {
            self.present().to_vec()
        } else {
            langs
        }
    }

    /// Whether `text` carries meaning: it is not a stop word in a language it is
    /// read in (`un`, `la`, `des` never count as matched words).
    pub fn meaningful(&self, text: &str) -> bool {
        let langs = self.langs(text);
        langs
            .iter()
            .all(|lang| !analysis::terms(*lang, text).is_empty())
    }
}

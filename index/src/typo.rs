//! Spelling candidates: the words of the vocabulary within a few edits of a
//! query word, found by running a Levenshtein automaton over the term
//! dictionary rather than by comparing the word with every term.
//!
//! The vocabulary keeps accents (a correction should read as a real word) while
//! the query word is folded (`evenemnts` should meet `événements` within one
//! edit), so the automaton reads each term through [`Folded`], which folds the
//! accented Latin letters of a term to ASCII as it goes.

use std::sync::OnceLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy_fst::Automaton;

/// The automaton builder for `max` edits (1 or 2), made once: building one
/// computes tables that every word can share.
fn builder(max: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    if max <= 1 {
        ONE.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true))
    } else {
        TWO.get_or_init(|| LevenshteinAutomatonBuilder::new(2, true))
    }
}

/// Accepts the terms whose folded form is within `max` edits of `folded` (a
/// transposition counts as one edit).
pub struct Folded(DFA);

impl Folded {
    pub fn new(folded: &str, max: u8) -> Folded {
        Folded(builder(max).build_dfa(folded))
    }

    /// The number of edits between `term` folded and the word, if within reach.
    pub fn distance(&self, term: &[u8]) -> Option<u8> {
        let mut state = self.start();
        for byte in term {
            state = self.accept(&state, *byte);
        }
        match (state.1, self.0.distance(state.0)) {
            (0, Distance::Exact(d)) => Some(d),
            _ => None,
        }
    }

    fn feed(&self, state: u32, ascii: &str) -> u32 {
        ascii.bytes().fold(state, |s, b| self.0.transition(s, b))
    }
}

impl Automaton for Folded {
    /// The DFA's state, and the lead byte of a two-byte character being read.
    type State = (u32, u8);

    fn start(&self) -> Self::State {
        (self.0.initial_state(), 0)
    }

    fn is_match(&self, state: &Self::State) -> bool {
        state.1 == 0 && matches!(self.0.distance(state.0), Distance::Exact(_))
    }

    fn can_match(&self, state: &Self::State) -> bool {
        state.0 != SINK_STATE
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        let (dfa, lead) = *state;
        if lead != 0 {
            let code = (u32::from(lead & 0x1f) << 6) | u32::from(byte & 0x3f);
            return match char::from_u32(code).and_then(fold) {
                Some(ascii) => (self.feed(dfa, ascii), 0),
                None => (self.0.transition(self.0.transition(dfa, lead), byte), 0),
            };
        }
        // The two-byte characters that may be accented Latin letters wait for
        // their second byte; everything else goes through as it is.
        if (0xc3..=0xc5).contains(&byte) {
            (dfa, byte)
        } else {
            (self.0.transition(dfa, byte), 0)
        }
    }
}

/// The ASCII letters of an accented lowercase Latin letter.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ß' => "ss",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ł' => "l",
        'ś' | 'š' => "s",
        'ź' | 'ż' | 'ž' => "z",
        'ř' => "r",
        'ť' => "t",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_are_folded_before_edits_are_counted() {
        let a = Folded::new("evenemnts", 1);
        assert_eq!(a.distance("événements".as_bytes()), Some(1));
        assert_eq!(a.distance("evenements".as_bytes()), Some(1));
        assert_eq!(a.distance("événement".as_bytes()), None);
        let b = Folded::new("participatve", 1);
        assert_eq!(b.distance(b"participative"), Some(1));
        let c = Folded::new("coeur", 1);
        assert_eq!(c.distance("cœur".as_bytes()), Some(0));
        // Characters without an ASCII folding are read as they are.
        let d = Folded::new("doğa", 1);
        assert_eq!(d.distance("doğa".as_bytes()), Some(0));
        assert_eq!(d.distance("doga".as_bytes()), Some(1));
    }
}

//! Text analysis per language.
//!
//! Every language gets one analyzer: split on non-alphanumerics, drop very long
//! tokens, lowercase, fold accents, drop stop words (and, in French, the elided
//! articles `l'`, `d'`, `qu'` … which the tokenizer leaves as lone tokens), then stem.
//!
//! Accents are folded *before* stemming, on purpose: the Snowball stemmers treat
//! `é` and `e` differently, so stemming first would send `réalisées` and `realisees`
//! to different stems. Folding first makes the accented and unaccented spellings of
//! a word always meet on the same term, at the price of a slightly coarser stem.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    AsciiFoldingFilter, RawTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
    TokenizerManager,
};

/// A language Savoirs analyses text in. Records in any other language are analysed
/// with the French analyzer, the foundation's working language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::En, Lang::Es];

    /// Maps a record's language code to its analyzer language.
    pub fn from_code(code: &str) -> Lang {
        match code {
            "en" => Lang::En,
            "es" => Lang::Es,
            _ => Lang::Fr,
        }
    }

    /// The analyzer language of a code, if Savoirs has one for it.
    pub fn known(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// Name under which the analyzer is registered in the index.
    pub fn analyzer_name(self) -> &'static str {
        match self {
            Lang::Fr => "savoirs_fr",
            Lang::En => "savoirs_en",
            Lang::Es => "savoirs_es",
        }
    }

    /// The stemmer of the language, dropping no word: for keys.
    fn stemmer(self) -> CachedStemmer {
        CachedStemmer::new(self.algorithm(), &[])
    }

    /// The stemmer of the language that also drops its stop words: for text.
    fn stemmer_without_stop_words(self) -> CachedStemmer {
        CachedStemmer::new(self.algorithm(), stop_words(self))
    }

    fn algorithm(self) -> frostem::Algorithm {
        match self {
            Lang::Fr => frostem::Algorithm::French,
            Lang::En => frostem::Algorithm::English,
            Lang::Es => frostem::Algorithm::Spanish,
        }
    }
}

/// A word of at most [`Short::MAX`] bytes, held inline with its length in the
/// last byte: the memory of stems compares and copies these without following
/// a pointer, where looking up `String` keys spent most of its time waiting for
/// the key's bytes to come from memory.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Short([u8; 24]);

impl Short {
    const MAX: usize = 23;

    fn new(word: &str) -> Option<Short> {
        let bytes = word.as_bytes();
        if bytes.len() > Self::MAX {
            return None;
        }
        let mut short = [0; 24];
        short[..bytes.len()].copy_from_slice(bytes);
        short[Self::MAX] = bytes.len() as u8;
        Some(Short(short))
    }

    fn as_str(&self) -> &str {
        let len = usize::from(self.0[Self::MAX]).min(Self::MAX);
        // Always valid: made from a `&str` of exactly these bytes.
        std::str::from_utf8(&self.0[..len]).unwrap_or_default()
    }
}

impl std::hash::Hash for Short {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for chunk in self.0.chunks_exact(8) {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            state.write_u64(u64::from_ne_bytes(word));
        }
    }
}

/// Tantivy's Snowball stemmer filter and its stop-word filter in one, with a
/// memory of the words it has seen.
///
/// Stemming was a tenth of the time of an import: words follow Zipf's law, so
/// the same few thousand are stemmed again and again. The memory also knows the
/// stop words (the most frequent words of all), so that one lookup tells
/// whether a word is dropped and what it stems to. A stem is nearly always the
/// beginning of its word: the memory then keeps only its length, and the word
/// is cut to it, so that an entry takes 25 bytes and more of them stay in the
/// processor's cache (waiting for entries was most of the lookup's time). Each
/// analyzer (one per indexing thread) keeps its own memory, emptied when it
/// grows past [`CachedStemmer::WORDS`] words, so it costs a few megabytes at
/// most.
#[derive(Clone)]
pub struct CachedStemmer {
    stemmer: frostem::Stemmer,
    /// Words dropped, already folded; empty to keep every word.
    stop_words: &'static [&'static str],
    /// What a word becomes: [`STOP_WORD`], [`ELSEWHERE`], or the length of
    /// its stem, the word's first bytes.
    stems: FxHashMap<Short, u8>,
    /// The stems that are not the beginning of their word (`happy`, `happi`).
    other_stems: FxHashMap<Short, Short>,
}

/// In the memory of stems: the word is a stop word.
const STOP_WORD: u8 = u8::MAX;
/// In the memory of stems: the stem is in `other_stems`.
const ELSEWHERE: u8 = u8::MAX - 1;

impl CachedStemmer {
    const WORDS: usize = 50_000;

    fn new(algorithm: frostem::Algorithm, stop_words: &'static [&'static str]) -> CachedStemmer {
        CachedStemmer {
            stemmer: frostem::Stemmer::new(algorithm),
            stop_words,
            stems: FxHashMap::default(),
            other_stems: FxHashMap::default(),
        }
    }

    /// Replaces `word` by its stem; false when it is a stop word, to be dropped.
    fn stem(&mut self, word: &mut String) -> bool {
        let Some(key) = Short::new(word) else {
            // Too long to remember, and never a stop word.
            let stem = self.stemmer.stem(word).into_owned();
            *word = stem;
            return true;
        };
        let known = match self.stems.get(&key) {
            Some(&known) => known,
            None => {
                if self.stems.len() >= Self::WORDS {
                    self.stems.clear();
                    self.other_stems.clear();
                }
                let known = if self.stop_words.contains(&word.as_str()) {
                    STOP_WORD
                } else {
                    let stem = self.stemmer.stem(word);
                    if word.starts_with(stem.as_ref()) {
                        // Shorter than the word: below `ELSEWHERE`.
                        stem.len() as u8
                    } else {
                        let stem = stem.into_owned();
                        let Some(short) = Short::new(&stem) else {
                            // A stem longer than its word: not remembered.
                            *word = stem;
                            return true;
                        };
                        self.other_stems.insert(key, short);
                        ELSEWHERE
                    }
                };
                self.stems.insert(key, known);
                known
            }
        };
        match known {
            STOP_WORD => false,
            ELSEWHERE => {
                let stem = self
                    .other_stems
                    .get(&key)
                    .map(Short::as_str)
                    .unwrap_or_default();
                word.clear();
                word.push_str(stem);
                true
            }
            len => {
                word.truncate(usize::from(len));
                true
            }
        }
    }
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            stemmer: self,
            inner,
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    stemmer: CachedStemmer,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &mut self.stemmer,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stemmer: &'a mut CachedStemmer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        // A stop word is skipped and leaves its position empty, as tantivy's
        // stop-word filter does: a phrase still matches through it.
        while self.tail.advance() {
            if self.stemmer.stem(&mut self.tail.token_mut().text) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// French stop words, already folded (the filter runs after accent folding), plus
/// the elided forms that the tokenizer splits off at the apostrophe.
const FRENCH_STOP_WORDS: &[&str] = &[
    // elisions: l'appropriation, d'action, qu'elle, j'ai, n'est, s'inscrit, c'est, m'a, t'a
    "l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu",
    // articles, pronouns, prepositions, conjunctions
    "le", "la", "les", "un", "une", "des", "du", "de", "au", "aux", "et", "ou", "a", "en", "dans",
    "par", "pour", "sur", "avec", "sans", "sous", "ce", "cet", "cette", "ces", "se", "sa", "son",
    "ses", "leur", "leurs", "que", "qui", "quoi", "dont", "il", "elle", "ils", "elles", "on",
    "nous", "vous", "je", "tu", "me", "te", "lui", "y", "ne", "pas", "plus", "est", "sont", "ete",
    "etre", "avoir", "ont", "mais", "donc", "or", "ni", "car", "si", "notre", "nos", "votre",
    "vos", "mon", "ma", "mes", "ton", "ta", "tes",
];

const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

const SPANISH_STOP_WORDS: &[&str] = &[
    "el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "al", "y", "o", "en",
    "por", "para", "con", "sin", "que", "se", "su", "sus", "es", "son", "lo", "le", "les",
];

fn stop_words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => FRENCH_STOP_WORDS,
        Lang::En => ENGLISH_STOP_WORDS,
        Lang::Es => SPANISH_STOP_WORDS,
    }
}

/// Words of this many bytes or more are dropped, as tantivy's
/// `RemoveLongFilter::limit(48)` drops them: identifiers and encoded data,
/// never words someone searches for.
const LONG_WORD: usize = 48;

/// The words of a text, lowercased and, when `fold`, with their accents folded:
/// the tokens of tantivy's `SimpleTokenizer` (runs of alphanumeric characters),
/// `RemoveLongFilter::limit(48)`, `LowerCaser` and `AsciiFoldingFilter` in a
/// row, made in one pass and one copy.
///
/// Those four took a quarter of the index writer's time in an import: each
/// copied every word again, and each non-ASCII word went through the general
/// Unicode tables twice. Here an ASCII word is copied
/// once and lowercased in place, and the accented letters of French, Spanish
/// and the other Western European languages are lowercased and folded by a
/// small table. Any other non-ASCII word goes through tantivy's own folding, so
/// the tokens are the same as theirs for every text, which a test checks for
/// every character.
#[derive(Clone)]
pub struct Words {
    fold: bool,
    token: Token,
    /// Tantivy's folding, for the words the table does not cover.
    folding: TextAnalyzer,
}

impl Words {
    fn new(fold: bool) -> Words {
        Words {
            fold,
            token: Token::default(),
            folding: TextAnalyzer::builder(RawTokenizer::default())
                .filter(AsciiFoldingFilter)
                .build(),
        }
    }
}

impl Tokenizer for Words {
    type TokenStream<'a> = WordsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordsStream<'a> {
        self.token.reset();
        WordsStream {
            text,
            at: 0,
            fold: self.fold,
            token: &mut self.token,
            folding: &mut self.folding,
        }
    }
}

pub struct WordsStream<'a> {
    text: &'a str,
    /// Where the next word is looked for, in bytes.
    at: usize,
    fold: bool,
    token: &'a mut Token,
    folding: &'a mut TextAnalyzer,
}

impl TokenStream for WordsStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            // Every word counts for a position, a long one dropped included, as
            // in tantivy's tokenizer.
            self.token.position = self.token.position.wrapping_add(1);
            let rest = &self.text[self.at..];
            let Some(start) = rest.find(in_word) else {
                self.at = self.text.len();
                return false;
            };
            let start = self.at + start;
            let end = self.text[start..]
                .find(|c: char| !in_word(c))
                .map_or(self.text.len(), |end| start + end);
            self.at = end;
            if end - start >= LONG_WORD {
                continue;
            }
            self.token.offset_from = start;
            self.token.offset_to = end;
            let word = &self.text[start..end];
            let text = &mut self.token.text;
            text.clear();
            if word.is_ascii() {
                text.push_str(word);
                text.make_ascii_lowercase();
            } else if !lower_and_fold(word, self.fold, text) {
                // Letters the table does not know: tantivy folds the word.
                let lowered: String = word.chars().flat_map(char::to_lowercase).collect();
                let mut folded = self.folding.token_stream(&lowered);
                text.clear();
                if folded.advance() {
                    text.push_str(&folded.token().text);
                }
            }
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Whether `c` belongs to a word: alphanumeric, as for tantivy's tokenizer,
/// with the letters of Latin-1 answered without the Unicode tables.
fn in_word(c: char) -> bool {
    match c {
        '\u{C0}'..='\u{FF}' => c != '\u{D7}' && c != '\u{F7}',
        _ => c.is_alphanumeric(),
    }
}

/// Lowercases `word` into `out` as tantivy's `LowerCaser` does (letter by
/// letter), folding its accents when `fold`; false, with `out` unfinished, when
/// a letter is to be folded that the table below does not cover.
fn lower_and_fold(word: &str, fold: bool, out: &mut String) -> bool {
    for c in word.chars() {
        let c = match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            // Latin-1 capitals (but the multiplication sign): their small
            // letter is 32 code points further.
            '\u{C0}'..='\u{DE}' if c != '\u{D7}' => char::from_u32(c as u32 + 32).unwrap_or(c),
            '\u{152}' => '\u{153}',
            // Small letters of Latin-1, and œ.
            '\u{DF}'..='\u{FF}' | '\u{153}' => c,
            _ if c.is_ascii() => c,
            _ if fold => return false,
            _ => {
                out.extend(c.to_lowercase());
                continue;
            }
        };
        if c.is_ascii() || !fold {
            out.push(c);
            continue;
        }
        out.push_str(match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'æ' => "ae",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ð' => "d",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'œ' => "oe",
            'ß' => "ss",
            'þ' => "th",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            _ => return false,
        });
    }
    true
}

/// Builds the analyzer for one language.
pub fn analyzer(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::builder(Words::new(true))
        .filter(lang.stemmer_without_stop_words())
        .build()
}

/// Name of the analyzer for exact labels (partner names, keywords): lowercase and
/// folded, never stemmed.
pub const LABEL_ANALYZER: &str = "savoirs_label";

fn label_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(Words::new(true))
}

/// Name of the analyzer of the spelling vocabulary: words as written, lowercased,
/// accents kept, so that a correction reads as a real word.
pub const SPELL_ANALYZER: &str = "savoirs_spell";

fn spell_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(Words::new(false))
}

/// Registers every Savoirs analyzer on an index's tokenizer manager.
pub fn register(manager: &TokenizerManager) {
    for lang in Lang::ALL {
        manager.register(lang.analyzer_name(), analyzer(lang));
    }
    manager.register(LABEL_ANALYZER, label_analyzer());
    manager.register(SPELL_ANALYZER, spell_analyzer());
}

/// Lowercased, accent-folded words of `text` joined by spaces: a key for sorting.
pub fn terms_plain(text: &str) -> String {
    label_terms(text).join(" ")
}

/// The analyzers of queries, by [`Analysis`]: built once per thread rather than
/// at each call, as building one makes its stop-word set anew and a query
/// analyses each of its words a dozen times.
#[derive(Clone, Copy)]
enum Analysis {
    Text(Lang),
    Label,
    Key(Lang),
}

fn with_analyzer<T>(which: Analysis, f: impl FnOnce(&mut TextAnalyzer) -> T) -> T {
    thread_local! {
        static BUILT: RefCell<[Option<TextAnalyzer>; 7]> =
            const { RefCell::new([None, None, None, None, None, None, None]) };
    }
    let (slot, build): (usize, fn() -> TextAnalyzer) = match which {
        Analysis::Text(Lang::Fr) => (0, || analyzer(Lang::Fr)),
        Analysis::Text(Lang::En) => (1, || analyzer(Lang::En)),
        Analysis::Text(Lang::Es) => (2, || analyzer(Lang::Es)),
        Analysis::Label => (3, label_analyzer),
        Analysis::Key(Lang::Fr) => (4, || key_analyzer(Lang::Fr)),
        Analysis::Key(Lang::En) => (5, || key_analyzer(Lang::En)),
        Analysis::Key(Lang::Es) => (6, || key_analyzer(Lang::Es)),
    };
    BUILT.with(|built| {
        let mut built = built.borrow_mut();
        f(built[slot].get_or_insert_with(build))
    })
}

/// Stems every word, stop words included: two texts with the same key say the
/// same words, whatever their case, accents and inflections.
fn key_analyzer(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::builder(Words::new(true))
        .filter(lang.stemmer())
        .build()
}

/// The key of a whole text in `lang`: its stemmed words, stop words kept, in
/// order. `Le changelog` and `changelogs` differ; `Les Changelogs` and `le
/// changelog` do not.
pub fn key(lang: Lang, text: &str) -> String {
    positioned(Analysis::Key(lang), text)
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of `text` as [`label_terms`] gives them, each with where it stands
/// in `text` (byte offsets).
pub fn label_tokens(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    with_analyzer(Analysis::Label, |analyzer| {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((token.offset_from..token.offset_to, token.text.clone()));
        }
        out
    })
}

/// Lowercased, accent-folded, unstemmed words of `text`: how labels are matched.
pub fn label_terms(text: &str) -> Vec<String> {
    positioned(Analysis::Label, text)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// Runs `text` through the analyzer of `lang` and returns the terms it produces.
pub fn terms(lang: Lang, text: &str) -> Vec<String> {
    positioned(Analysis::Text(lang), text)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// The terms of `text` in `lang` with their positions in it. Stop words leave a
/// gap (`maisons de quartier` is `maison` at 0, `quarti` at 2), as they do in
/// the index, so that a phrase with a stop word matches through it.
pub fn positioned_terms(lang: Lang, text: &str) -> Vec<(usize, String)> {
    positioned(Analysis::Text(lang), text)
}

fn positioned(which: Analysis, text: &str) -> Vec<(usize, String)> {
    with_analyzer(which, |analyzer| {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((token.position, token.text.clone()));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token of `text`: its words, where they stand, their positions.
    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    #[test]
    fn words_are_tantivys_four_filters_in_one() {
        use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer};
        let tantivy = |fold: bool| {
            let builder = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(48))
                .filter(LowerCaser);
            if fold {
                builder.filter(AsciiFoldingFilter).build()
            } else {
                builder.build()
            }
        };
        // Every character of the scripts most texts use, and a sample of the
        // others, alone, inside a word, and beside capitals and digits.
        let chars = (0..0x2600)
            .chain((0x2600..0x11_0000).step_by(97))
            .filter_map(char::from_u32);
        let mut texts: Vec<String> = chars.map(|c| format!("{c} a{c}B {c}{c}É9 Œ{c}")).collect();
        texts.extend([
            "L'Été des Associations, 2e édition : ÇA BOUGE à Saint-Étienne ! Œuvres ÆØÅ".into(),
            "Straße ΣΊΣΥΦΟΣ Ελλάδα Москва İstanbul ǅemal ﬁn ①② x²".into(),
            // Around the length limit, in bytes: 47, 48 and 49 bytes.
            format!("{} {} b{}", "a".repeat(47), "é".repeat(24), "é".repeat(24)),
            format!("{}x {} court", "É".repeat(23), "e".repeat(60)),
            String::new(),
            " \t\n-- ".into(),
        ]);
        for fold in [true, false] {
            let (mut theirs, mut ours) = (tantivy(fold), TextAnalyzer::from(Words::new(fold)));
            for text in &texts {
                assert_eq!(
                    tokens(&mut ours, text),
                    tokens(&mut theirs, text),
                    "{text:?}, folded: {fold}"
                );
            }
        }
    }

    #[test]
    fn accents_plurals_and_case_meet() {
        assert_eq!(terms(Lang::Fr, "Méthodes"), terms(Lang::Fr, "methode"));
        assert_eq!(terms(Lang::Fr, "réalisées"), terms(Lang::Fr, "REALISEES"));
        assert_eq!(
            terms(Lang::Fr, "intelligences collectives"),
            terms(Lang::Fr, "intelligence collective")
        );
    }

    #[test]
    fn french_elisions_are_dropped() {
        assert_eq!(
            terms(Lang::Fr, "l'appropriation"),
            terms(Lang::Fr, "appropriation")
        );
        assert_eq!(terms(Lang::Fr, "d’action"), terms(Lang::Fr, "action"));
        assert_eq!(terms(Lang::Fr, "qu'elle"), Vec::<String>::new());
    }

    #[test]
    fn keys_keep_stop_words_and_forget_inflections() {
        assert_eq!(
            key(Lang::Fr, "Les Changelogs"),
            key(Lang::Fr, "le changelog")
        );
        assert_ne!(key(Lang::Fr, "Le changelog"), key(Lang::Fr, "changelog"));
        assert_eq!(key(Lang::Fr, "Démarche à suivre"), "demarch a suivr");
    }

    #[test]
    fn english_is_stemmed_as_english() {
        assert_eq!(terms(Lang::En, "Mappings"), terms(Lang::En, "mapping"));
        assert!(terms(Lang::En, "the").is_empty());
    }

    /// A short word holds its bytes exactly, whatever its length; a longer one
    /// is refused.
    #[test]
    fn short_words_keep_their_bytes() {
        let letters = "abcdefghijklmnopqrstuvwxyz";
        for n in 0..=Short::MAX {
            let word = &letters[..n];
            let short = Short::new(word).expect("short enough");
            assert_eq!(short.as_str(), word);
            assert!(short.0[n..Short::MAX].iter().all(|b| *b == 0), "{n}");
        }
        assert!(Short::new(&letters[..Short::MAX + 1]).is_none());
        let accented = Short::new("éléphantesques").expect("short enough");
        assert_eq!(accented.as_str(), "éléphantesques");
    }

    /// The stems remembered are the stemmer's own, before and after the memory
    /// is emptied: every word is stemmed twice, more words than it holds.
    #[test]
    fn remembered_stems_are_the_stemmers_own() {
        for (lang, algorithm) in [
            (Lang::Fr, frostem::Algorithm::French),
            (Lang::En, frostem::Algorithm::English),
            (Lang::Es, frostem::Algorithm::Spanish),
        ] {
            let plain = frostem::Stemmer::new(algorithm);
            let mut cached = lang.stemmer_without_stop_words();
            // Stems that begin their word, and others (`organy`, `organi`).
            let suffixes = [
                "", "s", "ations", "ement", "ité", "ing", "es", "aient", "y", "ies",
            ];
            let words = (0..CachedStemmer::WORDS + 1_000).map(|i| {
                let root = format!("organ{}", i % 7_919);
                format!("{root}{}", suffixes[i % suffixes.len()])
            });
            for word in words.clone().chain(words) {
                let mut stemmed = word.clone();
                assert!(cached.stem(&mut stemmed), "{word}");
                assert_eq!(stemmed, plain.stem(&word), "{word}");
            }
            // Stop words are dropped, from the memory as the first time, and
            // so are they once it has been emptied; long words are stemmed too.
            for _ in 0..2 {
                let mut stop = stop_words(lang)[0].to_owned();
                assert!(!cached.stem(&mut stop));
            }
            let long = format!("{}ations", "anticonstitutionnel".repeat(2));
            let mut stemmed = long.clone();
            assert!(cached.stem(&mut stemmed));
            assert_eq!(stemmed, plain.stem(&long));
            assert!(cached.stems.len() <= CachedStemmer::WORDS);
        }
    }
}

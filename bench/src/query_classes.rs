//! Known-item query classes for a real collection: for one record, the query a
//! person might type to find it again, in six ways — its title as written,
//! lowercased, lowercased without accents, with one word's number changed, with
//! one typo, or a few words remembered from its text. Each is derived from the
//! record alone (and, for the last, from how rare words are in the collection),
//! with a seeded generator, so the query set is the same at every run.

use std::collections::{HashMap, HashSet};

use crate::known_item::{drop_a_letter, toggle_plural, unaccent};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Exact,
    Lower,
    NoAccents,
    Inflected,
    Typo,
    BodyWords,
}

impl Class {
    pub const ALL: [Class; 6] = [
        Class::Exact,
        Class::Lower,
        Class::NoAccents,
        Class::Inflected,
        Class::Typo,
        Class::BodyWords,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Class::Exact => "exact title",
            Class::Lower => "lower-case title",
            Class::NoAccents => "no accents",
            Class::Inflected => "one word re-inflected",
            Class::Typo => "one typo",
            Class::BodyWords => "3–5 body words",
        }
    }

    /// Whether the query is made from the title (and so can only point to one
    /// record when titles are unique).
    pub fn from_title(self) -> bool {
        self != Class::BodyWords
    }
}

/// Words that say nothing of a record on their own.
const STOP: &[&str] = &[
    "les",
    "des",
    "une",
    "est",
    "pour",
    "dans",
    "que",
    "qui",
    "sur",
    "pas",
    "par",
    "aux",
    "avec",
    "ce",
    "cet",
    "cette",
    "ces",
    "ils",
    "elle",
    "elles",
    "sont",
    "être",
    "été",
    "vous",
    "nous",
    "mais",
    "plus",
    "ses",
    "son",
    "sa",
    "leur",
    "leurs",
    "lui",
    "sans",
    "sous",
    "entre",
    "aussi",
    "comme",
    "tout",
    "tous",
    "toute",
    "toutes",
    "très",
    "peut",
    "peuvent",
    "doit",
    "faut",
    "fait",
    "faire",
    "avoir",
    "ont",
    "était",
    "même",
    "autre",
    "autres",
    "dont",
    "donc",
    "alors",
    "ainsi",
    "car",
    "chaque",
    "puis",
    "cela",
    "ceci",
    "celui",
    "celle",
    "ceux",
    "quand",
    "lorsque",
    "selon",
    "afin",
    "après",
    "avant",
    "depuis",
    "vers",
    "chez",
    "mon",
    "mes",
    "ton",
    "tes",
    "notre",
    "nos",
    "votre",
    "vos",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "encore",
    "déjà",
    "non",
    "oui",
    "bien",
    "ici",
    "voici",
    "voir",
    "etc",
    "également",
    "pourquoi",
    "comment",
    "certains",
    "certaines",
    "plusieurs",
    "une",
    "qu",
    "où",
    "the",
    "and",
    "you",
    "for",
    "pouvez",
    "devez",
    "permet",
    "utiliser",
    "exemple",
    "fichier",
    "fichiers",
    "suivante",
    "suivant",
];

/// The query of a title class for a record's title; `None` for the body class
/// or when the title has no word the class can change.
pub fn title_query(class: Class, title: &str, rng: &mut fastrand::Rng) -> Option<String> {
    match class {
        Class::Exact => Some(title.to_owned()),
        Class::Lower => Some(title.to_lowercase()),
        Class::NoAccents => Some(unaccent(&title.to_lowercase())),
        Class::Inflected => change_one_word(title, rng, inflectable, |w, _| reinflect(w)),
        Class::Typo => change_one_word(title, rng, |w| w.chars().count() >= 6, one_edit),
        Class::BodyWords => None,
    }
}

/// A word whose number a person might get wrong: a plain lowercase or
/// capitalised word (not an acronym) that carries meaning.
fn inflectable(word: &str) -> bool {
    let lower = word.to_lowercase();
    word.chars().count() >= 4
        && !STOP.contains(&lower.as_str())
        && word.chars().skip(1).all(char::is_lowercase)
}

/// Singular ↔ plural, keeping a capital first letter.
fn reinflect(word: &str) -> String {
    let toggled = toggle_plural(&word.to_lowercase());
    if word.chars().next().is_some_and(char::is_uppercase) {
        let mut chars = toggled.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        toggled
    }
}

/// The longest run of letters in a space-separated token ("d'installation," →
/// "installation"), as a byte range.
fn word_span(token: &str) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut start = None;
    for (i, c) in token.char_indices().chain([(token.len(), ' ')]) {
        match (c.is_alphabetic() && i < token.len(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if best.is_none_or(|(a, b)| i - s > b - a) {
                    best = Some((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    best
}

/// The title with one word (chosen with `rng` among those `eligible`) changed.
fn change_one_word(
    title: &str,
    rng: &mut fastrand::Rng,
    eligible: impl Fn(&str) -> bool,
    change: impl Fn(&str, &mut fastrand::Rng) -> String,
) -> Option<String> {
    let tokens: Vec<&str> = title.split(' ').collect();
    let candidates: Vec<(usize, (usize, usize))> = tokens
        .iter()
        .enumerate()
        .filter_map(|(i, t)| word_span(t).map(|span| (i, span)))
        .filter(|(i, (a, b))| eligible(&tokens[*i][*a..*b]))
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let (i, (a, b)) = candidates[rng.usize(..candidates.len())];
    let token = tokens[i];
    let changed = format!(
        "{}{}{}",
        &token[..a],
        change(&token[a..b], rng),
        &token[b..]
    );
    let mut out: Vec<String> = tokens.iter().map(|t| (*t).to_owned()).collect();
    out[i] = changed;
    Some(out.join(" "))
}

/// One edit away, never on the first letter (which people rarely get wrong): a
/// letter dropped, two swapped, one replaced or one doubled.
pub fn one_edit(word: &str, rng: &mut fastrand::Rng) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    if n < 3 {
        return drop_a_letter(word);
    }
    let at = rng.usize(1..n - 1);
    match rng.u8(..4) {
        1 if chars[at] != chars[at + 1] => chars.swap(at, at + 1),
        2 => {
            let letters: Vec<char> = "aeiournst".chars().filter(|c| *c != chars[at]).collect();
            chars[at] = letters[rng.usize(..letters.len())];
        }
        3 => chars.insert(at, chars[at]),
        _ => return drop_a_letter(word),
    }
    chars.into_iter().collect()
}

/// The plain words of a text, lowercased, in order: tokens that are letters
/// only once punctuation and an elided article ("l'", "d'") are taken off.
/// Tokens with digits or symbols (versions, paths, options) are left out.
pub fn plain_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter_map(|token| {
            let core = token.trim_matches(|c: char| !c.is_alphanumeric());
            let core = core.rsplit(['\'', '’']).next().unwrap_or(core);
            (!core.is_empty() && core.chars().all(char::is_alphabetic)).then(|| core.to_lowercase())
        })
        .collect()
}

/// In how many records of the collection each word occurs.
pub struct Rarity {
    docs: usize,
    counts: HashMap<String, usize>,
}

impl Rarity {
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> Rarity {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut docs = 0;
        for text in texts {
            docs += 1;
            let unique: HashSet<String> = plain_words(text).into_iter().collect();
            for w in unique {
                *counts.entry(w).or_default() += 1;
            }
        }
        Rarity { docs, counts }
    }

    /// Inverse document frequency: higher for rarer words.
    pub fn idf(&self, word: &str) -> f64 {
        let df = self.counts.get(word).copied().unwrap_or(0).max(1);
        (self.docs as f64 / df as f64).ln()
    }
}

/// Three to five words remembered from a record's text, none from its title: a
/// run of consecutive meaningful words of one sentence (stop words left out),
/// the run whose words are rarest in the collection, as a person recalls a
/// passage that set the record apart.
pub fn body_query(
    title: &str,
    text: &str,
    rarity: &Rarity,
    rng: &mut fastrand::Rng,
) -> Option<String> {
    let length = rng.usize(3..=5);
    let in_title: HashSet<String> = plain_words(title).iter().map(|w| unaccent(w)).collect();
    let mut best: Option<(f64, &[String])> = None;
    let sentences: Vec<Vec<String>> = text
        .split(['.', '!', '?', ';', ':', '\n'])
        .map(|sentence| {
            plain_words(sentence)
                .into_iter()
                .filter(|w| {
                    w.chars().count() >= 3
                        && !STOP.contains(&w.as_str())
                        && !in_title.contains(&unaccent(w))
                })
                .collect()
        })
        .collect();
    for run in sentences.iter().flat_map(|s| s.windows(length)) {
        let distinct: HashSet<&String> = run.iter().collect();
        if distinct.len() < run.len() {
            continue;
        }
        let score: f64 = run.iter().map(|w| rarity.idf(w)).sum();
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, run));
        }
    }
    best.map(|(_, run)| run.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_classes() {
        let mut rng = fastrand::Rng::with_seed(1);
        let title = "Configurer l'Écran de connexion";
        let q =
            |c, rng: &mut fastrand::Rng| title_query(c, title, rng).expect("a query of this class");
        assert_eq!(q(Class::Exact, &mut rng), title);
        assert_eq!(q(Class::Lower, &mut rng), "configurer l'écran de connexion");
        assert_eq!(
            q(Class::NoAccents, &mut rng),
            "configurer l'ecran de connexion"
        );
        for _ in 0..20 {
            let inflected = q(Class::Inflected, &mut rng);
            assert!(
                [
                    "Configurers l'Écran de connexion",
                    "Configurer l'Écrans de connexion",
                    "Configurer l'Écran de connexions"
                ]
                .contains(&inflected.as_str()),
                "{inflected}"
            );
            let typo = q(Class::Typo, &mut rng);
            let changed: Vec<(&str, &str)> = typo
                .split(' ')
                .zip(title.split(' '))
                .filter(|(a, b)| a != b)
                .collect();
            assert_eq!(changed.len(), 1, "{typo}");
            assert!(changed[0].1.len() >= 6, "{typo}");
        }
        assert_eq!(title_query(Class::Typo, "Le NFS", &mut rng), None);
        assert_eq!(title_query(Class::BodyWords, title, &mut rng), None);
    }

    #[test]
    fn one_edit_changes_one_letter() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..50 {
            let typo = one_edit("partition", &mut rng);
            assert_ne!(typo, "partition");
            assert!(typo.starts_with('p'));
            assert!((8..=10).contains(&typo.chars().count()), "{typo}");
        }
    }

    #[test]
    fn body_words_are_a_rare_run_outside_the_title() {
        let text = "Le serveur principal démarre vite. \
                    Le pare-feu filtre les paquets entrants grâce aux règles nftables.";
        let other = "Le serveur démarre. Les paquets sont installés.";
        let rarity = Rarity::new([text, other]);
        let mut rng = fastrand::Rng::with_seed(3);
        let q =
            body_query("Filtrer le trafic", text, &rarity, &mut rng).expect("a run of body words");
        let words: Vec<&str> = q.split(' ').collect();
        assert!((3..=5).contains(&words.len()), "{q}");
        assert!(words.contains(&"grâce") && words.contains(&"règles"), "{q}");
        assert!(
            words
                .iter()
                .all(|w| !["le", "les", "serveur", "filtrer"].contains(w)),
            "{q}"
        );
        assert_eq!(
            plain_words("l'installation (ext4) « du » paquet,"),
            vec!["installation", "du", "paquet"]
        );
        assert!(body_query("Titre", "Un mot.", &rarity, &mut rng).is_none());
    }
}

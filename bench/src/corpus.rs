//! A deterministic generator of realistic French records, for measuring speed at
//! any size. The vocabulary comes from real French text (the example action sheet
//! and the demo content), ranked by frequency and sampled with a Zipf law, as words
//! are in real text; titles, partners, keywords, periods and amounts follow the
//! shapes of the real records.

use std::collections::HashMap;

use serde_json::json;

/// The seed of the corpus every published figure was measured on.
pub const SEED: u64 = 2026;

/// The thesaurus labels of the demo content, used as keywords.
pub fn demo_keywords() -> Vec<String> {
    savoirs::cli::DEMO
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["kind"] == "concept")
        .filter_map(|v| v["label"].as_str().map(str::to_owned))
        .collect()
}

/// Words with their frequency rank, most frequent first.
pub struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    /// Builds the vocabulary from French texts.
    pub fn from_texts(texts: &[&str]) -> Vocabulary {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for text in texts {
            for word in text
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| w.chars().count() >= 2)
            {
                *counts.entry(word.to_lowercase()).or_default() += 1;
            }
        }
        let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let words: Vec<String> = ranked.into_iter().map(|(w, _)| w).collect();
        // Zipf's law, exponent close to 1 as in natural language.
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|rank| {
                total += 1.0 / ((rank + 1) as f64).powf(1.07);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The word of a given frequency rank.
    pub fn at(&self, rank: usize) -> &str {
        &self.words[rank.min(self.words.len() - 1)]
    }

    /// A word drawn with Zipf's law.
    pub fn word(&self, rng: &mut fastrand::Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.f64() * total;
        let i = self.cumulative.partition_point(|c| *c < x);
        self.at(i)
    }

    /// A word that carries meaning: drawn among the less frequent ones.
    pub fn content_word(&self, rng: &mut fastrand::Rng) -> &str {
        loop {
            let w = self.word(rng);
            if w.chars().count() >= 5 {
                return w;
            }
        }
    }

    /// Some words (a number in `length`) as sentences, with capitals and full stops.
    pub fn text(&self, rng: &mut fastrand::Rng, length: std::ops::Range<usize>) -> String {
        let n = rng.usize(length);
        let mut out = String::with_capacity(n * 8);
        let mut sentence = 0;
        for i in 0..n {
            let w = self.word(rng);
            if sentence == 0 {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&capitalized(w));
            } else {
                out.push(' ');
                out.push_str(w);
            }
            sentence += 1;
            if sentence >= 8 && rng.u8(..4) == 0 || i + 1 == n {
                out.push('.');
                sentence = 0;
            }
        }
        out
    }

    /// A title: a few content words joined by frequent ones.
    pub fn title(&self, rng: &mut fastrand::Rng) -> String {
        let n = rng.usize(3..7);
        let mut parts = Vec::with_capacity(n * 2);
        for i in 0..n {
            if i > 0 && rng.bool() {
                parts.push(self.at(rng.usize(..30)).to_owned());
            }
            parts.push(self.content_word(rng).to_owned());
        }
        capitalized(&parts.join(" "))
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

const FIRST_NAMES: &[&str] = &[
    "Claire", "Mehdi", "Hélène", "Jean", "Aminata", "Luc", "Sophie", "Karim", "Inès", "Paul",
    "Fatou", "Marc", "Élodie", "Yann", "Nadia", "Hugo",
];
const LAST_NAMES: &[&str] = &[
    "Dumontet", "Rahmani", "Marchal", "Lefèvre", "Diallo", "Garnier", "Moreau", "Benali",
    "Roussel", "Caron", "Ndiaye", "Perrin", "Lambert", "Guérin",
];
const ROLES: &[&str] = &["pilot", "partner", "funder"];
const RESOURCE_TYPES: &[&str] = &["tool", "website", "publication", "training", "file"];

fn person(rng: &mut fastrand::Rng) -> String {
    format!(
        "{} {}",
        FIRST_NAMES[rng.usize(..FIRST_NAMES.len())],
        LAST_NAMES[rng.usize(..LAST_NAMES.len())]
    )
}

/// Where the generated partners are based.
const CITIES: [(&str, f64, f64); 12] = [
    ("Paris", 48.8534, 2.3488),
    ("Lyon", 45.7485, 4.8467),
    ("Marseille", 43.2965, 5.3698),
    ("Lille", 50.633, 3.0586),
    ("Nantes", 47.2172, -1.5534),
    ("Toulouse", 43.6043, 1.4437),
    ("Strasbourg", 48.5839, 7.7455),
    ("Rennes", 48.1114, -1.6800),
    ("Grenoble", 45.1715, 5.7224),
    ("Montpellier", 43.6109, 3.8772),
    ("Bordeaux", 44.8404, -0.5805),
    ("Dakar", 14.6937, -17.4441),
];

/// Writes `n` records (partners first) as interchange JSON Lines into `out`.
pub fn generate(
    vocabulary: &Vocabulary,
    keywords: &[String],
    n: usize,
    seed: u64,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let partners = (n / 100).max(20).min(n);
    let mut names = Vec::with_capacity(partners);
    let mut taken = std::collections::HashSet::new();
    for i in 0..partners {
        // One record per organisation: names are unique (as the store requires).
        let words: Vec<String> = loop {
            let words: Vec<String> = (0..rng.usize(2..5))
                .map(|_| capitalized(vocabulary.content_word(&mut rng)))
                .collect();
            if taken.insert(savoirs::model::name_key(&words.join(" "))) {
                break words;
            }
        };
        let acronym: String = words
            .iter()
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect::<String>()
            + &i.to_string();
        let name = format!("Réseau {}", words.join(" "));
        // Drawn from its own generator, so that the rest of the corpus is the
        // same as before partners had places.
        let (city, lat, lon) =
            CITIES[fastrand::Rng::with_seed(seed ^ i as u64).usize(..CITIES.len())];
        let line = json!({
            "kind": "partner", "id": format!("p{i}"), "name": name, "acronym": acronym,
            "description": vocabulary.text(&mut rng, 30..80),
            "country": "FR", "type": "association",
            "places": [{"name": city, "country": "FR", "lat": lat, "lon": lon}],
        });
        names.push(acronym);
        writeln!(out, "{line}")?;
    }
    let pick_partners = |rng: &mut fastrand::Rng, max: usize| {
        (0..rng.usize(1..=max))
            .map(|_| {
                json!({"id": format!("p{}", rng.usize(..names.len())),
                       "role": ROLES[rng.usize(..ROLES.len())]})
            })
            .collect::<Vec<_>>()
    };
    let pick_keywords = |rng: &mut fastrand::Rng| {
        let mut ks: Vec<&String> = (0..rng.usize(1..4))
            .map(|_| &keywords[rng.usize(..keywords.len())])
            .collect();
        ks.sort();
        ks.dedup();
        ks
    };
    for i in partners..n {
        let id = format!("d{i}");
        let roll = rng.u8(..100);
        let mut partners_of = pick_partners(&mut rng, 4);
        // A record names each partner once.
        partners_of.sort_by_key(|p| p["id"].to_string());
        partners_of.dedup_by_key(|p| p["id"].to_string());
        let line = if roll < 40 {
            let start = rng.i32(1995..2025);
            let end = start + rng.i32(0..3);
            json!({
                "kind": "action", "id": id, "title": vocabulary.title(&mut rng),
                "period": {"start": start, "end": end}, "archive": format!("Archive {start}-{end}"),
                "referent": person(&mut rng), "pilot": person(&mut rng),
                "amount": {"value": rng.u32(5..500) * 1000, "currency": "EUR"},
                "partners": partners_of, "keywords": pick_keywords(&mut rng),
                "summary": vocabulary.text(&mut rng, 40..80),
                "synthesis": vocabulary.text(&mut rng, 30..60),
                "strategy": vocabulary.text(&mut rng, 30..60),
                "history": vocabulary.text(&mut rng, 30..60),
                "presentation": vocabulary.text(&mut rng, 80..200),
            })
        } else if roll < 75 {
            partners_of.truncate(2);
            json!({
                "kind": "method", "id": id, "title": vocabulary.title(&mut rng),
                "summary": vocabulary.text(&mut rng, 40..80),
                "body": vocabulary.text(&mut rng, 150..400),
                "authors": [person(&mut rng)], "date": format!("{}", rng.i32(1995..2025)),
                "partners": partners_of, "keywords": pick_keywords(&mut rng),
            })
        } else {
            partners_of.truncate(2);
            json!({
                "kind": "resource", "id": id, "title": vocabulary.title(&mut rng),
                "resource_type": RESOURCE_TYPES[rng.usize(..RESOURCE_TYPES.len())],
                "web_address": format!("https://ressources.example.org/{i}"),
                "description": vocabulary.text(&mut rng, 40..100),
                "partners": partners_of, "keywords": pick_keywords(&mut rng),
            })
        };
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// A kind of query in the fixed mixed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    Word,
    Words,
    Phrase,
    Filter,
    Typo,
}

#[derive(Debug, Clone)]
pub struct BenchQuery {
    pub kind: QueryKind,
    /// In Savoirs' syntax.
    pub text: String,
    /// The words (or phrase) for another engine, and the filters apart.
    pub words: Vec<String>,
    pub phrase: bool,
    pub filter_kind: Option<&'static str>,
    pub filter_years: Option<(i32, i32)>,
}

/// The fixed mixed query set: single words, two or three words, phrases, filters
/// and typos, drawn from the same vocabulary with their own seed.
pub fn queries(vocabulary: &Vocabulary, seed: u64) -> Vec<BenchQuery> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = Vec::new();
    let query = |kind, text: String, words: Vec<String>| BenchQuery {
        kind,
        text,
        words,
        phrase: false,
        filter_kind: None,
        filter_years: None,
    };
    for _ in 0..20 {
        let w = vocabulary.content_word(&mut rng).to_owned();
        out.push(query(QueryKind::Word, w.clone(), vec![w]));
    }
    for _ in 0..20 {
        let ws: Vec<String> = (0..rng.usize(2..4))
            .map(|_| vocabulary.content_word(&mut rng).to_owned())
            .collect();
        out.push(query(QueryKind::Words, ws.join(" "), ws));
    }
    for _ in 0..10 {
        let ws = vec![
            vocabulary.content_word(&mut rng).to_owned(),
            vocabulary.at(rng.usize(..20)).to_owned(),
        ];
        let mut q = query(QueryKind::Phrase, format!("\"{}\"", ws.join(" ")), ws);
        q.phrase = true;
        out.push(q);
    }
    for i in 0..10 {
        let w = vocabulary.content_word(&mut rng).to_owned();
        let mut q = if i % 2 == 0 {
            query(QueryKind::Filter, format!("{w} kind:action"), vec![w])
        } else {
            let start = rng.i32(1995..2020);
            query(
                QueryKind::Filter,
                format!("{w} year:{start}..{}", start + 5),
                vec![w],
            )
        };
        if i % 2 == 0 {
            q.filter_kind = Some("action");
        } else if let Some(range) = q.text.split("year:").nth(1) {
            let (a, b) = range.split_once("..").unwrap_or((range, range));
            q.filter_years = Some((a.parse().unwrap_or(0), b.parse().unwrap_or(0)));
        }
        out.push(q);
    }
    for _ in 0..10 {
        let w = loop {
            let w = vocabulary.content_word(&mut rng);
            if w.chars().count() >= 7 {
                break w.to_owned();
            }
        };
        let chars: Vec<char> = w.chars().collect();
        let at = chars.len() / 2;
        let typo: String = chars
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != at)
            .map(|(_, c)| c)
            .collect();
        out.push(query(QueryKind::Typo, typo.clone(), vec![typo]));
    }
    out
}

//! French known-item queries: for each record of a French collection, queries a
//! person might type to find it again — without accents, with the plural changed,
//! with one letter missing — and the record they should find first.

/// Words too common to identify a record.
const COMMON: &[&str] = &[
    "pour",
    "dans",
    "avec",
    "entre",
    "leurs",
    "leur",
    "des",
    "les",
    "une",
    "sur",
    "par",
    "partenaires",
    "action",
    "actions",
];

#[derive(Debug, Clone)]
pub struct KnownItem {
    pub variant: &'static str,
    pub query: String,
    /// Id of the record the query is about.
    pub target: String,
}

/// Removes French accents: `é` → `e`, `ç` → `c`, `œ` → `oe`.
pub fn unaccent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'à' | 'â' | 'ä' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' => out.push('i'),
            'ô' | 'ö' => out.push('o'),
            'ù' | 'û' | 'ü' => out.push('u'),
            'ç' => out.push('c'),
            'œ' => out.push_str("oe"),
            'É' => out.push('E'),
            other => out.push(other),
        }
    }
    out
}

/// Singular ↔ plural, the regular French way.
pub fn toggle_plural(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("eaux") {
        format!("{stem}eau")
    } else if word.ends_with("eau") {
        format!("{word}x")
    } else if let Some(stem) = word.strip_suffix("aux") {
        format!("{stem}al")
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_owned()
    } else if let Some(stem) = word.strip_suffix("al") {
        format!("{stem}aux")
    } else {
        format!("{word}s")
    }
}

/// One letter dropped from the middle of the word: a one-edit typo.
pub fn drop_a_letter(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let at = chars.len() / 2;
    chars
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != at)
        .map(|(_, c)| c)
        .collect()
}

/// The distinctive words of a title: the three longest uncommon ones, in order.
fn key_words(title: &str) -> Vec<String> {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .map(|w| w.rsplit(['\'', '’']).next().unwrap_or(w).to_lowercase())
        .filter(|w| w.chars().count() >= 5 && !COMMON.contains(&w.as_str()))
        .collect();
    let mut by_length = words.clone();
    by_length.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    by_length.truncate(3);
    words
        .into_iter()
        .filter(|w| by_length.contains(w))
        .collect()
}

/// Queries for every record given as `(id, title)`.
pub fn queries<'a>(records: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<KnownItem> {
    let mut out = Vec::new();
    for (id, title) in records {
        let words = key_words(title);
        if words.len() < 2 {
            continue;
        }
        let item = |variant, query: String| KnownItem {
            variant,
            query,
            target: id.to_owned(),
        };
        out.push(item("sans accents", unaccent(&words.join(" "))));
        out.push(item(
            "pluriel changé",
            words
                .iter()
                .map(|w| toggle_plural(w))
                .collect::<Vec<_>>()
                .join(" "),
        ));
        let longest = words
            .iter()
            .max_by_key(|w| w.chars().count())
            .cloned()
            .unwrap_or_default();
        if longest.chars().count() >= 6 {
            let typo: Vec<String> = words
                .iter()
                .map(|w| {
                    if *w == longest {
                        drop_a_letter(w)
                    } else {
                        w.clone()
                    }
                })
                .collect();
            out.push(item("une faute de frappe", typo.join(" ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants() {
        assert_eq!(unaccent("Méthodes à l’œuvre"), "Methodes a l’oeuvre");
        assert_eq!(toggle_plural("méthode"), "méthodes");
        assert_eq!(toggle_plural("réseaux"), "réseau");
        assert_eq!(toggle_plural("local"), "locaux");
        assert_eq!(drop_a_letter("participative"), "particpative");
        assert_eq!(
            key_words("Animer un forum électronique entre réseaux"),
            vec!["animer", "électronique", "réseaux"]
        );
        let q = queries([("a", "Construire un thésaurus partagé")]);
        assert_eq!(q.len(), 3);
        assert_eq!(q[0].query, "construire thesaurus partage");
    }
}

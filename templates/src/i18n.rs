//! Interface languages: French (the reference, and the default), English and
//! Spanish. Every string the interface shows comes from a per-language message
//! file in `templates/i18n/` (`key = value` lines, `{name}` placeholders), embedded
//! in the binary and read once. Tests check that each file has every key of the
//! French one with the same placeholders, and that every key the code asks for
//! exists, so no message goes untranslated without a failing test.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

/// An interface language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Fr,
    En,
    Es,
}

impl Lang {
    /// Every interface language, French first: the order of the switcher.
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::En, Lang::Es];

    /// The BCP 47 code: `fr`, `en`, `es`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// A language from its code (case-insensitive; a region such as `en-GB` is
    /// ignored). Anything else is `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|l| primary.eq_ignore_ascii_case(l.code()))
    }

    /// The language's name in itself, as the switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    /// The preferred supported language of an `Accept-Language` header, by
    /// q-value (the first listed wins a tie); `None` when it names none of ours.
    /// Malformed entries are skipped rather than refused: a header is a hint.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, u16)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let Some(lang) = Lang::parse(parts.next().unwrap_or_default()) else {
                continue;
            };
            let mut q = Some(1000);
            for param in parts {
                if let Some((name, value)) = param.split_once('=')
                    && name.trim().eq_ignore_ascii_case("q")
                {
                    q = quality(value.trim());
                }
            }
            match q {
                Some(q) if q > 0 && best.is_none_or(|(_, b)| q > b) => best = Some((lang, q)),
                _ => {}
            }
        }
        best.map(|(lang, _)| lang)
    }
}

/// A q-value (`0`, `0.5`, `1.000`) in thousandths; `None` when malformed.
fn quality(text: &str) -> Option<u16> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = match int {
        "0" => format!("{frac:0<3}").parse::<u16>().ok()?,
        "1" if frac.bytes().all(|b| b == b'0') => 1000,
        _ => return None,
    };
    Some(thousandths)
}

const FR: &str = include_str!("../i18n/fr.txt");
const EN: &str = include_str!("../i18n/en.txt");
const ES: &str = include_str!("../i18n/es.txt");

type Catalogue = HashMap<&'static str, &'static str>;

/// Reads a message file: `key = value` lines; blank lines and lines starting
/// with `#` are skipped. The first `=` separates the key, so values may hold `=`.
fn parse(text: &'static str) -> Catalogue {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

fn catalogue(lang: Lang) -> &'static Catalogue {
    static CATALOGUES: OnceLock<[Catalogue; 3]> = OnceLock::new();
    let all = CATALOGUES.get_or_init(|| [parse(FR), parse(EN), parse(ES)]);
    match lang {
        Lang::Fr => &all[0],
        Lang::En => &all[1],
        Lang::Es => &all[2],
    }
}

/// The message `key` in `lang`. A key missing from a translation falls back to
/// French, and one missing everywhere shows as itself; the tests make both
/// impossible for the keys the code uses.
pub fn t(lang: Lang, key: &str) -> &str {
    catalogue(lang)
        .get(key)
        .or_else(|| catalogue(Lang::Fr).get(key))
        .copied()
        .unwrap_or(key)
}

/// Whether the French messages (the reference) have `key`.
pub fn has(key: &str) -> bool {
    catalogue(Lang::Fr).contains_key(key)
}

/// The message `key` in `lang` with its `{name}` placeholders filled in.
///
/// One pass over the message, so that a value holding `{…}` (a title typed by
/// someone) is never read as a placeholder itself.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &dyn Display)]) -> String {
    let message = t(lang, key);
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let filled = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = args.iter().find(|(n, _)| *n == name)?;
            out.push_str(&value.to_string());
            Some(close + 1)
        });
        match filled {
            Some(skip) => rest = &after[skip..],
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A message cut around its `{name}` placeholder, for markup that wraps the
/// value (`Results for “<strong>…</strong>”`). Without the placeholder, the whole
/// message comes first.
pub fn split_at_placeholder<'a>(message: &'a str, name: &str) -> (&'a str, &'a str) {
    let mark = format!("{{{name}}}");
    match message.find(&mark) {
        Some(at) => (&message[..at], &message[at + mark.len()..]),
        None => (message, ""),
    }
}

/// Every literal key passed to [`t`] or [`tf`] in the Rust files under `dir`:
/// `t(lang, "key")`, `tf(lang, "key", …)`, with any first argument. Shared with
/// the server's test, which scans its own sources.
pub fn keys_used_under(dir: &std::path::Path) -> std::collections::BTreeSet<String> {
    let mut keys = std::collections::BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                keys.extend(keys_in(&text));
            }
        }
    }
    keys
}

/// The literal keys of the `t(…)` and `tf(…)` calls in one source text.
fn keys_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices('(') {
        let name_start = text[..at]
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let name = &text[name_start..at];
        if name != "t" && name != "tf" {
            continue;
        }
        // Calls shown in comments are examples, not uses.
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        if text[line_start..at].trim_start().starts_with("//") {
            continue;
        }
        // Skip the first argument (the language), then expect a string literal.
        let Some(comma) = text[at..].find([',', ')']).map(|i| at + i) else {
            continue;
        };
        if bytes[comma] != b',' {
            continue;
        }
        let rest = text[comma + 1..].trim_start();
        if let Some(lit) = rest.strip_prefix('"')
            && let Some(end) = lit.find('"')
        {
            out.push(lit[..end].to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    /// The `{name}` placeholders of a message.
    fn placeholders(message: &str) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        let mut rest = message;
        while let Some(start) = rest.find('{') {
            let after = &rest[start + 1..];
            match after.find('}') {
                Some(end) => {
                    out.insert(&after[..end]);
                    rest = &after[end + 1..];
                }
                None => break,
            }
        }
        out
    }

    #[test]
    fn every_language_has_every_key_with_the_same_placeholders() {
        let fr = catalogue(Lang::Fr);
        assert!(fr.len() > 100, "the French catalogue looks empty");
        for lang in Lang::ALL {
            let cat = catalogue(lang);
            let mut missing: Vec<&str> = fr
                .keys()
                .filter(|k| !cat.contains_key(*k))
                .copied()
                .collect();
            missing.sort();
            assert!(missing.is_empty(), "{}: missing {missing:?}", lang.code());
            let mut extra: Vec<&str> = cat
                .keys()
                .filter(|k| !fr.contains_key(*k))
                .copied()
                .collect();
            extra.sort();
            assert!(extra.is_empty(), "{}: unknown keys {extra:?}", lang.code());
            for (key, value) in cat {
                assert!(!value.is_empty(), "{}: {key} is empty", lang.code());
                assert_eq!(
                    placeholders(value),
                    placeholders(fr[key]),
                    "{}: {key} has other placeholders than in French",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn message_files_have_no_duplicate_or_malformed_lines() {
        for (name, text) in [("fr", FR), ("en", EN), ("es", ES)] {
            let mut seen = BTreeSet::new();
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (key, _) = line
                    .split_once('=')
                    .unwrap_or_else(|| panic!("{name}.txt:{}: no `=`", n + 1));
                let key = key.trim();
                assert!(
                    !key.is_empty()
                        && key.chars().all(|c| c.is_ascii_lowercase()
                            || c.is_ascii_digit()
                            || "._".contains(c)),
                    "{name}.txt:{}: bad key {key:?}",
                    n + 1
                );
                assert!(seen.insert(key), "{name}.txt:{}: {key} twice", n + 1);
            }
        }
    }

    #[test]
    fn every_key_used_in_the_views_exists() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let used = keys_used_under(&dir);
        assert!(used.len() > 50, "the scan found too few keys: {used:?}");
        let fr = catalogue(Lang::Fr);
        let missing: Vec<&String> = used
            .iter()
            .filter(|k| !fr.contains_key(k.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "keys used but not in fr.txt: {missing:?}"
        );
    }

    #[test]
    fn accept_language_honours_q_values() {
        let best = |h: &str| Lang::from_accept_language(h);
        assert_eq!(best("en"), Some(Lang::En));
        assert_eq!(best("es-MX,es;q=0.9"), Some(Lang::Es));
        assert_eq!(best("de-DE,de;q=0.9,en;q=0.5,es;q=0.7"), Some(Lang::Es));
        assert_eq!(best("en;q=0.4, fr;q=0.8"), Some(Lang::Fr));
        assert_eq!(best("en;q=0, es"), Some(Lang::Es));
        assert_eq!(best("en, es"), Some(Lang::En), "the first wins a tie");
        assert_eq!(best("de, *"), None);
        assert_eq!(best(""), None);
        assert_eq!(best("en;q=abc, es;q=0.1"), Some(Lang::Es));
        assert_eq!(best(";;;,=,q=1,en;q=1.5"), None);
        assert_eq!(best("EN-gb;Q=0.3"), Some(Lang::En));
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            tf(Lang::En, "search.results_for", &[("query", &"forum")]),
            "Results for “forum”"
        );
        // A value is never read as a placeholder.
        assert_eq!(
            tf(
                Lang::Fr,
                "search.page_of",
                &[("page", &"{pages}"), ("pages", &3)]
            ),
            "Page {pages} sur 3"
        );
        let unknown = "no.such.key";
        assert_eq!(t(Lang::Es, unknown), unknown);
    }
}

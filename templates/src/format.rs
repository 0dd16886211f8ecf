//! Formatting of amounts, periods, dates and labels, in the interface language.

use crate::i18n::{Lang, t};

/// `52_000_000` cents of EUR → `520 000 €`; cents are shown only when there are
/// some (`1 234,50 €`). Groups are separated by ordinary spaces: the page keeps
/// the amount on one line with CSS.
pub fn amount(minor: i64, currency: &str) -> String {
    amount_in(Lang::Fr, minor, currency)
}

/// An amount written the way readers of `lang` write it: `520 000 €` in French,
/// `€520,000` in English, `520.000 €` in Spanish.
pub fn amount_in(lang: Lang, minor: i64, currency: &str) -> String {
    let (group, decimal) = match lang {
        Lang::Fr => (' ', ','),
        Lang::En => (',', '.'),
        Lang::Es => ('.', ','),
    };
    let sign = if minor < 0 { "-" } else { "" };
    let minor = minor.unsigned_abs();
    let (units, cents) = (minor / 100, minor % 100);
    let digits = units.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    let number = if cents == 0 {
        grouped
    } else {
        format!("{grouped}{decimal}{cents:02}")
    };
    let symbol = match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        other => other,
    };
    // English puts a currency sign before the number, a code after it.
    if lang == Lang::En && symbol != currency {
        format!("{sign}{symbol}{number}")
    } else {
        format!("{sign}{number} {symbol}")
    }
}

/// `2006–2007`, or `2006` for a single year.
pub fn period(start: i64, end: i64) -> String {
    if start == end {
        start.to_string()
    } else {
        format!("{start}–{end}")
    }
}

/// The name of a record kind.
pub fn kind_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "action" => t(lang, "kind.action"),
        "method" => t(lang, "kind.method"),
        "resource" => t(lang, "kind.resource"),
        "partner" => t(lang, "kind.partner"),
        "concept" => t(lang, "kind.concept"),
        _ => t(lang, "kind.other"),
    }
}

/// The plural name of a record kind.
pub fn kind_plural(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "action" => t(lang, "kinds.action"),
        "method" => t(lang, "kinds.method"),
        "resource" => t(lang, "kinds.resource"),
        "partner" => t(lang, "kinds.partner"),
        "concept" => t(lang, "kinds.concept"),
        _ => t(lang, "kinds.other"),
    }
}

/// The name of a partner's role.
pub fn role_label(lang: Lang, role: &str) -> &str {
    match role {
        "pilot" => t(lang, "role.pilot"),
        "partner" => t(lang, "role.partner"),
        "funder" => t(lang, "role.funder"),
        "author" => t(lang, "role.author"),
        "publisher" => t(lang, "role.publisher"),
        "user" => t(lang, "role.user"),
        "host" => t(lang, "role.host"),
        "member" => t(lang, "role.member"),
        other => other,
    }
}

/// The name of an account role.
pub fn role_label_account(lang: Lang, role: &str) -> &str {
    match role {
        "contributor" => t(lang, "account_role.contributor"),
        "editor" => t(lang, "account_role.editor"),
        "admin" => t(lang, "account_role.admin"),
        other => other,
    }
}

/// The name of a record's language, in the interface language (`anglais`,
/// `English`, `inglés`).
pub fn lang_label(lang: Lang, record_lang: &str) -> &str {
    match record_lang {
        "fr" => t(lang, "lang.fr"),
        "en" => t(lang, "lang.en"),
        "es" => t(lang, "lang.es"),
        other => other,
    }
}

pub fn status_label(lang: Lang, status: &str) -> &str {
    match status {
        "draft" => t(lang, "status.draft"),
        "proposed" => t(lang, "status.proposed"),
        "published" => t(lang, "status.published"),
        "archived" => t(lang, "status.archived"),
        other => other,
    }
}

pub fn resource_type_label(lang: Lang, kind: &str) -> &str {
    match kind {
        "tool" => t(lang, "resource_type.tool"),
        "website" => t(lang, "resource_type.website"),
        "publication" => t(lang, "resource_type.publication"),
        "training" => t(lang, "resource_type.training"),
        "file" => t(lang, "resource_type.file"),
        other => other,
    }
}

pub fn partner_type_label(lang: Lang, kind: &str) -> &str {
    match kind {
        "association" => t(lang, "partner_type.association"),
        "network" => t(lang, "partner_type.network"),
        "foundation" => t(lang, "partner_type.foundation"),
        "company" => t(lang, "partner_type.company"),
        "public_body" => t(lang, "partner_type.public_body"),
        other => other,
    }
}

/// A typed link's heading on the page of the record that makes it (`backward`
/// false) or of the record it points to.
pub fn relation_label(lang: Lang, relation: &str, backward: bool) -> &'static str {
    match (relation, backward) {
        ("uses", false) => t(lang, "relation.uses"),
        ("uses", true) => t(lang, "relation.uses.back"),
        ("follows", false) => t(lang, "relation.follows"),
        ("follows", true) => t(lang, "relation.follows.back"),
        ("part_of", false) => t(lang, "relation.part_of"),
        ("part_of", true) => t(lang, "relation.part_of.back"),
        ("translation", _) => t(lang, "relation.translation"),
        _ => t(lang, "relation.related"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_the_french_way() {
        assert_eq!(amount(52_000_000, "EUR"), "520 000 €");
        assert_eq!(amount(123_450, "EUR"), "1 234,50 €");
        assert_eq!(amount(0, "EUR"), "0 €");
        assert_eq!(amount(100_000, "CHF"), "1 000 CHF");
    }

    #[test]
    fn amounts_in_english_and_spanish() {
        assert_eq!(amount_in(Lang::En, 52_000_000, "EUR"), "€520,000");
        assert_eq!(amount_in(Lang::En, 123_450, "USD"), "$1,234.50");
        assert_eq!(amount_in(Lang::En, 100_000, "CHF"), "1,000 CHF");
        assert_eq!(amount_in(Lang::Es, 123_450, "EUR"), "1.234,50 €");
    }

    #[test]
    fn periods() {
        assert_eq!(period(2006, 2007), "2006–2007");
        assert_eq!(period(2006, 2006), "2006");
    }

    #[test]
    fn labels_follow_the_language() {
        assert_eq!(kind_label(Lang::Fr, "action"), "Fiche action");
        assert_eq!(kind_label(Lang::En, "action"), "Action sheet");
        assert_eq!(lang_label(Lang::Es, "en"), "inglés");
        assert_eq!(role_label(Lang::En, "unknown"), "unknown");
    }
}

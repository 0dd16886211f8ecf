//! French formatting of amounts, periods, dates and labels.

/// `52_000_000` cents of EUR → `520 000 €`; cents are shown only when there are
/// some (`1 234,50 €`). Groups are separated by ordinary spaces: the page keeps
/// the amount on one line with CSS.
pub fn amount(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let minor = minor.unsigned_abs();
    let (units, cents) = (minor / 100, minor % 100);
    let digits = units.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let symbol = match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        other => other,
    };
    if cents == 0 {
        format!("{sign}{grouped} {symbol}")
    } else {
        format!("{sign}{grouped},{cents:02} {symbol}")
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

/// The French name of a record kind.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "action" => "Fiche action",
        "method" => "Document méthodologique",
        "resource" => "Ressource",
        "partner" => "Partenaire",
        "concept" => "Terme du thésaurus",
        _ => "Document",
    }
}

/// The French plural name of a record kind.
pub fn kind_plural(kind: &str) -> &'static str {
    match kind {
        "action" => "Fiches action",
        "method" => "Documents méthodologiques",
        "resource" => "Ressources",
        "partner" => "Partenaires",
        "concept" => "Termes du thésaurus",
        _ => "Documents",
    }
}

/// The French name of a partner's role.
pub fn role_label(role: &str) -> &str {
    match role {
        "pilot" => "pilote",
        "partner" => "partenaire",
        "funder" => "financeur",
        "author" => "auteur",
        "publisher" => "éditeur",
        "user" => "utilisateur",
        "host" => "hébergeur",
        "member" => "membre",
        other => other,
    }
}

/// The French name of an account role.
pub fn role_label_account(role: &str) -> &str {
    match role {
        "contributor" => "contributeur",
        "editor" => "éditeur",
        "admin" => "administrateur",
        other => other,
    }
}

pub fn lang_label(lang: &str) -> &str {
    match lang {
        "fr" => "français",
        "en" => "anglais",
        "es" => "espagnol",
        other => other,
    }
}

pub fn status_label(status: &str) -> &str {
    match status {
        "draft" => "brouillon",
        "proposed" => "proposé",
        "published" => "publié",
        "archived" => "archivé",
        other => other,
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
    fn periods() {
        assert_eq!(period(2006, 2007), "2006–2007");
        assert_eq!(period(2006, 2006), "2006");
    }
}

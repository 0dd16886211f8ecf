//! Validation of a record before it is stored: every problem is reported with the
//! field it concerns, so forms can show it beside the field and imports can name it.

use savoirs_templates::markdown::Refusal;

use super::{Body, LANGS, Place, RELATIONS, ROLES, Record};

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

const MAX_TITLE: usize = 500;
const MAX_PLACE_NAME: usize = 200;
const MAX_TEXT: usize = 1_000_000;
/// Largest amount, in minor units: 7 × 10¹³ in major units, the bound the API
/// describes. JSON carries amounts in major units, as floats; below 2⁴⁶ a float
/// still tells cents apart, so every amount accepted comes back to the cent.
const MAX_AMOUNT_MINOR: i64 = 7_000_000_000_000_000;

/// What is wrong with an attachment's description, if anything.
pub fn attachment_problems(title: &str, description: &str, lang: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.to_owned(),
            message,
        });
    };
    if title.chars().count() > MAX_TITLE {
        err("title", format!("is longer than {MAX_TITLE} characters"));
    }
    if description.chars().count() > MAX_FILE_DESCRIPTION {
        err(
            "description",
            format!("is longer than {MAX_FILE_DESCRIPTION} characters"),
        );
    }
    if !lang.is_empty() && !LANGS.contains(&lang) {
        err(
            "lang",
            format!("unknown language {lang:?} (expected one of fr, en, es)"),
        );
    }
    errors
}

const MAX_FILE_DESCRIPTION: usize = 5_000;

/// Checks a record; an empty list means it may be stored.
pub fn validate(record: &Record) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.to_owned(),
            message,
        });
    };
    if !LANGS.contains(&record.meta.lang.as_str()) {
        err(
            "lang",
            format!(
                "unknown language {:?} (expected one of fr, en, es)",
                record.meta.lang
            ),
        );
    }
    let title_field = match record.body {
        Body::Partner(_) => "name",
        Body::Concept(_) => "label",
        _ => "title",
    };
    let title = record.title().trim();
    if title.is_empty() {
        err(title_field, "is required and must not be empty".into());
    } else if title.chars().count() > MAX_TITLE {
        err(
            title_field,
            format!("is longer than {MAX_TITLE} characters"),
        );
    }
    for (i, a) in record.meta.attachments.iter().enumerate() {
        for problem in attachment_problems(&a.title, &a.description, &a.lang) {
            err(
                &format!("attachments[{i}].{}", problem.field),
                problem.message,
            );
        }
        let hash = a.file.len() == 64 && a.file.bytes().all(|b| b.is_ascii_hexdigit());
        if !hash {
            err(
                &format!("attachments[{i}].file"),
                "must be the SHA-256 of a stored file (or give a path to import)".into(),
            );
        }
        if a.name.trim().is_empty() {
            err(&format!("attachments[{i}].name"), "is required".into());
        }
    }
    for (i, p) in record.partner_refs().iter().enumerate() {
        if p.id.is_empty() && p.name.trim().is_empty() {
            err(&format!("partners[{i}]"), "needs a name or an id".into());
        }
        if !ROLES.contains(&p.role.as_str()) {
            err(
                &format!("partners[{i}].role"),
                format!(
                    "unknown role {:?} (expected one of {})",
                    p.role,
                    ROLES.join(", ")
                ),
            );
        }
    }
    for (i, r) in record.relations().iter().enumerate() {
        if !RELATIONS.contains(&r.relation.as_str()) {
            err(
                &format!("related[{i}].type"),
                format!(
                    "unknown relation {:?} (expected one of {})",
                    r.relation,
                    RELATIONS.join(", ")
                ),
            );
        }
    }
    for (i, place) in record.places().iter().enumerate() {
        for (field, message) in place_problems(place) {
            err(&format!("places[{i}]{field}"), message);
        }
    }
    for (i, k) in record.keywords().iter().enumerate() {
        if k.trim().is_empty() {
            err(&format!("keywords[{i}]"), "must not be empty".into());
        }
    }
    match &record.body {
        Body::Action(a) => {
            if let Some(p) = a.period {
                if !(1000..=9999).contains(&p.start) || !(1000..=9999).contains(&p.end) {
                    err("period", "years must have four digits".into());
                } else if p.start > p.end {
                    err(
                        "period",
                        format!("starts in {} after it ends in {}", p.start, p.end),
                    );
                }
            }
            if let Some(amount) = &a.amount {
                if amount.minor < 0 {
                    err("amount.value", "must not be negative".into());
                } else if amount.minor > MAX_AMOUNT_MINOR {
                    err(
                        "amount.value",
                        "must not exceed 70 000 000 000 000 (larger amounts lose their cents)"
                            .into(),
                    );
                }
                let c = &amount.currency;
                if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
                    err(
                        "amount.currency",
                        format!("{c:?} is not a three-letter currency code such as EUR"),
                    );
                }
            }
        }
        Body::Method(_) => {}
        Body::Resource(r) => check_url(&mut err, "web_address", &r.web_address),
        Body::Concept(c) => {
            for lang in c.labels.keys().chain(c.alt_labels.keys()) {
                if !LANGS.contains(&lang.as_str()) {
                    err(
                        "labels",
                        format!("unknown language {lang:?} (expected fr, en or es)"),
                    );
                }
            }
            if !record.meta.id.is_empty() && c.broader.contains(&record.meta.id) {
                err("broader", "a concept cannot be broader than itself".into());
            }
        }
        Body::Partner(p) => check_url(&mut err, "website", &p.website),
    }
    for (name, text) in markdown_fields(&record.body) {
        if text.len() > MAX_TEXT {
            err(name, format!("is longer than {MAX_TEXT} bytes"));
        } else if let Err(refusal) = savoirs_templates::markdown::check(text) {
            let max = savoirs_templates::markdown::MAX_DEPTH;
            let message = match refusal {
                Refusal::DeepQuotes { line } => format!(
                    "nests quotes or lists more than {max} levels deep (line {line}); \
                     flatten the text"
                ),
                Refusal::DeepHtml { line } => format!(
                    "nests HTML elements more than {max} levels deep (line {line}); \
                     close them or write plain Markdown"
                ),
            };
            err(name, message);
        }
    }
    errors
}

/// What is wrong with a place, as `(".field" or "", message)`.
pub fn place_problems(place: &Place) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    let name = place.name.trim();
    if name.is_empty() {
        problems.push((".name", "is required".to_owned()));
    } else if name.chars().count() > MAX_PLACE_NAME {
        problems.push((
            ".name",
            format!("is longer than {MAX_PLACE_NAME} characters"),
        ));
    }
    let c = &place.country;
    if !c.is_empty() && (c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_uppercase())) {
        problems.push((
            ".country",
            format!("{c:?} is not a two-letter country code such as FR"),
        ));
    }
    match (place.lat, place.lon) {
        (Some(lat), Some(lon)) => {
            if !(-90.0..=90.0).contains(&lat) {
                problems.push((".lat", format!("{lat} is not a latitude (-90 to 90)")));
            }
            if !(-180.0..=180.0).contains(&lon) {
                problems.push((".lon", format!("{lon} is not a longitude (-180 to 180)")));
            }
        }
        (None, None) => {}
        _ => problems.push(("", "needs both lat and lon, or neither".to_owned())),
    }
    problems
}

/// The fields shown as Markdown, which the size and nesting limits apply to.
fn markdown_fields(body: &Body) -> Vec<(&'static str, &str)> {
    match body {
        Body::Action(a) => vec![
            ("summary", a.summary.as_str()),
            ("synthesis", &a.synthesis),
            ("strategy", &a.strategy),
            ("history", &a.history),
            ("presentation", &a.presentation),
        ],
        Body::Method(m) => vec![("summary", m.summary.as_str()), ("body", &m.body)],
        Body::Resource(r) => vec![("description", r.description.as_str())],
        Body::Partner(p) => vec![("description", p.description.as_str())],
        Body::Concept(c) => vec![("scope_note", c.scope_note.as_str())],
    }
}

/// An absolute http(s) address: the only web addresses records keep.
pub fn is_web_address(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

fn check_url(err: &mut impl FnMut(&str, String), field: &str, url: &str) {
    if !url.is_empty() && !is_web_address(url) {
        err(
            field,
            format!("{url:?} must start with http:// or https://"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, Amount, Period};

    #[test]
    fn reports_each_bad_field() {
        let record = Record::new(Body::Action(Action {
            title: "  ".into(),
            period: Some(Period {
                start: 2008,
                end: 2006,
            }),
            amount: Some(Amount {
                minor: 100,
                currency: "euros".into(),
            }),
            ..Action::default()
        }));
        let fields: Vec<String> = validate(&record).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["title", "period", "amount.currency"]);
    }

    #[test]
    fn deep_markdown_is_refused_with_its_field_and_line() {
        let record = Record::new(Body::Method(crate::model::Method {
            title: "Méthode".into(),
            body: format!("Introduction\n\n{}", ">".repeat(50_000)),
            ..Default::default()
        }));
        let errors = validate(&record);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "body");
        assert!(
            errors[0].message.contains("line 3"),
            "{}",
            errors[0].message
        );
    }
}

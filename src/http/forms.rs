//! Record forms: from a record to the values of its form, and back, with every
//! problem attached to the field it concerns.

use std::collections::BTreeMap;

use savoirs_templates::Lang;
use savoirs_templates::i18n::{t, tf};

use crate::http::Viewer;
use crate::http::access::keep_hidden_links;
use crate::model::{
    self, Action, Amount, Body, Concept, Kind, Method, Partner, PartnerRef, Period, Place, Record,
    Relation, Resource,
};
use crate::ops::names::Names;
use crate::store::{Reader, StoreError};

/// A submitted form, keeping repeated fields (`partner_name`) in order.
#[derive(Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        FormData(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Every single-valued field, to show the form again as it was typed.
    pub fn values(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter(|(k, _)| !k.starts_with("partner_"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// A partner chosen on the returned form in place of a name that named
    /// none (`replace_partner` = "typed\nchosen"): the rows that held the typed
    /// name take the chosen one, and the form is shown again as a preview.
    pub fn take_partner_choice(&mut self) {
        let Some(at) = self.0.iter().position(|(k, _)| k == "replace_partner") else {
            return;
        };
        let (_, choice) = self.0.remove(at);
        let Some((typed, chosen)) = choice.split_once('\n') else {
            return;
        };
        let (typed, chosen) = (typed.trim_end_matches('\r').trim(), chosen.trim());
        for (k, v) in self.0.iter_mut() {
            if k == "partner_name" && v.trim() == typed {
                chosen.clone_into(v);
            } else if k == "intent" {
                "preview".clone_into(v);
            }
        }
    }

    /// The partner rows as typed, empty rows dropped.
    pub fn partner_rows(&self) -> Vec<(String, String)> {
        let names = self.all("partner_name");
        let roles = self.all("partner_role");
        names
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.trim().is_empty())
            .map(|(i, n)| {
                let role = roles.get(i).copied().unwrap_or("partner");
                (n.trim().to_owned(), role.to_owned())
            })
            .collect()
    }
}

pub type Errors = BTreeMap<String, String>;

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn keywords(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Partner rows of a form, as (name, role).
pub type PartnerRows = Vec<(String, String)>;

/// The form values of a record as `who` may see it, and its partner rows; typed
/// links are written with their prefix in `who`'s language. Links to records
/// `who` may not see are left out (and kept on save, see [`apply`]).
pub fn values_of(
    record: &Record,
    reader: &Reader,
    who: &Viewer,
) -> Result<(BTreeMap<String, String>, PartnerRows), StoreError> {
    let lang = who.lang;
    let seen = Seen { reader, who };
    let mut v = BTreeMap::new();
    let mut put = |k: &str, val: String| {
        v.insert(k.to_owned(), val);
    };
    put("lang", record.meta.lang.clone());
    put("keywords", record.keywords().join(", "));
    let places: Vec<String> = record.places().iter().map(crate::places::to_line).collect();
    put("places", places.join("\n"));
    match &record.body {
        Body::Action(a) => {
            put("title", a.title.clone());
            if let Some(p) = a.period {
                put("period_start", p.start.to_string());
                put("period_end", p.end.to_string());
            }
            put("archive", a.archive.clone());
            put("referent", a.referent.clone());
            if let Some(m) = &a.amount {
                let amount = if m.minor % 100 == 0 {
                    (m.minor / 100).to_string()
                } else {
                    format!("{},{:02}", m.minor / 100, m.minor % 100)
                };
                put("amount", amount);
                put("currency", m.currency.clone());
            }
            put("summary", a.summary.clone());
            put("synthesis", a.synthesis.clone());
            put("strategy", a.strategy.clone());
            put("history", a.history.clone());
            put("presentation", a.presentation.clone());
        }
        Body::Method(m) => {
            put("title", m.title.clone());
            put("summary", m.summary.clone());
            put("body", m.body.clone());
            put("authors", m.authors.join("\n"));
            put("source", m.source.clone());
            put("date", m.date.clone());
        }
        Body::Resource(r) => {
            put("title", r.title.clone());
            put("resource_type", r.resource_type.clone());
            put("web_address", r.web_address.clone());
            put("description", r.description.clone());
        }
        Body::Concept(c) => {
            put(&format!("label_{}", record.meta.lang), c.label.clone());
            for (lang, label) in &c.labels {
                put(&format!("label_{lang}"), label.clone());
            }
            for (lang, alts) in &c.alt_labels {
                put(&format!("alt_{lang}"), alts.join("\n"));
            }
            let titles = |ids: &[String]| -> Result<String, StoreError> {
                let mut out = Vec::new();
                for id in ids {
                    match seen.get(id)? {
                        Some(r) => out.push(r.title().to_owned()),
                        None if reader.get(id)?.is_none() => out.push(id.clone()),
                        None => {}
                    }
                }
                Ok(out.join("\n"))
            };
            let broader = titles(&c.broader)?;
            let related = titles(&c.related)?;
            put("broader", broader);
            put("related", related);
            put("scope_note", c.scope_note.clone());
            put("uri", c.uri.clone());
        }
        Body::Partner(p) => {
            put("name", p.name.clone());
            put("acronym", p.acronym.clone());
            put("aliases", p.aliases.join("\n"));
            put("description", p.description.clone());
            put("website", p.website.clone());
            put("country", p.country.clone());
            put("type", p.partner_type.clone());
        }
    }
    let mut related = Vec::new();
    for r in record.relations() {
        let title = match seen.get(&r.id)? {
            Some(target) => target.title().to_owned(),
            None if reader.get(&r.id)?.is_none() => r.id.clone(),
            None => continue,
        };
        related.push(match relation_prefix(lang, &r.relation) {
            "" => title,
            prefix => format!("{prefix} {title}"),
        });
    }
    if !related.is_empty() {
        v.insert("related".to_owned(), related.join("\n"));
    }
    let mut partners = Vec::new();
    for link in record.partner_refs() {
        if let Some(Record {
            body: Body::Partner(p),
            ..
        }) = seen.get(&link.id)?
        {
            partners.push((p.label().to_owned(), link.role.clone()));
        }
    }
    Ok((v, partners))
}

/// Reads a submitted form into `record` (a new one, or a copy of the stored one),
/// resolving partner names and related titles with `reader` among the records
/// `who` may see. Returns the problems by field name, in `who`'s language; an
/// empty map means the record may be saved.
pub fn apply(
    record: &mut Record,
    form: &FormData,
    reader: &Reader,
    who: &Viewer,
) -> Result<Errors, StoreError> {
    let lang = who.lang;
    let seen = Seen { reader, who };
    let mut errors = Errors::new();
    let f = |name: &str| form.get(name).trim().to_owned();
    record.meta.lang = f("lang");
    if record.meta.lang.is_empty() {
        record.meta.lang = "fr".to_owned();
    }
    let mut partners = resolve_partners(form, &seen, &mut errors, lang)?;
    let places = read_places(form.get("places"), &mut errors, lang);
    let mut related = resolve_related(form, &seen, &mut errors, lang)?;
    // Links the form did not show, because `who` may not see their target, stay
    // as they were.
    let mut hidden = |id: &str| seen.hidden(id);
    keep_hidden_links(record.partner_refs(), &mut partners, |p| &p.id, &mut hidden)?;
    keep_hidden_links(record.relations(), &mut related, |r| &r.id, &mut hidden)?;
    match record.kind() {
        Kind::Action => {
            let period = match (year(&f("period_start"), lang), year(&f("period_end"), lang)) {
                (Ok(None), Ok(None)) => None,
                (Ok(Some(s)), Ok(None)) => Some(Period { start: s, end: s }),
                (Ok(Some(s)), Ok(Some(e))) => Some(Period { start: s, end: e }),
                (Ok(None), Ok(Some(_))) => {
                    errors.insert(
                        "period_start".into(),
                        t(lang, "form_error.first_year").into(),
                    );
                    None
                }
                (Err(e), _) => {
                    errors.insert("period_start".into(), e);
                    None
                }
                (_, Err(e)) => {
                    errors.insert("period_end".into(), e);
                    None
                }
            };
            let amount = match f("amount") {
                a if a.is_empty() => None,
                a => match model::parse_amount_value(&a) {
                    Ok(minor) => Some(Amount {
                        minor,
                        currency: match f("currency").to_uppercase() {
                            c if c.is_empty() => "EUR".to_owned(),
                            c => c,
                        },
                    }),
                    Err(_) => {
                        errors.insert("amount".into(), t(lang, "form_error.amount").into());
                        None
                    }
                },
            };
            // The pilot is entered once, as the partner in the role "pilot";
            // a sheet imported with a pilot no partner stands for keeps it.
            let pilot = match partners.iter().find(|p| p.role == "pilot") {
                Some(p) => match reader.get(&p.id)?.map(|r| r.body) {
                    Some(Body::Partner(partner)) => partner.label().to_owned(),
                    _ => String::new(),
                },
                None => match &record.body {
                    Body::Action(previous) => previous.pilot.clone(),
                    _ => String::new(),
                },
            };
            record.body = Body::Action(Action {
                title: f("title"),
                period,
                archive: f("archive"),
                referent: f("referent"),
                pilot,
                amount,
                partners,
                places,
                keywords: keywords(form.get("keywords")),
                related,
                summary: form.get("summary").to_owned(),
                synthesis: form.get("synthesis").to_owned(),
                strategy: form.get("strategy").to_owned(),
                history: form.get("history").to_owned(),
                presentation: form.get("presentation").to_owned(),
            });
        }
        Kind::Method => {
            record.body = Body::Method(Method {
                title: f("title"),
                summary: form.get("summary").to_owned(),
                body: form.get("body").to_owned(),
                authors: lines(form.get("authors")),
                source: f("source"),
                date: f("date"),
                partners,
                related,
                keywords: keywords(form.get("keywords")),
            });
        }
        Kind::Resource => {
            record.body = Body::Resource(Resource {
                title: f("title"),
                resource_type: f("resource_type"),
                web_address: f("web_address"),
                description: form.get("description").to_owned(),
                partners,
                keywords: keywords(form.get("keywords")),
                related,
            });
        }
        Kind::Concept => {
            let concept_lang = record.meta.lang.clone();
            let mut concept = Concept {
                label: f(&format!("label_{concept_lang}")),
                scope_note: form.get("scope_note").to_owned(),
                uri: f("uri"),
                ..Concept::default()
            };
            for other in model::LANGS {
                let label = f(&format!("label_{other}"));
                if other != concept_lang && !label.is_empty() {
                    concept.labels.insert(other.to_owned(), label);
                }
                let alts = lines(form.get(&format!("alt_{other}")));
                if !alts.is_empty() {
                    concept.alt_labels.insert(other.to_owned(), alts);
                }
            }
            for (field, target) in [
                ("broader", &mut concept.broader),
                ("related", &mut concept.related),
            ] {
                for label in lines(form.get(field)) {
                    match resolve_concept(&seen, &label)? {
                        Some(id) if id == record.meta.id => {
                            errors.insert(field.into(), t(lang, "form_error.concept_self").into());
                        }
                        Some(id) => target.push(id),
                        None => {
                            errors.insert(
                                field.into(),
                                tf(lang, "form_error.no_concept", &[("label", &label)]),
                            );
                        }
                    }
                }
            }
            if concept.label.is_empty() {
                errors.insert(
                    format!("label_{}", record.meta.lang),
                    t(lang, "form_error.concept_label").into(),
                );
            }
            record.body = Body::Concept(concept);
        }
        Kind::Partner => {
            record.body = Body::Partner(Partner {
                name: f("name"),
                acronym: f("acronym"),
                aliases: lines(form.get("aliases")),
                description: form.get("description").to_owned(),
                website: f("website"),
                country: f("country").to_uppercase(),
                places,
                partner_type: f("type"),
            });
        }
    }
    for e in model::validate(record) {
        let field = field_of(&e.field);
        errors
            .entry(field)
            .or_insert_with(|| field_message(lang, &e.message));
    }
    Ok(errors)
}

fn year(text: &str, lang: Lang) -> Result<Option<i32>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i32>() {
        Ok(y) if (1000..=9999).contains(&y) => Ok(Some(y)),
        _ => Err(tf(lang, "form_error.year", &[("text", &text)])),
    }
}

/// The places field, one place per line: a name the gazetteer knows, or a name
/// with its coordinates. The first line that does not read is named in the
/// field's error.
fn read_places(text: &str, errors: &mut Errors, lang: Lang) -> Vec<Place> {
    let mut places: Vec<Place> = Vec::new();
    for line in lines(text) {
        match crate::places::from_line(&line) {
            Ok(place) => {
                if !places.iter().any(|p| p.name == place.name) {
                    places.push(place);
                }
            }
            Err(problem) => {
                let key = match problem {
                    crate::places::LineError::Unknown => "form_error.place_unknown",
                    crate::places::LineError::Coordinates => "form_error.place_coordinates",
                };
                errors
                    .entry("places".into())
                    .or_insert_with(|| tf(lang, key, &[("line", &line)]));
            }
        }
    }
    places
}

/// The form field that shows a validation error about a model field.
fn field_of(model_field: &str) -> String {
    let base = model_field.split(['.', '[']).next().unwrap_or(model_field);
    match model_field {
        "amount.currency" => "currency".into(),
        "amount.value" => "amount".into(),
        "period" => "period_start".into(),
        _ => base.into(),
    }
}

/// What the store refused in a form, as one line in `lang`.
pub fn problems_message(lang: Lang, problems: &[crate::model::FieldError]) -> String {
    problems
        .iter()
        .map(|p| field_message(lang, &p.message))
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// A validation message of the model (written in English for imports and the
/// API) as the form shows it, in `lang`. An unforeseen message is shown as is.
pub fn field_message(lang: Lang, message: &str) -> String {
    let m = message;
    let key = if m.starts_with("is required") {
        "validation.required"
    } else if m.starts_with("starts in") {
        "validation.period_order"
    } else if m.starts_with("years must have four digits") {
        "validation.period_digits"
    } else if m.contains("three-letter currency") {
        "validation.currency"
    } else if m.contains("must start with http") {
        "validation.url"
    } else if m.starts_with("is longer than") {
        return tf(lang, "validation.too_long", &[("detail", &m)]);
    } else if m.starts_with("must not be negative") {
        "validation.negative"
    } else if m.starts_with("must not be empty") {
        "validation.empty"
    } else if m.starts_with("needs a name or an id") {
        "validation.partner_name"
    } else if m.starts_with("unknown role") {
        "validation.role"
    } else if m.starts_with("unknown relation") {
        "validation.relation"
    } else if m.starts_with("unknown language") {
        "validation.lang"
    } else if m.starts_with("a concept cannot be broader") {
        "validation.broader_self"
    } else if m.contains("is already the name of partner") {
        "validation.partner_taken"
    } else if m.contains("is already a label of concept") {
        "validation.label_taken"
    } else if m.starts_with("nests ") {
        // "nests … more than 32 levels deep (line 7); …"
        let line = m
            .split_once("(line ")
            .and_then(|(_, rest)| rest.split_once(')'))
            .map_or("?", |(n, _)| n);
        let key = if m.starts_with("nests HTML") {
            "validation.deep_html"
        } else {
            "validation.deep_quotes"
        };
        let max = savoirs_templates::markdown::MAX_DEPTH;
        return tf(lang, key, &[("max", &max), ("line", &line)]);
    } else {
        return m.to_owned();
    };
    t(lang, key).to_owned()
}

/// The store as the person filling in a form sees it: names and ids of records
/// they may not see resolve to nothing, so that the answer to a form does not
/// tell whether a hidden record exists.
struct Seen<'a> {
    reader: &'a Reader,
    who: &'a Viewer,
}

impl Seen<'_> {
    /// The shared resolver, among what the person may see.
    fn names<T>(&self, f: impl FnOnce(&Names<'_, Reader>) -> T) -> T {
        let visible = |r: &Record| self.who.can_view(r);
        f(&Names::new(self.reader, &visible))
    }

    fn get(&self, id: &str) -> Result<Option<Record>, StoreError> {
        self.names(|n| n.get(id))
    }

    /// Whether `id` names a record that exists but that the person may not see.
    fn hidden(&self, id: &str) -> Result<bool, StoreError> {
        self.names(|n| n.hidden(id))
    }

    fn partner_by_name(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.names(|n| n.partner(name))
    }
}

/// The partner names of the form that name no partner `who` may see: those
/// the form offers to propose as new partners.
pub fn unknown_partners(
    form: &FormData,
    reader: &Reader,
    who: &Viewer,
) -> Result<Vec<String>, StoreError> {
    let seen = Seen { reader, who };
    let mut unknown = Vec::new();
    for (name, _) in form.partner_rows() {
        if seen.partner_by_name(&name)?.is_none() && !unknown.contains(&name) {
            unknown.push(name);
        }
    }
    Ok(unknown)
}

fn resolve_partners(
    form: &FormData,
    reader: &Seen<'_>,
    errors: &mut Errors,
    lang: Lang,
) -> Result<Vec<PartnerRef>, StoreError> {
    let mut out: Vec<PartnerRef> = Vec::new();
    let mut unknown = Vec::new();
    for (name, role) in form.partner_rows() {
        match reader.partner_by_name(&name)? {
            Some(id) if !out.iter().any(|p| p.id == id) => out.push(PartnerRef {
                id,
                name: String::new(),
                role,
            }),
            Some(_) => {}
            None => unknown.push(name),
        }
    }
    if !unknown.is_empty() {
        errors.insert(
            "partners".into(),
            tf(
                lang,
                "form_error.unknown_partner",
                &[("names", &unknown.join(", "))],
            ),
        );
    }
    Ok(out)
}

/// How a relation is written in the form's "related" field, before the title,
/// in `lang` (`utilise :`, `uses:`, `utiliza:` …); nothing for a plain link.
fn relation_prefix(lang: Lang, relation: &str) -> &'static str {
    match relation {
        "uses" => t(lang, "relation_prefix.uses"),
        "follows" => t(lang, "relation_prefix.follows"),
        "part_of" => t(lang, "relation_prefix.part_of"),
        "translation" => t(lang, "relation_prefix.translation"),
        _ => "",
    }
}

/// The typed relation a line of the "related" field starts with, in any
/// interface language (a form may be filled in one language and edited in
/// another), and the rest of the line; a plain line is `related`.
fn typed_line(line: &str) -> (&'static str, String) {
    for relation in ["uses", "follows", "part_of", model::TRANSLATION] {
        for lang in Lang::ALL {
            let prefix = relation_prefix(lang, relation);
            if let Some(rest) = line.strip_prefix(prefix).or_else(|| {
                // Prefixes match whatever the case of their first letter.
                let head = line.get(..prefix.len())?;
                head.eq_ignore_ascii_case(prefix)
                    .then(|| &line[prefix.len()..])
            }) {
                return (relation, rest.trim().to_owned());
            }
        }
    }
    ("related", line.to_owned())
}

/// The "related" field: one document per line, by exact title or id, optionally
/// after a prefix naming the kind of link (`utilise :`, `fait suite à :`,
/// `fait partie de :`, `traduction :`, or the same in English or Spanish).
fn resolve_related(
    form: &FormData,
    reader: &Seen<'_>,
    errors: &mut Errors,
    lang: Lang,
) -> Result<Vec<Relation>, StoreError> {
    let mut out = Vec::new();
    for line in lines(form.get("related")) {
        let (relation, title) = typed_line(&line);
        match resolve_record(reader, &title)? {
            Some(id) => out.push(Relation {
                id,
                title: String::new(),
                relation: relation.to_owned(),
            }),
            None => {
                errors.insert(
                    "related".into(),
                    tf(lang, "form_error.no_document", &[("title", &title)]),
                );
            }
        }
    }
    Ok(out)
}

/// A concept by id or by any of its labels.
fn resolve_concept(reader: &Seen<'_>, text: &str) -> Result<Option<String>, StoreError> {
    reader.names(|n| n.concept(text))
}

/// A record by id, or a document by exact title.
fn resolve_record(reader: &Seen<'_>, text: &str) -> Result<Option<String>, StoreError> {
    reader.names(|n| n.record(text, &Kind::DOCUMENTS))
}

/// The Markdown sections of a record, labelled in `lang`, for a preview.
pub fn markdown_sections(record: &Record, lang: Lang) -> Vec<(String, String)> {
    let s = |label: &str, text: &String| (label.to_owned(), text.clone());
    match &record.body {
        Body::Action(a) => vec![
            s(t(lang, "field.summary"), &a.summary),
            s(t(lang, "field.synthesis"), &a.synthesis),
            s(t(lang, "field.strategy"), &a.strategy),
            s(t(lang, "field.history"), &a.history),
            s(t(lang, "field.presentation"), &a.presentation),
        ],
        Body::Method(m) => vec![
            s(t(lang, "field.summary"), &m.summary),
            s(t(lang, "field.body"), &m.body),
        ],
        Body::Resource(r) => vec![s(t(lang, "field.description"), &r.description)],
        Body::Partner(p) => vec![s(t(lang, "field.presentation"), &p.description)],
        Body::Concept(c) => vec![s(t(lang, "field.scope_note"), &c.scope_note)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_keep_their_order() {
        let form = FormData::parse(
            b"title=X&partner_name=RITIMO&partner_role=pilot&partner_name=&partner_role=partner&partner_name=Ecosol&partner_role=funder",
        );
        assert_eq!(
            form.partner_rows(),
            vec![
                ("RITIMO".to_owned(), "pilot".to_owned()),
                ("Ecosol".to_owned(), "funder".to_owned())
            ]
        );
        assert_eq!(form.get("title"), "X");
        assert_eq!(form.get("missing"), "");
    }

    #[test]
    fn validation_errors_land_on_form_fields() {
        assert_eq!(field_of("amount.currency"), "currency");
        assert_eq!(field_of("partners[2].role"), "partners");
        assert_eq!(field_of("title"), "title");
        assert_eq!(
            year("20x6", Lang::Fr),
            Err("« 20x6 » n'est pas une année sur quatre chiffres".into())
        );
        assert_eq!(
            year("20x6", Lang::En),
            Err("“20x6” is not a four-digit year".into())
        );
        assert_eq!(year("2006", Lang::Es), Ok(Some(2006)));
    }

    #[test]
    fn typed_links_are_read_in_any_language() {
        assert_eq!(typed_line("utilise : Forum"), ("uses", "Forum".to_owned()));
        assert_eq!(typed_line("Uses: Forum"), ("uses", "Forum".to_owned()));
        assert_eq!(
            typed_line("traducción: Open forum"),
            ("translation", "Open forum".to_owned())
        );
        assert_eq!(
            typed_line("translation: Foro"),
            ("translation", "Foro".to_owned())
        );
        assert_eq!(typed_line("Forum"), ("related", "Forum".to_owned()));
    }
}

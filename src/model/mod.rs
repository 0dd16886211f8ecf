//! The domain: records of five kinds, what every record carries, and validation.
//!
//! A stored record and an interchange line have the same JSON shape: the record's
//! common fields ([`Meta`]) and its kind-specific fields ([`Body`]) side by side in
//! one flat object tagged by `"kind"`. Links to partners and other records are by id.

mod attachments;
mod fields;
pub mod legacy;
mod validate;

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

pub use attachments::{Attachment, clean_file_name};
pub use fields::{
    Amount, PartnerRef, Period, Place, RELATIONS, ROLES, Relation, TRANSLATION, parse_amount_value,
};
pub use validate::{FieldError, attachment_problems, is_web_address, place_problems, validate};

/// The kinds of record, in the order they are exported (partners first, so that
/// documents that name them find them on import).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Partner,
    Concept,
    Action,
    Method,
    Resource,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Partner,
        Kind::Concept,
        Kind::Action,
        Kind::Method,
        Kind::Resource,
    ];

    /// Kinds that are documents (they have partners, keywords, related records).
    pub const DOCUMENTS: [Kind; 3] = [Kind::Action, Kind::Method, Kind::Resource];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Partner => "partner",
            Kind::Concept => "concept",
            Kind::Action => "action",
            Kind::Method => "method",
            Kind::Resource => "resource",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Editorial status: only `published` records are shown to anonymous readers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Proposed,
    #[default]
    Published,
    Archived,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Proposed,
        Status::Published,
        Status::Archived,
    ];

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Proposed => "proposed",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }
}

/// Record languages.
pub const LANGS: [&str; 3] = ["fr", "en", "es"];

/// What every record carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub id: String,
    pub slug: String,
    pub lang: String,
    pub status: Status,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// The account that created the record; it may edit it while it is a draft or
    /// a proposal. Empty for imported records.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    /// Number of the record's latest revision; not part of the interchange format.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub revision: u64,
    /// Files attached to the record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Names of [`Meta`]'s fields, used to split a flat JSON object in two.
const META_KEYS: [&str; 9] = [
    "id",
    "slug",
    "lang",
    "status",
    "created",
    "updated",
    "owner",
    "revision",
    "attachments",
];

/// The kind-specific part of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Body {
    Partner(Partner),
    Concept(Concept),
    Action(Action),
    Method(Method),
    Resource(Resource),
}

/// An action sheet (fiche action).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Label of the archive the sheet belongs to, e.g. "Archive 2006-2007".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub archive: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub referent: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pilot: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<PartnerRef>,
    /// Where the action took place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Relation>,
    /// Résumé (Markdown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// Synthèse (Markdown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub synthesis: String,
    /// Inscription de l'action dans la stratégie d'ensemble (Markdown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub strategy: String,
    /// Historique (Markdown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub history: String,
    /// Présentation (Markdown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub presentation: String,
}

/// A methodology document: a tool or method for collective action or intelligence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Method {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Publication date as written: "2018", "2018-05", "2018-05-14".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<PartnerRef>,
    /// Related records, by id (titles are resolved to ids on import).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Relation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

/// A resource: a tool, website, publication, training or file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_type: String,
    // Not `url`, which older versions of the API also gave to a record's own
    // page, nor `website`, which is one of the resource types. Files and stores
    // that call it `url` are read by `legacy`.
    /// Where the resource is found on the web: an http:// or https:// address.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schema(pattern = "^(https?://.*)?$")]
    pub web_address: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<PartnerRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Relation>,
}

/// A thesaurus entry: a concept with a preferred label per language, alternative
/// labels (synonyms, acronyms), broader and related concepts, a scope note.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    /// Preferred label in the record's language.
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub label: String,
    /// Preferred labels in other languages: `{"en": "…", "es": "…"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Alternative labels by language: `{"fr": ["ESS"], "en": ["SSE"]}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub alt_labels: BTreeMap<String, Vec<String>>,
    /// Broader concepts, by id (labels are resolved to ids on import).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broader: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope_note: String,
    /// The concept's IRI in SKOS, kept so that an exported thesaurus keeps its
    /// identifiers.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uri: String,
}

impl Concept {
    /// Every label of the concept, preferred and alternative, in every language,
    /// with its language (`lang` is the record's own language).
    pub fn all_labels<'a>(&'a self, lang: &'a str) -> Vec<(&'a str, &'a str)> {
        let mut out = vec![(lang, self.label.as_str())];
        out.extend(self.labels.iter().map(|(l, v)| (l.as_str(), v.as_str())));
        for (l, alts) in &self.alt_labels {
            out.extend(alts.iter().map(|a| (l.as_str(), a.as_str())));
        }
        out.retain(|(_, v)| !v.trim().is_empty());
        out
    }
}

/// A partner organisation: one record per organisation, linked by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub acronym: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schema(pattern = "^(https?://.*)?$")]
    pub website: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub country: String,
    /// Where the organisation is based or works.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
    /// association, network, foundation, company, public_body …
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub partner_type: String,
}

impl Partner {
    /// The short name shown in lists: the acronym when there is one.
    pub fn label(&self) -> &str {
        if self.acronym.is_empty() {
            &self.name
        } else {
            &self.acronym
        }
    }

    /// Every name the organisation is known by.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain((!self.acronym.is_empty()).then_some(self.acronym.as_str()))
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// A stored record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub meta: Meta,
    pub body: Body,
}

impl Record {
    /// A new record with no id yet (the store gives one) in French, published.
    pub fn new(body: Body) -> Record {
        let now = now();
        Record {
            meta: Meta {
                id: String::new(),
                slug: String::new(),
                lang: "fr".to_owned(),
                status: Status::Published,
                created: now,
                updated: now,
                owner: String::new(),
                revision: 0,
                attachments: Vec::new(),
            },
            body,
        }
    }

    pub fn kind(&self) -> Kind {
        match self.body {
            Body::Partner(_) => Kind::Partner,
            Body::Concept(_) => Kind::Concept,
            Body::Action(_) => Kind::Action,
            Body::Method(_) => Kind::Method,
            Body::Resource(_) => Kind::Resource,
        }
    }

    /// The record's title (a partner's name).
    pub fn title(&self) -> &str {
        match &self.body {
            Body::Partner(p) => &p.name,
            Body::Concept(c) => &c.label,
            Body::Action(a) => &a.title,
            Body::Method(m) => &m.title,
            Body::Resource(r) => &r.title,
        }
    }

    /// Partners the record links to.
    pub fn partner_refs(&self) -> &[PartnerRef] {
        match &self.body {
            Body::Action(a) => &a.partners,
            Body::Method(m) => &m.partners,
            Body::Resource(r) => &r.partners,
            Body::Partner(_) | Body::Concept(_) => &[],
        }
    }

    pub fn partner_refs_mut(&mut self) -> Option<&mut Vec<PartnerRef>> {
        match &mut self.body {
            Body::Action(a) => Some(&mut a.partners),
            Body::Method(m) => Some(&mut m.partners),
            Body::Resource(r) => Some(&mut r.partners),
            Body::Partner(_) | Body::Concept(_) => None,
        }
    }

    /// Places of a partner or an action.
    pub fn places(&self) -> &[Place] {
        match &self.body {
            Body::Action(a) => &a.places,
            Body::Partner(p) => &p.places,
            _ => &[],
        }
    }

    pub fn places_mut(&mut self) -> Option<&mut Vec<Place>> {
        match &mut self.body {
            Body::Action(a) => Some(&mut a.places),
            Body::Partner(p) => Some(&mut p.places),
            _ => None,
        }
    }

    pub fn keywords(&self) -> &[String] {
        match &self.body {
            Body::Action(a) => &a.keywords,
            Body::Method(m) => &m.keywords,
            Body::Resource(r) => &r.keywords,
            Body::Partner(_) | Body::Concept(_) => &[],
        }
    }

    pub fn keywords_mut(&mut self) -> Option<&mut Vec<String>> {
        match &mut self.body {
            Body::Action(a) => Some(&mut a.keywords),
            Body::Method(m) => Some(&mut m.keywords),
            Body::Resource(r) => Some(&mut r.keywords),
            Body::Partner(_) | Body::Concept(_) => None,
        }
    }

    /// Typed links to other documents.
    pub fn relations(&self) -> &[Relation] {
        match &self.body {
            Body::Action(a) => &a.related,
            Body::Method(m) => &m.related,
            Body::Resource(r) => &r.related,
            Body::Partner(_) | Body::Concept(_) => &[],
        }
    }

    pub fn relations_mut(&mut self) -> Option<&mut Vec<Relation>> {
        match &mut self.body {
            Body::Action(a) => Some(&mut a.related),
            Body::Method(m) => Some(&mut m.related),
            Body::Resource(r) => Some(&mut r.related),
            Body::Partner(_) | Body::Concept(_) => None,
        }
    }

    /// Ids of every record this one links to besides partners: related documents,
    /// and for a concept its broader and related concepts.
    pub fn linked_ids(&self) -> Vec<String> {
        match &self.body {
            Body::Concept(c) => c.broader.iter().chain(&c.related).cloned().collect(),
            _ => self.relations().iter().map(|r| r.id.clone()).collect(),
        }
    }

    /// The URL path where the record is read (the API's `page_path`; not a
    /// resource's `web_address`).
    pub fn url(&self) -> String {
        format!("/{}/{}", self.kind(), self.meta.slug)
    }

    /// The record as one flat JSON object, `kind` first.
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut out = serde_json::Map::new();
        let (body, meta) = (to_map(&self.body), to_map(&self.meta));
        out.insert("kind".into(), self.kind().as_str().into());
        for key in ["id", "slug", "lang", "status"] {
            if let Some(v) = meta.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
        for (k, v) in body {
            if k != "kind" {
                out.insert(k, v);
            }
        }
        for key in ["attachments", "created", "updated", "owner", "revision"] {
            if let Some(v) = meta.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
        out
    }

    /// Reads a record from one flat JSON object.
    pub fn from_json(object: serde_json::Map<String, serde_json::Value>) -> Result<Record, String> {
        let (meta, body) = split_meta(object);
        let meta: Meta = serde_json::from_value(meta.into()).map_err(|e| e.to_string())?;
        let body: Body = serde_json::from_value(body.into()).map_err(|e| e.to_string())?;
        Ok(Record { meta, body })
    }
}

/// Splits a flat object into its [`Meta`] keys and the rest.
pub fn split_meta(
    object: serde_json::Map<String, serde_json::Value>,
) -> (
    serde_json::Map<String, serde_json::Value>,
    serde_json::Map<String, serde_json::Value>,
) {
    object
        .into_iter()
        .partition(|(k, _)| META_KEYS.contains(&k.as_str()))
}

fn to_map<T: Serialize>(value: &T) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => map,
        // Meta and Body are structs and enums of structs: always objects.
        _ => serde_json::Map::new(),
    }
}

/// The current time, to the second (sub-second precision only adds noise to exports).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

/// A readable, URL-safe slug: `Méthodes participatives !` → `methodes-participatives`.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    // Long titles make unwieldy URLs: keep whole words up to 60 characters.
    if slug.len() > 60 {
        let cut = slug[..60].rfind('-').unwrap_or(60);
        slug.truncate(cut);
    }
    let slug = slug.trim_matches('-').to_owned();
    if slug.is_empty() {
        "sans-titre".to_owned()
    } else {
        slug
    }
}

/// A key under which names are compared: case, accents, punctuation and spacing
/// do not matter (`Économie  solidaire` = `economie solidaire`).
pub fn name_key(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_lowercase();
    ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(
            slugify("Méthodes participatives !"),
            "methodes-participatives"
        );
        assert_eq!(slugify("  l'œuvre   d’art "), "l-oeuvre-d-art");
        assert_eq!(slugify("***"), "sans-titre");
        assert!(slugify(&"mot ".repeat(40)).len() <= 60);
    }

    #[test]
    fn names_compare_loosely() {
        assert_eq!(
            name_key("Économie  Solidaire"),
            name_key("economie solidaire")
        );
        assert_eq!(name_key("RITIMO"), "ritimo");
    }

    #[test]
    fn json_round_trip_and_unknown_fields() {
        let line = r#"{"kind":"action","id":"ab12","slug":"x","lang":"fr","status":"published","title":"X","amount":{"value":520000,"currency":"EUR"},"period":{"start":2006,"end":2007},"created":"2024-01-02T03:04:05Z","updated":"2024-01-02T03:04:05Z"}"#;
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(line).expect("json");
        let record = Record::from_json(object.clone()).expect("record");
        assert_eq!(record.kind(), Kind::Action);
        let back = serde_json::Value::Object(record.to_json());
        assert_eq!(back, serde_json::Value::Object(object));

        let bad = r#"{"kind":"action","id":"a","slug":"x","lang":"fr","status":"published","created":"2024-01-02T03:04:05Z","updated":"2024-01-02T03:04:05Z","title":"X","sumary":"typo"}"#;
        let err = Record::from_json(serde_json::from_str(bad).expect("json")).expect_err("typo");
        assert!(err.contains("sumary"), "{err}");
    }
}

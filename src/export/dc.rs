//! A record described in Dublin Core's fifteen elements: what OAI-PMH's
//! `oai_dc` format carries, and what record pages repeat in their `DC.*`,
//! `citation_*` and schema.org metadata, so that harvesters, reference managers
//! and search engines all read the same description.

use serde_json::{Value, json};

use crate::model::{Body, Kind, Record};
use crate::search::plain_text;
use crate::store::{Reader, StoreError};

/// One record's description. Names of linked partners are resolved; values are
/// plain text (Markdown is left as written).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Description {
    pub title: String,
    /// Authors: a method's authors, an action's pilot (people), partners in
    /// the role of author (organisations).
    pub creators: Vec<Named>,
    /// Other partners, in their roles.
    pub contributors: Vec<Named>,
    pub publishers: Vec<Named>,
    pub subjects: Vec<String>,
    /// The summary (or description, or scope note) as plain text.
    pub description: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: a method's date as written, an
    /// action's first year, else the day the record was created.
    pub date: String,
    /// What the record is, in French ("Fiche action", "Document méthodologique"…).
    pub kind_label: String,
    pub language: String,
    /// An action's period, `2006-2007`.
    pub coverage: String,
    /// Where: the places of a partner or an action, each as `Lyon (FR)`,
    /// with its coordinates when it has them.
    pub places: Vec<(String, Option<(f64, f64)>)>,
    /// Where a resource lives on the web.
    pub web_address: String,
}

/// A partner or a person named in a description; a partner has its role, and
/// its id when it is a record here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Named {
    pub name: String,
    pub id: String,
    /// The path of its page, when it is a record here.
    pub url: String,
    pub role: String,
    /// A person (an author or pilot written by name), not an organisation.
    pub person: bool,
}

impl Named {
    fn person(name: &str) -> Named {
        Named {
            name: name.to_owned(),
            person: true,
            ..Named::default()
        }
    }
}

/// The French name of a kind of record, as a `dc:type`.
pub fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Action => "Fiche action",
        Kind::Method => "Document méthodologique",
        Kind::Resource => "Ressource",
        Kind::Partner => "Organisation",
        Kind::Concept => "Concept",
    }
}

/// A place in schema.org's terms, with its coordinates when it has them.
fn place((name, at): &(String, Option<(f64, f64)>)) -> Value {
    let mut v = json!({"@type": "Place", "name": name});
    if let Some((lat, lon)) = at {
        v["geo"] = json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon});
    }
    v
}

/// Describes `record`, naming partners as the store knows them; `keep` says
/// which linked partners may be named (the others are left out).
pub fn describe(
    record: &Record,
    reader: &Reader,
    keep: &dyn Fn(&Record) -> bool,
) -> Result<Description, StoreError> {
    let mut d = Description {
        title: record.title().to_owned(),
        subjects: record.keywords().to_vec(),
        places: record
            .places()
            .iter()
            .map(|p| {
                let name = match p.country.as_str() {
                    "" => p.name.clone(),
                    country => format!("{} ({country})", p.name),
                };
                (name, p.coordinates())
            })
            .collect(),
        kind_label: kind_label(record.kind()).to_owned(),
        language: record.meta.lang.clone(),
        date: record.meta.created.format("%Y-%m-%d").to_string(),
        ..Description::default()
    };
    for link in record.partner_refs() {
        let linked = if link.id.is_empty() {
            None
        } else {
            reader.get(&link.id)?
        };
        if linked.as_ref().is_some_and(|p| !keep(p)) {
            continue;
        }
        let name = match &linked {
            Some(partner) => partner.title().to_owned(),
            None => link.name.clone(),
        };
        if name.trim().is_empty() {
            continue;
        }
        let named = Named {
            name,
            url: linked.as_ref().map(Record::url).unwrap_or_default(),
            id: linked.map(|p| p.meta.id).unwrap_or_default(),
            role: link.role.clone(),
            person: false,
        };
        match link.role.as_str() {
            "author" => d.creators.push(named),
            "publisher" => d.publishers.push(named),
            _ => d.contributors.push(named),
        }
    }
    match &record.body {
        Body::Action(a) => {
            if !a.pilot.trim().is_empty() {
                d.creators.insert(0, Named::person(&a.pilot));
            }
            d.description = plain_text(&a.summary);
            if let Some(period) = &a.period {
                d.date = period.start.to_string();
                d.coverage = if period.start == period.end {
                    period.start.to_string()
                } else {
                    format!("{}-{}", period.start, period.end)
                };
            }
        }
        Body::Method(m) => {
            let mut authors: Vec<Named> = m.authors.iter().map(|a| Named::person(a)).collect();
            authors.append(&mut d.creators);
            d.creators = authors;
            d.description = plain_text(&m.summary);
            if !m.date.trim().is_empty() {
                d.date = m.date.clone();
            }
        }
        Body::Resource(r) => {
            d.description = plain_text(&r.description);
            d.web_address = r.web_address.clone();
            if !r.resource_type.trim().is_empty() {
                d.kind_label = format!("{} ({})", d.kind_label, r.resource_type);
            }
        }
        Body::Partner(p) => {
            d.description = plain_text(&p.description);
            d.web_address = p.website.clone();
        }
        Body::Concept(c) => d.description = plain_text(&c.scope_note),
    }
    d.creators.retain(|c| !c.name.trim().is_empty());
    d.creators.dedup();
    Ok(d)
}

/// The `<meta>` tags of a record's page: Dublin Core (`DC.*`) and the
/// Highwire `citation_*` tags that Zotero and Google Scholar read.
pub fn meta_tags(d: &Description, url: &str) -> Vec<(&'static str, String)> {
    let mut tags = vec![("DC.title", d.title.clone())];
    tags.extend(d.creators.iter().map(|c| ("DC.creator", c.name.clone())));
    tags.extend(d.subjects.iter().map(|s| ("DC.subject", s.clone())));
    tags.push(("DC.description", d.description.clone()));
    tags.extend(
        d.publishers
            .iter()
            .map(|p| ("DC.publisher", p.name.clone())),
    );
    tags.extend(
        d.contributors
            .iter()
            .map(|c| ("DC.contributor", c.name.clone())),
    );
    tags.push(("DC.date", d.date.clone()));
    tags.push(("DC.type", d.kind_label.clone()));
    tags.push(("DC.identifier", url.to_owned()));
    tags.push(("DC.language", d.language.clone()));
    tags.push(("DC.coverage", d.coverage.clone()));
    tags.extend(d.places.iter().map(|(p, _)| ("DC.coverage", p.clone())));
    tags.push(("citation_title", d.title.clone()));
    tags.extend(
        d.creators
            .iter()
            .map(|c| ("citation_author", c.name.clone())),
    );
    // Highwire dates are written with slashes: 2018/05/14, 2018.
    tags.push(("citation_publication_date", d.date.replace('-', "/")));
    tags.extend(
        d.publishers
            .iter()
            .map(|p| ("citation_publisher", p.name.clone())),
    );
    tags.push(("citation_language", d.language.clone()));
    if !d.subjects.is_empty() {
        tags.push(("citation_keywords", d.subjects.join("; ")));
    }
    tags.push(("citation_public_url", url.to_owned()));
    tags.retain(|(_, v)| !v.trim().is_empty());
    tags
}

/// The schema.org description of a record's page, for JSON-LD: a
/// `CreativeWork` for documents, an `Organization` for a partner, a
/// `DefinedTerm` for a concept.
pub fn json_ld(record: &Record, d: &Description, origin: &str) -> Value {
    let url = format!("{origin}{}", record.url());
    let party = |n: &Named| {
        let mut v = json!({
            "@type": if n.person { "Person" } else { "Organization" },
            "name": n.name,
        });
        if !n.url.is_empty() {
            v["@id"] = json!(format!("{origin}{}", n.url));
        }
        v
    };
    let mut v = match &record.body {
        Body::Partner(p) => {
            let mut v = json!({"@type": "Organization", "name": p.name});
            let other: Vec<&str> = p.names().skip(1).collect();
            if !other.is_empty() {
                v["alternateName"] = json!(other);
            }
            if !p.website.is_empty() {
                v["sameAs"] = json!(p.website);
            }
            if !d.places.is_empty() {
                v["location"] = json!(d.places.iter().map(place).collect::<Vec<_>>());
            }
            v
        }
        Body::Concept(c) => {
            let mut v = json!({
                "@type": "DefinedTerm",
                "name": c.label,
                "inDefinedTermSet": format!("{origin}/thesaurus"),
            });
            let other: Vec<&str> = c
                .all_labels(&record.meta.lang)
                .into_iter()
                .skip(1)
                .map(|(_, l)| l)
                .collect();
            if !other.is_empty() {
                v["alternateName"] = json!(other);
            }
            v
        }
        _ => {
            let mut v = json!({
                "@type": "CreativeWork",
                "name": d.title,
                "headline": d.title,
                "genre": d.kind_label,
                "datePublished": d.date,
            });
            let authors: Vec<Value> = d.creators.iter().map(party).collect();
            if !authors.is_empty() {
                v["author"] = json!(authors);
            }
            let contributors: Vec<Value> = d.contributors.iter().map(party).collect();
            if !contributors.is_empty() {
                v["contributor"] = json!(contributors);
            }
            let publishers: Vec<Value> = d.publishers.iter().map(party).collect();
            if !publishers.is_empty() {
                v["publisher"] = json!(publishers);
            }
            if !d.subjects.is_empty() {
                v["keywords"] = json!(d.subjects);
            }
            if !d.coverage.is_empty() {
                v["temporalCoverage"] = json!(d.coverage);
            }
            if !d.places.is_empty() {
                v["spatialCoverage"] = json!(d.places.iter().map(place).collect::<Vec<_>>());
            }
            if !d.web_address.is_empty() {
                v["sameAs"] = json!(d.web_address);
            }
            v
        }
    };
    v["@context"] = json!("https://schema.org");
    v["@id"] = json!(url);
    v["url"] = json!(url);
    v["inLanguage"] = json!(d.language);
    v["dateCreated"] = json!(record.meta.created.format("%Y-%m-%d").to_string());
    v["dateModified"] = json!(record.meta.updated.format("%Y-%m-%d").to_string());
    if !d.description.is_empty() {
        v["description"] = json!(d.description);
    }
    v
}

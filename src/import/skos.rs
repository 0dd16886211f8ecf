//! SKOS thesauri in Turtle, read with `oxttl`: each `skos:Concept` becomes a
//! concept record with its preferred and alternative labels (French, English,
//! Spanish), broader (`skos:broader`, or `skos:narrower` read backwards), related
//! concepts, scope note and IRI. Concepts are returned broader first, their links
//! written as the linked concepts' labels, which the import resolves.

use std::collections::{BTreeMap, BTreeSet};

use oxrdf::{NamedOrBlankNode, Term, Triple};
use oxttl::TurtleParser;

use super::{Item, Rejection};
use crate::model::{Body, Concept, LANGS, Record};

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

#[derive(Default)]
struct Raw {
    is_concept: bool,
    /// The concept scheme itself, which has labels but is not a concept.
    is_scheme: bool,
    pref: BTreeMap<String, String>,
    alt: BTreeMap<String, Vec<String>>,
    broader: BTreeSet<String>,
    related: BTreeSet<String>,
    scope_note: Option<(String, String)>,
}

/// A syntax error, with its line when the parser knows it.
type SyntaxError = (Option<usize>, String);

/// Reads a Turtle file into concept items, and what could not be read.
pub fn parse(file: &str, text: &str) -> (Vec<Item>, Vec<Rejection>) {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("<?xml") || start.starts_with("<rdf:RDF") {
        let reason = "this is RDF/XML: Savoirs reads SKOS in Turtle (convert it, for \
                      example with `rapper -o turtle` or `riot --output=turtle`)";
        return (
            Vec::new(),
            vec![Rejection {
                file: file.to_owned(),
                line: Some(1),
                reason: reason.to_owned(),
            }],
        );
    }
    let triples = TurtleParser::new().for_slice(text).map(|t| {
        t.map_err(|e| {
            let line = usize::try_from(e.location().start.line).ok().map(|l| l + 1);
            (line, format!("Turtle syntax error: {}", e.message()))
        })
    });
    parse_triples(file, triples)
}

fn parse_triples(
    file: &str,
    triples: impl Iterator<Item = Result<Triple, SyntaxError>>,
) -> (Vec<Item>, Vec<Rejection>) {
    let mut rejected = Vec::new();
    let reject = |rejected: &mut Vec<Rejection>, line: Option<usize>, reason: String| {
        rejected.push(Rejection {
            file: file.to_owned(),
            line,
            reason,
        });
    };
    let mut raw: BTreeMap<String, Raw> = BTreeMap::new();
    for triple in triples {
        let triple = match triple {
            Ok(t) => t,
            Err((line, message)) => {
                reject(&mut rejected, line, message);
                // The parser cannot resynchronise reliably after an error.
                return (Vec::new(), rejected);
            }
        };
        let NamedOrBlankNode::NamedNode(subject) = &triple.subject else {
            continue;
        };
        let subject = subject.as_str().to_owned();
        let predicate = triple.predicate.as_str();
        let literal = |t: &Term| match t {
            Term::Literal(l) => Some((
                l.language().unwrap_or("fr").to_owned(),
                l.value().to_owned(),
            )),
            _ => None,
        };
        let iri = |t: &Term| match t {
            Term::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        };
        if predicate == RDF_TYPE {
            let object = iri(&triple.object);
            if object.as_deref() == Some(&format!("{SKOS}Concept")) {
                raw.entry(subject).or_default().is_concept = true;
            } else if object.as_deref() == Some(&format!("{SKOS}ConceptScheme")) {
                raw.entry(subject).or_default().is_scheme = true;
            }
            continue;
        }
        let Some(local) = predicate.strip_prefix(SKOS) else {
            continue;
        };
        match local {
            "prefLabel" | "altLabel" | "scopeNote" => {
                let Some((lang, value)) = literal(&triple.object) else {
                    continue;
                };
                let lang = lang.split('-').next().unwrap_or("fr").to_lowercase();
                if !LANGS.contains(&lang.as_str()) {
                    reject(
                        &mut rejected,
                        None,
                        format!(
                            "{subject}: label {value:?} in language {lang:?} ignored (Savoirs keeps fr, en, es)"
                        ),
                    );
                    continue;
                }
                let r = raw.entry(subject).or_default();
                match local {
                    "prefLabel" => {
                        r.pref.insert(lang, value);
                    }
                    "altLabel" => r.alt.entry(lang).or_default().push(value),
                    _ => r.scope_note = Some((lang, value)),
                }
            }
            "broader" => {
                if let Some(o) = iri(&triple.object) {
                    raw.entry(subject).or_default().broader.insert(o);
                }
            }
            "narrower" => {
                if let Some(o) = iri(&triple.object) {
                    raw.entry(o).or_default().broader.insert(subject);
                }
            }
            "related" => {
                if let Some(o) = iri(&triple.object) {
                    raw.entry(subject).or_default().related.insert(o);
                }
            }
            _ => {}
        }
    }
    raw.retain(|_, r| !r.is_scheme && (r.is_concept || !r.pref.is_empty()));
    // The label each concept will be known by, to write the links with.
    let main_label = |r: &Raw| -> Option<(String, String)> {
        ["fr", "en", "es"]
            .into_iter()
            .find_map(|l| r.pref.get(l).map(|v| (l.to_owned(), v.clone())))
    };
    let labels: BTreeMap<String, String> = raw
        .iter()
        .filter_map(|(iri, r)| main_label(r).map(|(_, l)| (iri.clone(), l)))
        .collect();
    let depth = |iri: &str| -> usize {
        let mut depth = 0;
        let mut current = iri.to_owned();
        while let Some(parent) = raw.get(&current).and_then(|r| r.broader.iter().next()) {
            depth += 1;
            if depth > 32 {
                break;
            }
            current.clone_from(parent);
        }
        depth
    };
    let mut ordered: Vec<(&String, &Raw)> = raw.iter().collect();
    ordered.sort_by_key(|(iri, _)| (depth(iri), (*iri).clone()));
    let mut items = Vec::new();
    for (iri, r) in ordered {
        let Some((lang, label)) = main_label(r) else {
            reject(
                &mut rejected,
                None,
                format!("{iri}: no skos:prefLabel in French, English or Spanish"),
            );
            continue;
        };
        let linked = |iris: &BTreeSet<String>, rejected: &mut Vec<Rejection>| -> Vec<String> {
            let mut out = Vec::new();
            for target in iris {
                match labels.get(target) {
                    Some(l) => out.push(l.clone()),
                    None => reject(
                        rejected,
                        None,
                        format!("{iri}: link to unknown concept {target} ignored"),
                    ),
                }
            }
            out
        };
        let concept = Concept {
            label,
            labels: r
                .pref
                .iter()
                .filter(|(l, _)| **l != lang)
                .map(|(l, v)| (l.clone(), v.clone()))
                .collect(),
            alt_labels: r.alt.clone(),
            broader: linked(&r.broader, &mut rejected),
            related: linked(&r.related, &mut rejected),
            scope_note: r
                .scope_note
                .as_ref()
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            uri: iri.clone(),
        };
        let mut record = Record::new(Body::Concept(concept));
        record.meta.lang = lang;
        items.push(Item {
            record,
            merge_partner: false,
        });
    }
    (items, rejected)
}

/// What importing a thesaurus does to one of its concepts.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// A concept the base does not have.
    Add,
    /// A concept the base has, which the file changes: what changes, as the
    /// interface's text keys (`skos.change.labels` …).
    Change(Vec<&'static str>),
    /// A concept the base has just as the file says.
    Keep,
}

/// Matches each parsed concept to a stored one, by IRI (the one it was
/// imported with, or one Savoirs gave it: `site` is the site's address),
/// else by preferred label, so that importing a thesaurus again updates its
/// concepts instead of duplicating them. A matched item takes the stored
/// concept's id, slug, status and dates; the returned plans say what saving
/// the items would do.
pub fn plan(
    reader: &crate::store::Reader,
    items: &mut [(Option<usize>, Item)],
    site: Option<&str>,
) -> Result<Vec<Plan>, crate::store::StoreError> {
    use std::collections::HashMap;
    let stored = reader.all(Some(crate::model::Kind::Concept))?;
    let mut by_iri: HashMap<String, &Record> = HashMap::new();
    for record in &stored {
        by_iri.insert(crate::export::skos::iri(record, site), record);
        by_iri.insert(crate::export::skos::iri(record, None), record);
        if let Some(site) = site {
            by_iri.insert(format!("{site}/concept/{}", record.meta.id), record);
        }
    }
    let mut plans = Vec::with_capacity(items.len());
    for (_, item) in items.iter_mut() {
        let record = &mut item.record;
        let Body::Concept(incoming) = &mut record.body else {
            plans.push(Plan::Add);
            continue;
        };
        let found = match by_iri.get(&incoming.uri) {
            Some(found) => Some((*found).clone()),
            None => match reader.concept_by_label(&incoming.label)? {
                Some(id) => reader.get(&id)?,
                None => None,
            },
        };
        let Some(found) = found else {
            plans.push(Plan::Add);
            continue;
        };
        let Body::Concept(existing) = &found.body else {
            plans.push(Plan::Add);
            continue;
        };
        // What the file gives replaces; what it leaves out is kept, so that a
        // file listing only some labels does not erase the others.
        let mut labels = existing.labels.clone();
        labels.extend(std::mem::take(&mut incoming.labels));
        labels.remove(&record.meta.lang);
        if record.meta.lang != found.meta.lang
            && !labels.contains_key(&found.meta.lang)
            && existing.label != incoming.label
        {
            labels.insert(found.meta.lang.clone(), existing.label.clone());
        }
        incoming.labels = labels;
        let mut alt_labels = existing.alt_labels.clone();
        alt_labels.extend(std::mem::take(&mut incoming.alt_labels));
        incoming.alt_labels = alt_labels;
        if incoming.broader.is_empty() {
            incoming.broader.clone_from(&existing.broader);
        }
        if incoming.related.is_empty() {
            incoming.related.clone_from(&existing.related);
        }
        if incoming.scope_note.is_empty() {
            incoming.scope_note.clone_from(&existing.scope_note);
        }
        // A concept keeps the IRI it has (one Savoirs made is not stored: it
        // follows the site's address), so that its published IRI never changes.
        incoming.uri.clone_from(&existing.uri);
        record.meta.id.clone_from(&found.meta.id);
        record.meta.slug.clone_from(&found.meta.slug);
        record.meta.status = found.meta.status;
        record.meta.created = found.meta.created;
        record.meta.owner.clone_from(&found.meta.owner);
        // Links are written as labels in the file: compare them as ids.
        let ids = |labels: &[String]| -> Result<Vec<String>, crate::store::StoreError> {
            let mut out = Vec::new();
            for label in labels {
                // Links kept from the base are ids already.
                let kept = reader
                    .get(label)?
                    .filter(|r| r.kind() == crate::model::Kind::Concept);
                out.push(match kept {
                    Some(r) => r.meta.id,
                    None => reader
                        .concept_by_label(label)?
                        .unwrap_or_else(|| format!("?{label}")),
                });
            }
            Ok(out)
        };
        let mut changes = Vec::new();
        if incoming.label != existing.label
            || incoming.labels != existing.labels
            || record.meta.lang != found.meta.lang
        {
            changes.push("skos.change.labels");
        }
        if incoming.alt_labels != existing.alt_labels {
            changes.push("skos.change.alt_labels");
        }
        if ids(&incoming.broader)? != existing.broader {
            changes.push("skos.change.broader");
        }
        let mut related = ids(&incoming.related)?;
        let mut had = existing.related.clone();
        related.sort();
        had.sort();
        if related != had {
            changes.push("skos.change.related");
        }
        if incoming.scope_note != existing.scope_note {
            changes.push("skos.change.scope_note");
        }
        plans.push(match changes.is_empty() {
            true => Plan::Keep,
            false => Plan::Change(changes),
        });
    }
    Ok(plans)
}

//! SKOS thesauri in Turtle, read with `oxttl`: each `skos:Concept` becomes a
//! concept record with its preferred and alternative labels (French, English,
//! Spanish), broader (`skos:broader`, or `skos:narrower` read backwards), related
//! concepts, scope note and IRI. Concepts are returned broader first, their links
//! written as the linked concepts' labels, which the import resolves.

use std::collections::{BTreeMap, BTreeSet};

use oxrdf::{NamedOrBlankNode, Term};
use oxttl::TurtleParser;

use super::{Item, Rejection};
use crate::model::{Body, Concept, LANGS, Record};

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

#[derive(Default)]
struct Raw {
    is_concept: bool,
    pref: BTreeMap<String, String>,
    alt: BTreeMap<String, Vec<String>>,
    broader: BTreeSet<String>,
    related: BTreeSet<String>,
    scope_note: Option<(String, String)>,
}

/// Reads a Turtle file into concept items, and what could not be read.
pub fn parse(file: &str, text: &str) -> (Vec<Item>, Vec<Rejection>) {
    let mut rejected = Vec::new();
    let reject = |rejected: &mut Vec<Rejection>, line: Option<usize>, reason: String| {
        rejected.push(Rejection {
            file: file.to_owned(),
            line,
            reason,
        });
    };
    let mut raw: BTreeMap<String, Raw> = BTreeMap::new();
    for triple in TurtleParser::new().for_slice(text) {
        let triple = match triple {
            Ok(t) => t,
            Err(e) => {
                let line = usize::try_from(e.location().start.line).ok().map(|l| l + 1);
                reject(
                    &mut rejected,
                    line,
                    format!("Turtle syntax error: {}", e.message()),
                );
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
            if iri(&triple.object).as_deref() == Some(&format!("{SKOS}Concept")) {
                raw.entry(subject).or_default().is_concept = true;
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
    raw.retain(|_, r| r.is_concept || !r.pref.is_empty());
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

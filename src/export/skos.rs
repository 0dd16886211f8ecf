//! The thesaurus as SKOS in Turtle, written with `oxttl`: each concept with its
//! IRI (the one it was imported with, or `urn:savoirs:concept:ID`), preferred and
//! alternative labels, broader and narrower concepts, related concepts and scope
//! note.

use std::io::Write;

use oxrdf::{Literal, NamedNode, Triple};
use oxttl::TurtleSerializer;

use crate::model::{Body, Record};

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// A concept's IRI.
pub fn iri(record: &Record) -> String {
    match &record.body {
        Body::Concept(c) if !c.uri.is_empty() => c.uri.clone(),
        _ => format!("urn:savoirs:concept:{}", record.meta.id),
    }
}

fn skos(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SKOS}{local}"))
}

/// The triples of every concept among `records`.
pub fn triples(records: &[Record]) -> Vec<Triple> {
    let concepts: Vec<&Record> = records
        .iter()
        .filter(|r| matches!(r.body, Body::Concept(_)))
        .collect();
    let iri_of = |id: &str| concepts.iter().find(|r| r.meta.id == id).map(|r| iri(r));
    let mut out = Vec::new();
    for record in &concepts {
        let Body::Concept(c) = &record.body else {
            continue;
        };
        let subject = NamedNode::new_unchecked(iri(record));
        let mut add = |predicate: NamedNode, object: oxrdf::Term| {
            out.push(Triple::new(subject.clone(), predicate, object));
        };
        add(NamedNode::new_unchecked(RDF_TYPE), skos("Concept").into());
        let literal = |value: &str, lang: &str| {
            Literal::new_language_tagged_literal(value, lang)
                .unwrap_or_else(|_| Literal::new_simple_literal(value))
        };
        add(
            skos("prefLabel"),
            literal(&c.label, &record.meta.lang).into(),
        );
        for (lang, label) in &c.labels {
            add(skos("prefLabel"), literal(label, lang).into());
        }
        for (lang, alts) in &c.alt_labels {
            for alt in alts {
                add(skos("altLabel"), literal(alt, lang).into());
            }
        }
        if !c.scope_note.is_empty() {
            add(
                skos("scopeNote"),
                literal(&c.scope_note, &record.meta.lang).into(),
            );
        }
        for b in &c.broader {
            if let Some(target) = iri_of(b) {
                add(skos("broader"), NamedNode::new_unchecked(target).into());
            }
        }
        for r in &c.related {
            if let Some(target) = iri_of(r) {
                add(skos("related"), NamedNode::new_unchecked(target).into());
            }
        }
        for other in &concepts {
            if let Body::Concept(oc) = &other.body
                && oc.broader.contains(&record.meta.id)
            {
                add(
                    skos("narrower"),
                    NamedNode::new_unchecked(iri(other)).into(),
                );
            }
        }
    }
    out
}

/// Writes the thesaurus as Turtle; returns the number of concepts.
pub fn write(records: &[Record], out: &mut dyn Write) -> std::io::Result<usize> {
    let mut serializer = TurtleSerializer::new()
        .with_prefix("skos", SKOS)
        .map_err(std::io::Error::other)?
        .for_writer(out);
    for triple in triples(records) {
        serializer.serialize_triple(&triple)?;
    }
    serializer.finish()?;
    Ok(records
        .iter()
        .filter(|r| matches!(r.body, Body::Concept(_)))
        .count())
}

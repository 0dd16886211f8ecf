//! The thesaurus as a SKOS concept scheme, in Turtle (`oxttl`) or RDF/XML: the
//! scheme with its top concepts, and each concept with its IRI, preferred and
//! alternative labels, broader and narrower concepts, related concepts and
//! scope note.
//!
//! A concept keeps the IRI it was imported with, so that a thesaurus that goes
//! out and comes back keeps its identifiers. Others are given one under the
//! site's address, `https://site/concept/ID`, which resolves to the concept's
//! page (and answers Turtle or RDF/XML to programs that ask); without a site
//! address (the command line without `--public-url`), `urn:savoirs:concept:ID`.

use std::collections::HashMap;
use std::io::Write;

use oxrdf::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use oxttl::TurtleSerializer;
use quick_xml::events::BytesText;

use crate::model::{Body, Record};

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// RDF syntaxes the thesaurus is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Turtle,
    RdfXml,
}

impl Syntax {
    pub fn media_type(self) -> &'static str {
        match self {
            Syntax::Turtle => "text/turtle; charset=utf-8",
            Syntax::RdfXml => "application/rdf+xml; charset=utf-8",
        }
    }
}

/// A concept's IRI; `site` is the site's address, when there is one.
pub fn iri(record: &Record, site: Option<&str>) -> String {
    match (&record.body, site) {
        (Body::Concept(c), _) if !c.uri.is_empty() => c.uri.clone(),
        (_, Some(site)) => format!("{site}/concept/{}", record.meta.id),
        (_, None) => format!("urn:savoirs:concept:{}", record.meta.id),
    }
}

/// The concept scheme's IRI: the thesaurus page.
pub fn scheme_iri(site: Option<&str>) -> String {
    match site {
        Some(site) => format!("{site}/thesaurus"),
        None => "urn:savoirs:thesaurus".to_owned(),
    }
}

fn skos(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SKOS}{local}"))
}

fn literal(value: &str, lang: &str) -> Literal {
    Literal::new_language_tagged_literal(value, lang)
        .unwrap_or_else(|_| Literal::new_simple_literal(value))
}

/// The triples of the scheme and of every concept among `records`; links to
/// concepts that are not among them are left out.
pub fn triples(records: &[Record], site: Option<&str>) -> Vec<Triple> {
    let concepts: Vec<&Record> = records
        .iter()
        .filter(|r| matches!(r.body, Body::Concept(_)))
        .collect();
    // Looked up once each, not once a link: a thesaurus of thousands of
    // concepts is published to whoever asks.
    let iris: HashMap<&str, String> = concepts
        .iter()
        .map(|r| (r.meta.id.as_str(), iri(r, site)))
        .collect();
    let iri_of = |id: &str| iris.get(id).cloned();
    let mut narrower: HashMap<&str, Vec<&str>> = HashMap::new();
    for other in &concepts {
        if let Body::Concept(oc) = &other.body {
            let mut seen = Vec::new();
            for b in &oc.broader {
                if !seen.contains(&b) {
                    seen.push(b);
                    narrower
                        .entry(b.as_str())
                        .or_default()
                        .push(other.meta.id.as_str());
                }
            }
        }
    }
    let scheme = NamedNode::new_unchecked(scheme_iri(site));
    let mut out = vec![
        Triple::new(
            scheme.clone(),
            NamedNode::new_unchecked(RDF_TYPE),
            skos("ConceptScheme"),
        ),
        Triple::new(
            scheme.clone(),
            skos("prefLabel"),
            literal("Thésaurus de Savoirs", "fr"),
        ),
    ];
    for record in &concepts {
        let Body::Concept(c) = &record.body else {
            continue;
        };
        let subject = NamedNode::new_unchecked(iri(record, site));
        let mut add = |predicate: NamedNode, object: oxrdf::Term| {
            out.push(Triple::new(subject.clone(), predicate, object));
        };
        add(NamedNode::new_unchecked(RDF_TYPE), skos("Concept").into());
        add(skos("inScheme"), scheme.clone().into());
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
        let broader: Vec<String> = c.broader.iter().filter_map(|b| iri_of(b)).collect();
        if broader.is_empty() {
            add(skos("topConceptOf"), scheme.clone().into());
        }
        for target in broader {
            add(skos("broader"), NamedNode::new_unchecked(target).into());
        }
        for r in &c.related {
            if let Some(target) = iri_of(r) {
                add(skos("related"), NamedNode::new_unchecked(target).into());
            }
        }
        for other in narrower.get(record.meta.id.as_str()).into_iter().flatten() {
            if let Some(target) = iri_of(other) {
                add(skos("narrower"), NamedNode::new_unchecked(target).into());
            }
        }
    }
    // The scheme's top concepts, said from the scheme's side too.
    let tops: Vec<Triple> = out
        .iter()
        .filter(|t| t.predicate == skos("topConceptOf"))
        .map(|t| {
            Triple::new(
                scheme.clone(),
                skos("hasTopConcept"),
                oxrdf::Term::from(t.subject.clone()),
            )
        })
        .collect();
    out.splice(2..2, tops);
    out
}

/// Writes triples in `syntax`.
pub fn write_triples(
    triples: &[Triple],
    syntax: Syntax,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match syntax {
        Syntax::Turtle => {
            let mut serializer = TurtleSerializer::new()
                .with_prefix("skos", SKOS)
                .map_err(std::io::Error::other)?
                .for_writer(out);
            for triple in triples {
                serializer.serialize_triple(triple)?;
            }
            serializer.finish()?;
        }
        Syntax::RdfXml => out.write_all(&rdf_xml(triples)?)?,
    }
    Ok(())
}

/// The triples in RDF/XML: one `rdf:Description` per subject, in the order
/// subjects first appear. Every predicate is SKOS's or `rdf:type` (the only
/// ones [`triples`] writes), so each has a qualified name.
fn rdf_xml(triples: &[Triple]) -> std::io::Result<Vec<u8>> {
    // Each subject's triples, grouped in one pass.
    let mut subjects: Vec<&NamedOrBlankNode> = Vec::new();
    let mut of: HashMap<&NamedOrBlankNode, Vec<&Triple>> = HashMap::new();
    for t in triples {
        let own = of.entry(&t.subject).or_default();
        if own.is_empty() {
            subjects.push(&t.subject);
        }
        own.push(t);
    }
    let mut w = crate::export::xml::document()?;
    w.create_element("rdf:RDF")
        .with_attribute(("xmlns:rdf", RDF))
        .with_attribute(("xmlns:skos", SKOS))
        .write_inner_content(|w| {
            for subject in subjects {
                let NamedOrBlankNode::NamedNode(about) = subject else {
                    continue;
                };
                // A typed node: `skos:Concept rdf:about=…` rather than a
                // description with its type inside.
                let is_type = |t: &Triple| {
                    t.predicate.as_str() == RDF_TYPE
                        && matches!(&t.object, Term::NamedNode(n) if n.as_str().starts_with(SKOS))
                };
                let own = of.get(subject).map(Vec::as_slice).unwrap_or_default();
                let typed = own.iter().copied().find(|t| is_type(t));
                let node = match typed.map(|t| &t.object) {
                    Some(Term::NamedNode(n)) => {
                        format!("skos:{}", n.as_str().trim_start_matches(SKOS))
                    }
                    _ => "rdf:Description".to_owned(),
                };
                w.create_element(node.as_str())
                    .with_attribute(("rdf:about", about.as_str()))
                    .write_inner_content(|w| {
                        for t in own.iter().copied().filter(|t| Some(*t) != typed) {
                            let name = match t.predicate.as_str().strip_prefix(SKOS) {
                                Some(local) => format!("skos:{local}"),
                                None => match t.predicate.as_str().strip_prefix(RDF) {
                                    Some(local) => format!("rdf:{local}"),
                                    None => continue,
                                },
                            };
                            let element = w.create_element(name.as_str());
                            match &t.object {
                                Term::NamedNode(n) => {
                                    element
                                        .with_attribute(("rdf:resource", n.as_str()))
                                        .write_empty()?;
                                }
                                Term::Literal(l) => {
                                    let element = match l.language() {
                                        Some(lang) => element.with_attribute(("xml:lang", lang)),
                                        None => element,
                                    };
                                    element.write_text_content(BytesText::new(
                                        &crate::export::xml::clean(l.value()),
                                    ))?;
                                }
                                _ => {}
                            }
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

/// Writes the thesaurus as Turtle; returns the number of concepts.
pub fn write(
    records: &[Record],
    site: Option<&str>,
    out: &mut dyn Write,
) -> std::io::Result<usize> {
    write_triples(&triples(records, site), Syntax::Turtle, out)?;
    Ok(records
        .iter()
        .filter(|r| matches!(r.body, Body::Concept(_)))
        .count())
}

//! The thesaurus as SKOS on the web: the concept scheme in Turtle and RDF/XML,
//! concept IRIs that answer RDF to programs, a round trip that keeps the graph,
//! and an import from the thesaurus page that changes nothing until confirmed.

use std::collections::HashSet;

use oxrdf::Triple;
use oxttl::TurtleParser;

use crate::support::*;

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";

fn graph(turtle: &[u8]) -> HashSet<Triple> {
    TurtleParser::new()
        .for_slice(turtle)
        .map(|t| t.expect("valid Turtle"))
        .collect()
}

/// Subjects typed `skos:Concept`.
fn concepts(graph: &HashSet<Triple>) -> Vec<String> {
    graph
        .iter()
        .filter(|t| {
            t.predicate.as_str().ends_with("#type")
                && t.object.to_string() == format!("<{SKOS}Concept>")
        })
        .map(|t| t.subject.to_string().trim_matches(['<', '>']).to_owned())
        .collect()
}

fn export_skos(data: &std::path::Path) -> Vec<u8> {
    let output = savoirs(data, &["export", "--format", "skos"]);
    assert_success(&output);
    output.stdout
}

#[test]
fn the_scheme_goes_out_and_comes_back_the_same() {
    // The demo's thesaurus, exported, imported into an empty base, exported
    // again: the same graph, scheme and top concepts included.
    let first = tempfile::tempdir().expect("tempdir");
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/demo.jsonl");
    assert_success(&savoirs(
        first.path(),
        &["import", demo.to_str().expect("path")],
    ));
    let exported = export_skos(first.path());
    let before = graph(&exported);
    assert!(concepts(&before).len() >= 10, "{}", concepts(&before).len());
    let text = String::from_utf8(exported.clone()).expect("utf-8");
    assert!(text.contains("skos:ConceptScheme"), "{text}");
    assert!(text.contains("skos:hasTopConcept"), "{text}");
    assert!(text.contains("skos:inScheme"), "{text}");

    let second = tempfile::tempdir().expect("tempdir");
    let file = second.path().join("thesaurus.ttl");
    std::fs::write(&file, &exported).expect("write");
    let data = second.path().join("data");
    assert_success(&savoirs(&data, &["import", file.to_str().expect("path")]));
    let after = graph(&export_skos(&data));
    let lost: Vec<_> = before.difference(&after).collect();
    let gained: Vec<_> = after.difference(&before).collect();
    assert!(
        lost.is_empty() && gained.is_empty(),
        "lost {lost:?}\ngained {gained:?}"
    );

    // Imported again, and into the base it came from, it matches the
    // concepts there (by IRI, else by label) instead of doubling them.
    assert_success(&savoirs(&data, &["import", file.to_str().expect("path")]));
    assert_eq!(graph(&export_skos(&data)), after);
    assert_success(&savoirs(
        first.path(),
        &["import", file.to_str().expect("path")],
    ));
    assert_eq!(graph(&export_skos(first.path())), before);
}

#[test]
fn the_site_publishes_the_scheme_and_each_concept_answers_rdf() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(dir.path(), &["--demo"]);
    let r = server.get("/thesaurus.ttl");
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/turtle")
    );
    let scheme = graph(&r.bytes().expect("body"));
    let all = concepts(&scheme);
    assert!(all.len() >= 10);
    let scheme_iri = format!("{}/thesaurus", server.base);
    for concept in &all {
        // Each concept is in the scheme, under the site's address.
        assert!(
            concept.starts_with(&format!("{}/concept/", server.base)),
            "{concept}"
        );
        assert!(
            scheme
                .iter()
                .any(|t| t.subject.to_string() == format!("<{concept}>")
                    && t.predicate.as_str() == format!("{SKOS}inScheme")
                    && t.object.to_string() == format!("<{scheme_iri}>")),
            "{concept}"
        );
    }

    // A concept's IRI is its page for people, and RDF for programs.
    let iri = &all[0];
    let path = iri.strip_prefix(&server.base).expect("local");
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let turtle = client
        .get(iri)
        .header("accept", "text/turtle")
        .send()
        .expect("get");
    assert_eq!(turtle.status(), 200);
    assert!(
        turtle.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/turtle")
    );
    let own = graph(&turtle.bytes().expect("body"));
    assert!(!own.is_empty());
    assert!(
        own.iter()
            .all(|t| t.subject.to_string() == format!("<{iri}>"))
    );
    let xml = client
        .get(iri)
        .header("accept", "application/rdf+xml;q=0.9, text/html;q=0.5")
        .send()
        .expect("get");
    assert_eq!(xml.status(), 200);
    assert!(xml.text().expect("body").contains("<skos:Concept"));
    let html = client
        .get(iri)
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .expect("get");
    assert_eq!(
        html.status(),
        301,
        "people go to the page under its name: {path}"
    );
    let rdf = server.get("/thesaurus.rdf");
    assert_eq!(rdf.status(), 200);
    assert!(rdf.text().expect("body").contains("skos:ConceptScheme"));
}

#[test]
fn an_import_from_the_thesaurus_page_changes_nothing_until_confirmed() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_user(dir.path(), "eve", "editor");
    add_user(dir.path(), "carl", "contributor");
    let server = Server::start_with(dir.path(), &["--demo"]);
    let eve = Browser::login(&server, "eve");
    let before = server.get("/thesaurus.ttl").bytes().expect("body");

    // One concept the base has, with a new synonym; one it has as it is; one new.
    let file = format!(
        "@prefix skos: <{SKOS}> .\n\
         <urn:x:1> a skos:Concept ; skos:prefLabel \"facilitation\"@fr ; \
         skos:altLabel \"animation de réunion\"@fr , \"animation de réunions\"@fr , \"animation de groupe\"@fr .\n\
         <urn:x:2> a skos:Concept ; skos:prefLabel \"jardins partagés\"@fr ; \
         skos:broader <urn:x:1> .\n"
    );
    let r = eve.upload(
        "/thesaurus/import",
        &[],
        ("file", "apport.ttl", file.as_bytes()),
        &[],
    );
    assert_eq!(r.status(), 200);
    let page = scraper::Html::parse_document(&r.text().expect("body"));
    let added: Vec<String> = select(&page, "ul.added li").iter().map(text).collect();
    assert_eq!(added, vec!["jardins partagés"]);
    let changed: Vec<String> = select(&page, "ul.changed li").iter().map(text).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(
        changed[0].starts_with("facilitation — synonymes"),
        "{changed:?}"
    );
    // Nothing changed yet.
    assert_eq!(server.get("/thesaurus.ttl").bytes().expect("body"), before);
    assert_eq!(server.get("/concept/jardins-partages").status(), 404);

    // Only editors import.
    let carl = Browser::login(&server, "carl");
    let refused = carl.upload(
        "/thesaurus/import",
        &[],
        ("file", "apport.ttl", file.as_bytes()),
        &[],
    );
    assert_eq!(refused.status(), 403);
    let anonymous = Browser::anonymous(&server);
    let r = anonymous.upload(
        "/thesaurus/import",
        &[],
        ("file", "apport.ttl", file.as_bytes()),
        &[],
    );
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));

    // Confirmed, from the preview's form.
    let text = select(&page, "form.confirm input[name=text]")[0]
        .value()
        .attr("value")
        .expect("text")
        .to_owned();
    assert_eq!(text, file);
    let r = eve.upload(
        "/thesaurus/import",
        &[("name", "apport.ttl"), ("confirm", "yes")],
        ("text", "apport.ttl", text.as_bytes()),
        &[],
    );
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/thesaurus");
    let after = graph(&server.get("/thesaurus.ttl").bytes().expect("body"));
    assert_eq!(concepts(&after).len(), concepts(&graph(&before)).len() + 1);
    let concept = eve.page("/concept/jardins-partages");
    assert!(text_of_page(&concept).contains("facilitation"));
    let facilitation = eve.page("/concept/facilitation");
    assert!(text_of_page(&facilitation).contains("animation de groupe"));

    // A file that is not text, and Turtle with a mistake: each is said, and
    // nothing can be confirmed.
    let r = eve.upload(
        "/thesaurus/import",
        &[],
        ("file", "x.ttl", &[0xff, 0xfe, 0x00]),
        &[],
    );
    assert_eq!(r.status(), 422);
    assert!(r.text().expect("body").contains("UTF-8"));
    let broken = format!(
        "@prefix skos: <{SKOS}> .\n<urn:x:9> a skos:Concept ;\n  skos:prefLabel \"sans fin ;\n"
    );
    let r = eve.upload(
        "/thesaurus/import",
        &[],
        ("file", "casse.ttl", broken.as_bytes()),
        &[],
    );
    assert_eq!(r.status(), 200);
    let page = scraper::Html::parse_document(&r.text().expect("body"));
    let rejected: Vec<String> = select(&page, "ul.rejected li")
        .iter()
        .map(crate::support::text)
        .collect();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(
        rejected[0].starts_with("casse.ttl:3: Turtle syntax error"),
        "{rejected:?}"
    );
    assert!(select(&page, "form.confirm").is_empty());

    // A second time, the file changes nothing.
    let r = eve.upload(
        "/thesaurus/import",
        &[],
        ("file", "apport.ttl", file.as_bytes()),
        &[],
    );
    let page = scraper::Html::parse_document(&r.text().expect("body"));
    assert!(select(&page, "ul.added li").is_empty());
    assert!(select(&page, "ul.changed li").is_empty());
    assert!(select(&page, "form.confirm").is_empty());
}

fn text_of_page(page: &scraper::Html) -> String {
    select(page, "main").iter().map(text).collect()
}

//! Linking knowledge: partners and resources from both sides, merges, typed
//! relations, the thesaurus in search, SKOS in and out.

use serde_json::json;

use crate::support::*;

fn with_team() -> (tempfile::TempDir, Server) {
    let dir = with_example();
    add_team(dir.path());
    let server = Server::start(dir.path());
    (dir, server)
}

#[test]
fn a_new_resource_linked_from_the_partner_page_shows_on_both_pages() {
    let (_dir, server) = with_team();
    let eve = Browser::login(&server, "eve");
    let page = eve.page("/partner/ritimo");
    let create = select(&page, "section.partner-tools a")[0]
        .value()
        .attr("href")
        .expect("link")
        .to_owned();
    let form = eve.page(&create);
    assert_eq!(
        select(&form, "input[name=partner_name]")[0]
            .value()
            .attr("value"),
        Some("RITIMO"),
        "the form starts linked to the partner"
    );
    let r = eve.post(
        &create,
        &[
            ("title", "Annuaire des centres de documentation"),
            ("resource_type", "website"),
            ("web_address", "https://annuaire.example.org"),
            ("partner_name", "RITIMO"),
            ("partner_role", "host"),
            ("lang", "fr"),
            ("intent", "publish"),
        ],
    );
    assert_eq!(r.status(), 303);
    let resource_url = location(&r);
    let resource = eve.page(&resource_url);
    let partners: Vec<String> = select(&resource, "section.partners h3 a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(partners, vec!["RITIMO"]);
    let partner = Browser::anonymous(&server).page("/partner/ritimo");
    let linked = text(&select(&partner, "section.backlinks")[0]);
    assert!(
        linked.contains("Annuaire des centres de documentation"),
        "{linked}"
    );
    assert!(linked.contains("Comme hébergeur (1)"), "{linked}");

    // An existing resource, linked from the partner page.
    let r = eve.post(
        "/new/resource",
        &[
            ("title", "Guide du forum"),
            ("lang", "fr"),
            ("intent", "publish"),
        ],
    );
    let guide = location(&r);
    let r = eve.post(
        "/partner/ritimo/link",
        &[("resource", "Guide du forum"), ("role", "publisher")],
    );
    assert_eq!(r.status(), 303);
    let page = eve.page(&guide);
    assert_eq!(text(&select(&page, "section.partners h3 a")[0]), "RITIMO");
    // The page the link leads to offers to undo it; undone, it is gone.
    let back = location(&r);
    assert!(back.starts_with("/partner/ritimo?linked="), "{back}");
    let session = eve.cookie().expect("session").to_owned();
    let said = Browser::with_cookie(&server, &format!("{session}; savoirs_flash=flash.linked"));
    let page = said.page(&back);
    let undo = select(&page, "form.undo");
    assert_eq!(undo.len(), 1);
    assert_eq!(
        undo[0].value().attr("action"),
        Some("/partner/ritimo/unlink")
    );
    let resource = select(&page, "form.undo input[name=resource]")[0]
        .value()
        .attr("value")
        .expect("resource")
        .to_owned();
    assert!(
        select(&eve.page(&back), "form.undo").is_empty(),
        "only right after"
    );
    let r = eve.post("/partner/ritimo/unlink", &[("resource", &resource)]);
    assert_eq!(r.status(), 303);
    assert!(select(&eve.page(&guide), "section.partners h3 a").is_empty());
    let r = eve.post(
        "/partner/ritimo/link",
        &[("resource", "Guide du forum"), ("role", "publisher")],
    );
    assert_eq!(r.status(), 303);
    let r = eve.post(
        "/partner/ritimo/link",
        &[("resource", "Inexistant"), ("role", "user")],
    );
    assert_eq!(r.status(), 422);

    // Part of a title is no dead end: the resources it may mean are offered,
    // with the text kept and a way to create the resource.
    let r = eve.post(
        "/partner/ritimo/link",
        &[("resource", "annuaire centres"), ("role", "user")],
    );
    assert_eq!(r.status(), 422);
    let page = scraper::Html::parse_document(&r.text().expect("body"));
    let offered: Vec<String> = select(&page, "ul.choices button")
        .iter()
        .map(text)
        .collect();
    assert!(
        offered.contains(&"Annuaire des centres de documentation".to_owned()),
        "{offered:?}"
    );
    assert_eq!(
        select(&page, "input#choice-typed")[0].value().attr("value"),
        Some("annuaire centres")
    );
    assert!(!select(&page, "a[href^='/new/resource']").is_empty());
    // Choosing one links it.
    let choice = select(&page, "ul.choices form")
        .into_iter()
        .find(|f| text(f).contains("Annuaire des centres"))
        .expect("the choice");
    let value = select(
        &scraper::Html::parse_fragment(&choice.html()),
        "input[name=resource]",
    )[0]
    .value()
    .attr("value")
    .expect("value")
    .to_owned();
    let r = eve.post(
        "/partner/ritimo/link",
        &[("resource", &value), ("role", "user")],
    );
    assert_eq!(r.status(), 303);
}

#[test]
fn merging_partners_moves_every_link_and_redirects_the_old_address() {
    let dir = with_example();
    add_team(dir.path());
    import_lines(
        dir.path(),
        &[
            json!({"kind": "partner", "name": "Réseau Ritimo", "aliases": ["Ritimo asso"], "description": "Doublon."}),
            json!({"kind": "method", "title": "Documenter une action", "partners": [{"name": "Réseau Ritimo", "role": "author"}]}),
            json!({"kind": "resource", "title": "Fiches pratiques", "partners": [{"name": "Réseau Ritimo", "role": "publisher"}, {"name": "RITIMO", "role": "host"}]}),
        ],
    );
    let server = Server::start(dir.path());
    let eve = Browser::login(&server, "eve");
    let duplicate = eve.page("/partner/reseau-ritimo");
    assert_eq!(select(&duplicate, "section.backlinks li").len(), 2);
    let carl = Browser::login(&server, "carl");
    assert_eq!(
        carl.post("/partner/reseau-ritimo/merge", &[("into", "RITIMO")])
            .status(),
        403
    );
    // The editor is asked first, and told what will happen.
    let r = eve.post("/partner/reseau-ritimo/merge", &[("into", "RITIMO")]);
    assert_eq!(r.status(), 200);
    let asked = scraper::Html::parse_document(&r.text().expect("body"));
    assert!(text(&select(&asked, "h1")[0]).starts_with("Fusionner « "));
    assert_eq!(select(&asked, "ul.consequences li").len(), 3);
    assert_eq!(
        select(&asked, "form.confirm input[name=confirm]")[0]
            .value()
            .attr("value"),
        Some("yes")
    );
    assert_eq!(
        select(&asked, "a.cancel")[0].value().attr("href"),
        Some("/partner/reseau-ritimo")
    );
    assert_eq!(
        eve.get("/partner/reseau-ritimo").status(),
        200,
        "not merged yet"
    );
    // The old names are offered to keep, all checked.
    let offered: Vec<(String, bool)> = select(&asked, "fieldset.options input[name=keep]")
        .iter()
        .map(|i| {
            let v = i.value();
            (
                v.attr("value").unwrap_or_default().to_owned(),
                v.attr("checked").is_some(),
            )
        })
        .collect();
    assert_eq!(
        offered,
        [
            ("Réseau Ritimo".to_owned(), true),
            ("Ritimo asso".to_owned(), true)
        ]
    );
    let r = eve.post(
        "/partner/reseau-ritimo/merge",
        &[
            ("into", "RITIMO"),
            ("confirm", "yes"),
            ("keep", "Réseau Ritimo"),
            ("keep", "Ritimo asso"),
        ],
    );
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/partner/ritimo");

    let old = server.get("/partner/reseau-ritimo");
    assert_eq!(old.status(), 301);
    assert_eq!(location(&old), "/partner/ritimo");
    let survivor = server.page("/partner/ritimo");
    let docs: Vec<String> = select(&survivor, "section.backlinks li a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(docs.len(), 3, "{docs:?}");
    assert!(
        text(&select(&survivor, "dl.facts")[0]).contains("Réseau Ritimo"),
        "old names become aliases"
    );
    let r = server.json("/api/v1/search?q=&partner=RITIMO&kind=resource");
    assert_eq!(
        r["hits"][0]["partners"],
        json!(["RITIMO"]),
        "one link, not two: {r}"
    );
    // Search by the old name still finds the organisation.
    let r = server.json("/api/v1/search?q=Ritimo+asso");
    assert_eq!(r["hits"][0]["url"], "/partner/ritimo");
    drop(server);
    assert_success(&savoirs(dir.path(), &["check"]));
}

#[test]
fn typed_relations_show_on_both_ends() {
    let dir = with_example();
    import_lines(
        dir.path(),
        &[
            json!({"kind": "method", "title": "Méthode du forum ouvert"}),
            json!({"kind": "action", "title": "Forum des habitants", "related": [
                {"title": "Méthode du forum ouvert", "type": "uses"},
                {"title": "Accompagner des partenaires, sur le long terme, en leur transférant des outils et méthodes d'action et d'intelligence collectives", "type": "follows"}
            ]}),
        ],
    );
    let server = Server::start(dir.path());
    let headings = |url: &str| -> Vec<String> {
        select(&server.page(url), "section.related h2")
            .iter()
            .map(text)
            .collect()
    };
    assert_eq!(
        headings("/action/forum-des-habitants"),
        vec!["Utilise la méthode", "Fait suite à"]
    );
    assert_eq!(
        headings("/method/methode-du-forum-ouvert"),
        vec!["Méthode utilisée par"]
    );
    let r = server.json("/api/v1/search?q=&kind=action&per_page=5");
    let sheet = r["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .find(|h| {
            h["title"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Accompagner")
        })
        .expect("sheet")["url"]
        .as_str()
        .expect("url")
        .to_owned();
    assert_eq!(headings(&sheet), vec!["Suivi de"]);
}

const TURTLE: &str = r#"
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://thesaurus.example.org/> .

ex:economie a skos:Concept ;
    skos:prefLabel "économie"@fr , "economy"@en ;
    skos:narrower ex:ess .
ex:ess a skos:Concept ;
    skos:prefLabel "économie sociale et solidaire"@fr , "social and solidarity economy"@en ;
    skos:altLabel "ESS"@fr , "SSE"@en ;
    skos:broader ex:economie ;
    skos:narrower ex:commerce ;
    skos:scopeNote "Entreprises et associations à finalité sociale."@fr .
ex:commerce a skos:Concept ;
    skos:prefLabel "commerce équitable"@fr , "fair trade"@en ;
    skos:broader ex:ess ;
    skos:related ex:circuits .
ex:circuits a skos:Concept ;
    skos:prefLabel "circuits courts"@fr ;
    skos:altLabel "vente directe"@fr ;
    skos:related ex:commerce .
"#;

fn graph(turtle: &str) -> oxrdf::Graph {
    oxttl::TurtleParser::new()
        .for_slice(turtle)
        .map(|t| t.expect("valid Turtle"))
        .collect()
}

#[test]
fn a_skos_thesaurus_imports_searches_and_exports_as_the_same_graph() {
    let dir = with_example();
    add_team(dir.path());
    let ttl = dir.path().with_extension("ttl");
    std::fs::write(&ttl, TURTLE).expect("write");
    assert_success(&savoirs(
        dir.path(),
        &["import", ttl.to_str().expect("path")],
    ));
    import_lines(
        dir.path(),
        &[
            json!({"kind": "action", "title": "Coopératives d'habitants", "keywords": ["économie sociale et solidaire"],
                   "summary": "Des coopératives gérées par leurs membres."}),
            json!({"kind": "method", "title": "Monter une boutique de quartier", "keywords": ["commerce équitable"]}),
        ],
    );
    let exported = savoirs(dir.path(), &["export", "--format", "skos"]);
    assert_success(&exported);
    let exported = String::from_utf8(exported.stdout).expect("utf8");
    // The same graph, in a concept scheme whose top concepts are those
    // without a broader one.
    let scheme = "urn:savoirs:thesaurus";
    let in_scheme = |t: &oxrdf::TripleRef<'_>| {
        t.subject.to_string() == format!("<{scheme}>")
            || ["inScheme", "topConceptOf"]
                .iter()
                .any(|p| t.predicate.as_str().ends_with(&format!("#{p}")))
    };
    let all = graph(&exported);
    let concepts: oxrdf::Graph = all.iter().filter(|t| !in_scheme(t)).collect();
    assert_eq!(concepts, graph(TURTLE), "the same graph:\n{exported}");
    let mut tops: Vec<String> = all
        .iter()
        .filter(|t| t.predicate.as_str().ends_with("#hasTopConcept"))
        .map(|t| t.object.to_string())
        .collect();
    tops.sort();
    assert_eq!(
        tops,
        vec![
            "<http://thesaurus.example.org/circuits>",
            "<http://thesaurus.example.org/economie>"
        ],
        "{exported}"
    );

    let server = Server::start(dir.path());
    // An alternative label finds the records tagged with the concept.
    let r = server.json("/api/v1/search?q=ESS");
    let titles = hit_titles(&r);
    assert!(
        titles.contains(&"Coopératives d'habitants".to_owned()),
        "{titles:?}"
    );
    // An English label finds a French record.
    let r = server.json("/api/v1/search?q=fair+trade&kind=method");
    assert_eq!(hit_titles(&r), vec!["Monter une boutique de quartier"]);
    // The broad concept counts and finds the records of its narrower concepts.
    let r = server.json("/api/v1/search?q=&kind=action&kind=method");
    let count = |label: &str| {
        r["facets"]["keyword"]
            .as_array()
            .expect("facet")
            .iter()
            .find(|f| f["value"] == label)
            .and_then(|f| f["count"].as_u64())
    };
    assert_eq!(count("économie"), Some(2), "{r}");
    assert_eq!(count("économie sociale et solidaire"), Some(2));
    assert_eq!(count("commerce équitable"), Some(1));
    let r = server.json("/api/v1/search?q=&keyword=%C3%A9conomie");
    assert_eq!(r["total"], 2);

    // The tree, and the concept page with its records.
    let tree = server.page("/thesaurus");
    assert_eq!(
        select(&tree, "ul.tree ul.tree ul.tree li a").len(),
        1,
        "three levels"
    );
    let page = server.page("/concept/economie");
    let tagged = text(&select(&page, "section.tagged")[0]);
    assert!(tagged.contains("Documents indexés (2)"), "{tagged}");
}

#[test]
fn a_concept_in_use_is_not_deleted_until_its_records_move() {
    let dir = with_example();
    add_team(dir.path());
    let ttl = dir.path().with_extension("ttl");
    std::fs::write(&ttl, TURTLE).expect("write");
    assert_success(&savoirs(
        dir.path(),
        &["import", ttl.to_str().expect("path")],
    ));
    import_lines(
        dir.path(),
        &[json!({"kind": "action", "title": "AMAP du quartier", "keywords": ["vente directe"]})],
    );
    let server = Server::start(dir.path());
    let eve = Browser::login(&server, "eve");
    let r = eve.post("/concept/circuits-courts/delete", &[]);
    assert_eq!(r.status(), 409);
    let html = scraper::Html::parse_document(&r.text().expect("body"));
    let listed: Vec<String> = select(&html, "main ul li a").iter().map(text).collect();
    assert_eq!(listed, vec!["AMAP du quartier"]);
    assert_eq!(
        eve.get("/concept/circuits-courts").status(),
        200,
        "not deleted"
    );

    let r = eve.post(
        "/concept/circuits-courts/delete",
        &[("move_to", "commerce équitable")],
    );
    assert_eq!(r.status(), 200, "asked first");
    let asked = scraper::Html::parse_document(&r.text().expect("body"));
    assert!(text(&select(&asked, "ul.consequences")[0]).contains("commerce équitable"));
    assert_eq!(
        eve.get("/concept/circuits-courts").status(),
        200,
        "not deleted yet"
    );
    let r = eve.post(
        "/concept/circuits-courts/delete",
        &[("move_to", "commerce équitable"), ("confirm", "yes")],
    );
    assert_eq!(r.status(), 303);
    assert_eq!(eve.get("/concept/circuits-courts").status(), 404);
    let r = server.json("/api/v1/search?q=AMAP");
    assert_eq!(
        r["hits"][0]["keywords"],
        json!([
            "commerce équitable",
            "économie sociale et solidaire",
            "économie"
        ])
    );
    let commerce = server.page("/concept/commerce-equitable");
    assert!(
        select(&commerce, "section.concept h3")
            .iter()
            .all(|h| text(h) != "Termes associés")
    );
}

#[test]
fn a_contributor_proposes_a_link_to_a_published_resource_and_an_editor_accepts_it() {
    let dir = with_example();
    add_team(dir.path());
    import_lines(
        dir.path(),
        &[
            json!({"kind": "partner", "name": "Maison des associations", "acronym": "MDA", "status": "published"}),
            json!({"kind": "resource", "title": "Guide des salles communales", "lang": "fr", "status": "published"}),
            json!({"kind": "resource", "title": "Carnet de contacts", "lang": "fr", "status": "published"}),
        ],
    );
    let server = Server::start(dir.path());
    let carl = Browser::login(&server, "carl");
    let eve = Browser::login(&server, "eve");
    let partner = "/partner/mda";
    let r = carl.post(
        &format!("{partner}/link"),
        &[
            ("resource", "Guide des salles communales"),
            ("role", "user"),
        ],
    );
    assert_eq!(r.status(), 303, "no 403: a proposal");
    assert!(
        r.headers()["set-cookie"]
            .to_str()
            .unwrap_or_default()
            .contains("flash.link_proposed")
    );
    let r = carl.post(
        &format!("{partner}/link"),
        &[("resource", "Carnet de contacts"), ("role", "member")],
    );
    assert_eq!(r.status(), 303);
    // Nothing is linked yet.
    let page = server.page(partner);
    assert!(!text(&select(&page, "main")[0]).contains("Guide des salles communales"));

    // The editor sees both in the queue, and its count.
    let home = eve.page("/");
    assert_eq!(
        text(&select(&home, "header a[href='/review'] .badge")[0]),
        "2"
    );
    let review = eve.page("/review");
    let items = select(&review, "ul.proposals li");
    assert_eq!(items.len(), 2);
    assert!(text(&items[0]).contains("carl"));
    // The (accept, refuse) addresses of the proposal naming `title`.
    let actions = |title: &str| -> (String, String) {
        let item = items
            .iter()
            .find(|li| text(li).contains(title))
            .expect("the proposal");
        let forms: Vec<String> = select(&scraper::Html::parse_fragment(&item.html()), "form")
            .iter()
            .map(|f| f.value().attr("action").unwrap_or_default().to_owned())
            .collect();
        (forms[0].clone(), forms[1].clone())
    };
    let (accept, _) = actions("Guide des salles communales");
    let (_, refuse) = actions("Carnet de contacts");
    assert_eq!(carl.post(&accept, &[]).status(), 403, "editors decide");
    let r = eve.post(&accept, &[]);
    assert_eq!(r.status(), 303);
    assert_eq!(eve.post(&refuse, &[]).status(), 303);
    assert_eq!(eve.post(&accept, &[]).status(), 404, "decided once");
    assert!(select(&eve.page("/review"), "ul.proposals li").is_empty());

    let page = server.page(partner);
    let linked = text(&select(&page, "main")[0]);
    assert!(linked.contains("Guide des salles communales"), "{linked}");
    assert!(!linked.contains("Carnet de contacts"), "refused: {linked}");
}

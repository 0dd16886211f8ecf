//! Reading: the sheet laid out like the original, partner pages, home, 404.

use crate::support::*;

fn sheet_url(server: &Server) -> String {
    let r = server.json("/api/v1/search?q=&kind=action");
    r["hits"][0]["url"].as_str().expect("url").to_owned()
}

#[test]
fn the_sheet_page_shows_all_of_the_sheet() {
    let dir = with_example();
    let server = Server::start(dir.path());
    let html = server.page(&sheet_url(&server));
    let facts: Vec<String> = select(&html, "dl.facts dt, dl.facts dd")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        facts,
        vec![
            "Référent",
            "Philippe Amouroux",
            "Pilote",
            "non renseigné",
            "Montant",
            "520 000 €"
        ]
    );
    let partners: Vec<(String, String)> = select(&html, "section.partners h3 a")
        .iter()
        .map(|a| {
            (
                text(a),
                a.value().attr("href").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        partners,
        vec![
            ("ANCRESOL".into(), "/partner/ancresol".into()),
            ("Ecosol".into(), "/partner/ecosol".into()),
            ("Exemole".into(), "/partner/exemole".into()),
            ("RITIMO".into(), "/partner/ritimo".into()),
        ]
    );
    let headings: Vec<String> = select(&html, "section.text h2").iter().map(text).collect();
    assert_eq!(
        headings,
        vec![
            "Résumé",
            "Synthèse",
            "Inscription de l'action dans la stratégie d'ensemble",
            "Historique",
            "Présentation"
        ]
    );
    assert_eq!(
        select(&html, "section.text ul li").len(),
        8,
        "the bullet lists"
    );

    // Every paragraph of the original is on the page.
    let page = text(&select(&html, "main")[0]).replace('–', "-");
    let source = std::fs::read_to_string(example()).expect("example");
    for line in source
        .lines()
        .map(str::trim)
        .filter(|l| l.chars().count() > 60)
    {
        let line = line.trim_start_matches('•').trim();
        let start: String = line.chars().take(50).collect();
        let start = start.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(page.contains(&start), "missing from the page: {start:?}");
    }
    assert!(page.contains("Archive 2006-2007"));
}

#[test]
fn partner_pages_list_their_documents_and_old_addresses_redirect() {
    let dir = with_example();
    let server = Server::start(dir.path());
    let html = server.page("/partner/ritimo");
    let title = text(&select(&html, "h1")[0]);
    assert!(title.contains("RITIMO"), "{title}");
    assert!(text(&select(&html, "section.text")[0]).contains("70 lieux ouverts en France"));
    let docs: Vec<String> = select(&html, "section.backlinks li a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(docs.len(), 1);
    assert!(docs[0].starts_with("Accompagner des partenaires"));

    // A record's id also reaches it, by a permanent redirect to its readable URL.
    let r = server.json("/api/v1/search?q=&kind=action");
    let id = r["hits"][0]["id"].as_str().expect("id");
    let response = server.get(&format!("/action/{id}"));
    assert_eq!(response.status(), 301);
    assert_eq!(response.headers()["location"], sheet_url(&server).as_str());
}

#[test]
fn the_home_page_searches_first() {
    let dir = with_example();
    let server = Server::start(dir.path());
    let html = server.page("/");
    assert_eq!(select(&html, "form[role=search] input[name=q]").len(), 2);
    let counts: Vec<String> = select(&html, "ul.kinds li").iter().map(text).collect();
    assert!(counts.contains(&"4 Partenaires".to_owned()), "{counts:?}");
    assert!(counts.contains(&"1 Fiches action".to_owned()), "{counts:?}");
    let recent = select(&html, "section.recent li a");
    assert!(text(&recent[0]).starts_with("Accompagner des partenaires"));
    assert_eq!(server.get("/static/style.css").status(), 200);
}

#[test]
fn a_missing_page_helps() {
    let dir = with_example();
    let server = Server::start(dir.path());
    for path in [
        "/action/intelligence-collective-partenaires",
        "/nulle/part/accompagner",
    ] {
        let response = server.get(path);
        assert_eq!(response.status(), 404, "{path}");
        let html = scraper::Html::parse_document(&response.text().expect("body"));
        assert_eq!(select(&html, "main form[role=search]").len(), 1);
        let similar = select(&html, "ul.similar li a");
        assert!(!similar.is_empty(), "{path}: no similar titles");
        assert!(text(&similar[0]).starts_with("Accompagner"));
    }
}

#[test]
fn the_demo_content_loads_into_an_empty_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(dir.path(), &["--demo"]);
    let r = server.json("/api/v1/search?q=cartographie+participative");
    assert!(r["total"].as_u64().unwrap_or(0) >= 2, "{r}");
    let kinds = server.json("/api/v1/search?q=");
    let count = |kind: &str| {
        kinds["facets"]["kind"]
            .as_array()
            .expect("kinds")
            .iter()
            .find(|f| f["value"] == kind)
            .and_then(|f| f["count"].as_u64())
            .unwrap_or(0)
    };
    assert!(count("action") >= 5 && count("method") >= 5 && count("partner") >= 6);
    // Every demo document page renders.
    let all = server.json("/api/v1/search?q=&per_page=100");
    for hit in all["hits"].as_array().expect("hits") {
        server.page(hit["url"].as_str().expect("url"));
    }
}

#[test]
fn a_record_page_puts_its_text_first_and_its_facts_beside_it() {
    let dir = with_example();
    add_user(dir.path(), "eve", "editor");
    let server = Server::start(dir.path());
    let url = sheet_url(&server);
    let eve = Browser::login(&server, "eve");
    let html = eve.page(&url);
    // The text column opens on the summary; the side column holds the facts,
    // the partners (descriptions folded) and the keywords.
    let first = select(&html, "div.record-main section.text h2");
    assert_eq!(text(&first[0]), "Résumé");
    assert_eq!(select(&html, "aside.record-side dl.facts").len(), 1);
    assert!(!select(&html, "aside.record-side section.partners details.about").is_empty());
    assert_eq!(select(&html, "div.record-main section.partners").len(), 0);
    // What the editor may do comes before the text.
    let body = html.html();
    let tools = body.find("class=\"tools\"").expect("tools");
    let text_start = body.find("class=\"record-layout\"").expect("layout");
    assert!(tools < text_start, "the tools come first");
}

/// The `content` of every `<meta name=…>` of that name.
fn meta(page: &scraper::Html, name: &str) -> Vec<String> {
    select(page, &format!("head meta[name='{name}']"))
        .iter()
        .filter_map(|m| m.value().attr("content").map(str::to_owned))
        .collect()
}

#[test]
fn every_kind_of_record_page_describes_itself_for_reference_managers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(dir.path(), &["--demo"]);
    for kind in ["action", "method", "resource", "partner", "concept"] {
        let listed = server.json(&format!("/api/v1/records?kind={kind}&per_page=1"));
        let record = &listed["records"][0];
        let title = ["title", "name", "label"]
            .iter()
            .find_map(|f| record[*f].as_str())
            .expect("a title")
            .to_owned();
        let url = format!("/{kind}/{}", record["slug"].as_str().expect("slug"));
        let page = server.page(&url);
        let absolute = format!("{}{url}", server.base);

        assert_eq!(meta(&page, "DC.title"), vec![title.clone()], "{url}");
        assert_eq!(
            meta(&page, "DC.identifier"),
            vec![absolute.clone()],
            "{url}"
        );
        let lang = record["lang"].as_str().expect("lang");
        assert_eq!(meta(&page, "DC.language"), vec![lang], "{url}");
        assert_eq!(meta(&page, "citation_title"), vec![title.clone()], "{url}");
        let scripts = select(&page, "head script[type='application/ld+json']");
        assert_eq!(scripts.len(), 1, "{url}");
        let ld: serde_json::Value =
            serde_json::from_str(&scripts[0].inner_html()).expect("JSON-LD is JSON");
        assert_eq!(ld["@context"], "https://schema.org", "{url}");
        assert_eq!(ld["name"], title.as_str(), "{url}");
        assert_eq!(ld["url"], absolute.as_str(), "{url}");
        let expected_type = match kind {
            "partner" => "Organization",
            "concept" => "DefinedTerm",
            _ => "CreativeWork",
        };
        assert_eq!(ld["@type"], expected_type, "{url}");
        if expected_type != "CreativeWork" {
            continue;
        }
        // A document's date, and its partners by name, in all three forms.
        let date = meta(&page, "DC.date");
        assert_eq!(date.len(), 1, "{url}");
        assert_eq!(ld["datePublished"], date[0].as_str(), "{url}");
        assert_eq!(
            meta(&page, "citation_publication_date"),
            vec![date[0].replace('-', "/")],
            "{url}"
        );
        let partners: Vec<String> = record["partners"]
            .as_array()
            .expect("partners")
            .iter()
            .map(|p| {
                let id = p["id"].as_str().expect("partner id");
                let partner = server.json(&format!("/api/v1/records/{id}"));
                partner["name"].as_str().expect("name").to_owned()
            })
            .collect();
        assert!(!partners.is_empty(), "{url}");
        let in_dc: Vec<String> = [
            meta(&page, "DC.creator"),
            meta(&page, "DC.contributor"),
            meta(&page, "DC.publisher"),
        ]
        .concat();
        let in_ld: Vec<&str> = ["author", "contributor", "publisher"]
            .iter()
            .filter_map(|f| ld[*f].as_array())
            .flatten()
            .filter_map(|p| p["name"].as_str())
            .collect();
        for partner in &partners {
            assert!(in_dc.contains(partner), "{url}: {partner} in {in_dc:?}");
            assert!(
                in_ld.contains(&partner.as_str()),
                "{url}: {partner} in {in_ld:?}"
            );
        }
    }
}

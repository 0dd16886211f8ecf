//! Finding the example sheet by searching in French, through the API and the page.

use crate::support::*;

#[test]
fn french_queries_find_the_sheet_first() {
    let dir = with_example();
    let server = Server::start(dir.path());
    for q in [
        "intelligence+collective",
        "intelligences+collectives",
        "methodes",
        "l%27appropriation",
        "METHODES+D%27ACTION",
    ] {
        let result = server.json(&format!("/api/v1/search?q={q}"));
        let first = &result["hits"][0];
        assert_eq!(first["kind"], "action", "q={q}: {result}");
        assert!(
            first["title"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Accompagner des partenaires"),
            "q={q}: {result}"
        );
    }
}

#[test]
fn the_api_answers_the_documented_shape() {
    let dir = with_example();
    let server = Server::start(dir.path());
    let r = server.json("/api/v1/search?q=intelligence+collective&per_page=5");
    assert_eq!(r["query"], "intelligence collective");
    assert_eq!(r["page"], 1);
    assert_eq!(r["per_page"], 5);
    assert!(r["total"].as_u64().unwrap_or(0) >= 1);
    assert!(r["suggestion"].is_null());
    let hit = &r["hits"][0];
    for key in [
        "id", "kind", "title", "url", "snippet", "score", "partners", "keywords",
    ] {
        assert!(!hit[key].is_null(), "hit has no {key}: {hit}");
    }
    assert_eq!(
        hit["period"],
        serde_json::json!({"start": 2006, "end": 2007})
    );
    assert!(
        hit["snippet"]
            .as_str()
            .unwrap_or_default()
            .contains("<mark>")
    );
    let partners: Vec<&str> = hit["partners"]
        .as_array()
        .expect("partners")
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert_eq!(partners, vec!["ANCRESOL", "Ecosol", "Exemole", "RITIMO"]);
    for facet in ["kind", "partner", "keyword", "year", "lang"] {
        assert!(r["facets"][facet].is_array(), "facet {facet}: {r}");
    }
    assert!(
        r["facets"]["year"]
            .as_array()
            .expect("years")
            .iter()
            .any(|y| y["value"] == "2006" && y["count"] == 1)
    );

    let filtered = server.json("/api/v1/search?q=&partner=RITIMO&kind=action&year=2007");
    assert_eq!(filtered["total"], 1);
    let none = server.json("/api/v1/search?q=&kind=method");
    assert_eq!(none["total"], 0);
}

#[test]
fn the_results_page_highlights_matches() {
    let dir = with_example();
    let server = Server::start(dir.path());
    let html = server.page("/search?q=intelligence+collective");
    let hits = select(&html, "ol.hits li.hit");
    assert!(!hits.is_empty());
    let first = &hits[0];
    let title = select(&html, "ol.hits li.hit h2 a");
    assert!(text(&title[0]).starts_with("Accompagner des partenaires"));
    assert!(!select(&html, "ol.hits li.hit .snippet mark").is_empty());
    assert!(first.html().contains("<mark>"));
    assert!(text(first).contains("2006–2007"));
    assert!(text(first).contains("RITIMO"));
}

#[test]
fn bad_parameters_get_a_clear_400_and_odd_syntax_never_fails() {
    let dir = with_example();
    let server = Server::start(dir.path());
    let response = server.get("/api/v1/search?q=x&page=0");
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().expect("json");
    assert!(body["error"].as_str().unwrap_or_default().contains("page"));
    assert_eq!(server.get("/search?q=x&per_page=100000").status(), 400);

    for q in ["%22unbalanced", "-", "%00%01", "((((", "AND+OR+NOT", "*"] {
        let r = server.get(&format!("/api/v1/search?q={q}"));
        assert_eq!(r.status(), 200, "q={q}");
    }
    let long = "mot+".repeat(3000);
    assert_eq!(server.get(&format!("/search?q={long}")).status(), 200);
    let r = server.json("/api/v1/search?q=%22intelligence+collective");
    assert!(r["notice"].is_string(), "{r}");
    assert!(r["total"].as_u64().unwrap_or(0) >= 1);
}

#[test]
fn pages_never_reflect_markup() {
    let dir = with_example();
    let server = Server::start(dir.path());
    let response = server.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let body = response.text().expect("body");
    assert!(!body.contains("<script>alert"), "query reflected unescaped");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap_or_default()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
}

/// A search of the demo content through the API, as an anonymous reader.
fn demo_search(server: &Server, q: &str) -> serde_json::Value {
    let query = form_body(&[("q", q), ("per_page", "30")]);
    server.json(&format!("/api/v1/search?{query}"))
}

#[test]
fn queries_of_several_words_on_the_demo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(dir.path(), &["--demo"]);
    let base = server.json("/api/v1/search?per_page=1")["total"]
        .as_u64()
        .expect("total");

    // Words found nowhere: nothing, and the page says so.
    let r = demo_search(&server, "zzzxqw bidule");
    assert_eq!(r["total"], 0, "{r}");
    let page = server.get("/search?q=zzzxqw+bidule").text().expect("page");
    assert!(page.contains("Aucun résultat"), "{page}");

    // The total and facets count the matches, not the whole base.
    let r = demo_search(&server, "animer un forum");
    let total = r["total"].as_u64().expect("total");
    assert!(total > 0 && total < base, "{total} of {base}");
    let by_kind: u64 = r["facets"]["kind"]
        .as_array()
        .expect("kind facet")
        .iter()
        .map(|f| f["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(by_kind, total);

    // No record holds every word: those holding the most, said so on the page.
    let r = demo_search(&server, "la cartographie des zzzxqw");
    assert_eq!(r["partial"], true, "{r}");
    assert_eq!(
        r["matched"],
        serde_json::json!({"words": 1, "of": 2}),
        "{r}"
    );
    assert!(r["total"].as_u64().expect("total") < base);
    let page = server
        .get("/search?q=la+cartographie+des+zzzxqw")
        .text()
        .expect("page");
    assert!(page.contains("en contiennent 1 sur 2"), "{page}");

    // English words read as English: `fair` is not the French `faire`, and the
    // thesaurus bridges to the French records tagged "commerce équitable".
    let r = demo_search(&server, "fair trade");
    assert_eq!(r["partial"], false, "{r}");
    let hits = r["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 3, "{r}");
    for hit in hits {
        let tagged = hit["keywords"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "commerce équitable"));
        assert!(tagged || hit["kind"] == "concept", "{hit}");
    }

    // A phrase through a plural and a stop word.
    let r = demo_search(&server, "\"maisons de quartier\"");
    assert_eq!(
        hit_titles(&r).first().map(String::as_str),
        Some("Facilitation de débats citoyens dans les maisons de quartier"),
        "{r}"
    );

    // A typo beside a good word: the correction, and the participatory mapping
    // records first (named so in their title, or tagged with the concept).
    let r = demo_search(&server, "cartographie participatve");
    assert_eq!(r["suggestion"], "cartographie participative", "{r}");
    let hits = r["hits"].as_array().expect("hits");
    assert!(hits.len() >= 4, "{r}");
    for hit in &hits[..4] {
        let titled = hit["title"]
            .as_str()
            .is_some_and(|t| t.to_lowercase().contains("cartographie participative"));
        let tagged = hit["keywords"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "cartographie participative"));
        assert!(titled || tagged, "{hit}");
    }
}

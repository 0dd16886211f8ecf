//! The query language, corrections, filters and suggestions, over HTTP.

use serde_json::json;

use crate::support::*;

fn corpus() -> (tempfile::TempDir, Server) {
    let dir = with_example();
    import_lines(
        dir.path(),
        &[
            json!({"kind": "method", "title": "Méthodes participatives pour animer un quartier",
                   "summary": "Une démarche participative, pas à pas, avec les habitants.",
                   "keywords": ["intelligence collective"]}),
            json!({"kind": "method", "title": "Animer un forum électronique",
                   "summary": "Modérer un forum et en faire la synthèse : l'intelligence collective en ligne.",
                   "keywords": ["intelligence collective", "forum"]}),
            json!({"kind": "action", "title": "Cartographie des savoirs", "period": {"start": 2010, "end": 2011},
                   "summary": "Une carte des intelligences collectives du territoire."}),
        ],
    );
    let server = Server::start(dir.path());
    (dir, server)
}

#[test]
fn accents_typos_and_exclusions() {
    let (_dir, server) = corpus();
    let r = server.json("/api/v1/search?q=methode+participative");
    assert!(
        hit_titles(&r)[0].starts_with("Méthodes participatives"),
        "{r}"
    );

    let r = server.json("/api/v1/search?q=participatve");
    assert!(
        hit_titles(&r)[0].starts_with("Méthodes participatives"),
        "{r}"
    );
    assert_eq!(r["suggestion"], "participative");
    let html = server.page("/search?q=participatve");
    let offer = text(&select(&html, "p.suggestion")[0]);
    assert!(offer.contains("participative"), "{offer}");

    let r = server.json("/api/v1/search?q=%22intelligence+collective%22+-forum");
    let titles = hit_titles(&r);
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Méthodes participatives")),
        "{titles:?}"
    );
    assert!(!titles.iter().any(|t| t.contains("forum")), "{titles:?}");

    let r = server.json("/api/v1/search?q=cartographie+OR+forum");
    let titles = hit_titles(&r);
    assert!(
        titles.contains(&"Cartographie des savoirs".to_owned()),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Animer un forum électronique".to_owned()),
        "{titles:?}"
    );
    assert!(
        !titles
            .iter()
            .any(|t| t.starts_with("Méthodes participatives")),
        "{titles:?}"
    );
}

#[test]
fn kind_and_year_range_filters_with_matching_facets() {
    let (_dir, server) = corpus();
    for path in [
        "/api/v1/search?q=&kind=action&year=2006..2007",
        "/api/v1/search?q=kind:action+year:2006..2007",
    ] {
        let r = server.json(path);
        let hits = r["hits"].as_array().expect("hits");
        assert_eq!(hits.len(), 1, "{path}: {r}");
        for hit in hits {
            assert_eq!(hit["kind"], "action");
            let (start, end) = (
                hit["period"]["start"].as_i64(),
                hit["period"]["end"].as_i64(),
            );
            assert!(start <= Some(2007) && end >= Some(2006), "{hit}");
        }
        let kinds = r["facets"]["kind"].as_array().expect("kind facet");
        let counted: u64 = kinds.iter().filter_map(|f| f["count"].as_u64()).sum();
        assert_eq!(
            counted,
            r["total"].as_u64().unwrap_or(0),
            "{path}: facet counts match the hits"
        );
        assert!(
            r["facets"]["year"]
                .as_array()
                .expect("years")
                .iter()
                .all(|y| y["count"] == 1)
        );
    }
    let r = server.json("/api/v1/search?q=RITIMO");
    assert_eq!(r["hits"][0]["kind"], "partner", "the partner first: {r}");
    assert_eq!(r["hits"][1]["kind"], "action", "then its documents: {r}");
    let r = server.json("/api/v1/search?q=partner:ritimo");
    assert_eq!(r["total"], 2, "the sheet and the partner itself: {r}");
}

#[test]
fn malformed_queries_always_answer() {
    let (_dir, server) = corpus();
    let long = "a".repeat(5000);
    let queries = [
        "%22forum",
        "forum%22%22%22",
        "-",
        "OR",
        "forum+OR",
        "OR+OR+OR",
        "year:",
        "year:abcd",
        "year:2007..2005",
        "kind:",
        "kind:poem",
        "partner:",
        "-kind:action",
        "%01%02%03forum%7F",
        "((forum))",
        "forum:",
        "*",
        "%E2%80%8B",
        long.as_str(),
    ];
    for q in queries {
        for base in ["/api/v1/search?q=", "/search?q=", "/api/v1/suggest?q="] {
            let response = server.get(&format!("{base}{q}"));
            assert_eq!(response.status(), 200, "{base}{}", &q[..q.len().min(40)]);
        }
    }
    let r = server.json("/api/v1/search?q=OR+forum");
    assert!(
        r["notice"].as_str().unwrap_or_default().contains("OR"),
        "{r}"
    );
}

#[test]
fn suggestions_complete_partners_titles_and_keywords() {
    let (_dir, server) = corpus();
    let r = server.json("/api/v1/suggest?q=rit");
    let first = &r["suggestions"][0];
    assert_eq!(first["kind"], "partner", "{r}");
    assert!(
        first["label"]
            .as_str()
            .unwrap_or_default()
            .contains("RITIMO"),
        "{r}"
    );
    assert_eq!(first["url"], "/partner/ritimo");
    let r = server.json("/api/v1/suggest?q=intelligence+col");
    let labels: Vec<&str> = r["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .filter_map(|s| s["label"].as_str())
        .collect();
    assert!(labels.contains(&"intelligence collective"), "{labels:?}");
    assert!(
        server.json("/api/v1/suggest?q=")["suggestions"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
    let help = server.page("/help/search");
    assert!(select(&help, "table.help tr").len() >= 8);
}

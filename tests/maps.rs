//! The map of actors, the map of places and the dashboard, on the demo
//! content: what they draw is what the search finds and nothing else; Gephi's
//! formats say the same as the page (read with networkx); places typed in the
//! edit form are searched and drawn; the dashboard's figures are the sums of
//! the export, and each bar leads to a search of that many records.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::*;

const EDITOR: &str = "eve";
const CONCEPT: &str = "cartographie participative";

/// A data directory holding the demo content and an editor.
fn demo_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/demo.jsonl");
    assert_success(&savoirs(
        dir.path(),
        &["import", demo.to_str().expect("path")],
    ));
    add_user(dir.path(), EDITOR, "editor");
    dir
}

fn demo_site() -> (tempfile::TempDir, Server) {
    let dir = demo_data();
    let server = Server::start(dir.path());
    (dir, server)
}

/// Every published record of the export, by id.
fn export(server: &Server) -> BTreeMap<String, Value> {
    let text = server.get("/export/records.jsonl").text().expect("export");
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json line"))
        .map(|r| (r["id"].as_str().expect("id").to_owned(), r))
        .collect()
}

/// A record's address, as the site writes it.
fn url_of(record: &Value) -> String {
    format!(
        "/{}/{}",
        record["kind"].as_str().expect("kind"),
        record["slug"].as_str().expect("slug")
    )
}

/// The nodes (address) and edges (pairs of addresses, sorted) of the map page.
fn drawn(page: &scraper::Html) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    let mut by_id = BTreeMap::new();
    for a in select(page, "svg.graph a.node") {
        by_id.insert(
            a.attr("id").expect("node id").to_owned(),
            a.attr("href").expect("node link").to_owned(),
        );
    }
    let edges = select(page, "svg.graph line.edge")
        .iter()
        .map(|l| {
            let end = |name| by_id[l.attr(name).expect("edge end")].clone();
            pair(end("data-source"), end("data-target"))
        })
        .collect();
    (by_id.into_values().collect(), edges)
}

fn pair(a: String, b: String) -> (String, String) {
    if a <= b { (a, b) } else { (b, a) }
}

/// The Python of the virtualenv `.ci/run` makes, with networkx.
fn python() -> Option<PathBuf> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/oai-venv/bin/python");
    let has_networkx = python.exists()
        && Command::new(&python)
            .args(["-c", "import networkx"])
            .status()
            .is_ok_and(|s| s.success());
    if has_networkx {
        return Some(python);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "networkx is missing from target/oai-venv: .ci/run installs it"
    );
    eprintln!("skipped: no networkx (target/oai-venv/bin/pip install networkx)");
    None
}

/// Reads a GEXF or GraphML file with networkx: its nodes' addresses and its
/// edges as pairs of addresses.
fn read_with_networkx(
    python: &Path,
    file: &Path,
    format: &str,
) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    let script = r#"
import json, sys
import networkx as nx
path, kind = sys.argv[1], sys.argv[2]
g = nx.read_gexf(path) if kind == "gexf" else nx.read_graphml(path)
url = {n: d["url"] for n, d in g.nodes(data=True)}
print(json.dumps({"nodes": sorted(url.values()),
                  "edges": [[url[u], url[v]] for u, v in g.edges()]}))
"#;
    let output = Command::new(python)
        .args(["-c", script])
        .arg(file)
        .arg(format)
        .output()
        .expect("run python");
    assert!(
        output.status.success(),
        "networkx could not read the {format}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read: Value = serde_json::from_slice(&output.stdout).expect("json");
    let nodes = read["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n.as_str().expect("url").to_owned())
        .collect();
    let edges = read["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let end = |i: usize| e[i].as_str().expect("end").to_owned();
            pair(end(0), end(1))
        })
        .collect();
    (nodes, edges)
}

#[test]
fn the_map_of_a_concept_draws_its_records_and_their_partners_and_gephi_reads_the_same() {
    let (_dir, server) = demo_site();
    let records = export(&server);
    // What should be drawn, from the export alone: the documents that carry
    // the concept, and the partners they name.
    let on_concept: Vec<&Value> = records
        .values()
        .filter(|r| {
            r["keywords"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == CONCEPT))
        })
        .collect();
    assert!(on_concept.len() >= 2, "the demo tags several records");
    let mut expected: BTreeSet<String> = on_concept.iter().map(|r| url_of(r)).collect();
    let mut expected_edges = BTreeSet::new();
    for r in &on_concept {
        // Links between the records found.
        for link in r["related"].as_array().into_iter().flatten() {
            let other = &records[link["id"].as_str().expect("related id")];
            if on_concept.iter().any(|o| o["id"] == other["id"]) {
                expected_edges.insert(pair(url_of(r), url_of(other)));
            }
        }
        for p in r["partners"].as_array().into_iter().flatten() {
            let partner = &records[p["id"].as_str().expect("partner id")];
            expected.insert(url_of(partner));
            expected_edges.insert(pair(url_of(r), url_of(partner)));
        }
    }
    let query = "keyword=cartographie+participative";
    let page = server.page(&format!("/carte?{query}"));
    let (nodes, edges) = drawn(&page);
    assert_eq!(
        nodes, expected,
        "the map draws the concept's records and partners"
    );
    assert_eq!(edges, expected_edges, "and the roles that link them");
    let kinds: BTreeSet<&str> = nodes
        .iter()
        .map(|u| u.split('/').nth(1).unwrap_or(""))
        .collect();
    assert!(
        kinds.is_superset(&BTreeSet::from(["action", "method", "partner"])),
        "{kinds:?}"
    );
    // Without JavaScript, every node is a link to its record.
    for url in &nodes {
        assert_eq!(server.get(url).status(), 200, "GET {url}");
    }
    // The list beside the map names the same records.
    assert_eq!(select(&page, ".node-list tbody tr").len(), nodes.len());
    // Gephi's formats, read by networkx, hold the same network.
    let Some(python) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for format in ["gexf", "graphml"] {
        let response = server.get(&format!("/carte.{format}?{query}"));
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .expect("header")
                .contains(&format!("carte.{format}"))
        );
        let file = dir.path().join(format!("carte.{format}"));
        std::fs::write(&file, response.bytes().expect("body")).expect("write");
        let (n, e) = read_with_networkx(&python, &file, format);
        assert_eq!(n, nodes, "{format} nodes");
        assert_eq!(e, edges, "{format} edges");
    }
    let svg = server.get(&format!("/carte.svg?{query}"));
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let svg = svg.text().expect("svg");
    assert!(
        svg.starts_with("<?xml") && svg.contains("<style>"),
        "a standalone drawing"
    );
}

#[test]
fn the_map_keeps_the_most_linked_nodes_says_so_and_refuses_bad_parameters() {
    let (_dir, server) = demo_site();
    let page = server.page("/carte?n=5");
    assert_eq!(select(&page, "svg.graph a.node").len(), 5);
    let summary = text(&select(&page, "p.summary")[0]);
    assert!(summary.contains("Les 5 acteurs"), "{summary}");
    for bad in [
        "/carte?n=beaucoup",
        "/carte?n=100000",
        "/carte.gexf?kind=planète",
    ] {
        let response = server.get(bad);
        assert_eq!(response.status(), 400, "GET {bad}");
        let body = response.text().expect("body");
        assert!(body.contains("incorrect"), "{bad}: {body}");
    }
    let empty = server.page("/carte?q=introuvablissime");
    assert!(text(&select(&empty, "p.summary")[0]).contains("Aucune fiche"));
    assert!(select(&empty, "svg.graph").is_empty());
}

/// The fields of the edit form at `path`, as the browser would send them.
/// Saves the edit form of `record` with its places field set to `places`.
fn save_places(editor: &Browser, record: &str, places: &str) -> reqwest::blocking::Response {
    let mut fields = record_form_fields(&editor.page(&format!("{record}/edit")));
    fields.retain(|(k, _)| k != "places" && k != "intent");
    fields.push(("places".into(), places.into()));
    fields.push(("intent".into(), "save".into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    editor.post(&format!("{record}/edit"), &pairs)
}

#[test]
fn places_typed_in_the_form_are_searched_and_drawn_on_the_world_outline() {
    let (_dir, server) = demo_site();
    let editor = Browser::login(&server, EDITOR);
    let partner = "/partner/cooperative-maillages";
    let action = hit_url(&server, "kind:action épiceries solidaires");
    // A name the gazetteer does not know, without coordinates, is refused
    // with the line named, and what was typed stays in the field.
    let refused = save_places(&editor, partner, "Clochemerle-les-Bains");
    assert_eq!(refused.status(), 422);
    let page = scraper::Html::parse_document(&refused.text().expect("body"));
    let error = select(&page, "[id$=places-error]")
        .iter()
        .map(text)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(error.contains("Clochemerle-les-Bains"), "{error}");
    assert_eq!(
        text(&select(&page, "textarea[name=places]")[0]),
        "Clochemerle-les-Bains"
    );
    // A city the gazetteer knows, and a spot with its coordinates.
    assert_eq!(save_places(&editor, partner, "Valenciennes").status(), 303);
    let typed = "Friche des Tisserands (FR) ; 50.3571, 3.5239";
    assert_eq!(save_places(&editor, &action, typed).status(), 303);
    let shown = server.page(partner);
    let places: Vec<String> = select(&shown, "section.places li a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(places, ["Valenciennes"]);
    // `place:` filters the search, and places are a facet.
    let found = server.json("/api/v1/search?q=place:valenciennes");
    assert_eq!(hit_titles(&found), ["Coopérative Maillages"]);
    let found = server.json("/api/v1/search?place=Friche+des+Tisserands");
    assert_eq!(found["total"], 1);
    assert_eq!(found["hits"][0]["url"], action.as_str());
    let all = server.json("/api/v1/search?q=");
    let facet: Vec<&str> = all["facets"]["place"]
        .as_array()
        .expect("place facet")
        .iter()
        .filter_map(|f| f["value"].as_str())
        .collect();
    assert!(
        facet.contains(&"Valenciennes") && facet.contains(&"Lyon"),
        "{facet:?}"
    );
    // The export carries the coordinates the gazetteer gave.
    let records = export(&server);
    let maillages = records
        .values()
        .find(|r| r["name"] == "Coopérative Maillages")
        .expect("partner");
    assert_eq!(maillages["places"][0]["country"], "FR");
    assert!((maillages["places"][0]["lat"].as_f64().expect("lat") - 50.36).abs() < 0.05);
    // Both places are on the map of places: on the world outline drawn by the
    // server, and in the data of the tiled map.
    let map = server.page("/carte/lieux?place=Valenciennes&place=Friche+des+Tisserands");
    let outline: BTreeSet<String> = select(&map, "svg.outline a.place")
        .iter()
        .map(|a| a.attr("data-name").expect("name").to_owned())
        .collect();
    assert_eq!(
        outline,
        BTreeSet::from([
            "Valenciennes".to_owned(),
            "Friche des Tisserands".to_owned()
        ])
    );
    let data: Value =
        serde_json::from_str(&text(&select(&map, "script#places-data")[0])).expect("places json");
    let urls: BTreeSet<&str> = data
        .as_array()
        .expect("places")
        .iter()
        .flat_map(|p| p["records"].as_array().expect("records"))
        .filter_map(|r| r["url"].as_str())
        .collect();
    assert_eq!(urls, BTreeSet::from([partner, action.as_str()]));
    // The gazetteer's suggestions for the places field.
    let suggested: Value = serde_json::from_str(
        &server
            .get("/lieux/suggestions?q=valenc")
            .text()
            .expect("body"),
    )
    .expect("json");
    let names: Vec<&str> = suggested
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&"Valenciennes"), "{names:?}");
}

/// The address of the first hit of `q`.
fn hit_url(server: &Server, q: &str) -> String {
    let found = server.json(&format!("/api/v1/search?q={}", q.replace(' ', "+")));
    found["hits"][0]["url"].as_str().expect("a hit").to_owned()
}

/// A chart's CSV, as rows of strings, headers first.
fn chart_csv(server: &Server, chart: &str, filters: &str) -> Vec<Vec<String>> {
    let response = server.get(&format!("/tableau-de-bord.csv?chart={chart}&{filters}"));
    assert_eq!(response.status(), 200, "CSV of {chart}");
    let text = response.text().expect("csv");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("csv row").iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn the_dashboard_adds_up_the_export_and_each_bar_leads_to_a_search_of_its_size() {
    let (_dir, server) = demo_site();
    let records = export(&server);
    let actions: Vec<&Value> = records.values().filter(|r| r["kind"] == "action").collect();
    // Amounts per year, from the export alone: each action's amount shared
    // evenly between the years of its period, the cents left to the first.
    let mut per_year: BTreeMap<i64, i64> = BTreeMap::new();
    for a in &actions {
        let (Some(value), Some(start), Some(end)) = (
            a["amount"]["value"].as_f64(),
            a["period"]["start"].as_i64(),
            a["period"]["end"].as_i64(),
        ) else {
            continue;
        };
        let minor = (value * 100.0).round() as i64;
        let years = end - start + 1;
        let share = minor / years;
        for (i, year) in (start..=end).enumerate() {
            let part = if i == 0 {
                minor - share * (years - 1)
            } else {
                share
            };
            *per_year.entry(year).or_default() += part;
        }
    }
    let amounts = chart_csv(&server, "montants", "");
    assert_eq!(amounts[0][0], "Année");
    assert_eq!(amounts[0].last().map(String::as_str), Some("Total"));
    let mut from_csv: BTreeMap<i64, i64> = BTreeMap::new();
    for row in &amounts[1..] {
        let total: f64 = row.last().expect("total").parse().expect("number");
        let cents = (total * 100.0).round() as i64;
        if cents > 0 {
            from_csv.insert(row[0].parse().expect("year"), cents);
        }
    }
    assert_eq!(from_csv, per_year, "amounts per year");
    let grand: i64 = per_year.values().sum();
    let committed: i64 = actions
        .iter()
        .filter_map(|a| a["amount"]["value"].as_f64())
        .map(|v| (v * 100.0).round() as i64)
        .sum();
    assert_eq!(
        grand, committed,
        "the years add up to the amounts committed"
    );
    // Actions per partner.
    let mut per_partner: BTreeMap<String, usize> = BTreeMap::new();
    for a in &actions {
        let mut names = BTreeSet::new();
        for p in a["partners"].as_array().into_iter().flatten() {
            let partner = &records[p["id"].as_str().expect("id")];
            let short = match partner["acronym"].as_str() {
                Some(acronym) if !acronym.is_empty() => acronym,
                _ => partner["name"].as_str().expect("name"),
            };
            names.insert(short.to_owned());
        }
        for n in names {
            *per_partner.entry(n).or_default() += 1;
        }
    }
    let partners = chart_csv(&server, "partenaires", "");
    let from_csv: BTreeMap<String, usize> = partners[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].parse().expect("count")))
        .collect();
    assert_eq!(from_csv, per_partner, "actions per partner");
    // Methods used by actions.
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for a in &actions {
        for r in a["related"].as_array().into_iter().flatten() {
            if r["type"] == "uses" {
                let method = &records[r["id"].as_str().expect("id")];
                *uses
                    .entry(method["title"].as_str().expect("title").to_owned())
                    .or_default() += 1;
            }
        }
    }
    let methods = chart_csv(&server, "methodes", "");
    let from_csv: BTreeMap<String, usize> = methods[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].parse().expect("count")))
        .collect();
    assert_eq!(from_csv, uses, "methods used");
    // The growth of the base ends with every record found.
    let growth = chart_csv(&server, "croissance", "");
    assert_eq!(
        growth.last().map(|r| r[1].clone()),
        Some(records.len().to_string())
    );
    // The calendar lists the actions with a period.
    let timeline = chart_csv(&server, "calendrier", "");
    assert_eq!(
        timeline.len() - 1,
        actions.iter().filter(|a| a["period"].is_object()).count()
    );
    // Filters apply: the amounts of one concept.
    let filtered = chart_csv(&server, "montants", "keyword=thésaurus");
    let total: f64 = filtered[1..]
        .iter()
        .map(|r| r.last().expect("total").parse::<f64>().expect("number"))
        .sum();
    assert_eq!(total, 120_000.0);
    // The page: every chart has its drawing, its table and its CSV.
    let page = server.page("/tableau-de-bord");
    let blocks = select(&page, "section.chart-block");
    assert_eq!(blocks.len(), 5);
    for block in &blocks {
        let html = scraper::Html::parse_fragment(&block.html());
        assert_eq!(
            select(&html, "svg").len(),
            1,
            "{}",
            block.html().chars().take(200).collect::<String>()
        );
        assert_eq!(select(&html, "details.chart-data table").len(), 1);
        let csv = select(&html, "a[download]");
        assert!(
            csv[0]
                .attr("href")
                .expect("href")
                .starts_with("/tableau-de-bord.csv?chart=")
        );
    }
    // A bar of the partners chart leads to a search that finds as many records
    // as the bar counts.
    let bars = select(&page, "#partenaires svg a");
    assert_eq!(bars.len(), per_partner.len());
    for row in select(&page, "#partenaires tbody tr") {
        let within = |css: &str| {
            let selector = scraper::Selector::parse(css).expect("selector");
            row.select(&selector).next().expect(css)
        };
        let link = within("a").attr("href").expect("href").to_owned();
        let count: u64 = text(&within("td")).parse().expect("count");
        assert!(
            bars.iter().any(|b| b.attr("href") == Some(link.as_str())),
            "{link}"
        );
        let query = link.strip_prefix("/search?").expect("a search");
        let found = server.json(&format!("/api/v1/search?{query}"));
        assert_eq!(found["total"], count, "{link}");
    }
    // Bad parameters are explained.
    let bad = server.get("/tableau-de-bord.csv?chart=camembert");
    assert_eq!(bad.status(), 400);
    assert!(bad.text().expect("body").contains("montants"));
    assert_eq!(server.get("/tableau-de-bord?year=hier").status(), 400);
}

/// Opens the edit form at `url` and adds Valenciennes to its places with the
/// gazetteer's picker, as a person would: typing, then choosing a suggestion.
async fn pick_valenciennes(c: &fantoccini::Client, url: &str) {
    use crate::browser::{click, wait_for};
    use fantoccini::Locator;
    c.goto(url).await.expect("edit form");
    let before = c
        .execute(
            "return document.querySelector('textarea[name=places]').value;",
            vec![],
        )
        .await
        .expect("places field");
    let pick = c
        .find(Locator::Css("#place-pick"))
        .await
        .expect("place picker");
    pick.send_keys("Valenc").await.expect("type a city");
    wait_for(
        c,
        "the gazetteer's suggestions",
        async |c: &fantoccini::Client| {
            c.execute(
                "return Array.from(document.querySelectorAll('#place-options option'))
               .some(o => o.value.startsWith('Valenciennes (FR) ; '));",
                vec![],
            )
            .await
            .is_ok_and(|v| v == serde_json::json!(true))
        },
    )
    .await;
    c.execute(
        "const o = Array.from(document.querySelectorAll('#place-options option'))
           .find(o => o.value.startsWith('Valenciennes'));
         document.getElementById('place-pick').value = o.value;",
        vec![],
    )
    .await
    .expect("choose the suggestion");
    click(c, ".place-picker button", "add the place").await;
    let after = c
        .execute(
            "return document.querySelector('textarea[name=places]').value;",
            vec![],
        )
        .await
        .expect("places field");
    let (before, after) = (
        before.as_str().unwrap_or_default(),
        after.as_str().unwrap_or_default(),
    );
    assert!(
        after.starts_with(before) && after.contains("Valenciennes (FR) ; 50.3"),
        "{before:?} then {after:?}"
    );
}

/// Waits until the map of places shows its tiles.
async fn wait_for_tiles(c: &fantoccini::Client) {
    crate::browser::wait_for(c, "the tiles", async |c: &fantoccini::Client| {
        c.execute(
            "return document.getElementById('places-map').dataset.state;",
            vec![],
        )
        .await
        .is_ok_and(|v| v == serde_json::json!("tiles"))
    })
    .await;
}

/// A tile server on the loopback: every request gets the same small image,
/// and is counted.
struct Tiles {
    port: u16,
    served: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

fn tile_server() -> Tiles {
    use std::io::{Read, Write};
    use std::sync::atomic::Ordering;
    // A 1×1 PNG.
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xfc,
        0xcf, 0xc0, 0x50, 0x0f, 0x00, 0x04, 0x85, 0x01, 0x80, 0x84, 0xa9, 0x8c, 0x21, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind tiles");
    let port = listener.local_addr().expect("addr").port();
    let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 2048];
            let _ = stream.read(&mut request);
            count.fetch_add(1, Ordering::SeqCst);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\n\
                 Access-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n",
                PNG.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(PNG);
        }
    });
    Tiles { port, served }
}

#[test]
fn in_a_browser_the_map_zooms_and_finds_a_node_and_places_come_on_tiles_or_the_outline() {
    use crate::browser::{block_on, browser, click, start_driver, wait_for};
    use fantoccini::Locator;
    use fantoccini::key::Key;
    use std::sync::atomic::Ordering;

    let Some(driver) = start_driver() else { return };
    let tiles = tile_server();
    let dir = demo_data();
    let template = format!("http://127.0.0.1:{}/{{z}}/{{x}}/{{y}}.png", tiles.port);
    let server = Server::start_with(dir.path(), &["--tiles-url", &template]);
    // A second site whose tile server does not answer (nothing listens there).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead_port = closed.local_addr().expect("addr").port();
    drop(closed);
    let dir2 = demo_data();
    let dead = format!("http://127.0.0.1:{dead_port}/{{z}}/{{x}}/{{y}}.png");
    let offline = Server::start_with(dir2.path(), &["--tiles-url", &dead]);
    let base = server.base.clone();
    block_on(async {
        let c = browser(&driver, true).await;
        c.goto(&format!("{base}/carte?keyword=cartographie+participative"))
            .await
            .expect("goto map");
        let zoom = async |c: &fantoccini::Client| -> f64 {
            c.execute(
                "return document.querySelector('svg.graph').dataset.zoom || '0';",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().and_then(|s| s.parse().ok()))
            .unwrap_or(0.0)
        };
        wait_for(&c, "the map's tools", async |c: &fantoccini::Client| {
            c.execute(
                "return !document.querySelector('.graph-tools').hidden;",
                vec![],
            )
            .await
            .is_ok_and(|v| v == serde_json::json!(true))
        })
        .await;
        click(&c, "button[data-zoom=in]", "zoom in").await;
        wait_for(&c, "the map to zoom in", async |c: &fantoccini::Client| {
            zoom(c).await > 1.0
        })
        .await;
        let find = c.find(Locator::Css("#graph-find")).await.expect("find box");
        find.send_keys("géographies partagées").await.expect("type");
        find.send_keys(&Key::Enter.to_string())
            .await
            .expect("enter");
        wait_for(
            &c,
            "the node to be focused",
            async |c: &fantoccini::Client| {
                c.execute(
                    "const svg = document.querySelector('svg.graph');
                 const a = document.activeElement;
                 return !!svg.dataset.focused && a && a.id === svg.dataset.focused
                   && a.dataset.label === 'Géographies Partagées';",
                    vec![],
                )
                .await
                .is_ok_and(|v| v == serde_json::json!(true))
            },
        )
        .await;
        assert!(zoom(&c).await > 1.0);
        // The places come on the tiles of the loopback server.
        c.goto(&format!("{base}/carte/lieux"))
            .await
            .expect("goto places");
        wait_for_tiles(&c).await;
        let markers = c
            .execute(
                "return document.querySelectorAll('.place-marker').length;",
                vec![],
            )
            .await
            .expect("markers");
        let places = c
            .execute(
                "return JSON.parse(document.getElementById('places-data').textContent).length;",
                vec![],
            )
            .await
            .expect("places");
        assert!(places.as_u64().unwrap_or(0) >= 8, "{places}");
        assert_eq!(markers, places, "one marker per place");
        assert!(
            tiles.served.load(Ordering::SeqCst) > 0,
            "tiles were asked for"
        );
        // Without a tile server, the places stay on the world outline.
        c.goto(&format!("{}/carte/lieux", offline.base))
            .await
            .expect("goto offline");
        wait_for(&c, "the outline", async |c: &fantoccini::Client| {
            c.execute(
                "return document.getElementById('places-map').dataset.state === 'outline'
                   && !document.querySelector('.places-outline').hidden
                   && document.querySelectorAll('svg.outline a.place').length > 0;",
                vec![],
            )
            .await
            .is_ok_and(|v| v == serde_json::json!(true))
        })
        .await;
        // An editor picks a city of the gazetteer by name in the places field
        // of a partner and of an action, and saves them.
        c.goto(&format!("{base}/login")).await.expect("login page");
        crate::browser::fill_login_form(&c, EDITOR).await;
        let partner = "/partner/cooperative-maillages";
        let action = "/action/cartographie-participative-du-quartier-des-tanneurs";
        for record in [partner, action] {
            pick_valenciennes(&c, &format!("{base}{record}/edit")).await;
            click(&c, "button[name=intent][value=save]", "save").await;
            wait_for(&c, "the record saved", async |c: &fantoccini::Client| {
                c.current_url().await.is_ok_and(|u| u.path() == record)
            })
            .await;
        }
        // Both are on the tiled map, in one place with two records (beside
        // their other places): one marker per place.
        c.goto(&format!("{base}/carte/lieux?place=Valenciennes"))
            .await
            .expect("map of Valenciennes");
        wait_for_tiles(&c).await;
        let shown = c
            .execute(
                "const data = JSON.parse(document.getElementById('places-data').textContent);
                 const here = data.find(p => p.name === 'Valenciennes');
                 return [document.querySelectorAll('.place-marker').length === data.length,
                         here ? here.records.map(r => r.url).sort() : []];",
                vec![],
            )
            .await
            .expect("markers");
        assert_eq!(
            shown,
            serde_json::json!([true, [action, partner]]),
            "one marker per place, Valenciennes with both records"
        );
        c.close().await.expect("close");
        // Without JavaScript, the map is a drawing of links.
        let c = browser(&driver, false).await;
        c.goto(&format!("{base}/carte?keyword=cartographie+participative"))
            .await
            .expect("goto map");
        let node = c
            .find(Locator::Css("svg.graph a.node-method"))
            .await
            .expect("a method on the map");
        let href = node.attr("href").await.expect("href").expect("a link");
        node.find(Locator::Css("circle"))
            .await
            .expect("its point")
            .click()
            .await
            .expect("click node");
        wait_for(&c, "the method's page", async |c: &fantoccini::Client| {
            c.current_url().await.is_ok_and(|u| u.path() == href)
        })
        .await;
        c.close().await.expect("close");
    });
}

//! Atom feeds, the OpenSearch description and suggestions, the sitemap and the
//! links of page heads: each read as a program reading them would.

use serde_json::json;

use crate::support::*;

/// A partner, a concept, three published sheets about maps saved on different
/// dates, and a newer draft that no feed may show.
fn corpus() -> Vec<serde_json::Value> {
    vec![
        json!({"kind": "partner", "id": "p-carto", "slug": "collectif-carto", "name": "Collectif Carto", "acronym": "CARTO",
               "description": "Un collectif qui dessine des cartes.",
               "created": "2019-01-01T10:00:00Z", "updated": "2019-01-01T10:00:00Z"}),
        json!({"kind": "concept", "id": "c-carto", "slug": "cartographie-participative", "label": "cartographie participative",
               "alt_labels": {"fr": ["carto"]},
               "created": "2019-01-01T10:00:00Z", "updated": "2019-01-01T10:00:00Z"}),
        json!({"kind": "action", "id": "a-2020", "slug": "cartographie-du-quartier-nord", "title": "Cartographie du quartier nord",
               "summary": "Une **carte** dessinée par les habitants & leurs \"voisins\" (2 < 3).",
               "partners": [{"id": "p-carto", "role": "pilot"}],
               "keywords": ["cartographie participative"],
               "created": "2020-03-01T10:00:00Z", "updated": "2020-03-01T10:00:00Z"}),
        json!({"kind": "action", "id": "a-2022", "title": "Cartographie des jardins partagés",
               "summary": "Les jardins du quartier sur une carte commune.",
               "partners": [{"id": "p-carto", "role": "partner"}],
               "keywords": ["cartographie participative"],
               "created": "2022-05-01T10:00:00Z", "updated": "2022-05-01T10:00:00Z"}),
        json!({"kind": "method", "id": "m-2021", "slug": "animer-une-cartographie-collective", "title": "Animer une cartographie collective",
               "summary": "Étapes d'un atelier de cartographie.",
               "partners": [{"id": "p-carto", "role": "author"}],
               "keywords": ["cartographie participative"],
               "created": "2021-01-01T10:00:00Z", "updated": "2021-01-01T10:00:00Z"}),
        json!({"kind": "action", "id": "a-draft", "title": "Cartographie brouillon secrète",
               "summary": "Pas encore publiée.", "status": "draft", "owner": "carl",
               "partners": [{"id": "p-carto", "role": "partner"}],
               "keywords": ["cartographie participative"],
               "created": "2023-01-01T10:00:00Z", "updated": "2023-01-01T10:00:00Z"}),
    ]
}

fn data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    import_lines(dir.path(), &corpus());
    dir
}

/// GETs a feed, checks its type, parses it and checks what RFC 4287 requires of a
/// feed and of each entry.
fn feed(server: &Server, path: &str) -> feed_rs::model::Feed {
    let response = server.get(path);
    assert_eq!(response.status(), 200, "GET {path}");
    assert_eq!(
        response.headers()["content-type"],
        "application/atom+xml; charset=utf-8",
        "{path}"
    );
    let body = response.bytes().expect("body");
    let feed = feed_rs::parser::parse(&body[..])
        .unwrap_or_else(|e| panic!("{path} is not a readable feed: {e}"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom, "{path}");
    assert!(!feed.id.is_empty(), "{path}: feed id");
    assert!(
        feed.title.as_ref().is_some_and(|t| !t.content.is_empty()),
        "{path}: feed title"
    );
    assert!(feed.updated.is_some(), "{path}: feed updated");
    assert!(
        feed.links
            .iter()
            .any(|l| l.rel.as_deref() == Some("self") && l.href.starts_with("http")),
        "{path}: rel=self"
    );
    assert!(!feed.authors.is_empty(), "{path}: feed author");
    for entry in &feed.entries {
        assert!(
            entry.id.starts_with("http"),
            "{path}: entry id {:?}",
            entry.id
        );
        assert!(
            entry.title.as_ref().is_some_and(|t| !t.content.is_empty()),
            "{path}: entry title"
        );
        assert!(entry.updated.is_some(), "{path}: entry updated");
        assert!(
            entry.links.iter().any(|l| l.href.starts_with("http")) || entry.content.is_some(),
            "{path}: entry link"
        );
    }
    let raw = String::from_utf8_lossy(&body);
    assert!(!raw.contains("brouillon secrète"), "{path} shows a draft");
    feed
}

fn titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| {
            e.title
                .as_ref()
                .map(|t| t.content.clone())
                .unwrap_or_default()
        })
        .collect()
}

const NEWEST_FIRST: [&str; 3] = [
    "Cartographie des jardins partagés",
    "Animer une cartographie collective",
    "Cartographie du quartier nord",
];

#[test]
fn every_feed_is_valid_atom_and_shows_published_records_only() {
    let dir = data();
    let server = Server::start(dir.path());

    let changes = feed(&server, "/changes/feed");
    assert!(titles(&changes).len() >= 4, "{:?}", titles(&changes));
    assert!(titles(&changes).contains(&NEWEST_FIRST[0].to_owned()));

    let partner = feed(&server, "/partner/collectif-carto/feed");
    assert_eq!(titles(&partner), NEWEST_FIRST);
    // Entries are named by record id, so they survive a change of title or slug.
    assert!(partner.entries[0].id.ends_with("/action/a-2022"));
    let summary = partner.entries[2].summary.as_ref().expect("summary");
    assert_eq!(
        summary.content,
        "Une carte dessinée par les habitants & leurs \"voisins\" (2 < 3)."
    );

    let concept = feed(&server, "/concept/cartographie-participative/feed");
    assert_eq!(titles(&concept), NEWEST_FIRST);

    // Even an editor, whose session could see the draft, gets the public feed.
    let eve = Browser::login(&server, "eve");
    let body = eve.get("/search/feed?q=cartographie").text().expect("body");
    assert!(!body.contains("brouillon"), "{body}");

    for missing in [
        "/partner/nobody/feed",
        "/concept/nothing/feed",
        "/action/a-2020/feed",
        "/poem/x/feed",
    ] {
        assert_eq!(server.get(missing).status(), 404, "{missing}");
    }
}

#[test]
fn a_search_feed_lists_the_newest_matches_first() {
    let dir = data();
    let server = Server::start(dir.path());
    // The concept matches too, and is older than every sheet.
    let search = feed(&server, "/search/feed?q=cartographie");
    assert_eq!(titles(&search)[..3], NEWEST_FIRST);
    let dates: Vec<_> = search.entries.iter().map(|e| e.updated).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

    // Filters are kept: only action sheets.
    let actions = feed(&server, "/search/feed?q=cartographie&kind=action");
    assert_eq!(
        titles(&actions),
        vec![NEWEST_FIRST[0], NEWEST_FIRST[2]],
        "{:?}",
        titles(&actions)
    );

    // A page parameter or a sort does not change what a feed holds.
    let paged = feed(&server, "/search/feed?q=cartographie&page=3&sort=title");
    assert_eq!(titles(&paged), titles(&search));

    // Odd syntax is searched as plain words; it never fails.
    for odd in [
        "/search/feed?q=%22cartographie",
        "/search/feed?q=-+OR",
        "/search/feed?q=%00%01",
        "/search/feed",
    ] {
        feed(&server, odd);
    }
    assert_eq!(server.get("/search/feed?kind=poem").status(), 400);

    // The results page offers it.
    let html = server.page("/search?q=cartographie&kind=action");
    let follow: Vec<String> = select(&html, "a[type='application/atom+xml']")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(follow, vec!["/search/feed?q=cartographie&kind=action"]);
}

/// The `href` of the head's `<link>` matching `selector`.
fn head_link(html: &scraper::Html, selector: &str) -> Option<String> {
    select(html, selector)
        .first()
        .and_then(|l| l.value().attr("href"))
        .map(str::to_owned)
}

#[test]
fn pages_link_their_feed_canonical_address_and_search_engine() {
    let dir = data();
    let server = Server::start(dir.path());
    let base = server.base.clone();
    let atom = "head link[rel=alternate][type='application/atom+xml']";
    let canonical = "head link[rel=canonical]";
    let search = "head link[rel=search][type='application/opensearchdescription+xml']";

    let home = server.page("/");
    assert_eq!(head_link(&home, atom), Some(format!("{base}/changes/feed")));
    assert_eq!(head_link(&home, canonical), Some(format!("{base}/")));
    assert_eq!(
        head_link(&home, search),
        Some(format!("{base}/opensearch.xml"))
    );

    let changes = server.page("/changes");
    assert_eq!(
        head_link(&changes, atom),
        Some(format!("{base}/changes/feed"))
    );

    let partner = server.page("/partner/collectif-carto");
    assert_eq!(
        head_link(&partner, atom),
        Some(format!("{base}/partner/collectif-carto/feed"))
    );
    let concept = server.page("/concept/cartographie-participative");
    assert_eq!(
        head_link(&concept, atom),
        Some(format!("{base}/concept/cartographie-participative/feed"))
    );

    let results = server.page("/search?kind=action&q=carte&utm_source=x&page=1");
    assert_eq!(
        head_link(&results, atom),
        Some(format!("{base}/search/feed?q=carte&kind=action"))
    );
    assert_eq!(
        head_link(&results, canonical),
        Some(format!("{base}/search?q=carte&kind=action"))
    );

    // A record reached by its id is sent to its address, which is canonical.
    let by_id = server.get("/action/a-2020");
    assert_eq!(by_id.status(), 301);
    assert_eq!(location(&by_id), "/action/cartographie-du-quartier-nord");
    let sheet = server.page("/action/cartographie-du-quartier-nord?utm_source=x");
    assert_eq!(
        head_link(&sheet, canonical),
        Some(format!("{base}/action/cartographie-du-quartier-nord"))
    );
    assert_eq!(head_link(&sheet, atom), None);
    // Every page has the search link, the help page too.
    assert!(head_link(&server.page("/help/search"), search).is_some());
    assert!(head_link(&server.page("/help/search"), canonical).is_some());
}

#[test]
fn absolute_links_use_the_public_url_or_a_checked_host() {
    let dir = data();
    let client = reqwest::blocking::Client::new();
    {
        let server = Server::start(dir.path());
        let get = |host: &str, proto: Option<&str>| {
            let mut request = client
                .get(format!("{}/changes/feed", server.base))
                .header("host", host);
            if let Some(p) = proto {
                request = request.header("x-forwarded-proto", p);
            }
            request.send().expect("send")
        };
        let id = |response: reqwest::blocking::Response| {
            assert_eq!(response.status(), 200);
            let feed = feed_rs::parser::parse(&response.bytes().expect("body")[..]).expect("feed");
            feed.id
        };
        let own = server.base.trim_start_matches("http://").to_owned();
        let port = own.rsplit_once(':').map(|(_, p)| p).unwrap_or_default();
        assert_eq!(id(get(&own, None)), format!("{}/changes/feed", server.base));
        assert_eq!(
            id(get(&format!("localhost:{port}"), None)),
            format!("http://localhost:{port}/changes/feed")
        );
        // Anyone can write X-Forwarded-Proto: without --trusted-proxy it is not
        // believed.
        assert_eq!(
            id(get(&own, Some("https"))),
            format!("{}/changes/feed", server.base)
        );
        // Without --public-url, another host is refused, never echoed.
        for foreign in [
            "savoirs.example.org",
            "evil.example",
            "evil.example:8080",
            "evil.example/x?",
            "a\"b<c>",
            "user@evil.example",
        ] {
            let response = get(foreign, None);
            assert_eq!(response.status(), 400, "{foreign}");
            let body = response.text().expect("body");
            assert!(body.contains("--public-url"), "the page says what to do");
            assert!(!body.contains("evil.example/"), "{foreign}: {body}");
        }
    }
    {
        let server = Server::start_with(dir.path(), &["--trusted-proxy", "127.0.0.1"]);
        let own = server.base.trim_start_matches("http://").to_owned();
        let response = client
            .get(format!("{}/changes/feed", server.base))
            .header("x-forwarded-proto", "https")
            .send()
            .expect("send");
        let feed = feed_rs::parser::parse(&response.bytes().expect("body")[..]).expect("feed");
        assert_eq!(
            feed.id,
            format!("https://{own}/changes/feed"),
            "from the proxy"
        );
    }
    let server = Server::start_with(
        dir.path(),
        &["--public-url", "https://savoirs.example.org/"],
    );
    let feed = feed(&server, "/changes/feed");
    assert_eq!(feed.id, "https://savoirs.example.org/changes/feed");
    assert!(
        feed.entries
            .iter()
            .all(|e| e.id.starts_with("https://savoirs.example.org/"))
    );
    let html = server.page("/");
    assert_eq!(
        head_link(&html, "head link[rel=canonical]").as_deref(),
        Some("https://savoirs.example.org/")
    );
    drop(server);
    let refused = savoirs(
        dir.path(),
        &["serve", "--public-url", "savoirs.example.org"],
    );
    assert!(!refused.status.success());
}

#[test]
fn opensearch_description_suggestions_and_sitemap() {
    let dir = data();
    let server = Server::start(dir.path());
    let base = server.base.clone();

    let response = server.get("/opensearch.xml");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/opensearchdescription+xml; charset=utf-8"
    );
    let description = response.text().expect("body");
    let elements = xml_elements(&description);
    assert!(elements.contains(&("ShortName".to_owned(), "Savoirs".to_owned())));
    let templates: Vec<(String, String)> = xml_urls(&description);
    assert!(templates.contains(&(
        "text/html".to_owned(),
        format!("{base}/search?q={{searchTerms}}")
    )));
    assert!(templates.contains(&(
        "application/x-suggestions+json".to_owned(),
        format!("{base}/opensearch/suggest?q={{searchTerms}}")
    )));

    let response = server.get("/opensearch/suggest?q=carto");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/x-suggestions+json; charset=utf-8"
    );
    let suggestions: serde_json::Value = response.json().expect("json");
    assert_eq!(suggestions[0], "carto");
    let labels = suggestions[1].as_array().expect("completions");
    assert!(!labels.is_empty(), "{suggestions}");
    assert!(
        labels
            .iter()
            .all(|l| l.as_str().is_some_and(|s| !s.contains("brouillon"))),
        "{suggestions}"
    );
    assert_eq!(
        server.json("/opensearch/suggest?q=")[1],
        serde_json::json!([])
    );

    let response = server.get("/sitemap.xml");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/xml; charset=utf-8"
    );
    let sitemap = response.text().expect("body");
    let elements = xml_elements(&sitemap);
    let locs: Vec<&str> = elements
        .iter()
        .filter(|(name, _)| name == "loc")
        .map(|(_, v)| v.as_str())
        .collect();
    let lastmods = elements
        .iter()
        .filter(|(name, _)| name == "lastmod")
        .count();
    assert_eq!(locs.len(), lastmods);
    assert_eq!(locs[0], format!("{base}/"));
    for page in [
        "/action/cartographie-du-quartier-nord",
        "/method/animer-une-cartographie-collective",
        "/partner/collectif-carto",
        "/concept/cartographie-participative",
    ] {
        assert!(locs.contains(&format!("{base}{page}").as_str()), "{page}");
    }
    assert!(!sitemap.contains("brouillon"));
}

/// Every (element name, text) of a well-formed XML document; panics otherwise.
fn xml_elements(xml: &str) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut out, mut open) = (Vec::new(), Vec::<String>::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => open.push(e.name().as_ref().to_owned()),
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                let text = t.xml10_content().into_owned();
                if let Some(name) = open.last()
                    && !text.trim().is_empty()
                {
                    out.push((name.clone(), text));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(open.is_empty(), "unclosed elements: {open:?}");
    out
}

/// The (type, template) of every `<Url>` of an OpenSearch description.
fn xml_urls(xml: &str) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Empty(e) | Event::Start(e) if e.name().as_ref() == "Url" => {
                let attr = |name: &str| {
                    e.try_get_attribute(name)
                        .ok()
                        .flatten()
                        .and_then(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .ok()
                                .map(|v| v.into_owned())
                        })
                        .unwrap_or_default()
                };
                out.push((attr("type"), attr("template")));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

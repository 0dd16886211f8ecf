//! One visibility rule for derived data: spelling suggestions, completions,
//! search entries, facets, concept relations, diffs, form suggestion lists,
//! counts and exports are built only from what the viewer may see.
//!
//! Unpublished records carry made-up words found nowhere else; every GET route
//! is walked as an anonymous reader and as another contributor, with searches
//! for those words and for typos of them, and no answer may contain them.

use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};

use crate::support::*;

/// Words that only unpublished records hold, lowercase.
const SECRETS: [&str; 7] = [
    "zanzibarsecret",   // carl's draft method
    "pangolinproposal", // carl's proposed action
    "okapiarchive",     // an archived resource
    "quetzalpartner",   // a draft partner's name
    "quetzalalias",     // its alias
    "xylocoptere",      // a draft concept's preferred label
    "xylocopalt",       // its English alternative label
];

const HIDDEN_PARTNER: &str = "Quetzalpartner Collectif";
const HIDDEN_METHOD: &str = "Zanzibarsecret des greniers";

fn records() -> Vec<Value> {
    vec![
        json!({"kind": "partner", "name": "Réseau Ritimo", "status": "published"}),
        json!({"kind": "partner", "name": HIDDEN_PARTNER, "aliases": ["Quetzalalias"],
               "description": "Quetzalpartner, en projet.", "status": "draft", "owner": "eve"}),
        json!({"kind": "concept", "label": "Insectes", "status": "published"}),
        json!({"kind": "concept", "label": "Xylocoptere", "status": "draft", "owner": "eve",
               "alt_labels": {"fr": ["abeille charpentière"], "en": ["Xylocopalt"]},
               "broader": ["Insectes"], "scope_note": "Xylocoptere, en projet."}),
        json!({"kind": "concept", "label": "Pollinisateurs", "related": ["Xylocoptere"],
               "status": "published"}),
        json!({"kind": "concept", "label": "Fleurs sauvages", "broader": ["Xylocoptere"],
               "status": "published"}),
        json!({"kind": "method", "id": "secret-draft", "title": HIDDEN_METHOD,
               "summary": "Zanzibarsecret dans le grenier.", "body": "Zanzibarsecret encore.",
               "status": "draft", "owner": "carl"}),
        json!({"kind": "action", "title": "Pangolinproposal en attente", "status": "proposed",
               "owner": "carl"}),
        json!({"kind": "resource", "title": "Okapiarchive ancienne", "status": "archived"}),
        json!({"kind": "action", "id": "public-action", "title": "Fiche publique des jardins",
               "summary": "Des jardins partagés.",
               "partners": [{"name": "Réseau Ritimo", "role": "pilot"}],
               "keywords": ["abeille charpentière", "jardins"], "status": "published"}),
        json!({"kind": "method", "id": "public-method", "title": "Méthode publique des ruchers",
               "summary": "Des ruchers en ville.",
               "partners": [{"name": HIDDEN_PARTNER, "role": "partner"}],
               "keywords": ["abeille charpentière"],
               "related": [HIDDEN_METHOD], "status": "published"}),
        json!({"kind": "action", "id": "cora-draft", "title": "Brouillon de Cora",
               "status": "draft", "owner": "cora"}),
    ]
}

/// `word` with alternating case: searches match it, and its echo in an answer
/// can be told apart from a leak (which keeps the record's own spelling).
fn odd_case(word: &str) -> String {
    word.chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

/// Queries for a secret: the word, typos of it, and the prefix being typed.
fn queries(secret: &str) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    let dropped: String = chars[..chars.len() - 1].iter().collect();
    let mut swapped = chars.clone();
    swapped.swap(3, 4);
    let swapped: String = swapped.into_iter().collect();
    let prefix: String = chars[..4].iter().collect();
    [secret.to_owned(), dropped, swapped, prefix]
        .iter()
        .map(|q| odd_case(q))
        .collect()
}

/// Fails with every secret word found in `body` (once the query's own echo is
/// taken out).
fn assert_clean(failures: &mut Vec<String>, what: &str, body: &str, echo: Option<&str>) {
    let body = match echo {
        Some(q) => body.replace(q, ""),
        None => body.to_owned(),
    };
    let lower = body.to_lowercase();
    for secret in SECRETS {
        if let Some(at) = lower.find(secret) {
            let start = lower[..at]
                .char_indices()
                .rev()
                .nth(60)
                .map_or(0, |(i, _)| i);
            let end = (at + 120).min(lower.len());
            let end = (end..=lower.len())
                .find(|&i| lower.is_char_boundary(i))
                .unwrap_or(lower.len());
            failures.push(format!("{what}: {secret:?} in …{}…", &lower[start..end]));
        }
    }
}

fn get(client: &Client, base: &str, cookie: Option<&str>, path: &str) -> (u16, String) {
    let mut request = client.get(format!("{base}{path}"));
    if let Some(c) = cookie {
        request = request.header("cookie", c);
    }
    let response = request.send().unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().unwrap_or_default())
}

/// Every GET path of the route table, with the published records' slugs and ids
/// in place of its parameters, plus searches and completions for the secrets.
fn paths(published: &[(String, String, String)]) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for (method, pattern) in savoirs::http::route_table() {
        if method != reqwest::Method::GET {
            continue;
        }
        if pattern.contains("{kind}/{slug}") {
            for (kind, slug, _) in published {
                let path = pattern.replace("{kind}", kind).replace("{slug}", slug);
                if path.ends_with("/diff") {
                    out.push((format!("{path}?from=1&to=2"), None));
                }
                out.push((path, None));
            }
        } else if pattern.contains("{id}") {
            for (_, _, id) in published {
                out.push((pattern.replace("{id}", id), None));
            }
        } else if pattern.contains("{secret}") {
            // One-time addresses (setup, password reset): a guess shows nothing.
            out.push((pattern.replace("{secret}", &"0".repeat(64)), None));
        } else if pattern.contains("{kind}") {
            for kind in ["action", "method", "resource", "partner", "concept"] {
                out.push((pattern.replace("{kind}", kind), None));
            }
        } else {
            assert!(!pattern.contains('{'), "unhandled parameter in {pattern}");
            out.push((pattern.to_owned(), None));
        }
    }
    out.push(("/api/v1/search?q=&per_page=100".to_owned(), None));
    out.push(("/search?q=".to_owned(), None));
    for secret in SECRETS {
        for q in queries(secret) {
            for path in [
                format!("/search?q={q}"),
                format!("/api/v1/search?q={q}"),
                format!("/search/feed?q={q}"),
                format!("/api/v1/suggest?q={q}"),
                format!("/opensearch/suggest?q={q}"),
                format!("/search?q=partner:{q}"),
                format!("/api/v1/search?q=keyword:{q}"),
                format!("/search?partner={q}"),
                format!("/{q}"),
            ] {
                out.push((path, Some(q.clone())));
            }
        }
    }
    out
}

/// (kind, slug, id) of every record an anonymous reader may see.
fn published(server: &Server) -> Vec<(String, String, String)> {
    let list = server.json("/api/v1/records?per_page=100");
    let items = list
        .get("records")
        .or_else(|| list.get("items"))
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("record list: {list}"));
    items
        .iter()
        .map(|r| {
            let field = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (field("kind"), field("slug"), field("id"))
        })
        .collect()
}

fn token(dir: &std::path::Path, name: &str) -> String {
    cli_token(dir, name, "visibility")
}

fn api(
    client: &Client,
    base: &str,
    token: &str,
    method: reqwest::Method,
    path: &str,
) -> reqwest::blocking::RequestBuilder {
    client
        .request(method, format!("{base}{path}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
}

/// Status and body of an answer, with `name` written as `<name>`: the answers
/// for a hidden record and for a missing one must not differ otherwise.
fn normalised(response: Response, name: &str) -> (u16, String) {
    let status = response.status().as_u16();
    let body = response.text().unwrap_or_default().replace(name, "<name>");
    (status, body)
}

#[test]
fn unpublished_words_reach_no_one_who_may_not_see_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    import_lines(dir.path(), &records());
    let (eve_token, cora_token) = (token(dir.path(), "eve"), token(dir.path(), "cora"));
    let server = Server::start(dir.path());
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    // An editor links the draft partner to a published sheet too: its diff would
    // name it.
    let eve_get = |path: &str| -> Value {
        api(
            &client,
            &server.base,
            &eve_token,
            reqwest::Method::GET,
            path,
        )
        .send()
        .expect("GET")
        .json()
        .expect("json")
    };
    let mut sheet = eve_get("/api/v1/records/public-action");
    sheet["partners"]
        .as_array_mut()
        .expect("partners")
        .push(json!({"name": HIDDEN_PARTNER, "role": "partner"}));
    let saved = api(
        &client,
        &server.base,
        &eve_token,
        reqwest::Method::PUT,
        "/api/v1/records/public-action",
    )
    .body(sheet.to_string())
    .send()
    .expect("PUT");
    assert_eq!(saved.status(), 200, "{:?}", saved.text());
    let partner_id = eve_get(&format!(
        "/api/v1/search?q={}&kind=partner",
        "quetzalpartner"
    ))["hits"][0]["id"]
        .as_str()
        .expect("the editor finds the draft partner")
        .to_owned();

    let published = published(&server);
    assert!(
        published.iter().any(|(_, _, id)| id == "public-method"),
        "{published:?}"
    );
    let cora = Browser::login(&server, "cora");
    let cora_cookie = cora.cookie().expect("cookie").to_owned();
    let mut failures = Vec::new();
    let mut walked = 0;
    for (who, cookie) in [("anonymous", None), ("cora", Some(cora_cookie.as_str()))] {
        let mut all = paths(&published);
        if cookie.is_some() {
            // A contributor's own pages and forms, with their suggestion lists.
            for path in [
                "/action/brouillon-de-cora",
                "/action/brouillon-de-cora/edit",
                "/action/brouillon-de-cora/history",
                "/partner/reseau-ritimo",
            ] {
                all.push((path.to_owned(), None));
            }
        }
        for (path, echo) in all {
            let (status, body) = get(&client, &server.base, cookie, &path);
            walked += 1;
            if status >= 500 {
                failures.push(format!("GET {path} as {who}: {status}"));
            }
            assert_clean(
                &mut failures,
                &format!("GET {path} as {who} ({status})"),
                &body,
                echo.as_deref(),
            );
        }
    }
    assert!(walked > 300, "only {walked} requests");
    assert!(
        failures.is_empty(),
        "{} leaks:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Health: anonymous readers get the published count only.
    let health = server.json("/api/v1/health");
    assert_eq!(health["status"], "ok");
    assert_eq!(health["published"], json!(published.len()));
    assert!(health.get("records").is_none(), "{health}");

    // Link resolution: a hidden partner or record answers as a missing one.
    let create = |body: Value, name: &str| {
        normalised(
            api(
                &client,
                &server.base,
                &cora_token,
                reqwest::Method::POST,
                "/api/v1/records",
            )
            .body(body.to_string())
            .send()
            .expect("POST"),
            name,
        )
    };
    let method = |link: Value| {
        let mut m = json!({"kind": "method", "title": "Essai de liens"});
        m.as_object_mut().expect("object").extend(
            link.as_object()
                .expect("object")
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        m
    };
    for (hidden, missing) in [
        (HIDDEN_PARTNER, "Personne Inconnue Nulle Part"),
        (partner_id.as_str(), "idinconnu123"),
    ] {
        let field = if hidden == HIDDEN_PARTNER {
            "name"
        } else {
            "id"
        };
        let a = create(
            method(json!({"partners": [{field: hidden, "role": "partner"}]})),
            hidden,
        );
        let b = create(
            method(json!({"partners": [{field: missing, "role": "partner"}]})),
            missing,
        );
        assert_eq!(a, b, "partner by {field}");
        assert_eq!(a.0, 422);
    }
    for (hidden, missing) in [
        (HIDDEN_METHOD, "Un titre absent partout"),
        ("secret-draft", "idinconnu456"),
    ] {
        let a = create(method(json!({"related": [hidden]})), hidden);
        let b = create(method(json!({"related": [missing]})), missing);
        assert_eq!(a, b, "related record {hidden}");
        assert_eq!(a.0, 422);
    }
    // The same through the form.
    let form = |partner: &str, related: &str| -> String {
        let response = cora.post(
            "/new/method",
            &[
                ("title", "Essai de liens"),
                ("lang", "fr"),
                ("partner_name", partner),
                ("partner_role", "partner"),
                ("related", related),
                ("intent", "save"),
            ],
        );
        let status = response.status().as_u16();
        let body = response
            .text()
            .unwrap_or_default()
            .replace(partner, "<partner>")
            .replace(related, "<related>");
        format!("{status}: {}", body.len())
    };
    let hidden = form(HIDDEN_PARTNER, HIDDEN_METHOD);
    assert!(
        !hidden.starts_with("303"),
        "saved with hidden links: {hidden}"
    );
    assert_eq!(
        hidden,
        form("Personne Inconnue Nulle Part", "Un titre absent partout")
    );
}

#[test]
fn owners_find_their_drafts_and_editors_see_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    import_lines(dir.path(), &records());
    let server = Server::start(dir.path());
    let ids = |result: &Value| -> Vec<String> {
        result["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let carl = Browser::login(&server, "carl");
    let found = carl.json("/api/v1/search?q=zanzibarsecret");
    assert_eq!(ids(&found), vec!["secret-draft"], "{found}");
    let eve = Browser::login(&server, "eve");
    for word in SECRETS {
        let found = eve.json(&format!("/api/v1/search?q={word}"));
        assert!(found["total"].as_u64() > Some(0), "{word}: {found}");
    }
    let page = eve.get("/concept/pollinisateurs").text().expect("page");
    assert!(
        page.contains("Xylocoptere"),
        "the editor sees the draft concept"
    );
    let health = eve.json("/api/v1/health");
    assert!(
        health["records"].as_u64() > health["published"].as_u64(),
        "{health}"
    );
}

#[test]
fn linked_names_follow_the_partner_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    import_lines(dir.path(), &records());
    let eve_token = token(dir.path(), "eve");
    let server = Server::start(dir.path());
    let client = Client::new();
    let send = |method: reqwest::Method, path: &str, body: &Value| -> Value {
        let response = api(&client, &server.base, &eve_token, method, path)
            .body(body.to_string())
            .send()
            .expect("request");
        assert!(response.status().is_success(), "{path}");
        response.json().expect("json")
    };
    let anonymous_finds = |word: &str| -> Vec<String> {
        hit_titles(&server.json(&format!("/api/v1/search?q={word}")))
    };
    assert!(anonymous_finds("quetzalpartner").is_empty());
    let mut partner = send(
        reqwest::Method::GET,
        &format!(
            "/api/v1/records/{}",
            send(
                reqwest::Method::GET,
                "/api/v1/search?q=quetzalalias",
                &json!({})
            )["hits"][0]["id"]
                .as_str()
                .expect("id")
        ),
        &json!({}),
    );
    let id = partner["id"].as_str().expect("id").to_owned();
    let mut move_to = |status: &str| {
        partner["status"] = json!(status);
        partner = send(
            reqwest::Method::PUT,
            &format!("/api/v1/records/{id}"),
            &partner,
        );
    };
    // Published: the method that names it is found by its alias.
    move_to("published");
    let titles = anonymous_finds("quetzalalias");
    assert!(
        titles.contains(&"Méthode publique des ruchers".to_owned()),
        "{titles:?}"
    );
    // Archived: the name leaves the method's entry again.
    move_to("archived");
    assert!(anonymous_finds("quetzalalias").is_empty());
    let facets = server.json("/api/v1/search?q=&per_page=100")["facets"]["partner"].to_string();
    assert!(!facets.to_lowercase().contains("quetzal"), "{facets}");

    // The same for a concept: its labels join and leave the entries of the
    // records tagged with one of them.
    let concept_id = send(
        reqwest::Method::GET,
        "/api/v1/search?q=xylocopalt&kind=concept",
        &json!({}),
    )["hits"][0]["id"]
        .as_str()
        .expect("the editor finds the draft concept")
        .to_owned();
    let concept_path = format!("/api/v1/records/{concept_id}");
    let mut concept = send(reqwest::Method::GET, &concept_path, &json!({}));
    concept["status"] = json!("published");
    concept = send(reqwest::Method::PUT, &concept_path, &concept);
    let titles = anonymous_finds("xylocopalt");
    assert!(
        titles.contains(&"Méthode publique des ruchers".to_owned()),
        "{titles:?}"
    );
    concept["status"] = json!("archived");
    send(reqwest::Method::PUT, &concept_path, &concept);
    assert!(anonymous_finds("xylocopalt").is_empty());
    let facets = server.json("/api/v1/search?q=&per_page=100")["facets"]["keyword"].to_string();
    assert!(!facets.to_lowercase().contains("xylocop"), "{facets}");
}

#[test]
fn edits_keep_the_links_their_author_cannot_see() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    import_lines(dir.path(), &records());
    let (eve_token, carl_token) = (token(dir.path(), "eve"), token(dir.path(), "carl"));
    let server = Server::start(dir.path());
    let client = Client::new();
    let call = |token: &str, method: reqwest::Method, path: &str, body: Option<&Value>| -> Value {
        let mut request = api(&client, &server.base, token, method, path);
        if let Some(b) = body {
            request = request.body(b.to_string());
        }
        let response = request.send().expect("request");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().expect("json")
    };
    let get = reqwest::Method::GET;
    let put = reqwest::Method::PUT;
    let path = "/api/v1/records/secret-draft";
    // An editor links the draft partner to carl's draft.
    let mut draft = call(&eve_token, get.clone(), path, None);
    draft["partners"] = json!([{"name": HIDDEN_PARTNER, "role": "partner"}]);
    let linked = call(&eve_token, put.clone(), path, Some(&draft));
    let partner_id = linked["partners"][0]["id"].clone();
    assert!(partner_id.is_string(), "{linked}");

    // Carl sees neither the link nor the name, and his changes keep it.
    let carl = Browser::login(&server, "carl");
    let form = carl
        .get("/method/zanzibarsecret-des-greniers/edit")
        .text()
        .expect("form");
    assert!(!form.to_lowercase().contains("quetzal"));
    let response = carl.post(
        "/method/zanzibarsecret-des-greniers/edit",
        &[
            ("title", HIDDEN_METHOD),
            ("summary", "Zanzibarsecret revu."),
            ("lang", "fr"),
            ("base_revision", "2"),
            ("intent", "save"),
        ],
    );
    assert_eq!(response.status(), 303, "{:?}", response.text());
    let mut seen = call(&carl_token, get.clone(), path, None);
    assert!(seen.get("partners").is_none(), "{seen}");
    seen["summary"] = json!("Zanzibarsecret revu encore.");
    call(&carl_token, put, path, Some(&seen));
    let kept = call(&eve_token, get, path, None);
    assert_eq!(kept["summary"], "Zanzibarsecret revu encore.");
    assert_eq!(kept["partners"][0]["id"], partner_id, "{kept}");
}

//! The JSON API as a script uses it: a personal token made on the account page,
//! reading and writing records with the account's permissions, conflicts, clear
//! errors, revocation, and the OpenAPI description it is checked against.

use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::{Value, json};

use crate::support::*;

/// A script holding an API token (or none).
struct Script {
    base: String,
    token: Option<String>,
    client: Client,
}

impl Script {
    fn new(server: &Server, token: Option<&str>) -> Script {
        Script {
            base: server.base.clone(),
            token: token.map(str::to_owned),
            // Redirects are answers too: a refusal must not read as the login
            // page's 200.
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
        }
    }

    fn with_auth(&self, r: RequestBuilder) -> RequestBuilder {
        match &self.token {
            Some(t) => r.header("authorization", format!("Bearer {t}")),
            None => r,
        }
    }

    fn get(&self, path: &str) -> Response {
        self.with_auth(self.client.get(format!("{}{path}", self.base)))
            .send()
            .expect("GET")
    }

    fn send(&self, method: reqwest::Method, path: &str, body: &str) -> Response {
        self.with_auth(self.client.request(method, format!("{}{path}", self.base)))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .expect("request")
    }

    fn post(&self, body: &Value) -> Response {
        self.send(reqwest::Method::POST, "/api/v1/records", &body.to_string())
    }

    fn put(&self, id: &str, body: &Value) -> Response {
        self.send(
            reqwest::Method::PUT,
            &format!("/api/v1/records/{id}"),
            &body.to_string(),
        )
    }
}

/// Creates a token on the account page, as a person would, and reads it there.
fn token_from_account_page(browser: &Browser, label: &str) -> String {
    let response = browser.post("/account/tokens", &[("label", label)]);
    assert_eq!(response.status(), 200);
    let page = scraper::Html::parse_document(&response.text().expect("body"));
    let input = select(&page, "input#new-token");
    let token = input
        .first()
        .and_then(|i| i.value().attr("value"))
        .expect("the new token is shown")
        .to_owned();
    assert!(token.starts_with("savoirs_"), "{token}");
    token
}

#[test]
fn a_token_acts_as_its_account_until_revoked() {
    let dir = with_example();
    add_team(dir.path());
    let server = Server::start(dir.path());
    let carl = Browser::login(&server, "carl");
    let token = token_from_account_page(&carl, "mon script");

    // The account page lists it by name, never showing the secret again.
    let page = carl.get("/account").text().expect("page");
    assert!(page.contains("mon script"));
    assert!(!page.contains(&token));

    let script = Script::new(&server, Some(&token));
    let created = script.post(&json!({
        "kind": "method",
        "title": "Le World Café en vingt minutes",
        "summary": "Une méthode de conversation en petits groupes tournants.",
        "partners": [{"name": "RITIMO", "role": "author"}],
        "keywords": ["intelligence collective"],
    }));
    assert_eq!(created.status(), 201);
    let location = location(&created);
    let record: Value = created.json().expect("json");
    assert_eq!(
        record["status"], "draft",
        "a contributor's record starts as a draft"
    );
    assert_eq!(record["owner"], "carl");
    assert_eq!(record["revision"], 1);
    let id = record["id"].as_str().expect("id").to_owned();
    assert_eq!(location, format!("/api/v1/records/{id}"));
    assert!(
        record["partners"][0]["id"]
            .as_str()
            .is_some_and(|p| !p.is_empty())
    );

    // Its author finds it, through the API and in search; others do not.
    assert_eq!(script.get(&format!("/api/v1/records/{id}")).status(), 200);
    let hits = script
        .get("/api/v1/search?q=World+Caf%C3%A9+vingt")
        .json::<Value>()
        .expect("json");
    assert_eq!(hit_titles(&hits), ["Le World Café en vingt minutes"]);
    let anonymous = Script::new(&server, None);
    assert_eq!(
        anonymous.get(&format!("/api/v1/records/{id}")).status(),
        404
    );
    let list = anonymous
        .get("/api/v1/records?kind=method")
        .json::<Value>()
        .expect("json");
    assert!(
        list["records"]
            .as_array()
            .expect("records")
            .iter()
            .all(|r| r["id"] != id.as_str())
    );

    // Revoked on the account page: the token is refused, in JSON.
    let token_id = scraper::Html::parse_document(&carl.get("/account").text().expect("page"))
        .select(&scraper::Selector::parse("form[action^='/account/tokens/']").expect("css"))
        .next()
        .and_then(|f| f.value().attr("action"))
        .expect("a revoke form")
        .to_owned();
    assert_eq!(carl.post(&token_id, &[]).status(), 303);
    let refused = script.get("/api/v1/records");
    assert_eq!(refused.status(), 401);
    let body: Value = refused.json().expect("json error");
    assert!(body["error"].as_str().expect("error").contains("token"));
}

#[test]
fn writes_follow_the_roles_and_refuse_stale_revisions() {
    let dir = with_example();
    add_team(dir.path());
    let editor_token = {
        let out = savoirs(dir.path(), &["user", "token", "eve", "--label", "import"]);
        assert_success(&out);
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    };
    let server = Server::start(dir.path());
    let carl = Script::new(
        &server,
        Some(&token_from_account_page(
            &Browser::login(&server, "carl"),
            "s",
        )),
    );
    let eve = Script::new(&server, Some(&editor_token));
    let anonymous = Script::new(&server, None);

    // Anonymous scripts may not write; contributors may not create partners or publish.
    let partner = json!({"kind": "partner", "name": "Réseau des CRIDEV", "acronym": "CRIDEV"});
    assert_eq!(anonymous.post(&partner).status(), 401);
    assert_eq!(carl.post(&partner).status(), 403);
    let published = json!({"kind": "action", "title": "Une action", "status": "published"});
    assert_eq!(carl.post(&published).status(), 403);

    // Editors may.
    let created = eve.post(&partner);
    assert_eq!(created.status(), 201);
    let partner: Value = created.json().expect("json");
    assert_eq!(partner["status"], "draft");
    let created = eve.post(&json!({
        "kind": "action",
        "title": "Cartographier les ressources du territoire",
        "status": "published",
        "period": {"start": 2007, "end": 2008},
        "amount": {"value": 12000, "currency": "EUR"},
        "partners": [{"id": partner["id"], "role": "pilot"}],
    }));
    assert_eq!(created.status(), 201);
    let action: Value = created.json().expect("json");
    let id = action["id"].as_str().expect("id").to_owned();
    let hits = anonymous
        .get("/api/v1/search?q=cartographier+territoire")
        .json::<Value>()
        .expect("json");
    assert_eq!(
        hit_titles(&hits),
        ["Cartographier les ressources du territoire"]
    );

    // A change starts from a revision; a stale one is refused and nothing changes.
    let mut change = action.clone();
    change["summary"] = json!("Premier changement.");
    let saved = eve.put(&id, &change);
    assert_eq!(saved.status(), 200);
    assert_eq!(saved.json::<Value>().expect("json")["revision"], 2);
    change["summary"] = json!("Écrit sur une version dépassée.");
    let stale = eve.put(&id, &change);
    assert_eq!(stale.status(), 409);
    let stored: Value = anonymous
        .get(&format!("/api/v1/records/{id}"))
        .json()
        .expect("json");
    assert_eq!(stored["summary"], "Premier changement.");
    let mut no_revision = stored.clone();
    no_revision
        .as_object_mut()
        .expect("object")
        .remove("revision");
    assert_eq!(eve.put(&id, &no_revision).status(), 422);

    // A published record is not the contributor's to change.
    assert_eq!(carl.put(&id, &stored).status(), 403);

    // History, newest first.
    let revisions: Value = anonymous
        .get(&format!("/api/v1/records/{id}/revisions"))
        .json()
        .expect("json");
    assert_eq!(revisions[0]["number"], 2);
    assert_eq!(revisions[0]["author"], "eve");

    // Bad input gets a JSON answer that says what is wrong, and where.
    let bad = eve.send(reqwest::Method::POST, "/api/v1/records", "{not json");
    assert_eq!(bad.status(), 400);
    assert!(bad.json::<Value>().expect("json")["error"].is_string());
    let unknown = eve.post(&json!({
        "kind": "method", "title": "X", "partners": [{"name": "Personne de connu"}],
    }));
    assert_eq!(unknown.status(), 422);
    let body: Value = unknown.json().expect("json");
    assert_eq!(body["fields"][0]["field"], "partners[0].name");
    let typo = eve.post(&json!({"kind": "method", "title": "X", "sumary": "typo"}));
    assert_eq!(typo.status(), 422);
    assert!(typo.text().expect("body").contains("sumary"));
    assert_eq!(anonymous.get("/api/v1/records?kind=poem").status(), 400);
    let forged = Script::new(&server, Some("savoirs_0000"));
    assert_eq!(forged.get("/api/v1/search?q=x").status(), 401);
}

#[test]
fn the_openapi_description_is_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path());
    let doc = server.json("/api/v1/openapi.json");
    assert_eq!(doc["openapi"], "3.1.0");
    for path in ["/api/v1/search", "/api/v1/records", "/api/v1/records/{id}"] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
}

#[test]
fn tokens_reach_only_the_api_and_answers_hide_what_the_caller_cannot_see() {
    let dir = with_example();
    add_team(dir.path());
    let token = |name: &str| cli_token(dir.path(), name, "t");
    let (eve_token, ada_token) = (token("eve"), token("ada"));
    let server = Server::start(dir.path());
    let eve = Script::new(&server, Some(&eve_token));
    let anonymous = Script::new(&server, None);

    // A token is no key to the account or admin pages: there it counts for nothing.
    let ada = Script::new(&server, Some(&ada_token));
    let backup = ada.get("/admin/backup");
    assert_eq!(backup.status(), 303, "a token must not download backups");
    assert!(location(&backup).starts_with("/login"));
    let more = ada
        .with_auth(ada.client.post(format!("{}/account/tokens", ada.base)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("label=encore")
        .send()
        .expect("POST");
    assert_eq!(more.status(), 303, "a token must not make tokens");

    // A published sheet linked to a draft partner: readers see the sheet, not the link.
    let draft: Value = eve
        .post(&json!({"kind": "partner", "name": "Collectif en projet", "status": "draft"}))
        .json()
        .expect("json");
    let sheet: Value = eve
        .post(&json!({
            "kind": "action", "title": "Une action avec un partenaire en projet",
            "status": "published", "lang": "en",
            "partners": [{"id": draft["id"], "role": "partner"}],
        }))
        .json()
        .expect("json");
    let id = sheet["id"].as_str().expect("id").to_owned();
    assert_eq!(
        sheet["partners"][0]["id"], draft["id"],
        "the editor sees it"
    );
    let seen: Value = anonymous
        .get(&format!("/api/v1/records/{id}"))
        .json()
        .expect("json");
    assert!(seen.get("partners").is_none(), "{seen}");
    let dump = anonymous.get("/export/records.jsonl").text().expect("dump");
    assert!(!dump.contains(draft["id"].as_str().expect("id")));

    // A change that does not name the language keeps it.
    let mut change = sheet.clone();
    change.as_object_mut().expect("object").remove("lang");
    change["summary"] = json!("Résumé ajouté.");
    let saved: Value = eve.put(&id, &change).json().expect("json");
    assert_eq!(saved["lang"], "en");
    assert_eq!(
        anonymous.get("/api/v1/records").headers()["cache-control"],
        "private, no-cache"
    );
}

#[test]
fn forms_work_behind_a_proxy_that_sends_its_own_host() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_user(dir.path(), "eve", "editor");
    let server = Server::start_with(dir.path(), &["--public-url", "https://savoirs.example.org"]);
    let response = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{}/login", server.base))
        .header("origin", "https://savoirs.example.org")
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[("name", "eve"), ("password", PASSWORD)]))
        .send()
        .expect("login");
    assert_eq!(response.status(), 303);
}

/// A record as GET returns it, without what every save renews.
fn content(record: &Value) -> Value {
    let mut record = record.clone();
    for renewed in ["revision", "updated"] {
        record.as_object_mut().expect("object").remove(renewed);
    }
    record
}

#[test]
fn a_resource_keeps_its_web_address_through_post_get_and_put() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_user(dir.path(), "eve", "editor");
    let token = cli_token(dir.path(), "eve", "script");
    let server = Server::start_with(dir.path(), &["--demo"]);
    let eve = Script::new(&server, Some(&token));
    let web = "https://cartocommune.example.org/";

    // The demo's Carto-Commune, read and sent back as it is: nothing changes.
    let list: Value = eve
        .get("/api/v1/records?kind=resource&per_page=100")
        .json()
        .expect("json");
    let carto = list["records"]
        .as_array()
        .expect("records")
        .iter()
        .find(|r| {
            r["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Carto-Commune"))
        })
        .expect("the demo resource")
        .clone();
    assert_eq!(carto["web_address"], web);
    assert_eq!(
        carto["page_path"],
        format!("/resource/{}", carto["slug"].as_str().expect("slug"))
    );
    assert!(carto.get("url").is_none(), "{carto}");
    let id = carto["id"].as_str().expect("id").to_owned();
    let before: Value = eve
        .get(&format!("/api/v1/records/{id}"))
        .json()
        .expect("json");
    let put = eve.put(&id, &before);
    assert_eq!(put.status(), 200);
    let after: Value = eve
        .get(&format!("/api/v1/records/{id}"))
        .json()
        .expect("json");
    assert_eq!(content(&after), content(&before));
    assert_eq!(after["web_address"], web);
    // The same content put again is stored once: no new revision.
    assert_eq!(after["revision"], before["revision"]);
    let page = server.page(after["page_path"].as_str().expect("page path"));
    assert_eq!(
        select(&page, &format!("a[href='{web}']")).len(),
        1,
        "the page links to the address"
    );

    // A new resource: the address comes back from POST and GET, and survives a PUT.
    let created = eve.post(&json!({
        "kind": "resource", "title": "Annuaire des centres", "status": "published",
        "resource_type": "website", "web_address": "https://annuaire.example.org/",
    }));
    assert_eq!(created.status(), 201);
    let created: Value = created.json().expect("json");
    assert_eq!(created["web_address"], "https://annuaire.example.org/");
    let id = created["id"].as_str().expect("id").to_owned();
    let read: Value = eve
        .get(&format!("/api/v1/records/{id}"))
        .json()
        .expect("json");
    assert_eq!(content(&read), content(&created));
    let mut change = read.clone();
    change["description"] = json!("Un annuaire.");
    let saved: Value = eve.put(&id, &change).json().expect("json");
    assert_eq!(saved["web_address"], "https://annuaire.example.org/");
    assert_eq!(saved["description"], "Un annuaire.");

    // Older scripts: `url` with an address is the address; the page path they
    // read as `url` and send back is ignored.
    let old: Value = eve
        .post(&json!({"kind": "resource", "title": "Guide", "url": "https://guide.example.org/"}))
        .json()
        .expect("json");
    assert_eq!(old["web_address"], "https://guide.example.org/");
    let old_id = old["id"].as_str().expect("id").to_owned();
    let mut sent_back = old.clone();
    sent_back["url"] = sent_back["page_path"].clone();
    let kept: Value = eve.put(&old_id, &sent_back).json().expect("json");
    assert_eq!(kept["web_address"], "https://guide.example.org/");

    // Bad addresses are refused, naming the field, and nothing is saved.
    for (body, field) in [
        (
            json!({"kind": "resource", "title": "X", "web_address": "annuaire.example.org"}),
            "web_address",
        ),
        (
            json!({"kind": "resource", "title": "X", "url": "annuaire.example.org"}),
            "url",
        ),
        (
            json!({"kind": "resource", "title": "X", "url": "https://a.example.org", "web_address": "https://b.example.org"}),
            "url",
        ),
    ] {
        let refused = eve.post(&body);
        assert_eq!(refused.status(), 422, "{body}");
        let error: Value = refused.json().expect("json");
        assert_eq!(error["fields"][0]["field"], field, "{error}");
    }
    let total = |s: &Script| {
        s.get("/api/v1/records?kind=resource")
            .json::<Value>()
            .expect("json")["total"]
            .clone()
    };
    assert_eq!(total(&eve), list["total"].as_u64().expect("n") + 2);
}

#[test]
fn the_description_names_the_web_address_and_the_page_path_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path());
    let doc = server.json("/api/v1/openapi.json");
    let schemas = &doc["components"]["schemas"];
    let resource = &schemas["ResourceRecord"]["properties"];
    assert!(resource["web_address"].is_object(), "{resource}");
    assert!(resource["page_path"].is_object(), "{resource}");
    assert!(resource.get("url").is_none(), "{resource}");
    let input = &schemas["ResourceInput"]["properties"];
    assert!(input["web_address"].is_object());
    assert_eq!(input["url"]["deprecated"], true, "{input}");
    for kind in ["Action", "Method", "Partner", "Concept"] {
        let record = &schemas[format!("{kind}Record")]["properties"];
        assert!(record["page_path"].is_object(), "{kind}");
        assert!(record.get("url").is_none(), "{kind}");
    }
}

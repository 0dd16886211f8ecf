//! Interface languages: French by default, English or Spanish from the browser's
//! `Accept-Language` or from the switch in every page's header, which comes back
//! to the same page and query; records show their language and link to their
//! translations.

use serde_json::json;

use crate::support::*;

/// GET with the given request headers, redirects not followed.
fn get_with(server: &Server, path: &str, headers: &[(&str, &str)]) -> reqwest::blocking::Response {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut request = client.get(format!("{}{path}", server.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

fn html(response: reqwest::blocking::Response) -> scraper::Html {
    scraper::Html::parse_document(&response.text().expect("body"))
}

fn html_lang(page: &scraper::Html) -> String {
    select(page, "html")[0]
        .value()
        .attr("lang")
        .unwrap_or_default()
        .to_owned()
}

fn login_link(page: &scraper::Html) -> String {
    text(&select(page, "nav.account a[href='/login']")[0])
}

#[test]
fn accept_language_picks_the_interface_language() {
    let dir = with_example();
    let server = Server::start(dir.path());
    for (header, lang, login) in [
        (Some("en-GB,en;q=0.9"), "en", "Log in"),
        (Some("es"), "es", "Iniciar sesión"),
        (Some("de-DE,de;q=0.9"), "fr", "Se connecter"),
        (Some("fr-CA"), "fr", "Se connecter"),
        (Some("garbage;;q=x,"), "fr", "Se connecter"),
        (None, "fr", "Se connecter"),
    ] {
        let headers: Vec<(&str, &str)> =
            header.map(|h| ("accept-language", h)).into_iter().collect();
        let response = get_with(&server, "/", &headers);
        assert_eq!(response.status(), 200);
        let vary = response.headers()["vary"]
            .to_str()
            .expect("vary")
            .to_owned();
        assert!(
            vary.contains("Accept-Language") && vary.contains("Cookie"),
            "{vary}"
        );
        let page = html(response);
        assert_eq!(html_lang(&page), lang, "{header:?}");
        assert_eq!(login_link(&page), login, "{header:?}");
        let current: Vec<String> = select(&page, "nav.languages a[aria-current=true]")
            .iter()
            .map(|a| a.value().attr("hreflang").unwrap_or_default().to_owned())
            .collect();
        assert_eq!(current, vec![lang], "{header:?}");
    }

    // A record's labels follow too, and so do error pages.
    let found = server.json("/api/v1/search?q=&kind=action");
    let sheet = found["hits"][0]["url"].as_str().expect("url");
    let page = html(get_with(&server, sheet, &[("accept-language", "en")]));
    let facts: Vec<String> = select(&page, "dl.facts dt").iter().map(text).collect();
    assert_eq!(facts, vec!["Referent", "Lead", "Amount"]);
    assert!(
        text(&select(&page, "dl.facts dd.nowrap")[0]).contains("€520,000"),
        "English amounts"
    );
    let page = html(get_with(&server, sheet, &[("accept-language", "es")]));
    let facts: Vec<String> = select(&page, "dl.facts dt").iter().map(text).collect();
    assert_eq!(facts, vec!["Referente", "Responsable", "Importe"]);

    let missing = get_with(&server, "/nulle-part", &[("accept-language", "en")]);
    assert_eq!(missing.status(), 404);
    let page = html(missing);
    assert_eq!(html_lang(&page), "en");
    assert_eq!(text(&select(&page, "h1")[0]), "Page not found");
    let back = select(&page, "header nav.languages a[hreflang=fr]")[0]
        .value()
        .attr("href")
        .unwrap_or_default()
        .to_owned();
    assert!(back.ends_with("back=%2Fnulle-part"), "{back}");
    let bad = get_with(&server, "/search?page=0", &[("accept-language", "es")]);
    assert_eq!(bad.status(), 400);
    let page = html(bad);
    assert_eq!(text(&select(&page, "h1")[0]), "Solicitud incorrecta");
    let back = select(&page, "header nav.languages a[hreflang=en]")[0]
        .value()
        .attr("href")
        .unwrap_or_default()
        .to_owned();
    assert!(back.ends_with("back=%2Fsearch%3Fpage%3D0"), "{back}");
    assert!(text(&select(&page, "main p")[0]).contains("Parámetro «page» incorrecto"));
}

#[test]
fn q_values_are_honoured() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path());
    for (header, lang) in [
        ("en;q=0.3, es;q=0.8", "es"),
        ("fr;q=0.5, en", "en"),
        ("es;q=0, en;q=0.1", "en"),
        ("de, en;q=0.2, fr;q=0.1", "en"),
        ("*;q=0.5, es;q=0.4", "es"),
        ("en;q=0", "fr"),
    ] {
        let page = html(get_with(&server, "/", &[("accept-language", header)]));
        assert_eq!(html_lang(&page), lang, "{header}");
    }
}

#[test]
fn switching_language_keeps_the_page_and_the_query() {
    let dir = with_example();
    let server = Server::start(dir.path());
    let path = "/search?q=intelligence+collective&kind=action";
    let page = html(get_with(&server, path, &[]));
    let links: Vec<(String, String, String)> = select(&page, "header nav.languages a")
        .iter()
        .map(|a| {
            let v = a.value();
            (
                v.attr("hreflang").unwrap_or_default().to_owned(),
                v.attr("lang").unwrap_or_default().to_owned(),
                v.attr("href").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        links.iter().map(|l| l.0.as_str()).collect::<Vec<_>>(),
        vec!["fr", "en", "es"]
    );
    assert!(links.iter().all(|l| l.0 == l.1));
    let english = &links[1].2;
    assert!(english.starts_with("/lang?"), "{english}");

    // The switch sets the cookie and comes back to the same page and query.
    let switched = get_with(&server, english, &[]);
    assert_eq!(switched.status(), 303);
    assert_eq!(location(&switched), path);
    let set = switched.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(set.starts_with("savoirs_lang=en;"), "{set}");
    assert!(
        set.contains("Path=/") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = set.split(';').next().expect("pair").to_owned();

    // The choice wins over the browser's languages, on every page.
    let page = html(get_with(
        &server,
        path,
        &[("cookie", &cookie), ("accept-language", "es")],
    ));
    assert_eq!(html_lang(&page), "en");
    assert_eq!(
        text(&select(&page, "h1")[0]),
        "Results for “intelligence collective”"
    );
    assert_eq!(
        text(&select(&page, "header nav.languages a[aria-current=true]")[0]),
        "English"
    );
    assert_eq!(
        select(&page, "input[name=q]")[0].value().attr("value"),
        Some("intelligence collective")
    );
    let page = html(get_with(&server, "/thesaurus", &[("cookie", &cookie)]));
    assert_eq!(html_lang(&page), "en");

    // Switching from a page with a session keeps the session working.
    let spanish = select(&page, "header nav.languages a[hreflang=es]")[0]
        .value()
        .attr("href")
        .expect("href")
        .to_owned();
    let switched = get_with(&server, &spanish, &[("cookie", &cookie)]);
    assert_eq!(location(&switched), "/thesaurus");
    assert!(
        switched.headers()["set-cookie"]
            .to_str()
            .expect("cookie")
            .starts_with("savoirs_lang=es;")
    );
}

#[test]
fn the_switch_only_goes_back_to_this_site() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path());
    for back in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "evil.example",
        "",
    ] {
        let path = format!(
            "/lang?set=es&back={}",
            form_body(&[("b", back)]).trim_start_matches("b=")
        );
        let r = get_with(&server, &path, &[]);
        assert_eq!(r.status(), 303, "{back}");
        assert_eq!(location(&r), "/", "{back}");
    }
    // An unknown language changes nothing.
    let r = get_with(&server, "/lang?set=klingon&back=/thesaurus", &[]);
    assert_eq!(location(&r), "/thesaurus");
    assert!(r.headers().get("set-cookie").is_none());
    // A bad cookie value is ignored.
    let page = html(get_with(
        &server,
        "/",
        &[
            ("cookie", "savoirs_lang=<script>"),
            ("accept-language", "es"),
        ],
    ));
    assert_eq!(html_lang(&page), "es");
}

#[test]
fn translations_are_linked_both_ways_and_survive_export() {
    let first = tempfile::tempdir().expect("tempdir");
    import_lines(
        first.path(),
        &[
            json!({"kind": "method", "title": "Animer un forum ouvert", "summary": "Une méthode."}),
            json!({"kind": "method", "title": "Running an open forum", "lang": "en",
                   "summary": "A method.",
                   "related": [{"title": "Animer un forum ouvert", "type": "translation"}]}),
            json!({"kind": "method", "title": "Animar un foro abierto", "lang": "es",
                   "related": [{"title": "Animer un forum ouvert", "type": "translation"}]}),
        ],
    );
    // Export, then import into an empty directory: the links come back.
    let export = savoirs(first.path(), &["export"]);
    assert_success(&export);
    let jsonl = String::from_utf8(export.stdout).expect("utf-8");
    assert_eq!(
        jsonl.matches("\"type\":\"translation\"").count(),
        2,
        "{jsonl}"
    );
    let second = tempfile::tempdir().expect("tempdir");
    let file = second.path().join("export.jsonl");
    std::fs::write(&file, &jsonl).expect("write");
    let data = second.path().join("data");
    assert_success(&savoirs(&data, &["import", file.to_str().expect("path")]));
    let server = Server::start(&data);

    let translations = |page: &scraper::Html| -> Vec<(String, String)> {
        select(page, "section.translations li")
            .iter()
            .map(|li| {
                let a = select_in(li, "a");
                (
                    a.value().attr("hreflang").unwrap_or_default().to_owned(),
                    text(li),
                )
            })
            .collect()
    };
    let french = server.page("/method/animer-un-forum-ouvert");
    assert_eq!(
        text(&select(&french, "section.translations h2")[0]),
        "Traductions"
    );
    assert_eq!(
        translations(&french),
        vec![
            (
                "en".to_owned(),
                "anglais — Running an open forum".to_owned()
            ),
            (
                "es".to_owned(),
                "espagnol — Animar un foro abierto".to_owned()
            ),
        ]
    );
    assert!(
        select(&french, "section.related").is_empty(),
        "not also under “See also”"
    );
    assert!(
        select(&french, "header .record-lang").is_empty(),
        "same language as the interface"
    );

    let english = server.page("/method/running-an-open-forum");
    // The Spanish version names only the French one, yet they find each other.
    assert_eq!(
        translations(&english),
        vec![
            (
                "es".to_owned(),
                "espagnol — Animar un foro abierto".to_owned()
            ),
            (
                "fr".to_owned(),
                "français — Animer un forum ouvert".to_owned()
            ),
        ]
    );
    // Its language differs from the interface's: named, and marked on the content.
    assert_eq!(text(&select(&english, "header .record-lang")[0]), "anglais");
    assert_eq!(select(&english, "h1")[0].value().attr("lang"), Some("en"));
    assert_eq!(
        select(&english, "section.text > div")[0]
            .value()
            .attr("lang"),
        Some("en")
    );
    // Results name the language of records in another one than the interface's.
    let results = server.page("/search?q=forum&kind=method");
    let badges: Vec<(String, String)> = select(&results, "li.hit")
        .iter()
        .map(|hit| {
            let h2 = select_in(hit, "h2");
            let badge = hit
                .select(&scraper::Selector::parse(".record-lang").expect("selector"))
                .next()
                .map(|b| text(&b))
                .unwrap_or_default();
            (
                h2.value().attr("lang").unwrap_or_default().to_owned(),
                badge,
            )
        })
        .collect();
    assert!(
        badges.contains(&("en".to_owned(), "anglais".to_owned())),
        "{badges:?}"
    );
    assert!(
        badges.contains(&(String::new(), String::new())),
        "{badges:?}"
    );
    // Read in English, the same record needs no badge, and names French.
    let page = html(get_with(
        &server,
        "/method/running-an-open-forum",
        &[("accept-language", "en")],
    ));
    assert!(select(&page, "header .record-lang").is_empty());
    assert_eq!(select(&page, "h1")[0].value().attr("lang"), Some("en"));
    assert_eq!(
        translations(&page),
        vec![
            (
                "es".to_owned(),
                "Spanish — Animar un foro abierto".to_owned()
            ),
            (
                "fr".to_owned(),
                "French — Animer un forum ouvert".to_owned()
            )
        ]
    );
    assert_eq!(
        text(&select(&page, "section.translations h2")[0]),
        "Translations"
    );
}

#[test]
fn translations_are_edited_in_the_form_in_any_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    import_lines(
        dir.path(),
        &[
            json!({"kind": "method", "title": "Animer un forum ouvert"}),
            json!({"kind": "method", "title": "Cartographie participative"}),
        ],
    );
    add_user(dir.path(), "eve", "editor");
    let server = Server::start(dir.path());
    let eve = Browser::login(&server, "eve");
    let r = eve.post(
        "/new/method",
        &[
            ("title", "Running an open forum"),
            ("lang", "en"),
            (
                "related",
                "translation: Animer un forum ouvert\nutilise : Cartographie participative",
            ),
            ("intent", "publish"),
        ],
    );
    assert_eq!(r.status(), 303);
    let url = location(&r);
    let edit = eve.page(&format!("{url}/edit"));
    assert_eq!(
        text(&select(&edit, "textarea[name=related]")[0]),
        "traduction : Animer un forum ouvert utilise : Cartographie participative"
    );
    let french = eve.page("/method/animer-un-forum-ouvert");
    assert_eq!(
        text(&select(&french, "section.translations a[hreflang=en]")[0]),
        "Running an open forum"
    );
    // An unknown kind of link is refused on import, naming it.
    let bad = dir.path().with_extension("bad.jsonl");
    std::fs::write(
        &bad,
        format!(
            "{}\n",
            json!({"kind": "method", "title": "X", "related": [{"title": "Animer un forum ouvert", "type": "translated"}]})
        ),
    )
    .expect("write");
    drop(eve);
    drop(server);
    let output = savoirs(dir.path(), &["import", bad.to_str().expect("path")]);
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr).to_string()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("translated"), "{said}");
}

/// The first element under `element` matching a CSS selector.
fn select_in<'a>(element: &scraper::ElementRef<'a>, selector: &str) -> scraper::ElementRef<'a> {
    let s = scraper::Selector::parse(selector).expect("selector");
    element.select(&s).next().expect("element")
}

#[test]
fn keywords_are_shown_in_the_interface_language_where_the_thesaurus_says_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(dir.path(), &["--demo"]);
    let english = [("cookie", "savoirs_lang=en")];
    let results = html(get_with(
        &server,
        "/search?q=%C3%A9piceries+solidaires",
        &english,
    ));
    let tags: Vec<(String, String)> = select(&results, "li.hit a.keyword")
        .iter()
        .map(|a| {
            (
                text(a),
                a.value().attr("href").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    // Shown as the thesaurus says it in English; searched as stored.
    assert!(
        tags.iter().any(|(label, href)| label == "fair trade"
            && href.contains("keyword=commerce+%C3%A9quitable")),
        "{tags:?}"
    );
    let facets: Vec<String> = select(&results, "section.facet li a")
        .iter()
        .map(text)
        .collect();
    assert!(facets.iter().any(|f| f == "fair trade"), "{facets:?}");
    let url = select(&results, "li.hit h2 a")[0]
        .value()
        .attr("href")
        .expect("href")
        .to_owned();
    let page = html(get_with(&server, &url, &english));
    let keywords: Vec<String> = select(&page, "section.keywords li a")
        .iter()
        .map(text)
        .collect();
    assert!(keywords.contains(&"fair trade".to_owned()), "{keywords:?}");
    // In French, the stored keyword.
    let page = server.page(&url);
    let keywords: Vec<String> = select(&page, "section.keywords li a")
        .iter()
        .map(text)
        .collect();
    assert!(
        keywords.contains(&"commerce équitable".to_owned()),
        "{keywords:?}"
    );
}

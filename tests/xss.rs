//! Hostile text in every field renders inert on every page that shows it.

use crate::support::*;

const PAYLOAD: &str = concat!(
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">lien</a>",
    "<svg onload=alert(1)><circle/></svg>",
    "<meta http-equiv=\"refresh\" content=\"0;url=http://evil.example\">",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;",
    "\"><script>alert(1)</script>",
    "\n\n[clic](javascript:alert(1)) <style>body{display:none}</style><form action=http://evil.example><button>ok</button></form>",
    " zorglub"
);

/// Asserts a page holds nothing that could run or redirect.
fn assert_inert(html: &str, page: &str) {
    let doc = scraper::Html::parse_document(html);
    // Our own script, and nothing else but the page's JSON-LD, which is data:
    // valid JSON, with no "<" that could end the element early.
    for script in select(&doc, "script") {
        if script.value().attr("type") == Some("application/ld+json") {
            let json = script.inner_html();
            assert!(!json.contains('<'), "{page}: markup in JSON-LD");
            assert!(
                serde_json::from_str::<serde_json::Value>(&json).is_ok(),
                "{page}: JSON-LD is not JSON"
            );
            continue;
        }
        assert_eq!(
            script.value().attr("src"),
            Some("/static/app.js"),
            "{page}: a script got through"
        );
        assert!(text(&script).is_empty(), "{page}: inline script");
    }
    for bad in [
        "svg",
        "iframe",
        "object",
        "embed",
        "style",
        "meta[http-equiv]",
        "img",
    ] {
        assert!(
            select(&doc, bad).is_empty(),
            "{page}: a <{bad}> got through"
        );
    }
    for element in select(&doc, "*") {
        for (name, value) in element.value().attrs() {
            assert!(!name.starts_with("on"), "{page}: attribute {name}");
            let v = value.trim().to_lowercase();
            assert!(!v.starts_with("javascript:"), "{page}: {name}={value}");
        }
    }
    for form in select(&doc, "form") {
        let action = form.value().attr("action").unwrap_or_default();
        assert!(action.starts_with('/'), "{page}: a form posts to {action}");
    }
    assert!(html.contains("zorglub"), "{page}: the text itself is shown");
}

#[test]
fn classic_payloads_render_inert_everywhere() {
    let dir = with_example();
    add_team(dir.path());
    let server = Server::start(dir.path());
    let eve = Browser::login(&server, "eve");
    let mut pages = Vec::new();
    let forms: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "action",
            [
                "title",
                "archive",
                "referent",
                "pilot",
                "summary",
                "synthesis",
                "strategy",
                "history",
                "presentation",
                "keywords",
            ]
            .into_iter()
            .map(|f| (f, PAYLOAD))
            .chain([("partner_name", "RITIMO"), ("partner_role", "pilot")])
            .collect(),
        ),
        (
            "method",
            [
                "title", "summary", "body", "authors", "source", "date", "keywords",
            ]
            .into_iter()
            .map(|f| (f, PAYLOAD))
            .collect(),
        ),
        (
            "resource",
            ["title", "description", "keywords"]
                .into_iter()
                .map(|f| (f, PAYLOAD))
                .collect(),
        ),
        (
            "partner",
            ["name", "aliases", "description", "country"]
                .into_iter()
                .map(|f| (f, PAYLOAD))
                .collect(),
        ),
    ];
    for (kind, mut fields) in forms {
        fields.extend([("lang", "fr"), ("intent", "publish"), ("message", PAYLOAD)]);
        let r = eve.post(&format!("/new/{kind}"), &fields);
        assert_eq!(r.status(), 303, "create {kind}");
        let url = location(&r);
        // A second revision, for the diff page.
        let edit = eve.page(&format!("{url}/edit"));
        let base = select(&edit, "input[name=base_revision]")[0]
            .value()
            .attr("value")
            .unwrap_or("1")
            .to_owned();
        fields.push(("base_revision", &base));
        let changed = format!("{PAYLOAD} v2");
        fields.retain(|(k, _)| *k != "summary" && *k != "description");
        fields.push(("summary", &changed));
        fields.push(("description", &changed));
        let r = eve.post(&format!("{url}/edit"), &fields);
        assert_eq!(r.status(), 303, "edit {kind}");
        let url = location(&r);
        pages.push(url.clone());
        pages.push(format!("{url}/edit"));
        pages.push(format!("{url}/history"));
        pages.push(format!("{url}/diff?from=1&to=2"));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    pages.push("/search?q=zorglub".into());
    pages.push("/changes".into());
    pages.push("/".into());
    for page in &pages {
        let response = eve.get(page);
        assert_eq!(response.status(), 200, "{page}");
        assert_inert(&response.text().expect("body"), page);
    }
    let anonymous = Browser::anonymous(&server);
    let results = anonymous.get("/search?q=zorglub");
    let body = results.text().expect("body");
    assert_inert(&body, "anonymous results");
    let api = anonymous.json("/api/v1/search?q=zorglub");
    for hit in api["hits"].as_array().expect("hits") {
        let snippet = hit["snippet"].as_str().unwrap_or_default();
        assert!(
            !snippet.contains("<script") && !snippet.contains("<img"),
            "{snippet}"
        );
    }
}

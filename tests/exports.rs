//! Exports over HTTP (CSV of action sheets, JSON Lines, a record as Markdown), each
//! limited to what the viewer may see, and the print stylesheet.

use serde_json::json;

use crate::support::*;

/// The example sheet, plus a draft of carl's and a draft of cora's.
fn data() -> tempfile::TempDir {
    let dir = with_example();
    add_team(dir.path());
    import_lines(
        dir.path(),
        &[
            json!({"kind": "action", "id": "d-carl", "title": "Brouillon de Carl", "status": "draft",
                   "owner": "carl", "amount": {"value": 1234.5, "currency": "EUR"},
                   "period": {"start": 2024, "end": 2025}}),
            json!({"kind": "action", "id": "d-cora", "title": "Brouillon de Cora", "status": "draft",
                   "owner": "cora"}),
        ],
    );
    dir
}

/// The rows of a CSV download, by column name.
fn csv_rows(
    response: reqwest::blocking::Response,
) -> Vec<std::collections::HashMap<String, String>> {
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(disposition, "attachment; filename=\"fiches-action.csv\"");
    let text = response.text().expect("body");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    reader
        .records()
        .map(|row| {
            let row = row.expect("row");
            headers
                .iter()
                .zip(row.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn titles(rows: &[std::collections::HashMap<String, String>]) -> Vec<&str> {
    let mut t: Vec<&str> = rows.iter().map(|r| r["title"].as_str()).collect();
    t.sort_unstable();
    t
}

#[test]
fn csv_of_action_sheets_respects_visibility_and_has_numeric_amounts() {
    let dir = data();
    let server = Server::start(dir.path());
    let anonymous = csv_rows(server.get("/export/actions.csv"));
    assert_eq!(anonymous.len(), 1, "{anonymous:?}");
    let sheet = &anonymous[0];
    assert_eq!(sheet["referent"], "Philippe Amouroux");
    assert_eq!(sheet["period_start"], "2006");
    assert_eq!(sheet["period_end"], "2007");
    assert_eq!(sheet["currency"], "EUR");
    let amount: f64 = sheet["amount"].parse().expect("a plain number");
    assert!((amount - 520_000.0).abs() < f64::EPSILON);
    assert!(sheet["partners"].contains("RITIMO"), "{sheet:?}");
    assert!(!sheet["summary"].is_empty());

    let carl = csv_rows(Browser::login(&server, "carl").get("/export/actions.csv"));
    // Carl sees the published sheet and his own draft, not Cora's.
    assert_eq!(carl.len(), 2, "{:?}", titles(&carl));
    assert!(titles(&carl).contains(&"Brouillon de Carl"));
    assert!(!titles(&carl).contains(&"Brouillon de Cora"));
    let draft = carl
        .iter()
        .find(|r| r["title"] == "Brouillon de Carl")
        .expect("carl's draft");
    assert_eq!(draft["amount"].parse::<f64>().ok(), Some(1234.5));

    let eve = csv_rows(Browser::login(&server, "eve").get("/export/actions.csv"));
    assert_eq!(eve.len(), 3, "{:?}", titles(&eve));
}

#[test]
fn json_lines_dump_respects_visibility() {
    let dir = data();
    let server = Server::start(dir.path());
    let dump = |b: &Browser| -> Vec<serde_json::Value> {
        let response = b.get("/export/records.jsonl");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/jsonl; charset=utf-8"
        );
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .expect("ascii")
                .starts_with("attachment")
        );
        response
            .text()
            .expect("body")
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    };
    let ids = |lines: &[serde_json::Value]| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l["kind"] == "action")
            .map(|l| l["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let anonymous = dump(&Browser::anonymous(&server));
    // Four partners and the sheet.
    assert_eq!(anonymous.len(), 5);
    assert!(
        anonymous
            .iter()
            .all(|l| l["status"].as_str().is_none_or(|s| s == "published"))
    );
    let carl = dump(&Browser::login(&server, "carl"));
    assert!(ids(&carl).contains(&"d-carl".to_owned()));
    assert!(!ids(&carl).contains(&"d-cora".to_owned()));
    let eve = dump(&Browser::login(&server, "eve"));
    assert_eq!(eve.len(), 7);
    // What an editor downloads imports back as is.
    let copy = tempfile::tempdir().expect("tempdir");
    import_lines(copy.path(), &eve);
    let output = savoirs(copy.path(), &["export"]);
    assert_success(&output);
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 7);
}

#[test]
fn a_record_as_markdown() {
    let dir = data();
    let server = Server::start(dir.path());
    let url = server.json("/api/v1/search?q=&kind=action")["hits"][0]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let html = server.page(&url);
    let link = select(&html, "a[type='text/markdown']");
    assert_eq!(link.len(), 1);
    assert_eq!(
        link[0].value().attr("href"),
        Some(format!("{url}/markdown").as_str())
    );

    let response = server.get(&format!("{url}/markdown"));
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/markdown; charset=utf-8"
    );
    let slug = url.rsplit('/').next().expect("slug");
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=\"{slug}.md\"").as_str()
    );
    let md = response.text().expect("body");
    assert!(md.starts_with("---\nkind: action\n"), "{md}");
    assert!(md.contains("partners: "), "{md}");
    for heading in [
        "\n# Accompagner des partenaires",
        "\n## Résumé\n",
        "\n## Synthèse\n",
        "\n## Inscription dans la stratégie d'ensemble\n",
        "\n## Historique\n",
        "\n## Présentation\n",
    ] {
        assert!(md.contains(heading), "{heading:?} missing from\n{md}");
    }

    // Drafts only to those who may see them; ids redirect to the address.
    assert_eq!(server.get("/action/d-carl/markdown").status(), 404);
    let carl = Browser::login(&server, "carl");
    let moved = carl.get("/action/d-carl/markdown");
    assert_eq!(moved.status(), 301);
    assert_eq!(location(&moved), "/action/brouillon-de-carl/markdown");
    assert_eq!(carl.get("/action/brouillon-de-carl/markdown").status(), 200);
    assert_eq!(
        Browser::login(&server, "cora")
            .get("/action/brouillon-de-carl/markdown")
            .status(),
        404
    );
    assert_eq!(server.get("/poem/x/markdown").status(), 404);

    // The home page offers the exports.
    let home = server.page("/");
    let hrefs: Vec<&str> = select(&home, ".alternates a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(hrefs.contains(&"/export/actions.csv"), "{hrefs:?}");
    assert!(hrefs.contains(&"/export/records.jsonl"), "{hrefs:?}");
}

#[test]
fn documents_print_without_the_site_around_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path());
    let css = server.get("/static/style.css").text().expect("css");
    let print = css
        .split("@media print")
        .nth(1)
        .and_then(|rest| rest.trim_start().strip_prefix('{'))
        .and_then(|rest| rest.split("\n}").next())
        .expect("a print block");
    for hidden in [
        "header.site",
        "footer.site",
        "form",
        "button",
        "nav",
        ".tools",
    ] {
        let rule = print
            .split('}')
            .find(|r| r.contains("display: none"))
            .expect("a rule hiding things");
        assert!(
            rule.split('{')
                .next()
                .unwrap_or_default()
                .split(',')
                .any(|s| s.trim() == hidden),
            "{hidden} is printed:\n{print}"
        );
    }
    assert!(
        print.contains(r##"a[href]:not([href^="#"])::after { content: " (" attr(href) ")""##),
        "{print}"
    );
    // Links inside the site print with the site's address before their path.
    let page = server.page("/");
    let sheet = select(&page, "link[rel=stylesheet][media=print]");
    let href = sheet[0].value().attr("href").expect("href");
    let rules = server.get(href).text().expect("css");
    let origin = &server.base;
    assert!(
        rules.contains(&format!(
            r#"a[href^="/"]::after {{ content: " (" "{origin}" attr(href) ")""#
        )),
        "{rules}"
    );
}

//! Attached files: uploaded through the attachments page and the API, typed
//! from their content, their text searched with the record, downloaded as
//! they were sent and only by those who may see the record; hostile files end
//! with a clear outcome; backups, imports and `check` carry them.

use crate::support::*;

const PDF: &str = "compte-rendu-atelier.pdf";
const ODT: &str = "carnet-de-bord.odt";

fn setup(extra: &[&str]) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("temp dir");
    add_team(dir.path());
    let server = Server::start_with(dir.path(), extra);
    (dir, server)
}

/// A draft method created by `b`; its address.
fn new_method(b: &Browser, title: &str) -> String {
    let r = b.post(
        "/new/method",
        &[
            ("title", title),
            ("summary", "Une méthode pour travailler ensemble."),
            ("lang", "fr"),
            ("base_revision", "0"),
            ("intent", "save"),
        ],
    );
    assert_eq!(r.status(), 303, "created");
    location(&r)
}

/// The revision a record's attachments page shows.
fn base_of(b: &Browser, url: &str) -> String {
    let page = b.page(&format!("{url}/attachments"));
    select(&page, "form.upload input[name=base]")[0]
        .value()
        .attr("value")
        .expect("base")
        .to_owned()
}

/// Attaches a fixture file from the attachments page; the response.
fn attach(b: &Browser, url: &str, name: &str, title: &str) -> reqwest::blocking::Response {
    let base = base_of(b, url);
    b.upload(
        &format!("{url}/attachments/upload"),
        &[("base", &base), ("title", title), ("lang", "fr")],
        ("file", name, &fixture_file(name)),
        &[],
    )
}

/// The hits' (url, file, page) for a query, as the API gives them to `b`.
fn file_hits(b: &Browser, q: &str) -> Vec<(String, String, Option<u64>)> {
    let found = b.json(&format!(
        "/api/v1/search?q={}",
        form_body(&[("", q)])[1..].to_owned()
    ));
    found["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            (
                h["url"].as_str().unwrap_or_default().to_owned(),
                h["file"]["file"].as_str().unwrap_or_default().to_owned(),
                h["file"]["page"].as_u64(),
            )
        })
        .collect()
}

/// Download links of a record's page, by file name.
fn download_url(b: &Browser, url: &str, name: &str) -> String {
    let page = b.page(url);
    select(&page, "section.attachments a[download]")
        .iter()
        .find(|a| a.value().attr("download") == Some(name))
        .and_then(|a| a.value().attr("href"))
        .unwrap_or_else(|| panic!("no download link for {name} on {url}"))
        .to_owned()
}

#[test]
fn a_pdf_and_an_odt_are_found_by_their_words_downloaded_whole_and_their_removal_undone() {
    let (_dir, server) = setup(&[]);
    let carl = Browser::login(&server, "carl");
    let url = new_method(&carl, "Cartographier son quartier");

    let r = attach(&carl, &url, PDF, "Compte rendu de l'atelier");
    assert_eq!(r.status(), 303, "attached");
    assert_eq!(location(&r), format!("{url}#fichiers"));
    let flash = r.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(flash.contains("flash.attached;"), "{flash}");
    assert_eq!(attach(&carl, &url, ODT, "").status(), 303);

    // A word found only in the PDF's second page finds the method, and the
    // hit says where; one found only in the ODT too.
    assert_eq!(
        file_hits(&carl, "hydrographie"),
        vec![(url.clone(), PDF.to_owned(), Some(2))]
    );
    assert_eq!(
        file_hits(&carl, "ethnobotanique"),
        vec![(url.clone(), ODT.to_owned(), None)]
    );
    let results = carl.page("/search?q=hydrographie");
    let place = text(&select(&results, "p.in-file")[0]);
    assert_eq!(place, format!("dans {PDF}, p. 2"));
    let snippet = select(&results, "p.snippet mark");
    assert!(text(&snippet[0]).to_lowercase().contains("hydrographie"));

    // The page lists them with type, size and page count; they download as sent.
    let page = carl.page(&url);
    let listed: Vec<String> = select(&page, "section.attachments li.file")
        .iter()
        .map(text)
        .collect();
    assert!(
        listed[0].contains("Compte rendu de l'atelier")
            && listed[0].contains("PDF")
            && listed[0].contains("3 pages"),
        "{listed:?}"
    );
    for name in [PDF, ODT] {
        let got = carl.get(&download_url(&carl, &url, name));
        assert_eq!(got.status(), 200);
        assert_eq!(
            got.bytes().expect("bytes").as_ref(),
            fixture_file(name).as_slice(),
            "{name}"
        );
    }

    // Removing the ODT is a revision; restoring the one before brings it back.
    let manage = carl.page(&format!("{url}/attachments"));
    let forms = select(&manage, "section.file-card form.inline");
    let odt_hash = forms[1]
        .select(&scraper::Selector::parse("input[name=file]").expect("selector"))
        .next()
        .and_then(|i| i.value().attr("value"))
        .expect("hash")
        .to_owned();
    let before = base_of(&carl, &url);
    let r = carl.post(
        &format!("{url}/attachments/remove"),
        &[("base", &before), ("file", &odt_hash)],
    );
    assert_eq!(r.status(), 303);
    assert!(
        file_hits(&carl, "ethnobotanique").is_empty(),
        "no longer found"
    );
    let history = carl.page(&format!("{url}/history"));
    assert!(text(&select(&history, "main")[0]).contains("Fichier retiré : carnet-de-bord.odt"));
    let now = base_of(&carl, &url);
    let r = carl.post(
        &format!("{url}/restore"),
        &[("revision", &before), ("current", &now), ("confirm", "yes")],
    );
    assert_eq!(r.status(), 303, "restored");
    assert_eq!(
        file_hits(&carl, "ethnobotanique"),
        vec![(url.clone(), ODT.to_owned(), None)]
    );
}

#[test]
fn a_files_text_never_outranks_a_records_own_title() {
    let (_dir, server) = setup(&[]);
    let eve = Browser::login(&server, "eve");
    let titled = new_method(&eve, "Hydrographie des quartiers");
    let filed = new_method(&eve, "Une méthode sans rapport");
    let words = "L'hydrographie, encore l'hydrographie : hydrographie partout. ".repeat(40);
    let base = base_of(&eve, &filed);
    let r = eve.upload(
        &format!("{filed}/attachments/upload"),
        &[("base", &base)],
        ("file", "notes.txt", words.as_bytes()),
        &[],
    );
    assert_eq!(r.status(), 303);
    let hits = file_hits(&eve, "hydrographie");
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].0, titled, "{hits:?}");
    assert_eq!(hits[1], (filed, "notes.txt".to_owned(), None));
}

#[test]
fn hostile_files_each_get_a_clear_outcome_and_the_server_keeps_answering() {
    let (dir, server) = setup(&["--max-upload", "1"]);
    let carl = Browser::login(&server, "carl");
    let url = new_method(&carl, "Fichiers douteux");
    let refused = |name: &str, bytes: &[u8]| {
        let base = base_of(&carl, &url);
        carl.upload(
            &format!("{url}/attachments/upload"),
            &[("base", &base), ("title", "Mon titre tapé")],
            ("file", name, bytes),
            &[],
        )
    };
    // Refused before anything is stored: the page again, with the reason and
    // what was typed.
    for (name, bytes, status, reason) in [
        (
            "page.pdf",
            fixture_file("page.pdf"),
            422,
            "Le nom annonce un fichier PDF mais son contenu est du HTML",
        ),
        ("dessin.svg", fixture_file("dessin.svg"), 422, "SVG"),
        (
            "gros.txt",
            vec![b'a'; 1024 * 1024 + 10],
            413,
            "dépasse la taille permise (1 Mio)",
        ),
        ("vide.txt", Vec::new(), 422, "Choisissez un fichier"),
    ] {
        let r = refused(name, &bytes);
        assert_eq!(r.status(), status, "{name}");
        let page = scraper::Html::parse_document(&r.text().expect("page"));
        let error = text(&select(&page, "#upload-error")[0]);
        assert!(error.contains(reason), "{name}: {error}");
        let typed = select(&page, "#a-title")[0]
            .value()
            .attr("value")
            .unwrap_or_default()
            .to_owned();
        assert_eq!(typed, "Mon titre tapé", "{name}");
    }
    // Taken, but their text could not be read: the editor sees why.
    for name in ["tronque.pdf", "chiffre.pdf", "bombe.odt"] {
        let r = attach(&carl, &url, name, "");
        assert_eq!(r.status(), 303, "{name}");
    }
    let manage = carl.page(&format!("{url}/attachments"));
    let reasons: Vec<String> = select(&manage, "section.file-card")
        .iter()
        .map(text)
        .collect();
    assert_eq!(reasons.len(), 3);
    assert!(
        reasons.iter().all(|r| r.contains("Texte non extrait")),
        "{reasons:?}"
    );
    assert!(reasons[1].contains("chiffré"), "{reasons:?}");
    assert!(reasons[2].contains("bombe zip"), "{reasons:?}");
    assert_eq!(server.get("/").status(), 200, "still answering");

    // A draft's file is hidden like the draft, by its record's address and by
    // its hash alone.
    let href = download_url(&carl, &url, "chiffre.pdf");
    assert_eq!(carl.get(&href).status(), 200);
    let anonymous = Browser::anonymous(&server);
    assert_eq!(anonymous.get(&href).status(), 404);
    let hash = href.split('/').nth(4).expect("hash");
    assert_eq!(anonymous.get(&format!("/files/{hash}")).status(), 404);
    assert_eq!(Browser::login(&server, "cora").get(&href).status(), 404);

    drop(server);
    let check = savoirs(dir.path(), &["check"]);
    assert_success(&check);
    assert!(String::from_utf8_lossy(&check.stdout).starts_with("ok:"));
}

#[test]
fn downloads_answer_ranges_and_etags_and_never_run_as_pages() {
    let (_dir, server) = setup(&[]);
    let eve = Browser::login(&server, "eve");
    let url = new_method(&eve, "Téléchargements");
    assert_eq!(attach(&eve, &url, PDF, "").status(), 303);
    let base = base_of(&eve, &url);
    let html = b"<html><body><script>alert(1)</script>page</body></html>";
    let r = eve.upload(
        &format!("{url}/attachments/upload"),
        &[("base", &base)],
        ("file", "page.html", html),
        &[],
    );
    assert_eq!(r.status(), 303);

    let pdf = download_url(&eve, &url, PDF);
    let whole = fixture_file(PDF);
    let r = eve.get(&pdf);
    let etag = r.headers()["etag"].to_str().expect("etag").to_owned();
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .expect("cd")
            .starts_with("inline;")
    );
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");

    let client = reqwest::blocking::Client::new();
    let cookie = eve.cookie().expect("cookie");
    let get = |headers: &[(&str, &str)]| {
        let mut req = client
            .get(format!("{}{pdf}", server.base))
            .header("cookie", cookie);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().expect("get")
    };
    let part = get(&[("range", "bytes=10-19")]);
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 10-19/{}", whole.len()).as_str()
    );
    assert_eq!(part.bytes().expect("bytes").as_ref(), &whole[10..20]);
    assert_eq!(get(&[("range", "bytes=999999-")]).status(), 416);
    assert_eq!(get(&[("if-none-match", &etag)]).status(), 304);

    let page = eve.get(&download_url(&eve, &url, "page.html"));
    assert!(
        page.headers()["content-disposition"]
            .to_str()
            .expect("cd")
            .starts_with("attachment;")
    );
    assert_eq!(page.headers()["content-type"], "application/octet-stream");
}

#[test]
fn scripts_attach_files_through_the_api_with_clear_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    add_team(dir.path());
    let token = cli_token(dir.path(), "carl", "script");
    let server = Server::start_with(dir.path(), &["--max-upload", "1"]);
    let carl = Browser::login(&server, "carl");
    let url = new_method(&carl, "Par l'API");
    let record = carl.json("/api/v1/records?kind=method");
    let id = record["records"][0]["id"].as_str().expect("id").to_owned();
    let client = reqwest::blocking::Client::new();
    let send = |fields: &[(&str, &str)], file: (&str, &str, &[u8])| {
        let (content_type, body) = multipart_body(fields, file);
        client
            .post(format!("{}/api/v1/records/{id}/attachments", server.base))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .expect("post")
    };
    let pdf = fixture_file(PDF);
    let r = send(
        &[("revision", "1"), ("title", "Rapport")],
        ("file", PDF, &pdf),
    );
    assert_eq!(r.status(), 200);
    let saved: serde_json::Value = r.json().expect("json");
    let a = &saved["attachments"][0];
    assert_eq!(a["name"], PDF);
    assert_eq!(a["media_type"], "application/pdf");
    assert_eq!(a["pages"], 3);
    assert_eq!(saved["revision"], 2);
    let path = a["download_path"].as_str().expect("path");
    assert!(path.starts_with(&format!("{url}/files/")), "{path}");

    let r = send(
        &[("revision", "2")],
        ("file", "page.pdf", &fixture_file("page.pdf")),
    );
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().expect("json");
    assert!(
        body["error"].as_str().unwrap_or_default().contains("HTML"),
        "{body}"
    );
    let r = send(
        &[("revision", "2")],
        ("file", "big.txt", &vec![b'a'; 1024 * 1024 + 10]),
    );
    assert_eq!(r.status(), 413);
    let r = send(&[], ("file", PDF, &pdf));
    assert_eq!(r.status(), 400, "no revision");
    // Sent back as read, the record keeps its files.
    let mut back = saved.clone();
    back["summary"] = "Changé par un script.".into();
    let r = client
        .put(format!("{}/api/v1/records/{id}", server.base))
        .header("authorization", format!("Bearer {token}"))
        .json(&back)
        .send()
        .expect("put");
    assert_eq!(r.status(), 200);
    let now: serde_json::Value = r.json().expect("json");
    assert_eq!(now["attachments"][0]["name"], PDF);
}

#[test]
fn backups_imports_and_exports_carry_the_files() {
    let (dir, server) = setup(&[]);
    let eve = Browser::login(&server, "eve");
    let url = new_method(&eve, "Sauvegardée avec ses fichiers");
    assert_eq!(attach(&eve, &url, PDF, "").status(), 303);
    drop(server);

    let backup = dir.path().join("base.backup.jsonl");
    assert_success(&savoirs(
        dir.path(),
        &["backup", "-o", backup.to_str().expect("path")],
    ));
    let restored = tempfile::tempdir().expect("temp dir");
    assert_success(&savoirs(
        restored.path(),
        &["restore", backup.to_str().expect("path")],
    ));
    let check = savoirs(restored.path(), &["check"]);
    assert_success(&check);

    // A folder of a hundred files and a metadata.csv: records made, text searchable.
    let folder = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("kind,title,keywords,file,file_title\n");
    for i in 0..100 {
        let name = format!("note-{i:03}.txt");
        let text = format!("Note {i} du centre de documentation : mot{i:03}rare et jardinage.");
        std::fs::write(folder.path().join(&name), text).expect("write");
        csv.push_str(&format!("method,Fiche {i:03},jardins,{name},Note {i}\n"));
    }
    std::fs::write(folder.path().join("metadata.csv"), csv).expect("csv");
    let base = tempfile::tempdir().expect("temp dir");
    let imported = savoirs(
        base.path(),
        &["import", folder.path().to_str().expect("path")],
    );
    assert_success(&imported);
    let said = String::from_utf8_lossy(&imported.stderr);
    assert!(
        said.contains("took in 100 attached file(s)") && said.contains("imported 100 record(s)"),
        "{said}"
    );
    assert_success(&savoirs(base.path(), &["check"]));
    let server = Server::start(base.path());
    let found = server.json("/api/v1/search?q=mot042rare");
    assert_eq!(found["total"], 1);
    assert_eq!(found["hits"][0]["file"]["file"], "note-042.txt");
    drop(server);

    // Exported with the files beside, imported into a new base: nothing lost.
    let out = tempfile::tempdir().expect("temp dir");
    let jsonl = out.path().join("base.jsonl");
    let files = out.path().join("fichiers");
    assert_success(&savoirs(
        base.path(),
        &[
            "export",
            "-o",
            jsonl.to_str().expect("path"),
            "--files",
            files.to_str().expect("path"),
        ],
    ));
    let line = std::fs::read_to_string(&jsonl).expect("export");
    assert!(
        line.contains("\"path\":\"fichiers/note-000.txt\""),
        "{}",
        &line[..300.min(line.len())]
    );
    let again = tempfile::tempdir().expect("temp dir");
    assert_success(&savoirs(
        again.path(),
        &["import", jsonl.to_str().expect("path")],
    ));
    let reexported = savoirs(again.path(), &["export"]);
    let original = savoirs(base.path(), &["export"]);
    assert_eq!(
        reexported.stdout, original.stdout,
        "the round trip loses nothing"
    );
}

//! OAI-PMH: a real harvester takes the whole base through resumption tokens,
//! every response valid against the protocol's schemas; every bad request gets
//! its protocol error with HTTP 200.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::json;

use crate::support::*;

/// The Python of the virtualenv `.ci/run` makes with Sickle and xmlschema.
fn harvester_python() -> Option<PathBuf> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/oai-venv/bin/python");
    if python.exists() {
        return Some(python);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "target/oai-venv is missing: .ci/run makes it"
    );
    eprintln!(
        "skipped: no harvester (python3 -m venv target/oai-venv && \
         target/oai-venv/bin/pip install sickle xmlschema)"
    );
    None
}

/// The demo content, 150 more methods (so that lists come in pages), a concept
/// nothing uses and a draft.
fn base(data: &Path) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/demo.jsonl");
    assert_success(&savoirs(data, &["import", demo.to_str().expect("path")]));
    let mut lines: Vec<serde_json::Value> = (1..=150)
        .map(|n| {
            json!({"kind": "method", "title": format!("Méthode d'animation numéro {n}"),
                   "summary": "Une méthode pour animer une réunion.",
                   "partners": [{"name": "Atelier des Communs Citoyens", "role": "author"}],
                   "keywords": ["facilitation"]})
        })
        .collect();
    lines.push(json!({"kind": "concept", "label": "Notion à retirer"}));
    lines.push(json!({"kind": "method", "title": "Brouillon jamais publié", "status": "draft"}));
    import_lines(data, &lines);
}

/// The records a harvester may see, those published, by kind.
fn published(data: &Path) -> std::collections::BTreeMap<String, usize> {
    let output = savoirs(data, &["export"]);
    assert_success(&output);
    let mut kinds = std::collections::BTreeMap::new();
    for line in String::from_utf8(output.stdout).expect("utf-8").lines() {
        let record: serde_json::Value = serde_json::from_str(line).expect("json");
        if record["status"].as_str().is_none_or(|s| s == "published") {
            let kind = record["kind"].as_str().expect("kind").to_owned();
            *kinds.entry(kind).or_default() += 1;
        }
    }
    kinds
}

#[test]
fn a_real_harvester_takes_the_whole_base() {
    let Some(python) = harvester_python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    base(dir.path());
    let kinds = published(dir.path());
    let expected: usize = kinds.values().sum();
    add_user(dir.path(), "eve", "editor");
    let server = Server::start(dir.path());
    let eve = Browser::login(&server, "eve");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oai/harvest.py");
    let mut harvester = Command::new(python)
        .arg(script)
        .arg(format!("{}/oai", server.base))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the harvester");
    let mut out = BufReader::new(harvester.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("read");
    assert_eq!(line.trim(), "PAUSE", "the harvester did not start");

    // Mid-harvest, a concept goes, in a later second than the base was made:
    // datestamps count seconds, and a change made in the same second as the
    // records already listed sorts among them, behind the harvester's place,
    // where OAI-PMH promises it only to the next harvest.
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    let r = eve.post("/concept/notion-a-retirer/delete", &[("confirm", "yes")]);
    assert_eq!(r.status(), 303, "deleted");
    writeln!(harvester.stdin.as_mut().expect("stdin")).expect("go on");

    line.clear();
    out.read_line(&mut line).expect("read the summary");
    let status = harvester.wait().expect("harvester");
    assert!(status.success(), "the harvester failed: {line}");
    let summary: serde_json::Value = serde_json::from_str(&line).expect("summary");

    assert_eq!(summary["records"], expected, "{summary}");
    assert_eq!(summary["paged"], true, "{summary}");
    let deleted = summary["deleted"].as_array().expect("deleted");
    assert_eq!(deleted.len(), 1, "{summary}");
    let titles = summary["titles"].as_array().expect("titles");
    assert!(!titles.iter().any(|t| t == "Brouillon jamais publié"));
    assert!(!titles.iter().any(|t| t == "Notion à retirer"));
    assert!(titles.iter().any(|t| t == "Méthode d'animation numéro 150"));
    let sets = &summary["sets"];
    // The deleted concept counts: it is there, as deleted.
    for (kind, n) in &kinds {
        assert_eq!(sets[format!("kind:{kind}")], *n, "{kind}: {sets}");
    }
    assert_eq!(sets["kind"], expected, "{sets}");
    assert!(sets["partner"].as_u64().expect("partner") >= 150, "{sets}");
    assert!(summary["validated"].as_u64().expect("validated") > 50);
}

/// The `code` of the response's error, after checking what every answer is:
/// 200, XML.
fn error_code(server: &Server, query: &str) -> String {
    let r = server.get(&format!("/oai?{query}"));
    assert_eq!(r.status(), 200, "{query}");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/xml"),
        "{query}"
    );
    let body = r.text().expect("body");
    let Some(at) = body.find("<error code=\"") else {
        return String::new();
    };
    let rest = &body[at + 13..];
    rest[..rest.find('"').expect("end of code")].to_owned()
}

#[test]
fn every_bad_request_gets_its_protocol_error() {
    let dir = with_example();
    import_lines(
        dir.path(),
        &[
            json!({"kind": "method", "id": "brouillon", "title": "Brouillon", "status": "draft"}),
            json!({"kind": "method", "id": "publiee", "title": "Méthode publiée"}),
        ],
    );
    let server = Server::start(dir.path());
    let id = "publiee";
    let host = "127.0.0.1";
    for (query, code) in [
        ("", "badVerb"),
        ("verb=Dance", "badVerb"),
        ("verb=Identify&verb=Identify", "badArgument"),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc",
            "badArgument",
        ),
        ("verb=Identify&set=x", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        ("verb=GetRecord&metadataPrefix=oai_dc", "badArgument"),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2024-13-01",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=yesterday",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2030-01-01T00:00:00Z",
            "badArgument",
        ),
        ("verb=ListRecords&resumptionToken=abc", "badResumptionToken"),
        (
            "verb=ListRecords&resumptionToken=abc&metadataPrefix=oai_dc",
            "badArgument",
        ),
        ("verb=ListSets&resumptionToken=abc", "badResumptionToken"),
        (
            "verb=ListRecords&metadataPrefix=marc21",
            "cannotDisseminateFormat",
        ),
        (
            "verb=ListIdentifiers&metadataPrefix=mods",
            "cannotDisseminateFormat",
        ),
        (
            "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:nothing",
            "idDoesNotExist",
        ),
        (
            "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:brouillon",
            "idDoesNotExist",
        ),
        (
            "verb=ListMetadataFormats&identifier=oai:elsewhere.org:x",
            "idDoesNotExist",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01",
            "noRecordsMatch",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&set=partner:nobody",
            "noRecordsMatch",
        ),
        ("verb=Identify", ""),
        ("verb=ListSets", ""),
        ("verb=ListMetadataFormats", ""),
        (
            "verb=ListIdentifiers&metadataPrefix=oai_dc&set=kind:action",
            "",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&until=2999-01-01",
            "",
        ),
    ] {
        assert_eq!(error_code(&server, query), code, "{query}");
    }
    let identifier = format!("oai:{host}:{id}");
    assert_eq!(
        error_code(
            &server,
            &format!("verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier}")
        ),
        ""
    );
    let record = server
        .get(&format!(
            "/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier}"
        ))
        .text()
        .expect("body");
    assert!(record.contains("<dc:title xml:lang=\"fr\">"), "{record}");
    // POST, as harvesters may send it, answers the same.
    let client = reqwest::blocking::Client::new();
    let posted = client
        .post(format!("{}/oai", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("verb=Identify")
        .send()
        .expect("post");
    assert_eq!(posted.status(), 200);
    assert!(
        posted
            .text()
            .expect("body")
            .contains("<deletedRecord>persistent</deletedRecord>")
    );
}

//! Import and export through the CLI: the example sheet, bad lines, round trips.

use crate::support::*;

#[test]
fn importing_the_example_creates_the_sheet_and_four_partners() {
    let dir = with_example();
    let output = savoirs(dir.path(), &["export"]);
    assert_success(&output);
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .expect("utf8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let partners: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["kind"] == "partner").collect();
    let mut labels: Vec<&str> = partners
        .iter()
        .map(|p| {
            p["acronym"]
                .as_str()
                .or(p["name"].as_str())
                .unwrap_or_default()
        })
        .collect();
    labels.sort_unstable();
    assert_eq!(labels, vec!["ANCRESOL", "Ecosol", "Exemole", "RITIMO"]);
    assert!(
        partners
            .iter()
            .all(|p| p["description"].as_str().is_some_and(|d| d.len() > 50))
    );

    let actions: Vec<&serde_json::Value> = lines.iter().filter(|l| l["kind"] == "action").collect();
    assert_eq!(actions.len(), 1);
    let sheet = actions[0];
    assert_eq!(sheet["referent"], "Philippe Amouroux");
    assert_eq!(
        sheet["amount"],
        serde_json::json!({"value": 520000, "currency": "EUR"})
    );
    assert_eq!(
        sheet["period"],
        serde_json::json!({"start": 2006, "end": 2007})
    );
    assert_eq!(sheet["partners"].as_array().map(Vec::len), Some(4));

    // Importing it again completes nothing and duplicates no partner.
    assert_success(&savoirs(
        dir.path(),
        &["import", example().to_str().expect("path")],
    ));
    let again = savoirs(dir.path(), &["export"]);
    let partner_lines = String::from_utf8(again.stdout)
        .expect("utf8")
        .lines()
        .filter(|l| l.contains(r#""kind":"partner""#))
        .count();
    assert_eq!(partner_lines, 4);
}

#[test]
fn export_import_export_is_identical() {
    let dir = with_example();
    // Demo content too: every kind, links by name, related records.
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/demo.jsonl");
    assert_success(&savoirs(
        dir.path(),
        &["import", demo.to_str().expect("path")],
    ));
    let first = savoirs(dir.path(), &["export"]);
    assert_success(&first);

    let dump = dir.path().join("dump.jsonl");
    std::fs::write(&dump, &first.stdout).expect("write dump");
    let fresh = tempfile::tempdir().expect("tempdir");
    assert_success(&savoirs(
        fresh.path(),
        &["import", dump.to_str().expect("path")],
    ));
    let second = savoirs(fresh.path(), &["export"]);
    assert_success(&second);
    assert_eq!(
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&second.stdout)
    );
    let check = savoirs(fresh.path(), &["check"]);
    assert_success(&check);
}

#[test]
fn a_malformed_file_imports_its_good_lines_and_names_the_bad_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("mixed.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"kind":"partner","name":"Réseau des forums"}"#, "\n",
            r#"{"kind":"method","title":"Animer un forum" "#, "\n",
            r#"{"kind":"method","summary":"Sans titre"}"#, "\n",
            "\n",
            r#"{"kind":"action","title":"Forum des savoirs","partners":[{"name":"Réseau des forums","role":"pilot"}]}"#, "\n",
        ),
    )
    .expect("write");
    let data = dir.path().join("data");
    let output = savoirs(&data, &["import", file.to_str().expect("path")]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "non-zero exit when lines are rejected"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("mixed.jsonl:2: invalid JSON"), "{stderr}");
    assert!(
        stderr.contains("mixed.jsonl:3: missing field `title`"),
        "{stderr}"
    );
    assert!(stderr.contains("imported 2 record(s)"), "{stderr}");

    let server = Server::start(&data);
    let r = server.json("/api/v1/search?q=forum");
    let titles = hit_titles(&r);
    assert!(
        titles.contains(&"Forum des savoirs".to_owned()),
        "{titles:?}"
    );
    assert!(!titles.contains(&"Animer un forum".to_owned()));
    assert_eq!(
        r["hits"][0]["partners"],
        serde_json::json!(["Réseau des forums"])
    );
}

#[test]
fn unreadable_files_are_reported_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let binary = dir.path().join("image.jsonl");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x42]).expect("write");
    let good = dir.path().join("good.jsonl");
    std::fs::write(&good, r#"{"kind":"partner","name":"Exemole"}"#).expect("write");
    let data = dir.path().join("data");
    let output = savoirs(
        &data,
        &[
            "import",
            binary.to_str().expect("p"),
            "missing.jsonl",
            good.to_str().expect("p"),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    assert!(stderr.contains("missing.jsonl: cannot read"), "{stderr}");
    assert!(stderr.contains("imported 1 record(s)"), "{stderr}");
}

#[test]
fn a_resource_web_address_survives_export_and_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    // One line as files are written now, one as older exports wrote it.
    import_lines(
        &data,
        &[
            serde_json::json!({"kind": "resource", "id": "carto", "title": "Carto-Commune",
                "resource_type": "tool", "web_address": "https://cartocommune.example.org/"}),
            serde_json::json!({"kind": "resource", "id": "guide", "title": "Petit guide",
                "resource_type": "publication", "url": "https://guide.example.org/guide.pdf"}),
        ],
    );
    let first = savoirs(&data, &["export"]);
    assert_success(&first);
    let text = String::from_utf8(first.stdout.clone()).expect("utf8");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let addresses: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            assert!(l.get("url").is_none(), "{l}");
            (
                l["id"].as_str().unwrap_or_default(),
                l["web_address"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        addresses,
        [
            ("carto", "https://cartocommune.example.org/"),
            ("guide", "https://guide.example.org/guide.pdf")
        ]
    );

    let dump = dir.path().join("dump.jsonl");
    std::fs::write(&dump, &first.stdout).expect("write dump");
    let fresh = dir.path().join("fresh");
    assert_success(&savoirs(&fresh, &["import", dump.to_str().expect("path")]));
    let second = savoirs(&fresh, &["export"]);
    assert_success(&second);
    assert_eq!(text, String::from_utf8_lossy(&second.stdout));

    let markdown = savoirs(&fresh, &["export", "--format", "markdown"]);
    assert_success(&markdown);
    assert!(
        String::from_utf8_lossy(&markdown.stdout)
            .contains("web_address: https://cartocommune.example.org/\n"),
        "the Markdown export keeps the address"
    );
    let server = Server::start(&fresh);
    let carto = server.json("/api/v1/records/carto");
    assert_eq!(carto["web_address"], "https://cartocommune.example.org/");
    assert_eq!(carto["page_path"], "/resource/carto-commune");
}

#[test]
fn an_import_meets_the_rules_of_every_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("records.jsonl");
    let line = |status: &str, summary: &str| {
        format!(
            r#"{{"kind":"method","id":"m-regles","title":"Méthode des règles","status":"{status}","owner":"carl","summary":"{summary}"}}"#
        )
    };
    std::fs::write(&file, line("published", "Première.") + "\n").expect("write");
    let data = dir.path().join("data");
    assert_success(&savoirs(&data, &["import", file.to_str().expect("path")]));
    // What is published is not proposed again: the same rule as in the forms
    // and the API, said on the line.
    std::fs::write(&file, line("proposed", "Seconde.") + "\n").expect("write");
    let output = savoirs(&data, &["import", file.to_str().expect("path")]);
    assert_eq!(output.status.code(), Some(1));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains(":1:") && said.contains("cannot give this record that status"),
        "{said}"
    );
    // The owner the file gives is kept: an import acts as an administrator.
    let exported = savoirs(&data, &["export"]);
    let record: serde_json::Value =
        serde_json::from_slice(exported.stdout.split(|b| *b == b'\n').next().expect("line"))
            .expect("json");
    assert_eq!(record["owner"], "carl");
    assert_eq!(record["status"], "published");
    assert_eq!(record["summary"], "Première.");
}

//! Markdown files with front matter in and out, and `import --dry-run`,
//! through the CLI: the round trip through a folder, bad files named by line,
//! a spreadsheet checked line by line without writing anything.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::*;

/// Every file under `dir`, by its path relative to `dir`, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("inside").to_string_lossy();
                files.insert(relative.into_owned(), std::fs::read(&path).expect("read"));
            }
        }
    }
    files
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("path")
}

/// A base with every kind: the example sheet (an action sheet with all its
/// sections), the demo content, the demo's Markdown file, and a record with
/// an attached file.
fn full_base(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("data");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let attached = dir.join("attached.jsonl");
    let pdf = root.join("tests/fixtures/files/compte-rendu-atelier.pdf");
    let line = serde_json::json!({
        "kind": "resource", "title": "Compte rendu de l’atelier", "resource_type": "publication",
        "description": "Le compte rendu.\n\nAvec une liste :\n\n- un\n- deux",
        "attachments": [{"path": path(&pdf), "title": "Compte rendu", "lang": "fr"}],
        // Nothing left to defaults, so that each must come back.
        "status": "archived", "lang": "en", "owner": "carl",
        "created": "2020-01-02T03:04:05Z", "updated": "2021-02-03T04:05:06Z",
    });
    std::fs::write(&attached, format!("{line}\n")).expect("write");
    let output = savoirs(
        &data,
        &[
            "import",
            path(&example()),
            path(&root.join("demo/demo.jsonl")),
            path(&root.join("demo/six-chapeaux.md")),
            path(&attached),
        ],
    );
    assert_success(&output);
    data
}

#[test]
fn a_markdown_export_imports_back_into_identical_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = full_base(dir.path());
    let first = dir.path().join("first");
    assert_success(&savoirs(
        &data,
        &["export", "--format", "markdown", "--output", path(&first)],
    ));
    let written = tree(&first);
    // One file per record, under its kind, and the attached file.
    let action = written
        .iter()
        .find(|(name, text)| {
            name.starts_with("action/") && String::from_utf8_lossy(text).contains("Amouroux")
        })
        .map(|(_, text)| String::from_utf8_lossy(text).into_owned())
        .expect("the example sheet");
    assert!(action.starts_with("---\nkind: action\n"), "{action}");
    for field in [
        "\nsynthesis: La fondation",
        "\nstrategy: L'objectif",
        // A long line with `: ` in it, which would need quotes.
        "\nhistory: |-\n  La fondation",
        "\npresentation: |-\n  L'accompagnement",
    ] {
        assert!(action.contains(field), "{field} missing from\n{action}");
    }
    assert!(
        written
            .keys()
            .any(|k| k.starts_with("method/la-methode-des-six-chapeaux")),
        "{:?}",
        written.keys()
    );
    assert!(
        written.contains_key("files/compte-rendu-atelier.pdf"),
        "{:?}",
        written.keys()
    );
    let resource = written
        .iter()
        .find(|(name, _)| name.starts_with("resource/compte-rendu"))
        .map(|(_, text)| String::from_utf8_lossy(text).into_owned())
        .expect("the resource with a file");
    assert!(
        resource.contains("path: ../files/compte-rendu-atelier.pdf"),
        "{resource}"
    );
    assert!(resource.ends_with("---\n\nLe compte rendu.\n\nAvec une liste :\n\n- un\n- deux\n"));

    let fresh = dir.path().join("fresh");
    let output = savoirs(&fresh, &["import", path(&first)]);
    assert_success(&output);
    assert!(
        stderr(&output).contains("took in 1 attached file"),
        "{}",
        stderr(&output)
    );
    let second = dir.path().join("second");
    assert_success(&savoirs(
        &fresh,
        &["export", "--format", "markdown", "--output", path(&second)],
    ));
    let again = tree(&second);
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        again.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &written {
        assert!(
            again[name] == *bytes,
            "{name} differs:\n{}\n---- became ----\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&again[name])
        );
    }
    // Nothing was lost on the way: the two bases say the same in JSON Lines.
    let before = savoirs(&data, &["export"]);
    let after = savoirs(&fresh, &["export"]);
    assert_eq!(stdout(&before), stdout(&after));
    assert_success(&savoirs(&fresh, &["check"]));

    // Exporting again into the same folder replaces what it wrote.
    assert_success(&savoirs(
        &fresh,
        &["export", "--format", "markdown", "--output", path(&second)],
    ));
    assert_eq!(tree(&second), written);
}

#[test]
fn the_markdown_export_writes_only_into_a_folder_of_its_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = with_example();
    let foreign = dir.path().join("notes");
    std::fs::create_dir(&foreign).expect("mkdir");
    std::fs::write(foreign.join("mine.txt"), "à moi").expect("write");
    let output = savoirs(
        data.path(),
        &["export", "--format", "markdown", "--output", path(&foreign)],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did not write"),
        "{}",
        stderr(&output)
    );
    assert_eq!(tree(&foreign).len(), 1);

    let file = dir.path().join("export.md");
    std::fs::write(&file, "x").expect("write");
    let output = savoirs(
        data.path(),
        &["export", "--format", "markdown", "--output", path(&file)],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is a file"), "{}", stderr(&output));

    // Without --output, the same files one after the other, for reading.
    let output = savoirs(data.path(), &["export", "--format", "markdown"]);
    assert_success(&output);
    assert_eq!(stdout(&output).matches("\n---\nkind: ").count() + 1, 5);
}

#[test]
fn bad_markdown_files_are_named_by_line_and_the_good_ones_still_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("fiches");
    std::fs::create_dir_all(folder.join("methodes")).expect("mkdir");
    std::fs::write(
        folder.join("methodes/bonne.md"),
        "---\nkind: method\ntitle: Le débat mouvant\nkeywords:\n  - facilitation\n---\n\n\
         ## Principe\n\nLes participants se déplacent selon leur avis.\n",
    )
    .expect("write");
    std::fs::write(
        folder.join("methodes/casse.md"),
        "---\nkind: method\ntitle: Le débat: mouvant\nkeywords: x\n---\nTexte.\n",
    )
    .expect("write");
    std::fs::write(
        folder.join("double.md"),
        "---\nkind: method\ntitle: Deux fois\nbody: Déjà là.\n---\n\nEncore.\n",
    )
    .expect("write");
    std::fs::write(
        folder.join("champ.md"),
        "---\nkind: method\ntitle: Mal écrit\nsumary: x\n---\n",
    )
    .expect("write");
    // Attached files are not records, even in Markdown.
    std::fs::create_dir(folder.join("files")).expect("mkdir");
    std::fs::write(folder.join("files/notes.md"), "# Notes\n").expect("write");

    let data = dir.path().join("data");
    let output = savoirs(&data, &["import", path(&folder)]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let said = stderr(&output);
    let name = |file: &str| folder.join(file).display().to_string();
    assert!(
        said.contains(&format!("{}:3: invalid YAML", name("methodes/casse.md"))),
        "{said}"
    );
    assert!(
        said.contains(&format!("{}:4: `body` is given twice", name("double.md"))),
        "{said}"
    );
    assert!(
        said.contains(&format!("{}:4: unknown field `sumary`", name("champ.md"))),
        "{said}"
    );
    assert!(
        said.contains("imported 1 record(s) from 4 file(s); 3 rejected"),
        "{said}"
    );
    let exported = stdout(&savoirs(&data, &["export"]));
    assert!(exported.contains("Le débat mouvant"), "{exported}");
    assert!(
        exported.contains("\"body\":\"## Principe\\n\\nLes participants"),
        "{exported}"
    );

    // One file alone, too; a sheet in `.txt` is still a sheet.
    let output = savoirs(&data, &["import", path(&folder.join("double.md"))]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("double.md:4: `body` is given twice"));
    assert_success(&savoirs(&data, &["import", path(&example())]));
}

#[test]
fn a_csv_dry_run_reports_each_line_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/demo.jsonl");
    assert_success(&savoirs(&data, &["import", path(&demo)]));
    let export_before = stdout(&savoirs(&data, &["export"]));
    // Read after the export: opening a store for anything commits a
    // transaction, which `--dry-run` must not do.
    let store_file = data.join("savoirs.redb");
    let bytes_before = std::fs::read(&store_file).expect("store");

    let sheet = dir.path().join("partenaires.csv");
    std::fs::write(
        &sheet,
        "kind,name,title,partners,period\n\
         partner,Réseau des jardins partagés,,,\n\
         partner,L’Atelier,,,\n\
         action,,Fête des jardins,Réseau des jardins partagés (pilot); Maillages (partner),2019-2020\n\
         action,,Sans date,,deux mille\n",
    )
    .expect("write");
    let output = savoirs(&data, &["import", "--dry-run", path(&sheet)]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let said = stdout(&output);
    let file = sheet.display().to_string();
    for expected in [
        format!("{file}:2: would create partner \"Réseau des jardins partagés\"\n"),
        format!("{file}:3: partner \"L’Atelier\" matched to existing partner \"ACC\" ("),
        format!("{file}:4: would create action \"Fête des jardins\"\n"),
        format!(
            "{file}:4: partner \"Réseau des jardins partagés\" matched to the partner \
             \"Réseau des jardins partagés\" that {file}:2 would create\n"
        ),
        format!("{file}:4: partner \"Maillages\" matched to existing partner \"Coopérative Maillages\" ("),
        format!("{file}:5: rejected: period: \"deux mille\""),
        "dry run: 2 would be created, 0 updated, 0 unchanged, 3 partner(s) matched, 1 rejected; nothing was written\n".to_owned(),
    ] {
        assert!(said.contains(&expected), "{expected:?} missing from\n{said}");
    }
    // Each line is reported in order, the summary last.
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 7, "{said}");
    assert!(lines[6].starts_with("dry run:"));

    assert!(
        std::fs::read(&store_file).expect("store") == bytes_before,
        "the store changed"
    );
    assert_eq!(stdout(&savoirs(&data, &["export"])), export_before);
    let bytes_before = std::fs::read(&store_file).expect("store");

    // The good lines alone: exit 0, and the real import does what was said.
    std::fs::write(
        &sheet,
        "kind,name,title,partners\npartner,Réseau des jardins partagés,,\n\
         action,,Fête des jardins,Réseau des jardins partagés (pilot)\n",
    )
    .expect("write");
    let output = savoirs(&data, &["import", "--dry-run", path(&sheet)]);
    assert_success(&output);
    assert!(
        stdout(&output).contains("2 would be created"),
        "{}",
        stdout(&output)
    );
    assert!(
        std::fs::read(&store_file).expect("store") == bytes_before,
        "the store changed"
    );
    assert_success(&savoirs(&data, &["import", path(&sheet)]));
    let output = savoirs(&data, &["import", "--dry-run", path(&sheet)]);
    assert_success(&output);
    let said = stdout(&output);
    assert!(
        said.contains(":3: action \"Fête des jardins\" is already in the base"),
        "{said}"
    );
    assert!(said.contains("0 would be created"), "{said}");

    // A data directory that does not exist is not created by a dry run.
    let none = dir.path().join("none");
    assert_success(&savoirs(&none, &["import", "--dry-run", path(&sheet)]));
    assert!(!none.exists());
}

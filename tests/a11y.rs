//! Accessibility and validity of the main pages — home, results, a document, a
//! partner, a document's edit form and its history: axe-core, injected into each
//! page in headless Chromium, finds no serious or critical violation, and the Nu
//! HTML Checker finds no error in the HTML the server sends.
//!
//! Both checkers are pinned in `tests/web/package-lock.json` (`npm ci --prefix
//! tests/web`); the HTML checker runs on the machine's Java. Where one of them, or
//! chromedriver, is missing outside CI, the test says so and passes; in CI (`CI`
//! set) it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use fantoccini::{Client, Locator};

use crate::browser::{Driver, browser, start_driver, wait_for};
use crate::support::*;

/// A file of the pinned npm packages, or `None` (after saying so) when they are
/// not installed outside CI.
fn checker_file(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/web/node_modules")
        .join(relative);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing: run `npm ci --prefix tests/web` first",
        path.display()
    );
    eprintln!(
        "skipped: {} not found (npm ci --prefix tests/web)",
        path.display()
    );
    None
}

/// The demo content and the example sheet, with an editor: every part of the
/// pages under test has something to show.
struct Site {
    _dir: tempfile::TempDir,
    server: Server,
    /// The example sheet's address.
    document: String,
}

const PARTNER: &str = "/partner/ritimo";
const EDITOR: &str = "eve";

fn site() -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/demo.jsonl");
    assert_success(&savoirs(
        dir.path(),
        &[
            "import",
            demo.to_str().expect("path"),
            example().to_str().expect("path"),
        ],
    ));
    add_user(dir.path(), EDITOR, "editor");
    let server = Server::start(dir.path());
    let found = server.json("/api/v1/search?q=kind:action+accompagner+partenaires+long+terme");
    let document = found["hits"][0]["url"]
        .as_str()
        .expect("the example sheet is found")
        .to_owned();
    assert_eq!(server.get(PARTNER).status(), 200, "GET {PARTNER}");
    Site {
        _dir: dir,
        server,
        document,
    }
}

/// The pages under test as (name, path, seen by the editor).
fn pages(site: &Site) -> Vec<(&'static str, String, bool)> {
    let doc = &site.document;
    vec![
        ("home", "/".to_owned(), false),
        (
            "results",
            "/search?q=intelligence+collective".to_owned(),
            false,
        ),
        ("document", doc.clone(), false),
        ("partner", PARTNER.to_owned(), false),
        ("document-editor", doc.clone(), true),
        ("partner-editor", PARTNER.to_owned(), true),
        ("edit", format!("{doc}/edit"), true),
        ("history", format!("{doc}/history"), true),
    ]
}

/// A value no date field accepts: saving it brings the form back with errors.
const BAD_YEAR: &str = "deux mille six";

/// Runs axe-core on the current page and returns its violations as JSON
/// objects `{id, impact, help, targets}`.
async fn axe(c: &Client, source: &str) -> Vec<serde_json::Value> {
    // Injected through WebDriver, which the page's Content-Security-Policy
    // (`default-src 'self'`) does not restrict.
    c.execute(source, vec![]).await.expect("inject axe-core");
    let result = c
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ["violations"] })
              .then((r) => done(r.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((n) => n.target.join(" ")),
              }))))
              .catch((e) => done({ error: String(e) }));
            "#,
            vec![],
        )
        .await
        .expect("run axe-core");
    match result {
        serde_json::Value::Array(violations) => violations,
        other => panic!("axe-core failed: {other}"),
    }
}

/// Logs in through the login form, as a person would.
async fn log_in(c: &Client, base: &str, name: &str) {
    c.goto(&format!("{base}/login")).await.expect("goto login");
    log_in_here(c, name).await;
}

/// Fills and sends the login form the browser is on.
pub(crate) async fn log_in_here(c: &Client, name: &str) {
    c.find(Locator::Css("input#name"))
        .await
        .expect("name field")
        .send_keys(name)
        .await
        .expect("type name");
    c.find(Locator::Css("input#password"))
        .await
        .expect("password field")
        .send_keys(PASSWORD)
        .await
        .expect("type password");
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .expect("login button")
        .click()
        .await
        .expect("submit");
    wait_for(c, "the login to succeed", async |c: &Client| {
        c.current_url().await.is_ok_and(|u| u.path() != "/login")
    })
    .await;
}

#[test]
fn axe_finds_no_serious_violation_on_the_main_pages() {
    let Some(axe_path) = checker_file("axe-core/axe.min.js") else {
        return;
    };
    let Some(driver) = start_driver() else { return };
    let source = std::fs::read_to_string(axe_path).expect("read axe.min.js");
    let site = site();
    let base = site.server.base.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let failures = runtime.block_on(check_with_axe(&driver, &site, &base, &source));
    assert!(
        failures.is_empty(),
        "axe-core found serious or critical violations:\n{}",
        failures.join("\n")
    );
}

async fn check_with_axe(driver: &Driver, site: &Site, base: &str, source: &str) -> Vec<String> {
    let c = browser(driver, true).await;
    let mut failures = Vec::new();
    let mut logged_in = false;
    let mut report = |name: &str, violations: Vec<serde_json::Value>| {
        for v in violations {
            let line = format!(
                "{name}: {} ({}) {} — {}",
                v["id"].as_str().unwrap_or_default(),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or_default(),
                v["targets"]
            );
            if matches!(v["impact"].as_str(), Some("serious" | "critical")) {
                failures.push(line);
            } else {
                // Minor and moderate findings are shown, not fatal.
                eprintln!("axe-core, not failing: {line}");
            }
        }
    };
    for (name, path, as_editor) in pages(site) {
        if as_editor && !logged_in {
            log_in(&c, base, EDITOR).await;
            logged_in = true;
        }
        c.goto(&format!("{base}{path}")).await.expect("goto");
        report(name, axe(&c, source).await);
    }

    // The edit form again, sent back with a field in error.
    c.goto(&format!("{base}{}/edit", site.document))
        .await
        .expect("goto edit");
    let year = c
        .find(Locator::Css("input#f-period_start"))
        .await
        .expect("year field");
    year.clear().await.expect("clear");
    year.send_keys(BAD_YEAR).await.expect("type");
    c.find(Locator::Css("button[name=intent][value=save]"))
        .await
        .expect("save button")
        .click()
        .await
        .expect("save");
    wait_for(&c, "the form with its errors", async |c: &Client| {
        c.find(Locator::Css(".field.invalid")).await.is_ok()
    })
    .await;
    report("edit-errors", axe(&c, source).await);
    c.close().await.expect("close");
    failures
}

#[test]
fn the_html_checker_finds_no_error_on_the_main_pages() {
    let Some(jar) = checker_file("vnu-jar/build/dist/vnu.jar") else {
        return;
    };
    if Command::new("java").arg("-version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "java is missing: .ci/run installs default-jre-headless"
        );
        eprintln!("skipped: java not found (apt-get install default-jre-headless)");
        return;
    }
    let site = site();
    let editor = Browser::login(&site.server, EDITOR);
    let anonymous = Browser::anonymous(&site.server);
    let out = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    let mut save = |name: &str, html: String| {
        let file = out.path().join(format!("{name}.html"));
        std::fs::write(&file, html).expect("write page");
        files.push(file);
    };
    for (name, path, as_editor) in pages(&site) {
        let who = if as_editor { &editor } else { &anonymous };
        let response = who.get(&path);
        assert_eq!(response.status(), 200, "GET {path}");
        save(name, response.text().expect("body"));
    }
    // The edit form sent back with a field in error.
    let form = editor.page(&format!("{}/edit", site.document));
    let mut fields: Vec<(String, String)> = select(
        &form,
        "form.record input[name], form.record textarea[name], form.record select[name]",
    )
    .iter()
    .filter_map(|e| {
        let name = e.attr("name")?.to_owned();
        let value = match e.value().name() {
            "textarea" => e.text().collect(),
            "select" => select_value(e),
            _ => e.attr("value").unwrap_or_default().to_owned(),
        };
        Some((name, value))
    })
    .collect();
    for (name, value) in &mut fields {
        if name == "period_start" {
            *value = BAD_YEAR.to_owned();
        }
    }
    fields.push(("intent".into(), "save".into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = editor.post(&format!("{}/edit", site.document), &pairs);
    assert_eq!(response.status(), 422, "a bad year is refused");
    save("edit-errors", response.text().expect("body"));

    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "json"])
        .args(&files)
        .output()
        .expect("run vnu.jar");
    // vnu writes its report to standard error.
    let report: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!(
            "unreadable vnu report ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let errors: Vec<String> = report["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["type"] != "info")
        .map(|m| {
            let url = m["url"].as_str().unwrap_or_default();
            let page = url.rsplit('/').next().unwrap_or(url);
            format!(
                "{page}:{}: {} — {}",
                m["lastLine"],
                m["message"].as_str().unwrap_or_default(),
                m["extract"].as_str().unwrap_or_default().replace('\n', " ")
            )
        })
        .collect();
    assert!(
        errors.is_empty() && output.status.success(),
        "the HTML checker found errors:\n{}",
        errors.join("\n")
    );
}

/// The value a `<select>` submits: its selected option, else its first.
fn select_value(select: &scraper::ElementRef<'_>) -> String {
    let option = scraper::Selector::parse("option").expect("selector");
    let options: Vec<_> = select.select(&option).collect();
    options
        .iter()
        .find(|o| o.attr("selected").is_some())
        .or(options.first())
        .and_then(|o| o.attr("value"))
        .unwrap_or_default()
        .to_owned()
}

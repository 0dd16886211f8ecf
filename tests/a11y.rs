//! Accessibility and validity of the main pages — home, results, a document, a
//! partner, a document's edit form (also sent back with an error) and its
//! history, and a few more: axe-core, injected into each page in headless
//! Chromium, finds no serious or critical violation, and the Nu HTML Checker
//! finds no error in the HTML the server sends.
//!
//! Both checkers are pinned in `tests/web/package-lock.json` (`npm ci --prefix
//! tests/web`); the HTML checker runs on the machine's Java. Where one of them, or
//! chromedriver, is missing outside CI, the test says so and passes; in CI (`CI`
//! set) it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use crate::browser::{Driver, block_on, browser, click, fill_login_form, start_driver, wait_for};
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

/// A page under test.
struct Checked {
    name: &'static str,
    path: String,
    /// Seen by the editor rather than anonymously.
    as_editor: bool,
    status: u16,
}

/// The main pages, each as the editor sees it too when that adds forms, and a
/// few more pages that share their parts.
fn pages(site: &Site) -> Vec<Checked> {
    let doc = &site.document;
    let page = |name, path: String, as_editor| Checked {
        name,
        path,
        as_editor,
        status: 200,
    };
    vec![
        page("home", "/".to_owned(), false),
        page(
            "results",
            "/search?q=intelligence+collective".to_owned(),
            false,
        ),
        page(
            "results-filtered",
            "/search?q=&kind=action&sort=title".to_owned(),
            false,
        ),
        page("document", doc.clone(), false),
        page("partner", PARTNER.to_owned(), false),
        page("login", "/login".to_owned(), false),
        page("forgot", "/password/forgot".to_owned(), false),
        page("search-help", "/help/search".to_owned(), false),
        page("thesaurus", "/thesaurus".to_owned(), false),
        page(
            "actors-map",
            "/carte?keyword=cartographie+participative".to_owned(),
            false,
        ),
        page("actors-map-all", "/carte".to_owned(), false),
        page("places-map", "/carte/lieux".to_owned(), false),
        page("dashboard", "/tableau-de-bord".to_owned(), false),
        page(
            "dashboard-by-partner",
            "/tableau-de-bord?by=partner&kind=action".to_owned(),
            false,
        ),
        Checked {
            status: 404,
            ..page("not-found", "/nulle-part".to_owned(), false)
        },
        page("document-editor", doc.clone(), true),
        page("partner-editor", PARTNER.to_owned(), true),
        page("edit", format!("{doc}/edit"), true),
        page("history", format!("{doc}/history"), true),
        page("attachments", format!("{doc}/attachments"), true),
        page("thesaurus-editor", "/thesaurus".to_owned(), true),
        page("new-method", "/new/method".to_owned(), true),
        page("account", "/account".to_owned(), true),
        page("my-work", "/my-work".to_owned(), true),
        page("notifications", "/notifications".to_owned(), true),
        Checked {
            status: 403,
            ..page("forbidden", "/admin/users".to_owned(), true)
        },
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
                why: v.nodes.map((n) => n.failureSummary).slice(0, 2),
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
    fill_login_form(c, name).await;
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
    let failures = block_on(check_with_axe(&driver, &site, &base, &source));
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
                "{name}: {} ({}) {} — {} {}",
                v["id"].as_str().unwrap_or_default(),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or_default(),
                v["targets"],
                v["why"]
            );
            if matches!(v["impact"].as_str(), Some("serious" | "critical")) {
                failures.push(line);
            } else {
                // Minor and moderate findings are shown, not fatal.
                eprintln!("axe-core, not failing: {line}");
            }
        }
    };
    for page in pages(site) {
        if page.as_editor && !logged_in {
            log_in(&c, base, EDITOR).await;
            logged_in = true;
        }
        c.goto(&format!("{base}{}", page.path)).await.expect("goto");
        report(page.name, axe(&c, source).await);
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
    click(&c, "button[name=intent][value=save]", "save button").await;
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
    for page in pages(&site) {
        let who = if page.as_editor { &editor } else { &anonymous };
        let response = who.get(&page.path);
        assert_eq!(response.status(), page.status, "GET {}", page.path);
        save(page.name, response.text().expect("body"));
    }
    // The edit form sent back with a field in error.
    let form = editor.page(&format!("{}/edit", site.document));
    let mut fields = record_form_fields(&form);
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

/// What the keyboard is on: its tag, id, class, whether it lies within the
/// window, and its outline style.
async fn focused(c: &Client) -> serde_json::Value {
    c.execute(
        r#"
        const e = document.activeElement;
        const r = e.getBoundingClientRect();
        return { tag: e.tagName.toLowerCase(), id: e.id, class: e.className,
                 visible: r.left >= 0 && r.top >= 0 && r.width > 0 && r.height > 0,
                 outline: getComputedStyle(e).outlineStyle };
        "#,
        vec![],
    )
    .await
    .expect("the focused element")
}

async fn press(c: &Client, key: Key) {
    let key = char::from(key);
    let actions = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    c.perform_actions(actions).await.expect("press a key");
}

#[test]
fn the_keyboard_reaches_the_skip_link_and_the_focus_shows() {
    let Some(driver) = start_driver() else { return };
    let site = site();
    let base = site.server.base.clone();
    block_on(async {
        let c = browser(&driver, true).await;
        c.goto(&format!("{base}{}", site.document))
            .await
            .expect("goto");
        // The first Tab lands on the skip link, which then shows.
        press(&c, Key::Tab).await;
        let skip = focused(&c).await;
        assert_eq!(skip["class"], "skip", "{skip}");
        assert_eq!(skip["visible"], true, "{skip}");
        assert_eq!(skip["outline"], "solid", "{skip}");
        // Following it skips the header: the next Tab is in the main content.
        press(&c, Key::Enter).await;
        press(&c, Key::Tab).await;
        let next: bool = c
            .execute(
                "return document.querySelector('main').contains(document.activeElement);",
                vec![],
            )
            .await
            .expect("where the focus is")
            .as_bool()
            .unwrap_or(false);
        assert!(next, "after the skip link: {}", focused(&c).await);
        let link = focused(&c).await;
        assert_eq!(link["tag"], "a", "{link}");
        assert_eq!(link["outline"], "solid", "{link}");
        c.close().await.expect("close");
    });
}

/// Every control has a name: a `<label for>`, `aria-label` or
/// `aria-labelledby`.
fn unlabelled(html: &scraper::Html) -> Vec<String> {
    let labels: Vec<String> = select(html, "label[for]")
        .iter()
        .filter_map(|l| l.attr("for").map(str::to_owned))
        .collect();
    select(
        html,
        "input:not([type=hidden]):not([type=submit]), select, textarea",
    )
    .iter()
    .filter(|e| {
        let labelled = e
            .attr("id")
            .is_some_and(|id| labels.iter().any(|l| l == id));
        !labelled && e.attr("aria-label").is_none() && e.attr("aria-labelledby").is_none()
    })
    .map(|e| e.html())
    .collect()
}

#[test]
fn the_main_pages_have_landmarks_a_skip_link_and_labelled_controls() {
    let site = site();
    let editor = Browser::login(&site.server, EDITOR);
    let anonymous = Browser::anonymous(&site.server);
    for page in pages(&site) {
        let who = if page.as_editor { &editor } else { &anonymous };
        let response = who.get(&page.path);
        assert_eq!(response.status(), page.status, "GET {}", page.path);
        let html = scraper::Html::parse_document(&response.text().expect("body"));
        let name = page.name;
        for landmark in ["body > header", "main", "body > footer"] {
            assert_eq!(select(&html, landmark).len(), 1, "{name}: one {landmark}");
        }
        let first = select(&html, "body > *");
        assert_eq!(
            first.first().and_then(|e| e.attr("href")),
            Some("#contenu"),
            "{name}: the skip link comes first"
        );
        assert_eq!(select(&html, "main#contenu").len(), 1, "{name}");
        assert_eq!(select(&html, "h1").len(), 1, "{name}: one h1");
        for nav in select(&html, "nav") {
            assert!(nav.attr("aria-label").is_some(), "{name}: {}", nav.html());
        }
        let missing = unlabelled(&html);
        assert!(
            missing.is_empty(),
            "{name}: controls without a name: {missing:?}"
        );
    }

    // A refused save: each field in error says so, and points to its message.
    let response = editor.post(
        &format!("{}/edit", site.document),
        &[
            ("base_revision", "1"),
            ("title", "Accompagner des partenaires"),
            ("period_start", BAD_YEAR),
            ("intent", "save"),
        ],
    );
    assert_eq!(response.status(), 422);
    let html = scraper::Html::parse_document(&response.text().expect("body"));
    let invalid = select(&html, "[aria-invalid=true]");
    assert!(!invalid.is_empty(), "a field is marked invalid");
    for field in invalid {
        let described = field.attr("aria-describedby").unwrap_or_default();
        let points_to_error = described.split(' ').any(|id| {
            select(&html, &format!("#{id}"))
                .first()
                .is_some_and(|e| e.value().classes().any(|c| c == "field-error"))
        });
        assert!(points_to_error, "{}", field.html());
    }
}

#[test]
fn no_page_scrolls_sideways_on_a_phone_or_a_desktop() {
    let Some(driver) = start_driver() else { return };
    let site = site();
    let base = site.server.base.clone();
    let mut all = pages(&site);
    for (name, path) in [
        ("my-work", "/my-work"),
        ("review", "/review"),
        ("changes", "/changes"),
        ("new", "/new"),
        ("new-action", "/new/action"),
    ] {
        all.push(Checked {
            name,
            path: path.to_owned(),
            as_editor: true,
            status: 200,
        });
    }
    // And every other page of the route table, its parameters filled with the
    // example sheet or with a value that finds nothing (its 404 page then);
    // the API, feeds, exports and files are not pages.
    let (kind, slug) = site
        .document
        .trim_start_matches('/')
        .split_once('/')
        .expect("kind/slug");
    let editor = Browser::login(&site.server, EDITOR);
    for (method, pattern) in savoirs::http::route_table() {
        let path = pattern
            .replace("{kind}", kind)
            .replace("{slug}", slug)
            .replace("{secret}", "inconnu")
            .replace("{id}", "inconnu");
        if method != reqwest::Method::GET || all.iter().any(|p| p.path == path) {
            continue;
        }
        let response = editor.get(&path);
        let page = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        if page {
            all.push(Checked {
                name: pattern,
                path,
                as_editor: true,
                status: response.status().as_u16(),
            });
        }
    }
    assert!(all.len() >= 30, "only {} pages", all.len());
    let failures = block_on(async {
        let c = browser(&driver, true).await;
        let mut failures = Vec::new();
        let mut logged_in = false;
        for page in &all {
            if page.as_editor && !logged_in {
                log_in(&c, &base, EDITOR).await;
                logged_in = true;
            }
            for width in [360u32, 1280] {
                c.set_window_size(width, 900).await.expect("window size");
                c.goto(&format!("{base}{}", page.path)).await.expect("goto");
                let sizes = c
                    .execute(
                        "return [document.documentElement.scrollWidth, window.innerWidth];",
                        vec![],
                    )
                    .await
                    .expect("measure");
                let (scroll, inner) = (sizes[0].as_u64(), sizes[1].as_u64());
                if scroll > inner {
                    failures.push(format!(
                        "{} at {width} px: {scroll:?} wide in a window of {inner:?}",
                        page.name
                    ));
                }
            }
        }
        c.close().await.expect("close");
        failures
    });
    assert!(
        failures.is_empty(),
        "pages wider than the window:\n{}",
        failures.join("\n")
    );
}

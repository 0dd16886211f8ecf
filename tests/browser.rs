//! In a real browser (headless Chromium through WebDriver): the search page
//! follows what is typed, suggestions are usable with the keyboard, with
//! JavaScript off the plain form still works, and a person can search, open a
//! result, log in, edit it and find the new revision in its history.
//!
//! `.ci/run` installs Debian's `chromium` and `chromium-driver`. Where they are
//! missing outside CI, the test says so and passes; in CI (`CI` set) it fails.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};

use crate::support::*;

pub(crate) struct Driver {
    child: Child,
    port: u16,
    profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn find_program(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| std::path::Path::new(dir).join(name))
        .find(|p| p.is_file())
}

pub(crate) fn start_driver() -> Option<Driver> {
    let Some(chromedriver) = find_program("chromedriver") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver is missing: .ci/run installs chromium and chromium-driver"
        );
        eprintln!("skipped: chromedriver not found (apt-get install chromium chromium-driver)");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    Some(Driver {
        child,
        port,
        profile: tempfile::tempdir().expect("profile dir"),
    })
}

pub(crate) async fn browser(driver: &Driver, javascript: bool) -> Client {
    let mut caps = serde_json::Map::new();
    let mut options = serde_json::json!({
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--lang=fr-FR",
            format!("--user-data-dir={}/{}", driver.profile.path().display(), javascript),
        ],
        // The pages follow the browser's languages: ask for French, which the
        // tests read, whatever the machine's locale.
        "prefs": {"intl.accept_languages": "fr-FR,fr"},
    });
    if let Some(binary) = find_program("chromium") {
        options["binary"] = serde_json::json!(binary);
    }
    if !javascript {
        options["prefs"]["profile.managed_default_content_settings.javascript"] =
            serde_json::json!(2);
    }
    caps.insert("goog:chromeOptions".into(), options);
    let url = format!("http://127.0.0.1:{}", driver.port);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let mut last = None;
    // chromedriver takes a moment to listen.
    for _ in 0..50 {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return client,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("cannot start a browser session: {last:?}");
}

pub(crate) async fn wait_for(
    client: &Client,
    what: &str,
    mut done: impl AsyncFnMut(&Client) -> bool,
) {
    // Generous: a loaded CI machine may take seconds to extract an upload's
    // text in a debug build; a step that succeeds returns at once anyway.
    for _ in 0..300 {
        if done(client).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Say where the browser is and what it shows, so that a failure in CI can
    // be understood from its log alone.
    let url = client.current_url().await.map(|u| u.to_string());
    let main = text_of(client, "main").await;
    let shown: String = main.chars().take(600).collect();
    panic!("timed out waiting for {what}; the browser is at {url:?} and shows: {shown}");
}

/// Runs a browser session's steps to their end.
pub(crate) fn block_on<F: std::future::Future>(steps: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(steps)
}

/// Waits until the browser's address has a path that `wanted` accepts.
pub(crate) async fn wait_for_path(c: &Client, what: &str, wanted: impl Fn(&str) -> bool) {
    wait_for(c, what, async |c: &Client| {
        c.current_url().await.is_ok_and(|u| wanted(u.path()))
    })
    .await;
}

/// Clicks the element `css` finds, once the page shows it (a click that
/// submitted a form may still be loading the next page); `what` names it in a
/// failure.
pub(crate) async fn click(c: &Client, css: &str, what: &str) {
    wait_for(c, what, async |c: &Client| {
        c.find(Locator::Css(css)).await.is_ok()
    })
    .await;
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {what}: {e}"));
}

/// Fills and sends the login form the browser is on.
pub(crate) async fn fill_login_form(c: &Client, name: &str) {
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
    click(c, "main form button[type=submit]", "login button").await;
    wait_for_path(c, "the login to succeed", |p| p != "/login").await;
}

#[test]
fn the_search_page_follows_typing_and_works_without_javascript() {
    let Some(driver) = start_driver() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(dir.path(), &["--demo"]);
    let base = server.base.clone();
    block_on(async {
        // With JavaScript: results follow the box, without submitting.
        let c = browser(&driver, true).await;
        c.goto(&format!("{base}/search?q=forum"))
            .await
            .expect("goto");
        let input = c.find(Locator::Css("input#q")).await.expect("search box");
        input.clear().await.expect("clear");
        input.send_keys("cartographie").await.expect("type");
        wait_for(
            &c,
            "results for the typed words",
            async |c: &Client| match c.find(Locator::Css("main h1")).await {
                Ok(h1) => h1.text().await.unwrap_or_default().contains("cartographie"),
                Err(_) => false,
            },
        )
        .await;
        wait_for(&c, "the new results announced", async |c: &Client| {
            text_of(c, "body > [role=status]")
                .await
                .contains("résultat")
        })
        .await;
        let url = c.current_url().await.expect("url");
        assert!(url.as_str().contains("q=cartographie"), "{url}");
        let first = c
            .find(Locator::Css("ol.hits li.hit h2 a"))
            .await
            .expect("a hit");
        assert!(
            first
                .text()
                .await
                .expect("text")
                .to_lowercase()
                .contains("cartographi")
        );

        // Suggestions, chosen with the keyboard.
        let input = c.find(Locator::Css("input#q")).await.expect("search box");
        input.clear().await.expect("clear");
        input.send_keys("Géographies Part").await.expect("type");
        wait_for(&c, "suggestions", async |c: &Client| {
            match c.find(Locator::Css("ul.suggestions [role=option]")).await {
                Ok(option) => option
                    .text()
                    .await
                    .unwrap_or_default()
                    .contains("Géographies Partagées"),
                Err(_) => false,
            }
        })
        .await;
        assert_eq!(
            input.attr("aria-expanded").await.expect("attr").as_deref(),
            Some("true")
        );
        input.send_keys(&Key::Down.to_string()).await.expect("down");
        input
            .send_keys(&Key::Enter.to_string())
            .await
            .expect("enter");
        wait_for_path(&c, "the suggested page", |p| p.starts_with("/partner/")).await;
        c.close().await.expect("close");

        // Without JavaScript: the form submits and the results page answers.
        let c = browser(&driver, false).await;
        c.goto(&format!("{base}/")).await.expect("goto");
        let input = c
            .find(Locator::Css("input#q-home"))
            .await
            .expect("search box");
        input.send_keys("thesaurus").await.expect("type");
        input
            .send_keys(&Key::Enter.to_string())
            .await
            .expect("enter");
        wait_for_path(&c, "the results page", |p| p == "/search").await;
        let hits = c
            .find_all(Locator::Css("ol.hits li.hit"))
            .await
            .expect("hits");
        assert!(!hits.is_empty());
        assert!(
            c.find(Locator::Css("ul.suggestions")).await.is_err(),
            "no script ran"
        );
        c.close().await.expect("close");
    });
}

/// The text of the first element matching `css`, or "" while there is none.
async fn text_of(c: &Client, css: &str) -> String {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

#[test]
fn search_open_a_result_log_in_edit_and_see_the_revision() {
    let Some(driver) = start_driver() else { return };
    let dir = with_example();
    add_user(dir.path(), "eve", "editor");
    let server = Server::start(dir.path());
    let base = server.base.clone();
    block_on(async {
        let c = browser(&driver, true).await;
        c.goto(&format!("{base}/")).await.expect("goto");

        // Suggestions open as one types and Escape closes them.
        let input = c
            .find(Locator::Css("input#q-home"))
            .await
            .expect("search box");
        input.send_keys("RITIMO").await.expect("type");
        wait_for(&c, "suggestions", async |c: &Client| {
            c.find(Locator::Css("ul.suggestions [role=option]"))
                .await
                .is_ok()
        })
        .await;
        // Their number is said by the status region.
        wait_for(&c, "the suggestions announced", async |c: &Client| {
            text_of(c, "body > [role=status]")
                .await
                .contains("suggestion")
        })
        .await;
        input
            .send_keys(&Key::Escape.to_string())
            .await
            .expect("escape");
        assert_eq!(
            input.attr("aria-expanded").await.expect("attr").as_deref(),
            Some("false")
        );

        // Search, then open the result.
        input.clear().await.expect("clear");
        input
            .send_keys("partenaires outils méthodes")
            .await
            .expect("type");
        input
            .send_keys(&Key::Enter.to_string())
            .await
            .expect("enter");
        wait_for_path(&c, "the results page", |p| p == "/search").await;
        let mut opened = None;
        for hit in c
            .find_all(Locator::Css("ol.hits li.hit h2 a"))
            .await
            .expect("hits")
        {
            if hit
                .text()
                .await
                .expect("text")
                .starts_with("Accompagner des partenaires")
            {
                opened = Some(hit);
                break;
            }
        }
        opened
            .expect("the example sheet among the results")
            .click()
            .await
            .expect("open the result");
        wait_for_path(&c, "the document", |p| p.starts_with("/action/")).await;
        let document = c.current_url().await.expect("url");
        assert!(text_of(&c, "main h1").await.contains("Accompagner"));
        assert!(
            c.find(Locator::Css("section.tools a.button"))
                .await
                .is_err(),
            "no edit link before logging in"
        );

        // Log in through the form, then come back to the document.
        click(&c, "header nav a[href='/login']", "login link").await;
        fill_login_form(&c, "eve").await;
        c.goto(document.as_str())
            .await
            .expect("back to the document");

        // Edit one field, with a message, and save.
        click(&c, "section.tools a.button", "edit link").await;
        let referent = c
            .find(Locator::Css("input#f-referent"))
            .await
            .expect("referent field");
        referent.clear().await.expect("clear");
        referent
            .send_keys("Philippe Amouroux et Ada Lovelace")
            .await
            .expect("type");
        c.find(Locator::Css("input#f-message"))
            .await
            .expect("message field")
            .send_keys("Référent complété")
            .await
            .expect("type");
        click(&c, "button[name=intent][value=save]", "save button").await;
        wait_for_path(&c, "the saved document", |p| p == document.path()).await;
        assert!(
            text_of(&c, "dl.facts")
                .await
                .contains("Philippe Amouroux et Ada Lovelace")
        );

        // The history shows the new revision first, with its author and message.
        click(&c, "footer.record-meta a[href$='/history']", "history link").await;
        wait_for_path(&c, "the history", |p| p.ends_with("/history")).await;
        let cells: Vec<String> = {
            let row = c
                .find(Locator::Css("table.history tbody tr"))
                .await
                .expect("a revision");
            let mut cells = Vec::new();
            for td in row.find_all(Locator::Css("td")).await.expect("cells") {
                cells.push(td.text().await.expect("text"));
            }
            cells
        };
        assert_eq!(cells[0], "2", "{cells:?}");
        assert_eq!(cells[2], "eve", "{cells:?}");
        assert_eq!(cells[4], "Référent complété", "{cells:?}");
        c.close().await.expect("close");
    });
}

#[test]
fn partner_rows_are_added_in_place_and_every_keyword_completes() {
    let Some(driver) = start_driver() else { return };
    let dir = with_example();
    add_user(dir.path(), "carl", "contributor");
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/demo.jsonl");
    assert_success(&savoirs(
        dir.path(),
        &["import", demo.to_str().expect("path")],
    ));
    let server = Server::start(dir.path());
    let base = server.base.clone();
    block_on(async {
        let c = browser(&driver, true).await;
        c.goto(&format!("{base}/login?next=/new/method"))
            .await
            .expect("goto");
        fill_login_form(&c, "carl").await;
        wait_for_path(&c, "the new method form", |p| p == "/new/method").await;
        let rows = async |c: &Client| {
            c.find_all(Locator::Css("fieldset.partners .partner-row"))
                .await
                .map_or(0, |r| r.len())
        };
        assert_eq!(rows(&c).await, 2);
        click(&c, "fieldset.partners > button", "the add-a-partner button").await;
        click(&c, "fieldset.partners > button", "the add-a-partner button").await;
        assert_eq!(rows(&c).await, 4, "two rows added, without a page load");
        assert_eq!(c.current_url().await.expect("url").path(), "/new/method");
        let label = text_of(&c, "label[for=p-name-3]").await;
        assert_eq!(label, "Partenaire 4");
        // The new row completes from the base, by acronym too.
        let fourth = c
            .find(Locator::Css("input#p-name-3"))
            .await
            .expect("the new row");
        fourth.send_keys("RITIMO").await.expect("type");
        // The second keyword is completed with the first one kept.
        let keywords = c
            .find(Locator::Css("input#f-keywords"))
            .await
            .expect("keywords");
        keywords
            .send_keys("forum, cartographie")
            .await
            .expect("type");
        wait_for(
            &c,
            "the second keyword's completions",
            async |c: &Client| {
                c.find_all(Locator::Css("datalist#concept-labels option"))
                    .await
                    .ok()
                    .is_some_and(|o| !o.is_empty())
            },
        )
        .await;
        let first = c
            .find(Locator::Css("datalist#concept-labels option"))
            .await
            .expect("an option")
            .attr("value")
            .await
            .expect("value")
            .unwrap_or_default();
        assert!(first.starts_with("forum, cartographie"), "{first}");
        // A related document is picked by its title, its kind shown, and
        // added as a line of the list.
        let pick = c
            .find(Locator::Css("input#f-related-pick"))
            .await
            .expect("the related documents picker");
        let title = "La cartographie participative pas à pas";
        pick.send_keys(title).await.expect("type");
        wait_for(&c, "related documents offered", async |c: &Client| {
            c.find(Locator::Css("datalist#f-related-choices option"))
                .await
                .is_ok()
        })
        .await;
        let kind = c
            .find(Locator::Css("datalist#f-related-choices option"))
            .await
            .expect("option")
            .attr("label")
            .await
            .expect("label")
            .unwrap_or_default();
        assert!(kind.starts_with("Méthode — "), "{kind}");
        // Choosing it (the field then holds the whole title) adds the line.
        pick.send_keys(" ").await.expect("type");
        pick.send_keys(&Key::Backspace.to_string())
            .await
            .expect("type");
        wait_for(
            &c,
            "the title added to the list",
            async |c: &Client| match c.find(Locator::Css("textarea#f-related")).await {
                Ok(t) => t.prop("value").await.ok().flatten().unwrap_or_default() == title,
                Err(_) => false,
            },
        )
        .await;
    });
}

/// Fills the field `css` finds with `value`, replacing what it held.
async fn fill(c: &Client, css: &str, value: &str) {
    let field = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(value).await.expect("type");
}

/// Picks a related document by typing its title in the picker, then waits
/// until the list of related documents holds `lines` lines.
async fn pick_related(c: &Client, title: &str, lines: usize) {
    let pick = c
        .find(Locator::Css("input#f-related-pick"))
        .await
        .expect("the related documents picker");
    pick.send_keys(title).await.expect("type");
    let offered = format!("datalist#f-related-choices option[value=\"{title}\"]");
    wait_for(c, "the title offered", async |c: &Client| {
        c.find(Locator::Css(&offered)).await.is_ok()
    })
    .await;
    // Choosing the offered title: the field then holds it whole.
    pick.send_keys(" ").await.expect("type");
    pick.send_keys(&Key::Backspace.to_string())
        .await
        .expect("type");
    wait_for(c, "the title added to the list", async |c: &Client| match c
        .find(Locator::Css("textarea#f-related"))
        .await
    {
        Ok(t) => t
            .prop("value")
            .await
            .ok()
            .flatten()
            .is_some_and(|v| v.lines().count() == lines && v.contains(title)),
        Err(_) => false,
    })
    .await;
}

/// The message shown once after a change, if any.
async fn flash(c: &Client) -> String {
    text_of(c, "main p.flash").await
}

async fn log_out_and_in(c: &Client, base: &str, name: &str, next: &str) {
    c.goto(&format!("{base}/")).await.expect("home");
    if c.find(Locator::Css("form.inline button.link"))
        .await
        .is_ok()
    {
        click(c, "form.inline button.link", "log out").await;
        // Logged out once the header offers to log in again.
        wait_for(c, "the logout", async |c: &Client| {
            c.find(Locator::Css("nav.account a[href='/login']"))
                .await
                .is_ok()
        })
        .await;
    }
    c.goto(&format!("{base}/login?next={next}"))
        .await
        .expect("login");
    fill_login_form(c, name).await;
}

#[test]
fn a_method_goes_from_contributor_to_editor_and_back_until_published() {
    let Some(driver) = start_driver() else { return };
    let smtp = SmtpServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    add_user(dir.path(), "carl", "contributor");
    add_user(dir.path(), "eve", "editor");
    let server = Server::start_with(dir.path(), &["--demo", "--smtp-url", &smtp.url()]);
    let base = server.base.clone();
    block_on(async {
        let c = browser(&driver, true).await;
        // The contributor asks for mail, then writes a method through the pickers.
        log_out_and_in(&c, &base, "carl", "/account").await;
        fill(&c, "input#email", "carl@exemple.org").await;
        click(
            &c,
            "form[action='/account/mail'] button",
            "save the mail settings",
        )
        .await;
        wait_for(&c, "the settings saved", async |c: &Client| {
            !flash(c).await.is_empty()
        })
        .await;

        c.goto(&format!("{base}/new/method")).await.expect("form");
        fill(&c, "input#f-title", "Organiser une marche exploratoire").await;
        fill(
            &c,
            "textarea#f-summary",
            "Parcourir le quartier avec ses habitants.",
        )
        .await;
        fill(&c, "input#p-name-0", "Géographies Partagées").await;
        fill(&c, "input#p-name-1", "ACC").await;
        click(&c, "fieldset.partners > button", "add a partner row").await;
        fill(&c, "input#p-name-2", "Collectif de la Butte").await;
        // Two related documents through the picker, which adds each chosen
        // title as a line of the list.
        let related = [
            "La cartographie participative pas à pas",
            "Petit guide de l’intelligence collective en réunion",
        ];
        for (n, title) in related.iter().enumerate() {
            pick_related(&c, title, n + 1).await;
        }
        // Three keywords, the last ones completed with the first kept.
        fill(
            &c,
            "input#f-keywords",
            "cartographie participative, démocratie participative, intelligence collective",
        )
        .await;
        // The preview shows despite the unknown partner, and offers to propose it.
        click(&c, "button[value=preview]", "preview").await;
        wait_for(&c, "the preview", async |c: &Client| {
            c.find(Locator::Css("section.preview")).await.is_ok()
        })
        .await;
        assert!(
            text_of(&c, "#partners-error")
                .await
                .contains("Collectif de la Butte")
        );
        click(&c, "input[name=new_partner]", "propose the new partner").await;
        click(&c, "button[value=save]", "save").await;
        wait_for_path(&c, "the saved method", |p| p.starts_with("/method/")).await;
        assert_eq!(flash(&c).await, "Enregistré.");
        let url = c.current_url().await.expect("url").path().to_owned();
        let related = text_of(&c, "section.related").await;
        assert!(
            related.contains("La cartographie participative pas à pas")
                && related.contains("Petit guide de l’intelligence collective en réunion"),
            "{related}"
        );
        let partners = text_of(&c, "section.partners").await;
        for name in [
            "Géographies Partagées",
            "Atelier des Communs Citoyens",
            "Collectif de la Butte",
        ] {
            assert!(partners.contains(name), "{name} in {partners}");
        }
        click(&c, "button[name=status][value=proposed]", "propose").await;
        wait_for(&c, "the proposal said", async |c: &Client| {
            flash(c).await.starts_with("Proposé pour publication")
        })
        .await;

        // The editor sees the count, and sends it back with a comment.
        log_out_and_in(&c, &base, "eve", &url).await;
        let badge = text_of(&c, "nav.account a[href='/review'] .badge").await;
        assert!(badge.parse::<u32>().is_ok_and(|n| n >= 2), "{badge}");
        fill(&c, "input#comment", "Ajoutez un exemple de parcours.").await;
        click(&c, "button[name=status][value=draft]", "send back").await;
        wait_for(&c, "the sending back said", async |c: &Client| {
            flash(c).await.starts_with("Renvoyé en brouillon")
        })
        .await;

        // The contributor reads the comment on Mon travail, fixes, proposes again.
        log_out_and_in(&c, &base, "carl", "/my-work").await;
        assert!(
            text_of(&c, "#sent-back")
                .await
                .contains("Ajoutez un exemple de parcours.")
        );
        let unread = text_of(&c, "nav.account a[href='/notifications'] .badge").await;
        assert!(unread.parse::<u32>().is_ok_and(|n| n >= 1), "{unread}");
        c.goto(&format!("{base}{url}/edit")).await.expect("edit");
        fill(
            &c,
            "textarea#f-summary",
            "Parcourir le quartier avec ses habitants, par exemple de l’école au marché.",
        )
        .await;
        click(&c, "button[value=save]", "save").await;
        wait_for(&c, "the save said", async |c: &Client| {
            flash(c).await == "Enregistré."
        })
        .await;
        click(&c, "button[name=status][value=proposed]", "propose again").await;
        wait_for(&c, "the proposal said", async |c: &Client| {
            flash(c).await.starts_with("Proposé pour publication")
        })
        .await;

        // The editor publishes it.
        log_out_and_in(&c, &base, "eve", &url).await;
        click(&c, "button[name=status][value=published]", "publish").await;
        wait_for(&c, "the publication said", async |c: &Client| {
            flash(c).await.starts_with("Publié")
        })
        .await;

        // The contributor is told in the app, and by mail.
        log_out_and_in(&c, &base, "carl", "/notifications").await;
        let told = text_of(&c, "ul.notifications").await;
        assert!(told.contains("eve a publié"), "{told}");
        assert!(told.contains("eve a renvoyé en brouillon"), "{told}");
    });
    let mail = smtp.wait_for(2);
    let subjects: Vec<&str> = mail
        .iter()
        .filter_map(|m| m.lines().find(|l| l.starts_with("Subject:")))
        .collect();
    assert!(
        mail.iter().all(|m| m.contains("To: carl@exemple.org")),
        "{mail:?}"
    );
    // One for the sending back, one for the publication (subjects are
    // encoded words: "renvoyé", "publié").
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert!(subjects[0].contains("en brouillon"), "{subjects:?}");
    assert!(subjects[1].contains("cHVibGnDqQ"), "{subjects:?}");
}

/// Attaches a fixture file from the edit page's upload form, as a person
/// would: a title typed, the file chosen, the form sent (by the page's script,
/// with its progress bar); waits for the record's page and its message.
async fn attach_in_browser(c: &Client, base: &str, url: &str, file: &str, title: &str) {
    c.goto(&format!("{base}{url}/edit"))
        .await
        .expect("edit page");
    fill(c, "form.upload input#a-title", title).await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/files")
        .join(file);
    c.find(Locator::Css("form.upload input#a-file"))
        .await
        .expect("file input")
        .send_keys(&path.display().to_string())
        .await
        .expect("choose the file");
    click(c, "form.upload button[type=submit]", "attach").await;
    wait_for(c, "the file attached", async |c: &Client| {
        flash(c).await.starts_with("Fichier joint")
    })
    .await;
}

#[test]
fn a_pdf_and_an_odt_attached_in_the_browser_are_found_downloaded_and_restored() {
    let Some(driver) = start_driver() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    add_user(dir.path(), "carl", "contributor");
    let server = Server::start_with(dir.path(), &["--demo"]);
    let base = server.base.clone();
    let url = block_on(async {
        let c = browser(&driver, true).await;
        log_out_and_in(&c, &base, "carl", "/new/method").await;
        fill(&c, "input#f-title", "Lire la ville avec ses rivières").await;
        fill(&c, "textarea#f-summary", "Un atelier de cartographie.").await;
        click(&c, "button[value=save]", "save").await;
        wait_for_path(&c, "the new method", |p| p.starts_with("/method/")).await;
        let url = c.current_url().await.expect("url").path().to_owned();

        attach_in_browser(&c, &base, &url, "compte-rendu-atelier.pdf", "Compte rendu").await;
        attach_in_browser(&c, &base, &url, "carnet-de-bord.odt", "Carnet de bord").await;
        let listed = text_of(&c, "section.attachments ul.files").await;
        assert!(
            listed.contains("Compte rendu") && listed.contains("3 pages"),
            "{listed}"
        );
        assert!(
            listed.contains("Carnet de bord") && listed.contains("ODT"),
            "{listed}"
        );

        // A word only inside the PDF finds the method, saying where.
        c.goto(&format!("{base}/search?q=hydrographie"))
            .await
            .expect("search");
        assert_eq!(
            text_of(&c, "ol.hits p.in-file").await,
            "dans compte-rendu-atelier.pdf, p. 2"
        );
        assert!(text_of(&c, "p.snippet mark").await.contains("hydrographie"));

        // Removing the ODT is a revision, which the history restores.
        c.goto(&format!("{base}{url}/attachments"))
            .await
            .expect("manage");
        click(
            &c,
            "section.file-card:nth-of-type(2) form.inline button",
            "remove the ODT",
        )
        .await;
        wait_for(&c, "the file removed", async |c: &Client| {
            flash(c).await.starts_with("Fichier retiré")
        })
        .await;
        c.goto(&format!("{base}{url}/history"))
            .await
            .expect("history");
        // The revision before the removal: the second row from the top.
        click(
            &c,
            "table tbody tr:nth-child(2) form.inline button",
            "restore",
        )
        .await;
        click(&c, "form.confirm button[type=submit]", "confirm").await;
        wait_for(&c, "restored", async |c: &Client| {
            flash(c).await.starts_with("Révision restaurée")
        })
        .await;
        assert!(
            text_of(&c, "section.attachments ul.files")
                .await
                .contains("Carnet de bord")
        );
        c.close().await.expect("close");
        url
    });
    // Both files download as they were sent.
    let carl = Browser::login(&server, "carl");
    let page = carl.page(&url);
    for name in ["compte-rendu-atelier.pdf", "carnet-de-bord.odt"] {
        let link = select(&page, &format!("section.attachments a[download='{name}']"))[0]
            .value()
            .attr("href")
            .expect("href")
            .to_owned();
        let got = carl.get(&link).bytes().expect("bytes");
        assert_eq!(got.as_ref(), fixture_file(name).as_slice(), "{name}");
    }
    let found = carl.json("/api/v1/search?q=ethnobotanique");
    assert_eq!(found["hits"][0]["url"], url.as_str());
}

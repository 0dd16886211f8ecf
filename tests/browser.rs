//! In a real browser (headless Chromium through WebDriver): the search page
//! follows what is typed, suggestions are usable with the keyboard, and with
//! JavaScript off the plain form still works.
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
            "--disable-component-update", "--disable-sync",
            format!("--user-data-dir={}/{}", driver.profile.path().display(), javascript),
        ],
    });
    if let Some(binary) = find_program("chromium") {
        options["binary"] = serde_json::json!(binary);
    }
    if !javascript {
        options["prefs"] =
            serde_json::json!({"profile.managed_default_content_settings.javascript": 2});
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
    for _ in 0..100 {
        if done(client).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn the_search_page_follows_typing_and_works_without_javascript() {
    let Some(driver) = start_driver() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(dir.path(), &["--demo"]);
    let base = server.base.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
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
        wait_for(&c, "the suggested page", async |c: &Client| {
            c.current_url()
                .await
                .is_ok_and(|u| u.path().starts_with("/partner/"))
        })
        .await;
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
        wait_for(&c, "the results page", async |c: &Client| {
            c.current_url().await.is_ok_and(|u| u.path() == "/search")
        })
        .await;
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

//! Accounts and sessions: login, logout, restarts, suspension, throttling.

use crate::support::*;

#[test]
fn sessions_survive_a_restart_and_logout_ends_them_server_side() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    let server = Server::start(dir.path());
    let eve = Browser::login(&server, "eve");
    let cookie = eve.cookie().expect("cookie").to_owned();
    assert_eq!(eve.get("/review").status(), 200);
    drop(server);

    let server = Server::start(dir.path());
    let eve = Browser::with_cookie(&server, &cookie);
    assert_eq!(
        eve.get("/review").status(),
        200,
        "the session survived the restart"
    );
    let response = eve.post("/logout", &[]);
    assert_eq!(response.status(), 303);
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap_or_default()
            .contains("Max-Age=0")
    );

    // The old cookie, replayed, is worth nothing.
    let replay = Browser::with_cookie(&server, &cookie);
    let response = replay.get("/review");
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/login"));
}

#[test]
fn a_new_session_at_each_login_and_none_after_suspension() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    let server = Server::start(dir.path());
    let first = Browser::login(&server, "carl");
    let second = Browser::login(&server, "carl");
    assert_ne!(first.cookie(), second.cookie());

    let ada = Browser::login(&server, "ada");
    let response = ada.post(
        "/admin/users/carl",
        &[("role", "contributor"), ("suspended", "true")],
    );
    assert_eq!(response.status(), 303);
    assert!(
        location(&first.get("/account")).starts_with("/login"),
        "suspended: logged out"
    );
    let again =
        Browser::anonymous(&server).post("/login", &[("name", "carl"), ("password", PASSWORD)]);
    assert_eq!(again.status(), 401);
}

#[test]
fn the_eleventh_failed_login_in_a_minute_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    let server = Server::start(dir.path());
    let browser = Browser::anonymous(&server);
    for i in 1..=10 {
        let r = browser.post(
            "/login",
            &[("name", "cora"), ("password", "pas le bon mot")],
        );
        assert_eq!(r.status(), 401, "attempt {i}");
    }
    let r = browser.post("/login", &[("name", "cora"), ("password", PASSWORD)]);
    assert_eq!(r.status(), 429, "even the right password waits, from here");
    assert!(r.headers().contains_key("retry-after"));
    assert!(
        r.text()
            .unwrap_or_default()
            .contains("Réessayez dans 1 min")
    );
}

#[test]
fn changing_a_password_ends_every_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    let server = Server::start(dir.path());
    let other = Browser::login(&server, "cora");
    let cora = Browser::login(&server, "cora");
    let r = cora.post(
        "/account/password",
        &[
            ("current", PASSWORD),
            ("new", "court"),
            ("confirm", "court"),
        ],
    );
    assert_eq!(r.status(), 422, "too short");
    let new = "une phrase de passe toute neuve";
    let r = cora.post(
        "/account/password",
        &[("current", PASSWORD), ("new", new), ("confirm", new)],
    );
    assert_eq!(r.status(), 303);
    assert!(location(&other.get("/account")).starts_with("/login"));
    let r = Browser::anonymous(&server).post("/login", &[("name", "cora"), ("password", new)]);
    assert_eq!(r.status(), 303);
}

#[test]
fn admins_create_accounts_and_bad_input_is_explained() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    let server = Server::start(dir.path());
    let ada = Browser::login(&server, "ada");
    let r = ada.post(
        "/admin/users",
        &[("name", "nina"), ("role", "editor"), ("password", "court")],
    );
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().expect("body"));
    assert_eq!(
        select(&html, "#new-name")[0].value().attr("value"),
        Some("nina")
    );
    let r = ada.post(
        "/admin/users",
        &[("name", "nina"), ("role", "editor"), ("password", PASSWORD)],
    );
    assert_eq!(r.status(), 200);
    let nina = Browser::login(&server, "nina");
    assert_eq!(nina.get("/review").status(), 200);
}

#[test]
fn the_cli_refuses_bad_accounts_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = savoirs(dir.path(), &["user", "add", "x", "--role", "king"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown role"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_savoirs"))
        .arg("--data")
        .arg(dir.path())
        .args(["user", "add", "ada", "--role", "admin"])
        .env("SAVOIRS_PASSWORD", "court")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 10"));
}

#[test]
fn a_new_base_offers_a_one_time_address_for_its_first_administrator() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = Server::start(dir.path());
    let line = server.next_line();
    assert!(line.starts_with("No account yet"), "{line}");
    let address = line.rsplit(' ').next().expect("an address").to_owned();
    let path = address
        .strip_prefix(&server.base)
        .unwrap_or_else(|| panic!("{address} is not on {}", server.base))
        .to_owned();
    let anyone = Browser::anonymous(&server);
    assert_eq!(anyone.get(&path).status(), 200);
    assert_eq!(anyone.get("/setup/0123456789abcdef").status(), 404);

    // Mistakes bring the form back with the name kept.
    let r = anyone.post(
        &path,
        &[
            ("name", "ada"),
            ("password", PASSWORD),
            ("again", "autre chose que lui"),
        ],
    );
    assert_eq!(r.status(), 422);
    let page = scraper::Html::parse_document(&r.text().expect("body"));
    assert_eq!(
        select(&page, "input#name")[0].value().attr("value"),
        Some("ada")
    );
    assert!(text(&select(&page, "p.error")[0]).contains("diffèrent"));
    let r = anyone.post(
        &path,
        &[("name", "ada"), ("password", "court"), ("again", "court")],
    );
    assert_eq!(r.status(), 422);

    let r = anyone.post(
        &path,
        &[("name", "ada"), ("password", PASSWORD), ("again", PASSWORD)],
    );
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    let ada = Browser::login(&server, "ada");
    assert_eq!(ada.get("/admin/users").status(), 200, "an administrator");

    // The address is closed now, for reading and for writing.
    assert_eq!(anyone.get(&path).status(), 404);
    let r = anyone.post(
        &path,
        &[("name", "eve"), ("password", PASSWORD), ("again", PASSWORD)],
    );
    assert_eq!(r.status(), 404);
    server.kill();
    let restarted = Server::start(dir.path());
    assert_eq!(Browser::anonymous(&restarted).get(&path).status(), 404);
}

/// The reset link an administrator's request shows, as a path on the server.
fn reset_path(server: &Server, response: reqwest::blocking::Response) -> String {
    assert_eq!(response.status(), 200);
    let page = scraper::Html::parse_document(&response.text().expect("body"));
    let link = text(&select(&page, "code.secret")[0]);
    link.strip_prefix(&server.base)
        .unwrap_or_else(|| panic!("{link} is not on {}", server.base))
        .to_owned()
}

#[test]
fn an_administrator_makes_a_password_link_that_works_once() {
    let dir = with_example();
    add_team(dir.path());
    let server = Server::start(dir.path());
    let ada = Browser::login(&server, "ada");
    let eve = Browser::login(&server, "eve");
    assert_eq!(eve.post("/admin/users/carl/reset", &[]).status(), 403);
    assert_eq!(ada.post("/admin/users/personne/reset", &[]).status(), 404);
    let users = ada.page("/admin/users");
    assert!(!select(&users, "form[action='/admin/users/carl/reset'] button").is_empty());

    let first = reset_path(&server, ada.post("/admin/users/carl/reset", &[]));
    let path = reset_path(&server, ada.post("/admin/users/carl/reset", &[]));
    let anyone = Browser::anonymous(&server);
    assert_eq!(
        anyone.get(&first).status(),
        404,
        "replaced by the newer link"
    );
    let page = anyone.page(&path);
    assert!(text(&select(&page, "main p")[0]).contains("carl"));

    let r = anyone.post(
        &path,
        &[
            ("password", "un nouveau mot de passe"),
            ("again", "un autre"),
        ],
    );
    assert_eq!(r.status(), 422);
    let r = anyone.post(&path, &[("password", "court"), ("again", "court")]);
    assert_eq!(r.status(), 422);
    let r = anyone.post(
        &path,
        &[
            ("password", "un nouveau mot de passe"),
            ("again", "un nouveau mot de passe"),
        ],
    );
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");

    let login = |password: &str| {
        anyone
            .post(
                "/login",
                &[("name", "carl"), ("password", password), ("next", "/")],
            )
            .status()
    };
    assert_eq!(login("un nouveau mot de passe"), 303);
    assert_eq!(login(PASSWORD), 401);
    assert_eq!(anyone.get(&path).status(), 404, "used once");
    let r = anyone.post(
        &path,
        &[
            ("password", "encore un mot de passe"),
            ("again", "encore un mot de passe"),
        ],
    );
    assert_eq!(r.status(), 404);
}

#[test]
fn error_pages_keep_the_header_of_whoever_is_logged_in() {
    let dir = with_example();
    add_team(dir.path());
    let server = Server::start(dir.path());
    let carl = Browser::login(&server, "carl");
    for (path, status) in [("/nulle-part", 404), ("/review", 403)] {
        let r = carl.get(path);
        assert_eq!(r.status(), status, "{path}");
        let page = scraper::Html::parse_document(&r.text().expect("body"));
        let account = text(&select(&page, "header.site nav.account")[0]);
        assert!(account.contains("carl"), "{path}: {account}");
        assert!(
            !select(&page, "header.site a[href='/my-work']").is_empty(),
            "{path}"
        );
    }
    // Anonymous, the same pages offer to log in.
    let page = server.page("/");
    assert!(!select(&page, "header.site a[href='/login']").is_empty());
}

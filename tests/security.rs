//! The attacks of SECURITY.md, replayed against a running server: each must
//! cost little time and memory, and none may lock a person out, leak a link to
//! another host or hand a spreadsheet a formula.
//!
//! Times are the best of a few tries, as the machines that run the tests are
//! shared; what is checked is the order of magnitude (an attack used to take
//! seconds to minutes), not a benchmark.

use std::time::{Duration, Instant};

use reqwest::blocking::{Client, Response};

use crate::support::*;

/// The work of one request must stay under this.
const QUICK: Duration = Duration::from_millis(100);
const MIB: u64 = 1024;

fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

/// The best time of three tries of `request`, and its last answer's status.
fn best_of_three(request: impl Fn() -> Response) -> (u16, Duration) {
    let mut best = Duration::MAX;
    let mut status = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let response = request();
        status = response.status().as_u16();
        let _ = response.bytes();
        best = best.min(start.elapsed());
    }
    (status, best)
}

#[test]
fn search_addresses_with_thousands_of_filters_cost_little() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(dir.path(), &["--demo"]);
    let client = client();
    let get = |query: &str| {
        client
            .get(format!("{}/search?{query}", server.base))
            .send()
            .expect("search")
    };
    let _ = get("q=forum").bytes();
    let before = server.rss_kib();

    let same_range = "year=1000..1200&".repeat(300);
    let (status, time) = best_of_three(|| get(&same_range));
    eprintln!("300 year ranges: {status} in {time:?}");
    assert_eq!(status, 200, "one range asked 300 times is one filter");
    assert!(time < QUICK, "300 year ranges: {time:?}");

    let partners: String = (0..2000).map(|i| format!("partner=p{i}&")).collect();
    let (status, time) = best_of_three(|| get(&partners));
    eprintln!("2,000 partners: {status} in {time:?}");
    assert_eq!(status, 400, "2,000 partners are too many");
    assert!(time < QUICK, "2,000 partners: {time:?}");
    let refusal = get(&partners).text().expect("body");
    assert!(refusal.contains("Trop de filtres"), "the page says why");

    let ranges: String = (0..300)
        .map(|i| format!("year={}..{}&", 1000 + i, 1200 + i))
        .collect();
    let (status, time) = best_of_three(|| get(&ranges));
    assert_eq!(status, 400, "300 overlapping ranges span too many years");
    assert!(time < QUICK, "300 ranges: {time:?}");

    let grown = server.rss_kib().saturating_sub(before);
    eprintln!("search floods: memory grew by {grown} KiB");
    assert!(grown < 20 * MIB, "memory grew by {grown} KiB");
}

#[test]
fn deeply_nested_markdown_is_refused_at_once_and_the_site_stays_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    let server = Server::start_with(dir.path(), &["--demo"]);
    let carl = Browser::login(&server, "carl");
    let quotes = ">".repeat(50_000);
    let divs = "<div>".repeat(10_000);
    for (what, text) in [("quotes", &quotes), ("divs", &divs)] {
        for intent in ["preview", "save"] {
            let (status, time) = best_of_three(|| {
                carl.post(
                    "/new/method",
                    &[
                        ("title", "Méthode piégée"),
                        ("body", text),
                        ("intent", intent),
                    ],
                )
            });
            assert_eq!(status, 422, "{what}, {intent}");
            eprintln!("nested {what}, {intent}: refused in {time:?}");
            assert!(time < QUICK, "{what}, {intent}: {time:?}");
        }
    }
    let page = carl
        .post(
            "/new/method",
            &[
                ("title", "Méthode piégée"),
                ("body", &quotes),
                ("intent", "preview"),
            ],
        )
        .text()
        .expect("body");
    assert!(
        page.contains("plus de 32 niveaux (ligne 1)"),
        "the form says, in French, how deep is allowed and where"
    );

    // Two at once, and the home page still answers quickly.
    let attackers: Vec<_> = (0..2)
        .map(|_| {
            let cookie = carl.cookie().expect("cookie").to_owned();
            let base = server.base.clone();
            let text = ">".repeat(40_000);
            std::thread::spawn(move || {
                for _ in 0..5 {
                    let r = client()
                        .post(format!("{base}/new/method"))
                        .header("cookie", &cookie)
                        .header("origin", &base)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(form_body(&[
                            ("title", "x"),
                            ("body", &text),
                            ("intent", "preview"),
                        ]))
                        .send()
                        .expect("post");
                    assert_eq!(r.status(), 422);
                }
            })
        })
        .collect();
    let (status, time) = best_of_three(|| server.get("/"));
    assert_eq!(status, 200);
    eprintln!("home page during the attack: {time:?}");
    assert!(time < QUICK, "home page during the attack: {time:?}");
    for a in attackers {
        a.join().expect("attacker");
    }

    // The JSON API and the importer refuse it too, naming the field.
    let api = client()
        .post(format!("{}/api/v1/records", server.base))
        .header("cookie", carl.cookie().expect("cookie"))
        .json(&serde_json::json!({"kind": "method", "title": "x", "body": divs}))
        .send()
        .expect("api");
    assert_eq!(api.status(), 422);
    assert!(api.text().expect("body").contains("body"));
}

#[test]
fn imports_refuse_deep_markdown_with_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("piege.jsonl");
    let line =
        serde_json::json!({"kind": "method", "title": "Piège", "summary": ">".repeat(50_000)});
    std::fs::write(&file, format!("{line}\n")).expect("write");
    let output = savoirs(
        &dir.path().join("data"),
        &["import", file.to_str().expect("path")],
    );
    let said = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("summary"), "{said}");
    assert!(said.contains("32 levels"), "{said}");
}

#[test]
fn a_diff_of_two_long_revisions_answers_then_stops_working() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let text = |seed: u64| {
        let mut rng = fastrand::Rng::with_seed(seed);
        (0..120_000)
            .map(|i| {
                let word = format!("mot{} ", rng.u32(..5_000));
                if i % 12 == 11 { word + "\n" } else { word }
            })
            .collect::<String>()
    };
    for seed in [1, 2] {
        import_lines(
            &data,
            &[serde_json::json!({
                "kind": "method", "id": "longue", "title": "Une longue méthode",
                "status": "published", "body": text(seed)
            })],
        );
    }
    let server = Server::start(&data);
    let start = Instant::now();
    let response = server.get("/method/une-longue-methode/diff?from=1&to=2");
    assert_eq!(response.status(), 200);
    let page = response.text().expect("body");
    let took = start.elapsed();
    assert!(
        page.contains("<del") || page.contains("<ins"),
        "a real diff"
    );
    // The comparison has half a second; splitting, merging and rendering two
    // megabytes of words take the rest.
    assert!(took < Duration::from_secs(15), "{took:?}");
    // And once answered, nothing goes on working.
    std::thread::sleep(Duration::from_millis(200));
    let before = server.cpu_ticks();
    std::thread::sleep(Duration::from_secs(1));
    let used = server.cpu_ticks() - before;
    eprintln!("diff of two 1 MB revisions: {took:?}, then {used} ticks of CPU in a second");
    assert!(
        used < 20,
        "{used} ticks of CPU in the second after the answer"
    );
}

/// A login from `address` (the server trusts 127.0.0.1 as its proxy).
fn login_from(
    client: &Client,
    base: &str,
    address: &str,
    name: &str,
    password: &str,
) -> reqwest::StatusCode {
    client
        .post(format!("{base}/login"))
        .header("origin", base)
        .header("x-forwarded-for", address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[("name", name), ("password", password)]))
        .send()
        .expect("login")
        .status()
}

#[test]
fn login_floods_neither_fill_memory_nor_lock_the_owner_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    let server = Server::start_with(dir.path(), &["--trusted-proxy", "127.0.0.1"]);
    let base = server.base.clone();
    // A refused body is not read, so the server closes that connection: a new
    // connection for every request, rather than one the server may be closing.
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    // Two logins at once take the password checks' memory once for all.
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let status = login_from(&client, &base, "192.0.2.1", "cora", PASSWORD);
                assert_eq!(status, 303);
            });
        }
    });
    let before = server.rss_kib();

    // 200 failures with the largest body the form takes, from twenty addresses:
    // made-up names of 8 KiB, or real-looking names with 1 KiB passwords.
    let long_name = "n".repeat(8 * 1024);
    let long_password = "p".repeat(1024);
    std::thread::scope(|s| {
        for worker in 0..8 {
            let (client, base) = (&client, &base);
            let (long_name, long_password) = (&long_name, &long_password);
            s.spawn(move || {
                for i in 0..25 {
                    let address = format!("198.51.100.{}", (worker * 25 + i) % 20);
                    let (name, password) = if i % 2 == 0 {
                        (long_name.clone(), "x".repeat(7 * 1024))
                    } else {
                        (format!("inconnu{worker}x{i}"), long_password.clone())
                    };
                    let status = login_from(client, base, &address, &name, &password);
                    assert!(matches!(status.as_u16(), 401 | 429), "{status}");
                }
            });
        }
    });
    // A body over the form's size is refused before it is read.
    let huge = client
        .post(format!("{base}/login"))
        .header("origin", &base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("name", &"n".repeat(64 << 10)),
            ("password", "x"),
        ]))
        .send()
        .expect("huge login");
    assert_eq!(huge.status(), 413);

    // 150 at once, each from its own address, each a real password check.
    std::thread::scope(|s| {
        for i in 0..150 {
            let (client, base) = (&client, &base);
            s.spawn(move || {
                let address = format!("203.0.113.{}", i + 1);
                let status = login_from(client, base, &address, "carl", "pas le bon");
                assert_eq!(status, 401);
            });
        }
    });
    let grown = server.rss_kib().saturating_sub(before);
    eprintln!("login floods: memory grew by {grown} KiB");
    assert!(grown < 50 * MIB, "memory grew by {grown} KiB");

    // A stranger fails fifty times from one address...
    for _ in 0..50 {
        let status = login_from(&client, &base, "192.0.2.66", "eve", "devinette");
        assert!(matches!(status.as_u16(), 401 | 429));
    }
    assert_eq!(
        login_from(&client, &base, "192.0.2.66", "eve", PASSWORD),
        429,
        "the stranger's address waits, even with the right password"
    );
    // ...and the owner, from elsewhere, gets in.
    assert_eq!(
        login_from(&client, &base, "198.51.100.200", "eve", PASSWORD),
        303
    );

    // Eighty wrong attempts at once get no more checks than the limit.
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..80)
            .map(|_| {
                let (client, base) = (&client, &base);
                s.spawn(move || login_from(client, base, "192.0.2.80", "ada", "mauvais").as_u16())
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("attempt"))
            .collect()
    });
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let waited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + waited, 80, "{statuses:?}");
    eprintln!("80 concurrent wrong attempts: {checked} checked, {waited} told to wait");
    assert!(checked <= 10, "{checked} attempts were checked");
}

#[test]
fn addresses_origins_and_spreadsheets_are_not_trusted() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    import_lines(
        dir.path(),
        &[serde_json::json!({
            "kind": "action", "title": "=HYPERLINK(\"https://evil.example\",\"x\")",
            "status": "published", "summary": "=1+1", "referent": "+cmd|' /C calc'!A0",
            "pilot": "@SUM(A1)", "history": "-2+3"
        })],
    );
    // Formulas reach spreadsheets as text.
    let output = savoirs(dir.path(), &["export", "--format", "csv"]);
    assert_success(&output);
    let csv = String::from_utf8(output.stdout).expect("utf-8");
    for cell in [
        "'=1+1",
        "'+cmd|' /C calc'!A0",
        "'@SUM(A1)",
        "'-2+3",
        "\"'=HYPERLINK(",
    ] {
        assert!(csv.contains(cell), "{cell} in {csv}");
    }

    let server = Server::start(dir.path());
    let client = client();

    // A foreign Host gets no page at all, so no link to it anywhere.
    for path in ["/", "/opensearch.xml", "/changes/feed", "/sitemap.xml"] {
        let r = client
            .get(format!("{}{path}", server.base))
            .header("host", "evil.example")
            .send()
            .expect("get");
        assert_eq!(r.status(), 400, "{path}");
        assert!(
            !r.text().expect("body").contains("//evil.example"),
            "{path}"
        );
    }

    // An https page is another origin than this http site.
    let port = server.base.rsplit(':').next().expect("port");
    for origin in [
        format!("https://127.0.0.1:{port}"),
        format!(
            "http://127.0.0.1:{}",
            port.parse::<u32>().expect("port") + 1
        ),
        "http://evil.example".to_owned(),
    ] {
        let r = client
            .post(format!("{}/login", server.base))
            .header("origin", &origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&[("name", "ada"), ("password", PASSWORD)]))
            .send()
            .expect("post");
        assert_eq!(r.status(), 403, "{origin}");
    }

    let editor = Browser::login(&server, "eve");
    let over_http = editor.get("/export/actions.csv").text().expect("csv");
    assert!(over_http.contains("'=1+1"), "{over_http}");
    assert!(!over_http.contains(",=1+1"));
}

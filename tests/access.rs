//! Who may do what: the route × role × record-state matrix of the README, and the
//! refusal of cross-site requests on every state-changing route.

use serde_json::json;

use crate::support::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Owner,
    OtherContributor,
    Editor,
    Admin,
}

const EVERYONE: [Who; 5] = [
    Who::Anonymous,
    Who::Owner,
    Who::OtherContributor,
    Who::Editor,
    Who::Admin,
];
const STATES: [&str; 4] = ["draft", "proposed", "published", "archived"];

/// What a request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// 200, or a redirect to the result.
    Allowed,
    /// Redirected to the login page.
    Login,
    /// 403.
    Forbidden,
    /// 404: the record is not shown to this person at all.
    Hidden,
}
use Outcome::*;

fn is_editor(who: Who) -> bool {
    matches!(who, Who::Editor | Who::Admin)
}

/// The README's table, cell by cell.
fn expected(route: &str, who: Who, state: &str) -> Outcome {
    let sees = state == "published" || is_editor(who) || who == Who::Owner;
    match route {
        "read" | "history" | "diff" => {
            if sees {
                Allowed
            } else {
                Hidden
            }
        }
        "edit form" | "edit" | "restore" | "status" => {
            if !sees {
                Hidden
            } else if who == Who::Anonymous {
                Login
            } else {
                // The owner edits a draft or a proposal, and proposes a draft.
                let owner_may = if route == "status" {
                    state == "draft"
                } else {
                    matches!(state, "draft" | "proposed")
                };
                if is_editor(who) || (who == Who::Owner && owner_may) {
                    Allowed
                } else {
                    Forbidden
                }
            }
        }
        // Whoever may read the record takes part in its discussion.
        "comment" | "follow" => {
            if !sees {
                Hidden
            } else if who == Who::Anonymous {
                Login
            } else {
                Allowed
            }
        }
        _ => unreachable!("{route}"),
    }
}

fn expected_page(path: &str, who: Who) -> Outcome {
    match (path, who) {
        ("/changes", _) => Allowed,
        (_, Who::Anonymous) => Login,
        ("/new" | "/new/action" | "/account" | "/my-work" | "/notifications", _) => Allowed,
        ("/new/partner" | "/review", w) => {
            if is_editor(w) {
                Allowed
            } else {
                Forbidden
            }
        }
        ("/admin/users", Who::Admin) => Allowed,
        ("/admin/users", _) => Forbidden,
        _ => unreachable!("{path}"),
    }
}

fn outcome(response: &reqwest::blocking::Response, what: &str) -> Outcome {
    match response.status().as_u16() {
        200 => Allowed,
        303 if location(response).starts_with("/login") => Login,
        303 => Allowed,
        403 => Forbidden,
        404 => Hidden,
        other => panic!("{what}: unexpected status {other}"),
    }
}

fn slug(state: &str, who: &str) -> String {
    format!("fiche-{state}-{who}")
}

fn record(state: &str, who: &str) -> serde_json::Value {
    json!({"kind": "action", "id": format!("{state}-{who}"), "slug": slug(state, who),
           "title": format!("Fiche {state} {who}"), "status": state, "owner": "carl",
           "summary": "Texte de départ."})
}

/// The status a record in `state` is moved to in the matrix.
fn next_status(state: &str) -> &'static str {
    match state {
        "draft" => "proposed",
        "proposed" => "published",
        "published" => "archived",
        _ => "published",
    }
}

#[test]
fn route_role_and_state_matrix() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    let mut lines = Vec::new();
    for state in STATES {
        lines.push(record(state, "shared"));
        for who in EVERYONE {
            lines.push(record(state, &format!("{who:?}").to_lowercase()));
        }
    }
    import_lines(dir.path(), &lines);
    let server = Server::start(dir.path());
    let browser = |who: Who| match who {
        Who::Anonymous => Browser::anonymous(&server),
        Who::Owner => Browser::login(&server, "carl"),
        Who::OtherContributor => Browser::login(&server, "cora"),
        Who::Editor => Browser::login(&server, "eve"),
        Who::Admin => Browser::login(&server, "ada"),
    };
    let mut failures = Vec::new();
    let mut cells = 0;
    for who in EVERYONE {
        let b = browser(who);
        let mut check = |what: String, got: Outcome, want: Outcome| {
            cells += 1;
            if got != want {
                failures.push(format!("{what} as {who:?}: got {got:?}, expected {want:?}"));
            }
        };
        for path in [
            "/new",
            "/new/action",
            "/new/partner",
            "/review",
            "/admin/users",
            "/account",
            "/my-work",
            "/notifications",
            "/changes",
        ] {
            let got = outcome(&b.get(path), path);
            check(format!("GET {path}"), got, expected_page(path, who));
        }
        for state in STATES {
            let shared = format!("/action/{}", slug(state, "shared"));
            for (route, path) in [
                ("read", shared.clone()),
                ("read", format!("{shared}/markdown")),
                ("history", format!("{shared}/history")),
                ("diff", format!("{shared}/diff?from=1&to=1")),
                ("edit form", format!("{shared}/edit")),
            ] {
                let got = outcome(&b.get(&path), &path);
                check(format!("GET {path}"), got, expected(route, who, state));
            }
            for (route, path, fields) in [
                (
                    "comment",
                    format!("{shared}/comments"),
                    [("text", "Une remarque.")],
                ),
                ("follow", format!("{shared}/follow"), [("follow", "1")]),
            ] {
                let got = outcome(&b.post(&path, &fields), &path);
                check(format!("POST {path}"), got, expected(route, who, state));
            }
            // State-changing routes, each on a record of its own.
            let own = format!(
                "/action/{}",
                slug(state, &format!("{who:?}").to_lowercase())
            );
            let edit = [
                ("title", "Fiche modifiée"),
                ("summary", "Texte modifié."),
                ("lang", "fr"),
                ("base_revision", "1"),
                ("intent", "save"),
            ];
            let got = outcome(&b.post(&format!("{own}/edit"), &edit), "edit");
            check(
                format!("POST {own}/edit"),
                got,
                expected("edit", who, state),
            );
            let current = if got == Allowed { "2" } else { "1" };
            let got = outcome(
                &b.post(
                    &format!("{own}/restore"),
                    &[("revision", "1"), ("current", current), ("confirm", "yes")],
                ),
                "restore",
            );
            check(
                format!("POST {own}/restore"),
                got,
                expected("restore", who, state),
            );
            let got = outcome(
                &b.post(&format!("{own}/status"), &[("status", next_status(state))]),
                "status",
            );
            check(
                format!("POST {own}/status"),
                got,
                expected("status", who, state),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cells >= 150, "{cells} cells");
}

#[test]
fn every_state_changing_route_refuses_cross_site_requests() {
    let dir = with_example();
    add_team(dir.path());
    let server = Server::start(dir.path());
    let ada = Browser::login(&server, "ada");
    let cookie = ada.cookie().expect("cookie").to_owned();
    let sheet = server.json("/api/v1/search?q=&kind=action")["hits"][0]["url"]
        .as_str()
        .expect("url")
        .rsplit('/')
        .next()
        .expect("slug")
        .to_owned();
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut checked = 0;
    for (method, pattern) in savoirs::http::route_table() {
        if method == reqwest::Method::GET {
            continue;
        }
        let path = pattern
            .replace("{kind}", "action")
            .replace("{slug}", &sheet)
            .replace("{name}", "carl");
        for headers in [
            vec![("origin", "http://evil.example")],
            vec![("sec-fetch-site", "cross-site")],
            vec![("origin", "null")],
        ] {
            let mut request = client
                .request(method.clone(), format!("{}{path}", server.base))
                .header("cookie", &cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("status=archived&title=x&name=x&password=x&role=admin");
            for (k, v) in &headers {
                request = request.header(*k, *v);
            }
            let response = request.send().expect("send");
            assert_eq!(response.status(), 403, "{method} {path} with {headers:?}");
        }
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} state-changing routes");
    // Unknown paths too: the refusal is in front of every route.
    let r = client
        .post(format!("{}/nowhere", server.base))
        .header("origin", "http://evil.example")
        .send()
        .expect("send");
    assert_eq!(r.status(), 403);
    // Nothing was changed.
    assert_eq!(server.json("/api/v1/search?q=&kind=action")["total"], 1);
}

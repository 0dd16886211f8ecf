//! Review conversations: a record's discussion, following it, and the
//! notifications that tell each person what happened to what concerns them.

use crate::support::*;

fn setup() -> (tempfile::TempDir, Server) {
    let dir = with_example();
    add_team(dir.path());
    let server = Server::start(dir.path());
    (dir, server)
}

/// The unread count in the header, 0 when there is no badge.
fn unread(b: &Browser) -> u64 {
    let page = b.page("/my-work");
    select(&page, "nav.account a[href='/notifications'] .badge")
        .first()
        .map_or(0, |e| text(e).parse().expect("a number"))
}

/// The notifications listed, as their text.
fn notifications(b: &Browser) -> Vec<String> {
    let page = b.page("/notifications");
    select(&page, "ul.notifications li")
        .iter()
        .map(text)
        .collect()
}

#[test]
fn a_proposal_sent_back_with_a_comment_is_discussed_and_published() {
    let (_dir, server) = setup();
    let carl = Browser::login(&server, "carl");
    let eve = Browser::login(&server, "eve");
    let cora = Browser::login(&server, "cora");
    let r = carl.post(
        "/new/method",
        &[
            ("title", "Méthode du débat mouvant"),
            ("summary", "Se déplacer pour dire son avis."),
            ("lang", "fr"),
            ("base_revision", "0"),
            ("intent", "save"),
        ],
    );
    assert_eq!(r.status(), 303);
    let url = location(&r);
    assert_eq!(unread(&eve), 0);

    // Proposed: every editor is told, with the count in the header.
    let r = carl.post(&format!("{url}/status"), &[("status", "proposed")]);
    assert_eq!(r.status(), 303);
    assert_eq!(unread(&eve), 1);
    assert_eq!(unread(&carl), 0, "nobody is told of their own change");
    let told = notifications(&eve);
    assert!(
        told[0].contains("carl a proposé pour publication")
            && told[0].contains("Méthode du débat mouvant"),
        "{told:?}"
    );

    // Sent back with a reason: the author is told, with the reason.
    let r = eve.post(
        &format!("{url}/status"),
        &[("status", "draft"), ("comment", "Ajoutez un exemple.")],
    );
    assert_eq!(r.status(), 303);
    assert_eq!(unread(&carl), 1);
    let told = notifications(&carl);
    assert!(
        told[0].contains("eve a renvoyé en brouillon") && told[0].contains("Ajoutez un exemple."),
        "{told:?}"
    );
    // Reading them clears the count.
    let r = carl.post("/notifications/read", &[]);
    assert_eq!(r.status(), 303);
    assert_eq!(unread(&carl), 0);

    // The discussion: the editor asks, in Markdown, sanitized.
    let r = eve.post(
        &format!("{url}/comments"),
        &[(
            "text",
            "Un **exemple** de salle ? <script>alert(1)</script>",
        )],
    );
    assert_eq!(r.status(), 303);
    assert!(location(&r).ends_with("#c1"), "{}", location(&r));
    let page = carl.page(&url);
    let comment = select(&page, "article.comment#c1");
    assert_eq!(comment.len(), 1);
    assert!(comment[0].html().contains("<strong>exemple</strong>"));
    assert!(!page.html().contains("<script>alert(1)"));
    assert_eq!(unread(&carl), 1, "the author hears of comments");

    // The author answers, then corrects the answer: the first text is kept.
    let r = carl.post(
        &format!("{url}/comments"),
        &[("text", "Une salle de classe.")],
    );
    assert_eq!(r.status(), 303);
    assert_eq!(
        unread(&eve),
        2,
        "the editor who commented follows the record"
    );
    let r = carl.post(
        &format!("{url}/comments/2"),
        &[("text", "Une salle de classe vidée de ses tables.")],
    );
    assert_eq!(r.status(), 303);
    let page = eve.page(&url);
    let second = text(&select(&page, "article.comment#c2 .comment-text")[0]);
    assert_eq!(second, "Une salle de classe vidée de ses tables.");
    let earlier = text(&select(&page, "article.comment#c2 details.earlier")[0]);
    assert!(earlier.contains("Une salle de classe."), "{earlier}");
    // Only its author changes a comment; others may not see a draft's talk.
    assert_eq!(
        eve.post(&format!("{url}/comments/2"), &[("text", "Autre")])
            .status(),
        403
    );
    assert_eq!(cora.get(&url).status(), 404);
    assert_eq!(
        cora.post(&format!("{url}/comments"), &[("text", "Bonjour")])
            .status(),
        404
    );
    // An empty comment is said so, on the page, with nothing lost.
    let r = carl.post(&format!("{url}/comments"), &[("text", "   ")]);
    assert_eq!(r.status(), 422);
    let page = scraper::Html::parse_document(&r.text().expect("body"));
    assert_eq!(select(&page, ".comment-form p.error").len(), 1);

    // Proposed again, then published: the author is told.
    carl.post("/notifications/read", &[]);
    carl.post(&format!("{url}/status"), &[("status", "proposed")]);
    let r = eve.post(&format!("{url}/status"), &[("status", "published")]);
    assert_eq!(r.status(), 303);
    assert!(notifications(&carl)[0].contains("eve a publié"));

    // Anyone may now follow it and hears of its changes.
    let r = cora.post(&format!("{url}/follow"), &[("follow", "1")]);
    assert_eq!(r.status(), 303);
    let page = cora.page("/my-work");
    let followed: Vec<String> = select(&page, "#followed li").iter().map(text).collect();
    assert!(
        followed
            .iter()
            .any(|f| f.contains("Méthode du débat mouvant")),
        "{followed:?}"
    );
    let edit = eve.page(&format!("{url}/edit"));
    let base = select(&edit, "input[name=base_revision]")[0]
        .value()
        .attr("value")
        .expect("base")
        .to_owned();
    let r = eve.post(
        &format!("{url}/edit"),
        &[
            ("title", "Méthode du débat mouvant"),
            ("summary", "Se déplacer dans la salle pour dire son avis."),
            ("lang", "fr"),
            ("base_revision", &base),
            ("intent", "save"),
        ],
    );
    assert_eq!(r.status(), 303);
    assert!(notifications(&cora)[0].contains("eve a modifié"));
    // Anonymous readers are offered to log in to take part.
    let page = Browser::anonymous(&server).page(&url);
    assert!(select(&page, ".comment-form").is_empty());
    assert_eq!(
        select(&page, "section.discussion a[href^='/login?next=']").len(),
        1
    );
    assert_eq!(
        Browser::anonymous(&server)
            .post(&format!("{url}/comments"), &[("text", "Bonjour")])
            .status(),
        303,
        "sent to log in"
    );
}

#[test]
fn notifications_and_reset_links_are_mailed_through_a_real_smtp_server() {
    let smtp = SmtpServer::start();
    let dir = with_example();
    add_team(dir.path());
    let server = Server::start_with(dir.path(), &["--smtp-url", &smtp.url()]);
    let carl = Browser::login(&server, "carl");
    let eve = Browser::login(&server, "eve");
    // Each chooses: carl at once, eve never; a wrong address is refused, kept.
    let r = carl.post(
        "/account/mail",
        &[("email", "carl@@exemple"), ("mail", "now")],
    );
    assert_eq!(r.status(), 422);
    let page = scraper::Html::parse_document(&r.text().expect("body"));
    assert_eq!(
        select(&page, "input#email")[0].value().attr("value"),
        Some("carl@@exemple")
    );
    let r = carl.post(
        "/account/mail",
        &[("email", "carl@exemple.org"), ("mail", "now")],
    );
    assert_eq!(r.status(), 303);
    let r = eve.post(
        "/account/mail",
        &[("email", "eve@exemple.org"), ("mail", "never")],
    );
    assert_eq!(r.status(), 303);

    let r = carl.post(
        "/new/method",
        &[
            ("title", "Méthode de la chaise vide"),
            ("summary", "Une chaise pour la personne absente."),
            ("lang", "fr"),
            ("base_revision", "0"),
            ("intent", "save"),
        ],
    );
    let url = location(&r);
    carl.post(&format!("{url}/status"), &[("status", "proposed")]);
    eve.post(
        &format!("{url}/status"),
        &[("status", "draft"), ("comment", "Citez la source.")],
    );
    let mail = smtp.wait_for(1);
    assert_eq!(mail.len(), 1, "only carl asked for mail: {mail:?}");
    assert!(mail[0].contains("To: carl@exemple.org"), "{}", mail[0]);
    assert!(mail[0].contains("Subject: [Savoirs]"), "{}", mail[0]);
    let body = mail[0].replace("=\r\n", "");
    assert!(body.contains(&url), "the mail links to the record: {body}");
    assert!(body.contains("Citez la source."), "{body}");

    // A forgotten password: the same answer for any name, a link only to an
    // account that has an address, and the link works once.
    let anonymous = Browser::anonymous(&server);
    let answer = |who: &str| {
        let r = anonymous.post("/password/forgot", &[("who", who)]);
        assert_eq!(r.status(), 200, "{who}");
        let page = scraper::Html::parse_document(&r.text().expect("body"));
        text(&select(&page, "p.notice")[0])
    };
    assert_eq!(answer("personne"), answer("carl@exemple.org"));
    assert_eq!(answer("cora"), answer("personne"), "cora has no address");
    let mail = smtp.wait_for(2);
    assert_eq!(mail.len(), 2, "{mail:?}");
    let body = mail[1].replace("=\r\n", "");
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/reset/"))
        .expect("a reset link");
    let path = &link[link.find("/reset/").expect("path")..];
    let r = anonymous.post(
        path,
        &[
            ("password", "un tout autre mot de passe"),
            ("again", "un tout autre mot de passe"),
        ],
    );
    assert_eq!(r.status(), 303);
    assert_eq!(anonymous.get(path).status(), 404, "used once");
    // Asking too often is refused for a while, like guessing passwords.
    let refused = (0..12)
        .map(|_| {
            anonymous
                .post("/password/forgot", &[("who", "carl")])
                .status()
        })
        .any(|s| s == 429);
    assert!(refused);
}

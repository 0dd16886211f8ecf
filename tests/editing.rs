//! Writing through the browser: forms, validation, workflow, conflicts, history.

use crate::support::*;

fn action_form<'a>(title: &'a str, summary: &'a str, base: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("period_start", "2021"),
        ("period_end", "2022"),
        ("referent", "Claire"),
        ("amount", "12 500,50"),
        ("currency", "EUR"),
        ("partner_name", "RITIMO"),
        ("partner_role", "pilot"),
        ("summary", summary),
        ("keywords", "forum, cartographie"),
        ("lang", "fr"),
        ("base_revision", base),
        ("intent", "save"),
    ]
}

fn setup() -> (tempfile::TempDir, Server) {
    let dir = with_example();
    add_team(dir.path());
    let server = Server::start(dir.path());
    (dir, server)
}

#[test]
fn a_draft_stays_hidden_until_published() {
    let (_dir, server) = setup();
    let carl = Browser::login(&server, "carl");
    let r = carl.post(
        "/new/action",
        &action_form("Atelier zygomorphe", "Un mot rare : zygomorphe.", "0"),
    );
    assert_eq!(r.status(), 303);
    let url = location(&r);
    assert!(url.starts_with("/action/atelier-zygomorphe"), "{url}");

    // Searchable within a second for those who may see it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let found = carl.json("/api/v1/search?q=zygomorphe")["total"].as_u64();
        if found == Some(1) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not searchable within 1 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let page = carl.page(&url);
    assert_eq!(text(&select(&page, "dl.facts dd")[2]), "12 500,50 €");

    let anonymous = Browser::anonymous(&server);
    assert_eq!(anonymous.json("/api/v1/search?q=zygomorphe")["total"], 0);
    let html = anonymous.page("/search?q=zygomorphe");
    assert!(select(&html, "li.hit").is_empty());
    let facets = anonymous.json("/api/v1/search?q=&kind=action");
    assert_eq!(
        facets["facets"]["kind"][0]["count"], 1,
        "facet counts: the example only"
    );
    assert_eq!(anonymous.get(&url).status(), 404);
    let cora = Browser::login(&server, "cora");
    assert_eq!(cora.json("/api/v1/search?q=zygomorphe")["total"], 0);
    assert_eq!(cora.get(&url).status(), 404);
    let eve = Browser::login(&server, "eve");
    assert_eq!(eve.json("/api/v1/search?q=zygomorphe")["total"], 1);

    // Carl proposes, Eve sends back with a comment, Carl proposes again, Eve publishes.
    let status = format!("{url}/status");
    assert_eq!(carl.post(&status, &[("status", "published")]).status(), 403);
    assert_eq!(carl.post(&status, &[("status", "proposed")]).status(), 303);
    assert_eq!(
        eve.post(
            &status,
            &[("status", "draft"), ("comment", "Ajoutez la synthèse")]
        )
        .status(),
        303
    );
    let history = carl.page(&format!("{url}/history"));
    assert!(text(&select(&history, "table.history")[0]).contains("Ajoutez la synthèse"));
    // "Mon travail" shows it first, with the editor's comment.
    let work = carl.page("/my-work");
    let sent_back = select(&work, "#sent-back li");
    assert_eq!(sent_back.len(), 1);
    assert!(
        text(&sent_back[0]).contains("Ajoutez la synthèse"),
        "{}",
        text(&sent_back[0])
    );
    assert!(text(&sent_back[0]).contains("eve"));
    assert!(select(&work, "#proposed li").is_empty());
    // Nobody else's records are there.
    assert!(
        select(&Browser::login(&server, "cora").page("/my-work"), "li")
            .iter()
            .all(|li| !text(li).contains("zygomorphe"))
    );
    assert_eq!(carl.post(&status, &[("status", "proposed")]).status(), 303);
    let work = carl.page("/my-work");
    assert!(select(&work, "#sent-back li").is_empty());
    assert_eq!(select(&work, "#proposed li").len(), 1);
    let review = eve.page("/review");
    assert_eq!(select(&review, "ol.changes li").len(), 1);
    assert_eq!(eve.post(&status, &[("status", "published")]).status(), 303);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(anonymous.json("/api/v1/search?q=zygomorphe")["total"], 1);
    assert_eq!(anonymous.get(&url).status(), 200);
    // Published, it is the editors' to change.
    assert_eq!(carl.get(&format!("{url}/edit")).status(), 403);
}

#[test]
fn two_browsers_editing_the_same_sheet_conflict_and_nothing_is_lost() {
    let (_dir, server) = setup();
    let eve = Browser::login(&server, "eve");
    let ada = Browser::login(&server, "ada");
    let url = eve.json("/api/v1/search?q=&kind=action")["hits"][0]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let edit = format!("{url}/edit");
    // Both open the form at the same revision.
    let base = |b: &Browser| {
        let html = b.page(&edit);
        select(&html, "input[name=base_revision]")[0]
            .value()
            .attr("value")
            .expect("base")
            .to_owned()
    };
    let (eve_base, ada_base) = (base(&eve), base(&ada));
    assert_eq!(eve_base, ada_base);

    let r = eve.post(
        &edit,
        &action_form("Accompagner des partenaires", "Le texte d'Eve.", &eve_base),
    );
    assert_eq!(r.status(), 303);
    let r = ada.post(
        &edit,
        &action_form("Accompagner des partenaires", "Le texte d'Ada.", &ada_base),
    );
    assert_eq!(r.status(), 409);
    let html = scraper::Html::parse_document(&r.text().expect("body"));
    let added: String = select(&html, "section.conflict ins")
        .iter()
        .map(text)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(added.contains("d'Eve."), "what changed meanwhile: {added}");
    let kept = text(&select(&html, "textarea[name=summary]")[0]);
    assert_eq!(kept, "Le texte d'Ada.", "the user's text is kept");

    let page = text(&select(&eve.page(&url), "main")[0]);
    assert!(page.contains("Le texte d'Eve."));
    assert!(
        !page.contains("Le texte d'Ada."),
        "the stored record is unchanged"
    );
}

#[test]
fn invalid_input_is_explained_beside_its_field_and_kept() {
    let (_dir, server) = setup();
    let carl = Browser::login(&server, "carl");
    let mut form = action_form("", "Mon résumé <b>gras</b>", "0");
    form.push(("period_start", "deux mille"));
    form.retain(|(k, v)| !(*k == "period_start" && *v == "2021"));
    form.push(("partner_name", "Organisation inconnue"));
    form.push(("partner_role", "partner"));
    let r = carl.post("/new/action", &form);
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().expect("body"));
    let errors: Vec<String> = select(&html, ".field.invalid label")
        .iter()
        .map(text)
        .collect();
    // The title is marked required (the mark is not read out: the note says it).
    assert!(errors.contains(&"Titre *".to_owned()), "{errors:?}");
    assert_eq!(
        select(&html, "label[for=f-title] .required")[0]
            .value()
            .attr("aria-hidden"),
        Some("true")
    );
    assert_eq!(
        select(&html, "input#f-title")[0]
            .value()
            .attr("aria-required"),
        Some("true")
    );
    let summary_hint = text(&select(&html, "#f-summary-hint")[0]);
    assert!(summary_hint.contains("Markdown"), "{summary_hint}");
    assert!(errors.contains(&"Première année".to_owned()), "{errors:?}");
    assert!(text(&select(&html, "fieldset.partners")[0]).contains("partenaire inconnu"));
    assert_eq!(
        text(&select(&html, "textarea[name=summary]")[0]),
        "Mon résumé <b>gras</b>"
    );
    assert_eq!(
        select(&html, "input[name=period_start]")[0]
            .value()
            .attr("value"),
        Some("deux mille")
    );

    let mut preview = action_form("Aperçu", "- un\n- **deux**", "0");
    preview.retain(|(k, _)| *k != "intent");
    preview.push(("intent", "preview"));
    let r = carl.post("/new/action", &preview);
    assert_eq!(r.status(), 200);
    let html = scraper::Html::parse_document(&r.text().expect("body"));
    assert_eq!(select(&html, "section.preview li strong").len(), 1);
    assert_eq!(
        carl.json("/api/v1/search?q=aper%C3%A7u")["total"],
        0,
        "a preview saves nothing"
    );
}

#[test]
fn history_diff_and_restore() {
    let (_dir, server) = setup();
    let eve = Browser::login(&server, "eve");
    let r = eve.post(
        "/new/action",
        &action_form("Forum des savoirs", "Une première version du texte.", "0"),
    );
    let url = location(&r);
    let r = eve.post(
        &format!("{url}/edit"),
        &action_form("Forum des savoirs", "Une seconde version du texte.", "1"),
    );
    assert_eq!(r.status(), 303);

    let diff = eve.page(&format!("{url}/diff?from=1&to=2"));
    let del: Vec<String> = select(&diff, "del").iter().map(text).collect();
    let ins: Vec<String> = select(&diff, "ins").iter().map(text).collect();
    assert_eq!(
        (del, ins),
        (vec!["première".to_owned()], vec!["seconde".to_owned()])
    );
    assert_eq!(eve.get(&format!("{url}/diff?from=1&to=99")).status(), 400);
    assert_eq!(eve.get(&format!("{url}/diff?from=x")).status(), 400);

    let r = eve.post(
        &format!("{url}/restore"),
        &[("revision", "1"), ("current", "2")],
    );
    assert_eq!(r.status(), 200, "asked first");
    let asked = scraper::Html::parse_document(&r.text().expect("body"));
    assert_eq!(
        text(&select(&asked, "form.confirm button")[0]),
        "Restaurer la révision 1"
    );
    assert_eq!(
        select(
            &eve.page(&format!("{url}/history")),
            "table.history tbody tr"
        )
        .len(),
        2,
        "nothing restored yet"
    );
    let r = eve.post(
        &format!("{url}/restore"),
        &[("revision", "1"), ("current", "2"), ("confirm", "yes")],
    );
    assert_eq!(r.status(), 303);
    let history = eve.page(&format!("{url}/history"));
    assert_eq!(select(&history, "table.history tbody tr").len(), 3);
    assert!(text(&select(&eve.page(&url), "main")[0]).contains("Une première version"));
    let changes = eve.page("/changes");
    assert!(text(&select(&changes, "ol.changes")[0]).contains("Restauration de la révision 1"));

    // The page the restore leads to offers to undo it, once.
    let session = eve.cookie().expect("session").to_owned();
    let said = Browser::with_cookie(&server, &format!("{session}; savoirs_flash=flash.restored"));
    let page = said.page(&url);
    let undo = select(&page, "form.undo");
    assert_eq!(undo.len(), 1, "an undo button beside the message");
    assert!(select(&eve.page(&url), "form.undo").is_empty());
    let fields: Vec<(String, String)> = select(&page, "form.undo input")
        .iter()
        .map(|i| {
            let v = i.value();
            (
                v.attr("name").unwrap_or_default().to_owned(),
                v.attr("value").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = eve.post(&format!("{url}/restore"), &fields);
    assert_eq!(r.status(), 303);
    assert!(text(&select(&eve.page(&url), "main")[0]).contains("Une seconde version"));
}

/// The message cookie a redirect sets, as `name=value`.
fn flash_cookie(response: &reqwest::blocking::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("savoirs_flash="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

#[test]
fn each_change_says_what_happened_once() {
    let (_dir, server) = setup();
    let carl = Browser::login(&server, "carl");
    let session = carl.cookie().expect("session").to_owned();
    let r = carl.post(
        "/new/action",
        &action_form("Atelier des messages", "Un atelier.", "0"),
    );
    assert_eq!(r.status(), 303);
    let flash = flash_cookie(&r).expect("a message follows the save");
    assert_eq!(flash, "savoirs_flash=flash.saved");
    let url = location(&r);

    // The page the save leads to shows it, and deletes the cookie.
    let following = Browser::with_cookie(&server, &format!("{session}; {flash}"));
    let response = following.get(&url);
    assert_eq!(response.status(), 200);
    assert!(
        flash_cookie(&response).is_some_and(|c| c == "savoirs_flash="),
        "the message is shown once"
    );
    let page = scraper::Html::parse_document(&response.text().expect("body"));
    let shown = select(&page, "main p.flash[role=status]");
    assert_eq!(shown.len(), 1);
    assert_eq!(text(&shown[0]), "Enregistré.");
    // Without the cookie, nothing.
    assert!(select(&carl.page(&url), "p.flash").is_empty());

    // Proposing says where the document went, in the viewer's language.
    let r = carl.post(&format!("{url}/status"), &[("status", "proposed")]);
    let flash = flash_cookie(&r).expect("a message follows the proposal");
    assert_eq!(flash, "savoirs_flash=flash.proposed");
    let english = Browser::with_cookie(&server, &format!("{session}; {flash}; savoirs_lang=en"));
    let page = english.page(&url);
    assert!(
        text(&select(&page, "p.flash")[0]).starts_with("Proposed for publication"),
        "{}",
        page.html()
    );

    // A cookie naming no known message shows nothing.
    let forged = Browser::with_cookie(
        &server,
        &format!("{session}; savoirs_flash=%3Cscript%3Ealert(1)%3C/script%3E"),
    );
    let page = forged.page(&url);
    assert!(select(&page, "p.flash").is_empty());
    assert!(!page.html().contains("<script>alert"));
}

#[test]
fn editors_see_the_review_queue_count_and_records_offer_only_valid_moves() {
    let (_dir, server) = setup();
    let carl = Browser::login(&server, "carl");
    let eve = Browser::login(&server, "eve");
    let badge = "header a[href='/review'] .badge";
    assert!(
        select(&eve.page("/"), badge).is_empty(),
        "nothing to review"
    );

    let r = carl.post(
        "/new/action",
        &action_form("Atelier à relire", "Un atelier.", "0"),
    );
    let url = location(&r);
    let status = format!("{url}/status");
    assert_eq!(carl.post(&status, &[("status", "proposed")]).status(), 303);
    let home = eve.page("/");
    let count = select(&home, badge);
    assert_eq!(count.len(), 1);
    assert_eq!(text(&count[0]), "1");
    // Contributors have no review queue.
    assert!(select(&carl.page("/"), "a[href='/review']").is_empty());

    assert_eq!(eve.post(&status, &[("status", "published")]).status(), 303);
    assert!(select(&eve.page("/"), badge).is_empty(), "reviewed");
    // A published record is not proposed again; it can be archived or sent back.
    let page = eve.page(&url);
    let moves: Vec<String> = select(&page, "form.status button[name=status]")
        .iter()
        .map(|b| b.value().attr("value").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(moves, ["draft", "archived"]);
    assert_eq!(eve.post(&status, &[("status", "proposed")]).status(), 403);
}

#[test]
fn an_unknown_partner_never_blocks_the_preview_and_can_be_proposed() {
    let (_dir, server) = setup();
    let carl = Browser::login(&server, "carl");
    let eve = Browser::login(&server, "eve");
    let mut fields = action_form("Atelier des voisins", "Un *atelier* de quartier.", "0");
    for f in fields.iter_mut() {
        if f.0 == "partner_name" {
            f.1 = "Collectif des Tilleuls";
        }
    }
    let preview: Vec<(&str, &str)> = fields
        .iter()
        .map(|&(k, v)| {
            if k == "intent" {
                (k, "preview")
            } else {
                (k, v)
            }
        })
        .collect();
    // The preview shows, with the unknown name said and offered as new.
    let r = carl.post("/new/action", &preview);
    assert_eq!(r.status(), 422);
    let page = scraper::Html::parse_document(&r.text().expect("body"));
    assert!(
        select(&page, "section.preview em")
            .iter()
            .any(|e| text(e) == "atelier")
    );
    assert_eq!(select(&page, "#partners-error").len(), 1);
    let offer = select(&page, "input[name=new_partner]");
    assert_eq!(offer.len(), 1);
    assert_eq!(
        offer[0].value().attr("value"),
        Some("Collectif des Tilleuls")
    );
    // The pilot is entered once, as a partner's role: no separate field.
    assert!(select(&page, "#f-pilot").is_empty());

    // A name close to a known partner's offers it; choosing it puts it in the
    // row and shows the form again, nothing saved.
    let mut near = preview.clone();
    for f in near.iter_mut() {
        if f.0 == "partner_name" {
            f.1 = "ritimo réseau";
        }
    }
    let r = carl.post("/new/action", &near);
    assert_eq!(r.status(), 422);
    let page = scraper::Html::parse_document(&r.text().expect("body"));
    let offered: Vec<String> = select(&page, "p.partner-choices button")
        .iter()
        .map(|b| b.value().attr("value").unwrap_or_default().to_owned())
        .collect();
    let choice = offered
        .iter()
        .find(|v| v.contains("RITIMO"))
        .unwrap_or_else(|| panic!("RITIMO offered: {offered:?}"))
        .clone();
    near.push(("replace_partner", &choice));
    let r = carl.post("/new/action", &near);
    let status = r.status();
    let page = scraper::Html::parse_document(&r.text().expect("body"));
    assert_eq!(
        status,
        200,
        "nothing left to correct: {choice:?} {:?}",
        select(&page, ".field-error")
            .iter()
            .map(text)
            .collect::<Vec<_>>()
    );
    let chosen = select(&page, "input#p-name-0")[0]
        .value()
        .attr("value")
        .unwrap_or_default()
        .to_owned();
    assert!(chosen.contains("RITIMO"), "{chosen}");
    assert_eq!(select(&page, "section.preview").len(), 1);

    // Saved with the box ticked: the partner is proposed, and linked as pilot.
    let mut save = fields.clone();
    save.push(("new_partner", "Collectif des Tilleuls"));
    let r = carl.post("/new/action", &save);
    assert_eq!(r.status(), 303, "{:?}", r.text());
    let url = location(&r);
    let page = carl.page(&url);
    let facts: Vec<String> = select(&page, "dl.facts dd").iter().map(text).collect();
    assert!(
        facts.contains(&"Collectif des Tilleuls".to_owned()),
        "{facts:?}"
    );
    assert_eq!(
        select(&page, "section.partners h3 a")
            .iter()
            .map(text)
            .collect::<Vec<_>>(),
        ["Collectif des Tilleuls"]
    );
    // Editors find it in the review queue and are told of it.
    let review = eve.page("/review");
    assert!(review.html().contains("Collectif des Tilleuls"));
    let told = eve.page("/notifications");
    assert!(told.html().contains("Collectif des Tilleuls"));
    // Readers do not see it until an editor publishes it.
    let anonymous = Browser::anonymous(&server);
    assert_eq!(
        anonymous.get("/partner/collectif-des-tilleuls").status(),
        404
    );
}

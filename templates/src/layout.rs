//! The frame around every page: header with the search box, main content, footer.

use maud::{DOCTYPE, Markup, html};

use crate::routes;

/// Who is looking, as the page header shows it, and where.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub user: Option<UserBadge>,
    /// The links of the page head that programs follow.
    pub head: HeadLinks,
}

/// Links in the page head read by programs rather than people: the page's
/// canonical address, its Atom feed, the OpenSearch description. Crawlers and feed
/// readers want them absolute, so they are written from the site's public origin.
/// Every page gets the canonical and search links from the request; the handlers of
/// pages that have a feed, or whose canonical address differs from the path they
/// were asked at, set the rest.
#[derive(Debug, Clone, Default)]
pub struct HeadLinks {
    /// Scheme and host, without a trailing slash: `https://savoirs.example.org`.
    pub origin: String,
    /// The page's canonical path, with its query for a search; none if empty.
    pub canonical: String,
    /// The page's Atom feed, as (path, title).
    pub feed: Option<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct UserBadge {
    pub name: String,
    /// `contributor`, `editor` or `admin`.
    pub role: String,
}

impl Chrome {
    pub fn is_editor(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == "editor" || u.role == "admin")
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == "admin")
    }
}

/// A full HTML page.
pub struct Page<'a> {
    pub title: &'a str,
    /// Text to show in the header's search box.
    pub query: &'a str,
    pub body: Markup,
}

impl Page<'_> {
    pub fn render(self, chrome: &Chrome) -> Markup {
        html! {
            (DOCTYPE)
            html lang="fr" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) " — Savoirs" }
                    link rel="stylesheet" href=(routes::STYLESHEET);
                    (head_links(&chrome.head))
                    script src=(routes::SCRIPT) defer {}
                }
                body {
                    a.skip href="#contenu" { "Aller au contenu" }
                    header.site {
                        a.brand href=(routes::HOME) { "Savoirs" }
                        (search_box(self.query, false))
                        nav.account aria-label="Compte" {
                            @if let Some(user) = &chrome.user {
                                a href=(routes::THESAURUS) { "Thésaurus" }
                                " " a href=(routes::NEW) { "Ajouter" }
                                " " a href=(routes::CHANGES) { "Modifications" }
                                @if chrome.is_editor() { " " a href=(routes::REVIEW) { "À relire" } }
                                @if chrome.is_admin() { " " a href=(routes::ADMIN_USERS) { "Comptes" } }
                                " " a href=(routes::ACCOUNT) { (user.name) " (" (crate::format::role_label_account(&user.role)) ")" }
                                form.inline action=(routes::LOGOUT) method="post" {
                                    button.link type="submit" { "Se déconnecter" }
                                }
                            } @else {
                                a href=(routes::THESAURUS) { "Thésaurus" }
                                " " a href=(routes::CHANGES) { "Modifications" }
                                " " a href=(routes::LOGIN) { "Se connecter" }
                            }
                        }
                    }
                    main #contenu { (self.body) }
                    footer.site {
                        p { "Savoirs — base de connaissances partagée des fiches d'expérience, méthodes et partenaires." }
                    }
                }
            }
        }
    }
}

fn head_links(head: &HeadLinks) -> Markup {
    let origin = &head.origin;
    html! {
        @if !head.canonical.is_empty() {
            link rel="canonical" href={ (origin) (head.canonical) };
        }
        link rel="search" type="application/opensearchdescription+xml" title="Savoirs"
            href={ (origin) (routes::OPENSEARCH) };
        @if let Some((path, title)) = &head.feed {
            link rel="alternate" type="application/atom+xml" title=(title) href={ (origin) (path) };
        }
    }
}

/// The search form; `large` on the home page.
pub fn search_box(query: &str, large: bool) -> Markup {
    html! {
        // Two search landmarks may share a page (header and home or error page):
        // each needs its own name.
        form.search.large[large] role="search" aria-label=(if large { "Recherche principale" } else { "Recherche" }) action=(routes::SEARCH) method="get" {
            label.visually-hidden for=(if large { "q-home" } else { "q" }) { "Rechercher" }
            input #(if large { "q-home" } else { "q" }) type="search" name="q" value=(query)
                placeholder="Rechercher une méthode, une action, un partenaire…" autocomplete="off";
            button type="submit" { "Rechercher" }
            a.help href=(routes::SEARCH_HELP) title="Aide à la recherche" { "?" span.visually-hidden { " Aide à la recherche" } }
        }
    }
}

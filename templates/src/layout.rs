//! The frame around every page: header with the search box and the language
//! switcher, main content, footer.

use maud::{DOCTYPE, Markup, html};

use crate::i18n::{Lang, t};
use crate::routes;

/// Who is looking, in which language, from which page, as the page header shows
/// it, and where.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub user: Option<UserBadge>,
    /// The interface language.
    pub lang: Lang,
    /// The current page's path and query string, which the language switcher
    /// comes back to. Empty means the home page.
    pub here: String,
    /// The links of the page head that programs follow.
    pub head: HeadLinks,
    /// A message to show once, after a change: its text key.
    pub flash: Option<&'static str>,
    /// For editors, how many proposals wait in the review queue.
    pub review_queue: Option<u64>,
    /// For an account, how many of its notifications are unread.
    pub notifications: Option<u64>,
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
    /// A record's description for reference managers and crawlers: `DC.*` and
    /// `citation_*` meta tags as (name, content).
    pub meta: Vec<(&'static str, String)>,
    /// The same as schema.org JSON-LD, already serialised.
    pub json_ld: Option<String>,
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
        let lang = chrome.lang;
        html! {
            (DOCTYPE)
            html lang=(lang.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) " — Savoirs" }
                    link rel="stylesheet" href=(routes::STYLESHEET);
                    link rel="stylesheet" media="print" href=(routes::PRINT_STYLESHEET);
                    (head_links(&chrome.head))
                    script src=(routes::SCRIPT) defer {}
                }
                body {
                    a.skip href="#contenu" { (t(lang, "layout.skip")) }
                    header.site {
                        a.brand href=(routes::HOME) { "Savoirs" }
                        (search_box(lang, self.query, false))
                        nav.account aria-label=(t(lang, "layout.account_nav")) {
                            @if let Some(user) = &chrome.user {
                                a href=(routes::THESAURUS) { (t(lang, "layout.thesaurus")) }
                                " " a href=(routes::ACTORS_MAP) { (t(lang, "layout.maps")) }
                                " " a href=(routes::DASHBOARD) { (t(lang, "layout.dashboard")) }
                                " " a href=(routes::NEW) { (t(lang, "layout.add")) }
                                " " a href=(routes::CHANGES) { (t(lang, "layout.changes")) }
                                " " a href=(routes::MY_WORK) { (t(lang, "layout.my_work")) }
                                " " a href=(routes::NOTIFICATIONS) {
                                    (t(lang, "layout.notifications"))
                                    @if let Some(n) = chrome.notifications.filter(|n| *n > 0) {
                                        " " span.badge title=(crate::i18n::tf(lang, "layout.notifications_unread", &[("n", &n.to_string())])) { (n) }
                                    }
                                }
                                @if chrome.is_editor() {
                                    " " a href=(routes::REVIEW) {
                                        (t(lang, "layout.review"))
                                        @if let Some(n) = chrome.review_queue.filter(|n| *n > 0) {
                                            " " span.badge title=(crate::i18n::tf(lang, "layout.review_waiting", &[("n", &n.to_string())])) { (n) }
                                        }
                                    }
                                }
                                @if chrome.is_admin() { " " a href=(routes::ADMIN_USERS) { (t(lang, "layout.accounts")) } }
                                " " a href=(routes::ACCOUNT) { (user.name) " (" (crate::format::role_label_account(lang, &user.role)) ")" }
                                form.inline action=(routes::LOGOUT) method="post" {
                                    button.link type="submit" { (t(lang, "layout.logout")) }
                                }
                            } @else {
                                a href=(routes::THESAURUS) { (t(lang, "layout.thesaurus")) }
                                " " a href=(routes::ACTORS_MAP) { (t(lang, "layout.maps")) }
                                " " a href=(routes::DASHBOARD) { (t(lang, "layout.dashboard")) }
                                " " a href=(routes::CHANGES) { (t(lang, "layout.changes")) }
                                " " a href=(routes::LOGIN) { (t(lang, "layout.login")) }
                            }
                        }
                        (language_switcher(chrome))
                    }
                    main #contenu {
                        @if let Some(key) = chrome.flash {
                            p.notice.flash role="status" { (t(lang, key)) }
                        }
                        (self.body)
                    }
                    footer.site {
                        p { (t(lang, "layout.footer")) }
                    }
                }
            }
        }
    }
}

/// Links to the same page in each interface language, through the switch route,
/// so it works without JavaScript and keeps the path and query.
fn language_switcher(chrome: &Chrome) -> Markup {
    let back = if chrome.here.is_empty() {
        routes::HOME
    } else {
        chrome.here.as_str()
    };
    html! {
        nav.languages aria-label=(t(chrome.lang, "layout.languages")) {
            ul {
                @for lang in crate::i18n::Lang::ALL {
                    li {
                        a href=(routes::switch_language(lang.code(), back)) lang=(lang.code()) hreflang=(lang.code())
                            aria-current=[(lang == chrome.lang).then_some("true")] {
                            (lang.native_name())
                        }
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
        @if !head.meta.is_empty() {
            link rel="schema.DC" href="http://purl.org/dc/elements/1.1/";
        }
        @for (name, content) in &head.meta {
            meta name=(name) content=(content);
        }
        @if let Some(json) = &head.json_ld {
            // JSON cannot close the script element once "<" is escaped.
            script type="application/ld+json" { (maud::PreEscaped(json.replace('<', "\\u003c"))) }
        }
    }
}

/// The search form; `large` on the home page.
pub fn search_box(lang: Lang, query: &str, large: bool) -> Markup {
    html! {
        // Two search landmarks may share a page (header and home or error page):
        // each needs its own name.
        form.search.large[large] role="search" aria-label=(if large { t(lang, "search_box.main") } else { t(lang, "search_box.landmark") }) action=(routes::SEARCH) method="get"
            data-label-suggestions=(t(lang, "suggest.suggestions"))
            data-label-action=(t(lang, "kind.action"))
            data-label-method=(t(lang, "suggest.method"))
            data-label-resource=(t(lang, "kind.resource"))
            data-label-partner=(t(lang, "kind.partner"))
            data-label-keyword=(t(lang, "suggest.keyword"))
            data-label-count-one=(t(lang, "suggest.count_one"))
            data-label-count-many=(t(lang, "suggest.count_many")) {
            label.visually-hidden for=(if large { "q-home" } else { "q" }) { (t(lang, "search_box.label")) }
            input #(if large { "q-home" } else { "q" }) type="search" name="q" value=(query)
                placeholder=(t(lang, "search_box.placeholder")) autocomplete="off";
            button type="submit" { (t(lang, "search_box.button")) }
            a.help href=(routes::SEARCH_HELP) title=(t(lang, "search_box.help")) { "?" span.visually-hidden { " " (t(lang, "search_box.help")) } }
        }
    }
}

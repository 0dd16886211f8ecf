//! The frame around every page: header with the search box, main content, footer.

use maud::{DOCTYPE, Markup, html};

use crate::routes;

/// A full HTML page.
pub struct Page<'a> {
    pub title: &'a str,
    /// Text to show in the header's search box.
    pub query: &'a str,
    pub body: Markup,
}

impl Page<'_> {
    pub fn render(self) -> Markup {
        html! {
            (DOCTYPE)
            html lang="fr" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) " — Savoirs" }
                    link rel="stylesheet" href=(routes::STYLESHEET);
                }
                body {
                    a.skip href="#contenu" { "Aller au contenu" }
                    header.site {
                        a.brand href=(routes::HOME) { "Savoirs" }
                        (search_box(self.query, false))
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

/// The search form; `large` on the home page.
pub fn search_box(query: &str, large: bool) -> Markup {
    html! {
        form.search.large[large] role="search" action=(routes::SEARCH) method="get" {
            label.visually-hidden for=(if large { "q-home" } else { "q" }) { "Rechercher" }
            input #(if large { "q-home" } else { "q" }) type="search" name="q" value=(query)
                placeholder="Rechercher une méthode, une action, un partenaire…";
            button type="submit" { "Rechercher" }
        }
    }
}

//! How to search: the query syntax, with examples.

use maud::{Markup, html};

use crate::i18n::t;
use crate::layout::{Chrome, Page};
use crate::routes;

pub struct SearchHelpView;

/// Example queries stay as typed (the syntax is the same in every language);
/// what they find is explained in the interface language.
const EXAMPLES: &[&str] = &[
    "cartographie participative",
    "\"intelligence collective\"",
    "forum -électronique",
    "thésaurus OR vocabulaire",
    "kind:action",
    "partner:RITIMO",
    "keyword:\"forum électronique\"",
    "lang:en",
    "year:2006",
    "year:2005..2007",
];

impl SearchHelpView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let meanings = [
            t(lang, "help.ex.words"),
            t(lang, "help.ex.phrase"),
            t(lang, "help.ex.exclude"),
            t(lang, "help.ex.or"),
            t(lang, "help.ex.kind"),
            t(lang, "help.ex.partner"),
            t(lang, "help.ex.keyword"),
            t(lang, "help.ex.lang"),
            t(lang, "help.ex.year"),
            t(lang, "help.ex.years"),
        ];
        let body = html! {
            h1 { (t(lang, "help.title")) }
            p { (t(lang, "help.intro")) }
            table.help {
                thead { tr { th { (t(lang, "help.you_type")) } th { (t(lang, "help.you_find")) } } }
                tbody {
                    @for (query, meaning) in EXAMPLES.iter().zip(meanings) {
                        tr {
                            td { a href=(routes::search(&[("q", query)])) { code { (query) } } }
                            td { (meaning) }
                        }
                    }
                }
            }
            h2 { (t(lang, "help.nothing.title")) }
            ul {
                li { (t(lang, "help.nothing.partial")) }
                li { (t(lang, "help.nothing.typos")) }
                li { (t(lang, "help.nothing.syntax")) }
            }
            h2 { (t(lang, "help.refine.title")) }
            p { (t(lang, "help.refine.text")) }
        };
        Page {
            title: t(lang, "help.title"),
            query: "",
            body,
        }
        .render(chrome)
    }
}

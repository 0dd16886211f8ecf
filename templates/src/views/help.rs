//! How to search: the query syntax, with examples.

use maud::{Markup, html};

use crate::layout::{Chrome, Page};
use crate::routes;

pub struct SearchHelpView;

const EXAMPLES: &[(&str, &str)] = &[
    (
        "cartographie participative",
        "les documents qui contiennent les deux mots ; les accents, majuscules, pluriels et élisions (l', d') ne comptent pas",
    ),
    ("\"intelligence collective\"", "l'expression exacte"),
    ("forum -électronique", "« forum » mais pas « électronique »"),
    ("thésaurus OR vocabulaire", "l'un ou l'autre mot"),
    (
        "kind:action",
        "seulement les fiches action (aussi : method, resource, partner)",
    ),
    ("partner:RITIMO", "les documents liés au partenaire RITIMO"),
    (
        "keyword:\"forum électronique\"",
        "les documents qui portent ce mot-clé",
    ),
    ("lang:en", "les documents en anglais (fr, en, es)"),
    ("year:2006", "les actions qui couvrent l'année 2006"),
    (
        "year:2005..2007",
        "les actions qui couvrent une année de 2005 à 2007",
    ),
];

impl SearchHelpView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let body = html! {
            h1 { "Aide à la recherche" }
            p { "Tapez quelques mots : Savoirs cherche dans les titres, les partenaires et mots-clés, les résumés puis le texte, et classe en premier les documents où les mots figurent dans le titre, ou proches les uns des autres." }
            table.help {
                thead { tr { th { "Vous tapez" } th { "Vous trouvez" } } }
                tbody {
                    @for (query, meaning) in EXAMPLES {
                        tr {
                            td { a href=(routes::search(&[("q", query)])) { code { (query) } } }
                            td { (meaning) }
                        }
                    }
                }
            }
            h2 { "Si rien ne correspond" }
            ul {
                li { "Quand aucun document ne contient tous les mots, Savoirs montre ceux qui en contiennent une partie, et le dit." }
                li { "Une faute de frappe est tolérée (une lettre à partir de cinq lettres, deux à partir de neuf) : Savoirs propose « Vouliez-vous dire… »." }
                li { "Une requête mal formée (guillemet non refermé, « - » ou « OR » isolé, filtre inconnu) n'échoue jamais : elle est lue comme des mots, et la page le signale." }
            }
            h2 { "Affiner" }
            p { "À côté des résultats, cliquez un type, un partenaire, un mot-clé, une année ou une langue pour ne garder que ces documents ; cliquez-en plusieurs d'un même groupe pour les réunir. Les nombres indiquent combien de résultats resteraient." }
        };
        Page {
            title: "Aide à la recherche",
            query: "",
            body,
        }
        .render(chrome)
    }
}

//! The record form, shared by every kind: fields come from [`fields_for`], so the
//! server reads back exactly the names the form sends. Errors show beside their
//! field; what the person typed is always shown again.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::history::{FieldDiff, render_diffs};
use crate::layout::{Chrome, Page};
use crate::{format, markdown};

pub enum Input {
    Text,
    Year,
    Url,
    /// Several lines, one value per line.
    Lines,
    /// Markdown text.
    Markdown,
    Select(&'static [(&'static str, &'static str)]),
}

pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub hint: &'static str,
}

const fn field(
    name: &'static str,
    label: &'static str,
    input: Input,
    hint: &'static str,
) -> FieldSpec {
    FieldSpec {
        name,
        label,
        input,
        hint,
    }
}

pub const LANGS: &[(&str, &str)] = &[("fr", "français"), ("en", "anglais"), ("es", "espagnol")];
pub const RESOURCE_TYPES: &[(&str, &str)] = &[
    ("", "—"),
    ("tool", "outil"),
    ("website", "site web"),
    ("publication", "publication"),
    ("training", "formation"),
    ("file", "fichier"),
];
pub const PARTNER_TYPES: &[(&str, &str)] = &[
    ("", "—"),
    ("association", "association"),
    ("network", "réseau"),
    ("foundation", "fondation"),
    ("company", "entreprise"),
    ("public_body", "organisme public"),
];
pub const ROLES: &[(&str, &str)] = &[
    ("partner", "partenaire"),
    ("pilot", "pilote"),
    ("funder", "financeur"),
    ("author", "auteur"),
    ("publisher", "éditeur"),
    ("user", "utilisateur"),
    ("host", "hébergeur"),
    ("member", "membre"),
];

/// The fields of a kind's form, in the order of the sheet.
pub fn fields_for(kind: &str) -> Vec<FieldSpec> {
    use Input::*;
    let keywords = field(
        "keywords",
        "Mots-clés",
        Text,
        "séparés par des virgules ; les termes du thésaurus sont proposés",
    );
    let related = || {
        field(
            "related",
            "Documents liés",
            Lines,
            "un titre exact par ligne, précédé au besoin de « utilise : », « fait suite à : » ou « fait partie de : »",
        )
    };
    let lang = field("lang", "Langue du document", Select(LANGS), "");
    match kind {
        "action" => vec![
            field("title", "Titre", Text, ""),
            field("period_start", "Première année", Year, "par exemple 2006"),
            field("period_end", "Dernière année", Year, ""),
            field(
                "archive",
                "Archive",
                Text,
                "par exemple « Archive 2006-2007 »",
            ),
            field("referent", "Référent", Text, ""),
            field("pilot", "Pilote", Text, ""),
            field("amount", "Montant", Text, "par exemple 520 000 ou 1 234,50"),
            field(
                "currency",
                "Devise",
                Text,
                "code à trois lettres : EUR, USD, CHF…",
            ),
            field("summary", "Résumé", Markdown, ""),
            field("synthesis", "Synthèse", Markdown, ""),
            field(
                "strategy",
                "Inscription de l'action dans la stratégie d'ensemble",
                Markdown,
                "",
            ),
            field("history", "Historique", Markdown, ""),
            field("presentation", "Présentation", Markdown, ""),
            keywords,
            related(),
            lang,
        ],
        "method" => vec![
            field("title", "Titre", Text, ""),
            field("summary", "Résumé", Markdown, ""),
            field("body", "Texte", Markdown, ""),
            field("authors", "Auteurs", Lines, "un par ligne"),
            field("source", "Source", Text, ""),
            field("date", "Date", Text, "2018, 2018-05 ou 2018-05-14"),
            related(),
            keywords,
            lang,
        ],
        "resource" => vec![
            field("title", "Titre", Text, ""),
            field("resource_type", "Type", Select(RESOURCE_TYPES), ""),
            field("url", "Adresse", Url, "https://…"),
            field("description", "Description", Markdown, ""),
            keywords,
            related(),
            lang,
        ],
        "concept" => vec![
            field("label_fr", "Terme préféré (français)", Text, ""),
            field("label_en", "Terme préféré (anglais)", Text, ""),
            field("label_es", "Terme préféré (espagnol)", Text, ""),
            field(
                "alt_fr",
                "Synonymes et sigles (français)",
                Lines,
                "un par ligne",
            ),
            field(
                "alt_en",
                "Synonymes et sigles (anglais)",
                Lines,
                "un par ligne",
            ),
            field(
                "alt_es",
                "Synonymes et sigles (espagnol)",
                Lines,
                "un par ligne",
            ),
            field(
                "broader",
                "Termes génériques",
                Lines,
                "un terme du thésaurus par ligne",
            ),
            field(
                "related",
                "Termes associés",
                Lines,
                "un terme du thésaurus par ligne",
            ),
            field("scope_note", "Note d'application", Markdown, ""),
            field(
                "uri",
                "Identifiant SKOS (IRI)",
                Url,
                "facultatif : attribué à l'export s'il manque",
            ),
            field("lang", "Langue du terme principal", Select(LANGS), ""),
        ],
        _ => vec![
            field("name", "Nom", Text, ""),
            field("acronym", "Sigle", Text, ""),
            field("aliases", "Autres noms", Lines, "un par ligne"),
            field("description", "Présentation", Markdown, ""),
            field("website", "Site web", Url, "https://…"),
            field("country", "Pays", Text, "code à deux lettres : FR, BE…"),
            field("type", "Type", Select(PARTNER_TYPES), ""),
            lang,
        ],
    }
}

/// The ids of a field's hint and error, for `aria-describedby`; `None` when it
/// has neither.
fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let ids: Vec<String> = [(hint, "hint"), (error, "error")]
        .iter()
        .filter(|(present, _)| *present)
        .map(|(_, what)| format!("{id}-{what}"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

pub struct RecordFormView {
    pub kind: String,
    pub heading: String,
    /// Where the form is posted.
    pub action: String,
    pub values: BTreeMap<String, String>,
    /// Field name → what is wrong with it.
    pub errors: BTreeMap<String, String>,
    /// A problem not tied to one field.
    pub general_error: Option<String>,
    /// Partner links as (name, role).
    pub partners: Vec<(String, String)>,
    /// Names offered as completions for partner fields.
    pub partner_names: Vec<String>,
    /// Thesaurus labels offered as completions for the keyword field.
    pub concept_labels: Vec<String>,
    pub base_revision: u64,
    /// Rendered Markdown sections, when previewing.
    pub preview: Vec<(String, String)>,
    pub can_publish: bool,
    /// On a conflict: what others changed since the revision the edit began from.
    pub conflict: Option<Vec<FieldDiff>>,
    pub message: String,
}

impl RecordFormView {
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    pub fn render(&self, chrome: &Chrome) -> Markup {
        let has_partners = !matches!(self.kind.as_str(), "partner" | "concept");
        let body = html! {
            h1 { (self.heading) }
            @if let Some(diffs) = &self.conflict {
                section.conflict role="alert" {
                    h2 { "Quelqu'un a modifié ce document pendant que vous l'éditiez" }
                    p { "Rien n'a été enregistré. Voici ce qui a changé depuis la version que vous aviez ouverte ; votre texte est conservé dans le formulaire ci-dessous. Reprenez les changements utiles, puis enregistrez : votre version remplacera alors la version actuelle." }
                    (render_diffs(diffs))
                }
            }
            @if let Some(e) = &self.general_error { p.error role="alert" { (e) } }
            @if !self.errors.is_empty() {
                p.error role="alert" { "Le document n'a pas été enregistré : corrigez les champs signalés." }
            }
            @if !self.preview.is_empty() {
                section.preview aria-labelledby="apercu" {
                    h2 #apercu { "Aperçu" }
                    @for (heading, text) in &self.preview {
                        @if !text.trim().is_empty() {
                            h3 { (heading) }
                            (markdown::render(text))
                        }
                    }
                }
            }
            form.record.stacked action=(self.action) method="post" novalidate {
                input type="hidden" name="base_revision" value=(self.base_revision);
                @for spec in fields_for(&self.kind) {
                    @let error = self.errors.get(spec.name);
                    @let id = format!("f-{}", spec.name);
                    @let invalid = error.map(|_| "true");
                    // The hint and the error are read out with the field.
                    @let described = described_by(&id, !spec.hint.is_empty(), error.is_some());
                    div.field.invalid[error.is_some()] {
                        label for=(id) { (spec.label) }
                        @if !spec.hint.is_empty() { span.hint id=(format!("{id}-hint")) { (spec.hint) } }
                        @match spec.input {
                            Input::Markdown => {
                                textarea id=(id) name=(spec.name) rows="8" aria-invalid=[invalid] aria-describedby=[&described] { (self.value(spec.name)) }
                            }
                            Input::Lines => {
                                textarea id=(id) name=(spec.name) rows="3" aria-invalid=[invalid] aria-describedby=[&described] { (self.value(spec.name)) }
                            }
                            Input::Select(options) => {
                                select id=(id) name=(spec.name) aria-invalid=[invalid] aria-describedby=[&described] {
                                    @for (value, label) in options {
                                        option value=(value) selected[self.value(spec.name) == *value] { (label) }
                                    }
                                }
                            }
                            Input::Year => {
                                input id=(id) type="text" inputmode="numeric" name=(spec.name) value=(self.value(spec.name)) aria-invalid=[invalid] aria-describedby=[&described];
                            }
                            Input::Url => {
                                input id=(id) type="url" name=(spec.name) value=(self.value(spec.name)) aria-invalid=[invalid] aria-describedby=[&described];
                            }
                            Input::Text => {
                                input id=(id) type="text" name=(spec.name) value=(self.value(spec.name)) aria-invalid=[invalid]
                                    aria-describedby=[&described]
                                    list=[(spec.name == "keywords").then_some("concept-labels")];
                                @if spec.name == "keywords" {
                                    datalist #concept-labels { @for l in &self.concept_labels { option value=(l) {} } }
                                }
                            }
                        }
                        @if let Some(e) = error { span.field-error id=(format!("{id}-error")) { (e) } }
                    }
                    @if has_partners && spec.name == "title" {
                        fieldset.partners aria-describedby=[self.errors.get("partners").map(|_| "partners-error")] {
                            legend { "Partenaires" }
                            @if let Some(e) = self.errors.get("partners") { span.field-error #partners-error { (e) } }
                            datalist #partner-names { @for n in &self.partner_names { option value=(n) {} } }
                            @for (i, (name, role)) in self.partners.iter().chain(std::iter::repeat_n(&(String::new(), "partner".to_owned()), 2)).enumerate() {
                                div.partner-row {
                                    label for=(format!("p-name-{i}")) { "Partenaire " (i + 1) }
                                    input id=(format!("p-name-{i}")) type="text" name="partner_name" value=(name) list="partner-names";
                                    label for=(format!("p-role-{i}")) { "rôle" }
                                    select id=(format!("p-role-{i}")) name="partner_role" {
                                        @for (value, label) in ROLES { option value=(value) selected[role == value] { (label) } }
                                    }
                                }
                            }
                        }
                    }
                }
                div.field {
                    label for="f-message" { "Résumé de la modification" }
                    input #f-message type="text" name="message" value=(self.message) maxlength="500";
                }
                div.buttons {
                    button type="submit" name="intent" value="preview" { "Prévisualiser" }
                    button type="submit" name="intent" value="save" { "Enregistrer" }
                    @if self.can_publish { button type="submit" name="intent" value="publish" { "Enregistrer et publier" } }
                }
            }
        };
        let title = format!("{} — {}", self.heading, format::kind_label(&self.kind));
        Page {
            title: &title,
            query: "",
            body,
        }
        .render(chrome)
    }
}

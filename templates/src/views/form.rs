//! The record form, shared by every kind: fields come from [`fields_for`], so the
//! server reads back exactly the names the form sends. Errors show beside their
//! field; what the person typed is always shown again.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::history::{FieldDiff, render_diffs};
use crate::i18n::{t, tf};
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
    /// A choice among (value, message key of its label).
    Select(&'static [(&'static str, &'static str)]),
}

/// A form field. `label` and `hint` are message keys (see [`crate::i18n`]); an
/// empty hint means none.
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

pub const LANGS: &[(&str, &str)] = &[("fr", "lang.fr"), ("en", "lang.en"), ("es", "lang.es")];
pub const RESOURCE_TYPES: &[(&str, &str)] = &[
    ("", "option.none"),
    ("tool", "resource_type.tool"),
    ("website", "resource_type.website"),
    ("publication", "resource_type.publication"),
    ("training", "resource_type.training"),
    ("file", "resource_type.file"),
];
pub const PARTNER_TYPES: &[(&str, &str)] = &[
    ("", "option.none"),
    ("association", "partner_type.association"),
    ("network", "partner_type.network"),
    ("foundation", "partner_type.foundation"),
    ("company", "partner_type.company"),
    ("public_body", "partner_type.public_body"),
];
/// Partner roles, in the order the form offers them.
pub const ROLES: &[&str] = &[
    "partner",
    "pilot",
    "funder",
    "author",
    "publisher",
    "user",
    "host",
    "member",
];

/// The fields every record must fill in: its title, or its name or label.
const REQUIRED: [&str; 3] = ["title", "name", "label"];

/// The fields of a kind's form, in the order of the sheet.
pub fn fields_for(kind: &str) -> Vec<FieldSpec> {
    use Input::*;
    let keywords = field("keywords", "field.keywords", Text, "hint.keywords");
    let related = || field("related", "field.related", Lines, "hint.related");
    let lang = field("lang", "field.lang", Select(LANGS), "");
    match kind {
        "action" => vec![
            field("title", "field.title", Text, ""),
            field(
                "period_start",
                "field.period_start",
                Year,
                "hint.period_start",
            ),
            field("period_end", "field.period_end", Year, ""),
            field("archive", "field.archive", Text, "hint.archive"),
            field("referent", "field.referent", Text, ""),
            field("places", "field.places", Lines, "hint.places"),
            field("amount", "field.amount", Text, "hint.amount"),
            field("currency", "field.currency", Text, "hint.currency"),
            field("summary", "field.summary", Markdown, ""),
            field("synthesis", "field.synthesis", Markdown, ""),
            field("strategy", "field.strategy", Markdown, ""),
            field("history", "field.history", Markdown, ""),
            field("presentation", "field.presentation", Markdown, ""),
            keywords,
            related(),
            lang,
        ],
        "method" => vec![
            field("title", "field.title", Text, ""),
            field("summary", "field.summary", Markdown, ""),
            field("body", "field.body", Markdown, ""),
            field("authors", "field.authors", Lines, "hint.one_per_line"),
            field("source", "field.source", Text, ""),
            field("date", "field.date", Text, "hint.date"),
            related(),
            keywords,
            lang,
        ],
        "resource" => vec![
            field("title", "field.title", Text, ""),
            field("resource_type", "field.type", Select(RESOURCE_TYPES), ""),
            field("web_address", "field.web_address", Url, "hint.url"),
            field("description", "field.description", Markdown, ""),
            keywords,
            related(),
            lang,
        ],
        "concept" => vec![
            field("label_fr", "field.label_fr", Text, ""),
            field("label_en", "field.label_en", Text, ""),
            field("label_es", "field.label_es", Text, ""),
            field("alt_fr", "field.alt_fr", Lines, "hint.one_per_line"),
            field("alt_en", "field.alt_en", Lines, "hint.one_per_line"),
            field("alt_es", "field.alt_es", Lines, "hint.one_per_line"),
            field(
                "broader",
                "field.broader",
                Lines,
                "hint.one_concept_per_line",
            ),
            field(
                "related",
                "field.related_concepts",
                Lines,
                "hint.one_concept_per_line",
            ),
            field("scope_note", "field.scope_note", Markdown, ""),
            field("uri", "field.uri", Url, "hint.uri"),
            field("lang", "field.concept_lang", Select(LANGS), ""),
        ],
        _ => vec![
            field("name", "field.name", Text, ""),
            field("acronym", "field.acronym", Text, ""),
            field("aliases", "field.aliases", Lines, "hint.one_per_line"),
            field("description", "field.presentation", Markdown, ""),
            field("website", "field.website", Url, "hint.url"),
            field("country", "field.country", Text, "hint.country"),
            field("places", "field.places", Lines, "hint.places"),
            field("type", "field.type", Select(PARTNER_TYPES), ""),
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
    /// Partner names typed that name no known partner, each with the partners
    /// it may mean: one of those may be chosen instead, or the name proposed as
    /// a new partner, which editors then review.
    pub unknown_partners: Vec<PartnerChoices>,
    /// Editing a stored record: its attachments, and the form that adds one
    /// (a form of its own, after the record's). `None` for a new record.
    pub attachments: Option<super::attachments::AttachmentsView>,
}

/// A partner name that named none, and the partners it may mean, each as
/// (what is shown, the name put in the row).
pub type PartnerChoices = (String, Vec<(String, String)>);

impl RecordFormView {
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let has_partners = !matches!(self.kind.as_str(), "partner" | "concept");
        let body = html! {
            h1 { (self.heading) }
            @if let Some(diffs) = &self.conflict {
                section.conflict role="alert" {
                    h2 { (t(lang, "form.conflict.heading")) }
                    p { (t(lang, "form.conflict.text")) }
                    (render_diffs(lang, diffs))
                }
            }
            @if let Some(e) = &self.general_error { p.error role="alert" { (e) } }
            @if !self.errors.is_empty() {
                p.error role="alert" {
                    @if self.preview.is_empty() { (t(lang, "form.not_saved")) } @else { (t(lang, "form.preview_problems")) }
                }
            }
            @if !self.preview.is_empty() {
                section.preview aria-labelledby="apercu" {
                    h2 #apercu { (t(lang, "form.preview")) }
                    @for (heading, text) in &self.preview {
                        @if !text.trim().is_empty() {
                            h3 { (heading) }
                            (markdown::render(text))
                        }
                    }
                }
            }
            form.record.stacked action=(self.action) method="post" novalidate data-label-add-related=(t(lang, "form.add_related")) {
                input type="hidden" name="base_revision" value=(self.base_revision);
                @if fields_for(&self.kind).iter().any(|f| REQUIRED.contains(&f.name)) {
                    p.hint { (t(lang, "form.required_note")) }
                }
                @for spec in fields_for(&self.kind) {
                    @let error = self.errors.get(spec.name);
                    @let id = format!("f-{}", spec.name);
                    @let invalid = error.map(|_| "true");
                    @let required = REQUIRED.contains(&spec.name);
                    @let markdown = matches!(spec.input, Input::Markdown);
                    // The hint and the error are read out with the field.
                    @let described = described_by(&id, !spec.hint.is_empty() || markdown, error.is_some());
                    div.field.invalid[error.is_some()] {
                        label for=(id) {
                            (t(lang, spec.label))
                            @if required { span.required aria-hidden="true" { " *" } }
                        }
                        @if !spec.hint.is_empty() || markdown {
                            span.hint id=(format!("{id}-hint")) {
                                @if !spec.hint.is_empty() { (t(lang, spec.hint)) }
                                @if !spec.hint.is_empty() && markdown { " " }
                                @if markdown { (t(lang, "hint.markdown")) }
                            }
                        }
                        @match spec.input {
                            Input::Markdown => {
                                textarea id=(id) name=(spec.name) rows="8" aria-invalid=[invalid] aria-describedby=[&described] { (self.value(spec.name)) }
                            }
                            Input::Lines => {
                                textarea id=(id) name=(spec.name) rows="3" aria-invalid=[invalid] aria-describedby=[&described] { (self.value(spec.name)) }
                                @if spec.name == "places" {
                                    // Shown by the script: a city of the gazetteer, picked
                                    // by name, is added to the field with its coordinates.
                                    div.place-picker data-url=(crate::routes::PLACE_SUGGESTIONS) data-for=(id) hidden {
                                        label for="place-pick" { (t(lang, "form.place_pick")) }
                                        input #place-pick type="search" list="place-options" autocomplete="off";
                                        datalist #place-options {}
                                        button type="button" { (t(lang, "form.place_add")) }
                                    }
                                }
                            }
                            Input::Select(options) => {
                                select id=(id) name=(spec.name) aria-invalid=[invalid] aria-describedby=[&described] {
                                    @for (value, label) in options {
                                        option value=(value) selected[self.value(spec.name) == *value] { (t(lang, label)) }
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
                                    aria-required=[required.then_some("true")]
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
                        fieldset.partners aria-describedby=[self.errors.get("partners").map(|_| "partners-error")]
                            data-label-add=(t(lang, "form.add_partner"))
                            data-label-row=(t(lang, "form.partner_n")) {
                            legend { (t(lang, "document.partners")) }
                            @if let Some(e) = self.errors.get("partners") { span.field-error #partners-error { (e) } }
                            @for (i, (name, choices)) in self.unknown_partners.iter().enumerate() {
                                @if !choices.is_empty() {
                                    p.partner-choices {
                                        (tf(lang, "form.partner_choices", &[("name", name)])) " "
                                        @for (shown, value) in choices {
                                            button.link type="submit" name="replace_partner" value=(format!("{name}\n{value}")) formnovalidate { (shown) }
                                            " "
                                        }
                                    }
                                }
                                div.new-partner {
                                    input type="checkbox" id=(format!("new-partner-{i}")) name="new_partner" value=(name);
                                    " "
                                    label for=(format!("new-partner-{i}")) { (tf(lang, "form.new_partner", &[("name", name)])) }
                                }
                            }
                            datalist #partner-names { @for n in &self.partner_names { option value=(n) {} } }
                            @for (i, (name, role)) in self.partners.iter().chain(std::iter::repeat_n(&(String::new(), "partner".to_owned()), 2)).enumerate() {
                                div.partner-row {
                                    label for=(format!("p-name-{i}")) { (tf(lang, "form.partner_n", &[("n", &(i + 1))])) }
                                    input id=(format!("p-name-{i}")) type="text" name="partner_name" value=(name) list="partner-names";
                                    label for=(format!("p-role-{i}")) { (t(lang, "partner_tools.role")) }
                                    select id=(format!("p-role-{i}")) name="partner_role" {
                                        @for value in ROLES { option value=(value) selected[role == value] { (format::role_label(lang, value)) } }
                                    }
                                }
                            }
                        }
                    }
                }
                div.field {
                    label for="f-message" { (t(lang, "form.message")) }
                    input #f-message type="text" name="message" value=(self.message) maxlength="500";
                }
                div.buttons {
                    button type="submit" name="intent" value="preview" { (t(lang, "form.do_preview")) }
                    button type="submit" name="intent" value="save" { (t(lang, "form.save")) }
                    @if self.can_publish { button type="submit" name="intent" value="publish" { (t(lang, "form.save_publish")) } }
                }
            }
            section.attachments aria-labelledby="fichiers" {
                h2 #fichiers { (t(lang, "attachments.title")) }
                @match &self.attachments {
                    Some(a) => {
                        (super::attachments::list(lang, &a.rows, Some(&a.manage_url)))
                        (a.upload_form(lang))
                    }
                    None => p.help { (t(lang, "attachments.later")) },
                }
            }
        };
        let title = format!(
            "{} — {}",
            self.heading,
            format::kind_label(lang, &self.kind)
        );
        Page {
            title: &title,
            query: "",
            body,
        }
        .render(chrome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, t};

    /// Field labels, hints and options are keys held in tables, out of reach of
    /// the scan for `t(…)` calls: check them here, in every language.
    #[test]
    fn every_field_label_hint_and_option_is_translated() {
        for kind in ["action", "method", "resource", "concept", "partner"] {
            for spec in fields_for(kind) {
                let mut keys = vec![spec.label];
                if !spec.hint.is_empty() {
                    keys.push(spec.hint);
                }
                if let Input::Select(options) = spec.input {
                    keys.extend(options.iter().map(|(_, key)| *key));
                }
                for key in keys {
                    for lang in Lang::ALL {
                        assert_ne!(t(lang, key), key, "{kind}.{}: {key} in {lang:?}", spec.name);
                    }
                }
            }
        }
    }
}

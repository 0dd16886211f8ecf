//! Files attached to a record: the list on its page, and the page where those
//! who may edit the record attach, describe, replace and remove them.

use maud::{Markup, html};

use crate::i18n::{Lang, t, tf};
use crate::layout::{Chrome, Page};

/// One attachment as shown.
pub struct AttachmentRow {
    /// The file's hash: which attachment a form acts on.
    pub file: String,
    /// Its title, or its file name.
    pub label: String,
    pub name: String,
    pub description: String,
    /// `PDF`, `ODT` …
    pub format: String,
    /// `1,2 Mio`
    pub size: String,
    pub pages: Option<u32>,
    /// The language of its text, when it is not the record's.
    pub lang: Option<String>,
    /// Where it downloads.
    pub url: String,
    /// Images are shown, scaled down.
    pub image: bool,
    /// For editors: why its text was not read ("texte non extrait").
    pub not_extracted: Option<String>,
}

/// The attachments of a record's page, in their section.
pub fn section(lang: Lang, rows: &[AttachmentRow], manage_url: Option<&str>) -> Markup {
    html! {
        @if !rows.is_empty() || manage_url.is_some() {
            section.attachments aria-labelledby="fichiers" {
                h2 #fichiers { (t(lang, "attachments.title")) }
                (list(lang, rows, manage_url))
            }
        }
    }
}

/// The list of attachments, with a link to manage them for those who may.
pub fn list(lang: Lang, rows: &[AttachmentRow], manage_url: Option<&str>) -> Markup {
    html! {
                @if rows.is_empty() {
                    p.empty { (t(lang, "attachments.none")) }
                }
                ul.files {
                    @for row in rows {
                        li.file {
                            @if row.image {
                                img.thumbnail src=(row.url) alt="" loading="lazy";
                            }
                            a href=(row.url) download=(row.name) { (row.label) }
                            " " span.file-facts { (facts(lang, row)) }
                            @if !row.description.is_empty() { p.file-description { (row.description) } }
                            @if let Some(reason) = &row.not_extracted {
                                p.warning { (t(lang, "attachments.not_extracted")) " : " (reason) }
                            }
                        }
                    }
                }
                @if let Some(url) = manage_url {
                    p { a href=(url) { (t(lang, "attachments.manage")) } }
                }
    }
}

/// "PDF · 1,2 Mio · 12 pages · rapport.pdf"
fn facts(lang: Lang, row: &AttachmentRow) -> String {
    let mut parts = vec![row.format.clone(), row.size.clone()];
    if let Some(n) = row.pages.filter(|n| *n > 1) {
        parts.push(tf(lang, "attachments.pages", &[("count", &n)]));
    }
    if let Some(l) = &row.lang {
        parts.push(l.clone());
    }
    if row.name != row.label {
        parts.push(row.name.clone());
    }
    format!("({})", parts.join(" · "))
}

/// What was typed in the upload form, sent back with the reason it failed.
#[derive(Default)]
pub struct Typed {
    pub title: String,
    pub description: String,
    pub lang: String,
}

/// The page that manages a record's attachments.
pub struct AttachmentsView {
    pub record_title: String,
    pub record_url: String,
    /// The record's language, the default of an attachment's.
    pub record_lang: String,
    pub rows: Vec<AttachmentRow>,
    /// The revision the page shows: a change made meanwhile is not overwritten.
    pub base: u64,
    /// This page's address.
    pub manage_url: String,
    pub upload_url: String,
    pub edit_url: String,
    pub remove_url: String,
    /// `50 Mio`
    pub max_upload: String,
    pub max_bytes: u64,
    pub error: Option<String>,
    pub typed: Typed,
}

impl AttachmentsView {
    /// The upload form alone: also shown at the foot of the record's edit page.
    pub fn upload_form(&self, lang: Lang) -> Markup {
        let chosen = if self.typed.lang.is_empty() {
            &self.record_lang
        } else {
            &self.typed.lang
        };
        html! {
            form.upload action=(self.upload_url) method="post" enctype="multipart/form-data" data-max-bytes=(self.max_bytes) {
                input type="hidden" name="base" value=(self.base);
                @if let Some(e) = &self.error { p.error role="alert" #upload-error { (e) } }
                div.field {
                    label for="a-title" { (t(lang, "attachments.file_title")) }
                    input #a-title type="text" name="title" value=(self.typed.title) maxlength="500";
                }
                div.field {
                    label for="a-description" { (t(lang, "attachments.description")) }
                    textarea #a-description name="description" rows="2" maxlength="5000" { (self.typed.description) }
                }
                div.field {
                    label for="a-lang" { (t(lang, "attachments.lang")) }
                    select #a-lang name="lang" {
                        @for code in ["fr", "en", "es"] {
                            option value=(code) selected[code == chosen.as_str()] { (crate::format::lang_label(lang, code)) }
                        }
                    }
                }
                // Last, so that what was typed above arrives before the file:
                // a file over the limit still gets its description back.
                div.field.dropzone {
                    label for="a-file" { (t(lang, "attachments.file")) }
                    input #a-file type="file" name="file" required aria-describedby="a-file-help";
                    p.help #a-file-help { (tf(lang, "attachments.file_help", &[("max", &self.max_upload)])) }
                }
                progress.upload-progress hidden max="100" value="0" {}
                button type="submit" { (t(lang, "attachments.add")) }
            }
        }
    }

    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let heading = tf(
            lang,
            "attachments.heading",
            &[("title", &self.record_title)],
        );
        let body = html! {
            p.breadcrumb { a href=(self.record_url) { (self.record_title) } }
            h1 { (heading) }
            @if self.rows.is_empty() { p { (t(lang, "attachments.none")) } }
            @for (i, row) in self.rows.iter().enumerate() {
                section.file-card aria-labelledby=(format!("file-{i}")) {
                    h2 id=(format!("file-{i}")) { a href=(row.url) download=(row.name) { (row.label) } }
                    p.file-facts { (facts(lang, row)) }
                    @if let Some(reason) = &row.not_extracted {
                        p.warning { (t(lang, "attachments.not_extracted")) " : " (reason) }
                    }
                    details {
                        summary { (t(lang, "attachments.describe")) }
                        form action=(self.edit_url) method="post" {
                            input type="hidden" name="base" value=(self.base);
                            input type="hidden" name="file" value=(row.file);
                            div.field {
                                label for=(format!("t-{i}")) { (t(lang, "attachments.file_title")) }
                                input id=(format!("t-{i}")) type="text" name="title" value=(if row.label == row.name { "" } else { row.label.as_str() }) maxlength="500";
                            }
                            div.field {
                                label for=(format!("d-{i}")) { (t(lang, "attachments.description")) }
                                textarea id=(format!("d-{i}")) name="description" rows="2" maxlength="5000" { (row.description) }
                            }
                            div.field {
                                label for=(format!("l-{i}")) { (t(lang, "attachments.lang")) }
                                select id=(format!("l-{i}")) name="lang" {
                                    @for code in ["fr", "en", "es"] {
                                        option value=(code) selected[Some(code) == row.lang.as_deref().or(Some(self.record_lang.as_str()))] { (crate::format::lang_label(lang, code)) }
                                    }
                                }
                            }
                            button type="submit" { (t(lang, "attachments.save")) }
                        }
                    }
                    details {
                        summary { (t(lang, "attachments.replace")) }
                        form action=(self.upload_url) method="post" enctype="multipart/form-data" {
                            input type="hidden" name="base" value=(self.base);
                            input type="hidden" name="replace" value=(row.file);
                            label for=(format!("r-{i}")) { (t(lang, "attachments.file")) }
                            input id=(format!("r-{i}")) type="file" name="file" required;
                            button type="submit" { (t(lang, "attachments.replace")) }
                        }
                    }
                    form.inline action=(self.remove_url) method="post" {
                        input type="hidden" name="base" value=(self.base);
                        input type="hidden" name="file" value=(row.file);
                        button.danger type="submit" { (t(lang, "attachments.remove")) }
                    }
                }
            }
            h2 { (t(lang, "attachments.add_heading")) }
            (self.upload_form(lang))
            p { a href=(self.record_url) { (t(lang, "attachments.back")) } }
        };
        Page {
            title: &heading,
            query: "",
            body,
        }
        .render(chrome)
    }
}

//! Attached files over HTTP: the page that manages a record's attachments,
//! uploads (multipart, streamed to disk under the size limit), descriptions,
//! replacements and removals, each a revision made through [`crate::ops`];
//! and downloads, which follow the record's visibility, answer ranges and
//! conditional requests, and never let a file run as a page of the site.

use axum::body::{Body, Bytes};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use savoirs_templates::i18n::{t, tf};
use savoirs_templates::views::attachments::{AttachmentRow, AttachmentsView, Typed};

use super::auth::chrome;
use super::edit::editable;
use super::flash::{self, Flash};
use super::forms::FormData;
use super::records::find;
use super::{AppError, AppState, Routes, Viewer};
use crate::files::{Incoming, Received, human_size};
use crate::model::{Attachment, Record, clean_file_name};
use crate::store::Reader;

pub fn routes(r: &mut Routes) {
    r.get("/{kind}/{slug}/attachments", manage);
    r.upload("/{kind}/{slug}/attachments/upload", upload);
    r.post("/{kind}/{slug}/attachments/edit", describe);
    r.post("/{kind}/{slug}/attachments/remove", remove);
    r.get("/{kind}/{slug}/files/{file}/{name}", download);
}

/// Where an attachment of `record` downloads.
pub fn file_url(record: &Record, a: &Attachment) -> String {
    format!(
        "{}/files/{}/{}",
        record.url(),
        a.file,
        form_urlencoded::byte_serialize(a.name.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    )
}

/// The attachments of `record` as its pages show them; the reasons a text was
/// not read are for those who may edit it.
pub(super) fn rows(
    reader: &Reader,
    record: &Record,
    viewer: &Viewer,
) -> Result<Vec<AttachmentRow>, AppError> {
    let editor = viewer.can_edit(record);
    let mut rows = Vec::with_capacity(record.meta.attachments.len());
    for a in &record.meta.attachments {
        let not_extracted = match editor {
            true => reader.file_text(&a.file)?.and_then(|x| match x.has_text() {
                true => x.failure,
                false => Some(
                    x.failure
                        .unwrap_or_else(|| "aucun texte dans le fichier".into()),
                ),
            }),
            false => None,
        }
        .filter(|_| !a.media_type.starts_with("image/"));
        rows.push(AttachmentRow {
            file: a.file.clone(),
            label: a.label().to_owned(),
            name: a.name.clone(),
            description: a.description.clone(),
            format: a.format().to_uppercase(),
            size: human_size(a.size),
            pages: a.pages,
            lang: (!a.lang.is_empty() && a.lang != record.meta.lang)
                .then(|| savoirs_templates::format::lang_label(viewer.lang, &a.lang).to_owned()),
            url: file_url(record, a),
            image: a.media_type.starts_with("image/"),
            not_extracted,
        });
    }
    Ok(rows)
}

/// The attachments page of `record`, or its form alone on the edit page.
pub(super) fn view(
    s: &AppState,
    reader: &Reader,
    record: &Record,
    viewer: &Viewer,
) -> Result<AttachmentsView, AppError> {
    let base = record.url();
    Ok(AttachmentsView {
        record_title: record.title().to_owned(),
        record_url: base.clone(),
        record_lang: record.meta.lang.clone(),
        rows: rows(reader, record, viewer)?,
        base: record.meta.revision,
        manage_url: format!("{base}/attachments"),
        upload_url: format!("{base}/attachments/upload"),
        edit_url: format!("{base}/attachments/edit"),
        remove_url: format!("{base}/attachments/remove"),
        max_upload: human_size(s.intake.max_upload),
        max_bytes: s.intake.max_upload,
        error: None,
        typed: Typed::default(),
    })
}

async fn manage(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let who = viewer.clone();
    let view = state
        .blocking(move |s| {
            let record = editable(s, &who, &kind, &slug, "attachments")?;
            view(s, &s.store.read()?, &record, &who)
        })
        .await?;
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

/// The attachments page again, with what was typed and why it failed.
fn again(
    s: &AppState,
    viewer: &Viewer,
    record: &Record,
    status: StatusCode,
    error: String,
    typed: Typed,
) -> Result<Response, AppError> {
    let mut page = view(s, &s.store.read()?, record, viewer)?;
    page.error = Some(error);
    page.typed = typed;
    let html = page.render(&chrome(viewer)).into_string();
    Ok((status, Html(html)).into_response())
}

/// What an upload form sent besides the file.
#[derive(Default)]
pub(super) struct UploadForm {
    /// The revision the form showed (`base`; `revision` in the API).
    base: Option<u64>,
    /// The hash of the attachment the file replaces, if it replaces one.
    replace: String,
    typed: Typed,
}

/// Why an upload was not attached, for the page or the API to say.
pub(super) enum Failure {
    TooLarge(String),
    /// No file, a refused type, a bad description.
    Invalid(String),
    /// The attachment to replace is gone.
    Gone(String),
}

impl Failure {
    fn status(&self) -> StatusCode {
        match self {
            Failure::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Failure::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Failure::Gone(_) => StatusCode::CONFLICT,
        }
    }

    pub(super) fn into_error(self) -> AppError {
        match self {
            Failure::TooLarge(m) => AppError::TooLarge(m),
            Failure::Invalid(m) => AppError::Store(crate::store::StoreError::Invalid(vec![
                crate::model::FieldError {
                    field: "file".into(),
                    message: m,
                },
            ])),
            Failure::Gone(_) => AppError::Refused(crate::ops::Refusal::ChangedMeanwhile),
        }
    }
}

/// What became of an upload: attached (the record saved, the message to
/// show), or not, why, and what was typed.
pub(super) type Outcome<T> = Result<T, (Failure, Typed)>;

/// A multipart upload, read: the file on disk, the other fields.
pub(super) struct Upload {
    form: UploadForm,
    file: Option<(Incoming, String)>,
}

/// Reads a multipart upload, streaming its file to disk under the size limit.
pub(super) async fn read_upload(
    state: &AppState,
    lang: savoirs_templates::Lang,
    headers: &HeaderMap,
    mut multipart: Multipart,
) -> Result<Outcome<Upload>, AppError> {
    let limit = state.intake.max_upload;
    let too_large = || {
        Failure::TooLarge(tf(
            lang,
            "attachments.too_large",
            &[("max", &human_size(limit))],
        ))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Form fields and multipart framing add a little to the file itself.
    if declared.is_some_and(|n| n > limit + 1024 * 1024) {
        return Ok(Err((too_large(), Typed::default())));
    }
    let mut form = UploadForm::default();
    let mut file = None;
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(format!("multipart: {e}"))
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" {
            let value = field.text().await.unwrap_or_default();
            let value = value.trim().to_owned();
            match name.as_str() {
                "base" | "revision" => form.base = value.parse().ok(),
                "replace" => form.replace = value,
                "title" => form.typed.title = value,
                "description" => form.typed.description = value,
                "lang" => form.typed.lang = value,
                _ => {}
            }
            continue;
        }
        let file_name = clean_file_name(field.file_name().unwrap_or_default());
        let mut incoming = state.intake.files.receive(limit).map_err(io_error)?;
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if incoming.write(&chunk).map_err(io_error)?.is_err() {
                return Ok(Err((too_large(), form.typed)));
            }
        }
        file = Some((incoming, file_name));
    }
    Ok(Ok(Upload { form, file }))
}

/// Takes the uploaded file in (type, storage, text) and attaches it to
/// `stored`, or puts it in place of the attachment it replaces.
pub(super) fn store_upload(
    s: &AppState,
    who: &Viewer,
    stored: &Record,
    upload: Upload,
) -> Result<Outcome<(Record, Flash)>, AppError> {
    let Upload { form, file } = upload;
    let base = form
        .base
        .ok_or_else(|| AppError::BadRequest(t(who.lang, "edit.no_base").into()))?;
    let Some((incoming, name)) = file.filter(|(i, _)| i.size() > 0) else {
        let message = t(who.lang, "attachments.no_file").to_owned();
        return Ok(Err((Failure::Invalid(message), form.typed)));
    };
    if let Some(problem) = described_problem(&form.typed, who.lang) {
        return Ok(Err((Failure::Invalid(problem), form.typed)));
    }
    if !form.replace.is_empty()
        && !stored
            .meta
            .attachments
            .iter()
            .any(|a| a.file == form.replace)
    {
        let message = t(who.lang, "attachments.unknown_file").to_owned();
        return Ok(Err((Failure::Gone(message), Typed::default())));
    }
    let taken = s
        .intake
        .take(incoming, &name, |hash| {
            s.store.read().ok()?.file_text(hash).ok()?
        })
        .map_err(io_error)?;
    let got = match taken {
        Ok(got) => got,
        Err(refused) => return Ok(Err((Failure::Invalid(refused.message()), form.typed))),
    };
    attach(s, who, stored, base, name, form, got).map(Ok)
}

/// Takes a file sent to a record from its attachments page or edit page.
async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let multipart = multipart.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let who = viewer.clone();
    let stored = state
        .blocking(move |s| editable(s, &who, &kind, &slug, "attachments"))
        .await?;
    let upload = read_upload(&state, viewer.lang, &headers, multipart).await?;
    let who = viewer.clone();
    // The page's script sends the form itself, to show progress, and asks for
    // where to go next rather than a redirect it would follow unseen.
    let scripted = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    state
        .blocking(move |s| {
            let done = match upload {
                Ok(upload) => store_upload(s, &who, &stored, upload)?,
                Err(failed) => Err(failed),
            };
            match done {
                Ok((saved, said)) => {
                    let to = format!("{}#fichiers", saved.url());
                    Ok(match scripted {
                        true => flash::json_redirect(&to, said),
                        false => flash::redirect(&to, said),
                    })
                }
                Err((failure, typed)) => {
                    let status = failure.status();
                    let (Failure::TooLarge(m) | Failure::Invalid(m) | Failure::Gone(m)) = failure;
                    again(s, &who, &stored, status, m, typed)
                }
            }
        })
        .await
}

fn io_error(e: std::io::Error) -> AppError {
    AppError::Store(crate::store::StoreError::io(
        std::path::Path::new("files"),
        e,
    ))
}

/// What is wrong with a typed title, description or language, if anything.
fn described_problem(typed: &Typed, lang: savoirs_templates::Lang) -> Option<String> {
    let problems = crate::model::attachment_problems(&typed.title, &typed.description, &typed.lang);
    (!problems.is_empty()).then(|| super::forms::problems_message(lang, &problems))
}

/// Saves the record with the received file attached, or in place of the one
/// it replaces.
fn attach(
    s: &AppState,
    who: &Viewer,
    stored: &Record,
    base: u64,
    name: String,
    form: UploadForm,
    got: Received,
) -> Result<(Record, Flash), AppError> {
    let pages = got.pages();
    let mut attachments = stored.meta.attachments.clone();
    let typed = form.typed;
    let mut attachment = Attachment {
        file: got.hash.clone(),
        name: name.clone(),
        media_type: got.media_type.to_owned(),
        size: got.size,
        title: typed.title,
        description: typed.description,
        lang: typed.lang,
        pages,
        path: None,
    };
    let replaced = attachments.iter().position(|a| a.file == form.replace);
    let (message, said) = match replaced.filter(|_| !form.replace.is_empty()) {
        Some(i) => {
            let old = &attachments[i];
            // A replacement keeps what described the file it replaces, unless
            // something else was typed.
            if attachment.title.is_empty() {
                attachment.title.clone_from(&old.title);
            }
            if attachment.description.is_empty() {
                attachment.description.clone_from(&old.description);
            }
            if attachment.lang.is_empty() {
                attachment.lang.clone_from(&old.lang);
            }
            let message = format!("Fichier remplacé : {} par {name}", old.name);
            attachments[i] = attachment;
            (message, Flash::AttachmentReplaced)
        }
        _ => {
            attachments.retain(|a| a.file != got.hash);
            attachments.push(attachment);
            let said = match got.text.has_text() || got.media_type.starts_with("image/") {
                true => Flash::Attached,
                false => Flash::AttachedNoText,
            };
            (format!("Fichier joint : {name}"), said)
        }
    };
    let texts = vec![(got.hash, got.text)];
    let saved = s
        .ops(who)
        .set_attachments(stored, attachments, texts, base, &message)?;
    Ok((saved, said))
}

/// Changes an attachment's title, description and language.
async fn describe(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let who = viewer.clone();
    state
        .blocking(move |s| {
            let stored = editable(s, &who, &kind, &slug, "attachments")?;
            let typed = Typed {
                title: form.get("title").trim().to_owned(),
                description: form.get("description").trim().to_owned(),
                lang: form.get("lang").trim().to_owned(),
            };
            if let Some(problem) = described_problem(&typed, who.lang) {
                return again(
                    s,
                    &who,
                    &stored,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    problem,
                    Typed::default(),
                );
            }
            let said = Flash::AttachmentDescribed;
            change_one(s, &who, &stored, &form, said, |attachments, i| {
                let a = &mut attachments[i];
                a.title = typed.title;
                a.description = typed.description;
                a.lang = typed.lang;
                format!("Fichier décrit : {}", a.name)
            })
        })
        .await
}

/// Removes an attachment; the file stays stored, so that restoring an
/// earlier revision brings it back.
async fn remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let who = viewer.clone();
    state
        .blocking(move |s| {
            let stored = editable(s, &who, &kind, &slug, "attachments")?;
            let said = Flash::AttachmentRemoved;
            change_one(s, &who, &stored, &form, said, |attachments, i| {
                let gone = attachments.remove(i);
                format!("Fichier retiré : {}", gone.name)
            })
        })
        .await
}

/// Applies `change` to the attachment the form names (`file`) as a new
/// revision of `stored`, if nobody saved since the form's `base`; `change`
/// returns the revision message. An attachment gone meanwhile is said so.
fn change_one(
    s: &AppState,
    who: &Viewer,
    stored: &Record,
    form: &FormData,
    said: Flash,
    change: impl FnOnce(&mut Vec<Attachment>, usize) -> String,
) -> Result<Response, AppError> {
    let base = base_of(form, who)?;
    let mut attachments = stored.meta.attachments.clone();
    let Some(i) = attachments.iter().position(|a| a.file == form.get("file")) else {
        let message = t(who.lang, "attachments.unknown_file").to_owned();
        return again(
            s,
            who,
            stored,
            StatusCode::CONFLICT,
            message,
            Typed::default(),
        );
    };
    let message = change(&mut attachments, i);
    s.ops(who)
        .set_attachments(stored, attachments, Vec::new(), base, &message)?;
    Ok(flash::redirect(
        &format!("{}/attachments", stored.url()),
        said,
    ))
}

fn base_of(form: &FormData, who: &Viewer) -> Result<u64, AppError> {
    form.get("base")
        .parse()
        .map_err(|_| AppError::BadRequest(t(who.lang, "edit.no_base").into()))
}

/// Serves an attached file to those who may see its record: by the record's
/// address only, so a draft's file is hidden like the draft, whatever its hash.
async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug, file, _name)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let who = viewer.clone();
    let (attachment, path) = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let (record, _) = find(&reader, &who, &kind, &slug)?.ok_or(AppError::NotFound)?;
            let a = record
                .meta
                .attachments
                .into_iter()
                .find(|a| a.file == file)
                .ok_or(AppError::NotFound)?;
            let path = s.intake.files.path(&a.file).ok_or(AppError::NotFound)?;
            Ok((a, path))
        })
        .await?;
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::error!(
                "attached file {} is missing from {}",
                attachment.file,
                path.display()
            );
            return Err(AppError::NotFound);
        }
        Err(e) => return Err(io_error(e)),
    };
    let length = file.metadata().await.map_err(io_error)?.len();
    let etag = format!("\"{}\"", attachment.file);
    let mut response = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "private, no-cache")
        .header(header::CONTENT_TYPE, served_type(&attachment.media_type))
        .header(header::CONTENT_DISPOSITION, disposition(&attachment))
        // A file is never a page of the site: no script runs, nothing loads.
        .header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        );
    let matches = |value: &HeaderValue| {
        value
            .to_str()
            .is_ok_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    };
    if headers.get(header::IF_NONE_MATCH).is_some_and(matches) {
        return Ok(response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_default());
    }
    // A range asked with `If-Range` is only honoured for the same file.
    let same = headers
        .get(header::IF_RANGE)
        .is_none_or(|v| v.to_str().is_ok_and(|v| v == etag));
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(r) if same => match parse_range(r, length) {
            Some(range) => Some(range),
            None => {
                return Ok(response
                    .status(StatusCode::RANGE_NOT_SATISFIABLE)
                    .header(header::CONTENT_RANGE, format!("bytes */{length}"))
                    .body(Body::empty())
                    .unwrap_or_default());
            }
        },
        _ => None,
    };
    let (start, end) = range.unwrap_or((0, length.saturating_sub(1)));
    let count = if length == 0 { 0 } else { end - start + 1 };
    if range.is_some() {
        response = response.status(StatusCode::PARTIAL_CONTENT).header(
            header::CONTENT_RANGE,
            format!("bytes {start}-{end}/{length}"),
        );
    }
    let body = Body::from_stream(file_stream(file, start, count).await.map_err(io_error)?);
    Ok(response
        .header(header::CONTENT_LENGTH, count)
        .body(body)
        .unwrap_or_default())
}

/// The bytes `start..start + count` of a file, a chunk at a time.
async fn file_stream(
    mut file: tokio::fs::File,
    start: u64,
    count: u64,
) -> std::io::Result<impl futures_util::Stream<Item = std::io::Result<Bytes>>> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    file.seek(std::io::SeekFrom::Start(start)).await?;
    Ok(futures_util::stream::unfold(
        (file, count),
        |(mut file, left)| async move {
            if left == 0 {
                return None;
            }
            let mut buffer = vec![0u8; left.min(256 * 1024) as usize];
            match file.read(&mut buffer).await {
                Ok(0) => None,
                Ok(n) => {
                    buffer.truncate(n);
                    Some((Ok(Bytes::from(buffer)), (file, left - n as u64)))
                }
                Err(e) => Some((Err(e), (file, 0))),
            }
        },
    ))
}

/// The type a file is served with: HTML goes out as bytes to save, never as
/// a page.
fn served_type(media_type: &str) -> String {
    match media_type {
        "text/html" => "application/octet-stream".to_owned(),
        t if t.starts_with("text/") => format!("{t}; charset=utf-8"),
        t => t.to_owned(),
    }
}

/// `inline` for what browsers show safely (PDF, images), `attachment` for the
/// rest; the name in ASCII and in UTF-8.
fn disposition(a: &Attachment) -> String {
    let inline = a.media_type == "application/pdf" || a.media_type.starts_with("image/");
    let how = if inline { "inline" } else { "attachment" };
    let ascii: String = deunicode::deunicode(&a.name)
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' && c != ';' => c,
            _ => '_',
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(a.name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// One byte range of a file of `length` bytes, from a `Range` header:
/// `bytes=0-99`, `bytes=100-`, `bytes=-100`. `None` when it cannot be served;
/// several ranges are answered with the first alone.
fn parse_range(header: &str, length: u64) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    let first = spec.split(',').next()?.trim();
    let (from, to) = first.split_once('-')?;
    let (from, to) = (from.trim(), to.trim());
    if length == 0 {
        return None;
    }
    let last = length - 1;
    let (start, end) = if from.is_empty() {
        let suffix: u64 = to.parse().ok()?;
        if suffix == 0 {
            return None;
        }
        (length.saturating_sub(suffix), last)
    } else {
        let start: u64 = from.parse().ok()?;
        let end = match to {
            "" => last,
            to => to.parse::<u64>().ok()?.min(last),
        };
        (start, end)
    };
    (start <= end && start < length).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_http_says() {
        assert_eq!(parse_range("bytes=0-99", 1000), Some((0, 99)));
        assert_eq!(parse_range("bytes=900-", 1000), Some((900, 999)));
        assert_eq!(parse_range("bytes=-100", 1000), Some((900, 999)));
        assert_eq!(parse_range("bytes=990-2000", 1000), Some((990, 999)));
        assert_eq!(parse_range("bytes=0-1, 5-6", 1000), Some((0, 1)));
        assert_eq!(parse_range("bytes=1000-", 1000), None);
        assert_eq!(parse_range("bytes=5-1", 1000), None);
        assert_eq!(parse_range("lines=1-2", 1000), None);
        assert_eq!(parse_range("bytes=-0", 1000), None);
    }

    #[test]
    fn names_in_headers_are_quoted_safely() {
        let a = Attachment {
            name: "Rapport d'été \"final\";.pdf".into(),
            media_type: "application/pdf".into(),
            ..Attachment::default()
        };
        let d = disposition(&a);
        assert!(
            d.starts_with("inline; filename=\"Rapport d'ete _final__.pdf\""),
            "{d}"
        );
        assert!(
            d.contains("filename*=UTF-8''Rapport%20d%27%C3%A9t%C3%A9"),
            "{d}"
        );
        let html = Attachment {
            media_type: "text/html".into(),
            ..a
        };
        assert!(disposition(&html).starts_with("attachment;"));
        assert_eq!(served_type("text/html"), "application/octet-stream");
    }
}

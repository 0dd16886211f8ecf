//! Reading and writing records through the API: every kind, with the same
//! permissions as the pages (see [`Viewer`]). A record travels in the interchange
//! shape of `savoirs export` (one flat object tagged by `kind`), plus `page_path`,
//! the path of the record's page. It is not called `url`: up to format 1 that
//! was also the name of a resource's web address, and the two overwrote each
//! other (see [`crate::model::legacy`]).
//!
//! Links are given by id or by name: partners by id or by one of their names,
//! related records by id or title (compared as in the record's address), broader and related concepts by id or
//! label. Unlike an import, the API never creates a partner on the way: a name
//! that matches no partner is an error the caller can fix.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::{ApiViewer, ErrorBody, RecordValue};
use crate::http::{ApiError, AppError, AppState, Viewer};
use crate::model::{Body, FieldError, Kind, Record, Status};
use crate::ops::Saving;
use crate::ops::names::Names;
use crate::store::{Reader, StoreError, Writer};

const DEFAULT_PER_PAGE: usize = 20;

/// Where the API writes the path of a record's page.
pub const PAGE_PATH: &str = "page_path";

/// Fields the server keeps: a record read may be sent back with them, and they
/// are ignored.
/// `attachments` change through their own address (`…/attachments`).
pub const SERVER_FIELDS: [&str; 7] = [
    "id",
    "slug",
    "created",
    "updated",
    "owner",
    PAGE_PATH,
    "attachments",
];
const MAX_PER_PAGE: usize = 100;

/// A record as the API writes it for `viewer`: the interchange object plus its
/// page's path, without links to records the viewer may not see.
fn to_value(record: &Record, reader: &Reader, viewer: &Viewer) -> Result<RecordValue, AppError> {
    let mut record = record.clone();
    crate::export::drop_hidden_links(&mut record, reader, &|r| viewer.can_view(r))?;
    let mut object = record.to_json();
    object.insert(PAGE_PATH.into(), record.url().into());
    // Each file says where it downloads.
    if let Some(Value::Array(list)) = object.get_mut("attachments") {
        for (value, a) in list.iter_mut().zip(&record.meta.attachments) {
            if let Value::Object(o) = value {
                o.insert(
                    "download_path".into(),
                    crate::http::files::file_url(&record, a).into(),
                );
            }
        }
    }
    Ok(RecordValue(object))
}

/// The filters of the record list, as the OpenAPI description shows them.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListQuery {
    /// Only records of this kind.
    #[param(inline, pattern = "^(partner|concept|action|method|resource)?$")]
    kind: Option<String>,
    /// Only records with this status (among those the caller may see).
    #[param(pattern = "^(draft|proposed|published|archived)?$")]
    status: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 100000)]
    page: Option<u32>,
    /// Records per page, from 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

struct ListParams {
    kind: Option<Kind>,
    status: Option<Status>,
    page: usize,
    per_page: usize,
}

fn bad_param(name: &str, value: &str, expected: &str) -> ApiError {
    ApiError(AppError::BadRequest(format!(
        "parameter {name:?} has a bad value {value:?}: expected {expected}"
    )))
}

fn list_params(query: Option<&str>) -> Result<ListParams, ApiError> {
    let mut p = ListParams {
        kind: None,
        status: None,
        page: 1,
        per_page: DEFAULT_PER_PAGE,
    };
    for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.as_ref() {
            "kind" => {
                p.kind = Some(Kind::parse(value).ok_or_else(|| {
                    bad_param(
                        "kind",
                        value,
                        "partner, concept, action, method or resource",
                    )
                })?)
            }
            "status" => {
                p.status = Some(Status::parse(value).ok_or_else(|| {
                    bad_param("status", value, "draft, proposed, published or archived")
                })?)
            }
            "page" => match value.parse::<usize>() {
                Ok(n) if (1..=100_000).contains(&n) => p.page = n,
                _ => return Err(bad_param("page", value, "a number from 1 to 100000")),
            },
            "per_page" => match value.parse::<usize>() {
                Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => p.per_page = n,
                _ => return Err(bad_param("per_page", value, "a number from 1 to 100")),
            },
            _ => {}
        }
    }
    Ok(p)
}

#[derive(Serialize, ToSchema)]
pub struct RecordList {
    /// Records matching the filters that the caller may see.
    total: u64,
    page: u32,
    per_page: u32,
    /// Most recently updated first.
    records: Vec<RecordValue>,
}

/// The records the caller may see, most recently updated first.
#[utoipa::path(
    get,
    path = "/api/v1/records",
    tag = "records",
    params(ListQuery),
    security((), ("token" = [])),
    responses(
        (status = 200, description = "One page of records", body = RecordList),
        (status = 400, description = "A parameter has a bad value", body = ErrorBody),
        (status = 401, description = "The API token is unknown or revoked", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    RawQuery(query): RawQuery,
) -> Result<Json<RecordList>, ApiError> {
    let p = list_params(query.as_deref())?;
    let (total, page) = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let mut visible = reader.all(p.kind)?;
            visible.retain(|r| viewer.can_view(r) && p.status.is_none_or(|st| r.meta.status == st));
            visible.sort_by(|a, b| {
                b.meta
                    .updated
                    .cmp(&a.meta.updated)
                    .then_with(|| a.meta.id.cmp(&b.meta.id))
            });
            let page = visible
                .iter()
                .skip((p.page - 1) * p.per_page)
                .take(p.per_page)
                .map(|r| to_value(r, &reader, &viewer))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((visible.len() as u64, page))
        })
        .await?;
    Ok(Json(RecordList {
        total,
        page: p.page as u32,
        per_page: p.per_page as u32,
        records: page,
    }))
}

/// The stored record `id` if the viewer may see it; 404 otherwise, so that
/// drafts do not reveal that they exist.
fn visible(state: &AppState, viewer: &Viewer, id: &str) -> Result<Record, AppError> {
    if !crate::store::valid_id(id) {
        return Err(AppError::NotFound);
    }
    state
        .store
        .read()?
        .get(id)?
        .filter(|r| viewer.can_view(r))
        .ok_or(AppError::NotFound)
}

/// One record.
#[utoipa::path(
    get,
    path = "/api/v1/records/{id}",
    tag = "records",
    params(("id" = String, Path, description = "The record's id")),
    security((), ("token" = [])),
    responses(
        (status = 200, description = "The record", body = RecordValue),
        (status = 401, description = "The API token is unknown or revoked", body = ErrorBody),
        (status = 404, description = "No such record, or not visible to the caller", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> Result<Json<RecordValue>, ApiError> {
    let record = state
        .blocking(move |s| to_value(&visible(s, &viewer, &id)?, &s.store.read()?, &viewer))
        .await?;
    Ok(Json(record))
}

#[derive(Serialize, ToSchema)]
pub struct RevisionInfo {
    number: u64,
    /// Account that saved it; empty for imports.
    author: String,
    time: chrono::DateTime<chrono::Utc>,
    message: String,
}

/// The record's revisions, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/records/{id}/revisions",
    tag = "records",
    params(("id" = String, Path, description = "The record's id")),
    security((), ("token" = [])),
    responses(
        (status = 200, description = "Revisions, newest first", body = Vec<RevisionInfo>),
        (status = 401, description = "The API token is unknown or revoked", body = ErrorBody),
        (status = 404, description = "No such record, or not visible to the caller", body = ErrorBody),
    )
)]
pub async fn revisions(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> Result<Json<Vec<RevisionInfo>>, ApiError> {
    let list = state
        .blocking(move |s| {
            visible(s, &viewer, &id)?;
            Ok(s.store.read()?.revisions(&id)?)
        })
        .await?;
    let mut out: Vec<RevisionInfo> = list
        .into_iter()
        .map(|r| RevisionInfo {
            number: r.number,
            author: r.author,
            time: r.time,
            message: r.message,
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.number));
    Ok(Json(out))
}

/// A request body read into a record, or what is wrong with it.
struct Input {
    record: Record,
    /// `revision`: the revision the change starts from (required to replace).
    base: Option<u64>,
    /// `message`: what the change is, for the history.
    message: String,
    /// Whether the body said which status it wants.
    status_given: bool,
    /// Whether the body said which language the record is in.
    lang_given: bool,
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError(AppError::Store(StoreError::Invalid(vec![FieldError {
        field: field.to_owned(),
        message: message.into(),
    }])))
}

/// Reads a request body: a JSON object in the interchange shape. Fields the server
/// keeps ([`SERVER_FIELDS`]) may be sent back as they were read and are ignored.
/// So is `url`, the page path older versions wrote, except that a resource's
/// `url` holding a web address is its `web_address`, as older scripts sent it.
fn read_input(body: &[u8]) -> Result<Input, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError(AppError::BadRequest(format!(
            "the body is not valid JSON: {e}"
        )))
    })?;
    let Value::Object(mut object) = value else {
        return Err(ApiError(AppError::BadRequest(
            "the body must be one JSON object".into(),
        )));
    };
    match object.get("kind") {
        Some(Value::String(k)) if Kind::parse(k).is_some() => {}
        Some(other) => {
            return Err(invalid(
                "kind",
                format!("{other} is not one of partner, concept, action, method, resource"),
            ));
        }
        None => return Err(invalid("kind", "missing")),
    }
    let base = match object.remove("revision") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .ok_or_else(|| invalid("revision", "must be a whole number"))?,
        ),
    };
    let message = match object.remove("message") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(m)) => m,
        Some(_) => return Err(invalid("message", "must be a string")),
    };
    for key in SERVER_FIELDS {
        object.remove(key);
    }
    match object.get("kind").and_then(Value::as_str) {
        Some("resource") => crate::model::legacy::take_resource_url(&mut object)
            .map_err(|e| invalid(&e.field, e.message))?,
        _ => {
            object.remove(crate::model::legacy::OLD_NAME);
        }
    }
    let lang = take_string(&mut object, "lang")?;
    let status = take_string(&mut object, "status")?;
    let body: Body = serde_json::from_value(Value::Object(object))
        .map_err(|e| invalid("body", e.to_string()))?;
    let mut record = Record::new(body);
    let lang_given = lang.is_some();
    if let Some(lang) = lang {
        record.meta.lang = lang;
    }
    let status_given = status.is_some();
    if let Some(status) = status {
        record.meta.status = Status::parse(&status).ok_or_else(|| {
            invalid(
                "status",
                format!("{status:?} is not one of draft, proposed, published, archived"),
            )
        })?;
    }
    Ok(Input {
        record,
        base,
        message,
        status_given,
        lang_given,
    })
}

fn take_string(object: &mut Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match object.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(key, "must be a string")),
    }
}

/// Turns names into ids: partners (which must exist), related records, concepts,
/// among the records `viewer` may see: a hidden record's id or name gets the same
/// answer as one that exists nowhere.
fn resolve_links(w: &Writer<'_>, record: &mut Record, viewer: &Viewer) -> Result<(), StoreError> {
    let not_found =
        |field: String, message: String| StoreError::Invalid(vec![FieldError { field, message }]);
    let visible = |r: &Record| viewer.can_view(r);
    if let Some(refs) = record.partner_refs_mut() {
        for (i, link) in refs.iter_mut().enumerate() {
            if !link.id.is_empty() {
                match w.get(&link.id)? {
                    Some(r) if r.kind() == Kind::Partner && visible(&r) => continue,
                    _ => {
                        return Err(not_found(
                            format!("partners[{i}].id"),
                            format!("no partner has the id {:?}", link.id),
                        ));
                    }
                }
            }
            let found = Names::new(w, &visible).partner(&link.name)?;
            link.id = found.ok_or_else(|| {
                not_found(
                    format!("partners[{i}].name"),
                    format!("no partner is named {:?}", link.name),
                )
            })?;
        }
    }
    if let Some(relations) = record.relations_mut() {
        for (i, relation) in relations.iter_mut().enumerate() {
            crate::import::resolve_relation_among(w, relation, i, &visible)?;
        }
    }
    if let Body::Concept(c) = &mut record.body {
        for (field, targets) in [("broader", &mut c.broader), ("related", &mut c.related)] {
            for (i, target) in targets.iter_mut().enumerate() {
                *target = crate::import::resolve_concept_among(w, target, field, i, &visible)?;
            }
        }
    }
    Ok(())
}

/// Links of `stored` to records `viewer` may not see: the caller was never shown
/// them (see [`to_value`]), so a change they send keeps them as they were.
fn keep_hidden_links(
    w: &Writer<'_>,
    stored: &Record,
    record: &mut Record,
    viewer: &Viewer,
) -> Result<(), StoreError> {
    use crate::http::access::keep_hidden_links;
    let mut hidden = |id: &str| -> Result<bool, StoreError> {
        Ok(w.get(id)?.is_some_and(|r| !viewer.can_view(&r)))
    };
    if let Some(refs) = record.partner_refs_mut() {
        keep_hidden_links(stored.partner_refs(), refs, |p| &p.id, &mut hidden)?;
    }
    if let Some(relations) = record.relations_mut() {
        keep_hidden_links(stored.relations(), relations, |r| &r.id, &mut hidden)?;
    }
    Ok(())
}

/// Creates a record. Contributors create action sheets, methods and resources,
/// as drafts or proposals; editors create any kind, with any status.
#[utoipa::path(
    post,
    path = "/api/v1/records",
    tag = "records",
    request_body(content = super::RecordInput, description = "The new record; `status` defaults to `draft`"),
    security(("token" = [])),
    responses(
        (status = 201, description = "Created; `Location` names it", body = RecordValue,
            headers(("Location" = String, description = "The record's API address"))),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "No valid API token or session", body = ErrorBody),
        (status = 403, description = "The caller's role may not create this kind or status", body = ErrorBody),
        (status = 413, description = "The body is larger than 8 MiB", body = ErrorBody),
        (status = 422, description = "A field is wrong; `fields` says which", body = ErrorBody),
        (status = 503, description = "The disk is full; nothing was saved", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    body: Bytes,
) -> Result<Response, ApiError> {
    if viewer.user.is_none() {
        return Err(ApiError(AppError::LoginRequired(String::new())));
    }
    let input = read_input(&body)?;
    let record = input.record;
    let saving_status = input.status_given.then_some(record.meta.status);
    let message = input.message;
    let (id, saved) = state
        .blocking(move |s| {
            let saving = Saving {
                status: saving_status,
                message: &message,
                owner: None,
            };
            let saved = s.ops(&viewer).create(record, &saving, |w, record| {
                resolve_links(w, record, &viewer)
            })?;
            Ok((
                saved.meta.id.clone(),
                to_value(&saved, &s.store.read()?, &viewer)?,
            ))
        })
        .await?;
    let location = format!("/api/v1/records/{id}");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(saved),
    )
        .into_response())
}

/// Replaces a record's content. `revision` must be the revision the change
/// starts from: if someone saved since, the answer is 409 and nothing is written.
#[utoipa::path(
    put,
    path = "/api/v1/records/{id}",
    tag = "records",
    params(("id" = String, Path, description = "The record's id")),
    request_body(content = super::RecordInput, description = "The whole record, with `revision`"),
    security(("token" = [])),
    responses(
        (status = 200, description = "Saved as a new revision", body = RecordValue),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "No valid API token or session", body = ErrorBody),
        (status = 403, description = "The caller may not change this record, or not to that status", body = ErrorBody),
        (status = 404, description = "No such record, or not visible to the caller", body = ErrorBody),
        (status = 409, description = "Someone saved a newer revision meanwhile", body = ErrorBody),
        (status = 413, description = "The body is larger than 8 MiB", body = ErrorBody),
        (status = 422, description = "A field is wrong; `fields` says which", body = ErrorBody),
        (status = 503, description = "The disk is full; nothing was saved", body = ErrorBody),
    )
)]
pub async fn replace(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<RecordValue>, ApiError> {
    if viewer.user.is_none() {
        return Err(ApiError(AppError::LoginRequired(String::new())));
    }
    let input = read_input(&body)?;
    let saved = state
        .blocking(move |s| {
            let stored = visible(s, &viewer, &id)?;
            let Some(base) = input.base else {
                return Err(
                    invalid("revision", "required: the revision this change starts from").0,
                );
            };
            let mut record = input.record;
            if record.kind() != stored.kind() {
                return Err(invalid("kind", format!("the record is of kind {}", stored.kind())).0);
            }
            if !input.lang_given {
                record.meta.lang = stored.meta.lang.clone();
            }
            let saving = Saving {
                status: input.status_given.then_some(record.meta.status),
                message: &input.message,
                owner: None,
            };
            let saved = s
                .ops(&viewer)
                .update(&stored, record, base, &saving, |w, record| {
                    resolve_links(w, record, &viewer)?;
                    keep_hidden_links(w, &stored, record, &viewer)
                })?;
            to_value(&saved, &s.store.read()?, &viewer)
        })
        .await?;
    Ok(Json(saved))
}

/// A file sent to a record, as `multipart/form-data`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    /// The file. Its type is read from its content: PDF, ODT, ODS, ODP, DOCX,
    /// XLSX, PPTX, plain text, Markdown, HTML, CSV, PNG, JPEG or WebP.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
    /// The revision the change starts from.
    #[schema(minimum = 0)]
    revision: u64,
    title: Option<String>,
    description: Option<String>,
    /// The language of the file's text; the record's when absent.
    #[schema(pattern = "^(fr|en|es)?$")]
    lang: Option<String>,
    /// The `file` hash of an attachment this file replaces.
    replace: Option<String>,
}

/// Attach a file to a record, or replace one of its files. The file is
/// stored, its text read and indexed with the record; the answer is the
/// record, whose `attachments` list it.
#[utoipa::path(
    post,
    path = "/api/v1/records/{id}/attachments",
    tag = "records",
    params(("id" = String, Path, description = "The record's id")),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    security(("token" = [])),
    responses(
        (status = 200, description = "Attached; the record as it now is", body = RecordValue),
        (status = 400, description = "Not a multipart body, or no `revision`", body = ErrorBody),
        (status = 401, description = "No valid API token or session", body = ErrorBody),
        (status = 403, description = "The caller may not edit the record, or it changed since `revision`", body = ErrorBody),
        (status = 404, description = "No such record, or hidden from the caller", body = ErrorBody),
        (status = 413, description = "The file is larger than the server allows (`serve --max-upload`)", body = ErrorBody),
        (status = 422, description = "No file, a type Savoirs does not take, or a bad description", body = ErrorBody),
        (status = 503, description = "The disk is full; nothing was saved", body = ErrorBody),
    )
)]
pub async fn attach(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<RecordValue>, ApiError> {
    if viewer.user.is_none() {
        return Err(ApiError(AppError::LoginRequired(String::new())));
    }
    // Not multipart at all: said in JSON, like every error of the API.
    let multipart = multipart.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let who = viewer.clone();
    let stored = state.blocking(move |s| visible(s, &who, &id)).await?;
    if !viewer.can_edit(&stored) {
        return Err(ApiError(AppError::Refused(crate::ops::Refusal::CannotEdit)));
    }
    let upload = crate::http::files::read_upload(&state, viewer.lang, &headers, multipart).await?;
    let saved = state
        .blocking(move |s| {
            let done = match upload {
                Ok(upload) => crate::http::files::store_upload(s, &viewer, &stored, upload)?,
                Err(failed) => Err(failed),
            };
            match done {
                Ok((saved, _)) => to_value(&saved, &s.store.read()?, &viewer),
                Err((failure, _)) => Err(failure.into_error()),
            }
        })
        .await?;
    Ok(Json(saved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_read_with_clear_errors() {
        let err = |body: &str| match read_input(body.as_bytes()) {
            Err(ApiError(e)) => e.to_string(),
            Ok(_) => String::new(),
        };
        assert!(err("{").contains("not valid JSON"));
        assert!(err("[]").contains("one JSON object"));
        assert!(err(r#"{"title":"x"}"#).contains("kind"));
        assert!(err(r#"{"kind":"poem","title":"x"}"#).contains("kind"));
        assert!(err(r#"{"kind":"action","title":"x","sumary":"y"}"#).contains("sumary"));
        assert!(err(r#"{"kind":"action","title":"x","revision":"2"}"#).contains("revision"));
        let ok = read_input(
            br#"{"kind":"action","title":"x","id":"abc","url":"/action/x","revision":3,"lang":"en"}"#,
        )
        .expect("valid body");
        assert_eq!(ok.base, Some(3));
        assert_eq!(ok.record.meta.lang, "en");
        assert!(ok.record.meta.id.is_empty());
        assert!(!ok.status_given);
        read_input(br#"{"kind":"partner","name":"x","page_path":"/partner/x"}"#)
            .expect("the page path is the server's");
    }

    #[test]
    fn a_resource_address_is_read_under_both_names() {
        let address = |body: &str| match read_input(body.as_bytes()) {
            Ok(Input {
                record:
                    Record {
                        body: Body::Resource(r),
                        ..
                    },
                ..
            }) => r.web_address,
            Ok(_) => panic!("not a resource"),
            Err(ApiError(e)) => panic!("{e}"),
        };
        let web = "https://cartocommune.example.org/";
        assert_eq!(
            address(&format!(
                r#"{{"kind":"resource","title":"x","web_address":"{web}","page_path":"/resource/x"}}"#
            )),
            web
        );
        assert_eq!(
            address(&format!(
                r#"{{"kind":"resource","title":"x","url":"{web}"}}"#
            )),
            web,
            "older scripts send the address as url"
        );
        assert_eq!(
            address(&format!(
                r#"{{"kind":"resource","title":"x","web_address":"{web}","url":"/resource/x"}}"#
            )),
            web,
            "older answers sent back hold the page path as url"
        );
        match read_input(br#"{"kind":"resource","title":"x","url":"cartocommune.example.org"}"#) {
            Err(ApiError(AppError::Store(StoreError::Invalid(fields)))) => {
                assert_eq!(fields[0].field, "url")
            }
            _ => panic!("an address without a scheme is refused, naming the field"),
        }
    }

    #[test]
    fn list_parameters_are_checked() {
        assert!(list_params(Some("kind=poem")).is_err());
        assert!(list_params(Some("per_page=0")).is_err());
        assert!(list_params(Some("page=x")).is_err());
        let p =
            list_params(Some("kind=action&status=draft&page=2&per_page=5&other=1")).expect("valid");
        assert_eq!(
            (p.kind, p.status, p.page, p.per_page),
            (Some(Kind::Action), Some(Status::Draft), 2, 5)
        );
    }
}

//! Writing through the browser: creating and editing records, moving them through
//! the workflow, restoring an old revision. Every save is checked against the
//! revision the edit began from, so nobody overwrites what another saved meanwhile.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use savoirs_templates::i18n::{t, tf};
use savoirs_templates::routes;
use savoirs_templates::views::account::NewRecordView;
use savoirs_templates::views::form::{PartnerChoices, RecordFormView};

use super::auth::{chrome, require_login};
use super::confirm::{Answer, confirmed};
use super::flash::Flash;
use super::forms::{self, FormData};
use super::history::revision_diff;
use super::records::find;
use super::{AppError, AppState, Routes, Viewer};
use crate::model::{self, Body, Kind, Record, Status};
use crate::ops::{OpError, Saving};
use crate::store::StoreError;
use savoirs_templates::views::confirm::ConfirmView;

pub fn routes(r: &mut Routes) {
    r.get(routes::NEW, choose_kind);
    r.get("/new/{kind}", new_form);
    r.post("/new/{kind}", create);
    r.get("/{kind}/{slug}/edit", edit_form);
    r.post("/{kind}/{slug}/edit", update);
    r.post("/{kind}/{slug}/status", change_status);
    r.post("/{kind}/{slug}/restore", restore);
}

async fn choose_kind(viewer: Viewer) -> Result<Html<String>, AppError> {
    require_login(&viewer, routes::NEW)?;
    let kinds = [
        Kind::Action,
        Kind::Method,
        Kind::Resource,
        Kind::Partner,
        Kind::Concept,
    ]
    .into_iter()
    .filter(|k| viewer.can_create(*k))
    .map(|k| k.as_str().to_owned())
    .collect();
    Ok(Html(
        NewRecordView { kinds }
            .render(&chrome(&viewer))
            .into_string(),
    ))
}

fn empty_record(kind: Kind) -> Record {
    Record::new(match kind {
        Kind::Action => Body::Action(model::Action::default()),
        Kind::Method => Body::Method(model::Method::default()),
        Kind::Resource => Body::Resource(model::Resource::default()),
        Kind::Partner => Body::Partner(model::Partner::default()),
        Kind::Concept => Body::Concept(model::Concept::default()),
    })
}

fn creatable(viewer: &Viewer, kind: &str) -> Result<Kind, AppError> {
    let kind = Kind::parse(kind).ok_or(AppError::NotFound)?;
    require_login(viewer, routes::new_record(kind.as_str()))?;
    if !viewer.can_create(kind) {
        return Err(AppError::Forbidden(
            t(viewer.lang, "edit.editors_only").into(),
        ));
    }
    Ok(kind)
}

/// Completions for the form: the names of the partners and every label of the
/// thesaurus concepts that `viewer` may see (a hidden partner's name offered in a
/// list would give it away).
fn completions(state: &AppState, viewer: &Viewer) -> Result<(Vec<String>, Vec<String>), AppError> {
    let reader = state.store.read()?;
    let (mut partners, mut labels) = (Vec::new(), Vec::new());
    for r in reader.all(None)? {
        if !viewer.can_view(&r) {
            continue;
        }
        match &r.body {
            Body::Partner(p) => partners.push(p.label().to_owned()),
            Body::Concept(c) => {
                labels.extend(
                    c.all_labels(&r.meta.lang)
                        .into_iter()
                        .map(|(_, l)| l.to_owned()),
                );
            }
            _ => {}
        }
    }
    partners.sort();
    labels.sort();
    labels.dedup();
    Ok((partners, labels))
}

fn fill_completions(
    view: &mut RecordFormView,
    state: &AppState,
    viewer: &Viewer,
) -> Result<(), AppError> {
    (view.partner_names, view.concept_labels) = completions(state, viewer)?;
    Ok(())
}

/// A form view with nothing filled in yet.
fn blank_form(kind: Kind, heading: String, action: String, viewer: &Viewer) -> RecordFormView {
    RecordFormView {
        kind: kind.as_str().to_owned(),
        heading,
        action,
        values: Default::default(),
        errors: Default::default(),
        general_error: None,
        partners: Vec::new(),
        partner_names: Vec::new(),
        concept_labels: Vec::new(),
        base_revision: 0,
        preview: Vec::new(),
        can_publish: viewer.is_editor(),
        conflict: None,
        message: String::new(),
        unknown_partners: Vec::new(),
        attachments: None,
    }
}

fn heading_new(kind: Kind, viewer: &Viewer) -> String {
    let lang = viewer.lang;
    tf(
        lang,
        "edit.new_heading",
        &[(
            "kind",
            &savoirs_templates::format::kind_label(lang, kind.as_str()).to_lowercase(),
        )],
    )
}

async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(kind): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, AppError> {
    let kind = creatable(&viewer, &kind)?;
    // `?partner=RITIMO&role=user`: a record begun from a partner's page.
    let prefill = FormData::parse(query.unwrap_or_default().as_bytes());
    let mut view = blank_form(
        kind,
        heading_new(kind, &viewer),
        routes::new_record(kind.as_str()),
        &viewer,
    );
    view.values.insert("lang".into(), "fr".into());
    view.values.insert("currency".into(), "EUR".into());
    if !prefill.get("partner").is_empty() {
        let role = match prefill.get("role") {
            r if model::ROLES.contains(&r) => r,
            _ => "partner",
        };
        view.partners = vec![(prefill.get("partner").to_owned(), role.to_owned())];
    }
    let who = viewer.clone();
    let (partners, labels) = state.blocking(move |s| completions(s, &who)).await?;
    view.partner_names = partners;
    view.concept_labels = labels;
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

/// What the form asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Intent {
    Preview,
    Save,
    Publish,
}

/// What a saved form says happened: an editor's "publish" publishes.
fn saved_flash(intent: Intent, who: &Viewer) -> Flash {
    match intent {
        Intent::Publish if who.is_editor() => Flash::Published,
        _ => Flash::Saved,
    }
}

/// The status a saved form asks for: an editor's "publish" publishes; any
/// other save keeps the status (a new record's is `draft`).
fn wanted_status(intent: Intent, who: &Viewer, current: Status) -> Status {
    match intent {
        Intent::Publish if who.is_editor() => Status::Published,
        _ => current,
    }
}

fn intent(form: &FormData) -> Intent {
    match form.get("intent") {
        "preview" => Intent::Preview,
        "publish" => Intent::Publish,
        _ => Intent::Save,
    }
}

/// The outcome of a submitted form.
enum Outcome {
    /// Saved: go to the record, saying what happened to it.
    Saved(String, Flash),
    /// Shown again: with a status (200 preview, 422 errors, 409 conflict).
    Again(StatusCode, Box<RecordFormView>),
}

/// Creates the new partners the form asks to propose (ticked beside a name
/// that named none), when it is saved: they are then linked like the others,
/// and wait for editors in the review queue.
fn propose_partners(
    s: &AppState,
    who: &Viewer,
    form: &FormData,
    intent: Intent,
) -> Result<(), AppError> {
    if intent == Intent::Preview {
        return Ok(());
    }
    let asked = form.all("new_partner");
    let unknown = forms::unknown_partners(form, &s.store.read()?, who)?;
    for name in unknown.iter().filter(|n| asked.contains(&n.as_str())) {
        s.ops(who).propose_partner(name)?;
    }
    Ok(())
}

/// For each partner name that named none, the partners it may mean (those the
/// viewer may see whose names share its words), offered on the returned form.
fn partner_choices(
    s: &AppState,
    who: &Viewer,
    unknown: Vec<String>,
) -> Result<Vec<PartnerChoices>, AppError> {
    let (statuses, owner) = who.visibility();
    let mut out = Vec::new();
    for name in unknown {
        let found = s.index.search(&savoirs_index::SearchRequest {
            text: name.clone(),
            kinds: vec![Kind::Partner.as_str().to_owned()],
            statuses: statuses.clone(),
            owner: owner.clone(),
            limit: 5,
            ..savoirs_index::SearchRequest::default()
        })?;
        let reader = s.store.read()?;
        let mut choices = Vec::new();
        for hit in found.hits {
            // Shown as the results show it; put in the row as a name it resolves.
            if let Some(Body::Partner(p)) = reader.get(&hit.id)?.map(|r| r.body) {
                choices.push((hit.title, p.label().to_owned()));
            }
        }
        out.push((name, choices));
    }
    Ok(out)
}

/// The form shown again: a preview always shows, whatever is still wrong (an
/// unknown partner, a missing title), beside the problems; any problem makes
/// the answer a 422.
fn shown_again(
    mut view: RecordFormView,
    record: &Record,
    errors: forms::Errors,
    intent: Intent,
    unknown_partners: Vec<PartnerChoices>,
    who: &Viewer,
) -> Outcome {
    if intent == Intent::Preview {
        view.preview = forms::markdown_sections(record, who.lang);
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    view.unknown_partners = unknown_partners;
    view.errors = errors;
    Outcome::Again(status, Box::new(view))
}

/// The form again, with what the store refused (a problem no field check caught,
/// such as a name another record already has).
fn refused(mut view: RecordFormView, problems: &[model::FieldError], viewer: &Viewer) -> Outcome {
    view.general_error = Some(forms::problems_message(viewer.lang, problems));
    Outcome::Again(StatusCode::UNPROCESSABLE_ENTITY, Box::new(view))
}

/// The answer to a submitted form. The form shown again (with its preview) is
/// rendered off the async threads, like the page of a record.
async fn respond(outcome: Outcome, viewer: &Viewer) -> Result<Response, AppError> {
    match outcome {
        Outcome::Saved(url, flash) => Ok(super::flash::redirect(&url, flash)),
        Outcome::Again(status, view) => {
            let chrome = chrome(viewer);
            let page = tokio::task::spawn_blocking(move || view.render(&chrome).into_string())
                .await
                .map_err(|e| AppError::Internal(format!("rendering the form failed: {e}")))?;
            Ok((status, Html(page)).into_response())
        }
    }
}

async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(kind): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let kind = creatable(&viewer, &kind)?;
    let mut form = FormData::parse(&body);
    form.take_partner_choice();
    let who = viewer.clone();
    let outcome = state
        .blocking(move |s| {
            let mut view = blank_form(
                kind,
                heading_new(kind, &who),
                routes::new_record(kind.as_str()),
                &who,
            );
            let mut record = empty_record(kind);
            record.meta.owner = who.name().unwrap_or_default().to_owned();
            record.meta.status = Status::Draft;
            let intent = intent(&form);
            propose_partners(s, &who, &form, intent)?;
            let errors = forms::apply(&mut record, &form, &s.store.read()?, &who)?;
            if !errors.is_empty() || intent == Intent::Preview {
                view.values = form.values();
                view.partners = form.partner_rows();
                fill_completions(&mut view, s, &who)?;
                view.message = form.get("message").to_owned();
                let unknown = forms::unknown_partners(&form, &s.store.read()?, &who)?;
                let unknown = partner_choices(s, &who, unknown)?;
                return Ok(shown_again(view, &record, errors, intent, unknown, &who));
            }
            let saving = Saving {
                status: Some(wanted_status(intent, &who, Status::Draft)),
                message: form.get("message"),
                owner: None,
            };
            match s.ops(&who).create(record, &saving, |_, _| Ok(())) {
                Ok(saved) => Ok(Outcome::Saved(saved.url(), saved_flash(intent, &who))),
                Err(OpError::Store(StoreError::Invalid(problems))) => {
                    view.values = form.values();
                    view.partners = form.partner_rows();
                    Ok(refused(view, &problems, &who))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    respond(outcome, &viewer).await
}

/// The record at `/{kind}/{slug}` if the viewer may edit it.
pub(super) fn editable(
    state: &AppState,
    viewer: &Viewer,
    kind: &str,
    slug: &str,
    page: &str,
) -> Result<Record, AppError> {
    let reader = state.store.read()?;
    let (record, _) = find(&reader, viewer, kind, slug)?.ok_or(AppError::NotFound)?;
    require_login(viewer, routes::record_page(kind, slug, page))?;
    if !viewer.can_edit(&record) {
        return Err(AppError::Forbidden(
            t(viewer.lang, "edit.cannot_edit").into(),
        ));
    }
    Ok(record)
}

fn edit_view(record: &Record, viewer: &Viewer) -> RecordFormView {
    let kind = record.kind();
    blank_form(
        kind,
        tf(viewer.lang, "edit.heading", &[("title", &record.title())]),
        routes::record_page(kind.as_str(), &record.meta.slug, "edit"),
        viewer,
    )
}

async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let who = viewer.clone();
    let view = state
        .blocking(move |s| {
            let record = editable(s, &who, &kind, &slug, "edit")?;
            let mut view = edit_view(&record, &who);
            let (values, partners) = forms::values_of(&record, &s.store.read()?, &who)?;
            view.values = values;
            view.partners = partners;
            fill_completions(&mut view, s, &who)?;
            view.base_revision = record.meta.revision;
            view.attachments = Some(super::files::view(s, &s.store.read()?, &record, &who)?);
            Ok(view)
        })
        .await?;
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let mut form = FormData::parse(&body);
    form.take_partner_choice();
    let who = viewer.clone();
    let outcome = state
        .blocking(move |s| {
            let stored = editable(s, &who, &kind, &slug, "edit")?;
            let base: u64 = form
                .get("base_revision")
                .parse()
                .map_err(|_| AppError::BadRequest(t(who.lang, "edit.no_base").into()))?;
            let mut record = stored.clone();
            let intent = intent(&form);
            propose_partners(s, &who, &form, intent)?;
            let errors = forms::apply(&mut record, &form, &s.store.read()?, &who)?;
            let mut view = edit_view(&stored, &who);
            view.values = form.values();
            view.partners = form.partner_rows();
            fill_completions(&mut view, s, &who)?;
            view.message = form.get("message").to_owned();
            view.base_revision = base;
            view.attachments = Some(super::files::view(s, &s.store.read()?, &stored, &who)?);
            if !errors.is_empty() || intent == Intent::Preview {
                let unknown = forms::unknown_partners(&form, &s.store.read()?, &who)?;
                let unknown = partner_choices(s, &who, unknown)?;
                return Ok(shown_again(view, &record, errors, intent, unknown, &who));
            }
            let saving = Saving {
                status: Some(wanted_status(intent, &who, stored.meta.status)),
                message: form.get("message"),
                owner: None,
            };
            match s
                .ops(&who)
                .update(&stored, record, base, &saving, |_, _| Ok(()))
            {
                Ok(saved) => Ok(Outcome::Saved(saved.url(), saved_flash(intent, &who))),
                Err(OpError::Store(StoreError::Conflict { current })) => {
                    // Show what changed since the edit began; keep the user's text.
                    let reader = s.store.read()?;
                    view.conflict = Some(revision_diff(
                        &reader,
                        &stored.meta.id,
                        base,
                        current,
                        &who,
                    )?);
                    view.base_revision = current;
                    Ok(Outcome::Again(StatusCode::CONFLICT, Box::new(view)))
                }
                Err(OpError::Store(StoreError::Invalid(problems))) => {
                    Ok(refused(view, &problems, &who))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    respond(outcome, &viewer).await
}

/// Status changes: propose, publish, send back (with a comment), archive.
async fn change_status(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let who = viewer.clone();
    let (url, to_status) = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let (record, _) = find(&reader, &who, &kind, &slug)?.ok_or(AppError::NotFound)?;
            drop(reader);
            require_login(&who, record.url())?;
            let to = Status::parse(form.get("status")).ok_or_else(|| {
                AppError::BadRequest(tf(
                    who.lang,
                    "edit.unknown_status",
                    &[("status", &form.get("status"))],
                ))
            })?;
            let seen = form.get("revision").parse::<u64>().ok();
            let record = s
                .ops(&who)
                .change_status(record, to, seen, form.get("comment"))?;
            Ok((record.url(), to))
        })
        .await?;
    Ok(super::flash::redirect(&url, Flash::for_status(to_status)))
}

/// Restores an old revision's content as a new revision.
async fn restore(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let who = viewer.clone();
    let answer = state
        .blocking(move |s| {
            let stored = editable(s, &who, &kind, &slug, "history")?;
            let number: u64 = form
                .get("revision")
                .parse()
                .map_err(|_| AppError::BadRequest(t(who.lang, "edit.bad_revision").into()))?;
            let base: u64 = form.get("current").parse().unwrap_or(stored.meta.revision);
            let revisions = s.store.read()?.revisions(&stored.meta.id)?;
            if !revisions.iter().any(|r| r.number == number) {
                return Err(AppError::NotFound);
            }
            if !confirmed(&form) {
                let lang = who.lang;
                let (n, title) = (number, stored.title().to_owned());
                let names: [(&str, &dyn std::fmt::Display); 2] =
                    [("revision", &n), ("title", &title)];
                return Ok(Answer::Ask(Box::new(ConfirmView {
                    heading: tf(lang, "confirm.restore.heading", &names),
                    consequences: vec![
                        t(lang, "confirm.restore.current").into(),
                        t(lang, "confirm.restore.kept").into(),
                    ],
                    action: routes::record_page(&kind, &slug, "restore"),
                    fields: vec![
                        ("revision".into(), number.to_string()),
                        ("current".into(), base.to_string()),
                    ],
                    confirm: tf(lang, "confirm.restore.button", &names),
                    cancel: routes::record_page(&kind, &slug, "history"),
                    options: None,
                })));
            }
            let saved = s.ops(&who).restore(&stored, number, base)?;
            Ok(Answer::Done(saved.url(), Flash::Restored))
        })
        .await?;
    Ok(answer.respond(&viewer))
}

//! Linking knowledge: linking a resource to a partner from the partner's page,
//! merging duplicate partners, the thesaurus tree, and deleting a concept only
//! when nothing depends on it (or after moving what does to another concept).

use savoirs_templates::views::confirm::{ChoiceView, ConfirmView};

use super::confirm::{Answer, confirmed};
use super::flash::Flash;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use savoirs_templates::i18n::{t, tf};
use savoirs_templates::routes;
use savoirs_templates::views::RecordLink;
use savoirs_templates::views::thesaurus::{ConceptInUseView, ConceptNode, ThesaurusView};

use super::auth::{chrome, require_login};
use super::forms::FormData;
use super::records::find;
use super::{AppError, AppState, Routes, Viewer};
use crate::model::{self, Body, Kind, Record};
use crate::ops::names::Names;
use crate::ops::{ConceptDeletion, Linked};
use crate::store::Reader;

pub fn routes(r: &mut Routes) {
    r.post("/partner/{slug}/link", link_resource);
    r.post("/partner/{slug}/unlink", unlink_resource);
    r.post("/review/links/{id}/accept", accept_proposal);
    r.post("/review/links/{id}/refuse", refuse_proposal);
    r.post("/partner/{slug}/merge", merge);
    r.get(routes::THESAURUS, thesaurus);
    r.post("/concept/{slug}/delete", delete_concept);
}

fn link(r: &Record) -> RecordLink {
    RecordLink {
        kind: r.kind().as_str().to_owned(),
        title: r.title().to_owned(),
        url: r.url(),
    }
}

/// A document of `kind` that `who` may see, by id or exact title.
fn by_title(
    reader: &Reader,
    who: &Viewer,
    kind: Kind,
    text: &str,
) -> Result<Option<Record>, AppError> {
    let visible = |r: &Record| who.can_view(r) && r.kind() == kind;
    let names = Names::new(reader, &visible);
    Ok(match names.record(text, &[kind])? {
        Some(id) => names.get(&id)?,
        None => None,
    })
}

/// The record at `/{kind}/{slug}`, for someone logged in (anonymous readers are
/// sent to log in, then back to it).
fn for_account(reader: &Reader, who: &Viewer, kind: &str, slug: &str) -> Result<Record, AppError> {
    let (record, _) = find(reader, who, kind, slug)?.ok_or(AppError::NotFound)?;
    require_login(who, record.url())?;
    Ok(record)
}

/// The record at `/{kind}/{slug}`, for a change only editors may make; others
/// are refused with the message `refusal`.
fn for_editor(
    reader: &Reader,
    who: &Viewer,
    kind: &str,
    slug: &str,
    refusal: &str,
) -> Result<Record, AppError> {
    let record = for_account(reader, who, kind, slug)?;
    if !who.is_editor() {
        return Err(AppError::Forbidden(t(who.lang, refusal).into()));
    }
    Ok(record)
}

/// Adds the partner to a resource (or changes its role there).
async fn link_resource(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let who = viewer.clone();
    let answer = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let partner = for_account(&reader, &who, "partner", &slug)?;
            let title = form.get("resource").trim();
            let role = form.get("role");
            if !model::ROLES.contains(&role) {
                return Err(AppError::BadRequest(tf(
                    who.lang,
                    "links.unknown_role",
                    &[("role", &role)],
                )));
            }
            let Some(resource) = by_title(&reader, &who, Kind::Resource, title)? else {
                // Not a dead end: the resources the text may mean, the text to
                // correct, and a way to create the resource.
                return Ok(LinkAnswer::Choose(Box::new(resource_choices(
                    s, &who, &partner, title, role,
                )?)));
            };
            drop(reader);
            Ok(match s.ops(&who).link(&resource, &partner, role)? {
                // The page says which link was made, so that it can be undone.
                Linked::Made => LinkAnswer::Done(routes::search_like(
                    &partner.url(),
                    &[("linked", &resource.meta.id)],
                )),
                Linked::Proposed => LinkAnswer::Proposed(partner.url()),
            })
        })
        .await?;
    Ok(match answer {
        LinkAnswer::Done(url) => super::flash::redirect(&url, Flash::Linked),
        LinkAnswer::Proposed(url) => super::flash::redirect(&url, Flash::LinkProposed),
        LinkAnswer::Choose(view) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(view.render(&chrome(&viewer)).into_string()),
        )
            .into_response(),
    })
}

/// Takes a resource off the partner (the undoing of a link just made).
async fn unlink_resource(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let who = viewer.clone();
    let url = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let partner = for_account(&reader, &who, "partner", &slug)?;
            let resource = reader
                .get(form.get("resource"))?
                .filter(|r| who.can_view(r))
                .ok_or(AppError::NotFound)?;
            drop(reader);
            s.ops(&who).unlink(&resource, &partner)?;
            Ok(partner.url())
        })
        .await?;
    Ok(super::flash::redirect(&url, Flash::Unlinked))
}

enum LinkAnswer {
    Done(String),
    Proposed(String),
    Choose(Box<ChoiceView>),
}

/// An editor accepts a proposed link: it is made, in the editor's name.
async fn accept_proposal(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    decide(state, viewer, id, true).await
}

/// An editor refuses a proposed link: it is dropped.
async fn refuse_proposal(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    decide(state, viewer, id, false).await
}

async fn decide(
    state: AppState,
    viewer: Viewer,
    id: String,
    accept: bool,
) -> Result<Response, AppError> {
    require_login(&viewer, routes::REVIEW)?;
    let who = viewer.clone();
    state
        .blocking(move |s| Ok(s.ops(&who).decide_link(&id, accept)?))
        .await?;
    let said = if accept {
        Flash::Linked
    } else {
        Flash::LinkRefused
    };
    Ok(super::flash::redirect(routes::REVIEW, said))
}

/// The page offering the resources a title that matched none exactly may mean:
/// those the viewer may see whose words it shares, best first.
fn resource_choices(
    s: &AppState,
    who: &Viewer,
    partner: &Record,
    typed: &str,
    role: &str,
) -> Result<ChoiceView, AppError> {
    let (statuses, owner) = who.visibility();
    let found = s.index.search(&savoirs_index::SearchRequest {
        text: typed.to_owned(),
        kinds: vec![Kind::Resource.as_str().to_owned()],
        statuses,
        owner,
        limit: 8,
        ..savoirs_index::SearchRequest::default()
    })?;
    let lang = who.lang;
    let name = partner.title().to_owned();
    Ok(ChoiceView {
        heading: tf(lang, "links.choose_heading", &[("partner", &name)]),
        message: tf(lang, "links.no_resource", &[("title", &typed)]),
        action: routes::record_page("partner", &partner.meta.slug, "link"),
        field: "resource".into(),
        field_label: t(lang, "partner_tools.resource").into(),
        typed: typed.to_owned(),
        fields: vec![("role".into(), role.to_owned())],
        choices: found.hits.into_iter().map(|h| (h.title, h.id)).collect(),
        other: Some((
            t(lang, "partner_tools.new_resource").into(),
            routes::search_like(
                &routes::new_record("resource"),
                &[("partner", &name), ("role", role)],
            ),
        )),
        cancel: partner.url(),
    })
}

/// Merges this partner into another (editors): links move, the old address
/// redirects.
async fn merge(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let who = viewer.clone();
    let answer = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let partner = for_editor(&reader, &who, "partner", &slug, "links.merge_editors_only")?;
            let name = form.get("into").trim();
            let visible = |r: &Record| who.can_view(r);
            let into = Names::new(&reader, &visible)
                .partner(name)?
                .ok_or_else(|| {
                    AppError::BadRequest(tf(who.lang, "links.no_partner", &[("name", &name)]))
                })?;
            if into == partner.meta.id {
                return Err(AppError::BadRequest(t(who.lang, "links.merge_self").into()));
            }
            if !confirmed(&form) {
                let target = reader.get(&into)?.ok_or(AppError::NotFound)?;
                let (from, to) = (partner.title(), target.title());
                let names: [(&str, &dyn std::fmt::Display); 2] = [("from", &from), ("into", &to)];
                let lang = who.lang;
                return Ok(Answer::Ask(Box::new(ConfirmView {
                    heading: tf(lang, "confirm.merge.heading", &names),
                    consequences: [
                        "confirm.merge.links",
                        "confirm.merge.names",
                        "confirm.merge.address",
                    ]
                    .iter()
                    .map(|key| tf(lang, key, &names))
                    .collect(),
                    action: routes::record_page("partner", &partner.meta.slug, "merge"),
                    fields: vec![("into".into(), name.to_owned())],
                    confirm: t(lang, "confirm.merge.button").into(),
                    cancel: partner.url(),
                    options: Some((
                        tf(lang, "confirm.merge.keep", &names),
                        "keep".into(),
                        match &partner.body {
                            Body::Partner(p) => p.names().map(str::to_owned).collect(),
                            _ => Vec::new(),
                        },
                    )),
                })));
            }
            drop(reader);
            // Only the names the editor kept on the confirmation page.
            let kept = form.all("keep");
            let keep = |name: &str| kept.contains(&name);
            let survivor = s.ops(&who).merge_partners(&partner, &into, &keep)?;
            Ok(Answer::Done(survivor.url(), Flash::Merged))
        })
        .await?;
    Ok(answer.respond(&viewer))
}

async fn thesaurus(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let who = viewer.clone();
    let view = state
        .blocking(move |s| {
            let concepts = super::thesaurus::concepts(s, &who)?;
            let ids: Vec<&str> = concepts.iter().map(|r| r.meta.id.as_str()).collect();
            let parent = |r: &Record| match &r.body {
                Body::Concept(c) => c
                    .broader
                    .iter()
                    .find(|b| ids.contains(&b.as_str()))
                    .cloned(),
                _ => None,
            };
            fn node(
                r: &Record,
                all: &[Record],
                parent: &dyn Fn(&Record) -> Option<String>,
                depth: usize,
            ) -> ConceptNode {
                let also = match &r.body {
                    Body::Concept(c) => c
                        .all_labels(&r.meta.lang)
                        .into_iter()
                        .skip(1)
                        .map(|(_, l)| l.to_owned())
                        .collect(),
                    _ => Vec::new(),
                };
                let mut children: Vec<ConceptNode> = if depth < 16 {
                    all.iter()
                        .filter(|c| parent(c).as_deref() == Some(r.meta.id.as_str()))
                        .map(|c| node(c, all, parent, depth + 1))
                        .collect()
                } else {
                    Vec::new()
                };
                children.sort_by(|a, b| a.link.title.cmp(&b.link.title));
                ConceptNode {
                    link: link(r),
                    also,
                    children,
                }
            }
            let mut roots: Vec<ConceptNode> = concepts
                .iter()
                .filter(|r| parent(r).is_none())
                .map(|r| node(r, &concepts, &parent, 0))
                .collect();
            roots.sort_by(|a, b| a.link.title.cmp(&b.link.title));
            Ok(ThesaurusView {
                roots,
                can_add: who.can_create(Kind::Concept),
                can_import: who.is_editor(),
            })
        })
        .await?;
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

enum Deleted {
    Done,
    InUse(Box<ConceptInUseView>),
    Ask(Box<ConfirmView>),
}

/// Deletes a concept if no record and no narrower concept depends on it; with
/// `move_to`, first moves them to that concept.
async fn delete_concept(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let who = viewer.clone();
    let outcome = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let concept = for_editor(
                &reader,
                &who,
                "concept",
                &slug,
                "links.thesaurus_editors_only",
            )?;
            let Body::Concept(c) = &concept.body else {
                return Err(AppError::NotFound);
            };
            let uses = reader.concept_uses(c, &concept.meta.lang)?;
            let mut narrower = Vec::new();
            let mut related_from = Vec::new();
            for source in reader.backlinks(&concept.meta.id)? {
                if let Body::Concept(other) = &source.body {
                    if other.broader.contains(&concept.meta.id) {
                        narrower.push(source);
                    } else {
                        related_from.push(source);
                    }
                }
            }
            let move_to = form.get("move_to").trim().to_owned();
            let target = if move_to.is_empty() {
                None
            } else {
                let everything = |_: &Record| true;
                let id = Names::new(&reader, &everything)
                    .concept(&move_to)?
                    .filter(|id| *id != concept.meta.id);
                match id.and_then(|id| reader.get(&id).ok().flatten()) {
                    Some(t) => Some(t),
                    None => {
                        return Ok(Deleted::InUse(Box::new(in_use_view(
                            &reader,
                            &concept,
                            &uses,
                            &narrower,
                            Some(tf(
                                who.lang,
                                "links.no_other_concept",
                                &[("label", &move_to)],
                            )),
                        )?)));
                    }
                }
            };
            if target.is_none() && (!uses.is_empty() || !narrower.is_empty()) {
                return Ok(Deleted::InUse(Box::new(in_use_view(
                    &reader, &concept, &uses, &narrower, None,
                )?)));
            }
            drop(reader);
            if !confirmed(&form) {
                let lang = who.lang;
                let label = concept.title().to_owned();
                let mut consequences = vec![t(lang, "confirm.delete.gone").to_owned()];
                if let Some(target) = &target {
                    let name = target.title().to_owned();
                    consequences.push(tf(lang, "confirm.delete.moved", &[("target", &name)]));
                }
                return Ok(Deleted::Ask(Box::new(ConfirmView {
                    heading: tf(lang, "confirm.delete.heading", &[("label", &label)]),
                    consequences,
                    action: routes::record_page("concept", &concept.meta.slug, "delete"),
                    fields: vec![("move_to".into(), move_to.clone())],
                    confirm: t(lang, "confirm.delete.button").into(),
                    cancel: concept.url(),
                    options: None,
                })));
            }
            s.ops(&who).delete_concept(&ConceptDeletion {
                concept: &concept,
                target: target.as_ref(),
                uses: &uses,
                narrower: &narrower,
                related_from: &related_from,
            })?;
            Ok(Deleted::Done)
        })
        .await?;
    Ok(match outcome {
        Deleted::Done => {
            Answer::Done(routes::THESAURUS.into(), Flash::ConceptDeleted).respond(&viewer)
        }
        Deleted::Ask(view) => Answer::Ask(view).respond(&viewer),
        Deleted::InUse(view) => (
            StatusCode::CONFLICT,
            Html(view.render(&chrome(&viewer)).into_string()),
        )
            .into_response(),
    })
}

fn in_use_view(
    reader: &Reader,
    concept: &Record,
    uses: &[String],
    narrower: &[Record],
    error: Option<String>,
) -> Result<ConceptInUseView, AppError> {
    let mut links = Vec::new();
    for id in uses {
        if let Some(r) = reader.get(id)? {
            links.push(link(&r));
        }
    }
    let mut labels = Vec::new();
    for r in reader.all(Some(Kind::Concept))? {
        if r.meta.id != concept.meta.id {
            labels.push(r.title().to_owned());
        }
    }
    labels.sort();
    Ok(ConceptInUseView {
        title: concept.title().to_owned(),
        url: concept.url(),
        action: routes::record_page("concept", &concept.meta.slug, "delete"),
        uses: links,
        narrower: narrower.iter().map(link).collect(),
        concept_labels: labels,
        error,
    })
}

//! Record pages (`/action/…`, `/method/…`, `/resource/…`, `/partner/…`) and the
//! helpful 404 page.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use savoirs_index::SearchRequest;
use savoirs_templates::views::{DocumentView, LinkedPartner, NotFoundView, RecordLink, Section};

use super::{AppError, AppState};
use crate::model::{Body, Kind, Record, Status};
use crate::store::Reader;

pub fn router() -> Router<AppState> {
    Router::new().route("/{kind}/{slug}", get(record))
}

enum Found {
    Page(Box<DocumentView>),
    Moved(String),
}

async fn record(
    State(state): State<AppState>,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let missing = slug.clone();
    let Some(kind) = Kind::parse(&kind) else {
        return Ok(not_found_for(&state, &format!("{kind} {slug}")).await);
    };
    let found = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            // By slug (current or former), then by id; anything but the current
            // slug answers with a permanent redirect to it.
            let id = match reader.id_by_slug(kind, &slug)? {
                Some(id) => id,
                None => slug.clone(),
            };
            let Some(record) = reader.get(&id)? else {
                return Ok(None);
            };
            if record.kind() != kind || record.meta.status != Status::Published {
                return Ok(None);
            }
            if record.meta.slug != slug {
                return Ok(Some(Found::Moved(record.url())));
            }
            Ok(Some(Found::Page(Box::new(document_view(
                &record, &reader,
            )?))))
        })
        .await?;
    match found {
        Some(Found::Page(view)) => Ok(Html(view.render().into_string()).into_response()),
        // 301 rather than 308: this is a GET, and every client knows 301.
        Some(Found::Moved(url)) => {
            Ok((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, url)]).into_response())
        }
        None => Ok(not_found_for(&state, &missing).await),
    }
}

fn link(record: &Record) -> RecordLink {
    RecordLink {
        kind: record.kind().as_str().to_owned(),
        title: record.title().to_owned(),
        url: record.url(),
    }
}

fn section(heading: &str, markdown: &str) -> Section {
    Section {
        heading: heading.to_owned(),
        markdown: markdown.to_owned(),
    }
}

/// Builds a record's page from the store.
fn document_view(record: &Record, reader: &Reader) -> Result<DocumentView, AppError> {
    let mut partners = Vec::new();
    for link in record.partner_refs() {
        if let Some(p) = reader.get(&link.id)?
            && let Body::Partner(body) = &p.body
            && p.meta.status == Status::Published
        {
            partners.push(LinkedPartner {
                label: body.label().to_owned(),
                name: body.name.clone(),
                url: p.url(),
                role: link.role.clone(),
                description: body.description.clone(),
            });
        }
    }
    let mut related = Vec::new();
    for id in record.related() {
        if let Some(r) = reader
            .get(id)?
            .filter(|r| r.meta.status == Status::Published)
        {
            related.push(link(&r));
        }
    }
    let mut backlinks = Vec::new();
    for source in reader.backlinks(&record.meta.id)? {
        if source.meta.status != Status::Published {
            continue;
        }
        if let Some(l) = source
            .partner_refs()
            .iter()
            .find(|l| l.id == record.meta.id)
        {
            backlinks.push((link(&source), l.role.clone()));
        } else if record.kind() != Kind::Partner {
            related.push(link(&source));
        }
    }
    backlinks.sort_by(|a, b| a.0.title.cmp(&b.0.title));

    let mut view = DocumentView {
        kind: record.kind().as_str().to_owned(),
        title: record.title().to_owned(),
        lang: record.meta.lang.clone(),
        status: record.meta.status.as_str().to_owned(),
        archive: String::new(),
        period: None,
        facts: Vec::new(),
        link: None,
        partners,
        sections: Vec::new(),
        keywords: record.keywords().to_vec(),
        related,
        backlinks,
        revision: record.meta.revision,
        updated: record.meta.updated.format("%d/%m/%Y").to_string(),
        search_within: None,
    };
    match &record.body {
        Body::Action(a) => {
            view.archive = a.archive.clone();
            view.period = a.period.map(|p| (p.start.into(), p.end.into()));
            view.facts = vec![
                ("Référent".into(), a.referent.clone()),
                ("Pilote".into(), a.pilot.clone()),
                (
                    "Montant".into(),
                    a.amount
                        .as_ref()
                        .map(|m| savoirs_templates::format::amount(m.minor, &m.currency))
                        .unwrap_or_default(),
                ),
            ];
            view.sections = vec![
                section("Résumé", &a.summary),
                section("Synthèse", &a.synthesis),
                section(
                    "Inscription de l'action dans la stratégie d'ensemble",
                    &a.strategy,
                ),
                section("Historique", &a.history),
                section("Présentation", &a.presentation),
            ];
        }
        Body::Method(m) => {
            view.facts = vec![
                ("Auteurs".into(), m.authors.join(", ")),
                ("Source".into(), m.source.clone()),
                ("Date".into(), m.date.clone()),
            ];
            view.facts.retain(|(_, v)| !v.is_empty());
            view.sections = vec![section("Résumé", &m.summary), section("", &m.body)];
        }
        Body::Resource(r) => {
            if !r.resource_type.is_empty() {
                view.facts
                    .push(("Type".into(), resource_type_label(&r.resource_type).into()));
            }
            if !r.url.is_empty() {
                view.link = Some(("Adresse".into(), r.url.clone()));
            }
            view.sections = vec![section("Description", &r.description)];
        }
        Body::Partner(p) => {
            if !p.acronym.is_empty() {
                view.title = format!("{} ({})", p.name, p.acronym);
                view.facts.push(("Sigle".into(), p.acronym.clone()));
            }
            if !p.aliases.is_empty() {
                view.facts
                    .push(("Autres noms".into(), p.aliases.join(" ; ")));
            }
            if !p.partner_type.is_empty() {
                view.facts
                    .push(("Type".into(), partner_type_label(&p.partner_type).into()));
            }
            if !p.country.is_empty() {
                view.facts.push(("Pays".into(), p.country.clone()));
            }
            if !p.website.is_empty() {
                view.link = Some(("Site web".into(), p.website.clone()));
            }
            view.sections = vec![section("Présentation", &p.description)];
            view.search_within = Some(p.label().to_owned());
        }
    }
    Ok(view)
}

fn resource_type_label(t: &str) -> &str {
    match t {
        "tool" => "outil",
        "website" => "site web",
        "publication" => "publication",
        "training" => "formation",
        "file" => "fichier",
        other => other,
    }
}

fn partner_type_label(t: &str) -> &str {
    match t {
        "association" => "association",
        "network" => "réseau",
        "foundation" => "fondation",
        "company" => "entreprise",
        "public_body" => "organisme public",
        other => other,
    }
}

/// Fallback for every unknown path.
pub async fn not_found(State(state): State<AppState>, uri: Uri) -> Response {
    not_found_for(&state, uri.path()).await
}

/// A 404 page that offers a search built from the words of the missing address,
/// and the titles that match them best.
async fn not_found_for(state: &AppState, path: &str) -> Response {
    let words: String = path
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 2 && Kind::parse(w).is_none())
        .take(12)
        .collect::<Vec<_>>()
        .join(" ");
    let query = words.clone();
    let similar = state
        .blocking(move |s| {
            if query.is_empty() {
                return Ok(Vec::new());
            }
            let results = s.index.search(&SearchRequest {
                text: query,
                statuses: vec![Status::Published.as_str().to_owned()],
                limit: 5,
                ..SearchRequest::default()
            })?;
            Ok(results
                .hits
                .into_iter()
                .map(|h| RecordLink {
                    kind: h.kind,
                    title: h.title,
                    url: h.url,
                })
                .collect())
        })
        .await
        .unwrap_or_default();
    let view = NotFoundView { words, similar };
    (StatusCode::NOT_FOUND, Html(view.render().into_string())).into_response()
}

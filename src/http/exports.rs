//! Exports over HTTP: the CSV of action sheets, the JSON Lines dump and a record
//! as Markdown, built by the same writers as `savoirs export`. Each holds only what
//! the viewer may see: published records for anonymous readers, their own records
//! besides for contributors, everything for editors.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use savoirs_templates::routes;

use super::auth::TokenViewer;
use super::records::find;
use super::{AppError, AppState, Routes, Viewer};
use crate::export::{self, Format};

pub fn routes(r: &mut Routes) {
    r.get(routes::EXPORT_ACTIONS_CSV, actions_csv);
    r.get(routes::EXPORT_JSONL, records_jsonl);
    r.get("/{kind}/{slug}/markdown", markdown);
}

/// A download: its type, and a file name for the browser to save it under.
pub(super) fn download(content_type: &'static str, file_name: &str, body: Vec<u8>) -> Response {
    // File names come from slugs and constants (letters, digits, `-`, `.`); anything
    // else is dropped so the header cannot be broken.
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// Every record the viewer may see, written in `format`.
async fn visible(state: &AppState, viewer: Viewer, format: Format) -> Result<Vec<u8>, AppError> {
    state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let mut out = Vec::new();
            export::write_kept(&reader, format, &mut out, &|r| viewer.can_view(r))
                .map_err(|e| AppError::Internal(format!("export failed: {e}")))?;
            Ok(out)
        })
        .await
}

async fn actions_csv(
    State(state): State<AppState>,
    TokenViewer(viewer): TokenViewer,
) -> Result<Response, AppError> {
    let body = visible(&state, viewer, Format::Csv).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        "fiches-action.csv",
        body,
    ))
}

async fn records_jsonl(
    State(state): State<AppState>,
    TokenViewer(viewer): TokenViewer,
) -> Result<Response, AppError> {
    let body = visible(&state, viewer, Format::Jsonl).await?;
    Ok(download(
        "application/jsonl; charset=utf-8",
        "savoirs.jsonl",
        body,
    ))
}

enum Found {
    Text(String, String),
    Moved(String),
}

/// A record as a Markdown document to read: its title and sections as
/// headings, its partners and keywords in a short header. (`savoirs export
/// --format markdown` writes the form that imports back, every field in YAML
/// front matter.) A former slug or the id redirects to the current address.
async fn markdown(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let found = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            Ok(match find(&reader, &viewer, &kind, &slug)? {
                None => None,
                Some((record, true)) => Some(Found::Moved(routes::record_page(
                    record.kind().as_str(),
                    &record.meta.slug,
                    "markdown",
                ))),
                Some((record, false)) => {
                    let text = export::markdown_kept(&record, &reader, &|r| viewer.can_view(r))?;
                    Some(Found::Text(record.meta.slug.clone(), text))
                }
            })
        })
        .await?;
    match found {
        None => Err(AppError::NotFound),
        Some(Found::Moved(url)) => {
            Ok((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, url)]).into_response())
        }
        Some(Found::Text(slug, text)) => Ok(download(
            "text/markdown; charset=utf-8",
            &format!("{slug}.md"),
            text.into_bytes(),
        )),
    }
}

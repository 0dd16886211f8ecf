//! Revisions: a record's history, word-level differences between two revisions,
//! the site's recent changes, and the editors' review queue.

use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::response::Html;
use savoirs_index::SearchRequest;
use savoirs_templates::Lang;
use savoirs_templates::i18n::{t, tf};
use savoirs_templates::routes;
use savoirs_templates::views::form::fields_for;
use savoirs_templates::views::history::{
    ChangeRow, ChangesView, DiffOp, DiffView, FieldDiff, HistoryView, MyWorkView, ProposalRow,
    RevisionRow,
};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::auth::chrome;
use super::records::find;
use super::{AppError, AppState, Routes, Viewer};
use crate::model::{Body, Record, Status};
use crate::ops::SENT_BACK;
use crate::store::Reader;

pub fn routes(r: &mut Routes) {
    r.get("/{kind}/{slug}/history", history);
    r.get("/{kind}/{slug}/diff", diff);
    r.get(routes::CHANGES, changes);
    r.get(routes::REVIEW, review);
    r.get(routes::MY_WORK, my_work);
}

const CHANGES_SHOWN: usize = 50;
/// Time a comparison of two revisions may take before it settles for a coarser
/// answer. Word diffs of long texts grow with the product of their lengths.
const DIFF_BUDGET: Duration = Duration::from_millis(500);

fn time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

async fn history(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let who = viewer.clone();
    let view = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let (record, _) = find(&reader, &who, &kind, &slug)?.ok_or(AppError::NotFound)?;
            let rows = reader
                .revisions(&record.meta.id)?
                .into_iter()
                .map(|r| RevisionRow {
                    number: r.number,
                    author: r.author,
                    time: time(&r.time),
                    message: r.message,
                    status: r
                        .record
                        .get("status")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                })
                .collect();
            let (k, sl) = (record.kind().as_str(), record.meta.slug.as_str());
            Ok(HistoryView {
                title: record.title().to_owned(),
                record_url: record.url(),
                diff_url: routes::record_page(k, sl, "diff"),
                restore_url: who
                    .can_edit(&record)
                    .then(|| routes::record_page(k, sl, "restore")),
                current: record.meta.revision,
                rows,
            })
        })
        .await?;
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

#[derive(Deserialize)]
struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

async fn diff(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, slug)): Path<(String, String)>,
    Query(q): Query<DiffQuery>,
) -> Result<Html<String>, AppError> {
    let who = viewer.clone();
    let page = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let (record, _) = find(&reader, &who, &kind, &slug)?.ok_or(AppError::NotFound)?;
            let number = |v: Option<String>, default: u64| -> Result<u64, AppError> {
                match v.as_deref() {
                    None | Some("") => Ok(default),
                    Some(text) => text.parse().map_err(|_| {
                        AppError::BadRequest(tf(who.lang, "history.bad_number", &[("text", &text)]))
                    }),
                }
            };
            let current = record.meta.revision;
            let to = number(q.to, current)?;
            let from = number(q.from, to.saturating_sub(1).max(1))?;
            let diffs = revision_diff(&reader, &record.meta.id, from, to, &who)?;
            let view = DiffView {
                title: record.title().to_owned(),
                record_url: record.url(),
                history_url: routes::record_page(
                    record.kind().as_str(),
                    &record.meta.slug,
                    "history",
                ),
                from,
                to,
                diffs,
            };
            // Rendered here, off the async threads: two long revisions make a
            // long page.
            Ok(view.render(&chrome(&who)).into_string())
        })
        .await?;
    Ok(Html(page))
}

/// Word-level differences between two revisions of a record, field by field,
/// fields named in the viewer's language, linked records named only if the
/// viewer may see them.
pub fn revision_diff(
    reader: &Reader,
    id: &str,
    from: u64,
    to: u64,
    viewer: &Viewer,
) -> Result<Vec<FieldDiff>, AppError> {
    let lang = viewer.lang;
    let revisions = reader.revisions(id)?;
    let get = |n: u64| {
        revisions
            .iter()
            .find(|r| r.number == n)
            .map(|r| r.record.clone())
            .ok_or_else(|| AppError::BadRequest(tf(lang, "history.no_revision", &[("n", &n)])))
    };
    let (old, new) = (get(from)?, get(to)?);
    let kind = new
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut keys: Vec<&String> = new.keys().collect();
    for k in old.keys() {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    // One budget for the whole comparison: past it, each field's diff stops
    // looking for the smallest difference and ends at once (coarser, still
    // correct), so that the work stops well before the request's timeout.
    let deadline = Instant::now() + DIFF_BUDGET;
    let mut out = Vec::new();
    for key in keys {
        if matches!(
            key.as_str(),
            "kind" | "id" | "created" | "updated" | "revision" | "owner"
        ) {
            continue;
        }
        let before = field_text(reader, viewer, key, old.get(key))?;
        let after = field_text(reader, viewer, key, new.get(key))?;
        if before == after {
            continue;
        }
        out.push(FieldDiff {
            field: field_label(lang, &kind, key),
            segments: words_diff(&before, &after, deadline),
        });
    }
    Ok(out)
}

/// A field's value as text to compare: lists one item per line, partner links by
/// name and role, structures as compact JSON.
///
/// A diff may be shown to anyone who may see the record, so only published
/// partners are named; a link to any other partner is left out, as if it did not
/// exist (its name, or even its id, would give an unpublished partner away).
fn field_text(
    reader: &Reader,
    viewer: &Viewer,
    key: &str,
    value: Option<&Value>,
) -> Result<String, AppError> {
    Ok(match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if key == "partners" => {
            let mut lines = Vec::new();
            for item in items {
                let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
                let role = item.get("role").and_then(Value::as_str).unwrap_or_default();
                let name = match reader.get(id)? {
                    // A partner the viewer may not see is left out, name and
                    // link alike.
                    Some(partner) if !viewer.can_view(&partner) => continue,
                    Some(Record {
                        body: Body::Partner(p),
                        ..
                    }) => p.label().to_owned(),
                    Some(_) => continue,
                    None => id.to_owned(),
                };
                lines.push(format!("{name} ({role})"));
            }
            lines.join("\n")
        }
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join("\n"),
        Some(Value::Object(map)) => compact(map),
        Some(other) => other.to_string(),
    })
}

fn compact(map: &Map<String, Value>) -> String {
    map.iter()
        .map(|(k, v)| {
            format!(
                "{k}: {}",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn field_label(lang: Lang, kind: &str, key: &str) -> String {
    let form_key = if key == "partner_type" { "type" } else { key };
    if let Some(spec) = fields_for(kind).into_iter().find(|f| f.name == form_key) {
        return t(lang, spec.label).to_owned();
    }
    match key {
        "partners" => t(lang, "field.partners"),
        "status" => t(lang, "field.status"),
        "period" => t(lang, "field.period"),
        "amount" => t(lang, "field.amount"),
        "slug" => t(lang, "field.slug"),
        other => other,
    }
    .to_owned()
}

/// Word-by-word differences, consecutive words of the same kind merged. Past
/// `deadline` the diff is no longer minimal: what is left is shown as removed
/// and added whole.
fn words_diff(before: &str, after: &str, deadline: Instant) -> Vec<(DiffOp, String)> {
    let diff = similar::TextDiff::configure()
        .deadline(deadline)
        .diff_words(before, after);
    let mut out: Vec<(DiffOp, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            similar::ChangeTag::Equal => DiffOp::Same,
            similar::ChangeTag::Insert => DiffOp::Added,
            similar::ChangeTag::Delete => DiffOp::Removed,
        };
        match out.last_mut() {
            Some((last, text)) if *last == op => text.push_str(change.value()),
            _ => out.push((op, change.value().to_owned())),
        }
    }
    out
}

/// A line of a list of changes: the record and its latest revision.
fn change_row(record: &Record, last: crate::store::Revision) -> ChangeRow {
    ChangeRow {
        time: time(&last.time),
        author: last.author,
        message: last.message,
        kind: record.kind().as_str().to_owned(),
        title: record.title().to_owned(),
        url: record.url(),
        revision: last.number,
        status: record.meta.status.as_str().to_owned(),
    }
}

async fn changes(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    let who = viewer.clone();
    let view = state
        .blocking(move |s| {
            let reader = s.store.read()?;
            let mut rows = Vec::new();
            for id in reader.recently_changed(CHANGES_SHOWN * 3)? {
                let Some(record) = reader.get(&id)? else {
                    continue;
                };
                if !who.can_view(&record) {
                    continue;
                }
                let Some(last) = reader.revisions(&id)?.pop() else {
                    continue;
                };
                rows.push(change_row(&record, last));
                if rows.len() == CHANGES_SHOWN {
                    break;
                }
            }
            Ok(ChangesView {
                heading: t(who.lang, "changes.title").into(),
                intro: t(who.lang, "changes.intro").into(),
                rows,
                proposals: Vec::new(),
            })
        })
        .await?;
    let mut chrome = chrome(&viewer);
    chrome.head.feed = Some(super::feeds::changes_link(viewer.lang));
    Ok(Html(view.render(&chrome).into_string()))
}

/// Proposals waiting for an editor.
async fn review(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    if viewer.user.is_none() {
        return Err(AppError::LoginRequired(routes::REVIEW.into()));
    }
    if !viewer.is_editor() {
        return Err(AppError::Forbidden(
            t(viewer.lang, "review.editors_only").into(),
        ));
    }
    let lang = viewer.lang;
    let view = state
        .blocking(move |s| {
            let proposed = s.index.search(&SearchRequest {
                statuses: vec!["proposed".into()],
                sort: savoirs_index::Sort::Oldest,
                limit: 100,
                ..SearchRequest::default()
            })?;
            let reader = s.store.read()?;
            let mut rows = Vec::new();
            for hit in proposed.hits {
                let Some(record) = reader.get(&hit.id)? else {
                    continue;
                };
                let Some(last) = reader.revisions(&hit.id)?.pop() else {
                    continue;
                };
                rows.push(change_row(&record, last));
            }
            let mut proposals = Vec::new();
            for p in s.store.link_proposals()? {
                let (Some(resource), Some(partner)) =
                    (reader.get(&p.resource)?, reader.get(&p.partner)?)
                else {
                    continue;
                };
                proposals.push(ProposalRow {
                    resource: resource.title().to_owned(),
                    resource_url: resource.url(),
                    partner: partner.title().to_owned(),
                    partner_url: partner.url(),
                    role: p.role,
                    by: p.by,
                    time: time(&p.created),
                    accept_url: format!("/review/links/{}/accept", p.id),
                    refuse_url: format!("/review/links/{}/refuse", p.id),
                });
            }
            Ok(ChangesView {
                heading: t(lang, "review.title").into(),
                intro: t(lang, "review.intro").into(),
                rows,
                proposals,
            })
        })
        .await?;
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

/// Mon travail: the viewer's own records by status, those sent back to them
/// first, with the editor's comment.
async fn my_work(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    let Some(name) = viewer.name().map(str::to_owned) else {
        return Err(AppError::LoginRequired(routes::MY_WORK.into()));
    };
    let who = viewer.clone();
    let view = state
        .blocking(move |s| {
            // No status is visible as such: only the account's own records.
            let own = s.index.search(&SearchRequest {
                statuses: vec![String::new()],
                owner: Some(name.clone()),
                sort: savoirs_index::Sort::Newest,
                limit: MY_WORK_SHOWN,
                ..SearchRequest::default()
            })?;
            let reader = s.store.read()?;
            let mut view = MyWorkView::default();
            for hit in own.hits {
                let Some(record) = reader.get(&hit.id)? else {
                    continue;
                };
                let Some(last) = reader.revisions(&hit.id)?.pop() else {
                    continue;
                };
                // Sent back: moved to draft by someone else, with their message.
                let sent_back = record.meta.status == Status::Draft
                    && last.author != name
                    && last.message.starts_with(SENT_BACK);
                let row = change_row(&record, last);
                match record.meta.status {
                    Status::Draft if sent_back => view.sent_back.push(row),
                    Status::Draft => view.drafts.push(row),
                    Status::Proposed => view.proposed.push(row),
                    Status::Published | Status::Archived => view.published.push(row),
                }
            }
            for id in s.store.followed(&name)? {
                if let Some(r) = reader.get(&id)?.filter(|r| who.can_view(r)) {
                    view.followed.push(savoirs_templates::views::RecordLink {
                        kind: r.kind().as_str().to_owned(),
                        title: r.title().to_owned(),
                        url: r.url(),
                    });
                }
            }
            view.followed.sort_by(|a, b| a.title.cmp(&b.title));
            Ok(view)
        })
        .await?;
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

/// How many of one's own records "Mon travail" lists, newest first.
const MY_WORK_SHOWN: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diffs_merge_runs() {
        let later = Instant::now() + DIFF_BUDGET;
        let d = words_diff(
            "une carte du quartier",
            "une grande carte du quartier nord",
            later,
        );
        let added: Vec<&str> = d
            .iter()
            .filter(|(op, _)| *op == DiffOp::Added)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(
            added.concat().split_whitespace().collect::<Vec<_>>(),
            vec!["grande", "nord"]
        );
        assert!(d.iter().all(|(op, _)| *op != DiffOp::Removed));
    }

    #[test]
    fn a_long_diff_stops_at_its_deadline() {
        let words = |seed: u64| {
            let mut rng = fastrand::Rng::with_seed(seed);
            (0..150_000)
                .map(|_| format!("m{} ", rng.u32(..5_000)))
                .collect::<String>()
        };
        let (before, after) = (words(1), words(2));
        let start = Instant::now();
        let d = words_diff(&before, &after, start + Duration::from_millis(200));
        // Without the deadline this takes minutes; with it, the budget plus the
        // linear work of splitting and merging.
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        let rebuilt: String = d
            .iter()
            .filter(|(op, _)| *op != DiffOp::Removed)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(rebuilt, after, "the diff still rebuilds the new text");
    }
}

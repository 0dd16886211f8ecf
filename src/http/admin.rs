//! Account management, for admins: create accounts, change roles, suspend.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use savoirs_templates::i18n::{t, tf};
use savoirs_templates::routes;
use savoirs_templates::views::account::{AdminUsersView, UserRow};

use super::auth::chrome;
use super::forms::FormData;
use super::{AppError, AppState, Routes, Viewer};
use crate::ops::OpError;
use crate::store::StoreError;
use crate::store::users::Role;

pub fn routes(r: &mut Routes) {
    r.get(routes::ADMIN_BACKUP, backup);
    r.get(routes::ADMIN_USERS, users);
    r.post(routes::ADMIN_USERS, create_user);
    r.post("/admin/users/{name}", update_user);
}

pub(super) fn require_admin(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.user.is_none() {
        return Err(AppError::LoginRequired(routes::ADMIN_USERS.into()));
    }
    if !viewer.is_admin() {
        return Err(AppError::Forbidden(
            t(viewer.lang, "admin.admins_only").into(),
        ));
    }
    Ok(())
}

fn view(state: &AppState, viewer: &Viewer) -> Result<AdminUsersView, AppError> {
    let users = state
        .store
        .users()?
        .into_iter()
        .map(|u| UserRow {
            name: u.name,
            role: u.role.as_str().to_owned(),
            suspended: u.suspended,
            created: u.created.format("%d/%m/%Y").to_string(),
        })
        .collect();
    Ok(AdminUsersView {
        users,
        new_name: String::new(),
        new_role: "contributor".into(),
        message: None,
        error: None,
        me: viewer.name().unwrap_or_default().to_owned(),
    })
}

/// A consistent snapshot of the running server, to download (admins). Writes go on
/// meanwhile; the snapshot is what one read transaction saw.
async fn backup(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    if viewer.user.is_none() {
        return Err(AppError::LoginRequired(routes::ADMIN_BACKUP.into()));
    }
    if !viewer.is_admin() {
        return Err(AppError::Forbidden(
            t(viewer.lang, "admin.backup_admins_only").into(),
        ));
    }
    let (header, bytes) = state
        .blocking(|s| {
            let mut bytes = Vec::new();
            let header = s.store.backup(&mut bytes)?;
            Ok((header, bytes))
        })
        .await?;
    let name = format!(
        "savoirs-{}.backup.jsonl",
        header
            .created
            .get(..19)
            .unwrap_or("snapshot")
            .replace(':', "-")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

async fn users(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    require_admin(&viewer)?;
    let who = viewer.clone();
    let v = state.blocking(move |s| view(s, &who)).await?;
    Ok(Html(v.render(&chrome(&viewer)).into_string()))
}

async fn create_user(
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Result<Response, AppError> {
    require_admin(&viewer)?;
    let form = FormData::parse(&body);
    let who = viewer.clone();
    let result = state
        .blocking(move |s| {
            let name = form.get("name").trim().to_owned();
            let role = Role::parse(form.get("role"));
            let outcome = match role {
                None => Err(tf(
                    who.lang,
                    "links.unknown_role",
                    &[("role", &form.get("role"))],
                )),
                Some(role) => match s.ops(&who).add_user(&name, role, form.get("password")) {
                    Ok(_) => Ok(()),
                    Err(OpError::Store(StoreError::Invalid(problems))) => Err(problems
                        .iter()
                        .map(|p| match p.field.as_str() {
                            "password" => t(who.lang, "admin.password_short").to_owned(),
                            "name" if p.message.contains("already") => {
                                tf(who.lang, "admin.account_exists", &[("name", &name)])
                            }
                            _ => t(who.lang, "admin.bad_name").to_owned(),
                        })
                        .collect::<Vec<_>>()
                        .join(" ")),
                    Err(e) => return Err(e.into()),
                },
            };
            let mut v = view(s, &who)?;
            match outcome {
                Ok(()) => v.message = Some(tf(who.lang, "admin.created", &[("name", &name)])),
                Err(e) => {
                    v.error = Some(e);
                    v.new_name = name;
                    v.new_role = form.get("role").to_owned();
                    return Ok((StatusCode::UNPROCESSABLE_ENTITY, v));
                }
            }
            Ok((StatusCode::OK, v))
        })
        .await?;
    let (status, v) = result;
    Ok((status, Html(v.render(&chrome(&viewer)).into_string())).into_response())
}

async fn update_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    require_admin(&viewer)?;
    let form = FormData::parse(&body);
    let role = Role::parse(form.get("role")).ok_or_else(|| {
        AppError::BadRequest(tf(
            viewer.lang,
            "links.unknown_role",
            &[("role", &form.get("role"))],
        ))
    })?;
    let suspended = form.get("suspended") == "true";
    let who = viewer.clone();
    state
        .blocking(move |s| {
            s.ops(&who).update_user(&name, role, suspended)?;
            Ok(())
        })
        .await?;
    Ok(super::flash::redirect(
        routes::ADMIN_USERS,
        super::flash::Flash::AccountSaved,
    ))
}

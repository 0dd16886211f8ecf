//! Password-reset links: an administrator makes one for an account (from the
//! accounts page), passes it on, and its holder chooses a new password on the
//! page it opens, once. See [`crate::store::resets`].

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use savoirs_templates::i18n::t;
use savoirs_templates::routes;
use savoirs_templates::views::account::{ForgotView, ResetLinkView, ResetView};

use super::auth::chrome;
use super::flash::{self, Flash};
use super::forms::{self, FormData};
use super::public::Site;
use super::{AppError, AppState, Routes, Viewer};
use crate::ops::OpError;
use crate::store::StoreError;

pub fn routes(r: &mut Routes) {
    r.post("/admin/users/{name}/reset", make_link);
    r.get("/reset/{secret}", form);
    r.get(routes::FORGOT, forgot_form);
    r.post(routes::FORGOT, forgot);
    r.post("/reset/{secret}", set_password);
}

/// Makes a link for the account and shows it, once (administrators).
async fn make_link(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
) -> Result<Html<String>, AppError> {
    super::admin::require_admin(&viewer)?;
    let (who, account) = (viewer.clone(), name.clone());
    let (secret, expires) = state
        .blocking(move |s| Ok(s.ops(&who).create_reset(&account)?))
        .await?;
    let view = ResetLinkView {
        link: format!("{}/reset/{secret}", viewer.address.origin),
        name,
        expires: expires.format("%d/%m/%Y %H:%M UTC").to_string(),
    };
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

fn page(viewer: &Viewer, secret: &str, name: &str, error: Option<String>) -> String {
    ResetView {
        action: format!("/reset/{secret}"),
        name: name.to_owned(),
        error,
    }
    .render(&chrome(viewer))
    .into_string()
}

async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(secret): Path<String>,
) -> Result<Html<String>, AppError> {
    let lookup = secret.clone();
    let user = state
        .blocking(move |s| Ok(s.store.reset_user(&lookup)?))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Html(page(&viewer, &secret, &user.name, None)))
}

async fn set_password(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(secret): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let password = form.get("password").to_owned();
    let lookup = secret.clone();
    let user = state
        .blocking(move |s| Ok(s.store.reset_user(&lookup)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let again = |error: String| {
        let html = page(&viewer, &secret, &user.name, Some(error));
        Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
    };
    if password != form.get("again") {
        return again(t(viewer.lang, "setup.mismatch").into());
    }
    let (used, who) = (secret.clone(), viewer.clone());
    let result = state
        .blocking(move |s| match s.ops(&who).use_reset(&used, &password) {
            Ok(user) => Ok(Ok(user)),
            Err(OpError::Store(StoreError::Invalid(problems))) => Ok(Err(problems)),
            Err(e) => Err(e.into()),
        })
        .await?;
    match result {
        Ok(Some(_)) => Ok(flash::redirect(routes::LOGIN, Flash::PasswordChanged)),
        Ok(None) => Err(AppError::NotFound),
        Err(problems) => again(forms::problems_message(viewer.lang, &problems)),
    }
}

async fn forgot_form(State(state): State<AppState>, viewer: Viewer) -> Html<String> {
    let view = ForgotView {
        who: String::new(),
        message: None,
        mail_enabled: state.mailer.is_some(),
    };
    Html(view.render(&chrome(&viewer)).into_string())
}

/// Mails a reset link to the account named, if it has an address; answers the
/// same whether it does or not, and as slowly as a failed login when asked too
/// often, so that the page tells nobody who has an account.
async fn forgot(
    State(state): State<AppState>,
    viewer: Viewer,
    site: Site,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let who = form.get("who").trim().to_owned();
    let mut view = ForgotView {
        who: who.clone(),
        message: None,
        mail_enabled: state.mailer.is_some(),
    };
    // Counted as a failed attempt whatever happens: asking is limited like
    // guessing a password.
    if let Err(wait) = state.throttle.begin(&who.to_lowercase(), site.client) {
        view.message = Some(super::auth::throttled(viewer.lang, wait));
        let html = view.render(&chrome(&viewer)).into_string();
        return Ok((StatusCode::TOO_MANY_REQUESTS, Html(html)).into_response());
    }
    let asker = viewer.clone();
    state
        .blocking(move |s| Ok(s.ops(&asker).request_reset(&who)?))
        .await?;
    view.message = Some(t(viewer.lang, "forgot.sent").into());
    view.who = String::new();
    Ok(Html(view.render(&chrome(&viewer)).into_string()).into_response())
}

//! Sessions and accounts over HTTP: the [`Viewer`] extractor, logging in and out,
//! changing one's password. Logins go through the throttle of
//! [`super::throttle`].

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use savoirs_templates::i18n::{t, tf};
use savoirs_templates::views::account::{AccountView, LoginView, TokenRow};
use savoirs_templates::{Chrome, HeadLinks, UserBadge, routes};
use serde::Deserialize;

use super::access::Viewer;
use super::public::Site;
use super::{AppError, AppState, Routes};
use crate::ops::{OpError, PasswordChange, Refusal};
use crate::store::StoreError;
use crate::store::users::MailEvery;
use crate::store::users::{MAX_NAME_BYTES, MAX_NAME_CHARS, MAX_PASSWORD};

pub const COOKIE: &str = "savoirs_session";

pub fn routes(r: &mut Routes) {
    r.get(routes::LOGIN, login_form);
    r.post_small(routes::LOGIN, login, LOGIN_BODY);
    r.post(routes::LOGOUT, logout);
    r.get(routes::ACCOUNT, account);
    r.post(routes::ACCOUNT_PASSWORD, change_password);
    r.post(routes::ACCOUNT_TOKENS, create_token);
    r.post(routes::ACCOUNT_MAIL, set_mail);
    r.post(routes::ACCOUNT_TOKEN_REVOKE, revoke_token);
}

/// The value of the request's cookie `name`, if it sent one.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, COOKIE)
}

/// The token of an `Authorization: Bearer …` header, if there is one.
fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// What every viewer carries before anyone is known: the interface language,
/// the address asked for, and the site's public address.
fn base_viewer(parts: &Parts) -> Viewer {
    // The language middleware has chosen; without it (a router built
    // otherwise), choose here.
    let lang = match parts.extensions.get::<savoirs_templates::Lang>() {
        Some(lang) => *lang,
        None => super::lang::negotiate(&parts.headers),
    };
    Viewer {
        lang,
        here: here(parts),
        address: super::public::Address::of(parts),
        flash: super::flash::pending(&parts.headers),
        ..Viewer::default()
    }
}

/// The person behind the session cookie, if any. API tokens count for nothing
/// here: see [`TokenViewer`].
impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let mut viewer = base_viewer(parts);
        let Some(token) = session_token(&parts.headers) else {
            return Ok(viewer);
        };
        let lookup = token.clone();
        viewer.user = state
            .blocking(move |s| Ok(s.store.session_user(&lookup)?))
            .await?;
        viewer.token = viewer.user.as_ref().map(|_| token);
        if let Some(user) = &viewer.user {
            super::lang::remember_user(UserBadge {
                name: user.name.clone(),
                role: user.role.as_str().to_owned(),
            });
        }
        if let Some(user) = &viewer.user {
            viewer.notifications = state.store.unread_notifications(&user.name).ok();
        }
        if viewer.is_editor() {
            // One count of a status term in the index: cheap enough for every page.
            let links = state.store.link_proposals().map_or(0, |p| p.len() as u64);
            viewer.review_queue = state.index.count_status("proposed").ok().map(|n| n + links);
        }
        Ok(viewer)
    }
}

/// The caller of a route that scripts use (the API, the exports): a script's API
/// token (`Authorization: Bearer …`), else the session. Only those routes take
/// it, so a leaked token can neither manage the account (make new tokens) nor
/// reach admin pages. A wrong token is an error, not an anonymous request: a
/// script whose token was revoked should hear so, not see less.
pub struct TokenViewer(pub Viewer);

impl FromRequestParts<AppState> for TokenViewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Some(secret) = bearer_token(&parts.headers) else {
            return Ok(TokenViewer(Viewer::from_request_parts(parts, state).await?));
        };
        let user = state
            .blocking(move |s| Ok(s.store.token_user(&secret)?))
            .await?
            .ok_or(AppError::BadToken)?;
        Ok(TokenViewer(Viewer {
            user: Some(user),
            ..base_viewer(parts)
        }))
    }
}

fn here(parts: &Parts) -> String {
    here_of(&parts.method, &parts.uri, &parts.headers)
}

/// The page a language switch should come back to: the one asked for, or for a
/// form's answer (a POST, which a link cannot repeat) the page the form was on.
pub(super) fn here_of(
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
) -> String {
    let asked = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    if matches!(*method, axum::http::Method::GET | axum::http::Method::HEAD) {
        return asked;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|r| r.to_str().ok());
    match (host, referer) {
        (Some(host), Some(referer)) => referer
            .strip_prefix("http://")
            .or_else(|| referer.strip_prefix("https://"))
            .and_then(|rest| rest.strip_prefix(host))
            .filter(|path| path.starts_with('/'))
            .map_or(asked, str::to_owned),
        _ => asked,
    }
}

/// The header's view of the viewer.
pub fn chrome(viewer: &Viewer) -> Chrome {
    Chrome {
        user: viewer.user.as_ref().map(|u| UserBadge {
            name: u.name.clone(),
            role: u.role.as_str().to_owned(),
        }),
        lang: viewer.lang,
        here: viewer.here.clone(),
        flash: viewer.flash,
        review_queue: viewer.review_queue,
        notifications: viewer.notifications,
        head: HeadLinks {
            origin: viewer.address.origin.clone(),
            canonical: viewer.address.path.clone(),
            ..HeadLinks::default()
        },
    }
}

/// `Secure` only when the client reached us over HTTPS (through a trusted proxy
/// that says so): a Secure cookie on plain HTTP would never come back.
fn cookie(value: &str, max_age: i64, site: &Site) -> HeaderValue {
    let secure = if site.https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("savoirs_session=; Path=/; Max-Age=0"))
}

/// A local path to go back to after logging in (or switching language);
/// anything else goes home.
pub(super) fn safe_next(next: &str) -> &str {
    // Browsers drop tabs and line breaks from addresses, so `/\t/evil.example`
    // would become `//evil.example`: no control character or space at all.
    let plain = next.bytes().all(|b| b > 0x20 && b != 0x7f);
    if plain && next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        routes::HOME
    }
}

#[derive(Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn login_form(viewer: Viewer, Query(q): Query<NextQuery>) -> Html<String> {
    let view = LoginView {
        name: String::new(),
        next: safe_next(&q.next).to_owned(),
        error: None,
    };
    Html(view.render(&chrome(&viewer)).into_string())
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// What a person told to wait reads: the wait in whole minutes, at least one.
pub(super) fn throttled(lang: savoirs_templates::Lang, wait: std::time::Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    tf(lang, "auth.throttled", &[("minutes", &minutes)])
}

/// The login form's fields are short: a larger body is refused before it is
/// read, so that a flood of logins cannot fill memory with made-up names.
pub const LOGIN_BODY: usize = 16 * 1024;

async fn login(
    State(state): State<AppState>,
    viewer: Viewer,
    site: Site,
    axum::Form(form): axum::Form<LoginForm>,
) -> Result<Response, AppError> {
    let name = form.name.trim().to_owned();
    let again = |status: StatusCode, error: &str| {
        let view = LoginView {
            name: name.chars().take(MAX_NAME_CHARS).collect(),
            next: safe_next(&form.next).to_owned(),
            error: Some(error.to_owned()),
        };
        (status, Html(view.render(&chrome(&viewer)).into_string())).into_response()
    };
    let bad_login = || again(StatusCode::UNAUTHORIZED, t(viewer.lang, "auth.bad_login"));
    // No account has such a name or password: no need to look or to hash.
    if name.len() > MAX_NAME_BYTES || form.password.len() > MAX_PASSWORD {
        return Ok(bad_login());
    }
    let attempt = match state.throttle.begin(&name, site.client) {
        Ok(attempt) => attempt,
        Err(wait) => {
            let mut response = again(StatusCode::TOO_MANY_REQUESTS, &throttled(viewer.lang, wait));
            if let Ok(value) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Ok(response);
        }
    };
    let user = {
        let _turn = state.throttle.check_turn().await;
        let (check, password) = (name.clone(), form.password.clone());
        state
            .blocking(move |s| Ok(s.store.authenticate(&check, &password)?))
            .await?
    };
    let Some(user) = user else {
        return Ok(bad_login());
    };
    state.throttle.succeeded(attempt);
    // A fresh session id at every login: a token planted before login is useless.
    let old = viewer.token.clone();
    let token = state
        .blocking(move |s| {
            let nobody = Viewer::default();
            Ok(s.ops(&nobody).open_session(&user, old.as_deref())?)
        })
        .await?;
    let max_age = crate::store::users::SESSION_DAYS * 24 * 3600;
    let mut response = Redirect::to(safe_next(&form.next)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie(&token, max_age, &site));
    Ok(response)
}

async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    site: Site,
) -> Result<Response, AppError> {
    if let Some(token) = viewer.token.clone() {
        state
            .blocking(move |s| Ok(s.ops(&viewer).close_session(&token)?))
            .await?;
    }
    let mut response = Redirect::to(routes::HOME).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie("", 0, &site));
    Ok(response)
}

/// Pages that need an account send anonymous readers to log in, then back to
/// `path`.
pub fn require_login(viewer: &Viewer, path: impl Into<String>) -> Result<(), AppError> {
    match viewer.user {
        Some(_) => Ok(()),
        None => Err(AppError::LoginRequired(path.into())),
    }
}

async fn account(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    require_login(&viewer, routes::ACCOUNT)?;
    let view = account_view(&state, &viewer, None, None).await?;
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

async fn account_view(
    state: &AppState,
    viewer: &Viewer,
    message: Option<String>,
    error: Option<String>,
) -> Result<AccountView, AppError> {
    let name = viewer.name().unwrap_or_default().to_owned();
    let tokens = state.blocking(move |s| Ok(s.store.tokens(&name)?)).await?;
    Ok(AccountView {
        name: viewer.name().unwrap_or_default().to_owned(),
        role: viewer
            .role()
            .map(|r| r.as_str())
            .unwrap_or_default()
            .to_owned(),
        message,
        error,
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                label: t.label,
                created: t.created.format("%Y-%m-%d %H:%M").to_string(),
            })
            .collect(),
        new_token: None,
        email: viewer
            .user
            .as_ref()
            .map(|u| u.email.clone())
            .unwrap_or_default(),
        mail: viewer
            .user
            .as_ref()
            .map_or("now", |u| u.mail.as_str())
            .to_owned(),
        mail_enabled: state.mailer.is_some(),
    })
}

/// Where and how often notifications are mailed.
async fn set_mail(
    State(state): State<AppState>,
    viewer: Viewer,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    require_login(&viewer, routes::ACCOUNT)?;
    let form = super::forms::FormData::parse(&body);
    let email = form.get("email").to_owned();
    let every = MailEvery::parse(form.get("mail")).unwrap_or_default();
    let who = viewer.clone();
    let typed = email.clone();
    let saved = state
        .blocking(move |s| match s.ops(&who).set_mail(&typed, every) {
            Ok(_) => Ok(true),
            Err(OpError::Refused(Refusal::BadEmail)) => Ok(false),
            Err(e) => Err(e.into()),
        })
        .await?;
    if !saved {
        let error = t(viewer.lang, "account.bad_email").to_owned();
        let mut view = account_view(&state, &viewer, None, Some(error)).await?;
        view.email = email;
        view.mail = every.as_str().to_owned();
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(view.render(&chrome(&viewer)).into_string()),
        )
            .into_response());
    }
    Ok(super::flash::redirect(
        &format!("{}#courriel", routes::ACCOUNT),
        super::flash::Flash::MailSaved,
    ))
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    label: String,
}

/// Creates an API token and shows it, once: only its hash is kept.
async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<TokenForm>,
) -> Result<Response, AppError> {
    require_login(&viewer, routes::ACCOUNT)?;
    let label = form.label.clone();
    let who = viewer.clone();
    let created = state
        .blocking(move |s| match s.ops(&who).create_token(&label) {
            Ok(secret) => Ok(Ok(secret)),
            Err(OpError::Store(StoreError::Invalid(errors))) => Ok(Err(errors)),
            Err(e) => Err(e.into()),
        })
        .await?;
    let (status, view) = match created {
        Ok(secret) => {
            let mut view = account_view(
                &state,
                &viewer,
                Some(t(viewer.lang, "tokens.created").into()),
                None,
            )
            .await?;
            view.new_token = Some(secret);
            (StatusCode::OK, view)
        }
        Err(errors) => {
            let error = if errors.iter().any(|e| e.field == "tokens") {
                tf(
                    viewer.lang,
                    "tokens.too_many",
                    &[("max", &crate::store::tokens::MAX_PER_USER)],
                )
            } else {
                tf(
                    viewer.lang,
                    "tokens.bad_label",
                    &[("max", &crate::store::tokens::MAX_LABEL)],
                )
            };
            let view = account_view(&state, &viewer, None, Some(error)).await?;
            (StatusCode::UNPROCESSABLE_ENTITY, view)
        }
    };
    // The page shows a secret once: it must not stay in any cache.
    Ok((
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Html(view.render(&chrome(&viewer)).into_string()),
    )
        .into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, AppError> {
    require_login(&viewer, routes::ACCOUNT)?;
    let who = viewer.clone();
    state
        .blocking(move |s| Ok(s.ops(&who).revoke_token(&id)?))
        .await?;
    Ok(super::flash::redirect(
        routes::ACCOUNT,
        super::flash::Flash::TokenRevoked,
    ))
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    site: Site,
    axum::Form(form): axum::Form<PasswordForm>,
) -> Result<Response, AppError> {
    require_login(&viewer, routes::ACCOUNT)?;
    let fail = async |error: &str| -> Result<Response, AppError> {
        let view = account_view(&state, &viewer, None, Some(error.to_owned())).await?;
        Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(view.render(&chrome(&viewer)).into_string()),
        )
            .into_response())
    };
    if form.new != form.confirm {
        return fail(t(viewer.lang, "auth.passwords_differ")).await;
    }
    if form.new.len() > MAX_PASSWORD || form.current.len() > MAX_PASSWORD {
        let message = tf(viewer.lang, "auth.password_long", &[("max", &MAX_PASSWORD)]);
        return fail(&message).await;
    }
    let name = viewer.name().unwrap_or_default().to_owned();
    let lang = viewer.lang;
    // Guessing the current password through a stolen session is throttled
    // like guessing it at the login form.
    let attempt = match state.throttle.begin(&name, site.client) {
        Ok(attempt) => attempt,
        Err(wait) => {
            let message = throttled(lang, wait);
            return fail(&message).await;
        }
    };
    let turn = state.throttle.check_turn().await;
    let who = viewer.clone();
    let result = state
        .clone()
        .blocking(move |s| {
            let changed = s.ops(&who).change_password(&form.current, &form.new)?;
            if changed != PasswordChange::WrongPassword {
                s.throttle.succeeded(attempt);
            }
            Ok(match changed {
                PasswordChange::Changed => Ok(()),
                PasswordChange::WrongPassword => Err(t(lang, "auth.wrong_password")),
                PasswordChange::Refused => Err(t(lang, "auth.password_short")),
            })
        })
        .await?;
    drop(turn);
    match result {
        Err(message) => fail(message).await,
        // Every session, this one included, has ended: log in again.
        Ok(()) => Ok(super::flash::redirect(
            routes::LOGIN,
            super::flash::Flash::PasswordChanged,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next("/action/x"), "/action/x");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil"), "/");
        assert_eq!(safe_next("/\t/evil.example"), "/");
        assert_eq!(safe_next("/\r\n/evil.example"), "/");
        assert_eq!(safe_next("/ /evil.example"), "/");
    }
}

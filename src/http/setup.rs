//! A new base's first administrator. When the store has no account, the server
//! makes a secret address at start-up and prints it; whoever can read the
//! server's output opens it and creates the administrator, who then creates
//! the other accounts. Once an account exists the address answers 404, like any
//! address that does not exist, and a restart makes none.

use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use savoirs_templates::i18n::t;
use savoirs_templates::routes;
use savoirs_templates::views::account::SetupView;

use super::auth::chrome;
use super::flash::{self, Flash};
use super::forms::{self, FormData};
use super::{AppError, AppState, Routes, Viewer};
use crate::ops::OpError;
use crate::store::{Store, StoreError};

pub fn routes(r: &mut Routes) {
    r.get("/setup/{secret}", form);
    r.post("/setup/{secret}", create);
}

/// The one-time secret of the setup address, while no account exists.
#[derive(Debug, Default)]
pub struct Setup {
    secret: Mutex<Option<String>>,
}

impl Setup {
    /// A secret if the store has no account yet, else none.
    pub fn for_store(store: &Store) -> Result<Setup, StoreError> {
        let secret = (store.user_count()? == 0).then(|| {
            let mut bytes = [0u8; 24];
            getrandom::fill(&mut bytes).expect("the operating system's random source failed");
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        });
        Ok(Setup {
            secret: Mutex::new(secret),
        })
    }

    /// The setup page's path, while it is open.
    pub fn path(&self) -> Option<String> {
        self.lock().as_ref().map(|s| format!("/setup/{s}"))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.secret.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn opens(&self, given: &str) -> bool {
        self.lock().as_deref().is_some_and(|secret| {
            // Compared in full whatever the first difference, so that timing
            // tells nothing of the secret.
            secret.len() == given.len()
                && secret
                    .bytes()
                    .zip(given.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        })
    }
}

fn page(viewer: &Viewer, secret: &str, name: &str, error: Option<String>) -> String {
    SetupView {
        action: format!("/setup/{secret}"),
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
    if !state.setup.opens(&secret) {
        return Err(AppError::NotFound);
    }
    Ok(Html(page(&viewer, &secret, "", None)))
}

async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(secret): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    if !state.setup.opens(&secret) {
        return Err(AppError::NotFound);
    }
    let form = FormData::parse(&body);
    let name = form.get("name").trim().to_owned();
    let password = form.get("password").to_owned();
    let again = |error: String| {
        let html = page(&viewer, &secret, &name, Some(error));
        Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
    };
    if password != form.get("again") {
        return again(t(viewer.lang, "setup.mismatch").into());
    }
    let (who, setup) = (name.clone(), state.setup.clone());
    let created = state
        .blocking(move |s| {
            // Checked again under the lock: two people on the page at once make
            // one administrator.
            let mut secret = setup.lock();
            if secret.is_none() {
                return Ok(None);
            }
            match s.ops(&Viewer::default()).add_first_admin(&who, &password) {
                Ok(None) => {
                    *secret = None;
                    Ok(None)
                }
                Ok(Some(_)) => {
                    *secret = None;
                    Ok(Some(Ok(())))
                }
                Err(OpError::Store(StoreError::Invalid(problems))) => Ok(Some(Err(problems))),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match created {
        None => Err(AppError::NotFound),
        Some(Ok(())) => Ok(flash::redirect(routes::LOGIN, Flash::AdminCreated)),
        Some(Err(problems)) => again(forms::problems_message(viewer.lang, &problems)),
    }
}

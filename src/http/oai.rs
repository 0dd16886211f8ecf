//! The OAI-PMH endpoint, `/oai`: GET and POST (a form body) as the protocol
//! requires. Every answer is XML with status 200, protocol errors included;
//! the protocol itself is in [`crate::oai`].

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use savoirs_templates::routes;

use super::public::Address;
use super::{AppError, AppState, Routes};
use crate::oai::{Repository, respond};

pub fn routes(r: &mut Routes) {
    r.get(routes::OAI, get);
    // Requests are a few arguments: a larger body is not one.
    r.post_small(routes::OAI, post, 16 * 1024);
}

async fn get(
    State(state): State<AppState>,
    address: Address,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    answer(state, address, query.unwrap_or_default()).await
}

async fn post(
    State(state): State<AppState>,
    address: Address,
    body: String,
) -> Result<Response, AppError> {
    answer(state, address, body).await
}

async fn answer(state: AppState, address: Address, query: String) -> Result<Response, AppError> {
    let body = state
        .blocking(move |s| {
            let email = match &s.admin_email {
                Some(email) => email.to_string(),
                None => default_admin_email(&address.origin),
            };
            let repo = Repository {
                origin: &address.origin,
                name: "Savoirs",
                admin_email: &email,
            };
            Ok(respond(&s.store.read()?, &s.oai, &repo, &query)?)
        })
        .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/xml; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}

/// Without `serve --admin-email`, the site's webmaster: the protocol requires
/// an address, with a dot in its domain.
fn default_admin_email(origin: &str) -> String {
    let host = crate::oai::host_name(origin);
    if host.contains('.') && !host.starts_with('[') {
        format!("webmaster@{host}")
    } else {
        format!(
            "webmaster@{}.localdomain",
            host.trim_matches(['[', ']']).replace(':', "-")
        )
    }
}

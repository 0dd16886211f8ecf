//! The JSON API under `/api/v1`: the contract scripts rely on (see the README).
//!
//! Its OpenAPI 3.1 description, served at `/api/v1/openapi.json`, is generated
//! from the handlers' annotations and the model's types, and a test checks that
//! it names exactly the API routes the server has, so the two cannot drift.
//!
//! Scripts authenticate with a personal API token (`Authorization: Bearer …`,
//! created on the account page); a browser's session works too. Either way the
//! caller has its account's permissions, the same as on the pages.

mod records;
mod schema;
mod search;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use savoirs_templates::routes;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

pub use schema::{RecordInput, RecordValue};

use super::{ApiError, AppState, Routes, Viewer};

pub fn routes(r: &mut Routes) {
    r.get(routes::API_SEARCH, search::search);
    r.get(routes::API_SUGGEST, search::suggest);
    r.get("/api/v1/health", search::health);
    r.get(routes::API_DOCS, openapi_json);
    r.get("/api/v1/records", records::list);
    r.post("/api/v1/records", records::create);
    r.get("/api/v1/records/{id}", records::get);
    r.put("/api/v1/records/{id}", records::replace);
    r.get("/api/v1/records/{id}/revisions", records::revisions);
    r.upload("/api/v1/records/{id}/attachments", records::attach);
}

/// The caller, with errors answered in JSON (an unknown token gets 401 JSON, not
/// an HTML page).
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let super::auth::TokenViewer(viewer) =
            super::auth::TokenViewer::from_request_parts(parts, state).await?;
        Ok(ApiViewer(viewer))
    }
}

/// What every error answer holds.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in words.
    error: String,
    /// For internal errors: the reference of the server's log line.
    error_id: Option<String>,
    /// For invalid fields: each field and what is wrong with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Vec<FieldProblem>>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    field: String,
    message: String,
}

impl ErrorBody {
    fn new(
        error: String,
        error_id: Option<String>,
        fields: Option<Vec<(String, String)>>,
    ) -> ErrorBody {
        ErrorBody {
            error,
            error_id,
            fields: fields.map(|f| {
                f.into_iter()
                    .map(|(field, message)| FieldProblem { field, message })
                    .collect()
            }),
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Savoirs",
        description = "Search, read and write the records of a Savoirs knowledge base: action sheets, methods, resources, partners and thesaurus concepts.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    paths(
        search::search,
        search::suggest,
        search::health,
        openapi_json,
        records::list,
        records::create,
        records::get,
        records::replace,
        records::revisions,
        records::attach,
    ),
    components(schemas(ErrorBody, FieldProblem)),
    modifiers(&Components),
    tags(
        (name = "search", description = "Full-text search and completion"),
        (name = "records", description = "Reading and writing records"),
        (name = "server", description = "About the server"),
    )
)]
struct ApiDoc;

/// Adds what the derive cannot: the record schemas built from the model, and the
/// token security scheme.
struct Components;

impl Modify for Components {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, schema) in schema::record_schemas() {
            components.schemas.insert(name, schema);
        }
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal API token, created on the account page (`/account`)",
                    ))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI description of this API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// This document: the OpenAPI 3.1 description of the API.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "server",
    responses((status = 200, description = "The OpenAPI 3.1 description", content_type = "application/json", body = Object))
)]
async fn openapi_json() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let json = DOC.get_or_init(|| openapi().to_pretty_json().unwrap_or_default());
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        json.clone(),
    )
        .into_response()
}

/// Answers a JSON error (used by [`ApiError`]).
pub fn error_response(
    status: axum::http::StatusCode,
    error: String,
    error_id: Option<String>,
    fields: Option<Vec<(String, String)>>,
) -> Response {
    (status, Json(ErrorBody::new(error, error_id, fields))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every API route is described, and every described path is served.
    #[test]
    fn the_description_matches_the_routes() {
        let doc = openapi();
        let mut described: Vec<(String, String)> = Vec::new();
        for (path, item) in &doc.paths.paths {
            let json = serde_json::to_value(item).unwrap_or_default();
            for method in ["get", "post", "put", "delete", "patch"] {
                if json.get(method).is_some() {
                    described.push((method.to_uppercase(), path.clone()));
                }
            }
        }
        let mut served: Vec<(String, String)> = crate::http::route_table()
            .into_iter()
            .filter(|(_, path)| path.starts_with("/api/"))
            .map(|(m, p)| (m.to_string(), p.to_owned()))
            .collect();
        described.sort();
        served.sort();
        assert_eq!(described, served);
    }

    #[test]
    fn the_description_is_openapi_3_1_with_every_reference_defined() {
        let json = serde_json::to_value(openapi()).unwrap_or_default();
        assert_eq!(json["openapi"], "3.1.0");
        let text = json.to_string();
        let schemas = json["components"]["schemas"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = piece.split('"').next().unwrap_or_default();
            assert!(
                schemas.contains_key(name),
                "{name} is referenced but not defined"
            );
        }
        for kind in crate::model::Kind::ALL {
            let name = schema::schema_name(kind);
            assert!(schemas.contains_key(&name), "{name}");
        }
    }
}

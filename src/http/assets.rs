//! Static assets, embedded in the binary: the server works offline.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use savoirs_templates::{STYLESHEET, routes};

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route(routes::STYLESHEET, get(stylesheet))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

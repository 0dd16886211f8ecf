//! Static assets, embedded in the binary: the server works offline.

use axum::http::header;
use axum::response::IntoResponse;
use savoirs_templates::{SCRIPT, STYLESHEET, routes};

use super::Routes;

pub fn routes(r: &mut Routes) {
    r.get(routes::STYLESHEET, stylesheet);
    r.get(routes::SCRIPT, script);
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
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

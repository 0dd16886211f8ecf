//! Static assets, embedded in the binary: the server works offline.

use axum::http::header;
use axum::response::IntoResponse;
use savoirs_templates::{STYLESHEET, routes};

use super::Routes;

pub fn routes(r: &mut Routes) {
    r.get(routes::STYLESHEET, stylesheet);
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

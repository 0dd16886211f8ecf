//! The HTTP server: HTML pages and the JSON API, one module per resource, each with
//! its own `router()`, merged here around one shared [`AppState`].

mod api;
mod assets;
mod error;
mod pages;
mod params;
mod records;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use savoirs_index::SearchIndex;
use tokio::net::TcpListener;

pub use error::{ApiError, AppError};

use crate::search::Indexer;
use crate::store::Store;

/// What every handler shares. The store and the index are internally synchronised
/// (redb and tantivy both allow concurrent readers beside one writer), so they are
/// shared behind plain `Arc`s, without a lock of ours.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub index: Arc<SearchIndex>,
    pub indexer: Indexer,
}

impl AppState {
    /// Runs blocking store or index work off the async threads.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || f(&state))
            .await
            .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(api::router())
        .merge(assets::router())
        .merge(records::router())
        .fallback(records::not_found)
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Headers every response carries: no inline script, no framing, no sniffing.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// Serves on an already-bound listener until `shutdown` completes, then finishes
/// the requests in flight. Taking the listener lets tests bind port 0.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

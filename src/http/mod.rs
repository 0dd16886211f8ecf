//! The HTTP server: HTML pages and the JSON API, one module per resource. Each
//! module declares its routes on a [`Routes`] table, so the full list of routes
//! exists in one place: the server is built from it, and tests walk it (every
//! state-changing route must refuse cross-site requests).

mod access;
mod admin;
mod api;
mod assets;
mod auth;
mod confirm;
mod csrf;
mod dashboard;
mod discovery;
mod discussion;
mod edit;
mod error;
mod exports;
mod feeds;
pub(super) mod files;
mod flash;
mod forms;
mod history;
mod lang;
mod limits;
mod links;
mod maps;
mod oai;
mod pages;
mod params;
mod public;
mod records;
mod resets;
mod setup;
mod thesaurus;
mod throttle;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, header};
use axum::response::Response;
use savoirs_index::SearchIndex;
use tokio::net::TcpListener;

pub use access::Viewer;
pub use api::openapi;
pub use error::{ApiError, AppError};
pub use maps::check_tiles_url;
pub use public::Peer;
pub use public::parse_public_url;
pub use setup::Setup;
pub use throttle::Throttle;

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
    pub throttle: Arc<Throttle>,
    /// `serve --public-url`: the address the public reaches the site at, for
    /// absolute links; without it, only requests for the address the server
    /// listens on (or `localhost`) are answered.
    pub public_url: Option<Arc<str>>,
    /// `serve --trusted-proxy`: the proxies whose `X-Forwarded-For` and
    /// `X-Forwarded-Proto` are believed.
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// The threads searches run on: see [`AppState::search`].
    pub searches: Arc<crate::search_threads::SearchThreads>,
    /// The one-time address that creates the first administrator.
    pub setup: Arc<Setup>,
    /// `serve --smtp-url`: mail for notifications and password resets.
    pub mailer: Option<Arc<crate::mail::Mailer>>,
    /// Where attached files go, how large they may be, what reads their text.
    pub intake: Arc<crate::files::Intake>,
    /// `serve --admin-email`: who answers for the OAI-PMH repository.
    pub admin_email: Option<Arc<str>>,
    /// The OAI-PMH catalogue, kept while the store does not change.
    pub oai: Arc<crate::oai::Cache>,
    /// What the maps and the dashboard know of every record.
    pub facts: Arc<crate::facts::Cache>,
    /// `serve --tiles-url`: the tile server of the map of places.
    pub tiles_url: Arc<str>,
}

/// The machine's cores: how many CPU-bound tasks may usefully run at once.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

impl AppState {
    /// The operations that change the base, as `viewer`'s account.
    pub fn ops<'a>(&'a self, viewer: &'a Viewer) -> crate::ops::Ops<'a> {
        crate::ops::Ops::new(&self.store, &self.indexer, viewer.actor())
            .mailing(self.mailer.as_deref())
    }

    /// Runs a search of the results page or the API. Searches only use the CPU:
    /// they run at most one per core, and the others wait their turn as tasks,
    /// not as threads fighting over two cores; and they yield to saves (see
    /// [`crate::search_threads`]).
    pub async fn search(
        &self,
        request: savoirs_index::SearchRequest,
    ) -> Result<savoirs_index::SearchResults, AppError> {
        self.on_search_thread(move |s| Ok(s.index.search(&request)?))
            .await
    }

    /// Runs `f` on a search thread.
    pub async fn on_search_thread<T: Send + 'static>(
        &self,
        f: impl FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let state = self.clone();
        self.searches
            .run(move || f(&state))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
    }

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

/// The route table: every route of the server, with its method.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    /// Uploads: bodies up to `serve --max-upload`, and time to receive them
    /// and read their text.
    uploads: Router<AppState>,
    list: Vec<(Method, &'static str)>,
}

impl Routes {
    pub fn get<H: Handler<T, AppState>, T: 'static>(&mut self, path: &'static str, handler: H) {
        self.add(Method::GET, path, axum::routing::get(handler));
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(&mut self, path: &'static str, handler: H) {
        self.add(Method::POST, path, axum::routing::post(handler));
    }

    /// A POST whose body may be at most `max` bytes, for forms that are small
    /// by nature and that anyone may send (logging in).
    pub fn post_small<H: Handler<T, AppState>, T: 'static>(
        &mut self,
        path: &'static str,
        handler: H,
        max: usize,
    ) {
        let route = axum::routing::post(handler)
            .layer(axum::extract::DefaultBodyLimit::max(max))
            .layer(axum::middleware::from_fn(move |request, next| {
                limits::refuse_over(max, request, next)
            }));
        self.add(Method::POST, path, route);
    }

    /// A POST that receives a file: see [`Routes::uploads`].
    pub fn upload<H: Handler<T, AppState>, T: 'static>(&mut self, path: &'static str, handler: H) {
        self.uploads = std::mem::take(&mut self.uploads).route(path, axum::routing::post(handler));
        self.list.push((Method::POST, path));
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(&mut self, path: &'static str, handler: H) {
        self.add(Method::PUT, path, axum::routing::put(handler));
    }

    fn add(
        &mut self,
        method: Method,
        path: &'static str,
        route: axum::routing::MethodRouter<AppState>,
    ) {
        self.router = std::mem::take(&mut self.router).route(path, route);
        self.list.push((method, path));
    }
}

fn table() -> Routes {
    let mut r = Routes::default();
    pages::routes(&mut r);
    api::routes(&mut r);
    assets::routes(&mut r);
    auth::routes(&mut r);
    admin::routes(&mut r);
    edit::routes(&mut r);
    discussion::routes(&mut r);
    history::routes(&mut r);
    lang::routes(&mut r);
    links::routes(&mut r);
    maps::routes(&mut r);
    dashboard::routes(&mut r);
    setup::routes(&mut r);
    resets::routes(&mut r);
    records::routes(&mut r);
    feeds::routes(&mut r);
    discovery::routes(&mut r);
    oai::routes(&mut r);
    thesaurus::routes(&mut r);
    exports::routes(&mut r);
    files::routes(&mut r);
    r
}

/// Every route as (method, path pattern).
pub fn route_table() -> Vec<(Method, &'static str)> {
    table().list
}

/// Largest request body accepted (the longest form is an action sheet with five
/// Markdown sections).
pub const MAX_BODY: usize = 8 * 1024 * 1024;
/// A request that takes longer is answered 408 and dropped; slow clients too.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// An upload: a large file on a slow line, then up to a minute and a quarter
/// of text extraction.
const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// The whole application.
pub fn router(state: AppState) -> Router {
    let Routes {
        router, uploads, ..
    } = table();
    // The file's size is checked as it arrives (413 past the limit); the
    // multipart framing adds a little.
    let upload_limit = usize::try_from(state.intake.max_upload)
        .unwrap_or(usize::MAX)
        .saturating_add(1024 * 1024);
    let uploads = uploads
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            UPLOAD_TIMEOUT,
        ));
    router
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn(limits::refuse_large_bodies))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .merge(uploads)
        .fallback(records::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::refuse_cross_site,
        ))
        // Before the cross-site check, which compares the request's origin
        // with the site's.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            public::admit,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            limits::panic_page,
        ))
        // Outside every other layer, so that the pages they answer with (refusals,
        // limits, panics) are in the request's language.
        .layer(axum::middleware::from_fn(flash::shown_once))
        .layer(axum::middleware::from_fn(lang::choose))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Headers every response carries: no inline script, no framing, no sniffing.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    // A downloaded file brings a stricter policy of its own.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
            ),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // What a page, an export or an API answer holds depends on who asks (drafts
    // for editors, a new token on the account page): no shared cache may keep it
    // for someone else. Static assets say otherwise themselves.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
    }
    response
}

/// Serves on an already-bound listener until `shutdown` completes, then finishes
/// the requests in flight. Taking the listener lets tests bind port 0.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<Peer>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

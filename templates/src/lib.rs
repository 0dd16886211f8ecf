//! `savoirs-templates`: the HTML of Savoirs, written with maud, and its static
//! assets. Views take plain structs named after their page (`SearchView`,
//! `DocumentView` …) and return markup; they know nothing of storage or routing.
//! Every string is escaped by maud; the only pre-escaped HTML comes from
//! [`markdown`] (sanitized) and from the index's snippets (escaped there, with
//! `<mark>` added). Every interface string comes from the message files of
//! [`i18n`], in the language the page's [`Chrome`] carries.

pub mod format;
pub mod i18n;
mod layout;
pub mod markdown;
pub mod routes;
pub mod views;

pub use i18n::Lang;
pub use layout::{Chrome, HeadLinks, Page, UserBadge};
pub use maud::Markup;

/// The stylesheet, served at [`routes::STYLESHEET`].
pub const STYLESHEET: &str = include_str!("../static/style.css");
/// The small script that adds suggestions and instant results, served at
/// [`routes::SCRIPT`].
pub const SCRIPT: &str = include_str!("../static/app.js");

/// The other static files: the scripts of the maps, and Leaflet (vendored,
/// see `static/vendor/leaflet/LICENSE`). As `(address, content type, content)`.
pub const FILES: &[(&str, &str, &[u8])] = &[
    ("/static/carte.js", JS, include_bytes!("../static/carte.js")),
    ("/static/lieux.js", JS, include_bytes!("../static/lieux.js")),
    (
        "/static/vendor/leaflet/leaflet.js",
        JS,
        include_bytes!("../static/vendor/leaflet/leaflet.js"),
    ),
    (
        "/static/vendor/leaflet/leaflet.css",
        CSS,
        include_bytes!("../static/vendor/leaflet/leaflet.css"),
    ),
    (
        "/static/vendor/leaflet/images/layers.png",
        PNG,
        include_bytes!("../static/vendor/leaflet/images/layers.png"),
    ),
    (
        "/static/vendor/leaflet/images/layers-2x.png",
        PNG,
        include_bytes!("../static/vendor/leaflet/images/layers-2x.png"),
    ),
    (
        "/static/vendor/leaflet/images/marker-icon.png",
        PNG,
        include_bytes!("../static/vendor/leaflet/images/marker-icon.png"),
    ),
    (
        "/static/vendor/leaflet/images/marker-icon-2x.png",
        PNG,
        include_bytes!("../static/vendor/leaflet/images/marker-icon-2x.png"),
    ),
    (
        "/static/vendor/leaflet/images/marker-shadow.png",
        PNG,
        include_bytes!("../static/vendor/leaflet/images/marker-shadow.png"),
    ),
];

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const PNG: &str = "image/png";

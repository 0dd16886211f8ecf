//! URL paths shared by the views that link to them and the server that serves them.

pub const HOME: &str = "/";
pub const SEARCH: &str = "/search";
pub const API_SEARCH: &str = "/api/v1/search";
pub const API_SUGGEST: &str = "/api/v1/suggest";
/// The OpenAPI description of the JSON API.
pub const API_DOCS: &str = "/api/v1/openapi.json";
pub const SEARCH_HELP: &str = "/help/search";
pub const SCRIPT: &str = "/static/app.js";
pub const STYLESHEET: &str = "/static/style.css";
/// What printing adds: links inside the site printed with the site's address.
pub const PRINT_STYLESHEET: &str = "/static/print.css";
pub const LOGIN: &str = "/login";
pub const LOGOUT: &str = "/logout";
pub const ACCOUNT: &str = "/account";
pub const ACCOUNT_PASSWORD: &str = "/account/password";
pub const ACCOUNT_TOKENS: &str = "/account/tokens";
pub const ACCOUNT_MAIL: &str = "/account/mail";
pub const FORGOT: &str = "/password/forgot";
pub const ACCOUNT_TOKEN_REVOKE: &str = "/account/tokens/{id}/revoke";
pub const ADMIN_USERS: &str = "/admin/users";
pub const ADMIN_BACKUP: &str = "/admin/backup";
/// Choosing what kind of record to add.
pub const NEW: &str = "/new";
pub const CHANGES: &str = "/changes";
pub const REVIEW: &str = "/review";
/// A writer's own drafts, proposals and what was sent back to them.
pub const MY_WORK: &str = "/my-work";
pub const NOTIFICATIONS: &str = "/notifications";
pub const NOTIFICATIONS_READ: &str = "/notifications/read";
pub const THESAURUS: &str = "/thesaurus";
/// The thesaurus as a SKOS concept scheme, in Turtle and in RDF/XML.
pub const THESAURUS_TURTLE: &str = "/thesaurus.ttl";
pub const THESAURUS_RDF_XML: &str = "/thesaurus.rdf";
/// Where editors send a SKOS file, to preview then to import it.
pub const THESAURUS_IMPORT: &str = "/thesaurus/import";
/// Choosing the interface language: `?set=en&back=/search?q=…`.
pub const LANGUAGE: &str = "/lang";

/// The link that switches the interface to `lang` and comes back to `back` (a
/// local path with its query string).
pub fn switch_language(lang: &str, back: &str) -> String {
    format!("{LANGUAGE}?set={}&back={}", encode(lang), encode(back))
}

/// Atom feeds: recent changes, and a search's newest matches (with the search's
/// parameters). A partner's and a concept's are `record_page(kind, slug, "feed")`.
pub const CHANGES_FEED: &str = "/changes/feed";
pub const SEARCH_FEED: &str = "/search/feed";
pub const OPENSEARCH: &str = "/opensearch.xml";
/// Completions in the OpenSearch suggestions format, for browsers' search bars.
pub const OPENSEARCH_SUGGEST: &str = "/opensearch/suggest";
pub const SITEMAP: &str = "/sitemap.xml";
/// The OAI-PMH data provider.
pub const OAI: &str = "/oai";
/// The map of actors (a network) and its downloads.
pub const ACTORS_MAP: &str = "/carte";
pub const ACTORS_MAP_GEXF: &str = "/carte.gexf";
pub const ACTORS_MAP_GRAPHML: &str = "/carte.graphml";
pub const ACTORS_MAP_SVG: &str = "/carte.svg";
/// The geographic map of places.
pub const PLACES_MAP: &str = "/carte/lieux";
/// Cities of the gazetteer whose name starts with `q`, as JSON.
pub const PLACE_SUGGESTIONS: &str = "/lieux/suggestions";
pub const DASHBOARD: &str = "/tableau-de-bord";
/// One chart's figures as CSV (`?chart=…` and the filters).
pub const DASHBOARD_CSV: &str = "/tableau-de-bord.csv";
/// The geographic map with these filters.
pub fn places_map(params: &[(&str, &str)]) -> String {
    search_like(PLACES_MAP, params)
}
/// Downloads of what the viewer may see; a record's Markdown is
/// `record_page(kind, slug, "markdown")`.
pub const EXPORT_ACTIONS_CSV: &str = "/export/actions.csv";
pub const EXPORT_JSONL: &str = "/export/records.jsonl";

/// `/new/action` …
pub fn new_record(kind: &str) -> String {
    format!("/new/{kind}")
}

/// `/account/tokens/1a2b3c4d/revoke`
pub fn revoke_token(id: &str) -> String {
    format!("/account/tokens/{}/revoke", encode(id))
}

/// `/admin/users/ana`
pub fn admin_user(name: &str) -> String {
    format!("/admin/users/{}", encode(name))
}

/// Pages about one record: `/action/slug/edit`, `…/history`, `…/diff`, `…/status`,
/// `…/restore`, `…/markdown`, `…/feed`.
pub fn record_page(kind: &str, slug: &str, page: &str) -> String {
    format!("/{kind}/{slug}/{page}")
}

/// `/partner/ritimo`, `/action/accompagner-des-partenaires` …
pub fn record(kind: &str, slug: &str) -> String {
    format!("/{kind}/{slug}")
}

/// A search URL with the given parameters, properly encoded.
pub fn search(params: &[(&str, &str)]) -> String {
    let mut url = String::from(SEARCH);
    for (i, (k, v)) in params.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        url.push('=');
        url.push_str(&encode(v));
    }
    url
}

/// `path?k=v&…` with the values encoded.
pub fn search_like(path: &str, params: &[(&str, &str)]) -> String {
    let query = search(params);
    format!("{path}{}", query.strip_prefix(SEARCH).unwrap_or(&query))
}

/// Percent-encodes a query-string value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

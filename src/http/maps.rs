//! The map of actors (`/carte`, and its GEXF, GraphML and SVG downloads), the
//! map of places (`/carte/lieux`), and the gazetteer's suggestions for the
//! places field. Every view takes the filters of a search, and shows only
//! what the search would show the viewer.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use savoirs_templates::i18n::{Lang, t, tf};
use savoirs_templates::views::maps::{ActorsMapView, Filters, NodeItem, PlaceItem, PlacesMapView};
use savoirs_templates::{format, routes};

use super::auth::chrome;
use super::params::SearchParams;
use super::{AppError, AppState, Routes, Viewer};
use crate::facts::Facts;
use crate::graph::{self, Graph};
use crate::model::ROLES;

pub fn routes(r: &mut Routes) {
    r.get(routes::ACTORS_MAP, actors_page);
    for (path, file) in [
        (routes::ACTORS_MAP_GEXF, NetworkFile::Gexf),
        (routes::ACTORS_MAP_GRAPHML, NetworkFile::GraphMl),
        (routes::ACTORS_MAP_SVG, NetworkFile::Svg),
    ] {
        r.get(
            path,
            move |state: State<AppState>, viewer: Viewer, query: RawQuery| {
                network_file(state, viewer, query, file)
            },
        );
    }
    r.get(routes::PLACES_MAP, places_page);
    r.get(routes::PLACE_SUGGESTIONS, place_suggestions);
}

/// The records a search finds for the viewer (all of them, not a page), with
/// the facts about every record. Runs on a search thread: at 100 000 records
/// it reads every match. The ids are those the facts hold, shared rather
/// than copied: a request allocates no string per record.
pub(super) async fn found(
    state: &AppState,
    viewer: &Viewer,
    params: &SearchParams,
) -> Result<(Arc<Facts>, Vec<Arc<str>>), AppError> {
    let request = params.request(viewer);
    state
        .on_search_thread(move |s| {
            let facts = s.facts.get(&s.store.read()?)?;
            let mut ids = Vec::new();
            s.index
                .matching_ids(&request, |id| ids.extend(facts.id(id)))?;
            Ok((facts, ids))
        })
        .await
}

/// The filters of `params`, as the views show them.
pub(super) fn filters_of(params: &SearchParams) -> Filters {
    Filters {
        q: params.q.clone(),
        values: params.filters(),
    }
}

/// Nodes drawn when the address does not say (`n=`), and at most.
const DEFAULT_NODES: usize = 150;
const MAX_NODES: usize = 500;

/// The map's parameters: a search's, and `n`, the most nodes to draw.
fn map_params(query: Option<&str>, lang: Lang) -> Result<(SearchParams, usize), AppError> {
    let params = SearchParams::parse_in(query, lang)?;
    let mut n = DEFAULT_NODES;
    for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if key == "n" && !value.trim().is_empty() {
            n = match value.trim().parse::<usize>() {
                Ok(v) if (2..=MAX_NODES).contains(&v) => v,
                _ => {
                    return Err(AppError::BadRequest(tf(
                        lang,
                        "params.bad",
                        &[
                            ("name", &"n"),
                            ("value", &format!("{value:?}")),
                            (
                                "expected",
                                &tf(lang, "maps.n_expected", &[("max", &MAX_NODES)]),
                            ),
                        ],
                    )));
                }
            };
        }
    }
    Ok((params, n))
}

/// The network the filters find, cut to the `n` most linked nodes; with the
/// number of nodes found before the cut.
async fn network(
    state: &AppState,
    viewer: &Viewer,
    params: &SearchParams,
    n: usize,
) -> Result<(Graph, graph::Layout, usize), AppError> {
    let (facts, ids) = found(state, viewer, params).await?;
    let visibility = viewer.visibility();
    let lang = viewer.lang;
    state
        .blocking(move |_| {
            let label = |link: &str| -> String {
                if ROLES.contains(&link) {
                    format::role_label(lang, link).to_owned()
                } else {
                    format::relation_label(lang, link, false).to_owned()
                }
            };
            let (graph, found) = crate::atlas::network(&facts, &ids, &visibility, n, &label);
            let layout = graph::layout(&graph);
            Ok((graph, layout, found))
        })
        .await
}

fn kind_label(lang: Lang) -> impl Fn(&str) -> String {
    move |kind: &str| format::kind_label(lang, kind).to_owned()
}

/// The network as the page shows it: a group of links, not an image, since
/// every node is a link.
fn drawing(graph: &Graph, layout: &graph::Layout, lang: Lang) -> String {
    graph::svg(
        graph,
        layout,
        t(lang, "maps.actors_title"),
        &kind_label(lang),
    )
}

async fn actors_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, AppError> {
    let (params, n) = map_params(query.as_deref(), viewer.lang)?;
    let (graph, layout, found) = network(&state, &viewer, &params, n).await?;
    let lang = viewer.lang;
    let degrees = graph.degrees();
    let mut nodes: Vec<NodeItem> = graph
        .nodes
        .iter()
        .zip(&degrees)
        .map(|(node, links)| NodeItem {
            kind: node.kind.clone(),
            title: node.label.clone(),
            url: node.url.clone(),
            links: *links,
        })
        .collect();
    nodes.sort_by(|a, b| b.links.cmp(&a.links).then(a.title.cmp(&b.title)));
    let view = ActorsMapView {
        filters: filters_of(&params),
        svg: drawing(&graph, &layout, lang),
        nodes,
        found,
        edges: graph.edges.len(),
    };
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

/// The network as a file: Gephi's formats, or the drawing on its own.
#[derive(Clone, Copy)]
enum NetworkFile {
    Gexf,
    GraphMl,
    Svg,
}

/// The network the filters find, as a download of the kind asked for.
async fn network_file(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
    file: NetworkFile,
) -> Result<Response, AppError> {
    let (params, n) = map_params(query.as_deref(), viewer.lang)?;
    let (graph, layout, _) = network(&state, &viewer, &params, n).await?;
    let title = t(viewer.lang, "maps.actors_title");
    let (content_type, name, body) = match file {
        NetworkFile::Gexf => (
            "application/gexf+xml; charset=utf-8",
            "carte.gexf",
            graph::gexf(&graph, &layout, title),
        ),
        NetworkFile::GraphMl => (
            "application/graphml+xml; charset=utf-8",
            "carte.graphml",
            graph::graphml(&graph, title),
        ),
        NetworkFile::Svg => (
            "image/svg+xml",
            "carte.svg",
            standalone(drawing(&graph, &layout, viewer.lang)),
        ),
    };
    Ok(super::exports::download(
        content_type,
        name,
        body.into_bytes(),
    ))
}

/// The page's drawing as a file of its own: with the colours that the site's
/// stylesheet gives it on the page.
fn standalone(svg: String) -> String {
    match svg.find('>') {
        Some(end) => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}<style>{}</style>{}",
            &svg[..=end],
            GRAPH_STYLE,
            &svg[end + 1..]
        ),
        None => svg,
    }
}

/// The colours of a downloaded network, the same as on the page.
const GRAPH_STYLE: &str = ".edge{stroke:#8a8f98;stroke-width:1}\
.node circle{stroke:#fff;stroke-width:1.5}\
.node text{font:11px sans-serif;fill:#222}\
.node-partner circle{fill:#56b4e9}.node-action circle{fill:#e69f00}\
.node-method circle{fill:#4cc3a0}.node-resource circle{fill:#cc79a7}";

async fn places_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let lang = viewer.lang;
    let params = SearchParams::parse_in(query.as_deref(), lang)?;
    let (facts, ids) = found(&state, &viewer, &params).await?;
    let (groups, unplaced) = crate::atlas::places(&facts, &ids);
    let view = PlacesMapView {
        filters: filters_of(&params),
        tiles_url: state.tiles_url.to_string(),
        places_json: crate::atlas::places_json(&groups, &|k| {
            format::kind_label(lang, k.as_str()).to_owned()
        }),
        outline_svg: crate::atlas::outline_svg(&groups, t(lang, "maps.outline_title")),
        places: groups
            .iter()
            .map(|g| PlaceItem {
                name: g.name.clone(),
                country: g.country.clone(),
                records: g.records.len(),
            })
            .collect(),
        unplaced,
    };
    let html = view.render(&chrome(&viewer)).into_string();
    // The tiles come from their server: the page's policy lets its images in.
    let policy = format!(
        "default-src 'self'; img-src 'self' data: {}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        tile_origin(&state.tiles_url).unwrap_or_default()
    );
    let mut response = Html(html).into_response();
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Ok(response)
}

/// The origin a tile address template points to, as a source of images in a
/// content security policy: `https://tile.openstreetmap.org`, or
/// `https://*.tile.example.org` for a template with `{s}` subdomains.
pub fn tile_origin(template: &str) -> Option<String> {
    let (scheme, rest) = template.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split('/').next()?.replace("{s}", "*");
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '*');
    (!host.is_empty() && host.chars().all(allowed)).then(|| format!("{scheme}://{host}"))
}

/// Checks a tile address template given to `serve --tiles-url`.
pub fn check_tiles_url(template: &str) -> Result<String, String> {
    let template = template.trim();
    if tile_origin(template).is_none() {
        return Err("must be an http:// or https:// address such as \
             https://tile.openstreetmap.org/{z}/{x}/{y}.png"
            .into());
    }
    for part in ["{z}", "{x}", "{y}"] {
        if !template.contains(part) {
            return Err(format!(
                "must contain {part}, {{z}}/{{x}}/{{y}} for the tile"
            ));
        }
    }
    Ok(template.to_owned())
}

/// Cities of the gazetteer whose name starts with `q`, as JSON, for the
/// places field's suggestions.
async fn place_suggestions(RawQuery(query): RawQuery) -> Response {
    let q = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.chars().take(100).collect::<String>())
        .unwrap_or_default();
    let cities: Vec<serde_json::Value> = crate::places::suggest(&q, 10)
        .into_iter()
        .map(|c| {
            serde_json::json!({
                "name": c.name, "country": c.country, "lat": c.lat, "lon": c.lon,
                "line": crate::places::to_line(&c.place()),
            })
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::Value::Array(cities).to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_templates_are_checked_and_give_their_origin() {
        assert_eq!(
            tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        assert_eq!(
            tile_origin("http://{s}.tiles.example.org:8080/{z}/{x}/{y}.png").as_deref(),
            Some("http://*.tiles.example.org:8080")
        );
        assert!(check_tiles_url("javascript:alert(1)//{z}{x}{y}").is_err());
        assert!(check_tiles_url("https://tiles.example.org/x.png").is_err());
        assert!(check_tiles_url("https://a b/{z}/{x}/{y}").is_err());
        assert!(check_tiles_url("http://127.0.0.1:9/{z}/{x}/{y}.png").is_ok());
    }
}

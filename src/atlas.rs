//! What the maps draw, from the records a search found: the network of
//! actors (documents and the partners they name, linked by roles and typed
//! relations) and the places of partners and actions, on a world outline that
//! needs no tile server.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use crate::facts::{Fact, Facts, Visibility};
use crate::graph::{Edge, Graph, Node, escape};
use crate::model::Kind;

/// The network of the records found (`matched`): each document found, each
/// partner found, and each partner a document found names (when the reader
/// may see it); linked by the partners' roles, and by the typed relations
/// between documents found. Nothing else: a document outside the search is
/// not drawn, even when one found links to it.
///
/// Only the `limit` nodes with the most links are kept (then by name, then
/// by id), with the links between them; returns the network and how many
/// nodes there were before. The whole network is counted on references, and
/// only the nodes kept are copied: at 100 000 records, most are left out.
pub fn network(
    facts: &Facts,
    matched: &[Arc<str>],
    visibility: &Visibility,
    limit: usize,
    edge_label: &dyn Fn(&str) -> String,
) -> (Graph, usize) {
    let mut nodes: Vec<&Fact> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let found: Vec<&Fact> = matched
        .iter()
        .filter_map(|id| facts.get(id))
        .filter(|f| f.kind != Kind::Concept)
        .collect();
    for fact in &found {
        place(&mut nodes, &mut index, fact);
    }
    let mut edges: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut linked: HashSet<(usize, usize)> = HashSet::new();
    for fact in &found {
        let from = place(&mut nodes, &mut index, fact);
        let partners = fact.partners.iter().filter_map(|(id, role)| {
            let p = facts.get(id).filter(|p| p.visible_to(visibility))?;
            Some((p, *role))
        });
        let related = fact.related.iter().filter_map(|(id, relation)| {
            // Only between records found.
            index.get(&**id)?;
            Some((facts.get(id)?, *relation))
        });
        let links: Vec<(&Fact, &'static str)> = partners.chain(related).collect();
        for (other, label) in links {
            let to = place(&mut nodes, &mut index, other);
            if from != to && linked.insert((from.min(to), from.max(to))) {
                edges.push((from, to, label));
            }
        }
    }
    let total = nodes.len();
    let mut degrees = vec![0usize; total];
    for &(a, b, _) in &edges {
        degrees[a] += 1;
        degrees[b] += 1;
    }
    let mut order: Vec<usize> = (0..total).collect();
    let rank = |&a: &usize, &b: &usize| {
        degrees[b]
            .cmp(&degrees[a])
            .then_with(|| nodes[a].title.cmp(&nodes[b].title))
            .then_with(|| nodes[a].id.cmp(&nodes[b].id))
    };
    if limit < total {
        order.select_nth_unstable_by(limit, rank);
        order.truncate(limit);
    }
    // The nodes kept, in the order they were met (the layout is the same for
    // the same records).
    order.sort_unstable();
    let mut kept = vec![None; total];
    for (new, &old) in order.iter().enumerate() {
        kept[old] = Some(new);
    }
    let graph = Graph {
        nodes: order.iter().map(|&i| node(nodes[i])).collect(),
        edges: edges
            .iter()
            .filter_map(|&(a, b, label)| {
                Some(Edge {
                    source: kept[a]?,
                    target: kept[b]?,
                    label: edge_label(label),
                })
            })
            .collect(),
    };
    (graph, total)
}

/// The index of `fact`'s node, which is added when it is not there yet.
fn place<'a>(
    nodes: &mut Vec<&'a Fact>,
    index: &mut HashMap<&'a str, usize>,
    fact: &'a Fact,
) -> usize {
    *index.entry(&*fact.id).or_insert_with(|| {
        nodes.push(fact);
        nodes.len() - 1
    })
}

fn node(fact: &Fact) -> Node {
    Node {
        key: fact.id.to_string(),
        kind: fact.kind.as_str().to_owned(),
        label: fact.title.clone(),
        url: fact.url.clone(),
        amount: fact.amount.as_ref().map(|(minor, _)| *minor),
    }
}

/// A place and the records found there.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceGroup {
    pub name: String,
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    /// (kind, title, address), in the order found.
    pub records: Vec<(Kind, String, String)>,
}

/// The places of the partners and actions found, each once (by name and
/// coordinates), most records first; and how many records found have no place
/// with coordinates.
pub fn places(facts: &Facts, matched: &[Arc<str>]) -> (Vec<PlaceGroup>, usize) {
    let mut groups: BTreeMap<(String, i64, i64), PlaceGroup> = BTreeMap::new();
    let mut unplaced = 0;
    for fact in matched.iter().filter_map(|id| facts.get(id)) {
        let mut placed = false;
        for place in &fact.places {
            let Some((lat, lon)) = place.coordinates() else {
                continue;
            };
            placed = true;
            // Places a few metres apart with one name are one place.
            let key = (
                place.name.clone(),
                (lat * 1000.0).round() as i64,
                (lon * 1000.0).round() as i64,
            );
            groups
                .entry(key)
                .or_insert_with(|| PlaceGroup {
                    name: place.name.clone(),
                    country: place.country.clone(),
                    lat,
                    lon,
                    records: Vec::new(),
                })
                .records
                .push((fact.kind, fact.title.clone(), fact.url.clone()));
        }
        if !placed && matches!(fact.kind, Kind::Partner | Kind::Action) {
            unplaced += 1;
        }
    }
    let mut out: Vec<PlaceGroup> = groups.into_values().collect();
    out.sort_by(|a, b| {
        b.records
            .len()
            .cmp(&a.records.len())
            .then(a.name.cmp(&b.name))
    });
    (out, unplaced)
}

/// The land of the world (Natural Earth, 1:110 million, public domain) as an
/// SVG path in degrees: x is the longitude, y the latitude turned downwards.
const LAND: &str = include_str!("../templates/static/vendor/natural-earth/land-110m.txt");

/// The places on the world outline, each a link to the search of that place.
/// `title` names the drawing.
pub fn outline_svg(places: &[PlaceGroup], title: &str) -> String {
    let mut svg = String::with_capacity(LAND.len() + 200 * places.len() + 400);
    svg.push_str(
        "<svg class=\"outline\" viewBox=\"-180 -90 360 180\" role=\"group\" \
         aria-labelledby=\"outline-title\" xmlns=\"http://www.w3.org/2000/svg\">",
    );
    svg.push_str(&format!(
        "<title id=\"outline-title\">{}</title>",
        escape(title)
    ));
    svg.push_str("<rect class=\"sea\" x=\"-180\" y=\"-90\" width=\"360\" height=\"180\"/>");
    svg.push_str("<path class=\"land\" d=\"");
    svg.push_str(LAND.trim());
    svg.push_str("\"/><g class=\"places\">");
    for p in places {
        let r = 1.2 + (p.records.len() as f64).sqrt() * 0.6;
        let href = savoirs_templates::routes::search(&[("place", p.name.as_str())]);
        svg.push_str(&format!(
            "<a class=\"place\" href=\"{}\" data-name=\"{}\"><circle cx=\"{:.3}\" cy=\"{:.3}\" r=\"{:.2}\"/><title>{} ({})</title></a>",
            escape(&href),
            escape(&p.name),
            p.lon,
            -p.lat,
            r.min(6.0),
            escape(&p.name),
            p.records.len()
        ));
    }
    svg.push_str("</g></svg>");
    svg
}

/// The places as the map's script reads them: JSON whose `<` are escaped, so
/// that a place or a title cannot close the script element holding it.
/// `kind_label` names a kind in the reader's language.
pub fn places_json(places: &[PlaceGroup], kind_label: &dyn Fn(Kind) -> String) -> String {
    let list: Vec<serde_json::Value> = places
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name,
                "country": p.country,
                "lat": p.lat,
                "lon": p.lon,
                "records": p.records.iter().map(|(kind, title, url)| serde_json::json!({
                    "kind": kind.as_str(), "kind_label": kind_label(*kind),
                    "title": title, "url": url,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::Value::Array(list)
        .to_string()
        .replace('<', "\\u003c")
}

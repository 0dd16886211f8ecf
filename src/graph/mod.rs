//! The "map of actors": partners, actions, methods and resources as a graph
//! whose edges are partner roles ("pilote", "financeur"…) and typed relations
//! ("s'appuie sur"…).
//!
//! This module only knows about plain nodes and edges; the caller builds the
//! [`Graph`] from records. [`layout`] places the nodes, [`svg`] draws them for
//! the HTML page, and [`formats`] exports GEXF (Gephi) and GraphML.
//!
//! Edges whose endpoints are out of range are ignored everywhere rather than
//! trusted, so a slightly wrong graph degrades instead of panicking.

pub mod formats;
pub mod layout;
pub mod svg;

pub use formats::{gexf, graphml};
pub use layout::{Layout, layout};
pub use svg::svg;

use std::cmp::Ordering;

/// One record drawn on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The record id; also the node id in GEXF and GraphML.
    pub key: String,
    /// "partner", "action", "method" or "resource".
    pub kind: String,
    pub label: String,
    /// Link to the record's page, e.g. "/action/slug".
    pub url: String,
    /// Budget in minor units (cents); only actions carry one.
    pub amount: Option<i64>,
}

/// A link between two nodes, by index into [`Graph::nodes`]. Edges read from
/// `source` to `target` (e.g. partner → action for a role).
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub source: usize,
    pub target: usize,
    /// A role ("pilote", "financeur"…) or a relation ("s'appuie sur").
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Graph {
    /// Number of links touching each node (a self-loop counts twice, as usual).
    pub fn degrees(&self) -> Vec<usize> {
        let mut degrees = vec![0; self.nodes.len()];
        for edge in self.valid_edges() {
            degrees[edge.source] += 1;
            degrees[edge.target] += 1;
        }
        degrees
    }

    /// Keeps the `n` nodes with the most links (ties broken by label then key,
    /// so the result never depends on input order) and the edges between kept
    /// nodes; returns the smaller graph and how many nodes were left out.
    ///
    /// Kept nodes stay in their original relative order, so indices remain
    /// meaningful to a caller that sorted its nodes on purpose.
    pub fn keep_top(self, n: usize) -> (Graph, usize) {
        let total = self.nodes.len();
        if n >= total {
            return (self, 0);
        }
        let kept = self.top_indices(n);
        let mut new_index = vec![None; total];
        for (new, &old) in kept.iter().enumerate() {
            new_index[old] = Some(new);
        }
        let edges = self
            .valid_edges()
            .filter_map(|edge| {
                Some(Edge {
                    source: new_index[edge.source]?,
                    target: new_index[edge.target]?,
                    label: edge.label.clone(),
                })
            })
            .collect();
        let mut slots: Vec<Option<Node>> = self.nodes.into_iter().map(Some).collect();
        let nodes = kept.iter().filter_map(|&old| slots[old].take()).collect();
        (Graph { nodes, edges }, total - n)
    }

    /// Indices of the `n` best-connected nodes, in ascending index order.
    fn top_indices(&self, n: usize) -> Vec<usize> {
        let degrees = self.degrees();
        let mut order: Vec<usize> = (0..self.nodes.len()).collect();
        order.sort_by(|&a, &b| self.rank(&degrees, a, b));
        order.truncate(n);
        order.sort_unstable();
        order
    }

    /// More links first, then label, then key: a total, input-independent order
    /// (index only separates exact duplicates, which are interchangeable).
    fn rank(&self, degrees: &[usize], a: usize, b: usize) -> Ordering {
        let (na, nb) = (&self.nodes[a], &self.nodes[b]);
        degrees[b]
            .cmp(&degrees[a])
            .then_with(|| na.label.cmp(&nb.label))
            .then_with(|| na.key.cmp(&nb.key))
            .then_with(|| a.cmp(&b))
    }

    /// Edges whose two ends exist; every consumer goes through this.
    pub(crate) fn valid_edges(&self) -> impl Iterator<Item = &Edge> {
        let len = self.nodes.len();
        self.edges
            .iter()
            .filter(move |edge| edge.source < len && edge.target < len)
    }
}

/// Escapes text for XML attributes and content (also safe inside HTML5),
/// and drops characters that XML 1.0 forbids or that HTML flags as errors
/// (C0/C1 controls other than tab, LF and CR; noncharacters).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // `&apos;` is not an HTML 4 entity; the numeric form works everywhere.
            '\'' => out.push_str("&#39;"),
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn is_forbidden(c: char) -> bool {
    let code = u32::from(c);
    let control = c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    let noncharacter = (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE;
    control || noncharacter
}

/// Formats a coordinate with at most one decimal ("12", "12.5", never "-0").
pub(crate) fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let tenths = (value * 10.0).round();
    if tenths == 0.0 {
        "0".to_owned()
    } else if tenths % 10.0 == 0.0 {
        format!("{}", tenths / 10.0)
    } else {
        format!("{:.1}", tenths / 10.0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn node(key: &str, kind: &str, label: &str) -> Node {
        Node {
            key: key.to_owned(),
            kind: kind.to_owned(),
            label: label.to_owned(),
            url: format!("/{kind}/{key}"),
            amount: None,
        }
    }

    pub(crate) fn edge(source: usize, target: usize, label: &str) -> Edge {
        Edge {
            source,
            target,
            label: label.to_owned(),
        }
    }

    /// A hub (a) with three spokes, one extra link, one isolated node.
    fn star() -> Graph {
        Graph {
            nodes: vec![
                node("k-d", "resource", "Delta"),
                node("k-a", "partner", "Alpha"),
                node("k-c", "method", "Charlie"),
                node("k-b", "action", "Bravo"),
                node("k-e", "partner", "Echo"),
            ],
            edges: vec![
                edge(1, 0, "pilote"),
                edge(1, 2, "financeur"),
                edge(1, 3, "pilote"),
                edge(3, 2, "s'appuie sur"),
            ],
        }
    }

    #[test]
    fn degrees_count_both_ends_and_skip_dangling_edges() {
        let mut graph = star();
        graph.edges.push(edge(0, 99, "broken"));
        assert_eq!(graph.degrees(), vec![1, 3, 2, 2, 0]);
    }

    #[test]
    fn keep_top_counts_and_filters_edges() {
        let (top, left_out) = star().keep_top(3);
        assert_eq!(left_out, 2);
        let keys: Vec<&str> = top.nodes.iter().map(|n| n.key.as_str()).collect();
        // Alpha (3), then Bravo and Charlie (2 each, by label); original order kept.
        assert_eq!(keys, ["k-a", "k-c", "k-b"]);
        assert_eq!(top.edges.len(), 3);
        for e in &top.edges {
            assert!(e.source < 3 && e.target < 3);
        }
        let labels: Vec<&str> = top.edges.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["financeur", "pilote", "s'appuie sur"]);
        assert_eq!(
            (top.nodes[0].label.as_str(), top.nodes[1].label.as_str()),
            ("Alpha", "Charlie")
        );
        assert_eq!(top.edges[1], edge(0, 2, "pilote"));
    }

    #[test]
    fn keep_top_ties_do_not_depend_on_input_order() {
        let forward = Graph {
            nodes: vec![
                node("b", "partner", "Same"),
                node("a", "partner", "Same"),
                node("c", "partner", "Other"),
            ],
            edges: vec![],
        };
        let mut backward = forward.clone();
        backward.nodes.reverse();
        let keys = |g: Graph| -> Vec<String> {
            g.keep_top(2).0.nodes.into_iter().map(|n| n.key).collect()
        };
        // "Other" < "Same" by label, then key "a" < "b".
        let mut first = keys(forward);
        let mut second = keys(backward);
        first.sort();
        second.sort();
        assert_eq!(first, ["a", "c"]);
        assert_eq!(first, second);
    }

    #[test]
    fn keep_top_with_room_for_all_changes_nothing() {
        let graph = star();
        let (same, left_out) = graph.clone().keep_top(10);
        assert_eq!((same, left_out), (graph, 0));
        let (empty, left_out) = star().keep_top(0);
        assert!(empty.nodes.is_empty() && empty.edges.is_empty());
        assert_eq!(left_out, 5);
    }

    #[test]
    fn escape_handles_markup_and_drops_forbidden_characters() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
        assert_eq!(
            escape("a\u{0}b\u{1b}c\u{85}d\u{FFFF}e\tf\ng"),
            "abcde\tf\ng"
        );
        assert_eq!(escape("élan · 1 000 €"), "élan · 1 000 €");
    }

    #[test]
    fn numbers_have_at_most_one_decimal() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(-3.96), "-4");
        assert_eq!(num(f64::NAN), "0");
    }
}

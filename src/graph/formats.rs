//! Exports the map of actors for desktop tools: GEXF 1.2 (Gephi; keeps our
//! layout as viz positions and sizes) and GraphML (yEd, Cytoscape, networkx).
//!
//! Both files are directed graphs whose node ids are record keys, so an
//! export can be joined back to the records; edges read source → target as in
//! [`super::Edge`]. Record keys are assumed unique, as record ids are.

use super::layout::Layout;
use super::{Edge, Graph, Node, escape, num};
use std::fmt::Write as _;

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// GEXF 1.2draft, which `networkx.read_gexf` and Gephi read by default.
/// Node attributes `kind`, `url`, `amount` (minor units, actions only), edge
/// `label`, and viz position (y pointing up, as Gephi draws it), size and
/// colour.
pub fn gexf(graph: &Graph, layout: &Layout, title: &str) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str(concat!(
        "<gexf xmlns=\"http://www.gexf.net/1.2draft\"",
        " xmlns:viz=\"http://www.gexf.net/1.2draft/viz\"",
        " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
        " xsi:schemaLocation=\"http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd\"",
        " version=\"1.2\">\n"
    ));
    let _ = writeln!(
        out,
        "  <meta>\n    <creator>Savoirs</creator>\n    <description>{}</description>\n  </meta>",
        escape(title)
    );
    out.push_str("  <graph mode=\"static\" defaultedgetype=\"directed\">\n");
    out.push_str(concat!(
        "    <attributes class=\"node\" mode=\"static\">\n",
        "      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n",
        "      <attribute id=\"url\" title=\"url\" type=\"string\"/>\n",
        "      <attribute id=\"amount\" title=\"amount\" type=\"long\"/>\n",
        "    </attributes>\n",
        "    <nodes>\n"
    ));
    for (index, node) in graph.nodes.iter().enumerate() {
        gexf_node(&mut out, node, viz(layout, index));
    }
    out.push_str("    </nodes>\n    <edges>\n");
    for (id, edge) in edges_with_ids(graph) {
        let (source, target) = endpoints(graph, edge);
        let _ = writeln!(
            out,
            "      <edge id=\"e{id}\" source=\"{}\" target=\"{}\" label=\"{}\"/>",
            escape(source),
            escape(target),
            escape(&edge.label)
        );
    }
    out.push_str("    </edges>\n  </graph>\n</gexf>\n");
    out
}

/// Position (y flipped) and size of a node, if the layout has it.
fn viz(layout: &Layout, index: usize) -> Option<(f64, f64, f64)> {
    let &(x, y) = layout.positions.get(index)?;
    let &r = layout.radii.get(index)?;
    Some((x, layout.height - y, r))
}

fn gexf_node(out: &mut String, node: &Node, viz: Option<(f64, f64, f64)>) {
    let _ = writeln!(
        out,
        "      <node id=\"{}\" label=\"{}\">\n        <attvalues>",
        escape(&node.key),
        escape(&node.label)
    );
    let _ = writeln!(
        out,
        "          <attvalue for=\"kind\" value=\"{}\"/>",
        escape(&node.kind)
    );
    let _ = writeln!(
        out,
        "          <attvalue for=\"url\" value=\"{}\"/>",
        escape(&node.url)
    );
    if let Some(amount) = node.amount {
        let _ = writeln!(
            out,
            "          <attvalue for=\"amount\" value=\"{amount}\"/>"
        );
    }
    out.push_str("        </attvalues>\n");
    if let Some((x, y, size)) = viz {
        let (r, g, b) = colour(&node.kind);
        let _ = writeln!(out, "        <viz:color r=\"{r}\" g=\"{g}\" b=\"{b}\"/>");
        let _ = writeln!(
            out,
            "        <viz:position x=\"{}\" y=\"{}\" z=\"0\"/>\n        <viz:size value=\"{}\"/>",
            num(x),
            num(y),
            num(size)
        );
    }
    out.push_str("      </node>\n");
}

/// A stable colour per kind, so a Gephi import looks like the site at once.
fn colour(kind: &str) -> (u8, u8, u8) {
    match kind {
        "partner" => (0x56, 0xb4, 0xe9),
        "action" => (0xe6, 0x9f, 0x00),
        "method" => (0x4c, 0xc3, 0xa0),
        "resource" => (0xcc, 0x79, 0xa7),
        _ => (127, 127, 127),
    }
}

/// GraphML with `<key>` declarations: node `label`, `kind`, `url`, `amount`
/// (long, actions only), edge `label`, and the graph's `name` (`title`).
pub fn graphml(graph: &Graph, title: &str) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str(concat!(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"",
        " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
        " xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
        "  <key id=\"name\" for=\"graph\" attr.name=\"name\" attr.type=\"string\"/>\n",
        "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n",
        "  <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n",
        "  <key id=\"url\" for=\"node\" attr.name=\"url\" attr.type=\"string\"/>\n",
        "  <key id=\"amount\" for=\"node\" attr.name=\"amount\" attr.type=\"long\"/>\n",
        "  <key id=\"edge-label\" for=\"edge\" attr.name=\"label\" attr.type=\"string\"/>\n",
        "  <graph id=\"actors\" edgedefault=\"directed\">\n"
    ));
    let _ = writeln!(out, "    <data key=\"name\">{}</data>", escape(title));
    for node in &graph.nodes {
        graphml_node(&mut out, node);
    }
    for (id, edge) in edges_with_ids(graph) {
        let (source, target) = endpoints(graph, edge);
        let _ = writeln!(
            out,
            "    <edge id=\"e{id}\" source=\"{}\" target=\"{}\">\n      <data key=\"edge-label\">{}</data>\n    </edge>",
            escape(source),
            escape(target),
            escape(&edge.label)
        );
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

fn graphml_node(out: &mut String, node: &Node) {
    let _ = writeln!(out, "    <node id=\"{}\">", escape(&node.key));
    let _ = writeln!(
        out,
        "      <data key=\"label\">{}</data>",
        escape(&node.label)
    );
    let _ = writeln!(
        out,
        "      <data key=\"kind\">{}</data>",
        escape(&node.kind)
    );
    let _ = writeln!(out, "      <data key=\"url\">{}</data>", escape(&node.url));
    if let Some(amount) = node.amount {
        let _ = writeln!(out, "      <data key=\"amount\">{amount}</data>");
    }
    out.push_str("    </node>\n");
}

/// Valid edges with their position in [`Graph::edges`] as a stable id.
fn edges_with_ids(graph: &Graph) -> impl Iterator<Item = (usize, &Edge)> {
    let len = graph.nodes.len();
    graph
        .edges
        .iter()
        .enumerate()
        .filter(move |(_, edge)| edge.source < len && edge.target < len)
}

/// Record keys of an edge's ends; only called on valid edges.
fn endpoints<'a>(graph: &'a Graph, edge: &Edge) -> (&'a str, &'a str) {
    (&graph.nodes[edge.source].key, &graph.nodes[edge.target].key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::layout::layout;
    use crate::graph::tests::{edge, node};

    fn sample() -> Graph {
        let mut action = node("a1", "action", "Jardin partagé");
        action.amount = Some(1_250_000);
        Graph {
            nodes: vec![node("p1", "partner", "<script>&\"'"), action],
            edges: vec![edge(0, 1, "pilote"), edge(1, 7, "dangling")],
        }
    }

    #[test]
    fn gexf_declares_attributes_and_escapes() {
        let graph = sample();
        let out = gexf(&graph, &layout(&graph), "Carte <&>");
        assert!(out.contains("xmlns=\"http://www.gexf.net/1.2draft\""));
        assert!(out.contains("<attribute id=\"amount\" title=\"amount\" type=\"long\"/>"));
        assert!(out.contains("<node id=\"p1\" label=\"&lt;script&gt;&amp;&quot;&#39;\">"));
        assert!(out.contains("<attvalue for=\"amount\" value=\"1250000\"/>"));
        assert!(out.contains("<edge id=\"e0\" source=\"p1\" target=\"a1\" label=\"pilote\"/>"));
        assert!(!out.contains("dangling"));
        assert!(out.contains("<description>Carte &lt;&amp;&gt;</description>"));
        assert!(!out.contains("<script"));
    }

    #[test]
    fn graphml_declares_keys_and_escapes() {
        let out = graphml(&sample(), "Carte");
        assert!(out.contains(
            "<key id=\"edge-label\" for=\"edge\" attr.name=\"label\" attr.type=\"string\"/>"
        ));
        assert!(out.contains("<data key=\"label\">&lt;script&gt;&amp;&quot;&#39;</data>"));
        assert!(out.contains("<data key=\"amount\">1250000</data>"));
        assert!(out.contains("<edge id=\"e0\" source=\"p1\" target=\"a1\">"));
        assert!(!out.contains("dangling"));
        assert!(!out.contains("<script"));
    }

    #[test]
    fn empty_graph_exports_are_complete_documents() {
        let empty = Graph::default();
        let gexf = gexf(&empty, &layout(&empty), "");
        assert!(gexf.contains("<nodes>\n    </nodes>") && gexf.ends_with("</gexf>\n"));
        let graphml = graphml(&empty, "");
        assert!(graphml.ends_with("</graphml>\n"));
    }
}

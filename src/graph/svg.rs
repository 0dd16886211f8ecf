//! Draws a laid-out [`Graph`] as inline SVG for the HTML page.
//!
//! The DOM shape is a contract with the page's script (it reads `data-source`,
//! `data-target`, `data-label` and the `n{index}` ids), so change it only
//! together with that script. Only geometry is written: colours come from CSS
//! classes (`node-{kind}`, `edge`), because the site's CSP forbids inline
//! styles. The output is well-formed XML and valid HTML5 once embedded.

use super::layout::Layout;
use super::{Graph, escape, num};
use std::fmt::Write as _;

/// Labels longer than this many characters are cut and end with "…".
/// Pixels per unit of the drawing on a wide screen.
const DISPLAY_SCALE: f64 = 1.25;

pub const LABEL_CHARS: usize = 28;
/// Gap between a circle and its label.
const LABEL_GAP: f64 = 4.0;
/// Lowers the text baseline so an ~11 px label looks centred on the circle.
const BASELINE_SHIFT: f64 = 4.0;

/// `title` is the accessible name; `kind_label` gives the localized name of a
/// kind for node tooltips.
pub fn svg(
    graph: &Graph,
    layout: &Layout,
    title: &str,
    kind_label: &dyn Fn(&str) -> String,
) -> String {
    let mut out = String::with_capacity(256 + 300 * graph.nodes.len() + 160 * graph.edges.len());
    // `write!` into a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(
        out,
        r#"<svg class="graph" viewBox="0 0 {} {}" width="{}" height="{}" role="group" aria-labelledby="graph-title" xmlns="http://www.w3.org/2000/svg">"#,
        num(layout.width),
        num(layout.height),
        // Drawn a little larger than its units, and never wider than the page
        // (the stylesheet scales it down): a small network stays small.
        num(layout.width * DISPLAY_SCALE),
        num(layout.height * DISPLAY_SCALE)
    );
    let _ = writeln!(out, r#"<title id="graph-title">{}</title>"#, escape(title));
    write_edges(&mut out, graph, layout);
    write_nodes(&mut out, graph, layout, kind_label);
    out.push_str("</svg>\n");
    out
}

/// Edges come first so circles and labels are painted over them.
fn write_edges(out: &mut String, graph: &Graph, layout: &Layout) {
    out.push_str(r#"<g class="edges">"#);
    for edge in graph.valid_edges() {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (
            layout.positions.get(edge.source),
            layout.positions.get(edge.target),
        ) else {
            continue;
        };
        let _ = write!(
            out,
            "\n<line class=\"edge\" data-source=\"n{}\" data-target=\"n{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"><title>{}</title></line>",
            edge.source,
            edge.target,
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            escape(&edge.label)
        );
    }
    out.push_str("\n</g>\n");
}

fn write_nodes(
    out: &mut String,
    graph: &Graph,
    layout: &Layout,
    kind_label: &dyn Fn(&str) -> String,
) {
    out.push_str(r#"<g class="nodes">"#);
    for (index, node) in graph.nodes.iter().enumerate() {
        let (Some(&(x, y)), Some(&r)) = (layout.positions.get(index), layout.radii.get(index))
        else {
            continue;
        };
        let label = escape(&node.label);
        let _ = write!(
            out,
            "\n<a class=\"node node-{}\" id=\"n{index}\" href=\"{}\" data-label=\"{label}\"><circle cx=\"{}\" cy=\"{}\" r=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text><title>{label} ({})</title></a>",
            class_name(&node.kind),
            escape(&node.url),
            num(x),
            num(y),
            num(r),
            num(x + r + LABEL_GAP),
            num(y + BASELINE_SHIFT),
            escape(&truncate(&node.label)),
            escape(&kind_label(&node.kind)),
        );
    }
    out.push_str("\n</g>\n");
}

/// The kind as a safe class-name suffix: ASCII letters, digits and '-' only.
fn class_name(kind: &str) -> String {
    kind.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// Shortens a label to [`LABEL_CHARS`] characters, "…" included.
fn truncate(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let kept: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::layout::layout;
    use crate::graph::tests::{edge, node};

    fn kind_label(kind: &str) -> String {
        match kind {
            "partner" => "Partenaire".to_owned(),
            other => other.to_owned(),
        }
    }

    fn sample() -> Graph {
        Graph {
            nodes: vec![
                node("p1", "partner", "<script>&\"alert('x')"),
                node(
                    "a1",
                    "action",
                    "Une action au titre vraiment très long pour tenir",
                ),
            ],
            edges: vec![edge(0, 1, "pilote <&>")],
        }
    }

    fn render(graph: &Graph) -> String {
        svg(
            graph,
            &layout(graph),
            "Carte des acteurs & <partenaires>",
            &kind_label,
        )
    }

    #[test]
    fn follows_the_dom_contract() {
        let out = render(&sample());
        assert!(out.starts_with(r#"<svg class="graph" viewBox="0 0 "#));
        assert!(out.contains(
            r#"role="group" aria-labelledby="graph-title" xmlns="http://www.w3.org/2000/svg">"#
        ));
        assert!(out.contains(
            r#"<title id="graph-title">Carte des acteurs &amp; &lt;partenaires&gt;</title>"#
        ));
        assert!(out.contains(r#"<line class="edge" data-source="n0" data-target="n1" x1=""#));
        assert!(out.contains(
            r#"<a class="node node-action" id="n1" href="/action/a1" data-label="Une action"#
        ));
        assert!(out.find(r#"<g class="edges">"#) < out.find(r#"<g class="nodes">"#));
        assert!(!out.contains("style="));
        assert!(out.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn everything_is_escaped() {
        let out = render(&sample());
        assert!(!out.contains("<script"));
        assert!(out.contains("data-label=\"&lt;script&gt;&amp;&quot;alert(&#39;x&#39;)\""));
        assert!(
            out.contains("<title>&lt;script&gt;&amp;&quot;alert(&#39;x&#39;) (Partenaire)</title>")
        );
        assert!(out.contains("<title>pilote &lt;&amp;&gt;</title>"));
    }

    #[test]
    fn long_labels_are_cut_but_kept_whole_in_data_and_title() {
        let out = render(&sample());
        assert!(out.contains(">Une action au titre vraimen…</text>"));
        assert!(out.contains("data-label=\"Une action au titre vraiment très long pour tenir\""));
        assert_eq!(truncate("court"), "court");
        assert_eq!(truncate(&"é".repeat(40)).chars().count(), LABEL_CHARS);
    }

    #[test]
    fn numbers_have_at_most_one_decimal() {
        let out = render(&sample());
        for value in out.split('"').filter(|v| v.parse::<f64>().is_ok()) {
            let decimals = value.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 1, "{value}");
        }
    }

    #[test]
    fn empty_graph_is_a_valid_empty_drawing() {
        let out = render(&Graph::default());
        assert!(out.contains("<g class=\"edges\">\n</g>"));
        assert!(out.contains("<g class=\"nodes\">\n</g>"));
        assert!(!out.contains("NaN") && !out.contains("inf"));
    }

    #[test]
    fn odd_kinds_become_safe_classes() {
        assert_eq!(class_name("Resource \"x\""), "resource--x-");
    }
}

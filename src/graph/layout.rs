//! Places the nodes of a [`Graph`] on a canvas: a deterministic
//! Fruchterman–Reingold force-directed layout, run per connected component
//! and packed in rows, so nothing depends on randomness or on one component
//! pushing another away.
//!
//! Repulsion only acts between nodes closer than a cut-off, found through a
//! grid of cells (the "grid variant" of Fruchterman–Reingold), which keeps an
//! iteration near linear in the number of nodes; a weak pull towards the
//! component's centre stands in for the far-away repulsion it leaves out.

use super::Graph;

/// Empty space kept around the drawing on every side.
pub const MARGIN: f64 = 24.0;
/// Extra room on the right, where the last column's labels are written.
pub const LABEL_ROOM: f64 = 170.0;
pub const MIN_RADIUS: f64 = 5.0;
pub const MAX_RADIUS: f64 = 22.0;

/// Growth of a degree-sized node: 5 px alone, 10 px with 4 links, 22 px at 46.
const RADIUS_PER_SQRT_DEGREE: f64 = 2.5;
/// Ideal edge length between two small nodes.
const IDEAL: f64 = 60.0;
/// Beyond this distance two nodes ignore each other.
const CUTOFF: f64 = 1.5 * IDEAL + 2.0 * MAX_RADIUS;
/// Pull towards the component's centre, per pixel of distance.
const GRAVITY: f64 = 0.4;
const ITERATIONS: usize = 180;
/// Final passes that only push apart circles still overlapping.
const SEPARATION_PASSES: usize = 40;
/// Room kept between two circles in those passes.
const CIRCLE_GAP: f64 = 4.0;
/// Space between packed components: across, room for most of a label;
/// down, a little air between rows.
const GAP_X: f64 = 110.0;
const GAP_Y: f64 = 40.0;
/// Small graphs still get a canvas of reasonable proportions.
const MIN_WIDTH: f64 = 480.0;
const MIN_HEIGHT: f64 = 320.0;
/// Wanted width/height ratio of the packed components.
const ASPECT: f64 = 1.5;
const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;

/// Where each node goes (same order as [`Graph::nodes`]), in a canvas of
/// `width` × `height` pixels; `positions` are circle centres.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub positions: Vec<(f64, f64)>,
    pub radii: Vec<f64>,
}

/// Deterministic force-directed layout: same graph, same picture.
///
/// Every centre lies within `[MARGIN, width - MARGIN]` × `[MARGIN, height -
/// MARGIN]`, circles included, with [`LABEL_ROOM`] more on the right.
pub fn layout(graph: &Graph) -> Layout {
    let radii = radii(graph);
    let neighbours = neighbours(graph);
    let pieces: Vec<Piece> = components(&neighbours)
        .into_iter()
        .map(|nodes| Piece::laid_out(nodes, &neighbours, &radii))
        .collect();
    let (offsets, content_width, content_height) = pack(&pieces);
    let width = (content_width + 2.0 * MARGIN + LABEL_ROOM).max(MIN_WIDTH);
    let height = (content_height + 2.0 * MARGIN).max(MIN_HEIGHT);
    // Centre the drawing when the minimum canvas is larger than it.
    let left = MARGIN + (width - 2.0 * MARGIN - LABEL_ROOM - content_width) / 2.0;
    let top = MARGIN + (height - 2.0 * MARGIN - content_height) / 2.0;
    let mut positions = vec![(0.0, 0.0); graph.nodes.len()];
    for (piece, (dx, dy)) in pieces.iter().zip(offsets) {
        for (&node, &(x, y)) in piece.nodes.iter().zip(&piece.positions) {
            positions[node] = (left + dx + x, top + dy + y);
        }
    }
    Layout {
        width,
        height,
        positions,
        radii,
    }
}

/// Actions with an amount are sized by it, relative to the largest amount;
/// everything else by the square root of its degree.
fn radii(graph: &Graph) -> Vec<f64> {
    let degrees = graph.degrees();
    let largest = graph
        .nodes
        .iter()
        .filter_map(action_amount)
        .max()
        .unwrap_or(0);
    graph
        .nodes
        .iter()
        .zip(degrees)
        .map(|(node, degree)| match action_amount(node) {
            Some(amount) if largest > 0 => {
                let share = (amount as f64 / largest as f64).sqrt();
                MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * share
            }
            _ => (MIN_RADIUS + RADIUS_PER_SQRT_DEGREE * (degree as f64).sqrt()).min(MAX_RADIUS),
        })
        .collect()
}

fn action_amount(node: &super::Node) -> Option<i64> {
    node.amount.filter(|&a| a > 0 && node.kind == "action")
}

/// Distinct neighbours of each node, sorted; self-loops and duplicate edges
/// add no force.
fn neighbours(graph: &Graph) -> Vec<Vec<usize>> {
    let mut lists = vec![Vec::new(); graph.nodes.len()];
    for edge in graph.valid_edges() {
        if edge.source != edge.target {
            lists[edge.source].push(edge.target);
            lists[edge.target].push(edge.source);
        }
    }
    for list in &mut lists {
        list.sort_unstable();
        list.dedup();
    }
    lists
}

/// Connected components, largest first (then by lowest node index), each
/// listing its nodes by decreasing degree so hubs start in the middle.
fn components(neighbours: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut seen = vec![false; neighbours.len()];
    let mut found = Vec::new();
    for start in 0..neighbours.len() {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut members = vec![start];
        let mut next = 0;
        while let Some(&node) = members.get(next) {
            next += 1;
            for &other in &neighbours[node] {
                if !seen[other] {
                    seen[other] = true;
                    members.push(other);
                }
            }
        }
        members.sort_by_key(|&n| (std::cmp::Reverse(neighbours[n].len()), n));
        found.push(members);
    }
    // Stable: equal sizes keep the order of their lowest index.
    found.sort_by_key(|members| std::cmp::Reverse(members.len()));
    found
}

/// One connected component laid out on its own, with its top-left corner
/// (circles included) at the origin.
struct Piece {
    nodes: Vec<usize>,
    positions: Vec<(f64, f64)>,
    width: f64,
    height: f64,
}

impl Piece {
    fn laid_out(nodes: Vec<usize>, neighbours: &[Vec<usize>], all_radii: &[f64]) -> Piece {
        let radii: Vec<f64> = nodes.iter().map(|&n| all_radii[n]).collect();
        let edges = local_edges(&nodes, neighbours);
        let mut positions = spiral(nodes.len());
        let mut forces = Forces {
            radii: &radii,
            edges: &edges,
            displacement: vec![(0.0, 0.0); nodes.len()],
        };
        forces.run(&mut positions);
        let (width, height) = fit_to_origin(&mut positions, &radii);
        Piece {
            nodes,
            positions,
            width,
            height,
        }
    }
}

/// The component's edges, in local indices, each once, with the weight of
/// their pull: edges between well-connected nodes pull less, otherwise the
/// hubs' combined pull crushes the core of a dense map into a heap.
fn local_edges(nodes: &[usize], neighbours: &[Vec<usize>]) -> Vec<(usize, usize, f64)> {
    let mut local = vec![usize::MAX; neighbours.len()];
    for (i, &node) in nodes.iter().enumerate() {
        local[node] = i;
    }
    let mut edges = Vec::new();
    for (i, &node) in nodes.iter().enumerate() {
        for &other in &neighbours[node] {
            let j = local[other];
            if i < j {
                let least = neighbours[node].len().min(neighbours[other].len());
                edges.push((i, j, 1.0 / (least as f64).sqrt()));
            }
        }
    }
    edges
}

/// Sunflower spiral: evenly spread, distinct starting points, first ones
/// (the hubs) in the middle; no randomness needed.
fn spiral(count: usize) -> Vec<(f64, f64)> {
    (0..count)
        .map(|i| {
            let radius = IDEAL * 0.6 * (i as f64).sqrt();
            let angle = i as f64 * GOLDEN_ANGLE;
            (radius * angle.cos(), radius * angle.sin())
        })
        .collect()
}

/// Moves the points so the circles' bounding box starts at (0, 0); returns
/// its size.
fn fit_to_origin(positions: &mut [(f64, f64)], radii: &[f64]) -> (f64, f64) {
    let mut min = (f64::INFINITY, f64::INFINITY);
    let mut max = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for (&(x, y), &r) in positions.iter().zip(radii) {
        min = (min.0.min(x - r), min.1.min(y - r));
        max = (max.0.max(x + r), max.1.max(y + r));
    }
    if positions.is_empty() {
        return (0.0, 0.0);
    }
    for point in positions.iter_mut() {
        *point = (point.0 - min.0, point.1 - min.1);
    }
    (max.0 - min.0, max.1 - min.1)
}

/// The simulation state of one component.
struct Forces<'a> {
    radii: &'a [f64],
    edges: &'a [(usize, usize, f64)],
    displacement: Vec<(f64, f64)>,
}

impl Forces<'_> {
    fn run(&mut self, positions: &mut [(f64, f64)]) {
        if positions.len() < 2 {
            return;
        }
        // Start hot enough to untangle the spiral, cool quadratically to a
        // small step so the last iterations only polish.
        let hot = IDEAL * (positions.len() as f64).sqrt() / 3.0;
        let cold = IDEAL / 50.0;
        for step in 0..ITERATIONS {
            let left = 1.0 - step as f64 / ITERATIONS as f64;
            let temperature = cold + (hot - cold) * left * left;
            self.clear();
            self.repel(positions);
            self.attract(positions);
            self.pull_to_centre(positions);
            self.apply(positions, temperature);
        }
        for _ in 0..SEPARATION_PASSES {
            self.clear();
            self.separate(positions);
            self.apply(positions, IDEAL);
        }
    }

    fn clear(&mut self) {
        self.displacement.fill((0.0, 0.0));
    }

    /// k²/d between close pairs, k growing with both radii so big circles
    /// claim more room.
    fn repel(&mut self, positions: &[(f64, f64)]) {
        let radii = self.radii;
        let displacement = &mut self.displacement;
        for_close_pairs(positions, CUTOFF, |i, j, (ux, uy), distance| {
            let k = IDEAL + radii[i] + radii[j];
            let force = k * k / distance;
            push(displacement, i, j, (ux * force, uy * force));
        });
    }

    /// d²/k along every edge, weighted.
    fn attract(&mut self, positions: &[(f64, f64)]) {
        for &(i, j, weight) in self.edges {
            let (ux, uy, distance) = direction(positions[i], positions[j], i, j);
            let force = weight * distance * distance / IDEAL;
            push(&mut self.displacement, i, j, (-ux * force, -uy * force));
        }
    }

    fn pull_to_centre(&mut self, positions: &[(f64, f64)]) {
        let count = positions.len() as f64;
        let (sx, sy) = positions
            .iter()
            .fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x, sy + y));
        let centre = (sx / count, sy / count);
        for (shift, &(x, y)) in self.displacement.iter_mut().zip(positions) {
            shift.0 += (centre.0 - x) * GRAVITY;
            shift.1 += (centre.1 - y) * GRAVITY;
        }
    }

    /// Half the overlap to each side, for circles closer than their radii.
    fn separate(&mut self, positions: &[(f64, f64)]) {
        let radii = self.radii;
        let displacement = &mut self.displacement;
        let reach = 2.0 * MAX_RADIUS + CIRCLE_GAP;
        for_close_pairs(positions, reach, |i, j, (ux, uy), distance| {
            let overlap = radii[i] + radii[j] + CIRCLE_GAP - distance;
            if overlap > 0.0 {
                push(displacement, i, j, (ux * overlap / 2.0, uy * overlap / 2.0));
            }
        });
    }

    /// Moves each node along its displacement, by at most `limit`.
    fn apply(&self, positions: &mut [(f64, f64)], limit: f64) {
        for (point, &(dx, dy)) in positions.iter_mut().zip(&self.displacement) {
            let length = (dx * dx + dy * dy).sqrt();
            if length > 0.0 && length.is_finite() {
                let step = length.min(limit) / length;
                *point = (point.0 + dx * step, point.1 + dy * step);
            }
        }
    }
}

/// Adds `force` to i and its opposite to j.
fn push(displacement: &mut [(f64, f64)], i: usize, j: usize, force: (f64, f64)) {
    displacement[i].0 += force.0;
    displacement[i].1 += force.1;
    displacement[j].0 -= force.0;
    displacement[j].1 -= force.1;
}

/// Unit vector from b to a and the distance; coincident points get a
/// direction made from their indices, so they still part deterministically.
fn direction(a: (f64, f64), b: (f64, f64), i: usize, j: usize) -> (f64, f64, f64) {
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    let distance = (dx * dx + dy * dy).sqrt();
    if distance > 0.01 {
        (dx / distance, dy / distance, distance)
    } else {
        let angle = (i * 7 + j * 13) as f64;
        (angle.cos(), angle.sin(), 0.01)
    }
}

/// Calls `visit(i, j, unit vector j→i, distance)` once for every pair closer
/// than `reach`. With `reach`-sized cells, a pair is either in one cell or in
/// two touching ones; each cell is compared with itself and with the four
/// neighbours after it (right, and the three below), so no pair is seen twice.
fn for_close_pairs(
    positions: &[(f64, f64)],
    reach: f64,
    mut visit: impl FnMut(usize, usize, (f64, f64), f64),
) {
    let grid = Grid::new(positions, reach);
    let mut check = |i: usize, j: usize| {
        let (a, b) = (positions[i], positions[j]);
        let (dx, dy) = (a.0 - b.0, a.1 - b.1);
        if dx * dx + dy * dy < reach * reach {
            let (ux, uy, distance) = direction(a, b, i, j);
            visit(i, j, (ux, uy), distance);
        }
    };
    for row in 0..grid.rows {
        for column in 0..grid.columns {
            let here = grid.members(column, row);
            for (slot, &i) in here.iter().enumerate() {
                for &j in &here[slot + 1..] {
                    check(i, j);
                }
            }
            for (next_column, next_row) in grid.forward_neighbours(column, row) {
                for &i in here {
                    for &j in grid.members(next_column, next_row) {
                        check(i, j);
                    }
                }
            }
        }
    }
}

/// Nodes bucketed by cell (a counting sort: `order` holds node indices cell
/// after cell, `starts[c]..starts[c + 1]` is cell c's slice).
struct Grid {
    origin: (f64, f64),
    size: f64,
    columns: usize,
    rows: usize,
    starts: Vec<usize>,
    order: Vec<usize>,
}

impl Grid {
    fn new(positions: &[(f64, f64)], reach: f64) -> Grid {
        let mut origin = (f64::INFINITY, f64::INFINITY);
        let mut end = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for &(x, y) in positions {
            origin = (origin.0.min(x), origin.1.min(y));
            end = (end.0.max(x), end.1.max(y));
        }
        // A spread-out component would need many empty cells: cap their
        // number, bigger cells still cover the reach.
        let span = ((end.0 - origin.0).max(0.0), (end.1 - origin.1).max(0.0));
        let budget = (4 * positions.len() + 64) as f64;
        let size = reach.max((span.0 * span.1 / budget).sqrt());
        let columns = (span.0 / size) as usize + 1;
        let rows = (span.1 / size) as usize + 1;
        let mut grid = Grid {
            origin,
            size,
            columns,
            rows,
            starts: vec![0; columns * rows + 1],
            order: vec![0; positions.len()],
        };
        grid.fill(positions);
        grid
    }

    fn fill(&mut self, positions: &[(f64, f64)]) {
        let cells: Vec<usize> = positions
            .iter()
            .map(|&p| {
                let (column, row) = self.cell(p);
                row * self.columns + column
            })
            .collect();
        for &cell in &cells {
            self.starts[cell + 1] += 1;
        }
        for c in 1..self.starts.len() {
            self.starts[c] += self.starts[c - 1];
        }
        let mut next = self.starts.clone();
        for (node, &cell) in cells.iter().enumerate() {
            self.order[next[cell]] = node;
            next[cell] += 1;
        }
    }

    fn cell(&self, (x, y): (f64, f64)) -> (usize, usize) {
        // `as` saturates, and NaN becomes 0: always a valid cell.
        let column = ((x - self.origin.0) / self.size) as usize;
        let row = ((y - self.origin.1) / self.size) as usize;
        (column.min(self.columns - 1), row.min(self.rows - 1))
    }

    /// The touching cells that come after (column, row) in reading order.
    fn forward_neighbours(
        &self,
        column: usize,
        row: usize,
    ) -> impl Iterator<Item = (usize, usize)> + use<> {
        let (columns, rows) = (self.columns, self.rows);
        let candidates = [
            (Some(column + 1), row),
            (column.checked_sub(1), row + 1),
            (Some(column), row + 1),
            (Some(column + 1), row + 1),
        ];
        candidates
            .into_iter()
            .filter_map(move |(c, r)| c.filter(|&c| c < columns && r < rows).map(|c| (c, r)))
    }

    fn members(&self, column: usize, row: usize) -> &[usize] {
        let cell = row * self.columns + column;
        &self.order[self.starts[cell]..self.starts[cell + 1]]
    }
}

/// Shelf packing: pieces left to right in rows about `ASPECT` times wider
/// than tall; returns each piece's offset and the total size.
fn pack(pieces: &[Piece]) -> (Vec<(f64, f64)>, f64, f64) {
    let area: f64 = pieces
        .iter()
        .map(|p| (p.width + GAP_X) * (p.height + GAP_Y))
        .sum();
    let widest = pieces.iter().map(|p| p.width).fold(0.0, f64::max);
    let row_width = widest.max((area * ASPECT).sqrt());
    let (mut x, mut y, mut row_height) = (0.0, 0.0, 0.0_f64);
    let (mut total_width, mut total_height) = (0.0_f64, 0.0_f64);
    let mut offsets = Vec::with_capacity(pieces.len());
    for piece in pieces {
        if x > 0.0 && x + piece.width > row_width {
            x = 0.0;
            y += row_height + GAP_Y;
            row_height = 0.0;
        }
        offsets.push((x, y));
        total_width = total_width.max(x + piece.width);
        total_height = total_height.max(y + piece.height);
        row_height = row_height.max(piece.height);
        x += piece.width + GAP_X;
    }
    (offsets, total_width, total_height)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::{edge, node};
    use crate::graph::{Edge, Node};

    /// A deterministic pseudo-random graph (xorshift), with hubs and a few
    /// separate components, shaped like a real map of actors.
    fn sample(node_count: usize, edge_count: usize) -> Graph {
        let kinds = ["partner", "action", "method", "resource"];
        let nodes: Vec<Node> = (0..node_count)
            .map(|i| {
                let mut n = node(&format!("k{i}"), kinds[i % 4], &format!("Node {i}"));
                if i % 4 == 1 {
                    n.amount = Some((i as i64 % 17) * 100_000);
                }
                n
            })
            .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let edges: Vec<Edge> = (0..edge_count)
            .map(|_| {
                // Squaring skews targets towards low indices: hubs.
                let a = (next() % node_count as u64) as usize;
                let r = (next() % 1000) as f64 / 1000.0;
                let b = ((r * r) * node_count as f64) as usize;
                edge(a, b, "pilote")
            })
            .collect();
        Graph { nodes, edges }
    }

    /// Circles inside the margins (label room included), up to rounding.
    fn assert_inside(layout: &Layout) {
        let e = 1e-6;
        for (&(x, y), &r) in layout.positions.iter().zip(&layout.radii) {
            assert!(
                x - r >= MARGIN - e && x + r <= layout.width - MARGIN - LABEL_ROOM + e,
                "x={x}"
            );
            assert!(
                y - r >= MARGIN - e && y + r <= layout.height - MARGIN + e,
                "y={y}"
            );
        }
    }

    #[test]
    fn same_graph_same_positions_all_inside() {
        let mut graph = sample(120, 300);
        // Isolated nodes and a separate pair: components must be packed.
        graph.nodes.push(node("lonely", "partner", "Lonely"));
        graph.nodes.push(node("p1", "method", "Pair one"));
        graph.nodes.push(node("p2", "resource", "Pair two"));
        let len = graph.nodes.len();
        graph.edges.push(edge(len - 2, len - 1, "s'appuie sur"));
        let first = layout(&graph);
        let second = layout(&graph.clone());
        assert_eq!(first, second);
        assert_eq!(first.positions.len(), len);
        assert_inside(&first);
    }

    /// Not a benchmark, just a figure to eyeball:
    /// `cargo test --release -- --ignored --nocapture timing`.
    #[test]
    #[ignore = "prints a timing; meaningful in release mode only"]
    fn timing_500_nodes_2000_edges() {
        let graph = sample(500, 2000);
        let start = std::time::Instant::now();
        let laid = layout(&graph);
        println!("layout of 500 nodes, 2000 edges: {:?}", start.elapsed());
        assert_inside(&laid);
    }

    #[test]
    fn empty_graph_has_a_canvas_and_no_nan() {
        let empty = layout(&Graph::default());
        assert!(empty.positions.is_empty() && empty.radii.is_empty());
        assert!(empty.width >= MIN_WIDTH && empty.height >= MIN_HEIGHT);
        assert!(empty.width.is_finite() && empty.height.is_finite());
    }

    #[test]
    fn tiny_graphs_stay_finite_and_inside() {
        let one = Graph {
            nodes: vec![node("a", "partner", "A")],
            edges: vec![edge(0, 0, "self")],
        };
        let two = Graph {
            nodes: vec![node("a", "partner", "A"), node("b", "action", "B")],
            edges: vec![edge(0, 1, "pilote"), edge(1, 0, "pilote")],
        };
        for graph in [one, two] {
            let laid = layout(&graph);
            assert!(
                laid.positions
                    .iter()
                    .all(|p| p.0.is_finite() && p.1.is_finite())
            );
            assert_inside(&laid);
        }
    }

    #[test]
    fn circles_do_not_overlap_much() {
        let laid = layout(&sample(80, 160));
        let mut worst: f64 = 0.0;
        for i in 0..laid.positions.len() {
            for j in i + 1..laid.positions.len() {
                let (a, b) = (laid.positions[i], laid.positions[j]);
                let distance = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
                worst = worst.max(laid.radii[i] + laid.radii[j] - distance);
            }
        }
        assert!(worst < 2.0, "circles overlap by {worst} px");
    }

    #[test]
    fn radii_follow_degree_or_amount() {
        let mut graph = Graph {
            nodes: vec![
                node("a", "action", "A"),
                node("b", "action", "B"),
                node("p", "partner", "P"),
                node("q", "partner", "Q"),
            ],
            edges: vec![edge(2, 0, "pilote"), edge(2, 1, "pilote"), edge(2, 3, "x")],
        };
        graph.nodes[0].amount = Some(400);
        graph.nodes[1].amount = Some(100);
        let radii = radii(&graph);
        assert_eq!(radii[0], MAX_RADIUS);
        assert_eq!(radii[1], MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) / 2.0);
        assert!(radii[2] > radii[3] && radii[3] > MIN_RADIUS);
    }
}

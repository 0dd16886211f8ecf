//! Server-rendered SVG charts for the dashboard page.
//!
//! `plotters` (SVG backend only, no font feature) draws the frame of each
//! chart: title, legend, axes, grid, tick labels and the line of a line chart.
//! The marks a reader can click (bars, stacked segments, timeline spans, line
//! points) are written by this module as `<a href><title/><rect/></a>`, placed
//! with the very coordinate mapping plotters used (`ChartContext::backend_coord`),
//! so each mark is one element that is both visible and a link.
//!
//! The string each function returns is meant to be embedded inline in an HTML
//! page that must pass the W3C Nu checker, axe-core and a CSP without inline
//! styles. Hence:
//! - no `style=` attribute anywhere, no XML declaration, no width/height on the
//!   root (only a `viewBox`), so CSS (`.chart { width: 100%; height: auto }`)
//!   makes it scale down to a phone;
//! - the root is `role="group"` labelled by a `<title>`, not `role="img"`: axe
//!   treats the children of an `img` as presentational and reports the links
//!   inside it (`nested-interactive`), and screen readers would not reach them;
//! - plotters' own drawing is wrapped in `<g aria-hidden="true">` because every
//!   datum is also spoken through its link's name ("2019 — Grants: 12 500 €");
//! - the root's `id`s are derived from the chart kind and a slug of the title,
//!   so two charts of the same kind and title on one page would clash.
//!
//! Text is laid out with plotters' fallback estimator (the `ttf` feature is
//! off), so rendering never needs a font on the server; browsers draw the text.

use std::error::Error;
use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::graph::escape;

/// One bar of a horizontal bar chart, or one point of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub href: String,
}

/// One colour of a stacked bar chart: a value and a link per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// One per category; missing ones count as 0.
    pub values: Vec<f64>,
    /// One per category; a segment without one links to `#`.
    pub hrefs: Vec<String>,
}

/// One row of a timeline, from `start` to `end`, both years inclusive.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub label: String,
    pub start: i32,
    pub end: i32,
    pub href: String,
}

/// The width of every chart in SVG units; the page scales it with CSS.
/// 720 keeps labels readable when shrunk to a 360 px phone (half size).
const WIDTH: u32 = 720;
const MARGIN: i32 = 12;
const FONT: &str = "sans-serif";
// Plotters writes `font-size = size / 1.24`: these give about 14 px labels
// and an 18 px title in the SVG's own units.
const LABEL_SIZE: f64 = 17.0;
const TITLE_SIZE: f64 = 22.5;
/// Rendered label font size in SVG units, used to estimate text widths.
const LABEL_PX: f64 = LABEL_SIZE / 1.24;
/// Height of the title band at the top of every chart.
const TITLE_BAND: i32 = 40;
/// Height of one row in horizontal bar charts and timelines.
const ROW: i32 = 28;

/// Dark grey on white: about 12.6:1 contrast, well above WCAG AA.
const TEXT: RGBColor = RGBColor(0x33, 0x33, 0x33);
const AXIS: RGBColor = RGBColor(0x66, 0x66, 0x66);
const GRID: RGBColor = RGBColor(0xE2, 0xE2, 0xE2);

/// Okabe–Ito, reordered so that the first colours are the most distinct and
/// the pale yellow comes last; it stays readable for the common colour-vision
/// deficiencies. Charts with one colour use the first.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// Longest label kept on a category axis, in characters, before "…".
const MAX_CATEGORY_CHARS: usize = 14;
/// Longest title kept, in characters, before "…".
const MAX_TITLE_CHARS: usize = 70;

type DrawResult = Result<(), Box<dyn Error>>;

/// A clickable mark, in SVG pixel coordinates, written after plotters' output.
struct Mark {
    shape: Shape,
    fill: RGBColor,
    href: String,
    /// Tooltip and accessible name: "label: formatted value".
    tip: String,
}

enum Shape {
    /// A bar; `separated` draws a white edge between stacked segments.
    Rect {
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        separated: bool,
    },
    /// A line point: a visible dot and a larger, invisible touch target.
    Dot { cx: i32, cy: i32, r: i32, hit: i32 },
}

/// Vertical stacked bars: categories on x (e.g. years), one colour per series
/// (legend), `format` formats values for tooltips and the y axis.
/// Negative and non-finite values are drawn as 0 (a stack cannot show them).
pub fn stacked_bars(
    title: &str,
    categories: &[String],
    series: &[Series],
    format: &dyn Fn(f64) -> String,
) -> String {
    let n = categories.len();
    let value = |s: &Series, i: usize| s.values.get(i).copied().map_or(0.0, clean);
    let max_total = (0..n)
        .map(|i| series.iter().map(|s| value(s, i)).sum::<f64>())
        .fold(0.0, f64::max);
    let integral = series
        .iter()
        .flat_map(|s| &s.values)
        .all(|v| v.fract() == 0.0);
    let y_axis = value_axis(0.0, max_total, integral);
    let y_max = y_axis.range.end;

    let names: Vec<String> = series.iter().map(|s| truncate(&s.name, 30)).collect();
    let legend = legend_layout(&names);
    let legend_h = legend.last().map_or(0, |item| item.y - TITLE_BAND + ROW);
    let height = 400 + legend_h as u32;

    render("stacked", title, (WIDTH, height), |root, marks| {
        draw_title(root, title)?;
        draw_legend(root, &legend, &names)?;
        let (_, area) = root.split_vertically(TITLE_BAND + legend_h);
        let labels: Vec<&str> = categories.iter().map(String::as_str).collect();
        let (chart, _) = category_chart(&area, &labels, y_axis, [0.0, y_max, y_max / 2.0], format)?;

        for (i, category) in categories.iter().enumerate() {
            let mut base = 0.0;
            for (k, s) in series.iter().enumerate() {
                let v = value(s, i);
                if v <= 0.0 {
                    continue;
                }
                let x = i as f64;
                let (x0, y1) = chart.backend_coord(&(x - 0.35, base));
                let (x1, y0) = chart.backend_coord(&(x + 0.35, base + v));
                base += v;
                marks.push(Mark {
                    shape: Shape::Rect {
                        x0,
                        y0,
                        x1,
                        y1,
                        separated: true,
                    },
                    fill: PALETTE[k % PALETTE.len()],
                    href: s.hrefs.get(i).cloned().unwrap_or_else(|| "#".to_owned()),
                    tip: format!("{category} — {}: {}", s.name, format(v)),
                });
            }
        }
        Ok(())
    })
}

/// Horizontal bars, top to bottom in the given order (e.g. actions per
/// partner, methods most used), label on the left, value at the end of the bar.
/// Negative and non-finite values are drawn as 0.
pub fn horizontal_bars(title: &str, bars: &[Bar], format: &dyn Fn(f64) -> String) -> String {
    let n = bars.len();
    let max = bars.iter().map(|b| clean(b.value)).fold(0.0, f64::max);
    // The label column takes at most 40 % of the width; longer labels are cut.
    let max_label_w = f64::from(WIDTH) * 0.4;
    let label_chars = ((max_label_w - 16.0) / (LABEL_PX * 0.56)) as usize;
    let labels: Vec<String> = bars
        .iter()
        .map(|b| truncate(&b.label, label_chars))
        .collect();
    let label_w = axis_label_width(&labels).min(max_label_w as i32);
    let values: Vec<String> = bars.iter().map(|b| format(clean(b.value))).collect();
    let value_w = text_width_max(&values) + 8;
    let plot_w = WIDTH as i32 - 2 * MARGIN - label_w;
    // Leave room right of the longest bar for its value label.
    let room = (f64::from(value_w) / f64::from(plot_w.max(1))).min(0.5);
    let integral = bars.iter().all(|b| b.value.fract() == 0.0);
    let x_axis = value_axis(0.0, max / (1.0 - room), integral);
    let height = (TITLE_BAND + 4 + ROW * n.max(1) as i32 + 30 + MARGIN) as u32;

    render("hbars", title, (WIDTH, height), |root, marks| {
        draw_title(root, title)?;
        let (_, area) = root.split_vertically(TITLE_BAND);
        let y_keys: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let y_range = KeyedAxis::categories(n, y_keys);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_top(4)
            .margin_right(MARGIN + 18)
            .x_label_area_size(30)
            .y_label_area_size(label_w)
            .build_cartesian_2d(x_axis, y_range)?;
        // Row 0 is at the top: plotters' y grows upwards, so rows are flipped.
        let row_y = |i: usize| (n - 1 - i) as f64;
        let x_fmt = |x: &f64| format(*x);
        let y_fmt = |y: &f64| row_label(&labels, *y);
        configure_mesh(&mut chart, Grid::Vertical, &x_fmt, &y_fmt)?;

        for (i, bar) in bars.iter().enumerate() {
            let v = clean(bar.value);
            let y = row_y(i);
            let (x0, y0) = chart.backend_coord(&(0.0, y + 0.32));
            let (x1, y1) = chart.backend_coord(&(v, y - 0.32));
            let value_text = values.get(i).cloned().unwrap_or_default();
            root.draw(&Text::new(
                value_text.clone(),
                (x1 + 6, (y0 + y1) / 2),
                label_style().pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            if x1 <= x0 {
                // A zero bar has nothing to click; its value label still shows.
                continue;
            }
            marks.push(Mark {
                shape: Shape::Rect {
                    x0,
                    y0,
                    x1,
                    y1,
                    separated: false,
                },
                fill: PALETTE[0],
                href: bar.href.clone(),
                tip: format!("{}: {value_text}", bar.label),
            });
        }
        Ok(())
    })
}

/// A line with point markers over labelled x positions (e.g. cumulative
/// number of records per month). Non-finite values are drawn as 0; the y axis
/// starts at 0 unless a value is negative.
pub fn line(title: &str, points: &[Bar], format: &dyn Fn(f64) -> String) -> String {
    let n = points.len();
    let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
    let max = points.iter().map(|p| finite(p.value)).fold(0.0, f64::max);
    let min = points.iter().map(|p| finite(p.value)).fold(0.0, f64::min);
    let integral = points.iter().all(|p| p.value.fract() == 0.0);
    let y_axis = value_axis(min, max, integral);
    let (y_min, y_max) = (y_axis.range.start, y_axis.range.end);
    let height = 400;

    render("line", title, (WIDTH, height), |root, marks| {
        draw_title(root, title)?;
        let (_, area) = root.split_vertically(TITLE_BAND);
        let labels: Vec<&str> = points.iter().map(|p| p.label.as_str()).collect();
        let middle = (y_max + y_min) / 2.0;
        let (mut chart, plot_w) =
            category_chart(&area, &labels, y_axis, [y_min, y_max, middle], format)?;

        let color = PALETTE[0];
        let path: Vec<(f64, f64)> = points
            .iter()
            .enumerate()
            .map(|(i, p)| (i as f64, finite(p.value)))
            .collect();
        if path.len() > 1 {
            chart.draw_series(std::iter::once(PathElement::new(
                path.clone(),
                ShapeStyle::from(color).stroke_width(2),
            )))?;
        }
        // Dots shrink when points are dense, so they do not merge into a band;
        // the invisible touch target stays at least as large as the dot.
        let spacing = plot_w / n.max(1) as i32;
        let r = (spacing / 3).clamp(2, 4);
        let hit = (spacing / 2).clamp(r, 12);
        for ((x, y), p) in path.iter().zip(points) {
            let (cx, cy) = chart.backend_coord(&(*x, *y));
            marks.push(Mark {
                shape: Shape::Dot { cx, cy, r, hit },
                fill: color,
                href: p.href.clone(),
                tip: format!("{}: {}", p.label, format(*y)),
            });
        }
        Ok(())
    })
}

/// A timeline (Gantt chart): one horizontal segment per span from its start
/// year to its end year (inclusive), labelled on the left, in the given order.
/// A span whose end is before its start is drawn from end to start.
pub fn timeline(title: &str, spans: &[Span]) -> String {
    let n = spans.len();
    let years = |s: &Span| (s.start.min(s.end), s.start.max(s.end));
    let first = spans.iter().map(|s| years(s).0).min();
    let last = spans.iter().map(|s| years(s).1).max();
    let max_label_w = f64::from(WIDTH) * 0.4;
    let label_chars = ((max_label_w - 16.0) / (LABEL_PX * 0.56)) as usize;
    let labels: Vec<String> = spans
        .iter()
        .map(|s| truncate(&s.label, label_chars))
        .collect();
    let label_w = axis_label_width(&labels).min(max_label_w as i32);
    // The axis runs from the first year to the end of the last one (an end
    // year is included); an empty timeline gets a bare axis with no year.
    let x_axis = match (first, last) {
        (Some(a), Some(b)) => {
            let (a, end) = (i64::from(a), i64::from(b) + 1);
            let plot_w = i64::from(WIDTH as i32 - 2 * MARGIN - label_w);
            let max_ticks = (plot_w / 56).clamp(2, 10);
            KeyedAxis {
                range: a as f64..end as f64,
                keys: year_keys(a, end, max_ticks),
            }
        }
        _ => KeyedAxis {
            range: 0.0..1.0,
            keys: Vec::new(),
        },
    };
    let height = (TITLE_BAND + 4 + ROW * n.max(1) as i32 + 30 + MARGIN) as u32;

    render("timeline", title, (WIDTH, height), |root, marks| {
        draw_title(root, title)?;
        let (_, area) = root.split_vertically(TITLE_BAND);
        let y_keys: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_top(4)
            .margin_right(MARGIN + 14)
            .x_label_area_size(30)
            .y_label_area_size(label_w)
            .build_cartesian_2d(x_axis, KeyedAxis::categories(n, y_keys))?;
        let row_y = |i: usize| (n - 1 - i) as f64;
        // Years are printed bare: a thousands separator would read "2 004".
        let x_fmt = |x: &f64| format!("{x:.0}");
        let y_fmt = |y: &f64| row_label(&labels, *y);
        configure_mesh(&mut chart, Grid::Vertical, &x_fmt, &y_fmt)?;

        for (i, span) in spans.iter().enumerate() {
            let (start, end) = years(span);
            let y = row_y(i);
            let (x0, y0) = chart.backend_coord(&(f64::from(start), y + 0.32));
            let (x1, y1) = chart.backend_coord(&(f64::from(end) + 1.0, y - 0.32));
            let when = if start == end {
                start.to_string()
            } else {
                format!("{start}–{end}")
            };
            marks.push(Mark {
                shape: Shape::Rect {
                    x0,
                    y0,
                    x1,
                    y1,
                    separated: false,
                },
                fill: PALETTE[0],
                href: span.href.clone(),
                tip: format!("{}: {when}", span.label),
            });
        }
        Ok(())
    })
}

/// The label of a row axis (row 0 at the top) at plotters' y value.
fn row_label(labels: &[String], y: f64) -> String {
    let n = labels.len();
    let i = y.round();
    if i < 0.0 || i >= n as f64 || (y - i).abs() > 1e-6 {
        return String::new();
    }
    labels.get(n - 1 - i as usize).cloned().unwrap_or_default()
}

/// Draws with plotters into a string, then turns plotters' document into the
/// accessible, CSP-clean fragment described in the module comment. A drawing
/// error (which the string backend does not produce in practice) yields an
/// empty but valid chart rather than a panic.
fn render(
    kind: &str,
    title: &str,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>, &mut Vec<Mark>) -> DrawResult,
) -> String {
    let mut body = String::new();
    let mut marks = Vec::new();
    let drawn: DrawResult = (|| {
        let root = SVGBackend::with_string(&mut body, size).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root, &mut marks)?;
        root.present()?;
        Ok(())
    })();
    if drawn.is_err() {
        body.clear();
        marks.clear();
    }
    finish(kind, title, size, &body, &marks)
}

fn finish(kind: &str, title: &str, (w, h): (u32, u32), body: &str, marks: &[Mark]) -> String {
    let id = format!("chart-{kind}-{}", slug(title));
    let inner = strip_style_attributes(inner_of_root(body));
    let mut out = String::with_capacity(inner.len() + marks.len() * 200 + 400);
    // `write!` into a String cannot fail; the results are ignored on purpose.
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" class=\"chart\" \
         role=\"group\" aria-labelledby=\"{id}\"><title id=\"{id}\">{}</title>\n\
         <g aria-hidden=\"true\">\n{inner}</g>\n",
        escape(title)
    );
    for mark in marks {
        let tip = escape(&mark.tip);
        let fill = hex(mark.fill);
        let _ = write!(
            out,
            "<a href=\"{}\" aria-label=\"{tip}\"><title>{tip}</title>",
            escape(safe_href(&mark.href))
        );
        match mark.shape {
            Shape::Rect {
                x0,
                y0,
                x1,
                y1,
                separated,
            } => {
                let (x, y) = (x0.min(x1), y0.min(y1));
                let (rw, rh) = ((x1 - x0).abs().max(1), (y1 - y0).abs().max(1));
                let edge = if separated {
                    " stroke=\"#FFFFFF\" stroke-width=\"1\""
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{rw}\" height=\"{rh}\" fill=\"{fill}\"{edge}/>"
                );
            }
            Shape::Dot { cx, cy, r, hit } => {
                // A white ring sets large dots off the line; on dense lines
                // it would chop the line into dashes.
                let ring = if r >= 4 {
                    " stroke=\"#FFFFFF\" stroke-width=\"1.5\""
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{hit}\" fill=\"#FFFFFF\" \
                     fill-opacity=\"0\" pointer-events=\"all\"/>\
                     <circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"{fill}\"{ring}/>"
                );
            }
        }
        out.push_str("</a>\n");
    }
    out.push_str("</svg>");
    out
}

/// The content between plotters' root `<svg …>` tag and its `</svg>`.
/// Plotters-svg writes no XML declaration, but anything before the root tag
/// is dropped anyway, in case a later version adds one.
fn inner_of_root(doc: &str) -> &str {
    let Some(start) = doc.find("<svg") else {
        return "";
    };
    let after = &doc[start..];
    let Some(open_end) = after.find('>') else {
        return "";
    };
    let inner = &after[open_end + 1..];
    let inner = inner.trim_start_matches('\n');
    match inner.rfind("</svg>") {
        Some(end) => &inner[..end],
        None => inner,
    }
}

/// Removes every ` style="…"` attribute: the site's CSP forbids inline styles.
/// Plotters-svg 0.3.7 emits none (it uses presentation attributes), so this is
/// a guard against a future version. Attribute values never contain a raw `"`
/// (plotters escapes it), and text content never contains `style="` raw, so a
/// plain scan is exact.
fn strip_style_attributes(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(" style=\"") {
        out.push_str(&rest[..at]);
        let value = &rest[at + 8..];
        match value.find('"') {
            Some(end) => rest = &value[end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn label_style() -> TextStyle<'static> {
    TextStyle::from((FONT, LABEL_SIZE).into_font()).color(&TEXT)
}

fn draw_title(root: &DrawingArea<SVGBackend<'_>, Shift>, title: &str) -> DrawResult {
    let style = TextStyle::from((FONT, TITLE_SIZE).into_font())
        .color(&TEXT)
        .pos(Pos::new(HPos::Left, VPos::Center));
    root.draw(&Text::new(
        truncate(title, MAX_TITLE_CHARS),
        (MARGIN, TITLE_BAND / 2 + 2),
        style,
    ))?;
    Ok(())
}

/// Where each legend entry goes, wrapping onto new rows as needed.
struct LegendItem {
    x: i32,
    y: i32,
}

fn legend_layout(names: &[String]) -> Vec<LegendItem> {
    let mut items = Vec::with_capacity(names.len());
    let (mut x, mut y) = (MARGIN, TITLE_BAND);
    for name in names {
        let w = 14 + 6 + text_width(name) + 18;
        if x > MARGIN && x + w > WIDTH as i32 - MARGIN {
            x = MARGIN;
            y += ROW - 6;
        }
        items.push(LegendItem { x, y });
        x += w;
    }
    items
}

fn draw_legend(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    items: &[LegendItem],
    names: &[String],
) -> DrawResult {
    for (k, (item, name)) in items.iter().zip(names).enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let mid = item.y + 8;
        root.draw(&Rectangle::new(
            [(item.x, mid - 7), (item.x + 14, mid + 7)],
            color.filled(),
        ))?;
        root.draw(&Text::new(
            name.clone(),
            (item.x + 20, mid),
            label_style().pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// The chart shared by the bars and the line, with categories on x: the y
/// labels' room sized to `y_labels` as formatted, the x labels cut and thinned
/// to fit, the mesh drawn.
/// Returns the chart and the width of its plot.
fn category_chart<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    labels: &[&str],
    y_axis: KeyedAxis,
    y_labels: [f64; 3],
    format: &dyn Fn(f64) -> String,
) -> Result<CategoryChart<'a, 'b>, Box<dyn Error>> {
    let y_label_w = axis_label_width(&y_labels.map(format));
    let plot_w = WIDTH as i32 - 2 * MARGIN - y_label_w;
    let cut: Vec<String> = labels
        .iter()
        .map(|l| truncate(l, MAX_CATEGORY_CHARS))
        .collect();
    let x_keys = category_keys(&cut, plot_w);
    let x_range = KeyedAxis::categories(labels.len(), x_keys);
    let mut chart = ChartBuilder::on(area)
        .margin(MARGIN)
        .margin_top(4)
        .x_label_area_size(34)
        .y_label_area_size(y_label_w)
        .build_cartesian_2d(x_range, y_axis)?;
    let x_fmt = |x: &f64| category_label(&cut, *x);
    let y_fmt = |y: &f64| format(*y);
    configure_mesh(&mut chart, Grid::Horizontal, &x_fmt, &y_fmt)?;
    Ok((chart, plot_w))
}

type CategoryChart<'a, 'b> = (
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<KeyedAxis, KeyedAxis>>,
    i32,
);

/// Which grid lines a chart draws: along its rows (one row per item: bars,
/// calendar) or across its categories (categories on x).
#[derive(Clone, Copy)]
enum Grid {
    Vertical,
    Horizontal,
}

/// The mesh shared by every chart: the grid lines of `grid` only, a light
/// axis, and labels in dark grey.
fn configure_mesh(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<KeyedAxis, KeyedAxis>>,
    grid: Grid,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
) -> DrawResult {
    let mut mesh = chart.configure_mesh();
    match grid {
        Grid::Vertical => mesh.disable_y_mesh(),
        Grid::Horizontal => mesh.disable_x_mesh(),
    };
    mesh.x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .label_style(label_style())
        .draw()?;
    Ok(())
}

/// An axis over `f64` whose ticks and labels are exactly `keys`.
///
/// Two plotters 0.3.7 limits make this worthwhile: `WithKeyPoints` over `f64`
/// has no value formatter, so no mesh can be drawn with it; and the integer
/// key-point search overflows (a panic in debug builds) when asked for zero
/// light lines. Categories sit at 0, 1, 2… with half a category of padding;
/// years sit at their value.
struct KeyedAxis {
    range: std::ops::Range<f64>,
    keys: Vec<f64>,
}

impl KeyedAxis {
    fn categories(n: usize, keys: Vec<f64>) -> Self {
        // Never an empty range, even with no category.
        Self {
            range: -0.5..(n.max(1) as f64 - 0.5),
            keys,
        }
    }
}

impl Ranged for KeyedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let ratio = if span > 0.0 {
            (value - self.range.start) / span
        } else {
            0.0
        };
        limit.0 + (ratio * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.keys.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

/// Round years (every 1, 2, 5, 10, 20, 50… years) for a timeline axis from
/// `first` to `end` (exclusive), at most `max` of them.
fn year_keys(first: i64, end: i64, max: i64) -> Vec<f64> {
    let span = (end - first).max(1);
    let mut step = 1_i64;
    'search: for magnitude in [1_i64, 10, 100, 1_000, 10_000, 100_000, 1_000_000] {
        for factor in [1, 2, 5] {
            step = factor * magnitude;
            if span / step < max {
                break 'search;
            }
        }
        step = 10 * magnitude;
    }
    let start = first.div_euclid(step) * step + if first.rem_euclid(step) == 0 { 0 } else { step };
    (0..)
        .map(|k| start + k * step)
        .take_while(|y| *y <= end)
        .map(|y| y as f64)
        .collect()
}

/// Which category indices get a label: every k-th, so labels never overlap
/// (40 years on a phone-sized plot still read cleanly).
fn category_keys(labels: &[String], plot_w: i32) -> Vec<f64> {
    let n = labels.len();
    if n == 0 {
        return Vec::new();
    }
    let widest = text_width_max(labels) + 10;
    let fit = (plot_w / widest.max(1)).max(1) as usize;
    let step = n.div_ceil(fit).max(1);
    (0..n).step_by(step).map(|i| i as f64).collect()
}

fn category_label(labels: &[String], x: f64) -> String {
    let i = x.round();
    if i < 0.0 || (x - i).abs() > 1e-6 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}

/// A rough width of a label in SVG units: sans-serif glyphs average a little
/// over half an em. Used only to size label areas and space legend entries.
fn text_width(s: &str) -> i32 {
    (s.chars().count() as f64 * LABEL_PX * 0.58).ceil() as i32
}

fn text_width_max(labels: &[String]) -> i32 {
    labels.iter().map(|l| text_width(l)).max().unwrap_or(0)
}

/// Width of a y label area holding these labels, ticks and a gap included.
fn axis_label_width(labels: &[String]) -> i32 {
    (text_width_max(labels) + 16).max(30)
}

/// A value axis from `min` (0 unless negative) to a round value above `max`,
/// with about five round ticks. Integral data never gets fractional ticks (a
/// count axis reading "0, 0.5, 1" would print "0, 1, 1" once formatted), and
/// all-zero or empty data gets a single "0" tick instead of a made-up scale.
fn value_axis(min: f64, max: f64, integral: bool) -> KeyedAxis {
    // Clamped far below f64::MAX so that rounding up never reaches infinity.
    let max = if max.is_finite() {
        max.clamp(0.0, 1e300)
    } else {
        0.0
    };
    let min = if min.is_finite() {
        min.clamp(-1e300, 0.0)
    } else {
        0.0
    };
    if max <= 0.0 && min >= 0.0 {
        return KeyedAxis {
            range: 0.0..1.0,
            keys: vec![0.0],
        };
    }
    let top = if max > 0.0 { nice_ceiling(max) } else { 0.0 };
    let bottom = if min < 0.0 { -nice_ceiling(-min) } else { 0.0 };
    let step = nice_step(top - bottom, 5.0, integral);
    let (top, bottom) = ((top / step).ceil() * step, (bottom / step).floor() * step);
    let count = ((top - bottom) / step).round() as usize;
    KeyedAxis {
        range: bottom..top,
        keys: (0..=count).map(|k| bottom + k as f64 * step).collect(),
    }
}

/// The smallest step of 1, 2 or 5 times a power of ten giving at most
/// `max_ticks` intervals over `span` (at least 1 when the data is integral).
fn nice_step(span: f64, max_ticks: f64, integral: bool) -> f64 {
    let mut magnitude = 10f64.powf((span / max_ticks).log10().floor());
    // Bounded: finite spans are found within a few rounds; anything else
    // falls back to one interval.
    for _ in 0..8 {
        for factor in [1.0, 2.0, 5.0] {
            let step = factor * magnitude;
            if span / step <= max_ticks && (!integral || step >= 1.0) {
                return step;
            }
        }
        magnitude *= 10.0;
    }
    span
}

/// A "round" axis end at or above `v`: 1, 2, 2.5 or 5 times a power of ten,
/// with a little headroom. 0, negative or non-finite give 1, so an all-zero
/// chart has a valid axis and nothing divides by zero.
fn nice_ceiling(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let target = v * 1.05;
    let magnitude = 10f64.powf(target.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= target {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

/// Bars cannot show negative or non-finite values: they count as 0.
fn clean(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

/// Keeps at most `max` characters, ending with "…" when cut.
fn truncate(s: &str, max: usize) -> String {
    let max = max.max(2);
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Links come from the server, but a script URL in a chart would run on
/// click: anything with such a scheme links nowhere instead.
fn safe_href(href: &str) -> &str {
    let lower: String = href
        .trim_start()
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    if ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
    {
        "#"
    } else {
        href
    }
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// A lowercase ASCII slug for ids: accents folded, other characters to '-'.
fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "untitled".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Thousands with a narrow no-break space, as the dashboard does.
    fn euros(v: f64) -> String {
        let n = v.round() as i64;
        let digits = n.abs().to_string();
        let mut grouped = String::new();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('\u{202F}');
            }
            grouped.push(d);
        }
        format!("{}{grouped} €", if n < 0 { "-" } else { "" })
    }

    /// A small well-formedness check, so the tests need no XML crate: tags
    /// nest and close, attributes are quoted, `&` starts a known entity, and
    /// there is a single root element.
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut roots = 0;
        let mut rest = svg;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('<') {
                let end = after.find('>').expect("unclosed tag");
                let tag = &after[..end];
                assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
                if let Some(name) = tag.strip_prefix('/') {
                    let open = stack.pop().expect("closing tag without opening");
                    assert_eq!(open, name.trim(), "mismatched tags");
                } else {
                    let self_closing = tag.ends_with('/');
                    let tag = tag.trim_end_matches('/');
                    let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
                    assert!(!name.is_empty(), "empty tag name");
                    check_attributes(&tag[name.len()..]);
                    if stack.is_empty() {
                        roots += 1;
                    }
                    if !self_closing {
                        stack.push(name);
                    }
                }
                rest = &after[end + 1..];
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                let text = &rest[..end];
                assert!(!text.contains('>'), "raw '>' in text: {text}");
                check_entities(text);
                if stack.is_empty() {
                    assert!(text.trim().is_empty(), "text outside the root: {text}");
                }
                rest = &rest[end..];
            }
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        assert_eq!(roots, 1, "one root element");
    }

    fn check_attributes(mut attrs: &str) {
        let mut seen = Vec::new();
        loop {
            attrs = attrs.trim_start();
            if attrs.is_empty() {
                return;
            }
            let eq = attrs.find('=').expect("attribute without value");
            let name = attrs[..eq].trim();
            assert!(!name.contains(char::is_whitespace), "bad attribute {name}");
            assert!(
                !seen.contains(&name.to_owned()),
                "duplicate attribute {name}"
            );
            seen.push(name.to_owned());
            let value = attrs[eq + 1..]
                .strip_prefix('"')
                .expect("unquoted attribute");
            let close = value.find('"').expect("unterminated attribute");
            check_entities(&value[..close]);
            assert!(!value[..close].contains('<'), "'<' in attribute");
            attrs = &value[close + 1..];
        }
    }

    fn check_entities(text: &str) {
        let mut rest = text;
        while let Some(at) = rest.find('&') {
            let after = &rest[at + 1..];
            let end = after.find(';').expect("'&' without ';'");
            let entity = &after[..end];
            assert!(
                matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
                    || entity
                        .strip_prefix('#')
                        .is_some_and(|n| n.parse::<u32>().is_ok()),
                "unknown entity &{entity};"
            );
            rest = &after[end + 1..];
        }
    }

    fn hrefs(svg: &str) -> Vec<String> {
        svg.split("<a href=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap_or(0)].to_owned())
            .collect()
    }

    fn assert_clean(svg: &str) {
        assert_well_formed(svg);
        assert!(!svg.contains("style="), "inline style in {svg}");
        assert!(!svg.contains("<?xml"));
        assert!(svg.starts_with("<svg "));
        let root = &svg[..svg.find('>').unwrap_or(0)];
        assert!(root.contains("class=\"chart\""));
        assert!(root.contains("viewBox=\"0 0 "));
        assert!(!root.contains(" width="), "fixed width on the root");
        assert!(!root.contains(" height="), "fixed height on the root");
        let id = root
            .split("aria-labelledby=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("aria-labelledby");
        assert!(
            svg[root.len()..].starts_with(&format!("><title id=\"{id}\">")),
            "title first"
        );
    }

    fn bar(label: &str, value: f64, href: &str) -> Bar {
        Bar {
            label: label.to_owned(),
            value,
            href: href.to_owned(),
        }
    }

    #[test]
    fn stacked_bars_link_each_segment() {
        let categories: Vec<String> = ["2021", "2022", "2023"].map(String::from).to_vec();
        let series = vec![
            Series {
                name: "Grants".into(),
                values: vec![12_500.0, 0.0, 3_000.0],
                hrefs: vec!["/a?y=2021".into(), "/a?y=2022".into(), "/a?y=2023".into()],
            },
            Series {
                name: "Sales".into(),
                values: vec![1_000.0, 2_000.0],
                hrefs: vec!["/b?y=2021&x=1".into(), "/b?y=2022".into()],
            },
        ];
        let svg = stacked_bars("Budget per year", &categories, &series, &euros);
        assert_clean(&svg);
        // Category by category (the tab order); the zero and the missing
        // value have no segment to click.
        assert_eq!(
            hrefs(&svg),
            ["/a?y=2021", "/b?y=2021&amp;x=1", "/b?y=2022", "/a?y=2023"]
        );
        assert!(svg.contains("<title>2021 — Grants: 12\u{202F}500 €</title>"));
        assert!(svg.contains("\nSales\n</text>"), "legend");
        assert!(svg.contains("id=\"chart-stacked-budget-per-year\""));
    }

    #[test]
    fn horizontal_bars_link_each_bar_top_down() {
        let bars: Vec<Bar> = (0..30)
            .map(|i| {
                bar(
                    &format!("Partner {i}"),
                    f64::from(30 - i),
                    &format!("/p/{i}"),
                )
            })
            .collect();
        let svg = horizontal_bars("Actions per partner", &bars, &|v| format!("{v:.0}"));
        assert_clean(&svg);
        let expected: Vec<String> = (0..30).map(|i| format!("/p/{i}")).collect();
        assert_eq!(hrefs(&svg), expected);
        // Height grows with the number of bars.
        let short = horizontal_bars("x", &bars[..3], &|v| format!("{v:.0}"));
        let view = |s: &str| {
            s.split("viewBox=\"0 0 720 ")
                .nth(1)
                .map(|r| r[..r.find('"').unwrap_or(0)].parse::<u32>().unwrap_or(0))
        };
        assert!(view(&svg) > view(&short));
        // The first bar is drawn above the second.
        let y_of = |href: &str| {
            let at = svg.find(&format!("href=\"{href}\"")).unwrap_or(0);
            let rest = &svg[at..];
            let y = rest.split(" y=\"").nth(1).unwrap_or("");
            y[..y.find('"').unwrap_or(0)].parse::<i32>().unwrap_or(0)
        };
        assert!(y_of("/p/0") < y_of("/p/1"));
    }

    #[test]
    fn line_links_each_point() {
        let points: Vec<Bar> = (0..120)
            .map(|i| {
                bar(
                    &format!("2015-{:02}", i % 12 + 1),
                    f64::from(i * i),
                    &format!("/m/{i}"),
                )
            })
            .collect();
        let svg = line("Records", &points, &|v| format!("{v:.0}"));
        assert_clean(&svg);
        assert_eq!(hrefs(&svg).len(), 120);
        assert_eq!(hrefs(&svg)[7], "/m/7");
        assert!(svg.contains("<polyline"), "the line is drawn by plotters");
        assert!(svg.contains("pointer-events=\"all\""));
    }

    #[test]
    fn timeline_links_each_span() {
        let spans = vec![
            Span {
                label: "Survey".into(),
                start: 1998,
                end: 2004,
                href: "/s/1".into(),
            },
            Span {
                label: "Dig".into(),
                start: 2010,
                end: 2010,
                href: "/s/2".into(),
            },
            Span {
                label: "Reversed".into(),
                start: 2020,
                end: 2015,
                href: "/s/3".into(),
            },
        ];
        let svg = timeline("Projects", &spans);
        assert_clean(&svg);
        assert_eq!(hrefs(&svg), ["/s/1", "/s/2", "/s/3"]);
        assert!(svg.contains("<title>Survey: 1998–2004</title>"));
        assert!(svg.contains("<title>Dig: 2010</title>"));
        assert!(svg.contains("<title>Reversed: 2015–2020</title>"));
        assert!(!svg.contains(">2\u{202F}000"), "years have no separator");
    }

    #[test]
    fn labels_are_escaped_everywhere() {
        let nasty = "<b>&\"'";
        let cats = vec![nasty.to_owned()];
        let series = vec![Series {
            name: nasty.into(),
            values: vec![1.0],
            hrefs: vec!["/x?a=1&b=\"2\"".into()],
        }];
        let bars = vec![bar(nasty, 2.0, "/y")];
        let spans = vec![Span {
            label: nasty.into(),
            start: 2000,
            end: 2001,
            href: "/z".into(),
        }];
        for svg in [
            stacked_bars(nasty, &cats, &series, &euros),
            horizontal_bars(nasty, &bars, &euros),
            line(nasty, &bars, &euros),
            timeline(nasty, &spans),
        ] {
            assert_clean(&svg);
            assert!(!svg.contains("<b>"), "unescaped label in {svg}");
            assert!(
                svg.contains("&lt;b&gt;&amp;&quot;"),
                "escaped label in {svg}"
            );
        }
        assert!(
            stacked_bars("t", &cats, &series, &euros)
                .contains("href=\"/x?a=1&amp;b=&quot;2&quot;\"")
        );
    }

    #[test]
    fn empty_inputs_give_valid_charts_without_links() {
        for svg in [
            stacked_bars("Empty", &[], &[], &euros),
            stacked_bars("No series", &["2020".to_owned()], &[], &euros),
            horizontal_bars("Empty", &[], &euros),
            line("Empty", &[], &euros),
            timeline("Empty", &[]),
        ] {
            assert_clean(&svg);
            assert!(hrefs(&svg).is_empty());
        }
    }

    #[test]
    fn zero_and_odd_values_do_not_break_the_axes() {
        let zeros = vec![
            bar("a", 0.0, "/a"),
            bar("b", f64::NAN, "/b"),
            bar("c", -3.0, "/c"),
        ];
        let svg = horizontal_bars("Zeros", &zeros, &euros);
        assert_clean(&svg);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(hrefs(&svg).is_empty(), "zero-length bars are not links");
        let svg = line("Zeros", &zeros, &euros);
        assert_clean(&svg);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert_eq!(hrefs(&svg).len(), 3, "every point stays a link");
    }

    #[test]
    fn many_categories_render_with_thinned_labels() {
        let years: Vec<String> = (1985..2025).map(|y| y.to_string()).collect();
        let series = vec![Series {
            name: "Count".into(),
            values: (0..40).map(f64::from).collect(),
            hrefs: (0..40).map(|i| format!("/y/{i}")).collect(),
        }];
        let svg = stacked_bars("Forty years", &years, &series, &|v| format!("{v:.0}"));
        assert_clean(&svg);
        assert_eq!(hrefs(&svg).len(), 39);
        let shown = years
            .iter()
            .filter(|y| svg.contains(&format!("\n{y}\n</text>")))
            .count();
        assert!(shown > 5 && shown < 40, "{shown} year labels");
    }

    #[test]
    fn long_labels_are_cut_and_scripts_are_not_linked() {
        let long = "A very long partner name that would never fit in the label column".repeat(2);
        let svg = horizontal_bars("t", &[bar(&long, 1.0, "javascript:alert(1)")], &euros);
        assert_clean(&svg);
        assert!(svg.contains("…\n</text>"));
        assert_eq!(hrefs(&svg), ["#"]);
        // The tooltip keeps the whole label.
        assert!(svg.contains(&format!("<title>{long}: 1 €</title>")));
    }

    #[test]
    fn helpers() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
        assert_eq!(nice_ceiling(95.0), 100.0);
        assert_eq!(nice_ceiling(12_500.0), 20_000.0);
        assert_eq!(nice_ceiling(2.2), 2.5);
        assert_eq!(value_axis(0.0, 0.0, true).keys, [0.0]);
        assert_eq!(value_axis(0.0, 1.0, true).keys, [0.0, 1.0, 2.0]);
        assert_eq!(
            value_axis(0.0, 4_700.0, true).keys,
            [0.0, 1e3, 2e3, 3e3, 4e3, 5e3]
        );
        assert_eq!(value_axis(-3.0, 2.0, false).range, -6.0..4.0);
        assert!(value_axis(0.0, f64::MAX, false).range.end.is_finite());
        assert!(!value_axis(0.0, 1e300, false).keys.is_empty());
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(slug("Dépenses par année (€)"), "depenses-par-annee");
        assert_eq!(slug("!!!"), "untitled");
        assert_eq!(
            strip_style_attributes("<a style=\"x:1\" b=\"2\"/>"),
            "<a b=\"2\"/>"
        );
        assert_eq!(safe_href(" JavaScript:x"), "#");
        assert_eq!(safe_href("/ok"), "/ok");
    }
}

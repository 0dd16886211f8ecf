//! The dashboard (`/tableau-de-bord`) and each chart's figures as CSV
//! (`/tableau-de-bord.csv?chart=…`), under the filters of a search and within
//! what the viewer may see.

use axum::extract::{RawQuery, State};
use axum::response::{Html, Response};
use savoirs_templates::i18n::{Lang, t, tf};
use savoirs_templates::views::dashboard::{Cell, Chart, DashboardView};
use savoirs_templates::{format, routes};

use super::auth::chrome;
use super::maps::{filters_of, found};
use super::params::SearchParams;
use super::{AppError, AppState, Routes, Viewer};
use crate::dashboard::{self as figures, StackBy, charts};
use crate::facts::{Fact, Facts};

pub fn routes(r: &mut Routes) {
    r.get(routes::DASHBOARD, page);
    r.get(routes::DASHBOARD_CSV, csv_download);
}

/// Partners and methods shown at most; actions on the timeline at most.
const TOP: usize = 20;
const TIMELINE: usize = 40;

/// One chart's figures: what the page draws and tabulates, and the CSV holds.
struct Figures {
    chart: Chart,
    /// The same rows as plain values for a spreadsheet: numbers unformatted.
    csv_headers: Vec<String>,
    csv_rows: Vec<Vec<String>>,
}

/// The dashboard's parameters: a search's, and `by=partner` to stack the
/// amounts by partner rather than by concept.
fn dashboard_params(query: Option<&str>, lang: Lang) -> Result<(SearchParams, bool), AppError> {
    let params = SearchParams::parse_in(query, lang)?;
    let by_partner = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .any(|(k, v)| k == "by" && v == "partner");
    Ok((params, by_partner))
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, AppError> {
    let (params, by_partner) = dashboard_params(query.as_deref(), viewer.lang)?;
    let (facts, ids) = found(&state, &viewer, &params).await?;
    let (lang, visibility) = (viewer.lang, viewer.visibility());
    let filters = filters_of(&params);
    let (found, charts) = state
        .blocking(move |_| {
            let all = charts(
                &CHARTS,
                &facts,
                &ids,
                &visibility,
                lang,
                &params,
                by_partner,
            );
            Ok((ids.len(), all.into_iter().map(|f| f.chart).collect()))
        })
        .await?;
    let view = DashboardView {
        filters,
        found,
        charts,
        by_partner,
    };
    Ok(Html(view.render(&chrome(&viewer)).into_string()))
}

async fn csv_download(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let lang = viewer.lang;
    let (params, by_partner) = dashboard_params(query.as_deref(), lang)?;
    let chart = form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "chart")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !CHARTS.contains(&chart.as_str()) {
        return Err(AppError::BadRequest(tf(
            lang,
            "params.bad",
            &[
                ("name", &"chart"),
                ("value", &format!("{chart:?}")),
                ("expected", &CHARTS.join(", ")),
            ],
        )));
    }
    let (facts, ids) = found(&state, &viewer, &params).await?;
    let visibility = viewer.visibility();
    let body = state
        .blocking(move |_| {
            // Only the chart asked for is computed.
            let wanted = charts(
                &[chart.as_str()],
                &facts,
                &ids,
                &visibility,
                lang,
                &params,
                by_partner,
            )
            .pop()
            .ok_or(AppError::NotFound)?;
            figures::csv(&wanted.csv_headers, &wanted.csv_rows)
                .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
        })
        .await?;
    Ok(super::exports::download(
        "text/csv; charset=utf-8",
        "tableau-de-bord.csv",
        body,
    ))
}

/// The charts, by their name in the CSV address.
const CHARTS: [&str; 5] = [
    "montants",
    "partenaires",
    "methodes",
    "croissance",
    "calendrier",
];

/// The charts named, in that order.
fn charts(
    names: &[&str],
    facts: &Facts,
    ids: &[std::sync::Arc<str>],
    visibility: &crate::facts::Visibility,
    lang: Lang,
    params: &SearchParams,
    by_partner: bool,
) -> Vec<Figures> {
    let found: Vec<&Fact> = ids.iter().filter_map(|id| facts.get(id)).collect();
    let by = if by_partner {
        StackBy::Partner
    } else {
        StackBy::Concept
    };
    names
        .iter()
        .filter_map(|name| {
            Some(match *name {
                "montants" => amounts_chart(facts, &found, visibility, lang, params, by),
                "partenaires" => partners_chart(facts, &found, visibility, lang, params),
                "methodes" => methods_chart(facts, &found, visibility, lang),
                "croissance" => growth_chart(&found, lang, params),
                "calendrier" => timeline_chart(&found, lang),
                _ => return None,
            })
        })
        .collect()
}

/// The results page of the dashboard's filters, with `extra` in place of the
/// filters of the same names.
fn search_with(params: &SearchParams, extra: &[(&str, &str)]) -> String {
    let filters = filters_of(params);
    let mut pairs: Vec<(&str, &str)> = filters
        .pairs()
        .into_iter()
        .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
        .collect();
    pairs.extend_from_slice(extra);
    routes::search(&pairs)
}

/// Amounts in major units, for charts and spreadsheets.
fn major(minor: i64) -> f64 {
    minor as f64 / 100.0
}

/// An amount in minor units as a spreadsheet reads it: `1234.5`.
fn plain_amount(minor: i64) -> String {
    if minor % 100 == 0 {
        (minor / 100).to_string()
    } else {
        format!("{:.2}", major(minor))
    }
}

fn link(text: String, href: String) -> Cell {
    Cell {
        text,
        href: Some(href),
    }
}

fn plain(text: String) -> Cell {
    Cell { text, href: None }
}

fn amounts_chart(
    facts: &Facts,
    found: &[&Fact],
    visibility: &crate::facts::Visibility,
    lang: Lang,
    params: &SearchParams,
    by: StackBy,
) -> Figures {
    let a = figures::amounts(
        facts,
        found,
        by,
        visibility,
        t(lang, "dashboard.others"),
        t(
            lang,
            match by {
                StackBy::Concept => "dashboard.no_keyword",
                StackBy::Partner => "dashboard.no_partner",
            },
        ),
    );
    let currency = a.currency.clone();
    let money = |minor: i64| format::amount_in(lang, minor, &currency);
    let years: Vec<String> = a.years.iter().map(i32::to_string).collect();
    let series: Vec<charts::Series> = a
        .series
        .iter()
        .map(|stack| charts::Series {
            name: stack.name.clone(),
            values: stack.values.iter().map(|v| major(*v)).collect(),
            hrefs: years
                .iter()
                .map(|y| {
                    let mut extra = vec![("kind", "action"), ("year", y.as_str())];
                    if let Some((k, v)) = &stack.filter {
                        extra.push((k, v.as_str()));
                    }
                    search_with(params, &extra)
                })
                .collect(),
        })
        .collect();
    let title = tf(lang, "dashboard.amounts", &[("currency", &a.currency)]);
    let svg = charts::stacked_bars(&title, &years, &series, &|v| {
        money((v * 100.0).round() as i64)
    });
    let mut headers = vec![t(lang, "dashboard.year").to_owned()];
    headers.extend(a.series.iter().map(|s| s.name.clone()));
    headers.push(t(lang, "dashboard.total").to_owned());
    let mut rows = Vec::new();
    let mut csv_rows = Vec::new();
    for (i, year) in years.iter().enumerate() {
        let values: Vec<i64> = a.series.iter().map(|s| s.values[i]).collect();
        let total: i64 = values.iter().sum();
        let mut row = vec![link(
            year.clone(),
            search_with(params, &[("kind", "action"), ("year", year)]),
        )];
        row.extend(values.iter().map(|v| plain(money(*v))));
        row.push(plain(money(total)));
        rows.push(row);
        let mut csv_row = vec![year.clone()];
        csv_row.extend(values.iter().map(|v| plain_amount(*v)));
        csv_row.push(plain_amount(total));
        csv_rows.push(csv_row);
    }
    let mut note = t(lang, "dashboard.amounts_note").to_owned();
    if a.other_currencies > 0 {
        note.push(' ');
        note.push_str(&tf(
            lang,
            "dashboard.other_currencies",
            &[("n", &a.other_currencies), ("currency", &a.currency)],
        ));
    }
    Figures {
        chart: Chart {
            id: "montants",
            title,
            note,
            svg,
            headers: headers.clone(),
            rows,
        },
        csv_headers: headers,
        csv_rows,
    }
}

/// A chart of one count per label, and its table of two columns: the label
/// (a link, in the table too when `linked`) and the count.
struct Counts {
    id: &'static str,
    title: String,
    note: String,
    headers: [String; 2],
    /// (label, count, where its bar leads)
    items: Vec<(String, usize, String)>,
    linked: bool,
    draw: Draw,
}

/// How a chart of counts is drawn: [`charts::horizontal_bars`] or [`charts::line`].
type Draw = fn(&str, &[charts::Bar], &dyn Fn(f64) -> String) -> String;

fn count_figures(c: Counts) -> Figures {
    let bars: Vec<charts::Bar> = c
        .items
        .iter()
        .map(|(label, n, href)| charts::Bar {
            label: label.clone(),
            value: *n as f64,
            href: href.clone(),
        })
        .collect();
    let svg = (c.draw)(&c.title, &bars, &|v| format!("{v:.0}"));
    let headers = c.headers.to_vec();
    Figures {
        chart: Chart {
            id: c.id,
            title: c.title,
            note: c.note,
            svg,
            headers: headers.clone(),
            rows: c
                .items
                .iter()
                .map(|(label, n, href)| {
                    let first = if c.linked {
                        link(label.clone(), href.clone())
                    } else {
                        plain(label.clone())
                    };
                    vec![first, plain(n.to_string())]
                })
                .collect(),
        },
        csv_headers: headers,
        csv_rows: c
            .items
            .iter()
            .map(|(label, n, _)| vec![label.clone(), n.to_string()])
            .collect(),
    }
}

fn partners_chart(
    facts: &Facts,
    found: &[&Fact],
    visibility: &crate::facts::Visibility,
    lang: Lang,
    params: &SearchParams,
) -> Figures {
    let counts = figures::actions_per_partner(facts, found, visibility, TOP);
    count_figures(Counts {
        id: "partenaires",
        title: t(lang, "dashboard.partners").to_owned(),
        note: tf(lang, "dashboard.partners_note", &[("n", &TOP)]),
        headers: [
            t(lang, "dashboard.partner").to_owned(),
            t(lang, "dashboard.actions").to_owned(),
        ],
        items: counts
            .into_iter()
            .map(|(name, n)| {
                let href = search_with(params, &[("kind", "action"), ("partner", &name)]);
                (name, n, href)
            })
            .collect(),
        linked: true,
        draw: charts::horizontal_bars,
    })
}

fn methods_chart(
    facts: &Facts,
    found: &[&Fact],
    visibility: &crate::facts::Visibility,
    lang: Lang,
) -> Figures {
    let used = figures::methods_used(facts, found, visibility, TOP);
    count_figures(Counts {
        id: "methodes",
        title: t(lang, "dashboard.methods").to_owned(),
        note: t(lang, "dashboard.methods_note").to_owned(),
        headers: [
            t(lang, "dashboard.method").to_owned(),
            t(lang, "dashboard.actions").to_owned(),
        ],
        items: used
            .into_iter()
            .map(|(m, n)| (m.title.clone(), n, m.url.clone()))
            .collect(),
        linked: true,
        draw: charts::horizontal_bars,
    })
}

fn growth_chart(found: &[&Fact], lang: Lang, params: &SearchParams) -> Figures {
    // Search has no filter on the creation date: each point leads to the
    // whole search, newest first.
    let everything = search_with(params, &[("sort", "newest")]);
    count_figures(Counts {
        id: "croissance",
        title: t(lang, "dashboard.growth").to_owned(),
        note: t(lang, "dashboard.growth_note").to_owned(),
        headers: [
            t(lang, "dashboard.period").to_owned(),
            t(lang, "dashboard.records").to_owned(),
        ],
        items: figures::growth(found)
            .into_iter()
            .map(|(period, n)| (period, n, everything.clone()))
            .collect(),
        linked: false,
        draw: charts::line,
    })
}

fn timeline_chart(found: &[&Fact], lang: Lang) -> Figures {
    let actions = figures::timeline(found, TIMELINE);
    let spans: Vec<charts::Span> = actions
        .iter()
        .filter_map(|a| {
            a.period.map(|(start, end)| charts::Span {
                label: a.title.clone(),
                start,
                end,
                href: a.url.clone(),
            })
        })
        .collect();
    let title = t(lang, "dashboard.timeline").to_owned();
    let svg = charts::timeline(&title, &spans);
    let headers = vec![
        t(lang, "dashboard.action").to_owned(),
        t(lang, "dashboard.start").to_owned(),
        t(lang, "dashboard.end").to_owned(),
    ];
    let years = |a: &Fact| a.period.unwrap_or_default();
    Figures {
        chart: Chart {
            id: "calendrier",
            title,
            note: tf(lang, "dashboard.timeline_note", &[("n", &TIMELINE)]),
            svg,
            headers: headers.clone(),
            rows: actions
                .iter()
                .map(|a| {
                    vec![
                        link(a.title.clone(), a.url.clone()),
                        plain(years(a).0.to_string()),
                        plain(years(a).1.to_string()),
                    ]
                })
                .collect(),
        },
        csv_headers: headers,
        csv_rows: actions
            .iter()
            .map(|a| {
                vec![
                    a.title.clone(),
                    years(a).0.to_string(),
                    years(a).1.to_string(),
                ]
            })
            .collect(),
    }
}

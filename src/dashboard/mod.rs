//! The dashboard's figures, from the records a search found: amounts per year,
//! actions per partner, the methods actions use, the growth of the base, the
//! actions' periods. Each figure is computed here once, then drawn
//! ([`charts`]), shown as a table and given as CSV by the page: one
//! computation for all three, so that they cannot disagree.

pub mod charts;

use std::collections::{BTreeMap, HashMap};

use crate::facts::{Fact, Facts, Visibility};
use crate::model::Kind;

/// A search filter: (`keyword` or `partner`, value).
pub type Filter = (&'static str, String);

/// One stack of the amounts per year.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    pub name: String,
    /// The search filter that selects its actions, when there is one.
    pub filter: Option<Filter>,
    /// The amount (minor units) of each year.
    pub values: Vec<i64>,
}

/// Amounts per year, stacked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Amounts {
    pub currency: String,
    pub years: Vec<i32>,
    pub series: Vec<Stack>,
    /// Actions with an amount in another currency, left out.
    pub other_currencies: usize,
}

/// What a stack of the amounts chart stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackBy {
    /// The action's first keyword.
    Concept,
    /// The action's pilot, or its first partner.
    Partner,
}

/// Series beyond this many are summed as "others".
const MAX_SERIES: usize = 6;

/// The actions found with an amount and a period. An action's amount is
/// shared evenly between the years of its period (the cents left over go to
/// its first year), so that each year's bar is the sum over the actions that
/// ran that year, and the bars add up to the amounts committed.
pub fn amounts(
    facts: &Facts,
    found: &[&Fact],
    by: StackBy,
    visibility: &Visibility,
    others: &str,
    none: &str,
) -> Amounts {
    // The currency most amounts are in.
    let mut currencies: HashMap<&str, usize> = HashMap::new();
    for f in found {
        if let (Some((_, c)), Some(_)) = (&f.amount, f.period) {
            *currencies.entry(c.as_str()).or_default() += 1;
        }
    }
    let Some(currency) = currencies
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(c, _)| (*c).to_owned())
    else {
        return Amounts::default();
    };
    let mut out = Amounts {
        currency: currency.clone(),
        other_currencies: currencies
            .iter()
            .filter(|(c, _)| **c != currency)
            .map(|(_, n)| n)
            .sum(),
        ..Amounts::default()
    };
    // (series, year) → amount
    let mut cells: BTreeMap<(Option<Filter>, String), BTreeMap<i32, i64>> = BTreeMap::new();
    for f in found {
        let (Some((minor, c)), Some((start, end))) = (&f.amount, f.period) else {
            continue;
        };
        if *c != currency || end < start {
            continue;
        }
        let key = stack_of(facts, f, by, visibility)
            .map_or((None, none.to_owned()), |(filter, name)| {
                (Some(filter), name)
            });
        let years = i64::from(end - start + 1);
        let share = minor / years;
        let first = minor - share * (years - 1);
        let cell = cells.entry(key).or_default();
        for (i, year) in (start..=end).enumerate() {
            *cell.entry(year).or_default() += if i == 0 { first } else { share };
        }
    }
    let (Some(first), Some(last)) = (
        cells.values().flat_map(|c| c.keys()).min().copied(),
        cells.values().flat_map(|c| c.keys()).max().copied(),
    ) else {
        return out;
    };
    out.years = (first..=last).collect();
    let mut series: Vec<Stack> = cells
        .into_iter()
        .map(|((filter, name), by_year)| Stack {
            name,
            filter,
            values: out
                .years
                .iter()
                .map(|y| by_year.get(y).copied().unwrap_or(0))
                .collect(),
        })
        .collect();
    series.sort_by(|a, b| {
        let total = |s: &Stack| s.values.iter().sum::<i64>();
        total(b).cmp(&total(a)).then(a.name.cmp(&b.name))
    });
    if series.len() > MAX_SERIES {
        let rest = series.split_off(MAX_SERIES - 1);
        let mut sum = vec![0; out.years.len()];
        for stack in rest {
            for (s, v) in sum.iter_mut().zip(stack.values) {
                *s += v;
            }
        }
        series.push(Stack {
            name: others.to_owned(),
            filter: None,
            values: sum,
        });
    }
    out.series = series;
    out
}

/// The stack an action counts in, as (search filter, name).
fn stack_of(
    facts: &Facts,
    action: &Fact,
    by: StackBy,
    visibility: &Visibility,
) -> Option<(Filter, String)> {
    match by {
        StackBy::Concept => action
            .keywords
            .first()
            .map(|k| (("keyword", k.to_string()), k.to_string())),
        StackBy::Partner => {
            let visible: Vec<(&Fact, &str)> = action
                .partners
                .iter()
                .filter_map(|(id, role)| {
                    facts
                        .get(id)
                        .filter(|p| p.visible_to(visibility))
                        .map(|p| (p, *role))
                })
                .collect();
            let chosen = visible
                .iter()
                .find(|(_, role)| *role == "pilot")
                .or(visible.first())?;
            Some((("partner", chosen.0.title.clone()), chosen.0.title.clone()))
        }
    }
}

/// Actions found per partner they name (in any role), most first: (partner's
/// short name, number of actions).
pub fn actions_per_partner(
    facts: &Facts,
    found: &[&Fact],
    visibility: &Visibility,
    limit: usize,
) -> Vec<(String, usize)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for f in found.iter().filter(|f| f.kind == Kind::Action) {
        let mut names: Vec<&str> = f
            .partners
            .iter()
            .filter_map(|(id, _)| facts.get(id).filter(|p| p.visible_to(visibility)))
            .map(|p| p.title.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            *counts.entry(name).or_default() += 1;
        }
    }
    top(counts, limit)
}

/// Methods the actions found use (a link "uses"), most used first: (method,
/// number of actions).
pub fn methods_used<'a>(
    facts: &'a Facts,
    found: &[&Fact],
    visibility: &Visibility,
    limit: usize,
) -> Vec<(&'a Fact, usize)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for f in found.iter().filter(|f| f.kind == Kind::Action) {
        let mut used: Vec<&str> = f
            .related
            .iter()
            .filter(|(_, relation)| *relation == "uses")
            .map(|(id, _)| &**id)
            .collect();
        used.sort_unstable();
        used.dedup();
        for id in used {
            *counts.entry(id).or_default() += 1;
        }
    }
    let mut out: Vec<(&Fact, usize)> = counts
        .into_iter()
        .filter_map(|(id, n)| {
            facts
                .get(id)
                .filter(|m| m.kind == Kind::Method && m.visible_to(visibility))
                .map(|m| (m, n))
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.title.cmp(&b.0.title)));
    out.truncate(limit);
    out
}

/// The number of records found created by the end of each period (a month,
/// or a year when they span more than four years), as ("2024-05", total).
pub fn growth(found: &[&Fact]) -> Vec<(String, usize)> {
    let mut dates: Vec<chrono::DateTime<chrono::Utc>> = found.iter().map(|f| f.created).collect();
    dates.sort_unstable();
    let (Some(first), Some(last)) = (dates.first(), dates.last()) else {
        return Vec::new();
    };
    let by_year = (*last - *first).num_days() > 4 * 366;
    // Periods as numbers while counting: one label per period, not per record.
    let mut counts: Vec<((i32, u32), usize)> = Vec::new();
    for (i, d) in dates.iter().enumerate() {
        use chrono::Datelike;
        let period = (d.year(), if by_year { 0 } else { d.month() });
        match counts.last_mut() {
            Some((p, n)) if *p == period => *n = i + 1,
            _ => counts.push((period, i + 1)),
        }
    }
    counts
        .into_iter()
        .map(|((year, month), n)| match month {
            0 => (year.to_string(), n),
            m => (format!("{year}-{m:02}"), n),
        })
        .collect()
}

/// Actions found with a period, the latest first: at most `limit`.
pub fn timeline<'a>(found: &[&'a Fact], limit: usize) -> Vec<&'a Fact> {
    let mut actions: Vec<&Fact> = found
        .iter()
        .filter(|f| f.kind == Kind::Action && f.period.is_some())
        .copied()
        .collect();
    actions.sort_by(|a, b| b.period.cmp(&a.period).then(a.title.cmp(&b.title)));
    actions.truncate(limit);
    actions
}

/// The `limit` largest counts, ties by name.
fn top(counts: HashMap<&str, usize>, limit: usize) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> =
        counts.into_iter().map(|(k, n)| (k.to_owned(), n)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(limit);
    out
}

/// Rows as CSV, headers first.
pub fn csv(headers: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(headers)?;
    for row in rows {
        w.write_record(row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

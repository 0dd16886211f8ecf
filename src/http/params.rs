//! Search parameters, shared by the results page and the JSON API. Repeated
//! filters (`kind=action&kind=method`) select several values. Bad values are
//! refused with a message naming the parameter; unknown parameters are ignored,
//! as browsers and scripts add their own.

use savoirs_index::{SearchRequest, Sort};
use savoirs_templates::Lang;
use savoirs_templates::i18n::{t, tf};

use super::AppError;

pub const DEFAULT_PER_PAGE: usize = 10;
pub const MAX_PER_PAGE: usize = 100;
/// Deep pages cost more and are never read by people; cap them.
pub const MAX_PAGE: usize = 1_000;
/// Active filters at once (a run of consecutive years counts as one). Every
/// filter is repeated in the links of the results page (each "remove" link holds
/// all the others), so the page grows with the square of this number: it must
/// stay small, whatever the address asks for.
pub const MAX_FILTERS: usize = 20;
/// Longest filter value: names and labels are shorter; the value is repeated in
/// every link of the page.
pub const MAX_FILTER_CHARS: usize = 200;
/// Distinct years selected at once (one range spans at most two centuries).
pub const MAX_YEARS: usize = 201;
/// The query is repeated in every link of the page too. The index reads at most
/// 500 characters and says so; what is beyond this is not even kept.
pub const MAX_QUERY_KEPT: usize = 1_000;

/// `2006` or `2005..2007` (at most two centuries).
fn years(value: &str) -> Option<Vec<i64>> {
    let year = |s: &str| s.parse::<i64>().ok().filter(|y| (1000..=9999).contains(y));
    match value.split_once("..") {
        None => year(value).map(|y| vec![y]),
        Some((a, b)) => {
            let (a, b) = (year(a)?, year(b)?);
            (a <= b && b - a <= 200).then(|| (a..=b).collect())
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    pub q: String,
    pub kinds: Vec<String>,
    pub partners: Vec<String>,
    pub keywords: Vec<String>,
    pub langs: Vec<String>,
    /// Types of attached files (`pdf`, `odt` …).
    pub formats: Vec<String>,
    /// Names of places.
    pub places: Vec<String>,
    pub years: Vec<i64>,
    pub sort: Sort,
    pub page: usize,
    pub per_page: usize,
}

impl SearchParams {
    /// Reads the parameters, explaining a bad one in French (the JSON API's
    /// messages do not depend on the client's language).
    pub fn parse(query: Option<&str>) -> Result<SearchParams, AppError> {
        Self::parse_in(query, Lang::Fr)
    }

    /// Reads the parameters, explaining a bad one in `lang`.
    pub fn parse_in(query: Option<&str>, lang: Lang) -> Result<SearchParams, AppError> {
        let mut p = SearchParams {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            ..SearchParams::default()
        };
        let bad = |name: &str, value: &str, expected: &str| {
            AppError::BadRequest(tf(
                lang,
                "params.bad",
                &[
                    ("name", &name),
                    ("value", &format!("{value:?}")),
                    ("expected", &expected),
                ],
            ))
        };
        let too_long = |name: &str| {
            AppError::BadRequest(tf(
                lang,
                "params.too_long",
                &[("name", &name), ("max", &MAX_FILTER_CHARS)],
            ))
        };
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let value = value.trim().to_owned();
            if matches!(
                key.as_ref(),
                "kind" | "partner" | "keyword" | "lang" | "year" | "format" | "place"
            ) && value.chars().count() > MAX_FILTER_CHARS
            {
                return Err(too_long(&key));
            }
            match key.as_ref() {
                "q" => p.q = value.chars().take(MAX_QUERY_KEPT).collect(),
                "kind" if value.is_empty() => {}
                "kind" => {
                    if crate::model::Kind::parse(&value).is_none() {
                        return Err(bad("kind", &value, t(lang, "params.kind")));
                    }
                    push_new(&mut p.kinds, value);
                }
                "partner" if !value.is_empty() => push_new(&mut p.partners, value),
                "keyword" if !value.is_empty() => push_new(&mut p.keywords, value),
                "place" if !value.is_empty() => push_new(&mut p.places, value),
                "lang" if value.is_empty() => {}
                "lang" => {
                    if !crate::model::LANGS.contains(&value.as_str()) {
                        return Err(bad("lang", &value, t(lang, "params.lang")));
                    }
                    push_new(&mut p.langs, value);
                }
                "format" if value.is_empty() => {}
                "format" => {
                    let known = crate::files::detect::ACCEPTED
                        .iter()
                        .any(|(_, f)| *f == value);
                    if !known {
                        return Err(bad(
                            "format",
                            &value,
                            "pdf, odt, ods, odp, docx, xlsx, pptx, txt, md, html, csv, png, jpeg, webp",
                        ));
                    }
                    push_new(&mut p.formats, value);
                }
                "year" if value.is_empty() => {}
                "year" => match years(&value) {
                    Some(ys) => {
                        p.years.extend(ys);
                        // Repeats collapse as they come, so that the list never
                        // holds more than a few ranges' worth.
                        if p.years.len() > 2 * MAX_YEARS {
                            p.years.sort_unstable();
                            p.years.dedup();
                        }
                    }
                    None => {
                        return Err(bad("year", &value, t(lang, "params.year")));
                    }
                },
                "sort" => {
                    p.sort = Sort::parse(&value)
                        .ok_or_else(|| bad("sort", &value, t(lang, "params.sort")))?
                }
                "page" if value.is_empty() => {}
                "page" => match value.parse::<usize>() {
                    Ok(n) if (1..=MAX_PAGE).contains(&n) => p.page = n,
                    _ => return Err(bad("page", &value, t(lang, "params.page"))),
                },
                "per_page" if value.is_empty() => {}
                "per_page" => match value.parse::<usize>() {
                    Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => p.per_page = n,
                    _ => return Err(bad("per_page", &value, t(lang, "params.per_page"))),
                },
                _ => {}
            }
            // Checked as values come, so that a long address is refused before
            // its values are all collected.
            let values = p.kinds.len() + p.partners.len() + p.keywords.len() + p.langs.len();
            if values + p.formats.len() + p.places.len() > MAX_FILTERS
                || p.years.len() > 2 * MAX_YEARS
            {
                return Err(too_many(lang));
            }
        }
        p.years.sort_unstable();
        p.years.dedup();
        if p.years.len() > MAX_YEARS || p.filters().len() > MAX_FILTERS {
            return Err(too_many(lang));
        }
        Ok(p)
    }

    /// The index request, limited to what `viewer` may see.
    pub fn request(&self, viewer: &super::Viewer) -> SearchRequest {
        let (statuses, owner) = viewer.visibility();
        SearchRequest {
            text: self.q.clone(),
            kinds: self.kinds.clone(),
            partners: self.partners.clone(),
            keywords: self.keywords.clone(),
            langs: self.langs.clone(),
            years: self.years.clone(),
            formats: self.formats.clone(),
            places: self.places.clone(),
            statuses,
            owner,
            sort: self.sort,
            offset: (self.page - 1) * self.per_page,
            limit: self.per_page,
        }
    }

    /// The active filters as (parameter, value) pairs.
    pub fn filters(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (name, values) in [
            ("kind", &self.kinds),
            ("partner", &self.partners),
            ("keyword", &self.keywords),
            ("lang", &self.langs),
            ("format", &self.formats),
            ("place", &self.places),
        ] {
            out.extend(values.iter().map(|v| (name.to_owned(), v.clone())));
        }
        // Each run of consecutive years reads back as one range.
        let mut runs: Vec<(i64, i64)> = Vec::new();
        for &y in &self.years {
            match runs.last_mut() {
                Some((_, end)) if y == *end + 1 => *end = y,
                _ => runs.push((y, y)),
            }
        }
        out.extend(runs.into_iter().map(|(a, b)| {
            let value = if a == b {
                a.to_string()
            } else {
                format!("{a}..{b}")
            };
            ("year".to_owned(), value)
        }));
        out
    }
}

/// The same filter asked twice is one filter. The lists are at most
/// [`MAX_FILTERS`] long, so looking through them costs nothing.
fn push_new(values: &mut Vec<String>, value: String) {
    if !values.contains(&value) {
        values.push(value);
    }
}

fn too_many(lang: Lang) -> AppError {
    AppError::BadRequest(tf(
        lang,
        "params.too_many",
        &[("max", &MAX_FILTERS), ("years", &MAX_YEARS)],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_repeated_filters_and_refuses_bad_values() {
        let p = SearchParams::parse(Some(
            "q=forum+%C3%A9lectronique&kind=action&kind=method&year=2006&page=2",
        ))
        .expect("params");
        assert_eq!(p.q, "forum électronique");
        assert_eq!(p.kinds, vec!["action", "method"]);
        assert_eq!(p.request(&super::super::Viewer::default()).offset, 10);
        let p = SearchParams::parse(Some("year=2005..2007")).expect("range");
        assert_eq!(p.years, vec![2005, 2006, 2007]);
        assert_eq!(
            p.filters(),
            vec![("year".to_owned(), "2005..2007".to_owned())]
        );
        for bad in [
            "page=0",
            "page=x",
            "per_page=1000",
            "kind=poem",
            "year=20",
            "year=2007..2005",
            "sort=best",
            "lang=de",
        ] {
            let err = SearchParams::parse(Some(bad)).expect_err(bad);
            assert!(matches!(err, AppError::BadRequest(_)), "{bad}");
        }
        assert!(SearchParams::parse(Some("utm_source=x&q=")).is_ok());
    }

    #[test]
    fn repeated_filters_count_once_and_too_many_are_refused() {
        let same = "year=1000..1200&".repeat(300) + &"partner=RITIMO&".repeat(2000);
        let p = SearchParams::parse(Some(&same)).expect("repeats collapse");
        assert_eq!(p.years.len(), 201);
        assert_eq!(p.partners, vec!["RITIMO"]);
        assert_eq!(p.filters().len(), 2);

        let many: String = (0..2000).map(|i| format!("partner=p{i}&")).collect();
        let err = SearchParams::parse(Some(&many)).expect_err("2,000 partners");
        assert!(matches!(err, AppError::BadRequest(_)));
        let spread: String = (0..21).map(|i| format!("year={}&", 1000 + 2 * i)).collect();
        assert!(
            SearchParams::parse(Some(&spread)).is_err(),
            "21 separate years"
        );
        let ranges: String = (0..5)
            .map(|i| format!("year={}..{}&", 1000 + 201 * i, 1200 + 201 * i))
            .collect();
        assert!(SearchParams::parse(Some(&ranges)).is_err(), "1,000 years");
        let long = format!("partner={}", "x".repeat(MAX_FILTER_CHARS + 1));
        assert!(SearchParams::parse(Some(&long)).is_err());
        let p = SearchParams::parse(Some(&format!("q={}", "mot ".repeat(1000)))).expect("long q");
        assert_eq!(p.q.chars().count(), MAX_QUERY_KEPT);
    }

    #[test]
    fn separate_runs_of_years_read_back_as_ranges() {
        let p = SearchParams::parse(Some("year=2001&year=2005..2007&year=2003")).expect("years");
        assert_eq!(
            p.filters(),
            vec![
                ("year".to_owned(), "2001".to_owned()),
                ("year".to_owned(), "2003".to_owned()),
                ("year".to_owned(), "2005..2007".to_owned()),
            ]
        );
    }
}

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
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let value = value.trim().to_owned();
            match key.as_ref() {
                "q" => p.q = value,
                "kind" if value.is_empty() => {}
                "kind" => {
                    if crate::model::Kind::parse(&value).is_none() {
                        return Err(bad("kind", &value, t(lang, "params.kind")));
                    }
                    p.kinds.push(value);
                }
                "partner" if !value.is_empty() => p.partners.push(value),
                "keyword" if !value.is_empty() => p.keywords.push(value),
                "lang" if value.is_empty() => {}
                "lang" => {
                    if !crate::model::LANGS.contains(&value.as_str()) {
                        return Err(bad("lang", &value, t(lang, "params.lang")));
                    }
                    p.langs.push(value);
                }
                "year" if value.is_empty() => {}
                "year" => match years(&value) {
                    Some(ys) => p.years.extend(ys),
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
        ] {
            out.extend(values.iter().map(|v| (name.to_owned(), v.clone())));
        }
        // A run of consecutive years reads back as one range.
        if let (Some(first), Some(last)) = (self.years.first(), self.years.last())
            && self.years.len() > 1
            && self.years.windows(2).all(|w| w[1] == w[0] + 1)
        {
            out.push(("year".to_owned(), format!("{first}..{last}")));
        } else {
            out.extend(
                self.years
                    .iter()
                    .map(|y| ("year".to_owned(), y.to_string())),
            );
        }
        out
    }
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
}

//! Plain values exchanged with the index: what goes in ([`IndexDoc`]), what a search
//! asks ([`SearchRequest`]) and what it answers ([`SearchResults`]).

use serde::Serialize;

/// One record as the index sees it. Built by the application from a stored record;
/// the index knows nothing else about records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexDoc {
    pub id: String,
    pub kind: String,
    pub lang: String,
    pub status: String,
    /// The account that created the record (may see it before it is published).
    pub owner: String,
    /// Where the record is read, e.g. `/action/accompagner-des-partenaires`.
    pub url: String,
    pub revision: u64,
    pub title: String,
    /// Short descriptive labels searched with a high weight: partner names, acronyms
    /// and aliases, keywords, people.
    pub labels: Vec<String>,
    /// Labels whose language is known, as `(language code, label)`: a concept's
    /// labels in every language, on the concept and on the records it tags. Each
    /// is analysed in its own language, and teaches the index the words of that
    /// language, which a query word's analysis depends on (see `reading`).
    pub lang_labels: Vec<(String, String)>,
    pub summary: String,
    /// Every long section, concatenated.
    pub body: String,
    /// Partners shown with a hit and counted in the partner facet.
    pub partners: Vec<String>,
    pub keywords: Vec<String>,
    pub period: Option<Period>,
    /// Last update, seconds since the Unix epoch.
    pub updated: i64,
    /// Amount in minor units, for sorting.
    pub amount: Option<i64>,
    /// The text of the record's attached files, page by page. Searched with a
    /// low weight: a file never outranks the record's own title and summary.
    pub files: Vec<FilePage>,
    /// The short types of the attached files (`pdf`, `odt` …), for the facet.
    pub formats: Vec<String>,
    /// Names of the record's places, for the `place` filter and facet.
    pub places: Vec<String>,
}

/// One page of an attached file's text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilePage {
    /// The language of the text (the attachment's, else the record's).
    pub lang: String,
    /// The file's name, as a hit names it.
    pub file: String,
    /// Its number, from 1; 0 when the file is not divided into pages.
    pub page: u32,
    pub text: String,
}

/// Where in an attached file a hit's excerpt comes from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileMatch {
    pub file: String,
    /// From 1; absent when the file has no pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Oldest,
    Title,
    Amount,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        Some(match s {
            "" | "relevance" => Sort::Relevance,
            "newest" => Sort::Newest,
            "oldest" => Sort::Oldest,
            "title" => Sort::Title,
            "amount" => Sort::Amount,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Title => "title",
            Sort::Amount => "amount",
        }
    }
}

/// A search. Filters with several values match any of them; different filters must
/// all match.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub text: String,
    pub kinds: Vec<String>,
    pub partners: Vec<String>,
    pub keywords: Vec<String>,
    pub langs: Vec<String>,
    pub years: Vec<i64>,
    /// Types of attached files (`pdf` …).
    pub formats: Vec<String>,
    /// Names of places.
    pub places: Vec<String>,
    /// Statuses the reader may see; empty means every status.
    pub statuses: Vec<String>,
    /// With `statuses`: records created by this account are visible whatever their
    /// status.
    pub owner: Option<String>,
    pub sort: Sort,
    /// Zero-based offset of the first hit.
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub id: String,
    pub kind: String,
    pub lang: String,
    pub status: String,
    pub url: String,
    pub title: String,
    /// The title as HTML, matches wrapped in `<mark>`, everything else escaped.
    pub title_html: String,
    /// An excerpt as HTML, matches wrapped in `<mark>`, everything else escaped.
    pub snippet: String,
    pub score: f32,
    pub revision: u64,
    pub partners: Vec<String>,
    pub keywords: Vec<String>,
    pub period: Option<Period>,
    /// Set when the excerpt comes from an attached file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<FileMatch>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Facets {
    pub kind: Vec<FacetCount>,
    pub partner: Vec<FacetCount>,
    pub keyword: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
    pub lang: Vec<FacetCount>,
    /// Types of attached files.
    pub format: Vec<FacetCount>,
    pub place: Vec<FacetCount>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Set when not every word could be matched and the results hold records that
    /// match only some of them.
    pub partial: bool,
    /// With `partial`, for a short query: `(k, n)` when the hits are the records
    /// holding `k` of its `n` meaningful words, the most any record holds.
    pub matched: Option<(usize, usize)>,
    /// Set when the query's syntax could not be read as written and was searched
    /// as plain words instead; says what was done, in French.
    pub notice: Option<String>,
    /// The same, item by item, for an interface to word in its language.
    pub notices: Vec<crate::query::QueryNotice>,
    /// A corrected query, offered when the query found little and some of its
    /// words look misspelt ("did you mean").
    pub suggestion: Option<String>,
    /// True when the query found nothing and the hits are those of `suggestion`.
    pub corrected: bool,
}

/// One completion offered while typing.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    /// A record kind, or `keyword`.
    pub kind: String,
    pub url: String,
}

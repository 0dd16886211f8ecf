//! The index schema: one tantivy index holds every record kind.
//!
//! Searchable text lives in per-language fields (`title_fr`, `body_en` …): a record
//! fills only the fields of its own language, so each is analysed by the right
//! stemmer, and a query is run against every language's fields at once.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::analysis::{LABEL_ANALYZER, Lang, SPELL_ANALYZER};

/// Bumped whenever the schema, the analyzers or what goes into a field change: an
/// index built with another version is rebuilt from the store at start-up.
/// Version 5: only published records feed the spelling vocabulary, and a record's
/// entry names only the published partners and concepts it links to.
/// Version 6: each language's vocabulary of words as written (`words_fr` …).
/// Version 7: the key of each title (`title_key`).
/// Version 8: the text of attached files (`files_fr` …, `file_where`), and
/// their types as a facet.
/// Version 9: places as a facet, and ids as a column (to list every match).
pub const SCHEMA_VERSION: u32 = 9;

/// The searchable text roles of a record, from the most to the least weighty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Title,
    /// Partner names, keywords, people: short labels that describe the record.
    Labels,
    Summary,
    Body,
    /// The text of attached files.
    Files,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Title,
        Role::Labels,
        Role::Summary,
        Role::Body,
        Role::Files,
    ];

    fn name(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Labels => "labels",
            Role::Summary => "summary",
            Role::Body => "body",
            Role::Files => "files",
        }
    }

    /// Relative weight of a match in this role: title and summary above body.
    /// Labels weigh a little less when stemmed, but an exact label match adds its
    /// own weight (see `query`). A title that the whole query says, and words
    /// found as typed, get their own bonuses there too; with those, a heavier
    /// title only let one title word outweigh a record holding every word in its
    /// text. Tuned on the Cranfield collection and the French known items on
    /// Debian documentation (`bench/`, BENCHMARKS.md).
    pub fn boost(self) -> f32 {
        match self {
            Role::Title => 2.0,
            Role::Labels => 1.5,
            Role::Summary => 2.0,
            Role::Body => 1.0,
            // Long texts that the record's own words must outrank: a file
            // full of a word scores at most about one body match.
            Role::Files => 0.4,
        }
    }
}

/// Handles on every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    pub schema: Schema,
    pub id: Field,
    pub kind: Field,
    pub lang: Field,
    pub status: Field,
    pub url: Field,
    pub revision: Field,
    pub facets: Field,
    pub partners: Field,
    pub keywords: Field,
    pub period_start: Field,
    pub period_end: Field,
    pub updated: Field,
    pub amount: Field,
    pub title_sort: Field,
    /// The title's [`key`](crate::analysis::key) in the record's language: a query
    /// that says the whole title, however written, finds it first.
    pub title_key: Field,
    /// Exact (unstemmed) labels: partner names and acronyms, keywords.
    pub label_text: Field,
    /// Words of titles, summaries and labels as written: the vocabulary that
    /// spelling corrections are chosen from.
    pub spell: Field,
    /// Titles and labels, unstemmed: what suggestions complete.
    pub complete: Field,
    /// Per page of attached text, in the order of the `files_*` values of
    /// each language: `lang \u{1f} page \u{1f} file name`.
    pub file_where: Field,
    /// Columnar copies of the facet values, one field per dimension, for counting.
    pub facet_values: Vec<(&'static str, Field)>,
    text: Vec<(Lang, Role, Field)>,
    /// Per language, the words of that language's records as written (folded,
    /// never stemmed): tells which languages a query word belongs to, so that
    /// `fair` is not read as the French stem of `faire`.
    words: Vec<(Lang, Field)>,
}

impl Fields {
    pub fn build() -> Fields {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING | STORED | FAST);
        let kind = b.add_text_field("kind", STRING | STORED);
        let lang = b.add_text_field("lang", STRING | STORED);
        let status = b.add_text_field("status", STRING | STORED);
        let url = b.add_text_field("url", STORED);
        let revision = b.add_u64_field("revision", STORED);
        let facets = b.add_facet_field("facets", FacetOptions::default());
        let partners = b.add_text_field("partners", STORED);
        let keywords = b.add_text_field("keywords", STORED);
        let period_start = b.add_i64_field("period_start", STORED);
        let period_end = b.add_i64_field("period_end", STORED);
        let updated = b.add_i64_field("updated", FAST | STORED | INDEXED);
        let amount = b.add_i64_field("amount", FAST);
        let title_sort = b.add_text_field("title_sort", STRING | FAST);
        let title_key = b.add_text_field("title_key", STRING);
        let file_where = b.add_text_field("file_where", STORED);
        let label_text = b.add_text_field(
            "label_text",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(LABEL_ANALYZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let spell = b.add_text_field(
            "spell",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(SPELL_ANALYZER)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        );
        let complete = b.add_text_field(
            "complete",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(LABEL_ANALYZER)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        );
        let facet_values = crate::facets::DIMENSIONS
            .iter()
            .map(|d| {
                let options = TextOptions::default().set_fast("raw");
                (*d, b.add_text_field(&crate::facets::field_name(d), options))
            })
            .collect();
        let words = Lang::ALL
            .iter()
            .map(|l| {
                let indexing = TextFieldIndexing::default()
                    .set_tokenizer(LABEL_ANALYZER)
                    .set_index_option(IndexRecordOption::Basic);
                let options = TextOptions::default().set_indexing_options(indexing);
                (
                    *l,
                    b.add_text_field(&format!("words_{}", l.code()), options),
                )
            })
            .collect();
        let mut text = Vec::new();
        for l in Lang::ALL {
            for role in Role::ALL {
                let indexing = TextFieldIndexing::default()
                    .set_tokenizer(l.analyzer_name())
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions);
                // Stored so that snippets can be cut from them.
                let options = TextOptions::default()
                    .set_indexing_options(indexing)
                    .set_stored();
                let name = format!("{}_{}", role.name(), l.code());
                text.push((l, role, b.add_text_field(&name, options)));
            }
        }
        Fields {
            schema: b.build(),
            id,
            kind,
            lang,
            status,
            url,
            revision,
            facets,
            partners,
            keywords,
            period_start,
            period_end,
            updated,
            amount,
            title_sort,
            title_key,
            file_where,
            label_text,
            spell,
            complete,
            facet_values,
            text,
            words,
        }
    }

    /// The vocabulary field of a language.
    pub fn words(&self, lang: Lang) -> Field {
        self.words
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, f)| *f)
            .unwrap_or(self.label_text)
    }

    /// The fast field holding a facet dimension's values.
    pub fn facet_value(&self, dimension: &str) -> Option<Field> {
        self.facet_values
            .iter()
            .find(|(d, _)| *d == dimension)
            .map(|(_, f)| *f)
    }

    /// The text field for a language and role.
    pub fn text(&self, lang: Lang, role: Role) -> Field {
        self.text
            .iter()
            .find(|(l, r, _)| *l == lang && *r == role)
            .map(|(_, _, f)| *f)
            .unwrap_or(self.label_text)
    }
}

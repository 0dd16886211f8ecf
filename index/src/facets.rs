//! Facet counts. Each segment's facet values are read once from their columnar
//! fast fields into flat arrays (document → value ordinals) kept in a cache;
//! counting a result set is then a few array increments per document. Segments
//! never change once written, so a cached segment stays right until it is merged
//! away (and dropped from the cache). Counting from the columns directly, or with
//! tantivy's hierarchical facet collector, cost at 100 000 documents some twenty
//! to thirty times the search itself.
//!
//! Each segment numbers its values on its own, so the values of every segment of
//! a searcher are merged once into one sorted list ([`Merged`]), cached until the
//! segments change: counts are then added up by number, and only the values shown
//! are turned into strings.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// The facet dimensions, each with the fast field holding its values.
pub const DIMENSIONS: [&str; 7] = [
    "kind", "partner", "keyword", "year", "lang", "format", "place",
];

/// Name of the fast field of a dimension.
pub fn field_name(dimension: &str) -> String {
    format!("f_{dimension}")
}

/// One dimension of one segment: for each document, its value ordinals.
struct Column {
    offsets: Vec<u32>,
    ordinals: Vec<u32>,
    /// Ordinal → value.
    values: Vec<String>,
}

impl Column {
    fn read(column: &StrColumn, max_doc: DocId) -> Column {
        let mut offsets = Vec::with_capacity(max_doc as usize + 1);
        let mut ordinals = Vec::new();
        offsets.push(0);
        for doc in 0..max_doc {
            ordinals.extend(column.term_ords(doc).map(|o| o as u32));
            offsets.push(ordinals.len() as u32);
        }
        let mut values = Vec::with_capacity(column.num_terms());
        let mut value = String::new();
        for ord in 0..column.num_terms() as u64 {
            value.clear();
            let _ = column.ord_to_str(ord, &mut value);
            values.push(value.clone());
        }
        Column {
            offsets,
            ordinals,
            values,
        }
    }
}

/// The facet values of one segment, for every dimension.
pub struct SegmentFacets {
    columns: Vec<Option<Column>>,
}

/// The values of every dimension across the segments of one searcher.
pub struct Merged {
    segments: Vec<SegmentId>,
    dimensions: Vec<Dimension>,
}

/// One dimension's values, sorted, and for each segment, where each of its own
/// value ordinals stands among them.
struct Dimension {
    values: Vec<String>,
    places: Vec<Vec<u32>>,
}

impl Merged {
    fn build(segments: Vec<SegmentId>, facets: &[Arc<SegmentFacets>]) -> Merged {
        let dimensions = (0..DIMENSIONS.len())
            .map(|d| {
                let columns = || facets.iter().filter_map(|f| f.columns[d].as_ref());
                let mut values: Vec<String> = columns().flat_map(|c| c.values.clone()).collect();
                values.sort_unstable();
                values.dedup();
                let places = facets
                    .iter()
                    .map(|f| {
                        f.columns[d].as_ref().map_or(Vec::new(), |c| {
                            c.values
                                .iter()
                                .map(|v| values.binary_search(v).unwrap_or(0) as u32)
                                .collect()
                        })
                    })
                    .collect();
                Dimension { values, places }
            })
            .collect();
        Merged {
            segments,
            dimensions,
        }
    }
}

/// Segment id → its facet values, shared by every search of the index, and the
/// merged values of the latest set of segments searched.
#[derive(Default)]
pub struct Cache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
    merged: Mutex<Option<Arc<Merged>>>,
}

impl Cache {
    fn get(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentFacets>> {
        let id = reader.segment_id();
        if let Some(found) = self.lock().get(&id) {
            return Ok(found.clone());
        }
        let mut columns = Vec::with_capacity(DIMENSIONS.len());
        for dimension in DIMENSIONS {
            let column = reader.fast_fields().str(&field_name(dimension))?;
            columns.push(column.map(|c| Column::read(&c, reader.max_doc())));
        }
        let facets = Arc::new(SegmentFacets { columns });
        self.lock().insert(id, facets.clone());
        Ok(facets)
    }

    /// The merged values of the searcher's segments.
    fn merged(&self, searcher: &Searcher) -> tantivy::Result<Arc<Merged>> {
        let readers = searcher.segment_readers();
        let ids: Vec<SegmentId> = readers.iter().map(|r| r.segment_id()).collect();
        let mut merged = self.merged.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = merged.as_ref().filter(|m| m.segments == ids) {
            return Ok(found.clone());
        }
        let facets = readers
            .iter()
            .map(|r| self.get(r))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let built = Arc::new(Merged::build(ids, &facets));
        *merged = Some(built.clone());
        Ok(built)
    }

    /// Forgets segments that are no longer in the index.
    pub fn retain(&self, live: &[SegmentId]) {
        self.lock().retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentFacets>>> {
        self.segments.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Counts the values of some dimensions over the matching documents.
pub struct FacetCounter {
    cache: Arc<Cache>,
    merged: Arc<Merged>,
    /// Positions in [`DIMENSIONS`].
    wanted: Vec<usize>,
}

impl FacetCounter {
    /// A counter for a search with `searcher`.
    pub fn new(
        cache: Arc<Cache>,
        searcher: &Searcher,
        dimensions: &[&str],
    ) -> tantivy::Result<FacetCounter> {
        Ok(FacetCounter {
            merged: cache.merged(searcher)?,
            cache,
            wanted: dimensions
                .iter()
                .filter_map(|d| DIMENSIONS.iter().position(|x| x == d))
                .collect(),
        })
    }
}

/// The counts of the dimensions asked for, in that order.
pub struct Counts {
    merged: Arc<Merged>,
    wanted: Vec<usize>,
    /// Per dimension asked, merged value number → number of documents.
    counts: Vec<Vec<u64>>,
}

impl Counts {
    /// The `n` values of the `i`-th dimension asked with the most documents, the
    /// most first, then in value order.
    pub fn top(&self, i: usize, n: usize) -> Vec<(String, u64)> {
        let mut counted = self.counted(i);
        counted.sort_unstable_by_key(|(value, count)| (std::cmp::Reverse(*count), *value));
        counted.truncate(n);
        self.named(i, counted)
    }

    /// Every value of the `i`-th dimension asked that some document holds.
    pub fn all(&self, i: usize) -> Vec<(String, u64)> {
        self.named(i, self.counted(i))
    }

    fn counted(&self, i: usize) -> Vec<(usize, u64)> {
        self.counts.get(i).map_or(Vec::new(), |counts| {
            counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(v, c)| (v, *c))
                .collect()
        })
    }

    fn named(&self, i: usize, counted: Vec<(usize, u64)>) -> Vec<(String, u64)> {
        let Some(dimension) = self.wanted.get(i).map(|d| &self.merged.dimensions[*d]) else {
            return Vec::new();
        };
        counted
            .into_iter()
            .map(|(v, c)| (dimension.values[v].clone(), c))
            .collect()
    }
}

pub struct SegmentFacetCounter {
    facets: Arc<SegmentFacets>,
    wanted: Vec<usize>,
    segment: usize,
    counts: Vec<Vec<u32>>,
}

/// Per dimension asked, (merged value number, count) of one segment.
pub type SegmentCounts = (usize, Vec<Vec<u32>>);

impl Collector for FacetCounter {
    type Fruit = Counts;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        let facets = self.cache.get(reader)?;
        let counts = self
            .wanted
            .iter()
            .map(|d| {
                facets.columns[*d]
                    .as_ref()
                    .map_or(Vec::new(), |c| vec![0; c.values.len()])
            })
            .collect();
        Ok(SegmentFacetCounter {
            facets,
            wanted: self.wanted.clone(),
            segment: segment as usize,
            counts,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentCounts>) -> tantivy::Result<Counts> {
        let mut counts: Vec<Vec<u64>> = self
            .wanted
            .iter()
            .map(|d| vec![0; self.merged.dimensions[*d].values.len()])
            .collect();
        for (segment, fruit) in fruits {
            for ((into, from), d) in counts.iter_mut().zip(fruit).zip(&self.wanted) {
                let places = &self.merged.dimensions[*d].places;
                let Some(places) = places.get(segment) else {
                    continue;
                };
                for (ord, count) in from.into_iter().enumerate() {
                    if count > 0
                        && let Some(place) = places.get(ord)
                        && let Some(slot) = into.get_mut(*place as usize)
                    {
                        *slot += u64::from(count);
                    }
                }
            }
        }
        Ok(Counts {
            merged: self.merged.clone(),
            wanted: self.wanted.clone(),
            counts,
        })
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = SegmentCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let doc = doc as usize;
        for (i, d) in self.wanted.iter().enumerate() {
            if let Some(column) = &self.facets.columns[*d] {
                let (from, to) = (
                    column.offsets[doc] as usize,
                    column.offsets[doc + 1] as usize,
                );
                for ord in &column.ordinals[from..to] {
                    self.counts[i][*ord as usize] += 1;
                }
            }
        }
    }

    fn harvest(self) -> SegmentCounts {
        (self.segment, self.counts)
    }
}

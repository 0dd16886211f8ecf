//! `savoirs-bench`: measurements of Savoirs. Everything here is generated or read
//! by code, so anyone can reproduce the figures in `BENCHMARKS.md`.
//!
//! - [`cranfield`]: the Cranfield 1400 test collection (documents, queries,
//!   graded judgements).
//! - [`metrics`]: nDCG@k and average precision.
//! - [`known_item`]: French known-item queries (unaccented, plural, misspelt)
//!   derived from real French records.
//! - [`corpus`]: a seeded generator of realistic French records and of the mixed
//!   query set the speed harness uses.
//! - [`baseline`]: a plain BM25 engine (tantivy, one field, no stemming) that the
//!   same harness runs beside Savoirs.
//! - [`debian_fr`]: real French documents, the sections of Debian documentation
//!   packages.
//! - [`query_classes`]: known-item queries of several classes (the title as
//!   written, lowercased, unaccented, re-inflected, misspelt, words of the body).
//! - [`harness`]: what the speed harnesses share (import, SQLite FTS5, server,
//!   HTTP clients, percentiles).

pub mod baseline;
pub mod corpus;
pub mod cranfield;
pub mod debian_fr;
pub mod harness;
pub mod known_item;
pub mod metrics;
pub mod query_classes;

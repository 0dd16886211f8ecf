//! Savoirs: a collaborative knowledge base with full-text search.
//!
//! A tour of the modules, from the data up:
//!
//! - [`model`]: records (action sheets, methodology documents, resources,
//!   partners), their JSON shape and their validation.
//! - [`store`]: redb, the source of truth: records, revisions, change log.
//! - [`search`]: turns stored records into index documents and keeps the tantivy
//!   index (crate `savoirs-index`) in step with the store's change log.
//! - [`import`] and [`export`]: the interchange formats, and Atom feeds;
//!   [`oai`]: the OAI-PMH data provider.
//! - [`http`]: the axum server — HTML pages (crate `savoirs-templates`), the
//!   JSON API, feeds, OpenSearch, the sitemap and downloads.
//! - [`cli`]: the `savoirs` command, and [`memory`]: what its caches may hold.

pub mod atlas;
pub mod cli;
pub mod dashboard;
pub mod export;
pub mod facts;
pub mod files;
pub mod graph;
pub mod group_commit;
pub mod http;
pub mod import;
pub mod mail;
pub mod memory;
pub mod model;
pub mod oai;
pub mod ops;
pub mod places;
pub mod priority;
pub mod search;
pub mod search_threads;
pub mod store;

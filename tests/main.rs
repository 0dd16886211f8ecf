//! Integration tests: each starts the real `savoirs` binary on `127.0.0.1:0` with a
//! temporary data directory and talks to it over HTTP, as a person or a script
//! would. One test binary with modules keeps link time down.

mod support;

mod a11y;
mod access;
mod accounts;
mod api;
mod browser;
mod discussion;
mod documents;
mod durability;
mod editing;
mod exports;
mod feeds;
mod files;
mod i18n;
mod import_export;
mod linking;
mod maps;
mod markdown;
mod oai;
mod query_language;
mod restart;
mod search;
mod security;
mod skos;
mod visibility;
mod xss;

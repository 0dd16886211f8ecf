//! One module per page.

pub mod account;
pub mod attachments;
pub mod confirm;
pub mod dashboard;
pub mod discussion;
pub mod document;
pub mod error;
pub mod form;
pub mod help;
pub mod history;
pub mod home;
pub mod maps;
pub mod search;
pub mod thesaurus;

pub use document::{ConceptBlock, DocumentView, LinkedPartner, PartnerTools, RecordTools, Section};
pub use error::{ErrorView, NotFoundView};
pub use home::HomeView;
pub use search::{FacetGroup, ResultItem, SearchView};

/// A link to a record: its title and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLink {
    pub kind: String,
    pub title: String,
    pub url: String,
}

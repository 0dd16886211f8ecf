//! Every redb table of the store, declared once.

use redb::{MultimapTableDefinition, TableDefinition};

/// Store-wide values: `format` (u32, little-endian), `next_seq` (u64),
/// `dictionary` (u32: the compression dictionary new values are packed with).
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Record id → the record as JSON.
pub const RECORDS: TableDefinition<&str, &[u8]> = TableDefinition::new("records");
/// `kind/slug` → record id. Old slugs stay, so old URLs keep working.
pub const SLUGS: TableDefinition<&str, &str> = TableDefinition::new("slugs");
/// (record id, revision number) → the revision as JSON (full snapshot).
pub const REVISIONS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("revisions");
/// Change-log sequence number → id of the record that changed.
pub const CHANGES: TableDefinition<u64, &str> = TableDefinition::new("changes");
/// Comparison key of a partner's name, acronym or alias → partner id.
pub const PARTNER_NAMES: TableDefinition<&str, &str> = TableDefinition::new("partner_names");
/// Linked record id (a partner, a related record) → ids of records linking to it.
/// Comparison key of a concept's label (preferred or alternative, any language) →
/// concept id.
pub const CONCEPT_LABELS: TableDefinition<&str, &str> = TableDefinition::new("concept_labels");
/// Comparison key of a keyword → ids of the records that carry it.
pub const KEYWORD_USES: MultimapTableDefinition<&str, &str> =
    MultimapTableDefinition::new("keyword_uses");
/// Id of a record merged into another → id of the record it became.
pub const MOVED: TableDefinition<&str, &str> = TableDefinition::new("moved");
/// Account name → the account as JSON.
pub const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
/// SHA-256 of a session token (hex) → the session as JSON.
pub const SESSIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("sessions");
pub const BACKLINKS: MultimapTableDefinition<&str, &str> =
    MultimapTableDefinition::new("backlinks");
/// SHA-256 of an API token (hex) → the token's owner and label as JSON.
pub const API_TOKENS: TableDefinition<&str, &[u8]> = TableDefinition::new("api_tokens");
/// SHA-256 of a password-reset secret (hex) → the account and the expiry as JSON.
pub const RESETS: TableDefinition<&str, &[u8]> = TableDefinition::new("password_resets");
/// Id of a link proposed by a contributor → the proposal as JSON.
pub const LINK_PROPOSALS: TableDefinition<&str, &[u8]> = TableDefinition::new("link_proposals");
/// (record id, comment number) → the comment, with its versions, as JSON.
pub const COMMENTS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("comments");
/// Record id → the accounts that follow it.
pub const FOLLOWERS: MultimapTableDefinition<&str, &str> =
    MultimapTableDefinition::new("followers");
/// (account, number) → a notification as JSON.
pub const NOTIFICATIONS: TableDefinition<(&str, u64), &[u8]> =
    TableDefinition::new("notifications");
/// SHA-256 of an attached file (hex) → the text extracted from it, as packed
/// JSON ([`crate::files::extract::Extraction`]). Shared by every record that
/// attaches the same file.
pub const FILE_TEXTS: TableDefinition<&str, &[u8]> = TableDefinition::new("file_texts");
/// Id of a deleted record → when it was deleted and its last revision, as JSON
/// ([`super::Deletion`]): what the OAI-PMH provider reports to harvesters.
pub const DELETIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("deletions");
/// Id of a zstd dictionary trained on the store's records → the dictionary
/// (see [`super::packing`]). Kept for as long as the store lasts: values packed
/// with it need it to be read.
pub const DICTIONARIES: TableDefinition<u32, &[u8]> = TableDefinition::new("dictionaries");

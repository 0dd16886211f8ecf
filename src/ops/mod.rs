//! Every change to the base, as one account makes it: its content, its
//! discussions and its accounts. The forms, the JSON API and the review queue
//! all call these operations; none of them writes to the store itself. Each
//! operation:
//!
//! - checks what the acting account may do ([`access`]), in one place;
//! - writes, in one transaction, with the default status, owner and revision
//!   message of its kind of change;
//! - brings the index up to date before it returns, so that the next page
//!   already shows the change;
//! - tells what happened ([`Event`]), for the log of changes and for those who
//!   follow the record.
//!
//! Bulk imports write through [`crate::import`], in batches that the index
//! follows on its own thread; each record they write first passes the checks
//! and defaults of [`Ops::create`] or [`Ops::update`] ([`Ops::admit_new`],
//! [`Ops::admit_change`]), and names resolve through [`names`] everywhere.

pub mod access;
mod accounts;
mod discussion;
mod files;
mod links;
pub mod names;

pub use accounts::PasswordChange;
pub use links::{ConceptDeletion, Linked};

use crate::model::{self, Record, Status};
use crate::search::Indexer;
use crate::store::{Author, Store, StoreError, Writer};
use access::Actor;

/// Why an operation was refused. Each reason has a message in every interface
/// language, under [`Refusal::key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Partners and concepts are created by editors.
    CannotCreate,
    /// Contributors create drafts and proposals, not published records.
    CannotPublish,
    /// Only the author (before publication) and editors change a record.
    CannotEdit,
    /// That status cannot be given to the record by this account.
    CannotMove,
    /// The record changed since the page was shown.
    ChangedMeanwhile,
    /// A revision restored over one saved meanwhile.
    RestoreConflict,
    /// The change is for editors; the key of the message that says which.
    EditorsOnly(&'static str),
    /// A resource linked by someone who may neither change nor propose it.
    CannotLinkResource,
    /// A partner merged into itself.
    MergeSelf,
    /// Accounts are managed by administrators.
    AdminsOnly,
    /// An administrator changing their own role or suspending themselves.
    NotYourself,
    /// A comment changed by someone else than its author.
    NotYourComment,
    /// An e-mail address that mail cannot go to.
    BadEmail,
}

impl Refusal {
    /// The message's key in the interface texts.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::CannotCreate => "edit.editors_only",
            Refusal::CannotPublish => "edit.cannot_publish",
            Refusal::CannotEdit => "edit.cannot_edit",
            Refusal::CannotMove => "edit.cannot_move",
            Refusal::ChangedMeanwhile => "edit.changed_meanwhile",
            Refusal::RestoreConflict => "edit.restore_conflict",
            Refusal::EditorsOnly(key) => key,
            Refusal::CannotLinkResource => "links.cannot_edit_resource",
            Refusal::MergeSelf => "links.merge_self",
            Refusal::AdminsOnly => "admin.admins_only",
            Refusal::NotYourself => "admin.not_yourself",
            Refusal::NotYourComment => "discussion.not_yours",
            Refusal::BadEmail => "account.bad_email",
        }
    }

    /// Whether the request itself was wrong (400) rather than not allowed (403).
    pub fn is_bad_request(self) -> bool {
        matches!(
            self,
            Refusal::ChangedMeanwhile
                | Refusal::RestoreConflict
                | Refusal::MergeSelf
                | Refusal::NotYourself
                | Refusal::BadEmail
        )
    }
}

/// What an operation may fail with.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// Nobody is logged in.
    #[error("login required")]
    LoginRequired,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T> = std::result::Result<T, OpError>;

fn refuse<T>(why: Refusal) -> Result<T> {
    Err(OpError::Refused(why))
}

/// What happened, once it is durable and searchable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Created {
        id: String,
        status: Status,
    },
    Changed {
        id: String,
    },
    /// Moved to another status; `comment` is the editor's, when sending back.
    Moved {
        id: String,
        to: Status,
        comment: String,
    },
    Restored {
        id: String,
        revision: u64,
    },
    Linked {
        resource: String,
        partner: String,
    },
    LinkProposed {
        resource: String,
        partner: String,
    },
    LinkRefused {
        resource: String,
        partner: String,
    },
    Merged {
        from: String,
        into: String,
    },
    ConceptDeleted {
        id: String,
    },
    Commented {
        id: String,
        text: String,
    },
}

/// The operations, for one acting account.
pub struct Ops<'a> {
    store: &'a Store,
    /// `None` for a bulk load, whose index follows on a thread of its own.
    indexer: Option<&'a Indexer>,
    actor: Actor<'a>,
    /// Where mail goes out, if the server sends any.
    mailer: Option<&'a crate::mail::Mailer>,
}

/// How a document is saved: its status, and the revision message.
#[derive(Debug, Clone, Default)]
pub struct Saving<'m> {
    /// The status wanted; `None` keeps the stored one (a new record is a draft).
    pub status: Option<Status>,
    /// The author's message; empty for the default of the change.
    pub message: &'m str,
    /// The owner of a new record as an administrator gives it (an import keeps
    /// the file's); `None`: the account acting.
    pub owner: Option<&'m str>,
}

impl<'a> Ops<'a> {
    pub fn new(store: &'a Store, indexer: &'a Indexer, actor: Actor<'a>) -> Ops<'a> {
        Ops {
            store,
            indexer: Some(indexer),
            actor,
            mailer: None,
        }
    }

    /// The rules alone, for a bulk load that writes its batches and indexes
    /// them itself ([`crate::import`]): see [`Ops::admit_new`].
    pub fn for_bulk(store: &'a Store, actor: Actor<'a>) -> Ops<'a> {
        Ops {
            store,
            indexer: None,
            actor,
            mailer: None,
        }
    }

    /// The same operations, mailing notifications and reset links.
    pub fn mailing(mut self, mailer: Option<&'a crate::mail::Mailer>) -> Ops<'a> {
        self.mailer = mailer;
        self
    }

    fn logged_in(&self) -> Result<()> {
        match self.actor.user {
            Some(_) => Ok(()),
            None => Err(OpError::LoginRequired),
        }
    }

    /// Refuses anyone but an editor, with the message under `key`.
    fn editor(&self, key: &'static str) -> Result<()> {
        self.logged_in()?;
        if !self.actor.is_editor() {
            return refuse(Refusal::EditorsOnly(key));
        }
        Ok(())
    }

    /// Writes as the actor, with `message`, then makes the write searchable and
    /// tells what happened.
    fn write<T>(
        &self,
        message: &str,
        f: impl FnOnce(&mut Writer<'_>, &Author<'_>) -> std::result::Result<T, StoreError>,
        event: impl FnOnce(&T) -> Event,
    ) -> Result<T> {
        let author = Author {
            name: self.actor.name(),
            message,
        };
        let done = self.store.write(|w| f(w, &author))?;
        if let Some(indexer) = self.indexer
            && let Err(e) = indexer.make_searchable()
        {
            // The write is safe in the store; the background indexer retries.
            tracing::error!("indexing after a write failed, will retry: {e}");
            indexer.wake();
        }
        self.emit(event(&done));
        Ok(done)
    }

    fn emit(&self, event: Event) {
        tracing::info!(target: "savoirs::changes", by = self.actor.name(), ?event);
        if let Err(e) = self.notify(&event) {
            // The change itself is made: only the telling of it failed.
            tracing::error!("notifying {event:?} failed: {e}");
        }
    }

    /// The rules every new record meets, whoever writes it (a form, the API,
    /// an import): the actor may create its kind, in that status (`draft` when
    /// none is given), owned by the actor unless an administrator gives the
    /// owner. Returns the revision message.
    pub fn admit_new(&self, record: &mut Record, saving: &Saving<'_>) -> Result<String> {
        self.logged_in()?;
        if !self.actor.can_create(record.kind()) {
            return refuse(Refusal::CannotCreate);
        }
        let status = saving.status.unwrap_or(Status::Draft);
        if !self.actor.can_create_as(status) {
            return refuse(Refusal::CannotPublish);
        }
        record.meta.status = status;
        crate::places::locate(record);
        record.meta.owner = match saving.owner {
            None => self.actor.name().to_owned(),
            Some(owner) if self.actor.is_admin() => owner.to_owned(),
            Some(_) => return refuse(Refusal::AdminsOnly),
        };
        Ok(or_default(saving.message, "Création"))
    }

    /// The rules every change to `stored` meets, whoever makes it: the actor
    /// may change it, and move it to the status given; it keeps its identity
    /// (id, address, creation, owner). Returns the revision message.
    pub fn admit_change(
        &self,
        stored: &Record,
        record: &mut Record,
        saving: &Saving<'_>,
    ) -> Result<String> {
        self.logged_in()?;
        if !self.actor.can_edit(stored) {
            return refuse(Refusal::CannotEdit);
        }
        record.meta.status = saving.status.unwrap_or(stored.meta.status);
        if record.meta.status != stored.meta.status
            && !self.actor.can_move(stored, record.meta.status)
        {
            return refuse(Refusal::CannotMove);
        }
        record.meta.id.clone_from(&stored.meta.id);
        record.meta.slug.clone_from(&stored.meta.slug);
        record.meta.created = stored.meta.created;
        record.meta.owner.clone_from(&stored.meta.owner);
        // Attachments change through their own operation ([`Ops::set_attachments`]):
        // a form or an API call that edits the text keeps them.
        record.meta.attachments.clone_from(&stored.meta.attachments);
        crate::places::locate(record);
        Ok(or_default(saving.message, "Modification"))
    }

    /// Creates a record, owned by the actor. `prepare` runs in the write, before
    /// the save: for names the request gave that must become links.
    pub fn create(
        &self,
        mut record: Record,
        saving: &Saving<'_>,
        prepare: impl FnOnce(&mut Writer<'_>, &mut Record) -> std::result::Result<(), StoreError>,
    ) -> Result<Record> {
        let message = self.admit_new(&mut record, saving)?;
        self.write(
            &message,
            |w, author| {
                prepare(w, &mut record)?;
                w.save(record, author)
            },
            |saved| Event::Created {
                id: saved.meta.id.clone(),
                status: saved.meta.status,
            },
        )
    }

    /// Replaces `stored`'s content by `record`'s, if nobody saved since revision
    /// `base`. The record keeps its identity (id, address, creation, owner);
    /// a status other than the stored one is a move, checked as such.
    pub fn update(
        &self,
        stored: &Record,
        mut record: Record,
        base: u64,
        saving: &Saving<'_>,
        prepare: impl FnOnce(&mut Writer<'_>, &mut Record) -> std::result::Result<(), StoreError>,
    ) -> Result<Record> {
        let message = self.admit_change(stored, &mut record, saving)?;
        record.meta.updated = model::now();
        let moved = record.meta.status != stored.meta.status;
        self.write(
            &message,
            |w, author| {
                prepare(w, &mut record)?;
                w.save_if_current(record, base, author)
            },
            |saved| match moved {
                true => Event::Moved {
                    id: saved.meta.id.clone(),
                    to: saved.meta.status,
                    comment: String::new(),
                },
                false => Event::Changed {
                    id: saved.meta.id.clone(),
                },
            },
        )
    }

    /// Moves a record to another status: propose, publish, send back (with a
    /// comment), archive. `seen` is the revision the page showed, if it said.
    pub fn change_status(
        &self,
        mut record: Record,
        to: Status,
        seen: Option<u64>,
        comment: &str,
    ) -> Result<Record> {
        self.logged_in()?;
        if !self.actor.can_move(&record, to) {
            return refuse(Refusal::CannotMove);
        }
        let base = record.meta.revision;
        if seen.is_some_and(|seen| seen != base) {
            return refuse(Refusal::ChangedMeanwhile);
        }
        let verb = match to {
            Status::Draft => SENT_BACK,
            Status::Proposed => "Proposée pour publication",
            Status::Published => "Publiée",
            Status::Archived => "Archivée",
        };
        let comment = comment.trim().to_owned();
        let message = match comment.as_str() {
            "" => verb.to_owned(),
            c => format!("{verb} : {c}"),
        };
        record.meta.status = to;
        record.meta.updated = model::now();
        self.write(
            &message,
            |w, author| w.save_if_current(record, base, author),
            |saved| Event::Moved {
                id: saved.meta.id.clone(),
                to,
                comment,
            },
        )
    }

    /// Saves revision `number`'s content as a new revision of `stored`, if
    /// nobody saved since `base`. Identity and status stay as they are now.
    pub fn restore(&self, stored: &Record, number: u64, base: u64) -> Result<Record> {
        self.logged_in()?;
        if !self.actor.can_edit(stored) {
            return refuse(Refusal::CannotEdit);
        }
        let old = self
            .store
            .read()?
            .revisions(&stored.meta.id)?
            .into_iter()
            .find(|r| r.number == number)
            .ok_or(OpError::NotFound)?;
        let mut restored = Record::from_json(old.record).map_err(|e| StoreError::Corrupt {
            what: format!("revision {number} of {}", stored.meta.id),
            message: e.to_string(),
        })?;
        // The revision's attachments come back with its content.
        let attachments = std::mem::take(&mut restored.meta.attachments);
        restored.meta = stored.meta.clone();
        restored.meta.attachments = attachments;
        restored.meta.updated = model::now();
        let message = format!("Restauration de la révision {number}");
        let saved = self.write(
            &message,
            |w, author| w.save_if_current(restored, base, author),
            |saved| Event::Restored {
                id: saved.meta.id.clone(),
                revision: number,
            },
        );
        match saved {
            Err(OpError::Store(StoreError::Conflict { .. })) => refuse(Refusal::RestoreConflict),
            other => other,
        }
    }
}

/// The revision message of a record sent back to draft, before the comment.
pub const SENT_BACK: &str = "Renvoyée en brouillon";

fn or_default(message: &str, default: &str) -> String {
    match message.trim() {
        "" => default.to_owned(),
        m => m.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    /// The store's methods that only read, which handlers may call. Every
    /// change goes through an operation: a handler calling anything else on
    /// the store is a write that skipped the checks, the index or the log.
    const READS: &[&str] = &[
        "read",
        "authenticate",
        "backup",
        "comments",
        "followed",
        "followers",
        "link_proposals",
        "notifications",
        "reset_user",
        "session_user",
        "token_user",
        "tokens",
        "unread_notifications",
        "user",
        "user_count",
    ];

    fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                out.push((path.display().to_string(), text));
            }
        }
    }

    #[test]
    fn no_handler_writes_to_the_store() {
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http"),
            &mut files,
        );
        assert!(files.len() > 20, "the handlers were not found");
        let mut calls = 0;
        for (path, text) in &files {
            for (at, _) in text.match_indices("store.") {
                let before = text[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let method: String = text[at + "store.".len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if method.is_empty() {
                    continue; // "the store." in prose
                }
                assert!(
                    READS.contains(&method.as_str()),
                    "{path} calls store.{method}: changes go through crate::ops"
                );
                calls += 1;
            }
        }
        assert!(calls > 10, "the handlers' reads were not found");
    }
}

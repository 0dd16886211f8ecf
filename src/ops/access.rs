//! Who may do what: the single place where roles meet records. The README's
//! permission table is this module in words, the operations check it before
//! every change, pages use it to show only the actions a reader may take, and
//! the route × role test checks the server against it.
//!
//! - Anonymous readers see published records only.
//! - Contributors create action sheets, methods and resources; they see and edit
//!   their own drafts and proposals, and propose them for publication.
//! - Editors see and edit everything, create partners, publish, send back with a
//!   comment, archive.
//! - Admins can do what editors do, and manage accounts.

use crate::model::{Kind, Record, Status};
use crate::store::users::{Role, User};

/// The account acting, or nobody.
#[derive(Debug, Clone, Copy, Default)]
pub struct Actor<'a> {
    pub user: Option<&'a User>,
}

impl<'a> Actor<'a> {
    pub fn new(user: Option<&'a User>) -> Actor<'a> {
        Actor { user }
    }

    pub fn role(&self) -> Option<Role> {
        self.user.map(|u| u.role)
    }

    /// The account's name; empty for nobody.
    pub fn name(&self) -> &'a str {
        self.user.map_or("", |u| u.name.as_str())
    }

    pub fn is_editor(&self) -> bool {
        self.role() >= Some(Role::Editor)
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }

    fn owns(&self, record: &Record) -> bool {
        !record.meta.owner.is_empty() && self.user.is_some() && self.name() == record.meta.owner
    }

    /// May read the record, its history and its diffs.
    pub fn can_view(&self, record: &Record) -> bool {
        record.meta.status == Status::Published || self.is_editor() || self.owns(record)
    }

    /// May create records of this kind.
    pub fn can_create(&self, kind: Kind) -> bool {
        match kind {
            Kind::Partner | Kind::Concept => self.is_editor(),
            _ => self.user.is_some(),
        }
    }

    /// May give a new record this status.
    pub fn can_create_as(&self, status: Status) -> bool {
        self.is_editor() || matches!(status, Status::Draft | Status::Proposed)
    }

    /// May change the record's content (and restore an old revision).
    pub fn can_edit(&self, record: &Record) -> bool {
        self.is_editor()
            || (self.owns(record) && matches!(record.meta.status, Status::Draft | Status::Proposed))
    }

    /// May move the record from its status to `to`.
    pub fn can_move(&self, record: &Record, to: Status) -> bool {
        let from = record.meta.status;
        if from == to {
            return false;
        }
        if self.is_editor() {
            // Proposing asks editors to review a draft: what is published or
            // archived is not proposed again.
            return !(to == Status::Proposed
                && matches!(from, Status::Published | Status::Archived));
        }
        // The owner takes a draft to review, or takes it back.
        self.owns(record)
            && matches!(
                (from, to),
                (Status::Draft, Status::Proposed) | (Status::Proposed, Status::Draft)
            )
    }

    /// May ask editors to link a record they cannot change: anyone with an
    /// account, for a published record.
    pub fn can_propose_link(&self, record: &Record) -> bool {
        self.user.is_some() && record.meta.status == Status::Published
    }

    /// The search filter for this account: (visible statuses, own records).
    pub fn visibility(&self) -> (Vec<String>, Option<String>) {
        if self.is_editor() {
            (Vec::new(), None)
        } else {
            (
                vec![Status::Published.as_str().to_owned()],
                self.user.map(|u| u.name.clone()),
            )
        }
    }
}

/// Puts back into `links` (partner links or relations) those of `stored` whose
/// target the person changing the record was never shown (`hidden(id)`): a
/// change sent by form or by API must not undo what someone else linked.
pub fn keep_hidden_links<T: Clone, E>(
    stored: &[T],
    links: &mut Vec<T>,
    id: impl Fn(&T) -> &str,
    hidden: &mut impl FnMut(&str) -> Result<bool, E>,
) -> Result<(), E> {
    for link in stored {
        if hidden(id(link))? && !links.iter().any(|l| id(l) == id(link)) {
            links.push(link.clone());
        }
    }
    Ok(())
}

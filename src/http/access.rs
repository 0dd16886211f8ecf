//! Who may do what: the single place where roles meet records. The README's
//! permission table is this module in words, and the route × role test checks
//! the server against it.
//!
//! - Anonymous readers see published records only.
//! - Contributors create action sheets, methods and resources; they see and edit
//!   their own drafts and proposals, and propose them for publication.
//! - Editors see and edit everything, create partners, publish, send back with a
//!   comment, archive.
//! - Admins can do what editors do, and manage accounts.

use savoirs_templates::Lang;

use crate::model::{Kind, Record, Status};
use crate::store::users::{Role, User};

/// The person making a request: an account, or nobody; and, for the pages they
/// are shown, their interface language and the page they asked for.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user: Option<User>,
    /// The session token, to close it on logout.
    pub token: Option<String>,
    pub lang: Lang,
    /// The path and query string of the request, for the language switcher.
    pub here: String,
    /// Where the request was made, for the absolute links of the page head.
    pub address: super::public::Address,
    /// The message to show once at the top of the page, as its text key.
    pub flash: Option<&'static str>,
    /// For editors, the number of proposals waiting in the review queue.
    pub review_queue: Option<u64>,
}

impl Viewer {
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    pub fn name(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.name.as_str())
    }

    pub fn is_editor(&self) -> bool {
        self.role() >= Some(Role::Editor)
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }

    fn owns(&self, record: &Record) -> bool {
        !record.meta.owner.is_empty() && self.name() == Some(record.meta.owner.as_str())
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

    /// The search filter for this viewer: (visible statuses, own records).
    pub fn visibility(&self) -> (Vec<String>, Option<String>) {
        if self.is_editor() {
            (Vec::new(), None)
        } else {
            (
                vec![Status::Published.as_str().to_owned()],
                self.name().map(str::to_owned),
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

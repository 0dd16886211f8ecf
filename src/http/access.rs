//! The person making a request, as the pages see them: an account (whose
//! rights are [`crate::ops::access`]'s), their language, the page they asked for.

use savoirs_templates::Lang;

use crate::model::{Kind, Record, Status};
use crate::ops::access::Actor;
pub use crate::ops::access::keep_hidden_links;
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
    /// For an account, the number of its unread notifications.
    pub notifications: Option<u64>,
}

impl Viewer {
    /// The account acting, for the operations and the rules of access.
    pub fn actor(&self) -> Actor<'_> {
        Actor::new(self.user.as_ref())
    }

    pub fn role(&self) -> Option<Role> {
        self.actor().role()
    }

    pub fn name(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.name.as_str())
    }

    pub fn is_editor(&self) -> bool {
        self.actor().is_editor()
    }

    pub fn is_admin(&self) -> bool {
        self.actor().is_admin()
    }

    /// May read the record, its history and its diffs.
    pub fn can_view(&self, record: &Record) -> bool {
        self.actor().can_view(record)
    }

    /// May create records of this kind.
    pub fn can_create(&self, kind: Kind) -> bool {
        self.actor().can_create(kind)
    }

    /// May change the record's content (and restore an old revision).
    pub fn can_edit(&self, record: &Record) -> bool {
        self.actor().can_edit(record)
    }

    /// May move the record from its status to `to`.
    pub fn can_move(&self, record: &Record, to: Status) -> bool {
        self.actor().can_move(record, to)
    }

    /// The search filter for this viewer: (visible statuses, own records).
    pub fn visibility(&self) -> (Vec<String>, Option<String>) {
        self.actor().visibility()
    }
}

//! Operations of conversation: comments in a record's discussion, following a
//! record, and the notifications that tell people what happened to the records
//! that concern them.

use std::collections::BTreeSet;

use super::access::Actor;
use super::{Event, OpError, Ops, Refusal, Result, refuse};
use crate::model::{self, Record, Status};
use crate::store::discussion::{Comment, Notification};
use crate::store::users::{MailEvery, Role};

impl Ops<'_> {
    /// Adds a comment to the discussion of a record the actor may see. The
    /// author then follows the record, to hear the answers.
    pub fn comment(&self, record: &Record, text: &str) -> Result<Comment> {
        self.logged_in()?;
        if !self.actor.can_view(record) {
            return Err(OpError::NotFound);
        }
        let (id, by) = (&record.meta.id, self.actor.name());
        let comment = self.store.write(|w| {
            let comment = w.add_comment(id, by, text)?;
            w.set_following(id, by, true)?;
            Ok(comment)
        })?;
        self.emit(Event::Commented {
            id: id.clone(),
            text: comment.text().to_owned(),
        });
        Ok(comment)
    }

    /// Changes one of the actor's own comments; the earlier text is kept.
    pub fn edit_comment(&self, record: &Record, number: u64, text: &str) -> Result<Comment> {
        self.logged_in()?;
        if !self.actor.can_view(record) {
            return Err(OpError::NotFound);
        }
        let comments = self.store.comments(&record.meta.id)?;
        let mine = comments.iter().find(|c| c.number == number);
        match mine {
            None => return Err(OpError::NotFound),
            Some(c) if c.author != self.actor.name() => return refuse(Refusal::NotYourComment),
            Some(_) => {}
        }
        let id = &record.meta.id;
        Ok(self.store.write(|w| w.edit_comment(id, number, text))?)
    }

    /// Starts or stops following a record the actor may see.
    pub fn follow(&self, record: &Record, follow: bool) -> Result<()> {
        self.logged_in()?;
        if !self.actor.can_view(record) {
            return Err(OpError::NotFound);
        }
        let by = self.actor.name();
        Ok(self
            .store
            .write(|w| w.set_following(&record.meta.id, by, follow))?)
    }

    /// Marks the actor's notifications read.
    pub fn mark_notifications_read(&self) -> Result<()> {
        self.logged_in()?;
        let by = self.actor.name();
        Ok(self.store.write(|w| w.mark_notifications_read(by))?)
    }

    /// Tells those concerned what `event` did: the record's owner, its
    /// followers, and editors of a proposal; never the actor, and only those
    /// who may see the record.
    pub(super) fn notify(&self, event: &Event) -> Result<()> {
        let (what, ids, text, editors) = match event {
            Event::Created {
                id,
                status: Status::Proposed,
            } => ("proposed", vec![id], "", true),
            Event::Moved { id, to, comment } => match to {
                Status::Proposed => ("proposed", vec![id], "", true),
                Status::Published => ("published", vec![id], "", false),
                Status::Archived => ("archived", vec![id], "", false),
                Status::Draft if self.actor.is_editor() => {
                    ("sent_back", vec![id], comment.as_str(), false)
                }
                Status::Draft => return Ok(()),
            },
            Event::Changed { id } | Event::Restored { id, .. } => ("changed", vec![id], "", false),
            Event::Commented { id, text } => ("comment", vec![id], text.as_str(), false),
            Event::Linked { resource, partner } => ("linked", vec![resource, partner], "", false),
            Event::Merged { into, .. } => ("changed", vec![into], "", false),
            _ => return Ok(()),
        };
        let users = self.store.users()?;
        for id in ids {
            let Some(record) = self.store.read()?.get(id)? else {
                continue;
            };
            let mut to: BTreeSet<String> = self.store.followers(id)?.into_iter().collect();
            to.insert(record.meta.owner.clone());
            if editors {
                to.extend(
                    users
                        .iter()
                        .filter(|u| u.role >= Role::Editor)
                        .map(|u| u.name.clone()),
                );
            }
            to.remove(self.actor.name());
            let told: Vec<&str> = users
                .iter()
                .filter(|u| to.contains(&u.name) && !u.suspended)
                .filter(|u| Actor::new(Some(u)).can_view(&record))
                .map(|u| u.name.as_str())
                .collect();
            if told.is_empty() {
                continue;
            }
            let notification = Notification {
                number: 0,
                time: model::now(),
                what: what.to_owned(),
                record: id.to_string(),
                title: record.title().to_owned(),
                by: self.actor.name().to_owned(),
                text: text.to_owned(),
                read: false,
            };
            self.store.write(|w| {
                for account in &told {
                    w.notify(account, notification.clone())?;
                }
                Ok(())
            })?;
            if let Some(mailer) = self.mailer {
                let now = users
                    .iter()
                    .filter(|u| told.contains(&u.name.as_str()))
                    .filter(|u| !u.email.is_empty() && u.mail == MailEvery::Now);
                for user in now {
                    mailer.send(crate::mail::notification_mail(
                        &mailer.site,
                        &user.email,
                        &notification,
                        &record.url(),
                    ));
                }
            }
        }
        Ok(())
    }
}

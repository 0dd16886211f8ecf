//! What people say about a record and what they are told: its discussion (comments
//! in Markdown, each keeping every version its author wrote), who follows it,
//! and each account's notifications.

use chrono::{DateTime, Utc};
use redb::{ReadableMultimapTable, ReadableTable};
use serde::{Deserialize, Serialize};

use super::tables::{COMMENTS, FOLLOWERS, NOTIFICATIONS};
use super::{Result, Store, StoreError, Writer, decode_json, encode};
use crate::model::{self, FieldError};

/// The longest comment, in characters.
pub const MAX_COMMENT: usize = 10_000;

/// Notifications kept per account; the oldest go first.
const KEPT_NOTIFICATIONS: usize = 200;

/// A comment in a record's discussion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// Its number in the discussion, from 1.
    pub number: u64,
    pub author: String,
    /// Every version its author wrote, oldest first; the last is shown.
    pub versions: Vec<Version>,
}

/// One version of a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub text: String,
    pub time: DateTime<Utc>,
}

impl Comment {
    /// The text as last written.
    pub fn text(&self) -> &str {
        self.versions.last().map_or("", |v| v.text.as_str())
    }

    pub fn created(&self) -> Option<DateTime<Utc>> {
        self.versions.first().map(|v| v.time)
    }
}

/// Something an account is told about a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Its number among the account's notifications.
    #[serde(default)]
    pub number: u64,
    pub time: DateTime<Utc>,
    /// What happened: `proposed`, `published`, `sent_back`, `archived`,
    /// `changed`, `comment`, `linked`.
    pub what: String,
    /// The record concerned: its id, and its title then.
    pub record: String,
    pub title: String,
    /// Who did it.
    pub by: String,
    /// The comment, or the editor's reason for sending back.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub read: bool,
}

fn invalid(message: &str) -> StoreError {
    StoreError::Invalid(vec![FieldError {
        field: "text".into(),
        message: message.into(),
    }])
}

fn checked(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid("is required"));
    }
    if text.chars().count() > MAX_COMMENT {
        return Err(invalid(&format!("is longer than {MAX_COMMENT} characters")));
    }
    Ok(text.to_owned())
}

impl Writer<'_> {
    /// Adds a comment to a record's discussion.
    pub fn add_comment(&mut self, record: &str, author: &str, text: &str) -> Result<Comment> {
        let text = checked(text)?;
        let mut table = self.txn.open_table(COMMENTS)?;
        let last = table
            .range((record, 0)..=(record, u64::MAX))?
            .next_back()
            .transpose()?
            .map_or(0, |(k, _)| k.value().1);
        let comment = Comment {
            number: last + 1,
            author: author.to_owned(),
            versions: vec![Version {
                text,
                time: model::now(),
            }],
        };
        table.insert((record, comment.number), encode(&comment).as_slice())?;
        Ok(comment)
    }

    /// Adds a version to a comment; the earlier ones are kept.
    pub fn edit_comment(&mut self, record: &str, number: u64, text: &str) -> Result<Comment> {
        let text = checked(text)?;
        let mut table = self.txn.open_table(COMMENTS)?;
        let found = table.get((record, number))?.map(|v| v.value().to_vec());
        let Some(bytes) = found else {
            return Err(invalid("no such comment"));
        };
        let mut comment: Comment = decode_json("comment", &bytes)?;
        if comment.text() != text {
            comment.versions.push(Version {
                text,
                time: model::now(),
            });
            table.insert((record, number), encode(&comment).as_slice())?;
        }
        Ok(comment)
    }

    /// Starts or stops following a record.
    pub fn set_following(&mut self, record: &str, account: &str, follow: bool) -> Result<()> {
        let mut table = self.txn.open_multimap_table(FOLLOWERS)?;
        if follow {
            table.insert(record, account)?;
        } else {
            table.remove(record, account)?;
        }
        Ok(())
    }

    /// Tells `account` something; its oldest notifications beyond the number
    /// kept are forgotten.
    pub fn notify(&mut self, account: &str, mut notification: Notification) -> Result<()> {
        let mut table = self.txn.open_table(NOTIFICATIONS)?;
        let range = (account, 0)..=(account, u64::MAX);
        let last = table
            .range(range.clone())?
            .next_back()
            .transpose()?
            .map_or(0, |(k, _)| k.value().1);
        notification.number = last + 1;
        table.insert(
            (account, notification.number),
            encode(&notification).as_slice(),
        )?;
        let count = table.range(range)?.count();
        if count > KEPT_NOTIFICATIONS {
            let first = notification.number + 1 - count as u64;
            for n in first..first + (count - KEPT_NOTIFICATIONS) as u64 {
                table.remove((account, n))?;
            }
        }
        Ok(())
    }

    /// Marks all of an account's notifications read.
    pub fn mark_notifications_read(&mut self, account: &str) -> Result<()> {
        let mut table = self.txn.open_table(NOTIFICATIONS)?;
        let mut unread = Vec::new();
        for entry in table.range((account, 0)..=(account, u64::MAX))? {
            let (k, v) = entry?;
            let n: Notification = decode_json("notification", v.value())?;
            if !n.read {
                unread.push((k.value().1, n));
            }
        }
        for (number, mut n) in unread {
            n.read = true;
            table.insert((account, number), encode(&n).as_slice())?;
        }
        Ok(())
    }
}

impl Store {
    /// A record's discussion, oldest first.
    pub fn comments(&self, record: &str) -> Result<Vec<Comment>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(COMMENTS)?;
        let mut out = Vec::new();
        for entry in table.range((record, 0)..=(record, u64::MAX))? {
            let (_, v) = entry?;
            out.push(decode_json("comment", v.value())?);
        }
        Ok(out)
    }

    /// The accounts that follow a record.
    pub fn followers(&self, record: &str) -> Result<Vec<String>> {
        let txn = self.begin_read()?;
        let table = txn.open_multimap_table(FOLLOWERS)?;
        let mut out = Vec::new();
        for v in table.get(record)? {
            out.push(v?.value().to_owned());
        }
        Ok(out)
    }

    /// The records an account follows.
    pub fn followed(&self, account: &str) -> Result<Vec<String>> {
        let txn = self.begin_read()?;
        let table = txn.open_multimap_table(FOLLOWERS)?;
        let mut out = Vec::new();
        for entry in table.iter()? {
            let (record, accounts) = entry?;
            for a in accounts {
                if a?.value() == account {
                    out.push(record.value().to_owned());
                }
            }
        }
        Ok(out)
    }

    /// An account's notifications, newest first.
    pub fn notifications(&self, account: &str) -> Result<Vec<Notification>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(NOTIFICATIONS)?;
        let mut out = Vec::new();
        for entry in table.range((account, 0)..=(account, u64::MAX))?.rev() {
            let (_, v) = entry?;
            out.push(decode_json("notification", v.value())?);
        }
        Ok(out)
    }

    /// How many of an account's notifications are unread.
    /// Every page an account sees asks this: the unread ones are the newest
    /// (marking read marks them all), so they are counted from the newest back
    /// to the first one read, without decoding the rest.
    pub fn unread_notifications(&self, account: &str) -> Result<u64> {
        let txn = self.begin_read()?;
        let table = txn.open_table(NOTIFICATIONS)?;
        let mut unread = 0;
        for entry in table.range((account, 0)..=(account, u64::MAX))?.rev() {
            let (_, v) = entry?;
            let n: Notification = decode_json("notification", v.value())?;
            if n.read {
                break;
            }
            unread += 1;
        }
        Ok(unread)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_keeps_its_versions_and_the_oldest_notifications_go() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let first = store
            .write(|w| w.add_comment("r1", "carl", "Une *remarque*"))
            .expect("comment");
        let second = store
            .write(|w| w.add_comment("r1", "eve", "Une réponse"))
            .expect("comment");
        assert_eq!((first.number, second.number), (1, 2));
        store
            .write(|w| w.edit_comment("r1", 1, "Une remarque corrigée"))
            .expect("edit");
        let comments = store.comments("r1").expect("read");
        assert_eq!(comments[0].text(), "Une remarque corrigée");
        assert_eq!(comments[0].versions[0].text, "Une *remarque*");
        assert!(store.comments("r2").expect("read").is_empty());
        assert!(store.write(|w| w.add_comment("r1", "carl", "  ")).is_err());

        for i in 0..KEPT_NOTIFICATIONS + 5 {
            let n = Notification {
                number: 0,
                time: model::now(),
                what: "comment".into(),
                record: "r1".into(),
                title: format!("{i}"),
                by: "eve".into(),
                text: String::new(),
                read: false,
            };
            store.write(|w| w.notify("carl", n)).expect("notify");
        }
        let kept = store.notifications("carl").expect("read");
        assert_eq!(kept.len(), KEPT_NOTIFICATIONS);
        assert_eq!(kept[0].title, format!("{}", KEPT_NOTIFICATIONS + 4));
        assert_eq!(
            store.unread_notifications("carl").expect("count"),
            KEPT_NOTIFICATIONS as u64
        );
        store
            .write(|w| w.mark_notifications_read("carl"))
            .expect("read");
        assert_eq!(store.unread_notifications("carl").expect("count"), 0);
        assert_eq!(store.unread_notifications("eve").expect("count"), 0);
        // A new one after those read counts alone.
        let mut newer = kept[0].clone();
        newer.read = false;
        store.write(|w| w.notify("carl", newer)).expect("notify");
        assert_eq!(store.unread_notifications("carl").expect("count"), 1);

        store
            .write(|w| w.set_following("r1", "eve", true))
            .expect("follow");
        assert_eq!(store.followers("r1").expect("read"), ["eve"]);
        assert_eq!(store.followed("eve").expect("read"), ["r1"]);
        store
            .write(|w| w.set_following("r1", "eve", false))
            .expect("unfollow");
        assert!(store.followers("r1").expect("read").is_empty());
    }
}

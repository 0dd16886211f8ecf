//! Password-reset links: an administrator makes one for an account that lost its
//! password, and passes it on. The link works once, for a day, and only while
//! the account is active. As with sessions and tokens, only the SHA-256 of its
//! secret is stored.

use chrono::{DateTime, Duration, Utc};
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::tables::RESETS;
use super::users::{User, hash_password, hex, invalid, random_bytes, token_key};
use super::{Result, Store, decode_json, encode};
use crate::model;

/// How long a reset link works.
pub const VALID_HOURS: i64 = 24;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Reset {
    user: String,
    expires: DateTime<Utc>,
}

impl Store {
    /// A new reset secret for `user`, and when it expires. Links made earlier
    /// for the account stop working: only the last one passed on counts.
    pub fn create_reset(&self, user: &str) -> Result<(String, DateTime<Utc>)> {
        if self.user(user)?.is_none() {
            return Err(invalid("name", format!("no account is named {user:?}")));
        }
        let mut raw = [0u8; 32];
        random_bytes(&mut raw);
        let secret = hex(&raw);
        let now = model::now();
        let reset = Reset {
            user: user.to_owned(),
            expires: now + Duration::hours(VALID_HOURS),
        };
        let txn = self.begin_write()?;
        {
            let mut table = txn.open_table(RESETS)?;
            // Gone: the account's earlier links, and every expired one.
            let mut stale = Vec::new();
            for entry in table.iter()? {
                let (k, v) = entry?;
                let old: Reset = decode_json("password reset", v.value())?;
                if old.user == user || old.expires <= now {
                    stale.push(k.value().to_owned());
                }
            }
            for key in stale {
                table.remove(key.as_str())?;
            }
            table.insert(token_key(&secret).as_str(), encode(&reset).as_slice())?;
        }
        txn.commit()?;
        Ok((secret, reset.expires))
    }

    /// The active account a reset secret is for, while it works.
    pub fn reset_user(&self, secret: &str) -> Result<Option<User>> {
        if secret.len() != 64 {
            return Ok(None);
        }
        let reset: Option<Reset> = {
            let txn = self.begin_read()?;
            let table = txn.open_table(RESETS)?;
            let found = table.get(token_key(secret).as_str())?;
            found
                .map(|v| decode_json("password reset", v.value()))
                .transpose()?
        };
        match reset {
            Some(r) if r.expires > model::now() => Ok(self.user(&r.user)?.filter(|u| !u.suspended)),
            _ => Ok(None),
        }
    }

    /// Sets the account's new password with a reset secret, which then stops
    /// working; `None` if the secret does not work (any more). A password that
    /// is refused leaves the secret working.
    pub fn use_reset(&self, secret: &str, password: &str) -> Result<Option<User>> {
        hash_password(password)?;
        let Some(user) = self.reset_user(secret)? else {
            return Ok(None);
        };
        let txn = self.begin_write()?;
        let removed = txn
            .open_table(RESETS)?
            .remove(token_key(secret).as_str())?
            .is_some();
        txn.commit()?;
        if !removed {
            // Used meanwhile by someone else.
            return Ok(None);
        }
        Ok(Some(self.set_password(&user.name, password)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::users::Role;

    #[test]
    fn a_reset_link_works_once_for_its_account_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        store
            .add_user("ana", Role::Contributor, "un mot de passe long")
            .expect("add");
        assert!(store.create_reset("personne").is_err());
        let (first, expires) = store.create_reset("ana").expect("reset");
        assert!(expires > model::now() + Duration::hours(VALID_HOURS - 1));
        let (secret, _) = store.create_reset("ana").expect("reset");
        assert!(
            store.reset_user(&first).expect("lookup").is_none(),
            "replaced"
        );
        assert_eq!(
            store.reset_user(&secret).expect("lookup").map(|u| u.name),
            Some("ana".into())
        );
        // A refused password keeps the link working.
        assert!(store.use_reset(&secret, "court").is_err());
        let used = store
            .use_reset(&secret, "un tout nouveau mot de passe")
            .expect("use");
        assert_eq!(used.map(|u| u.name), Some("ana".into()));
        assert!(
            store
                .authenticate("ana", "un tout nouveau mot de passe")
                .expect("auth")
                .is_some()
        );
        assert!(store.reset_user(&secret).expect("lookup").is_none(), "once");
        assert!(
            store
                .use_reset(&secret, "encore un autre mot de passe")
                .expect("use")
                .is_none()
        );
    }

    #[test]
    fn an_expired_link_or_a_suspended_account_gets_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        store
            .add_user("ana", Role::Contributor, "un mot de passe long")
            .expect("add");
        let (secret, _) = store.create_reset("ana").expect("reset");
        // Age the link past its day.
        let txn = store.begin_write().expect("write");
        {
            let mut table = txn.open_table(RESETS).expect("table");
            let stale = Reset {
                user: "ana".into(),
                expires: model::now() - Duration::seconds(1),
            };
            table
                .insert(token_key(&secret).as_str(), encode(&stale).as_slice())
                .expect("insert");
        }
        txn.commit().expect("commit");
        assert!(store.reset_user(&secret).expect("lookup").is_none());
        let (secret, _) = store.create_reset("ana").expect("reset");
        store
            .update_user("ana", |u| u.suspended = true)
            .expect("suspend");
        assert!(store.reset_user(&secret).expect("lookup").is_none());
    }
}

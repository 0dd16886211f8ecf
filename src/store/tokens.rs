//! Personal API tokens: what scripts send (`Authorization: Bearer …`) instead of
//! a session cookie. A token acts as its account, with the account's role, until
//! it is revoked or the account is suspended.
//!
//! Like session tokens, only the SHA-256 of a token is stored: the token itself is
//! shown once, when it is created, and a copy of the store does not let anyone in.

use chrono::{DateTime, Utc};
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::tables::API_TOKENS;
use super::users::{User, hex, invalid, random_bytes, token_key};
use super::{Result, Store, decode_json, encode};
use crate::model;

/// Every token starts with this, so that a leaked one is easy to recognise (and
/// to search for in logs and repositories).
pub const PREFIX: &str = "savoirs_";
/// Tokens a person may hold at once.
pub const MAX_PER_USER: usize = 20;
/// Longest label accepted.
pub const MAX_LABEL: usize = 80;

/// A token as stored (without the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Public id, to name the token on the account page and to revoke it.
    pub id: String,
    pub user: String,
    /// What the person said the token is for.
    pub label: String,
    pub created: DateTime<Utc>,
}

impl Store {
    /// Creates a token for `user`; returns it with its secret, which is not kept.
    pub fn create_token(&self, user: &str, label: &str) -> Result<(ApiToken, String)> {
        let label = label.trim();
        if label.is_empty() || label.chars().count() > MAX_LABEL {
            return Err(invalid(
                "label",
                format!("1 to {MAX_LABEL} characters saying what the token is for"),
            ));
        }
        if self.tokens(user)?.len() >= MAX_PER_USER {
            return Err(invalid(
                "tokens",
                format!("at most {MAX_PER_USER} tokens per account: revoke one first"),
            ));
        }
        let mut raw = [0u8; 32];
        random_bytes(&mut raw);
        let secret = format!("{PREFIX}{}", hex(&raw));
        // The public id is drawn apart: it shows in pages and logs, and must
        // tell nothing of the secret.
        let mut id = [0u8; 4];
        random_bytes(&mut id);
        let token = ApiToken {
            id: hex(&id),
            user: user.to_owned(),
            label: label.to_owned(),
            created: model::now(),
        };
        let txn = self.begin_write()?;
        txn.open_table(API_TOKENS)?
            .insert(token_key(&secret).as_str(), encode(&token).as_slice())?;
        txn.commit()?;
        Ok((token, secret))
    }

    /// The tokens of `user`, oldest first.
    pub fn tokens(&self, user: &str) -> Result<Vec<ApiToken>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(API_TOKENS)?;
        let mut out = Vec::new();
        for entry in table.iter()? {
            let (_, v) = entry?;
            let token: ApiToken = decode_json("API token", v.value())?;
            if token.user == user {
                out.push(token);
            }
        }
        out.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Revokes `user`'s token `id`; false when there is no such token.
    pub fn revoke_token(&self, user: &str, id: &str) -> Result<bool> {
        let txn = self.begin_write()?;
        let removed = {
            let mut table = txn.open_table(API_TOKENS)?;
            let mut key = None;
            for entry in table.iter()? {
                let (k, v) = entry?;
                let token: ApiToken = decode_json("API token", v.value())?;
                if token.user == user && token.id == id {
                    key = Some(k.value().to_owned());
                    break;
                }
            }
            match key {
                Some(key) => table.remove(key.as_str())?.is_some(),
                None => false,
            }
        };
        txn.commit()?;
        Ok(removed)
    }

    /// The account a token acts as, if the token exists and the account is active
    /// and has not changed its password since the token was made (a new password
    /// is what one does after a leak: it ends sessions and tokens alike).
    pub fn token_user(&self, secret: &str) -> Result<Option<User>> {
        if !secret.starts_with(PREFIX) || secret.len() != PREFIX.len() + 64 {
            return Ok(None);
        }
        let token: Option<ApiToken> = {
            let txn = self.begin_read()?;
            let table = txn.open_table(API_TOKENS)?;
            let found = table.get(token_key(secret).as_str())?;
            found
                .map(|v| decode_json("API token", v.value()))
                .transpose()?
        };
        let Some(token) = token else {
            return Ok(None);
        };
        Ok(self
            .user(&token.user)?
            .filter(|u| !u.suspended && u.password_changed <= token.created))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::users::Role;

    #[test]
    fn tokens_act_as_their_account_until_revoked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        store
            .add_user("ana", Role::Editor, "un mot de passe long")
            .expect("add");
        assert!(store.create_token("ana", "  ").is_err());
        let (token, secret) = store.create_token("ana", "script").expect("token");
        assert!(secret.starts_with(PREFIX));
        assert_eq!(
            store.token_user(&secret).expect("lookup").map(|u| u.name),
            Some("ana".into())
        );
        assert!(store.token_user("savoirs_nope").expect("lookup").is_none());
        assert_eq!(store.tokens("ana").expect("list"), vec![token.clone()]);
        assert!(store.tokens("bea").expect("list").is_empty());
        // Another account cannot revoke it.
        assert!(!store.revoke_token("bea", &token.id).expect("revoke"));

        store
            .update_user("ana", |u| u.suspended = true)
            .expect("suspend");
        assert!(store.token_user(&secret).expect("lookup").is_none());
        store
            .update_user("ana", |u| u.suspended = false)
            .expect("unsuspend");

        assert!(
            !secret.contains(&token.id),
            "the id tells nothing of the secret"
        );
        assert!(store.revoke_token("ana", &token.id).expect("revoke"));
        assert!(store.token_user(&secret).expect("lookup").is_none());
        assert!(store.tokens("ana").expect("list").is_empty());

        // A new password ends the tokens made before it.
        let (_, secret) = store.create_token("ana", "script").expect("token");
        store
            .set_password("ana", "un tout nouveau mot de passe")
            .expect("password");
        assert!(store.token_user(&secret).expect("lookup").is_none());
    }
}

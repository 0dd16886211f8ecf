//! Accounts and sessions, kept in the store so that they survive restarts.
//!
//! Passwords are hashed with Argon2id. Session tokens are random 256-bit values;
//! only their SHA-256 is stored, so a copy of the store does not let anyone in.

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use redb::{ReadableTable, ReadableTableMetadata};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::tables::{SESSIONS, USERS};
use super::{Result, Store, StoreError, decode_json, encode};
use crate::model::{self, FieldError};

/// What an account may do; each role can do everything the one before can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Contributor,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Contributor, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    #[serde(default)]
    pub suspended: bool,
    pub created: DateTime<Utc>,
    /// Sessions opened before this instant are no longer valid.
    pub password_changed: DateTime<Utc>,
    /// Where mail for the account goes; empty for none.
    #[serde(default)]
    pub email: String,
    /// How often notifications are mailed.
    #[serde(default)]
    pub mail: MailEvery,
    /// When the last daily digest was sent.
    #[serde(default)]
    pub last_digest: Option<DateTime<Utc>>,
}

impl User {
    /// The person at the command line (`savoirs import` …), who holds the data
    /// directory: an administrator, with no password and no session.
    pub fn operator(name: &str) -> User {
        let now = model::now();
        User {
            name: name.to_owned(),
            role: Role::Admin,
            password_hash: String::new(),
            suspended: false,
            created: now,
            password_changed: now,
            email: String::new(),
            mail: MailEvery::Never,
            last_digest: None,
        }
    }
}

/// How often an account's notifications are mailed (when it has an address
/// and the server can send mail).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailEvery {
    /// Each one as it happens.
    #[default]
    Now,
    /// Once a day, those of the day.
    Daily,
    Never,
}

impl MailEvery {
    pub const ALL: [MailEvery; 3] = [MailEvery::Now, MailEvery::Daily, MailEvery::Never];

    pub fn as_str(self) -> &'static str {
        match self {
            MailEvery::Now => "now",
            MailEvery::Daily => "daily",
            MailEvery::Never => "never",
        }
    }

    pub fn parse(s: &str) -> Option<MailEvery> {
        MailEvery::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub user: String,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
}

/// How long a session lasts without logging in again.
pub const SESSION_DAYS: i64 = 14;
pub const MIN_PASSWORD: usize = 10;
/// Longest password, in bytes: longer ones only make hashing slower.
pub const MAX_PASSWORD: usize = 1024;
/// Longest account name, in characters.
pub const MAX_NAME_CHARS: usize = 40;
/// Longest account name, in bytes (characters of up to 4 bytes).
pub const MAX_NAME_BYTES: usize = 4 * MAX_NAME_CHARS;

pub(super) fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![FieldError {
        field: field.to_owned(),
        message: message.into(),
    }])
}

/// Account names: short, readable, usable in URLs.
pub fn valid_name(name: &str) -> bool {
    (2..=MAX_NAME_CHARS).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(invalid(
            "password",
            format!("must have at least {MIN_PASSWORD} characters"),
        ));
    }
    if password.len() > MAX_PASSWORD {
        return Err(invalid(
            "password",
            format!("must have at most {MAX_PASSWORD} bytes"),
        ));
    }
    let mut salt = [0u8; 16];
    random_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| invalid("password", e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| invalid("password", e.to_string()))
}

/// Checks a password against its stored hash, in memory that is reused from
/// check to check. Argon2 needs about 19 MiB a check; allocated anew each time,
/// the allocator keeps it per thread, and a flood of failed logins spread over
/// many threads ends with hundreds of MiB held for nothing.
fn verify_password(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut blocks = memory::take(params.block_count());
    let mut out = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut out,
        &mut blocks[..],
    );
    memory::give_back(blocks);
    // `Output`'s comparison takes the same time whatever the bytes.
    hashed.is_ok() && argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected)
}

/// The pool of Argon2 working memory.
mod memory {
    use std::sync::Mutex;

    use argon2::Block;

    /// Buffers kept between checks. The server runs at most one check per core
    /// at a time, so this many are enough for every check to reuse one.
    const KEPT: usize = 8;

    static POOL: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

    pub fn take(blocks: usize) -> Vec<Block> {
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        match pool.iter().position(|b| b.len() == blocks) {
            Some(i) => pool.swap_remove(i),
            None => vec![Block::default(); blocks],
        }
    }

    pub fn give_back(blocks: Vec<Block>) {
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < KEPT {
            pool.push(blocks);
        }
    }
}

/// Fills `buf` from the operating system's secure random source.
pub fn random_bytes(buf: &mut [u8]) {
    // The OS source does not fail on supported platforms; if it ever did, carrying
    // on with a predictable token would be worse than stopping.
    #[allow(clippy::expect_used)]
    getrandom::fill(buf).expect("the operating system's random source failed");
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn token_key(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A hash to check passwords against when the account does not exist, so that
/// the answer takes as long and timing does not tell which names exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no such account, no such password").unwrap_or_default())
}

impl Store {
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(USERS)?;
        let found = table.get(name)?;
        found.map(|v| decode_json("user", v.value())).transpose()
    }

    pub fn users(&self) -> Result<Vec<User>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(USERS)?;
        let mut out = Vec::new();
        for entry in table.iter()? {
            let (_, v) = entry?;
            out.push(decode_json("user", v.value())?);
        }
        Ok(out)
    }

    pub fn user_count(&self) -> Result<u64> {
        let txn = self.begin_read()?;
        Ok(txn.open_table(USERS)?.len()?)
    }

    /// Creates an account; refuses a name already taken.
    pub fn add_user(&self, name: &str, role: Role, password: &str) -> Result<User> {
        if !valid_name(name) {
            return Err(invalid("name", "2 to 40 letters, digits, '-', '_' or '.'"));
        }
        let hash = hash_password(password)?;
        let now = model::now();
        let user = User {
            name: name.to_owned(),
            role,
            password_hash: hash,
            suspended: false,
            created: now,
            password_changed: now,
            email: String::new(),
            mail: MailEvery::default(),
            last_digest: None,
        };
        let txn = self.begin_write()?;
        {
            let mut table = txn.open_table(USERS)?;
            if table.get(name)?.is_some() {
                return Err(invalid(
                    "name",
                    format!("the account {name:?} already exists"),
                ));
            }
            table.insert(name, encode(&user).as_slice())?;
        }
        txn.commit()?;
        Ok(user)
    }

    /// Changes an account with `f` and saves it.
    pub fn update_user(&self, name: &str, f: impl FnOnce(&mut User)) -> Result<User> {
        let txn = self.begin_write()?;
        let user = {
            let mut table = txn.open_table(USERS)?;
            let found = table.get(name)?.map(|v| v.value().to_vec());
            let Some(bytes) = found else {
                return Err(invalid("name", format!("no account is named {name:?}")));
            };
            let mut user: User = decode_json("user", &bytes)?;
            f(&mut user);
            table.insert(name, encode(&user).as_slice())?;
            user
        };
        txn.commit()?;
        Ok(user)
    }

    pub fn set_password(&self, name: &str, password: &str) -> Result<User> {
        let hash = hash_password(password)?;
        self.update_user(name, |u| {
            u.password_hash = hash;
            // Every session opened before now ends.
            u.password_changed = model::now() + Duration::seconds(1);
        })
    }

    /// Checks a name and password; `None` when they do not match an active account.
    pub fn authenticate(&self, name: &str, password: &str) -> Result<Option<User>> {
        match self.user(name)? {
            Some(user) if verify_password(&user.password_hash, password) && !user.suspended => {
                Ok(Some(user))
            }
            Some(_) => Ok(None),
            None => {
                verify_password(dummy_hash(), password);
                Ok(None)
            }
        }
    }

    /// Opens a session and returns its token (to put in the cookie).
    pub fn open_session(&self, user: &str) -> Result<String> {
        let mut raw = [0u8; 32];
        random_bytes(&mut raw);
        let token = hex(&raw);
        let now = model::now();
        let session = Session {
            user: user.to_owned(),
            created: now,
            expires: now + Duration::days(SESSION_DAYS),
        };
        let txn = self.begin_write()?;
        txn.open_table(SESSIONS)?
            .insert(token_key(&token).as_str(), encode(&session).as_slice())?;
        txn.commit()?;
        Ok(token)
    }

    /// The account behind a session token, if the session is still valid: not
    /// expired, not closed, the account neither suspended nor given a new password
    /// since.
    pub fn session_user(&self, token: &str) -> Result<Option<User>> {
        if token.len() != 64 {
            return Ok(None);
        }
        let session: Option<Session> = {
            let txn = self.begin_read()?;
            let table = txn.open_table(SESSIONS)?;
            let found = table.get(token_key(token).as_str())?;
            found
                .map(|v| decode_json("session", v.value()))
                .transpose()?
        };
        let Some(session) = session else {
            return Ok(None);
        };
        if session.expires < Utc::now() {
            self.close_session(token)?;
            return Ok(None);
        }
        Ok(self
            .user(&session.user)?
            .filter(|u| !u.suspended && u.password_changed <= session.created))
    }

    pub fn close_session(&self, token: &str) -> Result<()> {
        let txn = self.begin_write()?;
        txn.open_table(SESSIONS)?
            .remove(token_key(token).as_str())?;
        txn.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_sessions_and_their_end() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        assert!(store.add_user("ana", Role::Editor, "court").is_err());
        store
            .add_user("ana", Role::Editor, "un mot de passe long")
            .expect("add");
        assert!(
            store
                .add_user("ana", Role::Admin, "un autre mot de passe")
                .is_err()
        );
        assert!(
            store
                .authenticate("ana", "faux mot de passe")
                .expect("auth")
                .is_none()
        );
        assert!(
            store
                .authenticate("personne", "un mot de passe long")
                .expect("auth")
                .is_none()
        );
        let user = store
            .authenticate("ana", "un mot de passe long")
            .expect("auth");
        assert_eq!(user.map(|u| u.role), Some(Role::Editor));

        let token = store.open_session("ana").expect("session");
        assert_eq!(
            store.session_user(&token).expect("s").map(|u| u.name),
            Some("ana".into())
        );
        store.close_session(&token).expect("close");
        assert!(store.session_user(&token).expect("s").is_none());

        let token = store.open_session("ana").expect("session");
        store
            .update_user("ana", |u| u.suspended = true)
            .expect("suspend");
        assert!(store.session_user(&token).expect("s").is_none());
        store
            .update_user("ana", |u| u.suspended = false)
            .expect("unsuspend");
        assert!(store.session_user(&token).expect("s").is_some());
        store
            .set_password("ana", "encore un autre mot")
            .expect("password");
        assert!(store.session_user(&token).expect("s").is_none());
    }
}

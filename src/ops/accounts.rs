//! Operations on accounts: sessions, API tokens, passwords, and the accounts
//! themselves, which administrators manage. Like the changes to content, each
//! checks who acts before it writes, and the change is logged.

use super::{OpError, Ops, Refusal, Result, refuse};
use crate::store::StoreError;
use crate::store::users::{MailEvery, Role, User};

/// What became of a password change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChange {
    Changed,
    /// The current password given was not the account's.
    WrongPassword,
    /// The new password was refused (too short).
    Refused,
}

impl Ops<'_> {
    fn admin(&self) -> Result<()> {
        self.logged_in()?;
        if !self.actor.is_admin() {
            return refuse(Refusal::AdminsOnly);
        }
        Ok(())
    }

    /// Opens a session for `user`, who just proved who they are, closing the
    /// one the browser held: a session id planted before login is useless.
    pub fn open_session(&self, user: &User, replacing: Option<&str>) -> Result<String> {
        if let Some(old) = replacing {
            self.store.close_session(old)?;
        }
        let token = self.store.open_session(&user.name)?;
        tracing::info!(target: "savoirs::changes", by = user.name, "logged in");
        Ok(token)
    }

    /// Ends a session (logging out).
    pub fn close_session(&self, token: &str) -> Result<()> {
        Ok(self.store.close_session(token)?)
    }

    /// Makes an API token for the actor; returns its secret, shown once.
    pub fn create_token(&self, label: &str) -> Result<String> {
        self.logged_in()?;
        let (_, secret) = self.store.create_token(self.actor.name(), label)?;
        Ok(secret)
    }

    /// Revokes one of the actor's own API tokens; not found if it is not theirs.
    pub fn revoke_token(&self, id: &str) -> Result<()> {
        self.logged_in()?;
        match self.store.revoke_token(self.actor.name(), id)? {
            true => Ok(()),
            false => Err(OpError::NotFound),
        }
    }

    /// Changes the actor's password, given the current one. Every session of
    /// the account ends.
    pub fn change_password(&self, current: &str, new: &str) -> Result<PasswordChange> {
        self.logged_in()?;
        let name = self.actor.name();
        if self.store.authenticate(name, current)?.is_none() {
            return Ok(PasswordChange::WrongPassword);
        }
        match self.store.set_password(name, new) {
            Ok(_) => {
                tracing::info!(target: "savoirs::changes", by = name, "changed their password");
                Ok(PasswordChange::Changed)
            }
            Err(StoreError::Invalid(_)) => Ok(PasswordChange::Refused),
            Err(e) => Err(e.into()),
        }
    }

    /// Creates an account (administrators).
    pub fn add_user(&self, name: &str, role: Role, password: &str) -> Result<User> {
        self.admin()?;
        let user = self.store.add_user(name, role, password)?;
        tracing::info!(target: "savoirs::changes", by = self.actor.name(), "created the account {name}");
        Ok(user)
    }

    /// Creates the first administrator, when no account exists yet: the setup
    /// page's one operation. `None` once any account exists.
    pub fn add_first_admin(&self, name: &str, password: &str) -> Result<Option<User>> {
        if self.store.user_count()? > 0 {
            return Ok(None);
        }
        let user = self.store.add_user(name, Role::Admin, password)?;
        tracing::info!(target: "savoirs::changes", "first administrator {name} created");
        Ok(Some(user))
    }

    /// Changes another account's role and suspension (administrators).
    pub fn update_user(&self, name: &str, role: Role, suspended: bool) -> Result<User> {
        self.admin()?;
        if self.actor.name() == name {
            return refuse(Refusal::NotYourself);
        }
        if self.store.user(name)?.is_none() {
            return Err(OpError::NotFound);
        }
        let user = self.store.update_user(name, |u| {
            u.role = role;
            u.suspended = suspended;
        })?;
        tracing::info!(target: "savoirs::changes", by = self.actor.name(), ?role, suspended, "changed the account {name}");
        Ok(user)
    }

    /// Makes a one-time password-reset link's secret for an account
    /// (administrators), with when it expires.
    pub fn create_reset(&self, name: &str) -> Result<(String, chrono::DateTime<chrono::Utc>)> {
        self.admin()?;
        if self.store.user(name)?.is_none() {
            return Err(OpError::NotFound);
        }
        let made = self.store.create_reset(name)?;
        tracing::info!(target: "savoirs::changes", by = self.actor.name(), "made a password-reset link for {name}");
        Ok(made)
    }

    /// Sets a new password with a reset link's secret; `None` if the secret
    /// does not work (any more).
    pub fn use_reset(&self, secret: &str, password: &str) -> Result<Option<User>> {
        let user = self.store.use_reset(secret, password)?;
        if let Some(user) = &user {
            tracing::info!(target: "savoirs::changes", by = user.name, "chose a new password with a reset link");
        }
        Ok(user)
    }

    /// Sets where and how often the actor's notifications are mailed. An
    /// empty address stops the mail.
    pub fn set_mail(&self, email: &str, every: MailEvery) -> Result<User> {
        self.logged_in()?;
        let email = email.trim();
        if !email.is_empty() && !crate::mail::plausible_address(email) {
            return refuse(Refusal::BadEmail);
        }
        Ok(self.store.update_user(self.actor.name(), |u| {
            email.clone_into(&mut u.email);
            u.mail = every;
        })?)
    }

    /// Mails a password-reset link to the account named `who` (by its name or
    /// its address), if it has an address and the server sends mail. Says
    /// nothing of whether it did: the answer must not tell who has an account.
    pub fn request_reset(&self, who: &str) -> Result<()> {
        let who = who.trim();
        let Some(mailer) = self.mailer else {
            return Ok(());
        };
        if who.is_empty() {
            return Ok(());
        }
        let user = match self.store.user(who)? {
            Some(user) => Some(user),
            None => self
                .store
                .users()?
                .into_iter()
                .find(|u| !u.email.is_empty() && u.email.eq_ignore_ascii_case(who)),
        };
        let Some(user) = user.filter(|u| !u.email.is_empty() && !u.suspended) else {
            return Ok(());
        };
        let (secret, expires) = self.store.create_reset(&user.name)?;
        let expires = expires.format("%d/%m/%Y %H:%M UTC").to_string();
        mailer.send(crate::mail::reset_mail(
            &mailer.site,
            &user.email,
            &user.name,
            &secret,
            &expires,
        ));
        tracing::info!(target: "savoirs::changes", "a password-reset link was mailed for {}", user.name);
        Ok(())
    }
}

//! Logging in, one's own account, and account management for admins.

use maud::{Markup, html};

use crate::i18n::{split_at_placeholder, t, tf};
use crate::layout::{Chrome, Page};
use crate::{format, routes};

pub struct LoginView {
    pub name: String,
    pub next: String,
    pub error: Option<String>,
}

impl LoginView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            h1 { (t(lang, "login.title")) }
            @if let Some(e) = &self.error { p.error #login-error role="alert" { (e) } }
            @let failed = self.error.as_ref().map(|_| "login-error");
            form.stacked action=(routes::LOGIN) method="post" {
                input type="hidden" name="next" value=(self.next);
                label for="name" { (t(lang, "login.name")) }
                input #name type="text" name="name" value=(self.name) autocomplete="username" required aria-describedby=[failed];
                label for="password" { (t(lang, "login.password")) }
                input #password type="password" name="password" autocomplete="current-password" required aria-describedby=[failed];
                button type="submit" { (t(lang, "login.submit")) }
            }
            p { a href=(routes::FORGOT) { (t(lang, "login.forgot")) } }
        };
        Page {
            title: t(lang, "login.title"),
            query: "",
            body,
        }
        .render(chrome)
    }
}

/// A new password, typed twice; `failed` names the error they are described by.
fn new_password(lang: crate::i18n::Lang, failed: Option<&str>) -> Markup {
    html! {
        label for="password" { (t(lang, "setup.password")) }
        input #password type="password" name="password" autocomplete="new-password" required minlength="10" aria-describedby=[failed];
        label for="again" { (t(lang, "setup.again")) }
        input #again type="password" name="again" autocomplete="new-password" required minlength="10" aria-describedby=[failed];
    }
}

/// The page that creates a new base's first administrator, at the one-time
/// address the server prints.
pub struct SetupView {
    pub action: String,
    pub name: String,
    pub error: Option<String>,
}

impl SetupView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            h1 { (t(lang, "setup.title")) }
            p { (t(lang, "setup.intro")) }
            @if let Some(e) = &self.error { p.error #setup-error role="alert" { (e) } }
            @let failed = self.error.as_ref().map(|_| "setup-error");
            form.stacked action=(self.action) method="post" {
                label for="name" { (t(lang, "setup.name")) }
                input #name type="text" name="name" value=(self.name) autocomplete="username" required aria-describedby=[failed];
                (new_password(lang, failed))
                button type="submit" { (t(lang, "setup.submit")) }
            }
        };
        Page {
            title: t(lang, "setup.title"),
            query: "",
            body,
        }
        .render(chrome)
    }
}

/// The link an administrator made for an account to set a new password,
/// shown once.
pub struct ResetLinkView {
    pub name: String,
    pub link: String,
    pub expires: String,
}

impl ResetLinkView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let title = tf(lang, "reset.link_title", &[("name", &self.name)]);
        let body = html! {
            h1 { (title) }
            p { (tf(lang, "reset.link_intro", &[("name", &self.name), ("expires", &self.expires)])) }
            p { code.secret { (self.link) } }
            p { (t(lang, "reset.link_once")) }
            p { a href=(routes::ADMIN_USERS) { (t(lang, "users.title")) } }
        };
        Page {
            title: &title,
            query: "",
            body,
        }
        .render(chrome)
    }
}

/// The page a reset link opens: a new password, twice.
pub struct ResetView {
    pub action: String,
    pub name: String,
    pub error: Option<String>,
}

impl ResetView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let title = t(lang, "reset.title");
        let body = html! {
            h1 { (title) }
            p { (tf(lang, "reset.intro", &[("name", &self.name)])) }
            @if let Some(e) = &self.error { p.error #reset-error role="alert" { (e) } }
            @let failed = self.error.as_ref().map(|_| "reset-error");
            form.stacked action=(self.action) method="post" {
                (new_password(lang, failed))
                button type="submit" { (t(lang, "reset.submit")) }
            }
        };
        Page {
            title,
            query: "",
            body,
        }
        .render(chrome)
    }
}

pub struct AccountView {
    pub name: String,
    pub role: String,
    pub message: Option<String>,
    pub error: Option<String>,
    pub tokens: Vec<TokenRow>,
    /// A token just created, shown this once.
    pub new_token: Option<String>,
    /// Where notifications are mailed, and how often (`now`, `daily`, `never`).
    pub email: String,
    pub mail: String,
    /// Whether the server sends mail at all.
    pub mail_enabled: bool,
}

/// An API token as the account page lists it (never its secret).
pub struct TokenRow {
    pub id: String,
    pub label: String,
    pub created: String,
}

impl AccountView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            h1 { (t(lang, "account.title")) }
            p { (t(lang, "account.account")) " " strong { (self.name) } ", " (tf(lang, "account.role", &[("role", &format::role_label_account(lang, &self.role))])) }
            @if let Some(m) = &self.message { p.notice role="status" { (m) } }
            @if let Some(e) = &self.error { p.error role="alert" { (e) } }
            h2 { (t(lang, "account.change_password")) }
            p { (t(lang, "account.sessions_end")) }
            form.stacked action=(routes::ACCOUNT_PASSWORD) method="post" {
                label for="current" { (t(lang, "account.current")) }
                input #current type="password" name="current" autocomplete="current-password" required;
                label for="new" { (t(lang, "account.new")) }
                input #new type="password" name="new" autocomplete="new-password" minlength="10" required;
                label for="confirm" { (t(lang, "account.confirm")) }
                input #confirm type="password" name="confirm" autocomplete="new-password" required;
                button type="submit" { (t(lang, "account.submit")) }
            }
            h2 #courriel { (t(lang, "account.mail")) }
            @if self.mail_enabled {
                p { (t(lang, "account.mail_intro")) }
                form.stacked action=(routes::ACCOUNT_MAIL) method="post" {
                    label for="email" { (t(lang, "account.email")) }
                    input #email type="email" name="email" value=(self.email) autocomplete="email" maxlength="254";
                    fieldset {
                        legend { (t(lang, "account.mail_every")) }
                        @for (value, key) in [("now", "account.mail_now"), ("daily", "account.mail_daily"), ("never", "account.mail_never")] {
                            label.choice {
                                input type="radio" name="mail" value=(value) checked[self.mail == value];
                                " " (t(lang, key))
                            }
                        }
                    }
                    button type="submit" { (t(lang, "account.mail_save")) }
                }
            } @else {
                p { (t(lang, "account.mail_off")) }
            }
            h2 #jetons { (t(lang, "tokens.title")) }
            p {
                @let (before, after) = split_at_placeholder(t(lang, "tokens.intro"), "header");
                (before) code { "Authorization: Bearer …" } (after) " "
                @let (before, after) = split_at_placeholder(t(lang, "tokens.see_docs"), "link");
                (before) a href=(routes::API_DOCS) { (t(lang, "tokens.docs")) } (after)
            }
            @if let Some(secret) = &self.new_token {
                p.notice role="status" {
                    label for="new-token" { (t(lang, "tokens.new")) } " "
                    input #new-token type="text" readonly value=(secret) size="50";
                }
            }
            @if self.tokens.is_empty() {
                p { (t(lang, "tokens.none")) }
            } @else {
                table.tokens {
                    thead { tr { th scope="col" { (t(lang, "tokens.name")) } th scope="col" { (t(lang, "tokens.id")) } th scope="col" { (t(lang, "users.created")) } th scope="col" { span.visually-hidden { (t(lang, "tokens.action")) } } } }
                    tbody {
                        @for token in &self.tokens {
                            tr {
                                td { (token.label) }
                                td { code { (token.id) } }
                                td { (token.created) }
                                td {
                                    form.inline action=(routes::revoke_token(&token.id)) method="post" {
                                        button type="submit" { (t(lang, "tokens.revoke")) span.visually-hidden { " " (tf(lang, "tokens.revoke_which", &[("label", &token.label)])) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form.stacked action=(routes::ACCOUNT_TOKENS) method="post" {
                label for="token-label" { (t(lang, "tokens.label")) }
                input #token-label type="text" name="label" maxlength="80" required;
                button type="submit" { (t(lang, "tokens.create")) }
            }
        };
        Page {
            title: t(lang, "account.title"),
            query: "",
            body,
        }
        .render(chrome)
    }
}

pub struct UserRow {
    pub name: String,
    pub role: String,
    pub suspended: bool,
    pub created: String,
}

pub struct AdminUsersView {
    pub users: Vec<UserRow>,
    /// The name and role typed in the creation form, kept on error.
    pub new_name: String,
    pub new_role: String,
    pub message: Option<String>,
    pub error: Option<String>,
    /// The admin looking: cannot demote or suspend themselves.
    pub me: String,
}

const ROLES: [&str; 3] = ["contributor", "editor", "admin"];

impl AdminUsersView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            h1 { (t(lang, "users.title")) }
            p { a href=(routes::ADMIN_BACKUP) download { (t(lang, "users.backup")) } " (" (t(lang, "users.backup_note")) " " code { "savoirs restore" } ")" }
            @if let Some(m) = &self.message { p.notice role="status" { (m) } }
            @if let Some(e) = &self.error { p.error role="alert" { (e) } }
            table.users {
                thead { tr { th { (t(lang, "users.name")) } th { (t(lang, "users.role")) } th { (t(lang, "users.state")) } th { (t(lang, "users.created")) } th { (t(lang, "users.change")) } } }
                tbody {
                    @for u in &self.users {
                        tr {
                            td { (u.name) }
                            td { (format::role_label_account(lang, &u.role)) }
                            td { @if u.suspended { (t(lang, "users.suspended")) } @else { (t(lang, "users.active")) } }
                            td { (u.created) }
                            td {
                                @if u.name != self.me {
                                    form.inline action=(routes::admin_user(&u.name)) method="post" {
                                        label.visually-hidden for=(format!("role-{}", u.name)) { (tf(lang, "users.role_of", &[("name", &u.name)])) }
                                        select id=(format!("role-{}", u.name)) name="role" {
                                            @for r in ROLES { option value=(r) selected[u.role == r] { (format::role_label_account(lang, r)) } }
                                        }
                                        label.visually-hidden for=(format!("state-{}", u.name)) { (tf(lang, "users.state_of", &[("name", &u.name)])) }
                                        select id=(format!("state-{}", u.name)) name="suspended" {
                                            option value="false" selected[!u.suspended] { (t(lang, "users.active")) }
                                            option value="true" selected[u.suspended] { (t(lang, "users.suspended")) }
                                        }
                                        button type="submit" { (t(lang, "users.save")) }
                                    }
                                    " "
                                    form.inline action=(format!("{}/reset", routes::admin_user(&u.name))) method="post" {
                                        button type="submit" aria-label=(tf(lang, "users.reset_of", &[("name", &u.name)])) { (t(lang, "users.reset")) }
                                    }
                                } @else { "(" (t(lang, "users.you")) ")" }
                            }
                        }
                    }
                }
            }
            h2 { (t(lang, "users.create")) }
            p { (t(lang, "users.create_hint")) }
            form.stacked action=(routes::ADMIN_USERS) method="post" {
                label for="new-name" { (t(lang, "login.name")) }
                input #new-name type="text" name="name" value=(self.new_name) required;
                label for="new-role" { (t(lang, "users.role")) }
                select #new-role name="role" {
                    @for r in ROLES { option value=(r) selected[self.new_role == r] { (format::role_label_account(lang, r)) } }
                }
                label for="new-password" { (t(lang, "users.password")) }
                input #new-password type="password" name="password" autocomplete="new-password" minlength="10" required;
                button type="submit" { (t(lang, "users.create_submit")) }
            }
        };
        Page {
            title: t(lang, "users.title"),
            query: "",
            body,
        }
        .render(chrome)
    }
}

/// Choosing which kind of record to add.
pub struct NewRecordView {
    pub kinds: Vec<String>,
}

impl NewRecordView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            h1 { (t(lang, "new.title")) }
            ul.kinds {
                @for k in &self.kinds {
                    li { a href=(routes::new_record(k)) { (format::kind_label(lang, k)) } }
                }
            }
        };
        Page {
            title: t(lang, "new.title"),
            query: "",
            body,
        }
        .render(chrome)
    }
}

/// Asking for a password-reset link by mail.
pub struct ForgotView {
    pub who: String,
    /// What was done (the same whatever the account), once asked.
    pub message: Option<String>,
    pub mail_enabled: bool,
}

impl ForgotView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let lang = chrome.lang;
        let body = html! {
            h1 { (t(lang, "forgot.title")) }
            @if let Some(m) = &self.message { p.notice role="status" { (m) } }
            @if self.mail_enabled {
                p { (t(lang, "forgot.intro")) }
                form.stacked action=(routes::FORGOT) method="post" {
                    label for="who" { (t(lang, "forgot.who")) }
                    input #who type="text" name="who" value=(self.who) autocomplete="username" required maxlength="254";
                    button type="submit" { (t(lang, "forgot.submit")) }
                }
            } @else {
                p { (t(lang, "forgot.no_mail")) }
            }
        };
        Page {
            title: t(lang, "forgot.title"),
            query: "",
            body,
        }
        .render(chrome)
    }
}

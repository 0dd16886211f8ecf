//! Logging in, one's own account, and account management for admins.

use maud::{Markup, html};

use crate::layout::{Chrome, Page};
use crate::{format, routes};

pub struct LoginView {
    pub name: String,
    pub next: String,
    pub error: Option<String>,
}

impl LoginView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let body = html! {
            h1 { "Se connecter" }
            @if let Some(e) = &self.error { p.error #login-error role="alert" { (e) } }
            @let failed = self.error.as_ref().map(|_| "login-error");
            form.stacked action=(routes::LOGIN) method="post" {
                input type="hidden" name="next" value=(self.next);
                label for="name" { "Nom du compte" }
                input #name type="text" name="name" value=(self.name) autocomplete="username" required aria-describedby=[failed];
                label for="password" { "Mot de passe" }
                input #password type="password" name="password" autocomplete="current-password" required aria-describedby=[failed];
                button type="submit" { "Se connecter" }
            }
        };
        Page {
            title: "Se connecter",
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
}

/// An API token as the account page lists it (never its secret).
pub struct TokenRow {
    pub id: String,
    pub label: String,
    pub created: String,
}

impl AccountView {
    pub fn render(&self, chrome: &Chrome) -> Markup {
        let body = html! {
            h1 { "Mon compte" }
            p { "Compte " strong { (self.name) } ", rôle : " (format::role_label_account(&self.role)) "." }
            @if let Some(m) = &self.message { p.notice role="status" { (m) } }
            @if let Some(e) = &self.error { p.error role="alert" { (e) } }
            h2 { "Changer de mot de passe" }
            p { "Toutes vos sessions ouvertes seront fermées ; vous devrez vous reconnecter." }
            form.stacked action=(routes::ACCOUNT_PASSWORD) method="post" {
                label for="current" { "Mot de passe actuel" }
                input #current type="password" name="current" autocomplete="current-password" required;
                label for="new" { "Nouveau mot de passe (10 caractères au moins)" }
                input #new type="password" name="new" autocomplete="new-password" minlength="10" required;
                label for="confirm" { "Nouveau mot de passe, encore" }
                input #confirm type="password" name="confirm" autocomplete="new-password" required;
                button type="submit" { "Changer le mot de passe" }
            }
            h2 #jetons { "Jetons d'API" }
            p { "Un jeton permet à un script d'utiliser l'API JSON avec vos droits, dans l'en-tête "
                code { "Authorization: Bearer …" } ". Voir la " a href=(routes::API_DOCS) { "description de l'API" } "." }
            @if let Some(secret) = &self.new_token {
                p.notice role="status" {
                    label for="new-token" { "Votre nouveau jeton :" } " "
                    input #new-token type="text" readonly value=(secret) size="50";
                }
            }
            @if self.tokens.is_empty() {
                p { "Aucun jeton." }
            } @else {
                table.tokens {
                    thead { tr { th scope="col" { "Nom" } th scope="col" { "Identifiant" } th scope="col" { "Créé le" } th scope="col" { span.visually-hidden { "Action" } } } }
                    tbody {
                        @for t in &self.tokens {
                            tr {
                                td { (t.label) }
                                td { code { (t.id) } }
                                td { (t.created) }
                                td {
                                    form.inline action=(routes::revoke_token(&t.id)) method="post" {
                                        button type="submit" { "Révoquer" span.visually-hidden { " le jeton " (t.label) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form.stacked action=(routes::ACCOUNT_TOKENS) method="post" {
                label for="token-label" { "Nom du nouveau jeton (à quoi il sert)" }
                input #token-label type="text" name="label" maxlength="80" required;
                button type="submit" { "Créer un jeton" }
            }
        };
        Page {
            title: "Mon compte",
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
        let body = html! {
            h1 { "Comptes" }
            p { a href=(routes::ADMIN_BACKUP) download { "Télécharger une sauvegarde complète" } " (fiches, révisions et comptes ; à restaurer avec " code { "savoirs restore" } ")" }
            @if let Some(m) = &self.message { p.notice role="status" { (m) } }
            @if let Some(e) = &self.error { p.error role="alert" { (e) } }
            table.users {
                thead { tr { th { "Nom" } th { "Rôle" } th { "État" } th { "Créé le" } th { "Modifier" } } }
                tbody {
                    @for u in &self.users {
                        tr {
                            td { (u.name) }
                            td { (format::role_label_account(&u.role)) }
                            td { @if u.suspended { "suspendu" } @else { "actif" } }
                            td { (u.created) }
                            td {
                                @if u.name != self.me {
                                    form.inline action=(routes::admin_user(&u.name)) method="post" {
                                        label.visually-hidden for=(format!("role-{}", u.name)) { "Rôle de " (u.name) }
                                        select id=(format!("role-{}", u.name)) name="role" {
                                            @for r in ROLES { option value=(r) selected[u.role == r] { (format::role_label_account(r)) } }
                                        }
                                        label.visually-hidden for=(format!("state-{}", u.name)) { "État de " (u.name) }
                                        select id=(format!("state-{}", u.name)) name="suspended" {
                                            option value="false" selected[!u.suspended] { "actif" }
                                            option value="true" selected[u.suspended] { "suspendu" }
                                        }
                                        button type="submit" { "Enregistrer" }
                                    }
                                } @else { "(vous)" }
                            }
                        }
                    }
                }
            }
            h2 { "Créer un compte" }
            p { "Communiquez le mot de passe à la personne ; elle pourra le changer depuis « Mon compte »." }
            form.stacked action=(routes::ADMIN_USERS) method="post" {
                label for="new-name" { "Nom du compte" }
                input #new-name type="text" name="name" value=(self.new_name) required;
                label for="new-role" { "Rôle" }
                select #new-role name="role" {
                    @for r in ROLES { option value=(r) selected[self.new_role == r] { (format::role_label_account(r)) } }
                }
                label for="new-password" { "Mot de passe (10 caractères au moins)" }
                input #new-password type="password" name="password" autocomplete="new-password" minlength="10" required;
                button type="submit" { "Créer le compte" }
            }
        };
        Page {
            title: "Comptes",
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
        let body = html! {
            h1 { "Ajouter" }
            ul.kinds {
                @for k in &self.kinds {
                    li { a href=(routes::new_record(k)) { (format::kind_label(k)) } }
                }
            }
        };
        Page {
            title: "Ajouter",
            query: "",
            body,
        }
        .render(chrome)
    }
}

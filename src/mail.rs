//! E-mail, when an SMTP server is configured (`serve --smtp-url`): notifications
//! (at once or as a daily digest, as each account chooses) and password-reset
//! links. Mail leaves from a thread of its own, so that no request waits for an
//! SMTP server; a message that cannot be sent is logged, and the notification
//! stays in the app.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

use lettre::message::{Mailbox, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};
use savoirs_templates::Lang;
use savoirs_templates::i18n::{t, tf};

use crate::model;
use crate::store::discussion::Notification;
use crate::store::users::MailEvery;
use crate::store::{Store, StoreError};

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Sends mail through one SMTP server.
pub struct Mailer {
    outbox: Mutex<Sender<Mail>>,
    /// The site's address, for the links mail carries.
    pub site: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("--smtp-url: {0}")]
    Url(String),
    #[error("--mail-from: {0}")]
    From(String),
}

impl Mailer {
    /// A mailer for `smtp_url` (`smtps://user:pass@host`, `smtp://host:25`,
    /// `smtp://user:pass@host:587?tls=required` …) sending as `from`; `site` is
    /// the public address that links in mail start with.
    pub fn start(smtp_url: &str, from: &str, site: &str) -> Result<Mailer, MailError> {
        let transport = SmtpTransport::from_url(smtp_url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        let from: Mailbox = from.parse().map_err(|e| MailError::From(format!("{e}")))?;
        let (outbox, queue) = channel();
        std::thread::Builder::new()
            .name("mail".into())
            .spawn(move || deliver(&transport, &from, queue))
            .map_err(|e| MailError::Url(format!("cannot start the mail thread: {e}")))?;
        Ok(Mailer {
            outbox: Mutex::new(outbox),
            site: site.trim_end_matches('/').to_owned(),
        })
    }

    /// Queues a message; it is sent in the background.
    pub fn send(&self, mail: Mail) {
        let outbox = self.outbox.lock().unwrap_or_else(|e| e.into_inner());
        if outbox.send(mail).is_err() {
            tracing::error!("the mail thread has stopped: a message was not sent");
        }
    }
}

fn deliver(transport: &SmtpTransport, from: &Mailbox, queue: Receiver<Mail>) {
    for mail in queue {
        let to: Mailbox = match mail.to.parse() {
            Ok(to) => to,
            Err(e) => {
                tracing::error!("not sending mail to {:?}: {e}", mail.to);
                continue;
            }
        };
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone());
        let sent = match message {
            Ok(message) => transport
                .send(&message)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match sent {
            Ok(()) => tracing::info!("mail sent to {}: {}", mail.to, mail.subject),
            Err(e) => tracing::error!("mail to {} not sent: {e}", mail.to),
        }
    }
}

/// Whether an address looks like one mail can go to: a name, an @, a domain.
pub fn plausible_address(address: &str) -> bool {
    address.len() <= 254 && address.parse::<Mailbox>().is_ok() && address.contains('@')
}

/// One notification, said in a mail: what happened, to which record, by whom,
/// with the comment if there is one, and the link to the record.
pub fn notification_mail(site: &str, to: &str, n: &Notification, path: &str) -> Mail {
    let said = tf(Lang::Fr, &format!("notify.{}", n.what), &[("by", &n.by)]);
    let mut body = format!("{said} « {} »\n{site}{path}\n", n.title);
    if !n.text.is_empty() {
        body.push_str(&format!("\n« {} »\n", n.text));
    }
    body.push_str(&footer(site));
    Mail {
        to: to.to_owned(),
        subject: format!("[Savoirs] {said} {}", n.title),
        body,
    }
}

/// The notifications of a day, in one mail.
pub fn digest_mail(site: &str, to: &str, notifications: &[(Notification, String)]) -> Mail {
    let mut body = format!(
        "{}\n",
        tf(
            Lang::Fr,
            "mail.digest_intro",
            &[("count", &notifications.len())]
        )
    );
    for (n, path) in notifications {
        let said = tf(Lang::Fr, &format!("notify.{}", n.what), &[("by", &n.by)]);
        body.push_str(&format!("\n- {said} « {} »\n  {site}{path}\n", n.title));
        if !n.text.is_empty() {
            body.push_str(&format!("  « {} »\n", n.text));
        }
    }
    body.push_str(&footer(site));
    Mail {
        to: to.to_owned(),
        subject: format!(
            "[Savoirs] {}",
            tf(
                Lang::Fr,
                "mail.digest_subject",
                &[("count", &notifications.len())]
            )
        ),
        body,
    }
}

/// A password-reset link, for the account that asked.
pub fn reset_mail(site: &str, to: &str, account: &str, secret: &str, expires: &str) -> Mail {
    Mail {
        to: to.to_owned(),
        subject: format!("[Savoirs] {}", t(Lang::Fr, "mail.reset_subject")),
        body: format!(
            "{}\n\n{site}/reset/{secret}\n\n{}\n",
            tf(Lang::Fr, "mail.reset_body", &[("name", &account)]),
            tf(Lang::Fr, "mail.reset_expires", &[("date", &expires)]),
        ),
    }
}

fn footer(site: &str) -> String {
    format!("\n-- \n{}\n{site}/account\n", t(Lang::Fr, "mail.footer"))
}

/// How often the digests are looked for.
const DIGEST_CHECK: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Mails each account that asked for a daily digest the notifications of the
/// last day it has not read in the app, once a day; runs until the process ends.
pub fn send_digests_forever(store: std::sync::Arc<Store>, mailer: std::sync::Arc<Mailer>) {
    loop {
        if let Err(e) = send_digests(&store, &mailer, model::now()) {
            tracing::error!("daily digests: {e}");
        }
        std::thread::sleep(DIGEST_CHECK);
    }
}

/// Sends the digests due at `now`; returns how many were sent.
pub fn send_digests(
    store: &Store,
    mailer: &Mailer,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, StoreError> {
    let mut sent = 0;
    for user in store.users()? {
        if user.email.is_empty() || user.mail != MailEvery::Daily || user.suspended {
            continue;
        }
        let since = user.last_digest.unwrap_or(user.created);
        if now - since < chrono::Duration::hours(24) {
            continue;
        }
        let reader = store.read()?;
        let mut news = Vec::new();
        for n in store.notifications(&user.name)? {
            // Unread in the app, and not in an earlier digest (times are in
            // seconds: one told in the second of a digest comes again).
            if n.time >= since
                && !n.read
                && let Some(record) = reader.get(&n.record)?
            {
                news.push((n, record.url()));
            }
        }
        drop(reader);
        news.reverse();
        if !news.is_empty() {
            mailer.send(digest_mail(&mailer.site, &user.email, &news));
            sent += 1;
        }
        store.update_user(&user.name, |u| u.last_digest = Some(now))?;
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::users::Role;

    #[test]
    fn a_daily_digest_goes_once_a_day_with_the_days_news() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        store
            .add_user("dora", Role::Contributor, "un mot de passe assez long")
            .expect("user");
        store
            .update_user("dora", |u| {
                u.email = "dora@exemple.org".into();
                u.mail = MailEvery::Daily;
            })
            .expect("mail");
        let record = store
            .write(|w| {
                let method =
                    crate::model::Record::new(crate::model::Body::Method(crate::model::Method {
                        title: "Méthode du bocal".into(),
                        ..crate::model::Method::default()
                    }));
                w.save(
                    method,
                    &crate::store::Author {
                        name: "eve",
                        message: "",
                    },
                )
            })
            .expect("record");
        let told = Notification {
            number: 0,
            time: model::now(),
            what: "comment".into(),
            record: record.meta.id.clone(),
            title: record.title().to_owned(),
            by: "eve".into(),
            text: "Très clair.".into(),
            read: false,
        };
        store.write(|w| w.notify("dora", told)).expect("notify");
        // Nothing is mailed here: the port is closed, and a failed send is logged.
        let mailer = Mailer::start("smtp://127.0.0.1:9", "Savoirs <s@exemple.org>", "http://x")
            .expect("mailer");
        let now = model::now();
        assert_eq!(
            send_digests(&store, &mailer, now).expect("digests"),
            0,
            "not a day yet"
        );
        let tomorrow = now + chrono::Duration::hours(25);
        assert_eq!(send_digests(&store, &mailer, tomorrow).expect("digests"), 1);
        assert_eq!(
            send_digests(&store, &mailer, tomorrow + chrono::Duration::hours(1)).expect("again"),
            0,
            "once a day"
        );
        let later = tomorrow + chrono::Duration::hours(25);
        assert_eq!(
            send_digests(&store, &mailer, later).expect("digests"),
            0,
            "nothing new, no mail"
        );
        let mail = digest_mail(
            "http://x",
            "dora@exemple.org",
            &[(
                store.notifications("dora").expect("read")[0].clone(),
                record.url(),
            )],
        );
        assert!(mail.body.contains("Méthode du bocal") && mail.body.contains("Très clair."));
        assert!(mail.body.contains(&format!("http://x{}", record.url())));
    }
}

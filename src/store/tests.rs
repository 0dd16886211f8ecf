//! Store tests against a real redb file in a temporary directory.

use super::*;
use crate::model::{Action, Body, Partner, PartnerRef};

const ME: Author<'static> = Author {
    name: "test",
    message: "test",
};

fn partner(name: &str, acronym: &str) -> Record {
    Record::new(Body::Partner(Partner {
        name: name.into(),
        acronym: acronym.into(),
        ..Partner::default()
    }))
}

#[test]
fn saves_write_revisions_and_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let saved = store
        .write(|w| w.save(partner("Réseau Ritimo", "RITIMO"), &ME))
        .expect("save");
    assert_eq!(saved.meta.slug, "ritimo");
    assert_eq!(saved.meta.revision, 1);
    let mut again = saved.clone();
    if let Body::Partner(p) = &mut again.body {
        p.description = "Un réseau.".into();
    }
    let again = store.write(|w| w.save(again, &ME)).expect("save");
    assert_eq!(again.meta.revision, 2);
    assert_eq!(again.meta.created, saved.meta.created);

    let r = store.read().expect("read");
    assert_eq!(r.revisions(&saved.meta.id).expect("revisions").len(), 2);
    assert_eq!(r.last_seq().expect("seq"), 2);
    assert_eq!(
        r.partner_by_name("ritimo").expect("name"),
        Some(saved.meta.id.clone())
    );
    assert_eq!(
        r.partner_by_name("réseau  RITIMO").expect("name"),
        Some(saved.meta.id)
    );
}

#[test]
fn slugs_are_unique_per_kind_and_links_have_backlinks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let p = store
        .write(|w| w.save(partner("Ecosol", ""), &ME))
        .expect("save");
    let action = |title: &str| {
        Record::new(Body::Action(Action {
            title: title.into(),
            partners: vec![PartnerRef {
                id: p.meta.id.clone(),
                name: String::new(),
                role: "pilot".into(),
            }],
            ..Action::default()
        }))
    };
    let a = store.write(|w| w.save(action("Forum"), &ME)).expect("save");
    let b = store.write(|w| w.save(action("Forum"), &ME)).expect("save");
    assert_eq!(
        (a.meta.slug.as_str(), b.meta.slug.as_str()),
        ("forum", "forum-2")
    );
    let r = store.read().expect("read");
    assert_eq!(r.backlinks(&p.meta.id).expect("links").len(), 2);
    assert_eq!(
        r.id_by_slug(Kind::Action, "forum-2").expect("slug"),
        Some(b.meta.id)
    );
}

#[test]
fn a_failed_write_keeps_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let result = store.write(|w| {
        w.save(partner("Exemole", ""), &ME)?;
        w.save(partner("", ""), &ME)
    });
    assert!(matches!(result, Err(StoreError::Invalid(_))));
    assert_eq!(store.read().expect("read").count().expect("count"), 0);
}

#[test]
fn a_second_process_and_a_newer_format_are_refused_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let _store = Store::open(dir.path()).expect("open");
        let err = Store::open(dir.path()).expect_err("locked");
        let message = err.to_string();
        assert!(
            message.contains("in use by another Savoirs process"),
            "{message}"
        );
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
    }
    {
        let store = Store::open(dir.path()).expect("reopen");
        let txn = store.begin_write().expect("txn");
        txn.open_table(META)
            .expect("meta")
            .insert("format", (FORMAT + 1).to_le_bytes().as_slice())
            .expect("insert");
        txn.commit().expect("commit");
    }
    let err = Store::open(dir.path()).expect_err("newer");
    assert!(
        err.to_string().contains("newer version of Savoirs"),
        "{err}"
    );
}

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

/// Rewrites a store as format 1 wrote it: plain JSON, each record whole in the
/// records table beside its revisions, a resource's web address under `url`.
fn downgrade_to_format_1(store: &Store) {
    let old = |json: Vec<u8>| {
        String::from_utf8(json)
            .expect("utf-8")
            .replace("\"web_address\":", "\"url\":")
            .into_bytes()
    };
    let txn = store.begin_write().expect("txn");
    {
        let mut revisions = txn.open_table(REVISIONS).expect("revisions");
        let all: Vec<((String, u64), Vec<u8>)> = revisions
            .iter()
            .expect("iter")
            .map(|e| {
                let (k, v) = e.expect("entry");
                let (id, n) = k.value();
                let json = packing::unpack("a revision", v.value()).expect("packed");
                ((id.to_owned(), n), json)
            })
            .collect();
        let mut records = txn.open_table(RECORDS).expect("records");
        let current: Vec<(String, u64)> = records
            .iter()
            .expect("iter")
            .map(|e| {
                let (k, v) = e.expect("entry");
                (k.value().to_owned(), read_u64(v.value()))
            })
            .collect();
        for (id, n) in current {
            let (_, json) = all
                .iter()
                .find(|((i, m), _)| *i == id && *m == n)
                .expect("the current revision");
            let record = serde_json::to_vec(&record_of(json).expect("a record")).expect("json");
            records
                .insert(id.as_str(), old(record).as_slice())
                .expect("insert");
        }
        for ((id, n), json) in all {
            revisions
                .insert((id.as_str(), n), old(json).as_slice())
                .expect("insert");
        }
        txn.open_table(META)
            .expect("meta")
            .insert("format", 1u32.to_le_bytes().as_slice())
            .expect("format");
    }
    txn.commit().expect("commit");
}

/// The format a store's file says it is in.
fn stored_format(txn: &redb::ReadTransaction) -> Option<u32> {
    txn.open_table(META)
        .expect("meta")
        .get("format")
        .expect("get")
        .map(|v| read_u32(v.value()))
}

fn carto_commune() -> Record {
    Record::new(Body::Resource(crate::model::Resource {
        title: "Carto-Commune".into(),
        web_address: "https://cartocommune.example.org/".into(),
        ..Default::default()
    }))
}

fn web_address(record: &Record) -> &str {
    match &record.body {
        Body::Resource(r) => &r.web_address,
        _ => "",
    }
}

#[test]
fn a_format_1_store_is_upgraded_with_resource_addresses_intact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let id = {
        let store = Store::open(dir.path()).expect("open");
        let saved = store.write(|w| w.save(carto_commune(), &ME)).expect("save");
        store
            .write(|w| w.save(partner("Ecosol", ""), &ME))
            .expect("save");
        downgrade_to_format_1(&store);
        // As a format-1 store holds it, the record no longer reads as this version's.
        let raw = store.read().expect("read").get(&saved.meta.id);
        assert!(matches!(raw, Err(StoreError::Corrupt { .. })), "{raw:?}");
        saved.meta.id
    };
    let store = Store::open(dir.path()).expect("an older store opens");
    let r = store.read().expect("read");
    let record = r.get(&id).expect("get").expect("the resource");
    assert_eq!(web_address(&record), "https://cartocommune.example.org/");
    let revisions = r.revisions(&id).expect("revisions");
    let first = Record::from_json(revisions[0].record.clone()).expect("an old revision reads");
    assert_eq!(web_address(&first), "https://cartocommune.example.org/");
    assert_eq!(r.all(None).expect("all").len(), 2);
    let txn = store.begin_read().expect("txn");
    let format = stored_format(&txn);
    assert_eq!(format, Some(FORMAT));
}

#[test]
fn a_format_1_backup_is_restored_with_resource_addresses_intact() {
    let source = tempfile::tempdir().expect("tempdir");
    let store = Store::open(source.path()).expect("open");
    let id = store
        .write(|w| w.save(carto_commune(), &ME))
        .expect("save")
        .meta
        .id;
    let mut snapshot = Vec::new();
    store.backup(&mut snapshot).expect("backup");
    let old = String::from_utf8(snapshot)
        .expect("utf-8")
        .replacen(&format!("\"format\":{FORMAT}"), "\"format\":1", 1)
        .replace("\"web_address\":", "\"url\":");
    assert!(old.contains("\"format\":1"), "{old}");

    let target = tempfile::tempdir().expect("tempdir");
    let restored = Store::open(target.path()).expect("open");
    restored
        .restore(&mut old.as_bytes())
        .expect("an older backup restores");
    let r = restored.read().expect("read");
    let record = r.get(&id).expect("get").expect("the resource");
    assert_eq!(web_address(&record), "https://cartocommune.example.org/");
    let revision = &r.revisions(&id).expect("revisions")[0];
    let first = Record::from_json(revision.record.clone()).expect("an old revision reads");
    assert_eq!(web_address(&first), "https://cartocommune.example.org/");
}

/// Opens a copy of the store of `tests/fixtures/format-N`, written by the
/// release of that format.
fn open_fixture(format: u32) -> (tempfile::TempDir, Store) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/format-{format}/savoirs.redb"));
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(&fixture, dir.path().join("savoirs.redb")).expect("copy");
    let store = Store::open(dir.path()).expect("the previous format opens");
    (dir, store)
}

#[test]
fn a_format_2_store_is_upgraded_and_its_file_kept() {
    // Written by the release before records were compressed (format 2): the demo
    // content, imported, and one account.
    let (dir, store) = open_fixture(2);
    let r = store.read().expect("read");
    let all = r.all(None).expect("all");
    assert_eq!(all.len(), 33);
    for record in &all {
        assert_eq!(r.revisions(&record.meta.id).expect("revisions").len(), 1);
    }
    assert!(store.user("camille").expect("user").is_some());
    // The file as it was is kept beside it, still format 2, plain JSON.
    let kept = Database::open(dir.path().join("savoirs.redb.format-2")).expect("kept");
    let txn = kept.begin_read().expect("txn");
    let format = stored_format(&txn);
    assert_eq!(format, Some(2));
    let records = txn.open_table(RECORDS).expect("records");
    assert_eq!(records.len().expect("len"), 33);
    for entry in records.iter().expect("iter") {
        let (_, v) = entry.expect("entry");
        assert!(serde_json::from_slice::<serde_json::Value>(v.value()).is_ok());
    }
    // Upgraded in place: compressed, and said so.
    let txn = store.begin_read().expect("txn");
    let format = stored_format(&txn);
    assert_eq!(format, Some(FORMAT));
    let revisions = txn.open_table(REVISIONS).expect("revisions");
    for entry in revisions.iter().expect("iter") {
        let (_, v) = entry.expect("entry");
        assert!(packing::unpack("a revision", v.value()).is_ok());
    }
}

#[test]
fn a_store_written_by_the_previous_release_is_upgraded_and_its_file_kept() {
    // Written by the release before compression dictionaries (format 3): the
    // demo content, imported, and one account.
    let (dir, store) = open_fixture(3);
    assert_eq!(store.dictionary(), None);
    let r = store.read().expect("read");
    let all = r.all(None).expect("all");
    assert_eq!(all.len(), 33);
    assert!(store.user("camille").expect("user").is_some());
    let kept = Database::open(dir.path().join("savoirs.redb.format-3")).expect("kept");
    assert_eq!(stored_format(&kept.begin_read().expect("txn")), Some(3));
    let txn = store.begin_read().expect("txn");
    assert_eq!(stored_format(&txn), Some(FORMAT));
    // Its values are read as they were written: nothing needed rewriting.
    let revisions = txn.open_table(REVISIONS).expect("revisions");
    let kept_txn = kept.begin_read().expect("txn");
    let kept_revisions = kept_txn.open_table(REVISIONS).expect("revisions");
    for entry in revisions.iter().expect("iter") {
        let (k, v) = entry.expect("entry");
        let before = kept_revisions.get(k.value()).expect("get").expect("kept");
        assert_eq!(v.value(), before.value());
    }
    // And it changes like any store.
    drop((r, txn));
    let saved = store
        .write(|w| w.save(partner("Réseau Ritimo", "RITIMO"), &ME))
        .expect("save");
    assert_eq!(saved.meta.revision, 1);
}

/// Records alike enough for a dictionary to pay, as a large import brings.
fn methods(n: usize) -> Vec<Record> {
    (0..n)
        .map(|i| {
            Record::new(Body::Method(crate::model::Method {
                title: format!("Méthode {i}"),
                summary: packing::tests::summary(i),
                ..Default::default()
            }))
        })
        .collect()
}

#[test]
fn a_large_batch_teaches_the_store_a_compression_dictionary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let before = store
        .write(|w| w.save(partner("Réseau Ritimo", "RITIMO"), &ME))
        .expect("save");
    // Too few records teach nothing.
    let few = methods(packing::TRAINING_RECORDS - 1);
    assert!(!store.train_dictionary(few.iter(), &ME).expect("train"));
    let records = methods(packing::TRAINING_RECORDS);
    assert!(store.train_dictionary(records.iter(), &ME).expect("train"));
    let id = store.dictionary().expect("a dictionary");
    // A store keeps the one it has.
    assert!(!store.train_dictionary(records.iter(), &ME).expect("train"));
    let saved: Vec<Record> = store
        .write_batch(|w| records.into_iter().map(|r| w.save(r, &ME)).collect())
        .expect("save");
    store.sync().expect("sync");
    drop(store);
    // Reopened, the store packs with it still, and reads what was packed with
    // it and what was packed before it alike.
    let store = Store::open(dir.path()).expect("open");
    assert_eq!(store.dictionary(), Some(id));
    let r = store.read().expect("read");
    assert_eq!(r.get(&before.meta.id).expect("get"), Some(before.clone()));
    assert_eq!(
        r.get(&saved[9].meta.id).expect("get"),
        Some(saved[9].clone())
    );
    let later = store
        .write(|w| w.save(partner("Ecosol", ""), &ME))
        .expect("save");
    let txn = store.begin_read().expect("txn");
    let revisions = txn.open_table(REVISIONS).expect("revisions");
    let frame_dictionary = |record: &Record| {
        let key = (record.meta.id.as_str(), record.meta.revision);
        let value = revisions.get(key).expect("get").expect("revision");
        zstd::zstd_safe::get_dict_id_from_frame(value.value()).map(|d| d.get())
    };
    assert_eq!(frame_dictionary(&before), None);
    assert_eq!(frame_dictionary(&saved[9]), Some(id));
    assert_eq!(frame_dictionary(&later), Some(id));
}

#[test]
fn many_records_with_one_title_get_distinct_slugs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let method = || {
        Record::new(Body::Method(crate::model::Method {
            title: "Compte rendu".into(),
            ..crate::model::Method::default()
        }))
    };
    let mut slugs = std::collections::BTreeSet::new();
    for _ in 0..300 {
        let saved = store.write(|w| w.save(method(), &ME)).expect("save");
        assert!(
            slugs.insert(saved.meta.slug.clone()),
            "{} twice",
            saved.meta.slug
        );
    }
    assert!(slugs.contains("compte-rendu") && slugs.contains("compte-rendu-2"));
    // A freed slug is taken again, and a record keeps its own.
    let second = store
        .read()
        .expect("read")
        .id_by_slug(Kind::Method, "compte-rendu-2");
    let second = second.expect("lookup").expect("the second record");
    store.write(|w| w.delete(&second)).expect("delete");
    let again = store.write(|w| w.save(method(), &ME)).expect("save");
    assert_eq!(again.meta.slug, "compte-rendu-2");
    let kept = store.write(|w| w.save(again.clone(), &ME)).expect("save");
    assert_eq!(kept.meta.slug, "compte-rendu-2");
    // A transaction that did not commit leaves a number remembered for the
    // title that no slug holds: the next record still gets a free slug.
    let mut undone = String::new();
    let failed = store.write(|w| {
        undone = w.save(method(), &ME)?.meta.slug;
        Err::<(), _>(StoreError::Invalid(Vec::new()))
    });
    assert!(failed.is_err());
    let next = store.write(|w| w.save(method(), &ME)).expect("save");
    assert!(!slugs.contains(&next.meta.slug), "{} twice", next.meta.slug);
    assert!(next.meta.slug.starts_with("compte-rendu-") && !undone.is_empty());
}

#[test]
fn a_merge_keeps_only_the_names_chosen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let keep = store
        .write(|w| w.save(partner("Géographies Partagées", "GP"), &ME))
        .expect("save");
    let mut junk = partner("GéoPartagées (doublon)", "");
    if let Body::Partner(p) = &mut junk.body {
        p.aliases = vec!["Geo Partagees".into()];
    }
    let junk = store.write(|w| w.save(junk, &ME)).expect("save");
    let merged = store
        .write(|w| {
            w.merge_partner_keeping(&junk.meta.id, &keep.meta.id, &ME, &|n| n == "Geo Partagees")
        })
        .expect("merge");
    let Body::Partner(p) = &merged.body else {
        panic!("a partner");
    };
    assert_eq!(p.aliases, vec!["Geo Partagees".to_owned()]);
    let reader = store.read().expect("read");
    assert_eq!(
        reader
            .partner_by_name("GéoPartagées (doublon)")
            .expect("lookup"),
        None,
        "the name left out names nobody"
    );
    assert_eq!(
        reader.partner_by_name("Geo Partagees").expect("lookup"),
        Some(keep.meta.id.clone())
    );
}

#[test]
fn a_backup_keeps_discussions_followers_notifications_and_proposals() {
    let source = tempfile::tempdir().expect("tempdir");
    let store = Store::open(source.path()).expect("open");
    let id = store
        .write(|w| w.save(carto_commune(), &ME))
        .expect("save")
        .meta
        .id;
    store
        .write(|w| {
            w.add_comment(&id, "carl", "Première version")?;
            w.edit_comment(&id, 1, "Version corrigée")?;
            w.set_following(&id, "carl", true)?;
            w.notify(
                "carl",
                crate::store::discussion::Notification {
                    number: 0,
                    time: crate::model::now(),
                    what: "comment".into(),
                    record: id.clone(),
                    title: "Carto".into(),
                    by: "eve".into(),
                    text: String::new(),
                    read: false,
                },
            )
        })
        .expect("discussion");
    store
        .propose_link(&id, "p-1", "user", "cora")
        .expect("proposal");
    let mut snapshot = Vec::new();
    store.backup(&mut snapshot).expect("backup");
    let target = tempfile::tempdir().expect("tempdir");
    let restored = Store::open(target.path()).expect("open");
    restored.restore(&mut snapshot.as_slice()).expect("restore");
    assert_eq!(
        restored.link_proposals().expect("proposals"),
        store.link_proposals().expect("proposals"),
        "a proposal waiting for an editor is kept"
    );
    assert_eq!(
        restored.comments(&id).expect("comments"),
        store.comments(&id).expect("comments")
    );
    assert_eq!(
        restored.comments(&id).expect("comments")[0].versions.len(),
        2
    );
    assert_eq!(restored.followers(&id).expect("followers"), ["carl"]);
    assert_eq!(
        restored.notifications("carl").expect("notifications"),
        store.notifications("carl").expect("notifications")
    );
}

#[test]
fn deletions_are_remembered_until_the_record_comes_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let saved = store
        .write(|w| w.save(partner("Réseau Ritimo", "RITIMO"), &ME))
        .expect("save");
    let id = saved.meta.id.clone();
    store.write(|w| w.delete(&id)).expect("delete");
    let deletions = store.read().expect("read").deletions().expect("deletions");
    assert_eq!(deletions.len(), 1);
    assert_eq!(deletions[0].1.meta.id, id);
    assert_eq!(deletions[0].0.revision, saved.meta.revision);
    // Saved again under its id (restored, imported again), it is no longer
    // deleted; other new records do not touch the table.
    let mut back = saved.clone();
    back.meta.revision = 0;
    store
        .write(|w| {
            w.save(partner("Autre réseau", ""), &ME)?;
            w.save(back, &ME)
        })
        .expect("save again");
    assert!(
        store
            .read()
            .expect("read")
            .deletions()
            .expect("deletions")
            .is_empty()
    );
}

//! Nothing is lost: SIGKILL during writes, a damaged index, backups of a running
//! server, oversized and odd requests, a second process, a full disk.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::*;

/// Writes through the web form until the server stops answering; adds the
/// (url, unique word) of every write as soon as it is acknowledged.
fn write_until_refused(browser: &Browser, tag: &str, acknowledged: &Mutex<Vec<(String, String)>>) {
    for n in 0.. {
        let word = format!("{tag}x{n}");
        let title = format!("Fiche {word}");
        let body = form_body(&[
            ("title", title.as_str()),
            ("summary", "Écrite pendant un arrêt brutal."),
            ("lang", "fr"),
            ("intent", "publish"),
        ]);
        let result = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client")
            .post(format!("{}/new/action", browser.base))
            .header("cookie", browser.cookie().expect("logged in"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send();
        match result {
            Ok(r) if r.status() == 303 => acknowledged
                .lock()
                .expect("lock")
                .push((location(&r), word)),
            Ok(r) => panic!("write {word} answered {}", r.status()),
            Err(_) => break,
        }
    }
}

#[test]
fn twenty_sigkills_during_concurrent_writes_lose_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    add_team(dir.path());
    let mut server = Server::start(dir.path());
    let cookies: Vec<String> = ["eve", "ada", "eve"]
        .iter()
        .map(|name| {
            Browser::login(&server, name)
                .cookie()
                .expect("cookie")
                .to_owned()
        })
        .collect();
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut rng = fastrand::Rng::with_seed(7);
    for round in 0..20 {
        let before = acknowledged.lock().expect("lock").len();
        let writers: Vec<_> = cookies
            .iter()
            .enumerate()
            .map(|(w, cookie)| {
                let browser = Browser::with_cookie(&server, cookie);
                let acknowledged = acknowledged.clone();
                std::thread::spawn(move || {
                    write_until_refused(&browser, &format!("r{round}w{w}"), &acknowledged);
                })
            })
            .collect();
        // Kill at a random moment once writes are flowing (on a loaded machine
        // the first one can take a while), so that every round kills mid-write.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while acknowledged.lock().expect("lock").len() == before
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(rng.u64(0..300)));
        server.kill();
        for writer in writers {
            writer.join().expect("writer");
        }
        server = Server::start(dir.path());
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() >= 20,
        "only {} writes were acknowledged",
        acknowledged.len()
    );
    let mut lost = Vec::new();
    for (url, word) in &acknowledged {
        let page = server.get(url);
        let found = server.json(&format!("/api/v1/search?q={word}"))["total"].as_u64();
        if page.status() != 200 || found != Some(1) {
            lost.push(format!("{word}: page {}, {found:?} hit(s)", page.status()));
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
    drop(server);
    let check = savoirs(dir.path(), &["check"]);
    assert_success(&check);
}

#[test]
fn a_damaged_index_is_rebuilt_whole_at_start() {
    let dir = with_example();
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/demo.jsonl");
    assert_success(&savoirs(
        dir.path(),
        &["import", demo.to_str().expect("path")],
    ));
    let total = |server: &Server| {
        server.json("/api/v1/search?q=")["total"]
            .as_u64()
            .unwrap_or(0)
    };
    let server = Server::start(dir.path());
    let expected = total(&server);
    assert!(expected > 30);
    drop(server);

    // A segment file goes missing.
    let index = dir.path().join("index");
    let segment = std::fs::read_dir(&index)
        .expect("index dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .expect("a segment file");
    std::fs::remove_file(&segment).expect("remove segment");
    let server = Server::start(dir.path());
    assert_eq!(total(&server), expected);
    drop(server);

    // meta.json goes missing, and a writer lock is left behind.
    std::fs::remove_file(index.join("meta.json")).expect("remove meta");
    std::fs::write(index.join(".tantivy-writer.lock"), "").expect("lock file");
    let server = Server::start(dir.path());
    assert_eq!(total(&server), expected);
    assert!(server.json("/api/v1/search?q=appropriation")["total"].as_u64() >= Some(1));
    drop(server);
    assert_success(&savoirs(dir.path(), &["check"]));
}

#[test]
fn a_backup_taken_during_writes_restores_whole() {
    let dir = with_example();
    add_team(dir.path());
    let server = Server::start(dir.path());
    let ada = Browser::login(&server, "ada");
    assert_eq!(
        Browser::login(&server, "carl")
            .get("/admin/backup")
            .status(),
        403
    );
    let writer = {
        let browser = Browser::with_cookie(&server, ada.cookie().expect("cookie"));
        std::thread::spawn(move || {
            for n in 0..30 {
                let title = format!("Pendant la sauvegarde {n}");
                browser.post(
                    "/new/method",
                    &[
                        ("title", title.as_str()),
                        ("lang", "fr"),
                        ("intent", "publish"),
                    ],
                );
            }
        })
    };
    std::thread::sleep(Duration::from_millis(150));
    let response = ada.get("/admin/backup");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .contains("attachment")
    );
    let snapshot = response.text().expect("backup");
    writer.join().expect("writer");
    let header: serde_json::Value =
        serde_json::from_str(snapshot.lines().next().expect("header")).expect("json header");

    let file = dir.path().with_extension("backup.jsonl");
    std::fs::write(&file, &snapshot).expect("write backup");
    let restored = tempfile::tempdir().expect("tempdir");
    let output = savoirs(restored.path(), &["restore", file.to_str().expect("path")]);
    assert_success(&output);
    assert_success(&savoirs(restored.path(), &["check"]));
    // Backing up the restored store gives the same counts as the snapshot.
    let again = savoirs(restored.path(), &["backup"]);
    assert_success(&again);
    let again: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&again.stdout)
            .lines()
            .next()
            .expect("header"),
    )
    .expect("json");
    assert_eq!(again["records"], header["records"]);
    assert_eq!(again["revisions"], header["revisions"]);
    // Accounts came along.
    let server = Server::start(restored.path());
    Browser::login(&server, "ada");
    drop(server);
    // A restore refuses a directory that already holds records.
    let output = savoirs(restored.path(), &["restore", file.to_str().expect("path")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not empty"));
}

#[test]
fn oversized_and_odd_requests_get_clear_4xx_answers() {
    let dir = with_example();
    let server = Server::start(dir.path());
    let client = reqwest::blocking::Client::new();
    // A 50 MB body, announced: the answer comes from the headers alone, before
    // the body is read (a raw connection, so the test sees it even though the
    // server will not read the body).
    {
        use std::io::{Read, Write};
        let address = server.base.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        write!(
            stream,
            "POST /login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            50 * 1024 * 1024
        )
        .expect("headers");
        let _ = stream.write_all(&vec![b'a'; 64 * 1024]);
        let mut answer = vec![0; 4096];
        let n = stream.read(&mut answer).expect("an answer");
        let answer = String::from_utf8_lossy(&answer[..n]);
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    }
    let long = "participation+".repeat(800);
    let r = server.get(&format!("/api/v1/search?q={long}"));
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().expect("json");
    assert!(
        body["notice"]
            .as_str()
            .unwrap_or_default()
            .contains("tronquée"),
        "{body}"
    );
    for path in [
        "/action/%00%01",
        "/action/..%2F..%2Fetc%2Fpasswd",
        "/partner/n'existe-pas",
        "/concept/zzz/history",
        "/action/x/diff?from=1&to=2",
    ] {
        assert_eq!(server.get(path).status(), 404, "{path}");
    }
    assert_eq!(server.get("/api/v1/search?page=-1").status(), 400);
    let r = client
        .post(format!("{}/login", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=%ZZ&password")
        .send()
        .expect("send");
    assert!(r.status().is_client_error(), "{}", r.status());
}

#[test]
fn a_second_server_on_the_same_directory_is_refused_by_name() {
    let dir = with_example();
    let _first = Server::start(dir.path());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_savoirs"))
        .arg("--data")
        .arg(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .output()
        .expect("second server");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&dir.path().display().to_string()),
        "{stderr}"
    );
    assert!(
        stderr.contains("in use by another Savoirs process"),
        "{stderr}"
    );
    // Exporting while it runs points to the server's own exports.
    let export = savoirs(dir.path(), &["export"]);
    assert_eq!(export.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&export.stderr);
    assert!(stderr.contains("/export/records.jsonl"), "{stderr}");
}

/// A small tmpfs, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("tempdir");
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn a_full_disk_refuses_writes_with_503_keeps_reads_and_recovers() {
    let Some(disk) = SmallDisk::mount(24) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root and can mount a tmpfs"
        );
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let data = disk.dir.path().join("data");
    assert_success(&savoirs(
        &data,
        &["import", example().to_str().expect("path")],
    ));
    add_team(&data);
    let server = Server::start(&data);
    let eve = Browser::login(&server, "eve");
    let create = |title: &str| {
        eve.post(
            "/new/method",
            &[
                ("title", title),
                ("summary", &"mot ".repeat(2000)),
                ("lang", "fr"),
                ("intent", "publish"),
            ],
        )
    };
    assert_eq!(create("Avant").status(), 303);

    // Fill the disk.
    let filler = disk.dir.path().join("filler");
    let _ = std::process::Command::new("dd")
        .args(["if=/dev/zero", &format!("of={}", filler.display()), "bs=1M"])
        .stderr(std::process::Stdio::null())
        .status();
    let mut refused = None;
    for n in 0..200 {
        let r = create(&format!("Pendant {n}"));
        if r.status() != 303 {
            refused = Some(r);
            break;
        }
    }
    let refused = refused.expect("a write must fail once the disk is full");
    assert_eq!(refused.status(), 503);
    assert!(refused.text().unwrap_or_default().contains("espace disque"));
    assert_eq!(
        server.get("/api/v1/search?q=appropriation").status(),
        200,
        "reads keep working"
    );
    assert!(server.json("/api/v1/search?q=appropriation")["total"].as_u64() >= Some(1));

    // Space comes back, writes resume.
    std::fs::remove_file(&filler).expect("remove filler");
    let r = create("Après");
    assert_eq!(r.status(), 303);
    assert!(
        hit_titles(&server.json("/api/v1/search?q=apres+kind:method"))
            .contains(&"Après".to_owned())
    );
    drop(server);
    assert_success(&savoirs(&data, &["check"]));
}

#[test]
fn the_caches_take_the_memory_they_are_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Too little is refused by name, before anything is opened.
    for flag in ["--cache-mb=1", "--index-memory-mb=8"] {
        let output = savoirs(dir.path(), &[flag, "check"]);
        assert_eq!(output.status.code(), Some(2), "{flag}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let name = flag.split('=').next().unwrap_or(flag);
        assert!(stderr.contains(name), "{stderr}");
    }
    assert!(!dir.path().join("savoirs.redb").exists());
    // The least allowed is enough to import, index, check and serve.
    let small = ["--cache-mb", "4", "--index-memory-mb", "16"];
    let example = example();
    let import = [&small[..], &["import", example.to_str().expect("path")]].concat();
    assert_success(&savoirs(dir.path(), &import));
    assert_success(&savoirs(dir.path(), &[&small[..], &["check"]].concat()));
    let server = Server::start_with(dir.path(), &small);
    let found = server.json("/api/v1/search?q=forum");
    assert!(found["total"].as_u64().unwrap_or(0) > 0, "{found}");
}

#[test]
fn compacting_gives_space_back_and_keeps_everything() {
    let dir = with_example();
    let before = savoirs(dir.path(), &["export"]);
    assert_success(&before);
    let compacted = savoirs(dir.path(), &["compact"]);
    assert_success(&compacted);
    let said = String::from_utf8_lossy(&compacted.stdout);
    assert!(said.contains("compacted the store"), "{said}");
    assert_success(&savoirs(dir.path(), &["check"]));
    let after = savoirs(dir.path(), &["export"]);
    assert_eq!(
        before.stdout, after.stdout,
        "the same records, byte for byte"
    );
}

/// A bulk import file: methods with ids and without, naming partners by name and
/// the next method by its title (a link forward, completed at the end).
fn bulk_import_file(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let mut lines = String::new();
    for i in 0..n {
        let mut record = serde_json::json!({
            "kind": "method", "lang": "fr", "status": "published",
            "title": format!("Méthode numéro {i}"),
            "summary": format!("Animer le groupe {i} avec des cartes et un tableau partagé."),
            "body": "Préparer la salle, inviter les habitants, noter les propositions.",
            "partners": [{"name": format!("Association {}", i % 50), "role": "partner"}],
            "related": [format!("Méthode numéro {}", (i + 1) % n)],
        });
        if i % 3 != 0 {
            record["id"] = format!("bulk-{i}").into();
        }
        lines.push_str(&record.to_string());
        lines.push('\n');
    }
    let path = dir.join("bulk.jsonl");
    std::fs::write(&path, lines).expect("write the import file");
    path
}

/// An export with what differs between two imports of the same file taken away:
/// times, and the ids the store made up.
fn comparable_export(data: &std::path::Path) -> Vec<serde_json::Value> {
    let out = savoirs(data, &["export"]);
    assert_success(&out);
    let mut records: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("an exported line"))
        .collect();
    for r in &mut records {
        let obj = r.as_object_mut().expect("an object");
        for key in ["created", "updated", "revision"] {
            obj.remove(key);
        }
        let made_up = !obj["id"].as_str().unwrap_or("").starts_with("bulk-");
        if made_up {
            obj.remove("id");
        }
        for p in obj
            .get_mut("partners")
            .and_then(|p| p.as_array_mut())
            .into_iter()
            .flatten()
        {
            p.as_object_mut().expect("a partner").remove("id");
        }
        for rel in obj
            .get_mut("related")
            .and_then(|p| p.as_array_mut())
            .into_iter()
            .flatten()
        {
            if let Some(o) = rel.as_object_mut()
                && !o["id"].as_str().unwrap_or("").starts_with("bulk-")
            {
                o.remove("id");
            }
        }
    }
    records.sort_by_key(|r| {
        (
            r["kind"].to_string(),
            r["title"].to_string(),
            r["name"].to_string(),
        )
    });
    records
}

#[test]
fn a_bulk_import_killed_midway_is_completed_by_importing_again() {
    let files = tempfile::tempdir().expect("tempdir");
    let file = bulk_import_file(files.path(), 3_000);
    let file = file.to_str().expect("path");
    // The base as one uninterrupted import makes it, and how long that takes.
    let whole = tempfile::tempdir().expect("tempdir");
    let started = std::time::Instant::now();
    assert_success(&savoirs(whole.path(), &["import", file]));
    let took = started.elapsed();
    let expected = comparable_export(whole.path());
    assert_eq!(expected.len(), 3_050, "3 000 methods and 50 partners");

    // Killed halfway through, as long as the first import took. An import's
    // saving yields to the rest of the machine, here the other tests, so its
    // length varies: one that ended first is started again, killed sooner.
    let mut wait = took / 2;
    let killed = loop {
        let killed = tempfile::tempdir().expect("tempdir");
        let mut import = std::process::Command::new(env!("CARGO_BIN_EXE_savoirs"))
            .arg("--data")
            .arg(killed.path())
            .args(["import", file])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the import");
        std::thread::sleep(wait);
        if import.try_wait().expect("wait").is_none() {
            import.kill().expect("SIGKILL");
            import.wait().expect("reap");
            break killed;
        }
        assert!(
            wait > took / 8,
            "the import always ended before it could be killed"
        );
        wait /= 2;
    };

    // A restart brings the index level with what the store kept.
    Server::start(killed.path()).kill();
    let check = savoirs(killed.path(), &["check"]);
    assert_success(&check);
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(said.contains("an import did not finish"), "{said}");
    let partial = comparable_export(killed.path()).len();
    assert!(partial < expected.len(), "{partial} records after the kill");

    let again = savoirs(killed.path(), &["import", file]);
    assert_success(&again);
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("an earlier import did not finish"), "{said}");
    assert!(said.contains("imported 3000 record(s)"), "{said}");
    let check = savoirs(killed.path(), &["check"]);
    assert_success(&check);
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(!said.contains("did not finish"), "{said}");
    assert_eq!(comparable_export(killed.path()), expected);
    // And a third import of the same file changes nothing.
    assert_success(&savoirs(killed.path(), &["import", file]));
    assert_eq!(comparable_export(killed.path()), expected);
}

//! Durability: data survives SIGKILL and restarts; the index heals itself; one
//! process per data directory.

use crate::support::*;

#[test]
fn records_survive_sigkill_and_stay_searchable() {
    let dir = with_example();
    let server = Server::start(dir.path());
    assert_eq!(server.json("/api/v1/search?q=appropriation")["total"], 1);
    server.kill();

    let server = Server::start(dir.path());
    let r = server.json("/api/v1/search?q=intelligence+collective");
    assert!(hit_titles(&r)[0].starts_with("Accompagner des partenaires"));
    let status = server.terminate();
    assert!(
        status.success(),
        "SIGTERM ends the server cleanly: {status:?}"
    );
    assert_success(&savoirs(dir.path(), &["check"]));
}

#[test]
fn a_lost_index_is_rebuilt_from_the_store_at_start() {
    let dir = with_example();
    std::fs::remove_dir_all(dir.path().join("index")).expect("remove index");
    let server = Server::start(dir.path());
    assert_eq!(server.json("/api/v1/search?q=appropriation")["total"], 1);
    drop(server);

    std::fs::write(dir.path().join("index/meta.json"), "garbage").expect("damage");
    let server = Server::start(dir.path());
    assert_eq!(server.json("/api/v1/search?q=appropriation")["total"], 1);
}

#[test]
fn reindex_and_check_report_on_the_index() {
    let dir = with_example();
    let output = savoirs(dir.path(), &["reindex"]);
    assert_success(&output);
    assert!(String::from_utf8_lossy(&output.stderr).contains("reindexed 5 record(s)"));
    let output = savoirs(dir.path(), &["check"]);
    assert_success(&output);
    assert!(String::from_utf8_lossy(&output.stdout).contains("ok: 5 record(s)"));
}

#[test]
fn a_second_process_is_told_who_holds_the_directory() {
    let dir = with_example();
    let _server = Server::start(dir.path());
    let output = savoirs(dir.path(), &["export"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("in use by another Savoirs process"),
        "{stderr}"
    );
    assert!(stderr.contains("pid "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

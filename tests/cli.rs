//! Black-box tests of the `steward` binary: output, exit codes and the store on disk.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("tempdir") }
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("steward.db")
    }
    /// `steward --db <tmp> ARGS...` with a fixed clock and no inherited store settings.
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_steward"));
        c.env_remove("STEWARD_DB")
            .env("STEWARD_NOW", "2026-11-01T09:00:00Z")
            .env("XDG_DATA_HOME", self.dir.path().join("xdg"))
            .arg("--db")
            .arg(self.db())
            .args(args);
        c
    }
    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).assert().success().get_output().stdout.clone();
        String::from_utf8(out).expect("utf-8")
    }
    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON")
    }
    fn id(&self, args: &[&str]) -> String {
        let out = self.ok(args);
        let id = out.trim().to_string();
        assert!(id.parse::<i64>().is_ok(), "expected an id, got {out:?}");
        id
    }
}

#[test]
fn new_collaboration_shows_in_json_list() {
    let env = Env::new();
    env.id(&["collab", "new", "--title", "X"]);
    let list = env.json(&["collab", "list", "--json"]);
    let items = list.as_array().expect("array");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["title"], "X");
    assert_eq!(items[0]["status"], "planning");
    assert_eq!(items[0]["created_at"], "2026-11-01T09:00:00Z");
    // --json may stand before the verb too.
    assert_eq!(env.json(&["--json", "collab", "list"]), list);
}

#[test]
fn full_flow_with_parties_people_and_roles() {
    let env = Env::new();
    let c = env.id(&["collab", "new", "--title", "Quantum sensors", "--start", "2027-01-01", "--end", "2029-12-31"]);
    let a =
        env.id(&["party", "add", "--name", "The University of Northmoor", "--country", "gb", "--kind", "university"]);
    let b = env.id(&["party", "add", "--name", "Ferrant Cryogenics GmbH", "--country", "DE", "--kind", "company"]);
    env.ok(&["collab", "add-party", &c, "--party", &a, "--role", "lead"]);
    env.ok(&["collab", "add-party", &c, "--party", &b, "--role", "partner"]);
    env.id(&[
        "person",
        "add",
        "--name",
        "Helen Achterberg",
        "--email",
        "h@northmoor.ac.uk",
        "--party",
        &a,
        "--orcid",
        "0000-0002-1825-0097",
    ]);

    let show = env.json(&["collab", "show", &c, "--json"]);
    assert_eq!(show["title"], "Quantum sensors");
    assert_eq!(show["members"][0]["role"], "lead");
    assert_eq!(show["members"][0]["party"]["country"], "GB");
    assert_eq!(show["members"][1]["party"]["legal_name"], "Ferrant Cryogenics GmbH");
    assert_eq!(show["people"][0]["orcid"], "0000-0002-1825-0097");

    let text = env.ok(&["collab", "show", &c]);
    assert!(text.contains("lead") && text.contains("The University of Northmoor (GB"), "{text}");
    assert!(text.contains("Helen Achterberg <h@northmoor.ac.uk>"), "{text}");

    let list = env.ok(&["collab", "list"]);
    assert!(list.starts_with("ID  STATUS"), "{list}");
    assert!(list.contains("DE,GB") && list.contains("Quantum sensors"), "{list}");

    let parties = env.json(&["party", "list", "--json"]);
    assert_eq!(parties.as_array().map(Vec::len), Some(2));
    let people = env.json(&["person", "list", "--collab", &c, "--json"]);
    assert_eq!(people[0]["name"], "Helen Achterberg");

    env.ok(&["collab", "set-role", &c, "--party", &b, "--role", "funder"]);
    assert_eq!(env.json(&["collab", "show", &c, "--json"])["members"][1]["role"], "funder");
    env.ok(&["collab", "edit", &c, "--status", "active", "--summary", "Thin films"]);
    let shown = env.json(&["collab", "show", &c, "--json"]);
    assert_eq!(shown["status"], "active");
    assert_eq!(shown["summary"], "Thin films");
}

#[test]
fn invalid_input_names_every_field_and_exits_3() {
    let env = Env::new();
    env.cmd(&["collab", "new", "--title", "X", "--start", "2027-05-01", "--end", "2027-04-30", "--status", "done"])
        .assert()
        .code(3)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("end_date: 2027-04-30 is before the start date 2027-05-01"))
        .stderr(predicate::str::contains("status: 'done' is not one of: planning, active, closed"));

    env.cmd(&["party", "add", "--name", "Acme", "--country", "UK"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("country: 'UK' is not an ISO 3166-1 alpha-2 country code"));

    let p = env.id(&["party", "add", "--name", "Acme", "--country", "GB"]);
    env.cmd(&[
        "person",
        "add",
        "--name",
        "A",
        "--email",
        "not-an-email",
        "--party",
        &p,
        "--orcid",
        "0000-0002-1825-0098",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains("email: 'not-an-email' is not an e-mail address"))
    .stderr(predicate::str::contains("orcid: '0000-0002-1825-0098' has a wrong check digit"));

    // Nothing half-done was stored.
    assert_eq!(env.json(&["collab", "list", "--json"]), Value::Array(vec![]));
    assert_eq!(env.json(&["person", "list", "--json"]), Value::Array(vec![]));
}

#[test]
fn json_errors_are_json_on_stderr() {
    let env = Env::new();
    let out =
        env.cmd(&["--json", "party", "add", "--name", "", "--country", "ZZ"]).assert().code(3).get_output().clone();
    assert!(out.stdout.is_empty());
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(err["error"]["kind"], "invalid");
    let fields: Vec<&str> =
        err["error"]["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
    assert_eq!(fields, ["legal_name", "country"]);
}

#[test]
fn not_found_and_conflicts_have_their_own_exit_codes() {
    let env = Env::new();
    env.cmd(&["collab", "show", "42"]).assert().code(4).stderr(predicate::str::contains("collaboration 42 not found"));
    let c = env.id(&["collab", "new", "--title", "X"]);
    let p = env.id(&["party", "add", "--name", "Acme Ltd", "--country", "GB"]);
    env.cmd(&["party", "add", "--name", "acme ltd", "--country", "GB"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("already exists"));
    env.ok(&["collab", "add-party", &c, "--party", &p]);
    env.cmd(&["collab", "add-party", &c, "--party", &p]).assert().code(5);
    env.cmd(&["party", "remove", &p]).assert().code(5).stderr(predicate::str::contains("archive it instead"));
    env.ok(&["party", "archive", &p]);
    assert_eq!(env.json(&["party", "list", "--json"]), Value::Array(vec![]));
    assert_eq!(env.json(&["party", "list", "--all", "--json"])[0]["archived"], true);
    env.cmd(&["collab", "new"]).assert().code(2).stderr(predicate::str::contains("--title"));
}

fn sqlite(path: &Path, sql: &str) {
    rusqlite::Connection::open(path).expect("open").execute_batch(sql).expect("sql");
}

#[test]
fn newer_database_is_refused_and_left_byte_for_byte_unchanged() {
    let env = Env::new();
    env.id(&["collab", "new", "--title", "Precious"]);
    // Checkpoint and leave rollback mode so the main file holds everything, then mark it newer.
    sqlite(&env.db(), "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE; PRAGMA user_version = 999;");
    let before = std::fs::read(env.db()).expect("read");
    let files_before = std::fs::read_dir(env.dir.path()).expect("ls").count();

    for args in [&["collab", "list"][..], &["collab", "new", "--title", "Y"], &["init"]] {
        env.cmd(args)
            .assert()
            .code(6)
            .stderr(predicate::str::contains("schema version 999"))
            .stderr(predicate::str::contains(format!("up to {}", steward_core::SCHEMA_VERSION)))
            .stderr(predicate::str::contains("left untouched"));
    }
    assert_eq!(std::fs::read(env.db()).expect("read"), before, "the file changed");
    assert_eq!(std::fs::read_dir(env.dir.path()).expect("ls").count(), files_before, "new files appeared beside it");
}

#[test]
fn a_file_that_is_not_a_store_is_refused_untouched() {
    let env = Env::new();
    std::fs::write(env.db(), "name,amount\nx,1\n").expect("write");
    env.cmd(&["collab", "list"]).assert().code(6).stderr(predicate::str::contains("not a SQLite database"));
    assert_eq!(std::fs::read_to_string(env.db()).expect("read"), "name,amount\nx,1\n");
}

#[test]
fn default_location_and_environment_override() {
    let env = Env::new();
    let xdg = env.dir.path().join("xdg");
    let mut c = Command::new(env!("CARGO_BIN_EXE_steward"));
    c.env_remove("STEWARD_DB").env("XDG_DATA_HOME", &xdg).args(["--json", "init"]);
    let out: Value = serde_json::from_slice(&c.assert().success().get_output().stdout).expect("json");
    let expected = xdg.join("steward").join("steward.db");
    assert_eq!(out["path"], expected.to_string_lossy().as_ref());
    assert_eq!(out["schema_version"], steward_core::SCHEMA_VERSION);
    assert!(expected.exists());

    let other = env.dir.path().join("nested").join("other.db");
    let mut c = Command::new(env!("CARGO_BIN_EXE_steward"));
    c.env("STEWARD_DB", &other).env("XDG_DATA_HOME", &xdg).args(["collab", "new", "--title", "Elsewhere"]);
    c.assert().success();
    assert!(other.exists(), "STEWARD_DB chose the store");
}

#[test]
fn demo_creates_a_realistic_collaboration_once() {
    let env = Env::new();
    env.ok(&["demo"]);
    let again = env.json(&["demo", "--json"]);
    assert_eq!(again["created"], false);
    let list = env.json(&["collab", "list", "--json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["countries"], serde_json::json!(["DE", "GB", "JP"]));
}

#[test]
fn archive_and_restore_collaborations() {
    let env = Env::new();
    let c = env.id(&["collab", "new", "--title", "Old work"]);
    env.ok(&["collab", "archive", &c]);
    assert_eq!(env.json(&["collab", "list", "--json"]), Value::Array(vec![]));
    assert!(env.ok(&["collab", "list", "--all"]).contains("(archived)"));
    let p = env.id(&["party", "add", "--name", "Acme", "--country", "GB"]);
    env.cmd(&["collab", "add-party", &c, "--party", &p]).assert().code(5).stderr(predicate::str::contains("archived"));
    env.ok(&["collab", "restore", &c]);
    assert_eq!(env.json(&["collab", "list", "--json"]).as_array().map(Vec::len), Some(1));
}

/// The `steward` binary is built without the desktop shell's toolkit: no package it depends on
/// (normal or build dependencies) is tauri or one of its crates.
#[test]
fn the_cli_does_not_depend_on_tauri() {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["tree", "-p", "steward-cli", "-e", "normal,build", "--prefix", "none", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.contains("steward-core"), "the tree was read: {tree}");
    let tauri: Vec<&str> = tree.lines().filter(|l| l.starts_with("tauri") || l.starts_with("wry ")).collect();
    assert!(tauri.is_empty(), "steward-cli depends on {tauri:?}");
}

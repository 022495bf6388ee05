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

    env.cmd(&["party", "add", "--name", "Acme", "--country", "Atlantis"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("country: 'Atlantis' is not a country Steward knows"));

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
    let first = env.json(&["demo", "--json"]);
    let again = env.json(&["demo", "--json"]);
    assert_eq!(again["created"], false);
    let list = env.json(&["collab", "list", "--json"]);
    // The quantum-sensing collaboration, a second one whose due diligence is not complete, and
    // (with a credential store to sign its log) a finished one in exit.
    let signed = first["decision_log_note"].is_null();
    assert_eq!(list.as_array().map(Vec::len), Some(if signed { 3 } else { 2 }), "{first}");
    let countries: Vec<&serde_json::Value> = list.as_array().into_iter().flatten().map(|c| &c["countries"]).collect();
    assert!(countries.contains(&&serde_json::json!(["DE", "GB", "JP"])), "{countries:?}");
    assert!(countries.contains(&&serde_json::json!(["GB", "SG"])), "{countries:?}");
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

#[test]
fn demo_drafts_every_kind_and_each_renders_completely() {
    let env = Env::new();
    let demo = env.json(&["--json", "demo"]);
    let ids: Vec<String> = demo["agreement_ids"].as_array().expect("ids").iter().map(|v| v.to_string()).collect();
    assert_eq!(ids.len(), 4);
    let list = env.json(&["agreement", "list", "--collab", "1", "--json"]);
    let kinds: Vec<&str> = list.as_array().expect("list").iter().filter_map(|a| a["kind"].as_str()).collect();
    assert_eq!(kinds, ["nda-mutual", "nda-one-way", "publication", "collaboration"]);
    for id in &ids {
        let text = env.ok(&["agreement", "render", id]);
        assert!(text.contains("AGREED TERMS") && text.contains("SIGNATURES"), "{text}");
        assert!(text.contains("THE UNIVERSITY OF NORTHMOOR"), "party names filled");
        assert!(text.contains("2.1 "), "numbered sub-clauses");
        assert!(!text.contains("{{"), "no template markup left");
        let html = env.ok(&["agreement", "render", id, "--format", "html"]);
        assert!(html.starts_with("<!doctype html>") && html.contains("<section id=\"common.governing-law\""), "html");
    }
    let model: Value = env.json(&["agreement", "render", &ids[3], "--json"]);
    assert!(model["sections"].as_array().expect("sections").len() > 25);
    let out = env.dir.path().join("collab.html");
    env.ok(&["agreement", "render", &ids[3], "--format", "html", "--out", out.to_str().expect("utf-8")]);
    assert!(std::fs::read_to_string(&out).expect("written").contains("Schedule 3"));
}

#[test]
fn a_draft_with_missing_values_names_every_one_and_stores_nothing() {
    let env = Env::new();
    env.ok(&["demo"]);
    let out = env
        .cmd(&["agreement", "new", "--collab", "1", "--kind", "nda-mutual", "--set", "bogus=1"])
        .assert()
        .code(3)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    for name in ["effective_date", "disclosure_purpose", "bogus"] {
        assert!(err.contains(&format!("  {name}: ")), "{name} in {err}");
    }
    assert!(err.contains("(clause nda.purpose)"), "each names its clause: {err}");
    assert_eq!(
        env.json(&["agreement", "list", "--collab", "1", "--json"]).as_array().map(Vec::len),
        Some(4),
        "nothing stored"
    );
    env.cmd(&["agreement", "new", "--collab", "1", "--kind", "lease"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("'lease' is not an agreement kind"));
    env.cmd(&["agreement", "new", "--collab", "1", "--kind", "nda-mutual", "--set", "novalue"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("--set novalue: must be NAME=VALUE"));
}

#[test]
fn variables_files_are_read_and_bad_ones_named() {
    let env = Env::new();
    env.ok(&["demo"]);
    let vars = env.dir.path().join("vars.json");
    std::fs::write(&vars, r#"{"effective_date": "2027-01-15", "disclosure_purpose": "the assessment of a cryostat design", "confidentiality_period": "3 years", "@fallbacks": {"nda.obligations": "strict-care"}}"#).expect("write");
    let id =
        env.id(&["agreement", "new", "--collab", "1", "--kind", "nda-mutual", "--vars", vars.to_str().expect("utf-8")]);
    let text = env.ok(&["agreement", "render", &id]);
    assert!(
        text.contains("dated 15 January 2027")
            && text.contains("three (3) years")
            && text.contains("the assessment of a cryostat design"),
        "{text}"
    );
    let shown = env.json(&["agreement", "show", &id, "--json"]);
    assert_eq!(shown["fallbacks"]["nda.obligations"], "strict-care");

    std::fs::write(&vars, "{\n  \"effective_date\": \"2027-01-15\",\n  oops\n}").expect("write");
    env.cmd(&["agreement", "new", "--collab", "1", "--kind", "nda-mutual", "--vars", vars.to_str().expect("utf-8")])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("vars.json:3:3: not valid JSON"));
    std::fs::write(&vars, "[1, 2]").expect("write");
    env.cmd(&["agreement", "new", "--collab", "1", "--kind", "nda-mutual", "--vars", vars.to_str().expect("utf-8")])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("must hold a JSON object"));
    std::fs::write(&vars, r#"{"effective_date": 20270115, "disclosure_purpose": ["a"]}"#).expect("write");
    env.cmd(&["agreement", "new", "--collab", "1", "--kind", "nda-mutual", "--vars", vars.to_str().expect("utf-8")])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("effective_date: '20270115' is not a date"))
        .stderr(predicate::str::contains("disclosure_purpose: expected a text value, got a list"));
    env.cmd(&["agreement", "new", "--collab", "1", "--kind", "nda-mutual", "--vars", "/nonexistent/vars.json"])
        .assert()
        .code(7)
        .stderr(predicate::str::contains("cannot read /nonexistent/vars.json"));
}

#[test]
fn changing_a_clause_leaves_drafts_alone_until_they_are_upgraded() {
    let env = Env::new();
    env.ok(&["demo"]);
    let before = env.ok(&["agreement", "render", "1"]);
    let lib = env.dir.path().join("lib");
    std::fs::create_dir_all(&lib).expect("dir");
    let original =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../templates/clauses/nda/purpose.hbs"))
            .expect("read");
    std::fs::write(
        lib.join("purpose.hbs"),
        original.replace("Confidential Information may be", "Confidential Information can be"),
    )
    .expect("write");
    let lib = lib.to_str().expect("utf-8");
    env.cmd(&["template", "check", lib]).assert().success().stdout(predicate::str::contains("no problems"));
    env.cmd(&["template", "import", lib])
        .assert()
        .success()
        .stdout(predicate::str::contains("clause nda.purpose v2 added as draft"));
    // A draft version is not used: new agreements and existing ones are unchanged.
    env.cmd(&["agreement", "upgrade", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("already uses the newest"));
    env.ok(&["clause", "approve", "nda.purpose", "--note", "plainer"]);
    assert_eq!(env.ok(&["agreement", "render", "1"]), before, "an approved change does not touch a pinned draft");
    env.cmd(&["agreement", "upgrade", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("nda.purpose: v1 -> v2"));
    let diff = env.ok(&["agreement", "diff", "1", "--from", "1", "--to", "2"]);
    assert!(diff.contains("Purpose (nda.purpose) [changed]") && diff.contains("[-may-]{+can+}"), "{diff}");
    let json = env.json(&["agreement", "diff", "1", "--from", "1", "--to", "2", "--json"]);
    let changed: Vec<&str> = json["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter(|c| c["change"] != "unchanged")
        .filter_map(|c| c["clause_id"].as_str())
        .collect();
    assert_eq!(changed, ["nda.purpose"]);
    assert_eq!(env.ok(&["agreement", "render", "1", "--revision", "1"]), before, "revision 1 renders as it always did");
    let shown = env.json(&["template", "show", "nda.purpose", "--json"]);
    assert_eq!(shown["current"], 2);
    assert_eq!(shown["reviews"][1]["note"], "plainer");
    env.cmd(&["clause", "approve", "nda.purpose"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("no draft version"));
    env.ok(&["clause", "deprecate", "nda.purpose", "--version", "1"]);
    // The only approved version of a clause the NDA kinds need cannot go.
    env.cmd(&["clause", "deprecate", "nda.purpose", "--version", "2", "--note", "going"]).assert().code(5).stderr(
        predicate::str::contains("only approved version of \u{201c}Purpose\u{201d}")
            .and(predicate::str::contains("Mutual")),
    );
    // A deprecated version comes back as a new review entry, with a reason.
    env.cmd(&["clause", "reinstate", "nda.purpose"]).assert().code(3).stderr(predicate::str::contains("say why"));
    assert!(
        env.ok(&["clause", "reinstate", "nda.purpose", "--note", "the plainer wording confused partners"])
            .contains("nda.purpose v1 is approved again")
    );
    env.cmd(&["clause", "reinstate", "nda.purpose", "--version", "2", "--note", "x"]).assert().code(5);
    let shown = env.json(&["template", "show", "nda.purpose", "--version", "1", "--json"]);
    let reviews: Vec<&str> =
        shown["reviews"].as_array().expect("reviews").iter().filter_map(|r| r["to_status"].as_str()).collect();
    assert_eq!(reviews, ["approved", "deprecated", "approved"], "{shown}");
    env.ok(&["clause", "deprecate", "nda.purpose", "--version", "2", "--note", "v1 is back"]);
}

#[test]
fn template_check_reports_every_problem_with_file_and_line() {
    let env = Env::new();
    let lib = env.dir.path().join("bad");
    std::fs::create_dir_all(&lib).expect("dir");
    std::fs::write(lib.join("a.hbs"), "+++\nid = \"x.a\"\ntitle = \"A\"\nkinds = [\"nda-mutual\"]\n[[variables]]\nname = \"when\"\ntype = \"date\"\nlabel = \"When\"\n+++\n1. On {{when}}.\n").expect("write");
    std::fs::write(lib.join("b.hbs"), "no front matter\n").expect("write");
    let out = env.cmd(&["template", "check", lib.to_str().expect("utf-8")]).assert().code(3).get_output().clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a.hbs:10: {{when}} prints a date raw: write {{date when}}"), "{err}");
    assert!(err.contains("b.hbs:1: a clause file must start with a line '+++'"), "{err}");
    env.cmd(&["template", "import", lib.to_str().expect("utf-8")]).assert().code(3);
    let list = env.json(&["template", "list", "--json"]);
    assert!(list.as_array().expect("list").iter().all(|t| t["id"] != "x.a"), "nothing imported");
}

#[test]
fn agreement_set_makes_a_new_revision() {
    let env = Env::new();
    env.ok(&["demo"]);
    env.ok(&["agreement", "set", "1", "--set", "confidentiality_period=7 years", "--note", "partner asked"]);
    let diff = env.ok(&["agreement", "diff", "1", "--from", "1", "--to", "2"]);
    assert!(diff.contains("{+seven+}") || diff.contains("seven (7) years"), "{diff}");
    let shown = env.json(&["agreement", "show", "1", "--json"]);
    assert_eq!(shown["revisions"].as_array().map(Vec::len), Some(2));
    assert_eq!(shown["values"]["confidentiality_period"], "7 years");
    env.cmd(&["agreement", "set", "1", "--set", "confidentiality_period=eternity"]).assert().code(3);
    assert_eq!(
        env.json(&["agreement", "show", "1", "--json"])["revisions"].as_array().map(Vec::len),
        Some(2),
        "a bad change saves nothing"
    );
}

#[test]
fn a_declared_version_must_be_the_one_the_content_gets() {
    let env = Env::new();
    env.ok(&["init"]);
    let lib = env.dir.path().join("lib");
    std::fs::create_dir_all(&lib).expect("dir");
    let original =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../templates/clauses/nda/remedies.hbs"))
            .expect("read");
    let changed = original.replacen("+++\n", "+++\nversion = 5\n", 1).replacen("1. ", "1. In short: ", 1);
    std::fs::write(lib.join("remedies.hbs"), &changed).expect("write");
    let lib_s = lib.to_str().expect("utf-8");
    env.cmd(&["template", "import", lib_s]).assert().code(3).stderr(predicate::str::contains(
        "declares version 5 of nda.remedies, but its content is new and would be version 2",
    ));
    std::fs::write(lib.join("remedies.hbs"), changed.replace("version = 5", "version = 2")).expect("write");
    env.cmd(&["template", "import", lib_s])
        .assert()
        .success()
        .stdout(predicate::str::contains("clause nda.remedies v2 added as draft"));
}

/// Signing needs the OS credential store (a Secret Service on a session bus). The README's test
/// command provides one and sets STEWARD_REQUIRE_KEYRING; elsewhere these tests say so and stop.
fn keyring() -> bool {
    let there = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
    if !there && std::env::var_os("STEWARD_REQUIRE_KEYRING").is_some() {
        panic!("STEWARD_REQUIRE_KEYRING is set but there is no session bus");
    }
    if !there {
        eprintln!("no session bus: signing tests need a Secret Service (run scripts/test.sh)");
    }
    there
}

fn tool(cmd: &str, args: &[&str]) -> Option<std::process::Output> {
    match std::process::Command::new(cmd).args(args).output() {
        Ok(o) => Some(o),
        Err(_) if std::env::var_os("STEWARD_REQUIRE_TOOLS").is_none() => None,
        Err(e) => panic!("{cmd} is required: {e}"),
    }
}

fn text(o: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn export_sign_countersign_verify_and_tamper() {
    if !keyring() {
        return;
    }
    let env = Env::new();
    env.ok(&["demo"]);
    let p = |n: &str| env.dir.path().join(n).to_string_lossy().into_owned();
    // Unsigned export: draft mark, embedded draft, fonts embedded, text extractable; no signature.
    env.ok(&["agreement", "export", "1", "--out", &p("draft.pdf")]);
    env.cmd(&["verify", &p("draft.pdf")]).assert().code(9).stdout(predicate::str::contains("no signatures"));
    if let Some(o) = tool("pdfdetach", &["-list", &p("draft.pdf")]) {
        assert!(text(&o).contains("steward-draft.json"), "{}", text(&o));
    }
    if let Some(o) = tool("pdffonts", &[&p("draft.pdf")]) {
        let t = text(&o);
        let rows: Vec<&str> = t.lines().skip(2).collect();
        assert!(
            !rows.is_empty() && rows.iter().all(|r| r.split_whitespace().rev().nth(4) == Some("yes")),
            "every font embedded:\n{t}"
        );
    }
    if let Some(o) = tool("pdftotext", &[&p("draft.pdf"), "-"]) {
        let t = text(&o);
        assert!(
            t.contains("MUTUAL CONFIDENTIALITY AGREEMENT")
                && t.contains("Kaminokawa Tech")
                && t.contains("Draft · revision 1"),
            "{t}"
        );
    }

    let a = env.id(&[
        "identity",
        "new",
        "--name",
        "Samuel Okafor",
        "--email",
        "s@northmoor.ac.uk",
        "--org",
        "The University of Northmoor",
    ]);
    let b = env.id(&[
        "identity",
        "new",
        "--name",
        "Aiko Tanabe",
        "--email",
        "a@kaminokawa-tech.ac.jp",
        "--org",
        "Kaminokawa Institute of Science and Technology",
        "--key",
        "rsa3072",
    ]);
    // The demo made its signatories' identities (marked demo); these two are ours.
    let list: Vec<Value> = env
        .json(&["identity", "list", "--json"])
        .as_array()
        .expect("identities")
        .iter()
        .filter(|i| i["origin"] != "demo")
        .cloned()
        .collect();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["key_kind"], "rsa3072");
    assert!(list[0]["fingerprint"].as_str().is_some_and(|f| f.len() == 95));

    env.ok(&["agreement", "export", "1", "--out", &p("signed.pdf"), "--sign", &a]);
    env.ok(&["sign", &p("signed.pdf"), "--identity", &b, "--out", &p("both.pdf")]);
    let report = env.json(&["verify", &p("both.pdf"), "--json"]);
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["signatures"][0]["signer"], "Samuel Okafor");
    assert_eq!(report["signatures"][1]["signer"], "Aiko Tanabe");
    assert_eq!(report["signatures"][0]["modified_after_signing"], Value::Array(vec![]));
    assert_eq!(report["signatures"][0]["draft_matches"], true);
    let original = std::fs::read(p("signed.pdf")).expect("read");
    assert!(
        std::fs::read(p("both.pdf")).expect("read").starts_with(&original),
        "the countersignature is an incremental update"
    );
    if let Some(o) = tool("pdfsig", &[&p("both.pdf")]) {
        assert_eq!(text(&o).matches("Signature is Valid.").count(), 2, "{}", text(&o));
    }
    if let Some(o) = tool("qpdf", &["--check", &p("both.pdf")]) {
        assert!(o.status.success(), "{}", text(&o));
    }

    // One changed byte inside the signed range.
    let mut bytes = std::fs::read(p("both.pdf")).expect("read");
    let at = bytes.len() / 4;
    bytes[at] ^= 0x20;
    std::fs::write(p("flipped.pdf"), &bytes).expect("write");
    env.cmd(&["verify", &p("flipped.pdf")]).assert().code(9).stdout(predicate::str::contains("DIGEST MISMATCH"));
    if let Some(o) = tool("pdfsig", &[&p("flipped.pdf")]) {
        assert!(!text(&o).contains("Signature is Valid."), "{}", text(&o));
    }

    // The incremental-saving attack: a later revision replaces page 1, adding no signature.
    let signed = std::fs::read(p("signed.pdf")).expect("read");
    let mut inc =
        lopdf::IncrementalDocument::create_from(signed.clone(), lopdf::Document::load_mem(&signed).expect("load"));
    let page = *inc.get_prev_documents().get_pages().get(&1).expect("page 1");
    let content =
        inc.new_document.add_object(lopdf::Stream::new(lopdf::Dictionary::new(), b"BT 100 700 Td ET".to_vec()));
    inc.opt_clone_object_to_new_document(page).expect("clone");
    inc.new_document.get_object_mut(page).and_then(lopdf::Object::as_dict_mut).expect("page").set("Contents", content);
    let mut attacked = Vec::new();
    inc.save_to(&mut attacked).expect("save");
    std::fs::write(p("attacked.pdf"), &attacked).expect("write");
    env.cmd(&["verify", &p("attacked.pdf")])
        .assert()
        .code(9)
        .stdout(predicate::str::contains("MODIFIED AFTER SIGNING:"))
        .stdout(predicate::str::contains("page 1 /Contents"));
    if let Some(o) = tool("pdfsig", &[&p("attacked.pdf")]) {
        assert!(text(&o).contains("Signature is Valid."), "pdfsig alone is fooled: {}", text(&o));
    }
    // Steward refuses to countersign a file whose signatures no longer hold.
    env.cmd(&["sign", &p("attacked.pdf"), "--identity", &b, "--out", &p("x.pdf")]).assert().code(9);

    // Truncated and foreign files: clear errors.
    std::fs::write(p("truncated.pdf"), &attacked[..attacked.len() / 2]).expect("write");
    env.cmd(&["verify", &p("truncated.pdf")]).assert().failure();
    std::fs::write(p("notes.pdf"), "just some text").expect("write");
    env.cmd(&["verify", &p("notes.pdf")]).assert().code(3).stderr(predicate::str::contains("not a PDF"));
}

#[test]
fn an_institutional_pkcs12_is_imported_with_its_password_from_stdin() {
    if !keyring() {
        return;
    }
    let env = Env::new();
    let key = steward_sign::SecretKey::generate(steward_sign::KeyKind::P256).expect("key");
    let who = steward_sign::Subject {
        name: "Research Contracts Office".into(),
        email: "contracts@northmoor.ac.uk".into(),
        organisation: Some("The University of Northmoor".into()),
    };
    let cert = steward_sign::keys::self_signed_certificate(
        &key,
        &who,
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("d"),
        3,
    )
    .expect("cert");
    let p12 = env.dir.path().join("office.p12");
    std::fs::write(&p12, steward_sign::keys::write_pkcs12(&key, &cert, "correct horse").expect("p12")).expect("write");
    let p12 = p12.to_str().expect("utf-8");
    env.cmd(&["identity", "import", p12, "--password-stdin"])
        .write_stdin("wrong\n")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("password"));
    let id = env
        .cmd(&["identity", "import", p12, "--password-stdin", "--json"])
        .write_stdin("correct horse\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let id: Value = serde_json::from_slice(&id).expect("json");
    assert_eq!(id["name"], "Research Contracts Office");
    assert_eq!(id["origin"], "imported");
}

#[test]
fn demo_out_writes_a_signed_pdf_of_every_kind() {
    if !keyring() {
        return;
    }
    let env = Env::new();
    let out = env.dir.path().join("demo-pdfs");
    let r = env.json(&["demo", "--out", out.to_str().expect("utf-8"), "--json"]);
    let files: Vec<String> =
        r["files"].as_array().expect("files").iter().filter_map(|f| f.as_str().map(str::to_string)).collect();
    assert_eq!(files.len(), 4);
    for f in &files {
        let report = env.json(&["verify", f, "--json"]);
        assert_eq!(report["ok"], true, "{f}: {report}");
        assert!(report["signatures"].as_array().is_some_and(|s| s.len() >= 2), "{f}: every party signed");
        if let Some(o) = tool("pdfsig", &[f]) {
            let t = text(&o);
            assert_eq!(
                t.matches("Signature is Valid.").count(),
                report["signatures"].as_array().map_or(0, Vec::len),
                "{t}"
            );
        }
        if let Some(o) = tool("qpdf", &["--check", f]) {
            assert!(o.status.success(), "{}", text(&o));
        }
    }
    let ids = env.json(&["identity", "list", "--json"]);
    assert!(ids.as_array().expect("ids").iter().all(|i| i["origin"] == "demo"));
    // Signed once, too; and every signature is one of this store's identities.
    let first = ids[0]["id"].as_i64().expect("id").to_string();
    let once = out.join("once.pdf");
    env.ok(&["agreement", "export", "1", "--out", once.to_str().expect("utf-8"), "--sign", &first]);
    let report = env.json(&["verify", once.to_str().expect("utf-8"), "--json"]);
    assert_eq!((report["ok"].as_bool(), report["signatures"].as_array().map(Vec::len)), (Some(true), Some(1)));
    assert_eq!(report["signatures"][0]["known"]["kind"], "identity", "{report}");
    // pyHanko, with its difference analysis, accepts every one of them.
    if let Some(python) = pyhanko() {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pyhanko_check.py");
        let o = std::process::Command::new(python).arg(script).arg(&out).output().expect("pyHanko");
        assert!(o.status.success(), "{}", text(&o));
        let lines: Vec<Value> =
            String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
        assert_eq!(lines.len(), 5);
        for l in &lines {
            assert_eq!(l["accepted"], true, "pyHanko: {l}");
        }
    }
}

/// The python with pyHanko: `STEWARD_PYHANKO`, or the test script's virtual environment.
fn pyhanko() -> Option<std::path::PathBuf> {
    let p = std::env::var_os("STEWARD_PYHANKO").map(std::path::PathBuf::from).unwrap_or_else(|| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/pyhanko-venv/bin/python")
    });
    if p.exists() {
        return Some(p);
    }
    assert!(std::env::var_os("STEWARD_REQUIRE_TOOLS").is_none(), "pyHanko is required (scripts/test.sh installs it)");
    None
}

#[test]
fn ledger_entries_rates_reports_csv_and_binding() {
    let env = Env::new();
    env.ok(&["demo"]);
    let id = env.id(&[
        "ledger",
        "add",
        "--collab",
        "1",
        "--party",
        "Northmoor",
        "--category",
        "staff_time",
        "--currency",
        "GBP",
        "--hours",
        "12.5",
        "--rate",
        "40",
        "--date",
        "2027-05-02",
        "--description",
        "Technician time",
    ]);
    let list = env.json(&["ledger", "list", "--collab", "1", "--json"]);
    let added = list
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["id"].as_i64() == id.parse::<i64>().ok())
        .expect("added")
        .clone();
    assert_eq!((added["amount"].as_str(), added["measure"].as_str()), (Some("500.00"), Some("hours")));
    // A report in one currency: every party's total and share, shares summing to 100.00.
    let r = env.json(&["ledger", "report", "--collab", "1", "--currency", "GBP", "--json"]);
    let shares: Vec<u64> = r["parties"]
        .as_array()
        .expect("parties")
        .iter()
        .map(|p| p["share_basis_points"].as_u64().expect("bp"))
        .collect();
    assert_eq!(shares.iter().sum::<u64>(), 10_000, "{r}");
    assert!(r["parties"][0]["share"].as_str().is_some_and(|s| s.contains('.')));
    assert!(r["parties"][0]["total"].is_string());
    // A currency with no rates: the report names what it lacks and exits 3.
    env.cmd(&["ledger", "report", "--collab", "1", "--currency", "CHF"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("rate EUR→CHF").and(predicate::str::contains("steward rate add")));
    env.id(&[
        "rate",
        "add",
        "--from",
        "GBP",
        "--to",
        "CHF",
        "--rate",
        "1.12",
        "--date",
        "2026-12-01",
        "--source",
        "test",
    ]);
    env.cmd(&[
        "rate",
        "add",
        "--from",
        "GBP",
        "--to",
        "CHF",
        "--rate",
        "1.13",
        "--date",
        "2026-12-01",
        "--source",
        "x",
    ])
    .assert()
    .code(5);
    env.cmd(&["rate", "add", "--from", "GBP", "--to", "CHF", "--rate", "-1", "--date", "2026-13-01", "--source", ""])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("rate")
                .and(predicate::str::contains("date"))
                .and(predicate::str::contains("source")),
        );
    // CSV: every bad row named with its line, nothing imported.
    let bad = env.dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "date,party,category,amount,currency,description\n2027-05-01,Ferrant,cash,10,EUR,ok\n2027-05-01,Ferrant,cash,-10,EUR,neg\n2027-05-01,Ferrant,gift,10,EUR,cat\n",
    )
    .expect("write");
    let before = env.json(&["ledger", "list", "--collab", "1", "--json"]).as_array().map(Vec::len);
    env.cmd(&["ledger", "import", "--collab", "1", bad.to_str().expect("utf-8")])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("line 3: amount").and(predicate::str::contains("line 4: category")));
    assert_eq!(env.json(&["ledger", "list", "--collab", "1", "--json"]).as_array().map(Vec::len), before);
    // Export, then import the export into a new collaboration with the same parties.
    let out = env.dir.path().join("ledger.csv");
    env.ok(&["ledger", "export", "--collab", "1", "--out", out.to_str().expect("utf-8")]);
    let c2 = env.id(&["collab", "new", "--title", "Copy"]);
    for p in ["1", "2", "3"] {
        env.ok(&["collab", "add-party", &c2, "--party", p, "--role", "partner"]);
    }
    let done = env.json(&["ledger", "import", "--collab", &c2, out.to_str().expect("utf-8"), "--json"]);
    assert_eq!(done["reversals"], 1);
    // Binding copies the shares into the collaboration agreement, with the date.
    let saved =
        env.json(&["ledger", "bind", "--agreement", "4", "--as-of", "2027-04-30", "--currency", "GBP", "--json"]);
    assert_eq!(saved["revision"], 2);
    let text = env.ok(&["agreement", "render", "4"]);
    assert!(text.contains("as of 2027-04-30"), "the note carries the date");
}

#[test]
fn decision_log_is_signed_verified_exported_and_tampering_is_named() {
    if !keyring() {
        return;
    }
    let env = Env::new();
    env.ok(&["demo"]);
    let demo_log = env.json(&["decision", "list", "--collab", "1", "--json"]);
    // Five decisions, the three Trusted Research approvals, and the running records: two risks
    // raised by the answers and their treatment, four more risks, an obligation done, and the
    // publication's notice, consent and objection.
    assert_eq!(demo_log.as_array().map(Vec::len), Some(19), "the demo has a signed log");
    env.ok(&["decision", "verify", "--collab", "1"]);
    let who = env.id(&["identity", "new", "--name", "Rita Law", "--email", "rita@northmoor.ac.uk"]);
    let c = env.id(&["collab", "new", "--title", "Logged"]);
    env.ok(&["collab", "add-party", &c, "--party", "1", "--role", "lead"]);
    for (i, title) in ["Kick-off plan", "Data management plan", "Budget moved to year 2"].iter().enumerate() {
        let n = env.ok(&[
            "decision",
            "add",
            "--collab",
            &c,
            "--title",
            title,
            "--decision",
            "Agreed as circulated.",
            "--rationale",
            "Everyone agreed.",
            "--participant",
            "Rita Law",
            "--participant",
            "Helen Achterberg",
            "--link",
            "party:1",
            "--identity",
            &who,
        ]);
        assert_eq!(n.trim(), (i + 1).to_string());
    }
    env.cmd(&["decision", "add", "--collab", &c, "--title", "x", "--link", "agreement:99", "--identity", &who])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("link"));
    let v = env.json(&["decision", "verify", "--collab", &c, "--json"]);
    assert_eq!((v["intact"].as_bool(), v["entries"].as_u64()), (Some(true), Some(3)));
    let log = env.dir.path().join("log.json");
    env.ok(&["decision", "export", "--collab", &c, "--out", log.to_str().expect("utf-8")]);
    // The export verifies without any database.
    Command::new(env!("CARGO_BIN_EXE_steward"))
        .args(["decision", "verify", "--file", log.to_str().expect("utf-8")])
        .env("STEWARD_DB", env.dir.path().join("nowhere.db"))
        .assert()
        .success();
    assert!(!env.dir.path().join("nowhere.db").exists(), "verifying a file opens no store");
    // Edit one row's text with the sqlite3 shell, after dropping the triggers.
    let sql = format!(
        "DROP TRIGGER decision_no_update; UPDATE decision SET rationale = 'Nobody agreed.' WHERE collaboration_id = {c} AND seq = 2;"
    );
    let edited = match tool("sqlite3", &[env.db().to_str().expect("utf-8"), &sql]) {
        Some(o) => {
            assert!(o.status.success(), "{}", text(&o));
            true
        }
        None => {
            sqlite(&env.db(), &sql);
            false
        }
    };
    let _ = edited;
    env.cmd(&["decision", "verify", "--collab", &c])
        .assert()
        .code(9)
        .stdout(predicate::str::contains("entry 2").and(predicate::str::contains("content changed")));
    let v: Value = serde_json::from_slice(
        &env.cmd(&["decision", "verify", "--collab", &c, "--json"]).assert().code(9).get_output().stdout.clone(),
    )
    .expect("json");
    assert_eq!(
        (v["first_break"]["entry"].as_u64(), v["first_break"]["kind"].as_str()),
        (Some(2), Some("content_changed"))
    );
}

/// Two partners, each with its own store and identity, exchange signed drafts of a mutual NDA.
#[test]
fn partners_exchange_signed_drafts_and_decide_each_change() {
    if !keyring() {
        return;
    }
    let (a, b) = (Env::new(), Env::new());
    let pa = |n: &str| a.dir.path().join(n).to_string_lossy().into_owned();
    let pb = |n: &str| b.dir.path().join(n).to_string_lossy().into_owned();
    a.ok(&["demo"]);
    let ida = a.id(&[
        "identity",
        "new",
        "--name",
        "Samuel Okafor",
        "--email",
        "s@northmoor.ac.uk",
        "--org",
        "The University of Northmoor",
    ]);
    a.ok(&["agreement", "export", "1", "--out", &pa("a1.pdf"), "--sign", &ida]);
    let a_before = std::fs::read(a.db()).expect("store A");

    // B imports A's NDA: a new agreement in a new collaboration with the parties it names. B's
    // store already knows another party, so its party ids differ from A's.
    b.ok(&["init"]);
    b.id(&["party", "add", "--name", "Institut Dupont", "--country", "FR", "--kind", "research_institute"]);
    let imported = b.json(&["exchange", "import", &pa("a1.pdf"), "--json"]);
    assert_eq!(imported["created_agreement"], true, "{imported}");
    assert_eq!(imported["signed"], true);
    assert!(imported["signers"][0].as_str().expect("signer").contains("Samuel Okafor"));
    let agreement = imported["agreement_id"].to_string();
    let parties = b.json(&["collab", "show", &imported["collaboration_id"].to_string(), "--json"]);
    assert_eq!(parties["members"].as_array().map(Vec::len), Some(2), "{parties}");
    assert_eq!(
        b.ok(&["agreement", "render", &agreement, "--format", "text"]),
        a.ok(&["agreement", "render", "1", "--format", "text"]),
        "B's copy reads exactly as A's"
    );

    // B changes two values and one clause's text (its own version of the remedies clause).
    b.ok(&[
        "agreement",
        "set",
        &agreement,
        "--set",
        "confidentiality_period=7 years",
        "--set",
        "disclosure_period=3 years",
    ]);
    let lib = b.dir.path().join("lib");
    std::fs::create_dir_all(&lib).expect("dir");
    let remedies =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../templates/clauses/nda/remedies.hbs"))
            .expect("read");
    std::fs::write(
        lib.join("remedies.hbs"),
        remedies.replacen("1. ", "1. Subject to good-faith consultation first, ", 1),
    )
    .expect("write");
    b.ok(&["template", "import", lib.to_str().expect("utf-8")]);
    b.ok(&["clause", "approve", "nda.remedies", "--note", "our counsel's wording"]);
    b.ok(&["agreement", "upgrade", &agreement]);
    let idb = b.id(&[
        "identity",
        "new",
        "--name",
        "Aiko Tanabe",
        "--email",
        "a@kaminokawa-tech.ac.jp",
        "--org",
        "Kaminokawa Institute of Science and Technology",
    ]);
    b.ok(&["agreement", "export", &agreement, "--out", &pb("b1.pdf"), "--sign", &idb]);

    // A imports B's answer and sees exactly those three changes, the clause text as non-standard.
    let back = a.json(&["exchange", "import", &pb("b1.pdf"), "--json"]);
    assert_eq!(back["created_agreement"], false, "matched to A's agreement by its uid");
    assert_eq!(back["agreement_id"], 1);
    let ids: Vec<&str> =
        back["changes"].as_array().expect("changes").iter().map(|c| c["id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["clause:nda.remedies", "value:confidentiality_period", "value:disclosure_period"], "{back}");
    let clause = &back["changes"][0];
    assert_eq!(clause["non_standard"], true);
    assert_eq!(back["new_versions"], serde_json::json!(["nda.remedies v2"]));
    let received = back["id"].to_string();
    let shown = a.ok(&["exchange", "show", &received]);
    assert!(shown.contains("[NON-STANDARD"), "{shown}");
    assert!(shown.contains("Subject to good-faith consultation first"), "word-level redline: {shown}");
    let html = a.ok(&["exchange", "show", &received, "--format", "html"]);
    assert!(html.contains("<ins"), "{html}");

    // Accept one, reject two; the decision is logged with the file's SHA-256.
    let mut undecided =
        a.cmd(&["exchange", "decide", &received, "--accept", "value:confidentiality_period", "--identity", &ida]);
    undecided.assert().code(3).stderr(predicate::str::contains("neither accepted nor rejected"));
    let d = a.json(&[
        "exchange",
        "decide",
        &received,
        "--accept",
        "value:confidentiality_period",
        "--reject",
        "value:disclosure_period",
        "--reject",
        "clause:nda.remedies",
        "--identity",
        &ida,
        "--json",
    ]);
    assert_eq!(d["revision"], 2);
    let values = a.json(&["agreement", "show", "1", "--json"]);
    assert_eq!(values["values"]["confidentiality_period"], "7 years");
    assert_eq!(values["values"]["disclosure_period"], "2 years", "rejected: ours stays");
    let log = a.json(&["decision", "list", "--collab", "1", "--json"]);
    let last = log.as_array().and_then(|l| l.last()).expect("an entry");
    let sha = back["file_sha256"].as_str().expect("sha");
    assert!(last["rationale"].as_str().expect("rationale").contains(sha), "{last}");
    a.ok(&["decision", "verify", "--collab", "1"]);
    a.cmd(&["exchange", "decide", &received, "--accept", "all", "--identity", &ida]).assert().code(5);

    // A rejected two changes, so it does not countersign B's file: it signs its revised draft.
    a.cmd(&["exchange", "countersign", &received, "--identity", &ida, "--out", &pa("no.pdf")])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("were rejected"));
    a.ok(&["agreement", "export", "1", "--out", &pa("a2.pdf"), "--sign", &ida]);
    assert_eq!(a.json(&["verify", &pa("a2.pdf"), "--json"])["ok"], true);
    if let Some(o) = tool("pdfsig", &[&pa("a2.pdf")]) {
        assert!(text(&o).contains("Signature Validation: Signature is Valid."), "{}", text(&o));
    }

    // B takes A's revision as it is (accepting both of A's changes back) and countersigns A's
    // file as received: both signatures stay valid.
    let round = b.json(&["exchange", "import", &pa("a2.pdf"), "--json"]);
    let ids: Vec<&str> =
        round["changes"].as_array().expect("changes").iter().map(|c| c["id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["clause:nda.remedies", "value:disclosure_period"], "{round}");
    assert_eq!(round["changes"][0]["non_standard"], false, "A's text is B's shipped text too");
    let r2 = round["id"].to_string();
    b.cmd(&["exchange", "countersign", &r2, "--identity", &idb, "--out", &pb("x.pdf")]).assert().code(5);
    b.ok(&["exchange", "decide", &r2, "--accept", "all", "--identity", &idb]);
    b.ok(&["exchange", "countersign", &r2, "--identity", &idb, "--out", &pb("a2-countersigned.pdf")]);
    let v = b.json(&["verify", &pb("a2-countersigned.pdf"), "--json"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["signatures"].as_array().map(Vec::len), Some(2));
    if let Some(o) = tool("pdfsig", &[&pb("a2-countersigned.pdf")]) {
        let t = text(&o);
        assert_eq!(t.matches("Signature Validation: Signature is Valid.").count(), 2, "{t}");
    }
    assert_eq!(
        b.ok(&["agreement", "render", &agreement, "--format", "text"]),
        a.ok(&["agreement", "render", "1", "--format", "text"]),
        "both sides now hold the same text"
    );

    // Bad files are refused with reasons and change neither store.
    let a_now = std::fs::read(a.db()).expect("store A");
    let b_now = std::fs::read(b.db()).expect("store B");
    let signed = std::fs::read(pb("b1.pdf")).expect("pdf");
    let mut tampered = signed.clone();
    let at = tampered.len() / 3;
    tampered[at] ^= 0x01;
    std::fs::write(pa("tampered.pdf"), &tampered).expect("write");
    std::fs::write(pa("truncated.pdf"), &signed[..signed.len() / 2]).expect("write");
    let mut resaved = signed.clone();
    resaved.extend_from_slice(b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    std::fs::write(pa("resaved.pdf"), &resaved).expect("write");
    std::fs::write(pa("foreign.pdf"), b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n").expect("write");
    a.ok(&["agreement", "export", "1", "--out", &pa("unsigned.pdf")]);
    for (store, file, reason) in [
        (&b, "tampered.pdf", "not valid"),
        (&b, "truncated.pdf", "truncated"),
        (&b, "resaved.pdf", "damaged"),
        (&b, "foreign.pdf", "damaged"),
        (&b, "unsigned.pdf", "no signature"),
        (&a, "tampered.pdf", "not valid"),
        (&a, "resaved.pdf", "damaged"),
        (&a, "foreign.pdf", "damaged"),
    ] {
        let out = store.cmd(&["exchange", "import", &pa(file)]).assert().failure().get_output().clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(reason) && err.len() > 20, "{file}: {err}");
        eprintln!("{file}: {}", err.trim());
    }
    assert_eq!(std::fs::read(a.db()).expect("A"), a_now, "A untouched");
    assert_eq!(std::fs::read(b.db()).expect("B"), b_now, "B untouched");
    assert_ne!(a_before, a_now);
    // An unsigned draft is importable only when asked for, and says so.
    let u = b.json(&["exchange", "import", &pa("unsigned.pdf"), "--unsigned", "--json"]);
    assert_eq!(u["signed"], false);
    assert!(b.ok(&["exchange", "list"]).contains("UNSIGNED"));
}

#[test]
fn due_diligence_rates_screens_and_gates_signing() {
    let env = Env::new();
    env.ok(&["demo"]);
    let questions = env.json(&["diligence", "questions", "--json"]);
    assert!(questions["questionnaire"]["questions"].as_array().is_some_and(|q| q.len() >= 20));
    assert_eq!(questions["version"]["hash"].as_str().map(str::len), Some(64));

    let shown = env.json(&["diligence", "show", "--collab", "1", "--json"]);
    assert_eq!(shown["rating"]["band"], "high");
    assert!(shown["rating"]["clauses"]["collab.export-control"].is_array());
    assert!(shown["rating"]["clauses"]["collab.tr-audit"].is_array());
    let text = env.ok(&["diligence", "show", "--collab", "1"]);
    assert!(text.contains("Rating: HIGH") && text.contains("work.annex_i = 3A001"), "{text}");

    // Bad answers: every one named, exit 3.
    env.cmd(&[
        "diligence",
        "answer",
        "--collab",
        "1",
        "--set",
        "work.annex_i=3Z9",
        "--set",
        "work.military_list=perhaps",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains("work.annex_i: '3Z9' is not an Annex I classification"))
    .stderr(predicate::str::contains("work.military_list: 'perhaps' is not yes or no"));
    env.cmd(&["diligence", "answer", "--collab", "1", "--set", "partner.country=JP"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("is asked per partner: give --party"));

    // A list in the real UK layout, written here, with a partner's name in another order and accents.
    let list = env.dir.path().join("ConList.csv");
    std::fs::write(
        &list,
        "Last Updated,28/11/2026\nName 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Country,Group Type,Alias Type,Regime,Listed On,Group ID\n\
         Technology Institute of Kaminokawa Science,,,,,,,Japan,Entity,Primary name,Test regime,01/11/2026,9001\n",
    )
    .expect("write list");
    let imported = env.json(&["screening", "import", list.to_str().expect("path"), "--json"]);
    assert_eq!(imported[0]["format"], "uk_consolidated_csv");
    assert_eq!(imported[0]["published"], "2026-11-28");
    assert_eq!(env.json(&["screening", "lists", "--json"]).as_array().map(Vec::len), Some(2));
    let screened = env.json(&["screening", "check", "--collab", "1", "--json"]);
    let matches = screened["matches"].as_array().expect("matches");
    let hit =
        matches.iter().find(|m| m["reference"] == "9001").expect("the partner is caught under another word order");
    assert_eq!(hit["party_name"], "Kaminokawa Institute of Science and Technology");
    let id = hit["id"].to_string();
    env.cmd(&["screening", "clear", &id, "--reason", " "]).assert().code(3);
    env.ok(&["screening", "clear", &id, "--reason", "Different registration number (7010005003271)"]);
    env.cmd(&["screening", "clear", &id, "--reason", "again"]).assert().code(5);

    // A bad list file is refused whole, with its line.
    let bad = env.dir.path().join("bad.csv");
    std::fs::write(&bad, "name,aliases,country,list,reference\nAcme,,Atlantis,L,1\n").expect("write");
    env.cmd(&["screening", "import", bad.to_str().expect("path")])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("bad.csv:2: country 'Atlantis'"));

    if !keyring() {
        return;
    }
    // The blocked demo collaboration: its NDA is not signed, naming the missing approval (exit 11).
    let out = env.dir.path().join("nda.pdf");
    env.cmd(&["agreement", "export", "5", "--out", out.to_str().expect("path"), "--sign", "1"])
        .assert()
        .code(11)
        .stderr(predicate::str::contains("approval by Export control"));
    assert!(!out.exists(), "nothing written");
    // The list imported above makes every screening due again.
    env.ok(&["screening", "check", "--collab", "2"]);
    let approved = env.json(&[
        "diligence",
        "approve",
        "--collab",
        "2",
        "--role",
        "export_control",
        "--identity",
        "1",
        "--note",
        "No licence needed",
        "--json",
    ]);
    assert_eq!(approved["role"], "export_control");
    env.ok(&["agreement", "export", "5", "--out", out.to_str().expect("path"), "--sign", "1"]);
    // Collaboration 1 was screened again (the cleared matches stay cleared) and signs; then an
    // answer changes: its approvals are stale until given again.
    let pdf = env.dir.path().join("collab.pdf");
    env.ok(&["agreement", "export", "4", "--out", pdf.to_str().expect("path"), "--sign", "1"]);
    env.ok(&["diligence", "answer", "--collab", "1", "--set", "work.us_origin=yes", "--note", "US-origin cryocooler"]);
    env.cmd(&["agreement", "export", "4", "--out", pdf.to_str().expect("path"), "--sign", "1"])
        .assert()
        .code(11)
        .stderr(predicate::str::contains("the answers changed since it was given"));
}

/// Reads an .ics file with Python's `icalendar` package (in the test script's virtual environment).
fn ics_events(path: &Path) -> Option<Vec<Value>> {
    let py = pyhanko()?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/ics_check.py");
    let o = std::process::Command::new(py).arg(script).arg(path).output().expect("python runs");
    assert!(o.status.success(), "icalendar refused {}: {}", path.display(), text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["version"], "2.0");
    Some(v["events"].as_array().expect("events").clone())
}

#[test]
fn running_a_collaboration_risks_obligations_publications_calendar_and_health() {
    if !keyring() {
        return;
    }
    let env = Env::new();
    env.ok(&["demo"]);
    let p = |name: &str| env.dir.path().join(name);
    let s = |p: &PathBuf| p.to_str().expect("path").to_string();

    // The register: five risks, one high treated to amber, and its heat map.
    let reg = env.json(&["risk", "list", "--collab", "1", "--json"]);
    let risks = reg["risks"].as_array().expect("risks");
    assert_eq!(risks.len(), 5);
    assert!(risks.iter().any(|r| r["inherent_score"] == 20 && r["band"] == "amber"));
    assert_eq!(reg["heat_map"]["inherent"][3][4], 1, "likelihood 4, impact 5");
    // Bad scores and strangers are refused, naming the field; nothing is stored.
    let base = [
        "risk",
        "add",
        "--collab",
        "1",
        "--title",
        "Cryogen supply",
        "--category",
        "operational",
        "--cause",
        "One supplier",
        "--event",
        "Helium delivery fails",
        "--consequence",
        "Runs cancelled",
        "--owner",
        "Jonas Weidlich",
        "--next-review",
        "2027-02-01",
        "--identity",
        "1",
    ];
    let mut bad = base.to_vec();
    bad.extend(["--inherent", "7,2", "--owner-party", "Acme"]);
    env.cmd(&bad).assert().code(3).stderr(predicate::str::contains("'Acme' is not a party of collaboration 1"));
    let mut bad = base.to_vec();
    bad.extend(["--inherent", "7,2"]);
    env.cmd(&bad).assert().code(3).stderr(
        predicate::str::contains("inherent.likelihood").and(predicate::str::contains("7 is not between 1 and 5")),
    );
    let mut good = base.to_vec();
    good.extend(["--inherent", "4,4", "--owner-party", "Ferrant", "--visibility", "shared", "--json"]);
    let added = env.json(&good);
    assert_eq!((added["label"].as_str(), added["band"].as_str()), (Some("R6"), Some("red")));
    let moved = env.json(&[
        "risk",
        "update",
        "R6",
        "--collab",
        "1",
        "--residual",
        "2,3",
        "--treatment",
        "reduce_likelihood",
        "--status",
        "treating",
        "--action",
        "Second supplier under contract|Jonas Weidlich|2027-01-15",
        "--note",
        "framework agreement",
        "--identity",
        "1",
        "--json",
    ]);
    assert_eq!((moved["version"].as_i64(), moved["band"].as_str()), (Some(2), Some("amber")));
    let hist = env.json(&["risk", "history", "R6", "--collab", "1", "--json"]);
    let hist = hist.as_array().expect("versions");
    assert_eq!(hist.len(), 2);
    assert!(hist.iter().all(|v| v["decision_seq"].is_i64()), "both versions are log entries");
    assert!(hist[1]["changes"][0].as_str().is_some_and(|c| c.starts_with("residual score none → 6")), "{hist:?}");
    let log = env.json(&["decision", "list", "--collab", "1", "--json"]);
    assert!(log.as_array().expect("log").iter().any(|d| d["title"] == "Risk R6 updated: Cryogen supply"));
    // Exports: CSV of everything, the shared view without internal risks, JSON; the PDF register.
    let all_csv = env.ok(&["risk", "export", "--collab", "1"]);
    let shared_csv = env.ok(&["risk", "export", "--collab", "1", "--shared"]);
    assert!(all_csv.starts_with("id,version,title,category"));
    assert!(shared_csv.lines().count() < all_csv.lines().count());
    assert!(!shared_csv.contains(",internal,"));
    let rows = env.json(&["risk", "export", "--collab", "1", "--format", "json", "--shared"]);
    assert!(rows.as_array().expect("rows").iter().all(|r| r["visibility"] == "shared"));
    let pdf = p("register.pdf");
    env.ok(&["risk", "report", "--collab", "1", "--out", &s(&pdf)]);
    if let Some(o) = tool("qpdf", &["--check", &s(&pdf)]) {
        assert!(o.status.success(), "qpdf: {}", text(&o));
    }
    if let Some(o) = tool("pdftotext", &[&s(&pdf), "-"]) {
        let t = text(&o);
        assert!(t.contains("Inherent (before treatment)") && t.contains("R6: CRYOGEN SUPPLY"), "{t}");
    }

    // Obligations: the demo's one overdue and those due soon; filters; bad input.
    let overdue = env.json(&["obligation", "list", "--collab", "1", "--overdue", "--json"]);
    assert_eq!(overdue.as_array().map(Vec::len), Some(1));
    let soon = env.json(&["obligation", "list", "--due-within", "30d", "--json"]);
    assert!(soon.as_array().expect("list").len() >= 3);
    env.cmd(&["obligation", "list", "--due-within", "30x"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("'x' in '30x'"));
    env.cmd(&["obligation", "add", "--collab", "1", "--title", "Early", "--due", "2026-06-01", "--agreement", "1"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("before agreement 1 takes effect (2026-12-01)"));
    env.cmd(&["obligation", "add", "--collab", "1", "--title", "X", "--due", "2027-06-01", "--party", "Acme"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("'Acme' is not a party"));
    let id = env.id(&[
        "obligation",
        "add",
        "--collab",
        "1",
        "--title",
        "Annual report to the funder",
        "--due",
        "2027-03-31",
        "--kind",
        "reporting",
        "--party",
        "Northmoor",
    ]);
    let ics = p("first.ics");
    env.ok(&["calendar", "export", "--collab", "1", "--out", &s(&ics)]);
    let evidence = p("report.pdf");
    std::fs::write(&evidence, b"the report as sent").expect("write");
    let done = env.json(&[
        "obligation",
        "done",
        &id,
        "--note",
        "sent to the funder",
        "--evidence",
        &s(&evidence),
        "--identity",
        "1",
        "--json",
    ]);
    assert_eq!(done["status"], "done");
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"the report as sent"));
    assert_eq!(done["evidence_sha256"].as_str(), Some(sha.as_str()));
    env.cmd(&["obligation", "waive", &id, "--reason", "x", "--identity", "1"]).assert().code(5);

    // Changing the NDA's confidentiality period moves its derived obligation.
    let conf = |env: &Env| {
        env.json(&["obligation", "list", "--collab", "1", "--json"])
            .as_array()
            .expect("list")
            .iter()
            .find(|o| o["key"] == "agreement:1/nda.term/confidentiality-end")
            .cloned()
            .expect("derived")
    };
    let before = conf(&env);
    assert_eq!(before["due_date"], "2033-12-01");
    env.ok(&["agreement", "set", "1", "--set", "confidentiality_period=3 years"]);
    let after = conf(&env);
    assert_eq!((after["id"].clone(), after["due_date"].as_str()), (before["id"].clone(), Some("2031-12-01")));
    assert_eq!(after["sequence"].as_i64(), before["sequence"].as_i64().map(|n| n + 1));

    // The calendar: an independent parser reads every item; UIDs stay, SEQUENCE rises on change.
    let second = p("second.ics");
    let out = env.json(&["calendar", "export", "--collab", "1", "--out", &s(&second), "--json"]);
    let open = env.json(&["obligation", "list", "--collab", "1", "--json"]);
    if let (Some(a), Some(b)) = (ics_events(&ics), ics_events(&second)) {
        assert_eq!(out["events"].as_u64(), Some(b.len() as u64));
        let uids = |v: &[Value]| {
            v.iter()
                .map(|e| e["uid"].as_str().unwrap_or_default().to_string())
                .collect::<std::collections::BTreeSet<_>>()
        };
        assert!(uids(&a).is_subset(&uids(&b)), "every earlier event is still there, under its UID");
        for o in open.as_array().expect("open") {
            let uid = format!("obligation-{}-", o["id"]);
            assert!(
                b.iter().any(|e| e["uid"].as_str().is_some_and(|u| u.starts_with(&uid))
                    && e["status"] == "CONFIRMED"
                    && e["alarm"].is_string()),
                "{uid}"
            );
        }
        let find = |v: &[Value], id: &Value| {
            v.iter()
                .find(|e| e["uid"].as_str().is_some_and(|u| u.starts_with(&format!("obligation-{id}-"))))
                .cloned()
                .expect("event")
        };
        let (x, y) = (find(&a, &before["id"]), find(&b, &before["id"]));
        assert_eq!((x["date"].as_str(), y["date"].as_str()), (Some("2033-12-01"), Some("2031-12-01")));
        assert!(y["sequence"].as_i64() > x["sequence"].as_i64());
        assert!(y["description"].as_str().is_some_and(|d| d.contains("Clause: nda.term")));
        let (x, y) = (
            find(&a, &Value::from(id.parse::<i64>().expect("id"))),
            find(&b, &Value::from(id.parse::<i64>().expect("id"))),
        );
        assert_eq!((x["status"].as_str(), y["status"].as_str()), (Some("CONFIRMED"), Some("CANCELLED")));
    }

    // A publication from notice to release: the window is the agreement's 60 days.
    let ms = p("manuscript.pdf");
    std::fs::write(&ms, b"%PDF-1.7 a manuscript").expect("write");
    let n = env.json(&[
        "publication",
        "notify",
        "--collab",
        "1",
        "--title",
        "Kinetic inductance of NbTiN",
        "--file",
        &s(&ms),
        "--venue",
        "APL",
        "--identity",
        "1",
        "--json",
    ]);
    assert_eq!((n["notice_date"].as_str(), n["review_deadline"].as_str()), (Some("2026-11-01"), Some("2026-12-31")));
    let pid = n["id"].to_string();
    env.cmd(&["publication", "release", &pid, "--identity", "1"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("review window is open until 2026-12-31"));
    let o = env.json(&[
        "publication",
        "object",
        &pid,
        "--ground",
        "confidential",
        "--party",
        "Ferrant",
        "--note",
        "Figure 3 shows our cryostat design",
        "--identity",
        "3",
        "--json",
    ]);
    assert_eq!(o["status"], "objected");
    let objection = o["objections"][0]["event_id"].to_string();
    env.ok(&["publication", "consent", &pid, "--party", "Kaminokawa Tech", "--identity", "2"]);
    env.ok(&["publication", "consent", &pid, "--party", "Ferrant", "--identity", "3"]);
    env.cmd(&["publication", "release", &pid, "--identity", "1"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("Ferrant's objection (confidential) is open"));
    let redacted = p("manuscript-v2.pdf");
    std::fs::write(&redacted, b"%PDF-1.7 without figure 3").expect("write");
    env.ok(&[
        "publication",
        "resolve",
        &pid,
        "--objection",
        &objection,
        "--note",
        "figure 3 removed",
        "--file",
        &s(&redacted),
        "--identity",
        "1",
    ]);
    let r = env.json(&["publication", "release", &pid, "--doi", "10.1063/5.0000001", "--identity", "1", "--json"]);
    assert_eq!((r["status"].as_str(), r["doi"].as_str()), (Some("released"), Some("10.1063/5.0000001")));

    // Health, in the list and its JSON, with the reasons.
    let list = env.json(&["collab", "list", "--json"]);
    let one = list.as_array().expect("list").iter().find(|c| c["id"] == 1).expect("collab 1").clone();
    assert_eq!(one["health"]["verdict"], "at_risk");
    let codes: Vec<&str> =
        one["health"]["reasons"].as_array().expect("reasons").iter().filter_map(|r| r["code"].as_str()).collect();
    assert!(
        codes.contains(&"overdue") && codes.contains(&"due_soon") && codes.contains(&"publication_review"),
        "{codes:?}"
    );
    let table = env.ok(&["collab", "list"]);
    assert!(table.contains("HEALTH") && table.contains("at risk") && table.contains("1 obligation overdue"), "{table}");
}

#[test]
fn ip_register_datasets_and_an_exit_into_a_signed_pack() {
    if !keyring() {
        return;
    }
    let env = Env::new();
    env.ok(&["demo"]);
    let dir = env.dir.path().join("exit");
    std::fs::create_dir_all(&dir).expect("dir");
    let p = |name: &str| dir.join(name).to_string_lossy().into_owned();

    // The demo's results with their owners under model 2, and the filing's deadlines.
    let results = env.json(&["ip", "result", "list", "--collab", "1", "--json"]);
    let ip1 = &results[0];
    assert_eq!(ip1["label"], "IP1");
    assert_eq!(ip1["owners"][0]["party"], "Northmoor");
    assert_eq!(ip1["computed"]["clause"], "collab.ownership-2");
    let table = env.ok(&["ip", "result", "list", "--collab", "1"]);
    assert!(table.contains("collab.ownership-2") && table.contains("Kaminokawa Tech"), "{table}");
    let show = env.ok(&["ip", "result", "show", "IP1", "--collab", "1"]);
    assert!(show.contains("priority year ends") && show.contains("GB2719043.6"), "{show}");

    // A new result, a filing before its disclosure refused, then filed: deadlines due.
    let doc = env.dir.path().join("disclosure.pdf").to_string_lossy().into_owned();
    std::fs::write(&doc, b"invention disclosure form").expect("write");
    let r = env.json(&[
        "ip",
        "result",
        "add",
        "--collab",
        "1",
        "--title",
        "Flux-trapping ground plane",
        "--disclosed",
        "2026-10-20",
        "--inventor",
        "Dr Helen Achterberg|Northmoor",
        "--inventor",
        "Prof. Aiko Tanabe|Kaminokawa Tech",
        "--document",
        &doc,
        "--json",
    ]);
    assert_eq!(r["label"], "IP3");
    assert_eq!(r["owners"].as_array().map(Vec::len), Some(2), "two universities own it jointly: {r}");
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"invention disclosure form"));
    assert_eq!(r["fields"]["documents"][0]["sha256"].as_str(), Some(sha.as_str()));
    env.cmd(&[
        "ip",
        "result",
        "add",
        "--collab",
        "1",
        "--title",
        "x",
        "--disclosed",
        "2026-10-20",
        "--inventor",
        "Nobody|Acme",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains("inventor[1]").and(predicate::str::contains("Acme")));
    env.cmd(&[
        "ip",
        "filing",
        "add",
        "--result",
        "IP3",
        "--collab",
        "1",
        "--number",
        "GB2800001.0",
        "--office",
        "GB",
        "--filed",
        "2026-10-01",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains("filing_date").and(predicate::str::contains("before IP3 was disclosed")));
    let f = env.json(&[
        "ip",
        "filing",
        "add",
        "--result",
        "IP3",
        "--collab",
        "1",
        "--number",
        "GB2800001.0",
        "--office",
        "GB",
        "--filed",
        "2026-10-28",
        "--json",
    ]);
    assert_eq!(
        (
            f["deadlines"]["priority"].as_str(),
            f["deadlines"]["national_30"].as_str(),
            f["deadlines"]["national_31"].as_str()
        ),
        (Some("2027-10-28"), Some("2029-04-28"), Some("2029-05-28"))
    );
    let due = env.json(&["obligation", "list", "--collab", "1", "--json"]);
    assert!(
        due.as_array().expect("due").iter().any(|o| o["kind"] == "patent_deadline" && o["due_date"] == "2027-10-28"),
        "{due}"
    );
    // Overruled with a reason: a signed decision.
    env.cmd(&["ip", "result", "owner", "IP3", "--collab", "1", "--set", "Northmoor:100"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("--reason"));
    let o = env.json(&[
        "--json",
        "ip",
        "result",
        "owner",
        "IP3",
        "--collab",
        "1",
        "--set",
        "Northmoor:100",
        "--reason",
        "Kaminokawa Tech assigned its share under the secondment letter",
        "--identity",
        "1",
    ]);
    assert_eq!(o["owners"][0]["basis_points"], 10_000);
    assert_eq!(o["override"]["reason"], "Kaminokawa Tech assigned its share under the secondment letter");
    let log = env.json(&["decision", "list", "--collab", "1", "--json"]);
    assert!(
        log.as_array()
            .expect("log")
            .iter()
            .any(|d| d["title"].as_str().is_some_and(|t| t.starts_with("Owner of IP3 overruled")))
    );

    // Background: the register against the agreement's schedule, bound as a new revision.
    let bg = env.ok(&["ip", "background", "list", "--collab", "1"]);
    assert!(bg.contains("CHANGED against") && bg.contains("ip bind --agreement"), "{bg}");
    let agreements = env.json(&["agreement", "list", "--collab", "1", "--json"]);
    let collab_agreement = agreements
        .as_array()
        .expect("agreements")
        .iter()
        .find(|a| a["kind"] == "collaboration")
        .expect("collaboration agreement")["id"]
        .to_string();
    env.ok(&["ip", "bind", "--agreement", &collab_agreement]);
    let bg = env.json(&["ip", "background", "list", "--collab", "1", "--json"]);
    assert_eq!(bg["agreement"]["matches"], true, "{bg}");

    // Datasets, and the finished collaboration's exit.
    let list = env.json(&["collab", "list", "--json"]);
    let finished = list
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["title"] == "Cryogenic amplifier noise benchmarking")
        .expect("in exit")["id"]
        .to_string();
    let ds = env.json(&["dataset", "list", "--collab", &finished, "--json"]);
    assert_eq!(ds.as_array().map(Vec::len), Some(3));
    env.cmd(&[
        "dataset",
        "add",
        "--collab",
        &finished,
        "--name",
        "x",
        "--holder",
        "Acme",
        "--tier",
        "public",
        "--location",
        "y",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains("holder"));
    let plan = env.ok(&["exit", "show", "--collab", &finished]);
    assert!(plan.contains("UNDECIDED") && plan.contains("Undecided: D2"), "{plan}");
    let pack = p("exit-pack.pdf");
    env.cmd(&["exit", "complete", "--collab", &finished, "--out", &pack, "--identity", "1"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("D2").and(predicate::str::contains("exit certify")));
    assert!(!Path::new(&pack).exists(), "nothing is written while an item is undecided");
    // Ferrant's identity cannot certify what Northmoor holds.
    let cert = |identity: &str| {
        env.cmd(&[
            "exit",
            "certify",
            "--collab",
            &finished,
            "D2",
            "--method",
            "return",
            "--media",
            "two encrypted USB drives",
            "--by",
            "Samuel Okafor",
            "--date",
            "2026-10-30",
            "--verified",
            "courier receipt signed by Ferrant",
            "--media-fate",
            "returned to Ferrant",
            "--identity",
            identity,
        ])
    };
    cert("3").assert().code(3).stderr(predicate::str::contains("its holder certifies it"));
    cert("1").assert().success();
    let out = env.json(&["exit", "complete", "--collab", &finished, "--out", &pack, "--identity", "1", "--json"]);
    assert_eq!(out["signed_by"], "Samuel Okafor");
    let log_path = out["log"].as_str().expect("log path").to_string();
    let log: Value = serde_json::from_slice(&std::fs::read(&log_path).expect("log export")).expect("json");
    assert_eq!(log["format"], "steward-decision-log");
    let report = env.json(&["verify", &pack, "--json"]);
    assert_eq!(
        (report["ok"].as_bool(), report["signatures"].as_array().map(Vec::len)),
        (Some(true), Some(1)),
        "{report}"
    );
    if let Some(o) = tool("pdfsig", &[&pack]) {
        assert!(text(&o).contains("Signature is Valid."), "{}", text(&o));
    }
    if let Some(o) = tool("qpdf", &["--check", &pack]) {
        assert!(o.status.success(), "{}", text(&o));
    }
    if let Some(o) = tool("pdftotext", &[&pack, "-"]) {
        let t = text(&o);
        assert!(t.contains("Exit pack") && t.contains("returned to Ferrant") && t.contains("FINAL ACCOUNTS"), "{t}");
    }
    if let Some(python) = pyhanko() {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pyhanko_check.py");
        let o = std::process::Command::new(python).arg(script).arg(&dir).output().expect("pyHanko");
        assert!(o.status.success(), "{}", text(&o));
        let l: Value =
            serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().next().expect("a line")).expect("json");
        assert_eq!(l["accepted"], true, "pyHanko: {l}");
    }
    let done = env.json(&["exit", "show", "--collab", &finished, "--json"]);
    assert!(done["exit"]["completed_at"].is_string());
    env.cmd(&["exit", "complete", "--collab", &finished, "--out", &p("again.pdf"), "--identity", "1"]).assert().code(5);
}

fn git_in(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_library_is_published_followed_and_pulled_over_git_and_bad_releases_are_refused() {
    if !keyring() {
        return;
    }
    let legal = Env::new();
    let pi = Env::new();
    let remote = legal.dir.path().join("library.git");
    std::fs::create_dir_all(&remote).expect("dir");
    git_in(&remote, &["init", "--quiet", "--bare", "--initial-branch=main"]);
    let remote_s = remote.to_str().expect("utf-8");
    legal.ok(&["init"]);
    let who = legal.json(&[
        "identity",
        "new",
        "--name",
        "Samuel Okafor",
        "--email",
        "s.okafor@northmoor.ac.uk",
        "--org",
        "The University of Northmoor",
        "--json",
    ]);
    let (id, fp) = (who["id"].to_string(), who["fingerprint"].as_str().expect("fingerprint").to_string());

    // Release 1: the whole approved library; `--json` before or after the verb.
    let p = legal.json(&[
        "--json",
        "library",
        "publish",
        "--remote",
        remote_s,
        "--identity",
        &id,
        "--note",
        "first release",
    ]);
    assert_eq!(p["sequence"], 1);
    assert_eq!(p["library"], "The University of Northmoor");
    legal
        .cmd(&["library", "publish", "--remote", remote_s, "--identity", &id])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("nothing to publish"));

    // A PI's store follows it and pulls.
    pi.ok(&["init"]);
    let f = pi.json(&["library", "follow", remote_s, "--trust", &fp, "--name", "northmoor", "--json"]);
    assert_eq!(f["name"], "northmoor");
    assert_eq!(f["release"], Value::Null);
    let pulled = pi.json(&["library", "pull", "--json"]);
    assert_eq!(pulled[0]["release"], 1);

    // Release 2 changes the notice clause; the pull shows it as a word diff.
    let clause = legal.dir.path().join("notice.hbs");
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates/clauses/pub/notice.hbs"))
            .expect("shipped");
    std::fs::write(
        &clause,
        shipped.replacen("+++\n1.", "+++\n1. The parties value open publication of the Results.\n\n1.", 1),
    )
    .expect("write");
    legal.ok(&["template", "import", clause.to_str().expect("utf-8")]);
    legal.ok(&["clause", "approve", "pub.notice", "--version", "2", "--note", "agreed"]);
    let text = legal.ok(&["library", "publish", "--remote", remote_s, "--identity", &id, "--note", "notice clause"]);
    assert!(text.contains("published release 2") && text.contains("pub.notice version 2 (approved)"), "{text}");
    let text = pi.ok(&["library", "pull", "northmoor"]);
    assert!(text.contains("release 1 to release 2 of The University of Northmoor's library"), "{text}");
    assert!(text.contains("clause pub.notice: version 2 replaces version 1"), "{text}");
    assert!(text.contains("{+The parties value open publication of the Results."), "{text}");
    assert!(pi.ok(&["library", "pull"]).contains("nothing new"));
    let sources = pi.json(&["library", "sources", "--json"]);
    assert_eq!(sources[0]["release"], 2);
    assert!(sources[0]["last_pulled_at"].is_string());
    let releases = legal.json(&["library", "releases", "--json"]);
    assert_eq!(releases[0]["sequence"], 2);
    assert_eq!(releases[0]["note"], "notice clause");

    // Refused: an untrusted key (exit 13), an unreachable remote (exit 12), a bad fingerprint (3).
    let other = Env::new();
    other.ok(&["init"]);
    other.ok(&["library", "follow", remote_s, "--trust", &"0A".repeat(32), "--name", "northmoor"]);
    other.cmd(&["library", "pull"]).assert().code(13).stderr(predicate::str::contains("not trusted for 'northmoor'"));
    other.ok(&["library", "follow", "/nonexistent/library.git", "--trust", &fp, "--name", "gone"]);
    other
        .cmd(&["library", "pull", "gone"])
        .assert()
        .code(12)
        .stderr(predicate::str::contains("cannot reach /nonexistent/library.git"));
    other
        .cmd(&["library", "follow", remote_s, "--trust", "12:34"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("not a certificate fingerprint"));
    assert_eq!(other.json(&["library", "sources", "--json"])[0]["release"], Value::Null);
}

/// An institution's test PKI: a root, an issuing CA and a signer's PKCS #12 with its chain.
fn institution_p12(env: &Env, name: &str, from: chrono::NaiveDate, to: chrono::NaiveDate) -> (PathBuf, PathBuf) {
    use steward_testkit::pki::Ca;
    let root = Ca::root("Northmoor Research Root CA", from - chrono::Days::new(400), to + chrono::Days::new(4000));
    let issuing =
        root.intermediate("Northmoor Signing CA", from - chrono::Days::new(200), to + chrono::Days::new(2000));
    let (key, cert) = issuing.signer(name, "The University of Northmoor", "contracts@northmoor.ac.uk", from, to);
    let p12 = env.dir.path().join(format!("{}.p12", name.replace(' ', "-")));
    let bytes = steward_sign::keys::write_pkcs12_with_chain(&key, &cert, std::slice::from_ref(&issuing.der), "pw")
        .expect("p12");
    std::fs::write(&p12, bytes).expect("write");
    let root_pem = env.dir.path().join(format!("{}-root.pem", name.replace(' ', "-")));
    std::fs::write(&root_pem, steward_sign::keys::certificate_pem(&root.der).expect("pem")).expect("write");
    (p12, root_pem)
}

fn import_p12(env: &Env, p12: &Path) -> String {
    let out = env
        .cmd(&["identity", "import", p12.to_str().expect("utf-8"), "--password-stdin", "--json"])
        .write_stdin("pw\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).expect("json");
    v["id"].to_string()
}

#[test]
fn signatures_are_time_stamped_kept_for_the_long_term_and_checked_to_trust_anchors() {
    if !keyring() {
        return;
    }
    let env = Env::new();
    env.ok(&["demo"]);
    let tsa = steward_testkit::pki::TestTsa::start();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    let (p12, root_pem) = institution_p12(&env, "Contracts Office", day("2026-06-01"), day("2028-06-01"));
    let who = import_p12(&env, &p12);
    let p = |f: &str| env.dir.path().join(f).to_str().expect("utf-8").to_string();
    // Trust anchors: the institution's root and the authority's; a leaf or a repeat is refused.
    let a = env.json(&["trust", "add", root_pem.to_str().expect("utf-8"), "--name", "Northmoor Root", "--json"]);
    assert_eq!(a["name"], "Northmoor Root");
    std::fs::write(p("tsa-root.der"), &tsa.root).expect("write");
    env.ok(&["trust", "add", &p("tsa-root.der")]);
    // With the demo's own anchor, the lead university's authority.
    assert_eq!(env.json(&["trust", "list", "--json"]).as_array().map(Vec::len), Some(3));
    env.cmd(&["trust", "add", root_pem.to_str().expect("utf-8")])
        .assert()
        .failure()
        .stderr(predicate::str::contains("trusted already"));
    std::fs::write(p("leaf.der"), &tsa.certificate).expect("write");
    env.cmd(&["trust", "add", &p("leaf.der")])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a certificate authority"));
    std::fs::write(p("junk.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n").expect("w");
    env.cmd(&["trust", "add", &p("junk.pem")]).assert().failure().stderr(predicate::str::contains("certificate"));
    // The authority, as a setting; an address that is no URL is refused.
    env.cmd(&["settings", "set", "tsa.url", "not a url"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("tsa.url"));
    env.cmd(&["settings", "set", "colour", "blue"]).assert().failure().stderr(predicate::str::contains("tsa.url"));
    env.ok(&["settings", "set", "tsa.url", &tsa.url]);
    assert_eq!(env.json(&["settings", "get", "tsa.url", "--json"])["value"], tsa.url.as_str());

    // B-T: the export's signature carries the authority's time stamp.
    env.ok(&["agreement", "export", "1", "--sign", &who, "--out", &p("bt.pdf")]);
    assert_eq!(tsa.served(), 1);
    let v = env.json(&["verify", &p("bt.pdf"), "--json"]);
    let s = &v["signatures"][0];
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(s["timestamp"]["valid"], true, "{v}");
    assert_eq!(s["timestamp"]["authority"], "Steward Test TSA (Steward Test Trust Services)");
    assert_eq!(s["chain"]["state"], "trusted", "{v}");
    assert_eq!(s["chain"]["anchor"], "Northmoor Root");
    assert_eq!(s["chain"]["path"].as_array().map(Vec::len), Some(3), "signer, issuing CA, root: {v}");
    assert_eq!(s["chain"]["checked_at"], s["timestamp"]["time"], "checked at the stamped time");
    assert_eq!(s["timestamp"]["chain"]["state"], "trusted", "{v}");
    assert_eq!(s["known"]["kind"], "identity", "one of ours");
    let text = env.ok(&["verify", &p("bt.pdf")]);
    assert!(text.contains("time-stamped") && text.contains("trusted to Northmoor Root"), "{text}");

    // B-LT: validation data added; verify accepts the update.
    let added = env.json(&["ltv", "add", &p("bt.pdf"), "--out", &p("lt.pdf"), "--json"]);
    assert_eq!(added["certificates"], 5, "signer, issuing CA, root, TSA, TSA root: {added}");
    let v = env.json(&["verify", &p("lt.pdf"), "--json"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["signatures"][0]["ltv"], true);
    assert_eq!(v["dss"]["certificates"], 5);
    // B-LTA: a document time stamp over it all.
    env.ok(&["timestamp", &p("lt.pdf"), "--out", &p("lta.pdf")]);
    let v = env.json(&["verify", &p("lta.pdf"), "--json"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["signatures"][1]["document_timestamp"], true);
    assert_eq!(v["signatures"][1]["chain"]["state"], "trusted", "{v}");
    // sign --ltv in one go, on the exported draft.
    env.ok(&["agreement", "export", "2", "--out", &p("draft.pdf")]);
    env.ok(&["sign", &p("draft.pdf"), "--identity", &who, "--ltv", "--out", &p("signed-lt.pdf")]);
    let v = env.json(&["verify", &p("signed-lt.pdf"), "--json"]);
    assert_eq!((v["ok"].as_bool(), v["signatures"][0]["ltv"].as_bool()), (Some(true), Some(true)), "{v}");

    // B-B on purpose, and an authority that cannot be reached: a clear error, no file.
    env.ok(&["agreement", "export", "1", "--sign", &who, "--no-timestamp", "--out", &p("bb.pdf")]);
    let v = env.json(&["verify", &p("bb.pdf"), "--json"]);
    assert!(v["signatures"][0]["timestamp"].is_null(), "{v}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
    env.cmd(&["agreement", "export", "1", "--sign", &who, "--tsa", &format!("http://{closed}/"), "--out", &p("x.pdf")])
        .assert()
        .failure()
        .stderr(predicate::str::contains("could not be reached"));
    assert!(!Path::new(&p("x.pdf")).exists());
    // Once the root is no longer trusted, the path is not.
    env.ok(&["trust", "remove", &a["id"].to_string()]);
    let v = env.json(&["verify", &p("bt.pdf"), "--json"]);
    assert_eq!(v["signatures"][0]["chain"]["state"], "broken", "{v}");

    // pyHanko, trusting the same two roots, validates the B-LTA file and its time stamps.
    if let Some(python) = pyhanko_python() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pyhanko_timestamps.py");
        std::fs::write(p("root.pem"), std::fs::read(&root_pem).expect("read")).expect("write");
        let root_der = p("root.der");
        let pem = std::fs::read_to_string(&root_pem).expect("pem");
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        std::fs::write(&root_der, base64_decode(&b64)).expect("write");
        let out = std::process::Command::new(python)
            .arg(script)
            .args([p("lta.pdf"), root_der, p("tsa-root.der")])
            .output()
            .expect("pyhanko");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert!(v["error"].is_null(), "{v}");
        for s in v["signatures"].as_array().expect("list") {
            assert_eq!((s["valid"].as_bool(), s["trusted"].as_bool()), (Some(true), Some(true)), "{v}");
        }
        assert_eq!(v["signatures"][0]["timestamp"]["valid"], true, "{v}");
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| *c != b'=') {
        let Some(v) = A.iter().position(|a| *a == c) else { continue };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn pyhanko_python() -> Option<PathBuf> {
    let p = std::env::var_os("STEWARD_PYHANKO")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/pyhanko-venv/bin/python"));
    if p.exists() {
        return Some(p);
    }
    assert!(std::env::var_os("STEWARD_REQUIRE_TOOLS").is_none(), "pyHanko is required");
    None
}

#[test]
fn an_expired_certificate_does_not_sign_and_one_near_expiry_is_flagged() {
    if !keyring() {
        return;
    }
    let env = Env::new();
    env.ok(&["demo"]);
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    // The clock says 2026-11-01.
    let (old, _) = institution_p12(&env, "Old Office", day("2024-01-01"), day("2026-10-01"));
    let (soon, _) = institution_p12(&env, "Soon Office", day("2026-01-01"), day("2026-12-15"));
    let old = import_p12(&env, &old);
    let soon = import_p12(&env, &soon);
    let list = env.json(&["identity", "list", "--json"]);
    let expiry = |id: &str| {
        list.as_array()
            .expect("list")
            .iter()
            .find(|i| i["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id))
            .map(|i| (i["expiry"].as_str().unwrap_or_default().to_string(), i["expires_at"].clone()))
            .expect("listed")
    };
    assert_eq!(expiry(&old).0, "expired");
    assert_eq!(expiry(&soon), ("expires_soon".to_string(), Value::from("2026-12-15")));
    assert!(env.ok(&["identity", "list"]).contains("expires 2026-12-15"), "the list says so");
    let pdf = env.dir.path().join("o.pdf");
    env.cmd(&["agreement", "export", "1", "--sign", &old, "--no-timestamp", "--out", pdf.to_str().expect("utf-8")])
        .assert()
        .failure()
        .stderr(predicate::str::contains("expired on 2026-10-01"));
    assert!(!pdf.exists());
    // The calendar carries the renewal as a due item.
    let ics_file = env.dir.path().join("due.ics");
    env.ok(&["calendar", "export", "--out", ics_file.to_str().expect("utf-8")]);
    let ics = std::fs::read_to_string(&ics_file).expect("ics");
    assert!(ics.contains("Renew the signing certificate of Soon Office"), "{ics}");
}

#[test]
fn validation_data_carries_the_crls_the_certificates_name_and_says_which_were_unreachable() {
    if !keyring() {
        return;
    }
    use steward_testkit::pki::{Ca, FileServer};
    let env = Env::new();
    env.ok(&["demo"]);
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    let crls = FileServer::start();
    let mut root = Ca::root("Crl Test Root", day("2025-01-01"), day("2035-01-01"));
    root.crl_url = Some(format!("{}/root.crl", crls.url));
    let mut issuing = root.intermediate("Crl Test Issuing CA", day("2025-06-01"), day("2030-01-01"));
    issuing.crl_url = Some(format!("{}/issuing.crl", crls.url));
    let (key, cert) = issuing.signer(
        "Records Office",
        "The University of Northmoor",
        "records@northmoor.ac.uk",
        day("2026-06-01"),
        day("2028-06-01"),
    );
    crls.put("/root.crl", root.crl(day("2026-10-01")));
    let p = |f: &str| env.dir.path().join(f).to_str().expect("utf-8").to_string();
    let bytes = steward_sign::keys::write_pkcs12_with_chain(&key, &cert, std::slice::from_ref(&issuing.der), "pw")
        .expect("p12");
    std::fs::write(p("records.p12"), bytes).expect("write");
    let who = import_p12(&env, Path::new(&p("records.p12")));
    std::fs::write(p("root.pem"), steward_sign::keys::certificate_pem(&root.der).expect("pem")).expect("write");
    env.ok(&["trust", "add", &p("root.pem")]);
    env.ok(&["agreement", "export", "1", "--sign", &who, "--no-timestamp", "--out", &p("signed.pdf")]);
    // The issuing CA's CRL is not there yet: named as unreachable, the root's is embedded.
    let added = env.json(&["ltv", "add", &p("signed.pdf"), "--out", &p("lt1.pdf"), "--json"]);
    assert_eq!(added["crls"], 1, "{added}");
    let unreachable: Vec<&str> =
        added["unreachable"].as_array().expect("list").iter().filter_map(Value::as_str).collect();
    assert_eq!(unreachable, [format!("{}/issuing.crl", crls.url).as_str()], "{added}");
    crls.put("/issuing.crl", issuing.crl(day("2026-10-01")));
    let added = env.json(&["ltv", "add", &p("signed.pdf"), "--out", &p("lt.pdf"), "--json"]);
    assert_eq!((added["crls"].as_u64(), added["unreachable"].as_array().map(Vec::len)), (Some(2), Some(0)), "{added}");
    let v = env.json(&["verify", &p("lt.pdf"), "--json"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!((v["dss"]["crls"].as_u64(), v["dss"]["certificates"].as_u64()), (Some(2), Some(3)), "{v}");
    assert_eq!(v["signatures"][0]["chain"]["state"], "trusted", "{v}");
    // pyHanko, requiring revocation data for every certificate of the path, trusts the signature.
    if let Some(python) = pyhanko_python() {
        let root_der = p("root.der");
        std::fs::write(&root_der, &root.der).expect("write");
        let out = std::process::Command::new(python.with_file_name("pyhanko"))
            .args(["sign", "validate", "--trust-replace", "--trust", &root_der, "--force-revinfo"])
            .arg(p("lt.pdf"))
            .output()
            .expect("pyhanko");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("INTACT:TRUSTED"),
            "{text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ---- the Word round trip ----------------------------------------------------------------------

/// `scripts/docx_check.py` with `args`, its JSON.
fn docx_check(args: &[&str]) -> Option<Value> {
    // python-docx lives in the test script's virtual environment, beside pyHanko.
    let python = pyhanko_python()?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/docx_check.py");
    let o = std::process::Command::new(python).arg(script).args(args).output().expect("python runs");
    assert!(o.status.success(), "docx_check {args:?}: {}", text(&o));
    Some(serde_json::from_slice(&o.stdout).expect("JSON"))
}

/// `text` with runs of white space as one space.
fn words(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_kind_exports_for_word_and_opens_in_libreoffice_and_python_docx() {
    let env = Env::new();
    env.ok(&["demo"]);
    let p = |n: &str| env.dir.path().join(n).to_string_lossy().into_owned();
    let profile = format!("-env:UserInstallation=file://{}", p("lo-profile"));
    for id in ["1", "2", "3", "4"] {
        let docx = p(&format!("a{id}.docx"));
        let r = env.json(&["agreement", "export", id, "--format", "docx", "--out", &docx, "--json"]);
        assert_eq!(r["format"], "docx");
        let doc = env.json(&["agreement", "render", id, "--format", "json"]);
        let sections: Vec<&Value> = doc["sections"]
            .as_array()
            .expect("sections")
            .iter()
            .chain(doc["schedules"].as_array().expect("schedules"))
            .collect();
        assert_eq!(r["clauses"].as_u64(), Some(sections.len() as u64));
        env.ok(&["agreement", "export", id, "--out", &p(&format!("a{id}.pdf"))]);
        if let Some(v) = docx_check(&["inspect", &docx]) {
            let styles: Vec<&str> =
                v["styles_used"].as_array().expect("styles").iter().filter_map(Value::as_str).collect();
            for s in ["Title", "Heading 1", "Clause Level 2", "Party", "Part Label", "Signature Line"] {
                assert!(styles.contains(&s), "{id}: {s} in {styles:?}");
            }
            assert_eq!(v["direct_run_formatting"], 0, "{id}: styles, not direct formatting");
            assert_eq!(v["direct_paragraph_formatting"], 0, "{id}");
            assert_eq!(v["numbering"][0][1]["text"], "%1.%2");
            assert_eq!(v["numbering"][0][2]["text"], "%1.%2.%3");
            assert_eq!(v["numbering"][3][0]["format"], "upperLetter", "lettered recitals");
            assert_eq!(v["footer_fields"], serde_json::json!(["PAGE", "NUMPAGES"]));
            assert!(v["header"].as_str().is_some_and(|h| h.contains("revision 1")), "{}", v["header"]);
            let controls: Vec<&str> =
                v["controls"].as_array().expect("controls").iter().filter_map(Value::as_str).collect();
            let clause_controls: Vec<&&str> = controls.iter().filter(|c| c.starts_with("steward:clause:")).collect();
            assert_eq!(clause_controls.len(), sections.len(), "{id}: one content control per clause");
            for (c, s) in clause_controls.iter().zip(&sections) {
                let tag = format!(
                    "steward:clause:{}:{}",
                    s["clause_id"].as_str().expect("id"),
                    s["version"].as_str().expect("v")
                );
                assert_eq!(**c, tag);
            }
            assert_eq!(v["custom_parts"], serde_json::json!(["customXml/item1.xml"]));
            assert!(v["custom_roots"][0].as_str().is_some_and(|r| r.contains("urn:steward:draft")));
            assert_eq!(v["core"]["title"], doc["title"]);
            assert_eq!(v["core"]["revision"], 1);
            assert!(v["fonts"].as_array().is_some_and(|f| f.iter().any(|x| x == "Liberation Serif")));
            assert!(v["tables"].as_u64().is_some_and(|t| t >= 2), "a signature table per party");
            let refs = v["ref_fields"].as_array().expect("refs");
            if id == "4" {
                assert!(refs.len() > 5, "cross-references as REF fields: {refs:?}");
            }
        }
        // LibreOffice opens it: pages within a fifth of ours, every clause's words in the text.
        let Some(o) = tool("soffice", &[&profile, "--headless", "--convert-to", "pdf", "--outdir", &p("lo"), &docx])
        else {
            continue;
        };
        assert!(o.status.success(), "{}", text(&o));
        let lo_pdf = p(&format!("lo/a{id}.pdf"));
        let pages = |f: &str| -> usize {
            let o = tool("pdfinfo", &[f]).expect("pdfinfo");
            text(&o).lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("pages")
        };
        let (theirs, ours) = (pages(&lo_pdf), pages(&p(&format!("a{id}.pdf"))));
        assert!(theirs.abs_diff(ours) * 5 <= ours.max(5), "{id}: LibreOffice {theirs} pages, ours {ours}");
        // Saved again by LibreOffice (which drops the content controls' tags and keeps the
        // bookmarks and the draft part): it still reads as the revision we sent.
        let o = tool(
            "soffice",
            &[&profile, "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", &p("lo-docx"), &docx],
        )
        .expect("soffice");
        assert!(o.status.success(), "{}", text(&o));
        let again = env.json(&["exchange", "import", &p(&format!("lo-docx/a{id}.docx")), "--json"]);
        assert_eq!(again["changes"], serde_json::json!([]), "{id}: {again}");
        let o = tool("pdftotext", &[&lo_pdf, "-"]).expect("pdftotext");
        let lo_text = words(&String::from_utf8_lossy(&o.stdout));
        for s in &sections {
            for b in s["blocks"].as_array().expect("blocks") {
                let t = words(b["text"].as_str().expect("text"));
                let start: String = t.split(' ').take(6).collect::<Vec<_>>().join(" ");
                assert!(lo_text.contains(&start), "{id} {}: {start:?} not in LibreOffice's text", s["clause_id"]);
            }
        }
    }
}

#[test]
fn a_partners_word_edits_come_back_as_those_changes_and_are_decided() {
    if !keyring() {
        return;
    }
    let env = Env::new();
    env.ok(&["demo"]);
    let p = |n: &str| env.dir.path().join(n).to_string_lossy().into_owned();
    let doc = env.json(&["agreement", "render", "4", "--format", "json"]);
    let clause = |i: usize| doc["sections"][i]["clause_id"].as_str().expect("id").to_string();
    let (c5, c8, c10) = (clause(4), clause(7), clause(9));
    env.ok(&["agreement", "export", "4", "--format", "docx", "--out", &p("rca.docx")]);
    // Back unedited: nothing to decide.
    let same = env.json(&["exchange", "import", &p("rca.docx"), "--json"]);
    assert_eq!(same["format"], "docx");
    assert_eq!(same["signed"], false);
    assert_eq!(same["changes"], serde_json::json!([]), "{same}");
    // A partner's edits, made with python-docx as Word makes them.
    let Some(made) = docx_check(&["edit", &p("rca.docx"), &p("rca-partner.docx")]) else { return };
    let r = env.json(&["exchange", "import", &p("rca-partner.docx"), "--json"]);
    let ids: Vec<&str> = r["changes"].as_array().expect("changes").iter().filter_map(|c| c["id"].as_str()).collect();
    let mut want = vec![format!("clause:{c5}"), format!("clause:{c8}"), format!("clause:{c10}")];
    want.sort();
    assert_eq!(ids, want, "{r}");
    let by = |id: &str| {
        r["changes"].as_array().expect("changes").iter().find(|c| c["target"] == id).cloned().expect("change")
    };
    assert_eq!(by(&c5)["non_standard"], true);
    assert_eq!(by(&c8)["non_standard"], true);
    assert!(by(&c10)["theirs"].is_null(), "clause 10 deleted in Word");
    assert_eq!(r["comments"][0]["clause"], c5.as_str());
    assert_eq!(r["comments"][0]["text"], "We need this to happen promptly.");
    assert_eq!(r["comments"][0]["author"], "Partner Counsel");
    let received = r["id"].as_i64().expect("id").to_string();
    // The word redline shows exactly what the partner did.
    let red = env.json(&["exchange", "show", &received, "--json"]);
    let clauses = red["redline"]["clauses"].as_array().expect("clauses");
    let of = |id: &str| clauses.iter().find(|c| c["clause_id"] == id).cloned().expect("clause");
    let inserted = |c: &Value| -> String {
        c["words"]
            .as_array()
            .expect("words")
            .iter()
            .filter(|w| w["op"] == "insert")
            .filter_map(|w| w["text"].as_str())
            .collect()
    };
    let word = made["word"].as_str().expect("word");
    assert!(inserted(&of(&c5)).contains("and promptly"), "{}", of(&c5));
    assert!(inserted(&of(&c8)).contains("save as the parties agree in writing"), "{}", of(&c8));
    assert_eq!(of(&c10)["change"], "removed");
    let text_show = env.ok(&["exchange", "show", &received]);
    assert!(
        text_show.contains("Word file, UNSIGNED") && text_show.contains("comment by Partner Counsel"),
        "{text_show}"
    );
    // Accept the tracked change, reject the rest: a new revision and a log entry with the file's hash.
    let d = env.json(&[
        "exchange",
        "decide",
        &received,
        "--accept",
        &format!("clause:{c5}"),
        "--reject",
        &format!("clause:{c8}"),
        "--reject",
        &format!("clause:{c10}"),
        "--identity",
        "1",
        "--json",
    ]);
    assert_eq!(d["revision"], 2, "{d}");
    let rendered = words(&env.ok(&["agreement", "render", "4"]));
    assert!(rendered.contains(&format!("{word} and promptly")));
    assert!(!rendered.contains("save as the parties agree in writing"));
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(std::fs::read(p("rca-partner.docx")).expect("file")));
    assert_eq!(r["file_sha256"], sha.as_str());
    let log = env.json(&["decision", "list", "--collab", "1", "--json"]);
    let last = log.as_array().and_then(|l| l.last()).cloned().expect("an entry");
    let shown = last.to_string();
    assert!(shown.contains(&sha) && shown.contains("Word file"), "{shown}");
    // A Word file is not countersigned.
    let e =
        env.cmd(&["exchange", "countersign", &received, "--identity", "1", "--out", &p("x.pdf")]).assert().failure();
    assert!(String::from_utf8_lossy(&e.get_output().stderr).contains("Word file"));
}

#[test]
fn word_files_steward_must_not_open_are_refused_and_the_store_is_unchanged() {
    let env = Env::new();
    env.ok(&["demo"]);
    let p = |n: &str| env.dir.path().join(n).to_string_lossy().into_owned();
    env.ok(&["agreement", "export", "1", "--format", "docx", "--out", &p("nda.docx")]);
    let good = std::fs::read(p("nda.docx")).expect("file");
    let before = env.json(&["exchange", "list", "--json"]);
    let refused = |name: &str, bytes: &[u8], says: &str| {
        std::fs::write(p(name), bytes).expect("write");
        let o = env.cmd(&["exchange", "import", &p(name)]).assert().failure().code(3);
        let err = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
        assert!(err.contains(says), "{name}: {err}");
    };
    let mut cut = good.clone();
    cut.truncate(good.len() - 200);
    refused("cut.docx", &cut, "zip is damaged");
    refused("junk.docx", b"PK\x03\x04garbage", "zip is damaged");
    // Another store's agreement, and a revision of ours that this store never saw (made in a
    // copy of it).
    let other = Env::new();
    other.ok(&["demo"]);
    other.ok(&["agreement", "export", "1", "--format", "docx", "--out", &p("other.docx")]);
    let o = env.cmd(&["exchange", "import", &p("other.docx")]).assert().failure().code(3);
    assert!(String::from_utf8_lossy(&o.get_output().stderr).contains("not an agreement of this store"));
    let copy = Env::new();
    for ext in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{ext}", env.db().display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{ext}", copy.db().display())).expect("copy");
        }
    }
    copy.ok(&["agreement", "set", "1", "--set", "confidentiality_period=4 years"]);
    copy.ok(&["agreement", "export", "1", "--format", "docx", "--out", &p("later.docx")]);
    let o = env.cmd(&["exchange", "import", &p("later.docx")]).assert().failure().code(3);
    let err = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    assert!(err.contains("revision 2") && err.contains("which this store does not have"), "{err}");
    assert_eq!(env.json(&["exchange", "list", "--json"]), before);
    // A Word file is exported unsigned only.
    let o = env
        .cmd(&["agreement", "export", "1", "--format", "docx", "--sign", "1", "--out", &p("s.docx")])
        .assert()
        .failure()
        .code(3);
    assert!(String::from_utf8_lossy(&o.get_output().stderr).contains("carries no signature"));
}

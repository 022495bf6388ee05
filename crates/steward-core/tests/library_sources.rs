//! An institution's library over git, through the core API: a legal team's store publishes signed
//! releases to a bare repository; a follower pulls them, sees each changed clause with its word
//! diff, keeps its drafts pinned until upgraded, and names the release in its signed exports.
//! Refused, each with its reason and the follower's library unchanged: an untrusted key, a file
//! edited after signing, a broken hash chain, a rewritten history, a rollback, a remote that is
//! not a Steward library, one that cannot be reached. Transports: a path, `file://` and `git://`
//! (a local `git daemon`).

use chrono::{DateTime, NaiveDate, Utc};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use steward_clauses::check::SourceFile;
use steward_core::library::Status;
use steward_core::{ErrorKind, FixedClock, Id, Steward};

fn at(day: &str) -> DateTime<Utc> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("date").and_hms_opt(9, 0, 0).expect("time").and_utc()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn bare(root: &Path, name: &str) -> PathBuf {
    let p = root.join(name);
    std::fs::create_dir_all(&p).expect("dir");
    git(&p, &["init", "--quiet", "--bare", "--initial-branch=main"]);
    p
}

/// A store with a publishing identity of the research office.
fn legal() -> (Steward, Id, String) {
    let mut s = Steward::open_in_memory(Arc::new(FixedClock::new(at("2027-01-04")))).expect("store");
    s.set_actor("Samuel Okafor");
    let who = s
        .create_identity(
            "Samuel Okafor",
            "s.okafor@northmoor.ac.uk",
            Some("The University of Northmoor"),
            "p256",
            false,
        )
        .expect("identity");
    (s, who.id, who.fingerprint)
}

fn follower(day: &str) -> Steward {
    let mut s = Steward::open_in_memory(Arc::new(FixedClock::new(at(day)))).expect("store");
    s.set_actor("Dr Helen Achterberg");
    s
}

fn url(p: &Path) -> String {
    p.to_str().expect("utf-8").to_string()
}

/// Every version's (hash, status) in a store: what "unchanged" means.
fn library_state(s: &Steward) -> Vec<(String, String)> {
    let mut v: Vec<_> = s
        .templates()
        .expect("templates")
        .into_iter()
        .flat_map(|t| t.versions.into_iter().map(|r| (r.hash, r.status)))
        .collect();
    v.sort();
    v
}

/// The legal team changes the notice clause and approves it: version 2 of pub.notice.
fn approve_changed_notice(s: &mut Steward) {
    let shipped = steward_clauses::shipped::template_files();
    let notice = shipped.iter().find(|f| f.name.ends_with("pub/notice.hbs")).expect("notice");
    let text = notice.text.replacen("+++\n1.", "+++\n1. The parties value open publication of the Results.\n\n1.", 1);
    assert_ne!(text, notice.text, "the body changed");
    s.import_templates(&[SourceFile { name: "pub/notice.hbs".into(), text }]).expect("imports");
    let row = s
        .review_template("pub.notice", Some(2), Status::Approved, Some("agreed with the research office"))
        .expect("approve");
    assert_eq!(row.status, "approved");
}

fn kind(e: &steward_core::Error) -> ErrorKind {
    e.kind()
}

#[test]
fn a_release_reaches_a_follower_verified_with_its_changes_and_drafts_stay_pinned() {
    let tmp = tempfile::tempdir().expect("tmp");
    let remote = bare(tmp.path(), "library.git");
    let (mut legal, id, fp) = legal();

    let first = legal.publish_library(&url(&remote), None, Some(id), Some("first release")).expect("publishes");
    assert_eq!(first.sequence, 1);
    assert_eq!(first.previous, None);
    assert_eq!(first.library, "The University of Northmoor");
    assert!(first.versions > 20, "{first:?}");
    // Git itself sees the release: one commit, the manifest and its signature, a file per version.
    let log = git(&remote, &["log", "--format=%s", "main"]);
    assert_eq!(log.trim(), "Library release 1: first release");
    let files = git(&remote, &["ls-tree", "-r", "--name-only", "main"]);
    for f in [
        "steward-library.json",
        "steward-library.sig",
        "releases/1.json",
        "releases/1.sig",
        "clauses/pub.notice/1.hbs",
        "kinds/nda-mutual/1.toml",
    ] {
        assert!(files.lines().any(|l| l == f), "{f} in\n{files}");
    }
    let again = legal.publish_library(&url(&remote), None, Some(id), None).expect_err("nothing new");
    assert_eq!(kind(&again), ErrorKind::Conflict);
    assert!(again.to_string().contains("nothing to publish"), "{again}");

    // A follower with the demo: its publication agreement pins pub.notice version 1.
    let mut f = follower("2027-01-05");
    f.install_demo().expect("demo");
    let publication =
        f.agreements(None).expect("agreements").into_iter().find(|a| a.kind == "publication").expect("one").id;
    let pinned_before =
        f.agreement(publication).expect("detail").clauses.get("pub.notice").cloned().expect("pins notice");

    let source = f.follow_library(&url(&remote), std::slice::from_ref(&fp), Some("northmoor"), None).expect("follows");
    assert_eq!(source.release, None);
    let pulled = f.pull_library(Some("northmoor")).expect("pulls");
    assert_eq!(pulled.len(), 1);
    assert_eq!(pulled[0].release, 1);
    assert!(!pulled[0].unchanged);
    assert!(pulled[0].changes.is_empty(), "the shipped versions were approved already: {:?}", pulled[0].changes);

    // Release 2: a changed clause.
    approve_changed_notice(&mut legal);
    let second =
        legal.publish_library(&url(&remote), Some("main"), Some(id), Some("notice clause")).expect("publishes");
    assert_eq!((second.sequence, second.previous), (2, Some(1)));
    assert_eq!(second.changed, vec!["pub.notice version 2 (approved)".to_string()]);

    let pulled = f.pull_library(None).expect("pulls");
    let r = &pulled[0];
    assert_eq!((r.from_release, r.release, r.unchanged), (Some(1), 2, false));
    assert_eq!(r.changes.len(), 1, "{:?}", r.changes);
    let c = &r.changes[0];
    assert_eq!((c.id.as_str(), c.change.as_str(), c.version, c.previous_version), ("pub.notice", "new", 2, Some(1)));
    let inserted: String = c.diff.iter().filter(|w| w.op == "insert").map(|w| w.text.as_str()).collect();
    assert!(inserted.contains("value open publication"), "{:?}", c.diff);
    let row = f.template("pub.notice", Some(2)).expect("version 2");
    assert_eq!(row.summary.current, Some(2), "approved from a trusted source");
    assert_eq!(
        f.template_provenance(&row.summary.version(2).expect("v2").hash).expect("provenance").as_deref(),
        Some("from The University of Northmoor's library, release 2")
    );
    let src = f.library_source("northmoor").expect("source");
    assert_eq!(src.release, Some(2));
    assert!(src.last_pulled_at.is_some());
    assert_eq!(src.publisher.as_deref(), Some("Samuel Okafor <s.okafor@northmoor.ac.uk>"));

    // The draft keeps its pinned version until it is upgraded.
    assert_eq!(f.agreement(publication).expect("detail").clauses.get("pub.notice"), Some(&pinned_before));
    let up = f.upgrade_agreement(publication).expect("upgrades");
    assert_eq!(up.moved.get("pub.notice"), Some(&(1, 2)));
    // Its export names the release the new version came from.
    let pdf = f.export_agreement(publication, None, None).expect("exports").pdf;
    let report = f.verify_pdf(&pdf).expect("read");
    // The shipped versions the draft still pins came in release 1 too; the new one in release 2.
    assert_eq!(
        report.library_sources,
        vec![
            "from The University of Northmoor's library, release 1 (13 versions)".to_string(),
            "from The University of Northmoor's library, release 2 (1 version)".to_string()
        ]
    );
    let draft = report.draft.expect("embedded draft");
    let received = steward_clauses::draft_file::parse(&draft).expect("parses");
    let hash = received.spec.clauses.get("pub.notice").expect("pinned");
    assert_eq!(
        received.sources.get(hash).map(String::as_str),
        Some("from The University of Northmoor's library, release 2")
    );

    // The same release again: nothing to do, nothing changed.
    let before = library_state(&f);
    let again = f.pull_library(Some("northmoor")).expect("pulls");
    assert!(again[0].unchanged);
    assert_eq!(library_state(&f), before);

    // A second follower starting now walks the whole chain and gets both releases' content.
    let mut g = follower("2027-01-06");
    g.follow_library(&format!("file://{}", url(&remote)), &[fp.to_lowercase().replace(':', "")], None, None)
        .expect("follows");
    let pulled = g.pull_library(Some("library")).expect("pulls over file://");
    assert_eq!(pulled[0].release, 2);
    assert_eq!(g.template("pub.notice", None).expect("notice").summary.current, Some(2));
}

#[test]
fn an_untrusted_key_a_tampered_file_and_a_broken_chain_are_refused_and_change_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let remote = bare(tmp.path(), "library.git");
    let (mut legal, id, fp) = legal();
    legal.publish_library(&url(&remote), None, Some(id), None).expect("release 1");
    approve_changed_notice(&mut legal);
    legal.publish_library(&url(&remote), None, Some(id), None).expect("release 2");

    // Signed by a key nobody said to trust.
    let mut f = follower("2027-01-05");
    let other = "AB:".repeat(31) + "AB";
    f.follow_library(&url(&remote), &[other], Some("northmoor"), None).expect("follows");
    let before = library_state(&f);
    let e = f.pull_library(None).expect_err("untrusted");
    assert_eq!(kind(&e), ErrorKind::Release);
    assert!(e.to_string().contains("not trusted for 'northmoor'") && e.to_string().contains(&fp), "{e}");
    assert_eq!(library_state(&f), before);
    assert_eq!(f.library_source("northmoor").expect("source").release, None);
    // Trusting the publisher's key lets it through.
    f.trust_library_key("northmoor", &fp).expect("trusts");
    assert_eq!(f.pull_library(None).expect("pulls")[0].release, 2);

    // A clause edited in the repository after the release was signed.
    let work = tmp.path().join("work");
    git(tmp.path(), &["clone", "--quiet", &url(&remote), "work"]);
    let file = work.join("clauses/pub.notice/2.hbs");
    let text = std::fs::read_to_string(&file).expect("file").replace("open publication", "no publication");
    std::fs::write(&file, text).expect("edit");
    git(&work, &["commit", "--quiet", "-am", "quietly change a clause"]);
    git(&work, &["push", "--quiet", "origin", "main"]);
    let mut g = follower("2027-01-06");
    g.follow_library(&url(&remote), std::slice::from_ref(&fp), None, None).expect("follows");
    let before = library_state(&g);
    let e = g.pull_library(None).expect_err("tampered");
    assert!(e.to_string().contains("clauses/pub.notice/2.hbs was changed after release 2 of"), "{e}");
    assert_eq!(library_state(&g), before);

    // An older release's manifest changed: the chain from release 2 back to 1 breaks.
    git(&work, &["revert", "--quiet", "--no-edit", "HEAD"]);
    let older = work.join("releases/1.json");
    let text = std::fs::read_to_string(&older).expect("file").replacen("\"sequence\": 1", "\"sequence\": 1 ", 1);
    std::fs::write(&older, text).expect("edit");
    git(&work, &["commit", "--quiet", "-am", "touch an old manifest"]);
    git(&work, &["push", "--quiet", "origin", "main"]);
    let e = g.pull_library(None).expect_err("broken chain");
    assert!(e.to_string().contains("releases/1.json is not the release 2 names"), "{e}");
    assert_eq!(library_state(&g), before);
}

#[test]
fn a_rewritten_history_a_rollback_and_remotes_that_are_not_libraries_are_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let remote = bare(tmp.path(), "library.git");
    let (mut legal, id, fp) = legal();
    legal.publish_library(&url(&remote), None, Some(id), None).expect("release 1");
    let release1 = git(&remote, &["rev-parse", "main"]).trim().to_string();
    approve_changed_notice(&mut legal);
    legal.publish_library(&url(&remote), None, Some(id), None).expect("release 2");
    let mut f = follower("2027-01-05");
    f.follow_library(&url(&remote), std::slice::from_ref(&fp), Some("northmoor"), None).expect("follows");
    assert_eq!(f.pull_library(None).expect("pulls")[0].release, 2);
    let before = library_state(&f);

    // A rollback: release 1's manifest and signature put back on top, as a new commit.
    let work = tmp.path().join("work");
    git(tmp.path(), &["clone", "--quiet", &url(&remote), "work"]);
    for (from, to) in [("releases/1.json", "steward-library.json"), ("releases/1.sig", "steward-library.sig")] {
        std::fs::copy(work.join(from), work.join(to)).expect("copy");
    }
    git(&work, &["commit", "--quiet", "-am", "roll back"]);
    git(&work, &["push", "--quiet", "origin", "main"]);
    let e = f.pull_library(None).expect_err("rollback");
    assert_eq!(kind(&e), ErrorKind::Release);
    assert!(e.to_string().contains("offers release 1, older than release 2"), "{e}");
    assert_eq!(library_state(&f), before);

    // A forced push back to release 1: the history we accepted is gone.
    git(&work, &["reset", "--quiet", "--hard", &release1]);
    git(&work, &["push", "--quiet", "--force", "origin", "main"]);
    let e = f.pull_library(None).expect_err("rewritten");
    assert!(e.to_string().contains("was rewritten (a forced push)"), "{e}");
    assert_eq!(library_state(&f), before);

    // Not a Steward library; no such branch; nothing at that path.
    let plain = bare(tmp.path(), "plain.git");
    let w2 = tmp.path().join("w2");
    git(tmp.path(), &["clone", "--quiet", &url(&plain), "w2"]);
    std::fs::write(w2.join("notes.txt"), "meeting notes\n").expect("file");
    git(&w2, &["add", "notes.txt"]);
    git(&w2, &["commit", "--quiet", "-m", "notes"]);
    git(&w2, &["push", "--quiet", "origin", "HEAD:main"]);
    f.follow_library(&url(&plain), std::slice::from_ref(&fp), Some("plain"), None).expect("follows");
    let e = f.pull_library(Some("plain")).expect_err("not a library");
    assert!(e.to_string().contains("is not a Steward library: branch main has no steward-library.json"), "{e}");
    let p = legal.publish_library(&url(&plain), None, Some(id), None).expect_err("would clobber");
    assert!(p.to_string().contains("not a Steward library: it holds other files (notes.txt)"), "{p}");
    f.follow_library(&url(&remote), std::slice::from_ref(&fp), Some("other-branch"), Some("release")).expect("follows");
    let e = f.pull_library(Some("other-branch")).expect_err("no branch");
    assert!(e.to_string().contains("has no branch release"), "{e}");
    let gone = tmp.path().join("nowhere.git");
    f.follow_library(&url(&gone), std::slice::from_ref(&fp), Some("gone"), None).expect("follows");
    let e = f.pull_library(Some("gone")).expect_err("unreachable");
    assert_eq!(kind(&e), ErrorKind::Remote);
    assert!(e.to_string().contains("cannot reach") && e.to_string().contains("nowhere.git"), "{e}");
    assert_eq!(library_state(&f), before);

    // Bad input to follow.
    for (u, t) in
        [("ext::sh -c touch% /tmp/x", fp.as_str()), ("--upload-pack=x", fp.as_str()), (url(&remote).as_str(), "12:34")]
    {
        let e = f.follow_library(u, &[t.to_string()], Some("bad"), None).expect_err("refused");
        assert_eq!(kind(&e), ErrorKind::Invalid, "{u} {t}: {e}");
    }
    let e = f.follow_library(&url(&remote), std::slice::from_ref(&fp), Some("northmoor"), None).expect_err("same name");
    assert_eq!(kind(&e), ErrorKind::Conflict);
}

/// A free port on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

struct Daemon(std::process::Child);
impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_library_travels_over_the_git_protocol_too() {
    let tmp = tempfile::tempdir().expect("tmp");
    bare(tmp.path(), "library.git");
    let port = free_port();
    // git-daemon itself (not `git daemon`, whose child would outlive a kill of the parent).
    let exec_path =
        String::from_utf8(Command::new("git").arg("--exec-path").output().expect("git").stdout).expect("utf-8");
    let daemon = Daemon(
        Command::new(Path::new(exec_path.trim()).join("git-daemon"))
            .args(["--reuseaddr", "--export-all", "--enable=receive-pack", "--listen=127.0.0.1"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", tmp.path().display()))
            .arg(tmp.path())
            .spawn()
            .expect("git daemon"),
    );
    let remote = format!("git://127.0.0.1:{port}/library.git");
    // Wait until the daemon answers.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(std::time::Instant::now() < deadline, "git daemon did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (mut legal, id, fp) = legal();
    assert_eq!(legal.publish_library(&remote, None, Some(id), None).expect("publishes over git://").sequence, 1);
    let mut f = follower("2027-01-05");
    f.follow_library(&remote, &[fp], None, None).expect("follows");
    let pulled = f.pull_library(Some("library")).expect("pulls over git://");
    assert_eq!(pulled[0].release, 1);
    drop(daemon);
}

#[test]
fn the_demo_follows_the_research_offices_library_with_a_release_waiting() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = Steward::open(&tmp.path().join("steward.db"), Arc::new(FixedClock::new(at("2027-01-05"))))
        .expect("store")
        .with_secrets(Arc::new(steward_core::secrets::KeyringStore::mock()));
    s.install_demo().expect("demo");
    assert_eq!(s.install_demo_library(), None);
    assert_eq!(s.install_demo_library(), None, "once");
    let sources = s.library_sources().expect("sources");
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].name, steward_core::demo::library::DEMO_SOURCE);
    assert_eq!(sources[0].release, Some(1));
    let pulled = s.pull_library(None).expect("pulls");
    assert_eq!((pulled[0].from_release, pulled[0].release), (Some(1), 2));
    assert_eq!(pulled[0].changes.len(), 1);
    assert_eq!(pulled[0].changes[0].id, "pub.notice");
    assert!(pulled[0].changes[0].diff.iter().any(|w| w.op == "insert" && w.text.contains("open publication")));
}

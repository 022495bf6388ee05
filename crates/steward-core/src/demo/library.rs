//! The demo's followed library: the University of Northmoor's research office publishes its
//! approved library to a git repository in the data folder (release 1, the shipped library), the
//! store follows it and is at release 1, and a second release waits on the remote (a revised
//! publication-notice clause), so that the first "Pull" on the Library screen shows a verified
//! release and a clause changed word by word. Needs the system git; without it the demo has no
//! source (and says so).

use crate::Steward;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use steward_clauses::check::SourceFile;

/// The demo source's name.
pub const DEMO_SOURCE: &str = "northmoor-research-office";

/// The revised notice clause of the demo's second release: a sentence on open publication first.
fn revised_notice() -> Result<SourceFile> {
    let shipped = steward_clauses::shipped::template_files();
    let notice = shipped
        .iter()
        .find(|f| f.name.ends_with("pub/notice.hbs"))
        .ok_or_else(|| Error::Conflict("the shipped library has no notice clause".into()))?;
    let text = notice.text.replacen(
        "+++\n1.",
        "+++\n1. The parties value the open publication of Results, and apply this clause so that a \
         review delays a publication no longer than it must.\n\n1.",
        1,
    );
    Ok(SourceFile { name: "pub/notice.hbs".into(), text })
}

/// The research office's own store, in memory: its identity signs the demo's releases (its key
/// lives only as long as the demo is being made; the store trusts its fingerprint).
pub struct DemoPublisher {
    office: Steward,
    identity: crate::domain::Id,
    pub fingerprint: String,
    pub remote: PathBuf,
}

impl DemoPublisher {
    /// Makes the bare repository under `dir` and publishes release 1 to it. `None` when the demo
    /// library exists already there.
    pub fn prepare(dir: &Path, clock: Arc<dyn crate::Clock>) -> Result<Option<Self>> {
        let remote = dir.join("demo-library").join("northmoor-clauses.git");
        if remote.exists() {
            return Ok(None);
        }
        std::fs::create_dir_all(&remote)
            .map_err(|e| Error::Io { context: format!("cannot make {}", remote.display()), source: e })?;
        let path =
            remote.to_str().ok_or_else(|| Error::Remote("the data folder's path is not UTF-8".into()))?.to_string();
        crate::library::git::run(Some(&remote), &["init", "--quiet", "--bare", "--initial-branch=main"], "git init")?;
        let mut office = Steward::open_in_memory(clock)?;
        office.set_actor("Research Office, University of Northmoor");
        let who = office.create_identity(
            "Grace Whitfield",
            "research-office@northmoor.ac.uk",
            Some("The University of Northmoor"),
            "p256",
            true,
        )?;
        office.publish_library(&path, None, Some(who.id), Some("The research office's approved library"))?;
        Ok(Some(Self { office, identity: who.id, fingerprint: who.fingerprint, remote }))
    }

    /// Release 2: the revised notice clause, approved by the research office.
    pub fn publish_revision(&mut self) -> Result<()> {
        self.office.import_templates(&[revised_notice()?])?;
        self.office.review_template(
            "pub.notice",
            None,
            crate::library::Status::Approved,
            Some("Reviewed with the publications committee"),
        )?;
        let path = self.remote.to_string_lossy().into_owned();
        self.office.publish_library(
            &path,
            None,
            Some(self.identity),
            Some("Notice of proposed publications revised"),
        )?;
        Ok(())
    }
}

impl Steward {
    /// Follows the demo publisher's library and pulls its first release.
    pub fn follow_demo_library(&mut self, p: &DemoPublisher) -> Result<()> {
        if self.store().source_by_name(DEMO_SOURCE)?.is_some() {
            return Ok(());
        }
        let url = p.remote.to_string_lossy().into_owned();
        self.follow_library(&url, std::slice::from_ref(&p.fingerprint), Some(DEMO_SOURCE), None)?;
        self.pull_library(Some(DEMO_SOURCE))?;
        Ok(())
    }

    /// The whole demo library in one go (the CLI's `demo`): release 1 followed and pulled, release
    /// 2 waiting. Returns why not, when it could not be made (no git, no folder).
    pub fn install_demo_library(&mut self) -> Option<String> {
        let Some(dir) = self.store_path().and_then(Path::parent).map(Path::to_path_buf) else {
            return Some("the store is in memory: no folder for the demo library".into());
        };
        if self.store().source_by_name(DEMO_SOURCE).ok().flatten().is_some() {
            return None;
        }
        let clock = self.clock.clone();
        make_demo_library(&dir, clock, |p| self.follow_demo_library(p)).err().map(|e| e.to_string())
    }
}

/// Makes the demo library under `dir`: release 1 published, `follow` run on it (the store follows
/// and pulls; a host can take its lock for this step only), release 2 published. A failure before
/// the store follows it leaves no half-made repository behind.
pub fn make_demo_library(
    dir: &Path,
    clock: Arc<dyn crate::Clock>,
    follow: impl FnOnce(&DemoPublisher) -> Result<()>,
) -> Result<()> {
    let mut followed = false;
    let made = (|| {
        let Some(mut p) = DemoPublisher::prepare(dir, clock)? else { return Ok(()) };
        follow(&p)?;
        followed = true;
        p.publish_revision()
    })();
    made.map_err(|e| {
        if !followed {
            // Nothing follows it: leave no half-made repository to skip next time.
            let _ = std::fs::remove_dir_all(dir.join("demo-library"));
        }
        Error::Conflict(format!("the demo library was not made: {e}"))
    })
}

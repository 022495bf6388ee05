//! An institution's approved library over git: a legal team publishes signed releases of its
//! approved versions to a git remote it chose; every other store follows that remote, trusting
//! named publisher keys, and pulls: each release is checked (signed by a trusted key, chained to
//! the release accepted last, every file hashing to the manifest) before its versions are
//! imported as approved. Git is the system's own, with the user's credentials; nothing here
//! stores a password.

use super::git;
use super::release::{self, Entry, MANIFEST, Manifest, Publisher, SIGNATURE};
use crate::Steward;
use crate::domain::Id;
use crate::error::{Error, Result};
use crate::store::sources::{NewRelease, ReleaseRow, SourceRow};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use steward_clauses::Template;
use steward_clauses::canonical::sha256_hex;
use steward_clauses::diff::WordRun;

/// The branch a library lives on when none is named.
pub const DEFAULT_BRANCH: &str = "main";

/// What a publish did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Published {
    pub remote: String,
    pub branch: String,
    pub sequence: i64,
    pub previous: Option<i64>,
    pub library: String,
    pub versions: usize,
    /// Versions this release has that the previous one did not (or whose status moved).
    pub changed: Vec<String>,
    pub commit: String,
    pub manifest_sha256: String,
    pub signed_by: String,
}

/// A release this store published.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PublishedRelease {
    pub sequence: i64,
    pub remote: String,
    pub branch: String,
    pub library: String,
    pub publisher: String,
    pub published_at: String,
    pub commit: String,
    pub manifest_sha256: String,
    pub note: Option<String>,
    pub versions: usize,
}

/// A followed source, as listed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Source {
    pub id: Id,
    pub name: String,
    pub url: String,
    pub branch: String,
    pub trusted: Vec<String>,
    /// The release accepted last, if any.
    pub release: Option<i64>,
    pub library: Option<String>,
    pub publisher: Option<String>,
    pub released_at: Option<String>,
    pub last_pulled_at: Option<String>,
    pub created_at: String,
}

/// One template version a pull changed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LibraryChange {
    pub template_type: String,
    pub id: String,
    pub title: String,
    /// The version's number in this store.
    pub version: i64,
    /// `new` (a new approved version), `approved` (a version we had as a draft), `deprecated`.
    pub change: String,
    /// The approved version it replaces here, if any, and the words that changed from it.
    pub previous_version: Option<i64>,
    pub diff: Vec<WordRun>,
}

impl LibraryChange {
    /// The word diff as text: `[-deleted-]{+inserted+}`.
    pub fn diff_text(&self) -> String {
        steward_clauses::diff::words_to_text(&self.diff)
    }
}

/// What a pull did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PullReport {
    pub source: String,
    pub url: String,
    /// The release we were at before, and the one we are at now.
    pub from_release: Option<i64>,
    pub release: i64,
    pub library: String,
    pub publisher: String,
    /// Nothing new: the release was accepted before.
    pub unchanged: bool,
    pub changes: Vec<LibraryChange>,
}

fn check_branch(branch: &str) -> Result<()> {
    let ok = !branch.is_empty()
        && branch.len() <= 200
        && !branch.starts_with(['-', '/', '.'])
        && !branch.ends_with(['/', '.'])
        && !branch.contains("..")
        && !branch.contains("@{")
        && branch.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "branch",
            format!("'{branch}' is not a branch name Steward uses (letters, digits, - _ . /)"),
        ))
    }
}

fn check_remote(url: &str) -> Result<String> {
    git::check_url(url).map_err(|m| Error::invalid("remote", m))?;
    Ok(url.trim().to_string())
}

/// Reads a file of a cloned library: a regular file (no link) under the size limit.
fn read_in(dir: &Path, rel: &str, what: &str) -> Result<Option<Vec<u8>>> {
    let safe = !rel.is_empty()
        && !rel.starts_with('/')
        && rel.split('/').all(|p| !p.is_empty() && p != "." && p != "..")
        && !rel.contains('\\');
    if !safe {
        return Err(Error::Release(format!("{what} names the file '{rel}', which is not inside the library")));
    }
    let path = dir.join(rel);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::Io { context: format!("cannot read {rel}"), source: e }),
        Ok(m) if !m.file_type().is_file() => {
            return Err(Error::Release(format!("{rel} in {what} is not a regular file")));
        }
        Ok(m) if m.len() > release::MAX_FILE => {
            return Err(Error::Release(format!(
                "{rel} in {what} is {} bytes, over the {} MiB limit",
                m.len(),
                release::MAX_FILE >> 20
            )));
        }
        Ok(_) => {}
    }
    crate::files::read_bounded(&path, release::MAX_FILE).map(Some)
}

fn publisher_label(p: &Publisher) -> String {
    format!("{} <{}>", p.name, p.email)
}

impl Steward {
    /// Publishes the store's approved library (every approved and deprecated version) as a new
    /// signed release to `remote` (a path, `file://`, `ssh://`, `git://` or `https://`), committed
    /// and pushed with the user's own git credentials.
    pub fn publish_library(
        &mut self,
        remote: &str,
        branch: Option<&str>,
        identity: Option<Id>,
        note: Option<&str>,
    ) -> Result<Published> {
        let url = check_remote(remote)?;
        let branch = branch.map(str::trim).filter(|b| !b.is_empty()).unwrap_or(DEFAULT_BRANCH).to_string();
        check_branch(&branch)?;
        let who = self.identity(self.acting_identity(identity)?)?;
        if who.origin == "partner" {
            return Err(Error::invalid(
                "identity",
                format!("{} is a partner's key: a release is signed with one of this store's own identities", who.name),
            ));
        }
        let signer =
            steward_sign::raw::Signer::new(&self.signing_key(&who)?).map_err(|e| Error::Signature(e.to_string()))?;

        // The versions and their files.
        let mut files: Vec<(String, String)> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        for row in self.store().template_versions()? {
            if !matches!(row.status.as_str(), "approved" | "deprecated") {
                continue;
            }
            let t = Template::from_canonical(&row.canonical)
                .map_err(|e| Error::Damaged(format!("{}: {e}", row.template_id)))?;
            let text = t.file_text().map_err(Error::Damaged)?;
            let path = t.file_name(Some(row.version));
            entries.push(Entry {
                template_type: row.template_type.clone(),
                id: row.template_id.clone(),
                version: row.version,
                title: row.title.clone(),
                hash: row.hash.clone(),
                status: row.status.clone(),
                path: path.clone(),
                file_sha256: sha256_hex(text.as_bytes()),
            });
            files.push((path, text));
        }
        if entries.is_empty() {
            return Err(Error::Conflict("the library has no approved versions to publish".into()));
        }

        let tmp = tempfile::tempdir()
            .map_err(|e| Error::Io { context: "cannot make a temporary folder".into(), source: e })?;
        let dir = tmp.path().join("library");
        git::clone_branch(&url, &branch, &dir)?;
        let what = format!("the newest release on {url}");
        let previous = match read_in(&dir, MANIFEST, &what)? {
            Some(bytes) => {
                let sig = read_in(&dir, SIGNATURE, &what)?
                    .ok_or_else(|| Error::Release(format!("{what} has no signature ({SIGNATURE})")))?;
                release::verify(&bytes, &sig, &what)?;
                let m = Manifest::parse(&bytes, &what)?;
                Some((m, release::manifest_hash(&bytes)))
            }
            None => {
                let listed = git::run(Some(&dir), &["ls-files"], "git ls-files")?;
                let others: Vec<&str> = listed
                    .lines()
                    .filter(|f| !matches!(*f, "README.md" | ".gitignore" | "LICENSE" | ".gitattributes"))
                    .take(3)
                    .collect();
                if !others.is_empty() {
                    return Err(Error::Release(format!(
                        "{url} (branch {branch}) is not a Steward library: it holds other files ({}); publish to an empty repository or branch",
                        others.join(", ")
                    )));
                }
                None
            }
        };
        let mut changed: Vec<String> = Vec::new();
        if let Some((prev, _)) = &previous {
            let before: BTreeMap<&str, &str> =
                prev.entries.iter().map(|e| (e.hash.as_str(), e.status.as_str())).collect();
            for e in &entries {
                match before.get(e.hash.as_str()) {
                    Some(s) if *s == e.status => {}
                    Some(_) => changed.push(format!("{} version {} {}", e.id, e.version, e.status)),
                    None => changed.push(format!("{} version {} ({})", e.id, e.version, e.status)),
                }
            }
            if changed.is_empty() && before.len() == entries.len() {
                return Err(Error::Conflict(format!(
                    "nothing to publish: release {} on {url} already holds every approved version and deprecation",
                    prev.sequence
                )));
            }
        } else {
            changed = entries.iter().map(|e| format!("{} version {} ({})", e.id, e.version, e.status)).collect();
        }
        let sequence = previous.as_ref().map_or(1, |(m, _)| m.sequence + 1);
        let library = who.organisation.clone().filter(|o| !o.trim().is_empty()).unwrap_or_else(|| who.name.clone());
        let manifest = Manifest {
            format: release::FORMAT.into(),
            library: library.clone(),
            sequence,
            previous: previous.as_ref().map(|(_, h)| h.clone()),
            published_at: crate::store::ts(self.now()),
            publisher: Publisher {
                name: who.name.clone(),
                email: who.email.clone(),
                organisation: who.organisation.clone(),
                fingerprint: who.fingerprint.clone(),
            },
            note: note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string),
            entries,
        };
        let bytes = manifest.to_bytes();
        let sig = release::sign(&signer, &who.certificate, &bytes)?;

        // The working copy: the release's files, nothing else of ours left over.
        let io = |e: std::io::Error, p: &str| Error::Io {
            context: format!("cannot write {p} in the working copy"),
            source: e,
        };
        for sub in ["clauses", "kinds"] {
            let p = dir.join(sub);
            if p.exists() {
                std::fs::remove_dir_all(&p).map_err(|e| io(e, sub))?;
            }
        }
        let write = |rel: &str, content: &[u8]| -> Result<()> {
            let p = dir.join(rel);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io(e, rel))?;
            }
            std::fs::write(&p, content).map_err(|e| io(e, rel))
        };
        for (path, text) in &files {
            write(path, text.as_bytes())?;
        }
        write(MANIFEST, &bytes)?;
        write(SIGNATURE, &sig)?;
        write(&format!("releases/{sequence}.json"), &bytes)?;
        write(&format!("releases/{sequence}.sig"), &sig)?;
        if !dir.join("README.md").exists() {
            let readme = format!(
                "# {library}: clause library\n\nSigned releases of an approved clause library, published by Steward. Follow it with\n\n    steward library follow <this repository's URL> --trust {}\n\nand pull new releases with `steward library pull`. Do not edit these files by hand: a release\nwhose files differ from its signed manifest is refused.\n",
                who.fingerprint
            );
            write("README.md", readme.as_bytes())?;
        }
        git::run(Some(&dir), &["add", "-A"], "git add")?;
        let message = match &manifest.note {
            Some(n) => format!("Library release {sequence}: {n}"),
            None => format!("Library release {sequence}"),
        };
        let name_cfg = format!("user.name={}", who.name);
        let email_cfg = format!("user.email={}", who.email);
        git::run(
            Some(&dir),
            &["-c", &name_cfg, "-c", &email_cfg, "commit", "--quiet", "--no-gpg-sign", "-m", &message],
            "git commit",
        )?;
        let refspec = format!("HEAD:refs/heads/{branch}");
        git::run(
            Some(&dir),
            &["push", "--quiet", "origin", &refspec],
            &format!("cannot push release {sequence} to {url}"),
        )
        .map_err(|e| match e {
            Error::Remote(m) if m.contains("rejected") || m.contains("fetch first") => Error::Remote(format!(
                "{m} (someone published to {url} meanwhile: publish again to build on their release)"
            )),
            other => other,
        })?;
        let commit = git::head(&dir)?;
        let manifest_sha256 = release::manifest_hash(&bytes);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let now = self.now();
        self.store().insert_release(
            &NewRelease {
                source_id: None,
                remote: &url,
                branch: &branch,
                sequence,
                manifest_sha256: &manifest_sha256,
                manifest: &text,
                commit_id: &commit,
                library: &library,
                publisher: &publisher_label(&manifest.publisher),
                fingerprint: &who.fingerprint,
                published_at: &manifest.published_at,
            },
            now,
        )?;
        Ok(Published {
            remote: url,
            branch,
            sequence,
            previous: previous.map(|(m, _)| m.sequence),
            library,
            versions: manifest.entries.len(),
            changed,
            commit,
            manifest_sha256,
            signed_by: publisher_label(&manifest.publisher),
        })
    }

    /// Follows a library published at `url`, trusting releases signed by these certificate
    /// fingerprints. Nothing is fetched until the first pull.
    pub fn follow_library(
        &mut self,
        url: &str,
        trust: &[String],
        name: Option<&str>,
        branch: Option<&str>,
    ) -> Result<Source> {
        let url = check_remote(url)?;
        let branch = branch.map(str::trim).filter(|b| !b.is_empty()).unwrap_or(DEFAULT_BRANCH).to_string();
        check_branch(&branch)?;
        let mut trusted = Vec::new();
        for t in trust {
            let fp = release::normalise_fingerprint(t).map_err(|m| Error::invalid("trust", m))?;
            if !trusted.contains(&fp) {
                trusted.push(fp);
            }
        }
        if trusted.is_empty() {
            return Err(Error::invalid(
                "trust",
                "name the fingerprint of at least one publisher key to trust (--trust)",
            ));
        }
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => n.to_string(),
            None => {
                let last = url.trim_end_matches('/').rsplit(['/', ':']).next().unwrap_or("library");
                let n = last.trim_end_matches(".git");
                if n.is_empty() { "library".to_string() } else { n.to_string() }
            }
        };
        if name.len() > 80 || name.chars().any(|c| c.is_control()) {
            return Err(Error::invalid("name", "a source's name is up to 80 printable characters"));
        }
        if self.store().source_by_name(&name)?.is_some() {
            return Err(Error::Conflict(format!("a source named '{name}' is already followed: choose another --name")));
        }
        let now = self.now();
        self.store().insert_source(&name, &url, &branch, &trusted, now)?;
        self.library_source(&name)
    }

    /// Adds a trusted publisher key to a source (a new key of the legal team's).
    pub fn trust_library_key(&mut self, name: &str, fingerprint: &str) -> Result<Source> {
        let row = self.source_row(name)?;
        let fp = release::normalise_fingerprint(fingerprint).map_err(|m| Error::invalid("fingerprint", m))?;
        let mut trusted = row.trusted.clone();
        if !trusted.contains(&fp) {
            trusted.push(fp);
        }
        self.store().set_source_trust(row.id, &trusted)?;
        self.library_source(name)
    }

    fn source_row(&self, name: &str) -> Result<SourceRow> {
        self.store().source_by_name(name)?.ok_or_else(|| Error::not_found("library source", name))
    }

    fn source_of(&self, row: SourceRow) -> Result<Source> {
        let latest = self.store().latest_release(row.id)?;
        Ok(Source {
            id: row.id,
            name: row.name,
            url: row.url,
            branch: row.branch,
            trusted: row.trusted,
            release: latest.as_ref().map(|r| r.sequence),
            library: latest.as_ref().map(|r| r.library.clone()),
            publisher: latest.as_ref().map(|r| r.publisher.clone()),
            released_at: latest.as_ref().map(|r| r.published_at.clone()),
            last_pulled_at: row.last_pulled_at,
            created_at: row.created_at,
        })
    }

    /// One followed source.
    pub fn library_source(&self, name: &str) -> Result<Source> {
        let row = self.source_row(name)?;
        self.source_of(row)
    }

    /// The releases this store published, newest first.
    pub fn published_library_releases(&self) -> Result<Vec<PublishedRelease>> {
        Ok(self
            .store()
            .published_releases()?
            .into_iter()
            .map(|r| {
                let m = Manifest::parse(r.manifest.as_bytes(), "a stored release").ok();
                PublishedRelease {
                    sequence: r.sequence,
                    remote: r.remote,
                    branch: r.branch,
                    library: r.library,
                    publisher: r.publisher,
                    published_at: r.published_at,
                    commit: r.commit_id,
                    manifest_sha256: r.manifest_sha256,
                    note: m.as_ref().and_then(|m| m.note.clone()),
                    versions: m.map_or(0, |m| m.entries.len()),
                }
            })
            .collect())
    }

    /// Every followed source, the release we are at, and when we last pulled.
    pub fn library_sources(&self) -> Result<Vec<Source>> {
        self.store().sources()?.into_iter().map(|r| self.source_of(r)).collect()
    }

    /// Pulls one source (by name) or every source: fetches, checks and imports each new release.
    /// A failure (no network, a refused release) changes nothing and is returned as the error.
    pub fn pull_library(&mut self, name: Option<&str>) -> Result<Vec<PullReport>> {
        let rows = match name {
            Some(n) => vec![self.source_row(n)?],
            None => self.store().sources()?,
        };
        if rows.is_empty() {
            return Err(Error::Conflict(
                "no library sources are followed: add one with `steward library follow URL --trust FINGERPRINT`".into(),
            ));
        }
        let mut out = Vec::new();
        for row in rows {
            out.push(self.pull_source(&row)?);
        }
        Ok(out)
    }

    fn pull_source(&mut self, row: &SourceRow) -> Result<PullReport> {
        let url = row.url.clone();
        let latest = self.store().latest_release(row.id)?;
        let report = |latest: &ReleaseRow, unchanged: bool| PullReport {
            source: row.name.clone(),
            url: url.clone(),
            from_release: Some(latest.sequence),
            release: latest.sequence,
            library: latest.library.clone(),
            publisher: latest.publisher.clone(),
            unchanged,
            changes: Vec::new(),
        };
        let head = git::remote_head(&url, &row.branch)?.ok_or_else(|| {
            Error::Release(format!(
                "{url} has no branch {}: it is not a Steward library (or nothing was published yet)",
                row.branch
            ))
        })?;
        if let Some(l) = &latest {
            if l.commit_id == head {
                let now = self.now();
                self.store().note_pull(row.id, None, now)?;
                return Ok(report(l, true));
            }
        }
        let tmp = tempfile::tempdir()
            .map_err(|e| Error::Io { context: "cannot make a temporary folder".into(), source: e })?;
        let dir = tmp.path().join("library");
        git::clone_branch(&url, &row.branch, &dir)?;
        let commit = git::head(&dir)?;
        if let Some(l) = &latest {
            if !git::is_ancestor(&dir, &l.commit_id) {
                return Err(Error::Release(format!(
                    "the history of {url} was rewritten (a forced push): commit {} of release {}, which we accepted, is no longer in it; nothing was imported",
                    &l.commit_id[..l.commit_id.len().min(12)],
                    l.sequence
                )));
            }
        }
        let tip_what = format!("the newest release on {url}");
        let bytes = read_in(&dir, MANIFEST, &tip_what)?.ok_or_else(|| {
            Error::Release(format!("{url} is not a Steward library: branch {} has no {MANIFEST}", row.branch))
        })?;
        let sig = read_in(&dir, SIGNATURE, &tip_what)?
            .ok_or_else(|| Error::Release(format!("{tip_what} has no signature ({SIGNATURE}): it is refused")))?;
        let manifest = Manifest::parse(&bytes, &tip_what)?;
        let what = format!("release {} of {url}", manifest.sequence);
        let fp = release::verify(&bytes, &sig, &what)?;
        if !row.trusted.contains(&fp) {
            return Err(Error::Release(format!(
                "{what} is signed by {} ({fp}), a key not trusted for '{}': nothing was imported (if the key is the publisher's, `steward library trust {} {fp}`)",
                publisher_label(&manifest.publisher),
                row.name,
                row.name
            )));
        }
        let tip_hash = release::manifest_hash(&bytes);
        if let Some(l) = &latest {
            if manifest.sequence < l.sequence {
                return Err(Error::Release(format!(
                    "{url} offers release {}, older than release {} that we accepted: a rollback is refused",
                    manifest.sequence, l.sequence
                )));
            }
            if manifest.sequence == l.sequence {
                if tip_hash == l.manifest_sha256 {
                    let now = self.now();
                    self.store().note_pull(row.id, None, now)?;
                    return Ok(report(l, true));
                }
                return Err(Error::Release(format!(
                    "release {} on {url} is not the release {} we accepted (its manifest differs): the history was rewritten",
                    manifest.sequence, l.sequence
                )));
            }
        }
        self.check_chain(&dir, &url, &manifest, latest.as_ref())?;

        // Every file is the one the manifest names.
        let mut parsed: Vec<(Entry, Template)> = Vec::new();
        for e in &manifest.entries {
            let content = read_in(&dir, &e.path, &what)?
                .ok_or_else(|| Error::Release(format!("{what} lists {} but the file is missing", e.path)))?;
            if sha256_hex(&content) != e.file_sha256 {
                return Err(Error::Release(format!(
                    "{} was changed after {what} was signed (its SHA-256 is not the manifest's): nothing was imported",
                    e.path
                )));
            }
            let text =
                String::from_utf8(content).map_err(|_| Error::Release(format!("{} is not UTF-8 text", e.path)))?;
            let t = steward_clauses::meta::parse_file(&e.path, &text)
                .map_err(|err| Error::Release(format!("{what}: {err}")))?;
            if t.hash() != e.hash || t.id() != e.id || t.type_name() != e.template_type {
                return Err(Error::Release(format!(
                    "{} in {what} is not {} {} with hash {}: nothing was imported",
                    e.path, e.template_type, e.id, e.hash
                )));
            }
            if !matches!(e.status.as_str(), "approved" | "deprecated") {
                return Err(Error::Release(format!(
                    "{what} lists {} as '{}': a release holds approved and deprecated versions only",
                    e.path, e.status
                )));
            }
            parsed.push((e.clone(), t));
        }

        // Import, in one transaction.
        let before = self.approved()?;
        let source_name = row.name.clone();
        let manifest_text = String::from_utf8_lossy(&bytes).into_owned();
        let publisher = publisher_label(&manifest.publisher);
        let now = self.now();
        let changes = self.atomically(|s| {
            let release_id = s.store().insert_release(
                &NewRelease {
                    source_id: Some(row.id),
                    remote: &url,
                    branch: &row.branch,
                    sequence: manifest.sequence,
                    manifest_sha256: &tip_hash,
                    manifest: &manifest_text,
                    commit_id: &commit,
                    library: &manifest.library,
                    publisher: &publisher,
                    fingerprint: &fp,
                    published_at: &manifest.published_at,
                },
                now,
            )?;
            let by = format!("{publisher} ({source_name} release {})", manifest.sequence);
            let origin = format!("{source_name} release {}", manifest.sequence);
            let mut changes = Vec::new();
            for (e, t) in &parsed {
                let (ty, id) = (t.type_name(), t.id());
                let title = match t {
                    Template::Clause(c) => c.meta.title.clone(),
                    Template::Kind(k) => k.title.clone(),
                };
                let note = format!("{} in release {} of {}", e.status, manifest.sequence, manifest.library);
                let (version, change) = match s.store().template_version(&e.hash)? {
                    None => {
                        let version = s.store().next_template_version(ty, id)?;
                        s.store().insert_template_version(
                            &e.hash,
                            ty,
                            id,
                            version,
                            &title,
                            &t.canonical(),
                            &origin,
                            "draft",
                            &by,
                            None,
                            now,
                        )?;
                        s.store().set_template_status(&e.hash, "draft", &e.status, &by, Some(&note), now)?;
                        (version, if e.status == "deprecated" { None } else { Some("new") })
                    }
                    Some(r) if r.status != e.status => {
                        s.store().set_template_status(&e.hash, &r.status, &e.status, &by, Some(&note), now)?;
                        (r.version, Some(if e.status == "deprecated" { "deprecated" } else { "approved" }))
                    }
                    Some(r) => (r.version, None),
                };
                s.store().insert_provenance(&e.hash, release_id)?;
                let Some(change) = change else { continue };
                let prev = before.get(&(ty.to_string(), id.to_string())).filter(|p| p.hash != e.hash);
                let diff = match (change, prev) {
                    ("deprecated", _) | (_, None) => Vec::new(),
                    (_, Some(p)) => {
                        let old = Template::from_canonical(&p.canonical).map_err(Error::Damaged)?;
                        steward_clauses::diff::words(&diff_text(&old), &diff_text(t))
                    }
                };
                changes.push(LibraryChange {
                    template_type: ty.to_string(),
                    id: id.to_string(),
                    title,
                    version,
                    change: change.to_string(),
                    previous_version: prev.map(|p| p.version),
                    diff,
                });
            }
            s.store().note_pull(row.id, None, now)?;
            Ok(changes)
        })?;
        Ok(PullReport {
            source: row.name.clone(),
            url,
            from_release: latest.as_ref().map(|l| l.sequence),
            release: manifest.sequence,
            library: manifest.library.clone(),
            publisher,
            unchanged: false,
            changes,
        })
    }

    /// Walks the hash chain from the newest release back to the one accepted last (or to the
    /// first release): each step one sequence number down, its manifest hashing to what the next
    /// names, its signature valid.
    fn check_chain(&self, dir: &Path, url: &str, tip: &Manifest, latest: Option<&ReleaseRow>) -> Result<()> {
        let stop = latest.map_or(0, |l| l.sequence);
        let mut cur = tip.clone();
        while cur.sequence > stop {
            let Some(prev_hash) = cur.previous.clone() else {
                if cur.sequence == 1 && stop == 0 {
                    return Ok(());
                }
                return Err(Error::Release(format!(
                    "release {} of {url} names no previous release: the chain of releases is broken",
                    cur.sequence
                )));
            };
            let prev_seq = cur.sequence - 1;
            if prev_seq < 1 {
                return Err(Error::Release(format!(
                    "release 1 of {url} names a previous release: the chain is broken"
                )));
            }
            if prev_seq == stop {
                let l = latest.ok_or_else(|| Error::Release("the chain of releases is broken".into()))?;
                if prev_hash != l.manifest_sha256 {
                    return Err(Error::Release(format!(
                        "release {} of {url} does not follow release {} that we accepted (the previous-release hash differs): the history was rewritten; nothing was imported",
                        cur.sequence, l.sequence
                    )));
                }
                return Ok(());
            }
            let what = format!("release {prev_seq} of {url}");
            let bytes = read_in(dir, &format!("releases/{prev_seq}.json"), &what)?.ok_or_else(|| {
                Error::Release(format!("{what} is missing from releases/: the chain of releases is broken"))
            })?;
            if release::manifest_hash(&bytes) != prev_hash {
                return Err(Error::Release(format!(
                    "releases/{prev_seq}.json is not the release {} names (its hash differs): the chain of releases is broken",
                    cur.sequence
                )));
            }
            let sig = read_in(dir, &format!("releases/{prev_seq}.sig"), &what)?
                .ok_or_else(|| Error::Release(format!("{what} has no signature in releases/")))?;
            release::verify(&bytes, &sig, &what)?;
            let m = Manifest::parse(&bytes, &what)?;
            if m.sequence != prev_seq {
                return Err(Error::Release(format!("releases/{prev_seq}.json says it is release {}", m.sequence)));
            }
            cur = m;
        }
        Ok(())
    }

    /// Where a template version came from: the release of a followed library it arrived in, or
    /// `None` when it was approved here.
    pub fn template_provenance(&self, hash: &str) -> Result<Option<String>> {
        Ok(self.store().provenance(hash)?.map(|(_, library, seq)| format!("from {library}'s library, release {seq}")))
    }
}

/// The text a library change is compared by: a clause's body, a kind's file.
fn diff_text(t: &Template) -> String {
    match t {
        Template::Clause(c) => c.body.clone(),
        Template::Kind(_) => t.file_text().unwrap_or_default(),
    }
}

//! The system `git`, run for a library source: clone, fetch, commit and push with the user's own
//! git set-up (ssh agent, credential helper). Steward never asks for or stores a password: git is
//! told not to prompt, so a remote that needs one fails with git's reason.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one git command may take (a clone over a slow network).
const TIMEOUT: Duration = Duration::from_secs(180);

/// Refuses what is not a remote git can reach without running something else: empty, an option,
/// a `ext::` or other helper transport.
pub fn check_url(url: &str) -> std::result::Result<(), String> {
    let u = url.trim();
    if u.is_empty() {
        return Err("give the git remote's URL or path".into());
    }
    if u.starts_with('-') {
        return Err(format!("'{u}' is not a git remote (it looks like an option)"));
    }
    if u.chars().any(|c| c.is_control()) {
        return Err("the remote's URL contains control characters".into());
    }
    if let Some((scheme, _)) = u.split_once("::") {
        return Err(format!(
            "'{scheme}::' remotes run a helper program: use a path, file://, ssh://, git:// or https://"
        ));
    }
    if let Some((scheme, _)) = u.split_once("://") {
        if !matches!(scheme, "file" | "ssh" | "git" | "http" | "https" | "git+ssh" | "ssh+git") {
            return Err(format!(
                "'{scheme}://' is not a git transport Steward uses: use a path, file://, ssh://, git:// or https://"
            ));
        }
    }
    Ok(())
}

/// Runs `git args...` in `dir`; returns its standard output. A failure names `what` and git's
/// own last words.
pub fn run(dir: Option<&Path>, args: &[&str], what: &str) -> Result<String> {
    let mut cmd = Command::new("git");
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    cmd.args([
        "-c",
        "protocol.ext.allow=never",
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "credential.interactive=never",
    ])
    .args(args)
    .env("GIT_TERMINAL_PROMPT", "0")
    .env("GIT_ASKPASS", "")
    .env("SSH_ASKPASS", "")
    .env("LC_ALL", "C")
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    if std::env::var_os("GIT_SSH_COMMAND").is_none() && std::env::var_os("GIT_SSH").is_none() {
        cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    let mut child = cmd.spawn().map_err(|e| {
        Error::Remote(format!("{what}: git could not be started ({e}); install git (apt install git) and try again"))
    })?;
    // Read both pipes on threads so a chatty git never blocks on a full pipe.
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let out_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(o) = out.as_mut() {
            let _ = o.take(64 << 20).read_to_end(&mut s);
        }
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(e) = err.as_mut() {
            let _ = e.take(1 << 20).read_to_end(&mut s);
        }
        s
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Remote(format!("{what}: git gave no answer in {} s", TIMEOUT.as_secs())));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(Error::Remote(format!("{what}: {e}"))),
        }
    };
    let stdout = out_t.join().unwrap_or_default();
    let stderr = err_t.join().unwrap_or_default();
    if !status.success() {
        let text = String::from_utf8_lossy(&stderr);
        let said: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("hint:") && !l.starts_with("warning:"))
            .collect();
        let tail = said.iter().rev().take(3).rev().copied().collect::<Vec<_>>().join("; ");
        let tail: String = tail.chars().take(400).collect();
        return Err(Error::Remote(format!(
            "{what}: {}",
            if tail.is_empty() { format!("git failed ({status})") } else { tail }
        )));
    }
    Ok(String::from_utf8_lossy(&stdout).into_owned())
}

/// The commit a remote branch points at, or `None` when the remote has no such branch (an empty
/// repository).
pub fn remote_head(url: &str, branch: &str) -> Result<Option<String>> {
    let out = run(None, &["ls-remote", "--heads", "--", url, branch], &format!("cannot reach {url}"))?;
    let want = format!("refs/heads/{branch}");
    Ok(out.lines().find_map(|l| {
        let (sha, name) = l.split_once('\t')?;
        (name.trim() == want).then(|| sha.trim().to_string())
    }))
}

/// Clones `url` into `dir` (which must not exist) and checks out `branch`; an empty remote or a
/// missing branch gives an unborn branch of that name. Returns whether the branch existed.
pub fn clone_branch(url: &str, branch: &str, dir: &Path) -> Result<bool> {
    let d = dir.to_str().ok_or_else(|| Error::Remote("the temporary folder's path is not UTF-8".into()))?;
    run(None, &["clone", "--quiet", "--no-checkout", "--", url, d], &format!("cannot fetch {url}"))?;
    let remote_ref = format!("refs/remotes/origin/{branch}");
    let exists = run(Some(dir), &["rev-parse", "--verify", "--quiet", &remote_ref], "git").is_ok();
    if exists {
        run(Some(dir), &["checkout", "--quiet", "-B", branch, &format!("origin/{branch}")], "git checkout")?;
    } else {
        run(Some(dir), &["symbolic-ref", "HEAD", &format!("refs/heads/{branch}")], "git")?;
    }
    Ok(exists)
}

/// The commit checked out in `dir`.
pub fn head(dir: &Path) -> Result<String> {
    Ok(run(Some(dir), &["rev-parse", "HEAD"], "git rev-parse")?.trim().to_string())
}

/// Whether `ancestor` is in the history of `HEAD` in `dir`.
pub fn is_ancestor(dir: &Path, ancestor: &str) -> bool {
    run(Some(dir), &["merge-base", "--is-ancestor", ancestor, "HEAD"], "git").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_that_would_run_a_program_or_an_option_are_refused() {
        for ok in [
            "/srv/library.git",
            "file:///srv/library.git",
            "ssh://git@example.org/lib.git",
            "https://example.org/lib.git",
            "git@example.org:lib.git",
            "git://localhost/lib.git",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "  ",
            "--upload-pack=touch /tmp/x",
            "ext::sh -c touch% /tmp/x",
            "fd::17",
            "ftp://example.org/x",
            "a\nb",
        ] {
            assert!(check_url(bad).is_err(), "{bad:?}");
        }
    }
}

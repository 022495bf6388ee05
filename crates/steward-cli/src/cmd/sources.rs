//! `steward library`: the institution's approved library over git (publish, follow, pull,
//! sources, trust, releases).

use crate::args::LibraryCmd;
use crate::{Out, Outcome, output};
use steward_core::Steward;
use steward_core::library::sources::PullReport;

fn pull_text(r: &PullReport) -> String {
    if r.unchanged {
        return format!("{}: at release {} of {}'s library, nothing new", r.source, r.release, r.library);
    }
    let from = r.from_release.map(|f| format!("release {f} to ")).unwrap_or_default();
    let mut t = format!(
        "{}: {from}release {} of {}'s library, signed by {} (verified)",
        r.source, r.release, r.library, r.publisher
    );
    if r.changes.is_empty() {
        t.push_str("\n  no version changed here");
    }
    for c in &r.changes {
        let what = match c.change.as_str() {
            "new" => match c.previous_version {
                Some(p) => format!("version {} replaces version {p}", c.version),
                None => format!("version {} (new)", c.version),
            },
            "approved" => format!("version {} approved", c.version),
            other => format!("version {} {other}", c.version),
        };
        t.push_str(&format!("\n  {} {}: {what}: {}", c.template_type, c.id, c.title));
        if !c.diff.is_empty() {
            for line in c.diff_text().lines() {
                t.push_str(&format!("\n    {line}"));
            }
        }
    }
    t
}

pub(crate) fn library(s: &mut Steward, cmd: LibraryCmd, out: Out) -> Outcome {
    match cmd {
        LibraryCmd::Publish { remote, branch, identity, note } => {
            let p = s.publish_library(&remote, branch.as_deref(), identity, note.as_deref())?;
            if out.json {
                return Ok(output::json(&p)?);
            }
            let mut t = format!(
                "published release {} of {}'s library to {} ({}), {} versions, signed by {}",
                p.sequence, p.library, p.remote, p.branch, p.versions, p.signed_by
            );
            if p.previous.is_some() {
                for c in &p.changed {
                    t.push_str(&format!("\n  {c}"));
                }
            }
            Ok(output::text(&t)?)
        }
        LibraryCmd::Follow { url, trust, name, branch } => {
            let src = s.follow_library(&url, &trust, name.as_deref(), branch.as_deref())?;
            if out.json {
                return Ok(output::json(&src)?);
            }
            Ok(output::text(&format!(
                "following {} as '{}' (branch {}), trusting {}; `steward library pull {}` fetches it",
                src.url,
                src.name,
                src.branch,
                src.trusted.join(", "),
                src.name
            ))?)
        }
        LibraryCmd::Pull { name } => {
            let reports = s.pull_library(name.as_deref())?;
            if out.json {
                return Ok(output::json(&reports)?);
            }
            Ok(output::text(&reports.iter().map(pull_text).collect::<Vec<_>>().join("\n"))?)
        }
        LibraryCmd::Sources => {
            let list = s.library_sources()?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            if list.is_empty() {
                return Ok(output::text("no library sources are followed")?);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|x| {
                    vec![
                        x.name.clone(),
                        x.release.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
                        x.library.clone().unwrap_or_default(),
                        x.last_pulled_at.clone().unwrap_or_else(|| "never".into()),
                        format!("{} ({})", x.url, x.branch),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["NAME", "RELEASE", "LIBRARY", "LAST PULLED", "REMOTE"], &rows))?)
        }
        LibraryCmd::Trust { name, fingerprint } => {
            let src = s.trust_library_key(&name, &fingerprint)?;
            if out.json {
                return Ok(output::json(&src)?);
            }
            Ok(output::text(&format!("'{}' trusts {}", src.name, src.trusted.join(", ")))?)
        }
        LibraryCmd::Releases => {
            let list = s.published_library_releases()?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            if list.is_empty() {
                return Ok(output::text("no releases published from this store")?);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|r| {
                    vec![
                        r.sequence.to_string(),
                        r.published_at.clone(),
                        r.versions.to_string(),
                        format!("{} ({})", r.remote, r.branch),
                        r.note.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["RELEASE", "PUBLISHED", "VERSIONS", "REMOTE", "NOTE"], &rows))?)
        }
    }
}

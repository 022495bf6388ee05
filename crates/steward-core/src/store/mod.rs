//! The local SQLite store: opening, configuration and schema migrations.
//!
//! Invariants: a database whose schema is newer than this binary is refused before anything is
//! written to it; migrations run in one transaction, so a failed upgrade leaves the old schema whole.

pub(crate) mod agreements;
mod collaborations;
pub(crate) mod decisions;
pub(crate) mod diligence;
pub(crate) mod exchange;
pub(crate) mod identities;
pub(crate) mod ip;
pub(crate) mod ledger;
pub(crate) mod library;
pub(crate) mod obligations;
pub(crate) mod publications;
pub(crate) mod risks;
pub(crate) mod sources;
pub(crate) mod trust;

pub use agreements::{AgreementInfo, AgreementRow, RevisionRow, RevisionSignature};
pub use library::{ReviewRow, TemplateRow};
pub use trust::PartnerKey;

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A time as the store writes it (RFC 3339, milliseconds, UTC).
pub(crate) fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// `STWD` in ASCII: marks a SQLite file as Steward's.
pub const APPLICATION_ID: i64 = 0x5354_5744;

/// One numbered schema step. Released steps are never edited (a test pins their hashes).
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "foundation", sql: include_str!("../../migrations/0001_foundation.sql") },
    Migration {
        version: 2,
        name: "library_agreements",
        sql: include_str!("../../migrations/0002_library_agreements.sql"),
    },
    Migration { version: 3, name: "identities", sql: include_str!("../../migrations/0003_identities.sql") },
    Migration { version: 4, name: "ledger_decisions", sql: include_str!("../../migrations/0004_ledger_decisions.sql") },
    Migration { version: 5, name: "library_search", sql: include_str!("../../migrations/0005_library_search.sql") },
    Migration { version: 6, name: "exchange", sql: include_str!("../../migrations/0006_exchange.sql") },
    Migration { version: 7, name: "trust", sql: include_str!("../../migrations/0007_trust.sql") },
    Migration { version: 8, name: "rendering", sql: include_str!("../../migrations/0008_rendering.sql") },
    Migration { version: 9, name: "diligence", sql: include_str!("../../migrations/0009_diligence.sql") },
    Migration { version: 10, name: "running", sql: include_str!("../../migrations/0010_running.sql") },
    Migration { version: 11, name: "ip_exit", sql: include_str!("../../migrations/0011_ip_exit.sql") },
    Migration { version: 12, name: "library_sources", sql: include_str!("../../migrations/0012_library_sources.sql") },
    Migration {
        version: 13,
        name: "lasting_signatures",
        sql: include_str!("../../migrations/0013_lasting_signatures.sql"),
    },
    Migration { version: 14, name: "word_drafts", sql: include_str!("../../migrations/0014_word_drafts.sql") },
];

/// The schema version this binary writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct Store {
    pub(crate) conn: Connection,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// A second, read-only connection to the same file, for a long read on another thread.
    pub(crate) fn reader(&self) -> Option<Connection> {
        let path = self.path.as_ref()?;
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).ok()?;
        conn.pragma_update(None, "mmap_size", 1024i64 * 1024 * 1024).ok()?;
        Some(conn)
    }

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        if path.exists() {
            inspect_existing(path)?;
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Io { context: format!("cannot create the folder {}", dir.display()), source: e })?;
        }
        let conn = Connection::open(path).map_err(|e| open_error(path, &e))?;
        let mut store = Self { conn, path: Some(path.to_path_buf()) };
        store.configure(true).map_err(|e| open_error(path, &e))?;
        store.migrate_to(SCHEMA_VERSION)?;
        Ok(store)
    }

    /// A private in-memory store (tests, previews).
    pub(crate) fn open_in_memory() -> Result<Self> {
        let mut store = Self { conn: Connection::open_in_memory()?, path: None };
        store.configure(false)?;
        store.migrate_to(SCHEMA_VERSION)?;
        Ok(store)
    }

    /// Opens without migrating: for tests that build old schemas.
    #[doc(hidden)]
    #[cfg(test)]
    pub(crate) fn open_at_version(path: &Path, version: i64) -> Result<Self> {
        let conn = Connection::open(path)?;
        let mut store = Self { conn, path: Some(path.to_path_buf()) };
        store.configure(true)?;
        store.migrate_to(version)?;
        Ok(store)
    }

    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(crate) fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn configure(&mut self, file: bool) -> rusqlite::Result<()> {
        self.conn.busy_timeout(Duration::from_secs(5))?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        if file {
            self.conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
            self.conn.pragma_update(None, "synchronous", "NORMAL")?;
            // Keep the write-ahead log from growing to the size of a large import.
            self.conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
            // Read through a memory map (address space, not memory): long passes over the log
            // and the ledger skip a copy of every page.
            self.conn.pragma_update(None, "mmap_size", 1024i64 * 1024 * 1024)?;
            // A larger page cache for reports over big ledgers (negative: KiB).
            self.conn.pragma_update(None, "cache_size", -32 * 1024)?;
        }
        Ok(())
    }

    /// Applies the migrations above the current version, up to `target`, in one transaction.
    fn migrate_to(&mut self, target: i64) -> Result<()> {
        let current = self.schema_version()?;
        if current > SCHEMA_VERSION {
            return Err(Error::NewerSchema {
                path: self.path.clone().unwrap_or_default(),
                found: current,
                supported: SCHEMA_VERSION,
            });
        }
        if current >= target {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        for m in MIGRATIONS.iter().filter(|m| m.version > current && m.version <= target) {
            tx.execute_batch(m.sql).map_err(|e| Error::Open {
                path: self.path.clone().unwrap_or_default(),
                reason: format!("migration {:04}_{} failed: {e}", m.version, m.name),
            })?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", target)?;
        tx.commit()?;
        Ok(())
    }

    /// Runs `f` in one transaction (a savepoint, so calls nest): all of it lands, or none of it.
    pub(crate) fn atomically<T, S>(
        owner: &mut S,
        conn: impl Fn(&mut S) -> &mut Store,
        f: impl FnOnce(&mut S) -> Result<T>,
    ) -> Result<T> {
        conn(owner).conn.execute_batch("SAVEPOINT steward")?;
        match f(owner) {
            Ok(v) => {
                conn(owner).conn.execute_batch("RELEASE steward")?;
                Ok(v)
            }
            Err(e) => {
                // A failed rollback leaves SQLite to roll back when the connection closes.
                let _ = conn(owner).conn.execute_batch("ROLLBACK TO steward; RELEASE steward");
                Err(e)
            }
        }
    }
}

/// Looks at an existing file read-only: refuses a newer schema or a foreign file before any write.
fn inspect_existing(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| open_error(path, &e))?;
    let read = |pragma: &str| conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get::<_, i64>(0));
    let version = read("user_version").map_err(|e| open_error(path, &e))?;
    let app_id = read("application_id").map_err(|e| open_error(path, &e))?;
    if app_id != 0 && app_id != APPLICATION_ID {
        return Err(Error::Open {
            path: path.to_path_buf(),
            reason: format!("it is a SQLite database of another application (application_id {app_id:#x})"),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(Error::NewerSchema { path: path.to_path_buf(), found: version, supported: SCHEMA_VERSION });
    }
    if version == 0 {
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", [], |r| r.get(0))
            .map_err(|e| open_error(path, &e))?;
        if tables > 0 {
            return Err(Error::Open {
                path: path.to_path_buf(),
                reason: format!("it holds {tables} tables but is not a Steward database"),
            });
        }
    }
    Ok(())
}

fn open_error(path: &Path, e: &rusqlite::Error) -> Error {
    let reason = match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => "the file is not a SQLite database".to_string(),
        Some(rusqlite::ErrorCode::CannotOpen) => "the file cannot be opened (check the path and permissions)".into(),
        Some(rusqlite::ErrorCode::ReadOnly) => "the file is read-only".into(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            "another program holds a lock on it".into()
        }
        _ => e.to_string(),
    };
    Error::Open { path: path.to_path_buf(), reason }
}

/// The store named by the `STEWARD_DB` environment variable, else [`default_db_path`].
pub fn db_path_from_env() -> PathBuf {
    std::env::var_os("STEWARD_DB").filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or_else(default_db_path)
}

/// Where the store lives unless `--db` or `STEWARD_DB` says otherwise:
/// `$XDG_DATA_HOME/steward/steward.db` on Linux, the platform's data folder elsewhere.
pub fn default_db_path() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("steward").join("steward.db")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// Released migrations are frozen: editing one would fork the schema of existing users.
    #[test]
    fn released_migrations_are_unchanged() {
        let pinned = [
            (1, "4c22a3e5678335b192ca0817db039e510b88d7efe2725aa0c20fc84ae4268364"),
            (2, "1bcef2d391bcb8548ca1fb44a3729e72feea0bc4e4cf402b04c60e78a7643a1f"),
            (3, "50964d9301c1d003056049ffad3fa73a0709b662f44226626b5bbf7119f4c6d9"),
            (4, "49a2f944e2c1d26a9b27252461ddf5b410a974e1fef88b4273c71e154c6af36d"),
            (5, "d30aba836dd679c79a08e7ae37466b2ecc6bb8f4fa9970d0eb7c2cfc03e95ad1"),
            (6, "8aa0254aa651bb73983acb2e95ece562bfa285658a1ba0a7748ab5bf09868545"),
            (7, "9ae9a7e9f55e7b8261d625795713104728bf9fb66a9d3445ac42eeed0e1c5b3c"),
            (8, "2702223d2a2e577e49fd3814170ea80ac41c625bc8ce7e6776514df8fab4d102"),
            (9, "3cd8e4a1b210706abcf3f91177bfefc8de377ba2bce16bc6feaf2f20b1b2bc11"),
            (10, "ceb0c9c462a1e88597d7f96842c7a70c47b08489a8a44e69caa018c8447dd0f4"),
            (11, "c647cc77fe647bf89f6d7df19fc52b9615253195c5506c364414be5bfba7fdb0"),
        ];
        for (version, hash) in pinned {
            let m = &MIGRATIONS[(version - 1) as usize];
            assert_eq!(m.version, version);
            // Hash of the file as checked out with LF line ends.
            let sql = m.sql.replace("\r\n", "\n");
            assert_eq!(hex::encode(Sha256::digest(sql.as_bytes())), hash, "migration {version} was edited");
        }
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "migrations must be numbered 1, 2, 3, ...");
        }
    }

    /// Upgrades a database made at every earlier schema version, with data in it, to the latest.
    #[test]
    fn upgrades_from_every_earlier_version() {
        for from in 0..SCHEMA_VERSION {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("old.db");
            {
                let old = Store::open_at_version(&path, from).expect("old schema");
                assert_eq!(old.schema_version().expect("version"), from);
                if from >= 1 {
                    old.conn
                        .execute_batch(
                            "INSERT INTO party (legal_name, kind, country, created_at) VALUES ('Old U', 'university', 'GB', '2026-01-01T00:00:00Z');
                             INSERT INTO collaboration (title, status, created_at, updated_at) VALUES ('Old', 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
                             INSERT INTO collaboration_party VALUES (1, 1, 'lead', '2026-01-01T00:00:00Z');",
                        )
                        .expect("fixture");
                }
                if from >= 10 {
                    old.conn
                        .execute_batch(
                            "INSERT INTO obligation (collaboration_id, key, origin, kind, title, party_ids, party_label,
                                due_date, rule, remind_days, status, sequence, created_at, updated_at)
                             VALUES (1, 'manual:1', 'manual', 'deliverable', 'Report', '[1]', 'Old U', '2027-01-01',
                                'added by hand', 7, 'done', 2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
                        )
                        .expect("obligation fixture");
                }
            }
            let store = Store::open(&path).expect("upgrade");
            assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
            let ok: String = store.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
            assert_eq!(ok, "ok");
            let fk: i64 =
                store.conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).expect("fk");
            assert_eq!(fk, 0);
            if from >= 1 {
                let n: i64 =
                    store.conn.query_row("SELECT count(*) FROM collaboration_party", [], |r| r.get(0)).expect("n");
                assert_eq!(n, 1, "data survives the upgrade from {from}");
            }
            if from >= 10 {
                let (status, seq): (String, i64) = store
                    .conn
                    .query_row("SELECT status, sequence FROM obligation WHERE key = 'manual:1'", [], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .expect("the obligation survives the copy into the wider table");
                assert_eq!((status.as_str(), seq), ("done", 2));
                let kept = store.conn.execute("DELETE FROM obligation", []);
                assert!(kept.is_err(), "obligations are still kept after the copy");
            }
        }
    }

    #[test]
    fn newer_schema_is_refused_and_left_unchanged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("future.db");
        {
            let c = Connection::open(&path).expect("create");
            c.execute_batch(&format!(
                "CREATE TABLE future (x); PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {};",
                SCHEMA_VERSION + 7
            ))
            .expect("future schema");
        }
        let before = std::fs::read(&path).expect("read");
        let err = Store::open(&path).expect_err("must refuse");
        assert_eq!(err.kind(), crate::ErrorKind::NewerSchema);
        let msg = err.to_string();
        assert!(msg.contains(&format!("schema version {}", SCHEMA_VERSION + 7)), "{msg}");
        assert!(msg.contains(&format!("up to {SCHEMA_VERSION}")), "{msg}");
        assert_eq!(std::fs::read(&path).expect("read"), before);
        let names: Vec<_> =
            std::fs::read_dir(dir.path()).expect("ls").filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
        assert_eq!(names.len(), 1, "no journal or WAL files were created: {names:?}");
    }

    #[test]
    fn foreign_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = dir.path().join("notes.db");
        let junk = b"these are not the tables you are looking for, not at all, no".repeat(20);
        std::fs::write(&text, &junk).expect("write");
        let err = Store::open(&text).expect_err("not sqlite");
        assert!(err.to_string().contains("not a SQLite database"), "{err}");
        assert_eq!(std::fs::read(&text).expect("read"), junk);

        let other = dir.path().join("other.db");
        Connection::open(&other).expect("create").execute_batch("CREATE TABLE t (x)").expect("table");
        let err = Store::open(&other).expect_err("not ours");
        assert!(err.to_string().contains("not a Steward database"), "{err}");
    }

    #[test]
    fn configured_for_safety() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("s.db")).expect("open");
        let mode: String = store.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
        assert_eq!(mode, "wal");
        let fk: i64 = store.conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).expect("fk");
        assert_eq!(fk, 1);
        let app: i64 = store.conn.query_row("PRAGMA application_id", [], |r| r.get(0)).expect("app");
        assert_eq!(app, APPLICATION_ID);
    }
}

//! SQL of the decision log (`migrations/0004_ledger_decisions.sql`, the head's checkpoint in
//! `0007_trust.sql`): entries read as verification needs them (canonical bytes straight from the
//! rows, in append order) and appended with the head.

use super::Store;
use crate::Id;
use crate::error::{Error, Result};
use rusqlite::{OptionalExtension, params};
use steward_ledger::log::{self, Entry, Head, Packed, Parts, Sealed};

fn sealed_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Id, Sealed)> {
    // The lists are kept in their canonical JSON form; any other form is damage, never repaired
    // silently (an export must not turn a changed row back into an intact one).
    let json = |i: usize| -> rusqlite::Result<Vec<String>> {
        let text: String = r.get(i)?;
        let list: Vec<String> = serde_json::from_str(&text)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))?;
        if log::json_list(&list) != text {
            return Err(rusqlite::Error::InvalidColumnType(
                i,
                "a list not in canonical form".into(),
                rusqlite::types::Type::Text,
            ));
        }
        Ok(list)
    };
    Ok((
        r.get(0)?,
        Sealed {
            entry: Entry {
                log: r.get(1)?,
                seq: r.get::<_, i64>(2)? as u64,
                title: r.get(3)?,
                decision: r.get(4)?,
                rationale: r.get(5)?,
                participants: json(6)?,
                date: r.get(7)?,
                links: json(8)?,
                supersedes: r.get::<_, Option<i64>>(9)?.map(|s| s as u64),
                author: r.get(10)?,
                author_fingerprint: r.get(11)?,
                recorded_at: r.get(12)?,
                prev: r.get(13)?,
            },
            hash: r.get(14)?,
            signature: r.get(15)?,
        },
    ))
}

impl Store {
    /// The log's uid and head, created with the first entry.
    pub(crate) fn log_head(&self, collab: Id) -> Result<Option<(String, Head)>> {
        Ok(self
            .conn
            .query_row("SELECT uid, entries, last_hash FROM decision_log WHERE collaboration_id = ?1", [collab], |r| {
                Ok((r.get(0)?, Head { entries: r.get::<_, i64>(1)? as u64, last_hash: r.get(2)? }))
            })
            .optional()?)
    }

    /// Entries as stored, in the order they were appended (row order), whatever their content.
    pub(crate) fn sealed_entries(&self, collab: Id, uid: &str) -> Result<Vec<(Id, Sealed)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, ?2, seq, title, decision, rationale, participants, decided_on, links, supersedes, author_name,
                    author_fingerprint, recorded_at, prev_hash, hash, signature
             FROM decision WHERE collaboration_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![collab, uid], sealed_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The log as verification reads it: canonical bytes straight from the rows, in the order
    /// they were appended (no entry objects: a million entries are read in well under a second).
    pub(crate) fn packed_log(&self, collab: Id, uid: &str, hint: u64) -> Result<Packed> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PARTS_COLUMNS}, signature FROM decision WHERE collaboration_id = ?1 ORDER BY id"
        ))?;
        let mut rows = stmt.query([collab])?;
        // The head is only a hint (and could be tampered with): never reserve more than a little.
        let mut packed = Packed::with_capacity((hint as usize).min(1 << 20));
        while let Some(r) = rows.next()? {
            let (parts, hash) = row_parts(r, uid)?;
            packed.push(&parts, uid, hash, r.get::<_, Vec<u8>>(13)?);
        }
        Ok(packed)
    }

    /// Every entry hashed as it is read, keeping no bytes. A large log on disk is read in slices
    /// of its rows, one per core, each on its own read-only connection.
    pub(crate) fn chain_links(&self, collab: Id, uid: &str, threads: usize) -> Result<log::Links> {
        let (lo, hi): (Option<i64>, Option<i64>) = self.conn.query_row(
            "SELECT min(id), max(id) FROM decision WHERE collaboration_id = ?1",
            [collab],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (Some(lo), Some(hi)) = (lo, hi) else { return Ok(log::Links::default()) };
        let parts = threads.min(8) as i64;
        let readers: Vec<rusqlite::Connection> =
            if hi - lo >= 50_000 && parts > 1 { (1..parts).map_while(|_| self.reader()).collect() } else { Vec::new() };
        if readers.is_empty() {
            return Ok(read_links(&self.conn, collab, uid, lo, hi)?);
        }
        let slices = readers.len() as i64 + 1;
        let step = (hi - lo + slices) / slices;
        let bound = |k: i64| (lo + k * step, (lo + (k + 1) * step - 1).min(hi));
        std::thread::scope(|scope| -> Result<log::Links> {
            let handles: Vec<_> = readers
                .into_iter()
                .enumerate()
                .map(|(k, conn)| {
                    let (from, to) = bound(k as i64 + 1);
                    scope.spawn(move || read_links(&conn, collab, uid, from, to))
                })
                .collect();
            let (from, to) = bound(0);
            let mut all = read_links(&self.conn, collab, uid, from, to)?;
            for h in handles {
                all.join(h.join().map_err(|_| Error::Conflict("reading the log failed".into()))??);
            }
            Ok(all)
        })
    }

    /// Appends a sealed entry and moves the head to it.
    pub(crate) fn append_decision(&self, collab: Id, uid: &str, sealed: &Sealed) -> Result<Id> {
        let e = &sealed.entry;
        self.conn.execute(
            "INSERT INTO decision_log (collaboration_id, uid, entries, last_hash) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (collaboration_id) DO UPDATE SET entries = excluded.entries, last_hash = excluded.last_hash",
            params![collab, uid, e.seq as i64, sealed.hash],
        )?;
        self.conn.execute(
            "INSERT INTO decision (collaboration_id, seq, title, decision, rationale, participants, decided_on, links,
                 supersedes, author_name, author_fingerprint, recorded_at, prev_hash, hash, signature)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                collab,
                e.seq as i64,
                e.title,
                e.decision,
                e.rationale,
                log::json_list(&e.participants),
                e.date,
                log::json_list(&e.links),
                e.supersedes.map(|s| s as i64),
                e.author,
                e.author_fingerprint,
                e.recorded_at,
                e.prev,
                sealed.hash,
                sealed.signature
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }
}

/// The entries of `collab` with ids in `from..=to`, in order, each encoded and hashed as read.
/// (A range scan of the table itself: one pass in rowid order, no index lookups.)
fn read_links(conn: &rusqlite::Connection, collab: Id, uid: &str, from: i64, to: i64) -> rusqlite::Result<log::Links> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PARTS_COLUMNS} FROM decision NOT INDEXED WHERE id BETWEEN ?2 AND ?3 AND collaboration_id = ?1 ORDER BY id"
    ))?;
    let mut rows = stmt.query(params![collab, from, to])?;
    let mut out = log::Links::with_capacity(((to - from + 1).max(0) as usize).min(1 << 24));
    let mut buf = Vec::with_capacity(1024);
    while let Some(r) = rows.next()? {
        let (parts, hash) = row_parts(r, uid)?;
        out.push(&parts, uid, hash, &mut buf);
    }
    Ok(out)
}

/// The columns [`row_parts`] reads, in its order (the stored hash last).
const PARTS_COLUMNS: &str = "seq, title, decision, rationale, participants, decided_on, links, supersedes, \
     author_name, author_fingerprint, recorded_at, prev_hash, hash";

/// A stored decision row as it is encoded (borrowed from the row), and its stored hash.
fn row_parts<'r>(r: &'r rusqlite::Row<'_>, uid: &'r str) -> rusqlite::Result<(Parts<'r>, &'r str)> {
    let text = |i: usize| -> rusqlite::Result<&'r str> {
        r.get_ref(i)?
            .as_str()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
    };
    let parts = Parts {
        log: uid,
        seq: r.get::<_, i64>(0)? as u64,
        title: text(1)?,
        decision: text(2)?,
        rationale: text(3)?,
        participants_json: text(4)?,
        date: text(5)?,
        links_json: text(6)?,
        supersedes: r.get::<_, Option<i64>>(7)?.map(|s| s as u64),
        author: text(8)?,
        author_fingerprint: text(9)?,
        recorded_at: text(10)?,
        prev: text(11)?,
    };
    Ok((parts, text(12)?))
}

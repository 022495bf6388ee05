//! SQL of obligations and due items (`migrations/0010_running.sql`): one row per item, whatever
//! made it; which revision each agreement's items were derived from.

use super::{Store, ts};
use crate::domain::Id;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// One obligation or due item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Obligation {
    pub id: Id,
    pub collaboration_id: Id,
    /// Stable: `agreement:ID/CLAUSE/RULE[#N]`, `manual:N`, `publication:ID/review`, `risk:ID/review`.
    pub key: String,
    /// `agreement`, `manual`, `publication` or `risk`.
    pub origin: String,
    pub agreement_id: Option<Id>,
    pub revision: Option<i64>,
    pub clause_id: Option<String>,
    pub kind: String,
    pub title: String,
    pub party_ids: Vec<Id>,
    pub party_label: String,
    pub due_date: String,
    /// How the date was worked out (or "added by hand").
    pub rule: String,
    pub remind_days: i64,
    /// `open`, `done`, `waived` or `withdrawn` (its rule no longer applies).
    pub status: String,
    pub note: Option<String>,
    pub evidence_sha256: Option<String>,
    pub decision_seq: Option<i64>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    /// The iCalendar SEQUENCE: raised whenever its date, title or status changes.
    pub sequence: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// What an item should say, as its maker works it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ItemSpec {
    pub key: String,
    pub origin: &'static str,
    pub agreement_id: Option<Id>,
    pub revision: Option<i64>,
    pub clause_id: Option<String>,
    pub kind: String,
    pub title: String,
    pub party_ids: Vec<Id>,
    pub party_label: String,
    pub due_date: String,
    pub rule: String,
    pub remind_days: i64,
}

const COLS: &str = "id, collaboration_id, key, origin, agreement_id, revision, clause_id, kind, title, party_ids, \
    party_label, due_date, rule, remind_days, status, note, evidence_sha256, decision_seq, closed_at, closed_by, \
    sequence, created_at, updated_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Obligation> {
    let ids: String = r.get(9)?;
    Ok(Obligation {
        id: r.get(0)?,
        collaboration_id: r.get(1)?,
        key: r.get(2)?,
        origin: r.get(3)?,
        agreement_id: r.get(4)?,
        revision: r.get(5)?,
        clause_id: r.get(6)?,
        kind: r.get(7)?,
        title: r.get(8)?,
        party_ids: serde_json::from_str(&ids).unwrap_or_default(),
        party_label: r.get(10)?,
        due_date: r.get(11)?,
        rule: r.get(12)?,
        remind_days: r.get(13)?,
        status: r.get(14)?,
        note: r.get(15)?,
        evidence_sha256: r.get(16)?,
        decision_seq: r.get(17)?,
        closed_at: r.get(18)?,
        closed_by: r.get(19)?,
        sequence: r.get(20)?,
        created_at: r.get(21)?,
        updated_at: r.get(22)?,
    })
}

impl Store {
    /// Items, soonest first: of one collaboration or all; closed ones too when asked.
    pub(crate) fn obligations(&self, collab: Option<Id>, include_closed: bool) -> Result<Vec<Obligation>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM obligation
             WHERE (?1 IS NULL OR collaboration_id = ?1) AND (?2 OR status = 'open')
             ORDER BY due_date, id"
        ))?;
        let rows = stmt.query_map(params![collab, include_closed], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn obligation(&self, id: Id) -> Result<Option<Obligation>> {
        Ok(self.conn.query_row(&format!("SELECT {COLS} FROM obligation WHERE id = ?1"), [id], row).optional()?)
    }

    fn obligation_by_key(&self, collab: Id, key: &str) -> Result<Option<Obligation>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLS} FROM obligation WHERE collaboration_id = ?1 AND key = ?2"),
                params![collab, key],
                row,
            )
            .optional()?)
    }

    /// Creates or moves an item. An open one takes the new date, title and party (its sequence
    /// raised if any of them changed); a done or waived one stays as it was; a withdrawn one
    /// opens again. Returns the row's id.
    pub(crate) fn upsert_item(&self, collab: Id, spec: &ItemSpec, now: DateTime<Utc>) -> Result<Id> {
        let ids = serde_json::to_string(&spec.party_ids).unwrap_or_else(|_| "[]".into());
        match self.obligation_by_key(collab, &spec.key)? {
            None => {
                self.conn.execute(
                    "INSERT INTO obligation (collaboration_id, key, origin, agreement_id, revision, clause_id, kind, title,
                        party_ids, party_label, due_date, rule, remind_days, status, sequence, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'open', 0, ?14, ?14)",
                    params![
                        collab,
                        spec.key,
                        spec.origin,
                        spec.agreement_id,
                        spec.revision,
                        spec.clause_id,
                        spec.kind,
                        spec.title,
                        ids,
                        spec.party_label,
                        spec.due_date,
                        spec.rule,
                        spec.remind_days,
                        ts(now)
                    ],
                )?;
                Ok(self.conn.last_insert_rowid())
            }
            Some(old) if old.status == "done" || old.status == "waived" => Ok(old.id),
            Some(old) => {
                let visible_change = old.due_date != spec.due_date
                    || old.title != spec.title
                    || old.party_label != spec.party_label
                    || old.status != "open";
                let any_change = visible_change
                    || old.revision != spec.revision
                    || old.rule != spec.rule
                    || old.remind_days != spec.remind_days
                    || old.party_ids != spec.party_ids
                    || old.kind != spec.kind
                    || old.clause_id != spec.clause_id;
                if any_change {
                    self.conn.execute(
                        "UPDATE obligation SET revision = ?2, clause_id = ?3, kind = ?4, title = ?5, party_ids = ?6,
                            party_label = ?7, due_date = ?8, rule = ?9, remind_days = ?10, status = 'open',
                            sequence = sequence + ?11, updated_at = ?12
                         WHERE id = ?1",
                        params![
                            old.id,
                            spec.revision,
                            spec.clause_id,
                            spec.kind,
                            spec.title,
                            ids,
                            spec.party_label,
                            spec.due_date,
                            spec.rule,
                            spec.remind_days,
                            i64::from(visible_change),
                            ts(now)
                        ],
                    )?;
                }
                Ok(old.id)
            }
        }
    }

    /// Withdraws an open item whose rule no longer applies (kept, so calendars hear of it).
    pub(crate) fn withdraw_item(&self, id: Id, why: &str, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE obligation SET status = 'withdrawn', note = ?2, sequence = sequence + 1, updated_at = ?3
             WHERE id = ?1 AND status = 'open'",
            params![id, why, ts(now)],
        )?;
        Ok(())
    }

    /// Withdraws the open item with `key`, if there is one.
    pub(crate) fn withdraw_key(&self, collab: Id, key: &str, why: &str, now: DateTime<Utc>) -> Result<()> {
        if let Some(o) = self.obligation_by_key(collab, key)? {
            self.withdraw_item(o.id, why, now)?;
        }
        Ok(())
    }

    /// Closes an open item: `done` or `waived`, with its note, evidence and log entry.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn close_item(
        &self,
        id: Id,
        status: &str,
        note: &str,
        evidence: Option<&str>,
        decision_seq: Option<i64>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE obligation SET status = ?2, note = ?3, evidence_sha256 = ?4, decision_seq = ?5, closed_at = ?6,
                closed_by = ?7, sequence = sequence + 1, updated_at = ?6
             WHERE id = ?1 AND status = 'open'",
            params![id, status, note, evidence, decision_seq, ts(now), by],
        )?;
        Ok(n == 1)
    }

    /// Closes the open item with `key` as done (a publication released, for example).
    pub(crate) fn close_key(
        &self,
        collab: Id,
        key: &str,
        note: &str,
        seq: Option<i64>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if let Some(o) = self.obligation_by_key(collab, key)? {
            self.close_item(o.id, "done", note, None, seq, by, now)?;
        }
        Ok(())
    }

    /// The open items an agreement's clauses made (to withdraw those no rule gives any more).
    pub(crate) fn agreement_items(&self, agreement: Id) -> Result<Vec<(Id, String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, key, status FROM obligation WHERE agreement_id = ?1 AND origin = 'agreement'",
        )?;
        let rows = stmt.query_map([agreement], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Agreements (of one collaboration or all) whose latest revision has not been derived yet,
    /// or archived ones whose items are still open: (agreement, collaboration, latest revision, archived).
    pub(crate) fn underived_agreements(&self, collab: Option<Id>) -> Result<Vec<(Id, Id, i64, bool)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.collaboration_id, (SELECT max(number) FROM agreement_revision r WHERE r.agreement_id = a.id) AS latest,
                    a.archived_at IS NOT NULL
             FROM agreement a LEFT JOIN obligation_source s ON s.agreement_id = a.id
             WHERE (?1 IS NULL OR a.collaboration_id = ?1)
               AND ((a.archived_at IS NULL AND (s.revision IS NULL OR s.revision <> latest))
                 OR (a.archived_at IS NOT NULL AND EXISTS (SELECT 1 FROM obligation o
                        WHERE o.agreement_id = a.id AND o.origin = 'agreement' AND o.status = 'open')))",
        )?;
        let rows = stmt.query_map(params![collab], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<i64>>(2)?.unwrap_or(0), r.get(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn set_obligation_source(&self, agreement: Id, revision: i64, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO obligation_source (agreement_id, revision, derived_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (agreement_id) DO UPDATE SET revision = excluded.revision, derived_at = excluded.derived_at",
            params![agreement, revision, ts(now)],
        )?;
        Ok(())
    }

    /// The next number of a hand-added item in a collaboration.
    pub(crate) fn next_manual_number(&self, collab: Id) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) + 1 FROM obligation WHERE collaboration_id = ?1 AND origin = 'manual'",
            [collab],
            |r| r.get(0),
        )?)
    }

    /// Open items' due dates per collaboration (the health view's input).
    pub(crate) fn open_due_dates(&self) -> Result<Vec<(Id, String)>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT collaboration_id, due_date FROM obligation WHERE status = 'open'")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

//! SQL of signing identities (`migrations/0003_identities.sql`): certificates and key references.

use super::Store;
use crate::Id;
use crate::error::Result;
use crate::identities::Identity;
use rusqlite::{OptionalExtension, params};

const COLS: &str =
    "id, name, email, organisation, key_kind, fingerprint, origin, created_at, certificate, key_ref, chain";

fn identity_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Identity> {
    Ok(Identity {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        organisation: r.get(3)?,
        key_kind: r.get(4)?,
        fingerprint: r.get(5)?,
        origin: r.get(6)?,
        created_at: r.get(7)?,
        expires_at: steward_sign::chain::validity(&r.get::<_, Vec<u8>>(8)?)
            .map(|(_, to)| to.format("%Y-%m-%d").to_string()),
        expiry: "valid".into(),
        certificate: r.get(8)?,
        key_ref: r.get(9)?,
        chain: split_der(&r.get::<_, Option<Vec<u8>>>(10)?.unwrap_or_default()),
    })
}

/// A new identity's row.
pub(crate) struct NewIdentity<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub organisation: Option<&'a str>,
    pub key_kind: &'a str,
    pub certificate: &'a [u8],
    pub fingerprint: &'a str,
    pub key_ref: &'a str,
    pub origin: &'a str,
    pub created_at: &'a str,
    /// The issuers' certificates the identity's PKCS #12 file carried, issuer first.
    pub chain: &'a [Vec<u8>],
}

/// DER values one after another, apart.
fn split_der(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    use der::{Decode, Encode};
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let Ok(mut r) = der::SliceReader::new(bytes) else { break };
        let Ok(h) = der::Header::decode(&mut r) else { break };
        let (Ok(len), Ok(hl)) = (usize::try_from(h.length), h.encoded_len()) else { break };
        let Ok(hl) = usize::try_from(hl) else { break };
        let Some(one) = bytes.get(..hl + len) else { break };
        out.push(one.to_vec());
        bytes = &bytes[hl + len..];
    }
    out
}

impl Store {
    pub(crate) fn identity(&self, id: Id) -> Result<Option<Identity>> {
        let sql = format!("SELECT {COLS} FROM identity WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], identity_row).optional()?)
    }

    /// The identity with this certificate fingerprint (archived ones included).
    pub(crate) fn identity_by_fingerprint(&self, fingerprint: &str) -> Result<Option<Identity>> {
        let sql = format!("SELECT {COLS} FROM identity WHERE fingerprint = ?1");
        Ok(self.conn.query_row(&sql, [fingerprint], identity_row).optional()?)
    }

    /// Identities that are not archived, oldest first.
    pub(crate) fn identities(&self) -> Result<Vec<Identity>> {
        let mut stmt =
            self.conn.prepare_cached(&format!("SELECT {COLS} FROM identity WHERE archived_at IS NULL ORDER BY id"))?;
        let rows = stmt.query_map([], identity_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn archive_identity(&self, id: Id, now: &str) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE identity SET archived_at = ?2 WHERE id = ?1 AND archived_at IS NULL",
            rusqlite::params![id, now],
        )?;
        if n == 0 { Err(crate::Error::not_found("identity", id)) } else { Ok(()) }
    }

    /// Every identity's certificate by fingerprint, with its name (archived ones included).
    pub(crate) fn identity_certificates(&self) -> Result<Vec<(String, String, Vec<u8>)>> {
        let mut stmt = self.conn.prepare_cached("SELECT fingerprint, name, certificate FROM identity")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn insert_identity(&self, n: &NewIdentity<'_>) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO identity (name, email, organisation, key_kind, certificate, fingerprint, key_ref, origin, created_at, chain)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                n.name,
                n.email,
                n.organisation,
                n.key_kind,
                n.certificate,
                n.fingerprint,
                n.key_ref,
                n.origin,
                n.created_at,
                (!n.chain.is_empty()).then(|| n.chain.concat())
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }
}

-- 0003: signing identities. The private key lives in the operating system's credential store under
-- `key_ref`; this table keeps only the certificate and that reference.
-- Released migrations are never edited: add a new numbered file instead.

CREATE TABLE identity (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(name) > 0),
    email        TEXT NOT NULL,
    organisation TEXT,
    key_kind     TEXT NOT NULL CHECK (key_kind IN ('p256', 'rsa3072')),
    certificate  BLOB NOT NULL,
    fingerprint  TEXT NOT NULL UNIQUE,
    key_ref      TEXT NOT NULL UNIQUE,
    origin       TEXT NOT NULL CHECK (origin IN ('generated', 'imported', 'demo')),
    created_at   TEXT NOT NULL,
    archived_at  TEXT
) STRICT;

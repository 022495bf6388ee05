-- 0013: signatures that last. Trust anchors (the certificate authorities the user trusts as the
-- roots of signers' and time-stamping authorities' paths), and the chain an imported identity's
-- PKCS #12 file carried (its issuers' certificates, DER, one after another, issuer first).
-- Released migrations are never edited: add a new numbered file instead.

CREATE TABLE trust_anchor (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    subject     TEXT NOT NULL,
    certificate BLOB NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    not_before  TEXT NOT NULL,
    not_after   TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL
) STRICT;

ALTER TABLE identity ADD COLUMN chain BLOB;

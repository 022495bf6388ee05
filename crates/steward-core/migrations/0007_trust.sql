-- 0007: what verification trusts. Partners' signing keys are pinned to their party (the first
-- signed file imported from a party pins its signer's certificate; a later key is accepted only by
-- a signed decision). Each collaboration gets a stable uid, and the decision log's head carries a
-- checkpoint signed by the author of the latest entry (its canonical text and signature), so that
-- deleting the last entries, rewriting the head or moving a log to another collaboration is caught.
-- Released migrations are never edited: add a new numbered file instead.

CREATE TABLE party_key (
    id             INTEGER PRIMARY KEY,
    party_id       INTEGER NOT NULL REFERENCES party (id) ON DELETE RESTRICT,
    fingerprint    TEXT NOT NULL CHECK (length(fingerprint) = 95),
    certificate    BLOB NOT NULL,
    subject        TEXT NOT NULL,          -- the certificate's name, e-mail and organisation
    pinned_at      TEXT NOT NULL,
    pinned_by      TEXT NOT NULL,
    file_name      TEXT NOT NULL,          -- the signed file it came in
    file_sha256    TEXT NOT NULL CHECK (length(file_sha256) = 64),
    decision_seq   INTEGER,                -- the decision that accepted it (none: the first key)
    UNIQUE (party_id, fingerprint)
) STRICT;
CREATE INDEX party_key_fingerprint ON party_key (fingerprint);

CREATE TRIGGER party_key_is_kept
BEFORE UPDATE ON party_key
BEGIN
    SELECT RAISE(ABORT, 'a pinned key is kept as pinned');
END;
CREATE TRIGGER party_key_is_never_deleted
BEFORE DELETE ON party_key
BEGIN
    SELECT RAISE(ABORT, 'pinned keys are never deleted');
END;

ALTER TABLE collaboration ADD COLUMN uid TEXT;
UPDATE collaboration SET uid = lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));
CREATE UNIQUE INDEX collaboration_uid ON collaboration (uid);

ALTER TABLE decision_log ADD COLUMN checkpoint TEXT;            -- canonical JSON, as signed
ALTER TABLE decision_log ADD COLUMN checkpoint_signature BLOB;

-- Partner exchange: drafts received in partners' PDFs. The file is kept as received (so it can be
-- countersigned as it is), with its SHA-256, what its signatures said, and the draft it carried.
-- Received rows are never changed except to record the decision on them, and never deleted.
CREATE TABLE received_draft (
    id              INTEGER PRIMARY KEY,
    agreement_id    INTEGER NOT NULL REFERENCES agreement (id) ON DELETE RESTRICT,
    file_name       TEXT NOT NULL,
    file_sha256     TEXT NOT NULL CHECK (length(file_sha256) = 64),
    file            BLOB NOT NULL,
    signed          INTEGER NOT NULL CHECK (signed IN (0, 1)),
    signers         TEXT NOT NULL,          -- JSON list of "name <email>, organisation"
    their_revision  INTEGER NOT NULL,
    spec            TEXT NOT NULL,          -- the draft's canonical spec
    base_revision   INTEGER,                -- our latest revision when it arrived (none: it created the agreement)
    received_at     TEXT NOT NULL,
    received_by     TEXT NOT NULL,
    decided_at      TEXT,
    decided_by      TEXT,
    decision        TEXT,                   -- JSON {accepted: [...], rejected: [...]}
    result_revision INTEGER,
    UNIQUE (agreement_id, file_sha256)
) STRICT;
CREATE INDEX received_draft_agreement ON received_draft (agreement_id);

CREATE TRIGGER received_draft_is_kept_as_received
BEFORE UPDATE OF agreement_id, file_name, file_sha256, file, signed, signers, their_revision, spec,
                 base_revision, received_at, received_by
ON received_draft
BEGIN
    SELECT RAISE(ABORT, 'a received draft is kept as received');
END;
CREATE TRIGGER received_draft_is_decided_once
BEFORE UPDATE OF decided_at, decided_by, decision, result_revision ON received_draft
WHEN old.decided_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the changes of a received draft are decided once');
END;
CREATE TRIGGER received_draft_is_never_deleted
BEFORE DELETE ON received_draft
BEGIN
    SELECT RAISE(ABORT, 'received drafts are never deleted');
END;

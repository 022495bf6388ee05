-- 0011: IP stewardship and exit. The IP register (each party's background, results and their
-- disclosures, patent filings, licences and options, datasets) keeps every version of a record
-- whole, as the risk register does; `ip_record` holds which version is current. An exit keeps its
-- trigger and each item's decision (disposition, certificate or exception) as rows that are never
-- changed. Our own signatures on agreement revisions are recorded, so a register can be compared
-- with what was signed. Obligations gain the origins `ip` (filing and licence deadlines) and `exit`
-- (what an exit leaves to do): SQLite cannot widen a CHECK, so the table is copied into a new one.
-- Released migrations are never edited: add a new numbered file instead.

CREATE TABLE ip_record (
    id               INTEGER PRIMARY KEY,
    collaboration_id INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    kind             TEXT NOT NULL CHECK (kind IN ('background', 'result', 'filing', 'licence', 'dataset')),
    number           INTEGER NOT NULL CHECK (number >= 1),
    parent_id        INTEGER REFERENCES ip_record (id) ON DELETE RESTRICT,
    current_version  INTEGER NOT NULL CHECK (current_version >= 1),
    created_at       TEXT NOT NULL,
    UNIQUE (collaboration_id, kind, number)
) STRICT;
CREATE INDEX ip_record_parent ON ip_record (parent_id);

CREATE TABLE ip_version (
    record_id    INTEGER NOT NULL REFERENCES ip_record (id) ON DELETE RESTRICT,
    version      INTEGER NOT NULL CHECK (version >= 1),
    fields       TEXT NOT NULL,
    note         TEXT,
    decision_seq INTEGER,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (record_id, version)
) STRICT;

CREATE TRIGGER ip_version_is_immutable
BEFORE UPDATE ON ip_version
BEGIN
    SELECT RAISE(ABORT, 'an IP record version is never changed: record a new version');
END;
CREATE TRIGGER ip_version_is_kept
BEFORE DELETE ON ip_version
BEGIN
    SELECT RAISE(ABORT, 'IP record versions are kept');
END;
CREATE TRIGGER ip_record_is_kept
BEFORE DELETE ON ip_record
BEGIN
    SELECT RAISE(ABORT, 'IP records are kept: withdraw them with a new version instead');
END;

-- Each signature of ours on an agreement revision (a signed export or a countersignature).
CREATE TABLE agreement_signature (
    id           INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreement (id) ON DELETE RESTRICT,
    revision     INTEGER NOT NULL,
    identity_id  INTEGER NOT NULL REFERENCES identity (id) ON DELETE RESTRICT,
    file_sha256  TEXT NOT NULL CHECK (length(file_sha256) = 64),
    signed_at    TEXT NOT NULL
) STRICT;
CREATE INDEX agreement_signature_agreement ON agreement_signature (agreement_id, revision);

CREATE TABLE exit (
    id               INTEGER PRIMARY KEY,
    collaboration_id INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    trigger          TEXT NOT NULL CHECK (trigger IN ('sunset', 'breach', 'insolvency', 'change-of-control',
                         'withdrawal', 'key-personnel', 'by-agreement')),
    party_id         INTEGER REFERENCES party (id) ON DELETE RESTRICT,
    exit_date        TEXT NOT NULL,
    note             TEXT,
    evidence_name    TEXT,
    evidence_sha256  TEXT CHECK (evidence_sha256 IS NULL OR length(evidence_sha256) = 64),
    decision_seq     INTEGER,
    started_at       TEXT NOT NULL,
    started_by       TEXT NOT NULL,
    completed_at     TEXT,
    pack_sha256      TEXT CHECK (pack_sha256 IS NULL OR length(pack_sha256) = 64),
    completion_seq   INTEGER
) STRICT;
-- One exit open at a time per collaboration.
CREATE UNIQUE INDEX exit_open ON exit (collaboration_id) WHERE completed_at IS NULL;

CREATE TRIGGER exit_is_kept
BEFORE DELETE ON exit
BEGIN
    SELECT RAISE(ABORT, 'exits are kept');
END;
CREATE TRIGGER exit_start_is_immutable
BEFORE UPDATE OF collaboration_id, trigger, party_id, exit_date, note, evidence_name, evidence_sha256,
    decision_seq, started_at, started_by ON exit
BEGIN
    SELECT RAISE(ABORT, 'an exit''s trigger is never changed');
END;

-- A decision on one item of an exit's plan: a disposition of an IP item, or a dataset's
-- certificate (return or sanitisation) or retention exception. The latest row per item counts.
CREATE TABLE exit_decision (
    id           INTEGER PRIMARY KEY,
    exit_id      INTEGER NOT NULL REFERENCES exit (id) ON DELETE RESTRICT,
    item         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('disposition', 'certificate', 'exception')),
    value        TEXT NOT NULL,
    fields       TEXT NOT NULL,
    decision_seq INTEGER,
    at           TEXT NOT NULL,
    by           TEXT NOT NULL
) STRICT;
CREATE INDEX exit_decision_item ON exit_decision (exit_id, item);

CREATE TRIGGER exit_decision_is_immutable
BEFORE UPDATE ON exit_decision
BEGIN
    SELECT RAISE(ABORT, 'exit decisions are never changed: record a new one');
END;
CREATE TRIGGER exit_decision_is_kept
BEFORE DELETE ON exit_decision
BEGIN
    SELECT RAISE(ABORT, 'exit decisions are kept');
END;

-- Obligations with the new origins: copy, drop, rename, then the indexes and trigger again.
CREATE TABLE obligation_0011 (
    id               INTEGER PRIMARY KEY,
    collaboration_id INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    key              TEXT NOT NULL,
    origin           TEXT NOT NULL CHECK (origin IN ('agreement', 'manual', 'publication', 'risk', 'ip', 'exit')),
    agreement_id     INTEGER REFERENCES agreement (id) ON DELETE RESTRICT,
    revision         INTEGER,
    clause_id        TEXT,
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    party_ids        TEXT NOT NULL,
    party_label      TEXT NOT NULL,
    due_date         TEXT NOT NULL,
    rule             TEXT NOT NULL,
    remind_days      INTEGER NOT NULL CHECK (remind_days >= 0),
    status           TEXT NOT NULL CHECK (status IN ('open', 'done', 'waived', 'withdrawn')),
    note             TEXT,
    evidence_sha256  TEXT CHECK (evidence_sha256 IS NULL OR length(evidence_sha256) = 64),
    decision_seq     INTEGER,
    closed_at        TEXT,
    closed_by        TEXT,
    sequence         INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (collaboration_id, key)
) STRICT;
INSERT INTO obligation_0011 SELECT id, collaboration_id, key, origin, agreement_id, revision, clause_id, kind, title,
    party_ids, party_label, due_date, rule, remind_days, status, note, evidence_sha256, decision_seq, closed_at,
    closed_by, sequence, created_at, updated_at FROM obligation;
DROP TRIGGER obligation_is_kept;
DROP TABLE obligation;
ALTER TABLE obligation_0011 RENAME TO obligation;
CREATE INDEX obligation_due ON obligation (status, due_date);
CREATE INDEX obligation_collaboration ON obligation (collaboration_id, status, due_date);
CREATE TRIGGER obligation_is_kept
BEFORE DELETE ON obligation
BEGIN
    SELECT RAISE(ABORT, 'obligations are kept: waive or withdraw them instead');
END;

-- 0009: Trusted Research due diligence. The questionnaire is versioned like clauses (each version
-- kept whole, pinned by the hash of its canonical JSON, never changed); a collaboration's answers
-- are kept as numbered revisions, each naming the questionnaire version it was answered on and
-- hashed, so an approval can cite exactly what it approved. Sanctions lists are imported files
-- (their entries kept as JSON with the list's name, date and SHA-256); a screening records which
-- list versions it used, and each possible match is cleared or confirmed once, with a reason.
-- Approvals are signed decision-log entries; `diligence_approval` indexes them.
-- Released migrations are never edited: add a new numbered file instead.

CREATE TABLE questionnaire_version (
    id               INTEGER PRIMARY KEY,
    questionnaire_id TEXT NOT NULL,
    version          INTEGER NOT NULL CHECK (version >= 1),
    hash             TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    canonical        TEXT NOT NULL,
    origin           TEXT NOT NULL CHECK (origin IN ('shipped', 'file')),
    imported_at      TEXT NOT NULL,
    imported_by      TEXT NOT NULL,
    UNIQUE (questionnaire_id, version)
) STRICT;

CREATE TRIGGER questionnaire_version_is_immutable
BEFORE UPDATE ON questionnaire_version
BEGIN
    SELECT RAISE(ABORT, 'a questionnaire version is never changed: import a new one');
END;
CREATE TRIGGER questionnaire_version_is_kept
BEFORE DELETE ON questionnaire_version
BEGIN
    SELECT RAISE(ABORT, 'questionnaire versions are kept');
END;

CREATE TABLE assessment_revision (
    id                 INTEGER PRIMARY KEY,
    collaboration_id   INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    number             INTEGER NOT NULL CHECK (number >= 1),
    questionnaire_hash TEXT NOT NULL REFERENCES questionnaire_version (hash),
    answers            TEXT NOT NULL,      -- canonical JSON: subject key -> question id -> answer
    hash               TEXT NOT NULL CHECK (length(hash) = 64),
    note               TEXT,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    UNIQUE (collaboration_id, number)
) STRICT;

CREATE TRIGGER assessment_revision_is_immutable
BEFORE UPDATE ON assessment_revision
BEGIN
    SELECT RAISE(ABORT, 'an assessment revision is never changed: answer again to make a new one');
END;
CREATE TRIGGER assessment_revision_is_kept
BEFORE DELETE ON assessment_revision
BEGIN
    SELECT RAISE(ABORT, 'assessment revisions are kept');
END;

CREATE TABLE screening_list (
    id           INTEGER PRIMARY KEY,
    format       TEXT NOT NULL,
    name         TEXT NOT NULL,
    published    TEXT,
    sha256       TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    files        TEXT NOT NULL,            -- JSON array of file names
    entries      TEXT NOT NULL,            -- JSON array of entries (reference, kind, names, ...)
    entry_count  INTEGER NOT NULL,
    imported_at  TEXT NOT NULL,
    imported_by  TEXT NOT NULL
) STRICT;

CREATE TABLE screening (
    id               INTEGER PRIMARY KEY,
    collaboration_id INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    lists            TEXT NOT NULL,        -- JSON: [{id, name, published, sha256}]
    names_checked    INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
) STRICT;

CREATE TABLE screening_match (
    id           INTEGER PRIMARY KEY,
    screening_id INTEGER NOT NULL REFERENCES screening (id) ON DELETE RESTRICT,
    party_id     INTEGER NOT NULL REFERENCES party (id) ON DELETE RESTRICT,
    party_name   TEXT NOT NULL,            -- the party's name that matched
    list_id      INTEGER NOT NULL REFERENCES screening_list (id) ON DELETE RESTRICT,
    reference    TEXT NOT NULL,
    listed_name  TEXT NOT NULL,
    score        REAL NOT NULL,
    decision     TEXT CHECK (decision IN ('cleared', 'confirmed')),
    reason       TEXT,
    decided_at   TEXT,
    decided_by   TEXT
) STRICT;
CREATE INDEX screening_match_screening ON screening_match (screening_id);

CREATE TRIGGER screening_match_is_decided_once
BEFORE UPDATE ON screening_match
WHEN OLD.decision IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a screening match is cleared or confirmed once');
END;

CREATE TABLE diligence_approval (
    id               INTEGER PRIMARY KEY,
    collaboration_id INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    role             TEXT NOT NULL,
    assessment_hash  TEXT NOT NULL CHECK (length(assessment_hash) = 64),
    screening_id     INTEGER REFERENCES screening (id) ON DELETE RESTRICT,
    decision_seq     INTEGER NOT NULL,     -- the signed decision-log entry
    identity_id      INTEGER NOT NULL,
    approved_by      TEXT NOT NULL,
    note             TEXT NOT NULL,
    approved_at      TEXT NOT NULL
) STRICT;

CREATE TRIGGER diligence_approval_is_immutable
BEFORE UPDATE ON diligence_approval
BEGIN
    SELECT RAISE(ABORT, 'an approval is never edited: a later answer change makes it stale');
END;

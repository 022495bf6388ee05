-- 0010: running a collaboration. The joint risk register keeps every version of a risk (never
-- changed or deleted); `risk` holds the current version's figures for lists and health.
-- Obligations are one table for every due item: derived from agreements' clauses (`agreement`),
-- added by hand (`manual`), and those publication reviews and risk reviews create. Each row's
-- `sequence` is the iCalendar SEQUENCE, raised whenever its date, title or status changes; rows
-- whose rule no longer applies are `withdrawn`, never deleted, so calendars learn they went away.
-- Publications keep their notice, objections, consents and release as immutable events.
-- Released migrations are never edited: add a new numbered file instead.

CREATE TABLE risk (
    id               INTEGER PRIMARY KEY,
    collaboration_id INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    number           INTEGER NOT NULL CHECK (number >= 1),
    source           TEXT,
    current_version  INTEGER NOT NULL CHECK (current_version >= 1),
    status           TEXT NOT NULL CHECK (status IN ('open', 'treating', 'accepted', 'closed')),
    visibility       TEXT NOT NULL CHECK (visibility IN ('shared', 'internal')),
    inherent_score   INTEGER NOT NULL CHECK (inherent_score BETWEEN 1 AND 25),
    current_score    INTEGER NOT NULL CHECK (current_score BETWEEN 1 AND 25),
    next_review      TEXT,
    created_at       TEXT NOT NULL,
    UNIQUE (collaboration_id, number),
    UNIQUE (collaboration_id, source)
) STRICT;
CREATE INDEX risk_open ON risk (collaboration_id, status, current_score);

CREATE TABLE risk_version (
    risk_id      INTEGER NOT NULL REFERENCES risk (id) ON DELETE RESTRICT,
    version      INTEGER NOT NULL CHECK (version >= 1),
    fields       TEXT NOT NULL,
    changes      TEXT NOT NULL,
    decision_seq INTEGER,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (risk_id, version)
) STRICT;

CREATE TRIGGER risk_version_is_immutable
BEFORE UPDATE ON risk_version
BEGIN
    SELECT RAISE(ABORT, 'a risk version is never changed: record a new version');
END;
CREATE TRIGGER risk_version_is_kept
BEFORE DELETE ON risk_version
BEGIN
    SELECT RAISE(ABORT, 'risk versions are kept');
END;
CREATE TRIGGER risk_is_kept
BEFORE DELETE ON risk
BEGIN
    SELECT RAISE(ABORT, 'risks are kept: close them instead');
END;

CREATE TABLE obligation (
    id               INTEGER PRIMARY KEY,
    collaboration_id INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    key              TEXT NOT NULL,
    origin           TEXT NOT NULL CHECK (origin IN ('agreement', 'manual', 'publication', 'risk')),
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
CREATE INDEX obligation_due ON obligation (status, due_date);
CREATE INDEX obligation_collaboration ON obligation (collaboration_id, status, due_date);

CREATE TRIGGER obligation_is_kept
BEFORE DELETE ON obligation
BEGIN
    SELECT RAISE(ABORT, 'obligations are kept: waive or withdraw them instead');
END;

-- Which revision of each agreement its obligations were last derived from.
CREATE TABLE obligation_source (
    agreement_id INTEGER PRIMARY KEY REFERENCES agreement (id) ON DELETE RESTRICT,
    revision     INTEGER NOT NULL,
    derived_at   TEXT NOT NULL
) STRICT;

CREATE TABLE publication (
    id                 INTEGER PRIMARY KEY,
    collaboration_id   INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    number             INTEGER NOT NULL CHECK (number >= 1),
    title              TEXT NOT NULL,
    venue              TEXT,
    file_name          TEXT NOT NULL,
    file_sha256        TEXT NOT NULL CHECK (length(file_sha256) = 64),
    file_size          INTEGER NOT NULL,
    publishing_party   INTEGER NOT NULL REFERENCES party (id) ON DELETE RESTRICT,
    recipients         TEXT NOT NULL,
    terms_agreement_id INTEGER NOT NULL REFERENCES agreement (id) ON DELETE RESTRICT,
    terms_revision     INTEGER NOT NULL,
    notice_period      TEXT NOT NULL,
    patent_delay       TEXT NOT NULL,
    notice_date        TEXT NOT NULL,
    submit_by          TEXT,
    review_deadline    TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('under_review', 'objected', 'released', 'withdrawn')),
    released_on        TEXT,
    doi                TEXT,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    UNIQUE (collaboration_id, number)
) STRICT;

CREATE TABLE publication_event (
    id             INTEGER PRIMARY KEY,
    publication_id INTEGER NOT NULL REFERENCES publication (id) ON DELETE RESTRICT,
    kind           TEXT NOT NULL CHECK (kind IN ('notice', 'objection', 'resolution', 'consent', 'release', 'withdrawal')),
    party_id       INTEGER REFERENCES party (id) ON DELETE RESTRICT,
    ground         TEXT CHECK (ground IS NULL OR ground IN ('confidential', 'patent', 'background')),
    note           TEXT,
    file_sha256    TEXT CHECK (file_sha256 IS NULL OR length(file_sha256) = 64),
    objection_id   INTEGER REFERENCES publication_event (id) ON DELETE RESTRICT,
    delay_until    TEXT,
    on_date        TEXT NOT NULL,
    decision_seq   INTEGER,
    at             TEXT NOT NULL,
    by             TEXT NOT NULL
) STRICT;
CREATE INDEX publication_event_publication ON publication_event (publication_id);

CREATE TRIGGER publication_event_is_immutable
BEFORE UPDATE ON publication_event
BEGIN
    SELECT RAISE(ABORT, 'publication events are never changed');
END;
CREATE TRIGGER publication_event_is_kept
BEFORE DELETE ON publication_event
BEGIN
    SELECT RAISE(ABORT, 'publication events are kept');
END;

-- The Trusted Research band and signing gate per collaboration, as last computed, keyed by a
-- stamp of what they depend on (answers, approvals, screening): a cache for the health view.
CREATE TABLE diligence_summary (
    collaboration_id INTEGER PRIMARY KEY REFERENCES collaboration (id) ON DELETE RESTRICT,
    stamp            TEXT NOT NULL,
    band             TEXT,
    signing_blocked  INTEGER NOT NULL CHECK (signing_blocked IN (0, 1))
) STRICT;

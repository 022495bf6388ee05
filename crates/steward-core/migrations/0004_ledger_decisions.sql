-- 0004: the contribution ledger, exchange rates, CRediT roles and the decision log.
-- Ledger entries, rates and decisions are append-only: triggers refuse UPDATE and DELETE, and the
-- core has no API for either. A correction is a reversing entry plus a new one; an amended decision
-- is a new entry that supersedes the old.
-- Released migrations are never edited: add a new numbered file instead.

CREATE TABLE ledger_entry (
    id               INTEGER PRIMARY KEY,
    collaboration_id INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    party_id         INTEGER NOT NULL REFERENCES party (id) ON DELETE RESTRICT,
    person_id        INTEGER REFERENCES person (id) ON DELETE RESTRICT,
    category         TEXT NOT NULL CHECK (category IN ('cash', 'staff_time', 'background_ip', 'data', 'equipment', 'facilities', 'materials')),
    entry_date       TEXT NOT NULL CHECK (length(entry_date) = 10),
    currency         TEXT NOT NULL CHECK (length(currency) = 3),
    amount_minor     INTEGER NOT NULL,
    measure          TEXT NOT NULL CHECK (measure IN ('money', 'hours', 'fte_months')),
    quantity_centi   INTEGER,
    rate_minor       INTEGER,
    description      TEXT NOT NULL CHECK (length(description) > 0),
    evidence_note    TEXT,
    evidence_sha256  TEXT CHECK (evidence_sha256 IS NULL OR length(evidence_sha256) = 64),
    reverses         INTEGER UNIQUE REFERENCES ledger_entry (id) ON DELETE RESTRICT,
    replaces         INTEGER REFERENCES ledger_entry (id) ON DELETE RESTRICT,
    recorded_by      TEXT NOT NULL,
    recorded_at      TEXT NOT NULL,
    CHECK ((measure = 'money') = (quantity_centi IS NULL AND rate_minor IS NULL))
) STRICT;
-- Covers the report: it groups by party, category, currency and date without touching the table.
CREATE INDEX ledger_report ON ledger_entry (collaboration_id, party_id, category, currency, entry_date, amount_minor);

CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
BEGIN SELECT RAISE(ABORT, 'ledger entries are never changed: record a reversing entry'); END;
CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
BEGIN SELECT RAISE(ABORT, 'ledger entries are never deleted: record a reversing entry'); END;

CREATE TABLE exchange_rate (
    id            INTEGER PRIMARY KEY,
    from_currency TEXT NOT NULL CHECK (length(from_currency) = 3),
    to_currency   TEXT NOT NULL CHECK (length(to_currency) = 3),
    rate          TEXT NOT NULL,
    rate_date     TEXT NOT NULL CHECK (length(rate_date) = 10),
    source        TEXT NOT NULL CHECK (length(source) > 0),
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    UNIQUE (from_currency, to_currency, rate_date)
) STRICT;

CREATE TRIGGER exchange_rate_no_update BEFORE UPDATE ON exchange_rate
BEGIN SELECT RAISE(ABORT, 'recorded exchange rates are never changed'); END;
CREATE TRIGGER exchange_rate_no_delete BEFORE DELETE ON exchange_rate
BEGIN SELECT RAISE(ABORT, 'recorded exchange rates are never deleted'); END;

CREATE TABLE credit_role (
    collaboration_id INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    person_id        INTEGER NOT NULL REFERENCES person (id) ON DELETE RESTRICT,
    role             TEXT NOT NULL,
    degree           TEXT NOT NULL CHECK (degree IN ('lead', 'equal', 'supporting')),
    recorded_by      TEXT NOT NULL,
    recorded_at      TEXT NOT NULL,
    PRIMARY KEY (collaboration_id, person_id, role)
) STRICT;

-- One log per collaboration: its uid goes into every entry's canonical encoding, and the head
-- (count and last hash) lets verify notice entries missing from the end.
CREATE TABLE decision_log (
    collaboration_id INTEGER PRIMARY KEY REFERENCES collaboration (id) ON DELETE RESTRICT,
    uid              TEXT NOT NULL UNIQUE,
    entries          INTEGER NOT NULL,
    last_hash        TEXT NOT NULL
) STRICT;

CREATE TABLE decision (
    id                 INTEGER PRIMARY KEY,
    collaboration_id   INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    seq                INTEGER NOT NULL,
    title              TEXT NOT NULL,
    decision           TEXT NOT NULL,
    rationale          TEXT NOT NULL,
    participants       TEXT NOT NULL,
    decided_on         TEXT NOT NULL,
    links              TEXT NOT NULL,
    supersedes         INTEGER,
    author_name        TEXT NOT NULL,
    author_fingerprint TEXT NOT NULL,
    recorded_at        TEXT NOT NULL,
    prev_hash          TEXT NOT NULL,
    hash               TEXT NOT NULL,
    signature          BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX decision_seq ON decision (collaboration_id, seq);
-- A log is read in the order it was appended (rowid): this index gives that order without a sort.
CREATE INDEX decision_collab ON decision (collaboration_id);

CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision
BEGIN SELECT RAISE(ABORT, 'decision log entries are never changed: add an entry that supersedes it'); END;
CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision
BEGIN SELECT RAISE(ABORT, 'decision log entries are never deleted'); END;

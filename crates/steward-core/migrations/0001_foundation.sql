-- 0001: collaborations, parties, people and the roles of parties in collaborations.
-- Released migrations are never edited: add a new numbered file instead.

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE collaboration (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL CHECK (length(title) > 0),
    summary     TEXT,
    status      TEXT NOT NULL CHECK (status IN ('planning', 'active', 'closed')),
    start_date  TEXT,
    end_date    TEXT,
    sunset_date TEXT,
    archived_at TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE party (
    id                  INTEGER PRIMARY KEY,
    legal_name          TEXT NOT NULL CHECK (length(legal_name) > 0),
    short_name          TEXT,
    kind                TEXT NOT NULL CHECK (kind IN ('university', 'research_institute', 'company', 'funder', 'government', 'other')),
    registration_number TEXT,
    address             TEXT,
    country             TEXT NOT NULL CHECK (length(country) = 2),
    archived_at         TEXT,
    created_at          TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX party_name_country ON party (legal_name COLLATE NOCASE, country);

CREATE TABLE person (
    id          INTEGER PRIMARY KEY,
    party_id    INTEGER NOT NULL REFERENCES party (id) ON DELETE RESTRICT,
    name        TEXT NOT NULL CHECK (length(name) > 0),
    email       TEXT NOT NULL,
    orcid       TEXT,
    archived_at TEXT,
    created_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX person_email ON person (email COLLATE NOCASE);
CREATE INDEX person_party ON person (party_id);

CREATE TABLE collaboration_party (
    collaboration_id INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    party_id         INTEGER NOT NULL REFERENCES party (id) ON DELETE RESTRICT,
    role             TEXT NOT NULL CHECK (role IN ('lead', 'partner', 'funder', 'subcontractor')),
    added_at         TEXT NOT NULL,
    PRIMARY KEY (collaboration_id, party_id)
) STRICT;
CREATE INDEX collaboration_party_party ON collaboration_party (party_id);

-- 0012: library sources (git remotes whose signed library releases this store follows), every
-- release published from here or accepted from a source, and the releases each template version
-- arrived in. Released migrations are never edited: add a new numbered file instead.

CREATE TABLE library_source (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    url            TEXT NOT NULL,
    branch         TEXT NOT NULL,
    trusted        TEXT NOT NULL,          -- JSON array of certificate fingerprints
    created_at     TEXT NOT NULL,
    last_pulled_at TEXT,
    last_error     TEXT
) STRICT;

-- A release we published (source_id NULL) or accepted from a source, with its manifest.
CREATE TABLE library_release (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER REFERENCES library_source (id) ON DELETE RESTRICT,
    remote          TEXT NOT NULL,
    branch          TEXT NOT NULL,
    sequence        INTEGER NOT NULL CHECK (sequence > 0),
    manifest_sha256 TEXT NOT NULL CHECK (length(manifest_sha256) = 64),
    manifest        TEXT NOT NULL,
    commit_id       TEXT NOT NULL,
    library         TEXT NOT NULL,
    publisher       TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    published_at    TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX library_release_accepted ON library_release (source_id, sequence) WHERE source_id IS NOT NULL;

CREATE TRIGGER library_release_is_immutable
BEFORE UPDATE ON library_release
BEGIN
    SELECT RAISE(ABORT, 'library releases are records: they are never changed');
END;
CREATE TRIGGER library_release_is_never_deleted
BEFORE DELETE ON library_release
BEGIN
    SELECT RAISE(ABORT, 'library releases are records: they are never deleted');
END;

-- The accepted releases a template version arrived in (none: it was approved here).
CREATE TABLE template_provenance (
    hash       TEXT NOT NULL REFERENCES template_version (hash) ON DELETE RESTRICT,
    release_id INTEGER NOT NULL REFERENCES library_release (id) ON DELETE RESTRICT,
    PRIMARY KEY (hash, release_id)
) STRICT;

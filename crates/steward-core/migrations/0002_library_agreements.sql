-- 0002: the clause library (immutable template versions and their review history), agreements
-- and their revisions. Released migrations are never edited: add a new numbered file instead.

CREATE TABLE template_version (
    hash          TEXT PRIMARY KEY CHECK (length(hash) = 64),
    template_type TEXT NOT NULL CHECK (template_type IN ('clause', 'kind')),
    template_id   TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version > 0),
    title         TEXT NOT NULL,
    canonical     TEXT NOT NULL,          -- the canonical JSON whose SHA-256 is `hash`
    origin        TEXT NOT NULL,          -- 'shipped' or the file it was imported from
    status        TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'rejected', 'deprecated')),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    UNIQUE (template_type, template_id, version)
) STRICT;
CREATE INDEX template_version_id ON template_version (template_type, template_id, status);

-- A version's content never changes and is never deleted; only its review status moves.
CREATE TRIGGER template_version_content_is_immutable
BEFORE UPDATE OF hash, template_type, template_id, version, title, canonical, origin, created_at, created_by
ON template_version
BEGIN
    SELECT RAISE(ABORT, 'template versions are immutable: import a new version instead');
END;
CREATE TRIGGER template_version_is_never_deleted
BEFORE DELETE ON template_version
BEGIN
    SELECT RAISE(ABORT, 'template versions are never deleted: deprecate instead');
END;

-- Who moved a version's status, when, and why.
CREATE TABLE template_review (
    id          INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL REFERENCES template_version (hash) ON DELETE RESTRICT,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reviewer    TEXT NOT NULL,
    note        TEXT,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX template_review_hash ON template_review (hash);

CREATE TABLE agreement (
    id               INTEGER PRIMARY KEY,
    uid              TEXT NOT NULL UNIQUE,    -- travels with exported drafts
    collaboration_id INTEGER NOT NULL REFERENCES collaboration (id) ON DELETE RESTRICT,
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    archived_at      TEXT,
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX agreement_collaboration ON agreement (collaboration_id);

-- A saved state of a draft: what it pins and every value, canonically encoded.
CREATE TABLE agreement_revision (
    agreement_id INTEGER NOT NULL REFERENCES agreement (id) ON DELETE RESTRICT,
    number       INTEGER NOT NULL CHECK (number > 0),
    kind_hash    TEXT NOT NULL REFERENCES template_version (hash) ON DELETE RESTRICT,
    spec         TEXT NOT NULL,
    spec_hash    TEXT NOT NULL,
    note         TEXT,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (agreement_id, number)
) STRICT;

CREATE TABLE revision_clause (
    agreement_id INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    clause_id    TEXT NOT NULL,
    hash         TEXT NOT NULL REFERENCES template_version (hash) ON DELETE RESTRICT,
    PRIMARY KEY (agreement_id, number, clause_id),
    FOREIGN KEY (agreement_id, number) REFERENCES agreement_revision (agreement_id, number) ON DELETE RESTRICT
) STRICT;

CREATE TRIGGER agreement_revision_is_immutable
BEFORE UPDATE ON agreement_revision
BEGIN
    SELECT RAISE(ABORT, 'agreement revisions are immutable: save a new revision instead');
END;
CREATE TRIGGER agreement_revision_is_never_deleted
BEFORE DELETE ON agreement_revision
BEGIN
    SELECT RAISE(ABORT, 'agreement revisions are never deleted');
END;

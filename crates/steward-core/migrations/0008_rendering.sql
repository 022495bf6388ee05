-- 0008: each revision's rendered document, kept beside it. A revision pins every version it is
-- made from, so its rendering never changes while the renderer stays the same: rendering it again
-- for every export, redline or preview compiles every pinned template for nothing. The rows are a
-- cache derived from `agreement_revision.spec` and the renderer's version (a new renderer renders
-- again and adds its own rows); deleting them all loses nothing.
-- Released migrations are never edited: add a new numbered file instead.

CREATE TABLE rendering (
    spec_hash  TEXT NOT NULL CHECK (length(spec_hash) = 64),
    renderer   TEXT NOT NULL,
    document   TEXT NOT NULL,              -- the document model as JSON
    PRIMARY KEY (spec_hash, renderer)
) STRICT, WITHOUT ROWID;

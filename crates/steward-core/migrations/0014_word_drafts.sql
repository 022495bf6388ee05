-- Partner drafts that come back as Word files: the file's format, the partner's comments (a JSON
-- list of {clause, author, date, text}) and notes on what the import did not take (a JSON list of
-- text). Kept as received, like the rest of the row.
ALTER TABLE received_draft ADD COLUMN format TEXT NOT NULL DEFAULT 'pdf' CHECK (format IN ('pdf', 'docx'));
ALTER TABLE received_draft ADD COLUMN comments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE received_draft ADD COLUMN notes TEXT NOT NULL DEFAULT '[]';

CREATE TRIGGER received_draft_word_is_kept_as_received
BEFORE UPDATE OF format, comments, notes ON received_draft
BEGIN
    SELECT RAISE(ABORT, 'a received draft is kept as received');
END;

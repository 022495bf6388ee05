-- Full-text search over the clause library (SQLite FTS5): every template version's title, body,
-- reviewer guidance and fallback wordings, kept in step by a trigger (versions are never updated
-- or deleted, so inserts are all it needs). No stemming: the app searches by word prefixes, which
-- stemmed tokens would not match ("informat" against "inform").
CREATE VIRTUAL TABLE template_search USING fts5(
    title,
    body,
    guidance,
    fallbacks,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER template_search_add AFTER INSERT ON template_version BEGIN
    INSERT INTO template_search (rowid, title, body, guidance, fallbacks) VALUES (
        new.rowid,
        new.title,
        coalesce(json_extract(new.canonical, '$.body'), json_extract(new.canonical, '$.meta.description'), ''),
        coalesce(json_extract(new.canonical, '$.meta.guidance'), ''),
        coalesce((SELECT group_concat(json_extract(f.value, '$.label') || ' ' || json_extract(f.value, '$.body'), ' ')
                  FROM json_each(new.canonical, '$.meta.fallbacks') AS f), '')
    );
END;

INSERT INTO template_search (rowid, title, body, guidance, fallbacks)
SELECT v.rowid, v.title,
       coalesce(json_extract(v.canonical, '$.body'), json_extract(v.canonical, '$.meta.description'), ''),
       coalesce(json_extract(v.canonical, '$.meta.guidance'), ''),
       coalesce((SELECT group_concat(json_extract(f.value, '$.label') || ' ' || json_extract(f.value, '$.body'), ' ')
                 FROM json_each(v.canonical, '$.meta.fallbacks') AS f), '')
FROM template_version AS v;

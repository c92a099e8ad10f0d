-- One row per (document, extractor version): what extraction made of it,
-- including its errors, so a failed or empty extraction is recorded too.
CREATE TABLE extractions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    extractor    TEXT NOT NULL,
    language     TEXT,
    reports      INTEGER NOT NULL,
    errors       TEXT NOT NULL DEFAULT '[]',   -- JSON list of {code, message}
    created_at   TEXT NOT NULL,
    UNIQUE (document_id, extractor)
);
CREATE INDEX reports_document ON reports (document_id);

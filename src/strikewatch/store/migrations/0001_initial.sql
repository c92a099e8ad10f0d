-- strikewatch schema, version 1.
-- Evidence first: raw bytes live in `blobs`, keyed by their SHA-256, and
-- every row written by strikewatch is recorded in the hash-chained
-- `audit_log` in the same transaction.

CREATE TABLE blobs (
    sha256      TEXT PRIMARY KEY,            -- hex digest of data
    size        INTEGER NOT NULL,
    data        BLOB NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE documents (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_key           TEXT NOT NULL UNIQUE,  -- content-derived: SHA-256 of the raw bytes
    source_id         TEXT NOT NULL,         -- the id given on input: JSONL `id`, else path or URL
    raw_sha256        TEXT NOT NULL REFERENCES blobs(sha256),
    container_sha256  TEXT REFERENCES blobs(sha256),  -- the feed a feed item came in
    origin            TEXT NOT NULL,         -- file | jsonl | json | url | feed | stdin
    origin_ref        TEXT,                  -- path or URL the bytes were read from
    media_type        TEXT NOT NULL,         -- text/plain | text/html | application/json
    title             TEXT,
    url               TEXT,
    source            TEXT,
    published         TEXT,
    language          TEXT,
    text              TEXT NOT NULL,         -- cleaned plain text; spans index into it
    meta              TEXT NOT NULL DEFAULT '{}',  -- JSON: unknown input fields, detection details
    ingested_at       TEXT NOT NULL
);
CREATE INDEX documents_source_id ON documents (source_id);
CREATE INDEX documents_published ON documents (published);

CREATE VIRTUAL TABLE documents_fts USING fts5 (
    title, text, content='documents', content_rowid='id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER documents_fts_au AFTER UPDATE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_key  TEXT NOT NULL UNIQUE,      -- public id, "inc-…"
    version       INTEGER NOT NULL DEFAULT 1,
    data          TEXT NOT NULL,             -- JSON, spec §4
    event_type    TEXT,
    event_date    TEXT,
    lat           REAL,
    lon           REAL,
    grade         TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    ordinal      INTEGER NOT NULL,           -- 0 = the document's main incident
    extractor    TEXT NOT NULL,              -- versioned extractor name
    data         TEXT NOT NULL,              -- JSON, spec §2 REPORT
    created_at   TEXT NOT NULL,
    UNIQUE (document_id, extractor, ordinal)
);

CREATE TABLE figures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    measure     TEXT NOT NULL,
    grp         TEXT NOT NULL,
    low         INTEGER,
    high        INTEGER,
    qualifier   TEXT,
    source      TEXT,
    text        TEXT,
    span_start  INTEGER,
    span_end    INTEGER
);
CREATE INDEX figures_report ON figures (report_id);

CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER REFERENCES incidents(id),
    reviewer     TEXT NOT NULL,
    action       TEXT NOT NULL,
    field        TEXT,
    old_value    TEXT,
    new_value    TEXT,
    note         TEXT,
    created_at   TEXT NOT NULL
);

CREATE TABLE quarantine (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    qkey        TEXT NOT NULL UNIQUE,        -- SHA-256 of (source_id, raw_sha256, code): idempotent
    source_id   TEXT NOT NULL,
    raw_sha256  TEXT REFERENCES blobs(sha256),  -- null only when no bytes were ever received
    origin      TEXT NOT NULL,
    code        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE feeds (
    url            TEXT PRIMARY KEY,
    etag           TEXT,
    last_modified  TEXT,
    last_polled    TEXT,
    last_status    TEXT,
    items_added    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    ts         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    payload    TEXT NOT NULL,               -- canonical JSON, includes the row digest
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);

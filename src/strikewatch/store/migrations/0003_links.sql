-- Why each report belongs to its incident: the method, the score and the
-- comparisons with their weights. One current link per report; an analyst's
-- decision is locked and never re-linked against.
CREATE TABLE links (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id    INTEGER NOT NULL UNIQUE REFERENCES reports(id),
    incident_id  INTEGER NOT NULL REFERENCES incidents(id),
    method       TEXT NOT NULL,              -- founded | fellegi-sunter | analyst
    score        REAL,
    comparisons  TEXT NOT NULL DEFAULT '[]', -- JSON: [{field, level, weight}, ...]
    day          TEXT,                       -- the report's incident date, for blocking
    locked       INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);
CREATE INDEX links_incident ON links (incident_id);
CREATE INDEX links_day ON links (day);
CREATE INDEX incidents_event_date ON incidents (event_date);

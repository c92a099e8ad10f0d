-- The derived index of incidents: what the dashboard filters and sorts on,
-- computed from incidents.data on every save (store/index.py) and filled by
-- this migration's Python step. Not evidence, so not audited; `incidents`
-- is. It carries the public key so that lists and maps never read the
-- incidents' JSON, and its indexes cover the dashboard's common filters
-- (measured with bench/api_bench.py on 100,000 incidents). An early form of
-- this table made by a development build of 0005 is replaced.
DROP TABLE IF EXISTS incident_index;

CREATE TABLE incident_index (
    incident_id   INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    incident_key  TEXT NOT NULL,
    status        TEXT NOT NULL,              -- active | merged
    event_type    TEXT,
    event_date    TEXT,
    lat           REAL,
    lon           REAL,
    grade         TEXT,
    killed        INTEGER,                    -- best figure
    injured       INTEGER,
    country       TEXT,
    admin1        TEXT,
    place         TEXT,
    actor         TEXT,                       -- most likely perpetrator
    health        INTEGER NOT NULL DEFAULT 0, -- a health-care target was hit
    documents     INTEGER NOT NULL DEFAULT 0,
    uncertainty   REAL NOT NULL DEFAULT 0,    -- review queue order, highest first
    feature       TEXT                        -- the map's GeoJSON Feature, when placed
);
CREATE INDEX incident_index_date ON incident_index (status, event_date, lat, lon);
CREATE INDEX incident_index_geo ON incident_index (status, lat, lon, event_date);
CREATE INDEX incident_index_type ON incident_index (status, event_type, event_date);
CREATE INDEX incident_index_health ON incident_index (status, health, event_date);
CREATE INDEX incident_index_grade ON incident_index (status, grade, event_date);
CREATE INDEX incident_index_uncertainty ON incident_index (status, uncertainty);

-- A counter bumped with every change to the index: answers computed from
-- the index (the map's) can be cached until it moves.
CREATE TABLE incident_index_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT INTO incident_index_state (id, version) VALUES (1, 0);

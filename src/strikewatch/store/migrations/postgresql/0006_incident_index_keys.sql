-- The derived index of incidents: what the dashboard filters and sorts on,
-- computed from incidents.data on every save (store/index.py) and filled by
-- this migration's Python step. Not evidence, so not audited; `incidents`
-- is. It carries the public key so that lists and maps never read the
-- incidents' JSON, and its indexes cover the dashboard's common filters
-- (measured with bench/api_bench.py on 100,000 incidents). An early form of
-- this table made by a development build of 0005 is replaced.
DROP TABLE IF EXISTS incident_index;

CREATE TABLE incident_index (
    incident_id   BIGINT PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    incident_key  TEXT COLLATE "C" NOT NULL,
    status        TEXT COLLATE "C" NOT NULL,              -- active | merged
    event_type    TEXT COLLATE "C",
    event_date    TEXT COLLATE "C",
    lat           DOUBLE PRECISION,
    lon           DOUBLE PRECISION,
    grade         TEXT COLLATE "C",
    killed        BIGINT,                    -- best figure
    injured       BIGINT,
    country       TEXT COLLATE "C",
    admin1        TEXT COLLATE "C",
    place         TEXT COLLATE "C",
    actor         TEXT COLLATE "C",                       -- most likely perpetrator
    health        BIGINT NOT NULL DEFAULT 0, -- a health-care target was hit
    documents     BIGINT NOT NULL DEFAULT 0,
    uncertainty   DOUBLE PRECISION NOT NULL DEFAULT 0,    -- review queue order, highest first
    feature       TEXT COLLATE "C"                        -- the map's GeoJSON Feature, when placed
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
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL
);
INSERT INTO incident_index_state (id, version) VALUES (1, 0);

-- Sightings: observers' reports of aircraft (ingest/sightings.py), linked
-- to incidents by time and place and fed to the attribution as flight
-- evidence.
--
-- Observers are people at risk. The `observer` column holds only a keyed
-- pseudonym: "obs-" + the first 16 hex digits of HMAC-SHA256(key, the
-- observer's name folded), the key being this database's own random secret
-- in `local_secrets` (made on first use by Python's `secrets`, never
-- exported, never written to the audit log). The same observer gets the same
-- pseudonym within one database, a different one in another, and the name
-- cannot be recovered from the pseudonym without the key.
--
-- The raw input is evidence and is archived unchanged in `blobs`
-- (`raw_sha256`). A CSV or JSON input that has an observer column, or a text
-- file whose post headers name the poster, therefore still holds the names
-- in those bytes: the archive is as sensitive as the original files and is
-- never exported. `text` keeps a sighting's own words only for free-text
-- posts (the post body, not its header) and for a row's `text` field; the
-- row itself (with its observer cell) is found in the archive by `span`.
CREATE TABLE sightings (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    sighting_key        TEXT NOT NULL UNIQUE,  -- SHA-256 of (raw_sha256, ordinal): importing twice adds nothing
    raw_sha256          TEXT NOT NULL REFERENCES blobs(sha256),
    input_kind          TEXT NOT NULL,         -- csv | json | text
    ordinal             INTEGER NOT NULL,      -- position among the input's sightings
    line                INTEGER,               -- CSV line, JSON item or text block line
    span_start          INTEGER,               -- characters into the decoded input
    span_end            INTEGER,
    text                TEXT,
    time                TEXT,                  -- ISO datetime (offset when known), date, or HH:MM
    day                 TEXT,                  -- YYYY-MM-DD of `time` as written, for windows
    lat                 REAL,
    lon                 REAL,
    place               TEXT,
    aircraft            TEXT,
    aircraft_kind       TEXT,
    count               INTEGER,
    heading             TEXT,
    origin              TEXT,
    destination         TEXT,
    destination_admin1  TEXT,
    altitude            TEXT,
    operator_said       TEXT,
    language            TEXT,
    observer            TEXT,                  -- pseudonym only, never the name
    created_at          TEXT NOT NULL
);
CREATE INDEX sightings_day ON sightings (day);

-- Per-database secrets (not audited, never exported). One today:
-- `observer_hmac_key`, the pseudonymisation key.
CREATE TABLE local_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

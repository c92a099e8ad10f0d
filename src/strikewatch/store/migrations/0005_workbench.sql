-- The analyst's workbench (web/): accounts, sessions, API tokens, settings,
-- incident versions and analysts' overrides, and the terms and text the
-- dashboard filters incidents by (0006 adds the index of their columns).

-- Accounts. Passwords are argon2id hashes (argon2-cffi); nothing else about
-- a password is stored. A revoked account can no longer log in, and its
-- sessions and tokens stop working at once.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    username       TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    revoked_at     TEXT
);

-- Login sessions. Only the SHA-256 of the cookie's random value is kept, so
-- a copy of the database does not let anyone in. Not audited row by row
-- (logins and logouts are audit events); they expire and are pruned.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,           -- SHA-256 hex of the cookie value
    user_id      INTEGER NOT NULL REFERENCES users(id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API tokens ("swt_" + 43 random characters), hashed at rest with SHA-256
-- (they are random, so a slow hash adds nothing), expiring and revocable.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT
);

-- Deployment settings an admin changes (for example `public`).
CREATE TABLE settings (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Every version of every incident, machine-built or reviewed: the current
-- one is also in `incidents`; older ones stay here, visible in the history.
CREATE TABLE incident_versions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER NOT NULL,           -- incidents.id (the row may later be retired)
    version      INTEGER NOT NULL,
    data         TEXT NOT NULL,              -- JSON, spec §4, as it was
    actor        TEXT NOT NULL,
    reason       TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (incident_id, version)
);

-- An analyst's correction of one field, applied over the machine's build
-- every time the incident is rebuilt, until withdrawn.
CREATE TABLE incident_overrides (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id),
    field        TEXT NOT NULL,
    value        TEXT NOT NULL,              -- JSON
    actor        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    withdrawn_at TEXT
);
CREATE INDEX incident_overrides_incident ON incident_overrides (incident_id);
CREATE INDEX reviews_incident ON reviews (incident_id);

-- Folded terms an incident can be filtered by: kind is place | actor |
-- target, or facility (a named health facility, "name@place").
CREATE TABLE incident_terms (
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    term         TEXT NOT NULL,
    PRIMARY KEY (kind, term, incident_id)
) WITHOUT ROWID;
CREATE INDEX incident_terms_incident ON incident_terms (incident_id);

CREATE VIRTUAL TABLE incident_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');

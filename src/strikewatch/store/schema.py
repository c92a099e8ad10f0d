"""Schema migrations: numbered SQL files applied once, in order, in a transaction.

``migrations/`` holds SQLite's files; ``migrations/postgresql/`` holds the
same versions for PostgreSQL: the same tables and columns in its types (a
test compares the two schemas column by column).
"""

from __future__ import annotations

import re
import sqlite3
from importlib import resources
from typing import Any

from ..errors import StoreError
from .clock import utcnow
from .db import ERRORS, LOCK_SPACE, MIGRATE_LOCK, dialect_of

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def _rebuild_incident_index(conn: Any) -> None:
    from .index import rebuild_index

    rebuild_index(conn)


#: Python steps run after a migration's SQL, in its transaction: derived data
#: that SQL alone cannot compute from what is already stored.
_AFTER = {6: _rebuild_incident_index}  # 0005's index is remade by 0006


def migrations(dialect: str = "sqlite") -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration shipped with the package."""
    found = []
    folder = resources.files("strikewatch.store").joinpath("migrations")
    if dialect == "postgresql":
        folder = folder.joinpath("postgresql")
    for entry in folder.iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def current_version(conn: Any) -> int:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return row[0] or 0


def migrate(conn: Any) -> list[int]:
    """Bring the database up to date; returns the versions applied now."""
    if dialect_of(conn) == "postgresql":  # one migrating process at a time
        conn.execute("SELECT pg_advisory_lock(?, ?)", (LOCK_SPACE, MIGRATE_LOCK))
        try:
            return _migrate(conn)
        finally:
            conn.execute("SELECT pg_advisory_unlock(?, ?)", (LOCK_SPACE, MIGRATE_LOCK))
    return _migrate(conn)


def _migrate(conn: Any) -> list[int]:
    applied = []
    postgres = dialect_of(conn) == "postgresql"
    have = current_version(conn)
    shipped = migrations(dialect_of(conn))
    if shipped and have > shipped[-1][0]:
        raise StoreError(
            f"database schema version {have} is newer than this strikewatch "
            f"({shipped[-1][0]}); upgrade strikewatch"
        )
    for version, name, sql in shipped:
        if version <= have:
            continue
        try:
            conn.execute("BEGIN" if postgres else "BEGIN IMMEDIATE")
            if postgres:
                conn.script(sql)
            else:  # executescript would commit implicitly; run statement by statement.
                for statement in _split_sql(sql):
                    conn.execute(statement)
            if version in _AFTER:
                _AFTER[version](conn)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, utcnow()),
            )
            conn.execute("COMMIT")
        except ERRORS as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"migration {version:04d}_{name} failed: {exc}") from exc
        applied.append(version)
    return applied


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements, buf = [], []
    for line in sql.splitlines():
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("--")):
            continue
        buf.append(line)
        candidate = "\n".join(buf)
        if stripped.endswith(";") and sqlite3.complete_statement(candidate):
            statements.append(candidate)
            buf = []
    if "".join(buf).strip():
        statements.append("\n".join(buf))
    return statements

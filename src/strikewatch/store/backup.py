"""Online backup and restore, the same on SQLite and PostgreSQL.

A backup is one gzip-compressed JSON Lines file read from one consistent
snapshot of the database (:meth:`Store.snapshot`) while ingestion, linking
and the workbench go on writing. It holds every evidence table, the audit
log and the accounts, row by row with their own ids; derived tables (the
incidents' index and both full-text indexes) are rebuilt on restore, and
login sessions are left out (people sign in again).

    {"format": "strikewatch-backup", "version": 1, "schema_version": 6, ...}
    {"table": "blobs", "columns": ["sha256", "size", "data", "created_at"]}
    ["ab12…", 41, {"base64": "…"}, "2026-…"]
    …
    {"end": "blobs", "rows": 1234, "sha256": "…"}
    …
    {"done": true, "tables": {"blobs": 1234, …}, "audit_head": "…"}

Each table's section ends with the SHA-256 of its row lines, and the file
ends with the audit chain's head, so a cut or edited backup is refused and a
restored database must verify to that same head. Because the format is the
project's own, a backup of a laptop's SQLite file restores into a team's
PostgreSQL database and back.

The file holds everything the database holds, raw evidence, observers'
pseudonymisation key and password hashes included: keep it as you keep the
database.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
from typing import IO, Any, Iterator

from ..errors import StoreError
from .audit import GENESIS
from .clock import utcnow

FORMAT, VERSION = "strikewatch-backup", 1

#: what a backup holds, in an order that satisfies every foreign key
TABLES = (
    "blobs", "documents", "incidents", "reports", "figures", "reviews", "quarantine", "feeds", "extractions",
    "links", "sightings", "local_secrets", "users", "api_tokens", "settings", "incident_versions",
    "incident_overrides", "audit_log",
)

#: each table's key, for a stable order
_ORDER = {"blobs": "sha256", "feeds": "url", "local_secrets": "name", "settings": "name", "audit_log": "seq"}


def _encode(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return base64.b64decode(value["base64"])
    return value


def _line(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def backup(store: Any, out: IO[bytes]) -> dict[str, Any]:
    """Write a backup of ``store`` to the binary stream ``out``; returns its summary."""
    counts: dict[str, int] = {}
    with store.snapshot(), gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        version = store.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        head_row = store.conn.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        head = head_row[0] if head_row else GENESIS
        gz.write(_line({"format": FORMAT, "version": VERSION, "schema_version": version,
                        "source": store.dialect, "created_at": utcnow()}))
        for table in TABLES:
            columns = [c[0] for c in store.conn.execute(f"SELECT * FROM {table} LIMIT 0").description]
            gz.write(_line({"table": table, "columns": columns}))
            digest, n = hashlib.sha256(), 0
            for row in store.stream(f"SELECT * FROM {table} ORDER BY {_ORDER.get(table, 'id')}"):
                line = _line([_encode(v) for v in row])
                digest.update(line)
                gz.write(line)
                n += 1
            gz.write(_line({"end": table, "rows": n, "sha256": digest.hexdigest()}))
            counts[table] = n
        gz.write(_line({"done": True, "tables": counts, "audit_head": head}))
    return {"schema_version": version, "tables": counts, "audit_head": head}


def _read(path: str | os.PathLike[str]) -> Iterator[Any]:
    try:
        with gzip.open(path, "rb") as fh:
            for raw in fh:
                yield json.loads(raw)
    except (OSError, EOFError, ValueError) as exc:
        raise StoreError(f"{path} is not a readable strikewatch backup: {exc}", code="bad_backup") from exc


def _empty(store: Any) -> bool:
    return all(store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0 for t in TABLES)


def restore(store: Any, path: str | os.PathLike[str], *, batch: int = 500) -> dict[str, Any]:
    """Load a backup into ``store``, which must be empty (newly made, either
    backend), in one transaction: all of it or nothing. Checks every
    section's digest, rebuilds the derived indexes, and verifies the result
    against the backup's audit head before committing."""
    from .index import rebuild_index
    from .repo import index_document_words

    lines = _read(path)
    head = next(lines, None)
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise StoreError(f"{path} is not a strikewatch backup", code="bad_backup")
    if head.get("version") != VERSION:
        raise StoreError(f"backup format version {head.get('version')} is not {VERSION}", code="bad_backup")
    have = store.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    if head.get("schema_version") != have:
        raise StoreError(f"the backup has schema version {head.get('schema_version')}, this database {have}: "
                         "restore with the strikewatch version that made it", code="bad_backup")
    counts: dict[str, int] = {}
    done: dict[str, Any] | None = None
    with store.transaction():
        if not _empty(store):
            raise StoreError(f"{store.name} is not empty: restore only into a new database", code="conflict")
        table, columns, rows, digest = None, [], [], hashlib.sha256()
        n = 0
        for item in lines:
            if isinstance(item, list):
                if table is None:
                    raise StoreError("backup row outside a table section", code="bad_backup")
                digest.update(_line(item))
                rows.append([_decode(v) for v in item])
                n += 1
                if len(rows) >= batch:
                    _insert(store, table, columns, rows)
            elif "table" in item:
                table, columns, digest, n = item["table"], item["columns"], hashlib.sha256(), 0
                if table not in TABLES:
                    raise StoreError(f"backup holds an unknown table {table!r}", code="bad_backup")
            elif "end" in item:
                _insert(store, table, columns, rows)
                if item["end"] != table or item["rows"] != n or item["sha256"] != digest.hexdigest():
                    raise StoreError(f"backup section {item['end']!r} is cut or altered", code="bad_backup")
                counts[table], table = n, None
            elif item.get("done"):
                done = item
                break
        if done is None or set(counts) != set(TABLES) or done.get("tables") != counts:
            raise StoreError(f"{path} is incomplete: it ends before its last section", code="bad_backup")
        rebuild_index(store.conn)
        if store.dialect == "postgresql":
            for doc_id, title, text in store.conn.execute("SELECT id, title, text FROM documents").fetchall():
                index_document_words(store.conn, doc_id, title, text)
            _reset_sequences(store)
        report = store.verify(expect_head=done["audit_head"])
        if not report.ok:
            raise StoreError(f"the restored database does not verify: {report.problems[0]}", code="bad_backup")
    return {"tables": counts, "audit_head": done["audit_head"], "verified": True}


def _insert(store: Any, table: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    if not rows or table is None:
        return
    store.conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
    rows.clear()


def _reset_sequences(store: Any) -> None:
    """PostgreSQL: the identity columns continue after the restored ids."""
    for table in (t for t in TABLES if t not in _ORDER):
        row = store.conn.execute("SELECT pg_get_serial_sequence(?, 'id')", (table,)).fetchone()
        if row and row[0]:
            store.conn.execute(f"SELECT setval(?, coalesce((SELECT max(id) FROM {table}), 0) + 1, false)", (row[0],))

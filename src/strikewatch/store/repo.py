"""The repository API over the database: the only module that speaks SQL.

SQLite is the embedded default: WAL journal, ``synchronous=FULL`` so an
acknowledged document survives a power cut, ``BEGIN IMMEDIATE`` so writers
queue instead of failing. A ``postgresql://`` URL instead of a path opens the
same store on a PostgreSQL server (``db.py``: the same SQL, translated; one
writer at a time through an advisory lock). Every write goes through
:meth:`Store._write`, which records the row's digest in the audit chain inside
the same transaction.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import math
import os
import secrets
import sqlite3
import unicodedata
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..errors import IntegrityError, StoreError, StrikewatchError
from .audit import GENESIS, canonical_json, chain_hash, row_digest
from .clock import utcnow
from .accounts import AccountStore
from .db import ERRORS, LOCK_SPACE, WRITE_LOCK, PostgresConnection, is_url, redact
from .index import drop_index, fold, write_index
from .review import ReviewStore
from .queries import QueryStore
from .schema import migrate

#: audited tables and the column that names a row in the audit log
AUDITED: dict[str, str] = {
    "blobs": "sha256",
    "documents": "id",
    "incidents": "id",
    "reports": "id",
    "figures": "id",
    "reviews": "id",
    "quarantine": "id",
    "feeds": "url",
    "extractions": "id",
    "links": "id",
    "sightings": "id",
    "users": "id",
    "api_tokens": "id",
    "settings": "name",
    "incident_versions": "id",
    "incident_overrides": "id",
}

#: audit actions that record a row's new content (others, such as ``read``
#: or ``login``, are events that leave every row as it was)
ROW_ACTIONS = frozenset({"insert", "update", "delete"})


def default_actor() -> str:
    """Who writes: $STRIKEWATCH_ACTOR, else the operating-system user."""
    explicit = os.environ.get("STRIKEWATCH_ACTOR")
    if explicit:
        return explicit
    try:
        return f"user:{getpass.getuser()}"
    except Exception:  # no passwd entry in some containers
        return "user:unknown"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class StoredDocument:
    """A document as kept: the input fields plus its evidence trail."""

    id: int
    doc_key: str
    source_id: str
    raw_sha256: str
    container_sha256: str | None
    origin: str
    origin_ref: str | None
    media_type: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None
    language: str | None
    text: str
    meta: dict[str, Any]
    ingested_at: str

    def summary(self) -> dict[str, Any]:
        """The listing view: everything but the text."""
        d = asdict(self)
        d.pop("text")
        d["chars"] = len(self.text)
        return d

    def as_input(self) -> dict[str, Any]:
        """The document in the interchange input shape (spec §1)."""
        d: dict[str, Any] = {"id": self.source_id, "text": self.text}
        for key in ("published", "title", "url", "language", "source"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        return d


@dataclass
class NewDocument:
    """What ingestion hands the store for one document."""

    source_id: str
    raw: bytes
    origin: str
    media_type: str
    text: str
    origin_ref: str | None = None
    container_sha256: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def doc_key(self) -> str:
        return sha256_hex(self.raw)


@dataclass
class Problem:
    """One verification failure; ``where`` names the row or link."""

    kind: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind} at {self.where}: {self.message}"


@dataclass
class VerifyReport:
    blobs_checked: int = 0
    audit_rows: int = 0
    rows_checked: int = 0
    head: str = GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ok"] = self.ok
        d["first_problem"] = str(self.problems[0]) if self.problems else None
        return d


class Store(AccountStore, QueryStore, ReviewStore):
    """An open strikewatch database. Use as a context manager or call close()."""

    def __init__(self, path: str | os.PathLike[str], *, actor: str | None = None) -> None:
        self.actor = actor or default_actor()
        self._depth = 0
        if is_url(path):
            self.url, self.path = str(path), None
            try:
                self.conn = PostgresConnection(self.url)
                migrate(self.conn)
            except ERRORS as exc:
                raise StoreError(f"cannot open database {redact(self.url)}: {exc}") from exc
            self.dialect = "postgresql"
            return
        self.dialect = "sqlite"
        self.path = Path(path)
        self.url = None
        try:
            if self.path.parent and not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(
                str(self.path), isolation_level=None, timeout=60.0, check_same_thread=False
            )
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=60000")
            migrate(self.conn)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc

    # -- plumbing -----------------------------------------------------------

    @property
    def name(self) -> str:
        """The database as it may be shown: its path, or its URL without the password."""
        return redact(self.url) if self.url else str(self.path)

    def tune_for_reading(self) -> None:
        """A long-lived reader's cache settings (the workbench's); SQLite only."""
        if self.dialect == "sqlite":
            self.conn.execute("PRAGMA mmap_size = 1073741824")
            self.conn.execute("PRAGMA cache_size = -32768")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A write transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        try:
            if self.dialect == "postgresql":
                self.conn.execute("BEGIN")
                self.conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_SPACE, WRITE_LOCK))
            else:
                self.conn.execute("BEGIN IMMEDIATE")
        except ERRORS as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(f"cannot start a write on {self.name}: {exc}") from exc
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            raise
        else:
            self._depth = 0
            try:
                self.conn.execute("COMMIT")
            except ERRORS as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise StoreError(f"commit failed on {self.name}: {exc}") from exc

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read-only transaction: every query inside sees the database as it
        was when the first one ran, while writers go on (for online backups)."""
        if self.dialect == "postgresql":
            self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            self.conn.execute("BEGIN DEFERRED")
            self.conn.execute("SELECT count(*) FROM schema_migrations").fetchone()  # the snapshot starts here
        try:
            yield
        finally:
            self.conn.execute("ROLLBACK")

    def stream(self, sql: str, params: list[Any] | None = None) -> Iterator[tuple[Any, ...]]:
        """Rows of a big query without holding them all (use inside :meth:`snapshot`)."""
        if self.dialect == "postgresql":
            return self.conn.stream(sql, params)
        return iter(self.conn.execute(sql, params or []))

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold a named lock of this database across threads and processes (an
        advisory lock on a file beside it, or PostgreSQL's advisory lock), e.g.
        so that one linker runs at a time."""
        if self.dialect == "postgresql":
            self.conn.execute("SELECT pg_advisory_lock(?, hashtext(?))", (LOCK_SPACE, name))
            try:
                yield
            finally:
                self.conn.execute("SELECT pg_advisory_unlock(?, hashtext(?))", (LOCK_SPACE, name))
            return
        import fcntl

        with open(self.path.with_name(f"{self.path.name}.{name}.lock"), "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _row_digest(self, table: str, key: Any) -> str | None:
        cur = self.conn.execute(f"SELECT * FROM {table} WHERE {AUDITED[table]} = ?", (key,))
        row = cur.fetchone()
        if row is None:
            return None
        return row_digest([c[0] for c in cur.description], row)

    def _audit(self, action: str, entity: str, entity_id: Any, payload: dict[str, Any]) -> None:
        last = self.conn.execute(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        ts = utcnow()
        body = canonical_json(payload)
        digest = chain_hash(prev, seq, ts, self.actor, action, entity, str(entity_id), body)
        self.conn.execute(
            "INSERT INTO audit_log (seq, ts, actor, action, entity, entity_id, payload, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, ts, self.actor, action, entity, str(entity_id), body, prev, digest),
        )

    def _write(
        self, table: str, values: dict[str, Any], *, action: str = "insert",
        note: dict[str, Any] | None = None,
    ) -> Any:
        """Insert or update one row and record it in the audit chain."""
        keycol = AUDITED[table]
        cols = list(values)
        with self.transaction():
            if action == "insert":
                sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                if keycol in values:
                    self.conn.execute(sql, [values[c] for c in cols])
                    key = values[keycol]
                elif self.dialect == "postgresql":
                    key = self.conn.execute(f"{sql} RETURNING {keycol}", [values[c] for c in cols]).fetchone()[0]
                else:
                    key = self.conn.execute(sql, [values[c] for c in cols]).lastrowid
            elif action == "delete":
                key = values[keycol]
                self.conn.execute(f"DELETE FROM {table} WHERE {keycol} = ?", (key,))
            elif action == "update":
                key = values[keycol]
                sets = [c for c in cols if c != keycol]
                self.conn.execute(
                    f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in sets)} WHERE {keycol} = ?",
                    [values[c] for c in sets] + [key],
                )
            else:  # pragma: no cover - programming error
                raise ValueError(action)
            payload = {"digest": None if action == "delete" else self._row_digest(table, key)}
            if note:
                payload.update(note)
            self._audit(action, table, key, payload)
        return key

    # -- archive ------------------------------------------------------------

    def put_blob(self, data: bytes) -> str:
        """Archive raw bytes under their SHA-256 (idempotent); returns the digest."""
        sha = sha256_hex(data)
        with self.transaction():
            if not self.conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha,)).fetchone():
                self._write(
                    "blobs",
                    {"sha256": sha, "size": len(data), "data": data, "created_at": utcnow()},
                )
        return sha

    def has_blob(self, sha: str) -> bool:
        return self.conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha,)).fetchone() is not None

    def get_blob(self, sha: str) -> bytes:
        """The archived bytes, re-hashed: a mismatch is an error, never returned."""
        row = self.conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()
        if row is None:
            raise StrikewatchError(f"no archived bytes with SHA-256 {sha}", code="not_found")
        data = bytes(row[0])
        if sha256_hex(data) != sha:
            raise IntegrityError(f"archived bytes {sha} fail their SHA-256 check")
        return data

    # -- documents ----------------------------------------------------------

    def has_document(self, doc_key: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM documents WHERE doc_key = ?", (doc_key,)
        ).fetchone() is not None

    def add_document(self, doc: NewDocument) -> tuple[int, bool]:
        """Archive and store one document; (id, added). Same bytes twice: not added."""
        key = doc.doc_key
        with self.transaction():
            row = self.conn.execute("SELECT id FROM documents WHERE doc_key = ?", (key,)).fetchone()
            if row:
                return row[0], False
            raw_sha = self.put_blob(doc.raw)
            new_id = self._write(
                "documents",
                {
                    "doc_key": key, "source_id": doc.source_id, "raw_sha256": raw_sha,
                    "container_sha256": doc.container_sha256, "origin": doc.origin,
                    "origin_ref": doc.origin_ref, "media_type": doc.media_type,
                    "title": doc.title, "url": doc.url, "source": doc.source,
                    "published": doc.published, "language": doc.language, "text": doc.text,
                    "meta": canonical_json(doc.meta), "ingested_at": utcnow(),
                },
            )
            if self.dialect == "postgresql":  # SQLite's FTS5 table is kept by triggers
                index_document_words(self.conn, new_id, doc.title, doc.text)
        return new_id, True

    _DOC_COLS = (
        "id, doc_key, source_id, raw_sha256, container_sha256, origin, origin_ref, media_type,"
        " title, url, source, published, language, text, meta, ingested_at"
    )

    def _doc(self, row: tuple[Any, ...]) -> StoredDocument:
        values = list(row)
        values[14] = json.loads(values[14] or "{}")
        return StoredDocument(*values)

    def get_document(self, ref: str | int) -> StoredDocument:
        """By numeric id, content key (full or a prefix of 8+), or source id."""
        cols = self._DOC_COLS
        row = None
        if _row_id(ref) is not None:
            row = self.conn.execute(f"SELECT {cols} FROM documents WHERE id = ?", (_row_id(ref),)).fetchone()
        if row is None and isinstance(ref, str):
            row = self.conn.execute(
                f"SELECT {cols} FROM documents WHERE source_id = ? ORDER BY id LIMIT 1", (ref,)
            ).fetchone()
            if row is None and len(ref) >= 8 and all(c in "0123456789abcdef" for c in ref.lower()):
                rows = self.conn.execute(
                    f"SELECT {cols} FROM documents WHERE doc_key >= ? AND doc_key < ? LIMIT 2",
                    (ref.lower(), ref.lower() + "g"),
                ).fetchall()
                if len(rows) == 1:
                    row = rows[0]
        if row is None:
            raise StrikewatchError(f"no document {ref!r}", code="not_found")
        return self._doc(row)

    def list_documents(
        self, *, search: str | None = None, language: str | None = None,
        limit: int = 50, offset: int = 0,
    ) -> list[StoredDocument]:
        """Newest first; ``search`` is a full-text query over title and text."""
        where, args = [], []
        cols = ", ".join(f"d.{c.strip()}" for c in self._DOC_COLS.split(","))
        sql = f"SELECT {cols} FROM documents d"
        if search:
            sql += " JOIN documents_fts f ON f.rowid = d.id"
            where.append(fts_match(self.dialect, "documents_fts", "f"))
            args.append(fts_query(search, self.dialect))
        if language:
            where.append("d.language = ?")
            args.append(language)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY d.id DESC LIMIT ? OFFSET ?"
        args += [limit, offset]
        try:
            return [self._doc(r) for r in self.conn.execute(sql, args)]
        except ERRORS as exc:
            raise StrikewatchError(f"bad search {search!r}: {exc}", code="usage") from exc

    # -- extraction results -------------------------------------------------

    def has_extraction(self, document_id: int, extractor: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM extractions WHERE document_id = ? AND extractor = ?", (document_id, extractor)
        ).fetchone() is not None

    def save_extraction(
        self, document_id: int, extractor: str, *, language: str | None,
        reports: list[dict[str, Any]], errors: list[dict[str, Any]],
    ) -> bool:
        """Store one document's reports and their figures, with provenance; False if
        this extractor version already did this document (results are immutable)."""
        with self.transaction():
            if self.has_extraction(document_id, extractor):
                return False
            now = utcnow()
            self._write("extractions", {
                "document_id": document_id, "extractor": extractor, "language": language,
                "reports": len(reports), "errors": canonical_json(errors), "created_at": now,
            })
            for ordinal, report in enumerate(reports):
                report_id = self._write("reports", {
                    "document_id": document_id, "ordinal": ordinal, "extractor": extractor,
                    "data": canonical_json(report), "created_at": now,
                })
                for fig in report.get("figures") or []:
                    span = fig.get("span") or [None, None]
                    self._write("figures", {
                        "report_id": report_id, "measure": fig.get("measure"), "grp": fig.get("group") or "all",
                        "low": fig.get("low"), "high": fig.get("high"), "qualifier": fig.get("qualifier"),
                        "source": fig.get("source"), "text": fig.get("text"),
                        "span_start": span[0], "span_end": span[1],
                    })
        return True

    def documents_to_extract(self, extractor: str, *, limit: int = 1000) -> list[StoredDocument]:
        """Stored documents this extractor version has not seen, oldest first."""
        cols = ", ".join(f"d.{c.strip()}" for c in self._DOC_COLS.split(","))
        rows = self.conn.execute(
            f"SELECT {cols} FROM documents d WHERE NOT EXISTS (SELECT 1 FROM extractions e"
            " WHERE e.document_id = d.id AND e.extractor = ?) ORDER BY d.id LIMIT ?", (extractor, limit),
        ).fetchall()
        return [self._doc(r) for r in rows]

    def reports_for(self, document_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT data FROM reports WHERE document_id = ? ORDER BY extractor, ordinal", (document_id,)
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    # -- linking and incidents ----------------------------------------------

    def reports_to_link(self) -> list[dict[str, Any]]:
        """Reports with no incident yet, with what linking needs of their document."""
        cur = self.conn.execute(
            "SELECT r.id, r.data, d.source_id, d.published, d.source FROM reports r"
            " JOIN documents d ON d.id = r.document_id"
            " WHERE NOT EXISTS (SELECT 1 FROM links l WHERE l.report_id = r.id) ORDER BY r.id")
        return [{"report_id": rid, "report": json.loads(data), "document_id": sid, "published": pub,
                 "outlet": outlet} for rid, data, sid, pub, outlet in cur]

    def linked_reports(self, *, day_from: str | None = None, day_to: str | None = None,
                       incident_id: int | None = None) -> list[dict[str, Any]]:
        """Linked reports (all, those of one incident, or those dated in a window or undated)."""
        sql = ("SELECT l.incident_id, r.id, r.data, d.source_id, d.published, d.source, l.method, l.score,"
               " l.comparisons, l.locked FROM links l JOIN reports r ON r.id = l.report_id"
               " JOIN documents d ON d.id = r.document_id")
        args: list[Any] = []
        if incident_id is not None:
            sql += " WHERE l.incident_id = ?"
            args.append(incident_id)
        elif day_from and day_to:
            sql += " WHERE (l.day BETWEEN ? AND ?) OR l.day IS NULL"
            args += [day_from, day_to]
        sql += " ORDER BY l.incident_id, r.id"
        return [{"incident_id": iid, "report_id": rid, "report": json.loads(data), "document_id": sid,
                 "published": pub, "outlet": outlet, "method": method, "score": score,
                 "comparisons": json.loads(comp), "locked": bool(locked)}
                for iid, rid, data, sid, pub, outlet, method, score, comp, locked in self.conn.execute(sql, args)]

    def add_link(self, report_id: int, incident_id: int, *, method: str, score: float | None,
                 comparisons: list[dict[str, Any]], day: str | None, locked: bool = False) -> int:
        return self._write("links", {
            "report_id": report_id, "incident_id": incident_id, "method": method, "score": score,
            "comparisons": canonical_json(comparisons), "day": day, "locked": int(locked), "created_at": utcnow(),
        })

    def lock_link(self, report_id: int, incident_id: int, *, method: str = "analyst") -> None:
        """An analyst's decision that this report belongs to this incident: relinking
        (even ``--rebuild``) never moves it. Review actions (merge, split) use this."""
        with self.transaction():
            row = self.conn.execute("SELECT id FROM links WHERE report_id = ?", (report_id,)).fetchone()
            if row is None:
                self.add_link(report_id, incident_id, method=method, score=None, comparisons=[], day=None, locked=True)
            else:
                self._write("links", {"id": row[0], "incident_id": incident_id, "method": method, "locked": 1},
                            action="update")

    def save_incident(self, incident: dict[str, Any], *, incident_id: int | None = None,
                      reason: str | None = None) -> int:
        """Insert a new incident or write a new version of one (spec §4 JSON in
        ``data``). Every version is also kept in ``incident_versions`` with who
        wrote it and why; a save that changes nothing writes nothing."""
        loc = incident.get("location") or {}
        body = canonical_json(incident)
        values = {
            "incident_key": incident["incident_id"], "data": body,
            "event_type": incident.get("event_type"), "event_date": (incident.get("date") or {}).get("start"),
            "lat": loc.get("lat"), "lon": loc.get("lon"), "grade": incident.get("grade"), "updated_at": utcnow(),
        }
        with self.transaction():
            if incident_id is None:
                version = 1
                incident_id = self._write("incidents", {**values, "version": 1, "created_at": values["updated_at"]})
            else:
                old_version, old_body = self.conn.execute(
                    "SELECT version, data FROM incidents WHERE id = ?", (incident_id,)).fetchone()
                if _same_but_stamp(old_body, incident):
                    return incident_id
                version = old_version + 1
                self._write("incidents", {**values, "id": incident_id, "version": version}, action="update")
            self._write("incident_versions", {
                "incident_id": incident_id, "version": version, "data": body, "actor": self.actor,
                "reason": reason, "created_at": values["updated_at"]})
            write_index(self.conn, incident_id, incident)
        return incident_id

    def incident_versions(self, incident_id: int) -> list[dict[str, Any]]:
        """Every recorded version of an incident, oldest first."""
        cur = self.conn.execute(
            "SELECT version, data, actor, reason, created_at FROM incident_versions WHERE incident_id = ?"
            " ORDER BY version", (incident_id,))
        out = [{"version": v, "data": json.loads(d), "actor": a, "reason": r, "created_at": c}
               for v, d, a, r, c in cur]
        current = self.conn.execute("SELECT version, data, updated_at FROM incidents WHERE id = ?",
                                    (incident_id,)).fetchone()
        if current and not any(v["version"] == current[0] for v in out):  # saved before versions were kept
            out.append({"version": current[0], "data": json.loads(current[1]), "actor": None,
                        "reason": "saved before version history was kept", "created_at": current[2]})
        return out

    def has_incident(self, key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM incidents WHERE incident_key = ?", (key,)).fetchone() is not None

    def incident_row(self, ref: str | int) -> dict[str, Any]:
        """An incident by public key ("inc-…") or number, with its spec §4 data."""
        cur = self.conn.execute(
            "SELECT id, incident_key, version, data, created_at, updated_at FROM incidents"
            " WHERE incident_key = ? OR id = ?", (str(ref), _row_id(ref) or -1))
        row = cur.fetchone()
        if row is None:
            raise StrikewatchError(f"no incident {ref!r}", code="not_found")
        iid, key, version, data, created, updated = row
        return {"id": iid, "incident_id": key, "version": version, "data": json.loads(data),
                "created_at": created, "updated_at": updated}

    def list_incidents(self, *, limit: int = 50, offset: int = 0, event_type: str | None = None,
                       date_from: str | None = None, date_to: str | None = None) -> list[dict[str, Any]]:
        """Active incidents (not merged into another), newest event first, as spec §4 dicts."""
        where, args = [_ACTIVE], []
        if event_type:
            where.append("event_type = ?")
            args.append(event_type)
        if date_from:
            where.append("event_date >= ?")
            args.append(date_from)
        if date_to:
            where.append("event_date <= ?")
            args.append(date_to)
        sql = "SELECT data FROM incidents" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY event_date DESC, id DESC LIMIT ? OFFSET ?"
        return [json.loads(r[0]) for r in self.conn.execute(sql, [*args, limit, offset])]

    def iter_incidents(self) -> Iterator[dict[str, Any]]:
        """Every active incident (not merged into another), oldest first, one at a time (for exports)."""
        for (data,) in self.conn.execute(f"SELECT data FROM incidents WHERE {_ACTIVE} ORDER BY event_date, id"):
            yield json.loads(data)

    def unlink_unlocked(self) -> int:
        """For a rebuild: drop every machine-made link, and incidents left with none.
        Analysts' locked links stay, with their incidents. Every delete is audited."""
        with self.transaction():
            ids = [r[0] for r in self.conn.execute("SELECT id FROM links WHERE locked = 0")]
            for link_id in ids:
                self._write("links", {"id": link_id}, action="delete")
            orphans = [r[0] for r in self.conn.execute(
                "SELECT id FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM links l WHERE l.incident_id = i.id)"
                " AND NOT EXISTS (SELECT 1 FROM incident_index x WHERE x.incident_id = i.id AND x.status = 'merged')")]
            for iid in orphans:
                drop_index(self.conn, iid)
                self._write("incidents", {"id": iid}, action="delete")
        return len(ids)

    # -- sightings -----------------------------------------------------------
    # Observers' reports of aircraft (ingest/sightings.py). Observer names are
    # replaced by a keyed pseudonym before anything is written; the key is
    # this database's own secret (migration 0004 explains what is and is not
    # protected).

    _SIGHTING_COLS = (
        "id, time, day, lat, lon, place, aircraft, aircraft_kind, count, heading, origin, destination,"
        " destination_admin1, altitude, operator_said, language, observer, text, raw_sha256, input_kind,"
        " line, span_start, span_end, created_at"
    )

    def _observer_key(self) -> bytes:
        """The pseudonymisation key, made (32 random bytes) on first use."""
        row = self.conn.execute("SELECT value FROM local_secrets WHERE name = 'observer_hmac_key'").fetchone()
        if row is None:
            with self.transaction():
                self.conn.execute(
                    "INSERT INTO local_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    ("observer_hmac_key", secrets.token_hex(32), utcnow()))
            row = self.conn.execute("SELECT value FROM local_secrets WHERE name = 'observer_hmac_key'").fetchone()
        return bytes.fromhex(row[0])

    def pseudonymise(self, observer: str | None) -> str | None:
        """"obs-" + 16 hex digits of HMAC-SHA256 under this database's key, over
        the name folded (NFKC, case, spaces, a leading @): stable here,
        different in every other database, not reversible without the key."""
        if observer is None or not str(observer).strip():
            return None
        folded = " ".join(unicodedata.normalize("NFKC", str(observer)).casefold().split()).lstrip("@")
        return "obs-" + hmac.new(self._observer_key(), folded.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    def add_sighting(self, sighting: Any, *, raw_sha256: str, input_kind: str, ordinal: int) -> tuple[int, bool]:
        """Store one parsed sighting (an ``ingest.sightings.Sighting``) of the
        archived input ``raw_sha256``; (id, added). The observer is stored as
        its pseudonym only (also set on ``sighting.observer_pseudonym``)."""
        key = sha256_hex(canonical_json([raw_sha256, ordinal]).encode())
        pseudonym = self.pseudonymise(getattr(sighting, "observer", None))
        sighting.observer_pseudonym = pseudonym
        with self.transaction():
            if not self.has_blob(raw_sha256):
                raise StrikewatchError(f"no archived input {raw_sha256}", code="not_found")
            row = self.conn.execute("SELECT id FROM sightings WHERE sighting_key = ?", (key,)).fetchone()
            if row:
                return row[0], False
            span = sighting.span or (None, None)
            t = sighting.time
            new_id = self._write("sightings", {
                "sighting_key": key, "raw_sha256": raw_sha256, "input_kind": input_kind, "ordinal": ordinal,
                "line": sighting.line, "span_start": span[0], "span_end": span[1],
                "text": sighting.text if input_kind == "text" or sighting.span is None else None,
                "time": t, "day": t[:10] if t and len(t) >= 10 and t[4] == "-" else None,
                "lat": sighting.lat, "lon": sighting.lon, "place": sighting.place, "aircraft": sighting.aircraft,
                "aircraft_kind": sighting.aircraft_kind, "count": sighting.count, "heading": sighting.heading,
                "origin": sighting.origin, "destination": sighting.destination,
                "destination_admin1": sighting.destination_admin1, "altitude": sighting.altitude,
                "operator_said": sighting.operator_said, "language": sighting.language,
                "observer": pseudonym, "created_at": utcnow(),
            })
        return new_id, True

    def _sighting_rows(self, where: str = "", args: list[Any] | None = None, *, limit: int | None = None,
                       newest_first: bool = False) -> list[dict[str, Any]]:
        sql = f"SELECT {self._SIGHTING_COLS} FROM sightings" + (f" WHERE {where}" if where else "")
        sql += " ORDER BY " + ("coalesce(time, '') DESC, id DESC" if newest_first else "coalesce(time, ''), id")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        cur = self.conn.execute(sql, args or [])
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in cur]

    def list_sightings(self, *, limit: int = 50, day_from: str | None = None,
                       day_to: str | None = None) -> list[dict[str, Any]]:
        """Sightings, newest first, observers as pseudonyms."""
        where, args = [], []
        if day_from:
            where.append("day >= ?")
            args.append(day_from)
        if day_to:
            where.append("day <= ?")
            args.append(day_to)
        return self._sighting_rows(" AND ".join(where), args, limit=limit, newest_first=True)

    def sightings_between(
        self, start: str, end: str, *, bbox: tuple[float, float, float, float] | None = None,
        near: tuple[float, float] | None = None, radius_km: float = 50.0, include_unplaced: bool = False,
    ) -> list[dict[str, Any]]:
        """Sightings from ``start`` to ``end`` (ISO dates or datetimes, inclusive),
        oldest first. Datetimes are compared as instants when both sides carry
        a UTC offset, else as written; a sighting with only a day matches a
        window that touches that day. ``bbox`` (min_lat, min_lon, max_lat,
        max_lon) or ``near`` (lat, lon) within ``radius_km`` keep sightings
        whose position is known and inside; ``include_unplaced`` also keeps
        those without a position (a base and a heading, a destination)."""
        from datetime import datetime

        rows = self._sighting_rows("day BETWEEN ? AND ?", [start[:10], end[:10]])
        lo, hi = _instant(start, end_of_day=False), _instant(end, end_of_day=True)
        out = []
        for r in rows:
            t = r["time"] or ""
            if "T" in t and lo is not None and hi is not None:
                when = datetime.fromisoformat(t)
                a, b = lo, hi
                if (when.tzinfo is None) != (a.tzinfo is None):  # one side naive: compare as written
                    when, a, b = when.replace(tzinfo=None), a.replace(tzinfo=None), b.replace(tzinfo=None)
                if not a <= when <= b:
                    continue
            if r["lat"] is None or r["lon"] is None:
                if include_unplaced or (bbox is None and near is None):
                    out.append(r)
                continue
            if bbox is not None and not (bbox[0] <= r["lat"] <= bbox[2] and bbox[1] <= r["lon"] <= bbox[3]):
                continue
            if near is not None and _km(near[0], near[1], r["lat"], r["lon"]) > radius_km:
                continue
            out.append(r)
        return out

    # -- quarantine ---------------------------------------------------------

    def quarantine(
        self, *, source_id: str, raw: bytes | None, origin: str, code: str, reason: str
    ) -> bool:
        """Keep a failed input's bytes and why it failed; False if already kept.
        Control characters in the name and reason are written as escapes
        (``\\x00``): the record stays printable on every backend, and the
        bytes as received are in the archive."""
        source_id, reason = _printable(source_id), _printable(reason)
        with self.transaction():
            raw_sha = self.put_blob(raw) if raw is not None else None
            qkey = sha256_hex(canonical_json([source_id, raw_sha, code]).encode())
            if self.conn.execute("SELECT 1 FROM quarantine WHERE qkey = ?", (qkey,)).fetchone():
                return False
            self._write(
                "quarantine",
                {"qkey": qkey, "source_id": source_id, "raw_sha256": raw_sha, "origin": origin,
                 "code": code, "reason": reason[:2000], "created_at": utcnow()},
            )
        return True

    def list_quarantine(self, limit: int = 100) -> list[dict[str, Any]]:
        cur = self.conn.execute(
            "SELECT id, source_id, raw_sha256, origin, code, reason, created_at"
            " FROM quarantine ORDER BY id DESC LIMIT ?", (limit,),
        )
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in cur]

    # -- feeds (watch state) ------------------------------------------------

    def feed_state(self, url: str) -> dict[str, Any] | None:
        cur = self.conn.execute("SELECT * FROM feeds WHERE url = ?", (url,))
        row = cur.fetchone()
        return dict(zip([c[0] for c in cur.description], row)) if row else None

    def save_feed_state(self, url: str, **values: Any) -> None:
        with self.transaction():
            exists = self.feed_state(url) is not None
            self._write("feeds", {"url": url, **values}, action="update" if exists else "insert")

    # -- overview -----------------------------------------------------------

    def status(self) -> dict[str, Any]:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        langs = dict(self.conn.execute(
            "SELECT coalesce(language, 'unknown'), count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall())
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "reports": one("SELECT count(*) FROM reports"),
            "incidents": one("SELECT count(*) FROM incidents"),
            "quarantined": one("SELECT count(*) FROM quarantine"),
            "sightings": one("SELECT count(*) FROM sightings"),
            "archived_bytes": one("SELECT coalesce(sum(size), 0) FROM blobs"),
            "audit_entries": one("SELECT count(*) FROM audit_log"),
            "languages": langs,
            "database": self.name,
        }

    # -- verification -------------------------------------------------------

    def verify(self, *, expect_head: str | None = None) -> VerifyReport:
        """Re-hash the archive, walk the audit chain, and match every row to it."""
        rep = VerifyReport()
        # 1. the archive
        for sha, data in self.conn.execute("SELECT sha256, data FROM blobs ORDER BY sha256"):
            rep.blobs_checked += 1
            if sha256_hex(bytes(data)) != sha:
                rep.problems.append(Problem("archive", f"blob {sha}", "bytes no longer match their SHA-256"))
        # 2. the chain
        prev, expected_seq = GENESIS, 1
        last_digest: dict[tuple[str, str], str | None] = {}
        chain_ok = True
        for seq, ts, actor, action, entity, entity_id, payload, prev_hash, hsh in self.conn.execute(
            "SELECT seq, ts, actor, action, entity, entity_id, payload, prev_hash, hash"
            " FROM audit_log ORDER BY seq"
        ):
            rep.audit_rows += 1
            where = f"audit seq {seq}"
            if chain_ok:
                if seq != expected_seq:
                    rep.problems.append(Problem(
                        "audit", where, f"expected seq {expected_seq}: audit rows deleted or inserted"))
                    chain_ok = False
                elif prev_hash != prev:
                    rep.problems.append(Problem(
                        "audit", where,
                        "prev_hash does not match the previous row: rows deleted, inserted or reordered"))
                    chain_ok = False
                elif chain_hash(prev_hash, seq, ts, actor, action, entity, entity_id, payload) != hsh:
                    rep.problems.append(Problem("audit", where, "row content does not match its hash: edited"))
                    chain_ok = False
            prev, expected_seq = hsh, seq + 1
            try:
                digest = json.loads(payload).get("digest")
            except (ValueError, AttributeError):
                digest = None
            if action in ROW_ACTIONS:
                last_digest[(entity, entity_id)] = None if action == "delete" else digest
        rep.head = prev
        if expect_head and expect_head != prev and not any(p.kind == "audit" for p in rep.problems):
            rep.problems.append(Problem(
                "audit", "head", f"chain head {prev} is not the expected {expect_head}: rows removed from the end or rewritten"))
        # 3. every row against its last audit record
        for table, keycol in AUDITED.items():
            seen = set()
            cur = self.conn.execute(f"SELECT * FROM {table} ORDER BY {keycol}")
            names = [c[0] for c in cur.description]
            k = names.index(keycol)
            for row in cur:
                rep.rows_checked += 1
                ident = (table, str(row[k]))
                seen.add(ident)
                if ident not in last_digest:
                    rep.problems.append(Problem("row", f"{table} {row[k]}", "row has no audit record: written behind strikewatch's back"))
                elif last_digest[ident] != row_digest(names, row):
                    rep.problems.append(Problem("row", f"{table} {row[k]}", "row differs from its audited content: edited"))
            for (entity, entity_id), digest in last_digest.items():
                if entity == table and digest is not None and (entity, entity_id) not in seen:
                    rep.problems.append(Problem("row", f"{table} {entity_id}", "audited row is missing: deleted"))
        return rep


def _printable(text: str) -> str:
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 32 and c not in "\n\t" or c == "\x7f" else c for c in text)


def _row_id(ref: str | int) -> int | None:
    """A reference that is a row number (ASCII digits, in SQLite's range), else None."""
    text = str(ref)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


#: incidents not retired by a merge (the derived index says which)
_ACTIVE = "id NOT IN (SELECT incident_id FROM incident_index WHERE status = 'merged')"


def _same_but_stamp(old_body: str, new: dict[str, Any]) -> bool:
    """Whether a rebuilt incident says what the stored one says (``updated`` aside)."""
    old = json.loads(old_body)
    return {k: v for k, v in old.items() if k != "updated"} == {k: v for k, v in new.items() if k != "updated"}


def fts_query(text: str, dialect: str = "sqlite") -> str:
    """Turn free text into a safe full-text query: every word must match
    (prefixes allowed). SQLite: an FTS5 query; PostgreSQL: a tsquery over
    the folded words the store writes."""
    if dialect == "postgresql":
        text = fold(text)
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    if not words:
        raise StrikewatchError("empty search", code="usage")
    if dialect == "postgresql":
        return " & ".join(f"'{w}':*" for w in words)
    return " ".join(f'"{w}"*' for w in words)


def fts_match(dialect: str, table: str, alias: str) -> str:
    """The condition that a full-text table's row (``alias``) matches the query parameter."""
    if dialect == "postgresql":
        return f"{alias}.body @@ to_tsquery('simple', ?)"
    return f"{table} MATCH ?"


def index_document_words(conn: Any, document_id: int, title: str | None, text: str) -> None:
    """PostgreSQL: a document's folded words into ``documents_fts``."""
    conn.execute("INSERT INTO documents_fts (rowid, body) VALUES (?, to_tsvector('simple', ?))",
                 (document_id, search_words(f"{title or ''} {text}")))


def search_words(text: str, cap: int = 500_000) -> str:
    """The distinct folded words of a text, for a tsvector (which holds at
    most 1 MB; distinct words of even a long report are far less)."""
    seen = dict.fromkeys("".join(c if c.isalnum() else " " for c in fold(text)).split())
    out = " ".join(seen)
    return out[:cap].rsplit(" ", 1)[0] if len(out) > cap else out


def _instant(value: str, *, end_of_day: bool) -> Any:
    """An ISO date or datetime as a datetime (a date: its first or last minute)."""
    from datetime import datetime

    try:
        if "T" in value or " " in value.strip():
            return datetime.fromisoformat(value)
        return datetime.fromisoformat(value[:10] + ("T23:59:59" if end_of_day else "T00:00:00"))
    except ValueError:
        return None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))

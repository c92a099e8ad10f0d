"""The store: archive, documents, quarantine, and the audit chain catching
tampering, on SQLite and on PostgreSQL (``db_target``)."""

from __future__ import annotations

import threading

import pytest

from strikewatch.errors import IntegrityError, StrikewatchError
from strikewatch.store import NewDocument, Store, sha256_hex

from .pg_support import raw_execute


def doc(n: int, text: str | None = None) -> NewDocument:
    body = text or f"Report {n}: shelling hit the market in the town centre."
    return NewDocument(source_id=f"doc-{n}", raw=body.encode(), origin="jsonl",
                       media_type="text/plain", text=body, title=f"Report {n}", language="en")


@pytest.fixture()
def store(db_target):
    with Store(db_target, actor="test:alice") as s:
        for n in range(5):
            s.add_document(doc(n))
        s.quarantine(source_id="bad-1", raw=b"{not json", origin="jsonl", code="bad_json", reason="invalid JSON")
        yield s


class raw_conn:
    """A second connection that writes behind strikewatch's back."""

    def __init__(self, store: Store) -> None:
        self.target = store.url or store.path

    def execute(self, sql: str, params: tuple = ()) -> None:
        raw_execute(self.target, sql, params)


def test_pragmas_and_schema(tmp_path):
    store = Store(tmp_path / "sw.db")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "reports", "incidents", "figures", "reviews", "quarantine",
            "audit_log", "blobs", "schema_migrations"} <= tables
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def _columns_sqlite(store: Store) -> dict[str, list[str]]:
    tables = [r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: [r[1] for r in store.conn.execute(f"PRAGMA table_info({t})")] for t in tables}


def _columns_postgres(store: Store) -> dict[str, list[str]]:
    rows = store.conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
        " ORDER BY table_name, ordinal_position").fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


@pytest.mark.postgres
def test_postgres_schema_matches_sqlite(tmp_path, pg_server):
    """The same migrations on both: every table with the same columns in the
    same order (row digests depend on it), full-text tables aside."""
    url = pg_server.new_database()
    try:
        with Store(tmp_path / "sw.db") as lite, Store(url) as pg:
            a, b = _columns_sqlite(lite), _columns_postgres(pg)
            assert pg.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == \
                lite.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    finally:
        pg_server.drop_database(url)
    fts = {"documents_fts", "incident_fts"}
    a = {t: c for t, c in a.items() if not t.startswith(tuple(fts)) and t != "sqlite_sequence"}
    b = {t: c for t, c in b.items() if t not in fts}
    assert a == b
    assert len(a) >= 20


def test_reopen_does_not_remigrate(db_target, backend):
    from strikewatch.store.schema import migrations

    Store(db_target).close()
    with Store(db_target) as s:
        applied = [r[0] for r in s.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
        assert applied == [v for v, _, _ in migrations(backend)]


def test_same_bytes_twice_changes_nothing(store):
    before = store.status()
    doc_id, added = store.add_document(doc(1))
    assert not added and doc_id == 2
    assert store.status() == before


def test_archive_is_content_addressed_and_verified_on_read(store):
    d = store.get_document("doc-3")
    assert d.raw_sha256 == sha256_hex(d.text.encode())
    assert store.get_blob(d.raw_sha256) == d.text.encode()
    raw_conn(store).execute("UPDATE blobs SET data = ? WHERE sha256 = ?", (b"forged", d.raw_sha256))
    with pytest.raises(IntegrityError) as err:
        store.get_blob(d.raw_sha256)
    assert err.value.code == "archive_mismatch"


def test_lookup_by_id_source_and_key_prefix(store):
    d = store.get_document("doc-2")
    assert store.get_document(d.id).source_id == "doc-2"
    assert store.get_document(d.doc_key[:12]).id == d.id
    with pytest.raises(StrikewatchError) as err:
        store.get_document("nope")
    assert err.value.code == "not_found"


def test_search_and_filters(store):
    store.add_document(doc(9, "Barrel bombs fell on the hospital in Kafr Nabl."))
    assert [d.source_id for d in store.list_documents(search="hospital")] == ["doc-9"]
    assert [d.source_id for d in store.list_documents(search="barr hosp")] == ["doc-9"]
    assert store.list_documents(search="nothing-like-this") == []
    # FTS syntax in user input is neutralised, never an error or an injection
    assert store.list_documents(search='hospital" OR text:"market') == []
    assert len(store.list_documents(language="en")) == 6


def test_quarantine_keeps_bytes_and_is_idempotent(store):
    rows = store.list_quarantine()
    assert rows[0]["code"] == "bad_json"
    assert store.get_blob(rows[0]["raw_sha256"]) == b"{not json"
    assert store.quarantine(source_id="bad-1", raw=b"{not json", origin="jsonl", code="bad_json", reason="again") is False
    assert store.status()["quarantined"] == 1


def test_clean_store_verifies(store):
    report = store.verify()
    assert report.ok, report.problems
    assert report.blobs_checked == 6 and report.audit_rows == 12


def first_problem(store: Store) -> str:
    report = store.verify()
    assert not report.ok
    return str(report.problems[0])


def test_verify_catches_edited_document_row(store):
    raw_conn(store).execute("UPDATE documents SET text = 'nothing happened' WHERE source_id = 'doc-2'")
    assert "documents 3" in first_problem(store) and "edited" in first_problem(store)


def test_verify_catches_deleted_and_inserted_document_rows(store, tmp_path):
    c = raw_conn(store)
    c.execute("DELETE FROM documents WHERE source_id = 'doc-4'")
    assert "documents 5" in first_problem(store) and "deleted" in first_problem(store)
    c.execute(
        "INSERT INTO documents (doc_key, source_id, raw_sha256, origin, media_type, text, ingested_at)"
        " SELECT 'k', 'forged', raw_sha256, origin, media_type, 'forged', ingested_at FROM documents LIMIT 1")
    problems = [str(p) for p in store.verify().problems]
    assert any("no audit record" in p for p in problems)


def test_verify_catches_edited_audit_row(store):
    raw_conn(store).execute("UPDATE audit_log SET actor = 'test:mallory' WHERE seq = 4")
    assert first_problem(store).startswith("audit at audit seq 4")


def test_verify_catches_deleted_audit_row(store):
    raw_conn(store).execute("DELETE FROM audit_log WHERE seq = 3")
    assert "audit seq 4" in first_problem(store)


def test_verify_catches_inserted_audit_row(store):
    c = raw_conn(store)
    c.execute("UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 5")  # make room for a forged row
    c.execute("UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000")
    c.execute("INSERT INTO audit_log SELECT 5, ts, actor, action, entity, entity_id, payload, prev_hash, hash"
              " FROM audit_log WHERE seq = 4")
    assert "audit seq 5" in first_problem(store)


def test_verify_catches_reordered_audit_rows(store):
    c = raw_conn(store)
    c.execute("UPDATE audit_log SET seq = -1 WHERE seq = 2")
    c.execute("UPDATE audit_log SET seq = 2 WHERE seq = 3")
    c.execute("UPDATE audit_log SET seq = 3 WHERE seq = -1")
    assert "audit seq 2" in first_problem(store)


def test_verify_catches_edited_blob(store):
    d = store.get_document("doc-0")
    raw_conn(store).execute("UPDATE blobs SET data = ? WHERE sha256 = ?", (b"x", d.raw_sha256))
    assert first_problem(store).startswith(f"archive at blob {d.raw_sha256}")


def test_expect_head_catches_truncation(store):
    head = store.verify().head
    store.add_document(doc(7))
    assert store.verify(expect_head=store.verify().head).ok
    c = raw_conn(store)
    c.execute("DELETE FROM documents WHERE source_id = 'doc-7'")
    c.execute("DELETE FROM blobs WHERE sha256 = ?", (sha256_hex(doc(7).raw),))
    c.execute("DELETE FROM audit_log WHERE seq > 12")
    assert store.verify().ok  # cut from the end, consistently: only an anchor can tell
    assert store.verify(expect_head=head).ok
    new_head = "f" * 64
    assert "head" in str(store.verify(expect_head=new_head).problems[0])


def test_concurrent_writers_keep_one_chain(db_target):
    path = db_target
    Store(path).close()
    errors = []

    def writer(w: int) -> None:
        try:
            with Store(path, actor=f"test:w{w}") as s:
                for n in range(25):
                    s.add_document(doc(w * 1000 + n))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with Store(path) as s:
        assert s.status()["documents"] == 100
        report = s.verify()
        assert report.ok, report.problems
        assert report.audit_rows == 200


def test_control_characters_in_an_id_are_quarantined_printably(db_target):
    """PostgreSQL text cannot hold NUL at all; on both backends an id with control
    characters is refused with a stable code and its record stays printable."""
    import json

    from strikewatch.ingest.pipeline import Ingester

    with Store(db_target) as s:
        ing = Ingester(s)
        line = json.dumps({"id": "a\u0000b\u001b", "text": "Shelling hit the market."}) + "\n"
        ing.ingest_json(line.encode(), "nul.jsonl")
        assert ing.summary.quarantined == 1 and s.status()["documents"] == 0
        row = s.list_quarantine()[0]
        assert row["code"] == "bad_field" and row["source_id"] == "a\\x00b\\x1b"
        assert s.get_blob(row["raw_sha256"]) == line.encode()
        assert s.verify().ok

"""Online backup and restore, on both backends and across them."""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

import pytest

from strikewatch.errors import StoreError
from strikewatch.store import NewDocument, Store
from strikewatch.store.backup import backup, restore
from strikewatch.store.queries import IncidentFilter

from .web_support import CORPUS, ingest_documents


def _other(backend: str, tmp_path: Path, pg_server) -> str | Path:
    return pg_server.new_database() if backend == "sqlite" else tmp_path / "restored.db"


def _doc(n: int) -> NewDocument:
    text = f"Note {n}: a drone struck a car near the bridge; {n % 4} people were hurt."
    return NewDocument(source_id=f"live-{n}", raw=text.encode(), origin="jsonl", media_type="text/plain", text=text)


@pytest.fixture()
def filled(db_target):
    """A database with the workbench corpus ingested, extracted and linked,
    an account, an observer's sighting key, and an analyst's review."""
    ingest_documents(db_target, CORPUS)
    with Store(db_target, actor="test:setup") as store:
        store.add_user("rita", "analyst", "$argon2id$not-a-real-hash")
        store.pseudonymise("observer one")
        incident = store.list_incidents(limit=1)[0]
        from strikewatch import review

        review.add_note(store, incident["incident_id"], "checked against the ward's own count")
    return db_target


def test_backup_while_writing_restores_into_the_other_backend(filled, backend, tmp_path, pg_server):
    out = tmp_path / "sw.backup.gz"
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        with Store(filled, actor="test:writer") as s:
            n = 0
            while not stop.is_set() and n < 200:
                s.add_document(_doc(n))
                written.append(n)
                n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with Store(filled, actor="test:backup") as store, open(out, "wb") as fh:
            summary = backup(store, fh)
    finally:
        stop.set()
        thread.join()
    assert written, "the writer never ran"
    with Store(filled) as store:  # the writer's documents after the snapshot are not in it, and that is all
        assert summary["tables"]["documents"] < store.status()["documents"] or len(written) == 200

    target = _other(backend, tmp_path, pg_server)
    try:
        with Store(target, actor="test:restore") as dest:
            result = restore(dest, out)
            assert result["verified"] and result["audit_head"] == summary["audit_head"]
            report = dest.verify(expect_head=summary["audit_head"])
            assert report.ok, report.problems[:3]
            status = dest.status()
            assert status["documents"] == summary["tables"]["documents"]
            assert status["audit_entries"] == summary["tables"]["audit_log"]
            # derived indexes were rebuilt: search and the dashboard's filters work
            assert [d.source_id for d in dest.list_documents(search="vegetable market")] == ["t-saraqib-a"]
            hits, total = dest.search_incidents(IncidentFilter(q="Kherson"))
            assert total == 2 and all(h["place"] for h in hits)
            assert dest.search_incidents(IncidentFilter(place="saraqib"))[1] == 1
            # the restored database takes new writes after the restored rows, and still verifies
            new_id, added = dest.add_document(_doc(10_000))
            assert added and new_id > max(d.id for d in dest.list_documents(limit=1000) if d.id != new_id)
            assert dest.verify().ok
            # the observers' key came along: the same observer keeps the same pseudonym
            with Store(filled) as src:
                assert dest.pseudonymise("observer one") == src.pseudonymise("observer one")
    finally:
        if backend == "sqlite":
            pg_server.drop_database(str(target))


def _rewrite(src: Path, dest: Path, change) -> None:
    lines = gzip.open(src, "rb").read().decode("utf-8").splitlines()
    with gzip.open(dest, "wb") as fh:
        fh.write(("\n".join(change(lines)) + "\n").encode("utf-8"))


def test_altered_cut_or_misplaced_backups_are_refused(filled, tmp_path):
    out = tmp_path / "b.gz"
    with Store(filled) as store, open(out, "wb") as fh:
        backup(store, fh)

    def edit_row(lines: list[str]) -> list[str]:
        for i, line in enumerate(lines):
            if line.startswith("[") and "killing" in line:
                lines[i] = line.replace("killing", "sparing", 1)
                return lines
        raise AssertionError("no row to edit")

    cases = {
        "edited": edit_row,
        "cut": lambda lines: lines[: len(lines) // 2],
        "no end": lambda lines: lines[:-1],
    }
    for name, change in cases.items():
        bad = tmp_path / f"{name}.gz"
        _rewrite(out, bad, change)
        with Store(tmp_path / f"{name}.db") as dest:
            with pytest.raises(StoreError) as err:
                restore(dest, bad)
            assert err.value.code == "bad_backup", name
            assert dest.status()["documents"] == 0, f"{name}: a refused restore left rows behind"
    not_backup = tmp_path / "x.gz"
    not_backup.write_bytes(gzip.compress(b'{"hello": 1}\n'))
    with Store(tmp_path / "x.db") as dest, pytest.raises(StoreError) as err:
        restore(dest, not_backup)
    assert err.value.code == "bad_backup"
    # into a database that already holds something: refused, nothing changed
    with Store(filled) as store:
        before = store.status()
        with pytest.raises(StoreError) as err:
            restore(store, out)
        assert err.value.code == "conflict" and store.status() == before


def test_backup_and_restore_commands(sw, db, tmp_path):
    from .conftest import SAMPLES

    assert sw("ingest", str(SAMPLES / "json")).code == 0
    out = tmp_path / "cli.backup.gz"
    done = sw("backup", str(out), "--json")
    assert done.code == 0, done.err
    summary = done.json()
    assert summary["tables"]["documents"] > 0 and out.exists()
    restored = tmp_path / "restored.db"
    again = sw("--db", str(restored), "restore", str(out), use_db=False)
    assert again.code == 0, again.err
    assert "verify: ok" in again.out
    check = sw("--db", str(restored), "verify", "--expect-head", summary["audit_head"], use_db=False)
    assert check.code == 0 and "verify: ok" in check.out
    refused = sw("--db", str(restored), "restore", str(out), use_db=False)
    assert refused.code == 1 and "error[conflict]" in refused.err
    header = json.loads(gzip.open(out, "rb").readline())
    assert header["format"] == "strikewatch-backup" and header["source"] == "sqlite"

"""Crash safety: SIGKILL an ingest at random moments; nothing acknowledged is
lost, on a SQLite file and on a PostgreSQL server (``db_target``)."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from strikewatch.store import Store

DOCS = 400
KILLS = 32


def write_corpus(path) -> list[str]:
    ids = []
    with open(path, "w", encoding="utf-8") as fh:
        for n in range(DOCS):
            ident = f"crash-{n:04d}"
            ids.append(ident)
            town = ["Ariha", "Saraqib", "Kafr Nabl", "Jisr al-Shughur"][n % 4]
            fh.write(json.dumps({
                "id": ident, "published": "2019-05-%02d" % (n % 28 + 1), "language": "en",
                "text": f"Report {n}: an air strike hit a house in {town}; {n % 9} people were killed.",
            }) + "\n")
    return ids


def check_database(path) -> set[str]:
    with Store(path, actor="test:checker") as store:
        if store.dialect == "sqlite":
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        report = store.verify()
        assert report.ok, report.problems[:3]
        rows = store.conn.execute("SELECT source_id FROM documents").fetchall()
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)), "a document was stored twice"
    return set(ids)


@pytest.mark.slow
def test_sigkill_during_ingest_loses_nothing(tmp_path, db_target, backend, request):
    corpus = tmp_path / "corpus.jsonl"
    ids = write_corpus(corpus)
    db = db_target
    rng = random.Random(20261126)
    acknowledged: set[str] = set()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "strikewatch", "--db", str(db), "ingest", "-v", str(corpus)]
    kills = 0
    for attempt in range(KILLS * 3):
        if kills >= KILLS:
            break
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.2, 2.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        out, _ = proc.communicate()
        for line in out.decode().splitlines():
            acked = re.fullmatch(r"added (\S+)", line)  # not the closing summary line
            if acked:
                acknowledged.add(acked.group(1))
        stored = check_database(db)
        lost = acknowledged - stored
        assert not lost, f"acknowledged but lost after kill {kills}: {sorted(lost)[:5]}"
        if len(stored) == DOCS:  # finished: start over on a fresh database to keep killing mid-run
            if backend == "sqlite":
                db.unlink()
                for suffix in ("-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
            else:
                server = request.getfixturevalue("pg_server")
                server.drop_database(db)
                db = server.new_database()
                request.addfinalizer(lambda url=db, srv=server: srv.drop_database(url))
                cmd[cmd.index("--db") + 1] = db
            acknowledged.clear()
    assert kills >= 30
    # a final, uninterrupted run completes the set without duplicates
    done = subprocess.run(cmd, capture_output=True, env=env, check=True)
    assert b"quarantined 0" in done.stdout
    assert check_database(db) == set(ids)
    rerun = subprocess.run(cmd[:-2] + ["--json", str(corpus)], capture_output=True, env=env, check=True)
    assert json.loads(rerun.stdout)["added"] == 0
    assert check_database(db) == set(ids)

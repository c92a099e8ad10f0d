"""Ingestion throughput: documents per second into a fresh store, then
verify, online backup and restore.

Prints figures; asserts nothing. Run:
    .venv/bin/python bench/ingest_bench.py [N]              # SQLite
    .venv/bin/python bench/ingest_bench.py [N] --postgres   # a private PostgreSQL server (fsync on)
Each document is one durable commit (synchronous=FULL on SQLite, fsync on
PostgreSQL), so the figure is bounded by the disk's fsync rate as much as by
the CPU.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from strikewatch.ingest.pipeline import Ingester, expand_targets
from strikewatch.store import Store

TOWNS = ["Ariha", "Saraqib", "Kafr Nabl", "Maarat al-Numan", "Khan Shaykhun", "Atarib", "Binnish"]


def corpus(path: Path, n: int) -> int:
    size = 0
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            town = TOWNS[i % len(TOWNS)]
            text = (f"Bench report {i}. An air strike hit a residential building in {town} on Tuesday, "
                    f"killing {i % 17} civilians, according to local rescuers. " * 6)
            line = json.dumps({"id": f"bench-{i}", "text": text, "published": "2019-07-23",
                               "language": "en" if i % 5 else None}) + "\n"
            size += len(line.encode())
            fh.write(line)
    return size


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 3000
    server = None
    if "--postgres" in sys.argv:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.pg_support import PgServer

        server = PgServer.start(durable=True)
    try:
        run(n, server)
    finally:
        if server is not None:
            server.stop()


def run(n: int, server: object | None) -> None:
    from strikewatch.store.backup import backup, restore

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bench.jsonl"
        size = corpus(src, n)
        target = server.new_database() if server else Path(tmp) / "bench.db"  # type: ignore[attr-defined]
        with Store(target, actor="bench") as store:
            start = time.perf_counter()
            summary = Ingester(store).run(expand_targets([str(src)]))
            elapsed = time.perf_counter() - start
            again = time.perf_counter()
            Ingester(store).run(expand_targets([str(src)]))
            skip_elapsed = time.perf_counter() - again
            vstart = time.perf_counter()
            report = store.verify()
            verify_elapsed = time.perf_counter() - vstart
            bstart = time.perf_counter()
            with open(Path(tmp) / "bench.backup.gz", "wb") as fh:
                backed = backup(store, fh)
            backup_elapsed = time.perf_counter() - bstart
        rows = sum(backed["tables"].values())
        dest = server.new_database() if server else Path(tmp) / "restored.db"  # type: ignore[attr-defined]
        with Store(dest, actor="bench") as store:
            rstart = time.perf_counter()
            restore(store, Path(tmp) / "bench.backup.gz")
            restore_elapsed = time.perf_counter() - rstart
        backup_mb = (Path(tmp) / "bench.backup.gz").stat().st_size / 1e6
    print(f"database:             {'PostgreSQL' if server else 'SQLite'}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents:            {summary.added} ({size / 1e6:.1f} MB of JSON Lines)")
    print(f"ingest:               {summary.added / elapsed:8.1f} docs/s  ({elapsed:.2f} s)")
    print(f"re-ingest (all skip): {n / skip_elapsed:8.1f} docs/s  ({skip_elapsed:.2f} s)")
    print(f"verify:               {report.audit_rows / verify_elapsed:8.1f} audit rows/s ({verify_elapsed:.2f} s, ok={report.ok})")
    print(f"backup (online):      {rows / backup_elapsed:8.1f} rows/s ({backup_elapsed:.2f} s, {backup_mb:.1f} MB)")
    print(f"restore + verify:     {rows / restore_elapsed:8.1f} rows/s ({restore_elapsed:.2f} s)")
    print(f"peak RSS:             {peak_mb:8.1f} MB")


if __name__ == "__main__":
    main()

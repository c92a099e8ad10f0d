"""Ingestion throughput: documents per second into a fresh SQLite store.

Prints figures; asserts nothing. Run: .venv/bin/python bench/ingest_bench.py [N]
Each document is one durable commit (synchronous=FULL), so the figure is
bounded by the disk's fsync rate as much as by the CPU.
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
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bench.jsonl"
        size = corpus(src, n)
        with Store(Path(tmp) / "bench.db", actor="bench") as store:
            start = time.perf_counter()
            summary = Ingester(store).run(expand_targets([str(src)]))
            elapsed = time.perf_counter() - start
            again = time.perf_counter()
            Ingester(store).run(expand_targets([str(src)]))
            skip_elapsed = time.perf_counter() - again
            vstart = time.perf_counter()
            report = store.verify()
            verify_elapsed = time.perf_counter() - vstart
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents:            {summary.added} ({size / 1e6:.1f} MB of JSON Lines)")
    print(f"ingest:               {summary.added / elapsed:8.1f} docs/s  ({elapsed:.2f} s)")
    print(f"re-ingest (all skip): {n / skip_elapsed:8.1f} docs/s  ({skip_elapsed:.2f} s)")
    print(f"verify:               {report.audit_rows / verify_elapsed:8.1f} audit rows/s ({verify_elapsed:.2f} s, ok={report.ok})")
    print(f"peak RSS:             {peak_mb:8.1f} MB")


if __name__ == "__main__":
    main()

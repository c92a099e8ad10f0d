"""Spark extraction throughput, local[1] against local[2], beside `strikewatch extract`,
and what those figures say about the cluster for a day of global news.

Prints figures; asserts nothing:

    .venv/bin/pip install -e '.[spark]'
    .venv/bin/python bench/spark_bench.py [--dev DIR] [--repeat N] [--article-chars N]

The corpus is the development sets in ../shared/data/dev (gold labels dropped,
the linking set left out as it repeats the other texts), written to a
temporary JSON Lines file that is deleted afterwards; without them, the
sample corpus (samples/corpus) replicated 100 times. Each configuration runs
in its own process:

* ``strikewatch extract FILE -o /dev/null``: the single-machine command, wall
  clock from process start (resource loading included), the better of two runs;
* ``extract_dict`` in one process with its resources loaded and warm: the bare
  single-core rate;
* ``strikewatch spark extract`` with local[1] and local[2]: each runs the whole
  job three times in one session. The first (cold) run includes starting the
  Python workers and loading the gazetteer in each; the better of the other two
  (warm) is the steady state a long job sees. Both include reading, the shuffle, and writing
  the three Parquet datasets.

The projection takes the warm per-core rate of local[1] in characters per
second, the parallel efficiency measured from local[1] to local[2], and an
assumed length of a news article's main text (``--article-chars``; the dev
texts are far shorter than articles), plus the measured cost of reducing an
HTML page to its text (news crawls arrive as HTML in WARC files), to size a
cluster that extracts 730,000 articles in an hour.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import childproc  # bench/, beside this script

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "dev"
SETS = ["airwars-gaza", "airwars-syria-en", "airwars-syria-ar", "awsd", "case2021", "drone-db", "ucdp-syria-geo"]
DAY_OF_NEWS = 730_000
HOUR = 3600.0


def write_corpus(dev: Path, repeat: int, out: Path) -> dict:
    """The bench corpus as one JSON Lines file; its size."""
    rows = []
    if all((dev / f"{s}.jsonl").exists() for s in SETS):
        source = f"{len(SETS)} dev sets in {dev}"
        for name in SETS:
            for line in (dev / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    row.pop("gold", None)
                    rows.append(row)
    else:
        source = "samples/corpus/reports.jsonl (dev sets not found)"
        repeat *= 100
        rows = [json.loads(x) for x in (ROOT / "samples" / "corpus" / "reports.jsonl").read_text("utf-8").splitlines()
                if x.strip()]
    n = chars = 0
    with open(out, "w", encoding="utf-8") as fh:
        for r in range(repeat):
            for row in rows:
                fh.write(json.dumps({**row, "id": f"{row.get('id')}~{r}"}, ensure_ascii=False) + "\n")
                n += 1
                chars += len(row.get("text") or "")
    return {"source": source, "docs": n, "chars": chars, "repeat": repeat}


# -- children ---------------------------------------------------------------


def child_cli(corpus: str) -> dict:
    """`strikewatch extract`, wall clock from process start; the better of two runs."""
    exe = Path(sys.executable).with_name("strikewatch")
    best = math.inf
    for _ in range(2):
        start = time.perf_counter()
        subprocess.run([str(exe), "extract", corpus, "-o", os.devnull], check=True)
        best = min(best, time.perf_counter() - start)
    return {"seconds": best}


def child_inproc(corpus: str) -> dict:
    """extract_dict in one process, resources loaded and warmed up first: the bare per-core rate."""
    from strikewatch.extract.pipeline import extract_dict, load_resources

    docs = [json.loads(x) for x in Path(corpus).read_text(encoding="utf-8").splitlines() if x.strip()]
    res = load_resources()
    for d in docs[:50]:
        extract_dict(d, res)
    start = time.perf_counter()
    for d in docs:
        extract_dict(d, res)
    return {"seconds": time.perf_counter() - start}


def child_spark(corpus: str, cores: int) -> dict:
    from strikewatch.spark.extract import build_session, run_extract, stop_session

    tmp = Path(tempfile.mkdtemp(prefix="strikewatch-spark-bench-"))
    try:
        start = time.perf_counter()
        spark = build_session(f"local[{cores}]", app_name=f"strikewatch-bench-{cores}", conf=[
            ("spark.sql.warehouse.dir", str(tmp / "warehouse")), ("spark.local.dir", str(tmp / "local")),
            ("spark.driver.memory", "2g")])
        session = time.perf_counter() - start
        runs = []
        for i in range(3):
            s = run_extract(spark, [corpus], str(tmp / f"out{i}"), partitions=4 * cores)
            runs.append({"seconds": s.seconds, "documents": s.documents, "reports": s.reports, "errors": s.errors})
        stop_session(spark)
        return {"session": session, "cold": runs[0], "warm": min(runs[1:], key=lambda r: r["seconds"])}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _heavy(page: bytes, kb: int) -> bytes:
    """A sample page padded with the furniture of a real news page (menus,
    teasers, a comment thread, inline scripts) to about ``kb`` kilobytes."""
    if kb <= 0:
        return page
    parts, i = [], 0
    while sum(map(len, parts)) < kb * 1024 - len(page):
        parts.append(
            f'<nav class="menu-{i}"><ul>' + "".join(
                f'<li><a href="https://news.example/section/{i}/{j}">Section {i}.{j}</a></li>' for j in range(12))
            + "</ul></nav>"
            f'<aside class="teaser"><a href="https://news.example/story/{i}"><img src="/img/{i}.jpg" alt="">'
            f"<h3>Related story number {i}</h3><p>A short teaser paragraph for another story, {i}.</p></a></aside>"
            f'<div class="comment"><span class="user">reader{i}</span><p>Comment {i} on the story.</p></div>'
            f"<script>window.__state_{i} = {json.dumps({'id': i, 'tags': ['a', 'b', 'c'], 'ads': list(range(20))})};</script>")
        i += 1
    at = page.rfind(b"</body>")
    at = at if at >= 0 else len(page)
    return page[:at] + "".join(parts).encode() + page[at:]


def child_html(kb: int) -> dict:
    """Seconds per page of HTML reduction (the step WARC inputs add): the sample
    pages padded to a news page's weight."""
    from strikewatch.ingest.html import html_to_text

    pages = [_heavy(p.read_bytes(), kb) for p in sorted((ROOT / "samples" / "html").glob("*.html"))]
    for p in pages:
        html_to_text(p)  # warm up
    rounds = 10
    start = time.perf_counter()
    for _ in range(rounds):
        for p in pages:
            html_to_text(p)
    elapsed = time.perf_counter() - start
    return {"pages": len(pages) * rounds, "seconds": elapsed, "mean_bytes": sum(map(len, pages)) / len(pages)}


def run_child(*args: str) -> dict:
    return childproc.run_child(__file__, *args)


# -- the report -------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--dev", type=Path, default=DEV, help="folder of the dev sets [%(default)s]")
    ap.add_argument("--repeat", type=int, default=1, help="replicate the corpus N times [%(default)s]")
    ap.add_argument("--article-chars", type=int, default=4000,
                    help="assumed main-text length of a news article, in characters [%(default)s]")
    ap.add_argument("--page-kb", type=int, default=100,
                    help="weight of a news page for the HTML reduction cost, in kB [%(default)s]")
    ap.add_argument("--cores-per-executor", type=int, default=4, help="for the executor count [%(default)s]")
    a = ap.parse_args()
    if a.child:
        kind, *rest = a.child
        result = {"cli": lambda: child_cli(rest[0]), "inproc": lambda: child_inproc(rest[0]), "spark": lambda: child_spark(rest[0], int(rest[1])),
                  "html": lambda: child_html(int(rest[0]))}[kind]()
        print(json.dumps(result))
        return

    tmp = Path(tempfile.mkdtemp(prefix="strikewatch-spark-bench-"))
    try:
        corpus = tmp / "corpus.jsonl"
        info = write_corpus(a.dev, a.repeat, corpus)
        load = os.getloadavg()[0]
        print(f"corpus: {info['docs']} documents, {info['chars'] / 1e6:.2f} M characters "
              f"(mean {info['chars'] / info['docs']:.0f} per document) from {info['source']}, x{info['repeat']}")
        print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} at the start")
        cli = run_child("cli", str(corpus))
        inproc = run_child("inproc", str(corpus))
        s1 = run_child("spark", str(corpus), "1")
        s2 = run_child("spark", str(corpus), "2")
        html = run_child("html", str(a.page_kb))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    n, chars = info["docs"], info["chars"]
    print()
    print(f"{'':40}{'seconds':>9}{'docs/s':>9}{'speed-up':>10}")
    print(f"{'strikewatch extract (CLI, from start)':40}{cli['seconds']:9.1f}{n / cli['seconds']:9.1f}{'':>10}")
    print(f"{'extract_dict in one process (warm)':40}{inproc['seconds']:9.1f}{n / inproc['seconds']:9.1f}{'':>10}")
    for run in ("cold", "warm"):
        r1, r2 = n / s1[run]["seconds"], n / s2[run]["seconds"]
        label = "cold run" if run == "cold" else "warm run (best of 2)"
        print(f"{'spark local[1], ' + label:40}{s1[run]['seconds']:9.1f}{r1:9.1f}{'1.00x':>10}")
        print(f"{'spark local[2], ' + label:40}{s2[run]['seconds']:9.1f}{r2:9.1f}{r2 / r1:9.2f}x")
    print(f"(Spark session start, not counted above: local[1] {s1['session']:.1f} s, local[2] {s2['session']:.1f} s; "
          f"reports {s2['warm']['reports']}, errors {s2['warm']['errors']} in every run)")
    load_end = os.getloadavg()[0]
    print(f"load average at the end: {load_end:.1f} (figures from a loaded machine understate the rates)")

    # -- projection
    per_core_docs = n / s1["warm"]["seconds"]
    per_core_chars = chars / s1["warm"]["seconds"]
    speedup = (n / s2["warm"]["seconds"]) / per_core_docs
    efficiency = min(1.0, speedup / 2)
    html_s = html["seconds"] / html["pages"]
    extract_s = a.article_chars / per_core_chars
    per_article = extract_s + html_s
    need_rate = DAY_OF_NEWS / HOUR
    per_core_articles = 1 / per_article
    cores = math.ceil(need_rate / (per_core_articles * efficiency))
    executors = math.ceil(cores / a.cores_per_executor)
    print()
    print("projection: a day of global news (730,000 articles) within an hour")
    print(f"  required rate        = 730,000 / 3,600 s = {need_rate:.1f} articles/s")
    print(f"  per core (local[1], warm) = {chars:,} chars / {s1['warm']['seconds']:.1f} s = {per_core_chars:,.0f} chars/s "
          f"({per_core_docs:.1f} docs/s of {chars / n:.0f} chars)")
    print(f"  extraction per article = {a.article_chars:,} chars / {per_core_chars:,.0f} chars/s = {extract_s * 1e3:.1f} ms")
    print(f"  HTML reduction per page = {html_s * 1e3:.1f} ms (the {html['pages'] // 10} sample pages padded with "
          f"menus, teasers and scripts to {html['mean_bytes'] / 1024:.0f} kB)")
    print(f"  per article          = {extract_s * 1e3:.1f} + {html_s * 1e3:.1f} = {per_article * 1e3:.1f} ms "
          f"-> {per_core_articles:.1f} articles/s per core")
    print(f"  parallel efficiency  = speed-up {speedup:.2f} / 2 cores = {efficiency:.2f}")
    print(f"  cores                = ceil({need_rate:.1f} / ({per_core_articles:.1f} x {efficiency:.2f})) = {cores}")
    print(f"  executors of {a.cores_per_executor} cores = ceil({cores} / {a.cores_per_executor}) = {executors}")
    print(f"  with 1.5x headroom (stragglers, retries, the per-worker gazetteer load, session start): "
          f"{math.ceil(cores * 1.5)} cores, {math.ceil(cores * 1.5 / a.cores_per_executor)} executors")


if __name__ == "__main__":
    main()

"""Spark linking (`strikewatch spark link`), local[1] against local[2], beside
the single-machine linker, on the reports of the development sets.

Prints figures; asserts nothing:

    .venv/bin/pip install -e '.[spark]'
    .venv/bin/python bench/spark_link_bench.py [--dev DIR]

1. The corpus is every development set in ../shared/data/dev (gold labels
   dropped; the linking set included, since linking is what is measured),
   written to a temporary JSON Lines file that is deleted afterwards, and
   extracted once with `spark extract` on local[2] (not timed here:
   bench/spark_bench.py measures extraction).
2. `spark link` on its reports with local[1] and local[2], each in its own
   process: two runs in one session (every export format written), the first
   cold (Python workers started, Spark's code generated), the second warm.
   Both include reading the reports, Splink's blocking, scoring and
   connected components, building the incidents on the executors and writing
   clusters/, incidents/ and the export files.
3. The single-machine linker on the same reports in one process:
   :func:`strikewatch.link.match.link_batch`, the clustering of
   `strikewatch link --rebuild` without the database, and the incidents built
   with the same ``build_incident``.
4. How far apart the two clusterings are: Spark's incidents scored against
   link_batch's (pairwise and B-cubed precision, recall, F1), and how many
   incidents differ.
5. The linking set (dedup-airwars-syria) on its own, main reports only, as
   `strikewatch eval --link` links it: both linkers scored against its gold
   incidents.

With ``--synthetic N`` it instead links N synthetic reports (the generator of
bench/link_bench.py: events over Syria's extent and three years, each
reported 1 to 8 times with noise), written straight to a reports dataset: one
`spark link` run each with local[1] and local[2] (after a warm-up run on a
small sample in the same session), beside link_batch, both scored against the
synthetic truth. The dev sets are small enough that Spark's fixed cost per
job dominates their figures; this shows the rate at scale.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import childproc  # bench/, beside this script

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "dev"
SETS = ["airwars-gaza", "airwars-syria-en", "airwars-syria-ar", "awsd", "case2021", "drone-db", "ucdp-syria-geo",
        "dedup-airwars-syria"]
LINKING_SET = "dedup-airwars-syria"
FORMATS = ["incidents-jsonl", "acled-csv", "ucdp-csv", "geojson", "hxl-csv"]


def write_corpus(dev: Path, names: list[str], out: Path) -> dict[str, Any]:
    """The development sets as one JSON Lines file, gold dropped; the gold incident per document id."""
    docs, gold = 0, {}
    with open(out, "w", encoding="utf-8") as fh:
        for name in names:
            for line in (dev / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    label = (row.pop("gold", None) or {}).get("incident_id")
                    if label is not None:
                        gold[row["id"]] = label
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                    docs += 1
    return {"docs": docs, "gold": gold}


def _session(cores: int, tmp: Path):  # type: ignore[no-untyped-def]
    from strikewatch.spark.extract import build_session

    return build_session(f"local[{cores}]", app_name=f"strikewatch-link-bench-{cores}", conf=[
        ("spark.sql.warehouse.dir", str(tmp / "warehouse")), ("spark.local.dir", str(tmp / "local")),
        ("spark.driver.memory", "2g")])


# -- children ---------------------------------------------------------------


def child_extract(corpus: str, out: str, main_only: str) -> dict:
    """`spark extract` on local[2]; with main_only, keep each document's main report only."""
    from strikewatch.spark.extract import run_extract, stop_session

    tmp = Path(tempfile.mkdtemp(prefix="strikewatch-link-bench-"))
    spark = _session(2, tmp)
    try:
        target = out if main_only != "1" else str(tmp / "all")
        s = run_extract(spark, [corpus], target, partitions=8)
        if main_only == "1":
            df = spark.read.parquet(f"{target}/reports")
            df.where("report_index = 0").write.parquet(f"{out}/reports")
        return {"documents": s.documents, "reports": s.reports, "seconds": s.seconds}
    finally:
        stop_session(spark)
        shutil.rmtree(tmp, ignore_errors=True)


def child_link(extract: str, out: str, cores: int, runs: int) -> dict:
    from strikewatch.spark.extract import stop_session
    from strikewatch.spark.link import run_link

    tmp = Path(tempfile.mkdtemp(prefix="strikewatch-link-bench-"))
    start = time.perf_counter()
    spark = _session(cores, tmp)
    session = time.perf_counter() - start
    try:
        results = []
        for i in range(runs):
            s = run_link(spark, extract, f"{out}-{i}", formats=FORMATS, partitions=4 * cores, overwrite=True)
            results.append(s.as_dict())
        return {"session": session, "runs": results}
    finally:
        stop_session(spark)
        shutil.rmtree(tmp, ignore_errors=True)


def write_synthetic(n: int, out: Path) -> dict[str, int]:
    """A reports dataset of ``n`` synthetic reports (the columns `spark link` reads); the true event per report id."""
    import random

    import pyarrow as pa
    import pyarrow.parquet as pq

    sys.path.insert(0, str(Path(__file__).parent))
    from link_bench import synthetic

    reports, truth = synthetic(n, random.Random(20261126))
    ids = [f"syn-{i}" for i in range(len(reports))]
    table = pa.table({
        "id": ids, "source": ["synthetic"] * len(ids), "source_seq": pa.array([0] * len(ids), pa.int32()),
        "position": pa.array(range(len(ids)), pa.int64()), "report_index": pa.array([0] * len(ids), pa.int32()),
        "published": pa.array([None] * len(ids), pa.string()), "outlet": pa.array([None] * len(ids), pa.string()),
        "report_json": [json.dumps(r) for r in reports],
    })
    (out / "reports").mkdir(parents=True)
    pq.write_table(table, out / "reports" / "part-0.parquet")
    return {f"{i}#0": t for i, t in zip(ids, truth, strict=True)}


def child_synthetic(extract: str, sample: str, out: str, cores: int) -> dict:
    from strikewatch.spark.extract import stop_session
    from strikewatch.spark.link import run_link

    tmp = Path(tempfile.mkdtemp(prefix="strikewatch-link-bench-"))
    spark = _session(cores, tmp)
    try:
        run_link(spark, sample, f"{out}-warmup", partitions=4 * cores, overwrite=True)
        s = run_link(spark, extract, out, partitions=8 * cores, overwrite=True)
        return s.as_dict()
    finally:
        stop_session(spark)
        shutil.rmtree(tmp, ignore_errors=True)


def synthetic_main(n: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="strikewatch-link-bench-"))
    try:
        truth = write_synthetic(n, tmp / "extract")
        write_synthetic(2000, tmp / "sample")
        load = os.getloadavg()[0]
        print(f"corpus: {n:,} synthetic reports (bench/link_bench.py's generator)")
        print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} at the start")
        runs = {c: run_child("synthetic", str(tmp / "extract"), str(tmp / "sample"), str(tmp / f"link{c}"), str(c))
                for c in (1, 2)}
        reports = read_reports(tmp / "extract")
        ours, linked_s, built_s = single_machine(reports)
        theirs = spark_clusters(tmp / "link2")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(f"{'':44}{'seconds':>9}{'reports/s':>11}{'speed-up':>10}")
    print(f"{'link_batch (one process; linking only)':44}{linked_s:9.1f}{n / linked_s:11.0f}")
    print(f"{'link_batch + build_incident':44}{built_s:9.1f}{n / built_s:11.0f}")
    r1 = n / runs[1]["seconds"]
    for c in (1, 2):
        rate = n / runs[c]["seconds"]
        print(f"{f'spark link local[{c}] (after a warm-up)':44}{runs[c]['seconds']:9.1f}{rate:11.0f}{rate / r1:9.2f}x")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"spark link: {runs[2]['links']:,} links, {runs[2]['incidents']:,} incidents (largest "
          f"{runs[2]['largest_incident']}); link_batch: {len(set(ours.values())):,} incidents (largest "
          f"{_largest(ours)})")
    print(f"  link_batch against the truth: {_scores(ours, truth)}")
    print(f"  spark link against the truth: {_scores(theirs, truth)}")
    print(f"  spark link against link_batch: {_scores(theirs, ours)}")


def _largest(clusters: dict[str, Any]) -> int:
    from collections import Counter

    return max(Counter(clusters.values()).values(), default=0)


def run_child(*args: str) -> dict:
    return childproc.run_child(__file__, *args)


# -- the single-machine side, and reading Spark's output ----------------------


def read_reports(extract: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    rows = pq.read_table(extract / "reports", columns=["id", "report_index", "published", "report_json"]).to_pylist()
    return sorted(rows, key=lambda r: (r["id"], r["report_index"]))


def spark_clusters(out: Path) -> dict[str, str]:
    import pyarrow.parquet as pq

    return {r["report_id"]: r["incident_id"]
            for r in pq.read_table(out / "clusters", columns=["report_id", "incident_id"]).to_pylist()}


def single_machine(reports: list[dict[str, Any]]) -> tuple[dict[str, Any], float, float]:
    """link_batch's cluster per report id; seconds to link, seconds to link and build the incidents."""
    from strikewatch.assess.incident import build_incident, incident_key
    from strikewatch.link.match import Candidate, link_batch

    parsed = [(f"{r['id']}#{r['report_index']}", json.loads(r["report_json"]), r) for r in reports]
    start = time.perf_counter()
    cands = [Candidate.from_report(rid, rep, r["published"]) for rid, rep, r in parsed]
    clusters = link_batch(cands)
    linked = time.perf_counter() - start
    members: dict[int, list[dict[str, Any]]] = {}
    for (rid, rep, r), (cluster, _) in zip(parsed, clusters, strict=True):
        members.setdefault(cluster, []).append({"report": rep, "document_id": r["id"], "published": r["published"],
                                                "outlet": None, "report_id": rid})
    for cluster, group in members.items():
        build_incident(incident_key(group[0]["report_id"]), group)
    built = time.perf_counter() - start
    return {rid: cluster for (rid, _, _), (cluster, _) in zip(parsed, clusters, strict=True)}, linked, built


def _scores(predicted: dict[str, Any], reference: dict[str, Any]) -> str:
    from strikewatch.evaluate import link_scores

    s = link_scores(predicted, reference)
    return (f"B-cubed P {s['bcubed_precision']:.3f} R {s['bcubed_recall']:.3f} F1 {s['bcubed_f1']:.3f}; "
            f"pairwise P {s['pairwise_precision']:.3f} R {s['pairwise_recall']:.3f} F1 {s['pairwise_f1']:.3f}")


def _differing(a: dict[str, Any], b: dict[str, Any]) -> tuple[int, int]:
    """How many of a's clusters are not exactly one of b's (and the reports in them)."""
    def groups(m: dict[str, Any]) -> dict[Any, frozenset[str]]:
        out: dict[Any, set[str]] = {}
        for k, v in m.items():
            out.setdefault(v, set()).add(k)
        return {k: frozenset(v) for k, v in out.items()}

    theirs = set(groups(b).values())
    diff = [g for g in groups(a).values() if g not in theirs]
    return len(diff), sum(len(g) for g in diff)


# -- the report -------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--dev", type=Path, default=DEV, help="folder of the dev sets [%(default)s]")
    ap.add_argument("--runs", type=int, default=2, help="spark link runs per session, the first cold [%(default)s]")
    ap.add_argument("--synthetic", type=int, metavar="N", help="link N synthetic reports instead of the dev sets")
    a = ap.parse_args()
    if a.child:
        kind, *rest = a.child
        result = {"extract": lambda: child_extract(*rest),
                  "link": lambda: child_link(rest[0], rest[1], int(rest[2]), int(rest[3])),
                  "synthetic": lambda: child_synthetic(rest[0], rest[1], rest[2], int(rest[3]))}[kind]()
        print(json.dumps(result))
        return
    if a.synthetic:
        synthetic_main(a.synthetic)
        return
    if not all((a.dev / f"{s}.jsonl").exists() for s in SETS):
        raise SystemExit(f"the development sets are not in {a.dev} (--dev DIR)")

    tmp = Path(tempfile.mkdtemp(prefix="strikewatch-link-bench-"))
    try:
        corpus, linking = tmp / "corpus.jsonl", tmp / "linking.jsonl"
        info = write_corpus(a.dev, SETS, corpus)
        gold = write_corpus(a.dev, [LINKING_SET], linking)["gold"]
        load = os.getloadavg()[0]
        ext = run_child("extract", str(corpus), str(tmp / "extract"), "0")
        print(f"corpus: {info['docs']} documents of {len(SETS)} dev sets in {a.dev}: {ext['reports']} reports "
              f"(spark extract, local[2]: {ext['seconds']:.1f} s)")
        print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} at the start")
        l1 = run_child("link", str(tmp / "extract"), str(tmp / "link1"), "1", str(a.runs))
        l2 = run_child("link", str(tmp / "extract"), str(tmp / "link2"), "2", str(a.runs))
        reports = read_reports(tmp / "extract")
        ours, linked_s, built_s = single_machine(reports)
        theirs = spark_clusters(tmp / "link2-0")

        run_child("extract", str(linking), str(tmp / "linking-extract"), "1")
        lk = run_child("link", str(tmp / "linking-extract"), str(tmp / "linking-link"), "2", "1")
        main_reports = read_reports(tmp / "linking-extract")
        batch, _, _ = single_machine(main_reports)
        splink = spark_clusters(tmp / "linking-link-0")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    n = len(reports)
    print()
    print(f"{'':44}{'seconds':>9}{'reports/s':>11}{'speed-up':>10}")
    print(f"{'link_batch (one process; linking only)':44}{linked_s:9.2f}{n / linked_s:11.0f}")
    print(f"{'link_batch + build_incident':44}{built_s:9.2f}{n / built_s:11.0f}")
    for i in range(a.runs):
        label = "cold run" if i == 0 else f"warm run {i}"
        s1, s2 = l1["runs"][i], l2["runs"][i]
        r1, r2 = n / s1["seconds"], n / s2["seconds"]
        print(f"{'spark link local[1], ' + label:44}{s1['seconds']:9.1f}{r1:11.1f}{'1.00x':>10}")
        print(f"{'spark link local[2], ' + label:44}{s2['seconds']:9.1f}{r2:11.1f}{r2 / r1:9.2f}x")
    last = l2["runs"][-1]
    print(f"(session start, not counted: local[1] {l1['session']:.1f} s, local[2] {l2['session']:.1f} s; "
          f"{last['links']} links kept; every export format written)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (figures from a loaded machine understate the rates)")
    print()
    single_n = len(set(ours.values()))
    print(f"all reports: spark link {last['incidents']} incidents (largest {last['largest_incident']}), "
          f"link_batch {single_n} (largest {_largest(ours)})")
    print(f"  spark against link_batch: {_scores(theirs, ours)}")
    d_spark, r_spark = _differing(theirs, ours)
    d_batch, r_batch = _differing(ours, theirs)
    print(f"  incidents not exactly the other's: spark {d_spark} ({r_spark} reports), link_batch {d_batch} "
          f"({r_batch} reports)")
    print()
    docs = {d: d for d in gold}  # a document with no report is an incident of its own
    batch_docs = {**docs, **{rid.rsplit('#', 1)[0]: ("c", c) for rid, c in batch.items()}}
    splink_docs = {**docs, **{rid.rsplit('#', 1)[0]: ("c", c) for rid, c in splink.items()}}
    print(f"{LINKING_SET} ({len(gold)} documents, {len(main_reports)} main reports) against its gold incidents:")
    print(f"  link_batch (strikewatch eval --link): {_scores(batch_docs, gold)}")
    print(f"  spark link ({lk['runs'][0]['incidents']} incidents):        {_scores(splink_docs, gold)}")


if __name__ == "__main__":
    main()

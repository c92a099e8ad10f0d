"""Batch linking throughput on synthetic reports, with the clustering's accuracy.

Prints figures; asserts nothing. Run: .venv/bin/python bench/link_bench.py [N_REPORTS] [--engine splink]

Synthetic events are spread over Syria's extent and three years; each is
reported 1 to 8 times with the noise real reports show (a day off, the
neighbourhood instead of the town, a toll that rises, a different event
type word). Reports go through ``Candidate.from_report`` (as stored report
JSON would) and ``link_batch``, the same comparisons as ``strikewatch link``.

``--engine splink`` links the same reports with Splink on DuckDB as well
(``strikewatch.link.duckdb_link.link_batch``, the batch engine of ``strikewatch
link --rebuild --engine splink``; needs the link extra) and prints its rate
next to the native one, with how far the two clusterings agree.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from strikewatch.evaluate import link_scores
from strikewatch.link.match import Candidate, link_batch

TYPES = ["air_strike", "air_strike", "shelling", "drone_strike", "missile_strike", "ground_attack"]
ACTORS = ["Russia", "Syrian government", "Turkey", "US-led coalition", None]
START = date(2018, 1, 1)


def synthetic(n_reports: int, rng: random.Random) -> tuple[list[dict], list[int]]:
    reports, truth = [], []
    event = 0
    while len(reports) < n_reports:
        event += 1
        day = START + timedelta(days=rng.randrange(3 * 365))
        lat, lon = rng.uniform(32.5, 37.0), rng.uniform(35.8, 41.5)
        kind = rng.choice(TYPES)
        killed = rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 35])
        actor = rng.choice(ACTORS)
        for _ in range(min(rng.randint(1, 8), n_reports - len(reports))):
            jitter_day = day + timedelta(days=rng.choice([0, 0, 0, 1]))
            jlat, jlon = lat + rng.gauss(0, 0.02), lon + rng.gauss(0, 0.02)
            report_kind = kind if rng.random() < 0.85 else ("shelling" if kind == "air_strike" else kind)
            toll = killed + (rng.randint(0, 3) if rng.random() < 0.4 else 0)
            reports.append({
                "event_type": report_kind, "date": {"start": jitter_day.isoformat()},
                "location": {"lat": round(jlat, 4), "lon": round(jlon, 4), "admin1": f"gov-{int(lat)}-{int(lon)}",
                             "precision": "locality"},
                "casualties": {"killed": {"best": toll if rng.random() < 0.8 else None}},
                "targets": [], "attribution": {"actor": actor} if actor and rng.random() < 0.7 else None,
            })
            truth.append(event)
    return reports, truth


def run(name: str, batch: Callable[[list[Candidate]], list[tuple[int, Any]]], reports: list[dict],
        truth: list[int]) -> list[tuple[int, Any]]:
    """Link the reports with one engine (reading them as candidates included) and print its figures."""
    n = len(reports)
    start = time.perf_counter()
    cands = [Candidate.from_report(i, r) for i, r in enumerate(reports)]
    result = batch(cands)
    elapsed = time.perf_counter() - start
    scores = link_scores({i: cid for i, (cid, _) in enumerate(result)}, dict(enumerate(truth)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name}: {len({c for c, _ in result}):,} incidents formed")
    print(f"  batch linking: {n / elapsed:,.0f} reports/s ({elapsed:.1f} s); 1,000,000 reports would take "
          f"{1_000_000 / (n / elapsed) / 60:.1f} min at this rate (target: under 10 min); peak RSS so far {peak:.0f} MB")
    print(f"  accuracy: B-cubed P {scores['bcubed_precision']:.3f} R {scores['bcubed_recall']:.3f} "
          f"F1 {scores['bcubed_f1']:.3f}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=200_000, help="synthetic reports [200,000]")
    parser.add_argument("--engine", choices=["native", "splink"], default="native",
                        help="splink: Splink on DuckDB as well, next to native")
    args = parser.parse_args()
    rng = random.Random(20261126)
    reports, truth = synthetic(args.n, rng)
    print(f"reports: {args.n:,} from {max(truth):,} synthetic events")
    native = run("native", link_batch, reports, truth)
    if args.engine == "splink":
        from strikewatch.link import duckdb_link

        splink = run("splink (DuckDB)", duckdb_link.link_batch, reports, truth)
        # how far the clusterings agree: each report's incident (as the
        # reports it holds) and link weight the same
        same = link_scores({i: c for i, (c, _) in enumerate(splink)}, {i: c for i, (c, _) in enumerate(native)})
        weights = sum((a and round(a.score, 3)) == (b and round(b.score, 3))
                      for (_, a), (_, b) in zip(native, splink, strict=True))
        print(f"splink against native: B-cubed P {same['bcubed_precision']:.4f} R {same['bcubed_recall']:.4f}; "
              f"pairwise F1 {same['pairwise_f1']:.4f}; the same link weight for {weights / len(reports):.2%} "
              "of the reports")


if __name__ == "__main__":
    main()

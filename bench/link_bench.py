"""Batch linking throughput on synthetic reports, with the clustering's accuracy.

Prints figures; asserts nothing. Run: .venv/bin/python bench/link_bench.py [N_REPORTS]

Synthetic events are spread over Syria's extent and three years; each is
reported 1 to 8 times with the noise real reports show (a day off, the
neighbourhood instead of the town, a toll that rises, a different event
type word). Reports go through ``Candidate.from_report`` (as stored report
JSON would) and ``link_batch``, the same comparisons as ``strikewatch link``.
"""

from __future__ import annotations

import random
import resource
import sys
import time
from datetime import date, timedelta

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


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rng = random.Random(20261126)
    reports, truth = synthetic(n, rng)
    start = time.perf_counter()
    cands = [Candidate.from_report(i, r) for i, r in enumerate(reports)]
    result = link_batch(cands)
    elapsed = time.perf_counter() - start
    scores = link_scores({i: cid for i, (cid, _) in enumerate(result)}, dict(enumerate(truth)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"reports: {n:,} from {max(truth):,} synthetic events; {len({c for c, _ in result}):,} incidents formed")
    print(f"batch linking: {n / elapsed:,.0f} reports/s ({elapsed:.1f} s); 1,000,000 reports would take "
          f"{1_000_000 / (n / elapsed) / 60:.1f} min at this rate (target: under 10 min); peak RSS {peak:.0f} MB")
    print(f"accuracy: B-cubed P {scores['bcubed_precision']:.3f} R {scores['bcubed_recall']:.3f} "
          f"F1 {scores['bcubed_f1']:.3f}")


if __name__ == "__main__":
    main()

"""Estimate the linking model's m and u probabilities from unlabelled reports.

The Fellegi-Sunter way, as Splink does it; no labels are used.

* u, how often a level is seen among non-matches, is its frequency among
  random pairs of reports: nearly every random pair is a non-match.
* m, how often a level is seen among matches, comes from
  expectation-maximisation with u held fixed. The pairs are a two-class
  mixture (matches, non-matches) whose comparisons are independent given
  the class. E-step: each distinct comparison pattern's probability of
  being a match, lambda * prod(m) / (lambda * prod(m) + (1 - lambda) *
  prod(u)). M-step: m of a level is the expected number of matches in that
  level over the expected number of matches that make that comparison at
  all (a comparison a pair cannot make, a toll missing on one side, is left
  out); lambda is the mean match probability.
* EM over all pairs finds the wrong two classes (pairs of one region, type
  and actor against the rest), so it runs twice within blocks where
  matches are common, each time leaving out the comparison the block fixes:
  over pairs both dated within ``max_days`` (for every comparison but the
  date), and over pairs within 2 km or in one district, whatever their
  dates (for every comparison but the place). A comparison estimated in
  both passes takes the mean.
* Ordered levels (days apart, distance, toll) are kept in order: a farther
  level never weighs more than a nearer one (:func:`monotone`).

The share of matches (lambda) each pass finds is over-estimated wherever the
comparisons are not independent given the class, so the threshold is not
derived from it; it stays a setting (docs/linking.md).

Run ``python -m strikewatch.link.em DOCS.jsonl`` on a deployment's own
documents (one JSON object a line, as ``strikewatch eval`` reads; gold labels
in the file are ignored) to print estimates for its ``LinkSettings``.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any

from .match import COARSE, LEVELS, BlockIndex, Candidate, LinkSettings, blocked, compare

DEFAULT = LinkSettings()
#: each level's comparison
GROUP = {level: group for group, levels in LEVELS.items() for level in levels}
#: levels from nearest to farthest: a farther level must not weigh more
ORDERED = (("date_same", "date_1", "date_2", "date_far"), ("dist_2km", "dist_10km", "dist_40km", "dist_far"),
           ("same_district", "same_region_only", "region_other"), ("toll_equal", "toll_close", "toll_far"))
Patterns = Counter[tuple[str, ...]]


@dataclass
class Estimate:
    settings: LinkSettings  # the input settings with the estimated (m, u) per level
    random_pairs: int  # pairs u was estimated over
    passes: dict[str, tuple[int, float]] = field(default_factory=dict)  # pass -> (pairs, lambda)


def patterns(pairs: Iterable[tuple[Candidate, Candidate]], s: LinkSettings = DEFAULT) -> Patterns:
    """How many pairs fall in each combination of levels."""
    return Counter(tuple(c.key for c in compare(a, b, s).comparisons) for a, b in pairs)


def random_pairs(cands: list[Candidate], limit: int = 1_000_000, seed: int = 0) -> Iterator[tuple[Candidate, Candidate]]:
    """Every pair when there are at most ``limit``, else ``limit`` pairs drawn at random."""
    n = len(cands)
    if n * (n - 1) // 2 <= limit:
        yield from combinations(cands, 2)
        return
    rng = random.Random(seed)
    for _ in range(limit):
        i, j = rng.sample(range(n), 2)
        yield cands[i], cands[j]


def date_window_pairs(cands: list[Candidate], s: LinkSettings = DEFAULT) -> Iterator[tuple[Candidate, Candidate]]:
    """Pairs of dated reports that linking's blocking lets through (within ``max_days``, near)."""
    dated = [c for c in cands if c.day is not None]
    index = BlockIndex(s)
    for i, c in enumerate(dated):
        for j in index.pool(c):
            if not blocked(c, dated[j], s):
                yield dated[j], c
        index.add(i, c)


def near_pairs(cands: list[Candidate], km: float = 2.0) -> Iterator[tuple[Candidate, Candidate]]:
    """Pairs within ``km`` of each other, or (located no finer) in one district, whatever their dates."""
    cell = km / 111.0
    grid: dict[tuple[int, int], list[Candidate]] = {}
    districts: dict[tuple[str | None, str], list[Candidate]] = {}
    for c in cands:
        if c.lat is not None and c.lon is not None and c.precision not in COARSE:
            y, x = int(c.lat // cell), int(c.lon // cell)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    for other in grid.get((y + dy, x + dx), ()):
                        yield other, c
            grid.setdefault((y, x), []).append(c)
        elif c.admin2:
            for other in districts.get((c.admin1, c.admin2), ()):
                yield other, c
            districts.setdefault((c.admin1, c.admin2), []).append(c)


def level_frequencies(counts: Patterns, prior: float = 1.0) -> dict[str, float]:
    """Each level's share among the pairs that make its comparison (plus ``prior`` per level)."""
    seen: Counter[str] = Counter()
    for pattern, n in counts.items():
        for lv in pattern:
            seen[lv] += n
    out: dict[str, float] = {}
    for levels in LEVELS.values():
        total = sum(seen[lv] for lv in levels) + prior * len(levels)
        out.update({lv: (seen[lv] + prior) / total for lv in levels})
    return out


def em_m(counts: Patterns, u: dict[str, float], m: dict[str, float], *, share: float = 0.1,
         iterations: int = 500, tolerance: float = 1e-6, prior: float = 1.0) -> tuple[dict[str, float], float]:
    """m per level (of the comparisons present in ``counts``) and lambda by EM, u held fixed."""
    m = dict(m)
    total_pairs = sum(counts.values())
    groups = {GROUP[lv] for pattern in counts for lv in pattern}
    for _ in range(iterations):
        em: Counter[str] = Counter()
        matches = 0.0
        for pattern, n in counts.items():  # E-step
            log_odds = math.log(share / (1 - share)) + sum(math.log(m[lv] / u[lv]) for lv in pattern)
            nm = n / (1 + math.exp(-max(-700.0, min(700.0, log_odds))))
            matches += nm
            for lv in pattern:
                em[lv] += nm
        change = abs(matches / total_pairs - share)  # M-step
        share = min(max(matches / total_pairs, 1e-9), 1 - 1e-9)
        for group in groups:
            levels = LEVELS[group]
            total = sum(em[lv] for lv in levels) + prior * len(levels)
            for lv in levels:
                new = (em[lv] + prior) / total
                change = max(change, abs(new - m[lv]))
                m[lv] = new
        if change < tolerance:
            break
    return m, share


def estimate(cands: list[Candidate], s: LinkSettings = DEFAULT, *, random_limit: int = 1_000_000,
             prior: float = 1.0) -> Estimate:
    """(m, u) per level from unlabelled candidates (see the module's docstring).

    ``s`` gives the blocking and the starting m; ``prior`` is a pseudo-count
    per level (keeps a level no pair shows from a zero probability).
    """
    rand = patterns(random_pairs(cands, random_limit), s)
    u = level_frequencies(rand, prior)
    start = {lv: getattr(s, lv)[0] / sum(getattr(s, x)[0] for x in LEVELS[GROUP[lv]]) for lv in GROUP}
    passes: dict[str, tuple[Callable[[], Iterator[tuple[Candidate, Candidate]]], str]] = {
        "dated within max_days": (lambda: date_window_pairs(cands, s), "date"),
        "within 2 km or one district": (lambda: near_pairs(cands), "place"),
    }
    found: dict[str, list[float]] = {lv: [] for lv in GROUP}
    summary: dict[str, tuple[int, float]] = {}
    for name, (pairs, fixed) in passes.items():
        counts: Patterns = Counter()
        for pattern, n in patterns(pairs(), s).items():
            counts[tuple(lv for lv in pattern if GROUP[lv] != fixed)] += n
        if not counts:
            continue
        m, share = em_m(counts, u, start, prior=prior)
        summary[name] = (sum(counts.values()), share)
        present = {GROUP[lv] for pattern in counts for lv in pattern}
        for lv, group in GROUP.items():
            if group != fixed and group in present:
                found[lv].append(m[lv])
    m = {lv: sum(ms) / len(ms) if ms else start[lv] for lv, ms in found.items()}
    for levels in ORDERED:
        m.update(monotone(levels, m, u))
    fitted = {lv: (_sig(m[lv]), _sig(u[lv])) for lv in GROUP}
    return Estimate(replace(s, **fitted), sum(rand.values()), summary)


def monotone(levels: tuple[str, ...], m: dict[str, float], u: dict[str, float]) -> dict[str, float]:
    """m of ordered levels adjusted so that weights never rise with distance.

    Pool-adjacent-violators: neighbouring levels whose weights are out of
    order are pooled (their m and u summed) until none are, and every level
    of a pool takes the pool's m/u ratio. A small sample otherwise gives,
    say, more weight to reports 10-40 km apart than to reports 2-10 km apart.
    """
    pools: list[list[Any]] = []  # [levels, sum m, sum u]
    for lv in levels:
        pools.append([[lv], m[lv], u[lv]])
        while len(pools) > 1 and pools[-1][1] / pools[-1][2] > pools[-2][1] / pools[-2][2]:
            last = pools.pop()
            pools[-1][0] += last[0]
            pools[-1][1] += last[1]
            pools[-1][2] += last[2]
    return {lv: u[lv] * pm / pu for lvs, pm, pu in pools for lv in lvs}


def _sig(x: float) -> float:
    return float(f"{x:.3g}")


def describe(est: Estimate) -> str:
    """A table of the estimates: level, m, u, weight."""
    lines = [f"u from {est.random_pairs:,} random pairs; m by EM over:"]
    lines += [f"  {name}: {n:,} pairs, estimated share of matches {share:.3f}" for name, (n, share) in est.passes.items()]
    lines.append(f"{'level':<18}{'m':>10}{'u':>10}{'weight':>8}")
    for levels in LEVELS.values():
        for lv in levels:
            m, u = getattr(est.settings, lv)
            lines.append(f"{lv:<18}{m:>10.3g}{u:>10.3g}{math.log2(m / u):>8.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import argparse
    import json
    from pathlib import Path

    from ..extract.pipeline import extract_dict, load_resources

    ap = argparse.ArgumentParser(prog="python -m strikewatch.link.em",
                                 description="Estimate linking m/u probabilities from unlabelled documents.")
    ap.add_argument("documents", type=Path, help="JSONL documents (gold labels, if any, are ignored)")
    args = ap.parse_args(argv)
    res = load_resources()
    cands: list[Candidate] = []
    for n, line in enumerate(args.documents.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        row = json.loads(line)
        row.pop("gold", None)
        out = extract_dict(row, res)
        if out["reports"]:
            cands.append(Candidate.from_report(row.get("id") or n, out["reports"][0], row.get("published")))
    print(describe(estimate(cands)))


if __name__ == "__main__":
    main()

"""Fellegi-Sunter comparison of two reports, and incremental clustering.

Each comparison looks at one field of the pair and falls in a level; a level
carries the log2 of m/u, how much more often that level is seen in true
matches (m) than in non-matches (u). The pair's score is the sum. The m and u
values are the project's documented starting estimates (``LinkSettings``),
tunable per deployment; every link keeps the comparisons and weights that
made it, so an analyst can see why two reports were joined.

Candidates are blocked first: only reports within ``max_days`` of each other
are compared, and only when they are near (``max_km``), share a district
where coordinates are missing, or one of them is located no finer than its
region. Pure: no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

from ..geo.gazetteer import haversine_km

#: event types that reports often confuse for one another (a "strike" seen
#: from the ground may be a missile, a drone or an aircraft; shells and rockets)
REMOTE = frozenset({"air_strike", "drone_strike", "missile_strike", "shelling"})


@dataclass(frozen=True)
class LinkSettings:
    """Thresholds and m/u estimates; see docs/linking.md for their basis."""

    threshold: float = 6.0  # log2 likelihood ratio needed to link
    max_days: int = 2
    max_km: float = 40.0
    # (m, u) per comparison level
    date_same: tuple[float, float] = (0.60, 0.03)
    date_1: tuple[float, float] = (0.30, 0.06)
    date_2: tuple[float, float] = (0.07, 0.06)
    dist_2km: tuple[float, float] = (0.45, 0.004)
    dist_10km: tuple[float, float] = (0.35, 0.03)
    dist_40km: tuple[float, float] = (0.12, 0.12)
    dist_far: tuple[float, float] = (0.08, 0.84)
    same_district: tuple[float, float] = (0.5, 0.1)
    same_region_only: tuple[float, float] = (0.5, 0.35)
    type_same: tuple[float, float] = (0.80, 0.35)
    type_remote: tuple[float, float] = (0.15, 0.35)
    type_other: tuple[float, float] = (0.05, 0.30)
    toll_equal: tuple[float, float] = (0.35, 0.05)
    toll_close: tuple[float, float] = (0.40, 0.20)
    toll_far: tuple[float, float] = (0.25, 0.75)
    target_same: tuple[float, float] = (0.35, 0.05)
    actor_same: tuple[float, float] = (0.6, 0.35)
    actor_other: tuple[float, float] = (0.1, 0.3)


def _w(mu: tuple[float, float]) -> float:
    return round(math.log2(mu[0] / mu[1]), 3)


@dataclass
class Comparison:
    """One field's comparison: its level and weight (log2 m/u)."""

    field: str
    level: str
    weight: float

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "level": self.level, "weight": self.weight}


@dataclass
class PairScore:
    score: float
    comparisons: list[Comparison] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 3), "comparisons": [c.as_dict() for c in self.comparisons]}


@dataclass
class Candidate:
    """What linking needs of one report, read once from its REPORT dict."""

    key: Any  # the caller's id for the report
    day: date | None
    lat: float | None
    lon: float | None
    admin1: str | None
    admin2: str | None
    precision: str | None
    event_type: str | None
    killed: int | None
    targets: frozenset[str]
    actor: str | None

    @classmethod
    def from_report(cls, key: Any, report: dict[str, Any], published: str | None = None) -> "Candidate":
        d = (report.get("date") or {}).get("start") or (published or "")[:10] or None
        loc = report.get("location") or {}
        killed = ((report.get("casualties") or {}).get("killed") or {}).get("best")
        targets = frozenset(
            (t.get("name") or t.get("type") or "").lower()
            for t in report.get("targets") or [] if t.get("type") not in (None, "other", "residential", "military")
        )
        actor = (report.get("attribution") or {}).get("actor")
        try:
            day = date.fromisoformat(d[:10]) if d else None
        except ValueError:
            day = None
        return cls(key, day, loc.get("lat"), loc.get("lon"), loc.get("admin1"), loc.get("admin2"),
                   loc.get("precision"), report.get("event_type"), killed, targets,
                   actor if actor not in (None, "unknown") else None)


def blocked(a: Candidate, b: Candidate, s: LinkSettings = LinkSettings()) -> bool:
    """True when the pair is not even a candidate (saves scoring it)."""
    if a.day and b.day and abs((a.day - b.day).days) > s.max_days:
        return True
    if a.lat is not None and b.lat is not None and a.lon is not None and b.lon is not None:
        coarse = bool({a.precision, b.precision} & {"district", "region", "country"})
        if not coarse and haversine_km(a.lat, a.lon, b.lat, b.lon) > s.max_km:
            return True
    elif a.admin1 and b.admin1 and a.admin1 != b.admin1:
        return True
    if a.event_type and b.event_type and a.event_type != b.event_type:
        if not (a.event_type in REMOTE and b.event_type in REMOTE):
            return True
    return False


def compare(a: Candidate, b: Candidate, s: LinkSettings = LinkSettings()) -> PairScore:
    """The Fellegi-Sunter score of a pair, comparison by comparison."""
    out: list[Comparison] = []
    if a.day and b.day:
        gap = abs((a.day - b.day).days)
        level, mu = {0: ("same day", s.date_same), 1: ("1 day apart", s.date_1)}.get(gap, ("2+ days apart", s.date_2))
        out.append(Comparison("date", level, _w(mu)))
    # a district's or region's point is a centroid, not where anything happened
    coarse = {a.precision, b.precision} & {"district", "region", "country"}
    if a.lat is not None and b.lat is not None and a.lon is not None and b.lon is not None and not coarse:
        km = haversine_km(a.lat, a.lon, b.lat, b.lon)
        if km <= 2:
            out.append(Comparison("distance", f"{km:.1f} km", _w(s.dist_2km)))
        elif km <= 10:
            out.append(Comparison("distance", f"{km:.1f} km", _w(s.dist_10km)))
        elif km <= s.max_km:
            out.append(Comparison("distance", f"{km:.1f} km", _w(s.dist_40km)))
        else:
            out.append(Comparison("distance", f"{km:.0f} km", _w(s.dist_far)))
    elif a.admin2 and b.admin2 and a.admin2 == b.admin2:
        out.append(Comparison("district", "same district", _w(s.same_district)))
    elif a.admin1 and b.admin1 and a.admin1 == b.admin1:
        out.append(Comparison("region", "same region only", _w(s.same_region_only)))
    if a.event_type and b.event_type:
        if a.event_type == b.event_type:
            out.append(Comparison("event_type", "same", _w(s.type_same)))
        elif a.event_type in REMOTE and b.event_type in REMOTE:
            out.append(Comparison("event_type", "both remote", _w(s.type_remote)))
        else:
            out.append(Comparison("event_type", "different", _w(s.type_other)))
    if a.killed is not None and b.killed is not None:
        hi, lo = max(a.killed, b.killed), min(a.killed, b.killed)
        if hi == lo:
            out.append(Comparison("killed", "equal", _w(s.toll_equal)))
        elif lo > 0 and hi / lo <= 2.5:
            out.append(Comparison("killed", "close", _w(s.toll_close)))
        else:
            out.append(Comparison("killed", "far apart", _w(s.toll_far)))
    if a.targets & b.targets:
        out.append(Comparison("target", "shared target", _w(s.target_same)))
    if a.actor and b.actor:
        same = a.actor == b.actor
        out.append(Comparison("actor", "same" if same else "different", _w(s.actor_same if same else s.actor_other)))
    return PairScore(sum(c.weight for c in out), out)


class BlockIndex:
    """Clusters by day and map cell, so a report meets only its near neighbours.

    A cell is ``max_km`` wide in latitude (wider in longitude away from the
    equator), so the 3 x 3 cells around a report over ``max_days`` either
    side hold every cluster it could match. Reports without coordinates, or located only to a district or region,
    are indexed by their region instead (and meet the clusters of that region).
    """

    def __init__(self, settings: LinkSettings) -> None:
        self.s = settings
        self.CELL = settings.max_km / 111.0
        self.members: dict[Any, list[Candidate]] = {}
        self._cells: dict[tuple[Any, Any], set[Any]] = {}

    def _keys(self, c: Candidate) -> list[Any]:
        keys: list[Any] = []
        if c.lat is not None and c.lon is not None and c.precision not in ("region", "country"):
            keys.append((int(c.lat // self.CELL), int(c.lon // self.CELL)))
        keys.append(("region", c.admin1))
        return keys

    def add(self, cid: Any, c: Candidate) -> None:
        self.members.setdefault(cid, []).append(c)
        day = c.day.toordinal() if c.day else None
        for key in self._keys(c):
            self._cells.setdefault((day, key), set()).add(cid)

    def pool(self, c: Candidate) -> list[Any]:
        """Cluster ids ``c`` might join, in a stable order."""
        days: list[Any] = ([None] if c.day is None else
                           [c.day.toordinal() + d for d in range(-self.s.max_days, self.s.max_days + 1)])
        keys: list[Any] = [("region", c.admin1)]
        if c.lat is not None and c.lon is not None and c.precision not in ("region", "country"):
            y, x = int(c.lat // self.CELL), int(c.lon // self.CELL)
            keys += [(y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        found: set[Any] = set()
        for day in days:
            for key in keys:
                found |= self._cells.get((day, key), set())
        return sorted(found, key=str)


def best_cluster(c: Candidate, clusters: Iterable[tuple[Any, list[Candidate]]],
                 s: LinkSettings = LinkSettings()) -> tuple[Any, PairScore] | None:
    """The cluster ``c`` should join (its best-scoring member at or over the threshold)."""
    best: tuple[Any, PairScore] | None = None
    for cid, members in clusters:
        # the first reports and the latest stand for the cluster: comparing
        # all of a large cluster's near-copies adds time, not information
        for m in (members if len(members) <= 4 else [*members[:3], members[-1]]):
            if blocked(c, m, s):
                continue
            score = compare(c, m, s)
            if score.score >= s.threshold and (best is None or score.score > best[1].score + 1e-9):
                best = (cid, score)
    return best


def link_batch(cands: list[Candidate], s: LinkSettings = LinkSettings()) -> list[tuple[int, PairScore | None]]:
    """Cluster candidates in date order; returns, per input, (cluster number, the link's score).

    Near-linear: through the :class:`BlockIndex` a report is only compared
    with clusters of its own neighbourhood in space and time.
    """
    order = sorted(range(len(cands)), key=lambda i: (cands[i].day or date.min, i))
    index = BlockIndex(s)
    result: list[tuple[int, PairScore | None]] = [(-1, None)] * len(cands)
    n_clusters = 0
    for i in order:
        c = cands[i]
        found = best_cluster(c, ((cid, index.members[cid]) for cid in index.pool(c)), s)
        if found:
            cid, score = found
            result[i] = (cid, score)
        else:
            cid, n_clusters = n_clusters, n_clusters + 1
            result[i] = (cid, None)
        index.add(cid, c)
    return result

"""Fellegi-Sunter comparison of two reports, and incremental clustering.

Each comparison looks at one field of the pair and falls in a level; a level
carries the log2 of m/u, how much more often that level is seen in true
matches (m) than in non-matches (u). The pair's score is the sum. The m and u
values are in ``LinkSettings`` (docs/linking.md gives their basis);
``link.em`` re-estimates them from a deployment's own unlabelled reports.
Every link keeps the comparisons and weights that made it, so an analyst can
see why two reports were joined.

Candidates are blocked first: only reports within ``max_days`` of each other
are compared (a report with no date meets reports of any date), and only
when they are near (``max_km``), share a region where coordinates are
missing, or one of them is located no finer than its district. Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from ..geo.gazetteer import haversine_km

#: event types that reports often confuse for one another (a "strike" seen
#: from the ground may be a missile, a drone or an aircraft; shells and rockets)
REMOTE = frozenset({"air_strike", "drone_strike", "missile_strike", "shelling"})
#: precisions whose point is a centroid, not where anything happened
COARSE = frozenset({"district", "region", "country"})
#: a date range at most this long still dates a report ("overnight", "last
#: week"); a month or a year does not
MAX_SPAN_DAYS = 7

#: each comparison's levels (``LinkSettings`` attribute names). Within a
#: comparison the levels are exclusive; a comparison a pair cannot make (a
#: toll missing on one side) is left out and weighs nothing.
LEVELS: dict[str, tuple[str, ...]] = {
    "date": ("date_same", "date_1", "date_2", "date_far", "date_unknown"),
    "place": ("dist_2km", "dist_10km", "dist_40km", "dist_far", "same_district", "same_region_only",
              "region_other"),
    "event_type": ("type_same", "type_remote", "type_other"),
    "killed": ("toll_equal", "toll_close", "toll_far"),
    "target": ("target_same", "target_other"),
    "actor": ("actor_same", "actor_other"),
}

#: each level's comparison
_COMPARISON = {key: name for name, keys in LEVELS.items() for key in keys}


@dataclass(frozen=True)
class LinkSettings:
    """Thresholds and (m, u) per comparison level; see docs/linking.md for their basis."""

    threshold: float = 8.0  # log2 likelihood ratio needed to link
    max_days: int = 2
    max_km: float = 40.0
    #: a date that is only the publication date stands for any of this many
    #: days before it as well (reports mostly tell of the day or the day before)
    published_lag: int = 2
    # (m, u) per comparison level: the project's starting estimates; the levels
    # added with link.em (an undated side, different targets, different regions)
    # take its estimates from the development dedup set (docs/linking.md)
    date_same: tuple[float, float] = (0.60, 0.03)
    date_1: tuple[float, float] = (0.30, 0.06)
    date_2: tuple[float, float] = (0.07, 0.06)
    date_far: tuple[float, float] = (0.03, 0.85)  # more than max_days: blocked, kept for estimating
    date_unknown: tuple[float, float] = (0.82, 0.852)
    dist_2km: tuple[float, float] = (0.45, 0.004)
    dist_10km: tuple[float, float] = (0.35, 0.03)
    dist_40km: tuple[float, float] = (0.12, 0.12)
    dist_far: tuple[float, float] = (0.08, 0.84)  # blocked unless a place is coarse
    same_district: tuple[float, float] = (0.5, 0.1)
    same_region_only: tuple[float, float] = (0.5, 0.35)
    region_other: tuple[float, float] = (0.00235, 0.158)
    type_same: tuple[float, float] = (0.80, 0.35)
    type_remote: tuple[float, float] = (0.15, 0.35)
    type_other: tuple[float, float] = (0.05, 0.30)
    toll_equal: tuple[float, float] = (0.35, 0.05)
    toll_close: tuple[float, float] = (0.40, 0.20)
    toll_far: tuple[float, float] = (0.25, 0.75)
    target_same: tuple[float, float] = (0.35, 0.05)
    target_other: tuple[float, float] = (0.29, 0.786)
    actor_same: tuple[float, float] = (0.6, 0.35)
    actor_other: tuple[float, float] = (0.1, 0.3)

    @cached_property
    def weights(self) -> dict[str, float]:
        """log2(m/u) of every level, computed once."""
        return {name: _w(getattr(self, name)) for levels in LEVELS.values() for name in levels}


def _w(mu: tuple[float, float]) -> float:
    return round(math.log2(mu[0] / mu[1]), 3)


@dataclass
class Comparison:
    """One field's comparison: its level and weight (log2 m/u)."""

    field: str
    level: str
    weight: float
    key: str = ""  # the level's ``LinkSettings`` name (not stored with links)

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
    """What linking needs of one report, read once from its REPORT dict.

    ``day`` is the last day the incident can have been and ``span`` how many
    days before it it may also have been: 0 for a day the text gives, the
    length of a short range ("overnight"), or ``published_lag`` days when
    the only date is the publication date.
    """

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
    span: int = 0

    @classmethod
    def from_report(cls, key: Any, report: dict[str, Any], published: str | None = None,
                    published_lag: int = LinkSettings.published_lag) -> "Candidate":
        when = report.get("date") or {}
        pub = _day(published)
        first, last, span = _day(when.get("start")), _day(when.get("end")), 0
        if first and last and last > first:
            span = (last - first).days
            if span > MAX_SPAN_DAYS:  # a month, a year: no day to compare
                first = None
        if first is None or (not when.get("text") and first == pub):
            # undated, or dated only by the publication (the extractor's
            # stand-in): the incident fell on that day or in the days before
            last, span = (pub, published_lag) if pub else (None, 0)
        elif last is None or last < first:
            last = first
        loc = report.get("location") or {}
        killed = ((report.get("casualties") or {}).get("killed") or {}).get("best")
        targets = frozenset(
            (t.get("name") or t.get("type") or "").lower()
            for t in report.get("targets") or [] if t.get("type") not in (None, "other", "residential", "military")
        )
        actor = (report.get("attribution") or {}).get("actor")
        return cls(key, last, loc.get("lat"), loc.get("lon"), loc.get("admin1"), loc.get("admin2"),
                   loc.get("precision"), report.get("event_type"), killed, targets,
                   actor if actor not in (None, "unknown") else None, span)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except (TypeError, ValueError):
        return None


def day_gap(a: Candidate, b: Candidate) -> int:
    """Days between two dated reports' windows (0 when they overlap)."""
    return max(0, (a.day - b.day).days - a.span, (b.day - a.day).days - b.span)  # type: ignore[operator]


def _km(a: Candidate, b: Candidate) -> float | None:
    """The distance between two reports' points, None unless both are located finer than a district
    (a district's or region's point is a centroid, not where anything happened)."""
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None or a.precision in COARSE \
            or b.precision in COARSE:
        return None
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def _place_blocked(a: Candidate, b: Candidate, s: LinkSettings, km: float | None) -> bool:
    if km is not None:
        return km > s.max_km
    if a.lat is not None and b.lat is not None and a.lon is not None and b.lon is not None:
        return False  # one located only to a district or region
    return bool(a.admin1 and b.admin1 and a.admin1 != b.admin1)


def blocked(a: Candidate, b: Candidate, s: LinkSettings = LinkSettings()) -> bool:
    """True when the pair is not even a candidate (saves scoring it)."""
    if a.day and b.day and day_gap(a, b) > s.max_days:
        return True
    return _place_blocked(a, b, s, _km(a, b))


Level = tuple[str, str, Any]  # (comparison shown, LinkSettings level, what the label shows)


def _levels(a: Candidate, b: Candidate, s: LinkSettings, km: float | None, gap: int | None) -> list[Level]:
    """The pair's level in every comparison it can make (``gap``: ``day_gap`` when both are dated)."""
    out: list[Level] = []
    if gap is None:
        out.append(("date", "date_unknown", None))
    else:
        key = ("date_same" if gap == 0 else "date_1" if gap == 1 else "date_2" if gap <= s.max_days
               else "date_far")
        out.append(("date", key, (gap, bool(a.span or b.span))))
    if km is not None:
        key = ("dist_2km" if km <= 2 else "dist_10km" if km <= 10 else "dist_40km" if km <= s.max_km
               else "dist_far")
        out.append(("distance", key, km))
    elif a.admin2 and b.admin2 and a.admin2 == b.admin2:
        out.append(("district", "same_district", None))
    elif a.admin1 and b.admin1:
        out.append(("region", "same_region_only" if a.admin1 == b.admin1 else "region_other", None))
    if a.event_type and b.event_type:
        if a.event_type == b.event_type:
            out.append(("event_type", "type_same", None))
        elif a.event_type in REMOTE and b.event_type in REMOTE:
            out.append(("event_type", "type_remote", None))
        else:
            out.append(("event_type", "type_other", None))
    if a.killed is not None and b.killed is not None:
        hi, lo = max(a.killed, b.killed), min(a.killed, b.killed)
        key = "toll_equal" if hi == lo else "toll_close" if lo > 0 and hi / lo <= 2.5 else "toll_far"
        out.append(("killed", key, None))
    if a.targets and b.targets:
        out.append(("target", "target_same" if a.targets & b.targets else "target_other", None))
    if a.actor and b.actor:
        out.append(("actor", "actor_same" if a.actor == b.actor else "actor_other", None))
    return out


_LABELS = {"date_same": "same day", "date_1": "1 day apart", "date_unknown": "undated",
           "same_district": "same district", "same_region_only": "same region only",
           "region_other": "different regions", "type_same": "same", "type_remote": "both remote",
           "type_other": "different", "toll_equal": "equal", "toll_close": "close", "toll_far": "far apart",
           "target_same": "shared target", "target_other": "different targets", "actor_same": "same",
           "actor_other": "different"}


def _label(key: str, detail: Any) -> str:
    if key.startswith("dist_"):
        return f"{detail:.0f} km" if key == "dist_far" else f"{detail:.1f} km"
    if key.startswith("date_") and detail is not None:
        gap, by_pub = detail
        label = _LABELS.get(key) or f"{gap} days apart"
        return label + (" (publication dates)" if by_pub else "")
    return _LABELS[key]


def _pair_score(levels: list[Level], s: LinkSettings) -> PairScore:
    w = s.weights
    out = [Comparison(name, _label(key, detail), w[key], key) for name, key, detail in levels]
    return PairScore(sum(c.weight for c in out), out)


def compare(a: Candidate, b: Candidate, s: LinkSettings = LinkSettings()) -> PairScore:
    """The Fellegi-Sunter score of a pair, comparison by comparison."""
    gap = day_gap(a, b) if a.day and b.day else None
    return _pair_score(_levels(a, b, s, _km(a, b), gap), s)


def score_levels(a: Candidate, b: Candidate, keys: Iterable[str], s: LinkSettings = LinkSettings()) -> PairScore:
    """The score of a pair whose levels (``LinkSettings`` names, in
    :data:`LEVELS` order) were found elsewhere (by Splink), each with the
    weight and the label :func:`compare` gives it: the labels need the
    distance and the days apart, measured here as ``compare`` measures them."""
    gap = day_gap(a, b) if a.day and b.day else None
    km = _km(a, b)
    levels: list[Level] = []
    for key in keys:
        name = _COMPARISON[key]
        if name == "date":
            levels.append(("date", key, None if gap is None else (gap, bool(a.span or b.span))))
        elif name == "place":  # shown as the field it compared, as _levels names it
            shown = "distance" if key.startswith("dist_") else "district" if key == "same_district" else "region"
            levels.append((shown, key, km))
        else:
            levels.append((name, key, None))
    return _pair_score(levels, s)


class BlockIndex:
    """Clusters by day and map cell, so a report meets only its near neighbours.

    A cell is ``max_km`` wide in latitude (wider in longitude away from the
    equator), so the 3 x 3 cells around a report over ``max_days`` either
    side hold every cluster it could match. Reports without coordinates, or
    located only to a district or region, are indexed by their region instead
    (and meet the clusters of that region). A report dated by a window (its
    publication date) is indexed under each day of it; an undated report
    meets the clusters of its cells and region whatever their dates, and is
    met by every later report there.
    """

    def __init__(self, settings: LinkSettings) -> None:
        self.s = settings
        self.CELL = settings.max_km / 111.0
        self.members: dict[Any, list[Candidate]] = {}
        self._cells: dict[tuple[int, Any], set[Any]] = {}  # (day, place key) -> clusters
        self._undated: dict[Any, set[Any]] = {}  # place key -> clusters with an undated member
        self._anyday: dict[Any, set[Any]] = {}  # place key -> every cluster there

    def _keys(self, c: Candidate) -> list[Any]:
        keys: list[Any] = []
        if c.lat is not None and c.lon is not None and c.precision not in ("region", "country"):
            keys.append((int(c.lat // self.CELL), int(c.lon // self.CELL)))
        keys.append(("region", c.admin1))
        return keys

    def add(self, cid: Any, c: Candidate) -> None:
        self.members.setdefault(cid, []).append(c)
        for key in self._keys(c):
            self._anyday.setdefault(key, set()).add(cid)
            if c.day is None:
                self._undated.setdefault(key, set()).add(cid)
                continue
            last = c.day.toordinal()
            for day in range(last - c.span, last + 1):
                self._cells.setdefault((day, key), set()).add(cid)

    def pool(self, c: Candidate) -> list[Any]:
        """Cluster ids ``c`` might join, in a stable order."""
        keys: list[Any] = [("region", c.admin1)]
        if c.lat is not None and c.lon is not None and c.precision not in ("region", "country"):
            y, x = int(c.lat // self.CELL), int(c.lon // self.CELL)
            keys += [(y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        found: set[Any] = set()
        if c.day is None:
            for key in keys:
                found |= self._anyday.get(key, set())
        else:
            last = c.day.toordinal()
            for day in range(last - c.span - self.s.max_days, last + self.s.max_days + 1):
                for key in keys:
                    found |= self._cells.get((day, key), set())
            for key in keys:
                found |= self._undated.get(key, set())
        return sorted(found, key=str)


def best_cluster(c: Candidate, clusters: Iterable[tuple[Any, list[Candidate]]],
                 s: LinkSettings = LinkSettings()) -> tuple[Any, PairScore] | None:
    """The cluster ``c`` should join (its best-scoring member at or over the threshold)."""
    w = s.weights
    best: tuple[Any, list[Level]] | None = None
    best_score = 0.0
    for cid, members in clusters:
        # the first reports and the latest stand for the cluster: comparing
        # all of a large cluster's near-copies adds time, not information
        for m in (members if len(members) <= 4 else [*members[:3], members[-1]]):
            gap = day_gap(c, m) if c.day and m.day else None
            if gap is not None and gap > s.max_days:
                continue
            km = _km(c, m)
            if _place_blocked(c, m, s, km):
                continue
            levels = _levels(c, m, s, km, gap)
            score = sum(w[key] for _, key, _ in levels)
            if score >= s.threshold and (best is None or score > best_score + 1e-9):
                best, best_score = (cid, levels), score
    return None if best is None else (best[0], _pair_score(best[1], s))


def link_order(c: Candidate) -> tuple[bool, date]:
    """Sort key: dated reports first, in date order, then the undated ones.

    Dated reports found their incidents on firm evidence (day and place);
    an undated report, which can only be matched on place, type, toll and
    actor, then joins the incident it fits best instead of founding one that
    later reports are drawn into.
    """
    return (c.day is None, c.day or date.min)


def link_batch(cands: list[Candidate], s: LinkSettings = LinkSettings()) -> list[tuple[int, PairScore | None]]:
    """Cluster candidates in :func:`link_order`; returns, per input, (cluster number, the link's score).

    Near-linear: through the :class:`BlockIndex` a report is only compared
    with clusters of its own neighbourhood in space and time.
    """
    order = sorted(range(len(cands)), key=lambda i: (*link_order(cands[i]), i))
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

"""Who did it, at the incident level: a probability over actors from evidence.

Monitors attribute a strike the way a Bayesian would: start from who was
striking that place in that period (the theatre's prior), then let each
piece of evidence move the odds. Aircraft types seen or named, munitions,
the base a flight took off from, its heading and time of day, explicit
accusations (weighted by the source's record), claims of responsibility and
denials each add a log-likelihood ratio to the actors they point at. The
result is an :class:`~strikewatch.model.Attribution` whose ``evidence``
lists every item with its kind, its text and its weight, so a reviewer can
see why the answer is what it is and argue with any single step.

All theatre knowledge (priors, operator tables, bases, source record) is
data: ``data/profiles/<name>.toml``. Countries without a profile get the
neutral profile (:data:`NEUTRAL`): no prior beyond "someone not named", and
the lexicons' generic aircraft and weapon operators at reduced weight.

Extraction (``extract/actors.py``) does the per-document version; this
module combines the evidence of every report linked into one incident.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from ..model import ActorProbability, Attribution, Evidence, Perpetrator, Report

__all__ = [
    "EVIDENCE_KINDS",
    "NEUTRAL",
    "FlightEvidence",
    "IncidentEvidence",
    "Profile",
    "attribute_incident",
    "foreign_shares",
    "load_profile",
    "profile_for",
]

#: The kinds an evidence item may have, in the order they are listed.
EVIDENCE_KINDS: tuple[str, ...] = (
    "prior", "aircraft", "munition", "base", "heading", "time", "altitude",
    "accusation", "claim", "denial",
)

UNKNOWN = "unknown"


# --------------------------------------------------------------------------
# evidence


@dataclass(frozen=True, slots=True)
class FlightEvidence:
    """One sighting of aircraft, as an observer network reports it.

    Every field is optional: observers report what they saw or heard.

    * ``aircraft``: the type as named ("Su-24", "Mi-8", "MQ-9", "helicopter");
      matched against the profile's aircraft table, aliases included.
    * ``count``: how many aircraft (kept for the explanation; a pair is not
      evidence of anyone by itself).
    * ``origin``: the base the flight took off from ("Hmeimim", "T4").
    * ``heading``: degrees clockwise from north (0-360) or a compass point
      ("NE", "north-east", "SSW").
    * ``time``: ISO datetime or time of the sighting ("2016-04-27T23:40",
      "23:40"); without a UTC offset it is taken as local time.
    * ``altitude``: as reported ("high", "low", "4000 m").
    * ``observer``: the observer's pseudonym (never a real name), so that a
      reviewer can weigh one observer's record against another's.
    """

    aircraft: str | None = None
    count: int | None = None
    origin: str | None = None
    heading: float | str | None = None
    time: str | None = None
    altitude: str | None = None
    observer: str | None = None


@dataclass(frozen=True, slots=True)
class IncidentEvidence:
    """Everything known about one incident that bears on who did it.

    ``perpetrators`` are the mentions of all linked reports (role alleged,
    claimed, confirmed or denied; ``by`` who says so). ``aircraft`` and
    ``weapons`` are the REPORT strings ("Su-24", "barrel bomb"); ``sources``
    the sources named for figures and in the reports. ``lat``/``lon`` (the
    incident's place) let a flight's heading be compared with the bearing
    from each air base.
    """

    country: str | None = None
    admin1: str | None = None
    date: str | None = None
    event_type: str | None = None
    perpetrators: tuple[Perpetrator, ...] = ()
    aircraft: tuple[str, ...] = ()
    weapons: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    flights: tuple[FlightEvidence, ...] = ()
    lat: float | None = None
    lon: float | None = None
    #: (actor, weight): places the reports' texts name that the lexicon's
    #: theatre tables tie to an actor ("Kharkiv": Russia), as each report's
    #: own attribution found them; used where no theatre profile gives priors
    place_cues: tuple[tuple[str, float], ...] = ()

    @classmethod
    def from_reports(cls, reports: Sequence[Report], flights: Iterable[FlightEvidence] = ()) -> IncidentEvidence:
        """The evidence of reports linked into one incident: place, date and
        event type from the first report that has them, everything else
        pooled (duplicates kept once, in order)."""

        def first(get: Any) -> Any:
            return next((v for v in (get(r) for r in reports) if v is not None), None)

        return cls(
            country=first(lambda r: r.location.country),
            admin1=first(lambda r: r.location.admin1),
            date=first(lambda r: r.date.start),
            event_type=first(lambda r: r.event_type if r.event_type != "other" else None),
            perpetrators=tuple(p for r in reports for p in r.perpetrators),
            aircraft=_unique(a for r in reports for a in r.aircraft),
            weapons=_unique(w for r in reports for w in r.weapons),
            sources=_unique([*(f.source for r in reports for f in r.figures if f.source),
                             *(s for r in reports for s in r.sources)]),
            flights=tuple(flights),
            lat=first(lambda r: r.location.lat),
            lon=first(lambda r: r.location.lon),
            place_cues=tuple(dict.fromkeys(
                (str(e.extra["actor"]), float(e.weight)) for r in reports if r.attribution
                for e in r.attribution.evidence if e.kind == "theatre" and e.extra.get("actor") and e.weight is not None)),
        )


# --------------------------------------------------------------------------
# profile


@dataclass(frozen=True, slots=True)
class Period:
    name: str
    start: date
    end: date  # inclusive


@dataclass(frozen=True, slots=True)
class OperatorEntry:
    """An aircraft type, munition or base and who operates it (shares), when."""

    name: str
    aliases: tuple[str, ...]
    operators: Mapping[str, float]
    weight: float
    start: date | None = None
    end: date | None = None
    lat: float | None = None
    lon: float | None = None
    note: str = ""

    def active(self, when: date | None) -> bool:
        if when is None:
            return True
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


@dataclass(frozen=True, slots=True)
class TimePattern:
    """Hours of the day (local, start inclusive, end exclusive, may wrap) that favour some actors."""

    name: str
    start_hour: int
    end_hour: int
    operators: Mapping[str, float]
    weight: float
    utc_offset: float
    note: str = ""

    def covers(self, hour: float) -> bool:
        if self.start_hour <= self.end_hour:
            return self.start_hour <= hour < self.end_hour
        return hour >= self.start_hour or hour < self.end_hour


@dataclass(frozen=True, slots=True)
class Weights:
    """Log-likelihood ratios of the statement kinds (see the profile's [weights])."""

    accusation: float = 3.0
    repeat_decay: float = 0.55
    claim: float = 4.5
    claim_repeat: float = 0.5
    confirmation: float = 4.5
    denial: float = -1.0
    unknown_actor: float = 0.5
    unnamed_state: float = 0.5
    heading_tolerance: float = 30.0


@dataclass(frozen=True)
class Profile:
    """A theatre's knowledge: actors, priors by place and period, operator
    tables, air bases, time patterns, the record of sources.

    Built by :func:`load_profile`; read-only. ``priors`` maps
    ``(admin1, period)`` (admin1 ``"*"`` for the whole country) to shares
    over actors that sum to 1 (``"unknown"`` included).
    """

    name: str
    countries: tuple[str, ...]
    actors: tuple[str, ...]
    periods: tuple[Period, ...] = ()
    admin1_aliases: Mapping[str, str] = field(default_factory=dict)
    priors: Mapping[tuple[str, str], Mapping[str, float]] = field(default_factory=dict)
    prior_notes: Mapping[str, str] = field(default_factory=dict)
    affinity: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    merge: Mapping[str, str] = field(default_factory=dict)
    aircraft: tuple[OperatorEntry, ...] = ()
    munitions: tuple[OperatorEntry, ...] = ()
    bases: tuple[OperatorEntry, ...] = ()
    times: tuple[TimePattern, ...] = ()
    altitudes: tuple[OperatorEntry, ...] = ()
    reliability: Mapping[str, float] = field(default_factory=dict)
    default_reliability: float = 1.0
    unknown_prior: float = 0.67  # neutral: e^0.7 against e^0 for each named actor, as extract/actors.py
    outside_prior: float = 0.002  # an actor the profile does not list
    weights: Weights = field(default_factory=Weights)
    #: actor -> {actor often confused with it: share of an accusation's weight}
    confusable: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    #: (place folded, actor, log-likelihood ratio, event types): the neutral
    #: profile's place cues, from the lexicon's [[theatre]] tables
    places: tuple[tuple[str, str, float, tuple[str, ...]], ...] = ()

    def period_of(self, when: date | None) -> Period | None:
        if when is None:
            return None
        return next((p for p in self.periods if p.start <= when <= p.end), None)

    def canonical_admin1(self, admin1: str | None) -> str | None:
        if not admin1:
            return None
        return self.admin1_aliases.get(_fold(admin1))

    def label(self, actor: str) -> str:
        return self.merge.get(actor, actor)


def _neutral_tables() -> tuple[tuple[OperatorEntry, ...], tuple[OperatorEntry, ...]]:
    """The lexicons' generic operator lists (Middle East), for the neutral profile."""
    from ..extract.lexicon import load_toml

    aircraft = tuple(
        OperatorEntry(a["name"], tuple(a.get("phrases", ())), _equal(a["operators"]), 0.8, note="lexicon aircraft.toml")
        for a in load_toml("en", "aircraft")["aircraft"] if a.get("operators")
    )
    weapons = tuple(
        OperatorEntry(w["name"], tuple(w.get("phrases", ())), _equal(w["operators"]), 0.8, note="lexicon weapons.toml")
        for w in load_toml("en", "weapons")["weapon"] if w.get("operators")
    )
    return aircraft, weapons


def _equal(ops: Sequence[str]) -> dict[str, float]:
    return {o: 1.0 for o in ops}


@lru_cache(maxsize=1)
def _neutral() -> Profile:
    from ..extract.lexicon import load_toml

    aircraft, munitions = _neutral_tables()
    places = tuple(
        (_fold(place), t["actor"], float(t.get("weight", 1.0)), tuple(t.get("event_types", ())))
        for t in load_toml("en", "actors").get("theatre", ()) for place in t["places"]
    )
    return Profile(name="neutral", countries=(), actors=(), aircraft=aircraft, munitions=munitions, places=places)


class _NeutralProxy:
    """Lazy access to the neutral profile (it reads the lexicons on first use)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_neutral(), name)


#: The profile for countries without one: no prior but "someone not named",
#: the lexicons' operators at reduced weight, every source of equal record.
NEUTRAL: Any = _NeutralProxy()


def load_profile(name: str = "syria") -> Profile:
    """The theatre profile ``data/profiles/<name>.toml`` (``"neutral"``: the
    built-in one); read once per process."""
    return _load_profile(name)


@lru_cache(maxsize=8)
def _load_profile(name: str) -> Profile:
    if name == "neutral":
        return _neutral()
    path = resources.files("strikewatch") / "data" / "profiles" / f"{name}.toml"
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    return _build_profile(raw)


@lru_cache(maxsize=64)
def profile_for(country: str | None) -> Profile:
    """The profile whose ``countries`` include ``country`` (ISO alpha-2), else the neutral one."""
    for name in _profile_names():
        p = load_profile(name)
        if country and country.upper() in p.countries:
            return p
    return _neutral()


def _profile_names() -> tuple[str, ...]:
    folder = resources.files("strikewatch") / "data" / "profiles"
    return tuple(sorted(f.name[:-5] for f in folder.iterdir() if f.name.endswith(".toml")))


def _d(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _entries(items: Iterable[Mapping[str, Any]], weight_default: float) -> tuple[OperatorEntry, ...]:
    out = []
    for it in items:
        ops = {str(k): float(v) for k, v in it["operators"].items()}
        out.append(OperatorEntry(
            name=it["name"],
            aliases=tuple(it.get("aliases", ())),
            operators=ops,
            weight=float(it.get("weight", weight_default)),
            start=_d(it.get("start")),
            end=_d(it.get("end")),
            lat=it.get("lat"),
            lon=it.get("lon"),
            note=it.get("source", ""),
        ))
    return tuple(out)


def _build_profile(raw: Mapping[str, Any]) -> Profile:
    """Turn the TOML into a Profile: periods, governorate names, and the
    prior table combined from the derived foreign shares, the Syrian
    government's share, the background actors and the fixed periods."""
    meta = raw["profile"]
    actors = tuple(a["label"] for a in raw["actor"])
    periods = tuple(Period(p["name"], _d(p["start"]), _d(p["end"])) for p in raw["period"])
    aliases: dict[str, str] = {}
    for g in raw["governorate"]:
        for a in (g["name"], *g.get("aliases", ())):
            aliases[_fold(a)] = g["name"]
    pri = raw["priors"]
    table = _prior_table(pri, [g["name"] for g in raw["governorate"]], periods, actors)
    affinity = {a["label"]: {str(k): float(v) for k, v in a.get("event_types", {}).items()} for a in raw["actor"]}
    times = tuple(
        TimePattern(t["name"], int(t["start_hour"]), int(t["end_hour"]),
                    {str(k): float(v) for k, v in t["operators"].items()}, float(t["weight"]),
                    float(t.get("utc_offset", 0)), t.get("source", ""))
        for t in raw.get("time_pattern", ())
    )
    w = raw.get("weights", {})
    return Profile(
        name=meta["name"],
        countries=tuple(meta["countries"]),
        actors=actors,
        periods=periods,
        admin1_aliases=aliases,
        priors=table,
        prior_notes={p["name"]: p.get("basis", "") for p in raw["period"]},
        affinity=affinity,
        merge=dict(meta.get("merge", {})),
        aircraft=_entries(raw.get("aircraft", ()), 1.5),
        munitions=_entries(raw.get("munition", ()), 1.5),
        bases=_entries(raw.get("base", ()), 2.0),
        times=times,
        altitudes=_entries(raw.get("altitude", ()), 0.3),
        reliability={_fold(k): float(v) for k, v in raw.get("source_reliability", {}).get("sources", {}).items()},
        default_reliability=float(raw.get("source_reliability", {}).get("default", 1.0)),
        unknown_prior=float(pri.get("unknown", 0.05)),
        outside_prior=float(pri.get("outside", 0.002)),
        weights=Weights(**{k: float(v) for k, v in w.items()}),
        confusable=_confusable(raw.get("confusable", ())),
    )


def _confusable(groups: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """accused -> {actor it may be mistaken for: share}. A group names its
    ``actors`` (each mistaken for each other) or one way, ``from`` an accused
    actor ``to`` those the accusation may really mean."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for g in groups:
        pairs = ([(g["from"], b) for b in g["to"]] if "from" in g
                 else [(a, b) for a in g["actors"] for b in g["actors"]])
        for a, b in pairs:
            if a != b:
                out[a][b] = max(out[a].get(b, 0.0), float(g["share"]))
    return dict(out)


def foreign_shares(
    rows: Iterable[Mapping[str, Any]], years: Mapping[str, Sequence[int]], smoothing: float
) -> dict[tuple[str, str], dict[str, float]]:
    """Shares of foreign belligerents by (governorate, period) from Airwars
    counts (rows with ``governorate``, ``year``, ``belligerent``,
    ``incidents``). Each cell is smoothed towards the whole country's shares
    for the same years with ``smoothing`` pseudo-incidents, so that a cell of
    one or two incidents does not become certainty. Cells are also made for
    ``"*"`` (the whole country). This is how the profile's
    ``[[priors.foreign]]`` table was built; the profile ships the result."""
    counts: dict[tuple[str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in rows:
        counts[(r["governorate"], int(r["year"]))][r["belligerent"]] += float(r["incidents"])
    govs = sorted({g for g, _ in counts})
    out: dict[tuple[str, str], dict[str, float]] = {}
    for period, yrs in years.items():
        nat: dict[str, float] = defaultdict(float)
        for (g, y), c in counts.items():
            if y in yrs:
                for a, n in c.items():
                    nat[a] += n
        total = sum(nat.values())
        if not total:
            continue
        base = {a: n / total for a, n in nat.items()}
        out[("*", period)] = {a: round(v, 4) for a, v in sorted(base.items())}
        for g in govs:
            cell: dict[str, float] = defaultdict(float)
            for y in yrs:
                for a, n in counts.get((g, y), {}).items():
                    cell[a] += n
            n_cell = sum(cell.values())
            shares = {a: (cell.get(a, 0.0) + smoothing * base[a]) / (n_cell + smoothing) for a in base}
            out[(g, period)] = {a: round(v, 4) for a, v in sorted(shares.items()) if v >= 0.0005}
    return out


def _prior_table(
    pri: Mapping[str, Any], governorates: Sequence[str], periods: Sequence[Period], actors: Sequence[str]
) -> dict[tuple[str, str], dict[str, float]]:
    """Prior shares per (governorate, period): the Syrian government's share
    (a ratio to Russia's where Russia flew, a fixed share by zone before),
    the rest split by the Airwars-derived foreign shares, then background
    actors and the "unknown" residual mixed in. Periods with ``fixed``
    shares (after the Airwars counts end) take them as given."""
    gov_actor = pri["government_actor"]
    foreign = {(f["admin1"], f["period"]): dict(f["shares"]) for f in pri.get("foreign", ())}
    gov_cfg = {(g["period"]): g for g in pri.get("government", ())}
    zone_of = {name: z["name"] for z in pri.get("zone", ()) for name in z["governorates"]}
    background = pri.get("background", ())
    fixed = {(f["zone"], f["period"]): dict(f["shares"]) for f in pri.get("fixed", ())}
    unknown = float(pri.get("unknown", 0.05))
    table: dict[tuple[str, str], dict[str, float]] = {}
    for period in periods:
        for g in (*governorates, "*"):
            zone = zone_of.get(g, "*")
            if (zone, period.name) in fixed:
                shares = dict(fixed[(zone, period.name)])
            else:
                cfg = gov_cfg.get(period.name, {})
                src = cfg.get("foreign_from", period.name)
                f = foreign.get((g, src)) or foreign.get(("*", src)) or {}
                ratio = float(cfg.get("per_russia", 0.0))
                zone_share = float(cfg.get("zones", {}).get(zone, cfg.get("zones", {}).get("*", 0.0)))
                g_share = ratio * f.get("Russia", 0.0) / (ratio * f.get("Russia", 0.0) + 1.0) if ratio else 0.0
                g_share = max(g_share, zone_share)
                tot = sum(f.values())
                shares = {a: (1.0 - g_share) * v / tot for a, v in f.items()} if tot else {}
                shares[gov_actor] = shares.get(gov_actor, 0.0) + (g_share if tot else 1.0)
            # background actors (non-state groups, not in the Airwars counts)
            bg: dict[str, float] = defaultdict(float)
            for b in background:
                if b.get("zones") and zone not in b["zones"]:
                    continue
                if _bound(b.get("from"), start=True) > period.end or _bound(b.get("until"), start=False) < period.start:
                    continue
                bg[b["actor"]] += float(b["share"])
            b_total = sum(bg.values()) + unknown
            mixed = {a: v * (1.0 - b_total) for a, v in shares.items()}
            for a, v in bg.items():
                mixed[a] = mixed.get(a, 0.0) + v
            mixed[UNKNOWN] = mixed.get(UNKNOWN, 0.0) + unknown
            s = sum(mixed.values())
            table[(g, period.name)] = {a: v / s for a, v in mixed.items() if v > 0}
    return table


def _bound(value: Any, *, start: bool) -> date:
    """A background entry's bound: a year (its first or last day) or a date."""
    if value is None:
        return date.min if start else date.max
    if isinstance(value, int):
        return date(value, 1, 1) if start else date(value, 12, 31)
    return _d(value) or (date.min if start else date.max)


# --------------------------------------------------------------------------
# the engine


def attribute_incident(evidence: IncidentEvidence, profile: Profile | None = None) -> Attribution:
    """The probability over actors for one incident, with every item of
    evidence that moved it (kind, text, weight = log-likelihood ratio).

    ``profile`` defaults to the one for the incident's country. The answer
    is the most probable actor; "unknown" is the mass left for someone not
    named. Alternatives are sorted, most probable first; all probabilities
    are rounded down to 4 places so that they never sum to more than 1.
    """
    prof = profile if profile is not None else profile_for(evidence.country)
    when = _parse_date(evidence.date)
    items: list[tuple[str, str, str, float, dict[str, Any]]] = []  # (kind, actor, text, weight, extra)

    def add(kind: str, actor: str, text: str, weight: float, **extra: Any) -> None:
        items.append((kind, prof.label(actor), text, weight, extra))

    _statements(evidence, prof, add)
    _tables(evidence, prof, when, add)
    _flights(evidence, prof, when, add)

    llr: dict[str, float] = defaultdict(float)
    for _, actor, _, w, _ in items:
        llr[actor] += w
    prior, prior_text = _prior(evidence, prof, when, set(llr))
    score = {a: math.log(p) + llr.get(a, 0.0) for a, p in prior.items()}
    top_score = max(score.values())
    z = sum(math.exp(s - top_score) for s in score.values())
    probs = {a: math.exp(s - top_score) / z for a, s in score.items()}
    ranked = sorted(probs.items(), key=lambda kv: (-kv[1], kv[0]))
    top = ranked[0][0]

    evid = [_prior_evidence(prior, prior_text)]
    order = {k: i for i, k in enumerate(EVIDENCE_KINDS)}
    for kind, actor, text, w, extra in sorted(items, key=lambda it: order.get(it[0], 99)):
        evid.append(Evidence(kind=kind, text=text, weight=round(w, 3), extra={"actor": actor, **extra}))
    return Attribution(
        actor=top,
        probability=_floor4(probs[top]),
        alternatives=[ActorProbability(actor=a, probability=_floor4(p)) for a, p in ranked[1:] if p >= 0.00005],
        evidence=evid,
        extra={"profile": prof.name},
    )


def _prior(
    ev: IncidentEvidence, prof: Profile, when: date | None, named: set[str]
) -> tuple[dict[str, float], str]:
    """Prior shares over actors for the place, period and event type, with a
    sentence saying where they come from. Actors named by the evidence but
    absent from the profile get a small floor, so evidence can still win."""
    if not prof.priors:  # neutral
        cues = _place_cues(ev, prof)
        cands = {a for a in (*named, *cues) if a != UNKNOWN}
        mass = {a: math.exp(cues.get(a, 0.0)) for a in cands}
        mass[UNKNOWN] = math.exp(0.7) if cands else 1.0
        s = sum(mass.values())
        where = ev.country or "unknown country"
        cue_text = "; place cues (lexicon theatre): " + ", ".join(f"{a} +{w:g}" for a, w in cues.items()) if cues else ""
        return ({a: v / s for a, v in mass.items()},
                f"no theatre profile for {where}: equal prior for the actors named, more for someone not named{cue_text}")
    g = prof.canonical_admin1(ev.admin1) or "*"
    period = prof.period_of(when)
    if period is not None:
        base = dict(prof.priors.get((g, period.name)) or prof.priors[("*", period.name)])
        basis = f"{g if g != '*' else 'all of ' + prof.name}, {period.name}"
        note = prof.prior_notes.get(period.name, "")
    else:  # date unknown or outside the periods: the mean over the periods
        cells = [prof.priors.get((g, p.name)) or prof.priors[("*", p.name)] for p in prof.periods]
        base = defaultdict(float)
        for c in cells:
            for a, v in c.items():
                base[a] += v / len(cells)
        basis = f"{g if g != '*' else 'all of ' + prof.name}, date unknown: mean over {len(cells)} periods"
        note = ""
    ev_type = ev.event_type if ev.event_type and ev.event_type != "other" else None
    mass: dict[str, float] = {}
    for a in {*base, *named}:
        p = base.get(a, prof.outside_prior)
        if ev_type is not None:
            p *= prof.affinity.get(a, {}).get(ev_type, 1.0 if a not in prof.affinity else 0.05)
        mass[a] = max(p, 1e-6)
    s = sum(mass.values())
    prior = {a: v / s for a, v in mass.items()}
    text = basis + (f", {ev_type}" if ev_type else "") + (f" ({note})" if note else "")
    return prior, text


def _place_cues(ev: IncidentEvidence, prof: Profile) -> dict[str, float]:
    """Neutral profile: actors the lexicon's theatre tables tie to the
    incident's admin1 (for the event type) or to places its texts name,
    strongest weight per actor."""
    out: dict[str, float] = {}
    for actor, w in ev.place_cues:  # places named in the texts
        out[actor] = max(out.get(actor, 0.0), w)
    if not ev.admin1 or not prof.places:
        return out
    f = _fold(ev.admin1)
    for place, actor, w, types in prof.places:
        if place == f and (ev.event_type is None or not types or ev.event_type in types):
            out[actor] = max(out.get(actor, 0.0), w)
    return out


def _prior_evidence(prior: Mapping[str, float], text: str) -> Evidence:
    """One item for the prior: its basis and the leading shares; the weight
    is the log prior odds of the most likely actor."""
    ranked = sorted(prior.items(), key=lambda kv: (-kv[1], kv[0]))
    top, p = ranked[0]
    shares = ", ".join(f"{a} {v:.2f}" for a, v in ranked[:4] if v >= 0.01)
    return Evidence(
        kind="prior",
        text=f"{text}: {shares}",
        weight=round(math.log(p / max(1e-9, 1 - p)), 3),
        extra={"actor": top, "shares": {a: round(v, 4) for a, v in ranked if v >= 0.001}},
    )


def _statements(ev: IncidentEvidence, prof: Profile, add: Any) -> None:
    """Accusations (by the source's record, repeats decaying), claims,
    confirmations and denials."""
    w = prof.weights
    accused: dict[str, list[tuple[float, Perpetrator, float]]] = defaultdict(list)
    seen_acc: set[tuple[str, str | None, str | None]] = set()
    claims: dict[str, int] = defaultdict(int)
    for p in ev.perpetrators:
        actor = prof.label(p.actor)
        if p.role == "alleged":
            key = (actor, _fold(p.by or ""), _fold(p.text or ""))
            if key in seen_acc:
                continue  # the same source saying the same words (linked copies)
            seen_acc.add(key)
            rel = _reliability(prof, p.by)
            base = w.unknown_actor if actor == UNKNOWN else w.accusation
            if p.extra.get("unnamed") is True:
                base *= w.unnamed_state  # "shot by soldiers": the state read from the place
            accused[actor].append((base * rel, p, rel))
        elif p.role in ("claimed", "confirmed"):
            first = w.claim if p.role == "claimed" else w.confirmation
            weight = first if claims[actor] == 0 else w.claim_repeat
            claims[actor] += 1
            add("claim", actor, _say(p, "claims responsibility" if p.role == "claimed" else "confirms"), weight, role=p.role)
        elif p.role == "denied":
            add("denial", actor, _say(p, "denies"), w.denial)
    for actor, found in accused.items():
        for k, (weight, p, rel) in enumerate(sorted(found, key=lambda t: -t[0])):
            add("accusation", actor, _say(p, "accuses"), weight * w.repeat_decay ** k,
                by=p.by, reliability=rel)
            for other, share in prof.confusable.get(actor, {}).items():
                add("accusation", other, _say(p, "accuses") + f" (often confused with {other})",
                    weight * share * w.repeat_decay ** k, by=p.by, reliability=rel, confused_with=actor)


def _say(p: Perpetrator, verb: str) -> str:
    who = p.by or "the report"
    quote = f': "{p.text}"' if p.text else ""
    if verb == "accuses":
        return f"{who} accuses {p.actor}{quote}"
    return f"{p.actor} {verb}{quote}"


def _reliability(prof: Profile, by: str | None) -> float:
    if not by:
        return prof.default_reliability
    return prof.reliability.get(_fold(by), prof.default_reliability)


def _tables(ev: IncidentEvidence, prof: Profile, when: date | None, add: Any) -> None:
    """Aircraft and munitions named, through the profile's operator tables."""
    used: set[str] = set()
    for name in ev.aircraft:
        e = _match(prof.aircraft, name, when)
        if e is not None and e.name not in used:
            used.add(e.name)
            _spread(add, "aircraft", e, f"aircraft named: {name}")
    for name in ev.weapons:
        e = _match(prof.munitions, name, when)
        if e is not None and e.name not in used:
            used.add(e.name)
            _spread(add, "munition", e, f"munition named: {name}")


def _spread(add: Any, kind: str, e: OperatorEntry, text: str, scale: float = 1.0, **extra: Any) -> None:
    """An item for each operator: the entry's weight times its share relative
    to the main operator (a type flown by two air forces is evidence for
    both, against everyone else)."""
    top = max(e.operators.values())
    for actor, share in e.operators.items():
        if share > 0:
            add(kind, actor, text + (f" ({e.note})" if e.note else ""), e.weight * scale * share / top,
                entry=e.name, **extra)


def _match(entries: Sequence[OperatorEntry], name: str, when: date | None) -> OperatorEntry | None:
    f = _fold(name)
    for e in entries:
        if (f == _fold(e.name) or f in (_fold(a) for a in e.aliases)) and e.active(when):
            return e
    return None


def _flights(ev: IncidentEvidence, prof: Profile, when: date | None, add: Any) -> None:
    """Sightings: the type seen, the base of origin, the heading (against the
    bearing from each base to the incident), the time of day and altitude.
    Each kind of evidence counts once per incident, whatever the number of
    observers reporting it (they often relay each other)."""
    named = {_fold(a) for a in ev.aircraft}
    done: set[tuple[str, str]] = set()
    for fl in ev.flights:
        who = f" (observer {fl.observer})" if fl.observer else ""
        if fl.aircraft and _fold(fl.aircraft) not in named:
            e = _match(prof.aircraft, fl.aircraft, when)
            if e is not None and ("aircraft", e.name) not in done:
                done.add(("aircraft", e.name))
                n = f"{fl.count} x " if fl.count else ""
                _spread(add, "aircraft", e, f"aircraft seen: {n}{fl.aircraft}{who}")
        if fl.origin:
            e = _match(prof.bases, fl.origin, when)
            if e is not None and ("base", e.name) not in done:
                done.add(("base", e.name))
                _spread(add, "base", e, f"took off from {fl.origin}{who}")
        deg = heading_degrees(fl.heading)
        if deg is not None and ev.lat is not None and ev.lon is not None and ("heading", "") not in done:
            fits = [b for b in prof.bases if b.lat is not None and b.active(when)
                    and angle_between(bearing(b.lat, b.lon, ev.lat, ev.lon), deg) <= prof.weights.heading_tolerance]
            if fits and not (fl.origin and _match(prof.bases, fl.origin, when)):
                done.add(("heading", ""))
                ops: dict[str, float] = defaultdict(float)
                for b in fits:
                    for a, s in b.operators.items():
                        ops[a] = max(ops[a], s / max(b.operators.values()))
                names = ", ".join(b.name for b in fits[:4])
                e = OperatorEntry("heading", (), dict(ops), 0.5)
                _spread(add, "heading", e, f"heading {fl.heading} fits a flight from {names}{who}")
        hour = _local_hour(fl.time, prof)
        if hour is not None:
            for t in prof.times:
                if t.covers(hour) and ("time", t.name) not in done:
                    done.add(("time", t.name))
                    e = OperatorEntry(t.name, (), t.operators, t.weight, note=t.note)
                    _spread(add, "time", e, f"seen at {fl.time}: {t.name}{who}")
        if fl.altitude:
            e = _altitude(prof, fl.altitude)
            if e is not None and ("altitude", e.name) not in done:
                done.add(("altitude", e.name))
                _spread(add, "altitude", e, f"altitude {fl.altitude}{who}")


_COMPASS = {
    "n": 0, "nne": 22.5, "ne": 45, "ene": 67.5, "e": 90, "ese": 112.5, "se": 135, "sse": 157.5,
    "s": 180, "ssw": 202.5, "sw": 225, "wsw": 247.5, "w": 270, "wnw": 292.5, "nw": 315, "nnw": 337.5,
}
_WORDS = {"north": "n", "south": "s", "east": "e", "west": "w"}


def heading_degrees(h: float | str | None) -> float | None:
    """Degrees from a number or a compass point ("NE", "north-east", "northeast")."""
    if h is None:
        return None
    if isinstance(h, (int, float)):
        return float(h) % 360
    s = _fold(h).replace("-", "").replace(" ", "")
    try:
        return float(s.rstrip("°deg")) % 360
    except ValueError:
        pass
    for word, letter in _WORDS.items():
        s = s.replace(word, letter)
    return _COMPASS.get(s)


def bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing from point 1 to point 2, degrees from north."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(x, y)) % 360


def angle_between(a: float, b: float) -> float:
    """The smaller angle between two headings, in degrees (0-180)."""
    d = abs(a - b) % 360
    return min(d, 360 - d)


def _local_hour(t: str | None, prof: Profile) -> float | None:
    """The local hour of a sighting; a time with a UTC offset is moved to the
    profile's local offset, a naive one is taken as local already."""
    if not t or not prof.times:
        return None
    try:
        dt = datetime.fromisoformat(t) if "T" in t or " " in t.strip() else datetime.fromisoformat("2000-01-01T" + t.strip())
    except ValueError:
        return None
    hour = dt.hour + dt.minute / 60
    if dt.utcoffset() is not None:
        off = dt.utcoffset().total_seconds() / 3600  # type: ignore[union-attr]
        hour = (hour - off + prof.times[0].utc_offset) % 24
    return hour


def _altitude(prof: Profile, text: str) -> OperatorEntry | None:
    f = _fold(text)
    for e in prof.altitudes:
        if any(re.search(r"\b" + re.escape(_fold(a)) + r"\b", f) for a in (e.name, *e.aliases)):
            return e
    return None


# --------------------------------------------------------------------------
# helpers


def _parse_date(s: str | None) -> date | None:
    if not s:
        return None
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


def _fold(s: str) -> str:
    """Case, accents and apostrophe variants folded, for name lookups."""
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", s.lower().replace("'", "").replace("’", "")).strip()


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _floor4(p: float) -> float:
    return math.floor(p * 10_000) / 10_000

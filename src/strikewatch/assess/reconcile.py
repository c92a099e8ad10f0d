"""Casualty figures across the documents of one incident: a table, and low/best/high.

Ten outlets report one strike with different tolls. A monitor publishes one
range and must be able to say, for every number in it, which document and
which words it comes from, and why the other figures did not win. This module
keeps every figure (with its ``document_id``), marks what is counted, and
reconciles UCDP-style. Who is who among sources (tiers, credibility, aliases)
is editorial policy in ``data/assess/grading.toml``.

Whose figure it is (the *attributed source*):

* a figure's named ``source`` (aliases resolved: "SOHR" is the Syrian
  Observatory for Human Rights);
* a generic source ("activists", "residents") is the outlet's own reporting:
  ``activists @ <outlet>``; "activists" in two outlets are two sources;
* no source: the outlet (the document's ``source`` field; the document id when
  there is none). Except an *echo*: an unnamed figure with the same measure,
  group and value as a named source's figure in the same document (a headline
  repeating "23 killed, AFP said") is that named source's figure.

Rules, per measure (killed, injured, missing) and group (all, civilians,
children, ...):

1. **Other events stay out.** A figure flagged ``other_event`` (another
   event, a cumulative "since 2011" toll) is kept in ``figures`` and the
   table with ``counted: false`` and never enters a range.
2. **A source's later word supersedes its earlier one.** For the same
   attributed source, measure and group, the figures of its latest document
   are current; those of its earlier documents are ``superseded``. Documents
   are ordered by ``published`` (a date without a time counts as the start of
   that day; an undated document counts as older than any dated one, since it
   cannot be shown to be the latest), then by input order. Figures of one
   document never supersede each other (text order is not time order).
3. **low** = the lowest lower bound among current figures: an exact or
   "about" value, a range's low end, "at least N"/"more than N"/"dozens" N.
   "Up to N" has no lower bound.
4. **high** = the highest upper bound: an exact value, a range's high end,
   "up to N". "At least N" and "dozens" have no upper bound of their own and
   contribute N, which matters only if nothing higher is given.
5. **best** is a figure somebody gave, never an average. Each source offers
   one value: its highest specific current figure (exact, about, at least,
   more than, a range's low end; a source's "a man was killed" beside its
   "23 killed" names a victim among the 23). Then, in order:

   a. *corroborated*: the highest value offered by two or more independent
      credible sources (outlets repeating one agency are that agency, see
      ``independence_key``);
   b. else the *most credible tier*'s figure: among the credible sources of
      the best tier present (monitors that count victims one by one, then
      UN/humanitarian/first responders, then wires and media, ...), the
      median value (the lower middle one when their number is even, so it is
      always a value a source gave);
   c. else the same median over non-credible sources (parties' own counts);
   d. else, with only vague figures, the highest "dozens"-style low; with
      only "up to" figures, the highest of them.

   Corroboration first because two independent counts agreeing is the
   strongest evidence a monitor has; then credibility of counting practice,
   because documentation monitors are slower and more conservative than
   first tallies; the median keeps one outlier from setting the figure.
6. **Lists and parts.** Parts of one additive list (figures sharing an
   ``extra.list_id`` in one document, from one source: "three children and
   two women were killed") add up to a total for ``civilians`` (or ``all``
   when a part is not a civilian group); the sum traces to every part.
   Figures marked ``extra.part`` (a subset: "..., including five children";
   a partitive: "two of the injured") stand for their group only when it
   has no total; otherwise they stay in the table, not counted.
7. **Consistency in every bound**: everyone >= civilians >= children, women,
   medical staff; everyone >= combatants. A smaller group's bound raises the
   larger group's. A group with no figure of its own but with figures for its
   parts gets a *derived* range: the largest part in each bound (civilians
   are not derived when everyone's best is larger: of "a man and a boy",
   only the boy is known to be a civilian, and a civilians best of 1 would
   read as a finding). Parts are
   never added up across sources (two sources' "5 children" and "3 women" may
   be the same people counted differently).

Every non-null number in ``casualties`` has ``trace`` entries: indices into
``figures`` of the figures that gave that very value (or, for a list's sum,
its parts).
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import Any

from strikewatch.model import Casualties, Figure, Range, Report
from strikewatch.vocab import FIGURE_MEASURES, casualty_key

__all__ = [
    "LinkedReport",
    "Reconciled",
    "SourcePolicy",
    "Attributed",
    "attribute_figures",
    "canonical_source",
    "chronological",
    "load_policy",
    "outlet_key",
    "reconcile",
]

#: Figure qualifiers whose ``low`` is a specific count a source stands behind.
SPECIFIC = ("exact", "about", "range", "at_least", "more_than")

#: Larger group -> the groups it contains (consistency rule 7).
CONTAINS: dict[str, tuple[str, ...]] = {
    "civilians": ("children", "women", "medical_staff"),
    "all": ("civilians", "combatants", "children", "women", "medical_staff"),
}


# --------------------------------------------------------------------------
# inputs and outputs


@dataclass(frozen=True, slots=True)
class LinkedReport:
    """One document's report of the incident, as the linker hands it over.

    ``outlet`` is the document's own ``source`` field (who published it);
    ``published`` orders a source's updates.
    """

    document_id: str
    published: str | None
    outlet: str | None
    report: Report


@dataclass(slots=True)
class Reconciled:
    """The incident's figures and ranges, with the reasons and the trail.

    ``figures`` holds every figure of every report (``document_id`` set) in
    chronological order; ``table[i]`` describes ``figures[i]``; ``trace`` maps
    a casualty key and bound (``"low"``, ``"best"``, ``"high"``) to the
    indices of the figures that gave that number.
    """

    casualties: Casualties
    figures: list[Figure]
    table: list[dict[str, Any]]
    explain: list[str]
    trace: dict[str, dict[str, list[int]]] = field(default_factory=dict)


# --------------------------------------------------------------------------
# source policy (shared with grade.py)


@dataclass(frozen=True, slots=True)
class SourcePolicy:
    """Who sources are: tiers, credibility, generic labels, aliases, spokesmen."""

    tiers: dict[str, int]
    kinds: dict[str, str]
    not_credible: frozenset[str]
    generic: frozenset[str]
    aliases: dict[str, str]  # casefolded spelling -> canonical name
    speaks_for: dict[str, frozenset[str]]
    default_tier: int
    outlet_tier: int
    generic_tier: int
    discount_min_probability: float
    contest_min_probability: float = 0.2
    contest_min_share: float = 0.5
    side: dict[str, str] = field(default_factory=dict)  # actor -> the side it fights on

    def tier(self, name: str) -> int:
        return self.tiers.get(name, self.default_tier)

    def credible(self, name: str) -> bool:
        return name not in self.not_credible

    def is_generic(self, name: str) -> bool:
        return name in self.generic


@lru_cache(maxsize=1)
def load_policy() -> SourcePolicy:
    """The policy in ``data/assess/grading.toml`` (read once, never mutated)."""
    path = resources.files("strikewatch") / "data" / "assess" / "grading.toml"
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    tiers: dict[str, int] = {}
    kinds: dict[str, str] = {}
    not_credible: set[str] = set()
    known: dict[str, str] = {}
    for table in raw.get("source", ()):
        for name in table["names"]:
            tiers[name] = int(table["tier"])
            kinds[name] = table["kind"]
            known[name.casefold()] = name
            if not table.get("credible", True):
                not_credible.add(name)
    generic = frozenset(raw.get("generic", {}).get("names", ()))
    aliases = {**known, **{g.casefold(): g for g in generic}}
    aliases.update({k.casefold(): v for k, v in raw.get("aliases", {}).items()})
    grade = raw.get("grade", {})
    return SourcePolicy(
        tiers=tiers,
        kinds=kinds,
        not_credible=frozenset(not_credible),
        generic=generic,
        aliases=aliases,
        speaks_for={k: frozenset(v) for k, v in raw.get("speaks_for", {}).items()},
        default_tier=int(raw.get("default_tier", 4)),
        outlet_tier=int(raw.get("outlet_tier", 3)),
        generic_tier=int(raw.get("generic_tier", 5)),
        discount_min_probability=float(grade.get("discount_min_probability", 0.5)),
        contest_min_probability=float(grade.get("contest_min_probability", 0.2)),
        contest_min_share=float(grade.get("contest_min_share", 0.5)),
        side={actor: group["actors"][0] for group in raw.get("same_side", ())
              for actor in group["actors"]},
    )


def canonical_source(name: str, policy: SourcePolicy | None = None) -> str:
    """One spelling per source ("SOHR" and "Syrian Observatory" are one)."""
    policy = policy or load_policy()
    cleaned = " ".join(name.split())
    return policy.aliases.get(cleaned.casefold(), cleaned)


def outlet_key(lr: LinkedReport, policy: SourcePolicy | None = None) -> str:
    """The outlet's name as a source, or the document itself when unnamed."""
    if lr.outlet and lr.outlet.strip():
        return canonical_source(lr.outlet, policy)
    return f"document {lr.document_id}"


@dataclass(frozen=True, slots=True)
class Attributed:
    """Whose a figure (or statement) is, and what counts as one source.

    ``key`` tells a source's updates apart (rule 2); ``independence`` is what
    counts once however many outlets repeat it; ``how`` is ``named``,
    ``echo``, ``generic`` or ``outlet``.
    """

    key: str
    independence: str
    label: str
    tier: int
    credible: bool
    how: str


def _named(name: str, policy: SourcePolicy, how: str = "named") -> Attributed:
    return Attributed(key=name.casefold(), independence=name.casefold(), label=name,
                      tier=policy.tier(name), credible=policy.credible(name), how=how)


def _outlet(lr: LinkedReport, policy: SourcePolicy, generic: str | None = None) -> Attributed:
    outlet = outlet_key(lr, policy)
    tier = policy.tiers.get(outlet, policy.outlet_tier)
    credible = policy.credible(outlet)
    if generic is None:
        return Attributed(key=outlet.casefold(), independence=outlet.casefold(), label=outlet,
                          tier=tier, credible=credible, how="outlet")
    label = f"{generic} @ {outlet}"
    return Attributed(key=label.casefold(), independence=outlet.casefold(), label=label,
                      tier=max(policy.generic_tier, policy.tier(generic) if generic in policy.tiers else 0),
                      credible=credible and policy.credible(generic), how="generic")


def attribute_figures(lr: LinkedReport, policy: SourcePolicy | None = None) -> list[Attributed]:
    """Whose each figure of the report is (see the module docstring), in order."""
    policy = policy or load_policy()
    figs = lr.report.figures
    named_values: dict[tuple[str, str, int | None, int | None], str] = {}
    for f in figs:
        if f.source and not policy.is_generic(canonical_source(f.source, policy)):
            named_values.setdefault(_value_key(f), canonical_source(f.source, policy))
    out = []
    for f in figs:
        if f.source:
            name = canonical_source(f.source, policy)
            out.append(_outlet(lr, policy, name) if policy.is_generic(name) else _named(name, policy))
        elif (echoed := named_values.get(_value_key(f))) is not None:
            out.append(_named(echoed, policy, how="echo"))
        else:
            out.append(_outlet(lr, policy))
    return out


def _value_key(f: Figure) -> tuple[str, str, int | None, int | None]:
    return (f.measure, f.group or "all", f.low, f.high)


# --------------------------------------------------------------------------
# time order


def _when(published: str | None) -> datetime | None:
    """``published`` as a naive UTC datetime; a bare date is the start of its day."""
    if not published:
        return None
    try:
        dt = datetime.fromisoformat(published.strip())
    except ValueError:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt


def chronological(reports: list[LinkedReport]) -> list[int]:
    """Input indices, oldest first: undated documents, then by ``published``,
    then input order (rule 2)."""

    def key(i: int) -> tuple[int, datetime, int]:
        when = _when(reports[i].published)
        return (0, datetime.min, i) if when is None else (1, when, i)

    return sorted(range(len(reports)), key=key)


# --------------------------------------------------------------------------
# values of one figure


def _lower(f: Figure) -> int | None:
    return None if f.qualifier == "up_to" else f.low


def _upper(f: Figure) -> int | None:
    return f.high if f.high is not None else f.low


def _point(f: Figure) -> int | None:
    """The specific count a figure offers for ``best`` (rule 5), if any."""
    return f.low if f.qualifier in SPECIFIC else None


def _is_other_event(f: Figure) -> bool:
    return f.extra.get("other_event") is True


@dataclass(slots=True)
class _Bound:
    """A number of a range, and the figures (indices) that gave it."""

    value: int | None = None
    refs: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Range:
    low: _Bound = field(default_factory=_Bound)
    best: _Bound = field(default_factory=_Bound)
    high: _Bound = field(default_factory=_Bound)
    derived: bool = False
    why_best: str = ""

    def to_model(self) -> Range:
        return Range(low=self.low.value, best=self.best.value, high=self.high.value)


# --------------------------------------------------------------------------
# reconciliation


def reconcile(reports: list[LinkedReport]) -> Reconciled:
    """Figures by source and time, and the incident's low/best/high (rules above)."""
    policy = load_policy()
    order = chronological(reports)
    rank = {doc_index: r for r, doc_index in enumerate(order)}

    figures: list[Figure] = []
    rows: list[dict[str, Any]] = []
    attributed: list[Attributed] = []
    doc_of: list[int] = []
    for i in order:
        lr = reports[i]
        for f, who in zip(lr.report.figures, attribute_figures(lr, policy)):
            figures.append(_with_document(f, lr.document_id))
            attributed.append(who)
            doc_of.append(i)
            rows.append({
                "figure": len(rows), "document_id": lr.document_id, "published": lr.published,
                "outlet": lr.outlet, "source": f.source, "attributed_to": who.label,
                "attributed_how": who.how, "measure": f.measure, "group": f.group or "all",
                "low": f.low, "high": f.high, "qualifier": f.qualifier, "text": f.text,
                "span": None if f.span is None else list(f.span),
                "superseded": False, "counted": True, "reason": "counted",
            })

    explain: list[str] = []
    # Rule 1 and unusable figures.
    for k, f in enumerate(figures):
        if _is_other_event(f):
            _drop(rows[k], "about another event or a cumulative toll")
        elif f.measure not in FIGURE_MEASURES:
            _drop(rows[k], f"measure {f.measure!r} is not reconciled")
        elif f.low is None and f.high is None:
            _drop(rows[k], "no count")
    for k, row in enumerate(rows):
        if not row["counted"]:
            explain.append(f"{row['document_id']}: {_quote(figures[k])} not counted: {row['reason']}")

    # Rule 2: per attributed source, measure and group, only the latest document counts.
    latest: dict[tuple[str, str, str], int] = {}
    for k, f in enumerate(figures):
        if rows[k]["counted"]:
            sk = (attributed[k].key, f.measure, f.group or "all")
            if sk not in latest or rank[doc_of[k]] > rank[latest[sk]]:
                latest[sk] = doc_of[k]
    for k, f in enumerate(figures):
        if not rows[k]["counted"]:
            continue
        newer = latest[(attributed[k].key, f.measure, f.group or "all")]
        if newer != doc_of[k]:
            lr = reports[newer]
            when = f" ({lr.published})" if lr.published else ""
            _drop(rows[k], f"superseded by {attributed[k].label}'s figure in {lr.document_id}{when}")
            rows[k]["superseded"] = True
            explain.append(f"{rows[k]['document_id']}: {_quote(f)} ({attributed[k].label}) "
                           f"superseded by its later figure in {lr.document_id}{when}")

    # Lists ("three children and two women were killed") add up within one
    # document and source; the sum stands beside the parts as a virtual figure.
    pool, who, parts_of = list(figures), list(attributed), {}
    for members in _lists(figures, rows, doc_of, attributed).values():
        total = _list_total([figures[k] for k in members])
        parts_of[len(pool)] = members
        pool.append(total)
        who.append(attributed[members[0]])

    # Rules 3-5 per measure and group; parts of a larger count stand only
    # where the group has no total.
    current: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, f in enumerate(pool):
        if k >= len(figures) or rows[k]["counted"]:
            current[(f.measure, f.group or "all")].append(k)
    for mg, ks in current.items():
        wholes = [k for k in ks if pool[k].extra.get("part") is not True]
        if wholes and len(wholes) < len(ks):
            for k in set(ks) - set(wholes):
                if k < len(figures):
                    _drop(rows[k], "part of a larger count; the group's totals are used")
            current[mg] = wholes
    ranges: dict[tuple[str, str], _Range] = {
        mg: _group_range(ks, pool, who) for mg, ks in current.items()
    }
    for r in ranges.values():  # a virtual sum traces to its parts
        for b in (r.low, r.best, r.high):
            b.refs = list(dict.fromkeys(j for k in b.refs for j in parts_of.get(k, [k])))

    # Rule 7.
    for measure in FIGURE_MEASURES:
        for big in ("civilians", "all"):
            parts = [ranges[(measure, g)] for g in CONTAINS[big] if (measure, g) in ranges]
            if not parts:
                continue
            whole = ranges.get((measure, big))
            if whole is None:
                everyone = ranges.get((measure, "all"))
                most = max((p.best.value or 0) for p in parts)
                if big == "civilians" and everyone is not None and (everyone.best.value or 0) > most:
                    continue  # "a man and a boy": the child alone does not count the civilians
                whole = ranges[(measure, big)] = _Range(derived=True)
            _raise_to(whole, parts)

    casualties = Casualties({casualty_key(m, g): r.to_model() for (m, g), r in ranges.items()})
    trace = {
        casualty_key(m, g): {b: list(getattr(r, b).refs) for b in ("low", "best", "high")}
        for (m, g), r in ranges.items()
    }
    explain[:0] = [_explain_range(casualty_key(m, g), r, figures, rows)
                   for (m, g), r in sorted(ranges.items(), key=lambda kv: _key_order(kv[0]))]
    return Reconciled(casualties=casualties, figures=figures, table=rows, explain=explain,
                      trace=trace)


def _lists(figures: list[Figure], rows: list[dict[str, Any]], doc_of: list[int],
           who: list[Attributed]) -> dict[tuple[int, Any, str, str], list[int]]:
    """Counted parts of one additive list (same document, ``list_id``, measure
    and source) naming two or more groups."""
    lists: dict[tuple[int, Any, str, str], list[int]] = defaultdict(list)
    for k, f in enumerate(figures):
        lid = f.extra.get("list_id")
        if lid is not None and rows[k]["counted"]:
            lists[(doc_of[k], lid, f.measure, who[k].key)].append(k)
    return {key: ks for key, ks in lists.items()
            if len({figures[k].group or "all" for k in ks}) >= 2}


def _list_total(parts: list[Figure]) -> Figure:
    """The list's sum, in ``all`` (and in ``civilians`` when every part is a civilian group)."""
    quals = {p.qualifier for p in parts}
    qualifier = "exact" if quals <= {"exact"} else "at_least"
    low = sum(p.low or 0 for p in parts)
    groups = {p.group or "all" for p in parts}
    group = "civilians" if groups <= set(CONTAINS["civilians"]) | {"civilians"} else "all"
    extra = {"part": True} if all(p.extra.get("part") is True for p in parts) else {}
    return Figure(measure=parts[0].measure, group=group, low=low,
                  high=low if qualifier == "exact" else None, qualifier=qualifier, extra=extra)


def _with_document(f: Figure, document_id: str) -> Figure:
    """A copy of the figure that says which document it is from (spec §4)."""
    return Figure(measure=f.measure, group=f.group, low=f.low, high=f.high,
                  qualifier=f.qualifier, source=f.source, text=f.text, span=f.span,
                  document_id=document_id, extra=dict(f.extra))


def _drop(row: dict[str, Any], reason: str) -> None:
    row["counted"] = False
    row["reason"] = reason


def _quote(f: Figure) -> str:
    if f.text:
        return repr(f.text)
    return f"{f.measure} {f.group or 'all'} {f.low}-{f.high}"


def _group_range(ks: list[int], figures: list[Figure], who: list[Attributed]) -> _Range:
    """Rules 3-5 over the current figures (indices ``ks``) of one measure and group."""
    r = _Range()
    lows = [(v, k) for k in ks if (v := _lower(figures[k])) is not None]
    highs = [(v, k) for k in ks if (v := _upper(figures[k])) is not None]
    if lows:
        v = min(x for x, _ in lows)
        r.low = _Bound(v, [k for x, k in lows if x == v])
    if highs:
        v = max(x for x, _ in highs)
        r.high = _Bound(v, [k for x, k in highs if x == v])

    # Each source offers its highest specific current figure.
    offers: dict[str, tuple[int, list[int], Attributed]] = {}
    for k in ks:
        p = _point(figures[k])
        if p is None:
            continue
        a = who[k]
        have = offers.get(a.key)
        if have is None or p > have[0]:
            offers[a.key] = (p, [k], a)
        elif p == have[0]:
            have[1].append(k)

    best: tuple[int, list[int], str] | None = None
    credible = [o for o in offers.values() if o[2].credible]
    backers: dict[int, set[str]] = defaultdict(set)
    for p, _, a in credible:
        backers[p].add(a.independence)
    corroborated = [p for p, ind in backers.items() if len(ind) >= 2]
    if corroborated:
        v = max(corroborated)
        names = sorted({a.label for p, _, a in credible if p == v})
        best = (v, [k for p, refs, _ in credible if p == v for k in refs],
                f"given by {len(backers[v])} independent sources ({', '.join(names)})")
    else:
        for pool, what in ((credible, "credible"), (list(offers.values()), "available")):
            if not pool:
                continue
            top = min(a.tier for _, _, a in pool)
            tier = sorted((o for o in pool if o[2].tier == top), key=lambda o: (o[0], o[2].key))
            p, refs, a = tier[(len(tier) - 1) // 2]
            if len(tier) == 1:
                why = f"no value corroborated; the most {what} source's figure ({a.label})"
            else:
                why = (f"no value corroborated; median of the most {what} sources "
                       f"({', '.join(o[2].label for o in tier)}): {a.label}'s")
            best = (p, list(refs), why)
            break
    if best is None:
        vague = [(figures[k].low, k) for k in ks
                 if figures[k].qualifier == "vague" and figures[k].low is not None]
        if vague:
            v = max(x for x, _ in vague)
            best = (v, [k for x, k in vague if x == v], "only vague figures; the highest")  # type: ignore[misc]
        elif r.high.value is not None:
            best = (r.high.value, list(r.high.refs), "only 'up to' figures; the highest")
    if best is not None:
        r.best = _Bound(best[0], best[1])
        r.why_best = best[2]
    return r


def _raise_to(whole: _Range, parts: list[_Range]) -> None:
    """Rule 7: no bound of ``whole`` below the same bound of a part."""
    for name in ("low", "best", "high"):
        mine: _Bound = getattr(whole, name)
        for part in parts:
            theirs: _Bound = getattr(part, name)
            if name == "high" and theirs.value is None:
                theirs = part.best
            if theirs.value is None:
                continue
            if mine.value is None or theirs.value > mine.value:
                mine = _Bound(theirs.value, list(theirs.refs))
            elif theirs.value == mine.value and whole.derived:
                mine.refs.extend(k for k in theirs.refs if k not in mine.refs)
        setattr(whole, name, mine)
    if whole.best.value is not None and whole.low.value is not None and whole.low.value > whole.best.value:
        whole.best = _Bound(whole.low.value, list(whole.low.refs))
    if whole.best.value is not None and (whole.high.value is None or whole.high.value < whole.best.value):
        whole.high = _Bound(whole.best.value, list(whole.best.refs))
    if whole.derived:
        whole.why_best = "derived from its parts: the largest part"


def _key_order(mg: tuple[str, str]) -> tuple[int, int]:
    groups = ("all", "civilians", "children", "women", "medical_staff", "combatants")
    m, g = mg
    return (FIGURE_MEASURES.index(m), groups.index(g) if g in groups else len(groups))


def _explain_range(key: str, r: _Range, figures: list[Figure], rows: list[dict[str, Any]]) -> str:
    def part(name: str) -> str:
        b: _Bound = getattr(r, name)
        if b.value is None:
            return f"{name} unknown"
        who = sorted({f"{rows[k]['attributed_to']} in {rows[k]['document_id']}" for k in b.refs})
        return f"{name} {b.value} ({'; '.join(who)})"

    why = f"; best because {r.why_best}" if r.why_best else ""
    return f"{key}: {part('low')}, {part('best')}, {part('high')}{why}"

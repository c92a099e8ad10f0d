"""The incident's grade (``spec/formats.md`` §4, Airwars' civilian-harm grading) and why.

A grade tells a reader how far to trust that civilians were harmed by the
party named. It rests on how many *independent* sources report the incident,
on what belligerents say (claims, confirmations, denials) and on whom the
harm fell.

Independence (``independent_sources``):

* a named source is one source however many documents quote it: ten outlets
  quoting AFP, or the Syrian Observatory, are AFP, or the Observatory, once;
* an outlet counts as a source of its own when it reports on its own: it
  gives a figure with no named source (and not repeating a named source's
  value in the same document) or from a generic source ("residents told",
  "medical sources said"), or it names no source at all. Distinct outlets
  reporting on their own are independent of each other; two articles of one
  outlet are one source;
* a named source's statement reaches the grade through the figures it gives,
  the accusations it makes (``perpetrators[].by`` of an ``alleged`` role) and
  the document's ``sources`` list (except a source cited only for another
  event's figures);
* parties to the conflict and their state media (``credible = false`` in
  ``data/assess/grading.toml``) are listed but never count towards ``fair``:
  what a belligerent says is judged as a claim or a denial.

Grades, first match wins (the order is the precedence):

1. ``discounted`` - those harmed were combatants: every counted figure with
   a non-zero count is about combatants (see ``assess/reconcile.py`` for
   which figures count). Civilian-harm grading has nothing to grade then,
   even when a belligerent confirms the strike.
2. ``confirmed`` - a belligerent accepts responsibility: a perpetrator
   mention with role ``confirmed`` or ``claimed`` made by the actor itself
   (``by`` empty, the actor, or its spokesman per ``[speaks_for]``). An
   acceptance outweighs denials and other accusations: it is the strongest
   evidence there is.
3. ``discounted`` - another party is most likely responsible: the system's
   attribution names an actor none of the texts accuses, with at least
   ``discount_min_probability`` and more than any accused actor.
4. ``contested`` - competing claims of responsibility: two or more sides
   are seriously put forward as responsible (accused or claiming; e.g.
   Russia and the Syrian government; a denial by one of them is reported
   among the reasons). Serious: with the attribution engine's judgement,
   each side has at least ``contest_min_probability``; without it, each has
   at least ``contest_min_share`` of the accusing mentions of the most
   accused side (an actor named once in passing beside one accused
   throughout is no contest). Actors on one side (``[[same_side]]``: the
   United States and the coalition it leads) never contest each other. One
   accused actor denying, with nobody else accused, is not a contest:
   belligerents deny routinely, so the grade then rests on the sources.
5. ``fair`` - two or more independent credible sources.
6. ``weak`` - a single source (or only non-credible ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from strikewatch.model import Attribution, Perpetrator
from strikewatch.vocab import FIGURE_MEASURES

from .reconcile import (
    Attributed,
    LinkedReport,
    SourcePolicy,
    attribute_figures,
    canonical_source,
    load_policy,
    outlet_key,
    reconcile,
)

__all__ = ["SourceSummary", "grade", "independent_sources"]

#: Roles by which a text puts an actor forward as the perpetrator.
ACCUSING_ROLES = ("alleged", "claimed", "confirmed")
#: Roles by which an actor itself accepts responsibility.
ACCEPTING_ROLES = ("confirmed", "claimed")
_NOBODY = (None, "", "unknown")


@dataclass(slots=True)
class SourceSummary:
    """One independent source of the incident and the documents relying on it."""

    label: str
    credible: bool
    kind: str
    document_ids: list[str] = field(default_factory=list)


def independent_sources(reports: list[LinkedReport]) -> dict[str, SourceSummary]:
    """The incident's independent sources, keyed by independence key (rules above)."""
    policy = load_policy()
    out: dict[str, SourceSummary] = {}

    def add(a: Attributed, kind: str, doc: str) -> None:
        s = out.setdefault(a.independence, SourceSummary(a.label, a.credible, kind))
        if doc not in s.document_ids:
            s.document_ids.append(doc)

    for lr in reports:
        report = lr.report
        named: dict[str, Attributed] = {}
        own = False
        other_only: set[str] = set()
        counted_sources: set[str] = set()
        for f, who in zip(report.figures, attribute_figures(lr, policy)):
            if f.extra.get("other_event") is True:
                if who.how == "named":
                    other_only.add(who.label)
                continue
            if who.how in ("named", "echo"):
                named[who.independence] = who
                counted_sources.add(who.label)
            else:
                own = True
        for p in report.perpetrators:
            if p.role == "alleged" and p.by:
                name = canonical_source(p.by, policy)
                if policy.is_generic(name):
                    own = True
                else:
                    a = _named_source(name, policy)
                    named.setdefault(a.independence, a)
        for s in report.sources:
            name = canonical_source(s, policy)
            if policy.is_generic(name) or (name in other_only and name not in counted_sources):
                continue
            a = _named_source(name, policy)
            named.setdefault(a.independence, a)
        if not named:
            own = True
        for a in named.values():
            add(a, policy.kinds.get(a.label, "other"), lr.document_id)
        if own:
            outlet = outlet_key(lr, policy)
            a = Attributed(key=outlet.casefold(), independence=outlet.casefold(), label=outlet,
                           tier=policy.tiers.get(outlet, policy.outlet_tier),
                           credible=policy.credible(outlet), how="outlet")
            add(a, policy.kinds.get(outlet, "outlet"), lr.document_id)
    return out


def _named_source(name: str, policy: SourcePolicy) -> Attributed:
    return Attributed(key=name.casefold(), independence=name.casefold(), label=name,
                      tier=policy.tier(name), credible=policy.credible(name), how="named")


def grade(reports: list[LinkedReport], attribution: Attribution | None = None
          ) -> tuple[str, list[str]]:
    """The §4 grade of the incident these reports describe, with the reasons.

    ``attribution`` is the attribution engine's judgement for the incident
    (it can discount an accusation); without it only the texts are read.
    Raises ValueError for an empty list: an incident has at least one report.
    """
    if not reports:
        raise ValueError("an incident needs at least one report to be graded")
    policy = load_policy()
    sources = independent_sources(reports)
    credible = [s for s in sources.values() if s.credible]
    source_line = _sources_line(sources, len(reports))

    # 1. combatants only
    rec = reconcile(reports)
    harmed = [(row["group"], rec.figures[i]) for i, row in enumerate(rec.table)
              if row["counted"] and row["measure"] in FIGURE_MEASURES
              and (row["low"] or row["high"])]
    if harmed and all(g == "combatants" for g, _ in harmed):
        docs = sorted({f.document_id or "" for _, f in harmed})
        return "discounted", [
            f"discounted: every counted casualty figure is about combatants ({', '.join(docs)})",
            source_line,
        ]

    mentions = [(lr.document_id, p) for lr in reports for p in lr.report.perpetrators
                if p.actor not in _NOBODY]

    # 2. a belligerent accepts responsibility
    accepted = [(d, p) for d, p in mentions if p.role in ACCEPTING_ROLES and _own_word(p, policy)]
    if accepted:
        d, p = accepted[0]
        said = f" ({p.text!r})" if p.text else ""
        return "confirmed", [
            f"confirmed: {p.actor} accepts responsibility in {d}{said}",
            *_denials(mentions, {p.actor}),
            source_line,
        ]

    accused: dict[str, list[str]] = {}
    weight: dict[str, int] = {}
    for d, p in mentions:
        if p.role in ACCUSING_ROLES:
            docs = accused.setdefault(p.actor, [])
            if d not in docs:
                docs.append(d)
            side = policy.side.get(p.actor, p.actor)
            weight[side] = weight.get(side, 0) + 1

    # 3. another party most likely responsible
    if attribution is not None and accused and attribution.actor not in _NOBODY \
            and attribution.actor not in accused:
        top = attribution.probability or 0.0
        rivals = _probabilities(attribution)
        if top >= policy.discount_min_probability and all(rivals.get(a, 0.0) < top for a in accused):
            return "discounted", [
                f"discounted: the attribution finds {attribution.actor} most likely responsible "
                f"(p={top:.2f}), not the accused {_names(accused)}",
                source_line,
            ]

    # 4. competing claims
    contenders = _contenders(weight, attribution, policy)
    if len(contenders) >= 2:
        named = [a for a in accused if policy.side.get(a, a) in contenders]
        return "contested", [
            "contested: competing claims of responsibility: "
            + "; ".join(f"{a} accused in {', '.join(accused[a])}" for a in named),
            *_denials(mentions, set(named)),
            source_line,
        ]
    if len(weight) >= 2:
        passing = [a for a in accused if policy.side.get(a, a) not in contenders]
        note = [f"not contested: {', '.join(passing)} accused only in passing or on the same side"]
    else:
        note = []

    # 5-6. by sources
    reasons = [source_line, *_denials(mentions, set(accused)), *note]
    if len(credible) >= 2:
        return "fair", [f"fair: {len(credible)} independent credible sources", *reasons]
    if len(credible) == 1:
        return "weak", [f"weak: a single credible source ({credible[0].label})", *reasons]
    return "weak", ["weak: no credible independent source", *reasons]


def _probabilities(attribution: Attribution) -> dict[str, float]:
    out = {a.actor: a.probability or 0.0 for a in attribution.alternatives}
    out[attribution.actor] = attribution.probability or 0.0
    return out


def _contenders(weight: dict[str, int], attribution: Attribution | None,
                policy: SourcePolicy) -> set[str]:
    """The accused sides serious enough to make a contest (rule 4)."""
    if not weight:
        return set()
    if attribution is not None:
        probs: dict[str, float] = {}
        for actor, p in _probabilities(attribution).items():
            side = policy.side.get(actor, actor)
            probs[side] = probs.get(side, 0.0) + p
        return {s for s in weight if probs.get(s, 0.0) >= policy.contest_min_probability}
    most = max(weight.values())
    return {s for s, n in weight.items() if n >= policy.contest_min_share * most}


def _own_word(p: Perpetrator, policy: SourcePolicy) -> bool:
    """Whether a claim or confirmation is the actor's own (not a third party's)."""
    if not p.by or p.by == p.actor:
        return True
    name = canonical_source(p.by, policy)
    return p.actor in policy.speaks_for.get(name, frozenset())


def _denials(mentions: list[tuple[str, Perpetrator]], actors: set[str]) -> list[str]:
    out = []
    for d, p in mentions:
        if p.role == "denied" and p.actor in actors:
            out.append(f"{p.actor} denies in {d}" + (f" ({p.text!r})" if p.text else ""))
    return out


def _names(accused: dict[str, list[str]]) -> str:
    return " and ".join(accused)


def _sources_line(sources: dict[str, SourceSummary], n_docs: int) -> str:
    parts = []
    for s in sources.values():
        flag = "" if s.credible else ", not counted: party to the conflict"
        parts.append(f"{s.label} ({', '.join(s.document_ids)}{flag})")
    return f"sources: {len(sources)} independent in {n_docs} document(s): " + "; ".join(parts)

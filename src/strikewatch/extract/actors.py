"""Who did it, by the text's account and by the system's judgement (English).

:func:`find_actors` reads what the document SAYS: actors accused ("Russian
warplanes", "killed by Israeli forces"), claiming ("IS claimed
responsibility"), denying or confirming. :func:`attribute` turns those
statements, plus what aircraft and weapons imply and where it happened
(theatre cues), into a probability over actors with the evidence listed, so
a reviewer can see why.

Vocabulary and context words are data: ``data/lexicons/<lang>/actors.toml``.
Arabic (``doc.language == "ar"``) reads the normalised text with its own
grammar (:func:`_find_actors_ar`): verb-first sentences ("نفت روسيا"),
adjectives after their noun ("غارات روسية"), the closest cue word before an
actor deciding its role.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ..model import ActorProbability, Attribution, Evidence
from .events import story_weights, weapon_operators
from .lexicon import Entry, Lexicon, Match, load_toml, normalise_ar, word_regex
from .mentions import ActorMention, AircraftMention, SourceMention, WeaponMention
from .sources import source_near
from .textutil import TextDoc


@dataclass(frozen=True, slots=True)
class _ActorData:
    actors: Lexicon
    force_after: re.Pattern[str]
    instrument_after: re.Pattern[str]
    verb_after: re.Pattern[str]
    intercept_after: re.Pattern[str]
    victim_before: re.Pattern[str]
    by_before: re.Pattern[str]
    not_agent_by: re.Pattern[str]
    not_after: re.Pattern[str]
    claim_after: re.Pattern[str]
    interceptor_before: re.Pattern[str]
    other_event_before: re.Pattern[str]
    claim_before: re.Pattern[str]
    deny_after: re.Pattern[str]
    confirm_after: re.Pattern[str]
    passive_after: re.Pattern[str]
    harmed_in_after: re.Pattern[str]
    theatre: Lexicon
    states: Mapping[str, str]  # ISO country code -> the label of its state forces


#: Placeholder label of unnamed state forces ("soldiers", "police"): resolved
#: to the state of the country where the report places the attack
#: (:func:`resolve_by_place`), else dropped.
STATE_FORCES = "state forces"
# A count right before ("32 troops", "three soldiers"): those counted are among the harmed.
_COUNTED = re.compile(
    r"(?:\b\d[\d,]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|dozens of|scores of|hundreds of|several|many|some|a number of)"
    r")(?:\s+[a-z\-]+)?\s+$"
)
# A capitalised word right before, not opening a sentence: the noun is part of a proper name.
_IN_PROPER_NAME = re.compile(r"(?<![.!?:\n]\s)(?<!^)\b[A-Z][\w'\-]*\s+$")


# A closing bracket or parenthetical after a name ("Houthi extremists (Ansar Allah) claimed").
_PAREN = r"\)?[\s,]*(?:\([^)]{1,40}\)[\s,]*)?"


def _alt(words: Sequence[str]) -> str:
    """Alternation with flexible spacing/hyphens, longest first."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        parts.append(r"[\s\-]*".join(re.escape(p) for p in re.split(r"[\s\-]+", w) if p) if w[0] not in "-'" else re.escape(w))
    return "|".join(parts)


def _by_country_phrases(raw: Mapping[str, Any], forms: Sequence[tuple[str, str]],
                        spell: Callable[[str], Sequence[str]] | None = None) -> list[tuple[str, Entry]]:
    """Phrases of ``[[by_country]]`` tables: a name several actors share ("the
    coalition"), its ``default`` actor unless the attack's country is listed in
    ``in`` (resolved with the place, :func:`resolve_by_place`)."""
    out: list[tuple[str, Entry]] = []
    for b in raw.get("by_country", ()):
        where = tuple(sorted(b.get("in", {}).items()))
        for form, key in forms:
            entry = Entry(b["default"], {"form": form, "by_country": where})
            out += [(v, entry) for p in b.get(key, ()) for v in (spell(p) if spell else (p,))]
    return out


@lru_cache(maxsize=4)
def _data(lang: str = "en") -> _ActorData:
    raw = load_toml(lang, "actors")
    ctx = raw["context"]
    phrases: list[tuple[str, Entry]] = []
    acronyms: list[tuple[str, Entry]] = []
    for a in raw["actor"]:
        name_entry = Entry(a["label"], {"form": "name"})
        adj_entry = Entry(a["label"], {"form": "adj"})
        acro_entry = Entry(a["label"], {"form": "name"})
        phrases += [(p, name_entry) for p in a.get("names", ())]
        phrases += [(p, adj_entry) for p in a.get("adjectives", ())]
        acronyms += [(p, acro_entry) for p in a.get("acronyms", ())]
    state_entry = Entry(STATE_FORCES, {"form": "name"})
    phrases += [(p, state_entry) for p in raw.get("state_forces", {}).get("names", ())]
    phrases += _by_country_phrases(raw, (("name", "names"), ("adj", "adjectives")))
    # Names win over adjectives of the same spelling (first entry kept), so
    # list adjectives after names: "hamas" is a name, "hamas militants" too.
    actors = Lexicon("actors", phrases, acronyms, plural=False)
    # Up to two intervening words ("Russian military jets", "Turkish-backed armed factions").
    gap = r"[\s\-]*(?:\([^)]{1,30}\)\s*)?(?:(?:and|or|[a-z'\-]+)\s+){0,2}?"
    theatre_entries = [
        (p, Entry(t["actor"], {"weight": t.get("weight", 1.0), "event_types": tuple(t.get("event_types", ()))}))
        for t in raw.get("theatre", ())
        for p in t["places"]
    ]
    # One entry per place: several theatres may share a place ("idlib").
    theatre = _MultiLexicon(theatre_entries)
    return _ActorData(
        actors=actors,
        force_after=re.compile(gap + r"(?:" + _alt(ctx["force_nouns"]) + r")\b"),
        instrument_after=re.compile(gap + r"(?:" + _alt(ctx["instrument_nouns"]) + r")\b"),
        verb_after=re.compile(
            r"(?:[\s,]*(?:\([^)]{1,30}\)\s*)?(?:[a-z'\-]+\s+){0,3}?)(?P<v>" + _alt(ctx["attack_verbs"]) + r")\b"
        ),
        intercept_after=re.compile(
            r"(?:[\s,]*(?:\([^)]{1,30}\)\s*)?(?:[a-z'\-]+\s+){0,3}?)(?P<v>" + _alt(ctx["intercept_verbs"]) + r")\b"
        ),
        # also the second of two coordinated parties ("an attack on Israeli and US troops")
        victim_before=re.compile(r"\b(?:" + _alt(ctx["victim_before"]) + r")\s+(?:(?:the|a|an|two|three|several|some|\d+)\s+)?"
                                 r"(?:(?:[a-z.'\-]+\s+){1,2}(?:and|or)\s+(?:the\s+)?)?$"),
        by_before=re.compile(
            r"\bby\s+(?:(?:the|a|an|alleged|allegedly|suspected|reportedly|reported|presumed|apparent|"
            r"members of|militants of|fighters of|a group of|elements of|soldiers of|forces of|"
            r"gunmen from|militants from|fighters from|troops of|units of|government of|authorities of)\s+)*$"
        ),
        not_agent_by=re.compile(r"\b(?:" + _alt(ctx["not_agent_by"]) + r")\s+(?:[a-z]+ly\s+)?$"),
        # ... unless a force noun follows: "Turkish border guards" are a force
        not_after=re.compile(r"\s*(?:" + _alt(ctx["not_after"]) + r")\b(?![\s\-]+(?:" + _alt(ctx["force_nouns"]) + r")\b)"),
        claim_after=re.compile(_PAREN + r"(?:[a-z'\-]+\s+){0,3}?(?:" + _alt(ctx["claim_after"]) + r")"),
        interceptor_before=re.compile(r"\b(?:" + _alt(ctx["interceptor_before"]) + r")\s+(?:(?:the|a|an)\s+)?$"),
        other_event_before=re.compile(r"\b(?:" + _alt(ctx["other_event_before"]) + r")\s+(?:(?:the|a|an|its|their)\s+)?$"),
        # "attributed the two drone attacks to", "blamed the shelling on": up to four words between
        claim_before=re.compile(r"\b(?:" + _alt(ctx["claim_before"]) + r"|(?:attributed|attributing|blamed|blaming)"
                                r"\s+(?:[a-z'\-]+\s+){1,4}?(?:to|on))\s+(?:(?:the|a|an)\s+)?$"),
        deny_after=re.compile(_PAREN + r"(?:[a-z'\-]+\s+){0,3}?(?:" + _alt(ctx["deny_after"]) + r")\b"),
        confirm_after=re.compile(_PAREN + r"(?:[a-z'\-]+\s+){0,3}?(?:" + _alt(ctx["confirm_after"]) + r")\b"),
        # "were killed", and the headline's reduced passive "members killed by"
        passive_after=re.compile(
            r"(?:[\s,]*(?:[a-z'\-]+\s+){0,3}?)(?:was|were|is|are|been|being|got)\s+(?:[a-z]+ly\s+)?"
            r"(?:" + _alt(ctx["suffered"]) + r")\b"
            r"|(?:[\s,]*(?:[a-z'\-]+\s+){0,2}?)(?:" + _alt(ctx["suffered"]) + r")\s+by\b"
        ),
        # "two SDF fighters killed in a Turkish strike" (unless an attack word
        # follows the name: "an Israeli strike killed in ..." is active)
        harmed_in_after=re.compile(
            r"(?:[\s,]*(?:[a-z'\-]+\s+){0,2}?)(?:killed|wounded|injured|hurt|abducted|kidnapped|arrested|"
            r"detained|captured|executed|martyred)\s+(?:in|during|when|while)\b"
        ),
        theatre=theatre,
        states={a["country"]: a["label"] for a in raw["actor"] if a.get("country")},
    )


class _MultiLexicon:
    """A place lexicon where one phrase may carry several entries."""

    def __init__(self, pairs: list[tuple[str, Entry]]) -> None:
        by_phrase: dict[str, list[Entry]] = defaultdict(list)
        for p, e in pairs:
            by_phrase[p].append(e)
        groups = [(p, Entry(p, {"entries": tuple(es)})) for p, es in by_phrase.items()]
        self._lex = Lexicon("theatre", groups, plural=False)

    def finditer(self, folded: str):  # -> Iterator[Match]
        return self._lex.finditer(folded)


# An instrument after "against/on/at" or an attack verb is the thing attacked
# ("fire on Turkish drones", "militants attacked Israeli tanks").
_ON_BEFORE = re.compile(r"\b(?:against|on|at|targeting|targeted|intercepted|downed|shot down|attacked|attacking|"
                        r"hit|hitting|struck|striking|destroyed|destroying)\s+(?:the\s+|a\s+|an\s+)?$")


# An appositive between commas: ", a top ally of X," / ", which X backs,".
_APPOSITIVE_BEFORE = re.compile(r",\s+(?:a|an|the|its|his|her|their|which|who)\s[^,.;:\n]{0,60}$")
_APPOSITIVE_END = re.compile(r"[^,.;:\n]{0,30},")
_APPOSITIVE_SKIP = re.compile(r"\s*,\s+(?:a|an|the|its|his|her|their|which|who)\s[^,.;:\n]{0,80},")


def _verb_after_appositive(data: _ActorData, folded: str, end: int, lim: int) -> bool:
    """A name, an appositive between commas, then the attack verb ("Russia, an ally of X, launched the strike")."""
    ap = _APPOSITIVE_SKIP.match(folded, end, lim)
    return bool(ap) and bool(data.verb_after.match(folded, ap.end(), lim))


def _intercepts(data: _ActorData, folded: str, end: int, lim: int) -> bool:
    """Whether the first verb after a name is an interception ("the guards
    intercepted the drone and downed it"), not an attack."""
    ic = data.intercept_after.match(folded, end, lim)
    if ic is None:
        return False
    va = data.verb_after.match(folded, end, lim)
    return va is None or ic.start("v") <= va.start("v")


def find_actors(doc: TextDoc, sources: Sequence[SourceMention] = ()) -> list[ActorMention]:
    """Actors the text names as perpetrator ("alleged"), claimant
    ("claimed"), denier ("denied") or confirmer ("confirmed"), in text order.
    ``by`` is who says so: the nearby source for an accusation, the actor
    itself for its own claim, denial or confirmation."""
    if doc.language == "ar":
        return _find_actors_ar(doc, sources)
    data = _data("en")
    text, folded = doc.text, doc.folded
    out: list[ActorMention] = []
    last_end = -10
    for m in data.actors.finditer(folded, text):
        label, form = m.entry.label, m.entry.get("form")
        named_before, last_end = m.start - last_end <= 2, m.end
        if label == STATE_FORCES and (named_before or _IN_PROPER_NAME.search(text, max(0, m.start - 30), m.start)
                                      or _COUNTED.search(folded, max(0, m.start - 30), m.start)):
            # "Israeli soldiers": the adjective names them; "Puntland Maritime
            # Police": a name; "32 troops killed": counted, so among the harmed
            continue
        sent = doc.sentences[doc.sentence_of(m.start)] if doc.sentences else (0, len(text))
        s_end = max(sent[1], m.end)
        lim = min(s_end, m.end + 90)
        if data.not_after.match(folded, m.end, lim):
            continue
        before_lo = max(sent[0], m.start - 45)
        role: str | None = None
        weak = False
        if data.interceptor_before.search(folded, before_lo, m.start):
            continue
        if data.other_event_before.search(folded, before_lo, m.start):
            continue  # "in retaliation for Saudi air strikes": the attack answered, not this one
        if data.passive_after.match(folded, m.end, lim) or (
                data.harmed_in_after.match(folded, m.end, lim) and not data.instrument_after.match(folded, m.end, lim)):
            continue  # "two Russian soldiers were killed": the party harmed
        if _intercepts(data, folded, m.end, lim):
            continue  # "Israeli forces shot down a drone": the defender, not the attacker
        if data.claim_after.match(folded, m.end, lim):
            role = "claimed"
        elif data.deny_after.match(folded, m.end, lim):
            role = "denied"
        elif data.confirm_after.match(folded, m.end, lim):
            role = "confirmed"
        elif data.claim_before.search(folded, before_lo, m.start):
            cb = data.claim_before.search(folded, before_lo, m.start)
            role = "claimed" if cb and "claim" in cb.group(0) else "alleged"
        elif by := data.by_before.search(folded, before_lo, m.start):
            if data.not_agent_by.search(folded, max(0, by.start() - 30), by.start()):
                continue  # "areas held by X", "a video released by X": not the attack's agent
            role = "alleged"
        elif data.instrument_after.match(folded, m.end, lim) and not _ON_BEFORE.search(folded, before_lo, m.start):
            role = "alleged"  # "killed in an Israeli strike"
        elif data.victim_before.search(folded, before_lo, m.start):
            role = None  # "an attack on Israeli troops", "IS leaders"
        elif fa := data.force_after.match(folded, m.end, lim):
            role = "alleged"
            weak = not data.verb_after.match(folded, fa.end(), lim)  # "IS fighters" doing nothing: W_WEAK
        elif form == "name" and _APPOSITIVE_BEFORE.search(folded, before_lo, m.start) and _APPOSITIVE_END.match(folded, m.end, lim):
            role = None  # "Russia, an ally of X, launched": X describes, it does not act
        elif form == "name" and (data.verb_after.match(folded, m.end, lim) or _verb_after_appositive(data, folded, m.end, lim)):
            role = "alleged"
        if role is None:
            continue
        mention = _mention(doc, sources, m.start, m.end, label, role)
        mention.weak = weak
        mention.by_country = m.entry.get("by_country") or ()
        out.append(mention)
    return out


def state_label(country: str | None) -> str | None:
    """The actor label of a country's own state forces (``country = "XX"`` in actors.toml)."""
    return _data("en").states.get(country) if country else None


def resolve_by_place(acts: Sequence[ActorMention], country: str | None) -> list[ActorMention]:
    """The actors that depend on where the attack took place. Unnamed state
    forces ("shot by soldiers") become the state of that country; where it is
    unknown, or the country has no state label, the mention says nothing and
    is dropped. A name several actors share ("the coalition") becomes the one
    its lexicon entry lists for that country, else stays its default."""
    state = state_label(country)
    out = []
    for a in acts:
        if a.actor == STATE_FORCES:
            if state is None:
                continue
            a = replace(a, actor=state, by=state if a.role != "alleged" else a.by, unnamed=True)
        elif a.by_country and country:
            label = dict(a.by_country).get(country)
            if label is not None:
                a = replace(a, actor=label, by=label if a.role != "alleged" else a.by)
        out.append(a)
    return out


def _mention(doc: TextDoc, sources: Sequence[SourceMention], start: int, end: int, label: str,
             role: str) -> ActorMention:
    """An actor mention; an accusation is "by" the source nearest it, a claim or
    denial by the actor itself."""
    if role == "alleged":
        src = source_near(sources, doc, start)
        by = src.name if src is not None else None
    else:
        by = label
    return ActorMention(start, end, doc.text[start:end], label, role, by)


# --- attribution -------------------------------------------------------------

#: Log-likelihood-ratio weights of each kind of evidence. An accusation is
#: good evidence, repeated ones add less (the same claim retold); a claim or
#: confirmation by the actor itself is strong; a denial weighs a little
#: against; aircraft, weapons and theatre are circumstantial.
W_ACCUSATION = 1.5
W_LEAD = 1.4  # factor for the lead sentence (and title) of a document
W_REPEAT_DECAY = 0.55
W_CLAIM = 3.0
W_CONFIRM = 3.0
W_DENY = -0.7
W_AIRCRAFT = 1.2
W_WEAPON = 1.0
W_UNKNOWN_ACTOR = 0.5  # "unidentified gunmen": evidence that nobody is named
W_UNNAMED_STATE = 0.5  # "shot by soldiers": the state is inferred from the place, not named
#: "IS fighters" with no attack of theirs in the clause (no verb after the
#: force noun): often the fighters are held, counted, surrendering or hunted,
#: so such a mention weighs this much of an accusation.
W_WEAK = 0.4
#: An accusation past the first POSITION_FREE sentences weighs
#: 1 / (1 + extra sentences / POSITION_SCALE): a story names its perpetrator
#: early; long pages bring other stories' actors further down.
POSITION_FREE = 2
POSITION_SCALE = 15.0
#: Log-odds of "someone not named here" before any evidence.
PRIOR_UNKNOWN = 0.7


def attribute(
    actors: Sequence[ActorMention],
    aircraft: Sequence[AircraftMention] = (),
    weapons: Sequence[WeaponMention] = (),
    *,
    doc: TextDoc | None = None,
    event_type: str | None = None,
) -> Attribution | None:
    """The document's most likely perpetrator: log-likelihood ratios of
    accusations, claims, confirmations, denials, aircraft/weapon operators and
    (with ``doc``) theatre cues, normalised against a small "unknown" prior.
    A mention :func:`find_actors` marked ``weak`` (a force doing nothing in
    its clause, "IS fighters") weighs ``W_WEAK`` of an accusation.

    Returns None when nothing in the document points at anyone. Otherwise the
    actor is the most probable named actor ("unknown" only when the text
    itself says the perpetrator is unidentified and names no one else);
    alternatives hold the rest, including "unknown" for the residual mass.
    """
    score: dict[str, float] = defaultdict(float)
    evidence: list[Evidence] = []
    seen: dict[str, int] = defaultdict(int)

    def add(actor: str, kind: str, text: str, weight: float, span: tuple[int, int] | None = None) -> None:
        score[actor] += weight
        extra = {"actor": actor}
        if span is not None:
            extra["span"] = [span[0], span[1]]
        evidence.append(Evidence(kind=kind, text=text, weight=round(weight, 3), extra=extra))

    story = story_weights(doc) if doc is not None else []

    def place(start: int) -> float:
        """The weight of a statement where it stands: a teaser line of another story counts little."""
        return story[doc.sentence_of(start)] if story and doc is not None else 1.0

    # Accusations: each weighed by where it stands, then per actor the
    # strongest first with the repeats decaying (a retold accusation adds
    # less, and a weak mention in a teaser must not use up the full weight).
    accused: dict[str, list[tuple[float, ActorMention]]] = defaultdict(list)
    for a in actors:
        if a.role == "alleged":
            w = W_UNKNOWN_ACTOR if a.actor == "unknown" else W_ACCUSATION
            if a.unnamed:
                w *= W_UNNAMED_STATE
            if a.weak:
                w *= W_WEAK
            if doc is not None:
                idx = doc.sentence_of(a.start)
                w *= W_LEAD if idx == 0 else 1.0 / (1.0 + max(0, idx - POSITION_FREE) / POSITION_SCALE)
            accused[a.actor].append((w * place(a.start), a))
    for actor, found in accused.items():
        ranked_acc = sorted(found, key=lambda wa: (-wa[0], wa[1].start))
        for k, (w, a) in enumerate(ranked_acc):
            add(actor, "accusation", a.text, w * W_REPEAT_DECAY ** k, (a.start, a.end))

    for a in actors:
        if a.role == "alleged":
            continue
        elif a.role == "claimed":
            add(a.actor, "claim", a.text, W_CLAIM if seen[a.actor + "#c"] == 0 else 0.5, (a.start, a.end))
            seen[a.actor + "#c"] += 1
        elif a.role == "confirmed":
            add(a.actor, "confirmation", a.text, W_CONFIRM if seen[a.actor + "#k"] == 0 else 0.5, (a.start, a.end))
            seen[a.actor + "#k"] += 1
        elif a.role == "denied":
            add(a.actor, "denial", a.text, W_DENY, (a.start, a.end))

    counted: set[tuple[str, str]] = set()
    for ac in aircraft:
        if not ac.operators or (ac.aircraft, "a") in counted:
            continue
        counted.add((ac.aircraft, "a"))
        share = W_AIRCRAFT / math.sqrt(len(ac.operators))
        share *= place(ac.start)
        for i, op in enumerate(ac.operators):
            add(op, "aircraft", ac.text, share * (1.0 if i == 0 else 0.8), (ac.start, ac.end))
    for w in weapons:
        ops = weapon_operators(w.weapon)
        if not ops or (w.weapon, "w") in counted:
            continue
        counted.add((w.weapon, "w"))
        for op in ops:
            add(op, "weapon", w.text, W_WEAPON / math.sqrt(len(ops)) * place(w.start), (w.start, w.end))

    if doc is not None:
        for actor, weight, where, span in _theatre_cues(doc, event_type):
            add(actor, "theatre", where, weight, span)

    if not score:
        return None
    named = {k: v for k, v in score.items() if k != "unknown"}
    unknown_score = PRIOR_UNKNOWN + score.get("unknown", 0.0)
    z = math.exp(unknown_score) + sum(math.exp(v) for v in named.values())
    probs = {k: math.exp(v) / z for k, v in named.items()}
    probs["unknown"] = math.exp(unknown_score) / z
    ranked = sorted(probs.items(), key=lambda kv: (-kv[1], kv[0]))
    if named:
        top = max(named, key=lambda k: (named[k], k))
        # A denial alone (no positive evidence) does not make an actor the answer.
        if named[top] <= 0:
            top = "unknown"
    else:
        top = "unknown"
    # Rounded down to 4 places so that the rounded figures never sum to more than 1.
    return Attribution(
        actor=top,
        probability=_floor4(probs[top]),
        alternatives=[ActorProbability(actor=k, probability=_floor4(p)) for k, p in ranked if k != top],
        evidence=evidence,
    )


def _floor4(p: float) -> float:
    return math.floor(p * 10_000) / 10_000


def _theatre_cues(doc: TextDoc, event_type: str | None) -> list[tuple[str, float, str, tuple[int, int]]]:
    """(actor, weight, place, span): each theatre entry counts once per document."""
    found = doc.memo.get("theatre")
    if found is None:
        data = _data_ar() if doc.language == "ar" else _data("en")
        story = story_weights(doc)
        # a place in another story's teaser line says nothing of this one
        found = doc.memo["theatre"] = [m for m in data.theatre.finditer(doc.folded)
                                       if not (story and story[doc.sentence_of(m.start)] < 1.0)]
    out: list[tuple[str, float, str, tuple[int, int]]] = []
    used: set[tuple[str, float]] = set()
    for m in found:
        for e in m.entry.get("entries"):
            if event_type is not None and event_type not in e.get("event_types"):
                continue
            key = (e.label, e.get("weight"))
            if key in used:
                continue
            used.add(key)
            out.append((e.label, float(e.get("weight")), doc.text[m.start:m.end], (m.start, m.end)))
    return out



# --- Arabic ----------------------------------------------------------------------

#: Roles that the closest context word before an Arabic actor gives it
#: (None: the actor is acted upon, backs someone, or intercepts).
_AR_ROLE_BEFORE = {
    "instrument": "alleged", "verb": "alleged", "by": "alleged",
    "victim": None, "interceptor": None,
    "claim": "claimed", "deny": "denied", "confirm": "confirmed",
    "support": "alleged", "origin": "alleged", "force": "alleged", "other_event": None,
}
#: At most this many words between a context word and the actor it governs:
#: an attack word or a verb may stand a few words off ("قصفت طائرات حربية
#: روسية"), a word that makes the actor the victim or a backer must be next to it.
_AR_GAP_WORDS = {"victim": 1, "by": 1, "interceptor": 2, "other_event": 1}
_AR_GAP_DEFAULT = 3
_AR_GAP = re.compile(r"[^.,;:!?\n]*")
_AR_DETACHED = frozenset(("ل", "ب"))
_AR_HASH_GAP = re.compile(r"\s*#?")
_AR_QUOTES = "\"'“”«»„‘’"
_AR_AFTER_GAP = r"[\s,]*(?:\([^)]{0,40}\)[\s,]*)?(?:[^\s.,;:!?]+\s+){0,3}?"
#: Between an announcing actor and what it announces: up to eight words, commas
#: allowed ("أعلنت قسد، ببيان أصدره مركزها الإعلامي، أنها قتلت").
_AR_CONFIRM_GAP = r"[\s,،\"'“”«»]*(?:[^\s.;:!?]+[\s,،\"'“”«»]+){0,8}?"


@dataclass(frozen=True, slots=True)
class _ArActorData:
    actors: Lexicon
    context: Lexicon
    claim_after: re.Pattern[str]
    deny_after: re.Pattern[str]
    confirm_after: re.Pattern[str]
    verb_after: re.Pattern[str]
    confirm_object: re.Pattern[str]
    harmed_of: re.Pattern[str] | None
    theatre: "_MultiLexicon"


@lru_cache(maxsize=1)
def _data_ar() -> _ArActorData:
    raw = load_toml("ar", "actors")
    ctx = raw["context"]
    spell = _ar_spellings(raw.get("spelling_variants", ()))
    phrases: list[tuple[str, Entry]] = []
    for a in raw["actor"]:
        for form, key in (("force", "forces"), ("name", "names"), ("adj", "adjectives")):
            entry = Entry(a["label"], {"form": "force" if a["label"] == "unknown" else form})
            phrases += [(v, entry) for p in a.get(key, ()) for v in spell(p)]
    for an in raw.get("anaphor", ()):
        for form, key in (("force", "forces"), ("name", "names")):
            entry = Entry(an["default"], {"form": form, "anaphor": normalise_ar(an["marker"])})
            phrases += [(v, entry) for p in an.get(key, ()) for v in spell(p)]
    state_entry = Entry(STATE_FORCES, {"form": "force"})
    phrases += [(v, state_entry) for p in raw.get("state_forces", {}).get("names", ()) for v in spell(p)]
    phrases += _by_country_phrases(raw, (("force", "forces"), ("name", "names"), ("adj", "adjectives")), spell)
    cats = (
        ("instrument", "instrument_nouns"), ("force", "force_nouns"), ("verb", "attack_verbs"), ("by", "by_before"),
        ("victim", "victim_before"), ("interceptor", "interceptor_before"),
        ("claim", "claim_before"), ("deny", "deny_before"), ("confirm", "confirm_before"),
        ("support", "support_before"), ("origin", "origin_before"), ("other_event", "other_event_before"),
    )
    context = Lexicon("actor_context", [(v, Entry(cat)) for cat, key in cats for p in ctx.get(key, ()) for v in spell(p)])

    def after(key: str) -> re.Pattern[str]:
        return re.compile(_AR_AFTER_GAP + "(?:" + word_regex(ctx[key]).pattern + ")")

    theatre_entries = [
        (p, Entry(t["actor"], {"weight": t.get("weight", 1.0), "event_types": tuple(t.get("event_types", ()))}))
        for t in raw.get("theatre", ())
        for p in t["places"]
    ]
    return _ArActorData(
        actors=Lexicon("actors_ar", phrases, plural=False),
        context=context,
        claim_after=after("claim_after"),
        deny_after=after("deny_after"),
        confirm_after=after("confirm_after"),
        verb_after=re.compile(r"[\s,]*(?:" + word_regex(ctx["attack_verbs"]).pattern + ")"),
        confirm_object=re.compile(_AR_CONFIRM_GAP + "(?:" + word_regex(ctx["confirm_objects"]).pattern + ")"),
        # a casualty word, up to three words (the count, "عدد", "جنود"), then "من"
        harmed_of=re.compile("(?:" + word_regex(ctx["harmed_before"]).pattern + r")\s+(?:[^\s.,;:!?]+\s+){0,3}?من\s+$")
        if ctx.get("harmed_before") else None,
        theatre=_MultiLexicon(theatre_entries),
    )


def _ar_spellings(groups: Sequence[Sequence[str]]) -> Callable[[str], list[str]]:
    """A phrase and its other current spellings (actors.toml ``spelling_variants``:
    "ميليشيا", "مليشيا" and "ميلشيا" are one word), each phrase listed once."""
    pairs = [(a, b) for g in groups for a in g for b in g if a != b]

    def variants(phrase: str) -> list[str]:
        out = [phrase]
        for a, b in pairs:
            if a in phrase:
                v = phrase.replace(a, b)
                if v not in out:
                    out.append(v)
        return out
    return variants


def _ar_before(ctx: list[Match], folded: str, lo: int, start: int) -> Match | None:
    """The context word closest before ``start`` (not before ``lo``), if only
    a few words and no punctuation stand between it and ``start``."""
    best = None
    for c in ctx:
        if c.end > start:
            break
        if c.start >= lo:
            best = c
    if best is None:
        return None
    gap = folded[best.end:start]
    if _AR_GAP.fullmatch(gap) is None:
        return None
    # a clitic written apart ("تابعة لـ", tatweel dropped) and quotation marks are no words
    words = [w for w in gap.split() if w not in _AR_DETACHED and w.strip(_AR_QUOTES)]
    if len(words) > _AR_GAP_WORDS.get(best.entry.label, _AR_GAP_DEFAULT):
        return None
    return best


#: How far (characters) before a force a casualty word governing it may stand.
_AR_HARMED_BEFORE = 60
#: Context words that, standing between a casualty word and "من", make the
#: force after it the one that did the harm ("إصابة راع بطلقات من قوات النظام").
_AR_AGENT_CUES = frozenset(("instrument", "verb", "by", "origin", "support"))


def _ar_harmed_of(data: _ArActorData, ctx: list[Match], folded: str, lo: int, start: int) -> bool:
    """Whether a casualty word and "من" (of) stand right before ``start``
    ("مصرع 4 من", "جرحى من", "إصابة عدد من"): the force named there
    counts the harmed, unless an attack word or "by" stands between."""
    if data.harmed_of is None or "من" not in folded[max(lo, start - 6):start]:
        return False
    hm = data.harmed_of.search(folded, lo, start)
    if hm is None:
        return False
    return not any(hm.start() < c.start and c.end <= start and c.entry.label in _AR_AGENT_CUES for c in ctx
                   if lo <= c.start < start)


def _resolve_anaphor(doc: TextDoc, data: _ArActorData, found: list[Match], marker: str, default: str) -> str | None:
    """The actor a bare "the occupation" stands for in ``doc`` (see actors.toml ``anaphor``)."""
    for m in found:
        if m.entry.get("anaphor") is None and marker in doc.folded[m.start:m.end]:
            return m.entry.label
    if any(m.entry.get("anaphor") is None and m.entry.label == default for m in found):
        return default
    for m in data.theatre.finditer(doc.folded):
        if any(e.label == default for e in m.entry.get("entries")):
            return default
    return None


def _find_actors_ar(doc: TextDoc, sources: Sequence[SourceMention] = ()) -> list[ActorMention]:
    """Arabic actors and their roles (see the module docstring)."""
    data = _data_ar()
    text, folded = doc.text, doc.folded
    found = list(data.actors.finditer(folded))
    if not found:
        return []
    ctx = list(data.context.finditer(folded))
    out: list[ActorMention] = []
    resolved: dict[str, str | None] = {}
    prev: ActorMention | None = None
    acted_on: tuple[int, str] | None = None  # (end, actor) of the last mention read as the party acted upon
    for i, m in enumerate(found):
        label, form = m.entry.label, m.entry.get("form")
        marker = m.entry.get("anaphor")
        nxt = found[i + 1] if i + 1 < len(found) else None
        if marker is not None and nxt is not None and nxt.entry.get("form") == "adj" \
                and _AR_HASH_GAP.fullmatch(folded, m.end, nxt.start):
            # "قوات الاحتلال الأمريكي", "الاحتلال #الروسي" (a hashtag splits the
            # phrase): the adjective right after says whose occupation
            label = nxt.entry.label
        elif marker is not None:
            if marker not in resolved:
                resolved[marker] = _resolve_anaphor(doc, data, found, marker, label)
            if resolved[marker] is None:
                continue
            label = resolved[marker]
        sent = doc.sentences[doc.sentence_of(m.start)] if doc.sentences else (0, len(text))
        lim = min(max(sent[1], m.end), m.end + 90)
        role: str | None
        if acted_on is not None and acted_on[1] != label and _ar_coordinated(folded, acted_on[0], m.start):
            acted_on = (m.end, label)  # "مواقع قوات النظام وقسد": both are the target
            continue
        if prev is not None and prev.actor != label and _ar_coordinated(folded, prev.end, m.start):
            role = prev.role  # "قوات الأسد وروسيا": the second actor shares the first one's role
        elif data.claim_after.match(folded, m.end, lim):
            role = "claimed"
        elif data.deny_after.match(folded, m.end, lim):
            role = "denied"
        else:
            before = _ar_before(ctx, folded, sent[0], m.start)
            head = before.start if before is not None and before.entry.label == "force" \
                and not folded[before.end:m.start].strip(_AR_QUOTES + " #") else m.start
            if _ar_harmed_of(data, ctx, folded, max(sent[0], head - _AR_HARMED_BEFORE), head):
                acted_on = (m.end, label)
                continue  # "مصرع أربعة عسكريين من قوات النظام": those counted are among the harmed
            if before is not None and before.entry.label in ("force", "instrument"):
                outer = _ar_before(ctx, folded, sent[0], before.start)
                if outer is not None and outer.entry.label == "other_event":
                    acted_on = (m.end, label)
                    continue  # "ردا على قصف الجيش التركي": the attack answered, not this one
                if (outer is not None and before.entry.label == "force" and _AR_ROLE_BEFORE[outer.entry.label] is None
                        and not folded[before.end:m.start].strip(_AR_QUOTES + " ")):
                    acted_on = (m.end, label)
                    continue  # "مواقع قوات قسد": the word before the force noun says who is acted upon
            if before is not None:
                role = _AR_ROLE_BEFORE[before.entry.label]
                if role is None:
                    acted_on = (m.end, label)
                    continue
                if form == "adj" and before.entry.label not in ("instrument", "verb", "force"):
                    continue
                if role == "confirmed" and not data.confirm_object.match(folded, m.end, lim):
                    continue  # "أعلنت تركيا التوصل إلى اتفاق": an announcement, not of a strike
            elif ca := data.confirm_after.match(folded, m.end, lim):
                if not data.confirm_object.match(folded, ca.end(), lim):
                    continue  # "قسد تعلن السيطرة على": not of a strike
                role = "confirmed"
            elif form == "force" or (form == "name" and (
                    data.verb_after.match(folded, m.end, lim)
                    # "النظام وروسيا يرتكبان مجزرة": the verb after the pair is the first one's too
                    or (nxt is not None and nxt.start < lim and _ar_coordinated(folded, m.end, nxt.start)
                        and data.verb_after.match(folded, nxt.end, max(lim, nxt.end))))):
                role = "alleged"
            else:
                continue
        prev = _mention(doc, sources, m.start, m.end, label, role)
        prev.by_country = m.entry.get("by_country") or ()
        out.append(prev)
    return out


#: What may stand between two coordinated actors: a space (the conjunction
#: then is the second one's clitic, "النظام وروسيا") or a separate "و".
_AR_AND_GAP = re.compile(r"\s*(?:[،,]\s*)?(?:و\s+)?")


def _ar_coordinated(folded: str, prev_end: int, start: int) -> bool:
    """Whether the actor at ``start`` is joined by "و" to the mention ending at ``prev_end``."""
    gap = folded[prev_end:start]
    if len(gap) > 4 or _AR_AND_GAP.fullmatch(gap) is None:
        return False
    return "و" in gap or folded.startswith("و", start)

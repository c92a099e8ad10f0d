"""How harm was done: event cues, weapons, aircraft, targets, and whether a
document describes an attack at all (English and Arabic).

All knowledge is in ``data/lexicons/<lang>/{events,weapons,aircraft,targets}.toml``;
this module only compiles it (once, cached) and applies it in one pass per
lexicon over ``TextDoc.folded``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ..vocab import EVENT_TYPES, is_protected
from .lexicon import Lexicon, alternation, entries_lexicon, load_toml, word_regex
from .mentions import AircraftMention, EventMention, TargetMention, WeaponMention
from .textutil import TextDoc

#: Cue weight multiplier when the sentence also carries a hit/strike verb:
#: "warplanes struck" says more than "warplanes flew over".
VERB_BOOST = 1.25

#: How far (characters) before a target word a hit word may stand.
TARGET_WINDOW = 70

#: describes_attack threshold on (attack evidence - non-attack evidence).
ATTACK_THRESHOLD = 1.9


@dataclass(frozen=True, slots=True)
class _EventData:
    cues: Lexicon
    weapons: Lexicon
    aircraft: Lexicon
    targets: Lexicon
    hit_re: re.Pattern[str]
    hit_before: re.Pattern[str]
    hit_after: re.Pattern[str]
    hit_block: re.Pattern[str]
    claim_before: re.Pattern[str]
    source_after: re.Pattern[str]
    nonattack: Lexicon
    violence: Lexicon
    name_stop: frozenset[str]
    locative: re.Pattern[str] | None = None  # Arabic: data instead of the English regexes
    near_place: re.Pattern[str] | None = None
    fired: re.Pattern[str] | None = None  # Arabic: a firing verb a few words before a missile or shell
    surface: re.Pattern[str] | None = None  # after a generic strike word, a force with no aircraft
    surface_window: int = 0
    # right after (Arabic: "قصف النظام"; English: "by the regime") or right
    # before (English: "regime bombing") a generic strike word, an army that
    # strikes from the ground, its aircraft named as such
    striker_after: re.Pattern[str] | None = None
    striker_before: re.Pattern[str] | None = None
    air_launched: re.Pattern[str] | None = None  # an actor whose missiles are fired from the air
    sustained: re.Pattern[str] | None = None  # Arabic: right after a generic strike word, "heavy", "continuing"
    sustained_window: int = 0
    # Targets: a populated place is struck when a strike verb governs it, a
    # few words (subject, means) apart, or "on" stands right before it.
    area_verb: re.Pattern[str] | None = None
    area_on: re.Pattern[str] | None = None
    # Targets: rescuers at work ("rescuers retrieved", "عملت فرق الدفاع المدني على")
    agent_after: re.Pattern[str] | None = None
    agent_before: re.Pattern[str] | None = None
    owner_after: re.Pattern[str] | None = None  # targets: an armed force right after a bare "positions"
    located_block: re.Pattern[str] | None = None  # targets: "يقطنون في مخيم": where people live
    earlier: re.Pattern[str] | None = None  # targets: "hours after the strike on the camp": another event


@lru_cache(maxsize=4)
def _data(lang: str = "en") -> _EventData:
    """Compiled lexicons for one language (built once, read-only)."""
    ev = load_toml(lang, "events")
    cues = entries_lexicon("events", ev["cue"], label_key="type")
    nonattack = entries_lexicon(
        "nonattack",
        [
            {"label": "nonattack", **ev["nonattack"]},
            {"label": "nonattack", **ev.get("nonattack_strong", {"phrases": []})},
            {"label": "mask", "weight": 0.0, **ev.get("nonattack_mask", {"phrases": []})},
        ],
        label_key="label",
    )
    violence = entries_lexicon("violence", ev.get("violence", ()), label_key="kind")
    weapons = entries_lexicon("weapons", load_toml(lang, "weapons")["weapon"], label_key="name")
    aircraft = entries_lexicon("aircraft", load_toml(lang, "aircraft")["aircraft"], label_key="name")
    tg = load_toml(lang, "targets")
    targets = entries_lexicon("targets", tg["target"], label_key="type")
    strong_cues = [p for c in ev["cue"] if c["type"] != "none" and c["weight"] >= 2 for p in c["phrases"]]
    if lang == "ar":
        return _arabic_data(ev, tg, strong_cues, cues, weapons, aircraft, targets, nonattack, violence)
    return _EventData(
        cues=cues,
        weapons=weapons,
        aircraft=aircraft,
        targets=targets,
        hit_re=word_regex(list(tg["hit_before"]) + strong_cues),
        hit_before=word_regex(list(tg["hit_before"]) + list(tg.get("damage_before", ()))),
        hit_after=re.compile(
            # "the X family home (in the Y neighbourhood of Z), was struck": a
            # phrase that says where the target stands may come between
            r"(?:[\s,]+(?:in|on|at|near|of|behind|beside|next\s+to|opposite|located\s+in|belonging\s+to|owned\s+by)"
            r"\s[^.;!?()]{1,80}?)?"
            r"[\s,]*(?:(?:also|then|later|completely|partially|badly|heavily|had|has|have|been|reportedly"
            r"|allegedly|directly)\s+){0,3}(?:"
            + "|".join(_hit_after_en(w) for w in sorted(tg["hit_after"], key=len, reverse=True)) + r")\b"
        ),
        hit_block=word_regex(tg["hit_block"]),
        claim_before=word_regex(tg.get("claim_before", ())),
        source_after=re.compile(
            r"[\s,]*(?:" + "|".join(re.escape(w) for w in sorted(tg.get("source_after", ()), key=len, reverse=True))
            + r")\b"
        ),
        nonattack=nonattack,
        violence=violence,
        name_stop=frozenset(w.lower() for w in tg.get("name_stop", ())),
        **_event_context(ev),
        **_target_context(tg),
    )


# An adverb may stand between "was" and its participle: "was allegedly bombed".
_EN_AUX = re.compile(r"(?:was|were|had been|has been|have been) ")
_EN_ADVERBS = (
    r"(?:(?:allegedly|reportedly|also|then|later|completely|partially|badly|heavily|directly|deliberately)\s+)?"
)


def _hit_after_en(phrase: str) -> str:
    """The regex of an English ``hit_after`` phrase, an adverb allowed after its auxiliary."""
    aux = _EN_AUX.match(phrase)
    if aux is None:
        return re.escape(phrase)
    return re.escape(phrase[: aux.end() - 1]) + r"\s+" + _EN_ADVERBS + re.escape(phrase[aux.end():])


def _target_context(tg) -> dict[str, re.Pattern[str] | None]:  # noqa: ANN001
    """The context patterns of a targets lexicon that both languages share
    (populated places, rescuers at work, where people live, owners)."""
    area_verb, area_on = _area_res(tg)
    agent_after, agent_before = _agent_res(tg)
    owner = tg.get("owner_after")
    return {
        "area_verb": area_verb,
        "area_on": area_on,
        "agent_after": agent_after,
        "agent_before": agent_before,
        "located_block": word_regex(tg["located_block"]) if tg.get("located_block") else None,
        # the phrase, then no clause break up to the target
        "earlier": re.compile("(?:" + word_regex(tg["earlier"]).pattern + ")" + f"[^.,;:!?\n\u060c\u061b]{{0,{_EARLIER_GAP}}}$")
        if tg.get("earlier") else None,
        "owner_after": re.compile(_QUOTES + "+(?:" + word_regex(owner).pattern + ")") if owner else None,
    }


#: How far (characters) before a target an ``earlier`` phrase may stand.
_EARLIER_GAP = 70

#: Quotes (and spaces) that may stand between a target word and the words around it.
_QUOTES = r"[\s\"'\u201c\u201d\u00ab\u00bb]"
#: Quotes and spaces that may stand between a populated place and what governs it.
_AREA_GAP = r"[\s\"'\u201c\u201d\u00ab\u00bb#]*$"


def _area_res(tg) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:  # noqa: ANN001
    """The ``area_verb`` and ``area_on`` patterns of a targets lexicon (both end at the place word)."""
    area = tg.get("area")
    if not area:
        return None, None
    verbs = word_regex(area["verbs"]).pattern
    stop = word_regex(area["between_stop"]).pattern
    between = int(area["between"])
    # the verb, then up to `between` words none of which is a stop word, then the place
    verb = re.compile(f"(?:{verbs})(?:\\s+(?!{stop})[^\\s.,;:!?]+){{0,{between}}}" + _AREA_GAP)
    on = re.compile("(?:" + word_regex(area["on"]).pattern + ")" + _AREA_GAP)
    return verb, on


def _agent_res(tg) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:  # noqa: ANN001
    """Patterns after and before a person target that make it the subject of rescue work."""
    agent = tg.get("agent")
    if not agent:
        return None, None
    filler = r"(?:[\s,]+(?:" + word_regex(agent["filler"]).pattern + "))?" if agent.get("filler") else ""
    after = re.compile(filler + r"[\s,]+(?:" + word_regex(agent["after"]).pattern + ")")
    before = re.compile("(?:" + word_regex(agent["before"]).pattern + r")\s+$") if agent.get("before") else None
    return after, before


def _event_context(ev) -> dict[str, Any]:  # noqa: ANN001
    """The context patterns of an events lexicon that either language may
    have (a table it lacks gives None): firing verbs, the forces and the
    words of sustained fire after a generic strike word, air-launching actors."""

    def words(key: str, field: str = "phrases") -> re.Pattern[str] | None:
        return word_regex(ev[key][field]) if ev.get(key) else None

    fired = words("fired", "verbs")
    striker_after, striker_before = _striker_res(ev.get("striker"))
    return {
        "striker_after": striker_after,
        "striker_before": striker_before,
        # the verb, then up to three words (its subject, "عدة"), then the cue
        "fired": re.compile("(?:" + fired.pattern + r")(?:\s+[^\s.,;:!?]+){0,3}\s+$") if fired else None,
        "surface": words("surface"),
        "surface_window": int(ev.get("surface", {}).get("window", 0)),
        "sustained": words("sustained"),
        "sustained_window": int(ev.get("sustained", {}).get("window", 0)),
        "air_launched": words("air_launched"),
    }


#: Quotes, hashes and spaces that may stand between a strike word and its striker.
_STRIKER_GAP = r"[\s\"'\u201c\u201d\u00ab\u00bb#]*"


def _striker_res(st) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:  # noqa: ANN001
    """The ``striker`` patterns of an events lexicon: the army named right
    after a generic strike word (its agent: "قصف النظام", "قصف من قبل النظام",
    "bombing by the regime"; ``after_link`` the words that may introduce it,
    ``not_after`` what makes it the object instead: "the regime's positions")
    and right before it ("regime bombing", "the regime's bombardment")."""
    if not st:
        return None, None
    after = before = None
    if st.get("after"):
        links = st.get("after_link", ())
        link = "(?:(?:" + alternation(links) + r")\s+)?" if links else ""
        tail = ("(?!['\u2019]s\\b|" + _STRIKER_GAP + "(?:" + word_regex(st["not_after"]).pattern + "))"
                if st.get("not_after") else "")
        after = re.compile(_STRIKER_GAP + link + "(?:" + word_regex(st["after"]).pattern + ")" + tail)
    if st.get("before"):
        before = re.compile("(?:" + word_regex(st["before"]).pattern + r")(?:['\u2019]s?)?" + _STRIKER_GAP + "$")
    return after, before


def _arabic_data(ev, tg, strong_cues, cues, weapons, aircraft, targets, nonattack, violence) -> _EventData:  # noqa: ANN001
    """Arabic context patterns: word lists with Arabic clitics and endings
    (lexicon.word_regex), a few words allowed between target and hit word."""
    gap = r"[\s,]*(?:[^\s.,;:!?]+\s+){0,3}?"
    near = tg.get("near_place", ())
    return _EventData(
        cues=cues,
        weapons=weapons,
        aircraft=aircraft,
        targets=targets,
        hit_re=word_regex(list(tg["hit_before"]) + strong_cues),
        hit_before=word_regex(list(tg["hit_before"]) + list(tg.get("damage_before", ()))),
        hit_after=re.compile(gap + "(?:" + word_regex(tg["hit_after"]).pattern + ")"),
        hit_block=word_regex(tg["hit_block"]),
        claim_before=word_regex(tg.get("claim_before", ())),
        source_after=re.compile(r"[\s,]*(?:" + word_regex(tg.get("source_after", ())).pattern + ")"),
        nonattack=nonattack,
        violence=violence,
        name_stop=frozenset(),
        locative=word_regex(tg["locative"]) if tg.get("locative") else None,
        near_place=re.compile("(?:" + word_regex(near).pattern + r")[^.\n]{0,30}$") if near else None,
        **_event_context(ev),
        **_target_context(tg),
    )


def _lang(doc: TextDoc) -> str:
    return "ar" if doc.language == "ar" else "en"


def _hit_sentences(doc: TextDoc, data: _EventData) -> set[int]:
    """Indices of sentences that say something was hit/struck/destroyed."""
    return {doc.sentence_of(m.start()) for m in data.hit_re.finditer(doc.folded)}


#: How far (characters) before and after a missile or rocket word the actor
#: that fires it from the air may stand ("Israeli missiles", "صواريخ إسرائيلية").
_AIR_LAUNCHED_BEFORE = 20
_AIR_LAUNCHED_AFTER = 25


def _air_launched(doc: TextDoc, data: _EventData, start: int, end: int) -> bool:
    """Whether the missile or rocket word at [start, end) is said to be an
    actor's that fires them from aircraft (events.toml ``air_launched``)."""
    if data.air_launched is None:
        return False
    s0, s1 = doc.sentences[doc.sentence_of(start)] if doc.sentences else (0, len(doc.folded))
    return bool(data.air_launched.search(doc.folded, max(s0, start - _AIR_LAUNCHED_BEFORE), start)
                or data.air_launched.search(doc.folded, end, min(max(s1, end), end + _AIR_LAUNCHED_AFTER)))


#: How far (characters) before a generic strike word its striker may begin.
_STRIKER_BEFORE = 40

#: A missile or shell that the text says was fired counts as a strong cue.
_FIRED_TYPES = frozenset({"missile_strike", "shelling"})
_FIRED_WEIGHT = 2.0


def find_events(doc: TextDoc) -> list[EventMention]:
    """Every event cue with its canonical type and weight (masks dropped)."""
    data = _data(_lang(doc))
    hits = _hit_sentences(doc, data)
    out: list[EventMention] = []
    for m in data.cues.finditer(doc.folded):
        etype = m.entry.label
        if etype not in EVENT_TYPES:
            continue  # "none": a mask such as "tear gas" or "missile test"
        generic = bool(m.entry.get("generic"))
        # Who fired a word that says only that something was (``generic``:
        # it also yields to any named means; ``agent``: it keeps its vote).
        if generic or m.entry.get("agent"):
            if (data.striker_after is not None and data.striker_after.match(doc.folded, m.end)) or (
                    data.striker_before is not None
                    and data.striker_before.search(doc.folded, max(0, m.start - _STRIKER_BEFORE), m.start)
            ):
                # "قصف النظام", "regime bombing": the army that fired, not its
                # aircraft; a word that says who fired says how, and keeps its vote
                etype, generic = "shelling", False
            elif data.surface is not None:
                sent_end = doc.sentences[doc.sentence_of(m.start)][1] if doc.sentences else len(doc.folded)
                if data.surface.search(doc.folded, m.end, min(sent_end, m.end + data.surface_window)):
                    etype = "shelling"  # "قصف المرتزقة", "bombed by the army": a force with no aircraft
                elif data.sustained is not None and data.sustained.search(
                        doc.folded, m.end, min(sent_end, m.end + data.sustained_window)):
                    etype = "shelling"  # "قصف مكثف", "القصف مستمر": sustained fire on an area
        carried = bool(m.entry.get("carried"))
        if (etype == "missile_strike" or carried) and _air_launched(doc, data, m.start, m.end):
            etype = "air_strike"  # "Israeli missiles": fired from aircraft
        weight = float(m.entry.get("weight", 1.0))
        if (data.fired is not None and etype in _FIRED_TYPES and weight < _FIRED_WEIGHT
                and data.fired.search(doc.folded, max(0, m.start - 60), m.start)):
            weight = _FIRED_WEIGHT  # "اطلقت القوات عده صواريخ": fired, whatever they hit
        if doc.sentence_of(m.start) in hits:
            weight *= VERB_BOOST
        out.append(EventMention(m.start, m.end, doc.text[m.start:m.end], etype, weight,
                                generic=generic, carried=carried, landing=bool(m.entry.get("landing")),
                                airlift=bool(m.entry.get("airlift")) and not m.entry.get("landing")))
    doc.memo["all_events"] = tuple(out)
    return out


def find_weapons(doc: TextDoc) -> list[WeaponMention]:
    """Weapons named in the text, with the event type each implies."""
    data = _data(_lang(doc))
    out = []
    for m in data.weapons.finditer(doc.folded):
        etype, carried = m.entry.get("event_type"), bool(m.entry.get("carried"))
        if (etype == "missile_strike" or carried) and _air_launched(doc, data, m.start, m.end):
            etype = "air_strike"  # "Israeli missiles": fired from aircraft
        out.append(WeaponMention(m.start, m.end, doc.text[m.start:m.end], m.entry.label, etype, carried=carried))
    doc.memo["all_weapons"] = tuple(out)
    return out


def weapon_operators(weapon: str, lang: str = "en") -> list[str]:
    """Actors known to use a canonical weapon (data: weapons.toml ``operators``)."""
    return list(_weapon_ops(lang).get(weapon, ()))


@lru_cache(maxsize=4)
def _weapon_ops(lang: str) -> dict[str, tuple[str, ...]]:
    return {w["name"]: tuple(w.get("operators", ())) for w in load_toml(lang, "weapons")["weapon"]}


def find_aircraft(doc: TextDoc) -> list[AircraftMention]:
    """Aircraft types (and generic warplanes/helicopters/drones) with operators."""
    data = _data(_lang(doc))
    out = []
    for m in data.aircraft.finditer(doc.folded):
        e = m.entry
        out.append(
            AircraftMention(
                m.start, m.end, doc.text[m.start:m.end], e.label,
                kind=e.get("kind", "fixed_wing"), operators=list(e.get("operators", ())),
            )
        )
    doc.memo["all_aircraft"] = tuple(out)
    return out


# A proper name before a facility word: capitalised tokens (and al-/el-
# particles), e.g. "Idlib National Hospital", "al-Quds hospital".
_NAME_LEFT = re.compile(r"((?:(?:[A-Z][\w'\-]*|(?:al|el|Al|El|Ar|as|ad|an|ash)-[A-Z]?[\w'\-]*|of|de|bin|ibn)\s+){1,5})$")
_NAME_DROP = frozenset({"the", "a", "an", "of", "in", "at", "on", "and", "its", "their", "his", "her"})


def _target_name(doc: TextDoc, start: int, end: int, stop: frozenset[str]) -> str | None:
    """The proper name of a facility ending at [start, end), if the text gives one."""
    m = _NAME_LEFT.search(doc.text, max(0, start - 80), start)
    if not m:
        return None
    words = m.group(1).split()
    # Stop at demonyms/actors and sentence-initial articles ("Israeli", "The").
    keep: list[str] = []
    for w in reversed(words):
        if w.lower() in stop or w.lower() in _NAME_DROP:
            break
        keep.append(w)
    keep.reverse()
    if not keep:
        return None
    name_start = start - len(" ".join(keep)) - 1
    if name_start < 0 or doc.text[name_start:start].strip() != " ".join(keep):
        # White space was irregular: rebuild from the matched text.
        return " ".join(keep + [doc.text[start:end]])
    return doc.text[name_start + 0:end].strip()


# Between two target words, a locative preposition makes the second one the
# place of the first ("a home on Yarmouk Street", "a house near the school").
_LOCATIVE = re.compile(
    r"\b(?:in|on|at|near|inside|beside|behind|opposite|next to|close to|in front of|located|along|off|by"
    r"|(?:north|south|east|west)(?:east|west)?(?:ern)?\s+of|outskirts\s+of|vicinity\s+of)\b"
)
#: How far (characters) after a target a locative may make the next target its place.
_PLACE_GAP = 40
#: How far (characters) before a populated place its strike verb may stand.
_AREA_WINDOW = 60
#: Target types that are people: followed by "said" they are a source.
_PERSON_TARGETS = frozenset({"medical_personnel", "aid_facility"})
#: Target types that may be the subject of rescue work told after a strike.
_AGENT_TARGETS = frozenset({"medical_personnel", "medical_transport", "aid_facility"})
# "east of the X camp": the attack was near the camp, not in it.
_NEAR_PLACE = re.compile(r"\b(?:(?:north|south|east|west)(?:east|west)?(?:ern)?|near|outskirts|close to|next to|outside|vicinity)\b(?: of)?\s+(?:the\s+)?[\w'\- ]{0,30}$")


#: How far (characters) a listed target may stand from the one before it.
_LIST_GAP = 40
_LIST_CUT = re.compile(r"[.;:!?\n]")
_LIST_TAIL = re.compile(r"(?:[,\u060c]|\band|\bor)\s*$")


def _listed(folded: str, prev_end: int, start: int, locative: re.Pattern[str], block: re.Pattern[str]) -> bool:
    """Whether the target at ``start`` goes on a list whose previous item,
    ending at ``prev_end``, was hit: a comma or "and" (Arabic و on the word)
    between them, and nothing that says where or what else."""
    if prev_end < 0 or not 0 <= start - prev_end <= _LIST_GAP:
        return False
    if any(p.search(folded, prev_end, start) for p in (_LIST_CUT, locative, block)):
        return False
    return bool(_LIST_TAIL.search(folded, prev_end, start)) or folded.startswith("\u0648", start)


def find_targets(doc: TextDoc, events: Sequence[EventMention] | None = None) -> list[TargetMention]:
    """Targets that were hit, not every mention: a target word shortly after
    a hit word of its sentence ("an airstrike on their home"), with nothing
    like "taken to" in between, or followed by "was hit/destroyed...", or
    listed right after a target that was hit ("..., and the school").
    Camps and farmland (``located``) count when a strong attack cue shares
    the sentence. A town or neighbourhood (``area``) counts only as what the
    strike was aimed at, and only when nothing more precise was hit.
    Rescuers at work, sources, claims and bare "sites" are left out."""
    data = _data(_lang(doc))
    folded = doc.folded
    locative = data.locative or _LOCATIVE
    near_place = data.near_place or _NEAR_PLACE
    strong: set[int] | None = None
    out: list[TargetMention] = []
    prev_end = -1  # end of the previous target word: "a home on X Street" locates, not lists
    story = story_weights(doc)
    areas: set[int] = set()
    listed_areas: set[int] = set()  # areas that head a list of what was hit: they stay
    hit_end = -1  # end of the last target found hit: a list goes on from it
    for m in data.targets.finditer(folded):
        if story and story[doc.sentence_of(m.start)] < 1.0:
            continue  # another story's teaser line
        sent = doc.sentences[doc.sentence_of(m.start)] if doc.sentences else (0, len(folded))
        this_prev, prev_end = prev_end, m.end
        if m.entry.get("place_if_capitalised") and doc.text[m.start].isupper() and m.start != sent[0]:
            continue  # "Yarmouk Street", "Martyrs' Roundabout": a place name, not a target
        hit = False
        lo = max(sent[0], m.start - TARGET_WINDOW)
        last = None
        for h in data.hit_before.finditer(folded, lo, m.start):
            last = h
        if (
            last is not None
            and not data.hit_block.search(folded, last.end(), m.start)
            and not (this_prev > last.end() and locative.search(folded, this_prev, m.start))
        ):
            hit = True
        elif data.hit_after.match(folded, m.end, min(max(sent[1], m.end), m.end + 160)) and not (
            sent[0] <= this_prev and m.start - this_prev <= _PLACE_GAP and locative.search(folded, this_prev, m.start)
        ):
            hit = True  # (but "the X home on Y Street was hit": the street only says where the home stands)
        elif m.entry.get("located"):
            if strong is None:
                strong = {doc.sentence_of(e.start) for e in (events or ()) if e.weight >= 2}
                strong |= {doc.sentence_of(h.start()) for h in data.hit_before.finditer(folded)}
            lo_near = max(sent[0], m.start - 40)
            hit = (
                doc.sentence_of(m.start) in strong
                and not near_place.search(folded, lo_near, m.start)
                and not (data.located_block is not None and data.located_block.search(folded, lo_near, m.start))
            )
        if not hit and _listed(folded, hit_end, m.start, locative, data.hit_block):
            hit = True  # "the neighbourhoods of X, the Y school and the Z station": one list of what was hit
        if m.entry.get("area"):
            # A village, town or neighbourhood counts only as what the strike
            # was aimed at ("قصفت الطائرات قرية", "غارات على بلدة"), not as
            # where something else was hit ("سيارة في بلدة") or its outskirts.
            lo_area = max(sent[0], m.start - _AREA_WINDOW)
            hit = bool(
                (data.area_verb is not None and data.area_verb.search(folded, lo_area, m.start))
                or (hit and data.area_on is not None and data.area_on.search(folded, lo_area, m.start))
            )
        if not hit:
            continue
        if m.entry.get("near_is_place") and near_place.search(folded, max(sent[0], m.start - 40), m.start):
            continue  # "a strike near the X roundabout": the road only says where
        if data.earlier is not None and data.earlier.search(folded, max(sent[0], m.start - _EARLIER_GAP - 20), m.start):
            continue  # "hours after the massacre in the camps", "ردا على قصف المخيمات": another, earlier event
        ttype = m.entry.label
        if ttype in _PERSON_TARGETS and data.source_after.match(folded, m.end):
            continue  # "doctors said": a source, not a target
        if ttype in _AGENT_TARGETS and (
            (data.agent_after is not None and data.agent_after.match(folded, m.end))
            or (data.agent_before is not None and data.agent_before.search(folded, max(sent[0], m.start - 20), m.start))
        ):
            continue  # "rescuers retrieved a body": the rescue after the strike, not its target
        if ttype == "military" and data.claim_before.search(folded, sent[0], m.start):
            continue  # the attacker's account of what it hit
        if m.entry.get("owned") and not (data.owner_after is not None and data.owner_after.match(folded, m.end)):
            continue  # "مواقع" alone are sites of any kind; "مواقع لقوات النظام" are positions
        name = _target_name(doc, m.start, m.end, data.name_stop) if m.entry.get("name") else None
        if (out and len(out) - 1 in areas and not m.entry.get("area")
                and _listed(folded, out[-1].end, m.start, locative, data.hit_block)):
            listed_areas.add(len(out) - 1)  # "غارات على أحياء المدينة، ومدرسة النور": both were hit
        out.append(TargetMention(m.start, m.end, doc.text[m.start:m.end], ttype, name, is_protected(ttype)))
        hit_end = m.end
        if m.entry.get("area"):
            areas.add(len(out) - 1)
    areas -= listed_areas
    if areas and len(areas) < len(out):
        # A town struck says where people live was hit; a named building, farm
        # or vehicle says more precisely what was: it alone is the target.
        out = [t for i, t in enumerate(out) if i not in areas]
    return out


#: Weight of a cue in a teaser line: a short line of its own without end
#: punctuation that is not the document's first line (a related-story link, a
#: menu item, a caption), in a document that also has prose. Scraped pages
#: list other stories' headlines around the main one; the prose and the title
#: tell the main story.
TEASER_WEIGHT = 0.25
_TEASER_MAX_CHARS = 200
_PROSE_MIN_CHARS = 60


def story_weights(doc: TextDoc) -> list[float]:
    """Per sentence of ``doc``: 1.0, or TEASER_WEIGHT for a teaser line (worked out once per document)."""
    got = doc.memo.get("story_weights")
    if got is None:
        got = doc.memo["story_weights"] = _story_weights(doc)
    return list(got)  # a copy: callers may adjust their own


def _story_weights(doc: TextDoc) -> list[float]:
    text = doc.text
    n = len(doc.sentences)
    weights = [1.0] * n
    if n < 2 or "\n" not in text:
        return weights
    teaser: list[int] = []
    prose = False
    for i, (s, e) in enumerate(doc.sentences):
        ls = text.rfind("\n", 0, s) + 1
        le = text.find("\n", e)
        le = len(text) if le < 0 else le
        whole_line = not text[ls:s].strip() and not text[e:le].strip()
        # A line cut short ("...") is a teaser too, whatever its punctuation.
        ended = text[e - 1] in ".!?\"'" and not text[s:e].endswith(("...", "\u2026"))
        if whole_line and ls > 0 and e - s <= _TEASER_MAX_CHARS and not ended:
            teaser.append(i)
        elif ended and e - s >= _PROSE_MIN_CHARS:
            prose = True
    if prose:
        for i in teaser:
            weights[i] = TEASER_WEIGHT
    return weights


def _distance_factor(doc: TextDoc, start: int, near: tuple[int, int] | None) -> float:
    if near is None:
        # Document level: the lead (title/first sentences) says what happened.
        idx = doc.sentence_of(start)
        return 1.5 if idx == 0 else 1.2 if idx <= 2 else 1.0
    a, b = doc.sentence_of(near[0]), doc.sentence_of(max(near[0], near[1] - 1))
    idx = doc.sentence_of(start)
    gap = 0 if a <= idx <= b else min(abs(idx - a), abs(idx - b))
    return (1.0, 0.6, 0.35)[gap] if gap < 3 else 0.15


#: Votes that aircraft kinds give to an event type.
_AIRCRAFT_VOTE = {"fixed_wing": ("air_strike", 1.5), "helicopter": ("air_strike", 2.0), "drone": ("drone_strike", 2.0)}
#: Event types that say how a strike was delivered (a generic cue yields to them).
_HOW_TYPES = frozenset({"air_strike", "drone_strike", "shelling", "missile_strike"})
#: Event types whose votes go to drone_strike in a sentence that names a drone (its payload).
_DRONE_PAYLOAD = frozenset({"explosive_device", "missile_strike"})
#: Weight of a weapon's implied event type.
_WEAPON_VOTE = 1.5


#: A chemical cue at least this strong decides the type: chemical munitions
#: are delivered by shells, rockets or bombs, whose cues say only how.
_CHEMICAL_DECIDES = 2.5
#: Likewise an abduction cue over the ground-attack cues of how it was done
#: ("armed men ambushed the convoy and kidnapped two drivers").
_ABDUCTION_DECIDES = 2.5


def event_scores(
    doc: TextDoc,
    events: Sequence[EventMention],
    weapons: Sequence[WeaponMention],
    aircraft: Sequence[AircraftMention],
    near: tuple[int, int] | None = None,
) -> dict[str, float]:
    """Weighted votes per event type (exposed for confidence and debugging)."""
    scores: dict[str, float] = defaultdict(float)
    events, aircraft, airlifted = _landing(events, aircraft)
    # Missiles fired from aircraft make an air strike ("warplanes fired
    # missiles at", "an aerial strike with missiles"): in a sentence that also
    # has a strong air cue or an aircraft, missile votes go to air_strike.
    air_sents = {doc.sentence_of(e.start) for e in events if e.event_type == "air_strike" and e.weight >= 2}
    air_sents |= {doc.sentence_of(a.start) for a in aircraft if a.kind != "drone"}

    # Likewise an explosive a drone carries ("an explosive device dropped from
    # a drone", "an explosives-laden drone detonated") or a missile it fires:
    # in a sentence that names a drone, their votes go to drone_strike.
    drone_sents = {doc.sentence_of(e.start) for e in events if e.event_type == "drone_strike" and e.weight >= 2}
    drone_sents |= {doc.sentence_of(a.start) for a in aircraft if a.kind == "drone"}

    # A bare "rocket" (data: ``carried``) fired in such a sentence is the
    # aircraft's too ("عدوانا جويا بالصواريخ").
    def kind(etype: str, start: int, carried: bool = False) -> str:
        if (etype == "missile_strike" or carried) and doc.sentence_of(start) in air_sents:
            return "air_strike"
        if etype in _DRONE_PAYLOAD and doc.sentence_of(start) in drone_sents:
            return "drone_strike"
        return etype

    story = story_weights(doc)

    def factor(start: int) -> float:
        return _distance_factor(doc, start, near) * (story[doc.sentence_of(start)] if story else 1.0)

    # A generic word ("قصف", bombardment) says only that something was fired;
    # where the text also says how (a shell, a warplane, a rocket launcher),
    # it refers back to that and adds no vote of its own.
    if any(e.generic for e in events):
        if (any(w.event_type in _HOW_TYPES for w in weapons) or aircraft
                or any(not e.generic and e.event_type in _HOW_TYPES for e in events)):
            events = [e for e in events if not e.generic]
        elif near is not None:
            # One incident of several, told here with generic words only: they
            # refer to the means the rest of the text names, the nearest counting most.
            how = _how_elsewhere(doc, near)
            if how:
                events = [replace(e, event_type=how) if e.generic else e for e in events]
    for e in events:
        scores[kind(e.event_type, e.start, e.carried)] += e.weight * factor(e.start)
    for w in weapons:
        if w.event_type:
            scores[kind(w.event_type, w.start, w.carried)] += _WEAPON_VOTE * factor(w.start)
    for a in aircraft:
        etype, weight = _AIRCRAFT_VOTE.get(a.kind, ("air_strike", 1.0))
        scores[etype] += weight * factor(a.start)
    for a in airlifted:
        scores["ground_attack"] += _AIRCRAFT_VOTE["helicopter"][1] * factor(a.start)
    return dict(scores)


def _landing(
    events: Sequence[EventMention], aircraft: Sequence[AircraftMention],
) -> tuple[Sequence[EventMention], Sequence[AircraftMention], list[AircraftMention]]:
    """A heliborne landing is fought on the ground: where ``events`` tell one
    (a ``landing`` cue), its helicopters and bare "raid" words (``airlift``
    cues) are the landing's. Returns the events (those retyped), the aircraft
    that still vote for their own kind, and the helicopters that flew the landing."""
    if not any(e.landing for e in events):
        return events, aircraft, []
    events = [replace(e, event_type="ground_attack") if e.airlift else e for e in events]
    return events, [a for a in aircraft if a.kind != "helicopter"], [a for a in aircraft if a.kind == "helicopter"]


def _how_elsewhere(doc: TextDoc, near: tuple[int, int]) -> str | None:
    """The event type that the whole document's specific means (cues,
    weapons, aircraft: not generic words) vote for, scored by event_scores
    around ``near`` (so the nearest count most, and missiles fired from
    aircraft are the air strike's)."""
    weapons = doc.memo.get("all_weapons")
    aircraft = doc.memo.get("all_aircraft")
    votes = event_scores(
        doc,
        [e for e in doc.memo.get("all_events", ()) if not e.generic and e.event_type in _HOW_TYPES],
        [w for w in (find_weapons(doc) if weapons is None else weapons) if w.event_type in _HOW_TYPES],
        find_aircraft(doc) if aircraft is None else aircraft,
        near,
    )
    if not votes:
        return None
    return max(votes, key=lambda t: votes[t])


def event_type(
    doc: TextDoc,
    events: Sequence[EventMention],
    weapons: Sequence[WeaponMention],
    aircraft: Sequence[AircraftMention],
    near: tuple[int, int] | None = None,
) -> str | None:
    """The main event type around span ``near`` (None: the whole document)
    by weighted vote; None when nothing says how harm was done.

    A strong chemical cue decides (the carrier is only the means). With no
    cue at all but words of violence ("killed by unknown men", "injured in
    an incident"), a ground attack: harm done with no weapon worth naming
    is most often done at close range."""
    scores = event_scores(doc, events, weapons, aircraft, near)
    if not scores:
        return "ground_attack" if _violence_kinds(doc).keys() & {"harm", "act"} else None
    if scores.get("chemical_attack", 0.0) >= _CHEMICAL_DECIDES:
        return "chemical_attack"
    order = {t: i for i, t in enumerate(EVENT_TYPES)}
    top = max(scores, key=lambda t: (scores[t], -order.get(t, 99)))
    if top == "ground_attack" and scores.get("abduction", 0.0) >= _ABDUCTION_DECIDES:
        # "Armed men ambushed the convoy and kidnapped two drivers at gunpoint":
        # ground cues in a sentence that says someone was abducted are how it
        # was done. Abduction wins unless ground cues elsewhere outweigh it.
        taken = {doc.sentence_of(e.start) for e in events if e.event_type == "abduction" and e.weight >= 2}
        rest = [e for e in events if not (e.event_type == "ground_attack" and doc.sentence_of(e.start) in taken)]
        weapons_rest = [w for w in weapons if doc.sentence_of(w.start) not in taken]
        again = event_scores(doc, rest, weapons_rest, aircraft, near)
        if again.get("abduction", 0.0) >= again.get("ground_attack", 0.0):
            return "abduction"
    return top


def _violence_kinds(doc: TextDoc) -> dict[str, float]:
    """Kinds of violence words (events.toml ``violence``) in ``doc``, each with its strongest weight."""
    got = doc.memo.get("violence_kinds")
    if got is None:
        got = doc.memo["violence_kinds"] = _find_violence_kinds(doc)
    return got


def _find_violence_kinds(doc: TextDoc) -> dict[str, float]:
    data = _data(_lang(doc))
    kinds: dict[str, float] = {}
    for m in data.violence.finditer(doc.folded, doc.text):
        w = float(m.entry.get("weight", 1.0))
        kinds[m.entry.label] = max(kinds.get(m.entry.label, 0.0), w)
    return kinds


def describes_attack(doc: TextDoc, events: Sequence[EventMention], has_casualties: bool) -> bool:
    """Whether the document reports an attack (any canonical event type,
    abduction included) rather than a protest, a statement, an agreement, an
    arrest, a disaster or a troop movement."""
    return attack_score(doc, events, has_casualties) >= ATTACK_THRESHOLD


#: Attack evidence from violence words that do not say how harm was done
#: (events.toml ``violence``): harm words count less when a casualty figure
#: already counted; act words fill in when the typed cues are weak; armed
#: actors count only together with harm or act words.
_HARM_WITH_FIGURE = 0.5
_HARM_ALONE = 1.9
_TYPED_STRONG = 2.5  # typed evidence up to which violence words fill in fully
_VIOLENCE_DAMP = 0.4
_NONATTACK_FACTOR = 0.8
_NONATTACK_CAP = 6.0
_NONATTACK_WITH_TOLL = 0.5


def attack_score(doc: TextDoc, events: Sequence[EventMention], has_casualties: bool) -> float:
    """Attack evidence minus non-attack evidence (see describes_attack)."""
    data = _data(_lang(doc))
    per_type: dict[str, float] = defaultdict(float)
    for e in events:
        per_type[e.event_type] += e.weight
    # Repetition of one type counts, but with diminishing returns.
    typed = sum(min(v, 4.0) for v in per_type.values())
    attack = typed
    if has_casualties:
        attack += 1.5
    kinds = _violence_kinds(doc)
    violence = 0.0
    if "harm" in kinds:
        violence += _HARM_WITH_FIGURE if has_casualties else _HARM_ALONE * kinds["harm"]
    if "act" in kinds:
        violence += kinds["act"]
    if "armed" in kinds and ("harm" in kinds or "act" in kinds):
        violence += kinds["armed"]
    # Violence words fill in for weak or absent typed cues; next to strong
    # ones they add little (and would only echo them). Never decreasing in
    # ``typed``: the fill-in shrinks exactly as fast as typed evidence grows.
    fill = min(violence * (1.0 - _VIOLENCE_DAMP), max(0.0, _TYPED_STRONG - typed))
    attack += violence * _VIOLENCE_DAMP + fill
    nonattack = 0.0
    for m in data.nonattack.finditer(doc.folded):
        if m.entry.label == "nonattack" and doc.text[m.start].isupper() and doc.folded[m.start:m.end] == "march":
            continue  # "March", capitalised, is the month
        nonattack += float(m.entry.get("weight", 1.0))
    factor = _NONATTACK_FACTOR
    if has_casualties and typed >= _TYPED_STRONG:
        # a toll and a named means of attack: arrests in the raid that killed,
        # the truce the shelling broke, are the attack's context, not another event
        factor *= _NONATTACK_WITH_TOLL
    return attack - factor * min(nonattack, _NONATTACK_CAP)

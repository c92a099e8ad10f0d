"""Place names in English text, resolved against the gazetteer.

Two steps, both pure and deterministic:

* :func:`find_places` scans capitalised name phrases ("Maarat al-Numan",
  "al-Bab", "Idlib National Hospital"), finds the longest word n-grams the
  gazetteer knows, and chooses one gazetteer entry for each. Choice weighs,
  in order: the document's countries (country names, nationality words,
  names only one country has), its provinces (admin1 of the other places),
  what the words around say ("X province" is the region, "the town of X" a
  locality), then population.
* :func:`resolve_location` picks the incident's place among the mentions:
  the most specific one near the attack, else the most specific one of the
  document's lead.

Named sites ("Idlib National Hospital") are mentions with ``role="site"``
located at the town they name: the coordinates are the town's, so their
precision is ``locality`` (``exact`` is kept for gazetteer entries that are
sites themselves, such as airports).
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any, NamedTuple

from ..geo.gazetteer import (
    Gazetteer,
    Match,
    Place,
    admin_equal,
    arabic_key,
    haversine_km,
    name_key,
    phonetic_key,
    skeleton_key,
)
from ..model import Location
from .lexicon import alternation
from .mentions import PlaceMention
from .textutil import TextDoc

__all__ = ["find_places", "place_context", "resolve_location"]

_DATA = Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "context.toml"

_ARTICLE = r"(?:al|el|ad|ar|as|at|ash|az|an|ed|er|es|et|ez|en|ad-d|ul)"
# One word of a name: capitalised, or an article joined to a capitalised word ("al-Bab").
_WORD = rf"(?:{_ARTICLE}[-\u2010\u2011](?=[A-Z]))?[A-Z][\w'\u2019`\u02bf]*(?:-[A-Za-z][\w'\u2019`\u02bf]*)*"
# Lower-case joining words of French, Spanish, Portuguese and Italian names
# ("Port au Prince", "Boucle du Mouhoun", "Rio de Janeiro"): inside a phrase only.
_JOINER = r"(?:au|aux|du|de|des|la|le|les|da|do|dos|das|di|del|della)"
# Words of one phrase, with lower-case articles or joining words between them
# ("Deir ez Zor", "Ras al Ain").
_PHRASE = re.compile(rf"{_WORD}(?:[ \t]+(?:(?:{_ARTICLE}|{_JOINER})[ \t]+)?{_WORD})*")
_WORD_RE = re.compile(rf"(?:(?:{_ARTICLE}|{_JOINER})[ \t]+)?{_WORD}")
_PRECISION = {
    "campus": "exact", "neighbourhood": "locality", "locality": "locality",
    "county": "district", "region": "region", "country": "country",
}
_MAX_NGRAM = 5


@dataclass(frozen=True)
class _Context:
    """The compiled vocabulary of ``context.toml``."""

    cue_before: re.Pattern[str]
    kind_after: dict[str, str]
    kind_after_re: re.Pattern[str]
    kind_before: dict[str, str]
    kind_before_re: re.Pattern[str]
    site_after_re: re.Pattern[str]
    site_heads: frozenset[str]
    org_after_re: re.Pattern[str]
    person_before_re: re.Pattern[str]
    stopwords: frozenset[str]
    person_names: frozenset[str]
    demonyms: dict[str, str]
    demonym_re: re.Pattern[str]
    country_aliases: dict[str, str]
    never: frozenset[str]
    org_before_re: re.Pattern[str]
    generic_heads: frozenset[str]
    hints: dict[str, list[str]]
    hint_re: re.Pattern[str]
    variant_countries: frozenset[str] = frozenset()
    cue_words: frozenset[str] = frozenset()
    care_before: re.Pattern[str] | None = None
    care_after: re.Pattern[str] | None = None
    care_words: re.Pattern[str] | None = None


def _alt(words: list[str]) -> str:
    return alternation(words, r"[\s-]+")


@lru_cache(maxsize=1)
def place_context() -> _Context:
    """Load and compile ``data/gazetteer/context.toml`` once."""
    with open(_DATA, "rb") as fh:
        d: dict[str, Any] = tomllib.load(fh)
    return _Context(
        cue_before=re.compile(rf"(?:^|\W)(?:{_alt(d['cue_before'])})\W{{1,3}}(?:the\s+)?$"),
        kind_after=d["kind_after"],
        kind_after_re=re.compile(rf"^[\s,'-]*({_alt(list(d['kind_after']))})\b"),
        kind_before=d["kind_before"],
        kind_before_re=re.compile(rf"\b({_alt(list(d['kind_before']))})\s+(?:the\s+)?$"),
        site_after_re=re.compile(rf"^[\s'-]*(?:s\s+)?({_alt(d['site_heads'])})\b"),
        site_heads=frozenset(d["site_heads"]),
        org_after_re=re.compile(rf"^[\s'-]*(?:s\s+)?(?:{_alt(d['org_after'])})\b"),
        person_before_re=re.compile(rf"\b(?:{_alt(d['person_before'])})\.?\s+$"),
        stopwords=frozenset(d["stopwords"]) | frozenset(d["person_names"]),
        person_names=frozenset(d["person_names"]),
        demonyms=d["demonyms"],
        demonym_re=re.compile(rf"\b({_alt(list(d['demonyms']))})\b"),
        country_aliases=d["country_aliases"],
        never=frozenset(name_key(n) for n in d["never_places"]),
        org_before_re=re.compile(rf"\b(?:{_alt(d['org_before'])})\s+(?:in|of|for)\s+(?:the\s+)?$"),
        generic_heads=frozenset(d["generic_heads"]),
        hints={k.replace("-", " "): v for k, v in d["country_hints"].items()},
        hint_re=re.compile(rf"\b({_alt(list(d['country_hints']))})\b"),
        variant_countries=frozenset(d.get("variant_countries", [])),
        cue_words=frozenset(w for w in d["cue_before"] if " " not in w),
        care_before=re.compile(rf"\b(?:{_alt(d['care_verbs'])})\b[^.;:!?\n]{{0,50}}?\b(?:to|into|at)\b"
                               rf"(?P<gap>[^.;:!?\n]{{0,50}})$"),
        care_after=re.compile(rf"[\w\s'\u2019-]{{0,20}}?\b(?:{_alt(d['care_places'])})\b"),
        care_words=re.compile(_alt(d["care_places"])),
    )


@dataclass
class _Cand:
    """A name found in the text with its gazetteer matches, before choice."""

    start: int
    end: int
    text: str
    matches: list[Match]
    kind: str | None = None  # region | county | locality | any: what the words around say
    cue: bool = False
    site: str | None = None  # the site head when the name is part of a named site
    multiword: bool = False
    reference: bool = False  # named to locate another place ("X غرب مدينة Y": Y)
    reference_km: float | None = None  # the distance the text gives ("X, 30 km east of Y")
    listed: bool = False  # followed by a comma and the next name of an address ("X, Province, Country")
    arabic: bool = False  # found in Arabic text
    voting: list[Match] | None = None  # the matches that vote for countries, when not ``matches``
    sounded: bool = False  # read by its sound (Arabic letters to Latin consonants): no vote


# --------------------------------------------------------------------------
# finding


def _ngram_spans(words: list[tuple[int, int]], text: str, gaz: Gazetteer, ctx: _Context,
                 ) -> list[tuple[int, int]]:
    """Greedy longest-first n-grams of a phrase's words that the gazetteer knows."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        found = 0
        for n in range(min(_MAX_NGRAM, len(words) - i), 0, -1):
            s, e = words[i][0], words[i + n - 1][1]
            if text.endswith(("'s", "\u2019s"), s, e) and e - s > 4:
                e -= 2  # "Kabul's", "Latakia's suburbs": the possessive is no part of the name
            name = text[s:e]
            if n == 1 and _fold_word(name) in ctx.stopwords:
                continue
            if gaz.has_name(name):
                if (n == 1 and i + 1 < len(words) and _fold_word(name) in ctx.generic_heads
                        and _fold_word(text[words[i + 1][0]:words[i + 1][1]]) not in _KIND_WORDS):
                    # "Wadi Awmran", "Tel Shenan": an unknown name opened by a
                    # generic head; neither the head nor the rest is the place
                    found = 2
                    break
                out.append((s, e))
                found = n
                break
        i += found or 1
    return out


#: Words after a name that say what it is rather than continue it.
_KIND_WORDS = frozenset([
    "city", "town", "village", "villages", "camp", "area", "district", "province", "governorate",
    "countryside", "region", "neighbourhood", "neighborhood", "suburb", "subdistrict", "municipality",
])


def _org_phrase(rest: str, ctx: _Context) -> bool:
    """Whether the rest of a capitalised phrase after a name makes it an
    organisation's name: it ends in an organisation word ("Corps", "News",
    "Health Ministry") and not in a site's head ("National Hospital")."""
    rest = rest.strip()
    if not rest or any(rest.endswith(h) for h in ctx.site_heads):
        return False
    last = rest.rsplit(None, 1)[-1]
    m = ctx.org_after_re.match(last)
    return m is not None and m.end() == len(last)


def _verb_like(word: str, ctx: _Context) -> bool:
    """A capitalised word opening a headline or sentence that tells what was
    done ("Targeting", "Shelling", "Raids"): a cue word or an -ing form, not
    a given name before a family name."""
    return word in ctx.cue_words or (len(word) > 5 and word.endswith("ing"))


def _is_person(name: str, ctx: _Context) -> bool:
    """A name made of a personal name and more ("Mahmoud Hussein")."""
    words = [w for w in re.split(r"[\s-]+", name.lower()) if w]
    return len(words) > 1 and words[0] in ctx.person_names


def _norm_space(s: str) -> str:
    return re.sub(r"[\s-]+", " ", s)


def _fold_word(s: str) -> str:
    return s.lower().replace("\u2019", "'")


def _country_of_name(name: str, gaz: Gazetteer, ctx: _Context) -> str | None:
    key = name.lower()
    if key in ctx.country_aliases:
        return ctx.country_aliases[key]
    for m in gaz.matches(name, loose=False):
        if m.place.placetype == "country" and _pkey(m.place.name) == _pkey(name):
            # the country's own name up to spelling, not one of its many
            # alternate names ("Aya", a given name, is no name of Yemen's)
            return m.place.country
    return None


#: Words before a name inside one capitalised phrase that still leave it a
#: place ("Eastern Ghouta", "Old Aleppo"); any other unmatched capitalised
#: word there is most often a given name ("Azmi Al-Jamal").
_QUALIFIERS = frozenset([
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "northeast", "northwest", "southeast", "southwest", "north-east", "north-west", "south-east",
    "south-west", "northeastern", "northwestern", "southeastern", "southwestern", "greater",
    "old", "new", "upper", "lower", "rural", "downtown", "outer", "inner", "middle", "occupied",
    "besieged", "liberated", "the", "in", "on", "at", "near", "and", "of", "from", "to",
])
_HINT_WEIGHT = 1.0  # "Houthi", "YPG", "Euphrates": the conflict's country, weakly
_DEMONYM_WEIGHT = 0.3  # "Israeli strike", "Russian jets": nationality words name attackers as often as places


def _acronym(name: str, text: str, s: int, e: int) -> bool:
    """An all-capitals short word in running text ("ANP", "IED", "ABC"):
    an abbreviation, not a place (a headline in capitals keeps its names)."""
    if not (name.isupper() and len(name) <= 5 and name.isalpha()):
        return False
    around = text[max(0, s - 30):s] + text[e:e + 30]
    return any(ch.islower() for ch in around)


#: What stands between a place and another named to locate it ("Y, 35 km
#: north-east of X", "Y camp south of X", "Y, 260 miles from the capital
#: X"): X is named to say where Y lies, and is not itself where it happened.
_EN_REFERENCE = re.compile(
    r"\s*(?:(?:village|town|city|camp|area|district|neighbou?rhood|region|base|commune|county|"
    r"municipality|province|countryside|payam|locality|farms?|airport|airbase)\s*)?,?\s*"
    r"(?:(?:about|some|around|approximately|nearly|roughly)\s+)?"
    r"(?:(?:\d[\d.,]*|a|an|one|two|three|four|five|six|ten|few)\s*-?\s*"
    r"(?:km|kms|kilomet(?:er|re)s?|miles?|mi|hours?|minutes?)\s+(?:to\s+the\s+)?"
    r"(?:(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:\s+of|\s+from)?|from)"
    r"|(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of)"
    r"\s+(?:the\s+)?(?:(?:provincial\s+)?(?:capital|city|town|village)(?:\s+of)?\s+)?$")


#: What stands between two names of one address ("X, Province, Country",
#: "X District, Y Province, Country"): a comma, and maybe the kind of the first.
#: A division the gazetteer does not know may stand between ("X, Eastern,
#: Saudi Arabia").
_ADDRESS_GAP = re.compile(
    r"\s*\)?\s*(?i:province|governorate|district|region|state|county|municipality|city|town|village)?"
    r"\s*,\s*(?:[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*){0,2}\s*,\s*)?")


#: A place said to lie in a province named after it ("X in Y countryside",
#: "X in the countryside of Y", "X badia in Y province").
_IN_PROVINCE_GAP = re.compile(r"\s+(?:[a-z]+\s+)?(?:in|of)\s+(?:the\s+)?(?:(?:countryside|province|governorate)\s+of\s+)?")


def _mark_addresses(cands: list[_Cand], text: str) -> None:
    for prev, c in pairwise(cands):
        prev.listed = bool(_ADDRESS_GAP.fullmatch(text, prev.end, c.start)) or (
            c.kind == "region" and bool(_IN_PROVINCE_GAP.fullmatch(text, prev.end, c.start)))
    if cands:
        cands[-1].listed = False


#: What ends an address: a comma, a bracket or a full stop after its last name.
_ADDRESS_END = re.compile(r"\s*[,;)\]]|\.(?:\s|$)")


def _address_areas(cands: list[_Cand], text: str) -> None:
    """The last name of an address ("in X, Guerrero, armed men...", "(X,
    Norte de Santander)") names the area X lies in: a province where one
    has the name, not a town of it elsewhere."""
    for prev, c in pairwise(cands):
        if not (prev.listed and not c.listed and c.kind is None and _ADDRESS_END.match(text, c.end)):
            continue
        top = c.matches[:20]
        regions = [m.place for m in top if m.place.placetype == "region"]
        # a province's capital stands for the province anyway ("Duma, Damascus")
        if regions and not any(m.place.placetype == "locality" and any(
                m.place.country == r.country and admin_equal(m.place.admin1, r.admin1) for r in regions)
                for m in top):
            c.kind = "region"


def _is_country(c: _Cand) -> bool:
    return bool(c.matches) and c.matches[0].place.placetype == "country"


def _addressed(cands: list[_Cand]) -> set[int]:
    """Indices of names that open or continue an address ending in a country name."""
    out: set[int] = set()
    ends_in_country = False
    for i in range(len(cands) - 1, -1, -1):
        c = cands[i]
        ends_in_country = _is_country(c) or (c.listed and ends_in_country)
        if ends_in_country and not _is_country(c):
            out.add(i)
    return out


#: What stands between a part of a town and the town ("X neighbourhood in
#: Y", "the X area of the town of Y", "X camp, Y").
_EN_PART_OF = re.compile(
    r"\s+(?:neighbou?rhoods?|quarter|area|camp|suburb)\s*,?\s*(?:in|of|at|near)?\s+(?:the\s+)?"
    r"(?:(?:city|town|village)\s+(?:of\s+)?)?")


_DISTANCE = re.compile(r"(\d[\d.,]*)\s*-?\s*(km|kms|kilomet|mi)")


def _distance_km(gap: str) -> float | None:
    """The distance in kilometres a locating phrase states, if any."""
    m = _DISTANCE.search(gap)
    if m is None:
        return None
    try:
        n = float(m.group(1).replace(",", ""))
    except ValueError:
        return None
    return n * 1.609 if m.group(2) == "mi" else n


def _known_site(text: str, s: int, e: int, gaz: Gazetteer) -> _Cand | None:
    """The gazetteer's site (a campus) named by ``text[s:e]``, else None."""
    name = text[s:e]
    sites = [m for m in gaz.matches(name, loose=False) if m.place.placetype == "campus"]
    if not sites:
        return None
    return _Cand(s, e, name, sites, kind="any", cue=True, multiword=True)


def _candidates(doc: TextDoc, gaz: Gazetteer, ctx: _Context) -> tuple[list[_Cand], dict[str, float]]:
    """Names with matches, and country evidence from demonyms and country names."""
    text, folded = doc.text, doc.folded
    countries: dict[str, float] = defaultdict(float)
    demonym_seen: dict[str, float] = defaultdict(float)
    for m in ctx.demonym_re.finditer(folded):
        if text[m.start()].isupper():
            cc = ctx.demonyms[m.group(1).replace("-", " ")]
            if demonym_seen[cc] < 1.0:
                demonym_seen[cc] += _DEMONYM_WEIGHT
                countries[cc] += _DEMONYM_WEIGHT
    hint_seen: dict[str, float] = defaultdict(float)
    for m in ctx.hint_re.finditer(folded):
        ccs = ctx.hints.get(m.group(1).replace("-", " "), [])
        for cc in ccs:
            if hint_seen[cc] < 2.0:
                hint_seen[cc] += _HINT_WEIGHT / len(ccs)
                countries[cc] += _HINT_WEIGHT / len(ccs)
    cands: list[_Cand] = []
    surnames: set[str] = set()
    for pm in _PHRASE.finditer(text):
        words = [(w.start(), w.end()) for w in _WORD_RE.finditer(text, pm.start(), pm.end())]
        # a leading "The" belongs to the sentence, not to the name
        while words and _fold_word(text[words[0][0]:words[0][1]]) in ("the", "a", "an", "in", "on", "at", "and"):
            words = words[1:]
        if not words:
            continue
        phrase_end = words[-1][1]
        if text[phrase_end:phrase_end + 2].lstrip(" ").startswith("@") or (
                words[0][0] > 0 and text[words[0][0] - 1] == "@"):
            continue  # an account's display name or handle ("Qalaat Al Mudiq@QalaatAlMudiq")
        after_phrase = folded[phrase_end:phrase_end + 40]
        is_org = bool(ctx.org_after_re.match(after_phrase))
        site_m = ctx.site_after_re.match(after_phrase)
        spans = _ngram_spans(words, text, gaz, ctx)
        if site_m and not any(e == phrase_end for _, e in spans):
            # a named site the gazetteer knows whole though its name alone is
            # no place ("Omar oil field": "Omar" is a given name)
            site = _known_site(text, words[0][0], phrase_end + site_m.end(), gaz)
            if site is not None:
                cands.append(site)
                continue
        covered = {w for sp in spans for w in range(len(words)) if sp[0] <= words[w][0] < sp[1]}
        person_end = -1  # where a name read as a person's ends: the next word is their family name
        for s, e in spans:
            name = text[s:e]
            before = folded[max(0, s - 40):s]
            after = folded[e:e + 40]
            single = " " not in name.strip() and "-" not in name
            if single and (len(name) < 3 and not any(ch.isdigit() for ch in name)):
                continue
            if single and _acronym(name, text, s, e):
                continue
            if ctx.person_before_re.search(before) or _is_person(name, ctx):
                surnames.add(_nkey(name))
                person_end = e
                continue
            if _nkey(name) in ctx.never:
                continue
            wi = next(i for i, w in enumerate(words) if w[0] == s)
            if wi > 0 and words[wi - 1][1] == person_end:
                # "named Manhal al-Akla": the given name was read as a person's
                surnames.add(_nkey(name))
                continue
            if wi > 0 and wi - 1 not in covered:
                prev = _fold_word(text[words[wi - 1][0]:words[wi - 1][1]])
                if prev in ctx.person_names or (
                        prev not in _QUALIFIERS and prev not in ctx.stopwords and not prev.endswith("'s")
                        and not _verb_like(prev, ctx)):
                    # "Azmi Al-Jamal", "Tala Abu Daqqa": a family name after a given name
                    surnames.add(_nkey(name))
                    continue
            cc = _country_of_name(name, gaz, ctx)
            if cc and s == words[0][0]:
                ob = ctx.org_before_re.search(before)
                if ob and text[s - len(before) + ob.start()].isupper():
                    # "Islamic Resistance in Iraq": part of a group's name
                    countries[cc] += 0.5
                    continue
            if e < phrase_end and not site_m and _org_phrase(folded[e:phrase_end], ctx):
                # "Rahman Corps", "Safa News": the name opens an organisation's
                if cc:
                    countries[cc] += 0.5
                continue
            if is_org and e == phrase_end:
                if cc:
                    countries[cc] += 0.5
                elif re.match(r"[\s'-]*(?:s\s+)?(?:family|families|clan|household)\b", after_phrase):
                    surnames.add(_nkey(name))
                continue
            matches = gaz.matches(name, loose=False)
            if not matches:
                continue
            if cc:
                # a country's name is the country ("Yemen", not a hamlet called Al Yaman)
                own = [m for m in matches if m.place.placetype == "country" and m.place.country == cc
                       and (_pkey(m.place.name) == _pkey(name) or name.lower() in ctx.country_aliases)]
                matches = own or matches
            cand = _Cand(s, e, name, matches, multiword=(" " in name.strip() or "-" in name))
            km = ctx.kind_after_re.match(after)
            if km:
                cand.kind = ctx.kind_after.get(_norm_space(km.group(1)), "any")
            kb = ctx.kind_before_re.search(before)
            if kb:
                cand.kind = ctx.kind_before.get(_norm_space(kb.group(1)), cand.kind)
            cand.cue = bool(km or kb or ctx.cue_before.search(before))
            if e < phrase_end:
                # the name opens a longer capitalised phrase: "Idlib National Hospital"
                rest = folded[e:phrase_end].strip()
                head = next((h for h in ctx.site_heads if rest.endswith(h)), None)
                if head:
                    cand.site = text[s:phrase_end]
            elif site_m:
                cand.site = text[s:phrase_end + site_m.end()]
                # a named site the gazetteer knows itself: "al-Tabqa airbase", "Tishrin dam"
                sites = [m for m in gaz.matches(cand.site, loose=False) if m.place.placetype == "campus"]
                if sites:
                    cand = _Cand(s, phrase_end + site_m.end(), cand.site, sites, kind="any", cue=True,
                                 multiword=True)
            if cc:
                countries[cc] += 2.0
            cands.append(cand)
    _mark_addresses(cands, text)
    if surnames:
        # a family name is one everywhere in the document, unless the words
        # around call it a place ("the village of X") or it opens an address
        # ending in a country ("in X, Eastern, Saudi Arabia")
        addressed = _addressed(cands)
        cands = [c for i, c in enumerate(cands)
                 if _nkey(c.text) not in surnames or c.kind not in (None, "any") or i in addressed]
    return cands, countries


def _mark_references(cands: list[_Cand], text: str, folded: str) -> None:
    """English names named to locate the name before them ("X, 30 km east
    of Y", "the X neighbourhood in Y": Y), and the addresses ("X, Province,
    Country"), among the names finally kept."""
    _mark_addresses(cands, text)
    for prev, c in pairwise(cands):
        c.reference, c.reference_km = False, None
        if c.start - prev.end > 60:
            continue
        if m := _EN_REFERENCE.match(folded, prev.end, c.start):
            c.reference = True
            c.reference_km = _distance_km(m.group())
        elif _EN_PART_OF.fullmatch(folded, prev.end, c.start):
            c.reference = True  # "the X neighbourhood of Y": X lies in Y
            c.reference_km = 0.0


# --------------------------------------------------------------------------
# choosing


def _kind_fit(kind: str | None, place: Place) -> float:
    if kind is None or kind == "any":
        return 0.0
    if kind == "region":
        return 1.0 if place.placetype == "region" else (0.3 if place.placetype == "county" else -0.6)
    if kind == "county":
        return 1.0 if place.placetype == "county" else -0.3
    return 0.6 if place.placetype in ("locality", "neighbourhood", "campus") else -0.8


#: What being an administrative unit adds to a place's prominence (in
#: decades of population): provinces and countries are named far more often
#: than their size says; a district's name is mostly its seat's, which claims it.
_ADMIN_WEIGHT = {"region": 2.5, "county": 0.0, "country": 3.0}


def _prominence(p: Place, population: int | None = None) -> float:
    """How likely a place is the one meant, all else equal: big towns and
    administrative units are named far more often than hamlets.
    ``population``: the population to count (default: the recorded one)."""
    pop = p.population if population is None else population
    base = 1.0 + math.log10(pop + 1) + _ADMIN_WEIGHT.get(p.placetype, 0.0)
    return base * base * base


_HAMLET = 1000


def _counted_population(p: Place, c: _Cand) -> int:
    """The population that counts for a match of ``c``: in Arabic text a
    hamlet's recorded population of a few souls says nothing (most villages
    have none recorded, and an Arabic name is shared by villages across the
    region), so under _HAMLET it counts as none."""
    return 0 if c.arabic and p.population < _HAMLET else p.population


_pkey = lru_cache(maxsize=1 << 16)(phonetic_key)
_nkey = lru_cache(maxsize=1 << 16)(name_key)  # a document names its places again and again


def _exact(m: Match, c: _Cand) -> bool:
    """The text spells the place's own name, up to transliteration (not one
    of its alternate names)."""
    return _pkey(m.place.name) == _pkey(c.text)


def _theatre(p: Place) -> bool:
    """From the closely covered theatres (the shipped WOF data and the
    project's curated places), where the reports strikewatch reads mostly are."""
    return not p.id.startswith("gn:")


def _claim(m: Match, c: _Cand) -> float:
    """How strongly one match claims a name: prominence, doubled for the
    place's own name, halved for a world locality known by that name only
    through GeoNames' many foreign alternate names; theatre places count
    half as much again."""
    p = m.place
    if not (m.spelled or c.arabic or _exact(m, c)):
        # a name only resembling one of the place's: a province or country
        # is named by its own names, and its weight as one says nothing here
        # ("Yei" is no spelling of Abyan's)
        base = 1.0 + math.log10(_counted_population(p, c) + 1)
        return base * base * base * 0.5
    f = 2.0 if _exact(m, c) else (0.5 if p.id.startswith("gn:") else 1.0)
    return _prominence(p, _counted_population(p, c)) * f * (1.5 if _theatre(p) else 1.0)


def _evidence(cands: list[_Cand], countries: dict[str, float]
              ) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    """Country and province weights: each name spreads one vote over the
    countries (provinces) its matches lie in, so a name found in one country
    only is strong evidence, a common one weak. Well-known names (big towns,
    provinces) vote more than names only hamlets share."""
    cw: dict[str, float] = defaultdict(float, countries)
    aw: dict[tuple[str, str], float] = defaultdict(float)
    # a document names a place again and again: one name's votes are reckoned once
    votes: dict[tuple[Any, ...], tuple[list[tuple[str, float]], list[tuple[tuple[str, str], float]]]] = {}
    for c in cands:
        if c.sounded:
            continue  # a loose reading says nothing of the document's country
        top = (c.voting or c.matches)[:60]
        key = (c.text, c.cue, c.multiword, *map(id, top))
        vote = votes.get(key)
        if vote is None:
            vote = votes[key] = _votes(c, top)
        for cc, v in vote[0]:
            cw[cc] += v
        for r, v in vote[1]:
            aw[r] += v
    return cw, aw


def _votes(c: _Cand, top: list[Match]) -> tuple[list[tuple[str, float]], list[tuple[tuple[str, str], float]]]:
    """One name's votes for countries and for provinces (see :func:`_evidence`)."""
    weight = 1.0 if c.cue or c.multiword else 0.5
    best = max(m.place.population for m in top)
    weight *= 0.4 + 0.6 * min(1.0, math.log10(best + 1) / 6.0)
    claims = [_claim(m, c) for m in top]
    if c.kind not in (None, "any") and not c.arabic:
        # "the X refugee camp" is no province's name, "X province" no town's
        claims = [pr * (0.2 if _kind_fit(c.kind, m.place) < 0 else 1.0) for m, pr in zip(top, claims)]
    # each country's claim on the name: its most prominent place of that name
    claim: dict[str, float] = {}
    for m, pr in zip(top, claims):
        if pr > claim.get(m.place.country, 0.0):
            claim[m.place.country] = pr
    total = sum(claim.values())
    rclaim: dict[tuple[str, str], float] = {}
    for m, pr in zip(top, claims):
        if m.place.admin1:
            r = (m.place.country, m.place.admin1)
            rclaim[r] = max(rclaim.get(r, 0.0), pr)
    rtotal = sum(rclaim.values())
    return ([(cc, weight * pr / total) for cc, pr in claim.items()],
            [(r, weight * pr / rtotal) for r, pr in rclaim.items()])


def _score(m: Match, c: _Cand, cw: dict[str, float], aw: dict[tuple[str, str], float],
           ctotal: float, atotal: float, top: str | None) -> float:
    p = m.place
    s = 0.0
    if ctotal:
        s += 3.0 * cw.get(p.country, 0.0) / ctotal
    if p.country == top:
        s += 2.0
    if atotal and p.admin1:
        s += 1.5 * aw.get((p.country, p.admin1), 0.0) / atotal
    s += math.log10(_counted_population(p, c) + 1) / 7.0
    if _exact(m, c):
        s += 0.4  # many loose alternate names: prefer a place's own name
    s += _kind_fit(c.kind, p)
    if p.placetype == "region" and c.kind is None:
        s -= 0.2  # a bare "Idlib" is more often the city than the province
    if p.placetype in ("county",) and c.kind is None:
        s -= 0.3
    return s


_NEAR_KM = 60.0


def _near_bonus(p: Place, anchors: list[tuple[str, float, float]], own: str) -> float:
    """Places of one report lie together: a match near the other names'
    choices ("Jobar" beside "Damascus") gains."""
    n = 0
    for key, lat, lon in anchors:
        if key == own or abs(p.lat - lat) > 0.6 or abs(p.lon - lon) > 0.9:
            continue  # 0.6 degrees of latitude is over 60 km: skip the trigonometry
        if haversine_km(p.lat, p.lon, lat, lon) <= _NEAR_KM:
            n += 1
            if n == 2:
                break
    return 0.5 * n


#: Evidence for a country (country names, nationality words, hints, the
#: places spelled as the gazetteer spells them) that points the text there.
_POINT_MIN = 0.3
_POINT_SHARE = 0.25
#: Evidence that points the text clearly somewhere: past it, a variant
#: spelling elsewhere is never taken on trust.
_POINT_CLEAR = 1.0


def _refuse_stray_variants(cands: list[_Cand], countries: dict[str, float], ctx: _Context) -> list[_Cand]:
    """Spelling variants only where they are expected (English text). A
    name that is none of a place's own spellings but only resembles one
    ("Sania": Sanya; "Luuq": Lutsk's Polish "Łuck") is that place only

    * in a country the text points to: its country names, nationality
      words, conflict hints, and the places it names (with a cue word or
      in several words) as the gazetteer spells them, or in variants found
      in one such country only ("Deir Ezzor"); or
    * when the text points clearly nowhere, in a country whose names reach
      English in many spellings (``variant_countries``), and there only as
      another spelling of the place's own name ("Duma": Douma), or of an
      alternate name when the name can be no other country's place.

    Names left with no match are no places."""
    if not any(not m.spelled for c in cands for m in c.matches):
        return cands
    cw: dict[str, float] = defaultdict(float, countries)
    voted: set[str] = set()
    for c in cands:
        key = _nkey(c.text)
        spelled = [m for m in c.matches[:60] if m.spelled]
        if not spelled and len({m.place.country for m in c.matches}) == 1 \
                and c.matches[0].place.country in ctx.variant_countries:
            spelled = c.matches[:60]  # "Deir Ezzor": a variant, but of that country's places only
        # each name once (a family name repeated down a list of the dead
        # points nowhere), and not a lone capitalised word without a cue
        # ("Due to the rains...")
        if spelled and key not in voted and (c.cue or c.multiword):
            voted.add(key)
            for cc, v in _votes(c, spelled)[0]:
                cw[cc] += v
    top = max(cw.values(), default=0.0)
    floor = max(_POINT_MIN, _POINT_SHARE * top)
    pointed = {cc for cc, v in cw.items() if v >= floor}
    out = []
    for c in cands:
        if all(m.spelled for m in c.matches):
            out.append(c)
            continue
        sole = not any(m.spelled for m in c.matches) and len({m.place.country for m in c.matches}) == 1
        kept = [m for m in c.matches
                if m.spelled or m.place.country in pointed
                or (top < _POINT_CLEAR and m.place.country in ctx.variant_countries
                    and (sole or _exact(m, c)))]
        if kept:
            # readings refused in countries where spellings vary stay
            # possible: they still spread the name's vote (a name that fits
            # many such countries is weak evidence of any one)
            if len(kept) < len(c.matches):
                c.voting = [m for m in c.matches if m in kept or m.place.country in ctx.variant_countries]
            c.matches = kept
            out.append(c)
    return out


def find_places(doc: TextDoc, gaz: Gazetteer) -> list[PlaceMention]:
    """Place names in ``doc`` resolved to gazetteer entries, in text order.

    ``score`` (0-1) says how sure the choice is: low for a single common word
    without a cue ("in", "near", "province"...) or outside the document's
    countries.
    """
    ctx = place_context()
    if doc.language == "ar":
        cands, countries = _candidates_ar(doc, gaz, _context_ar())
    else:
        cands, countries = _candidates(doc, gaz, ctx)
    if doc.language != "ar":
        cands = _refuse_stray_variants(cands, countries, ctx)
        _mark_references(cands, doc.text, doc.folded)
        _address_areas(cands, doc.text)
    if not cands:
        return []
    cw, aw = _evidence(cands, countries)
    ctotal, atotal = sum(cw.values()), sum(aw.values())
    top_country = max(cw, key=lambda k: (cw[k], k)) if cw else None
    # the same name with the same matches and cue scores the same: once per document
    scored: dict[tuple[Any, ...], list[tuple[float, int, Match]]] = {}
    base = []
    for c in cands:
        key = (c.text, c.kind, *map(id, c.matches[:200]))
        sc = scored.get(key)
        if sc is None:
            sc = scored[key] = [(_score(m, c, cw, aw, ctotal, atotal, top_country), -i, m)
                                for i, m in enumerate(c.matches[:200])]
        base.append(sc)
    first = [max(sc, key=lambda t: (t[0], t[1]))[2].place for sc in base]
    anchors = list(dict.fromkeys((_nkey(c.text), p.lat, p.lon) for c, p in zip(cands, first)
                                 if p.country == top_country and p.placetype != "country"))
    chosen: dict[int, Match] = {}  # by id of a shared score list: its text, so its anchors, are one
    bests: list[Match] = []
    for c, sc in zip(cands, base):
        best = chosen.get(id(sc))
        if best is None:
            own = _nkey(c.text)
            near = sc
            if len(sc) > 1 and anchors:
                # only the leading choices can be turned by the bonus (at most +1)
                top_v = max(v for v, _, _ in sc)
                near = [(v + _near_bonus(m.place, anchors, own), j, m) for v, j, m in sc if v >= top_v - 1.0]
            best = chosen[id(sc)] = max(near, key=lambda t: (t[0], t[1]))[2]
        bests.append(best)
    addressed = _addressed(cands) if doc.language != "ar" else set()
    # the address names its country: no vote of the document's outweighs it
    addressed |= {i + 1 for i in addressed}
    if doc.language != "ar" and any(c.listed for c in cands):
        towns: set[int] = set()
        for i, m in _placed_in_address(cands, base, bests, towns).items():
            if m is None:
                cands[i].matches = []  # no place of that name lies there: dropped below
            else:
                bests[i] = m
        addressed |= towns  # a town placing a name names its country too
    placed = _placed_by_reference(cands, base, bests, top_country, doc.folded)
    out: list[PlaceMention] = []
    located = -2  # the last candidate emitted as a place found where the text places it
    for i, (c, best) in enumerate(zip(cands, bests)):
        if not c.matches:
            continue
        misplaced = i in placed and placed[i] is None
        best = placed.get(i) or best
        p = best.place
        if c.sounded and p.country != top_country:
            continue  # a loose reading is only trusted in the document's country
        conf = 0.5 + 0.2 * c.cue + 0.15 * c.multiword
        if p.country != top_country and not placed.get(i) and i not in addressed:
            # a lone capitalised word abroad is most often not a place at all
            # (unless the text's own words placed it: "X بريف درعا" outweighs the country vote)
            conf -= 0.25 if (c.cue and c.multiword) else 0.45
        if not c.cue and not c.multiword and p.placetype == "locality" and p.population < 1000 \
                and not (p.id.startswith("gn:") and _exact(best, c)):
            # a hamlet's name is most often a word; GeoNames' world towns are
            # towns of a thousand or more, or seats of a district
            conf -= 0.3
        if not c.cue and not c.multiword and p.id.startswith("gn:") and not _exact(best, c):
            conf -= 0.2  # a lone word that is only some foreign town's alternate name
        if c.site:
            conf -= 0.1
        conf = max(0.05, min(1.0, conf))
        if misplaced:
            # kept (it still parts the account), but never the incident's place
            conf = min(conf, _MISPLACED)
        if conf < 0.2:
            continue
        if p.placetype in ("region", "county"):
            p = _seat(p, c)
        loc = _location(p, c.text)
        if len(_POPULATION) > 200_000:
            _POPULATION.clear()
        _POPULATION[p.id] = p.population
        # a reference to a place that is no place found ("X, 30 km east of
        # Y" with X unknown) is the best one can say of where it happened;
        # and only a town has parts ("the X area of Daraa countryside": the province)
        reference = c.reference and (c.arabic or (located == i - 1 and (
            c.reference_km != 0.0 or p.placetype in ("locality", "neighbourhood"))))
        if not misplaced:
            located = i
        out.append(PlaceMention(c.start, c.end, c.text, loc, score=round(conf, 3),
                                role="site" if c.site else ("reference" if reference else "place")))
    if _POST_MARK in doc.text:
        _mark_publisher(doc.text, out)
    if doc.language != "ar" and " name)" in doc.text:
        out = [p for p in out if not _LOCAL_NAME.match(doc.text, p.end)]
    _mark_care(doc, out, _context_ar() if doc.language == "ar" else ctx)
    if doc.language == "ar":
        _mark_from_ar(doc.text, out, _context_ar())
    return out


def _mark_from_ar(text: str, out: list[PlaceMention], actx: Any) -> None:
    """"من قرية X": where people come from (a victim's village, the
    displaced's town), not where the attack was: the role "home"."""
    pat = actx.from_re
    if pat is None:
        return
    for p in out:
        if p.role == "place" and "من " in text[max(0, p.start - 16):p.start] \
                and pat.search(text, max(0, p.start - 40), p.start):
            p.role = "home"


#: Roles of places named for someone's whereabouts, not the event's.
_AWAY = frozenset(["source", "home"])

#: The characters before a name read for a verb of taking the wounded somewhere.
_CARE_SPAN = 110


def _mark_care(doc: TextDoc, out: list[PlaceMention], vocab: Any) -> None:
    """A name where the wounded were taken ("rushed to a hospital in X",
    "نقلوا إلى مشفى X") is a place of care: it takes the role "reference"
    (it says where, but not where the attack was). The place word must lie
    between the verb's "to" and the name, or just after the name ("the X
    city hospital")."""
    before, after, words = vocab.care_before, vocab.care_after, vocab.care_words
    if before is None or after is None or words is None:
        return
    text = doc.folded
    at = [m.start() for m in words.finditer(text)]
    if not at:
        return
    for p in out:
        if p.role != "place":
            continue
        k = bisect_right(at, p.end + 25) - 1
        if k < 0 or at[k] < p.start - 80:
            continue  # no place of care near
        m = before.search(text, max(0, p.start - _CARE_SPAN), p.start)
        if m is None:
            continue
        if after.match(m.group("gap")) is not None or after.match(text, p.end) is not None:
            p.role = "reference"


#: "Gire military base (Kurdish name)", "X hill (local name)": the text says
#: the name is a local one, not the name the place is known by elsewhere: a
#: gazetteer place of that name is a namesake (the area named next places it).
_LOCAL_NAME = re.compile(r"(?:[ \t-]+[A-Za-z]+){0,3}[ \t]*\((?:kurdish|local|arabic|turkish|amazigh|berber|pashto)"
                         r"\s+name\)", re.IGNORECASE)


#: A captured social media post names its publisher ("FacebookX's Post"): a
#: page named after a town ("أخبار مدينة X", "X Media Center") says where
#: the publisher is, not where the event it posts about happened.
_POST_MARK = "'s Post"
_PUBLISHER = re.compile(r"Facebook([^\n]{2,80}?)'s Post")


def _mark_publisher(text: str, out: list[PlaceMention]) -> None:
    """Mentions inside the publisher's name, wherever it is written (the
    capture's title, the header, a signature), take the role "source"."""
    spans: list[tuple[int, int]] = []
    for name in dict.fromkeys(m.group(1).strip() for m in _PUBLISHER.finditer(text)):
        if len(name) < 2:
            continue
        at = text.find(name)
        while at >= 0:
            spans.append((at, at + len(name)))
            at = text.find(name, at + len(name))
    if not spans:
        return
    for p in out:
        if p.role == "place" and any(a <= p.start and p.end <= b for a, b in spans):
            p.role = "source"


#: The confidence left to a name whose only matches lie away from where the
#: text places it: below what resolve_location reads.
_MISPLACED = 0.2
#: How far from the place a reference names ("X بريف Y", "X غرب مدينة Y") a
#: place of another province may lie and still be the one meant: texts are
#: loose about provincial borders (and a province's point is its capital).
_REFERENCE_KM = {"region": 80.0, "county": 40.0}
_REFERENCE_TOWN_KM = 40.0
#: The population of a town an English text may name to locate another.
_KNOWN_TOWN = 10_000


def _fits_reference(p: Place, ref: Place, km: float | None = None) -> bool:
    """Whether ``p`` may be the place a reference ``ref`` locates: in its
    country and its province, or not far from its point (``km``: at about
    the distance the text gives)."""
    if p.country != ref.country:
        return False
    if km is not None:
        d = haversine_km(p.lat, p.lon, ref.lat, ref.lon)
        return 0.5 * km - 25 <= d <= 1.5 * km + 25
    if ref.placetype == "country" or admin_equal(p.admin1, ref.admin1):
        return True
    limit = _REFERENCE_KM.get(ref.placetype, _REFERENCE_TOWN_KM)
    return haversine_km(p.lat, p.lon, ref.lat, ref.lon) <= limit


#: Compass words of a reference ("X غرب Y", "بريف Y الغربي", "X, west of Y",
#: "Y's western countryside"): (north-south, east-west) signs.
_COMPASS = [
    (re.compile(r"شمال|north"), (1, 0)), (re.compile(r"جنوب|south"), (-1, 0)),
    (re.compile(r"شرق|east"), (0, 1)), (re.compile(r"غرب|west"), (0, -1)),
]
_COMPASS_AFTER = re.compile(r"\s*(?:ال)?(?:شمالي|جنوبي|شرقي|غربي)(?:\s+ال(?:شرقي|غربي))?")
#: Degrees a place may lie off the side the words say (about 3 km).
_COMPASS_SLACK = 0.03


def _compass(text: str, c: _Cand, ref_c: _Cand) -> tuple[int, int]:
    """The side of the reference the words between the two names (or the
    adjective after an Arabic reference: "بريف حماة الغربي") put the place on."""
    gap = text[c.end:ref_c.start]
    if ref_c.arabic:
        m = _COMPASS_AFTER.match(text, ref_c.end)
        if m:
            gap += m.group()
    ns = ew = 0
    for pat, (a, b) in _COMPASS:
        if pat.search(gap):
            ns, ew = ns or a, ew or b
    return ns, ew


def _on_side(p: Place, ref: Place, side: tuple[int, int]) -> bool:
    ns, ew = side
    return (ns * (p.lat - ref.lat) >= -_COMPASS_SLACK) and (ew * (p.lon - ref.lon) >= -_COMPASS_SLACK)


def _placed_by_reference(cands: list[_Cand], base: list[list[tuple[float, int, Match]]],
                         bests: list[Match], top_country: str | None,
                         text: str = "") -> dict[int, Match | None]:
    """Arabic "قرية X بريف Y", "X التابعة لمدينة Y", "X غرب مدينة Y": the words
    say where X lies. A town chosen elsewhere is a homonym: the best of its
    matches that lies there instead, else none (the gazetteer lacks the
    village; a namesake in another province would only mislead). Returns the
    changed choices by candidate index (None: no match fits)."""
    out: dict[int, Match | None] = {}
    for i in range(len(cands) - 1):
        c, ref_c = cands[i], cands[i + 1]
        if not ref_c.reference or c.site:
            continue
        p, ref = bests[i].place, bests[i + 1].place
        if ref.country != top_country and not (ref_c.kind == "region" and ref.placetype == "region"):
            continue  # the reference itself is doubtful ("بناحية شرا": some town abroad)
        abroad = p.country != ref.country
        if not c.arabic and ref.placetype == "locality" and ref.population < _KNOWN_TOWN and not abroad:
            # English texts locate by towns readers know: a hamlet of the
            # same country is as likely misread as the place it locates
            continue
        km = ref_c.reference_km
        if km == 0.0 and ref.placetype != "locality":
            continue  # a part of a town is placed by the town ("X area of Y"), not by a province
        if (p.placetype in ("region", "country") and (c.arabic or not abroad)) or ref.id == p.id:
            continue
        if _fits_reference(p, ref, km):
            side = _compass(text, c, ref_c) if text else (0, 0)
            if side == (0, 0) or p.placetype not in ("locality", "neighbourhood"):
                continue
            at = _seat(ref, ref_c) if ref.placetype in ("region", "county") else ref
            if _on_side(p, at, side):
                continue
            # a namesake of the province lying on the side the words say is the one meant
            sided = [(v, j, m) for v, j, m in base[i] if m.place.placetype in ("locality", "neighbourhood")
                     and _fits_reference(m.place, ref, km) and _on_side(m.place, at, side)]
            if sided:
                out[i] = max(sided, key=lambda t: (t[0], t[1]))[2]
            continue
        fits = [(v, j, m) for v, j, m in base[i] if m.place.placetype != "country"
                and (m.place.placetype != "region" or not c.arabic)
                and _fits_reference(m.place, ref, km)]
        out[i] = max(fits, key=lambda t: (t[0], t[1]))[2] if fits else None
    if out:
        # a name is one place throughout the document: where it is named
        # again without its reference, it is the place the reference settled
        by_name = {(_nkey(cands[i].text), bests[i].place.id): m for i, m in out.items()}
        for i, c in enumerate(cands):
            if i not in out and not c.site:
                key = (_nkey(c.text), bests[i].place.id)
                if key in by_name:
                    out[i] = by_name[key]
    return out


def _in_area(p: Place, area: Place) -> bool:
    """Whether ``p`` lies in the country or province ``area``."""
    if p.country != area.country:
        return False
    if area.placetype == "country" or p.id == area.id or admin_equal(p.admin1, area.admin1):
        return True
    # a place the data gives no province lies in the one whose point is near
    return not p.admin1 and haversine_km(p.lat, p.lon, area.lat, area.lon) <= _REFERENCE_KM["region"]


def _placed_in_address(cands: list[_Cand], base: list[list[tuple[float, int, Match]]],
                       bests: list[Match], towns: set[int] | None = None) -> dict[int, Match | None]:
    """An address ("Abha, Asir, Saudi Arabia", "X District, Y Province,
    Yemen"; "Los Hoyos, Michoacan"): each name lies in the area named after
    it. A choice elsewhere is a homonym: the best match that lies there
    instead; when no match of a name lies there (and the area is its
    country or in its country), the name is dropped (None). Returns the
    changed choices by index; ``towns`` gets the indices of names a town
    after them placed, and of those towns."""
    out: dict[int, Match | None] = {}
    i = len(cands) - 1
    while i > 0:
        if not cands[i - 1].listed:
            i -= 1
            continue
        area = bests[i].place
        country = area.placetype == "country"
        if area.placetype in ("locality", "district", "county"):
            k = _placed_by_town(cands, base, bests, i, out)
            if towns is not None and any(j in out for j in range(k, i)):
                towns.update(range(k, i + 1))
            i = k - 1 if k > 0 else 0
            continue
        if area.placetype not in ("country", "region"):
            i -= 1
            continue
        k = i - 1
        while k >= 0:
            p = bests[k].place
            if not _in_area(p, area):
                fits = [(v, j, m) for v, j, m in base[k] if _in_area(m.place, area)]
                if fits:
                    out[k] = max(fits, key=lambda t: (t[0], t[1]))[2]
                    p = out[k].place
                elif p.placetype != "campus" and (country or p.country == area.country):
                    # a namesake elsewhere in the country: the area named is nearer the truth
                    # (a province abroad is more likely the misread name)
                    out[k] = None
                    p = area
                else:
                    break
            if p.placetype == "region":
                area = p  # a province named in the address: the names before it lie there
            if k == 0 or not cands[k - 1].listed:
                break
            k -= 1
        i = k - 1 if k > 0 else 0
    return out


#: A name placed by the town after it lies this near it.
_TOWN_AREA_KM = 60.0
#: How many of each name's best matches are paired.
_TOWN_PAIRS = 40


def _placed_by_town(cands: list[_Cand], base: list[list[tuple[float, int, Match]]],
                    bests: list[Match], i: int, out: dict[int, Match | None]) -> int:
    """"X, T" with T a town ("Lido Beach, Mogadishu", "a quarter, Tyre,
    South governorate"): X is a part or a neighbour of T, so the two lie
    in one country. Choices in two countries are a homonym's: the best
    pair of matches that lie near each other instead; when no pair does,
    X's choice is dropped when it is a small place abroad next to a much
    larger town (the town says where). Returns the index of X."""
    k = i - 1
    p, area = bests[k].place, bests[i].place
    if p.country == area.country or p.placetype in ("country", "campus"):
        return k
    xs = sorted(base[k], key=lambda t: (t[0], t[1]), reverse=True)[:_TOWN_PAIRS]
    ts = sorted(base[i], key=lambda t: (t[0], t[1]), reverse=True)[:_TOWN_PAIRS]
    by_country: dict[str, list[tuple[float, int, Match]]] = defaultdict(list)
    for t in ts:
        by_country[t[2].place.country].append(t)
    pair: tuple[float, Match, Match] | None = None
    for vx, _, mx in xs:
        for vt, _, mt in by_country.get(mx.place.country, ()):
            if (pair is None or vx + vt > pair[0]) and haversine_km(
                    mx.place.lat, mx.place.lon, mt.place.lat, mt.place.lon) <= _TOWN_AREA_KM:
                pair = (vx + vt, mx, mt)
    if pair is not None:
        out[k], out[i] = pair[1], pair[2]
    elif area.placetype == "locality" and area.population >= _KNOWN_TOWN \
            and area.population >= 10 * max(p.population, 1):
        out[k] = None
    return k


def _seat(p: Place, c: _Cand) -> Place:
    """A province or district named after its main town is given the town's
    point (reports place "the countryside of Aleppo" at Aleppo, and a
    province's geometric centre is often empty desert); the precision stays
    the province's."""
    for m in c.matches:
        q = m.place
        if (q.placetype == "locality" and q.country == p.country and q.admin1 == p.admin1
                and (p.placetype == "region" or q.admin2 == p.admin2)
                and phonetic_key(q.name) == phonetic_key(p.name)):
            return dataclasses.replace(p, lat=q.lat, lon=q.lon)
    return p


def _location(p: Place, text: str) -> Location:
    return Location(
        name=p.name, admin1=p.admin1, admin2=p.admin2, country=p.country,
        lat=p.lat, lon=p.lon, precision=_PRECISION.get(p.placetype, "locality"),
        gazetteer_id=p.id, text=text,
    )


_RANK = {"exact": 0, "locality": 1, "district": 2, "region": 3, "country": 4}
_INNER = frozenset(["exact", "locality", "district"])


#: Words of a sentence that tells of the attack itself: its places are the
#: incident's, more than a headline's or a caption's.
_ATTACK_CUE = re.compile(
    r"\b(?:air ?strikes?|strikes?|struck|shell(?:s|ed|ing)?|bomb(?:s|ed|ing|ardment)?|raids?|"
    r"missiles?|rockets?|drones?|killed|killing|injur(?:ed|ing)|wounded|wounding|attack(?:s|ed)?|"
    r"targeted|targeting|hit|explo(?:ded|sion)|ambush(?:ed)?|kidnapped|abducted|shot|fired|"
    r"massacre|casualties|dead|died)\b")


def resolve_location(doc: TextDoc, places: list[PlaceMention], near: tuple[int, int] | None = None) -> Location:
    """The incident's place: the most specific confident mention near the
    attack (``near``: its span); without a span, the places of the first
    sentence that tells of an attack (killed, struck, shelling...) in the
    document's lead, else the lead's (title and first sentences), else the
    best anywhere."""
    cands = [p for p in places if p.role != "origin" and p.score >= 0.3]
    # a publisher's own name places the publisher, a victim's home village
    # the victim: the event only when nothing else does
    cands = [p for p in cands if p.role not in _AWAY] or cands
    if not cands:
        return Location()
    if doc.language != "ar":
        # "Coded to Katzrin (Quneitra)": the record says where it placed the event
        lo, hi = near if near is not None else (0, len(doc.text))
        coded = [p for p in cands if lo <= p.start < hi
                 and _CODED_TO.search(doc.folded, max(0, p.start - 40), p.start)]
        if coded:
            return _pick(coded, coded[0].start, doc)
    loc = _resolve(doc, cands, near)
    if doc.language == "ar" and loc.precision in ("region", "country"):
        loc = _refine_ar(doc, cands, loc, near)
    elif doc.language == "ar" and loc.precision == "locality" and _capital(loc):
        # a bare "إدلب" chosen is the province's name as much as its
        # capital's: a town of the province named just after it is meant
        at = next((p for p in cands if p.location.gazetteer_id == loc.gazetteer_id), None)
        if at is not None and not _AR_CITY_BEFORE.search(doc.folded, max(0, at.start - 8), at.start):
            si = doc.sentence_of(at.start)
            last = min(si + _CAPITAL_SPAN, len(doc.sentences) - 1)
            # a dateline or a byline under a headline ("دير الزور (سوريا) / الأناضول")
            # tells of nothing: the account's first sentence is the one after it
            cue = _context_ar().attack_re
            while last < min(si + _CAPITAL_SPAN + 2, len(doc.sentences) - 1) \
                    and not cue.search(doc.folded, *doc.sentences[last]):
                last += 1
            loc = _refine_ar(doc, cands, loc, (doc.sentences[si][0], doc.sentences[last][1]), widen=False)
    elif doc.language != "ar" and near is None and loc.precision == "locality" and _capital(loc):
        # a bare "Idlib" or "Aleppo" heading an account is the province as
        # much as its capital: a town of the province the account goes on to
        # name is where it happened ("airstrikes on Idlib ... on the outskirts
        # of Jisr al-Shughur")
        at = next((p for p in cands if p.location.gazetteer_id == loc.gazetteer_id), None)
        if at is not None and not _named_town(doc, at):
            si = doc.sentence_of(at.start)
            last = min(si + _EN_CAPITAL_SPAN, len(doc.sentences) - 1)
            loc = _refine_ar(doc, cands, loc, (doc.sentences[si][0], doc.sentences[last][1]), widen=False)
    return loc


_EN_CAPITAL_SPAN = 4  # sentences after a bare capital's read for a town of its province
#: "the city of Idlib", "Idlib city": the city itself.
_EN_CITY_BEFORE = re.compile(r"\b(?:city|town)\s+of\s+$")
_EN_CITY_AFTER = re.compile(r"[\s'\u2019s]*(?:city|town|center|centre)\b")


_REFINE_SPAN = 3  # sentences after a headline read for its town
#: Words of an event record that say where the event was placed.
_CODED_TO = re.compile(r"\bcoded\s+(?:to|as|at)\s+(?:the\s+)?(?:provincial\s+capital\s+|capital\s+)?$")


def _within(pl: Location, area: Location) -> bool:
    """Whether ``pl`` lies in the province or country ``area`` names."""
    if pl.country != area.country:
        return False
    return area.precision == "country" or (area.precision == "region" and admin_equal(pl.admin1, area.admin1))


_CAPITAL_SPAN = 1  # sentences after a bare capital's read for a town of its province
#: "مدينة إدلب", "وسط مدينة حلب": the city itself.
_AR_CITY_BEFORE = re.compile(r"مدينه\s*$")


def _refine_ar(doc: TextDoc, cands: list[PlaceMention], loc: Location, near: tuple[int, int] | None,
               widen: bool = True) -> Location:
    """A town in the province (or country) chosen, named further on: Arabic
    reports open on the province ("قصف على ريف دير الزور الشرقي") and name the
    village in the account that follows; the most named such town, else the
    first. Not a province's capital: a bare "إدلب" is the province's name as
    much as its capital's."""
    lo, hi = near if near is not None else (0, len(doc.text))
    last = doc.sentence_of(max(lo, hi - 1))
    if widen and last - doc.sentence_of(lo) < 2 and last + 1 < len(doc.sentences):
        # a headline (and its caption) alone: the account under it tells where
        hi = max(hi, doc.sentences[min(last + _REFINE_SPAN, len(doc.sentences) - 1)][1])
    towns = [p for p in cands
             if lo <= p.start < hi and p.location.precision in _INNER and p.score >= 0.5 and p.role == "place"
             and not _capital(p.location)
             and p.location.country == loc.country
             and (loc.precision == "country" or admin_equal(p.location.admin1, loc.admin1))]
    if not towns and loc.precision == "country":
        # "شرق سوريا" over an account of "ريف دير الزور": the province
        towns = [p for p in cands if lo <= p.start < hi and p.location.precision == "region"
                 and p.score >= 0.5 and p.location.country == loc.country]
    if not towns:
        return loc
    count: dict[str | None, int] = defaultdict(int)
    for p in towns:
        count[p.location.gazetteer_id] += 1
    return max(towns, key=lambda p: (count[p.location.gazetteer_id], -p.start)).location


def _resolve(doc: TextDoc, cands: list[PlaceMention], near: tuple[int, int] | None) -> Location:
    # Arabic names every word n-gram the gazetteer knows, and a lone foreign
    # match in a sentence can outvote the report's country there: the whole
    # document votes
    voters = cands if doc.language == "ar" else None
    if near is not None:
        si = doc.sentence_of(near[0])
        close = [p for p in cands if abs(doc.sentence_of(p.start) - si) <= 0]
        if not close:
            close = [p for p in cands if abs(doc.sentence_of(p.start) - si) <= 1]
        if doc.language == "ar" and not any(p.location.precision in _INNER for p in close):
            # an Arabic headline names the country or the province ("قصف على ريف
            # حلب", "شمال غربي سوريا"), the sentence after it the town (one
            # that lies there: not a dateline's "دمشق")
            close += [p for p in cands if doc.sentence_of(p.start) == si + 1
                      and p.location.precision in _INNER and any(_within(p.location, q.location) for q in close)]
        if close:
            return _pick(close, near[0], doc, voters)
    named = [p for p in cands if p.location.precision != "country"]
    by_sentence: dict[int, list[PlaceMention]] = defaultdict(list)
    for p in named:
        by_sentence[doc.sentence_of(p.start)].append(p)
    for si in sorted(by_sentence)[:4]:
        a, b = doc.sentences[si] if si < len(doc.sentences) else (0, len(doc.text))
        cue_re = _context_ar().attack_re if doc.language == "ar" else _ATTACK_CUE
        if cue_re.search(doc.folded, a, b):
            # that sentence and the next: the lead of the account itself
            window = [p for p in named if si <= doc.sentence_of(p.start) <= si + 1]
            return _pick(window, by_sentence[si][0].start, doc, voters)
    lead_end = doc.sentences[min(1, len(doc.sentences) - 1)][1] if doc.sentences else len(doc.text)
    lead = [p for p in cands if p.start < lead_end]
    return _pick(lead or cands, 0, doc, voters)


#: What stands between a named site and the town it is said to be in ("the X
#: market in Mosul", "X hospital in the city of Y").
_SITE_IN = re.compile(r"[\w'\u2019 -]{0,30}?\s+(?:in|of)\s+(?:the\s+)?(?:(?:city|town)\s+of\s+)?")
#: How far from its town such a site may lie.
_SITE_IN_KM = 15.0


def _pick(cands: list[PlaceMention], anchor: int, doc: TextDoc | None = None,
          voters: list[PlaceMention] | None = None) -> Location:
    """Most specific; among equals the most confident, then the nearest to ``anchor``.
    A locality that lies in a region also mentioned is preferred over others.
    A small place far from a larger town named with it ("the X market in
    Mosul", resolved to some other X) gives way to the town. ``voters``: the
    mentions whose scores say which country is the document's (default: ``cands``)."""
    inner = [p for p in cands if p.location.precision in ("locality", "exact", "district")]
    if len(inner) > 1:
        # a province's capital (or a district) named with a place inside it
        # ("Harir in Erbil", "Cizre district, Sirnak") is the container, not the place
        # ("Daraa city" is the city itself, named as one)
        kept = [q for q in cands if not any(_contains(q, p) for p in inner)
                or (doc is not None and doc.language != "ar" and _EN_CITY_AFTER.match(doc.folded, q.end))]
        cands = kept or cands
    regions = {(p.location.country, p.location.admin1) for p in cands if p.location.precision == "region"}
    towns = [p for p in cands if p.location.precision == "locality" and p.location.lat is not None]

    # towns named to say where another place lies ("X جنوب كوباني"): the
    # place they locate is theirs, not a homonym stranded far from them
    references = {p.location.gazetteer_id for p in cands if p.role == "reference"}
    if doc is not None and doc.language != "ar":
        # a town also named as a place of the account is not only a reference
        references -= {p.location.gazetteer_id for p in cands if p.role == "place"}

    def stray(p: PlaceMention) -> float:
        if p.location.precision not in ("locality", "exact") or p.location.lat is None:
            return 0.0
        if (p.location.gazetteer_id or "").startswith("sw:") and p.location.precision == "exact":
            return 0.0  # a curated site (a dam, an air base) is no misread homonym
        for q in towns:
            if (p.role == "site" and doc is not None and q.start > p.end
                    and _SITE_IN.fullmatch(doc.folded, p.end, q.start)
                    and haversine_km(p.location.lat, p.location.lon, q.location.lat, q.location.lon) > _SITE_IN_KM):
                return 1.5  # "the X market in Mosul": a site lies in the town, not a village of its province
            if q.location.admin1 and phonetic_key(q.location.admin1) == phonetic_key(q.location.name or ""):
                continue  # "a village in Idlib": the province more often than its capital
            if q.location.gazetteer_id in references:
                continue
            if (q.text != p.text
                    and haversine_km(p.location.lat, p.location.lon, q.location.lat, q.location.lon) > 30
                    and _population(q) > max(10_000, 10 * _population(p))):
                return 1.5
        return 0.0

    votes: dict[str | None, float] = defaultdict(float)
    for p in voters if voters is not None else cands:
        votes[p.location.country] += p.score
    main = max(votes, key=lambda k: (votes[k], k or ""))

    def key(p: PlaceMention) -> tuple[float, float, int]:
        rank = _RANK.get(p.location.precision or "country", 4)
        inside = 0.3 if (p.location.country, p.location.admin1) in regions and rank < 3 else 0.0
        abroad = 3.0 if p.location.country != main else 0.0  # outvoted: most often a name misread
        # past a fair confidence, how sure a name is a place says nothing of
        # whether it is the incident's: the clause telling of deaths does
        harm = 0.25 if doc is not None and _harm_clause(doc, p) else 0.0
        ref = 0.6 if p.role == "reference" else 0.0  # named only to say where another place lies
        town = 0.3 if doc is not None and rank == 1 and _named_town(doc, p) else 0.0
        return (rank - min(p.score, _SURE) - inside + stray(p) + abroad - harm + ref - town, -p.score,
                abs(p.start - anchor))

    best = min(cands, key=key)
    return best.location


_SURE = 0.7
_CLAUSE_END = re.compile(r"[.;|\n]|,\s|\s(?:and|while|as|after|before|but)\s")
_HARM = re.compile(r"\b(?:kill(?:s|ed|ing)?|casualt(?:y|ies)|martyr(?:s|ed)?|massacre|dead|death|"
                   r"died|wound(?:s|ed|ing)?|injur(?:y|ies|ed|ing)|victims?)\b")


def _harm_clause(doc: TextDoc, p: PlaceMention) -> bool:
    """Whether the clause naming ``p`` tells of people killed or wounded."""
    text = doc.folded
    lo = max(0, p.start - 120)
    before = text[lo:p.start]
    cut = [m.end() for m in _CLAUSE_END.finditer(before)]
    a = lo + (cut[-1] if cut else 0)
    m = _CLAUSE_END.search(text, p.end, p.end + 120)
    b = m.start() if m else min(len(text), p.end + 120)
    return bool(_HARM.search(text, a, b))


def _named_town(doc: TextDoc, p: PlaceMention) -> bool:
    """Whether the text names ``p`` as a town ("the city of X", "X city"):
    a place the account sets apart from the countryside around it."""
    if doc.language == "ar":
        return False
    return bool(_EN_CITY_BEFORE.search(doc.folded, max(0, p.start - 12), p.start)
                or _EN_CITY_AFTER.match(doc.folded, p.end))


def _capital(loc: Location) -> bool:
    """A town named like its province ("Idlib", "Erbil", "Sirnak")."""
    if not loc.admin1 or not loc.name:
        return False
    a, n = phonetic_key(loc.admin1), phonetic_key(loc.name)
    return a == n or a.translate(_NO_VOWELS) == n.translate(_NO_VOWELS)


_NO_VOWELS = str.maketrans("", "", "aiu")


def _contains(q: PlaceMention, p: PlaceMention) -> bool:
    """Whether mention ``q`` names an area that holds the place of mention ``p``:
    the district ``p`` lies in, or the capital of ``p``'s province standing
    for the province."""
    ql, pl = q.location, p.location
    if q is p or ql.country != pl.country or not ql.admin1 or not pl.admin1:
        return False
    if _nkey(q.text) == _nkey(p.text) or ql.gazetteer_id == pl.gazetteer_id:
        return False
    if not admin_equal(ql.admin1, pl.admin1):
        return False
    if ql.precision == "district":
        return pl.precision in ("locality", "exact") and bool(pl.admin2) and admin_equal(ql.admin2, pl.admin2)
    if ql.precision == "locality":
        return _capital(ql) and not _capital(pl)
    return False


#: Populations of the places find_places chose, by gazetteer id (a bounded
#: memo: a mention carries its Location, which has no population field).
_POPULATION: dict[str, int] = {}


def _population(p: PlaceMention) -> int:
    return _POPULATION.get(p.location.gazetteer_id or "", 0)


# --------------------------------------------------------------------------
# Arabic
#
# Arabic has no capitals: word n-grams (up to four words, not across
# punctuation) are looked up in the gazetteer's Arabic-name index (keys
# normalised on both sides, article dropped), longest first, an attached
# preposition or conjunction ("بمدينة", "وحلب") taken off the first word. A
# single word needs a cue before it ("بلدة", "ريف", "في") or to name a big
# place of the covered theatres; the cue word also says what kind of place is
# meant ("ريف إدلب" and "غربي إدلب" are the province, "مدينة إدلب" the town).
# Common words, given names, particles and the heads of longer names ("جبل")
# are no names by themselves (context_ar.toml). Choice among matches is the
# English one, with an Arabic country name weighing less and a hamlet's tiny
# recorded population counting as none. The incident's place: as in English,
# but a province or country chosen gives way to a town in it named in the
# account under the headline, and a place named to locate another ("X غرب
# مدينة Y": Y, role "reference") ranks below it.

_DATA_AR = _DATA.with_name("context_ar.toml")
_AR_SPLIT = re.compile(r"([\u0621-\u064a]+|#)")


class _ArWord(NamedTuple):
    """What the place finder needs to know of one spelling of a word (a named
    tuple: a corpus has tens of thousands of spellings, built fast)."""

    forms: tuple[tuple[int, str, str], ...]  # (letters taken off the front, form, its name key)
    key: str  # the whole word's name key
    kind: str | None  # the kind of place it announces ("ريف": region)
    cue: bool  # a word after which a name is taken as a place: a cue word or a hashtag
    head: bool  # a word that opens a place's name ("جبل", "تل"): no place on its own
    person: bool  # a common given name: a name it opens is a person's
    function: bool  # a particle or pronoun ("من", "ان", "لا"): never a word of a name
    known: tuple[tuple[int, str, str], ...]  # the forms the gazetteer knows as names by themselves
    site: tuple[str, ...]  # a site head's English words ("سد": dam), else ()
    site_cut: int  # the letters before the site head ("لسد": 1)
    reads: bool = False  # a word after which a name is read by its sound ("قرية")


@dataclass(frozen=True)
class _ArContext:
    kind_before: dict[str, str]
    cue_before: frozenset[str]
    prefixes: tuple[str, ...]
    stopwords: frozenset[str]
    always: frozenset[str]
    attack_re: re.Pattern[str]
    person_names: frozenset[str] = frozenset()
    generic_heads: frozenset[str] = frozenset()
    function_words: frozenset[str] = frozenset()
    country_keys: frozenset[str] = frozenset()
    site_heads: dict[str, list[str]] = field(default_factory=dict)
    read_after: frozenset[str] = frozenset()
    care_before: re.Pattern[str] | None = None
    care_after: re.Pattern[str] | None = None
    care_words: re.Pattern[str] | None = None
    from_re: re.Pattern[str] | None = None
    # words read so far, for the gazetteer in ``read_for`` (what a word names depends on it)
    words: dict[str, _ArWord] = field(default_factory=dict, compare=False, repr=False)
    read_for: list[Gazetteer] = field(default_factory=list, compare=False, repr=False)

    def words_for(self, gaz: Gazetteer) -> dict[str, _ArWord]:
        """The word memo, emptied when the gazetteer is another one or it grows large."""
        if not self.read_for or self.read_for[0] is not gaz or len(self.words) > 200_000:
            self.words.clear()
            self.read_for[:] = [gaz]
        return self.words

    def word(self, w: str, known: AbstractSet[str]) -> _ArWord:
        """``w`` read once: a document, and a corpus, repeat their words.
        ``known``: the gazetteer's Arabic keys (see :meth:`words_for`)."""
        hit = self.words.get(w)
        if hit is None:
            forms = tuple((cut, f, _word_key(f)) for cut, f in _ar_forms(w, self))
            kind = None
            cue = w == "#"
            head = person = False
            site: tuple[str, ...] = ()
            site_cut = 0
            for cut, f, _ in forms:
                if not site and f in self.site_heads:
                    site, site_cut = tuple(self.site_heads[f]), cut
                if kind is None and f in self.kind_before:
                    kind = self.kind_before[f]
                cue = cue or f in self.cue_before
                head = head or f in self.generic_heads
                person = person or f in self.person_names
            hit = self.words[w] = _ArWord(
                forms, forms[0][2], kind, cue, head, person, len(w) == 1 or w in self.function_words,
                tuple(f for f in forms if f[2] in known and self._alone(w, f, head)), site, site_cut,
                kind == "locality" and any(f in self.read_after for _, f, _ in forms))
        return hit

    def _alone(self, w: str, form: tuple[int, str, str], head: bool) -> bool:
        """Whether a form may be a place's name by itself: not a common word
        ("اليوم"), nor a word that opens names ("جبل"), unless a big place's
        (but a stopword as written is never one)."""
        _, f, key = form
        if w in self.stopwords:
            return False  # the word as written is a common one ("فرقة", not ف + الرقة)
        return key in self.always or not (
            f in self.stopwords or len(key) < 3 or w in self.person_names or head)


_KEY_MAP = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})


def _word_key(w: str) -> str:
    """:func:`arabic_key` of a word of normalised letters (or of two, split at
    an inner article), without its general scans (tests check they agree)."""
    if " " in w or w == "#":
        return arabic_key(w)
    w = w.translate(_KEY_MAP)
    return w[2:] if w.startswith("ال") and len(w) > 3 else w


def _arn(s: str) -> str:
    from .arabic import normalise

    return re.sub(r"\s+", " ", normalise(s)[0].strip())


@lru_cache(maxsize=1)
def _context_ar() -> _ArContext:
    with open(_DATA_AR, "rb") as fh:
        d: dict[str, Any] = tomllib.load(fh)

    def alt(key: str) -> str:
        """A regex alternation of the normalised words of list ``key``, longest first."""
        return "|".join(re.escape(_arn(w)) for w in sorted(d[key], key=len, reverse=True))

    stems, care_verbs, care_places = alt("attack_cues"), alt("care_verbs"), alt("care_places")
    from_before, not_after = alt("from_before"), alt("from_not_after")
    return _ArContext(
        kind_before={_arn(k): v for k, v in d["kind_before"].items()},
        cue_before=frozenset(_arn(w) for w in d["cue_before"]),
        prefixes=tuple(sorted((_arn(p) for p in d["prefixes"]), key=len, reverse=True)),
        stopwords=frozenset(_arn(w) for w in d["stopwords"]),
        always=frozenset(arabic_key(_arn(w)) for w in d["always"]),
        attack_re=re.compile(rf"(?<![^\W\d_])(?:[وفبل]|ال|وال|بال)?(?:{stems})"),
        person_names=frozenset(_arn(w) for w in d["person_names"]),
        generic_heads=frozenset(_arn(w) for w in d["generic_heads"]),
        function_words=frozenset(_arn(w) for w in d["function_words"]),
        country_keys=frozenset(arabic_key(_arn(w)) for w in d["countries"]),
        site_heads={_arn(k): v for k, v in d["site_heads"].items()},
        read_after=frozenset(_arn(w) for w in d["read_after"]),
        care_before=re.compile(rf"(?<![^\W\d_])[وف]?(?:{care_verbs})[^.!?\n]{{0,40}}?(?<![^\W\d_])(?:ل?الي|لاحد)"
                               rf"(?![^\W\d_])(?P<gap>[^.!?\n]{{0,50}})$"),
        care_after=re.compile(rf"[^.!?\n]{{0,20}}?(?<![^\W\d_])(?:ال)?(?:{care_places})"),
        care_words=re.compile(care_places),
        from_re=re.compile(rf"(?<![^\W\d_])(?!(?:{not_after})\s)\S+\s+من\s+(?:{from_before})"
                           r"[\s\"«\u201c#]*$"),
    )


#: An article written onto the second word of a name ("ديرالزور", "راسالعين"
#: in hashtags): the word is read as the two words too.
_INNER_ARTICLE = re.compile(r"ال(?=[\u0621-\u064a]{3})")


def _ar_forms(word: str, actx: _ArContext) -> list[tuple[int, str]]:
    """(letters taken off the front, word) for a word and its forms without an
    attached preposition or conjunction, and as two words where an article
    is written onto the second ("ديرالزور": "دير الزور")."""
    out = [(0, word)]
    for p in actx.prefixes:
        if word.startswith(p) and len(word) - len(p) >= 2:
            out.append((len(p), word[len(p):]))
    if word.startswith("لل") and len(word) > 4:
        out.append((1, "ا" + word[1:]))  # "للرقه": ل + الرقه
    if len(word) >= 8 and "ال" in word[3:]:
        for cut, f in list(out):
            if not f.startswith("ال"):
                for m in _INNER_ARTICLE.finditer(f, 3):
                    out.append((cut, f[:m.start()] + " " + f[m.start():]))
    return out


#: What may stand between two words of one name: white space, or the
#: underscore of a hashtag ("#خان_شيخون").
_AR_JOIN = " \t\n\r\xa0_"
#: What may stand between a cue word and the name it announces (quotes too:
#: 'محيط "مارع"').
_AR_CUE_GAP = frozenset(["", ",", ":", "_", '"', "«", "\u201c", "\u201d"])


def _candidates_ar(doc: TextDoc, gaz: Gazetteer, actx: _ArContext) -> tuple[list[_Cand], dict[str, float]]:
    text = doc.text
    known = gaz.arabic_keys
    get = actx.words_for(gaz).get
    # the text as [gap, word, gap, word, ..., gap]: word i is parts[2i + 1],
    # the gap before it parts[2i]; ends[k] is where parts[k] ends
    parts = _AR_SPLIT.split(text)
    ends = list(accumulate(map(len, parts)))
    words = [get(w) or actx.word(w, known) for w in parts[1::2]]
    count = len(words)
    # whether a word may go on a name begun before it: only white space (or a
    # hashtag's underscores) between, and no hashtag
    joins = [False] + [bool(g) and not g.strip(_AR_JOIN) and w != "#"
                       for g, w in zip(parts[2:-1:2], parts[3::2])]
    # every word n-gram the gazetteer knows, in text order, the longest first:
    # (its first word, its number of words, letters cut off the first word,
    # the first word so cut, its key). A name's key is its words' keys joined
    # (arabic_key drops the article word by word), built only where the next
    # word may go on the name.
    hits: list[tuple[int, int, int, str, str]] = []
    add = hits.append
    after: list[int] = []  # words after "قرية", "بلدة": read by their sound when no name takes them
    for i, w in enumerate(words):
        if w.reads:
            after.append(i + 1)
        if i + 1 < count and joins[i + 1]:
            if w.site:
                add((i, 0, 0, "", ""))  # a named site may begin here ("سد تشرين"): tried first
            # a function word is never a word of a name (see below): the
            # names tried end before the first one
            forms = [f for f in w.forms if f[0]] if w.function else w.forms
            nxt = words[i + 1]
            if forms and not nxt.function:
                t2 = nxt.key
                t3 = t4 = None
                if i + 2 < count and joins[i + 2] and not (w3 := words[i + 2]).function:
                    t3 = t2 + w3.key
                    if i + 3 < count and joins[i + 3] and not (w4 := words[i + 3]).function:
                        t4 = t3 + w4.key
                for n, tail in ((4, t4), (3, t3), (2, t2)):
                    if tail is not None:
                        for cut, first, first_key in forms:
                            if (key := first_key + tail) in known:
                                add((i, n, cut, first, key))
        for cut, first, key in w.known:  # single words: looked up once per spelling
            add((i, 1, cut, first, key))
    cands: list[_Cand] = []
    countries: dict[str, float] = defaultdict(float)
    taken = 0  # the words before this one are read: a name found takes its words
    for i, n, cut, first, key in hits:
        if i < taken or words[i].kind is not None or parts[2 * i + 1] == "#":
            continue
        if not n:
            site = _ar_site(i, words, parts, ends, joins, gaz)
            if site is not None:
                cands.append(site[0])
                taken = site[1]
            continue
        kind = None
        cue = False
        if i > 0 and parts[2 * i].strip() in _AR_CUE_GAP:
            kind = words[i - 1].kind
            cue = kind is not None or words[i - 1].cue
        if n == 1 and joins[i] and words[i - 1].head and key not in actx.always:
            # "الزاوية" of "جبل الزاوية": a name the gazetteer does not know
            # whole, not the place called by a part of it (nor is "جبل" one:
            # see _ArContext.word)
            continue
        if n > 1:
            if kind is None and words[i].person and first in actx.person_names:
                taken = i + n  # "محمد ناصر", "عبد الكريم": a person
                continue
            if any(words[j].function for j in range(i + 1, i + n)) or (cut == 0 and words[i].function):
                continue  # "ان من", "لك ان": words of a sentence, not of a name
        e = ends[2 * (i + n - 1) + 1]
        matches = gaz.matches(first + _space(text[ends[2 * i + 1]:e]), loose=False)
        if not matches:
            continue
        if n == 1 and kind is None and not cue and key not in actx.always:
            # a lone word with no cue: a big place's name, and only in the
            # covered theatres (GeoNames' world towns have Arabic alternate
            # names that are everyday words: "فان", "هوية")
            matches = [m for m in matches if _theatre(m.place)]
            if not any(m.place.placetype in ("region", "country") or m.place.population >= 50_000
                       for m in matches[:20]):
                continue
        s = ends[2 * i] + cut
        country = [m for m in matches if m.place.placetype == "country"]
        if country and key not in actx.country_keys:
            # "من", "تره": another script's name of a country, an Arabic word here
            matches = [m for m in matches if m.place.placetype != "country"]
            if not matches:
                continue
            country = []
        if country and kind != "locality":
            # "سوريا", and "شمال غربي سوريا": the country, as weak evidence of
            # the report's (a quarter of an English country name's: Syrian
            # reports name Turkey, Russia and Iran as actors, again and again)
            countries[country[0].place.country] += 0.5
            matches = country
        cands.append(_Cand(s, e, text[s:e], matches, kind=kind, cue=cue or kind is not None,
                           multiword=n > 1 or " " in first, arabic=True))
        taken = i + n
    if after:
        sounded = _sounded_ar(after, words, parts, ends, joins, cands, gaz, actx)
        if sounded:
            cands = sorted(cands + sounded, key=lambda c: c.start)
    for prev, c in pairwise(cands):
        gap = text[prev.end:c.start]
        if (len(gap) <= 40 and _AR_RELATION.search(gap) and not _AR_BREAK.search(gap)) or _AR_WITHIN.fullmatch(gap):
            c.reference = True
    return cands, countries


#: Arabic letters as the consonants a Latin spelling of the name keeps
#: (:func:`skeleton_key`: vowels, and the alef, yeh, ain and hamza that
#: stand for them, are dropped).
_AR_LATIN = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "k", "د": "d", "ذ": "d", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "غ": "g", "ف": "f", "ق": "k", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w",
}
#: Consonants of a sounded name the index can tell apart (shorter skeletons
#: are shared by too many villages).
_SOUND_MIN = 4


def _sound_keys(names: list[str]) -> list[str]:
    """Latin consonant strings a Latin spelling of the Arabic words may
    have: the article dropped, a final "ه" (teh marbuta) silent, or "t"
    before another word ("معرة X": Maarrat X); a "و" not by an alef a
    vowel or a "w" ("قامشلو": Qamishlo). Each letter is spelled as a word
    of its own, so that the index's digraph rules leave the letters alone."""
    variants = [[]]
    for wi, w in enumerate(names):
        if w.startswith("ال") and len(w) > 4:
            w = w[2:]
        last = wi == len(names) - 1
        for ci, ch in enumerate(w):
            end = ci == len(w) - 1
            if ch in "هح" and end:
                opts = [""] if last or ch == "ح" else ["", "t"]
            elif ch == "و" and 0 < ci and w[ci - 1] != "ا" and (end or w[ci + 1] != "ا"):
                opts = ["w", ""]
            else:
                opts = [_AR_LATIN.get(ch, "")]
            variants = [v + [o] if o else v for v in variants for o in opts][:4]
    return list(dict.fromkeys(" ".join(v) for v in variants if len("".join(v).replace("sh", "s")) >= _SOUND_MIN))


@lru_cache(maxsize=1 << 14)
def _skeleton(name: str) -> str:
    return skeleton_key(name)


def _sounded_ar(after: list[int], words: list[_ArWord], parts: list[str], ends: list[int], joins: list[bool],
                cands: list[_Cand], gaz: Gazetteer, actx: _ArContext) -> list[_Cand]:
    """Names after "قرية", "بلدة", "مدينة" that no candidate took: the
    gazetteer has many a village in Latin script only; the name's letters
    as Latin consonants are looked up among the consonant skeletons of
    those (theatre places only). A loose reading: it casts no vote, and a
    reference after it ("بريف الحسكة") settles which village is meant."""
    out: list[_Cand] = []
    count = len(words)
    starts = [c.start for c in cands]
    for i in after:
        if i >= count or parts[2 * i].strip() not in _AR_CUE_GAP:
            continue
        w = words[i]
        if w.function or w.kind is not None or w.cue or w.person or parts[2 * i + 1] == "#":
            continue
        common = any(f in actx.stopwords for _, f, _ in w.forms)  # "القرى المجاورة"
        s = ends[2 * i]
        k = bisect_right(starts, s) - 1
        if k >= 0 and cands[k].end > s:
            continue  # a name found takes its words
        if k + 1 < len(cands) and cands[k + 1].start < ends[2 * i + 1]:
            continue
        for n in (2, 1):
            if n == 2 and not (i + 1 < count and joins[i + 1] and not words[i + 1].function
                               and words[i + 1].kind is None and not words[i + 1].cue
                               and not _AR_RELATION.fullmatch(parts[2 * i + 3])
                               and (k + 1 >= len(cands) or cands[k + 1].start >= ends[2 * i + 3])):
                continue
            if n == 1 and common:
                break  # a common word alone is no name ("جديد عكيدات" is one)
            names = [parts[2 * (i + j) + 1] for j in range(n)]
            matches: list[Match] = []
            for key in _sound_keys(names):
                # the place's own name has those consonants (not a namesake
                # found under one of its alternate names, or a key's hash)
                bare = key.replace(" ", "")
                matches += [m for m in gaz.matches(key)
                            if _theatre(m.place) and m.place.placetype in ("locality", "neighbourhood")
                            and _skeleton(m.place.name) == bare]
            if matches:
                e = ends[2 * (i + n - 1) + 1]
                out.append(_Cand(s, e, "".join(parts[2 * i + 1:2 * (i + n)]), matches[:40],
                                 kind="locality", cue=True, multiword=n > 1, arabic=True, sounded=True))
                break
    return out


#: Words that place a name by another just after them: "قرية X غرب مدينة Y",
#: "X التابعة لمدينة Y", "X بريف Y", "X قرب Y", "X في ناحية Y".
_AR_RELATION = re.compile(
    r"(?<![\u0621-\u064a])(?:[وب]|بال|ل)?(?:شمال|جنوب|شرق|غرب|شمالي|جنوبي|شرقي|غربي|قرب|التابعه|التابع|"
    r"ريف|ناحيه|قضاء|ضمن|بالقرب|وسط)(?![\u0621-\u064a])")
_AR_BREAK = re.compile(r"[.!?\n]")
#: Nothing but "in the city of" between two names: the first lies in the second
#: ("حي الروضة في مدينة تعز", "مخيم X بمدينة Y").
_AR_WITHIN = re.compile(r"\s*(?:في\s+|ب)(?:مدينه|بلده)\s+")


def _ar_site(i: int, words: list[_ArWord], parts: list[str], ends: list[int], joins: list[bool],
             gaz: Gazetteer) -> tuple[_Cand, int] | None:
    """The named site word ``i`` opens ("سد تشرين": Tishrin dam), found under
    the English name of a place the next words name and the head's English
    word, with the index of the word after it; None if the gazetteer has none."""
    for n in (2, 1):
        last = i + n
        if last >= len(words) or not all(joins[i + 1:last + 1]):
            continue
        name = " ".join(parts[2 * j + 1] for j in range(i + 1, last + 1))
        english = dict.fromkeys(m.place.name for m in gaz.matches(name, loose=False)[:20])
        for place_name in english:
            for head in words[i].site:
                sites = [m for m in gaz.matches(f"{place_name} {head}", loose=False) if m.place.placetype == "campus"]
                if sites:
                    s, e = ends[2 * i] + words[i].site_cut, ends[2 * last + 1]
                    text = "".join(parts[2 * i + 1:2 * last + 2])[words[i].site_cut:]  # words and gaps
                    return _Cand(s, e, text, sites, kind="any", cue=True, multiword=True, arabic=True), last + 1
    return None


def _space(s: str) -> str:
    return s.replace("_", " ") if "_" in s else s

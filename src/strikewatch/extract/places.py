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

import math
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..geo.gazetteer import Gazetteer, Match, Place, name_key
from ..model import Location
from .mentions import PlaceMention
from .textutil import TextDoc

__all__ = ["find_places", "place_context", "resolve_location"]

_DATA = Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "context.toml"

_ARTICLE = r"(?:al|el|ad|ar|as|at|ash|az|an|ed|er|es|et|ez|en|ad-d|ul)"
# One word of a name: capitalised, or an article joined to a capitalised word ("al-Bab").
_WORD = rf"(?:{_ARTICLE}[-\u2010\u2011](?=[A-Z]))?[A-Z][\w'\u2019`\u02bf]*(?:-[A-Za-z][\w'\u2019`\u02bf]*)*"
# Words of one phrase, with lower-case articles between them ("Deir ez Zor", "Ras al Ain").
_PHRASE = re.compile(rf"{_WORD}(?:[ \t]+(?:{_ARTICLE}[ \t]+)?{_WORD})*")
_WORD_RE = re.compile(rf"(?:{_ARTICLE}[ \t]+)?{_WORD}")
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


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in sorted(words, key=len, reverse=True))


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
            name = text[s:e]
            if n == 1 and _fold_word(name) in ctx.stopwords:
                continue
            if gaz.has_name(name):
                out.append((s, e))
                found = n
                break
        i += found or 1
    return out


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
        if m.place.placetype == "country":
            return m.place.country
    return None


def _candidates(doc: TextDoc, gaz: Gazetteer, ctx: _Context) -> tuple[list[_Cand], dict[str, float]]:
    """Names with matches, and country evidence from demonyms and country names."""
    text, folded = doc.text, doc.folded
    countries: dict[str, float] = defaultdict(float)
    for m in ctx.demonym_re.finditer(folded):
        if text[m.start()].isupper():
            countries[ctx.demonyms[m.group(1).replace("-", " ")]] += 1.0
    cands: list[_Cand] = []
    for pm in _PHRASE.finditer(text):
        words = [(w.start(), w.end()) for w in _WORD_RE.finditer(text, pm.start(), pm.end())]
        # a leading "The" belongs to the sentence, not to the name
        while words and _fold_word(text[words[0][0]:words[0][1]]) in ("the", "a", "an", "in", "on", "at", "and"):
            words = words[1:]
        if not words:
            continue
        phrase_end = words[-1][1]
        after_phrase = folded[phrase_end:phrase_end + 40]
        is_org = bool(ctx.org_after_re.match(after_phrase))
        site_m = ctx.site_after_re.match(after_phrase)
        for s, e in _ngram_spans(words, text, gaz, ctx):
            name = text[s:e]
            before = folded[max(0, s - 40):s]
            after = folded[e:e + 40]
            if ctx.person_before_re.search(before) or _is_person(name, ctx):
                continue
            cc = _country_of_name(name, gaz, ctx)
            if is_org and e == phrase_end:
                if cc:
                    countries[cc] += 0.5
                continue
            matches = gaz.matches(name, loose=False)
            if not matches:
                continue
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
            if cc:
                countries[cc] += 2.0
            cands.append(cand)
    return cands, countries


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


def _prominence(p: Place) -> float:
    """How likely a place is the one meant, all else equal: big towns and
    administrative units are named far more often than hamlets."""
    base = 1.0 + math.log10(p.population + 1)
    if p.placetype in ("region", "county", "country"):
        base += 3.0
    return base * base


def _evidence(cands: list[_Cand], countries: dict[str, float]
              ) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    """Country and province weights: each name spreads one vote over the
    countries (provinces) its matches lie in, so a name found in one country
    only is strong evidence, a common one weak."""
    cw: dict[str, float] = defaultdict(float, countries)
    aw: dict[tuple[str, str], float] = defaultdict(float)
    for c in cands:
        top = c.matches[:60]
        weight = 1.0 if c.cue or c.multiword else 0.5
        # each country's claim on the name: its most prominent place of that name
        claim: dict[str, float] = {}
        for m in top:
            pr = _prominence(m.place)
            if pr > claim.get(m.place.country, 0.0):
                claim[m.place.country] = pr
        total = sum(claim.values())
        for cc, pr in claim.items():
            cw[cc] += weight * pr / total
        rclaim: dict[tuple[str, str], float] = {}
        for m in top:
            if m.place.admin1:
                r = (m.place.country, m.place.admin1)
                rclaim[r] = max(rclaim.get(r, 0.0), _prominence(m.place))
        rtotal = sum(rclaim.values())
        for r, pr in rclaim.items():
            aw[r] += weight * pr / rtotal
    return cw, aw


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
    s += math.log10(p.population + 1) / 7.0
    if p.id.startswith("gn:") and name_key(p.name) == name_key(c.text):
        s += 0.4  # GeoNames lists many loose alternate names: prefer a place's own name
    s += _kind_fit(c.kind, p)
    if p.placetype == "region" and c.kind is None:
        s -= 0.2  # a bare "Idlib" is more often the city than the province
    if p.placetype in ("county",) and c.kind is None:
        s -= 0.3
    return s


def find_places(doc: TextDoc, gaz: Gazetteer) -> list[PlaceMention]:
    """Place names in ``doc`` resolved to gazetteer entries, in text order.

    ``score`` (0-1) says how sure the choice is: low for a single common word
    without a cue ("in", "near", "province"...) or outside the document's
    countries.
    """
    ctx = place_context()
    cands, countries = _candidates(doc, gaz, ctx)
    if not cands:
        return []
    cw, aw = _evidence(cands, countries)
    ctotal, atotal = sum(cw.values()), sum(aw.values())
    top_country = max(cw, key=lambda k: (cw[k], k)) if cw else None
    out: list[PlaceMention] = []
    for c in cands:
        scored = sorted(((_score(m, c, cw, aw, ctotal, atotal, top_country), -i, m) for i, m in enumerate(c.matches[:200])),
                        key=lambda t: (t[0], t[1]), reverse=True)
        __, _, best = scored[0]
        p = best.place
        conf = 0.5 + 0.2 * c.cue + 0.15 * c.multiword
        if p.country != top_country:
            # a lone capitalised word abroad is most often not a place at all
            conf -= 0.25 if (c.cue and c.multiword) else 0.45
        if not c.cue and not c.multiword and p.placetype == "locality" and p.population < 1000:
            conf -= 0.3
        if c.site:
            conf -= 0.1
        conf = max(0.05, min(1.0, conf))
        if conf < 0.2:
            continue
        loc = _location(p, c.text)
        out.append(PlaceMention(c.start, c.end, c.text, loc, score=round(conf, 3),
                                role="site" if c.site else "place"))
    return out


def _location(p: Place, text: str) -> Location:
    return Location(
        name=p.name, admin1=p.admin1, admin2=p.admin2, country=p.country,
        lat=p.lat, lon=p.lon, precision=_PRECISION.get(p.placetype, "locality"),
        gazetteer_id=p.id, text=text,
    )


_RANK = {"exact": 0, "locality": 1, "district": 2, "region": 3, "country": 4}


def resolve_location(doc: TextDoc, places: list[PlaceMention], near: tuple[int, int] | None = None) -> Location:
    """The incident's place: the most specific confident mention near the
    attack (``near``: its span), else the most specific one in the document's
    lead (title and first sentences), else the best anywhere."""
    cands = [p for p in places if p.role != "origin" and p.score >= 0.3]
    if not cands:
        return Location()
    if near is not None:
        si = doc.sentence_of(near[0])
        close = [p for p in cands if abs(doc.sentence_of(p.start) - si) <= 0]
        if not close:
            close = [p for p in cands if abs(doc.sentence_of(p.start) - si) <= 1]
        if close:
            return _pick(close, near[0])
    lead_end = doc.sentences[min(1, len(doc.sentences) - 1)][1] if doc.sentences else len(doc.text)
    lead = [p for p in cands if p.start < lead_end]
    return _pick(lead or cands, 0)


def _pick(cands: list[PlaceMention], anchor: int) -> Location:
    """Most specific; among equals the most confident, then the nearest to ``anchor``.
    A locality that lies in a region also mentioned is preferred over others."""
    regions = {(p.location.country, p.location.admin1) for p in cands if p.location.precision == "region"}

    def key(p: PlaceMention) -> tuple[float, float, int]:
        rank = _RANK.get(p.location.precision or "country", 4)
        inside = 0.3 if (p.location.country, p.location.admin1) in regions and rank < 3 else 0.0
        return (rank - p.score - inside, -p.score, abs(p.start - anchor))

    best = min(cands, key=key)
    return best.location

"""Sightings: observers' reports of aircraft, parsed into :class:`Sighting`.

Three inputs, one shape:

* CSV and JSON rows with columns such as ``time``, ``lat``/``lon`` or
  ``place``, ``aircraft``, ``count``, ``heading``, ``origin``, ``destination``,
  ``altitude``, ``observer`` (:func:`parse_sightings_csv`,
  :func:`parse_sightings_json`);
* the short free-text posts spotter networks publish, in English
  ("Su-24 x2 took off Hmeimim heading NE 14:05") and Arabic
  ("حربي روسي من حميميم باتجاه ريف إدلب الجنوبي") (:func:`parse_spotter_post`);
* a plain-text file of such posts, one block each, an optional header line
  ``[2019-07-22T10:06+03:00] observer name`` first (:func:`parse_spotter_file`).

Pure: no I/O beyond reading the package's data files, no database. The
words (aircraft kinds, compass points, cues, Arabic spellings) live in
``data/lexicons/sightings.toml``; base coordinates come from the theatre
profiles' ``[[base]]`` tables, read from ``data/profiles/*.toml``.

``Sighting.observer`` is the identity as given in the input. It must never
be stored: the store replaces it with a keyed pseudonym
(:meth:`strikewatch.store.Store.add_sighting`).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = [
    "Base",
    "RowError",
    "Sighting",
    "SightingsParse",
    "bases",
    "parse_sightings_csv",
    "parse_sightings_json",
    "parse_spotter_file",
    "parse_spotter_post",
]

MAX_ROWS = 100_000


@dataclass
class Sighting:
    """One observation of aircraft. Every field but ``aircraft`` or a place may be missing.

    ``time`` is ISO: a datetime (with its UTC offset when known), a date, or a
    bare ``HH:MM`` when nothing gave the day. ``heading`` is a compass point
    ("NE") or degrees as text. ``origin`` is a base's canonical name when it
    was recognised, else as written. ``destination`` is the place the flight
    was said to head for, as written; ``destination_admin1`` its governorate.
    ``text``/``span`` are the raw text the sighting came from and where it
    is in the input (characters). ``observer`` is the identity as given and
    is never stored; ``observer_pseudonym`` is filled by the store.
    """

    time: str | None = None
    lat: float | None = None
    lon: float | None = None
    place: str | None = None
    aircraft: str | None = None
    aircraft_kind: str | None = None
    count: int | None = None
    heading: str | None = None
    origin: str | None = None
    destination: str | None = None
    destination_admin1: str | None = None
    altitude: str | None = None
    operator_said: str | None = None
    language: str | None = None
    text: str | None = None
    span: tuple[int, int] | None = None
    line: int | None = None
    observer: str | None = field(default=None, repr=False)
    observer_pseudonym: str | None = None

    def to_dict(self, *, with_observer: bool = False) -> dict[str, Any]:
        d = asdict(self)
        if not with_observer:
            d.pop("observer")
        d["span"] = list(self.span) if self.span else None
        return d


@dataclass
class RowError:
    """A row or block that could not be read: a stable code (``errors.CODES``),
    a message that never quotes the observer, and where it was."""

    code: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "line": self.line}


@dataclass
class SightingsParse:
    sightings: list[Sighting] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class Base:
    name: str
    lat: float | None
    lon: float | None
    phrases: tuple[str, ...]


# --------------------------------------------------------------------------
# the lexicon

_ARABIC = re.compile(r"[\u0600-\u06FF]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ـ": "ـ",
                       **{chr(0x0660 + i): str(i) for i in range(10)},
                       **{chr(0x06F0 + i): str(i) for i in range(10)},
                       "٫": ".", "×": "x"})


def _norm(text: str) -> str:
    """Lower case, Arabic alef forms and digits folded; same length as ``text``
    so that offsets found in it are offsets in the original."""
    out = []
    for ch in text.translate(_FOLD):
        low = ch.lower()
        out.append(low if len(low) == 1 else ch)
    return "".join(out)


def _phrase_re(phrases: Iterable[str], *, arabic_prefix: bool = True) -> str:
    """One alternation, longest first; a space or hyphen in a phrase matches
    either or none; Arabic phrases may take a و/ف/ب/ال prefix."""
    alts = []
    for p in sorted({_norm(p) for p in phrases}, key=lambda s: (-len(s), s)):
        body = "".join(r"[\s\-]*" if c in " -" else re.escape(c) for c in p)
        if arabic_prefix and _ARABIC.match(p) and not p.startswith("ال"):
            body = r"(?:[وفب]?(?:ال)?)" + body
        alts.append(body)
    return "|".join(alts) or r"(?!)"


def _bounded(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w\-])(?:" + pattern + r")(?![\w])")


@dataclass(frozen=True)
class _Kind:
    name: str
    kind: str
    rank: int  # 0 specific type, 1 family, 2 generic


@dataclass(frozen=True)
class _Lexicon:
    aircraft: re.Pattern[str]
    aircraft_by: dict[str, tuple[_Kind, int | None]]  # normalised phrase -> kind, count (None: plural)
    operators: re.Pattern[str]
    operator_by: dict[str, str]
    bases: tuple[Base, ...]
    base: re.Pattern[str]
    base_by: dict[str, Base]
    ambiguous_base_phrases: frozenset[str]
    origin_cue: re.Pattern[str]
    toward_cue: re.Pattern[str]
    over_cue: re.Pattern[str]
    heading_compass: re.Pattern[str]
    compass_by: dict[str, str]
    compass_ar: re.Pattern[str]
    bound: re.Pattern[str]
    altitude: re.Pattern[str]
    altitude_by: dict[str, str]
    areas: re.Pattern[str]
    area_by: dict[str, str]


def _key(s: str) -> str:
    return re.sub(r"[\s\-]+", "", _norm(s))


def _read_toml(*parts: str) -> dict[str, Any]:
    path = resources.files("strikewatch").joinpath("data", *parts)
    with path.open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def bases() -> tuple[Base, ...]:
    """Air bases from every theatre profile (name, coordinates, aliases) plus
    the sightings lexicon's extra names for them; first profile entry wins."""
    extra = _read_toml("lexicons", "sightings.toml").get("base_names", {})
    folder = resources.files("strikewatch").joinpath("data", "profiles")
    seen: dict[str, Base] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        with entry.open("rb") as fh:
            raw = tomllib.load(fh)
        for b in raw.get("base", ()):
            if b["name"] in seen:
                continue
            phrases = (b["name"], *b.get("aliases", ()), *extra.get(b["name"], ()))
            seen[b["name"]] = Base(b["name"], b.get("lat"), b.get("lon"), tuple(dict.fromkeys(phrases)))
    return tuple(seen.values())


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = _read_toml("lexicons", "sightings.toml")
    aircraft_by: dict[str, tuple[_Kind, int | None]] = {}
    for a in raw["aircraft"]:
        rank = 2 if a["name"][0].islower() else (1 if "-" not in a["name"] else 0)
        k = _Kind(a["name"], a.get("kind", "unknown"), rank)
        for p in (*a.get("en", ()), *a.get("ar", ())):
            aircraft_by.setdefault(_key(p), (k, 1))
        for p in a.get("dual", ()):
            aircraft_by.setdefault(_key(p), (k, 2))
        for p in a.get("plural", ()):
            aircraft_by.setdefault(_key(p), (k, None))
    operator_by = {_key(p): actor for actor, ps in raw.get("operator", {}).items() for p in ps}
    bs = bases()
    base_by = {_key(p): b for b in bs for p in b.phrases}
    area_by = {_key(p): admin1 for admin1, ps in raw.get("areas", {}).items() for p in ps}
    ambiguous = frozenset(k for k in base_by if k in area_by)
    cues = raw["cues"]
    compass_by = {_key(p): point for point, ps in raw["compass_en"].items() for p in ps}
    compass_by.update({_key(p): point for point, ps in raw["compass_ar"].items() for p in ps})
    compass_en = _phrase_re(p for ps in raw["compass_en"].values() for p in ps)
    compass_ar = _phrase_re((p for ps in raw["compass_ar"].values() for p in ps), arabic_prefix=False)
    heading_words = _phrase_re([*cues["heading_en"], *cues["toward_en"], *cues["toward_ar"]])
    altitude_by = {_key(p): level for level, ps in raw.get("altitude", {}).items() for p in ps}
    return _Lexicon(
        aircraft=_bounded(_phrase_re(p for a in raw["aircraft"]
                                     for p in (*a.get("en", ()), *a.get("ar", ()), *a.get("dual", ()),
                                               *a.get("plural", ())))),
        aircraft_by=aircraft_by,
        operators=_bounded(_phrase_re(p for ps in raw.get("operator", {}).values() for p in ps)),
        operator_by=operator_by,
        bases=bs,
        base=_bounded(_phrase_re(p for b in bs for p in b.phrases)),
        base_by=base_by,
        ambiguous_base_phrases=ambiguous,
        origin_cue=re.compile(r"(?<!\w)(?:" + _phrase_re([*cues["origin_en"], *cues["origin_ar"]], arabic_prefix=False)
                              + r")\s*(?:the\s+|قاعدة\s+)?$"),
        toward_cue=_bounded(_phrase_re([*cues["toward_en"], *cues["toward_ar"]], arabic_prefix=False)),
        over_cue=_bounded(_phrase_re([*cues["over_en"], *cues["over_ar"]], arabic_prefix=False)),
        heading_compass=re.compile(r"(?<![\w\-])(?:" + heading_words + r")\s+(?:to\s+(?:the\s+)?)?(?P<c>"
                                   + compass_en + r"|" + compass_ar + r")(?![\w\-])"),
        compass_by=compass_by,
        compass_ar=re.compile(r"(?<!\w)(?:شمالا|جنوبا|شرقا|غربا)ً?(?!\w)"),
        bound=re.compile(r"(?<![\w\-])(?P<c>n|ne|e|se|s|sw|w|nw|north|south|east|west)-?bound(?!\w)"),
        altitude=_bounded(_phrase_re(altitude_by)),
        altitude_by=altitude_by,
        areas=_bounded(_phrase_re(p for ps in raw.get("areas", {}).values() for p in ps)),
        area_by=area_by,
    )


# --------------------------------------------------------------------------
# free-text posts

_TIME = re.compile(r"(?<![\d:.])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")
_CLAUSE = re.compile(r"[^.!?؟;؛,،\n]+(?:\.(?=\S)[^.!?؟;؛,،\n]*)*")
_BEFORE_COUNT = re.compile(
    r"(?:(?<!\w)(?P<n>\d{1,2})|(?P<w>two|three|four|five|six|a pair of|pair of|couple of|اثنتان|اثنان|ثلاث|ثلاثة|اربع|اربعة))"
    r"\s*(?:x\s*)?(?:[\w\-]+\s+)?$")
_AFTER_COUNT = re.compile(r"^\s*(?:x\s*(?P<a>\d{1,2})|\(\s*(?P<b>\d{1,2})\s*\)|(?P<c>\d{1,2})\s*x|(?P<p>pair|couple))(?!\w)")
_WORD_N = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "a pair of": 2, "pair of": 2,
           "couple of": 2, "اثنتان": 2, "اثنان": 2, "ثلاث": 3, "ثلاثة": 3, "اربع": 4, "اربعة": 4}
_STOP = re.compile(
    r"\s+(?:at|in|with|and|loaded|expected|carrying|heading|from|after|since|around|for|low|high|over|towards?"
    r"|الساعة|الساعه|في|مع|منذ|علي|علو|فوق|نحو|باتجاه|و?محملة|و?محمل)(?!\w)"
    r"|\s*[(\[]|\s+\d|\s*$")
_MAX_PLACE_WORDS = 5


def parse_spotter_post(text: str, *, published: str | None = None, observer: str | None = None,
                       offset: int = 0) -> list[Sighting]:
    """The sightings in one short post. ``published`` (ISO datetime) gives a
    time written as ``HH:MM`` its day and UTC offset, and stands in for the
    time when none is written; ``observer`` is who posted (to be
    pseudonymised). Spans are relative to ``text`` plus ``offset``.

    A post is cut into clauses (sentences, commas); a clause naming
    aircraft starts a sighting, the clauses after it add what it lacks
    (origin, heading, destination, time, altitude). A post that names no
    aircraft yields nothing.
    """
    lex = _lexicon()
    norm = _norm(text)
    pub = _parse_dt(published) if published else None
    post_time = next(iter(_times(norm)), None)
    out: list[Sighting] = []
    for m in _CLAUSE.finditer(norm):
        a, b = _trim(norm, m.start(), m.end())
        if a >= b:
            continue
        clause = norm[a:b]
        found = _clause_fields(clause, lex, text[a:b])
        kinds = found.pop("kinds")
        if kinds:
            lang = "ar" if _ARABIC.search(clause) else "en"
            for kind, count in kinds:
                s = Sighting(aircraft=kind.name, aircraft_kind=kind.kind, count=count, language=lang,
                             text=text[a:b], span=(offset + a, offset + b), observer=observer)
                for k, v in found.items():
                    setattr(s, k, v)
                out.append(s)
        elif out:
            last = [s for s in out if s.span == out[-1].span]
            for s in last:
                added = False
                for k, v in found.items():
                    if k == "place":
                        continue  # a place in a clause without aircraft is a warning to residents, not a position
                    if getattr(s, k) is None:
                        setattr(s, k, v)
                        added = True
                if added and s.span:  # the sighting's text runs on to this clause
                    s.span = (s.span[0], offset + b)
                    s.text = text[s.span[0] - offset:s.span[1] - offset]
    for s in out:
        hhmm = s.time or post_time
        s.time = _combine(hhmm, pub) if hhmm else (pub.isoformat(timespec="minutes") if pub else None)
    return out


def _trim(s: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (s[a].isspace() or s[a] in "-–—:•*>"):
        a += 1
    while b > a and s[b - 1].isspace():
        b -= 1
    return a, b


def _times(norm: str) -> list[str]:
    return [f"{int(m.group(1)):02d}:{m.group(2)}" for m in _TIME.finditer(norm)]


def _clause_fields(clause: str, lex: _Lexicon, original: str) -> dict[str, Any]:
    """What one clause says (``clause`` normalised, ``original`` as written):
    aircraft kinds with counts, origin, heading, destination, place, time,
    altitude, the operator the observer names."""
    found: dict[str, Any] = {}
    mentions = [(m.start(), m.end(), *lex.aircraft_by[_key(_strip_prefix(m.group(0)))])
                for m in lex.aircraft.finditer(clause) if _key(_strip_prefix(m.group(0))) in lex.aircraft_by]
    kinds: list[tuple[_Kind, int | None]] = []
    if mentions:
        best_rank = min(k.rank for _, _, k, _ in mentions)
        count = next((c for _, _, _, c in mentions if c != 1), 1)
        explicit = None
        for start, end, _, _ in mentions:
            explicit = explicit or _count_near(clause, start, end)
        if explicit:
            count = explicit
        for k in dict.fromkeys(k for _, _, k, _ in mentions if k.rank == best_rank):
            kinds.append((k, count))
    found["kinds"] = kinds
    taken = [(s, e) for s, e, _, _ in mentions]
    # origin: a base after an origin cue ("took off from", "من"), or a
    # base's unambiguous name anywhere but after a "toward" or "over" word
    for m in lex.base.finditer(clause):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        key = _key(_strip_prefix(m.group(0)))
        base = lex.base_by.get(key) or lex.base_by.get(_key(m.group(0)))
        if base is None:
            continue
        before = clause[max(0, m.start() - 24):m.start()]
        cued = bool(lex.origin_cue.search(before))
        toward = bool(re.search(r"(?:" + lex.toward_cue.pattern + r"|" + lex.over_cue.pattern + r")\s*$", before))
        if cued or (not toward and key not in lex.ambiguous_base_phrases):
            found["origin"] = base.name
            taken.append((m.start(), m.end()))
            break
    # heading: a compass point after a heading or toward word, "NE-bound", "شمالاً"
    hm = lex.heading_compass.search(clause)
    if hm and _ends_place(clause, hm.end("c")):
        found["heading"] = lex.compass_by.get(_key(hm.group("c")))
        taken.append((hm.start(), hm.end()))
    elif (bm := lex.bound.search(clause)):
        found["heading"] = lex.compass_by.get(_key(bm.group("c")))
    elif (am := lex.compass_ar.search(clause)):
        found["heading"] = lex.compass_by.get(_key(am.group(0).rstrip("ً")))
    # destination and place seen: the words after "towards" / "over"
    for cue, name in ((lex.toward_cue, "destination"), (lex.over_cue, "place")):
        for m in cue.finditer(clause):
            if any(s <= m.start() < e for s, e in taken):
                continue
            got = _place_after(clause, m.end())
            if got:
                words = clause[got[0]:got[1]]
                found[name] = original[got[0]:got[1]]
                if name == "destination":
                    am2 = lex.areas.search(words)
                    if am2:
                        found["destination_admin1"] = lex.area_by.get(_key(_strip_prefix(am2.group(0)))) or \
                            lex.area_by.get(_key(am2.group(0)))
                break
    times = _times(clause)
    if times:
        found["time"] = times[0]
    if (alt := lex.altitude.search(clause)):
        found["altitude"] = lex.altitude_by.get(_key(_strip_prefix(alt.group(0)))) or \
            lex.altitude_by.get(_key(alt.group(0)))
    if (op := lex.operators.search(clause)):
        found["operator_said"] = lex.operator_by.get(_key(_strip_prefix(op.group(0)))) or \
            lex.operator_by.get(_key(op.group(0)))
    return {k: v for k, v in found.items() if v is not None or k == "kinds"}


def _strip_prefix(s: str) -> str:
    """An Arabic match without the و/ف/ب/ال prefix the pattern allowed."""
    if not _ARABIC.match(s):
        return s
    for p in ("وال", "فال", "بال", "ال", "و", "ف", "ب"):
        if s.startswith(p) and _key(s[len(p):]) in _all_keys():
            return s[len(p):]
    return s


@lru_cache(maxsize=1)
def _all_keys() -> frozenset[str]:
    lex = _lexicon()
    return frozenset([*lex.aircraft_by, *lex.operator_by, *lex.base_by, *lex.altitude_by, *lex.area_by])


def _count_near(clause: str, start: int, end: int) -> int | None:
    after = _AFTER_COUNT.match(clause[end:])
    if after:
        return 2 if after.group("p") else int(after.group("a") or after.group("b") or after.group("c"))
    before = _BEFORE_COUNT.search(clause[max(0, start - 24):start])
    if before:
        if before.group("n"):
            return int(before.group("n"))
        return _WORD_N.get(before.group("w"))
    return None


def _ends_place(clause: str, pos: int) -> bool:
    """Whether a compass word at ``pos`` ends the phrase (so "باتجاه جنوب إدلب"
    is a destination, "باتجاه الجنوب" a heading)."""
    rest = clause[pos:]
    return not rest.strip() or bool(_STOP.match(rest))


def _place_after(clause: str, pos: int) -> tuple[int, int] | None:
    """Where the place named after a cue is (up to five words, to a stop word,
    a time or a bracket); None when there is none or it is a compass point."""
    rest = clause[pos:]
    stop = _STOP.search(rest)
    chunk = rest[:stop.start() if stop else len(rest)]
    words = list(re.finditer(r"\S+", chunk))[:_MAX_PLACE_WORDS]
    if not words:
        return None
    a, b = pos + words[0].start(), pos + words[-1].end()
    while b > a and clause[b - 1] in " -:":
        b -= 1
    if a >= b or _key(clause[a:b]) in _lexicon().compass_by:
        return None
    return a, b


def _combine(hhmm: str, pub: datetime | None) -> str:
    """A written ``HH:MM`` on the post's day (the day before when that would
    put it after the post), with the post's UTC offset."""
    h, m = (int(x) for x in hhmm.split(":"))
    if pub is None:
        return f"{h:02d}:{m:02d}"
    dt = datetime.combine(pub.date(), time(h, m), tzinfo=pub.tzinfo)
    if dt > pub + timedelta(minutes=30):
        dt -= timedelta(days=1)
    return dt.isoformat(timespec="minutes")


def _parse_dt(value: str) -> datetime | None:
    v = value.strip().replace(" ", "T", 1)
    v = re.sub(r"T(\d{2}:\d{2}(?::\d{2})?)\s+([+-]\d{2}:?\d{2}|Z)$", r"T\1\2", v)
    try:
        return datetime.fromisoformat(v)
    except ValueError:
        return None


_HEADER = re.compile(r"^\[(?P<time>[^\]]+)\][ \t]*(?P<observer>[^\n]*)$")


def parse_spotter_file(text: str, *, published: str | None = None, observer: str | None = None) -> SightingsParse:
    """A text file of posts, separated by blank lines. A post may start with a
    header line ``[ISO datetime] observer``: the time the post was made and
    who made it (the header is not part of any sighting's text)."""
    result = SightingsParse()
    pos = 0
    for block in re.split(r"(\n[ \t]*\n+)", text):
        start, pos = pos, pos + len(block)
        if not block.strip() or block.startswith("\n") and not block.strip():
            continue
        line = text.count("\n", 0, start) + 1
        body, body_at = block, start
        pub, who = published, observer
        first, _, rest = block.partition("\n")
        h = _HEADER.match(first.strip())
        if h:
            when = _parse_dt(h.group("time"))
            if when is None:
                result.errors.append(RowError("bad_field", "the post header's time is not an ISO datetime", line))
            else:
                pub = when.isoformat(timespec="minutes")
            who = h.group("observer").strip() or observer
            body, body_at = rest, start + len(first) + 1
        if not body.strip():
            result.errors.append(RowError("empty_text", "a post header with no post under it", line))
            continue
        found = parse_spotter_post(body, published=pub, observer=who, offset=body_at)
        for s in found:
            s.line = line
        result.sightings.extend(found)
    return result


# --------------------------------------------------------------------------
# CSV and JSON rows

_COLUMNS: dict[str, tuple[str, ...]] = {
    "time": ("time", "datetime", "timestamp", "seen_at", "when", "الوقت"),
    "date": ("date", "day", "التاريخ"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "place": ("place", "location", "observer_place", "position", "المكان"),
    "aircraft": ("aircraft", "aircraft_type", "type", "الطائرة"),
    "count": ("count", "number", "n", "aircraft_count", "العدد"),
    "heading": ("heading", "direction", "course", "الاتجاه"),
    "origin": ("origin", "base", "from", "took_off_from", "المصدر"),
    "destination": ("destination", "toward", "towards", "to", "الوجهة"),
    "altitude": ("altitude", "alt", "الارتفاع"),
    "observer": ("observer", "spotter", "reporter", "observer_id", "الراصد"),
    "operator": ("operator", "operator_said", "nationality"),
    "text": ("text", "post", "note", "raw", "النص"),
}
_ALIAS = {alias: canon for canon, aliases in _COLUMNS.items() for alias in aliases}


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _visible(text: str) -> str:
    """Control characters (NUL among them, which no PostgreSQL text can hold)
    as U+FFFD, one for one, so spans into the input keep their offsets."""
    return _CONTROLS.sub("\ufffd", text)


def _canon_row(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if k is None:
            continue
        canon = _ALIAS.get(str(k).strip().lower().replace(" ", "_").replace("-", "_"))
        if canon and v not in (None, "") and canon not in out:
            out[canon] = _visible(v).strip() if isinstance(v, str) else v
    return out


def _row_sighting(row: dict[str, Any], line: int | None, where: str) -> Sighting | RowError:
    """One CSV/JSON row as a sighting; the fields given win over what its
    ``text`` says. Messages never quote the observer column."""
    r = _canon_row(row)
    lex = _lexicon()
    s = Sighting(line=line)
    if r.get("text"):
        if not isinstance(r["text"], str):
            return RowError("bad_field", f"{where}: `text` must be a string", line)
        posted = r.get("time") if isinstance(r.get("time"), str) else None
        found = parse_spotter_post(r["text"], published=posted)
        if found:
            s = found[0]
            s.line, s.span = line, None
        s.text = r["text"]
    s.observer = str(r["observer"]) if r.get("observer") is not None else None
    # time
    t, d = r.get("time"), r.get("date")
    if t is not None or d is not None:
        when = _row_time(t, d)
        if when is None:
            return RowError("bad_field", f"{where}: `time` is not an ISO date/time (got {str(t or d)[:40]!r})", line)
        s.time = when
    if not s.time:
        return RowError("missing_field", f"{where}: no `time` (or `date`)", line)
    # position
    for key, lo, hi in (("lat", -90, 90), ("lon", -180, 180)):
        if r.get(key) is not None:
            try:
                v = float(r[key])
            except (TypeError, ValueError):
                return RowError("bad_field", f"{where}: `{key}` is not a number", line)
            if not math.isfinite(v) or not lo <= v <= hi:
                return RowError("bad_field", f"{where}: `{key}` {v} is out of range", line)
            setattr(s, key, v)
    if (s.lat is None) != (s.lon is None):
        return RowError("bad_field", f"{where}: give both `lat` and `lon`, or neither", line)
    if r.get("place"):
        s.place = str(r["place"])[:200]
    # aircraft
    if r.get("aircraft"):
        name = str(r["aircraft"])[:80]
        m = lex.aircraft.fullmatch(_norm(name).strip()) or lex.aircraft.search(_norm(name))
        if m and _key(_strip_prefix(m.group(0))) in lex.aircraft_by:
            kind, n = lex.aircraft_by[_key(_strip_prefix(m.group(0)))]
            s.aircraft, s.aircraft_kind = kind.name, kind.kind
            s.count = s.count or n
        else:
            s.aircraft, s.aircraft_kind = name, "unknown"
    if not s.aircraft:
        return RowError("missing_field", f"{where}: no `aircraft` (or a `text` naming one)", line)
    if r.get("count") is not None:
        try:
            n = int(str(r["count"]).strip().translate(_FOLD))
        except ValueError:
            return RowError("bad_field", f"{where}: `count` is not a whole number", line)
        if not 1 <= n <= 500:
            return RowError("bad_field", f"{where}: `count` {n} is out of range (1-500)", line)
        s.count = n
    if r.get("heading") is not None:
        h = _row_heading(r["heading"])
        if h is None:
            return RowError("bad_field", f"{where}: `heading` is not a compass point or degrees", line)
        s.heading = h
    if r.get("origin"):
        o = str(r["origin"])[:120]
        b = lex.base.search(_norm(o))
        s.origin = lex.base_by[_key(_strip_prefix(b.group(0)))].name if b and \
            _key(_strip_prefix(b.group(0))) in lex.base_by else o
    if r.get("destination"):
        s.destination = str(r["destination"])[:200]
        am = lex.areas.search(_norm(s.destination))
        s.destination_admin1 = lex.area_by.get(_key(_strip_prefix(am.group(0)))) if am else s.destination_admin1
    if r.get("altitude") is not None:
        a = str(r["altitude"])[:40]
        am = lex.altitude.fullmatch(_norm(a).strip())
        s.altitude = lex.altitude_by.get(_key(_strip_prefix(am.group(0)))) if am else a
    if r.get("operator"):
        op = lex.operators.search(_norm(str(r["operator"])))
        s.operator_said = lex.operator_by.get(_key(_strip_prefix(op.group(0)))) if op else str(r["operator"])[:60]
    s.language = s.language or ("ar" if any(_ARABIC.search(str(v)) for v in r.values()) else "en")
    return s


def _row_time(t: Any, d: Any) -> str | None:
    if t is not None and not isinstance(t, str) or d is not None and not isinstance(d, str):
        return None
    if t and ("T" in t or re.match(r"^\d{4}-\d{2}-\d{2}\s", t)):
        dt = _parse_dt(t)
        return dt.isoformat(timespec="minutes") if dt else None
    if t and re.fullmatch(r"\d{4}-\d{2}-\d{2}", t) and not d:
        d, t = t, None
    day = None
    if d:
        try:
            day = date.fromisoformat(d.strip())
        except ValueError:
            return None
    if t:
        m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|[+-]\d{2}:?\d{2})?", t.strip().translate(_FOLD))
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            return None
        hhmm = f"{int(m.group(1)):02d}:{m.group(2)}"
        if day is None:
            return hhmm
        dt = _parse_dt(f"{day.isoformat()}T{hhmm}{m.group(4) or ''}")
        return dt.isoformat(timespec="minutes") if dt else None
    return day.isoformat() if day else None


def _row_heading(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return f"{float(value) % 360:g}" if math.isfinite(value) and 0 <= value <= 360 else None
    v = _norm(str(value)).strip().rstrip("°").strip()
    try:
        deg = float(v)
    except ValueError:
        return _lexicon().compass_by.get(_key(v)) or _lexicon().compass_by.get(_key(_strip_prefix(v)))
    return f"{deg % 360:g}" if 0 <= deg <= 360 else None


def parse_sightings_csv(text: str) -> SightingsParse:
    """Rows of a CSV file with a header (column names in English or Arabic;
    see ``_COLUMNS``). Each sighting's ``span`` covers its row's lines."""
    result = SightingsParse()
    text = text.removeprefix("\ufeff")
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        if not reader.fieldnames:
            result.errors.append(RowError("missing_field", "the CSV file has no header row", 1))
            return result
        prev = reader.line_num
        for n, row in enumerate(reader):
            first, last = prev + 1, reader.line_num
            prev = last
            if n >= MAX_ROWS:
                result.errors.append(RowError("too_large", f"more than {MAX_ROWS} rows; the rest were not read", first))
                break
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            got = _row_sighting(row, first, f"line {first}")
            if isinstance(got, RowError):
                result.errors.append(got)
                continue
            a = starts[first - 1] if first - 1 < len(starts) else len(text)
            b = starts[last] - 1 if last < len(starts) else len(text)
            got.span = (a, b)
            result.sightings.append(got)
    except csv.Error as exc:
        result.errors.append(RowError("bad_field", f"unreadable CSV: {exc}", reader.line_num))
    return result


def parse_sightings_json(value: Any) -> SightingsParse:
    """A JSON value: a list of sighting objects, or an object whose
    ``sightings`` is one (a single object is one sighting). ``line`` is the
    item's number (1-based)."""
    result = SightingsParse()
    if isinstance(value, dict) and isinstance(value.get("sightings"), list):
        items = value["sightings"]
    elif isinstance(value, list):
        items = value
    elif isinstance(value, dict):
        items = [value]
    else:
        result.errors.append(RowError("bad_json", "expected a JSON object or array of objects"))
        return result
    for i, item in enumerate(items[:MAX_ROWS], start=1):
        if not isinstance(item, dict):
            result.errors.append(RowError("bad_json", f"item {i}: expected a JSON object", i))
            continue
        got = _row_sighting(item, i, f"item {i}")
        (result.errors if isinstance(got, RowError) else result.sightings).append(got)  # type: ignore[arg-type]
    if len(items) > MAX_ROWS:
        result.errors.append(RowError("too_large", f"more than {MAX_ROWS} items; the rest were not read"))
    return result


def parse_sightings(data: bytes, kind: str, *, published: str | None = None,
                    observer: str | None = None) -> SightingsParse:
    """Raw bytes of a ``csv``, ``json`` or ``text`` input, decoded as UTF-8."""
    try:
        text = _visible(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return SightingsParse(errors=[RowError("bad_field", "the input is not UTF-8 text")])
    if kind == "csv":
        return parse_sightings_csv(text)
    if kind == "json":
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            return SightingsParse(errors=[RowError("bad_json", f"invalid JSON: {exc}")])
        return parse_sightings_json(value)
    if kind == "text":
        return parse_spotter_file(text, published=published, observer=observer)
    raise ValueError(kind)


def kind_of(name: str) -> str | None:
    """The input kind told from a file name: csv, json or text."""
    low = name.lower()
    if low.endswith((".csv", ".tsv")):
        return "csv"
    if low.endswith(".json"):
        return "json"
    if low.endswith((".txt", ".text", ".md")):
        return "text"
    return None


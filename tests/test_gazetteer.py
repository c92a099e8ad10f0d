"""Gazetteer: name keys, lookups across spellings, world places, GeoNames dumps."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strikewatch.geo.gazetteer import (
    Gazetteer,
    arabic_key,
    describe_lookup,
    haversine_km,
    name_key,
    phonetic_key,
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load_default()


@pytest.mark.parametrize(
    "variants",
    [
        ["Maarat al-Numan", "Ma'arrat al-Nu'man", "Maaret al-Numan", "Ma`arrat an-Nu`man"],
        ["Khan Shaykhun", "Khan Sheikhoun", "Khan Shaykhoun"],
        ["Deir ez-Zor", "Deir Ezzor", "Deir al-Zour"],
        ["Raqqa", "al-Raqqah", "Ar-Raqqa"],
    ],
)
def test_spelling_variants_share_a_key(variants: list[str]) -> None:
    assert len({phonetic_key(v) for v in variants}) == 1


def test_articles_and_separators_are_ignored() -> None:
    assert name_key("Al-Bab") == name_key("al Bab") == name_key("Bab")
    assert name_key("Kafr  Nabl") == name_key("Kafr-Nabl") == name_key("kafr nabl")


def test_variants_resolve_to_the_same_place(gaz: Gazetteer) -> None:
    first = {gaz.lookup(v, country="SY")[0].id for v in ("Khan Shaykhun", "Khan Sheikhoun")}
    assert len(first) == 1
    places = [gaz.lookup(v, country="SY") for v in ("Maarat al-Numan", "Ma'arrat al-Nu'man", "Maaret al-Numan")]
    towns = [{p.id for p in ps if p.placetype == "locality"} for ps in places]
    assert towns[0] and towns[0] == towns[1] == towns[2]
    town = next(p for p in places[0] if p.placetype == "locality")
    assert town.admin1 == "Idlib"
    assert haversine_km(town.lat, town.lon, 35.65, 36.67) < 5


def test_lookup_filters_by_country_and_admin1(gaz: Gazetteer) -> None:
    idlib = gaz.lookup("Idlib", country="SY")
    assert {p.placetype for p in idlib} >= {"region", "locality"}
    assert all(p.country == "SY" for p in idlib)
    assert all(p.admin1 == "Idlib" for p in gaz.lookup("Idlib", admin1="Idlib governorate"))


@pytest.mark.parametrize(
    ("name", "country", "lat", "lon"),
    [("Maiduguri", "NG", 11.85, 13.16), ("Gao", "ML", 16.27, -0.04), ("Tumaco", "CO", 1.8, -78.76)],
)
def test_world_places_come_from_geonames(gaz: Gazetteer, name: str, country: str, lat: float, lon: float) -> None:
    place = gaz.lookup(name, country=country)[0]
    assert place.id.startswith("gn:")
    assert haversine_km(place.lat, place.lon, lat, lon) < 15


def test_describe_lookup_says_how_it_matched(gaz: Gazetteer) -> None:
    rows = describe_lookup("Khan Sheikhoun", "SY", gazetteer=gaz)
    assert rows and rows[0]["country"] == "SY" and rows[0]["match"] in ("exact", "variant")
    assert {"id", "name", "placetype", "admin1", "lat", "lon", "population"} <= rows[0].keys()


def _dump_line(gid: int, name: str, alt: str, lat: float, lon: float, fclass: str, fcode: str,
               cc: str, a1: str, a2: str, pop: int) -> str:
    cols = [str(gid), name, name, alt, str(lat), str(lon), fclass, fcode, cc, "", a1, a2, "", "",
            str(pop), "", "100", "Africa/Lagos", "2024-01-01"]
    return "\t".join(cols) + "\n"


def test_geonames_dump_import_and_overlay(tmp_path) -> None:
    dump = tmp_path / "XX.txt"
    dump.write_text(
        _dump_line(990001, "Upper Qorvelia", "", 10.0, 10.0, "A", "ADM1", "NG", "77", "", 0)
        + _dump_line(990002, "Zembrakuto", "Zembrakouto,Zambrakuto", 10.2, 10.1, "P", "PPL", "NG", "77", "", 800)
        + _dump_line(990003, "Some Peak", "", 10.3, 10.3, "T", "MT", "NG", "77", "", 0),
        encoding="utf-8",
    )
    overlay = tmp_path / "overlay.tsv.gz"
    gaz = Gazetteer()
    assert gaz.add_geonames_dump(dump, overlay=overlay) == 2  # the mountain is not a place
    town = gaz.lookup("Zembrakouto")[0]
    assert (town.id, town.country, town.admin1, town.population) == ("gn:990002", "NG", "Upper Qorvelia", 800)
    # the overlay keeps them for later loads, and importing twice changes nothing
    Gazetteer().add_geonames_dump(dump, overlay=overlay)
    with gzip.open(overlay, "rt", encoding="utf-8") as fh:
        assert len(fh.read().splitlines()) == 2
    reloaded = Gazetteer.build(world=False, shipped=False, overlay=overlay)
    assert reloaded.lookup("Zambrakuto")[0].id == "gn:990002"


# -- display names, curated places, world admin1 ------------------------------


def test_display_names_are_english_and_keep_apostrophes(gaz: Gazetteer) -> None:
    maarat = [p for p in gaz.lookup("Maarat al-Numan", country="SY") if p.placetype == "locality"]
    assert maarat and all("  " not in p.name for p in maarat)
    assert any("'" in p.name or "`" in p.name for p in maarat)
    assert "Ma arrat" not in {p.name[:8] for p in maarat}
    for name in ("Aleppo", "Raqqa", "Homs", "Deir ez-Zor"):
        for p in gaz.lookup(name, country="SY")[:3]:
            assert p.name.isascii() or not any("\u0600" <= ch <= "\u06ff" for ch in p.name), p


@pytest.mark.parametrize(
    ("name", "country", "placetype", "lat", "lon"),
    [
        ("Shujaiya", "PS", "neighbourhood", 31.50, 34.48),
        ("Jobar", "SY", "neighbourhood", 33.53, 36.33),
        ("Eastern Ghouta", "SY", "locality", 33.55, 36.40),
        ("Shayrat airbase", "SY", "campus", 34.49, 36.91),
        ("Tishrin dam", "SY", "campus", 36.38, 38.18),
        ("Tabqa", "SY", "locality", 35.83, 38.55),
        ("Omar oil field", "SY", "campus", 34.98, 40.75),
        ("Kharab al-Jir airbase", "SY", "campus", 36.90, 41.99),
        ("Ain al-Asad air base", "IQ", "campus", 33.80, 42.43),
        ("Madaya", "SY", "locality", 33.69, 36.10),
        ("Yarmouk Basin", "SY", "locality", 32.78, 35.88),
    ],
)
def test_curated_places(gaz: Gazetteer, name: str, country: str, placetype: str, lat: float, lon: float) -> None:
    p = gaz.lookup(name, country=country)[0]
    assert p.id.startswith("sw:") and p.placetype == placetype
    assert haversine_km(p.lat, p.lon, lat, lon) < 5


def test_world_localities_have_admin1_names(gaz: Gazetteer) -> None:
    assert gaz.lookup("Maiduguri", country="NG")[0].admin1 == "Borno"
    assert gaz.lookup("Juba", country="SS")[0].admin1 == "Central Equatoria"
    # usual English names, not French or older forms
    assert gaz.lookup("Goma", country="CD")[0].admin1 == "North Kivu"
    assert gaz.lookup("Nyala", country="SD")[0].admin1 == "South Darfur"


def test_world_first_level_divisions_are_places(gaz: Gazetteer) -> None:
    gedo = [p for p in gaz.lookup("Gedo", country="SO") if p.placetype == "region"]
    assert gedo and gedo[0].admin1 == "Gedo"
    # division names that are ordinary words are not indexed as names
    assert not [p for p in gaz.lookup("Centre", country="CM") if p.placetype == "region"]


def test_streamed_json_object_reader(tmp_path) -> None:
    import json

    from strikewatch.geo.gazetteer import _iter_json_object

    data = {str(i): {"name": f"Place {i}", "alt": ["a, b", "c}{", 'd"e'], "n": i} for i in range(50)}
    path = tmp_path / "cities.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    for chunk in (7, 64, 1 << 20):
        assert list(_iter_json_object(path, chunk=chunk)) == list(data.values())
    path.write_text("{}", encoding="utf-8")
    assert list(_iter_json_object(path)) == []


def test_lookups_are_memoised_and_shared(gaz: Gazetteer) -> None:
    first = gaz.matches("Aleppo", loose=False)
    again = gaz.matches("Aleppo", loose=False)
    assert first == again and first is not again  # a fresh list each time
    again.clear()
    assert gaz.matches("Aleppo", loose=False) == first  # callers cannot spoil the memo
    assert first[0].place is gaz.matches("Haleb", loose=False)[0].place or first[0].place.country == "SY"
    assert gaz.has_name("Aleppo") and not gaz.has_name("Zzyzqa Qqx")


def test_memos_are_emptied_when_places_are_added(tmp_path) -> None:
    from strikewatch.geo.gazetteer import Place

    g = Gazetteer.build(world=False, shipped=False)
    assert g.matches("Zorbatown") == []
    g.add_places([(Place("sw:99999901", "Zorbatown", "locality", "SY", "Idlib", None, 35.9, 36.6, 10), ["Zorbatown"])])
    assert [m.place.name for m in g.matches("Zorbatown")] == ["Zorbatown"]
    import pickle

    g2 = pickle.loads(pickle.dumps(g))
    assert [m.place.id for m in g2.matches("Zorbatown")] == ["sw:99999901"]


def test_arabic_names_are_known_by_their_keys() -> None:
    from strikewatch.geo.gazetteer import Place

    g = Gazetteer.build(world=False, shipped=False)
    g.add_places([(Place("sw:99999902", "Maarat al-Numan", "locality", "SY", "Idlib", None, 35.6, 36.7, 10),
                   ["Maarat al-Numan", "مَعَرَّة النعمان"])])
    assert arabic_key("معرة النعمان") in g.arabic_keys
    assert phonetic_key("Maarat al-Numan") not in g.arabic_keys  # Arabic names only
    assert g.has_name("معره النعمان") and g.has_name("Maarat al-Numan") and not g.has_name("معرة")
    import pickle

    assert pickle.loads(pickle.dumps(g)).has_name("معره النعمان")


@given(st.lists(st.text(alphabet=st.sampled_from("الرقةإأآىيئؤـ"), min_size=1, max_size=6), min_size=1, max_size=4),
       st.sampled_from([" ", "  ", "\t", "\n"]))
def test_an_arabic_phrase_key_is_its_words_keys_joined(words: list[str], space: str) -> None:
    # the Arabic place finder keys word n-grams by joining the words' keys
    assert arabic_key(space.join(words)) == "".join(arabic_key(w) for w in words)


def test_machine_romanisations_and_codes_are_not_names() -> None:
    from strikewatch.geo.gazetteer import _is_useful_alternate

    assert not _is_useful_alternate("purt")  # lower-case romanisation of another script's spelling
    assert not _is_useful_alternate("DUK")  # an airport code
    assert not _is_useful_alternate("zōr kōṯ")
    assert _is_useful_alternate("Lérida") and _is_useful_alternate("al-Bab") and _is_useful_alternate("حلب")
    assert not _is_useful_alternate("Перт")  # another script


@pytest.mark.parametrize("name,wrong", [("Rarieda", "ES"), ("Duk", "ZA"), ("Bay", "IN")])
def test_world_towns_not_reached_through_machine_alternates(gaz: Gazetteer, name: str, wrong: str) -> None:
    assert all(p.country != wrong for p in gaz.lookup(name)[:5])


def test_geonames_dump_alternates_filtered(tmp_path) -> None:
    dump = tmp_path / "XX.txt"
    dump.write_text(_dump_line(990004, "Qorvelton", "QRV,qorferutonu,Korvelton", 10.2, 10.1, "P", "PPL", "NG", "77",
                               "", 800), encoding="utf-8")
    gaz = Gazetteer()
    gaz.add_geonames_dump(dump, overlay=tmp_path / "overlay.tsv.gz")
    assert gaz.lookup("Korvelton")[0].id == "gn:990004"
    assert not gaz.lookup("QRV") and not gaz.lookup("qorferutonu")


def test_matches_tell_own_spellings_from_loose_variants() -> None:
    from strikewatch.geo.gazetteer import Place

    g = Gazetteer.build(world=False, shipped=False)
    g.add_places([(Place("sw:99999903", "Zorbatown", "locality", "SY", "Idlib", None, 35.9, 36.6, 10),
                   ["Zorbatown", "Zorba Town"])])
    # the place's own names, up to case, separators and accents
    assert [m.spelled for m in g.matches("Zorba-Town")] == [True]
    assert [m.spelled for m in g.matches("ZORBATÓWN")] == [True]
    # only a looser spelling variant of one (o/u, doubled letters)
    assert [m.spelled for m in g.matches("Zurbattown")] == [False]
    import pickle

    assert [m.spelled for m in pickle.loads(pickle.dumps(g)).matches("Zurbattown")] == [False]


def test_alternate_names_count_as_own_spellings(gaz: Gazetteer) -> None:
    sanya = [m for m in gaz.matches("Sanya", loose=False) if m.place.country == "CN"]
    assert sanya and sanya[0].spelled
    assert all(not m.spelled for m in gaz.matches("Sania", loose=False) if m.place.country == "CN")
    # GeoNames' alternate spellings are the place's own
    assert any(m.spelled and m.place.country == "SO" for m in gaz.matches("Kismaayo", loose=False))
    rows = describe_lookup("Luuq", gazetteer=gaz)
    assert {r["match"] for r in rows if r["country"] == "SO"} == {"exact"}
    assert {r["match"] for r in rows if r["country"] == "UA"} == {"variant"}


def test_stale_cached_indexes_are_pruned(tmp_path) -> None:
    import os
    import time

    from strikewatch.geo.gazetteer import _prune_caches

    now = time.time()
    files = []
    for i in range(6):
        p = tmp_path / f"gazetteer-{i:020d}.pickle"
        p.write_bytes(b"x")
        os.utime(p, (now - 100 * i, now - 100 * i))  # file 0 the most recently used
        files.append(p)
    (tmp_path / "other.pickle").write_bytes(b"y")  # not ours: never touched
    gone = _prune_caches(tmp_path, keep=4)
    assert sorted(gone) == files[4:]
    assert all(p.exists() for p in files[:4]) and (tmp_path / "other.pickle").exists()


def test_alternate_names_of_only_generic_words_are_not_indexed() -> None:
    from strikewatch.geo.gazetteer import Place

    g = Gazetteer.build(world=False, shipped=False)
    g.add_places([(Place("sw:99999904", "Zorba Airbase", "campus", "IQ", "Al-Anbar", None, 33.8, 42.4, 0),
                   ["Zorba Airbase", "Zorba Air Base", "Air Base", "Of"])])
    assert g.lookup("Zorba Air Base") and g.lookup("Zorba Airbase")
    assert not g.lookup("Air Base") and not g.lookup("Of")
    # a place's own display name is kept whatever its words
    g.add_places([(Place("sw:99999905", "Port", "locality", "FR", None, None, 45.0, 1.0, 10), ["Port"])])
    assert g.lookup("Port")


@pytest.mark.parametrize("town,country,admin1", [
    ("Abha", "SA", "Asir"),
    ("Zakho", "IQ", "Duhok"),
    ("Monywa", "MM", "Sagaing"),
    ("Cizre", "TR", "Sirnak"),
    ("Uruapan", "MX", "Michoacan de Ocampo"),
    ("Bamyan", "AF", "Bamyan"),
])
def test_provinces_carry_their_usual_english_names(gaz: Gazetteer, town: str, country: str, admin1: str) -> None:
    assert any(p.admin1 == admin1 for p in gaz.lookup(town, country=country))


def test_a_town_without_a_province_gets_that_of_the_nearest_town() -> None:
    from strikewatch.geo.gazetteer import Place

    g = Gazetteer()
    g.add_places([
        (Place("sw:90001", "Alpha", "locality", "SY", "Idlib", None, 35.70, 36.60, 5000), ["Alpha"]),
        (Place("sw:90002", "Beta", "locality", "SY", "Hama", None, 35.60, 36.60, 5000), ["Beta"]),
        (Place("sw:90003", "Gamma", "locality", "SY", None, None, 35.72, 36.61, 0), ["Gamma"]),
        (Place("sw:90004", "Delta", "locality", "SY", None, None, 34.20, 38.90, 0), ["Delta"]),
        (Place("sw:90005", "Epsilon", "locality", "TR", None, None, 35.71, 36.60, 0), ["Epsilon"]),
    ])
    g._fill_admin1()
    g._finish()
    assert g.lookup("Gamma")[0].admin1 == "Idlib"  # 2.4 km from Alpha, 13 km from Beta
    assert g.lookup("Delta")[0].admin1 is None  # no town with a province near
    assert g.lookup("Epsilon")[0].admin1 is None  # a town across the border is no guide

"""Gazetteer: name keys, lookups across spellings, world places, GeoNames dumps."""

from __future__ import annotations

import gzip

import pytest

from strikewatch.geo.gazetteer import (
    Gazetteer,
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

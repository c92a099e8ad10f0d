"""Finding place names in English text and choosing the incident's location."""

from __future__ import annotations

import pytest

from strikewatch.extract.places import find_places, resolve_location
from strikewatch.extract.textutil import TextDoc
from strikewatch.geo.gazetteer import Gazetteer, haversine_km


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load_default()


def _loc(text: str, gaz: Gazetteer, near: tuple[int, int] | None = None):
    doc = TextDoc(text)
    return resolve_location(doc, find_places(doc, gaz), near)


def test_town_in_a_province(gaz: Gazetteer) -> None:
    loc = _loc("Warplanes bombed a bakery in Khan Sheikhoun in southern Idlib on Sunday, residents said.", gaz)
    assert loc.country == "SY" and loc.admin1 == "Idlib" and loc.precision == "locality"
    assert haversine_km(loc.lat, loc.lon, 35.44, 36.65) < 10
    assert loc.text == "Khan Sheikhoun" and loc.gazetteer_id.startswith("wof:")


def test_province_context_disambiguates(gaz: Gazetteer) -> None:
    # several Syrian villages share this name; the province named picks one
    places = gaz.lookup("Kafr Nabl", country="SY")
    assert places
    loc = _loc("Two civilians died when shells hit Kafr Nabl in the Idlib countryside.", gaz)
    assert loc.admin1 == "Idlib"


def test_country_context_disambiguates(gaz: Gazetteer) -> None:
    loc = _loc("Gunmen attacked a clinic near Maiduguri in northeastern Nigeria, killing a nurse.", gaz)
    assert loc.country == "NG"
    assert haversine_km(loc.lat, loc.lon, 11.85, 13.16) < 25


def test_region_when_text_says_province(gaz: Gazetteer) -> None:
    loc = _loc("Heavy bombardment was reported across Idlib province overnight.", gaz)
    assert loc.precision == "region" and loc.admin1 == "Idlib"


def test_named_hospital_resolves_to_its_town(gaz: Gazetteer) -> None:
    doc = TextDoc("A missile struck Idlib National Hospital late on Tuesday, staff said.")
    places = find_places(doc, gaz)
    site = [p for p in places if p.role == "site"]
    assert site and site[0].location.admin1 == "Idlib"
    loc = resolve_location(doc, places)
    assert loc.precision == "locality" and loc.country == "SY"
    assert haversine_km(loc.lat, loc.lon, 35.93, 36.63) < 10


def test_hospital_named_then_town(gaz: Gazetteer) -> None:
    loc = _loc("Shelling damaged the al-Shifa hospital in Gaza City on Monday.", gaz)
    assert loc.country == "PS"
    assert haversine_km(loc.lat, loc.lon, 31.50, 34.46) < 10


def test_places_outside_the_middle_east(gaz: Gazetteer) -> None:
    assert _loc("An aid convoy was ambushed outside Gao, in northern Mali.", gaz).country == "ML"
    assert _loc("Armed men shot a health worker in Tumaco, Colombia.", gaz).country == "CO"


def test_near_prefers_the_attack_sentence(gaz: Gazetteer) -> None:
    text = "Fighting continued around Aleppo. Later a drone hit a market in al-Bab, killing four."
    loc = _loc(text, gaz, near=(text.index("drone"), text.index("drone") + 5))
    assert loc.admin1 == "Aleppo" and loc.text == "al-Bab"


@pytest.mark.parametrize(
    "text",
    [
        "Mark said the report was delayed until March.",
        "On Monday Hamza Ali told reporters nothing had changed.",
        "The Syrian Observatory for Human Rights published its monthly count.",
    ],
)
def test_no_false_places(gaz: Gazetteer, text: str) -> None:
    places = find_places(TextDoc(text), gaz)
    assert all(p.location.precision == "country" for p in places), places


def test_no_place_gives_an_empty_location(gaz: Gazetteer) -> None:
    loc = _loc("nothing capitalised here at all", gaz)
    assert loc.lat is None and loc.name is None

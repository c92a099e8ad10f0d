"""Arabic places: invented sentences, resolved to the English gazetteer entries."""

import pytest

from strikewatch.extract import arabic, places
from strikewatch.extract.textutil import TextDoc


@pytest.fixture(scope="module")
def gaz():
    from strikewatch.extract.pipeline import load_resources

    return load_resources().gazetteer


def _loc(text: str, gaz):
    doc = TextDoc(text=arabic.normalise(text)[0], language="ar")
    return places.resolve_location(doc, places.find_places(doc, gaz))


def test_town_after_cue_with_countryside(gaz):
    loc = _loc("قصف الطيران الحربي بلدة كفرنبل في ريف إدلب الجنوبي", gaz)
    assert (loc.name, loc.admin1, loc.precision) == ("Kafr Nabl", "Idlib", "locality")


def test_attached_preposition_and_article(gaz):
    loc = _loc("سقطت قذائف على الأحياء السكنية بمدينة الأتارب غربي حلب", gaz)
    assert loc.name == "Al Atarib" and loc.admin1 == "Aleppo"


def test_spelling_variants_share_an_entry(gaz):
    a = _loc("غارة على مدينة معرّة النعمان", gaz)
    b = _loc("غارة على مدينة معره النعمان", gaz)
    assert a.gazetteer_id == b.gazetteer_id and a.admin1 == "Idlib"


def test_countryside_of_a_district(gaz):
    loc = _loc("قصف مدفعي على ريف جسر الشغور", gaz)
    assert loc.admin1 == "Idlib" and loc.precision in ("district", "locality")


def test_common_words_are_not_places(gaz):
    doc = TextDoc(text=arabic.normalise("قتل طفل وأصيب آخرون مساء أمس")[0], language="ar")
    assert places.find_places(doc, gaz) == []

"""The canonical labels are a public contract (spec/formats.md §3): pin them."""

from __future__ import annotations

import pytest

from strikewatch import vocab


def test_format_version():
    assert vocab.FORMAT_VERSION == 1


def test_event_types_exactly_as_spec():
    assert vocab.EVENT_TYPES == (
        "air_strike", "drone_strike", "shelling", "missile_strike", "ground_attack",
        "explosive_device", "chemical_attack", "abduction", "other",
    )


def test_target_types_exactly_as_spec():
    assert vocab.TARGET_TYPES == (
        "health_facility", "medical_transport", "medical_personnel", "school",
        "residential", "market", "religious_site", "camp", "un_facility", "aid_facility",
        "bakery", "water_facility", "power_facility", "government_building", "road",
        "vehicle", "military", "other",
    )


def test_protected_targets_are_health_school_religious_camp_un_aid():
    assert vocab.PROTECTED_TARGET_TYPES == frozenset({
        "health_facility", "medical_transport", "medical_personnel",  # health
        "school", "religious_site", "camp", "un_facility", "aid_facility",
    })
    assert vocab.PROTECTED_TARGET_TYPES <= set(vocab.TARGET_TYPES)
    assert vocab.HEALTH_TARGET_TYPES <= vocab.PROTECTED_TARGET_TYPES


@pytest.mark.parametrize("target_type", vocab.TARGET_TYPES)
def test_is_protected_matches_the_set(target_type):
    assert vocab.is_protected(target_type) is (target_type in vocab.PROTECTED_TARGET_TYPES)


@pytest.mark.parametrize("target_type", ["residential", "market", "bakery", "military",
                                         "road", "other", "hospital", "", None])
def test_unprotected_and_unknown_types(target_type):
    assert vocab.is_protected(target_type) is False


def test_is_health():
    assert vocab.is_health("medical_transport")
    assert not vocab.is_health("school")


def test_precisions_grades_roles():
    assert vocab.LOCATION_PRECISIONS == ("exact", "locality", "district", "region", "country")
    assert vocab.DATE_PRECISIONS == ("day", "week", "month", "year")
    assert vocab.GRADES == ("confirmed", "fair", "weak", "contested", "discounted")
    assert vocab.PERPETRATOR_ROLES == ("alleged", "claimed", "denied", "confirmed")


def test_figure_vocabularies():
    assert vocab.FIGURE_MEASURES == ("killed", "injured", "missing")
    assert vocab.FIGURE_GROUPS == (
        "all", "civilians", "children", "women", "medical_staff", "combatants",
    )
    assert vocab.FIGURE_QUALIFIERS == (
        "exact", "at_least", "more_than", "up_to", "about", "range", "vague",
    )
    # spellings used by the spec's example REPORT
    assert {"at_least", "exact", "vague"} <= set(vocab.FIGURE_QUALIFIERS)


def test_actors_exactly_as_spec():
    assert vocab.ACTORS == (
        "Russia", "Syrian government", "US-led coalition", "United States", "Turkey",
        "Israel", "Iran", "Iraq", "SDF", "Islamic State", "Hayat Tahrir al-Sham",
        "Syrian opposition", "Hamas", "Hezbollah", "Houthis", "Saudi-led coalition",
        "Islamic Resistance in Iraq", "unknown",
    )


@pytest.mark.parametrize("name", [
    "EVENT_TYPES", "TARGET_TYPES", "LOCATION_PRECISIONS", "DATE_PRECISIONS", "ACTORS",
    "GRADES", "FIGURE_MEASURES", "FIGURE_GROUPS", "FIGURE_QUALIFIERS", "PERPETRATOR_ROLES",
    "CASUALTY_KEYS", "DOCUMENT_FORMATS",
])
def test_vocabularies_are_immutable_without_duplicates(name):
    labels = getattr(vocab, name)
    assert isinstance(labels, tuple)
    assert len(labels) == len(set(labels))
    assert all(isinstance(x, str) and x == x.strip() and x for x in labels)


def test_casualty_keys():
    assert vocab.CASUALTY_KEYS == ("killed", "injured", "civilians_killed", "children_killed")
    assert vocab.casualty_key("killed") == "killed"
    assert vocab.casualty_key("killed", "children") == "children_killed"
    assert vocab.casualty_key("injured", "medical_staff") == "medical_staff_injured"
    for key in vocab.CASUALTY_KEYS:
        measure, group = vocab.split_casualty_key(key)
        assert vocab.casualty_key(measure, group) == key


@pytest.mark.parametrize("measure", vocab.FIGURE_MEASURES)
@pytest.mark.parametrize("group", vocab.FIGURE_GROUPS)
def test_split_casualty_key_inverts(measure, group):
    assert vocab.split_casualty_key(vocab.casualty_key(measure, group)) == (measure, group)


@pytest.mark.parametrize("key", ["all_killed", "dead", "soldiers_killed", "killed_children", ""])
def test_split_casualty_key_rejects(key):
    assert vocab.split_casualty_key(key) is None

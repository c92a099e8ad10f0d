"""Event cues, weapons, aircraft, targets and the attack/no-attack decision
(invented sentences only)."""

from __future__ import annotations

from strikewatch.extract import events as E
from strikewatch.extract.textutil import TextDoc


def _all(text: str):
    doc = TextDoc(text)
    ev = E.find_events(doc)
    return doc, ev, E.find_weapons(doc), E.find_aircraft(doc)


def test_air_strike_cues_and_spans() -> None:
    doc, ev, we, ac = _all("Warplanes carried out an air-strike on the village of Kafr Test at dawn.")
    assert {e.event_type for e in ev} == {"air_strike"}
    for e in ev:
        assert doc.text[e.start:e.end] == e.text
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_barrel_bomb_and_helicopter_imply_air_strike() -> None:
    doc, ev, we, ac = _all("Two barrel bombs were dropped by a Mi-8 helicopter on the town, residents said.")
    assert [w.weapon for w in we] == ["barrel bomb"]
    assert we[0].event_type == "air_strike"
    mi8 = next(a for a in ac if a.aircraft == "Mi-8")
    assert mi8.kind == "helicopter" and "Syrian government" in mi8.operators
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_drone_but_not_anti_drone() -> None:
    doc, ev, we, ac = _all("A Bayraktar drone struck a car near the crossing.")
    assert E.event_type(doc, ev, we, ac) == "drone_strike"
    assert any(a.aircraft == "Bayraktar TB2" and a.operators == ["Turkey"] for a in ac)
    doc, ev, _, _ = _all("The ministry unveiled a new anti-drone system at the fair.")
    assert not [e for e in ev if e.event_type == "drone_strike"]


def test_other_event_types() -> None:
    cases = {
        "Heavy artillery shelling hit the eastern districts overnight.": "shelling",
        "A Tochka ballistic missile landed near the square.": "missile_strike",
        "Gunmen opened fire on a minibus at a checkpoint.": "ground_attack",
        "A roadside bomb exploded as the patrol passed.": "explosive_device",
        "Doctors treated dozens for symptoms consistent with chlorine gas.": "chemical_attack",
        "Two engineers were kidnapped by armed men on the highway.": "abduction",
    }
    for text, expected in cases.items():
        doc, ev, we, ac = _all(text)
        assert E.event_type(doc, ev, we, ac) == expected, text


def test_event_type_near_span_prefers_local_cues() -> None:
    text = ("Shelling hit the north of the city on Monday. "
            "On Tuesday an airstrike destroyed a bakery in the south.")
    doc, ev, we, ac = _all(text)
    second = doc.sentences[1]
    assert E.event_type(doc, ev, we, ac, near=second) == "air_strike"
    assert E.event_type(doc, ev, we, ac, near=doc.sentences[0]) == "shelling"


def test_nothing_to_vote_gives_none() -> None:
    doc, ev, we, ac = _all("The committee met to discuss the budget.")
    assert E.event_type(doc, ev, we, ac) is None


def test_targets_only_when_hit() -> None:
    doc = TextDoc("An airstrike hit the Test Valley National Hospital, and the wounded were "
                  "later taken to a clinic in the next town.")
    tg = E.find_targets(doc, E.find_events(doc))
    assert [(t.type, t.name, t.protected) for t in tg] == [
        ("health_facility", "Test Valley National Hospital", True)
    ]


def test_target_kinds_and_names() -> None:
    doc = TextDoc("Shelling struck al-Noor hospital and an ambulance; a strike on a family home "
                  "in the Example refugee camp followed.")
    tg = E.find_targets(doc, E.find_events(doc))
    kinds = {t.type for t in tg}
    assert {"health_facility", "medical_transport", "residential", "camp"} <= kinds
    assert any(t.name == "al-Noor hospital" for t in tg)


def test_street_name_is_a_place_not_a_target() -> None:
    doc = TextDoc("A drone strike hit a house on Lemon Street in the town centre.")
    kinds = {t.type for t in E.find_targets(doc, E.find_events(doc))}
    assert kinds == {"residential"}


def test_describes_attack_yes() -> None:
    for text in (
        "Five civilians were killed when warplanes bombed a market in the town.",
        "Militants abducted three teachers from a school on Sunday.",
        "A suicide bomber blew himself up at a checkpoint, wounding four guards.",
    ):
        doc = TextDoc(text)
        assert E.describes_attack(doc, E.find_events(doc), has_casualties=True), text


def test_describes_attack_no() -> None:
    for text, cas in (
        ("Thousands of people marched in the capital to protest against rising prices.", False),
        ("The two foreign ministers signed an agreement to reopen the border crossing.", False),
        ("Police arrested four men suspected of smuggling fuel.", False),
        ("Floods after torrential rain killed six people in the northern province.", True),
        ("Three workers died when a gas cylinder exploded at a factory.", True),
        ("Army units were deployed to the border region and set up new posts.", False),
    ):
        doc = TextDoc(text)
        assert not E.describes_attack(doc, E.find_events(doc), has_casualties=cas), text

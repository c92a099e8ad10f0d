"""Perpetrators by the text's account, and the attribution (invented sentences)."""

from __future__ import annotations

from strikewatch.extract import events as E
from strikewatch.extract.actors import attribute, find_actors
from strikewatch.extract.sources import find_sources
from strikewatch.extract.textutil import TextDoc


def _actors(text: str):
    doc = TextDoc(text)
    return doc, find_actors(doc, find_sources(doc))


def test_accusations() -> None:
    _, acts = _actors("Russian warplanes bombed the village, activists said.")
    assert [(a.actor, a.role, a.by) for a in acts] == [("Russia", "alleged", "activists")]
    _, acts = _actors("Four were killed in an Israeli strike on a house.")
    assert [(a.actor, a.role) for a in acts] == [("Israel", "alleged")]
    _, acts = _actors("The village was shelled by regime forces.")
    assert [(a.actor, a.role) for a in acts] == [("Syrian government", "alleged")]


def test_victims_and_descriptions_are_not_perpetrators() -> None:
    _, acts = _actors("The coalition said its jets struck IS positions near the river.")
    assert {a.actor for a in acts} == {"US-led coalition"}
    _, acts = _actors("The Hamas-run health ministry gave the toll.")
    assert acts == []


def test_claims_denials_confirmations() -> None:
    _, acts = _actors("Al-Shabaab claimed responsibility for the bombing.")
    assert [(a.actor, a.role, a.by) for a in acts] == [("al-Shabaab", "claimed", "al-Shabaab")]
    _, acts = _actors("Moscow denied that its aircraft were involved.")
    assert [(a.actor, a.role) for a in acts] == [("Russia", "denied")]
    _, acts = _actors("The Israeli military said it struck a command centre.")
    assert [(a.actor, a.role) for a in acts] == [("Israel", "confirmed")]
    _, acts = _actors("Houthi rebels (Ansar Allah) claimed the attack on the tanker.")
    assert ("Houthis", "claimed") in [(a.actor, a.role) for a in acts]


def test_interceptor_is_not_perpetrator() -> None:
    _, acts = _actors("The drone was intercepted by Saudi air defences over the city.")
    assert acts == []


def test_attribution_prefers_accusation_and_lists_evidence() -> None:
    doc, acts = _actors("Turkish drones struck a car near the town. Residents blamed Turkey.")
    att = attribute(acts, E.find_aircraft(doc), E.find_weapons(doc), doc=doc)
    assert att is not None and att.actor == "Turkey"
    assert 0.5 < att.probability <= 1
    assert att.evidence and all(e.weight is not None for e in att.evidence)
    assert att.alternatives[0].actor == "unknown"
    total = att.probability + sum(a.probability for a in att.alternatives)
    assert abs(total - 1) < 1e-3


def test_attribution_from_aircraft_and_weapon() -> None:
    doc, acts = _actors("A Su-34 dropped bombs on the market.")
    att = attribute(acts, E.find_aircraft(doc), E.find_weapons(doc))
    assert att is not None and att.actor == "Russia"
    assert [e.kind for e in att.evidence] == ["aircraft"]
    doc, acts = _actors("Barrel bombs fell on the eastern neighbourhoods.")
    att = attribute(acts, E.find_aircraft(doc), E.find_weapons(doc))
    assert att is not None and att.actor == "Syrian government"


def test_claim_beats_accusation_of_another() -> None:
    doc, acts = _actors("Officials blamed IS for the blast. Later a local group claimed responsibility, "
                        "and Boko Haram claimed responsibility too.")
    att = attribute(acts)
    assert att is not None and att.actor == "Boko Haram"


def test_denial_alone_is_not_an_answer() -> None:
    doc, acts = _actors("Russia denied involvement.")
    att = attribute(acts)
    assert att is not None and att.actor == "unknown"
    assert att.evidence[0].kind == "denial" and att.evidence[0].weight < 0


def test_theatre_cue_only_with_doc() -> None:
    doc, acts = _actors("An airstrike hit a house in Khan Younis overnight.")
    assert attribute(acts, E.find_aircraft(doc), E.find_weapons(doc)) is None
    att = attribute(acts, E.find_aircraft(doc), E.find_weapons(doc), doc=doc, event_type="air_strike")
    assert att is not None and att.actor == "Israel"
    assert att.evidence[0].kind == "theatre"


def test_nothing_points_anywhere() -> None:
    assert attribute([]) is None


def test_rounded_probabilities_never_sum_past_one() -> None:
    texts = (
        (
            "In the north, Russian warplanes struck a market. Later a Syrian government MiG-23 "
            "hit a house in Idlib, and a drone struck a car."
        ),
        "Turkish drones struck a car near the town. Residents blamed Turkey.",
        "Israeli jets and Russian warplanes were both seen over Idlib before the strike.",
    )
    for text in texts:
        doc, acts = _actors(text)
        att = attribute(acts, E.find_aircraft(doc), E.find_weapons(doc), doc=doc)
        assert att is not None
        total = att.probability + sum(a.probability for a in att.alternatives)
        assert total <= 1 + 1e-9, (text, total)
        assert abs(total - 1) < 1e-3


# --- round two: appositives, teasers, position ------------------------------------

def test_appositive_does_not_steal_the_verb() -> None:
    _, acts = _actors(
        "Local monitors said that Russia, a close ally of President Assad, launched the strike on the market."
    )
    assert [(a.actor, a.role) for a in acts] == [("Russia", "alleged")]


def test_injured_party_is_not_the_perpetrator() -> None:
    _, acts = _actors("Rockets struck the base; there were no injuries to coalition personnel.")
    assert not [a for a in acts if a.actor == "US-led coalition"]


def test_teaser_and_far_accusations_weigh_less() -> None:
    page = (
        "Two killed in shelling on Kafr Testa\n\n"
        "Israeli strike hits a car in Testville, May 2\n\n"
        "Two civilians were killed when Turkish artillery shelled the village of Kafr Testa on Monday, "
        "local sources said.\n\n"
        + "".join(f"Residents of the village described the damage for the {i}th time.\n\n" for i in range(30))
        + "In other news, Russian jets struck a town far away."
    )
    doc, acts = _actors(page)
    att = attribute(acts, doc=doc)
    assert att is not None and att.actor == "Turkey"
    weights = {e.extra["actor"]: e.weight for e in att.evidence if e.kind == "accusation"}
    assert weights["Israel"] < weights["Turkey"] and weights["Russia"] < weights["Turkey"]


def test_repeats_decay_from_the_strongest_mention() -> None:
    doc, acts = _actors(
        "Regime forces shelled the town, killing two.\n\nRegime shelling hits school in Testville\n\n"
        "Regime forces shelled the town again on Tuesday morning, killing three more civilians there."
    )
    att = attribute(acts, doc=doc)
    ws = sorted((e.weight for e in att.evidence if e.kind == "accusation"), reverse=True)
    assert ws[0] > ws[1] > ws[2]


def test_passive_party_is_harmed_not_accused() -> None:
    _, acts = _actors("Two Russian soldiers were killed when the convoy was hit.")
    assert acts == []
    _, acts = _actors("Hamas members were reportedly detained at the crossing.")
    assert acts == []
    _, acts = _actors("Russian warplanes were blamed after the market was hit.")
    assert [(a.actor, a.role) for a in acts] == [("Russia", "alleged")]


def test_unnamed_state_forces_take_the_country_of_the_place() -> None:
    from strikewatch.extract.actors import STATE_FORCES, resolve_state_forces
    _, acts = _actors("A driver was beaten by a police commander at a checkpoint.")
    assert [(a.actor, a.role) for a in acts] == [(STATE_FORCES, "alleged")]
    assert [a.actor for a in resolve_state_forces(acts, "CD")] == ["Democratic Republic of the Congo"]
    assert resolve_state_forces(acts, None) == []  # no place: it says nothing
    assert resolve_state_forces(acts, "FR") == []  # a country without a state label
    # named by an adjective, counted among the harmed, or part of a unit's name: not unnamed state forces
    _, acts = _actors("Israeli soldiers opened fire on the crowd.")
    assert [a.actor for a in acts] == ["Israel"]
    _, acts = _actors("Three soldiers killed and five more injured in the blast.")
    assert acts == []
    _, acts = _actors("The group struck a base of the Coastal Guard Police Force near the port.")
    assert all(a.actor != STATE_FORCES for a in acts)


def test_state_forces_resolved_in_the_report() -> None:
    from strikewatch.extract.pipeline import extract_dict
    out = extract_dict({"id": "s", "language": "en", "published": "2021-05-02",
                        "text": "An aid worker was shot dead by soldiers at a checkpoint in Maiduguri, Borno, on Saturday."})
    rep = out["reports"][0]
    assert rep["location"]["country"] == "NG"
    assert rep["attribution"]["actor"] == "Nigeria"
    assert [p["actor"] for p in rep["perpetrators"]] == ["Nigeria"]
    # marked, so the incident engine weighs it as an inference, not a named accusation
    assert rep["perpetrators"][0]["unnamed"] is True
    from strikewatch.model import Report
    assert Report.from_dict(rep).perpetrators[0].extra == {"unnamed": True}
    named = extract_dict({"id": "n", "language": "en", "published": "2021-05-02",
                          "text": "An aid worker was shot dead by Nigerian soldiers in Maiduguri, Borno, on Saturday."})
    assert "unnamed" not in named["reports"][0]["perpetrators"][0]

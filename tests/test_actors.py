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


def test_a_shared_name_takes_the_actor_of_the_country() -> None:
    from strikewatch.extract.actors import resolve_by_place
    _, acts = _actors("Coalition jets bombed a fuel depot outside the town on Sunday.")
    assert [(a.actor, a.role) for a in acts] == [("US-led coalition", "alleged")]
    assert [a.actor for a in resolve_by_place(acts, "YE")] == ["Saudi-led coalition"]
    assert [a.actor for a in resolve_by_place(acts, "SY")] == ["US-led coalition"]
    assert [a.actor for a in resolve_by_place(acts, None)] == ["US-led coalition"]
    # a name that says which coalition stays that one wherever it struck
    _, acts = _actors("The US-led coalition bombed a fuel depot outside the town.")
    assert [a.actor for a in resolve_by_place(acts, "YE")] == ["US-led coalition"]


def test_unnamed_state_forces_take_the_country_of_the_place() -> None:
    from strikewatch.extract.actors import STATE_FORCES, resolve_by_place
    _, acts = _actors("A driver was beaten by a police commander at a checkpoint.")
    assert [(a.actor, a.role) for a in acts] == [(STATE_FORCES, "alleged")]
    assert [a.actor for a in resolve_by_place(acts, "CD")] == ["Democratic Republic of the Congo"]
    assert resolve_by_place(acts, None) == []  # no place: it says nothing
    assert resolve_by_place(acts, "FR") == []  # a country without a state label
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


def test_force_mention_without_action_weighs_less() -> None:
    # "IS fighters" with no verb of theirs is a weak accusation; the coalition
    # is said to have struck: it wins though IS is named more often.
    doc, acts = _actors(
        "IS fighters held the jail for a week. Coalition jets bombed the jail on Sunday. "
        "Dozens of IS members surrendered later, and the families of IS fighters left the area."
    )
    att = attribute(acts, doc=doc)
    assert att is not None and att.actor == "US-led coalition"
    # with a verb of their own, the same words accuse fully
    doc, acts = _actors("IS fighters attacked the jail on Thursday night.")
    att = attribute(acts, doc=doc)
    assert att is not None and att.actor == "Islamic State"
    assert att.evidence[0].weight >= 1.5


def test_by_after_a_participle_of_no_attack_is_no_accusation() -> None:
    for text in (
        "Shells fell on a village held by the SDF, killing two.",
        "Footage published by the Islamic State's news agency showed the crater.",
        "The town, controlled by Turkish-backed factions since 2018, was shelled.",
        "The casualty list was shared by Kurdish officials on Monday.",
    ):
        _, acts = _actors(text)
        assert acts == [], text


def test_interceptor_named_first_is_not_perpetrator() -> None:
    _, acts = _actors("Port police intercepted the quadcopter and destroyed it before it reached the ship.")
    assert acts == []
    _, acts = _actors("Israeli jets downed a drone launched by the Islamic Resistance in Iraq toward Eilat.")
    assert [(a.actor, a.role) for a in acts] == [("Islamic Resistance in Iraq", "alleged")]


def test_attributed_with_words_between() -> None:
    _, acts = _actors("Local sources attributed the two drone attacks to the Islamic State.")
    assert [(a.actor, a.role) for a in acts] == [("Islamic State", "alleged")]
    _, acts = _actors("Officials blamed the shelling on Russian forces.")
    assert [(a.actor, a.role) for a in acts] == [("Russia", "alleged")]


def test_object_of_attack_or_arrest_is_not_perpetrator() -> None:
    _, acts = _actors("Hamas fighters attacked Israeli tanks near the fence with an explosive quadcopter.")
    assert [a.actor for a in acts] == ["Hamas"]
    _, acts = _actors("Kurdish forces raided a house to capture ISIS members in the town.")
    assert [a.actor for a in acts] == ["SDF"]


def test_description_after_a_name_with_space() -> None:
    # multi-word descriptions after a name ("air defenses", "president") were never read
    _, acts = _actors("A drone was brought down by Saudi air defences near Jizan.")
    assert acts == []
    _, acts = _actors("A former US president admitted on television that the deployment was about oil.")
    assert acts == []
    # a force noun after the description makes it a unit's name
    _, acts = _actors("Turkish border guards shot dead a young man near the wall.")
    assert [(a.actor, a.role) for a in acts] == [("Turkey", "alleged")]


def test_actor_of_the_attack_answered_is_not_perpetrator() -> None:
    _, acts = _actors("The Houthis said the missile was fired in retaliation for Saudi bombing of a Saada market.")
    assert "Saudi-led coalition" not in {a.actor for a in acts}
    _, acts = _actors("Rockets hit the base in response to Israeli raids in the south.")
    assert acts == []


def test_finding_the_weapon_is_no_attack() -> None:
    _, acts = _actors("Police located and destroyed a grenade-carrying quadcopter on a rooftop in the old town.")
    assert acts == []


def test_second_of_two_coordinated_targets() -> None:
    _, acts = _actors("There were minor injuries to Turkish and coalition soldiers at the post.")
    assert acts == []
    _, acts = _actors("Fighting flared between regime troops and Turkish soldiers at dawn.")
    assert acts == []


def test_headline_reduced_passive_is_the_party_harmed() -> None:
    _, acts = _actors("Three SDF fighters killed by a Turkish drone strike on a car near Amuda")
    assert [(a.actor, a.role) for a in acts] == [("Turkey", "alleged")]
    _, acts = _actors("Two Asayish fighters wounded in Turkish shelling on Ain Issa")
    assert [a.actor for a in acts] == ["Turkey"]
    # with an attack word after the name the clause is active
    _, acts = _actors("Russian warplanes killed in Idlib twelve civilians on Monday.")
    assert [(a.actor, a.role) for a in acts] == [("Russia", "alleged")]


def test_object_of_a_present_tense_headline_verb() -> None:
    _, acts = _actors("US-led coalition captures an IS financier in a night raid near Hajin")
    assert [a.actor for a in acts] == ["US-led coalition"]
    _, acts = _actors("US gunships fired on the compound to help Kurdish fighters hold the gate.")
    assert [a.actor for a in acts] == ["United States"]


def test_capture_raid_names_its_perpetrator() -> None:
    _, acts = _actors("American forces captured a suspected smuggler at dawn near al-Tanf.")
    assert [(a.actor, a.role) for a in acts] == [("United States", "alleged")]


def test_the_government_of_a_state_is_its_agent() -> None:
    _, acts = _actors("An engineer with a relief agency was held and beaten after being detained by the government of Iran.")
    assert [(a.actor, a.role) for a in acts] == [("Iran", "alleged")]


def test_shelling_of_the_northern_aleppo_towns_leans_to_the_sdf() -> None:
    doc, acts = _actors("Rockets fell on a market in Azaz, killing two civilians.")
    att = attribute(acts, doc=doc, event_type="shelling")
    assert att is not None and att.actor == "SDF"
    assert attribute(acts, doc=doc, event_type="air_strike") is None  # the prior is the shelling's only

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


def test_describes_attack_short_monitor_headlines() -> None:
    """Headlines that name no weapon still report violence: harm words,
    violent acts and armed actors add up."""
    for text, cas in (
        ("Seven fighters killed in clashes near Example Town", True),
        ("Casualties in the town of Testville and its countryside", False),
        ("Regime helicopters bombard villages in the northern countryside of Sampleton", False),
        ("Fierce fighting continues in the east of Sampleton between the two factions", False),
        ("Militants targeted an army post in the Test valley", False),
        ("Two aid workers were killed by gunmen on the road to Example Town", False),
        ("More human losses among government forces in the desert near Testville", False),
    ):
        doc = TextDoc(text)
        assert E.describes_attack(doc, E.find_events(doc), has_casualties=cas), text


def test_broken_truce_is_no_evidence_against_an_attack() -> None:
    for text, cas in (
        ("A false truce: shelling kills nine civilians in Example Town", True),
        ("Government forces violated the ceasefire overnight, shelling Testville", False),
    ):
        doc = TextDoc(text)
        assert E.describes_attack(doc, E.find_events(doc), has_casualties=cas), text
    doc = TextDoc("The ceasefire held for a second day as talks resumed in the capital.")
    assert not E.describes_attack(doc, E.find_events(doc), has_casualties=False)


def test_air_strikes_named_with_another_means() -> None:
    doc = TextDoc("Air and rocket strikes hit the southern villages again.")
    assert E.event_type(doc, E.find_events(doc), [], []) == "air_strike"


def test_describes_attack_no_for_exchanges_accidents_and_movements() -> None:
    for text, cas in (
        ("The two sides exchanged prisoners and the bodies of dead fighters near the crossing.", False),
        ("Four workers were injured when a boiler exploded at the Example plant.", True),
        ("Rebel fighters and army troops were deployed to new posts and reinforcements arrived.", False),
        ("A famous singer died on Sunday at the age of 88.", False),
        ("The minister visited troops at the border and signed a new agreement.", False),
    ):
        doc = TextDoc(text)
        assert not E.describes_attack(doc, E.find_events(doc), has_casualties=cas), text


def test_attack_score_never_drops_when_a_typed_cue_is_added() -> None:
    weak = TextDoc("Gunmen killed a guard at the gate.")
    strong = TextDoc("Gunmen shot dead a guard with rifles and grenades at the gate.")
    assert E.attack_score(strong, E.find_events(strong), False) >= E.attack_score(weak, E.find_events(weak), False)


def test_march_the_month_is_not_a_protest_march() -> None:
    doc = TextDoc("On 3 March 2019 warplanes bombed the market, killing four people.")
    plain = TextDoc("On 3 April 2019 warplanes bombed the market, killing four people.")
    assert E.attack_score(doc, E.find_events(doc), True) == E.attack_score(plain, E.find_events(plain), True)


def test_event_type_chemical_decides_over_its_carrier() -> None:
    doc, ev, we, ac = _all("Rebels fired mortar shells loaded with chlorine gas at the district; artillery fire followed.")
    assert E.event_type(doc, ev, we, ac) == "chemical_attack"


def test_missiles_fired_by_warplanes_are_an_air_strike() -> None:
    doc, ev, we, ac = _all("Warplanes fired four missiles at a farm near the village of Testabad.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    doc, ev, we, ac = _all("A ballistic missile hit a farm near the village of Testabad.")
    assert E.event_type(doc, ev, we, ac) == "missile_strike"


def test_violence_with_no_means_is_a_ground_attack() -> None:
    doc, ev, we, ac = _all("One guard was injured by two unknown men at the office in Example Town.")
    assert E.event_type(doc, ev, we, ac) == "ground_attack"
    doc, ev, we, ac = _all("A convoy came under fire on the road to Testville, injuring a driver.")
    assert E.event_type(doc, ev, we, ac) == "ground_attack"
    doc, ev, we, ac = _all("Special forces landed by helicopter and carried out an airborne raid on a house.")
    assert E.event_type(doc, ev, we, ac) == "ground_attack"


def test_targets_not_origins_claims_or_sources() -> None:
    def kinds(text: str) -> set[str]:
        doc = TextDoc(text)
        return {t.type for t in E.find_targets(doc, E.find_events(doc))}

    # the air base is where the jets came from
    assert kinds("Residents blamed the raids on jets flying from the Example air base.") == set()
    # the attacker's account of a military target is not a finding
    assert "military" not in kinds("The ministry said its jets had struck military targets near the town.")
    assert kinds("Jets struck a military base outside the town.") == {"military"}
    # "doctors said": a source, not a target
    assert "medical_personnel" not in kinds("A drone strike hit a car near the town, doctors said.")
    # east of a camp is not in it
    assert "camp" not in kinds("An airstrike hit their home to the east of the Example camp.")


def test_abduction_decides_over_how_it_was_done() -> None:
    doc, ev, we, ac = _all("Armed men ambushed the convoy near Testville and kidnapped two drivers at gunpoint.")
    assert E.event_type(doc, ev, we, ac) == "abduction"
    # a passing mention of hostages in a long gun battle does not
    doc, ev, we, ac = _all(
        "Gunmen stormed the prison. Heavy fighting and clashes followed; snipers shot at the guards "
        "and gunmen opened fire on the gate. Officials feared hostages could be taken."
    )
    assert E.event_type(doc, ev, we, ac) == "ground_attack"


# --- round two: the main story of a scraped page, torture, farmland --------------

_PAGE = (
    "One farmer killed in artillery shelling on Kafr Testa, March 3\n\n"
    "Boy shot dead by gunmen at a checkpoint near Testville, May 2\n\n"
    "Man wounded by sniper fire in the old market of Samplabad, May 1\n\n"
    "A farmer from Kafr Testa was killed on March 3 when artillery shells fired by government "
    "forces landed near him while he was picking olives in an orchard outside the village.\n\n"
    "The shelling also damaged two houses, residents said."
)


def test_teaser_lines_of_other_stories_weigh_little() -> None:
    doc, ev, we, ac = _all(_PAGE)
    w = E.story_weights(doc)
    assert w[0] == 1.0  # the title
    assert w[1] == w[2] == E.TEASER_WEIGHT  # headlines of other stories
    assert w[3] == w[4] == 1.0  # the prose
    assert E.event_type(doc, ev, we, ac) == "shelling"


def test_no_teasers_without_prose() -> None:
    doc = TextDoc("Shelling on Kafr Testa\n\nGunmen attack a checkpoint in Testville\n\nSniper fire in Samplabad")
    assert E.story_weights(doc) == [1.0, 1.0, 1.0]


def test_truncated_line_is_a_teaser() -> None:
    doc = TextDoc(
        "Shelling kills two in Kafr Testa\n\nGunmen storm a school in Testville and kill the...\n\n"
        "Two people were killed when shells fell on the main square of Kafr Testa on Monday morning."
    )
    assert E.story_weights(doc)[1] == E.TEASER_WEIGHT


def test_targets_in_teaser_lines_are_left_out() -> None:
    doc = TextDoc(_PAGE.replace("Man wounded by sniper fire in the old market", "Airstrike hits a hospital"))
    types = {t.type for t in E.find_targets(doc, E.find_events(doc))}
    assert "health_facility" not in types
    assert "residential" in types


def test_farmland_where_people_were_hit() -> None:
    doc = TextDoc("Shells fell on farmers who were picking olives in an orchard east of the village.")
    assert {t.type for t in E.find_targets(doc, E.find_events(doc))} == {"other"}
    doc = TextDoc("The families returned to their orchard after the harvest festival.")
    assert E.find_targets(doc, E.find_events(doc)) == []


def test_torture_in_custody_is_an_attack() -> None:
    doc = TextDoc("A local aid worker was detained and tortured by soldiers for two weeks in Testville.")
    ev = E.find_events(doc)
    assert E.describes_attack(doc, ev, False)
    assert E.event_type(doc, ev, E.find_weapons(doc), E.find_aircraft(doc)) == "ground_attack"
    doc = TextDoc("Police detained three activists at a rally in the capital on Sunday.")
    assert not E.describes_attack(doc, E.find_events(doc), False)


def test_target_hit_after_a_phrase_placing_it() -> None:
    doc = TextDoc("On Monday the Haddad family home in the Tal neighbourhood of Testville was struck by a missile.")
    assert {t.type for t in E.find_targets(doc, E.find_events(doc))} == {"residential"}
    # a place phrase then something other than a hit: no target
    doc = TextDoc("Residents of the Haddad family home in Testville said they heard jets overhead.")
    assert E.find_targets(doc, E.find_events(doc)) == []


def test_an_anti_tank_missile_is_surface_fire() -> None:
    doc, ev, we, ac = _all("Regime forces fired an anti-tank missile at a car near the village, killing its driver.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    assert [(w.weapon, w.event_type) for w in we] == [("anti-tank missile", "shelling")]
    doc, ev, we, ac = _all("A cruise missile hit the depot near the village, killing a guard.")
    assert E.event_type(doc, ev, we, ac) == "missile_strike"


def test_missiles_from_a_missile_launcher_are_rocket_artillery() -> None:
    doc, ev, we, ac = _all("The group's missile launchers fired missiles at the camp, killing a woman.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    assert "rocket" in {w.weapon for w in we}


def test_a_heliborne_landing_is_a_ground_operation() -> None:
    doc, ev, we, ac = _all("Coalition helicopters carried out a heliborne raid on a house, killing two men during the raid.")
    assert E.event_type(doc, ev, we, ac) == "ground_attack"
    doc, ev, we, ac = _all("Coalition helicopters carried out a raid on a house, killing two men.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    doc, ev, we, ac = _all("Helicopter gunships covered paratroopers who stormed a house, killing two men.")
    assert E.event_type(doc, ev, we, ac) == "ground_attack"


def test_missiles_of_an_air_power_are_an_air_strike() -> None:
    doc, ev, we, ac = _all("Israeli missiles targeted sites near the airport, killing two soldiers.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    doc, ev, we, ac = _all("Missiles targeted sites near the airport, killing two soldiers.")
    assert E.event_type(doc, ev, we, ac) == "missile_strike"
    # a bare rocket is rocket artillery, unless an air power or an aircraft fired it
    doc, ev, we, ac = _all("A man was killed by an Israeli rocket near his house.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    doc, ev, we, ac = _all("A man was killed by a rocket near his house.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    doc, ev, we, ac = _all("A helicopter fired rockets at the car near his house, killing two men.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_bombing_by_an_army_or_militia_is_shelling() -> None:
    doc, ev, we, ac = _all("Two farmers were wounded as the villages were bombed by the army and its allied militias.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    # with no force named, bombing is most often from the air
    doc, ev, we, ac = _all("Two farmers were wounded as the villages were bombed overnight.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def _types(text: str) -> set[str]:
    doc = TextDoc(text)
    return {t.type for t in E.find_targets(doc, E.find_events(doc))}


def test_an_adverb_after_the_auxiliary() -> None:
    assert _types("Five died when the Haddad family home, in the east of Testville, was allegedly bombed.") == {"residential"}
    assert _types("Witnesses said a church was also bombed that night.") == {"religious_site"}


def test_destruction_of_homes_says_they_were_hit() -> None:
    assert _types("Pictures taken a week later showed the destruction of the homes of two families.") == {"residential"}


def test_rescuers_at_work_are_no_target() -> None:
    assert _types("After the strike on the market, rescuers retrieved three bodies from the rubble.") == {"market"}
    assert _types("After the strike on the market, rescuers at the site said more were missing.") == {"market"}
    assert _types("An airstrike hit paramedics as they reached the wounded.") == {"medical_personnel"}
    # a participle may tell what they were doing when they were hit
    assert _types("A second strike hit rescuers trying to reach the wounded.") == {"medical_personnel"}
    assert _types("The strike killed three doctors working at the clinic.") >= {"medical_personnel"}


def test_forces_as_military_targets() -> None:
    assert _types("An explosive-laden drone detonated targeting security forces in Testville.") == {"military"}
    assert _types("A drone dropped a grenade targeting army personnel at a crossing.") == {"military"}


def test_officials_and_their_offices_are_government_targets() -> None:
    assert _types("A drone dropped an explosive targeting a district administration office.") == {"government_building"}
    assert _types("A drone strike targeted government officials meeting in Testville.") == {"government_building"}


def test_health_care_in_its_wordings() -> None:
    assert _types("Shelling struck a trauma centre and a vaccination center in Testville.") == {"health_facility"}
    assert _types("An airstrike hit the civil defence centre in Testville.") == {"aid_facility"}


def test_a_town_struck_is_a_residential_target() -> None:
    assert _types("Warplanes bombed Testville town, killing four civilians.") == {"residential"}
    assert _types("A shell hit a house in the town, killing four.") == {"residential"}
    assert _types("Warplanes bombed the outskirts of the town, killing a shepherd.") == set()


def test_a_place_phrase_before_the_hit_word_places_the_target() -> None:
    # "the home on the main street was struck": the street says where the home stands
    assert _types("Witnesses said the Haddad family home on the main street was struck by a missile.") == {"residential"}
    assert _types("Witnesses said the main street was struck by a missile.") == {"road"}


def test_the_regime_named_as_striker_fired_artillery() -> None:
    for text in ("A teacher was killed in Syrian regime bombing of Testville on Monday.",
                 "Two children were hurt in the bombing of the Assad regime on the town.",
                 "The regime's bombardment of Testville wounded five people."):
        doc, ev, we, ac = _all(text)
        assert E.event_type(doc, ev, we, ac) == "shelling", text
    # the regime as the object of the strike is no striker
    doc, ev, we, ac = _all("Bombing of the regime's positions near Testville killed two soldiers.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_an_explosive_a_drone_carries_is_a_drone_strike() -> None:
    for text in ("An explosive device dropped from a drone detonated in the market, injuring three people.",
                 "Gunmen flew an explosives-laden drone into the fuel depot.",
                 "An IED carried by a quadcopter exploded near the checkpoint, killing a soldier."):
        doc, ev, we, ac = _all(text)
        assert E.event_type(doc, ev, we, ac) == "drone_strike", text
    # a drone in another sentence does not carry the bomb
    doc, ev, we, ac = _all("A roadside bomb exploded as the patrol passed. A drone was seen later over the area.")
    assert E.event_type(doc, ev, we, ac) == "explosive_device"


def test_a_raid_by_a_group_without_aircraft_is_on_the_ground() -> None:
    for text in ("Two guards were wounded in a militant raid on the aid compound.",
                 "A Taliban raid on the guest house killed one staff member."):
        doc, ev, we, ac = _all(text)
        assert E.event_type(doc, ev, we, ac) == "ground_attack", text


def test_wounds_are_harm() -> None:
    doc, ev, _, _ = _all("A boy shows his wounds from this morning's bombing of the market.")
    assert E.describes_attack(doc, ev, has_casualties=False)


def test_what_an_earlier_event_hit_is_not_this_ones_target() -> None:
    assert "camp" not in _types("Shelling killed a farmer in Testville hours after the strike on the camp.")
    assert _types("Militants fired rockets at the base in retaliation for the bombing of a school.") == {"military"}


def test_a_fuel_station_is_an_other_target() -> None:
    assert _types("An airstrike hit a fuel station in Testville, killing two.") == {"other"}


def test_held_by_an_armed_group_is_an_abduction() -> None:
    for text in ("Two drivers of an aid agency were detained by militants near Testville and released a week later.",
                 "A non-state armed group detained an aid worker at a roadblock outside Testville.",
                 "Six deminers were seized while travelling between the two provinces."):
        doc, ev, we, ac = _all(text)
        assert E.describes_attack(doc, ev, has_casualties=False), text
        assert E.event_type(doc, ev, we, ac) == "abduction", text
    # police custody stays an arrest
    doc, ev, _, _ = _all("Police detained two men suspected of theft in Testville on Monday.")
    assert not E.describes_attack(doc, ev, has_casualties=False)


def test_a_road_after_near_only_says_where() -> None:
    assert _types("An airstrike hit a car near the main roundabout in Testville.") == {"vehicle"}
    assert _types("Israeli raids near the coastal junction killed three people.") == set()
    assert "road" in _types("An airstrike hit the main road into Testville.")

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


def test_names_joined_by_romance_particles(gaz: Gazetteer) -> None:
    # "au", "du", "de" inside a capitalised name keep it one name
    loc = _loc("Gunmen kidnapped a nurse in Port au Prince on Friday.", gaz)
    assert loc.country == "HT" and loc.text == "Port au Prince"
    found = find_places(TextDoc("A mine hit a water truck in the Boucle du Mouhoun region."), gaz)
    assert [(p.text, p.location.country) for p in found] == [("Boucle du Mouhoun", "BF")]


def test_given_names_are_no_country_evidence(gaz: Gazetteer) -> None:
    # a given name that shares a key with some country's alternate name does
    # not pull the document's places into that country
    text = ("An airstrike hit a house in Nuseirat camp in central Gaza, killing Aya and her two brothers, "
            "their uncle Hameed said.")
    loc = _loc(text, gaz)
    assert loc.country == "PS"


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


# -- family names, common words, neighbourhoods, salience ---------------------


def test_family_names_are_not_places(gaz: Gazetteer) -> None:
    text = ("An airstrike destroyed the home of the Al-Jamal family in the Shujaiya neighbourhood of "
            "Gaza City on Tuesday. Rescuers said Samir Al-Jamal and two of his children were killed.")
    found = find_places(TextDoc(text), gaz)
    assert all("Jamal" not in p.text for p in found)
    loc = _loc(text, gaz)
    assert loc.country == "PS" and haversine_km(loc.lat, loc.lon, 31.50, 34.48) < 5


@pytest.mark.parametrize(
    "text",
    [
        "Two aid workers were shot dead by gunmen on the road, a spokesman said.",
        "One UN staff member (German) was wounded when the ANP convoy was hit by an IED.",
        "How the ceasefire collapsed: Three people died in the clashes, officials said.",
    ],
)
def test_common_words_and_acronyms_are_not_places(gaz: Gazetteer, text: str) -> None:
    assert _loc(text, gaz).lat is None


def test_neighbourhood_in_damascus(gaz: Gazetteer) -> None:
    loc = _loc("Mortar shells fell on the Jobar neighbourhood in the east of Damascus, killing a boy.", gaz)
    assert loc.country == "SY" and haversine_km(loc.lat, loc.lon, 33.53, 36.33) < 5


def test_countryside_of_a_province_is_placed_at_its_capital(gaz: Gazetteer) -> None:
    loc = _loc("Warplanes pounded villages in the western countryside of Aleppo overnight.", gaz)
    assert loc.admin1 == "Aleppo" and loc.precision == "region"
    assert haversine_km(loc.lat, loc.lon, 36.20, 37.16) < 10


def test_named_air_base(gaz: Gazetteer) -> None:
    loc = _loc("Drones attacked the al-Tabaqa airbase at dawn, a monitoring group said.", gaz)
    assert loc.precision == "exact" and haversine_km(loc.lat, loc.lon, 35.75, 38.57) < 5


def test_places_of_the_attack_sentence_before_a_caption(gaz: Gazetteer) -> None:
    text = ("Map of Syria with its capital Damascus.\n\n"
            "An airstrike hit a market in Sarmada in northern Idlib on Friday, killing five people.")
    loc = _loc(text, gaz)
    assert haversine_km(loc.lat, loc.lon, 36.18, 36.72) < 10


def test_small_place_far_from_the_town_it_is_said_to_be_in_gives_way(gaz: Gazetteer) -> None:
    # "Zarqa Market" is no place the gazetteer knows near Mosul: the town is the answer
    loc = _loc("A bomb exploded at the Al Zarqa Market in Mosul, Nineveh, killing one person.", gaz)
    assert loc.country == "IQ" and haversine_km(loc.lat, loc.lon, 36.34, 43.13) < 15


def test_world_place_gets_admin1(gaz: Gazetteer) -> None:
    loc = _loc("Armed men ambushed an aid convoy near Kismayo, wounding a driver.", gaz)
    assert loc.country == "SO" and loc.admin1 == "Lower Juba"


# -- round two: containers, group names, generic heads, country hints ------


def test_place_named_with_its_province_capital_wins(gaz: Gazetteer) -> None:
    # the province's capital stands for the province: the place inside it is meant
    loc = _loc("A drone hit a checkpoint near Harir in Erbil on Tuesday, officials said.", gaz)
    assert loc.country == "IQ" and loc.name != "Erbil"
    assert haversine_km(loc.lat, loc.lon, 36.55, 44.35) < 25


def test_district_named_with_its_province_capital(gaz: Gazetteer) -> None:
    loc = _loc("A battalion post in Silopi district, Sirnak was targeted by an explosive drone.", gaz)
    assert loc.country == "TR"
    assert haversine_km(loc.lat, loc.lon, 37.25, 42.47) < 25


def test_group_name_with_a_country_is_not_the_incident_country(gaz: Gazetteer) -> None:
    # "Islamic Resistance in Iraq" is a group; the strike was in Syria
    loc = _loc("The Islamic Resistance in Iraq said its drones struck a base in Shaddadi "
               "in the countryside of Hasakah.", gaz)
    assert loc.country == "SY" and loc.admin1 and "hasak" in loc.admin1.lower()


def test_armed_group_names_are_not_places(gaz: Gazetteer) -> None:
    doc = TextDoc("Fighters of Al-Qaeda and Al-Shabaab attacked the convoy, a spokesman said.")
    assert [p.text for p in find_places(doc, gaz)] == []


def test_generic_head_of_an_unknown_name_is_not_a_place(gaz: Gazetteer) -> None:
    # "Wadi Zzyzqa" is unknown: the head alone must not become some village called Wadi
    doc = TextDoc("A drone struck fighters in Wadi Zzyzqa on Monday.")
    assert all(p.text not in ("Wadi", "Zzyzqa") for p in find_places(doc, gaz))


def test_country_name_is_the_country_not_a_namesake_village(gaz: Gazetteer) -> None:
    doc = TextDoc("A drone was shot down near Hodeidah, Yemen, the coalition said.")
    found = {p.text: p.location for p in find_places(doc, gaz)}
    assert found["Yemen"].precision == "country" and found["Yemen"].country == "YE"
    assert resolve_location(doc, find_places(doc, gaz)).country == "YE"


def test_conflict_words_are_evidence_of_the_country(gaz: Gazetteer) -> None:
    # a lone village name shared abroad: the SDF and the Euphrates say Syria
    loc = _loc("SDF fighters repelled an attack on Ayn Issa north of the Euphrates, killing two.", gaz)
    assert loc.country == "SY"


def test_clause_telling_of_deaths_picks_among_equal_towns(gaz: Gazetteer) -> None:
    loc = _loc("Shelling targets Idlib city and two children were killed in airstrikes on Daraa city", gaz)
    assert loc.name == "Daraa" or (loc.admin1 or "").lower().startswith("dar")


def test_capital_of_a_country_beats_a_district_abroad(gaz: Gazetteer) -> None:
    loc = _loc("Robbers assaulted a guard at a compound in Juba overnight.", gaz)
    assert loc.country == "SS"


# -- loose spelling variants ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # "Luuq" is a variant of Lutsk's Polish name, and Luuq's own
        ("Two guards were shot dead at an agency compound in Luuq on Monday.", "SO"),
        ("A driver was wounded when gunmen fired on a convoy near Djugu.", "CD"),
    ],
)
def test_loose_variant_abroad_gives_way_to_a_place_so_spelled(gaz: Gazetteer, text: str, country: str) -> None:
    assert _loc(text, gaz).country == country


def test_loose_variant_in_a_country_the_text_never_points_to_is_no_place(gaz: Gazetteer) -> None:
    # "Sania" resembles Sanya, China's spelling of a Chinese city: not meant here
    text = "Bandits ambushed two trucks of an aid agency near Sania, killing both drivers."
    assert _loc(text, gaz).country != "CN"


def test_loose_variant_kept_where_the_text_points(gaz: Gazetteer) -> None:
    # the same name, with the country named: the variant is the place
    loc = _loc("Two farmers died when a grenade exploded in Sania, on the island of Hainan in China.", gaz)
    assert loc.country == "CN"


def test_loose_variant_of_a_theatre_town_kept_without_other_evidence(gaz: Gazetteer) -> None:
    # Douma (Syria) is spelled "Duma" as often: a variant of its own name
    loc = _loc("Injuries reported after an air raid on Duma", gaz)
    assert loc.country == "SY" and haversine_km(loc.lat, loc.lon, 33.57, 36.40) < 10


def test_family_name_after_a_given_name_is_not_a_place(gaz: Gazetteer) -> None:
    text = ("A strike on a house in Rafah killed Ahmed Zaki and his brother Omar Zaki; "
            "the family of Zaki had fled there from the north.")
    assert all(p.text != "Zaki" for p in find_places(TextDoc(text), gaz))
    assert _loc(text, gaz).country == "PS"


def test_name_after_a_named_person_is_their_family_name(gaz: Gazetteer) -> None:
    # "Sarmin" is read as the man's given name after "named": "Akhla" is his family name
    text = "A man named Sarmin al-Akla was shot dead by gunmen in Idlib on Tuesday."
    assert all("Akla" not in p.text for p in find_places(TextDoc(text), gaz))


def test_variants_of_one_country_only_point_to_it(gaz: Gazetteer) -> None:
    # "Deir Ezzor" is no spelling the gazetteer holds, but all its readings are
    # Syrian: the text points to Syria, and al-Shuhail's Syrian reading stands
    text = "Gunfire killed two farmers in al-Shuhail town, in the Deir Ezzor countryside."
    found = {p.text: p.location.country for p in find_places(TextDoc(text), gaz)}
    assert found.get("al-Shuhail") == "SY"


def test_syrian_conflict_words_point_to_syria(gaz: Gazetteer) -> None:
    # Iraq's big Ramadi, or the Deir ez-Zor village: ISIS fighting "the
    # regime" and its allies is the Syrian war
    loc = _loc("ISIS takes al-Ramadi; the clashes leave 30 dead among its members and Syrian allies "
               "of the regime", gaz)
    assert loc.country == "SY" and loc.admin1 == "Deir ez-Zor"


def test_name_opening_an_organisations_name_is_no_place(gaz: Gazetteer) -> None:
    names = [p.text for p in find_places(TextDoc("Fighters of the Rahman Corps repelled an assault on Zamalka."), gaz)]
    assert "Rahman" not in names and "Zamalka" in names


def test_besieged_town_under_its_usual_english_name(gaz: Gazetteer) -> None:
    # the Damascus countryside's Madaya, not Mandalay's, with no other clue
    loc = _loc("Two volunteers were killed in Madaya when helicopters struck their team.", gaz)
    assert loc.country == "SY" and haversine_km(loc.lat, loc.lon, 33.69, 36.10) < 10


def test_headline_verb_is_no_given_name(gaz: Gazetteer) -> None:
    # "Targeting" opens the headline: al-Qardaha is not read as a family name after it
    loc = _loc("Targeting al-Qardaha city with rockets leaves five dead", gaz)
    assert loc.country == "SY" and haversine_km(loc.lat, loc.lon, 35.46, 36.06) < 10


def test_president_given_name_is_no_place(gaz: Gazetteer) -> None:
    text = "Rockets fell near the family home of Bashar al-Assad in Latakia province."
    assert all(p.text != "Bashar" for p in find_places(TextDoc(text), gaz))


def test_site_known_whole_though_its_name_is_a_given_name(gaz: Gazetteer) -> None:
    loc = _loc("Two drones struck the Omar oil field in the Deir ez-Zor countryside on Friday.", gaz)
    assert loc.country == "SY" and loc.precision == "exact"
    assert haversine_km(loc.lat, loc.lon, 34.98, 40.75) < 10


def test_generic_alternate_name_does_not_claim_other_sites(gaz: Gazetteer) -> None:
    # one air base in the data has "Air Base" among its names: Harir's is another
    loc = _loc("An explosion was reported inside the Harir Air Base in Erbil late on Sunday.", gaz)
    assert loc.country == "IQ" and loc.admin1 == "Erbil"
    assert haversine_km(loc.lat, loc.lon, 36.54, 44.35) < 15


def test_town_named_to_locate_another_is_not_the_place(gaz: Gazetteer) -> None:
    # "X, N km southwest of Y": Y only says where X lies
    loc = _loc("A nurse was shot dead outside a clinic in Jamame, some 400 km southwest of Mogadishu.", gaz)
    assert loc.country == "SO" and haversine_km(loc.lat, loc.lon, 0.07, 42.75) < 25
    # with the first place unknown, the reference is the best one can say
    loc = _loc("A convoy was ambushed near Zorbakouki, 250 miles north of Bangui.", gaz)
    assert loc.country == "CF" and haversine_km(loc.lat, loc.lon, 4.36, 18.55) < 25


def test_address_names_the_country_of_its_town(gaz: Gazetteer) -> None:
    # the Houthi words point to Yemen, where a hamlet is spelled like Riyadh;
    # "Riyadh, Saudi Arabia" says which Riyadh
    loc = _loc("03/02/2022: Houthi drones hit a fuel depot in Riyadh, Saudi Arabia. "
               "Ansar Allah said the strike answered raids on Yemen.", gaz)
    assert loc.country == "SA" and haversine_km(loc.lat, loc.lon, 24.69, 46.72) < 25
    loc = _loc("A drone fell beside a depot in Abha, Asir, Saudi Arabia, on Tuesday.", gaz)
    assert loc.country == "SA" and haversine_km(loc.lat, loc.lon, 18.22, 42.51) < 25


def test_bare_capital_gives_way_to_a_town_of_its_province(gaz: Gazetteer) -> None:
    text = ("Russian airstrikes on Idlib kill nine. The raids came at dawn. Monitors said the jets "
            "struck farms on the outskirts of Jisr al-Shughur, killing nine people.")
    loc = _loc(text, gaz)
    assert haversine_km(loc.lat, loc.lon, 35.81, 36.32) < 10
    # the city itself, named as one, stays
    loc = _loc("Shells hit Idlib city on Monday. Two children died. The hospital was full. "
               "Jets later flew over Jisr al-Shughur.", gaz)
    assert haversine_km(loc.lat, loc.lon, 35.93, 36.63) < 10


def test_lone_name_of_a_big_town_is_not_a_provinces_loose_variant(gaz: Gazetteer) -> None:
    # "Yei" only resembles one of a Yemeni province's names: it is the South Sudanese town
    loc = _loc("An aid worker was assaulted at his home in Yei.", gaz)
    assert loc.country == "SS"


def test_part_of_a_town_is_placed_by_the_town(gaz: Gazetteer) -> None:
    # "the X neighbourhood in Y": a namesake of X far from Y is no reading of it
    loc = _loc("Shells killed 12 people in the Jamaliya neighbourhood in Aleppo city on Friday", gaz)
    assert loc.admin1 == "Aleppo" and haversine_km(loc.lat, loc.lon, 36.20, 37.16) < 25
    # a province is no town with parts: "the X area of Daraa countryside" leaves Daraa the place
    loc = _loc("Clashes in the Zorbat area of Daraa countryside, and shelling on Hama countryside", gaz)
    assert loc.admin1 == "Daraa"


def test_account_display_names_are_no_places(gaz: Gazetteer) -> None:
    text = "Qalaat Al Mudiq @QalaatAlMudiq: a drone was intercepted over Quneitra province."
    names = [p.text for p in find_places(TextDoc(text), gaz)]
    assert "Qalaat Al Mudiq" not in names and "Quneitra" in names


def test_possessive_is_no_part_of_the_name(gaz: Gazetteer) -> None:
    loc = _loc("Rockets landed in farmland beyond Latakia's northern suburbs", gaz)
    assert loc.admin1 == "Latakia"
    loc = _loc("A car bomb exploded near Kabul's main square, wounding an aid worker.", gaz)
    assert loc.country == "AF" and haversine_km(loc.lat, loc.lon, 34.53, 69.17) < 25


def test_kind_word_weighs_the_country_vote(gaz: Gazetteer) -> None:
    # a Libyan province is also called "Al Shati", but no "refugee camp" is a province
    loc = _loc("A nurse died after a strike hit her family's flat in Al Shati refugee camp.", gaz)
    assert loc.country == "PS" and haversine_km(loc.lat, loc.lon, 31.53, 34.45) < 10


def test_abbreviated_side_names_the_province(gaz: Gazetteer) -> None:
    # round-up headlines write "in E. Daraa", "S. Aleppo": the countryside, not the city
    loc = _loc("Farmer killed by sniper fire in S. Aleppo, June 3", gaz)
    assert loc.admin1 == "Aleppo" and loc.precision == "region"


def test_event_record_says_where_it_coded_the_event(gaz: Gazetteer) -> None:
    loc = _loc("Four drones were launched toward Eilat and the Golan Heights, the group claimed. "
               "No hits were reported. Coded to Kiryat Shmona.", gaz)
    assert haversine_km(loc.lat, loc.lon, 33.21, 35.57) < 10


def test_place_said_to_lie_in_a_province_is_read_there(gaz: Gazetteer) -> None:
    # two Syrian villages are spelled alike; the one in Deir ez-Zor is meant
    loc = _loc("An aircraft hit a fuel store in Mahkan badia in Deir ez Zor countryside overnight.", gaz)
    assert loc.country == "SY" and haversine_km(loc.lat, loc.lon, 34.98, 40.50) < 10
    # an address's town with no namesake in the province it names gives way to the province
    loc = _loc("Drones burned houses in La Finca, Guerrero state, on Monday.", gaz)
    assert loc.admin1 == "Guerrero"


def test_capital_named_as_a_city_is_not_only_its_provinces_container(gaz: Gazetteer) -> None:
    # "Daraa city" is the city; a bare "Daraa" beside a town of the province stands for the province
    loc = _loc("Regime shells hit Daraa city, and clashes erupted near Tafas.", gaz)
    assert haversine_km(loc.lat, loc.lon, 32.62, 36.10) < 10


def test_lone_name_of_a_world_district_seat_is_kept(gaz: Gazetteer) -> None:
    # GeoNames' world towns with no population recorded are district seats, not hamlets
    loc = _loc("Two drivers were abducted on the road out of Abeibara on Monday.", gaz)
    assert loc.country == "ML" and haversine_km(loc.lat, loc.lon, 19.12, 1.75) < 10


def test_a_name_marked_as_a_local_one_is_no_namesake_elsewhere(gaz: Gazetteer) -> None:
    loc = _loc("A drone carrying explosives hit a Turkish army outpost on Gire hill (Kurdish name), "
               "Cukurca district of Hakkari province.", gaz)
    assert loc.admin1 == "Hakkâri" and loc.name == "Çukurca"


@pytest.mark.parametrize("text, name", [
    ("Warplanes raided Sokhna and rockets struck the city of Raqqa", "Ar Raqqah"),
    ("Jets bombed Palmyra while shells fell on Homs city", "Homs"),
])
def test_a_town_named_as_a_town_is_the_place_of_a_headline(gaz: Gazetteer, text: str, name: str) -> None:
    assert _loc(text, gaz).name == name


def test_the_hospital_the_wounded_were_taken_to_is_not_the_place(gaz: Gazetteer) -> None:
    text = ("Turkish shelling hit the village of Sheshi near Tal Abyad; two children were wounded "
            "and rushed to the Kobani city hospital.")
    assert _loc(text, gaz).name == "Tall Abyad"


def test_the_last_name_of_an_address_is_the_province(gaz: Gazetteer) -> None:
    loc = _loc("On 2 June 2024, in El Porvenir, Guerrero, gunmen dropped explosives from drones on the village.", gaz)
    assert loc.admin1 == "Guerrero"


@pytest.mark.parametrize("text,country,near", [
    ("Gunmen stormed a seaside restaurant in Lido Beach, Mogadishu, late on Friday.", "SO", (2.04, 45.34)),
    ("A drone struck a house in Al Hanniyeh, Tyre, killing a paramedic.", "LB", (33.27, 35.20)),
    ("A landmine went off at a roundabout in Salah, Taiz, wounding a driver.", "YE", (13.58, 44.02)),
    ("Two were hurt when a shell hit Ain al Ghazal, Latakia, on Sunday.", "SY", (35.52, 35.79)),
])
def test_a_name_placed_by_the_town_after_it_lies_in_the_town_s_country(
        gaz: Gazetteer, text: str, country: str, near: tuple[float, float]) -> None:
    # "X, T": X is a part or a neighbour of town T; a namesake of X abroad
    # gives way to one near T, or to T itself
    loc = _loc(text, gaz)
    assert loc.country == country
    assert haversine_km(loc.lat, loc.lon, *near) < 40


def test_a_big_foreign_town_before_a_town_is_kept(gaz: Gazetteer) -> None:
    # two towns of two countries listed: no homonym to correct
    places = find_places(TextDoc("Delegations flew in from Damascus, Beirut on Monday."), gaz)
    assert any(p.text == "Damascus" and p.location.country == "SY" for p in places)


@pytest.mark.parametrize("text", [
    "Gunmen opened fire at the Al Zarqa Mosque in Mosul, Nineveh, on Tuesday.",
    "A car bomb struck the Al Zarqa market in the city of Mosul, Nineveh.",
])
def test_a_site_in_a_capital_named_with_its_province_is_in_the_city(gaz: Gazetteer, text: str) -> None:
    # a village of the same name in the province is no site of the city
    loc = _loc(text, gaz)
    assert loc.country == "IQ" and haversine_km(loc.lat, loc.lon, 36.34, 43.13) < 15

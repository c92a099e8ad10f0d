"""Casualty figures: constructions, groups, spans, sources, other events, reconciliation.

All sentences are invented for these tests.
"""

from __future__ import annotations

import pytest

from strikewatch.extract.casualties import (
    figure_to_model,
    find_figures,
    reconcile,
    reconcile_subgroup,
)
from strikewatch.extract.mentions import FigureMention, SourceMention
from strikewatch.extract.textutil import TextDoc
from strikewatch.model import Figure


def figs(text: str, sources: list[SourceMention] | None = None) -> list[FigureMention]:
    return find_figures(TextDoc(text), sources or [])


def simple(text: str) -> list[tuple[str, str, int | None, int | None, str]]:
    return [(f.measure, f.group, f.low, f.high, f.qualifier) for f in figs(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rockets killed 23 people in the market.", [("killed", "all", 23, 23, "exact")]),
        ("At least 23 civilians were killed on Monday.", [("killed", "civilians", 23, None, "at_least")]),
        ("The death toll rose to 50 by evening.", [("killed", "all", 50, 50, "exact")]),
        ("Eleven patients died after the ward was hit.", [("killed", "civilians", 11, 11, "exact")]),
        ("Four nurses were wounded.", [("injured", "medical_staff", 4, 4, "exact")]),
        ("Two fighters were reportedly killed.", [("killed", "combatants", 2, 2, "exact")]),
        ("The raid left two dead and seven wounded.",
         [("killed", "all", 2, 2, "exact"), ("injured", "all", 7, 7, "exact")]),
        ("A family of five was killed when the house collapsed.",
         [("killed", "civilians", 5, 5, "exact")]),
        ("One civilian was killed at the checkpoint.", [("killed", "civilians", 1, 1, "exact")]),
        ("A child was injured by shrapnel.", [("injured", "children", 1, 1, "exact")]),
        ("Dozens of residents were hurt.", [("injured", "civilians", 24, None, "vague")]),
        ("Between 12 and 17 villagers are missing.", [("missing", "civilians", 12, 17, "range")]),
        ("Six people remain under the rubble.", [("missing", "all", 6, 6, "exact")]),
        ("The shelling killed and wounded 30 people.", [("injured", "all", None, 30, "up_to")]),
        ("Medics counted 40 casualties.", [("injured", "all", None, 40, "up_to")]),
        ("Nine members of the Haddad family were killed.", [("killed", "civilians", 9, 9, "exact")]),
        ("Three aid workers were shot dead near the depot.", [("killed", "civilians", 3, 3, "exact")]),
    ],
)
def test_constructions(text: str, expected: list[tuple]) -> None:
    assert simple(text) == expected


def test_killing_including() -> None:
    text = "The strike hit a school, killing at least 12, including five children."
    found = figs(text)
    assert [(f.measure, f.group, f.low, f.qualifier) for f in found] == [
        ("killed", "all", 12, "at_least"), ("killed", "children", 5, "exact")]
    assert [f.text for f in found] == ["killing at least 12", "five children"]
    cas = reconcile(found)
    assert (cas.killed.low, cas.killed.best) == (12, 12)
    assert cas.children_killed.best == 5
    assert cas.civilians_killed.is_unknown  # no civilian figure, and parts of a stated total


def test_parts_of_a_sum() -> None:
    text = "Three children and two women were killed in the blast."
    found = figs(text)
    assert [(f.group, f.low) for f in found] == [("children", 3), ("women", 2)]
    assert found[0].list_id is not None and found[0].list_id == found[1].list_id
    cas = reconcile(found)
    # No figure for everyone is invented; the total is derived from the parts.
    assert cas.killed.best == 5
    assert cas.civilians_killed.best == 5
    assert cas.children_killed.best == 3
    assert cas.ranges["women_killed"].best == 2


def test_same_group_parts_add_up() -> None:
    text = "One international staff member and two national staff were killed in the ambush."
    found = figs(text)
    assert [f.low for f in found] == [1, 2]
    assert reconcile(found).killed.best == 3
    assert reconcile_subgroup(found, "aid_workers", "killed").best == 3


def test_killed_and_injured_together() -> None:
    text = "The attack killed three civilians and injured 14 others."
    assert simple(text) == [("killed", "civilians", 3, 3, "exact"), ("injured", "all", 14, 14, "exact")]


def test_span_is_the_phrase() -> None:
    text = "Local officials said at least 23 civilians were killed in the raid."
    (f,) = figs(text)
    assert text[f.start:f.end] == "at least 23 civilians were killed" == f.text


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        ("No casualties were reported.", {"killed", "injured"}),
        ("Nobody was hurt in the strike.", {"killed", "injured"}),
        ("No one was killed.", {"killed"}),
        ("No civilians were injured.", {"injured"}),
    ],
)
def test_explicit_zero(text: str, measures: set[str]) -> None:
    found = figs(text)
    assert {f.measure for f in found} == measures
    assert all((f.low, f.high) == (0, 0) for f in found)
    cas = reconcile(found)
    assert all(cas.get(m).best == 0 for m in measures)


@pytest.mark.parametrize(
    "text",
    [
        "The 122mm shells fell near 5 km of farmland.",
        "An Su-24 struck the town in 2016 at 10:30.",
        "The strike destroyed 12 houses.",
        "Five rockets hit the district.",
    ],
)
def test_no_false_figures(text: str) -> None:
    assert figs(text) == []


def test_twelve_year_old_is_one_boy() -> None:
    assert simple("A 12-year-old boy was hurt.") == [("injured", "children", 1, 1, "exact")]


@pytest.mark.parametrize(
    "text",
    [
        "Since the start of the war, 5,000 people have been killed in the province.",
        "The campaign has killed 300 civilians this year.",
        "A previous strike on the same road killed nine people.",
        "The overall death toll reached 412.",
    ],
)
def test_other_event(text: str) -> None:
    found = figs(text)
    assert found and all(f.other_event for f in found)
    assert reconcile(found).killed.is_unknown


def test_cumulative_clause_does_not_taint_the_incident() -> None:
    text = "The strike killed 12 people, bringing the death toll to 900 since the start of the war."
    found = figs(text)
    assert [(f.low, f.other_event) for f in found] == [(12, False), (900, True)]
    assert reconcile(found).killed.best == 12


def test_huge_counts_are_cumulative() -> None:
    (f,) = figs("The war has left 350,000 people dead.")
    assert f.other_event


def _src(text: str, name: str, kind: str = "said") -> SourceMention:
    i = text.index(name)
    return SourceMention(start=i, end=i + len(name), text=name, name=name, kind=kind)


def test_source_same_sentence() -> None:
    text = "Five people were killed, according to the civil defence. The area is quiet."
    (f,) = figs(text, [_src(text, "civil defence", "according_to")])
    assert f.source == "civil defence"


def test_source_next_sentence() -> None:
    text = "Five people were killed in the raid. The civil defence said rescuers were still digging."
    (f,) = figs(text, [_src(text, "civil defence")])
    assert f.source == "civil defence"


def test_source_nearest_in_sentence() -> None:
    text = "Monitors said 23 civilians were killed, while medics said 50 people were killed."
    sources = [_src(text, "Monitors"), _src(text, "medics")]
    found = figs(text, sources)
    assert [f.source for f in found] == ["Monitors", "medics"]


def test_no_source() -> None:
    (f,) = figs("Five people were killed in the raid.")
    assert f.source is None


def _fig(low: int | None, high: int | None, qualifier: str, group: str = "all",
         measure: str = "killed", other: bool = False) -> FigureMention:
    return FigureMention(start=0, end=1, text="x", measure=measure, group=group, low=low, high=high,
                         qualifier=qualifier, other_event=other)


def test_reconcile_spec_example() -> None:
    cas = reconcile([_fig(23, None, "at_least", "civilians"), _fig(50, 50, "exact")])
    assert (cas.killed.low, cas.killed.best, cas.killed.high) == (50, 50, 50)
    assert (cas.civilians_killed.low, cas.civilians_killed.best, cas.civilians_killed.high) == (23, 23, 23)
    cas = reconcile([_fig(23, None, "at_least"), _fig(50, 50, "exact")])
    assert (cas.killed.low, cas.killed.best, cas.killed.high) == (23, 50, 50)


def test_reconcile_best_is_most_cited() -> None:
    cas = reconcile([_fig(10, 10, "exact"), _fig(12, 12, "exact"), _fig(10, 10, "exact"),
                     _fig(40, None, "vague")])
    assert (cas.killed.low, cas.killed.best, cas.killed.high) == (10, 10, 40)


def test_reconcile_ranges_and_up_to() -> None:
    cas = reconcile([_fig(4, 7, "range")])
    assert (cas.killed.low, cas.killed.best, cas.killed.high) == (4, 4, 7)
    cas = reconcile([_fig(None, 30, "up_to")])
    assert (cas.killed.low, cas.killed.best, cas.killed.high) == (None, 30, 30)
    cas = reconcile([_fig(24, None, "vague")])
    assert (cas.killed.low, cas.killed.best, cas.killed.high) == (24, 24, 24)


def test_reconcile_derivations_and_exclusions() -> None:
    cas = reconcile([_fig(8, 8, "exact", "civilians"), _fig(3, 3, "exact", "combatants"),
                     _fig(900, 900, "exact", other=True)])
    assert cas.civilians_killed.best == 8
    assert cas.killed.best == 11
    cas = reconcile([_fig(2, 2, "exact", "medical_staff", "injured")])
    assert cas.injured.best == 2 and cas.ranges["medical_staff_injured"].best == 2
    assert reconcile([]).killed.is_unknown


def test_figure_to_model() -> None:
    text = "Two aid workers were wounded."
    (f,) = figs(text)
    fig = figure_to_model(f)
    assert isinstance(fig, Figure)
    assert fig.to_dict() == {
        "measure": "injured", "group": "civilians", "low": 2, "high": 2, "qualifier": "exact",
        "source": None, "text": "Two aid workers were wounded", "span": [0, 28],
        "subgroup": "aid_workers", "part": True,  # aid workers are a part of the civilian toll
    }


# --------------------------------------------------------------------------
# headlines, long subjects, re-mentions (all sentences invented)

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4 Peshmerga members killed near the border crossing.", [("killed", "combatants", 4, 4, "exact")]),
        ("3 YPG fighters were wounded in the clashes.", [("injured", "combatants", 3, 3, "exact")]),
        ("12 members of the Islamic State killed near the bridge.", [("killed", "all", 12, 12, "exact")]),
        ('Roadside bomb kills about 7 "militants" near the town.',
         [("killed", "combatants", 7, 7, "about")]),
        ("At least eight fighters of \u201cFree Army\u201d were killed overnight.",
         [("killed", "combatants", 8, None, "at_least")]),
        ("At least four men working for the water board were killed on Friday.",
         [("killed", "all", 4, None, "at_least")]),
        ("2 UN national staff contracted drivers were stabbed to death on the road.",
         [("killed", "civilians", 2, 2, "exact")]),
        ("The toll had reached 31 by the evening.", [("killed", "all", 31, 31, "exact")]),
        ("The death toll rises to 14 at least.", [("killed", "all", 14, None, "at_least")]),
        ("A farmer dies in the shelling.", [("killed", "civilians", 1, 1, "exact")]),
        ("A citizen dies of his wounds.", [("killed", "all", 1, 1, "exact")]),
        ("Several bodies had not yet been identified by the morgue.", []),
        ("Six men were killed and others were wounded.",
         [("killed", "all", 6, 6, "exact"), ("injured", "all", 2, None, "vague")]),
        ("The shell hit a bus, killing four and injuring others.",
         [("killed", "all", 4, 4, "exact"), ("injured", "all", 2, None, "vague")]),
        ("On 3 March 2019 nine members of the Omar family were killed.",
         [("killed", "civilians", 9, 9, "exact")]),
    ],
)
def test_headlines_and_long_subjects(text: str, expected: list[tuple]) -> None:
    assert simple(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Three gunmen stormed the clinic and killed two nurses.",
        "5 soldiers attacked the post and killed two farmers.",
    ],
)
def test_active_subject_is_not_the_victim(text: str) -> None:
    assert [f.group for f in figs(text)] == ["civilians" if "farmers" in text else "medical_staff"]


def test_list_without_commas() -> None:
    found = figs("Some 150 civilians including 30 women and children killed in a month of shelling.")
    assert [(f.group, f.low) for f in found] == [("civilians", 150), ("women", 30)]
    cas = reconcile(found)
    assert cas.civilians_killed.best == 150 and cas.killed.best == 150


@pytest.mark.parametrize(
    ("text", "group", "count"),
    [
        ("Two paramedics were among the dead.", "medical_staff", 2),
        ("Among the dead were four teachers.", "civilians", 4),
    ],
)
def test_among_the_dead(text: str, group: str, count: int) -> None:
    (f,) = figs(text)
    assert (f.measure, f.group, f.low) == ("killed", group, count)


def test_a_man_and_a_boy_are_two() -> None:
    cas = reconcile(figs("A man and a boy were killed in the strike."))
    assert cas.killed.best == 2
    assert cas.civilians_killed.is_unknown  # one child does not count the civilians


def test_subset_parts_do_not_make_a_civilian_total() -> None:
    text = "At least 19 people, including a teacher and six children, were killed."
    found = figs(text)
    assert found[0].text == text[:-1]
    cas = reconcile(found)
    assert cas.killed.best == 19
    assert cas.children_killed.best == 6
    assert cas.civilians_killed.is_unknown


def test_family_counts_after_a_stated_total() -> None:
    text = ("At least 30 people were killed in the strike. Nine members of the Omar family "
            "were killed, and 12 members of the Saleh family were killed.")
    cas = reconcile(figs(text))
    assert cas.killed.best == 30
    assert cas.civilians_killed.is_unknown
    # the family count first is the lead figure: it stays the civilians' count
    text = "Fourteen members of the Omar family were killed. A neighbour was also killed."
    cas = reconcile(figs(text))
    assert cas.civilians_killed.best == 14 and cas.killed.best == 14


def test_everyone_is_at_least_the_civilians() -> None:
    cas = reconcile([_fig(23, 23, "exact", "civilians"), _fig(3, None, "vague")])
    assert (cas.killed.low, cas.killed.best, cas.killed.high) == (23, 23, 23)
    cas = reconcile([_fig(10, 10, "exact", "civilians"), _fig(12, 12, "exact", "children")])
    assert cas.civilians_killed.best == 12 and cas.killed.best == 12


def test_single_victims_do_not_outvote_a_toll() -> None:
    cas = reconcile([_fig(16, None, "at_least", "civilians"), _fig(1, 1, "exact", "civilians"),
                     _fig(1, 1, "exact", "civilians")])
    assert cas.civilians_killed.best == 16


def test_partitive_is_a_part() -> None:
    found = figs("Eight civilians were killed. Two of the injured were children.")
    cas = reconcile(found)
    assert cas.civilians_killed.best == 8


# --------------------------------------------------------------------------
# round two: counts without numbers, killed-and-injured together, roles, breakdowns


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # killed and injured counted together bound the injured from above
        ("Nine persons were killed or injured in the shelling.", [("injured", "all", None, 9, "up_to")]),
        ("At least 14 guards were killed and wounded near the gate.",
         [("injured", "civilians", None, 14, "up_to")]),
        ("The raid left 7 martyrs and wounded.", [("injured", "all", None, 7, "up_to")]),
        ("Two boys were shot and killed at the checkpoint.", [("killed", "children", 2, 2, "exact")]),
        # plural victims with no count: more than one, like "many"
        ("Civilians were injured when the bakery was hit.", [("injured", "civilians", 2, None, "vague")]),
        ("Local farmers were reportedly wounded in the raid.",
         [("injured", "civilians", 2, None, "vague")]),
        ("The drone struck a car, wounding passengers.", [("injured", "civilians", 2, None, "vague")]),
        ("The blast caused injuries among the shoppers.", [("injured", "all", 2, None, "vague")]),
        ("Shelling caused deaths and injuries in the old town.",
         [("killed", "all", 2, None, "vague"), ("injured", "all", 2, None, "vague")]),
        ("An unknown number of people were hurt.", [("injured", "all", 2, None, "vague")]),
        ("Multiple residents were wounded.", [("injured", "civilians", 2, None, "vague")]),
        ("A large number of pupils were hurt.", [("injured", "civilians", 12, None, "vague")]),
        ("Several patients sustained serious injuries.", [("injured", "civilians", 2, None, "vague")]),
        # a determiner or an adjective before the noun: a re-mention, not a count
        ("The injured farmers were taken to a clinic.", []),
        ("The wounded shepherds were carried away.", []),
        ("The kidnapped men were killed later.", []),
    ],
)
def test_round_two_constructions(text: str, expected: list[tuple]) -> None:
    assert simple(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Samir Odeh Nasser (41) was killed by the strike.", [("killed", "all", 1, 1, "exact")]),
        ("Samir Odeh Nasser, a 41-year-old baker, was reportedly killed.",
         [("killed", "all", 1, 1, "exact")]),
        ("The missile killed photographer Samir Nasser, who had just arrived.",
         [("killed", "civilians", 1, 1, "exact")]),
        ("The shell injured Lina Haddad as she walked home.", [("injured", "all", 1, 1, "exact")]),
        ("A man and his nephew were killed in the field.",
         [("killed", "all", 1, 1, "exact"), ("killed", "all", 1, 1, "exact")]),
        ("Red Crescent volunteers said the Central Bank was hit.", []),
    ],
)
def test_named_and_possessive_victims(text: str, expected: list[tuple]) -> None:
    assert simple(text) == expected


def test_possessive_victims_add_up() -> None:
    cas = reconcile(figs("A farmer and his son were killed when the tractor was hit."))
    assert cas.killed.best == 2


def test_a_named_victim_is_among_a_vague_toll() -> None:
    cas = reconcile(figs("Dozens of people were wounded. Her cousin Maha Odeh was injured too."))
    assert cas.injured.best == 24


def test_a_second_subject_after_a_comma_takes_its_own_verb() -> None:
    found = figs("At least six people were killed, a man and five children, and others injured.")
    assert [(f.measure, f.group, f.low, f.part) for f in found] == [
        ("killed", "all", 6, False), ("killed", "all", 1, True), ("killed", "children", 5, True),
        ("injured", "all", 2, False)]
    cas = reconcile(found)
    assert cas.killed.best == 6 and cas.injured.best == 2
    # an aside closed by a comma still belongs to the subject
    found = figs("Two NGO drivers, and a guard, were injured at the gate.")
    assert reconcile(found).injured.best == 3


def test_a_breakdown_after_a_total_is_not_added() -> None:
    cas = reconcile(figs("Seven people were killed, two women and five children, in the raid."))
    assert cas.killed.best == 7
    # parts that do not add up to the total stay a list of their own
    cas = reconcile(figs("The strike killed three soldiers, two civilians and a child."))
    assert cas.killed.best == 6


def test_roles_are_parts_of_the_civilian_toll() -> None:
    text = ("At least 21 people were killed in the strike on the camp. Among them was a teacher. "
            "An engineer, who ran the water station, was also killed.")
    found = figs(text)
    assert all(f.part for f in found if f.group == "civilians")
    cas = reconcile(found)
    assert cas.killed.best == 21 and cas.civilians_killed.is_unknown
    # alone, a role count is still the civilians' count
    cas = reconcile(figs("Three journalists were killed in the strike."))
    assert cas.civilians_killed.best == 3 and cas.killed.best == 3
    # "civilians" states a civilian toll of its own
    cas = reconcile(figs("Twenty people were killed, among them 12 civilians."))
    assert cas.killed.best == 20


def test_figures_about_other_events_say_so_in_the_output() -> None:
    text = "The strike killed four people. Since 2011 the war has killed more than 300,000."
    out = {f.text: figure_to_model(f).to_dict() for f in figs(text)}
    assert not any(d.get("other_event") for t, d in out.items() if t.startswith("killed four"))
    assert any(d.get("other_event") for d in out.values())


def test_a_cumulative_toll_after_a_semicolon_is_not_this_strikes() -> None:
    text = ("Shelling killed at least nine people on Monday. Since the war began the town has been hit "
            "almost daily; more than 200 civilians have been killed there, medics estimate.")
    out = {f.text: f.other_event for f in figs(text)}
    assert any(v for t, v in out.items() if "200" in t)
    assert not any(v for t, v in out.items() if "nine" in t)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a nationality or a workplace before the person noun
        ("A Norwegian relief worker was killed near the border crossing.",
         [("killed", "civilians", 1, 1, "exact")]),
        ("One vaccination volunteer was wounded in the ambush.",
         [("injured", "civilians", 1, 1, "exact")]),
        ("A polio vaccinator was shot dead at the clinic gate.",
         [("killed", "medical_staff", 1, 1, "exact")]),
        # a hyphenated participle is a modifier
        ("Two agency-hired guards were injured by the grenade.",
         [("injured", "civilians", 2, 2, "exact")]),
        # a first participle after the auxiliary of a long subject
        ("1 locally hired truck driver for the agency was stopped and shot dead on the road.",
         [("killed", "civilians", 1, 1, "exact")]),
        # "another" before a person noun is one more
        ("Mortar fire killed another civilian in the camp.", [("killed", "civilians", 1, 1, "exact")]),
    ],
)
def test_round_three_constructions(text: str, expected: list[tuple]) -> None:
    assert simple(text) == expected


def test_the_killer_is_no_victim() -> None:
    # the count before an active verb with a counted object is the attacker
    assert simple("A sniper shot dead two farmers near the olive groves.") == [
        ("killed", "civilians", 2, 2, "exact")]
    assert simple("An attacker killed a farmer in the market.") == [
        ("killed", "civilians", 1, 1, "exact")]
    # but a count whose own verb follows is the next figure ("5 killed 7 injured")
    assert simple("4 aid staff killed 6 aid staff injured in the blast.") == [
        ("killed", "civilians", 4, 4, "exact"), ("injured", "civilians", 6, 6, "exact")]


def test_a_pronoun_victim_counts_one() -> None:
    text = "The drone fired on a tractor near the village, killing him instantly."
    assert [(f.measure, f.low) for f in figs(text)] == [("killed", 1)]
    cas = reconcile(figs("A drone hit the car, killing him and another passenger."))
    assert cas.killed.best == 2
    # "her" before a relative is the possessive's, counted once
    assert [(f.measure, f.low) for f in figs("The shell hit the house, injuring her nephew.")] == [("injured", 1)]


def test_two_nouns_civilian_first() -> None:
    (f,) = figs("Three civilian officials were killed at the depot.")
    assert f.group == "civilians"


def test_a_list_total_holds_its_role_parts() -> None:
    # "two officials and their driver": the driver is a civilian by role, part of the three;
    # which of the officials were civilians is not said
    cas = reconcile(figs("A drone strike killed two local officials and their driver on Tuesday."))
    assert cas.killed.best == 3
    assert cas.civilians_killed.is_unknown


def test_teaser_lines_give_way_to_the_story() -> None:
    text = ("Shelling kills two women at a bakery in the east of the town\n\n"
            "Nine people killed in an airstrike on a market in another province\n\n"
            "Regime artillery shelled the bakery on Friday morning, killing two women who were "
            "queueing for bread, local medics said.\n\n"
            "Three children hurt by an old landmine near the river")
    cas = reconcile(figs(text))
    assert cas.killed.best == 2
    # the story gives no injured: the teaser's figure is all there is
    assert cas.injured.best == 3
    # a title after a line of page furniture is no teaser
    text = ("Menu\n\nSeven shepherds killed in a drone strike near the hills\n\n"
            "A drone struck a group of shepherds on Sunday, the monitor said, and their flock was lost too.\n\n"
            "Twelve people killed in shelling of a northern town")
    assert reconcile(figs(text)).killed.best == 7


def test_a_bare_plural_gives_way_to_a_counted_group() -> None:
    # "injuring others" says some were hurt; the counted woman gives the civilians' toll
    cas = reconcile(figs("Shelling hit the camp, injuring others. A woman was wounded by shrapnel."))
    assert cas.to_dict()["civilians_injured"]["best"] == 1


def test_an_exact_one_stands_beside_a_bare_plural() -> None:
    # a bare plural (two or more) does not outbid the one victim counted; "dozens" does
    cas = reconcile(figs("Civilians were killed when the shell hit the road. One civilian was killed in the market."))
    assert cas.civilians_killed.best == 1
    cas = reconcile(figs("Dozens of civilians were killed in the shelling. One civilian was killed in the market."))
    assert cas.civilians_killed.best == 24


def test_parts_of_a_cumulative_total_are_cumulative() -> None:
    found = figs("The group says 3,050 civilians, including 950 children, have been killed.")
    assert found and all(f.other_event for f in found)


def test_a_vague_part_does_not_raise_a_counted_toll() -> None:
    cas = reconcile(figs("Seven civilians were killed in the attack on the prison. "
                         "Dozens of children were killed, the group said."))
    assert cas.civilians_killed.best == 7
    assert cas.killed.best == 7


def test_parts_of_another_total_do_not_raise_the_toll() -> None:
    # the toll is the one civilian told twice; the seven children belong to the ten
    cas = reconcile(figs("The strike on Tuesday killed a civilian, the monitor said. Officials confirmed that "
                         "a civilian was killed. In Kabul a drone killed 10 civilians, including seven children."))
    assert cas.civilians_killed.best == 1
    assert cas.killed.best == 1


def test_quoted_measure_and_received() -> None:
    assert simple("A man sustained \u201cminor injuries\u201d in the blast.") == [("injured", "all", 1, 1, "exact")]
    assert simple("Two men received minor injuries.") == [("injured", "all", 2, 2, "exact")]


def test_a_bare_count_after_a_comma_is_a_subject_of_its_own() -> None:
    # the teacher is one of the nine killed, not one of the injured
    found = simple("Nine civilians were killed, including a teacher, and four were injured.")
    assert found == [("killed", "civilians", 9, 9, "exact"), ("killed", "civilians", 1, 1, "exact"),
                     ("injured", "all", 4, 4, "exact")]


def test_ages_after_names_and_named_victims_add_up() -> None:
    found = figs("Omar Khalil, 34, was wounded, and Rami Saleh, 9, was wounded.")
    assert [(f.measure, f.low) for f in found] == [("injured", 1), ("injured", 1)]
    assert reconcile(found).injured.best == 2


def test_measure_noun_before_a_named_victim() -> None:
    assert simple("The shelling led to the death of the citizen Hasan Ali Darwish.") == [
        ("killed", "all", 1, 1, "exact")]
    assert [(f.measure, f.low) for f in figs("The shelling caused the injury of journalist Rana Omar.")] == [
        ("injured", 1)]


def test_a_bound_on_the_civilians_is_no_estimate_beside_a_count() -> None:
    cas = reconcile(figs("Twenty civilians were killed or injured. Eight people were wounded."))
    assert cas.injured.best == 8
    assert cas.to_dict()["civilians_injured"]["best"] is None


def test_others_after_a_noun_of_harm() -> None:
    found = simple("Medics reported the death of two farmers and the injury of others in the shelling.")
    assert ("injured", "all", 2, None, "vague") in found


def test_a_name_in_apposition_before_the_verb() -> None:
    found = figs("A drone hit the car. The mayor of the town, Gabriel Hanna, was wounded.")
    assert [(f.measure, f.low) for f in found] == [("injured", 1)]


def test_an_up_to_in_words_is_kept_beside_a_count() -> None:
    # "up to 15" is the report's own bound on the injured civilians, not a killed-and-injured count
    cas = reconcile(figs("The strike killed eight people, injuring up to 15 other civilians. "
                         "A man, Omar Saleh Hasan, was severely injured."))
    assert cas.to_dict()["civilians_injured"]["best"] == 15


def test_more_person_nouns() -> None:
    assert simple("The blast killed three peshmerga fighters near the checkpoint.") == [
        ("killed", "combatants", 3, 3, "exact")]
    assert simple("Two peshmerga were wounded.") == [("injured", "combatants", 2, 2, "exact")]
    assert reconcile(figs("A monk and a girl were killed in the blast.")).killed.best == 2


def test_victims_the_text_leaves_out_of_its_count() -> None:
    # the clause before "(not counted)" tells of victims the report does not count
    cas = reconcile(figs("One relief worker was shot dead at the gate. Three other villagers were also "
                         "killed in the raid (not counted here)."))
    assert cas.killed.best == 1
    # inside the parentheses only what the parentheses hold
    found = figs("4 NGO drivers killed when the depot was shelled (7 residents also died but are not counted here).")
    assert [(f.low, f.other_event) for f in found] == [(4, False), (7, True)]
    # the clause goes back to the sentence start, or to "along with": what comes before is counted
    found = figs("Two staff were killed, and six people were also wounded (not counted).")
    assert [f.other_event for f in found] == [True, True]
    found = figs("One guard was killed along with nine other men (not included).")
    assert [(f.low, f.other_event) for f in found] == [(1, False)]
    found = figs("Five guards were killed at the gate. Eight other staff were hurt (not yet counted).")
    assert [f.other_event for f in found] == [False, True]
    # no statement about a count
    found = figs("Two staff were wounded; one said he was not included in the food distribution.")
    assert [f.other_event for f in found] == [False]


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("One teacher was badly shot and later died in the clinic.", "killed"),
        ("One volunteer was stabbed near the market. He died on the way to hospital.", "killed"),
        ("Two drivers were shot at the crossing. They later succumbed to their wounds.", "killed"),
        # "he" cannot be both of two
        ("Two drivers were shot at the crossing. He later died.", "injured"),
        # a death told by someone else is no death of the injured
        ("One farmer was wounded. He said his orchard had died in the drought.", "injured"),
        # the death in a clause of its own is not the victim's
        ("One nurse was injured after a shell hit and later died.", "injured"),
        # the abducted who were killed
        ("Two engineers were kidnapped near the mine and later found dead.", "killed"),
        ("One guard was abducted at dawn. He was executed two days later.", "killed"),
        ("1 NGO nurse abducted near the clinic in May; found dead a week later.", "killed"),
        ("3 UN contractors kidnapped on the highway. Later found dead.", "killed"),
        ("3 UN contractors kidnapped on the highway. Released a day later.", "missing"),
    ],
)
def test_the_injured_who_died_later(text: str, measure: str) -> None:
    assert [f.measure for f in figs(text)] == [measure]


def test_posts_and_employment_words() -> None:
    assert simple("One NGO director was shot and killed outside his office.") == [
        ("killed", "civilians", 1, 1, "exact")]
    assert simple("Two UN bodyguards were killed in the ambush.") == [("killed", "civilians", 2, 2, "exact")]
    assert simple("One off-duty INGO staff member was shot dead at home.") == [
        ("killed", "civilians", 1, 1, "exact")]
    assert simple("Seven INGO supported staff were wounded by the shelling.") == [
        ("injured", "civilians", 7, 7, "exact")]
    assert simple("One Red Cross board member was killed on the road.") == [
        ("killed", "civilians", 1, 1, "exact")]
    assert simple("A local Red Crescent volunteer died in the explosion.") == [
        ("killed", "civilians", 1, 1, "exact")]
    assert simple("The drone killed a leader of the militia near the bridge.") == [
        ("killed", "all", 1, 1, "exact")]


def test_one_victim_named_by_a_definite_noun_phrase() -> None:
    assert simple("The driver was killed; two others were wounded as well.") == [
        ("killed", "civilians", 1, 1, "exact"), ("injured", "all", 2, 2, "exact")]
    assert simple("The founder of the charity was shot and killed near his home.") == [
        ("killed", "civilians", 1, 1, "exact")]
    assert simple("Gunmen stopped the bus, killing the driver.") == [("killed", "civilians", 1, 1, "exact")]
    # not inside a clause, nor a possessive
    assert simple("Gunmen shot at the car of the driver.") == []
    assert simple("The shell killed the driver's son.") == []


def test_a_vague_count_of_killed_and_injured_counts_the_dead_too() -> None:
    cas = reconcile(figs("The shell hit the market, causing several deaths and injuries."))
    assert (cas.killed.best, cas.injured.best) == (2, 2)
    cas = reconcile(figs("A number of residents were killed and wounded in the raid."))
    assert (cas.to_dict()["civilians_killed"]["best"], cas.injured.best) == (2, 2)
    # a count with a number stays a bound on the injured only
    assert reconcile(figs("Thirty people were killed and wounded.")).killed.best is None


def test_kin_after_a_possessive_join_the_list() -> None:
    assert reconcile(figs("A farmer and his three daughters were killed when the house was hit.")).killed.best == 4


def test_identified_victims() -> None:
    assert simple("The raid killed at least 14 identified civilians.") == [
        ("killed", "civilians", 14, None, "at_least")]


def test_a_database_note_of_fatalities() -> None:
    cas = reconcile(figs("A drone hit the camp, killing several people. Unknown fatalities coded as 10."))
    assert cas.killed.best == 10


def test_victims_whose_number_is_unknown() -> None:
    cas = reconcile(figs("Four men were killed. How many civilians were hurt remains unknown."))
    assert (cas.killed.best, cas.injured.best) == (4, 2)
    cas = reconcile(figs("Six people died; it is not clear how many were wounded."))
    assert cas.injured.best == 2


def test_a_range_from_two_bounds() -> None:
    cas = reconcile(figs("At least 30, and up to 61, residents of the same village, including a teacher and "
                         "12 children, were killed."))
    assert cas.to_dict()["civilians_killed"]["best"] == 30
    assert cas.to_dict()["civilians_killed"]["high"] == 61


def test_another_victim_after_and_is_no_death_of_the_injured() -> None:
    assert [(f.measure, f.low) for f in figs("Three staff were wounded and the driver was killed.")] == [
        ("injured", 3), ("killed", 1)]


def test_an_aside_on_a_list_part() -> None:
    cas = reconcile(figs("3 UN international (Kenyan, Irish) and 2 national staff were killed in the ambush."))
    assert cas.killed.best == 5
    assert simple("One off duty NGO guard was shot dead.") == [("killed", "civilians", 1, 1, "exact")]


def test_a_cue_in_a_relative_clause_after_the_figure() -> None:
    found = figs("Two volunteers were killed by shelling while helping residents who were hurt in an earlier strike.")
    assert [(f.low, f.other_event) for f in found] == [(2, False)]
    # without the relative clause the cue still marks the figure
    assert [f.other_event for f in figs("Two volunteers were killed in an earlier strike.")] == [True]


def test_victims_named_with_an_age_or_a_by_name() -> None:
    cas = reconcile(figs("The shell hit the shop, killing a boy named Karim Adel Saleh (11), and a girl named "
                         "Lina Haddad (8)."))
    assert cas.killed.best == 2
    assert simple("The writer Yusuf Hamdan Qasem (Abu Nabil) was killed near the mosque.") == [
        ("killed", "all", 1, 1, "exact")]


def test_a_breakdown_of_a_group_total() -> None:
    cas = reconcile(figs("Four relief workers, three drivers and one guard, were killed in the ambush."))
    assert cas.killed.best == 4
    # two breakdowns of one count
    cas = reconcile(figs("6 NGO staff members, 2 women and 4 men, 5 local staff and 1 foreign staff, were killed."))
    assert cas.killed.best == 6


def test_a_likely_death_is_counted() -> None:
    assert simple("Two fighters were probably killed in the raid.") == [("killed", "combatants", 2, 2, "exact")]
    assert simple("A paramedic, Samir Haddad, first reported missing, was also likely killed.") == [
        ("killed", "medical_staff", 1, 1, "exact")]


def test_struck_and_injured() -> None:
    assert simple("One NGO guard was struck and injured by shrapnel at the gate.") == [
        ("injured", "civilians", 1, 1, "exact")]
    assert simple("Two farmers were stabbed and killed at the well.") == [("killed", "civilians", 2, 2, "exact")]


def test_kin_killed_with_the_subject() -> None:
    assert reconcile(figs("The teacher Nadia Salem Odeh (41) was killed alongside her three sons.")).killed.best == 4
    assert reconcile(figs("A farmer was killed along with his two young daughters.")).killed.best == 3
    assert reconcile(figs("The wife of the mayor was killed together with their five children.")).killed.best == 6

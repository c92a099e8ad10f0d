"""Grading: invented incidents, one per grade, and the independence rule."""

from __future__ import annotations

import pytest

from strikewatch.assess.grade import grade, independent_sources
from strikewatch.model import ActorProbability, Attribution, Perpetrator

from .test_reconcile import SOHR, WH, doc, fig


def accused(actor: str, by: str | None = None, role: str = "alleged") -> Perpetrator:
    return Perpetrator(actor=actor, role=role, by=by, text=f"{actor} ({role})", span=(0, 10))


def test_ten_outlets_quoting_afp_are_one_source():
    reports = [
        doc(f"o{i}", "2024-04-10",
            fig("killed", "all", 12, source="AFP", text="12 killed, AFP said"),
            fig("killed", "all", 12, text="Strike kills 12", at=100),  # the headline echoes AFP
            outlet=f"Outlet {i}", perpetrators=[accused("Russia", by="AFP")], sources=["AFP"])
        for i in range(10)
    ]
    g, why = grade(reports)
    assert g == "weak"
    assert "AFP" in why[0]
    assert list(independent_sources(reports)) == ["afp"]


def test_monitor_and_first_responders_independently_are_fair():
    reports = [
        doc("a", "2024-04-10", fig("killed", "all", 31, source=SOHR), outlet="Paper A",
            sources=[SOHR]),
        doc("b", "2024-04-10", fig("killed", "all", 50, source=WH), outlet="Paper B",
            sources=[WH]),
    ]
    g, why = grade(reports)
    assert g == "fair"
    assert "2 independent credible sources" in why[0]
    assert SOHR in why[1] and WH in why[1]


def test_outlets_reporting_on_their_own_are_independent():
    reports = [
        doc("a", None, fig("killed", "all", 3, source="residents"), outlet="Paper A"),
        doc("b", None, fig("killed", "all", 4), outlet="Paper B"),
    ]
    assert grade(reports)[0] == "fair"
    # two articles of one outlet are one source
    same = [doc("a", None, fig("killed", "all", 3), outlet="Paper A"),
            doc("b", None, fig("killed", "all", 4), outlet="paper a")]
    assert grade(same)[0] == "weak"


def test_a_document_naming_no_source_is_its_outlet():
    reports = [doc("a", None, outlet="Paper A"), doc("b", None, outlet="Paper B")]
    assert set(independent_sources(reports)) == {"paper a", "paper b"}


def test_belligerent_confirms():
    reports = [
        doc("a", "2024-04-11", fig("killed", "civilians", 6, source="Gaza Health Ministry"),
            outlet="Paper A", perpetrators=[accused("Israel", by="Gaza Health Ministry")]),
        doc("b", "2024-04-12", outlet="Paper B",
            perpetrators=[accused("Israel", by="Israeli military", role="confirmed")]),
    ]
    g, why = grade(reports)
    assert g == "confirmed"
    assert "Israel accepts responsibility in b" in why[0]


def test_a_third_partys_confirmation_is_not_acceptance():
    reports = [doc("a", None, fig("killed", "all", 6, source=SOHR), outlet="Paper A",
                   perpetrators=[accused("Russia", by="activists", role="confirmed")])]
    assert grade(reports)[0] == "weak"


def test_claim_of_responsibility_by_the_actor_itself():
    reports = [doc("a", None, fig("killed", "all", 3, source="Reuters"), outlet="Paper A",
                   perpetrators=[accused("Islamic State", by="Islamic State", role="claimed")])]
    assert grade(reports)[0] == "confirmed"


def test_russia_denies_and_the_government_is_also_accused():
    reports = [
        doc("a", "2024-04-10", fig("killed", "all", 9, source=SOHR), outlet="Paper A",
            perpetrators=[accused("Russia", by=SOHR)]),
        doc("b", "2024-04-10", fig("killed", "all", 11, source=WH), outlet="Paper B",
            perpetrators=[accused("Syrian government", by=WH)]),
        doc("c", "2024-04-11", outlet="Paper C",
            perpetrators=[accused("Russia", by="Russia", role="denied")]),
    ]
    g, why = grade(reports)
    assert g == "contested"
    assert "Russia accused in a" in why[0] and "Syrian government accused in b" in why[0]
    assert any("Russia denies in c" in r for r in why)


def test_a_lone_denial_is_not_a_contest():
    reports = [
        doc("a", None, fig("killed", "all", 9, source=SOHR), outlet="Paper A",
            perpetrators=[accused("Russia", by=SOHR)]),
        doc("b", None, outlet="Paper B", perpetrators=[accused("Russia", by="Russia", role="denied")]),
    ]
    g, why = grade(reports)
    # the denier's own words are no independent source: SOHR and Paper B's report
    assert g == "fair"
    assert any("Russia denies in b" in r for r in why)


def test_combatants_only_is_discounted_even_if_confirmed():
    reports = [
        doc("a", None, fig("killed", "combatants", 4, source=SOHR, text="four fighters killed"),
            outlet="Paper A"),
        doc("b", None, fig("killed", "combatants", 5, source="US Central Command"),
            fig("killed", "civilians", 0, source="US Central Command"),
            outlet="Paper B",
            perpetrators=[accused("United States", by="US Central Command", role="confirmed")]),
    ]
    g, why = grade(reports)
    assert g == "discounted"
    assert "combatants" in why[0]


def test_another_party_most_likely_responsible_is_discounted():
    reports = [doc("a", None, fig("killed", "all", 7, source=SOHR), outlet="Paper A",
                   perpetrators=[accused("Russia", by="activists")])]
    att = Attribution(actor="Syrian government", probability=0.7,
                      alternatives=[ActorProbability(actor="Russia", probability=0.25)])
    g, why = grade(reports, att)
    assert g == "discounted"
    assert "Syrian government" in why[0]
    # the accused actor itself most likely: graded on the sources
    att_same = Attribution(actor="Russia", probability=0.8)
    assert grade(reports, att_same)[0] == "fair"  # SOHR and the outlet's activists


def test_party_sources_do_not_make_it_fair():
    reports = [
        doc("a", None, fig("killed", "all", 7, source="SANA"), outlet="Paper A", sources=["SANA"]),
        doc("b", None, fig("killed", "all", 7, source="Russian Ministry of Defence"),
            outlet="Paper B", sources=["Russian Ministry of Defence"]),
    ]
    g, why = grade(reports)
    assert g == "weak"
    assert "party to the conflict" in why[1]


def test_cumulative_toll_source_is_not_a_source_of_the_incident():
    reports = [
        doc("a", None, fig("killed", "all", 7, source="Reuters"),
            fig("killed", "all", 300_000, q="more_than", source=SOHR, other_event=True),
            outlet="Paper A", sources=["Reuters", SOHR]),
    ]
    assert list(independent_sources(reports)) == ["reuters"]
    assert grade(reports)[0] == "weak"


def test_grade_is_a_canonical_label_with_reasons():
    from strikewatch.vocab import GRADES

    g, why = grade([doc("a", None, outlet="Paper A")])
    assert g in GRADES and why and all(isinstance(r, str) for r in why)


def test_empty_incident_is_an_error():
    with pytest.raises(ValueError):
        grade([])


def test_same_side_is_no_contest():
    reports = [doc("a", None, fig("killed", "all", 5, source=SOHR), outlet="Paper A",
                   perpetrators=[accused("US-led coalition", by=SOHR),
                                 accused("United States", by="AFP")])]
    assert grade(reports)[0] == "fair"  # SOHR and AFP


def test_an_actor_named_in_passing_is_no_contest():
    reports = [doc("a", None, fig("killed", "all", 5, source=SOHR), outlet="Paper A",
                   perpetrators=[accused("Turkey", by=SOHR), accused("Turkey", by=SOHR),
                                 accused("Turkey", by=SOHR), accused("Islamic State")])]
    g, why = grade(reports)
    assert g == "weak"
    assert any("in passing" in r for r in why)


def test_attribution_decides_whether_a_rival_is_serious():
    reports = [doc("a", None, fig("killed", "all", 5, source=SOHR), outlet="Paper A",
                   perpetrators=[accused("Russia", by=SOHR), accused("Syrian government", by=SOHR)])]
    split = Attribution(actor="Russia", probability=0.55,
                        alternatives=[ActorProbability(actor="Syrian government", probability=0.4)])
    assert grade(reports, split)[0] == "contested"
    settled = Attribution(actor="Russia", probability=0.93,
                          alternatives=[ActorProbability(actor="Syrian government", probability=0.05)])
    assert grade(reports, settled)[0] == "weak"

"""Incident-level attribution: priors, operator tables, sightings and statements.

All evidence here is invented for the tests.
"""

from __future__ import annotations

import csv
import math
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from strikewatch.assess.attribute import (
    EVIDENCE_KINDS,
    FlightEvidence,
    _confusable,
    IncidentEvidence,
    attribute_incident,
    foreign_shares,
    load_profile,
    profile_for,
)
from strikewatch.model import DateInfo, Figure, Location, Perpetrator, Report

SYRIA = load_profile("syria")
COUNTS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "attribution" / "airwars-syria-2014-2020-counts.csv"


def ev(**kw) -> IncidentEvidence:
    base = {"country": "SY"}
    base.update(kw)
    for key in ("perpetrators", "aircraft", "weapons", "sources", "flights"):
        if key in base:
            base[key] = tuple(base[key])
    return IncidentEvidence(**base)


def probs(att) -> dict[str, float]:
    out = {a.actor: a.probability for a in att.alternatives}
    out[att.actor] = att.probability
    return out


def test_barrel_bombs_from_a_helicopter_in_idlib_2016_is_the_syrian_government():
    att = attribute_incident(ev(admin1="Idlib", date="2016-06-12", event_type="air_strike",
                                aircraft=["helicopter"], weapons=["barrel bomb"]), SYRIA)
    assert att.actor == "Syrian government"
    assert att.probability > 0.9
    kinds = {e.kind for e in att.evidence}
    assert {"prior", "aircraft", "munition"} <= kinds


def test_su34_from_hmeimim_is_russia():
    att = attribute_incident(ev(admin1="Idlib", date="2017-03-02", event_type="air_strike",
                                flights=[FlightEvidence(aircraft="Su-34", count=2, origin="Hmeimim",
                                                        observer="spotter-7")]), SYRIA)
    assert att.actor == "Russia"
    assert att.probability > 0.9
    base = [e for e in att.evidence if e.kind == "base"]
    assert base and base[0].extra["actor"] == "Russia" and "spotter-7" in base[0].text


def test_raqqa_2017_prior_is_the_coalition():
    att = attribute_incident(ev(admin1="Ar-Raqqah", date="2017-07-20", event_type="air_strike"), SYRIA)
    assert att.actor == "US-led coalition"
    assert [e.kind for e in att.evidence] == ["prior"]
    assert "Airwars" in att.evidence[0].text


def test_a_claim_outweighs_an_accusation():
    perps = [Perpetrator(actor="Turkey", role="alleged", by="Syrian Observatory for Human Rights", text="Turkish drone"),
             Perpetrator(actor="SDF", role="claimed", by="SDF", text="the SDF claimed the attack")]
    att = attribute_incident(ev(admin1="Aleppo", date="2022-05-01", event_type="shelling", perpetrators=perps), SYRIA)
    assert att.actor == "SDF"


def test_a_denial_lowers_but_never_zeroes():
    acc = Perpetrator(actor="Russia", role="alleged", by="White Helmets", text="Russian jets")
    deny = Perpetrator(actor="Russia", role="denied", by="Russia", text="Russia denied")
    kw = {"admin1": "Idlib", "date": "2019-05-10", "event_type": "air_strike"}
    before = probs(attribute_incident(ev(perpetrators=[acc], **kw), SYRIA))["Russia"]
    after = probs(attribute_incident(ev(perpetrators=[acc, deny], **kw), SYRIA))["Russia"]
    assert 0 < after < before
    only_denied = probs(attribute_incident(ev(perpetrators=[deny], **kw), SYRIA))["Russia"]
    assert only_denied > 0


@pytest.mark.parametrize("evidence", [
    ev(admin1="Idlib", date="2016-06-12", event_type="air_strike", weapons=["barrel bomb"]),
    ev(admin1="Deir ez-Zor", event_type="drone_strike"),
    ev(date="2025-03-01", event_type="air_strike"),
    ev(country="PS", perpetrators=[Perpetrator(actor="Israel", role="alleged", text="Israeli strike")]),
    ev(country="SD"),
])
def test_probabilities_sum_to_one_and_alternatives_are_sorted(evidence):
    att = attribute_incident(evidence)
    total = att.probability + sum(a.probability for a in att.alternatives)
    assert total <= 1.0 and total > 0.99
    ps = [att.probability] + [a.probability for a in att.alternatives]
    assert ps == sorted(ps, reverse=True)


def test_every_evidence_item_is_explained():
    perps = [Perpetrator(actor="Russia", role="alleged", by="activists", text="Russian warplanes"),
             Perpetrator(actor="Russia", role="denied", by="Russia", text="denied")]
    flights = [FlightEvidence(aircraft="Su-24", origin="Shayrat", heading="NE", time="2018-02-03T23:30",
                              altitude="high", observer="obs-3")]
    att = attribute_incident(ev(admin1="Idlib", date="2018-02-04", event_type="air_strike", perpetrators=perps,
                                aircraft=["warplane"], weapons=["cluster munition"], flights=flights,
                                lat=35.93, lon=36.63), SYRIA)
    assert att.evidence[0].kind == "prior"
    for e in att.evidence:
        assert e.kind in EVIDENCE_KINDS
        assert e.text and isinstance(e.weight, float) and math.isfinite(e.weight)
        assert e.extra.get("actor")
    assert {"munition", "aircraft", "base", "time", "accusation", "denial"} <= {e.kind for e in att.evidence}


def test_su24_is_syrian_before_russia_arrived_and_either_after():
    before = attribute_incident(ev(admin1="Hama", date="2014-05-01", aircraft=["Su-24"]), SYRIA)
    items = [e for e in before.evidence if e.kind == "aircraft"]
    assert {e.extra["actor"] for e in items} == {"Syrian government"}
    after = attribute_incident(ev(admin1="Hama", date="2016-05-01", aircraft=["Su-24"]), SYRIA)
    assert {e.extra["actor"] for e in after.evidence if e.kind == "aircraft"} == {"Syrian government", "Russia"}


def test_heading_from_a_base_towards_the_incident_counts():
    # Hmeimim (35.40, 35.95) to Idlib city (35.93, 36.63): roughly north-east.
    att = attribute_incident(ev(admin1="Idlib", date="2019-06-01", event_type="air_strike", lat=35.93, lon=36.63,
                                flights=[FlightEvidence(heading=45)]), SYRIA)
    heading = [e for e in att.evidence if e.kind == "heading"]
    assert heading and "Russia" in {e.extra["actor"] for e in heading}
    wrong = attribute_incident(ev(admin1="Idlib", date="2019-06-01", lat=35.93, lon=36.63,
                                  flights=[FlightEvidence(heading="south")]), SYRIA)
    assert not [e for e in wrong.evidence if e.kind == "heading" and e.extra["actor"] == "Russia"]


def test_night_sighting_is_weak_evidence_against_the_syrian_air_force():
    att = attribute_incident(ev(admin1="Idlib", date="2019-06-01", flights=[FlightEvidence(time="02:10")]), SYRIA)
    t = [e for e in att.evidence if e.kind == "time"]
    assert t and all(0 < e.weight <= 0.5 for e in t)
    assert "Syrian government" not in {e.extra["actor"] for e in t}


def test_source_record_weighs_accusations():
    def weight(by: str) -> float:
        p = Perpetrator(actor="Israel", role="alleged", by=by, text="Israeli missiles")
        att = attribute_incident(ev(admin1="Damascus", date="2019-01-20", perpetrators=[p]), SYRIA)
        return next(e.weight for e in att.evidence if e.kind == "accusation")

    assert weight("SANA") < weight("Syrian Observatory for Human Rights")


def test_unnamed_state_forces_weigh_less_than_a_named_accusation():
    def weight(**extra) -> float:
        p = Perpetrator(actor="Syrian government", role="alleged", by="activists", text="soldiers", extra=extra)
        att = attribute_incident(ev(admin1="Daraa", date="2019-01-20", perpetrators=[p]), SYRIA)
        return next(e.weight for e in att.evidence if e.kind == "accusation" and e.extra["actor"] == "Syrian government")

    named = weight()
    assert weight(unnamed=True) == pytest.approx(named * SYRIA.weights.unnamed_state)
    assert 0 < SYRIA.weights.unnamed_state < 1


def test_united_states_counts_for_the_coalition_in_syria():
    p = Perpetrator(actor="United States", role="alleged", by="local sources", text="US drone")
    att = attribute_incident(ev(admin1="Deir ez-Zor", date="2022-06-01", event_type="drone_strike", perpetrators=[p]), SYRIA)
    assert att.actor == "US-led coalition"
    assert [e.extra["actor"] for e in att.evidence if e.kind == "accusation"] == ["US-led coalition"]


def test_other_countries_get_the_neutral_profile():
    assert profile_for("SY") is SYRIA
    assert profile_for("PS").name == "neutral"
    nothing = attribute_incident(IncidentEvidence(country="SD"))
    assert nothing.actor == "unknown" and nothing.extra["profile"] == "neutral"
    p = Perpetrator(actor="Israel", role="alleged", by="Gaza Health Ministry", text="Israeli strike")
    assert attribute_incident(IncidentEvidence(country="PS", perpetrators=(p,))).actor == "Israel"


def test_places_the_texts_name_count_where_no_profile_gives_priors():
    # a report whose own attribution found a theatre place ("Kharkiv" ties to
    # Russia in the lexicon) and no accusation: the incident is not "unknown"
    from strikewatch.model import Attribution, Evidence

    rep = Report(event_type="missile_strike", location=Location(country="UA", admin1="Kharkiv Oblast"),
                 attribution=Attribution(actor="Russia", probability=0.6, evidence=[
                     Evidence(kind="theatre", text="Kharkiv", weight=1.5, extra={"actor": "Russia"})]))
    e = IncidentEvidence.from_reports([rep])
    assert e.place_cues == (("Russia", 1.5),)
    assert attribute_incident(e).actor == "Russia"
    assert attribute_incident(IncidentEvidence(country="UA", admin1="Kharkiv Oblast")).actor == "unknown"


def test_an_actor_the_profile_does_not_list_wins_on_an_explicit_accusation():
    p = Perpetrator(actor="Islamic Resistance in Iraq", role="alleged", text="Islamic Resistance in Iraq")
    # Idlib, where the profile's own actors hold nearly all the prior
    att = attribute_incident(ev(admin1="Idlib", date="2023-11-01", event_type="drone_strike", perpetrators=[p]), SYRIA)
    assert att.actor == "Islamic Resistance in Iraq"


def test_load_profile_is_cached():
    assert load_profile() is load_profile("syria")


def test_priors_are_distributions():
    for key, shares in SYRIA.priors.items():
        assert abs(sum(shares.values()) - 1.0) < 1e-9, key
        assert all(v > 0 for v in shares.values())
    # the Syrian government, absent from the Airwars counts, leads where Russia flew
    idlib = SYRIA.priors[("Idlib", "2016")]
    assert max(idlib, key=idlib.get) == "Syrian government"


def test_evidence_from_linked_reports_is_pooled():
    r1 = Report(event_type="air_strike", weapons=["barrel bomb"], date=DateInfo(start="2016-02-01"),
                location=Location(country="SY", admin1="Aleppo"),
                perpetrators=[Perpetrator(actor="Syrian government", role="alleged", by="activists")],
                figures=[Figure(measure="killed", source="White Helmets")])
    r2 = Report(event_type="other", aircraft=["Mi-8"], weapons=["barrel bomb"], sources=["SOHR"],
                perpetrators=[Perpetrator(actor="Russia", role="denied", by="Russia")])
    e = IncidentEvidence.from_reports([r1, r2])
    assert (e.country, e.admin1, e.date, e.event_type) == ("SY", "Aleppo", "2016-02-01", "air_strike")
    assert e.weapons == ("barrel bomb",) and e.aircraft == ("Mi-8",)
    assert e.sources == ("White Helmets", "SOHR") and len(e.perpetrators) == 2


@pytest.mark.skipif(not COUNTS.exists(), reason="shared attribution counts not available")
def test_shipped_foreign_shares_match_their_derivation():
    rows = list(csv.DictReader(COUNTS.open(encoding="utf-8")))
    years = {str(y): [y] for y in range(2014, 2021)}
    years["2019-2020"] = [2019, 2020]
    derived = foreign_shares(rows, years, 3.0)
    path = resources.files("strikewatch") / "data" / "profiles" / "syria.toml"
    shipped = {(f["admin1"], f["period"]): f["shares"]
               for f in tomllib.loads(path.read_text(encoding="utf-8"))["priors"]["foreign"]}
    assert shipped == derived


def test_confusion_between_actors_may_run_one_way():
    # naming Russia is a more specific claim than blaming the regime: the
    # regime's accusation weighs more for Russia than the other way round
    assert SYRIA.confusable["Syrian government"]["Russia"] > SYRIA.confusable["Russia"]["Syrian government"] > 0
    one_way = _confusable([{"from": "A", "to": ["B"], "share": 0.5}, {"actors": ["C", "D"], "share": 0.2}])
    assert one_way == {"A": {"B": 0.5}, "C": {"D": 0.2}, "D": {"C": 0.2}}

    def shares(actor: str) -> dict[str, float]:
        p = Perpetrator(actor=actor, role="alleged", by="activists", text="warplanes")
        att = attribute_incident(ev(admin1="Idlib", date="2019-06-01", event_type="air_strike", perpetrators=[p]), SYRIA)
        return {e.extra["actor"]: e.weight for e in att.evidence if e.kind == "accusation"}

    assert shares("Russia")["Syrian government"] < shares("Syrian government")["Russia"]

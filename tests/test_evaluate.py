"""The scorer follows the evaluation data's rules exactly."""

from __future__ import annotations

import json

import pytest

from strikewatch.evaluate import SetScore, evaluate_file, haversine_km, mean_figures, normalise_admin1, score_document


def report(**kw):
    base = {"event_type": "air_strike", "date": {"start": "2019-07-22"},
            "location": {"lat": 35.65, "lon": 36.67, "admin1": "Idlib"},
            "casualties": {"killed": {"best": 23}, "injured": {"best": None}},
            "targets": [{"type": "market"}], "perpetrators": [], "attribution": None}
    base.update(kw)
    return {"reports": [base]}


GOLD = {"date": "2019-07-23", "lat": 35.6477, "lon": 36.6741, "admin1": "Idleb Governorate",
        "killed_min": 20, "killed_max": 30, "injured_min": 5, "injured_max": 5, "casualty_scope": "all",
        "event_types": ["air_strike", "shelling"], "perpetrators": ["Russia"], "targets": ["market", "residential"]}


def figures(gold, result):
    s = SetScore("t")
    score_document(gold, result, s)
    return s


def test_each_figure():
    s = figures(GOLD, report(attribution={"actor": "Russia", "probability": 0.8}))
    f = s.figures()
    assert f["report"] == 1 and f["date"] == 1 and f["place_10km"] == 1 and f["admin1"] == 1
    assert f["killed"] == 1 and f["injured"] == 0 and f["event_type"] == 1 and f["perpetrator"] == 1
    assert f["no_report"] is None
    assert f["target_f1"] == pytest.approx(2 / 3)  # p = 1, r = 1/2


def test_date_tolerance_and_distance():
    assert figures(GOLD, report(date={"start": "2019-07-25"})).figures()["date"] == 0
    far = report(location={"lat": 35.93, "lon": 36.63, "admin1": "Idlib"})  # Idlib city, ~31 km away
    f = figures(GOLD, far).figures()
    assert f["place_10km"] == 0 and f["place_25km"] == 0 and f["admin1"] == 1
    assert 30 < haversine_km(35.6477, 36.6741, 35.93, 36.63) < 33
    regional = dict(GOLD, geo_precision="region")
    assert figures(regional, far).figures()["place_25km"] is None


def test_casualty_rules():
    civ = dict(GOLD, casualty_scope="civilians", killed_min=23, killed_max=None)
    assert figures(civ, report(casualties={"civilians_killed": {"best": 23}, "killed": {"best": 10}})).figures()["killed"] == 1
    assert figures(civ, report(casualties={"killed": {"best": 22}})).figures()["killed"] == 0
    zero = dict(GOLD, killed_min=0, killed_max=0)
    assert figures(zero, report(casualties={})).figures()["killed"] == 1
    assert figures(GOLD, report(casualties={})).figures()["killed"] == 0


def test_perpetrator_falls_back_to_alleged_mentions():
    r = report(perpetrators=[{"actor": "Syrian government", "role": "denied"}, {"actor": "russia", "role": "alleged"}])
    assert figures(GOLD, r).figures()["perpetrator"] == 1
    judged = report(attribution={"actor": "unknown"}, perpetrators=[{"actor": "Russia", "role": "alleged"}])
    assert figures(GOLD, judged).figures()["perpetrator"] == 0  # the system's judgement comes first


def test_no_report_documents_count_only_for_no_report():
    none = {"event_types": ["none"], "killed_min": 3}
    s = figures(none, {"reports": []})
    f = s.figures()
    assert f["no_report"] == 1 and f["killed"] is None and f["report"] is None
    assert figures(none, report()).figures()["no_report"] == 0


@pytest.mark.parametrize("a,b", [("Idlib", "Idleb Governorate"), ("Deir ez-Zor", "Dayr az Zawr"),
                                 ("Rif Dimashq", "Damascus Countryside"), ("Al-Hasakah", "Hasakah"),
                                 ("Kyiv Oblast", "kyiv"), ("Ar-Raqqah", "Raqqa")])
def test_admin1_spellings_unified(a, b):
    assert normalise_admin1(a) == normalise_admin1(b)


def test_evaluate_file_and_mean(tmp_path):
    path = tmp_path / "set.jsonl"
    rows = [{"id": "a", "text": "x", "gold": GOLD}, {"id": "b", "text": "y", "gold": {"event_types": ["none"]}}]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    seen = []
    s = evaluate_file(path, lambda line: seen.append(line) or ({"reports": []} if line["id"] == "b" else report()))
    assert [x["id"] for x in seen] == ["a", "b"] and all("gold" not in x for x in seen)
    assert s.documents == 2 and s.figures()["no_report"] == 1
    m = mean_figures([s, s])
    assert m["no_report"] == 1 and m["killed"] == 1

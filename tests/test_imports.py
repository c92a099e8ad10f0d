"""Imports of ACLED and UCDP GED CSV exports, and the comparison with ours.

The rows are invented (made-up places, ids and tolls) under the datasets'
real column headers.
"""

from __future__ import annotations

import io
from datetime import date

import pytest

from strikewatch import export
from strikewatch.errors import InputError
from strikewatch.export.imports import (
    ExternalEvent,
    compare,
    detect_dataset,
    iter_events,
    read_acled,
    read_external,
    read_ucdp,
)
from strikewatch.model import Casualties, DateInfo, Incident, Location, Range

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp"
)

ACLED_CSV = "\ufeff" + ACLED_HEADER + "\n" + "\n".join([
    # 2: a good air strike (ISO date)
    'TST101,2021-03-04,2021,1,Political violence,Explosions/Remote violence,Air/drone strike,'
    'Military Forces of Testland,,State forces,Civilians (Syria),,Civilians,17,Civilian targeting,'
    '760,Middle East,Syria,Testgov,Testdist,,Qaryat al-Test,35.51,36.27,1,Test Monitor,National,'
    '"Invented: a clinic was hit, 5 killed.",5,,1614938400',
    # 3: older export date style, shelling, extra trailing cell
    'TST102,07 March 2021,2021,1,Political violence,Explosions/Remote violence,'
    'Shelling/artillery/missile attack,Unidentified Armed Group (Syria),,2,,,,20,,760,Middle East,'
    'Syria,Othergov,,,Tal Example,36.1,37.2,2,Other Monitor,Local,Invented.,0,,1615000000,EXTRA',
    # 4: bad date
    'TST103,not a date,2021,1,Political violence,Battles,Armed clash,A,,1,B,,2,12,,760,Middle East,'
    'Syria,Testgov,,,X,35,36,1,S,,N,1,,1',
    # 5: missing id
    ',2021-03-05,2021,1,Political violence,Battles,Armed clash,A,,1,B,,2,12,,760,Middle East,'
    'Syria,Testgov,,,X,35,36,1,S,,N,1,,1',
    # 6: negative fatalities and latitude out of range
    'TST105,2021-03-06,2021,1,Political violence,Battles,Armed clash,A,,1,B,,2,12,,760,Middle East,'
    'Syria,Testgov,,,X,95,36,1,S,,N,-3,,1',
    "",  # blank line: skipped silently
    # 8: a short row (columns missing at the end): still readable
    "TST106,2021-03-08,2021,1,Political violence,Violence against civilians,Abduction/forced "
    "disappearance,A,,1,Civilians (Syria)",
])

UCDP_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
    "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
    "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
    "source_date,source_headline,source_original,where_prec,where_coordinates,"
    "where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,best,high,low"
)


def _ucdp_row(id_: str, start: str, end: str, lat: str, lon: str, best: str, high: str, low: str,
              country: str = "Syria") -> str:
    return (f"{id_},TST-1,2021,TRUE,Clear,3,1,1,Government of Testland - Civilians,1,1,x,1,1,"
            f"Government of Testland,1,1,Civilians,1,\"Wire, invented\",,,,,1,Qaryat al-Test town,"
            f"invented,Testgov governorate,Testdist district,{lat},{lon},POINT ({lon} {lat}),1,"
            f"{country},652,Middle East,1,1,{start},{end},0,0,{best},0,{best},{high},{low}")


UCDP_CSV = UCDP_HEADER + "\r\n" + "\r\n".join([
    _ucdp_row("900001", "2021-03-04 00:00:00.000", "2021-03-04 00:00:00.000", "35.49", "36.24",
              "6", "9", "5"),
    _ucdp_row("900002", "2021-03-10", "2021-03-12", "36.0", "37.0", "2", "2", "2"),
    _ucdp_row("900003", "2021-03-10", "2021-03-12", "36.0", "37.0", "2", "1", "2"),  # high < best
    _ucdp_row("900004", "2021-03-12", "2021-03-10", "36.0", "37.0", "2", "2", "2"),  # end < start
    _ucdp_row("900005", "2021-03-10", "2021-03-10", "36.0", "east", "2", "2", "2"),  # bad lon
    _ucdp_row("900006", "2021-03-10", "2021-03-10", "36.0", "37.0", "", "", ""),  # no best
]) + "\r\n"


def test_acled_rows_become_events_and_bad_rows_errors():
    result = read_acled(io.StringIO(ACLED_CSV))
    assert result.dataset == "acled"
    assert [e.external_id for e in result.events] == ["TST101", "TST102", "TST106"]
    a, b, c = result.events
    assert (a.date_start, a.date_end, a.country, a.country_code) == (
        date(2021, 3, 4), date(2021, 3, 4), "Syria", "SY")
    assert (a.admin1, a.admin2, a.location, a.lat, a.lon) == (
        "Testgov", "Testdist", "Qaryat al-Test", 35.51, 36.27)
    assert a.event_type == "air_strike"
    assert a.external_type == "Explosions/Remote violence / Air/drone strike"
    assert a.fatalities == Range.point(5)
    assert a.actors == ["Military Forces of Testland", "Civilians (Syria)"]
    assert (a.line, b.line, c.line) == (2, 3, 8)
    assert b.date_start == date(2021, 3, 7) and b.event_type == "shelling"
    assert b.fatalities == Range.point(0)
    assert c.event_type == "abduction" and c.lat is None and c.fatalities == Range()
    errors = [(e.line, e.code, e.external_id) for e in result.errors]
    assert errors == [(4, "bad_field", "TST103"), (5, "missing_field", None),
                      (6, "bad_field", "TST105")]
    assert "event_date" in result.errors[0].message


def test_ucdp_rows_become_events_and_bad_rows_errors():
    result = read_ucdp(io.StringIO(UCDP_CSV))
    assert result.dataset == "ucdp-ged"
    assert [e.external_id for e in result.events] == ["900001", "900002"]
    a, b = result.events
    assert a.date_start == a.date_end == date(2021, 3, 4)
    assert a.fatalities == Range(low=5, best=6, high=9)
    assert (a.country_code, a.admin1, a.location) == ("SY", "Testgov governorate",
                                                      "Qaryat al-Test town")
    assert a.actors == ["Government of Testland", "Civilians"]
    assert a.event_type is None and a.external_type == "one-sided violence"
    assert (b.date_start, b.date_end) == (date(2021, 3, 10), date(2021, 3, 12))
    assert [(e.external_id, e.code) for e in result.errors] == [
        ("900003", "bad_field"), ("900004", "bad_field"), ("900005", "bad_field"),
        ("900006", "missing_field")]
    assert all(e.to_dict()["fatalities"]["best"] is not None for e in result.events)


def test_dataset_is_detected_from_the_header():
    assert detect_dataset(ACLED_HEADER.split(",")) == "acled"
    assert detect_dataset(["\ufeffID", "Date_Start", "best"]) == "ucdp-ged"
    assert detect_dataset(["a", "b"]) is None
    assert read_external(io.StringIO(UCDP_CSV)).dataset == "ucdp-ged"
    assert len(read_external(io.StringIO(ACLED_CSV)).events) == 3


@pytest.mark.parametrize("text, code", [
    ("", "missing_field"),
    ("name,value\nx,1\n", "unsupported_type"),
])
def test_unreadable_files_raise_with_a_code(text, code):
    with pytest.raises(InputError) as info:
        read_external(io.StringIO(text))
    assert info.value.code == code


def test_a_file_of_the_wrong_dataset_names_the_missing_columns():
    with pytest.raises(InputError) as info:
        read_acled(io.StringIO(UCDP_CSV))
    assert info.value.code == "missing_field" and "event_id_cnty" in info.value.message


def test_reading_streams():
    items = iter_events(io.StringIO(ACLED_CSV))
    first = next(items)
    assert isinstance(first, ExternalEvent) and first.external_id == "TST101"


# --------------------------------------------------------------------------
# our exports read back


def _incident(incident_id: str, day: str, lat: float | None, lon: float | None, killed: int,
              event_type: str = "air_strike", admin1: str = "Testgov") -> Incident:
    return Incident(
        incident_id=incident_id,
        document_ids=[f"doc-{incident_id}"],
        event_type=event_type,
        date=DateInfo(start=day, end=day, precision="day"),
        location=Location(name="Qaryat al-Test", admin1=admin1, country="SY", lat=lat, lon=lon,
                          precision="locality"),
        casualties=Casualties({"killed": Range(low=killed, best=killed, high=killed + 2)}),
        grade="weak",
    )


def test_our_acled_and_ucdp_exports_read_back():
    ours = [_incident("inc-1", "2021-03-04", 35.5, 36.25, 6),
            _incident("inc-2", "2021-03-09", None, None, 1, event_type="shelling")]
    for name, reader in (("acled-csv", read_acled), ("ucdp-csv", read_ucdp)):
        out = io.StringIO()
        export.write(name, ours, out)
        out.seek(0)
        result = reader(out)
        assert result.errors == [], name
        assert [e.external_id for e in result.events] == ["inc-1", "inc-2"]
        first = result.events[0]
        assert (first.lat, first.lon, first.country_code) == (35.5, 36.25, "SY")
        assert first.date_start == date(2021, 3, 4) and first.fatalities.best == 6
        assert compare(ours, result.events, days=0, km=1)[0]["status"] == "matched"
    acled_events = read_acled(io.StringIO(_export("acled-csv", ours))).events
    assert [e.event_type for e in acled_events] == ["air_strike", "shelling"]
    ucdp_events = read_ucdp(io.StringIO(_export("ucdp-csv", ours))).events
    assert ucdp_events[0].fatalities == Range(low=6, best=6, high=8)


def _export(name: str, incidents: list[Incident]) -> str:
    out = io.StringIO()
    export.write(name, incidents, out)
    return out.getvalue()


# --------------------------------------------------------------------------
# compare


def test_compare_pairs_by_date_and_distance():
    ours = [
        _incident("inc-near", "2021-03-05", 35.5, 36.25, 6),  # 1 day, ~2 km from 900001
        _incident("inc-far", "2021-03-04", 33.0, 44.0, 3),  # same day, far away
        _incident("inc-noloc", "2021-03-11", None, None, 2),  # no coordinates: admin1 fallback
    ]
    theirs = read_ucdp(io.StringIO(UCDP_CSV)).events
    rows = compare(ours, theirs, days=1, km=25)
    by_status = {(r["status"], r["incident_id"], r["external_id"]) for r in rows}
    assert ("matched", "inc-near", "900001") in by_status
    assert ("only_ours", "inc-far", None) in by_status
    assert ("matched", "inc-noloc", "900002") in by_status
    near = next(r for r in rows if r["incident_id"] == "inc-near")
    assert near["basis"] == "distance" and near["days_apart"] == 1 and near["km_apart"] < 5
    assert near["killed_difference"] == 0 and near["document_ids"] == ["doc-inc-near"]
    noloc = next(r for r in rows if r["incident_id"] == "inc-noloc")
    assert noloc["basis"] == "admin1" and noloc["km_apart"] is None
    assert noloc["killed_difference"] == 0

    strict = compare(ours, theirs, days=0, km=25)
    assert ("only_ours", "inc-near", None) in {
        (r["status"], r["incident_id"], r["external_id"]) for r in strict}


def test_compare_is_one_to_one_and_lists_what_each_side_misses():
    ours = [_incident("a", "2021-03-04", 35.5, 36.25, 6), _incident("b", "2021-03-04", 35.5, 36.25, 6)]
    theirs = [ExternalEvent(dataset="acled", external_id="X1", date_start=date(2021, 3, 4),
                            date_end=date(2021, 3, 4), lat=35.5, lon=36.25,
                            fatalities=Range.point(4)),
              ExternalEvent(dataset="acled", external_id="X2", date_start=date(2021, 6, 1),
                            date_end=date(2021, 6, 1), lat=35.5, lon=36.25)]
    rows = compare(ours, theirs)
    assert [(r["status"], r["incident_id"], r["external_id"]) for r in rows] == [
        ("matched", "a", "X1"), ("only_ours", "b", None), ("only_theirs", None, "X2")]
    assert rows[0]["killed_difference"] == 2


def test_an_unreadable_row_is_recorded_and_reading_goes_on():
    text = ("event_id_cnty,event_date,fatalities\n"
            "A1,2021-01-01," + "9" * 200_000 + "\n"  # beyond the csv module's field limit
            "A2,2021-01-02,3\n")
    result = read_acled(io.StringIO(text))
    assert [e.external_id for e in result.events] == ["A2"]
    assert [(e.line, e.code) for e in result.errors] == [(2, "bad_field")]

"""Exports: every format parses back, hostile text is neutralised, ids survive."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from strikewatch import export
from strikewatch.errors import UsageError
from strikewatch.export import acled, csvsafe, hxl, ucdp
from strikewatch.model import (
    Attribution,
    Casualties,
    DateInfo,
    Figure,
    Incident,
    Location,
    Range,
    Target,
)

HOSTILE = ['=HYPERLINK("http://example.invalid/x","click")', "@SUM(1)", "+1+1", "-2+3",
           "\tTAB", "\rCR", "'=already quoted"]


def _incident(**kw) -> Incident:
    """An invented incident: a strike on a clinic in a made-up town."""
    base = dict(
        incident_id="inc-test-1",
        document_ids=["doc-a", "feeds/site b.html"],
        event_type="air_strike",
        date=DateInfo(start="2021-03-04", end="2021-03-04", precision="day", text="on Thursday"),
        location=Location(name="Qaryat al-Test", admin1="Testgov", admin2="Testdist", country="SY",
                          lat=35.5, lon=36.25, precision="locality", text="Qaryat al-Test"),
        targets=[Target(type="health_facility", name="Test Field Clinic")],
        casualties=Casualties({"killed": Range(low=4, best=6, high=9),
                               "civilians_killed": Range(low=4, best=5, high=5),
                               "injured": Range.point(12)}),
        figures=[Figure(measure="killed", group="all", low=6, high=6, qualifier="exact",
                        source="Test Monitor", text="six were killed", span=(10, 25),
                        document_id="doc-a")],
        attribution=Attribution(actor="Russia", probability=0.8),
        grade="fair",
        sources=["Test Monitor", "Wire Agency"],
        updated="2021-03-05T10:00:00+00:00",
    )
    base.update(kw)
    return Incident(**base)


def _unlocated() -> Incident:
    return _incident(incident_id="inc-test-2", document_ids=["doc-c"], event_type="shelling",
                     location=Location(name="Somewhere", country="YE", precision="region"),
                     targets=[Target(type="market")], attribution=None, grade="weak",
                     casualties=Casualties(), updated=None,
                     date=DateInfo(start="2021-03-01", end="2021-03-07", precision="week"))


def _hostile() -> Incident:
    """Attacker-controlled text in every free-text field; a negative longitude."""
    return _incident(
        incident_id="inc-hostile",
        document_ids=[HOSTILE[0], "@doc"],
        location=Location(name=HOSTILE[1], admin1=HOSTILE[2], admin2=HOSTILE[3], country="US",
                          lat=-12.5, lon=-77.25, precision="exact", text=HOSTILE[4]),
        targets=[Target(type="school", name=HOSTILE[5])],
        sources=[HOSTILE[6], "-Agency"],
    )


def _write(name: str, incidents: list[Incident]) -> str:
    out = io.StringIO()
    assert export.write(name, incidents, out) == len(incidents)
    return out.getvalue()


def _cells(text: str) -> Iterator[str]:
    for row in csv.reader(io.StringIO(text)):
        yield from row


# --------------------------------------------------------------------------
# registry


def test_registry_names_and_versions():
    assert export.names() == ["acled-csv", "geojson", "hxl-csv", "incidents-jsonl", "ucdp-csv"]
    assert export.get("acled-csv") is export.get("acled-csv.v1")
    assert export.get("geojson").media_type == "application/geo+json"
    with pytest.raises(UsageError) as info:
        export.get("shapefile")
    assert info.value.code == "usage" and "acled-csv" in info.value.message


def test_a_plugin_registers_like_a_builtin():
    @export.register("test-count", version=2, media_type="text/plain", extension="txt",
                     description="test only")
    def write_count(incidents, out):
        n = sum(1 for _ in incidents)
        out.write(str(n))
        return n

    try:
        assert export.get("test-count").versioned_name == "test-count.v2"
        assert _write("test-count.v2", [_incident(), _unlocated()]) == "2"
    finally:
        export._registry.pop("test-count.v2")


def test_writers_stream_one_incident_at_a_time():
    """A generator is consumed once and lazily; nothing needs len() or a list."""
    seen: list[str] = []

    def gen():
        for inc in (_incident(), _unlocated()):
            seen.append(inc.incident_id)
            yield inc

    for name in export.names():
        seen.clear()
        out = io.StringIO()
        assert export.write(name, gen(), out) == 2
        assert seen == ["inc-test-1", "inc-test-2"]


# --------------------------------------------------------------------------
# csvsafe


@pytest.mark.parametrize("value", HOSTILE + ["＝1+1", "  =1+1", "\n=1"])
def test_hostile_cells_are_prefixed_and_reversible(value):
    cell = csvsafe.safe_cell(value)
    assert cell.startswith("'")
    assert csvsafe.unescape_cell(cell) == value


@pytest.mark.parametrize("value, expected", [
    (-77.25, "-77.25"), (-3, "-3"), ("-12.5", "-12.5"), (0.0, "0.0"), (None, ""),
    (True, "true"), ("Idlib", "Idlib"), ("a=b", "a=b"), (float("nan"), ""),
])
def test_numbers_and_plain_text_stay_as_they_are(value, expected):
    assert csvsafe.safe_cell(value) == expected


def test_no_export_cell_can_start_a_formula():
    for name in ("acled-csv", "ucdp-csv", "hxl-csv"):
        text = _write(name, [_hostile(), _incident()])
        cells = list(_cells(text))
        assert "-77.25" in cells and "-12.5" in cells, name  # numbers stay numbers
        for cell in cells:
            assert not csvsafe.is_dangerous(cell), (name, cell)
        assert "'+1+1" in cells, name  # hostile text kept, as text


# --------------------------------------------------------------------------
# incidents-jsonl


def test_jsonl_is_spec_section_4_and_round_trips():
    incidents = [_incident(), _unlocated(), _hostile()]
    lines = _write("incidents-jsonl", incidents).splitlines()
    assert len(lines) == 3
    for line, inc in zip(lines, incidents):
        d = json.loads(line)
        assert d == inc.to_dict()
        assert list(d)[:3] == ["incident_id", "format_version", "document_ids"]
        assert Incident.from_dict(d) == inc
    assert json.loads(lines[0])["document_ids"] == ["doc-a", "feeds/site b.html"]


# --------------------------------------------------------------------------
# ACLED


def test_acled_columns_and_values():
    rows = list(csv.DictReader(io.StringIO(_write("acled-csv", [_incident(), _unlocated()]))))
    assert tuple(rows[0]) == acled.FIELDNAMES
    a, b = rows
    assert a["event_id_cnty"] == "inc-test-1"
    assert (a["event_date"], a["year"], a["time_precision"]) == ("2021-03-04", "2021", "1")
    assert (a["disorder_type"], a["event_type"], a["sub_event_type"]) == (
        "Political violence", "Explosions/Remote violence", "Air/drone strike")
    assert a["actor1"] == "Russia" and a["inter1"] == "8"  # Russia outside Russia
    assert a["actor2"] == "Civilians (Syria)" and a["civilian_targeting"] == "Civilian targeting"
    assert (a["country"], a["admin1"], a["admin2"], a["location"]) == (
        "Syria", "Testgov", "Testdist", "Qaryat al-Test")
    assert (float(a["latitude"]), float(a["longitude"]), a["geo_precision"]) == (35.5, 36.25, "1")
    assert a["fatalities"] == "6" and a["source"] == "Test Monitor; Wire Agency"
    assert "document_ids=doc-a|feeds/site b.html" in a["tags"]
    assert "fatalities_low=4" in a["tags"] and "fatalities_high=9" in a["tags"]
    assert "doc-a" in a["notes"] and a["timestamp"] == "1614938400"
    # unknown stays empty: no fatalities figure is not zero fatalities
    assert b["fatalities"] == "" and b["actor1"] == "" and b["inter1"] == ""
    assert (b["time_precision"], b["geo_precision"], b["sub_event_type"]) == (
        "2", "3", "Shelling/artillery/missile attack")
    assert b["latitude"] == "" and b["country"] == "Yemen"


def test_acled_mapping_covers_our_event_types_and_is_documented():
    from strikewatch.vocab import EVENT_TYPES, LOCATION_PRECISIONS
    assert set(acled.EVENT_TYPES) | {"other"} == set(EVENT_TYPES)
    assert set(acled.GEO_PRECISION) == set(LOCATION_PRECISIONS)
    assert all(len(c) == 3 and all(c) for c in acled.COLUMNS)
    for ours, (_, sub) in acled.EVENT_TYPES.items():
        back = acled.SUB_EVENT_TYPES_BACK[sub.casefold()]
        assert back == ours or {ours, back} <= {"air_strike", "drone_strike", "shelling",
                                                "missile_strike"}


# --------------------------------------------------------------------------
# UCDP


def test_ucdp_low_best_high_and_death_split():
    rows = list(csv.DictReader(io.StringIO(_write("ucdp-csv", [_incident(), _unlocated()]))))
    assert tuple(rows[0]) == ucdp.FIELDNAMES
    a, b = rows
    assert (a["low"], a["best"], a["high"]) == ("4", "6", "9")
    assert (a["deaths_civilians"], a["deaths_unknown"]) == ("5", "1")
    assert (a["type_of_violence"], a["side_a"], a["side_b"]) == ("3", "Russia", "Civilians")
    assert a["source_article"] == "doc-a; feeds/site b.html" and a["number_of_sources"] == "2"
    assert (a["where_prec"], a["date_prec"], a["date_start"], a["date_end"]) == (
        "1", "1", "2021-03-04", "2021-03-04")
    assert (b["best"], b["type_of_violence"], b["where_prec"], b["date_prec"]) == ("", "", "4", "3")


# --------------------------------------------------------------------------
# GeoJSON


def test_geojson_feature_collection():
    doc = json.loads(_write("geojson", [_incident(), _unlocated(), _hostile()]))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 3
    located, unlocated, hostile = doc["features"]
    assert located["geometry"] == {"type": "Point", "coordinates": [36.25, 35.5]}  # lon, lat
    assert located["id"] == "inc-test-1"
    assert located["properties"] == _incident().to_dict()
    assert Incident.from_dict(located["properties"]) == _incident()
    assert unlocated["geometry"] is None and unlocated["properties"]["incident_id"] == "inc-test-2"
    assert hostile["geometry"]["coordinates"] == [-77.25, -12.5]


def test_geojson_empty_collection_is_valid():
    assert json.loads(_write("geojson", [])) == {"type": "FeatureCollection", "features": []}


# --------------------------------------------------------------------------
# HXL


def test_hxl_parses_and_validates_with_libhxl(tmp_path):
    hxl_lib = pytest.importorskip("hxl")
    path = tmp_path / "incidents.csv"
    path.write_text(_write("hxl-csv", [_incident(), _unlocated(), _hostile()]), encoding="utf-8")
    options = hxl_lib.InputOptions(allow_local=True)
    data = hxl_lib.data(str(path), options)
    assert [c.display_tag for c in data.columns] == list(hxl.HASHTAGS)
    rows = list(data)
    assert [r.get("#event+id") for r in rows] == ["inc-test-1", "inc-test-2", "inc-hostile"]
    first = rows[0]
    assert first.get("#affected+killed") == "6" and first.get("#org+perpetrator") == "Russia"
    assert first.get("#geo+lon") == "36.25" and first.get("#indicator+grade") == "fair"
    assert first.get("#meta+document+id") == "doc-a; feeds/site b.html"
    assert rows[2].get("#geo+lon") == "-77.25"
    assert rows[2].get("#loc+name") == "'@SUM(1)"
    # libhxl's default schema: hostile whitespace only warns; clean data is valid
    report = hxl_lib.validate(hxl_lib.data(str(path), options))
    assert [i for i in report["issues"] if i["severity"] == "error"] == []
    path.write_text(_write("hxl-csv", [_incident(), _unlocated()]), encoding="utf-8")
    report = hxl_lib.validate(hxl_lib.data(str(path), options))
    assert report["is_valid"], report["issues"]

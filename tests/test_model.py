"""The dataclasses speak exactly the JSON of spec/formats.md, losslessly."""

from __future__ import annotations

import copy
import json
from datetime import date, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strikewatch import vocab
from strikewatch.errors import InputError
from strikewatch.model import (
    ActorProbability,
    Attribution,
    Casualties,
    DateInfo,
    Document,
    ErrorInfo,
    Evidence,
    ExtractResult,
    Figure,
    Incident,
    Location,
    Perpetrator,
    Range,
    Report,
    Target,
    from_json,
    to_json,
    validate_incident,
    validate_report,
)

# The example REPORT of spec/formats.md §2, verbatim.
SPEC_REPORT = {
    "event_type": "air_strike",
    "weapons": ["barrel bomb"],
    "aircraft": ["Su-24"],
    "date": {"start": "2016-05-30", "end": "2016-05-31", "precision": "day",
             "text": "overnight"},
    "location": {"name": "Idlib", "admin1": "Idlib", "admin2": "Idlib",
                 "country": "SY", "lat": 35.93, "lon": 36.63,
                 "precision": "locality", "gazetteer_id": "wof:…", "text": "Idlib"},
    "targets": [{"type": "health_facility", "name": "Idlib National Hospital",
                 "protected": True}],
    "casualties": {
        "killed":            {"low": 23, "best": 23, "high": 50},
        "injured":           {"low": None, "best": None, "high": None},
        "civilians_killed":  {"low": 23, "best": 23, "high": 50},
        "children_killed":   {"low": 5, "best": 5, "high": 5},
    },
    "figures": [
        {"measure": "killed", "group": "civilians", "low": 23, "high": None,
         "qualifier": "at_least", "source": "Syrian Observatory for Human Rights",
         "text": "at least 23 civilians were killed", "span": [412, 445]},
        {"measure": "killed", "group": "all", "low": 50, "high": 50,
         "qualifier": "exact", "source": "aid groups",
         "text": "the toll reached 50", "span": [470, 489]},
    ],
    "perpetrators": [
        {"actor": "Russia", "role": "alleged", "by": "activists",
         "text": "Russian airstrikes", "span": [0, 18]},
        {"actor": "Russia", "role": "denied", "by": "Russian defence ministry",
         "text": "denied carrying out the strikes", "span": [901, 932]},
    ],
    "attribution": {"actor": "Russia", "probability": 0.86,
                    "alternatives": [{"actor": "Syrian government", "probability": 0.12}],
                    "evidence": [{"kind": "accusation", "text": "Russian airstrikes",
                                  "weight": 2.1}]},
    "sources": ["Syrian Observatory for Human Rights", "AFP", "White Helmets"],
    "confidence": 0.93,
}

# The example input line of spec §1 (ellipses filled in).
SPEC_DOCUMENT = {"id": "doc-17", "text": "Russian airstrikes hit Idlib overnight …",
                 "published": "2016-05-31", "title": "Hospital hit in Idlib",
                 "url": "https://example.org/idlib", "language": "en",
                 "source": "The New Arab"}


def spec_extract_line() -> dict:
    return {"id": "doc-17", "format_version": 1, "language": "en",
            "reports": [copy.deepcopy(SPEC_REPORT)], "errors": []}


def spec_incident() -> dict:
    r = copy.deepcopy(SPEC_REPORT)
    figures = [dict(f, document_id="doc-17") for f in r["figures"]]
    figures[1]["document_id"] = "doc-42"
    return {"incident_id": "inc-3f2a", "format_version": 1,
            "document_ids": ["doc-17", "doc-42"],
            "event_type": "air_strike", "date": r["date"], "location": r["location"],
            "targets": r["targets"], "casualties": r["casualties"], "figures": figures,
            "perpetrators": r["perpetrators"], "attribution": r["attribution"],
            "grade": "fair", "sources": r["sources"], "updated": "2026-01-05T10:00:00+00:00"}


# ---------------------------------------------------------------- spec examples


def test_spec_report_round_trips_exactly():
    report = Report.from_dict(SPEC_REPORT)
    assert report.to_dict() == SPEC_REPORT
    assert list(report.to_dict()) == list(SPEC_REPORT)  # spec key order
    assert from_json(Report, to_json(report)) == report
    assert json.loads(to_json(report)) == SPEC_REPORT


def test_spec_report_is_parsed_into_typed_objects():
    report = Report.from_dict(SPEC_REPORT)
    assert report.date == DateInfo(start="2016-05-30", end="2016-05-31", precision="day",
                                   text="overnight")
    assert report.location.lat == 35.93 and report.location.country == "SY"
    assert report.targets == [Target(type="health_facility", name="Idlib National Hospital")]
    assert report.targets[0].protected is True
    assert report.casualties.killed == Range(low=23, best=23, high=50)
    assert report.casualties.injured.is_unknown
    assert report.casualties.children_killed == Range.point(5)
    assert report.casualties.get("killed", "civilians") == Range(low=23, best=23, high=50)
    assert report.figures[0].span == (412, 445)
    assert report.figures[0].qualifier == "at_least" and report.figures[0].high is None
    assert report.perpetrators[1].role == "denied"
    assert report.attribution.alternatives == [
        ActorProbability(actor="Syrian government", probability=0.12)]
    assert report.attribution.evidence[0] == Evidence(kind="accusation",
                                                      text="Russian airstrikes", weight=2.1)
    assert validate_report(report) == []


def test_spec_extract_line_round_trips():
    line = spec_extract_line()
    result = ExtractResult.from_dict(line)
    assert result.to_dict() == line
    assert from_json(ExtractResult, to_json(result)) == result
    assert to_json(result).startswith('{"id":"doc-17","format_version":1,"language":"en",')


def test_spec_incident_round_trips():
    d = spec_incident()
    incident = Incident.from_dict(d)
    assert incident.to_dict() == d
    assert list(incident.to_dict()) == list(d)
    assert [f.document_id for f in incident.figures] == ["doc-17", "doc-42"]
    assert from_json(Incident, to_json(incident)) == incident
    assert validate_incident(incident) == []


@pytest.mark.parametrize("published", [
    "2016-05-31", "2016-05-31T22:10:00", "2016-05-31T22:10:00+03:00",
    "2016-05-31T19:10:00Z", "2016-05-31 22:10",
])
def test_document_accepts_spec_line_and_keeps_published_as_given(published):
    d = dict(SPEC_DOCUMENT, published=published)
    doc = Document.from_dict(d)
    assert doc.published == published
    assert doc.to_dict() == d
    assert from_json(Document, json.dumps(d)) == doc


def test_document_html_and_unknown_fields_are_kept():
    d = {"id": "a/b.html", "text": "<p>قصف على حلب</p>", "format": "html",
         "tags": ["x"], "meta": {"b": 1, "a": [None, 2.5]}}
    doc = Document.from_dict(d)
    assert doc.is_html
    assert doc.extra == {"tags": ["x"], "meta": {"a": [None, 2.5], "b": 1}}
    assert doc.to_dict() == d
    assert Document(id="x", text="y").to_dict() == {"id": "x", "text": "y"}
    assert not Document(id="x", text="y").is_html


def test_document_empty_published_counts_as_absent():
    assert Document.from_dict({"id": "x", "text": "y", "published": " "}).published is None


# ---------------------------------------------------------------- every class


CLASS_EXAMPLES = [
    (DateInfo, {"start": "2016-05-30", "end": None, "precision": "week", "text": "last week"}),
    (Location, {"name": "حلب", "admin1": None, "admin2": None, "country": "SY", "lat": 36,
                "lon": 37.16, "precision": "locality", "gazetteer_id": None, "text": "Aleppo"}),
    (Target, {"type": "bakery", "name": None, "protected": False}),
    (Target, {"type": "future_label", "name": "x", "protected": True}),  # newer label kept
    (Range, {"low": 0, "best": 0, "high": 3}),
    (Casualties, {"killed": {"low": 1, "best": 2, "high": 3},
                  "injured": {"low": None, "best": None, "high": None},
                  "civilians_killed": {"low": None, "best": None, "high": None},
                  "children_killed": {"low": None, "best": None, "high": None},
                  "missing": {"low": 4, "best": 4, "high": None},
                  "women_killed": {"low": 1, "best": 1, "high": 1}}),
    (Figure, {"measure": "killed", "group": "all", "low": 24, "high": None,
              "qualifier": "vague", "source": None, "text": "dozens", "span": None}),
    (Figure, {"measure": "injured", "group": "children", "low": 3, "high": 7,
              "qualifier": "range", "source": "WHO", "text": "3 to 7", "span": [5, 11],
              "document_id": "doc-1"}),
    (Perpetrator, {"actor": "Islamic State", "role": "claimed", "by": "Amaq",
                   "text": "claimed responsibility", "span": [0, 22]}),
    (Evidence, {"kind": "aircraft_type", "text": "Su-24", "weight": -0.5,
                "span": [3, 8], "document_id": "doc-2"}),
    (ActorProbability, {"actor": "Turkey", "probability": 0}),
    (Attribution, {"actor": "unknown", "probability": None, "alternatives": [],
                   "evidence": []}),
    (ErrorInfo, {"code": "empty_text", "message": "no text after HTML reduction"}),
    (ExtractResult, {"id": None, "format_version": 1, "language": None, "reports": [],
                     "errors": [{"code": "missing_field", "message": "id: required"}]}),
    (Document, SPEC_DOCUMENT),
]


@pytest.mark.parametrize(("cls", "d"), CLASS_EXAMPLES,
                         ids=[f"{c.__name__}-{i}" for i, (c, _) in enumerate(CLASS_EXAMPLES)])
def test_every_class_round_trips(cls, d):
    obj = cls.from_dict(d)
    assert obj.to_dict() == d
    assert cls.from_dict(obj.to_dict()) == obj
    assert from_json(cls, to_json(obj)) == obj
    assert json.loads(to_json(obj)) == d


@pytest.mark.parametrize(("cls", "d"), [(c, d) for c, d in CLASS_EXAMPLES if c is not Casualties])
def test_unknown_keys_survive_at_every_level(cls, d):
    added = {"x_new_field": {"nested": ["ok", 1]}, "z_note": "ملاحظة"}
    d = dict(d, **added)
    obj = cls.from_dict(d)
    assert added.items() <= obj.extra.items()
    assert obj.to_dict() == d
    assert from_json(cls, to_json(obj)) == obj


def test_unknown_keys_survive_deep_inside_a_report():
    d = copy.deepcopy(SPEC_REPORT)
    d["verified_by"] = "analyst"
    d["date"]["calendar"] = "gregorian"
    d["location"]["osm_id"] = 42
    d["targets"][0]["who_ssa_id"] = "SSA-1"
    d["casualties"]["killed"]["method"] = "ucdp"
    d["casualties"]["medical_staff_killed"] = {"low": 2, "best": 2, "high": 2}
    d["figures"][0]["lang"] = "ar"
    d["perpetrators"][0]["confidence"] = 0.5
    d["attribution"]["model"] = "v3"
    d["attribution"]["alternatives"][0]["note"] = None
    d["attribution"]["evidence"][0]["span"] = [0, 18]
    assert Report.from_dict(d).to_dict() == d
    line = {"id": "doc-9", "format_version": 1, "language": "ar", "reports": [d],
            "errors": [], "pipeline": "strikewatch.extract.v1"}
    assert ExtractResult.from_dict(line).to_dict() == line


def test_extra_cannot_shadow_spec_fields():
    t = Target(type="school", name="A", extra={"name": "B", "other": 1})
    assert t.to_dict() == {"type": "school", "name": "A", "protected": True, "other": 1}


# ---------------------------------------------------------------- normalisations


def test_defaults_and_normalisations():
    assert Target(type="school").protected is True
    assert Target(type="market").protected is False
    assert Target.from_dict({"type": "camp"}).to_dict() == {
        "type": "camp", "name": None, "protected": True}
    r = Report.from_dict({"date": None, "location": None, "casualties": None, "weapons": None})
    assert r == Report()
    d = r.to_dict()
    assert d["date"] == {"start": None, "end": None, "precision": None, "text": None}
    assert d["location"]["lat"] is None and d["attribution"] is None
    assert list(d["casualties"]) == list(vocab.CASUALTY_KEYS)
    assert all(v == {"low": None, "best": None, "high": None} for v in d["casualties"].values())
    assert Casualties.from_dict({"killed": {"low": 1}}).killed == Range(low=1)
    assert ExtractResult.from_dict({"id": "x"}).format_version == vocab.FORMAT_VERSION
    assert Incident(incident_id="i").to_dict()["format_version"] == 1


def test_casualties_order_and_setters():
    c = Casualties({"women_killed": Range.point(1), "children_killed": Range.point(2)})
    assert list(c.to_dict()) == [*vocab.CASUALTY_KEYS, "women_killed"]
    c.injured = Range(low=3, best=3)
    assert c.get("injured") == Range(low=3, best=3)
    assert c.get("missing", "children").is_unknown


def test_figure_document_id_only_when_set():
    assert "document_id" not in Figure(measure="killed").to_dict()
    assert Figure(measure="killed", document_id="d").to_dict()["document_id"] == "d"
    assert Figure(measure="killed", span=(1, 2)).to_dict()["span"] == [1, 2]


def test_extract_failure_line():
    exc = InputError("text: required field is missing", code="missing_field")
    line = ExtractResult.failure("doc-3", exc).to_dict()
    assert line == {"id": "doc-3", "format_version": 1, "language": None, "reports": [],
                    "errors": [{"code": "missing_field",
                                "message": "text: required field is missing"}]}


# ---------------------------------------------------------------- JSON text


def test_to_json_compact_unicode_and_ordered():
    doc = Document(id="d", text="غارة جوية على إدلب", extra={"b": 1, "a": {"y": 1, "x": 2}})
    s = to_json(doc)
    assert s == '{"id":"d","text":"غارة جوية على إدلب","a":{"x":2,"y":1},"b":1}'
    assert "\n" not in s and ", " not in s


def test_to_json_is_stable_for_equal_objects():
    a = Document(id="d", text="t", extra={"b": 1, "a": {"y": [1], "x": None}})
    b = Document(id="d", text="t", extra={"a": {"x": None, "y": [1]}, "b": 1})
    assert a == b and to_json(a) == to_json(b)


def test_to_json_refuses_non_finite_numbers():
    with pytest.raises(ValueError):
        to_json(Evidence(kind="k", weight=float("nan")))


@pytest.mark.parametrize("text", ["{", "[1, 2]", '"x"', '{"id": "a", "text": NaN}',
                                  b"\xff\xfe\x00", "[" * 100_000])
def test_from_json_bad_json(text):
    with pytest.raises(InputError) as err:
        from_json(Document, text)
    assert err.value.code == "bad_json"


def test_from_json_accepts_bytes():
    assert from_json(Document, '{"id":"a","text":"ب"}'.encode()) == Document(id="a", text="ب")


# ---------------------------------------------------------------- errors


def _raises(cls, d, code, where):
    with pytest.raises(InputError) as err:
        cls.from_dict(d)
    assert err.value.code == code, err.value.message
    assert err.value.message.startswith(where + ":"), err.value.message
    return err.value


@pytest.mark.parametrize("d", [
    {"id": "a"}, {"id": "a", "text": None}, {"id": "a", "text": ""},
])
def test_document_without_text(d):
    _raises(Document, d, "missing_field", "text")


@pytest.mark.parametrize("d", [{"text": "t"}, {"id": "", "text": "t"}, {"id": None, "text": "t"}])
def test_document_without_id(d):
    _raises(Document, d, "missing_field", "id")


@pytest.mark.parametrize(("d", "where"), [
    ({"id": 17, "text": "t"}, "id"),
    ({"id": "a", "text": ["t"]}, "text"),
    ({"id": "a", "text": "t", "published": "yesterday"}, "published"),
    ({"id": "a", "text": "t", "published": 20160531}, "published"),
    ({"id": "a", "text": "t", "title": 3}, "title"),
    ({"id": "a", "text": "bad \ud800 surrogate"}, "text"),
    ({"id": "a", "text": "t", "x": float("inf")}, "x"),
    ({"id": "a", "text": "t", "x": object()}, "x"),
])
def test_document_bad_fields(d, where):
    _raises(Document, d, "bad_field", where)


def test_not_an_object():
    _raises(Document, ["id", "text"], "bad_field", "value")
    _raises(Report, {"date": "2016-05-30"}, "bad_field", "date")


@pytest.mark.parametrize(("cls", "d", "where"), [
    (Range, {"low": -1}, "low"),
    (Range, {"best": 2.0}, "best"),
    (Range, {"high": True}, "high"),
    (Range, {"high": "5"}, "high"),
    (Figure, {"measure": "killed", "low": -23}, "low"),
    (Report, {"casualties": {"killed": {"low": 1, "best": -1}}}, "casualties.killed.best"),
    (Incident, {"incident_id": "i", "figures": [{"measure": "killed"},
                                                {"measure": "killed", "high": -5}]},
     "figures[1].high"),
])
def test_negative_or_non_integer_counts(cls, d, where):
    _raises(cls, d, "bad_field", where)


@pytest.mark.parametrize("span", [[1], [1, 2, 3], [1, "2"], [1.0, 2], [True, 2], "0,5",
                                  5, {"start": 0}, [-1, 3], [5, 2]])
def test_span_must_be_two_ordered_non_negative_ints(span):
    _raises(Figure, {"measure": "killed", "span": span}, "bad_field", "span")
    _raises(Report, {"perpetrators": [{"actor": "Russia", "span": span}]},
            "bad_field", "perpetrators[0].span")


@pytest.mark.parametrize(("cls", "d", "code", "where"), [
    (Figure, {"group": "all"}, "missing_field", "measure"),
    (Target, {"name": "x"}, "missing_field", "type"),
    (Target, {"type": "school", "protected": "True"}, "bad_field", "protected"),
    (Perpetrator, {"role": "alleged"}, "missing_field", "actor"),
    (Evidence, {"text": "x"}, "missing_field", "kind"),
    (Evidence, {"kind": "k", "weight": "2"}, "bad_field", "weight"),
    (Attribution, {"actor": "Russia", "probability": 1.5}, "bad_field", "probability"),
    (Attribution, {"actor": "Russia", "alternatives": [{"actor": "Iran", "probability": -0.1}]},
     "bad_field", "alternatives[0].probability"),
    (Attribution, {"actor": "Russia", "evidence": {"kind": "x"}}, "bad_field", "evidence"),
    (Report, {"confidence": 2}, "bad_field", "confidence"),
    (Report, {"weapons": "barrel bomb"}, "bad_field", "weapons"),
    (Report, {"sources": ["AFP", None]}, "bad_field", "sources[1]"),
    (Report, {"date": {"start": "30 May 2016"}}, "bad_field", "date.start"),
    (Report, {"date": {"end": "2016-05-31T00:00"}}, "bad_field", "date.end"),
    (Report, {"location": {"lat": 91}}, "bad_field", "location.lat"),
    (Report, {"location": {"lon": "36.6"}}, "bad_field", "location.lon"),
    (Report, {"casualties": {"killed": 5}}, "bad_field", "casualties.killed"),
    (Report, {"targets": [{"type": "school"}, "market"]}, "bad_field", "targets[1]"),
    (ExtractResult, {"id": "a", "format_version": 2}, "bad_field", "format_version"),
    (ExtractResult, {"id": "a", "format_version": "1"}, "bad_field", "format_version"),
    (ExtractResult, {"id": "a", "errors": [{"message": "m"}]}, "missing_field", "errors[0].code"),
    (ExtractResult, {"id": "a", "reports": [{"figures": [{"measure": "killed", "span": [3]}]}]},
     "bad_field", "reports[0].figures[0].span"),
    (Incident, {"document_ids": []}, "missing_field", "incident_id"),
    (Incident, {"incident_id": "i", "updated": "soon"}, "bad_field", "updated"),
    (Incident, {"incident_id": "i", "document_ids": [1]}, "bad_field", "document_ids[0]"),
])
def test_field_errors(cls, d, code, where):
    _raises(cls, d, code, where)


def test_extra_nesting_is_capped():
    deep: object = 1
    for _ in range(200):
        deep = [deep]
    _raises(Document, {"id": "a", "text": "t", "deep": deep}, "bad_field", "deep")


def test_unknown_vocabulary_is_accepted_but_reported():
    d = copy.deepcopy(SPEC_REPORT)
    d["event_type"] = "bombardment"
    d["targets"][0]["type"] = "hospital"
    d["location"]["precision"] = "street"
    d["location"]["country"] = "Syria"
    d["date"]["precision"] = "hour"
    d["figures"][0]["qualifier"] = "at least"
    d["figures"][1]["group"] = "people"
    d["perpetrators"][0]["role"] = "accused"
    d["attribution"]["actor"] = "Wagner"
    d["casualties"]["soldiers_killed"] = {"low": 1, "best": 1, "high": 1}
    report = Report.from_dict(d)  # no error: other tools may send newer labels
    assert report.to_dict() == d
    problems = validate_report(report)
    for where in ["event_type", "targets[0].type", "location.precision", "location.country",
                  "date.precision", "figures[0].qualifier", "figures[1].group",
                  "perpetrators[0].role", "attribution.actor", "casualties.soldiers_killed"]:
        assert any(p.startswith(where + ":") for p in problems), (where, problems)
    assert len(problems) == 10
    assert validate_report(report, actors=[*vocab.ACTORS, "Wagner"]) != problems


def test_validate_report_consistency():
    report = Report(
        event_type="shelling",
        date=DateInfo(start="2020-02-03", end="2020-02-01"),
        location=Location(lat=1.0),
        targets=[Target(type="school", protected=False)],
        casualties=Casualties({"killed": Range(low=10, best=5, high=7),
                               "injured": Range(low=3)}),
        figures=[Figure(measure="killed", group="all", qualifier="range", low=9, high=2),
                 Figure(measure="dead", group=None, qualifier=None)],
        perpetrators=[Perpetrator(actor="Turkey")],
        attribution=Attribution(actor="Turkey", probability=0.8,
                                alternatives=[ActorProbability(actor="SDF", probability=0.5)]),
    )
    problems = validate_report(report)
    expected = ["date:", "location:", "targets[0].protected:", "casualties.killed:",
                "casualties.injured:", "figures[0]:", "figures[1].measure:",
                "figures[1].group:", "figures[1].qualifier:", "perpetrators[0].role:",
                "attribution:"]
    for where in expected:
        assert any(p.startswith(where) for p in problems), (where, problems)
    assert len(problems) == len(expected)


def test_validate_incident_grade():
    d = spec_incident()
    assert validate_incident(Incident.from_dict(dict(d, grade="probable"))) == [
        "grade: 'probable' is not a canonical grade"]
    assert validate_incident(Incident.from_dict(dict(d, grade=None))) == ["grade: missing grade"]


# ---------------------------------------------------------------- properties

ARABIC = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
                 min_size=1, max_size=20)
TEXTS = st.one_of(
    st.text(max_size=20),
    ARABIC,
    st.sampled_from(["غارة جوية روسية على مستشفى إدلب الوطني", "قتل 23 مدنيا", "Idlib",
                     "«مقتل ٢٣ مدنياً»", "e\u0301\u200f\u200d🚑"]),
)
NAMES = st.none() | TEXTS
COUNTS = st.none() | st.integers(min_value=0, max_value=10**9)
PROBS = st.none() | st.floats(min_value=0, max_value=1)
SPANS = st.none() | st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)).map(
    lambda t: (min(t), max(t)))
ISO_DATES = st.dates().map(date.isoformat)
ISO_DATETIMES = st.one_of(
    ISO_DATES,
    st.datetimes(timezones=st.none() | st.just(timezone.utc)).map(lambda d: d.isoformat()),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | TEXTS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXTS, inner, max_size=3),
    max_leaves=6,
)


def labels(canonical):
    """Canonical labels mostly, but also unknown ones (newer tools' labels)."""
    return st.sampled_from(canonical) | TEXTS.filter(bool)


def extras(cls):
    keys = TEXTS.filter(lambda k: k not in cls.KEYS)
    return st.dictionaries(keys, JSON_VALUES, max_size=2)


DATES = st.builds(DateInfo, start=st.none() | ISO_DATES, end=st.none() | ISO_DATES,
                  precision=st.none() | labels(vocab.DATE_PRECISIONS), text=NAMES,
                  extra=extras(DateInfo))
LOCATIONS = st.builds(
    Location, name=NAMES, admin1=NAMES, admin2=NAMES, country=st.none() | TEXTS,
    lat=st.none() | st.floats(-90, 90), lon=st.none() | st.floats(-180, 180),
    precision=st.none() | labels(vocab.LOCATION_PRECISIONS), gazetteer_id=NAMES, text=NAMES,
    extra=extras(Location))
TARGETS = st.builds(Target, type=labels(vocab.TARGET_TYPES), name=NAMES,
                    protected=st.none() | st.booleans(), extra=extras(Target))
RANGES = st.builds(Range, low=COUNTS, best=COUNTS, high=COUNTS, extra=extras(Range))
CASUALTIES = st.dictionaries(
    st.sampled_from([*vocab.CASUALTY_KEYS, "missing", "women_killed"]) | TEXTS, RANGES,
    max_size=5).map(Casualties)
PERPETRATORS = st.builds(Perpetrator, actor=labels(vocab.ACTORS),
                         role=st.none() | labels(vocab.PERPETRATOR_ROLES), by=NAMES, text=NAMES,
                         span=SPANS, extra=extras(Perpetrator))
EVIDENCE = st.builds(Evidence, kind=TEXTS.filter(bool), text=NAMES,
                     weight=st.none() | st.floats(allow_nan=False, allow_infinity=False),
                     extra=extras(Evidence))
ATTRIBUTIONS = st.builds(
    Attribution, actor=labels(vocab.ACTORS), probability=PROBS,
    alternatives=st.lists(st.builds(ActorProbability, actor=labels(vocab.ACTORS),
                                    probability=PROBS, extra=extras(ActorProbability)),
                          max_size=3),
    evidence=st.lists(EVIDENCE, max_size=3), extra=extras(Attribution))


def figures(document_id):
    return st.builds(Figure, measure=labels(vocab.FIGURE_MEASURES),
                     group=st.none() | labels(vocab.FIGURE_GROUPS), low=COUNTS, high=COUNTS,
                     qualifier=st.none() | labels(vocab.FIGURE_QUALIFIERS), source=NAMES,
                     text=NAMES, span=SPANS, document_id=document_id, extra=extras(Figure))


REPORTS = st.builds(
    Report, event_type=st.none() | labels(vocab.EVENT_TYPES),
    weapons=st.lists(TEXTS, max_size=3), aircraft=st.lists(TEXTS, max_size=2), date=DATES,
    location=LOCATIONS, targets=st.lists(TARGETS, max_size=3), casualties=CASUALTIES,
    figures=st.lists(figures(st.none() | TEXTS), max_size=4),
    perpetrators=st.lists(PERPETRATORS, max_size=3), attribution=st.none() | ATTRIBUTIONS,
    sources=st.lists(TEXTS, max_size=3), confidence=PROBS, extra=extras(Report))
INCIDENTS = st.builds(
    Incident, incident_id=TEXTS.filter(bool), document_ids=st.lists(TEXTS, max_size=3),
    event_type=st.none() | labels(vocab.EVENT_TYPES), date=DATES, location=LOCATIONS,
    targets=st.lists(TARGETS, max_size=3), casualties=CASUALTIES,
    figures=st.lists(figures(TEXTS), max_size=4), perpetrators=st.lists(PERPETRATORS, max_size=3),
    attribution=st.none() | ATTRIBUTIONS, grade=st.none() | labels(vocab.GRADES),
    sources=st.lists(TEXTS, max_size=3), updated=st.none() | ISO_DATETIMES,
    extra=extras(Incident))
DOCUMENTS = st.builds(
    Document, id=TEXTS.filter(bool), text=TEXTS.filter(bool),
    published=st.none() | ISO_DATETIMES, title=NAMES, url=NAMES, language=NAMES, source=NAMES,
    format=st.sampled_from([None, "html", "text"]), extra=extras(Document))
RESULTS = st.builds(
    ExtractResult, id=st.none() | TEXTS, language=NAMES, reports=st.lists(REPORTS, max_size=2),
    errors=st.lists(st.builds(ErrorInfo, code=st.sampled_from(["bad_field", "too_large"]),
                              message=TEXTS, extra=extras(ErrorInfo)), max_size=2),
    extra=extras(ExtractResult))

PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_round_trips(obj):
    cls = type(obj)
    d = obj.to_dict()
    assert cls.from_dict(d) == obj
    assert cls.from_dict(d).to_dict() == d
    s = to_json(obj)
    assert from_json(cls, s) == obj
    assert json.loads(s) == d
    assert to_json(from_json(cls, s)) == s  # the text itself is stable


@PROPERTY
@given(REPORTS)
def test_reports_round_trip(report):
    assert_round_trips(report)
    validate_report(report)  # never raises, whatever the labels


@PROPERTY
@given(INCIDENTS)
def test_incidents_round_trip(incident):
    assert_round_trips(incident)
    validate_incident(incident)


@PROPERTY
@given(DOCUMENTS)
def test_documents_round_trip(doc):
    assert_round_trips(doc)


@PROPERTY
@given(RESULTS)
def test_extract_results_round_trip(result):
    assert_round_trips(result)


@PROPERTY
@given(REPORTS, st.data())
def test_extract_line_survives_arbitrary_extra_keys(report, data):
    d = report.to_dict()
    key = data.draw(TEXTS.filter(lambda k: k not in Report.KEYS))
    value = data.draw(JSON_VALUES)
    d[key] = value
    assert Report.from_dict(d).to_dict() == d

"""Sightings: parsing (English, Arabic, CSV, JSON), pseudonymised storage,
the CLI, and sightings as flight evidence for an incident's attribution."""

from __future__ import annotations

import json
import sqlite3

import pytest

from strikewatch.ingest.sightings import (
    parse_sightings_csv,
    parse_sightings_json,
    parse_spotter_file,
    parse_spotter_post,
)
from strikewatch.store import NewDocument, Store

from .conftest import SAMPLES

# -- parsing --------------------------------------------------------------------


def one(text: str, **kw):
    found = parse_spotter_post(text, **kw)
    assert len(found) == 1, found
    return found[0]


def test_english_post_with_count_base_heading_and_time():
    s = one("Su-24 x2 took off Hmeimim heading NE 14:05", published="2019-07-22T14:20+03:00")
    assert (s.aircraft, s.count, s.origin, s.heading) == ("Su-24", 2, "Hmeimim", "NE")
    assert s.time == "2019-07-22T14:05+03:00"
    assert s.language == "en" and s.span == (0, 42)


def test_english_count_before_and_destination():
    s = one("2 MiG-23 from Hama airbase towards Idlib countryside")
    assert (s.aircraft, s.count, s.origin) == ("MiG-23", 2, "Hama")
    assert s.destination == "Idlib countryside" and s.destination_admin1 == "Idlib"
    assert s.time is None  # no time written and no published time


def test_a_time_after_the_post_is_the_day_before():
    s = one("Su-34 pair off Hmeimim heading E 23:50", published="2019-07-23T00:05+03:00")
    assert s.count == 2 and s.time == "2019-07-22T23:50+03:00"


def test_arabic_post_russian_warplane_to_southern_idlib():
    text = "حربي روسي من حميميم باتجاه ريف إدلب الجنوبي"
    s = one(text, published="2019-07-22T10:08+03:00", observer="someone")
    assert (s.aircraft, s.aircraft_kind, s.count, s.origin) == ("warplane", "fixed_wing", 1, "Hmeimim")
    assert s.destination == "ريف إدلب الجنوبي" and s.destination_admin1 == "Idlib"
    assert s.heading is None  # "الجنوبي" belongs to the place, it is not a heading
    assert s.operator_said == "Russia" and s.language == "ar"
    assert s.time == "2019-07-22T10:08+03:00"  # no time written: the post's
    assert s.text == text


def test_arabic_dual_helicopters_from_hama_military_airport():
    s = one("مروحيتان من مطار حماة العسكري")
    assert (s.aircraft, s.count, s.origin) == ("helicopter", 2, "Hama")


def test_arabic_heading_words_and_altitude_and_digits():
    s = one("مروحية من مطار حماة باتجاه الشمال الغربي على علو منخفض الساعة ٠٢:٤٠", published="2019-05-05T02:50+03:00")
    assert (s.heading, s.altitude, s.time) == ("NW", "low", "2019-05-05T02:40+03:00")
    s = one("طائرتان حربيتان روسيتان (سوخوي 24) أقلعتا من قاعدة حميميم باتجاه ريف إدلب الجنوبي")
    assert (s.aircraft, s.count, s.origin) == ("Su-24", 2, "Hmeimim")


def test_two_sightings_in_one_post_and_nothing_from_a_post_without_aircraft():
    found = parse_spotter_post("MiG-23 (regime) circling over Ariha 00:10, 2 raids reported. "
                               "Second MiG took off from Shayrat heading NW.", published="2020-01-15T00:14+02:00")
    assert [(s.aircraft, s.count) for s in found] == [("MiG-23", 1), ("MiG", 1)]
    assert found[0].place == "Ariha" and found[0].operator_said == "Syrian government"
    assert (found[1].origin, found[1].heading) == ("Shayrat", "NW")
    assert parse_spotter_post("Stay away from markets in Kafranbel today.") == []


def test_a_city_named_like_a_base_is_a_destination_not_an_origin():
    s = one("helicopter heading towards Hama")
    assert s.origin is None and s.destination == "Hama"


def test_spotter_file_headers_give_time_and_observer_and_stay_out_of_the_text():
    text = ("[2019-07-22T10:06+03:00] Sky Watch NW\nSu-24 x2 took off Hmeimim heading NE 10:05.\n\n"
            "[not a time] Other\nمروحيتان من مطار حماة العسكري\n")
    got = parse_spotter_file(text)
    assert [s.aircraft for s in got.sightings] == ["Su-24", "helicopter"]
    first = got.sightings[0]
    assert first.observer == "Sky Watch NW" and first.time == "2019-07-22T10:05+03:00"
    assert "Sky Watch" not in first.text and text[first.span[0]:first.span[1]] == first.text
    assert [(e.code, e.line) for e in got.errors] == [("bad_field", 4)]


def test_csv_rows_and_bad_rows_with_stable_codes():
    text = ("time,lat,lon,aircraft,count,heading,origin,observer\n"
            "2019-07-22T10:00+03:00,35.6,36.6,Su-34,2,ENE,Hmeimim,Alice Example\n"
            ",35.6,36.6,Su-34,2,ENE,Hmeimim,Alice Example\n"
            "2019-07-22T10:00,95,36.6,Su-34,2,ENE,Hmeimim,Alice Example\n"
            "2019-07-22T10:00,35.6,36.6,Su-34,two,ENE,Hmeimim,Alice Example\n"
            "2019-07-22T10:00,35.6,36.6,Su-34,2,sideways,Hmeimim,Alice Example\n"
            "2019-07-22T10:00,35.6,36.6,,2,N,,Alice Example\n")
    got = parse_sightings_csv(text)
    assert len(got.sightings) == 1
    s = got.sightings[0]
    assert (s.aircraft, s.count, s.heading, s.origin, s.lat, s.observer) == ("Su-34", 2, "ENE", "Hmeimim", 35.6, "Alice Example")
    assert text[s.span[0]:s.span[1]].startswith("2019-07-22T10:00+03:00,35.6")
    assert [(e.code, e.line) for e in got.errors] == [
        ("missing_field", 3), ("bad_field", 4), ("bad_field", 5), ("bad_field", 6), ("missing_field", 7)]
    assert all("Alice" not in e.message for e in got.errors)


def test_json_rows_date_and_time_apart_and_degrees():
    got = parse_sightings_json({"sightings": [
        {"date": "2019-07-24", "time": "21:50", "aircraft": "مروحيتان", "origin": "مطار حماة العسكري"},
        {"time": "2019-07-24T06:40+03:00", "aircraft": "Su-34", "heading": 75},
        "not an object",
        {"time": "2019-07-24T06:40+03:00", "aircraft": "Su-34", "heading": 400}]})
    a, b = got.sightings
    assert (a.time, a.aircraft, a.count, a.origin) == ("2019-07-24T21:50", "helicopter", 2, "Hama")
    assert b.heading == "75"
    assert [(e.code, e.line) for e in got.errors] == [("bad_json", 3), ("bad_field", 4)]
    assert parse_sightings_json(3).errors[0].code == "bad_json"


def test_the_samples_parse_without_errors():
    from strikewatch.ingest.sightings import parse_sightings

    total = 0
    for name, kind in (("observers-2019-07.csv", "csv"), ("network-feed-2019-07.json", "json"),
                       ("spotter-posts.txt", "text")):
        got = parse_sightings((SAMPLES / "sightings" / name).read_bytes(), kind)
        assert not got.errors, name
        total += len(got.sightings)
        assert {s.language for s in got.sightings} >= ({"en", "ar"} if kind != "json" else {"en"})
    assert total >= 12


# -- storage and pseudonyms ----------------------------------------------------------


def store_posts(store: Store, text: str, **kw) -> list:
    from strikewatch.jobs import import_sightings

    found, errors, _ = import_sightings(store, text.encode("utf-8"), "text", **kw)
    assert not errors
    return found


def test_observers_are_pseudonymised_per_database(tmp_path):
    posts = "Su-24 x2 took off Hmeimim heading NE 14:05\n\nمروحيتان من مطار حماة العسكري 14:30\n"
    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        store_posts(a, posts, observer="Abu Example", published="2019-07-22T14:40+03:00")
        store_posts(b, posts, observer="Abu Example", published="2019-07-22T14:40+03:00")
        rows_a, rows_b = a.list_sightings(), b.list_sightings()
        assert len(rows_a) == 2 and len({r["observer"] for r in rows_a}) == 1  # same observer, same pseudonym
        assert rows_a[0]["observer"].startswith("obs-")
        assert a.pseudonymise("  @abu   EXAMPLE ") == rows_a[0]["observer"]
        assert a.pseudonymise("Someone Else") != rows_a[0]["observer"]
        assert rows_a[0]["observer"] != rows_b[0]["observer"]  # another database, another key
        assert a.verify().ok and b.verify().ok
    con = sqlite3.connect(tmp_path / "a.db")
    dump = "\n".join(str(r) for r in con.execute("SELECT * FROM sightings"))
    audit = "\n".join(str(r) for r in con.execute("SELECT * FROM audit_log"))
    assert "Abu" not in dump and "abu" not in dump and "Abu" not in audit


def test_sightings_between_window_box_and_radius(tmp_path):
    text = ("time,lat,lon,aircraft,observer\n"
            "2019-07-22T09:00+03:00,35.64,36.67,Su-34,x\n"
            "2019-07-22T12:00+03:00,35.64,36.67,Su-34,x\n"
            "2019-07-22T09:30+03:00,36.20,37.10,Su-34,x\n"
            "2019-07-22T09:40+03:00,,,Su-34,x\n")
    from strikewatch.jobs import import_sightings

    with Store(tmp_path / "s.db") as store:
        import_sightings(store, text.encode(), "csv")
        got = store.sightings_between("2019-07-22T08:30+03:00", "2019-07-22T10:00+03:00")
        assert len(got) == 3
        near = store.sightings_between("2019-07-22T08:30+03:00", "2019-07-22T10:00+03:00", near=(35.65, 36.68),
                                       radius_km=10)
        assert [r["time"] for r in near] == ["2019-07-22T09:00+03:00"]
        boxed = store.sightings_between("2019-07-22", "2019-07-22", bbox=(36.0, 37.0, 36.5, 37.5),
                                        include_unplaced=True)
        assert {r["time"] for r in boxed} == {"2019-07-22T09:30+03:00", "2019-07-22T09:40+03:00"}


# -- the CLI ---------------------------------------------------------------------------


def test_cli_import_and_list_keep_verify_ok(sw, db):
    files = sorted((SAMPLES / "sightings").iterdir())
    first = sw("sightings", "import", *files, "--json")
    assert first.code == 0, first.err
    summary = first.json()
    assert summary["added"] == summary["sightings"] >= 12 and not summary["errors"]
    again = sw("sightings", "import", *files)
    assert again.code == 0 and "0 added" in again.out
    rows = sw("sightings", "list", "--json", "--limit", "100").json()
    assert len(rows) == summary["sightings"]
    assert all(r["observer"] is None or r["observer"].startswith("obs-") for r in rows)
    listed = sw("sightings", "list").out
    assert "Su-24" in listed and "Watcher" not in listed and "Sky Watch" not in listed
    assert "Watcher Orchard" not in json.dumps(rows, ensure_ascii=False)
    assert sw("verify").out.strip().endswith("verify: ok")
    assert sw("sightings", "list", "--since", "2019-07-24", "--json").json()
    assert sw("status", "--json").json()["sightings"] == summary["sightings"]


def test_cli_import_reports_bad_rows_and_unknown_kinds(sw, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time,aircraft,observer\nyesterday,Su-24,Secret Name\n2019-07-22T10:00,Mi-8,Secret Name\n",
                   encoding="utf-8")
    out = sw("sightings", "import", bad)
    assert out.code == 0 and "error[bad_field]" in out.err and ":2:" in out.err
    assert "Secret" not in out.err and "1 added" in out.out
    odd = tmp_path / "posts.bin"
    odd.write_bytes(b"x")
    assert sw("sightings", "import", odd).err.startswith("error[unsupported_type]")


# -- sightings as flight evidence -------------------------------------------------------


REPORT = {
    "event_type": "air_strike",
    "date": {"start": "2019-07-22", "precision": "day", "text": "on Monday"},
    "location": {"name": "Maarat al-Numan", "admin1": "Idlib", "country": "SY", "lat": 35.643, "lon": 36.674,
                 "precision": "locality"},
    "aircraft": ["warplane"],
    "perpetrators": [{"actor": "Syrian government", "role": "alleged", "by": "local activists"}],
    "attribution": {"actor": "Syrian government", "probability": 0.71, "alternatives": [], "evidence": []},
    "confidence": 0.8,
}


def linked_store(path) -> Store:
    from strikewatch.jobs import link_stored

    store = Store(path)
    doc_id, _ = store.add_document(NewDocument(source_id="test-strike", raw=b"invented strike report",
                                               origin="file", media_type="text/plain", text="invented"))
    store.save_extraction(doc_id, "test-extractor", language="en", reports=[REPORT], errors=[])
    link_stored(store)
    return store


def attribution(store: Store) -> dict:
    (inc,) = store.list_incidents()
    return inc["attribution"]


def test_a_su34_from_hmeimim_heading_at_the_incident_changes_its_attribution(tmp_path):
    from strikewatch.jobs import import_sightings, link_stored

    store = linked_store(tmp_path / "inc.db")
    try:
        before = attribution(store)
        assert before["actor"] == "Syrian government" and before["probability"] == 0.71
        # Hmeimim to Maarat al-Numan is a bearing of about 68 degrees: ENE
        posts = "[2019-07-22T09:40+03:00] Invented Watcher\nSu-34 x2 took off Hmeimim heading ENE 09:35\n"
        _, errors, added = import_sightings(store, posts.encode(), "text")
        assert added == 1 and not errors
        after = attribution(store)
        assert after["actor"] == "Russia"
        kinds = {e["kind"] for e in after["evidence"]}
        assert {"prior", "aircraft", "base"} <= kinds
        seen = next(e for e in after["evidence"] if e["kind"] == "aircraft")
        assert "obs-" in seen["text"] and "Invented" not in json.dumps(after)
        # a re-link keeps it: link_stored supplies the flights too
        link_stored(store, rebuild=True)
        assert attribution(store)["actor"] == "Russia"
        assert store.verify().ok
    finally:
        store.close()


def test_a_sighting_heading_elsewhere_or_on_another_day_is_not_evidence(tmp_path):
    from strikewatch.jobs import import_sightings

    store = linked_store(tmp_path / "inc.db")
    try:
        posts = ("[2019-07-22T09:40+03:00] w\nSu-34 x2 took off Hmeimim heading S 09:35\n\n"
                 "[2019-07-25T09:40+03:00] w\nSu-34 x2 took off Hmeimim heading ENE 09:35\n")
        import_sightings(store, posts.encode(), "text")
        assert attribution(store)["actor"] == "Syrian government"
    finally:
        store.close()


@pytest.mark.parametrize("post", [
    "[2019-07-22T09:40+03:00] w\nSu-34 over Maarat al-Numan 09:35",
    "[2019-07-22T09:40+03:00] w\nسوخوي 34 من حميميم باتجاه ريف إدلب الجنوبي",
])
def test_a_sighting_over_the_place_or_towards_its_governorate_counts(tmp_path, post):
    from strikewatch.jobs import import_sightings

    store = linked_store(tmp_path / "inc.db")
    try:
        import_sightings(store, post.encode(), "text")
        assert attribution(store)["actor"] == "Russia"
    finally:
        store.close()


def test_control_characters_in_sightings_are_stored_visibly(db_target):
    """A NUL in a CSV cell or a JSON string (which PostgreSQL text cannot hold)
    becomes U+FFFD, one for one, on both backends; the bytes stay archived."""
    from strikewatch.ingest.sightings import parse_sightings
    from strikewatch.store import Store

    csv_bytes = "time,place,aircraft\n2024-03-01T10:00,Ari\x00ha,Su-24\n".encode()
    json_bytes = b'[{"time": "2024-03-01T11:00", "place": "Sar\\u0000aqib", "aircraft": "MiG-23"}]'
    with Store(db_target) as store:
        for data, kind in ((csv_bytes, "csv"), (json_bytes, "json")):
            parsed = parse_sightings(data, kind)
            assert not parsed.errors and len(parsed.sightings) == 1
            sha = store.put_blob(data)
            store.add_sighting(parsed.sightings[0], raw_sha256=sha, input_kind=kind, ordinal=0)
        places = sorted(r["place"] for r in store.list_sightings())
        assert places == ["Ari\ufffdha", "Sar\ufffdaqib"]
        assert store.verify().ok

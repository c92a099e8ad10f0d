"""Analysts' review actions: merge, split, edits (overrides), grades, notes,
withdrawals, history and the review queue, on a real database.

The documents are invented for these tests (real place names, made-up events).
"""

from __future__ import annotations

import json

import pytest

from strikewatch import review
from strikewatch.assess.incident import incident_key
from strikewatch.errors import StrikewatchError
from strikewatch.store import Store

DOCS = [
    {"id": "t-1", "published": "2020-03-04",
     "text": "Warplanes struck a vegetable market in Ariha in Idlib province on Tuesday, killing seven civilians "
             "and wounding twelve, according to local rescuers."},
    {"id": "t-2", "published": "2020-03-04",
     "text": "Rescue workers said an air strike on a market in the town of Ariha, Idlib, killed 7 civilians on "
             "Tuesday. At least 12 people were injured."},
    {"id": "t-3", "published": "2020-03-09",
     "text": "Artillery shells hit a school in Saraqib, Idlib province, on Sunday, killing two children, "
             "a local monitor reported."},
]
WHY = "checked against the rescuers' list"


@pytest.fixture()
def store(sw, db, tmp_path):
    """Three documents ingested, extracted and linked: Ariha (t-1, t-2) and Saraqib (t-3)."""
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    assert sw("ingest", path).code == 0
    assert sw("link").code == 0
    s = Store(db, actor="user:analyst-a")
    assert [sorted(i["document_ids"]) for i in s.list_incidents()] == [["t-3"], ["t-1", "t-2"]]
    yield s
    s.close()


def key_of(store: Store, doc: str) -> str:
    (key,) = [i["incident_id"] for i in store.list_incidents(limit=1000)
              if doc in i["document_ids"] and not i.get("merged_into")]
    return key


def links(store: Store, key: str) -> list[dict]:
    return store.linked_reports(incident_id=store.incident_row(key)["id"])


def code_of(call, *args, **kw) -> str:
    with pytest.raises(StrikewatchError) as exc:
        call(*args, **kw)
    return exc.value.code


def test_merge_moves_reports_retires_the_other_and_survives_relinking(store, db, sw):
    ariha, saraqib = key_of(store, "t-1"), key_of(store, "t-3")
    kept, retired = review.merge(store, ariha, saraqib, reason="one strike, misdated by the monitor")
    assert sorted(kept["document_ids"]) == ["t-1", "t-2", "t-3"]
    assert retired["merged_into"] == ariha and retired["incident_id"] == saraqib
    assert not links(store, saraqib)
    moved = [m for m in links(store, ariha) if m["document_id"] == "t-3"]
    assert moved[0]["method"] == "analyst" and all(m["locked"] for m in links(store, ariha))
    assert [q["incident_id"] for q in review.review_queue(store)] == [ariha]  # the retired one is not queued
    for key, version_action in ((ariha, "revised"), (saraqib, "retired")):
        h = review.history(store, key)
        assert h[0]["action"] == "created" and [e["action"] for e in h[-2:]] == [version_action, "merge"]
        assert h[-2]["reason"] == h[-1]["reason"] == "one strike, misdated by the monitor"
        assert h[-2]["actor"] == h[-1]["actor"] == "user:analyst-a"
    assert review.history(store, saraqib)[-2]["changes"]["fields"] == ["merged_into"]
    # nothing more can be done to the retired incident, nor to one incident twice
    assert code_of(review.merge, store, ariha, saraqib, reason="again") == "conflict"
    assert code_of(review.merge, store, saraqib, ariha, reason="again") == "conflict"
    assert code_of(review.merge, store, ariha, ariha, reason="itself") == "conflict"
    assert code_of(review.edit, store, saraqib, "grade", "weak", reason="x") == "conflict"
    store.close()
    assert sw("link", "--rebuild").code == 0
    with Store(db) as again:
        assert sorted(again.incident_row(ariha)["data"]["document_ids"]) == ["t-1", "t-2", "t-3"]
        assert again.incident_row(saraqib)["data"]["merged_into"] == ariha
        assert again.verify().ok
        # lists and exports carry the kept incident only
        assert [d["incident_id"] for d in again.iter_incidents()] == [ariha]
        assert [d["incident_id"] for d in again.list_incidents()] == [ariha]


def test_split_makes_two_incidents_with_the_right_documents(store, db, sw):
    ariha = key_of(store, "t-1")
    t2 = next(m["report_id"] for m in links(store, ariha) if m["document_id"] == "t-2")
    first, second = review.split(store, ariha, [t2], reason="two markets were hit")
    assert first["document_ids"] == ["t-1"] and second["document_ids"] == ["t-2"]
    assert second["incident_id"] == incident_key(f"split-{t2}")
    assert all(m["locked"] for m in links(store, ariha) + links(store, second["incident_id"]))
    assert [e["action"] for e in review.history(store, second["incident_id"])] == ["created", "split"]
    store.close()
    assert sw("link", "--rebuild").code == 0
    with Store(db) as again:
        assert again.incident_row(ariha)["data"]["document_ids"] == ["t-1"]
        assert again.incident_row(second["incident_id"])["data"]["document_ids"] == ["t-2"]
        # merged back and split again: the first split's key is taken, so another is made
        review.merge(again, ariha, second["incident_id"], reason="one market after all")
        _, third = review.split(again, ariha, [t2], reason="no, two")
        assert third["incident_id"] not in (ariha, second["incident_id"])
        assert again.verify().ok


def test_split_needs_reports_of_the_incident_and_not_all_of_them(store):
    ariha, saraqib = key_of(store, "t-1"), key_of(store, "t-3")
    mine = [m["report_id"] for m in links(store, ariha)]
    other = links(store, saraqib)[0]["report_id"]
    assert code_of(review.split, store, ariha, [other], reason=WHY) == "review_invalid"
    assert code_of(review.split, store, ariha, mine, reason=WHY) == "review_invalid"
    assert code_of(review.split, store, ariha, [], reason=WHY) == "review_invalid"
    assert code_of(review.split, store, ariha, ["x"], reason=WHY) == "review_invalid"
    assert code_of(review.split, store, "inc-0000000000000000", mine[:1], reason=WHY) == "not_found"


EDITS = {
    "event_type": "drone_strike",
    "date": "2020-03-02",
    "location": {"name": "Ariha", "lat": 35.8125, "lon": 36.6095, "admin1": "Idlib", "country": "SY"},
    **{f"casualties.{k}": {"low": 2, "best": 3, "high": 4} for k in review.CASUALTY_FIELDS},
    "grade": "confirmed",
    "attribution.actor": "Syrian government",
}
STORED = {"date": {"start": "2020-03-02", "end": "2020-03-02", "precision": "day", "text": None},
          "location": {**EDITS["location"], "admin2": None, "precision": None}}


def test_every_editable_field_applies_shows_and_survives_a_rebuild(store, db, sw, tmp_path):
    assert set(EDITS) == set(review.CHECKS)
    ariha = key_of(store, "t-1")
    version = store.incident_row(ariha)["version"]
    for field, value in EDITS.items():
        data = review.edit(store, ariha, field, value, reason=f"{WHY} ({field})")
        assert review.field_value(data, field) == STORED.get(field, value)
    shown = {o["field"]: o for o in data["overrides"]}
    assert set(shown) == set(EDITS)
    assert shown["grade"]["by"] == "user:analyst-a" and shown["grade"]["reason"] == f"{WHY} (grade)"
    assert shown["casualties.killed"]["was"] == {"low": 7, "best": 7, "high": 7}  # the machine's
    assert data["attribution"]["probability"] is None  # the machine's probability was for its actor
    assert store.incident_row(ariha)["version"] == version + len(EDITS)
    assert all(m["locked"] for m in links(store, ariha))
    store.close()
    # a re-link from scratch, and a new report joining: both rebuild it with the edits on top
    assert sw("link", "--rebuild").code == 0
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "t-4", "published": "2020-03-05", "text": (
        "Medics in Ariha, Idlib, said the market strike on Tuesday killed seven civilians.")}) + "\n")
    assert sw("ingest", more).code == 0 and sw("link").code == 0
    with Store(db) as again:
        data = again.incident_row(ariha)["data"]
        assert "t-4" in data["document_ids"]
        for field, value in EDITS.items():
            assert review.field_value(data, field) == STORED.get(field, value), field
        assert again.verify().ok


def test_withdrawn_edit_gives_back_the_machines_value(store):
    ariha = key_of(store, "t-1")
    machine = store.incident_row(ariha)["data"]["grade"]
    first = review.set_grade(store, ariha, "contested", reason="the toll is disputed")
    second = review.set_grade(store, ariha, "discounted", reason="the video is from 2016")
    assert first["grade"] == "contested" and second["grade"] == "discounted"
    (shown,) = second["overrides"]  # the later override of a field wins, listed once
    back = review.withdraw(store, ariha, shown["id"], reason="the video is from this week")
    assert back["grade"] == "contested"  # the older override again
    (older,) = back["overrides"]
    back = review.withdraw(store, ariha, older["id"], reason="agreed after all")
    assert back["grade"] == machine and "overrides" not in back
    assert code_of(review.withdraw, store, ariha, older["id"], reason="twice") == "not_found"
    last = store.reviews_for(store.incident_row(ariha)["id"])[-1]
    assert (last["action"], last["field"], last["old_value"], last["new_value"]) == \
        ("withdraw", "grade", "contested", machine)


@pytest.mark.parametrize(("field", "value"), [
    ("event_type", "carpet_bombing"),
    ("grade", "likely"),
    ("attribution.actor", "Martians"),
    ("attribution.actor", {"actor": "Russia"}),
    ("date", "yesterday"),
    ("date", "2020-02-30"),
    ("date", {"start": "2020-03-05", "end": "2020-03-01"}),
    ("date", {"start": "2020-03-05", "precision": "hour"}),
    ("location", {"name": "Ariha", "lat": 200, "lon": 36.6}),
    ("location", {"name": "Ariha", "lat": 35.8, "lon": -181}),
    ("location", {"name": "Ariha", "lat": 35.8}),
    ("location", {"lat": 35.8, "lon": 36.6}),
    ("location", {"name": "Ariha", "height": 3}),
    ("location", "Ariha"),
    ("casualties.killed", {"low": 5, "best": 3}),
    ("casualties.killed", {"best": 3, "high": 2}),
    ("casualties.killed", {"low": -1}),
    ("casualties.killed", {"best": 2.5}),
    ("casualties.killed", {"best": True}),
    ("casualties.women_killed", {"best": 1}),
    ("targets", []),
    ("incident_id", "inc-1"),
])
def test_invalid_edits_are_refused_and_write_nothing(store, field, value):
    ariha = key_of(store, "t-1")
    before = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert code_of(review.edit, store, ariha, field, value, reason=WHY) == "review_invalid"
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 2001])
def test_every_action_needs_a_reason(store, reason):
    ariha, saraqib = key_of(store, "t-1"), key_of(store, "t-3")
    t2 = links(store, ariha)[-1]["report_id"]
    for call, args in ((review.edit, (ariha, "grade", "weak")), (review.set_grade, (ariha, "weak")),
                       (review.merge, (ariha, saraqib)), (review.split, (ariha, [t2])),
                       (review.withdraw, (ariha, 1))):
        assert code_of(call, store, *args, reason=reason) == "review_invalid"
    assert code_of(review.add_note, store, ariha, reason) == "review_invalid"
    assert store.reviews_for(store.incident_row(ariha)["id"]) == []


def test_every_review_is_in_the_audit_chain(store):
    ariha, saraqib = key_of(store, "t-1"), key_of(store, "t-3")
    review.add_note(store, saraqib, "the school was empty that day, per its director")
    review.edit(store, ariha, "casualties.killed", {"low": 7, "best": 8, "high": 8}, reason=WHY)
    oid = store.active_overrides(store.incident_row(ariha)["id"])[0]["id"]
    review.withdraw(store, ariha, oid, reason="the eighth died of another cause")
    review.merge(store, ariha, saraqib, reason="the same strike")
    audited = {(entity, int(entity_id)) for entity, entity_id in store.conn.execute(
        "SELECT entity, entity_id FROM audit_log WHERE entity IN ('reviews', 'incident_overrides',"
        " 'incident_versions')")}
    for table in ("reviews", "incident_overrides", "incident_versions"):
        ids = [r[0] for r in store.conn.execute(f"SELECT id FROM {table}")]
        assert ids and all((table, i) in audited for i in ids), table
    assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 5
    assert store.verify().ok


def test_a_noted_incident_survives_a_rebuild(store, db, sw):
    saraqib = key_of(store, "t-3")
    assert review.add_note(store, saraqib, "ask the monitor for photos")["incident_id"] == saraqib
    assert store.incident_row(saraqib)["version"] == 1  # a note is no new version
    store.close()
    assert sw("link", "--rebuild").code == 0
    with Store(db) as again:
        (note,) = [e for e in review.history(again, saraqib) if e["kind"] == "review"]
        assert (note["action"], note["reason"], note["version"]) == ("note", "ask the monitor for photos", 1)
        assert again.verify().ok


def test_history_lists_versions_and_reviews_in_order_with_actors_and_reasons(store, db):
    ariha = key_of(store, "t-1")
    n = store.incident_row(ariha)["version"]  # the machine's: founded, then joined
    review.edit(store, ariha, "casualties.killed", {"low": 7, "best": 9, "high": 12}, reason="two died in hospital")
    with Store(db, actor="user:analyst-b") as other:
        review.set_grade(other, ariha, "confirmed", reason="photos and names")
        review.add_note(other, ariha, "names list in the shared folder")
    h = review.history(store, ariha)
    assert [(e["kind"], e["version"], e["action"]) for e in h[:n]] == [
        ("version", v, "created" if v == 1 else "revised") for v in range(1, n + 1)]
    assert h[0]["changes"] is None
    assert [(e["kind"], e["version"], e["actor"], e["action"], e["reason"]) for e in h[n:]] == [
        ("version", n + 1, "user:analyst-a", "revised", "two died in hospital"),
        ("review", n + 1, "user:analyst-a", "edit", "two died in hospital"),
        ("version", n + 2, "user:analyst-b", "revised", "photos and names"),
        ("review", n + 2, "user:analyst-b", "edit", "photos and names"),
        ("review", n + 2, "user:analyst-b", "note", "names list in the shared folder"),
    ]
    edited, graded = h[n], h[n + 2]
    assert edited["changes"]["killed"] == [7, 9] and "casualties" in edited["changes"]["fields"]
    assert "killed 7 → 9" in edited["changes"]["summary"]
    assert graded["changes"]["fields"] == ["grade", "overrides"]
    assert (h[n + 1]["field"], h[n + 1]["old_value"], h[n + 1]["new_value"]) == (
        "casualties.killed", {"low": 7, "best": 7, "high": 7}, {"low": 7, "best": 9, "high": 12})
    assert [e["at"] for e in h] == sorted(e["at"] for e in h)


def test_review_queue_puts_the_most_uncertain_first(store):
    ariha, saraqib = key_of(store, "t-1"), key_of(store, "t-3")
    queue = review.review_queue(store)
    assert [q["uncertainty"] for q in queue] == sorted((q["uncertainty"] for q in queue), reverse=True)
    assert {q["incident_id"] for q in queue} == {ariha, saraqib}
    assert {"id", "status", "event_date", "grade", "killed", "documents"} <= set(queue[0])
    top, bottom = queue[0]["incident_id"], queue[1]["incident_id"]
    before = {q["incident_id"]: q["uncertainty"] for q in queue}
    # what an analyst has settled no longer counts as doubt: the grade and the attribution
    review.set_grade(store, top, "contested", reason=WHY)
    review.edit(store, top, "attribution.actor", "Russia", reason=WHY)
    after = {q["incident_id"]: q["uncertainty"] for q in review.review_queue(store)}
    assert after[top] < before[top] and after[bottom] == before[bottom]
    order = sorted(after, key=lambda k: -after[k])
    assert [q["incident_id"] for q in review.review_queue(store)] == order
    assert [q["incident_id"] for q in review.review_queue(store, limit=1, offset=1)] == order[1:]
    assert code_of(review.review_queue, store, 0) == "usage"


def test_a_rebuild_without_overrides_writes_no_new_version(store):
    ariha = key_of(store, "t-1")
    before = store.incident_row(ariha)
    assert review.rebuild_incident(store, ariha, reason="nothing new") == before["data"]
    assert store.incident_row(ariha)["version"] == before["version"] and "overrides" not in before["data"]

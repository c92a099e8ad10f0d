"""Extraction end to end: the CLI, the spec's shape, spans, segmentation, stored reports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from strikewatch.extract.pipeline import EXTRACTOR, extract_dict
from strikewatch.model import Report, validate_report
from strikewatch.store import Store

from .conftest import SAMPLES

CORPUS = SAMPLES / "corpus" / "reports.jsonl"


@pytest.fixture(scope="module")
def extracted():
    lines = [json.loads(l) for l in CORPUS.read_text(encoding="utf-8").splitlines() if l.strip()]
    return {line["id"]: (line, extract_dict(line)) for line in lines}


def test_output_follows_the_spec_and_spans_point_at_their_text(extracted):
    for ident, (doc, out) in extracted.items():
        assert out["id"] == ident and out["format_version"] == 1
        for rep in out["reports"]:
            report = Report.from_dict(rep)
            problems = [p for p in validate_report(report) if "actor" not in p]
            assert not problems, (ident, problems)
            assert report.to_dict() == rep
            for item in rep["figures"] + rep["perpetrators"]:
                start, end = item["span"]
                if item.get("span_basis") != "reduced_text":
                    assert doc["text"][start:end] == item["text"], (ident, item)
            for key, rng in rep["casualties"].items():
                if rng["best"] is not None:
                    assert rng["low"] is None or rng["low"] <= rng["best"]
                    assert rng["high"] is None or rng["best"] <= rng["high"]


def test_documents_without_an_attack_give_no_report(extracted):
    for ident in ("sample-en-020", "sample-en-021", "sample-en-022", "sample-en-023"):
        assert extracted[ident][1]["reports"] == [], ident


def test_a_round_up_becomes_several_incidents_and_a_story_one(extracted):
    roundup = extracted["sample-en-004"][1]["reports"]
    assert len(roundup) >= 3
    assert {"air_strike", "shelling"} <= {r["event_type"] for r in roundup}
    story = extracted["sample-en-015"][1]["reports"]
    assert len(story) == 1 and story[0]["event_type"] == "air_strike"
    assert story[0]["location"]["admin1"] == "Idlib"


def test_main_incident_fields(extracted):
    rep = extracted["sample-en-001"][1]["reports"][0]
    assert rep["event_type"] == "air_strike"
    assert rep["date"]["start"] == "2019-07-22" and rep["date"]["precision"] == "day"
    assert rep["location"]["country"] == "SY" and rep["location"]["admin1"] == "Idlib"
    assert any(f["source"] == "Syrian Observatory for Human Rights" for f in rep["figures"])
    assert rep["casualties"]["civilians_killed"]["low"] == 23
    assert {"actor": "Russia", "role": "denied"}.items() <= next(
        p for p in rep["perpetrators"] if p["role"] == "denied").items()
    assert rep["attribution"]["actor"] == "Russia"
    assert any(t["type"] == "market" for t in rep["targets"])


def test_arabic_reads_into_the_same_records(extracted):
    ar_doc, ar = extracted["sample-ar-001"]
    en = extracted["sample-en-001"][1]["reports"][0]
    assert ar["language"] == "ar" and not ar["errors"]
    rep = ar["reports"][0]
    assert rep["event_type"] == "air_strike" and rep["date"]["start"] == en["date"]["start"]
    assert rep["location"]["gazetteer_id"] == en["location"]["gazetteer_id"]  # one place, two languages
    assert rep["attribution"]["actor"] == "Russia"
    for item in rep["figures"] + rep["perpetrators"]:  # spans point into the Arabic as written
        start, end = item["span"]
        assert ar_doc["text"][start:end] == item["text"]
    assert any(ch in "٠١٢٣٤٥٦٧٨٩" for f in rep["figures"] for ch in f["text"])
    assert extracted["sample-ar-007"][1]["reports"] == []  # a protest: no attack


def test_bad_documents_become_error_lines_in_order(tmp_path, db):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "ok", "text": "An air strike on a market in Saraqib killed 4 civilians on Monday.",
                    "published": "2020-01-15"}),
        "{broken",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "html", "format": "html", "text": "<p>Shelling killed <b>two</b> people in Ariha.</p>"}),
    ]) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "strikewatch", "extract", str(src)], capture_output=True, check=True)
    lines = [json.loads(l) for l in out.stdout.decode().splitlines()]
    assert [l["id"] for l in lines] == ["ok", None, "no-text", "html"]
    assert lines[0]["reports"] and not lines[0]["errors"]
    assert lines[1]["errors"][0]["code"] == "bad_json"
    assert lines[2]["errors"][0]["code"] == "missing_field"
    assert lines[3]["reports"][0]["event_type"] == "shelling"
    fig = lines[3]["reports"][0]["figures"][0]  # "two" sits inside <b>: the span says what it indexes
    assert fig.get("span_basis") == "reduced_text" or fig["text"] in "<p>Shelling killed <b>two</b> people"
    stdin = subprocess.run([sys.executable, "-m", "strikewatch", "extract", "-o", str(tmp_path / "o.jsonl"), "-"],
                           input=src.read_bytes(), capture_output=True, check=True)
    assert stdin.stdout == b""
    via_stdin = [json.loads(l) for l in (tmp_path / "o.jsonl").read_text().splitlines()]
    for a, b in zip(via_stdin, lines, strict=True):  # the same, but for where errors say they were
        assert a["reports"] == b["reports"] and [e["code"] for e in a["errors"]] == [e["code"] for e in b["errors"]]


def test_ingested_documents_are_extracted_with_provenance(sw, db):
    assert sw("ingest", CORPUS).code == 0
    status = sw("status", "--json").json()
    assert status["reports"] > 20
    with Store(db) as store:
        docs = store.list_documents(limit=100)
        assert not store.documents_to_extract(EXTRACTOR)
        rows = store.conn.execute(
            "SELECT r.document_id, f.text, f.span_start, f.span_end FROM figures f JOIN reports r ON r.id = f.report_id"
        ).fetchall()
        texts = {d.id: d.text for d in docs}
        assert rows
        for doc_id, text, start, end in rows:
            assert texts[doc_id][start:end] == text
        arabic = store.conn.execute(
            "SELECT sum(e.reports) FROM extractions e JOIN documents d ON d.id = e.document_id"
            " WHERE d.language = 'ar'").fetchone()[0]
        assert arabic >= 6
        assert store.verify().ok
    again = sw("extract", "--stored")
    assert "extracted 0 documents" in again.out


def test_gazetteer_command_resolves_spelling_variants(sw, tmp_path, monkeypatch):
    rows = sw("gazetteer", "--json", "Khan Sheikhoun", use_db=False).json()
    assert rows[0]["country"] == "SY" and rows[0]["admin1"] == "Idlib"
    same = sw("gazetteer", "--json", "--country", "SY", "Khan Shaykhun", use_db=False).json()
    assert same[0]["id"] == rows[0]["id"]
    assert "no place called" in sw("gazetteer", "Qwxzlpt Vvv", use_db=False).out
    assert sw("gazetteer", use_db=False).code == 2


def test_declared_language_tags_read_by_their_primary_subtag():
    out = extract_dict({"id": "gb", "language": "en-GB",
                        "text": "An air strike on a market in Saraqib killed four civilians on Monday.",
                        "published": "2020-01-15"})
    assert out["language"] == "en" and out["reports"] and not out["errors"]


def test_a_headline_naming_the_province_stays_with_the_story_in_its_town() -> None:
    from strikewatch.extract.pipeline import extract_dict

    text = ("Air strikes kill five in Idlib\n\n"
            "Smoke rises after an earlier air strike near Idlib city, 3 March 2022 (photo: a local activist)\n\n"
            "Russian warplanes struck the outskirts of Jisr al-Shughur on Thursday, killing five civilians, "
            "the civil defence said.\n")
    reports = extract_dict({"id": "x", "text": text, "language": "en", "published": "2022-03-10"})["reports"]
    assert len(reports) == 1
    assert reports[0]["casualties"]["civilians_killed"]["best"] == 5


def _reports(text: str, language: str = "en") -> list[dict]:
    return extract_dict({"id": "s", "text": text, "language": language, "published": "2022-03-10"})["reports"]


def test_an_opening_without_a_toll_is_the_lead_of_the_first_incident_with_one() -> None:
    text = ("Shelling continues across southern Idlib\n\n"
            "Regime artillery shelled Kafr Nabl and Hass on Monday morning, local activists said.\n\n"
            "In Sarmin, an artillery strike killed four civilians, including two children.\n")
    reports = _reports(text)
    assert len(reports) == 1 and reports[0]["casualties"]["civilians_killed"]["best"] == 4
    ar = ("قصف متواصل على ريف ادلب الجنوبي\n\nقصفت قوات النظام بلدتي كفرنبل وحاس صباح اليوم الاثنين بحسب ناشطين.\n\n"
          "وفي مدينة سرمين، قتل اربعة مدنيين بينهم طفلان بقصف مدفعي.\n")
    assert _reports(ar, "ar")[0]["casualties"]["civilians_killed"]["best"] == 4


def test_an_opening_with_only_a_vague_toll_is_the_lead_of_the_next_counted_incident() -> None:
    text = ("Dead and wounded in regime shelling on Kafr Nabl\n\n"
            "Regime artillery shelled Kafr Nabl on Monday, causing casualties among civilians.\n\n"
            "In Sarmin, an artillery strike killed four civilians, including two children.\n")
    reports = _reports(text)
    assert len(reports) == 1 and reports[0]["casualties"]["civilians_killed"]["best"] == 4


def test_an_opening_that_says_its_toll_is_unknown_is_an_incident_of_its_own() -> None:
    text = ("Shelling continues across southern Idlib\n\n"
            "Regime artillery shelled Kafr Nabl and Hass on Monday morning, with no immediate word on casualties.\n\n"
            "In Sarmin, an artillery strike killed four civilians, including two children.\n")
    reports = _reports(text)
    assert len(reports) == 2 and reports[0]["casualties"]["killed"]["best"] is None


def test_the_towns_of_the_leads_own_lines_are_in_view() -> None:
    text = ("Shelling kills three in Ariha\n\n"
            "Residents of Binnish fled to nearby fields (archive photo)\n\n"
            "Artillery shells hit Binnish on Sunday, killing two women.\n")
    assert len(_reports(text)) == 1


def test_teaser_lines_figures_are_no_toll_of_the_opening() -> None:
    text = ("Boy killed in a regime attack on southern Idlib governorate, March 3, 2024\n\n"
            "Man shot dead by unidentified gunmen in E. Daraa, May 18, 2024\n\n"
            "Woman killed, her son injured, by unidentified gunmen in S. Aleppo, May 19, 2024\n\n"
            "A boy was killed on March 3, 2024, in a rocket attack by regime forces on the town of Kafr Nabl "
            "in southern Idlib. One of the rockets hit his family's home, killing him and injuring four others.\n")
    reports = _reports(text)  # the teasers' "her son injured" does not make the headline a story of its own
    assert len(reports) == 1
    assert reports[0]["event_type"] == "shelling" and reports[0]["casualties"]["killed"]["best"] == 1

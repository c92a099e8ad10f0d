"""Export and import through the command line, on incidents linked from the sample corpus."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import SAMPLES


@pytest.fixture()
def linked(sw, tmp_path):
    sw("ingest", SAMPLES / "corpus", SAMPLES / "feeds")
    sw("link")
    return sw


def test_every_format_writes_every_incident(linked, tmp_path):
    incidents = linked("incidents", "--json", "--limit", "1000").json()
    n = len(incidents)
    jsonl = linked("export", "--format", "incidents-jsonl").out.splitlines()
    assert len(jsonl) == n
    ids = {d for i in incidents for d in i["document_ids"]}
    assert "sample-en-001" in ids  # documents keep the ids they were given on input
    assert {json.loads(line)["incident_id"] for line in jsonl} == {i["incident_id"] for i in incidents}
    for fmt in ("acled-csv", "ucdp-csv"):
        rows = list(csv.DictReader(io.StringIO(linked("export", "--format", fmt).out)))
        assert len(rows) == n, fmt
    geo = json.loads(linked("export", "--format", "geojson").out)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == n
    out = tmp_path / "incidents.hxl.csv"
    assert linked("export", "--format", "hxl-csv", "--output", out).code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("#") and len(lines) == n + 2
    bad = linked("export", "--format", "pdf")
    assert bad.code == 2 and bad.err.startswith("error[usage]")


def test_import_compares_an_acled_file_with_our_incidents(linked, tmp_path):
    ours = linked("export", "--format", "acled-csv").out
    path = tmp_path / "acled.csv"
    rows = list(csv.DictReader(io.StringIO(ours)))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for i, row in enumerate(rows):
            writer.writerow({**row, "event_id_cnty": f"EXT{i}"})
        fh.write("broken,row\n")
    summary = linked("import", path)
    assert summary.code == 0
    located = sum(1 for r in rows if r["latitude"])
    assert f"read {len(rows)} acled events" in summary.out and "(1 bad rows)" in summary.out
    assert f"matched {located}" in summary.out or "matched" in summary.out
    assert "error[" in summary.err
    lines = [json.loads(l) for l in linked("import", "--json", path).out.splitlines()]
    assert sum(1 for l in lines if l["status"] == "matched") >= located * 0.9

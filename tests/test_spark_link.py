"""`strikewatch spark link`: Splink on Spark (local mode) links the reports of
`spark extract` into the incidents `strikewatch link --rebuild` makes, and
writes them in the export formats; with `--clustering components`, plain
connected components, it joins the incidents a report bridges.

One SparkSession (local[2], loopback only, no UI) serves the whole module, and
one `spark extract` + `spark link` run (through the command) gives the output
the Spark tests read. The corpus is written here: the texts are this file's
own, not news.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from strikewatch.extract.pipeline import extract_dict
from strikewatch.link.match import LEVELS, BlockIndex, Candidate, LinkSettings, blocked, compare
from strikewatch.model import Incident

from .conftest import local_spark

HAVE_PYSPARK = importlib.util.find_spec("pyspark") is not None
HAVE_SPLINK = importlib.util.find_spec("splink") is not None
HAVE_JAVA = bool(shutil.which("java") or os.environ.get("JAVA_HOME"))

needs_spark = pytest.mark.skipif(
    not (HAVE_PYSPARK and HAVE_SPLINK and HAVE_JAVA),
    reason="`spark link` tests need the spark extra (pip install '.[spark]': pyspark, splink) and Java 17+ "
           f"(pyspark {'found' if HAVE_PYSPARK else 'missing'}, splink {'found' if HAVE_SPLINK else 'missing'}, "
           f"java {'found' if HAVE_JAVA else 'missing'})")

# --------------------------------------------------------------------------
# the corpus (written for these tests): five events, eleven reports


def _doc(ident: str, text: str, published: str | None, outlet: str) -> dict[str, Any]:
    doc = {"id": ident, "text": text, "source": outlet}
    if published:
        doc["published"] = published
    return doc


DOCS = [
    # 1. a market in Saraqib on Tuesday 5 March: three outlets, three tolls (12, 11, 14)
    _doc("market-a", "Warplanes bombed the vegetable market in the town of Saraqib in Idlib province on Tuesday, "
         "killing 12 civilians, the Syrian Civil Defence said. Residents blamed Russian jets.", "2024-03-05", "Outlet One"),
    _doc("market-b", "An air strike on a market in Saraqib, Idlib, killed 11 people on Tuesday, according to a local "
         "monitor. The jets were Russian, witnesses said.", "2024-03-05", "Outlet Two"),
    # 2. shelling of Kafr Nabl, 28 km away, the same day: another event
    _doc("shelling-a", "Government artillery shelled the village of Kafr Nabl in Idlib on Tuesday, killing two "
         "children, a local monitor said.", "2024-03-05", "Outlet One"),
    _doc("market-c", "The toll from Tuesday's air raid on the market in Saraqib rose to 14 dead, rescuers said on "
         "Wednesday, blaming Russian aircraft.", "2024-03-06", "Outlet Three"),
    # 3. a drone strike near Marib on Wednesday: two dated reports and one with no date at all
    _doc("drone-a", "A drone strike hit a car on the road outside Marib on Wednesday, killing four people, local "
         "officials said.", "2024-03-06", "Outlet Four"),
    _doc("drone-b", "Four people died when a drone struck their vehicle near Marib on Wednesday, a tribal leader said.",
         "2024-03-06", "Outlet Five"),
    _doc("drone-undated", "A drone strike on a car near Marib killed four people, officials said.", None, "Outlet Eight"),
    # 4. a clinic in Ariha on Thursday: one report
    _doc("clinic-a", "An air strike destroyed a health clinic in the town of Ariha in Idlib on Thursday, killing three "
         "medical workers, a medical charity said.", "2024-03-07", "Outlet Two"),
    # 5. Maarat al-Numan on Friday: a market strike and a school strike that disagree on toll, target and
    #    actor (7.7, under the threshold), and a report that says only "an air strike" and matches both
    _doc("bridge-a", "Russian warplanes struck the main market in the town of Maarat al-Numan on Friday, killing 12 "
         "civilians, rescuers said.", "2024-03-08", "Outlet One"),
    _doc("bridge-c", "Government helicopters dropped barrel bombs on a school in the town of Maarat al-Numan on "
         "Friday, killing three pupils, a teacher said.", "2024-03-08", "Outlet Six"),
    _doc("bridge-b", "An air strike hit the town of Maarat al-Numan on Friday, residents said.", "2024-03-08",
         "Outlet Seven"),
]

#: the incidents, by document ids (connected components of every link joins the last two)
EXPECTED = [{"market-a", "market-b", "market-c"}, {"shelling-a"}, {"drone-a", "drone-b", "drone-undated"},
            {"clinic-a"}, {"bridge-a", "bridge-b"}, {"bridge-c"}]
CHAIN = {"bridge-a", "bridge-b", "bridge-c"}
FORMATS = ("incidents-jsonl", "acled-csv", "ucdp-csv", "geojson", "hxl-csv")
FILES = ("incidents.jsonl", "acled.csv", "ucdp.csv", "incidents.geojson", "hxl.csv")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory):
    yield from local_spark(tmp_path_factory, "strikewatch-link-tests", 2)


@pytest.fixture(scope="module")
def linked(spark: Any, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`spark extract` of the corpus, then `strikewatch spark link` through the command, every format."""
    from click.testing import CliRunner

    import strikewatch.spark.extract as spark_extract
    from strikewatch.spark.cli import spark_group

    class Shared:  # the module's session; the command must not stop it
        def __getattr__(self, name: str) -> Any:
            return getattr(spark, name)

        def stop(self) -> None:
            pass

    root = tmp_path_factory.mktemp("linked")
    spark_extract.run_extract(spark, [str(corpus)], str(root / "extract"), partitions=2)
    seen: dict[str, Any] = {}

    def session(master: str | None, **kwargs: Any) -> Any:
        seen.update(kwargs, master=master)
        return Shared()

    out = root / "link"
    args = ["link", "--input", str(root / "extract"), "--output", str(out), "--master", "local[2]",
            "--partitions", "2", *(x for f in FORMATS for x in ("--format", f))]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(spark_extract, "build_session", session)
        mp.setattr(spark_extract, "stop_session", lambda s: s.stop())
        result = CliRunner().invoke(spark_group, [*args, "--json"])
        again = CliRunner().invoke(spark_group, args)  # the output is there: refused before Spark starts
    assert result.exit_code == 0, (result.output, result.exception)
    return {"root": root, "out": out, "summary": json.loads(result.output), "seen": seen, "again": again}


def _parquet(spark: Any, path: Path) -> list[dict[str, Any]]:
    return [r.asDict(recursive=True) for r in spark.read.parquet(str(path)).collect()]


def _incidents(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _groups(incidents: list[dict[str, Any]]) -> list[set[str]]:
    return sorted((set(i["document_ids"]) for i in incidents), key=lambda g: sorted(g))


def _no_comparisons() -> Any:
    from pyspark.sql import functions as F

    return F.lit(None).cast("array<struct<field:string,level:string,weight:double>>")


# --------------------------------------------------------------------------
# without Spark


def test_core_import_does_not_load_spark_or_splink() -> None:
    code = ("import sys, strikewatch.cli, strikewatch.spark.cli, strikewatch.spark.link; "
            "assert not {'pyspark', 'splink'} & set(sys.modules), sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_level_weighs_what_strikewatch_link_adds() -> None:
    """Each Splink level is one `LinkSettings` level, and log2(m/u) is its weight exactly."""
    from strikewatch.spark.link import FIELD, comparison_levels, gamma_levels, level_m_u

    s = LinkSettings()
    levels = [k for lv in comparison_levels(s).values() for k, _ in lv if k is not None]
    assert sorted(levels) == sorted(k for lv in LEVELS.values() for k in lv)  # every level, once
    assert set(FIELD) == set(levels)
    for key in levels:
        m, u = level_m_u(key, s)
        assert 0 < m <= 1 and u == getattr(s, key)[1]
        assert math.isclose(math.log2(m / u), s.weights[key], abs_tol=1e-12), key
    gammas = gamma_levels(s)
    assert gammas["date"] == {4: "date_unknown", 3: "date_same", 2: "date_1", 1: "date_2", 0: "date_far"}
    assert gammas["actor"] == {1: "actor_same", 0: "actor_other"}  # the null level, -1, maps to nothing


def _random_report(rng: random.Random) -> tuple[dict[str, Any], str | None]:
    """A REPORT with a random date window, place and precision, near 35N 36E (and far off)."""
    day = f"2024-03-{rng.randint(1, 12):02d}"
    roll = rng.random()
    when: dict[str, Any] = ({"start": day, "end": day, "precision": "day", "text": "on Tuesday"} if roll < 0.5 else
                            {"start": day, "end": f"2024-03-{int(day[-2:]) + rng.randint(1, 3):02d}",
                             "precision": "week", "text": "overnight"} if roll < 0.65 else
                            {"start": day, "end": day, "precision": "day"} if roll < 0.8 else {})
    published = day if rng.random() < 0.8 else None
    loc: dict[str, Any] = {"admin1": rng.choice(["Idlib", "Aleppo", "Hama", None])}
    if rng.random() < 0.85:
        base = (35.0, 36.0) if rng.random() < 0.9 else (60.0, 30.0)
        loc.update(lat=base[0] + rng.uniform(0, 1.2), lon=base[1] + rng.uniform(0, 1.2),
                   precision=rng.choice(["exact", "locality", "locality", "district", "region"]))
        loc["admin2"] = rng.choice(["a", "b", None])
    return {"date": when, "location": loc, "event_type": "air_strike"}, published


def test_block_keys_reach_every_pair_strikewatch_link_compares() -> None:
    """A pair the single-machine linker would score (it meets in ``BlockIndex``
    and ``blocked`` lets it through) always shares a blocking key, so Splink's
    blocking (keys, then the exact condition) scores the same pairs."""
    from strikewatch.spark.link import candidate_values

    s = LinkSettings()
    rng = random.Random(7)
    reports = [_random_report(rng) for _ in range(400)]
    cands = [Candidate.from_report(i, r, p) for i, (r, p) in enumerate(reports)]
    keys = [set(candidate_values(f"r{i}", r, p, s)[-1]) for i, (r, p) in enumerate(reports)]
    index = BlockIndex(s)
    for i, c in enumerate(cands):
        index.add(i, c)
    compared = 0
    for i, c in enumerate(cands):
        for j in index.pool(c):  # the reports (one a cluster here) c meets in the index
            if j == i or blocked(c, cands[j], s):
                continue
            compared += 1
            assert keys[i] & keys[j], (reports[i], reports[j])
    assert compared > 500  # the sample is worth the name: dated, windowed, undated, coarse pairs


def test_candidate_values_follow_the_single_machine_candidate() -> None:
    from strikewatch.spark.link import CANDIDATE_COLUMNS, candidate_values

    doc = DOCS[0]
    rep = extract_dict(doc)["reports"][0]
    row = dict(zip([c for c, _ in CANDIDATE_COLUMNS], candidate_values("market-a#0", rep, doc["published"]),
                   strict=True))
    c = Candidate.from_report("market-a#0", rep, doc["published"])
    assert row["day_last"] == c.day.toordinal() == row["day_first"]  # type: ignore[union-attr]
    assert (row["pt_lat"], row["pt_lon"]) == (c.lat, c.lon) and row["admin1"] == "Idlib"
    assert row["event_type"] == "air_strike" and row["remote"] is True and row["killed"] == 12
    assert row["targets"] == ["market"] and row["actor"] == "Russia"
    undated = extract_dict(DOCS[6])["reports"][0]
    values = dict(zip([c for c, _ in CANDIDATE_COLUMNS], candidate_values("u#0", undated, None), strict=True))
    assert values["day_last"] is None and all(k.startswith("u|") for k in values["block_key"])
    assert values["pt_lat"] is None and values["lat"] is not None  # a region's point is no place to measure from


def test_a_cluster_is_built_by_build_incident() -> None:
    from strikewatch.assess.incident import build_incident, incident_key
    from strikewatch.spark.link import INCIDENT_COLUMNS, build_cluster

    members, plain = [], []
    for pos, doc in enumerate([DOCS[6], DOCS[4], DOCS[5]]):  # the undated report first in input order
        rep = extract_dict(doc)["reports"][0]
        day = Candidate.from_report(doc["id"], rep, doc.get("published")).day
        members.append((f"{doc['id']}#0", doc["id"], 0, 0, "docs.jsonl", pos, doc.get("published"), doc["source"],
                        json.dumps(rep), day.toordinal() if day else None))
        plain.append({"report": rep, "document_id": doc["id"], "published": doc.get("published"),
                      "outlet": doc["source"]})
    row = dict(zip([c for c, _ in INCIDENT_COLUMNS], build_cluster("c1", reversed(members)), strict=True))
    assert row["founder"] == "drone-a#0"  # dated reports found incidents, as in link order
    assert row["incident_id"] == incident_key("drone-a#0")
    data = json.loads(row["incident_json"])
    expected = build_incident(row["incident_id"], plain)  # members in input order
    assert {**data, "updated": None} == {**expected, "updated": None}
    assert row["report_ids"] == ["drone-undated#0", "drone-a#0", "drone-b#0"] and row["reports"] == 3


@pytest.mark.skipif(not (HAVE_PYSPARK and HAVE_SPLINK), reason="needs pyspark and splink")
def test_splink_still_has_what_spark_link_relies_on() -> None:
    """`spark link` points Splink's intermediate tables at its own folder by
    overriding SparkAPI._get_checkpoint_dir_path (Splink 5); a Splink that
    renamed it would fail here, not in a user's job."""
    import splink
    from splink import SparkAPI

    assert splink.__version__.split(".")[0] == "5"
    assert callable(getattr(SparkAPI, "_get_checkpoint_dir_path", None))


def test_export_file_names() -> None:
    from strikewatch.errors import UsageError
    from strikewatch.spark.link import export_name, resolve_formats

    assert [export_name(f) for f in resolve_formats(FORMATS)] == list(FILES)
    assert [export_name(f) for f in resolve_formats([])] == ["incidents.jsonl"]
    assert len(resolve_formats(["acled-csv", "acled-csv.v1"])) == 1
    with pytest.raises(UsageError):
        resolve_formats(["pdf"])


def test_cli_refuses_bad_input_before_spark(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from strikewatch.spark.cli import spark_group

    result = CliRunner().invoke(spark_group, ["link", "--input", str(tmp_path), "--output", str(tmp_path / "o")])
    assert result.exit_code != 0 and "no reports/ dataset" in str(result.exception)
    (tmp_path / "reports").mkdir()
    result = CliRunner().invoke(spark_group, ["link", "--input", str(tmp_path), "--output", str(tmp_path / "o"),
                                              "--format", "pdf"])
    assert result.exit_code != 0 and "unknown export format" in str(result.exception)


# --------------------------------------------------------------------------
# with Spark (local[2]): one run of the command, read by every test below


@needs_spark
@pytest.mark.slow
def test_reports_of_one_event_become_one_incident(linked: dict[str, Any]) -> None:
    incidents = _incidents(linked["out"] / "incidents.jsonl")
    assert _groups(incidents) == sorted(EXPECTED, key=lambda g: sorted(g))
    by_doc = {d: i for i in incidents for d in i["document_ids"]}
    market = by_doc["market-a"]
    # three outlets, three tolls: one incident whose figures keep all three
    assert sorted(f["low"] for f in market["figures"] if f["measure"] == "killed" and f["group"] == "all") == [11, 14]
    assert market["casualties"]["killed"] == {"low": 12, "best": 14, "high": 14} and market["grade"] == "fair"
    assert by_doc["shelling-a"] is not market and by_doc["shelling-a"]["event_type"] == "shelling"
    assert by_doc["drone-undated"]["date"]["start"] == "2024-03-06"  # an undated report joins its dated incident
    summary = linked["summary"]
    assert summary["reports"] == 11 and summary["incidents"] == 6 and summary["largest_incident"] == 3
    assert summary["threshold"] == 8.0 and summary["files"] == dict.fromkeys(FILES, 6)
    assert summary["clustering"] == "earlier" and summary["links"] == 5  # one link back per report but founders
    assert linked["seen"]["master"] == "local[2]"
    assert linked["again"].exit_code != 0 and "--overwrite" in str(linked["again"].exception)
    assert sorted(p.name for p in linked["out"].iterdir()) == sorted(["clusters", "incidents", *FILES])


@needs_spark
@pytest.mark.slow
def test_every_report_is_in_exactly_one_incident(spark: Any, linked: dict[str, Any]) -> None:
    reports = _parquet(spark, linked["root"] / "extract" / "reports")
    clusters = _parquet(spark, linked["out"] / "clusters")
    incidents = _parquet(spark, linked["out"] / "incidents")
    ids = sorted(f"{r['id']}#{r['report_index']}" for r in reports)
    assert sorted(c["report_id"] for c in clusters) == ids  # each report once
    members = [r for i in incidents for r in i["report_ids"]]
    assert sorted(members) == ids  # and in one incident's report_ids
    owner = {r: i["incident_id"] for i in incidents for r in i["report_ids"]}
    assert all(owner[c["report_id"]] == c["incident_id"] for c in clusters)
    assert len({i["incident_id"] for i in incidents}) == len(incidents) == 6
    assert sum(c["founder"] for c in clusters) == 6
    jsonl = {i["incident_id"]: i for i in _incidents(linked["out"] / "incidents.jsonl")}
    for row in incidents:
        assert json.loads(row["incident_json"]) == jsonl[row["incident_id"]]
        assert sorted(jsonl[row["incident_id"]]["document_ids"]) == sorted(r.split("#")[0] for r in row["report_ids"])


@needs_spark
@pytest.mark.slow
def test_links_keep_their_weight_and_comparisons(spark: Any, linked: dict[str, Any]) -> None:
    clusters = {c["report_id"]: c for c in _parquet(spark, linked["out"] / "clusters")}
    reports = {f"{r['id']}#{r['report_index']}": r for r in _parquet(spark, linked["root"] / "extract" / "reports")}
    for rid, c in clusters.items():
        if c["founder"]:  # the first of its incident in link order: it links back to no one
            assert c["match_weight"] is None and c["linked_to"] is None
            continue
        assert c["match_weight"] >= 8.0 and clusters[c["linked_to"]]["incident_id"] == c["incident_id"]
        assert math.isclose(c["match_weight"], sum(x["weight"] for x in c["comparisons"]), abs_tol=1e-9)
        # the same pair scored by strikewatch.link.match gives the same comparisons
        a, b = reports[rid], reports[c["linked_to"]]
        score = compare(Candidate.from_report(rid, json.loads(a["report_json"]), a["published"]),
                        Candidate.from_report(c["linked_to"], json.loads(b["report_json"]), b["published"]))
        assert [(x["field"], x["level"], x["weight"]) for x in c["comparisons"]] == \
            [(x.field, x.key, x.weight) for x in score.comparisons]
        assert math.isclose(score.score, c["match_weight"], abs_tol=1e-9)
    assert clusters["drone-undated#0"]["comparisons"][0]["level"] == "date_unknown"
    # links point back in link order: to the earlier day, and undated reports to dated ones
    assert clusters["market-c#0"]["linked_to"] == "market-a#0" and clusters["drone-undated#0"]["linked_to"] == "drone-a#0"
    assert clusters["bridge-b#0"]["linked_to"] == "bridge-a#0" and clusters["bridge-c#0"]["founder"]
    assert reports["market-a#0"]["outlet"] == "Outlet One" and reports["drone-undated#0"]["published"] is None


@needs_spark
@pytest.mark.slow
def test_incidents_jsonl_is_spec_section_4_and_every_format_is_written(spark: Any, linked: dict[str, Any]) -> None:
    out = linked["out"]
    lines = (out / "incidents.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6
    for line in lines:
        d = json.loads(line)
        inc = Incident.from_dict(d)  # the spec §4 shape the project reads back
        assert d == inc.to_dict()
        assert list(d)[:3] == ["incident_id", "format_version", "document_ids"] and d["format_version"] == 1
        assert d["incident_id"].startswith("inc-") and d["grade"] in {"confirmed", "fair", "weak", "contested",
                                                                      "discounted"}
    days = [json.loads(x)["date"]["start"] for x in lines]
    assert days == sorted(days)  # in the founders' link order: by day
    ids = [json.loads(x)["incident_id"] for x in lines]
    for name in ("acled.csv", "ucdp.csv"):
        rows = list(csv.DictReader(io.StringIO((out / name).read_text(encoding="utf-8"))))
        assert len(rows) == 6, name
    acled = list(csv.DictReader(io.StringIO((out / "acled.csv").read_text(encoding="utf-8"))))
    assert [r["event_id_cnty"] for r in acled] == ids
    geo = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 6
    hxl_lines = (out / "hxl.csv").read_text(encoding="utf-8").splitlines()
    assert hxl_lines[1].startswith("#") and len(hxl_lines) == 6 + 2


@needs_spark
@pytest.mark.slow
def test_figures_trace_to_their_reports(spark: Any, linked: dict[str, Any]) -> None:
    reports = {f"{r['id']}#{r['report_index']}": json.loads(r["report_json"])
               for r in _parquet(spark, linked["root"] / "extract" / "reports")}
    members: dict[str, list[str]] = {}
    for c in _parquet(spark, linked["out"] / "clusters"):
        members.setdefault(c["incident_id"], []).append(c["report_id"])
    texts = {d["id"]: d["text"] for d in DOCS}
    figures = 0
    for inc in _incidents(linked["out"] / "incidents.jsonl"):
        own = {rid.split("#")[0]: reports[rid] for rid in members[inc["incident_id"]]}
        for f in inc["figures"]:
            figures += 1
            assert f["document_id"] in inc["document_ids"] and f["document_id"] in own
            start, end = f["span"]
            assert texts[f["document_id"]][start:end] == f["text"]  # the very words of that document
            trimmed = {k: v for k, v in f.items() if k != "document_id"}
            assert trimmed in own[f["document_id"]]["figures"]  # a figure of that report, unchanged
    assert figures >= 10


@needs_spark
@pytest.mark.slow
def test_same_incidents_as_link_rebuild(sw: Any, corpus: Path, linked: dict[str, Any]) -> None:
    """`strikewatch link --rebuild` on the same corpus gives the same incidents,
    field for field but the id and the time written: the same clustering, the
    figures, casualties, attribution and grade. Among them the undated drone
    report (it joins the dated reports of its strike) and bridge-b, which
    matches bridge-a (13.1) and bridge-c (10.7) where those two do not match
    (7.7): both linkers put it with bridge-a, its best match."""
    assert sw("ingest", corpus).code == 0
    done = sw("link", "--rebuild")
    assert done.code == 0, done.err
    single = [json.loads(x) for x in sw("export", "--format", "incidents-jsonl").out.splitlines()]
    spark_incidents = _incidents(linked["out"] / "incidents.jsonl")

    def same(incidents: list[dict[str, Any]]) -> dict[frozenset[str], dict[str, Any]]:
        return {frozenset(i["document_ids"]): {k: v for k, v in i.items() if k not in ("incident_id", "updated")}
                for i in incidents}

    assert _groups(single) == _groups(spark_incidents) == sorted(EXPECTED, key=lambda g: sorted(g))
    assert same(single) == same(spark_incidents)


@needs_spark
@pytest.mark.slow
def test_a_higher_threshold_links_less(spark: Any, linked: dict[str, Any], tmp_path: Path) -> None:
    """At 12.5 the drone reports (12.4 and 8.0 apart) and bridge-c (10.7) stand alone;
    the markets (16.9) and bridge-a/bridge-b (13.1) stay together."""
    from strikewatch.spark.link import run_link

    summary = run_link(spark, str(linked["root"] / "extract"), str(tmp_path / "out"), threshold=12.5, partitions=2)
    groups = _groups(_incidents(tmp_path / "out" / "incidents.jsonl"))
    assert {"market-a", "market-b", "market-c"} in groups and {"bridge-a", "bridge-b"} in groups
    assert {"drone-a"} in groups and {"drone-undated"} in groups and {"bridge-c"} in groups
    assert summary.incidents == len(groups) == 8 and summary.threshold == 12.5
    assert not (tmp_path / "out" / "_splink_tmp").exists()  # Splink's intermediate tables are gone


@needs_spark
@pytest.mark.slow
def test_connected_components_joins_what_a_report_bridges(spark: Any, linked: dict[str, Any], tmp_path: Path) -> None:
    """With every link kept, bridge-b's two links join bridge-a and bridge-c,
    which do not match each other: the one known difference from `strikewatch
    link`, which puts a report in the one incident it matches best."""
    from strikewatch.spark.link import run_link

    summary = run_link(spark, str(linked["root"] / "extract"), str(tmp_path / "out"), clustering="components",
                       partitions=2)
    incidents = _incidents(tmp_path / "out" / "incidents.jsonl")
    groups = _groups(incidents)
    assert CHAIN in groups and summary.incidents == 5 and summary.clustering == "components"
    assert [g for g in groups if not g & CHAIN] == [g for g in _groups(_incidents(linked["out"] / "incidents.jsonl"))
                                                    if not g & CHAIN]
    assert summary.links == 8  # every link: 3 market, 3 drone, 2 bridge
    reps = {d["id"]: Candidate.from_report(d["id"], extract_dict(d)["reports"][0], d.get("published"))
            for d in DOCS if d["id"] in CHAIN}
    assert compare(reps["bridge-a"], reps["bridge-c"]).score < 8 <= compare(reps["bridge-c"], reps["bridge-b"]).score
    assert compare(reps["bridge-a"], reps["bridge-b"]).score > compare(reps["bridge-c"], reps["bridge-b"]).score


@needs_spark
def test_each_report_keeps_its_best_link_back(spark: Any) -> None:
    """Link order: dated reports by day, then undated ones, then input order.
    Each report keeps its best link to an earlier one (on a tie the earliest);
    with `components`, every link is kept."""
    from strikewatch.spark.link import keep_links

    nodes = spark.createDataFrame(
        [("A", 738950, 0), ("C", 738950, 1), ("B", 738950, 2), ("D", 738951, 3), ("U", None, 4), ("V", None, 5)],
        "report_id string, day_last int, position long").selectExpr(
        "report_id", "day_last", "0 AS source_seq", "'docs.jsonl' AS source", "position", "0 AS report_index")
    scored = spark.createDataFrame(
        [("A", "B", 13.1), ("B", "C", 10.7), ("B", "D", 9.0), ("C", "D", 9.0), ("A", "U", 10.0), ("D", "U", 10.0),
         ("U", "V", 10.0), ("D", "V", 8.2)],
        "report_id_l string, report_id_r string, match_weight double").withColumn("comparisons", _no_comparisons())
    kept = sorted((r["later"], r["earlier"]) for r in keep_links(scored, nodes).collect())
    # B: A (13.1) over C (10.7); C: no link back (A-C is no link); D: B and C tie at 9.0 and C is read
    # first; U (undated, after every dated report): A and D tie, A is first; V: U (10.0) over D (8.2)
    assert kept == [("B", "A"), ("D", "C"), ("U", "A"), ("V", "U")]
    every = keep_links(scored, nodes, "components").collect()
    assert len(every) == 8

"""`strikewatch link --rebuild --engine splink`: Splink on DuckDB links stored
reports into the incidents the native engine makes, with the same links,
weights and comparisons, and keeps the analysts' locked decisions as it does.

The reports are written here (synthetic, not news) and stored with the store
API in a real SQLite file; no mocks of the store.
"""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from strikewatch.errors import UsageError
from strikewatch.link.match import Candidate, LinkSettings, compare, link_batch
from strikewatch.store import Store
from strikewatch.store.repo import NewDocument

HAVE_SPLINK = importlib.util.find_spec("splink") is not None and importlib.util.find_spec("duckdb") is not None
needs_splink = pytest.mark.skipif(not HAVE_SPLINK, reason="the splink engine needs the link extra "
                                                          "(pip install '.[link]': splink, duckdb)")

# --------------------------------------------------------------------------
# the reports


def _report(day: str | None, lat: float | None, lon: float | None, *, kind: str = "air_strike",
            killed: int | None = None, actor: str | None = None, admin1: str | None = "Idlib",
            admin2: str | None = None, precision: str = "locality", targets: tuple[str, ...] = (),
            said: bool = True) -> dict[str, Any]:
    """A REPORT as the extractor gives one; ``said``: the text gives the day
    (else the date is only the publication date, a window of days)."""
    when = {"start": day, "end": day, "precision": "day", "text": "on Tuesday" if said else None} if day else {}
    loc: dict[str, Any] = {"name": admin2 or admin1 or "somewhere", "admin1": admin1, "admin2": admin2,
                           "country": "SY", "precision": precision}
    if lat is not None:
        loc.update(lat=lat, lon=lon)
    return {"event_type": kind, "date": when, "location": loc,
            "casualties": {"killed": {"best": killed}} if killed is not None else {},
            "targets": [{"type": t, "name": t} for t in targets],
            "attribution": {"actor": actor} if actor else None}


#: (document id, published, report): events written to cover the cases the
#: engines must agree on; grouped by the incident both should make
NAMED: list[tuple[str, str | None, dict[str, Any]]] = [
    # a market in Saraqib: three reports, a day apart, tolls rising; and one that gives no date at all
    ("market-a", "2024-03-05", _report("2024-03-05", 35.864, 36.804, killed=12, actor="Russia", targets=("market",))),
    ("market-b", "2024-03-05", _report("2024-03-05", 35.866, 36.801, killed=11, actor="Russia", targets=("market",))),
    ("market-c", "2024-03-06", _report("2024-03-06", 35.864, 36.804, killed=14, actor="Russia", targets=("market",))),
    ("market-undated", None, _report(None, 35.865, 36.803, killed=14, actor="Russia", targets=("market",))),
    # the same town, the same day: shelling with another toll and actor (another incident)
    ("shelling-a", "2024-03-05", _report("2024-03-05", 35.870, 36.810, kind="shelling", killed=2,
                                         actor="Syrian government")),
    # dated only by publication (a window of three days), matched on place, type and toll
    ("drone-a", "2024-03-06", _report("2024-03-06", 35.500, 36.200, kind="drone_strike", killed=4)),
    ("drone-pub", "2024-03-07", _report("2024-03-07", 35.501, 36.201, kind="drone_strike", killed=4, said=False)),
    # reports located only to a region (no point): they meet on the region
    ("region-a", "2024-03-08", _report("2024-03-08", None, None, admin1="Hama", precision="region", killed=7,
                                       actor="Russia", targets=("hospital",))),
    ("region-b", "2024-03-08", _report("2024-03-08", None, None, admin1="Hama", precision="region", killed=7,
                                       actor="Russia", targets=("hospital",))),
    # a district centroid and a point in that district: the district is compared, not the distance
    ("district-a", "2024-03-09", _report("2024-03-09", 36.200, 37.150, admin1="Aleppo", admin2="Jebel Saman",
                                         precision="district", killed=3, actor="Turkey", targets=("school",))),
    ("district-b", "2024-03-09", _report("2024-03-09", 36.210, 37.160, admin1="Aleppo", admin2="Jebel Saman",
                                         killed=3, actor="Turkey", targets=("school",))),
    # far away on the same day: alone
    ("far-a", "2024-03-05", _report("2024-03-05", 33.500, 36.300, admin1="Damascus", killed=1)),
]
EXPECTED = [{"market-a", "market-b", "market-c", "market-undated"}, {"shelling-a"}, {"drone-a", "drone-pub"},
            {"region-a", "region-b"}, {"district-a", "district-b"}, {"far-a"}]


def _random_reports(n_events: int, seed: int) -> list[tuple[str, str | None, dict[str, Any]]]:
    """Events of 1 to 4 reports, each event somewhere in eastern Syria (away
    from :data:`NAMED`) in April, with the noise real reports show: a day off, a neighbourhood
    instead of the town, a toll that rises, an undated or region-only report,
    a date that is only the publication's. Sparse enough that no incident
    grows past 4 reports (the native engine compares a larger incident's
    first three and latest reports only; docs/linking.md)."""
    rng = random.Random(seed)
    out = []
    for event in range(n_events):
        lat, lon = rng.uniform(33.0, 37.0), rng.uniform(37.5, 41.5)
        admin1 = f"gov-{int(lat)}-{int(lon)}"  # regions a degree wide, as bench/link_bench.py
        day = date(2024, 4, 1) + timedelta(days=rng.randrange(30))
        kind = rng.choice(["air_strike", "air_strike", "shelling", "drone_strike", "ground_attack"])
        killed = rng.choice([1, 2, 3, 5, 8, 12, 20])
        actor = rng.choice(["Russia", "Syrian government", "Turkey", None])
        target = rng.choice([(), (), ("market",), ("school",), ("hospital",)])
        for k in range(rng.randint(1, 4)):
            when = day + timedelta(days=rng.choice([0, 0, 0, 1]))
            roll = rng.random()
            published = when.isoformat() if roll > 0.05 else None
            region_only = 0.05 <= roll < 0.12
            rep = _report(None if roll < 0.05 else when.isoformat(),
                          None if region_only else round(lat + rng.gauss(0, 0.01), 4),
                          None if region_only else round(lon + rng.gauss(0, 0.01), 4), admin1=admin1,
                          precision="region" if region_only else "locality",
                          kind=kind if rng.random() < 0.85 else "air_strike",
                          killed=killed + rng.choice([0, 0, 1, 2]) if rng.random() < 0.8 else None,
                          actor=actor if rng.random() < 0.8 else None, targets=target, said=roll > 0.3)
            out.append((f"rand-{event}-{k}", published, rep))
    return out


def _store(path: Path, reports: list[tuple[str, str | None, dict[str, Any]]]) -> None:
    """One stored document per report, its extraction saved as the extractor would."""
    with Store(path) as store:
        for ident, published, rep in reports:
            doc_id, _ = store.add_document(NewDocument(
                source_id=ident, raw=ident.encode(), origin="file", media_type="text/plain", text=ident,
                source="Outlet", published=published))
            store.save_extraction(doc_id, "test-extractor", language="en", reports=[rep], errors=[])


def _state(path: Path) -> dict[str, Any]:
    """What a link run stored: the incidents as sets of documents (with their
    data, id and time aside), and each report's link (method, score, comparisons)."""
    with Store(path) as store:
        rows = store.linked_reports()
        docs: dict[Any, set[str]] = {}
        for r in rows:
            docs.setdefault(r["incident_id"], set()).add(r["document_id"])
        incidents = {}
        for iid, members in docs.items():
            data = store.incident_row(iid)["data"]
            incidents[frozenset(members)] = {k: v for k, v in data.items() if k not in ("updated",)}
        links = {r["document_id"]: (r["method"], r["score"], r["comparisons"], r["locked"]) for r in rows}
        return {"incidents": incidents, "links": links, "groups": sorted(map(sorted, docs.values()))}


def _by_doc(path: Path) -> dict[str, int]:
    with Store(path) as store:
        return {r["document_id"]: r["report_id"] for r in store.linked_reports()}


# --------------------------------------------------------------------------
# without Splink


def test_core_import_does_not_load_splink_or_duckdb() -> None:
    code = ("import sys, strikewatch.cli, strikewatch.jobs, strikewatch.link.duckdb_link, "
            "strikewatch.link.splink_model, strikewatch.spark.link; "
            "assert not {'splink', 'duckdb', 'pyarrow', 'pyspark'} & set(sys.modules), sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_spark_and_duckdb_sql_differ_only_in_their_list_functions() -> None:
    """One model, two dialects: every level's condition is the same text but
    the target comparison's (Spark size/arrays_overlap, DuckDB len/list_has_any)."""
    from strikewatch.link.splink_model import comparison_levels

    s = LinkSettings()
    spark, duck = comparison_levels(s, "spark"), comparison_levels(s, "duckdb")
    assert {k: v for k, v in spark.items() if k != "target"} == {k: v for k, v in duck.items() if k != "target"}
    assert [k for k, _ in spark["target"]] == [k for k, _ in duck["target"]]
    assert "arrays_overlap(l.targets, r.targets)" in dict(spark["target"]).values()
    assert "list_has_any(l.targets, r.targets)" in dict(duck["target"]).values()
    assert "len(l.targets) = 0 OR len(r.targets) = 0" == duck["target"][0][1]
    with pytest.raises(ValueError):
        comparison_levels(s, "sqlite")


def test_missing_splink_is_a_usage_error_before_anything_is_undone(sw: Any, db: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from strikewatch.jobs import link_stored

    _store(db, NAMED)
    assert sw("link").code == 0
    before = _state(db)
    monkeypatch.setitem(sys.modules, "splink", None)  # `import splink` now fails as if not installed
    done = sw("link", "--rebuild", "--engine", "splink")
    assert done.code == 1 and done.err.startswith("error[missing_extra]: ")
    assert "strikewatch[link]" in done.err and "native" in done.err
    with Store(db) as store, pytest.raises(UsageError) as caught:
        link_stored(store, rebuild=True, engine="splink")
    assert caught.value.code == "missing_extra"
    assert _state(db) == before  # no link was undone


def test_the_engine_is_for_rebuilds(sw: Any, db: Path) -> None:
    from strikewatch.jobs import link_stored

    _store(db, NAMED[:2])
    done = sw("link", "--engine", "splink")
    assert done.code == 2 and done.err.startswith("error[usage]: --engine splink needs --rebuild")
    assert sw("link", "--engine", "spark").code == 2  # not a choice
    with Store(db) as store:
        with pytest.raises(UsageError):
            link_stored(store, engine="splink")
        with pytest.raises(UsageError):
            link_stored(store, rebuild=True, engine="spark")
        assert store.linked_reports() == []
    assert "An incremental link is always native" in " ".join(sw("link", "--help").out.split())


# --------------------------------------------------------------------------
# with Splink on DuckDB


@needs_splink
def test_link_batch_of_the_splink_engine_is_link_batch() -> None:
    """In memory: the same clusters and, for every report, the same link
    (score, comparisons and their labels) as :func:`match.link_batch`."""
    from strikewatch.link import duckdb_link

    cands = [Candidate.from_report(i, rep, pub) for i, (_, pub, rep) in enumerate(NAMED + _random_reports(60, 3))]
    native, splink = link_batch(cands), duckdb_link.link_batch(cands)
    sizes = [c for c, _ in native]
    assert max(map(sizes.count, sizes)) <= 4  # within what the engines do alike (docs/linking.md)
    assert [c for c, _ in splink] == [c for c, _ in native]  # both number clusters as they are founded
    assert [s and s.as_dict() for _, s in splink] == [s and s.as_dict() for _, s in native]
    assert sum(s is not None for _, s in native) > 80
    assert duckdb_link.link_batch([]) == [] and duckdb_link.link_batch(cands[:1]) == [(0, None)]


@needs_splink
def test_both_engines_store_the_same_incidents_links_and_weights(sw: Any, db: Path) -> None:
    _store(db, NAMED + _random_reports(40, 11))
    assert sw("link").code == 0
    native = sw("link", "--rebuild", "--engine", "native", "--json").json()
    first = _state(db)
    splink = sw("link", "--rebuild", "--engine", "splink", "--json").json()
    second = _state(db)
    assert second["groups"] == first["groups"]  # the same partition of the reports
    assert second["links"] == first["links"]  # each link's method, score and comparisons (labels too)
    assert second["incidents"] == first["incidents"]  # and every incident built alike, key included
    assert {k: v for k, v in splink.items()} == {k: v for k, v in native.items()}
    named = [sorted(g) for g in EXPECTED]
    assert all(g in second["groups"] for g in named), second["groups"]
    # the cases are in the sample: an undated report, a publication window, regions and a district
    levels = {c["level"] for method, _, comps, _ in second["links"].values() for c in comps}
    assert {"undated", "same region only", "same district"} <= levels
    assert any(c["level"].endswith("(publication dates)") for *_, comps, _ in second["links"].values()
               for c in comps)
    market = second["links"]["market-undated"]
    assert market[0] == "fellegi-sunter" and market[2][0] == {"field": "date", "level": "undated", "weight": -0.055}
    assert second["links"]["market-a"][0] == "founded"


@needs_splink
@pytest.mark.parametrize("engine", ["native", "splink"])
def test_an_analysts_split_and_merge_survive_a_rebuild(sw: Any, db: Path, engine: str) -> None:
    """An analyst splits the undated market report off its incident and merges
    the two drone reports' incident into the far one: a rebuild with either
    engine keeps both decisions, and both engines place the other reports alike."""
    from strikewatch import review

    _store(db, NAMED + _random_reports(25, 5))
    assert sw("link").code == 0
    ids = _by_doc(db)
    with Store(db) as store:
        market = store.linked_reports(incident_id=_incident_of(store, ids["market-a"]))
        assert {m["document_id"] for m in market} == EXPECTED[0]
        _, split_off = review.split(store, _incident_of(store, ids["market-a"]), [ids["market-undated"]],
                                    reason="a separate strike, says the analyst")
        review.merge(store, _incident_of(store, ids["far-a"]), _incident_of(store, ids["drone-a"]),
                     reason="the same strike, says the analyst")
    decided = _state(db)
    locked = {d: link for d, link in decided["links"].items() if link[3]}
    assert set(locked) >= {"market-a", "market-b", "market-c", "market-undated", "drone-a", "drone-pub", "far-a"}

    assert sw("link", "--rebuild", "--engine", engine).code == 0
    after = _state(db)
    assert {d: after["links"][d] for d in locked} == locked  # each locked link as the analyst left it
    groups = [set(g) for g in after["groups"]]
    assert {"market-undated"} in groups and {"market-a", "market-b", "market-c"} in groups
    assert {"far-a", "drone-a", "drone-pub"} in groups
    with Store(db) as store:
        assert store.incident_row(split_off["incident_id"])["data"]["document_ids"] == ["market-undated"]
        assert store.verify().ok

    # the other engine, rebuilding the same decisions, gives the same incidents
    other = "splink" if engine == "native" else "native"
    assert sw("link", "--rebuild", "--engine", other).code == 0
    again = _state(db)
    assert again["groups"] == after["groups"] and again["links"] == after["links"]
    assert again["incidents"] == after["incidents"]


def _incident_of(store: Store, report_id: int) -> int:
    return next(r["incident_id"] for r in store.linked_reports() if r["report_id"] == report_id)


@needs_splink
def test_splink_links_score_as_compare_does() -> None:
    """Each link the splink engine makes carries the comparisons `compare`
    gives the same pair, and reaches the threshold; raising the threshold
    links less."""
    from strikewatch.link import duckdb_link

    cands = [Candidate.from_report(i, rep, pub) for i, (_, pub, rep) in enumerate(NAMED)]
    backs = duckdb_link.links_back(cands)
    for i, back in enumerate(backs):
        if back is not None:
            j, score = back
            assert j < i and score.as_dict() == compare(cands[i], cands[j]).as_dict()
            assert score.score >= LinkSettings().threshold
    strict = duckdb_link.links_back(cands, LinkSettings(threshold=14.0))
    assert 0 < sum(b is not None for b in strict) < sum(b is not None for b in backs)
    # the first `fixed` candidates never link back, and the rest may link to them
    fixed = duckdb_link.links_back(cands, fixed=2)
    assert fixed[:2] == [None, None] and fixed[2] is not None and fixed[2][0] in (0, 1)

"""Linking: Fellegi-Sunter comparisons, blocking, clustering, and the scores of a clustering."""

from __future__ import annotations

from strikewatch.evaluate import link_scores
from strikewatch.link.match import Candidate, LinkSettings, blocked, compare, day_gap, link_batch


def report(day="2019-07-22", lat=35.649, lon=36.671, kind="air_strike", killed=23, targets=(), actor="Russia",
           admin1="Idlib", admin2="Al Ma'ra", precision="locality"):
    return {"event_type": kind, "date": {"start": day},
            "location": {"lat": lat, "lon": lon, "admin1": admin1, "admin2": admin2, "precision": precision},
            "casualties": {"killed": {"best": killed}}, "targets": [{"type": t} for t in targets],
            "attribution": {"actor": actor} if actor else None}


def cand(key, **kw):
    return Candidate.from_report(key, report(**kw))


def test_the_same_strike_told_twice_links_with_its_reasons():
    a = cand("a", targets=["market"])
    b = cand("b", day="2019-07-23", lat=35.652, lon=36.668, killed=31, targets=["market"])
    score = compare(a, b)
    assert score.score >= LinkSettings().threshold
    fields = {c.field: c for c in score.comparisons}
    assert set(fields) == {"date", "distance", "event_type", "killed", "target", "actor"}
    assert fields["date"].level == "1 day apart" and fields["distance"].weight > 0
    assert score.as_dict()["comparisons"][0].keys() == {"field", "level", "weight"}


def test_blocking_keeps_distant_or_late_or_unlike_reports_apart():
    a = cand("a")
    assert blocked(a, cand("far", lat=36.2, lon=37.15))  # Aleppo, ~75 km
    assert blocked(a, cand("late", day="2019-07-30"))
    assert not blocked(a, cand("shelled", kind="shelling"))
    assert not blocked(a, cand("coarse", lat=35.9, lon=36.6, precision="region"))
    # reports confuse ground attacks and strikes: the type is weighed, not blocked on
    ground = cand("ground", kind="ground_attack", killed=2, actor="Syrian government")
    assert not blocked(a, ground) and compare(a, ground).score < LinkSettings().threshold
    assert {c.level for c in compare(a, ground).comparisons if c.field == "event_type"} == {"different"}


def test_different_strikes_in_one_town_on_one_day_can_stay_apart():
    a = cand("a", killed=23, targets=["market"], actor="Russia")
    b = cand("b", kind="shelling", killed=2, targets=[], actor="Syrian government", lat=35.66, lon=36.69)
    assert compare(a, b).score < LinkSettings().threshold


def test_link_batch_clusters_in_date_order():
    cands = [cand("a"), cand("x", lat=36.2, lon=37.15, admin1="Aleppo", admin2="Jebel Saman"),
             cand("b", day="2019-07-23", killed=25), cand("c", day="2019-07-21", killed=23)]
    clusters = [c for c, _ in link_batch(cands)]
    assert clusters[0] == clusters[2] == clusters[3] != clusters[1]


def test_a_report_without_a_date_weighs_nothing_for_the_date_and_meets_dated_incidents():
    undated = Candidate.from_report("u", report(day=None, killed=23))
    assert undated.day is None
    assert not blocked(cand("a"), undated)
    when = next(c for c in compare(cand("a"), undated).comparisons if c.field == "date")
    assert when.level == "undated" and abs(when.weight) < 0.2
    # linked after the dated reports, it joins their incident rather than founding one
    cands = [undated, cand("a"), cand("b", day="2019-07-23", killed=25),
             cand("x", lat=36.2, lon=37.15, admin1="Aleppo", admin2="Jebel Saman", killed=3)]
    clusters = [c for c, _ in link_batch(cands)]
    assert clusters[0] == clusters[1] == clusters[2] != clusters[3]


def test_dates_are_windows_as_precise_as_the_report():
    # only the publication date (the extractor's stand-in, no words of the text):
    # the incident was that day or in the days before
    by_pub = Candidate.from_report("p", {"date": {"start": "2019-07-24", "end": "2019-07-24", "precision": "day",
                                                  "text": None}}, "2019-07-24T09:00:00Z")
    assert by_pub.day.isoformat() == "2019-07-24" and by_pub.span == LinkSettings().published_lag
    assert day_gap(cand("a"), by_pub) == 0 and day_gap(cand("late", day="2019-07-25"), by_pub) == 1
    said = Candidate.from_report("s", {"date": {"start": "2019-07-24", "end": "2019-07-24", "precision": "day",
                                                "text": "on Wednesday"}}, "2019-07-24")
    assert said.span == 0 and day_gap(cand("a"), said) == 2
    # a month or a year is no day to compare: the publication date stands in, or nothing
    year = {"date": {"start": "2019-01-01", "end": "2019-12-31", "precision": "year", "text": "in 2019"}}
    assert Candidate.from_report("y", year).day is None
    assert Candidate.from_report("y", year, "2019-07-23").day.isoformat() == "2019-07-23"
    overnight = Candidate.from_report("o", {"date": {"start": "2019-07-21", "end": "2019-07-22", "precision": "day",
                                                     "text": "overnight"}})
    assert overnight.day.isoformat() == "2019-07-22" and overnight.span == 1


def test_em_estimates_m_and_u_from_unlabelled_reports():
    import random
    from datetime import date, timedelta

    from strikewatch.link.em import describe, estimate, monotone

    rng = random.Random(7)
    cands = []
    for event in range(120):
        day = date(2020, 1, 1) + timedelta(days=rng.randrange(700))
        lat, lon = rng.uniform(33.0, 37.0), rng.uniform(36.0, 41.0)
        kind, killed = rng.choice(["air_strike", "shelling", "ground_attack"]), rng.choice([1, 2, 4, 7, 12])
        for k in range(rng.randint(1, 4)):
            r = report(day=(day + timedelta(days=rng.choice([0, 0, 1]))).isoformat(), lat=lat + rng.gauss(0, 0.005),
                       lon=lon + rng.gauss(0, 0.005), kind=kind, killed=killed + rng.choice([0, 0, 1]),
                       admin1=f"r{int(lat)}", admin2=f"d{lat:.1f}", actor=rng.choice(["Russia", "Turkey", None]))
            cands.append(Candidate.from_report((event, k), r))
    est = estimate(cands)
    w = est.settings.weights
    assert w["date_same"] > 3 and w["dist_2km"] > 3 and w["type_same"] > 0 > w["type_other"]
    assert w["dist_2km"] >= w["dist_10km"] >= w["dist_40km"] >= w["dist_far"]  # kept in order
    assert "dist_2km" in describe(est) and est.random_pairs > 0
    # pool-adjacent-violators: a farther level never weighs more than a nearer one
    m, u = {"a": 0.5, "b": 0.1, "c": 0.4}, {"a": 0.1, "b": 0.1, "c": 0.1}
    fixed = monotone(("a", "b", "c"), m, u)
    assert fixed["a"] == 0.5 and abs(fixed["b"] - 0.25) < 1e-9 and abs(fixed["c"] - 0.25) < 1e-9


def test_link_scores_pairwise_and_bcubed():
    gold = {"a": 1, "b": 1, "c": 2, "d": 3}
    perfect = link_scores({"a": "x", "b": "x", "c": "y", "d": "z"}, gold)
    assert perfect["pairwise_f1"] == 1 and perfect["bcubed_f1"] == 1
    lumped = link_scores({"a": "x", "b": "x", "c": "x", "d": "x"}, gold)
    assert lumped["bcubed_recall"] == 1 and lumped["pairwise_precision"] == 1 / 6
    split = link_scores({"a": 1, "b": 2, "c": 3, "d": 4}, gold)
    assert split["bcubed_precision"] == 1 and split["pairwise_recall"] == 0


def test_stored_reports_link_into_incidents_with_reasons_and_rebuild_respects_analysts(sw, db):
    from strikewatch.store import Store

    from .conftest import SAMPLES

    sw("ingest", SAMPLES / "corpus", SAMPLES / "feeds", SAMPLES / "html")
    first = sw("link", "--json").json()
    assert first["reports"] > 30 and first["joined"] >= 3
    incidents = sw("incidents", "--json", "--limit", "500").json()
    assert len(incidents) == first["incidents_created"]
    maarat = [i for i in incidents if {"sample-en-001", "chm-2019-0723-02"} <= set(i["document_ids"])]
    assert len(maarat) == 1, "two reports of the Maarat al-Numan market strike should be one incident"
    assert "sample-ar-001" in maarat[0]["document_ids"]  # the Arabic post of it too
    inc = maarat[0]
    assert all(f["document_id"] in inc["document_ids"] for f in inc["figures"])
    assert inc["grade"] in ("fair", "weak", "contested", "confirmed", "discounted")
    shown = sw("incidents", "--json", inc["incident_id"]).json()
    joined = [link for link in shown["links"] if link["method"] == "fellegi-sunter"]
    assert joined and all(link["score"] >= 6 and link["comparisons"] for link in joined)
    assert "figures:" in sw("incidents", inc["incident_id"]).out
    assert sw("link", "--json").json()["reports"] == 0  # nothing new: nothing to do
    with Store(db) as store:
        # an analyst moves one report of the market strike to an incident of its own
        members = store.linked_reports(incident_id=store.incident_row(inc["incident_id"])["id"])
        moved = members[-1]
        other = store.incident_row(incidents[0]["incident_id"])["id"]
        store.lock_link(moved["report_id"], other)
    rebuilt = sw("link", "--rebuild", "--json").json()
    assert rebuilt["unlinked"] > 0 and rebuilt["reports"] == first["reports"] - 1
    with Store(db) as store:
        kept = [m for m in store.linked_reports(incident_id=other) if m["report_id"] == moved["report_id"]]
        assert kept and kept[0]["locked"]
        assert store.verify().ok
    assert len(sw("incidents", "--json", "--limit", "500").json()) == len(incidents)


def test_two_linkers_at_once_link_each_report_once(sw, db):
    """The command line and the API's ingests may link at the same time: one waits."""
    import threading

    from strikewatch.jobs import link_stored
    from strikewatch.store import Store

    from .conftest import SAMPLES

    assert sw("ingest", str(SAMPLES / "corpus")).code == 0
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            with Store(db) as store:
                start.wait()
                link_stored(store)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(db) as store:
        reports = store.conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        linked = store.conn.execute("SELECT count(*), count(DISTINCT report_id) FROM links").fetchone()
        assert linked == (reports, reports)
        assert store.verify().ok

"""How far linking the development dedup set can go on what its texts state.

Prints figures; asserts nothing.

    .venv/bin/python bench/link_ceiling.py [DEDUP.jsonl]

Links the main reports of every text with the same comparisons as
``strikewatch eval --link`` (``link_batch``), once as extracted and then with
parts of each report replaced by the gold answer, to show which part of the
extraction bounds the B-cubed F1:

* **as extracted**: the figure ``strikewatch eval --link`` prints;
* **found dates / places**: the gold date wherever some date the extractor
  found in the text is within a day of it (otherwise no date: a wrong one
  only misleads), the gold point wherever some place it found is within
  25 km of it. That is better *choosing* with today's readers;
* **stated dates**: the gold date wherever the text writes that day (a day
  and month in any common English or Arabic form, a numeric date) or its
  publication date lies at most 8 days after it (a weekday or "yesterday"
  could then date it): a generous measure of what any reader could date;
* **gold places, types, every text reported**: the gold point (else the
  gold region) and event type for every text, and a report even for texts
  the extractor gives none;
* **gold dates and places**: every text dated and located right.

Each line is run at thresholds 4 to 9 and prints the best with its
threshold, next to the default's (8). The replacements only ever use a
document's own gold; nothing is fitted.

Data: Airwars (airwars.org), see docs/evaluation.md.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from strikewatch.evaluate import link_scores
from strikewatch.extract import arabic, dates, places
from strikewatch.extract.pipeline import extract_dict, load_resources
from strikewatch.extract.textutil import TextDoc
from strikewatch.geo.gazetteer import haversine_km
from strikewatch.link.match import Candidate, LinkSettings, link_batch

from found_vs_chosen import text_states_day  # bench/ is on the path when a bench runs

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dev" / "dedup-airwars-syria.jsonl"
THRESHOLDS = (4, 5, 6, 7, 8, 9)

_NO_REPORT: dict[str, Any] = {"date": {}, "location": {}, "event_type": None, "casualties": {},
                              "targets": [], "attribution": None}


def _doc(row: dict[str, Any]) -> TextDoc:
    if row.get("language") == "ar":
        return TextDoc(text=arabic.normalise(row["text"])[0], published=row.get("published"), language="ar")
    return TextDoc(text=row["text"], published=row.get("published"), language=row.get("language") or "en")


def _set_date(rep: dict[str, Any], day: str | None) -> None:
    rep["date"] = ({"start": day, "end": day, "precision": "day", "text": day} if day
                   else {"start": None, "end": None, "precision": None, "text": None})


def _set_place(rep: dict[str, Any], gold: dict[str, Any]) -> None:
    loc = dict(rep.get("location") or {})
    if gold.get("lat") is None or gold.get("lon") is None:
        # the gold has no point (353 of the dedup set's texts): its region, where it has one
        if gold.get("admin1"):
            loc.update(lat=None, lon=None, precision="region", admin1=gold["admin1"], admin2=None)
    else:
        loc.update(lat=gold["lat"], lon=gold["lon"], precision="locality", admin1=gold.get("admin1"))
    rep["location"] = loc


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    res = load_resources()
    docs: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        gold = row.pop("gold")
        out = extract_dict(dict(row), res)
        doc = _doc(row)
        gday = date.fromisoformat(gold["date"][:10]) if gold.get("date") else None
        found_date = gday is not None and any(
            m.precision == "day" and abs((date.fromisoformat(m.start_date) - gday).days) <= 1
            for m in dates.find_dates(doc))
        found_place = gold.get("lat") is not None and any(
            m.location.lat is not None and m.location.lon is not None
            and haversine_km(m.location.lat, m.location.lon, gold["lat"], gold["lon"]) <= 25
            for m in places.find_places(doc, res.gazetteer))
        docs.append({"row": row, "gold": gold, "report": (out["reports"] or [None])[0],
                     "found_date": found_date, "found_place": found_place,
                     "stated_date": gday is not None and text_states_day(row, gday)})

    def run(change: Callable[[dict[str, Any], dict[str, Any]], None] | None, every: bool, threshold: float
            ) -> dict[str, float]:
        cands, predicted, gold = [], {}, {}
        for d in docs:
            ident = d["row"]["id"]
            gold[ident] = d["gold"]["incident_id"]
            rep = d["report"] or (copy.deepcopy(_NO_REPORT) if every else None)
            if rep is None:
                predicted[ident] = ("alone", ident)
                continue
            if change:
                rep = copy.deepcopy(rep)
                change(d, rep)
            cands.append(Candidate.from_report(ident, rep, d["row"].get("published")))
        for cand, (cluster, _score) in zip(cands, link_batch(cands, LinkSettings(threshold=threshold))):
            predicted[cand.key] = cluster
        return link_scores(predicted, gold)

    def found_dates(d: dict[str, Any], rep: dict[str, Any]) -> None:
        _set_date(rep, d["gold"]["date"] if d["found_date"] else None)

    def found_places(d: dict[str, Any], rep: dict[str, Any]) -> None:
        if d["found_place"]:
            _set_place(rep, d["gold"])

    def found_both(d: dict[str, Any], rep: dict[str, Any]) -> None:
        found_dates(d, rep)
        found_places(d, rep)

    def stated_dates(d: dict[str, Any], rep: dict[str, Any]) -> None:
        _set_date(rep, d["gold"]["date"] if d["stated_date"] else None)

    def stated_gold_places(d: dict[str, Any], rep: dict[str, Any]) -> None:
        stated_dates(d, rep)
        _set_place(rep, d["gold"])
        if d["gold"].get("event_types"):
            rep["event_type"] = d["gold"]["event_types"][0]

    def gold_dates_places(d: dict[str, Any], rep: dict[str, Any]) -> None:
        _set_date(rep, d["gold"]["date"])
        _set_place(rep, d["gold"])

    n = len(docs)
    print(f"{path.name}: {n} texts; a report for {sum(d['report'] is not None for d in docs)}; "
          f"a date found within a day of gold in {sum(d['found_date'] for d in docs)}, "
          f"stated by the text in {sum(d['stated_date'] for d in docs)}; "
          f"a place found within 25 km in {sum(d['found_place'] for d in docs)}")
    print(f"{'case':58} {'threshold 8: P / R / F1':>26} {'best F1 (threshold)':>20}")
    cases: list[tuple[str, Any, bool]] = [
        ("as extracted", None, False),
        ("found dates", found_dates, False),
        ("found places", found_places, False),
        ("found dates and places", found_both, False),
        ("stated dates, gold places and types, every text reported", stated_gold_places, True),
        ("gold dates and places", gold_dates_places, False),
        ("gold dates and places, every text reported", gold_dates_places, True),
    ]
    for label, change, every in cases:
        scores = {t: run(change, every, t) for t in THRESHOLDS}
        d8 = scores[8]
        best = max(THRESHOLDS, key=lambda t: scores[t]["bcubed_f1"])
        print(f"{label:58} {d8['bcubed_precision']:.3f} / {d8['bcubed_recall']:.3f} / {d8['bcubed_f1']:.3f}"
              f"        {scores[best]['bcubed_f1']:.3f} ({best})")


if __name__ == "__main__":
    main()

"""Attribution accuracy and calibration on the dev sets: how often a 0.8 is right.

Prints figures; asserts nothing.

    .venv/bin/python bench/attribution_calibration.py [DEV_DIR]

Each document is extracted (``extract_dict``), its first report becomes a
single-document incident (``IncidentEvidence.from_reports``) and
:func:`strikewatch.assess.attribute.attribute_incident` judges it with the
profile of its country (Syria's for SY, the neutral one elsewhere). Scored
where the gold ``perpetrators`` is non-empty: right when the top actor is one
of the gold labels (case-insensitive). A document without a report counts as
wrong at probability 0 (nothing was said), and an "unknown" answer as wrong
at its probability. The reliability table bins the top probability; the
expected calibration error (ECE) is the bin-size-weighted mean gap between
the bin's mean probability and its share right.

Data: Airwars (airwars.org) Syria and Gaza assessments; Aid Worker Security
Database, Humanitarian Outcomes; Global drone terrorism database (Edelmann,
Figshare doi:10.6084/m9.figshare.32128399). Internal evaluation use.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from strikewatch.assess.attribute import IncidentEvidence, attribute_incident
from strikewatch.extract.pipeline import extract_dict, load_resources
from strikewatch.model import Report

SETS = ["airwars-syria-en", "airwars-gaza", "drone-db", "awsd", "airwars-syria-ar"]
ENGLISH = SETS[:4]
BINS = [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001]
DEFAULT_DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dev"


def judge(dev: Path) -> list[dict]:
    """One row per gold-labelled document: set, gold, actor, probability, right."""
    res = load_resources()
    rows = []
    for name in SETS:
        for line in (dev / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            doc = json.loads(line)
            gold = [g.lower() for g in (doc.pop("gold").get("perpetrators") or [])]
            if not gold:
                continue
            out = extract_dict(doc, res)
            if not out["reports"]:
                rows.append({"set": name, "id": doc["id"], "gold": gold, "actor": None, "p": 0.0, "right": False})
                continue
            report = Report.from_dict(out["reports"][0])
            att = attribute_incident(IncidentEvidence.from_reports([report]))
            rows.append({"set": name, "id": doc["id"], "gold": gold, "actor": att.actor,
                         "p": att.probability or 0.0, "right": att.actor.lower() in gold,
                         "per_doc": (report.attribution.actor.lower() in gold) if report.attribution else False})
    return rows


def reliability(rows: list[dict]) -> tuple[list[tuple[str, int, float, float]], float]:
    """(bin label, n, mean probability, share right) per bin, and the ECE."""
    bins: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        for i in range(len(BINS) - 1):
            if BINS[i] <= r["p"] < BINS[i + 1]:
                bins[i].append(r)
                break
    table, ece = [], 0.0
    for i in sorted(bins):
        b = bins[i]
        conf = sum(r["p"] for r in b) / len(b)
        acc = sum(r["right"] for r in b) / len(b)
        ece += len(b) / len(rows) * abs(conf - acc)
        table.append((f"{BINS[i]:.2f}-{min(BINS[i + 1], 1.0):.2f}", len(b), conf, acc))
    return table, ece


def main(argv: list[str]) -> None:
    dev = Path(argv[1]) if len(argv) > 1 else DEFAULT_DEV
    rows = judge(dev)
    print("Attribution on the dev sets (gold perpetrator known; first report = single-document incident)")
    print(f"{'set':<18}{'n':>5}{'incident':>10}{'per-doc':>9}{'no report':>11}{'unknown':>9}")
    per_set = []
    for name in SETS:
        rs = [r for r in rows if r["set"] == name]
        acc = sum(r["right"] for r in rs) / len(rs)
        per_set.append(acc)
        doc_acc = sum(r.get("per_doc", False) for r in rs) / len(rs)
        print(f"{name:<18}{len(rs):>5}{acc:>10.3f}{doc_acc:>9.3f}"
              f"{sum(r['actor'] is None for r in rs):>11}{sum(r['actor'] == 'unknown' for r in rs):>9}")
    english = [r for r in rows if r["set"] in ENGLISH]
    for label, rs in (("pooled, English", english), ("pooled, all", rows)):
        print(f"{label:<18}{len(rs):>5}{sum(r['right'] for r in rs) / len(rs):>10.3f}")
    print(f"{'mean of sets':<18}{'':>5}{sum(per_set) / len(per_set):>10.3f}")
    for name in ("airwars-syria-en", "airwars-syria-ar"):
        syr = [r for r in rows if r["set"] == name]
        sg = sum(r["actor"] == "Syrian government" for r in syr)
        print(f"\n{name}: {sg} of {len(syr)} answered 'Syrian government', a label Airwars never gives"
              " (it monitors foreign belligerents only);")
        also = sum(r["right"] or (r["actor"] == "Syrian government" and "russia" in r["gold"]) for r in syr) / len(syr)
        print(f"  accuracy if 'Syrian government' counted where Airwars says Russia: {also:.3f}")

    for label, subset in (("English sets, all answers", english),
                          ("English sets, named actors only", [r for r in english if r["actor"] not in (None, "unknown")]),
                          ("all sets, all answers", rows)):
        table, ece = reliability(subset)
        print(f"\nReliability ({label}, n={len(subset)}): how often a p is right")
        print(f"{'bin':<12}{'n':>5}{'mean p':>9}{'right':>8}{'gap':>8}")
        for lab, n, conf, acc in table:
            print(f"{lab:<12}{n:>5}{conf:>9.3f}{acc:>8.3f}{acc - conf:>+8.3f}")
        print(f"expected calibration error: {ece:.3f}")
    for name in SETS:
        _, ece = reliability([r for r in rows if r["set"] == name])
        print(f"ECE {name}: {ece:.3f}")


if __name__ == "__main__":
    main(sys.argv)

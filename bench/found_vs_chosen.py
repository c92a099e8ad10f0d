"""Where extraction loses each figure: never found, or found and not chosen.

Prints figures; asserts nothing.

    .venv/bin/python bench/found_vs_chosen.py [DEV_DIR] [SET ...]

For every labelled document of the development sets and each figure that
``strikewatch eval`` scores, two shares:

* **chosen**: the first report is right, as ``strikewatch eval`` scores it;
* **found**: the right answer is among everything the extractors found in
  the document, whatever the report chose: a date mention within a day of
  the gold date, a place mention within 25 km of the gold point, a killed
  figure (or a report's reconciled toll) inside the gold range, an actor
  mentioned as accused, claiming or confirming with a gold label, an event
  cue or weapon of a gold event type.

``found - chosen`` is what better choosing could still gain; ``1 - found``
is lost before choosing, either because the text does not state the answer
or because no extractor reads it.

For the date a third share, **stated**, asks the text itself rather than the
extractors, generously: the text writes the gold day (or a day next to it)
in any common English or Arabic form, a numeric date included, or its
publication date lies at most 8 days after it (where a weekday, "yesterday"
or "last week" could date it). No reader, however good, can date a document
outside that share: it bounds the date figure from above. The development sets' figures that the
text cannot support set a ceiling on the targets (docs/evaluation.md).

Data: see docs/evaluation.md for the sets' publishers and terms.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from strikewatch.evaluate import SetScore, score_document
from strikewatch.extract import actors, arabic, casualties, dates, events, places, sources
from strikewatch.extract.pipeline import extract_dict, load_resources
from strikewatch.extract.textutil import TextDoc
from strikewatch.geo.gazetteer import haversine_km

DEFAULT_DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dev"
SETS = ["airwars-gaza", "airwars-syria-en", "awsd", "drone-db", "ucdp-syria-geo", "airwars-syria-ar"]
FIELDS = ["date", "place_25km", "killed", "perpetrator", "event_type"]

_EN_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december"]
_AR_MONTHS = {
    1: ["كانون الثاني", "يناير"], 2: ["شباط", "فبراير"], 3: ["آذار", "اذار", "مارس"],
    4: ["نيسان", "أبريل", "ابريل"], 5: ["أيار", "ايار", "مايو"], 6: ["حزيران", "يونيو"],
    7: ["تموز", "يوليو"], 8: ["آب", "اب", "أغسطس", "اغسطس"], 9: ["أيلول", "ايلول", "سبتمبر"],
    10: ["تشرين الأول", "تشرين الاول", "أكتوبر", "اكتوبر"], 11: ["تشرين الثاني", "نوفمبر"],
    12: ["كانون الأول", "كانون الاول", "ديسمبر"],
}


def text_states_day(row: dict[str, Any], day: date) -> bool:
    """The text could date ``day`` (within a day): it writes it, or its publication date is just after it."""
    pub = row.get("published")
    if pub and day - timedelta(1) <= date.fromisoformat(pub[:10]) <= day + timedelta(8):
        return True
    text = row["text"]
    low = text.lower()
    for d in (day - timedelta(1), day, day + timedelta(1)):
        en = _EN_MONTHS[d.month - 1]
        for name in (*_AR_MONTHS[d.month], en, en[:3]):
            if (re.search(rf"(?<!\d)0?{d.day}\s*(st|nd|rd|th)?\s+(of\s+|من\s+)?(شهر\s+)?{name}", low)
                    or re.search(rf"{name}\.?\s+0?{d.day}(?!\d)", low)):
                return True
        for a, b in ((d.day, d.month), (d.month, d.day)):
            if re.search(rf"(?<!\d)0?{a}[/.\-]0?{b}(?!\d)", text):
                return True
    return False


def _doc(row: dict) -> TextDoc:
    text = row["text"]
    if row.get("language") == "ar":
        return TextDoc(text=arabic.normalise(text)[0], published=row.get("published"), language="ar")
    return TextDoc(text=text, published=row.get("published"), language=row.get("language") or "en")


def _in(value: int | None, lo: int, hi: int | None) -> bool:
    return value is not None and value >= lo and (hi is None or value <= hi)


def found(row: dict, gold: dict, result: dict, res: object) -> dict[str, bool]:
    """For each field the document is scored on: is the right answer among the candidates?"""
    doc = _doc(row)
    out: dict[str, bool] = {}
    if gold.get("date"):
        g = date.fromisoformat(gold["date"][:10])
        out["date"] = any(abs((date.fromisoformat(m.start_date) - g).days) <= 1
                          for m in dates.find_dates(doc) if m.precision == "day")
    if gold.get("lat") is not None and gold.get("lon") is not None and gold.get("geo_precision") not in ("region", "country"):
        out["place_25km"] = any(
            m.location.lat is not None and m.location.lon is not None
            and haversine_km(m.location.lat, m.location.lon, gold["lat"], gold["lon"]) <= 25
            for m in places.find_places(doc, res.gazetteer))
    if gold.get("killed_min") is not None:
        lo, hi = gold["killed_min"], gold.get("killed_max")
        figs = casualties.find_figures(doc, sources.find_sources(doc))
        values = [v for f in figs if f.measure == "killed" for v in (f.low, f.high)]
        values += [((r.get("casualties") or {}).get(k) or {}).get("best")
                   for r in result.get("reports") or [] for k in ("killed", "civilians_killed")]
        out["killed"] = (lo == 0 and (hi == 0) and not values) or any(_in(v, lo, hi) for v in values)
    if gold.get("perpetrators"):
        labels = {p.lower() for p in gold["perpetrators"]}
        out["perpetrator"] = any(a.actor.lower() in labels and a.role in ("alleged", "claimed", "confirmed")
                                 for a in actors.find_actors(doc, sources.find_sources(doc)))
    kinds = gold.get("event_types") or []
    if kinds and kinds != ["none"]:
        cues = {e.event_type for e in events.find_events(doc)}
        cues |= {w.event_type for w in events.find_weapons(doc) if w.event_type}
        out["event_type"] = bool(cues & set(kinds))
    return out


def main() -> None:
    args = sys.argv[1:]
    dev = Path(args.pop(0)) if args and Path(args[0]).is_dir() else DEFAULT_DEV
    names = args or SETS
    res = load_resources()
    print(f"{'set':18} {'figure':12} {'n':>5} {'chosen':>7} {'found':>7} {'choosing':>9} {'not found':>10}")
    for name in names:
        path = dev / f"{name}.jsonl"
        if not path.exists():
            continue
        tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        stated = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            gold = row.pop("gold", None) or {}
            result = extract_dict(dict(row), res)
            score = SetScore(name)
            score_document(gold, result, score)
            for field, ok in found(row, gold, result, res).items():
                t = score.tallies[field]
                if not t.total:
                    continue
                tally[field][0] += 1
                tally[field][1] += t.right
                tally[field][2] += ok or bool(t.right)
                if field == "date":
                    stated += bool(t.right) or text_states_day(row, date.fromisoformat(gold["date"][:10]))
        for field in FIELDS:
            n, right, got = tally.get(field, (0, 0, 0))
            if n:
                print(f"{name:18} {field:12} {n:5} {right / n:7.3f} {got / n:7.3f} {(got - right) / n:9.3f} "
                      f"{1 - got / n:10.3f}")
        if tally.get("date"):
            print(f"{name:18} {'date stated':12} {tally['date'][0]:5} {stated / tally['date'][0]:7.3f}")
    print("choosing: found but not chosen (share of the set); not found: no candidate was right; "
          "date stated: the text writes the day or was published within 8 days after it")


if __name__ == "__main__":
    main()

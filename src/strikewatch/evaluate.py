"""Score extraction against labelled files (the dev-set format of the evaluation data).

Each figure is the share of right documents among those whose gold has that
field; documents whose gold ``event_types`` is ``["none"]`` count only for
"no report". The prediction is the document's first report. See the scoring
table in the evaluation data's README; this module implements it.
"""

from __future__ import annotations

import json
import math
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from .geo.gazetteer import haversine_km

FIGURES = (
    "report", "no_report", "date", "place_10km", "place_25km", "admin1",
    "killed", "injured", "event_type", "perpetrator", "target_f1",
)

# Syrian governorates in the spellings reports use, unified to one key.
_GOVERNORATES = {
    "idlib": ("idleb",),
    "aleppo": ("halab",),
    "hama": ("hamah", "hamaa"),
    "homs": ("hims",),
    "deir ez zor": ("deir ezzor", "deir al zor", "deir el zor", "deir al zour", "deir ez zour", "dayr az zawr",
                    "deir ezzor", "deirezzor", "dair ez zor", "deir ez-zor", "deir azzor", "deir al-zour"),
    "raqqa": ("raqqah", "rakka", "ar raqqah", "al raqqah", "raqa"),
    "hasakah": ("hasaka", "hassakeh", "al hasakah", "hasakeh", "al hasaka", "hassake", "hasake"),
    "daraa": ("dara a", "deraa", "dar a", "daraa", "der a"),
    "quneitra": ("al qunaytirah", "qunaytirah", "quneitera", "kuneitra"),
    "latakia": ("lattakia", "al ladhiqiyah", "ladhiqiyah", "latakiyah", "lattaquie"),
    "tartus": ("tartous", "tartouss", "tartosa"),
    "damascus": ("dimashq",),
    "rif dimashq": ("damascus countryside", "rural damascus", "rif dimashk", "reef dimashq", "damascus suburbs",
                    "rif damascus", "damascus rural", "rif dimasq"),
    "as suwayda": ("suwayda", "sweida", "suwaida", "as sweida", "al suwayda", "sweida"),
}
_ALIAS = {alias: key for key, aliases in _GOVERNORATES.items() for alias in (key, *aliases)}
_ADMIN_WORDS = re.compile(
    r"\b(governorate|province|region|state|district|oblast|wilayah|muhafazat|mohafazat|prefecture|department|county)\b")
_ARTICLE = re.compile(r"^(al|el|ar|as|ad|ash|at|az|an|the)[\s-]+")


def normalise_admin1(name: str | None) -> str:
    """Case, diacritics, a leading article and words like 'governorate' ignored."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("'", "").replace("\u2019", "").replace("`", "")
    text = _ADMIN_WORDS.sub(" ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    if text in _ALIAS:
        return _ALIAS[text]
    stripped = _ARTICLE.sub("", text).strip()
    return _ALIAS.get(stripped, stripped)


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += bool(ok)

    @property
    def value(self) -> float | None:
        return self.right / self.total if self.total else None


@dataclass
class SetScore:
    name: str
    documents: int = 0
    seconds: float = 0.0
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in FIGURES if k != "target_f1"})
    tp: int = 0
    fp: int = 0
    fn: int = 0
    target_docs: int = 0

    def figures(self) -> dict[str, float | None]:
        out = {k: t.value for k, t in self.tallies.items()}
        if self.target_docs:
            p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
            r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
            out["target_f1"] = 2 * p * r / (p + r) if p + r else 0.0
        else:
            out["target_f1"] = None
        return {k: out[k] for k in FIGURES}

    def as_dict(self) -> dict[str, Any]:
        return {
            "set": self.name, "documents": self.documents,
            "docs_per_second": self.documents / self.seconds if self.seconds else None,
            "figures": self.figures(),
            "counts": {k: [t.right, t.total] for k, t in self.tallies.items()}
            | {"target_f1": [self.tp, self.fp, self.fn]},
        }


def _in_range(value: int | None, lo: int | None, hi: int | None) -> bool:
    if value is None:
        return lo == 0 and hi == 0
    if lo is not None and value < lo:
        return False
    return hi is None or value <= hi


def _best(casualties: dict[str, Any], key: str) -> int | None:
    rng = casualties.get(key) or {}
    return rng.get("best") if isinstance(rng, dict) else None


def score_document(gold: dict[str, Any], result: dict[str, Any], score: SetScore) -> None:
    """Add one document's outcome to ``score``."""
    t = score.tallies
    reports = result.get("reports") or []
    first = reports[0] if reports else {}
    kinds = gold.get("event_types") or []
    if kinds == ["none"]:
        t["no_report"].add(not reports)
        return
    t["report"].add(bool(reports))
    if gold.get("date"):
        start = ((first.get("date") or {}).get("start")) if first else None
        ok = False
        if start:
            try:
                ok = abs((date.fromisoformat(start[:10]) - date.fromisoformat(gold["date"][:10])).days) <= 1
            except ValueError:
                ok = False
        t["date"].add(ok)
    if gold.get("lat") is not None and gold.get("lon") is not None and gold.get("geo_precision") not in ("region", "country"):
        loc = first.get("location") or {} if first else {}
        dist = (haversine_km(loc["lat"], loc["lon"], gold["lat"], gold["lon"])
                if loc.get("lat") is not None and loc.get("lon") is not None else math.inf)
        t["place_10km"].add(dist <= 10)
        t["place_25km"].add(dist <= 25)
    if gold.get("admin1"):
        loc = first.get("location") or {} if first else {}
        t["admin1"].add(bool(loc.get("admin1")) and normalise_admin1(loc.get("admin1")) == normalise_admin1(gold["admin1"]))
    cas = first.get("casualties") or {} if first else {}
    civilian = gold.get("casualty_scope") == "civilians"
    if gold.get("killed_min") is not None:
        best = _best(cas, "civilians_killed") if civilian else None
        best = best if best is not None else _best(cas, "killed")
        t["killed"].add(_in_range(best, gold["killed_min"], gold.get("killed_max")))
    if gold.get("injured_min") is not None:
        best = _best(cas, "civilians_injured") if civilian else None
        best = best if best is not None else _best(cas, "injured")
        t["injured"].add(_in_range(best, gold["injured_min"], gold.get("injured_max")))
    if kinds:
        t["event_type"].add(bool(first) and first.get("event_type") in kinds)
    if gold.get("perpetrators"):
        t["perpetrator"].add(_perpetrator(first) in {p.lower() for p in gold["perpetrators"]})
    if gold.get("targets") is not None:
        score.target_docs += 1
        predicted = {tg.get("type") for tg in (first.get("targets") or [])} if first else set()
        expected = set(gold["targets"])
        score.tp += len(predicted & expected)
        score.fp += len(predicted - expected)
        score.fn += len(expected - predicted)


def _perpetrator(report: dict[str, Any]) -> str | None:
    if not report:
        return None
    actor = (report.get("attribution") or {}).get("actor")
    if actor:  # the system's judgement comes first, "unknown" included
        return actor.lower()
    for p in report.get("perpetrators") or []:
        if p.get("role") in ("alleged", "claimed", "confirmed") and p.get("actor"):
            return p["actor"].lower()
    return None


def evaluate_file(path: Path, extract_line: Callable[[dict[str, Any]], dict[str, Any]]) -> SetScore:
    """Run ``extract_line`` (input dict -> extract output dict) over one gold file."""
    score = SetScore(path.stem)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        gold = row.pop("gold", None) or {}
        start = time.perf_counter()
        result = extract_line(row)
        score.seconds += time.perf_counter() - start
        score.documents += 1
        score_document(gold, result, score)
    return score


def mean_figures(scores: Iterable[SetScore]) -> dict[str, float | None]:
    """The mean over sets of each figure, over the sets where it is defined."""
    per = [s.figures() for s in scores]
    out: dict[str, float | None] = {}
    for k in FIGURES:
        vals = [f[k] for f in per if f[k] is not None]
        out[k] = sum(vals) / len(vals) if vals else None
    return out


def format_table(scores: list[SetScore]) -> str:
    heads = ["set", "docs", "docs/s", *FIGURES]
    rows = []
    for s in scores:
        f = s.figures()
        rate = s.documents / s.seconds if s.seconds else 0.0
        rows.append([s.name, str(s.documents), f"{rate:.0f}", *("-" if f[k] is None else f"{f[k]:.3f}" for k in FIGURES)])
    if len(scores) > 1:
        m = mean_figures(scores)
        docs = sum(s.documents for s in scores)
        secs = sum(s.seconds for s in scores)
        rows.append(["mean of sets", str(docs), f"{docs / secs if secs else 0:.0f}",
                     *("-" if m[k] is None else f"{m[k]:.3f}" for k in FIGURES)])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


def link_scores(predicted: dict[str, Any], gold: dict[str, Any]) -> dict[str, float]:
    """Pairwise and B-cubed precision, recall and F1 of a clustering against gold labels.

    ``predicted`` and ``gold`` map each document id to a cluster label; only
    documents present in both count.
    """
    ids = [d for d in gold if d in predicted]
    by_pred: dict[Any, set[str]] = {}
    by_gold: dict[Any, set[str]] = {}
    for d in ids:
        by_pred.setdefault(predicted[d], set()).add(d)
        by_gold.setdefault(gold[d], set()).add(d)

    def pairs(groups: dict[Any, set[str]]) -> set[tuple[str, str]]:
        return {(a, b) for g in groups.values() for a in g for b in g if a < b}

    pp, gp = pairs(by_pred), pairs(by_gold)
    p_pair = len(pp & gp) / len(pp) if pp else 1.0
    r_pair = len(pp & gp) / len(gp) if gp else 1.0
    p_b3 = sum(len(by_pred[predicted[d]] & by_gold[gold[d]]) / len(by_pred[predicted[d]]) for d in ids) / len(ids) if ids else 0.0
    r_b3 = sum(len(by_pred[predicted[d]] & by_gold[gold[d]]) / len(by_gold[gold[d]]) for d in ids) / len(ids) if ids else 0.0

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    return {"documents": len(ids), "pairwise_precision": p_pair, "pairwise_recall": r_pair,
            "pairwise_f1": f1(p_pair, r_pair), "bcubed_precision": p_b3, "bcubed_recall": r_b3,
            "bcubed_f1": f1(p_b3, r_b3)}

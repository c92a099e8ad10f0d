"""Build the published incident record (spec §4) from its linked reports.

Every value traces back: figures carry the document id and span they came
from, perpetrator mentions keep theirs, and the location and date are those
of a member report. The judgement parts (reconciled casualties, attribution,
grade) come from ``assess/``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime, timezone
from typing import Any

from .. import vocab

PRECISION_RANK = {"exact": 0, "locality": 1, "district": 2, "region": 3, "country": 4, None: 5}


def incident_key(first_report_id: Any) -> str:
    """A stable public id, derived from the report that founded the incident."""
    return "inc-" + hashlib.sha256(f"report:{first_report_id}".encode()).hexdigest()[:16]


def build_incident(key: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    """The spec §4 incident of ``members`` (dicts with report, document_id, published, outlet)."""
    from ..assess.grade import grade
    from ..assess.reconcile import LinkedReport, reconcile
    from ..model import Report

    linked = [LinkedReport(document_id=m["document_id"], published=m.get("published"), outlet=m.get("outlet"),
                           report=Report.from_dict(m["report"])) for m in members]
    reports = [m["report"] for m in members]
    rec = reconcile(linked)
    attribution = _attribution(members)
    from ..model import Attribution

    grade_label, reasons = grade(linked, Attribution.from_dict(attribution) if attribution else None)
    kinds = Counter(r.get("event_type") for r in reports if r.get("event_type"))
    located = sorted(reports, key=lambda r: (PRECISION_RANK.get((r.get("location") or {}).get("precision"), 5),
                                             -(r.get("confidence") or 0)))
    dated = sorted(reports, key=lambda r: (_date_rank(r.get("date") or {}), -(r.get("confidence") or 0)))
    targets: dict[tuple[str, str | None], dict[str, Any]] = {}
    for r in reports:
        for t in r.get("targets") or []:
            targets.setdefault((t.get("type"), t.get("name")), {**t, "protected": vocab.is_protected(t.get("type"))})
    perpetrators = [{**p, "document_id": m["document_id"]} for m in members for p in m["report"].get("perpetrators") or []]
    sources = list(dict.fromkeys(s for r in reports for s in r.get("sources") or []))
    return {
        "incident_id": key,
        "format_version": vocab.FORMAT_VERSION,
        "document_ids": list(dict.fromkeys(m["document_id"] for m in members)),
        "event_type": kinds.most_common(1)[0][0] if kinds else None,
        "date": dated[0].get("date") if dated else None,
        "location": located[0].get("location") if located else None,
        "targets": list(targets.values()),
        "casualties": rec.casualties.to_dict(),
        "figures": [f.to_dict() for f in rec.figures],
        "perpetrators": perpetrators,
        "attribution": attribution,
        "grade": grade_label,
        "grade_reasons": reasons,
        "sources": sources,
        "updated": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _date_rank(d: dict[str, Any]) -> tuple[int, str]:
    order = {"day": 0, "week": 1, "month": 2, "year": 3}
    return (order.get(d.get("precision"), 4) + (0 if d.get("text") else 5), d.get("start") or "9999")


def _attribution(members: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Interim: the most confident member report's own attribution."""
    best = None
    for m in members:
        a = m["report"].get("attribution")
        if a and a.get("actor") and (best is None or (a.get("probability") or 0) > (best.get("probability") or 0)):
            best = a
    return best

"""Build the published incident record (spec §4) from its linked reports.

Judging the incident (reconciled figures, attribution, grade) is the
assessment stage's work; linking only decides which reports belong together.

Every value traces back: figures carry the document id and span they came
from, perpetrator mentions keep theirs, and the location and date are those
of a member report. The judgement parts (reconciled casualties, attribution,
grade) come from ``assess/``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from .. import vocab
from ..model import Attribution, Report
from .attribute import FlightEvidence, IncidentEvidence, attribute_incident
from .grade import grade
from .reconcile import LinkedReport, reconcile

PRECISION_RANK = {"exact": 0, "locality": 1, "district": 2, "region": 3, "country": 4, None: 5}


def incident_key(first_report_id: Any) -> str:
    """A stable public id, derived from the report that founded the incident."""
    return "inc-" + hashlib.sha256(f"report:{first_report_id}".encode()).hexdigest()[:16]


def build_incident(key: str, members: list[dict[str, Any]],
                   flights: list[FlightEvidence] | None = None) -> dict[str, Any]:
    """The spec §4 incident of ``members`` (dicts with report, document_id, published, outlet).

    With ``flights`` (sightings tied to the incident, :func:`flights_for`),
    the attribution is the incident-level engine's over every member report
    and the flights; without, the most confident member report's own (the
    engine alone measures slightly worse than the per-document attribution)."""
    linked = [LinkedReport(document_id=m["document_id"], published=m.get("published"), outlet=m.get("outlet"),
                           report=Report.from_dict(m["report"])) for m in members]
    reports = [m["report"] for m in members]
    rec = reconcile(linked)
    attribution = _attribution(members)
    if flights:
        engine = attribute_incident(IncidentEvidence.from_reports([lr.report for lr in linked], flights=flights))
        attribution = engine.to_dict()
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


# --------------------------------------------------------------------------
# sightings as flight evidence

#: minutes before the incident a sighting may be, when both times are known
SIGHTING_MINUTES_BEFORE = 90
#: km from the incident for a sighting with a position
SIGHTING_RADIUS_KM = 30.0
#: degrees between a flight's heading and the bearing from its base to the incident
SIGHTING_HEADING_TOLERANCE = 30.0
#: farthest a flight from a base is followed (km)
SIGHTING_MAX_RANGE_KM = 450.0


def sighting_window(members: list[dict[str, Any]]) -> tuple[str, str] | None:
    """The time in which a sighting may bear on the incident: 0-90 minutes
    before it when its time of day is known, else its day (or date range)."""
    reports = [m["report"] for m in members]
    dated = sorted(reports, key=lambda r: (_date_rank(r.get("date") or {}), -(r.get("confidence") or 0)))
    d = (dated[0].get("date") or {}) if dated else {}
    start = d.get("start")
    if not start:
        return None
    if "T" in start:
        try:
            at = datetime.fromisoformat(start)
        except ValueError:
            return start[:10], start[:10]
        return (at - timedelta(minutes=SIGHTING_MINUTES_BEFORE)).isoformat(timespec="minutes"), \
            at.isoformat(timespec="minutes")
    return start[:10], (d.get("end") or start)[:10]


def flights_for(members: list[dict[str, Any]], sightings: list[dict[str, Any]]) -> list[FlightEvidence]:
    """The stored sightings (rows of ``Store.sightings_between``) that bear on
    the incident, as flight evidence: seen within SIGHTING_RADIUS_KM of it,
    or flying from a known base on a heading that points at it, or headed
    for its place or governorate. The observer is the stored pseudonym."""
    from ..ingest.sightings import bases
    from .attribute import angle_between, bearing, heading_degrees

    reports = [m["report"] for m in members]
    located = sorted(reports, key=lambda r: (PRECISION_RANK.get((r.get("location") or {}).get("precision"), 5),
                                             -(r.get("confidence") or 0)))
    loc = (located[0].get("location") or {}) if located else {}
    lat, lon = loc.get("lat"), loc.get("lon")
    names = {_fold(x) for r in reports for x in ((r.get("location") or {}).get("name"),
                                                  (r.get("location") or {}).get("admin1")) if x}
    by_base = {b.name: b for b in bases()}
    out = []
    for s in sightings:
        near = False
        if lat is not None and lon is not None and s.get("lat") is not None and s.get("lon") is not None:
            near = _km(lat, lon, s["lat"], s["lon"]) <= SIGHTING_RADIUS_KM
        base = by_base.get(s.get("origin") or "")
        deg = heading_degrees(s.get("heading"))
        if not near and base and base.lat is not None and deg is not None and lat is not None and lon is not None:
            near = (angle_between(bearing(base.lat, base.lon, lat, lon), deg) <= SIGHTING_HEADING_TOLERANCE
                    and _km(base.lat, base.lon, lat, lon) <= SIGHTING_MAX_RANGE_KM)
        if not near and (s.get("destination") or s.get("place")):
            said = {_fold(x) for x in (s.get("destination"), s.get("place"), s.get("destination_admin1")) if x}
            near = bool(said & names) or any(n and n in x for n in names for x in said if len(n) > 3)
        if near:
            out.append(FlightEvidence(aircraft=s.get("aircraft"), count=s.get("count"), origin=s.get("origin"),
                                      heading=s.get("heading"), time=s.get("time"), altitude=s.get("altitude"),
                                      observer=s.get("observer")))
    return out


def _fold(s: str) -> str:
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    s = ascii_ if any(c.isalnum() for c in ascii_) else s
    return " ".join(s.lower().replace("-", " ").split())


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))

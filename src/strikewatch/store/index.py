"""The derived index of incidents: what the dashboard filters and sorts on.

Everything here is computed from an incident's spec §4 JSON alone, so the
index can always be rebuilt from ``incidents.data`` (migration 0005 does it
once; :meth:`Store.save_incident` does it on every save). It is not evidence
and is not audited; the incident rows are.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..vocab import HEALTH_TARGET_TYPES

#: weights of the review queue's uncertainty score (higher: review first)
GRADE_DOUBT = {"contested": 1.0, "weak": 0.6, None: 0.5, "fair": 0.2, "discounted": 0.3, "confirmed": 0.0}


def fold(text: str | None) -> str:
    """Lower case, accents and Arabic diacritics removed, blanks collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(kept.casefold().split())


@dataclass(frozen=True)
class IndexEntry:
    row: dict[str, Any]                 # the incident_index columns but incident_id
    terms: tuple[tuple[str, str], ...]  # (kind, folded term)
    body: str                           # text for incident_fts


def _best(casualties: dict[str, Any], key: str) -> int | None:
    rng = casualties.get(key) or {}
    for k in ("best", "low", "high"):
        if isinstance(rng.get(k), int):
            return rng[k]
    return None


def uncertainty(data: dict[str, Any]) -> float:
    """How much an incident needs a human: the grade's doubt, the spread of
    its death toll, how unsure its attribution is, and how little it rests on.
    A value an analyst has set (``overrides``) counts as settled. A score in
    [0, about 3]; the review queue shows the highest first."""
    reviewed = {o.get("field", "") for o in data.get("overrides") or []}
    score = 0.0 if "grade" in reviewed else GRADE_DOUBT.get(data.get("grade"), 0.5)
    killed = (data.get("casualties") or {}).get("killed") or {}
    low, high = killed.get("low"), killed.get("high")
    if "casualties.killed" in reviewed:
        pass
    elif isinstance(low, int) and isinstance(high, int) and high > low:
        score += min(1.0, (high - low) / max(high, 1))
    elif isinstance(low, int) and high is None:
        score += 0.3  # open-ended ("at least …")
    attribution = data.get("attribution") or {}
    p = attribution.get("probability")
    if "attribution.actor" not in reviewed:
        score += (1.0 - p) if isinstance(p, (int, float)) else 0.7
    if len(data.get("document_ids") or []) <= 1:
        score += 0.2
    if "location" not in reviewed and (data.get("location") or {}).get("lat") is None:
        score += 0.2
    return round(score, 4)


def _feature(row: dict[str, Any]) -> str:
    """The map's GeoJSON Feature of an incident, kept ready in the index."""
    return json.dumps({
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
        "properties": {"incident_id": row["incident_key"], "event_type": row["event_type"], "date": row["event_date"],
                       "place": row["place"], "killed": row["killed"], "grade": row["grade"],
                       "health": bool(row["health"])}}, ensure_ascii=False, separators=(",", ":"))


def index_entry(data: dict[str, Any]) -> IndexEntry:
    loc = data.get("location") or {}
    casualties = data.get("casualties") or {}
    attribution = data.get("attribution") or {}
    targets = data.get("targets") or []
    date = data.get("date") or {}
    terms: set[tuple[str, str]] = set()
    for value in (loc.get("name"), loc.get("admin1"), loc.get("admin2"), loc.get("country"), loc.get("text")):
        if fold(value):
            terms.add(("place", fold(value)))
    for p in data.get("perpetrators") or []:
        if p.get("actor"):
            terms.add(("actor", fold(p["actor"])))
    if attribution.get("actor"):
        terms.add(("actor", fold(attribution["actor"])))
    where = fold(loc.get("name") or loc.get("admin1") or loc.get("country"))
    for t in targets:
        if t.get("type"):
            terms.add(("target", t["type"]))
        if t.get("type") in HEALTH_TARGET_TYPES and fold(t.get("name")):
            terms.add(("facility", f"{fold(t['name'])}@{where}"))
    body = " ".join(filter(None, [
        data.get("incident_id"), data.get("event_type"), loc.get("name"), loc.get("text"), loc.get("admin1"),
        loc.get("admin2"), loc.get("country"), attribution.get("actor"),
        *[p.get("actor") for p in data.get("perpetrators") or []],
        *[p.get("text") for p in data.get("perpetrators") or []],
        *[t.get("name") for t in targets], *[t.get("type") for t in targets],
        *(data.get("sources") or []), *(data.get("document_ids") or []),
    ]))
    row = {
        "incident_key": data.get("incident_id"),
        "status": "merged" if data.get("merged_into") else "active",
        "event_type": data.get("event_type"),
        "event_date": date.get("start"),
        "lat": loc.get("lat"),
        "lon": loc.get("lon"),
        "grade": data.get("grade"),
        "killed": _best(casualties, "killed"),
        "injured": _best(casualties, "injured"),
        "country": loc.get("country"),
        "admin1": loc.get("admin1"),
        "place": loc.get("name") or loc.get("text"),
        "actor": attribution.get("actor"),
        "health": int(any(t.get("type") in HEALTH_TARGET_TYPES for t in targets)),
        "documents": len(data.get("document_ids") or []),
        "uncertainty": uncertainty(data),
    }
    row["feature"] = _feature(row) if row["lat"] is not None and row["lon"] is not None else None
    return IndexEntry(row, tuple(sorted(terms)), body)


_COLUMNS = ("incident_key", "status", "event_type", "event_date", "lat", "lon", "grade", "killed", "injured", "country", "admin1",
            "place", "actor", "health", "documents", "uncertainty", "feature")


def write_index(conn: Any, incident_id: int, data: dict[str, Any]) -> None:
    """Replace one incident's index row, terms and text (inside the caller's transaction)."""
    entry = index_entry(data)
    drop_index(conn, incident_id)
    conn.execute(
        f"INSERT INTO incident_index (incident_id, {', '.join(_COLUMNS)}) VALUES (?{', ?' * len(_COLUMNS)})",
        [incident_id, *(entry.row[c] for c in _COLUMNS)])
    conn.executemany("INSERT INTO incident_terms (incident_id, kind, term) VALUES (?, ?, ?)",
                     [(incident_id, kind, term) for kind, term in entry.terms])
    if getattr(conn, "dialect", "sqlite") == "postgresql":
        from .repo import search_words

        conn.execute("INSERT INTO incident_fts (rowid, body) VALUES (?, to_tsvector('simple', ?))",
                     (incident_id, search_words(entry.body)))
    else:
        conn.execute("INSERT INTO incident_fts (rowid, body) VALUES (?, ?)", (incident_id, entry.body))


def drop_index(conn: Any, incident_id: int) -> None:
    conn.execute("UPDATE incident_index_state SET version = version + 1 WHERE id = 1")
    conn.execute("DELETE FROM incident_index WHERE incident_id = ?", (incident_id,))
    conn.execute("DELETE FROM incident_terms WHERE incident_id = ?", (incident_id,))
    conn.execute("DELETE FROM incident_fts WHERE rowid = ?", (incident_id,))


def rebuild_index(conn: Any) -> int:
    """Index every incident from its stored JSON (migration 0006's Python step)."""
    n = 0
    for incident_id, body in conn.execute("SELECT id, data FROM incidents").fetchall():
        write_index(conn, incident_id, json.loads(body))
        n += 1
    return n

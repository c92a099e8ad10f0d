"""Read queries for the workbench: filtered incident lists, map points,
timelines and the health care view, all over the derived ``incident_index``."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, fields
from typing import Any

from ..errors import StrikewatchError
from .index import fold


@dataclass(frozen=True)
class IncidentFilter:
    """What the dashboard and the API filter incidents by (every field optional)."""

    date_from: str | None = None
    date_to: str | None = None
    place: str | None = None          # a place, district, province or country name (prefix, any script)
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    event_type: str | None = None
    target_type: str | None = None
    actor: str | None = None
    grade: str | None = None
    q: str | None = None              # words anywhere in the incident's names
    health: bool = False              # only attacks on health care

    def query_args(self) -> dict[str, str]:
        """The filter as URL query parameters (empty ones left out)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, "", False):
                continue
            if f.name == "bbox":
                value = ",".join(f"{v:g}" for v in value)
            out[f.name] = "1" if value is True else str(value)
        return out


def _where(flt: IncidentFilter, dialect: str = "sqlite") -> tuple[str, list[Any]]:
    from .repo import fts_match, fts_query

    where, args = ["x.status = 'active'"], []
    if flt.date_from:
        where.append("x.event_date >= ?")
        args.append(flt.date_from)
    if flt.date_to:
        where.append("x.event_date <= ?")
        args.append(flt.date_to + "~")  # the whole last day, whatever follows the date
    if flt.bbox:
        west, south, east, north = flt.bbox
        where.append("x.lat BETWEEN ? AND ?")
        args += [south, north]
        if west <= east:
            where.append("x.lon BETWEEN ? AND ?")
            args += [west, east]
        else:  # across the antimeridian
            where.append("(x.lon >= ? OR x.lon <= ?)")
            args += [west, east]
    for column in ("event_type", "grade"):
        if getattr(flt, column):
            where.append(f"x.{column} = ?")
            args.append(getattr(flt, column))
    for kind, value in (("place", flt.place), ("actor", flt.actor), ("target", flt.target_type)):
        term = fold(value)
        if term:
            where.append("x.incident_id IN (SELECT incident_id FROM incident_terms"
                         " WHERE kind = ? AND term >= ? AND term < ?)")
            args += [kind, term, term + "\uffff"]
    if flt.q and flt.q.strip():
        where.append(f"x.incident_id IN (SELECT rowid FROM incident_fts t WHERE {fts_match(dialect, 'incident_fts', 't')})")
        try:
            args.append(fts_query(flt.q, dialect))
        except StrikewatchError as exc:
            raise StrikewatchError(exc.message, code="bad_request") from exc
    if flt.health:
        where.append("x.health = 1")
    return " AND ".join(where), args


_LIST_COLS = ("incident_key", "event_type", "event_date", "lat", "lon", "grade", "killed", "injured", "country",
              "admin1", "place", "actor", "health", "documents", "uncertainty")


class QueryStore:
    """Mixed into :class:`~strikewatch.store.repo.Store`."""

    conn: Any
    dialect: str

    def _select(self, sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc) or "MATCH" in str(exc):
                raise StrikewatchError(f"bad search: {exc}", code="bad_request") from exc
            raise

    def search_incidents(self, flt: IncidentFilter, *, limit: int = 50, offset: int = 0,
                         order: str = "date") -> tuple[list[dict[str, Any]], int]:
        """(a page of incidents as index rows, the count of all that match)."""
        where, args = _where(flt, self.dialect)
        sort = {"date": "x.event_date DESC, x.incident_id DESC",
                "uncertainty": "x.uncertainty DESC, x.event_date DESC, x.incident_id DESC"}[order]
        cols = ", ".join(f"x.{c}" for c in _LIST_COLS)
        # the page's ids first, from a covering index, then only those rows
        rows = self._select(
            f"SELECT {cols} FROM (SELECT x.incident_id AS id FROM incident_index x WHERE {where}"
            f" ORDER BY {sort} LIMIT ? OFFSET ?) p JOIN incident_index x ON x.incident_id = p.id ORDER BY {sort}",
            [*args, limit, offset])
        return [_row(r) for r in rows], self._count(flt, where, args)

    def _count(self, flt: IncidentFilter, where: str, args: list[Any]) -> int:
        if flt.place or flt.actor or flt.target_type or (flt.q and flt.q.strip()):
            # start from the matching terms, not from every active row
            where = where.replace("x.status = 'active'", "+x.status = 'active'", 1)
        return self._select(f"SELECT count(*) FROM incident_index x WHERE {where}", args)[0][0]

    def incident_totals(self, flt: IncidentFilter) -> tuple[int, int]:
        """(incidents, killed: the sum of their best figures) matching ``flt``."""
        where, args = _where(flt, self.dialect)
        n, killed = self._select(
            f"SELECT count(*), coalesce(sum(x.killed), 0) FROM incident_index x WHERE {where}", args)[0]
        return n, killed

    def incident_features(self, flt: IncidentFilter, *, limit: int = 5000) -> tuple[str, int, int]:
        """Placed incidents for the map, newest first, as GeoJSON features: (a JSON
        array's text, joined by SQLite from features kept ready in the index; how
        many it holds; how many match)."""
        where, args = _where(flt, self.dialect)
        sort = "x.event_date DESC, x.incident_id DESC"
        # "+" keeps the planner on the date order instead of the geo index and a sort
        inner = (f"SELECT x.incident_id AS id FROM incident_index x WHERE {where}"
                 f" AND +x.lat IS NOT NULL AND +x.lon IS NOT NULL ORDER BY {sort} LIMIT ?")
        if self.dialect == "postgresql":  # an aggregate's order is said, not inherited
            joined = "string_agg(f, ',' ORDER BY d DESC, i DESC)"
        else:
            joined = "group_concat(f, ',')"
        text, n = self._select(
            f"SELECT '[' || coalesce({joined}, '') || ']', count(*) FROM (SELECT x.feature AS f,"
            f" x.event_date AS d, x.incident_id AS i"
            f" FROM ({inner}) p JOIN incident_index x ON x.incident_id = p.id ORDER BY {sort}) q", [*args, limit])[0]
        total = n if n < limit else self._count(flt, where + " AND x.lat IS NOT NULL AND x.lon IS NOT NULL", args)
        return text, n, total

    def incident_timeline(self, flt: IncidentFilter) -> list[dict[str, Any]]:
        """Incidents and deaths (best figures) by day, oldest first; undated incidents left out."""
        where, args = _where(flt, self.dialect)
        rows = self._select(
            "SELECT substr(x.event_date, 1, 10) AS day, count(*), coalesce(sum(x.killed), 0)"
            f" FROM incident_index x WHERE {where} AND x.event_date IS NOT NULL GROUP BY day ORDER BY day", args)
        return [{"day": d, "incidents": n, "killed": k} for d, n, k in rows]

    def health_facilities(self, flt: IncidentFilter, *, limit: int = 200) -> list[dict[str, Any]]:
        """Named health facilities attacked, most often first: each with its incidents."""
        where, args = _where(flt, self.dialect)
        rows = self._select(
            "SELECT t.term, x.incident_key, x.event_date, x.place, x.killed FROM incident_terms t"
            " JOIN incident_index x ON x.incident_id = t.incident_id"
            f" WHERE t.kind = 'facility' AND {where} ORDER BY t.term, x.event_date", args)
        found: dict[str, dict[str, Any]] = {}
        for term, key, day, place, killed in rows:
            name, _, where_at = term.partition("@")
            entry = found.setdefault(term, {"facility": name, "place": where_at or None, "incidents": []})
            entry["incidents"].append({"incident_id": key, "date": day, "place": place, "killed": killed})
        ranked = sorted(found.values(), key=lambda e: (-len(e["incidents"]), e["facility"]))
        for e in ranked:
            e["attacks"] = len(e["incidents"])
        return ranked[:limit]

    def index_version(self) -> int:
        """Moves whenever any incident's index entry changes (for caches of answers)."""
        return self.conn.execute("SELECT version FROM incident_index_state WHERE id = 1").fetchone()[0]

    def incidents_of_document(self, document_id: int) -> list[dict[str, Any]]:
        """The incidents a document's reports are linked to, with their status."""
        rows = self.conn.execute(
            "SELECT DISTINCT x.incident_key, x.status, x.incident_id FROM links l JOIN reports r ON r.id = l.report_id"
            " JOIN incident_index x ON x.incident_id = l.incident_id WHERE r.document_id = ? ORDER BY x.incident_id",
            (document_id,))
        return [{"key": k, "status": s} for k, s, _ in rows]

    def incident_data(self, key: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT data FROM incidents WHERE incident_key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None


def _row(r: tuple[Any, ...]) -> dict[str, Any]:
    out = dict(zip(("incident_id",) + _LIST_COLS[1:], r))
    out["health"] = bool(out["health"])
    return out

"""The SQL of analysts' reviews: review rows, field overrides, retired
incidents and the review queue. A mixin of :class:`Store`; every write goes
through ``Store._write`` (audited). The rules (what may be edited, merged or
split) live in ``strikewatch.review``.
"""

from __future__ import annotations

import json
from typing import Any

from .audit import canonical_json
from .clock import utcnow


def _json(value: Any) -> str | None:
    return None if value is None else canonical_json(value)


class ReviewStore:
    """Reviews of incidents; mixed into :class:`Store` (``conn``, ``actor``,
    ``_write``, ``incident_row`` and ``save_incident`` come from there)."""

    conn: Any
    actor: str
    _write: Any
    incident_row: Any
    save_incident: Any

    def _dicts(self, sql: str, args: tuple[Any, ...] | list[Any]) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, args)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def add_review(self, incident_id: int, action: str, *, field: str | None = None, old_value: Any = None,
                   new_value: Any = None, note: str | None = None) -> int:
        """Record one review action by this store's actor; old and new values as JSON."""
        return self._write("reviews", {
            "incident_id": incident_id, "reviewer": self.actor, "action": action, "field": field,
            "old_value": _json(old_value), "new_value": _json(new_value), "note": note, "created_at": utcnow()})

    def reviews_for(self, incident_id: int) -> list[dict[str, Any]]:
        """An incident's review rows, oldest first."""
        rows = self._dicts("SELECT id, incident_id, reviewer, action, field, old_value, new_value, note, created_at"
                           " FROM reviews WHERE incident_id = ? ORDER BY id", (incident_id,))
        for r in rows:
            for k in ("old_value", "new_value"):
                r[k] = None if r[k] is None else json.loads(r[k])
        return rows

    def add_override(self, incident_id: int, field: str, value: Any, reason: str) -> int:
        """An analyst's value for one field, applied on every rebuild until withdrawn."""
        return self._write("incident_overrides", {
            "incident_id": incident_id, "field": field, "value": canonical_json(value), "actor": self.actor,
            "reason": reason, "created_at": utcnow()})

    def active_overrides(self, incident_id: int) -> list[dict[str, Any]]:
        """Overrides not withdrawn, oldest first (a later one of a field wins)."""
        rows = self._dicts("SELECT id, field, value, actor, reason, created_at FROM incident_overrides"
                           " WHERE incident_id = ? AND withdrawn_at IS NULL ORDER BY id", (incident_id,))
        for r in rows:
            r["value"] = json.loads(r["value"])
        return rows

    def withdraw_override(self, override_id: int) -> None:
        self._write("incident_overrides", {"id": override_id, "withdrawn_at": utcnow()}, action="update")

    def retire_incident(self, incident_id: int, merged_into_key: str, reason: str) -> None:
        """A last version of a merged incident: its data plus ``merged_into``
        (the index then marks it 'merged', so lists skip it)."""
        data = self.incident_row(incident_id)["data"]
        self.save_incident({**data, "merged_into": merged_into_key, "updated": utcnow()[:19] + "Z"},
                           incident_id=incident_id, reason=reason)

    def review_queue(self, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Active incidents, most uncertain first, then newest event, with their index columns."""
        rows = self._dicts(
            "SELECT x.* FROM incident_index x"
            " WHERE x.status = 'active' ORDER BY x.uncertainty DESC, x.event_date DESC, x.incident_id DESC"
            " LIMIT ? OFFSET ?", (limit, offset))
        for r in rows:  # named as incident_row names them: id the number, incident_id the key
            r["id"], r["incident_id"] = r.pop("incident_id"), r.pop("incident_key")
            r.pop("feature", None)
        return rows

"""What an analyst does to incidents: merge, split, edit a field, grade,
note, withdraw an edit, and the history and review queue that show it.

Every action is one store transaction, needs a reason, writes a review row
(who, what, why) and, when the incident changes, a new version of it: older
versions stay in ``incident_versions``. An edit is an override kept apart
from the machine's build and applied over it on every rebuild, so relinking
never undoes it; the incident's JSON lists the overrides applied
(``overrides``: field, value, the machine's value ``was``, by, reason, at).
Merges, splits, edits and notes lock the incident's links: an analyst has
vouched for them, and ``link --rebuild`` keeps them.

``incident`` arguments take a public key ("inc-…") or the numeric id.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from functools import lru_cache, partial
from importlib import resources
from typing import Any

from . import vocab
from .errors import StrikewatchError
from .store import Store

#: most characters of a reason or a note
REASON_MAX = 2000
#: ``casualties.<key>`` an analyst may set
CASUALTY_FIELDS = ("killed", "injured", "civilians_killed", "children_killed", "civilians_injured", "missing")
_LOCATION_TEXT = ("admin1", "admin2", "country")


def _invalid(message: str) -> StrikewatchError:
    return StrikewatchError(message, code="review_invalid")


# --------------------------------------------------------------------------
# validation: each check returns the value as stored, or raises review_invalid


def _text(value: Any, what: str = "reason") -> str:
    if not isinstance(value, str) or not value.strip():
        raise _invalid(f"a {what} is required")
    if len(value) > REASON_MAX:
        raise _invalid(f"the {what} is longer than {REASON_MAX} characters")
    return value.strip()


def _keys(value: Any, allowed: tuple[str, ...], what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _invalid(f"{what} must be an object")
    extra = sorted(set(value) - set(allowed))
    if extra:
        raise _invalid(f"{what} has unknown keys {extra}; allowed: {', '.join(allowed)}")
    return value


def _choice(value: Any, allowed: Any, what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _invalid(f"{what} {value!r} is not one of: {', '.join(sorted(allowed))}")
    return value


@lru_cache(maxsize=1)
def actor_labels() -> frozenset[str]:
    """The canonical actor labels: the vocabulary's and every language's lexicon's."""
    from .extract.lexicon import load_toml

    langs = [d.name for d in (resources.files("strikewatch") / "data" / "lexicons").iterdir()
             if (d / "actors.toml").is_file()]
    return frozenset(vocab.ACTORS).union(*({a["label"] for a in load_toml(lang, "actors")["actor"]} for lang in langs))


def _day(value: Any) -> str | None:
    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _check_date(value: Any) -> dict[str, Any]:
    d = _keys({"start": value} if isinstance(value, str) else value, ("start", "end", "precision"), "date")
    start, end = _day(d.get("start")), _day(d.get("end", d.get("start")))
    if not start or not end:
        raise _invalid(f"date start and end must be ISO dates (YYYY-MM-DD), not {value!r}")
    if end < start:
        raise _invalid(f"date end {end} is before its start {start}")
    precision = _choice(d.get("precision", "day"), vocab.DATE_PRECISIONS, "date precision")
    return {"start": start, "end": end, "precision": precision, "text": None}


def _check_location(value: Any) -> dict[str, Any]:
    loc = _keys(value, ("name", "lat", "lon", *_LOCATION_TEXT, "precision"), "location")
    out = {"name": _text(loc.get("name"), "location name")}
    for key, limit in (("lat", 90), ("lon", 180)):
        v = loc.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))
                              or not math.isfinite(v) or abs(v) > limit):
            raise _invalid(f"location {key} must be a number from -{limit} to {limit}, not {v!r}")
        out[key] = v
    if (out["lat"] is None) != (out["lon"] is None):
        raise _invalid("location needs both lat and lon, or neither")
    for key in _LOCATION_TEXT:
        v = loc.get(key)
        if v is not None and not isinstance(v, str):
            raise _invalid(f"location {key} must be text")
        out[key] = (v.strip() or None) if v else None
    precision = loc.get("precision")
    out["precision"] = None if precision is None else _choice(precision, vocab.LOCATION_PRECISIONS, "location precision")
    return out


def _check_range(value: Any, what: str) -> dict[str, Any]:
    given = _keys(value, ("low", "best", "high"), what)
    r = {k: given.get(k) for k in ("low", "best", "high")}
    for k, v in r.items():
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise _invalid(f"{what}.{k} must be a whole number of 0 or more, or null; not {v!r}")
    counts = [v for v in r.values() if v is not None]
    if counts != sorted(counts):
        raise _invalid(f"{what} must have low <= best <= high, not {r}")
    return r


#: the fields an analyst may edit, each with its check
CHECKS: dict[str, Callable[[Any], Any]] = {
    "event_type": partial(_choice, allowed=vocab.EVENT_TYPES, what="event_type"),
    "date": _check_date,
    "location": _check_location,
    **{f"casualties.{k}": partial(_check_range, what=f"casualties.{k}") for k in CASUALTY_FIELDS},
    "grade": partial(_choice, allowed=vocab.GRADES, what="grade"),
    "attribution.actor": lambda v: _choice(v, actor_labels(), "attribution.actor"),
}


# --------------------------------------------------------------------------
# overrides over the machine's build


def field_value(data: dict[str, Any], field: str) -> Any:
    """The value of an editable field ("casualties.killed") in an incident's data."""
    head, _, key = field.partition(".")
    return (data.get(head) or {}).get(key) if key else data.get(head)


def _put(data: dict[str, Any], field: str, value: Any) -> None:
    head, _, key = field.partition(".")
    if not key:
        data[head] = value
    elif head == "attribution":  # another actor than the machine's: its probabilities no longer apply
        old = data.get(head) or {}
        data[head] = old if old.get("actor") == value else \
            {"evidence": [], **old, "actor": value, "probability": None, "alternatives": []}
    else:
        data[head] = {**(data.get(head) or {}), key: value}


def apply_overrides(data: dict[str, Any], overrides: list[dict[str, Any]]) -> dict[str, Any]:
    """Put the analysts' values over a built incident (the last of a field wins)
    and list them in ``overrides`` with the machine's value as ``was``."""
    applied = []
    for o in {o["field"]: o for o in overrides}.values():
        was = field_value(data, o["field"])
        _put(data, o["field"], o["value"])
        applied.append({"id": o["id"], "field": o["field"], "value": o["value"], "was": was, "by": o["actor"],
                        "reason": o["reason"], "at": o["created_at"]})
    if applied:
        data["overrides"] = applied
    return data


# --------------------------------------------------------------------------
# building


def incident_flights(store: Store, members: list[dict[str, Any]]) -> list[Any]:
    """Stored sightings that bear on the incident of ``members``, as flight evidence."""
    from .assess.incident import flights_for, sighting_window

    window = sighting_window(members)
    if window is None:
        return []
    return flights_for(members, store.sightings_between(*window, include_unplaced=True))


def unique_key(store: Store, seed: Any) -> str:
    """``incident_key(seed)``, or of ``seed.1``, ``seed.2`` … when taken."""
    from .assess.incident import incident_key

    key, n = incident_key(seed), 0
    while store.has_incident(key):
        n += 1
        key = incident_key(f"{seed}.{n}")
    return key


def _active(store: Store, incident: str | int) -> dict[str, Any]:
    row = store.incident_row(incident)
    if row["data"].get("merged_into"):
        raise StrikewatchError(f"incident {row['incident_id']} was merged into {row['data']['merged_into']}",
                               code="conflict")
    return row


def rebuild_incident(store: Store, incident: str | int, *, reason: str | None = None,
                     flights: list[Any] | None = None) -> dict[str, Any]:
    """Build an incident again from its linked reports (and ``flights``, found
    if not given), apply its active overrides, save (a new version if anything
    changed); the incident's data."""
    from .assess.incident import build_incident

    with store.transaction():
        row = _active(store, incident)
        members = store.linked_reports(incident_id=row["id"])
        if not members:
            raise StrikewatchError(f"incident {row['incident_id']} has no linked reports", code="conflict")
        data = build_incident(row["incident_id"], members,
                              flights=incident_flights(store, members) if flights is None else flights)
        store.save_incident(apply_overrides(data, store.active_overrides(row["id"])),
                            incident_id=row["id"], reason=reason)
        return store.incident_row(row["id"])["data"]


def _lock(store: Store, members: list[dict[str, Any]], incident_id: int, method: str | None = None) -> None:
    """Lock ``members``' links to ``incident_id`` (``method`` None: keep each link's own)."""
    for m in members:
        if not m["locked"] or m["incident_id"] != incident_id:
            store.lock_link(m["report_id"], incident_id, method=method or m["method"])


# --------------------------------------------------------------------------
# the actions


def merge(store: Store, keep: str | int, other: str | int, *, reason: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Move every report of ``other`` to ``keep`` (locked, method "analyst"),
    rebuild ``keep`` and retire ``other`` (``merged_into``); both incidents' data."""
    reason = _text(reason)
    with store.transaction():
        a, b = _active(store, keep), _active(store, other)
        if a["id"] == b["id"]:
            raise StrikewatchError(f"cannot merge incident {a['incident_id']} with itself", code="conflict")
        _lock(store, store.linked_reports(incident_id=b["id"]), a["id"], "analyst")
        _lock(store, store.linked_reports(incident_id=a["id"]), a["id"])
        kept = rebuild_incident(store, a["id"], reason=reason)
        store.retire_incident(b["id"], a["incident_id"], reason)
        store.add_review(a["id"], "merge", new_value={"absorbed": b["incident_id"]}, note=reason)
        store.add_review(b["id"], "merge", new_value={"merged_into": a["incident_id"]}, note=reason)
        return kept, store.incident_row(b["id"])["data"]


def split(store: Store, incident: str | int, report_ids: list[int], *,
          reason: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Move some of an incident's reports (not all) to a new incident; both
    rebuilt, every link of both locked; (the incident, the new one)."""
    from .assess.incident import build_incident

    reason = _text(reason)
    try:
        wanted = sorted({int(r) for r in report_ids if not isinstance(r, bool)})
    except (TypeError, ValueError):
        raise _invalid(f"report ids must be numbers, not {report_ids!r}") from None
    with store.transaction():
        row = _active(store, incident)
        members = store.linked_reports(incident_id=row["id"])
        moving = [m for m in members if m["report_id"] in wanted]
        staying = [m for m in members if m["report_id"] not in wanted]
        stray = sorted(set(wanted) - {m["report_id"] for m in moving})
        if stray:
            raise _invalid(f"reports {stray} are not reports of incident {row['incident_id']}")
        if not moving:
            raise _invalid("name at least one report to split off")
        if not staying:
            raise _invalid("a split must leave at least one report in the incident")
        key = unique_key(store, f"split-{wanted[0]}")
        new_id = store.save_incident(build_incident(key, moving, flights=incident_flights(store, moving)),
                                     reason=reason)
        _lock(store, moving, new_id, "analyst")
        _lock(store, staying, row["id"])
        first = rebuild_incident(store, row["id"], reason=reason)
        store.add_review(row["id"], "split", new_value={"reports": wanted, "into": key}, note=reason)
        store.add_review(new_id, "split", new_value={"reports": wanted, "from": row["incident_id"]}, note=reason)
        return first, store.incident_row(new_id)["data"]


def edit(store: Store, incident: str | int, field: str, value: Any, *, reason: str) -> dict[str, Any]:
    """Set one field (see :data:`CHECKS`) over the machine's value, lock the
    incident's links and rebuild it; the incident's data."""
    reason = _text(reason)
    if field not in CHECKS:
        raise _invalid(f"{field!r} cannot be edited; fields: {', '.join(CHECKS)}")
    value = CHECKS[field](value)
    with store.transaction():
        row = _active(store, incident)
        store.add_override(row["id"], field, value, reason)
        _lock(store, store.linked_reports(incident_id=row["id"]), row["id"])
        data = rebuild_incident(store, row["id"], reason=reason)
        store.add_review(row["id"], "edit", field=field, old_value=field_value(row["data"], field),
                         new_value=value, note=reason)
        return data


def set_grade(store: Store, incident: str | int, grade: str, *, reason: str) -> dict[str, Any]:
    return edit(store, incident, "grade", grade, reason=reason)


def withdraw(store: Store, incident: str | int, override_id: int, *, reason: str) -> dict[str, Any]:
    """Withdraw an active override: the field goes back to the machine's value
    (or an older override's); the incident's data."""
    reason = _text(reason)
    with store.transaction():
        row = _active(store, incident)
        found = [o for o in store.active_overrides(row["id"]) if o["id"] == override_id]
        if not found:
            raise StrikewatchError(f"incident {row['incident_id']} has no active override {override_id}",
                                   code="not_found")
        store.withdraw_override(override_id)
        data = rebuild_incident(store, row["id"], reason=reason)
        field = found[0]["field"]
        store.add_review(row["id"], "withdraw", field=field, old_value=found[0]["value"],
                         new_value=field_value(data, field), note=reason)
        return data


def add_note(store: Store, incident: str | int, text: str) -> dict[str, Any]:
    """A note on an incident (no new version). Its links are locked, so the
    reports the note speaks of stay together; the incident's data."""
    text = _text(text, "note")
    with store.transaction():
        row = store.incident_row(incident)
        _lock(store, store.linked_reports(incident_id=row["id"]), row["id"])
        store.add_review(row["id"], "note", note=text)
        return row["data"]


# --------------------------------------------------------------------------
# reading


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    fields = sorted(k for k in before.keys() | after.keys() if k != "updated" and before.get(k) != after.get(k))
    out: dict[str, Any] = {"fields": fields}
    for k in ("killed", "injured"):
        was, now = field_value(before, f"casualties.{k}") or {}, field_value(after, f"casualties.{k}") or {}
        if was.get("best") != now.get("best"):
            out[k] = [was.get("best"), now.get("best")]
    out["summary"] = "; ".join(["changed " + ", ".join(fields) if fields else "no change",
                                *(f"{k} {out[k][0]} → {out[k][1]}" for k in ("killed", "injured") if k in out)])
    return out


def history(store: Store, incident: str | int) -> list[dict[str, Any]]:
    """Versions and reviews of an incident in the order they happened, each
    with ``kind`` (version | review), ``version`` (for a review: the version
    it left), ``actor``, ``reason``, ``action`` and ``at``; a version after the
    first has ``changes`` (fields that differ, killed/injured best before → after)."""
    row = store.incident_row(incident)
    entries: list[dict[str, Any]] = []
    before = None
    for v in store.incident_versions(row["id"]):
        action = "created" if before is None else "retired" if v["data"].get("merged_into") else "revised"
        entries.append({"kind": "version", "version": v["version"], "actor": v["actor"], "reason": v["reason"],
                        "action": action, "at": v["created_at"],
                        "changes": None if before is None else _changes(before, v["data"])})
        before = v["data"]
    for r in store.reviews_for(row["id"]):
        entries.append({"kind": "review", "version": None, "actor": r["reviewer"], "reason": r["note"],
                        "action": r["action"], "at": r["created_at"], "id": r["id"], "field": r["field"],
                        "old_value": r["old_value"], "new_value": r["new_value"]})
    entries.sort(key=lambda e: (e["at"], e["kind"] == "review"))
    version = None
    for e in entries:
        version = e["version"] = e["version"] or version
    return entries


def review_queue(store: Store, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Active incidents, most uncertain first (then newest event), with their index columns."""
    if not (isinstance(limit, int) and isinstance(offset, int) and 1 <= limit <= 1000 and offset >= 0):
        raise StrikewatchError(f"bad page: limit {limit!r} (1-1000), offset {offset!r} (0 or more)", code="usage")
    return store.review_queue(limit, offset)

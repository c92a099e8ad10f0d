"""Dataclasses of the public data contracts (``spec/formats.md``).

Every stage passes these objects, and every boundary (CLI, API, export, store)
turns them into JSON with :meth:`to_dict` / :func:`to_json` and back with
:meth:`from_dict` / :func:`from_json`. The JSON shape is the spec's, key for
key, so other tools can read our output and we can read theirs.

Design choices worth knowing:

* **Lossless.** Unknown keys ("fields may be added freely") are kept in each
  object's ``extra`` dict and written back, so a newer tool's fields survive a
  trip through an older strikewatch. ``from_dict(d).to_dict() == d`` holds for
  any ``d`` that is already in canonical shape (see normalisations below).
* **Light validation.** ``from_dict`` rejects what cannot be interpreted —
  wrong JSON types, negative counts, malformed spans, dates or
  ``format_version`` — with :class:`~strikewatch.errors.InputError`
  (``missing_field`` / ``bad_field``) and a message naming the field path. It
  does *not* reject unknown vocabulary labels (other tools may send newer
  ones); :func:`validate_report` and :func:`validate_incident` list those.
* **Null for unknown.** Unknown values are ``None`` in Python and ``null`` in
  JSON; nothing is guessed on the way in.
* **Normalisations** (the only places a round trip is not byte-identical):
  ``null`` or absent lists become ``[]``; a ``null``/absent ``date`` or
  ``location`` becomes an object of nulls and ``casualties`` always carries the
  four standard keys (so consumers can index without checks); absent
  ``target.protected`` is derived from the type; absent ``format_version``
  means the current one; extra keys (and dicts nested in them) are written in
  sorted order so :func:`to_json` is stable; an empty ``published`` is absent.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Self, TypeVar

from strikewatch.errors import InputError, StrikewatchError
from strikewatch.vocab import (
    ACTORS,
    CASUALTY_KEYS,
    DATE_PRECISIONS,
    EVENT_TYPES,
    FIGURE_GROUPS,
    FIGURE_MEASURES,
    FIGURE_QUALIFIERS,
    FORMAT_VERSION,
    GRADES,
    LOCATION_PRECISIONS,
    PERPETRATOR_ROLES,
    TARGET_TYPES,
    casualty_key,
    is_protected,
    split_casualty_key,
)

__all__ = [
    "ActorProbability",
    "Attribution",
    "Casualties",
    "DateInfo",
    "Document",
    "ErrorInfo",
    "Evidence",
    "ExtractResult",
    "Figure",
    "Incident",
    "Location",
    "Perpetrator",
    "Range",
    "Report",
    "Target",
    "from_json",
    "to_json",
    "validate_incident",
    "validate_report",
]

#: Nesting allowed inside ``extra`` values: far below Python's recursion limit,
#: far above anything a real field needs.
MAX_EXTRA_DEPTH = 64

_SURROGATE = re.compile("[\ud800-\udfff]")


# --------------------------------------------------------------------------
# parsing helpers: each takes the mapping, the key and the path of the mapping
# (for messages such as "reports[0].figures[1].span: ...").


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _where(path: str) -> str:
    return path or "value"


def _bad(path: str, message: str) -> InputError:
    return InputError(f"{_where(path)}: {message}", code="bad_field")


def _missing(path: str, message: str = "required field is missing") -> InputError:
    return InputError(f"{_where(path)}: {message}", code="missing_field")


def _type_name(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "number"
    return names.get(type(value), type(value).__name__)


def _obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(path, f"expected an object, got {_type_name(value)}")
    return value


def _check_text(value: str, path: str) -> str:
    if not value.isascii() and _SURROGATE.search(value):
        raise _bad(path, "contains an unpaired surrogate (invalid Unicode)")
    return value


def _str(d: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> str | None:
    p = _join(path, key)
    value = d.get(key)
    if value is None:
        if required:
            raise _missing(p)
        return None
    if not isinstance(value, str):
        raise _bad(p, f"expected a string, got {_type_name(value)}")
    if required and not value:
        raise _missing(p, "required field is empty")
    return _check_text(value, p)


def _req_str(d: Mapping[str, Any], key: str, path: str) -> str:
    value = _str(d, key, path, required=True)
    assert value is not None
    return value


def _count(d: Mapping[str, Any], key: str, path: str) -> int | None:
    p = _join(path, key)
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(p, f"expected a non-negative integer or null, got {_type_name(value)}")
    if value < 0:
        raise _bad(p, f"counts cannot be negative (got {value})")
    return value


def _number(
    d: Mapping[str, Any],
    key: str,
    path: str,
    *,
    low: float | None = None,
    high: float | None = None,
    required: bool = False,
) -> float | int | None:
    p = _join(path, key)
    value = d.get(key)
    if value is None:
        if required:
            raise _missing(p)
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(p, f"expected a number, got {_type_name(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _bad(p, "expected a finite number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise _bad(p, f"{value} is outside [{low}, {high}]")
    return value


def _bool(d: Mapping[str, Any], key: str, path: str) -> bool | None:
    value = d.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise _bad(_join(path, key), f"expected true or false, got {_type_name(value)}")


def _str_list(d: Mapping[str, Any], key: str, path: str) -> list[str]:
    p = _join(path, key)
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(p, f"expected an array of strings, got {_type_name(value)}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise _bad(_join(p, i), f"expected a string, got {_type_name(item)}")
        out.append(_check_text(item, _join(p, i)))
    return out


def _span(d: Mapping[str, Any], key: str, path: str) -> tuple[int, int] | None:
    p = _join(path, key)
    value = d.get(key)
    if value is None:
        return None
    if (
        not isinstance(value, (list, tuple))
        or len(value) != 2
        or any(isinstance(v, bool) or not isinstance(v, int) for v in value)
    ):
        raise _bad(p, f"expected [start, end] as two integers, got {value!r:.60}")
    start, end = value
    if start < 0 or end < start:
        raise _bad(p, f"expected 0 <= start <= end, got [{start}, {end}]")
    return (start, end)


def _iso(d: Mapping[str, Any], key: str, path: str, *, with_time: bool) -> str | None:
    """An ISO date (or, with_time, date or datetime), kept as given."""
    value = _str(d, key, path)
    if value is None:
        return None
    try:
        (datetime if with_time else date).fromisoformat(value)
    except ValueError:
        kind = "date or datetime" if with_time else "date (YYYY-MM-DD)"
        raise _bad(_join(path, key), f"expected an ISO {kind}, got {value!r:.60}") from None
    return value


def _format_version(d: Mapping[str, Any], path: str) -> int:
    p = _join(path, "format_version")
    value = d.get("format_version")
    if value is None:
        return FORMAT_VERSION
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(p, f"expected an integer, got {_type_name(value)}")
    if value != FORMAT_VERSION:
        raise _bad(p, f"unsupported format_version {value} (this strikewatch reads {FORMAT_VERSION})")
    return value


def _copy_json(value: Any, path: str, depth: int = 0, top: str | None = None) -> Any:
    """Deep copy of a JSON value with dict keys sorted; rejects non-JSON values.

    ``top`` is the path of the outermost extra field, named when nesting is
    too deep (the full path would be hundreds of ``[0]``).
    """
    if depth > MAX_EXTRA_DEPTH:
        raise _bad(top or path, f"nested more than {MAX_EXTRA_DEPTH} levels deep")
    if depth == 1:
        top = path
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad(path, "expected a finite number")
        return value
    if isinstance(value, str):
        return _check_text(value, path)
    if isinstance(value, (list, tuple)):
        return [_copy_json(v, _join(path, i), depth + 1, top) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        for k in value:
            if not isinstance(k, str):
                raise _bad(path, f"object keys must be strings, got {_type_name(k)}")
            _check_text(k, path)
        return {k: _copy_json(value[k], _join(path, k), depth + 1, top) for k in sorted(value)}
    raise _bad(path, f"not a JSON value ({type(value).__name__})")


def _extra_in(d: Mapping[str, Any], known: tuple[str, ...], path: str) -> dict[str, Any]:
    return _copy_json({k: v for k, v in d.items() if k not in known}, path)


def _with_extra(out: dict[str, Any], extra: Mapping[str, Any], path: str = "extra") -> dict[str, Any]:
    """Append unknown keys after the spec's (sorted; spec fields always win)."""
    if extra:
        for k, v in _copy_json(extra, path).items():
            if k not in out:
                out[k] = v
    return out


def _many(cls: type[_T], d: Mapping[str, Any], key: str, path: str) -> list[_T]:
    p = _join(path, key)
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(p, f"expected an array, got {_type_name(value)}")
    return [cls._load(item, _join(p, i)) for i, item in enumerate(value)]


def _one(cls: type[_T], d: Mapping[str, Any], key: str, path: str) -> _T | None:
    value = d.get(key)
    return None if value is None else cls._load(value, _join(path, key))


def _span_out(span: tuple[int, int] | None) -> list[int] | None:
    return None if span is None else [span[0], span[1]]


class _Record:
    """Shared entry points; subclasses implement ``_load`` and ``to_dict``."""

    __slots__ = ()

    #: The spec's keys for this object, in the spec's order.
    KEYS: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Self:
        """Build from the spec's JSON shape; raises InputError on bad input."""
        return cls._load(d, "")

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError


_T = TypeVar("_T", bound=_Record)


# --------------------------------------------------------------------------
# input


@dataclass(slots=True, kw_only=True)
class Document(_Record):
    """An input document (spec §1).

    ``published`` stays the string given (ISO date or datetime): it anchors
    relative dates, and reformatting it would lose the author's precision.
    Unknown fields ride along in ``extra`` so ingest never drops information.
    """

    KEYS: ClassVar[tuple[str, ...]] = (
        "id", "text", "published", "title", "url", "language", "source", "format",
    )

    id: str
    text: str
    published: str | None = None
    title: str | None = None
    url: str | None = None
    language: str | None = None
    source: str | None = None
    format: str | None = None  # None = plain text; "html" = reduce HTML first
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        published = d.get("published")
        if isinstance(published, str) and not published.strip():
            d = {k: v for k, v in d.items() if k != "published"}
        return cls(
            id=_req_str(d, "id", path),
            text=_req_str(d, "text", path),
            published=_iso(d, "published", path, with_time=True),
            title=_str(d, "title", path),
            url=_str(d, "url", path),
            language=_str(d, "language", path),
            source=_str(d, "source", path),
            format=_str(d, "format", path),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        """The §1 JSON line; optional fields that are None are left out."""
        out: dict[str, Any] = {"id": self.id, "text": self.text}
        for key in self.KEYS[2:]:
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return _with_extra(out, self.extra)

    @property
    def is_html(self) -> bool:
        """Whether ``text`` is HTML to be reduced to plain text first."""
        return (self.format or "").lower() == "html"


# --------------------------------------------------------------------------
# parts of a report


@dataclass(slots=True, kw_only=True)
class DateInfo(_Record):
    """When it happened: an ISO date range, its precision and the words used.

    A range, not a date, because reports say "overnight" or "last week"; the
    original ``text`` shows how the range was derived.
    """

    KEYS: ClassVar[tuple[str, ...]] = ("start", "end", "precision", "text")

    start: str | None = None
    end: str | None = None
    precision: str | None = None
    text: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            start=_iso(d, "start", path, with_time=False),
            end=_iso(d, "end", path, with_time=False),
            precision=_str(d, "precision", path),
            text=_str(d, "text", path),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        out = {"start": self.start, "end": self.end, "precision": self.precision, "text": self.text}
        return _with_extra(out, self.extra)


@dataclass(slots=True, kw_only=True)
class Location(_Record):
    """Where it happened, at the precision the text allows.

    ``text`` keeps the place as written so a reviewer can check the
    gazetteer's choice (``gazetteer_id``) against the words in the document.
    """

    KEYS: ClassVar[tuple[str, ...]] = (
        "name", "admin1", "admin2", "country", "lat", "lon", "precision", "gazetteer_id", "text",
    )

    name: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None
    gazetteer_id: str | None = None
    text: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            name=_str(d, "name", path),
            admin1=_str(d, "admin1", path),
            admin2=_str(d, "admin2", path),
            country=_str(d, "country", path),
            lat=_number(d, "lat", path, low=-90, high=90),
            lon=_number(d, "lon", path, low=-180, high=180),
            precision=_str(d, "precision", path),
            gazetteer_id=_str(d, "gazetteer_id", path),
            text=_str(d, "text", path),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        return _with_extra({k: getattr(self, k) for k in self.KEYS}, self.extra)


@dataclass(slots=True, kw_only=True)
class Target(_Record):
    """What was hit. ``protected`` is derived from the type unless given,
    because protected targets (health, schools, ...) are what analysts query."""

    KEYS: ClassVar[tuple[str, ...]] = ("type", "name", "protected")

    type: str
    name: str | None = None
    protected: bool | None = None  # None -> derived from ``type`` on creation
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.protected is None:
            self.protected = is_protected(self.type)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            type=_req_str(d, "type", path),
            name=_str(d, "name", path),
            protected=_bool(d, "protected", path),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        out = {"type": self.type, "name": self.name, "protected": self.protected}
        return _with_extra(out, self.extra)


@dataclass(slots=True, kw_only=True)
class Range(_Record):
    """A reconciled count, UCDP-style: lowest credible, documented best, highest.

    ``best`` is None only when no figure exists; all three None = unknown.
    """

    KEYS: ClassVar[tuple[str, ...]] = ("low", "best", "high")

    low: int | None = None
    best: int | None = None
    high: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def point(cls, n: int) -> Self:
        """A range where every source agrees on ``n``."""
        return cls(low=n, best=n, high=n)

    @property
    def is_unknown(self) -> bool:
        return self.low is None and self.best is None and self.high is None

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            low=_count(d, "low", path),
            best=_count(d, "best", path),
            high=_count(d, "high", path),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        return _with_extra({"low": self.low, "best": self.best, "high": self.high}, self.extra)



def _range_property(key: str) -> property:
    """Attribute access to one of the spec's named casualty ranges."""

    def get(self: "Casualties") -> "Range":
        return self.ranges[key]

    def set_(self: "Casualties", value: "Range") -> None:
        self.ranges[key] = value

    return property(get, set_, doc=f"The ``{key}`` range.")


@dataclass(slots=True)
class Casualties(_Record):
    """Reconciled ranges by key (``killed``, ``children_killed``, ...).

    A dict rather than fixed attributes so further ``[group_]measure`` keys
    (``women_killed``, ``medical_staff_injured``, ``missing``) pass through
    losslessly. The four standard keys are always present (unknown = a range
    of nulls) so consumers can index them without checks.
    """

    KEYS: ClassVar[tuple[str, ...]] = CASUALTY_KEYS

    ranges: dict[str, Range] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ranges = {key: Range() for key in CASUALTY_KEYS}
        ranges.update((k, v) for k, v in self.ranges.items() if v is not None)
        self.ranges = ranges

    def get(self, measure: str, group: str = "all") -> Range:
        """The range for a figure measure and group (an unknown range if absent)."""
        return self.ranges.get(casualty_key(measure, group)) or Range()

    killed = _range_property("killed")
    injured = _range_property("injured")
    civilians_killed = _range_property("civilians_killed")
    children_killed = _range_property("children_killed")

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        ranges: dict[str, Range] = {}
        for key, value in d.items():
            if not isinstance(key, str):
                raise _bad(path, f"keys must be strings, got {_type_name(key)}")
            _check_text(key, path)
            p = _join(path, key)
            ranges[key] = Range() if value is None else Range._load(value, p)
        return cls(ranges)

    def to_dict(self) -> dict[str, Any]:
        """Standard keys in the spec's order, then any others sorted."""
        out = {key: self.ranges.get(key, Range()).to_dict() for key in CASUALTY_KEYS}
        for key in sorted(self.ranges):
            if key not in out:
                out[key] = self.ranges[key].to_dict()
        return out


@dataclass(slots=True, kw_only=True)
class Figure(_Record):
    """One number exactly as a document gives it, with who gave it and where.

    Kept next to the reconciled ranges so reconciliation never throws a
    source's claim away. ``span`` is a [start, end) character offset into the
    input text. ``document_id`` is set in incident exports, where figures
    from many documents sit side by side.
    """

    KEYS: ClassVar[tuple[str, ...]] = (
        "measure", "group", "low", "high", "qualifier", "source", "text", "span", "document_id",
    )

    measure: str
    group: str | None = None
    low: int | None = None
    high: int | None = None
    qualifier: str | None = None
    source: str | None = None
    text: str | None = None
    span: tuple[int, int] | None = None
    document_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            measure=_req_str(d, "measure", path),
            group=_str(d, "group", path),
            low=_count(d, "low", path),
            high=_count(d, "high", path),
            qualifier=_str(d, "qualifier", path),
            source=_str(d, "source", path),
            text=_str(d, "text", path),
            span=_span(d, "span", path),
            document_id=_str(d, "document_id", path),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        """As in a REPORT; ``document_id`` appears only when set."""
        out: dict[str, Any] = {
            "measure": self.measure,
            "group": self.group,
            "low": self.low,
            "high": self.high,
            "qualifier": self.qualifier,
            "source": self.source,
            "text": self.text,
            "span": _span_out(self.span),
        }
        if self.document_id is not None:
            out["document_id"] = self.document_id
        return _with_extra(out, self.extra)


@dataclass(slots=True, kw_only=True)
class Perpetrator(_Record):
    """What the text says about an actor (accused, claiming, denying), and who
    says so. Distinct from :class:`Attribution`, the system's own judgement."""

    KEYS: ClassVar[tuple[str, ...]] = ("actor", "role", "by", "text", "span")

    actor: str
    role: str | None = None
    by: str | None = None
    text: str | None = None
    span: tuple[int, int] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            actor=_req_str(d, "actor", path),
            role=_str(d, "role", path),
            by=_str(d, "by", path),
            text=_str(d, "text", path),
            span=_span(d, "span", path),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        out = {
            "actor": self.actor,
            "role": self.role,
            "by": self.by,
            "text": self.text,
            "span": _span_out(self.span),
        }
        return _with_extra(out, self.extra)


@dataclass(slots=True, kw_only=True)
class Evidence(_Record):
    """One reason the attribution moved, and how far (``weight``, may be
    negative for evidence against). Extra keys (spans, document ids, lexicon
    entries) are kept so a reviewer can trace it."""

    KEYS: ClassVar[tuple[str, ...]] = ("kind", "text", "weight")

    kind: str
    text: str | None = None
    weight: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            kind=_req_str(d, "kind", path),
            text=_str(d, "text", path),
            weight=_number(d, "weight", path),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        return _with_extra({"kind": self.kind, "text": self.text, "weight": self.weight}, self.extra)


@dataclass(slots=True, kw_only=True)
class ActorProbability(_Record):
    """An alternative actor in an attribution, with its probability."""

    KEYS: ClassVar[tuple[str, ...]] = ("actor", "probability")

    actor: str
    probability: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            actor=_req_str(d, "actor", path),
            probability=_number(d, "probability", path, low=0, high=1),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        return _with_extra({"actor": self.actor, "probability": self.probability}, self.extra)


@dataclass(slots=True, kw_only=True)
class Attribution(_Record):
    """The system's judgement of who did it: a probability over actors with
    the evidence that moved it, so the judgement can be audited."""

    KEYS: ClassVar[tuple[str, ...]] = ("actor", "probability", "alternatives", "evidence")

    actor: str
    probability: float | None = None
    alternatives: list[ActorProbability] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            actor=_req_str(d, "actor", path),
            probability=_number(d, "probability", path, low=0, high=1),
            alternatives=_many(ActorProbability, d, "alternatives", path),
            evidence=_many(Evidence, d, "evidence", path),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        out = {
            "actor": self.actor,
            "probability": self.probability,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "evidence": [e.to_dict() for e in self.evidence],
        }
        return _with_extra(out, self.extra)


# --------------------------------------------------------------------------
# reports, extract output, incidents


@dataclass(slots=True, kw_only=True)
class Report(_Record):
    """One incident as one document describes it (spec §2, REPORT).

    Keeps both what the text says (``figures``, ``perpetrators``) and what the
    system makes of it (``casualties``, ``attribution``, ``confidence``).
    """

    KEYS: ClassVar[tuple[str, ...]] = (
        "event_type", "weapons", "aircraft", "date", "location", "targets", "casualties",
        "figures", "perpetrators", "attribution", "sources", "confidence",
    )

    event_type: str | None = None
    weapons: list[str] = field(default_factory=list)
    aircraft: list[str] = field(default_factory=list)
    date: DateInfo = field(default_factory=DateInfo)
    location: Location = field(default_factory=Location)
    targets: list[Target] = field(default_factory=list)
    casualties: Casualties = field(default_factory=Casualties)
    figures: list[Figure] = field(default_factory=list)
    perpetrators: list[Perpetrator] = field(default_factory=list)
    attribution: Attribution | None = None
    sources: list[str] = field(default_factory=list)
    confidence: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            event_type=_str(d, "event_type", path),
            weapons=_str_list(d, "weapons", path),
            aircraft=_str_list(d, "aircraft", path),
            date=_one(DateInfo, d, "date", path) or DateInfo(),
            location=_one(Location, d, "location", path) or Location(),
            targets=_many(Target, d, "targets", path),
            casualties=_one(Casualties, d, "casualties", path) or Casualties(),
            figures=_many(Figure, d, "figures", path),
            perpetrators=_many(Perpetrator, d, "perpetrators", path),
            attribution=_one(Attribution, d, "attribution", path),
            sources=_str_list(d, "sources", path),
            confidence=_number(d, "confidence", path, low=0, high=1),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        out = {
            "event_type": self.event_type,
            "weapons": list(self.weapons),
            "aircraft": list(self.aircraft),
            "date": (self.date or DateInfo()).to_dict(),
            "location": (self.location or Location()).to_dict(),
            "targets": [t.to_dict() for t in self.targets],
            "casualties": (self.casualties or Casualties()).to_dict(),
            "figures": [f.to_dict() for f in self.figures],
            "perpetrators": [p.to_dict() for p in self.perpetrators],
            "attribution": None if self.attribution is None else self.attribution.to_dict(),
            "sources": list(self.sources),
            "confidence": self.confidence,
        }
        return _with_extra(out, self.extra)


@dataclass(slots=True, kw_only=True)
class ErrorInfo(_Record):
    """What went wrong with one document, as ``{"code", "message"}``; codes
    are those of :mod:`strikewatch.errors`."""

    KEYS: ClassVar[tuple[str, ...]] = ("code", "message")

    code: str
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_exception(cls, exc: StrikewatchError) -> Self:
        return cls(code=exc.code, message=exc.message)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            code=_req_str(d, "code", path),
            message=_str(d, "message", path) or "",
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        return _with_extra({"code": self.code, "message": self.message}, self.extra)


@dataclass(slots=True, kw_only=True)
class ExtractResult(_Record):
    """One output line of ``strikewatch extract``: a document's reports, or
    the errors that stopped it. ``id`` may be None when the input line had
    none (the error then says so); one bad document never stops a batch."""

    KEYS: ClassVar[tuple[str, ...]] = ("id", "format_version", "language", "reports", "errors")

    id: str | None
    format_version: int = FORMAT_VERSION
    language: str | None = None
    reports: list[Report] = field(default_factory=list)
    errors: list[ErrorInfo] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def failure(cls, id: str | None, exc: StrikewatchError) -> Self:
        """The output line for a document that could not be processed."""
        return cls(id=id, errors=[ErrorInfo.from_exception(exc)])

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            id=_str(d, "id", path),
            format_version=_format_version(d, path),
            language=_str(d, "language", path),
            reports=_many(Report, d, "reports", path),
            errors=_many(ErrorInfo, d, "errors", path),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "format_version": self.format_version,
            "language": self.language,
            "reports": [r.to_dict() for r in self.reports],
            "errors": [e.to_dict() for e in self.errors],
        }
        return _with_extra(out, self.extra)


@dataclass(slots=True, kw_only=True)
class Incident(_Record):
    """One real-world event after linking reports from many documents (§4).

    ``figures`` carry their ``document_id`` so every number stays traceable;
    ``grade`` is Airwars' civilian-harm grading.
    """

    KEYS: ClassVar[tuple[str, ...]] = (
        "incident_id", "format_version", "document_ids", "event_type", "date", "location",
        "targets", "casualties", "figures", "perpetrators", "attribution", "grade", "sources",
        "updated",
    )

    incident_id: str
    format_version: int = FORMAT_VERSION
    document_ids: list[str] = field(default_factory=list)
    event_type: str | None = None
    date: DateInfo = field(default_factory=DateInfo)
    location: Location = field(default_factory=Location)
    targets: list[Target] = field(default_factory=list)
    casualties: Casualties = field(default_factory=Casualties)
    figures: list[Figure] = field(default_factory=list)
    perpetrators: list[Perpetrator] = field(default_factory=list)
    attribution: Attribution | None = None
    grade: str | None = None
    sources: list[str] = field(default_factory=list)
    updated: str | None = None  # ISO datetime, kept as given
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def _load(cls, d: Any, path: str) -> Self:
        d = _obj(d, path)
        return cls(
            incident_id=_req_str(d, "incident_id", path),
            format_version=_format_version(d, path),
            document_ids=_str_list(d, "document_ids", path),
            event_type=_str(d, "event_type", path),
            date=_one(DateInfo, d, "date", path) or DateInfo(),
            location=_one(Location, d, "location", path) or Location(),
            targets=_many(Target, d, "targets", path),
            casualties=_one(Casualties, d, "casualties", path) or Casualties(),
            figures=_many(Figure, d, "figures", path),
            perpetrators=_many(Perpetrator, d, "perpetrators", path),
            attribution=_one(Attribution, d, "attribution", path),
            grade=_str(d, "grade", path),
            sources=_str_list(d, "sources", path),
            updated=_iso(d, "updated", path, with_time=True),
            extra=_extra_in(d, cls.KEYS, path),
        )

    def to_dict(self) -> dict[str, Any]:
        out = {
            "incident_id": self.incident_id,
            "format_version": self.format_version,
            "document_ids": list(self.document_ids),
            "event_type": self.event_type,
            "date": (self.date or DateInfo()).to_dict(),
            "location": (self.location or Location()).to_dict(),
            "targets": [t.to_dict() for t in self.targets],
            "casualties": (self.casualties or Casualties()).to_dict(),
            "figures": [f.to_dict() for f in self.figures],
            "perpetrators": [p.to_dict() for p in self.perpetrators],
            "attribution": None if self.attribution is None else self.attribution.to_dict(),
            "grade": self.grade,
            "sources": list(self.sources),
            "updated": self.updated,
        }
        return _with_extra(out, self.extra)


# --------------------------------------------------------------------------
# JSON


def to_json(obj: _Record | Mapping[str, Any]) -> str:
    """Compact JSON, UTF-8 text unescaped, keys in the spec's order (extras
    sorted): equal objects always give identical lines."""
    data = obj.to_dict() if isinstance(obj, _Record) else obj
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def from_json(cls: type[_T], s: str | bytes) -> _T:
    """Parse one JSON object into ``cls``; bad JSON raises InputError(bad_json)."""
    try:
        data = json.loads(s, parse_constant=_reject_constant)
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", code="bad_json") from None
    except ValueError as exc:  # includes JSONDecodeError and UnicodeDecodeError
        raise InputError(f"invalid JSON: {exc}", code="bad_json") from None
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object, got {_type_name(data)}", code="bad_json")
    return cls.from_dict(data)


# --------------------------------------------------------------------------
# vocabulary checks


def _label(problems: list[str], path: str, value: str | None, allowed: Iterable[str],
           what: str, *, required: bool = False) -> None:
    if value is None:
        if required:
            problems.append(f"{path}: missing {what}")
    elif value not in allowed:
        problems.append(f"{path}: {value!r} is not a canonical {what}")


def _check_range(problems: list[str], path: str, r: Range) -> None:
    known = [v for v in (r.low, r.best, r.high) if v is not None]
    if known != sorted(known):
        problems.append(f"{path}: expected low <= best <= high, got {r.low}/{r.best}/{r.high}")
    if r.best is None and (r.low is not None or r.high is not None):
        problems.append(f"{path}: best is null although low or high is known")


def _check_event(obj: Report | Incident, actors: Iterable[str]) -> list[str]:
    actors = set(actors)
    problems: list[str] = []
    _label(problems, "event_type", obj.event_type, EVENT_TYPES, "event type", required=True)

    d = obj.date
    _label(problems, "date.precision", d.precision, DATE_PRECISIONS, "date precision")
    if d.start and d.end:
        try:
            if date.fromisoformat(d.start) > date.fromisoformat(d.end):
                problems.append(f"date: start {d.start} is after end {d.end}")
        except ValueError:
            problems.append(f"date: start {d.start!r} or end {d.end!r} is not an ISO date")

    loc = obj.location
    _label(problems, "location.precision", loc.precision, LOCATION_PRECISIONS, "location precision")
    if loc.country is not None and not re.fullmatch(r"[A-Z]{2}", loc.country):
        problems.append(f"location.country: {loc.country!r} is not an ISO 3166-1 alpha-2 code")
    if (loc.lat is None) != (loc.lon is None):
        problems.append("location: lat and lon must be both known or both null")

    for i, t in enumerate(obj.targets):
        _label(problems, f"targets[{i}].type", t.type, TARGET_TYPES, "target type")
        if t.type in TARGET_TYPES and t.protected != is_protected(t.type):
            problems.append(
                f"targets[{i}].protected: should be {str(is_protected(t.type)).lower()} for {t.type!r}"
            )

    for key, r in obj.casualties.ranges.items():
        if split_casualty_key(key) is None:
            problems.append(f"casualties.{key}: not a canonical [group_]measure key")
        _check_range(problems, f"casualties.{key}", r)

    for i, f in enumerate(obj.figures):
        p = f"figures[{i}]"
        _label(problems, f"{p}.measure", f.measure, FIGURE_MEASURES, "figure measure", required=True)
        _label(problems, f"{p}.group", f.group, FIGURE_GROUPS, "figure group", required=True)
        _label(problems, f"{p}.qualifier", f.qualifier, FIGURE_QUALIFIERS, "figure qualifier",
               required=True)
        if f.low is not None and f.high is not None and f.low > f.high:
            problems.append(f"{p}: low {f.low} is greater than high {f.high}")

    for i, pp in enumerate(obj.perpetrators):
        _label(problems, f"perpetrators[{i}].actor", pp.actor, actors, "actor")
        _label(problems, f"perpetrators[{i}].role", pp.role, PERPETRATOR_ROLES, "perpetrator role",
               required=True)

    a = obj.attribution
    if a is not None:
        _label(problems, "attribution.actor", a.actor, actors, "actor")
        total = a.probability or 0.0
        for i, alt in enumerate(a.alternatives):
            _label(problems, f"attribution.alternatives[{i}].actor", alt.actor, actors, "actor")
            total += alt.probability or 0.0
        if total > 1 + 1e-6:
            problems.append(f"attribution: probabilities sum to {total:.4g} > 1")
    return problems


def validate_report(report: Report, *, actors: Iterable[str] = ACTORS) -> list[str]:
    """Vocabulary and consistency problems of a report, one line each (``[]``
    if none). ``actors`` defaults to the Middle East theatre's labels; pass a
    theatre profile's list to check others. Never raises for unknown labels:
    callers decide whether a problem is fatal."""
    return _check_event(report, actors)


def validate_incident(incident: Incident, *, actors: Iterable[str] = ACTORS) -> list[str]:
    """As :func:`validate_report`, plus the incident's ``grade``."""
    problems = _check_event(incident, actors)
    _label(problems, "grade", incident.grade, GRADES, "grade", required=True)
    return problems

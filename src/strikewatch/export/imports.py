"""Read ACLED and UCDP GED CSV exports, and compare them with our incidents.

A user who has ACLED or UCDP data for the same place and period wants to
know which of our incidents those datasets also have, which they miss, and
how the death tolls differ. :func:`read_acled` and :func:`read_ucdp` turn
their CSV exports into :class:`ExternalEvent` records; :func:`compare` pairs
them with our incidents by date and distance.

Real exports are messy: a BOM, Excel's extra columns, a truncated last line.
Reading is tolerant of columns (only a few are required, any others are
ignored) and strict about values: a row whose id, date, coordinates or
counts cannot be read becomes a :class:`RowError` with a stable code from
:mod:`strikewatch.errors` (``missing_field`` or ``bad_field``) and its line
number, and reading carries on. A file without the required columns at all
raises :class:`~strikewatch.errors.InputError` (``missing_field``), and one
that looks like neither dataset ``unsupported_type``.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TextIO

from strikewatch.errors import InputError
from strikewatch.export._common import (
    iso2_from_name,
    iso2_from_numeric,
    killed_range,
    parse_day,
)
from strikewatch.export.acled import SUB_EVENT_TYPES_BACK
from strikewatch.geo.gazetteer import haversine_km
from strikewatch.model import Incident, Range

__all__ = [
    "DATASETS",
    "ExternalEvent",
    "ImportResult",
    "RowError",
    "compare",
    "detect_dataset",
    "iter_events",
    "read_acled",
    "read_external",
    "read_ucdp",
]

#: Dataset name -> columns a file must have to be read as that dataset.
DATASETS: dict[str, tuple[str, ...]] = {
    "acled": ("event_id_cnty", "event_date"),
    "ucdp-ged": ("id", "date_start", "best"),
}

@dataclass(slots=True, kw_only=True)
class ExternalEvent:
    """One event of another dataset, in terms we can compare with ours."""

    dataset: str  # "acled" or "ucdp-ged"
    external_id: str
    date_start: date
    date_end: date
    country: str | None = None  # as the dataset writes it
    country_code: str | None = None  # ISO alpha-2 when we can tell
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    lat: float | None = None
    lon: float | None = None
    event_type: str | None = None  # ours (vocab.EVENT_TYPES), when it maps
    external_type: str | None = None  # the dataset's own label, as given
    fatalities: Range = field(default_factory=Range)
    actors: list[str] = field(default_factory=list)
    line: int = 0  # line of the CSV file, for tracing back

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "external_id": self.external_id,
            "date_start": self.date_start.isoformat(),
            "date_end": self.date_end.isoformat(),
            "country": self.country,
            "country_code": self.country_code,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "location": self.location,
            "lat": self.lat,
            "lon": self.lon,
            "event_type": self.event_type,
            "external_type": self.external_type,
            "fatalities": self.fatalities.to_dict(),
            "actors": list(self.actors),
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that could not be read: where, a stable code, and why."""

    line: int
    code: str
    message: str
    external_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "message": self.message,
                "external_id": self.external_id}


@dataclass(slots=True)
class ImportResult:
    """Everything read from one file: the events and the rows that failed."""

    dataset: str
    events: list[ExternalEvent] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class _RowProblem(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --------------------------------------------------------------------------
# cell parsing


def _text(row: dict[str, str], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _required(row: dict[str, str], key: str) -> str:
    value = _text(row, key)
    if value is None:
        raise _RowProblem("missing_field", f"{key}: required value is empty")
    return value


_DATE_FORMATS = ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y", "%Y/%m/%d")


def _date(row: dict[str, str], key: str, *, required: bool = True) -> date | None:
    """ISO dates or datetimes (the day is kept), and ACLED's older '31 May 2016'."""
    value = _required(row, key) if required else _text(row, key)
    if value is None:
        return None
    for parse in (date.fromisoformat, lambda v: datetime.fromisoformat(v).date()):
        try:
            return parse(value)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise _RowProblem("bad_field", f"{key}: not a date: {value[:40]!r}")


def _float(row: dict[str, str], key: str, low: float, high: float) -> float | None:
    value = _text(row, key)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise _RowProblem("bad_field", f"{key}: not a number: {value[:40]!r}") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise _RowProblem("bad_field", f"{key}: {value[:40]!r} is outside [{low}, {high}]")
    return number


def _count(row: dict[str, str], key: str) -> int | None:
    value = _text(row, key)
    if value is None:
        return None
    try:
        number = float(value)  # some tools write counts as 12.0
    except ValueError:
        raise _RowProblem("bad_field", f"{key}: not a count: {value[:40]!r}") from None
    if not math.isfinite(number) or number < 0 or not number.is_integer():
        raise _RowProblem("bad_field", f"{key}: not a non-negative whole number: {value[:40]!r}")
    return int(number)


def _coords(row: dict[str, str], lat_key: str, lon_key: str) -> tuple[float | None, float | None]:
    lat = _float(row, lat_key, -90, 90)
    lon = _float(row, lon_key, -180, 180)
    if (lat is None) != (lon is None):
        raise _RowProblem("bad_field", f"{lat_key}/{lon_key}: only one of the pair is given")
    return lat, lon


# --------------------------------------------------------------------------
# datasets


def _acled_event(row: dict[str, str], line: int) -> ExternalEvent:
    external_id = _required(row, "event_id_cnty")
    day = _date(row, "event_date")
    assert day is not None
    lat, lon = _coords(row, "latitude", "longitude")
    fatalities = _count(row, "fatalities")
    country = _text(row, "country")
    code: str | None = None
    iso = _text(row, "iso")
    if iso and iso.isdigit():
        code = iso2_from_numeric(int(iso))
    code = code or iso2_from_name(country)
    sub = _text(row, "sub_event_type")
    actors = [a for a in (_text(row, k) for k in ("actor1", "assoc_actor_1", "actor2",
                                                  "assoc_actor_2")) if a]
    return ExternalEvent(
        dataset="acled",
        external_id=external_id,
        date_start=day,
        date_end=day,
        country=country,
        country_code=code,
        admin1=_text(row, "admin1"),
        admin2=_text(row, "admin2"),
        location=_text(row, "location"),
        lat=lat,
        lon=lon,
        event_type=SUB_EVENT_TYPES_BACK.get((sub or "").casefold()),
        external_type=" / ".join(v for v in (_text(row, "event_type"), sub) if v) or None,
        # ACLED gives one number (0 also for unknown); it is low, best and high.
        fatalities=Range(low=fatalities, best=fatalities, high=fatalities),
        actors=actors,
        line=line,
    )


_UCDP_VIOLENCE = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}


def _ucdp_event(row: dict[str, str], line: int) -> ExternalEvent:
    external_id = _required(row, "id")
    start = _date(row, "date_start")
    assert start is not None
    end = _date(row, "date_end", required=False) or start
    if end < start:
        raise _RowProblem("bad_field", f"date_end {end} is before date_start {start}")
    lat, lon = _coords(row, "latitude", "longitude")
    best = _count(row, "best")
    low, high = _count(row, "low"), _count(row, "high")
    if best is None:
        raise _RowProblem("missing_field", "best: required value is empty")
    if (low is not None and low > best) or (high is not None and high < best):
        raise _RowProblem("bad_field", f"low/best/high out of order: {low}/{best}/{high}")
    violence = _text(row, "type_of_violence")
    country = _text(row, "country")
    return ExternalEvent(
        dataset="ucdp-ged",
        external_id=external_id,
        date_start=start,
        date_end=end,
        country=country,
        country_code=iso2_from_name(country),
        admin1=_text(row, "adm_1"),
        admin2=_text(row, "adm_2"),
        location=_text(row, "where_coordinates") or _text(row, "where_description"),
        lat=lat,
        lon=lon,
        event_type=None,  # GED records who fought whom, not the means of harm
        external_type=_UCDP_VIOLENCE.get(violence or "", violence),
        fatalities=Range(low=low, best=best, high=high),
        actors=[a for a in (_text(row, "side_a"), _text(row, "side_b")) if a],
        line=line,
    )


_READERS: dict[str, Callable[[dict[str, str], int], ExternalEvent]] = {
    "acled": _acled_event,
    "ucdp-ged": _ucdp_event,
}


def _normalise_header(names: list[str]) -> list[str]:
    """Strip a BOM, spaces and case so 'Event_ID_CNTY ' matches."""
    out = []
    for i, name in enumerate(names):
        name = name.lstrip("\ufeff") if i == 0 else name
        out.append(name.strip().lower())
    return out


def detect_dataset(header: Iterable[str]) -> str | None:
    """Which dataset a header row belongs to, or None."""
    names = set(_normalise_header(list(header)))
    for dataset, required in DATASETS.items():
        if all(col in names for col in required):
            return dataset
    return None


def iter_events(stream: TextIO, dataset: str | None = None) -> Iterator[ExternalEvent | RowError]:
    """Stream a CSV export: one ExternalEvent or RowError per data row.

    ``dataset`` (``"acled"`` or ``"ucdp-ged"``) is detected from the header
    when not given. Raises InputError only for the file as a whole.
    """
    reader = csv.reader(stream)
    try:
        raw_header = next(reader)
    except StopIteration:
        raise InputError("the CSV file is empty (no header row)", code="missing_field") from None
    except csv.Error as exc:
        raise InputError(f"the CSV header cannot be read: {exc}", code="bad_field") from None
    header = _normalise_header(raw_header)
    if dataset is None:
        dataset = detect_dataset(header)
        if dataset is None:
            raise InputError(
                "not an ACLED or UCDP GED export: the header lacks "
                + " or ".join("/".join(cols) for cols in DATASETS.values()),
                code="unsupported_type",
            )
    if dataset not in DATASETS:
        raise InputError(f"unknown dataset {dataset!r}", code="unsupported_type")
    missing = [c for c in DATASETS[dataset] if c not in header]
    if missing:
        raise InputError(f"{dataset} export lacks the column(s) {', '.join(missing)}",
                         code="missing_field")
    read = _READERS[dataset]
    id_column = DATASETS[dataset][0]
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RowError(line, "bad_field", f"unreadable CSV row: {exc}")
            continue
        if not any(c.strip() for c in cells):
            continue  # blank line
        row = dict(zip(header, cells))  # extra cells ignored, missing ones empty
        try:
            yield read(row, line)
        except _RowProblem as exc:
            yield RowError(line, exc.code, exc.message, _text(row, id_column))


def read_external(stream: TextIO, dataset: str | None = None) -> ImportResult:
    """Read a whole ACLED or UCDP GED export (dataset detected when None)."""
    events: list[ExternalEvent] = []
    errors: list[RowError] = []
    for item in iter_events(stream, dataset):
        if isinstance(item, RowError):
            errors.append(item)
        else:
            events.append(item)
            dataset = item.dataset
    return ImportResult(dataset or "", events, errors)


def read_acled(stream: TextIO) -> ImportResult:
    """Read an ACLED CSV export (API or website download)."""
    result = read_external(stream, "acled")
    result.dataset = "acled"
    return result


def read_ucdp(stream: TextIO) -> ImportResult:
    """Read a UCDP GED CSV export (the GED or Candidate events file)."""
    result = read_external(stream, "ucdp-ged")
    result.dataset = "ucdp-ged"
    return result


# --------------------------------------------------------------------------
# comparison


def _our_days(incident: Incident) -> tuple[date, date] | None:
    start = parse_day(incident.date.start) or parse_day(incident.date.end)
    end = parse_day(incident.date.end) or start
    if start is None or end is None:
        return None
    return (start, end) if start <= end else (end, start)


def _days_apart(a: tuple[date, date], b: tuple[date, date]) -> int:
    """0 when the ranges overlap, else the gap in days."""
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0


def _same_area(incident: Incident, event: ExternalEvent) -> bool:
    """Fallback when a side has no coordinates: same country and admin1 name."""
    loc = incident.location
    if not loc.country or not event.country_code or loc.country.upper() != event.country_code:
        return False
    if not loc.admin1 or not event.admin1:
        return False
    a, b = loc.admin1.casefold(), event.admin1.casefold()
    return a == b or a in b or b in a  # "Idlib" vs "Idlib governorate"


def compare(
    ours: list[Incident], theirs: list[ExternalEvent], *, days: int = 1, km: float = 25
) -> list[dict[str, Any]]:
    """Pair our incidents with another dataset's events, one to one.

    Two events may pair when their date ranges are at most ``days`` apart and
    their points at most ``km`` apart (or, when either has no coordinates,
    they share country and admin1). Closest pairs (by days, then km) are
    taken first. Returns one row per pair (``status`` "matched"), then our
    unpaired incidents ("only_ours"), then theirs ("only_theirs"), so a user
    sees what each side misses and how the tolls differ.
    """
    by_day: dict[date, list[int]] = defaultdict(list)
    for j, event in enumerate(theirs):
        d = event.date_start
        while d <= event.date_end and (d - event.date_start).days <= 366:
            by_day[d].append(j)
            d = date.fromordinal(d.toordinal() + 1)

    candidates: list[tuple[int, float, int, int, str]] = []
    for i, incident in enumerate(ours):
        span = _our_days(incident)
        if span is None:
            continue
        seen: set[int] = set()
        first = span[0].toordinal() - days
        last = span[1].toordinal() + days
        if last - first > 400:  # a year-precision date: too vague to pair
            continue
        for ordinal in range(first, last + 1):
            for j in by_day.get(date.fromordinal(ordinal), ()):
                if j in seen:
                    continue
                seen.add(j)
                event = theirs[j]
                gap = _days_apart(span, (event.date_start, event.date_end))
                if gap > days:
                    continue
                loc = incident.location
                if loc.lat is not None and loc.lon is not None and event.lat is not None \
                        and event.lon is not None:
                    dist = haversine_km(loc.lat, loc.lon, event.lat, event.lon)
                    if dist <= km:
                        candidates.append((gap, dist, i, j, "distance"))
                elif _same_area(incident, event):
                    candidates.append((gap, math.inf, i, j, "admin1"))
    candidates.sort(key=lambda c: (c[0], c[1], c[2], c[3]))

    paired_ours: set[int] = set()
    paired_theirs: set[int] = set()
    rows: list[dict[str, Any]] = []
    for gap, dist, i, j, basis in candidates:
        if i in paired_ours or j in paired_theirs:
            continue
        paired_ours.add(i)
        paired_theirs.add(j)
        rows.append(_row("matched", ours[i], theirs[j], gap, dist, basis))
    for i, incident in enumerate(ours):
        if i not in paired_ours:
            rows.append(_row("only_ours", incident, None, None, None, None))
    for j, event in enumerate(theirs):
        if j not in paired_theirs:
            rows.append(_row("only_theirs", None, event, None, None, None))
    return rows


def _row(status: str, incident: Incident | None, event: ExternalEvent | None, gap: int | None,
         dist: float | None, basis: str | None) -> dict[str, Any]:
    ours_killed = killed_range(incident) if incident else None
    theirs_killed = event.fatalities if event else None
    difference = None
    if ours_killed and theirs_killed and ours_killed.best is not None \
            and theirs_killed.best is not None:
        difference = ours_killed.best - theirs_killed.best
    return {
        "status": status,
        "incident_id": incident.incident_id if incident else None,
        "document_ids": list(incident.document_ids) if incident else [],
        "dataset": event.dataset if event else None,
        "external_id": event.external_id if event else None,
        "basis": basis,
        "days_apart": gap,
        "km_apart": None if dist is None or math.isinf(dist) else round(dist, 2),
        "date_ours": incident.date.start if incident else None,
        "date_theirs": event.date_start.isoformat() if event else None,
        "event_type_ours": incident.event_type if incident else None,
        "event_type_theirs": event.event_type if event else None,
        "location_ours": incident.location.name if incident else None,
        "location_theirs": event.location if event else None,
        "killed_ours": ours_killed.to_dict() if ours_killed else None,
        "killed_theirs": theirs_killed.to_dict() if theirs_killed else None,
        "killed_difference": difference,
    }

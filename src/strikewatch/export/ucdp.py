"""``ucdp-csv``: incidents in UCDP GED's column layout (low/best/high deaths).

For analysts who compare with the Uppsala Conflict Data Program's
Georeferenced Event Dataset. The columns are a subset of GED's, in GED's
order; :data:`COLUMNS` says what GED's codebook means by each (as far as we
know it) and where our value is an approximation. The UCDP conventions we
share are the point: ``low``/``best``/``high`` are our reconciled range, and
``best = deaths_a + deaths_b + deaths_civilians + deaths_unknown`` holds
(empty cells counting as 0).

Unknown counts are empty, not 0. ``source_article`` names the documents by
the ids they had on input.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from strikewatch.export import register
from strikewatch.export._common import (
    LIST_SEPARATOR,
    actor_of,
    country_name,
    joined,
    killed_range,
    parse_day,
    targets_civilians,
    write_csv,
    year_of,
)
from strikewatch.model import Incident

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "Unique id of the event.", "Our incident_id (a string, GED's are integers)."),
    ("year", "Year of the event.", "Year of date_start."),
    ("type_of_violence", "1 state-based conflict, 2 non-state conflict, 3 one-sided violence "
     "(deliberate killing of civilians by a government or organised group).",
     "3 when an actor is attributed and civilians or civilian objects were hit, else empty. "
     "An approximation: we cannot see intent, and GED codes many strikes that kill civilians "
     "as type 1 with deaths_civilians."),
    ("side_a", "Government or organised actor (the perpetrator, for one-sided violence).",
     "Our attributed actor's canonical label, not GED's name (e.g. 'Government of Syria')."),
    ("side_b", "The opposing side; 'Civilians' for one-sided violence.",
     "'Civilians' when type_of_violence is 3, else empty."),
    ("number_of_sources", "Number of source articles used.", "Number of our documents."),
    ("source_article", "The source articles (outlet, date, headline).",
     "Our documents, by the ids they had on input, separated by '; '."),
    ("source_headline", "Headlines of the source articles.", "Empty: incidents do not carry "
     "headlines."),
    ("source_original", "The original source of the information (e.g. a monitoring group).",
     "Our incident's sources, separated by '; '."),
    ("where_prec", "1 exact location, 2 within about 25 km of a known point, 3 only the "
     "second-order administrative division, 4 only the first-order division, 5 a linear "
     "feature or between divisions, 6 only the country, 7 international waters or airspace.",
     "From location.precision by WHERE_PREC (exact and locality are 1; 2, 5 and 7 unused)."),
    ("where_description", "The place as described in the sources.", "location.text, else "
     "location.name."),
    ("adm_1", "First-order administrative division (GED adds the type, e.g. 'Idlib "
     "governorate').", "location.admin1 as our gazetteer names it, without the type."),
    ("adm_2", "Second-order administrative division.", "location.admin2."),
    ("latitude", "Latitude (WGS84).", "location.lat."),
    ("longitude", "Longitude (WGS84).", "location.lon."),
    ("country", "Country name (GED uses Gleditsch-Ward names such as 'Yemen (North Yemen)').",
     "GeoNames English name of location.country."),
    ("date_prec", "1 exact day, 2 within 2-6 days, 3 within a week, 4 within a month "
     "(8-30 days), 5 more than a month.", "From the length of our date range, else from "
     "date.precision."),
    ("date_start", "Earliest possible date (YYYY-MM-DD).", "date.start."),
    ("date_end", "Latest possible date (YYYY-MM-DD).", "date.end (date.start when missing)."),
    ("deaths_a", "Deaths of side_a.", "Empty: we do not count perpetrators' deaths."),
    ("deaths_b", "Deaths of side_b (for one-sided violence GED puts victims in "
     "deaths_civilians).", "Empty."),
    ("deaths_civilians", "Civilian deaths.", "casualties.civilians_killed.best."),
    ("deaths_unknown", "Deaths of persons of unknown status.", "best minus deaths_civilians "
     "(all of best when civilian deaths are unknown)."),
    ("best", "Best estimate of deaths.", "casualties.killed.best (civilians_killed when "
     "killed is unknown)."),
    ("high", "Highest reliable estimate.", "casualties.killed.high."),
    ("low", "Lowest reliable estimate.", "casualties.killed.low."),
)

FIELDNAMES: tuple[str, ...] = tuple(c[0] for c in COLUMNS)

#: Our location.precision -> GED where_prec.
WHERE_PREC: dict[str, int] = {"exact": 1, "locality": 1, "district": 3, "region": 4, "country": 6}

#: Our date.precision -> GED date_prec, when the range itself is unknown.
DATE_PREC: dict[str, int] = {"day": 1, "week": 3, "month": 4, "year": 5}


def date_prec(incident: Incident) -> int | None:
    """GED date_prec from the length of our date range (inclusive days)."""
    start, end = parse_day(incident.date.start), parse_day(incident.date.end)
    if start and end and end >= start:
        days = (end - start).days + 1
        if days == 1:
            return 1
        if days <= 6:
            return 2
        if days <= 7:
            return 3
        if days <= 31:
            return 4
        return 5
    return DATE_PREC.get(incident.date.precision or "")


def row(incident: Incident) -> list[object]:
    """One incident as GED-style values, in :data:`FIELDNAMES` order."""
    loc = incident.location
    actor = actor_of(incident)
    one_sided = actor is not None and targets_civilians(incident)
    deaths = killed_range(incident)
    civilians = incident.casualties.civilians_killed.best
    unknown: int | None = None
    if deaths.best is not None:
        unknown = deaths.best - (civilians or 0)
        if unknown < 0:
            unknown = None  # inconsistent figures: do not invent a split
    start = incident.date.start
    return [
        incident.incident_id,
        year_of(incident),
        3 if one_sided else None,
        actor,
        "Civilians" if one_sided else None,
        len(incident.document_ids),
        LIST_SEPARATOR.join(incident.document_ids),
        None,
        joined(incident.sources),
        WHERE_PREC.get(loc.precision or ""),
        loc.text or loc.name,
        loc.admin1,
        loc.admin2,
        loc.lat,
        loc.lon,
        country_name(loc.country),
        date_prec(incident),
        start,
        incident.date.end or start,
        None,
        None,
        civilians,
        unknown,
        deaths.best,
        deaths.high,
        deaths.low,
    ]


@register(
    "ucdp-csv",
    media_type="text/csv",
    extension="csv",
    description="UCDP GED-style CSV with low/best/high deaths (see docs for approximations).",
)
def write_ucdp(incidents: Iterable[Incident], out: TextIO) -> int:
    """Header, then one formula-safe row per incident."""
    return write_csv(out, [FIELDNAMES], (row(incident) for incident in incidents))

"""``acled-csv``: incidents in ACLED's column layout.

For analysts who already work with ACLED (Armed Conflict Location & Event
Data): the same columns, in ACLED's order, with our values mapped onto
ACLED's categories. It is ACLED-*style*, not ACLED data: :data:`COLUMNS`
says, for each column, what ACLED's codebook means by it (as far as we know
the codebook) and where our value is only an approximation.

Things ACLED has that we cannot honestly fill stay empty rather than guessed
(``source_scale``, ``admin3``, ``assoc_actor_1``), and an unknown death toll
is left empty, not written as 0 as ACLED would: "unknown" is not "none".
Document ids (as given on input) and our low/high death figures go in
``tags`` so every row stays traceable to its documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from strikewatch.export import register
from strikewatch.export._common import (
    actor_of,
    country_name,
    epoch_seconds,
    joined,
    killed_range,
    targets_civilians,
    write_csv,
    year_of,
)
from strikewatch.model import Incident

#: (column, what ACLED's codebook means, what we write). Kept as data so the
#: docs and the tests read the same table the writer uses.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("event_id_cnty", "Unique event id: country acronym and number (e.g. SYR1234).",
     "Our incident_id. Not country-prefixed; unique within this export."),
    ("event_date", "Date of the event (YYYY-MM-DD in current exports).",
     "date.start, the earliest day of our date range. ACLED may pick another day of a "
     "multi-day range."),
    ("year", "Year of the event.", "Year of event_date."),
    ("time_precision", "1 = exact day, 2 = within a week or a range of days, 3 = only the "
     "month known.", "From date.precision and the range's length; year-only dates are 3 "
     "(ACLED has no coarser code)."),
    ("disorder_type", "Political violence, Demonstrations or Strategic developments.",
     "Always 'Political violence': every event type we record is political violence."),
    ("event_type", "One of six event types (Battles, Explosions/Remote violence, Violence "
     "against civilians, ...).", "Mapped from our event_type by EVENT_TYPES."),
    ("sub_event_type", "One of ACLED's 25 sub-event types.",
     "Mapped from our event_type by EVENT_TYPES; 'other' and unknown types are left empty."),
    ("actor1", "The named actor that carried out the event (ACLED's actor names, e.g. "
     "'Military Forces of ...').", "Our attributed actor (attribution.actor) with our "
     "canonical label, not ACLED's actor name; empty when unknown."),
    ("assoc_actor_1", "Actors allied with or associated to actor1.", "Empty: we do not record "
     "associates."),
    ("inter1", "Type of actor1: 1 State forces, 2 Rebel group, 3 Political militia, "
     "4 Identity militia, 5 Rioters, 6 Protesters, 7 Civilians, 8 External/Other forces "
     "(newer exports write the names instead of the numbers).",
     "From ACTOR_INTER, our reading of how ACLED types each actor; a state acting outside its "
     "own country is 8. Empty when the actor is unknown."),
    ("actor2", "The other party, e.g. 'Civilians (Syria)' when civilians are targeted.",
     "'Civilians (<country>)' when civilians or civilian objects were hit, else empty."),
    ("civilian_targeting", "'Civilian targeting' when civilians were the main or only target.",
     "Set when a non-military target was hit or civilians were killed: we see what was hit, "
     "not intent, so this is an approximation."),
    ("country", "Country name.", "GeoNames English name of location.country."),
    ("admin1", "Largest sub-national administrative region.", "location.admin1 as resolved by "
     "our gazetteer (names may differ from ACLED's spelling)."),
    ("admin2", "Second-level administrative region.", "location.admin2."),
    ("admin3", "Third-level administrative region.", "Empty: we do not resolve admin3."),
    ("location", "Name of the location (town, village or site).", "location.name."),
    ("latitude", "Latitude (WGS84).", "location.lat."),
    ("longitude", "Longitude (WGS84).", "location.lon."),
    ("geo_precision", "1 = the named town or site, 2 = near a town or a part of a region, "
     "3 = only the region (coordinates of its capital).", "From location.precision by "
     "GEO_PRECISION; country-level locations are 3 (ACLED has no coarser code)."),
    ("source", "Sources of the event, separated by semicolons.", "Our incident's sources."),
    ("source_scale", "Geographic closeness of the sources (Local, National, International, "
     "New media, ...).", "Empty: we do not classify sources by scale."),
    ("notes", "A short description of the event.", "Generated from our fields (type, targets, "
     "place, date, figures, actor, grade, documents)."),
    ("fatalities", "Number of reported fatalities (ACLED codes 0 when unknown and chooses the "
     "most conservative figure).", "casualties.killed.best (civilians_killed.best when only "
     "that is known); empty when unknown, never 0 for unknown."),
    ("tags", "Additional structured information, separated by semicolons.",
     "strikewatch_grade=..., fatalities_low=..., fatalities_high=..., target=..., and "
     "document_ids=... (the input ids of the documents, separated by '|')."),
    ("timestamp", "Unix time when the row was last changed in ACLED.",
     "Unix time of our incident's 'updated'."),
)

FIELDNAMES: tuple[str, ...] = tuple(c[0] for c in COLUMNS)

#: Our event_type -> (ACLED event_type, ACLED sub_event_type).
EVENT_TYPES: dict[str, tuple[str, str]] = {
    "air_strike": ("Explosions/Remote violence", "Air/drone strike"),
    "drone_strike": ("Explosions/Remote violence", "Air/drone strike"),
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "missile_strike": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "explosive_device": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "chemical_attack": ("Explosions/Remote violence", "Chemical weapon"),
    # ACLED would code a clash between armed groups as Battles/Armed clash; the
    # ground attacks we record harm civilians, so we use its civilian category.
    "ground_attack": ("Violence against civilians", "Attack"),
    "abduction": ("Violence against civilians", "Abduction/forced disappearance"),
}

#: ACLED sub_event_type -> our event_type, for imports. Where ACLED lumps
#: together what we split (air vs drone, shelling vs missile) the commoner wins.
SUB_EVENT_TYPES_BACK: dict[str, str] = {
    "air/drone strike": "air_strike",
    "shelling/artillery/missile attack": "shelling",
    "remote explosive/landmine/ied": "explosive_device",
    "suicide bomb": "explosive_device",
    "grenade": "explosive_device",
    "chemical weapon": "chemical_attack",
    "attack": "ground_attack",
    "armed clash": "ground_attack",
    "abduction/forced disappearance": "abduction",
    "sexual violence": "other",
    "government regains territory": "ground_attack",
    "non-state actor overtakes territory": "ground_attack",
}

#: Our location.precision -> ACLED geo_precision.
GEO_PRECISION: dict[str, int] = {"exact": 1, "locality": 1, "district": 2, "region": 3, "country": 3}

#: Our date.precision -> ACLED time_precision.
TIME_PRECISION: dict[str, int] = {"day": 1, "week": 2, "month": 3, "year": 3}

#: ACLED's actor-type codes, by number.
INTER_LABELS: dict[int, str] = {
    1: "State forces", 2: "Rebel group", 3: "Political militia", 4: "Identity militia",
    5: "Rioters", 6: "Protesters", 7: "Civilians", 8: "External/Other forces",
}

#: Our actor label -> (ACLED actor type, home country for state forces). A
#: state's forces acting outside their home country are External/Other (8).
#: Our reading of ACLED's practice; check ACLED's actor list before relying on it.
ACTOR_INTER: dict[str, tuple[int, str | None]] = {
    "Russia": (1, "RU"),
    "Syrian government": (1, "SY"),
    "US-led coalition": (8, None),
    "United States": (1, "US"),
    "Turkey": (1, "TR"),
    "Israel": (1, "IL"),
    "Iran": (1, "IR"),
    "Iraq": (1, "IQ"),
    "SDF": (2, None),
    "Islamic State": (2, None),
    "Hayat Tahrir al-Sham": (2, None),
    "Syrian opposition": (2, None),
    "Hamas": (2, None),
    "Hezbollah": (3, None),
    "Houthis": (1, "YE"),  # ACLED codes the Houthi-run forces as Yemen's (Houthi) military
    "Saudi-led coalition": (8, None),
    "Islamic Resistance in Iraq": (3, None),
}


def inter_code(actor: str | None, country: str | None) -> int | None:
    """ACLED's actor type for one of our actor labels in a country."""
    if actor is None or actor not in ACTOR_INTER:
        return None
    code, home = ACTOR_INTER[actor]
    if code == 1 and home and country and home != country.upper():
        return 8
    return code


def time_precision(incident: Incident) -> int | None:
    """ACLED time_precision from our precision, widened by a multi-day range."""
    code = TIME_PRECISION.get(incident.date.precision or "")
    start, end = incident.date.start, incident.date.end
    if code == 1 and start and end and start != end:
        return 2
    return code


def notes(incident: Incident) -> str:
    """A one-paragraph description built only from our fields."""
    what = (incident.event_type or "attack").replace("_", " ")
    parts = [f"{what.capitalize()}"]
    if incident.targets:
        parts.append("on " + ", ".join(t.name or t.type.replace("_", " ") for t in incident.targets))
    place = incident.location.name
    if place:
        parts.append(f"in {place}")
    if incident.date.start:
        span = incident.date.start
        if incident.date.end and incident.date.end != incident.date.start:
            span += f" to {incident.date.end}"
        parts.append(f"({span})")
    text = " ".join(parts) + "."
    killed = incident.casualties.killed
    if killed.best is not None:
        text += f" Killed: {killed.best}"
        if killed.low != killed.high:
            text += f" (range {_n(killed.low)}-{_n(killed.high)})"
        text += "."
    civ = incident.casualties.civilians_killed
    if civ.best is not None:
        text += f" Civilians killed: {civ.best}."
    injured = incident.casualties.injured
    if injured.best is not None:
        text += f" Injured: {injured.best}."
    a = incident.attribution
    if a is not None and a.actor:
        prob = f" (p={a.probability:.2f})" if a.probability is not None else ""
        text += f" Attributed to {a.actor}{prob}."
    if incident.grade:
        text += f" Grade: {incident.grade}."
    if incident.document_ids:
        text += f" Documents: {', '.join(incident.document_ids)}."
    return text


def _n(value: int | None) -> str:
    return "?" if value is None else str(value)


def tags(incident: Incident) -> str:
    killed = killed_range(incident)
    items: list[str] = []
    if incident.grade:
        items.append(f"strikewatch_grade={incident.grade}")
    if killed.low is not None:
        items.append(f"fatalities_low={killed.low}")
    if killed.high is not None:
        items.append(f"fatalities_high={killed.high}")
    for t in incident.targets:
        items.append(f"target={t.type}")
    if incident.document_ids:
        items.append("document_ids=" + "|".join(incident.document_ids))
    return joined(items)


def row(incident: Incident) -> list[object]:
    """One incident as ACLED-style values, in :data:`FIELDNAMES` order."""
    loc = incident.location
    event_type, sub_event_type = EVENT_TYPES.get(incident.event_type or "", (None, None))
    actor = actor_of(incident)
    civilian = targets_civilians(incident)
    country = country_name(loc.country)
    fatalities = killed_range(incident).best
    return [
        incident.incident_id,
        incident.date.start,
        year_of(incident),
        time_precision(incident),
        "Political violence",
        event_type,
        sub_event_type,
        actor,
        None,
        inter_code(actor, loc.country),
        f"Civilians ({country})" if civilian and country else ("Civilians" if civilian else None),
        "Civilian targeting" if civilian else None,
        country,
        loc.admin1,
        loc.admin2,
        None,
        loc.name,
        loc.lat,
        loc.lon,
        GEO_PRECISION.get(loc.precision or ""),
        joined(incident.sources),
        None,
        notes(incident),
        fatalities,
        tags(incident),
        epoch_seconds(incident.updated),
    ]


@register(
    "acled-csv",
    media_type="text/csv",
    extension="csv",
    description="ACLED-style CSV (ACLED's columns and categories; see docs for approximations).",
)
def write_acled(incidents: Iterable[Incident], out: TextIO) -> int:
    """Header, then one formula-safe row per incident."""
    return write_csv(out, [FIELDNAMES], (row(incident) for incident in incidents))

"""Canonical vocabularies of the public formats (``spec/formats.md`` §2-§4).

These labels are what strikewatch promises on the outside; richer internal
data maps onto them. Tuples keep the spec's order (useful for docs, exports
and stable output); membership tests on them are cheap because they are small.
Changing a label's spelling or meaning is a breaking change of the format.
"""

from __future__ import annotations

#: Version of the JSON formats; written into every extract line and incident.
FORMAT_VERSION: int = 1

#: How the harm was done (ACLED sub-event types and Airwars strike types map here).
EVENT_TYPES: tuple[str, ...] = (
    "air_strike",  # fixed-wing or helicopter, barrel bombs included
    "drone_strike",
    "shelling",  # artillery, mortars, tanks, rocket artillery
    "missile_strike",  # ballistic, cruise, surface-to-surface
    "ground_attack",  # armed assault, shooting, clash
    "explosive_device",  # IED, car bomb, suicide bomb, landmine
    "chemical_attack",
    "abduction",
    "other",
)

#: ``targets[].type``, WHO SSA's health resources first.
TARGET_TYPES: tuple[str, ...] = (
    "health_facility",
    "medical_transport",
    "medical_personnel",
    "school",
    "residential",
    "market",
    "religious_site",
    "camp",  # IDP or refugee
    "un_facility",
    "aid_facility",
    "bakery",
    "water_facility",
    "power_facility",
    "government_building",
    "road",
    "vehicle",
    "military",
    "other",
)

#: Health care targets (WHO Surveillance System for Attacks on health care).
HEALTH_TARGET_TYPES: frozenset[str] = frozenset(
    {"health_facility", "medical_transport", "medical_personnel"}
)

#: Targets with special protection: health, school, religious, camp, UN and aid.
PROTECTED_TARGET_TYPES: frozenset[str] = HEALTH_TARGET_TYPES | frozenset(
    {"school", "religious_site", "camp", "un_facility", "aid_facility"}
)

#: ``location.precision``, finest first (UCDP where_prec / ACLED geo_precision map here).
LOCATION_PRECISIONS: tuple[str, ...] = ("exact", "locality", "district", "region", "country")

#: ``date.precision``, finest first.
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")

#: Actor labels for the Middle East theatre. Other theatres add labels the
#: same way (a country's state forces are named by the country), so
#: validators take the actor list as a parameter.
ACTORS: tuple[str, ...] = (
    "Russia",
    "Syrian government",
    "US-led coalition",
    "United States",
    "Turkey",
    "Israel",
    "Iran",
    "Iraq",
    "SDF",  # YPG included
    "Islamic State",
    "Hayat Tahrir al-Sham",
    "Syrian opposition",  # FSA and SNA included
    "Hamas",
    "Hezbollah",
    "Houthis",
    "Saudi-led coalition",
    "Islamic Resistance in Iraq",
    "unknown",
)

#: Airwars' civilian-harm grading of an incident.
GRADES: tuple[str, ...] = ("confirmed", "fair", "weak", "contested", "discounted")

#: ``figures[].measure``: what a number counts.
FIGURE_MEASURES: tuple[str, ...] = ("killed", "injured", "missing")

#: ``figures[].group``: whom a number counts (``all`` = everyone harmed).
FIGURE_GROUPS: tuple[str, ...] = (
    "all",
    "civilians",
    "children",
    "women",
    "medical_staff",
    "combatants",
)

#: ``figures[].qualifier``: how the document hedges a number.
FIGURE_QUALIFIERS: tuple[str, ...] = (
    "exact",
    "at_least",
    "more_than",
    "up_to",
    "about",
    "range",
    "vague",  # "dozens": low set, high null
)

#: ``perpetrators[].role``: what the text says about an actor.
PERPETRATOR_ROLES: tuple[str, ...] = ("alleged", "claimed", "denied", "confirmed")

#: The ``casualties`` keys every REPORT and incident carries (null ranges when
#: unknown); more keys follow the same ``[group_]measure`` pattern.
CASUALTY_KEYS: tuple[str, ...] = ("killed", "injured", "civilians_killed", "children_killed")

#: Values of the input document's ``format`` field (absent means plain text).
DOCUMENT_FORMATS: tuple[str, ...] = ("text", "html")


def is_protected(target_type: str | None) -> bool:
    """Whether a target type enjoys special protection (unknown types do not)."""
    return target_type in PROTECTED_TARGET_TYPES


def is_health(target_type: str | None) -> bool:
    """Whether a target type is a health care resource (WHO SSA)."""
    return target_type in HEALTH_TARGET_TYPES


def casualty_key(measure: str, group: str = "all") -> str:
    """The ``casualties`` key for a figure's measure and group.

    ``("killed", "all") -> "killed"``, ``("killed", "children") -> "children_killed"``.
    """
    return measure if group == "all" else f"{group}_{measure}"


def split_casualty_key(key: str) -> tuple[str, str] | None:
    """Inverse of :func:`casualty_key` for canonical labels, else ``None``."""
    for measure in FIGURE_MEASURES:
        if key == measure:
            return measure, "all"
        suffix = "_" + measure
        if key.endswith(suffix):
            group = key[: -len(suffix)]
            if group in FIGURE_GROUPS and group != "all":
                return measure, group
    return None

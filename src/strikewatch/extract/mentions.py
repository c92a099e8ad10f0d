"""What the extractors find: typed mentions with their spans into the text.

Every extractor returns a list of these; the pipeline combines them into
REPORTs. Spans are character offsets into ``TextDoc.text``, end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Location


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    text: str


@dataclass(slots=True)
class NumberMention(Mention):
    """A count as written: "at least 23", "twenty-three", "12 to 17", "dozens"."""

    low: int | None
    high: int | None
    qualifier: str  # vocab.FIGURE_QUALIFIERS: exact, at_least, more_than, up_to, about, range, vague


@dataclass(slots=True)
class DateMention(Mention):
    """A resolved date expression: ISO start/end dates and their precision."""

    start_date: str
    end_date: str
    precision: str  # day | week | month | year
    relative: bool = False  # resolved against `published`
    kind: str = ""  # "" (a candidate incident date) | since | until | born | after (a release date) | dateline | archive (a picture's caption) | earlier (an earlier event recalled)


@dataclass(slots=True)
class PlaceMention(Mention):
    """A place named in the text, resolved against the gazetteer."""

    location: Location
    score: float = 1.0
    #: place | site (a named facility) | origin (an air base aircraft came from) |
    #: reference (named to locate another) | source (the publisher's page) | home (a victim's village)
    role: str = "place"


@dataclass(slots=True)
class SourceMention(Mention):
    """Who is giving information: "according to X", "X said", "X told AFP"."""

    name: str
    kind: str = "said"  # according_to | said | told | reported | claimed


@dataclass(slots=True)
class FigureMention(Mention):
    """A casualty figure: measure, group, counts, qualifier, and who gave it."""

    measure: str  # killed | injured | missing
    group: str  # all | civilians | children | women | medical_staff | combatants
    low: int | None
    high: int | None
    qualifier: str
    source: str | None = None
    other_event: bool = False  # about another event or a cumulative toll: not this incident's
    subgroup: str | None = None  # a finer group the vocabulary lacks, e.g. "aid_workers" (AWSD's count)
    list_id: int | None = None  # parts of one additive list ("three children and two women") share it
    # a part of a larger count the text states or implies, not a total for its group: a subset
    # ("…, including five children"), a partitive ("two of the injured"), a re-mention ("among the dead")
    part: bool = False
    family: bool = False  # "nine members of the X family": civilians, maybe not all of the dead


@dataclass(slots=True)
class EventMention(Mention):
    """A cue for how harm was done, mapped to a canonical event type."""

    event_type: str
    weight: float = 1.0
    generic: bool = False  # says only that something was fired ("قصف"): yields to a named means
    carried: bool = False  # a bare rocket: an aircraft's where the sentence tells an air strike
    landing: bool = False  # tells a heliborne landing: its helicopters and raids fight on the ground
    airlift: bool = False  # a bare "raid": a landing's where the text tells one


@dataclass(slots=True)
class WeaponMention(Mention):
    weapon: str  # canonical weapon name, e.g. "barrel bomb"
    event_type: str | None = None  # the event type the weapon implies, if any
    carried: bool = False  # a bare rocket: an aircraft's where the sentence tells an air strike


@dataclass(slots=True)
class AircraftMention(Mention):
    aircraft: str  # canonical type, e.g. "Su-24", "helicopter", "drone"
    kind: str = "fixed_wing"  # fixed_wing | helicopter | drone
    operators: list[str] = field(default_factory=list)  # actors known to fly it


@dataclass(slots=True)
class TargetMention(Mention):
    type: str  # vocab.TARGET_TYPES
    name: str | None = None
    protected: bool = False


@dataclass(slots=True)
class ActorMention(Mention):
    """An actor named as perpetrator, claimant, denier or confirmer."""

    actor: str  # canonical actor label
    role: str  # alleged | claimed | denied | confirmed
    by: str | None = None  # who says so
    unnamed: bool = False  # state forces the text does not name ("soldiers"), resolved by place
    weak: bool = False  # a force named doing nothing in its clause ("IS fighters"): a weak accusation
    #: a name several actors share ("the coalition"): (country code, actor) pairs
    #: that replace ``actor`` where the attack took place (``actors.resolve_by_place``)
    by_country: tuple[tuple[str, str], ...] = ()

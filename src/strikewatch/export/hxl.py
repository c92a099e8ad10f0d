"""``hxl-csv``: CSV tagged with the Humanitarian Exchange Language (HXL).

Humanitarian analysts (OCHA's HDX, the HXL Proxy, many cluster dashboards)
recognise columns by their HXL hashtag rather than by header text, so the
file has a human header row, then a hashtag row, then one row per incident.
The hashtags use HXL's core dictionary (``#event``, ``#date``, ``#adm1``,
``#loc``, ``#geo``, ``#affected``, ``#org``, ``#meta``, ``#indicator``);
attributes we need that the core lacks (``+perpetrator``, ``+grade``,
``+civilians``) are ordinary HXL custom attributes. The test suite reads the
output back with libhxl and runs its default validation schema.

Multi-valued cells (targets, sources, documents) are joined with ``"; "``.
No dependency on libhxl at run time: writing HXL is writing CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TextIO

from strikewatch.export import register
from strikewatch.export._common import (
    actor_of,
    country_name,
    joined,
    killed_range,
    write_csv,
)
from strikewatch.model import Incident

_Get = Callable[[Incident], Any]

#: (header, hashtag, value). Data, so a column is added in one line.
COLUMNS: tuple[tuple[str, str, _Get], ...] = (
    ("Incident ID", "#event+id", lambda i: i.incident_id),
    ("Event type", "#event+type", lambda i: i.event_type),
    ("Date", "#date+occurred", lambda i: i.date.start),
    ("Date (latest)", "#date+occurred+end", lambda i: i.date.end),
    ("Date precision", "#meta+date+precision", lambda i: i.date.precision),
    ("Country code", "#country+code+v_iso2", lambda i: i.location.country),
    ("Country", "#country+name", lambda i: country_name(i.location.country)),
    ("Admin 1", "#adm1+name", lambda i: i.location.admin1),
    ("Admin 2", "#adm2+name", lambda i: i.location.admin2),
    ("Location", "#loc+name", lambda i: i.location.name),
    ("Location precision", "#meta+loc+precision", lambda i: i.location.precision),
    ("Latitude", "#geo+lat", lambda i: i.location.lat),
    ("Longitude", "#geo+lon", lambda i: i.location.lon),
    ("Targets", "#impact+target+type", lambda i: joined([t.type for t in i.targets])),
    ("Target names", "#impact+target+name", lambda i: joined([t.name or "" for t in i.targets])),
    ("Killed (best)", "#affected+killed+num", lambda i: killed_range(i).best),
    ("Killed (low)", "#affected+killed+min+num", lambda i: killed_range(i).low),
    ("Killed (high)", "#affected+killed+max+num", lambda i: killed_range(i).high),
    ("Civilians killed", "#affected+killed+civilians+num",
     lambda i: i.casualties.civilians_killed.best),
    ("Children killed", "#affected+killed+children+num", lambda i: i.casualties.children_killed.best),
    ("Injured", "#affected+injured+num", lambda i: i.casualties.injured.best),
    ("Perpetrator (attributed)", "#org+perpetrator", actor_of),
    ("Attribution probability", "#indicator+attribution+probability+num",
     lambda i: i.attribution.probability if i.attribution else None),
    ("Grade", "#indicator+grade", lambda i: i.grade),
    ("Sources", "#meta+source", lambda i: joined(i.sources)),
    ("Documents", "#meta+document+id", lambda i: joined(i.document_ids)),
    ("Updated", "#date+updated", lambda i: i.updated),
)

HEADERS: tuple[str, ...] = tuple(c[0] for c in COLUMNS)
HASHTAGS: tuple[str, ...] = tuple(c[1] for c in COLUMNS)


@register(
    "hxl-csv",
    media_type="text/csv",
    extension="csv",
    description="HXL-tagged CSV (header row, hashtag row, one row per incident).",
)
def write_hxl(incidents: Iterable[Incident], out: TextIO) -> int:
    """Header row, hashtag row, then one formula-safe row per incident."""
    return write_csv(out, [HEADERS, HASHTAGS], ([get(incident) for _, _, get in COLUMNS] for incident in incidents))

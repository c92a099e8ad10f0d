"""``geojson``: a GeoJSON FeatureCollection (RFC 7946), one Feature per incident.

Each Feature's ``properties`` are the incident's spec §4 object, key for key
(the same as an ``incidents-jsonl`` line), and its ``id`` is the
``incident_id``, so a map click leads back to the documents (``document_ids``)
and to every figure.

Incidents without coordinates are **kept, as Features with** ``"geometry":
null`` (RFC 7946 §3.2 allows it). We chose this over a separate foreign
member because it lets the file be written in one streaming pass and keeps
one incident = one Feature in every tool; GIS software that cannot draw them
lists them in the attribute table. Positions are ``[longitude, latitude]``
(RFC 7946 §3.1.1), WGS84.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from strikewatch.export import register
from strikewatch.model import Incident


def feature(incident: Incident) -> dict[str, Any]:
    """The Feature of one incident (geometry null when it has no coordinates)."""
    loc = incident.location
    geometry = None
    if loc.lat is not None and loc.lon is not None:
        geometry = {"type": "Point", "coordinates": [loc.lon, loc.lat]}
    return {
        "type": "Feature",
        "id": incident.incident_id,
        "geometry": geometry,
        "properties": incident.to_dict(),
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@register(
    "geojson",
    media_type="application/geo+json",
    extension="geojson",
    description="GeoJSON FeatureCollection; unlocated incidents have null geometry.",
)
def write_geojson(incidents: Iterable[Incident], out: TextIO) -> int:
    """Streams the collection: one Feature a line between the opening and closing."""
    out.write('{"type":"FeatureCollection","features":[')
    count = 0
    for incident in incidents:
        out.write("\n" if count == 0 else ",\n")
        out.write(_dumps(feature(incident)))
        count += 1
    out.write("\n]}\n")
    return count

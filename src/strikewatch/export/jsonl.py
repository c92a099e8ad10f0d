"""``incidents-jsonl``: the project's own format (spec §4), one incident a line.

Exactly :meth:`Incident.to_dict` through :func:`strikewatch.model.to_json`, so
``Incident.from_dict(json.loads(line))`` gives the incident back and nothing
is lost: this is the format to archive and to exchange with other tools.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from strikewatch.export import register
from strikewatch.model import Incident, to_json


@register(
    "incidents-jsonl",
    media_type="application/x-ndjson",
    extension="jsonl",
    description="strikewatch incidents, one JSON object a line (spec §4; lossless).",
)
def write_jsonl(incidents: Iterable[Incident], out: TextIO) -> int:
    """One compact JSON line per incident, in the order given."""
    count = 0
    for incident in incidents:
        out.write(to_json(incident))
        out.write("\n")
        count += 1
    return count

"""The Fellegi-Sunter model of :mod:`strikewatch.link.match` as Splink sees it,
for every engine that runs it with Splink: ``strikewatch spark link`` (Spark
SQL) and ``strikewatch link --rebuild --engine splink`` (DuckDB).

One source of truth for both: the candidate columns a report is given
(:func:`candidate_values`, read by :meth:`Candidate.from_report`), its
blocking keys (:func:`block_keys`), each comparison's levels as SQL
(:func:`comparison_levels`), the m and u that make each level weigh exactly
``LinkSettings.weights`` (:func:`level_m_u`), the blocking rule
(:func:`blocking_rule`) and the Splink settings (:func:`splink_settings`).
The SQL is the subset both dialects read alike; the two list functions the
target comparison needs differ and are taken from :data:`DIALECTS`.

Nothing here imports splink (it is an optional extra) but
:func:`splink_settings`, when called.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from .match import COARSE, REMOTE, Candidate, LinkSettings

#: the settings of ``strikewatch link``
DEFAULT = LinkSettings()
#: undated reports must meet dated ones of any day in their place: a dated
#: report offers its place keys under one of this many salts, an undated one
#: under all of them, so dated pairs do not all meet again through these keys
SALTS = 8
#: the clustering threshold is met at ``threshold - EPSILON`` (sums of float weights)
EPSILON = 1e-6

#: each level's comparison as ``strikewatch link`` names it in a link's comparisons
FIELD = {
    "date_same": "date", "date_1": "date", "date_2": "date", "date_far": "date", "date_unknown": "date",
    "dist_2km": "distance", "dist_10km": "distance", "dist_40km": "distance", "dist_far": "distance",
    "same_district": "district", "same_region_only": "region", "region_other": "region",
    "type_same": "event_type", "type_remote": "event_type", "type_other": "event_type",
    "toll_equal": "killed", "toll_close": "killed", "toll_far": "killed",
    "target_same": "target", "target_other": "target",
    "actor_same": "actor", "actor_other": "actor",
}

#: the SQL dialects the model is written for, and the list functions each
#: spells its own way (the rest of the SQL reads alike in both)
DIALECTS: dict[str, dict[str, str]] = {
    "spark": {"empty": "size({0}) = 0", "overlap": "arrays_overlap({0}, {1})"},
    "duckdb": {"empty": "len({0}) = 0", "overlap": "list_has_any({0}, {1})"},
}


# --------------------------------------------------------------------------
# reports -> candidates


#: the columns a report is given for Splink (Spark types as in spark.extract.schema)
CANDIDATE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("day_first", "int"), ("day_last", "int"),
    ("lat", "double"), ("lon", "double"), ("pt_lat", "double"), ("pt_lon", "double"),
    ("cell_y", "int"), ("cell_x", "int"), ("admin1", "string"), ("admin2", "string"),
    ("event_type", "string"), ("remote", "boolean"), ("killed", "long"),
    ("targets", "array<string>"), ("actor", "string"), ("block_key", "array<string>"),
)


def candidate_values(report_id: str, report: dict[str, Any], published: str | None,
                     s: LinkSettings = DEFAULT) -> tuple[Any, ...]:
    """A report as the single-machine linker sees it (:meth:`Candidate.from_report`),
    in :data:`CANDIDATE_COLUMNS` order.

    ``day_first``/``day_last`` are the date window as day ordinals (None:
    undated); ``pt_lat``/``pt_lon`` the point distances are measured from (None
    when the place is a district, region or country centroid, as ``match._km``);
    ``cell_y``/``cell_x`` the ``BlockIndex`` map cell (None unless located finer
    than a region)."""
    return candidate_row(report_id, Candidate.from_report(report_id, report, published, s.published_lag), s)


def candidate_row(report_id: str, c: Candidate, s: LinkSettings = DEFAULT) -> tuple[Any, ...]:
    """A candidate read already (:meth:`Candidate.from_report`) in
    :data:`CANDIDATE_COLUMNS` order (see :func:`candidate_values`)."""
    day_last = c.day.toordinal() if c.day else None
    day_first = day_last - c.span if day_last is not None else None
    located = c.lat is not None and c.lon is not None
    point = located and c.precision not in COARSE
    cell = None
    if located and c.precision not in ("region", "country"):
        size = s.max_km / 111.0
        cell = (int(c.lat // size), int(c.lon // size))  # type: ignore[operator]
    admin1, admin2 = c.admin1 or None, c.admin2 or None
    return (
        day_first, day_last,
        _f(c.lat) if located else None, _f(c.lon) if located else None,
        _f(c.lat) if point else None, _f(c.lon) if point else None,
        cell[0] if cell else None, cell[1] if cell else None, admin1, admin2,
        c.event_type, c.event_type in REMOTE if c.event_type else None,
        c.killed if isinstance(c.killed, int) and not isinstance(c.killed, bool) else None,
        sorted(c.targets), c.actor,
        block_keys(report_id, day_first, day_last, cell, admin1, s),
    )


def _f(value: Any) -> float:
    return float(value)


def block_keys(report_id: str, day_first: int | None, day_last: int | None, cell: tuple[int, int] | None,
               admin1: str | None, s: LinkSettings = DEFAULT) -> list[str]:
    """The keys a report is joined on before the exact blocking condition.

    Places: the region (``r|ADMIN1``, also for no region, as ``BlockIndex``
    keys it) and, for a report with a map cell, the 2 x 2 blocks of cells
    ``c|Y|X`` that any cell next to its own shares one of (``Y`` in
    ``{y // 2, (y + 1) // 2}``). Days: a dated report offers each place key
    for every day of its window widened by ``ceil(max_days / 2)`` on either
    side (``d|DAY|PLACE``), so two windows at most ``max_days`` apart share a
    day; and once under its salt (``u|SALT|PLACE``), where an undated report,
    which offers each place key under every salt, meets it."""
    places = ["r|" + (admin1 or "")]
    if cell is not None:
        y, x = cell
        places += [f"c|{ky}|{kx}" for ky in sorted({y // 2, (y + 1) // 2}) for kx in sorted({x // 2, (x + 1) // 2})]
    if day_first is None or day_last is None:
        return [f"u|{salt}|{p}" for salt in range(SALTS) for p in places]
    reach = (s.max_days + 1) // 2
    salt = zlib.crc32(report_id.encode("utf-8")) % SALTS
    return ([f"d|{day}|{p}" for day in range(day_first - reach, day_last + reach + 1) for p in places]
            + [f"u|{salt}|{p}" for p in places])


# --------------------------------------------------------------------------
# the Splink model

_GAP = "greatest(0, l.day_first - r.day_last, r.day_first - l.day_last)"
_POINTS = "(l.pt_lat IS NOT NULL AND r.pt_lat IS NOT NULL)"
#: great-circle km between the two points, as geo.gazetteer.haversine_km
_KM = ("(2 * 6371.0 * asin(least(1.0, sqrt(pow(sin((radians(r.pt_lat) - radians(l.pt_lat)) / 2), 2)"
       " + cos(radians(l.pt_lat)) * cos(radians(r.pt_lat)) * pow(sin(radians(r.pt_lon - l.pt_lon) / 2), 2)))))")


def _dialect(dialect: str) -> dict[str, str]:
    try:
        return DIALECTS[dialect]
    except KeyError:
        raise ValueError(f"unknown SQL dialect {dialect!r} (one of {', '.join(DIALECTS)})") from None


def comparison_levels(s: LinkSettings = DEFAULT, dialect: str = "spark") -> dict[str, list[tuple[str | None, str]]]:
    """Each comparison's levels as (``LinkSettings`` level, or None for the
    null level that weighs nothing, SQL condition in ``dialect``), in CASE
    order: the levels of ``match._levels``."""
    lists = _dialect(dialect)
    return {
        "date": [
            ("date_unknown", "l.day_last IS NULL OR r.day_last IS NULL"),
            ("date_same", f"{_GAP} = 0"),
            ("date_1", f"{_GAP} = 1"),
            ("date_2", f"{_GAP} <= {int(s.max_days)}"),
            ("date_far", "ELSE"),
        ],
        "place": [
            (None, (f"NOT ({_POINTS} OR coalesce(l.admin2 = r.admin2, false)"
                    " OR (l.admin1 IS NOT NULL AND r.admin1 IS NOT NULL))")),
            ("dist_2km", f"{_POINTS} AND {_KM} <= 2"),
            ("dist_10km", f"{_POINTS} AND {_KM} <= 10"),
            ("dist_40km", f"{_POINTS} AND {_KM} <= {float(s.max_km)!r}"),
            ("dist_far", _POINTS),
            ("same_district", "l.admin2 = r.admin2"),
            ("same_region_only", "l.admin1 = r.admin1"),
            ("region_other", "ELSE"),
        ],
        "event_type": [
            (None, "l.event_type IS NULL OR r.event_type IS NULL"),
            ("type_same", "l.event_type = r.event_type"),
            ("type_remote", "l.remote AND r.remote"),
            ("type_other", "ELSE"),
        ],
        "killed": [
            (None, "l.killed IS NULL OR r.killed IS NULL"),
            ("toll_equal", "l.killed = r.killed"),
            ("toll_close", ("least(l.killed, r.killed) > 0"
                            " AND greatest(l.killed, r.killed) / least(l.killed, r.killed) <= 2.5")),
            ("toll_far", "ELSE"),
        ],
        "target": [
            (None, f"{lists['empty'].format('l.targets')} OR {lists['empty'].format('r.targets')}"),
            ("target_same", lists["overlap"].format("l.targets", "r.targets")),
            ("target_other", "ELSE"),
        ],
        "actor": [
            (None, "l.actor IS NULL OR r.actor IS NULL"),
            ("actor_same", "l.actor = r.actor"),
            ("actor_other", "ELSE"),
        ],
    }


def level_m_u(key: str, s: LinkSettings = DEFAULT) -> tuple[float, float]:
    """A level's (m, u) for Splink: ``LinkSettings``' u, and the m that makes
    log2(m/u) exactly the level's weight as ``strikewatch link`` adds it
    (``LinkSettings.weights``, rounded to 3 decimals)."""
    u = getattr(s, key)[1]
    return min(1.0, u * 2.0 ** s.weights[key]), u


def blocking_rule(s: LinkSettings = DEFAULT) -> str:
    """The pairs ``strikewatch link`` compares: they share a key (:func:`block_keys`),
    their date windows are at most ``max_days`` apart or one is undated, they
    meet in ``BlockIndex`` (the same region, or map cells next to each other),
    and ``match._place_blocked`` does not keep them apart."""
    return (
        "l.block_key = r.block_key"
        f" AND (l.day_last IS NULL OR r.day_last IS NULL OR {_GAP} <= {int(s.max_days)})"
        " AND ((l.admin1 = r.admin1 OR (l.admin1 IS NULL AND r.admin1 IS NULL))"
        " OR (l.cell_y IS NOT NULL AND r.cell_y IS NOT NULL"
        " AND abs(l.cell_y - r.cell_y) <= 1 AND abs(l.cell_x - r.cell_x) <= 1))"
        f" AND (CASE WHEN {_POINTS} THEN {_KM} <= {float(s.max_km)!r}"
        " WHEN l.lat IS NOT NULL AND l.lon IS NOT NULL AND r.lat IS NOT NULL AND r.lon IS NOT NULL THEN true"
        " ELSE NOT coalesce(l.admin1 <> r.admin1, false) END)"
    )


_SIDE = re.compile(r"\b([lr])\.(\w+)")


def splink_settings(s: LinkSettings = DEFAULT, dialect: str = "spark"):  # type: ignore[no-untyped-def]
    """The Splink model: a dedupe of reports keyed by ``report_id``, with the
    comparisons above, the prior at 1/2 (so a pair's match weight is the sum of
    its levels' weights, the score ``strikewatch link`` compares with its
    threshold) and the one exploding blocking rule, its conditions in
    ``dialect``."""
    from splink import SettingsCreator

    comparisons = []
    for name, levels in comparison_levels(s, dialect).items():
        out = []
        for key, condition in levels:
            sql = _SIDE.sub(r"\2_\1", condition)  # Splink's comparisons name columns x_l, x_r
            if key is None:
                out.append({"sql_condition": sql, "label_for_charts": "not compared", "is_null_level": True})
            else:
                m, u = level_m_u(key, s)
                out.append({"sql_condition": sql, "label_for_charts": key, "m_probability": m, "u_probability": u})
        comparisons.append({"output_column_name": name, "comparison_levels": out,
                            "comparison_description": f"{name}, as strikewatch.link.match compares it"})
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="report_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[{"blocking_rule": blocking_rule(s), "arrays_to_explode": ["block_key"]}],
        probability_two_random_records_match=0.5,
        retain_matching_columns=True,  # with them the gamma_* columns: which level each comparison took
        retain_intermediate_calculation_columns=False,
    )


def gamma_levels(s: LinkSettings = DEFAULT) -> dict[str, dict[int, str]]:
    """Per comparison, Splink's comparison vector value -> level: the null
    level is -1, the others count down from n - 1 in their order."""
    out: dict[str, dict[int, str]] = {}
    for name, levels in comparison_levels(s).items():
        keys = [k for k, _ in levels if k is not None]
        out[name] = {len(keys) - 1 - i: k for i, k in enumerate(keys)}
    return out

"""Batch linking with Splink on DuckDB: ``strikewatch link --rebuild --engine splink``.

The model is :mod:`strikewatch.link.splink_model`, the one ``strikewatch spark
link`` runs on Spark: the candidate columns of ``Candidate.from_report``, the
blocking keys and rule, each comparison's levels as SQL and the m and u that
make each level weigh exactly ``LinkSettings.weights``. Here Splink runs it on
an in-memory DuckDB (:class:`splink.DuckDBAPI`): nothing is written to disk or
downloaded, and no Splink jar or UDF is needed.

What this module computes is the clustering step of ``strikewatch link``:
for each report, taken in link order (:func:`strikewatch.link.match.link_order`),
its best link back: the highest-scoring pair at or over the threshold with a
report before it (on a tie, the earliest). The reports already in incidents
(an analyst's locked links, on ``--rebuild``) come before every other report
and never link back themselves. A report with no link back founds an
incident; one with a link joins the incident of the report it links to. That
is how ``strikewatch link`` clusters (each report joins the incident it
matches best, or founds one), as ``spark link``'s ``earlier`` clustering.

jobs.py stores the result exactly as it stores the native engine's: the same
incidents, links, scores and comparisons (:func:`strikewatch.link.match.score_levels`
labels each level as :func:`~strikewatch.link.match.compare` does).

Nothing here imports splink, duckdb or pyarrow at module level: they come
with the ``link`` (or ``spark``) extra, not with the core install.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ..errors import UsageError
from .match import Candidate, LinkSettings, PairScore, link_order, score_levels
from .splink_model import (
    CANDIDATE_COLUMNS,
    DEFAULT,
    EPSILON,
    candidate_row,
    gamma_levels,
    splink_settings,
)

#: the linking engines of ``strikewatch link --rebuild``
ENGINES = ("native", "splink")

#: each candidate column's Arrow type (the Spark type names of CANDIDATE_COLUMNS)
_ARROW_TYPES = {"int": "int32", "long": "int64", "double": "float64", "string": "string", "boolean": "bool_",
                "array<string>": "list<string>"}


def require_splink() -> None:
    """UsageError (code ``missing_extra``) unless Splink and DuckDB can be imported."""
    try:
        import duckdb  # noqa: F401
        import splink  # noqa: F401
    except ImportError:
        raise UsageError("`link --engine splink` needs Splink and DuckDB: pip install 'strikewatch[link]' "
                         "(the spark extra has them too), or use the default engine, native",
                         code="missing_extra") from None


def check_engine(engine: str, rebuild: bool) -> None:
    """UsageError for an engine that is not one of :data:`ENGINES`, another
    than native for an incremental link, or splink without its extra."""
    if engine not in ENGINES:
        raise UsageError(f"unknown linking engine {engine!r} (one of {', '.join(ENGINES)})")
    if engine != "native" and not rebuild:
        raise UsageError(f"--engine {engine} needs --rebuild: an incremental link always uses the native engine "
                         "(the same comparisons)")
    if engine == "splink":
        require_splink()


def _arrow_table(cands: Sequence[Candidate], s: LinkSettings):  # type: ignore[no-untyped-def]
    """The candidates as an Arrow table: ``report_id`` is the position in
    ``cands`` (so "earlier in link order" is "smaller id"), then the
    candidate columns."""
    import pyarrow as pa

    names = [name for name, _ in CANDIDATE_COLUMNS]
    values: list[list[Any]] = [[] for _ in names]
    for i, c in enumerate(cands):
        for column, value in zip(values, candidate_row(str(i), c, s), strict=True):
            column.append(value)

    def arrow(kind: str) -> Any:
        name = _ARROW_TYPES[kind]
        return pa.list_(pa.string()) if name == "list<string>" else getattr(pa, name)()

    fields = [pa.field("report_id", pa.int64())] + [pa.field(n, arrow(k)) for n, k in CANDIDATE_COLUMNS]
    return pa.table([pa.array(range(len(cands)), pa.int64())]
                    + [pa.array(v, f.type) for v, f in zip(values, fields[1:], strict=True)],
                    schema=pa.schema(fields))


def _score_sql(s: LinkSettings) -> str:
    """A pair's score from its ``gamma_*`` columns: the sum of its levels'
    weights, added in the order ``match`` adds them, as doubles, so that the
    threshold and the ties fall exactly where they fall for the native engine
    (a comparison not made adds 0.0, which changes no sum)."""
    w = s.weights
    parts = ["CAST(0.0 AS DOUBLE)"]
    for name, values in gamma_levels(s).items():
        whens = " ".join(f"WHEN {v} THEN CAST({w[k]!r} AS DOUBLE)" for v, k in values.items())
        parts.append(f"(CASE gamma_{name} {whens} ELSE CAST(0.0 AS DOUBLE) END)")
    return " + ".join(parts)


def links_back(cands: Sequence[Candidate], s: LinkSettings = DEFAULT,
               *, fixed: int = 0) -> list[tuple[int, PairScore] | None]:
    """Each candidate's best link back, by Splink on DuckDB: (the position of
    the earlier candidate it links to, the pair's score and comparisons), or
    None (it founds an incident).

    ``cands`` are in link order; the first ``fixed`` of them are reports
    already in incidents (an analyst's), before every other and never linking
    back. Among a report's pairs at or over the threshold the highest score
    wins, on a tie (to 1e-6) the earlier report."""
    require_splink()
    import duckdb
    from splink import DuckDBAPI, Linker

    result: list[tuple[int, PairScore] | None] = [None] * len(cands)
    if len(cands) - fixed <= 0 or len(cands) < 2:
        return result
    gammas = gamma_levels(s)
    splink_log = logging.getLogger("splink")
    level = splink_log.level
    splink_log.setLevel(logging.ERROR)  # its notes (the date comparison has no null level: by design)
    con = duckdb.connect(":memory:")
    try:
        db_api = DuckDBAPI(connection=con)
        linker = Linker(db_api.register(_arrow_table(cands, s)), splink_settings(s, "duckdb"), log_level=None)
        # Splink's match weight is the same sum in another order: it only
        # pre-filters the pairs, the exact score below decides
        predicted = linker.inference.predict(threshold_match_weight=s.threshold - EPSILON)
        columns = ", ".join(f"gamma_{name}" for name in gammas)
        rows = con.execute(f"""
            WITH scored AS (
                SELECT greatest(report_id_l, report_id_r) AS later, least(report_id_l, report_id_r) AS earlier,
                       {_score_sql(s)} AS score, {columns}
                FROM {predicted.physical_name}
            ), ranked AS (
                SELECT *, row_number() OVER (PARTITION BY later ORDER BY round(score, 6) DESC, earlier) AS rank
                FROM scored
                WHERE later >= ? AND score >= ?
            )
            SELECT later, earlier, {columns} FROM ranked WHERE rank = 1 ORDER BY later
        """, [fixed, float(s.threshold)]).fetchall()
    finally:
        con.close()
        splink_log.setLevel(level)
    for later, earlier, *vector in rows:
        keys = [gammas[name][g] for name, g in zip(gammas, vector, strict=True) if g in gammas[name]]
        result[later] = (earlier, score_levels(cands[later], cands[earlier], keys, s))
    return result


def link_batch(cands: list[Candidate], s: LinkSettings = DEFAULT) -> list[tuple[int, PairScore | None]]:
    """:func:`strikewatch.link.match.link_batch` with Splink on DuckDB: per
    input, (cluster number, the link's score; None for a report that founds
    its cluster). Clusters are numbered in the order they are founded."""
    order = sorted(range(len(cands)), key=lambda i: (*link_order(cands[i]), i))
    backs = links_back([cands[i] for i in order], s)
    cluster: list[int] = []  # by position in link order; a link always points back, so it is known
    result: list[tuple[int, PairScore | None]] = [(-1, None)] * len(cands)
    founded = 0
    for pos, i in enumerate(order):
        back = backs[pos]
        if back is None:
            cluster.append(founded)
            founded += 1
            result[i] = (cluster[pos], None)
        else:
            cluster.append(cluster[back[0]])
            result[i] = (cluster[pos], back[1])
    return result

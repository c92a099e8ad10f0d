"""Linking on Spark: the reports of ``spark extract`` into incidents, with Splink.

``strikewatch spark link`` reads the ``reports`` Parquet dataset that
``strikewatch spark extract`` writes and links it with Splink's Spark backend
(:class:`splink.SparkAPI`), in five stages, all but the last on the executors:

1. **candidates.** Each report is read by the single-machine linker's own
   :meth:`strikewatch.link.match.Candidate.from_report` (the date window, the
   place and its precision, the event type, the toll, the targets, the actor),
   and given its blocking keys.
2. **scoring.** Splink scores every candidate pair with the comparisons of
   :mod:`strikewatch.link.match`, level for level, each level weighing exactly
   the log2(m/u) that ``LinkSettings`` gives it (the project's documented m and
   u, not re-estimated; docs/spark.md says why). The single blocking rule lets
   through exactly the pairs the single-machine linker compares: reports
   whose date windows are at most ``max_days`` apart (or undated), that meet in
   its map cells or region, and that its place blocking does not keep apart.
3. **clustering.** Pairs whose match weight reaches the threshold (8 by
   default, as ``strikewatch link``) are links; each report keeps only its
   best link to a report before it in link order, as ``strikewatch link``
   joins a report to the incident it matches best (:func:`keep_links`; or
   every link, ``components``), and Splink's connected components joins the
   reports along the links kept.
4. **incidents.** Each cluster's reports are grouped on an executor and built
   into a spec §4 incident by :func:`strikewatch.assess.incident.build_incident`,
   the function ``strikewatch link`` uses (reconciliation, attribution, grade).
5. **output.** Parquet ``clusters/`` (report id -> incident id, with the
   strongest link's weight and comparisons) and ``incidents/``, then the
   export files, written on the driver by the registered export writers
   (:mod:`strikewatch.export`) from the incidents streamed back in order.

The model of stages 1 and 2 (candidate columns, blocking keys, the
comparisons as SQL, their m and u, the blocking rule, the Splink settings) is
:mod:`strikewatch.link.splink_model`, shared with ``strikewatch link --engine
splink`` (DuckDB); this module runs it on Spark.

Nothing here imports pyspark or splink at module level: the candidate and
incident builders are plain Python and are tested without Spark.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..link.match import LinkSettings
from ..link.splink_model import (  # noqa: F401 - re-exported: the model as `spark link` has always named it
    CANDIDATE_COLUMNS,
    DEFAULT,
    EPSILON,
    FIELD,
    SALTS,
    block_keys,
    blocking_rule,
    candidate_row,
    candidate_values,
    comparison_levels,
    gamma_levels,
    level_m_u,
    splink_settings,
)
from .extract import is_uri

#: the Parquet datasets under ``--output``
DATASETS = ("clusters", "incidents")
#: the export written when no ``--format`` is given
DEFAULT_FORMATS = ("incidents-jsonl",)
#: Splink's intermediate tables, under ``--output`` while the job runs
SCRATCH = "_splink_tmp"


# --------------------------------------------------------------------------
# stage 2 (Spark SQL): a link's comparisons from Splink's comparison vector


def comparisons_sql(s: LinkSettings = DEFAULT) -> str:
    """A SQL expression over Splink's ``gamma_*`` columns: the link's
    comparisons as ``strikewatch link`` keeps them (field, level, weight), the
    level by its ``LinkSettings`` name; a comparison not made is left out."""
    w = s.weights
    parts = []
    for name, values in gamma_levels(s).items():
        whens = " ".join(
            f"WHEN {v} THEN named_struct('field', '{FIELD[k]}', 'level', '{k}', 'weight', CAST({w[k]!r} AS DOUBLE))"
            for v, k in values.items())
        parts.append(f"CASE gamma_{name} {whens} END")
    return f"filter(array({', '.join(parts)}), x -> x IS NOT NULL)"


# --------------------------------------------------------------------------
# stage 4 (executors): clusters -> incidents

#: the member fields stage 4 reads, in order
MEMBER_COLUMNS = ("report_id", "id", "report_index", "source_seq", "source", "position",
                  "published", "outlet", "report_json", "day_last")
INCIDENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("incident_id", "string"), ("cluster_id", "string"), ("founder", "string"),
    ("report_ids", "array<string>"), ("document_ids", "array<string>"), ("reports", "int"),
    ("day", "int"), ("source_seq", "int"), ("source", "string"), ("position", "long"), ("report_index", "int"),
    ("event_type", "string"), ("date_start", "string"), ("country", "string"), ("admin1", "string"),
    ("killed_best", "long"), ("grade", "string"), ("incident_json", "string"),
)
#: the order of the incidents in the outputs: the founder's link order
#: (dated reports by day, then undated ones), then input order
INCIDENT_ORDER = ("undated", "day", "source_seq", "source", "position", "report_index")


def _input_order(m: tuple[Any, ...]) -> tuple[Any, ...]:
    return (m[3], m[4], m[5], m[2])


def build_cluster(cluster_id: str, members: Iterable[tuple[Any, ...]]) -> tuple[Any, ...]:
    """One cluster's members (tuples in :data:`MEMBER_COLUMNS` order) as one
    incident row (:data:`INCIDENT_COLUMNS`), built by ``build_incident``.

    The members are taken in input order (``strikewatch link`` takes them in
    the order they were stored); the founder, whose id names the incident
    (:func:`incident_key`), is the first in link order: the earliest dated
    report, else the first undated one."""
    from ..assess.incident import build_incident, incident_key

    rows = sorted(members, key=_input_order)
    founder = min(rows, key=lambda m: (m[9] is None, m[9] or 0, *_input_order(m)))
    data = build_incident(incident_key(founder[0]), [
        {"report_id": m[0], "document_id": m[1], "published": m[6], "outlet": m[7], "report": json.loads(m[8])}
        for m in rows])
    when, where = data.get("date") or {}, data.get("location") or {}
    killed = ((data.get("casualties") or {}).get("killed") or {}).get("best")
    return (data["incident_id"], cluster_id, founder[0], [m[0] for m in rows], list(data.get("document_ids") or []),
            len(rows), founder[9], founder[3], founder[4], founder[5], founder[2],
            data.get("event_type"), when.get("start"), where.get("country"), where.get("admin1"),
            killed, data.get("grade"), json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def build_clusters(groups: Iterable[tuple[str, Iterable[tuple[Any, ...]]]]) -> Iterator[tuple[Any, ...]]:
    """Stage 4 (a mapPartitions function over grouped members)."""
    for cluster_id, members in groups:
        yield build_cluster(cluster_id, members)


# --------------------------------------------------------------------------
# stage 5 (driver): export files


def export_name(fmt: Any) -> str:
    """The file an export format is written to: ``incidents.jsonl``,
    ``acled.csv``, ``ucdp.csv``, ``incidents.geojson``, ``hxl.csv``."""
    base = fmt.name[: -len(fmt.extension) - 1] if fmt.name.endswith("-" + fmt.extension) else fmt.name
    if base in (fmt.extension, "incidents"):
        base = "incidents"
    return f"{base}.{fmt.extension}"


def resolve_formats(names: Iterable[str]) -> list[Any]:
    """The export formats asked for (UsageError for an unknown one), each once."""
    from .. import export as exporters

    out: dict[str, Any] = {}
    for name in names or DEFAULT_FORMATS:
        fmt = exporters.get(name)
        out.setdefault(export_name(fmt), fmt)
    return list(out.values())


# --------------------------------------------------------------------------
# the driver


@dataclass
class LinkSummary:
    reports: int = 0
    links: int = 0
    incidents: int = 0
    largest: int = 0
    threshold: float = LinkSettings.threshold
    clustering: str = "earlier"
    seconds: float = 0.0
    output: str = ""
    files: dict[str, int] = field(default_factory=dict)

    @property
    def reports_per_second(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"reports": self.reports, "links": self.links, "incidents": self.incidents,
                "largest_incident": self.largest, "threshold": self.threshold, "clustering": self.clustering,
                "seconds": round(self.seconds, 3), "reports_per_second": round(self.reports_per_second, 2),
                "output": self.output, "files": dict(self.files)}

    def line(self) -> str:
        files = ", ".join(self.files)
        kept = "best link back" if self.clustering == "earlier" else "every link"
        return (f"reports {self.reports}, links {self.links} (match weight >= {self.threshold:g}, {kept}), "
                f"incidents {self.incidents} (largest {self.largest} reports); {self.seconds:.1f} s "
                f"({self.reports_per_second:.1f} reports/s) -> {self.output}" + (f" ({files})" if files else ""))


def require_splink() -> None:
    """UsageError unless Splink (and pyspark) can be imported."""
    import importlib.util

    if importlib.util.find_spec("splink") is None or importlib.util.find_spec("pyspark") is None:
        raise UsageError("`spark link` needs the spark extra: pip install 'strikewatch[spark]' "
                         "(pyspark 4 and splink; Spark also needs Java 17 or later)")


def _check_input(ref: str) -> str:
    """The ``reports`` dataset under a ``spark extract`` output folder."""
    if is_uri(ref):
        return f"{ref.rstrip('/')}/reports"
    path = Path(ref)
    if path.name == "reports" and path.is_dir() and not (path / "reports").is_dir():
        return str(path.resolve())
    if not (path / "reports").is_dir():
        raise UsageError(f"{ref} holds no reports/ dataset: give the --output folder of `strikewatch spark extract`")
    return str((path / "reports").resolve())


def _check_output(output: str, overwrite: bool, files: Iterable[str]) -> str:
    if is_uri(output):
        return output
    path = Path(output)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--output {output} is a file; give a folder")
    taken = [n for n in (*DATASETS, *files) if (path / n).exists()]
    if taken and not overwrite:
        raise UsageError(f"{output} already holds {', '.join(taken)}; give --overwrite to replace it")
    return str(path.resolve())


def _schema(columns: Iterable[tuple[str, str]]):  # type: ignore[no-untyped-def]
    from .extract import schema

    return schema(columns)


def _read_reports(spark, path: str):  # type: ignore[no-untyped-def]
    """The reports with a unique ``report_id`` (DOCUMENT#INDEX; a document id
    seen in more than one input is told apart by where it was read)."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    try:
        df = spark.read.parquet(path)
    except Exception as exc:  # noqa: BLE001 - AnalysisException: no such path, not Parquet
        raise UsageError(f"cannot read {path}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    for name in ("published", "outlet"):  # output of an older spark extract
        if name not in df.columns:
            df = df.withColumn(name, F.lit(None).cast("string"))
    missing = {"id", "report_index", "source_seq", "source", "position", "report_json"} - set(df.columns)
    if missing:
        raise UsageError(f"{path} is not a `spark extract` reports dataset (no {', '.join(sorted(missing))})")
    seen = F.count(F.lit(1)).over(Window.partitionBy("id", "report_index"))
    plain = F.concat_ws("#", F.col("id"), F.col("report_index").cast("string"))
    placed = F.concat(F.col("id"), F.lit("@"), F.col("source_seq").cast("string"), F.lit("."),
                      F.col("position").cast("string"), F.lit("#"), F.col("report_index").cast("string"))
    return (df.where(F.col("report_json").isNotNull())
            .withColumn("report_id", F.when(seen > 1, placed).otherwise(plain))
            .select(*MEMBER_COLUMNS[:-1]))


def _candidates(spark, reports, s: LinkSettings):  # type: ignore[no-untyped-def]
    """Stage 1: the reports with the candidate columns, computed on the executors."""
    columns = [(name, kind) for name, kind in (
        ("report_id", "string"), ("id", "string"), ("report_index", "int"), ("source_seq", "int"),
        ("source", "string"), ("position", "long"), ("published", "string"), ("outlet", "string"),
        ("report_json", "string"))] + list(CANDIDATE_COLUMNS)

    def rows(part: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
        for r in part:
            values = tuple(r)
            yield values + candidate_values(r[0], json.loads(r[8]), r[6], s)

    return spark.createDataFrame(reports.rdd.mapPartitions(rows), _schema(columns))


def _hadoop_path(spark, ref: str):  # type: ignore[no-untyped-def]
    """A Hadoop Path and its FileSystem, resolved as Spark resolves ``ref`` when it writes there."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(ref)
    return path, path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())


def _put(spark, local: str, uri: str) -> None:  # type: ignore[no-untyped-def]
    """Copy a local file to a Hadoop URI (the driver's export files on a cluster)."""
    target, fs = _hadoop_path(spark, uri)
    fs.copyFromLocalFile(False, True, spark.sparkContext._jvm.org.apache.hadoop.fs.Path(local), target)


def _remove(spark, ref: str) -> None:  # type: ignore[no-untyped-def]
    path, fs = _hadoop_path(spark, ref)
    fs.delete(path, True)


def _splink_api(base, spark, scratch: str, partitions: int):  # type: ignore[no-untyped-def]
    """Splink's Spark backend, writing its intermediate tables as Parquet under
    ``scratch`` (in the output folder, which every executor can write): each
    table is read back, so Spark's query plans stay short however many
    rounds connected components takes (with ``persist`` they grow with every
    round and planning alone takes longer than the work). Splink's string
    similarity functions (its jar) are not used by these comparisons and are
    not registered."""

    class SparkAPI(base):  # type: ignore[misc, valid-type]
        def _get_checkpoint_dir_path(self, spark_df):  # type: ignore[no-untyped-def]
            return scratch

    return SparkAPI(spark_session=spark, break_lineage_method="parquet", num_partitions_on_repartition=partitions,
                    register_udfs_automatically=False)


def _ends(edges):  # type: ignore[no-untyped-def]
    """Each link from both of its ends: report_id, linked_to and the link's columns."""
    from pyspark.sql import functions as F

    rest = [c for c in edges.columns if c not in ("report_id_l", "report_id_r")]
    return (edges.select(F.col("report_id_l").alias("report_id"), F.col("report_id_r").alias("linked_to"), *rest)
            .unionByName(edges.select(F.col("report_id_r").alias("report_id"),
                                      F.col("report_id_l").alias("linked_to"), *rest)))


#: how links become incidents (``--clustering``)
CLUSTERINGS = ("earlier", "components")


def keep_links(scored, nodes, clustering: str = "earlier"):  # type: ignore[no-untyped-def]
    """The links connected components follows, with ``later`` and ``earlier``:
    the link's two reports in link order.

    ``earlier`` (the default): each report keeps only its best link to a
    report before it in link order (dated reports by day, then undated ones;
    then input order): the highest match weight, on a tie the earliest
    report. That is how ``strikewatch link`` clusters (a report joins the
    incident it matches best, or founds one): each report has at most one
    link back, so the links kept form trees, each rooted at the report that
    founded its incident, and two incidents are never joined through a report
    that matches both. ``components``: every link, Splink's connected
    components plainly: a report that matches two incidents joins them, and
    in a dense stream (many strikes a day in one city) chains of links join
    strikes days apart."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    if clustering not in CLUSTERINGS:
        raise UsageError(f"unknown clustering {clustering!r} (one of {', '.join(CLUSTERINGS)})")
    key = F.struct(F.col("day_last").isNull().alias("undated"), F.coalesce("day_last", F.lit(0)).alias("day"),
                   "source_seq", "source", "position", "report_index")
    keys = nodes.select("report_id", key.alias("key"))
    flagged = (scored.join(keys.toDF("report_id_l", "key_l"), "report_id_l")
               .join(keys.toDF("report_id_r", "key_r"), "report_id_r"))
    left_later = F.col("key_l") > F.col("key_r")
    flagged = (flagged
               .withColumn("later", F.when(left_later, F.col("report_id_l")).otherwise(F.col("report_id_r")))
               .withColumn("earlier", F.when(left_later, F.col("report_id_r")).otherwise(F.col("report_id_l")))
               .withColumn("earlier_key", F.when(left_later, F.col("key_r")).otherwise(F.col("key_l"))))
    if clustering == "earlier":
        order = Window.partitionBy("later").orderBy(F.desc("match_weight"), "earlier_key")
        flagged = flagged.withColumn("rank", F.row_number().over(order)).where("rank = 1")
    return flagged.select("report_id_l", "report_id_r", "match_weight", "comparisons", "later", "earlier")


def run_link(spark, input_ref: str, output: str, *, formats: Iterable[str] = DEFAULT_FORMATS,  # type: ignore[no-untyped-def]
             threshold: float | None = None, overwrite: bool = False, partitions: int | None = None,
             clustering: str = "earlier", settings: LinkSettings | None = None) -> LinkSummary:
    """Link the reports of a ``spark extract`` output into incidents and write
    ``clusters/``, ``incidents/`` and the export files under ``output``
    (``clustering``: see :func:`keep_links`)."""
    require_splink()
    if clustering not in CLUSTERINGS:
        raise UsageError(f"unknown clustering {clustering!r} (one of {', '.join(CLUSTERINGS)})")
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window
    from splink import Linker, SparkAPI

    from ..model import Incident

    s = settings or LinkSettings()
    if threshold is not None:
        s = replace(s, threshold=threshold)
    fmts = resolve_formats(formats)
    files = [export_name(f) for f in fmts]
    source = _check_input(input_ref)
    out = _check_output(output, overwrite, files)
    start = time.perf_counter()
    sc = spark.sparkContext
    n = partitions or sc.defaultParallelism * 4
    shuffle = spark.conf.get("spark.sql.shuffle.partitions")
    spark.conf.set("spark.sql.shuffle.partitions", str(n))
    scratch = f"{out.rstrip('/')}/{SCRATCH}"

    reports = _read_reports(spark, source)
    nodes = _candidates(spark, reports.repartition(n), s).persist(StorageLevel.MEMORY_AND_DISK)
    cached = [nodes]
    db_api = None
    splink_log = logging.getLogger("splink")
    level = splink_log.level
    splink_log.setLevel(logging.ERROR)  # its notes (the date comparison has no null level: by design)
    try:
        total = nodes.count()
        db_api = _splink_api(SparkAPI, spark, scratch, n)
        splink_input = nodes.select("report_id", *(c for c, _ in CANDIDATE_COLUMNS))
        linker = Linker(db_api.register(splink_input), splink_settings(s, "spark"), log_level=None)
        # stage 2: only the pairs at or over the threshold are kept
        predicted = linker.inference.predict(threshold_match_weight=s.threshold - EPSILON)
        scored = predicted.as_spark_dataframe().select(
            "report_id_l", "report_id_r", "match_weight", F.expr(comparisons_sql(s)).alias("comparisons"))
        # stage 3: connected components over the links kept (every report, linked or not)
        edges = keep_links(scored, nodes, clustering).persist(StorageLevel.MEMORY_AND_DISK)
        cached.append(edges)
        links = edges.count()
        kept = db_api.register(edges.select("report_id_l", "report_id_r"))
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(kept)
        clusters = clustered.as_spark_dataframe().select("report_id", "cluster_id")

        # the link that put each report in its incident: its link back (the
        # strongest of its links with --clustering components); none for a founder
        if clustering == "earlier":
            best = edges.select(F.col("later").alias("report_id"), F.col("earlier").alias("linked_to"),
                                "match_weight", "comparisons")
        else:
            best = (_ends(edges.drop("later", "earlier")).withColumn("rank", F.row_number().over(
                Window.partitionBy("report_id").orderBy(F.desc("match_weight"), "linked_to")))
                .where("rank = 1").select("report_id", "linked_to", "match_weight", "comparisons"))

        # stage 4: one incident per cluster, built on the executors
        members = nodes.join(clusters, "report_id").select("cluster_id", *MEMBER_COLUMNS)
        grouped = members.rdd.map(lambda r: (r[0], tuple(r[1:]))).groupByKey(numPartitions=n)
        incidents = spark.createDataFrame(grouped.mapPartitions(build_clusters), _schema(INCIDENT_COLUMNS))
        incidents = incidents.withColumn("undated", F.col("day").isNull()).persist(StorageLevel.MEMORY_AND_DISK)
        cached.append(incidents)

        # stage 5: the datasets, then the export files
        mode = "overwrite" if overwrite else "errorifexists"
        ordered = incidents.orderBy(*INCIDENT_ORDER)
        ordered.drop("undated").write.mode(mode).parquet(f"{out.rstrip('/')}/incidents")
        membership = incidents.select("incident_id", "founder", F.col("reports").alias("incident_reports"),
                                      F.explode("report_ids").alias("report_id"))
        (nodes.select("report_id", F.col("id").alias("document_id"), "report_index", "source_seq", "source",
                      "position")
         .join(membership, "report_id").join(best, "report_id", "left")
         .select("report_id", "document_id", "report_index", "incident_id",
                 (F.col("report_id") == F.col("founder")).alias("founder"), "incident_reports",
                 "match_weight", "linked_to", "comparisons", "source_seq", "source", "position")
         .orderBy("source_seq", "source", "position", "report_index")
         .write.mode(mode).parquet(f"{out.rstrip('/')}/clusters"))
        tally = incidents.agg(F.count(F.lit(1)).alias("n"), F.max("reports").alias("largest")).collect()[0]

        written: dict[str, int] = {}
        staging = tempfile.mkdtemp(prefix="strikewatch-link-") if is_uri(out) else None
        try:
            if staging is None:
                os.makedirs(out, exist_ok=True)
            for fmt, name in zip(fmts, files, strict=True):
                local = os.path.join(staging or out, name)
                stream = (Incident.from_dict(json.loads(r["incident_json"]))
                          for r in ordered.select("incident_json").toLocalIterator())
                with open(local, "w", encoding="utf-8", newline="") as fh:
                    written[name] = fmt.write(stream, fh)
                if staging is not None:
                    _put(spark, local, f"{out.rstrip('/')}/{name}")
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
    except Exception as exc:
        if not overwrite and ("PATH_ALREADY_EXISTS" in str(exc) or "already exists" in str(exc)):
            raise UsageError(f"{out} already holds output; give --overwrite to replace it") from None
        raise
    finally:
        for frame in cached:
            frame.unpersist()
        if db_api is not None:
            db_api.delete_tables_created_by_splink_from_db()
            _remove(spark, scratch)
        splink_log.setLevel(level)
        spark.conf.set("spark.sql.shuffle.partitions", shuffle)
    return LinkSummary(reports=total, links=links, incidents=tally["n"], largest=tally["largest"] or 0,
                       threshold=s.threshold, clustering=clustering, seconds=time.perf_counter() - start,
                       output=out, files=written)

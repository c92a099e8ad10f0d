"""The ``strikewatch spark`` command group (registered in :mod:`strikewatch.cli`).

pyspark is imported only when a command runs: the core install has none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click


def _conf(values: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {value!r}", param_hint="--conf")
        pairs.append((key.strip(), val))
    return pairs


@click.group(name="spark")
def spark_group() -> None:
    """Run extraction and linking on Apache Spark, locally or on a cluster (the
    optional `spark` extra: pip install 'strikewatch[spark]'; Java 17+)."""


def _session_options(*, partitions: str, overwrite: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options every Spark command takes: --master, --partitions, --overwrite, --conf, --json."""
    def apply(f: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed([
            click.option("--master", default=None, metavar="URL",
                         help="Spark master [default local[*], or spark-submit's when run under it]."),
            click.option("--partitions", type=click.IntRange(min=1), metavar="N",
                         help=f"Partitions {partitions} [default 4 x the default parallelism]."),
            click.option("--overwrite", is_flag=True, help=f"Replace {overwrite}."),
            click.option("--conf", "conf", multiple=True, metavar="KEY=VALUE", help="A Spark setting. Repeatable."),
            click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON."),
        ]):
            f = option(f)
        return f
    return apply


@spark_group.command(name="extract")
@click.option("--input", "inputs", multiple=True, required=True, metavar="PATH",
              help="JSON Lines (one document a line), .json/.txt/.html files, folders of them, or WARC files "
                   "(.warc, .warc.gz). Repeatable. A local path must be visible to every executor; a Hadoop "
                   "URI (hdfs://, s3a://, file://; a file, folder or glob) is read by Spark.")
@click.option("--output", required=True, metavar="DIR",
              help="Folder (or URI) for the Parquet datasets reports/, errors/ and documents/.")
@_session_options(partitions="for the extraction stage", overwrite="the datasets already in --output")
def extract_command(inputs: tuple[str, ...], output: str, master: str | None, partitions: int | None,
                    overwrite: bool, conf: tuple[str, ...], as_json: bool) -> None:
    """Extract incident reports from many documents on Spark, with the same
    extractor as `strikewatch extract`, into Parquet: one row a report
    (query columns and report_json, the spec §2 REPORT), one row an error
    (id, code, message), one row a document. Prints a summary."""
    from .extract import _check_output, build_session, run_extract, stop_session

    _check_output(output, overwrite)  # fail before Spark starts
    spark = build_session(master, conf=_conf(conf))
    try:
        summary = run_extract(spark, list(inputs), output, partitions=partitions, overwrite=overwrite)
    finally:
        stop_session(spark)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        click.echo(summary.line())


@spark_group.command(name="link")
@click.option("--input", "input_ref", required=True, metavar="DIR",
              help="The --output folder (or URI) of `strikewatch spark extract`: its reports/ dataset is linked.")
@click.option("--output", required=True, metavar="DIR",
              help="Folder (or URI) for the Parquet datasets clusters/ and incidents/ and the export files.")
@click.option("--format", "formats", multiple=True, metavar="FORMAT",
              help="Export format, repeatable: incidents-jsonl (the default), acled-csv, ucdp-csv, geojson, "
                   "hxl-csv (or a pinned NAME.v1). Written as incidents.jsonl, acled.csv, ucdp.csv, "
                   "incidents.geojson, hxl.csv.")
@click.option("--threshold", type=float, metavar="LLR",
              help="Link a pair when its match weight (log2 likelihood ratio) reaches this "
                   "[default 8, as `strikewatch link`; see docs/linking.md].")
@click.option("--clustering", type=click.Choice(["earlier", "components"]), default="earlier", show_default=True,
              help="earlier: each report keeps only its best link to a report before it (dated by day, then "
                   "undated), as `strikewatch link` joins a report to the incident it matches best; components: "
                   "every link (plain connected components: a report matching two incidents joins them).")
@_session_options(partitions="of the shuffles", overwrite="the output already in --output")
def link_command(input_ref: str, output: str, formats: tuple[str, ...], threshold: float | None, clustering: str,
                 master: str | None, partitions: int | None, overwrite: bool, conf: tuple[str, ...],
                 as_json: bool) -> None:
    """Link the reports of `strikewatch spark extract` into incidents with
    Splink on Spark: the comparisons and threshold of `strikewatch link`,
    connected components over each report's best link back, and incidents
    built, graded and exported as `strikewatch export` writes them. Writes
    clusters/ (report -> incident, with the link's weight and comparisons),
    incidents/ and the export files; prints a summary."""
    import os
    import shutil
    import tempfile

    from . import link as spark_link
    from .extract import build_session, stop_session

    spark_link.require_splink()  # fail before Spark starts
    fmts = spark_link.resolve_formats(formats)
    spark_link._check_input(input_ref)
    spark_link._check_output(output, overwrite, [spark_link.export_name(f) for f in fmts])
    settings = _conf(conf)
    warehouse = None
    local = (master or "local").startswith("local") and "PYSPARK_GATEWAY_PORT" not in os.environ
    if local and not any(k == "spark.sql.warehouse.dir" for k, _ in settings):
        warehouse = tempfile.mkdtemp(prefix="strikewatch-warehouse-")  # Splink reads the catalog
        settings.append(("spark.sql.warehouse.dir", warehouse))
    spark = build_session(master, app_name="strikewatch-link", conf=settings)
    try:
        summary = spark_link.run_link(spark, input_ref, output, formats=formats, threshold=threshold,
                                      overwrite=overwrite, partitions=partitions, clustering=clustering)
    finally:
        stop_session(spark)
        if warehouse:
            shutil.rmtree(warehouse, ignore_errors=True)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        click.echo(summary.line())


def main(argv: list[str] | None = None) -> None:
    """The group on its own (the driver program under spark-submit, see
    :mod:`strikewatch.spark.submit`): one line per error, as `strikewatch` prints them."""
    from ..cli import run_command

    run_command(spark_group, argv, "strikewatch spark")

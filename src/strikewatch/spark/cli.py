"""The ``strikewatch spark`` command group (registered in :mod:`strikewatch.cli`).

pyspark is imported only when a command runs: the core install has none.
"""

from __future__ import annotations

import json

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
    """Run extraction on Apache Spark, locally or on a cluster (the optional
    `spark` extra: pip install 'strikewatch[spark]'; Java 17+)."""


@spark_group.command(name="extract")
@click.option("--input", "inputs", multiple=True, required=True, metavar="PATH",
              help="JSON Lines (one document a line), .json/.txt/.html files, folders of them, or WARC files "
                   "(.warc, .warc.gz). Repeatable. A local path must be visible to every executor; a Hadoop "
                   "URI (hdfs://, s3a://, file://; a file, folder or glob) is read by Spark.")
@click.option("--output", required=True, metavar="DIR",
              help="Folder (or URI) for the Parquet datasets reports/, errors/ and documents/.")
@click.option("--master", default=None, metavar="URL",
              help="Spark master [default local[*], or spark-submit's when run under it].")
@click.option("--partitions", type=click.IntRange(min=1), metavar="N",
              help="Partitions for the extraction stage [default 4 x the default parallelism].")
@click.option("--overwrite", is_flag=True, help="Replace the datasets already in --output.")
@click.option("--conf", "conf", multiple=True, metavar="KEY=VALUE", help="A Spark setting. Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
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


def main(argv: list[str] | None = None) -> None:
    """The group on its own (the driver program under spark-submit, see
    :mod:`strikewatch.spark.submit`): one line per error, as `strikewatch` prints them."""
    from ..cli import run_command

    run_command(spark_group, argv, "strikewatch spark")

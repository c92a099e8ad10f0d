"""Extraction at scale on Apache Spark (the optional ``spark`` extra).

``strikewatch spark extract`` reads the same inputs as ``strikewatch extract``
(JSON Lines, .json/.txt/.html files and folders) plus WARC files of news
crawls, runs the very same pure function (:func:`strikewatch.extract.pipeline.extract_dict`)
on the executors and writes Parquet. See ``docs/spark.md``.

Importing this package never imports pyspark: the core install does not have
it. The click group is :data:`strikewatch.spark.cli.spark_group`.
"""

from __future__ import annotations

__all__ = ["spark_group"]


def __getattr__(name: str):  # the click group, without importing it eagerly
    if name == "spark_group":
        from .cli import spark_group

        return spark_group
    raise AttributeError(name)

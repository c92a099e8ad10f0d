"""Extraction on Spark: documents in, Parquet out, the work done on the executors.

The work runs in two stages on the executors:

1. **read.** A file becomes documents exactly as ``strikewatch extract`` reads
   it: :func:`strikewatch.jobs.iter_input_documents` runs on the executor
   (JSON Lines, .json, .txt, .html; a bad line or file becomes an error in its
   place). WARC files (``.warc``, ``.warc.gz``) give their ``response``
   records with an HTML or plain-text content type and a 2xx status: the
   target URI is the document's ``id`` and ``url``, the WARC-Date its
   ``published``. Their HTML is reduced in stage 2, so one large WARC file
   still spreads over the cluster.
2. **extract.** After a repartition, each partition runs
   :func:`strikewatch.extract.pipeline.extract_dict`, the single-machine
   function, with the extractor's resources (the gazetteer) loaded once per
   Python worker (they are cached for the worker's life, and Spark reuses
   workers across tasks).

The results are written as three Parquet datasets under the output folder:
``reports`` (one row a report: query columns plus ``report_json``, the exact
spec §2 REPORT), ``errors`` (one row an error: ``id``, ``code``,
``message``) and ``documents`` (one row an input document, with its counts),
so nothing is silently lost. ``source_seq, source, position, report_index``
order them as ``strikewatch extract`` orders its output.

Inputs are local paths (which every executor must see: local mode, or a
shared filesystem on a cluster) or Hadoop URIs (``hdfs://``, ``s3a://``,
``file://``, …; a file, folder or glob), which Spark reads whole with
``binaryFiles``.

Nothing here imports pyspark at module level: the readers and the row
builders are plain Python and are tested without Spark.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import Message
from pathlib import Path
from typing import IO, Any

from ..config import DEFAULT_MAX_DOCUMENT_BYTES
from ..errors import StrikewatchError, UsageError

#: the output datasets, each a Parquet folder under ``--output``
DATASETS = ("reports", "errors", "documents")

#: one stage-1 item: (kind, source_seq, source, position, payload), kind one of
#: "doc" (payload: a spec §1 dict), "err" (payload: (id, code, message)),
#: "warc" (payload: a WARC response to turn into a document in stage 2),
#: "skip" (a WARC response that is not a document; payload: the reason)
Item = tuple[str, int, str, int, Any]

_URI = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]+://|file:/)")


def is_uri(ref: str) -> bool:
    """A Hadoop URI (``hdfs://…``, ``s3a://…``, ``file:/…``) rather than a local path."""
    return bool(_URI.match(ref))


def is_warc(name: str) -> bool:
    return name.lower().endswith((".warc", ".warc.gz"))


# --------------------------------------------------------------------------
# planning (driver): which files, in which order


@dataclass(frozen=True)
class InputFile:
    """One local input file: ``shown`` is the path as `strikewatch extract`
    would name it (documents of .txt/.html files take it as their id),
    ``path`` the absolute path the executors read."""

    seq: int
    shown: str
    path: str


def plan_local(refs: Iterable[str], start: int = 0) -> list[InputFile]:
    """Local inputs expanded into files in `strikewatch extract`'s order
    (folders walked recursively, sorted, dot-names skipped), numbered from
    ``start``. A path that does not exist is kept: reading it gives its
    ``unreadable`` error."""
    files: list[str] = []
    for ref in refs:
        if os.path.isdir(ref):
            for root, dirs, names in os.walk(ref):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [os.path.join(root, n) for n in sorted(names) if not n.startswith(".")]
        else:
            files.append(ref)
    return [InputFile(start + i, f, os.path.abspath(f)) for i, f in enumerate(files)]


# --------------------------------------------------------------------------
# stage 1 (executors): files -> documents


def _cli_documents(read_path: str, shown: str) -> Iterator[dict[str, Any] | StrikewatchError]:
    """The documents of one file as `strikewatch extract` reads it, named by
    ``shown`` (the path as given, or a URI) where the file was read at ``read_path``.

    Adapter: :func:`strikewatch.jobs.iter_input_documents` reads from a path
    and names documents and errors by it, so its ids and messages are renamed."""
    from ..jobs import iter_input_documents

    for item in iter_input_documents([read_path]):
        if read_path != shown:
            if isinstance(item, StrikewatchError):
                item = StrikewatchError(item.message.replace(read_path, shown), code=item.code)
            else:
                ident = item.get("id")
                if isinstance(ident, str) and (ident == read_path or ident.startswith(read_path + "#")):
                    item = {**item, "id": shown + ident[len(read_path):]}
        yield item


def _items_of(seq: int, source: str, found: Iterable[dict[str, Any] | StrikewatchError]) -> Iterator[Item]:
    position = 0
    try:
        for position, item in enumerate(found):
            if isinstance(item, StrikewatchError):
                yield ("err", seq, source, position, (None, item.code, item.message))
            else:
                yield ("doc", seq, source, position, item)
    except Exception as exc:  # noqa: BLE001 - a bug in one file must not stop the batch
        yield ("err", seq, source, position + 1,
               (None, "internal", f"{source}: reading failed: {type(exc).__name__}: {exc}"))


def read_local(files: Iterable[InputFile], max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> Iterator[Item]:
    """Stage 1 for local files (a mapPartitions function)."""
    for f in files:
        if is_warc(f.shown):
            try:
                fh = open(f.path, "rb")  # noqa: SIM115 - closed below; an open failure is an item, not a raise
            except OSError as exc:
                yield ("err", f.seq, f.shown, 0,
                       (None, "unreadable", f"cannot read {f.shown}: {exc.strerror or exc}"))
                continue
            with fh:
                yield from read_warc(fh, f.seq, f.shown, max_bytes)
        else:
            yield from _items_of(f.seq, f.shown, _cli_documents(f.path, f.shown))


def _suffix(name: str) -> str:
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return os.path.splitext(base)[1]


def read_uri_file(seq: int, uri: str, raw: bytes, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> Iterator[Item]:
    """Stage 1 for one file Spark read whole (``binaryFiles``): WARC from
    memory; anything else through a temporary file with the same suffix, so
    `strikewatch extract`'s reader decides what it is."""
    if is_warc(uri):
        yield from read_warc(io.BytesIO(raw), seq, uri, max_bytes)
        return
    fd, tmp = tempfile.mkstemp(prefix="strikewatch-", suffix=_suffix(uri))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        yield from _items_of(seq, uri, _cli_documents(tmp, uri))
    finally:
        os.unlink(tmp)


def read_uri_partition(seq: int, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES):  # type: ignore[no-untyped-def]
    def read(pairs: Iterable[tuple[str, bytes]]) -> Iterator[Item]:
        for uri, raw in pairs:
            yield from read_uri_file(seq, uri, raw, max_bytes)

    return read


def _published(value: str | None) -> str | None:
    """A WARC-Date as an ISO datetime the input model accepts; one Python's
    parser rejects falls back to its whole seconds, then to its date, else None
    (a bad date must not cost the document)."""
    if not value:
        return None
    for candidate in (value, value[:19] + ("Z" if value.endswith("Z") else ""), value[:10]):
        try:
            datetime.fromisoformat(candidate)
            return candidate
        except ValueError:
            continue
    return None


def read_warc(stream: IO[bytes], seq: int, source: str, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> Iterator[Item]:
    """The HTML and plain-text ``response`` records of a WARC (or gzipped WARC)
    stream with a 2xx status, as raw payloads for stage 2. Other responses are
    counted as skipped; request, metadata and warcinfo records are not
    documents. A record over ``max_bytes`` (decoded) is a ``too_large`` error;
    a corrupt file stops with an ``unreadable`` error after its good records."""
    from warcio.archiveiterator import ArchiveIterator

    position = -1
    try:
        for position, record in enumerate(ArchiveIterator(stream)):
            if record.rec_type != "response":
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or f"{source}#{position}"
            http = record.http_headers
            if http is None:
                yield ("skip", seq, source, position, "no HTTP headers")
                continue
            status = http.get_statuscode() or ""
            if not status.startswith("2"):
                yield ("skip", seq, source, position, f"HTTP status {status or '?'}")
                continue
            ctype = http.get_header("Content-Type") or ""
            mtype = ctype.split(";")[0].strip().lower()
            if mtype and "html" not in mtype and mtype != "text/plain":
                yield ("skip", seq, source, position, f"content type {mtype}")
                continue
            try:
                body = record.content_stream().read(max_bytes + 1)
            except Exception as exc:  # noqa: BLE001 - a broken content encoding
                yield ("err", seq, source, position,
                       (uri, "bad_encoding", f"{uri}: the payload cannot be decoded: {type(exc).__name__}: {exc}"))
                continue
            if len(body) > max_bytes:
                yield ("err", seq, source, position,
                       (uri, "too_large", f"{uri}: the payload is over the {max_bytes}-byte cap"))
                continue
            html = "html" in mtype or (not mtype and body.lstrip()[:1] == b"<")
            msg = Message()
            msg["content-type"] = ctype or "text/plain"
            yield ("warc", seq, source, position, {
                "uri": uri, "published": _published(record.rec_headers.get_header("WARC-Date")),
                "html": html, "charset": msg.get_content_charset(), "body": body,
            })
    except Exception as exc:  # noqa: BLE001 - ArchiveLoadFailed, zlib.error, OSError, …
        yield ("err", seq, source, position + 1,
               (None, "unreadable", f"{source}: corrupt WARC after record {position + 1}: {type(exc).__name__}: {exc}"))


def warc_document(payload: dict[str, Any]) -> dict[str, Any]:
    """A WARC response as a spec §1 document, reduced the way `strikewatch
    extract` reduces an .html file (:func:`strikewatch.ingest.html.html_to_text`)
    or decodes a .txt file (:func:`strikewatch.ingest.text.to_text`, honouring
    the declared charset). Raises InputError (``empty_text``)."""
    uri = payload["uri"]
    if payload["html"]:
        from ..ingest.html import html_to_text

        page = html_to_text(payload["body"], url=uri)
        doc: dict[str, Any] = {"id": uri, "url": uri, "text": page.text, "title": page.title}
    else:
        from ..ingest.text import to_text

        doc = {"id": uri, "url": uri, "text": to_text(payload["body"], payload["charset"])}
    if payload["published"]:
        doc["published"] = payload["published"]
    return doc


def warc_documents(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> Iterator[dict[str, Any] | StrikewatchError]:
    """A WARC file's documents on one machine, in order (what stage 1 and 2 make of it)."""
    with open(path, "rb") as fh:
        for kind, _seq, _source, _pos, payload in read_warc(fh, 0, str(path), max_bytes):
            if kind == "err":
                yield StrikewatchError(payload[2], code=payload[1])
            elif kind == "warc":
                try:
                    yield warc_document(payload)
                except StrikewatchError as exc:
                    yield exc


# --------------------------------------------------------------------------
# stage 2 (executors): documents -> rows

REPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "string"), ("source", "string"), ("source_seq", "int"), ("position", "long"),
    ("report_index", "int"), ("language", "string"), ("extractor", "string"),
    ("published", "string"), ("outlet", "string"),
    ("event_type", "string"),
    ("date_start", "date"), ("date_end", "date"), ("date_precision", "string"), ("date_text", "string"),
    ("location_name", "string"), ("admin1", "string"), ("admin2", "string"), ("country", "string"),
    ("lat", "double"), ("lon", "double"), ("location_precision", "string"), ("gazetteer_id", "string"),
    ("location_text", "string"),
    *((f"{m}_{k}", "long") for m in ("killed", "injured", "civilians_killed", "children_killed")
      for k in ("low", "best", "high")),
    ("perpetrator", "string"), ("perpetrator_probability", "double"), ("perpetrators_named", "array<string>"),
    ("weapons", "array<string>"), ("aircraft", "array<string>"), ("target_types", "array<string>"),
    ("protected_target", "boolean"), ("sources", "array<string>"), ("figures", "int"),
    ("confidence", "double"), ("report_json", "string"),
)
ERROR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "string"), ("source", "string"), ("source_seq", "int"), ("position", "long"),
    ("code", "string"), ("message", "string"),
)
DOCUMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "string"), ("source", "string"), ("source_seq", "int"), ("position", "long"),
    ("language", "string"), ("reports", "int"), ("errors", "int"),
)
ORDER = ("source_seq", "source", "position")


def _iso_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    return None if value is None or isinstance(value, bool) else float(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def report_json(report: dict[str, Any]) -> str:
    """The REPORT exactly as `strikewatch extract` writes it."""
    return json.dumps(report, ensure_ascii=False, separators=(",", ":"))


def report_row(ident: str | None, source: str, seq: int, position: int, index: int,
               language: str | None, extractor: str, rep: dict[str, Any],
               doc: dict[str, Any] | None = None) -> tuple[Any, ...]:
    """One ``reports`` row (in :data:`REPORT_COLUMNS` order) of a spec §2 REPORT;
    ``doc``, the input document, gives ``published`` and ``outlet`` (its
    ``source`` field), which linking and grading read as `strikewatch link` does."""
    doc = doc or {}
    published = doc.get("published") if isinstance(doc.get("published"), str) and doc["published"].strip() else None
    outlet = doc.get("source") if isinstance(doc.get("source"), str) else None
    when = rep.get("date") or {}
    where = rep.get("location") or {}
    cas = rep.get("casualties") or {}
    att = rep.get("attribution") or {}
    targets = rep.get("targets") or []
    named: dict[str, None] = {}
    for p in rep.get("perpetrators") or []:
        if p.get("actor"):
            named.setdefault(p["actor"], None)
    counts = [_int((cas.get(m) or {}).get(k)) for m in ("killed", "injured", "civilians_killed", "children_killed")
              for k in ("low", "best", "high")]
    return (
        ident, source, seq, position, index, language, extractor, published, outlet,
        rep.get("event_type"),
        _iso_date(when.get("start")), _iso_date(when.get("end")), when.get("precision"), when.get("text"),
        where.get("name"), where.get("admin1"), where.get("admin2"), where.get("country"),
        _float(where.get("lat")), _float(where.get("lon")), where.get("precision"), where.get("gazetteer_id"),
        where.get("text"),
        *counts,
        att.get("actor"), _float(att.get("probability")), list(named),
        list(rep.get("weapons") or []), list(rep.get("aircraft") or []),
        list(dict.fromkeys(t.get("type") for t in targets if t.get("type"))),
        any(bool(t.get("protected")) for t in targets), list(rep.get("sources") or []),
        len(rep.get("figures") or []), _float(rep.get("confidence")), report_json(rep),
    )


def extract_partition(items: Iterable[Item]) -> Iterator[tuple[str, tuple[Any, ...] | None]]:
    """Stage 2 (a mapPartitions function): each document through ``extract_dict``
    with the resources loaded once per worker; yields tagged rows, ``"D"``
    (documents), ``"R"`` (reports), ``"E"`` (errors) and ``"S"`` (a skipped
    WARC record)."""
    from ..extract.pipeline import EXTRACTOR, extract_dict, load_resources

    res = None
    for kind, seq, source, position, payload in items:
        if kind == "skip":
            yield ("S", None)
            continue
        if kind == "err":
            ident, code, message = payload
            out: dict[str, Any] = {"id": ident, "language": None, "reports": [],
                                   "errors": [{"code": code, "message": message}]}
        else:
            try:
                doc = warc_document(payload) if kind == "warc" else payload
            except StrikewatchError as exc:
                doc = None
                out = {"id": payload["uri"], "language": None, "reports": [], "errors": [exc.as_dict()]}
            except Exception as exc:  # noqa: BLE001 - a bug must not stop a batch
                doc = None
                out = {"id": payload["uri"], "language": None, "reports": [], "errors": [
                    {"code": "internal", "message": f"reading failed: {type(exc).__name__}: {exc}"}]}
            if doc is not None:
                if res is None:
                    res = load_resources()  # lru-cached: once per Python worker
                out = extract_dict(doc, res)
        ident, language = out.get("id"), out.get("language")
        reports, errors = out.get("reports") or [], out.get("errors") or []
        yield ("D", (ident, source, seq, position, language, len(reports), len(errors)))
        for i, rep in enumerate(reports):
            yield ("R", report_row(ident, source, seq, position, i, language, EXTRACTOR, rep, doc))
        for err in errors:
            yield ("E", (ident, source, seq, position, err.get("code"), err.get("message")))


_TAGS = {"D": 1, "R": 2, "E": 3}


def union_row(row: tuple[str, Any]) -> tuple[Any, ...]:
    """A tagged row as one row of :func:`union_schema`: (tag, document, report, error)."""
    tag, values = row
    out: list[Any] = [tag, None, None, None]
    if tag in _TAGS:
        out[_TAGS[tag]] = values
    return tuple(out)


# --------------------------------------------------------------------------
# the driver


@dataclass
class Summary:
    documents: int = 0
    reports: int = 0
    errors: int = 0
    error_codes: dict[str, int] = field(default_factory=dict)
    skipped_records: int = 0
    seconds: float = 0.0
    partitions: int = 0
    output: str = ""

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "reports": self.reports, "errors": self.errors,
                "error_codes": dict(sorted(self.error_codes.items())), "skipped_records": self.skipped_records,
                "seconds": round(self.seconds, 3), "docs_per_second": round(self.docs_per_second, 2),
                "partitions": self.partitions, "output": self.output}

    def line(self) -> str:
        codes = ", ".join(f"{k} {v}" for k, v in sorted(self.error_codes.items()))
        skipped = f"; skipped {self.skipped_records} WARC responses (not 2xx HTML or text)" if self.skipped_records else ""
        return (f"documents {self.documents}, reports {self.reports}, errors {self.errors}"
                + (f" ({codes})" if codes else "") + skipped
                + f"; {self.seconds:.1f} s ({self.docs_per_second:.1f} docs/s, {self.partitions} partitions)"
                + f" -> {self.output}")


def schema(columns: Iterable[tuple[str, str]]):  # type: ignore[no-untyped-def]
    from pyspark.sql.types import (
        ArrayType,
        BooleanType,
        DateType,
        DoubleType,
        IntegerType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    types = {"string": StringType(), "int": IntegerType(), "long": LongType(), "double": DoubleType(),
             "date": DateType(), "boolean": BooleanType(), "array<string>": ArrayType(StringType())}
    return StructType([StructField(name, types[kind], True) for name, kind in columns])


def union_schema():  # type: ignore[no-untyped-def]
    """Every stage-2 row in one frame, so Python touches each row once."""
    from pyspark.sql.types import StringType, StructField, StructType

    return StructType([StructField("tag", StringType(), False),
                       StructField("document", schema(DOCUMENT_COLUMNS), True),
                       StructField("report", schema(REPORT_COLUMNS), True),
                       StructField("error", schema(ERROR_COLUMNS), True)])


_QUIET_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = stderr
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
logger.submit.name = org.apache.spark.deploy.SparkSubmit
logger.submit.level = error
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
appender.console.type = Console
appender.console.name = stderr
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
"""


def build_session(master: str | None = "local[*]", *, app_name: str = "strikewatch-extract",
                  conf: Iterable[tuple[str, str]] = (), quiet: bool = True):  # type: ignore[no-untyped-def]
    """A SparkSession. Under ``spark-submit`` (and with ``master`` None) the
    master is spark-submit's. A local master is bound to 127.0.0.1 with no web
    UI, and its Python workers run this interpreter; ``quiet`` keeps Spark's
    own logging to errors."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError("Spark is an optional extra: pip install 'strikewatch[spark]' "
                         "(pyspark 4 and warcio; Spark also needs Java 17 or later)") from None
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started this driver
    builder = SparkSession.builder.appName(app_name)
    if master or not submitted:
        master = master or "local[*]"
        builder = builder.master(master)
    local = bool(master) and master.startswith("local")
    log_conf = None
    if local and not submitted:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers import strikewatch
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (builder.config("spark.driver.host", "127.0.0.1")
                   .config("spark.driver.bindAddress", "127.0.0.1")
                   .config("spark.ui.enabled", "false"))
        if quiet:
            fd, log_conf = tempfile.mkstemp(prefix="strikewatch-log4j2-", suffix=".properties")
            with os.fdopen(fd, "w") as fh:
                fh.write(_QUIET_LOG4J)
            builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log_conf}")
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    for key, value in conf:
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - no Java, a bad master, …
        raise UsageError(f"cannot start Spark ({master or 'from spark-submit'}): {type(exc).__name__}: {exc}".strip()
                         + " (Spark needs Java 17 or later on the PATH or in JAVA_HOME)") from None
    finally:
        if log_conf:
            os.unlink(log_conf)  # read once, when the JVM started
    if quiet:
        spark.sparkContext.setLogLevel("ERROR")
    return spark


def stop_session(spark) -> None:  # type: ignore[no-untyped-def]
    """Stop the session and, when this process started the JVM, end the JVM too
    (a test suite or a bench goes on without a JVM lingering)."""
    from pyspark import SparkContext

    spark.stop()
    gateway = SparkContext._gateway
    proc = getattr(gateway, "proc", None)
    if gateway is not None and proc is not None:
        gateway.shutdown()
        proc.stdin.close()  # the JVM exits when its standard input closes
        try:
            proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - a JVM slow to go is not an error
            proc.kill()
        SparkContext._gateway = None
        SparkContext._jvm = None


def _documents_rdd(spark, inputs: list[str], max_bytes: int):  # type: ignore[no-untyped-def]
    """Stage 1: every input's documents (and errors), as one RDD of items."""
    sc = spark.sparkContext
    files: list[InputFile] = []
    uris: list[tuple[int, str]] = []
    for ref in inputs:  # numbered in input order: local files one by one, a URI as one source
        if is_uri(ref):
            uris.append((len(files) + len(uris), ref))
        else:
            files += plan_local([ref], start=len(files) + len(uris))
    rdds = []
    if files:
        slices = max(1, min(len(files), sc.defaultParallelism * 4))
        rdds.append(sc.parallelize(files, slices).mapPartitions(lambda fs: read_local(fs, max_bytes)))
    if uris:
        sc._jsc.hadoopConfiguration().set("mapreduce.input.fileinputformat.input.dir.recursive", "true")
        for seq, uri in uris:
            rdds.append(sc.binaryFiles(uri).mapPartitions(read_uri_partition(seq, max_bytes)))
    return rdds[0] if len(rdds) == 1 else sc.union(rdds)


def _check_output(output: str, overwrite: bool) -> str:
    if is_uri(output):
        return output
    path = Path(output)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--output {output} is a file; give a folder")
    if not overwrite and any((path / name).exists() for name in DATASETS):
        raise UsageError(f"{output} already holds output (reports/errors/documents); give --overwrite to replace it")
    return str(path.resolve())


def run_extract(spark, inputs: list[str], output: str, *, partitions: int | None = None,  # type: ignore[no-untyped-def]
                overwrite: bool = False, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> Summary:
    """Read ``inputs``, extract on the executors, write the three datasets
    under ``output``; the counts and the time it took."""
    from pyspark import StorageLevel

    if not inputs:
        raise UsageError("give at least one --input (a file, a folder, a glob URI)")
    if "-" in inputs:
        raise UsageError("standard input cannot be distributed; give files, folders or URIs")
    out = _check_output(output, overwrite)
    start = time.perf_counter()
    sc = spark.sparkContext
    n = partitions or sc.defaultParallelism * 4
    items = _documents_rdd(spark, list(inputs), max_bytes)
    rows = items.repartition(n).mapPartitions(extract_partition).map(union_row)
    frame = spark.createDataFrame(rows, union_schema()).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        # runs the extraction once; the writes read the cached rows, Python is done
        tally = frame.groupBy("tag", "error.code").count().collect()
        mode = "overwrite" if overwrite else "errorifexists"
        for name, tag, column, order in (("reports", "R", "report", (*ORDER, "report_index")),
                                         ("errors", "E", "error", ORDER), ("documents", "D", "document", ORDER)):
            target = f"{out.rstrip('/')}/{name}"
            try:
                (frame.where(frame.tag == tag).select(f"{column}.*").orderBy(*order)
                 .write.mode(mode).parquet(target))
            except Exception as exc:
                if "PATH_ALREADY_EXISTS" in str(exc) or "already exists" in str(exc):
                    raise UsageError(f"{target} already exists; give --overwrite to replace it") from None
                raise
    finally:
        frame.unpersist()
    counts = {row["tag"]: 0 for row in tally}
    codes: dict[str, int] = {}
    for row in tally:
        counts[row["tag"]] += row["count"]
        if row["tag"] == "E":
            codes[row["code"]] = codes.get(row["code"], 0) + row["count"]
    return Summary(documents=counts.get("D", 0), reports=counts.get("R", 0), errors=counts.get("E", 0),
                   error_codes=codes, skipped_records=counts.get("S", 0),
                   seconds=time.perf_counter() - start, partitions=n, output=out)

"""`strikewatch spark extract`: Spark in local mode gives exactly the reports
of the single-machine path, and every bad document lands in `errors`.

One SparkSession (local[2], loopback only, no UI) serves the whole module.
The corpus is written here: the texts are this file's own, not news.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from strikewatch.extract.pipeline import extract_dict, load_resources

from .conftest import local_spark

HAVE_PYSPARK = importlib.util.find_spec("pyspark") is not None
HAVE_WARCIO = importlib.util.find_spec("warcio") is not None
HAVE_JAVA = bool(shutil.which("java") or os.environ.get("JAVA_HOME"))

needs_warcio = pytest.mark.skipif(not HAVE_WARCIO, reason="warcio is not installed: pip install '.[spark]'")
needs_spark = pytest.mark.skipif(
    not (HAVE_PYSPARK and HAVE_WARCIO and HAVE_JAVA),
    reason="Spark tests need the spark extra (pip install '.[spark]': pyspark, warcio) and Java 17+ "
           f"(pyspark {'found' if HAVE_PYSPARK else 'missing'}, warcio {'found' if HAVE_WARCIO else 'missing'}, "
           f"java {'found' if HAVE_JAVA else 'missing'})")

# --------------------------------------------------------------------------
# the corpus (written for these tests)

EN_MARKET = ("Warplanes bombed a crowded market in the town of Saraqib in Idlib province on Tuesday, "
             "killing at least 12 civilians, among them three children, the Syrian Civil Defence said. "
             "Residents blamed Russian jets for the raid.")
EN_TWO = ("Russian warplanes struck a bakery in the town of Maarat al-Numan on Monday, killing eight civilians, "
          "rescuers said.\n\nIn a separate attack on Tuesday, government artillery shelled the village of "
          "Kafr Nabl, killing two children, a local monitor said.")
AR_MARKET = ("قصفت طائرات حربية سوقاً شعبياً في مدينة أريحا بريف إدلب يوم الخميس، "
             "ما أسفر عن مقتل سبعة مدنيين بينهم طفلان وإصابة أكثر من عشرة آخرين، بحسب الدفاع المدني.")
FR_STRIKE = "Une frappe aérienne a touché un marché de la ville, tuant au moins six personnes selon les secouristes."
CALM = "The city council met on Monday to discuss the new bus timetable and the repair of two bridges."
TXT_SHELLING = ("Artillery shells struck a residential block in the village of Kafr Nabl on Friday, "
                "killing two women and wounding five others, a local monitor reported.")
HTML_CLINIC = ("<html><head><title>Clinic hit</title></head><body><article><h1>Clinic hit</h1>"
               "<p>An air strike destroyed a health clinic in the town of Ariha in Idlib on Wednesday, "
               "killing three medical workers, the Syrian American Medical Society said.</p></article></body></html>")
HTML_DRONE = ("<!doctype html><html><head><meta charset='utf-8'><title>Car hit near Marib</title></head><body>"
              "<article><p>A drone strike hit a car on the road outside Marib on Sunday evening, killing four "
              "people, local officials said. Nobody claimed the attack.</p></article></body></html>")
TEXT_PLAIN = "Mortar rounds fell on a school in the town of Jisr al-Shughur on Thursday, wounding six pupils."

JSONL_LINES = [
    json.dumps({"id": "en-market", "text": EN_MARKET, "published": "2024-03-05", "language": "en"}),
    json.dumps({"id": "ar-market", "text": AR_MARKET, "published": "2024-03-07"}, ensure_ascii=False),
    '{"id": "broken", "text": "an unfinished line',            # bad_json
    "",                                                          # blank: skipped, as by the CLI
    json.dumps({"id": "fr-strike", "text": FR_STRIKE, "language": "fr"}, ensure_ascii=False),  # unsupported_language
    json.dumps({"id": "no-text", "published": "2024-03-05"}),    # missing_field
    "[1, 2, 3]",                                                 # bad_json: not an object
    json.dumps({"id": "calm", "text": CALM, "published": "2024-03-04"}),  # no report
    json.dumps({"id": "en-two", "text": EN_TWO, "published": "2024-03-06"}),  # two reports
    json.dumps({"id": "html-inline", "text": HTML_CLINIC, "format": "html", "published": "2024-03-06"}),
]

BASE = "https://news.example/"


def _write_warc(path: Path) -> list[dict[str, Any]]:
    """A small gzipped WARC; returns what each record should become (None: skipped)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    plan: list[dict[str, Any]] = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)

        def write(kind: str, uri: str, status: str, ctype: str | None, body: bytes, date: str,
                  headers: list[tuple[str, str]] | None = None) -> None:
            head = ([("Content-Type", ctype)] if ctype else []) + (headers or [])
            http = StatusAndHeaders(status, head, protocol="HTTP/1.1", is_http_request=kind == "request")
            writer.write_record(writer.create_warc_record(
                uri, kind, payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": date}))

        write("request", BASE + "a", "GET /a HTTP/1.1", None, b"", "2024-03-06T08:00:00Z")
        write("response", BASE + "a", "200 OK", "text/html; charset=utf-8", HTML_CLINIC.encode(), "2024-03-06T08:00:01Z")
        plan.append({"uri": BASE + "a", "html": HTML_CLINIC.encode(), "published": "2024-03-06T08:00:01Z"})
        write("response", BASE + "logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n", "2024-03-06T08:00:02Z")
        write("response", BASE + "gone", "404 Not Found", "text/html", b"<html><body>missing</body></html>",
              "2024-03-06T08:00:03Z")
        write("response", BASE + "b", "200 OK", "text/html", gzip.compress(HTML_DRONE.encode()), "2024-03-06T09:30:00Z",
              headers=[("Content-Encoding", "gzip")])
        plan.append({"uri": BASE + "b", "html": HTML_DRONE.encode(), "published": "2024-03-06T09:30:00Z"})
        write("response", BASE + "c.txt", "200 OK", "text/plain; charset=windows-1256", TEXT_PLAIN.encode("cp1256"),
              "2024-03-07T10:00:00Z")
        plan.append({"uri": BASE + "c.txt", "text": TEXT_PLAIN.encode("cp1256"), "charset": "windows-1256",
                     "published": "2024-03-07T10:00:00Z"})
        write("response", BASE + "empty", "200 OK", "text/html", b"<html><body><script>x()</script></body></html>",
              "2024-03-07T11:00:00Z")
        plan.append({"uri": BASE + "empty", "error": "empty_text"})
    return plan


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("corpus")
    (root / "docs.jsonl").write_text("\n".join(JSONL_LINES) + "\n", encoding="utf-8")
    folder = root / "pages"
    (folder / "more").mkdir(parents=True)
    (folder / "a-shelling.txt").write_text(TXT_SHELLING, encoding="utf-8")
    (folder / "b-clinic.html").write_text(HTML_CLINIC, encoding="utf-8")
    (folder / "notes.md").write_text("not a document strikewatch reads", encoding="utf-8")  # unsupported_type
    (folder / "more" / "c-calm.txt").write_text(CALM, encoding="utf-8")
    (folder / ".hidden.txt").write_text(TXT_SHELLING, encoding="utf-8")  # skipped, as by the CLI
    plan = _write_warc(root / "crawl.warc.gz") if HAVE_WARCIO else []
    return {"root": root, "warc_plan": plan}


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory):
    yield from local_spark(tmp_path_factory, "strikewatch-tests", 4)


# --------------------------------------------------------------------------
# helpers


def _cli_lines(sw: Any, *inputs: str) -> list[dict[str, Any]]:
    result = sw("extract", *inputs, use_db=False)
    assert result.code == 0, result.err
    return [json.loads(line) for line in result.out.splitlines()]


def _warc_expected(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The single-machine result for each WARC document, built independently:
    the HTML reduced as for an .html file, the text decoded with its charset."""
    from strikewatch.ingest.html import html_to_text
    from strikewatch.ingest.text import to_text

    res = load_resources()
    out = []
    for p in plan:
        if "error" in p:
            out.append({"id": p["uri"], "reports": [], "errors": [{"code": p["error"]}]})
            continue
        if "html" in p:
            page = html_to_text(p["html"], url=p["uri"])
            doc = {"id": p["uri"], "url": p["uri"], "text": page.text, "title": page.title, "published": p["published"]}
        else:
            doc = {"id": p["uri"], "url": p["uri"], "text": to_text(p["text"], p["charset"]), "published": p["published"]}
        out.append(extract_dict(doc, res))
    return out


def _read(spark: Any, out: Path, name: str) -> list[dict[str, Any]]:
    from strikewatch.spark.extract import ORDER

    order = (*ORDER, "report_index") if name == "reports" else ORDER
    return [r.asDict(recursive=True) for r in spark.read.parquet(str(out / name)).orderBy(*order).collect()]


def _per_document(spark: Any, out: Path) -> list[dict[str, Any]]:
    """The Parquet output as `strikewatch extract` lines: id, reports (from
    report_json), error codes, in input order."""
    reports: dict[tuple[int, str, int], list[Any]] = {}
    for r in _read(spark, out, "reports"):
        reports.setdefault((r["source_seq"], r["source"], r["position"]), []).append(
            (r["report_index"], json.loads(r["report_json"])))
    errors: dict[tuple[int, str, int], list[str]] = {}
    for e in _read(spark, out, "errors"):
        errors.setdefault((e["source_seq"], e["source"], e["position"]), []).append(e["code"])
    lines = []
    for d in _read(spark, out, "documents"):
        key = (d["source_seq"], d["source"], d["position"])
        found = reports.get(key, [])
        assert [i for i, _ in found] == list(range(len(found)))
        assert d["reports"] == len(found) and d["errors"] == len(errors.get(key, []))
        lines.append({"id": d["id"], "reports": [rep for _, rep in found], "codes": errors.get(key, [])})
    return lines


def _as_expected(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": x["id"], "reports": x["reports"], "codes": [e["code"] for e in x["errors"]]} for x in lines]


# --------------------------------------------------------------------------
# without Spark


def test_core_import_does_not_load_pyspark() -> None:
    code = ("import sys, strikewatch.cli, strikewatch.spark, strikewatch.spark.cli, strikewatch.spark.extract; "
            "from strikewatch.spark import spark_group; "
            "assert 'pyspark' not in sys.modules and 'warcio' not in sys.modules, sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_plan_local_follows_the_cli_walk(corpus: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from strikewatch.spark.extract import plan_local

    monkeypatch.chdir(corpus["root"])
    files = plan_local(["docs.jsonl", "pages", "missing.txt"], start=3)
    assert [f.shown for f in files] == ["docs.jsonl", "pages/a-shelling.txt", "pages/b-clinic.html",
                                       "pages/notes.md", "pages/more/c-calm.txt", "missing.txt"]
    assert [f.seq for f in files] == [3, 4, 5, 6, 7, 8]
    assert all(os.path.isabs(f.path) for f in files)


def test_local_reader_keeps_the_cli_ids(corpus: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Executors read absolute paths; documents and errors are still named as the CLI names them."""
    from strikewatch.spark.extract import plan_local, read_local

    monkeypatch.chdir(corpus["root"])
    items = list(read_local(plan_local(["pages", "missing.txt"])))
    docs = [(i[2], i[3], i[4]["id"]) for i in items if i[0] == "doc"]
    assert docs == [("pages/a-shelling.txt", 0, "pages/a-shelling.txt"), ("pages/b-clinic.html", 0, "pages/b-clinic.html"),
                    ("pages/more/c-calm.txt", 0, "pages/more/c-calm.txt")]
    errs = {i[2]: i[4] for i in items if i[0] == "err"}
    assert errs["pages/notes.md"][1] == "unsupported_type" and str(corpus["root"]) not in errs["pages/notes.md"][2]
    assert errs["missing.txt"][1] == "unreadable" and "missing.txt" in errs["missing.txt"][2]


def test_uris_and_warc_dates() -> None:
    from strikewatch.spark.extract import _published, is_uri, is_warc

    assert is_uri("hdfs://nn/crawls/") and is_uri("s3a://b/x.warc.gz") and is_uri("file:/tmp/x") and is_uri("file:///tmp/x")
    assert not is_uri("samples/txt") and not is_uri("/data/x.jsonl") and not is_uri("a:b.txt") and not is_uri("C:\\x")
    assert is_warc("x.warc") and is_warc("s3a://b/CC-NEWS-1.warc.gz") and not is_warc("x.gz")
    assert _published("2024-03-06T08:00:01Z") == "2024-03-06T08:00:01Z"
    nanos = _published("2024-03-06T08:00:01.123456789Z")  # WARC 1.1 allows nanoseconds
    assert nanos is not None and nanos.startswith("2024-03-06T08:00:01")
    assert extract_dict({"id": "n", "text": CALM, "published": nanos})["errors"] == []  # the model accepts it
    assert _published("2024-03-06") == "2024-03-06" and _published("yesterday") is None and _published(None) is None


@needs_warcio
def test_warc_records_become_documents(corpus: dict[str, Any]) -> None:
    from strikewatch.errors import StrikewatchError
    from strikewatch.spark.extract import read_warc, warc_documents

    path = corpus["root"] / "crawl.warc.gz"
    with open(path, "rb") as fh:
        items = list(read_warc(fh, 0, "crawl.warc.gz"))
    assert [i[0] for i in items] == ["warc", "skip", "skip", "warc", "warc", "warc"]  # the request is no document
    assert [i[4] for i in items if i[0] == "skip"] == ["content type image/png", "HTTP status 404"]
    got = list(warc_documents(path))
    assert [d["id"] if isinstance(d, dict) else d.code for d in got] == [BASE + "a", BASE + "b", BASE + "c.txt", "empty_text"]
    assert isinstance(got[3], StrikewatchError)
    a, b, c = got[:3]
    assert a["url"] == BASE + "a" and a["published"] == "2024-03-06T08:00:01Z" and a["title"] == "Clinic hit"
    assert "health clinic in the town of Ariha" in a["text"] and "<p>" not in a["text"]
    assert "drone strike hit a car" in b["text"]  # the gzip content encoding was undone
    assert c["text"] == TEXT_PLAIN and c["published"] == "2024-03-07T10:00:00Z"


@needs_warcio
def test_warc_caps_and_corruption(tmp_path: Path, corpus: dict[str, Any]) -> None:
    from strikewatch.spark.extract import read_warc

    raw = (corpus["root"] / "crawl.warc.gz").read_bytes()
    capped = list(read_warc(io.BytesIO(raw), 0, "w", max_bytes=60))
    assert [(i[4][0], i[4][1]) for i in capped if i[0] == "err"] == [
        (BASE + "a", "too_large"), (BASE + "b", "too_large"), (BASE + "c.txt", "too_large")]
    damaged = list(read_warc(io.BytesIO(raw + b"not a WARC record\r\n\r\n"), 0, "w"))
    assert damaged[-1][0] == "err" and damaged[-1][4][1] == "unreadable"
    assert "after record 7" in damaged[-1][4][2]
    assert [i[0] for i in damaged[:-1]] == ["warc", "skip", "skip", "warc", "warc", "warc"]  # the good records are kept


def test_report_row_columns() -> None:
    from strikewatch.spark.extract import REPORT_COLUMNS, extract_partition

    doc = {"id": "en-market", "text": EN_MARKET, "published": "2024-03-05"}
    rows = list(extract_partition([("doc", 0, "f.jsonl", 0, doc)]))
    assert [t for t, _ in rows] == ["D", "R"]
    row = dict(zip([c for c, _ in REPORT_COLUMNS], rows[1][1], strict=True))
    rep = extract_dict(doc)["reports"][0]
    assert json.loads(row["report_json"]) == rep
    assert row["event_type"] == "air_strike" and row["location_name"] == rep["location"]["name"]
    assert row["killed_best"] == rep["casualties"]["killed"]["best"] and isinstance(row["lat"], float)
    assert row["date_start"].isoformat() == rep["date"]["start"]
    assert row["perpetrator"] == rep["attribution"]["actor"]


# --------------------------------------------------------------------------
# with Spark (local[2])


@needs_spark
def test_spark_gives_the_single_machine_reports(spark: Any, sw: Any, corpus: dict[str, Any], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from strikewatch.spark.extract import run_extract

    monkeypatch.chdir(corpus["root"])  # relative inputs, as a user types them: ids must match the CLI's
    out = tmp_path / "out"
    summary = run_extract(spark, ["docs.jsonl", "pages", "crawl.warc.gz"], str(out), partitions=3)

    expected = _as_expected(_cli_lines(sw, "docs.jsonl", "pages")) + _as_expected(_warc_expected(corpus["warc_plan"]))
    got = _per_document(spark, out)
    assert [g["id"] for g in got] == [e["id"] for e in expected]
    assert got == expected
    # the corpus is worth comparing: English, Arabic, HTML, several reports, WARC documents
    by_id = {g["id"]: g for g in got}
    assert len(by_id["en-two"]["reports"]) == 2
    assert by_id["ar-market"]["reports"] and by_id["pages/b-clinic.html"]["reports"]
    assert by_id[BASE + "b"]["reports"][0]["event_type"] == "drone_strike"
    assert summary.documents == len(expected) == 17
    assert summary.reports == sum(len(e["reports"]) for e in expected)
    assert summary.skipped_records == 2

    reports = _read(spark, out, "reports")
    ar = next(r for r in reports if r["id"] == "ar-market")
    assert ar["language"] == "ar" and ar["country"] == "SY" and ar["killed_best"] == 7
    assert {r["source"] for r in reports} == {"docs.jsonl", "pages/a-shelling.txt", "pages/b-clinic.html", "crawl.warc.gz"}


@needs_spark
def test_bad_documents_land_in_errors(spark: Any, corpus: dict[str, Any], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from strikewatch.spark.extract import run_extract

    monkeypatch.chdir(corpus["root"])
    out = tmp_path / "out"
    summary = run_extract(spark, ["docs.jsonl", "pages", "crawl.warc.gz", "nowhere.jsonl"], str(out))
    errors = _read(spark, out, "errors")
    got = [(e["source"], e["id"], e["code"]) for e in errors]
    assert got == [
        ("docs.jsonl", None, "bad_json"),
        ("docs.jsonl", "fr-strike", "unsupported_language"),
        ("docs.jsonl", "no-text", "missing_field"),
        ("docs.jsonl", None, "bad_json"),
        ("pages/notes.md", None, "unsupported_type"),
        ("crawl.warc.gz", BASE + "empty", "empty_text"),
        ("nowhere.jsonl", None, "unreadable"),
    ]
    assert all(e["message"] for e in errors)
    assert summary.errors == 7
    assert summary.error_codes == {"bad_json": 2, "unsupported_language": 1, "missing_field": 1,
                                   "unsupported_type": 1, "empty_text": 1, "unreadable": 1}
    documents = _read(spark, out, "documents")
    assert len(documents) == summary.documents == 18  # every input is accounted for


@needs_spark
def test_hadoop_uri_inputs(spark: Any, corpus: dict[str, Any], tmp_path: Path) -> None:
    """A URI is read by Spark itself (binaryFiles): the same reports, named by URI."""
    from strikewatch.spark.extract import run_extract

    root = corpus["root"]
    out = tmp_path / "out"
    run_extract(spark, [(root / "pages").as_uri(), (root / "crawl.warc.gz").as_uri()], str(out))
    got = {(g["id"].rsplit("/", 1)[-1] if g["id"] else None): g for g in _per_document(spark, out)}
    assert got["a-shelling.txt"]["id"].startswith("file:")
    assert got["a-shelling.txt"]["reports"] == extract_dict({"id": "x", "text": TXT_SHELLING})["reports"]
    assert got["b-clinic.html"]["reports"] and got["c-calm.txt"]["reports"] == []
    warc = [g for g in _per_document(spark, out) if (g["id"] or "").startswith(BASE)]
    assert [g["id"] for g in warc] == [BASE + "a", BASE + "b", BASE + "c.txt", BASE + "empty"]


@needs_spark
def test_cli_command(spark: Any, corpus: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import strikewatch.spark.extract as spark_extract
    from strikewatch.spark.cli import spark_group

    class Shared:  # the module's session; the command must not stop it
        def __getattr__(self, name: str) -> Any:
            return getattr(spark, name)

        def stop(self) -> None:
            pass

    seen: dict[str, Any] = {}

    def session(master: str | None, **kwargs: Any) -> Any:
        seen["master"] = master
        return Shared()

    monkeypatch.setattr(spark_extract, "build_session", session)
    monkeypatch.setattr(spark_extract, "stop_session", lambda s: s.stop())
    out = tmp_path / "out"
    args = ["extract", "--input", str(corpus["root"] / "docs.jsonl"), "--output", str(out),
            "--master", "local[2]", "--partitions", "2"]
    result = CliRunner().invoke(spark_group, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert seen["master"] == "local[2]"
    assert summary["documents"] == 9 and summary["partitions"] == 2
    assert summary["error_codes"] == {"bad_json": 2, "missing_field": 1, "unsupported_language": 1}
    assert {p.name for p in out.iterdir()} == {"reports", "errors", "documents"}
    again = CliRunner().invoke(spark_group, args)  # output already there: refused before Spark starts
    assert again.exit_code != 0 and "--overwrite" in str(again.exception)
    plain = CliRunner().invoke(spark_group, [*args, "--overwrite"])
    assert plain.exit_code == 0 and plain.output.startswith("documents 9, reports ")

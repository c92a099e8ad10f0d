"""Ingestion end to end through the CLI: files, folders, feeds, URLs, watch, quarantine."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from strikewatch.store import Store

from .conftest import SAMPLES
from .loopback import GOOD, reply, serve

SAMPLE_DIRS = [SAMPLES / d for d in ("corpus", "json", "txt", "html", "feeds")]


def count_inputs() -> int:
    jsonl = sum(1 for line in (SAMPLES / "corpus" / "reports.jsonl").read_text().splitlines() if line.strip())
    files = len(list((SAMPLES / "json").glob("*.json"))) + len(list((SAMPLES / "txt").glob("*.txt")))
    files += len(list((SAMPLES / "html").glob("*.html")))
    return jsonl + files


def test_samples_ingest_once_and_only_once(sw):
    first = sw("ingest", "--json", *SAMPLE_DIRS)
    assert first.code == 0, first.err
    summary = first.json()
    assert summary["quarantined"] == 0, summary["quarantine"]
    assert summary["added"] >= count_inputs() + 10  # plus the feed items
    status = sw("status", "--json").json()
    assert status["documents"] == summary["added"]
    assert {"documents", "reports", "incidents", "quarantined"} <= set(status)
    assert status["languages"]["ar"] >= 6
    again = sw("ingest", "--json", *SAMPLE_DIRS).json()
    assert again["added"] == 0 and again["skipped"] == summary["added"]
    assert sw("status", "--json").json() == status
    assert sw("verify").code == 0


def test_documents_list_search_and_show(sw):
    sw("ingest", *SAMPLE_DIRS)
    listed = sw("documents", "--json", "--limit", "500").json()
    assert {d["source_id"] for d in listed} >= {"sample-en-001", "sample-ar-001"}
    hits = sw("documents", "--json", "-q", "hospital").json()
    assert hits and all("hospital" in sw("show", "--json", str(h["id"])).json()["text"].lower() for h in hits)
    arabic = sw("documents", "--json", "--language", "ar").json()
    assert arabic and all(d["language"] == "ar" for d in arabic)
    shown = sw("show", "--json", "sample-en-001").json()
    assert shown["published"].startswith("2019-07-23") and shown["source"]
    # the archived bytes of a page in windows-1256 come back byte for byte
    page = next((SAMPLES / "html").glob("*ariha-ar.html"))
    doc = sw("show", "--json", str(page)).json()
    assert doc["language"] == "ar" and "أريحا" in doc["text"]
    raw = subprocess.run(
        [sys.executable, "-m", "strikewatch", "--db", sw.__closure__ and str(_db_of(sw)), "show", "--raw", str(page)],
        capture_output=True, check=True,
    ).stdout
    assert raw == page.read_bytes()


def _db_of(sw):
    """The database path bound into the `sw` fixture (for subprocess runs)."""
    for cell in sw.__closure__:
        if hasattr(cell.cell_contents, "suffix"):
            return cell.cell_contents
    raise AssertionError("no db")


def test_html_is_reduced_to_its_main_text(sw):
    sw("ingest", SAMPLES / "html")
    for page in (SAMPLES / "html").glob("*.html"):
        doc = sw("show", "--json", str(page)).json()
        assert doc["media_type"] == "text/html"
        assert "<" not in doc["text"] and "cookie" not in doc["text"].lower()
        assert len(doc["text"]) > 300


def hostile_folder(tmp_path):
    d = tmp_path / "inbox"
    (d / "nested" / "deeper").mkdir(parents=True)
    lines = [
        json.dumps({"id": "good-1", "text": "Shelling hit a school in Ariha; two children were hurt.",
                    "published": "2020-01-15", "extra_field": {"kept": True}}),
        "{this is not json",
        json.dumps({"id": "no-text"}),
        json.dumps({"text": "A line without an id."}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "bad-date", "text": "Strike reported.", "published": "last Tuesday"}),
        "[" * 5000 + "]" * 5000,
        json.dumps({"id": "good-2", "text": "<p>Air raid on <b>Saraqib</b> market.</p>", "format": "html"}),
        json.dumps({"id": "empty-html", "text": "<script>x()</script>", "format": "html"}),
    ]
    (d / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "nested" / "garbage.txt").write_bytes(bytes(range(256)) * 4 + b"\x00\xff\xfe\xed\xa0\x80")
    (d / "nested" / "empty.txt").write_bytes(b"\x00\x00\x00   \n")
    (d / "nested" / "deeper" / "scan.pdf").write_bytes(b"%PDF-1.7 binary")
    (d / "nested" / "deeper" / "big.txt").write_bytes(b"a" * 50000)
    (d / "nested" / "deeper" / "laughs.rss").write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        '<rss><channel><title>&d;</title></channel></rss>', encoding="utf-8")
    (d / ".hidden.txt").write_text("ignored", encoding="utf-8")
    return d


def test_hostile_folder_quarantines_with_codes_and_goes_on(sw, tmp_path):
    folder = hostile_folder(tmp_path)
    result = sw("ingest", "--json", "--max-bytes", "30000", folder)
    assert result.code == 0, result.err
    summary = result.json()
    codes = {q["id"].rsplit("/", 1)[-1]: q["code"] for q in summary["quarantine"]}
    assert codes == {
        "batch.jsonl:2": "bad_json",
        "no-text": "missing_field",
        "batch.jsonl:4": "missing_field",
        "batch.jsonl:5": "bad_json",
        "bad-date": "bad_field",
        "batch.jsonl:7": "bad_json",
        "empty-html": "empty_text",
        "empty.txt": "empty_text",
        "scan.pdf": "unsupported_type",
        "big.txt": "too_large",
        "laughs.rss": "feed_rejected",
    }
    assert summary["added"] == 3  # good-1, good-2, garbage.txt (decoded, never refused)
    garbage = sw("show", "--json", str(folder / "nested" / "garbage.txt")).json()["text"]
    assert "\x00" not in garbage
    garbage.encode("utf-8")  # valid UTF-8: no lone surrogates
    good = sw("show", "--json", "good-1").json()
    assert good["meta"]["extra"] == {"extra_field": {"kept": True}}
    # every quarantined input keeps its raw bytes, except the one over the cap
    with Store(_db_of(sw)) as store:
        rows = store.list_quarantine()
        for row in rows:
            if row["code"] == "too_large":
                assert row["raw_sha256"] is None and "50000 bytes" in row["reason"]
            else:
                assert store.get_blob(row["raw_sha256"])
        assert store.get_blob(next(r for r in rows if r["source_id"].endswith("scan.pdf"))["raw_sha256"]) == b"%PDF-1.7 binary"
    listed = sw("documents", "--quarantined").out
    assert "[unsupported_type]" in listed and "scan.pdf" in listed
    # a second run adds nothing, quarantines nothing new, and the store verifies
    sw("ingest", "--max-bytes", "30000", folder)
    assert sw("status", "--json").json()["quarantined"] == 11
    assert sw("verify").code == 0


def test_standard_input_jsonl(db):
    lines = "\n".join(json.dumps({"id": f"in-{n}", "text": f"Report {n} of a drone strike."}) for n in range(3))
    run = subprocess.run([sys.executable, "-m", "strikewatch", "--db", str(db), "ingest", "--json", "-"],
                         input=lines.encode(), capture_output=True, check=True)
    assert json.loads(run.stdout)["added"] == 3


def test_db_from_environment(tmp_path):
    env = {**os.environ, "STRIKEWATCH_DB": str(tmp_path / "env.db")}
    subprocess.run([sys.executable, "-m", "strikewatch", "init"], env=env, check=True, capture_output=True)
    assert (tmp_path / "env.db").exists()


def test_errors_are_one_line_with_a_code(sw):
    missing = sw("show", "no-such-document")
    assert missing.code == 1 and missing.err.strip().count("\n") == 0
    assert missing.err.startswith("error[not_found]:")
    bad = sw("documents", "--limit", "zero")
    assert bad.code == 2 and bad.err.startswith("error[usage]:")
    assert "Traceback" not in missing.err + bad.err


def test_verify_names_the_row_edited_behind_its_back(sw):
    sw("ingest", SAMPLES / "corpus")
    assert sw("verify").code == 0
    with sqlite3.connect(_db_of(sw)) as conn:
        conn.execute("UPDATE documents SET text = 'no attack happened' WHERE source_id = 'sample-en-007'")
        doc_id = conn.execute("SELECT id FROM documents WHERE source_id = 'sample-en-007'").fetchone()[0]
    result = sw("verify")
    assert result.code == 1
    assert f"first broken link: row at documents {doc_id}" in result.out
    assert sw("verify", "--json").json()["ok"] is False


# -- network: loopback only ---------------------------------------------------------

PAGE = (b"<html><head><title>Strike on clinic</title></head><body><nav>Home | World</nav>"
        b"<article><p>An air strike hit a clinic in the town of Kafr Takharim on Tuesday, killing "
        b"three people, according to local medics.</p><p>Two nurses were among the wounded, the "
        b"clinic's director said, and the building was put out of service.</p></article>"
        b"<footer>About us</footer></body></html>")

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Monitor</title><link>https://news.example/</link>
<description>x</description>
<item><guid>item-1</guid><title>Shelling on Atarib</title><link>https://news.example/1</link>
<pubDate>Sat, 21 Nov 2020 10:00:00 GMT</pubDate><description>Shelling wounded seven in al-Atarib.</description></item>
<item><guid>item-2</guid><title>Raid on Saraqib</title><link>https://news.example/2</link>
<pubDate>Wed, 15 Jan 2020 09:00:00 GMT</pubDate><description>Air raids killed four in Saraqib.</description></item>
</channel></rss>"""


@pytest.fixture()
def site():
    """A news site on 127.0.0.2 (allowed only through --allow-network)."""

    def feed(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return reply(304, b"", [("ETag", '"v1"')])(handler)
        return reply(200, RSS, [("Content-Type", "application/rss+xml"), ("ETag", '"v1"')])(handler)

    routes = {
        "/page": reply(200, PAGE, [("Content-Type", "text/html; charset=utf-8")]),
        "/gz": reply(200, gzip.compress(PAGE), [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]),
        "/bomb": reply(200, gzip.compress(b"\0" * 20_000_000), [("Content-Type", "text/html"),
                                                               ("Content-Encoding", "gzip")]),
        "/feed": feed,
        "/to-metadata": reply(302, b"", [("Location", "http://169.254.169.254/latest/meta-data/")]),
        "/to-loopback": reply(302, b"", [("Location", "http://127.0.0.1/")]),
    }
    with serve(GOOD, routes) as server:
        yield server


@pytest.mark.usefixtures("loopback_only")
def test_urls_are_fetched_and_hostile_ones_quarantined(sw, site, recorder):
    base = f"http://{GOOD}:{site.port}"
    rec = f"http://127.0.0.1:{recorder.port}"
    result = sw("ingest", "--json", "--allow-network", f"{GOOD}/32", "--max-bytes", "1000000",
                f"{base}/page", f"{base}/gz", f"{base}/bomb", f"{base}/to-metadata", f"{base}/to-loopback",
                f"{rec}/", "http://127.1/", "http://0x7f000001/", "http://[::ffff:127.0.0.1]/",
                "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd")
    summary = result.json()
    codes = {q["id"]: q["code"] for q in summary["quarantine"]}
    assert summary["added"] == 1 and summary["skipped"] == 1  # the gzip copy is the same bytes
    assert codes == {
        f"{base}/bomb": "too_large",
        f"{base}/to-metadata": "blocked_address",
        f"{base}/to-loopback": "blocked_address",
        f"{rec}/": "blocked_address",
        "http://127.1/": "blocked_address",
        "http://0x7f000001/": "blocked_address",
        "http://[::ffff:127.0.0.1]/": "blocked_address",
        "http://169.254.169.254/latest/meta-data/": "blocked_address",
        "file:///etc/passwd": "bad_scheme",
    }
    assert recorder.requests == []
    doc = sw("show", "--json", f"{base}/page").json()
    assert "Kafr Takharim" in doc["text"] and "Home | World" not in doc["text"]
    assert doc["meta"]["http_status"] == 200


@pytest.mark.usefixtures("loopback_only")
def test_feed_by_url_and_watch_resumes_with_conditional_requests(sw, site, db):
    from strikewatch.config import IngestSettings
    from strikewatch.ingest.watch import watch_feeds

    url = f"http://{GOOD}:{site.port}/feed"
    first = sw("ingest", "--json", "--feed", "--allow-network", f"{GOOD}/32", url).json()
    assert first["added"] == 2
    assert sw("show", "--json", "item-2").json()["published"].startswith("2020-01-15")
    site.requests.clear()
    settings = IngestSettings(allow_networks=(f"{GOOD}/32",))
    with Store(db) as store:
        watch_feeds(store, [url], settings=settings, interval=3600, max_rounds=1)
    assert len(site.requests) == 1 and "if-none-match" not in site.requests[0].headers
    with Store(db) as store:  # a restart: state comes from the database
        watch_feeds(store, [url], settings=settings, interval=3600, max_rounds=1)
        assert len(site.requests) == 1  # not due yet
        watch_feeds(store, [url], settings=settings, interval=0, max_rounds=1)
        assert site.requests[-1].headers["if-none-match"] == '"v1"'
        state = store.feed_state(url)
        assert state["etag"] == '"v1"' and state["last_status"] == "not modified"
    assert sw("status", "--json").json()["documents"] == 2


@pytest.mark.usefixtures("loopback_only")
def test_watch_command_polls_and_reports(sw, site):
    url = f"http://{GOOD}:{site.port}/feed"
    out = sw("watch", "--once", "--allow-network", f"{GOOD}/32", url)
    assert out.code == 0 and f"{url}: ok, 2 added" in out.out
    blocked = sw("watch", "--once", "--interval", "0", "http://127.0.0.1:9/feed")
    assert "error [blocked_address]" in blocked.out


def test_billion_laughs_feed_is_refused_fast(sw, tmp_path):
    folder = hostile_folder(tmp_path)
    start = time.perf_counter()
    result = sw("ingest", "--json", "--feed", folder / "nested" / "deeper" / "laughs.rss")
    assert time.perf_counter() - start < 1.0
    assert result.json()["quarantine"][0]["code"] == "feed_rejected"


def test_progress_counts_every_byte_of_file_input(db, tmp_path):
    from strikewatch.ingest.pipeline import Ingester, expand_targets, total_bytes

    targets = expand_targets([str(SAMPLES / "corpus"), str(SAMPLES / "txt"), str(tmp_path / "missing.txt")])
    seen: list[int] = []
    with Store(db) as store:
        summary = Ingester(store).run(targets, progress=seen.append)
    assert len(seen) > 30  # line by line inside the JSON Lines file
    assert sum(seen) == total_bytes(targets) > 0
    assert summary.quarantined == 1  # the missing file: unreadable, recorded, batch went on


@pytest.mark.usefixtures("loopback_only")
def test_watch_extracts_after_every_round(sw, site):
    url = f"http://{GOOD}:{site.port}/feed"
    out = sw("watch", "--json", "--max-rounds", "2", "--interval", "0", "--allow-network", f"{GOOD}/32", url)
    summary = out.json()
    assert summary["added"] == 2 and summary["extracted"]["documents"] == 2
    assert summary["extracted"]["reports"] >= 1

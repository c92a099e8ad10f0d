"""Tests for strikewatch.ingest.feeds: hostile XML is refused fast and small,
real feeds parse into items. All feed content here is invented."""

from __future__ import annotations

import io
import json
import socket
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import feedparser
import pytest

from strikewatch.errors import FeedError, TooLarge
from strikewatch.ingest import feeds
from strikewatch.ingest.feeds import FeedItem, parse_feed, screen_xml

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Feed parsing must never touch the network."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("feed parsing tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Harbour Town Monitor</title>
    <link>https://monitor.test/</link>
    <description>Invented test feed</description>
    <item>
      <title>Shelling reported near the grain depot</title>
      <link>https://monitor.test/reports/101</link>
      <guid isPermaLink="false">monitor-101</guid>
      <pubDate>Tue, 07 May 2024 14:30:00 +0200</pubDate>
      <description>&lt;p&gt;Two buildings damaged.&lt;script&gt;steal()&lt;/script&gt;&lt;/p&gt;</description>
      <content:encoded><![CDATA[<p>Residents described <b>three</b> explosions after midnight.</p>]]></content:encoded>
    </item>
    <item>
      <title>Clinic closes after power cut</title>
      <guid>https://monitor.test/reports/102</guid>
      <pubDate>sometime last week</pubDate>
      <description>Plain text summary.</description>
    </item>
  </channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Valley Observers</title>
  <id>urn:uuid:7e1c0000-0000-4000-8000-000000000000</id>
  <updated>2024-05-02T00:00:00Z</updated>
  <entry>
    <title>École endommagée au nord de la vallée</title>
    <id>urn:uuid:7e1c0000-0000-4000-8000-000000000001</id>
    <link rel="alternate" href="https://valley.test/e/1"/>
    <published>2024-05-01T10:00:00-05:00</published>
    <updated>2024-05-02T00:00:00Z</updated>
    <summary>Short note.</summary>
    <content type="html">&lt;p&gt;Long account of the &lt;em&gt;damage&lt;/em&gt;.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Convoy delayed</title>
    <id>urn:uuid:7e1c0000-0000-4000-8000-000000000002</id>
    <updated>2024-05-03T08:15:00+00:00</updated>
    <content type="text">Only content here.</content>
  </entry>
</feed>
""".encode()


@contextmanager
def bounded(seconds: float = 1.0, memory: int = 50 * MB) -> Iterator[None]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.3f}s"
    assert peak < memory, f"peak {peak / MB:.1f} MB"


# --------------------------------------------------------------------------
# Parsing real (invented) feeds.


def test_rss_items() -> None:
    first, second = parse_feed(RSS)
    assert first == FeedItem(
        guid="monitor-101",
        title="Shelling reported near the grain depot",
        link="https://monitor.test/reports/101",
        published="2024-05-07T12:30:00+00:00",
        summary="<p>Two buildings damaged.</p>",  # sanitised: script dropped
        content="<p>Residents described <b>three</b> explosions after midnight.</p>",
    )
    # A permalink guid is the RSS link; an unparseable date is kept as given.
    assert second.guid == second.link == "https://monitor.test/reports/102"
    assert second.published == "sometime last week"
    assert second.summary == "Plain text summary." and second.content is None


def test_atom_items() -> None:
    first, second = parse_feed(ATOM)
    assert first.guid == "urn:uuid:7e1c0000-0000-4000-8000-000000000001"
    assert first.title == "École endommagée au nord de la vallée"
    assert first.link == "https://valley.test/e/1"
    assert first.published == "2024-05-01T15:00:00+00:00"
    assert first.summary == "Short note."
    assert first.content == "<p>Long account of the <em>damage</em>.</p>"
    # No link element: the Atom id is not a link; no summary: not invented.
    assert second.link is None
    assert second.published == "2024-05-03T08:15:00+00:00"
    assert second.summary is None and second.content == "Only content here."


def test_raw_is_stable_json() -> None:
    for item in parse_feed(RSS) + parse_feed(ATOM):
        raw = item.raw()
        assert list(raw) == ["guid", "title", "link", "published", "summary", "content"]
        assert json.loads(json.dumps(raw)) == raw


def test_empty_feed_gives_no_items() -> None:
    assert parse_feed(b'<rss version="2.0"><channel><title>quiet</title></channel></rss>') == []


def test_legacy_multibyte_encoding_is_transcoded() -> None:
    doc = (
        '<?xml version="1.0" encoding="shift_jis"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>港で爆発</title><guid>jp-1</guid></item></channel></rss>"
    )
    [item] = parse_feed(doc.encode("shift_jis"))
    assert item.title == "港で爆発"


def test_unknown_encoding_is_invalid() -> None:
    with pytest.raises(FeedError) as info:
        parse_feed(b'<?xml version="1.0" encoding="no-such-codec"?><rss version="2.0"/>')
    assert info.value.code == "feed_invalid"


def test_bozo_feed_still_yields_items(monkeypatch: pytest.MonkeyPatch) -> None:
    real_parse = feedparser.parse

    def bozo_parse(*args: Any, **kwargs: Any) -> Any:
        result = real_parse(*args, **kwargs)
        result["bozo"] = 1
        result["bozo_exception"] = ValueError("minor problem")
        return result

    monkeypatch.setattr(feeds.feedparser, "parse", bozo_parse)
    assert len(parse_feed(RSS)) == 2


# --------------------------------------------------------------------------
# Hostile XML: rejected before anything expands, fast and small.

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']><rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
)
QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + b"x" * 100_000 + b'">]>'
    b'<rss version="2.0"><channel><title>' + b"&a;" * 100_000 + b"</title></channel></rss>"
)
HOSTILE = {
    "billion_laughs": LAUGHS,
    "quadratic_blowup": QUADRATIC,
    "external_entity": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<rss version="2.0"><channel><title>&xxe;</title></channel></rss>',
    "external_dtd": b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">'
    b'<rss version="2.0"><channel><title>t</title></channel></rss>',
    "public_dtd": b'<!DOCTYPE rss PUBLIC "-//Evil//DTD RSS//EN" "file:///etc/passwd">'
    b'<rss version="2.0"/>',
    "parameter_entity": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % pe SYSTEM "file:///etc/passwd"> %pe;]>'
    b'<rss version="2.0"/>',
    "parameter_entity_nested": b"<!DOCTYPE rss [<!ENTITY % a \"<!ENTITY b 'boom'>\"> %a;]><rss>&b;</rss>",
    "unparsed_entity": b'<!DOCTYPE rss [<!NOTATION n SYSTEM "x"><!ENTITY u SYSTEM "file:///x" NDATA n>]><rss/>',
    "bare_doctype": b"<!DOCTYPE rss><rss version=\"2.0\"/>",
    "utf16_laughs": LAUGHS.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_xml_rejected_fast_and_small(name: str) -> None:
    data = HOSTILE[name]
    for func in (screen_xml, parse_feed):
        with bounded(seconds=1.0, memory=50 * MB):
            with pytest.raises(FeedError) as info:
                func(data)
        assert info.value.code == "feed_rejected", name


def test_hostile_xml_in_legacy_encoding_still_rejected() -> None:
    doc = '<?xml version="1.0" encoding="euc-kr"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>'
    with pytest.raises(FeedError) as info:
        parse_feed(doc.encode("euc-kr"))
    assert info.value.code == "feed_rejected"


@pytest.mark.parametrize(
    "data",
    [b"", b"not xml at all", b"<rss><channel>", b"<rss>&undefined;</rss>", b"<a></b>",
     b"\x00\x01\x02", b'<rss version="2.0"><channel><title>x</title></channel></rss>trailing'],
)
def test_malformed_xml_is_invalid(data: bytes) -> None:
    with pytest.raises(FeedError) as info:
        parse_feed(data)
    assert info.value.code == "feed_invalid"


@pytest.mark.parametrize("data", [b"<foo/>", b"<html><body><p>hello</p></body></html>"])
def test_xml_that_is_not_a_feed_is_invalid(data: bytes) -> None:
    screen_xml(data)  # well-formed, harmless
    with pytest.raises(FeedError) as info:
        parse_feed(data)
    assert info.value.code == "feed_invalid"


# --------------------------------------------------------------------------
# Never a path or URL.


def test_path_like_bytes_do_not_open_files(tmp_path: Path) -> None:
    planted = tmp_path / "planted.xml"
    planted.write_bytes(RSS)  # a valid feed: opening it would yield items
    for data in (b"/etc/passwd", str(planted).encode(), planted.as_uri().encode()):
        with pytest.raises(FeedError) as info:
            parse_feed(data)
        assert info.value.code == "feed_invalid"


def test_feedparser_only_ever_gets_a_bytes_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    real_parse = feedparser.parse

    def spy(source: object, *args: Any, **kwargs: Any) -> Any:
        seen.append(source)
        assert kwargs.get("resolve_relative_uris") is False
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(feeds.feedparser, "parse", spy)
    parse_feed(RSS)
    parse_feed(ATOM)
    assert len(seen) == 2 and all(isinstance(s, io.BytesIO) for s in seen)


@pytest.mark.parametrize("bad", ["/etc/passwd", "https://monitor.test/feed", None, 42])
def test_non_bytes_input_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        parse_feed(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        screen_xml(bad)  # type: ignore[arg-type]


def test_bytearray_and_memoryview_accepted() -> None:
    assert len(parse_feed(bytearray(RSS))) == 2
    assert len(parse_feed(memoryview(RSS))) == 2


# --------------------------------------------------------------------------
# Caps.


def test_too_large() -> None:
    with pytest.raises(TooLarge) as info:
        parse_feed(RSS, max_bytes=len(RSS) - 1)
    assert info.value.code == "too_large"
    with pytest.raises(TooLarge):
        screen_xml(b"<rss>" + b" " * 2000 + b"</rss>", max_bytes=1000)
    assert len(parse_feed(RSS, max_bytes=len(RSS))) == 2


def test_too_many_items() -> None:
    items = b"".join(b"<item><title>n%d</title><guid>g%d</guid></item>" % (i, i) for i in range(11))
    doc = b'<rss version="2.0"><channel><title>t</title>' + items + b"</channel></rss>"
    assert len(parse_feed(doc, max_items=11)) == 11
    with pytest.raises(TooLarge):
        parse_feed(doc, max_items=10)


def test_large_legit_feed_screens_with_flat_memory() -> None:
    item = b"<item><title>t</title><guid>g</guid><description>" + b"word " * 200 + b"</description></item>"
    doc = b'<rss version="2.0"><channel><title>t</title>' + item * 16000 + b"</channel></rss>"
    assert len(doc) > 16 * MB
    with bounded(seconds=5.0, memory=8 * MB):  # no tree is built: far below the input size
        screen_xml(doc)

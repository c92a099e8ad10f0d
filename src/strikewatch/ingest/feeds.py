"""Safe RSS/Atom parsing of hostile feed bytes.

Two stages, because each tool is trusted for one job only:

1. :func:`screen_xml` runs the bytes through defusedxml's expat parser with
   DTDs, entity declarations and external references forbidden. It stops at
   the first ``<!DOCTYPE`` (so billion-laughs, quadratic blow-up, XXE and
   parameter entities never get going) and rejects anything that is not
   well-formed XML. It builds no tree, so memory stays flat.
2. :func:`parse_feed` hands the very same bytes to feedparser, wrapped in
   :class:`io.BytesIO`: feedparser treats a ``str`` as a path or URL and
   would open or fetch it, so it must never receive one. Relative URI
   resolution is off (it is string work only, but we archive what was
   given); HTML sanitising stays on.
"""

from __future__ import annotations

import calendar
import io
import re
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from strikewatch.errors import FeedError, TooLarge

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ITEMS = 5000

# The encoding pseudo-attribute of a leading XML declaration (ASCII in every
# ASCII-compatible encoding, which the multi-byte legacy ones all are).
_XML_DECL_ENCODING = re.compile(
    rb"""^(\s*<\?xml\s[^>]*?\bencoding\s*=\s*)(["'])([A-Za-z][A-Za-z0-9._:-]{0,39})\2"""
)


@dataclass
class FeedItem:
    """One feed entry, as given by the feed (summary/content may be HTML)."""

    guid: str | None
    title: str | None
    link: str | None
    published: str | None  # ISO 8601 in UTC when parseable, else as given
    summary: str | None
    content: str | None

    def raw(self) -> dict[str, str | None]:
        """JSON-serialisable dict with stable keys: the item's archived form."""
        return asdict(self)


class _UnreadableEncoding(Exception):
    """pyexpat cannot decode the declared encoding (it raises ValueError or
    LookupError, not ParseError, for multi-byte legacy or unknown names)."""


class _NullTarget:
    """Parser target that keeps nothing: screening needs no tree."""

    def close(self) -> None:
        return None


def _as_bytes(data: bytes | bytearray | memoryview) -> bytes:
    if isinstance(data, str) or not isinstance(data, (bytes, bytearray, memoryview)):
        # A str could be mistaken for a path or URL downstream; refuse loudly.
        raise TypeError(f"feed data must be bytes, not {type(data).__name__}")
    return bytes(data)


def _screen_once(data: bytes) -> None:
    parser = DefusedXMLParser(
        target=_NullTarget(),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException as exc:  # a ValueError: must come first
        raise FeedError(
            f"feed uses a forbidden XML construct: {type(exc).__name__}", code="feed_rejected"
        ) from None
    except ParseError as exc:
        raise FeedError(f"feed is not well-formed XML: {exc}", code="feed_invalid") from None
    except (ValueError, LookupError) as exc:
        raise _UnreadableEncoding(str(exc)) from None


def _to_utf8(data: bytes) -> bytes | None:
    """Re-encode a document whose declared encoding expat cannot read
    (Shift_JIS, GBK, Big5, EUC-KR ...) as UTF-8, declaration rewritten."""
    match = _XML_DECL_ENCODING.match(data[:1024])
    if match is None:
        return None
    try:
        text = data[match.end() :].decode(match.group(3).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None
    return match.group(1) + b'"utf-8"' + text.encode("utf-8")


def _screen(data: bytes, max_bytes: int) -> bytes:
    """Screen ``data``; return the bytes that passed (maybe re-encoded to UTF-8).

    The caller must parse exactly these bytes, so that feedparser never sees
    a document other than the one that was screened.
    """
    if len(data) > max_bytes:
        raise TooLarge(f"feed is {len(data)} bytes, over the cap of {max_bytes}")
    try:
        _screen_once(data)
        return data
    except _UnreadableEncoding as exc:
        transcoded = _to_utf8(data)
        if transcoded is None:
            raise FeedError(f"feed encoding is not supported: {exc}", code="feed_invalid") from None
    try:
        _screen_once(transcoded)
    except _UnreadableEncoding as exc:  # pragma: no cover - UTF-8 is always readable
        raise FeedError(f"feed encoding is not supported: {exc}", code="feed_invalid") from None
    return transcoded


def screen_xml(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Reject oversized, dangerous or malformed XML before anything parses it.

    Raises TooLarge past ``max_bytes``, FeedError(feed_rejected) on any DTD,
    entity declaration or external reference (expat stops at the DOCTYPE, so
    bombs never expand), FeedError(feed_invalid) when the bytes are not
    well-formed XML. No tree is built: memory stays flat on large input.
    """
    _screen(_as_bytes(data), max_bytes)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _iso_utc(parsed: time.struct_time | None) -> str | None:
    """feedparser's *_parsed values are UTC struct_times."""
    if parsed is None:
        return None
    try:
        ts = calendar.timegm(parsed)
        return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat()
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def _published(entry: Any) -> str | None:
    for key in ("published", "updated", "created"):
        if entry.get(key):
            return _iso_utc(entry.get(f"{key}_parsed")) or _text(entry.get(key))
    return None


def _content(entry: Any) -> str | None:
    blocks = entry.get("content") or []
    for block in blocks:
        value = _text(block.get("value"))
        if value is not None:
            return value
    return None


def _link(entry: Any, is_rss: bool) -> str | None:
    """The entry's link, but not one feedparser invented from an Atom id.

    feedparser copies ``<guid>``/``<id>`` into ``link`` when no link was
    given; that is RSS semantics for a permalink guid, never for Atom.
    """
    link = _text(entry.get("link"))
    if link is None:
        return None
    hrefs = {item.get("href") for item in entry.get("links") or []}
    if link in hrefs or (is_rss and entry.get("guidislink")):
        return link
    return None


def _item(entry: Any, is_rss: bool) -> FeedItem:
    content = _content(entry)
    summary = _text(entry.get("summary"))
    if summary is not None and summary == content:
        summary = None  # feedparser copies content into a missing summary
    return FeedItem(
        guid=_text(entry.get("id")),
        title=_text(entry.get("title")),
        link=_link(entry, is_rss),
        published=_published(entry),
        summary=summary,
        content=content,
    )


def parse_feed(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_items: int = DEFAULT_MAX_ITEMS,
) -> list[FeedItem]:
    """Parse RSS or Atom bytes into items, after :func:`screen_xml`.

    A recognised feed with no entries gives ``[]``; bytes that are not a
    feed at all give FeedError(feed_invalid); more than ``max_items``
    entries give TooLarge (we do not silently drop reports).
    """
    screened = _screen(_as_bytes(data), max_bytes)
    result = feedparser.parse(
        io.BytesIO(screened),
        resolve_relative_uris=False,
        sanitize_html=True,
        response_headers={},
    )
    entries = result.get("entries") or []
    if not result.get("version") and not entries:
        reason = result.get("bozo_exception")
        detail = f": {reason}" if reason else ""
        raise FeedError(f"not an RSS or Atom feed{detail}", code="feed_invalid")
    if len(entries) > max_items:
        raise TooLarge(f"feed has {len(entries)} items, over the cap of {max_items}")
    is_rss = str(result.get("version") or "").startswith("rss")
    return [_item(entry, is_rss) for entry in entries]

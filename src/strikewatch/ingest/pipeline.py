"""Ingestion: turn files, folders, URLs and feeds into stored documents.

The order of work for every input is fixed, so that nothing is ever lost:

1. read the raw bytes (size-capped);
2. if the same bytes are already a document, skip (content-derived ids);
3. archive the bytes (committed on their own, before any parsing);
4. decode, reduce HTML, detect the language, store the document;
5. any failure in 4 quarantines the input with a stable code and a reason,
   next to its archived bytes, and the batch goes on.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..config import IngestSettings
from ..errors import InputError, StrikewatchError, TooLarge
from ..model import Document
from ..store import NewDocument, Store, sha256_hex
from ..store.audit import canonical_json
from .feeds import FeedItem, parse_feed
from .html import html_to_text
from .lang import detect_language
from .net import FetchPolicy, FetchResult, fetch
from .text import clean_text, to_text

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES

@dataclass
class Outcome:
    """What happened to one input document."""

    source_id: str
    status: str  # added | skipped | quarantined
    code: str | None = None
    reason: str | None = None
    document_id: int | None = None


@dataclass
class IngestSummary:
    added: int = 0
    skipped: int = 0
    quarantined: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    def record(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added, "skipped": self.skipped, "quarantined": self.quarantined,
            "quarantine": [
                {"id": o.source_id, "code": o.code, "reason": o.reason}
                for o in self.outcomes if o.status == "quarantined"
            ],
        }


@dataclass(frozen=True)
class Target:
    """One unit of work: a file, a URL, a feed, or standard input."""

    kind: str  # file | url | feed | stdin
    ref: str


def is_url(ref: str) -> bool:
    return "://" in ref[:16] or ref.lower().startswith(("http:", "https:"))


def expand_targets(refs: Iterable[str], *, feeds: bool = False) -> list[Target]:
    """Files, folders (recursively, hidden entries skipped, sorted), URLs, '-'."""
    out: list[Target] = []
    for ref in refs:
        if ref == "-":
            out.append(Target("stdin", "-"))
        elif is_url(ref):
            out.append(Target("feed" if feeds else "url", ref))
        elif os.path.isdir(ref):
            for root, dirs, files in os.walk(ref):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        out.append(Target("feed" if feeds else "file", os.path.join(root, name)))
        else:
            out.append(Target("feed" if feeds else "file", ref))
    return out


class Ingester:
    """Feeds inputs into a :class:`Store`, one durable commit per document."""

    def __init__(
        self, store: Store, settings: IngestSettings | None = None, *,
        on_outcome: Callable[[Outcome], None] | None = None,
        resolver: Callable[[str, int], list[str]] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or IngestSettings()
        self.policy = FetchPolicy(
            max_bytes=self.settings.max_document_bytes,
            timeout=self.settings.fetch_timeout,
            allow_networks=self.settings.allow_networks,
            resolver=resolver,
        )
        self.on_outcome = on_outcome
        self.summary = IngestSummary()
        self._progress: Callable[[int], None] | None = None
        self._consumed = 0

    # -- bookkeeping --------------------------------------------------------

    def _done(self, outcome: Outcome) -> Outcome:
        self.summary.record(outcome)
        if self.on_outcome:
            self.on_outcome(outcome)
        return outcome

    def _quarantine(self, source_id: str, raw: bytes | None, origin: str, exc: Exception) -> Outcome:
        if isinstance(exc, StrikewatchError):
            code, reason = exc.code, exc.message
        else:  # a bug: keep the input, say so, carry on
            code, reason = "internal", f"{type(exc).__name__}: {exc}"
        self.store.quarantine(source_id=source_id, raw=raw, origin=origin, code=code, reason=reason)
        return self._done(Outcome(source_id, "quarantined", code, reason))

    def _guarded(self, source_id: str, raw: bytes, origin: str, build: Callable[[], NewDocument]) -> Outcome:
        """Steps 2-5 above for one document's raw bytes."""
        if self.store.has_document(sha256_hex(raw)):
            return self._done(Outcome(source_id, "skipped", reason="already ingested"))
        self.store.put_blob(raw)
        try:
            doc = build()
            if not doc.text.strip():
                raise InputError("no text remained after decoding", code="empty_text")
            doc_id, added = self.store.add_document(doc)
        except Exception as exc:  # noqa: BLE001 - every failure is quarantined
            return self._quarantine(source_id, raw, origin, exc)
        return self._done(Outcome(source_id, "added" if added else "skipped", document_id=doc_id))

    # -- entry points -------------------------------------------------------

    def run(self, targets: Iterable[Target], *, progress: Callable[[int], None] | None = None) -> IngestSummary:
        """Ingest every target; ``progress(n)`` hears of each n bytes of files consumed
        (see :func:`total_bytes`), line by line inside JSON Lines files."""
        self._progress = progress
        for target in targets:
            if target.kind == "stdin":
                self.ingest_stream(sys.stdin.buffer.read(), "-")
            elif target.kind == "url":
                self.ingest_url(target.ref)
            elif target.kind == "feed":
                self.ingest_feed(target.ref)
            else:
                before = self._consumed
                self.ingest_file(target.ref)
                self._advance(_size(target.ref) - (self._consumed - before))
        return self.summary

    def _advance(self, nbytes: int) -> None:
        if nbytes > 0:
            self._consumed += nbytes
            if self._progress:
                self._progress(nbytes)

    def _read_file(self, path: str) -> bytes:
        size = os.path.getsize(path)
        if size > self.settings.max_document_bytes:
            raise TooLarge(f"{size} bytes is over the {self.settings.max_document_bytes}-byte cap")
        with open(path, "rb") as fh:
            return fh.read(self.settings.max_document_bytes + 1)

    def ingest_file(self, path: str) -> None:
        try:
            raw = self._read_file(path)
        except StrikewatchError as exc:
            self._quarantine(path, None, "file", exc)
            return
        except OSError as exc:
            self._quarantine(path, None, "file", StrikewatchError(f"cannot read {path}: {exc.strerror or exc}", code="unreadable"))
            return
        self.ingest_bytes(raw, path)

    def ingest_bytes(self, raw: bytes, path: str) -> None:
        """The bytes of a file named ``path`` (read already, or uploaded): its suffix chooses the reader."""
        suffix = Path(path).suffix.lower()
        if suffix in JSONL_SUFFIXES:
            self.ingest_jsonl(raw, path)
        elif suffix in JSON_SUFFIXES:
            self.ingest_json(raw, path)
        elif suffix in FEED_SUFFIXES:
            self.ingest_feed_bytes(raw, path, origin="feed")
        elif suffix in HTML_SUFFIXES:
            self._guarded(path, raw, "file", lambda: self._html_document(raw, path, origin="file"))
        elif suffix in TEXT_SUFFIXES:
            self._guarded(path, raw, "file", lambda: self._text_document(raw, path))
        else:
            self._guarded(path, raw, "file", lambda: _raise(InputError(
                f"files ending {suffix or '(no suffix)'!r} are not ingested; "
                f"supported: {', '.join(sorted(SUPPORTED))}", code="unsupported_type")))

    def ingest_stream(self, raw: bytes, ref: str) -> None:
        """Standard input: JSON Lines if the first non-blank byte is '{', else text."""
        if raw.lstrip()[:1] == b"{":
            self.ingest_jsonl(raw, ref)
        else:
            self._guarded(f"stdin:{sha256_hex(raw)[:12]}", raw, "stdin", lambda: self._text_document(raw, "stdin"))

    def ingest_jsonl(self, raw: bytes, path: str) -> None:
        for lineno, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            self._advance(len(line) + 1)
            try:
                parsed: dict[str, Any] | Exception = _parse_object(line)
            except InputError as exc:
                parsed = exc
            self._guarded(
                (_obj_id(parsed) if isinstance(parsed, dict) else None) or where, line, "jsonl",
                lambda line=line, parsed=parsed, where=where: self._record_document(
                    _unwrap(parsed), line, origin="jsonl", origin_ref=path, fallback_id=None,
                    where=where),
            )

    def ingest_json(self, raw: bytes, path: str) -> None:
        """A single JSON document (an object), or an array of them."""
        try:
            value = json.loads(to_text(raw))
        except (ValueError, RecursionError) as exc:
            error = InputError(f"invalid JSON: {exc}", code="bad_json")
            self._guarded(path, raw, "json", lambda: _raise(error))
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                item_raw = canonical_json(item).encode("utf-8")
                self._guarded(
                    _obj_id(item) or f"{path}#{i}", item_raw, "json",
                    lambda item=item, item_raw=item_raw, i=i: self._record_document(
                        _require_object(item), item_raw, origin="json", origin_ref=path,
                        fallback_id=f"{path}#{i}", where=f"{path}#{i}"),
                )
        else:
            self._guarded(
                _obj_id(value) or path, raw, "json",
                lambda: self._record_document(_require_object(value), raw, origin="json",
                                              origin_ref=path, fallback_id=path, where=path),
            )

    def ingest_url(self, url: str) -> None:
        try:
            result = fetch(url, self.policy)
        except StrikewatchError as exc:
            self._quarantine(url, None, "url", exc)
            return
        self._guarded(url, result.body, "url", lambda: self._fetched_document(url, result))

    def ingest_feed(self, ref: str, *, state: dict[str, Any] | None = None) -> FetchResult | None:
        """A feed by URL (fetched; conditional when ``state`` has validators) or path."""
        if not is_url(ref):
            try:
                raw = self._read_file(ref)
            except StrikewatchError as exc:
                self._quarantine(ref, None, "feed", exc)
                return None
            except OSError as exc:
                self._quarantine(ref, None, "feed", StrikewatchError(f"cannot read {ref}: {exc.strerror or exc}", code="unreadable"))
                return None
            self.ingest_feed_bytes(raw, ref, origin="feed")
            return None
        state = state or {}
        try:
            result = fetch(ref, self.policy, etag=state.get("etag"), last_modified=state.get("last_modified"))
        except StrikewatchError as exc:
            self._quarantine(ref, None, "feed", exc)
            raise
        if not result.not_modified:
            self.ingest_feed_bytes(result.body, ref, origin="feed")
        return result

    def ingest_feed_bytes(self, raw: bytes, ref: str, *, origin: str) -> None:
        feed_sha = self.store.put_blob(raw)
        try:
            items = parse_feed(raw, max_bytes=self.settings.max_document_bytes)
        except Exception as exc:  # noqa: BLE001
            self._quarantine(ref, raw, origin, exc)
            return
        for i, item in enumerate(items):
            item_raw = canonical_json({"feed": ref, "item": item.raw()}).encode("utf-8")
            source_id = item.guid or item.link or f"{ref}#{i}"
            self._guarded(
                source_id, item_raw, "feed",
                lambda item=item, item_raw=item_raw, source_id=source_id: self._feed_document(
                    item, item_raw, source_id, ref, feed_sha),
            )

    # -- building documents -------------------------------------------------

    def _finish(self, doc: NewDocument, declared_language: Any = None) -> NewDocument:
        detected = detect_language(doc.text)
        doc.meta["detected_language"] = detected
        if isinstance(declared_language, str) and declared_language.strip():
            doc.language = declared_language.strip().lower()
        else:
            doc.language = detected
        return doc

    def _text_document(self, raw: bytes, path: str) -> NewDocument:
        return self._finish(NewDocument(
            source_id=path, raw=raw, origin="file" if path != "stdin" else "stdin",
            media_type="text/plain", text=to_text(raw), origin_ref=path))

    def _html_document(self, raw: bytes, source_id: str, *, origin: str, url: str | None = None,
                       origin_ref: str | None = None) -> NewDocument:
        page = html_to_text(raw, url=url)
        doc = NewDocument(
            source_id=source_id, raw=raw, origin=origin, media_type="text/html", text=page.text,
            origin_ref=origin_ref or source_id, title=page.title, url=url, published=page.published,
            source=page.sitename,
        )
        if page.author:
            doc.meta["author"] = page.author
        return self._finish(doc, page.language)

    def _fetched_document(self, url: str, result: FetchResult) -> NewDocument:
        ctype = (result.content_type or "").lower()
        if "html" in ctype or (not ctype and result.body.lstrip()[:1] == b"<"):
            doc = self._html_document(result.body, url, origin="url", url=result.url, origin_ref=url)
        elif ctype.startswith("text/") or not ctype:
            doc = self._finish(NewDocument(
                source_id=url, raw=result.body, origin="url", media_type="text/plain",
                text=to_text(result.body, result.charset), origin_ref=url, url=result.url))
        else:
            raise InputError(f"content type {ctype!r} is not a document strikewatch reads", code="unsupported_type")
        doc.meta.update({"final_url": result.url, "http_status": result.status, "content_type": result.content_type})
        return doc

    def _record_document(self, obj: dict[str, Any], raw: bytes, *, origin: str, origin_ref: str,
                         fallback_id: str | None, where: str) -> NewDocument:
        """A document in the interchange input shape (spec §1), validated by the model."""
        if fallback_id is not None and obj.get("id") in (None, ""):
            obj = {**obj, "id": fallback_id}
        try:
            given = Document.from_dict(obj)
        except InputError as exc:
            raise InputError(f"{where}: {exc.message}", code=exc.code) from None
        if _CONTROL.search(given.id):  # an id names the document in every export (and PostgreSQL refuses NUL)
            raise InputError(f"{where}: id: contains control characters", code="bad_field")
        title = _clean_field(given.title)
        if given.is_html:
            page = html_to_text(given.text, url=given.url)
            body, media, title = page.text, "text/html", title or page.title
        elif given.format in (None, "text", "plain"):
            body, media = clean_text(given.text), "text/plain"
        else:
            raise InputError(f"{where}: unknown `format` {given.format!r} (use \"html\" or leave it out)",
                             code="bad_field")
        doc = NewDocument(
            source_id=given.id, raw=raw, origin=origin, media_type=media, text=body,
            origin_ref=origin_ref, published=given.published, title=title,
            url=_clean_field(given.url), source=_clean_field(given.source),
        )
        if given.extra:
            doc.meta["extra"] = given.extra
        return self._finish(doc, given.language)

    def _feed_document(self, item: FeedItem, raw: bytes, source_id: str, feed_ref: str, feed_sha: str) -> NewDocument:
        body = item.content or item.summary or ""
        if "<" in body:
            text = html_to_text(body, url=item.link).text
        else:
            text = clean_text(body)
        doc = NewDocument(
            source_id=source_id, raw=raw, origin="feed", media_type="text/html" if "<" in body else "text/plain",
            text=text, origin_ref=feed_ref, container_sha256=feed_sha, title=_clean_field(item.title),
            url=item.link, published=item.published,
        )
        return self._finish(doc)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def total_bytes(targets: Iterable[Target]) -> int:
    """The bytes of file input in ``targets``: the length of a progress bar."""
    return sum(_size(t.ref) for t in targets if t.kind == "file")


def _raise(exc: Exception) -> Any:
    raise exc


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _clean_field(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = clean_text(value).strip()
    return cleaned or None


def _parse_object(line: bytes) -> dict[str, Any]:
    try:
        value = json.loads(to_text(line))
    except (ValueError, RecursionError) as exc:
        raise InputError(f"invalid JSON: {exc}", code="bad_json") from None
    return _require_object(value)


def _require_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"expected a JSON object, got {type(value).__name__}", code="bad_json")
    return value


def _obj_id(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"] or None
    return None


def _unwrap(parsed: dict[str, Any] | Exception) -> dict[str, Any]:
    if isinstance(parsed, Exception):
        raise parsed
    return parsed


def iter_feed_refs(path: str) -> Iterator[str]:
    """A feeds list file: one URL or path a line; lines starting with '#' are comments."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                yield line

"""Jobs that join stages: extraction of stored documents into the store.

Stages never import the stages to their right (ingestion knows nothing of
extraction); jobs that run several stages in a row live here, and the CLI and
the API call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator

from .errors import StrikewatchError
from .extract.pipeline import EXTRACTOR, extract_document, load_resources
from .model import Document
from .store import Store, StoredDocument


@dataclass
class ExtractSummary:
    documents: int = 0
    reports: int = 0
    failed: int = 0

    def add(self, other: "ExtractSummary") -> None:
        """Add another run's counts (a watch extracts after every round)."""
        self.documents += other.documents
        self.reports += other.reports
        self.failed += other.failed


def stored_as_document(doc: StoredDocument) -> Document:
    """A stored document in the interchange input shape; spans index its stored text."""
    return Document.from_dict(doc.as_input())


def extract_stored(store: Store, *, batch: int = 500,
                   on_document: Callable[[StoredDocument, int], None] | None = None) -> ExtractSummary:
    """Extract every stored document this extractor version has not seen, saving
    reports and figures with their provenance (document, extractor, spans)."""
    summary = ExtractSummary()
    res = load_resources()
    while True:
        docs = store.documents_to_extract(EXTRACTOR, limit=batch)
        if not docs:
            return summary
        for doc in docs:
            result = extract_document(stored_as_document(doc), res).to_dict()
            store.save_extraction(doc.id, EXTRACTOR, language=result.get("language"),
                                  reports=result["reports"], errors=result["errors"])
            summary.documents += 1
            summary.reports += len(result["reports"])
            summary.failed += bool(result["errors"]) and result["errors"][0]["code"] != "unsupported_language"
            if on_document:
                on_document(doc, len(result["reports"]))


def iter_input_documents(refs: list[str], stdin: BinaryIO | None = None) -> Iterator[dict | StrikewatchError]:
    """Input documents (spec §1) from JSON Lines, .json, .txt and .html files,
    folders and '-' (standard input, JSON Lines), in order. An unreadable line
    or file yields a :class:`StrikewatchError` in its place, so the batch goes on
    and the output keeps one line per input."""
    import json
    import os
    import sys
    from pathlib import Path

    from .ingest.text import to_text

    def lines(raw: bytes, where: str) -> Iterator[dict | StrikewatchError]:
        for lineno, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except (ValueError, RecursionError) as exc:
                yield StrikewatchError(f"{where}:{lineno}: invalid JSON: {exc}", code="bad_json")
                continue
            if not isinstance(value, dict):
                yield StrikewatchError(f"{where}:{lineno}: expected a JSON object", code="bad_json")
                continue
            yield value

    def one_file(path: str) -> Iterator[dict | StrikewatchError]:
        suffix = Path(path).suffix.lower()
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            yield StrikewatchError(f"cannot read {path}: {exc.strerror or exc}", code="unreadable")
            return
        if suffix in (".jsonl", ".ndjson"):
            yield from lines(raw, path)
        elif suffix == ".json":
            try:
                value = json.loads(raw)
            except (ValueError, RecursionError) as exc:
                yield StrikewatchError(f"{path}: invalid JSON: {exc}", code="bad_json")
                return
            for i, item in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(item, dict):
                    yield {"id": path if not isinstance(value, list) else f"{path}#{i}", **item}
                else:
                    yield StrikewatchError(f"{path}: expected a JSON object", code="bad_json")
        elif suffix in (".html", ".htm", ".xhtml"):
            from .ingest.html import html_to_text

            try:
                page = html_to_text(raw)
            except StrikewatchError as exc:
                yield exc
                return
            yield {"id": path, "text": page.text, "title": page.title, "published": page.published}
        elif suffix in (".txt", ".text"):
            yield {"id": path, "text": to_text(raw)}
        else:
            yield StrikewatchError(f"{path}: files ending {suffix or '(no suffix)'!r} are not read", code="unsupported_type")

    for ref in refs:
        if ref == "-":
            yield from lines((stdin or sys.stdin.buffer).read(), "stdin")
        elif os.path.isdir(ref):
            for root, dirs, files in os.walk(ref):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield from one_file(os.path.join(root, name))
        else:
            yield from one_file(ref)

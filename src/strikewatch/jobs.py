"""Jobs that join stages: extraction of stored documents into the store.

Stages never import the stages to their right (ingestion knows nothing of
extraction); jobs that run several stages in a row live here, and the CLI and
the API call them.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterator

from .errors import StrikewatchError
from .extract.pipeline import EXTRACTOR, extract_document, load_resources
from .model import Document
from .store import Store, StoredDocument

if TYPE_CHECKING:
    from .link.match import LinkSettings


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


@dataclass
class LinkSummary:
    reports: int = 0
    joined: int = 0
    incidents_created: int = 0
    incidents_updated: int = 0
    unlinked: int = 0


def link_stored(store: Store, *, rebuild: bool = False, settings: LinkSettings | None = None,
                engine: str = "native") -> LinkSummary:
    """Link every stored report not yet linked (``rebuild``: re-link all but the
    analysts' locked decisions), then rewrite the incidents that changed. One
    linker at a time per database (the command line, the API's ingests): two
    would both take the same new reports.

    ``engine`` decides which incident each report joins on a rebuild:
    ``native`` (:mod:`strikewatch.link.match`, report by report) or
    ``splink`` (the same comparisons and clustering, all pairs at once with
    Splink on DuckDB: :mod:`strikewatch.link.duckdb_link`). Everything else,
    the locked links kept and what is stored, is the same code for both. An
    incremental link is always native: it places only the new reports."""
    from .link.duckdb_link import check_engine

    check_engine(engine, rebuild)  # before anything is undone
    with store.exclusive("link"):
        return _link_stored(store, rebuild=rebuild, settings=settings, engine=engine)


def _link_stored(store: Store, *, rebuild: bool, settings: LinkSettings | None,
                 engine: str = "native") -> LinkSummary:
    from datetime import timedelta

    from .assess.incident import build_incident
    from .link.match import BlockIndex, Candidate, LinkSettings, best_cluster, link_order
    from .review import incident_flights, rebuild_incident, unique_key

    s = settings or LinkSettings()
    summary = LinkSummary()
    touched: set[Any] = set()
    created: set[Any] = set()
    fresh: set[Any] = set()  # founded in this run, joined by no other report yet
    if rebuild:
        summary.unlinked = store.unlink_unlocked()
        touched = {r["incident_id"] for r in store.linked_reports()}  # kept by analysts: rewrite them
    new = store.reports_to_link()
    cands = [Candidate.from_report(r["report_id"], r["report"], r["published"]) for r in new]
    days = [c.day for c in cands if c.day]
    pad = timedelta(days=s.max_days)
    if days:  # only incidents near the new reports in time can take them
        existing = store.linked_reports(day_from=(min(days) - pad).isoformat(), day_to=(max(days) + pad).isoformat())
    else:
        existing = store.linked_reports() if new else []
    index = BlockIndex(s)
    for row in existing:
        index.add(row["incident_id"], Candidate.from_report(row["report_id"], row["report"], row["published"]))
    order = sorted(range(len(new)), key=lambda i: (*link_order(cands[i]), new[i]["report_id"]))  # as link_batch
    backs = _splink_links_back(existing, cands, order, s) if engine == "splink" else None
    placed: list[Any] = []  # the incident of each new report, in link order
    for pos, i in enumerate(order):
        c, row = cands[i], new[i]
        if backs is None:
            found = best_cluster(c, ((cid, index.members[cid]) for cid in index.pool(c)), s)
        else:  # its link back: to a locked report's incident, or to a report placed before it
            back = backs[pos]
            found = None if back is None else (back[0] if back[1] is None else placed[back[1]], back[2])
        day = c.day.isoformat() if c.day else None
        if found:
            incident_id, score = found
            store.add_link(row["report_id"], incident_id, method="fellegi-sunter", score=round(score.score, 3),
                           comparisons=[x.as_dict() for x in score.comparisons], day=day)
            summary.joined += 1
            fresh.discard(incident_id)
        else:
            key = unique_key(store, row["report_id"])  # taken: the founder of an incident an analyst kept
            incident_id = store.save_incident(build_incident(key, [row], flights=incident_flights(store, [row])))
            store.add_link(row["report_id"], incident_id, method="founded", score=None, comparisons=[], day=day)
            summary.incidents_created += 1
            created.add(incident_id)
            fresh.add(incident_id)
        if backs is None:
            index.add(incident_id, c)
        placed.append(incident_id)
        touched.add(incident_id)
        summary.reports += 1
    for incident_id in sorted(touched - fresh):  # a founded incident nobody joined is already written
        rebuild_incident(store, incident_id)  # the analysts' overrides applied again
    summary.incidents_updated = len(touched - created)
    return summary


def _splink_links_back(existing: list[dict[str, Any]], cands: list[Any], order: list[int],
                       s: LinkSettings) -> list[tuple[Any, int | None, Any] | None]:
    """The splink engine's decisions for the new reports, in link order: None
    (it founds an incident), or (the incident of the locked report it links
    to, None, score) or (None, the link-order position of the new report it
    links to, score). The reports already in incidents (``existing``: on a
    rebuild, the locked ones) come before every new report, as the native
    engine has them in its index first, ordered as it reads them on a tie
    (by incident id as text)."""
    from .link.duckdb_link import links_back
    from .link.match import Candidate

    fixed = sorted(existing, key=lambda r: (str(r["incident_id"]), r["report_id"]))
    backs = links_back([Candidate.from_report(r["report_id"], r["report"], r["published"]) for r in fixed]
                       + [cands[i] for i in order], s, fixed=len(fixed))
    out: list[tuple[Any, int | None, Any] | None] = []
    for back in backs[len(fixed):]:
        if back is None:
            out.append(None)
        elif back[0] < len(fixed):
            out.append((fixed[back[0]]["incident_id"], None, back[1]))
        else:
            out.append((None, back[0] - len(fixed), back[1]))
    return out


def import_sightings(store: Store, data: bytes, kind: str, *, published: str | None = None,
                     observer: str | None = None) -> tuple[list[Any], list[Any], int]:
    """Archive one sightings input (csv, json or text) and store what parses;
    (sightings, errors, added). Same bytes twice: nothing added. Incidents on
    the sightings' days are rebuilt so their attribution weighs them."""
    from .ingest.sightings import parse_sightings

    parsed = parse_sightings(data, kind, published=published, observer=observer)
    added = 0
    with store.transaction():
        raw_sha = store.put_blob(data)
        for ordinal, s in enumerate(parsed.sightings):
            added += store.add_sighting(s, raw_sha256=raw_sha, input_kind=kind, ordinal=ordinal)[1]
    days = sorted({s.time[:10] for s in parsed.sightings if s.time and len(s.time) >= 10 and s.time[4] == "-"})
    if added and days:
        refresh_incidents(store, days[0], days[-1])
    return parsed.sightings, parsed.errors, added


def refresh_incidents(store: Store, day_from: str, day_to: str) -> int:
    """Rebuild the incidents dated in a window that sightings bear on (after
    sightings arrive); the count rebuilt."""
    from .review import incident_flights, rebuild_incident

    n = 0
    for inc in store.list_incidents(limit=100_000, date_from=day_from, date_to=day_to + "~"):
        row = store.incident_row(inc["incident_id"])
        members = store.linked_reports(incident_id=row["id"])
        flights = incident_flights(store, members) if members else []
        if flights:  # without flights nothing would change
            rebuild_incident(store, row["id"], flights=flights)
            n += 1
    return n


def evaluate_linking(path: Path, res: Any = None) -> dict[str, Any]:
    """Extract every document of a gold file, link the main reports in memory
    (the same comparisons as ``link``) and score against ``gold.incident_id``."""
    from .evaluate import link_scores
    from .extract.pipeline import extract_dict
    from .link.match import Candidate, link_batch

    gold: dict[str, Any] = {}
    cands: list[Candidate] = []
    predicted: dict[str, Any] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        row = json.loads(line)
        label = (row.pop("gold", None) or {}).get("incident_id")
        ident = row.get("id") or f"line-{n}"
        gold[ident] = label
        out = extract_dict(row, res)
        if out["reports"]:
            cands.append(Candidate.from_report(ident, out["reports"][0], row.get("published")))
        else:
            predicted[ident] = ("alone", ident)  # no report: an incident of its own
    for cand, (cluster, _score) in zip(cands, link_batch(cands)):
        predicted[cand.key] = cluster
    return link_scores(predicted, {k: v for k, v in gold.items() if v is not None})

"""The extraction pipeline: one input document in, one spec §2 line out.

``extract_document`` is the single entry point the CLI, ingestion, the API
and Spark executors call. It is pure: the same document and resources always
give the same output, with no I/O. Every extractor finds typed mentions with
spans; this module combines them per incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .. import vocab
from ..errors import InputError, StrikewatchError
from ..model import (
    Attribution, DateInfo, Document, ErrorInfo, ExtractResult, Location, Perpetrator,
    Report, Target,
)
from . import actors, arabic, casualties, dates, events, places, sources
from .mentions import ActorMention, FigureMention, Mention
from .segment import segment
from .textutil import TextDoc

#: versioned name of this extractor, stored with every report it makes
EXTRACTOR = "strikewatch.extract.v1"
#: languages with an extractor; Arabic is read through its normalised form
LANGUAGES = {None, "en", "ar"}
MAX_TEXT_CHARS = 2_000_000


@dataclass(frozen=True)
class Resources:
    """Read-only knowledge the extractors share (loaded once per process)."""

    gazetteer: Any


@lru_cache(maxsize=1)
def load_resources() -> Resources:
    from ..geo.gazetteer import Gazetteer

    return Resources(gazetteer=Gazetteer.load_default())


def extract_document(doc: Document, res: Resources | None = None) -> ExtractResult:
    """Reports for one document; failures become ``errors``, never exceptions."""
    try:
        return _extract(doc, res or load_resources())
    except StrikewatchError as exc:
        return ExtractResult(id=doc.id, language=doc.language, reports=[], errors=[ErrorInfo.from_exception(exc)])
    except Exception as exc:  # noqa: BLE001 - a bug must not stop a batch
        err = StrikewatchError(f"extraction failed: {type(exc).__name__}: {exc}", code="internal")
        return ExtractResult(id=doc.id, language=doc.language, reports=[], errors=[ErrorInfo.from_exception(err)])


def extract_dict(line: dict[str, Any], res: Resources | None = None) -> dict[str, Any]:
    """A §1 input object in, a §2 output object out (for the CLI and evaluation)."""
    try:
        doc = Document.from_dict(line)
    except InputError as exc:
        ident = line.get("id") if isinstance(line, dict) and isinstance(line.get("id"), str) else None
        return ExtractResult(id=ident, reports=[], errors=[ErrorInfo.from_exception(exc)]).to_dict()
    return extract_document(doc, res).to_dict()


def _language(doc: Document, text: str) -> str | None:
    if doc.language:  # "en-GB" reads as English
        return doc.language.strip().lower().replace("_", "-").split("-")[0] or None
    from ..ingest.lang import detect_language

    return detect_language(text)


def _extract(doc: Document, res: Resources) -> ExtractResult:
    text = doc.text
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"text of {len(text)} characters is over the {MAX_TEXT_CHARS} cap", code="too_large")
    if doc.is_html:
        from ..ingest.html import html_to_text

        text = html_to_text(text, url=doc.url).text
    language = _language(doc, text)
    if language not in LANGUAGES:
        err = StrikewatchError(
            f"no extractor for language {language!r} yet; the document was read but not extracted",
            code="unsupported_language")
        return ExtractResult(id=doc.id, language=language, reports=[], errors=[ErrorInfo.from_exception(err)])
    if language == "ar":
        normalised, offsets = arabic.normalise(text)
        td = TextDoc(text=normalised, published=doc.published, language="ar", title=doc.title)
        reports = build_reports(td, res)
        _spans_into_original(reports, text, normalised, offsets)
    else:
        td = TextDoc(text=text, published=doc.published, language=language or "en", title=doc.title)
        reports = build_reports(td, res)
    if doc.is_html:
        _spans_into_html(reports, doc.text)
    return ExtractResult(id=doc.id, language=language or "en", reports=reports, errors=[])


def _spans_into_original(reports: list[Report], original: str, normalised: str, offsets: list[int]) -> None:
    """Spans found in normalised Arabic point into the text as given, and every
    quoted phrase (figures, perpetrators, the date's and the place's words) is
    the original's spelling."""
    for report in reports:
        for item in [*report.figures, *report.perpetrators]:
            if item.span is not None:
                item.span = arabic.to_original(item.span, offsets)
                item.text = original[item.span[0]:item.span[1]]
        for part in (report.date, report.location):
            at = normalised.find(part.text) if part.text else -1
            if at >= 0:
                start, end = arabic.to_original((at, at + len(part.text)), offsets)
                part.text = original[start:end]


def _spans_into_html(reports: list[Report], html: str) -> None:
    """Spans of an HTML input point into the HTML as given (the spec's input
    ``text``): each quoted text is found there, in order; one that cannot be
    found verbatim (split by markup or entities) keeps its span into the
    reduced text and says so with ``span_basis``."""
    import html as htmllib

    for report in reports:
        for item in [*report.figures, *report.perpetrators]:
            if not item.text or item.span is None:
                continue
            for needle in (item.text, htmllib.escape(item.text, quote=False)):
                at = html.find(needle)
                if at >= 0:
                    item.span = (at, at + len(needle))
                    break
            else:
                item.extra["span_basis"] = "reduced_text"


def build_reports(td: TextDoc, res: Resources) -> list[Report]:
    """All the incidents a prepared text describes, the main one first."""
    src = sources.find_sources(td)
    figs = casualties.find_figures(td, src)
    evs = events.find_events(td)
    current = [f for f in figs if not f.other_event]
    if not events.describes_attack(td, evs, bool(current)):
        return []
    weapons = events.find_weapons(td)
    aircraft = events.find_aircraft(td)
    targets = events.find_targets(td, evs)
    acts = actors.find_actors(td, src)
    found_dates = dates.find_dates(td)
    found_places = places.find_places(td, res.gazetteer)
    spans = segment(td, evs, figs, found_places) or [(0, len(td.text))]
    if len(spans) == 1:
        spans = [(0, len(td.text))]
    reports = []
    for i, span in enumerate(spans):
        def inside(m: Mention, span: tuple[int, int] = span) -> bool:
            return span[0] <= m.start < span[1]

        seg_figs = [f for f in figs if inside(f)]
        casualties.mark_earlier(td, seg_figs)
        seg_acts = [a for a in acts if inside(a)] or acts  # a round-up often names the perpetrator once
        seg_weapons = [w for w in weapons if inside(w)]
        seg_aircraft = [a for a in aircraft if inside(a)]
        near = span if len(spans) > 1 else None
        kind = events.event_type(td, [e for e in evs if inside(e)] or evs, seg_weapons, seg_aircraft, near=near)
        when = dates.incident_date(td, found_dates, near=near)
        where = places.resolve_location(td, found_places, near=near)
        seg_acts = actors.resolve_by_place(seg_acts, where.country)
        attribution = actors.attribute(seg_acts, seg_aircraft, seg_weapons, doc=td, event_type=kind)
        reports.append(Report(
            event_type=kind or "other",
            weapons=_unique(w.weapon for w in seg_weapons),
            aircraft=_unique(a.aircraft for a in seg_aircraft),
            date=when,
            location=where,
            targets=_targets([t for t in targets if inside(t)]),
            casualties=casualties.reconcile(seg_figs),
            figures=[casualties.figure_to_model(f) for f in seg_figs],
            perpetrators=[_perpetrator(a) for a in seg_acts],
            attribution=attribution,
            sources=_unique([*(f.source for f in seg_figs if f.source),
                             *(s.name for s in src if inside(s))]),
            confidence=_confidence(when, where, seg_figs, kind, attribution),
        ))
    return reports


def _unique(values: Any) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)


def _targets(found: list[Any]) -> list[Target]:
    out: dict[tuple[str, str | None], Target] = {}
    for t in found:
        key = (t.type, t.name)
        if key not in out:
            out[key] = Target(type=t.type, name=t.name, protected=vocab.is_protected(t.type))
    # a named target makes the bare mention of the same type redundant
    named = {k[0] for k in out if k[1]}
    return [t for k, t in out.items() if k[1] or k[0] not in named]


def _perpetrator(a: ActorMention) -> Perpetrator:
    # "unnamed": state forces the text does not name ("soldiers"), the state
    # read from the place; the incident engine weighs them as the document's
    # attribution does, below a named accusation.
    extra = {"unnamed": True} if a.unnamed else {}
    return Perpetrator(actor=a.actor, role=a.role, by=a.by, text=a.text, span=(a.start, a.end), extra=extra)


def _confidence(when: DateInfo, where: Location, figs: list[FigureMention], kind: str | None,
                attribution: Attribution | None) -> float:
    """How complete the report is, 0-1: a cue for review ordering, not a probability of truth."""
    score = 0.2
    score += 0.2 if when.text else (0.05 if when.start else 0.0)
    score += 0.2 if where.lat is not None else 0.0
    score += 0.2 if figs else 0.0
    score += 0.1 if kind else 0.0
    score += 0.1 if attribution and attribution.actor not in (None, "unknown") else 0.0
    return round(min(score, 1.0), 2)

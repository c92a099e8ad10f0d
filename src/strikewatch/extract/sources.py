"""Who gives the information: "according to X", "X said", "told AFP" (English).

Every figure must stay traceable to whoever gave it, so the casualty and
actor extractors ask this module who is speaking near a span. Known
organisations get one canonical name from ``data/lexicons/en/sources.toml``
(SOHR, "the Observatory" and "Syrian Observatory for Human Rights" are one
source); unknown names after "according to" are kept as written. Arabic
(``doc.language == "ar"``) reads ``data/lexicons/ar/sources.toml`` the same
way, with its reporting words before the name ("بحسب المرصد", "أفاد ناشطون")
or after it, and the word lists giving each word's kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import (
    Lexicon,
    alternation,
    entries_lexicon,
    load_toml,
    normalise_ar,
    word_regex,
)
from .mentions import SourceMention
from .textutil import TextDoc


@dataclass(frozen=True, slots=True)
class _SourceData:
    names: Lexicon
    after_re: re.Pattern[str]
    before_re: re.Pattern[str]
    according_re: re.Pattern[str] | None
    kinds: dict[str, str] | None = None  # Arabic: normalised reporting word -> kind


def _alt(words: Sequence[str]) -> str:
    return alternation(words, r"\ ")  # spaces as written


# Canonical kind of a reporting word (SourceMention.kind).
_KIND = {
    "according": "according_to", "according to": "according_to", "told": "told", "tells": "told",
    "reported": "reported", "reports": "reported", "report": "reported", "reported by": "reported",
    "claimed": "claimed", "claims": "claimed",
}


@lru_cache(maxsize=4)
def _data(lang: str = "en") -> _SourceData:
    raw = load_toml(lang, "sources")
    ctx = raw["context"]
    names = entries_lexicon("sources", raw["source"], label_key="name")
    if lang == "ar":
        kinds = {
            normalise_ar(w): kind
            for kind, key in (("according_to", "according"), ("reported", "reported"), ("claimed", "claimed"), ("told", "told"))
            for w in ctx.get(key, ())
        }
        return _SourceData(
            names,
            re.compile(
                r"(?:\s*\([^)]{0,60}\))?(?:\s*,[^,.;\n]{0,80},)?[\s,]*(?:[^\s.,;:!?]+\s+){0,2}?(?P<w>"
                + word_regex(ctx["said_after"]).pattern + ")"
            ),
            re.compile("(?P<w>" + word_regex(ctx["said_before"]).pattern + r")[\s,:]*(?:[^\s.,;:!?]+[\s,:]+){0,3}$"),
            None,
            kinds,
        )
    # After a name: an optional parenthesis or appositive (", a UK-based
    # monitor,"), optional auxiliaries, then the reporting verb.
    after_re = re.compile(
        r"(?:\s*\([^)]{0,60}\))?(?:\s*,[^,.;\n]{0,80},)?\s*"
        r"(?:(?:also|later|earlier|previously|had|has|have|was|were|further|separately|on \w+)\s+){0,2}"
        r"(" + _alt(ctx["said_after"]) + r")\b"
    )
    # Before a name: the reporting phrase, then up to four words ("according
    # to a statement by the UK-based").
    before_re = re.compile(
        r"\b(" + _alt(ctx["said_before"]) + r")\s+(?:[\w'\-]+\s+){0,4}$"
    )
    according_re = re.compile(
        r"\b[Aa]ccording to (?:the |a |an )?((?:[A-Z][\w'\-]*|al-[\w'\-]+|of|for|the)(?:\s+(?:[A-Z][\w'\-]*|al-[\w'\-]+|of|for|the|and))*)"
    )
    return _SourceData(names, after_re, before_re, according_re)


def find_sources(doc: TextDoc) -> list[SourceMention]:
    """Sources in text order: known organisations and generic sources
    ("activists", "medical sources") when the wording makes them speak, and
    unknown proper names after "according to"."""
    data = _data("ar" if doc.language == "ar" else "en")
    text, folded = doc.text, doc.folded
    out: list[SourceMention] = []
    taken: list[tuple[int, int]] = []
    if data.kinds is not None:
        return _find_sources_ar(doc, data)
    for m in data.names.finditer(folded, text):
        sent = doc.sentences[doc.sentence_of(m.start)] if doc.sentences else (0, len(text))
        sent_end = max(sent[1], m.end)
        after = data.after_re.match(folded, m.end, min(sent_end, m.end + 140))
        before = data.before_re.search(folded, max(sent[0], m.start - 70), m.start)
        kind = None
        if before is not None:
            kind = _KIND.get(before.group(1), "said")
            if before.group(1) == "told":
                kind = "told"
        elif after is not None:
            kind = _KIND.get(after.group(1), "said")
        if kind is None:
            continue
        out.append(SourceMention(m.start, m.end, text[m.start:m.end], m.entry.label, kind))
        taken.append((m.start, m.end))
    for m in data.according_re.finditer(text):
        s, e = m.span(1)
        name = m.group(1).strip()
        while name.split() and name.split()[-1].lower() in ("of", "for", "the", "and"):
            name = name.rsplit(None, 1)[0] if " " in name else ""
        if not name or any(a < e and s < b for a, b in taken):
            continue
        out.append(SourceMention(s, s + len(name), name, name, "according_to"))
    out.sort(key=lambda x: x.start)
    return out


def _ar_kind(data: _SourceData, word: str) -> str:
    kinds = data.kinds or {}
    word = word.strip()
    for w in (word, word[1:], word[2:]):  # with and without the clitics و/ف/ب/ل
        if w in kinds:
            return kinds[w]
    return "said"


def _find_sources_ar(doc: TextDoc, data: _SourceData) -> list[SourceMention]:
    """Arabic sources: a known name with a reporting word before it (verb
    first, "بحسب") or after it (subject first)."""
    text, folded = doc.text, doc.folded
    out: list[SourceMention] = []
    for m in data.names.finditer(folded):
        sent = doc.sentences[doc.sentence_of(m.start)] if doc.sentences else (0, len(text))
        before = data.before_re.search(folded, max(sent[0], m.start - 70), m.start)
        if before is not None:
            kind = _ar_kind(data, before.group("w"))
        else:
            after = data.after_re.match(folded, m.end, min(max(sent[1], m.end), m.end + 140))
            if after is None:
                continue
            kind = _ar_kind(data, after.group("w"))
        out.append(SourceMention(m.start, m.end, text[m.start:m.end], m.entry.label, kind))
    return out


def source_near(sources: Sequence[SourceMention], doc: TextDoc, offset: int) -> SourceMention | None:
    """The source speaking for the sentence at ``offset``: one in the same
    sentence (nearest), else None."""
    idx = doc.sentence_of(offset)
    best: SourceMention | None = None
    for s in sources:
        if doc.sentence_of(s.start) == idx and (best is None or abs(s.start - offset) < abs(best.start - offset)):
            best = s
    return best


def source_names(sources: Sequence[SourceMention]) -> list[str]:
    """Distinct source names in order of first appearance (for REPORT.sources)."""
    seen: dict[str, None] = {}
    for s in sources:
        seen.setdefault(s.name, None)
    return list(seen)

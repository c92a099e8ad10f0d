"""The text every extractor reads: original, a same-length folded copy, sentences.

Extractors match on ``folded`` (lower case, diacritics and apostrophe/dash
variants unified) and report spans into ``text``: because folding maps one
character to exactly one character, an offset in one is an offset in the other.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

_PUNCT_MAP = {
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u02bf": "'", "\u02be": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": " ", "\u200e": " ", "\u200f": " ",
}


class _FoldTable(dict[int, str]):
    """The ``str.translate`` table of :func:`fold`: each character's folded
    form, worked out the first time it is seen."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _PUNCT_MAP:
            out = _PUNCT_MAP[ch]
        else:
            decomposed = unicodedata.normalize("NFD", ch)
            low = ("".join(c for c in decomposed if not unicodedata.combining(c)) or ch).lower()
            out = low[0] if low else ch
        self[code] = out
        return out


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower-case, strip diacritics, unify quotes and dashes; same length as ``text``."""
    return text.translate(_FOLD)


# A sentence ends at . ! ? (or Arabic ؟ and full stop variants) followed by space
# and an upper-case letter, digit, quote or non-Latin letter, or at a blank line.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "vs", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.n",
    "e.g", "i.e", "approx", "est", "al", "brig", "gov", "sen", "rep", "prof", "inc", "co", "corp",
}
_BOUNDARY = re.compile(r"(?<=[.!?\u061f])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9\u0600-\u06ff])|\n\s*\n|\n(?=[-*\u2022])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, trimmed of surrounding white space."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.start()
        if end > 0 and text[end - 1] == "." and "\n" not in m.group(0):
            word = re.search(r"([A-Za-z.]+)\.$", text[max(0, end - 12):end])
            if word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1):
                continue
        _add(text, start, end, spans)
        start = m.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


_START = itemgetter(0)


@dataclass
class TextDoc:
    """One document prepared for the extractors."""

    text: str
    published: str | None = None  # ISO date or datetime, as given
    language: str | None = None
    title: str | None = None
    folded: str = ""
    sentences: list[tuple[int, int]] = field(default_factory=list)
    #: what extractors work out once per document and read again per report
    #: (a round-up's reports share the document's lexicon matches)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.folded:
            self.folded = fold(self.text)
        if not self.sentences:
            self.sentences = sentence_spans(self.text)

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence holding ``offset`` (the nearest one before it otherwise)."""
        return max(0, bisect_right(self.sentences, offset, key=_START) - 1)

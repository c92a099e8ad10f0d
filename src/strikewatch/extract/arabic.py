"""Arabic text normalised for matching, with a map back to the original offsets.

Reports spell the same word many ways: alef with or without hamza or madda,
final yeh or alef maqsura, teh marbuta or heh, with or without diacritics and
tatweel (kashida). Extractors read the normalised text; every span they find
is mapped back through ``offsets`` so it points into the text as given.
"""

from __future__ import annotations

import re

# What normalise drops: marks and tatweel, and a dot inside a word ("مق.تل"),
# which is how posts slip past word filters; not a full stop written with no
# space before a sentence that opens with و or ف ("حلب.وقال"). The pattern opens with its
# character class so that the scan skips every other character fast.
_DROP = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640.]"
    "(?:(?<!\\.)|(?<=[\u0621-\u064a]\\.)(?=[\u0621-\u064a])(?![\u0648\u0641][\u0621-\u064a]{3}))"
)
# Posts also split a word with tatweel and a space, a dot or a comma ("لمـ ـقـ ـتل",
# "استـ.ـشهاد", "مقـــ,تله") so filters miss it: between two Arabic letters, such a run is
# dropped whole. Only texts holding one are scanned with this slower pattern.
_DROP_SPLIT = re.compile(
    "(?<=[\u0621-\u064a])(?:\u0640+ \u0640+|\u0640+[.,]\u0640*|[.,]\u0640+)(?=[\u0621-\u064a])|"
    + _DROP.pattern
)
# One character for another: no replacement is itself replaced, so the
# replacements may be made one after the other (str.replace scans far faster
# than str.translate looks up every character).
_MAP = {
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # alef forms -> alef
    "\u0649": "\u064a",  # alef maqsura -> yeh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06cc": "\u064a", "\u06a9": "\u0643",  # Persian yeh and keheh
    "\u0660": "0", "\u0661": "1", "\u0662": "2", "\u0663": "3", "\u0664": "4",  # Arabic-Indic digits
    "\u0665": "5", "\u0666": "6", "\u0667": "7", "\u0668": "8", "\u0669": "9",
    "\u06f0": "0", "\u06f1": "1", "\u06f2": "2", "\u06f3": "3", "\u06f4": "4",  # Persian digits
    "\u06f5": "5", "\u06f6": "6", "\u06f7": "7", "\u06f8": "8", "\u06f9": "9",
    "\u066b": ".", "\u066c": ",", "\u060c": ",", "\u061b": ";", "\u061f": "?",  # separators, comma, semicolon, ?
}


def normalise(text: str) -> tuple[str, list[int]]:
    """(normalised text, offsets): ``offsets[i]`` is the index in ``text`` of the
    normalised character ``i``; ``offsets[len(normalised)]`` is ``len(text)``."""
    kept: list[str] = []
    offsets: list[int] = []
    pos = 0
    split = ("\u0640 \u0640" in text or "\u0640." in text or ".\u0640" in text
             or "\u0640," in text or ",\u0640" in text)
    for m in (_DROP_SPLIT if split else _DROP).finditer(text):
        kept.append(text[pos:m.start()])
        offsets.extend(range(pos, m.start()))
        pos = m.end()
    kept.append(text[pos:])
    offsets.extend(range(pos, len(text) + 1))
    out = "".join(kept)
    for a, b in _MAP.items():
        out = out.replace(a, b)
    return out, offsets


def to_original(span: tuple[int, int], offsets: list[int]) -> tuple[int, int]:
    """A span of the normalised text as a span of the original text."""
    start, end = span
    return offsets[start], (offsets[end - 1] + 1 if end > start else offsets[start])

"""Language of a document, as an ISO 639-1 code.

Arabic-script text is decided by script, not by a statistical model: the
model is weakest exactly where strikewatch needs it most (short Arabic posts
full of Latin-script names, numbers and URLs), while "most letters are
Arabic script" is both cheap and reliable. Persian and Urdu are told apart
from Arabic by the letters only they use. Everything else goes to py3langid,
restricted to a fixed set of widely written languages, because on one-line
social posts the full 140-language model happily answers Nigerian Pidgin,
Nynorsk or Volapük for plain English.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from py3langid.langid import LanguageIdentifier

__all__ = ["detect_language"]

#: Fewer letters than this: no answer.
MIN_LETTERS = 3
#: Share of letters in Arabic script from which a text counts as Arabic-script.
ARABIC_SCRIPT_SHARE = 0.40
#: Only this much text is examined: a language is settled long before, and
#: py3langid's feature walk is pure Python.
SAMPLE_CHARS = 20_000

#: Languages py3langid may answer (ISO 639-1, all known to the model).
#: Dialect, historical and constructed-language labels are left out: they
#: only ever show up as false positives on short text.
LANGUAGES: frozenset[str] = frozenset(
    "af am ar az be bg bn bs ca cs cy da de el en es et eu fa fi fr ga gl gu ha he hi hr hu hy "
    "id is it ja ka kk km kn ko ku ky lo lt lv mk ml mn mr ms mt my ne nl no pa pl ps pt ro ru "
    "si sk sl so sq sr sv sw ta te tg th tl tr uk ur uz vi yo zh zu".split()
)

#: Below this model confidence, a short text (< SHORT_TEXT letters) gets no
#: answer: "lol" or "RIP" carry no language, and a wrong code is worse than
#: none. Longer texts always get the model's best answer.
SHORT_TEXT = 15
MIN_CONFIDENCE_SHORT = 0.2

_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdff\ufe70-\ufefc]")
_LETTER = re.compile(r"[^\W\d_]")
#: Letters of Persian (and Urdu) that Arabic does not use: پ چ ژ گ ک ی
_PERSIAN = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc]")
#: Letters of Urdu that Persian does not use either: ٹ ڈ ڑ ں ھ ہ ۂ ے ۓ
_URDU = re.compile("[\u0679\u0688\u0691\u06ba\u06be\u06c1\u06c2\u06d2\u06d3]")
#: Share of Arabic-script letters from which these marker letters decide.
#: In Persian prose ی alone is ~5 % of letters; in Arabic they appear only in
#: the odd borrowed name.
_MARKER_SHARE = 0.03
_MARKER_MIN = 2

#: Noise that only misleads the model on social posts: URLs, @handles,
#: hashtag signs (the tag word itself is kept) and leftover HTML entities.
_NOISE = re.compile(r"(?:https?://|www\.)\S+|@\w+|#(?=\w)|&[a-z]{1,10};", re.I)


@functools.lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """Load the py3langid model once (about 0.5 s), on first use only."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted(LANGUAGES & set(identifier.labels)))
    return identifier


def _arabic_script_language(sample: str, arabic: int) -> str:
    """Arabic, Persian or Urdu, from the letters peculiar to each."""
    urdu = len(_URDU.findall(sample))
    if urdu >= _MARKER_MIN and urdu >= _MARKER_SHARE * arabic:
        return "ur"
    persian = len(_PERSIAN.findall(sample))
    if persian >= _MARKER_MIN and persian >= _MARKER_SHARE * arabic:
        return "fa"
    return "ar"


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None if it cannot be told.

    None for text with fewer than three letters (empty, digits, emoji) and
    for very short text the model is unsure about.
    """
    if not isinstance(text, str):
        return None
    sample = text[:SAMPLE_CHARS]
    letters = len(_LETTER.findall(sample))
    if letters < MIN_LETTERS:
        return None
    arabic = len(_ARABIC_LETTER.findall(sample))
    if arabic >= ARABIC_SCRIPT_SHARE * letters:
        return _arabic_script_language(sample, arabic)

    cleaned = _NOISE.sub(" ", sample)
    letters = len(_LETTER.findall(cleaned))
    if letters < MIN_LETTERS:
        return None
    try:
        lang, confidence = _identifier().classify(cleaned)
    except Exception:  # noqa: BLE001 - a model failure means "unknown", not a crash
        return None
    if letters < SHORT_TEXT and confidence < MIN_CONFIDENCE_SHORT:
        return None
    if not isinstance(lang, str) or len(lang) != 2:
        return None
    return lang

"""Bytes -> clean Unicode text, for documents of unknown provenance.

Two steps, kept separate so each can be tested on its own:

* :func:`decode_bytes` turns raw bytes into ``str`` and reports which codec
  it used. It never raises: documents arrive mislabelled, truncated or as
  plain garbage, and the raw bytes are archived elsewhere, so the worst case
  here is a decode with U+FFFD replacement characters, never an exception.
* :func:`clean_text` normalises a ``str`` so that everything downstream
  (storage, regexes, offsets quoted back to the source) can rely on it: valid
  UTF-8, no control characters, NFC, ``\\n`` line ends. It changes nothing
  else, so Arabic letters, diacritics and tatweel survive.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

__all__ = ["clean_text", "decode_bytes", "to_text"]

# --------------------------------------------------------------------------
# decoding
# --------------------------------------------------------------------------

#: Byte-order marks, longest first: the UTF-32-LE mark starts with the
#: UTF-16-LE one, so it must be tried first.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _canonical(name: str) -> str | None:
    """Python's canonical codec name for ``name``, or None if unknown."""
    try:
        return codecs.lookup(name).name
    except (LookupError, TypeError, ValueError):
        return None


#: Codecs a *declared* charset may select. A label comes from the document
#: or its server, i.e. from an adversary: Python also knows codecs such as
#: ``unicode_escape``, ``utf-7``, ``idna`` or ``undefined`` that no web page
#: legitimately uses and that would reinterpret or reject the content, so
#: only real-world text encodings are honoured.
_ALLOWED: frozenset[str] = frozenset(
    c
    for c in (
        _canonical(n)
        for n in (
            "utf-8 utf-16 utf-16-le utf-16-be utf-32 utf-32-le utf-32-be ascii latin-1 "
            "cp1250 cp1251 cp1252 cp1253 cp1254 cp1255 cp1256 cp1257 cp1258 cp874 "
            "cp437 cp720 cp850 cp864 cp866 cp1006 koi8-r koi8-u mac-roman mac-cyrillic "
            "mac-arabic mac-farsi mac-greek mac-turkish mac-latin2 kz1048 ptcp154 tis-620 "
            "iso8859-2 iso8859-3 iso8859-4 iso8859-5 iso8859-6 iso8859-7 iso8859-8 "
            "iso8859-9 iso8859-10 iso8859-11 iso8859-13 iso8859-14 iso8859-15 iso8859-16 "
            "gb18030 gbk gb2312 big5 big5hkscs euc-jp shift_jis cp932 iso2022-jp "
            "euc-kr cp949"
        ).split()
    )
    if c
)

#: Labels that browsers (WHATWG Encoding standard) decode with a superset
#: codec. Pages labelled ISO-8859-1 routinely contain Windows-1252 curly
#: quotes and dashes in 0x80-0x9F; decoding them as Latin-1 would turn those
#: into C1 control characters that :func:`clean_text` then drops.
_SUPERSET: dict[str, str] = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
}

#: A few common labels Python does not know under that spelling.
_LABEL_ALIASES: dict[str, str] = {
    "x-cp1252": "cp1252",
    "x-cp1250": "cp1250",
    "x-cp1251": "cp1251",
    "x-cp1256": "cp1256",
    "x-mac-arabic": "mac-arabic",
    "x-mac-farsi": "mac-farsi",
    "x-mac-roman": "mac-roman",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "unicode-1-1-utf-8": "utf-8",
    "x-gbk": "gb18030",
}

_WIDE = frozenset(c for c in (_canonical(n) for n in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")) if c)
_UTF8 = "utf-8"

#: Charset-normalizer guesses above this mess ratio are not trusted.
_MAX_CHAOS = 0.1
#: Detection looks at this many leading bytes only; the chosen codec must
#: still decode the whole input strictly.
_DETECT_MAX = 512 * 1024
#: Tie-break between equally plausible guesses: the encodings strikewatch
#: actually meets (Western and Arabic Windows code pages) before exotic
#: ones that happen to decode the same bytes (cp1250, mac_iceland, ...).
_GUESS_PREFERENCE: tuple[str, ...] = ("cp1252", "cp1256", "iso8859_6", "cp1251", "cp1254", "cp1250", "utf_16", "utf_32")
#: Codecs never accepted from the detector either.
_NEVER = frozenset(c for c in (_canonical(n) for n in ("utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined")) if c)


def _try_decode(data: bytes, codec: str) -> str | None:
    """Strict decode, or None (never raises: a codec may reject any input)."""
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError, TypeError):
        return None


def _from_bom(data: bytes) -> tuple[str, str] | None:
    """Decode by byte-order mark; a BOM is the strongest evidence there is."""
    matches = [(bom, codec) for bom, codec in _BOMS if data.startswith(bom)]
    for bom, codec in matches:
        text = _try_decode(data[len(bom) :], codec)
        if text is not None:
            return text, "utf-8-sig" if codec == _UTF8 else codec
    if matches:
        # Truncated or corrupt, but still marked: keep the marked codec and
        # replace only the broken units (the last match is the shorter,
        # far more common UTF-16/UTF-8 reading).
        bom, codec = matches[-1]
        return data[len(bom) :].decode(codec, "replace"), "utf-8-sig" if codec == _UTF8 else codec
    return None


def _declared_codecs(declared: str, data: bytes) -> list[str]:
    """Codecs to try for a declared label, best first (may be empty)."""
    label = declared.strip().strip("\"'").strip().lower()
    if not label or len(label) > 64:
        return []
    name = _canonical(_LABEL_ALIASES.get(label, label))
    if name is None or name not in _ALLOWED:
        return []
    if name in _WIDE and b"\x00" not in data:
        # "UTF-16" without a BOM over bytes without a single NUL is a wrong
        # label (ASCII-range text in UTF-16 is half NULs); honouring it would
        # turn ASCII into CJK-looking garbage.
        return []
    out = [name]
    superset = _canonical(_SUPERSET[name]) if name in _SUPERSET else None
    if superset:
        out.insert(0, superset)
    return out


#: Fewer non-ASCII bytes than this is thin evidence: charset_normalizer
#: then happily reads two Arabic words as Big5 or Shift-JIS katakana, or
#: "Über" as UTF-16, so on thin evidence only its readings in the common
#: Windows/ISO code pages are believed.
_THIN_EVIDENCE = 24
_THIN_OK = frozenset(("cp1252", "cp1256", "iso8859_6", "cp1251", "cp1254", "cp1250", "latin_1", "iso8859_15"))
_ASCII_BYTES = bytes(range(0x80))


def _guess(data: bytes) -> tuple[str, str] | None:
    """charset_normalizer's best guess, only when it is confident."""
    thin = len(data.translate(None, _ASCII_BYTES)) < _THIN_EVIDENCE
    try:
        from charset_normalizer import from_bytes

        results = list(from_bytes(data[:_DETECT_MAX]))
    except Exception:  # noqa: BLE001 - a detector bug must not stop ingestion
        return None
    if not results:
        return None
    best = min(r.chaos for r in results)
    if best > _MAX_CHAOS:
        return None
    tied = [r for r in results if r.chaos <= best + 0.01]

    def rank(match: object) -> int:
        names = set(getattr(match, "could_be_from_charset", None) or [getattr(match, "encoding", "")])
        return next((i for i, pref in enumerate(_GUESS_PREFERENCE) if pref in names), len(_GUESS_PREFERENCE))

    tied.sort(key=rank)  # stable: keeps charset_normalizer's own order within a rank
    for match in tied:
        names = list(getattr(match, "could_be_from_charset", None) or [])
        preferred = [p for p in _GUESS_PREFERENCE if p in names]
        for candidate in [*preferred, match.encoding]:
            if thin and candidate not in _THIN_OK:
                continue
            codec = _canonical(candidate)
            if codec is None or codec in _NEVER:
                continue
            text = _try_decode(data, codec)
            if text is not None:
                return text, codec
    return None


#: Punctuation and symbols the Windows code pages are commonly used for.
_LEGACY_PUNCT = frozenset("\u00a0\u2019\u2018\u201c\u201d\u2013\u2014\u2026\u00ab\u00bb\u20ac\u00a3\u00b0\u00a9\u00ae\u2122\u2022\u00b7\u00a7\u00b1\u00d7\u00bf\u00a1\u200c\u200d")
_ARABIC_NEXT_TO_LATIN = re.compile("[A-Za-z][\u0600-\u06ff]|[\u0600-\u06ff][A-Za-z]")


def _plausible_arabic(text: str) -> bool:
    """Windows-1256 reading: Arabic letters, never glued to Latin ones."""
    arabic = 0
    for c in text:
        if c < "\x80":
            continue
        if "\u0600" <= c <= "\u06ff":
            arabic += 1
        elif c not in _LEGACY_PUNCT:
            return False
    return arabic >= 2 and _ARABIC_NEXT_TO_LATIN.search(text) is None


def _plausible_latin(text: str) -> bool:
    """Windows-1252 reading: accented Latin letters inside Latin words."""
    letters = inside = 0
    for i, c in enumerate(text):
        if c < "\x80":
            continue
        if c.isalpha() and "LATIN" in unicodedata.name(c, ""):
            letters += 1
            neighbours = text[max(i - 1, 0) : i] + text[i + 1 : i + 2]
            inside += any(n.isascii() and n.isalpha() for n in neighbours)
        elif c not in _LEGACY_PUNCT:
            return False
    return letters > 0 and 2 * inside >= letters


def _script_guess(data: bytes) -> tuple[str, str] | None:
    """Last look before giving up: is it plainly Arabic or Western Windows text?

    Covers what charset_normalizer cannot: a few words (a headline, a
    social post) saved in windows-1256 or windows-1252. The tests are strict
    (every non-ASCII character must fit the script), so garbage still ends
    up as UTF-8 with replacement characters.
    """
    for codec, plausible in (("cp1256", _plausible_arabic), ("cp1252", _plausible_latin)):
        text = _try_decode(data, codec)
        if text is not None and plausible(text):
            return text, codec
    return None


_NON_ASCII = re.compile("[^\x00-\x7f]")
#: Lenient UTF-8: at least this many correctly decoded non-ASCII characters
#: per broken sequence.
_UTF8_GOOD_PER_BAD = 3


def _utf8_reading(data: bytes) -> str | None:
    """The bytes read as UTF-8 if that is what they (almost) are, else None.

    Strict UTF-8 first. Failing that, UTF-8 that only carries encoded
    surrogates (CESU-8 / WTF-8, what ``str.encode("utf-8", "surrogatepass")``
    produces): pairs are rejoined and lone ones become U+FFFD. Failing that,
    UTF-8 with a few broken sequences (a stray Windows-1252 byte, a cut
    download), decoded with U+FFFD for the broken parts. Legacy-encoded text
    almost never contains valid multi-byte sequences, so demanding several
    per broken one keeps Latin-1 and Windows-1256 pages out, while a single
    bad byte no longer turns a whole UTF-8 article into mojibake.
    """
    try:
        return data.decode(_UTF8)
    except UnicodeDecodeError:
        pass
    try:
        return _fix_surrogates(data.decode(_UTF8, "surrogatepass"))
    except UnicodeDecodeError:
        pass
    text = data.decode(_UTF8, "replace")
    replaced = text.count("\ufffd")
    bad = replaced - data.count(b"\xef\xbf\xbd")
    good = len(_NON_ASCII.findall(text)) - replaced
    if bad > 0 and good >= _UTF8_GOOD_PER_BAD * bad:
        return text
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` to ``(text, encoding_used)``; never raises.

    Order: byte-order mark, then the ``declared`` charset (if it is a known
    text encoding and decodes strictly), then UTF-8, then charset_normalizer's
    guess (if confident; for a few words, a strict Arabic/Western Windows
    code-page check stands in for it), then UTF-8 with U+FFFD replacement.

    Two deliberate refinements, both about UTF-8 evidence:

    * "UTF-8" also covers bytes that are UTF-8 apart from encoded surrogates
      or a few broken sequences (see :func:`_utf8_reading`); such input is
      read as UTF-8 with U+FFFD rather than handed to the detector, which
      would read the whole document in some legacy code page.
    * if the bytes contain non-ASCII and read as UTF-8, UTF-8 beats a
      declared legacy charset: a single-byte label such as windows-1256
      "decodes" any bytes at all (so "it decodes" proves nothing), while
      non-trivial valid UTF-8 essentially never occurs by chance, and
      mislabelled UTF-8 pages are common.

    ``encoding_used`` is a Python codec name (``utf-8-sig`` and
    ``utf-16-le``/``-be``, ``utf-32-le``/``-be`` for BOM-marked input).
    Only a non-bytes argument (a programming error) raises ``TypeError``.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        # a caller bug, not a bad document: bytes(5) would silently be five NULs
        raise TypeError(f"decode_bytes() needs bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data:
        return "", _UTF8
    marked = _from_bom(data)
    if marked is not None:
        return marked
    utf8 = _utf8_reading(data)
    if isinstance(declared, str):
        for codec in _declared_codecs(declared, data):
            if utf8 is not None and codec != _UTF8 and not data.isascii():
                break  # UTF-8 outranks a legacy label (see docstring)
            text = _try_decode(data, codec)
            if text is not None:
                return text, codec
    if utf8 is not None:
        return utf8, _UTF8
    guessed = _guess(data) or _script_guess(data)
    if guessed is not None:
        return guessed
    return data.decode(_UTF8, "replace"), _UTF8


# --------------------------------------------------------------------------
# cleaning
# --------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")

#: C0 and C1 controls and DEL are dropped, except tab and line feed, and the
#: ones that mean "new line" (VT, FF, NEL), which become ``\n`` so that the
#: words on either side are not glued together. The BOM / zero-width
#: no-break space is dropped as well.
_CONTROLS: dict[int, str | None] = {cp: None for cp in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0xFEFF)}
_CONTROLS.update({0x09: "\t", 0x0A: "\n", 0x0B: "\n", 0x0C: "\n", 0x0D: "\n", 0x85: "\n"})

#: Blank lines kept in a row; longer runs are cut to this many.
_MAX_BLANK_LINES = 2


def _fix_surrogates(s: str) -> str:
    """Join surrogate pairs into their character, replace lone ones by U+FFFD.

    Lone surrogates come from ``surrogateescape``/``surrogatepass`` decoding
    or broken JSON escapes; they cannot be encoded as UTF-8 and would crash
    the first writer that tries.
    """
    if _SURROGATE.search(s) is None:
        return s
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_text(s: str) -> str:
    """Normalise text for storage and matching; idempotent.

    The result is encodable as UTF-8 (lone surrogates become U+FFFD), has
    ``\\n`` line ends, no C0/C1 control characters except ``\\n`` and ``\\t``,
    no BOM, is NFC-normalised, has no trailing whitespace on any line, and
    has at most two blank lines in a row. Nothing else is touched: NFC keeps
    Arabic letters, harakat and tatweel, and compatibility forms (NFKC) are
    deliberately not folded.
    """
    s = _fix_surrogates(s)
    s = s.replace("\r\n", "\n").translate(_CONTROLS)
    s = unicodedata.normalize("NFC", s)
    out: list[str] = []
    blank = 0
    for line in s.split("\n"):
        line = line.rstrip()
        if line:
            blank = 0
        else:
            blank += 1
            if blank > _MAX_BLANK_LINES:
                continue
        out.append(line)
    return "\n".join(out)


def to_text(data: bytes, declared: str | None = None) -> str:
    """Decode and clean raw bytes in one step (see the two functions)."""
    return clean_text(decode_bytes(data, declared)[0])

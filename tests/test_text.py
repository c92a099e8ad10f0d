"""Tests for strikewatch.ingest.text: decoding never fails, cleaning is safe and idempotent."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strikewatch.ingest.text import clean_text, decode_bytes, to_text

# Invented sample sentences (not taken from any news source).
ARABIC = "قالت مصادر محلية إن قصفاً جوياً استهدف سوقاً شعبياً في البلدة صباح الثلاثاء، وأسفر عن إصابة عدد من المدنيين."
ARABIC_SHORT = "قصف جوي على السوق"
FRENCH = "Le comité régional a publié un communiqué détaillé à propos des dégâts causés à l'école élémentaire près de la rivière."
SPANISH = "La organización señaló que los niños y las mujeres están entre los heridos en el área rural."
GERMAN = "Die Bürgerinitiative äußerte große Besorgnis über die Schäden an der Brücke."
CP1252_PUNCT = "Le maire a déclaré : « c’est inacceptable » – selon un témoin, “trois blessés”."

BAD_LABELS = [None, "", "utf-8", "UTF8", "windows-1256", "iso-8859-1", "latin1", "utf-16", "utf-32", "shift_jis", "gbk",
              "unicode_escape", "utf-7", "idna", "undefined", "base64", "rot13", "no-such-charset", "x" * 500, " \"cp1256\" ", "\x00"]


def _assert_clean(text: str) -> None:
    """The invariants every cleaned text must satisfy."""
    assert isinstance(text, str)
    text.encode("utf-8")  # strict: raises on lone surrogates
    assert "\x00" not in text
    assert "\r" not in text
    assert "\ufeff" not in text
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    bad = [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    assert not bad, bad
    assert unicodedata.is_normalized("NFC", text)
    assert all(line == line.rstrip() for line in text.split("\n"))
    assert "\n\n\n\n" not in text


# --------------------------------------------------------------------------
# decode_bytes / to_text: properties
# --------------------------------------------------------------------------

_BOM_PREFIX = st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=_BOM_PREFIX, data=st.binary(max_size=600), declared=st.sampled_from(BAD_LABELS))
def test_to_text_any_bytes_gives_clean_utf8(prefix: bytes, data: bytes, declared: str | None) -> None:
    text = to_text(prefix + data, declared)
    _assert_clean(text)
    assert clean_text(text) == text


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=400), declared=st.one_of(st.none(), st.text(max_size=30)))
def test_decode_bytes_never_raises(data: bytes, declared: str | None) -> None:
    text, encoding = decode_bytes(data, declared)
    assert isinstance(text, str)
    assert isinstance(encoding, str) and codecs.lookup(encoding)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_valid_utf8_round_trips(s: str) -> None:
    assert decode_bytes(s.encode("utf-8")) == (s, "utf-8") or s.encode("utf-8").startswith(codecs.BOM_UTF8)


# --------------------------------------------------------------------------
# decode_bytes: examples
# --------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", [ARABIC, ARABIC_SHORT])
@pytest.mark.parametrize("declared", [None, "windows-1256", "WINDOWS-1256", "cp1256", "x-cp1256"])
def test_windows_1256_arabic(sentence: str, declared: str | None) -> None:
    text, encoding = decode_bytes(sentence.encode("windows-1256"), declared)
    assert text == sentence
    assert encoding == "cp1256"


@pytest.mark.parametrize("sentence", [FRENCH, SPANISH, GERMAN])
@pytest.mark.parametrize("declared", [None, "iso-8859-1", "ISO-8859-1", "latin1"])
def test_iso_8859_1_western(sentence: str, declared: str | None) -> None:
    text, _ = decode_bytes(sentence.encode("iso-8859-1"), declared)
    assert text == sentence


@pytest.mark.parametrize(
    ("words", "codec"),
    [
        ("غارة", "windows-1256"),
        ("مستشفى", "windows-1256"),
        ("قتلى وجرحى", "windows-1256"),
        ("Update: قصف 3 مرات – «عاجل»", "windows-1256"),
        ("São Paulo", "iso-8859-1"),
        ("Über", "iso-8859-1"),
        ("Niños heridos", "iso-8859-1"),
        ("Déjà vu à l’école", "windows-1252"),
    ],
)
def test_a_few_unlabelled_legacy_words(words: str, codec: str) -> None:
    """Too little for charset_normalizer (it answers Big5 or UTF-16); still decoded right."""
    assert decode_bytes(words.encode(codec))[0] == words


def test_declared_latin1_is_read_as_windows_1252() -> None:
    """Pages labelled ISO-8859-1 use cp1252 quotes; browsers decode them so too."""
    text, encoding = decode_bytes(CP1252_PUNCT.encode("cp1252"), "iso-8859-1")
    assert text == CP1252_PUNCT
    assert encoding == "cp1252"


def test_declared_latin1_with_bytes_undefined_in_1252_still_decodes() -> None:
    data = "Café ".encode("latin-1") + b"\x81\x8d"  # undefined in cp1252, C1 in latin-1
    text, encoding = decode_bytes(data, "iso-8859-1")
    assert text.startswith("Café ")
    assert encoding == "iso8859-1"
    assert to_text(data, "iso-8859-1") == "Café"


def test_cp1252_without_label_is_guessed() -> None:
    text, _ = decode_bytes(CP1252_PUNCT.encode("cp1252"))
    assert text == CP1252_PUNCT


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_bom_marked_unicode(codec: str) -> None:
    sentence = ARABIC + " / " + FRENCH
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    data = bom + sentence.encode(codec)
    text, encoding = decode_bytes(data)
    assert text == sentence
    assert encoding.startswith(codec[:6])


def test_bom_beats_declared_charset() -> None:
    data = codecs.BOM_UTF16_LE + ARABIC.encode("utf-16-le")
    assert decode_bytes(data, "windows-1256") == (ARABIC, "utf-16-le")


def test_truncated_utf16_keeps_what_is_there() -> None:
    data = codecs.BOM_UTF16_LE + "Two injured".encode("utf-16-le") + b"\x41"  # odd trailing byte
    text, encoding = decode_bytes(data)
    assert encoding == "utf-16-le"
    assert text.startswith("Two injured")


def test_utf8_beats_a_wrong_legacy_label() -> None:
    """Mislabelled UTF-8 is common; valid non-ASCII UTF-8 is never chance."""
    assert decode_bytes(ARABIC.encode("utf-8"), "windows-1256") == (ARABIC, "utf-8")
    assert decode_bytes(FRENCH.encode("utf-8"), "iso-8859-1") == (FRENCH, "utf-8")


def test_utf8_with_one_stray_byte_stays_utf8() -> None:
    """One cp1252 apostrophe in a UTF-8 page must not turn the page into mojibake."""
    data = FRENCH.encode("utf-8") + b" \x92 " + ARABIC.encode("utf-8")
    text, encoding = decode_bytes(data)
    assert encoding == "utf-8"
    assert text == FRENCH + " \ufffd " + ARABIC
    assert decode_bytes(data, "windows-1256")[0] == text


def test_truncated_utf8_keeps_the_text() -> None:
    data = (ARABIC + " " + ARABIC_SHORT).encode("utf-8")[:-1]  # cut inside the last letter
    text, encoding = decode_bytes(data)
    assert encoding == "utf-8"
    assert text == ARABIC + " " + ARABIC_SHORT[:-1] + "\ufffd"


def test_surrogatepass_bytes_are_repaired() -> None:
    """What str.encode("utf-8", "surrogatepass") makes of JSON with broken escapes."""
    data = (ARABIC + " \ud800 " + "\ud83d\ude00").encode("utf-8", "surrogatepass")
    assert decode_bytes(data) == (ARABIC + " \ufffd \U0001F600", "utf-8")


def test_legacy_text_with_chance_utf8_pairs_is_not_read_as_utf8() -> None:
    # Persian in windows-1256: letters followed by گ/ک/پ (0x80-0xBF) form valid UTF-8 pairs by chance
    persian = "اين گزارش درباره کمک پزشکي به کودکان و خانواده‌هاي آسيب‌ديده در شهرک است."  # Arabic yeh: cp1256 has no U+06CC
    text, encoding = decode_bytes(persian.encode("windows-1256"), "windows-1256")
    assert (text, encoding) == (persian, "cp1256")


def test_ascii_with_utf16_label_is_not_turned_into_cjk() -> None:
    assert decode_bytes(b"Two people were injured.", "utf-16") == ("Two people were injured.", "utf-8")


@pytest.mark.parametrize("label", ["unicode_escape", "raw_unicode_escape", "utf-7", "idna", "undefined", "base64", "rot13"])
def test_dangerous_labels_are_ignored(label: str) -> None:
    data = b"Reported by \\u0041gency +AGEAYgBj- staff"
    text, encoding = decode_bytes(data, label)
    assert text == data.decode("ascii")
    assert encoding == "utf-8"


def test_undecodable_garbage_falls_back_to_replacement() -> None:
    data = b"\xfe\xfd" + bytes(range(0x80, 0x90)) * 3 + b"\xc3"
    text, encoding = decode_bytes(data)
    assert isinstance(text, str) and text
    _assert_clean(clean_text(text))


def test_empty_and_bytearray_input() -> None:
    assert decode_bytes(b"") == ("", "utf-8")
    assert decode_bytes(bytearray(b"ok")) == ("ok", "utf-8")
    assert decode_bytes(memoryview(b"ok")) == ("ok", "utf-8")
    assert to_text(b"") == ""


@pytest.mark.parametrize("wrong", ["already text", 5, None])
def test_non_bytes_is_a_caller_error(wrong: object) -> None:
    with pytest.raises(TypeError):
        decode_bytes(wrong)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# clean_text
# --------------------------------------------------------------------------

_SPECIALS = "\r\n\t \x00\x01\x08\x0b\x0c\x1b\x7f\x80\x85\x9f\u2028\u2029\ufeff\ufffd\u00a0\u0301\u0327\u064e\u0650\u0651\u0640\u200c\u200d"
_ANY_CHAR = st.one_of(st.characters(), st.characters(categories=["Cs"]), st.sampled_from(_SPECIALS))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ANY_CHAR, max_size=200))
def test_clean_text_invariants_and_idempotence(s: str) -> None:
    once = clean_text(s)
    _assert_clean(once)
    assert clean_text(once) == once


def test_line_endings_and_controls() -> None:
    assert clean_text("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert clean_text("nul\x00led\x07 \x1bword") == "nulled word"
    assert clean_text("page\x0cbreak\x85next") == "page\nbreak\nnext"
    assert clean_text("tab\tkept") == "tab\tkept"
    assert clean_text("\ufeffBOM at start and\ufeff inside") == "BOM at start and inside"


def test_c1_controls_removed() -> None:
    assert clean_text("a\x80b\x9fc") == "abc"


def test_trailing_spaces_and_blank_lines() -> None:
    assert clean_text("one  \t\ntwo\u00a0\n") == "one\ntwo\n"
    assert clean_text("a\n\n\n\n\n\nb") == "a\n\n\nb"  # at most two blank lines
    assert clean_text("a\n \n\t\n  \n\nb") == "a\n\n\nb"
    assert clean_text("a\n\nb\n\n\nc") == "a\n\nb\n\n\nc"  # short runs untouched
    assert clean_text("  indented stays") == "  indented stays"


def test_surrogates() -> None:
    assert clean_text("lone \ud800 high and \udfff low") == "lone \ufffd high and \ufffd low"
    assert clean_text("pair \ud83d\ude00 joined") == "pair \U0001F600 joined"


def test_nfc() -> None:
    assert clean_text("e\u0301cole") == "\u00e9cole"
    assert clean_text("Ame\u0301lie") == unicodedata.normalize("NFC", "Amélie")


def test_arabic_diacritics_and_tatweel_survive() -> None:
    # shadda+fatha written in canonical order (fatha ccc=30 before shadda ccc=33), tatweel, sukun, tanween
    s = (
        "\u0645\u064f\u062d\u064e\u0645\u064e\u0651\u062f"  # محمد with damma, fatha, fatha+shadda
        " \u0642\u0640\u0640\u0640\u0627\u0644"  # قال stretched with tatweel
        " \u0627\u0644\u0642\u064e\u0635\u0652\u0641\u064e"  # القصف with fatha, sukun
        " \u0641\u062c\u0631\u064b\u0627"  # فجراً with tanween
        " \ufdf2 \ufefb"  # presentation forms
    )
    assert unicodedata.is_normalized("NFC", s)
    assert clean_text(s) == s
    assert clean_text(ARABIC) == ARABIC
    # presentation forms are not folded (that would be NFKC)
    assert "\ufdf2" in clean_text(s) and "\ufefb" in clean_text(s)


def test_non_canonical_mark_order_keeps_every_mark() -> None:
    s = "م\u0651\u064eد"  # shadda then fatha: NFC reorders, but nothing is lost
    out = clean_text(s)
    assert sorted(out) == sorted(s)


def test_to_text_composes_both_steps() -> None:
    data = ("  " + ARABIC + "  \r\n\r\n\r\n\r\n" + "التالي\x00").encode("windows-1256")
    assert to_text(data, "windows-1256") == "  " + ARABIC + "\n\n\nالتالي"

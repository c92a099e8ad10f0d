"""Arabic lexicon matching tries its regex only where an indexed word may begin
a match (lexicon._word_index, Lexicon._arabic_matches): it must find exactly
what scanning the whole text with that regex finds."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strikewatch.extract import lexicon
from strikewatch.extract.lexicon import Entry, Lexicon, is_arabic, normalise_ar


def _reference(lex: Lexicon, folded: str) -> list[tuple[int, int, Entry]]:
    """The old matcher, kept slow on purpose: the lexicon's Arabic regex run
    by ``finditer`` over every position of the text."""
    assert lex._ar_re is not None
    return [(m.start(), m.end(), lex._ar_entries[int(m.lastgroup[1:])]) for m in lex._ar_re.finditer(folded)]


def _found(lex: Lexicon, folded: str) -> list[tuple[int, int, Entry]]:
    return [(m.start, m.end, m.entry) for m in lex.finditer(folded)]


# Phrases chosen to stress the first-word keys: words opening with a clitic's
# or the article's letter, words shorter than a key (where an ending shows in
# it), a short word spelt with ال (which keeps the article as letters),
# several words, a hyphen, a digit, a word sharing its first letters with
# another's, and words with ta marbuta (whose ت forms show in a short word's
# key: "قريتين", "آلتان") beside one whose ه is a root letter ("وجه").
_PHRASES = [
    "غارة", "غارات جوية", "الطيران الحربي", "طيران", "قصف", "وادي", "فصائل", "بلدة", "لواء", "كتيبة",
    "الى", "ال", "اب", "ل", "و", "بر", "مدينة ادلب", "دير الزور", "جبل-الزاوية", "ف 16", "مقتل", "مقاتل",
    "قوات النظام السوري", "قوات", "النظام", "لبنان", "الاسد", "اسد", "هه", "انفجار", "الانفجار",
    "قرية", "آلة", "سيارة", "وجه", "منزل عائلة",
]

_LEXICONS = {
    "plural": Lexicon("test", [(p, Entry(p)) for p in _PHRASES]),
    "no plural": Lexicon("test", [(p, Entry(p)) for p in _PHRASES], plural=False),
}

# Pieces the texts are made of: the phrases as they stand in folded text, the
# clitics, the article, endings, the ت forms of a ta marbuta and the words
# that take them ("قري" + "تين"), letters, and every kind of separator.
_PIECES = sorted({normalise_ar(p) for p in _PHRASES} | set(lexicon._AR_ENDINGS) | set(lexicon._AR_TA_FORMS) | {
    normalise_ar(p)[:-1] for p in _PHRASES if lexicon._ta_marbuta(p)} | {
    "و", "ف", "ب", "ل", "ك", "ال", "لل", "ا", "ه", "ي", "ت", "ن", "م", "ر", "س", "ع",
    " ", "  ", "\n", "_", "-", "#", ".", "،", ",", ":", '"', "(", ")", "3", "١٦", "x", "F",
})
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS, kind=st.sampled_from(sorted(_LEXICONS)))
def test_matches_equal_a_full_scan(text: str, kind: str) -> None:
    lex = _LEXICONS[kind]
    assert _found(lex, text) == _reference(lex, text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("غارتقصفلوبكاهينمدز _-#.،\n3"), max_size=40))
def test_matches_equal_a_full_scan_on_any_letters(text: str) -> None:
    lex = _LEXICONS["plural"]
    assert _found(lex, text) == _reference(lex, text)


def test_index_is_rebuilt_for_another_text() -> None:
    """The index is kept for the last text only, by identity: an equal text
    (another string object) or a different one is indexed afresh."""
    lex = _LEXICONS["plural"]
    first = normalise_ar("شنت طائرات غارات جوية على بلدة")
    second = normalise_ar("وبالطيران الحربي قصف")
    equal = "".join([first[:10], first[10:]])
    assert equal == first and equal is not first
    for text in (first, second, first, equal, second):
        assert _found(lex, text) == _reference(lex, text) != []


def _toml_strings(node: Any) -> Iterator[str]:
    """Every string of a parsed TOML file, keys included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _toml_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _toml_strings(item)


def _ar_files() -> list[str]:
    folder = resources.files("strikewatch") / "data" / "lexicons" / "ar"
    return sorted(f.name for f in folder.iterdir() if f.name.endswith(".toml"))


@pytest.mark.parametrize("name", _ar_files())
def test_shipped_lexicons_match_a_full_scan(name: str) -> None:
    """Every Arabic word and phrase shipped, on text made of them with clitics,
    the article and endings around them."""
    path = resources.files("strikewatch") / "data" / "lexicons" / "ar" / name
    with path.open("rb") as fh:
        phrases = sorted({p for p in _toml_strings(tomllib.load(fh)) if is_arabic(p)})
    lex = Lexicon(name, [(p, Entry(p)) for p in phrases])
    assert lex._ar_keys is not None  # the fast path, not the fallback scan
    forms = [normalise_ar(p) for p in phrases]
    # and every word written with ta marbuta in its ت forms ("غارتين", "بلدتهم", "قريتي")
    forms += [f[:-1] + lexicon._AR_TA_FORMS[i % len(lexicon._AR_TA_FORMS)]
              for i, (p, f) in enumerate(zip(phrases, forms)) if lexicon._ta_marbuta(p)]
    pieces = ["و", "ف", "ب", "ل", "لل", "وال", "ال", " ", "_", "،", "ات", "ين", "ه"]
    text = " ".join(pieces[i % len(pieces)] + f + pieces[(i * 7) % len(pieces)] for i, f in enumerate(forms))
    assert _found(lex, text) == _reference(lex, text)
    assert _found(lex, text)


def test_phrase_opening_with_a_sign_falls_back_to_a_full_scan() -> None:
    """A match that need not begin a word cannot be found by the word index:
    such a lexicon scans the whole text, and still finds the same."""
    lex = Lexicon("test", [("(غارة", Entry("paren")), ("قصف", Entry("shelling"))])
    assert lex._ar_keys is None
    text = "و(غارة على بلدة. قصف (غارة"
    assert _found(lex, text) == _reference(lex, text) != []

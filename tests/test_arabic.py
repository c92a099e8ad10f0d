"""Arabic normalisation keeps a map back to the text as given."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from strikewatch.extract.arabic import _MAP, normalise, to_original


def test_variants_unify_and_spans_map_back():
    text = "قُتِلَ ٢٣ مدنياً في مدينةِ إدلب ـــ أمس"
    norm, offsets = normalise(text)
    assert norm == "قتل 23 مدنيا في مدينه ادلب  امس"
    start = norm.index("23")
    assert text[slice(*to_original((start, start + 2), offsets))] == "٢٣"
    start = norm.index("مدينه ادلب")
    assert text[slice(*to_original((start, start + len("مدينه ادلب")), offsets))] == "مدينةِ إدلب"


@given(st.text(alphabet=st.sampled_from("قتلمدينةإأآىيـًٌٍَُِّْ ٠١٢abc.،"), max_size=40))
def test_offsets_always_point_inside_the_original(text):
    norm, offsets = normalise(text)
    assert len(offsets) == len(norm) + 1 and offsets[-1] == len(text)
    for i in range(len(norm)):
        for j in range(i + 1, min(len(norm), i + 5) + 1):
            s, e = to_original((i, j), offsets)
            assert 0 <= s < e <= len(text)


def test_dots_hiding_a_word_are_dropped_but_sentence_stops_stay():
    norm, offsets = normalise("مق.تل طفل. وأصيب")
    assert norm == "مقتل طفل. واصيب"
    assert len(offsets) == len(norm) + 1
    # a full stop with no space before a sentence opening with و or ف stays
    assert normalise("قتل طفل في حلب.وقال المرصد")[0] == "قتل طفل في حلب.وقال المرصد"
    assert normalise("ق.فل")[0] == "قفل"


def _split_mark(text: str, i: int) -> bool:
    """Whether the space, dot or comma at ``i`` splits a word with tatweel: tatweel
    runs on its sides (both for a space, at least one for a dot or comma), Arabic
    letters beyond them."""
    left = right = 0
    while i - left - 1 >= 0 and text[i - left - 1] == "\u0640":
        left += 1
    while i + right + 1 < len(text) and text[i + right + 1] == "\u0640":
        right += 1
    a, b = i - left - 1, i + right + 1
    if a < 0 or b >= len(text) or not all("\u0621" <= text[j] <= "\u064a" for j in (a, b)):
        return False
    return (left and right) if text[i] == " " else bool(left or right)


def test_tatweel_splits_hiding_a_word_are_joined():
    norm, offsets = normalise("أدت لمـ ـقـ ـتل خمسة واستـ.ـشهاد طفل")
    assert norm == "ادت لمقتل خمسه واستشهاد طفل"
    assert len(offsets) == len(norm) + 1
    # a word ending in tatweel before a plain word stays two words
    assert normalise("كلمـ كلمة")[0] == "كلم كلمه"
    # a comma too ("مقـــ,تله"), but a comma between words stays
    assert normalise("أدت لمقـــ,تله")[0] == "ادت لمقتله"
    assert normalise("قتل, ثم")[0] == "قتل, ثم"


def _one_by_one(text: str) -> tuple[str, list[int]]:
    """normalise as specified, one character at a time (the module scans instead)."""
    kept: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if re.fullmatch("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]", ch):
            continue
        if (ch == "." and 0 < i < len(text) - 1 and all("\u0621" <= c <= "\u064a" for c in (text[i - 1], text[i + 1]))
                and not re.match("[وف][\u0621-\u064a]{3}", text[i + 1:])):
            continue
        if ch in " .," and _split_mark(text, i):
            continue
        kept.append(_MAP.get(ch, ch))
        offsets.append(i)
    return "".join(kept), [*offsets, len(text)]


@given(st.text(alphabet=st.sampled_from("قتلمدينةوفإأآىيکـًٌٍَُِّْۖ ٠١٢۳abc.,،؛٫"), max_size=40))
def test_the_scan_reads_as_one_character_at_a_time(text):
    assert normalise(text) == _one_by_one(text)


def test_no_replacement_is_replaced_again():
    # normalise makes the replacements one after the other
    assert not set(_MAP) & set(_MAP.values())

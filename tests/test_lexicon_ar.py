"""Arabic lexicon morphology: a word written with ta marbuta (ة) takes its
endings on ت ("سيارة" -> "سيارتين", "سيارتهم") and its plural ات replaces it
("سيارات"); a ه that is a root letter or written as ه does not."""

from __future__ import annotations

import pytest

from strikewatch.extract.arabic import normalise, to_original
from strikewatch.extract.lexicon import Entry, Lexicon, word_regex
from strikewatch.extract.textutil import fold


def _lexicon(*phrases: str, plural: bool = True) -> Lexicon:
    return Lexicon("test", [(p, Entry(p)) for p in phrases], plural=plural)


def _found(lex: Lexicon, text: str) -> list[tuple[str, str]]:
    """(entry label, matched text as written) of every match, matched on the
    text as extraction reads it: normalised and folded."""
    norm, offsets = normalise(text)
    return [(m.entry.label, text[slice(*to_original((m.start, m.end), offsets))]) for m in lex.finditer(fold(norm))]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("احترقت سيارتين قرب الجسر", "سيارتين"),  # dual
        ("تضررت سيارتان في الشارع", "سيارتان"),  # dual, nominative
        ("أصيب السائق داخل سيارته", "سيارته"),  # his
        ("نجت العائلة لكن سيارتها احترقت", "سيارتها"),  # its / her
        ("استهدفت المسيرة بسيارتهم على الطريق", "بسيارتهم"),  # with a clitic
        ("تعطلت سيارتهما عند الحاجز", "سيارتهما"),  # theirs (two)
        ("قال الشاهد إن سيارتي دمرت", "سيارتي"),  # my / dual construct
        ("أحرقوا سيارتنا أمام البيت", "سيارتنا"),  # our
        ("اشتعلت النيران في السيارات المتوقفة", "السيارات"),  # the plural ات
        ("فقد النازحون سياراتهم وبيوتهم", "سياراتهم"),  # the plural with a pronoun
        ("وللسيارتين أضرار كبيرة", "وللسيارتين"),  # clitics and the article
        ("تضررت سيارة الإسعاف", "سيارة"),  # the word itself still matches
    ],
)
def test_ta_marbuta_takes_its_endings_on_teh(text: str, word: str) -> None:
    assert _found(_lexicon("سيارة"), text) == [("سيارة", word)]


def test_short_words_and_villages() -> None:
    """Short words, whose ت forms differ from the ه form within the first
    letters the word index keys on."""
    lex = _lexicon("قرية", "خيمة")
    assert _found(lex, "عاد الأهالي إلى قريتهم بعد القصف") == [("قرية", "قريتهم")]
    assert _found(lex, "سقطت القذائف بين قريتي تل أحمر وعين دقنة") == [("قرية", "قريتي")]
    assert _found(lex, "دمرت الغارة خيمتين في المخيم") == [("خيمة", "خيمتين")]
    assert _found(lex, "قصفت الطائرات قرى وقريات المنطقة") == [("قرية", "وقريات")]


def test_last_word_of_a_phrase_takes_the_forms() -> None:
    lex = _lexicon("منزل عائلة")
    assert _found(lex, "سقطت القذيفة على منزل عائلته في البلدة") == [("منزل عائلة", "منزل عائلته")]


def test_a_root_heh_is_no_ta_marbuta() -> None:
    """"وجه" ends in a root ه: "وجهتهم" (their destination) is another word; a
    phrase written with ه gets no ت forms either."""
    lex = _lexicon("وجه")
    assert _found(lex, "غادرت القافلة إلى وجهتهم الجديدة") == []
    assert _found(lex, "أصيب في وجهه") == [("وجه", "وجهه")]
    assert _found(_lexicon("سياره"), "احترقت سيارتين قرب الجسر") == []
    assert _found(_lexicon("الله"), "قال إن اللات صنم") == []


def test_no_forms_where_the_lexicon_takes_no_endings() -> None:
    lex = _lexicon("سيارة", plural=False)
    assert _found(lex, "احترقت سيارتين والسيارات وسيارته") == []
    assert _found(lex, "احترقت السيارة") == [("سيارة", "السيارة")]


def test_word_regex_lists_take_the_forms_too() -> None:
    rx = word_regex(["مدرسة", "قصف"])
    norm = fold(normalise("قصف مدرستهم ومدرستين والمدارس")[0])
    assert [m.group(0) for m in rx.finditer(norm)] == ["قصف", "مدرستهم", "ومدرستين"]


def test_a_form_listed_by_hand_keeps_its_own_entry() -> None:
    """A ت form written in the lexicon under another entry wins over the form
    made from the ة word."""
    lex = Lexicon("test", [("بلدة", Entry("town")), ("بلدتين", Entry("two towns"))])
    assert _found(lex, "قصف بلدتين وبلدته") == [("two towns", "بلدتين"), ("town", "وبلدته")]

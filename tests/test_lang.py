"""Tests for strikewatch.ingest.lang (invented sentences only)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strikewatch.ingest import lang as lang_mod
from strikewatch.ingest.lang import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "Two civilians were killed when the strike hit the bakery queue this morning.",
        "The regional health office said the clinic had run out of fuel for its generators.",
        "Strike hits Aleppo hospital",  # headline
        "so sad, praying for everyone there",  # social post
        "We are safe now, thanks to everyone who checked on us",
        "Breaking: drone strike reported near the port https://t.example/abc #Harbour @newsdesk",
        "STRIKE HITS SCHOOL IN NORTHERN TOWN",
    ],
)
def test_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "قالت مصادر محلية إن غارة جوية استهدفت سوق الخضار في البلدة القديمة صباح اليوم.",
        "أعلن الدفاع المدني انتشال ثلاثة مصابين من تحت الأنقاض",
        "قصف على السوق",
        "مُحَمَّد قـــال إنَّ القَصْفَ بدأ فجراً",  # harakat and tatweel
    ],
)
def test_arabic(text: str) -> None:
    assert detect_language(text) == "ar"


def test_mostly_arabic_with_english_names_and_numbers() -> None:
    text = (
        "قال المتحدث باسم منظمة Relief Action for Civilians، السيد John Whitaker، إن فريق Rapid Response "
        "وصل إلى مستشفى Saint Mary بعد ساعتين من القصف، وإن 14 شخصاً على الأقل أصيبوا بجروح. "
        "وأضاف أن الطواقم الطبية تعمل في ظروف صعبة للغاية بسبب نقص الأدوية والوقود، "
        "وأن المنظمة ستنشر تقريراً مفصلاً على موقعها https://relief.example/report-2023 خلال الأيام المقبلة."
    )
    assert detect_language(text) == "ar"


def test_mostly_english_with_an_arabic_quote_is_english() -> None:
    text = (
        "The banner outside the clinic read 'مستشفى الأمل' and volunteers said the building had been hit twice "
        "during the night, damaging the maternity ward and the pharmacy on the ground floor."
    )
    assert detect_language(text) == "en"


def test_french() -> None:
    assert detect_language("Une frappe aérienne a touché l'hôpital du quartier nord ce matin, selon les secouristes.") == "fr"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Un ataque aéreo alcanzó el mercado central durante la mañana.", "es"),
        ("Der Angriff traf am Morgen eine Schule im Norden der Stadt.", "de"),
        ("Вибух стався біля школи на околиці міста.", "uk"),
        ("Bombardımanda iki sivil hayatını kaybetti ve beş kişi yaralandı.", "tr"),
        ("این یک متن فارسی است که درباره حمله هوایی به یک روستا نوشته شده است", "fa"),
        ("یہ ایک اردو جملہ ہے جو ایک فضائی حملے کے بارے میں لکھا گیا ہے", "ur"),
    ],
)
def test_other_languages(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "   ", "12345", "2023-04-17 09:30", "٣٤٥ ١٢", "!!! ???", "ab", "😢😢😢", "https://t.example/xyz", "@handle"])
def test_no_language(text: str) -> None:
    assert detect_language(text) is None


@pytest.mark.parametrize("text", ["lol", "RIP", "OMG"])
def test_too_ambiguous_short_text(text: str) -> None:
    assert detect_language(text) is None


def test_model_is_loaded_once() -> None:
    detect_language("The market was hit in the morning.")
    first = lang_mod._identifier()
    detect_language("Another sentence in English about the convoy.")
    assert lang_mod._identifier() is first
    assert lang_mod._identifier.cache_info().currsize == 1


def test_arabic_script_needs_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> None:
        raise AssertionError("model loaded for Arabic-script text")

    monkeypatch.setattr(lang_mod, "_identifier", boom)
    assert detect_language("أفادت مصادر طبية بوصول جرحى إلى المستشفى") == "ar"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_code_or_none(text: str) -> None:
    result = detect_language(text)
    assert result is None or (isinstance(result, str) and len(result) == 2 and result.islower())

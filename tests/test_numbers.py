"""Numbers as counts: values, qualifiers, spans, and what must not be read as a count."""

from __future__ import annotations

import pytest

from strikewatch.extract.numbers import find_numbers, parse_number_words
from strikewatch.extract.textutil import TextDoc


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("twenty-three", 23),
        ("one hundred and five", 105),
        ("a dozen", 12),
        ("two dozen", 24),
        ("two thousand", 2000),
        ("Seventeen", 17),
        ("1,200", 1200),
        ("3 million", 3_000_000),
        ("two three", None),
        ("hundred hundred", None),
        ("banana", None),
    ],
)
def test_parse_number_words(words: str, value: int | None) -> None:
    assert parse_number_words(words) == value


def _nums(text: str) -> list[tuple[str, int | None, int | None, str]]:
    return [(n.text, n.low, n.high, n.qualifier) for n in find_numbers(TextDoc(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At least 23 people", ("At least 23", 23, None, "at_least")),
        ("more than 40 people", ("more than 40", 40, None, "more_than")),
        ("over 12 people", ("over 12", 12, None, "more_than")),
        ("no fewer than nine", ("no fewer than nine", 9, None, "at_least")),
        ("up to 30 residents", ("up to 30", None, 30, "up_to")),
        ("as many as 30 residents", ("as many as 30", None, 30, "up_to")),
        ("nearly 50 people", ("nearly 50", 50, 50, "about")),
        ("some 40 people", ("some 40", 40, 40, "about")),
        ("roughly 1,500 people", ("roughly 1,500", 1500, 1500, "about")),
        ("between 12 and 17 people", ("between 12 and 17", 12, 17, "range")),
        ("12 to 17 people", ("12 to 17", 12, 17, "range")),
        ("12-17 people", ("12-17", 12, 17, "range")),
        ("four or five people", ("four or five", 4, 5, "range")),
        ("dozens of people", ("dozens", 24, None, "vague")),
        ("scores of people", ("scores", 40, None, "vague")),
        ("several people", ("several", 2, None, "vague")),
        ("a few people", ("a few", 2, None, "vague")),
        ("hundreds of people", ("hundreds", 200, None, "vague")),
        ("a number of people", ("a number of", 2, None, "vague")),
        ("twenty-one people", ("twenty-one", 21, 21, "exact")),
        ("a child", ("a", 1, 1, "exact")),
        ("an elderly woman", ("an", 1, 1, "exact")),
    ],
)
def test_find_numbers(text: str, expected: tuple[str, int | None, int | None, str]) -> None:
    assert _nums(text)[0] == expected


def test_span_points_at_text() -> None:
    text = "Witnesses said at least 23 people died."
    (n,) = find_numbers(TextDoc(text))
    assert text[n.start:n.end] == "at least 23" == n.text


def test_post_qualifier() -> None:
    assert _nums("14 or more")[0][1:] == (14, None, "at_least")


@pytest.mark.parametrize(
    "text",
    [
        "the 12-year-old boy",
        "the girl, aged 12",
        "the boy, 9 years old",
        "122mm shells",
        "an Su-24 jet",
        "in 2016",
        "at 10:30",
        "at 3 pm",
        "5 km away",
        "50% of the town",
        "$5 million in aid",
        "on 12 October",
        "on October 12",
        "the 3rd floor",
        "Resolution 2254",
        "3.5 tonnes",
        "on 12/10/2023",
        "Ismail (7) and his sister (15 or 16)",
        "for 3 days",
        "a family of five",  # "a" is not a person count here (five is)
    ],
)
def test_not_counts(text: str) -> None:
    values = [n for n in _nums(text) if not (text.endswith("of five") and n[1] == 5)]
    assert values == []


def test_age_is_not_a_count_but_the_boy_is_one() -> None:
    assert _nums("a 12-year-old boy") == [("a", 1, 1, "exact")]


def test_no_one_is_not_one() -> None:
    assert _nums("no one was hurt") == []


def test_a_only_before_person_nouns() -> None:
    assert _nums("a strike hit a house") == []


def test_count_after_a_year() -> None:
    assert _nums("On 4 May 2019 seven people died")[-1] == ("seven", 7, 7, "exact")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("injuring others", [("others", 2, None, "vague")]),
        ("12 others were hurt", [("12", 12, 12, "exact")]),
        ("the others were hurt", []),
        ("among others", []),
    ],
)
def test_others_is_vague_only_alone(text: str, expected: list[tuple]) -> None:
    assert _nums(text) == expected


def test_age_between_commas_after_a_name() -> None:
    assert _nums("Omar Khalil, 34, was wounded") == []
    # after a place or a single word the count stands
    assert _nums("In Aleppo, 12 were killed")[-1][1] == 12


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at least 8 and up to 14 villagers", [("at least 8 and up to 14", 8, 14, "range")]),
        ("at least two but possibly up to 9 people", [("at least two but possibly up to 9", 2, 9, "range")]),
        # bounds set off by commas: the range keeps the closing comma, so the noun follows it
        ("at least 30, and up to 61, residents", [("at least 30, and up to 61,", 30, 61, "range")]),
        # two bounds of two measures stay apart
        ("at least 4 died and up to 11 were hurt",
         [("at least 4", 4, None, "at_least"), ("up to 11", None, 11, "up_to")]),
    ],
)
def test_a_lower_and_an_upper_bound_make_a_range(text: str, expected: list[tuple]) -> None:
    assert _nums(text) == expected


def test_a_before_three_modifiers() -> None:
    assert _nums("a local Red Cross volunteer died") == [("a", 1, 1, "exact")]


def test_an_unknown_number_without_of() -> None:
    assert _nums("an unknown number were hurt") == [("an unknown number", 2, None, "vague")]

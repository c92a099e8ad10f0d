"""English date expressions and the choice of an incident's date (invented sentences)."""

from __future__ import annotations

import pytest

from strikewatch.extract.dates import find_dates, incident_date, parse_published
from strikewatch.extract.textutil import TextDoc

TUESDAY = "2017-05-30"  # a Tuesday


def dates(text: str, published: str | None = TUESDAY, **kw: object) -> list[tuple[str, str, str, str]]:
    """(text, start, end, precision) of every mention found."""
    return [
        (m.text, m.start_date, m.end_date, m.precision)
        for m in find_dates(TextDoc(text, published=published), **kw)
    ]


def one(text: str, published: str | None = TUESDAY) -> tuple[str, str, str]:
    found = find_dates(TextDoc(text, published=published))
    assert len(found) == 1, found
    return found[0].start_date, found[0].end_date, found[0].precision


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Warplanes hit the clinic on 14 March 2016, medics said.", "2016-03-14"),
        ("Warplanes hit the clinic on the 14th of March, 2016.", "2016-03-14"),
        ("Warplanes hit the clinic on March 14, 2016 at dawn.", "2016-03-14"),
        ("Warplanes hit the clinic on Monday, March 14th 2016.", "2016-03-14"),
        ("Report dated 14/03/2016.", "2016-03-14"),
        ("Report dated 2016-03-14.", "2016-03-14"),
        ("Report dated 03/14/2016.", "2016-03-14"),  # day-first impossible: US order
        ("Strikes on 3 Nov. 2019 hit the town.", "2019-11-03"),
        ("A shell fell on Dec. 3, 2019 near the bakery.", "2019-12-03"),
    ],
)
def test_explicit_day_forms(text: str, expected: str) -> None:
    assert one(text) == (expected, expected, "day")


def test_ambiguous_slash_is_day_first_unless_the_document_says_otherwise() -> None:
    assert one("Filed 04/05/2016.") == ("2016-05-04", "2016-05-04", "day")
    assert dates("Filed 04/05/2016, updated 04/25/2016.")[0][1] == "2016-04-05"  # the doc writes month first
    assert dates("Filed 04/05/2016 after the attack of May 2, 2016.")[0][1] == "2016-04-05"
    assert dates("Filed 04/05/2016.", month_first=True)[0][1] == "2016-04-05"


def test_yearless_day_takes_the_publication_year_or_the_one_before() -> None:
    assert one("Jets struck the market on 3 May.") == (
        "2017-05-03",
        "2017-05-03",
        "day",
    )
    assert one("Jets struck the market on May 3rd.") == (
        "2017-05-03",
        "2017-05-03",
        "day",
    )
    # would lie after publication: last year's
    assert one("Jets struck the market on 2 June.") == (
        "2016-06-02",
        "2016-06-02",
        "day",
    )
    assert one("The shelling on 30 December hit a school.", "2017-01-02") == (
        "2016-12-30",
        "2016-12-30",
        "day",
    )


def test_ambiguous_month_words_need_a_capital() -> None:
    assert dates("Residents say 5 may return home. In March 12 people fled.") == []


def test_month_and_year_precision() -> None:
    assert one("The hospital was bombed in May 2016.") == (
        "2016-05-01",
        "2016-05-31",
        "month",
    )
    assert one("The hospital was bombed in late February 2016.") == (
        "2016-02-01",
        "2016-02-29",
        "month",
    )
    assert one("The hospital was bombed in February.") == (
        "2017-02-01",
        "2017-02-28",
        "month",
    )
    assert one("The hospital was bombed in 2015.") == (
        "2015-01-01",
        "2015-12-31",
        "year",
    )
    assert dates("About 2015 people fled to 1998 Street.") == []


def test_bounds_and_background_are_marked() -> None:
    kinds = {
        m.text: m.kind
        for m in find_dates(
            TextDoc(
                "Since 2011 the town has been besieged; the siege lasted until 2013. "
                "The doctor, born in 1970, died on 4 May 2016.",
                published=TUESDAY,
            )
        )
    }
    assert kinds == {
        "Since 2011": "since",
        "until 2013": "until",
        "in 1970": "born",
        "on 4 May 2016": "",
    }


def test_day_ranges() -> None:
    assert one("Raids on the night of 12 to 13 October killed nine.") == (
        "2016-10-12",
        "2016-10-13",
        "day",
    )
    assert one("Raids on 12-13 October 2015 killed nine.") == (
        "2015-10-12",
        "2015-10-13",
        "day",
    )
    assert one("Raids on October 12-13 killed nine.") == (
        "2016-10-12",
        "2016-10-13",
        "day",
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Jets struck on Tuesday.",
            "2017-05-30",
        ),  # the publication weekday is the publication day
        ("Jets struck on Wednesday.", "2017-05-24"),
        ("Jets struck late on Sunday.", "2017-05-28"),
        ("Jets struck in the early hours of Monday.", "2017-05-29"),
        ("Jets struck on Monday morning.", "2017-05-29"),
        ("Jets struck Saturday night.", "2017-05-27"),
        ("Jets struck last Tuesday.", "2017-05-23"),
        ("Jets struck on Friday last week.", "2017-05-26"),
        ("Jets struck yesterday.", "2017-05-29"),
        ("Jets struck today.", "2017-05-30"),
        ("Jets struck this morning.", "2017-05-30"),
        ("Jets struck two days ago.", "2017-05-28"),
    ],
)
def test_relative_days(text: str, expected: str) -> None:
    start, end, precision = one(text)
    assert (start, precision) == (expected, "day")
    assert end == expected


def test_overnight_spans_two_days() -> None:
    assert one("Jets struck overnight.") == ("2017-05-29", "2017-05-30", "day")
    assert one("Jets struck last night.") == ("2017-05-29", "2017-05-30", "day")


def test_all_caps_menu_words_are_not_dates() -> None:
    assert dates("WORLD NEWS  MIDEAST TODAY  SPORTS") == []


def test_relative_periods() -> None:
    assert one("Jets struck the town last week.") == (
        "2017-05-22",
        "2017-05-28",
        "week",
    )
    assert one("Jets struck the town last month.") == (
        "2017-04-01",
        "2017-04-30",
        "month",
    )
    assert one("Jets struck the town earlier this month.") == (
        "2017-05-01",
        "2017-05-30",
        "month",
    )


def test_datetime_published_uses_the_local_date_as_written() -> None:
    assert one("Jets struck yesterday.", "2017-05-30T23:30:00-05:00")[0] == "2017-05-29"
    assert parse_published("2017-05-30T01:00:00+03:00").isoformat() == "2017-05-30"  # type: ignore[union-attr]
    assert parse_published("1753-01-01") is None
    assert parse_published("not a date") is None


def test_without_published_only_written_years_resolve() -> None:
    assert dates("Jets struck on Tuesday and yesterday, and on 3 May.", None) == []
    assert one("Jets struck on 3 May 2016.", None) == (
        "2016-05-03",
        "2016-05-03",
        "day",
    )
    # a yearless date borrows the year the document writes
    found = dates("Two staff were abducted on June 17. One was freed on 9 July 2004.", None)
    assert found[0][1] == "2004-06-17"


def test_incident_date_prefers_the_attack_sentence_then_the_nearest_before() -> None:
    text = (
        "The war began in March 2011. On 3 May 2016 a market was hit. "
        "Aid workers said. On Friday a hospital was bombed by jets."
    )
    doc = TextDoc(text, published="2016-05-31")
    found = find_dates(doc)
    attack = text.index("a hospital was bombed")
    assert incident_date(doc, found, (attack, attack + 10)).text == "On Friday"
    said = text.index("Aid workers")
    assert incident_date(doc, found, (said, said + 5)).start == "2016-05-03"
    whole = incident_date(doc, found)
    assert (whole.start, whole.precision) == (
        "2016-05-03",
        "day",
    )  # day-level before a coarser earlier date


def test_incident_date_skips_bounds_future_and_falls_back_to_published() -> None:
    doc = TextDoc(
        "Since 2012 the clinic has been hit often. Shelling resumed on 3 June 2016.",
        published="2016-05-31",
    )
    info = incident_date(doc, find_dates(doc))
    assert (info.start, info.end, info.precision, info.text) == (
        "2016-05-31",
        "2016-05-31",
        "day",
        None,
    )
    empty = TextDoc("Nothing dated here.")
    assert incident_date(empty, find_dates(empty)).start is None


def test_spans_point_into_the_original_text() -> None:
    text = "Ambulance hit on 5 Décembre? No: on 5 December 2019, in Kafr Nabl."
    doc = TextDoc(text, published=None)
    for m in find_dates(doc):
        assert text[m.start : m.end] == m.text


def test_dateline_anchors_relative_dates_without_published() -> None:
    text = "EXAMPLE CITY, May 30, 2017 (Agency) - Jets struck the market on Sunday, killing six."
    doc = TextDoc(text, published=None)
    found = find_dates(doc)
    kinds = {m.text: (m.start_date, m.kind) for m in found}
    assert kinds["May 30, 2017"] == ("2017-05-30", "dateline")
    assert kinds["on Sunday"] == ("2017-05-28", "")
    assert incident_date(doc, found).start == "2017-05-28"


def test_a_date_alone_on_the_first_line_is_a_dateline() -> None:
    text = "30 May 2017\nJets struck the market yesterday, residents said."
    doc = TextDoc(text, published=None)
    found = find_dates(doc)
    assert [(m.start_date, m.kind) for m in found] == [("2017-05-30", "dateline"), ("2017-05-29", "")]
    # with nothing else dated, the dateline stands in like a publication date
    only = TextDoc("30 May 2017\nJets struck the market, residents said.", published=None)
    assert incident_date(only, find_dates(only)).start == "2017-05-30"


def test_a_date_in_the_first_sentence_is_not_a_dateline() -> None:
    doc = TextDoc("On 3 May 2016 jets struck the market; on Friday they returned.", published=None)
    found = find_dates(doc)
    # and no reference for "on Friday", which could lie before or after it
    assert [(m.start_date, m.kind) for m in found] == [("2016-05-03", "")]
    assert incident_date(doc, found).start == "2016-05-03"


def test_next_day_counts_from_the_date_before() -> None:
    found = dates("Shelling hit the town on 3 March 2016. The next day, jets struck the bakery. "
                  "Two days later a clinic was hit.")
    assert [f[1] for f in found] == ["2016-03-03", "2016-03-04", "2016-03-06"]


def test_release_dates_are_not_the_attack() -> None:
    doc = TextDoc("Two drivers were kidnapped near Testville. They were released on 14 August 2015.", published=None)
    found = find_dates(doc)
    assert [m.kind for m in found] == ["after"]
    assert incident_date(doc, found).start is None
    found = find_dates(TextDoc("He was released on or around 9 September 2015.", published=None))
    assert found[0].kind == "after"


def test_american_spelling_reads_slash_dates_month_first() -> None:
    assert dates("04/05/2016: a drone hit a neighborhood defense post.")[0][1] == "2016-04-05"
    assert dates("04/05/2016: a drone hit a neighbourhood defence post.")[0][1] == "2016-05-04"


def test_a_weekday_gives_a_yearless_date_its_year() -> None:
    # 19 May is a Friday in 2023, not in 2022: the weekday outweighs the latest year written
    doc = TextDoc(
        "Officials said the drone strike on 3 May hit a farm. A review began on Friday, 19 May. "
        "A similar raid took place on 31 July 2022.",
        published=None,
    )
    found = {m.text: m.start_date for m in find_dates(doc)}
    assert found["on Friday, 19 May"] == "2023-05-19"
    assert found["on 3 May"] == "2023-05-03"  # the year found serves the other yearless dates
    assert incident_date(doc, find_dates(doc)).start == "2023-05-03"
    # American order, weekday without a comma
    doc = TextDoc("Shells fell on Saturday October 14th, a week after the raid of March 2, 2021.",
                  published=None)
    assert find_dates(doc)[0].start_date == "2023-10-14"  # Saturday in 2017 and 2023: nearer 2021


def test_a_weekday_alone_does_not_invent_a_year() -> None:
    doc = TextDoc("Jets struck the clinic on Monday, 23 October.", published=None)
    assert find_dates(doc) == []
    assert incident_date(doc, find_dates(doc)).start is None


def test_a_weekday_does_not_override_a_publication_year() -> None:
    # with a publication date the year comes from it, as before
    assert one("Jets struck the clinic on Friday, 19 May.") == ("2017-05-19", "2017-05-19", "day")


def test_a_death_from_wounds_is_not_the_attack_date() -> None:
    text = ("A farmer died on 9 March 2020, of wounds he sustained when shells hit his field "
            "on 2 March 2020.")
    doc = TextDoc(text, published=None)
    found = find_dates(doc)
    assert [(m.start_date, m.kind) for m in found] == [("2020-03-09", "after"), ("2020-03-02", "")]
    assert incident_date(doc, found).start == "2020-03-02"
    found = find_dates(TextDoc("The boy died on 4 June 2019 from his injuries.", published=None))
    assert [m.kind for m in found] == ["after"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("04/05/2016: air defenses downed a drone near the base.", "2016-04-05"),
        ("04/05/2016: a drone flew toward the airport and was shot down.", "2016-04-05"),
        ("04/05/2016: a drone was shot down; 40 percent of the town lost power.", "2016-04-05"),
        ("04/05/2016: a drone was shot down; 40 per cent of the town lost power.", "2016-05-04"),
        ("04/05/2016: the drone was neutralised whilst still airborne.", "2016-05-04"),
        ("On 04/05/2016 the attack was organized by a local cell.", "2016-05-04"),  # -ize is British too
    ],
)
def test_more_spellings_tell_the_slash_order(text: str, expected: str) -> None:
    assert dates(text, published=None)[0][1] == expected


def test_post_stamp_dates_a_crawled_post_without_publication_date() -> None:
    text = "Shelling hit the market on Tuesday, killing two, residents said.View12:05 PM · Mar 2, 2023·1,204 Views"
    doc = TextDoc(text, published=None)
    found = find_dates(doc)
    assert [(m.start_date, m.kind) for m in found if m.kind == "dateline"] == [("2023-03-02", "dateline")]
    # "on Tuesday" counts back from the post (2 March 2023 was a Thursday)
    assert incident_date(doc, found).start == "2023-02-28"
    # the stamp alone is no incident date of its own, and never taken for a publication date given
    doc = TextDoc(text, published="2023-03-05")
    assert incident_date(doc, find_dates(doc)).start == "2023-02-28"
    # a time, a dot and a date in running text are no stamp
    assert find_dates(TextDoc("At 9:24 AM the convoy left; on Aug 19, 2022 it was hit.", published=None))[0].kind != "dateline"


def test_post_stamp_corrects_a_publication_year_filled_in_by_a_crawler() -> None:
    text = "Page name · Jan 30, 2024 · Shared with Public. A drone struck a car near the town today."
    # the stamp's day and month, another year: the stamp dates the post
    doc = TextDoc(text, published="2025-01-30")
    assert incident_date(doc, find_dates(doc)).start == "2024-01-30"
    doc = TextDoc(text, published="2025-01-31")  # a day off across a time zone as well
    assert incident_date(doc, find_dates(doc)).start == "2024-01-30"
    # in its own year the publication date stands (the stamp is a date in the text)
    from strikewatch.extract.dates import published_date
    assert published_date(TextDoc(text, published="2024-02-04")).isoformat() == "2024-02-04"
    assert published_date(TextDoc(text, published="2025-01-30")) is None


def test_a_running_count_states_the_texts_year() -> None:
    # "the fourth … in 2024", "since the beginning of 2021": the text is written in that year
    doc = TextDoc("This is the fourth drone strike on the district in 2024. The raid on March 3 hit a farm.",
                  published=None)
    d = incident_date(doc, find_dates(doc))
    assert (d.start, d.precision) == ("2024-03-03", "day")
    doc = TextDoc("Third raid in 2022 | Helicopters land near the river\n\nTroops stormed a house on 9 June.",
                  published=None)
    assert incident_date(doc, find_dates(doc)).start == "2022-06-09"
    doc = TextDoc("Shelling has killed 40 people since the beginning of 2021. A rocket hit the school on 2 May.",
                  published=None)
    assert incident_date(doc, find_dates(doc)).start == "2021-05-02"


def test_a_background_first_is_no_current_year() -> None:
    # "the first … attack in 2013" inside a sentence recalls history: no year for "4 June"
    doc = TextDoc("Jets hit the market on 4 June, years after the first chemical attack in 2013.",
                  published=None)
    assert all(m.precision == "year" for m in find_dates(doc))


def test_a_written_year_lets_a_weekday_place_a_yearless_date() -> None:
    # 6 November is a Saturday in 2021: the nearest such year to the 2020 written
    doc = TextDoc("Shelling hit the camp on Saturday, 6 November, the worst breach of the truce agreed in 2020.",
                  published=None)
    assert incident_date(doc, find_dates(doc)).start == "2021-11-06"


def test_a_record_labelled_by_its_date_is_month_first() -> None:
    # an incident log's entry "MM/DD/YYYY: …" is American; the same date inside a sentence stays day first
    assert dates("03/04/2020: Assailants flew a drone into the depot.", published=None)[0][1] == "2020-03-04"
    assert dates("Assailants flew a drone into the depot on 03/04/2020.", published=None)[0][1] == "2020-04-03"


def test_a_count_contradicted_by_a_later_year_is_no_current_year() -> None:
    # "since early 2013" in a text that reports 2016 bounds a siege; it does not date the text
    doc = TextDoc("The town, besieged since early 2013, was shelled on 4 June. Talks failed in March 2016.",
                  published=None)
    assert {m.text: m.start_date for m in find_dates(doc)}["on 4 June"] == "2016-06-04"


def test_only_background_long_before_publication_gives_the_publication_date() -> None:
    # the one date written lies years before the text: it recalls history, the news is of its day
    doc = TextDoc("Jets hit the market again, as they did in March 2014.", published=TUESDAY)
    d = incident_date(doc, find_dates(doc))
    assert (d.start, d.text) == (TUESDAY, None)

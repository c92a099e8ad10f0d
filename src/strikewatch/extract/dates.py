"""English date expressions, resolved to ISO ranges, and the choice of an incident's date.

Reports date an attack in many ways: "31 May 2016", "05/31/2016", "on Tuesday",
"overnight", "last week". :func:`find_dates` finds them all in one pass over the
folded text with a single compiled alternation and resolves each against the
document's ``published`` date (relative ones) or against the years written
elsewhere in the document (a "March 4" in a text that also says "2 April 2009";
a "Friday, May 19" takes the nearby year in which 19 May is a Friday; a running
count "since the beginning of 2023" says the text's own year).
:func:`incident_date` then picks the one that dates the attack.

The vocabulary (month and weekday names, number words, fixed relative phrases,
cue words such as "since") lives in ``data/lexicons/en/dates.toml``.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from .. import model
from .lexicon import alternation
from .mentions import DateMention
from .textutil import TextDoc

__all__ = ["find_dates", "incident_date", "parse_published"]

_FINE = ("day", "week")  # precisions that can date an attack to within a day or so


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """The TOML vocabulary with the regex built from it (read-only, loaded once)."""

    months: dict[str, int]
    ambiguous_months: frozenset[str]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    relative_days: dict[str, tuple[int, int]]
    relative_periods: dict[str, str]
    cue_of: dict[str, str]  # cue phrase -> kind
    chained: dict[str, int]  # "the next day" -> +1 (from the date before it)
    pattern: re.Pattern[str]
    cue_tail: re.Pattern[str]
    cue_head: re.Pattern[str]  # words just after a date that make it a cue kind
    cue_head_of: dict[str, str]
    us_spelling: re.Pattern[str]
    uk_spelling: re.Pattern[str]
    # phrases that state the text's own year: (before it, an ordinal count before
    # "in <year>", the first words of the former as a cheap test)
    current_year: tuple[re.Pattern[str], re.Pattern[str], tuple[str, ...]] | None


_alt = alternation


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = tomllib.loads(
        resources.files("strikewatch").joinpath("data/lexicons/en/dates.toml").read_text(encoding="utf-8")
    )
    months = {k: int(v) for k, v in raw["months"].items()}
    weekdays = {k: int(v) for k, v in raw["weekdays"].items()}
    numbers = {k: int(v) for k, v in raw["numbers"].items()}
    rel_days = {k: (int(v[0]), int(v[1])) for k, v in raw["relative_days"].items()}
    rel_periods = dict(raw["relative_periods"])
    cue_of = {phrase: kind for kind, phrases in raw["cues"].items() for phrase in phrases}
    chained = {k: int(v) for k, v in raw.get("chained_days", {}).items()}

    mon = rf"(?:{_alt(months)})\.?"
    wd = rf"(?:{_alt(weekdays)})"
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
    year = r"(?:19|20)\d\d"
    parts = _alt(raw["day_parts"])
    num = rf"(?:\d{{1,2}}|{_alt(numbers)})"
    # "on the morning of", "in the early hours of", "late on", "overnight": a lead-in kept in the span.
    lead = (
        rf"(?:(?:on|by|early|late|overnight|(?:before|at)\s+dawn)\s+(?:on\s+)?)?"
        rf"(?:(?:in|on|during)\s+)?(?:(?:the\s+)?(?:early\s+|late\s+|small\s+)?(?:hours|{parts})\s+of\s+)?"
    )
    pre_wd = rf"(?:{wd},?\s+)?"
    rng_sep = r"\s*(?:-|to|and|/|&)\s*"
    alternatives = [
        # the night of 12 to 13 October 2016 / 12-13 Oct
        (
            rf"(?P<r1>(?:(?:the\s+)?night\s+of\s+|between\s+)?{pre_wd}(?:the\s+)?(?P<r1_d1>{day}){rng_sep}"
            rf"(?:the\s+)?(?P<r1_d2>{day})\s+(?:of\s+)?(?P<r1_m>{mon})(?:[,\u060c]?\s*(?P<r1_y>{year}))?)\b"
        ),
        # October 12-13, 2016
        (
            rf"(?P<r2>(?:(?:the\s+)?night\s+of\s+|between\s+)?(?P<r2_m>{mon})\s+(?P<r2_d1>{day}){rng_sep}"
            rf"(?P<r2_d2>{day})(?:[,\u060c]?\s*(?P<r2_y>{year}))?)\b"
        ),
        # (on the morning of) (Saturday,) 31(st) (of) May(,) (2016)
        rf"(?P<dm>{lead}(?:(?P<dm_w>{wd}),?\s+)?(?:the\s+)?(?P<dm_d>{day})\s+(?:of\s+)?(?P<dm_m>{mon})(?:[,\u060c]?\s*(?P<dm_y>{year}))?)\b",
        # (Saturday,) May 31(st)(,) (2016)
        (
            rf"(?P<md>{lead}(?:(?P<md_w>{wd}),?\s+)?(?P<md_m>{mon})\s+(?P<md_d>{day})(?!\d)(?!\s*(?:-|to)\s*\d)"
            rf"(?:[,\u060c]?\s*(?P<md_y>{year}))?)\b(?!\s*(?:km|kilomet|people|civilians|percent|%))"
        ),
        # 2016-05-31, 2016/05/31
        rf"\b(?P<iso>(?P<iso_y>{year})(?P<iso_s>[-/.])(?P<iso_m>\d{{1,2}})(?P=iso_s)(?P<iso_d>\d{{1,2}}))(?![\d/.-]\d)",
        # 31/05/2016, 05/31/16, 31.05.2016
        rf"\b(?P<sl>(?P<sl_a>\d{{1,2}})(?P<sl_s>[/.-])(?P<sl_b>\d{{1,2}})(?P=sl_s)(?P<sl_y>{year}|\d\d))(?![\d/.-]\d)",
        # (in) (early) May(,) 2016
        (
            rf"(?P<my>(?:(?:in|during|since|until|till|from|by|throughout)\s+)?(?:(?:early|late|mid|end\s+of|"
            rf"beginning\s+of|start\s+of)[-\s]+)?(?P<my_m>{mon})(?:[,\u060c]?\s+|\s+of\s+)(?P<my_y>{year}))\b(?![-/]\d)"
        ),
        # in May, since March: month of an inferred year
        (
            rf"(?P<mo>(?:in|during|since|until|till|throughout|early|late|mid|end\s+of|beginning\s+of)[-\s]+"
            rf"(?:(?:early|late|mid)[-\s]+)?(?P<mo_m>{mon}))\b(?!\s*\d)"
        ),
        # in 2016, since 2011
        (
            rf"(?P<yr>(?:in|during|since|until|till|throughout|from|by|early|late|mid|end\s+of|beginning\s+of|"
            rf"start\s+of|summer\s+of|spring\s+of|autumn\s+of|fall\s+of|winter\s+of)[-\s]+(?:the\s+year\s+)?"
            rf"(?P<yr_y>{year}))\b(?![-/.,]\d)"
        ),
        # N days / weeks / months ago
        rf"(?P<ago>(?P<ago_n>{num})\s+(?P<ago_u>day|week|month|year)s?\s+ago)\b",
        # (on) Friday last week
        rf"(?P<wlw>(?:on\s+)?(?P<wlw_d>{wd})(?:'s)?(?:\s+(?:{parts}))?\s+(?:of\s+)?last\s+week)\b",
        # (late on) (last) Tuesday (night), (in the early hours of) Monday
        rf"(?P<wd>{lead}(?P<wd_last>(?:last|past|this)\s+)?(?P<wd_d>{wd})(?:'s)?(?:\s+(?:{parts}))?)\b",
        rf"(?P<rd>{_alt(rel_days)})\b",
        rf"(?P<rp>{_alt(rel_periods)})\b",
        rf"(?P<ch>{_alt(chained)})\b",
    ]
    # Every alternative starts with a digit or one of these words: a cheap look-ahead
    # lets the engine skip all other words without trying the fourteen alternatives.
    starters = {
        "on",
        "by",
        "early",
        "late",
        "overnight",
        "before",
        "at",
        "in",
        "during",
        "the",
        "between",
        "night",
        "since",
        "until",
        "till",
        "from",
        "throughout",
        "mid",
        "end",
        "beginning",
        "start",
        "summer",
        "spring",
        "autumn",
        "fall",
        "winter",
        "last",
        "past",
        "this",
        "hours",
        "small",
        *raw["day_parts"],
        *months,
        *weekdays,
        *(w.split()[0] for w in numbers),
        *(w.split()[0] for w in rel_days),
        *(w.split()[0] for w in rel_periods),
        *(w.split()[0] for w in chained),
    }
    first = rf"(?=\d|(?:{_alt(starters)})\b)"
    pattern = re.compile(r"\b" + first + "(?:" + "|".join(alternatives) + ")")
    cue_tail = re.compile(rf"\b(?:{_alt(cue_of)})\s+(?:(?:{_CUE_GLUE})\s+)*$")
    cue_head_of = {phrase: kind for kind, phrases in raw.get("cues_after_date", {}).items() for phrase in phrases}
    cue_head = re.compile(rf"[ \t,]*(?:{_alt(cue_head_of or ['-'])})\b")
    spelling = raw.get("spelling", {})
    cur = raw.get("current_year", {})
    current_year = None
    if cur:
        ords = rf"(?:{_alt(cur['ordinals'])}|\d{{1,2}}(?:st|nd|rd|th))"
        word = r"[\w'\u2019*-]+"
        # what stands before the year, matched back from it: "since early 2022";
        # "Seventh attack in 2022" opening a line (a headline) or after "this is the":
        # a count of the year's events, not a background "the first … in 2013"
        current_year = (
            re.compile(rf"\b(?:{_alt(cur['before_year'])})\s+$"),
            re.compile(
                rf"(?:^|\n|\b(?:this|it|which)\s+(?:is|was|marks)\s+the\s+)[ \t]*{ords}\s+(?:{word}\s+){{0,3}}?"
                rf"(?:{_alt(cur['count_nouns'])})\b(?:[ \t]+{word}){{0,5}}?[ \t]+in\s+$"
            ),
            tuple(sorted({w.split()[0] for w in cur["before_year"]})),
        )
    return _Lexicon(
        months=months,
        ambiguous_months=frozenset(raw["ambiguous_months"]),
        weekdays=weekdays,
        numbers=numbers,
        relative_days=rel_days,
        relative_periods=rel_periods,
        cue_of=cue_of,
        chained=chained,
        pattern=pattern,
        cue_tail=cue_tail,
        cue_head=cue_head,
        cue_head_of=cue_head_of,
        us_spelling=re.compile(rf"\b(?:{_alt(spelling.get('us', ['-']))})\b"),
        uk_spelling=re.compile(rf"\b(?:{_alt(spelling.get('uk', ['-']))})\b"),
        current_year=current_year,
    )


#: Words that may stand between a cue and its date ("released on or around 3 May").
_CUE_GLUE = "on|in|the|of|around|about|approximately|or"


_MIN_YEAR = 1900
_PUBLISHED = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")


def parse_published(published: str | None) -> date | None:
    """The local calendar date of an ISO date/datetime, as written (a timezone offset is ignored)."""
    if not published:
        return None
    m = _PUBLISHED.match(published)
    if not m:
        return None
    if int(m.group(1)) < _MIN_YEAR:
        return None  # placeholder dates such as 1753-01-01 or 0001-01-01 are "unknown"
    return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _num(s: str) -> int:
    return int(re.match(r"\d+", s).group(0))  # type: ignore[union-attr]


def _two_digit_year(s: str) -> int:
    y = int(s)
    return y + (2000 if y < 70 else 1900) if len(s) == 2 else y


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)


@dataclass(slots=True)
class _Raw:
    """A match before year inference: what it says and what is still missing."""

    start: int
    end: int
    kind: str  # day | range | slash | month | year | ago | weekday | wd_last_week | rel_days | rel_period
    year: int | None = None
    month: int | None = None
    d1: int | None = None  # day (or first day, or weekday number, or count for "ago")
    d2: int | None = None
    extra: Any = None  # md/dm word order, "last", the unit of "ago", or the relative offsets
    weekday: int | None = None  # the weekday written with a day date ("Friday, May 19"), 0 = Monday
    # a date written as the text's today or yesterday ("اليوم السبت 6 تشرين الثاني"):
    # how many days before the text's own day it lies (0 today, 1 yesterday)
    told_back: int | None = None


def _month_of(lex: _Lexicon, doc: TextDoc, m: re.Match[str], group: str) -> int | None:
    """Month number of ``group``, refusing "may"/"march" etc. unless capitalised in the original."""
    word = m.group(group).rstrip(".")
    if word in lex.ambiguous_months and not doc.text[m.start(group)].isupper():
        return None
    return lex.months.get(word)


def _raw_matches(doc: TextDoc, lex: _Lexicon) -> list[_Raw]:
    """One pass of the big alternation over the folded text; each match read into a _Raw."""
    out: list[_Raw] = []
    for m in lex.pattern.finditer(doc.folded):
        g = m.lastgroup
        if g is None:
            continue
        s, e = m.span(g)
        if g in _RELATIVE_WORDS and doc.text[s:e].isupper():
            continue  # all-caps "TODAY" or "MONDAY" in menus and show names are not dates
        y = m.group(g + "_y") if g in _WITH_YEAR else None
        year = int(y) if y else None
        if g in ("r1", "r2", "dm", "md", "my", "mo"):
            mo = _month_of(lex, doc, m, g + "_m")
            if mo is None:
                continue
            if g in ("r1", "r2"):
                d1, d2 = _num(m.group(g + "_d1")), _num(m.group(g + "_d2"))
                if d2 >= d1:
                    out.append(_Raw(s, e, "range", year, mo, d1, d2))
            elif g in ("dm", "md"):
                d = _num(m.group(g + "_d"))
                w = m.group(g + "_w")
                out.append(_Raw(s, e, "day", year, mo, d, d, extra=g, weekday=lex.weekdays[w] if w else None))
            else:
                out.append(_Raw(s, e, "month", year, mo))
        elif g == "iso":
            out.append(_Raw(s, e, "day", year, int(m.group("iso_m")), int(m.group("iso_d"))))
        elif g == "sl":
            if len(y or "") == 2 and m.group("sl_s") != "/":
                continue  # 1.5.16 or 12-13-14 are more often versions, scores or ranges than dates
            out.append(
                _Raw(
                    s, e, "slash", _two_digit_year(y or ""), None, int(m.group("sl_a")), int(m.group("sl_b"))
                )
            )
        elif g == "yr":
            out.append(_Raw(s, e, "year", year))
        elif g == "ago":
            n = m.group("ago_n")
            count = int(n) if n.isdigit() else lex.numbers.get(_norm(n), 1)
            out.append(_Raw(s, e, "ago", d1=count, extra=m.group("ago_u")))
        elif g == "wlw":
            out.append(_Raw(s, e, "wd_last_week", d1=lex.weekdays[m.group("wlw_d")]))
        elif g == "wd":
            last = (m.group("wd_last") or "").strip()
            out.append(_Raw(s, e, "weekday", d1=lex.weekdays[m.group("wd_d")], extra=last))
        elif g == "rd":
            out.append(_Raw(s, e, "rel_days", extra=lex.relative_days[_norm(m.group(g))]))
        elif g == "rp":
            out.append(_Raw(s, e, "rel_period", extra=lex.relative_periods[_norm(m.group(g))]))
        elif g == "ch":
            out.append(_Raw(s, e, "chained", extra=lex.chained[_norm(m.group(g))]))
    return out


_RELATIVE_WORDS = frozenset({"rd", "rp", "wd", "wlw", "ago", "ch"})
_WITH_YEAR = frozenset({"r1", "r2", "dm", "md", "my", "iso", "sl", "yr"})


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def _cue_kind(doc: TextDoc, lex: _Lexicon, start: int, end: int) -> str:
    """The cue kind (since, until, born) when the date is a bound or background, else ""."""
    head = doc.folded[start:end].split(" ", 1)[0]
    if head in lex.cue_of:
        return lex.cue_of[head]
    m = lex.cue_tail.search(doc.folded, max(0, start - 30), start)
    if m:
        phrase = _norm(re.sub(rf"(?:\s+(?:{_CUE_GLUE}))*\s*$", "", m.group(0)))
        return lex.cue_of.get(phrase, "")
    m = lex.cue_head.match(doc.folded, end)
    if m:
        return lex.cue_head_of.get(_norm(m.group(0).lstrip(" \t,")), "")
    return ""


#: a year of this century (a literal start: the scan is fast); the digit before is checked apart
_YEAR_TOKEN = re.compile(r"20\d\d(?!\d)")
#: how far before a year the phrase that makes it the current one may begin
_CURRENT_NEAR = 45
_CURRENT_BACK = 160


def _year_tokens(text: str) -> Iterator[re.Match[str]]:
    """The years of this century written in ``text`` (not the end of a longer number)."""
    for m in _YEAR_TOKEN.finditer(text):
        if not (m.start() and text[m.start() - 1].isdigit()):
            yield m


def _current_year_en(doc: TextDoc, lex: _Lexicon) -> int | None:
    """The year an English text says it is written in: "since the beginning of
    2023", "the third raid in 2022". A running count is kept in its own year.
    Each year written is tried, its phrase matched back from it."""
    if lex.current_year is None or "20" not in doc.text:
        return None
    before, ordinal, firsts = lex.current_year
    text = doc.folded
    for m in _year_tokens(text):
        s = m.start()
        near = text[max(0, s - _CURRENT_NEAR):s]
        if any(w in near for w in firsts) and before.search(text, max(0, s - _CURRENT_NEAR), s):
            return int(m.group())
        if near.endswith("in ") and ordinal.search(text, max(0, s - _CURRENT_BACK), s):
            return int(m.group())
    return None


def _current_year_ar(doc: TextDoc, lex: _ArLexicon) -> int | None:
    """The year an Arabic text says it is written in: "منذ مطلع العام 2022",
    "العام الحالي 2023", "عام 2023 الجاري"."""
    if "20" not in doc.text:
        return None
    text = doc.text
    before, (year_word, now_after) = lex.current_year, lex.current_around
    for m in _year_tokens(text):
        s = m.start()
        lo = max(0, s - _CURRENT_NEAR)
        if any(w in text[lo:s] for w in lex.current_hints) and before.search(text, lo, s):
            return int(m.group())
        if now_after.match(text, m.end()) and year_word.search(text, max(0, s - 12), s):
            return int(m.group())
    return None


def _context_year(raws: list[_Raw], i: int, current: int | None = None) -> int | None:
    """The year a yearless date most likely has, from the years the document states.

    The same month and day written in full elsewhere wins ("April 3" in a
    headline, "on April 3, 2019" in the body); otherwise the latest year of a
    dated mention: background dates ("the siege of March 2015") lie before the
    story's own time, so the story's year is rarely earlier than them.
    """
    r = raws[i]
    same = [
        o.year
        for o in raws
        if o.year is not None and o.kind in ("day", "range") and o.month == r.month and o.d1 == r.d1
    ]
    if same:
        return same[0]
    if current is not None:
        return current
    years = [o.year for o in raws if o.year is not None and o.kind in _CONTEXT_KINDS]
    if not years:
        return None
    return max(years)


_CONTEXT_KINDS = ("day", "range", "month", "slash")
_WEEKDAY_REF_KINDS = (*_CONTEXT_KINDS, "year")
_BOUNDS = ("since", "until")

#: How far (years) from the document's other years a weekday may place a yearless date.
_WEEKDAY_YEARS = 6


def _weekday_years(raws: list[_Raw], current: int | None = None,
                   is_bound: Callable[[_Raw], bool] | None = None) -> None:
    """Give a yearless day date written with its weekday ("Friday, May 19") the year
    that weekday fits, nearest the years the document states (a later year on a tie:
    the story is rarely older than its background), or the year the text says it
    is written in. A year written alone counts ("the truce of 2020"), unless it
    bounds a span ("since 2015": the story may lie any number of years later).
    The year found then serves as context for the document's other yearless
    dates, like a written one. Without any stated year there is nothing to
    measure "nearest" from: no year.
    """
    years = [o.year for o in raws if o.year is not None and o.kind in _WEEKDAY_REF_KINDS
             and not (o.kind == "year" and is_bound is not None and is_bound(o))]
    if current is not None:
        years = [current]
    if not years:
        return
    ref = max(years)
    for r in raws:
        if r.year is not None or r.weekday is None or r.kind != "day":
            continue
        assert r.month is not None and r.d1 is not None
        fits = [
            y for y in range(ref - _WEEKDAY_YEARS, ref + _WEEKDAY_YEARS + 1)
            if (d := _mk(y, r.month, r.d1)) is not None and d.weekday() == r.weekday
        ]
        if fits:
            r.year = min(fits, key=lambda y: (abs(y - ref), -y))


def _month_first(raws: list[_Raw], doc: TextDoc | None = None, lex: _Lexicon | None = None) -> bool:
    """Whether the document writes ambiguous slash dates month first (05/06/2021 = May 6).

    Evidence, strongest first: its slash dates that can only be read one way, then
    how it writes dates in words ("May 6" is the American order, "6 May" the
    British), then its spelling ("neighborhood", "defense" are American), then a
    record's heading: a summary labelled by its date, "07/05/2018: Assailants…",
    is written in the American way of incident databases and logs. Without
    evidence, day first, the usual order outside the US.
    """
    mdy = sum(1 for r in raws if r.kind == "slash" and r.d2 is not None and r.d2 > 12 >= (r.d1 or 0))
    dmy = sum(1 for r in raws if r.kind == "slash" and r.d1 is not None and r.d1 > 12 >= (r.d2 or 0))
    if mdy != dmy:
        return mdy > dmy
    md = sum(1 for r in raws if r.extra == "md")
    dm = sum(1 for r in raws if r.extra == "dm")
    if md != dm or doc is None or lex is None:
        return md > dm
    if not any(r.kind == "slash" for r in raws):
        return False  # nothing to decide: spare the spelling scan
    us = len(lex.us_spelling.findall(doc.folded))
    uk = len(lex.uk_spelling.findall(doc.folded))
    if us != uk:
        return us > uk
    return _RECORD_HEAD.match(doc.text) is not None


#: a numeric date that labels the whole text, "07/05/2018: An armed drone…"
_RECORD_HEAD = re.compile(r"\s*\d{1,2}/\d{1,2}/(?:19|20)\d\d:\s")


def _resolve(
    r: _Raw, pub: date | None, ctx_year: int | None, month_first: bool = False
) -> tuple[date, date, str, bool] | None:
    """(start, end, precision, relative) of one raw match, or None when it cannot be resolved."""
    k = r.kind
    if k in ("day", "range"):
        assert r.month is not None and r.d1 is not None
        d2 = r.d2 if r.d2 is not None else r.d1
        if r.year is not None:
            s, e = _mk(r.year, r.month, r.d1), _mk(r.year, r.month, d2)
            return (s, e, "day", False) if s and e else None
        if pub is not None:
            y = pub.year
            s = _mk(y, r.month, r.d1)
            if s is None or s > pub:
                y -= 1
            s, e = _mk(y, r.month, r.d1), _mk(y, r.month, d2)
            return (s, e, "day", True) if s and e else None
        if ctx_year is not None:
            s, e = _mk(ctx_year, r.month, r.d1), _mk(ctx_year, r.month, d2)
            return (s, e, "day", False) if s and e else None
        return None
    if k == "slash":
        assert r.year is not None and r.d1 is not None and r.d2 is not None
        dmy, mdy = _mk(r.year, r.d2, r.d1), _mk(r.year, r.d1, r.d2)
        chosen = (mdy or dmy) if month_first else (dmy or mdy)
        if dmy and mdy and pub is not None:
            if dmy > pub >= mdy:
                chosen = mdy  # the other reading would lie in the future
            elif mdy > pub >= dmy:
                chosen = dmy
        return (chosen, chosen, "day", False) if chosen else None
    if k == "month":
        assert r.month is not None
        y = r.year
        if y is None:
            if pub is not None:
                y = pub.year - (r.month > pub.month)
            elif ctx_year is not None:
                y = ctx_year
            else:
                return None
        return (
            date(y, r.month, 1),
            _month_end(y, r.month),
            "month",
            r.year is None and pub is not None,
        )
    if k == "year":
        assert r.year is not None
        return date(r.year, 1, 1), date(r.year, 12, 31), "year", False
    if pub is None:
        return None  # every remaining kind is relative to the publication date
    if k == "weekday":
        assert r.d1 is not None
        back = (pub.weekday() - r.d1) % 7
        if back == 0 and r.extra == "last":
            back = 7
        d = pub - timedelta(days=back)
        return d, d, "day", True
    if k == "wd_last_week":
        assert r.d1 is not None
        d = pub - timedelta(days=pub.weekday() + 7 - r.d1)
        return d, d, "day", True
    if k == "rel_days":
        a, b = r.extra
        return pub + timedelta(days=a), pub + timedelta(days=b), "day", True
    if k == "ago":
        assert r.d1 is not None
        unit = r.extra
        if unit == "day":
            d = pub - timedelta(days=r.d1)
            return d, d, "day", True
        if unit == "week":
            d = pub - timedelta(days=7 * r.d1)
            return d, d, "week", True
        if unit == "month":
            y, m = divmod(pub.year * 12 + pub.month - 1 - r.d1, 12)
            return date(y, m + 1, 1), _month_end(y, m + 1), "month", True
        return date(pub.year - r.d1, 1, 1), date(pub.year - r.d1, 12, 31), "year", True
    if k == "rel_period":
        return _period(r.extra, pub)
    return None


def _period(name: str, pub: date) -> tuple[date, date, str, bool] | None:
    monday = pub - timedelta(days=pub.weekday())
    if name == "prev_week":
        return monday - timedelta(days=7), monday - timedelta(days=1), "week", True
    if name == "past_week":
        return pub - timedelta(days=7), pub, "week", True
    if name == "this_week":
        return monday, pub, "week", True
    if name == "prev_weekend":
        sat = pub - timedelta(days=(pub.weekday() - 5) % 7)
        return sat, min(sat + timedelta(days=1), pub), "week", True
    if name == "prev_month":
        first = pub.replace(day=1)
        last = first - timedelta(days=1)
        return last.replace(day=1), last, "month", True
    if name == "this_month":
        return pub.replace(day=1), pub, "month", True
    if name == "prev_year":
        return date(pub.year - 1, 1, 1), date(pub.year - 1, 12, 31), "year", True
    if name == "this_year":
        return date(pub.year, 1, 1), pub, "year", True
    return None


#: A dateline date stands in the first characters of a text: "ALEPPO, March 3,
#: 2019 (Reuters) -", or a date alone at the head of a line before the body.
_DATELINE_CHARS = 300
_DATELINE_PREFIX = re.compile(r"(?:^|\n)[ \t]*(?:[A-Z][A-Za-z.'\- ]{1,40},[ \t]*){0,3}(?:[A-Za-z]+day,?[ \t]*)?$")


def _is_dateline(doc: TextDoc, r: _Raw) -> bool:
    """Whether an explicit full date is the text's dateline (when it was written, not what happened)."""
    if r.start >= _DATELINE_CHARS:
        return False
    line_start = doc.text.rfind("\n", 0, r.start) + 1
    prefix = doc.text[line_start:r.start]
    if not _DATELINE_PREFIX.search("\n" + prefix):
        return False
    # The date ends its line, or is followed by an agency, a dash or a colon.
    rest = doc.text[r.end:r.end + 40]
    return bool(re.match(r"[ \t]*(?:$|\n|\s{2}|\(|[-\u2013\u2014:|]|,?[ \t]*\d{1,2}[:.]\d\d)", rest))


#: The time stamp of a social-media post as a crawl of the page keeps it, in
#: English whatever the post's language: X's "9:24 AM · Aug 19, 2022" after the
#: post, Facebook's "October 24, 2024 · Shared with Public" before it. It says
#: when the post was published.
_STAMP_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
                r"Sep(?:t|tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
# A crawl glues the stamp to the words around it ("views3:11 PM", "accountDecember 1"):
# no word boundaries, only no digit run on into it.
_POST_STAMP = re.compile(
    rf"(?<!\d)\d{{1,2}}:\d\d\s?[AP]M\s*[\u00b7\u2022]\s*(?P<m1>{_STAMP_MONTH})\.?\s(?P<d1>\d{{1,2}}),\s(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<m2>{_STAMP_MONTH})\s(?P<d2>\d{{1,2}}),\s?(?P<y2>(?:19|20)\d\d)\s*[\u00b7\u2022]\s*"
    r"(?:Shared\swith|Public\b|Friends\b)"
)


#: a clock time right after a date: "٥ ديسمبر ٢٠٢٤، ٢١:٥٤", "June 9, 2022, 11:36 am"
_TIME_AFTER = re.compile(r"\s*[,\u060c]?\s*\d{1,2}:\d\d(?!\d)")


def _latin_dates(doc: TextDoc, lex: _Lexicon, raws: list[_Raw]) -> list[_Raw]:
    """Add to an Arabic text's dates the full English ones a page prints in
    Latin script ("June 9, 2022"), where no Arabic date stands."""
    if not re.search(r"[A-Z][a-z]", doc.text):
        return raws
    extra = [r for r in _raw_matches(doc, lex)
             if r.kind == "day" and r.year is not None
             and not any(o.start < r.end and r.start < o.end for o in raws)]
    return sorted([*raws, *extra], key=lambda r: r.start) if extra else raws


def post_stamp(doc: TextDoc) -> tuple[date, int, int] | None:
    """The first social-media post stamp in the text: (date, start, end)."""
    if "\u00b7" not in doc.text and "\u2022" not in doc.text:
        return None  # every stamp has its middle dot: most texts are spared the scan
    if "post_stamp" in doc.memo:
        return doc.memo["post_stamp"]
    months = _lexicon().months
    found = None
    for m in _POST_STAMP.finditer(doc.text):
        i = "1" if m.group("m1") else "2"
        month = months.get(m.group("m" + i).lower())
        day = _mk(int(m.group("y" + i)), month, int(m.group("d" + i))) if month else None
        if day is not None:
            found = day, m.start(), m.end()
            break
    doc.memo["post_stamp"] = found
    return found


def published_date(doc: TextDoc) -> date | None:
    """The document's publication date, unless the post's own stamp in the
    text has its day and month (give or take a day) in another year: that
    year was filled in by whoever passed the date on (a crawler reading
    "February 21"), and the stamp then dates the post instead."""
    pub = parse_published(doc.published)
    if pub is None:
        return None
    stamp = post_stamp(doc)
    if stamp is not None and stamp[0].year != pub.year:
        try:
            moved = stamp[0].replace(year=pub.year)
        except ValueError:  # 29 February
            return pub
        if abs((pub - moved).days) <= 1:
            return None
    return pub


#: A picture's caption ends its own short paragraph with a date and, often, the
#: picture's credit: "Rescuers at the site in Idlib, 9 September 2020 (Civil Defence)".
_CAPTION_TAIL = re.compile(r"[ \t]*(?:\([^()\n]{1,80}\))?[ \t]*(?:\n|$)")
_CAPTION_CHARS = 300
_ARCHIVE_DAYS = 2  # a caption dated this much before the text's own day is from the archive
_CAPTION_WORDS = 4  # fewer words before the date make a dateline ("Tuesday 15 February 2022")


def _is_caption(text: str, start: int, end: int) -> bool:
    """Whether the date at ``start:end`` closes a picture's caption: the last
    words of a short paragraph that describes, with no sentence end before it."""
    if not _CAPTION_TAIL.match(text, end):
        return False
    lead = text[text.rfind("\n", 0, start) + 1:start]
    return (len(lead) <= _CAPTION_CHARS and len(lead.split()) >= _CAPTION_WORDS
            and not any(c in lead for c in ".!?؟"))


def find_dates(doc: TextDoc, *, month_first: bool | None = None) -> list[DateMention]:
    """Every date expression in ``doc`` that can be resolved, in text order.

    ``month_first`` fixes how ambiguous slash dates (05/06/2021) are read when the
    source's convention is known; None lets the document's own usage decide.

    Relative dates count from the publication date; without one, from the
    text's dateline (a narrative's first date is no reference for "on Friday":
    the day could lie before or after it). A dateline is marked ``kind="dateline"`` (it dates the text, not the
    attack). "The next day", "two days later" count from the date before them.
    """
    lex = _lexicon()
    pub = published_date(doc)
    stamp = post_stamp(doc) if pub is None else None
    alex = _lexicon_ar() if doc.language == "ar" else None
    if alex is not None:
        raws = _latin_dates(doc, lex, _raw_matches_ar(doc, alex))
        month_first = bool(month_first)  # Arabic writes numeric dates day first
    else:
        raws = _raw_matches(doc, lex)
    if month_first is None:
        month_first = _month_first(raws, doc, lex)
    current = None
    if pub is None:
        current = _current_year_ar(doc, alex) if alex is not None else _current_year_en(doc, lex)
        if current is not None and any(r.year is not None and r.year > current for r in raws):
            current = None  # a later year written: the count was a bound ("besieged since early 2013")

        def is_bound(r: _Raw) -> bool:
            kind = _cue_kind_ar(doc, alex, r.start, r.end) if alex is not None else _cue_kind(doc, lex, r.start, r.end)
            return kind in _BOUNDS

        _weekday_years(raws, current, is_bound)
    resolved: list[tuple[date, date, str, bool] | None] = [None] * len(raws)
    explicit_kinds = ("day", "range", "slash", "month", "year")
    for i, r in enumerate(raws):
        if r.kind not in explicit_kinds:
            continue
        needs_year = r.year is None and r.kind in ("day", "range", "month")
        ctx = _context_year(raws, i, current) if needs_year and pub is None else None
        resolved[i] = _resolve(r, pub, ctx, month_first)
    dateline = -1
    anchor = pub
    if stamp is not None:
        # a post's stamp dates it; a date written inside the stamp is no other date
        anchor = stamp[0]
        keep = [i for i, r in enumerate(raws) if not (r.start < stamp[2] and stamp[1] < r.end)]
        raws, resolved = [raws[i] for i in keep], [resolved[i] for i in keep]
    elif pub is None and alex is not None:
        # "نشر في 23 نوفمبر 2025": the post's own date, said in words; else a
        # full date near the top with the time after it, as pages print theirs
        for i, r in enumerate(raws):
            res = resolved[i]
            if res is not None and r.kind == "day" and _cue_kind_ar(doc, alex, r.start, r.end) == "published":
                dateline = i
                anchor = res[0]
                break
        else:
            for i, r in enumerate(raws):
                if r.start >= _DATELINE_CHARS:
                    break
                res = resolved[i]
                if res is not None and r.kind == "day" and r.year is not None and _TIME_AFTER.match(doc.text, r.end):
                    dateline = i
                    anchor = res[0]
                    break
            if anchor is None:
                # "اليوم السبت 6 تشرين الثاني": the text tells its own day, which
                # then dates its "صباح اليوم" and "أمس" (the date stays the incident's too)
                told = next((i for i, r in enumerate(raws) if r.told_back is not None and resolved[i]), None)
                if told is not None:
                    anchor = resolved[told][0] + timedelta(days=raws[told].told_back)
    elif pub is None:
        for i, r in enumerate(raws):
            res = resolved[i]
            if r.start >= _DATELINE_CHARS:
                break
            if res is None or r.kind not in ("day", "slash") or r.year is None:
                continue
            if _is_dateline(doc, r):
                dateline = i
                anchor = res[0]
            break
    last_day: date | None = None
    out: list[DateMention] = []
    for i, r in enumerate(raws):
        res = resolved[i]
        if r.kind == "chained":
            base = last_day or anchor
            if base is not None:
                d = base + timedelta(days=r.extra)
                res = (d, d, "day", True)
        elif r.kind not in explicit_kinds:
            res = _resolve(r, anchor, None, month_first)
        if res is None:
            continue
        s, e, precision, relative = res
        if i == dateline:
            kind = "dateline"
        elif alex is not None:
            kind = _cue_kind_ar(doc, alex, r.start, r.end)
            if kind == "published":
                kind = "dateline"
            elif not kind and r.kind in ("day", "range") and _earlier_ar(doc, alex, r.start):
                kind = "earlier"
        else:
            kind = _cue_kind(doc, lex, r.start, r.end)
        if (not kind and anchor is not None and (anchor - e).days > _ARCHIVE_DAYS
                and _is_caption(doc.text, r.start, r.end)):
            kind = "archive"  # a picture taken before the text's own day: not the incident
        if precision == "day" and not kind and s == e:
            last_day = s
        out.append(
            DateMention(
                start=r.start,
                end=r.end,
                text=doc.text[r.start : r.end],
                start_date=s.isoformat(),
                end_date=e.isoformat(),
                precision=precision,
                relative=relative,
                kind=kind,
            )
        )
    if stamp is not None:
        day, s0, e0 = stamp
        out.append(DateMention(start=s0, end=e0, text=doc.text[s0:e0], start_date=day.isoformat(),
                               end_date=day.isoformat(), precision="day", relative=False, kind="dateline"))
        out.sort(key=lambda m: m.start)
    return out


_RECENT_DAYS = 400  # with a publication date, older dates are background, not the news


def _rank(m: DateMention, pub: date | None) -> tuple[int, int]:
    """Sort key part: recent before historical, day-level before coarser."""
    old = pub is not None and (pub - date.fromisoformat(m.end_date)).days > _RECENT_DAYS
    return (int(old), 0 if m.precision in _FINE else 1)


def incident_date(
    doc: TextDoc, dates: list[DateMention], near: tuple[int, int] | None = None
) -> model.DateInfo:
    """The date of the incident described around ``near`` (None: the document's main incident).

    Preference: a date in the sentence(s) of ``near``, then the nearest one before
    it, then the first in the document; day-level dates before coarser ones. Bounds
    ("since 2011") and dates after publication are never the incident's. With no
    date in the text, the publication date stands in (news reports mostly describe
    the day they are published or the day before).
    """
    pub = published_date(doc)
    if pub is None:
        # Without a publication date the dateline dates the text.
        line = next((m for m in dates if m.kind == "dateline"), None)
        pub = date.fromisoformat(line.start_date) if line else None
    pub_iso = pub.isoformat() if pub else None
    cands = [m for m in dates if not m.kind and (pub_iso is None or m.start_date <= pub_iso)]
    chosen: DateMention | None = None
    if cands and near is not None and doc.sentences:
        s0 = doc.sentences[doc.sentence_of(near[0])][0]
        s1 = doc.sentences[doc.sentence_of(max(near[0], near[1] - 1))][1]
        inside = [m for m in cands if s0 <= m.start < s1]
        before = [m for m in cands if m.start < s0]
        if inside:
            chosen = min(inside, key=lambda m: (_rank(m, pub), m.start))
        elif before:
            chosen = min(before, key=lambda m: (_rank(m, pub), -m.start))
    if chosen is None and cands:
        chosen = min(cands, key=lambda m: (_rank(m, pub), m.start))
    if chosen is not None and pub is not None and _rank(chosen, pub)[0]:
        chosen = None  # only background long before the publication: the publication date stands in
    if chosen is not None:
        return model.DateInfo(
            start=chosen.start_date,
            end=chosen.end_date,
            precision=chosen.precision,
            text=chosen.text,
        )
    if pub is not None:
        return model.DateInfo(start=pub_iso, end=pub_iso, precision="day", text=None)
    return model.DateInfo()


# --------------------------------------------------------------------------
# Arabic
#
# The pipeline hands Arabic to the extractors normalised (extract.arabic:
# alef forms -> ا, ى -> ي, ة -> ه, diacritics and tatweel dropped, Arabic-Indic
# digits -> ASCII). The vocabulary in data/lexicons/ar/dates.toml is written in
# ordinary spelling and normalised the same way when loaded. Matches become the
# same _Raw records as English ones and are resolved by the same code; Arabic
# numeric dates are always day first.


@dataclass(frozen=True, slots=True)
class _ArLexicon:
    months: dict[str, int]
    hijri_months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    relative_days: dict[str, tuple[int, int]]
    relative_periods: dict[str, str]
    chained: dict[str, int]
    ago_units: dict[str, str]
    ago_duals: dict[str, str]
    cue_of: dict[str, str]
    pattern: re.Pattern[str]
    cue_tail: re.Pattern[str]
    glue: str
    current_year: re.Pattern[str]  # phrases that state the text's own year (before it)
    current_around: tuple[re.Pattern[str], re.Pattern[str]]  # … and around it
    current_hints: tuple[str, ...]  # words one of which the phrase before a year has
    earlier: re.Pattern[str]  # a sentence that opens in the pluperfect ("وكان ... قد")
    cue_head: re.Pattern[str]  # a cue that opens a date's own span ("منذ عام 2015")


def _arn(s: str) -> str:
    from .arabic import normalise

    return re.sub(r"\s+", " ", normalise(s)[0].strip())


def _arn_map(table: dict[str, Any]) -> dict[str, Any]:
    return {_arn(k): v for k, v in table.items()}


#: Words that may open a month or a year ("في ايار 2016", "خلال عام 2016").
_AR_PERIOD_LEAD = ["في", "خلال", "منذ", "مطلع", "بدايه", "اواخر", "اوائل", "منتصف", "نهايه"]


@lru_cache(maxsize=1)
def _lexicon_ar() -> _ArLexicon:
    raw = tomllib.loads(
        resources.files("strikewatch").joinpath("data/lexicons/ar/dates.toml").read_text(encoding="utf-8")
    )
    months = {k: int(v) for k, v in _arn_map(raw["months"]).items()}
    hijri = {k: int(v) for k, v in _arn_map(raw["hijri_months"]).items()}
    weekdays = {k: int(v) for k, v in _arn_map(raw["weekdays"]).items()}
    numbers = {k: int(v) for k, v in _arn_map(raw["numbers"]).items()}
    rel_days = {k: (int(v[0]), int(v[1])) for k, v in _arn_map(raw["relative_days"]).items()}
    rel_periods = _arn_map(raw["relative_periods"])
    chained = {k: int(v) for k, v in _arn_map(raw["chained_days"]).items()}
    ago_units = _arn_map(raw["ago_units"])
    ago_duals = _arn_map(raw["ago_duals"])
    cue_of = {_arn(p): kind for kind, phrases in raw["cues"].items() for p in phrases}
    glue = _alt([_arn(w) for w in raw["words"]["cue_glue"]])
    day_parts = [_arn(w) for w in raw["words"]["day_parts"]]
    parts = _alt(day_parts)
    last = _alt([_arn(w) for w in raw["words"]["weekday_last"]])
    year_words = [_arn(w) for w in raw["words"]["year_words"]]
    years = _alt(year_words)

    # A month, optionally with its other name: "تشرين الاول/اكتوبر", "اكتوبر (تشرين الاول)".
    mon = _alt(months)
    mon2 = rf"(?:\s*[/(-]\s*(?:{mon})\s*\)?)?"
    wd = _alt(weekdays)
    rel = _alt(rel_days)
    # a lead-in kept in the span: "فجر اليوم الجمعه", "يوم السبت", "مساء الخميس"
    # "صباح يوم الجمعة الموافق 22 تموز": the weekday and the date it corresponds to
    glue_wd = _alt([_arn(w) for w in raw["words"]["weekday_date_glue"]])
    lead = (rf"(?:(?:{parts})\s+)?(?:(?P<{{g}}_r>{rel})\s+)?(?:يوم\s+)?"
            rf"(?:(?P<{{g}}_w>{wd})\s*,?\s*(?:(?:{glue_wd})\s+)?)?")
    day = r"(?:ال)?(?:[12]\d|3[01]|0?[1-9])(?!\d)"
    year = r"(?:19|20)\d\d"
    year_tail = rf"(?:\s*[,./]?\s*(?:(?:{years})\s*)?(?P<{{g}}_y>{year})(?!\d)(?:\s*م(?!\w))?)?"
    alternatives = [
        # 12 - 13 تشرين الاول 2016 (a range of days)
        rf"(?P<r1>(?:بين\s+)?(?P<r1_d1>{day})\s*(?:-|و|الي|حتي)\s*(?P<r1_d2>{day})\s+(?:من\s+)?(?:شهر\s+)?"
        rf"(?P<r1_m>{mon}){mon2}" + year_tail.format(g="r1") + ")",
        # (فجر اليوم) (الجمعه) 6 (من) (شهر) تشرين الاول (عام) 2023
        # (and "21 / شباط / 2025", as date lines print it)
        rf"(?P<dm>{lead.format(g='dm')}(?P<dm_d>{day})(?:\s+|\s*/\s*)(?:من\s+)?(?:شهر\s+)?(?P<dm_m>{mon}){mon2}"
        + year_tail.format(g="dm") + ")",
        # (الثلاثاء،) يناير 18، 2022: month first, as pages print it; only with a year
        rf"(?P<md>{lead.format(g='md')}(?P<md_m>{mon})\s+(?P<md_d>{day})\s*[,\u060c]\s*(?P<md_y>{year}))(?!\d)",
        # 15 رمضان 1444 هـ
        rf"(?P<hj>(?P<hj_d>{day})\s+(?:من\s+)?(?:شهر\s+)?(?P<hj_m>{_alt(hijri)})\s*,?\s*(?P<hj_y>1[34]\d\d)\s*ه(?!\w))",
        # 2016-05-31, 2016/05/31
        rf"(?P<iso>{lead.format(g='iso')}(?P<iso_y>{year})(?P<iso_s>[-/.])(?P<iso_m>\d{{1,2}})(?P=iso_s)"
        rf"(?P<iso_d>\d{{1,2}}))(?![\d/.-]\d)",
        # 31/5/2016, 31-05-16: day first
        rf"(?P<sl>{lead.format(g='sl')}(?P<sl_a>\d{{1,2}})(?P<sl_s>[/.-])(?P<sl_b>\d{{1,2}})(?P=sl_s)"
        rf"(?P<sl_y>{year}|\d\d))(?![\d/.-]\d)",
        # (في) (شهر) ايار (عام) 2016
        rf"(?P<my>(?:(?:{_alt(_AR_PERIOD_LEAD)})\s+)?(?:شهر\s+)?(?P<my_m>{mon}){mon2}"
        rf"\s*[,.]?\s*(?:(?:{years})\s*)?(?P<my_y>{year}))(?!\d)",
        # (خلال) (عام) 2016
        rf"(?P<yr>(?:(?:{_alt(_AR_PERIOD_LEAD)})\s+)?(?:{years})\s*(?P<yr_y>{year}))(?!\d)",
        # قبل ثلاثه ايام, قبل 3 اسابيع, قبل اسبوعين
        rf"(?P<ago>قبل\s+(?:(?P<ago_n>\d{{1,2}}|{_alt(numbers)})\s+(?P<ago_u>{_alt(ago_units)})|"
        rf"(?P<ago_dual>{_alt(ago_duals)})|(?P<ago_one>{_alt([u for u in ago_units if u in ('يوم', 'اسبوع', 'شهر', 'عام', 'سنه')])}))"
        rf"(?!\w))",
        rf"(?P<ch>(?:{_alt(chained)}))(?!\w)",
        # (فجر) (يوم) (الخميس) الماضي
        rf"(?P<wd>(?:(?:{parts})\s+)?(?:(?:{rel})\s+)?(?:يوم\s+)?(?P<wd_d>{wd})(?P<wd_last>\s+(?:{last}))?)(?!\w)",
        rf"(?P<rp>{_alt(rel_periods)})(?!\w)",
        # (فجر) اليوم, مساء امس, ليله امس (السبت)
        rf"(?P<rd>(?:(?:{parts})\s+)?(?P<rd_r>{rel})(?:\s+(?P<rd_w>{wd}))?)(?!\w)",
    ]
    # where a date may begin (a digit, or the first word of one of the
    # alternatives' openings): one cheap test spares most words the alternatives
    starters = {w.split()[0] for w in [
        "بين", "يوم", "قبل", "شهر", *_AR_PERIOD_LEAD, *day_parts, *rel_days, *weekdays, *months, *year_words,
        *chained, *rel_periods]}
    first = rf"(?=\d|ال\d|{_alt(starters)})"
    pattern = re.compile(r"(?<![^\W\d_])" + first + "(?:" + "|".join(alternatives) + ")")
    cue_tail = re.compile(rf"(?:^|[\s\W])(?P<cue>{_alt(cue_of)})\s+(?:(?:{glue})\s+)*$")
    cur = raw["current_year"]
    since = _alt([_arn(w) for w in cur["since_start"]])
    now = _alt([_arn(w) for w in cur["current"]])
    # before the year: "منذ مطلع العام (الجاري) 2022", "العام الحالي 2023";
    # around it: "عام 2023 الجاري"
    current_year = re.compile(
        rf"(?:(?:{since})\s+(?:{years})\s*(?:(?:{now})\s*)?\(?\s*|(?:{years})\s+(?:{now})\s*\(?\s*)$"
    )
    current_around = (re.compile(rf"(?:{years})\s*$"), re.compile(rf"\s+(?:{now})(?!\w)"))
    current_hints = tuple({_arn(w).split()[0] for w in cur["since_start"]} | {_arn(w) for w in cur["current"]})
    pluperfect = _alt([_arn(w) for w in raw["words"]["pluperfect"]])
    return _ArLexicon(
        months=months, hijri_months=hijri, weekdays=weekdays, numbers=numbers, relative_days=rel_days,
        relative_periods=rel_periods, chained=chained, ago_units=ago_units, ago_duals=ago_duals,
        cue_of=cue_of, pattern=pattern, cue_tail=cue_tail, glue=glue, current_year=current_year,
        current_around=current_around, current_hints=current_hints,
        cue_head=re.compile(rf"(?P<cue>{_alt(cue_of)})\s"),
        earlier=re.compile(rf"[ \t]*(?:{pluperfect})\s+(?:\S+\s+){{0,6}}?قد\s"),
    )


#: Python ordinal of 1 Muharram 1 AH in the civil (tabular) Islamic calendar:
#: 16 July 622 Julian = 19 July 622 proleptic Gregorian.
_HIJRI_EPOCH = date(622, 7, 19).toordinal()


def _hijri_to_gregorian(y: int, m: int, d: int) -> date | None:
    """A Hijri date in the arithmetical (tabular, 30-year cycle) Islamic calendar.

    Reports follow the observed moon (or Umm al-Qura), which differs from the
    tabular calendar by up to a day or two either way: good for the ±1 day the
    evaluation allows, not for exact records.
    """
    if not (1 <= m <= 12 and 1 <= d <= 30):
        return None
    days = d + math.ceil(29.5 * (m - 1)) + (y - 1) * 354 + (3 + 11 * y) // 30 + _HIJRI_EPOCH - 1
    try:
        return date.fromordinal(days)
    except ValueError:
        return None


def _day_num(s: str) -> int:
    return int(s[2:] if s.startswith("ال") else s)


def _raw_matches_ar(doc: TextDoc, lex: _ArLexicon) -> list[_Raw]:
    out: list[_Raw] = []
    text = doc.text
    for m in lex.pattern.finditer(text):
        g = m.lastgroup
        if g is None:
            continue
        s, e = m.span(g)
        if g in ("r1", "dm"):
            y = m.group(g + "_y")
            mo = lex.months[_norm(m.group(g + "_m"))]
            if g == "r1":
                d1, d2 = _day_num(m.group("r1_d1")), _day_num(m.group("r1_d2"))
                if d2 >= d1:
                    out.append(_Raw(s, e, "range", int(y) if y else None, mo, d1, d2))
            else:
                w, rel = m.group("dm_w"), m.group("dm_r")
                d = _day_num(m.group("dm_d"))
                back = lex.relative_days[_norm(rel)] if rel else None
                out.append(_Raw(s, e, "day", int(y) if y else None, mo, d, d, extra="dm",
                                weekday=lex.weekdays[w] if w else None,
                                told_back=-back[0] if back and back[0] == back[1] else None))
        elif g == "md":
            w = m.group("md_w")
            d = _day_num(m.group("md_d"))
            out.append(_Raw(s, e, "day", int(m.group("md_y")), lex.months[_norm(m.group("md_m"))], d, d,
                            weekday=lex.weekdays[w] if w else None))
        elif g == "hj":
            gd = _hijri_to_gregorian(int(m.group("hj_y")), lex.hijri_months[_norm(m.group("hj_m"))],
                                     _day_num(m.group("hj_d")))
            if gd is not None:
                out.append(_Raw(s, e, "day", gd.year, gd.month, gd.day, gd.day))
        elif g == "iso":
            out.append(_Raw(s, e, "day", int(m.group("iso_y")), int(m.group("iso_m")), int(m.group("iso_d"))))
        elif g == "sl":
            y = m.group("sl_y")
            if len(y) == 2 and m.group("sl_s") != "/":
                continue
            a, b = int(m.group("sl_a")), int(m.group("sl_b"))
            out.append(_Raw(s, e, "day", _two_digit_year(y), b, a, a))  # day first
        elif g == "my":
            out.append(_Raw(s, e, "month", int(m.group("my_y")), lex.months[_norm(m.group("my_m"))]))
        elif g == "yr":
            out.append(_Raw(s, e, "year", int(m.group("yr_y"))))
        elif g == "ago":
            if m.group("ago_dual"):
                out.append(_Raw(s, e, "ago", d1=2, extra=lex.ago_duals[m.group("ago_dual")]))
            elif m.group("ago_one"):
                out.append(_Raw(s, e, "ago", d1=1, extra=lex.ago_units[m.group("ago_one")]))
            else:
                n = m.group("ago_n")
                count = int(n) if n.isdigit() else lex.numbers.get(n, 1)
                out.append(_Raw(s, e, "ago", d1=count, extra=lex.ago_units[m.group("ago_u")]))
        elif g == "ch":
            out.append(_Raw(s, e, "chained", extra=lex.chained[_norm(m.group(g))]))
        elif g == "wd":
            out.append(_Raw(s, e, "weekday", d1=lex.weekdays[m.group("wd_d")],
                            extra="last" if m.group("wd_last") else ""))
        elif g == "rp":
            out.append(_Raw(s, e, "rel_period", extra=lex.relative_periods[_norm(m.group(g))]))
        elif g == "rd":
            out.append(_Raw(s, e, "rel_days", extra=lex.relative_days[_norm(m.group("rd_r"))]))
    return out


#: how far back a sentence's opening is looked for
_SENTENCE_BACK = 200


def _earlier_ar(doc: TextDoc, lex: _ArLexicon, start: int) -> bool:
    """Whether the date's sentence opens in the pluperfect, "وكان نشطاء قد رصدوا
    في 25 أكتوبر": an earlier event recalled, not the one reported."""
    text = doc.text
    lo = max(0, start - _SENTENCE_BACK)
    head = max(text.rfind(c, lo, start) for c in ".\n!?؟")
    if head < 0 and lo > 0:
        return False  # no sentence start in reach
    return lex.earlier.match(text, head + 1, start) is not None


def _cue_kind_ar(doc: TextDoc, lex: _ArLexicon, start: int, end: int) -> str:
    """since / until / born / published when the words before the date say so, or
    the date's own lead-in does ("منذ عام 2015", kept in the span), else ""."""
    m = lex.cue_tail.search(doc.text, max(0, start - 30), start)
    if m:
        return lex.cue_of.get(_norm(m.group("cue")), "")
    m = lex.cue_head.match(doc.text, start, end)
    if m:
        return lex.cue_of.get(_norm(m.group("cue")), "")
    return ""

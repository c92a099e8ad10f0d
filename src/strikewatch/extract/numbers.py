"""Counts as written in English text: "at least 23", "twenty-three", "12 to 17", "dozens".

Casualty figures are built on these, so the rules lean towards *not* reading a
number as a count when it is something else: years, dates, times, ages
("aged 12", "12-year-old"), percentages, money, measures ("5 km", "122mm"),
model numbers ("Su-24"), ordinals and numbered things ("Resolution 2139").

Values keep what the text says: "more than 10" is ``low`` 10 with qualifier
``more_than`` (the hedge is in the qualifier, never folded into the value);
"up to 20" is ``low`` None, ``high`` 20; a range gives both ends; a vague
quantity ("dozens") has the conventional ``low`` from the lexicon
(``data/lexicons/en/casualties.toml``, where the conventions are documented)
and ``high`` None. "a"/"an" counts as one only before a person noun ("a
child", "an elderly woman"), where it is a casualty noun phrase.

The whole document is scanned once with one compiled alternation over
``TextDoc.folded``; spans are shared with ``TextDoc.text``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .mentions import NumberMention
from .textutil import TextDoc, fold

__all__ = ["Lexicon", "find_numbers", "lexicon", "parse_number_words"]

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)


def _alt(words: Any) -> str:
    """A regex alternation of phrases, longest first, spaces matching any blank run."""
    items = sorted({w for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The English casualty lexicon, loaded once and shared read-only."""

    raw: dict[str, Any]
    units: dict[str, int]
    multipliers: dict[str, int]
    qualifiers: dict[str, str]
    post_qualifiers: dict[str, str]
    vague: dict[str, int]
    groups: dict[str, str]
    number_re: re.Pattern[str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Read ``casualties.toml`` and compile the number scanner (once per process)."""
    path = resources.files("strikewatch.data").joinpath("lexicons/en/casualties.toml")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    units = dict(raw["number_words"]["units"])
    multipliers = dict(raw["number_words"]["multipliers"])
    qualifiers = dict(raw["qualifiers"])
    post_qualifiers = dict(raw["post_qualifiers"])
    vague = dict(raw["vague"])
    groups = dict(raw["groups"])
    modifiers = raw["persons"]["modifiers"]

    word = _alt([*units, *multipliers])
    words = rf"(?:an?\s+)?(?:{word})(?:(?:\s+and\s+|\s*-\s*|\s+)(?:{word}))*"
    digits = r"\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\s+(?:hundred|thousand|million)\b)?"
    num = rf"(?:{digits}|\b{words})"
    person = _alt(groups)
    mod = _alt(modifiers)
    pattern = (
        rf"(?<![\w$#.,/:+-])(?:(?P<q>{_alt(qualifiers)})\s+)?"
        rf"(?:between\s+(?P<b1>{num})\s+and\s+(?P<b2>{num})"
        rf"|(?P<v>\b(?:{_alt(vague)}))"
        rf"|(?P<n1>{num})(?:(?:\s*-\s*|\s+to\s+|\s+or\s+)(?P<n2>{num}))?"
        rf"|(?P<a>\ban?)(?!\s+family\s+of\b)(?=\s+(?:(?:{mod}|[a-z0-9]+[\s-]years?[\s-]old)\s+){{0,2}}(?:{person})\b))"
        rf"(?:\s+(?P<pq>{_alt(post_qualifiers)}))?\b"
    )
    return Lexicon(
        raw=raw, units=units, multipliers=multipliers, qualifiers=qualifiers,
        post_qualifiers=post_qualifiers, vague=vague, groups=groups,
        number_re=re.compile(pattern),
    )


_TOKEN = re.compile(r"[a-z]+")


def parse_number_words(words: str) -> int | None:
    """The value of an English number written in words or digits, else None.

    "twenty-three" 23, "one hundred and five" 105, "a dozen" 12, "two dozen"
    24, "two thousand" 2000, "1,200" 1200, "3 million" 3000000. Word sequences
    that are not one number ("two three") give None.
    """
    lex = lexicon()
    text = fold(words).strip()
    m = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\s+([a-z]+))?", text)
    if m:
        value = int(m.group(1).replace(",", ""))
        if m.group(2):
            mult = lex.multipliers.get(m.group(2))
            if mult is None:
                return None
            value *= mult
        return value
    tokens = [t for t in _TOKEN.findall(text) if t not in ("and", "of")]
    if tokens and tokens[0] in ("a", "an"):
        tokens = tokens[1:]
    if not tokens:
        return None
    total, current, last = 0, 0, ""  # last: "", "unit", "teen", "tens", "hundred", "big"
    for tok in tokens:
        if tok in lex.units:
            val = lex.units[tok]
            if tok == "dozen":
                current = (current or 1) * 12
                last = "big"
                continue
            if val == 0:
                if last:
                    return None
                last = "unit"
                continue
            if val < 10:
                if last in ("unit", "teen"):
                    return None
                kind = "unit"
            elif val < 20:
                if last in ("unit", "teen", "tens"):
                    return None
                kind = "teen"
            else:
                if last in ("unit", "teen", "tens"):
                    return None
                kind = "tens"
            current += val
            last = kind
        elif tok in lex.multipliers:
            mult = lex.multipliers[tok]
            if mult == 100:
                if last == "hundred":
                    return None
                current = (current or 1) * 100
                last = "hundred"
            else:
                total += (current or 1) * mult
                current = 0
                last = "big"
        else:
            return None
    return total + current


# Context that says a number is not a count. Checked on the folded text.
_BAD_BEFORE = re.compile(
    rf"(?:\b(?:{_MONTHS})\.?\s*|\d\s*|\bno\s+|\b(?:aged?|ages|no\.|nos\.|number|resolution|resolutions|route|highway|"
    r"road|page|pages|article|articles|chapter|section|paragraph|room|building|block|street|"
    r"apartment|flat|house|unit|brigade|division|battalion|regiment|corps|squadron|"
    r"flight|model|type|version|level|phase|grade|class|km|kilometre|kilometer|"
    r"usd|us\$|eur|gbp|rs|sdg|syp|iqd|ils|nis|\$|\u00a3|\u20ac|\u20aa)\s*|[a-z]-|[a-z])$"
)
_BAD_AFTER = re.compile(
    rf"^(?:\s*(?:%|percent|per\s*cent|pc\b)"
    r"|[.,]\d|/|:\d|\s*-?\s*(?:years?|yrs?|months?|weeks?|days?)[\s-]*old\b|-year\b|-month\b"
    r"|(?:st|nd|rd|th)\b"
    r"|\s*-?\s*(?:mm|cm|km|kms|m|kg|kgs|lb|lbs|t|ft|mi|mph|kmh|km/h|hrs?|h|am|pm|a\.m|p\.m|gw|mw|kw|s)\b"
    r"|\s*(?:millimet(?:er|re)s?|centimet(?:er|re)s?|kilomet(?:er|re)s?|met(?:er|re)s?|miles?|"
    r"feet|foot|yards?|inch(?:es)?|kilos?|kilograms?|tons?|tonnes?|litres?|liters?|"
    r"hours?|minutes?|seconds?|days?|weeks?|months?|years?|decades?|centuries|nights?|"
    r"o'clock|dollars?|euros?|pounds?|shekels?|dinars?|riyals?|rupees?|liras?|afghanis?|"
    r"percent|times|fold|calibre|caliber|degrees?|acres?|hectares?|dunums?|donums?|"
    r"sq|square|storey|story|floors?|rounds?|shells?|rockets?|missiles?|bombs?|"
    r"projectiles?|mortars?|strikes?|airstrikes?|raids?|attacks?|drones?|aircraft|planes?|"
    r"jets?|helicopters?|sorties|barrels?|munitions|targets?|buildings?|houses?|homes?|"
    r"villages?|towns?|cities|areas?|neighbou?rhoods?|locations?|sites?|vehicles?|cars?|"
    r"trucks?|tanks?|mosques?|schools?|hospitals?|shops?|stores?|points?|positions?|"
    r"bases?|checkpoints?|explosions?|blasts?|trips?|times|occasions?)\b"
    rf"|\s*,?\s*(?:{_MONTHS})\b)"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_AFTER_YEAR = re.compile(r"(?<![\d.,:/-])(?:19|20)\d\d,?\s+$")
_OTHERS_BEFORE = re.compile(
    r"(?:\d|\b(?:the|these|those|all|some|any|many|several|few|numerous|dozens|hundreds|scores|tens|"
    r"of|among|amongst|and\s+the|no|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|dozen|hundred|thousand|more|other|his|her|their|its|our|"
    r"several|various|both|each|with|to|from|for|like|as|than|by|whom|number\s+of))[\s,]*$"
)


def _norm_ws(s: str) -> str:
    return re.sub(r"\s+", " ", s)
_AGE_PAREN = re.compile(r"^\s*(?:or\s+\d+\s*)?(?:years?(?:\s+old)?\s*)?\)")


def find_numbers(doc: TextDoc) -> list[NumberMention]:
    """Every count in the document, in text order, with its qualifier and span."""
    lex = lexicon()
    folded = doc.folded
    out: list[NumberMention] = []
    for m in lex.number_re.finditer(folded):
        mention = _mention(m, doc, lex)
        if mention is not None:
            out.append(mention)
    return out


def _value(s: str | None) -> int | None:
    return None if s is None else parse_number_words(s)


def _mention(m: re.Match[str], doc: TextDoc, lex: Lexicon) -> NumberMention | None:
    """Turn a scanner match into a mention, or None when the context says it is no count."""
    folded = doc.folded
    start, end = m.start(), m.end()
    core_start = m.start("q") if m.group("q") else start
    for name in ("b1", "v", "n1", "a"):
        if m.group(name) is not None:
            core_start = m.start(name)
            break
    core_end = end
    for name in ("b2", "v", "n2", "n1", "a"):
        if m.group(name) is not None:
            core_end = m.end(name)
            break
    # Context checks on the numeric core.
    if m.group("v") is not None and _norm_ws(m.group("v")) == "others":
        # "others" is a count only where nothing before it counts or points back:
        # "injuring others" (vague, two or more), never "12 others" or "the others".
        if m.group("q") or _OTHERS_BEFORE.search(folded, max(0, start - 24), start):
            return None
    if m.group("v") is None and m.group("a") is None:
        before = folded[max(0, core_start - 14):core_start]
        after = folded[core_end:core_end + 24]
        bad = _BAD_BEFORE.search(before)
        if bad and _AFTER_YEAR.search(before):
            bad = None  # "On 7 October 2023 six people ...": the digit before is a year
        if bad or _BAD_AFTER.match(after):
            return None
        if before.endswith("(") and _AGE_PAREN.match(after):
            return None
        first = m.group("b1") or m.group("n1") or ""
        if _YEAR.fullmatch(first) or _YEAR.fullmatch(m.group("b2") or m.group("n2") or "x"):
            return None
    qualifier = lex.qualifiers.get(re.sub(r"\s+", " ", m.group("q") or ""), "exact")
    low: int | None
    high: int | None
    if m.group("v") is not None:
        low, high, qualifier = lex.vague[re.sub(r"\s+", " ", m.group("v"))], None, "vague"
    elif m.group("a") is not None:
        low = high = 1
    elif m.group("b1") is not None:
        low, high = _value(m.group("b1")), _value(m.group("b2"))
        if low is None or high is None:
            return None
        qualifier = "range" if qualifier == "exact" else qualifier
    else:
        low = _value(m.group("n1"))
        if low is None:
            return None
        high = low
        if m.group("n2") is not None:
            high = _value(m.group("n2"))
            if high is None or high < low:
                return None
            if high > low:
                qualifier = "range" if qualifier == "exact" else qualifier
    if m.group("pq"):
        qualifier = lex.post_qualifiers[re.sub(r"\s+", " ", m.group("pq"))]
    if qualifier in ("at_least", "more_than"):
        high = None
    elif qualifier == "up_to":
        low = None
    return NumberMention(start=start, end=end, text=doc.text[start:end], low=low, high=high,
                         qualifier=qualifier)

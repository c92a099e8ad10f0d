"""Counts as written in English text: "at least 23", "twenty-three", "12 to 17", "dozens".

Casualty figures are built on these, so the rules lean towards *not* reading a
number as a count when it is something else: years, dates, times, ages
("aged 12", "12-year-old"), percentages, money, measures ("5 km", "122mm"),
model numbers ("Su-24"), ordinals and numbered things ("Resolution 2139").

Values keep what the text says: "more than 10" is ``low`` 10 with qualifier
``more_than`` (the hedge is in the qualifier, never folded into the value);
"up to 20" is ``low`` None, ``high`` 20; a range gives both ends (also a
lower and an upper bound told together: "at least 12 and up to 20"); a vague
quantity ("dozens") has the conventional ``low`` from the lexicon
(``data/lexicons/en/casualties.toml``, where the conventions are documented)
and ``high`` None. "a"/"an" (and "another") counts as one only before a person
noun ("a child", "an elderly woman", "another civilian"), where it is a casualty
noun phrase.

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

from .lexicon import alternation
from .mentions import NumberMention
from .textutil import TextDoc, fold

__all__ = ["ArabicLexicon", "Lexicon", "find_numbers", "lexicon", "lexicon_ar", "parse_number_ar", "parse_number_words"]

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)


_alt = alternation  # phrases longest first, spaces matching any blank run


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
        # "a"/"an" (and "another": one more) before a person noun
        rf"|(?P<a>\b(?:an?|another))(?!\s+family\s+of\b)"
        rf"(?=\s+(?:(?:{mod}|[a-z0-9]+[\s-]years?[\s-]old|[a-z]+-[a-z]+ed)\s+){{0,3}}(?:{person})\b))"
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
    # "of" points back ("two of others"), but not after a noun of harm: "the injury of others"
    r"(?<!injury\s)(?<!injuries\s)(?<!wounding\s)(?<!death\s)(?<!deaths\s)of|"
    r"among|amongst|and\s+the|no|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|dozen|hundred|thousand|more|other|his|her|their|its|our|"
    r"several|various|both|each|with|to|from|for|like|as|than|by|whom|number\s+of))[\s,]*$"
)


def _norm_ws(s: str) -> str:
    return re.sub(r"\s+", " ", s)
#: a name (two words written with capitals), then a comma: a number between commas after it is an age
_AGE_COMMA = re.compile(r"\b[A-Z][a-z'\u2019-]+\s+[A-Z][a-z'\u2019-]+,\s*$")
_AGE_PAREN = re.compile(r"^\s*(?:or\s+\d+\s*)?(?:years?(?:\s+old)?\s*)?\)")


def find_numbers(doc: TextDoc) -> list[NumberMention]:
    """Every count in the document, in text order, with its qualifier and span."""
    if doc.language == "ar":
        return _find_numbers_ar(doc)
    lex = lexicon()
    folded = doc.folded
    out: list[NumberMention] = []
    for m in lex.number_re.finditer(folded):
        mention = _mention(m, doc, lex)
        if mention is not None:
            out.append(mention)
    return _hedged_ranges(doc, out) if len(out) > 1 else out


#: "at least 12 and up to 20", "at least two but possibly up to 9", "at least 40, and up to 90,"
_RANGE_GAP = re.compile(r"\s*(?P<c>,)?\s*(?:and|but|or)?\s*(?:possibly|perhaps|potentially|maybe|reportedly)?\s*")
_UP_TO = re.compile(r"(?:up\s+to|as\s+many\s+as)\b")
_RANGE_TAIL = re.compile(r",(?=\s+[a-z])")


def _hedged_ranges(doc: TextDoc, numbers: list[NumberMention]) -> list[NumberMention]:
    """A lower and an upper bound told together are one range: "at least 12 and up to 20
    civilians" is low 12, high 20 (qualifier "range"). Where the upper bound is set off by
    commas ("at least 40, and up to 90, people") the range takes the closing comma, so the
    noun still follows the count."""
    folded = doc.folded
    out: list[NumberMention] = []
    i = 0
    while i < len(numbers):
        a = numbers[i]
        b = numbers[i + 1] if i + 1 < len(numbers) else None
        if (b is not None and a.qualifier == "at_least" and b.qualifier == "up_to" and a.low is not None
                and b.high is not None and b.high > a.low and _UP_TO.match(folded, b.start)):
            gap = _RANGE_GAP.fullmatch(folded, a.end, b.start)
            if gap:
                end = b.end
                if gap.group("c"):
                    tail = _RANGE_TAIL.match(folded, end)
                    end = tail.end() if tail else end
                out.append(NumberMention(start=a.start, end=end, text=doc.text[a.start:end], low=a.low,
                                         high=b.high, qualifier="range"))
                i += 2
                continue
        out.append(a)
        i += 1
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
        if after.startswith(",") and m.group("n1") and m.group("n2") is None \
                and _AGE_COMMA.search(doc.text, max(0, core_start - 40), core_start):
            return None  # "Layla Omar, 45, was injured": an age after a name
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


# --------------------------------------------------------------------------
# Arabic
#
# Arabic text reaches the extractors normalised (:func:`.arabic.normalise`):
# digits are ASCII, alef forms one alef, teh marbuta heh, alef maqsura yeh, no
# diacritics or tatweel. The lexicon (``data/lexicons/ar/casualties.toml``) is
# written in ordinary spelling and normalised the same way when it is loaded.
# Number words come in their gender and case forms ("ثلاثة"/"ثلاث",
# "عشرون"/"عشرين"); teens are a unit and "عشر"/"عشرة" ("خمسة عشر"), compounds
# join with "و" ("خمسة وعشرون"), hundreds and thousands multiply ("ثلاث مئة",
# "خمسة آلاف"). A number may carry the conjunction "و" ("وثلاثة", "و5").


def _ar(s: str) -> str:
    from .arabic import normalise

    # TextDoc.folded also folds hamza seats (NFD: "ئ" -> "ي", "ؤ" -> "و"); match it
    return re.sub(r"\s+", " ", fold(normalise(s)[0]).strip())


def _ar_alt(words: Any) -> str:
    """An alternation of Arabic phrases as a trie, so a scan tries each letter once.

    Longer phrases are preferred where one is the start of another (as with a
    longest-first alternation); a space matches any blank run.
    """
    trie: dict[str, Any] = {}
    for w in {w for w in words if w}:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_re(trie)


def _trie_re(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [(r"\s+" if ch == " " else re.escape(ch)) + _trie_re(sub)
                for ch, sub in sorted(node.items()) if ch != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return f"(?:{body})?" if len(branches) == 1 or not body.startswith("(?:") else body + "?"
    return body


@dataclass(frozen=True, slots=True)
class ArabicLexicon:
    """The Arabic casualty lexicon, normalised, loaded once and shared read-only."""

    raw: dict[str, Any]
    words: dict[str, tuple[str, int]]  # normalised word -> (kind, value)
    qualifiers: dict[str, str]
    post_qualifiers: dict[str, str]
    vague: dict[str, int]
    number_re: re.Pattern[str]


def _ar_table(table: dict[str, Any]) -> dict[str, Any]:
    return {_ar(k): v for k, v in table.items()}


@lru_cache(maxsize=1)
def lexicon_ar() -> ArabicLexicon:
    """Read ``lexicons/ar/casualties.toml`` and compile the Arabic number scanner (once)."""
    path = resources.files("strikewatch.data").joinpath("lexicons/ar/casualties.toml")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    nw = raw["number_words"]
    words: dict[str, tuple[str, int]] = {}
    for kind in ("units", "tens", "hundreds"):
        for k, v in _ar_table(nw[kind]).items():
            words[k] = (kind, int(v))
    for k, v in _ar_table(nw["multipliers"]).items():
        if k not in words:
            words[k] = ("multipliers", int(v))
    teens = _ar_table(nw["teens"])
    qualifiers = _ar_table(raw["qualifiers"])
    post_qualifiers = _ar_table(raw["post_qualifiers"])
    vague = _ar_table(raw["vague"])
    # the first words of the teens ("أحد عشر", "اثنا عشر") count only before "عشر"
    teen_heads = {t.split(" ")[0] for t in teens}
    unit_alt = _ar_alt([w for w, (k, _) in words.items() if k == "units"])
    for head in teen_heads:
        words.setdefault(head, ("teen_head", int(teens[next(t for t in teens if t.startswith(head + " "))]) - 10))
    teen = rf"(?:{_ar_alt(teen_heads)}|{unit_alt})\s+عشر[ه]?(?!\w)"
    word = rf"(?:{teen}|(?:{_ar_alt(w for w, (k, _) in words.items() if k != 'teen_head')})(?!\w))"
    seq = rf"{word}(?:\s+(?:و\s?)?{word})*"
    digits = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+"
    num = rf"(?:{digits}|{seq})"
    pattern = (
        rf"(?<![\w.,/:+\-])(?:و(?=[^\W\d]))?(?:(?P<q>{_ar_alt(qualifiers)})\s+)?(?P<pre>[وب](?=[\d\w]))?"
        rf"(?:(?P<v>(?:{_ar_alt(vague)}))(?!\w)"
        rf"|(?P<n1>{num})(?:(?:\s*-\s*|\s+(?:الي|او|و)\s*)(?P<n2>{digits}))?)"
        rf"(?:\s+(?P<pq>{_ar_alt(post_qualifiers)})(?!\w))?"
    )
    return ArabicLexicon(raw=raw, words=words, qualifiers=qualifiers, post_qualifiers=post_qualifiers,
                         vague=vague, number_re=re.compile(pattern))


def parse_number_ar(text: str) -> int | None:
    """The value of a normalised Arabic number in digits or words, else None.

    "12" 12, "1,200" 1200, "ثلاثه" 3, "خمسه عشر" 15, "خمسه وعشرون" 25,
    "ثلاث ميه" 300, "ميه وعشرون" 120, "خمسه الاف" 5000.
    """
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", text):
        return int(text.replace(",", ""))
    words = lexicon_ar().words
    total, current = 0, 0
    tokens = text.split()
    for i, tok in enumerate(tokens):
        entry = words.get(tok)
        if entry is None and tok.startswith("و"):
            entry = words.get(tok[1:])
        if entry is None:
            return None
        kind, val = entry
        if kind == "units" and val == 10 and i > 0 and tokens[i - 1] in words \
                and words[tokens[i - 1]][0] in ("units", "teen_head") and not tok.startswith("و") \
                and 0 < words[tokens[i - 1]][1] < 10:
            current += 10  # "خمسه عشر": the unit is already counted
        elif kind == "multipliers" or (kind == "hundreds" and val in (100, 1000) and 0 < current < 10):
            if val >= 1000:
                total += (current or 1) * val
                current = 0
            else:
                current = (current or 1) * val
        elif kind == "hundreds" and val >= 1000:
            total += val
        else:
            current += val
    return total + current


_AR_BAD_BEFORE = re.compile(
    r"(?:\b(?:الساعه|ساعه|عام|العام|سنه|لعام|رقم|الرقم|عمر|بعمر|العمر|عمره|عمرها|طريق|الطريق|"
    r"اللواء|الفرقه|الفوج|الكتيبه|المرحله|الماده|القرار|الطابق|تشرين|كانون|عايله|اسره)\s*|[\w]-|\d[ \t]+)$"
)
_AR_MONTHS = (
    "كانون|شباط|اذار|نيسان|ايار|حزيران|تموز|اب|ايلول|تشرين|يناير|فبراير|مارس|ابريل|مايو|"
    "يونيو|يونيه|يوليو|يوليه|اغسطس|سبتمبر|اكتوبر|نوفمبر|ديسمبر"
)
#: things counted in attack reports (munitions, raids, buildings, places): a count before
#: one of them is no count of people
_AR_THINGS = (
    r"غاره|غارات|صاروخ|صواريخ|صاروخا|قذيفه|قذايف|برميل|براميل|برميلا|طايره|طايرات|مسيره|مسيرات|"
    r"ضربه|ضربات|منزل|منازل|منزلا|مبني|مباني|سياره|سيارات|قريه|قري|بلده|بلدات|مدن|هجمات|هجوما|"
    r"هجوم|مره|مرات|نقطه|نقاط|موقع|مواقع|مراكز|مركز|مشفي|مشافي|مستشفيات|مدارس|مدرسه"
)
_AR_BAD_AFTER = re.compile(
    r"^(?:\s*(?:%|٪)|[.,]\d|/\d|:\d|-\w"
    r"|\s*(?:بالميه|بالمايه|في\s+الميه|في\s+المايه|عاما|اعوام|سنه|سنوات|سنين|شهرا|شهور|اشهر|"
    r"يوما|ايام|اسبوعا|اسابيع|ساعه|ساعات|دقيقه|دقايق|ثانيه|كم|كيلو|كيلومتر|كيلومترات|كلم|"
    r"متر|مترا|امتار|مم|ملم|ملي|كغ|كلغ|كيلوغرام|طن|ليره|دولار|دولارا|يورو|"
    rf"{_AR_THINGS}|{_AR_MONTHS})(?!\w))"
)
#: after a vague quantity ("عدة قذائف", "عشرات الغارات", "عدد من الصواريخ"): things, no people
_AR_THINGS_AFTER_VAGUE = re.compile(rf"\s*(?:ال)?(?:{_AR_THINGS})(?!\w)")


def _find_numbers_ar(doc: TextDoc) -> list[NumberMention]:
    """Every count in a normalised Arabic document, in text order."""
    lex = lexicon_ar()
    text = doc.folded
    out: list[NumberMention] = []
    for m in lex.number_re.finditer(text):
        start, end = m.start(), m.end()
        core_start = m.start("v") if m.group("v") is not None else m.start("n1")
        core_end = m.end("n2") if m.group("n2") else (m.end("v") if m.group("v") is not None else m.end("n1"))
        if m.group("v") is not None:
            if _AR_THINGS_AFTER_VAGUE.match(text, m.end("v")):
                continue
        else:
            if _AR_BAD_BEFORE.search(text, max(0, core_start - 12), core_start) \
                    or _AR_BAD_AFTER.match(text[core_end:core_end + 24]):
                continue
            if _YEAR.fullmatch(m.group("n1")) or _YEAR.fullmatch(m.group("n2") or "x"):
                continue
        start = m.start("q") if m.group("q") else core_start
        qualifier = lex.qualifiers.get(_norm_ws(m.group("q") or ""), "exact")
        low: int | None
        high: int | None
        if m.group("v") is not None:
            low, high, qualifier = lex.vague[_norm_ws(m.group("v"))], None, "vague"
        else:
            low = high = parse_number_ar(_norm_ws(m.group("n1")))
            if low is None:
                continue
            if m.group("n2"):
                high = parse_number_ar(m.group("n2"))
                if high is None or high <= low:
                    # "5 و6": a list, not a range; keep the first count only
                    end, high = m.end("n1"), low
                else:
                    qualifier = "range" if qualifier == "exact" else qualifier
        if m.group("pq"):
            qualifier = lex.post_qualifiers[_norm_ws(m.group("pq"))]
        if qualifier in ("at_least", "more_than"):
            high = None
        elif qualifier == "up_to":
            low = None
        out.append(NumberMention(start=start, end=end, text=doc.text[start:end], low=low, high=high,
                                 qualifier=qualifier))
    return out

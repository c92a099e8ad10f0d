"""Loading and compiling the phrase lexicons under ``strikewatch/data/lexicons``.

Lexicons are data (TOML): phrases mapped to canonical labels and attributes.
This module turns a list of phrases into ONE regular expression built as a
character trie, so a whole lexicon is matched in a single left-to-right pass
over ``TextDoc.folded`` (hundreds of phrases cost about as much as a few).

Matching conventions, shared by every lexicon:

* phrases are matched on the folded text (lower case, no diacritics);
* a space or hyphen in a phrase matches any run of spaces/hyphens, or none, so
  "air strike" also finds "airstrike" and "air-strike";
* a dot in a phrase is optional ("u.s." finds "us" and "U.S.");
* an optional plural ``s``/``es`` may follow any phrase unless the lexicon
  says otherwise;
* ``acronyms`` are matched case-sensitively on the original text ("IS" the
  group, not "is" the verb).

Arabic phrases (any phrase with an Arabic letter) are normalised at load
(:func:`strikewatch.extract.arabic.normalise`) and matched on normalised text
with Arabic word morphology instead of the English plural:

* the first word may carry the clitics و/ف then ب/ل/ك ("وبالطيران", "للمرصد");
* every word may carry the article ال (ل after the clitic ل); a phrase word
  written with ال requires it, one written without takes it optionally;
* an optional dual/plural/pronoun ending may follow (ان، ين، ون، ات، ه، ها، هم)
  unless the lexicon says ``plural=False``;
* a last word written with ta marbuta (ة, normalised ه) takes its endings on
  ت instead, and its plural ات replaces it: "سيارة" also finds "سيارتين",
  "سيارتان", "سيارته", "سيارتهم", "قريتي", "قريتنا", "سيارات" and
  "سياراتهم". Only a phrase written with ة in the lexicon gets these forms
  (not "وجه", whose ه is a root letter, nor a phrase written with ه), and only
  where endings are allowed;
* words are separated by at least one space, hyphen or underscore, and an
  underscore is a word boundary (hashtags: "#مجزرة_السوق", "#دير_الزور").

Each Arabic phrase ends in an empty named group, so a match names its entry
directly whatever clitics and article it carried.

An Arabic regex opens with a lookbehind (the word boundary), which leaves
``re`` no prefix to scan for: it would try the whole pattern at every
character. So a lexicon does not scan the text with it. The words of a text
are indexed once (by their first few letters, :func:`_word_index`), each
lexicon knows the first letters every match of it must begin with (its first
word with any clitics, article and ending, a ta marbuta's ت forms included,
:func:`_first_word_keys`), and the regex is tried with ``match`` only where
such a word begins: the same matches as ``finditer``, in a fraction of the
time.

Compiled lexicons are cached (``lru_cache``) and never mutated afterwards.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

_SEP = "\x00"  # trie atom for a space or hyphen
_DOT = "\x01"  # trie atom for an optional dot
_KEY_DROP = re.compile(r"[\s\-.]+")


_ARABIC = re.compile("[\u0600-\u06ff]")
_ART_REQ = "\x02"  # trie atom: the article, required
_ART_OPT = "\x03"  # trie atom: the article, optional
# The clitics a first word may carry (و/ف then ب/ل/ك) and the article (ال, or
# ل after the clitic ل), spelt out once: the regex and the first-word keys of
# :func:`_first_word_keys` are both made from them.
_AR_CLITICS_1 = ("", "\u0648", "\u0641")
_AR_CLITICS_2 = ("", "\u0628", "\u0644", "\u0643")
_AR_AL = "\u0627\u0644"
_AR_LAM = "\u0644"
_AR_PREFIX = f"[{''.join(_AR_CLITICS_1)}]?[{''.join(_AR_CLITICS_2)}]?"
_AR_ARTICLE = f"(?:{_AR_AL}|(?<={_AR_LAM}){_AR_LAM})"
#: the optional endings, in the order the regex tries them: ا، تين، تان، ان، ين، ون، ات، ها، هم، ه
_AR_ENDINGS = (
    "\u0627", "\u062a\u064a\u0646", "\u062a\u0627\u0646", "\u0627\u0646", "\u064a\u0646",
    "\u0648\u0646", "\u0627\u062a", "\u0647\u0627", "\u0647\u0645", "\u0647",
)
_AR_SUFFIX = "(?:" + "|".join(_AR_ENDINGS) + ")?"
_AR_TA = "\uffff"  # trie atom: a ta marbuta, as ه or a ت form (:data:`_AR_TA_FORMS`); sorts last
_AR_TEH = "\u062a"
#: the endings a word written with ta marbuta takes on ت (dual تين/تان/تا/تي,
#: pronouns ته/تها/تهم/تهما/تي/تنا), longest first.
_AR_TA_ENDINGS = (
    "\u064a\u0646", "\u0627\u0646", "\u0647\u0645\u0627", "\u0647\u0645", "\u0647\u0627",
    "\u0646\u0627", "\u0647", "\u0627", "\u064a",
)
#: its plural ات replaces the ه, and may carry a pronoun (سياراتهم), as a
#: plural written out in a lexicon may.
_AR_TA_PLURAL = "\u0627\u062a"
_AR_PRONOUNS = ("\u0647\u0645\u0627", "\u0647\u0645", "\u0647\u0627", "\u0647")
#: what stands for the final ه of a ta marbuta word: the ت-stem with an ending,
#: or the plural; the word ends there (no other ending follows, which keeps
#: the first-word keys of :func:`_first_word_keys` exact).
_AR_TA_FORMS = (
    *(_AR_TEH + e for e in _AR_TA_ENDINGS), *(_AR_TA_PLURAL + e for e in _AR_PRONOUNS), _AR_TA_PLURAL,
)
_AR_TA_RE = "(?:\u0647|(?:" + "|".join(_AR_TA_FORMS) + r")(?![^\W_]))"
#: A word of the text: a run of letters and digits ("_" joins hashtag words).
_WORD = re.compile(r"[^\W_]+")
#: How many first letters of a word index it: enough to tell most words apart
#: after a clitic and the article ("وبال" + two letters), few enough to keep a
#: lexicon's keys to a few per phrase.
_KEY_LEN = 6
#: A word of the text, its key (first letters) in group 1.
_WORD_KEY = re.compile(r"([^\W_]{1,%d})[^\W_]*" % _KEY_LEN)


def is_arabic(phrase: str) -> bool:
    """Whether a phrase is written in Arabic script."""
    return bool(_ARABIC.search(phrase))


def normalise_ar(phrase: str) -> str:
    """An Arabic lexicon phrase in the form the text is matched in: normalised
    (:mod:`.arabic`), then folded like ``TextDoc.folded`` (which also drops the
    hamza of ؤ and ئ)."""
    from .arabic import normalise
    from .textutil import fold

    return fold(normalise(phrase)[0]).strip()


@lru_cache(maxsize=8192)  # read twice per phrase: for its regex and its first word's keys
def _atoms_ar(phrase: str) -> tuple[str, ...]:
    out: list[str] = []
    for word in re.split(r"[\s\-]+", normalise_ar(phrase)):
        if not word:
            continue
        if out:
            out.append(_SEP)
        if word.startswith("\u0627\u0644") and len(word) > 3:
            out.append(_ART_REQ)
            word = word[2:]
        else:
            out.append(_ART_OPT)
        out.extend(word)
    return tuple(out)


@lru_cache(maxsize=8192)
def _ta_marbuta(phrase: str) -> bool:
    """Whether an Arabic phrase's last word is written with ta marbuta (ة),
    which normalising made ه: a noun or adjective that takes its endings on ت.
    A ه written as such (a root letter, "وجه"; a pronoun) is no ta marbuta."""
    atoms = _atoms_ar(phrase)
    # at least two letters of the word before it: "غارة", not a lone letter
    if len(atoms) < 4 or atoms[-1] != "\u0647" or not all(_WORD.fullmatch(a) for a in atoms[-3:-1]):
        return False
    as_teh = normalise_ar(phrase.replace("\u0629", _AR_TEH))
    return len(as_teh) == len(normalise_ar(phrase)) and as_teh.endswith(_AR_TEH)


def _trie_regex_ar(phrases: Iterable[tuple[str, int | None]], endings: bool) -> str:
    """A regex for Arabic ``(phrase, id)``: each phrase ends in group ``e<id>``.
    Where ``endings`` are allowed, a phrase whose last word is written with ta
    marbuta also ends in its ت forms (:data:`_AR_TA_FORMS`)."""
    root: dict[str, Any] = {}
    for phrase, ident in phrases:
        atoms = _atoms_ar(phrase)
        if endings and _ta_marbuta(phrase):
            atoms = atoms[:-1] + (_AR_TA,)  # its last letter ه, or a ت form
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node.setdefault("", ident)

    def atom_re(atom: str) -> str:
        if atom == _SEP:
            return r"[\s\-_]+"  # "_" joins hashtag words (#دير_الزور)
        if atom == _ART_REQ:
            return _AR_ARTICLE
        if atom == _ART_OPT:
            return _AR_ARTICLE + "?"
        if atom == _AR_TA:
            return _AR_TA_RE
        return re.escape(atom)

    def build(node: dict[str, Any]) -> str:
        alts = [atom_re(a) + build(child) for a, child in sorted(node.items()) if a != ""]
        if "" in node:
            alts.append(f"(?P<e{node['']}>)" if node[""] is not None else "")
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    return build(root)


def _first_word_keys(phrases: Iterable[str], plural: bool) -> frozenset[str] | None:
    """The index keys (:func:`_word_index`) of every word a match of ``phrases``
    may begin with: each phrase's first word with every clitic pair, the article
    where it may or must stand, and, for a one-word phrase, every ending (a ta
    marbuta's ت forms included). None when some match need not begin a word
    (a phrase opening with a sign): the lexicon then scans the whole text."""
    keys: set[str] = set()
    seen: set[tuple[str, str, bool, bool]] = set()
    for phrase in phrases:
        atoms = _atoms_ar(phrase)
        if not atoms:
            return None  # a phrase with no letters: the regex matches its clitics alone
        sep = atoms.index(_SEP) if _SEP in atoms else len(atoms)
        word = "".join(atoms[1:sep])
        # The text's word that a match begins with ends where the phrase word's
        # letters do: at the separator or boundary after it, or at a sign inside
        # it ("ب.ك.ك"), in which case no ending can reach that word.
        letters = _WORD.match(word)
        cut = letters.group() if letters is not None else ""
        ends = plural and sep == len(atoms) and cut == word  # endings follow a one-word phrase only
        ta = ends and _ta_marbuta(phrase)
        if (atoms[0], cut, ends, ta) in seen:
            continue
        seen.add((atoms[0], cut, ends, ta))
        for c1 in _AR_CLITICS_1:
            for c2 in _AR_CLITICS_2:
                # ال anywhere; ل alone only right after the clitic ل ("للمرصد")
                articles = [_AR_AL, _AR_LAM] if c2 == _AR_LAM else [_AR_AL]
                if atoms[0] == _ART_OPT:
                    articles.append("")
                for article in articles:
                    stem = c1 + c2 + article + cut
                    if not stem:
                        return None
                    if ends and len(stem) < _KEY_LEN:  # an ending shows in the key
                        keys.update((stem + e)[:_KEY_LEN] for e in ("", *_AR_ENDINGS))
                    else:
                        keys.add(stem[:_KEY_LEN])
                    if ta and len(stem) <= _KEY_LEN:  # the ت form shows in the key (ه dropped)
                        keys.update((stem[:-1] + f)[:_KEY_LEN] for f in _AR_TA_FORMS)
    return frozenset(keys)


# The word index of the last text indexed: every lexicon of a document scans
# the same ``TextDoc.folded`` string, so one entry (checked by identity, which
# costs nothing) serves them all without callers handing the document around.
_last_index: tuple[str, dict[str, list[int]]] | None = None


def _word_index(folded: str) -> dict[str, list[int]]:
    """Where the words of ``folded`` begin, by their first ``_KEY_LEN`` letters."""
    global _last_index
    last = _last_index
    if last is not None and last[0] is folded:
        return last[1]
    index: dict[str, list[int]] = {}
    get = index.get
    for m in _WORD_KEY.finditer(folded):
        starts = get(key := m[1])
        if starts is None:
            index[key] = [m.start()]
        else:
            starts.append(m.start())
    _last_index = (folded, index)
    return index


def _arabic_regex(phrases: Iterable[tuple[str, int | None]], plural: bool) -> re.Pattern[str]:
    # Word boundaries count "_" as a separator: hashtags join words with it.
    return re.compile(
        r"(?<![^\W_])" + _AR_PREFIX + "(?:" + _trie_regex_ar(phrases, plural) + ")" + (_AR_SUFFIX if plural else "") + r"(?![^\W_])"
    )


def phrase_key(phrase: str) -> str:
    """Normalised lookup key: what a phrase and any of its matches share."""
    return _KEY_DROP.sub("", phrase.lower())


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry: its canonical label and the rest of its TOML table."""

    label: str
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.attrs.get(key, default)


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    entry: Entry


def _atoms(phrase: str) -> list[str]:
    out: list[str] = []
    for ch in phrase:
        if ch in " -":
            if out and out[-1] == _SEP:
                continue
            out.append(_SEP)
        elif ch == ".":
            out.append(_DOT)
        else:
            out.append(ch)
    while out and out[-1] in (_SEP,):
        out.pop()
    return out


def _atom_re(atom: str) -> str:
    if atom == _SEP:
        return r"[\s\-]*"
    if atom == _DOT:
        return r"\.?"
    return re.escape(atom)


def _trie_regex(phrases: Iterable[str]) -> str:
    """A regex matching any of ``phrases``, longest alternative tried first."""
    root: dict[str, Any] = {}
    for phrase in phrases:
        node = root
        for atom in _atoms(phrase):
            node = node.setdefault(atom, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [_atom_re(a) + build(child) for a, child in sorted(node.items()) if a != ""]
        if not alts:
            return ""
        if len(alts) == 1 and "" not in node:
            return alts[0]
        return "(?:" + "|".join(alts) + ")" + ("?" if "" in node else "")

    return build(root)


class Lexicon:
    """Phrases compiled to one trie regex (folded text) plus one for acronyms."""

    __slots__ = ("_folded_re", "_case_re", "_by_key", "_by_acronym", "name", "_ar_re", "_ar_entries", "_ar_keys")

    def __init__(
        self,
        name: str,
        phrases: Iterable[tuple[str, Entry]],
        acronyms: Iterable[tuple[str, Entry]] = (),
        *,
        plural: bool = True,
    ) -> None:
        self.name = name
        phrases = list(phrases)
        ar = [(p, e) for p, e in phrases if is_arabic(p)]
        phrases = [(p, e) for p, e in phrases if not is_arabic(p)]
        self._ar_entries: list[Entry] = [e for _, e in ar]
        self._ar_re = _arabic_regex(((p, i) for i, (p, _) in enumerate(ar)), plural) if ar else None
        self._ar_keys = _first_word_keys((p for p, _ in ar), plural) if ar else None
        self._by_key: dict[str, Entry] = {}
        for phrase, entry in phrases:
            self._by_key.setdefault(phrase_key(phrase), entry)
        self._by_acronym: dict[str, Entry] = {}
        for acro, entry in acronyms:
            self._by_acronym.setdefault(acro, entry)
        plural_re = r"(?:e?s)?" if plural else ""
        folded_phrases = [p.lower() for p, _ in phrases]
        self._folded_re = (
            re.compile(r"(?<![a-z0-9])(?:" + _trie_regex(folded_phrases) + ")" + plural_re + r"(?![a-z0-9])")
            if self._by_key
            else None
        )
        self._case_re = (
            re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(
                re.escape(a) for a in sorted(self._by_acronym, key=len, reverse=True)
            ) + r")(?![A-Za-z0-9])")
            if self._by_acronym
            else None
        )

    def lookup(self, matched: str) -> Entry | None:
        """The entry of a matched string (tolerating the optional plural)."""
        key = phrase_key(matched)
        entry = self._by_key.get(key)
        if entry is None and key.endswith("s"):
            entry = self._by_key.get(key[:-1])
            if entry is None and key.endswith("es"):
                entry = self._by_key.get(key[:-2])
        return entry

    def _arabic_matches(self, folded: str) -> list[Match]:
        """What ``self._ar_re.finditer(folded)`` finds, trying the regex only
        where a word with one of ``self._ar_keys`` begins (see the module
        docstring)."""
        assert self._ar_re is not None
        entries = self._ar_entries
        if self._ar_keys is None:
            return [Match(m.start(), m.end(), entries[int(m.lastgroup[1:])]) for m in self._ar_re.finditer(folded)]
        index = _word_index(folded)
        keys = self._ar_keys.intersection(index)
        if not keys:
            return []
        starts = index[next(iter(keys))] if len(keys) == 1 else sorted([s for k in keys for s in index[k]])
        match = self._ar_re.match
        found: list[Match] = []
        end = 0  # as finditer: the next match begins where the last one ended
        for start in starts:
            if start >= end and (m := match(folded, start)) is not None:
                end = m.end()
                found.append(Match(start, end, entries[int(m.lastgroup[1:])]))
        return found

    def finditer(self, folded: str, text: str | None = None) -> Iterator[Match]:
        """Every match, in text order; acronym matches need the original ``text``."""
        found: list[Match] = []
        if self._ar_re is not None:
            found = self._arabic_matches(folded)
        if self._folded_re is not None:
            for m in self._folded_re.finditer(folded):
                entry = self.lookup(m.group(0))
                if entry is not None:
                    found.append(Match(m.start(), m.end(), entry))
        if self._case_re is not None and text is not None:
            taken = [(f.start, f.end) for f in found]
            for m in self._case_re.finditer(text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                found.append(Match(m.start(), m.end(), self._by_acronym[m.group(0)]))
            found.sort(key=lambda f: f.start)
        elif self._ar_re is not None and self._folded_re is not None:
            found.sort(key=lambda f: f.start)
        return iter(found)


@lru_cache(maxsize=64)
def load_toml(lang: str, name: str) -> Mapping[str, Any]:
    """The parsed lexicon file ``data/lexicons/<lang>/<name>.toml`` (cached, read-only)."""
    path = resources.files("strikewatch") / "data" / "lexicons" / lang / f"{name}.toml"
    with path.open("rb") as fh:
        return tomllib.load(fh)


def entries_lexicon(
    name: str,
    tables: Iterable[Mapping[str, Any]],
    *,
    label_key: str,
    plural: bool = True,
) -> Lexicon:
    """Build a Lexicon from TOML tables that each carry ``phrases`` (and
    optionally ``acronyms``) plus a label under ``label_key``."""
    phrases: list[tuple[str, Entry]] = []
    acronyms: list[tuple[str, Entry]] = []
    for table in tables:
        attrs = {k: v for k, v in table.items() if k not in ("phrases", "acronyms")}
        entry = Entry(str(table[label_key]), attrs)
        phrases.extend((p, entry) for p in table.get("phrases", ()))
        acronyms.extend((a, entry) for a in table.get("acronyms", ()))
    return Lexicon(name, phrases, acronyms, plural=plural)


def alternation(words: Iterable[str], space: str = r"\s+") -> str:
    """A regex alternation of phrases, longest first so the longest phrase wins;
    a space in a phrase matches ``space`` (any blank run by default)."""
    return "|".join(re.escape(w).replace(r"\ ", space) for w in sorted(set(words), key=len, reverse=True))


def word_regex(words: Iterable[str]) -> re.Pattern[str]:
    """One compiled trie regex for a plain word list (folded text, plural allowed).
    An all-Arabic list gets the Arabic conventions (clitics, article, endings)."""
    words = list(words)
    if words and all(is_arabic(w) for w in words):
        return _arabic_regex(((w, None) for w in words), True)
    return re.compile(r"(?<![a-z0-9])(?:" + _trie_regex(w.lower() for w in words) + r")(?:e?s)?(?![a-z0-9])")

"""Casualty figures (English): who was killed, injured or is missing, how many, says whom.

A figure is a count (:mod:`.numbers`) tied to a casualty word, read in one of
these ways (all vocabulary is in ``data/lexicons/en/casualties.toml``):

* count first: "at least 23 civilians were killed", "two dead", "21 deaths",
  "a family of five was killed";
* measure first: "killed 23 people", "killing at least 12", "the death toll
  rose to 50", "the toll had reached 50", "the deaths of six children",
  "among the dead were three medics";
* long subjects: "six men working for the civil defence were killed",
  "18 members of the Islamic State killed near the dam" (a headline without
  an auxiliary, then only when nothing in between reads as a verb or a
  clause of its own, nor a second subject after a comma: "…, a woman and four
  children, and others injured"); up to four unknown words written with a
  capital stand as modifiers ("6 Asayish members", "3 SDF fighters");
* no count at all: plural victims ("civilians were injured", "injuring
  passengers", "the blast caused injuries") are vague, low 2, like "many" (not
  after a determiner or an adjective: "the injured farmers" is a re-mention);
  one victim named ("Samir Nasser (41) was killed", "Samir Nasser, 41, was
  killed", "killing journalist Samir Nasser", "the death of the citizen Samir
  Nasser") or after a possessive ("a man and his son") counts one, and victims
  named one after another in a sentence add up;
* one victim named by a definite noun phrase at the head of a sentence or clause
  ("The driver was killed", "The head of the branch was shot and killed") or as
  the object of the verb ("killing the driver") counts one; kin killed with the
  subject ("… was killed alongside her four children") are counted and add up
  with the subject's own figure;
* killed and injured together after the count ("nine persons were killed or
  injured", "7 martyrs and wounded") read like "casualties" (below); with a
  vague count ("several deaths and injuries", "a number of people were killed
  and injured") the dead are a plural too (vague, low 2);
* the injured or abducted who later died are dead: "was shot and died later in
  hospital", "kidnapped and killed", "… was stabbed. He died on arrival" (the
  figure's measure becomes killed);
* a number said to be unknown ("how many were hurt is still unknown") is a
  plural, vague, low 2;
* re-mentions are not figures: "several bodies had not yet been identified";
* continued lists: "killing 12, including five children" and "three children
  and two women were killed" give one figure per part, each with its own
  group. No total is invented as a figure (figures keep what the document
  says); :func:`reconcile` derives totals from parts instead. A list after a
  total that adds up to it ("five people were killed, a woman and four
  children") is its breakdown: the parts become subsets;
* explicit zeros: "no casualties were reported", "no one was hurt" give
  low 0, high 0;
* the victim as a pronoun ("killing him and another man") counts one; a count
  before an active verb with a counted object is the attacker, no victim ("a
  gunman shot dead two drivers").

Conventions:

* Groups: people/persons/men → ``all``; civilians, residents, journalists,
  aid workers → ``civilians`` (aid workers also get ``subgroup``
  "aid_workers", the count the Aid Worker Security Database keeps); medics,
  doctors, nurses, paramedics, health workers → ``medical_staff``; fighters,
  soldiers, police → ``combatants``.
* "casualties" usually means killed and injured together, so "12 casualties"
  (and "killed and wounded 12") is an ``injured`` figure with qualifier
  ``up_to`` (low null, high 12), never a killed figure.
* ``other_event`` marks figures about another event or a cumulative toll
  (a cue such as "since the start of the war", "this year", "a previous
  strike" in the same sentence and clause), and counts of 1,000 or more
  (``max_count`` in the lexicon: single attacks almost never reach it, war
  tolls always do), and the parts of such a total ("3,037 civilians, including
  924 children"). They are kept, not counted. So are figures in teaser lines
  (related stories' headlines around a scraped story) when the story's prose
  gives a figure of the same measure, and figures the text itself leaves out of
  its count ("five other civilians died (not counted here)": the clause before
  the phrase, or what the parentheses hold). A cue inside a relative clause
  after the figure ("… killed while helping people who were hurt in an earlier
  strike") tells of something else and marks nothing.
* ``source`` is the nearest :class:`SourceMention` in the figure's sentence,
  else the first one in the next sentence when that sentence gives no figure
  of its own ("… were killed. The civil defence said …").

Reconciliation (:func:`reconcile`), per ``[group_]measure`` key, over the
figures not marked ``other_event``:

* ``low``: the lowest lower bound given ("at least 23" counts as 23, a range
  its low, "dozens" 24); null when only "up to" figures exist.
* ``high``: the highest value given (a range's high, an exact value, an "at
  least N"'s N, an "up to N"'s N).
* ``best``: the value cited most often among specific figures (exact, about,
  range low, at least, more than); a tie goes to the highest of them (later
  and fuller counts tend to be higher). A count of one ("a man", "one of the
  victims") names a victim rather than a toll and is left out when larger
  specific counts exist (unless it is told first and more often than any of
  them: a lone victim beside another strike's count), and an exact one when
  only vague counts above a bare plural's two exist ("her son was injured"
  among "dozens injured"). Without specific
  figures: the highest vague low, else the "up to" value. Never an average no
  source gave. (Weighting the lead's figure over the most cited one was
  measured on the development sets and gave no clear gain.)
* Totals and parts: a group's range comes from its totals; figures that are
  parts of a larger count (a subset after "including" or inside a long
  subject, a partitive "two of the injured", "among the dead were …") are
  used only when the group has no total. Civilians named by role ("a
  journalist", "two engineers", "three aid workers": any civilian noun but
  "civilians", "residents" and the like, ``civilian_totals`` in the lexicon)
  are parts of the civilian toll too. Civilians counted only through such
  parts or through one family's members ("20 members of the X family") get no
  civilians range of their own when an earlier all-group total is at least as
  large ("38 people were killed … 20 members of the X family"): which of the
  38 were civilians is not said.
* Derived keys: with no ``civilians`` figure, ``civilians_<m>`` is the sum of
  the children, women and medical staff ranges (not when that sum falls short
  of a list's own total: "a man and a boy" are two people, one of them a
  child); with no ``all`` figure, ``<m>`` (everyone) is civilians (given or
  derived) plus combatants. An explicit figure always wins over a derived one.
* Bare plurals: an everyone key whose figures are all bare plurals (vague, low
  2: "killed and wounded", "others injured") states no total beside a counted
  group ("… a woman was killed"): the civilians are derived from the counted
  parts as if no everyone figure were given (everyone keeps the plural's two).
* Bounds: civilians counted only by killed-and-injured bounds ("20 civilians
  killed or injured") get no best of their own beside a count of everyone's
  injured; a bound written as one ("up to 15 civilians") keeps its value.
* Consistency: everyone >= civilians >= each of children, women and medical
  staff (a part counted only vaguely, "dozens of children", or only as a part
  of another, larger total than the toll chosen, raises nothing). A smaller
  group's low, best and high raise the larger group's (the spec example: "at
  least 23 civilians" and "the toll reached 50" give civilians 23 and everyone
  50; a lone "23 civilians" with "10 people" gives everyone 23).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..model import Casualties, Figure, Range
from .events import story_weights
from .lexicon import is_arabic
from .mentions import FigureMention, NumberMention, SourceMention
from .numbers import _alt, _ar, _ar_alt, find_numbers, lexicon, lexicon_ar
from .textutil import TextDoc

__all__ = ["figure_to_model", "find_figures", "mark_earlier", "reconcile", "reconcile_subgroup", "unknown_tolls"]

_AUX = (
    "were|was|have|has|had|been|are|is|being|be|got|reportedly|reported|confirmed|also|all|"
    "later|allegedly|subsequently|feared|believed|said|thought|to|remain|remained|still|"
    "seriously|critically|severely|lightly|slightly|badly|moderately|who|found|"
    "both|initially|immediately|instantly|tragically|now|either|sexually|physically|sustained|likely|probably|presumably|"
    "suffered|suffering|sustaining|received|serious|severe|minor|various|critical|moderate|light|varying|"
    "people|persons|others"
)
_FILL = (
    "the|a|an|another|additional|further|total|of|some|its|their|his|her|them|all|only|"
    "family|families|members|at\\s+least"
)
_JOIN = re.compile(
    r"^(?:\s+(?:named|called|identified\s+as)(?:\s+[a-z'-]+){1,4}(?:\s*\(\d{1,3}\))?)?"
    r"(?:\s*(?:,|;|\(|:|-)?\s*(?:and|as\s+well\s+as|plus|including|among\s+them|among\s+whom|"
    r"of\s+whom|of\s+them|mostly|mainly|most\s+of\s+them)?\s*(?:,|\()?\s*"
    # kin counted after a possessive: "a father and his four sons"
    r"(?:(?<=and\s)(?:his|her|their)\s+)?)$"
)
_NAMED_GAP = re.compile(r"\s+(?:named|called|identified\s+as)(?:\s+[a-z'-]+){1,4}(?:\s*\(\d{1,3}\))?")
_ASIDE = re.compile(r"\s*\([^()]{1,40}\)(?=\s*(?:,\s*)?and\b)")
_SUBSET = re.compile(r"including|among|whom|them|mostly|mainly|\(")
_PARTITIVE = re.compile(r"\s+of\s+(?:the|them|whom|those|these|his|her|their|its|our)\b")
# Measures that are nouns ("21 deaths"): they follow a count directly, never a long subject.
_MEASURE_NOUNS = frozenset({
    "dead", "deaths", "death", "deads", "martyrs", "fatalities", "fatality", "bodies", "injuries",
    "casualties", "gunshot wounds", "gunshot injuries", "gunshot wound", "missing", "shot",
    "succumbed", "under the rubble", "treated for",
})
_LONG_AUX = (
    "were|was|are|is|have\\s+been|has\\s+been|had\\s+been|been|being|reportedly|reported|"
    "later|also|all|allegedly|subsequently|both|then|found|confirmed|believed|feared|"
    "seriously|critically|severely|lightly|slightly|badly|initially|immediately|instantly|"
    "themselves|together|now|either|who|that|likely|probably|presumably"
)
# What may not stand between a subject and its verb: another clause or a new statement.
_LONG_BAD = re.compile(
    r"\b(?:said|says|say|told|tells|according|when|whenever|while|after|before|because|but|"
    r"although|though|whereas|where|whose|which|if|than|not|no|never|nor|since|until|then|"
    r"were|was|are|is|had|has|have|will|would|could|may|might|must|should|can)\b"
)
# Without an auxiliary ("3 fighters killed in …") the gap must hold no verb of its own.
_LONG_VERB = re.compile(
    r"\b(?:[a-z]+ed|target|targets|attack|attacks|kill|kills|hit|hits|strike|strikes|bomb|bombs|"
    r"shell|shells|fire|fires|carry|carries|launch|launches|storm|storms|capture|captures|control|"
    r"controls|seize|seizes|take|takes|took|flee|fled|return|returns|arrive|arrives|enter|enters|"
    r"leave|leaves|left|advance|advances|clash|clashes|fight|fights|fought|and|or)\s*$"
    r"|\b(?:target|targets|attack|attacks|kill|kills|hit|hits|strike|strikes|bomb|bombs|shell|"
    r"launch|launches|storm|storms|capture|captures|seize|seizes|take|takes|took|flee|fled|"
    r"enter|enters|fight|fights|fought)\b"
)
_ED_OK = re.compile(r"-[a-z]+ed$|^(?:allied|armed|affiliated|suspected|alleged|unidentified|displaced|"
                    r"contracted|hired|named|called|identified|employed|based|linked|backed|supported|"
                    r"united|related|detained|trapped|abducted|kidnapped|recruited|deployed|stationed)$")
_SUBSET_BEFORE = re.compile(r"including|among|mostly|mainly|of\s+whom|of\s+them|\(")
_IDENTIFY = re.compile(
    r"\s*(?:(?:had|have|has|were|was|are|is|could|can|remain|remained|still|yet|not|been|be|being|"
    r"yet|to)\s+){0,5}(?:identified|named|recognised|recognized|claimed|unidentified|unclaimed)\b"
)
_PLURAL_NOUNS = frozenset({"people", "men", "women", "children", "personnel", "youth", "police"})
# What may stand before a bare plural that still counts nobody: a determiner or count
# means the noun is counted (or re-mentioned) elsewhere.
# What may stand before a bare plural: the start of a sentence or clause. A determiner,
# a count or an adjective there means the noun is counted or re-mentioned elsewhere.
_BARE_BEFORE = re.compile(r"(?:^|[.,;:!?(\"'-]|\b(?:that|while|when|where|but|after|as|reportedly))\s*$")
# One named victim: "Ahmad Khalil (36) was killed", "Ahmad Khalil, a 36-year-old teacher,
# was killed", "killing journalist Ahmad Khalil". Matched on the original text (a name is
# two or more words written with a capital); a count of one.
_NAME = r"[A-Z][\w'\u2019.-]+(?:\s+(?:(?:al|el|bin|ibn|abu|abd|de|van|von)[-\s])?[A-Z][\w'\u2019.-]+){1,5}"
_NAMED_POST = re.compile(
    # an age or a by-name after the name: "Ahmad Khalil (36)", "Ahmad Khalil (Abu Samir)"
    rf"(?<![\w'\u2019-])(?P<name>{_NAME})(?:\s*\((?:\d{{1,3}}|[A-Z][\w'\u2019 -]{{1,30}})\)|,\s*\d{{1,3}},)?"
    r"(?:,\s+(?:a|an|the|his|her)\s+[^,.;:()]{1,60},)?"
    # the name in apposition after a role: "the council's co-chair, Gabriel Hanna, was wounded"
    r",?\s+(?:was|has\s+been|had\s+been)(?:\s+(?:reportedly|also|later|allegedly|immediately|"
    r"instantly|fatally|seriously|critically|severely|lightly|slightly|badly))*"
    r"\s+(?P<m>killed|shot\s+dead|injured|wounded)\b"
)
_NAMED_ANCHOR = re.compile(r"\b(?:was|been)\s+(?:[a-z]+\s+){0,2}?(?:killed|shot\s+dead|injured|wounded)\b")
_NAMED_AFTER = (r"\s+(?:(?:[a-z][a-z-]+)\s+){0,2}?"
                rf"(?P<name>{_NAME})(?=\s*[,.;:(]|\s+(?:and|in|on|at|when|while|who|as|after|during)\b)")
_NAMED_PRE = re.compile(r"\b(?P<m>killing|killed|injuring|injured|wounding|wounded)" + _NAMED_AFTER)
# the same after a noun of the measure: "the death of the citizen Ali Hasan", "the injury of
# journalist …" (scanned only where the text holds one of these nouns)
_NAMED_NOUNS = ("death of", "killing of", "loss of", "injury of", "wounding of")
_NAMED_NOUN = re.compile(rf"\b(?P<m>{'|'.join(_NAMED_NOUNS)})" + _NAMED_AFTER)
_NAMED_JOIN = re.compile(r"\s*(?:,\s*)?(?:and\s+)?")
_NAMED_ROLE = re.compile(r"^(?:(?:[a-z][a-z-]+)\s+){0,2}$")
# The victim as a pronoun right after a measure verb: "killing him", "wounded her" (a count
# of one). Only where the pronoun ends the phrase: "killing her son" is the possessive's.
_PRONOUN = re.compile(
    r"\b(?:killing|killed|kills|injuring|injured|wounding|wounded)\s+(?P<p>him|her)"
    r"(?=\s*(?:[,.;:)]|$)|\s+(?:and|in|on|at|immediately|instantly|outright|while|when|as|after|"
    r"during|along|together|too|also|before)\b)"
)
# An object with a measure of its own is the next figure's subject: "5 staff killed 7 staff injured".
_OWN_VERB = re.compile(r"\s*(?:(?:were|was|are|is|have\s+been|had\s+been)\s+)?"
                       r"(?:killed|injured|wounded|hurt|dead|died|missing|abducted|kidnapped)\b")
_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|being|got|get|gets)\b")
_PERFECT = re.compile(r"\bha(?:ve|s)\s+(?:been\s+)?(?:killed|died|wounded|injured|lost)\b")
# a cue after the figure inside a relative clause tells of something else: "… were killed
# while helping people who had been hurt in an earlier strike"
_RELATIVE = re.compile(r"\b(?:that|which|who|whom|whose)\b")
_CLAUSE_BREAK = re.compile(r";|\b(?:bringing|raising|taking|pushing|increasing|adding)\b")


@dataclass(frozen=True, slots=True)
class _Rules:
    """Compiled casualty patterns (built once from the lexicon)."""

    post: re.Pattern[str]
    pre: re.Pattern[str]
    noun_after: re.Pattern[str]
    family: re.Pattern[str]
    zero: re.Pattern[str]
    zero_group: re.Pattern[str]
    cues: re.Pattern[str]
    measure_after: dict[str, str]
    measure_before: dict[str, str]
    zero_map: dict[str, list[str]]
    groups: dict[str, str]
    aid_nouns: frozenset[str]
    aid_mods: re.Pattern[str]
    max_count: int
    long: re.Pattern[str]
    no_aux: frozenset[str]
    count_in_gap: re.Pattern[str]
    conjunct: re.Pattern[str]
    bare: re.Pattern[str]
    bare_ger: re.Pattern[str]
    bare_noun: re.Pattern[str]
    bare_mods: re.Pattern[str]
    civ_nouns: re.Pattern[str]
    possessive: re.Pattern[str]
    civ_totals: frozenset[str]
    active_obj: re.Pattern[str]
    not_counted: re.Pattern[str]
    definite: re.Pattern[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    lex = lexicon()
    raw = lex.raw
    groups = lex.groups
    mods = _alt(raw["persons"]["modifiers"])
    grp = _alt(groups)
    after = dict(raw["measure_after"])
    before = dict(raw["measure_before"])
    post_q = _alt(lex.post_qualifiers)
    # a hyphenated participle is a modifier too ("UN-contracted", "locally-employed")
    mod = rf"(?:\s*\b(?:{mods}|[a-z0-9]+[\s-]years?[\s-]old|[a-z]+-[a-z]+ed)\b|\s*\([^()]{{1,40}}\))"
    of_phrase = (
        r"(?:\s+(?:of|from|for|with|working\s+(?:for|with)|employed\s+by|contracted\s+by)\s+"
        r"(?:an?\s+|the\s+|his\s+|her\s+|their\s+)?(?:[a-z'-]+\s+){0,3}?"
        rf"(?:family|families|household|clan|tribe|team|group|village|town|{_alt(raw['aid']['modifiers'])}))?"
    )
    post = re.compile(
        rf"(?:\s+of\s+(?:them|whom)|\s+of(?=\s))?"
        rf"(?P<mods>{mod}{{0,4}})"
        rf"(?:\s*\b(?P<grp>{grp})\b(?:\s+(?P<grp2>{grp})\b)?(?P<of>{of_phrase}))?"
        rf"(?:\s+(?P<pq>{post_q})\b)?"
        r"(?:\s*,\s*(?:including|among\s+them|among\s+whom|mostly|mainly|most\s+of\s+them|all\s+of\s+them)"
        r"\b[^,.;:]{0,80},|\s*\([^()]{0,80}\)|\s*,)?"
        # a quoted phrase of the measure: "sustained \"minor injuries\""
        rf"(?:\s+\"?(?:{_AUX}|(?!killed\b)[a-z]+ed(?:\s+up)?(?:\s+and|,)"
        r"(?!\s+(?:others|people|persons|another|\d)))\b){0,6}"
        rf"\s*\"?\b(?P<m>{_alt(after)})\b"
    )
    pre = re.compile(rf"\b(?P<m>{_alt(before)})(?:\s+(?:{_FILL})\b){{0,3}}\s*$")
    noun_after = re.compile(
        rf"(?:\s+of(?=\s))?(?P<mods>{mod}{{0,4}})\s*\b(?P<grp>{grp})\b(?:\s+(?P<grp2>{grp})\b)?(?P<of>{of_phrase})(?:\s+(?P<pq>{post_q})\b)?"
        r"|\s*(?:[,.;:()]|-\s|$)"
        r"|\s+(?:and|in|on|at|as|when|while|during|after|before|near|including|among|with|inside|"
        r"immediately|instantly|outright|"
        r"from|across|since|so|overnight|today|yesterday|there|here|according|people|persons|"
        r"others|more|by|following|amid|last|late|early|this|that|which|who|were|was|had|have|has|"
        r"are|is|for|to|into|within|under|around|because|due|but|or|until|as|the|its|their)\b"
    )
    family = re.compile(r"\b(?:an?|the|one|whole|entire)?\s*\b(?:family|families)\s+of\s*$")
    zero_map = {k: list(v) for k, v in raw["zero"].items()}
    zero = re.compile(rf"\b(?:{_alt(zero_map)})\b")
    zero_group = re.compile(
        rf"\bno\s+(?:(?:{mods})\s+)?(?P<grp>{grp})\s+(?:were|was|have\s+been|had\s+been)\s+"
        r"(?:reportedly\s+|reported\s+)?(?P<m>killed|injured|wounded|hurt|harmed)\b"
    )
    cues = re.compile(rf"\b(?:{_alt(raw['other_event']['cues'])})")
    aid_nouns = frozenset(raw["persons"]["aid_nouns"])
    aid_mods = re.compile(rf"\b(?:{_alt(raw['aid']['modifiers'])})\b")
    # A long subject: "six men working for the civil defence were killed", "18 members of
    # the Islamic State killed near the dam". Only verb-like measures end it (no nouns).
    verbs = [k for k in after if k not in _MEASURE_NOUNS]
    long = re.compile(
        r"(?P<gap>[^.;:!?\n]{0,140}?)"
        rf"(?P<aux>(?:\s+(?:{_LONG_AUX})\b)*)"
        # after an auxiliary, a first participle joined to the measure: "was ambushed and shot dead"
        r"(?P<ed>\s+(?!killed\b)[a-z]+ed(?:\s+up)?(?:\s+and|,))?"
        rf"\s*,?\s+(?P<m>{_alt(verbs)})\b"
    )
    units = _alt([*raw["number_words"]["units"], *raw["vague"]])
    post_q_alt = _alt(raw["qualifiers"])
    persons = _alt([g for g in groups if "famil" not in g])
    count_in_gap = re.compile(rf"\b(?:\d+|an?|{units})\s+(?:(?:{mods})\s+){{0,2}}(?:{persons})\b"
                              rf"|\b(?:his|her|their)\s+(?:(?:{mods})\s+){{0,2}}(?:{_alt(raw['persons']['singular'])})\b")
    # "four children, and others injured": a second subject with a verb of its own
    # (or a bare count: "11 civilians were killed, including a journalist, and six were injured")
    conjunct = re.compile(rf",\s*(?:and|or)\s+(?:(?:(?:{mods})\s+){{0,2}}(?:{persons})\b"
                          rf"|(?:\d+|{units})\s*$)")
    no_aux = frozenset(k for k in verbs if k.endswith("ed") or k in ("died", "dies", "slain", "hurt", "dead"))
    # Plural victims without a count ("civilians were injured", "injuring civilians",
    # "caused injuries"): more than one, like "many" (vague, low 2).
    plurals = _alt([g for g in groups if g.endswith("s") or g in _PLURAL_NOUNS])
    bare_aux = r"(?:\s+(?:were|are|have\s+been|had\s+been|been|also|reportedly|all|later|allegedly|" \
               r"seriously|critically|severely|lightly|slightly|badly|moderately))*"
    bare = re.compile(rf"\b(?P<grp>{plurals})\b{bare_aux}\s+(?P<m>killed|injured|wounded|hurt)\b")
    bare_ger = re.compile(
        rf"(?P<g>killing|injuring|wounding|hurting)\s+(?P<mods>(?:(?:{mods})\s+){{0,2}})(?P<grp>{plurals})\b"
        r"(?!\s+(?:of|who|that|which|from|in|at|on)\b)")
    bare_noun = re.compile(
        r"\b(?:caused|causing|cause|causes|led\s+to|leading\s+to|resulted\s+in|resulting\s+in|"
        r"inflicted|inflicting|reported|reporting|reports\s+of)"
        r"\s+(?:(?:minor|serious|severe|critical|moderate|various|multiple|civilian|human)\s+)?"
        r"(?P<d>deaths\s+and\s+)?$")
    # modifiers before a bare plural ("Palestinian civilians"), read backwards from the noun
    bare_mods = re.compile(
        r"(?:\b(?!other\b|more\b|further\b|additional\b|the\b|his\b|her\b|their\b|same\b|family\b)"
        rf"(?:{mods})\s+){{1,2}}$")
    return _Rules(
        post=post, pre=pre, noun_after=noun_after, family=family, zero=zero, zero_group=zero_group,
        cues=cues, measure_after=after, measure_before=before, zero_map=zero_map, groups=groups,
        aid_nouns=aid_nouns, aid_mods=aid_mods, max_count=int(raw["other_event"]["max_count"]),
        long=long, no_aux=no_aux, count_in_gap=count_in_gap, conjunct=conjunct, bare=bare, bare_ger=bare_ger, bare_noun=bare_noun,
        bare_mods=bare_mods,
        civ_nouns=re.compile(rf"\b(?:{_alt(g for g, v in groups.items() if v == 'civilians')})\b"),
        # "the driver" (then told to be killed or injured, or after the verb: see _definite)
        definite=re.compile(
            # no leading \b: a literal start lets the scanner skip ahead (the letter before is checked)
            rf"the\s+(?P<mods>(?:(?:{mods}|[a-z]+-[a-z]+)\s+){{0,3}})(?P<n>{_alt(raw['persons']['definite'])})"
            r"\b(?!['\u2019-])"),
        not_counted=re.compile(rf"\b(?:{_alt(raw['not_counted']['words'])})\b"
                               rf"(?P<after>\s+(?:{_alt(raw['not_counted']['after'])})\b)?"),
        civ_totals=frozenset(raw["persons"]["civilian_totals"]),
        # a counted person after the verb is its object: "a gunman killed two civilians"
        active_obj=re.compile(
            rf"\s+(?:(?:{post_q_alt})\s+)?(?:an?|another|his|her|their|\d+|{units})"
            rf"(?:\s+[a-z'-]+){{0,2}}\s+(?:{persons})\b"),
        possessive=re.compile(
            rf"\b(?:his|her|their)(?=\s+(?:(?:{mods}|[a-z0-9]+[\s-]years?[\s-]old)\s+){{0,2}}"
            rf"(?:{_alt(raw['persons']['singular'])})\b(?!['-]))"),
    )


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip())


def _measure(label: str, qualifier: str, low: int | None, high: int | None
             ) -> tuple[str, str, int | None, int | None]:
    """Apply the lexicon's "~" mark: killed-and-injured counts bound the injured from above."""
    if label.endswith("~"):
        top = high if high is not None else low
        return label[:-1], "up_to", None, top
    return label, qualifier, low, high


def _group(rules: _Rules, grp: str | None, mods: str, of: str = "", grp2: str | None = None
           ) -> tuple[str, str | None]:
    """Figure group and subgroup from the person noun(s), modifiers and "of the X family".

    With two nouns ("staff driver") the last one names the group; the first
    still counts towards the aid-worker subgroup.
    """
    if not grp:
        return "all", None
    first = None
    if grp2:
        first = rules.groups.get(_norm(grp), "all")
        mods, grp = f"{mods or ''} {grp}", grp2
    g = _norm(grp)
    group = rules.groups.get(g, "all")
    if group == "all" and first not in (None, "all"):
        group = first  # "two civilian officials": the first noun says whose they are
    mods = f"{mods or ''} {of or ''}"
    if group == "all" and "famil" in (of or ""):
        group = "civilians"
    sub = None
    aid_noun = g in rules.aid_nouns or any(_norm(w) in rules.aid_nouns for w in mods.split())
    if group == "civilians" and (aid_noun or (mods.strip() and rules.aid_mods.search(mods))):
        sub = "aid_workers"
    elif group in ("all", "combatants") and mods.strip() and rules.aid_mods.search(mods):
        group, sub = "civilians", "aid_workers"
    return group, sub


def find_figures(doc: TextDoc, sources: list[SourceMention]) -> list[FigureMention]:
    """Every casualty figure in the document, in text order, with group, source and span."""
    if doc.language == "ar":
        return _find_figures_ar(doc, sources)
    rules = _rules()
    folded = doc.folded
    numbers = find_numbers(doc)
    # one person after a possessive, "a woman and her infant", is a count of one here
    # (numbers.py leaves it: it is no number)
    own = [NumberMention(start=m.start(), end=m.end(), text=doc.text[m.start():m.end()], low=1, high=1,
                         qualifier="exact") for m in rules.possessive.finditer(folded)]
    # and so is the victim as a pronoun ("killing him and another man")
    own += [NumberMention(start=m.start("p"), end=m.end("p"), text=doc.text[m.start("p"):m.end("p")], low=1,
                          high=1, qualifier="exact") for m in _PRONOUN.finditer(folded)]
    if own:
        numbers = sorted([*numbers, *own], key=lambda n: n.start)
    found: list[FigureMention | None] = []
    tails: list[int] = []  # where each number's noun phrase ends (for list continuation)
    plural_dead: list[FigureMention] = []
    for n in numbers:
        fig, tail = _read(doc, rules, n)
        found.append(fig)
        tails.append(tail)
        if (fig is not None and fig.qualifier == "up_to" and fig.low is None and n.qualifier == "vague"
                and (n.low or 0) <= 2):
            # "several deaths and injuries", "a number of people were killed and injured": a
            # plural of the dead too, like "civilians were killed" (vague, low 2)
            plural_dead.append(FigureMention(start=fig.start, end=fig.end, text=fig.text, measure="killed",
                                             group=fig.group, low=2, high=None, qualifier="vague",
                                             subgroup=fig.subgroup))
    # Lists: "killing 12, including five children" (forwards, tried first), "three
    # children and two women were killed" (backwards). Only parts with a person noun inherit;
    # parts joined by "and" or a comma form an additive list (shared list_id).
    for i in range(1, len(numbers)):
        prev = found[i - 1]
        if found[i] is None and prev is not None and _has_noun(rules, doc, numbers[i]):
            if prev.end > numbers[i].start:
                # inside a long subject: "19 people, including a journalist and …, were killed"
                inner = folded[prev.start:numbers[i].start]
                if _SUBSET_BEFORE.search(inner):
                    found[i] = _inherit(doc, rules, numbers[i], tails[i], prev, ", including ")
                continue
            gap = folded[prev.end:numbers[i].start]
            if _JOIN.match(gap) and doc.sentence_of(numbers[i].start) == doc.sentence_of(prev.start):
                found[i] = _inherit(doc, rules, numbers[i], tails[i], prev, gap)
    for i in range(len(numbers) - 2, -1, -1):
        nxt = found[i + 1]
        if found[i] is None and nxt is not None and _has_noun(rules, doc, numbers[i]):
            gap = folded[tails[i]:numbers[i + 1].start]
            # an aside on the part's own noun ("3 UN staff (two Kenyan, one Peruvian) and 2 …")
            aside = _ASIDE.match(gap)
            gap = gap[aside.end():] if aside else gap
            if _JOIN.match(gap) and doc.sentence_of(numbers[i].start) == doc.sentence_of(nxt.start):
                found[i] = _inherit(doc, rules, numbers[i], tails[i], nxt, gap)
    figures = [f for f in found if f is not None]
    figures.extend(plural_dead)
    _died_later(doc, figures)
    _breakdowns(figures, folded)
    figures.extend(_zeros(doc, rules, figures))
    figures.extend(_uncounted(doc, figures))
    figures.extend(_bare(doc, rules, figures))
    figures.extend(_named(doc, rules, figures))
    figures.extend(_definite(doc, rules, figures))
    figures.extend(_companions(doc, rules, figures, numbers))
    figures.sort(key=lambda f: (f.start, f.end))
    _mark_contained(figures)
    _mark_roles(doc, rules, figures)
    _mark_other_events(doc, rules.cues, figures)
    _mark_not_counted(doc, rules, figures)
    for f in figures:
        if (f.low or 0) >= rules.max_count or (f.high or 0) >= rules.max_count:
            f.other_event = True
    _parts_follow(doc, figures)
    _mark_teasers(doc, figures)
    _assign_sources(doc, figures, sources)
    return figures


_TITLE_LINES = 2  # a title may follow this many lines of page furniture


def _mark_teasers(doc: TextDoc, figures: list[FigureMention], specific: bool = False) -> None:
    """A figure in a teaser line (a related story's headline or a menu item around a scraped
    story: :func:`.events.story_weights`) is another story's, unless the story's own prose
    gives no figure of that measure; then it is all there is and is kept. With ``specific``
    (Arabic, where threads of short posts without a full stop look like teasers) only a
    specific prose figure counts: "مقتل عدد من" in the prose leaves a post's "13" standing."""
    if not figures or "\n" not in doc.text:
        return
    weights = story_weights(doc)
    # the first figure's line near the top is the title, after a caption or a menu item
    # ("Search form"): not a teaser
    title = doc.sentence_of(figures[0].start)
    if title <= _TITLE_LINES:
        weights[title] = 1.0
    teaser = [f for f in figures if not f.other_event and weights[doc.sentence_of(f.start)] < 1.0]
    if not teaser:
        return
    prose = {f.measure for f in figures if not f.other_event and weights[doc.sentence_of(f.start)] >= 1.0
             and not (specific and f.qualifier not in _SPECIFIC)}
    for f in teaser:
        if f.measure in prose:
            f.other_event = True


def _mark_contained(figures: list[FigureMention]) -> None:
    """A figure inside another one's span is a part of it ("… including eight children, were killed")."""
    reach, holder = -1, None
    for f in figures:
        if holder is not None and f.start < reach and f.end <= reach and f is not holder:
            f.part = True
        if f.end > reach:
            reach, holder = f.end, f


def _parts_follow(doc: TextDoc, figures: list[FigureMention]) -> None:
    """The parts of a total that tells of another event or a cumulative toll tell of it too:
    "3,037 civilians, including 924 children, were killed" (since the war began) counts
    neither. A part belongs to the last whole figure before it in its sentence."""
    holder: FigureMention | None = None
    for f in figures:  # in text order
        if not f.part:
            holder = f
        elif (holder is not None and holder.other_event and holder.measure == f.measure
              and doc.sentence_of(holder.start) == doc.sentence_of(f.start)):
            f.other_event = True


# The injured (or abducted) who died: "was shot and died later in hospital", "wounding a
# soldier who succumbed to his injuries", "kidnapped and killed", "… was stabbed. He died upon
# arrival at the hospital", "… was abducted. He was later found dead".
_DEATH = (r"(?:(?:later|subsequently|then|eventually|also)\s+)*(?:(?:was|were)\s+(?:(?:later|subsequently|then)\s+)?)?"
          r"(?P<v>died|succumbed|passed\s+away|killed|found\s+dead|shot\s+dead|shot\s+and\s+killed|executed|"
          r"beheaded|murdered|tortured\s+to\s+death|reported\s+(?:as\s+)?dead)\b")
_DIED_SAME = re.compile(rf"(?P<gap>(?:(?!\b(?:after|when|while|being|because)\b)[^.;:!?\n]){{0,100}}?)"
                        r"(?:\b(?:and|but|then|who|which)\s+|[,;]\s*(?:and\s+|then\s+|but\s+)?"
                        r"|\s+(?=(?:later|subsequently)\b))"
                        rf"(?:(?:he|she|they)\s+)?{_DEATH}")
_DIED_NEXT = re.compile(
    rf"[\s\"'\u201c\u201d]*(?:(?P<s>he|she|they|the\s+(?:[a-z-]+\s+){{0,3}}?(?:victim|victims|staff|member|worker|"
    rf"man|woman|boy|girl|child|driver|volunteer|officer|soldier|patient)s?)\b(?P<gap>[^.;:!?\n]{{0,100}}?)\b"
    # or no subject at all: "… were kidnapped. Later found dead."
    rf"|(?=(?:later|subsequently|assumed|presumed)\s))(?:(?:assumed|presumed)\s+)?{_DEATH}")
_NOT_DIED = re.compile(r"\b(?:said|says|told|reported|reports|according|not|never|nearly|almost|could|would|"
                       r"(?:may|might)\s+(?:have|be|not|also))\b")  # "may" alone is the month


def _died_later(doc: TextDoc, figures: list[FigureMention]) -> None:
    """An injured (or abducted) victim who later died is a death: the figure becomes a killed one.

    Only an exact count, and the death told right after it in the same clause ("… was
    shot and died of the wounds in hospital later", "abducted and later killed") or in the next
    sentence with the victim as its subject ("He later died of his wounds": one victim;
    "They …": all of them)."""
    folded = doc.folded
    if not figures or not any(w in folded for w in ("died", "succumbed", "passed away", "kill", "dead",
                                                     "executed", "beheaded", "murdered", "to death")):
        return
    starts = sorted(f.start for f in figures)
    for f in figures:
        if f.measure not in ("injured", "missing") or f.qualifier != "exact" or f.low is None or f.low != f.high:
            continue
        nxt = starts[bisect.bisect_right(starts, f.start)] if f.start < starts[-1] else len(folded)
        m = _DIED_SAME.match(folded, f.end)
        if m and m.end() <= nxt and not _NOT_DIED.search(m.group("gap")):
            f.measure = "killed"
            continue
        k = doc.sentence_of(f.end)
        if not doc.sentences or k + 1 >= len(doc.sentences) or doc.sentence_of(f.start) != k:
            continue
        s_start, s_end = doc.sentences[k + 1]
        if nxt < s_end:
            continue  # the next sentence gives a figure of its own
        n = _DIED_NEXT.match(folded, s_start)
        if not n or n.end() > s_end or _NOT_DIED.search(n.group("gap") or ""):
            continue
        pron = n.group("s") or "they"
        if pron in ("he", "she") and f.low != 1:
            continue
        if pron.startswith("the") and pron.endswith("s") and f.low == 1:
            continue
        f.measure = "killed"


def _breakdowns(figures: list[FigureMention], folded: str) -> None:
    """A list after a total that adds up to it is its breakdown, not more victims: "four
    people died, a man and three children", "three staff members, two drivers and a
    guard, were killed" (the parts become subsets)."""
    lists: dict[int, list[FigureMention]] = {}
    for f in figures:
        if f.list_id is not None:
            lists.setdefault(f.list_id, []).append(f)
    for parts in lists.values():
        head, rest = parts[0], parts[1:]
        if (len(rest) < 2 or head.low is None
                or any(p.group not in _BREAKDOWN_GROUPS.get(head.group, ()) for p in rest)
                or not folded[head.end:rest[0].start].strip().startswith(",")
                or any(p.low is None for p in rest) or not _adds_up(rest, head.low)):
            continue
        head.list_id = None
        for p in rest:
            p.list_id, p.part = None, True


#: the groups a breakdown of each group's total may name (the soldiers' total is no count of
#: "two civilians and a child")
_BREAKDOWN_GROUPS = {
    "all": ("all", "civilians", "children", "women", "medical_staff", "combatants"),
    "civilians": ("all", "civilians", "children", "women", "medical_staff"),
    "combatants": ("all", "combatants"),
}


def _adds_up(parts: list[FigureMention], total: int) -> bool:
    """Whether the parts, in order, add up to the total once or more (two breakdowns of one
    count: "seven staff, three women and four men, six foreign and one local, …")."""
    acc = 0
    for p in parts:
        acc += p.low or 0
        if acc > total:
            return False
        if acc == total:
            acc = 0
    return acc == 0


def _mark_roles(doc: TextDoc, rules: _Rules, figures: list[FigureMention]) -> None:
    """Civilians counted by role ("a journalist", "two engineers", "three aid workers") are a
    part of the civilian toll, like children or women: only "civilians", "residents" and
    the like state it."""
    for f in figures:
        if f.group != "civilians" or f.part:
            continue
        nouns = {_norm(m.group(0)) for m in rules.civ_nouns.finditer(doc.folded, f.start, f.end)}
        if nouns and not nouns & rules.civ_totals:
            f.part = True


def _has_noun(rules: _Rules, doc: TextDoc, n: NumberMention) -> bool:
    m = rules.noun_after.match(doc.folded, n.end)
    return bool(m and m.group("grp"))


def _inherit(doc: TextDoc, rules: _Rules, n: NumberMention, tail: int, other: FigureMention,
             gap: str) -> FigureMention:
    """A list part takes its neighbour's measure; additive parts share a list_id."""
    m = rules.noun_after.match(doc.folded, n.end)
    group, sub = (_group(rules, m.group("grp"), m.group("mods"), m.group("of"), m.group("grp2")) if m
                  else ("all", None))
    low, high, qual = n.low, n.high, n.qualifier
    if other.qualifier == "up_to" and other.low is None:
        low, high, qual = None, n.high if n.high is not None else n.low, "up_to"
    list_id = None
    named = _NAMED_GAP.match(gap)  # "a child named Samir Nasser (12), and …": the age is no subset
    subset = bool(_SUBSET.search(gap[named.end():] if named else gap))
    if not subset:
        if other.list_id is None:
            other.list_id = other.start
        list_id = other.list_id
    return FigureMention(start=n.start, end=tail, text=doc.text[n.start:tail], measure=other.measure,
                group=group, low=low, high=high, qualifier=qual, subgroup=sub, list_id=list_id,
                part=subset, family=_is_family(rules, m))


_CAP_TOKEN = re.compile(r"\s+[\"'\u201c\u201d\u2018\u2019]?(?:[A-Z][\w'\u2019.-]*)[\"'\u201c\u201d\u2018\u2019]?(?=\s)")
_QUOTE = re.compile(r"\s*[\"'\u201c\u201d\u2018\u2019]")


def _skips(doc: TextDoc, pos: int) -> list[int]:
    """Where a noun phrase may go on after unknown capitalised words or a quote mark.

    "6 Asayish members", "3 SDF fighters", 'about 10 "fighters"': up to four words
    written with a capital (names and acronyms the lexicon cannot list) are read
    as modifiers.
    """
    out = []
    q = _QUOTE.match(doc.text, pos)
    if q:
        out.append(q.end())
    p = pos
    for _ in range(4):
        t = _CAP_TOKEN.match(doc.text, p)
        if not t:
            break
        p = t.end()
        out.append(p)
    return out


def _is_family(rules: _Rules, m: re.Match[str] | None) -> bool:
    if not m:
        return False
    words = f"{m.group('grp') or ''} {m.group('grp2') or ''} {m.group('of') or ''}"
    return "famil" in words


def _figure(doc: TextDoc, rules: _Rules, n: NumberMention, label: str, noun: re.Match[str], measure_word: str,
            start: int, end: int, partitive: bool, is_family: bool) -> FigureMention:
    """The figure of count ``n`` with its person noun phrase ``noun`` (group, modifiers,
    a qualifier after it) and its measure, whichever side of the count the measure stands."""
    group, sub = _group(rules, noun.group("grp"), noun.group("mods") or "", noun.group("of") or "", noun.group("grp2"))
    if is_family and group == "all":
        group = "civilians"
    qual, low, high = n.qualifier, n.low, n.high
    if noun.group("pq"):
        qual, high = lexicon().post_qualifiers[_norm(noun.group("pq"))], None
    measure, qual, low, high = _measure(label, qual, low, high)
    return FigureMention(start=start, end=end, text=doc.text[start:end], measure=measure, group=group,
                         low=low, high=high, qualifier=qual, subgroup=sub, part=partitive or "among" in measure_word,
                         family=is_family or _is_family(rules, noun))


def _read(doc: TextDoc, rules: _Rules, n: NumberMention) -> tuple[FigureMention | None, int]:
    """The figure a number heads, if its neighbours make it one; and where its noun phrase ends."""
    folded = doc.folded
    start = n.start
    fam = rules.family.search(folded, max(0, n.start - 24), n.start)
    is_family = fam is not None
    if fam:
        start = fam.start() + (len(fam.group(0)) - len(fam.group(0).lstrip()))
    partitive = bool(_PARTITIVE.match(folded, n.end))
    # Count first: "23 people were killed" (also after unknown names: "6 Asayish members killed").
    m = rules.post.match(folded, n.end)
    if not m:
        for p2 in _skips(doc, n.end):
            m2 = rules.post.match(folded, p2)
            if m2 and m2.group("grp"):
                m = m2
                break
    if m:
        if _norm(m.group("m")) == "bodies" and _IDENTIFY.match(folded, m.end()):
            return None, m.end()  # "several bodies had not been identified": a re-mention
        obj = None if _PASSIVE.search(m.group(0)) else rules.active_obj.match(folded, m.end())
        if obj and not _OWN_VERB.match(folded, obj.end()):
            # "a gunman shot dead two drivers": the count is the killer (and no list part)
            return None, m.start("m")
        label = rules.measure_after[_norm(m.group("m"))]
        return _figure(doc, rules, n, label, m, m.group("m"), start, m.end(), partitive, is_family), m.end()
    a = rules.noun_after.match(folded, n.end)
    if not (a and a.group("grp")):
        for p2 in _skips(doc, n.end):
            a2 = rules.noun_after.match(folded, p2)
            if a2 and a2.group("grp"):
                a = a2
                break
    has_noun = bool(a and a.group("grp"))
    tail = n.end
    if a and has_noun:
        tail = a.end("of") if a.group("of") else a.end("grp2") if a.group("grp2") else a.end("grp")
    if (not has_noun and n.qualifier == "exact" and n.low == 1
            and folded[n.start:n.end] in ("a", "an", "one")):
        return None, tail  # "one" alone is a pronoun far too often
    # Measure first: "killing at least 12 people".
    p = rules.pre.search(folded, max(0, start - 60), start)
    if p and a:
        label = rules.measure_before[_norm(p.group("m"))]
        return _figure(doc, rules, n, label, a, p.group("m"), p.start(), tail, partitive, is_family), tail
    # A long subject: "at least six men working for the civil defence were killed".
    if a and has_noun:
        fig = _long_subject(doc, rules, n, a, tail, start, partitive, is_family)
        if fig is not None:
            return fig, tail
    return None, tail


def _subset_before(folded: str, start: int, end: int) -> bool:
    """Whether a subset opens between ``start`` and ``end`` ("including", "among them", an
    open parenthesis; a parenthesis closed again before ``end`` was an aside)."""
    for m in _SUBSET_BEFORE.finditer(folded, start, end):
        if m.group(0) != "(" or ")" not in folded[m.end():end]:
            return True
    return False


def _long_subject(doc: TextDoc, rules: _Rules, n: NumberMention, a: re.Match[str], tail: int,
                  start: int, part: bool, is_family: bool) -> FigureMention | None:
    """A count whose verb comes after a qualifying phrase, in the same clause."""
    folded = doc.folded
    m = rules.long.match(folded, tail)
    if not m:
        return None
    gap = m.group("gap")
    aux = m.group("aux")
    if _LONG_BAD.search(gap) or (m.group("ed") and not aux.strip()):
        return None
    if not aux.strip():
        if len(gap) > 80 or _LONG_VERB.search(gap) or _norm(m.group("m")) not in rules.no_aux:
            return None
        if any(w.endswith("ed") and not _ED_OK.search(w) for w in re.findall(r"[a-z-]+", gap)):
            return None
    # No other casualty count or second subject ("…, and others injured") may start
    # inside the gap, except as a listed subset.
    for inner in rules.count_in_gap.finditer(folded, tail, m.start("aux")):
        if not _subset_before(folded, tail, inner.start()):
            return None
    for inner in rules.conjunct.finditer(folded, tail, m.start("aux")):
        # the verb's own subject (no closing comma after it), not an aside ("…, and X, were")
        if "," not in folded[inner.end():m.start("aux")] and not _SUBSET_BEFORE.search(
                folded, tail, inner.start()):
            return None
    label = rules.measure_after[_norm(m.group("m"))]
    group, sub = _group(rules, a.group("grp"), a.group("mods") or "", a.group("of") or "", a.group("grp2"))
    family = is_family or _is_family(rules, a) or bool(re.search(r"\bfamil", m.group("gap")))
    if family and group == "all":
        group = "civilians"
    qual, low, high = n.qualifier, n.low, n.high
    if a.group("pq"):
        qual, high = lexicon().post_qualifiers[_norm(a.group("pq"))], None
    measure, qual, low, high = _measure(label, qual, low, high)
    end = m.end()
    return FigureMention(start=start, end=end, text=doc.text[start:end], measure=measure, group=group, low=low,
                high=high, qualifier=qual, subgroup=sub, part=part, family=family)


def _zeros(doc: TextDoc, rules: _Rules, figures: list[FigureMention]) -> list[FigureMention]:
    """Explicit zeros ("no casualties were reported") not already inside a figure."""
    out: list[FigureMention] = []
    taken = [(f.start, f.end) for f in figures]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in rules.zero.finditer(doc.folded):
        if free(m.start(), m.end()):
            for measure in rules.zero_map[_norm(m.group(0))]:
                out.append(FigureMention(start=m.start(), end=m.end(), text=doc.text[m.start():m.end()],
                            measure=measure, group="all", low=0, high=0, qualifier="exact"))
    for m in rules.zero_group.finditer(doc.folded):
        if free(m.start(), m.end()):
            group, _ = _group(rules, m.group("grp"), "")
            measure = "killed" if m.group("m") == "killed" else "injured"
            out.append(FigureMention(start=m.start(), end=m.end(), text=doc.text[m.start():m.end()],
                            measure=measure, group=group, low=0, high=0, qualifier="exact"))
    return out


# The victims said to be there, their number not: "the number of wounded is still
# unknown", "it is not clear how many more were hurt" (vague, low 2, like a bare plural).
_UNCOUNTED = (
    re.compile(r"number\s+of\s+(?:the\s+)?(?P<m>injured|wounded|injuries|dead|deaths|fatalities|killed)\b"
               r"(?:\s+(?:civilians|people|persons|victims))?\s+(?:remains|remained|is|was|are|were)\s+"
               r"(?:still\s+)?(?:unknown|unclear|not\s+known|undetermined)"),
    re.compile(r"how\s+many(?:\s+(?:people|civilians|others|persons))?"
               r"\s+(?:were|had\s+been|have\s+been)\s+(?P<m>injured|wounded|killed)\b"),
)
_UNCOUNTED_BEFORE = re.compile(r"\b(?:unknown|unclear|not\s+known|not\s+clear)\s+$")


def _uncounted(doc: TextDoc, figures: list[FigureMention]) -> list[FigureMention]:
    """Victims whose number the text says is unknown ("the number of injured remains unknown"):
    more than one, vague, low 2 (not inside another figure)."""
    folded = doc.folded
    if "unknown" not in folded and "unclear" not in folded and "not known" not in folded \
            and "not clear" not in folded and "undetermined" not in folded:
        return []
    taken = [(f.start, f.end) for f in figures]
    out: list[FigureMention] = []
    # literal starts (no leading \b) let the scanner skip ahead; the letter before is checked
    matches = [m for rx in _UNCOUNTED for m in rx.finditer(folded) if not (m.start() and folded[m.start() - 1].isalnum())]
    for m in sorted(matches, key=lambda m: m.start()):
        s, e = m.start(), m.end()
        if m.re is _UNCOUNTED[1] and not _UNCOUNTED_BEFORE.search(folded, max(0, s - 16), s):
            continue  # "how many were injured" asked, not said to be unknown
        if any(not (e <= a or s >= b) for a, b in taken):
            continue
        word = m.group("m")
        measure = "injured" if word.startswith(("injur", "wound")) else "killed"
        out.append(FigureMention(start=s, end=e, text=doc.text[s:e], measure=measure, group="all",
                                 low=2, high=None, qualifier="vague"))
    return out


_BARE_ANCHOR = re.compile(r"\b(?:killed|injured|wounded|hurt|killing|injuring|wounding|hurting|injuries|wounds)\b")


def _bare(doc: TextDoc, rules: _Rules, figures: list[FigureMention]) -> list[FigureMention]:
    """Victims in the plural with no count: "civilians were injured", "injuring civilians",
    "caused injuries" (vague, low 2, as "many"); not where a count or determiner stands
    before the noun, nor inside another figure. Tried only at the measure words (speed)."""
    out: list[FigureMention] = []
    taken = sorted((f.start, f.end) for f in figures)
    folded = doc.folded

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    found: list[tuple[int, int, str, str]] = []  # start, end, measure, group
    for a in _BARE_ANCHOR.finditer(folded):
        word = a.group(0)
        measure = "killed" if word.startswith("kill") else "injured"
        if word in ("injuries", "wounds"):
            n = rules.bare_noun.search(folded, max(0, a.start() - 60), a.start())
            if n:
                if n.group("d"):
                    found.append((n.start(), n.start("d") + 6, "killed", "all"))
                found.append((a.start() if n.group("d") else n.start(), a.end(), "injured", "all"))
            continue
        if word.endswith("ing"):
            g = rules.bare_ger.match(folded, a.start())
            if g:
                found.append((g.start(), g.end(), measure, _group(rules, g.group("grp"), g.group("mods"))[0]))
            continue
        for m in rules.bare.finditer(folded, max(0, a.start() - 70), a.end()):
            if m.end() != a.end():
                continue
            s, mods = m.start(), ""
            bm = rules.bare_mods.search(folded, max(0, s - 60), s)
            if bm:
                mods, s = bm.group(0), bm.start()
            if _BARE_BEFORE.search(folded, max(0, s - 24), s):
                found.append((s, m.end(), measure, _group(rules, m.group("grp"), mods)[0]))
            break
    for s, e, measure, group in found:
        if free(s, e):
            out.append(FigureMention(start=s, end=e, text=doc.text[s:e], measure=measure, group=group,
                                     low=2, high=None, qualifier="vague"))
    return out


def _named(doc: TextDoc, rules: _Rules, figures: list[FigureMention]) -> list[FigureMention]:
    """One victim named, with no count: "Ahmad Khalil (36) was killed", "killing journalist
    Ahmad Khalil" (exact, 1; left out of a toll when larger counts exist)."""
    out: list[FigureMention] = []
    taken = [(f.start, f.end) for f in figures]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    text = doc.text
    post = [m for a in _NAMED_ANCHOR.finditer(doc.folded)
            for m in _NAMED_POST.finditer(text, max(0, a.start() - 160), a.end())]
    pre = list(_NAMED_PRE.finditer(text))
    if any(w in doc.folded for w in _NAMED_NOUNS):
        pre += _NAMED_NOUN.finditer(text)
    for pat, found in ((_NAMED_POST, post), (_NAMED_PRE, pre)):
        for m in found:
            s, e = m.start(), m.end()
            if not free(s, e):
                continue
            group = "all"
            if pat is _NAMED_PRE:
                role = doc.folded[m.end("m"):m.start("name")].strip().removeprefix("the ")
                if role and role not in rules.groups:
                    continue  # only a person noun ("journalist", "engineer") may stand before the name
                if role:
                    group, _ = _group(rules, role, "")
            word = doc.folded[m.start("m"):m.end("m")]
            measure = "killed" if re.search(r"kill|shot|death|loss", word) else "injured"
            out.append(FigureMention(start=s, end=e, text=text[s:e], measure=measure, group=group,
                                     low=1, high=1, qualifier="exact"))
            taken.append((s, e))
    # victims named one after another ("A, 45, was injured, and B, 11, was injured") add up
    out.sort(key=lambda f: f.start)
    for a, b in zip(out, out[1:]):
        if (a.measure == b.measure and doc.sentence_of(a.start) == doc.sentence_of(b.start)
                and _NAMED_JOIN.fullmatch(doc.folded, a.end, b.start)):
            if a.list_id is None:
                a.list_id = a.start
            b.list_id = a.list_id
    return out


#: what follows a definite subject: its death or injury ("… of the branch was shot and killed")
_DEF_VERB = re.compile(
    r"(?:\s+of\s+[^.;:,()]{1,60}?)?"
    r"(?:\s+(?:was|has\s+been|had\s+been)(?:\s+(?:reportedly|also|later|subsequently|allegedly|then|"
    r"fatally|critically|seriously|severely|lightly|slightly|badly|instantly|immediately))*"
    r"\s+(?P<m>killed|shot\s+dead|shot\s+and\s+killed|injured|wounded|found\s+dead)"
    r"|\s+(?:(?:later|also|subsequently)\s+)?(?P<d>died))\b")
#: what stands before a definite subject: the start of a sentence or clause
_DEF_SUBJECT = re.compile(r"(?:[.;!?\n,]\s*|\band\s+)$")
#: or before a definite object: the verb ("killing the driver")
_DEF_OBJECT = re.compile(r"\b(?P<m>killing|killed|kills|kill|injuring|injured|wounding|wounded)\s+$")


def _definite(doc: TextDoc, rules: _Rules, figures: list[FigureMention]) -> list[FigureMention]:
    """One victim named by a definite noun phrase at the head of a sentence or clause ("The
    driver was killed", "The head of the local branch was shot and killed") or as the object
    of the measure verb ("killing the driver") (exact, 1)."""
    folded = doc.folded
    out: list[FigureMention] = []
    taken = [(f.start, f.end) for f in figures]
    found: list[tuple[int, int, re.Match[str], str]] = []
    for m in rules.definite.finditer(folded):
        s = m.start()
        if s and folded[s - 1].isalnum():
            continue  # "breathe", not "the"
        before = folded[max(0, s - 12):s]
        obj = _DEF_OBJECT.search(before)
        if obj:
            found.append((s - len(before) + obj.start(), m.end(), m, obj.group("m")))
            continue
        if s and not _DEF_SUBJECT.search(before) and (s >= 12 or before.strip()):
            continue
        v = _DEF_VERB.match(folded, m.end())
        if v:
            found.append((s, v.end(), m, v.group("m") or v.group("d")))
    for s, e, m, word in sorted(found, key=lambda x: x[0]):
        if any(not (e <= a or s >= b) for a, b in taken):
            continue
        taken.append((s, e))
        group, sub = _group(rules, m.group("n"), m.group("mods"))
        measure = "injured" if word.startswith(("injur", "wound")) else "killed"
        out.append(FigureMention(start=s, end=e, text=doc.text[s:e], measure=measure, group=group,
                                 low=1, high=1, qualifier="exact", subgroup=sub))
    return out


#: kin killed with the subject: "… was killed alongside her four children"
_COMPANION = re.compile(r"\b(?P<v>killed|died)\s+(?:alongside|along\s+with|together\s+with|with)\s+(?:his|her|their)\s+$")


def _companions(doc: TextDoc, rules: _Rules, figures: list[FigureMention], numbers: list[NumberMention]
                ) -> list[FigureMention]:
    """Kin killed together with the subject ("Samira Haddad was killed alongside her four
    children"): a count of its own, in one additive list with the subject's figure when the
    subject is counted ("… was killed" ending at the verb)."""
    folded = doc.folded
    if "with " not in folded and "alongside" not in folded:
        return []
    out: list[FigureMention] = []
    spans = [(f.start, f.end) for f in figures]
    for n in numbers:
        if n.low is None or any(a <= n.start < b for a, b in spans):
            continue
        c = _COMPANION.search(folded, max(0, n.start - 40), n.start)
        if not c:
            continue
        a = rules.noun_after.match(folded, n.end)
        if not (a and a.group("grp")):
            continue
        tail = a.end("grp2") if a.group("grp2") else a.end("grp")
        group, sub = _group(rules, a.group("grp"), a.group("mods") or "", "", a.group("grp2"))
        f = FigureMention(start=n.start, end=tail, text=doc.text[n.start:tail], measure="killed", group=group,
                          low=n.low, high=n.high, qualifier=n.qualifier, subgroup=sub)
        subject = [g for g in figures if g.measure == "killed" and g.end == c.end("v")]
        if subject:
            g = subject[-1]
            if g.list_id is None:
                g.list_id = g.start
            f.list_id = g.list_id
        out.append(f)
    return out


def _mark_other_events(doc: TextDoc, cue_re: re.Pattern[str], figures: list[FigureMention]) -> None:
    """Flag figures whose sentence and clause carry a cumulative or other-event cue."""
    if not figures:
        return
    folded = doc.folded
    cues = [(m.start(), m.end()) for m in cue_re.finditer(folded)]
    if not cues:
        return
    starts = [c[0] for c in cues]
    for f in figures:
        s_start, s_end = doc.sentences[doc.sentence_of(f.start)] if doc.sentences else (0, len(folded))
        i = bisect.bisect_left(starts, s_start)
        while i < len(cues) and cues[i][0] < s_end:
            c_start, c_end = cues[i]
            i += 1
            if c_start >= f.start and c_end <= f.end:
                f.other_event = True
                break
            lo, hi = (f.end, c_start) if c_start >= f.end else (c_end, f.start)
            between = folded[lo:hi] if lo < hi else ""
            if c_start >= f.end and (_CLAUSE_BREAK.search(between) or _RELATIVE.search(between)):
                continue
            if c_start < f.start and ";" in between and not _PERFECT.search(folded, f.start, f.end + 24):
                continue  # "since …; today's strike killed 9" is today's, "…; 200 have been killed" is not
            f.other_event = True
            break


#: what sets victims apart from the ones before them in a clause: "one staff member was killed
#: together with six other civilians (not counted here)" leaves the staff member counted
_APART = re.compile(r"\b(?:along\s+with|alongside|together\s+with|with|as\s+well\s+as|besides|in\s+addition\s+to|"
                    r"while|whereas)\b")


def _mark_not_counted(doc: TextDoc, rules: _Rules, figures: list[FigureMention]) -> None:
    """Victims the text leaves out of its own count ("… and four more villagers died
    (not counted here)"): the figures inside the parentheses that say so, else the figures
    of the clause just before the phrase (back to the sentence start, or to "along with",
    "while" …: what comes before those is counted). They are kept, marked ``other_event``."""
    folded = doc.folded
    if not figures or not any(w in folded for w in ("not counted", "not included", "not yet", "not being", "not been")):
        return
    for m in rules.not_counted.finditer(folded):
        c = m.start()
        opening = folded.rfind("(", max(0, c - 80), c)
        in_paren = opening >= 0 and ")" not in folded[opening:c]
        if not (in_paren or m.group("after")):
            continue  # "he was not included in the aid distribution": no statement about a count
        inside = [f for f in figures if in_paren and f.start > opening and f.end <= c]
        if inside:
            for f in inside:
                f.other_event = True
            continue
        limit = opening if in_paren else c
        s_start = doc.sentences[doc.sentence_of(c)][0] if doc.sentences else 0
        before = [f for f in figures if s_start <= f.start and f.end <= limit]
        if not before or _APART.search(folded, before[-1].end, limit):
            continue  # "… was killed along with eight others (not counted)": the others are no figure
        chosen = [before[-1]]
        for f in reversed(before[:-1]):
            if _APART.search(folded, f.end, chosen[-1].start):
                break
            chosen.append(f)
        for f in chosen:
            f.other_event = True


def _assign_sources(doc: TextDoc, figures: list[FigureMention], sources: list[SourceMention]) -> None:
    """Give each figure the source of its sentence, or of the next one ("…, the civil defence said.")."""
    if not sources or not figures:
        return
    by_sentence: dict[int, list[SourceMention]] = {}
    for s in sources:
        by_sentence.setdefault(doc.sentence_of(s.start), []).append(s)
    fig_sentences = {doc.sentence_of(f.start) for f in figures}
    for f in figures:
        k = doc.sentence_of(f.start)
        same = by_sentence.get(k)
        if same:
            mid = (f.start + f.end) / 2
            f.source = min(same, key=lambda s: abs((s.start + s.end) / 2 - mid)).name
        elif (k + 1) in by_sentence and (k + 1) not in fig_sentences:
            f.source = by_sentence[k + 1][0].name


# --------------------------------------------------------------------------
# reconciliation

_SPECIFIC = ("exact", "about", "range", "at_least", "more_than")


def _lone_victim(figures: list[FigureMention]) -> bool:
    """Whether a count of one is the toll itself: told first and told again, more often
    than any larger count ("a civilian was killed … the civilian killed was …" before a
    count of another strike's dead), and no others said to have died without a count
    ("killing him and members of his family")."""
    ones = [f for f in figures if f.qualifier in _SPECIFIC and f.low == 1]
    larger = [f for f in figures if f.qualifier in _SPECIFIC and (f.low or 0) > 1]
    if len(ones) < 2 or not larger or any(f.qualifier == "vague" for f in figures):
        return False
    counts = Counter(f.low for f in larger)
    return len(ones) > max(counts.values()) and min(f.start for f in ones) < min(f.start for f in larger)


def _range(figures: list[FigureMention]) -> Range | None:
    """UCDP-style low/best/high of one key's figures (rules in the module docstring)."""
    if not figures:
        return None
    lows = [f.low for f in figures if f.low is not None]
    highs = [f.high if f.high is not None else f.low for f in figures]
    highs = [h for h in highs if h is not None]
    specific = [f.low for f in figures if f.qualifier in _SPECIFIC and f.low is not None]
    vague = [f.low for f in figures if f.qualifier == "vague" and f.low is not None]
    if any(v > 1 for v in specific) and not _lone_victim(figures):
        # a single person named ("a man", "one of the victims") is a victim, not a toll
        specific = [v for v in specific if v > 1]
    elif any(v > 2 for v in vague):
        # "a son was injured" and "dozens were injured": the named one is among the dozens
        specific = [f.low for f in figures if f.qualifier in _SPECIFIC and f.low is not None
                    and not (f.low == 1 and f.qualifier == "exact")]
    best: int | None
    if specific:
        counts = Counter(specific)
        best = max(counts, key=lambda v: (counts[v], v))
    else:
        best = max(vague) if vague else (max(highs) if highs else None)
    return Range(low=min(lows) if lows else None, best=best, high=max(highs) if highs else None)


def _sum(ranges: list[Range]) -> Range | None:
    """A derived range: the parts added up (an unknown part end counts as nothing)."""
    if not ranges:
        return None
    return Range(
        low=sum(r.low or 0 for r in ranges),
        best=sum(r.best or 0 for r in ranges),
        high=sum((r.high if r.high is not None else (r.best or 0)) for r in ranges),
    )


def _merge(parts: list[FigureMention], group: str) -> FigureMention:
    """One figure standing for the parts of an additive list (their sum)."""
    quals = {p.qualifier for p in parts}
    qualifier = "exact" if quals == {"exact"} else ("up_to" if quals == {"up_to"} else "at_least")
    low = None if qualifier == "up_to" else sum(p.low or 0 for p in parts)
    high = sum(p.high if p.high is not None else (p.low or 0) for p in parts)
    subs = {p.subgroup for p in parts}
    return FigureMention(start=parts[0].start, end=parts[-1].end, text="", measure=parts[0].measure,
                group=group, low=low, high=None if qualifier == "at_least" else high,
                qualifier=qualifier, subgroup=subs.pop() if len(subs) == 1 else None,
                part=all(p.part for p in parts), family=all(p.family for p in parts))





def _effective(figures: list[FigureMention]) -> list[FigureMention]:
    """Counted figures, with each additive list's parts summed per group (and in all)."""
    out: list[FigureMention] = []
    lists: dict[tuple[int, str], list[FigureMention]] = {}
    for f in figures:
        if f.other_event:
            continue
        if f.list_id is None:
            out.append(f)
        else:
            lists.setdefault((f.list_id, f.measure), []).append(f)
    for parts in lists.values():
        groups: dict[str, list[FigureMention]] = {}
        for p in parts:
            groups.setdefault(p.group, []).append(p)
        for group, ps in groups.items():
            if group != "all" or len(groups) == 1:
                out.append(ps[0] if len(ps) == 1 else _merge(ps, group))
        if len(groups) > 1:
            out.append(_merge(parts, "all"))
    return out


def _group_range(figures: list[FigureMention]) -> Range | None:
    """A group's range from its totals; from its parts only when no total is given."""
    wholes = [f for f in figures if not f.part]
    return _range(wholes or figures)


def _bound_only(r: Range | None, figures: list[FigureMention]) -> Range | None:
    """A group's range as a floor of a larger group: when its figures all count killed and
    injured together ("مقتل وجرح 20 عنصرا", low null), only its upper end, not its best."""
    if r is None or not figures or not all(f.qualifier == "up_to" and is_arabic(f.text) and not _hedged(f)
                                           for f in figures):
        return r  # (Arabic figures only, for now)
    return Range(low=r.low, best=None, high=r.high)


def _floor(r: Range | None, subs: list[Range | None]) -> Range | None:
    """Raise ``r`` so that no end lies below the same end of a subgroup's range."""
    subs = [x for x in subs if x is not None and not x.is_unknown]
    if r is None or not subs:
        return r

    def top(a: int | None, b: int | None) -> int | None:
        return b if a is None else (a if b is None else max(a, b))

    low, best, high = r.low, r.best, r.high
    for x in subs:
        if low is not None or r.best is not None:
            low = top(low, x.low)
        best = top(best, x.best)
        high = top(high, x.high if x.high is not None else x.best)
    if low is not None and best is not None and low > best:
        best = low
    if high is not None and best is not None and high < best:
        high = best
    return Range(low=low, best=best, high=high)


_CIVILIAN_PARTS = ("children", "women", "medical_staff")
#: how far a part may stand after the total it belongs to ("12 killed, including …")
_PART_REACH = 100


@lru_cache(maxsize=1)
def _hedge_re() -> re.Pattern[str]:
    en = [k for k, v in lexicon().qualifiers.items() if v == "up_to"]
    ar = [_ar(k) for k, v in lexicon_ar().raw["qualifiers"].items() if v == "up_to"]
    return re.compile(rf"\b(?:{_alt(en)})\b|(?<![\u0600-\u06ff])(?:{_ar_alt(ar)})(?![\u0600-\u06ff])")


def _hedged(f: FigureMention) -> bool:
    """Whether an "up to" figure says so in words ("up to 15 injured", "ما يصل إلى 15"),
    rather than bounding the injured by a count of killed and injured together."""
    return bool(_hedge_re().search(f.text.lower()))


def _parents(figures: list[FigureMention]) -> dict[int, FigureMention]:
    """The total each part belongs to (by the part's id): the last whole figure of its
    measure, of everyone or the civilians, shortly before it."""
    out: dict[int, FigureMention] = {}
    last: dict[str, FigureMention] = {}
    for f in sorted(figures, key=lambda f: f.start):
        if f.other_event:
            continue
        if not f.part:
            if f.group in ("all", "civilians"):
                last[f.measure] = f
            continue
        p = last.get(f.measure)
        if p is not None and f.start - p.end <= _PART_REACH:
            out[id(f)] = p
    return out


def _parts_of_other(figures: list[FigureMention], parent: dict[int, FigureMention], best: int | None) -> bool:
    """Whether a group's figures are all parts of totals larger than the toll chosen
    (``best``): they tell of a count the toll is not."""
    return bool(figures) and best is not None and all(
        f.part and id(f) in parent and (parent[id(f)].low or 0) > best for f in figures)


def reconcile(figures: list[FigureMention]) -> Casualties:
    """The document's casualty ranges, by ``[group_]measure`` key (rules in the module docstring)."""
    by_key: dict[tuple[str, str], list[FigureMention]] = {}
    for f in _effective(figures):
        by_key.setdefault((f.measure, f.group), []).append(f)
    ranges: dict[str, Range] = {}
    parent = _parents(figures)
    for measure in ("killed", "injured", "missing"):
        bare = by_key.get((measure, "all"), [])
        # a plural with no count ("قتلى وجرحى") beside a counted group ("… وقتلت امرأة") states
        # no total of everyone: the civilians come from the counted group
        bare_all = bool(bare) and all(f.qualifier == "vague" and (f.low or 0) <= 2 for f in bare) and any(
            f.qualifier in _SPECIFIC for (m, g), fs in by_key.items() if m == measure and g != "all"
            for f in fs)
        alls = [f for f in by_key.get((measure, "all"), []) if f.text and not f.part]
        stated_all = bool(alls) and not bare_all
        # a list's sum ("two officials and their driver") is a total the parts belong to
        totals = [f for f in by_key.get((measure, "all"), []) if not f.part]
        all_best = _range(totals).best if totals else None
        own: dict[str, Range | None] = {}
        for (m, g), fs in by_key.items():
            if m != measure:
                continue
            r = _group_range(fs)
            if (g == "civilians" and r is not None and all_best is not None
                    and all(f.part or f.family for f in fs) and all_best >= (r.best or 0)
                    and min(f.start for f in totals) < min(f.start for f in fs)):
                # "19 people, including a journalist", "38 people … 20 members of the X
                # family" (the total stated first): parts of it; the civilians' own
                # total is not given
                continue
            own[g] = r
        civ = own.get("civilians")
        derived = civ is None
        if civ is None and not stated_all:
            civ = _sum([r for g in _CIVILIAN_PARTS if (r := own.get(g)) is not None])
            whole = None if bare_all else own.get("all")
            if civ is not None and whole is not None and (civ.best or 0) < (whole.best or 0):
                civ = None  # "a man and a boy": the children alone do not count the civilians
        if (civ is not None and not derived and own.get("all") is not None
                and all(f.qualifier == "up_to" and not _hedged(f) for f in by_key.get((measure, "civilians"), []))
                and any(f.qualifier != "up_to" for f in by_key.get((measure, "all"), []))):
            # "45 civilians killed or injured" bounds the injured civilians; with a count of the
            # injured given ("more than 30 injured") it is no estimate of them
            civ = Range(low=civ.low, best=None, high=civ.high)
        # Consistency: everyone >= civilians >= each of children, women, medical staff.
        # No floor from a vague count of a part ("dozens of children") under a counted toll, nor
        # from the parts of a total the toll is not ("… killed 10 civilians, including seven
        # children" told of another strike, beside the one civilian killed in this one).
        vague = {g for (m, g), fs in by_key.items() if m == measure and all(f.qualifier == "vague" for f in fs)}
        sub_groups = [g for g in _CIVILIAN_PARTS if civ is None or derived or "civilians" in vague
                      or not (g in vague or _parts_of_other(by_key.get((measure, g), []), parent, civ.best))]
        subs = [own.get(g) for g in sub_groups]
        if civ is not None and not derived:
            civ = _floor(civ, subs)
        everyone = own.get("all") or _sum([r for r in (civ, own.get("combatants")) if r is not None])
        if everyone is not None and everyone.best is not None and any(f.qualifier in _SPECIFIC for f in bare):
            # a count of everyone ("… and 4 others injured") is not raised by a count of killed and
            # injured together ("killed or injured more than 20 fighters"): that only bounds it
            pairs = [("civilians", civ), ("combatants", own.get("combatants")), *zip(sub_groups, subs)]
            everyone = _floor(everyone, [_bound_only(r, by_key.get((measure, g), [])) for g, r in pairs])
        else:
            everyone = _floor(everyone, [civ, own.get("combatants"), *subs])
        for group, r in own.items():
            if r is not None and group not in ("all", "civilians"):
                ranges[f"{group}_{measure}"] = r
        if civ is not None:
            ranges[f"civilians_{measure}"] = civ
        if everyone is not None:
            ranges[measure] = everyone
    return Casualties(ranges)


@lru_cache(maxsize=2)
def _unknown_toll_re(language: str) -> re.Pattern[str]:
    if language == "ar":
        words = lexicon_ar().raw["unknown_toll"]["words"]
        return re.compile(rf"(?<![\u0600-\u06ff]){_AR_PREFIX}(?:{_ar_alt(_ar(w) for w in words)})(?!\w)")
    return re.compile(rf"\b(?:{_alt(lexicon().raw['unknown_toll']['words'])})\b")


def unknown_tolls(doc: TextDoc) -> list[int]:
    """Where the text says its toll is not known ("no immediate word on casualties",
    "دون ورود معلومات عن خسائر"): no figure, but an outcome told."""
    return [m.start() for m in _unknown_toll_re("ar" if doc.language == "ar" else "en").finditer(doc.folded)]


def mark_earlier(doc: TextDoc, figures: list[FigureMention]) -> None:
    """Within one incident's figures: after its first figure of a measure, a figure of that
    measure in a sentence set in an earlier time ("وكانت القوات قد …", "وأمس السبت، …",
    "في 12 شباط الماضي") tells of another event, and is marked so (Arabic)."""
    if doc.language != "ar" or len(figures) < 2:
        return
    rules = _rules_ar()
    folded = doc.folded
    first: dict[str, int] = {}  # measure -> the sentence of the incident's first figure of it
    for f in sorted(figures, key=lambda f: f.start):
        if f.other_event:
            continue
        k = doc.sentence_of(f.start)
        if first.setdefault(f.measure, k) == k:
            continue
        start, end = doc.sentences[k]
        if rules.earlier_open.match(folded, start, end) or rules.earlier_word.search(folded, start, end):
            f.other_event = True


def reconcile_subgroup(figures: list[FigureMention], subgroup: str, measure: str) -> Range:
    """The range for a subgroup the vocabulary lacks (e.g. aid workers killed); unknown if none."""
    return _range([f for f in _effective(figures) if f.subgroup == subgroup
                   and f.measure == measure]) or Range()


def figure_to_model(f: FigureMention) -> Figure:
    """The spec's Figure for a mention (a subgroup rides along as an extra field)."""
    extra: dict[str, object] = {"subgroup": f.subgroup} if f.subgroup else {}
    if f.other_event:  # kept for the record, never counted for this incident
        extra["other_event"] = True
    if f.part:  # a part of a toll the text states or implies ("including five children")
        extra["part"] = True
    if f.list_id is not None:  # parts of one list ("three children and two women") add up
        extra["list_id"] = f.list_id
    return Figure(measure=f.measure, group=f.group, low=f.low, high=f.high, qualifier=f.qualifier,
                  source=f.source, text=f.text, span=(f.start, f.end), extra=extra)


# --------------------------------------------------------------------------
# Arabic
#
# Arabic reports mostly name the harm first, as a noun ("مقتل 5 مدنيين",
# "استشهاد طفلين", "إصابة ثلاثة أشخاص بجروح", "ارتفاع حصيلة الشهداء إلى 12");
# casualty nouns also count on their own ("5 شهداء", "عشرات الجرحى"). Without a
# number a singular noun counts one ("مقتل طفل"), a dual two ("طفلين", "شهيدين")
# and a plural "two or more" (vague, low 2) as in English; a plural after the
# article ("المدنيين") is a re-mention, no count. Lists go on with "و"
# ("مقتل امرأة وطفلين", additive) and subsets follow "بينهم"/"منهم" ("مقتل 5
# مدنيين بينهم طفلان", parts), also after "من عائلة واحدة" or the wounds ("إصابة 5
# مدنيين بجروح، بينهم 3 أطفال"). "شهداء وجرحى" with no count gives the dead as a
# bare plural (vague, low 2) besides the injured bound; a lone "شهيد" counts one
# only before another casualty noun ("شهيد وعدد من الجرحى"), and a bare plural
# after it is read too ("شهيد وجرحى": the injured, vague); the injured as a bare
# plural heading a headline ("جرحى مدنيون بقصف …") are vague, low 2; "وأحد
# المصابين" (folded "واحد") is one of a count, not one more; "فقدان شخص لحياته"
# is a death, not a person missing; "مقتل كل من "أ" و"ب"" counts the quoted
# names. A victim counted one may carry a name or a short description before the
# list goes on ("استشهاد الحاج فلان وابنه", "مقتل "فلان" قائد الشرطة برفقة 3
# أشخاص"); kin named by a possessive ("وطفلها") count one each; a body recovered
# ("انتشال جثمان امرأة"), a victim in a relative clause ("المدني الذي استشهد"), a
# dual verb after names ("…، قتلا") and the verb before its victims ("وقتل خلال
# الغارة شخصان") are read too. Teaser lines (related headlines) lose their figures
# when the story's prose gives a specific one, and a countless figure after an
# imperfect result ("ما يسفر عن وقوع ضحايا") describes a habit, not a toll. All vocabulary is in
# ``data/lexicons/ar/casualties.toml``, normalised like the text when loaded.

_AR_PREFIX = r"(?:وب|ول|فب|لل|و|ب|ل|ف)?"
#: a name in quotes ("مقتل كل من "فلان" و"فلان"")
_AR_QUOTED = r"[\"\u201c\u201d\u00ab][^\"\u201c\u201d\u00ab\u00bb\n]{2,40}[\"\u201c\u201d\u00bb]"
_AR_QUOTED_RE = re.compile(_AR_QUOTED)


@dataclass(frozen=True, slots=True)
class _ArRules:
    """Compiled Arabic casualty patterns (built once from the Arabic lexicon)."""

    nouns: dict[str, tuple[str | None, str | None, str]]  # noun -> (group, measure, kind)
    noun: re.Pattern[str]
    noun_scan: re.Pattern[str]
    mods: re.Pattern[str]
    before: re.Pattern[str]
    before_np: re.Pattern[str]
    measure_before: dict[str, str]
    after: re.Pattern[str]
    measure_after: dict[str, str]
    mixed: re.Pattern[str]
    mixed_map: dict[str, str]
    mixed_tail: re.Pattern[str]
    list_next: re.Pattern[str]
    subset_next: re.Pattern[str]
    post_q: re.Pattern[str]
    post_qualifiers: dict[str, str]
    np_after: re.Pattern[str]
    zero: re.Pattern[str]
    zero_map: dict[str, list[str]]
    cues: re.Pattern[str]
    civ_totals: frozenset[str]
    max_count: int
    named: re.Pattern[str]
    named_stop: frozenset[str]
    named_places: frozenset[str]
    named_not_after: frozenset[str]
    dual: re.Pattern[str]
    pronoun: re.Pattern[str]
    pronoun_map: dict[str, str]
    one_of: re.Pattern[str]
    bare_injured: re.Pattern[str]
    bare_injured_words: tuple[str, ...]
    life: re.Pattern[str]
    single: re.Pattern[str]
    named_list: re.Pattern[str]
    joiner: re.Pattern[str]
    relative: re.Pattern[str]
    relative_map: dict[str, str]
    dual_verb: re.Pattern[str]
    dual_verb_map: dict[str, str]
    verb_first: re.Pattern[str]
    titled: re.Pattern[str]
    habitual: re.Pattern[str]
    glued: re.Pattern[str]
    earlier_open: re.Pattern[str]
    earlier_word: re.Pattern[str]


@lru_cache(maxsize=1)
def _rules_ar() -> _ArRules:
    lex = lexicon_ar()
    raw = lex.raw
    nouns: dict[str, tuple[str | None, str | None, str]] = {}
    for kind in ("plural", "singular", "dual"):
        for k, v in raw["groups"][kind].items():
            nouns.setdefault(_ar(k), (v, None, kind))
    for kind in ("plural", "singular", "dual"):
        for k, v in raw["measure_nouns"][kind].items():
            nouns.setdefault(_ar(k), (None, v, kind))
    mixed_map = {_ar(k): v for k, v in raw["measure_nouns"]["mixed"].items()}
    measure_before = {_ar(k): v for k, v in raw["measure_before"].items()}
    measure_after = {_ar(k): v for k, v in raw["measure_after"].items()}
    between = _ar_alt(_ar(w) for w in raw["between"]["words"])
    mods = _ar_alt(_ar(w) for w in raw["persons"]["modifiers"])
    noun_alt = _ar_alt(nouns)
    zero_map = {_ar(k): list(v) for k, v in raw["zero"].items()}
    post_qualifiers = dict(lex.post_qualifiers)
    return _ArRules(
        nouns=nouns,
        noun=re.compile(rf"(?P<al>ال)?(?P<noun>{noun_alt})(?!\w)"),
        # a noun at a word start, or after the conjunction "و"
        noun_scan=re.compile(rf"(?<![\u0600-\u06ff])و?(?P<np>(?:ال)?(?:{noun_alt})(?!\w))"),
        # modifiers, then "of one family" ("5 مدنيين من عائلة واحدة أصيبوا")
        mods=re.compile(rf"(?:\s+(?:ال)?(?:{mods})(?!\w))*"
                        rf"(?:\s+(?:{_ar_alt(_ar(w) for w in raw['persons']['family'])})(?!\w))?"),
        before=re.compile(
            rf"(?<![\u0600-\u06ff]){_AR_PREFIX}(?P<m>{_ar_alt(measure_before)})(?:\s+(?:{between}))?"
            r"(?:\s+(?:نحو|حوالي))?\s*\(?$"),
        before_np=re.compile(
            rf"(?<![\u0600-\u06ff]){_AR_PREFIX}(?P<m>{_ar_alt(measure_before)})\s+"
            rf"(?=(?:ال)?(?:{noun_alt})(?!\w)|(?:{_ar_alt(_ar(w) for w in raw['one_of']['words'])})\s)"),
        measure_before=measure_before,
        after=re.compile(
            rf"\s*(?:,\s*)?(?:(?:قد|جميعهم|كلهم|جميعا|وقد)\s+)?(?P<m>{_ar_alt(measure_after)})(?!\w)"),
        measure_after=measure_after,
        mixed=re.compile(rf"\s+(?:ما\s+)?(?P<mx>{_ar_alt(mixed_map)})(?!\w)"),
        mixed_tail=re.compile(
            rf"\s+(?:{_ar_alt(_ar(w) for w in raw['measure_nouns']['mixed_tail']['words'])})(?!\w)"),
        mixed_map=mixed_map,
        list_next=re.compile(
            rf"\s*(?:,\s*)?(?:و\s*|(?:{_ar_alt(_ar(w) for w in raw['list']['joiners'])})\s+)(?=\S)"),
        subset_next=re.compile(
            rf"\s*(?:,\s*)?(?:{_ar_alt(_ar(w) for w in raw['subset']['words'])})(?:\s+(?:نحو|حوالي))?\s+"),
        # not "وأكثر من 10 معتقلين": a count of its own
        post_q=re.compile(rf"\s+(?P<pq>{_ar_alt(post_qualifiers)})(?!\w)(?!\s+من(?!\w))"),
        post_qualifiers=post_qualifiers,
        np_after=re.compile(r"\)?\s+(?:من\s+)?"),  # "مقتل (3) أشخاص"
        zero=re.compile(rf"(?<![\u0600-\u06ff]){_AR_PREFIX}(?:{_ar_alt(zero_map)})(?!\w)"),
        zero_map=zero_map,
        cues=re.compile(rf"(?<![\u0600-\u06ff]){_AR_PREFIX}(?:{_ar_alt(_ar(c) for c in raw['other_event']['cues'])})"),
        civ_totals=frozenset(_ar(w) for w in raw["persons"]["civilian_totals"]),
        max_count=int(raw["other_event"]["max_count"]),
        # after a measure: a quoted name, or an unknown word (checked against the stop list)
        # (a lookahead, so that "أسفر عن مقتل فلان" tries "مقتل فلان" too)
        named=re.compile(
            rf"(?<![\u0600-\u06ff]){_AR_PREFIX}(?P<m>{_ar_alt(measure_before)})(?=\s+"
            r"(?:(?P<q>\"[^\"\n]{2,40}\")|(?P<w>[\u0621-\u064a]{3,})(?=\s+[\u0621-\u064a]{2,})))"),
        named_stop=frozenset(_ar(w) for w in [*raw["named"]["stop"], *raw["named"]["places"]]),
        named_places=frozenset(_ar(w) for w in raw["named"]["places"]),
        named_not_after=frozenset(_ar(w) for w in raw["named"]["not_after"]),
        pronoun=re.compile(
            rf"(?<![\u0600-\u06ff])(?P<after>متاثر\w*\s+)?{_AR_PREFIX}(?P<m>{_ar_alt(_ar(k) for k in raw['measure_pronoun'])})(?!\w)"),
        pronoun_map={_ar(k): v for k, v in raw["measure_pronoun"].items()},
        one_of=re.compile(rf"(?:{_ar_alt(_ar(w) for w in raw['one_of']['words'])})\s+(?!عشر)(?=\S)"),
        bare_injured=re.compile(rf"(?P<noun>{_ar_alt(_ar(w) for w in raw['bare_injured']['words'])})\s+"
                                rf"(?:{_ar_alt(_ar(w) for w in raw['bare_injured']['after'])})(?!\w)"),
        bare_injured_words=tuple(_ar(w) for w in raw["bare_injured"]["words"]),
        dual=re.compile(
            rf"(?<![\u0600-\u06ff])(?:و|ال|وال)?(?P<noun>{_ar_alt(k for k, v in nouns.items() if v[2] == 'dual' and v[1])})(?!\w)"),
        life=re.compile(rf"\s+(?:{_ar_alt(_ar(w) for w in raw['life']['words'])})(?!\w)"),
        # a singular casualty noun with no article ("شهيد", "قتيلة"): counted only before
        # another casualty noun ("شهيد وعدد من الجرحى"), where it cannot be a title or a
        # predicate ("الشهيد فلان", "تقبله شهيدا")
        single=re.compile(
            rf"(?<![\u0600-\u06ff])و?(?P<noun>{_ar_alt(k for k, v in nouns.items() if v[2] == 'singular' and v[1] in ('killed', 'injured'))})(?!\w)"),
        # several victims named in quotes: "مقتل كل من "فلان" و"فلان"" (one each)
        named_list=re.compile(
            rf"(?<![\u0600-\u06ff]){_AR_PREFIX}(?P<m>{_ar_alt(measure_before)})\s+كل\s+من\s+"
            rf"(?P<names>{_AR_QUOTED}(?:\s*(?:,|و)\s*(?:و\s*)?{_AR_QUOTED})+)"),
        joiner=re.compile(rf"\s+(?:{_ar_alt(_ar(w) for w in raw['list']['joiners'])})\s+(?=\S)"),
        # a victim in a relative clause: "المدني الذي استشهد", "الطفلة التي توفيت" (verbs
        # that cannot be active: "الذي قتل" may be the killer)
        relative=re.compile(
            rf"\s*(?:,\s*)?(?:{_ar_alt(_ar(w) for w in raw['relative']['pronouns'])})\s+(?:قد\s+)?"
            rf"(?P<m>{_ar_alt(_ar(w) for w in raw['relative']['verbs'])})(?!\w)"),
        relative_map={_ar(k): v for k, v in raw["relative"]["verbs"].items()},
        dual_verb=re.compile(
            rf"(?:,|(?<![\u0600-\u06ff])(?:{_ar_alt(_ar(w) for w in raw['dual_verbs']['after'])}))\s*(?:قد\s+)?"
            rf"(?P<m>{_ar_alt(_ar(k) for k in raw['dual_verbs']['verbs'])})(?!\w)"),
        dual_verb_map={_ar(k): v for k, v in raw["dual_verbs"]["verbs"].items()},
        verb_first=re.compile(
            rf"(?<![\u0600-\u06ff])(?:و|ف)?(?P<m>{_ar_alt(_ar(w) for w in raw['verb_first']['verbs'])})\s+"
            rf"(?:{_ar_alt(_ar(w) for w in raw['verb_first']['phrases'])})(?:\s+(?!و)[\u0621-\u064a]{{2,}}){{0,2}}?,?\s+"
            rf"(?=\d|(?:{noun_alt}|{_ar_alt(_ar(w) for w in lex.raw['number_words']['units'])})(?!\w))"),
        habitual=re.compile(
            rf"(?<![\u0600-\u06ff])م?ما\s+(?:{_ar_alt(_ar(w) for w in raw['habitual']['words'])})\s*$"),
        # a title, then the victim's name in quotes: "مقتل القيادي "فلان""
        titled=re.compile(r"(?:\s+(?!و)[\u0621-\u064a]{2,}){0,2}\s*(?P<q>\"[^\"\n]{2,40}\")"),
        # a measure glued to the word before it, as scraped posts join a title to the text:
        # "…في محطة السويديةاستشهد 8 أشخاص" (only before a count)
        glued=re.compile(
            rf"(?<=[\u0621-\u064a])(?<!ال)(?P<m>{_ar_alt(_ar(w) for w in raw['glued']['words'])})\s*$"),
        # at a sentence's start: "وكانت القوات قد …", "وأمس السبت، …", "والثلاثاء، …"
        earlier_open=re.compile(
            rf"[\s\"\u201c\u00ab(-]*(?:(?:{_ar_alt(_ar(w) for w in raw['earlier']['pluperfect'])})\s+"
            r"(?:[\u0621-\u064a\"\u201c\u201d\u00ab\u00bb]+\s+){0,4}قد(?!\w)"
            rf"|و?(?:{_ar_alt(_ar(w) for w in raw['earlier']['days'])})(?:\s+(?:"
            rf"{_ar_alt(_ar(w) for w in raw['earlier']['days'])}))?\s*(?:,|\d))"),
        # not "الليلة الماضية" (last night): the time of the incident a morning report tells
        earlier_word=re.compile(
            rf"(?<![\u0600-\u06ff])(?<!ليله )(?:{_ar_alt(_ar(w) for w in raw['earlier']['words'])})(?!\w)"),
    )


#: the wounds after the injured, before their subsets ("بجروح متفاوتة، بينهم …")
_AR_WOUNDS = re.compile(r"\s+ب(?:جروح|جراح)(?:\s+(?:متفاوته|بليغه|طفيفه|خطيره|متوسطه|مختلفه))?")
_AR_NAME_WORD = re.compile(r"\s+(?:(\"[^\"\n]{2,40}\")|([\u0621-\u064a]{2,})(?!\w))")
_AR_GAP_WORD = re.compile(r"\s+#?([\u0621-\u064a]{2,})(?!\w)")


def _ar_name_word(w: str, rules: _ArRules, description: bool = False) -> bool:
    """Whether a word may be part of a name or title after a victim: none of the words
    that follow a victim without naming anyone (the ``named`` stop list, measures, person
    nouns), and no word opening with "و" (the next victim of a list). A ``description``
    ("قائد شرطة البلدة شمال المدينة", "وهو معلم") may hold words of place and a singular
    person noun too."""
    if w[0] == "و":
        return False
    for v in (w, w[2:] if w.startswith("ال") else "", w[1:] if w[0] in "بلف" else ""):
        if not v:
            continue
        noun = rules.nouns.get(v)
        if noun is not None and not (description and noun[1] is None and noun[2] == "singular"):
            return False
        if (v in rules.measure_before or v in rules.measure_after
                or (v in rules.named_stop and not (description and v in rules.named_places))):
            return False
    return True


def _ar_name_end(t: str, pos: int, rules: _ArRules, nums: dict[int, NumberMention], limit: int = 4) -> int:
    """The end of the name after a victim counted one ("الطفل علي حسن", "وابنه أحمد"): up
    to ``limit`` name words or a quoted name, else ``pos``."""
    for _ in range(limit):
        m = _AR_NAME_WORD.match(t, pos)
        if m is None or (m.group(1) is None and (not _ar_name_word(m.group(2), rules)
                                                 or m.start(2) in nums)):
            break
        pos = m.end()
    return pos


def _ar_apposition(t: str, pos: int, rules: _ArRules, nums: dict[int, NumberMention]) -> re.Match[str] | None:
    """A list joiner ("برفقة", "بالإضافة إلى", "مع") after a short description of one
    victim ("قائد شرطة البلدة", "وهو معلم"): up to eight plain words, none of them a
    measure, a person noun, a count or a word such as "في" or "جراء" that leaves the phrase."""
    for i in range(9):
        j = rules.joiner.match(t, pos)
        if j is not None:
            return j if i else None
        m = _AR_GAP_WORD.match(t, pos)
        if m is None or m.start(1) in nums:
            return None
        w = m.group(1)
        if not (i == 0 and w in ("وهو", "وهي")) and not _ar_name_word(w, rules, description=True):
            return None
        pos = m.end()
    return None


@dataclass(slots=True)
class _ArNP:
    """A counted noun phrase: "5 مدنيين", "طفلين", "امرأة", "عشرات الجرحى"."""

    start: int
    end: int
    low: int | None
    high: int | None
    qualifier: str
    group: str
    measure: str | None
    noun: str | None
    numbered: bool


def _ar_np(t: str, pos: int, rules: _ArRules, nums: dict[int, NumberMention], numberless: bool = True
           ) -> _ArNP | None:
    """The counted noun phrase at ``pos`` (white space skipped), or None."""
    while pos < len(t) and t[pos] == " ":
        pos += 1
    n = nums.get(pos)
    if n is not None:
        end, group, measure, noun = n.end, "all", None, None
        a = rules.np_after.match(t, n.end)
        m = rules.noun.match(t, a.end()) if a else None
        if m:
            group_, measure, _ = rules.nouns[m.group("noun")]
            group, noun, end = group_ or "all", m.group("noun"), m.end()
            end = rules.mods.match(t, end).end()
        low, high, qual = n.low, n.high, n.qualifier
        q = rules.post_q.match(t, end)
        if q:
            qual, high, end = rules.post_qualifiers[q.group("pq")], None, q.end()
        np = _ArNP(n.start, end, low, high, qual, group, measure, noun, True)
    else:
        if not numberless:
            return None
        one = rules.one_of.match(t, pos)
        if one:  # "أحد العناصر", "إحدى النساء": one of them
            m = rules.noun.match(t, one.end())
            w = re.match(r"[\u0621-\u064a]+", t[one.end():])
            if w is None:
                return None
            group = (rules.nouns[m.group("noun")][0] or "all") if m else "all"
            return _ArNP(pos, m.end() if m else one.end() + w.end(), 1, 1, "exact", group, None,
                         m.group("noun") if m else None, False)
        m = rules.noun.match(t, pos)
        if not m:
            return None
        group_, measure, kind = rules.nouns[m.group("noun")]
        if kind == "plural" and m.group("al"):
            return None  # "المدنيين": a re-mention
        end = rules.mods.match(t, m.end()).end()
        after = end + 1 if t[end:end + 1] == " " else end
        n2 = nums.get(after)
        if n2 is not None and n2.low is not None and n2.low < 20:  # "مدنيين اثنين", "طفل واحد"
            low, high, qual, end = n2.low, n2.high, n2.qualifier, n2.end
        elif kind == "singular":
            low, high, qual = 1, 1, "exact"
        elif kind == "dual":
            low, high, qual = 2, 2, "exact"
        else:
            low, high, qual = 2, None, "vague"
        np = _ArNP(pos, end, low, high, qual, group_ or "all", measure, m.group("noun"), False)
    # modifiers naming a group ("5 شهداء مدنيين", "4 أشخاص مدنيين")
    if np.group == "all" and m is not None:
        for w in t[m.end():np.end].split():
            group = rules.nouns.get(w.removeprefix("ال"), (None,))[0]
            if group not in (None, "all"):
                np.group = group or "all"
                if np.measure is None:
                    np.noun = w.removeprefix("ال")  # "4 أشخاص مدنيين" states the civilian toll
                break
    return np


def _ar_measure(rules: _ArRules, t: str, np: _ArNP, label: str | None) -> str | None:
    """The measure of a noun phrase: a mixed tail, its own noun, else the measure given."""
    if label in ("missing", "missing?"):
        life = rules.life.match(t, np.end)
        if life:  # "فقدان شخص لحياته": a life lost, not a person missing
            np.end = life.end()
            return "killed"
    mx = rules.mixed.match(t, np.end)
    if mx:
        np.end = mx.end()
        return rules.mixed_map[mx.group("mx")]
    if np.measure == "killed":
        tail = rules.mixed_tail.match(t, np.end)
        if tail:  # "7 شهداء وجرحى": killed and injured together
            np.end = tail.end()
            return "injured~"
    if label == "noun":  # "خلفت 5 قتلى": the noun says which
        return np.measure
    if label is None or label.endswith("?"):
        return np.measure or (label[:-1] if label else None)
    if np.measure is not None and label in ("killed", "injured") and np.measure != label:
        return np.measure  # "سقوط جرحى"
    return label


def _ar_figure(doc: TextDoc, rules: _ArRules, np: _ArNP, label: str, start: int, part: bool = False,
               list_id: int | None = None) -> FigureMention:
    measure, qual, low, high = _measure(label, np.qualifier, np.low, np.high)
    # civilians named by role ("صحفي", "متطوع") are a part of the civilian toll
    is_role = (np.group == "civilians" and np.noun is not None and rules.nouns[np.noun][1] is None
               and np.noun not in rules.civ_totals)
    # "أحد المصابين" told of the injured, "إحدى القتلى" of the dead: one of a count told already
    one_of = (np.noun is not None and np.low == 1 and rules.nouns[np.noun][1] == measure
              and rules.one_of.match(doc.folded, np.start) is not None)
    return FigureMention(start=start, end=np.end, text=doc.text[start:np.end], measure=measure,
                         group=np.group, low=low, high=high, qualifier=qual, part=part or is_role or one_of,
                         list_id=list_id)


def _ar_mixed_killed(doc: TextDoc, np: _ArNP, label: str) -> FigureMention | None:
    """The dead of "شهداء وجرحى" or "عدد من القتلى والجرحى" with no count: the plural
    says two or more were killed (vague, low 2, as a bare plural does), besides the
    "up to" bound on the injured. A count ("7 شهداء وجرحى") says nothing of the dead
    alone, and neither does a verb pair ("مقتل وإصابة أشخاص")."""
    if not label.endswith("~") or np.measure != "killed" or np.qualifier != "vague":
        return None
    return FigureMention(start=np.start, end=np.end, text=doc.text[np.start:np.end], measure="killed",
                         group=np.group, low=2, high=None, qualifier="vague")


def _find_figures_ar(doc: TextDoc, sources: list[SourceMention]) -> list[FigureMention]:
    """Every casualty figure in a normalised Arabic document (see the section comment)."""
    rules = _rules_ar()
    t = doc.folded
    numbers = find_numbers(doc)
    nums = {n.start: n for n in numbers}
    figures: list[FigureMention] = []
    used: set[int] = set()  # starts of noun phrases already read
    # named victims: "مقتل "فلان"", "وفاة فلان الفلاني" (a count of one)
    named: list[tuple[int, int, str]] = []
    listed: list[tuple[int, int]] = []  # spans of quoted-name lists ("كل من "أ" و"ب"")
    mixed_dead: list[FigureMention] = []  # the dead of "شهداء وجرحى" (same span as its bound)
    for m in rules.named_list.finditer(t) if "كل" in t else ():  # the list's "كل من": scan only texts with it
        label = rules.measure_before[m.group("m")]
        if label not in ("killed", "injured"):
            continue
        count = len(_AR_QUOTED_RE.findall(m.group("names")))
        np = _ArNP(m.start("m"), m.end(), count, count, "exact", "all", None, None, False)
        figures.append(_ar_figure(doc, rules, np, label, m.start("m")))
        listed.append((m.start(), m.end()))
    for m in rules.named.finditer(t):
        if any(s <= m.start() < e for s, e in listed):
            continue
        label = rules.measure_before[m.group("m")]
        if label not in ("killed", "injured") or m.group("m") in rules.named_not_after:
            continue
        w = m.group("w")
        if w is not None and (w in rules.named_stop or w in rules.nouns or w in rules.measure_before
                              or w in rules.measure_after or w.startswith("ال")
                              or nums.get(m.start("w")) is not None):
            title = rules.titled.match(t, m.end())
            if (title is None or w in rules.named_stop or w in rules.measure_before or w in rules.measure_after
                    or not all(_ar_name_word(x, rules, description=True)
                               for x in t[m.end():title.start("q")].split())):
                continue
            named.append((m.start("m"), title.end(), label))  # "مقتل القيادي "فلان""
            continue
        end = m.end("q") if m.group("q") else _ar_name_end(t, m.end("w"), rules, nums)
        named.append((m.start("m"), end, label))
    # explicit zeros
    for z in rules.zero.finditer(t):
        key = re.sub(r"^(?:وب|ول|فب|لل|و|ب|ل|ف)(?=" + "|".join(map(re.escape, rules.zero_map)) + ")", "",
                     t[z.start():z.end()])
        for measure in rules.zero_map.get(key, []):
            figures.append(FigureMention(start=z.start(), end=z.end(), text=doc.text[z.start():z.end()],
                                         measure=measure, group="all", low=0, high=0, qualifier="exact"))

    def add_list(fig: FigureMention, label: str) -> None:
        """Parts after a figure: "… بينهم طفلان" (subsets), "… وطفلين" (additive)."""
        pos = fig.end
        head = fig
        in_subset = False
        one = fig.low == 1 and fig.high == 1  # one person: a name may follow ("استشهاد الحاج فلان وابنه")
        for i in range(8):
            if one:
                pos = _ar_name_end(t, pos, rules, nums)
            s = rules.subset_next.match(t, pos)
            if s is None and head.measure == "injured" and (w := _AR_WOUNDS.match(t, pos)):
                s = rules.subset_next.match(t, w.end())  # "إصابة 5 مدنيين بجروح، بينهم 3 أطفال"
            sub = s is not None or in_subset  # "بينهم 4 أطفال وامرأة": both parts
            in_subset = sub
            if s is None:
                s = rules.list_next.match(t, pos)
            np = _ar_np(t, s.end(), rules, nums) if s is not None else None
            if np is None and not sub and one and i == 0:
                # a title or a description after the first victim, then the others: "مقتل
                # "فلان" قائد شرطة البلدة برفقة 3 أشخاص", "… وهو معلم بالإضافة إلى اثنين من أبنائه"
                s = _ar_apposition(t, pos, rules, nums)
                np = _ar_np(t, s.end(), rules, nums) if s is not None else None
            if np is None or np.noun is None or (np.measure is not None and np.measure != head.measure
                                                 and not label.endswith("~")):
                return  # "… بينهم 10 أطفال، و121 جريحاً": a new measure ends the list
            if np.group == "all" and not np.numbered and np.noun and np.measure is not None:
                return  # "… وجرحى": a measure of its own
            if (np.low == 1 and np.noun is not None and rules.nouns[np.noun][1] == head.measure
                    and rules.one_of.match(t, np.start)):
                return  # "… 5 أشخاص، وأحد المصابين بحالة خطرة": one of them, no one more
            used.add(np.start)
            if sub:
                f = _ar_figure(doc, rules, np, head.measure if head.qualifier != "up_to" else label,
                               np.start, part=True)
                f.measure = head.measure
            else:
                if head.list_id is None:
                    head.list_id = head.start
                f = _ar_figure(doc, rules, np, label, np.start, list_id=head.list_id)
            figures.append(f)
            pos = f.end
            one = not np.numbered and np.low == 1 and np.high == 1

    # counts and counted nouns after a measure: "مقتل 5 مدنيين", "استشهاد طفلين"
    for b in rules.before_np.finditer(t):
        np = _ar_np(t, b.end(), rules, nums)
        if np is None or np.start in used:
            continue
        label = _ar_measure(rules, t, np, rules.measure_before[b.group("m")])
        if label is None:
            continue
        used.add(np.start)
        f = _ar_figure(doc, rules, np, label, b.start("m"))
        figures.append(f)
        if (k := _ar_mixed_killed(doc, np, label)) is not None:
            figures.append(k)
            mixed_dead.append(k)
        add_list(f, label)
    for n in numbers:
        if n.start in used or (n.text == "واحد" and t.startswith(" ال", n.end)):
            # "وأحد المصابين" folds to "واحد المصابين": one of the injured, not a count (a cardinal
            # "واحد" follows its noun, never heads a definite one)
            continue
        np = _ar_np(t, n.start, rules, nums)
        if np is None:
            continue
        p = rules.before.search(t, max(0, n.start - 60), n.start) or rules.glued.search(t, max(0, n.start - 12),
                                                                                         n.start)
        label: str | None = rules.measure_before[p.group("m")] if p else None
        start = p.start("m") if p else n.start
        if label is None:
            a = rules.after.match(t, np.end)
            if a:
                label = rules.measure_after[a.group("m")]
                np.end = a.end()
        label = _ar_measure(rules, t, np, label)
        if label is None:
            continue
        used.add(n.start)
        f = _ar_figure(doc, rules, np, label, start)
        figures.append(f)
        if (k := _ar_mixed_killed(doc, np, label)) is not None:
            figures.append(k)
            mixed_dead.append(k)
        add_list(f, label)
    covered = sorted((f.start, f.end) for f in figures)
    for start, end, label in named:
        if any(s <= start < e or start <= s < end for s, e in covered):
            continue
        np = _ArNP(start, end, 1, 1, "exact", "all", None, None, False)
        f = _ar_figure(doc, rules, np, label, start)
        figures.append(f)
        add_list(f, label)
    # the victim as a pronoun: "أدى إلى مقتله" (one), "استشهادهم" (two or more)
    covered = sorted((f.start, f.end) for f in figures)
    for m in rules.pronoun.finditer(t):
        if m.group("after") or any(s <= m.start("m") < e for s, e in covered):
            continue
        label, count = rules.pronoun_map[m.group("m")].split(":")
        low, high, qual = (1, 1, "exact") if count == "1" else (2, None, "vague")
        np = _ArNP(m.start("m"), m.end("m"), low, high, qual, "all", None, None, False)
        f = _ar_figure(doc, rules, np, label, np.start)
        figures.append(f)
        add_list(f, label)
    # duals of casualty nouns on their own: "شهيدان", "جريحين"
    covered = sorted((f.start, f.end) for f in figures)
    for m in rules.dual.finditer(t):
        if any(s <= m.start("noun") < e for s, e in covered):
            continue
        np = _ArNP(m.start("noun"), m.end(), 2, 2, "exact", "all", None, m.group("noun"), False)
        label = _ar_measure(rules, t, np, rules.nouns[m.group("noun")][1])
        if label is not None:
            used.add(np.start)
            figures.append(_ar_figure(doc, rules, np, label, np.start))
    # a singular casualty noun on its own before another: "شهيد وعدد من الجرحى" (one)
    covered = sorted((f.start, f.end) for f in figures)
    for m in rules.single.finditer(t):
        if any(s <= m.start("noun") < e for s, e in covered):
            continue
        end, group = m.end(), "all"
        who = rules.noun.match(t, end + 1) if t[end:end + 1] == " " else None
        if who is not None and not who.group("al") and rules.nouns[who.group("noun")][1:] == (None, "singular"):
            end, group = who.end(), rules.nouns[who.group("noun")][0] or "all"  # "شهيدة طفلة وجرحى"
        nxt = rules.list_next.match(t, end)
        other = _ar_np(t, nxt.end(), rules, nums) if nxt and t[end:nxt.end()].strip() == "و" else None
        if other is None or other.measure is None:
            continue
        np = _ArNP(m.start("noun"), end, 1, 1, "exact", group, None, m.group("noun"), False)
        label = rules.nouns[m.group("noun")][1]
        if label is not None:
            used.add(np.start)
            figures.append(_ar_figure(doc, rules, np, label, np.start))
            if (other.qualifier == "vague" and not other.numbered and other.measure != label
                    and other.start not in used and not any(s <= other.start < e for s, e in covered)):
                # "شهيد وجرحى": one dead and the injured, a plural with no count (two or more)
                used.add(other.start)
                figures.append(_ar_figure(doc, rules, other, other.measure, other.start))
    # the injured as a bare plural heading a headline or clause: "جرحى مدنيون بقصف …" (vague)
    if any(w in t for w in rules.bare_injured_words):
        covered = sorted((f.start, f.end) for f in figures)
        for m in rules.bare_injured.finditer(t):
            s0 = m.start("noun")
            if (s0 > 0 and "\u0621" <= t[s0 - 1] <= "\u064a") or s0 in used or any(s <= s0 < e for s, e in covered):
                continue
            np = _ArNP(s0, m.end("noun"), 2, None, "vague", "all", "injured", m.group("noun"), False)
            used.add(s0)
            figures.append(_ar_figure(doc, rules, np, "injured", s0))
    # a dual verb after its subjects' names: "فلان والطفل فلان، قتلا في القصف" (two)
    covered = sorted((f.start, f.end) for f in figures)
    for m in (rules.dual_verb.finditer(t) if any(v in t for v in rules.dual_verb_map) else ()):
        if any(s <= m.start("m") < e for s, e in covered):
            continue
        np = _ArNP(m.start("m"), m.end("m"), 2, 2, "exact", "all", None, None, False)
        figures.append(_ar_figure(doc, rules, np, rules.dual_verb_map[m.group("m")], np.start))
    # the verb first, a short phrase of time or cause, then the victims: "وقتل خلال
    # الغارة شخصان", "أصيب في القصف ثلاثة مدنيين"
    for m in rules.verb_first.finditer(t):
        np = _ar_np(t, m.end(), rules, nums)
        if (np is None or np.start in used or np.noun is None
                or (np.measure is not None and np.measure != rules.measure_before[m.group("m")])):
            continue
        label = _ar_measure(rules, t, np, rules.measure_before[m.group("m")])
        if label is None:
            continue
        used.add(np.start)
        f = _ar_figure(doc, rules, np, label, m.start("m"))
        figures.append(f)
        add_list(f, label)
    # counted nouns before a verb ("امرأة قتلت")
    covered = sorted((f.start, f.end) for f in figures)
    for sm in rules.noun_scan.finditer(t):
        m = rules.noun.match(t, sm.start("np"))
        if m is None or m.start() in used or any(s <= m.start() < e for s, e in covered):
            continue
        np = _ar_np(t, m.start(), rules, nums)
        if np is None:
            continue
        a = rules.after.match(t, np.end)
        label = None
        if a:
            label = rules.measure_after[a.group("m")]
            np.end = a.end()
        elif not np.numbered and np.low == 1 and np.high == 1:
            r = rules.relative.match(t, _ar_name_end(t, np.end, rules, nums))
            if r:  # "المدني الذي استشهد", "المتطوع "فلان" الذي استشهد"
                label = rules.relative_map[r.group("m")]
                np.end = r.end()
        if label or rules.mixed.match(t, np.end) or (np.measure == "killed"
                                                     and rules.mixed_tail.match(t, np.end)):
            label = _ar_measure(rules, t, np, label)
        if label is None:
            continue
        used.add(np.start)
        f = _ar_figure(doc, rules, np, label, np.start)
        figures.append(f)
        if (k := _ar_mixed_killed(doc, np, label)) is not None:
            figures.append(k)
            mixed_dead.append(k)
        add_list(f, label)
    figures.sort(key=lambda f: (f.start, f.end))
    _mark_contained(figures)
    for k in mixed_dead:
        k.part = False  # it shares its span with the injured bound, and is no part of it
    _mark_other_events(doc, rules.cues, figures)
    for f in figures:
        if (f.low or 0) >= rules.max_count or (f.high or 0) >= rules.max_count:
            f.other_event = True
        elif f.qualifier == "vague" and rules.habitual.search(t, max(0, f.start - 30), f.start):
            f.other_event = True  # "… ما يسفر عن وقوع ضحايا": what the shelling does, not a toll
    _parts_follow(doc, figures)
    _mark_teasers(doc, figures, specific=True)
    _assign_sources(doc, figures, sources)
    return figures

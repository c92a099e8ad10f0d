"""Split a document into the incidents it describes.

A daily round-up ("In Saraqib … Meanwhile in Ariha …") describes several
attacks; a news story usually one, with background. A new incident starts
only at an attack sentence that names a town the current incident has not
named, and that is introduced like a new item: a round-up marker
("Meanwhile", "Elsewhere", "In <place>,"), or a new paragraph or line whose
sentence carries both an attack cue and a casualty figure of its own.
Everything else stays with the incident before it, so background never
becomes an incident of its own. An opening that gives no toll, or only a vague
one ("dead and wounded"), is the lead of the first incident that counts its
victims, unless it says its own toll is unknown.
"""

from __future__ import annotations

import re

from .casualties import unknown_tolls
from .events import story_weights
from .mentions import EventMention, FigureMention, PlaceMention
from .textutil import TextDoc

MAX_INCIDENTS = 12
#: qualifiers of a count that says how many ("at least 5"), not merely that some were hurt
_SPECIFIC = ("exact", "about", "range", "at_least", "more_than")
#: the sentences of a story's lead: its headline, a caption, the opening line
_LEAD_SENTENCES = 3

_MARKER = re.compile(
    r"^(?:[-*\u2022]\s*)?(?:meanwhile|elsewhere|separately|in (?:a )?separate (?:incident|attack|strike)s?|"
    r"in another (?:incident|attack|strike|development)|another (?:air ?strike|strike|raid|attack)|"
    r"also on|in (?:the )?(?:town|village|city|countryside|district|neighbou?rhood|area) of|"
    r"further (?:north|south|east|west)|and in|in [a-z' -]{2,40},|"
    # Arabic (normalised: ة→ه, ى→ي, أ/إ/آ→ا)
    r"و?في سياق (?:متصل|اخر)|علي صعيد (?:متصل|اخر)|الي ذلك|من جهه (?:اخري|ثانيه)|في غضون ذلك|"
    r"بالتزامن مع ذلك|وفي (?:حادثه|تطور) اخر|وفي (?:مدينه|بلده|ريف|قريه|حي|مخيم) )",
)


def segment(doc: TextDoc, events: list[EventMention], figures: list[FigureMention],
            places: list[PlaceMention]) -> list[tuple[int, int]]:
    """Character spans of the incidents, in document order (the first is the main one)."""
    if not doc.sentences:
        return []
    n = len(doc.sentences)
    cue = [False] * n
    toll = [False] * n
    for m in events:
        cue[doc.sentence_of(m.start)] = True
    for f in figures:
        if not f.other_event:
            toll[doc.sentence_of(f.start)] = True
    # a teaser line of a scraped page (a link to another story, a caption) is no attack of this one
    story = story_weights(doc)
    attack = [(c or t) and w >= 1.0 for c, t, w in zip(cue, toll, story)]
    towns: list[set[str]] = [set() for _ in range(n)]
    names: dict[str, str] = {}  # a place's id -> its name
    within: dict[str, str] = {}  # a place's id -> the name of its district
    province: dict[str, str] = {}  # a place's id -> the name of its province
    # words of a count ("على الأقل", "at least") are no place, whatever the gazetteer matched
    counts = [(f.start, f.end) for f in figures]
    for p in places:
        loc = p.location
        if (loc.precision in ("locality", "exact", "district") and loc.gazetteer_id
                and not _part_of_town(doc, p) and not any(s <= p.start < e for s, e in counts)):
            towns[doc.sentence_of(p.start)].add(loc.gazetteer_id)
            names[loc.gazetteer_id] = (loc.name or "").lower()
            within[loc.gazetteer_id] = (loc.admin2 or "").lower()
            province[loc.gazetteer_id] = (loc.admin1 or "").lower()

    def related(new: set[str], current: set[str], lead: bool = False) -> bool:
        """The same place (perhaps under another entry), or one inside a place in view.
        In the lead (a headline and its caption), a town inside the province
        that a place in view shares its name with is the story's too: a
        headline's "Idlib" is as often the province as the city."""
        if new & current:
            return True
        in_view = {names[c] for c in current}
        seen = in_view | {within[c] for c in current if c in within}
        return any(names[t] in seen or (within[t] and within[t] in in_view)
                   or (lead and province[t] and province[t] in in_view) for t in new)

    groups: list[list[int]] = [[]]
    current_towns: set[str] = set()
    current_has_attack = False
    for i, (start, end) in enumerate(doc.sentences):
        head = doc.folded[start:min(end, start + 60)]
        new_item = bool(_MARKER.match(head)) or (_starts_line(doc.text, start) and cue[i] and toll[i])
        lead = len(groups) == 1 and len(groups[0]) <= _LEAD_SENTENCES
        if (attack[i] and towns[i] and current_has_attack and current_towns
                and not related(towns[i], current_towns, lead) and new_item and len(groups) < MAX_INCIDENTS):
            groups.append([])
            current_towns, current_has_attack = set(), False
        groups[-1].append(i)
        if attack[i]:
            current_has_attack = True
            current_towns |= towns[i]
        elif not current_towns or (lead and _starts_line(doc.text, start)):
            # the places of the lead's own lines (a headline, a caption) are all in view
            current_towns |= towns[i]
    spans = []
    for g in groups:
        if not g:
            continue
        if spans and not any(attack[i] for i in g):
            spans[-1] = (spans[-1][0], doc.sentences[g[-1]][1])  # background joins the incident before
            continue
        spans.append((doc.sentences[g[0]][0], doc.sentences[g[-1]][1]))
    return _lead_joins_toll(doc, spans, figures, unknown_tolls(doc))


def _lead_joins_toll(doc: TextDoc, spans: list[tuple[int, int]], figures: list[FigureMention],
                     unknown: list[int]) -> list[tuple[int, int]]:
    """An opening that gives no toll (a headline on a wider escalation, a general first
    paragraph) is the lead of the first incident that gives one: they are one incident.
    So is an opening whose toll is only vague ("قتلى وجرحى", "casualties") before the
    next incident, when that one counts its dead or hurt. An opening that says its toll
    is not known ("no immediate word on casualties") tells an incident of its own.
    Figures in other stories' teaser lines are no toll of the opening's."""
    story = story_weights(doc)
    counted = [f for f in figures if not f.other_event and not (story and story[doc.sentence_of(f.start)] < 1.0)]

    def toll(span: tuple[int, int], specific: bool = False) -> bool:
        return any(span[0] <= f.start < span[1] and (not specific or f.qualifier in _SPECIFIC)
                   for f in counted)

    if len(spans) < 2 or toll(spans[0], specific=True) or any(spans[0][0] <= u < spans[0][1] for u in unknown):
        return spans
    specific = toll(spans[0])
    for j in range(1, len(spans)):
        if toll(spans[j], specific):
            return [(spans[0][0], spans[j][1]), *spans[j + 1:]]
    return spans


_PART_AFTER = re.compile(r"\s+(?:district|neighbou?rhood|quarter|area|suburb|camp)\b")
_PART_BEFORE = re.compile(r"\b(?:the|its|this)\s+(?:city|town|village)'s\s+$|\b(?:district|neighbou?rhood|quarter) of\s+$")


def _part_of_town(doc: TextDoc, p: PlaceMention) -> bool:
    """A neighbourhood or district inside the town already in view ("the city's X district")."""
    return bool(_PART_AFTER.match(doc.folded, p.end) or _PART_BEFORE.search(doc.folded, max(0, p.start - 30), p.start))


def _starts_line(text: str, offset: int) -> bool:
    """Whether the sentence at ``offset`` opens a paragraph or a line of its own."""
    j = offset - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] == "\n"

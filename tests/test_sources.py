"""Who gives the information (invented sentences only)."""

from __future__ import annotations

from strikewatch.extract.sources import find_sources, source_names
from strikewatch.extract.textutil import TextDoc


def _names(text: str) -> list[str]:
    return source_names(find_sources(TextDoc(text)))


def test_according_to_known_org_is_canonical() -> None:
    doc = TextDoc("Seven people died, according to the Syrian Observatory for Human Rights.")
    src = find_sources(doc)
    assert [(s.name, s.kind) for s in src] == [("Syrian Observatory for Human Rights", "according_to")]
    assert doc.text[src[0].start:src[0].end] == src[0].text


def test_aliases_and_acronyms() -> None:
    assert _names("SOHR said the toll had risen.") == ["Syrian Observatory for Human Rights"]
    assert _names("The Observatory, a UK-based monitor, said four were children.") == [
        "Syrian Observatory for Human Rights"
    ]
    assert _names("Syria Civil Defence reported that rescuers pulled two from the rubble.") == ["White Helmets"]


def test_told_news_agency_and_generic_sources() -> None:
    src = find_sources(TextDoc("A doctor at the clinic told AFP that medical sources counted nine dead."))
    names = [s.name for s in src]
    assert "AFP" in names
    assert next(s for s in src if s.name == "AFP").kind == "told"


def test_activists_and_residents() -> None:
    assert "activists" in _names("Local activists said the raid hit a bakery.")
    assert "residents" in _names("Residents reported hearing jets before the blast.")


def test_unknown_name_after_according_to() -> None:
    assert _names("According to the Example Relief Network, two medics were hurt.") == [
        "Example Relief Network"
    ]


def test_org_named_in_passing_is_not_a_source() -> None:
    assert _names("The strike hit an MSF-supported hospital in the north.") == []

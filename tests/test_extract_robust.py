"""Extraction never fails on hostile or odd text: a line out for every line in."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strikewatch.extract.pipeline import extract_dict, load_resources
from strikewatch.model import ExtractResult

WORDS = ["killed", "at least", "23", "civilians", "air strike", "in", "Idlib", "Aleppo", "on Tuesday",
         "shelling", "hospital", "Russian", "warplanes", "denied", "according to", "the White Helmets",
         "twenty-three", "between 12 and 17", "dozens", "wounded", "Meanwhile", "\n\n", ".", ",", "(", ")",
         "drone", "Khan Shaykhun", "2016", "31/05/2016", "yesterday", "overnight", "Su-24", "barrel bombs"]

texty = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=60).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texty, published=st.one_of(st.none(), st.sampled_from(["2016-05-31", "2019-07-23T09:30:00+03:00"])),
       fmt=st.sampled_from([None, "html"]))
def test_any_text_gives_a_valid_line(text, published, fmt):
    line = {"id": "fuzz", "text": text, "language": "en"}
    if published:
        line["published"] = published
    if fmt:
        line["format"] = fmt
    out = extract_dict(line, load_resources())
    assert out["id"] == "fuzz"
    assert ExtractResult.from_dict(out).to_dict() == out
    assert all(e["code"] in ("empty_text", "missing_field") for e in out["errors"]), out["errors"]
    for rep in out["reports"]:
        for item in rep["figures"] + rep["perpetrators"]:
            start, end = item["span"]
            assert 0 <= start <= end <= len(text)
            if fmt is None:
                assert text[start:end] == item["text"]
        for rng in rep["casualties"].values():
            for v in (rng["low"], rng["best"], rng["high"]):
                assert v is None or (isinstance(v, int) and v >= 0)


def test_huge_and_empty_inputs():
    res = load_resources()
    assert extract_dict({"id": "e", "text": ""}, res)["errors"][0]["code"] == "missing_field"
    big = extract_dict({"id": "b", "text": "x" * 2_000_001}, res)
    assert big["errors"][0]["code"] == "too_large" and big["reports"] == []
    nul = extract_dict({"id": "n", "text": "Shelling killed 3 people in Aleppo.\x00\ud800"}, res)
    assert nul["id"] == "n"

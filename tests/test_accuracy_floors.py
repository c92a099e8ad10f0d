"""Accuracy is tested like behaviour: floors on the development sets that only move up.

The floors live in ``accuracy_floors.json`` beside this file. When extraction
gets better, raise them to the new figures (rounded down to two decimals);
never lower one to make a change pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from strikewatch.evaluate import evaluate_file, mean_figures
from strikewatch.extract.pipeline import extract_dict, load_resources

from .conftest import ROOT

DEV = ROOT.parent / "shared" / "data" / "dev"
FLOORS = json.loads((Path(__file__).with_name("accuracy_floors.json")).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scores():
    if not DEV.is_dir():
        pytest.skip(f"no development sets at {DEV}")
    res = load_resources()
    return {name: evaluate_file(DEV / f"{name}.jsonl", lambda line: extract_dict(line, res))
            for name in FLOORS["sets"] + FLOORS.get("other_sets", [])}


def test_mean_of_english_sets_stays_above_its_floors(scores):
    mean = mean_figures(scores[name] for name in FLOORS["sets"])  # the English sets
    below = {k: (round(mean[k], 4), floor) for k, floor in FLOORS["mean"].items() if mean[k] < floor}
    assert not below, f"below the floor (measured, floor): {below}"


@pytest.mark.parametrize("name", FLOORS["sets"] + FLOORS.get("other_sets", []))
def test_each_set_stays_above_its_floors(scores, name):
    figures = scores[name].figures()
    below = {k: (round(figures[k], 4), floor) for k, floor in FLOORS["per_set"].get(name, {}).items()
             if figures[k] < floor}
    assert not below, f"{name} below the floor (measured, floor): {below}"


@pytest.mark.parametrize("name", sorted(FLOORS.get("linking", {})))
def test_linking_stays_above_its_floors(name):
    from strikewatch.jobs import evaluate_linking

    if not DEV.is_dir():
        pytest.skip(f"no development sets at {DEV}")
    scores = evaluate_linking(DEV / f"{name}.jsonl", load_resources())
    below = {k: (round(scores[k], 4), floor) for k, floor in FLOORS["linking"][name].items() if scores[k] < floor}
    assert not below, f"{name} linking below the floor (measured, floor): {below}"

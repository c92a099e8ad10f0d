"""Reconciliation across documents: invented multi-document incidents."""

from __future__ import annotations

from typing import Any

import pytest

from strikewatch.assess.reconcile import (
    LinkedReport,
    attribute_figures,
    canonical_source,
    chronological,
    load_policy,
    reconcile,
)
from strikewatch.model import Figure, Report

SOHR = "Syrian Observatory for Human Rights"
WH = "White Helmets"


def fig(measure: str, group: str, low: int | None, high: int | None = None, *,
        q: str = "exact", source: str | None = None, text: str = "", at: int = 0,
        **extra: Any) -> Figure:
    """A figure as the extractor gives it; exact figures get high = low."""
    if q == "exact" and high is None:
        high = low
    text = text or f"{measure} {low}"
    return Figure(measure=measure, group=group, low=low, high=high, qualifier=q, source=source,
                  text=text, span=(at, at + len(text)), extra=extra)


def doc(doc_id: str, published: str | None, *figures: Figure, outlet: str | None = None,
        **report: Any) -> LinkedReport:
    return LinkedReport(document_id=doc_id, published=published, outlet=outlet,
                        report=Report(event_type="air_strike", figures=list(figures), **report))


def hospital_strike() -> list[LinkedReport]:
    """SOHR says at least 23 on day 1, 31 on day 2; the White Helmets say 50;
    an outlet recalls the war's cumulative toll."""
    return [
        doc("d1", "2024-03-01", fig("killed", "all", 23, q="at_least", source=SOHR,
                                    text="at least 23 people were killed", at=40),
            outlet="Levant Daily"),
        doc("d2", "2024-03-02T09:30:00+02:00",
            fig("killed", "all", 31, source=SOHR, text="the toll rose to 31", at=12),
            fig("killed", "children", 7, source=SOHR, text="seven of them children", at=60),
            fig("killed", "all", 500_000, q="more_than", source=SOHR, other_event=True,
                text="more than 500,000 killed since 2011", at=300),
            outlet="Gulf Wire"),
        doc("d3", "2024-03-02", fig("killed", "all", 50, source=WH,
                                    text="rescuers pulled 50 bodies", at=5),
            fig("injured", "all", 80, 120, q="range", source=WH, text="80 to 120 wounded", at=70),
            outlet="Northern Post"),
    ]


def test_sohr_update_supersedes_its_own_earlier_figure():
    rec = reconcile(hospital_strike())
    first = next(r for r in rec.table if r["document_id"] == "d1")
    assert first["superseded"] and not first["counted"]
    assert "d2" in first["reason"]
    later = next(r for r in rec.table if r["document_id"] == "d2" and r["low"] == 31)
    assert later["counted"] and not later["superseded"]


def test_killed_low_high_best():
    c = reconcile(hospital_strike()).casualties
    # SOHR's 23 is superseded by its 31; nobody corroborates 31 or 50, so the
    # documentation monitor's figure is best
    assert (c.killed.low, c.killed.best, c.killed.high) == (31, 31, 50)
    # no civilians figure, and 7 children do not make a civilians count of 31 dead
    assert c.civilians_killed.is_unknown
    assert (c.children_killed.low, c.children_killed.best, c.children_killed.high) == (7, 7, 7)
    assert (c.injured.low, c.injured.best, c.injured.high) == (80, 80, 120)


def test_cumulative_toll_is_kept_flagged_and_not_counted():
    rec = reconcile(hospital_strike())
    big = [k for k, f in enumerate(rec.figures) if f.low == 500_000]
    assert len(big) == 1
    row = rec.table[big[0]]
    assert not row["counted"] and not row["superseded"]
    assert "another event" in row["reason"]
    assert rec.figures[big[0]].extra["other_event"] is True
    assert rec.casualties.killed.high == 50


def test_nothing_dropped_and_document_ids_set():
    reports = hospital_strike()
    rec = reconcile(reports)
    assert len(rec.figures) == sum(len(r.report.figures) for r in reports) == len(rec.table)
    assert all(f.document_id for f in rec.figures)
    assert [r["figure"] for r in rec.table] == list(range(len(rec.table)))
    # the inputs are not modified
    assert all(f.document_id is None for r in reports for f in r.report.figures)
    # serialises as spec §4 figures
    d = rec.figures[0].to_dict()
    assert d["document_id"] and d["span"]


def test_every_number_traces_to_a_document_and_span():
    rec = reconcile(hospital_strike())
    for key, rng in rec.casualties.ranges.items():
        for bound in ("low", "best", "high"):
            value = getattr(rng, bound)
            if value is None:
                continue
            refs = rec.trace[key][bound]
            assert refs, (key, bound)
            for k in refs:
                f = rec.figures[k]
                assert f.document_id and f.span is not None
                assert value in (f.low, f.high), (key, bound, value, f)
                assert rec.table[k]["counted"]


def test_explain_names_documents_and_rule():
    text = "\n".join(reconcile(hospital_strike()).explain)
    assert "killed: low 31" in text and "high 50" in text
    assert "superseded" in text and "d1" in text
    assert "another event" in text


def test_table_is_chronological_with_times_and_zones():
    reports = hospital_strike()
    # d2 is 07:30 UTC on 2 March; d3 (a bare date) counts as the start of 2 March
    assert [reports[i].document_id for i in chronological(reports)] == ["d1", "d3", "d2"]


def test_best_prefers_a_corroborated_value():
    reports = [
        doc("a", "2024-05-01", fig("killed", "all", 12, source="Reuters")),
        doc("b", "2024-05-01", fig("killed", "all", 12, source=WH)),
        doc("c", "2024-05-01", fig("killed", "all", 15, source=SOHR)),
    ]
    c = reconcile(reports).casualties
    assert (c.killed.low, c.killed.best, c.killed.high) == (12, 12, 15)


def test_outlets_repeating_one_agency_do_not_corroborate():
    reports = [doc(f"o{i}", "2024-05-01", fig("killed", "all", 9, source="AFP"),
                   outlet=f"Outlet {i}") for i in range(5)]
    reports.append(doc("m", "2024-05-01", fig("killed", "all", 14, source=SOHR)))
    rec = reconcile(reports)
    # AFP five times is one source: 9 is not corroborated, the monitor's 14 is best
    assert rec.casualties.killed.best == 14
    assert "most credible" in rec.explain[0]


def test_best_is_a_median_never_an_average():
    reports = [
        doc("a", None, fig("killed", "all", 10), outlet="Paper A"),
        doc("b", None, fig("killed", "all", 20), outlet="Paper B"),
        doc("c", None, fig("killed", "all", 40), outlet="Paper C"),
        doc("d", None, fig("killed", "all", 90), outlet="Paper D"),
    ]
    c = reconcile(reports).casualties
    assert (c.killed.low, c.killed.best, c.killed.high) == (10, 20, 90)
    assert c.killed.best in {10, 20, 40, 90}


def test_at_least_sets_a_floor_and_counts_for_high_only_if_nothing_higher():
    only_floor = reconcile([doc("a", None, fig("killed", "all", 20, q="at_least"))]).casualties
    assert (only_floor.killed.low, only_floor.killed.best, only_floor.killed.high) == (20, 20, 20)
    with_higher = reconcile([
        doc("a", None, fig("killed", "all", 20, q="at_least"), outlet="A"),
        doc("b", None, fig("killed", "all", 25, q="exact"), outlet="B"),
    ]).casualties
    assert (with_higher.killed.low, with_higher.killed.high) == (20, 25)


def test_ranges_keep_their_ends_and_up_to_has_no_floor():
    c = reconcile([
        doc("a", None, fig("injured", "all", 30, 45, q="range"), outlet="A"),
        doc("b", None, fig("injured", "all", None, 60, q="up_to"), outlet="B"),
    ]).casualties
    assert (c.injured.low, c.injured.best, c.injured.high) == (30, 30, 60)
    only_up_to = reconcile([doc("a", None, fig("injured", "all", None, 12, q="up_to"))]).casualties
    assert (only_up_to.injured.low, only_up_to.injured.best, only_up_to.injured.high) == (None, 12, 12)


def test_vague_figures_only():
    c = reconcile([doc("a", None, fig("killed", "all", 24, q="vague", text="dozens killed"))]).casualties
    assert (c.killed.low, c.killed.best, c.killed.high) == (24, 24, 24)


def test_unnamed_figures_are_keyed_by_outlet():
    reports = [
        doc("a1", "2024-06-01", fig("killed", "all", 4), outlet="Coast Herald"),
        doc("a2", "2024-06-02", fig("killed", "all", 6), outlet="coast herald"),
        doc("b1", "2024-06-01", fig("killed", "all", 5), outlet="Hill Times"),
    ]
    rec = reconcile(reports)
    assert [r["superseded"] for r in rec.table] == [True, False, False]
    assert (rec.casualties.killed.low, rec.casualties.killed.high) == (5, 6)


def test_undated_documents_count_as_older():
    reports = [
        doc("new", "2024-06-03", fig("killed", "all", 8, source=SOHR)),
        doc("old", None, fig("killed", "all", 3, source=SOHR)),
    ]
    rec = reconcile(reports)
    row = next(r for r in rec.table if r["document_id"] == "old")
    assert row["superseded"]
    assert rec.casualties.killed.low == 8


def test_same_document_figures_never_supersede_each_other():
    rec = reconcile([doc("a", "2024-06-03",
                         fig("killed", "all", 23, source=SOHR, text="23 killed"),
                         fig("killed", "all", 1, source=SOHR, text="a man was killed", at=30))])
    assert not any(r["superseded"] for r in rec.table)
    # the source's fullest count is its offer for best; the victim named is among them
    assert (rec.casualties.killed.low, rec.casualties.killed.best) == (1, 23)


def test_groups_nest_in_every_bound_and_parts_derive_floors():
    rec = reconcile([
        doc("a", None, fig("killed", "children", 6, source="UNICEF")),
        doc("b", None, fig("killed", "women", 4, source=SOHR)),
        doc("c", None, fig("killed", "combatants", 9, source="SDF")),
    ])
    c = rec.casualties
    assert (c.children_killed.low, c.children_killed.best, c.children_killed.high) == (6, 6, 6)
    # no civilians figure: at least the largest part (never 6 + 4 across sources)
    assert (c.civilians_killed.low, c.civilians_killed.best, c.civilians_killed.high) == (6, 6, 6)
    assert (c.killed.low, c.killed.best, c.killed.high) == (9, 9, 9)
    assert rec.trace["killed"]["best"] and rec.trace["civilians_killed"]["low"]


def test_smaller_group_raises_the_larger():
    c = reconcile([
        doc("a", None, fig("killed", "all", 10, source="Reuters")),
        doc("b", None, fig("killed", "civilians", 14, source=SOHR)),
    ]).casualties
    assert (c.killed.low, c.killed.best, c.killed.high) == (14, 14, 14)
    assert c.civilians_killed.best == 14
    for r in c.ranges.values():
        known = [v for v in (r.low, r.best, r.high) if v is not None]
        assert known == sorted(known)


def test_unnamed_headline_echoing_a_named_source_is_that_source():
    lr = doc("a", None, fig("killed", "all", 17, text="17 dead in strike"),
             fig("killed", "all", 17, source="AFP", at=50), outlet="City Paper")
    who = attribute_figures(lr)
    assert [w.label for w in who] == ["AFP", "AFP"]
    assert who[0].how == "echo"


def test_generic_sources_belong_to_their_outlet():
    lr = doc("a", None, fig("killed", "all", 3, source="residents"), outlet="City Paper")
    (who,) = attribute_figures(lr)
    assert who.how == "generic" and who.label == "residents @ City Paper"
    assert who.independence == "city paper"


def test_aliases():
    assert canonical_source("SOHR") == SOHR
    assert canonical_source("agence france-presse") == "AFP"
    assert canonical_source("  Some   New Monitor ") == "Some New Monitor"


def test_policy_knows_every_generic_label_the_extractor_emits():
    from strikewatch.extract.lexicon import load_toml

    generic = {s["name"] for s in load_toml("en", "sources")["source"] if s.get("generic")}
    assert generic <= load_policy().generic


def test_empty_and_figureless_inputs():
    rec = reconcile([])
    assert rec.figures == [] and rec.table == [] and rec.casualties.killed.is_unknown
    rec = reconcile([doc("a", None)])
    assert rec.casualties.killed.is_unknown


@pytest.mark.parametrize("published", ["not a date", "", None])
def test_bad_published_is_undated(published):
    rec = reconcile([doc("a", published, fig("killed", "all", 2))])
    assert rec.casualties.killed.best == 2


def test_a_lists_parts_add_up_within_one_document_and_source():
    rec = reconcile([doc("a", None,
                         fig("killed", "children", 3, text="three children", list_id=1),
                         fig("killed", "women", 2, text="two women", at=20, list_id=1),
                         outlet="Paper A")])
    c = rec.casualties
    assert (c.civilians_killed.low, c.civilians_killed.best, c.civilians_killed.high) == (5, 5, 5)
    assert c.killed.best == 5
    refs = rec.trace["civilians_killed"]["best"]
    assert sorted(rec.figures[k].low for k in refs) == [2, 3]
    assert len(rec.figures) == 2  # the sum is no figure: figures keep what documents say


def test_parts_stand_only_where_the_group_has_no_total():
    rec = reconcile([
        doc("a", None, fig("killed", "civilians", 1, text="including a journalist", part=True),
            outlet="Paper A"),
        doc("b", None, fig("killed", "civilians", 12, source=SOHR)),
    ])
    assert rec.casualties.civilians_killed.low == 12
    row = rec.table[0]
    assert not row["counted"] and "part of a larger count" in row["reason"]
    alone = reconcile([doc("a", None, fig("killed", "children", 2, part=True))])
    assert alone.casualties.children_killed.best == 2


def test_civilians_are_not_derived_below_a_larger_total():
    c = reconcile([doc("a", None, fig("killed", "all", 2, text="a man and a boy"),
                       fig("killed", "children", 1, text="a boy", at=10), outlet="Paper A")]).casualties
    assert c.civilians_killed.is_unknown
    assert (c.killed.best, c.children_killed.best) == (2, 1)

"""For all lists: every row accounted for once, in order; duplicates point at the first
occurrence; an E.164 output normalises to itself. One generated list checks all four (each
property is a named helper) to keep the hypothesis run short."""

from __future__ import annotations

import sys
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numbers_support import DATASETS, Checker
from test_numbers_differential import JUNK, dirty_international, dirty_japanese

from simulator.numbers.recipients import summarise

sys.path.insert(0, str(DATASETS))
from generate import generate

CELLS = st.one_of(
    dirty_japanese(), dirty_international(), JUNK, st.none(), st.sampled_from(["", "  ", "-"])
)


@st.composite
def recipient_lists(draw: st.DrawFn) -> list[str | None]:
    """Cells in dirty formats with some repeated (possibly in another format)."""
    cells = draw(st.lists(CELLS, min_size=1, max_size=50))
    repeats = draw(st.lists(st.integers(0, len(cells) - 1), max_size=10))
    for i in repeats:
        cells.insert(draw(st.integers(i, len(cells))), cells[i])
    return cells


def every_row_is_accounted_for_once_in_input_order(out: pl.DataFrame, cells: list) -> None:
    assert out["row"].to_list() == list(range(1, len(cells) + 1))
    assert out["raw"].to_list() == cells
    summary = summarise(out)
    assert summary.rows_in == len(cells) == summary.ok + summary.rejected
    assert sum(summary.rejects_by_reason.values()) == summary.rejected
    assert sum(summary.by_class.values()) == summary.rows_in
    assert sum(summary.by_carrier.values()) == summary.ok
    ok = out.filter(pl.col("status") == "ok")
    assert ok["reject_reason"].null_count() == ok.height
    assert set(ok["number_class"].to_list()) <= {"mobile"}
    assert out.filter(pl.col("status") == "rejected")["reject_reason"].null_count() == 0


def duplicates_point_at_the_first_occurrence(out: pl.DataFrame) -> None:
    first: dict[str, int] = {}
    for row, number, dup_of in out.select("row", "e164", "dup_of").iter_rows():
        assert dup_of == (first.get(number) if number is not None else None)
        if number is not None:
            first.setdefault(number, row)


def dedupe_rejects_exactly_the_later_occurrences(out: pl.DataFrame, deduped: pl.DataFrame) -> None:
    ok = deduped.filter(pl.col("status") == "ok")["e164"]
    assert ok.n_unique() == ok.len()
    later_ok = out.filter(pl.col("dup_of").is_not_null() & (pl.col("status") == "ok")).height
    assert (deduped["reject_reason"] == "duplicate").sum() == later_ok
    assert deduped["dup_of"].to_list() == out["dup_of"].to_list()


def e164_output_normalises_to_itself(check: Checker, out: pl.DataFrame) -> None:
    first = out.filter(pl.col("e164").is_not_null())
    again = check(first["e164"].to_list())
    for column in ("e164", "number_class", "allocated_carrier"):
        assert again[column].to_list() == first[column].to_list()


@given(recipient_lists())
def test_lists_are_accounted_for_deduplicated_and_idempotent(
    check: Checker, cells: list[str | None]
) -> None:
    out = check(cells)
    every_row_is_accounted_for_once_in_input_order(out, cells)
    duplicates_point_at_the_first_occurrence(out)
    dedupe_rejects_exactly_the_later_occurrences(out, check(cells, dedupe=True))
    e164_output_normalises_to_itself(check, out)


@pytest.mark.parametrize(
    "options",
    [
        {"seed": 1, "dirty_share": 0.9, "landline_share": 0.2, "dup_share": 0.1},
        {"seed": 2, "lookup_column": True, "ported_share": 0.5, "dup_share": 0.05},
        {"seed": 3, "dirty_share": 0.0, "landline_share": 0.0, "dup_share": 0.0},
    ],
)
def test_generated_campaign_lists_reconcile(check: Checker, options: dict[str, Any]) -> None:
    frame = generate(400, **options)
    out = check(frame, dedupe=True)
    every_row_is_accounted_for_once_in_input_order(out, frame["phone"].to_list())
    duplicates_point_at_the_first_occurrence(out)
    e164_output_normalises_to_itself(check, out)
    assert out["name"].to_list() == frame["name"].to_list()
    if not options.get("dirty_share", 0.3) and not options.get("landline_share", 0.05):
        assert out["status"].eq("ok").all()

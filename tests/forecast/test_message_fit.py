"""Messages that don't fit, said plainly: per plan all / partly (N of M) / none, the limit, the
length range of the rendered messages, how many characters to cut, and no yen total for a
plan that sends nothing."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from forecast_helpers import recipients, run

from simulator.report.outputs import write_forecast_outputs

FIVE = recipients(["docomo", "au", "softbank", "rakuten", "docomo"])
LONG_FOR_TWO = FIVE.with_columns(
    name=pl.when(pl.int_range(pl.len()) < 2).then(pl.lit("長" * 70)).otherwise(pl.lit("短"))
)


def test_a_template_too_long_for_some_recipients_sends_partly_with_what_to_cut() -> None:
    lite = run(LONG_FOR_TWO, on="2026-12-01", message="{name}様").summary.plans["lite"]
    assert lite.sendable and lite.fit is not None
    assert (lite.fit.sends, lite.fit.recipients_fit, lite.fit.recipients_checked) == (
        "partly",
        3,
        5,
    )
    assert lite.fit.units_range == (2, 71)
    assert lite.fit.too_long_units_range == (71, 71)
    assert lite.fit.cut_characters == 1
    assert lite.fit.longest_allowed == {"ascii": 140, "non_ascii": 70}
    assert lite.recipients == 3


def test_a_template_too_long_for_everyone_sends_nothing_and_has_no_total() -> None:
    frame = FIVE.with_columns(name=pl.lit("長" * 80))
    plans = run(frame, on="2026-12-01", message="{name}様", sender_ids=1).summary.plans
    lite, standard = plans["lite"], plans["standard"]
    assert lite.fit is not None and lite.fit.sends == "none"
    assert not lite.sendable and lite.reason is not None and "81 characters" in lite.reason
    assert (lite.total_jpy_excl_tax, lite.fixed_fees_jpy, lite.cost_jpy_excl_tax) == (None,) * 3
    assert lite.fit.cut_characters == 11
    assert standard.sendable and standard.fit is not None and standard.fit.sends == "all"


def test_a_fixed_text_too_long_sends_nothing_for_every_recipient() -> None:
    lite = run(FIVE, on="2026-12-01", message="あ" * 75).summary.plans["lite"]
    assert not lite.sendable and lite.fit is not None
    assert (lite.fit.sends, lite.fit.recipients_fit, lite.fit.units_range) == ("none", 0, (75, 75))
    assert lite.fit.cut_characters == 5


def test_a_plan_not_yet_available_has_no_fit() -> None:
    assert run(FIVE, on="2017-06-01").summary.plans["lite"].fit is None


def test_out_writes_the_too_long_rows_masked_with_a_bom_and_the_lists_columns(
    tmp_path: Path,
) -> None:
    result = run(LONG_FOR_TWO, on="2026-12-01", message="{name}様")
    write_forecast_outputs(
        tmp_path, rows=result.rows, checked=result.checked, summary=result.summary
    )
    raw = (tmp_path / "too_long.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = pl.read_csv(raw)
    assert rows.columns[:6] == ["row", "plan", "e164", "carrier", "encoding", "units"]
    assert set(rows.columns[6:]) == {"raw", "name", "input_carrier"}  # the list's own
    assert rows["name"].to_list() == ["長" * 70] * 4
    assert sorted(rows["plan"].unique()) == ["full", "lite"]
    assert rows.height == 4 and set(rows["units"]) == {71}
    assert all("****" in e for e in rows["e164"])
    assert all("****" in e for e in rows["raw"])

"""The duplicate count is the number of repeats `--dedupe` rejects, in every output."""

from __future__ import annotations

import json

import pytest
from robustness_support import AS_OF, CORPUS, EXIT_OK, kpsim_here

LIST = CORPUS / "duplicates_with_a_landline.csv"
"""A mobile number twice, a landline twice, one other mobile: one repeat is sendable."""


@pytest.mark.parametrize("dedupe", [[], ["--dedupe"]])
def test_a_repeated_landline_is_not_counted_as_a_duplicate(dedupe: list[str]) -> None:
    run = kpsim_here("recipients", "check", LIST, "--json", "-q", *dedupe)
    assert run.code == EXIT_OK, run.err
    summary = json.loads(run.out)
    assert summary["duplicates"] == 1
    assert summary["rejects_by_reason"]["landline"] == 2


def test_dedupe_drops_as_many_rows_as_the_warning_counts() -> None:
    kept = json.loads(kpsim_here("recipients", "check", LIST, "--json", "-q").out)
    deduped = json.loads(kpsim_here("recipients", "check", LIST, "--json", "-q", "--dedupe").out)
    assert deduped["rejects_by_reason"]["duplicate"] == kept["duplicates"]
    assert kept["ok"] - deduped["ok"] == kept["duplicates"]


def test_the_forecast_counts_the_same_duplicates() -> None:
    run = kpsim_here("forecast", LIST, "--message", "hi", "--as-of", AS_OF, "--json", "-q")
    assert run.code == EXIT_OK, run.err
    forecast = json.loads(run.out)
    assert forecast["duplicates"] == 1
    assert any("1 duplicate recipients" in w for w in forecast["warnings"])

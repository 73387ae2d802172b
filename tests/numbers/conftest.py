"""Fixtures for recipient-list tests: the shipped rules and a checker bound to them."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from numbers_support import AS_OF, Checker

from simulator.numbers.recipients import check_recipients
from simulator.rules.ruleset import RuleSet, load_ruleset


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return load_ruleset()


@pytest.fixture(scope="session")
def check(ruleset: RuleSet) -> Checker:
    """check(list_of_cells or frame or path, **options) -> the collected checked frame.

    Collected with the in-memory engine (fast for small frames); test_numbers_reading checks
    that the default engine gives the same frame."""

    def run(source: Any, **options: Any) -> pl.DataFrame:
        if isinstance(source, list):
            source = pl.DataFrame({"phone": source}, schema={"phone": pl.String})
        options.setdefault("as_of", AS_OF)
        return check_recipients(source, ruleset=ruleset, **options).collect(engine="in-memory")

    return run

"""Fixtures for pricing tests: the shipped rules and price book."""

from __future__ import annotations

import pytest

from simulator.pricing.book import PriceBook, load_default_price_book
from simulator.rules.ruleset import RuleSet, load_ruleset


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return load_ruleset()


@pytest.fixture(scope="session")
def book() -> PriceBook:
    return load_default_price_book()

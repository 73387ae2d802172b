"""Shared fixtures for the rules tests: the shipped rule set, loaded once."""

from __future__ import annotations

import pytest

from simulator.rules.assumptions import default_settings
from simulator.rules.ruleset import RuleSet, load_ruleset


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return load_ruleset()


@pytest.fixture(scope="session")
def defaults(ruleset: RuleSet) -> dict[str, str]:
    return default_settings(ruleset)

"""Fixtures for message tests: the shipped rules and their segmentation profiles."""

from __future__ import annotations

import pytest

from simulator.message.profiles import SegmentationRules, load_segmentation_rules
from simulator.rules.ruleset import RuleSet, load_ruleset


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return load_ruleset()


@pytest.fixture(scope="session")
def segmentation(ruleset: RuleSet) -> SegmentationRules:
    return load_segmentation_rules(ruleset=ruleset)

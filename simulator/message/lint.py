"""`kpsim rules lint` checks for `segmentation.yaml` (registered with the rules linter on import)."""

from __future__ import annotations

from pathlib import Path

from simulator.errors import RulesError
from simulator.message.profiles import (
    SEGMENTATION_FILE,
    cross_file_problems,
    load_segmentation_rules,
)
from simulator.rules.linter import EXTRA_CHECKS, Finding
from simulator.rules.ruleset import RuleSet


def check_segmentation(directory: Path, ruleset: RuleSet) -> list[Finding]:
    """Schema errors, then unknown plans, sources and assumption values, and plans left uncovered."""
    path = directory / SEGMENTATION_FILE
    try:
        rules = load_segmentation_rules(directory)
    except RulesError as err:
        return [Finding(err.file or str(path), err.line or 1, "segmentation", err.message)]
    return [
        Finding(str(path), line, "segmentation", message)
        for line, message in cross_file_problems(rules, ruleset)
    ]


if check_segmentation not in EXTRA_CHECKS:
    EXTRA_CHECKS.append(check_segmentation)

"""Every rule-file check in one place: the rules linter plus the checks of prices, parts and porting."""

from __future__ import annotations

from pathlib import Path

import simulator.analysis.porting
import simulator.message.lint
import simulator.numbers.numbering
import simulator.pricing.lint  # noqa: F401  (importing registers the checks)
from simulator.rules.linter import Finding, lint


def lint_all(directory: str | Path | None = None) -> list[Finding]:
    """All findings for a rules directory, from every kind of rule file."""
    return lint(directory)

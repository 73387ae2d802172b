"""Which porting matrix a forecast uses: the one in `rules/porting.yaml`, or the identity."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from simulator.errors import RulesError
from simulator.rules.porting import PORTING_FILE, PORTING_SCHEMA, PortingMatrix
from simulator.rules.ruleset import load_ruleset

__all__ = ["PORTING_FILE", "PORTING_SCHEMA", "PortingMatrix", "load_porting", "select_porting"]


def load_porting(rules_dir: Path | None = None) -> PortingMatrix:
    """The rule set's `porting.yaml`, validated and cross-checked (parsed once per version)."""
    return load_ruleset(rules_dir).porting


def select_porting(porting: PortingMatrix, settings: Mapping[str, str]) -> PortingMatrix:
    """The matrix the porting assumption asks for: the file's, or the identity."""
    value = settings.get(porting.assumption, porting.id)
    if value == porting.id:
        return porting
    if value == porting.without_porting_value:
        return porting.without_porting()
    raise RulesError(
        f"assumption {porting.assumption}={value} names no porting matrix",
        file=PORTING_FILE,
        hint=f"porting.yaml defines {porting.id}; {porting.without_porting_value} is built in",
        code="unknown_matrix",
    )

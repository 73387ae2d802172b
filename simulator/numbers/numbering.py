"""`rules/numbering.yaml` for the numbers layer: the rule set's copy, and issuance start days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from simulator.errors import RulesError
from simulator.rules.numbering import (
    NUMBERING_FILE,
    Issuance,
    LengthRange,
    NumberingFile,
    Reading,
    TypeRule,
)
from simulator.rules.ruleset import RuleSet

__all__ = [
    "NUMBERING_FILE",
    "Issuance",
    "LengthRange",
    "NumberingFile",
    "Reading",
    "TypeRule",
    "issuance_starts",
    "load_numbering",
]


def load_numbering(ruleset: RuleSet) -> NumberingFile:
    """`numbering.yaml` next to the rule set, checked against its sources and assumptions."""
    return ruleset.numbering


def issuance_starts(numbering: NumberingFile, settings: Mapping[str, str]) -> dict[str, dt.date]:
    """NSN prefix -> first day its numbers can receive SMS, under the chosen assumptions."""
    out: dict[str, dt.date] = {}
    for item in numbering.issuance:
        value = settings.get(item.assumption)
        if value is None or value not in item.starts:
            raise RulesError(
                f"no start day for {item.assumption}={value!r}",
                file=NUMBERING_FILE,
                code="missing_start_day",
            )
        out[item.prefix] = item.starts[value]
    return out

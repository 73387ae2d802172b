"""`rules/numbering.yaml`: what phonenumbers' number types mean for SMS, issuance dates, list vocabulary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from simulator.errors import RulesError
from simulator.numbers.reasons import REJECT_REASONS
from simulator.rules.linter import EXTRA_CHECKS, Finding
from simulator.rules.ruleset import RuleSet
from simulator.rules.schema import Identifier, Strict
from simulator.rules.yaml_source import load_model

NUMBERING_FILE = "numbering.yaml"


class LengthRange(Strict):
    min: int = Field(ge=1)
    max: int = Field(ge=1)


class TypeRule(Strict):
    """One phonenumbers number type and what kpsim makes of it."""

    type: str
    number_class: Literal["mobile", "non_sms"] = Field(alias="class")
    reason: str | None = None
    sources: list[Identifier] = Field(min_length=1)

    @model_validator(mode="after")
    def _reason_for_non_sms(self) -> TypeRule:
        if self.number_class == "non_sms" and self.reason is None:
            raise ValueError("a non_sms type needs a reason")
        if self.number_class == "mobile" and self.reason is not None:
            raise ValueError("a mobile type takes no reason")
        if self.reason is not None and self.reason not in REJECT_REASONS:
            raise ValueError(f"unknown reason {self.reason!r}")
        return self


class Issuance(Strict):
    """A mobile range that receives SMS only from a start day chosen by an assumption."""

    prefix: str = Field(pattern=r"^[0-9]+$")
    assumption: Identifier
    reason: str
    starts: dict[Identifier, dt.date] = Field(min_length=1)
    sources: list[Identifier] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_reason(self) -> Issuance:
        if self.reason not in REJECT_REASONS:
            raise ValueError(f"unknown reason {self.reason!r}")
        return self


class Reading(Strict):
    """Words and characters kpsim expects around phone numbers in spreadsheets."""

    phone_columns: list[str] = Field(min_length=1)
    carrier_columns: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    extension_markers: list[str] = Field(default_factory=list)
    brackets: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _bracket_pairs(self) -> Reading:
        for pair in self.brackets:
            if len(pair) != 2:
                raise ValueError(f"bracket {pair!r} is not an opening and a closing character")
        return self


class NumberingFile(Strict):
    region: str = Field(pattern=r"^[A-Z]{2}$")
    national_number_length: LengthRange
    extra_international_prefixes: list[str] = Field(default_factory=list)
    types: list[TypeRule] = Field(min_length=1)
    issuance: list[Issuance] = Field(default_factory=list)
    reading: Reading


@cache
def _load(path: Path, mtime_ns: int) -> NumberingFile:
    return load_model(path, NumberingFile)


def load_numbering(ruleset: RuleSet) -> NumberingFile:
    """Read `numbering.yaml` next to the rule set and check its sources and assumptions exist."""
    path = ruleset.directory / NUMBERING_FILE
    if not path.is_file():
        raise RulesError(f"missing rule file {NUMBERING_FILE}", file=ruleset.directory)
    numbering = _load(path, path.stat().st_mtime_ns)
    cited = [s for t in numbering.types for s in t.sources]
    cited += [s for i in numbering.issuance for s in i.sources]
    for source in cited:
        if source not in ruleset.sources:
            raise RulesError(f"unknown source {source!r}", file=path, hint="add it to sources.yaml")
    for item in numbering.issuance:
        assumption = ruleset.assumptions.get(item.assumption)
        if assumption is None:
            raise RulesError(f"unknown assumption {item.assumption!r}", file=path)
        missing = [v.id for v in assumption.values if v.id not in item.starts]
        if missing:
            raise RulesError(
                f"issuance of {item.prefix!r} has no start day for {', '.join(missing)}",
                file=path,
            )
    return numbering


def issuance_starts(numbering: NumberingFile, settings: Mapping[str, str]) -> dict[str, dt.date]:
    """NSN prefix -> first day its numbers can receive SMS, under the chosen assumptions."""
    out: dict[str, dt.date] = {}
    for item in numbering.issuance:
        value = settings.get(item.assumption)
        if value is None or value not in item.starts:
            raise RulesError(f"no start day for {item.assumption}={value!r}", file=NUMBERING_FILE)
        out[item.prefix] = item.starts[value]
    return out


def lint_numbering(directory: Path, ruleset: RuleSet) -> list[Finding]:
    """Linter hook: `numbering.yaml` loads and cites known sources and assumption values."""
    try:
        load_numbering(ruleset)
    except RulesError as err:
        return [Finding(err.file or str(directory), err.line or 1, "numbering", err.message)]
    return []


EXTRA_CHECKS.append(lint_numbering)

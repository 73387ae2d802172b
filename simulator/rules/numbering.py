"""`rules/numbering.yaml`: what phonenumbers' number types mean for SMS, issuance dates, list vocabulary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from simulator.errors import RulesError
from simulator.rules.reasons import REJECT_REASONS
from simulator.rules.schema import Identifier, Strict
from simulator.rules.yaml_source import load_model

if TYPE_CHECKING:
    from simulator.rules.ruleset import RuleSet

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


def read_numbering(path: Path) -> NumberingFile:
    """Parse and validate `numbering.yaml` on its own."""
    return load_model(path, NumberingFile)


def check_numbering(numbering: NumberingFile, path: Path, ruleset: RuleSet) -> None:
    """Cited sources and issuance assumptions must exist, with a start day for every value."""
    cited = [s for t in numbering.types for s in t.sources]
    cited += [s for i in numbering.issuance for s in i.sources]
    for source in cited:
        if source not in ruleset.sources:
            raise RulesError(
                f"unknown source {source!r}",
                file=path,
                hint="add it to sources.yaml",
                code="unknown_source",
            )
    for item in numbering.issuance:
        assumption = ruleset.assumptions.get(item.assumption)
        if assumption is None:
            raise RulesError(
                f"unknown assumption {item.assumption!r}", file=path, code="unknown_assumption"
            )
        missing = [v.id for v in assumption.values if v.id not in item.starts]
        if missing:
            raise RulesError(
                f"issuance of {item.prefix!r} has no start day for {', '.join(missing)}",
                file=path,
                code="missing_start_day",
            )

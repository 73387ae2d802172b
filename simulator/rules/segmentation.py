"""`rules/segmentation.yaml`: message-part profiles and which plans use them from which day."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from simulator.errors import RulesError
from simulator.rules.schema import Identifier, Strict
from simulator.rules.yaml_source import YamlDocument, parse_model, read_yaml

if TYPE_CHECKING:
    from simulator.rules.ruleset import RuleSet

SEGMENTATION_FILE = "segmentation.yaml"

Counting = Literal["ascii_or_utf16", "gsm7_or_ucs2"]
ENCODINGS: dict[str, tuple[str, str]] = {
    "ascii_or_utf16": ("ascii", "non_ascii"),
    "gsm7_or_ucs2": ("gsm7", "ucs2"),
}
"""Per counting rule: the narrow encoding (cheap alphabet) and the wide one (UTF-16 units)."""


class PartLimits(Strict):
    """How many units fit in one part, per part of a longer text, and the caps on a whole text."""

    single: int = Field(ge=1)
    per_part: int | None = Field(default=None, ge=1)
    max_units: int | None = Field(default=None, ge=1)
    max_parts: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> PartLimits:
        if self.per_part is None and (self.max_units is not None or self.max_parts is not None):
            raise ValueError(
                "max_units/max_parts need per_part (a one-part text is capped by single)"
            )
        if self.per_part is not None and self.per_part > self.single:
            raise ValueError(f"per_part {self.per_part} is larger than single {self.single}")
        if self.max_units is not None and self.max_units < self.single:
            raise ValueError(f"max_units {self.max_units} is smaller than single {self.single}")
        return self


class Gsm7Alphabet(Strict):
    """The GSM-7 basic table (1 septet each) and extension table (`extension_units` each)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True
    )

    basic: list[str] = Field(min_length=1)
    extension: str = Field(min_length=1)
    extension_units: int = Field(ge=1)
    sources: list[Identifier] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> Gsm7Alphabet:
        basic = "".join(self.basic)
        for name, chars in (("basic", basic), ("extension", self.extension)):
            repeated = sorted({c for c in chars if chars.count(c) > 1})
            if repeated:
                raise ValueError(f"{name} lists {', '.join(map(ascii, repeated))} more than once")
        both = sorted(set(basic) & set(self.extension))
        if both:
            raise ValueError(f"{', '.join(map(ascii, both))} in both the basic and extension table")
        return self


class ProfileSpec(Strict):
    """One way of counting and splitting a text, as written in the YAML."""

    id: Identifier
    name: str
    counting: Counting
    limits: dict[str, PartLimits]
    sources: list[Identifier] = Field(min_length=1)
    note: str | None = None

    @field_validator("limits")
    @classmethod
    def _limits_per_encoding(
        cls, limits: dict[str, PartLimits], info: ValidationInfo
    ) -> dict[str, PartLimits]:
        counting = info.data.get("counting")
        if counting in ENCODINGS and set(limits) != set(ENCODINGS[counting]):
            expected = ", ".join(ENCODINGS[counting])
            raise ValueError(f"counting {counting} needs limits for exactly {expected}")
        return limits


class ProfileVariant(Strict):
    """A profile that replaces the assignment's default when every named assumption matches."""

    when: dict[Identifier, Identifier] = Field(min_length=1)
    profile: Identifier


class Assignment(Strict):
    """The profile some plans use from `effective_from` until their next assignment."""

    id: Identifier
    plans: list[Identifier] = Field(min_length=1)
    effective_from: dt.date
    profile: Identifier
    sources: list[Identifier] = Field(min_length=1)
    variants: list[ProfileVariant] = Field(default_factory=list)
    note: str | None = None


class SegmentationFile(Strict):
    gsm7: Gsm7Alphabet | None = None
    profiles: list[ProfileSpec] = Field(min_length=1)
    assignments: list[Assignment] = Field(min_length=1)


def _check_internal(doc: YamlDocument, data: SegmentationFile) -> None:
    """Duplicate ids, unknown profiles, a missing GSM-7 table and unordered assignments."""
    seen: set[str] = set()
    for i, spec in enumerate(data.profiles):
        if spec.id in seen:
            raise RulesError(
                f"profiles[{i}]: duplicate profile id {spec.id!r}",
                file=doc.path,
                line=doc.line_of(["profiles", i]),
                code="duplicate_id",
            )
        seen.add(spec.id)
        if spec.counting == "gsm7_or_ucs2" and data.gsm7 is None:
            raise RulesError(
                f"profiles[{i}]: {spec.id} counts GSM-7 but the file has no gsm7 table",
                file=doc.path,
                line=doc.line_of(["profiles", i, "counting"]),
                code="missing_key",
            )
    assignment_ids: set[str] = set()
    for i, a in enumerate(data.assignments):
        where: list[int | str] = ["assignments", i]
        if a.id in assignment_ids:
            raise RulesError(
                f"assignments[{i}]: duplicate assignment id {a.id!r}",
                file=doc.path,
                line=doc.line_of(where),
                code="duplicate_id",
            )
        assignment_ids.add(a.id)
        named: list[tuple[list[int | str], str]] = [(["profile"], a.profile)]
        named += [(["variants", j, "profile"], v.profile) for j, v in enumerate(a.variants)]
        for loc, profile_id in named:
            if profile_id not in seen:
                raise RulesError(
                    f"assignments[{i}] ({a.id}): unknown profile {profile_id!r}",
                    file=doc.path,
                    line=doc.line_of([*where, *loc]),
                    hint=f"profiles are {', '.join(sorted(seen))}",
                    code="unknown_profile",
                )
    plans = dict.fromkeys(p for a in data.assignments for p in a.plans)
    for plan in plans:
        chain = [(i, a) for i, a in enumerate(data.assignments) if plan in a.plans]
        for (_, prev), (i, cur) in itertools.pairwise(chain):
            if cur.effective_from <= prev.effective_from:
                relation = (
                    "the same day as" if cur.effective_from == prev.effective_from else "before"
                )
                raise RulesError(
                    f"assignments[{i}] ({cur.id}) starts {cur.effective_from}, {relation} "
                    f"{prev.id} ({prev.effective_from}) for plan {plan}",
                    file=doc.path,
                    line=doc.line_of(["assignments", i, "effective_from"]),
                    hint="list each plan's assignments in date order, one per day",
                    code="dates_out_of_order",
                )


@dataclass(frozen=True)
class SegmentationSource:
    """A validated `segmentation.yaml` with the line of each profile and assignment."""

    path: Path
    data: SegmentationFile
    lines: dict[str, int] = field(default_factory=dict)


def read_segmentation(path: Path) -> SegmentationSource:
    """Parse `segmentation.yaml` and check it on its own (ids, profiles named, date order)."""
    doc = read_yaml(path)
    data = parse_model(doc, SegmentationFile)
    _check_internal(doc, data)
    lines = {"gsm7": doc.line_of(["gsm7"]) or 1}
    lines |= {
        f"profile:{p.id}": doc.line_of(["profiles", i]) or 1 for i, p in enumerate(data.profiles)
    }
    lines |= {
        f"assignment:{a.id}": doc.line_of(["assignments", i]) or 1
        for i, a in enumerate(data.assignments)
    }
    return SegmentationSource(path=path, data=data, lines=lines)


def segmentation_problems(source: SegmentationSource, ruleset: RuleSet) -> list[tuple[int, str]]:
    """(line, problem) for plans, sources and assumption values the rest of the rules lack."""
    out: list[tuple[int, str]] = []
    data = source.data
    gsm7_line = source.lines.get("gsm7", 1)
    for s in data.gsm7.sources if data.gsm7 else []:
        if s not in ruleset.sources:
            out.append((gsm7_line, f"gsm7: source {s!r} is not in sources.yaml"))
    for profile in data.profiles:
        line = source.lines.get(f"profile:{profile.id}", 1)
        out += [
            (line, f"profile {profile.id}: source {s!r} is not in sources.yaml")
            for s in profile.sources
            if s not in ruleset.sources
        ]
    for a in data.assignments:
        line = source.lines.get(f"assignment:{a.id}", 1)
        out += [
            (line, f"{a.id}: source {s!r} is not in sources.yaml")
            for s in a.sources
            if s not in ruleset.sources
        ]
        out += [
            (line, f"{a.id}: plan {p!r} is not in plans.yaml")
            for p in a.plans
            if p not in ruleset.plans
        ]
        for j, v in enumerate(a.variants):
            for name, value in v.when.items():
                assumption = ruleset.assumptions.get(name)
                if assumption is None:
                    out.append((line, f"{a.id}.variants[{j}]: no assumption {name!r}"))
                elif value not in {x.id for x in assumption.values}:
                    out.append((line, f"{a.id}.variants[{j}]: {name} has no value {value!r}"))
    for plan_id, plan in ruleset.plans.items():
        starts = [a.effective_from for a in data.assignments if plan_id in a.plans]
        if not starts:
            out.append((1, f"plan {plan_id} has no message-part assignment"))
        elif min(starts) > plan.available_from:
            out.append(
                (
                    1,
                    f"plan {plan_id} exists from {plan.available_from} but its first "
                    f"message-part assignment starts {min(starts)}",
                )
            )
    return out

"""Message-part profiles from `rules/segmentation.yaml` and which one a plan uses on a date."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from simulator.errors import NotApplicableError, RulesError, UsageError
from simulator.rules.dating import first_match, in_force
from simulator.rules.ruleset import RuleSet
from simulator.rules.ruleset import rules_dir as resolve_rules_dir
from simulator.rules.schema import Identifier, Strict
from simulator.rules.yaml_source import YamlDocument, parse_model, read_yaml

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

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)

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


def describe_limits(limits: PartLimits) -> str:
    """One encoding's limits in words."""
    if limits.per_part is None:
        return f"{limits.single} in one part, no splitting"
    text = f"{limits.single} in one part, then {limits.per_part} per part"
    if limits.max_units is not None:
        text += f", at most {limits.max_units}"
    if limits.max_parts is not None:
        text += f", at most {limits.max_parts} parts"
    return text


@dataclass(frozen=True)
class Profile:
    """A resolved profile: counting rule, limits per encoding and (for GSM-7) the alphabet."""

    id: str
    name: str
    counting: str
    narrow: str
    wide: str
    narrow_limits: PartLimits
    wide_limits: PartLimits
    gsm7_basic: str = ""
    gsm7_extension: str = ""
    extension_units: int = 1
    sources: tuple[str, ...] = ()
    note: str | None = None

    def limits(self, encoding: str) -> PartLimits:
        """The limits of `encoding` (one of `narrow`, `wide`)."""
        if encoding == self.narrow:
            return self.narrow_limits
        if encoding == self.wide:
            return self.wide_limits
        raise KeyError(encoding)

    def describe_limit(self) -> str:
        """The limits in words, e.g. `ascii: 140 in one part, then 132 per part, at most 660`."""
        return "; ".join(
            f"{encoding}: {describe_limits(self.limits(encoding))}"
            for encoding in (self.narrow, self.wide)
        )


@dataclass(frozen=True)
class SegmentationRules:
    """Every profile and plan assignment of one segmentation file."""

    path: Path
    profiles: dict[str, Profile]
    assignments: list[Assignment]
    gsm7: Gsm7Alphabet | None
    lines: dict[str, int] = field(default_factory=dict)

    def profile(self, profile_id: str) -> Profile:
        try:
            return self.profiles[profile_id]
        except KeyError:
            raise UsageError(
                f"unknown message-part profile {profile_id!r}",
                hint=f"choose from {', '.join(self.profiles)}",
            ) from None

    def plans(self) -> list[str]:
        """Plans named by some assignment, in file order."""
        return list(dict.fromkeys(p for a in self.assignments for p in a.plans))


def _build_profile(spec: ProfileSpec, gsm7: Gsm7Alphabet | None) -> Profile:
    narrow, wide = ENCODINGS[spec.counting]
    uses_gsm7 = spec.counting == "gsm7_or_ucs2"
    return Profile(
        id=spec.id,
        name=spec.name,
        counting=spec.counting,
        narrow=narrow,
        wide=wide,
        narrow_limits=spec.limits[narrow],
        wide_limits=spec.limits[wide],
        gsm7_basic="".join(gsm7.basic) if uses_gsm7 and gsm7 else "",
        gsm7_extension=gsm7.extension if uses_gsm7 and gsm7 else "",
        extension_units=gsm7.extension_units if uses_gsm7 and gsm7 else 1,
        sources=tuple(spec.sources),
        note=spec.note,
    )


def _check_internal(doc: YamlDocument, data: SegmentationFile) -> None:
    """Duplicate ids, unknown profiles, a missing GSM-7 table and unordered assignments."""
    seen: set[str] = set()
    for i, spec in enumerate(data.profiles):
        if spec.id in seen:
            raise RulesError(
                f"profiles[{i}]: duplicate profile id {spec.id!r}",
                file=doc.path,
                line=doc.line_of(["profiles", i]),
            )
        seen.add(spec.id)
        if spec.counting == "gsm7_or_ucs2" and data.gsm7 is None:
            raise RulesError(
                f"profiles[{i}]: {spec.id} counts GSM-7 but the file has no gsm7 table",
                file=doc.path,
                line=doc.line_of(["profiles", i, "counting"]),
            )
    assignment_ids: set[str] = set()
    for i, a in enumerate(data.assignments):
        where: list[int | str] = ["assignments", i]
        if a.id in assignment_ids:
            raise RulesError(
                f"assignments[{i}]: duplicate assignment id {a.id!r}",
                file=doc.path,
                line=doc.line_of(where),
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
                )


def cross_file_problems(rules: SegmentationRules, ruleset: RuleSet) -> list[tuple[int, str]]:
    """(line, problem) for plans, sources and assumption values the rest of the rules lack."""
    out: list[tuple[int, str]] = []
    gsm7_line = rules.lines.get("gsm7", 1)
    for s in rules.gsm7.sources if rules.gsm7 else []:
        if s not in ruleset.sources:
            out.append((gsm7_line, f"gsm7: source {s!r} is not in sources.yaml"))
    for profile in rules.profiles.values():
        line = rules.lines.get(f"profile:{profile.id}", 1)
        out += [
            (line, f"profile {profile.id}: source {s!r} is not in sources.yaml")
            for s in profile.sources
            if s not in ruleset.sources
        ]
    for a in rules.assignments:
        line = rules.lines.get(f"assignment:{a.id}", 1)
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
        starts = [a.effective_from for a in rules.assignments if plan_id in a.plans]
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


def load_segmentation_rules(
    rules_dir: str | Path | None = None, *, ruleset: RuleSet | None = None
) -> SegmentationRules:
    """Read `segmentation.yaml`; with a `ruleset`, also check its plans, sources and assumptions."""
    directory = resolve_rules_dir(rules_dir)
    path = directory / SEGMENTATION_FILE
    if not path.is_file():
        raise RulesError(f"missing rule file {SEGMENTATION_FILE}", file=directory)
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
    rules = SegmentationRules(
        path=path,
        profiles={p.id: _build_profile(p, data.gsm7) for p in data.profiles},
        assignments=list(data.assignments),
        gsm7=data.gsm7,
        lines=lines,
    )
    if ruleset is not None:
        problems = cross_file_problems(rules, ruleset)
        if problems:
            line, message = problems[0]
            raise RulesError(message, file=path, line=line)
    return rules


load_segmentation = load_segmentation_rules


def assignment_for(rules: SegmentationRules, plan: str, on: dt.date) -> Assignment:
    """The assignment in force for `plan` on `on` (the latest one starting on or before it)."""
    chain = [a for a in rules.assignments if plan in a.plans]
    if not chain:
        raise UsageError(
            f"no message-part rules for plan {plan!r}",
            hint=f"choose from {', '.join(rules.plans())}",
        )
    assignment = in_force(chain, on)
    if assignment is None:
        first = min(a.effective_from for a in chain)
        raise NotApplicableError(
            f"no message-part rule for plan {plan} on {on.isoformat()}",
            hint=f"the first one starts {first.isoformat()}",
        )
    return assignment


def profile_id_for(
    rules: SegmentationRules, plan: str, on: dt.date, settings: Mapping[str, str]
) -> str:
    """Id of the profile `plan` uses on `on`: the first matching variant, else the default."""
    assignment = assignment_for(rules, plan, on)
    chosen = first_match(assignment.variants, settings)
    return chosen[1].profile if chosen is not None else assignment.profile


def profile_for(
    rules: SegmentationRules, plan: str, on: dt.date, settings: Mapping[str, str]
) -> Profile:
    """The profile that counts and splits `plan`'s messages on `on` under the assumption settings."""
    return rules.profiles[profile_id_for(rules, plan, on, settings)]

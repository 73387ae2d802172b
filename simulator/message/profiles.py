"""Message-part profiles from `rules/segmentation.yaml` and which one a plan uses on a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from simulator.errors import NotApplicableError, RulesError, UsageError
from simulator.rules.dating import first_match, in_force
from simulator.rules.ruleset import RuleSet, read_rule_file
from simulator.rules.ruleset import rules_dir as resolve_rules_dir
from simulator.rules.segmentation import (
    ENCODINGS,
    SEGMENTATION_FILE,
    Assignment,
    Gsm7Alphabet,
    PartLimits,
    ProfileSpec,
    SegmentationSource,
    read_segmentation,
    segmentation_problems,
)

__all__ = [
    "ENCODINGS",
    "SEGMENTATION_FILE",
    "Assignment",
    "PartLimits",
    "Profile",
    "SegmentationRules",
    "assignment_for",
    "describe_limits",
    "load_segmentation_rules",
    "profile_for",
    "profile_id_for",
    "segmentation_rules",
]
"""The models come from `simulator.rules.segmentation`; this module builds profiles from them."""


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


def segmentation_rules(source: SegmentationSource) -> SegmentationRules:
    """The profiles and assignments of a validated `segmentation.yaml`, ready to count with."""
    data = source.data
    return SegmentationRules(
        path=source.path,
        profiles={p.id: _build_profile(p, data.gsm7) for p in data.profiles},
        assignments=list(data.assignments),
        gsm7=data.gsm7,
        lines=dict(source.lines),
    )


def load_segmentation_rules(
    rules_dir: str | Path | None = None, *, ruleset: RuleSet | None = None
) -> SegmentationRules:
    """`segmentation.yaml` of a rules directory (parsed once); with a `ruleset`, cross-checked.

    The file may stand alone in `rules_dir`; with `ruleset`, its plans, sources and assumption
    values must exist in the rest of the rules.
    """
    given = rules_dir if rules_dir is not None else (ruleset.directory if ruleset else None)
    source = read_rule_file(resolve_rules_dir(given), SEGMENTATION_FILE, read_segmentation)
    if ruleset is not None:
        problems = segmentation_problems(source, ruleset)
        if problems:
            line, message = problems[0]
            raise RulesError(message, file=source.path, line=line, code="unknown_reference")
    return segmentation_rules(source)


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

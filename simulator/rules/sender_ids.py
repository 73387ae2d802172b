"""`rules/sender_ids.yaml`: dated sender-ID rules and the logistics of registering a sender ID."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from simulator.errors import RulesError
from simulator.rules.schema import Identifier, Strict
from simulator.rules.yaml_source import YamlDocument, parse_model, read_yaml

if TYPE_CHECKING:
    from simulator.rules.ruleset import RuleSet

SENDER_IDS_FILE = "sender_ids.yaml"

SenderRole = Literal["user_sender", "registered_sender"]
"""The api.yaml `roles` a sender rule is about: the customer's `sender` or the registered ID."""
Applies = Literal["request", "shown"]
Action = Literal["warn", "refuse"]
OTHER = "other"
"""The class of a value that matches no charset."""


class Charset(Strict):
    """A class of sender values, by a regular expression the whole value must match."""

    id: Identifier
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


class SenderTest(Strict):
    """When a value breaks a rule: every condition given must hold."""

    charset: list[Identifier] = Field(default_factory=list)
    longer_than: int | None = Field(default=None, ge=0)
    shorter_than: int | None = Field(default=None, ge=1)
    starts_with: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _says_something(self) -> SenderTest:
        if not self.model_fields_set:
            raise ValueError("a test needs at least one of charset, longer_than, shorter_than")
        return self


class ActionVariant(Strict):
    when: dict[Identifier, Identifier] = Field(min_length=1)
    action: Action


class SenderRule(Strict):
    """One version of one sender check, from `effective_from` until the next version of `check`."""

    id: Identifier
    check: Identifier
    role: SenderRole
    applies: Applies
    carriers: list[Identifier] = Field(default_factory=list)
    test: SenderTest
    action: Action
    code: Identifier
    limit: int | None = None
    """The length the rule names, shown in its warning."""
    effective_from: dt.date
    documented_from: dt.date | None = None
    sources: list[Identifier] = Field(min_length=1)
    says: str
    variants: list[ActionVariant] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _carriers_only_when_shown(self) -> SenderRule:
        if self.carriers and self.applies != "shown":
            raise ValueError("carriers limit a rule that applies where the sender is shown")
        return self


class LeadTime(Strict):
    """How many days a new sender-ID registration takes, from `effective_from` on."""

    id: Identifier
    effective_from: dt.date
    days: int = Field(ge=0)
    sources: list[Identifier] = Field(min_length=1)
    note: str | None = None


class Freeze(Strict):
    """Days (both included) on which no new sender IDs were accepted."""

    id: Identifier
    effective_from: dt.date
    until: dt.date
    registered_by: dt.date | None = None
    """IDs registered by this day were carried over."""
    sources: list[Identifier] = Field(min_length=1)
    says: str

    @model_validator(mode="after")
    def _ordered(self) -> Freeze:
        if self.until < self.effective_from:
            raise ValueError(f"until {self.until} is before effective_from {self.effective_from}")
        return self


class Eligibility(Strict):
    """Who may register a K-Premium sender ID, from `effective_from` on."""

    id: Identifier
    effective_from: dt.date
    who: Identifier
    sources: list[Identifier] = Field(min_length=1)
    says: str
    note: str | None = None


class Registration(Strict):
    lead_times: list[LeadTime] = Field(default_factory=list)
    freezes: list[Freeze] = Field(default_factory=list)
    eligibility: list[Eligibility] = Field(default_factory=list)


class SenderIdsFile(Strict):
    charsets: list[Charset] = Field(min_length=1)
    rules: list[SenderRule] = Field(default_factory=list)
    registration: Registration = Field(default_factory=Registration)


@dataclass(frozen=True)
class SenderIds:
    """`sender_ids.yaml` as read, with the line of each entry (for findings)."""

    path: Path
    data: SenderIdsFile
    lines: dict[str, int] = field(default_factory=dict)

    def classify(self, value: str) -> str:
        """The first charset `value` matches, else `other`."""
        return next(
            (c.id for c in self.data.charsets if re.fullmatch(c.pattern, value)),
            OTHER,
        )

    def versions(self, check: str) -> list[SenderRule]:
        return [r for r in self.data.rules if r.check == check]

    def checks(self) -> list[str]:
        """Each check once, in file order."""
        return list(dict.fromkeys(r.check for r in self.data.rules))


def _dated_chains(doc: YamlDocument, data: SenderIdsFile) -> None:
    """Ids are unique and the versions of each check are listed in date order."""
    entries: list[tuple[str, list[int | str], str, dt.date]] = []
    entries += [(r.id, ["rules", i], r.check, r.effective_from) for i, r in enumerate(data.rules)]
    reg = data.registration
    entries += [
        (x.id, ["registration", "lead_times", i], "lead_times", x.effective_from)
        for i, x in enumerate(reg.lead_times)
    ]
    entries += [
        (x.id, ["registration", "eligibility", i], "eligibility", x.effective_from)
        for i, x in enumerate(reg.eligibility)
    ]
    entries += [
        (x.id, ["registration", "freezes", i], f"freeze:{x.id}", x.effective_from)
        for i, x in enumerate(reg.freezes)
    ]
    seen: set[str] = set()
    for ident, loc, _, _ in entries:
        if ident in seen:
            raise RulesError(
                f"duplicate id {ident!r}", file=doc.path, line=doc.line_of(loc), code="duplicate_id"
            )
        seen.add(ident)
    chains: dict[str, list[tuple[str, list[int | str], str, dt.date]]] = {}
    for entry in entries:
        chains.setdefault(entry[2], []).append(entry)
    for ordered in chains.values():
        for before, after in itertools.pairwise(ordered):
            if after[3] <= before[3]:
                raise RulesError(
                    f"{after[0]} starts on {after[3]}, not after {before[0]} ({before[3]}): "
                    "list the versions of one check in date order, one per day",
                    file=doc.path,
                    line=doc.line_of(after[1]),
                    code="unordered",
                )


def read_sender_ids(path: Path) -> SenderIds:
    """Parse `sender_ids.yaml` and check it on its own (ids, date order)."""
    doc = read_yaml(path)
    data = parse_model(doc, SenderIdsFile)
    _dated_chains(doc, data)
    lines = {r.id: doc.line_of(["rules", i]) or 1 for i, r in enumerate(data.rules)}
    reg = data.registration
    for name in ("lead_times", "freezes", "eligibility"):
        lines |= {
            x.id: doc.line_of(["registration", name, i]) or 1
            for i, x in enumerate(getattr(reg, name))
        }
    return SenderIds(path=path, data=data, lines=lines)


def sender_id_problems(source: SenderIds, ruleset: RuleSet) -> list[tuple[int, str]]:
    """(line, problem) for sources, carriers, charsets and assumption values the rules lack."""
    out: list[tuple[int, str]] = []
    data = source.data
    charsets = {c.id for c in data.charsets} | {OTHER}
    for rule in data.rules:
        line = source.lines.get(rule.id, 1)
        out += [(line, f"{rule.id}: unknown source {s!r}") for s in rule.sources if s not in ruleset.sources]  # fmt: skip
        out += [(line, f"{rule.id}: unknown carrier {c!r}") for c in rule.carriers if c not in ruleset.carriers]  # fmt: skip
        out += [(line, f"{rule.id}: unknown charset {c!r} (define it in charsets)") for c in rule.test.charset if c not in charsets]  # fmt: skip
        for variant in rule.variants:
            for name, value in variant.when.items():
                assumption = ruleset.assumptions.get(name)
                if assumption is None:
                    out.append((line, f"{rule.id}: unknown assumption {name!r}"))
                elif value not in {v.id for v in assumption.values}:
                    out.append((line, f"{rule.id}: assumption {name} has no value {value!r}"))
    reg = data.registration
    cited = [(x.id, x.sources) for x in reg.lead_times]
    cited += [(x.id, x.sources) for x in reg.eligibility]
    cited += [(x.id, x.sources) for x in reg.freezes]
    for ident, sources in cited:
        line = source.lines.get(ident, 1)
        out += [(line, f"{ident}: unknown source {s!r}") for s in sources if s not in ruleset.sources]  # fmt: skip
    return out

"""Load the rule directory into one validated, cross-referenced `RuleSet`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from simulator.errors import RulesError, UsageError
from simulator.rules.schema import (
    ApiFile,
    Assumption,
    AssumptionsFile,
    Carrier,
    CarriersFile,
    Plan,
    PlansFile,
    RoutingFile,
    Rule,
    Source,
    SourcesFile,
)
from simulator.rules.yaml_source import load_model, parse_model, read_yaml

T = TypeVar("T", Source, Carrier, Plan, Assumption)

DEFAULT_RULES_DIR = (Path(__file__).parent / "shipped").resolve()
"""The shipped rules: the repository's `rules/`, installed inside the package as `shipped/`."""


@dataclass(frozen=True)
class RoutingRule:
    """A routing rule with the plan and file it came from."""

    plan: str
    rule: Rule
    file: Path
    line: int | None = None


@dataclass(frozen=True)
class RuleSet:
    """Everything in a rules directory, validated file by file."""

    directory: Path
    sources: dict[str, Source]
    carriers: dict[str, Carrier]
    plans: dict[str, Plan]
    assumptions: dict[str, Assumption]
    routing: list[RoutingRule]
    api: ApiFile
    files: dict[str, Path] = field(default_factory=dict)

    def rules_for(self, plan: str, carrier: str) -> list[Rule]:
        """The routing rules of one plan that name `carrier`, in file order."""
        return [r.rule for r in self.routing if r.plan == plan and carrier in r.rule.carriers]

    def rule_by_id(self, rule_id: str) -> RoutingRule:
        for r in self.routing:
            if r.rule.id == rule_id:
                return r
        raise KeyError(rule_id)

    def iter_rules(self) -> Iterator[RoutingRule]:
        return iter(self.routing)

    def plan_ids(self, selected: Iterable[str] | None = None) -> list[str]:
        """The selected plans (every plan when None); a UsageError names one the rules lack."""
        return _known("plan", self.plans, selected)

    def carrier_ids(self, selected: Iterable[str] | None = None) -> list[str]:
        """The selected carriers (every carrier when None); a UsageError names an unknown one."""
        return _known("carrier", self.carriers, selected)


def _known(kind: str, defined: Mapping[str, object], selected: Iterable[str] | None) -> list[str]:
    names = list(defined) if selected is None else list(selected)
    for name in names:
        if name not in defined:
            raise UsageError(f"unknown {kind} {name!r}", hint=f"choose from {', '.join(defined)}")
    return names


def rules_dir(path: str | Path | None) -> Path:
    """The rules directory to use: the given one, or the one shipped with kpsim."""
    directory = Path(path) if path is not None else DEFAULT_RULES_DIR
    if not directory.is_dir():
        raise RulesError(
            "rules directory not found", file=directory, hint="pass --rules DIR with the YAML files"
        )
    return directory


def _required(directory: Path, name: str) -> Path:
    path = directory / name
    if not path.is_file():
        raise RulesError(f"missing rule file {name}", file=directory)
    return path


def _by_id(items: list[T], path: Path, what: str) -> dict[str, T]:
    out: dict[str, T] = {}
    for item in items:
        if item.id in out:
            raise RulesError(f"duplicate {what} id {item.id!r}", file=path)
        out[item.id] = item
    return out


def load_ruleset(path: str | Path | None = None) -> RuleSet:
    """Read and validate every rule file; the first schema error is raised as a RulesError."""
    directory = rules_dir(path)
    files = {
        "sources": _required(directory, "sources.yaml"),
        "carriers": _required(directory, "carriers.yaml"),
        "plans": _required(directory, "plans.yaml"),
        "assumptions": _required(directory, "assumptions.yaml"),
        "api": _required(directory, "api.yaml"),
    }
    sources = _by_id(load_model(files["sources"], SourcesFile).sources, files["sources"], "source")
    carriers = _by_id(
        load_model(files["carriers"], CarriersFile).carriers, files["carriers"], "carrier"
    )
    plans = _by_id(load_model(files["plans"], PlansFile).plans, files["plans"], "plan")
    assumptions = _by_id(
        load_model(files["assumptions"], AssumptionsFile).assumptions,
        files["assumptions"],
        "assumption",
    )
    api = load_model(files["api"], ApiFile)
    routing: list[RoutingRule] = []
    routing_dir = directory / "routing"
    routing_files = sorted(routing_dir.glob("*.yaml")) if routing_dir.is_dir() else []
    if not routing_files:
        raise RulesError("no routing rules (routing/*.yaml)", file=directory)
    for rf in routing_files:
        doc = read_yaml(rf)
        parsed = parse_model(doc, RoutingFile)
        routing.extend(
            RoutingRule(plan=parsed.plan, rule=r, file=rf, line=doc.line_of(["rules", i]))
            for i, r in enumerate(parsed.rules)
        )
    return RuleSet(
        directory=directory,
        sources=sources,
        carriers=carriers,
        plans=plans,
        assumptions=assumptions,
        routing=routing,
        api=api,
        files=files,
    )

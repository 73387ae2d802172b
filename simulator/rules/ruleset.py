"""Load the rule directory into one validated, cross-referenced `RuleSet`, once per version.

`load_ruleset` validates sources, carriers, plans, assumptions, api and routing at once; the
other rule files (numbering, segmentation, prices, porting) are parsed the first time they are
asked for, then kept with the rule set. Both the rule set and each file are cached by path and
content, so a forecast parses each YAML file once however many layers need it.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from simulator.errors import RulesError, UsageError
from simulator.rules.numbering import NUMBERING_FILE, NumberingFile, check_numbering, read_numbering
from simulator.rules.porting import PORTING_FILE, PortingMatrix, check_porting, read_porting
from simulator.rules.prices import PRICES_FILE, PriceBook, read_rules_book
from simulator.rules.schema import (
    ApiFile,
    ApiRoles,
    Assumption,
    AssumptionsFile,
    Carrier,
    CarriersFile,
    Plan,
    PlansFile,
    PlanSubset,
    RoutingFile,
    Rule,
    Source,
    SourcesFile,
)
from simulator.rules.segmentation import SEGMENTATION_FILE, SegmentationSource, read_segmentation
from simulator.rules.sender_ids import (
    SENDER_IDS_FILE,
    Charset,
    SenderIds,
    SenderIdsFile,
    read_sender_ids,
)
from simulator.rules.yaml_source import load_model, parse_model, read_yaml

T = TypeVar("T", Source, Carrier, Plan, Assumption)
F = TypeVar("F")

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
    subsets: list[PlanSubset] = field(default_factory=list)

    @property
    def roles(self) -> ApiRoles:
        """The API roles kpsim's checks and requests are built on (`roles` in api.yaml)."""
        return self.api.roles

    @cached_property
    def numbering(self) -> NumberingFile:
        """`numbering.yaml`, checked against this rule set's sources and assumptions."""
        path = self.directory / NUMBERING_FILE
        numbering = read_rule_file(self.directory, NUMBERING_FILE, read_numbering)
        check_numbering(numbering, path, self)
        return numbering

    @cached_property
    def segmentation(self) -> SegmentationSource:
        """`segmentation.yaml`, checked on its own (cross-file problems are for the linter)."""
        return read_rule_file(self.directory, SEGMENTATION_FILE, read_segmentation)

    @cached_property
    def prices(self) -> PriceBook:
        """The shipped price book `prices.yaml` (sources and roundings are for the linter)."""
        return read_rule_file(self.directory, PRICES_FILE, read_rules_book)

    @cached_property
    def porting(self) -> PortingMatrix:
        """`porting.yaml`, checked against this rule set's carriers, sources and assumptions."""
        path = self.directory / PORTING_FILE
        porting = read_rule_file(self.directory, PORTING_FILE, read_porting)
        check_porting(path, porting, self)
        return porting

    @cached_property
    def sender_ids(self) -> SenderIds:
        """`sender_ids.yaml` (sender-ID rules, registration logistics); none when absent."""
        if not (self.directory / SENDER_IDS_FILE).is_file():
            empty = SenderIdsFile(charsets=[Charset(id="any", pattern=".*")])
            return SenderIds(path=self.directory / SENDER_IDS_FILE, data=empty)
        return read_rule_file(self.directory, SENDER_IDS_FILE, read_sender_ids)

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
            "rules directory not found",
            file=directory,
            hint="pass --rules DIR with the YAML files",
            code="missing_directory",
        )
    return directory


def _required(directory: Path, name: str) -> Path:
    path = directory / name
    if not path.is_file():
        raise RulesError(f"missing rule file {name}", file=directory, code="missing_file")
    return path


def _by_id(items: list[T], path: Path, what: str) -> dict[str, T]:
    out: dict[str, T] = {}
    for item in items:
        if item.id in out:
            raise RulesError(f"duplicate {what} id {item.id!r}", file=path, code="duplicate_id")
        out[item.id] = item
    return out


_FileKey = tuple[Path, bytes]
_FILE_CACHE: dict[tuple[Callable[[Path], object], _FileKey], object] = {}
_RULESET_CACHE: dict[tuple[_FileKey, ...], RuleSet] = {}
_LOCK = threading.Lock()


def _version(path: Path) -> _FileKey:
    """A file's identity for the caches: its path and a digest of its bytes (not its mtime,
    which can stay the same across quick rewrites)."""
    try:
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        digest = b""  # unreadable: the parser reports it
    return (path.resolve(), digest)


def read_rule_file(directory: Path, name: str, parse: Callable[[Path], F]) -> F:
    """`parse(directory / name)`, once per version of the file (a missing file is a RulesError)."""
    path = directory / name
    if not path.is_file():
        raise RulesError(f"missing rule file {name}", file=directory, code="missing_file")
    key = (parse, _version(path))
    with _LOCK:
        if key in _FILE_CACHE:
            return _FILE_CACHE[key]  # type: ignore[return-value]
    parsed = parse(path)
    with _LOCK:
        _FILE_CACHE[key] = parsed
    return parsed


def load_ruleset(path: str | Path | None = None) -> RuleSet:
    """The rule set of a directory, read and validated once per version of its files.

    The first schema error is raised as a RulesError."""
    directory = rules_dir(path)
    yaml_files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("routing/*.yaml"))
    key = tuple(_version(f) for f in yaml_files)
    with _LOCK:
        cached = _RULESET_CACHE.get(key)
    if cached is not None and cached.directory == directory:
        return cached
    ruleset = _read_ruleset(directory)
    with _LOCK:
        _RULESET_CACHE[key] = ruleset
    return ruleset


def _read_ruleset(directory: Path) -> RuleSet:
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
    plans_file = load_model(files["plans"], PlansFile)
    plans = _by_id(plans_file.plans, files["plans"], "plan")
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
        raise RulesError("no routing rules (routing/*.yaml)", file=directory, code="missing_file")
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
        subsets=list(plans_file.subsets),
    )

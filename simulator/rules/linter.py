"""`kpsim rules lint`: every problem in a rules directory, one finding per line.

`lint` runs the checks listed in `CROSS_FILE_CHECKS` and `FILE_CHECKS`, nothing registered
elsewhere; every finding carries a `FindingCode`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel

from simulator.errors import RulesError
from simulator.rules.api_request import accepted_names
from simulator.rules.assumptions import all_combinations
from simulator.rules.dating import first_match, in_force
from simulator.rules.numbering import NUMBERING_FILE
from simulator.rules.porting import PORTING_FILE
from simulator.rules.prices import PRICES_FILE, price_problems
from simulator.rules.ruleset import RoutingRule, RuleSet, load_ruleset, rules_dir
from simulator.rules.schema import (
    ApiFile,
    AssumptionsFile,
    CarriersFile,
    Outcome,
    PlansFile,
    RoutingFile,
    SourcesFile,
)
from simulator.rules.segmentation import SEGMENTATION_FILE, segmentation_problems
from simulator.rules.sender_ids import SENDER_IDS_FILE, sender_id_problems
from simulator.rules.yaml_source import load_model

FILE_MODELS: dict[str, type[BaseModel]] = {
    "sources.yaml": SourcesFile,
    "carriers.yaml": CarriersFile,
    "plans.yaml": PlansFile,
    "assumptions.yaml": AssumptionsFile,
    "api.yaml": ApiFile,
}


class FindingCode(StrEnum):
    """What kind of problem a finding is (rendered in brackets, e.g. `[gap]`)."""

    SCHEMA = "schema"
    """A file does not match its schema (YAML syntax, unknown or missing key, bad value)."""
    DUPLICATE_ID = "duplicate-id"
    """Two routing rules share an id."""
    UNKNOWN_PLAN = "unknown-plan"
    """A routing file or plan invariant names a plan plans.yaml lacks."""
    UNKNOWN_CARRIER = "unknown-carrier"
    """A routing rule names a carrier carriers.yaml lacks."""
    UNKNOWN_SOURCE = "unknown-source"
    """A rule, plan, carrier, assumption value or API entry cites a source sources.yaml lacks."""
    UNKNOWN_ASSUMPTION = "unknown-assumption"
    """A variant branches on an assumption, or a value, assumptions.yaml lacks."""
    GAP = "gap"
    """A plan × carrier has no rule on some day the plan exists."""
    OVERLAP = "overlap"
    """Two versions of a plan × carrier start the same day."""
    UNORDERED = "unordered"
    """A version is listed after a later one."""
    BEFORE_PLAN = "before-plan"
    """A rule starts before its plan exists."""
    INVARIANT = "invariant"
    """An outcome breaks route/charge/sender consistency (direct ⇔ k_premium, ...)."""
    NOT_SUBSET = "not-subset"
    """A plan invariant of plans.yaml `subsets` fails on some day under some assumptions."""
    INCOMPLETE = "incomplete"
    """A plan's flag or a role in api.yaml `roles.required_with_flag` has no accepted name."""
    NUMBERING = "numbering"
    """numbering.yaml is invalid or cites unknown sources or assumptions."""
    SEGMENTATION = "segmentation"
    """segmentation.yaml is invalid or names unknown plans, sources or assumption values."""
    CARRIER_NAME = "carrier-name"
    """One carrier-lookup name (id, name, label, alias or MCC-MNC) is claimed by two carriers."""
    PRICES = "prices"
    """prices.yaml is invalid, cites unknown sources or names a rounding kpsim lacks."""
    PORTING = "porting"
    """porting.yaml is invalid or disagrees with carriers, sources or assumptions."""
    SENDER_IDS = "sender-ids"
    """sender_ids.yaml is invalid or names unknown sources, carriers, charsets or assumptions."""
    API = "api"
    """An api.yaml endpoint or role names a role no parameter has, a price prices.yaml lacks or
    a source sources.yaml lacks."""


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    code: FindingCode
    message: str

    def render(self) -> str:
        return f"{self.file}:{self.line}: [{self.code}] {self.message}"


Code = FindingCode


def _at(rule: RoutingRule, code: FindingCode, message: str) -> Finding:
    return Finding(str(rule.file), rule.line or 1, code, message)


def _outcomes(rule: RoutingRule) -> Iterable[tuple[str, Outcome]]:
    yield "outcome", rule.rule.outcome
    for i, variant in enumerate(rule.rule.variants):
        yield f"variants[{i}]", variant.outcome


def check_references(rs: RuleSet) -> list[Finding]:
    """Unknown plans, carriers, sources and assumption values; duplicate rule ids."""
    out: list[Finding] = []
    seen: set[str] = set()
    for r in rs.routing:
        if r.rule.id in seen:
            out.append(_at(r, Code.DUPLICATE_ID, f"rule id {r.rule.id} is used twice"))
        seen.add(r.rule.id)
        if r.plan not in rs.plans:
            out.append(_at(r, Code.UNKNOWN_PLAN, f"plan {r.plan!r} is not in plans.yaml"))
        for c in r.rule.carriers:
            if c not in rs.carriers:
                out.append(
                    _at(
                        r,
                        Code.UNKNOWN_CARRIER,
                        f"{r.rule.id}: carrier {c!r} is not in carriers.yaml",
                    )
                )
        for s in r.rule.sources:
            if s not in rs.sources:
                out.append(
                    _at(r, Code.UNKNOWN_SOURCE, f"{r.rule.id}: source {s!r} is not in sources.yaml")
                )
        for i, variant in enumerate(r.rule.variants):
            for name, value in variant.when.items():
                a = rs.assumptions.get(name)
                if a is None:
                    out.append(
                        _at(
                            r,
                            Code.UNKNOWN_ASSUMPTION,
                            f"{r.rule.id}.variants[{i}]: no assumption {name!r}",
                        )
                    )
                elif value not in {v.id for v in a.values}:
                    out.append(
                        _at(
                            r,
                            Code.UNKNOWN_ASSUMPTION,
                            f"{r.rule.id}.variants[{i}]: {name} has no value {value!r}",
                        )
                    )
    files = rs.files
    cited: list[tuple[str, Iterable[str], str]] = []
    cited += [(str(files["plans"]), p.sources, f"plan {p.id}") for p in rs.plans.values()]
    cited += [(str(files["carriers"]), c.sources, f"carrier {c.id}") for c in rs.carriers.values()]
    cited += [
        (str(files["assumptions"]), v.sources, f"assumption {a.id}={v.id}")
        for a in rs.assumptions.values()
        for v in a.values
    ]
    cited += [(str(files["api"]), p.sources, f"parameter {p.name}") for p in rs.api.parameters]
    cited += [(str(files["api"]), c.sources, f"constraint {c.id}") for c in rs.api.constraints]
    cited += [(str(files["api"]), e.sources, f"endpoint {e.id}") for e in rs.api.endpoints]
    for file, sources, what in cited:
        for s in sources:
            if s not in rs.sources:
                out.append(
                    Finding(
                        file, 1, Code.UNKNOWN_SOURCE, f"{what}: source {s!r} is not in sources.yaml"
                    )
                )
    for p in rs.api.parameters:
        for v in p.variants:
            for name, value in v.when.items():
                a = rs.assumptions.get(name)
                if a is None or value not in {x.id for x in a.values}:
                    out.append(
                        Finding(
                            str(files["api"]),
                            1,
                            Code.UNKNOWN_ASSUMPTION,
                            f"parameter {p.name}: {name}={value} is not a defined assumption value",
                        )
                    )
    return out


def check_chains(rs: RuleSet) -> list[Finding]:
    """Per plan × carrier: versions in date order, no two from the same day, no gap, none before the plan."""
    out: list[Finding] = []
    for plan_id, plan in rs.plans.items():
        for carrier in rs.carriers:
            chain = [r for r in rs.routing if r.plan == plan_id and carrier in r.rule.carriers]
            if not chain:
                out.append(
                    Finding(
                        str(rs.files["plans"]),
                        1,
                        Code.GAP,
                        f"plan {plan_id} has no rule for carrier {carrier}",
                    )
                )
                continue
            for prev, cur in itertools.pairwise(chain):
                a, b = prev.rule.effective_from, cur.rule.effective_from
                if b == a:
                    out.append(
                        _at(
                            cur,
                            Code.OVERLAP,
                            f"{cur.rule.id} and {prev.rule.id} both start {b} for {plan_id}/{carrier}",
                        )
                    )
                elif b < a:
                    out.append(
                        _at(
                            cur,
                            Code.UNORDERED,
                            f"{cur.rule.id} ({b}) is listed after {prev.rule.id} ({a}) for {plan_id}/{carrier}",
                        )
                    )
            first = min(chain, key=lambda r: r.rule.effective_from)
            if first.rule.effective_from > plan.available_from:
                out.append(
                    _at(
                        first,
                        Code.GAP,
                        f"{plan_id}/{carrier} has no rule from {plan.available_from} (plan start) to {first.rule.effective_from}",
                    )
                )
            for r in chain:
                if r.rule.effective_from < plan.available_from:
                    out.append(
                        _at(
                            r,
                            Code.BEFORE_PLAN,
                            f"{r.rule.id} starts {r.rule.effective_from}, before plan {plan_id} exists ({plan.available_from})",
                        )
                    )
    return out


def outcome_problems(o: Outcome) -> list[str]:
    """Invariants every outcome obeys: direct ⇔ K-Premium charge; standard ⇒ user sender."""
    problems = []
    if (o.route == "direct") != (o.charge == "k_premium"):
        problems.append(f"route {o.route} with charge {o.charge} (direct must go with k_premium)")
    if o.route == "standard" and o.sender.kind != "user":
        problems.append(f"standard route with a {o.sender.kind} sender (must be user)")
    if o.sender.kind == "registered" and o.route != "direct":
        problems.append("registered sender without the direct route")
    return problems


def check_outcomes(rs: RuleSet) -> list[Finding]:
    return [
        _at(r, Code.INVARIANT, f"{r.rule.id}.{where}: {problem}")
        for r in rs.routing
        for where, o in _outcomes(r)
        for problem in outcome_problems(o)
    ]


def _in_force(
    rs: RuleSet, plan: str, carrier: str, on: dt.date, settings: dict[str, str]
) -> Outcome | None:
    rule = in_force(rs.rules_for(plan, carrier), on)
    if rule is None:
        return None
    variant = first_match(rule.variants, settings)
    return rule.outcome if variant is None else variant[1].outcome


def boundaries(rs: RuleSet) -> list[dt.date]:
    """Every date on which some rule, plan or parameter window starts or ends."""
    days = {r.rule.effective_from for r in rs.routing} | {
        p.available_from for p in rs.plans.values()
    }
    for p in rs.api.parameters:
        days.add(p.accepted_from)
        if p.accepted_until:
            days.add(p.accepted_until + dt.timedelta(days=1))
        for v in p.variants:
            if v.accepted_from:
                days.add(v.accepted_from)
            if v.accepted_until:
                days.add(v.accepted_until + dt.timedelta(days=1))
    return sorted(days)


def check_combinations(rs: RuleSet) -> list[Finding]:
    """Under every assumption combination: the plan invariants of plans.yaml `subsets` hold,
    and the API leaves no plan without a flag or a role of api.yaml `roles.required_with_flag`."""
    out: dict[str, Finding] = {}
    days = boundaries(rs)
    for settings in all_combinations(rs):
        label = (
            ", ".join(
                f"{k}={settings[k]}"
                for k in sorted(settings)
                if settings[k] != rs.assumptions[k].default
            )
            or "defaults"
        )
        for subset in rs.subsets:
            small, big = subset.smaller, subset.larger
            if small not in rs.plans or big not in rs.plans:
                continue
            start = max(rs.plans[small].available_from, rs.plans[big].available_from)
            for day in (d for d in days if d >= start):
                for carrier in rs.carriers:
                    s = _in_force(rs, small, carrier, day, settings)
                    b = _in_force(rs, big, carrier, day, settings)
                    if s is None or b is None or s.route != "direct":
                        continue
                    # where the smaller plan shows the registered ID, the bigger may show another (C9)
                    if b.route != "direct" or (
                        b.sender != s.sender and s.sender.kind != "registered"
                    ):
                        key = f"subset:{small}:{carrier}:{day}"
                        out.setdefault(
                            key,
                            Finding(
                                str(rs.files["plans"]),
                                1,
                                Code.NOT_SUBSET,
                                f"on {day} {small} sends {carrier} direct but {big} does not do the same ({label})",
                            ),
                        )
        for plan in rs.plans.values():
            if plan.flag_role is None:
                continue
            for day in (d for d in days if d >= plan.available_from):
                for role in (plan.flag_role, *rs.roles.required_with_flag):
                    if not accepted_names(rs, role, day, settings):
                        key = f"api:{plan.id}:{role}:{day}"
                        out.setdefault(
                            key,
                            Finding(
                                str(rs.files["api"]),
                                1,
                                Code.INCOMPLETE,
                                f"on {day} no {role} parameter is accepted for plan {plan.id} ({label})",
                            ),
                        )
    return list(out.values())


def check_plan_invariants(rs: RuleSet) -> list[Finding]:
    """The plans named by plans.yaml `subsets` exist."""
    return [
        Finding(
            str(rs.files["plans"]),
            1,
            Code.UNKNOWN_PLAN,
            f"subsets: plan {plan!r} is not in plans.yaml",
        )
        for subset in rs.subsets
        for plan in (subset.smaller, subset.larger)
        if plan not in rs.plans
    ]


def _file_error(rs: RuleSet, name: str, code: FindingCode, err: RulesError) -> Finding:
    return Finding(err.file or str(rs.directory / name), err.line or 1, code, err.message)


def check_numbering(rs: RuleSet) -> list[Finding]:
    """`numbering.yaml` loads and cites known sources and assumption values."""
    try:
        rs.numbering  # noqa: B018  (loading is the check)
    except RulesError as err:
        return [_file_error(rs, NUMBERING_FILE, Code.NUMBERING, err)]
    return []


def check_segmentation(rs: RuleSet) -> list[Finding]:
    """Schema errors, then unknown plans, sources and assumption values, and plans left uncovered."""
    try:
        source = rs.segmentation
    except RulesError as err:
        return [_file_error(rs, SEGMENTATION_FILE, Code.SEGMENTATION, err)]
    return [
        Finding(str(source.path), line, Code.SEGMENTATION, message)
        for line, message in segmentation_problems(source, rs)
    ]


def check_prices(rs: RuleSet) -> list[Finding]:
    """Schema and date-order errors, then sources and tax-rounding values."""
    try:
        book = rs.prices
    except RulesError as err:
        return [_file_error(rs, PRICES_FILE, Code.PRICES, err)]
    return [
        Finding(str(book.path), line, Code.PRICES, message)
        for line, message in price_problems(book, rs)
    ]


def check_api(rs: RuleSet) -> list[Finding]:
    """Every role an endpoint posts or `roles` names belongs to some parameter, and every
    price an endpoint or parameter adds is an item of prices.yaml."""
    file = str(rs.files["api"])
    known = {p.role for p in rs.api.parameters}
    roles = rs.roles
    named = [
        (f"endpoint {e.id}", role) for e in rs.api.endpoints for role in e.form_roles
    ] + [
        ("roles", role)
        for role in (roles.message, roles.recipient, roles.user_sender, roles.registered_sender,
                     *roles.required)
    ]  # fmt: skip
    out = [
        Finding(file, 1, Code.API, f"{what}: no parameter has role {role!r}")
        for what, role in named
        if role not in known
    ]
    try:
        items = set(rs.prices.items)
    except RulesError:
        return out  # check_prices reports it
    priced = [(f"endpoint {e.id}", e.price) for e in rs.api.endpoints] + [
        (f"parameter {p.name}", p.price) for p in rs.api.parameters
    ]
    out += [
        Finding(file, 1, Code.API, f"{what}: price {price!r} is not an item of prices.yaml")
        for what, price in priced
        if price is not None and price not in items
    ]
    return out


def check_porting(rs: RuleSet) -> list[Finding]:
    """`porting.yaml` loads and agrees with carriers, sources and assumptions (absent: nothing)."""
    if not (rs.directory / PORTING_FILE).is_file():
        return []
    try:
        rs.porting  # noqa: B018  (loading is the check)
    except RulesError as err:
        return [_file_error(rs, PORTING_FILE, Code.PORTING, err)]
    return []


def check_sender_ids(rs: RuleSet) -> list[Finding]:
    """`sender_ids.yaml` loads, in date order, and cites what the other files define (absent:
    nothing)."""
    if not (rs.directory / SENDER_IDS_FILE).is_file():
        return []
    try:
        source = rs.sender_ids
    except RulesError as err:
        return [_file_error(rs, SENDER_IDS_FILE, Code.SENDER_IDS, err)]
    return [
        Finding(str(source.path), line, Code.SENDER_IDS, message)
        for line, message in sender_id_problems(source, rs)
    ]


Check = Callable[[RuleSet], list[Finding]]

# What a carrier-lookup value loses before it is compared: simulator.numbers.carrier folds it by
# NFKC, turns the dashes and tildes typed in Japanese lists into '-' and drops invisible
# characters, then drops these; lint drops them all at once (it may only be stricter).
LOOKUP_NOISE = re.compile(
    "株式会社|[\\s.\\-!,_/()・ー‐‒–—―−〜~一⁃﹘\u200b\u200c\u200d\u2060\ufeff\u00ad]"
)
MCCMNC_3DIGIT_MNC = re.compile(r"[0-9]{3}0[0-9]{2}")


def lookup_key(name: str) -> str:
    """The key a carrier-lookup column's value is matched by (`Y!mobile` -> `ymobile`)."""
    key = LOOKUP_NOISE.sub("", unicodedata.normalize("NFKC", name).lower())
    return key[:3] + key[4:] if MCCMNC_3DIGIT_MNC.fullmatch(key) else key


def check_carrier_names(rs: RuleSet) -> list[Finding]:
    """No lookup name (after folding case, width, spaces and punctuation) names two carriers:
    `forecast` could not tell which carrier a lookup column's value means."""
    path = rs.directory / "carriers.yaml"
    lines = path.read_text(encoding="utf-8-sig").splitlines() if path.is_file() else []
    claimed: dict[str, str] = {}
    out: list[Finding] = []
    for carrier in rs.carriers.values():
        names = [carrier.id, carrier.name, *carrier.allocation_labels, *carrier.aliases]
        for name in [*names, *carrier.mccmnc]:
            key = lookup_key(name)
            owner = claimed.setdefault(key, carrier.id)
            if owner != carrier.id:
                line = next(
                    (i for i, text in enumerate(lines, 1) if f"id: {carrier.id}" in text), 1
                )
                out.append(
                    Finding(
                        str(path),
                        line,
                        Code.CARRIER_NAME,
                        f"carrier name {name!r} is claimed by both {owner} and {carrier.id}; "
                        "a carrier-lookup value must name one carrier",
                    )
                )
    return out


CROSS_FILE_CHECKS: tuple[Check, ...] = (
    check_chains,
    check_outcomes,
    check_plan_invariants,
    check_carrier_names,
)
"""Run when every reference resolves; `check_combinations` then runs if they find nothing."""

FILE_CHECKS: tuple[Check, ...] = (
    check_numbering,
    check_segmentation,
    check_prices,
    check_porting,
    check_sender_ids,
    check_api,
)
"""Checks of one file (api's against prices.yaml) that never hide the combination check: always
run."""


def lint_ruleset(rs: RuleSet) -> list[Finding]:
    """Cross-file checks on a rule set whose files each passed schema validation."""
    findings = check_references(rs)
    if findings:
        return sorted(findings)
    findings = [f for check in CROSS_FILE_CHECKS for f in check(rs)]
    if not findings:
        findings = check_combinations(rs)
    findings += [f for check in FILE_CHECKS for f in check(rs)]
    return sorted(findings)


def lint(directory: str | Path | None = None) -> list[Finding]:
    """All findings for a rules directory (schema errors first; cross-checks need valid files)."""
    try:
        path = rules_dir(directory)
    except RulesError as err:
        raise RulesError(
            err.message,
            file=err.file,
            hint="give the rules directory as the argument: kpsim rules lint DIR",
            code=err.code,
        ) from None
    try:
        rs = load_ruleset(path)
    except RulesError as err:
        return schema_findings(path) or [
            Finding(err.file or str(path), err.line or 1, Code.SCHEMA, err.message)
        ]
    return lint_ruleset(rs)


def schema_findings(path: Path) -> list[Finding]:
    """The first schema error of every rule file, so one run reports each broken file."""
    models: list[tuple[Path, type[BaseModel]]] = [
        (path / name, model) for name, model in FILE_MODELS.items() if (path / name).is_file()
    ]
    models += [(f, RoutingFile) for f in sorted((path / "routing").glob("*.yaml"))]
    out: list[Finding] = []
    for file, model in models:
        try:
            load_model(file, model)
        except RulesError as err:
            out.append(Finding(err.file or str(file), err.line or 1, Code.SCHEMA, err.message))
    return sorted(out)

"""`kpsim rules test`: rule tests as data (`rules/tests/*.yaml`), run with kpsim's own evaluator.

A case names a date, a plan and a carrier (or a number) and the assumption values it runs under,
and says what must happen: the rule version that decides, the route, the sender display, the
charge class and the price per part. A price case names a price item and a date and says its
amount and basis. Coverage lists the rule versions, variants, price periods and assumption values
no case reaches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from simulator.errors import NotApplicableError, RulesError
from simulator.pricing.book import PriceBook, load_default_price_book
from simulator.pricing.resolve import ResolvedPrices, resolve_prices, with_bands
from simulator.result.explain import explain
from simulator.rules.assumptions import resolve_settings
from simulator.rules.dating import in_force
from simulator.rules.prices import PriceBasis
from simulator.rules.reference import Decision, evaluate
from simulator.rules.ruleset import RuleSet, load_ruleset
from simulator.rules.schema import ChargeClass, Identifier, Route, SenderDisplay, Strict
from simulator.rules.sender_checks import (
    check_senders,
    eligibility_on,
    registration_notices,
)
from simulator.rules.sender_ids import Action
from simulator.rules.yaml_source import YamlDocument, parse_model, read_yaml

TESTS_DIR = "tests"
"""Where the case files live inside a rules directory."""


class SenderExpected(Strict):
    """A sender-ID rule version a value breaks, and what kpsim does about it."""

    rule: Identifier
    action: Action


SENDER_FIELDS = {"senders"}
REGISTRATION_FIELDS = {"notices", "lead_time_days", "eligibility"}


class Expected(Strict):
    """What a case must produce; only the fields given are compared."""

    rule: Identifier | None = None
    route: Route | None = None
    sender: SenderDisplay | None = None
    charge: ChargeClass | None = None
    price_per_part: Decimal | None = Field(default=None, ge=0, decimal_places=2)
    price_basis: PriceBasis | None = None
    amount: Decimal | None = Field(default=None, ge=0, decimal_places=2)
    price_range: list[Decimal] | None = Field(
        default=None,
        min_length=2,
        max_length=2,
        description="for a price case: [low, high] of the amount's band (price_ranges)",
    )
    error: str | None = Field(default=None, description="the error kind, e.g. not_applicable")
    error_says: str | None = None
    senders: list[SenderExpected] | None = Field(
        default=None, description="for a sender case: every sender-ID rule the value breaks"
    )
    notices: list[Identifier] | None = Field(
        default=None, description="for a registration case: the notice codes, in order"
    )
    lead_time_days: int | None = None
    eligibility: Identifier | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Expected:
        routing = {"rule", "route", "sender", "charge", "price_per_part", "price_basis"}
        routing |= SENDER_FIELDS | REGISTRATION_FIELDS
        if self.error is not None and self.model_fields_set & (routing | {"amount", "price_range"}):
            raise ValueError("a case that expects an error expects nothing else")
        if self.error is None and self.error_says is not None:
            raise ValueError("error_says needs error")
        if not self.model_fields_set:
            raise ValueError("expect names nothing to check")
        return self


class Case(Strict):
    """One query and its expected outcome; `date`, `assume` and `cite` may come from the group."""

    name: str | None = None
    date: dt.date | None = None
    plan: Identifier | None = None
    carrier: Identifier | None = None
    number: str | None = None
    price: Identifier | None = Field(default=None, description="a price item, for price cases")
    sender: str | None = Field(default=None, description="a `sender` value, for sender cases")
    kp_sender: str | None = Field(default=None, description="a registered sender ID value")
    registration: bool = Field(default=False, description="a registration-logistics case")
    today: dt.date | None = Field(
        default=None, description="the day of registering (registration cases; default: date)"
    )
    assume: dict[Identifier, Identifier] = Field(default_factory=dict)
    cite: str | None = None
    expect: Expected

    @model_validator(mode="after")
    def _query_kind(self) -> Case:
        given = self.expect.model_fields_set
        if self.registration:
            if self.plan or self.carrier or self.number or self.price:
                raise ValueError("a registration case names a date (and today) only")
            if given - REGISTRATION_FIELDS:
                raise ValueError(f"a registration case expects {sorted(REGISTRATION_FIELDS)}")
            return self
        if self.today is not None:
            raise ValueError("today is for registration cases")
        if self.sender is not None or self.kp_sender is not None:
            if self.plan is None or self.carrier is None or self.price or self.number:
                raise ValueError("a sender case names plan and carrier, and sender or kp_sender")
            if given != SENDER_FIELDS:
                raise ValueError("a sender case expects senders (the rules broken, maybe [])")
            return self
        if given & (SENDER_FIELDS | REGISTRATION_FIELDS):
            raise ValueError("senders needs sender or kp_sender; notices needs registration")
        if self.price is not None:
            if self.plan or self.carrier or self.number:
                raise ValueError("a price case names `price` only, no plan, carrier or number")
            extra = self.expect.model_fields_set - {"amount", "price_basis", "price_range"}
            if extra:
                raise ValueError(
                    f"a price case expects amount, price_basis and price_range, not {sorted(extra)}"
                )
            return self
        if self.plan is None or (self.carrier is None and self.number is None):
            raise ValueError("a case needs plan and carrier (or number), or price")
        if self.expect.model_fields_set & {"amount", "price_range"}:
            raise ValueError("amount and price_range are for price cases; use price_per_part")
        if self.expect.error is None and self.expect.rule is None:
            raise ValueError("expect.rule is required: name the rule version that decides")
        return self


class Group(Strict):
    """Cases that share a date, assumptions and a citation (each case may override them)."""

    name: str | None = None
    date: dt.date | None = None
    assume: dict[Identifier, Identifier] = Field(default_factory=dict)
    cite: str | None = None
    cases: list[Case] = Field(min_length=1)


class CaseFile(Strict):
    groups: list[Group] = Field(min_length=1)


@dataclass(frozen=True)
class LoadedCase:
    """A case with its group's defaults applied and where it is written."""

    file: Path
    line: int | None
    name: str
    on: dt.date
    case: Case
    assume: dict[str, str]
    cite: str | None

    @property
    def where(self) -> str:
        return f"{self.file.name}:{self.line}" if self.line is not None else self.file.name


@dataclass(frozen=True)
class CaseResult:
    case: LoadedCase
    expected: dict[str, Any]
    actual: dict[str, Any]
    mismatches: list[str]
    decision: Decision | None = None
    price_period: tuple[str, dt.date] | None = None
    reached: tuple[str, ...] = ()
    """Sender rules (`id`, or `id when ...` for a variant), registration entries and
    assumption values (`name=value`) the case reached."""

    @property
    def passed(self) -> bool:
        return not self.mismatches

    def as_dict(self) -> dict[str, Any]:
        return {
            "where": self.case.where,
            "name": self.case.name,
            "on": self.case.on.isoformat(),
            "cite": self.case.cite,
            "assume": self.case.assume,
            "passed": self.passed,
            "expected": self.expected,
            "actual": self.actual,
            "mismatches": self.mismatches,
        }


@dataclass(frozen=True)
class CoverageArea:
    """Items of one kind (rule versions, variants, ...) and which of them no case reached."""

    name: str
    items: list[str]
    missed: list[str]

    @property
    def percent(self) -> float:
        return (
            100.0
            if not self.items
            else 100.0 * (len(self.items) - len(self.missed)) / len(self.items)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": len(self.items),
            "covered": len(self.items) - len(self.missed),
            "percent": round(self.percent, 1),
            "missed": self.missed,
        }


@dataclass(frozen=True)
class RuleTestReport:
    tests_dir: Path
    files: list[Path]
    results: list[CaseResult]
    coverage: list[CoverageArea]
    outside: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def passed(self) -> bool:
        return bool(self.results) and not self.failed

    def area(self, name: str) -> CoverageArea:
        return next(a for a in self.coverage if a.name == name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "tests_dir": str(self.tests_dir),
            "files": [str(f) for f in self.files],
            "cases": len(self.results),
            "failed": len(self.failed),
            "results": [r.as_dict() for r in self.results],
            "coverage": {a.name: a.as_dict() for a in self.coverage},
            "assumptions_outside_rule_tests": self.outside,
        }


# --- reading ---------------------------------------------------------------------------------


def case_files(tests: Path) -> list[Path]:
    """The case files: `tests` itself when it is a file, else its `*.yaml` files."""
    if tests.is_file():
        return [tests]
    if not tests.is_dir():
        raise RulesError(
            "rule tests folder not found",
            file=tests,
            hint="put case files in rules/tests/*.yaml (rules/README.md)",
            code="no_tests",
        )
    return sorted(tests.glob("*.yaml"))


def _fail(doc: YamlDocument, loc: list[int | str], message: str) -> RulesError:
    return RulesError(message, file=doc.path, line=doc.line_of(loc), code="invalid_case")


def _check_refs(
    doc: YamlDocument,
    loc: list[int | str],
    case: Case,
    rs: RuleSet,
    book: PriceBook,
    assume: Mapping[str, str],
) -> None:
    """Names in a case that the rules lack are mistakes in the case file, with its line."""
    if case.plan is not None and case.plan not in rs.plans:
        raise _fail(
            doc, [*loc, "plan"], f"unknown plan {case.plan!r} (rules have {', '.join(rs.plans)})"
        )
    if case.carrier is not None and case.carrier not in rs.carriers:
        raise _fail(
            doc,
            [*loc, "carrier"],
            f"unknown carrier {case.carrier!r} (rules have {', '.join(rs.carriers)})",
        )
    if case.price is not None and case.price not in book.items:
        raise _fail(
            doc,
            [*loc, "price"],
            f"unknown price {case.price!r} (prices.yaml has {', '.join(book.items)})",
        )
    sender_rules = {r.id for r in rs.sender_ids.data.rules}
    for i, expected in enumerate(case.expect.senders or []):
        if expected.rule not in sender_rules:
            raise _fail(
                doc, [*loc, "expect", "senders", i], f"no sender rule has id {expected.rule!r}"
            )
    rule = case.expect.rule
    if rule is not None and rule not in {r.rule.id for r in rs.routing}:
        raise _fail(doc, [*loc, "expect", "rule"], f"no rule version has id {rule!r}")
    for name, value in assume.items():
        assumption = rs.assumptions.get(name)
        if assumption is None:
            raise _fail(doc, [*loc, "assume"], f"unknown assumption {name!r}")
        if value not in {v.id for v in assumption.values}:
            raise _fail(
                doc,
                [*loc, "assume"],
                f"assumption {name} has no value {value!r} "
                f"(choose from {', '.join(v.id for v in assumption.values)})",
            )
    if case.expect.error is not None and case.expect.error not in ERROR_KINDS:
        raise _fail(
            doc, [*loc, "expect", "error"],
            f"error kind {case.expect.error!r} is not one of {', '.join(ERROR_KINDS)}",
        )  # fmt: skip


ERROR_KINDS = (NotApplicableError.kind,)
"""The error kinds a case may expect: a valid question with no answer."""


def load_cases(files: list[Path], rs: RuleSet, book: PriceBook) -> list[LoadedCase]:
    """Every case of every file, strictly validated; a mistake is a RulesError at its line."""
    out: list[LoadedCase] = []
    for path in files:
        doc = read_yaml(path)
        parsed = parse_model(doc, CaseFile)
        for g, group in enumerate(parsed.groups):
            for c, case in enumerate(group.cases):
                loc: list[int | str] = ["groups", g, "cases", c]
                on = case.date or group.date
                if on is None:
                    raise _fail(doc, loc, "the case has no date: give `date` in the case or group")
                assume = {**group.assume, **case.assume}
                _check_refs(doc, loc, case, rs, book, assume)
                name = case.name or " ".join(
                    str(p)
                    for p in (
                        case.price, case.plan, case.carrier, case.number, case.sender,
                        case.kp_sender, "registration" if case.registration else None,
                    )
                    if p
                )  # fmt: skip
                prefix = f"{group.name}: " if group.name else ""
                out.append(
                    LoadedCase(
                        file=path,
                        line=doc.line_of(loc),
                        name=prefix + name,
                        on=on,
                        case=case,
                        assume=assume,
                        cite=case.cite or group.cite,
                    )
                )
    return out


# --- running ---------------------------------------------------------------------------------


def _jpy(sen: int | None) -> Decimal | None:
    return None if sen is None else Decimal(sen) / 100


def _compare(expected: Expected, actual: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    want: dict[str, Any] = {}
    for key in sorted(expected.model_fields_set):
        value = getattr(expected, key)
        if isinstance(value, SenderDisplay):
            value = value.model_dump()
        elif key == "senders":
            value = sorted((s.model_dump() for s in value), key=lambda s: s["rule"])
        want[key] = value
    mismatches = [
        f"{key}: expected {want[key]!r}, got {actual.get(key)!r}"
        for key in want
        if actual.get(key) != want[key]
    ]
    return want, mismatches


def _price_period(book: PriceBook, name: str, on: dt.date) -> tuple[str, dt.date] | None:
    item = book.items.get(name)
    if item is None:
        return None
    starts = [p.effective_from for p in item.periods if p.effective_from <= on]
    return (name, max(starts)) if starts else None


def _prices_on(book: PriceBook, day: dt.date) -> ResolvedPrices | None:
    """The prices on `day`, or None on a day the price book cannot price (no tax rate yet)."""
    try:
        return resolve_prices(book, day)
    except NotApplicableError:
        return None


def run_case(
    rs: RuleSet, book: PriceBook, loaded: LoadedCase, prices: Mapping[dt.date, ResolvedPrices]
) -> CaseResult:
    """Evaluate one case as `kpsim explain` would, and compare what the case expects."""
    case, day = loaded.case, loaded.on
    settings = resolve_settings(rs, loaded.assume)
    resolved = prices.get(day) or _prices_on(book, day)
    actual: dict[str, Any] = {}
    decision: Decision | None = None
    period: tuple[str, dt.date] | None = None
    if case.registration or case.sender is not None or case.kp_sender is not None:
        actual, reached = _logistics(rs, loaded, settings)
        expected, mismatches = _compare(case.expect, actual)
        return CaseResult(loaded, expected, actual, mismatches, reached=reached)
    band_reached: tuple[str, ...] = ()
    if case.price is not None:
        if resolved is None:
            actual = {"amount": None, "price_basis": None, "price_range": None}
        else:
            price = with_bands(resolved.prices, book.data.price_ranges, settings)[case.price]
            band = price.band_sen
            actual = {
                "amount": _jpy(price.unit_sen),
                "price_basis": price.basis,
                "price_range": None if band is None else [_jpy(band[0]), _jpy(band[1])],
            }
            if "price_range" in case.expect.model_fields_set and price.band_assumption:
                band_reached = ("=".join(price.band_assumption),)
        period = _price_period(book, case.price, day)
    else:
        plan = case.plan or ""
        try:
            if case.number is not None:
                _, decision = explain(
                    rs, case.number, plan=plan, day=day, carrier=case.carrier,
                    settings=settings, kp_sender=None, sender=None,
                )  # fmt: skip
            else:
                decision = evaluate(rs, plan, case.carrier or "", day, settings)
        except NotApplicableError as err:
            actual = {"error": err.kind, "error_says": err.render()}
        if decision is not None:
            charge = decision.outcome.charge
            unit = resolved.prices.get(charge) if resolved is not None else None
            actual = {
                "rule": decision.rule.id,
                "route": decision.outcome.route,
                "sender": decision.outcome.sender.model_dump(),
                "charge": charge,
                "price_per_part": _jpy(unit.unit_sen) if unit is not None else None,
                "price_basis": unit.basis if unit is not None else None,
            }
            if case.expect.model_fields_set & {"price_per_part", "price_basis"}:
                period = _price_period(book, charge, day)
    expected, mismatches = _compare(case.expect, actual)
    if "error_says" in expected and "error_says" in actual:
        # the expected words need only appear in the message
        mismatches = [m for m in mismatches if not m.startswith("error_says:")]
        if str(expected["error_says"]) not in str(actual["error_says"]):
            mismatches.append(
                f"error_says: expected the message to contain {expected['error_says']!r}, "
                f"got {actual['error_says']!r}"
            )
    return CaseResult(loaded, expected, actual, mismatches, decision, period, band_reached)


def _logistics(
    rs: RuleSet, loaded: LoadedCase, settings: Mapping[str, str]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A sender case (the rules a value breaks) or a registration case (notices, lead time,
    eligibility), and the entries it reached for coverage."""
    case, day, ids = loaded.case, loaded.on, rs.sender_ids
    if case.registration:
        today = case.today or day
        notices = registration_notices(ids, day, today)
        lead = in_force(ids.data.registration.lead_times, today)
        who = eligibility_on(ids, day)
        reached = [
            f.id for f in ids.data.registration.freezes if f.effective_from <= day <= f.until
        ]
        reached += [x.id for x in (lead, who) if x is not None]
        actual = {
            "notices": [n.code for n in notices],
            "lead_time_days": None if lead is None else lead.days,
            "eligibility": None if who is None else who.who,
        }
        return actual, tuple(reached)
    plan, carrier = case.plan or "", case.carrier or ""
    decision = evaluate(rs, plan, carrier, day, settings)
    found = check_senders(
        ids, day, settings,
        values={"user_sender": case.sender, "registered_sender": case.kp_sender},
        shown=[(plan, carrier, decision.outcome.sender.kind)],
        flagged=[plan] if rs.plans[plan].flag_role is not None else [],
    )  # fmt: skip
    senders = sorted(
        ({"rule": f.version.rule.id, "action": f.action} for f in found), key=lambda s: s["rule"]
    )
    reached = [
        f.version.rule.id
        if f.version.variant is None
        else variant_label(f.version.rule.id, f.version.rule.variants[f.version.variant].when)
        for f in found
    ]
    reached += [f"{k}={v}" for f in found for k, v in f.version.assumptions_used.items()]
    return {"senders": senders}, tuple(reached)


# --- coverage --------------------------------------------------------------------------------


def variant_label(rule_id: str, when: Mapping[str, str]) -> str:
    return f"{rule_id} when " + ", ".join(f"{k}={v}" for k, v in when.items())


def coverage(
    rs: RuleSet, book: PriceBook, results: list[CaseResult]
) -> tuple[list[CoverageArea], list[str]]:
    """Rule versions (default outcome), variants, price periods and assumption values reached."""
    decisions = [r.decision for r in results if r.decision is not None]
    versions = [r.rule.id for r in rs.routing]
    hit_versions = {d.rule.id for d in decisions if d.variant_index is None}
    variants = [
        (r.rule.id, i, variant_label(r.rule.id, v.when))
        for r in rs.routing
        for i, v in enumerate(r.rule.variants)
    ]
    hit_variants = {(d.rule.id, d.variant_index) for d in decisions}
    periods = [(item.name, p.effective_from) for item in book.data.items for p in item.periods]
    hit_periods = {r.price_period for r in results if r.price_period is not None}
    routed = {name for r in rs.routing for v in r.rule.variants for name in v.when}
    values = [(a.id, v.id) for a in rs.assumptions.values() if a.id in routed for v in a.values]
    hit_values = {(k, v) for d in decisions for k, v in d.assumptions_used.items()}
    ids = rs.sender_ids.data
    reached = {item for r in results for item in r.reached}
    sender_items = [r.id for r in ids.rules]
    sender_items += [variant_label(r.id, v.when) for r in ids.rules for v in r.variants]
    reg = ids.registration
    reg_items = [x.id for x in reg.lead_times] + [x.id for x in reg.freezes]
    reg_items += [x.id for x in reg.eligibility]
    sender_named = {name for r in ids.rules for v in r.variants for name in v.when}
    values += [
        (a.id, v.id)
        for a in rs.assumptions.values()
        if a.id in sender_named - routed
        for v in a.values
    ]
    hit_values |= {
        (k, v)
        for item in reached
        if "=" in item and " " not in item
        for k, v in [item.split("=", 1)]
    }
    routed |= sender_named
    banded = {r.assumption for r in book.data.price_ranges} - routed
    values += [(a.id, v.id) for a in rs.assumptions.values() if a.id in banded for v in a.values]
    routed |= banded
    outside = sorted(a.id for a in rs.assumptions.values() if a.modelled and a.id not in routed)
    areas = [
        CoverageArea("rule_versions", versions, [v for v in versions if v not in hit_versions]),
        CoverageArea(
            "variants",
            [label for _, _, label in variants],
            [label for rid, i, label in variants if (rid, i) not in hit_variants],
        ),
        CoverageArea(
            "price_periods",
            [f"{n} from {d.isoformat()}" for n, d in periods],
            [f"{n} from {d.isoformat()}" for n, d in periods if (n, d) not in hit_periods],
        ),
        CoverageArea("sender_rules", sender_items, [i for i in sender_items if i not in reached]),
        CoverageArea("registration", reg_items, [i for i in reg_items if i not in reached]),
        CoverageArea(
            "assumption_values",
            [f"{a}={v}" for a, v in values],
            [f"{a}={v}" for a, v in values if (a, v) not in hit_values],
        ),
    ]
    return areas, outside


def run_rule_tests(
    rules: str | Path | None = None, tests: str | Path | None = None
) -> RuleTestReport:
    """Load the rules and their cases (default: `<rules>/tests/`), run every case, measure coverage."""
    rs = load_ruleset(rules)
    book = load_default_price_book(rs.directory)
    tests_dir = Path(tests) if tests is not None else rs.directory / TESTS_DIR
    files = case_files(tests_dir)
    cases = load_cases(files, rs, book)
    prices = {day: p for day in {c.on for c in cases} if (p := _prices_on(book, day)) is not None}
    results = [run_case(rs, book, c, prices) for c in cases]
    areas, outside = coverage(rs, book, results)
    return RuleTestReport(tests_dir, files, results, areas, outside)

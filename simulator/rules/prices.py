"""`rules/prices.yaml` and user price books: dated, sourced JPY amounts and consumption-tax rates."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from pydantic import Field, model_validator

from simulator.errors import RulesError
from simulator.rules.schema import ChargeClass, Identifier, Strict
from simulator.rules.yaml_source import YamlDocument, describe_location, parse_model, read_yaml

if TYPE_CHECKING:
    from simulator.rules.ruleset import RuleSet

PRICES_FILE = "prices.yaml"
MAX_AMOUNT_JPY = Decimal(10) ** 12
"""Sanity bound that keeps every amount, in sen, far inside Int64."""

PriceBasis = Literal["exact", "upper_bound", "assumed_unchanged", "unknown", "user"]
ChargedPer = Literal["message_part", "sender_id_per_30_days", "message", "lookup"]
TaxBasis = Literal["sourced", "general_knowledge", "user"]
Origin = Literal["rules", "user"]
TaxRounding = Literal["floor", "ceil", "half_up"]
TAX_ROUNDINGS: tuple[str, ...] = get_args(TaxRounding)
"""The roundings of the consumption tax kpsim implements (values of the tax-rounding assumption)."""


class PricePeriod(Strict):
    """One amount from `effective_from` until the item's next period (no amount when unknown)."""

    effective_from: dt.date
    amount: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT_JPY, decimal_places=2)
    basis: PriceBasis | None = None
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _amount_matches_basis(self) -> PricePeriod:
        if self.basis == "unknown" and self.amount is not None:
            raise ValueError("a price with basis unknown has no amount")
        if self.basis != "unknown" and self.amount is None:
            raise ValueError("amount is missing (give JPY excluding tax, or basis: unknown)")
        return self

    @property
    def unit_sen(self) -> int | None:
        """The amount in sen (1/100 JPY), exact."""
        return None if self.amount is None else int(self.amount * 100)


class PriceItem(Strict):
    """A named price (a charge class or a fixed fee) and its periods in date order."""

    name: Identifier
    charged_per: ChargedPer | None = None
    periods: list[PricePeriod] = Field(min_length=1)


class TaxRate(Strict):
    """The consumption-tax rate from `effective_from` on."""

    effective_from: dt.date
    percent: int = Field(ge=0, le=100)
    basis: TaxBasis | None = None
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class PriceBand(Strict):
    """The range of an amount under one assumption value: each end is the amount times a
    factor, or the amount of another price item on the same day (`low_item`)."""

    low_factor: Decimal | None = Field(default=None, ge=0, le=1)
    low_item: Identifier | None = None
    high_factor: Decimal = Field(default=Decimal(1), ge=1, le=10)

    @model_validator(mode="after")
    def _one_low_end(self) -> PriceBand:
        if (self.low_factor is None) == (self.low_item is None):
            raise ValueError("give exactly one of low_factor and low_item")
        return self


class PriceRange(Strict):
    """How far a price of `basis` may lie from its amount: the band each value of the
    assumption `assumption` gives (`price_ranges` of prices.yaml)."""

    basis: Literal["upper_bound", "assumed_unchanged"]
    assumption: Identifier
    values: dict[Identifier, PriceBand] = Field(min_length=1)


class PriceBookFile(Strict):
    currency: Literal["JPY"] = "JPY"
    credit_jpy: Decimal | None = Field(default=None, gt=0, decimal_places=2)
    tax_included: Literal[False] = False
    tax_rounding_assumption: Identifier | None = None
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None
    items: list[PriceItem] = Field(default_factory=list)
    tax_rates: list[TaxRate] = Field(default_factory=list)
    price_ranges: list[PriceRange] = Field(default_factory=list)
    """The band around each price that is not exact; a basis without one has no band."""


@dataclass(frozen=True)
class PriceBook:
    """A validated price book with where it came from (for errors and the `user` basis)."""

    path: Path
    origin: Origin
    data: PriceBookFile
    lines: dict[str, int]

    @property
    def items(self) -> dict[str, PriceItem]:
        return {item.name: item for item in self.data.items}

    @property
    def tax_rates(self) -> list[TaxRate]:
        return list(self.data.tax_rates)

    def line_of(self, name: str) -> int | None:
        """Line of the item `name` in the file."""
        return self.lines.get(name)


def _fail(
    doc: YamlDocument,
    loc: list[int | str],
    message: str,
    hint: str | None = None,
    code: str = "invalid_value",
) -> None:
    raise RulesError(message, file=doc.path, line=doc.line_of(loc), hint=hint, code=code)


def _check_dates(doc: YamlDocument, where: list[int | str], dates: list[dt.date]) -> None:
    for j, (prev, cur) in enumerate(itertools.pairwise(dates), start=1):
        if cur <= prev:
            relation = "the same day as" if cur == prev else "before"
            _fail(
                doc,
                [*where, j, "effective_from"],
                f"{describe_location([*where, j])}: effective_from {cur} is {relation} the "
                f"previous period ({prev})",
                hint="list periods in date order, one per day",
                code="dates_out_of_order",
            )


def _check_rules_book(doc: YamlDocument, data: PriceBookFile) -> None:
    """A rules price book: basis and sources everywhere, every charge class, tax rates given."""
    for i, item in enumerate(data.items):
        if item.charged_per is None:
            _fail(
                doc,
                ["items", i],
                f"items[{i}] ({item.name}): charged_per is missing",
                code="missing_key",
            )
        for j, period in enumerate(item.periods):
            loc: list[int | str] = ["items", i, "periods", j]
            if period.basis is None or period.basis == "user":
                _fail(
                    doc,
                    loc,
                    f"items[{i}].periods[{j}] ({item.name}): basis must be one of "
                    "exact, upper_bound, assumed_unchanged, unknown",
                )
            if not period.sources:
                _fail(
                    doc,
                    loc,
                    f"items[{i}].periods[{j}] ({item.name}): sources are missing",
                    code="missing_sources",
                )
    names = {item.name: item for item in data.items}
    for charge_class in get_args(ChargeClass):
        found = names.get(charge_class)
        if found is None or found.charged_per != "message_part":
            _fail(
                doc,
                ["items"],
                f"no per-part price for charge class {charge_class!r}",
                hint="add an item with charged_per: message_part",
            )
    if not data.tax_rates:
        _fail(doc, [], "tax_rates are missing", code="missing_key")
    if data.tax_rounding_assumption is None:
        _fail(
            doc,
            [],
            "tax_rounding_assumption is missing",
            hint="name the assumption that chooses how the tax is rounded",
            code="missing_key",
        )
    for k, rate in enumerate(data.tax_rates):
        loc = ["tax_rates", k]
        if rate.basis is None or rate.basis == "user":
            _fail(doc, loc, f"tax_rates[{k}]: basis must be sourced or general_knowledge")
        if rate.basis == "sourced" and not rate.sources:
            _fail(doc, loc, f"tax_rates[{k}]: a sourced rate needs sources", code="missing_sources")
        if rate.basis == "general_knowledge" and not rate.note:
            _fail(
                doc, loc, f"tax_rates[{k}]: say where a general-knowledge rate comes from in note"
            )


def _check_user_book(doc: YamlDocument, data: PriceBookFile) -> None:
    """A user price book: amounts only (basis user or none)."""
    for i, item in enumerate(data.items):
        for j, period in enumerate(item.periods):
            if period.basis not in (None, "user"):
                _fail(
                    doc,
                    ["items", i, "periods", j, "basis"],
                    f"items[{i}].periods[{j}] ({item.name}): a user price book gives amounts "
                    f"only, not basis {period.basis}",
                    hint="leave basis out (it is `user`)",
                )
    for k, rate in enumerate(data.tax_rates):
        if rate.basis not in (None, "user"):
            _fail(doc, ["tax_rates", k, "basis"], f"tax_rates[{k}]: leave basis out in a user book")


def _check(doc: YamlDocument, data: PriceBookFile, origin: Origin) -> None:
    seen: set[str] = set()
    for i, item in enumerate(data.items):
        if item.name in seen:
            _fail(
                doc,
                ["items", i, "name"],
                f"items[{i}]: price {item.name!r} is listed twice",
                code="duplicate_id",
            )
        seen.add(item.name)
        _check_dates(doc, ["items", i, "periods"], [p.effective_from for p in item.periods])
    _check_dates(doc, ["tax_rates"], [r.effective_from for r in data.tax_rates])
    if origin == "rules":
        _check_rules_book(doc, data)
    else:
        _check_user_book(doc, data)


def read_price_book(path: Path, origin: Origin) -> PriceBook:
    """Parse and check a price book (`origin` rules: the shipped book, with bases and sources)."""
    doc = read_yaml(path)
    data = parse_model(doc, PriceBookFile)
    _check(doc, data, origin)
    lines = {item.name: doc.line_of(["items", i]) or 1 for i, item in enumerate(data.items)}
    return PriceBook(path=path, origin=origin, data=data, lines=lines)


def price_problems(book: PriceBook, ruleset: RuleSet) -> list[tuple[int, str]]:
    """(line, problem) for unknown sources and tax-rounding values kpsim does not implement."""
    out: list[tuple[int, str]] = []
    out += [
        (1, f"source {s!r} is not in sources.yaml")
        for s in book.data.sources
        if s not in ruleset.sources
    ]
    for item in book.data.items:
        line = book.line_of(item.name) or 1
        for period in item.periods:
            out += [
                (
                    line,
                    f"{item.name} from {period.effective_from}: source {s!r} is not in sources.yaml",
                )
                for s in period.sources
                if s not in ruleset.sources
            ]
    out += _range_problems(book, ruleset)
    for rate in book.data.tax_rates:
        out += [
            (1, f"tax rate from {rate.effective_from}: source {s!r} is not in sources.yaml")
            for s in rate.sources
            if s not in ruleset.sources
        ]
    name = book.data.tax_rounding_assumption
    rounding = ruleset.assumptions.get(name) if name is not None else None
    if rounding is None:
        out.append((1, f"assumption {name} is not in assumptions.yaml"))
    else:
        out += [
            (1, f"assumption {name} value {v.id!r} is not a rounding kpsim implements")
            for v in rounding.values
            if v.id not in TAX_ROUNDINGS
        ]
    return out


def _range_problems(book: PriceBook, ruleset: RuleSet) -> list[tuple[int, str]]:
    """Price ranges must name a known assumption, give a band for each of its values exactly,
    and take a low end only from a known item; one range per basis."""
    out: list[tuple[int, str]] = []
    bases = [r.basis for r in book.data.price_ranges]
    out += [
        (1, f"price_ranges: basis {b} is given twice")
        for b in sorted(set(bases))
        if bases.count(b) > 1
    ]
    for r in book.data.price_ranges:
        assumption = ruleset.assumptions.get(r.assumption)
        if assumption is None:
            out.append(
                (
                    1,
                    f"price_ranges ({r.basis}): assumption {r.assumption} is not in assumptions.yaml",
                )
            )
            continue
        values = {v.id for v in assumption.values}
        if set(r.values) != values:
            out.append(
                (
                    1,
                    f"price_ranges ({r.basis}): the bands must be exactly the values of {r.assumption}: {', '.join(sorted(values))}",
                )
            )
        out += [
            (1, f"price_ranges ({r.basis}) {value}: low_item {band.low_item!r} is not a price item")
            for value, band in r.values.items()
            if band.low_item is not None and band.low_item not in book.items
        ]
    return out


def read_rules_book(path: Path) -> PriceBook:
    """The shipped price book (`prices.yaml` of a rules directory)."""
    return read_price_book(path, "rules")

"""`kpsim rules lint` checks for `prices.yaml` (registered with the rules linter on import)."""

from __future__ import annotations

from pathlib import Path

from simulator.errors import RulesError
from simulator.pricing.book import PRICES_FILE, PriceBook, load_default_price_book
from simulator.pricing.tax import ROUNDING_MODES, TAX_ROUNDING
from simulator.rules.linter import EXTRA_CHECKS, Finding
from simulator.rules.ruleset import RuleSet


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
    for rate in book.data.tax_rates:
        out += [
            (1, f"tax rate from {rate.effective_from}: source {s!r} is not in sources.yaml")
            for s in rate.sources
            if s not in ruleset.sources
        ]
    rounding = ruleset.assumptions.get(TAX_ROUNDING)
    if rounding is None:
        out.append((1, f"assumption {TAX_ROUNDING} is not in assumptions.yaml"))
    else:
        out += [
            (1, f"assumption {TAX_ROUNDING} value {v.id!r} is not a rounding kpsim implements")
            for v in rounding.values
            if v.id not in ROUNDING_MODES
        ]
    return out


def check_prices(directory: Path, ruleset: RuleSet) -> list[Finding]:
    """Schema and date-order errors, then sources and tax-rounding values."""
    path = directory / PRICES_FILE
    try:
        book = load_default_price_book(directory)
    except RulesError as err:
        return [Finding(err.file or str(path), err.line or 1, "prices", err.message)]
    return [
        Finding(str(path), line, "prices", message)
        for line, message in price_problems(book, ruleset)
    ]


if check_prices not in EXTRA_CHECKS:
    EXTRA_CHECKS.append(check_prices)

"""Price books: the shipped one from the rule set, or a user file given with --price-book."""

from __future__ import annotations

from pathlib import Path

from simulator.errors import InputError, RulesError
from simulator.rules.prices import (
    PRICES_FILE,
    PriceBand,
    PriceBook,
    PriceBookFile,
    PriceItem,
    PricePeriod,
    PriceRange,
    TaxRate,
    read_price_book,
    read_rules_book,
)
from simulator.rules.ruleset import read_rule_file
from simulator.rules.ruleset import rules_dir as resolve_rules_dir

__all__ = [
    "PRICES_FILE",
    "PriceBand",
    "PriceBook",
    "PriceBookFile",
    "PriceItem",
    "PricePeriod",
    "PriceRange",
    "TaxRate",
    "load_default_price_book",
    "load_price_book",
]


def load_price_book(path: Path) -> PriceBook:
    """A user price book (--price-book FILE): same layout, amounts get basis `user`."""
    try:
        return read_price_book(Path(path), "user")
    except RulesError as err:
        raise InputError(
            err.message, file=err.file, line=err.line, hint=err.hint, code=err.code
        ) from None


def load_default_price_book(rules_dir: Path | None = None) -> PriceBook:
    """The price book shipped in the rules directory (`prices.yaml`), parsed once per version."""
    return read_rule_file(resolve_rules_dir(rules_dir), PRICES_FILE, read_rules_book)

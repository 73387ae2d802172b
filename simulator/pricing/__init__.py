"""Dated price books (rules/prices.yaml, --price-book, --price) and consumption tax."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.lazy import exports

if TYPE_CHECKING:
    from simulator.pricing.book import PriceBook, load_default_price_book, load_price_book
    from simulator.pricing.resolve import (
        UNIT_PRICE_SCHEMA,
        ResolvedPrice,
        ResolvedPrices,
        parse_amount_sen,
        resolve_prices,
    )
    from simulator.pricing.tax import tax_incl_sen

__all__ = [
    "UNIT_PRICE_SCHEMA",
    "PriceBook",
    "ResolvedPrice",
    "ResolvedPrices",
    "load_default_price_book",
    "load_price_book",
    "parse_amount_sen",
    "resolve_prices",
    "tax_incl_sen",
]

__getattr__ = exports(
    __name__,
    {
        "PriceBook": "book",
        "load_default_price_book": "book",
        "load_price_book": "book",
        "UNIT_PRICE_SCHEMA": "resolve",
        "ResolvedPrice": "resolve",
        "ResolvedPrices": "resolve",
        "parse_amount_sen": "resolve",
        "resolve_prices": "resolve",
        "tax_incl_sen": "tax",
    },
)

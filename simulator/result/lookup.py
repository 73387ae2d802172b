"""`CarrierLookupOption`: what looking the carriers up first (Carrier Lookup API) would cost.

A list without a carrier column is priced by each number's original allocation, which number
portability makes uncertain; the Carrier Lookup API (rules/api.yaml, price in prices.yaml) is
the usual source of a carrier column, at a price per number looked up.
"""

from __future__ import annotations

from collections.abc import Mapping

from simulator.numbers.reasons import ALLOCATION
from simulator.pricing.money import sen_to_jpy
from simulator.pricing.resolve import ResolvedPrices
from simulator.pricing.tax import tax_incl_sen
from simulator.result.document import Model, Yen
from simulator.rules.ruleset import RuleSet


class CarrierLookupOption(Model):
    """Looking up first the numbers whose carrier comes from their allocation: how many, the
    price per lookup (charged also when the carrier is unknown) and the total."""

    numbers: int
    """Rows whose carrier comes from the number's allocation (a duplicate counts again)."""
    price_per_lookup_jpy_excl_tax: Yen | None
    price_basis: str
    cost_jpy_excl_tax: Yen | None
    cost_jpy_incl_tax: Yen | None
    method: str
    url: str
    says: str
    sources: list[str]


def carrier_lookup_option(
    rs: RuleSet,
    prices: ResolvedPrices,
    settings: Mapping[str, str],
    by_carrier_source: Mapping[str, int],
) -> CarrierLookupOption | None:
    """The lookup option on the forecast's date, or None when the rules define no priced
    lookup endpoint or no number needs one."""
    endpoint = rs.api.endpoint("carrier_lookup")
    numbers = by_carrier_source.get(ALLOCATION, 0)
    if endpoint is None or endpoint.price is None or endpoint.price not in prices or not numbers:
        return None
    price = prices[endpoint.price]
    total = None if price.unit_sen is None else price.unit_sen * numbers
    return CarrierLookupOption(
        numbers=numbers,
        price_per_lookup_jpy_excl_tax=sen_to_jpy(price.unit_sen),
        price_basis=price.basis,
        cost_jpy_excl_tax=sen_to_jpy(total),
        cost_jpy_incl_tax=None
        if total is None
        else sen_to_jpy(tax_incl_sen(total, prices, settings)),
        method=endpoint.method,
        url=endpoint.url,
        says=" ".join(endpoint.says.split()),
        sources=sorted({*endpoint.sources, *price.sources}),
    )

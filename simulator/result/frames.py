"""Polars frames of a `Forecast` for notebooks: the plan comparison and the per-carrier table.

Money is exact: integer sen (1/100 JPY) in `Int64` columns named `*_sen`, excluding tax unless
the name says `incl_tax`; null where a price is unknown or the plan cannot send."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from simulator.result.forecast import Forecast

COMPARISON_SCHEMA: dict[str, type[pl.DataType]] = {
    "plan": pl.String,
    "sendable": pl.Boolean,
    "recipients": pl.Int64,
    "parts": pl.Int64,
    "cost_excl_tax_sen": pl.Int64,
    "cost_incl_tax_sen": pl.Int64,
    "cost_per_recipient_excl_tax_sen": pl.Int64,
    "fixed_fees_sen": pl.Int64,
    "total_excl_tax_sen": pl.Int64,
    "total_incl_tax_sen": pl.Int64,
    "interval_95_low_excl_tax_sen": pl.Int64,
    "interval_95_high_excl_tax_sen": pl.Int64,
    "price_basis": pl.String,
    "carrier_dependent": pl.Boolean,
    "not_priced": pl.Int64,
    "reason": pl.String,
}
"""One row per plan in the forecast's order."""

BY_CARRIER_SCHEMA: dict[str, type[pl.DataType]] = {
    "plan": pl.String,
    "carrier": pl.String,
    "recipients": pl.Int64,
    "parts": pl.Int64,
    "route": pl.String,
    "sender_kind": pl.String,
    "sender_shown": pl.String,
    "charge_class": pl.String,
    "cost_excl_tax_sen": pl.Int64,
    "rule_id": pl.String,
}
"""One row per sendable plan × serving carrier, in the rules' order."""


def to_sen(amount: Decimal | None) -> int | None:
    """An exact JPY amount as integer sen (a fraction of a sen would be a kpsim bug)."""
    if amount is None:
        return None
    sen = amount * 100
    if sen != sen.to_integral_value():
        raise ValueError(f"{amount} JPY is not a whole number of sen")
    return int(sen)


def comparison_frame(forecast: Forecast) -> pl.DataFrame:
    """Plan × metric: recipients, parts, costs, fees, totals and the 95% range, in sen."""
    rows = []
    for name, p in forecast.plans.items():
        low, high = p.interval_95_jpy_excl_tax or (None, None)
        rows.append(
            {
                "plan": name,
                "sendable": p.sendable,
                "recipients": p.recipients,
                "parts": p.parts,
                "cost_excl_tax_sen": to_sen(p.cost_jpy_excl_tax),
                "cost_incl_tax_sen": to_sen(p.cost_jpy_incl_tax),
                "cost_per_recipient_excl_tax_sen": to_sen(p.cost_per_recipient_jpy_excl_tax),
                "fixed_fees_sen": to_sen(p.fixed_fees_jpy),
                "total_excl_tax_sen": to_sen(p.total_jpy_excl_tax),
                "total_incl_tax_sen": to_sen(p.total_jpy_incl_tax),
                "interval_95_low_excl_tax_sen": to_sen(low),
                "interval_95_high_excl_tax_sen": to_sen(high),
                "price_basis": p.price_basis,
                "carrier_dependent": p.carrier_dependent,
                "not_priced": sum(p.not_priced.values()),
                "reason": p.reason,
            }
        )
    return pl.DataFrame(rows, schema=COMPARISON_SCHEMA, orient="row")


def by_carrier_frame(forecast: Forecast) -> pl.DataFrame:
    """Plan × carrier: recipients, parts, route, sender, charge class, cost (sen) and rule."""
    rows = [
        {
            "plan": plan,
            "carrier": carrier,
            "recipients": c.recipients,
            "parts": c.parts,
            "route": c.route,
            "sender_kind": c.sender_display.kind,
            "sender_shown": c.sender_display.shown,
            "charge_class": c.charge_class,
            "cost_excl_tax_sen": to_sen(c.cost_jpy_excl_tax),
            "rule_id": c.rule_id,
        }
        for plan, p in forecast.plans.items()
        for carrier, c in p.by_carrier.items()
    ]
    return pl.DataFrame(rows, schema=BY_CARRIER_SCHEMA, orient="row")

"""Builders for forecast tests: recipient frames with known carriers."""

from __future__ import annotations

import datetime as dt

import polars as pl

from simulator.analysis.run import ForecastOptions, forecast
from simulator.result import ForecastResult

MOBILE_BY_CARRIER = {
    "docomo": "090-1234-{:04d}",
    "au": "080-1111-{:04d}",
    "softbank": "080-4000-{:04d}",
    "rakuten": "070-8312-{:04d}",
}


def recipients(carriers: list[str], *, lookup: bool = True) -> pl.DataFrame:
    """One distinct mobile number per entry; the carrier is given as a lookup column."""
    phones = [MOBILE_BY_CARRIER[c].format(i) for i, c in enumerate(carriers)]
    data: dict[str, list[str]] = {"phone": phones, "name": [f"n{i}" for i in range(len(phones))]}
    if lookup:
        data["carrier"] = carriers
    return pl.DataFrame(data)


def run(
    frame: pl.DataFrame,
    *,
    on: str | dt.date,
    message: str = "Hello",
    assume: dict[str, str] | None = None,
    prices: dict[str, str] | None = None,
    plans: list[str] | None = None,
    sender_ids: int = 0,
) -> ForecastResult:
    day = on if isinstance(on, dt.date) else dt.date.fromisoformat(on)
    run = forecast(
        frame,
        ForecastOptions(
            message=message,
            as_of=day,
            plans=plans,
            assume=assume or {},
            prices=prices or {},
            carrier_column="carrier" if "carrier" in frame.columns else None,
            sender_ids=sender_ids,
        ),
    )
    return ForecastResult.of(run)


def cost(result: ForecastResult, plan: str) -> object:
    return result.summary.plans[plan].cost_jpy_excl_tax

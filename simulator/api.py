"""The notebook entry point: `simulator.forecast(recipients, message=..., as_of=...)`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from simulator.analysis.run import ForecastOptions, RecipientInput
from simulator.analysis.run import forecast as run_forecast
from simulator.clock import today_in_japan
from simulator.result.summarise import ForecastResult


def forecast(
    recipients: RecipientInput, *, message: str, as_of: dt.date | str | None = None, **options: Any
) -> ForecastResult:
    """Price a recipient list under each plan on a date; `.summary` is the typed `Forecast`.

    `options` are the fields of `ForecastOptions` (plans, assume, prices, sender_ids, period_days,
    sender, kp_sender, carrier_column, dedupe, ...). `as_of` defaults to today in Japan.
    """
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    if as_of is None:
        as_of = today_in_japan()
    return ForecastResult.of(
        run_forecast(recipients, ForecastOptions(message=message, as_of=as_of, **options))
    )

"""kpsim: rules engine and cost simulator for Japanese A2P SMS sent through Xoxzo K-Premium."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    import datetime as dt

    from simulator.forecast.run import Forecast, RecipientInput


def forecast(
    recipients: RecipientInput, *, message: str, as_of: dt.date | str | None = None, **options: Any
) -> Forecast:
    """Price a recipient list under each plan on a date (notebook entry point).

    `options` are the fields of `simulator.forecast.run.ForecastOptions` (plans, assume, prices,
    sender_ids, period_days, carrier_column, dedupe, ...). `as_of` defaults to today in Japan.
    """
    import datetime as dt

    from simulator.forecast.run import ForecastOptions
    from simulator.forecast.run import forecast as run_forecast

    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    if as_of is None:
        as_of = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()
    return run_forecast(recipients, ForecastOptions(message=message, as_of=as_of, **options))

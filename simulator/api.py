"""The notebook entry point: `simulator.forecast(recipients, message=..., as_of=...)`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from simulator.analysis.run import ForecastOptions, RecipientInput
from simulator.analysis.run import forecast as run_forecast
from simulator.clock import today_in_japan
from simulator.errors import UsageError
from simulator.result.summarise import ForecastResult

OPTION_NAMES = frozenset(f.name for f in dataclasses.fields(ForecastOptions)) - {
    "message",
    "as_of",
}


def _wrong(name: str, value: object, wanted: str) -> UsageError:
    return UsageError(
        f"{name}={value!r} ({type(value).__name__}) is not {wanted}",
        hint="see help(simulator.forecast)",
        code="wrong_type",
    )


def _date(value: object) -> dt.date:
    if value is None:
        return today_in_japan()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise UsageError(
                f"as_of {value!r} is not a date",
                hint="use the form YYYY-MM-DD or a datetime.date",
                code="not_a_date",
            ) from None
    raise _wrong("as_of", value, "a date, a datetime or a YYYY-MM-DD string")


def _plans(value: object) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    if isinstance(value, list | tuple) and all(isinstance(p, str) for p in value):
        return [p.strip() for p in value]
    raise _wrong("plans", value, "a comma-separated string or a list of plan names")


def _text(value: object, name: str, what: str) -> str:
    if isinstance(value, bool):
        raise _wrong(name, value, what)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    raise _wrong(name, value, what)


def _pairs(value: object, name: str, what: str) -> dict[str, str]:
    """A mapping NAME -> value; a key or value of the wrong type is a usage error."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _wrong(name, value, f"a mapping of names to {what}")
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise _wrong(f"{name} key", key, "a string")
        out[key] = _text(item, f"{name}[{key!r}]", what)
    return out


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(name, value, "a whole number")
    return value


def _optional_text(value: object, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _wrong(name, value, "a string")


def _path(value: object, name: str) -> Path | None:
    if value is None or isinstance(value, Path):
        return value
    if isinstance(value, str):
        return Path(value)
    raise _wrong(name, value, "a path")


def _options(message: object, as_of: object, options: dict[str, Any]) -> ForecastOptions:
    unknown = sorted(set(options) - OPTION_NAMES)
    if unknown:
        raise UsageError(
            f"unknown option {', '.join(unknown)}",
            hint=f"choose from {', '.join(sorted(OPTION_NAMES))}",
            code="unknown_option",
        )
    if not isinstance(message, str):
        raise _wrong("message", message, "a string")
    typed: dict[str, Any] = {}
    for name, value in options.items():
        if name == "plans":
            typed[name] = _plans(value)
        elif name == "prices":
            typed[name] = _pairs(value, name, "amounts (int, float, Decimal or str)")
        elif name == "assume":
            typed[name] = _pairs(value, name, "assumption values (str)")
        elif name in ("sender_ids", "period_days", "skip_rows"):
            typed[name] = _count(value, name)
        elif name in ("price_book", "rules_dir"):
            typed[name] = _path(value, name)
        elif name in ("dedupe", "progress"):
            if not isinstance(value, bool):
                raise _wrong(name, value, "True or False")
            typed[name] = value
        else:
            typed[name] = _optional_text(value, name)
    return ForecastOptions(message=message, as_of=_date(as_of), **typed)


def forecast(
    recipients: RecipientInput,
    *,
    message: str,
    as_of: dt.date | dt.datetime | str | None = None,
    **options: Any,
) -> ForecastResult:
    """Price a recipient list under each plan on a date; `.summary` is the typed `Forecast`.

    `options` are the fields of `ForecastOptions`: plans (a list or a comma-separated string),
    prices (a mapping of price names to int, float, Decimal or str amounts), assume (a mapping
    of assumption names to values), sender_ids, period_days (whole numbers), sender, kp_sender,
    phone_column, carrier_column, encoding, sheet (str), skip_rows (int), price_book, rules_dir
    (paths), dedupe (bool), .... `as_of` is a date, a datetime (its date) or a YYYY-MM-DD
    string, today in Japan by default. A value of the wrong type is a `UsageError`.
    """
    if not isinstance(recipients, str | Path | pl.DataFrame | pl.LazyFrame):
        raise _wrong("recipients", recipients, "a path or a polars DataFrame/LazyFrame")
    return ForecastResult.of(run_forecast(recipients, _options(message, as_of, options)))

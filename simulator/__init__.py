"""kpsim: rules engine and cost simulator for Japanese A2P SMS sent through Xoxzo K-Premium.

The Python API (each function documented with an example, e.g. ``help(simulator.forecast)``):

- ``forecast(source, *, message, as_of, plans=None, sender=None, kp_sender=None,
  sender_ids=1, period_days=30, prices=None, assume=None, ...) -> ForecastResult``:
  price a list under each plan on one day; ``.summary`` is the typed ``Forecast`` with
  ``.comparison()`` (plan × metric) and ``.by_carrier()`` as polars DataFrames, money in
  integer sen (``*_sen`` columns).
- ``check(source, *, as_of, assume=None, ...) -> CheckSummary``: every row accounted for.
- ``diff(source, *, from_date, to_date, plans=None, message=..., ...) -> DiffResult``: what
  changes between two days, assumption settings or rule directories.
- ``explain(number, *, plan, as_of, carrier=None, sender=None, kp_sender=None, ...)
  -> Explanation``: one number under one plan on one day, and why.
- ``fit_message(text, *, as_of, plans=None, ...) -> MessageInfo``: how each plan counts a
  message (encoding, units, parts, too long, limit).
- ``message(text, *, as_of, plans=None, list=None, ...) -> MessageCheck``: per plan the
  characters, encodings, parts, limit and characters to cut (a template: ranges over a list).

For notebooks, what goes around a forecast (each documented the same way):

- ``format_yen(amount) -> str``: ``¥12,345`` (sen only when there are any).
- ``in_yen(frame) -> pl.DataFrame``: the ``*_sen`` columns of a frame as exact ``*_jpy`` Decimals.
- ``mask_numbers(frame, columns="phone") -> pl.DataFrame``: phone numbers masked for showing.
- ``charts(result) -> dict[str, Figure]``: kpsim's forecast charts as matplotlib Figures;
  ``font_families()`` the fonts they use (set ``plt.rcParams["font.family"]`` to it so your own
  charts draw Japanese labels).
- ``write_outputs(result, directory, *, full_numbers=False) -> dict[str, Path]``: the files
  ``kpsim forecast --out`` writes.
- ``mix(base) -> Mix``, ``sweep(base, *, message, as_of, volume, volumes, carrier_shares,
  porting_shares, unit_prices, ...) -> pl.DataFrame``: expected cost per plan over a grid;
  ``base`` is a forecast result, a ``Mix`` or shares per carrier (``{"docomo": 0.4, ...}``).
- ``breakeven_volume(base, *, plan, budget_jpy, ...) -> VolumeBreakEven | None``,
  ``breakeven_plans(base, *, plan, other, ...) -> Fraction | None``,
  ``breakeven_share(base, *, carrier, extra_jpy, volume, ...) -> Fraction | None``: where a
  cost per message meets a budget, two plans cost the same, full costs so much more than Lite.
- ``describe_sender(display) -> str``: what a carrier's recipients see as the sender, in words.
- ``history(*, assume=None, rules_dir=None) -> pl.DataFrame``: every version of the rules.
- ``uncertainty(result, *, draws=0, seed=0) -> Uncertainty``: the spread number portability
  brings (analytic interval per plan, simulated sends).

``source`` is a path (``str``/``Path``: CSV, TSV, Parquet, Excel) or a polars
``DataFrame``/``LazyFrame``; days are ``date``, ``datetime`` or ``"YYYY-MM-DD"``; plans a list
or ``"lite,full"``; prices a mapping of names to ``int | float | Decimal | str``; assumptions a
mapping of names to values. A wrongly typed argument raises ``UsageError`` (exit code 2 on the
command line), every kpsim error is a ``KpsimError`` with a ``code``.
"""

from __future__ import annotations

import functools
import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from simulator._version import __version__
from simulator.errors import KpsimError, UsageError

if TYPE_CHECKING:
    from simulator.api import (
        Mix,
        Uncertainty,
        VolumeBreakEven,
        breakeven_plans,
        breakeven_share,
        breakeven_volume,
        charts,
        check,
        describe_sender,
        diff,
        explain,
        fit_message,
        font_families,
        forecast,
        format_yen,
        history,
        in_yen,
        mask_numbers,
        message,
        mix,
        sweep,
        uncertainty,
        write_outputs,
    )
    from simulator.result.check import CheckSummary
    from simulator.result.diff import Diff, DiffResult
    from simulator.result.explain import Explanation
    from simulator.result.forecast import Forecast, MessageInfo
    from simulator.result.message import MessageCheck
    from simulator.result.summarise import ForecastResult

__all__ = [
    "CheckSummary",
    "Diff",
    "DiffResult",
    "Explanation",
    "Forecast",
    "ForecastResult",
    "KpsimError",
    "MessageCheck",
    "MessageInfo",
    "Mix",
    "Uncertainty",
    "UsageError",
    "VolumeBreakEven",
    "__version__",
    "breakeven_plans",
    "breakeven_share",
    "breakeven_volume",
    "charts",
    "check",
    "describe_sender",
    "diff",
    "explain",
    "fit_message",
    "font_families",
    "forecast",
    "format_yen",
    "history",
    "in_yen",
    "mask_numbers",
    "message",
    "mix",
    "sweep",
    "uncertainty",
    "write_outputs",
]

_LAZY = {
    "Mix": "simulator.api",
    "Uncertainty": "simulator.api",
    "VolumeBreakEven": "simulator.api",
    "breakeven_plans": "simulator.api",
    "breakeven_share": "simulator.api",
    "breakeven_volume": "simulator.api",
    "charts": "simulator.api",
    "describe_sender": "simulator.api",
    "font_families": "simulator.api",
    "format_yen": "simulator.api",
    "history": "simulator.api",
    "in_yen": "simulator.api",
    "mask_numbers": "simulator.api",
    "mix": "simulator.api",
    "sweep": "simulator.api",
    "uncertainty": "simulator.api",
    "write_outputs": "simulator.api",
    "check": "simulator.api",
    "diff": "simulator.api",
    "explain": "simulator.api",
    "fit_message": "simulator.api",
    "forecast": "simulator.api",
    "CheckSummary": "simulator.result.check",
    "Diff": "simulator.result.diff",
    "DiffResult": "simulator.result.diff",
    "Explanation": "simulator.result.explain",
    "Forecast": "simulator.result.forecast",
    "MessageInfo": "simulator.result.forecast",
    "MessageCheck": "simulator.result.message",
    "ForecastResult": "simulator.result.summarise",
}


def __getattr__(name: str) -> Any:
    """The API loads the engine on first use (so `kpsim` starts light)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


class _MessageEntry:
    """`simulator.message`: the API function `simulator.api.message` when called, the
    subpackage `simulator/message/` for its attributes (`simulator.message.count_parts`)."""

    def __init__(self, package: types.ModuleType) -> None:
        self._package = package
        from simulator.api import message

        functools.update_wrapper(self, message)
        self._function = message

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._function(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._package, name)


class _Package(types.ModuleType):
    """Keeps `simulator.message` the API function although `simulator/message/` is also a
    subpackage: the import system's `setattr` of the subpackage is kept aside (imports read
    `sys.modules`, so `from simulator.message import count_parts` is unchanged)."""

    @property
    def message(self) -> Any:
        package = self.__dict__.get("_message_package") or importlib.import_module(
            "simulator.message"
        )
        entry = self.__dict__.get("_message_entry")
        if entry is None:
            entry = self.__dict__["_message_entry"] = _MessageEntry(package)
        return entry

    @message.setter
    def message(self, package: types.ModuleType) -> None:
        self.__dict__["_message_package"] = package


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

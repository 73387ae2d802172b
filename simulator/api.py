"""kpsim's Python API: `forecast`, `check`, `diff`, `explain` and `fit_message`, and what a
notebook needs around them (yen, masking, charts, output files, sweeps, break-evens, the rule
history, the spread number portability brings).

Every function takes the values a notebook has at hand: a path (`str` or `Path`) or a polars
`DataFrame`/`LazyFrame` for the list; a `date`, a `datetime` (its date) or a ``"YYYY-MM-DD"``
string for a day (today in Japan when omitted); a list or a comma-separated string of plans;
prices as `int`, `float`, `Decimal` or `str` amounts in a mapping; assumptions as a mapping of
names to values. A value of the wrong type raises `simulator.errors.UsageError` (code
``wrong_type``, ``not_a_date``, ...) with a one-line message, never a raw Python exception.

>>> import simulator
>>> result = simulator.forecast(
...     "datasets/sample_recipients.csv", message="Your code is 1234", as_of="2026-12-01"
... )
>>> result.summary.comparison().columns[:3]
['plan', 'sendable', 'recipients']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import inspect
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import polars as pl

from simulator.analysis.breakeven import (
    VolumeBreakEven,
    carrier_share_where_full_exceeds_lite_by,
    volume_where_cost_per_message_reaches,
    volume_where_plans_cost_the_same,
)
from simulator.analysis.diff import DEFAULT_MESSAGE, diff_forecasts
from simulator.analysis.run import ForecastOptions, ForecastRun
from simulator.analysis.run import forecast as run_forecast
from simulator.analysis.sweep import Axis, CarrierShare, Mix, PortingShare, UnitPrice, Volume
from simulator.analysis.sweep import sweep as run_sweep
from simulator.clock import today_in_japan
from simulator.engine.porting import load_porting, select_porting
from simulator.engine.rates import unit_prices_by_carrier
from simulator.engine.stream import check_list, collect_streaming
from simulator.engine.tables import rule_versions
from simulator.engine.uncertainty import cost_uncertainty, simulate_costs
from simulator.errors import KpsimError, UsageError
from simulator.message.count import count_parts
from simulator.message.profiles import describe_limits, load_segmentation_rules, profile_for
from simulator.message.render import fixed_text
from simulator.numbers.names import carrier_id, plan_ids
from simulator.numbers.recipients import read_recipients
from simulator.pricing.money import fmt_jpy
from simulator.privacy import mask_expr
from simulator.result.check import CheckInput, CheckSummary
from simulator.result.diff import DiffResult
from simulator.result.explain import Explanation
from simulator.result.explain import explain as explain_number
from simulator.result.forecast import Forecast, MessageInfo, MessagePlan
from simulator.result.message import MessageCheck, count_message
from simulator.result.shared import SenderDisplay
from simulator.result.summarise import ForecastResult
from simulator.rules.assumptions import modelled_settings, resolve_settings
from simulator.rules.ruleset import load_ruleset

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Base",
    "Mix",
    "Uncertainty",
    "VolumeBreakEven",
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

Source = str | Path | pl.DataFrame | pl.LazyFrame
"""A recipient list: a file (CSV, TSV, Parquet, Excel) or a polars frame."""
Day = dt.date | dt.datetime | str
"""A day: a date, a datetime (its date is used) or a YYYY-MM-DD string."""
Plans = str | Sequence[str]
"""Plans: a list of names or one comma-separated string ("lite,full")."""
Amount = int | float | Decimal | str
"""A price in JPY excl. tax."""


def _wrong(name: str, value: object, wanted: str) -> UsageError:
    return UsageError(
        f"{name}={value!r} ({type(value).__name__}) is not {wanted}",
        hint="see help(simulator)",
        code="wrong_type",
    )


def _date(value: object, name: str = "as_of") -> dt.date:
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
                f"{name} {value!r} is not a date",
                hint="use the form YYYY-MM-DD or a datetime.date",
                code="not_a_date",
            ) from None
    raise _wrong(name, value, "a date, a datetime or a YYYY-MM-DD string")


def _plans(value: object, name: str = "plans") -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    if isinstance(value, list | tuple) and all(isinstance(p, str) for p in value):
        return [p.strip() for p in value]
    raise _wrong(name, value, "a comma-separated string or a list of plan names")


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


def _pairs(value: object, name: str, what: str, *, numbers: bool) -> dict[str, str]:
    """A mapping NAME -> value; a key or value of the wrong type is a usage error."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _wrong(name, value, f"a mapping of names to {what}")
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise _wrong(f"{name} key", key, "a string")
        if not numbers and not isinstance(item, str):
            raise _wrong(f"{name}[{key!r}]", item, what)
        out[key] = _text(item, f"{name}[{key!r}]", what)
    return out


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(name, value, "a whole number")
    return value


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise _wrong(name, value, "True or False")
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
    raise _wrong(name, value, "a path (str or pathlib.Path)")


def _message(value: object, name: str = "message") -> str:
    if not isinstance(value, str):
        raise _wrong(name, value, "a string")
    return value


def _source_arg(value: object, name: str) -> Source:
    if isinstance(value, str | Path | pl.DataFrame | pl.LazyFrame):
        return value
    raise _wrong(name, value, "a path or a polars DataFrame/LazyFrame")


_CONVERTERS: dict[str, Callable[[Any, str], Any]] = {
    "Source": _source_arg,
    "Source | None": lambda value, name: None if value is None else _source_arg(value, name),
    "str": _message,
    "str | None": _optional_text,
    "int": _count,
    "bool": _flag,
    "Day": _date,
    "Day | None": _date,
    "Plans | None": _plans,
    "Mapping[str, Amount] | None": lambda value, name: _pairs(
        value, name, "amounts (int, float, Decimal or str)", numbers=True
    ),
    "Mapping[str, str] | None": lambda value, name: _pairs(
        value, name, "assumption values (str)", numbers=False
    ),
    "str | Path | None": _path,
}
"""How each annotation of the API's parameters is checked and converted, by its text."""


def _arguments(function: Callable[..., object], values: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter of `function` checked against its annotation and converted (dates to
    `date`, plans to a list, amounts and assumption values to strings, paths to `Path`)."""
    converted = {
        name: _CONVERTERS[str(p.annotation)](values[name], name)
        for name, p in inspect.signature(function).parameters.items()
    }
    named = {k: converted.get(k) for k in ("plans", "plan", "carrier")}
    if any(v is not None for v in named.values()):  # by id, name or alias, as on the CLI
        rs = load_ruleset(converted.get("rules_dir"))
        if named["plans"] is not None:
            converted["plans"] = list(dict.fromkeys(plan_ids(rs, named["plans"])))
        if isinstance(named["plan"], str):
            converted["plan"] = plan_ids(rs, [named["plan"]])[0]
        if isinstance(named["carrier"], str):
            converted["carrier"] = carrier_id(rs, named["carrier"])
    return converted


P = ParamSpec("P")
R = TypeVar("R")


def _api(function: Callable[P, R]) -> Callable[P, R]:
    """A call with an unknown keyword or a missing argument is a one-line `UsageError`."""
    signature = inspect.signature(function)

    @functools.wraps(function)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as error:
            unknown = sorted(set(kwargs) - set(signature.parameters))
            raise UsageError(
                f"unknown option {', '.join(unknown)}"
                if unknown
                else f"{function.__name__}: {error}",
                hint=f"see help(simulator.{function.__name__})",
                code="unknown_option" if unknown else "wrong_call",
            ) from None
        return function(*args, **kwargs)

    return call


@_api
def forecast(
    source: Source,
    *,
    message: str,
    as_of: Day | None = None,
    plans: Plans | None = None,
    sender: str | None = None,
    kp_sender: str | None = None,
    sender_ids: int = 1,
    period_days: int = 30,
    prices: Mapping[str, Amount] | None = None,
    assume: Mapping[str, str] | None = None,
    price_book: str | Path | None = None,
    phone_column: str | None = None,
    carrier_column: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    skip_rows: int = 0,
    dedupe: bool = False,
    rules_dir: str | Path | None = None,
    input_name: str | None = None,
    progress: bool = False,
) -> ForecastResult:
    """Price a recipient list under each plan on one day.

    Returns a `ForecastResult`: its `summary` is the typed `Forecast` (the document
    `kpsim forecast --json` prints), with `summary.comparison()` (plan × metric) and
    `summary.by_carrier()` as polars frames; `rows` are the priced rows per plan and `checked`
    the checked recipients (full numbers: mask them before sharing).

    `prices` overrides price-book amounts by name (``{"k_premium": 9.5}``), `assume` switches
    named assumptions (``{"name": "value"}``), `sender_ids` and `period_days` scale the fixed
    fees. `input_name` names a frame in the summary (a file is named by itself); `progress`
    shows a progress bar on stderr. Any argument of the wrong type is a `UsageError`.

    >>> import simulator
    >>> result = simulator.forecast(
    ...     "datasets/sample_recipients.csv",
    ...     message="Your code is 1234",
    ...     as_of="2026-12-01",
    ...     plans="lite,full",
    ... )
    >>> sorted(result.summary.plans)
    ['full', 'lite']
    >>> table = result.summary.comparison()
    >>> table.select("plan", "sendable").rows()
    [('lite', True), ('full', True)]
    >>> simulator.forecast("datasets/sample_recipients.csv", message="hi", as_of="2027/01/15")
    Traceback (most recent call last):
    ...
    simulator.errors.UsageError: as_of '2027/01/15' is not a date (use the form YYYY-MM-DD ...)
    """
    given = _arguments(forecast, locals())
    source_ = given.pop("source")
    return ForecastResult.of(run_forecast(source_, ForecastOptions(**given)))


@_api
def check(
    source: Source,
    *,
    as_of: Day | None = None,
    assume: Mapping[str, str] | None = None,
    phone_column: str | None = None,
    carrier_column: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    skip_rows: int = 0,
    dedupe: bool = False,
    rules_dir: str | Path | None = None,
) -> CheckSummary:
    """Check a list without pricing it: every row normalised to E.164, classified and given a
    carrier; rows_in = ok + rejected (what `kpsim recipients check --json` prints).

    >>> import simulator
    >>> summary = simulator.check("datasets/sample_recipients.csv", as_of="2026-12-01")
    >>> summary.rows_in == summary.ok + summary.rejected
    True
    """
    given = _arguments(check, locals())
    day, flagged = given["as_of"], given["dedupe"]
    rs = load_ruleset(given["rules_dir"])
    settings = resolve_settings(rs, given["assume"])
    read = read_recipients(
        given["source"],
        phone_column=given["phone_column"],
        carrier_column=given["carrier_column"],
        encoding=given["encoding"],
        ruleset=rs,
        sheet=given["sheet"],
        skip_rows=given["skip_rows"],
    )
    checked = check_list(read, as_of=day, ruleset=rs, settings=settings, dedupe=flagged)
    queries = checked.summary_queries()
    counts = checked.summary(collect_streaming(queries))
    return CheckSummary.of(
        counts,
        input=CheckInput(
            file=read.label,
            encoding=read.encoding,
            phone_column=read.phone_column,
            carrier_column=read.carrier_column,
        ),
        as_of=day,
        dedupe=flagged,
        assumptions=modelled_settings(rs, settings),
    )


@_api
def diff(
    source: Source,
    *,
    from_date: Day,
    to_date: Day,
    plans: Plans | None = None,
    message: str = DEFAULT_MESSAGE,
    sender: str | None = None,
    kp_sender: str | None = None,
    assume: Mapping[str, str] | None = None,
    assume_a: Mapping[str, str] | None = None,
    assume_b: Mapping[str, str] | None = None,
    rules_a: str | Path | None = None,
    rules_b: str | Path | None = None,
    phone_column: str | None = None,
    carrier_column: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    skip_rows: int = 0,
) -> DiffResult:
    """What changes for one list between two days, assumption settings or rule directories.

    Returns a `DiffResult`: `summary` is the typed `Diff` (`kpsim diff --json`), `changes` one
    row per recipient × plan compared (full numbers), `before`/`after` both forecasts.
    `assume` applies to both sides, `assume_a`/`assume_b` to one.

    >>> import simulator
    >>> d = simulator.diff(
    ...     "datasets/sample_recipients.csv", from_date="2025-01-01", to_date="2026-12-01"
    ... )
    >>> (d.summary.from_.isoformat(), d.summary.to.isoformat())
    ('2025-01-01', '2026-12-01')
    """
    given = _arguments(diff, locals())
    both = given.pop("assume")
    given["assume_a"] = {**both, **given["assume_a"]}
    given["assume_b"] = {**both, **given["assume_b"]}
    run = diff_forecasts(given.pop("source"), **given)
    return DiffResult.of(run)


@_api
def explain(
    number: str,
    *,
    plan: str,
    as_of: Day | None = None,
    carrier: str | None = None,
    sender: str | None = None,
    kp_sender: str | None = None,
    assume: Mapping[str, str] | None = None,
    rules_dir: str | Path | None = None,
    message: str | None = None,
) -> Explanation:
    """What happens to one number under one plan on one day, and why: route, sender display,
    charge class, the rule in force with its sources, the assumptions it depends on, the API
    request and the price per part with the total for `message`'s parts (one part without a
    message) (`kpsim explain --json`).

    >>> import simulator
    >>> e = simulator.explain("090-1234-5678", plan="full", as_of="2026-12-01", carrier="docomo")
    >>> (e.e164, e.carrier)
    ('+819012345678', 'docomo')
    """
    given = _arguments(explain, locals())
    rs = load_ruleset(given.pop("rules_dir"))
    settings = resolve_settings(rs, given.pop("assume"))
    explanation, _ = explain_number(
        rs,
        given.pop("number"),
        plan=given.pop("plan").strip(),
        day=given.pop("as_of"),
        settings=settings,
        **given,
    )
    return explanation


@_api
def fit_message(
    text: str,
    *,
    as_of: Day | None = None,
    plans: Plans | None = None,
    assume: Mapping[str, str] | None = None,
    rules_dir: str | Path | None = None,
) -> MessageInfo:
    """How each plan counts a message on a day: encoding, length in the plan's units, parts,
    whether it is too long, and the plan's limit (the `message` block of a forecast, without a
    list). A template (with ``{placeholders}``) is counted per recipient, so only the limits
    are given.

    >>> import simulator
    >>> info = simulator.fit_message("Your code is 1234", as_of="2026-12-01", plans=["full"])
    >>> info.by_plan["full"].parts, info.by_plan["full"].too_long
    (1, False)
    """
    given = _arguments(fit_message, locals())
    body, day, rules = given["text"], given["as_of"], given["rules_dir"]
    rs = load_ruleset(rules)
    settings = resolve_settings(rs, given["assume"])
    chosen = rs.plan_ids(given["plans"])
    segmentation = load_segmentation_rules(rules)
    fixed = fixed_text(body)
    templated = fixed is None
    by_plan: dict[str, MessagePlan] = {}
    for plan in chosen:
        with contextlib.suppress(KpsimError):  # no part rules that day: the plan did not exist
            profile = profile_for(segmentation, plan, day, settings)
            if fixed is None:
                by_plan[plan] = MessagePlan(limit=profile.describe_limit())
                continue
            counted = count_parts(fixed, profile)
            by_plan[plan] = MessagePlan(
                encoding=counted.encoding,
                units=counted.units,
                parts=counted.parts,
                too_long=counted.too_long,
                limit=f"{counted.encoding}: {describe_limits(profile.limits(counted.encoding))}",
            )
    return MessageInfo(
        template=body if templated else None,
        templated=templated,
        text=body,
        characters=len(body),
        by_plan=by_plan,
    )


# --- What the notebooks need beyond one forecast: money, masking, charts, sweeps, history ---

Base = ForecastResult | Mix | Mapping[str, float]
"""What a sweep or break-even starts from: a forecast (its recipients' carrier mix and count), a
`Mix`, or shares per carrier (``{"docomo": 0.4, ...}``, scaled to sum to 1)."""


def _base(value: object, name: str = "base") -> Mix | ForecastRun:
    if isinstance(value, ForecastRun | Mix):
        return value
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        return Mix.of({k: _number(v, f"{name}[{k!r}]") for k, v in value.items()})
    raise _wrong(name, value, "a forecast result, a Mix or a mapping of carrier shares")


def _number(value: object, name: str) -> int | float | Decimal:
    """A number (numpy's too, as a Python number); a bool or anything else is a usage error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise _wrong(name, value, "a number")
    if isinstance(value, int | float | Decimal):
        return value
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def _amount(value: object, name: str) -> int | float | Decimal | str:
    if isinstance(value, str):
        return value
    return _number(value, name)


def _numbers(value: object, name: str, *, whole: bool = False) -> list[Any]:
    """A sequence (list, tuple, range, numpy array, polars Series) of numbers (whole numbers
    when `whole`), as Python numbers."""
    items = value
    for to_python in ("tolist", "to_list"):  # numpy arrays, polars Series
        if hasattr(value, to_python):
            items = getattr(value, to_python)()
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Sequence):
        raise _wrong(name, value, "a sequence of numbers")
    if whole:
        return [_count(v, f"{name}[{i}]") for i, v in enumerate(items)]
    return [_number(v, f"{name}[{i}]") for i, v in enumerate(items)]


def _scenario(
    as_of: object, message: object, plans: object, prices: object, assume: object
) -> dict[str, Any]:
    """The options a sweep or break-even passes to `simulator.analysis`, checked."""
    return {
        "as_of": _date(as_of),
        "message": _message(message),
        "plans": _plans(plans),
        "prices": _pairs(prices, "prices", "amounts (int, float, Decimal or str)", numbers=True),
        "assume": _pairs(assume, "assume", "assumption values (str)", numbers=False),
    }


def _forecast_summary(value: object, name: str = "result") -> Forecast:
    if isinstance(value, ForecastResult):
        return value.summary
    if isinstance(value, Forecast):
        return value
    raise _wrong(name, value, "a forecast result (simulator.forecast) or its summary")


def _forecast_result(value: object, name: str = "result") -> ForecastResult:
    if isinstance(value, ForecastResult):
        return value
    raise _wrong(name, value, "what simulator.forecast returns")


@_api
def format_yen(amount: Decimal | int | float | None) -> str:
    """An amount as yen for reading: whole yen with separators, sen only when there are any;
    ``"unknown"`` for None (a price not published).

    >>> import simulator
    >>> simulator.format_yen(12345), simulator.format_yen(7.5), simulator.format_yen(None)
    ('¥12,345', '¥7.50', 'unknown')
    """
    if amount is not None:
        _number(amount, "amount")
    return fmt_jpy(amount)


@_api
def in_yen(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every integer-sen column ``X_sen`` (as in `comparison()`, `by_carrier()`)
    turned into ``X_jpy``, exact yen as Decimal with 2 places, in the same position.

    >>> import polars as pl, simulator
    >>> simulator.in_yen(pl.DataFrame({"plan": ["lite"], "total_sen": [1234550]})).row(0)
    ('lite', Decimal('12345.50'))
    """
    if not isinstance(frame, pl.DataFrame):
        raise _wrong("frame", frame, "a polars DataFrame")
    return frame.with_columns(
        (pl.col(c).cast(pl.Decimal(38, 2)) / 100).alias(c)
        for c, dtype in frame.schema.items()
        if c.endswith("_sen") and dtype.is_integer()
    ).rename(
        {
            c: c.removesuffix("_sen") + "_jpy"
            for c, dtype in frame.schema.items()
            if c.endswith("_sen") and dtype.is_integer()
        }
    )


@_api
def mask_numbers(frame: pl.DataFrame, columns: str | Sequence[str] = "phone") -> pl.DataFrame:
    """`frame` with the phone numbers in `columns` masked as kpsim masks them everywhere
    (``090-****-5678``), for showing a list.

    >>> import polars as pl, simulator
    >>> simulator.mask_numbers(pl.DataFrame({"phone": ["+819012345678"]}))["phone"].to_list()
    ['090-****-5678']
    """
    if not isinstance(frame, pl.DataFrame):
        raise _wrong("frame", frame, "a polars DataFrame")
    names = [columns] if isinstance(columns, str) else columns
    if not isinstance(names, Sequence) or not all(isinstance(c, str) for c in names):
        raise _wrong("columns", columns, "a column name or a list of them")
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise UsageError(
            f"no column {', '.join(missing)} to mask",
            hint=f"the frame has {', '.join(frame.columns)}",
            code="unknown_column",
        )
    return frame.with_columns(mask_expr(pl.col(c).cast(pl.Utf8)).alias(c) for c in names)


@_api
def font_families() -> list[str]:
    """The font families kpsim's charts draw with (the bundled Japanese font, then DejaVu
    Sans), for ``plt.rcParams["font.family"]`` so Japanese labels are not drawn as boxes.

    >>> import simulator
    >>> len(simulator.font_families())
    2
    """
    from simulator.report.charts import chart_fonts  # matplotlib loads only for charts

    with chart_fonts() as fonts:
        return list(fonts)


@_api
def charts(result: ForecastResult | Forecast) -> dict[str, Figure]:
    """kpsim's charts of a forecast as matplotlib Figures, by name (what ``kpsim forecast
    --out`` saves as PNG): cost by plan and carrier, Lite vs full, expected range.

    >>> import simulator
    >>> fc = simulator.forecast(
    ...     "datasets/sample_recipients.csv", message="Your code is 1234", as_of="2026-12-01"
    ... )
    >>> sorted(simulator.charts(fc))
    ['cost_by_plan_and_carrier', 'expected_range', 'lite_vs_full']
    """
    from simulator.report.charts import CHARTS

    summary = _forecast_summary(result)
    return {name.removesuffix(".png"): draw(summary) for name, draw in CHARTS.items()}


@_api
def write_outputs(
    result: ForecastResult, directory: str | Path, *, full_numbers: bool = False
) -> dict[str, Path]:
    """Write a forecast's files (what ``kpsim forecast --out DIR`` writes: recipients, summary,
    report, charts) into `directory`, atomically; numbers masked unless `full_numbers`.

    >>> import tempfile, simulator
    >>> fc = simulator.forecast(
    ...     "datasets/sample_recipients.csv", message="Your code is 1234", as_of="2026-12-01"
    ... )
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     "recipients" in simulator.write_outputs(fc, tmp)
    True
    """
    from simulator.report.outputs import write_forecast_outputs

    run = _forecast_result(result)
    out_dir = _path(directory, "directory")
    if out_dir is None:
        raise _wrong("directory", directory, "a path (str or pathlib.Path)")
    return write_forecast_outputs(
        out_dir,
        rows=run.rows,
        checked=run.checked,
        summary=run.summary,
        full_numbers=_flag(full_numbers, "full_numbers"),
    )


@_api
def mix(base: Base) -> Mix:
    """The carrier mix a sweep or break-even prices: shares per (carrier source, carrier) of a
    forecast's sendable recipients, or of the shares given; `.carrier_shares()`, `.frame()`.

    >>> import simulator
    >>> m = simulator.mix({"docomo": 3, "softbank": 1})
    >>> {c: float(s) for c, s in m.carrier_shares().items()}
    {'docomo': 0.75, 'softbank': 0.25}
    """
    chosen = _base(base)
    return chosen if isinstance(chosen, Mix) else Mix.from_forecast(chosen)


def _axes(
    volumes: object, carrier_shares: object, porting_shares: object, unit_prices: object
) -> list[Axis]:
    axes: list[Axis] = []
    if volumes is not None:
        axes.append(Volume(_numbers(volumes, "volumes", whole=True)))
    for name, value, make in (
        ("carrier_shares", carrier_shares, CarrierShare),
        ("unit_prices", unit_prices, UnitPrice),
    ):
        if value is None:
            continue
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            raise _wrong(name, value, "a mapping of a name to a sequence of numbers")
        axes += [make(key, _numbers(items, f"{name}[{key!r}]")) for key, items in value.items()]
    if porting_shares is not None:
        axes.append(PortingShare([float(v) for v in _numbers(porting_shares, "porting_shares")]))
    if not axes:
        raise UsageError(
            "give what to vary: volumes, carrier_shares, porting_shares or unit_prices",
            hint="see help(simulator.sweep)",
            code="nothing_to_vary",
        )
    return axes


@_api
def sweep(
    base: Base,
    *,
    message: str,
    as_of: Day | None = None,
    volume: int | None = None,
    volumes: Sequence[int] | None = None,
    carrier_shares: Mapping[str, Sequence[float]] | None = None,
    porting_shares: Sequence[float] | None = None,
    unit_prices: Mapping[str, Sequence[Amount]] | None = None,
    plans: Plans | None = None,
    prices: Mapping[str, Amount] | None = None,
    assume: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Expected cost per plan over a grid of one or two inputs, as a tidy polars frame (one row
    per point × plan): messages per period (`volumes`), one carrier's share (`carrier_shares`,
    the others scaled alike), the porting share, or a per-part price (`unit_prices`).

    `volume` fixes the number of messages when it is not varied (a forecast gives its
    sendable count). Columns: the inputs varied, ``messages``, ``plan``, ...,
    ``expected_total_jpy_excl_tax``, ``cost_per_message_jpy``.

    >>> import simulator
    >>> grid = simulator.sweep(
    ...     {"docomo": 0.5, "softbank": 0.5}, volumes=[1_000, 10_000], as_of="2026-12-01",
    ...     message="Your code is 1234", plans="lite",
    ... )
    >>> grid.select("messages", "plan").rows()
    [(1000, 'lite'), (10000, 'lite')]
    """
    axes = _axes(volumes, carrier_shares, porting_shares, unit_prices)
    options = _scenario(as_of, message, plans, prices, assume)
    fixed = None if volume is None else _count(volume, "volume")
    return run_sweep(_base(base), axes, volume=fixed, **options)


@_api
def breakeven_volume(
    base: Base,
    *,
    plan: str,
    budget_jpy: Amount,
    message: str,
    as_of: Day | None = None,
    prices: Mapping[str, Amount] | None = None,
    assume: Mapping[str, str] | None = None,
) -> VolumeBreakEven | None:
    """The messages per period at which `plan`'s cost per message, sender-ID fees included,
    falls to `budget_jpy` (excl. tax); None when no volume reaches it (the budget is below the
    message charges alone, ``cost_per_message_jpy``).

    >>> import simulator
    >>> found = simulator.breakeven_volume(
    ...     {"docomo": 1}, plan="lite", budget_jpy=20, as_of="2026-12-01", message="hi"
    ... )
    >>> found.messages > 0, found.cost_per_message_jpy < 20
    (True, True)
    """
    options = _scenario(as_of, message, None, prices, assume)
    options.pop("plans")
    return volume_where_cost_per_message_reaches(
        _amount(budget_jpy, "budget_jpy"), _message(plan, "plan"), _base(base), **options
    )


@_api
def breakeven_plans(
    base: Base,
    *,
    plan: str,
    other: str,
    message: str,
    as_of: Day | None = None,
    prices: Mapping[str, Amount] | None = None,
    assume: Mapping[str, str] | None = None,
) -> Fraction | None:
    """The messages per period (exact) at which two plans' expected totals, fees included, are
    equal; None when one plan is dearer at every volume.

    >>> import simulator
    >>> print(simulator.breakeven_plans(
    ...     {"docomo": 1}, plan="lite", other="standard", as_of="2026-12-01", message="hi"
    ... ))
    None
    """
    options = _scenario(as_of, message, None, prices, assume)
    options.pop("plans")
    return volume_where_plans_cost_the_same(
        _message(plan, "plan"), _message(other, "other"), _base(base), **options
    )


@_api
def breakeven_share(
    base: Base,
    *,
    carrier: str,
    extra_jpy: Amount,
    volume: int,
    message: str,
    as_of: Day | None = None,
    plan: str | None = None,
    baseline: str | None = None,
    prices: Mapping[str, Amount] | None = None,
    assume: Mapping[str, str] | None = None,
) -> Fraction | None:
    """The share of `carrier`'s recipients (exact, in [0, 1]) at which `plan` (full K-Premium)
    costs `extra_jpy` more than `baseline` (Lite) for `volume` messages, fees included; None
    when no share gives that gap.

    >>> import simulator
    >>> share = simulator.breakeven_share(
    ...     {"docomo": 1}, carrier="softbank", extra_jpy=1_000, volume=100_000,
    ...     as_of="2026-12-01", message="hi",
    ... )
    >>> 0 <= share <= 1
    True
    """
    options = _scenario(as_of, message, None, prices, assume)
    options.pop("plans")
    return carrier_share_where_full_exceeds_lite_by(
        _amount(extra_jpy, "extra_jpy"),
        carrier=_message(carrier, "carrier"),
        volume=_count(volume, "volume"),
        mix=_base(base),
        plan=_optional_text(plan, "plan"),
        baseline=_optional_text(baseline, "baseline"),
        **options,
    )


@_api
def history(
    *, assume: Mapping[str, str] | None = None, rules_dir: str | Path | None = None
) -> pl.DataFrame:
    """Every version of the rules, one row per plan × carrier × effective date (plans and
    carriers in the rules' order, oldest first): route, sender kind and value, charge class and
    rule id (what ``kpsim rules history`` shows).

    >>> import simulator
    >>> versions = simulator.history()
    >>> {"plan", "carrier", "effective_from", "route", "charge_class"} <= set(versions.columns)
    True
    """
    rs = load_ruleset(_path(rules_dir, "rules_dir"))
    settings = resolve_settings(
        rs, _pairs(assume, "assume", "assumption values (str)", numbers=False)
    )
    order = {
        "plan": {p: i for i, p in enumerate(rs.plans)},
        "carrier": {c: i for i, c in enumerate(rs.carriers)},
    }
    return rule_versions(rs, settings).sort(
        *(pl.col(c).replace_strict(o, return_dtype=pl.Int64) for c, o in order.items()),
        "effective_from",
    )


@_api
def describe_sender(display: SenderDisplay | None) -> str:
    """What a carrier's recipients see as the sender, in words (as kpsim's tables say it), from
    a plan's ``by_carrier[carrier].sender_display``.

    >>> import simulator
    >>> fc = simulator.forecast(
    ...     "datasets/sample_recipients.csv", message="hi", as_of="2026-12-01", plans="full"
    ... )
    >>> simulator.describe_sender(fc.summary.plans["full"].by_carrier["docomo"].sender_display)
    'registered ID'
    """
    if display is not None and not isinstance(display, SenderDisplay):
        raise _wrong("display", display, "a SenderDisplay (by_carrier[...].sender_display)")
    from simulator.report.text import sender_text

    return sender_text(display)


@dataclass(frozen=True)
class Uncertainty:
    """How number portability spreads a forecast's message charges (money in integer sen)."""

    analytic: pl.DataFrame
    """Per plan: point_sen (by allocated carrier), expected_sen, std_sen, low_sen, high_sen."""
    draws: pl.DataFrame | None
    """Monte Carlo sends: plan, draw, cost_sen (None when no draws were asked for)."""
    porting_share: float
    """The share of numbers served by another network than their allocator, as modelled."""
    sensitivity: tuple[float, float]
    """The range of that share a sensitivity sweep should cover (rules/porting.yaml)."""


@_api
def uncertainty(result: ForecastResult, *, draws: int = 0, seed: int = 0) -> Uncertainty:
    """The spread that number portability brings to a forecast's message charges: the analytic
    95% interval per plan and, with `draws`, that many simulated sends to check it against.

    >>> import simulator
    >>> fc = simulator.forecast(
    ...     "datasets/sample_recipients.csv", message="Your code is 1234", as_of="2026-12-01"
    ... )
    >>> u = simulator.uncertainty(fc, draws=100, seed=1)
    >>> u.draws.height == 100 * u.analytic.height
    True
    """
    run = _forecast_result(result)
    matrix = select_porting(load_porting(run.options.rules_dir), run.settings)
    unit_prices = unit_prices_by_carrier(run.rules_in_force, run.prices.unit_price_frame())
    priced = run.rows.filter(pl.col("plan_status") == "priced").select(
        "plan", "carrier_source", "carrier", "allocated_carrier", "parts"
    )
    count = _count(draws, "draws")
    band = load_porting(run.options.rules_dir).sensitivity
    return Uncertainty(
        analytic=cost_uncertainty(priced, unit_prices, matrix),
        draws=(
            simulate_costs(priced, unit_prices, matrix, draws=count, seed=_count(seed, "seed"))
            if count
            else None
        ),
        porting_share=matrix.porting_share(),
        sensitivity=(band.low, band.high),
    )


@_api
def message(
    text: str,
    *,
    as_of: Day | None = None,
    plans: Plans | None = None,
    list: Source | None = None,
    assume: Mapping[str, str] | None = None,
    phone_column: str | None = None,
    sheet: str | None = None,
    rules_dir: str | Path | None = None,
) -> MessageCheck:
    """How each plan counts `text` on a day (`kpsim message --json`): characters, encodings,
    parts, whether it fits, the plan's limit and how many characters to cut. A template (with
    ``{column}`` placeholders) is rendered for every recipient of `list` and given as ranges;
    without a list only the limits are known.

    >>> import simulator
    >>> m = simulator.message("ご予約ありがとうございます" * 6, as_of="2026-12-01", plans="lite")
    >>> m.plans["lite"].characters, m.plans["lite"].too_long, m.plans["lite"].cut_characters
    ((78, 78), True, 8)
    >>> m = simulator.message(
    ...     "{name}様", as_of="2026-12-01", plans="lite", list="datasets/sample_recipients.csv"
    ... )
    >>> m.plans["lite"].sends, m.plans["lite"].parts
    ('all', (1, 1))
    """
    given = _arguments(message, locals())
    return count_message(
        given.pop("text"), as_of=given.pop("as_of"), source=given.pop("list"), **given
    )

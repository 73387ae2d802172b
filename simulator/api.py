"""kpsim's Python API: `forecast`, `check`, `diff`, `explain` and `fit_message`.

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
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import polars as pl

from simulator.analysis.diff import DEFAULT_MESSAGE, diff_forecasts
from simulator.analysis.run import ForecastOptions
from simulator.analysis.run import forecast as run_forecast
from simulator.clock import today_in_japan
from simulator.engine.stream import check_list, collect_streaming
from simulator.errors import KpsimError, UsageError
from simulator.message.count import count_parts
from simulator.message.profiles import describe_limits, load_segmentation_rules, profile_for
from simulator.message.render import fixed_text
from simulator.numbers.recipients import read_recipients
from simulator.result.check import CheckInput, CheckSummary
from simulator.result.diff import DiffResult
from simulator.result.explain import Explanation
from simulator.result.explain import explain as explain_number
from simulator.result.forecast import MessageInfo, MessagePlan
from simulator.result.message import MessageCheck, count_message
from simulator.result.summarise import ForecastResult
from simulator.rules.assumptions import modelled_settings, resolve_settings
from simulator.rules.ruleset import load_ruleset

__all__ = ["check", "diff", "explain", "fit_message", "forecast", "message"]

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
    return {
        name: _CONVERTERS[str(p.annotation)](values[name], name)
        for name, p in inspect.signature(function).parameters.items()
    }


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

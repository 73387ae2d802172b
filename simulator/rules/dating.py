"""Which rule is in force: the one dating rule every layer uses (except the reference evaluator).

A dated rule (routing version, price period, tax rate, message-part assignment, API constraint)
is in force from its start day until the next version of the same thing starts. On day D the
version in force is the latest one starting on or before D; when two start the same day the
first listed wins (the loaders and the linter refuse such ties anyway). Within a version, the
first variant whose `when` matches the assumption settings replaces the default.

`simulator.rules.reference` keeps its own copy of this rule on purpose: it is the oracle the
engine is tested against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

import polars as pl


class Dated(Protocol):
    @property
    def effective_from(self) -> dt.date: ...


class Conditional(Protocol):
    @property
    def when(self) -> Mapping[str, str]: ...


D = TypeVar("D", bound=Dated)
C = TypeVar("C", bound=Conditional)
T = TypeVar("T")


def matches(when: Mapping[str, str], settings: Mapping[str, str]) -> bool:
    """True when every assumption named in `when` has the given value in `settings`."""
    return all(settings.get(name) == value for name, value in when.items())


def first_match(variants: Iterable[C], settings: Mapping[str, str]) -> tuple[int, C] | None:
    """The first variant (with its index) whose `when` matches the settings, or None."""
    return next(((i, v) for i, v in enumerate(variants) if matches(v.when, settings)), None)


def latest_by(versions: Iterable[T], on: dt.date, start: Callable[[T], dt.date]) -> T | None:
    """The version in force on `on`: latest `start` on or before it, first listed on a tie."""
    chosen: T | None = None
    for version in versions:
        day = start(version)
        if day <= on and (chosen is None or day > start(chosen)):
            chosen = version
    return chosen


def in_force(versions: Iterable[D], on: dt.date) -> D | None:
    """The version (by `effective_from`) in force on `on`, or None before the first one."""
    return latest_by(versions, on, lambda v: v.effective_from)


def index_in_force(versions: Sequence[D], on: dt.date) -> int | None:
    """Position in `versions` of the one in force on `on`, or None before the first one."""
    chosen = in_force(versions, on)
    return None if chosen is None else next(i for i, v in enumerate(versions) if v is chosen)


def started(versions: Iterable[D], on: dt.date) -> list[D]:
    """Every version that has started by `on` (for rules that do not replace each other)."""
    return [v for v in versions if v.effective_from <= on]


def within(on: dt.date, start: dt.date, until: dt.date | None) -> bool:
    """True when `on` lies in the window from `start` to `until` (inclusive; None: open)."""
    return start <= on and (until is None or on <= until)


def join_in_force(
    queries: pl.LazyFrame,
    versions: pl.LazyFrame,
    *,
    day: str,
    start: str = "effective_from",
    by: Sequence[str] = (),
) -> pl.LazyFrame:
    """The vectorised form: each query row gets the version (same `by` keys) in force on `day`.

    Rows before the first version get nulls. Versions must not share a start day per `by` group
    (the linter's `overlap` check), so "first listed wins" never has to be decided here.
    """
    return queries.sort(day).join_asof(
        versions.sort(start),
        left_on=day,
        right_on=start,
        by=list(by) or None,
        strategy="backward",
        check_sortedness=False,
    )

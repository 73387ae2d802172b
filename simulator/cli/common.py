"""Shared CLI plumbing: option parsing, JSON output and the one-line error contract."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Console

from simulator.clock import today_in_japan
from simulator.errors import UsageError
from simulator.message.source import checked_text
from simulator.numbers.names import plan_ids
from simulator.numbers.reader import is_read_error, read_error
from simulator.result.document import to_json
from simulator.rules.ruleset import RuleSet

# markup=False: cells, column names, file names and messages come from the user, and rich would
# read `abc[/b]` as a closing tag (and crash) or `[red]` as a style; kpsim styles nothing by markup.
stdout = Console(highlight=False, markup=False, width=None if sys.stdout.isatty() else 120)
stderr = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)


def parse_date(value: str | None, *, option: str = "--as-of") -> dt.date:
    """A YYYY-MM-DD option value (today, in JST, when not given)."""
    if value is None:
        return today_in_japan()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a date", hint="use the form YYYY-MM-DD"
        ) from None


def parse_pairs(values: list[str] | None, *, option: str) -> dict[str, str]:
    """`NAME=VALUE` options into a dict; a malformed pair is a usage error."""
    out: dict[str, str] = {}
    for item in values or []:
        name, sep, value = checked_text(item, option=option).partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise UsageError(f"{option} {item!r} is not NAME=VALUE")
        if out.get(name, value) != value:
            raise UsageError(
                f"{option} {name} is given twice, as {out[name]!r} and {value!r}",
                hint="give each name once",
                code="conflicting_values",
            )
        out[name] = value
    return out


def parse_plans(value: str | None, rs: RuleSet) -> list[str]:
    """A comma-separated plan list (every plan when None) by id, name or alias, as plan ids."""
    if value is None:
        return rs.plan_ids()
    plans = [p.strip() for p in value.split(",") if p.strip()]
    if not plans:
        raise UsageError("no plan given", hint=f"choose from {', '.join(rs.plans)}")
    return list(dict.fromkeys(plan_ids(rs, plans)))


def print_json(obj: Any) -> None:
    sys.stdout.write(to_json(obj))


@contextlib.contextmanager
def reading_list(file: Path | None) -> Iterator[None]:
    """Errors polars meets reading the list lazily (a cut-short CSV) become one-line InputErrors."""
    try:
        yield
    except pl.exceptions.PolarsError as exc:
        if not is_read_error(exc):
            raise
        raise read_error(file, exc) from None

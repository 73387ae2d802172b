"""The app's work, kept in its scratch folder: uploaded lists (saved under random names, never
the uploaded one) checked as `kpsim recipients check` does, messages counted as
`simulator.fit_message` does, and forecasts run as `kpsim forecast` runs them, with their files
written by `kpsim forecast --out`'s writer. No pricing of its own."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.analysis.run import ForecastOptions, forecast
from simulator.clock import today_in_japan
from simulator.engine.stream import check_list, collect_streaming
from simulator.errors import KpsimError, UsageError
from simulator.message.count import count_parts
from simulator.message.profiles import describe_limits, load_segmentation_rules, profile_for
from simulator.message.render import fixed_text
from simulator.numbers.reader import EXCEL_SUFFIXES, PARQUET_SUFFIXES, read_file
from simulator.numbers.recipients import read_recipients
from simulator.progress import Meter
from simulator.report.outputs import write_forecast_outputs
from simulator.result.check import CheckInput, CheckSummary
from simulator.result.forecast import Forecast, MessageInfo, MessagePlan
from simulator.result.summarise import ForecastResult
from simulator.rules.assumptions import modelled_settings, resolve_settings
from simulator.rules.ruleset import load_ruleset

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES
COLUMN_CHOICE_CODES = frozenset(
    {"ambiguous_phone_column", "no_phone_column", "ambiguous_carrier_column"}
)
"""Check errors the page answers with a choice of the list's columns."""
ENCODINGS = ("utf-8", "cp932", "utf-16", "euc-jp")
"""Encodings offered when the detected one looks wrong."""


def new_id() -> str:
    return secrets.token_hex(8)


def shown_name(name: str | None) -> str:
    """An uploaded file's name as the page shows it: its last part, without control characters,
    at most 120 characters (escaped when rendered; never used as a path)."""
    last = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in last if unicodedata.category(c)[0] != "C")
    return kept[:120] or "list"


def stored_suffix(name: str | None) -> str:
    """The suffix the saved copy gets: the uploaded one if kpsim reads that kind, else none
    (the reader then tells the kind from the content)."""
    suffix = Path(shown_name(name)).suffix.lower()
    return suffix if suffix in KNOWN_SUFFIXES else ""


@dataclass
class ListChoice:
    """How to read an uploaded list (the page's choices; None: detect)."""

    phone_column: str | None = None
    carrier_column: str | None = None
    encoding: str | None = None
    sheet: str | None = None

    def options(self) -> dict[str, Any]:
        return {
            "phone_column": self.phone_column,
            "carrier_column": self.carrier_column,
            "encoding": self.encoding,
            "sheet": self.sheet,
        }


@dataclass
class Upload:
    """One uploaded list: where its copy is, its name as given, and what checking it found."""

    id: str
    path: Path
    name: str
    choice: ListChoice = field(default_factory=ListChoice)
    summary: CheckSummary | None = None
    error: KpsimError | None = None
    columns: list[str] = field(default_factory=list)

    @property
    def needs_column(self) -> bool:
        return self.error is not None and self.error.code in COLUMN_CHOICE_CODES


@dataclass
class Run:
    """One forecast: its typed summary, its files (name → path) or an error, and progress."""

    id: str
    upload_id: str
    folder: Path
    summary: Forecast | None = None
    files: dict[str, Path] = field(default_factory=dict)
    error: KpsimError | None = None
    full_numbers: bool = False
    started: float = 0.0
    done: threading.Event = field(default_factory=threading.Event)


def list_columns(path: Path, choice: ListChoice) -> list[str]:
    """The list's column names (for a choice), or none when it cannot be read at all."""
    with contextlib.suppress(KpsimError):
        frame, _ = read_file(path, choice.encoding, choice.sheet)
        return list(frame.collect_schema().names())
    return []


def parse_day(value: str | None) -> dt.date:
    """The send date from the form (YYYY-MM-DD), today in Japan when empty."""
    if not value:
        return today_in_japan()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{value!r} is not a date", hint="use YYYY-MM-DD", code="bad_date"
        ) from None


def checked_summary(
    path: Path, choice: ListChoice, *, rules_dir: Path | None, meter: Meter
) -> CheckSummary:
    """Every row of the list accounted for, as `kpsim recipients check` counts them."""
    rs = load_ruleset(rules_dir)
    settings = resolve_settings(rs, None)
    source = read_recipients(path, ruleset=rs, **choice.options())
    day = today_in_japan()
    checked = check_list(source, as_of=day, ruleset=rs, settings=settings, meter=meter)
    queries = checked.summary_queries()
    counts = checked.summary(collect_streaming(queries))
    return CheckSummary.of(
        counts,
        input=CheckInput(
            file=source.label,
            encoding=source.encoding,
            phone_column=source.phone_column,
            carrier_column=source.carrier_column,
        ),
        as_of=day,
        dedupe=False,
        assumptions=modelled_settings(rs, settings),
    )


def check_upload(upload: Upload, *, rules_dir: Path | None, meter: Meter | None = None) -> Upload:
    """Check the list as `kpsim recipients check` does; a user mistake is kept, not raised."""
    upload.summary, upload.error = None, None
    try:
        upload.summary = checked_summary(
            upload.path, upload.choice, rules_dir=rules_dir, meter=meter or Meter(enabled=False)
        )
    except KpsimError as err:
        upload.error = err
    upload.columns = list_columns(upload.path, upload.choice)
    return upload


def forecast_run(
    run: Run,
    upload: Upload,
    settings: Mapping[str, Any],
    *,
    full_numbers: bool,
    rules_dir: Path | None,
) -> Run:
    """Price the list (same API and options as `kpsim forecast`) and write what `--out` writes
    into the run's folder, numbers masked unless `full_numbers`."""
    run.full_numbers = full_numbers
    try:
        options = ForecastOptions(
            input_name=upload.name, rules_dir=rules_dir, **upload.choice.options(), **settings
        )
        result = ForecastResult.of(forecast(upload.path, options))
        run.folder.mkdir(parents=True, exist_ok=True)
        run.files = write_forecast_outputs(
            run.folder,
            rows=result.rows,
            checked=result.checked,
            summary=result.summary,
            full_numbers=full_numbers,
        )
        run.summary = result.summary
    except KpsimError as err:
        run.error = err
    finally:
        run.done.set()
    return run


def fit_message(text: str, day: dt.date, *, rules_dir: Path | None) -> MessageInfo:
    """How each plan counts `text` on `day` (what `simulator.fit_message` gives): encoding,
    parts and the plan's limit; a template (with placeholders) only gets the limits."""
    rs = load_ruleset(rules_dir)
    settings = resolve_settings(rs, None)
    segmentation = load_segmentation_rules(rules_dir)
    fixed = fixed_text(text)
    by_plan: dict[str, MessagePlan] = {}
    for plan in rs.plan_ids():
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
        template=text if fixed is None else None,
        templated=fixed is None,
        text=text,
        characters=len(text),
        by_plan=by_plan,
    )

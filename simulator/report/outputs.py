"""Files written under `--out`: per-recipient Parquet, rejects CSV, summary, charts, HTML."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from simulator import atomic
from simulator.engine.stream import collect_streaming
from simulator.privacy import mask_expr
from simulator.result.document import to_json
from simulator.result.forecast import Forecast
from simulator.result.shared import sender_shown_expr

NUMBER_COLUMNS = ("e164", "raw")
OUTPUT_FILES = {"recipients": "recipients.parquet", "rejects": "rejects.csv"}


def masked(frame: pl.LazyFrame, columns: tuple[str, ...] = NUMBER_COLUMNS) -> pl.LazyFrame:
    """Phone-number columns replaced by their masked form."""
    present = [c for c in columns if c in frame.collect_schema().names()]
    return frame.with_columns(mask_expr(c).alias(c) for c in present)


def output_sinks(
    out_dir: Path,
    stack: contextlib.ExitStack[Any],
    *,
    recipients: pl.LazyFrame,
    rejects: pl.LazyFrame,
    full_numbers: bool = False,
    bom: bool = False,
) -> list[pl.LazyFrame]:
    """Lazy sinks of recipients.parquet and rejects.csv (UTF-8, with a BOM when `bom`) into
    temporary files that replace the targets when `stack` closes without an error; phone
    numbers are masked unless `full_numbers`."""
    if not full_numbers:
        recipients, rejects = masked(recipients), masked(rejects)
    parquet = stack.enter_context(atomic.atomic_path(out_dir / OUTPUT_FILES["recipients"]))
    csv = stack.enter_context(atomic.atomic_path(out_dir / OUTPUT_FILES["rejects"]))
    return [
        recipients.sink_parquet(parquet, lazy=True),
        rejects.sink_csv(csv, include_bom=bom, lazy=True),
    ]


def with_sender_shown(
    rows: pl.LazyFrame, *, sender: str | None, kp_sender: str | None
) -> pl.LazyFrame:
    """Priced rows with `sender_shown`: what the recipient sees (as in the summary)."""
    shown = sender_shown_expr(
        pl.col("sender_kind"), pl.col("sender_value"), sender=sender, kp_sender=kp_sender
    )
    return rows.with_columns(shown.alias("sender_shown"))


def forecast_rejects(checked: pl.LazyFrame) -> pl.LazyFrame:
    return checked.filter(pl.col("status") == "rejected").select(
        "row", "raw", "number_class", "reject_reason"
    )


def forecast_sinks(
    out_dir: Path,
    stack: contextlib.ExitStack[Any],
    *,
    full_numbers: bool = False,
    sender: str | None = None,
    kp_sender: str | None = None,
) -> Callable[[pl.LazyFrame, pl.LazyFrame], list[pl.LazyFrame]]:
    """`output_sinks` for `forecast(..., sinks=...)`: one row per recipient and plan (with the
    sender shown) and the rejected rows, from the priced rows and the checked list."""

    def sinks(rows: pl.LazyFrame, checked: pl.LazyFrame) -> list[pl.LazyFrame]:
        return output_sinks(
            out_dir,
            stack,
            recipients=with_sender_shown(rows, sender=sender, kp_sender=kp_sender),
            rejects=forecast_rejects(checked),
            full_numbers=full_numbers,
        )

    return sinks


def write_report_files(out_dir: Path, summary: Forecast) -> dict[str, Path]:
    """summary.json, the PNG charts and report.html, each written atomically."""
    from simulator.report.charts import write_charts  # matplotlib loads only when charts are drawn
    from simulator.report.html import render_html

    written = {"summary": atomic.write_text(out_dir / "summary.json", to_json(summary))}
    charts = write_charts(summary, out_dir)
    written.update({name: path for name, path in charts.items()})
    written["report"] = atomic.write_text(out_dir / "report.html", render_html(summary, charts))
    return written


def write_forecast_outputs(
    out_dir: Path,
    *,
    rows: pl.LazyFrame,
    checked: pl.DataFrame | pl.LazyFrame,
    summary: Forecast,
    full_numbers: bool = False,
) -> dict[str, Path]:
    """Write every output atomically (what `kpsim forecast --out` writes, from a forecast
    already run); numbers are masked unless `full_numbers`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        sinks = forecast_sinks(
            out_dir,
            stack,
            full_numbers=full_numbers,
            sender=summary.sender,
            kp_sender=summary.kp_sender,
        )
        collect_streaming(sinks(rows, checked.lazy()))
    written = {name: out_dir / file for name, file in OUTPUT_FILES.items()}
    written.update(write_report_files(out_dir, summary))
    return written
